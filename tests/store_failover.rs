//! Failover on a real Redis Cluster with replicas (3 primaries, 3 replicas, a 1 s node
//! timeout): a primary killed in the middle of a scan or a `revoke --user` is replaced by its
//! replica, and the same run finishes on the new primary; and the states a server leaves by
//! itself (LOADING, READONLY, MASTERDOWN, CLUSTERDOWN) are waited out, and named when the
//! retry deadline passes.
use crate::support;

use std::collections::HashMap;
use std::process::Stdio;
use std::sync::atomic::AtomicBool;
use std::time::{Duration, Instant};

use sessctl_store::{Found, Lookup, ScanRequest, ServerErrorKind, Store, StoreError};
use support::*;

const NODE_TIMEOUT_MS: u32 = 1000;

/// `n` sessions spread over `users` users, stored through the store (routed by slot).
fn load(cluster: &RedisCluster, n: u64, users: u64) -> Vec<(Vec<u8>, Vec<u8>)> {
    let sessions: Vec<(Vec<u8>, Vec<u8>)> = (0..n)
        .map(|i| (format!("session:{}", session_id(i)).into_bytes(), format!("user{}", i % users).into_bytes()))
        .collect();
    let store = Store::connect(store_options(&cluster.urls()[..1])).unwrap();
    for chunk in sessions.chunks(10_000) {
        assert!(store.create(chunk, 3600).unwrap().iter().all(|&c| c));
    }
    cluster.wait_replicas_synced();
    sessions
}

/// A primary killed while the scan runs: its part of the scan starts again on the replica
/// that took over. Every session comes exactly once unmarked; the ones that come again are
/// marked as repeats, and each had come before.
#[test]
fn a_scan_follows_a_failover_and_marks_what_comes_twice() {
    let _timing = support::cluster_timing_lock();
    let mut cluster = RedisCluster::with_replicas(NODE_TIMEOUT_MS);
    let sessions = load(&cluster, 30_000, 30);
    let victim = cluster.primaries()[1];
    let (victim_addr, heir_addr) = (
        format!("127.0.0.1:{}", cluster.nodes[victim].port),
        format!("127.0.0.1:{}", cluster.nodes[cluster.replica_of(victim)].port),
    );
    let seed = cluster.nodes[cluster.primaries()[0]].url();
    let store = Store::connect(store_options(&[seed])).unwrap();
    assert!(store.nodes().contains(&victim_addr));

    let request = ScanRequest { with_ttl: true, count: 20, ..Default::default() };
    let mut first: HashMap<Vec<u8>, u32> = HashMap::new();
    let mut repeats: Vec<Vec<u8>> = Vec::new();
    let mut killed = false;
    let summary = scan_with(&store, &request, &AtomicBool::new(false), |f| {
        if let Found::Session(s) = f {
            if s.repeat {
                repeats.push(s.key);
            } else {
                *first.entry(s.key).or_default() += 1;
            }
        }
        if !killed && first.len() == 3_000 {
            // A tenth of the way: every part is under way.
            cluster.nodes[victim].kill();
            killed = true;
        }
        true
    })
    .expect("the scan finishes on the new primary");
    assert!(killed);
    assert!(summary.is_complete());
    assert_eq!(summary.failovers, 1, "{summary:?}");
    assert!(summary.rescanned > 0, "{summary:?}");
    assert_eq!(first.len(), sessions.len(), "every session, unmarked once");
    assert!(first.values().all(|&n| n == 1), "none unmarked twice");
    assert!(!repeats.is_empty(), "the part that started again brought back what it had delivered");
    assert_eq!(summary.repeats, repeats.len() as u64);
    assert!(repeats.iter().all(|k| first.contains_key(k)));
    assert_eq!(store.failovers(), vec![sessctl_store::Failover { from: victim_addr, to: heir_addr }]);
}

/// The acceptance test of issue 7: a primary killed in the middle of `revoke --user`. The
/// same run exits 0, every replicated session of that user is gone, no session of any other
/// user was removed, and the summary says a failover was followed.
#[test]
fn revoke_user_survives_a_primary_killed_mid_run() {
    let _timing = support::cluster_timing_lock();
    const USERS: u64 = 10;
    let mut cluster = RedisCluster::with_replicas(NODE_TIMEOUT_MS);
    let sessions = load(&cluster, 60_000, USERS);
    let target = sessions.iter().filter(|(_, u)| u == b"user3").count() as u64;
    let victim = cluster.primaries()[2];
    let seed = cluster.nodes[cluster.primaries()[0]].url();

    let mut child = sessctl()
        .args(["-r", &seed, "revoke", "--user", "user3", "-o", "json", "--scan-count", "10"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Once deletions have reached the victim, pause sessctl, kill the victim, and let sessctl
    // go on: the kill lands in the middle of the run, whatever the machine's speed.
    let deadline = Instant::now() + Duration::from_secs(60);
    while calls(&cluster.nodes[victim], "evalsha") == 0 {
        assert!(Instant::now() < deadline, "the revoke never reached the victim");
        assert!(child.try_wait().unwrap().is_none(), "the revoke ended before the kill");
        std::thread::sleep(Duration::from_millis(2));
    }
    signal(&child, "STOP");
    let scans_before = calls(&cluster.nodes[victim], "scan");
    cluster.nodes[victim].kill();
    signal(&child, "CONT");
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(scans_before > 0, "the victim's part was under way");

    cluster.wait_healthy();
    let summary: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(summary["failovers"], 1, "{summary}");
    assert_eq!(summary["complete"], true, "{summary}");
    assert!(stderr.contains("followed the failover to"), "{stderr}");
    let store = Store::connect(store_options(&[seed])).unwrap();
    let keys: Vec<Vec<u8>> = sessions.iter().map(|(k, _)| k.clone()).collect();
    let left = store.lookup_many(&keys).unwrap();
    for ((key, user), found) in sessions.iter().zip(&left) {
        match (user.as_slice(), found) {
            (b"user3", Lookup::Missing) => {}
            (b"user3", other) => panic!("{} of user3 is still there: {other:?}", String::from_utf8_lossy(key)),
            (_, Lookup::Session { user: u, .. }) if u == user => {}
            (_, other) => panic!("{} of another user was touched: {other:?}", String::from_utf8_lossy(key)),
        }
    }
    assert_eq!(cluster.dbsize(), sessions.len() as u64 - target);
    assert_eq!(summary["revoked"], target, "each session counted once: {summary}");
    assert_eq!(summary["matched"], target, "{summary}");
}

/// `INFO commandstats` calls of one command on one server (0 when it cannot answer).
fn calls(server: &RedisServer, command: &str) -> u64 {
    let out = std::process::Command::new("redis-cli")
        .args(server.cli_args())
        .args(["INFO", "commandstats"])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let prefix = format!("cmdstat_{command}:calls=");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .find_map(|l| l.strip_prefix(&prefix)?.split(',').next()?.trim().parse().ok())
        .unwrap_or(0)
}

fn signal(child: &std::process::Child, name: &str) {
    let status = std::process::Command::new("kill").args([&format!("-{name}"), &child.id().to_string()]).status();
    assert!(status.unwrap().success());
}

/// A whole shard gone (primary and replica): the cluster answers CLUSTERDOWN; the store
/// waits, and when the retry deadline passes says so, naming CLUSTERDOWN.
#[test]
fn clusterdown_is_waited_out_then_named() {
    let _timing = support::cluster_timing_lock();
    let mut cluster = RedisCluster::with_replicas(NODE_TIMEOUT_MS);
    let survivor = cluster.primaries()[0];
    let victim = cluster.primaries()[1];
    let replica = cluster.replica_of(victim);
    let mut options = store_options(&[cluster.nodes[survivor].url()]);
    options.timeouts.retry_deadline = Duration::from_secs(4);
    let store = Store::connect(options).unwrap();
    // A key the survivor serves.
    let key = (0..)
        .map(|i| format!("session:{}", session_id(i)))
        .find(|k| {
            let slot = cluster.nodes[survivor].cli(&["CLUSTER", "KEYSLOT", k]).parse::<u16>().unwrap();
            owner_is(&cluster, survivor, slot)
        })
        .unwrap();
    cluster.nodes[replica].kill();
    cluster.nodes[victim].kill();
    // The survivor marks the shard as failed within the node timeout, then the cluster is down.
    let deadline = Instant::now() + Duration::from_secs(20);
    while !cluster.nodes[survivor].cli(&["CLUSTER", "INFO"]).contains("cluster_state:fail") {
        assert!(Instant::now() < deadline, "the cluster never noticed");
        std::thread::sleep(Duration::from_millis(50));
    }
    let started = Instant::now();
    let err = store.lookup(key.as_bytes()).unwrap_err();
    let waited = started.elapsed();
    match &err {
        StoreError::Unavailable { error, .. } => assert_eq!(error.kind, ServerErrorKind::ClusterDown),
        other => panic!("{other:?}"),
    }
    assert!(err.to_string().contains("still answered CLUSTERDOWN after"), "{err}");
    assert!(waited >= Duration::from_secs(4), "it waited for the deadline: {waited:?}");
}

fn owner_is(cluster: &RedisCluster, node: usize, slot: u16) -> bool {
    let id = cluster.nodes[node].cli(&["CLUSTER", "MYID"]);
    cluster.nodes[node].cli(&["CLUSTER", "NODES"]).lines().any(|l| {
        let f: Vec<&str> = l.split(' ').collect();
        f[0] == id
            && f[8..].iter().any(|r| match r.split_once('-') {
                Some((a, b)) => a.parse::<u16>().is_ok_and(|a| a <= slot) && b.parse::<u16>().is_ok_and(|b| slot <= b),
                None => r.parse::<u16>() == Ok(slot),
            })
    })
}

/// A server loading its data (LOADING) is waited for; a replica (READONLY to writes) and a
/// replica cut off from its primary (MASTERDOWN) are waited on until the deadline, which then
/// names the state.
#[test]
fn loading_readonly_and_masterdown_are_waited_out_then_named() {
    let _timing = support::cluster_timing_lock();
    // LOADING: a server restarted on a dump it loads slowly (key-load-delay).
    let mut first = RedisServer::start();
    first.pipe(&sessions_protocol("session:", 2000, 10));
    first.cli(&["SAVE"]);
    let dir = first.dir.path().display().to_string();
    let port = first.port;
    first.kill();
    let loading = RedisServer::start_with(RedisOptions {
        port: Some(port),
        extra: vec!["--dir".into(), dir, "--key-load-delay".into(), "1000".into()],
        no_wait: true,
        ..Default::default()
    });
    let mut options = store_options(&[loading.url()]);
    options.timeouts.retry_deadline = Duration::from_secs(20);
    let store = Store::connect(options).expect("connecting waits out LOADING");
    assert!(matches!(store.lookup(format!("session:{}", session_id(7)).as_bytes()).unwrap(), Lookup::Session { .. }));

    // READONLY: writes sent to a replica.
    let primary = RedisServer::start_with(RedisOptions {
        extra: vec!["--repl-diskless-sync-delay".into(), "0".into()],
        ..Default::default()
    });
    let replica = RedisServer::start_with(RedisOptions {
        extra: vec![
            "--replicaof".into(),
            "127.0.0.1".into(),
            primary.port.to_string(),
            "--replica-serve-stale-data".into(),
            "no".into(),
        ],
        ..Default::default()
    });
    let mut options = store_options(&[replica.url()]);
    options.timeouts.retry_deadline = Duration::from_millis(1500);
    let store = Store::connect(options).unwrap();
    let started = Instant::now();
    let err = store.create(&[(b"session:w".to_vec(), b"u".to_vec())], 60).unwrap_err();
    assert!(started.elapsed() >= Duration::from_millis(1500));
    assert!(err.to_string().contains("still answered READONLY after"), "{err}");

    // MASTERDOWN: the replica's primary is gone and it may not serve stale data.
    drop(primary);
    let deadline = Instant::now() + Duration::from_secs(20);
    while !replica.cli(&["INFO", "replication"]).contains("master_link_status:down") {
        assert!(Instant::now() < deadline);
        std::thread::sleep(Duration::from_millis(50));
    }
    let err = store.lookup(b"session:w").unwrap_err();
    assert!(
        matches!(&err, StoreError::Unavailable { error, .. } if error.kind == ServerErrorKind::MasterDown),
        "{err:?}"
    );
    assert!(err.to_string().contains("still answered MASTERDOWN after"), "{err}");
}

/// Issue 14 on a cluster with replicas, sessctl never paused: `CLUSTER FAILOVER FORCE` on a
/// replica (it takes over without the primary's agreement; the old primary keeps taking
/// writes until it hears), then a primary SIGSTOPped until its replica is promoted (it wakes
/// with sessctl's deletions queued and runs them as a primary that is no longer one). Each
/// time during a paced `revoke --user`: afterwards none of the user's sessions is live on any
/// primary, no other user's is touched, and nothing is counted that Redis did not keep.
#[test]
fn revoke_user_loses_nothing_to_a_forced_failover_or_a_frozen_primary() {
    let _timing = support::cluster_timing_lock();
    const USERS: u64 = 10;
    let cluster = RedisCluster::with_replicas(NODE_TIMEOUT_MS);
    let sessions = load(&cluster, 60_000, USERS);
    let seed = cluster.nodes[cluster.primaries()[0]].url();
    let store = Store::connect(store_options(std::slice::from_ref(&seed))).unwrap();
    let keys: Vec<Vec<u8>> = sessions.iter().map(|(k, _)| k.clone()).collect();
    let revoke = |user: &str| {
        sessctl()
            .args(["-r", &seed, "revoke", "--user", user, "-o", "json", "--rate", "20000"])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    };
    let mut gone: Vec<&[u8]> = Vec::new();
    for (user, fault) in [("user3", "force"), ("user5", "freeze")] {
        gone.push(user.as_bytes());
        let victim = cluster.primaries()[1];
        let heir = cluster.replica_of(victim);
        let child = revoke(user);
        let deadline = Instant::now() + Duration::from_secs(60);
        while calls(&cluster.nodes[victim], "evalsha") < 2 {
            assert!(Instant::now() < deadline, "the revoke never reached the victim");
            std::thread::sleep(Duration::from_millis(2));
        }
        if fault == "force" {
            assert_eq!(cluster.nodes[heir].cli(&["CLUSTER", "FAILOVER", "FORCE"]), "OK");
        } else {
            let pid = cluster.nodes[victim].cli(&["INFO", "server"]);
            let pid = pid.lines().find_map(|l| l.strip_prefix("process_id:")).unwrap().trim().to_string();
            let kill =
                |sig: &str| assert!(std::process::Command::new("kill").args([sig, &pid]).status().unwrap().success());
            kill("-STOP");
            while cluster.nodes[heir].try_cli(&["ROLE"]).lines().next() != Some("master") {
                assert!(Instant::now() < deadline, "the replica of the frozen primary was not promoted");
                std::thread::sleep(Duration::from_millis(20));
            }
            kill("-CONT");
        }
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr).to_string();
        let summary: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|_| panic!("{stderr}"));
        cluster.wait_healthy();
        while cluster.nodes[victim].try_cli(&["ROLE"]).lines().next() != Some("slave") {
            assert!(Instant::now() < deadline, "the old primary did not become a replica");
            std::thread::sleep(Duration::from_millis(20));
        }
        cluster.wait_replicas_synced();
        let target = sessions.iter().filter(|(_, u)| u == user.as_bytes()).count() as u64;
        let live = |store: &Store| {
            let left = store.lookup_many(&keys).unwrap();
            let mut live = 0;
            for ((key, owner), found) in sessions.iter().zip(&left) {
                match (gone.contains(&owner.as_slice()), found) {
                    (true, Lookup::Missing) => {}
                    (true, _) if owner == user.as_bytes() => live += 1,
                    (true, other) => panic!("{} revoked before is back: {other:?}", String::from_utf8_lossy(key)),
                    (false, Lookup::Session { user: u, .. }) if u == owner => {}
                    (false, other) => panic!("{} of another user was touched: {other:?}", String::from_utf8_lossy(key)),
                }
            }
            live
        };
        let left = live(&store);
        let revoked = summary["revoked"].as_u64().unwrap();
        assert!(revoked <= target - left, "{fault}: {revoked} counted, {left} of {target} live: {summary}; {stderr}");
        match out.status.code() {
            Some(0) => {
                assert_eq!(left, 0, "{fault}: {summary}; {stderr}");
                assert_eq!(revoked, target, "{fault}: {summary}");
                assert!(summary["failovers"].as_u64().unwrap() >= 1, "{fault}: {summary}; {stderr}");
            }
            Some(1) => {
                assert_eq!(summary["complete"], false, "{fault}: {summary}");
                assert!(stderr.contains("run the same command again"), "{stderr}");
                let again = revoke(user).wait_with_output().unwrap();
                assert_eq!(again.status.code(), Some(0), "{}", String::from_utf8_lossy(&again.stderr));
                cluster.wait_replicas_synced();
                assert_eq!(live(&store), 0, "{fault}: the second run finished the job");
            }
            other => panic!("{fault}: exit {other:?}: {stderr}"),
        }
    }
}
