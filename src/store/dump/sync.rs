//! Live snapshots over the replication protocol, as `redis-cli --rdb` gets them: on a fresh
//! connection to each primary, `REPLCONF rdb-only 1` (the primary sends the RDB and nothing
//! after it; servers before 7.0 do not know it and are asked anyway), then `SYNC`. The
//! primary forks; its child writes the point-in-time RDB, either to the socket directly
//! (diskless: `$EOF:<40-byte mark>`, the RDB, the mark) or to disk first (`$<length>` then the
//! file). While the child works the primary sends a newline now and then. The RDB is parsed
//! as it streams in; nothing is written to disk here, and no server setting is changed.

use std::io::{self, BufReader, Read};
use std::ops::ControlFlow;
use std::sync::atomic::AtomicBool;
use std::time::{Duration, Instant};

use super::{read_one, DumpRequest, DumpSummary};
use crate::store::error::StoreError;
use crate::store::topology::Topology;
use crate::store::wire::{self, Conn, Fail};
use crate::store::Found;

/// After this long without the transfer starting, the caller is told the primary is waiting
/// (`repl-diskless-sync-delay`).
const WAIT_NOTICE: Duration = Duration::from_millis(1500);

/// The longest header line accepted (`$EOF:` and a 40-byte mark, or `$` and a length).
const MAX_HEADER: usize = 64;

/// Reads a snapshot of every primary in turn, delivering what is under `prefix`.
/// `waiting(addr)` is called once per primary when its transfer has not started after a
/// moment.
pub(crate) fn snapshot<E: From<StoreError>>(
    topology: &Topology,
    prefix: &[u8],
    request: &DumpRequest,
    stop: &AtomicBool,
    waiting: &dyn Fn(&str),
    visit: &mut dyn FnMut(Found) -> Result<ControlFlow<()>, E>,
) -> Result<DumpSummary, E> {
    let map = topology.map();
    let mut summary = DumpSummary::default();
    for primary in &map.primaries {
        let endpoint = &primary.endpoint;
        let addr = endpoint.key();
        let mut conn = Conn::open(endpoint).map_err(Fail::into_connect_error)?;
        let mark = start_transfer(&mut conn, waiting)?;
        let mut request = request.clone();
        request.db = endpoint.db.max(0) as u64;
        let mut payload = Payload { conn: &mut conn, left: mark.as_ref().err().copied(), failure: None };
        let mut input = BufReader::with_capacity(1 << 16, &mut payload);
        let flow = read_one(
            &mut input,
            prefix,
            &request,
            stop,
            Some(&format!("the snapshot from {addr}")),
            &mut summary,
            visit,
        );
        let flow = match flow {
            Ok(flow) => flow,
            Err(e) => {
                drop(input);
                // A broken connection says more than "the dump ends early".
                if let Some(fail) = payload.failure.take() {
                    return Err(snapshot_failed(&addr, fail).into());
                }
                return Err(e);
            }
        };
        if let ControlFlow::Break(()) = flow {
            return Ok(summary);
        }
        if let Ok(mark) = mark {
            // Diskless: the RDB is followed by the mark the header announced.
            let mut end = [0u8; 40];
            let ended = input.read_exact(&mut end);
            if ended.is_err() || end != mark {
                return Err(StoreError::Snapshot {
                    addr,
                    detail: "the transfer did not end with the mark it announced".into(),
                }
                .into());
            }
        }
    }
    Ok(summary)
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

/// Asks for the snapshot and reads the header: `Ok(mark)` for a diskless transfer, `Err(len)`
/// for one from disk.
fn start_transfer(conn: &mut Conn, waiting: &dyn Fn(&str)) -> Result<Result<[u8; 40], u64>, StoreError> {
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
    conn.send().map_err(Fail::into_error)?;
    let asked = Instant::now();
    let mut told = false;
    let mut byte = [0u8; 1];
    // Newlines while the child starts; then `$` or an error line.
    let first = loop {
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
        if line.len() >= MAX_HEADER {
            return Err(StoreError::Snapshot { addr, detail: "the transfer's header is too long".into() });
        }
        line.push(byte[0]);
    }
    if line.last() == Some(&b'\r') {
        line.pop();
    }
    let text = String::from_utf8_lossy(&line).into_owned();
    match first {
        b'-' => Err(refused("SYNC", text)),
        b'$' => {
            if let Some(mark) = text.strip_prefix("EOF:") {
                let mark: [u8; 40] = mark.as_bytes().try_into().map_err(|_| StoreError::Snapshot {
                    addr: addr.clone(),
                    detail: format!("a diskless header without a 40-byte mark: {}", short(&text)),
                })?;
                Ok(Ok(mark))
            } else {
                text.parse::<u64>().map(Err).map_err(|_| StoreError::Snapshot {
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
