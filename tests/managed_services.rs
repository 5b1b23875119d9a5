//! Managed services: servers with the commands such services take away (`rename-command SYNC
//! ""`, PSYNC, REPLCONF, CONFIG, DEBUG, KEYS) and an ACL user without `+@dangerous`. Every
//! sessctl command either works or says in one line what the server does not allow and what
//! to use instead, and `doctor` says whether `--snapshot` is possible (without trying a
//! transfer) and whether replicas exist for `WAIT`. Part of the server matrix
//! (scripts/test-matrix, docs/compatibility.md).
use crate::support;

use std::process::{Command, Output};

use serde_json::Value;
use support::*;

/// A strong secret (doctor fails weak ones).
const SECRET: &str = "Qx7vK2pLm9RtZ4wN8bYc3HjD6fGs1AeU5oIi0TnVkXy";

fn at(url: &str, args: &[&str]) -> Command {
    let mut cmd = sessctl();
    cmd.env("SESSCTL_REDIS_URL", url).env("SESSCTL_SECRET", SECRET).args(args);
    cmd
}

/// The commands a managed service removes, renamed away as they do it.
const REMOVED: &[&str] = &["SYNC", "PSYNC", "REPLCONF", "CONFIG", "DEBUG", "KEYS"];

fn renamed_server() -> RedisServer {
    let mut extra = Vec::new();
    for command in REMOVED {
        extra.extend(["--rename-command".to_string(), command.to_string(), String::new()]);
    }
    RedisServer::start_with(RedisOptions { extra, ..Default::default() })
}

/// A server with an `ops` user who may do everything but the `@dangerous` commands (INFO,
/// ROLE, KEYS, CONFIG, SYNC, REPLCONF, CLIENT, ACL DRYRUN…), on every key. sessctl connects as
/// `ops`; the test's own redis-cli stays `default`.
fn acl_server() -> (RedisServer, String) {
    let server = RedisServer::start();
    server.cli(&["ACL", "SETUSER", "ops", "on", ">ops-pw", "~*", "&*", "+@all", "-@dangerous"]);
    let url = format!("redis://ops:ops-pw@127.0.0.1:{}/0", server.port);
    (server, url)
}

fn err_of(out: &Output) -> String {
    stderr(out)
}

/// The lines of stderr that are not notes (`sessctl: note: …`) or warnings.
fn error_lines(out: &Output) -> Vec<String> {
    err_of(out)
        .lines()
        .filter(|l| !l.starts_with("sessctl: note:") && !l.starts_with("sessctl: warning:"))
        .map(str::to_string)
        .collect()
}

fn count(out: &Output) -> u64 {
    String::from_utf8_lossy(&out.stdout).trim().parse().unwrap_or_else(|_| panic!("not a count: {}", err_of(out)))
}

fn doctor_rows(out: &Output) -> Vec<Value> {
    json_lines(&out.stdout)
}

fn row<'a>(rows: &'a [Value], name: &str) -> &'a Value {
    rows.iter().find(|r| r["check"] == name).unwrap_or_else(|| panic!("no {name} row: {rows:?}"))
}

/// Everything but `--snapshot` works: mint, verify, list, stats, cleanup, revoke with a
/// backup, restore.
fn the_commands_that_scan_work(url: &str, server: &RedisServer) {
    server.pipe(&sessions_protocol("session:", 300, 6));
    let out = ok(at(url, &["mint", "--user", "alice", "--count", "2"]));
    let cookies = String::from_utf8_lossy(&out.stdout).to_string();
    assert_eq!(cookies.lines().count(), 2);
    let out = run_with_stdin(at(url, &["verify", "-o", "json"]), cookies.as_bytes());
    assert_eq!(out.status.code(), Some(0), "{}", err_of(&out));
    assert!(json_lines(&out.stdout).iter().all(|r| r["valid"] == true), "{}", String::from_utf8_lossy(&out.stdout));
    assert_eq!(count(&ok(at(url, &["list", "--count"]))), 302);
    assert_eq!(count(&ok(at(url, &["list", "--count", "--user", "alice"]))), 2);
    let stats = json_lines(&ok(at(url, &["stats", "-o", "json"])).stdout);
    assert!(stats.iter().any(|r| r["sessions"] == 302 || r["total"] == 302), "{stats:?}");
    ok(at(url, &["cleanup", "--max-age", "3d", "--dry-run"]));
    let dir = tempfile::tempdir().unwrap();
    let backup = dir.path().join("backup.jsonl");
    let out = ok(at(url, &["revoke", "--user", "user1", "--yes", "-o", "json", "--backup", backup.to_str().unwrap()]));
    let revoked = json_lines(&out.stdout).last().unwrap()["revoked"].as_u64().unwrap();
    assert_eq!(revoked, 50);
    assert_eq!(count(&ok(at(url, &["list", "--count"]))), 252);
    ok(at(url, &["restore", backup.to_str().unwrap()]));
    assert_eq!(count(&ok(at(url, &["list", "--count", "--user", "user1"]))), 50);
    assert_eq!(count(&ok(at(url, &["list", "--count"]))), 302);
}

/// Every `--snapshot` command exits 1 with one line naming what the server refused and
/// saying to run without `--snapshot`; nothing is deleted.
fn snapshots_say_what_is_refused_and_what_to_use(url: &str, server: &RedisServer, refused: &str) {
    let before = server.cli(&["DBSIZE"]);
    for args in [
        &["list", "--count", "--snapshot"][..],
        &["stats", "--snapshot"],
        &["revoke", "--all", "--yes", "--snapshot"],
        &["cleanup", "--max-age", "3d", "--snapshot"],
    ] {
        let out = run(at(url, args));
        let lines = error_lines(&out);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {}", err_of(&out));
        assert_eq!(lines.len(), 1, "{args:?}: one line: {}", err_of(&out));
        let line = &lines[0];
        assert!(line.contains(refused), "{args:?}: names {refused}: {line}");
        assert!(line.contains("without --snapshot"), "{args:?}: says what to use instead: {line}");
    }
    assert_eq!(server.cli(&["DBSIZE"]), before, "nothing deleted");
}

#[test]
fn with_sync_psync_replconf_config_debug_and_keys_renamed_away_every_command_works_but_snapshots() {
    let server = renamed_server();
    // The server really lacks them.
    for command in REMOVED {
        let info = server.cli(&["COMMAND", "INFO", command]);
        assert!(info.is_empty(), "{command} still there: {info}");
    }
    let url = server.url();
    the_commands_that_scan_work(&url, &server);
    snapshots_say_what_is_refused_and_what_to_use(&url, &server, "REPLCONF");

    // doctor: exit 0; the snapshot row says SYNC is not there (no transfer tried) and what
    // to use instead; the replicas row says there are none for WAIT.
    let out = ok(at(&url, &["doctor", "-o", "json"]));
    let rows = doctor_rows(&out);
    let snapshot = row(&rows, "snapshot");
    assert_eq!(snapshot["status"], "warn", "{snapshot}");
    let detail = snapshot["detail"].as_str().unwrap();
    assert!(detail.contains("no SYNC or REPLCONF") && detail.contains("renamed or removed"), "{detail}");
    assert!(snapshot["hint"].as_str().unwrap().contains("leave it out"), "{snapshot}");
    assert!(row(&rows, "replicas")["detail"].as_str().unwrap().starts_with("no replica"), "{rows:?}");
    for r in &rows {
        assert_ne!(r["status"], "fail", "{r}");
    }
    assert!(server.cli(&["INFO", "stats"]).contains("sync_full:0"), "doctor started no transfer");
}

#[test]
fn an_acl_user_without_dangerous_commands_runs_everything_but_snapshots() {
    let (server, url) = acl_server();
    the_commands_that_scan_work(&url, &server);
    snapshots_say_what_is_refused_and_what_to_use(&url, &server, "REPLCONF");

    // doctor: INFO is @dangerous, so the redis row warns (as before); the snapshot row says
    // the ACL refuses, or that it cannot ask the ACL (ACL DRYRUN is @dangerous too).
    let out = ok(at(&url, &["doctor", "-o", "json"]));
    let rows = doctor_rows(&out);
    let snapshot = row(&rows, "snapshot");
    assert_eq!(snapshot["status"], "warn", "{snapshot}");
    let detail = snapshot["detail"].as_str().unwrap();
    assert!(detail.contains("unknown") && detail.contains("ACL"), "{detail}");
    let replicas = row(&rows, "replicas");
    assert_eq!(replicas["status"], "warn", "{replicas}");
    assert!(replicas["detail"].as_str().unwrap().contains("INFO replication refused"), "{replicas}");
}

#[test]
fn doctor_names_an_acl_that_refuses_sync_when_the_user_may_ask_the_acl() {
    let server = RedisServer::start();
    server.cli(&["ACL", "SETUSER", "default", "-sync"]);
    let out = ok(at(&server.url(), &["doctor", "-o", "json"]));
    let rows = doctor_rows(&out);
    let snapshot = row(&rows, "snapshot");
    assert_eq!(snapshot["status"], "warn", "{snapshot}");
    let detail = snapshot["detail"].as_str().unwrap();
    assert!(detail.contains("the ACL refuses SYNC"), "{detail}");
    assert!(snapshot["hint"].as_str().unwrap().contains("+sync"), "{snapshot}");
    // And it is right: the snapshot is refused, in one line.
    let out = run(at(&server.url(), &["list", "--count", "--snapshot"]));
    assert_eq!(out.status.code(), Some(1), "{}", err_of(&out));
    assert!(err_of(&out).contains("SYNC"), "{}", err_of(&out));
}

#[test]
fn doctor_counts_the_replicas_wait_can_wait_for() {
    let setup = SentinelSetup::start(1, None);
    let out = ok(at(&setup.primary.url(), &["doctor", "-o", "json"]));
    let rows = doctor_rows(&out);
    let replicas = row(&rows, "replicas");
    assert_eq!(replicas["status"], "ok", "{replicas}");
    assert!(replicas["detail"].as_str().unwrap().starts_with("1 replica(s) connected"), "{replicas}");
    let snapshot = row(&rows, "snapshot");
    assert_eq!(snapshot["status"], "ok", "{snapshot}");
    assert!(snapshot["detail"].as_str().unwrap().starts_with("--snapshot possible"), "{snapshot}");
}
