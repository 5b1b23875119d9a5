//! Redis: the session operations the commands call. Knows nothing of cookies, output or the
//! command line. Standalone Redis and Redis Cluster look the same from here: a `Store` holds
//! one connection per primary for scanning, and routes single-key commands by slot.

pub mod connect;
pub mod scan;

use std::sync::atomic::AtomicBool;
use std::time::Duration;

pub use connect::{ConnectOptions, Store};

/// What went wrong talking to Redis. Every message names the address and says what to do.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{0}")]
    Connect(String),
    #[error("{0}")]
    Command(String),
    #[error("bad Redis URL {url:?}: {why}")]
    Url { url: String, why: String },
}

/// A session key under the prefix holding a string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    /// The whole key (`<prefix><session id>`).
    pub key: Vec<u8>,
    /// The key without the prefix.
    pub id: Vec<u8>,
    /// The stored user id.
    pub user: Vec<u8>,
    /// Remaining time to live in milliseconds; `None` when the key has no expiry; `Some` only
    /// when the scan asked for TTLs.
    pub ttl_ms: Option<i64>,
}

/// What a scan meets under the prefix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Found {
    Session(Session),
    /// A key under the prefix that is not a string (hash, list, …): reported, never touched.
    NotString {
        key: Vec<u8>,
        redis_type: String,
    },
}

/// How to scan.
#[derive(Debug, Clone)]
pub struct ScanRequest {
    /// Read each key's TTL too (list, stats, cleanup, `--issued-before`).
    pub with_ttl: bool,
    /// Only report sessions whose user is one of these (empty: all). Non-string keys are
    /// reported regardless.
    pub users: std::collections::HashSet<Vec<u8>>,
    /// SCAN's COUNT hint.
    pub count: usize,
}

/// Totals of a finished (or interrupted) scan.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ScanSummary {
    /// Keys SCAN returned under the prefix.
    pub scanned: u64,
    /// True when the stop flag ended the scan early.
    pub interrupted: bool,
    /// Connections re-established during the scan.
    pub reconnects: u64,
}

/// A compare-and-delete request: delete `key` only if it still holds `user`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expected {
    pub key: Vec<u8>,
    pub user: Vec<u8>,
}

/// What a single-key lookup found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Lookup {
    Missing,
    Session { user: Vec<u8>, ttl_ms: Option<i64> },
    NotString { redis_type: String },
}

/// Timeouts and retry policy shared by every connection.
#[derive(Debug, Clone)]
pub struct Timeouts {
    pub connect: Duration,
    pub response: Duration,
    /// Reconnect attempts after a dropped connection, with exponential backoff.
    pub retries: u32,
}

impl Default for Timeouts {
    fn default() -> Self {
        Timeouts { connect: Duration::from_secs(5), response: Duration::from_secs(30), retries: 5 }
    }
}

impl Store {
    /// `SET <key> <user> EX <ttl> NX` for each pair, pipelined. `true` where the key was set,
    /// `false` where it already existed.
    pub fn create(&self, sessions: &[(Vec<u8>, Vec<u8>)], ttl_secs: u64) -> Result<Vec<bool>, StoreError> {
        let _ = (sessions, ttl_secs);
        todo!("store")
    }

    /// `GET` + `PTTL` of one key.
    pub fn lookup(&self, key: &[u8]) -> Result<Lookup, StoreError> {
        let _ = key;
        todo!("store")
    }

    /// Compare-and-delete (a Lua script run with EVALSHA), pipelined: `true` where the key
    /// still held the expected user and was deleted.
    pub fn delete_if_holds(&self, items: &[Expected]) -> Result<Vec<bool>, StoreError> {
        let _ = items;
        todo!("store")
    }

    /// Sets the TTL of keys that have none (`EXPIRE key ttl NX`), pipelined: `true` where set.
    pub fn expire_if_persistent(&self, keys: &[Vec<u8>], ttl_secs: u64) -> Result<Vec<bool>, StoreError> {
        let _ = (keys, ttl_secs);
        todo!("store")
    }

    /// Streams every key under the prefix on every primary to `visit`, in constant memory.
    /// Stops early (summary.interrupted) when `stop` becomes true or `visit` returns false.
    pub fn scan(
        &self,
        request: &ScanRequest,
        stop: &AtomicBool,
        visit: &mut dyn FnMut(Found) -> bool,
    ) -> Result<ScanSummary, StoreError> {
        let _ = (request, stop, visit);
        todo!("store")
    }
}
