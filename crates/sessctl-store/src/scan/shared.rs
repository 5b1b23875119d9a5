//! What the threads of one scan share ([`Shared`], one [`Part`] per primary) and pass each
//! other ([`KeyBatch`] from a scanner to its readers, [`Msg`] to the calling thread).

use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, AtomicU64};
use std::sync::Arc;

use super::request::Pacer;
use crate::error::{StoreError, TopologyError};
use crate::session::Found;
use crate::topology::Topology;
use crate::wire::Endpoint;

/// Keys from one SCAN reply, concatenated.
pub(crate) struct KeyBatch {
    pub(super) part: usize,
    /// Restarts of the part before this batch was scanned.
    pub(super) epoch: u32,
    /// Batches of this part and epoch before this one.
    pub(super) seq: u64,
    /// The cursor SCAN returned with these keys.
    pub(super) cursor_after: u64,
    pub(super) data: Vec<u8>,
    pub(super) ends: Vec<usize>,
}

impl KeyBatch {
    pub(super) fn len(&self) -> usize {
        self.ends.len()
    }

    pub(super) fn key(&self, i: usize) -> &[u8] {
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
    pub(super) topology: &'a Topology,
    pub(super) prefix: &'a [u8],
    pub(super) pattern: Vec<u8>,
    pub(super) count: Vec<u8>,
    pub(super) with_ttl: bool,
    pub(super) users: &'a HashSet<Vec<u8>>,
    /// MGET cannot span slots on a cluster node: read with one GET per key there.
    pub(super) per_key_reads: bool,
    pub(super) pacer: Option<&'a dyn Pacer>,
    /// Record the run id of a part's new primary after a failover.
    pub(super) resumable: bool,
    /// Set to stop the workers (a failure, the end of delivery).
    pub(super) abort: AtomicBool,
    /// A pacer asked to stop.
    pub(super) paced_out: AtomicBool,
    /// Keys that left their node between SCAN and the read (resharding).
    pub(super) moved: AtomicU64,
    /// A node had slots migrating, or its slots changed, while it was scanned.
    pub(super) resharding: AtomicBool,
    /// Parts restarted on a new primary.
    pub(super) restarts: AtomicU64,
    pub(super) parts: Vec<Part>,
}

/// One part as the workers see it.
pub(crate) struct Part {
    /// A slot the part serves (cluster): its primary is whoever serves that slot now.
    pub(super) first_slot: Option<u16>,
    /// Where the scanner starts (a resumed cursor is valid on the part's primary now).
    pub(super) start_cursor: u64,
    pub(super) done: bool,
}

impl Shared<'_> {
    /// The part's primary now.
    pub(super) fn part_primary(&self, part: usize) -> Result<Arc<Endpoint>, StoreError> {
        let map = self.topology.map();
        map.primary_for_slot(self.parts[part].first_slot).map(|p| p.endpoint.clone()).ok_or_else(|| {
            TopologyError::SlotNotServed { slot: self.parts[part].first_slot.unwrap_or_default() }.into()
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
