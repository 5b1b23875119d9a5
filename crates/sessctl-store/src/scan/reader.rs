//! A part's reader threads: read the values (and TTLs) of each batch of keys, keep what the
//! request wants, and pass it on.
//!
//! One batch is read in one pipeline, whole, and repeated whole when a reply is lost:
//! values (`MGET` in chunks on standalone Redis, one `GET` per key on a cluster node), then
//! `PTTL`s when asked; keys a cluster node redirected (a slot being migrated) are read again
//! after `ASKING`; keys that were not strings are asked `TYPE`.

use std::sync::atomic::Ordering;
use std::sync::mpsc::{Receiver, SyncSender};
use std::sync::Mutex;

use super::shared::{KeyBatch, Msg, Shared};
use crate::error::{ServerError, ServerErrorKind, StoreError};
use crate::ops::{push_get_pttl, read_get_pttl};
use crate::session::{Found, Lookup, Session};
use crate::wire::{self, Conn, Fail, Reply, Tok};

/// Keys per MGET.
const MGET_CHUNK: usize = 250;

pub(crate) fn run(shared: &Shared, keys: &Mutex<Receiver<KeyBatch>>, out: &SyncSender<Msg>) -> Result<(), StoreError> {
    let mut conn: Option<Conn> = None;
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
        // The map names another primary for the part (a failover found elsewhere): read there.
        if let (Some(c), Ok(primary)) = (&conn, shared.part_primary(batch.part)) {
            if c.addr != primary.key() {
                conn = None;
            }
        }
        let (found, moved) = if batch.len() == 0 {
            (Vec::new(), 0)
        } else {
            let mut failed_before = false;
            wire::with_retry(
                shared.topology,
                &mut conn,
                &mut || shared.part_primary(batch.part),
                Some(&shared.abort),
                |conn| {
                    if std::mem::replace(&mut failed_before, true) {
                        super::scanner::check_primary(conn)?;
                    }
                    read_batch(shared, conn, &batch)
                },
            )?
        };
        shared.moved.fetch_add(moved, Ordering::SeqCst);
        if moved > 0 {
            // Keys redirected between SCAN and their read: a resharding, or the part's slots
            // taken over by a replica (CLUSTER FAILOVER FORCE, a failover the scanner's
            // connection has not seen). Read the map again: if the part has a new primary, the
            // scanner starts the part again there (before its next SCAN) and these keys come
            // again; the failover is recorded.
            wire::Retrying::refresh(shared.topology);
        }
        let msg = Msg::Batch {
            part: batch.part,
            epoch: batch.epoch,
            seq: batch.seq,
            cursor_after: batch.cursor_after,
            found,
            scanned: batch.len() as u64,
        };
        if out.send(msg).is_err() {
            return Ok(());
        }
    }
}

/// What the reads of one batch found so far.
#[derive(Default)]
struct Reads {
    /// Sessions wanted: (index in the batch, user).
    wanted: Vec<(usize, Vec<u8>)>,
    /// Keys that were not strings, or had vanished: `TYPE` tells which.
    odd: Vec<usize>,
    /// Keys a cluster node redirected (a slot migrating while we scan).
    redirected: Vec<usize>,
    /// Remaining TTL per key (ms; -1 none, -2 gone), when asked for.
    ttls: Vec<i64>,
    /// Keys that left this node between SCAN and their read.
    moved: u64,
    /// The first error reply that waiting may cure (CLUSTERDOWN during a failover, …): the
    /// batch is read again once every reply has been read.
    transient: Option<ServerError>,
}

/// Reads the values (and TTLs) of a batch and returns what the request wants of it, and how
/// many of its keys had moved to another cluster node by the time they were read.
fn read_batch(shared: &Shared, conn: &mut Conn, batch: &KeyBatch) -> Result<(Vec<Found>, u64), Fail> {
    queue_reads(shared, conn, batch);
    conn.send()?;
    let mut reads = Reads::default();
    if shared.per_key_reads {
        read_gets(shared, conn, batch, &mut reads)?;
    } else {
        read_mgets(shared, conn, batch, &mut reads)?;
    }
    if shared.with_ttl {
        read_ttls(shared, conn, batch, &mut reads)?;
    }
    if let Some(error) = reads.transient.take() {
        return Err(Fail::server(&conn.addr, "GET", error));
    }
    reread_redirected(shared, conn, batch, &mut reads)?;
    let mut found = Vec::with_capacity(reads.wanted.len() + reads.odd.len());
    classify_odd(shared, conn, batch, &mut reads, &mut found)?;
    for (i, user) in std::mem::take(&mut reads.wanted) {
        let ttl_ms = if shared.with_ttl {
            match reads.ttls[i] {
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
            expires_at_ms: None,
            repeat: false,
        }));
    }
    Ok((found, reads.moved))
}

/// Queues the batch's reads in one pipeline.
fn queue_reads(shared: &Shared, conn: &mut Conn, batch: &KeyBatch) {
    let n = batch.len();
    if shared.per_key_reads {
        for i in 0..n {
            wire::push_cmd(&mut conn.out, &[b"GET", batch.key(i)]);
        }
    } else {
        // Several bounded MGETs in one pipeline, so a large --scan-count never makes one huge
        // reply that blocks Redis for long.
        for start in (0..n).step_by(MGET_CHUNK) {
            let end = (start + MGET_CHUNK).min(n);
            wire::push_array(&mut conn.out, end - start + 1);
            wire::push_bulk(&mut conn.out, b"MGET");
            for i in start..end {
                wire::push_bulk(&mut conn.out, batch.key(i));
            }
        }
    }
    if shared.with_ttl {
        for i in 0..n {
            wire::push_cmd(&mut conn.out, &[b"PTTL", batch.key(i)]);
        }
    }
}

fn unexpected(addr: &str, command: &str, reply: &Reply) -> Fail {
    Fail::Fatal(StoreError::UnexpectedReply {
        addr: addr.to_string(),
        command: command.into(),
        detail: reply.excerpt(),
    })
}

/// Sorts an error reply to one key's command: a redirection, a wrong type, a state to wait
/// out, or (returned) a refusal that ends the scan.
fn per_key_error(reads: &mut Reads, i: usize, error: ServerError, addr: &str, command: &str) -> Result<(), Fail> {
    match error.kind {
        ServerErrorKind::WrongType => reads.odd.push(i),
        ref kind if kind.is_redirect() => reads.redirected.push(i),
        ref kind if kind.is_transient() => {
            reads.transient.get_or_insert(error);
        }
        _ => return Err(Fail::server(addr, command, error)),
    }
    Ok(())
}

/// One `GET` reply per key (cluster).
fn read_gets(shared: &Shared, conn: &mut Conn, batch: &KeyBatch, reads: &mut Reads) -> Result<(), Fail> {
    let mut refused = None;
    for i in 0..batch.len() {
        let addr = conn.addr.clone();
        let reply = conn.read()?;
        match reply.top() {
            tok @ Tok::Bulk(..) => {
                let value = reply.bytes(tok);
                if wanted(shared, value) {
                    reads.wanted.push((i, value.to_vec()));
                }
            }
            Tok::Nil => {}
            Tok::Error(..) => {
                let error = reply.error().unwrap_or_else(|| ServerError::parse(""));
                if let Err(fail) = per_key_error(reads, i, error, &addr, "GET") {
                    // Keep reading, so the connection stays in step.
                    refused.get_or_insert(fail);
                }
            }
            _ => {
                return Err(unexpected(&addr, "GET", &reply));
            }
        }
    }
    refused.map_or(Ok(()), Err)
}

/// `MGET` replies, one per chunk of keys (standalone).
fn read_mgets(shared: &Shared, conn: &mut Conn, batch: &KeyBatch, reads: &mut Reads) -> Result<(), Fail> {
    let n = batch.len();
    let mut refused = None;
    for start in (0..n).step_by(MGET_CHUNK) {
        let len = MGET_CHUNK.min(n - start);
        let addr = conn.addr.clone();
        let reply = conn.read()?;
        if let Some(error) = reply.error() {
            if error.kind.is_transient() {
                reads.transient.get_or_insert(error);
            } else {
                refused.get_or_insert(Fail::server(&addr, "MGET", error));
            }
            continue;
        }
        if reply.toks.len() != len + 1 || reply.top() != Tok::Array(len) {
            return Err(unexpected(&addr, "MGET", &reply));
        }
        for (j, &tok) in reply.toks[1..].iter().enumerate() {
            match tok {
                Tok::Bulk(..) => {
                    let value = reply.bytes(tok);
                    if wanted(shared, value) {
                        reads.wanted.push((start + j, value.to_vec()));
                    }
                }
                // Not a string, or gone since SCAN: TYPE tells which.
                _ => reads.odd.push(start + j),
            }
        }
    }
    refused.map_or(Ok(()), Err)
}

/// One `PTTL` reply per key.
fn read_ttls(shared: &Shared, conn: &mut Conn, batch: &KeyBatch, reads: &mut Reads) -> Result<(), Fail> {
    reads.ttls.reserve(batch.len());
    let mut refused = None;
    for i in 0..batch.len() {
        let addr = conn.addr.clone();
        let reply = conn.read()?;
        match reply.top() {
            Tok::Int(ms) => reads.ttls.push(ms),
            Tok::Error(..) => {
                reads.ttls.push(-2);
                let error = reply.error().unwrap_or_else(|| ServerError::parse(""));
                let redirect = error.kind.is_redirect();
                if redirect && !shared.per_key_reads {
                    refused.get_or_insert(Fail::server(&addr, "PTTL", error));
                } else if let Err(fail) = per_key_error(reads, i, error, &addr, "PTTL") {
                    refused.get_or_insert(fail);
                }
            }
            _ => {
                return Err(unexpected(&addr, "PTTL", &reply));
            }
        }
    }
    refused.map_or(Ok(()), Err)
}

/// A node that is importing a slot answers MOVED for keys it already holds unless the command
/// follows ASKING; a node migrating a slot away answers ASK for keys that have left it. Reads
/// each such key again after ASKING: what this node still holds is read here; what has left
/// it was moved while the scan ran and is counted as such.
fn reread_redirected(shared: &Shared, conn: &mut Conn, batch: &KeyBatch, reads: &mut Reads) -> Result<(), Fail> {
    if reads.redirected.is_empty() {
        return Ok(());
    }
    let mut redirected = std::mem::take(&mut reads.redirected);
    redirected.sort_unstable();
    redirected.dedup();
    let is_redirected = |i: &usize| redirected.binary_search(i).is_ok();
    reads.wanted.retain(|(i, _)| !is_redirected(i));
    reads.odd.retain(|i| !is_redirected(i));
    reads.odd.dedup();
    for &i in &redirected {
        push_get_pttl(&mut conn.out, batch.key(i), true);
    }
    conn.send()?;
    let mut refused = None;
    for &i in &redirected {
        let addr = conn.addr.clone();
        match read_get_pttl(conn, true)? {
            Err(e) if e.kind.is_redirect() => reads.moved += 1,
            Err(e) if e.kind == ServerErrorKind::WrongType => reads.odd.push(i),
            Err(e) => {
                refused.get_or_insert(Fail::server(&addr, "GET", e));
            }
            Ok(Lookup::Session { user, ttl_ms }) => {
                if shared.with_ttl {
                    reads.ttls[i] = ttl_ms.unwrap_or(-1);
                }
                if wanted(shared, &user) {
                    reads.wanted.push((i, user));
                }
            }
            Ok(_) => {} // gone since SCAN
        }
    }
    refused.map_or(Ok(()), Err)
}

/// Asks `TYPE` of the keys that were not strings (or had vanished) and reports the ones that
/// are something else than a string.
fn classify_odd(
    shared: &Shared,
    conn: &mut Conn,
    batch: &KeyBatch,
    reads: &mut Reads,
    found: &mut Vec<Found>,
) -> Result<(), Fail> {
    if reads.odd.is_empty() {
        return Ok(());
    }
    for &i in &reads.odd {
        if shared.per_key_reads {
            wire::push_cmd(&mut conn.out, &[b"ASKING"]);
        }
        wire::push_cmd(&mut conn.out, &[b"TYPE", batch.key(i)]);
    }
    conn.send()?;
    let mut refused = None;
    for &i in &reads.odd {
        if shared.per_key_reads {
            conn.read()?;
        }
        let addr = conn.addr.clone();
        let reply = conn.read()?;
        let Some(redis_type) = reply.text() else {
            match reply.error() {
                Some(e) if shared.per_key_reads && e.kind.is_redirect() => reads.moved += 1,
                Some(e) => {
                    refused.get_or_insert(Fail::server(&addr, "TYPE", e));
                }
                None => {
                    return Err(unexpected(&addr, "TYPE", &reply));
                }
            }
            continue;
        };
        // "none": expired or deleted since SCAN. "string": recreated since the read.
        if redis_type != "none" && redis_type != "string" {
            found.push(Found::NotString { key: batch.key(i).to_vec(), redis_type });
        }
    }
    refused.map_or(Ok(()), Err)
}

/// The request wants sessions of this user.
fn wanted(shared: &Shared, user: &[u8]) -> bool {
    shared.users.is_empty() || shared.users.contains(user)
}
