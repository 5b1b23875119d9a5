//! What a scan is asked to do ([`ScanRequest`]) and the hook that paces it ([`Pacer`]).

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;

use super::state::ScanState;
#[cfg(doc)]
use super::state::ScanSummary;

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
