//! A good neighbour: `--rate`, `--max-latency`, `--max-duration` and `--resume`, run as the
//! real binary against real redis-server processes (standalone and a 3-primary cluster).
//!
//! No assertion depends on this machine being fast: a paced scan can only be slower than its
//! pace, so bounds are one-sided (a time-boxed scan of more keys than the pace allows in the
//! box cannot finish; slices are run until the scan is complete, however many it takes).

use crate::support;

use std::collections::HashSet;
use std::path::Path;
use std::process::{Command, Output};
use std::time::Instant;

use serde_json::Value;
use sessctl_store::Store;
use support::*;

fn at(urls: &[String], args: &[&str]) -> Command {
    let mut cmd = sessctl();
    for url in urls {
        cmd.args(["-r", url]);
    }
    cmd.args(args);
    cmd
}

fn summary(out: &Output) -> Value {
    let recs = json_lines(&out.stdout);
    assert_eq!(recs.len(), 1, "one summary object: {recs:?}");
    recs.into_iter().next().unwrap()
}

fn standalone(n: u64, users: u64) -> RedisServer {
    let server = RedisServer::start();
    server.pipe(&sessions_protocol("session:", n, users));
    assert_eq!(server.cli(&["DBSIZE"]), n.to_string());
    server
}

fn cluster(n: u64, users: u64) -> RedisCluster {
    let cluster = RedisCluster::start();
    let store = Store::connect(store_options(&cluster.urls()[..1])).unwrap();
    let pairs: Vec<(Vec<u8>, Vec<u8>)> = (0..n)
        .map(|i| (format!("session:{}", session_id(i)).into_bytes(), format!("user{}", i % users).into_bytes()))
        .collect();
    assert!(store.create(&pairs, 3600).unwrap().iter().all(|&c| c));
    assert_eq!(cluster.dbsize(), n);
    cluster
}

/// Runs `args` (which include `--resume FILE` and a time box) until a run says it is complete;
/// returns each run's output. Every run must exit 0.
fn slices(urls: &[String], args: &[&str]) -> Vec<Output> {
    let mut outs = Vec::new();
    for _ in 0..60 {
        let out = ok(at(urls, args));
        let done = match json_lines(&out.stdout).last() {
            Some(v) if v.get("complete").is_some() => v["complete"] == true,
            // `list` records: the run says on stderr when it stopped at the time box.
            _ => !stderr(&out).contains("stopped at --max-duration"),
        };
        outs.push(out);
        if done {
            return outs;
        }
    }
    panic!("60 slices did not complete the scan");
}

/// The session ids a `list -o json` printed.
fn listed(out: &Output) -> Vec<String> {
    json_lines(&out.stdout).iter().map(|r| r["session_id"].as_str().unwrap().to_string()).collect()
}

/// Lists in time-boxed slices and checks the slices together list exactly what one run
/// lists: every session once, none twice, none missing.
fn slices_list_what_one_run_lists(urls: &[String], file: &Path) {
    let whole = listed(&ok(at(urls, &["list", "-o", "json"])));
    assert!(whole.len() >= 3_000);
    let file = file.to_str().unwrap();
    let outs = slices(urls, &["list", "-o", "json", "--rate", "4000", "--max-duration", "250ms", "--resume", file]);
    // 3,000 keys at 4,000 keys/s cannot fit in 250 ms (one batch per primary goes unpaced).
    assert!(outs.len() >= 2, "the time box never stopped the scan");
    for out in &outs[..outs.len() - 1] {
        assert!(stderr(out).contains("stopped at --max-duration 250ms"), "{}", stderr(out));
        assert!(stderr(out).contains("saved where it stopped"), "{}", stderr(out));
    }
    assert!(stderr(outs.last().unwrap()).contains("the scan is complete; removed"));
    assert!(!Path::new(file).exists(), "a complete scan removes its resume file");
    let mut seen = HashSet::new();
    for out in &outs {
        for id in listed(out) {
            assert!(seen.insert(id.clone()), "{id} listed by two slices");
        }
    }
    let whole: HashSet<String> = whole.into_iter().collect();
    assert_eq!(seen, whole, "the slices together list exactly what one run lists");
}

#[test]
fn resumed_slices_list_exactly_what_one_run_lists_standalone() {
    let server = standalone(3_000, 50);
    let dir = tempfile::tempdir().unwrap();
    slices_list_what_one_run_lists(&[server.url()], &dir.path().join("list.resume"));
}

#[test]
fn resumed_slices_list_exactly_what_one_run_lists_on_a_cluster() {
    let cluster = cluster(3_000, 50);
    let dir = tempfile::tempdir().unwrap();
    slices_list_what_one_run_lists(&cluster.urls(), &dir.path().join("list.resume"));
    // A latency target on a cluster: a probe and a pace per primary, one summary.
    let s = summary(&ok(at(&cluster.urls(), &["list", "--count", "-o", "json", "--max-latency", "5ms"])));
    assert_eq!(s["complete"], true);
    assert_eq!(s["count"], 3_000);
    assert!(s["observed_p99_ms"].as_f64().is_some_and(|p| p > 0.0), "{s}");
}

#[test]
fn resumed_slices_of_revoke_and_stats_add_up_to_one_run() {
    let server = standalone(3_000, 20);
    let url = [server.url()];
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("revoke.resume");
    let file = file.to_str().unwrap();
    let one = summary(&ok(at(&url, &["revoke", "--user", "user3", "--user", "user7", "--dry-run", "-o", "json"])));
    assert_eq!(one["matched"], 300);
    let sliced = ["revoke", "--user", "user3", "--user", "user7", "-y", "-o", "json"];
    let pace = ["--rate", "4000", "--max-duration", "250ms", "--resume", file];
    let outs = slices(&url, &[&sliced[..], &pace[..]].concat());
    assert!(outs.len() >= 2);
    let sum = |field: &str| outs.iter().map(|o| summary(o)[field].as_u64().unwrap()).sum::<u64>();
    assert_eq!(sum("matched"), 300, "each session matched once over the slices");
    assert_eq!(sum("revoked"), 300);
    assert_eq!(sum("scanned"), 3_000, "each key scanned once over the slices");
    for out in &outs[..outs.len() - 1] {
        let s = summary(out);
        assert_eq!(s["complete"], false);
        assert_eq!(s["interrupted"], false);
        assert_eq!(s["deadline_reached"], true);
    }
    assert_eq!(server.cli(&["DBSIZE"]), "2700");
    let left = ok(at(&url, &["list", "--user", "user3", "--user", "user7", "--count"]));
    assert_eq!(String::from_utf8_lossy(&left.stdout).trim(), "0");

    // stats: each slice counts its own keys; together, every session once.
    let outs = slices(&url, &["stats", "-o", "json", "--rate", "4000", "--max-duration", "250ms", "--resume", file]);
    assert!(outs.len() >= 2);
    assert_eq!(outs.iter().map(|o| summary(o)["sessions"].as_u64().unwrap()).sum::<u64>(), 2_700);
}

#[test]
fn a_time_box_stops_every_scanning_command_cleanly_with_exit_0() {
    let server = standalone(4_000, 10);
    let url = [server.url()];
    let pace = ["--rate", "2000", "--max-duration", "200ms"];
    for command in [
        &["list", "--count", "-o", "json"][..],
        &["stats", "-o", "json"],
        &["revoke", "--user", "user1", "--dry-run", "-o", "json"],
        &["cleanup", "--dry-run", "-o", "json"],
    ] {
        let out = ok(at(&url, &[command, &pace[..]].concat()));
        let s = summary(&out);
        assert_eq!(s["complete"], false, "{command:?}: {s}");
        assert_eq!(s["deadline_reached"], true, "{command:?}: {s}");
        assert!(s.get("keys_per_second").is_some_and(Value::is_u64), "{command:?}: {s}");
        assert!(stderr(&out).contains("stopped at --max-duration 200ms"), "{command:?}: {}", stderr(&out));
        assert!(stderr(&out).contains("give --resume FILE"), "{}", stderr(&out));
    }
    // A table count that is not complete prints no number that could pass for the total.
    let out = ok(at(&url, &["list", "--count", "--rate", "2000", "--max-duration", "200ms"]));
    assert!(out.stdout.is_empty(), "{}", String::from_utf8_lossy(&out.stdout));
    // --quiet silences the note where the output itself says complete: false (a nightly
    // slice need not mail every night), not where nothing else would say the list is partial.
    let out = ok(at(&url, &["-q", "stats", "-o", "json", "--rate", "2000", "--max-duration", "200ms"]));
    assert_eq!(summary(&out)["complete"], false);
    assert!(out.stderr.is_empty(), "{}", stderr(&out));
    let out = ok(at(&url, &["-q", "list", "-o", "json", "--rate", "2000", "--max-duration", "200ms"]));
    assert!(stderr(&out).contains("stopped at --max-duration 200ms"), "{}", stderr(&out));
    // A time box the scan fits in changes nothing.
    let s = summary(&ok(at(&url, &["list", "--count", "-o", "json", "--max-duration", "1h"])));
    assert_eq!(s["complete"], true);
    assert_eq!(s["count"], 4_000);
    assert_eq!(s["deadline_reached"], false);
}

#[test]
fn a_rate_holds_the_scan_to_its_pace() {
    let server = standalone(3_000, 10);
    let url = [server.url()];
    let started = Instant::now();
    let s = summary(&ok(at(&url, &["list", "--count", "-o", "json", "--rate", "5000"])));
    let took = started.elapsed().as_secs_f64();
    assert_eq!(s["complete"], true);
    assert_eq!(s["count"], 3_000);
    // Only the last batch (about 25 keys here: 5 ms of the pace) is not waited for; SCAN's
    // COUNT is a hint, so allow far more.
    assert!(took >= (3_000.0 - 800.0) / 5_000.0, "3,000 keys at 5,000/s took only {took:.2}s");
    let kps = s["keys_per_second"].as_u64().unwrap();
    assert!(kps > 0 && kps <= 5_000 * 3_000 / 2_200, "keys_per_second {kps} is over the pace");
    // From the environment too; a flag wins.
    let mut cmd = at(&url, &["list", "--count", "-o", "json", "--max-duration", "300ms"]);
    cmd.env("SESSCTL_RATE", "1000");
    let s = summary(&ok(cmd));
    assert_eq!(s["complete"], false, "SESSCTL_RATE=1000 cannot scan 3,000 keys in 300 ms: {s}");
    let mut cmd = at(&url, &["list", "--count", "-o", "json", "--rate", "10000000"]);
    cmd.env("SESSCTL_RATE", "1000");
    assert_eq!(summary(&ok(cmd))["complete"], true);
}

#[test]
fn a_latency_target_reports_the_pace_and_the_latency_it_saw() {
    let server = standalone(3_000, 10);
    let url = [server.url()];
    let s = summary(&ok(at(&url, &["stats", "-o", "json", "--max-latency", "5ms"])));
    assert_eq!(s["complete"], true);
    assert_eq!(s["sessions"], 3_000);
    assert!(s["keys_per_second"].as_u64().unwrap() > 0, "{s}");
    let p99 = s["observed_p99_ms"].as_f64().unwrap_or_else(|| panic!("no observed p99: {s}"));
    assert!(p99 > 0.0, "{s}");
}

#[test]
fn a_resume_file_of_another_run_is_refused_before_connecting() {
    let server = standalone(3_000, 10);
    let url = [server.url()];
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("r.json");
    let f = file.to_str().unwrap();
    let first = ok(at(
        &url,
        &[
            "revoke",
            "--user",
            "user1",
            "--dry-run",
            "-o",
            "json",
            "--rate",
            "2000",
            "--max-duration",
            "200ms",
            "--resume",
            f,
        ],
    ));
    assert_eq!(summary(&first)["complete"], false);
    let saved = std::fs::read_to_string(&file).unwrap();
    let doc: Value = serde_json::from_str(&saved).unwrap();
    assert_eq!(doc["sessctl_resume"], 1);
    assert_eq!(doc["command"], "revoke");
    assert!(!saved.contains("user1"), "user ids stay out of the file: {saved}");
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(std::fs::metadata(&file).unwrap().permissions().mode() & 0o777, 0o600);

    let refused = |args: &[&str], why: &str| {
        let out = run(at(&url, args));
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        let err = stderr(&out);
        assert_eq!(err.lines().count(), 1, "one line: {err}");
        assert!(err.contains(why) && err.contains("delete"), "{args:?}: {err}");
        assert!(out.stdout.is_empty());
    };
    refused(&["revoke", "--user", "user2", "--dry-run", "--resume", f], "another selection of sessions (users");
    refused(&["revoke", "--user", "user1", "-y", "--resume", f], "dry_run true there, false here");
    refused(&["list", "--resume", f], "was saved by `sessctl revoke`, not `sessctl list`");
    refused(&["--prefix", "other:", "revoke", "--user", "user1", "--dry-run", "--resume", f], "prefix session:");
    let other = RedisServer::start();
    let out = run(at(&[other.url()], &["revoke", "--user", "user1", "--dry-run", "--resume", f]));
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("was saved for redis://127.0.0.1"), "{}", stderr(&out));
    assert_eq!(std::fs::read_to_string(&file).unwrap(), saved, "a refused run leaves the file alone");

    // A file sessctl did not write: refused, and never with advice to delete it.
    std::fs::write(&file, "not json\n").unwrap();
    let out = run(at(&url, &["revoke", "--user", "user1", "--dry-run", "--resume", f]));
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let err = stderr(&out);
    assert_eq!(err.lines().count(), 1, "one line: {err}");
    assert!(err.contains("not a sessctl resume file") && !err.contains("delete"), "{err}");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "not json\n");
    let big = file.with_extension("big");
    std::fs::File::create(&big).unwrap().set_len(17 << 20).unwrap();
    let out = run(at(&url, &["list", "--resume", big.to_str().unwrap()]));
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("16 MiB") && !stderr(&out).contains("delete"), "{}", stderr(&out));
    // Flags that cannot go together are refused with the reason.
    let out = run(at(&url, &["list", "--limit", "5", "--resume", f]));
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--limit"), "{}", stderr(&out));
    let out = run(at(&url, &["stats", "-o", "prometheus", "--max-duration", "1m"]));
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("-o prometheus"), "{}", stderr(&out));
    let out = run(at(&url, &["revoke", &session_id(1), "--rate", "100"]));
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("revoking named sessions does not scan"), "{}", stderr(&out));
    assert_eq!(server.cli(&["DBSIZE"]), "3000");
    for (flag, value, why) in [
        ("--rate", "0", "from 10 to"),
        ("--rate", "fast", "keys per second"),
        ("--max-latency", "10us", "at least 100us"),
        ("--max-latency", "1", "unit"),
        ("--max-duration", "0s", "at least"),
    ] {
        let out = run(at(&url, &["list", "--count", flag, value]));
        assert_eq!(out.status.code(), Some(2), "{flag} {value}");
        assert!(stderr(&out).contains(why), "{flag} {value}: {}", stderr(&out));
    }
}

/// A restarted server hashes its keys with a new seed, so a cursor it issued before means
/// other keys now: the resumed scan starts that part over and finds every session.
#[test]
fn a_restarted_server_starts_its_part_over() {
    let mut server = standalone(3_000, 10);
    let port = server.port;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("r.json");
    let f = file.to_str().unwrap();
    let first =
        ok(at(&[server.url()], &["list", "-o", "json", "--rate", "2000", "--max-duration", "300ms", "--resume", f]));
    let before = listed(&first).len();
    assert!(before > 0 && before < 3_000);
    server.cli(&["SAVE"]);
    server.kill();
    let data = server.dir.path().display().to_string();
    let restarted = RedisServer::start_with(RedisOptions {
        port: Some(port),
        extra: vec!["--dir".into(), data, "--dbfilename".into(), "dump.rdb".into()],
        ..Default::default()
    });
    assert_eq!(restarted.cli(&["DBSIZE"]), "3000");
    let out = ok(at(&[restarted.url()], &["list", "-o", "json", "--resume", f]));
    let err = stderr(&out);
    assert!(err.contains("starts over") && err.contains(&format!("127.0.0.1:{port}")), "{err}");
    assert_eq!(listed(&out).into_iter().collect::<HashSet<_>>().len(), 3_000, "every session, from the start");
}

/// A slot that changes owner between two slices changes two primaries' parts: both start
/// over, the third continues, and nothing is missed.
#[test]
fn a_slot_moved_between_slices_restarts_the_two_parts_it_touches() {
    let cluster = cluster(3_000, 50);
    let urls = cluster.urls();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("r.json");
    let f = file.to_str().unwrap();
    let whole: HashSet<String> = listed(&ok(at(&urls, &["list", "-o", "json"]))).into_iter().collect();
    let first = ok(at(&urls, &["list", "-o", "json", "--rate", "2000", "--max-duration", "300ms", "--resume", f]));
    assert!(file.exists());
    // Move an empty slot of node 0 (which serves slots 0-5460) to node 1, telling every
    // node, as redis-cli does.
    let ids: Vec<String> = cluster.nodes.iter().map(|n| n.cli(&["CLUSTER", "MYID"])).collect();
    let slot = (0..5_461u32)
        .find(|s| cluster.nodes[0].cli(&["CLUSTER", "COUNTKEYSINSLOT", &s.to_string()]) == "0")
        .expect("an empty slot of node 0")
        .to_string();
    for node in &cluster.nodes {
        assert_eq!(node.cli(&["CLUSTER", "SETSLOT", &slot, "NODE", &ids[1]]), "OK");
    }
    let rest = ok(at(&urls, &["list", "-o", "json", "--resume", f]));
    let err = stderr(&rest);
    let restarted = err.matches("starts over").count();
    assert_eq!(restarted, 2, "the two parts whose slots changed start over, the third continues: {err}");
    let mut seen: HashSet<String> = listed(&first).into_iter().collect();
    seen.extend(listed(&rest));
    assert_eq!(seen, whole, "nothing present throughout is missed");
}

/// Ctrl-C with a resume file: the deletions already queued are sent before the state is
/// saved (the saved cursors have passed them), so the next run finishes the job and the two
/// runs together revoke each session of the users exactly once.
#[test]
fn ctrl_c_saves_where_revoke_stopped_and_the_next_run_finishes() {
    let server = standalone(3_000, 20);
    let url = [server.url()];
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("r.json");
    let f = file.to_str().unwrap();
    let args = ["revoke", "--user", "user3", "--user", "user7", "-y", "-o", "json", "--resume", f];
    server.cli(&["CONFIG", "RESETSTAT"]);
    let mut child = at(&url, &[&args[..], &["--rate", "1000"]].concat())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Interrupt once the scan is under way (a few SCANs done), well before its end.
    let deadline = Instant::now() + std::time::Duration::from_secs(20);
    let scans = || -> u64 {
        let stats = server.cli(&["INFO", "commandstats"]);
        stats
            .lines()
            .find_map(|l| l.strip_prefix("cmdstat_scan:calls="))
            .and_then(|v| v.split(',').next())
            .and_then(|v| v.parse().ok())
            .unwrap_or(0)
    };
    while scans() < 5 {
        assert!(Instant::now() < deadline, "the scan did not start");
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    assert!(Command::new("kill").args(["-INT", &child.id().to_string()]).status().unwrap().success());
    let out = std::mem::replace(&mut child, Command::new("true").spawn().unwrap()).wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(130), "{}", stderr(&out));
    let first = summary(&out);
    assert_eq!(first["interrupted"], true);
    assert_eq!(first["complete"], false);
    let revoked = first["revoked"].as_u64().unwrap();
    assert_eq!(first["matched"].as_u64().unwrap(), revoked, "what was matched was sent: {first}");
    assert!(revoked < 300, "stopped part way: {first}");
    assert_eq!(server.cli(&["DBSIZE"]), (3_000 - revoked).to_string());
    assert!(file.exists(), "the state was saved: {}", stderr(&out));

    let second = summary(&ok(at(&url, &args)));
    assert_eq!(second["complete"], true);
    assert_eq!(revoked + second["revoked"].as_u64().unwrap(), 300, "each session revoked once over the two runs");
    assert_eq!(server.cli(&["DBSIZE"]), "2700");
    assert!(!file.exists());
}

#[test]
fn the_run_that_finishes_a_resumed_scan_never_passes_its_part_for_the_whole() {
    let server = standalone(3_000, 50);
    let url = [server.url()];
    let dir = tempfile::tempdir().unwrap();
    // stats: a first slice (1,000 keys/s cannot scan 3,000 keys in 300 ms), then the rest.
    let file = dir.path().join("stats.resume");
    let file = file.to_str().unwrap();
    let first =
        summary(&ok(at(&url, &["stats", "-o", "json", "--rate", "1000", "--max-duration", "300ms", "--resume", file])));
    assert_eq!(first["complete"], false, "{first}");
    assert!(first.get("resumed").is_none(), "the first slice continues nothing: {first}");
    let out = ok(at(&url, &["stats", "-o", "json", "--resume", file]));
    let last = summary(&out);
    assert_eq!(last["resumed"], true, "{last}");
    let part = last["sessions"].as_u64().unwrap();
    assert_eq!(first["sessions"].as_u64().unwrap() + part, 3_000, "{first} {last}");
    assert!(stderr(&out).contains("cover only"), "{}", stderr(&out));
    // list --count as a table: a bare number would be taken for the total.
    let file = dir.path().join("count.resume");
    let file = file.to_str().unwrap();
    let out = ok(at(&url, &["list", "--count", "--rate", "1000", "--max-duration", "300ms", "--resume", file]));
    assert!(out.stdout.is_empty());
    let out = ok(at(&url, &["list", "--count", "--resume", file]));
    assert!(out.stdout.is_empty(), "a part's count printed as a bare number: {}", String::from_utf8_lossy(&out.stdout));
    assert!(stderr(&out).contains("cover only"), "{}", stderr(&out));
    // A run that continues nothing prints the total as before.
    let out = ok(at(&url, &["list", "--count", "--resume", file]));
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "3000");
}
