//! A scan survives its connections being killed under it: it reconnects, resumes from the
//! last cursor and still delivers every session exactly once.
mod support;

use std::collections::HashSet;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use sessctl::store::{Found, ScanRequest, Store};
use support::*;

const SESSIONS: u64 = 300_000;

#[test]
fn scan_is_exact_while_clients_are_killed_in_a_loop() {
    let server = RedisServer::start();
    server.pipe(&sessions_protocol("session:", SESSIONS, 1000));
    assert_eq!(server.cli(&["DBSIZE"]), SESSIONS.to_string());

    let mut options = store_options(&[server.url()]);
    options.timeouts.retries = 10;
    let store = Store::connect(options).unwrap();

    let done = AtomicBool::new(false);
    let kills = AtomicU64::new(0);
    let killed_clients = AtomicU64::new(0);
    let (summary, ids, sessions) = std::thread::scope(|s| {
        s.spawn(|| {
            // Bounded: at most 2000 kills or 120 s, whichever comes first.
            let deadline = Instant::now() + Duration::from_secs(120);
            while !done.load(Ordering::SeqCst) && Instant::now() < deadline {
                if kills.load(Ordering::SeqCst) >= 2000 {
                    break;
                }
                let out = Command::new("redis-cli")
                    .args(server.cli_args())
                    .args(["CLIENT", "KILL", "TYPE", "normal"])
                    .stdin(Stdio::null())
                    .output()
                    .expect("redis-cli");
                let n: u64 = String::from_utf8_lossy(&out.stdout).trim().parse().unwrap_or(0);
                killed_clients.fetch_add(n, Ordering::SeqCst);
                kills.fetch_add(1, Ordering::SeqCst);
                std::thread::sleep(Duration::from_millis(15));
            }
        });
        // Small batches: many round trips, so the kills land mid-scan.
        let request = ScanRequest { with_ttl: true, users: Default::default(), count: 200 };
        let mut ids: HashSet<Vec<u8>> = HashSet::with_capacity(SESSIONS as usize);
        let mut sessions = 0u64;
        let result = store.scan(&request, &AtomicBool::new(false), &mut |f| {
            if let Found::Session(s) = f {
                sessions += 1;
                assert_eq!(s.user, format!("user{}", parse_index(&s.id) % 1000).into_bytes());
                ids.insert(s.id);
            }
            true
        });
        done.store(true, Ordering::SeqCst);
        (result.expect("scan survives the kills"), ids, sessions)
    });
    eprintln!(
        "scanned {} keys, {} reconnects, {} kill commands killed {} connections",
        summary.scanned,
        summary.reconnects,
        kills.load(Ordering::SeqCst),
        killed_clients.load(Ordering::SeqCst)
    );
    assert!(!summary.interrupted);
    assert_eq!(summary.scanned, SESSIONS, "no key lost or counted twice");
    assert_eq!(sessions, SESSIONS, "each session delivered exactly once");
    assert_eq!(ids.len() as u64, SESSIONS);
    assert!(summary.reconnects > 0, "the fault really happened");
}

fn parse_index(id: &[u8]) -> u64 {
    std::str::from_utf8(&id[1..]).unwrap().parse().unwrap()
}
