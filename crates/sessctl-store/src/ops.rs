//! The session operations on single keys: what `create`, `lookup`, `delete_if_holds` and
//! `expire_if_persistent` send and how their replies read. Routing, pipelining, redirections,
//! script loading and retries are the wire layer's ([`wire::run_writes`],
//! [`wire::run_lookups`]).

use super::error::{ServerError, StoreError};
use super::session::{Expected, Lookup};
use super::topology::Topology;
use super::wire::{self, Conn, Fail, Outcome, Reply, Script, Tok, Writes};

/// Deletes KEYS[1] only when it is a string holding ARGV[1]: 1 when deleted, -1 when the key
/// does not exist, 0 otherwise. `pcall` turns WRONGTYPE into a table, so hashes, lists and the
/// like are never touched.
pub(crate) const DELETE_IF_HOLDS: &str = r#"local v = redis.pcall('GET', KEYS[1])
if type(v) == 'string' and v == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
if v == false then
  return -1
end
return 0"#;

/// Gives KEYS[1] a TTL of ARGV[1] seconds only when it is still a string without one: 1 when
/// set, -1 when it is a string that already has a TTL, 0 otherwise.
pub(crate) const EXPIRE_IF_PERSISTENT: &str = r#"if redis.call('TYPE', KEYS[1])['ok'] == 'string' then
  if redis.call('PTTL', KEYS[1]) == -1 then
    return redis.call('EXPIRE', KEYS[1], ARGV[1])
  end
  return -1
end
return 0"#;

/// The compiled scripts, hashed once.
fn scripts() -> &'static (Script, Script) {
    static SCRIPTS: std::sync::OnceLock<(Script, Script)> = std::sync::OnceLock::new();
    SCRIPTS.get_or_init(|| (Script::new(DELETE_IF_HOLDS), Script::new(EXPIRE_IF_PERSISTENT)))
}

/// `SET <key> <user> EX <ttl> NX` for each pair, pipelined.
pub(crate) fn create(
    topology: &Topology,
    sessions: &[(Vec<u8>, Vec<u8>)],
    ttl_secs: u64,
) -> Result<Vec<bool>, StoreError> {
    let ttl = ttl_secs.to_string();
    wire::run_writes(
        topology,
        sessions.len(),
        &Writes {
            command: "SET",
            key: &|i| &sessions[i].0,
            encode: &|out, i| {
                let (key, user) = &sessions[i];
                wire::push_cmd(out, &[b"SET", key, user, b"EX", ttl.as_bytes(), b"NX"]);
            },
            decode: &set_nx_outcome,
            script: None,
        },
    )
}

/// `SET <key> <user> NX [PX <ms>]` for each `(key, user, ttl_ms)`, pipelined: `true` where
/// set, `false` where the key existed.
pub(crate) fn put_back(
    topology: &Topology,
    sessions: &[(Vec<u8>, Vec<u8>, Option<i64>)],
) -> Result<Vec<bool>, StoreError> {
    wire::run_writes(
        topology,
        sessions.len(),
        &Writes {
            command: "SET",
            key: &|i| &sessions[i].0,
            encode: &|out, i| {
                let (key, user, ttl) = &sessions[i];
                match ttl {
                    Some(ms) => {
                        let mut text = Vec::with_capacity(20);
                        wire::push_uint(&mut text, (*ms).max(1) as u64);
                        wire::push_cmd(out, &[b"SET", key, user, b"NX", b"PX", &text]);
                    }
                    None => wire::push_cmd(out, &[b"SET", key, user, b"NX"]),
                }
            },
            decode: &set_nx_outcome,
            script: None,
        },
    )
}

/// Compare-and-delete (EVALSHA), pipelined.
pub(crate) fn delete_if_holds(topology: &Topology, items: &[Expected]) -> Result<Vec<bool>, StoreError> {
    let script = &scripts().0;
    wire::run_writes(
        topology,
        items.len(),
        &Writes {
            command: "the compare-and-delete script (EVALSHA)",
            key: &|i| &items[i].key,
            encode: &|out, i| push_evalsha(out, script, &items[i].key, &items[i].user),
            decode: &script_outcome,
            script: Some(script),
        },
    )
}

/// Sets a TTL on keys that have none (a Lua script), pipelined.
pub(crate) fn expire_if_persistent(
    topology: &Topology,
    keys: &[Vec<u8>],
    ttl_secs: u64,
) -> Result<Vec<bool>, StoreError> {
    let script = &scripts().1;
    let ttl = ttl_secs.to_string();
    wire::run_writes(
        topology,
        keys.len(),
        &Writes {
            command: "the set-expiry script (EVALSHA)",
            key: &|i| &keys[i],
            encode: &|out, i| push_evalsha(out, script, &keys[i], ttl.as_bytes()),
            decode: &script_outcome,
            script: Some(script),
        },
    )
}

/// `GET` + `PTTL` per key, pipelined per node; `TYPE` for keys that are not strings.
pub(crate) fn lookup_many(
    topology: &Topology,
    keys: &[Vec<u8>],
    abort: Option<&std::sync::atomic::AtomicBool>,
) -> Result<Vec<Lookup>, StoreError> {
    wire::run_lookups(topology, &GetPttl(keys), keys.len(), abort)
}

struct GetPttl<'a>(&'a [Vec<u8>]);

impl wire::Lookups for GetPttl<'_> {
    type Out = Lookup;

    fn key(&self, i: usize) -> &[u8] {
        &self.0[i]
    }

    fn push(&self, out: &mut Vec<u8>, i: usize, asking: bool) {
        push_get_pttl(out, &self.0[i], asking);
    }

    fn read(&self, conn: &mut Conn, _: usize, asking: bool) -> Result<Result<Lookup, ServerError>, Fail> {
        read_get_pttl(conn, asking)
    }

    fn wrong_type(&self, redis_type: &str) -> Option<Lookup> {
        match redis_type {
            "none" => Some(Lookup::Missing),
            "string" => None,
            other => Some(Lookup::NotString { redis_type: other.to_string() }),
        }
    }

    fn command(&self) -> &str {
        "GET"
    }
}

/// Queues `GET key` + `PTTL key`, each after `ASKING` when `asking` (following an ASK
/// redirection to a node importing the key's slot).
pub(crate) fn push_get_pttl(out: &mut Vec<u8>, key: &[u8], asking: bool) {
    for command in [&b"GET"[..], b"PTTL"] {
        if asking {
            wire::push_cmd(out, &[b"ASKING"]);
        }
        wire::push_cmd(out, &[command, key]);
    }
}

/// Reads the replies to [`push_get_pttl`]: the lookup, or the error reply (WRONGTYPE, MOVED,
/// ASK, …) for the caller to handle.
pub(crate) fn read_get_pttl(conn: &mut Conn, asking: bool) -> Result<Result<Lookup, ServerError>, Fail> {
    let addr = conn.addr.clone();
    let unexpected = |command: &str, reply: &Reply| {
        Fail::Fatal(StoreError::UnexpectedReply {
            addr: addr.clone(),
            command: command.into(),
            detail: reply.excerpt(),
        })
    };
    if asking {
        conn.read()?;
    }
    let get = conn.read()?;
    let value = match get.top() {
        tok @ Tok::Bulk(..) => Ok(Some(get.bytes(tok).to_vec())),
        Tok::Nil => Ok(None),
        _ => match get.error() {
            Some(e) => Err(e),
            None => return Err(unexpected("GET", &get)),
        },
    };
    if asking {
        conn.read()?;
    }
    let pttl = conn.read()?;
    let ttl = match pttl.top() {
        Tok::Int(ms) => Ok(ms),
        _ => match pttl.error() {
            Some(e) => Err(e),
            None => return Err(unexpected("PTTL", &pttl)),
        },
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

/// The scripts' answers: `1` done, `-1` already so, `0` not done.
fn script_outcome(reply: &Reply) -> Option<Outcome> {
    match reply.top() {
        Tok::Int(1) => Some(Outcome::Done),
        Tok::Int(0) => Some(Outcome::NotDone),
        Tok::Int(-1) => Some(Outcome::AlreadySo),
        _ => None,
    }
}

/// `SET … NX`: `+OK` done; nil, the key exists: already so (the ids are 256-bit random, so
/// after a lost reply it is the session that attempt stored).
fn set_nx_outcome(reply: &Reply) -> Option<Outcome> {
    match reply.top() {
        Tok::Simple(..) => Some(Outcome::Done),
        Tok::Nil => Some(Outcome::AlreadySo),
        _ => None,
    }
}

/// `EVALSHA <sha> 1 <key> <arg>`.
fn push_evalsha(out: &mut Vec<u8>, script: &Script, key: &[u8], arg: &[u8]) {
    wire::push_cmd(out, &[b"EVALSHA", script.sha.as_bytes(), b"1", key, arg]);
}
