//! Safe at the edges (issue 6): what a new or careless operator does, through the real binary
//! against real redis-server processes. One section per class of defect.

use crate::support;

use std::io::{BufRead, BufReader, Read};
use std::net::TcpListener;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;
use support::*;

const SECRET: &str = "edges-test-secret";

fn at(url: &str, args: &[&str]) -> Command {
    let mut cmd = sessctl();
    cmd.env("SESSCTL_SECRET", SECRET).args(["-r", url]).args(args);
    cmd
}

fn one_line_usage_error(out: &Output) -> String {
    let err = stderr(out);
    assert_eq!(out.status.code(), Some(2), "exit 2 expected; stderr: {err}");
    assert_eq!(err.trim().lines().count(), 1, "one line: {err}");
    err
}

fn summary(out: &Output) -> Value {
    let recs = json_lines(&out.stdout);
    assert_eq!(recs.len(), 1, "one summary object: {recs:?} / {}", stderr(out));
    recs.into_iter().next().unwrap()
}

/// A TCP port that accepts connections and never answers: a command that connects to it
/// hangs (until --timeout), so a usage error must come before.
struct SilentServer {
    listener: TcpListener,
}

impl SilentServer {
    fn start() -> SilentServer {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        SilentServer { listener }
    }
    fn url(&self) -> String {
        format!("redis://127.0.0.1:{}/0", self.listener.local_addr().unwrap().port())
    }
    fn connections(&self) -> usize {
        let mut n = 0;
        while self.listener.accept().is_ok() {
            n += 1;
        }
        n
    }
}

fn calls(redis: &RedisServer, command: &str) -> u64 {
    redis.calls(command)
}

/// `n` token-shaped sessions `session:t000…<i>` → `user<i % users>`, 7-day TTL.
fn fill(redis: &RedisServer, n: u64, users: u64) {
    redis.pipe(&sessions_protocol("session:", n, users));
}

/// Sends `signal` to `child` once `ready()` says the work is under way.
fn signal_when(child: &std::process::Child, signal: &str, ready: impl Fn() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while !ready() {
        assert!(Instant::now() < deadline, "the command never got under way");
        std::thread::sleep(Duration::from_millis(2));
    }
    let status = Command::new("kill").args([&format!("-{signal}"), &child.id().to_string()]).status().unwrap();
    assert!(status.success());
}

// ---- 1. Numeric flags and environment values: bounded, refused before any connection ----

#[test]
fn numeric_values_are_bounded_and_refused_before_any_connection() {
    let silent = SilentServer::start();
    let url = silent.url();
    type Case<'a> = (&'a [&'a str], &'a [(&'a str, &'a str)], &'a str);
    let cases: &[Case] = &[
        (&["stats", "--top", "18446744073709551615"], &[], "--top"),
        (&["stats", "--top", "1000000000000"], &[], "--top"),
        (&["mint", "--user", "1", "--ttl", "10000000000y"], &[], "--ttl"),
        (&["mint", "--user", "1", "--ttl", "1000000y"], &[], "--ttl"),
        (&["mint", "--user", "1", "--ttl", "1500ms"], &[], "--ttl"),
        (&["mint", "--user", "1", "--count", "0"], &[], "--count"),
        (&["mint", "--user", "1", "--count", "99999999999999999999"], &[], "--count"),
        (&["list", "--timeout", "0s"], &[], "--timeout"),
        (&["list", "--limit", "-1"], &[], "--limit"),
        (&["list"], &[("SESSCTL_SCAN_COUNT", "0")], "SESSCTL_SCAN_COUNT"),
        (&["list"], &[("SESSCTL_TIMEOUT", "forever")], "SESSCTL_TIMEOUT"),
        (&["mint", "--user", "1"], &[("SESSCTL_TTL", "10000000000y")], "SESSCTL_TTL"),
        (&["cleanup", "--max-age", "0s"], &[], "--max-age"),
        (&["revoke", "--all", "--yes", "--issued-before", "1000000y"], &[], "--issued-before"),
    ];
    for (args, env, names) in cases {
        let mut cmd = at(&url, args);
        for (k, v) in *env {
            cmd.env(k, v);
        }
        let started = Instant::now();
        let out = cmd.output().unwrap();
        let err = one_line_usage_error(&out);
        assert!(err.contains(names), "{args:?} {env:?}: the message names {names}: {err}");
        assert!(!err.contains("panicked"), "{err}");
        assert!(started.elapsed() < Duration::from_secs(5), "{args:?} waited for the server");
    }
    assert_eq!(silent.connections(), 0, "no bad value ever reached a connection");

    // At the bound a TTL is stored and its expiry is a date.
    let redis = RedisServer::start();
    let out = at(&redis.url(), &["mint", "--user", "1", "--ttl", "100y", "-o", "json"]).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let rec = &json_lines(&out.stdout)[0];
    assert!(rec["expires_at"].as_str().unwrap().starts_with("21"), "{rec}");
    let ttl: u64 = redis.cli(&["TTL", &format!("session:{}", rec["session_id"].as_str().unwrap())]).parse().unwrap();
    assert!(ttl > 3_000_000_000, "{ttl}");
}

// ---- 3. Interrupted runs never pass for complete ----

#[test]
fn an_interrupted_stats_writes_no_prometheus_figures_and_marks_json_incomplete() {
    let redis = RedisServer::start();
    fill(&redis, 200_000, 1000);
    for (output, signal, code) in [("prometheus", "TERM", 143), ("json", "INT", 130), ("table", "TERM", 143)] {
        let before = calls(&redis, "scan");
        let child = at(&redis.url(), &["stats", "-o", output, "--scan-count", "10"])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        signal_when(&child, signal, || calls(&redis, "scan") > before + 20);
        let out = child.wait_with_output().unwrap();
        assert_eq!(out.status.code(), Some(code), "{output}: {}", stderr(&out));
        let text = String::from_utf8_lossy(&out.stdout);
        match output {
            "prometheus" => assert!(text.is_empty(), "no partial metrics: {text}"),
            "json" => {
                let s = summary(&out);
                assert_eq!((s["complete"].as_bool(), s["interrupted"].as_bool()), (Some(false), Some(true)), "{s}");
                assert!(s["sessions"].as_u64().unwrap() < 200_000);
            }
            _ => assert!(
                text.lines().any(|l| l.split_whitespace().collect::<Vec<_>>() == ["complete", "false"]),
                "{text}"
            ),
        }
        assert!(stderr(&out).contains("partial") || stderr(&out).contains("no metrics"), "{}", stderr(&out));
    }
    // A finished run says it is complete.
    let out = at(&redis.url(), &["stats", "-o", "json"]).output().unwrap();
    assert_eq!(summary(&out)["complete"], true);
}

#[test]
fn every_scan_summary_says_whether_it_is_complete() {
    let redis = RedisServer::start();
    fill(&redis, 200_000, 1000);
    let url = redis.url();
    let done = |args: &[&str]| summary(&at(&url, args).output().unwrap());
    assert_eq!(done(&["list", "--count", "-o", "json"])["complete"], true);
    assert_eq!(done(&["cleanup", "--dry-run", "-o", "json"])["complete"], true);
    assert_eq!(done(&["revoke", "--user", "nobody", "-o", "json"])["complete"], true);
    for args in [&["list", "--count", "-o", "json"][..], &["cleanup", "--dry-run", "-o", "json"]] {
        let before = calls(&redis, "scan");
        let mut full = args.to_vec();
        full.extend(["--scan-count", "10"]);
        let child = at(&url, &full).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
        signal_when(&child, "TERM", || calls(&redis, "scan") > before + 20);
        let out = child.wait_with_output().unwrap();
        assert_eq!(out.status.code(), Some(143), "{args:?}: {}", stderr(&out));
        assert_eq!(summary(&out)["complete"], false, "{args:?}");
    }
    // The bare count of a table cannot be marked: an interrupted one is not printed.
    let before = calls(&redis, "scan");
    let child = at(&url, &["list", "--count", "--scan-count", "10"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    signal_when(&child, "INT", || calls(&redis, "scan") > before + 20);
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(130));
    assert!(out.stdout.is_empty(), "{}", String::from_utf8_lossy(&out.stdout));
}

#[test]
fn sigterm_during_a_bulk_revoke_prints_the_summary_so_far_and_exits_143() {
    let redis = RedisServer::start();
    fill(&redis, 200_000, 1);
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("audit.jsonl");
    let child = at(&redis.url(), &["revoke", "--all", "--yes", "-o", "json", "--scan-count", "100"])
        .arg("--audit-log")
        .arg(&log)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    signal_when(&child, "TERM", || redis.cli(&["DBSIZE"]).parse::<u64>().unwrap() < 199_000);
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(143), "{}", stderr(&out));
    let s = summary(&out);
    assert_eq!((s["interrupted"].as_bool(), s["complete"].as_bool()), (Some(true), Some(false)));
    let revoked = s["revoked"].as_u64().unwrap();
    let left: u64 = redis.cli(&["DBSIZE"]).parse().unwrap();
    assert_eq!(revoked + left, 200_000, "the summary is what Redis lost");
    let lines = std::fs::read_to_string(&log).unwrap().lines().count() as u64;
    assert_eq!(lines, revoked, "the audit log has every deletion, flushed before exit");
}

#[test]
fn a_revoke_that_loses_redis_part_way_reports_what_it_revoked_as_incomplete() {
    let mut redis = RedisServer::start();
    fill(&redis, 200_000, 1);
    // A short retry deadline: the server is not coming back, no need to wait 30 s for it.
    let args = ["revoke", "--all", "--yes", "-o", "json", "--scan-count", "100", "--retry-deadline", "1s"];
    let child = at(&redis.url(), &args).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    while redis.cli(&["DBSIZE"]).parse::<u64>().unwrap() > 199_000 {
        assert!(Instant::now() < deadline, "the revoke never got under way");
        std::thread::sleep(Duration::from_millis(2));
    }
    redis.kill();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let s = summary(&out);
    assert_eq!((s["complete"].as_bool(), s["interrupted"].as_bool()), (Some(false), Some(false)), "{s}");
    assert!(s["revoked"].as_u64().unwrap() >= 1000, "what was revoked is reported: {s}");
    let err = stderr(&out);
    assert!(err.contains("part way") && err.contains("summary"), "{err}");
}

#[test]
fn sigterm_while_connecting_to_a_server_that_never_answers_ends_within_a_second() {
    let silent = SilentServer::start();
    for args in [&["list"][..], &["stats", "-o", "prometheus"], &["revoke", "--all", "--yes"]] {
        // Connections the previous command made before it ended (it reconnects when the
        // accepted one is closed) must not pass for this one's.
        silent.connections();
        let mut child = at(&silent.url(), args).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
        // Wait until it has connected (the server accepted) and is waiting for a reply.
        signal_when(&child, "TERM", || silent.listener.accept().is_ok());
        let sent = Instant::now();
        let deadline = sent + Duration::from_secs(5);
        let status = loop {
            if let Some(status) = child.try_wait().unwrap() {
                break status;
            }
            assert!(Instant::now() < deadline, "{args:?}: still running 5 s after SIGTERM");
            std::thread::sleep(Duration::from_millis(5));
        };
        assert!(sent.elapsed() < Duration::from_secs(1), "{args:?}: took {:?}", sent.elapsed());
        assert_eq!(status.code(), Some(143), "{args:?}");
        let mut out = String::new();
        child.stdout.take().unwrap().read_to_string(&mut out).unwrap();
        assert!(out.is_empty(), "nothing that passes for a result: {out}");
    }
}

// ---- 4 and 5. cleanup: malformed keys untouched; --max-age traps ----

#[test]
fn cleanup_never_touches_keys_it_calls_malformed_in_any_mode() {
    let redis = RedisServer::start();
    let url = redis.url();
    let good_old = format!("session:{}", session_id(1));
    let good_forever = format!("session:{}", session_id(2));
    let empty_user = format!("session:{}", session_id(3));
    let malformed_old = ["session:short", &empty_user];
    for modes in [
        &["--max-age", "6d23h50m"][..],
        &["--max-age", "1h", "--no-ttl", "fix"],
        &["--max-age", "2h", "--no-ttl", "delete"],
    ] {
        redis.cli(&["FLUSHALL"]);
        redis.cli(&["SETEX", "session:short", "60", "u"]);
        redis.cli(&["SETEX", &empty_user, "60", ""]);
        redis.cli(&["SET", "session:forever-odd", "u"]);
        redis.cli(&["SETEX", &good_old, "60", "u"]);
        redis.cli(&["SET", &good_forever, "u"]);
        let mut args = vec!["cleanup", "-o", "json"];
        args.extend_from_slice(modes);
        let out = at(&url, &args).output().unwrap();
        assert!(out.status.success(), "{modes:?}: {}", stderr(&out));
        let s = summary(&out);
        assert_eq!(s["malformed"], 3, "{modes:?}: {s}");
        for key in malformed_old {
            let ttl: i64 = redis.cli(&["TTL", key]).parse().unwrap();
            assert!(ttl > 0, "{modes:?}: {key} untouched (ttl {ttl})");
        }
        assert_eq!(redis.cli(&["TTL", "session:forever-odd"]), "-1", "{modes:?}: no TTL given to a malformed key");
        assert_eq!(redis.cli(&["EXISTS", &good_old]), "0", "{modes:?}: the real old session is deleted");
    }
}

#[test]
fn cleanup_max_age_traps_are_usage_errors_before_any_scan() {
    let redis = RedisServer::start();
    fill(&redis, 50, 5);
    redis.cli(&["SETEX", &format!("session:{}", session_id(999)), "600", "u"]);
    let url = redis.url();
    let out = at(&url, &["cleanup", "--max-age", "30d"]).output().unwrap();
    let err = one_line_usage_error(&out);
    // Both values as typed (not humantime's `30days`), and where --ttl came from.
    assert!(err.contains("--max-age 30d is not less than --ttl 7d"), "names both values: {err}");
    let mut cmd = at(&url, &["cleanup", "--max-age", "2d"]);
    cmd.env("SESSCTL_TTL", "1d");
    let err = one_line_usage_error(&cmd.output().unwrap());
    assert!(err.contains("--max-age 2d is not less than --ttl 1d") && err.contains("set SESSCTL_TTL"), "{err}");
    let out = at(&url, &["cleanup", "--max-age", "1m"]).output().unwrap();
    let err = one_line_usage_error(&out);
    assert!(err.contains("--yes"), "{err}");
    assert_eq!(calls(&redis, "scan"), 0, "nothing scanned");
    assert_eq!(redis.cli(&["DBSIZE"]), "51", "nothing deleted");
    let out = at(&url, &["cleanup", "--max-age", "1m", "--yes", "-o", "json"]).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(summary(&out)["deleted"], 1, "with --yes it runs: the one issued 7d - 10m ago is older than 1m");
}

// ---- 6. Key-ring typos ----

#[test]
fn a_broken_key_ring_is_a_usage_error_in_every_mode_unless_told_it_is_text() {
    let broken = r#"{"0":"a","1":}"#;
    for args in [
        &["mint", "--user", "1", "--no-store"][..],
        &["-q", "mint", "--user", "1", "--no-store"],
        &["verify", "--offline", "2|1:0|10:1|10:session_id|4:eHg=|00"],
        &["-o", "json", "mint", "--user", "1", "--no-store"],
    ] {
        let mut cmd = sessctl();
        cmd.env("SESSCTL_SECRET", broken).args(args);
        let out = cmd.output().unwrap();
        let err = one_line_usage_error(&out);
        assert!(err.contains("key ring") && err.contains("--secret-format text"), "{err}");
        assert!(!err.contains(broken) && !err.contains("\"a\""), "the secret is not echoed: {err}");
        assert!(out.stdout.is_empty());
    }
    // Said to be text, the same bytes are one secret: the cookie verifies with that secret.
    let mut cmd = sessctl();
    cmd.env("SESSCTL_SECRET", broken).args(["--secret-format", "text", "mint", "--user", "1", "--no-store"]);
    let out = cmd.output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let cookie = String::from_utf8(out.stdout).unwrap().trim().to_string();
    let mut cmd = sessctl();
    cmd.env("SESSCTL_SECRET", broken).env("SESSCTL_SECRET_FORMAT", "text").args(["verify", "--offline", &cookie]);
    assert_eq!(cmd.output().unwrap().status.code(), Some(0));
    // --secret-format ring refuses a plain text.
    let mut cmd = sessctl();
    cmd.env("SESSCTL_SECRET", "plain").args(["--secret-format", "ring", "mint", "--user", "1", "--no-store"]);
    one_line_usage_error(&cmd.output().unwrap());
}

// ---- 8. mint stores exactly what it prints ----

fn dbsize(redis: &RedisServer) -> u64 {
    redis.cli(&["DBSIZE"]).parse().unwrap()
}

#[test]
fn mint_into_head_stores_exactly_the_cookies_head_printed() {
    let redis = RedisServer::start();
    for n in [1usize, 3] {
        redis.cli(&["FLUSHALL"]);
        let script =
            format!("{} -r {} mint --user 1 --count 5000 | head -{n}", env!("CARGO_BIN_EXE_sessctl"), redis.url());
        let out = Command::new("bash").args(["-c", &script]).env("SESSCTL_SECRET", SECRET).output().unwrap();
        assert!(out.status.success(), "{}", stderr(&out));
        let printed: Vec<String> = String::from_utf8(out.stdout).unwrap().lines().map(String::from).collect();
        assert_eq!(printed.len(), n);
        assert_eq!(dbsize(&redis), n as u64, "head -{n}: stored == printed");
        for cookie in &printed {
            let out = at(&redis.url(), &["verify", cookie]).output().unwrap();
            assert_eq!(out.status.code(), Some(0), "every printed cookie is stored");
        }
    }
}

#[test]
fn mint_to_a_full_disk_leaves_nothing_stored_and_says_so() {
    let redis = RedisServer::start();
    let full = std::fs::OpenOptions::new().write(true).open("/dev/full").unwrap();
    let out = at(&redis.url(), &["mint", "--user", "1", "--count", "3"]).stdout(full).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(err.contains("0 cookies were printed") && err.contains("3 sessions") && err.contains("deleted"), "{err}");
    assert_eq!(dbsize(&redis), 0);
}

#[test]
fn mint_on_a_redis_error_prints_nothing_it_did_not_store() {
    let redis = RedisServer::start();
    // A read-only user: SET fails with NOPERM.
    redis.cli(&["ACL", "SETUSER", "reader", "on", ">pw", "~*", "+@read", "+@connection", "+info", "+cluster"]);
    let url = format!("redis://reader:pw@127.0.0.1:{}/0", redis.port);
    let out = at(&url, &["mint", "--user", "1", "--count", "5"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(out.stdout.is_empty(), "nothing printed that is not stored");
    assert!(stderr(&out).contains("0 cookies were printed"), "{}", stderr(&out));
    assert_eq!(dbsize(&redis), 0);
}

#[test]
fn sigterm_during_mint_leaves_stored_equal_to_printed() {
    let redis = RedisServer::start();
    let mut child = at(&redis.url(), &["mint", "--user", "1", "--count", "100000"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut reader = BufReader::new(child.stdout.take().unwrap());
    let mut read = 0u64;
    let mut line = String::new();
    // Read slowly, so mint waits on the pipe; interrupt part way.
    while read < 200 {
        line.clear();
        assert!(reader.read_line(&mut line).unwrap() > 0);
        read += 1;
        if read.is_multiple_of(50) {
            std::thread::sleep(Duration::from_millis(20));
        }
    }
    Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
    loop {
        line.clear();
        if reader.read_line(&mut line).unwrap() == 0 {
            break;
        }
        read += 1;
    }
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(143));
    assert!(read < 100_000);
    assert_eq!(dbsize(&redis), read, "stored == printed");
}

// ---- 9. Terminal safety ----

const EVIL: &[u8] = b"evil\x1b[2J\x1b]0;PWNED\x07\rfake";

#[test]
fn text_from_redis_is_escaped_in_tables_and_exact_in_json_and_csv() {
    let redis = RedisServer::start();
    let evil_key = format!("session:{}", session_id(1));
    let mut proto = resp(&[b"SETEX", evil_key.as_bytes(), b"600", EVIL]);
    proto.extend(resp(&[
        b"SETEX",
        format!("session:{}", session_id(2)).as_bytes(),
        b"600",
        "日本語ユーザー".as_bytes(),
    ]));
    proto.extend(resp(&[b"SETEX", format!("session:{}", session_id(3)).as_bytes(), b"600", b"ab"]));
    proto.extend(resp(&[b"SETEX", b"session:\x1b]0;KEY\x07", b"600", b"u"]));
    redis.pipe(&proto);
    let url = redis.url();
    for args in [&["list"][..], &["stats"], &["list", "--user", "evil\x1b[2J\x1b]0;PWNED\x07\rfake"]] {
        let out = at(&url, args).output().unwrap();
        assert!(out.status.success(), "{}", stderr(&out));
        let text = String::from_utf8(out.stdout).unwrap();
        for raw in ['\x1b', '\x07', '\r'] {
            assert!(!text.contains(raw), "{args:?} wrote {raw:?} raw:\n{text:?}");
        }
        assert!(text.contains("evil\\x1b[2J\\x1b]0;PWNED\\x07\\rfake"), "{args:?} shows it visibly:\n{text}");
    }
    // Wide characters keep the columns aligned: the (right-aligned) TTL column ends, and the
    // expiry column starts, at the same display column on every row.
    let out = at(&url, &["list", "--user", "日本語ユーザー", "--user", "ab"]).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let col = |l: &str, word: &str| unicode_width::UnicodeWidthStr::width(&l[..l.find(word).unwrap()]);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 3, "{text}");
    let ttl_end = col(lines[0], "TTL") + 3;
    let expiry = col(lines[0], "EXPIRES AT");
    for line in &lines[1..] {
        let end = line.find("s  20").map(|i| i + 1).unwrap_or_else(|| panic!("{line}"));
        assert_eq!(unicode_width::UnicodeWidthStr::width(&line[..end]), ttl_end, "aligned:\n{text}");
        assert_eq!(col(line, "20"), expiry, "aligned:\n{text}");
    }
    // JSON and CSV carry the exact text.
    let out = at(&url, &["list", "-o", "json", "--user", "evil\x1b[2J\x1b]0;PWNED\x07\rfake"]).output().unwrap();
    let recs = json_lines(&out.stdout);
    assert_eq!(recs[0]["user"].as_str().unwrap().as_bytes(), EVIL);
    let out = at(&url, &["list", "-o", "csv"]).output().unwrap();
    let mut csv = csv::Reader::from_reader(&out.stdout[..]);
    let users: Vec<String> = csv.records().map(|r| r.unwrap()[1].to_string()).collect();
    assert!(users.iter().any(|u| u.as_bytes() == EVIL), "{users:?}");
    assert_eq!(users.len(), 4);
}

#[test]
fn notes_on_stderr_escape_keys_from_redis() {
    let redis = RedisServer::start();
    let mut proto = resp(&[b"HSET", b"session:\x1b]0;PWNED\x07", b"a", b"b"]);
    proto.extend(resp(&[b"SETEX", format!("session:{}", session_id(1)).as_bytes(), b"60", b"u"]));
    redis.pipe(&proto);
    let out = at(&redis.url(), &["cleanup", "--dry-run"]).output().unwrap();
    let err = stderr(&out);
    assert!(err.contains("\\x1b]0;PWNED\\x07") && !err.contains('\x1b'), "{err:?}");
}

// ---- 10. Messages ----

#[test]
fn environment_errors_name_the_variable_and_unused_variables_break_nothing() {
    let redis = RedisServer::start();
    fill(&redis, 3, 1);
    let url = redis.url();
    let mut cmd = at(&url, &["cleanup", "--dry-run"]);
    cmd.env("SESSCTL_TTL", "abc");
    let err = one_line_usage_error(&cmd.output().unwrap());
    assert!(err.contains("SESSCTL_TTL") && !err.contains("'--ttl"), "{err}");
    let mut cmd = sessctl();
    cmd.env("SESSCTL_SECRET", SECRET).env("SESSCTL_KEY_VERSION", "x").args(["mint", "--user", "1", "--no-store"]);
    assert!(one_line_usage_error(&cmd.output().unwrap()).contains("SESSCTL_KEY_VERSION"));
    let mut cmd = sessctl();
    cmd.env("SESSCTL_OUTPUT", "xml").args(["decode", "x"]);
    assert!(one_line_usage_error(&cmd.output().unwrap()).contains("SESSCTL_OUTPUT"));
    // Variables the command does not use are not read.
    for (var, value) in [
        ("SESSCTL_KEY_VERSION", "x"),
        ("SESSCTL_TTL", "abc"),
        ("SESSCTL_SECRET_FORMAT", "yaml"),
        ("SESSCTL_COOKIE_NAME", ""),
        ("SESSCTL_SECRET_FILE", "/nonexistent"),
    ] {
        let mut cmd = at(&url, &["list", "--count"]);
        cmd.env(var, value);
        let out = cmd.output().unwrap();
        assert!(out.status.success(), "{var}={value} broke list: {}", stderr(&out));
        assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "3");
    }
    let mut cmd = sessctl();
    cmd.env("SESSCTL_SECRET", SECRET).args(["mint", "--user", "1", "--no-store"]);
    let cookie = String::from_utf8(cmd.output().unwrap().stdout).unwrap();
    let mut cmd = sessctl();
    cmd.env("SESSCTL_REDIS_URL", "nonsense://").env("SESSCTL_TIMEOUT", "x").args(["decode", cookie.trim()]);
    let out = cmd.output().unwrap();
    assert!(out.status.success(), "decode uses no Redis setting: {}", stderr(&out));
}

#[test]
fn long_inputs_come_back_as_short_escaped_excerpts() {
    let redis = RedisServer::start();
    let long = format!("2|{}\x1b[2J", "x".repeat(120_000));
    let cases: Vec<Vec<String>> = vec![
        vec!["revoke".into(), long.clone()],
        vec!["decode".into(), long.clone()],
        vec!["list".into(), "--limit".into(), long.clone()],
        vec!["revoke".into(), "--all".into(), "--yes".into(), "--issued-before".into(), long.clone()],
    ];
    for args in cases {
        let out = at(&redis.url(), &args.iter().map(String::as_str).collect::<Vec<_>>()).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
        let err = stderr(&out);
        assert!(err.len() < 400, "{} bytes of error for {:?}", err.len(), &args[..args.len().min(2)]);
        assert!(!err.contains('\x1b'));
        assert!(err.contains("bytes"), "says how long the input was: {err}");
    }
}

#[test]
fn empty_lists_say_why_and_counts_are_valid_csv() {
    let redis = RedisServer::start();
    fill(&redis, 4, 2);
    let url = redis.url();
    let out = at(&url, &["list", "--limit", "0"]).output().unwrap();
    assert!(out.status.success());
    let err = stderr(&out);
    assert!(!err.contains("no sessions under"), "4 sessions exist: {err}");
    assert!(err.contains("--limit 0"), "{err}");
    let out = at(&url, &["list", "--user", "nobody"]).output().unwrap();
    let err = stderr(&out);
    assert!(err.contains("no sessions of user \"nobody\""), "{err}");
    let out = at(&url, &["list", "--count", "-o", "csv"]).output().unwrap();
    let mut csv = csv::Reader::from_reader(&out.stdout[..]);
    assert_eq!(csv.headers().unwrap().iter().collect::<Vec<_>>(), ["count", "complete"]);
    let rows: Vec<csv::StringRecord> = csv.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 1);
    assert_eq!((&rows[0][0], &rows[0][1]), ("4", "true"));
}

#[test]
fn an_endless_input_line_is_reported_not_held_in_memory() {
    let mut cmd = sessctl();
    cmd.env("SESSCTL_SECRET", SECRET).args(["mint", "--user", "1", "--no-store"]);
    let cookie = String::from_utf8(cmd.output().unwrap().stdout).unwrap();
    let mut input = vec![b'a'; 17 << 20];
    input.push(b'\n');
    input.extend_from_slice(cookie.as_bytes());
    let mut cmd = sessctl();
    cmd.env("SESSCTL_SECRET", SECRET).args(["verify", "--offline", "-o", "json"]);
    let out = run_with_stdin(cmd, &input);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    let recs = json_lines(&out.stdout);
    assert_eq!(recs.len(), 2);
    assert_eq!(recs[0]["status"], "malformed");
    assert!(recs[0]["reason"].as_str().unwrap().contains("16 MiB"));
    assert_eq!(recs[1]["valid"], true);
    let mut cmd = sessctl();
    cmd.args(["decode", "-"]);
    let out = run_with_stdin(cmd, &input);
    assert!(one_line_usage_error(&out).contains("16 MiB"));
}

// ---- 11. Secret file ----

#[test]
fn the_secret_file_is_capped_and_loose_permissions_are_warned_about() {
    let started = Instant::now();
    let out = sessctl().args(["--secret-file", "/dev/zero", "mint", "--user", "1", "--no-store"]).output().unwrap();
    let err = one_line_usage_error(&out);
    assert!(err.contains("KiB"), "{err}");
    assert!(started.elapsed() < Duration::from_secs(5));

    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("secret");
    std::fs::write(&file, "file secret\n").unwrap();
    for (mode, warned) in [(0o644, true), (0o640, true), (0o600, false), (0o400, false)] {
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(mode)).unwrap();
        let out = sessctl()
            .arg("--secret-file")
            .arg(&file)
            .args(["-q", "mint", "--user", "1", "--no-store"])
            .output()
            .unwrap();
        assert!(out.status.success());
        let err = stderr(&out);
        assert_eq!(err.contains("chmod 600"), warned, "mode {mode:o}: {err}");
        assert!(!err.contains("file secret"));
    }
}

// ---- 12. Dates ----

#[test]
fn issued_before_takes_a_date_and_a_duration_ago() {
    let redis = RedisServer::start();
    let url = redis.url();
    // Now pinned at 2026-11-10T00:00:00Z; with --ttl 7d a session with 2 days left was
    // issued on 2026-11-05, one with 7 days left just now.
    let now = "1794268800";
    let (old, new) = (format!("session:{}", session_id(1)), format!("session:{}", session_id(2)));
    redis.cli(&["SETEX", &old, "172800", "u"]);
    redis.cli(&["SETEX", &new, "604800", "u"]);
    for (when, matched) in [("2026-11-06", 1), ("2026-11-01", 0), ("6d", 0), ("4d", 1), ("2026-11-06T00:00:00Z", 1)] {
        let mut cmd = at(&url, &["revoke", "--user", "u", "--dry-run", "-o", "json", "--issued-before", when]);
        cmd.env("SESSCTL_NOW", now);
        let out = cmd.output().unwrap();
        assert!(out.status.success(), "{when}: {}", stderr(&out));
        assert_eq!(summary(&out)["matched"], matched, "{when}");
    }
    let err =
        one_line_usage_error(&at(&url, &["revoke", "--user", "u", "--issued-before", "2026-13-01"]).output().unwrap());
    assert!(err.contains("2026-11-01"), "says what a date looks like: {err}");
}

// ---- Audit trail ----

#[test]
fn revoke_and_cleanup_write_an_audit_line_per_change_without_the_session_id() {
    let redis = RedisServer::start();
    let url = redis.url();
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("audit.jsonl");
    let ids: Vec<String> = (1..=3).map(session_id).collect();
    for id in &ids {
        redis.cli(&["SETEX", &format!("session:{id}"), "600", "alice"]);
    }
    redis.cli(&["SET", &format!("session:{}", session_id(9)), "bob"]);
    redis.cli(&["SETEX", &format!("session:{}", session_id(8)), "60", "carol"]);
    let mut cmd = at(&format!("redis://:@127.0.0.1:{}/0", redis.port), &["revoke", "--user", "alice", "-o", "json"]);
    cmd.arg("--audit-log").arg(&log).env("SUDO_USER", "oncall");
    let out = cmd.output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(summary(&out)["revoked"], 3);
    let mut cmd = at(&url, &["cleanup", "--no-ttl", "fix", "--max-age", "6d", "-o", "json"]);
    cmd.env("SESSCTL_AUDIT_LOG", &log).env_remove("SUDO_USER").env("USER", "cron");
    let out = cmd.output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let s = summary(&out);
    assert_eq!((s["deleted"].as_u64(), s["fixed"].as_u64()), (Some(1), Some(1)));
    // A dry run changes nothing and logs nothing.
    let mut cmd = at(&url, &["revoke", "--all", "--yes", "--dry-run"]);
    cmd.arg("--audit-log").arg(&log);
    assert!(cmd.output().unwrap().status.success());

    let text = std::fs::read_to_string(&log).unwrap();
    let lines = json_lines(text.as_bytes());
    assert_eq!(lines.len(), 5, "{text}");
    for id in ids.iter().chain([&session_id(9), &session_id(8)]) {
        assert!(!text.contains(id.as_str()), "the session id never appears");
    }
    let sha = |id: &str| {
        use sha2::Digest;
        hex::encode(&sha2::Sha256::digest(id.as_bytes())[..8])
    };
    let revoked: Vec<&Value> = lines.iter().filter(|l| l["reason"] == "revoked").collect();
    assert_eq!(revoked.len(), 3);
    let mut hashes: Vec<String> = revoked.iter().map(|l| l["session_sha256"].as_str().unwrap().to_string()).collect();
    hashes.sort();
    let mut expected: Vec<String> = ids.iter().map(|i| sha(i)).collect();
    expected.sort();
    assert_eq!(hashes, expected);
    for l in &revoked {
        assert_eq!(l["operator"], "oncall", "SUDO_USER first");
        assert_eq!(l["user"], "alice");
        assert_eq!(l["action"], "deleted");
        assert_eq!(l["prefix"], "session:");
        assert!(l["redis"].as_str().unwrap().contains(&redis.port.to_string()));
        assert!(l["host"].is_string() && l["time"].as_str().unwrap().ends_with('Z'));
    }
    let by_reason = |r: &str| lines.iter().find(|l| l["reason"] == r).unwrap_or_else(|| panic!("no {r} line: {text}"));
    assert_eq!(by_reason("too_old")["session_sha256"], sha(&session_id(8)));
    assert_eq!(by_reason("no_ttl")["action"], "ttl_set");
    assert_eq!(by_reason("no_ttl")["operator"], "cron");
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(std::fs::metadata(&log).unwrap().permissions().mode() & 0o777, 0o600);
    // An audit log that cannot be opened stops the command before anything is deleted.
    redis.cli(&["SETEX", &format!("session:{}", session_id(5)), "600", "dave"]);
    let out = at(&url, &["revoke", "--user", "dave", "--audit-log", "/nonexistent/dir/audit"]).output().unwrap();
    one_line_usage_error(&out);
    assert_eq!(redis.cli(&["EXISTS", &format!("session:{}", session_id(5))]), "1");
}

#[test]
fn mint_writes_an_audit_line_per_session_it_stored_and_printed() {
    let redis = RedisServer::start();
    let url = redis.url();
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("audit.jsonl");
    let mut cmd = at(&url, &["mint", "--user", "alice", "--count", "3", "--format", "json"]);
    cmd.arg("--audit-log").arg(&log).env("SUDO_USER", "oncall");
    let out = cmd.output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let minted = json_lines(&out.stdout);
    assert_eq!(minted.len(), 3);
    let text = std::fs::read_to_string(&log).unwrap();
    let lines = json_lines(text.as_bytes());
    assert_eq!(lines.len(), 3, "{text}");
    let sha = |id: &str| {
        use sha2::Digest;
        hex::encode(&sha2::Sha256::digest(id.as_bytes())[..8])
    };
    for (line, record) in lines.iter().zip(&minted) {
        let id = record["session_id"].as_str().unwrap();
        assert!(!text.contains(id), "the session id never appears");
        assert_eq!(line["session_sha256"], sha(id));
        assert_eq!(line["user"], "alice");
        assert_eq!(line["action"], "minted");
        assert_eq!(line["command"], "mint");
        assert_eq!(line["operator"], "oncall");
        assert!(line["host"].is_string() && line["redis"].as_str().unwrap().contains(&redis.port.to_string()));
    }
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(std::fs::metadata(&log).unwrap().permissions().mode() & 0o777, 0o600);

    // SESSCTL_AUDIT_LOG too; into `head -1`, only the one session stored and printed.
    let script = format!("{} -r {url} mint --user bob --count 500 | head -1", env!("CARGO_BIN_EXE_sessctl"));
    let out = Command::new("bash")
        .args(["-c", &script])
        .env("SESSCTL_SECRET", SECRET)
        .env("SESSCTL_AUDIT_LOG", &log)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let text = std::fs::read_to_string(&log).unwrap();
    let bob: Vec<Value> = json_lines(text.as_bytes()).into_iter().filter(|l| l["user"] == "bob").collect();
    assert_eq!(bob.len(), 1, "{text}");
    assert_eq!(dbsize(&redis), 4);

    // --no-store stores nothing: no line (and the flag with it is refused).
    let mut cmd = at(&url, &["mint", "--user", "carol", "--no-store"]);
    cmd.env("SESSCTL_AUDIT_LOG", &log);
    assert!(cmd.output().unwrap().status.success());
    let mut cmd = at(&url, &["mint", "--user", "carol", "--no-store"]);
    cmd.arg("--audit-log").arg(&log);
    one_line_usage_error(&cmd.output().unwrap());
    assert!(!std::fs::read_to_string(&log).unwrap().contains("carol"));
}

#[test]
fn a_users_file_with_a_byte_order_mark_and_crlf_revokes_every_user_and_names_those_without_sessions() {
    let redis = RedisServer::start();
    let url = redis.url();
    for (i, user) in ["Jane Doe", "Jane Doe", "bob"].iter().enumerate() {
        redis.cli(&["SETEX", &format!("session:{}", session_id(i as u64)), "600", user]);
    }
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("leavers.txt");
    let mut text = b"\xef\xbb\xbfJane Doe\r\nbob\r\njnae doe\r\n".to_vec();
    for i in 0..12 {
        text.extend_from_slice(format!("gone{i:02}\r\n").as_bytes());
    }
    std::fs::write(&file, &text).unwrap();
    let f = file.to_str().unwrap();
    let out = at(&url, &["revoke", "--users-file", f, "--yes", "-o", "json"]).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let s = summary(&out);
    assert_eq!((s["matched"].as_u64(), s["revoked"].as_u64()), (Some(3), Some(3)), "{s}");
    assert_eq!(s["users_without_sessions"], 13, "{s}");
    assert_eq!(dbsize(&redis), 0, "Jane Doe, first in the file, is logged out too");
    let err = stderr(&out);
    let note = err.lines().find(|l| l.contains("no session")).unwrap_or_else(|| panic!("{err}"));
    assert!(note.contains("13 named users") && note.contains("\"gone00\"") && note.contains("and 3 more"), "{note}");
    assert!(!note.contains("Jane Doe") && !note.contains("bob"), "{note}");
    // --quiet keeps the count and drops the names.
    let out = at(&url, &["revoke", "--users-file", f, "--yes", "-o", "json", "--quiet"]).output().unwrap();
    assert_eq!(summary(&out)["users_without_sessions"], 15);
    assert!(!stderr(&out).contains("no session"), "{}", stderr(&out));
    // An interrupted or time-boxed scan cannot say who has no session.
    redis.pipe(&sessions_protocol("session:", 20_000, 5));
    let mut cmd = at(&url, &["revoke", "--users-file", f, "--yes", "-o", "json", "--dry-run", "--rate", "2000"]);
    cmd.args(["--max-duration", "100ms", "--resume"]).arg(dir.path().join("resume.json"));
    let out = cmd.output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let s = summary(&out);
    assert_eq!(s["complete"], false, "{s}");
    assert!(s["users_without_sessions"].is_null(), "{s}");
    assert!(!stderr(&out).contains("no session under"), "{}", stderr(&out));
    // A UTF-16 file is refused, not read as garbage.
    std::fs::write(&file, b"\xff\xfeJ\x00a\x00n\x00e\x00").unwrap();
    let out = at(&url, &["revoke", "--users-file", f, "--yes"]).output().unwrap();
    assert!(one_line_usage_error(&out).contains("UTF-16"));
}

#[test]
fn revoke_refuses_what_is_not_a_session_id_key_or_cookie_and_reads_them_from_stdin() {
    let redis = RedisServer::start();
    let url = redis.url();
    let ids: Vec<String> = (1..=3).map(session_id).collect();
    for id in &ids {
        redis.cli(&["SETEX", &format!("session:{id}"), "600", "alice"]);
    }
    let shortened = format!("{}…", &ids[0][..20]);
    for (arg, why) in [
        ("hello world", "contains a space"),
        (shortened.as_str(), "shortened table cell"),
        ("abc", "3 characters long"),
        ("sess:t000000000000000000000000000000000000000001", "another prefix"),
        ("--rdb", "looks like a flag"),
        ("t00000000000000000000000000000000000000000\"", "contains"),
    ] {
        let out = at(&url, &["revoke", "--", arg]).output().unwrap();
        let err = one_line_usage_error(&out);
        assert!(err.contains("is not a session id, key or cookie") && err.contains(why), "{arg}: {err}");
    }
    assert_eq!(dbsize(&redis), 3, "nothing revoked");

    // `revoke -`: ids, keys and cookies, one per line (CRLF, blank lines) as `verify -` reads them.
    let cookie =
        String::from_utf8(at(&url, &["mint", "--user", "bob", "--format", "cookie"]).output().unwrap().stdout).unwrap();
    assert_eq!(dbsize(&redis), 4);
    let input = format!("{}\r\n\nsession:{}\n{}", ids[0], ids[1], cookie);
    let out = run_with_stdin(at(&url, &["revoke", "-", "-o", "json"]), input.as_bytes());
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(summary(&out)["revoked"], 3);
    assert_eq!(dbsize(&redis), 1);
    // A bad line is refused with its number, before anything is revoked.
    let input = format!("{}\nhello world\n", ids[2]);
    let out = run_with_stdin(at(&url, &["revoke", "-"]), input.as_bytes());
    let err = one_line_usage_error(&out);
    assert!(err.contains("line 2 on stdin") && err.contains("contains a space"), "{err}");
    assert_eq!(dbsize(&redis), 1);
    let out = run_with_stdin(at(&url, &["revoke", "-"]), b"\n\n");
    assert!(one_line_usage_error(&out).contains("no session ids on stdin"));
    let out = run_with_stdin(at(&url, &["revoke", "-", "--users-file", "-", "--yes"]), b"x\n");
    assert!(one_line_usage_error(&out).contains("both read stdin"));
}

#[test]
fn a_revoke_the_acl_refuses_says_nothing_was_deleted() {
    let redis = RedisServer::start();
    let id = session_id(1);
    redis.cli(&["SETEX", &format!("session:{id}"), "600", "alice"]);
    // May read and scan, but not run scripts.
    redis.cli(&["ACL", "SETUSER", "reader", "on", ">pw", "~*", "+@read", "+@connection", "+info", "+cluster"]);
    let url = format!("redis://reader:pw@127.0.0.1:{}/0", redis.port);
    for args in [&["revoke", "--", id.as_str()][..], &["revoke", "--user", "alice"]] {
        let out = at(&url, args).output().unwrap();
        assert_eq!(out.status.code(), Some(1), "{args:?}: {}", stderr(&out));
        let err = stderr(&out);
        assert!(err.contains("NOPERM") && err.contains("none of the 1 session of this batch was deleted"), "{err}");
        assert!(!err.contains("may have been deleted"), "{err}");
    }
    assert_eq!(dbsize(&redis), 1);
}

// ---- Secret hygiene ----

#[test]
fn the_secret_never_shows_in_help_errors_or_the_command_line() {
    let secret = "hygiene-5ecret-Zq9";
    let file_dir = tempfile::tempdir().unwrap();
    let file = file_dir.path().join("s");
    std::fs::write(&file, format!("{{\"0\": \"{secret}\", \"1\": }}")).unwrap();
    type Run<'a> = (Vec<&'a str>, Vec<(&'a str, &'a str)>);
    let runs: Vec<Run> = vec![
        (vec!["--help"], vec![("SESSCTL_SECRET", secret)]),
        (vec!["mint", "--help"], vec![("SESSCTL_SECRET", secret)]),
        (vec!["verify", "--help"], vec![("SESSCTL_SECRET", secret)]),
        (
            vec!["mint", "--user", "1", "--no-store", "--key-version", "7"],
            vec![("SESSCTL_SECRET", &*format!("{{\"0\": \"{secret}\"}}").leak())],
        ),
        (
            vec!["mint", "--user", "1", "--no-store"],
            vec![("SESSCTL_SECRET", &*format!("{{\"0\": \"{secret}\",}}").leak())],
        ),
        (vec!["mint", "--user", "1", "--no-store", "--secret-file", file.to_str().unwrap()], vec![]),
        (vec!["mint", "--user", "1", "--bogus"], vec![("SESSCTL_SECRET", secret)]),
        (vec!["verify", "-r", "redis://127.0.0.1:1/0", "x"], vec![("SESSCTL_SECRET", secret)]),
        (
            vec!["mint", "--user", "1", "-r", "redis://127.0.0.1:1/0"],
            vec![("SESSCTL_SECRET", secret), ("RUST_BACKTRACE", "1")],
        ),
        (vec!["man"], vec![("SESSCTL_SECRET", secret)]),
    ];
    for (args, env) in runs {
        let mut cmd = sessctl();
        cmd.args(&args);
        for (k, v) in &env {
            cmd.env(k, v);
        }
        let out = cmd.output().unwrap();
        for stream in [&out.stdout, &out.stderr] {
            let text = String::from_utf8_lossy(stream);
            assert!(!text.contains(secret), "{args:?} printed the secret:\n{text}");
            assert!(!text.contains("panicked"), "{args:?}: {text}");
        }
    }
    // A running sessctl (verify waiting on stdin) has no secret on its command line.
    let mut child = sessctl()
        .env("SESSCTL_SECRET", secret)
        .args(["verify", "--offline"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(100));
    let cmdline = std::fs::read(format!("/proc/{}/cmdline", child.id())).unwrap();
    assert!(!cmdline.is_empty());
    assert!(!String::from_utf8_lossy(&cmdline).contains(secret));
    drop(child.stdin.take());
    child.wait().unwrap();
}

/// Runs `cmd`, killing it (and failing) when it has not ended within 10 seconds.
fn run_bounded(mut cmd: Command) -> Output {
    let mut child = cmd.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    while child.try_wait().unwrap().is_none() {
        if Instant::now() > deadline {
            child.kill().unwrap();
            panic!("{cmd:?} still running after 10 s");
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    child.wait_with_output().unwrap()
}

#[test]
fn backup_restore_and_resume_files_that_are_pipes_or_devices_are_refused_without_blocking() {
    let redis = RedisServer::start();
    redis.pipe(&sessions_protocol("session:", 20, 2));
    let url = redis.url();
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("fifo");
    let c = std::ffi::CString::new(fifo.as_os_str().as_encoded_bytes()).unwrap();
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
    let fifo = fifo.to_str().unwrap();
    for (args, what) in [
        (vec!["revoke", "--all", "--yes", "--backup", fifo], "named pipe"),
        (vec!["restore", fifo], "named pipe"),
        (vec!["list", "--resume", fifo], "named pipe"),
        (vec!["revoke", "--all", "--yes", "--resume", fifo], "named pipe"),
        (vec!["list", "--resume", "/dev/null"], "device"),
    ] {
        let out = run_bounded(at(&url, &args));
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        let err = one_line_usage_error(&out);
        assert!(err.contains(what) && !err.contains("delete"), "{args:?}: {err}");
    }
    assert_eq!(redis.cli(&["DBSIZE"]), "20", "nothing was revoked");
}

// ---- Issue 15: values echoed as typed; failures in one line with whole paths ----

#[test]
fn values_are_echoed_as_typed_and_ranges_in_words() {
    let dead = "redis://127.0.0.1:1/0";
    let err = one_line_usage_error(&at(dead, &["cleanup", "--max-age", "8d"]).output().unwrap());
    assert!(err.contains("--max-age 8d is not less than --ttl 7d"), "{err}");
    assert!(!err.contains("8days") && !err.contains("7days"), "{err}");
    let err = one_line_usage_error(&at(dead, &["cleanup", "--max-age", "30min", "--no-ttl", "fix"]).output().unwrap());
    assert!(err.contains("--max-age 30min would delete"), "{err}");
    // 0 and 0s: one message.
    let zero = one_line_usage_error(&at(dead, &["cleanup", "--max-age", "0"]).output().unwrap());
    let zero_s = one_line_usage_error(&at(dead, &["cleanup", "--max-age", "0s"]).output().unwrap());
    assert_eq!(zero.replace("'0'", "'0s'"), zero_s);
    assert!(zero.contains("0 would delete every session"), "{zero}");
    // Ranges in words, not Rust's `32..=1024`.
    let err = one_line_usage_error(&sessctl().args(["gen-secret", "--bytes", "5"]).output().unwrap());
    assert!(err.contains("must be from 32 to 1024") && !err.contains("..="), "{err}");
    let err = one_line_usage_error(&at(dead, &["doctor", "--sample", "5"]).output().unwrap());
    assert!(err.contains("must be from 1000 to 100000000") && !err.contains("..="), "{err}");
    let err = one_line_usage_error(&sessctl().args(["gen-secret", "--bytes", "-1"]).output().unwrap());
    assert!(err.contains("--bytes"), "{err}");
}

#[test]
fn a_failed_cron_run_prints_one_line_what_failed_first_and_the_whole_output_path() {
    let dir = tempfile::tempdir().unwrap();
    let deep = dir.path().join("var/lib/node_exporter/textfile_collector/a-rather-long-directory-name");
    std::fs::create_dir_all(&deep).unwrap();
    let target = deep.join("sessctl.prom");
    std::fs::write(&target, "# the last good figures\n").unwrap();
    let mut cmd = sessctl();
    cmd.args(["stats", "-q", "-o", "prometheus", "--timeout", "2s", "-r", "redis://127.0.0.1:1/0", "--output-file"])
        .arg(&target);
    let out = cmd.output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert_eq!(err.trim_end().lines().count(), 1, "one line: {err}");
    assert!(err.starts_with("sessctl: cannot reach Redis at 127.0.0.1:1"), "what failed comes first: {err}");
    let whole = format!("--output-file \"{}\" was left as it was", target.display());
    assert!(err.trim_end().ends_with(&whole), "the whole path, not cut: {err}");
    assert!(!err.contains('…'), "{err}");
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "# the last good figures\n");
}

#[test]
fn config_file_errors_name_the_whole_file() {
    let dir = tempfile::tempdir().unwrap();
    let deep = dir.path().join("home/operator/.config/xdg-inline-configuration-directory/sessctl");
    std::fs::create_dir_all(&deep).unwrap();
    let file = deep.join("config.toml");
    std::fs::write(&file, "[profiles.p\n").unwrap();
    let mut cmd = sessctl();
    cmd.arg("--config").arg(&file).args(["list", "-r", "redis://127.0.0.1:1/0"]);
    let err = one_line_usage_error(&cmd.output().unwrap());
    assert!(err.contains(&format!("config file \"{}\"", file.display())), "{err}");
    assert!(!err.contains('…') && !err.contains("bytes)"), "{err}");
    // A secret file named by the profile: the whole path, and where it was named.
    std::fs::write(&file, "[profiles.p]\nsecret_file = \"no-such-secret-file-with-a-long-name.secret\"\n").unwrap();
    let mut cmd = sessctl();
    cmd.arg("--config").arg(&file).args(["--profile", "p", "verify", "--offline", "x"]);
    let err = one_line_usage_error(&cmd.output().unwrap());
    let secret = deep.join("no-such-secret-file-with-a-long-name.secret");
    assert!(err.contains(&format!("\"{}\"", secret.display())), "{err}");
    assert!(err.contains(&format!("check secret_file in profile \"p\" of \"{}\"", file.display())), "{err}");
}

#[test]
fn hints_name_where_the_setting_came_from() {
    let redis = RedisServer::start();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("config.toml");
    std::fs::write(&file, format!("[profiles.x]\nredis_url = \"{}\"\ncluster = true\n", redis.url())).unwrap();
    let run = |setup: &dyn Fn(&mut Command)| {
        let mut cmd = sessctl();
        cmd.arg("--config").arg(&file).args(["--profile", "x", "list"]);
        setup(&mut cmd);
        let out = cmd.output().unwrap();
        assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
        stderr(&out)
    };
    // cluster = true from the profile, against a standalone server.
    let err = run(&|_| {});
    assert!(err.contains(&format!("remove cluster = true from profile \"x\" of \"{}\"", file.display())), "{err}");
    assert!(!err.contains("drop --cluster"), "{err}");
    // From the variable: unset it; from the flag: drop it.
    std::fs::write(&file, format!("[profiles.x]\nredis_url = \"{}\"\n", redis.url())).unwrap();
    let err = run(&|cmd| {
        cmd.env("SESSCTL_CLUSTER", "1");
    });
    assert!(err.contains("unset SESSCTL_CLUSTER") && !err.contains("--cluster"), "{err}");
    let err = run(&|cmd| {
        cmd.arg("--cluster");
    });
    assert!(err.contains("drop --cluster") && !err.contains("SESSCTL_CLUSTER"), "{err}");
    // A URL from the profile: fix the profile's redis_url (or override it).
    std::fs::write(&file, "[profiles.x]\nredis_url = \"redis://127.0.0.1:1/0\"\n").unwrap();
    let err = run(&|_| {});
    assert!(err.contains(&format!("fix redis_url in profile \"x\" of \"{}\"", file.display())), "{err}");
    let err = run(&|cmd| {
        cmd.env("SESSCTL_REDIS_URL", "redis://127.0.0.1:1/0");
    });
    assert!(err.contains("fix SESSCTL_REDIS_URL"), "{err}");
}
