//! `--backup FILE` (revoke, cleanup) and `sessctl restore FILE`, against real redis-servers:
//! the sessions come back with their remaining TTL, never over a key that exists again, the
//! file is private, and a file others can read or a malformed line is refused before
//! anything is written. (The real Tornado app accepting restored cookies is in
//! tests/e2e_tornado.rs.)
use crate::support;

use std::collections::BTreeMap;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;
use support::*;

fn at(urls: &[String], args: &[&str]) -> Command {
    let mut cmd = sessctl();
    cmd.env("SESSCTL_REDIS_URL", urls.join(",")).args(args);
    cmd
}

fn summary(out: &Output) -> Value {
    let lines = json_lines(&out.stdout);
    assert_eq!(lines.len(), 1, "one summary line: {}", String::from_utf8_lossy(&out.stdout));
    lines.into_iter().next().unwrap()
}

/// Every session key holding a string, with its value and PTTL (ms), read in one Lua call
/// through redis-cli (the oracle; one call, so the TTLs are read at one moment).
fn sessions(server: &RedisServer) -> BTreeMap<String, (String, i64)> {
    const DUMP: &str = "local r = {} for _, k in ipairs(redis.call('KEYS', 'session:*')) do \
        if redis.call('TYPE', k).ok == 'string' then \
        r[#r + 1] = k; r[#r + 1] = redis.call('GET', k); r[#r + 1] = redis.call('PTTL', k) end end return r";
    let text = server.cli(&["EVAL", DUMP, "0"]);
    let lines: Vec<&str> = text.lines().filter(|l| !l.is_empty()).collect();
    assert_eq!(lines.len() % 3, 0, "{text}");
    lines.chunks(3).map(|c| (c[0].to_string(), (c[1].to_string(), c[2].parse().unwrap()))).collect()
}

/// Backup lines as sessctl writes them: each JSON line gets its chain (SHA-256 of the previous
/// chain, a newline and the line); other lines are kept as they are.
fn chained(lines: &[&str]) -> String {
    use sha2::Digest;
    let (mut prev, mut out) = (String::new(), String::new());
    for line in lines {
        match line.strip_suffix('}').filter(|_| line.starts_with('{')) {
            Some(open) => {
                let chain = hex::encode(sha2::Sha256::digest(format!("{prev}\n{line}")));
                out.push_str(&format!("{open},\"chain\":\"{chain}\"}}\n"));
                prev = chain;
            }
            None => {
                out.push_str(line);
                out.push('\n');
            }
        }
    }
    out
}

#[test]
fn revoke_all_with_backup_then_restore_brings_every_session_back_with_its_ttl() {
    let server = RedisServer::start();
    server.pipe(&sessions_protocol("session:", 2500, 40));
    // Some sessions with shorter TTLs, one without any, and a hash under the prefix.
    server.cli(&["SET", "session:short", "u-short", "PX", "90000"]);
    server.cli(&["SET", "session:forever", "u-forever"]);
    server.cli(&["HSET", "session:hash", "f", "v"]);
    let before = sessions(&server);
    assert_eq!(before.len(), 2502);

    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("revoked.jsonl");
    let out = ok(at(&[server.url()], &["revoke", "--all", "--yes", "-o", "json", "--backup", file.to_str().unwrap()]));
    assert_eq!(summary(&out)["revoked"], 2502);
    assert!(stderr(&out).contains("bearer credentials"), "warns: {}", stderr(&out));
    assert!(sessions(&server).is_empty());
    assert_eq!(server.cli(&["TYPE", "session:hash"]), "hash", "non-string keys are never touched");
    let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600, "the backup is private");
    let lines = std::fs::read_to_string(&file).unwrap();
    assert_eq!(lines.lines().count(), 2502, "one line per deleted session");
    let first: Value = serde_json::from_str(lines.lines().next().unwrap()).unwrap();
    for field in ["key", "user", "ttl_ms", "time"] {
        assert!(first.get(field).is_some(), "{field} in {first}");
    }

    // A dry run counts, and writes nothing.
    let out = ok(at(&[server.url()], &["restore", file.to_str().unwrap(), "--dry-run", "-o", "json"]));
    let s = summary(&out);
    assert_eq!(
        (s["matched"].as_u64(), s["restored"].as_u64(), s["dry_run"].as_bool()),
        (Some(2502), Some(0), Some(true)),
        "{s}"
    );
    assert!(sessions(&server).is_empty());

    let out = ok(at(&[server.url()], &["restore", file.to_str().unwrap(), "-o", "json"]));
    let s = summary(&out);
    assert_eq!(s["restored"], 2502, "{s}");
    assert_eq!(s["expired"], 0, "{s}");
    assert_eq!(s["already_present"], 0, "{s}");
    assert_eq!(s["complete"], true, "{s}");
    let after = sessions(&server);
    assert_eq!(after.len(), before.len());
    for (key, (user, ttl)) in &before {
        let (user_after, ttl_after) = &after[key];
        assert_eq!(user_after, user, "{key}");
        if *ttl == -1 {
            assert_eq!(*ttl_after, -1, "{key} had no expiry and has none");
        } else {
            assert!(
                *ttl_after <= *ttl && *ttl_after >= ttl - 2000,
                "{key}: TTL {ttl} ms before the revoke, {ttl_after} ms after the restore"
            );
        }
    }

    // Again: everything is there, nothing is overwritten.
    server.cli(&["SET", "session:short", "someone-else", "EX", "100"]);
    let out = ok(at(&[server.url()], &["restore", file.to_str().unwrap(), "-o", "json"]));
    let s = summary(&out);
    assert_eq!((s["restored"].as_u64(), s["already_present"].as_u64()), (Some(0), Some(2502)), "{s}");
    assert_eq!(server.cli(&["GET", "session:short"]), "someone-else", "never overwritten");
}

#[test]
fn sessions_whose_ttl_ran_out_since_are_skipped_as_expired() {
    let server = RedisServer::start();
    server.cli(&["SET", "session:a", "1", "EX", "100"]);
    server.cli(&["SET", "session:b", "2", "EX", "100000"]);
    server.cli(&["SET", "session:c", "3"]);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("b.jsonl");
    ok(at(&[server.url()], &["revoke", "--all", "--yes", "--backup", file.to_str().unwrap()]));
    // Restored as if 1,000 s later: a's 100 s are over.
    let later =
        format!("{}", std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() + 1000);
    let mut cmd = at(&[server.url()], &["restore", file.to_str().unwrap(), "-o", "json"]);
    cmd.env("SESSCTL_NOW", &later);
    let s = summary(&ok(cmd));
    assert_eq!((s["restored"].as_u64(), s["expired"].as_u64()), (Some(2), Some(1)), "{s}");
    assert_eq!(server.cli(&["EXISTS", "session:a"]), "0");
    let ttl_b: i64 = server.cli(&["PTTL", "session:b"]).parse().unwrap();
    // (The pinned clock is in whole seconds: up to one second less has elapsed.)
    assert!((98_990_000..=99_001_000).contains(&ttl_b), "b lost the 1,000 s: {ttl_b}");
    assert_eq!(server.cli(&["PTTL", "session:c"]), "-1");
}

#[test]
fn cleanup_backup_keeps_what_it_deleted() {
    let server = RedisServer::start();
    // 7-day sessions: two issued 5 days ago (2 days left), one fresh.
    let [old1, old2, new] = [0, 1, 2].map(|i| format!("session:{}", session_id(i)));
    server.cli(&["SET", &old1, "1", "EX", "172800"]);
    server.cli(&["SET", &old2, "2", "EX", "172800"]);
    server.cli(&["SET", &new, "3", "EX", "604800"]);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("c.jsonl");
    let s = summary(&ok(at(
        &[server.url()],
        &["cleanup", "--max-age", "3d", "-o", "json", "--backup", file.to_str().unwrap()],
    )));
    assert_eq!(s["deleted"], 2, "{s}");
    let text = std::fs::read_to_string(&file).unwrap();
    assert_eq!(text.lines().count(), 2);
    assert!(text.contains(&old1) && text.contains(&old2) && !text.contains(&new));
    let s = summary(&ok(at(&[server.url()], &["restore", file.to_str().unwrap(), "-o", "json"])));
    assert_eq!(s["restored"], 2, "{s}");
    assert_eq!(server.cli(&["GET", &old2]), "2");
}

#[test]
fn restore_refuses_a_file_others_can_read_before_connecting() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("open.jsonl");
    std::fs::write(&file, "{\"key\":\"session:x\",\"user\":\"1\",\"ttl_ms\":1000,\"time\":\"2026-01-01T00:00:00Z\"}\n")
        .unwrap();
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
    // Port 1: nothing listens; a usage error must come first.
    let out = run(at(&["redis://127.0.0.1:1/0".into()], &["restore", file.to_str().unwrap()]));
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("644") && err.contains("chmod 600"), "{err}");
    assert_eq!(err.trim().lines().count(), 1, "one line: {err}");
}

#[test]
fn a_malformed_line_is_an_error_naming_its_number_and_nothing_is_restored() {
    let server = RedisServer::start();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("bad.jsonl");
    let good = "{\"key\":\"session:x\",\"user\":\"1\",\"ttl_ms\":100000,\"time\":\"2099-01-01T00:00:00Z\"}";
    for (third, why) in [
        ("{\"key\":\"session:y\",\"user\":\"2\",\"ttl_ms\":1000}", "no time"),
        ("garbage", "expected"),
        ("{\"key\":\"session:y\",\"user\":\"2\",\"ttl_ms\":-4,\"time\":\"2099-01-01T00:00:00Z\"}", "negative"),
        // Redis refuses such a PX (it failed half-way), or keeps the session for ever.
        (
            "{\"key\":\"session:y\",\"user\":\"2\",\"ttl_ms\":9223372036854775807,\"time\":\"2099-01-01T00:00:00Z\"}",
            "100 years",
        ),
        (
            "{\"key\":\"session:y\",\"user\":\"2\",\"ttl_ms\":9223372036854775807,\"time\":\"1970-01-01T00:00:00Z\"}",
            "100 years",
        ),
    ] {
        std::fs::write(&file, chained(&[good, "", third, good])).unwrap();
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600)).unwrap();
        let out = run(at(&[server.url()], &["restore", file.to_str().unwrap()]));
        assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
        let err = stderr(&out);
        assert!(err.contains("line 3 of the backup") && err.contains(why), "{err}");
        assert_eq!(server.cli(&["EXISTS", "session:x"]), "0", "nothing restored before the error");
    }
}

#[test]
fn sessions_the_file_marks_not_deleted_are_not_brought_back() {
    let server = RedisServer::start();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("nd.jsonl");
    let t = "2099-01-01T00:00:00.000Z";
    let text = chained(&[
        &format!("{{\"key\":\"session:a\",\"user\":\"1\",\"ttl_ms\":100000,\"time\":\"{t}\"}}"),
        &format!("{{\"key\":\"session:b\",\"user\":\"2\",\"ttl_ms\":100000,\"time\":\"{t}\"}}"),
        &format!("{{\"not_deleted\":\"session:b\",\"time\":\"{t}\"}}"),
    ]);
    std::fs::write(&file, text).unwrap();
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600)).unwrap();
    // The clock before the lines' time: nothing has elapsed.
    let mut cmd = at(&[server.url()], &["restore", file.to_str().unwrap(), "-o", "json"]);
    cmd.env("SESSCTL_NOW", "4070908800");
    let s = summary(&ok(cmd));
    assert_eq!((s["restored"].as_u64(), s["not_deleted"].as_u64()), (Some(1), Some(1)), "{s}");
    assert_eq!(server.cli(&["GET", "session:a"]), "1");
    assert_eq!(server.cli(&["EXISTS", "session:b"]), "0");
}

#[test]
fn a_backup_file_open_to_others_is_refused_before_revoking() {
    let server = RedisServer::start();
    server.cli(&["SET", "session:a", "1", "EX", "100"]);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("open.jsonl");
    std::fs::write(&file, "").unwrap();
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
    let out = run(at(&[server.url()], &["revoke", "--all", "--yes", "--backup", file.to_str().unwrap()]));
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert_eq!(server.cli(&["EXISTS", "session:a"]), "1", "nothing revoked");
}

#[test]
fn backup_and_restore_on_a_cluster() {
    let cluster = RedisCluster::start();
    let urls = cluster.urls();
    for i in 0..300 {
        cluster.cli(&["SET", &format!("session:{}", session_id(i)), &format!("u{}", i % 7), "EX", "5000"]);
    }
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("cl.jsonl");
    let s =
        summary(&ok(at(&urls, &["revoke", "--user", "u3", "--yes", "-o", "json", "--backup", file.to_str().unwrap()])));
    let revoked = s["revoked"].as_u64().unwrap();
    assert_eq!(revoked, (0..300).filter(|i| i % 7 == 3).count() as u64);
    assert_eq!(cluster.dbsize(), 300 - revoked);
    let s = summary(&ok(at(&urls, &["restore", file.to_str().unwrap(), "-o", "json"])));
    assert_eq!(s["restored"].as_u64(), Some(revoked), "{s}");
    assert_eq!(cluster.dbsize(), 300);
    assert!(Path::new(&file).exists());
}

#[test]
fn a_session_named_twice_is_backed_up_and_restored() {
    // Its second compare-and-delete finds it gone: that must not mark it "not deleted" (a
    // SCAN that returns a key twice does the same).
    let server = RedisServer::start();
    let id = session_id(1);
    let key = format!("session:{id}");
    server.cli(&["SET", &key, "u1", "EX", "5000"]);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("twice.jsonl");
    let s = summary(&ok(at(&[server.url()], &["revoke", &id, &id, "-o", "json", "--backup", file.to_str().unwrap()])));
    assert_eq!(s["revoked"], 1, "{s}");
    let s = summary(&ok(at(&[server.url()], &["restore", file.to_str().unwrap(), "-o", "json"])));
    assert_eq!((s["restored"].as_u64(), s["not_deleted"].as_u64()), (Some(1), Some(0)), "{s}");
    assert_eq!(server.cli(&["GET", &key]), "u1");
}

#[test]
fn a_dry_run_with_backup_creates_no_file_but_refuses_what_the_real_run_would() {
    let server = RedisServer::start();
    server.cli(&["SET", "session:a", "1", "EX", "100"]);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("new.jsonl");
    let path = file.to_str().unwrap();
    for args in [
        &["revoke", "--all", "--yes", "--dry-run", "--backup", path, "-o", "json"][..],
        &["cleanup", "--no-ttl", "delete", "--dry-run", "--backup", path, "-o", "json"],
    ] {
        let out = run(at(&[server.url()], args));
        assert_eq!(out.status.code(), Some(0), "{args:?}: {}", stderr(&out));
        assert!(!file.exists(), "{args:?}: a dry run made the backup file");
        assert!(!stderr(&out).contains("holds live session ids"), "{args:?}: {}", stderr(&out));
    }
    std::fs::write(&file, "").unwrap();
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
    let out = run(at(&[server.url()], &["revoke", "--all", "--yes", "--dry-run", "--backup", path]));
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("mode 644"), "{}", stderr(&out));
    assert_eq!(server.cli(&["EXISTS", "session:a"]), "1");
}

#[test]
fn restore_refuses_a_key_outside_the_prefix_before_writing_anything() {
    let server = RedisServer::start();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("edited.jsonl");
    let line =
        |key: &str| format!("{{\"key\":\"{key}\",\"user\":\"1\",\"ttl_ms\":100000,\"time\":\"2099-01-01T00:00:00Z\"}}");
    let lines = |keys: &[&str]| {
        chained(&keys.iter().map(|k| line(k)).collect::<Vec<_>>().iter().map(String::as_str).collect::<Vec<_>>())
    };
    std::fs::write(&file, lines(&["session:x", "app:config", "session:"])).unwrap();
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600)).unwrap();
    let out = run(at(&[server.url()], &["restore", file.to_str().unwrap()]));
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let err = stderr(&out);
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(err.contains("line 2 of the backup") && err.contains("app:config") && err.contains("--prefix"), "{err}");
    assert_eq!(server.cli(&["DBSIZE"]), "0", "nothing written");
    // The bare prefix is no session either.
    std::fs::write(&file, lines(&["session:x", "session:"])).unwrap();
    let out = run(at(&[server.url()], &["restore", file.to_str().unwrap()]));
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("line 2 of the backup"), "{}", stderr(&out));
    // Under another --prefix, a backup of that prefix restores.
    std::fs::write(&file, lines(&["app:config"])).unwrap();
    let out = ok(at(&[server.url()], &["--prefix", "app:", "restore", file.to_str().unwrap(), "-o", "json"]));
    assert_eq!(summary(&out)["restored"], 1);
}

#[test]
fn backup_audit_log_resume_and_output_file_naming_one_file_are_refused_before_anything_is_done() {
    let server = RedisServer::start();
    server.cli(&["SET", "session:a", "u", "EX", "1000"]);
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("f.jsonl");
    let f = f.to_str().unwrap();
    let same = format!("{}/./f.jsonl", dir.path().display());
    let cases: Vec<(Vec<&str>, Option<&str>)> = vec![
        // The audit lines made the backup unreadable for restore (after the revocation).
        (vec!["revoke", "--user", "u", "--backup", f, "--audit-log", f], None),
        (vec!["revoke", "--user", "u", "--backup", f], Some(f)),
        // The resume file was renamed over the backup.
        (vec!["revoke", "--user", "u", "--backup", f, "--resume", &same, "--max-duration", "10s"], None),
        (vec!["cleanup", "--no-ttl", "delete", "--audit-log", f, "--output-file", &same], None),
        (vec!["list", "--count", "-o", "json", "--resume", f, "--output-file", &same], None),
    ];
    for (args, env) in cases {
        let mut cmd = at(&[server.url()], &args);
        if let Some(audit) = env {
            cmd.env("SESSCTL_AUDIT_LOG", audit);
        }
        let out = run(cmd);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        let err = stderr(&out);
        assert_eq!(err.trim().lines().count(), 1, "{args:?}: {err}");
        assert!(err.contains("the same file"), "{args:?}: {err}");
        assert!(!Path::new(f).exists(), "{args:?}: the file was made");
        assert_eq!(server.cli(&["EXISTS", "session:a"]), "1", "{args:?}: nothing revoked");
    }
    // An audit log named by the profile in use is the same file too.
    let config = dir.path().join("config.toml");
    std::fs::write(&config, format!("[profiles.p]\naudit_log = \"{f}\"\n")).unwrap();
    let mut cmd = at(&[server.url()], &["--profile", "p", "revoke", "--user", "u", "--backup", f]);
    cmd.env("SESSCTL_CONFIG", &config);
    let out = run(cmd);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("--backup and --audit-log name the same file"), "{}", stderr(&out));
    assert!(!Path::new(f).exists(), "the file was made");
    assert_eq!(server.cli(&["EXISTS", "session:a"]), "1", "nothing revoked");
    // The file exists now: found by identity too.
    std::fs::write(f, "").unwrap();
    std::fs::set_permissions(f, std::fs::Permissions::from_mode(0o600)).unwrap();
    let out = run(at(&[server.url()], &["revoke", "--user", "u", "--backup", f, "--audit-log", &same]));
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert_eq!(server.cli(&["EXISTS", "session:a"]), "1");
}

#[test]
fn output_file_over_the_file_the_run_reads_is_refused_and_the_input_kept() {
    let server = RedisServer::start();
    server.cli(&["SET", "session:a", "u", "EX", "1000"]);
    assert_eq!(server.cli(&["SAVE"]), "OK");
    let dump = server.dir.path().join("dump.rdb");
    let before = std::fs::read(&dump).unwrap();
    let d = dump.to_str().unwrap();
    for args in
        [&["stats", "--rdb", d, "-o", "json", "--output-file", d][..], &["list", "--rdb", d, "--output-file", d]]
    {
        let out = run(at(&[server.url()], args));
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).contains("the same file"), "{}", stderr(&out));
        assert_eq!(std::fs::read(&dump).unwrap(), before, "{args:?}: the dump was written over");
    }
}

/// Issue 14: SCAN may return a key twice (here `revoke --all` empties the table, and Redis
/// may shrink it mid-scan: it did in two of three runs of 200,000 sessions when this was
/// written, not in every run, so the deterministic cases are elsewhere: a key delivered twice
/// in `crates/sessctl-store/src/scan/deliver.rs`'s unit tests, a failover's repeats with `--backup` in
/// `store_sentinel`). Whatever SCAN did, `matched` and `revoked` count each session once, the
/// backup has one line per session, and `restore` puts each back once (no `already_present`
/// for sessions it had itself just restored).
#[test]
fn matched_revoked_backup_lines_and_restore_agree_after_revoke_all() {
    const N: u64 = 100_000;
    let server = RedisServer::start();
    server.pipe(&sessions_protocol("session:", N, 100));
    let dir = tempfile::tempdir().unwrap();
    let urls = [server.url()];
    let file = dir.path().join("b.jsonl");
    let path = file.to_str().unwrap();
    let out = ok(at(&urls, &["revoke", "--all", "--yes", "--backup", path, "-o", "json"]));
    let s = summary(&out);
    let stderr = stderr(&out);
    assert_eq!((s["matched"].as_u64(), s["revoked"].as_u64()), (Some(N), Some(N)), "{s}; {stderr}");
    let keys = backup_keys(&file);
    let distinct: std::collections::HashSet<&String> = keys.iter().collect();
    assert_eq!((keys.len(), distinct.len()), (N as usize, N as usize), "one backup line per session");
    let restored = summary(&ok(at(&urls, &["restore", path, "-o", "json"])));
    assert_eq!(restored["restored"], N, "{restored}");
    assert_eq!(restored["already_present"], 0, "{restored}");
    assert_eq!(server.cli(&["DBSIZE"]), N.to_string());
}

/// The keys of a backup's session lines, in order.
fn backup_keys(file: &Path) -> Vec<String> {
    std::fs::read_to_string(file)
        .unwrap()
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .filter(|v| v.get("user").is_some())
        .map(|v| v["key"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn files_not_made_yet_are_the_same_through_dotdot_and_symlinks() {
    let server = RedisServer::start();
    server.cli(&["SET", "session:a", "u", "EX", "1000"]);
    let dir = tempfile::tempdir().unwrap();
    let bk = dir.path().join("bk");
    std::fs::create_dir(&bk).unwrap();
    // Run inside bk/: ab4.jsonl and ../bk/ab4.jsonl are one file.
    let mut cmd =
        at(&[server.url()], &["revoke", "--user", "u", "--backup", "ab4.jsonl", "--audit-log", "../bk/ab4.jsonl"]);
    cmd.current_dir(&bk);
    let out = run(cmd);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("--backup and --audit-log name the same file"), "{}", stderr(&out));
    assert!(!bk.join("ab4.jsonl").exists(), "the file was made");
    assert_eq!(server.cli(&["EXISTS", "session:a"]), "1", "nothing revoked");

    // --output-file through a symlink to the backup (which does not exist yet: a dangling link).
    std::os::unix::fs::symlink(bk.join("backup.jsonl"), dir.path().join("summary.json")).unwrap();
    let mut cmd = at(
        &[server.url()],
        &["revoke", "--user", "u", "--backup", "bk/backup.jsonl", "--output-file", "summary.json", "-o", "json"],
    );
    cmd.current_dir(dir.path());
    let out = run(cmd);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("--output-file and --backup name the same file"), "{}", stderr(&out));
    assert!(!bk.join("backup.jsonl").exists(), "the file was made");
    assert_eq!(server.cli(&["EXISTS", "session:a"]), "1", "nothing revoked");

    // A directory reached through a symlink.
    std::os::unix::fs::symlink(&bk, dir.path().join("alias")).unwrap();
    let mut cmd =
        at(&[server.url()], &["revoke", "--user", "u", "--backup", "bk/x.jsonl", "--resume", "alias/x.jsonl"]);
    cmd.args(["--max-duration", "10s"]).current_dir(dir.path());
    let out = run(cmd);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("the same file"), "{}", stderr(&out));
    assert_eq!(server.cli(&["EXISTS", "session:a"]), "1", "nothing revoked");

    // mint's audit log is a file of the run too.
    let mut cmd =
        at(&[server.url()], &["mint", "--user", "m", "--audit-log", "bk/m.jsonl", "--output-file", "alias/m.jsonl"]);
    cmd.env("SESSCTL_SECRET", "a-secret-for-the-test-0123456789abcdef").current_dir(dir.path());
    let out = run(cmd);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("--output-file and --audit-log name the same file"), "{}", stderr(&out));
    assert_eq!(server.cli(&["DBSIZE"]), "1", "nothing minted");
}

/// The backup's lines, and a copy of them at `path` (mode 0600).
fn write_lines(path: &Path, lines: &[String]) {
    let text: String = lines.iter().map(|l| format!("{l}\n")).collect();
    std::fs::write(path, text).unwrap();
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600)).unwrap();
}

#[test]
fn an_edited_reordered_or_spliced_backup_is_refused_at_its_first_bad_line_and_nothing_is_written() {
    let server = RedisServer::start();
    for i in 0..3 {
        server.cli(&["SET", &format!("session:{}", session_id(i)), "100", "EX", "5000"]);
    }
    server.cli(&["SET", &format!("session:{}", session_id(7)), "200", "EX", "5000"]);
    let dir = tempfile::tempdir().unwrap();
    let (file, other) = (dir.path().join("b.jsonl"), dir.path().join("other.jsonl"));
    ok(at(&[server.url()], &["revoke", "--user", "100", "--yes", "--backup", file.to_str().unwrap()]));
    ok(at(&[server.url()], &["revoke", "--user", "200", "--yes", "--backup", other.to_str().unwrap()]));
    let lines: Vec<String> = std::fs::read_to_string(&file).unwrap().lines().map(String::from).collect();
    let spliced: String = std::fs::read_to_string(&other).unwrap().lines().next().unwrap().to_string();
    assert_eq!(lines.len(), 3);
    assert!(lines.iter().all(|l| l.contains("\"chain\":\"")), "{lines:?}");

    let edited = dir.path().join("edited.jsonl");
    let cases: Vec<(Vec<String>, u32)> = vec![
        // user 100's session turned into admin's
        (vec![lines[0].clone(), lines[1].replace("\"user\":\"100\"", "\"user\":\"admin\""), lines[2].clone()], 2),
        (vec![lines[1].clone(), lines[0].clone(), lines[2].clone()], 1),
        (vec![lines[0].clone(), spliced.clone(), lines[1].clone(), lines[2].clone()], 2),
        (vec![lines[1].clone(), lines[2].clone()], 1),
        (vec![lines[0].clone(), lines[2].clone()], 2),
        // a line added by hand, without a chain
        (
            vec![
                lines[0].clone(),
                r#"{"key":"session:foo","user":"admin","ttl_ms":null,"time":"2099-01-01T00:00:00Z"}"#.into(),
            ],
            2,
        ),
    ];
    for (case, bad) in cases {
        write_lines(&edited, &case);
        let out = run(at(&[server.url()], &["restore", edited.to_str().unwrap()]));
        assert_eq!(out.status.code(), Some(2), "{case:?}: {}", stderr(&out));
        let err = stderr(&out);
        assert_eq!(err.trim().lines().count(), 1, "{err}");
        assert!(err.contains(&format!("line {bad} of the backup")) && err.contains("not as sessctl wrote it"), "{err}");
        assert_eq!(server.cli(&["DBSIZE"]), "0", "{case:?}: nothing written");
    }
    // The file as written restores.
    let s = summary(&ok(at(&[server.url()], &["restore", file.to_str().unwrap(), "-o", "json"])));
    assert_eq!((s["restored"].as_u64(), s["truncated"].as_bool()), (Some(3), Some(false)), "{s}");
}

#[test]
fn a_backup_without_chains_needs_unverified_and_then_only_takes_lines_shaped_like_sessions() {
    let server = RedisServer::start();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("old.jsonl");
    let line = |key: &str, user: &str, ttl: &str| {
        format!(r#"{{"key":"{key}","user":"{user}"{ttl},"time":"2099-01-01T00:00:00Z"}}"#)
    };
    let good = line(&format!("session:{}", session_id(1)), "100", r#","ttl_ms":100000"#);
    write_lines(&dir.path().join("old.jsonl"), std::slice::from_ref(&good));
    let out = run(at(&[server.url()], &["restore", file.to_str().unwrap()]));
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("carries no chain") && stderr(&out).contains("--unverified"), "{}", stderr(&out));
    assert_eq!(server.cli(&["DBSIZE"]), "0");

    for (bad, why) in [
        (line("session:foo", "100", r#","ttl_ms":100000"#), "not a 43-character session id"),
        (line(&format!("session:{}", session_id(2)), "", r#","ttl_ms":100000"#), "an empty user"),
        (line(&format!("session:{}", session_id(2)), "100", ""), "no ttl_ms"),
    ] {
        write_lines(&file, &[good.clone(), bad.clone()]);
        let out = run(at(&[server.url()], &["restore", "--unverified", file.to_str().unwrap()]));
        assert_eq!(out.status.code(), Some(2), "{bad}: {}", stderr(&out));
        let err = stderr(&out);
        assert!(err.contains("line 2 of the backup") && err.contains(why), "{err}");
        assert_eq!(server.cli(&["DBSIZE"]), "0", "{bad}: nothing written");
    }
    write_lines(&file, std::slice::from_ref(&good));
    let mut cmd = at(&[server.url()], &["restore", "--unverified", file.to_str().unwrap(), "-o", "json"]);
    cmd.env("SESSCTL_NOW", "4070908800");
    assert_eq!(summary(&ok(cmd))["restored"], 1);
    // A run cannot add chained lines to it.
    let out = run(at(&[server.url()], &["revoke", "--user", "100", "--yes", "--backup", file.to_str().unwrap()]));
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("older sessctl"), "{}", stderr(&out));
    assert_eq!(server.cli(&["DBSIZE"]), "1", "nothing revoked");
}

#[test]
fn a_backup_cut_short_restores_up_to_its_last_whole_line_and_a_new_run_continues_it() {
    let server = RedisServer::start();
    for i in 0..3 {
        server.cli(&["SET", &format!("session:{}", session_id(i)), "100", "EX", "5000"]);
    }
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("b.jsonl");
    let f = file.to_str().unwrap();
    ok(at(&[server.url()], &["revoke", "--user", "100", "--yes", "--backup", f]));
    // A crash while the next batch was written: half a line, no newline.
    let mut text = std::fs::read_to_string(&file).unwrap();
    text.push_str(&format!(r#"{{"key":"session:{}","user":"100","tt"#, session_id(5)));
    std::fs::write(&file, &text).unwrap();
    let out = ok(at(&[server.url()], &["restore", f, "-o", "json"]));
    let s = summary(&out);
    assert_eq!(
        (s["restored"].as_u64(), s["truncated"].as_bool(), s["complete"].as_bool()),
        (Some(3), Some(true), Some(true)),
        "{s}"
    );
    assert!(stderr(&out).contains("incomplete line 4") && stderr(&out).contains("up to line 3"), "{}", stderr(&out));
    assert_eq!(server.cli(&["DBSIZE"]), "3");

    // The next run appending removes the half line and continues the chain.
    let out = ok(at(&[server.url()], &["revoke", "--user", "100", "--yes", "--backup", f]));
    assert!(stderr(&out).contains("incomplete line"), "{}", stderr(&out));
    let text = std::fs::read_to_string(&file).unwrap();
    assert_eq!(text.lines().count(), 6, "{text}");
    assert!(!text.contains(&session_id(5)), "{text}");
    // The file names each session twice (once per run): each comes back once, and the second
    // line is a duplicate, not a session "already present" (issue 14: restore's counts agree
    // with what it did itself).
    let s = summary(&ok(at(&[server.url()], &["restore", f, "-o", "json"])));
    assert_eq!(
        (s["restored"].as_u64(), s["already_present"].as_u64(), s["duplicates"].as_u64(), s["truncated"].as_bool()),
        (Some(3), Some(0), Some(3), Some(false)),
        "{s}"
    );
}
