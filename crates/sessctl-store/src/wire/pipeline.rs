//! Pipelined single-key commands routed by hash slot: the engines behind `create`,
//! `delete_if_holds`, `expire_if_persistent` ([`run_writes`]) and `lookup`/`lookup_many`
//! ([`run_lookups`]). This is where MOVED (re-read the slot map, send again), ASK (send once
//! to that node after ASKING) and NOSCRIPT (SCRIPT LOAD on that node, send again) are handled
//! for them; the scan handles its own (see `scan/reader.rs`).
//!
//! Each round groups the pending items by node and sends each group as one pipeline per
//! [`BATCH`]. Items whose reply was lost with a broken connection, that were redirected, or
//! that met a transient error go back into the pending list for the next round, after the
//! retry policy's pause (and a topology refresh when it asks for one).

use std::collections::BTreeMap;
use std::sync::Arc;

use super::conn::{Conn, Endpoint};
use super::fail::Fail;
use super::resp::{self, Reply, Tok};
use super::retry::{with_retry, Attempts, Next};
use super::router::{Pooled, Router};
use crate::error::{ServerError, ServerErrorKind, StoreError};

/// Commands per pipeline round trip.
pub(crate) const BATCH: usize = 1000;

/// Runs `f` on a pooled connection to `node`, retrying as the policy says.
pub(crate) fn on_node<R>(
    router: &dyn Router,
    node: &Arc<Endpoint>,
    f: impl FnMut(&mut Conn) -> Result<R, Fail>,
) -> Result<R, StoreError> {
    with_retry(router, &mut Pooled(router), &mut || Ok(node.clone()), None, f)
}

/// A Lua script run with EVALSHA (loaded on NOSCRIPT).
pub(crate) struct Script {
    pub code: &'static str,
    pub sha: String,
}

impl Script {
    pub fn new(code: &'static str) -> Script {
        use sha1::{Digest, Sha1};
        Script { code, sha: hex::encode(Sha1::digest(code.as_bytes())) }
    }

    /// `SCRIPT LOAD` on `node` (after a NOSCRIPT reply there), one attempt: a node that cannot
    /// be reached now may have been replaced (a failover right after it answered NOSCRIPT), so
    /// the caller's retry policy decides, routing the writes again, rather than a retry loop
    /// bound to that node.
    fn load(&self, router: &dyn Router, node: &Arc<Endpoint>) -> Result<(), Fail> {
        let mut conn = router.take(node)?;
        conn.query(&[b"SCRIPT", b"LOAD", self.code.as_bytes()])?;
        router.keep(conn);
        Ok(())
    }
}

/// A server error that waiting may cure (LOADING, READONLY, …).
fn fail_is_transient(fail: &Fail) -> bool {
    matches!(fail, Fail::Server { error, .. } if error.kind.is_transient())
}

/// What one conditional write answered.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Outcome {
    /// It made the change.
    Done,
    /// It did not, and the key is not in the state the change leaves (another user's value,
    /// another type).
    NotDone,
    /// It did not, but the key is already in the state the change leaves (gone, set, given
    /// a TTL). When the command had been sent before and its reply was lost with the
    /// connection, that earlier attempt made the change: it counts as done.
    AlreadySo,
}

/// A pipelined write: one command (one reply) per item.
pub(crate) struct Writes<'a> {
    /// The command's name, for messages.
    pub command: &'a str,
    pub key: &'a dyn Fn(usize) -> &'a [u8],
    pub encode: &'a dyn Fn(&mut Vec<u8>, usize),
    pub decode: &'a dyn Fn(&Reply) -> Option<Outcome>,
    /// The script the command runs (EVALSHA), to load where a node answers NOSCRIPT.
    pub script: Option<&'a Script>,
}

/// Where an item goes: the node serving its slot, or (after ASK) a given node with ASKING.
#[derive(Clone)]
enum Route {
    Slot,
    Ask(Arc<Endpoint>),
}

/// Items bound for one node: the node, whether they go after ASKING, and the items.
type Group = (Arc<Endpoint>, bool, Vec<usize>);

/// Groups items by the node they go to (in item order within a node).
fn group<'k>(
    router: &dyn Router,
    pending: Vec<(usize, Route)>,
    key: &dyn Fn(usize) -> &'k [u8],
) -> Result<Vec<Group>, StoreError> {
    let mut groups: BTreeMap<(String, bool), (Arc<Endpoint>, Vec<usize>)> = BTreeMap::new();
    for (i, route) in pending {
        let (node, asking) = match route {
            Route::Slot => (router.node_for(key(i))?, false),
            Route::Ask(node) => (node, true),
        };
        groups.entry((node.key(), asking)).or_insert_with(|| (node, Vec::new())).1.push(i);
    }
    Ok(groups.into_iter().map(|((_, asking), (node, items))| (node, asking, items)).collect())
}

/// [`group`], waiting out a slot no primary serves (a cluster failover under way: the map
/// was read while the slot changed hands) as the retry policy waits out CLUSTERDOWN: `None`
/// after such a wait (route again), an error when the deadline has passed.
fn route_all<'k>(
    router: &dyn Router,
    attempts: &mut Attempts,
    pending: &[(usize, Route)],
    key: &dyn Fn(usize) -> &'k [u8],
    command: &str,
) -> Result<Option<Vec<Group>>, StoreError> {
    match group(router, pending.to_vec(), key) {
        Ok(groups) => Ok(Some(groups)),
        Err(StoreError::Topology(crate::error::TopologyError::SlotNotServed { slot })) => {
            let error = ServerError::parse(&format!("CLUSTERDOWN Hash slot {slot} not served"));
            match attempts.failed(Fail::server("the cluster", command, error)) {
                Next::GiveUp(e) => Err(e),
                Next::Retry { wait, .. } => {
                    super::retry::pause(wait, None);
                    router.refresh();
                    Ok(None)
                }
            }
        }
        Err(e) => Err(e),
    }
}

/// The route for an item a node redirected.
fn redirected(router: &dyn Router, kind: &ServerErrorKind) -> Route {
    match kind {
        ServerErrorKind::Ask { addr, .. } => router.node_at(addr).map_or(Route::Slot, Route::Ask),
        _ => Route::Slot,
    }
}

/// What a round left to do.
#[derive(Default)]
struct Round {
    /// Writes a node made whose `WAIT` fell short or was lost: the node, the replicas wanted,
    /// and the items (each made its change there).
    unconfirmed: Vec<(Arc<Endpoint>, u32, Vec<usize>)>,
    again: Vec<(usize, Route)>,
    /// The first failure that calls for the retry policy (a lost connection, a transient error).
    failure: Option<Fail>,
    /// Items were redirected; with MOVED, re-read the slot map before the next round.
    redirected: bool,
    moved: bool,
    /// Nodes that answered NOSCRIPT.
    noscript: Vec<Arc<Endpoint>>,
    progress: bool,
}

/// Runs one write per item, pipelined per node, following MOVED/ASK and NOSCRIPT and retrying
/// lost replies. `true` where the item's change was made (and, where the primary has replicas,
/// acknowledged by them: see `confirm.rs`). An item whose reply was lost with a broken
/// connection is sent again; the conditional writes used here never do anything twice, and an
/// item sent again that finds its key already in the state its change leaves
/// ([`Outcome::AlreadySo`]) counts as done by the lost attempt. Writes made on a primary that
/// then turned out to be replaced are sent again to the new one, the same way.
///
/// When writes could not be confirmed before the retry deadline, the error is
/// [`StoreError::Unconfirmed`], carrying what was confirmed.
pub(crate) fn run_writes(router: &dyn Router, items: usize, w: &Writes) -> Result<Vec<bool>, StoreError> {
    let mut results: Vec<Option<bool>> = vec![None; items];
    // Items sent on a connection that broke before their reply came, or whose change was made
    // on a primary that was then replaced.
    let mut lost = vec![false; items];
    let mut pending: Vec<(usize, Route)> = (0..items).map(|i| (i, Route::Slot)).collect();
    let mut attempts = Attempts::new(router.policy());
    let mut script_loads = 0;
    let mut failovers = 0;
    while !pending.is_empty() {
        let mut round = Round::default();
        let Some(groups) = route_all(router, &mut attempts, &pending, w.key, w.command)? else { continue };
        for (node, asking, indexes) in groups {
            write_group(router, &node, asking, &indexes, w, &mut results, &mut lost, &mut round)?;
        }
        confirm_round(router, w, &mut round, &mut results, &mut lost, &mut failovers)?;
        if round.progress {
            attempts.progress();
        }
        if let Some(script) = w.script {
            load_script(router, w, script, &mut round, &mut script_loads)?;
        }
        if round.redirected {
            attempts.redirected(w.command)?;
            if round.moved {
                router.refresh();
            }
        }
        if let Some(fail) = round.failure {
            match attempts.failed(fail) {
                Next::GiveUp(e) => return Err(e),
                Next::Retry { wait, refresh } => {
                    super::retry::pause(wait, None);
                    if refresh {
                        router.refresh();
                    }
                }
            }
        }
        pending = round.again;
    }
    Ok(results.into_iter().map(|r| r.unwrap_or(false)).collect())
}

/// Failovers followed within one call of [`run_writes`] before it stops and says the writes
/// are unconfirmed.
const MAX_FAILOVERS: u32 = 8;

/// Sends one node's items of a round in chunks of [`BATCH`] (see [`write_chunk`]). One
/// connection for the node's chunks, and one WAIT after the last: it covers every write the
/// connection made, and the replica applies the first chunks while the primary runs the next
/// ones. Changes still waiting for the replicas go to `round.unconfirmed`.
#[allow(clippy::too_many_arguments)]
fn write_group(
    router: &dyn Router,
    node: &Arc<Endpoint>,
    asking: bool,
    indexes: &[usize],
    w: &Writes,
    results: &mut [Option<bool>],
    lost: &mut [bool],
    round: &mut Round,
) -> Result<(), StoreError> {
    let mut group = NodeWrites::default();
    let chunks = indexes.chunks(BATCH).count();
    for (k, chunk) in indexes.chunks(BATCH).enumerate() {
        let last = k + 1 == chunks;
        write_chunk(router, node, asking, chunk, last, w, results, lost, round, &mut group)?;
    }
    if let Some(conn) = group.conn.take() {
        router.keep(conn);
    }
    if !group.made.is_empty() {
        round.unconfirmed.push((node.clone(), group.replicas, std::mem::take(&mut group.made)));
    }
    Ok(())
}

/// Settles the round's unconfirmed writes, node by node (see `confirm.rs`): confirmed, they
/// count; after a failover (at most [`MAX_FAILOVERS`] per call) they go round again, marked
/// lost; otherwise the call fails with [`StoreError::Unconfirmed`].
fn confirm_round(
    router: &dyn Router,
    w: &Writes,
    round: &mut Round,
    results: &mut [Option<bool>],
    lost: &mut [bool],
    failovers: &mut u32,
) -> Result<(), StoreError> {
    for (node, replicas, done) in std::mem::take(&mut round.unconfirmed) {
        match super::confirm::confirm(router, &node, replicas) {
            super::confirm::Confirmation::Confirmed => {
                for i in done {
                    results[i] = Some(true);
                }
            }
            super::confirm::Confirmation::FailedOver if *failovers < MAX_FAILOVERS => {
                *failovers += 1;
                // The changes may be lost with the old primary's history: make them again
                // where the keys live now; finding them already made there counts.
                for i in done {
                    lost[i] = true;
                    round.again.push((i, Route::Slot));
                }
            }
            outcome => {
                let (acked, why) = match outcome {
                    super::confirm::Confirmation::Unresolved { acked, why } => (acked, why),
                    _ => (0, format!("the primary was replaced {failovers} times during one batch")),
                };
                let writes = done.len();
                return Err(StoreError::Unconfirmed {
                    addr: node.key(),
                    command: w.command.to_string(),
                    writes,
                    replicas,
                    acked,
                    why,
                    confirmed: results.iter().map(|r| *r == Some(true)).collect(),
                });
            }
        }
    }
    Ok(())
}

/// Loads `script` on the nodes of the round that answered NOSCRIPT (their items already go
/// round again); gives up when the script is forgotten again three rounds in a row.
fn load_script(
    router: &dyn Router,
    w: &Writes,
    script: &Script,
    round: &mut Round,
    script_loads: &mut u32,
) -> Result<(), StoreError> {
    round.noscript.dedup_by_key(|n| n.key());
    if !round.noscript.is_empty() {
        *script_loads += 1;
        if *script_loads > 3 {
            let node = &round.noscript[0];
            return Err(StoreError::Refused {
                addr: node.key(),
                command: w.command.to_string(),
                error: ServerError::parse("NOSCRIPT the script is forgotten as soon as it is loaded"),
            });
        }
    }
    for node in &round.noscript {
        match script.load(router, node) {
            Ok(()) => {}
            Err(fail @ Fail::Fatal(_)) => return Err(fail.into_error()),
            Err(fail @ Fail::Server { .. }) if !fail_is_transient(&fail) => return Err(fail.into_error()),
            // The items go round again; the policy waits, re-reads the map and gives up
            // at the deadline like any lost connection.
            Err(fail) => {
                round.failure.get_or_insert(fail);
            }
        }
    }
    Ok(())
}

/// The chunks of one node in one round: the connection they share, and the changes made on
/// it that wait for the replicas.
#[derive(Default)]
struct NodeWrites {
    conn: Option<Conn>,
    replicas: u32,
    made: Vec<usize>,
    /// A write sent again after a lost reply is among them (see `write_chunk`).
    resent: bool,
}

/// Sends one chunk of writes to `node` and reads their replies, then, after the group's last
/// chunk and where the node's replicas must acknowledge, the reply of the `WAIT` queued after
/// them, which confirms every change the group's connection made.
#[allow(clippy::too_many_arguments)]
fn write_chunk(
    router: &dyn Router,
    node: &Arc<Endpoint>,
    asking: bool,
    chunk: &[usize],
    last: bool,
    w: &Writes,
    results: &mut [Option<bool>],
    lost: &mut [bool],
    round: &mut Round,
    group: &mut NodeWrites,
) -> Result<(), StoreError> {
    let (mut conn, replicas) = match chunk_conn(router, node, group)? {
        Ok(taken) => taken,
        Err(fail) => {
            round.again.extend(chunk.iter().map(|&i| (i, chunk_route(node, asking))));
            round.failure.get_or_insert(fail);
            return Ok(());
        }
    };
    group.replicas = replicas;
    // A write sent again after a lost reply may find its change already made by the lost
    // attempt, on another connection: this connection's WAIT does not cover that one, so the
    // batch is confirmed by the replicas' offsets instead.
    group.resent |= chunk.iter().any(|&i| lost[i]);
    let wait = queue_chunk(router, &mut conn, asking, chunk, last, w, replicas);
    let mut answered = 0;
    let read = read_chunk(router, node, &mut conn, asking, chunk, w, wait, lost, results, round, group, &mut answered);
    match read {
        Ok(()) if last => router.keep(conn),
        Ok(()) => group.conn = Some(conn),
        Err(fail) if fail.is_io() => {
            // The replies from `answered` on were lost: those commands may or may not have run.
            for &i in &chunk[answered..] {
                lost[i] = true;
                round.again.push((i, chunk_route(node, asking)));
            }
            round.failure.get_or_insert(fail);
            // The changes made on the lost connection can only be confirmed by the offsets.
            if !group.made.is_empty() {
                round.unconfirmed.push((node.clone(), replicas, std::mem::take(&mut group.made)));
            }
        }
        Err(fail) => return Err(fail.into_error()),
    }
    Ok(())
}

/// Where a chunk's item goes again: after ASK, the same node with ASKING.
fn chunk_route(node: &Arc<Endpoint>, asking: bool) -> Route {
    if asking {
        Route::Ask(node.clone())
    } else {
        Route::Slot
    }
}

/// The connection a chunk goes on (the group's, or one from the pool) and how many replicas
/// must acknowledge writes to `node`. A failure that trying again may cure is returned for the
/// caller to give the chunk back to the round; a final one is the error.
fn chunk_conn(
    router: &dyn Router,
    node: &Arc<Endpoint>,
    group: &mut NodeWrites,
) -> Result<Result<(Conn, u32), Fail>, StoreError> {
    let taken = match group.conn.take() {
        Some(conn) => Ok(conn),
        None => router.take(node),
    };
    let mut conn = match taken {
        Ok(conn) => conn,
        Err(fail @ Fail::Fatal(_)) => return Err(fail.into_error()),
        Err(fail) => return Ok(Err(fail)),
    };
    match router.wait_replicas(node, &mut conn) {
        Ok(n) => Ok(Ok((conn, n))),
        Err(fail @ Fail::Fatal(_)) => Err(fail.into_error()),
        Err(fail) => Ok(Err(fail)),
    }
}

/// Queues the chunk's commands on `conn` (each after ASKING when `asking`), and after the
/// group's last chunk, where replicas must acknowledge, `WAIT <replicas> <timeout>`. True when
/// the `WAIT` was queued.
fn queue_chunk(
    router: &dyn Router,
    conn: &mut Conn,
    asking: bool,
    chunk: &[usize],
    last: bool,
    w: &Writes,
    replicas: u32,
) -> bool {
    for &i in chunk {
        if asking {
            resp::push_cmd(&mut conn.out, &[b"ASKING"]);
        }
        (w.encode)(&mut conn.out, i);
    }
    let mut wait_text = Vec::new();
    let wait = replicas > 0 && last;
    if wait {
        resp::push_uint(&mut wait_text, router.wait_timeout_ms());
        let mut n = Vec::new();
        resp::push_uint(&mut n, u64::from(replicas));
        resp::push_cmd(&mut conn.out, &[b"WAIT", &n, &wait_text]);
    }
    wait
}

/// Sends the queued chunk and reads its replies (`answered` counts the items whose reply was
/// read): a change made counts at once where no replica must acknowledge it, and waits in
/// `group.made` otherwise; redirected, NOSCRIPT and transient items go back to the round.
/// Then the `WAIT` reply, when `wait`: enough replicas (and no write sent again in the group)
/// confirm every change the group made. An error reply that waiting does not cure, or a reply
/// the command does not give, is the failure.
#[allow(clippy::too_many_arguments)]
fn read_chunk(
    router: &dyn Router,
    node: &Arc<Endpoint>,
    conn: &mut Conn,
    asking: bool,
    chunk: &[usize],
    w: &Writes,
    wait: bool,
    lost: &[bool],
    results: &mut [Option<bool>],
    round: &mut Round,
    group: &mut NodeWrites,
    answered: &mut usize,
) -> Result<(), Fail> {
    let replicas = group.replicas;
    // Changes made, waiting for the replicas (only where they must acknowledge).
    let made = &mut group.made;
    let resent = group.resent;
    let addr = conn.addr.clone();
    conn.send()?;
    for &i in chunk {
        if asking {
            conn.read()?;
        }
        let reply = conn.read()?;
        *answered += 1;
        let Some(error) = reply.error() else {
            let Some(outcome) = (w.decode)(&reply) else {
                return Err(Fail::Fatal(StoreError::UnexpectedReply {
                    addr: addr.clone(),
                    command: w.command.to_string(),
                    detail: reply.excerpt(),
                }));
            };
            let done = match outcome {
                Outcome::Done => true,
                Outcome::NotDone => false,
                Outcome::AlreadySo => lost[i],
            };
            if done && replicas > 0 {
                made.push(i);
            } else {
                results[i] = Some(done);
            }
            round.progress = true;
            continue;
        };
        match &error.kind {
            kind if kind.is_redirect() => {
                round.redirected = true;
                round.moved |= matches!(kind, ServerErrorKind::Moved { .. });
                round.again.push((i, redirected(router, kind)));
            }
            ServerErrorKind::NoScript if w.script.is_some() => {
                round.noscript.push(node.clone());
                round.again.push((i, chunk_route(node, asking)));
            }
            kind if kind.is_transient() => {
                round.failure.get_or_insert(Fail::server(&addr, w.command, error));
                round.again.push((i, chunk_route(node, asking)));
            }
            // Refused for good: the connection is dropped (its other replies unread).
            _ => return Err(Fail::server(&addr, w.command, error)),
        }
    }
    if wait {
        let reply = conn.read()?;
        let acked = match reply.top() {
            Tok::Int(n) => n.max(0) as u64,
            // Refused (an ACL without WAIT): the offsets decide.
            _ => 0,
        };
        if acked >= u64::from(replicas) && !resent {
            for &i in made.iter() {
                results[i] = Some(true);
            }
            made.clear();
        }
    }
    Ok(())
}

/// A pipelined read of single keys (GET + PTTL for a lookup).
pub(crate) trait Lookups {
    type Out;
    fn key(&self, i: usize) -> &[u8];
    /// Queues item `i`'s commands (each after ASKING when `asking`).
    fn push(&self, out: &mut Vec<u8>, i: usize, asking: bool);
    /// Reads item `i`'s replies (ASKING's too): the answer, or the error reply that stopped
    /// it (the engine follows redirections, waits out transient errors and, for WRONGTYPE,
    /// asks TYPE and calls [`Lookups::wrong_type`]).
    fn read(&self, conn: &mut Conn, i: usize, asking: bool) -> Result<Result<Self::Out, ServerError>, Fail>;
    /// The answer for a key whose type turned out to be `redis_type`; `None` when it is a
    /// string again (replaced meanwhile): read it again.
    fn wrong_type(&self, redis_type: &str) -> Option<Self::Out>;
    /// The command's name, for messages.
    fn command(&self) -> &str;
}

/// Runs a lookup per item, pipelined per node (one round trip per node for the whole list),
/// following redirections. Reads are idempotent, so a group whose connection breaks is read
/// again whole.
pub(crate) fn run_lookups<L: Lookups>(
    router: &dyn Router,
    op: &L,
    items: usize,
    abort: Option<&std::sync::atomic::AtomicBool>,
) -> Result<Vec<L::Out>, StoreError> {
    let mut found: Vec<Option<L::Out>> = (0..items).map(|_| None).collect();
    let mut pending: Vec<(usize, Route)> = (0..items).map(|i| (i, Route::Slot)).collect();
    let mut attempts = Attempts::new(router.policy());
    while !pending.is_empty() {
        let mut again = Vec::new();
        let mut moved = false;
        let mut wrong_type = Vec::new();
        let Some(groups) = route_all(router, &mut attempts, &pending, &|i| op.key(i), op.command())? else { continue };
        for (node, asking, indexes) in groups {
            for chunk in indexes.chunks(BATCH) {
                let answers = with_retry(router, &mut Pooled(router), &mut || Ok(node.clone()), abort, |conn| {
                    for &i in chunk {
                        op.push(&mut conn.out, i, asking);
                    }
                    conn.send()?;
                    let mut answers = Vec::with_capacity(chunk.len());
                    let mut transient = None;
                    for &i in chunk {
                        let answer = op.read(conn, i, asking)?;
                        if let Err(e) = &answer {
                            if e.kind.is_transient() {
                                transient.get_or_insert_with(|| e.clone());
                            }
                        }
                        answers.push(answer);
                    }
                    // A transient error: wait and read the whole group again.
                    match transient {
                        Some(error) => Err(Fail::server(&conn.addr, op.command(), error)),
                        None => Ok(answers),
                    }
                })?;
                for (&i, answer) in chunk.iter().zip(answers) {
                    match answer {
                        Ok(out) => found[i] = Some(out),
                        Err(e) if e.kind == ServerErrorKind::WrongType => wrong_type.push((i, node.clone(), asking)),
                        Err(e) if e.kind.is_redirect() => {
                            moved |= matches!(e.kind, ServerErrorKind::Moved { .. });
                            again.push((i, redirected(router, &e.kind)));
                        }
                        Err(error) => {
                            return Err(StoreError::Refused { addr: node.key(), command: op.command().into(), error })
                        }
                    }
                }
            }
        }
        // Not a string (or not any more): TYPE says what it is now.
        for (i, node, asking) in wrong_type {
            let redis_type = on_node(router, &node, |conn| {
                if asking {
                    resp::push_cmd(&mut conn.out, &[b"ASKING"]);
                    conn.send()?;
                    conn.read()?;
                }
                let addr = conn.addr.clone();
                let reply = conn.query(&[b"TYPE", op.key(i)])?;
                reply.text().ok_or_else(|| {
                    Fail::Fatal(StoreError::UnexpectedReply { addr, command: "TYPE".into(), detail: reply.excerpt() })
                })
            });
            match redis_type {
                Ok(t) => match op.wrong_type(&t) {
                    Some(out) => found[i] = Some(out),
                    None => again.push((i, Route::Slot)),
                },
                // Moved away meanwhile: look again where it is now.
                Err(StoreError::Refused { error, .. }) if error.kind.is_redirect() => {
                    again.push((i, redirected(router, &error.kind)))
                }
                Err(e) => return Err(e),
            }
        }
        if !again.is_empty() {
            attempts.redirected(op.command())?;
            if moved {
                router.refresh();
            }
        }
        pending = again;
    }
    Ok(found.into_iter().map(|f| f.expect("every item is answered before the loop ends")).collect())
}
