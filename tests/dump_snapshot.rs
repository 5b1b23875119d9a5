//! `--rdb FILE` (list, stats, verify) and `--snapshot` (list, stats, revoke, cleanup) against
//! real redis-servers: the dump reader sees exactly the sessions the live scan sees, skips
//! every other type Redis writes, fails cleanly on damaged dumps, and snapshots over
//! replication work diskless and from disk, on standalone, Sentinel and Cluster, and fail
//! with nothing deleted when the server refuses SYNC.
use crate::support;

use std::collections::BTreeMap;
use std::ops::ControlFlow;
use std::path::PathBuf;
use std::process::{Command, Output};
use std::sync::atomic::AtomicBool;

use serde_json::Value;
use sessctl_store::{DumpRequest, Found};
use support::*;

const SECRET: &str = "dump test secret, long enough";

fn at(urls: &[String], args: &[&str]) -> Command {
    let mut cmd = sessctl();
    cmd.env("SESSCTL_REDIS_URL", urls.join(",")).env("SESSCTL_SECRET", SECRET).args(args);
    cmd
}

/// Starts a server for these tests: snapshots without the diskless delay unless `extra` says.
fn server(extra: &[&str]) -> RedisServer {
    let mut args: Vec<String> = vec!["--repl-diskless-sync-delay".into(), "0".into()];
    args.extend(extra.iter().map(|s| s.to_string()));
    RedisServer::start_with(RedisOptions { extra: args, ..Default::default() })
}

/// Sessions of every shape, other types under the prefix, other databases and keys outside
/// the prefix, in every encoding Redis 7 writes.
fn fill(server: &RedisServer) {
    server.pipe(&sessions_protocol("session:", 3000, 37));
    let long_user = "a-user-id-long-enough-to-be-compressed-".repeat(3);
    let mut p = Vec::new();
    let mut cmd = |args: &[&str]| p.extend(resp(&args.iter().map(|a| a.as_bytes()).collect::<Vec<_>>()));
    cmd(&["SET", &format!("session:{}", session_id(90_001)), "12345", "EX", "3600"]); // an int-encoded user
    cmd(&["SET", &format!("session:{}", session_id(90_002)), &long_user, "EX", "7200"]); // LZF
    cmd(&["SET", &format!("session:{}", session_id(90_003)), "no-ttl-user"]);
    cmd(&["SET", "session:short-id", "odd"]); // malformed id
    cmd(&["SET", &format!("session:{}", "x".repeat(200)), "compressible-key-user"]); // an LZF key
                                                                                     // Other types under the prefix, small (packed encodings) and large.
    cmd(&["HSET", "session:hash-small", "f", "v"]);
    cmd(&["RPUSH", "session:list-small", "a", "b"]);
    cmd(&["SADD", "session:set-ints", "1", "2", "3"]);
    cmd(&["SADD", "session:set-small", "a", "b"]);
    cmd(&["ZADD", "session:zset-small", "1", "a", "2.5", "b"]);
    for i in 0..300 {
        let (f, v) = (format!("field-{i}"), format!("value-{i}-{}", "v".repeat(40)));
        cmd(&["HSET", "session:hash-big", &f, &v]);
        cmd(&["RPUSH", "session:list-big", &v]);
        cmd(&["SADD", "session:set-big", &v]);
        cmd(&["ZADD", "session:zset-big", &i.to_string(), &v]);
        cmd(&["XADD", "session:stream", "*", "f", &v]);
    }
    cmd(&["XGROUP", "CREATE", "session:stream", "grp", "0"]);
    cmd(&["XREADGROUP", "GROUP", "grp", "alice", "COUNT", "5", "STREAMS", "session:stream", ">"]);
    // Outside the prefix, and another database.
    cmd(&["SET", "other:key", "v"]);
    cmd(&["HSET", "other:hash", "f", "v"]);
    cmd(&["SET", "unrelated", "1", "EX", "100"]);
    cmd(&["SELECT", "1"]);
    cmd(&["SET", &format!("session:{}", session_id(99_999)), "db1-user"]);
    cmd(&["SELECT", "0"]);
    server.pipe(&p);
}

fn save(server: &RedisServer) -> PathBuf {
    assert_eq!(server.cli(&["SAVE"]), "OK");
    server.dir.path().join("dump.rdb")
}

/// `list -o json` records by session id: (user, ttl_seconds).
fn listed(out: &Output) -> BTreeMap<String, (String, Option<i64>)> {
    json_lines(&out.stdout)
        .into_iter()
        .map(|r| {
            (
                r["session_id"].as_str().unwrap().to_string(),
                (r["user"].as_str().unwrap().to_string(), r["ttl_seconds"].as_i64()),
            )
        })
        .collect()
}

fn assert_same_sessions(a: &BTreeMap<String, (String, Option<i64>)>, b: &BTreeMap<String, (String, Option<i64>)>) {
    assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>(), "the same session ids");
    for (id, (user, ttl)) in a {
        let (user_b, ttl_b) = &b[id];
        assert_eq!(user, user_b, "{id}");
        match (ttl, ttl_b) {
            (Some(x), Some(y)) => assert!((x - y).abs() <= 3, "{id}: TTL {x} vs {y}"),
            _ => assert_eq!(ttl, ttl_b, "{id}"),
        }
    }
}

#[test]
fn the_dump_reader_sees_exactly_the_sessions_the_scan_sees_and_skips_every_other_type() {
    let server = server(&[]);
    fill(&server);
    let dump = save(&server);
    let live = listed(&ok(at(&[server.url()], &["list", "-o", "json"])));
    assert_eq!(live.len(), 3005);
    let out = ok(at(&[server.url()], &["list", "-o", "json", "--rdb", dump.to_str().unwrap()]));
    assert_same_sessions(&listed(&out), &live);
    let note = stderr(&out);
    let version = format!("RDB dump (version {})", server_build().rdb_version);
    assert!(note.contains(&version) && note.contains("its ctime"), "{note}");
    assert!(note.contains("10 keys under the prefix are not strings"), "{note}");

    // The library: the same records, every non-string key under the prefix by type.
    let mut types = BTreeMap::new();
    let mut sessions = 0;
    let file = std::io::BufReader::new(std::fs::File::open(&dump).unwrap());
    let summary = sessctl_store::read_dump(file, b"session:", &DumpRequest::default(), &AtomicBool::new(false), |f| {
        match f {
            Found::Session(s) => {
                assert!(s.key.starts_with(b"session:"));
                sessions += 1;
            }
            Found::NotString { key, redis_type } => {
                types.insert(String::from_utf8(key).unwrap(), redis_type);
            }
        }
        Ok::<_, sessctl_store::StoreError>(ControlFlow::Continue(()))
    })
    .unwrap();
    assert_eq!(sessions, 3005);
    assert_eq!(summary.scanned, 3015);
    assert_eq!(types.len(), 10);
    for (key, t) in &types {
        assert_eq!(&server.cli(&["TYPE", key]), t, "{key}");
    }
    // db 1 holds one session.
    let request = DumpRequest { db: 1, ..DumpRequest::default() };
    let file = std::io::BufReader::new(std::fs::File::open(&dump).unwrap());
    let mut in_db1 = Vec::new();
    sessctl_store::read_dump(file, b"session:", &request, &AtomicBool::new(false), |f| {
        if let Found::Session(s) = f {
            in_db1.push(String::from_utf8(s.user).unwrap());
        }
        Ok::<_, sessctl_store::StoreError>(ControlFlow::Continue(()))
    })
    .unwrap();
    assert_eq!(in_db1, ["db1-user"]);
}

#[test]
fn a_dump_made_by_redis_cli_rdb_and_one_without_compression_read_the_same() {
    let server = server(&["--rdbcompression", "no"]);
    fill(&server);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("cli.rdb");
    let out = support::cli_command().args(server.cli_args()).args(["--rdb", file.to_str().unwrap()]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let live = listed(&ok(at(&[server.url()], &["list", "-o", "json"])));
    let from_cli = listed(&ok(at(&[server.url()], &["list", "-o", "json", "--rdb", file.to_str().unwrap()])));
    assert_same_sessions(&from_cli, &live);
    let saved = save(&server);
    assert_same_sessions(
        &listed(&ok(at(&[server.url()], &["list", "-o", "json", "--rdb", saved.to_str().unwrap()]))),
        &live,
    );
}

fn stats(out: &Output) -> Value {
    let lines = json_lines(&out.stdout);
    assert_eq!(lines.len(), 1);
    lines.into_iter().next().unwrap()
}

#[test]
fn stats_from_a_dump_match_live_stats_and_say_what_the_ttls_are_relative_to() {
    let server = server(&[]);
    fill(&server);
    let dump = save(&server);
    let live = stats(&ok(at(&[server.url()], &["stats", "-o", "json", "--top", "5"])));
    let from_dump =
        stats(&ok(at(&[server.url()], &["stats", "-o", "json", "--top", "5", "--rdb", dump.to_str().unwrap()])));
    for field in ["sessions", "users", "no_ttl", "non_string", "malformed", "scanned", "ttl_distribution", "top_users"]
    {
        assert_eq!(from_dump[field], live[field], "{field}: dump {from_dump} live {live}");
    }
    assert_eq!(from_dump["source"], "rdb");
    assert_eq!(from_dump["ttl_base"], "dump_ctime");
    assert!(live.get("source").is_none(), "the scan's output is unchanged");

    // A week later by the clock: with --now every session with a TTL has run out.
    let later =
        format!("{}", std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() + 700_000);
    let mut cmd = at(&[server.url()], &["stats", "-o", "json", "--rdb", dump.to_str().unwrap(), "--now"]);
    cmd.env("SESSCTL_NOW", &later);
    let out = ok(cmd);
    let s = stats(&out);
    assert_eq!(s["ttl_base"], "now");
    assert_eq!(s["sessions"], 3, "only the sessions without TTL are left: {s}");
    assert!(stderr(&out).contains("already expired then were left out"), "{}", stderr(&out));
}

#[test]
fn verify_looks_sessions_up_in_a_dump() {
    let server = server(&[]);
    let minted = ok(at(&[server.url()], &["mint", "--user", "42", "--count", "2"]));
    let cookies: Vec<String> = String::from_utf8(minted.stdout).unwrap().lines().map(str::to_string).collect();
    let dump = save(&server);
    // Revoke the first one live: the dump still has it.
    ok(at(&[server.url()], &["revoke", &cookies[0]]));
    let out =
        ok(at(&[server.url()], &["verify", "-o", "json", "--rdb", dump.to_str().unwrap(), &cookies[0], &cookies[1]]));
    let records = json_lines(&out.stdout);
    assert!(records.iter().all(|r| r["status"] == "valid" && r["user"] == "42"), "{records:?}");
    let out = run(at(&[server.url()], &["verify", "-o", "json", &cookies[0]]));
    assert_eq!(out.status.code(), Some(4), "revoked live");
    // An empty dump: not there.
    let empty = server.dir.path().join("empty.rdb");
    let other = self::server(&[]);
    std::fs::copy(save(&other), &empty).unwrap();
    let out = run(at(&[server.url()], &["verify", "-o", "json", "--rdb", empty.to_str().unwrap(), &cookies[1]]));
    assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));
}

#[test]
fn damaged_dumps_fail_with_one_clear_line_and_no_panic() {
    let server = server(&[]);
    fill(&server);
    let dump = std::fs::read(save(&server)).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.rdb");
    let check = |bytes: &[u8], expect: &str| {
        std::fs::write(&path, bytes).unwrap();
        let out = run(at(&["redis://127.0.0.1:1/0".into()], &["stats", "--rdb", path.to_str().unwrap()]));
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(1), "{err}");
        assert!(err.contains(expect), "expected {expect:?}: {err}");
        assert!(!err.contains("panicked"), "{err}");
        assert_eq!(err.lines().filter(|l| l.starts_with("sessctl: ") && !l.contains("note:")).count(), 1, "{err}");
    };
    check(b"", "not an RDB dump");
    check(b"REDIS0042", "RDB version 42 is newer");
    check(&dump[..dump.len() / 2], "ends early");
    let mut flipped = dump.clone();
    let i = dump.len() - 100;
    flipped[i] ^= 0x55;
    // Either the structure breaks or the checksum catches it.
    std::fs::write(&path, &flipped).unwrap();
    let out = run(at(&["redis://127.0.0.1:1/0".into()], &["stats", "--rdb", path.to_str().unwrap()]));
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("corrupt") || stderr(&out).contains("checksum"), "{}", stderr(&out));
    // Every prefix of the dump: an error, never a panic.
    for cut in (0..dump.len()).step_by(dump.len() / 40) {
        let file = &dump[..cut];
        let r = sessctl_store::read_dump(file, b"session:", &DumpRequest::default(), &AtomicBool::new(false), |_| {
            Ok::<_, sessctl_store::StoreError>(ControlFlow::Continue(()))
        });
        assert!(r.is_err(), "a dump cut at {cut} of {} read as whole", dump.len());
    }
}

#[test]
fn list_and_stats_from_live_snapshots_match_the_scan_diskless_and_from_disk() {
    for mode in ["yes", "no"] {
        let server = server(&["--repl-diskless-sync", mode]);
        fill(&server);
        let live = listed(&ok(at(&[server.url()], &["list", "-o", "json"])));
        let out = ok(at(&[server.url()], &["list", "-o", "json", "--snapshot"]));
        assert_same_sessions(&listed(&out), &live);
        assert!(stderr(&out).contains("snapshot of 1 primary"), "{}", stderr(&out));
        let a = stats(&ok(at(&[server.url()], &["stats", "-o", "json"])));
        let b = stats(&ok(at(&[server.url()], &["stats", "-o", "json", "--snapshot"])));
        for field in ["sessions", "users", "no_ttl", "non_string", "malformed", "top_users"] {
            assert_eq!(a[field], b[field], "{mode}: {field}");
        }
        assert_eq!(b["source"], "snapshot");
        // No replica stays behind, and nothing was written to disk by a diskless transfer.
        assert!(!server.cli(&["INFO", "replication"]).contains("slave0"));
    }
}

#[test]
fn the_diskless_delay_is_named_while_the_transfer_waits() {
    let server = server(&["--repl-diskless-sync-delay", "2"]);
    server.cli(&["SET", &format!("session:{}", session_id(1)), "1"]);
    let out = ok(at(&[server.url()], &["list", "--count", "--snapshot"]));
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "1");
    assert!(stderr(&out).contains("repl-diskless-sync-delay"), "{}", stderr(&out));
    assert_eq!(server.cli(&["CONFIG", "GET", "repl-diskless-sync-delay"]).lines().nth(1), Some("2"), "unchanged");
}

#[test]
fn revoke_and_cleanup_with_a_snapshot_remove_what_the_scan_would() {
    // Two identical servers: one revoked by scan, one by snapshot.
    let (a, b) = (server(&[]), server(&[]));
    for s in [&a, &b] {
        fill(s);
    }
    let sa = stats(&ok(at(&[a.url()], &["revoke", "--user", "user3", "--user", "user5", "--yes", "-o", "json"])));
    let sb = stats(&ok(at(
        &[b.url()],
        &["revoke", "--user", "user3", "--user", "user5", "--yes", "-o", "json", "--snapshot"],
    )));
    assert_eq!(sa["revoked"], sb["revoked"]);
    assert!(sa["revoked"].as_u64().unwrap() > 100);
    let left_a = listed(&ok(at(&[a.url()], &["list", "-o", "json"])));
    let left_b = listed(&ok(at(&[b.url()], &["list", "-o", "json"])));
    assert_eq!(left_a.keys().collect::<Vec<_>>(), left_b.keys().collect::<Vec<_>>());
    assert_eq!(b.cli(&["TYPE", "session:hash-big"]), "hash");

    // cleanup: sessions with an hour left are 7d - 1h old.
    let c = server(&[]);
    c.pipe(&sessions_protocol("session:", 50, 5));
    c.cli(&["SET", &format!("session:{}", session_id(500)), "old", "EX", "3600"]);
    let s = stats(&ok(at(&[c.url()], &["cleanup", "--max-age", "6d", "--snapshot", "-o", "json"])));
    assert_eq!((s["deleted"].as_u64(), s["sessions"].as_u64()), (Some(1), Some(51)), "{s}");
    assert_eq!(c.cli(&["DBSIZE"]), "50");
}

#[test]
fn a_server_that_refuses_sync_fails_clearly_and_nothing_is_deleted() {
    // An ACL user that may do everything but SYNC/PSYNC, and a server with SYNC renamed away.
    let acl = server(&[]);
    acl.cli(&["ACL", "SETUSER", "ops", "on", ">pw", "~*", "+@all", "-sync", "-psync"]);
    acl.cli(&["SET", &format!("session:{}", session_id(1)), "u"]);
    let renamed = server(&["--rename-command", "SYNC", ""]);
    renamed.cli(&["SET", &format!("session:{}", session_id(1)), "u"]);
    for url in [format!("redis://ops:pw@127.0.0.1:{}/0", acl.port), renamed.url()] {
        let out = run(at(std::slice::from_ref(&url), &["revoke", "--all", "--yes", "--snapshot"]));
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(1), "{url}: {err}");
        assert!(err.contains("refused to send a snapshot") && err.contains("without --snapshot"), "{err}");
        let server = if url.contains("ops:pw") { &acl } else { &renamed };
        assert_eq!(server.cli(&["DBSIZE"]), "1", "nothing deleted");
        // The scan still works.
        ok(at(&[url], &["list", "--count"]));
    }
}

#[test]
fn snapshots_cover_every_primary_of_a_cluster_and_the_primary_behind_sentinel() {
    let cluster = RedisCluster::start();
    for node in &cluster.nodes {
        node.cli(&["CONFIG", "SET", "repl-diskless-sync-delay", "0"]);
    }
    let urls = cluster.urls();
    for i in 0..400 {
        cluster.cli(&["SET", &format!("session:{}", session_id(i)), &format!("u{}", i % 9), "EX", "9000"]);
    }
    let live = listed(&ok(at(&urls, &["list", "-o", "json"])));
    assert_eq!(live.len(), 400);
    let out = ok(at(&urls, &["list", "-o", "json", "--snapshot"]));
    assert_same_sessions(&listed(&out), &live);
    assert!(stderr(&out).contains("snapshot of 3 primaries"), "{}", stderr(&out));
    let s = stats(&ok(at(&urls, &["revoke", "--user", "u4", "--yes", "-o", "json", "--snapshot"])));
    assert_eq!(s["revoked"].as_u64(), Some((0..400).filter(|i| i % 9 == 4).count() as u64));
    assert_eq!(cluster.dbsize(), 400 - s["revoked"].as_u64().unwrap());
    // One primary refuses SYNC: every transfer is asked for before any session is acted
    // on, so nothing is deleted on any primary.
    let left = cluster.dbsize();
    let last = *cluster.primaries().last().unwrap();
    cluster.nodes[last].cli(&["ACL", "SETUSER", "default", "-sync", "-psync"]);
    let out = run(at(&urls, &["revoke", "--all", "--yes", "--snapshot"]));
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("refused to send a snapshot"), "{}", stderr(&out));
    assert_eq!(cluster.dbsize(), left, "nothing deleted on any primary");

    let sentinel = SentinelSetup::start(1, None);
    sentinel.primary.pipe(&sessions_protocol("session:", 100, 3));
    let out = ok(at(&[sentinel.url()], &["list", "--count", "--snapshot"]));
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "100");
}

#[test]
fn a_snapshot_over_tls_reads_the_same_sessions() {
    let server = RedisServer::start_with(RedisOptions {
        tls: true,
        extra: vec!["--repl-diskless-sync-delay".into(), "0".into()],
        ..Default::default()
    });
    server.pipe(&sessions_protocol("session:", 2000, 13));
    let ca = server.tls.as_ref().unwrap().ca.display().to_string();
    let mut live = at(&[server.url()], &["list", "-o", "json"]);
    live.env("SESSCTL_TLS_CA", &ca);
    let mut snap = at(&[server.url()], &["list", "-o", "json", "--snapshot"]);
    snap.env("SESSCTL_TLS_CA", &ca);
    let live = listed(&ok(live));
    assert_eq!(live.len(), 2000);
    assert_same_sessions(&listed(&ok(snap)), &live);
}

#[test]
fn pacing_flags_are_refused_with_a_dump_or_snapshot_before_connecting() {
    // Port 1: nothing listens; the usage error (exit 2) must come first.
    let nowhere = ["redis://127.0.0.1:1/0".to_string()];
    for args in [
        &["list", "--snapshot", "--rate", "100"][..],
        &["stats", "--rdb", "x.rdb", "--max-duration", "1s"],
        &["revoke", "--all", "--yes", "--snapshot", "--max-latency", "5ms"],
        &["cleanup", "--snapshot", "--resume", "cursor.json"],
        &["list", "--rdb", "x.rdb", "--snapshot"],
        &["verify", "--rdb", "x.rdb", "--offline", "2|1:0|10:1|10:session_id|4:eA==|00"],
    ] {
        let out = run(at(&nowhere, args));
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert_eq!(stderr(&out).trim().lines().count(), 1, "{args:?}: {}", stderr(&out));
    }
}

#[test]
fn a_snapshot_cut_short_still_names_the_primary_and_time_it_read() {
    use std::io::{BufRead, BufReader, Read};
    use std::process::Stdio;
    let server = server(&[]);
    server.pipe(&sessions_protocol("session:", 20_000, 7));
    let url = server.url();
    // Stopped by the command itself (--limit).
    let out = ok(at(std::slice::from_ref(&url), &["list", "--snapshot", "--limit", "1", "-o", "json"]));
    let err = stderr(&out);
    assert!(err.contains("snapshot of 1 primary") && !err.contains("1970"), "{err}");
    // Stopped by SIGTERM while the output is held up: the list is written as it streams in,
    // so the transfer is surely part way when the signal comes.
    let mut child = at(&[url], &["list", "--snapshot", "-o", "json"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    stdout.read_line(&mut first).unwrap();
    assert!(first.contains("session_id"), "{first}");
    unsafe { libc::kill(child.id() as i32, libc::SIGTERM) };
    let mut rest = Vec::new();
    stdout.read_to_end(&mut rest).unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(143), "{}", stderr(&out));
    let listed = 1 + rest.iter().filter(|&&b| b == b'\n').count();
    assert!(listed < 20_000, "the signal came part way: {listed} listed");
    let err = stderr(&out);
    assert!(err.contains("snapshot of 1 primary") && !err.contains("1970"), "{err}");
    assert!(err.contains("incomplete"), "{err}");
}

#[test]
fn now_without_a_dump_or_snapshot_is_refused_instead_of_doing_nothing() {
    let server = server(&[]);
    server.pipe(&sessions_protocol("session:", 10, 2));
    // A live server, and port 1 where nothing listens: the usage error comes first.
    for url in [server.url(), "redis://127.0.0.1:1/0".to_string()] {
        for args in [&["list", "--now"][..], &["list", "--count", "--now"], &["stats", "--now", "-o", "json"]] {
            let out = run(at(std::slice::from_ref(&url), args));
            assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
            assert!(out.stdout.is_empty(), "{args:?}");
            let err = stderr(&out);
            assert_eq!(err.trim().lines().count(), 1, "{args:?}: {err}");
            assert!(err.contains("--now") && err.contains("--rdb") && err.contains("--snapshot"), "{err}");
        }
    }
    // With a snapshot it is taken.
    let out = ok(at(&[server.url()], &["list", "--count", "--now", "--snapshot"]));
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "10");
}

#[test]
fn an_rdb_path_that_is_a_directory_is_a_usage_error_like_a_missing_one() {
    let server = server(&[]);
    server.pipe(&sessions_protocol("session:", 10, 2));
    let dir = server.dir.path().to_str().unwrap().to_string();
    let minted = ok(at(&[server.url()], &["mint", "--no-store", "--user", "u"]));
    let cookie = String::from_utf8(minted.stdout).unwrap();
    let cookie = cookie.trim();
    for args in [
        &["list", "--rdb", &dir][..],
        &["stats", "--rdb", &dir, "-o", "json"],
        &["verify", "--rdb", &dir, cookie],
        &["list", "--rdb", "/nonexistent/dump.rdb"],
    ] {
        let out = run(at(&[server.url()], args));
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(out.stdout.is_empty(), "{args:?}");
        let err = stderr(&out);
        assert_eq!(err.trim().lines().count(), 1, "{err}");
        assert!(err.contains("--rdb") && !err.contains("os error 21"), "{err}");
    }
}

#[test]
fn sigterm_while_a_primary_delays_its_snapshot_ends_at_once_with_nothing_deleted() {
    use std::io::{BufRead, BufReader, Read};
    use std::process::Stdio;
    use std::time::{Duration, Instant};
    let server = server(&["--repl-diskless-sync-delay", "15"]);
    server.cli(&["SET", &format!("session:{}", session_id(1)), "u", "EX", "1000"]);
    for args in [&["stats", "--snapshot", "-o", "json"][..], &["revoke", "--all", "--yes", "--snapshot", "-o", "json"]]
    {
        let mut child = at(&[server.url()], args).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
        // The note that it waits comes after a second and a half of the 15 s delay.
        let mut stderr_lines = BufReader::new(child.stderr.take().unwrap());
        let mut line = String::new();
        while !line.contains("waiting for") {
            line.clear();
            assert!(stderr_lines.read_line(&mut line).unwrap() > 0, "{args:?}: no waiting note");
        }
        unsafe { libc::kill(child.id() as i32, libc::SIGTERM) };
        let sent = Instant::now();
        let status = loop {
            if let Some(status) = child.try_wait().unwrap() {
                break status;
            }
            assert!(sent.elapsed() < Duration::from_secs(20), "{args:?}: still running");
            std::thread::sleep(Duration::from_millis(10));
        };
        assert!(sent.elapsed() < Duration::from_secs(3), "{args:?}: took {:?} after SIGTERM", sent.elapsed());
        assert_eq!(status.code(), Some(143), "{args:?}");
        let mut out = String::new();
        child.stdout.take().unwrap().read_to_string(&mut out).unwrap();
        let s: Value = serde_json::from_str(out.trim()).unwrap();
        assert_eq!((s["complete"].as_bool(), s["interrupted"].as_bool()), (Some(false), Some(true)), "{s}");
        assert!(!out.contains("1970"), "{out}");
        let mut rest = String::new();
        stderr_lines.read_to_string(&mut rest).unwrap();
        assert!(!rest.contains("1970"), "{rest}");
    }
    assert_eq!(server.cli(&["DBSIZE"]), "1", "nothing deleted");
}

#[test]
fn verify_refuses_a_dump_from_a_pipe_which_it_could_read_only_once() {
    let server = server(&[]);
    let minted = ok(at(&[server.url()], &["mint", "--user", "42", "--count", "3"]));
    let dump = save(&server);
    let dir = tempfile::tempdir().unwrap();
    // More than one batch (16,384) of cookies: the second batch found the pipe empty and
    // failed as "not an RDB dump" after printing the first.
    let unsaved = ok(at(&[server.url()], &["mint", "--user", "7", "--count", "16400", "--no-store"]));
    let cookies = dir.path().join("cookies.txt");
    std::fs::write(&cookies, [minted.stdout, unsaved.stdout].concat()).unwrap();
    let script = format!("exec \"$0\" verify -o json --rdb <(cat '{}') < '{}'", dump.display(), cookies.display());
    let mut cmd = Command::new("bash");
    cmd.args(["-c", &script, env!("CARGO_BIN_EXE_sessctl")])
        .env("SESSCTL_REDIS_URL", server.url())
        .env("SESSCTL_SECRET", SECRET);
    let out = cmd.output().unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(out.stdout.is_empty(), "no verdicts before the refusal");
    let err = stderr(&out);
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(err.contains("save the dump to a file"), "{err}");
}
