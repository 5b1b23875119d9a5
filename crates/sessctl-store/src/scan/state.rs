//! How a scan ended and where it stands ([`ScanSummary`], [`ScanState`], [`PartCursor`]): what
//! the caller gets back, and what it saves to resume the scan in another run.

use serde::{Deserialize, Serialize};

#[cfg(doc)]
use crate::session::Session;

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
    /// Where each part stands: resumable with [`ScanRequest::resume`](super::ScanRequest::resume).
    pub state: ScanState,
    /// Parts that [`ScanRequest::resume`](super::ScanRequest::resume) had begun but that could not continue (their
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
