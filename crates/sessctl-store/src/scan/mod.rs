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

mod deliver;
mod probe;
mod reader;
mod scanner;

use std::collections::HashSet;
use std::ops::ControlFlow;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{sync_channel, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::error::StoreError;
use super::topology::{Map, Topology};
use super::Found;
#[cfg(doc)]
use super::Session;

/// SCAN's COUNT when the request gives none. Measured on 1M sessions (standalone Redis 7.0):
/// with COUNT 250 the MGET that follows each SCAN finds the keys still in the CPU cache and
/// costs Redis about a third of what it costs after COUNT 1000 (0.27 s vs 0.8 s per million
/// keys), while SCAN itself costs the same; smaller counts add round trips.
pub const DEFAULT_COUNT: usize = 250;

/// How to scan.
#[derive(Clone, Default)]
pub struct ScanRequest {
    /// Read each key's TTL too (list, stats, cleanup, `--issued-before`).
    pub with_ttl: bool,
    /// Only report sessions whose user is one of these (empty: all). Non-string keys are
    /// reported regardless.
    pub users: HashSet<Vec<u8>>,
    /// SCAN's COUNT hint (0: [`DEFAULT_COUNT`]).
    pub count: usize,
    /// Where to start: the state of an earlier scan that stopped (see [`ScanSummary::state`]).
    /// A part whose primary is no longer the one that issued its cursor starts again.
    pub resume: Option<ScanState>,
    /// Sets the pace of the scan (rate limits, latency targets).
    pub pacer: Option<Arc<dyn Pacer>>,
    /// Told, on the calling thread after each batch, how many keys SCAN has returned so far
    /// over all parts (a progress bar).
    pub progress: Option<Arc<dyn Fn(u64) + Send + Sync>>,
    /// With a pacer: time a `PING` to each part's primary this often, on a connection of its
    /// own, and pass each round trip to [`Pacer::observe`] (the latency another client sees
    /// while the scan runs).
    pub probe_every: Option<Duration>,
    /// Record which server process issued each part's cursor (one `INFO server` per primary),
    /// so that a state saved from this scan is not resumed on a restarted server, whose
    /// cursors mean other keys. Set it when the state will be saved; resuming a state reads
    /// the run ids too.
    pub resumable: bool,
}

impl std::fmt::Debug for ScanRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ScanRequest")
            .field("with_ttl", &self.with_ttl)
            .field("users", &self.users.len())
            .field("count", &self.count)
            .field("resume", &self.resume)
            .field("pacer", &self.pacer.is_some())
            .field("progress", &self.progress.is_some())
            .field("probe_every", &self.probe_every)
            .field("resumable", &self.resumable)
            .finish()
    }
}

/// The hook that paces a scan. Each part's scanner calls [`Pacer::pace`] before every SCAN
/// after its first, from its own thread; blocking there slows that part down.
pub trait Pacer: Send + Sync {
    /// `part` is the index in [`ScanState::parts`]; `keys` how many keys the part's last SCAN
    /// returned; `latency` how long that SCAN took (send to reply). Return `false` to stop
    /// the scan as if interrupted (the summary says so and its state can be resumed).
    fn pace(&self, part: usize, keys: usize, latency: Duration) -> bool;

    /// The round trip of one `PING` to the part's primary on a separate connection (see
    /// [`ScanRequest::probe_every`]); called from the part's probe thread.
    fn observe(&self, _part: usize, _round_trip: Duration) {}

    /// Called once when the scan ends, for any reason, before its threads are joined: a pacer
    /// blocked in [`Pacer::pace`] should return soon.
    fn cancel(&self) {}
}

/// How a scan ended.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ScanEnd {
    /// Every part was scanned to its end.
    #[default]
    Complete,
    /// The visitor returned `ControlFlow::Break` (a `--limit`, a failed write).
    StoppedByVisitor,
    /// The stop flag was set (Ctrl-C, SIGTERM), or a pacer said stop. After a pacer's stop
    /// every batch already scanned is delivered first, so the state resumes exactly where the
    /// delivered keys end.
    Interrupted,
}

/// Totals of a finished (or stopped) scan.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ScanSummary {
    pub end: ScanEnd,
    /// Keys SCAN returned under the prefix (in each part's last pass, see `rescanned`).
    pub scanned: u64,
    /// Keys scanned before a part was restarted on a new primary (a failover).
    pub rescanned: u64,
    /// Connections re-established during the scan.
    pub reconnects: u64,
    /// Parts restarted on a new primary after a failover.
    pub failovers: u64,
    /// Sessions marked [`Session::repeat`] because a part restarted after a failover.
    pub repeats: u64,
    /// Sessions marked [`Session::repeat`] because SCAN returned them twice in one pass (it
    /// may while Redis rehashes the table).
    pub duplicates: u64,
    /// A part delivered more keys than could be remembered ([`FINGERPRINTS_PER_PART`]):
    /// some sessions may have come twice unmarked.
    pub repeats_unmarked: bool,
    /// Keys that moved to another cluster node between SCAN and their read (a resharding
    /// while the scan ran): the scan may have missed them, or seen them twice.
    pub moved: u64,
    /// The cluster was resharding while the scan ran (slots migrating or changing owner, or
    /// keys moved): keys may have been missed or seen twice.
    pub resharding: bool,
    /// Where each part stands: resumable with [`ScanRequest::resume`].
    pub state: ScanState,
    /// Parts that [`ScanRequest::resume`] had begun but that could not continue (their
    /// slots, node or server process changed) and started again at cursor 0: their addresses.
    pub started_over: Vec<String>,
}

impl ScanSummary {
    pub fn is_complete(&self) -> bool {
        self.end == ScanEnd::Complete
    }
}

/// Where a scan stands, per part (primary): enough to continue it in another run.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScanState {
    pub parts: Vec<PartCursor>,
}

/// One part of a scan.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartCursor {
    /// The node that issued `cursor` (cluster node id, or address).
    pub node: String,
    /// The server process that issued `cursor` (`run_id` of `INFO server`; empty when not
    /// recorded or not readable). A restarted server hashes keys with a new seed, so an old
    /// cursor would skip keys there: the part starts again.
    #[serde(default)]
    pub run_id: String,
    /// Its address, for messages.
    pub addr: String,
    /// The slot ranges of the part (cluster), empty otherwise.
    pub slots: Vec<(u16, u16)>,
    /// SCAN cursor after the last batch whose keys were all visited.
    pub cursor: u64,
    /// The part was scanned to its end.
    pub done: bool,
}

/// Keys remembered per part for recognising repeats (8 bytes each, plus the set's overhead).
pub const FINGERPRINTS_PER_PART: usize = 8 << 20;

/// Keys from one SCAN reply, concatenated.
pub(crate) struct KeyBatch {
    part: usize,
    /// Restarts of the part before this batch was scanned.
    epoch: u32,
    /// Batches of this part and epoch before this one.
    seq: u64,
    /// The cursor SCAN returned with these keys.
    cursor_after: u64,
    data: Vec<u8>,
    ends: Vec<usize>,
}

impl KeyBatch {
    fn len(&self) -> usize {
        self.ends.len()
    }

    fn key(&self, i: usize) -> &[u8] {
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        &self.data[start..self.ends[i]]
    }
}

/// What the workers send the calling thread.
pub(crate) enum Msg {
    Batch {
        part: usize,
        epoch: u32,
        seq: u64,
        cursor_after: u64,
        found: Vec<Found>,
        scanned: u64,
    },
    /// The part's scanner reached the end (after `batches` batches in this epoch).
    PartDone {
        part: usize,
        epoch: u32,
        batches: u64,
    },
    /// The part's primary was replaced: it starts again at cursor 0 on `node` (sent before
    /// any batch of the new epoch).
    Restarted {
        part: usize,
        epoch: u32,
        node: String,
        addr: String,
        run_id: String,
    },
    Failed(StoreError),
}

/// What every worker thread of one scan shares.
pub(crate) struct Shared<'a> {
    topology: &'a Topology,
    prefix: &'a [u8],
    pattern: Vec<u8>,
    count: Vec<u8>,
    with_ttl: bool,
    users: &'a HashSet<Vec<u8>>,
    /// MGET cannot span slots on a cluster node: read with one GET per key there.
    per_key_reads: bool,
    pacer: Option<&'a dyn Pacer>,
    /// Record the run id of a part's new primary after a failover.
    resumable: bool,
    /// Set to stop the workers (a failure, the end of delivery).
    abort: AtomicBool,
    /// A pacer asked to stop.
    paced_out: AtomicBool,
    /// Keys that left their node between SCAN and the read (resharding).
    moved: AtomicU64,
    /// A node had slots migrating, or its slots changed, while it was scanned.
    resharding: AtomicBool,
    /// Parts restarted on a new primary.
    restarts: AtomicU64,
    parts: Vec<Part>,
}

/// One part as the workers see it.
pub(crate) struct Part {
    /// A slot the part serves (cluster): its primary is whoever serves that slot now.
    first_slot: Option<u16>,
    /// Where the scanner starts (a resumed cursor is valid on the part's primary now).
    start_cursor: u64,
    done: bool,
}

impl Shared<'_> {
    /// The part's primary now.
    fn part_primary(&self, part: usize) -> Result<Arc<super::wire::Endpoint>, StoreError> {
        let map = self.topology.map();
        map.primary_for_slot(self.parts[part].first_slot).map(|p| p.endpoint.clone()).ok_or_else(|| {
            super::TopologyError::SlotNotServed { slot: self.parts[part].first_slot.unwrap_or_default() }.into()
        })
    }
}

/// Escapes the glob characters of a prefix for SCAN MATCH and appends `*`.
pub(crate) fn match_pattern(prefix: &[u8]) -> Vec<u8> {
    let mut pattern = Vec::with_capacity(prefix.len() + 2);
    for &b in prefix {
        if matches!(b, b'*' | b'?' | b'[' | b']' | b'\\') {
            pattern.push(b'\\');
        }
        pattern.push(b);
    }
    pattern.push(b'*');
    pattern
}

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
    let count = if request.count == 0 { DEFAULT_COUNT } else { request.count };
    let shared = Shared {
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
    };
    let shared = &shared;
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
        loop {
            if stop.load(Ordering::Relaxed) {
                delivery.end = ScanEnd::Interrupted;
                break;
            }
            match rx.recv_timeout(Duration::from_millis(50)) {
                Ok(Msg::Failed(e)) => {
                    outcome = Err(e.into());
                    break;
                }
                Ok(msg) => match delivery.take(msg, stop, visit) {
                    Ok(ControlFlow::Continue(())) => {
                        if let Some(progress) = &request.progress {
                            progress(delivery.keys_so_far());
                        }
                    }
                    Ok(ControlFlow::Break(())) => break,
                    Err(e) => {
                        outcome = Err(e);
                        break;
                    }
                },
                Err(RecvTimeoutError::Timeout) => continue,
                Err(RecvTimeoutError::Disconnected) => break,
            }
        }
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
