//! The Redis side of sessctl: the session operations its commands call, on keys
//! `<prefix><session id>` holding a user id (tornado-auth-sessions). Knows nothing of
//! cookies, output or the command line. Standalone Redis, the primary behind Sentinel and a
//! Redis Cluster look the same from here; failovers, redirections, dropped connections and
//! `LOADING` are handled below the API, within one retry deadline.
//!
//! The main types:
//! - [`Store`]: a connected store, made by [`Store::connect`] from [`ConnectOptions`] (the
//!   URLs, TLS files, [`Timeouts`], the replicas that must acknowledge writes);
//! - [`Store::scan`]: streams every key under the prefix to a visitor as [`Found`] records
//!   ([`Session`]s, and keys of other types), in constant memory, on every primary at once;
//!   a [`ScanRequest`] says what to read and may resume a saved [`ScanState`], and the
//!   [`ScanSummary`] says how it ended; a [`Pacer`] (such as [`Pace`]) sets its speed;
//! - single-key operations, pipelined: [`Store::create`], [`Store::lookup_many`],
//!   [`Store::delete_if_holds`] (compare-and-delete, confirmed by the replicas with `WAIT`),
//!   [`Store::expire_if_persistent`], [`Store::put_back`];
//! - [`read_dump`] and [`Store::snapshot`]: the same records from an RDB dump, or from a
//!   snapshot each primary streams over the replication protocol;
//! - [`StoreError`]: every failure, with structure (which server, which command, what kind)
//!   and words; it never names sessctl's flags;
//! - [`redact_url`], [`split_urls`]: Redis URLs as given by people.
//!
//! ```no_run
//! use std::ops::ControlFlow;
//! use std::sync::atomic::AtomicBool;
//!
//! use sessctl_store::{ConnectOptions, Found, ScanRequest, Store, StoreError};
//!
//! let store = Store::connect(ConnectOptions {
//!     urls: vec!["redis://127.0.0.1:6379/0".into()],
//!     prefix: b"session:".to_vec(),
//!     ..ConnectOptions::default()
//! })?;
//! let stop = AtomicBool::new(false); // set it (from a signal handler) to stop the scan
//! let mut sessions = 0;
//! let summary = store.scan(&ScanRequest::default(), &stop, |found| {
//!     if let Found::Session(session) = found {
//!         sessions += 1;
//!         println!("{} belongs to {}", String::from_utf8_lossy(&session.id), String::from_utf8_lossy(&session.user));
//!     }
//!     Ok::<_, StoreError>(ControlFlow::Continue(()))
//! })?;
//! println!("{sessions} sessions, {} keys scanned, complete: {}", summary.scanned, summary.is_complete());
//! # Ok::<(), StoreError>(())
//! ```
//!
//! `examples/count_sessions.rs` counts the `session:*` keys of any Redis with the scan:
//! `cargo run -p sessctl-store --example count_sessions -- redis://127.0.0.1:6379` (the URL
//! is optional; that one is the default).
//!
//! ## Inside
//!
//! This file is the public API only (nothing below imports it). Below it:
//! - `options`: how to reach Redis ([`ConnectOptions`], [`Timeouts`]);
//! - `session`: what the operations find and take ([`Session`], [`Found`], [`Lookup`],
//!   [`Expected`]);
//! - `topology`: standalone, Sentinel, Cluster; the slot map, failovers, the connection pool;
//! - `scan/`: the scan pipeline (scanner → channel → readers → the caller's visitor), with
//!   per-primary cursors that can be saved and resumed, and a pacing hook (with a latency
//!   probe per primary);
//! - `pace`: the pacer for rates, latency targets and deadlines;
//! - `ops`: what the single-key operations send and how their replies read;
//! - `dump/`: dump reading beside the scan, yielding the same records: RDB files, and live
//!   snapshots each primary streams over the replication protocol (`SYNC`);
//! - `probe`: read-only health probes for `sessctl doctor` (version, round trips, the ACL
//!   user's rights tried without changing data, a bounded sample of the keyspace);
//! - `wire/`: the protocol (connections, TLS, the RESP reader, pipelines, redirections,
//!   scripts, typed server errors, the one retry policy);
//! - `url`: Redis URLs;
//! - `error`: the errors.
//!
//! `docs/design.md` describes the threads, what is retried as a unit and where each
//! redirection is handled.

mod dump;
mod error;
mod ops;
mod options;
mod pace;
mod probe;
mod scan;
mod session;
mod topology;
mod url;
mod wire;

use std::ops::ControlFlow;
use std::sync::atomic::AtomicBool;

pub use dump::{DumpRequest, DumpSummary, TtlBase, MAX_STRING as DUMP_MAX_STRING};
pub use error::{
    AuthProblem, DumpError, NetCause, ServerError, ServerErrorKind, StoreError, TlsFile, TlsProblem, TopologyError,
};
pub use options::{ClientCert, ConnectOptions, Timeouts, DEFAULT_RETRY_DEADLINE};
pub use pace::{Pace, PaceOptions, FLOOR_RATE as PACE_FLOOR};
pub use probe::{AclVerdict, NodeProbe, Permission, Population, ReplicationProbe, SampledString};
pub use scan::{Pacer, PartCursor, ScanEnd, ScanRequest, ScanState, ScanSummary, DEFAULT_COUNT, FINGERPRINTS_PER_PART};
pub use session::{Expected, Found, Lookup, Session};
pub use topology::Failover;
pub use url::{redact_url, split_urls, SENTINEL_PORT};
#[doc(hidden)]
pub use wire::{read_replies, ReadReport};

/// A connected session store.
pub struct Store {
    options: ConnectOptions,
    topology: topology::Topology,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").field("topology", &self.topology).finish()
    }
}

impl Store {
    /// Parses the URLs and connects (see [`ConnectOptions`]). A URL that cannot be used fails
    /// at once, before any connection:
    ///
    /// ```
    /// use sessctl_store::{ConnectOptions, Store, StoreError};
    ///
    /// let options = ConnectOptions { urls: vec!["http://127.0.0.1:6379".into()], ..ConnectOptions::default() };
    /// let error = Store::connect(options).unwrap_err();
    /// assert!(matches!(error, StoreError::Url { .. }), "{error}");
    /// ```
    pub fn connect(options: ConnectOptions) -> Result<Store, StoreError> {
        let topology = topology::Topology::connect(&options)?;
        Ok(Store { options, topology })
    }

    pub fn is_cluster(&self) -> bool {
        self.topology.is_cluster()
    }

    /// True when the primary comes from Sentinel.
    pub fn is_sentinel(&self) -> bool {
        matches!(self.topology.mode, topology::Mode::Sentinel { .. })
    }

    pub fn prefix(&self) -> &[u8] {
        &self.options.prefix
    }

    /// The addresses of the nodes holding data (the primaries of a cluster), for messages.
    pub fn nodes(&self) -> Vec<String> {
        self.topology.map().primaries.iter().map(|p| p.endpoint.key()).collect()
    }

    /// The primaries replaced (failovers followed) since connecting.
    pub fn failovers(&self) -> Vec<Failover> {
        self.topology.failovers()
    }

    /// Connections made again after a failure since connecting.
    pub fn reconnects(&self) -> u64 {
        self.topology.reconnects()
    }

    /// `SET <key> <user> EX <ttl> NX` for each pair, pipelined. `true` where the key was set,
    /// `false` where it already existed.
    pub fn create(&self, sessions: &[(Vec<u8>, Vec<u8>)], ttl_secs: u64) -> Result<Vec<bool>, StoreError> {
        ops::create(&self.topology, sessions, ttl_secs)
    }

    /// Puts sessions back: `SET <key> <user> NX PX <ttl_ms>` (no `PX` when `None`) for each,
    /// pipelined. `true` where set, `false` where the key already existed (never overwritten).
    pub fn put_back(&self, sessions: &[(Vec<u8>, Vec<u8>, Option<i64>)]) -> Result<Vec<bool>, StoreError> {
        ops::put_back(&self.topology, sessions)
    }

    /// `GET` + `PTTL` of one key (`TYPE` when it is not a string). Follows MOVED (after
    /// refreshing the slot map) and ASK (with ASKING) redirections.
    pub fn lookup(&self, key: &[u8]) -> Result<Lookup, StoreError> {
        let mut found = ops::lookup_many(&self.topology, std::slice::from_ref(&key.to_vec()), None)?;
        Ok(found.pop().unwrap_or(Lookup::Missing))
    }

    /// `lookup` for many keys: `GET` + `PTTL` pipelined per node (one round trip per node for
    /// the whole list).
    pub fn lookup_many(&self, keys: &[Vec<u8>]) -> Result<Vec<Lookup>, StoreError> {
        ops::lookup_many(&self.topology, keys, None)
    }

    /// [`Store::lookup_many`], abandoned as soon as `stop` is set, even while a reply is
    /// awaited (a stalled server): reads are never worth waiting for once the run is stopped.
    /// A read abandoned that way fails ([`StoreError::Lost`]).
    pub fn lookup_many_until(&self, keys: &[Vec<u8>], stop: &AtomicBool) -> Result<Vec<Lookup>, StoreError> {
        ops::lookup_many(&self.topology, keys, Some(stop))
    }

    /// Compare-and-delete (a Lua script run with EVALSHA), pipelined: `true` where the key
    /// still held the expected user and was deleted. Keys that are not strings are never
    /// deleted.
    pub fn delete_if_holds(&self, items: &[Expected]) -> Result<Vec<bool>, StoreError> {
        ops::delete_if_holds(&self.topology, items)
    }

    /// Gives keys that have no TTL one of `ttl_secs`, only while they are still strings
    /// without a TTL (a Lua script), pipelined: `true` where set.
    pub fn expire_if_persistent(&self, keys: &[Vec<u8>], ttl_secs: u64) -> Result<Vec<bool>, StoreError> {
        ops::expire_if_persistent(&self.topology, keys, ttl_secs)
    }

    /// Health probes (read-only, for `sessctl doctor`): each primary's version (`INFO
    /// server`) and `pings` timed round trips.
    pub fn probe_nodes(&self, pings: usize) -> Result<Vec<NodeProbe>, StoreError> {
        self.topology.probe_nodes(pings)
    }

    /// Which of the commands sessctl sends the user may run, tried without changing data
    /// (see [`Permission`]).
    pub fn probe_permissions(&self) -> Result<Vec<Permission>, StoreError> {
        self.topology.probe_permissions(&self.options.prefix)
    }

    /// Whether `--snapshot` can work on each primary and how many replicas each has, found
    /// without starting a transfer (see [`ReplicationProbe`]).
    pub fn probe_replication(&self) -> Result<Vec<ReplicationProbe>, StoreError> {
        self.topology.probe_replication()
    }

    /// Keys in the database summed over the primaries (`DBSIZE`), for a progress bar's total;
    /// `None` when the server refused DBSIZE.
    pub fn key_count(&self) -> Result<Option<u64>, StoreError> {
        self.topology.key_count()
    }

    /// A bounded look at the keys under the prefix: at most `budget` keys examined per
    /// primary (all of them when there are fewer; then the counts are exact). Each string key
    /// under the prefix goes to `visit`, for the caller to classify.
    pub fn sample_population(
        &self,
        budget: u64,
        visit: &mut dyn FnMut(SampledString<'_>),
    ) -> Result<Population, StoreError> {
        self.topology.sample_population(&self.options.prefix, budget, visit)
    }

    /// Streams every key under the prefix on every primary to `visit`, in constant memory
    /// (plus 8 bytes per delivered key where a failover is possible). Stops early when `stop`
    /// becomes true ([`ScanEnd::Interrupted`]) or `visit` returns `Break`
    /// ([`ScanEnd::StoppedByVisitor`]); an error from `visit` ends the scan and is returned.
    pub fn scan<E: From<StoreError>>(
        &self,
        request: &ScanRequest,
        stop: &AtomicBool,
        mut visit: impl FnMut(Found) -> Result<ControlFlow<()>, E>,
    ) -> Result<ScanSummary, E> {
        scan::scan(&self.topology, &self.options.prefix, request, stop, &mut visit)
    }
}

/// Reads the sessions of an RDB dump (a backup, or one made with `redis-cli --rdb`) from
/// `input`, streamed in constant memory: each string key under `prefix` in `request.db`
/// becomes a [`Found::Session`] (TTLs counted from the dump's `ctime` unless
/// `request.use_now`; sessions already expired then are left out and counted), other keys
/// under the prefix a [`Found::NotString`]. No byte of the input can make it panic or
/// allocate more than a few buffers of [`DUMP_MAX_STRING`] bytes.
///
/// ```
/// use std::ops::ControlFlow;
/// use std::sync::atomic::AtomicBool;
///
/// use sessctl_store::{read_dump, DumpRequest, Found, StoreError};
///
/// // A tiny RDB (version 11): database 0, one string with an expiry, the end, no checksum.
/// let mut rdb = b"REDIS0011".to_vec();
/// rdb.extend([0xFE, 0]); // SELECTDB 0
/// rdb.push(0xFC); // EXPIRETIME_MS
/// rdb.extend(1_700_000_600_000i64.to_le_bytes());
/// rdb.push(0); // a string
/// rdb.extend([11]);
/// rdb.extend(b"session:abc");
/// rdb.extend([2]);
/// rdb.extend(b"42");
/// rdb.push(0xFF);
/// rdb.extend([0; 8]); // checksum 0: written with rdbchecksum no
///
/// let request = DumpRequest { now_ms: 1_700_000_000_000, use_now: true, ..DumpRequest::default() };
/// let mut found = Vec::new();
/// let summary = read_dump(&rdb[..], b"session:", &request, &AtomicBool::new(false), |f| {
///     found.push(f);
///     Ok::<_, StoreError>(ControlFlow::Continue(()))
/// })?;
/// let Found::Session(session) = &found[0] else { panic!("{found:?}") };
/// assert_eq!((session.id.as_slice(), session.user.as_slice()), (&b"abc"[..], &b"42"[..]));
/// assert_eq!(session.ttl_ms, Some(600_000));
/// assert_eq!((summary.scanned, summary.version), (1, 11));
/// # Ok::<(), StoreError>(())
/// ```
pub fn read_dump<R: std::io::Read, E: From<StoreError>>(
    input: R,
    prefix: &[u8],
    request: &DumpRequest,
    stop: &AtomicBool,
    mut visit: impl FnMut(Found) -> Result<ControlFlow<()>, E>,
) -> Result<DumpSummary, E> {
    dump::read(input, prefix, request, stop, &mut visit)
}

impl Store {
    /// Reads a point-in-time snapshot of each primary over the replication protocol
    /// (`REPLCONF rdb-only 1`, `SYNC`) as it streams in, delivering what [`read_dump`] would.
    /// The primary's forked child makes the snapshot; its main thread only sends it. The
    /// database is the URL's. `waiting(addr)` is called when a primary has not started the
    /// transfer after a moment (`repl-diskless-sync-delay`). A server that refuses `SYNC`
    /// fails with [`StoreError::SnapshotRefused`] before anything is delivered from it.
    pub fn snapshot<E: From<StoreError>>(
        &self,
        request: &DumpRequest,
        stop: &AtomicBool,
        waiting: &dyn Fn(&str),
        mut visit: impl FnMut(Found) -> Result<ControlFlow<()>, E>,
    ) -> Result<DumpSummary, E> {
        dump::sync::snapshot(&self.topology, &self.options.prefix, request, stop, waiting, &mut visit)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_never_print_passwords() {
        let options = ConnectOptions {
            urls: vec!["redis://user:hunter2@host:6379/0".into()],
            sentinel_password: Some("sentinel-secret".into()),
            ..ConnectOptions::default()
        };
        let text = format!("{options:?}");
        assert!(!text.contains("hunter2") && !text.contains("sentinel-secret"), "{text}");
    }
}
