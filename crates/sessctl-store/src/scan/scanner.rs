//! One part's scanner thread: `SCAN cursor MATCH <prefix>* COUNT n` until the cursor comes
//! back to 0, handing each batch of keys to the part's readers.

use std::sync::atomic::Ordering;
use std::sync::mpsc::SyncSender;
use std::time::{Duration, Instant};

use super::shared::{KeyBatch, Msg, Shared};
use crate::error::{ServerError, StoreError};
use crate::wire::{self, Conn, Fail, Reply, Tok};

/// Where the scanner stands.
struct Position {
    cursor: u64,
    /// The address of the node that issued `cursor`.
    owner: String,
    /// Restarts so far, and batches sent in this epoch.
    epoch: u32,
    seq: u64,
    /// The part moved to a new primary during the last SCAN.
    restarted: bool,
}

pub(crate) fn run(
    shared: &Shared,
    part: usize,
    keys: SyncSender<KeyBatch>,
    out: &SyncSender<Msg>,
) -> Result<(), StoreError> {
    let spec = &shared.parts[part];
    if spec.done {
        let _ = out.send(Msg::PartDone { part, epoch: 0, batches: 0 });
        return Ok(());
    }
    let mut conn: Option<Conn> = None;
    let mut at = Position {
        cursor: spec.start_cursor,
        owner: shared.part_primary(part)?.key(),
        epoch: 0,
        seq: 0,
        restarted: false,
    };
    // On a cluster, what this node says of its own slots before and after the scan: a slot
    // migrating or importing, or a change between the two, means keys may have moved under
    // the scan.
    let mut slots_before = own_slots(shared, part, &mut conn)?;
    // The server process that issues the cursors: one that restarts (a crash, a restart from
    // disk) hashes keys with a new seed, so the cursor would skip keys there, and deletions it
    // acknowledged but had not persisted are gone. Empty when INFO is refused.
    let mut process = run_id_of(shared.topology, spec.first_slot, &shared.abort)?;
    let mut cursor_text = Vec::with_capacity(20);
    let mut last: Option<(usize, Duration)> = None;
    loop {
        if shared.abort.load(Ordering::Relaxed) || shared.paced_out.load(Ordering::Relaxed) {
            return Ok(());
        }
        if let (Some(pacer), Some((n, latency))) = (shared.pacer, last) {
            if !pacer.pace(part, n, latency) {
                shared.paced_out.store(true, Ordering::SeqCst);
                return Ok(());
            }
        }
        // A failover noticed elsewhere (a write's WAIT fell short, a Sentinel announced a new
        // primary): the map names another primary for this part. Leave the old one, whose
        // data may be replaced, and start again on the new one.
        if let (Some(c), Ok(primary)) = (&conn, shared.part_primary(part)) {
            if c.addr != primary.key() {
                conn = None;
            }
        }
        let started = Instant::now();
        let mut failed_before = false;
        let (next, mut batch) = wire::with_retry(
            shared.topology,
            &mut conn,
            &mut || shared.part_primary(part),
            Some(&shared.abort),
            |conn| {
                if std::mem::replace(&mut failed_before, true) {
                    recheck_node(shared, conn, &mut at, &mut process)?;
                }
                scan_once(shared, conn, &mut at, &mut cursor_text)
            },
        )?;
        if std::mem::take(&mut at.restarted) {
            if !announce_restart(shared, part, &mut at, out)? {
                return Ok(());
            }
            slots_before = own_slots(shared, part, &mut conn)?;
        }
        last = Some((batch.len(), started.elapsed()));
        at.cursor = next;
        batch.part = part;
        batch.epoch = at.epoch;
        batch.seq = at.seq;
        batch.cursor_after = next;
        at.seq += 1;
        if keys.send(batch).is_err() {
            return Ok(());
        }
        if next == 0 {
            if let Some(before) = slots_before {
                let after = own_slots(shared, part, &mut conn)?.unwrap_or_default();
                if before != after || before.contains('[') || after.contains('[') {
                    shared.resharding.store(true, Ordering::SeqCst);
                }
            }
            let _ = out.send(Msg::PartDone { part, epoch: at.epoch, batches: at.seq });
            return Ok(());
        }
    }
}

/// On a new connection after a failure: fails (as READONLY) when the node is no longer a
/// primary (a failover demoted it); when it is the node that issued the cursor but another
/// server process now (it restarted), records the restart and starts the part again.
fn recheck_node(shared: &Shared, conn: &mut Conn, at: &mut Position, process: &mut String) -> Result<(), Fail> {
    check_primary(conn)?;
    if conn.addr == at.owner && !process.is_empty() {
        let now = match conn.query(&[b"INFO", b"server"]) {
            Ok(reply) => reply.text().as_deref().map(run_id_in).unwrap_or_default(),
            Err(Fail::Server { .. }) => String::new(),
            Err(fail) => return Err(fail),
        };
        if !now.is_empty() && now != *process {
            shared.topology.record_restart(&conn.addr);
            *process = now;
            at.cursor = 0;
            at.restarted = true;
        }
    }
    Ok(())
}

/// One `SCAN` at the part's cursor on `conn` (at cursor 0 when `conn` is a new primary: the
/// cursor was issued by another node and means nothing there), and its keys.
fn scan_once(
    shared: &Shared,
    conn: &mut Conn,
    at: &mut Position,
    cursor_text: &mut Vec<u8>,
) -> Result<(u64, KeyBatch), Fail> {
    if conn.addr != at.owner {
        // A new primary: the cursor was issued by another node and means nothing
        // here. Start this part again.
        at.owner = conn.addr.clone();
        at.cursor = 0;
        at.restarted = true;
    }
    cursor_text.clear();
    wire::push_uint(cursor_text, at.cursor);
    wire::push_cmd(&mut conn.out, &[b"SCAN", cursor_text, b"MATCH", &shared.pattern, b"COUNT", &shared.count]);
    conn.send()?;
    let addr = conn.addr.clone();
    let reply = conn.read()?;
    parse_scan_reply(&reply, shared.prefix, &addr)
}

/// The part started again on a new primary (or server process): a new epoch, counted, and
/// announced to the calling thread before any of its batches. False when the calling thread
/// is gone.
fn announce_restart(
    shared: &Shared,
    part: usize,
    at: &mut Position,
    out: &SyncSender<Msg>,
) -> Result<bool, StoreError> {
    let spec = &shared.parts[part];
    at.epoch += 1;
    at.seq = 0;
    shared.restarts.fetch_add(1, Ordering::SeqCst);
    let node = shared.topology.map().primary_for_slot(spec.first_slot).map(|p| p.id.clone());
    let run_id =
        if shared.resumable { run_id_of(shared.topology, spec.first_slot, &shared.abort)? } else { String::new() };
    let restarted = Msg::Restarted {
        part,
        epoch: at.epoch,
        node: node.unwrap_or_else(|| at.owner.clone()),
        addr: at.owner.clone(),
        run_id,
    };
    Ok(out.send(restarted).is_ok())
}

/// The `run_id` of the server process serving `slot` now (`INFO server`): a SCAN cursor is
/// only meaningful to the process that issued it (a restarted server hashes keys with a new
/// seed). Empty when the server will not say (an ACL without INFO).
pub(crate) fn run_id_of(
    topology: &crate::topology::Topology,
    slot: Option<u16>,
    abort: &std::sync::atomic::AtomicBool,
) -> Result<String, StoreError> {
    let mut conn: Option<Conn> = None;
    let node = &mut || {
        let map = topology.map();
        map.primary_for_slot(slot)
            .map(|p| p.endpoint.clone())
            .ok_or_else(|| crate::error::TopologyError::SlotNotServed { slot: slot.unwrap_or_default() }.into())
    };
    wire::with_retry(topology, &mut conn, node, Some(abort), |conn| match conn.query(&[b"INFO", b"server"]) {
        Ok(reply) => Ok(reply.text().as_deref().map(run_id_in).unwrap_or_default()),
        Err(Fail::Server { error, .. }) if !error.kind.is_transient() => Ok(String::new()),
        Err(fail) => Err(fail),
    })
}

/// The `run_id:` line of `INFO server`.
fn run_id_in(info: &str) -> String {
    info.lines().find_map(|l| l.strip_prefix("run_id:")).map(|v| v.trim().to_string()).unwrap_or_default()
}

/// Fails (as READONLY, which the retry policy waits out with a fresh topology) when the
/// node is not a primary any more. An ACL that refuses ROLE is taken as a yes.
pub(crate) fn check_primary(conn: &mut Conn) -> Result<(), Fail> {
    let addr = conn.addr.clone();
    let role = match conn.query(&[b"ROLE"]) {
        Ok(reply) => match reply.toks {
            [Tok::Array(_), role @ Tok::Bulk(..), ..] => String::from_utf8_lossy(reply.bytes(*role)).into_owned(),
            _ => return Ok(()),
        },
        Err(Fail::Server { error, .. }) if !error.kind.is_transient() => return Ok(()),
        Err(fail) => return Err(fail),
    };
    if role == "master" {
        return Ok(());
    }
    Err(Fail::server(&addr, "ROLE", ServerError::parse(&format!("READONLY the node is a {role} now, not a primary"))))
}

/// The slots a cluster node serves, with its migrating/importing marks (`[slot->-id]`,
/// `[slot-<-id]`), from the `myself` line of its `CLUSTER NODES`. `None` off a cluster.
fn own_slots(shared: &Shared, part: usize, conn: &mut Option<Conn>) -> Result<Option<String>, StoreError> {
    if !shared.per_key_reads {
        return Ok(None);
    }
    let text =
        wire::with_retry(shared.topology, conn, &mut || shared.part_primary(part), Some(&shared.abort), |conn| {
            let addr = conn.addr.clone();
            let reply = conn.query(&[b"CLUSTER", b"NODES"])?;
            reply.text().ok_or_else(|| {
                Fail::Fatal(StoreError::UnexpectedReply {
                    addr,
                    command: "CLUSTER NODES".into(),
                    detail: reply.excerpt(),
                })
            })
        })?;
    let myself = text.lines().find(|l| l.split(' ').nth(2).is_some_and(|flags| flags.contains("myself")));
    Ok(Some(myself.map(|l| l.split(' ').skip(8).collect::<Vec<_>>().join(" ")).unwrap_or_default()))
}

/// `[cursor, [key, …]]` → the next cursor and the keys that really start with the prefix (a
/// glob can match more than intended).
fn parse_scan_reply(reply: &Reply, prefix: &[u8], addr: &str) -> Result<(u64, KeyBatch), Fail> {
    if let Some(error) = reply.error() {
        return Err(Fail::server(addr, "SCAN", error));
    }
    let toks = reply.toks;
    let bad = || {
        Fail::Fatal(StoreError::UnexpectedReply {
            addr: addr.to_string(),
            command: "SCAN".into(),
            detail: reply.excerpt(),
        })
    };
    let (cursor_tok, n) = match toks {
        [Tok::Array(2), c @ Tok::Bulk(..), Tok::Array(n), ..] => (*c, *n),
        _ => return Err(bad()),
    };
    let cursor =
        std::str::from_utf8(reply.bytes(cursor_tok)).ok().and_then(|s| s.parse::<u64>().ok()).ok_or_else(bad)?;
    if toks.len() != n + 3 {
        return Err(bad());
    }
    let mut batch = KeyBatch {
        part: 0,
        epoch: 0,
        seq: 0,
        cursor_after: 0,
        data: Vec::with_capacity(n * 64),
        ends: Vec::with_capacity(n),
    };
    for &tok in &toks[3..] {
        if !matches!(tok, Tok::Bulk(..)) {
            return Err(bad());
        }
        let key = reply.bytes(tok);
        if key.starts_with(prefix) {
            batch.data.extend_from_slice(key);
            batch.ends.push(batch.data.len());
        }
    }
    Ok((cursor, batch))
}
