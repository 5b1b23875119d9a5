//! Cursor scan of every primary, pipelined value reads, resume after a dropped connection.
//!
//! Per node, one *scanner* thread issues `SCAN cursor MATCH <prefix>* COUNT n` on its own
//! connection and hands each batch of keys (one buffer, no allocation per key) through a
//! bounded channel to *reader* threads, each with its own connection, which read the values
//! (`MGET` on standalone Redis, pipelined `GET`s on a cluster node, where MGET would fail
//! across slots) and TTLs, keep what the request asks for and pass it through another bounded
//! channel to the calling thread, which runs `visit`. With a SCAN and a read always queued on
//! separate connections, Redis never waits for us; memory stays bounded by the channels.
//!
//! A batch is the unit of retry: a SCAN at cursor `c` is repeated at `c` when its reply is
//! lost, and a batch's reads are repeated whole when any of their replies is lost. A batch is
//! delivered only after all its reads succeeded, so a reconnect neither loses nor repeats keys.

use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{sync_channel, Receiver, RecvTimeoutError, SyncSender};
use std::sync::{Arc, Mutex};
use std::thread::sleep;
use std::time::Duration;

use super::conn::{command_error, Conn, Endpoint, Fail};
use super::connect::Store;
use super::resp::{self, Reply, Tok};
use super::{push_get_pttl, read_get_pttl, Found, Lookup, ScanRequest, ScanSummary, Session, StoreError};

/// SCAN's COUNT when the request gives none. Measured on 1M sessions (standalone Redis 7.0):
/// with COUNT 250 the MGET that follows each SCAN finds the keys still in the CPU cache and
/// costs Redis about a third of what it costs after COUNT 1000 (0.27 s vs 0.8 s per million
/// keys), while SCAN itself costs the same; smaller counts add round trips.
pub const DEFAULT_COUNT: usize = 250;

/// Keys from one SCAN reply, concatenated.
struct KeyBatch {
    data: Vec<u8>,
    ends: Vec<usize>,
}

impl KeyBatch {
    fn len(&self) -> usize {
        self.ends.len()
    }

    fn key(&self, i: usize) -> &[u8] {
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        &self.data[start..self.ends[i]]
    }
}

enum Msg {
    Batch { found: Vec<Found>, scanned: u64 },
    Failed(StoreError),
}

/// What every worker thread of one scan shares.
struct Shared<'a> {
    prefix: &'a [u8],
    pattern: Vec<u8>,
    count: Vec<u8>,
    with_ttl: bool,
    users: &'a HashSet<Vec<u8>>,
    /// MGET cannot span slots on a cluster node: read with one GET per key there.
    per_key_reads: bool,
    retries: u32,
    abort: AtomicBool,
    reconnects: AtomicU64,
    /// Keys that left their node between SCAN and the read (resharding).
    moved: AtomicU64,
    /// A node had slots migrating, or its slots changed, while it was scanned.
    resharding: AtomicBool,
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

/// Reader threads per node. Measured on 1M sessions, standalone: a scan that only reads values
/// (revoke --user) keeps Redis busiest with one reader (81-82 % of wall by commandstats,
/// against 72-77 % with two: a second reader's MGETs queue behind the scanner's SCANs and
/// add context switches); a scan that also reads TTLs (list) needs two to keep up (2.7 s
/// against 3.3 s). On a cluster every node has its own scanner, so one reader each.
fn readers_per_node(cluster_nodes: usize, with_ttl: bool) -> usize {
    if cluster_nodes > 1 || !with_ttl {
        1
    } else {
        2
    }
}

pub(crate) fn scan(
    store: &Store,
    request: &ScanRequest,
    stop: &AtomicBool,
    visit: &mut dyn FnMut(Found) -> bool,
) -> Result<ScanSummary, StoreError> {
    let topology = store.topology();
    let count = if request.count == 0 { DEFAULT_COUNT } else { request.count };
    let shared = Shared {
        prefix: store.prefix(),
        pattern: match_pattern(store.prefix()),
        count: count.to_string().into_bytes(),
        with_ttl: request.with_ttl,
        users: &request.users,
        per_key_reads: store.is_cluster(),
        retries: store.options.timeouts.retries,
        abort: AtomicBool::new(false),
        reconnects: AtomicU64::new(0),
        moved: AtomicU64::new(0),
        resharding: AtomicBool::new(false),
    };
    let shared = &shared;
    let readers = readers_per_node(topology.nodes.len(), request.with_ttl);
    let mut summary = ScanSummary::default();
    let mut failure = None;
    std::thread::scope(|s| {
        let (tx, rx) = sync_channel::<Msg>(8 * topology.nodes.len());
        for endpoint in &topology.nodes {
            let (key_tx, key_rx) = sync_channel::<KeyBatch>(readers + 2);
            let key_rx = Arc::new(Mutex::new(key_rx));
            let failed = tx.clone();
            s.spawn(move || {
                if let Err(e) = scanner(shared, endpoint, key_tx) {
                    shared.abort.store(true, Ordering::SeqCst);
                    let _ = failed.send(Msg::Failed(e));
                }
            });
            for _ in 0..readers {
                let out = tx.clone();
                let key_rx = key_rx.clone();
                s.spawn(move || {
                    if let Err(e) = reader(shared, endpoint, &key_rx, &out) {
                        shared.abort.store(true, Ordering::SeqCst);
                        let _ = out.send(Msg::Failed(e));
                    }
                });
            }
        }
        drop(tx);
        'deliver: loop {
            if stop.load(Ordering::Relaxed) {
                summary.interrupted = true;
                break;
            }
            match rx.recv_timeout(Duration::from_millis(50)) {
                Ok(Msg::Batch { found, scanned }) => {
                    summary.scanned += scanned;
                    for item in found {
                        if !visit(item) || stop.load(Ordering::Relaxed) {
                            summary.interrupted = true;
                            break 'deliver;
                        }
                    }
                }
                Ok(Msg::Failed(e)) => {
                    failure = Some(e);
                    break;
                }
                Err(RecvTimeoutError::Timeout) => continue,
                Err(RecvTimeoutError::Disconnected) => break,
            }
        }
        // Stop the workers: they check `abort`, and their sends fail once `rx` is gone.
        shared.abort.store(true, Ordering::SeqCst);
        drop(rx);
    });
    summary.reconnects = shared.reconnects.load(Ordering::SeqCst);
    summary.moved = shared.moved.load(Ordering::SeqCst);
    summary.resharding = shared.resharding.load(Ordering::SeqCst) || summary.moved > 0;
    match failure {
        Some(e) => Err(e),
        None => Ok(summary),
    }
}

/// Runs `f` on `conn`, (re)connecting as needed; after a broken connection, reconnects with
/// backoff up to `retries` times in a row and runs `f` again.
fn with_retries<R>(
    shared: &Shared,
    endpoint: &Endpoint,
    conn: &mut Option<Conn>,
    mut f: impl FnMut(&mut Conn) -> Result<R, Fail>,
) -> Result<R, StoreError> {
    let mut failures = 0;
    loop {
        if conn.is_none() {
            match Conn::open(endpoint) {
                Ok(c) => {
                    if failures > 0 {
                        shared.reconnects.fetch_add(1, Ordering::SeqCst);
                    }
                    *conn = Some(c);
                }
                Err(fail) if fail.is_transport() && failures < shared.retries => {
                    failures += 1;
                    sleep(Store::backoff(failures + 1));
                    continue;
                }
                Err(fail) => return Err(fail.into_connect_error()),
            }
        }
        match f(conn.as_mut().expect("connected")) {
            Ok(r) => return Ok(r),
            Err(fail) => {
                if fail.is_transport() {
                    *conn = None;
                    if failures < shared.retries && !shared.abort.load(Ordering::Relaxed) {
                        failures += 1;
                        sleep(Store::backoff(failures));
                        continue;
                    }
                }
                return Err(fail.into_store_error());
            }
        }
    }
}

fn scanner(shared: &Shared, endpoint: &Endpoint, keys: SyncSender<KeyBatch>) -> Result<(), StoreError> {
    let mut conn = None;
    let mut cursor: u64 = 0;
    let mut cursor_text = Vec::with_capacity(20);
    // On a cluster, what this node says of its own slots before and after the scan: a slot
    // migrating or importing, or a change between the two, means keys may have moved under
    // the scan.
    let slots_before = match shared.per_key_reads {
        true => Some(with_retries(shared, endpoint, &mut conn, own_slots)?),
        false => None,
    };
    loop {
        if shared.abort.load(Ordering::Relaxed) {
            return Ok(());
        }
        cursor_text.clear();
        resp::push_uint(&mut cursor_text, cursor);
        let (next, batch) = with_retries(shared, endpoint, &mut conn, |conn| {
            resp::push_cmd(&mut conn.out, &[b"SCAN", &cursor_text, b"MATCH", &shared.pattern, b"COUNT", &shared.count]);
            conn.send()?;
            let addr = conn.addr.clone();
            let reply = conn.read()?;
            parse_scan_reply(&reply, shared.prefix).map_err(|e| Fail::Fatal(command_error(&addr, "SCAN", &e)))
        })?;
        cursor = next;
        if batch.len() > 0 && keys.send(batch).is_err() {
            return Ok(());
        }
        if cursor == 0 {
            if let Some(before) = slots_before {
                let after = with_retries(shared, endpoint, &mut conn, own_slots)?;
                if before != after || before.contains('[') || after.contains('[') {
                    shared.resharding.store(true, Ordering::SeqCst);
                }
            }
            return Ok(());
        }
    }
}

/// The slots a cluster node serves, with its migrating/importing marks (`[slot->-id]`,
/// `[slot-<-id]`), from the `myself` line of its `CLUSTER NODES`.
fn own_slots(conn: &mut Conn) -> Result<String, Fail> {
    let addr = conn.addr.clone();
    let reply = conn.query(&[b"CLUSTER", b"NODES"])?;
    let Some(text) = reply.text() else {
        let e = reply.error().unwrap_or_else(|| "unexpected reply".into());
        return Err(Fail::Fatal(command_error(&addr, "CLUSTER NODES", &e)));
    };
    let myself = text.lines().find(|l| l.split(' ').nth(2).is_some_and(|flags| flags.contains("myself")));
    Ok(myself.map(|l| l.split(' ').skip(8).collect::<Vec<_>>().join(" ")).unwrap_or_default())
}

/// `[cursor, [key, …]]` → the next cursor and the keys that really start with the prefix (a
/// glob can match more than intended).
fn parse_scan_reply(reply: &Reply, prefix: &[u8]) -> Result<(u64, KeyBatch), String> {
    if let Some(e) = reply.error() {
        return Err(e);
    }
    let toks = reply.toks;
    let bad = || "unexpected SCAN reply".to_string();
    let (cursor_tok, n) = match toks {
        [Tok::Array(2), c @ Tok::Bulk(..), Tok::Array(n), ..] => (*c, *n),
        _ => return Err(bad()),
    };
    let cursor =
        std::str::from_utf8(reply.bytes(cursor_tok)).ok().and_then(|s| s.parse::<u64>().ok()).ok_or_else(bad)?;
    let mut batch = KeyBatch { data: Vec::with_capacity(n * 64), ends: Vec::with_capacity(n) };
    for &tok in &toks[3..] {
        let key = reply.bytes(tok);
        if key.starts_with(prefix) {
            batch.data.extend_from_slice(key);
            batch.ends.push(batch.data.len());
        }
    }
    Ok((cursor, batch))
}

fn reader(
    shared: &Shared,
    endpoint: &Endpoint,
    keys: &Mutex<Receiver<KeyBatch>>,
    out: &SyncSender<Msg>,
) -> Result<(), StoreError> {
    let mut conn = None;
    loop {
        let batch = {
            let keys = keys.lock().unwrap_or_else(|e| e.into_inner());
            match keys.recv() {
                Ok(batch) => batch,
                Err(_) => return Ok(()),
            }
        };
        if shared.abort.load(Ordering::Relaxed) {
            return Ok(());
        }
        let (found, moved) = with_retries(shared, endpoint, &mut conn, |conn| read_batch(shared, conn, &batch))?;
        shared.moved.fetch_add(moved, Ordering::SeqCst);
        let scanned = batch.len() as u64;
        if out.send(Msg::Batch { found, scanned }).is_err() {
            return Ok(());
        }
    }
}

/// Keys per MGET.
const MGET_CHUNK: usize = 250;

/// Reads the values (and TTLs) of a batch and returns what the request wants of it, and how
/// many of its keys had moved to another cluster node by the time they were read.
fn read_batch(shared: &Shared, conn: &mut Conn, batch: &KeyBatch) -> Result<(Vec<Found>, u64), Fail> {
    let n = batch.len();
    if shared.per_key_reads {
        for i in 0..n {
            resp::push_cmd(&mut conn.out, &[b"GET", batch.key(i)]);
        }
    } else {
        // Several bounded MGETs in one pipeline, so a large --scan-count never makes one huge
        // reply that blocks Redis for long.
        for start in (0..n).step_by(MGET_CHUNK) {
            let end = (start + MGET_CHUNK).min(n);
            resp::push_array(&mut conn.out, end - start + 1);
            resp::push_bulk(&mut conn.out, b"MGET");
            for i in start..end {
                resp::push_bulk(&mut conn.out, batch.key(i));
            }
        }
    }
    if shared.with_ttl {
        for i in 0..n {
            resp::push_cmd(&mut conn.out, &[b"PTTL", batch.key(i)]);
        }
    }
    conn.send()?;
    let addr = conn.addr.clone();
    let fatal = |command: &str, e: String| Fail::Fatal(command_error(&addr, command, &e));

    // Sessions wanted (index, user), keys that were not strings (or had vanished), and keys
    // a cluster node redirected (a slot migrating while we scan).
    let mut wanted: Vec<(usize, Vec<u8>)> = Vec::new();
    let mut odd: Vec<usize> = Vec::new();
    let mut redirected: Vec<usize> = Vec::new();
    let filter = |value: &[u8]| shared.users.is_empty() || shared.users.contains(value);
    if shared.per_key_reads {
        for i in 0..n {
            let reply = conn.read()?;
            match reply.top() {
                Tok::Bulk(..) => {
                    let value = reply.bytes(reply.top());
                    if filter(value) {
                        wanted.push((i, value.to_vec()));
                    }
                }
                Tok::Nil => {}
                Tok::Error(..) => {
                    let e = reply.error().unwrap_or_default();
                    if e.starts_with("WRONGTYPE") {
                        odd.push(i);
                    } else if is_redirect(&e) {
                        redirected.push(i);
                    } else {
                        return Err(fatal("GET", e));
                    }
                }
                _ => return Err(fatal("GET", "unexpected reply".into())),
            }
        }
    } else {
        for start in (0..n).step_by(MGET_CHUNK) {
            let len = MGET_CHUNK.min(n - start);
            let reply = conn.read()?;
            if let Some(e) = reply.error() {
                return Err(fatal("MGET", e));
            }
            if reply.toks.len() != len + 1 {
                return Err(fatal("MGET", "unexpected reply".into()));
            }
            for (j, &tok) in reply.toks[1..].iter().enumerate() {
                match tok {
                    Tok::Bulk(..) => {
                        let value = reply.bytes(tok);
                        if filter(value) {
                            wanted.push((start + j, value.to_vec()));
                        }
                    }
                    // Not a string, or gone since SCAN: TYPE tells which.
                    _ => odd.push(start + j),
                }
            }
        }
    }
    let mut ttls: Vec<i64> = Vec::new();
    if shared.with_ttl {
        ttls.reserve(n);
        for i in 0..n {
            let reply = conn.read()?;
            match reply.top() {
                Tok::Int(ms) => ttls.push(ms),
                _ => match reply.error() {
                    Some(e) if shared.per_key_reads && is_redirect(&e) => {
                        ttls.push(-2);
                        redirected.push(i);
                    }
                    e => return Err(fatal("PTTL", e.unwrap_or_else(|| "unexpected reply".into()))),
                },
            }
        }
    }
    let mut moved = 0;
    if !redirected.is_empty() {
        // A node that is importing a slot answers MOVED for keys it already holds unless the
        // command follows ASKING; a node migrating a slot away answers ASK for keys that have
        // left it. Read each such key again after ASKING: what this node still holds is read
        // here; what has left it was moved while the scan ran and is counted as such.
        redirected.sort_unstable();
        redirected.dedup();
        let is_redirected = |i: &usize| redirected.binary_search(i).is_ok();
        wanted.retain(|(i, _)| !is_redirected(i));
        odd.retain(|i| !is_redirected(i));
        for &i in &redirected {
            push_get_pttl(&mut conn.out, batch.key(i), true);
        }
        conn.send()?;
        for &i in &redirected {
            match read_get_pttl(conn, true)? {
                Err(e) if is_redirect(&e) => moved += 1,
                Err(e) if e.starts_with("WRONGTYPE") => odd.push(i),
                Err(e) => return Err(fatal("GET", e)),
                Ok(Lookup::Session { user, ttl_ms }) => {
                    if shared.with_ttl {
                        ttls[i] = ttl_ms.unwrap_or(-1);
                    }
                    if filter(&user) {
                        wanted.push((i, user));
                    }
                }
                Ok(_) => {} // gone since SCAN
            }
        }
    }
    let mut found = Vec::with_capacity(wanted.len() + odd.len());
    if !odd.is_empty() {
        for &i in &odd {
            if shared.per_key_reads {
                resp::push_cmd(&mut conn.out, &[b"ASKING"]);
            }
            resp::push_cmd(&mut conn.out, &[b"TYPE", batch.key(i)]);
        }
        conn.send()?;
        for &i in &odd {
            if shared.per_key_reads {
                conn.read()?;
            }
            let reply = conn.read()?;
            let Some(redis_type) = reply.text() else {
                match reply.error() {
                    Some(e) if shared.per_key_reads && is_redirect(&e) => {
                        moved += 1;
                        continue;
                    }
                    e => return Err(fatal("TYPE", e.unwrap_or_else(|| "unexpected reply".into()))),
                }
            };
            // "none": expired or deleted since SCAN. "string": recreated since the read.
            if redis_type != "none" && redis_type != "string" {
                found.push(Found::NotString { key: batch.key(i).to_vec(), redis_type });
            }
        }
    }
    for (i, user) in wanted {
        let ttl_ms = if shared.with_ttl {
            match ttls[i] {
                -2 => continue, // expired between the value read and PTTL
                -1 => None,
                ms => Some(ms),
            }
        } else {
            None
        };
        let key = batch.key(i);
        found.push(Found::Session(Session {
            key: key.to_vec(),
            id: key[shared.prefix.len()..].to_vec(),
            user,
            ttl_ms,
        }));
    }
    Ok((found, moved))
}

/// A cluster redirection (`MOVED slot addr`, `ASK slot addr`).
pub(crate) fn is_redirect(error: &str) -> bool {
    error.starts_with("MOVED ") || error.starts_with("ASK ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn glob_characters_are_escaped() {
        assert_eq!(match_pattern(b"session:"), b"session:*");
        assert_eq!(match_pattern(b"a*b?[c]\\"), b"a\\*b\\?\\[c\\]\\\\*");
    }
}
