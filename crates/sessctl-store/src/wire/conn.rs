//! One connection to one Redis node: TCP, TLS (rustls) or a Unix socket, authenticated, with
//! timeouts, speaking RESP2 through [`super::resp`].
//!
//! redis-rs parses the URLs (so they mean what they mean everywhere else); the connection is
//! our own because the scan reads millions of replies and redis-rs allocates a `Value` per
//! element.

use std::io::{self, Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::os::unix::net::UnixStream;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::fail::Fail;
use super::resp::{self, Reply, ReplyReader};
use super::tls;
use crate::error::{AuthProblem, NetCause, ServerErrorKind, StoreError};

/// Where to connect.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Addr {
    Tcp { host: String, port: u16 },
    Unix(PathBuf),
}

impl std::fmt::Display for Addr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Addr::Tcp { host, port } if host.contains(':') => write!(f, "[{host}]:{port}"),
            Addr::Tcp { host, port } => write!(f, "{host}:{port}"),
            Addr::Unix(path) => write!(f, "{}", path.display()),
        }
    }
}

/// Connect and reply timeouts.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Limits {
    /// TCP connect and the whole handshake (TLS, AUTH, SELECT).
    pub connect: Duration,
    /// One reply, from the first byte asked for to the last byte read.
    pub response: Duration,
}

/// Everything needed to open (and reopen) a connection to one node.
#[derive(Clone)]
pub(crate) struct Endpoint {
    pub addr: Addr,
    /// Set for `rediss://`.
    pub tls: Option<Arc<rustls::ClientConfig>>,
    pub username: Option<String>,
    pub password: Option<String>,
    pub db: i64,
    pub limits: Limits,
}

impl Endpoint {
    /// The same credentials, TLS and limits at another address (a cluster node, the primary a
    /// Sentinel names), database 0 unless told.
    pub fn at(&self, host: &str, port: u16, db: i64) -> Endpoint {
        let mut endpoint = self.clone();
        endpoint.addr = Addr::Tcp { host: host.trim_start_matches('[').trim_end_matches(']').to_string(), port };
        endpoint.db = db;
        endpoint
    }

    /// `host:port` as cluster and Sentinel replies write it.
    pub fn key(&self) -> String {
        self.addr.to_string()
    }
}

impl std::fmt::Debug for Endpoint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Endpoint")
            .field("addr", &self.addr)
            .field("tls", &self.tls.is_some())
            .field("username", &self.username)
            .field("password", &self.password.as_ref().map(|_| "(redacted)"))
            .field("db", &self.db)
            .finish()
    }
}

enum Transport {
    Tcp(TcpStream),
    Unix(UnixStream),
    Tls(Box<rustls::StreamOwned<rustls::ClientConnection, TcpStream>>),
}

/// The byte stream, with a deadline for the reply being read: each read waits at most until
/// the deadline, so a server that trickles bytes cannot hold a reply past its timeout.
struct Stream {
    transport: Transport,
    /// The socket's current read timeout (changed only when the deadline needs it).
    read_timeout: Option<Duration>,
    deadline: Option<Instant>,
}

impl Stream {
    fn socket_timeout(&mut self, timeout: Option<Duration>) -> io::Result<()> {
        if self.read_timeout == timeout {
            return Ok(());
        }
        match &self.transport {
            Transport::Tcp(s) => s.set_read_timeout(timeout)?,
            Transport::Unix(s) => s.set_read_timeout(timeout)?,
            Transport::Tls(s) => s.get_ref().set_read_timeout(timeout)?,
        }
        self.read_timeout = timeout;
        Ok(())
    }

    fn set_write_timeout(&self, timeout: Option<Duration>) -> io::Result<()> {
        match &self.transport {
            Transport::Tcp(s) => s.set_write_timeout(timeout),
            Transport::Unix(s) => s.set_write_timeout(timeout),
            Transport::Tls(s) => s.get_ref().set_write_timeout(timeout),
        }
    }
}

impl Read for Stream {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        // Where reads may be abandoned (see [`abandoning_reads`]), a read waits in slices of
        // at most `SLICE` and looks at the flag between them. The socket's timeout stays at
        // `SLICE` while more than that is left, so a reply that is already there costs no
        // more system calls than before; only a read that would block wakes up each slice.
        let abandonable = abandonable();
        loop {
            let wanted = match self.deadline {
                None => abandonable.then_some(SLICE),
                Some(deadline) => {
                    let left = deadline.saturating_duration_since(Instant::now());
                    if left.is_zero() {
                        return Err(io::Error::new(io::ErrorKind::TimedOut, "no complete reply within the timeout"));
                    }
                    // Whole milliseconds, rounded up.
                    let wanted = Duration::from_millis(left.as_millis() as u64 + 1);
                    Some(if abandonable { wanted.min(SLICE) } else { wanted })
                }
            };
            // A setting up to 20 ms shorter than wanted is kept, so most reads need no system
            // call to change it.
            let close_enough = match (self.read_timeout, wanted) {
                (Some(t), Some(w)) => t <= w && w - t <= SLACK,
                (t, w) => t == w,
            };
            if !close_enough {
                self.socket_timeout(wanted)?;
            }
            let result = match &mut self.transport {
                Transport::Tcp(s) => s.read(buf),
                Transport::Unix(s) => s.read(buf),
                Transport::Tls(s) => s.read(buf),
            };
            match result {
                Err(e) if abandonable && matches!(e.kind(), io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut) => {
                    if abandoned() {
                        return Err(io::Error::other("the read was abandoned: the work is stopping"));
                    }
                    // The deadline, if passed, is told at the top of the loop.
                }
                result => return result,
            }
        }
    }
}

/// How much earlier than its deadline a read may time out (see `Stream::read`).
const SLACK: Duration = Duration::from_millis(20);

/// The longest a read that may be abandoned waits before it looks at the flag again.
const SLICE: Duration = Duration::from_millis(100);

thread_local! {
    /// The flag that abandons this thread's reads (null: reads wait their whole timeout). Set
    /// only by [`abandoning_reads`], for the length of its call.
    static ABANDON: std::cell::Cell<*const AtomicBool> = const { std::cell::Cell::new(std::ptr::null()) };
}

/// Runs `f` with this thread's reads abandoned as soon as `flag` is set: a read waiting for a
/// reply (a SCAN or GET sent to a server that stalled) then fails at once instead of after
/// the reply timeout. For reads only: a write's reply is worth waiting for, so the write
/// paths never pass a flag.
pub(crate) fn abandoning_reads<R>(flag: Option<&AtomicBool>, f: impl FnOnce() -> R) -> R {
    struct Reset(*const AtomicBool);
    impl Drop for Reset {
        fn drop(&mut self) {
            ABANDON.with(|a| a.set(self.0));
        }
    }
    let previous = ABANDON.with(|a| a.replace(flag.map_or(std::ptr::null(), |f| f as *const AtomicBool)));
    let _reset = Reset(previous);
    f()
}

fn abandonable() -> bool {
    ABANDON.with(|a| !a.get().is_null())
}

fn abandoned() -> bool {
    ABANDON.with(|a| {
        let flag = a.get();
        // SAFETY: a non-null pointer was set by `abandoning_reads` from a reference that lives
        // for the whole of its call, and is put back (by a guard, also when unwinding) before
        // that call returns; the thread-local is never seen by another thread.
        !flag.is_null() && unsafe { &*flag }.load(Ordering::Relaxed)
    })
}

impl Write for Stream {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match &mut self.transport {
            Transport::Tcp(s) => s.write(buf),
            Transport::Unix(s) => s.write(buf),
            Transport::Tls(s) => s.write(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match &mut self.transport {
            Transport::Tcp(s) => s.flush(),
            Transport::Unix(s) => s.flush(),
            Transport::Tls(s) => s.flush(),
        }
    }
}

/// An open, authenticated connection.
pub(crate) struct Conn {
    stream: Stream,
    reader: ReplyReader,
    /// Commands to send (see [`resp::push_cmd`]); [`Conn::send`] writes and clears it.
    pub out: Vec<u8>,
    pub addr: String,
    /// Replies read so far: a retry loop tells progress from a connection that keeps failing.
    pub replies: u64,
    /// How long one reply may take.
    reply_timeout: Duration,
}

impl Conn {
    /// Connects, authenticates and selects the database.
    pub fn open(endpoint: &Endpoint) -> Result<Conn, Fail> {
        let addr = endpoint.addr.to_string();
        let io_fail = |error: io::Error| Fail::Io { addr: addr.clone(), error };
        let limits = endpoint.limits;
        let started = Instant::now();
        let transport = match &endpoint.addr {
            Addr::Unix(path) => Transport::Unix(UnixStream::connect(path).map_err(io_fail)?),
            Addr::Tcp { host, port } => {
                let addrs: Vec<_> = (host.as_str(), *port)
                    .to_socket_addrs()
                    .map_err(|e| {
                        Fail::Fatal(StoreError::Resolve {
                            host: host.clone(),
                            addr: addr.clone(),
                            detail: NetCause::of(&e).to_string(),
                        })
                    })?
                    .collect();
                let mut last = io::Error::new(io::ErrorKind::NotFound, "no address");
                let mut sock = None;
                for a in addrs {
                    match TcpStream::connect_timeout(&a, nonzero_or(limits.connect)) {
                        Ok(s) => {
                            sock = Some(s);
                            break;
                        }
                        Err(e) => last = e,
                    }
                }
                let sock = sock.ok_or_else(|| io_fail(last))?;
                sock.set_nodelay(true).map_err(io_fail)?;
                match &endpoint.tls {
                    None => Transport::Tcp(sock),
                    Some(config) => {
                        sock.set_read_timeout(nonzero(limits.connect)).map_err(io_fail)?;
                        sock.set_write_timeout(nonzero(limits.connect)).map_err(io_fail)?;
                        Transport::Tls(Box::new(tls::handshake(config.clone(), host, &addr, sock)?))
                    }
                }
            }
        };
        let mut conn = Conn {
            // Unknown yet: the first read sets it.
            stream: Stream { transport, read_timeout: Some(Duration::MAX), deadline: None },
            reader: ReplyReader::new(),
            out: Vec::with_capacity(64 * 1024),
            addr: addr.clone(),
            replies: 0,
            // The handshake is bounded by the connect timeout, later replies by the response
            // timeout.
            reply_timeout: limits.connect.saturating_sub(started.elapsed()).max(Duration::from_millis(1)),
        };
        conn.stream.set_write_timeout(nonzero(limits.connect)).map_err(io_fail)?;
        conn.handshake(endpoint)?;
        conn.reply_timeout = limits.response;
        conn.stream.set_write_timeout(nonzero(limits.response)).map_err(io_fail)?;
        Ok(conn)
    }

    fn handshake(&mut self, endpoint: &Endpoint) -> Result<(), Fail> {
        let mut expected = 0;
        if let Some(password) = &endpoint.password {
            match &endpoint.username {
                Some(user) => resp::push_cmd(&mut self.out, &[b"AUTH", user.as_bytes(), password.as_bytes()]),
                None => resp::push_cmd(&mut self.out, &[b"AUTH", password.as_bytes()]),
            }
            expected += 1;
        }
        if endpoint.db != 0 {
            let db = endpoint.db.to_string();
            resp::push_cmd(&mut self.out, &[b"SELECT", db.as_bytes()]);
            expected += 1;
        }
        if expected == 0 {
            // Nothing to say; a PING proves the other end is Redis (and surfaces protocol
            // errors, e.g. plain text sent to a TLS port) at connect time.
            resp::push_cmd(&mut self.out, &[b"PING"]);
            expected = 1;
        }
        self.send()?;
        let mut first_error = None;
        for _ in 0..expected {
            let reply = self.read()?;
            if let Some(e) = reply.error() {
                first_error.get_or_insert(e);
            }
        }
        let Some(error) = first_error else {
            return Ok(());
        };
        let addr = self.addr.clone();
        if error.kind.is_transient() {
            // LOADING while the server starts: the retry policy waits for it.
            return Err(Fail::server(&addr, "the connection setup", error));
        }
        let message = &error.message;
        let problem = match error.kind {
            ServerErrorKind::WrongPass => AuthProblem::Rejected(error.kind.name().to_string()),
            ServerErrorKind::NoAuth => AuthProblem::PasswordRequired,
            _ if message.contains("without any password configured") || message.contains("no password is set") => {
                AuthProblem::NoPasswordSet
            }
            _ if message.contains("DB index is out of range") => {
                return Err(Fail::Fatal(StoreError::NoDatabase { addr, db: endpoint.db }));
            }
            _ => AuthProblem::Other(message.clone()),
        };
        Err(Fail::Fatal(StoreError::Auth { addr, problem }))
    }

    /// Writes the queued commands.
    pub fn send(&mut self) -> Result<(), Fail> {
        let result = self.stream.write_all(&self.out).and_then(|_| self.stream.flush());
        self.out.clear();
        result.map_err(|error| self.io_fail(error))
    }

    /// Reads the next reply, within the reply timeout.
    pub fn read(&mut self) -> Result<Reply<'_>, Fail> {
        self.stream.deadline = nonzero(self.reply_timeout).map(|t| Instant::now() + t);
        let Conn { stream, reader, addr, replies, .. } = self;
        match reader.read(stream) {
            Ok(reply) => {
                *replies += 1;
                Ok(reply)
            }
            Err(error) => Err(read_fail(addr, error)),
        }
    }

    fn io_fail(&self, error: io::Error) -> Fail {
        read_fail(&self.addr, error)
    }

    /// Sends one command and reads its reply; an error reply becomes `Fail::Server`.
    pub fn query(&mut self, args: &[&[u8]]) -> Result<Reply<'_>, Fail> {
        resp::push_cmd(&mut self.out, args);
        self.send()?;
        let addr = self.addr.clone();
        let reply = self.read()?;
        if let Some(error) = reply.error() {
            return Err(Fail::server(&addr, &command_name(args), error));
        }
        Ok(reply)
    }

    /// Reads raw bytes (first what the reply reader has buffered), for payloads that are not
    /// RESP replies, such as the RDB a primary streams after `SYNC`. Within the reply timeout
    /// per call. (For dump reading over replication; see docs/design.md.)
    pub fn read_raw(&mut self, buf: &mut [u8]) -> Result<usize, Fail> {
        let buffered = self.reader.buffered();
        if !buffered.is_empty() {
            let n = buffered.len().min(buf.len());
            buf[..n].copy_from_slice(&buffered[..n]);
            self.reader.consume(n);
            return Ok(n);
        }
        self.stream.deadline = nonzero(self.reply_timeout).map(|t| Instant::now() + t);
        loop {
            match self.stream.read(buf) {
                Ok(n) => return Ok(n),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(self.io_fail(e)),
            }
        }
    }
}

/// What a failed read means: a TLS error or bytes that are not RESP end the connection for
/// good; anything else is a broken connection, worth another try.
fn read_fail(addr: &str, error: io::Error) -> Fail {
    if error.kind() == io::ErrorKind::InvalidData {
        if let Some(tls_error) = error.get_ref().and_then(|e| e.downcast_ref::<rustls::Error>()) {
            return Fail::Fatal(StoreError::Tls { addr: addr.to_string(), problem: tls::problem(tls_error) });
        }
        if let Some(protocol) = error.get_ref().and_then(|e| e.downcast_ref::<resp::ProtocolError>()) {
            return Fail::Fatal(StoreError::Protocol { addr: addr.to_string(), detail: protocol.0.clone() });
        }
    }
    Fail::Io { addr: addr.to_string(), error }
}

/// A command's name for messages, with the subcommand of container commands (SCRIPT LOAD).
pub(crate) fn command_name(args: &[&[u8]]) -> String {
    let words = match args {
        [first, _, ..] if matches!(&first.to_ascii_uppercase()[..], b"SCRIPT" | b"CLUSTER" | b"SENTINEL") => 2,
        _ => args.len().min(1),
    };
    args[..words].iter().map(|a| String::from_utf8_lossy(a).to_uppercase()).collect::<Vec<_>>().join(" ")
}

fn nonzero(d: Duration) -> Option<Duration> {
    (!d.is_zero()).then_some(d)
}

fn nonzero_or(d: Duration) -> Duration {
    if d.is_zero() {
        Duration::from_secs(3600)
    } else {
        d
    }
}
