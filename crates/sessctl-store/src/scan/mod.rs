//! Cursor scan of every primary, pipelined value reads, resume after a dropped connection,
//! restart after a failover.
//!
//! The scan is split into *parts*, one per primary (the one server of a standalone or
//! Sentinel deployment; each primary of a cluster, identified by the slots it serves). Per
//! part, one *scanner* thread (`scanner.rs`) issues `SCAN cursor MATCH <prefix>* COUNT n` on
//! its own connection and hands each batch of keys (one buffer, no allocation per key)
//! through a bounded channel to *reader* threads (`reader.rs`), each with its own connection,
//! which read the values (`MGET` on standalone Redis, pipelined `GET`s on a cluster node,
//! where MGET would fail across slots) and TTLs, keep what the request asks for and pass it
//! through another bounded channel to the calling thread, which runs the visitor
//! (`deliver.rs`). With a SCAN and a read always queued on separate connections, Redis never
//! waits for us; memory stays bounded by the channels.
//!
//! A batch is the unit of retry: a SCAN at cursor `c` is repeated at `c` when its reply is
//! lost, and a batch's reads are repeated whole when any of their replies is lost. A batch is
//! delivered only after all its reads succeeded, so a reconnect neither loses nor repeats keys.
//!
//! A cursor is only valid on the node that issued it. When a part's primary is replaced (a
//! cluster failover, a Sentinel switch, or a failover a write noticed and recorded in the
//! map), the part starts again at cursor 0 on the new primary. Its keys come again: the
//! calling thread remembers a 64-bit fingerprint of each key it delivered (about 30 MiB per
//! million keys at peak, the set's growth included), and marks the sessions that come again [`Session::repeat`], so callers
//! act on them again (a deletion the old primary had not passed on to its replica is redone)
//! without counting them twice. SCAN itself may return a key twice in one pass (while Redis
//! rehashes): those are marked the same way.
//!
//! The types live beside the threads: `request.rs` (what the caller asks, the [`Pacer`]
//! hook), `state.rs` (the summary and the resumable state), `shared.rs` (what the threads
//! share and send each other); this file plans the parts and runs the threads.

mod deliver;
mod probe;
mod reader;
mod request;
mod scanner;
mod shared;
mod state;

use std::ops::ControlFlow;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{sync_channel, Receiver, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::time::Duration;

pub use request::{Pacer, ScanRequest, DEFAULT_COUNT};
pub(crate) use shared::match_pattern;
pub use state::{PartCursor, ScanEnd, ScanState, ScanSummary, FINGERPRINTS_PER_PART};

use super::error::StoreError;
use super::session::Found;
#[cfg(doc)]
use super::session::Session;
use super::topology::{Map, Topology};
use shared::{KeyBatch, Msg, Part, Shared};

/// Reader threads per part. Measured on 1M sessions, standalone: a scan that only reads values
/// (revoke --user) keeps Redis busiest with one reader (81-82 % of wall by commandstats,
/// against 72-77 % with two: a second reader's MGETs queue behind the scanner's SCANs and
/// add context switches); a scan that also reads TTLs (list) needs two to keep up (2.7 s
/// against 3.3 s). On a cluster every node has its own scanner, so one reader each.
fn readers_per_part(parts: usize, with_ttl: bool) -> usize {
    if parts > 1 || !with_ttl {
        1
    } else {
        2
    }
}

/// The parts of a scan of `map`, continuing `resume` where its parts still match:
/// the same slots, served by the same node, still the same server process (when both run ids
/// are known). Any other part starts at cursor 0, so a key present throughout is never
/// skipped: a key's slot is served now by a primary whose slots, node and process are those
/// that issued its cursor, or that primary's part starts over.
fn plan(map: &Map, resume: Option<&ScanState>, run_ids: &[String]) -> (Vec<Part>, Vec<PartCursor>, Vec<String>) {
    let mut parts = Vec::new();
    let mut cursors = Vec::new();
    let mut started_over = Vec::new();
    for (i, primary) in map.primaries.iter().enumerate() {
        let run_id = run_ids.get(i).cloned().unwrap_or_default();
        let earlier = resume.and_then(|r| r.parts.iter().find(|p| p.slots == primary.slots));
        let same_process = |p: &PartCursor| p.run_id.is_empty() || run_id.is_empty() || p.run_id == run_id;
        let (start_cursor, done) = match earlier {
            // The cursor is only valid on the node that issued it.
            Some(p) if p.node == primary.id && same_process(p) => (p.cursor, p.done),
            _ => {
                // Something was scanned under another topology: say this part starts over.
                let begun = |p: &PartCursor| p.cursor != 0 || p.done;
                let noteworthy = match earlier {
                    Some(p) => begun(p),
                    None => resume.is_some_and(|r| r.parts.iter().any(begun)),
                };
                if noteworthy {
                    started_over.push(primary.endpoint.key());
                }
                (0, false)
            }
        };
        parts.push(Part { first_slot: primary.first_slot(), start_cursor, done });
        cursors.push(PartCursor {
            node: primary.id.clone(),
            addr: primary.endpoint.key(),
            slots: primary.slots.clone(),
            cursor: start_cursor,
            done,
            run_id,
        });
    }
    (parts, cursors, started_over)
}

/// What the threads of a scan of `parts` share.
fn share<'a>(topology: &'a Topology, prefix: &'a [u8], request: &'a ScanRequest, parts: Vec<Part>) -> Shared<'a> {
    let count = if request.count == 0 { DEFAULT_COUNT } else { request.count };
    Shared {
        topology,
        prefix,
        pattern: match_pattern(prefix),
        count: count.to_string().into_bytes(),
        with_ttl: request.with_ttl,
        users: &request.users,
        per_key_reads: topology.is_cluster(),
        pacer: request.pacer.as_deref(),
        resumable: request.resumable,
        abort: AtomicBool::new(false),
        paced_out: AtomicBool::new(false),
        moved: AtomicU64::new(0),
        resharding: AtomicBool::new(false),
        restarts: AtomicU64::new(0),
        parts,
    }
}

/// The calling thread's side of a scan: runs the visitor on what the workers send until they
/// are all gone, the visitor stops, `stop` is set ([`ScanEnd::Interrupted`]) or a worker
/// fails (its error is returned).
fn deliver_all<E: From<StoreError>>(
    rx: &Receiver<Msg>,
    stop: &AtomicBool,
    request: &ScanRequest,
    delivery: &mut deliver::Delivery,
    visit: &mut dyn FnMut(Found) -> Result<ControlFlow<()>, E>,
) -> Result<(), E> {
    loop {
        if stop.load(Ordering::Relaxed) {
            delivery.end = ScanEnd::Interrupted;
            return Ok(());
        }
        match rx.recv_timeout(Duration::from_millis(50)) {
            Ok(Msg::Failed(e)) => return Err(e.into()),
            Ok(msg) => match delivery.take(msg, stop, visit) {
                Ok(ControlFlow::Continue(())) => {
                    if let Some(progress) = &request.progress {
                        progress(delivery.keys_so_far());
                    }
                }
                Ok(ControlFlow::Break(())) => return Ok(()),
                Err(e) => return Err(e),
            },
            Err(RecvTimeoutError::Timeout) => continue,
            Err(RecvTimeoutError::Disconnected) => return Ok(()),
        }
    }
}

/// Streams every key under the prefix on every primary to `visit`. See the module's doc.
pub(crate) fn scan<E: From<StoreError>>(
    topology: &Topology,
    prefix: &[u8],
    request: &ScanRequest,
    stop: &AtomicBool,
    visit: &mut dyn FnMut(Found) -> Result<ControlFlow<()>, E>,
) -> Result<ScanSummary, E> {
    let map = topology.map();
    let run_ids = if request.resumable || request.resume.is_some() {
        map.primaries
            .iter()
            .map(|p| scanner::run_id_of(topology, p.first_slot(), stop))
            .collect::<Result<Vec<String>, StoreError>>()?
    } else {
        Vec::new()
    };
    let (parts, cursors, started_over) = plan(&map, request.resume.as_ref(), &run_ids);
    let shared = &share(topology, prefix, request, parts);
    let readers = readers_per_part(shared.parts.len(), request.with_ttl);
    let reconnects_before = topology.reconnects();
    let mut delivery = deliver::Delivery::new(cursors);
    let mut outcome: Result<(), E> = Ok(());
    std::thread::scope(|s| {
        let (tx, rx) = sync_channel::<Msg>(8 * shared.parts.len());
        for part in 0..shared.parts.len() {
            let (key_tx, key_rx) = sync_channel::<KeyBatch>(readers + 2);
            let key_rx = Arc::new(Mutex::new(key_rx));
            let out = tx.clone();
            s.spawn(move || {
                if let Err(e) = scanner::run(shared, part, key_tx, &out) {
                    shared.abort.store(true, Ordering::SeqCst);
                    let _ = out.send(Msg::Failed(e));
                }
            });
            for _ in 0..readers {
                let out = tx.clone();
                let key_rx = key_rx.clone();
                s.spawn(move || {
                    if let Err(e) = reader::run(shared, &key_rx, &out) {
                        shared.abort.store(true, Ordering::SeqCst);
                        let _ = out.send(Msg::Failed(e));
                    }
                });
            }
        }
        if let (Some(pacer), Some(every)) = (shared.pacer, request.probe_every) {
            for part in 0..shared.parts.len() {
                s.spawn(move || probe::run(shared, pacer, part, every));
            }
        }
        drop(tx);
        outcome = deliver_all(&rx, stop, request, &mut delivery, visit);
        if shared.paced_out.load(Ordering::SeqCst) && delivery.end == ScanEnd::Complete && outcome.is_ok() {
            // A pacer said stop: the scanners stopped at their next SCAN, and what they had
            // scanned was still delivered (the loop ran until every worker was gone), so the
            // state ends where delivery does and a resumed scan neither repeats nor skips.
            delivery.end = ScanEnd::Interrupted;
        }
        // Stop the workers: they check `abort`, and their sends fail once `rx` is gone.
        shared.abort.store(true, Ordering::SeqCst);
        if let Some(pacer) = shared.pacer {
            pacer.cancel();
        }
        drop(rx);
    });
    outcome?;
    if shared.moved.load(Ordering::SeqCst) > 0 {
        // Keys were redirected while the scan ran. The map read when they were may have come
        // from a node that had not yet heard of a forced failover; read it once more so a
        // primary replaced meanwhile is recorded (and named) even if the scan finished first.
        let _ = topology.reload();
    }
    let mut summary = delivery.finish();
    summary.reconnects = topology.reconnects() - reconnects_before;
    summary.failovers = shared.restarts.load(Ordering::SeqCst);
    summary.moved = shared.moved.load(Ordering::SeqCst);
    summary.resharding = shared.resharding.load(Ordering::SeqCst) || summary.moved > 0;
    summary.started_over = started_over;
    Ok(summary)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn glob_characters_are_escaped() {
        assert_eq!(match_pattern(b"session:"), b"session:*");
        assert_eq!(match_pattern(b"a*b?[c]\\"), b"a\\*b\\?\\[c\\]\\\\*");
    }
}
