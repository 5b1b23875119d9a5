//! Faults put exactly where they hurt, by a proxy between the store and a real redis-server
//! (`support/proxy.rs`): a reply lost before it arrives, a connection cut in the middle of a
//! reply or of its handshake, a server that stalls or stops answering, bytes that are not
//! RESP. Each test says where the fault goes and checks that it fired, so every run tests
//! the same thing.
use crate::support;

use std::collections::HashSet;
use std::sync::atomic::AtomicBool;
use std::time::{Duration, Instant};

use sessctl_store::{Expected, Found, Lookup, ScanRequest, Store, StoreError};
use support::proxy::{Fault, Proxy, What, When};
use support::*;

const SESSIONS: u64 = 20_000;

fn loaded_server() -> RedisServer {
    let server = RedisServer::start();
    server.pipe(&sessions_protocol("session:", SESSIONS, 100));
    server
}

fn through(proxy: &Proxy, timeout: Duration) -> Store {
    let mut options = store_options(&[proxy.url()]);
    options.timeouts.connect = timeout;
    options.timeouts.response = timeout;
    options.timeouts.retry_deadline = Duration::from_secs(10);
    Store::connect(options).expect("connect through the proxy")
}

/// Scans every session with TTLs; returns the summary and the ids, checking each once.
fn scan_all(store: &Store) -> Result<(sessctl_store::ScanSummary, HashSet<Vec<u8>>), StoreError> {
    let request = ScanRequest { with_ttl: true, count: 100, ..Default::default() };
    let mut ids = HashSet::new();
    let summary = scan_with(store, &request, &AtomicBool::new(false), |f| {
        if let Found::Session(s) = f {
            assert!(s.ttl_ms.is_some_and(|t| t > 0), "{s:?}");
            assert!(ids.insert(s.id), "delivered once");
        }
        true
    })?;
    Ok((summary, ids))
}

/// Every kind of dropped connection, at a chosen step of the scan: the scan reconnects once,
/// goes on where it stopped, and delivers every session exactly once.
#[test]
fn a_scan_survives_each_kind_of_fault_exactly() {
    let _timing = support::cluster_timing_lock();
    let server = loaded_server();
    let cases = [
        ("a SCAN reply lost", Fault::new(When::reply("SCAN", 3), What::Cut)),
        ("cut half-way through an MGET reply", Fault::new(When::reply("MGET", 5), What::CutMidReply { bytes: 700 })),
        ("a PTTL reply lost", Fault::new(When::reply("PTTL", 1234), What::Cut)),
        ("cut during a worker's handshake", Fault::new(When::Handshake { nth: 2 }, What::Cut)),
        ("a SCAN reply that never comes", Fault::new(When::reply("SCAN", 4), What::Stall)),
    ];
    for (what, fault) in cases {
        let proxy = Proxy::start(server.port, vec![fault]);
        let store = through(&proxy, Duration::from_millis(500));
        let (summary, ids) = scan_all(&store).unwrap_or_else(|e| panic!("{what}: {e}"));
        assert_eq!(proxy.fired(), 1, "{what}: the fault happened");
        assert!(summary.is_complete(), "{what}");
        assert_eq!(summary.scanned, SESSIONS, "{what}: no key lost or counted twice");
        assert_eq!(ids.len() as u64, SESSIONS, "{what}");
        assert_eq!(summary.reconnects, 1, "{what}: one reconnect");
    }
}

/// Connecting survives a connection cut while it says hello or asks whether this is a
/// cluster: the seed is tried again.
#[test]
fn connecting_survives_a_cut_handshake_or_cluster_check() {
    let _timing = support::cluster_timing_lock();
    let server = loaded_server();
    for fault in [Fault::new(When::Handshake { nth: 1 }, What::Cut), Fault::new(When::reply("INFO", 1), What::Cut)] {
        let proxy = Proxy::start(server.port, vec![fault.clone()]);
        let store = through(&proxy, Duration::from_secs(2));
        assert_eq!(proxy.fired(), 1, "{fault:?}");
        assert!(!store.is_cluster());
        assert_eq!(scan_all(&store).unwrap().1.len() as u64, SESSIONS);
    }
}

/// A server that stops answering (this connection and every later one) is reported as such
/// after about two timeouts, not retried until the deadline.
#[test]
fn a_server_that_stops_answering_is_reported_after_two_timeouts() {
    let _timing = support::cluster_timing_lock();
    let server = loaded_server();
    let timeout = Duration::from_millis(400);

    let proxy = Proxy::start(server.port, vec![Fault::new(When::reply("SCAN", 3), What::Hang)]);
    let store = through(&proxy, timeout);
    let started = Instant::now();
    let err = scan_all(&store).unwrap_err();
    let took = started.elapsed();
    assert!(matches!(&err, StoreError::NoAnswer { .. }), "{err:?}");
    assert_eq!(err.to_string(), format!("Redis at 127.0.0.1:{} did not answer within 400 ms", proxy.port));
    assert!(took >= 2 * timeout && took < 5 * timeout, "reported after two timeouts, not more: {took:?}");

    let proxy = Proxy::start(server.port, vec![Fault::new(When::reply("GET", 1), What::Hang)]);
    let store = through(&proxy, timeout);
    let started = Instant::now();
    let err = store.lookup(b"session:x").unwrap_err();
    let took = started.elapsed();
    assert!(matches!(&err, StoreError::NoAnswer { .. }), "{err:?}");
    assert!(took >= 2 * timeout && took < 5 * timeout, "{took:?}");
}

/// Bytes that are not RESP, in place of a reply, end the operation with one clear line (and
/// never a panic), whatever they are.
#[test]
fn garbage_from_the_server_is_one_clear_error() {
    let _timing = support::cluster_timing_lock();
    let server = loaded_server();
    for garbage in [&b"\r\n"[..], b"$9223372036854775807\r\n", b"*-7\r\n", b"HTTP/1.1 400 Bad Request\r\n", b":12x\r\n"]
    {
        let proxy =
            Proxy::start(server.port, vec![Fault::new(When::reply("SCAN", 2), What::Garbage(garbage.to_vec()))]);
        let store = through(&proxy, Duration::from_secs(2));
        let err = scan_all(&store).unwrap_err();
        assert_eq!(proxy.fired(), 1);
        assert!(matches!(&err, StoreError::Protocol { .. }), "{:?}: {err:?}", String::from_utf8_lossy(garbage));
        let text = err.to_string();
        assert!(text.contains("is this a Redis server?") && !text.contains('\n'), "{text}");
    }
}

/// Writes whose replies are lost (before a reply, or in the middle of one) are sent again,
/// and the counts stay exact: an item sent again that finds its work done counts as done.
#[test]
fn lost_write_replies_are_resent_and_counted_exactly() {
    let _timing = support::cluster_timing_lock();
    let server = RedisServer::start();
    let sessions: Vec<(Vec<u8>, Vec<u8>)> =
        (0..5000u64).map(|i| (format!("session:{}", session_id(i)).into_bytes(), b"writer".to_vec())).collect();
    let proxy = Proxy::start(
        server.port,
        vec![
            Fault::new(When::reply("SET", 700), What::Cut),
            Fault::new(When::reply("SET", 2500), What::CutMidReply { bytes: 2 }),
            Fault::new(When::reply("EVALSHA", 1200), What::Cut),
            Fault::new(When::reply("EVALSHA", 4100), What::CutMidReply { bytes: 1 }),
            Fault::new(When::reply("GET", 300), What::Cut),
        ],
    );
    let store = through(&proxy, Duration::from_secs(2));
    let created = store.create(&sessions, 3600).unwrap();
    assert_eq!(created.iter().filter(|c| **c).count(), 5000, "every session stored, none taken for a collision");
    assert_eq!(server.cli(&["DBSIZE"]), "5000");

    let keys: Vec<Vec<u8>> = sessions.iter().map(|(k, _)| k.clone()).collect();
    let found = store.lookup_many(&keys).unwrap();
    assert!(found.iter().all(|l| matches!(l, Lookup::Session { user, .. } if user == b"writer")));

    let items: Vec<Expected> = sessions.iter().map(|(k, u)| Expected { key: k.clone(), user: u.clone() }).collect();
    let deleted = store.delete_if_holds(&items).unwrap();
    assert_eq!(deleted.iter().filter(|d| **d).count(), 5000, "the count is what Redis lost");
    assert_eq!(server.cli(&["DBSIZE"]), "0");
    assert_eq!(proxy.fired(), 5, "every fault happened");
}

/// Issue 14: a primary that restarts in the middle of `revoke --all`, from a snapshot taken
/// before the run (`SAVE`, then `kill -9`, then the same port and directory). Every deletion
/// it had acknowledged is undone, and the scan's cursor means nothing to the new process.
/// sessctl sees the new `run_id`, counts it with the failovers (named on stderr), starts its
/// scan again, and deletes what came back: no session is left, each counted once.
#[test]
fn a_primary_restarted_from_an_older_snapshot_mid_revoke_loses_no_deletion() {
    let _timing = support::cluster_timing_lock();
    const N: u64 = 60_000;
    let data = tempfile::tempdir().unwrap();
    let options = |port: Option<u16>| RedisOptions {
        port,
        extra: vec!["--dir".into(), data.path().display().to_string(), "--dbfilename".into(), "dump.rdb".into()],
        ..Default::default()
    };
    let mut server = RedisServer::start_with(options(None));
    server.pipe(&sessions_protocol("session:", N, 10));
    assert_eq!(server.cli(&["SAVE"]), "OK");
    let child = sessctl()
        .args(["-r", &server.url(), "revoke", "--all", "--yes", "--rate", "15000", "-o", "json"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    while server.cli(&["DBSIZE"]).parse::<u64>().unwrap() > N - N / 4 {
        assert!(Instant::now() < deadline, "the revoke never got going");
        std::thread::sleep(Duration::from_millis(5));
    }
    let port = server.port;
    server.kill();
    let server = RedisServer::start_with(options(Some(port)));
    let out = child.wait_with_output().unwrap();
    let stderr = stderr(&out);
    let summary: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|_| panic!("{stderr}"));
    assert_eq!(out.status.code(), Some(0), "{summary}; {stderr}");
    assert_eq!(server.cli(&["DBSIZE"]), "0", "every session the restart brought back is gone: {summary}; {stderr}");
    assert_eq!(summary["complete"], true, "{summary}");
    assert!(summary["failovers"].as_u64().unwrap() >= 1, "{summary}; {stderr}");
    assert!(stderr.contains("restarted while sessctl ran"), "{stderr}");
    assert_eq!((summary["matched"].as_u64(), summary["revoked"].as_u64()), (Some(N), Some(N)), "{summary}");
}
