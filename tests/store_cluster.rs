//! The store against a real 3-primary Redis Cluster: detection, slot routing, and a scan that
//! covers every primary and finds each key exactly once.
use crate::support;

use std::collections::HashSet;
use std::sync::atomic::AtomicBool;

use sessctl_store::{Expected, Found, Lookup, ScanRequest, Store};
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
    let request = ScanRequest { with_ttl: true, users: Default::default(), count: 200, ..Default::default() };
    let summary = scan_with(&store, &request, &AtomicBool::new(false), |f| {
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

    // What a progress bar shows: the keys of every primary (DBSIZE summed) as its total, and
    // the keys scanned so far, growing after each batch up to the scan's own count.
    assert_eq!(store.key_count().unwrap(), Some(SESSIONS + 3));
    let reports = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let sink = reports.clone();
    let request = ScanRequest {
        count: 200,
        progress: Some(std::sync::Arc::new(move |keys| sink.lock().unwrap().push(keys))),
        ..Default::default()
    };
    let summary = scan_with(&store, &request, &AtomicBool::new(false), |_| true).unwrap();
    let reports = reports.lock().unwrap();
    assert!(reports.len() > 3 && reports.windows(2).all(|w| w[0] <= w[1]), "{reports:?}");
    assert_eq!(reports.last(), Some(&summary.scanned));

    // A users filter on the cluster.
    let request = ScanRequest {
        with_ttl: false,
        users: [b"user7".to_vec()].into_iter().collect(),
        count: 1000,
        ..Default::default()
    };
    let mut matched = Vec::new();
    scan_with(&store, &request, &AtomicBool::new(false), |f| {
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
    let ids = node_ids(&cluster);
    let owner = slot_owner(&cluster, slot);
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

/// The cluster node ids, in the order of `cluster.nodes`.
fn node_ids(cluster: &RedisCluster) -> Vec<String> {
    cluster.nodes.iter().map(|n| n.cli(&["CLUSTER", "MYID"])).collect()
}

/// The index in `cluster.nodes` of the primary serving `slot`.
fn slot_owner(cluster: &RedisCluster, slot: u64) -> usize {
    let serves = |line: &str| {
        line.split(' ').skip(8).any(|r| match r.split_once('-') {
            Some((a, b)) => (a.parse::<u64>().unwrap()..=b.parse().unwrap()).contains(&slot),
            None => r.parse::<u64>().ok() == Some(slot),
        })
    };
    let nodes = cluster.nodes[0].cli(&["CLUSTER", "NODES"]);
    let owner_id = nodes.lines().find(|l| serves(l)).and_then(|l| l.split(' ').next()).unwrap().to_string();
    node_ids(cluster).iter().position(|id| *id == owner_id).unwrap()
}

/// A slot half-way through a migration (MIGRATING on its owner, IMPORTING on the target, some
/// keys already moved), as `redis-cli --cluster reshard` leaves it while it runs: the commands
/// read and write keys on both sides (ASK, ASKING) and count them exactly.
#[test]
fn a_slot_half_way_through_a_migration_is_served_from_both_sides() {
    const SECRET: &str = "migration-secret";
    let cluster = RedisCluster::start();
    let store = Store::connect(store_options(&cluster.urls()[..1])).unwrap();
    // 300 sessions in one slot (a hash tag), every other one of user "mover", and the usual
    // spread of other sessions.
    let in_slot: Vec<(Vec<u8>, Vec<u8>)> = (0..300u64)
        .map(|i| {
            let user: &[u8] = if i % 2 == 0 { b"mover" } else { b"stayer" };
            (format!("session:{{mig}}{}", session_id(i)).into_bytes(), user.to_vec())
        })
        .collect();
    assert!(store.create(&in_slot, 3600).unwrap().iter().all(|&c| c));
    assert!(store.create(&sessions(), 3600).unwrap().iter().all(|&c| c));
    let total = SESSIONS + 300;

    let slot: u64 = cluster.nodes[0].cli(&["CLUSTER", "KEYSLOT", "{mig}"]).parse().unwrap();
    let ids = node_ids(&cluster);
    let (from, to) = (slot_owner(&cluster, slot), (slot_owner(&cluster, slot) + 1) % 3);
    let slot_text = slot.to_string();
    // (A few of the other sessions may share the slot.)
    let in_slot_before: u64 = cluster.nodes[from].cli(&["CLUSTER", "COUNTKEYSINSLOT", &slot_text]).parse().unwrap();
    assert!(in_slot_before >= 300);
    assert_eq!(cluster.nodes[to].cli(&["CLUSTER", "SETSLOT", &slot_text, "IMPORTING", &ids[from]]), "OK");
    assert_eq!(cluster.nodes[from].cli(&["CLUSTER", "SETSLOT", &slot_text, "MIGRATING", &ids[to]]), "OK");
    // The first 150 keys move; the rest stay where they were.
    let port = cluster.nodes[to].port.to_string();
    let mut migrate = vec!["MIGRATE", "127.0.0.1", &port, "", "0", "5000", "KEYS"];
    let moved: Vec<String> = in_slot[..150].iter().map(|(k, _)| String::from_utf8(k.clone()).unwrap()).collect();
    migrate.extend(moved.iter().map(String::as_str));
    assert_eq!(cluster.nodes[from].cli(&migrate), "OK");
    assert_eq!(cluster.nodes[to].cli(&["CLUSTER", "COUNTKEYSINSLOT", &slot_text]), "150");
    assert_eq!(
        cluster.nodes[from].cli(&["CLUSTER", "COUNTKEYSINSLOT", &slot_text]),
        (in_slot_before - 150).to_string()
    );

    let run = |args: &[&str]| {
        let mut cmd = sessctl();
        cmd.env("SESSCTL_SECRET", SECRET).args(["-r", &cluster.urls()[0]]).args(args);
        cmd.output().unwrap()
    };
    let ok = |out: std::process::Output| {
        let stderr = String::from_utf8_lossy(&out.stderr).to_string();
        assert!(out.status.success(), "exit {:?}: {stderr}", out.status.code());
        String::from_utf8(out.stdout).unwrap()
    };
    // Scans say the cluster is resharding (they cannot know nothing moves while they run),
    // and still count exactly here, where nothing does.
    let scan_ok = |out: std::process::Output| {
        let stderr = String::from_utf8_lossy(&out.stderr).to_string();
        assert!(stderr.contains("warning: the cluster was resharding"), "{stderr}");
        assert!(!stderr.contains("moved between"), "nothing moved while scanning: {stderr}");
        ok(out)
    };

    // list: every session exactly once, with its user and TTL, from whichever side holds it.
    let listed = json_lines(scan_ok(run(&["list", "-o", "json"])).as_bytes());
    assert_eq!(listed.len() as u64, total);
    let unique: HashSet<&str> = listed.iter().map(|s| s["session_id"].as_str().unwrap()).collect();
    assert_eq!(unique.len() as u64, total);
    let movers: Vec<&serde_json::Value> = listed.iter().filter(|s| s["user"] == "mover").collect();
    assert_eq!(movers.len(), 150);
    assert!(movers.iter().all(|s| s["ttl_seconds"].as_u64().is_some_and(|t| t > 3000)), "{:?}", movers[0]);

    // verify and revoke by id follow ASK to a session that has moved.
    let moved_id = &moved[0]["session:".len()..];
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64;
    let cookie = sessctl_cookie::sign_v2(SECRET.as_bytes(), 0, "session_id", moved_id.as_bytes(), now);
    ok(run(&["verify", &cookie]));
    // (By cookie: the id carries a hash tag, which no real session id has.)
    let summary = ok(run(&["revoke", "-o", "json", "--", cookie.as_str()]));
    assert!(summary.contains("\"revoked\":1"), "{summary}");
    assert_eq!(run(&["verify", &cookie]).status.code(), Some(4));
    assert_eq!(cluster.nodes[to].cli(&["CLUSTER", "COUNTKEYSINSLOT", &slot_text]), "149");

    // A new session in the migrating slot is created on the target (ASK) and found there.
    let new_key = b"session:{mig}created-during-migration".to_vec();
    assert_eq!(store.create(&[(new_key.clone(), b"mover".to_vec())], 3600).unwrap(), vec![true]);
    assert_eq!(cluster.nodes[to].cli(&["CLUSTER", "COUNTKEYSINSLOT", &slot_text]), "150");
    assert!(matches!(store.lookup(&new_key).unwrap(), Lookup::Session { user, .. } if user == b"mover"));

    // revoke --user finds and deletes every session of the user on both sides, exactly.
    let summary = scan_ok(run(&["revoke", "--user", "mover", "-o", "json"]));
    assert!(summary.contains("\"revoked\":150"), "149 left of the first 300 and the new one: {summary}");
    assert_eq!(cluster.dbsize(), total - 150);
    assert_eq!(scan_ok(run(&["list", "--count", "--user", "stayer"])).trim(), "150");
    let metrics = scan_ok(run(&["stats", "-o", "prometheus"]));
    assert!(metrics.contains("sessctl_scan_resharding{prefix=\"session:\"} 1\n"), "{metrics}");

    // Once the migration is done (the rest of the slot moved, then the slot assigned), scans
    // are quiet again.
    let rest = cluster.nodes[from].cli(&["CLUSTER", "GETKEYSINSLOT", &slot_text, "1000"]);
    let mut migrate = vec!["MIGRATE", "127.0.0.1", &port, "", "0", "5000", "KEYS"];
    migrate.extend(rest.lines());
    assert_eq!(cluster.nodes[from].cli(&migrate), "OK");
    for node in &cluster.nodes {
        node.cli(&["CLUSTER", "SETSLOT", &slot_text, "NODE", &ids[to]]);
    }
    let out = run(&["list", "--count"]);
    assert!(out.stderr.is_empty(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(ok(out).trim(), (total - 150).to_string());
    let metrics = ok(run(&["stats", "-o", "prometheus"]));
    assert!(metrics.contains("sessctl_scan_resharding{prefix=\"session:\"} 0\n"), "{metrics}");
}

/// A slot migrated from start to end while a scan runs: the scan completes and says the
/// cluster was resharding (the keys in that slot may have been missed or seen twice).
#[test]
fn a_migration_during_a_scan_is_reported() {
    let cluster = RedisCluster::start();
    let store = Store::connect(store_options(&cluster.urls()[..1])).unwrap();
    let live: Vec<(Vec<u8>, Vec<u8>)> =
        (0..2000u64).map(|i| (format!("session:{{live}}{}", session_id(i)).into_bytes(), b"u".to_vec())).collect();
    assert!(store.create(&live, 3600).unwrap().iter().all(|&c| c));
    assert!(store.create(&sessions(), 3600).unwrap().iter().all(|&c| c));
    let slot = cluster.nodes[0].cli(&["CLUSTER", "KEYSLOT", "{live}"]);
    let ids = node_ids(&cluster);
    let from = slot_owner(&cluster, slot.parse().unwrap());
    let to = (from + 1) % 3;

    // A quiet cluster first: exact, and no resharding reported.
    let request = ScanRequest { with_ttl: true, users: Default::default(), count: 20, ..Default::default() };
    let mut seen = 0u64;
    let summary = scan_with(&store, &request, &AtomicBool::new(false), |_| {
        seen += 1;
        true
    });
    assert!(!summary.unwrap().resharding);
    assert_eq!(seen, SESSIONS + 2000);

    let (started_tx, started_rx) = std::sync::mpsc::channel::<()>();
    let migrate = || {
        let port = cluster.nodes[to].port.to_string();
        cluster.nodes[to].cli(&["CLUSTER", "SETSLOT", &slot, "IMPORTING", &ids[from]]);
        cluster.nodes[from].cli(&["CLUSTER", "SETSLOT", &slot, "MIGRATING", &ids[to]]);
        started_tx.send(()).unwrap();
        for chunk in live.chunks(100) {
            let mut args = vec!["MIGRATE", "127.0.0.1", &port, "", "0", "5000", "KEYS"];
            args.extend(chunk.iter().map(|(k, _)| std::str::from_utf8(k).unwrap()));
            assert_eq!(cluster.nodes[from].cli(&args), "OK");
        }
        for node in &cluster.nodes {
            node.cli(&["CLUSTER", "SETSLOT", &slot, "NODE", &ids[to]]);
        }
    };
    let mut seen = 0u64;
    let summary = std::thread::scope(|s| {
        let mover = s.spawn(migrate);
        let mut first = true;
        let summary = scan_with(&store, &request, &AtomicBool::new(false), |_| {
            if std::mem::take(&mut first) {
                // The first sessions have arrived: the scans are under way. Let the migration
                // begin while they run.
                started_rx.recv().unwrap();
            }
            seen += 1;
            true
        });
        mover.join().unwrap();
        summary
    });
    let summary = summary.expect("the scan completes while the slot moves");
    assert!(summary.resharding, "reported: {summary:?} ({seen} seen)");
    assert_eq!(cluster.nodes[to].cli(&["CLUSTER", "COUNTKEYSINSLOT", &slot]), "2000");
}
