//! The store against a real 3-primary Redis Cluster: detection, slot routing, and a scan that
//! covers every primary and finds each key exactly once.
mod support;

use std::collections::HashSet;
use std::sync::atomic::AtomicBool;

use sessctl::store::{Expected, Found, Lookup, ScanRequest, Store};
use support::*;

const SESSIONS: u64 = 6_000;

fn sessions() -> Vec<(Vec<u8>, Vec<u8>)> {
    (0..SESSIONS)
        .map(|i| (format!("session:{}", session_id(i)).into_bytes(), format!("user{}", i % 60).into_bytes()))
        .collect()
}

#[test]
fn cluster_scan_routing_and_deletes() {
    let cluster = RedisCluster::start();
    // Seeded through one node only: the others are found from CLUSTER NODES.
    let store = Store::connect(store_options(&cluster.urls()[1..2])).unwrap();
    assert!(store.is_cluster());
    let mut nodes = store.nodes();
    nodes.sort();
    let mut expected: Vec<String> = cluster.nodes.iter().map(|n| format!("127.0.0.1:{}", n.port)).collect();
    expected.sort();
    assert_eq!(nodes, expected);

    // create routes each key to its slot's node (no MOVED, no CROSSSLOT).
    let pairs = sessions();
    let created = store.create(&pairs, 3600).unwrap();
    assert!(created.iter().all(|&c| c));
    assert_eq!(cluster.dbsize(), SESSIONS);
    for node in &cluster.nodes {
        let keys: u64 = node.cli(&["DBSIZE"]).parse().unwrap();
        assert!(keys > SESSIONS / 5, "keys spread over every primary: {keys}");
    }
    // Odd keys on the cluster too.
    cluster.cli(&["HSET", "session:hash", "f", "v"]);
    cluster.cli(&["SET", "session:forever", "user1"]);
    cluster.cli(&["SET", "other:key", "user1"]);

    // The scan visits every primary and sees each key exactly once.
    let mut ids = HashSet::new();
    let mut odd = Vec::new();
    let request = ScanRequest { with_ttl: true, users: Default::default(), count: 200 };
    let summary = store
        .scan(&request, &AtomicBool::new(false), &mut |f| {
            match f {
                Found::Session(s) => assert!(ids.insert(s.id), "delivered twice"),
                Found::NotString { key, redis_type } => odd.push((key, redis_type)),
            }
            true
        })
        .unwrap();
    assert_eq!(summary.scanned, SESSIONS + 2);
    assert_eq!(ids.len() as u64, SESSIONS + 1);
    assert_eq!(odd, vec![(b"session:hash".to_vec(), "hash".to_string())]);

    // A users filter on the cluster.
    let request = ScanRequest { with_ttl: false, users: [b"user7".to_vec()].into_iter().collect(), count: 1000 };
    let mut matched = Vec::new();
    store
        .scan(&request, &AtomicBool::new(false), &mut |f| {
            if let Found::Session(s) = f {
                matched.push(Expected { key: s.key, user: s.user });
            }
            true
        })
        .unwrap();
    assert_eq!(matched.len() as u64, SESSIONS / 60);

    // Compare-and-delete across all nodes (scripts loaded on each as needed).
    let deleted = store.delete_if_holds(&matched).unwrap();
    assert!(deleted.iter().all(|&d| d));
    assert_eq!(cluster.dbsize(), SESSIONS + 3 - SESSIONS / 60);
    assert!(!store.delete_if_holds(&[Expected { key: b"session:hash".to_vec(), user: b"v".to_vec() }]).unwrap()[0]);

    // Lookups and expiry are routed too.
    assert_eq!(store.lookup(b"session:forever").unwrap(), Lookup::Session { user: b"user1".to_vec(), ttl_ms: None });
    assert_eq!(store.lookup(b"session:hash").unwrap(), Lookup::NotString { redis_type: "hash".into() });
    let keys = vec![b"session:forever".to_vec(), b"session:hash".to_vec()];
    assert_eq!(store.expire_if_persistent(&keys, 600).unwrap(), vec![true, false]);
    assert_eq!(cluster.cli(&["TTL", "session:forever"]), "600");
}

#[test]
fn cluster_mode_can_be_forced_and_all_seeds_given() {
    let cluster = RedisCluster::start();
    let mut options = store_options(&cluster.urls());
    options.cluster = Some(true);
    let store = Store::connect(options).unwrap();
    assert!(store.is_cluster());
    assert_eq!(store.nodes().len(), 3);
    let pairs = vec![(b"session:x".to_vec(), b"u".to_vec())];
    assert_eq!(store.create(&pairs, 60).unwrap(), vec![true]);
}

#[test]
fn a_slot_moved_after_connecting_is_followed() {
    let cluster = RedisCluster::start();
    let store = Store::connect(store_options(&cluster.urls()[..1])).unwrap();
    let key = "session:moving";
    let slot: u64 = cluster.nodes[0].cli(&["CLUSTER", "KEYSLOT", key]).parse().unwrap();
    let ids: Vec<String> = cluster.nodes.iter().map(|n| n.cli(&["CLUSTER", "MYID"])).collect();
    let serves = |line: &str| {
        line.split(' ').skip(8).any(|r| match r.split_once('-') {
            Some((a, b)) => (a.parse::<u64>().unwrap()..=b.parse().unwrap()).contains(&slot),
            None => r.parse::<u64>().ok() == Some(slot),
        })
    };
    let nodes = cluster.nodes[0].cli(&["CLUSTER", "NODES"]);
    let owner_id = nodes.lines().find(|l| serves(l)).and_then(|l| l.split(' ').next()).unwrap().to_string();
    let owner = ids.iter().position(|id| *id == owner_id).unwrap();
    let new_owner = (owner + 1) % 3;
    // The slot is empty, so it can simply be reassigned; the store still has the old map.
    for node in &cluster.nodes {
        node.cli(&["CLUSTER", "SETSLOT", &slot.to_string(), "NODE", &ids[new_owner]]);
    }
    let pairs = vec![(key.as_bytes().to_vec(), b"u".to_vec())];
    assert_eq!(store.create(&pairs, 60).unwrap(), vec![true]);
    assert_eq!(cluster.nodes[new_owner].cli(&["EXISTS", key]), "1");
    assert!(matches!(
        store.lookup(key.as_bytes()).unwrap(),
        Lookup::Session { user, ttl_ms: Some(_) } if user == b"u"
    ));
    let gone = store.delete_if_holds(&[Expected { key: key.as_bytes().to_vec(), user: b"u".to_vec() }]).unwrap();
    assert_eq!(gone, vec![true]);
}
