//! Redis: the session operations the commands call. Knows nothing of cookies, output or the
//! command line. Standalone Redis and Redis Cluster look the same from here: a `Store` holds
//! one connection per primary for scanning, and routes single-key commands by slot.

mod conn;
pub mod connect;
mod ops;
mod resp;
pub mod scan;

use std::sync::atomic::AtomicBool;
use std::time::Duration;

pub use connect::{redact_url, ConnectOptions, Store};

use ops::{push_evalsha, script_outcome, set_nx_outcome, Script};
use resp::Tok;

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
    /// Keys that moved to another cluster node between SCAN and their read (a resharding
    /// while the scan ran): the scan may have missed them, or seen them twice.
    pub moved: u64,
    /// The cluster was resharding while the scan ran (slots migrating or changing owner, or
    /// keys moved): keys may have been missed or seen twice.
    pub resharding: bool,
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
    /// Reconnect attempts after a dropped connection, with exponential backoff (10 by default:
    /// 0, 10, 20 … ms up to 1 s, about 3 s in all, enough to ride out a server restart).
    pub retries: u32,
}

impl Default for Timeouts {
    fn default() -> Self {
        Timeouts { connect: Duration::from_secs(5), response: Duration::from_secs(30), retries: 10 }
    }
}

/// Queues `GET key` + `PTTL key`, each after `ASKING` when `asking` (following an ASK
/// redirection to a node importing the key's slot).
pub(crate) fn push_get_pttl(out: &mut Vec<u8>, key: &[u8], asking: bool) {
    for command in [&b"GET"[..], b"PTTL"] {
        if asking {
            resp::push_cmd(out, &[b"ASKING"]);
        }
        resp::push_cmd(out, &[command, key]);
    }
}

/// Reads the replies to [`push_get_pttl`]: the lookup, or the error text (WRONGTYPE, MOVED,
/// ASK, …) for the caller to handle.
pub(crate) fn read_get_pttl(conn: &mut conn::Conn, asking: bool) -> Result<Result<Lookup, String>, conn::Fail> {
    if asking {
        conn.read()?;
    }
    let get = conn.read()?;
    let value = match get.top() {
        Tok::Bulk(..) => Ok(Some(get.bytes(get.top()).to_vec())),
        Tok::Nil => Ok(None),
        _ => Err(get.error().unwrap_or_default()),
    };
    if asking {
        conn.read()?;
    }
    let pttl = conn.read()?;
    let ttl = match pttl.top() {
        Tok::Int(ms) => Ok(ms),
        _ => Err(pttl.error().unwrap_or_else(|| "unexpected PTTL reply".into())),
    };
    Ok(match (value, ttl) {
        (Err(e), _) => Err(e),
        (Ok(None), _) | (Ok(Some(_)), Ok(-2)) => Ok(Lookup::Missing),
        (Ok(Some(user)), Ok(-1)) => Ok(Lookup::Session { user, ttl_ms: None }),
        (Ok(Some(user)), Ok(ms)) => Ok(Lookup::Session { user, ttl_ms: Some(ms) }),
        // The key moved between the two reads: the caller looks again.
        (Ok(Some(_)), Err(e)) => Err(e),
    })
}

/// The compiled scripts, hashed once.
fn scripts() -> &'static (Script, Script) {
    static SCRIPTS: std::sync::OnceLock<(Script, Script)> = std::sync::OnceLock::new();
    SCRIPTS.get_or_init(|| (Script::new(ops::DELETE_IF_HOLDS), Script::new(ops::EXPIRE_IF_PERSISTENT)))
}

impl Store {
    /// `SET <key> <user> EX <ttl> NX` for each pair, pipelined. `true` where the key was set,
    /// `false` where it already existed.
    pub fn create(&self, sessions: &[(Vec<u8>, Vec<u8>)], ttl_secs: u64) -> Result<Vec<bool>, StoreError> {
        let ttl = ttl_secs.to_string();
        self.run_batch(
            sessions.len(),
            &|i| &sessions[i].0,
            &|out, i| {
                let (key, user) = &sessions[i];
                resp::push_cmd(out, &[b"SET", key, user, b"EX", ttl.as_bytes(), b"NX"]);
            },
            &set_nx_outcome,
            None,
            "SET",
        )
    }

    /// `GET` + `PTTL` of one key (`TYPE` when it is not a string). Follows MOVED (after
    /// refreshing the slot map) and ASK (once, with ASKING) redirections.
    pub fn lookup(&self, key: &[u8]) -> Result<Lookup, StoreError> {
        let mut ask: Option<conn::Endpoint> = None;
        for _ in 0..6 {
            let asking = ask.is_some();
            let node = match ask.take() {
                Some(node) => node,
                None => self.node_for(key)?,
            };
            let mut redirect = None;
            let found = self.on_node(&node, |conn| {
                push_get_pttl(&mut conn.out, key, asking);
                conn.send()?;
                let addr = conn.addr.clone();
                match read_get_pttl(conn, asking)? {
                    Ok(found) => Ok(Some(found)),
                    Err(e) if e.starts_with("WRONGTYPE") => {
                        if asking {
                            resp::push_cmd(&mut conn.out, &[b"ASKING"]);
                        }
                        resp::push_cmd(&mut conn.out, &[b"TYPE", key]);
                        conn.send()?;
                        if asking {
                            conn.read()?;
                        }
                        let reply = conn.read()?;
                        let Some(redis_type) = reply.text() else {
                            redirect = reply.error();
                            return Ok(None);
                        };
                        Ok(match redis_type.as_str() {
                            "none" => Some(Lookup::Missing),
                            "string" => None, // replaced meanwhile: look again
                            _ => Some(Lookup::NotString { redis_type }),
                        })
                    }
                    Err(e) if scan::is_redirect(&e) => {
                        redirect = Some(e);
                        Ok(None)
                    }
                    Err(e) => Err(conn::Fail::Fatal(conn::command_error(&addr, "GET", &e))),
                }
            })?;
            if let Some(found) = found {
                return Ok(found);
            }
            match redirect {
                Some(e) if e.starts_with("ASK ") => match self.endpoint_at(ops::redirect_target(&e)) {
                    Some(node) => ask = Some(node),
                    None => self.refresh_topology()?,
                },
                Some(e) if e.starts_with("MOVED ") => self.refresh_topology()?,
                Some(e) => return Err(conn::command_error(&node.addr.to_string(), "TYPE", &e)),
                None => {}
            }
        }
        Err(StoreError::Command(format!(
            "cannot look up {:?}: Redis kept redirecting or replacing it; try again",
            String::from_utf8_lossy(key)
        )))
    }

    /// `lookup` for many keys: `GET` + `PTTL` pipelined per node (one round trip per node for
    /// the whole list). Keys whose answer is unusual (another type, a redirection, a value
    /// replaced between the two reads) are looked up again one by one with [`Store::lookup`].
    pub fn lookup_many(&self, keys: &[Vec<u8>]) -> Result<Vec<Lookup>, StoreError> {
        let mut by_node: std::collections::BTreeMap<String, (conn::Endpoint, Vec<usize>)> = Default::default();
        for (i, key) in keys.iter().enumerate() {
            let node = self.node_for(key)?;
            by_node.entry(node.addr.to_string()).or_insert_with(|| (node, Vec::new())).1.push(i);
        }
        let mut found: Vec<Option<Lookup>> = vec![None; keys.len()];
        for (node, indexes) in by_node.into_values() {
            let answers = self.on_node(&node, |conn| {
                for &i in &indexes {
                    push_get_pttl(&mut conn.out, &keys[i], false);
                }
                conn.send()?;
                let mut answers = Vec::with_capacity(indexes.len());
                for _ in &indexes {
                    // WRONGTYPE, MOVED, ASK, …: asked again alone below.
                    answers.push(read_get_pttl(conn, false)?.ok());
                }
                Ok(answers)
            })?;
            for (&i, answer) in indexes.iter().zip(answers) {
                found[i] = answer;
            }
        }
        keys.iter().zip(found).map(|(key, answer)| answer.map_or_else(|| self.lookup(key), Ok)).collect()
    }

    /// Compare-and-delete (a Lua script run with EVALSHA), pipelined: `true` where the key
    /// still held the expected user and was deleted. Keys that are not strings are never
    /// deleted.
    pub fn delete_if_holds(&self, items: &[Expected]) -> Result<Vec<bool>, StoreError> {
        let script = &scripts().0;
        self.run_batch(
            items.len(),
            &|i| &items[i].key,
            &|out, i| push_evalsha(out, script, &items[i].key, &items[i].user),
            &script_outcome,
            Some(script),
            "the compare-and-delete script (EVALSHA)",
        )
    }

    /// Gives keys that have no TTL one of `ttl_secs`, only while they are still strings
    /// without a TTL (a Lua script), pipelined: `true` where set.
    pub fn expire_if_persistent(&self, keys: &[Vec<u8>], ttl_secs: u64) -> Result<Vec<bool>, StoreError> {
        let script = &scripts().1;
        let ttl = ttl_secs.to_string();
        self.run_batch(
            keys.len(),
            &|i| &keys[i],
            &|out, i| push_evalsha(out, script, &keys[i], ttl.as_bytes()),
            &script_outcome,
            Some(script),
            "the set-expiry script (EVALSHA)",
        )
    }

    /// Streams every key under the prefix on every primary to `visit`, in constant memory.
    /// Stops early (summary.interrupted) when `stop` becomes true or `visit` returns false.
    pub fn scan(
        &self,
        request: &ScanRequest,
        stop: &AtomicBool,
        visit: &mut dyn FnMut(Found) -> bool,
    ) -> Result<ScanSummary, StoreError> {
        scan::scan(self, request, stop, visit)
    }
}
