//! A part's latency probe: a `PING` to the part's primary every few milliseconds, on a
//! connection of its own, timed and passed to the pacer. It measures what another client of
//! the server (the app) waits while the scan runs: its requests queue behind the scan's.

use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use super::request::Pacer;
use super::shared::Shared;
use crate::wire::Conn;

/// How long a probe waits before connecting again after a failure (the scan itself deals
/// with the server; the probe only must not spin).
const RETRY_PAUSE: Duration = Duration::from_millis(50);

pub(crate) fn run(shared: &Shared, pacer: &dyn Pacer, part: usize, every: Duration) {
    let mut conn: Option<Conn> = None;
    let mut next = Instant::now();
    while !shared.abort.load(Ordering::Relaxed) {
        let now = Instant::now();
        if next > now {
            std::thread::sleep(next - now);
            continue;
        }
        next += every;
        if next < now {
            // Fell behind (a slow reply): the next PING goes out one interval from now, not
            // in a burst.
            next = now + every;
        }
        if conn.is_none() {
            let Ok(endpoint) = shared.part_primary(part) else {
                next = Instant::now() + RETRY_PAUSE;
                continue;
            };
            match Conn::open(&endpoint) {
                Ok(c) => conn = Some(c),
                Err(_) => {
                    next = Instant::now() + RETRY_PAUSE;
                    continue;
                }
            }
        }
        let Some(c) = conn.as_mut() else { continue };
        let started = Instant::now();
        match c.query(&[b"PING"]) {
            Ok(_) => pacer.observe(part, started.elapsed()),
            Err(_) => {
                // A reply that failed or timed out still says how long the app waited.
                pacer.observe(part, started.elapsed());
                conn = None;
                next = Instant::now() + RETRY_PAUSE;
            }
        }
    }
}
