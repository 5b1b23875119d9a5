//! A scan survives its connections being killed under it: it reconnects, resumes from the
//! last cursor and still delivers every session exactly once.
mod support;

use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, Ordering};

use sessctl::store::{Found, ScanRequest, Store};
use support::*;

const SESSIONS: u64 = 300_000;

#[test]
fn scan_is_exact_while_clients_are_killed_in_a_loop() {
    let server = RedisServer::start();
    server.pipe(&sessions_protocol("session:", SESSIONS, 1000));
    assert_eq!(server.cli(&["DBSIZE"]), SESSIONS.to_string());

    let options = store_options(&[server.url()]);
    let store = Store::connect(options).unwrap();

    let done = AtomicBool::new(false);
    let (summary, ids, sessions, (kills, killed_clients)) = std::thread::scope(|s| {
        let killer = s.spawn(|| kill_clients_until(&server, &done));
        // Small batches: many round trips, so the kills land mid-scan.
        let request = ScanRequest { with_ttl: true, users: Default::default(), count: 200, ..Default::default() };
        let mut ids: HashSet<Vec<u8>> = HashSet::with_capacity(SESSIONS as usize);
        let mut sessions = 0u64;
        let result = scan_with(&store, &request, &AtomicBool::new(false), |f| {
            if let Found::Session(s) = f {
                sessions += 1;
                assert_eq!(s.user, format!("user{}", parse_index(&s.id) % 1000).into_bytes());
                ids.insert(s.id);
            }
            true
        });
        done.store(true, Ordering::SeqCst);
        (result.expect("scan survives the kills"), ids, sessions, killer.join().unwrap())
    });
    eprintln!(
        "scanned {} keys, {} reconnects, {} kill commands killed {} connections",
        summary.scanned, summary.reconnects, kills, killed_clients
    );
    assert!(summary.is_complete());
    assert_eq!(summary.scanned, SESSIONS, "no key lost or counted twice");
    assert_eq!(sessions, SESSIONS, "each session delivered exactly once");
    assert_eq!(ids.len() as u64, SESSIONS);
    assert!(summary.reconnects > 0, "the fault really happened");
}

fn parse_index(id: &[u8]) -> u64 {
    std::str::from_utf8(&id[1..]).unwrap().parse().unwrap()
}
