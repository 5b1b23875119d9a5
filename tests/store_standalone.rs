//! The store against one real redis-server: create, lookup, compare-and-delete, expiry,
//! scanning with filters, odd keys under the prefix, glob characters in the prefix.
use crate::support;

use std::collections::{HashMap, HashSet};
use std::sync::atomic::AtomicBool;

use std::ops::ControlFlow;

use sessctl_store::{
    ConnectOptions, Expected, Found, Lookup, ScanEnd, ScanRequest, ScanState, ScanSummary, Session, Store,
};
use support::*;

fn connect(server: &RedisServer) -> Store {
    Store::connect(store_options(&[server.url()])).expect("connect")
}

fn scan_all(store: &Store, request: &ScanRequest) -> (ScanSummary, Vec<Found>) {
    let mut found = Vec::new();
    let summary = scan_with(store, request, &AtomicBool::new(false), |f| {
        found.push(f);
        true
    })
    .expect("scan");
    (summary, found)
}

fn request(users: &[&str], with_ttl: bool) -> ScanRequest {
    ScanRequest {
        with_ttl,
        users: users.iter().map(|u| u.as_bytes().to_vec()).collect(),
        count: 100,
        ..Default::default()
    }
}

fn sessions(found: &[Found]) -> Vec<&Session> {
    found
        .iter()
        .filter_map(|f| match f {
            Found::Session(s) => Some(s),
            _ => None,
        })
        .collect()
}

#[test]
fn a_standalone_server_is_not_a_cluster() {
    let server = RedisServer::start();
    let store = connect(&server);
    assert!(!store.is_cluster());
    assert_eq!(store.prefix(), b"session:");
    assert_eq!(store.nodes(), vec![format!("127.0.0.1:{}", server.port)]);
}

#[test]
fn create_sets_with_ttl_and_never_overwrites() {
    let server = RedisServer::start();
    let store = connect(&server);
    let pairs = vec![(b"session:a".to_vec(), b"alice".to_vec()), (b"session:b".to_vec(), b"bob".to_vec())];
    assert_eq!(store.create(&pairs, 604800).unwrap(), vec![true, true]);
    let again = vec![(b"session:a".to_vec(), b"mallory".to_vec())];
    assert_eq!(store.create(&again, 604800).unwrap(), vec![false]);
    assert_eq!(server.cli(&["GET", "session:a"]), "alice");
    let ttl: i64 = server.cli(&["TTL", "session:a"]).parse().unwrap();
    assert!((604790..=604800).contains(&ttl), "{ttl}");
    assert_eq!(store.create(&[], 10).unwrap(), Vec::<bool>::new());
}

#[test]
fn create_pipelines_thousands_of_sessions() {
    let server = RedisServer::start();
    let store = connect(&server);
    let pairs: Vec<_> = (0..5000)
        .map(|i| (format!("session:{}", session_id(i)).into_bytes(), format!("user{}", i % 7).into_bytes()))
        .collect();
    let created = store.create(&pairs, 3600).unwrap();
    assert_eq!(created.len(), 5000);
    assert!(created.iter().all(|&c| c));
    assert_eq!(server.cli(&["DBSIZE"]), "5000");
}

#[test]
fn lookup_tells_sessions_missing_keys_and_other_types_apart() {
    let server = RedisServer::start();
    let store = connect(&server);
    server.cli(&["SETEX", "session:s", "100", "alice"]);
    server.cli(&["SET", "session:forever", "bob"]);
    server.cli(&["HSET", "session:h", "f", "v"]);
    match store.lookup(b"session:s").unwrap() {
        Lookup::Session { user, ttl_ms } => {
            assert_eq!(user, b"alice");
            let ttl = ttl_ms.unwrap();
            assert!((90_000..=100_000).contains(&ttl), "{ttl}");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(store.lookup(b"session:forever").unwrap(), Lookup::Session { user: b"bob".to_vec(), ttl_ms: None });
    assert_eq!(store.lookup(b"session:nope").unwrap(), Lookup::Missing);
    assert_eq!(store.lookup(b"session:h").unwrap(), Lookup::NotString { redis_type: "hash".into() });
}

#[test]
fn compare_and_delete_only_deletes_keys_still_holding_the_user() {
    let server = RedisServer::start();
    let store = connect(&server);
    server.cli(&["SETEX", "session:a", "100", "alice"]);
    server.cli(&["SETEX", "session:b", "100", "bob"]);
    server.cli(&["SETEX", "session:c", "100", "carol"]);
    // Between the scan and the delete, session:b was handed to someone else.
    server.cli(&["SET", "session:b", "mallory", "KEEPTTL"]);
    let items = vec![
        Expected { key: b"session:a".to_vec(), user: b"alice".to_vec() },
        Expected { key: b"session:b".to_vec(), user: b"bob".to_vec() },
        Expected { key: b"session:gone".to_vec(), user: b"bob".to_vec() },
    ];
    assert_eq!(store.delete_if_holds(&items).unwrap(), vec![true, false, false]);
    assert_eq!(server.cli(&["EXISTS", "session:a"]), "0");
    assert_eq!(server.cli(&["GET", "session:b"]), "mallory");
    assert_eq!(server.cli(&["GET", "session:c"]), "carol");
}

#[test]
fn compare_and_delete_loads_its_script_again_after_script_flush() {
    let server = RedisServer::start();
    let store = connect(&server);
    server.cli(&["SET", "session:a", "alice"]);
    server.cli(&["SET", "session:b", "bob"]);
    let a = [Expected { key: b"session:a".to_vec(), user: b"alice".to_vec() }];
    assert_eq!(store.delete_if_holds(&a).unwrap(), vec![true]);
    server.cli(&["SCRIPT", "FLUSH"]);
    let b = [Expected { key: b"session:b".to_vec(), user: b"bob".to_vec() }];
    assert_eq!(store.delete_if_holds(&b).unwrap(), vec![true]);
    assert_eq!(server.cli(&["DBSIZE"]), "0");
}

#[test]
fn expire_if_persistent_only_touches_strings_without_ttl() {
    let server = RedisServer::start();
    let store = connect(&server);
    server.cli(&["SET", "session:forever", "bob"]);
    server.cli(&["SETEX", "session:ttl", "100", "alice"]);
    server.cli(&["HSET", "session:h", "f", "v"]);
    let keys: Vec<Vec<u8>> =
        ["session:forever", "session:ttl", "session:h", "session:none"].iter().map(|k| k.as_bytes().to_vec()).collect();
    assert_eq!(store.expire_if_persistent(&keys, 604800).unwrap(), vec![true, false, false, false]);
    assert_eq!(server.cli(&["TTL", "session:forever"]), "604800");
    assert_eq!(server.cli(&["TTL", "session:ttl"]), "100");
    assert_eq!(server.cli(&["TTL", "session:h"]), "-1");
}

#[test]
fn scan_delivers_every_session_once_and_only_under_the_prefix() {
    let server = RedisServer::start();
    server.pipe(&sessions_protocol("session:", 20_000, 100));
    server.pipe(&sessions_protocol("other:", 500, 3));
    let store = connect(&server);
    let (summary, found) = scan_all(&store, &request(&[], false));
    assert_eq!(summary.scanned, 20_000);
    assert!(summary.is_complete());
    let sessions = sessions(&found);
    assert_eq!(sessions.len(), 20_000);
    let ids: HashSet<&[u8]> = sessions.iter().map(|s| &s.id[..]).collect();
    assert_eq!(ids.len(), 20_000);
    for s in &sessions {
        assert_eq!(s.key, [&b"session:"[..], &s.id].concat());
        assert_eq!(s.ttl_ms, None, "TTLs only when asked for");
        let i: u64 = std::str::from_utf8(&s.id[1..]).unwrap().parse().unwrap();
        assert_eq!(s.user, format!("user{}", i % 100).into_bytes());
    }
}

#[test]
fn scan_with_users_delivers_only_their_sessions() {
    let server = RedisServer::start();
    server.pipe(&sessions_protocol("session:", 10_000, 100));
    let store = connect(&server);
    let (summary, found) = scan_all(&store, &request(&["user7", "user42", "nobody"], true));
    assert_eq!(summary.scanned, 10_000);
    let sessions = sessions(&found);
    assert_eq!(sessions.len(), 200);
    let mut per_user: HashMap<&[u8], usize> = HashMap::new();
    for s in &sessions {
        *per_user.entry(&s.user).or_default() += 1;
        let ttl = s.ttl_ms.expect("asked for TTLs");
        assert!(ttl > 604_000_000 && ttl <= 604_800_000, "{ttl}");
    }
    assert_eq!(per_user[&b"user7"[..]], 100);
    assert_eq!(per_user[&b"user42"[..]], 100);
}

#[test]
fn odd_keys_under_the_prefix_are_reported_and_never_touched() {
    let server = RedisServer::start();
    let binary_key: &[u8] = b"session:\xff\x00\r\n*bin";
    let binary_user: &[u8] = b"\x00\xff\r\nuser";
    let mut protocol = Vec::new();
    protocol.extend(resp(&[b"HSET", b"session:hash", b"f", b"v"]));
    protocol.extend(resp(&[b"RPUSH", b"session:list", b"a"]));
    protocol.extend(resp(&[b"SADD", b"session:set", b"a"]));
    protocol.extend(resp(&[b"ZADD", b"session:zset", b"1", b"a"]));
    protocol.extend(resp(&[b"XADD", b"session:stream", b"*", b"f", b"v"]));
    protocol.extend(resp(&[b"SET", b"session:forever", b"bob"]));
    protocol.extend(resp(&[b"SETEX", binary_key, b"100", binary_user]));
    protocol.extend(resp(&[b"SETEX", b"session:ok", b"100", b"alice"]));
    server.pipe(&protocol);
    let store = connect(&server);

    let (summary, found) = scan_all(&store, &request(&["alice"], true));
    assert_eq!(summary.scanned, 8);
    let mut odd: Vec<(Vec<u8>, String)> = found
        .iter()
        .filter_map(|f| match f {
            Found::NotString { key, redis_type } => Some((key.clone(), redis_type.clone())),
            _ => None,
        })
        .collect();
    odd.sort();
    let expected: Vec<(Vec<u8>, String)> = [
        ("session:hash", "hash"),
        ("session:list", "list"),
        ("session:set", "set"),
        ("session:stream", "stream"),
        ("session:zset", "zset"),
    ]
    .iter()
    .map(|(k, t)| (k.as_bytes().to_vec(), t.to_string()))
    .collect();
    assert_eq!(odd, expected, "non-strings are reported whatever the filter");
    let sessions = sessions(&found);
    assert_eq!(sessions.len(), 1);
    assert_eq!(sessions[0].user, b"alice");

    // Without a filter, the string without TTL and the binary one come through intact.
    let (_, found) = scan_all(&store, &request(&[], true));
    let all = self::sessions(&found);
    assert_eq!(all.len(), 3);
    let forever = all.iter().find(|s| s.key == b"session:forever").unwrap();
    assert_eq!(forever.ttl_ms, None);
    let binary = all.iter().find(|s| s.key == binary_key).unwrap();
    assert_eq!(binary.user, binary_user);
    assert_eq!(binary.id, &binary_key[8..]);

    // Deleting or expiring "whatever they hold" never touches a non-string.
    let everything: Vec<Vec<u8>> = found
        .iter()
        .map(|f| match f {
            Found::Session(s) => s.key.clone(),
            Found::NotString { key, .. } => key.clone(),
        })
        .collect();
    let guesses: Vec<Expected> = everything
        .iter()
        .flat_map(|k| [&b"v"[..], b"a", b"f", b"", b"1"].map(|user| Expected { key: k.clone(), user: user.to_vec() }))
        .collect();
    assert!(store.delete_if_holds(&guesses).unwrap().iter().all(|d| !d));
    let expired = store.expire_if_persistent(&everything, 60).unwrap();
    let set: Vec<&Vec<u8>> = everything.iter().zip(&expired).filter(|(_, &e)| e).map(|(k, _)| k).collect();
    assert_eq!(set, vec![&b"session:forever".to_vec()]);
    for key in ["hash", "list", "set", "zset", "stream"] {
        let key = format!("session:{key}");
        assert_eq!(server.cli(&["TTL", &key]), "-1", "{key}");
    }
    assert_eq!(server.cli(&["DBSIZE"]), "8");

    // The binary session can be deleted by its exact bytes.
    let exact = [Expected { key: binary_key.to_vec(), user: binary_user.to_vec() }];
    assert_eq!(store.delete_if_holds(&exact).unwrap(), vec![true]);
    assert_eq!(server.cli(&["DBSIZE"]), "7");
}

#[test]
fn a_prefix_with_glob_characters_is_taken_literally() {
    let server = RedisServer::start();
    let mut protocol = Vec::new();
    for key in ["s[e]*ss?\\:one", "s[e]*ss?\\:two", "se*ssX\\:glob-match", "s[e]Xss?\\:no", "session:plain"] {
        protocol.extend(resp(&[b"SET", key.as_bytes(), b"u"]));
    }
    server.pipe(&protocol);
    let mut options = store_options(&[server.url()]);
    options.prefix = b"s[e]*ss?\\:".to_vec();
    let store = Store::connect(options).unwrap();
    let (summary, found) = scan_all(&store, &request(&[], false));
    let mut ids: Vec<Vec<u8>> = sessions(&found).iter().map(|s| s.id.clone()).collect();
    ids.sort();
    assert_eq!(ids, vec![b"one".to_vec(), b"two".to_vec()]);
    assert_eq!(summary.scanned, 2);
}

#[test]
fn scan_stops_when_visit_says_so_or_the_stop_flag_is_set() {
    let server = RedisServer::start();
    server.pipe(&sessions_protocol("session:", 5_000, 10));
    let store = connect(&server);
    let mut seen = 0;
    let summary = scan_with(&store, &request(&[], false), &AtomicBool::new(false), |_| {
        seen += 1;
        seen < 10
    })
    .unwrap();
    assert_eq!(summary.end, ScanEnd::StoppedByVisitor);
    assert_eq!(seen, 10);
    assert!(summary.scanned < 5_000);

    let stop = AtomicBool::new(true);
    let summary = scan_with(&store, &request(&[], false), &stop, |_| true).unwrap();
    assert_eq!(summary.end, ScanEnd::Interrupted);

    // An error from the visitor ends the scan and comes back as it was.
    let mut calls = 0;
    let err = store
        .scan(&request(&[], false), &AtomicBool::new(false), |_| {
            calls += 1;
            Err::<ControlFlow<()>, _>(anyhow::anyhow!("disk full"))
        })
        .unwrap_err();
    assert_eq!((err.to_string(), calls), ("disk full".to_string(), 1));
}

/// A scan stopped half-way leaves per-primary cursors; a scan resumed from them delivers the
/// rest: together every session, and only the stopped batch's keys twice.
#[test]
fn a_stopped_scan_resumes_from_its_state() {
    let server = RedisServer::start();
    server.pipe(&sessions_protocol("session:", 20_000, 10));
    let store = connect(&server);
    let mut ids: HashMap<Vec<u8>, u32> = HashMap::new();
    let mut first = 0;
    let summary = scan_with(&store, &request(&[], false), &AtomicBool::new(false), |f| {
        if let Found::Session(s) = f {
            *ids.entry(s.id).or_default() += 1;
        }
        first += 1;
        first < 7_000
    })
    .unwrap();
    assert_eq!(summary.end, ScanEnd::StoppedByVisitor);
    let state = summary.state;
    assert_eq!(state.parts.len(), 1);
    assert_eq!(state.parts[0].addr, format!("127.0.0.1:{}", server.port));
    assert!(state.parts[0].cursor != 0 && !state.parts[0].done, "{state:?}");
    // The state survives a round trip through JSON (what --resume files will hold).
    let state: ScanState = serde_json::from_str(&serde_json::to_string(&state).unwrap()).unwrap();

    let resumed = ScanRequest { resume: Some(state), ..request(&[], false) };
    let mut second = 0;
    let summary = scan_with(&store, &resumed, &AtomicBool::new(false), |f| {
        if let Found::Session(s) = f {
            *ids.entry(s.id).or_default() += 1;
        }
        second += 1;
        true
    })
    .unwrap();
    assert!(summary.is_complete());
    assert!(summary.state.parts[0].done);
    assert_eq!(ids.len(), 20_000, "every session once at least");
    let twice = ids.values().filter(|&&n| n > 1).count();
    assert!(twice < 1_000, "only the keys of the batch being visited at the stop come again: {twice}");
    assert!(second < 14_000, "the resumed scan did not start over: {second}");

    // A finished state resumes to nothing.
    let done = ScanRequest { resume: Some(summary.state), ..request(&[], false) };
    let summary = scan_with(&store, &done, &AtomicBool::new(false), |_| panic!("nothing left")).unwrap();
    assert_eq!((summary.scanned, summary.is_complete()), (0, true));
}

#[test]
fn visit_may_delete_while_the_scan_runs() {
    let server = RedisServer::start();
    server.pipe(&sessions_protocol("session:", 10_000, 50));
    let store = connect(&server);
    let mut batch = Vec::new();
    let mut revoked = 0;
    let summary = scan_with(&store, &request(&["user3"], false), &AtomicBool::new(false), |f| {
        if let Found::Session(s) = f {
            batch.push(Expected { key: s.key, user: s.user });
            if batch.len() == 50 {
                revoked += store.delete_if_holds(&batch).unwrap().iter().filter(|&&d| d).count();
                batch.clear();
            }
        }
        true
    })
    .unwrap();
    revoked += store.delete_if_holds(&batch).unwrap().iter().filter(|&&d| d).count();
    assert_eq!(summary.scanned, 10_000);
    assert_eq!(revoked, 200);
    assert_eq!(server.cli(&["DBSIZE"]), "9800");
}

#[test]
fn the_database_number_in_the_url_is_used() {
    let server = RedisServer::start();
    server.cli(&["-n", "3", "SET", "session:x", "alice"]);
    let url = format!("redis://127.0.0.1:{}/3", server.port);
    let store = Store::connect(ConnectOptions { urls: vec![url], ..store_options(&[]) }).unwrap();
    assert_eq!(store.lookup(b"session:x").unwrap(), Lookup::Session { user: b"alice".to_vec(), ttl_ms: None });
    let (summary, _) = scan_all(&store, &request(&[], false));
    assert_eq!(summary.scanned, 1);
}
