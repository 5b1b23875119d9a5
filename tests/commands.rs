//! The Redis-backed commands, run as the real binary against real redis-server processes.

use crate::support;

use std::collections::{BTreeMap, HashSet};
use std::process::{Command, Output};

use serde_json::Value;
use support::*;

const SECRET: &str = "commands-test-secret";

fn at(urls: &[String], args: &[&str]) -> Command {
    let mut cmd = sessctl();
    cmd.env("SESSCTL_SECRET", SECRET);
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

/// Mints `n` sessions for `user` and returns their cookies (JSON records).
fn mint(urls: &[String], user: &str, n: usize) -> Vec<Value> {
    let out = ok(at(urls, &["mint", "--user", user, "--count", &n.to_string(), "-o", "json"]));
    let recs = json_lines(&out.stdout);
    assert_eq!(recs.len(), n);
    recs
}

fn listed(urls: &[String], extra: &[&str]) -> Vec<Value> {
    let mut args = vec!["list", "-o", "json"];
    args.extend_from_slice(extra);
    json_lines(&ok(at(urls, &args)).stdout)
}

fn users_of(sessions: &[Value]) -> BTreeMap<String, usize> {
    let mut m = BTreeMap::new();
    for s in sessions {
        *m.entry(s["user"].as_str().unwrap().to_string()).or_default() += 1;
    }
    m
}

#[test]
fn mint_stores_sessions_as_the_package_does() {
    let redis = RedisServer::start();
    let urls = vec![redis.url()];
    let recs = mint(&urls, "42", 3);
    for rec in &recs {
        let key = format!("session:{}", rec["session_id"].as_str().unwrap());
        assert_eq!(redis.cli(&["GET", &key]), "42");
        let ttl: i64 = redis.cli(&["TTL", &key]).parse().unwrap();
        assert!((604_790..=604_800).contains(&ttl), "ttl {ttl}");
        assert_eq!(rec["stored"], true);
    }
    let short = mint_with(&urls, &["--ttl", "1h"]);
    let ttl: i64 = redis.cli(&["TTL", &format!("session:{short}")]).parse().unwrap();
    assert!((3590..=3600).contains(&ttl), "ttl {ttl}");
    assert_eq!(redis.cli(&["DBSIZE"]), "4");
}

fn mint_with(urls: &[String], extra: &[&str]) -> String {
    let mut args = vec!["mint", "--user", "7", "-o", "json"];
    args.extend_from_slice(extra);
    let out = ok(at(urls, &args));
    json_lines(&out.stdout)[0]["session_id"].as_str().unwrap().to_string()
}

#[test]
fn verify_online_tells_valid_revoked_and_expired_apart() {
    let redis = RedisServer::start();
    let urls = vec![redis.url()];
    let rec = &mint(&urls, "alice", 1)[0];
    let cookie = rec["cookie"].as_str().unwrap();
    let out = at(&urls, &["verify", "-o", "json", cookie]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let v = &json_lines(&out.stdout)[0];
    assert_eq!(v["valid"], true);
    assert_eq!(v["user"], "alice");
    assert!(v["ttl_seconds"].as_i64().unwrap() > 604_000);

    redis.cli(&["DEL", &format!("session:{}", rec["session_id"].as_str().unwrap())]);
    let out = at(&urls, &["verify", "-o", "json", cookie]).output().unwrap();
    assert_eq!(out.status.code(), Some(4));
    let v = &json_lines(&out.stdout)[0];
    assert_eq!((v["valid"].clone(), v["status"].clone()), (Value::Bool(false), Value::from("revoked")));

    // Eight days later the same missing session ran out rather than being revoked.
    let later = (std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() + 8 * 86_400)
        .to_string();
    let mut cmd = at(&urls, &["verify", "-o", "json", cookie]);
    cmd.env("SESSCTL_NOW", &later);
    let out = cmd.output().unwrap();
    assert_eq!(out.status.code(), Some(4));
    assert_eq!(json_lines(&out.stdout)[0]["status"], "expired");

    // A bad cookie and a missing session together: the signature failure decides (3).
    let out = at(&urls, &["verify", "-o", "json", cookie, "2|1:0|junk"]).output().unwrap();
    assert_eq!(out.status.code(), Some(3));
}

#[test]
fn verify_checks_thousands_of_cookies_against_redis() {
    let redis = RedisServer::start();
    let urls = vec![redis.url()];
    let minted = mint(&urls, "bulk", 3000);
    for rec in minted.iter().take(10) {
        redis.cli(&["DEL", &format!("session:{}", rec["session_id"].as_str().unwrap())]);
    }
    let odd = format!("session:{}", minted[10]["session_id"].as_str().unwrap());
    redis.cli(&["DEL", &odd]);
    redis.cli(&["HSET", &odd, "user", "bulk"]);
    let stdin: String = minted.iter().map(|r| format!("{}\n", r["cookie"].as_str().unwrap())).collect();
    let out = run_with_stdin(at(&urls, &["verify", "-o", "json"]), stdin.as_bytes());
    assert_eq!(out.status.code(), Some(4), "{}", String::from_utf8_lossy(&out.stderr));
    let recs = json_lines(&out.stdout);
    assert_eq!(recs.len(), 3000);
    for (i, (rec, minted)) in recs.iter().zip(&minted).enumerate() {
        assert_eq!(rec["session_id"], minted["session_id"], "order is kept");
        match i {
            0..=9 => assert_eq!((rec["valid"].as_bool(), rec["status"].as_str()), (Some(false), Some("revoked"))),
            10 => {
                assert_eq!(rec["status"], "revoked");
                assert!(rec["reason"].as_str().unwrap().contains("hash"), "{rec}");
            }
            _ => assert_eq!((rec["valid"].as_bool(), rec["user"].as_str()), (Some(true), Some("bulk"))),
        }
    }
    assert_eq!(redis.cli(&["TYPE", &odd]), "hash", "verify changes nothing");
}

#[test]
fn list_streams_sessions_with_filters_limits_and_counts() {
    let redis = RedisServer::start();
    let urls = vec![redis.url()];
    mint(&urls, "u1", 3);
    mint(&urls, "u2", 2);
    mint(&urls, "u3", 1);
    redis.cli(&["HSET", "session:hash", "a", "b"]);
    redis.cli(&["SET", "other:key", "u1"]);
    let all = listed(&urls, &[]);
    assert_eq!(users_of(&all), BTreeMap::from([("u1".into(), 3), ("u2".into(), 2), ("u3".into(), 1)]));
    for s in &all {
        assert_eq!(s["session_id"].as_str().unwrap().len(), 43);
        assert!(s["ttl_seconds"].as_i64().unwrap() > 604_000);
        assert!(s["expires_at"].as_str().unwrap().ends_with('Z'));
    }
    assert_eq!(users_of(&listed(&urls, &["--user", "u1", "--user", "u3"])).len(), 2);
    assert_eq!(listed(&urls, &["--limit", "4"]).len(), 4);
    let out = ok(at(&urls, &["list", "--count"]));
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "6");
    let out = ok(at(&urls, &["list", "--count", "--user", "u2", "-o", "json"]));
    assert_eq!(summary(&out)["count"], 2);
    let out = ok(at(&urls, &["list", "-o", "csv"]));
    let text = String::from_utf8_lossy(&out.stdout);
    // CSV for machines: the JSON field names, TTLs in seconds, times in RFC 3339.
    assert_eq!(text.lines().next().unwrap(), "session_id,user,ttl_seconds,expires_at");
    assert_eq!(text.lines().count(), 7);
    let row: Vec<&str> = text.lines().nth(1).unwrap().split(',').collect();
    assert!(row[2].parse::<u64>().is_ok_and(|t| t > 600_000), "{row:?}");
    assert!(row[3].ends_with('Z') && row[3].contains('T'), "{row:?}");

    redis.cli(&["SET", "session:forever", "u9"]);
    let forever: Vec<Value> = listed(&urls, &["--user", "u9"]);
    assert_eq!(forever.len(), 1);
    assert!(forever[0]["ttl_seconds"].is_null() && forever[0]["expires_at"].is_null());
}

#[test]
fn revoke_deletes_exactly_what_was_asked() {
    let redis = RedisServer::start();
    let urls = vec![redis.url()];
    let a = mint(&urls, "a", 3);
    mint(&urls, "b", 2);
    mint(&urls, "c", 2);
    redis.cli(&["HSET", "session:odd", "user", "a"]);
    redis.cli(&["SET", "unrelated:x", "a"]);

    // One session by id, one by cookie.
    let id = a[0]["session_id"].as_str().unwrap();
    let out = ok(at(
        &urls,
        &["revoke", "-o", "json", "--", id, &format!("session_id=\"{}\"", a[1]["cookie"].as_str().unwrap())],
    ));
    let s = summary(&out);
    assert_eq!((s["matched"].as_u64(), s["revoked"].as_u64(), s["dry_run"].as_bool()), (Some(2), Some(2), Some(false)));
    assert_eq!(users_of(&listed(&urls, &["--user", "a"])).get("a"), Some(&1));

    // token_urlsafe ids may start with "-": after `--`, or as the whole key.
    let dash = |n: u32| format!("-dash{n}{}", "x".repeat(37));
    redis.cli(&["SETEX", &format!("session:{}", dash(1)), "600", "a"]);
    redis.cli(&["SETEX", &format!("session:{}", dash(2)), "600", "a"]);
    let out = ok(at(&urls, &["revoke", "-o", "json", &format!("session:{}", dash(1)), "--", &dash(2)]));
    assert_eq!(summary(&out)["revoked"], 2);
    let out = at(&urls, &["revoke", &dash(3)]).output().unwrap();
    assert_eq!(out.status.code(), Some(2), "without `--` a leading dash is a flag");
    assert!(String::from_utf8_lossy(&out.stderr).contains("--"), "clap's tip names `--`");

    // A dry run deletes nothing.
    let out = ok(at(&urls, &["revoke", "-o", "json", "--user", "b", "--user", "c", "--dry-run"]));
    let s = summary(&out);
    assert_eq!((s["matched"].as_u64(), s["revoked"].as_u64()), (Some(4), Some(0)));
    assert!(s["scanned"].as_u64().unwrap() >= 6);
    assert_eq!(listed(&urls, &[]).len(), 5);

    // Several users in one scan.
    let out = ok(at(&urls, &["revoke", "-o", "json", "--user", "b", "--user", "c"]));
    assert_eq!(summary(&out)["revoked"], 4);
    assert_eq!(users_of(&listed(&urls, &[])), BTreeMap::from([("a".into(), 1)]));
    assert_eq!(redis.cli(&["TYPE", "session:odd"]), "hash");
    assert_eq!(redis.cli(&["GET", "unrelated:x"]), "a");
}

#[test]
fn users_file_and_all_need_yes_without_a_terminal() {
    let redis = RedisServer::start();
    let urls = vec![redis.url()];
    mint(&urls, "x", 2);
    mint(&urls, "y", 1);
    mint(&urls, "z", 1);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("users.txt");
    std::fs::write(&file, "x\n\n  y \n").unwrap();
    let path = file.to_str().unwrap();

    let out = at(&urls, &["revoke", "--users-file", path]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--yes"));
    let out = at(&urls, &["revoke", "--all"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(listed(&urls, &[]).len(), 4, "nothing deleted when refused");
    // The refusal says what and where, and why; it comes before connecting, never with the
    // password.
    let out = sessctl()
        .args(["-r", "redis://:hunter2@127.0.0.1:1/4", "revoke", "--all", "--issued-before", "2026-01-01"])
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("refusing to revoke ALL sessions under \"session:\" issued before 2026-01-01T00:00:00Z on 127.0.0.1:1/4 without --yes: stdin is not a terminal"),
        "{err}"
    );
    assert!(!err.contains("hunter2"), "{err}");

    let out = ok(at(&urls, &["revoke", "--users-file", path, "--yes", "-o", "json"]));
    assert_eq!(summary(&out)["revoked"], 3);
    let out = run_with_stdin(at(&urls, &["revoke", "--users-file", "-", "--yes", "-o", "json"]), b"z\n");
    assert!(out.status.success());
    assert_eq!(summary(&out)["revoked"], 1);
    mint(&urls, "w", 2);
    let out = ok(at(&urls, &["revoke", "--all", "--yes", "-o", "json"]));
    assert_eq!(summary(&out)["revoked"], 2);
    assert_eq!(redis.cli(&["DBSIZE"]), "0");
}

#[test]
fn issued_before_narrows_by_age() {
    let redis = RedisServer::start();
    let urls = vec![redis.url()];
    // Issued just now (full 7-day TTL left) and issued about 6 days ago (1 day left).
    redis.cli(&["SETEX", "session:new1", "604800", "u"]);
    redis.cli(&["SETEX", "session:old1", "86400", "u"]);
    redis.cli(&["SETEX", "session:old2", "86400", "v"]);
    redis.cli(&["SET", "session:noexpiry", "u"]);
    let out = ok(at(&urls, &["revoke", "--user", "u", "--issued-before", "3d", "-o", "json"]));
    let s = summary(&out);
    assert_eq!((s["matched"].as_u64(), s["revoked"].as_u64()), (Some(1), Some(1)));
    assert_eq!(redis.cli(&["EXISTS", "session:old1"]), "0");
    assert_eq!(redis.cli(&["EXISTS", "session:new1"]), "1");
    assert_eq!(redis.cli(&["EXISTS", "session:noexpiry"]), "1", "age unknown: kept");
    let out = ok(at(&urls, &["revoke", "--all", "--yes", "--issued-before", "2000-01-01T00:00:00Z", "-o", "json"]));
    assert_eq!(summary(&out)["revoked"], 0);
    let out = at(&urls, &["revoke", "--all", "--yes", "--issued-before", "yesterday-ish"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn cleanup_handles_old_sessions_keys_without_ttl_and_odd_keys() {
    let redis = RedisServer::start();
    let urls = vec![redis.url()];
    // Token-shaped ids, as the app makes them (other keys are malformed and never touched).
    let key = |i: u64| format!("session:{}", session_id(i));
    let (fresh, stale, forever, forever2) = (key(1), key(2), key(3), key(4));
    redis.cli(&["SETEX", &fresh, "604800", "u"]);
    redis.cli(&["SETEX", &stale, "3600", "u"]);
    redis.cli(&["SET", &forever, "u"]);
    redis.cli(&["RPUSH", "session:list", "a"]);
    redis.cli(&["SADD", "session:set", "a"]);
    let out = ok(at(&urls, &["cleanup", "--max-age", "2d", "--dry-run", "-o", "json"]));
    let s = summary(&out);
    assert_eq!((s["too_old"].as_u64(), s["no_ttl"].as_u64(), s["non_string"].as_u64()), (Some(1), Some(1), Some(2)));
    assert_eq!((s["deleted"].as_u64(), s["dry_run"].as_bool()), (Some(0), Some(true)));
    assert_eq!(redis.cli(&["DBSIZE"]), "5");

    let out = ok(at(&urls, &["cleanup", "--max-age", "2d", "--no-ttl", "fix", "-o", "json"]));
    let s = summary(&out);
    assert_eq!((s["deleted"].as_u64(), s["fixed"].as_u64()), (Some(1), Some(1)));
    assert_eq!(redis.cli(&["EXISTS", &stale]), "0");
    let ttl: i64 = redis.cli(&["TTL", &forever]).parse().unwrap();
    assert!(ttl > 604_000, "fixed ttl {ttl}");

    redis.cli(&["SET", &forever2, "u"]);
    let out = ok(at(&urls, &["cleanup", "--no-ttl", "delete", "-o", "json"]));
    assert_eq!(summary(&out)["deleted"], 1);
    assert_eq!(redis.cli(&["EXISTS", &forever2]), "0");
    assert_eq!(redis.cli(&["TYPE", "session:list"]), "list");
    assert_eq!(redis.cli(&["TYPE", "session:set"]), "set");
}

#[test]
fn stats_count_for_people_and_prometheus() {
    let redis = RedisServer::start();
    let urls = vec![redis.url()];
    mint(&urls, "top", 3);
    mint(&urls, "low", 1);
    redis.cli(&["SET", "session:forever", "low"]);
    redis.cli(&["SET", &format!("session:{}", session_id(77)), "kept"]);
    redis.cli(&["HSET", "session:h", "a", "b"]);
    let s = summary(&ok(at(&urls, &["stats", "-o", "json"])));
    assert_eq!(s["sessions"], 6);
    assert_eq!(s["users"], 3);
    // One category per key, as cleanup and doctor count them: session:forever has no TTL but
    // is malformed (not a token), so only the well-formed one is no_ttl.
    assert_eq!(s["no_ttl"], 1);
    assert_eq!(s["non_string"], 1);
    assert_eq!(s["malformed"], 1, "session:forever is not a token");
    assert_eq!(s["top_users"][0], serde_json::json!({"user": "top", "sessions": 3}));
    let prom = String::from_utf8(ok(at(&urls, &["stats", "-o", "prometheus"])).stdout).unwrap();
    for line in [
        "sessctl_sessions{prefix=\"session:\"} 6",
        "sessctl_users{prefix=\"session:\"} 3",
        "sessctl_keys_without_ttl{prefix=\"session:\"} 1",
        "sessctl_non_string_keys{prefix=\"session:\"} 1",
        "sessctl_top_user_sessions{prefix=\"session:\",user=\"top\"} 3",
        "sessctl_session_ttl_seconds_count{prefix=\"session:\"} 4",
    ] {
        assert!(prom.lines().any(|l| l == line), "missing {line:?} in\n{prom}");
    }
    assert!(prom.contains("# TYPE sessctl_session_ttl_seconds histogram"));
}

#[test]
fn the_environment_names_redis_and_the_prefix() {
    let redis = RedisServer::start();
    mint(&[redis.url()], "e", 2);
    redis.cli(&["SET", "app2:abc", "e"]);
    let mut cmd = sessctl();
    cmd.env("REDIS_URL", redis.url()).args(["list", "--count"]);
    assert_eq!(String::from_utf8_lossy(&ok(cmd).stdout).trim(), "2");
    let mut cmd = sessctl();
    cmd.env("SESSCTL_REDIS_URL", redis.url()).env("REDIS_URL", "redis://127.0.0.1:1/0").env("SESSCTL_PREFIX", "app2:");
    cmd.args(["list", "--count"]);
    assert_eq!(String::from_utf8_lossy(&ok(cmd).stdout).trim(), "1");
}

#[test]
fn cluster_commands_cover_every_primary() {
    let cluster = RedisCluster::start();
    let urls = vec![cluster.nodes[1].url()];
    let minted = mint(&urls, "c1", 60);
    mint(&urls, "c2", 30);
    assert_eq!(cluster.dbsize(), 90);
    for node in &cluster.nodes {
        let n: u64 = node.cli(&["DBSIZE"]).parse().unwrap();
        assert!(n > 0, "keys on every primary");
    }
    let all = listed(&urls, &[]);
    assert_eq!(all.len(), 90);
    let ids: HashSet<&str> = all.iter().map(|s| s["session_id"].as_str().unwrap()).collect();
    assert_eq!(ids.len(), 90, "each session exactly once");
    let cookies: String = minted.iter().map(|r| format!("{}\n", r["cookie"].as_str().unwrap())).collect();
    let out = run_with_stdin(at(&urls, &["verify", "-o", "json"]), cookies.as_bytes());
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let recs = json_lines(&out.stdout);
    assert_eq!(recs.len(), 60);
    assert!(recs.iter().all(|r| r["valid"] == true && r["user"] == "c1"), "every node answered");
    let out = ok(at(&urls, &["revoke", "--user", "c1", "-o", "json"]));
    assert_eq!(summary(&out)["revoked"], 60);
    assert_eq!(cluster.dbsize(), 30);
    let s = summary(&ok(at(&urls, &["stats", "-o", "json"])));
    assert_eq!(s["sessions"], 30);

    // On a terminal, the question names the cluster by its seeds and primaries.
    let bin = support::tmux::shell_quote(env!("CARGO_BIN_EXE_sessctl"));
    let term = support::tmux::Terminal::run(
        &format!("{bin} -r {} revoke --all", support::tmux::shell_quote(&urls[0])),
        &[("SESSCTL_SECRET", SECRET)],
    );
    let screen = term.wait_for("Type 30 to revoke them all");
    let seed = format!("on the Redis Cluster with seed 127.0.0.1:{} (3 primaries): 30 sessions", cluster.nodes[1].port);
    assert!(screen.contains(&seed), "{seed:?} missing:\n{screen}");
    term.keys(&["C-c"]);
    assert_eq!(term.exit_status(), 130);
    assert_eq!(cluster.dbsize(), 30);
}

#[test]
fn ctrl_c_stops_a_revoke_reports_and_exits_130() {
    let redis = RedisServer::start();
    let mut proto = Vec::new();
    for i in 0..200_000u32 {
        let key = format!("session:{i:043}");
        proto.extend_from_slice(
            format!("*4\r\n$5\r\nSETEX\r\n${}\r\n{key}\r\n$6\r\n604800\r\n$1\r\nu\r\n", key.len()).as_bytes(),
        );
    }
    redis.pipe(&proto);
    let dir = tempfile::tempdir().unwrap();
    let audit = dir.path().join("audit.jsonl");
    let mut child = at(&[redis.url()], &["revoke", "--all", "--yes", "-o", "json", "--scan-count", "100"])
        .env("SESSCTL_AUDIT_LOG", &audit)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Wait until deletions are under way, then interrupt.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        let left: u64 = redis.cli(&["DBSIZE"]).parse().unwrap();
        if left < 199_000 || std::time::Instant::now() > deadline {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    let status = Command::new("kill").args(["-INT", &child.id().to_string()]).status().unwrap();
    assert!(status.success());
    let out = std::mem::replace(&mut child, Command::new("true").spawn().unwrap()).wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(130), "stderr: {}", String::from_utf8_lossy(&out.stderr));
    let s = summary(&out);
    assert_eq!(s["interrupted"], true);
    let revoked = s["revoked"].as_u64().unwrap();
    let left: u64 = redis.cli(&["DBSIZE"]).parse().unwrap();
    assert!(revoked > 0 && left > 0, "stopped part way: revoked {revoked}, left {left}");
    assert_eq!(revoked + left, 200_000, "the report matches what Redis lost");
    let logged = std::fs::read_to_string(&audit).unwrap().lines().count() as u64;
    assert_eq!(logged, revoked, "the audit log was flushed before the Ctrl-C exit: a line per deletion");
}
