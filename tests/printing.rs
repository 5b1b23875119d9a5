//! What sessctl prints (issue 15, items 17 to 24): messages, tables, summaries, help and
//! completions, through the real binary against real redis-server processes.

use crate::support;

use std::io::{Read, Write};
use std::net::TcpListener;
use std::process::Output;

use support::*;

/// A fake server on a free port: every command it is sent is answered with `reply` (one
/// reply per command of a pipeline). Returns its `host:port`.
fn hostile_server(reply: &'static [u8]) -> String {
    hostile_server_after(0, reply)
}

/// As [`hostile_server`], but the first `fine` commands of each connection get `+PONG`.
fn hostile_server_after(fine: usize, reply: &'static [u8]) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { return };
            std::thread::spawn(move || {
                let mut answered = 0;
                let mut buf = [0u8; 4096];
                while let Ok(n) = stream.read(&mut buf) {
                    if n == 0 {
                        return;
                    }
                    let chunk = &buf[..n];
                    let commands =
                        chunk.windows(3).filter(|w| w == b"\n*").count() + usize::from(chunk.first() == Some(&b'*'));
                    for _ in 0..commands.max(1) {
                        answered += 1;
                        let reply: &[u8] = if answered <= fine { b"+PONG\r\n" } else { reply };
                        if stream.write_all(reply).is_err() {
                            return;
                        }
                    }
                }
            });
        }
    });
    format!("127.0.0.1:{port}")
}

/// The one line sessctl printed on stderr for a failed run.
fn error_line(out: &Output) -> String {
    let err = stderr(out);
    assert_ne!(out.status.code(), Some(0), "the run must fail: {err}");
    assert_eq!(err.trim_end().lines().count(), 1, "one line: {err:?}");
    err
}

// ---- 17. Text from a server is never printed raw; every message is one bounded line ----

#[test]
fn error_replies_during_connection_setup_are_escaped_on_stderr() {
    let addr = hostile_server(b"-ERR \x1b[31mred\x1b]0;owned\x07 text\r\x1b[2K\r\n");
    // PING (no password, db 0), AUTH (a password) and SELECT (db 1) are the first commands.
    for url in [format!("redis://{addr}/0"), format!("redis://:pw@{addr}/0"), format!("redis://{addr}/1")] {
        let out = run({
            let mut cmd = sessctl();
            cmd.args(["list", "-r", &url, "--timeout", "5s"]);
            cmd
        });
        let err = error_line(&out);
        assert_eq!(out.status.code(), Some(1), "{err}");
        assert!(!err.contains('\x1b') && !err.contains('\x07') && !err.contains('\r'), "raw control bytes: {err:?}");
        assert!(err.contains("\\x1b[31mred"), "the reply is shown escaped: {err}");
    }
    // After the handshake: INFO refused (taken as a standalone server), then the SCAN's error
    // reply is the one shown.
    let addr = hostile_server_after(1, b"-ERR \x1b[31mred\x1b]0;owned\x07 text\r\n");
    let out = run({
        let mut cmd = sessctl();
        cmd.args(["list", "-r", &format!("redis://{addr}/0"), "--timeout", "5s"]);
        cmd
    });
    let err = error_line(&out);
    assert!(!err.contains('\x1b') && !err.contains('\x07'), "raw control bytes: {err:?}");
    assert!(err.contains("\\x1b[31mred"), "the reply is shown escaped: {err}");
}

#[test]
fn a_huge_host_is_shortened_not_echoed_whole() {
    let host = "a".repeat(120_000);
    let out = run({
        let mut cmd = sessctl();
        cmd.args(["list", "-r", &format!("redis://{host}:6379/0"), "--timeout", "5s"]);
        cmd
    });
    let err = error_line(&out);
    assert!(err.len() < 2000, "a bounded line, not {} bytes: {}", err.len(), &err[..300.min(err.len())]);
    assert!(err.contains("aaaa…aaaa"), "{err}");
    assert!(err.contains("120"), "the length is said: {err}");
}

// ---- 18. A signal while a read waits on a stalled server ends the run at once ----

fn calls(redis: &RedisServer, command: &str) -> u64 {
    redis.calls(command)
}

fn kill(signal: &str, pid: &str) {
    let status = std::process::Command::new("kill").args([&format!("-{signal}"), pid]).status().unwrap();
    assert!(status.success());
}

#[test]
fn a_signal_while_a_scan_waits_on_a_stalled_server_ends_the_run_at_once_as_interrupted() {
    use std::process::Stdio;
    use std::time::{Duration, Instant};
    let redis = RedisServer::start();
    redis.pipe(&sessions_protocol("session:", 200_000, 1000));
    let info = redis.cli(&["INFO", "server"]);
    let redis_pid = info.lines().find_map(|l| l.strip_prefix("process_id:")).unwrap().trim().to_string();
    for (command, signal, code) in [(&["stats"][..], "INT", 130), (&["list", "--count"][..], "TERM", 143)] {
        let before = calls(&redis, "scan");
        let child = sessctl()
            .args(["-r", &redis.url(), "-o", "json", "--scan-count", "10", "--timeout", "20s"])
            .args(command)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let deadline = Instant::now() + Duration::from_secs(30);
        while calls(&redis, "scan") < before + 20 {
            assert!(Instant::now() < deadline, "the scan never got under way");
            std::thread::sleep(Duration::from_millis(2));
        }
        // The server stalls with SCANs and reads in flight: sessctl waits for their replies.
        kill("STOP", &redis_pid);
        std::thread::sleep(Duration::from_millis(300));
        let signalled = Instant::now();
        kill(signal, &child.id().to_string());
        let out = child.wait_with_output().unwrap();
        let took = signalled.elapsed();
        kill("CONT", &redis_pid);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(code), "{command:?}: {err}");
        // Far below the 20 s reply timeout (about 0.1 s once the read looks at the stop).
        assert!(took < Duration::from_secs(5), "{command:?} took {took:?} after the signal: {err}");
        let records = json_lines(&out.stdout);
        let summary = records.last().unwrap_or_else(|| panic!("{command:?}: no summary; {err}"));
        assert_eq!(summary["complete"], false, "{command:?}: {summary}");
    }
}

// ---- 19. Tables never split a token ----

/// Every word of a table is a word of the exact output (JSON), or that word shortened in the
/// middle with `…`: nothing is broken across lines.
fn assert_no_split_words(table: &str, whole: &str) {
    fn strings(value: &serde_json::Value, out: &mut Vec<String>) {
        match value {
            serde_json::Value::String(s) => out.extend(s.split(' ').map(str::to_string)),
            serde_json::Value::Array(items) => items.iter().for_each(|v| strings(v, out)),
            serde_json::Value::Object(map) => map.values().for_each(|v| strings(v, out)),
            _ => {}
        }
    }
    let mut all = Vec::new();
    for record in json_lines(whole.as_bytes()) {
        strings(&record, &mut all);
    }
    let words: std::collections::HashSet<&str> = all.iter().map(String::as_str).collect();
    for line in table.lines().skip(1) {
        for word in line.split_whitespace() {
            if let Some((head, tail)) = word.split_once('…') {
                assert!(
                    words.iter().any(|w| w.starts_with(head) && w.ends_with(tail) && w.len() > word.len() - 3),
                    "{word:?} is no word shortened in the middle:\n{table}"
                );
            } else {
                assert!(words.contains(word) || word == "yes", "{word:?} is a piece of a word:\n{table}");
            }
        }
    }
}

#[test]
fn tables_wrap_at_spaces_and_shorten_a_long_word_in_the_middle() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config.toml");
    std::fs::write(
        &config,
        r#"
default_profile = "staging"
[profiles.staging]
redis_url = "redis://127.0.0.1:6379/0"
prefix = "staging:"
scan_count = 500
secret_file = "/etc/sessctl/staging-cookie-secret.txt"
[profiles.prod]
redis_url = ["redis://10.0.0.1:6379", "redis://10.0.0.2:6379", "redis://10.0.0.3:6379"]
cluster = true
ttl = "14d"
secret_file = "/srv/app/production/secrets/cookie_secret_ring.json"
"#,
    )
    .unwrap();
    let profiles = |columns: Option<&str>, format: &str| {
        let mut cmd = sessctl();
        cmd.arg("--config").arg(&config).args(["config", "profiles", "-o", format]);
        if let Some(c) = columns {
            cmd.env("COLUMNS", c);
        }
        String::from_utf8(ok(cmd).stdout).unwrap()
    };
    let json = profiles(None, "json");
    assert!(json.contains("/srv/app/production/secrets/cookie_secret_ring.json"), "machine formats whole: {json}");
    for columns in ["80", "100", "120"] {
        let table = profiles(Some(columns), "table");
        assert!(table.lines().all(|l| l.chars().count() <= columns.parse().unwrap()), "{table}");
        assert_no_split_words(&table, &json);
    }
    // At 120 columns the URLs are whole.
    assert!(profiles(Some("120"), "table").contains("redis://127.0.0.1:6379/0"));

    // verify's REASON: a malformed value's reason at 80 columns.
    let mut cmd = sessctl();
    cmd.env("SESSCTL_SECRET", "printing-test-secret").env("COLUMNS", "80").args(["verify", "--offline", "garbage"]);
    let table = String::from_utf8(run(cmd).stdout).unwrap();
    let mut cmd = sessctl();
    cmd.env("SESSCTL_SECRET", "printing-test-secret").args(["verify", "--offline", "-o", "json", "garbage"]);
    let json = String::from_utf8(run(cmd).stdout).unwrap();
    assert!(table.contains("malformed"), "{table}");
    assert_no_split_words(&table, &json);
}

// ---- 20. stats' TTL table counts ranges, and sessions without a TTL have a row ----

fn token(i: u64) -> String {
    format!("{:0>43}", format!("t{i}"))
}

#[test]
fn stats_ttl_rows_are_ranges_that_add_up_to_the_sessions_and_prometheus_is_cumulative() {
    let redis = RedisServer::start();
    // 2 under 1h, 3 between 1h and 6h, 4 between 4d and 7d, 5 without expiry.
    let mut i = 0;
    for (n, ttl) in [(2, Some(600)), (3, Some(7_200)), (4, Some(500_000)), (5, None)] {
        for _ in 0..n {
            i += 1;
            let key = format!("session:{}", token(i));
            match ttl {
                Some(ttl) => redis.cli(&["SET", &key, "u", "EX", &ttl.to_string()]),
                None => redis.cli(&["SET", &key, "u"]),
            };
        }
    }
    let stats = |format: &str| {
        let mut cmd = sessctl();
        cmd.args(["-r", &redis.url(), "stats", "-o", format]);
        String::from_utf8(ok(cmd).stdout).unwrap()
    };
    let table = stats("table");
    let rows: Vec<(String, u64)> = table
        .lines()
        .skip_while(|l| !l.starts_with("REMAINING TTL"))
        .skip(1)
        .take_while(|l| !l.trim().is_empty())
        .map(|l| {
            let (label, n) = l.trim_end().rsplit_once(' ').unwrap();
            (label.trim().to_string(), n.replace(',', "").parse().unwrap())
        })
        .collect();
    let labels: Vec<&str> = rows.iter().map(|(l, _)| l.as_str()).collect();
    assert_eq!(labels, ["0–1h", "1h–6h", "6h–1d", "1d–2d", "2d–4d", "4d–7d", "over 7d", "no expiry"], "{table}");
    let counts: Vec<u64> = rows.iter().map(|(_, n)| *n).collect();
    assert_eq!(counts, [2, 3, 0, 0, 0, 4, 0, 5], "per range, not cumulative:\n{table}");

    // Prometheus: a cumulative histogram of the sessions that expire; the others are a gauge.
    let prom = stats("prometheus");
    let buckets: Vec<(String, f64)> = prom
        .lines()
        .filter_map(|l| l.strip_prefix("sessctl_session_ttl_seconds_bucket{"))
        .map(|l| {
            let le = l.split("le=\"").nth(1).unwrap().split('"').next().unwrap().to_string();
            (le, l.rsplit(' ').next().unwrap().parse().unwrap())
        })
        .collect();
    let values: Vec<f64> = buckets.iter().map(|(_, v)| *v).collect();
    assert_eq!(values, [2.0, 5.0, 5.0, 5.0, 5.0, 9.0, 9.0], "{prom}");
    assert_eq!(buckets.last().unwrap().0, "+Inf");
    let value = |name: &str| -> f64 {
        prom.lines().find(|l| l.starts_with(name)).unwrap().rsplit(' ').next().unwrap().parse().unwrap()
    };
    assert_eq!(value("sessctl_session_ttl_seconds_count{"), 9.0);
    assert_eq!(value("sessctl_keys_without_ttl{"), 5.0);
    assert_eq!(value("sessctl_sessions{"), 14.0);
}

// ---- 21. verify's reasons, list's expiry, dry-run summaries ----

/// Sleeps until the fraction of the current second is at least `frac` (in the next second
/// when it is past already).
fn wait_for_fraction(frac: f64, next_second: bool) {
    use std::time::{SystemTime, UNIX_EPOCH};
    let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs_f64();
    let mut target = now.floor() + frac;
    if next_second || target < now {
        target += 1.0;
    }
    std::thread::sleep(std::time::Duration::from_secs_f64(target - now));
}

#[test]
fn list_shows_the_expiry_mint_printed_for_the_same_session() {
    let redis = RedisServer::start();
    // Minted early in a second and listed late in one: the case where list printed a second
    // less (it added the floored TTL to the floored start of its own run).
    wait_for_fraction(0.02, true);
    let mut cmd = sessctl();
    cmd.env("SESSCTL_SECRET", "printing-test-secret").args(["-r", &redis.url(), "mint", "--user", "u1", "-o", "json"]);
    let minted = json_lines(&ok(cmd).stdout)[0].clone();
    wait_for_fraction(0.85, false);
    let mut cmd = sessctl();
    cmd.args(["-r", &redis.url(), "list", "-o", "json"]);
    let listed = json_lines(&ok(cmd).stdout)[0].clone();
    assert_eq!(listed["session_id"], minted["session_id"]);
    assert_eq!(listed["expires_at"], minted["expires_at"], "mint: {minted}\nlist: {listed}");
}

#[test]
fn verify_gives_a_reason_for_revoked_and_expired_sessions() {
    let redis = RedisServer::start();
    let secret = "printing-test-secret";
    let mint = |env: &[(&str, &str)]| {
        let mut cmd = sessctl();
        cmd.env("SESSCTL_SECRET", secret).args(["-r", &redis.url(), "mint", "--user", "u1", "-o", "json"]);
        for (k, v) in env {
            cmd.env(k, v);
        }
        json_lines(&ok(cmd).stdout)[0].clone()
    };
    let revoked = mint(&[]);
    let old = mint(&[("SESSCTL_NOW", "1000000000")]);
    for m in [&revoked, &old] {
        redis.cli(&["DEL", &format!("session:{}", m["session_id"].as_str().unwrap())]);
    }
    let cookies = [revoked["cookie"].as_str().unwrap(), old["cookie"].as_str().unwrap()];
    let verify = |format: &str| {
        let mut cmd = sessctl();
        cmd.env("SESSCTL_SECRET", secret).env("COLUMNS", "200").args(["-r", &redis.url(), "verify", "-o", format]);
        cmd.args(["--max-age-days", "100000"]).args(cookies);
        let out = run(cmd);
        assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));
        String::from_utf8(out.stdout).unwrap()
    };
    let records = json_lines(verify("json").as_bytes());
    assert_eq!(records[0]["status"], "revoked");
    assert_eq!(records[1]["status"], "expired");
    for r in &records {
        assert!(r["reason"].as_str().is_some_and(|s| s.contains("not in Redis")), "{r}");
    }
    let table = verify("table");
    for line in table.lines().skip(1).filter(|l| l.starts_with("revoked") || l.starts_with("expired")) {
        assert!(line.contains("not in Redis"), "REASON filled: {table}");
    }
}

#[test]
fn dry_runs_count_what_they_match_and_report_nothing_done_in_every_command() {
    let redis = RedisServer::start();
    let dir = tempfile::tempdir().unwrap();
    let backup = dir.path().join("backup.jsonl");
    for i in 1..=3 {
        redis.cli(&["SET", &format!("session:{}", token(i)), "alice", "EX", "3600"]);
    }
    let json = |args: &[&str]| {
        let mut cmd = sessctl();
        cmd.args(["-r", &redis.url(), "-o", "json"]).args(args);
        let records = json_lines(&ok(cmd).stdout);
        records.last().unwrap().clone()
    };
    let s = json(&["revoke", "--user", "alice", "--dry-run"]);
    assert_eq!((s["matched"].as_u64(), s["revoked"].as_u64()), (Some(3), Some(0)), "{s}");
    let s = json(&["cleanup", "--max-age", "1d", "--dry-run", "--yes"]);
    assert_eq!((s["too_old"].as_u64(), s["deleted"].as_u64()), (Some(3), Some(0)), "{s}");
    let s = json(&["revoke", "--user", "alice", "--backup", backup.to_str().unwrap()]);
    assert_eq!(s["revoked"], 3, "{s}");
    let s = json(&["restore", backup.to_str().unwrap(), "--dry-run"]);
    assert_eq!((s["matched"].as_u64(), s["restored"].as_u64()), (Some(3), Some(0)), "a dry run restores nothing: {s}");
    assert_eq!(redis.cli(&["DBSIZE"]), "0");
    let s = json(&["restore", backup.to_str().unwrap()]);
    assert_eq!((s["matched"].as_u64(), s["restored"].as_u64()), (Some(3), Some(3)), "{s}");
}

// ---- 22. Tables escape backslashes; counts agree with their nouns ----

#[test]
fn a_backslash_in_a_table_is_escaped_so_it_is_not_taken_for_an_escape() {
    let redis = RedisServer::start();
    // One user holds backslash-n, the other a real newline: the table tells them apart.
    redis.cli_raw(&["SET", &format!("session:{}", token(1)), "a\"b\\c\\n", "EX", "600"]);
    redis.cli_raw(&["SET", &format!("session:{}", token(2)), "a\"b\\c\n", "EX", "600"]);
    let mut cmd = sessctl();
    cmd.env("COLUMNS", "200").args(["-r", &redis.url(), "list"]);
    let table = String::from_utf8(ok(cmd).stdout).unwrap();
    let cell = |id: &str| {
        let line = table.lines().find(|l| l.starts_with(id)).unwrap_or_else(|| panic!("{id}: {table}"));
        line.split_whitespace().nth(1).unwrap().to_string()
    };
    assert_eq!(cell(&token(1)), r#"a"b\\c\\n"#, "{table}");
    assert_eq!(cell(&token(2)), r#"a"b\\c\n"#, "{table}");
    // stats' top users too.
    let mut cmd = sessctl();
    cmd.env("COLUMNS", "200").args(["-r", &redis.url(), "stats"]);
    let stats = String::from_utf8(ok(cmd).stdout).unwrap();
    assert!(stats.contains(r#"a"b\\c\\n"#) && stats.contains(r#"a"b\\c\n"#), "{stats}");
    // JSON keeps the exact text.
    let mut cmd = sessctl();
    cmd.args(["-r", &redis.url(), "list", "-o", "json"]);
    let users: Vec<String> =
        json_lines(&ok(cmd).stdout).iter().map(|r| r["user"].as_str().unwrap().to_string()).collect();
    assert!(users.contains(&"a\"b\\c\\n".to_string()) && users.contains(&"a\"b\\c\n".to_string()), "{users:?}");
}

#[test]
fn counts_of_one_take_the_singular() {
    let redis = RedisServer::start();
    redis.cli(&["SET", &format!("session:{}", token(1)), "u", "EX", "600"]);
    // A key ring of one version.
    let strong = "Jp0c1Gv0xXcQy5z3mS9kq2R8fT4uW7eL6aHbN1dVY3o";
    let mut cmd = sessctl();
    cmd.env("SESSCTL_SECRET", format!(r#"{{"1": "{strong}"}}"#)).args(["doctor", "-o", "json", "-r", &redis.url()]);
    let out = run(cmd);
    let records = json_lines(&out.stdout);
    let ring = records.iter().find(|r| r["check"] == "key-ring").unwrap_or_else(|| panic!("{records:?}"));
    assert!(ring["detail"].as_str().unwrap().starts_with("version 1;"), "{ring}");
    // A snapshot of one primary.
    let mut cmd = sessctl();
    cmd.args(["-r", &redis.url(), "stats", "--snapshot", "-o", "json"]);
    let out = ok(cmd);
    assert!(stderr(&out).contains("a snapshot of 1 primary;"), "{}", stderr(&out));
    // A note about one key that is not a string.
    redis.cli(&["HSET", "session:h", "f", "v"]);
    let mut cmd = sessctl();
    cmd.args(["-r", &redis.url(), "list", "-o", "json"]);
    let out = ok(cmd);
    assert!(stderr(&out).contains("1 key under the prefix is not a string and was left out"), "{}", stderr(&out));
}

// ---- 24. Help and completions ----

#[test]
fn revoke_help_shows_an_id_as_long_as_a_real_one() {
    let mut cmd = sessctl();
    cmd.env("COLUMNS", "100").args(["revoke", "--help"]);
    let help = String::from_utf8(ok(cmd).stdout).unwrap();
    let ids: Vec<&str> = help
        .split_whitespace()
        .filter(|w| w.len() > 30 && w.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'))
        .collect();
    assert!(!ids.is_empty(), "{help}");
    for id in ids {
        assert_eq!(id.len(), 43, "secrets.token_urlsafe(32) is 43 characters: {id}");
    }
}

#[test]
fn environment_entries_that_wrap_continue_under_their_description() {
    for columns in ["60", "80", "100"] {
        let mut cmd = sessctl();
        cmd.env("COLUMNS", columns).args(["--help"]);
        let help = String::from_utf8(ok(cmd).stdout).unwrap();
        let section: Vec<&str> =
            help.lines().skip_while(|l| *l != "Environment:").skip(1).take_while(|l| !l.is_empty()).collect();
        assert!(section.len() > 10, "{help}");
        let column = section[0].find("the cookie secret").unwrap();
        for line in &section {
            assert!(line.chars().count() <= columns.parse().unwrap(), "{line:?} is wider than {columns}");
            let indent = line.len() - line.trim_start().len();
            let continues = !line.trim_start().starts_with(|c: char| c.is_ascii_uppercase());
            if continues {
                assert_eq!(
                    indent, column,
                    "at {columns} columns a wrapped line goes on under the description: {line:?}\n{help}"
                );
            } else {
                assert_eq!(indent, 2, "{line:?}");
            }
        }
    }
}

/// A config file with two profiles, and a PATH where `sessctl` is the binary under test.
fn completion_env() -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("config.toml"),
        "[profiles.staging]\nredis_url = \"redis://127.0.0.1:1/0\"\n[profiles.prod]\nttl = \"14d\"\n",
    )
    .unwrap();
    let bin = std::path::Path::new(env!("CARGO_BIN_EXE_sessctl")).parent().unwrap().to_path_buf();
    let path = format!("{}:{}", bin.display(), std::env::var("PATH").unwrap_or_default());
    (dir, path)
}

fn bash_complete(line: &str) -> Vec<String> {
    let (dir, path) = completion_env();
    let file = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("completions/sessctl.bash");
    let script = format!(
        r#"source "$1" || exit 1
COMP_LINE='{line}'; COMP_POINT=${{#COMP_LINE}}
read -ra COMP_WORDS <<< "$COMP_LINE"
[[ "$COMP_LINE" == *' ' ]] && COMP_WORDS+=('')
COMP_CWORD=$(( ${{#COMP_WORDS[@]}} - 1 ))
_sessctl sessctl "${{COMP_WORDS[COMP_CWORD]}}" "${{COMP_WORDS[COMP_CWORD-1]}}"
printf '%s\n' "${{COMPREPLY[@]}}""#
    );
    let out = std::process::Command::new("bash")
        .args(["--norc", "--noprofile", "-c", &script, "bash", file.to_str().unwrap()])
        .env("PATH", path)
        .env("SESSCTL_CONFIG", dir.path().join("config.toml"))
        .current_dir(dir.path())
        .output()
        .expect("bash");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let mut offered: Vec<String> = String::from_utf8_lossy(&out.stdout).lines().map(str::to_string).collect();
    offered.sort();
    offered
}

fn fish_complete(line: &str) -> Vec<String> {
    let (dir, path) = completion_env();
    let file = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("completions/sessctl.fish");
    let out = std::process::Command::new("fish")
        .args([
            "--no-config",
            "-c",
            &format!("source $argv[1]; or exit 1; complete -C '{line}'"),
            file.to_str().unwrap(),
        ])
        .env("PATH", path)
        .env("HOME", dir.path())
        .env("SESSCTL_CONFIG", dir.path().join("config.toml"))
        .current_dir(dir.path())
        .output()
        .expect("fish (scripts/setup-test-env installs it)");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let mut offered: Vec<String> =
        String::from_utf8_lossy(&out.stdout).lines().map(|l| l.split('\t').next().unwrap().to_string()).collect();
    offered.sort();
    offered
}

#[test]
fn completion_offers_the_profiles_of_the_config_file_and_each_commands_formats() {
    // A file in the working directory, which file-name completion would offer.
    // (fish completes no value of an option given before the command: clap_complete's fish
    // script cannot tell there is no command yet.)
    assert_eq!(bash_complete("sessctl --profile "), ["prod", "staging"]);
    for complete in [bash_complete as fn(&str) -> Vec<String>, fish_complete] {
        assert_eq!(complete("sessctl revoke --profile "), ["prod", "staging"]);
        assert_eq!(complete("sessctl list --profile st"), ["staging"]);
        assert_eq!(complete("sessctl list -o "), ["csv", "json", "table"]);
        assert_eq!(complete("sessctl mint --output "), ["json", "table"]);
        assert_eq!(complete("sessctl stats -o "), ["csv", "json", "prometheus", "table"]);
    }
    // The formats a command does not offer are still refused with its own message.
    let mut cmd = sessctl();
    cmd.args(["list", "-o", "prometheus", "-r", "redis://127.0.0.1:1/0"]);
    let out = run(cmd);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("-o prometheus is for stats"), "{}", stderr(&out));
    let mut cmd = sessctl();
    cmd.env("XDG_CONFIG_HOME", "/nonexistent").args(["config", "profiles", "--names"]);
    assert!(ok(cmd).stdout.is_empty(), "no config file: no names");
}

/// Item 18, the reads that are not a scan: `revoke <id>` looks its sessions up (GET + PTTL)
/// before deleting anything. A server that stalls on that read (a proxy holds the GET reply
/// back) no longer keeps a Ctrl-C waiting for `--timeout`: the run ends at once as interrupted,
/// nothing deleted.
#[test]
fn a_signal_while_revoke_waits_for_its_lookup_ends_the_run_at_once() {
    use std::process::Stdio;
    use std::time::{Duration, Instant};
    use support::proxy::{Fault, Proxy, What, When};
    let redis = RedisServer::start();
    let id = session_id(7);
    redis.cli(&["SET", &format!("session:{id}"), "u", "EX", "600"]);
    let proxy = Proxy::start(redis.port, vec![Fault::new(When::reply("GET", 1), What::Stall)]);
    let child = sessctl()
        .args(["-r", &proxy.url(), "-o", "json", "--timeout", "20s", "revoke", &id])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    while proxy.fired() == 0 {
        assert!(Instant::now() < deadline, "the lookup never reached the stall");
        std::thread::sleep(Duration::from_millis(5));
    }
    std::thread::sleep(Duration::from_millis(300));
    let signalled = Instant::now();
    kill("INT", &child.id().to_string());
    let out = child.wait_with_output().unwrap();
    let took = signalled.elapsed();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(130), "{err}");
    assert!(took < Duration::from_secs(5), "took {took:?} after the signal: {err}");
    let summary = json_lines(&out.stdout).pop().unwrap_or_else(|| panic!("no summary; {err}"));
    assert_eq!((summary["complete"].as_bool(), summary["revoked"].as_u64()), (Some(false), Some(0)), "{summary}");
    assert_eq!(redis.cli(&["EXISTS", &format!("session:{id}")]), "1", "nothing was deleted");
}
