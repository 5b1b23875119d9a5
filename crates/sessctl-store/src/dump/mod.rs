//! Dump reading, beside the scan: sessions from an RDB dump (a file, or a point-in-time
//! snapshot each primary streams over the replication protocol), delivered as the same
//! [`Found`] records the scan yields, in constant memory.
//!
//! - `rdb`: the streaming RDB reader (bounded memory whatever the bytes, CRC-64 checked);
//! - `lzf`: the decompression of Redis's compressed strings;
//! - `sync`: `REPLCONF rdb-only 1` + `SYNC` on each primary, and the transfer (diskless
//!   `$EOF:<mark>` or disk-backed `$<length>`) read as it streams in.
//!
//! Why not the `rdb` crate (0.4): it reads these dumps, through a streaming iterator, but a
//! compressed string's announced length goes straight to an allocation (`lzf::decompress`
//! reserves it before reading a byte): a 38-byte dump announcing 2^62 bytes made it abort
//! the process. And it reads every value of a matching key whole. sessctl promises that no
//! byte of a dump can do that, so it reads the little it needs itself (docs/snapshots.md).

mod lzf;
mod rdb;
pub(crate) mod sync;

use std::collections::HashSet;
use std::io::Read;
use std::ops::ControlFlow;
use std::sync::atomic::{AtomicBool, Ordering};

pub use rdb::MAX_STRING;

use super::error::{DumpError, StoreError};
use super::scan::ScanEnd;
use super::session::{Found, Session};
use rdb::{Item, RdbReader};

/// What to read from a dump.
#[derive(Debug, Clone, Default)]
pub struct DumpRequest {
    /// The database the sessions live in.
    pub db: u64,
    /// Only sessions of these users (empty: all). Non-string keys are reported regardless.
    pub users: HashSet<Vec<u8>>,
    /// The clock (ms since the epoch) TTLs are counted from when the dump has no `ctime`, or
    /// always when `use_now`.
    pub now_ms: i64,
    /// Count TTLs from `now_ms` rather than from the dump's own time (`ctime`).
    pub use_now: bool,
}

/// What TTLs were counted from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TtlBase {
    /// The dump's `ctime`: the TTLs it had when it was made.
    #[default]
    DumpTime,
    /// The current time, as asked.
    Now,
    /// The current time, because the dump has no `ctime` (Redis before 3.2).
    NowNoCtime,
}

/// Totals of a dump read (or of several, one per primary, for a snapshot).
#[derive(Debug, Clone, Default)]
pub struct DumpSummary {
    pub end: ScanEnd,
    /// Keys under the prefix in the database read (sessions and other types), as the scan's
    /// `scanned`.
    pub scanned: u64,
    /// Sessions already expired at the time TTLs are counted from (left out).
    pub expired: u64,
    /// Keys or values longer than [`MAX_STRING`], skipped.
    pub oversized: u64,
    /// Keys of every type and database walked.
    pub keys: u64,
    /// The dump's `ctime` (seconds since the epoch); the oldest, for several.
    pub ctime: Option<i64>,
    /// What TTLs were counted from, and that moment (ms since the epoch).
    pub base: TtlBase,
    pub base_ms: i64,
    /// The RDB version (the highest, for several).
    pub version: u32,
    /// Bytes read.
    pub bytes: u64,
    /// Dumps read (1 for a file; one per primary for a snapshot).
    pub dumps: u64,
}

/// Reads one dump from `input`, delivering what is under `prefix` to `visit`, adding to
/// `summary`. `Break` when the visitor or `stop` ended it.
pub(crate) fn read_one<R: Read, E: From<StoreError>>(
    input: R,
    prefix: &[u8],
    request: &DumpRequest,
    stop: &AtomicBool,
    from: Option<&str>,
    summary: &mut DumpSummary,
    visit: &mut dyn FnMut(Found) -> Result<ControlFlow<()>, E>,
) -> Result<ControlFlow<()>, E> {
    let fail = |source: DumpError| StoreError::Dump { source, from: from.map(str::to_string) };
    let mut reader = RdbReader::new(input, prefix, request.db).map_err(fail)?;
    summary.dumps += 1;
    summary.version = summary.version.max(reader.version);
    let mut base: Option<(TtlBase, i64)> = None;
    let mut n = 0u64;
    let flow = loop {
        n += 1;
        if n.is_multiple_of(1024) && stop.load(Ordering::Relaxed) {
            summary.end = ScanEnd::Interrupted;
            break ControlFlow::Break(());
        }
        let item = match reader.next_item() {
            Ok(Some(item)) => item,
            Ok(None) => break ControlFlow::Continue(()),
            Err(e) => {
                summary.keys += reader.walked.keys;
                return Err(fail(e).into());
            }
        };
        let (key, user, expire_ms) = match item {
            Item::Oversized => {
                summary.oversized += 1;
                continue;
            }
            Item::Other { key, type_name } => {
                summary.scanned += 1;
                let found = Found::NotString { key: key.to_vec(), redis_type: type_name.to_string() };
                if let ControlFlow::Break(()) = visit(found)? {
                    summary.end = ScanEnd::StoppedByVisitor;
                    break ControlFlow::Break(());
                }
                continue;
            }
            Item::String { key, value, expire_ms } => {
                summary.scanned += 1;
                if !request.users.is_empty() && !request.users.contains(value) {
                    continue;
                }
                (key.to_vec(), value.to_vec(), expire_ms)
            }
        };
        // Fixed at the first session: the aux fields (ctime) come before any key.
        let (kind, base_ms) = *base.get_or_insert_with(|| match (request.use_now, reader.ctime) {
            (true, _) => (TtlBase::Now, request.now_ms),
            (false, Some(ctime)) => (TtlBase::DumpTime, ctime.saturating_mul(1000)),
            (false, None) => (TtlBase::NowNoCtime, request.now_ms),
        });
        summary.base = kind;
        summary.base_ms = base_ms;
        let ttl_ms = match expire_ms {
            None => None,
            Some(at) => {
                let left = at.saturating_sub(base_ms);
                if left <= 0 {
                    summary.expired += 1;
                    continue;
                }
                Some(left)
            }
        };
        let id = key[prefix.len()..].to_vec();
        let found = Found::Session(Session { key, id, user, ttl_ms, expires_at_ms: expire_ms, repeat: false });
        if let ControlFlow::Break(()) = visit(found)? {
            summary.end = ScanEnd::StoppedByVisitor;
            break ControlFlow::Break(());
        }
    };
    summary.keys += reader.walked.keys;
    summary.bytes += reader.position();
    if let Some(ctime) = reader.ctime {
        summary.ctime = Some(summary.ctime.map_or(ctime, |c| c.min(ctime)));
    }
    if base.is_none() {
        // No session: say what TTLs would have been counted from all the same.
        let (kind, base_ms) = match (request.use_now, reader.ctime) {
            (true, _) => (TtlBase::Now, request.now_ms),
            (false, Some(ctime)) => (TtlBase::DumpTime, ctime.saturating_mul(1000)),
            (false, None) => (TtlBase::NowNoCtime, request.now_ms),
        };
        if summary.dumps == 1 {
            summary.base = kind;
            summary.base_ms = base_ms;
        }
    }
    Ok(flow)
}

/// Reads sessions from an RDB dump (see [`crate::read_dump`]).
pub(crate) fn read<R: Read, E: From<StoreError>>(
    input: R,
    prefix: &[u8],
    request: &DumpRequest,
    stop: &AtomicBool,
    visit: &mut dyn FnMut(Found) -> Result<ControlFlow<()>, E>,
) -> Result<DumpSummary, E> {
    let mut summary = DumpSummary::default();
    let _flow = read_one(input, prefix, request, stop, None, &mut summary, visit)?;
    Ok(summary)
}
