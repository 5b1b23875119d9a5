//! Snapshots (insta) of what operators and machines read: tables at 80 and 120 columns, JSON,
//! CSV and Prometheus, from the real binary against a real redis-server. The data
//! is fixed (ids, users, TTLs) and the clock too (`SESSCTL_NOW`), so a change in the output
//! shows up as a diff in review: `cargo insta review`, or `INSTA_UPDATE=always cargo test
//! --test cli -- output_snapshots::` and read the `.snap` files' diff.
//!
//! Every table line is also checked to fit its width (no row wraps). The `--help` snapshots
//! are in `generated_files.rs`, refreshed with the completions and man pages.

use crate::support;

use std::process::Command;

use support::*;

/// The clock every command here sees.
const NOW: i64 = 1_796_553_889; // 2026-12-06T10:44:49Z

/// A session lifetime with a remaining TTL that reads the same for an hour: 1d 1h set, so
/// `1d 0h` remains (89,999 s or a second or two less while the test runs).
const TTL: u64 = 90_000;

/// 1,234 sessions of 4 users with TTLs, 3 without, and one hash: enough for thousands
/// separators in counts, ids long enough to shorten, a user name too long for 80 columns.
fn server() -> RedisServer {
    let redis = RedisServer::start();
    let mut protocol = Vec::new();
    let users = ["alice", "bob", "carol", "a-very-long-user-name-for-narrow-terminals@corporate.example.com"];
    for i in 0..1_234u64 {
        let key = format!("session:{}", session_id(i));
        let user = users[(i % 4) as usize];
        protocol.extend(resp(&[b"SET", key.as_bytes(), user.as_bytes(), b"EX", TTL.to_string().as_bytes()]));
    }
    for i in 0..3u64 {
        let key = format!("session:{}", session_id(10_000 + i));
        protocol.extend(resp(&[b"SET", key.as_bytes(), b"dave"]));
    }
    protocol.extend(resp(&[b"HSET", b"session:not-a-session", b"field", b"value"]));
    redis.pipe(&protocol);
    redis
}

fn run(redis: &RedisServer, columns: Option<u16>, args: &[&str]) -> String {
    run_with_status(redis, columns, args, 0)
}

fn run_with_status(redis: &RedisServer, columns: Option<u16>, args: &[&str], status: i32) -> String {
    let mut cmd: Command = sessctl();
    cmd.env("SESSCTL_NOW", NOW.to_string())
        .env("SESSCTL_SECRET", "snapshot-secret")
        .args(["-r", &redis.url()])
        .args(args);
    if let Some(c) = columns {
        cmd.env("COLUMNS", c.to_string());
    }
    let out = cmd.output().unwrap();
    assert_eq!(out.status.code(), Some(status), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    steady(String::from_utf8(out.stdout).unwrap())
}

/// The remaining TTL drops a second now and then while the test runs: show it as the first
/// second after setting it, in every form (seconds, RFC 3339 expiry).
fn steady(mut text: String) -> String {
    let want = TTL as i64 - 1;
    for late in 2..6 {
        let got = TTL as i64 - late;
        text = text.replace(&format!("\"ttl_seconds\":{got},"), &format!("\"ttl_seconds\":{want},"));
        text = text.replace(&format!(",{got},"), &format!(",{want},"));
        let (got_at, want_at) =
            (sessctl::output::rfc3339(NOW + got).unwrap(), sessctl::output::rfc3339(NOW + want).unwrap());
        text = text.replace(&got_at, &want_at);
    }
    // Prometheus: how long the scan took, and the sum of the TTLs in milliseconds' worth of
    // seconds, vary from run to run; the sum must still be about 1,234 × the TTL.
    let lines: Vec<String> = text
        .lines()
        .map(|line| {
            if line.starts_with("sessctl_scan_duration_seconds{") {
                let (name, _) = line.rsplit_once(' ').unwrap();
                format!("{name} <seconds>")
            } else if line.starts_with("sessctl_session_ttl_seconds_sum{") {
                let (name, value) = line.rsplit_once(' ').unwrap();
                let sum: f64 = value.parse().unwrap();
                assert!((sum - 1_234.0 * TTL as f64).abs() < 1_234.0 * 6.0, "{line}");
                format!("{name} <about 1234 × {TTL}>")
            } else {
                line.to_string()
            }
        })
        .collect();
    let mut text = lines.join("\n");
    text.push('\n');
    text
}

/// Every line fits `columns`.
fn fits(text: &str, columns: usize) -> &str {
    for line in text.lines() {
        assert!(sessctl::output::width(line) <= columns, "wider than {columns}: {line:?}");
    }
    text
}

/// `list` sorted by id (SCAN order is the server's), first rows only plus a count.
fn list_head(text: &str, rows: usize) -> String {
    let mut lines: Vec<&str> = text.lines().collect();
    let header = if lines.first().is_some_and(|l| l.starts_with("SESSION ID") || l.starts_with("session_id")) {
        Some(lines.remove(0))
    } else {
        None
    };
    let total = lines.len();
    lines.sort_unstable();
    let mut out: Vec<String> = header.into_iter().map(String::from).collect();
    out.extend(lines.iter().take(rows).map(|l| l.to_string()));
    out.push(format!("({total} rows)"));
    out.join("\n")
}

#[test]
fn tables_fit_80_and_120_columns() {
    let redis = server();
    for columns in [80u16, 120] {
        let list = run(&redis, Some(columns), &["list"]);
        fits(&list, columns as usize);
        insta::assert_snapshot!(format!("list_table_{columns}"), list_head(&list, 6));
        let stats = run(&redis, Some(columns), &["stats", "--top", "3"]);
        insta::assert_snapshot!(format!("stats_table_{columns}"), fits(&stats, columns as usize));
        let dry = run(&redis, Some(columns), &["revoke", "--all", "--dry-run"]);
        insta::assert_snapshot!(format!("revoke_dry_run_table_{columns}"), fits(&dry, columns as usize));
    }
    // verify's reasons wrap inside their column rather than being cut or wrapping the row.
    let cookies = [
        "session_id=\"2|1:0|10:1796553889|10:session_id|8:aGVsbG8=|00\"",
        "2|1:0|10:1796553889|7:user_id|8:aGVsbG8=|00",
        "not a cookie at all",
    ];
    for columns in [80u16, 120] {
        let mut args = vec!["verify", "--offline"];
        args.extend(cookies);
        let verify = run_with_status(&redis, Some(columns), &args, 3);
        insta::assert_snapshot!(format!("verify_table_{columns}"), fits(&verify, columns as usize));
    }
    // The same ids whole in JSON and CSV, shortened in the middle in the 80-column table only.
    // (More rows than a page: the layout leaves room for what later pages bring, and at 80
    // columns the ids give way.)
    let narrow = run(&redis, Some(80), &["list"]);
    let json = run(&redis, Some(80), &["list", "-o", "json"]);
    for line in narrow.lines().skip(1) {
        let shown = line.split_whitespace().next().unwrap();
        assert!(shown.contains('…') && sessctl::output::width(shown) < 43, "{line}");
    }
    let rows = json_lines(json.as_bytes());
    assert_eq!(rows.len(), narrow.lines().count() - 1);
    for row in rows {
        let id = row["session_id"].as_str().unwrap();
        assert!(id.len() == 43 && !id.contains('…'), "{id}");
    }
}

#[test]
fn machine_formats() {
    let redis = server();
    let json = run(&redis, None, &["list", "--user", "dave", "--user", "alice", "-o", "json"]);
    insta::assert_snapshot!("list_json", list_head(&json, 5));
    let csv = run(&redis, None, &["list", "--user", "dave", "--user", "alice", "-o", "csv"]);
    insta::assert_snapshot!("list_csv", list_head(&csv, 5));
    insta::assert_snapshot!("stats_json", run(&redis, None, &["stats", "--top", "2", "-o", "json"]));
    insta::assert_snapshot!("stats_csv", run(&redis, None, &["stats", "--top", "2", "-o", "csv"]));
    insta::assert_snapshot!("stats_prometheus", run(&redis, None, &["stats", "--top", "2", "-o", "prometheus"]));
    insta::assert_snapshot!("revoke_dry_run_csv", run(&redis, None, &["revoke", "--all", "--dry-run", "-o", "csv"]));
}
