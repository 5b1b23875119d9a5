//! Live snapshots over the replication protocol, as `redis-cli --rdb` gets them: on a fresh
//! connection to each primary, `REPLCONF rdb-only 1` (the primary sends the RDB and nothing
//! after it; servers before 7.0 do not know it and are asked anyway), then `SYNC`. The
//! primary forks; its child writes the point-in-time RDB, either to the socket directly
//! (diskless: `$EOF:<40-byte mark>`, the RDB, the mark) or to disk first (`$<length>` then the
//! file). While the child works the primary sends a newline now and then. The RDB is parsed
//! as it streams in; nothing is written to disk here, and no server setting is changed.

use std::io::{self, BufReader, Read};
use std::ops::ControlFlow;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{sync_channel, Receiver, RecvTimeoutError, SyncSender};
use std::time::{Duration, Instant};

use super::{read_one, DumpRequest, DumpSummary, TtlBase};
use crate::error::StoreError;
use crate::scan::ScanEnd;
use crate::session::Found;
use crate::topology::Topology;
use crate::wire::{self, Conn, Fail};

/// After this long without the transfer starting, the caller is told the primary is waiting
/// (`repl-diskless-sync-delay`).
const WAIT_NOTICE: Duration = Duration::from_millis(1500);

/// The longest header line accepted (`$EOF:` and a 40-byte mark, or `$` and a length).
const MAX_HEADER: usize = 64;

/// The longest refusal line accepted instead of a header (Valkey's NOPERM line for SYNC is
/// 65 bytes; a `rename-command` or module error may be longer).
const MAX_REFUSAL: usize = 4096;

/// Reads a snapshot of every primary, delivering what is under `prefix` to `visit` on the
/// calling thread. Every primary is asked first and every transfer's header read before any
/// session is delivered: a primary that refuses is found before anything was acted on, and
/// the primaries' diskless delays run at the same time. Then one thread per primary reads
/// its transfer as it streams in (a primary is never kept waiting on another's), passing
/// batches through a bounded channel. `waiting(addr)` is called once per primary whose
/// transfer has not started after a moment.
pub(crate) fn snapshot<E: From<StoreError>>(
    topology: &Topology,
    prefix: &[u8],
    request: &DumpRequest,
    stop: &AtomicBool,
    waiting: &dyn Fn(&str),
    visit: &mut dyn FnMut(Found) -> Result<ControlFlow<()>, E>,
) -> Result<DumpSummary, E> {
    let Some(transfers) = start_transfers(topology, stop, waiting)? else {
        // Interrupted while a primary delayed its transfer: nothing was read.
        return Ok(DumpSummary {
            end: ScanEnd::Interrupted,
            base: TtlBase::Now,
            base_ms: request.now_ms,
            ..DumpSummary::default()
        });
    };

    let abort = AtomicBool::new(false);
    let mut summary = DumpSummary::default();
    let mut outcome: Result<(), E> = Ok(());
    let mut undelivered = 0u64;
    std::thread::scope(|scope| {
        let (tx, rx) = sync_channel::<Msg>(4 * transfers.len().max(1));
        for (addr, db, conn, mark) in transfers {
            let tx = tx.clone();
            let abort = &abort;
            let mut request = request.clone();
            request.db = db;
            scope.spawn(move || {
                let msg = match read_transfer(conn, &addr, mark, prefix, &request, abort, &tx) {
                    Ok(part) => Msg::Done(Box::new(part)),
                    Err(e) => Msg::Failed(e),
                };
                let _ = tx.send(msg);
            });
        }
        drop(tx);
        outcome = deliver(&rx, stop, &mut summary, &mut undelivered, visit);
        // Stop the readers (they check `abort`) and wait for their totals, so that a run cut
        // short still says which snapshots it read and as of when. Sessions read but never
        // delivered are not counted as scanned.
        abort.store(true, Ordering::SeqCst);
        for msg in rx.iter() {
            match msg {
                Msg::Batch(found) => undelivered += found.len() as u64,
                Msg::Done(part) => merge(&mut summary, &part),
                Msg::Failed(_) => {}
            }
        }
        summary.scanned = summary.scanned.saturating_sub(undelivered);
    });
    outcome?;
    Ok(summary)
}

/// A primary's transfer: its address, the database to read, the connection, and the end
/// mark of a diskless transfer (`Ok`) or the length of a disk-backed one (`Err`).
type Transfer = (String, u64, Conn, Result<[u8; 40], u64>);

/// Asks every primary for its snapshot, then reads every transfer's header (the primaries'
/// diskless delays run at the same time). `None` when `stop` was set while a primary delayed
/// its transfer.
fn start_transfers(
    topology: &Topology,
    stop: &AtomicBool,
    waiting: &dyn Fn(&str),
) -> Result<Option<Vec<Transfer>>, StoreError> {
    let map = topology.map();
    let mut conns = Vec::with_capacity(map.primaries.len());
    for primary in &map.primaries {
        let endpoint = &primary.endpoint;
        let mut conn = Conn::open(endpoint).map_err(Fail::into_connect_error)?;
        ask(&mut conn)?;
        conns.push((endpoint.key(), endpoint.db.max(0) as u64, conn));
    }
    let asked = Instant::now();
    let mut transfers = Vec::with_capacity(conns.len());
    for (addr, db, mut conn) in conns {
        let Some(mark) = header(&mut conn, asked, waiting, stop)? else {
            return Ok(None);
        };
        transfers.push((addr, db, conn, mark));
    }
    Ok(Some(transfers))
}

/// The calling thread's side of a snapshot: runs the visitor on the readers' batches (and
/// adds up their totals) until they are all gone, the visitor stops, `stop` is set or a reader
/// fails (its error is returned). Sessions of a batch left undelivered are added to
/// `undelivered`.
fn deliver<E: From<StoreError>>(
    rx: &Receiver<Msg>,
    stop: &AtomicBool,
    summary: &mut DumpSummary,
    undelivered: &mut u64,
    visit: &mut dyn FnMut(Found) -> Result<ControlFlow<()>, E>,
) -> Result<(), E> {
    loop {
        if stop.load(Ordering::Relaxed) {
            summary.end = ScanEnd::Interrupted;
            return Ok(());
        }
        match rx.recv_timeout(Duration::from_millis(50)) {
            Ok(Msg::Batch(found)) => {
                let mut outcome: Result<(), E> = Ok(());
                let mut left = found.len() as u64;
                for f in found {
                    left -= 1;
                    match visit(f) {
                        Ok(ControlFlow::Continue(())) => {}
                        Ok(ControlFlow::Break(())) => {
                            summary.end = ScanEnd::StoppedByVisitor;
                            break;
                        }
                        Err(e) => {
                            outcome = Err(e);
                            break;
                        }
                    }
                }
                *undelivered += left;
                if outcome.is_err() || summary.end != ScanEnd::Complete {
                    return outcome;
                }
            }
            Ok(Msg::Done(part)) => merge(summary, &part),
            Ok(Msg::Failed(e)) => return Err(e.into()),
            Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => return Ok(()),
        }
    }
}

/// What a reader thread sends.
enum Msg {
    Batch(Vec<Found>),
    Done(Box<DumpSummary>),
    Failed(StoreError),
}

/// Sessions per message from a reader thread.
const BATCH: usize = 256;

/// One primary's transfer, read to its end (and its end mark checked).
fn read_transfer(
    mut conn: Conn,
    addr: &str,
    mark: Result<[u8; 40], u64>,
    prefix: &[u8],
    request: &DumpRequest,
    abort: &AtomicBool,
    tx: &SyncSender<Msg>,
) -> Result<DumpSummary, StoreError> {
    let mut part = DumpSummary::default();
    let mut payload = Payload { conn: &mut conn, left: mark.as_ref().err().copied(), failure: None };
    let mut input = BufReader::with_capacity(1 << 16, &mut payload);
    let from = format!("the snapshot from {addr}");
    let mut batch = Vec::with_capacity(BATCH);
    let flow = read_one(&mut input, prefix, request, abort, Some(&from), &mut part, &mut |found| {
        batch.push(found);
        if batch.len() >= BATCH
            && tx.send(Msg::Batch(std::mem::replace(&mut batch, Vec::with_capacity(BATCH)))).is_err()
        {
            return Ok::<_, StoreError>(ControlFlow::Break(()));
        }
        Ok(ControlFlow::Continue(()))
    });
    let flow = match flow {
        Ok(flow) => flow,
        Err(e) => {
            drop(input);
            // A broken connection says more than "the dump ends early".
            if let Some(fail) = payload.failure.take() {
                return Err(snapshot_failed(addr, fail));
            }
            return Err(e);
        }
    };
    if let ControlFlow::Break(()) = flow {
        // Read but not delivered: sent so that the totals can leave them out.
        if !batch.is_empty() {
            let _ = tx.send(Msg::Batch(batch));
        }
        return Ok(part);
    }
    if !batch.is_empty() && tx.send(Msg::Batch(batch)).is_err() {
        return Ok(part);
    }
    if let Ok(mark) = mark {
        // Diskless: the RDB is followed by the mark the header announced.
        let mut end = [0u8; 40];
        let ended = input.read_exact(&mut end);
        if ended.is_err() || end != mark {
            return Err(StoreError::Snapshot {
                addr: addr.to_string(),
                detail: "the transfer did not end with the mark it announced".into(),
            });
        }
    }
    Ok(part)
}

/// Adds one primary's totals to the whole.
fn merge(whole: &mut DumpSummary, part: &DumpSummary) {
    whole.scanned += part.scanned;
    whole.expired += part.expired;
    whole.oversized += part.oversized;
    whole.keys += part.keys;
    whole.bytes += part.bytes;
    whole.dumps += part.dumps;
    whole.version = whole.version.max(part.version);
    whole.ctime = match (whole.ctime, part.ctime) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    };
    if whole.dumps == part.dumps || part.base_ms < whole.base_ms {
        whole.base = part.base;
        whole.base_ms = part.base_ms;
    }
}

fn snapshot_failed(addr: &str, fail: Fail) -> StoreError {
    match fail.into_error() {
        StoreError::Lost { cause, .. } => StoreError::Snapshot {
            addr: addr.to_string(),
            detail: format!("the connection broke during the transfer: {cause}"),
        },
        other => other,
    }
}

/// Asks a primary for a snapshot: `REPLCONF capa eof`, `REPLCONF rdb-only 1`, `SYNC`.
fn ask(conn: &mut Conn) -> Result<(), StoreError> {
    let addr = conn.addr.clone();
    let refused = |command: &str, detail: String| StoreError::SnapshotRefused {
        addr: addr.clone(),
        command: command.into(),
        detail,
    };
    // As redis-cli does: this client can read a diskless transfer (so the child streams the
    // RDB to the socket instead of writing a file first).
    match conn.query(&[b"REPLCONF", b"capa", b"eof"]) {
        Ok(_) => {}
        Err(Fail::Server { error, .. }) => return Err(refused("REPLCONF", error.to_string())),
        Err(fail) => return Err(fail.into_error()),
    }
    match conn.query(&[b"REPLCONF", b"rdb-only", b"1"]) {
        Ok(_) => {}
        // Before Redis 7.0: no rdb-only; the primary then streams its changes after the RDB,
        // which sessctl never reads (it hangs up).
        Err(Fail::Server { error, .. }) if error.message.contains("Unrecognized REPLCONF option") => {}
        Err(Fail::Server { error, .. }) => return Err(refused("REPLCONF", error.to_string())),
        Err(fail) => return Err(fail.into_error()),
    }
    wire::push_cmd(&mut conn.out, &[b"SYNC"]);
    conn.send().map_err(Fail::into_error)
}

/// Reads the transfer's header: `Ok(mark)` for a diskless transfer, `Err(len)` for one from
/// disk. The primary sends newlines while its child starts (every second, also through the
/// diskless delay); `None` when `stop` was set meanwhile.
fn header(
    conn: &mut Conn,
    asked: Instant,
    waiting: &dyn Fn(&str),
    stop: &AtomicBool,
) -> Result<Option<Result<[u8; 40], u64>>, StoreError> {
    let addr = conn.addr.clone();
    let mut told = false;
    let mut byte = [0u8; 1];
    let first = loop {
        if stop.load(Ordering::Relaxed) {
            return Ok(None);
        }
        if conn.read_raw(&mut byte).map_err(|f| snapshot_failed(&addr, f))? == 0 {
            return Err(StoreError::Snapshot { addr, detail: "the server closed the connection".into() });
        }
        if byte[0] != b'\n' {
            break byte[0];
        }
        if !told && asked.elapsed() >= WAIT_NOTICE {
            told = true;
            waiting(&addr);
        }
    };
    let mut line = Vec::new();
    loop {
        if conn.read_raw(&mut byte).map_err(|f| snapshot_failed(&addr, f))? == 0 {
            return Err(StoreError::Snapshot { addr, detail: "the server closed the connection".into() });
        }
        if byte[0] == b'\n' {
            break;
        }
        if line.len() >= if first == b'-' { MAX_REFUSAL } else { MAX_HEADER } {
            return Err(StoreError::Snapshot { addr, detail: "the transfer's header is too long".into() });
        }
        line.push(byte[0]);
    }
    if line.last() == Some(&b'\r') {
        line.pop();
    }
    let text = String::from_utf8_lossy(&line).into_owned();
    match first {
        b'-' => Err(StoreError::SnapshotRefused { addr, command: "SYNC".into(), detail: text }),
        b'$' => {
            if let Some(mark) = text.strip_prefix("EOF:") {
                let mark: [u8; 40] = mark.as_bytes().try_into().map_err(|_| StoreError::Snapshot {
                    addr: addr.clone(),
                    detail: format!("a diskless header without a 40-byte mark: {}", short(&text)),
                })?;
                Ok(Some(Ok(mark)))
            } else {
                text.parse::<u64>().map(|len| Some(Err(len))).map_err(|_| StoreError::Snapshot {
                    addr,
                    detail: format!("an unexpected header: ${}", short(&text)),
                })
            }
        }
        other => Err(StoreError::Snapshot {
            addr,
            detail: format!("an unexpected first byte 0x{other:02x} instead of the transfer"),
        }),
    }
}

/// The transfer as a byte stream: all of it (diskless; the RDB's own end marker ends the
/// read) or `left` bytes (from disk).
struct Payload<'a> {
    conn: &'a mut Conn,
    left: Option<u64>,
    failure: Option<Fail>,
}

impl Read for Payload<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let want = match self.left {
            Some(0) => return Ok(0),
            Some(left) => buf.len().min(usize::try_from(left).unwrap_or(usize::MAX)),
            None => buf.len(),
        };
        match self.conn.read_raw(&mut buf[..want]) {
            Ok(n) => {
                if let Some(left) = &mut self.left {
                    *left -= n as u64;
                }
                Ok(n)
            }
            Err(fail) => {
                self.failure = Some(fail);
                Err(io::Error::other("the connection failed"))
            }
        }
    }
}

/// At most 60 characters of a header, quoted, for messages.
fn short(text: &str) -> String {
    format!("{:?}", text.chars().take(60).collect::<String>())
}
