//! What the store finds and is asked about: sessions ([`Session`], [`Found`], [`Lookup`]) and
//! compare-and-delete requests ([`Expected`]).

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
    /// When it expires (ms since the epoch), where the source says so exactly (a dump); the
    /// scan leaves it `None` (now plus `ttl_ms`).
    pub expires_at_ms: Option<i64>,
    /// Delivered before by this scan, from a primary that then failed over (its part of the
    /// scan started again on the new primary). Act on it again (a deletion the old primary
    /// had not passed on is redone), but do not count it twice.
    pub repeat: bool,
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
