//! Redis behind Sentinel: real `redis-server --sentinel` processes watching a primary and its
//! replica. `redis+sentinel://` URLs find the primary (past a dead Sentinel, with the
//! Sentinels' own password), errors say which part failed, and a `SENTINEL FAILOVER` in the
//! middle of a long `revoke --user` is followed to the new primary in the same run.
use crate::support;

use std::process::Stdio;
use std::time::{Duration, Instant};

use sessctl_store::{AuthProblem, Expected, Lookup, Store, StoreError, TopologyError};
use support::*;

const PW: &str = "sentinel-pw";

fn connect(url: &str, sentinel_password: Option<&str>) -> Result<Store, StoreError> {
    let mut options = store_options(&[url.to_string()]);
    options.sentinel_password = sentinel_password.map(str::to_string);
    Store::connect(options)
}

#[test]
fn a_sentinel_url_finds_the_primary() {
    let setup = SentinelSetup::start(2, Some(PW));
    // A dead Sentinel first: the next one answers.
    let dead = free_port();
    let hosts: Vec<String> = setup.sentinels.iter().map(|s| format!("127.0.0.1:{}", s.port)).collect();
    let url = format!("redis+sentinel://127.0.0.1:{dead},{}/{}/2", hosts.join(","), setup.master);
    let store = connect(&url, Some(PW)).unwrap();
    assert!(store.is_sentinel() && !store.is_cluster());
    assert_eq!(store.nodes(), vec![format!("127.0.0.1:{}", setup.primary.port)]);
    assert_eq!(store.create(&[(b"session:s".to_vec(), b"u".to_vec())], 60).unwrap(), vec![true]);
    assert_eq!(setup.primary.cli(&["-n", "2", "GET", "session:s"]), "u", "database 2 of the primary");
    assert!(matches!(store.lookup(b"session:s").unwrap(), Lookup::Session { user, .. } if user == b"u"));

    // The Sentinels want their password: the error says it is theirs, not the primary's.
    let err = connect(&setup.url(), None).unwrap_err();
    match &err {
        StoreError::Topology(TopologyError::SentinelRefused { problem: AuthProblem::PasswordRequired, .. }) => {}
        other => panic!("{other:?}"),
    }
    assert!(err.to_string().starts_with("the Sentinel at 127.0.0.1:"), "{err}");
    let err = connect(&setup.url(), Some("wrong")).unwrap_err();
    assert!(matches!(&err, StoreError::Topology(TopologyError::SentinelRefused { .. })), "{err:?}");
    assert!(!format!("{err:?}").contains("wrong"));

    let unknown = setup.url().replace("/mymaster", "/nosuch");
    let err = connect(&unknown, Some(PW)).unwrap_err();
    assert_eq!(err.to_string(), "no Sentinel knows a primary named \"nosuch\"");

    // Through the binary, from the environment: the URL's commas separate Sentinels, not URLs.
    let out = sessctl()
        .env("SESSCTL_REDIS_URL", setup.url().replace("/mymaster", "/mymaster/2"))
        .env("SESSCTL_SENTINEL_PASSWORD", PW)
        .args(["list", "--count"])
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "1", "{}", String::from_utf8_lossy(&out.stderr));
    let out = sessctl().env("SESSCTL_REDIS_URL", setup.url()).args(["list", "--count"]).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("SESSCTL_SENTINEL_PASSWORD") && err.trim().lines().count() == 1, "{err}");

    let nobody = format!("redis+sentinel://127.0.0.1:{},127.0.0.1:{}/mymaster", free_port(), free_port());
    let err = connect(&nobody, Some(PW)).unwrap_err();
    assert!(
        err.to_string().starts_with(
            "cannot reach any of the 2 Sentinels for \"mymaster\"; first: cannot reach Redis at 127.0.0.1:"
        ),
        "{err}"
    );
}

/// The acceptance test of issue 7's Sentinel item: `SENTINEL FAILOVER` while `revoke --user`
/// runs. sessctl asks the Sentinels again, finishes on the new primary (the scan starts
/// again there), exits 0, and every session of the user is gone, no other, counted once.
#[test]
fn revoke_follows_a_sentinel_failover_mid_run() {
    const N: u64 = 60_000;
    let setup = SentinelSetup::start(2, Some(PW));
    setup.primary.pipe(&sessions_protocol("session:", N, 10));
    let target = N / 10;
    wait_synced(&setup.primary, &setup.replica);

    let mut child = sessctl()
        .env("SESSCTL_SENTINEL_PASSWORD", PW)
        .args(["-r", &setup.url(), "revoke", "--user", "user3", "-o", "json", "--scan-count", "10"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Once deletions have started, pause sessctl, fail over, and let it go on: the failover
    // lands in the middle of the run whatever the machine's speed.
    let deadline = Instant::now() + Duration::from_secs(60);
    while calls(&setup.primary, "evalsha") == 0 {
        assert!(Instant::now() < deadline, "the revoke never started deleting");
        assert!(child.try_wait().unwrap().is_none(), "the revoke ended before the failover");
        std::thread::sleep(Duration::from_millis(2));
    }
    signal(&child, "STOP");
    setup.failover();
    signal(&child, "CONT");
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert_eq!(setup.primary_port(), setup.replica.port, "the replica is the primary now");

    let summary: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(summary["failovers"], 1, "{summary}; {stderr}");
    assert_eq!(summary["complete"], true, "{summary}");
    assert!(stderr.contains(&format!("followed the failover to 127.0.0.1:{}", setup.replica.port)), "{stderr}");
    let new_primary = &setup.replica;
    assert_eq!(new_primary.cli(&["DBSIZE"]), (N - target).to_string(), "only user3's sessions are gone");
    let store = connect(&setup.url(), Some(PW)).unwrap();
    let survivors: Vec<Expected> = (0..N)
        .filter(|i| i % 10 == 3)
        .map(|i| Expected { key: format!("session:{}", session_id(i)).into_bytes(), user: b"user3".to_vec() })
        .collect();
    assert!(store.delete_if_holds(&survivors).unwrap().iter().all(|d| !d), "none of user3's is left");
    assert_eq!(summary["revoked"], target, "each session counted once: {summary}");
    assert_eq!(summary["matched"], target, "{summary}");
}

/// Waits until `replica` has everything `primary` has.
fn wait_synced(primary: &RedisServer, replica: &RedisServer) {
    let offset = |s: &RedisServer, field: &str| -> Option<u64> {
        s.try_cli(&["INFO", "replication"]).lines().find_map(|l| l.strip_prefix(field)?.trim().parse().ok())
    };
    let deadline = Instant::now() + Duration::from_secs(30);
    while offset(replica, "slave_repl_offset:") != offset(primary, "master_repl_offset:") {
        assert!(Instant::now() < deadline, "the replica did not catch up");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// `INFO commandstats` calls of one command.
fn calls(server: &RedisServer, command: &str) -> u64 {
    let prefix = format!("cmdstat_{command}:calls=");
    server
        .cli(&["INFO", "commandstats"])
        .lines()
        .find_map(|l| l.strip_prefix(&prefix)?.split(',').next()?.trim().parse().ok())
        .unwrap_or(0)
}

fn signal(child: &std::process::Child, name: &str) {
    let status = std::process::Command::new("kill").args([&format!("-{name}"), &child.id().to_string()]).status();
    assert!(status.unwrap().success());
}

/// Sessions under `session:` on a server (its keyspace, by SCAN through redis-cli).
fn sessions_on(server: &RedisServer) -> u64 {
    server.cli(&["--scan", "--pattern", "session:*"]).lines().filter(|l| !l.is_empty()).count() as u64
}

/// Waits until the Sentinels name a primary, that primary answers ROLE master, and the old
/// one has become its replica and caught up: the deployment is settled after a failover.
fn wait_settled(setup: &SentinelSetup) -> &RedisServer {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let port = setup.primary_port();
        let (new, old) = if port == setup.primary.port {
            (&setup.primary, &setup.replica)
        } else {
            (&setup.replica, &setup.primary)
        };
        let settled = new.try_cli(&["ROLE"]).lines().next() == Some("master")
            && old.try_cli(&["ROLE"]).lines().next() == Some("slave")
            && old.try_cli(&["INFO", "replication"]).contains("master_link_status:up");
        if settled {
            wait_synced(new, old);
            return new;
        }
        assert!(Instant::now() < deadline, "the deployment did not settle after the failover");
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Issue 14's acceptance test: `SENTINEL FAILOVER` while a paced `revoke --all` keeps running
/// (sessctl is never paused). Sentinel promotes the replica first and turns the old primary
/// into a replica seconds later; deletions sent to the old primary in between are thrown away
/// when it resyncs. sessctl must notice (its WAIT falls short), send them again to the new
/// primary and scan again there: after exit 0 no session is left, every session was counted
/// once, and the failover is in the summary and named on stderr. (Exit 1 with complete:false
/// is allowed too, and then a second run must leave none.)
#[test]
fn a_sentinel_failover_during_revoke_all_loses_no_deletion() {
    const N: u64 = 60_000;
    let setup = SentinelSetup::start(1, None);
    setup.primary.pipe(&sessions_protocol("session:", N, 100));
    wait_synced(&setup.primary, &setup.replica);

    let dir = tempfile::tempdir().unwrap();
    let backup = dir.path().join("b.jsonl");
    let backup = backup.to_str().unwrap();
    let run = || {
        sessctl()
            .args(["-r", &setup.url(), "revoke", "--all", "--yes", "--rate", "15000", "-o", "json", "--backup", backup])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    };
    let child = run();
    // Once a sixth of the sessions are gone, fail over; sessctl runs on throughout.
    let deadline = Instant::now() + Duration::from_secs(60);
    while setup.primary.cli(&["DBSIZE"]).parse::<u64>().unwrap() > N - N / 6 {
        assert!(Instant::now() < deadline, "the revoke never got going");
        std::thread::sleep(Duration::from_millis(5));
    }
    assert_eq!(setup.sentinels[0].cli(&["SENTINEL", "FAILOVER", &setup.master]), "OK");
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    let summary: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|_| panic!("{stderr}"));
    let new_primary = wait_settled(&setup);
    assert_eq!(new_primary.port, setup.replica.port, "the replica is the primary now");
    match out.status.code() {
        Some(0) => {
            assert_eq!(summary["complete"], true, "{summary}");
            assert!(summary["failovers"].as_u64().unwrap() >= 1, "{summary}; {stderr}");
            assert!(stderr.contains(&format!("followed the failover to 127.0.0.1:{}", setup.replica.port)), "{stderr}");
            assert_eq!(sessions_on(new_primary), 0, "revoked means revoked: {summary}; {stderr}");
            assert_eq!(summary["revoked"], N, "each session counted once: {summary}");
            assert_eq!(summary["matched"], N, "{summary}");
            // Sessions the restarted scan met again were deleted again, and backed up once.
            let keys: Vec<String> = std::fs::read_to_string(backup)
                .unwrap()
                .lines()
                .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
                .filter(|v| v.get("user").is_some())
                .map(|v| v["key"].as_str().unwrap().to_string())
                .collect();
            let distinct: std::collections::HashSet<&String> = keys.iter().collect();
            assert_eq!((keys.len(), distinct.len()), (N as usize, N as usize), "one backup line per session; {stderr}");
            let out = sessctl().args(["-r", &setup.url(), "restore", backup, "-o", "json"]).output().unwrap();
            let restored: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
            assert_eq!(
                (restored["restored"].as_u64(), restored["already_present"].as_u64()),
                (Some(N), Some(0)),
                "{restored}"
            );
            assert_eq!(sessions_on(new_primary), N);
        }
        Some(1) => {
            assert_eq!(summary["complete"], false, "{summary}");
            assert!(stderr.contains("run the same command again"), "{stderr}");
            let again = run().wait_with_output().unwrap();
            assert_eq!(again.status.code(), Some(0), "{}", String::from_utf8_lossy(&again.stderr));
            wait_synced(new_primary, &setup.primary);
            assert_eq!(sessions_on(new_primary), 0);
        }
        other => panic!("exit {other:?}: {stderr}"),
    }
}

/// Issue 14: replication lag. The replica is paused (SIGSTOP) while sessctl deletes, so its
/// WAIT falls short; the primary is then killed, the replica resumed and promoted by Sentinel.
/// The deletions the dead primary had made never reached the new primary: sessctl must not
/// count them, and must make them again there. Whatever the exit, no session counted as
/// revoked is live on the promoted replica; other users' sessions are untouched.
#[test]
fn deletions_the_replica_never_saw_are_not_counted_and_are_made_again_after_the_failover() {
    const N: u64 = 20_000;
    let mut setup = SentinelSetup::start(1, None);
    setup.primary.pipe(&sessions_protocol("session:", N, 10));
    wait_synced(&setup.primary, &setup.replica);
    let target = N / 10;
    let replica_pid = pid_of(&setup.replica);
    kill(&replica_pid, "STOP");

    let child = sessctl()
        .args(["-r", &setup.url(), "revoke", "--user", "user3", "-o", "json", "--retry-deadline", "10s"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Deletions made on the primary, the replica has none of them: sessctl waits for it.
    let deadline = Instant::now() + Duration::from_secs(60);
    while live_of(&setup.primary, "user3", N) == target {
        assert!(Instant::now() < deadline, "the revoke never started deleting");
        std::thread::sleep(Duration::from_millis(20));
    }
    std::thread::sleep(Duration::from_millis(300));
    setup.primary.kill();
    kill(&replica_pid, "CONT");

    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    let summary: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|_| panic!("{stderr}"));
    // sessctl may have ended before Sentinel promoted the replica: the claims are checked
    // against the new primary.
    let deadline = Instant::now() + Duration::from_secs(60);
    while setup.primary_port() != setup.replica.port
        || setup.replica.try_cli(&["ROLE"]).lines().next() != Some("master")
    {
        assert!(Instant::now() < deadline, "Sentinel did not promote the replica");
        std::thread::sleep(Duration::from_millis(50));
    }
    let live = live_of(&setup.replica, "user3", N);
    let revoked = summary["revoked"].as_u64().unwrap();
    assert!(
        revoked <= target - live,
        "{revoked} counted as revoked but {live} of {target} still live: {summary}; {stderr}"
    );
    match out.status.code() {
        Some(0) => {
            assert_eq!(live, 0, "{summary}; {stderr}");
            assert_eq!(revoked, target, "{summary}");
            assert!(summary["failovers"].as_u64().unwrap() >= 1, "{summary}");
        }
        Some(1) => assert_eq!(summary["complete"], false, "{summary}"),
        other => panic!("exit {other:?}: {summary}; {stderr}"),
    }
    let others = setup.replica.cli(&["DBSIZE"]).parse::<u64>().unwrap() - live;
    assert_eq!(others, N - target, "only user3's sessions are gone");
}

/// Live sessions of `user` among the `n` the test loaded (`sessions_protocol`: user i % 10).
fn live_of(server: &RedisServer, user: &str, n: u64) -> u64 {
    let index: u64 = user.trim_start_matches("user").parse().unwrap();
    let keys: Vec<String> = (0..n).filter(|i| i % 10 == index).map(|i| format!("session:{}", session_id(i))).collect();
    let mut args = vec!["EXISTS"];
    args.extend(keys.iter().map(String::as_str));
    server.cli(&args).trim().parse().unwrap()
}

fn pid_of(server: &RedisServer) -> String {
    server.cli(&["INFO", "server"]).lines().find_map(|l| l.strip_prefix("process_id:")).unwrap().trim().to_string()
}

fn kill(pid: &str, name: &str) {
    let status = std::process::Command::new("kill").args([&format!("-{name}"), pid]).status();
    assert!(status.unwrap().success());
}

/// The primary the Sentinels name now.
fn current(setup: &SentinelSetup) -> &RedisServer {
    if setup.primary_port() == setup.primary.port {
        &setup.primary
    } else {
        &setup.replica
    }
}

/// Starts `args` through the Sentinels, fails over once `started` says the run is under way
/// (sessctl keeps running), and returns its output once the deployment has settled.
fn through_a_failover(
    setup: &SentinelSetup,
    args: &[&str],
    started: impl Fn(&RedisServer) -> bool,
) -> (std::process::Output, serde_json::Value) {
    let before = current(setup);
    let mut child = sessctl()
        .env("SESSCTL_SECRET", "a-test-secret-that-is-long-enough-0123456789")
        .args(["-r", &setup.url()])
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Read as it comes: mint waits for its reader before storing more.
    let drain = |mut pipe: Box<dyn std::io::Read + Send>| {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            pipe.read_to_end(&mut bytes).unwrap();
            bytes
        })
    };
    let stdout = drain(Box::new(child.stdout.take().unwrap()));
    let stderr = drain(Box::new(child.stderr.take().unwrap()));
    let deadline = Instant::now() + Duration::from_secs(60);
    while !started(before) {
        assert!(Instant::now() < deadline, "{args:?} never got going");
        std::thread::sleep(Duration::from_millis(5));
    }
    assert_eq!(setup.sentinels[0].cli(&["SENTINEL", "FAILOVER", &setup.master]), "OK");
    let status = child.wait().unwrap();
    let out = std::process::Output { status, stdout: stdout.join().unwrap(), stderr: stderr.join().unwrap() };
    wait_settled(setup);
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    let summary = stdout.lines().last().and_then(|l| serde_json::from_str(l).ok()).unwrap_or_default();
    (out, summary)
}

/// Issue 14: `mint --count`, `restore` and `cleanup --no-ttl fix` under a Sentinel failover:
/// nothing reported as done is missing afterwards (a printed cookie's session is on the new
/// primary; `restored` and `fixed` never exceed what the new primary holds).
#[test]
fn mint_restore_and_cleanup_fix_lose_nothing_they_report_to_a_failover() {
    let setup = SentinelSetup::start(1, None);
    let dbsize = |s: &RedisServer| s.cli(&["DBSIZE"]).parse::<u64>().unwrap();

    // mint: every printed session is stored on the primary that survives.
    let (out, _) =
        through_a_failover(&setup, &["mint", "--user", "m", "--count", "100000", "-o", "json"], |p| dbsize(p) > 10_000);
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    let printed: Vec<String> = json_lines(&out.stdout)
        .iter()
        .filter_map(|r| r.get("session_id").and_then(|v| v.as_str()).map(|id| format!("session:{id}")))
        .collect();
    assert!(!printed.is_empty(), "{stderr}");
    if out.status.code() == Some(0) {
        assert_eq!(printed.len(), 100_000, "{stderr}");
    }
    let primary = current(&setup);
    for chunk in printed.chunks(5_000) {
        let mut args = vec!["EXISTS"];
        args.extend(chunk.iter().map(String::as_str));
        assert_eq!(primary.cli(&args), chunk.len().to_string(), "a printed cookie's session is missing; {stderr}");
    }
    primary.cli(&["FLUSHALL"]);

    // restore: a backup of 150,000 sessions put back while the primary changes.
    const N: u64 = 150_000;
    current(&setup).pipe(&sessions_protocol("session:", N, 10));
    let dir = tempfile::tempdir().unwrap();
    let backup = dir.path().join("b.jsonl");
    let backup = backup.to_str().unwrap();
    let out = sessctl().args(["-r", &setup.url(), "revoke", "--all", "--yes", "--backup", backup]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    wait_synced(
        current(&setup),
        if current(&setup).port == setup.primary.port { &setup.replica } else { &setup.primary },
    );
    let (out, summary) = through_a_failover(&setup, &["restore", backup, "-o", "json"], |p| dbsize(p) > 10_000);
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    let held = dbsize(current(&setup));
    let restored = summary["restored"].as_u64().unwrap_or_else(|| panic!("{stderr}"));
    assert!(restored <= held, "restored {restored} but the new primary holds {held}: {summary}; {stderr}");
    match out.status.code() {
        Some(0) => assert_eq!((restored, held), (N, N), "{summary}; {stderr}"),
        Some(1) => assert_eq!(summary["complete"], false, "{summary}"),
        other => panic!("exit {other:?}: {stderr}"),
    }

    // cleanup --no-ttl fix: 150,000 sessions without a TTL get one while the primary changes.
    current(&setup).cli(&["FLUSHALL"]);
    let mut protocol = Vec::new();
    for i in 0..N {
        let key = format!("session:{}", session_id(i));
        protocol.extend_from_slice(&resp(&[b"SET", key.as_bytes(), b"user1"]));
    }
    current(&setup).pipe(&protocol);
    let (out, summary) =
        through_a_failover(&setup, &["cleanup", "--no-ttl", "fix", "--rate", "40000", "-o", "json"], |p| {
            p.cli(&["INFO", "commandstats"]).contains("cmdstat_evalsha")
        });
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    let primary = current(&setup);
    let persistent = primary.cli(&["EVAL", "local n = 0 for _, k in ipairs(redis.call('KEYS', 'session:*')) do if redis.call('PTTL', k) == -1 then n = n + 1 end end return n", "0"]);
    let with_ttl = N - persistent.parse::<u64>().unwrap();
    let fixed = summary["fixed"].as_u64().unwrap_or_else(|| panic!("{stderr}"));
    assert!(fixed <= with_ttl, "fixed {fixed} but {with_ttl} have a TTL: {summary}; {stderr}");
    match out.status.code() {
        Some(0) => assert_eq!(with_ttl, N, "{summary}; {stderr}"),
        Some(1) => assert_eq!(summary["complete"], false, "{summary}"),
        other => panic!("exit {other:?}: {stderr}"),
    }
}
