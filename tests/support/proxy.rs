//! A fault-injecting TCP proxy between sessctl and a real `redis-server`, for deterministic
//! fault tests: instead of killing clients on a timer and hoping a kill lands somewhere
//! interesting, a test says exactly where the fault goes ("cut the connection carrying the 3rd
//! SCAN reply, before that reply") and the proxy does it there, every run.
//!
//! The proxy reads the RESP commands each client sends and the replies the server sends back,
//! so it knows which reply answers which command. Each [`Fault`] fires once, at the first
//! moment its [`When`] matches; everything else is passed through untouched.
//!
//! ```ignore
//! let proxy = Proxy::start(server.port, vec![Fault::new(When::reply("SCAN", 3), What::Cut)]);
//! let store = Store::connect(store_options(&[proxy.url()])).unwrap();
//! … scan …
//! assert_eq!(proxy.fired(), 1);
//! ```
//!
//! It listens on 127.0.0.1 only and stops (closing every connection) when dropped.
#![allow(dead_code)]

use std::collections::{HashMap, VecDeque};
use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Where a fault goes.
#[derive(Debug, Clone)]
pub enum When {
    /// At the `nth` (1-based) reply to `command` over all connections, e.g. the 3rd `SCAN`.
    Reply { command: String, nth: usize },
    /// At the first reply on the `nth` (1-based) connection accepted: its handshake.
    Handshake { nth: usize },
}

impl When {
    pub fn reply(command: &str, nth: usize) -> When {
        When::Reply { command: command.to_ascii_uppercase(), nth }
    }
}

/// What the fault does to the reply it lands on (and its connection).
#[derive(Debug, Clone)]
pub enum What {
    /// Close the connection before the reply is forwarded: the command ran, its reply is lost.
    Cut,
    /// Forward the first `bytes` bytes of the reply, then close.
    CutMidReply { bytes: usize },
    /// Forward nothing more on this connection and keep it open (a stalled server). Later
    /// connections work.
    Stall,
    /// Like `Stall`, and every connection accepted afterwards is silent too (a hung server).
    Hang,
    /// Send these bytes in place of the reply, then close.
    Garbage(Vec<u8>),
}

#[derive(Debug, Clone)]
pub struct Fault {
    pub when: When,
    pub what: What,
}

impl Fault {
    pub fn new(when: When, what: What) -> Fault {
        Fault { when, what }
    }
}

struct State {
    faults: Vec<(Fault, bool)>,
    /// Replies forwarded so far, by command name.
    replies: HashMap<String, usize>,
    hung: bool,
    fired: usize,
}

struct Shared {
    upstream: u16,
    state: Mutex<State>,
    connections: AtomicUsize,
    stop: AtomicBool,
    /// Every socket, to close them all when the proxy stops.
    sockets: Mutex<Vec<TcpStream>>,
}

/// A running proxy.
pub struct Proxy {
    pub port: u16,
    shared: Arc<Shared>,
}

impl Proxy {
    /// Starts a proxy to the server on `127.0.0.1:upstream`.
    pub fn start(upstream: u16, faults: Vec<Fault>) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").expect("proxy binds");
        let port = listener.local_addr().unwrap().port();
        let shared = Arc::new(Shared {
            upstream,
            state: Mutex::new(State {
                faults: faults.into_iter().map(|f| (f, false)).collect(),
                replies: HashMap::new(),
                hung: false,
                fired: 0,
            }),
            connections: AtomicUsize::new(0),
            stop: AtomicBool::new(false),
            sockets: Mutex::new(Vec::new()),
        });
        let accepting = shared.clone();
        std::thread::spawn(move || {
            for client in listener.incoming() {
                if accepting.stop.load(Ordering::SeqCst) {
                    return;
                }
                let Ok(client) = client else { continue };
                let nth = accepting.connections.fetch_add(1, Ordering::SeqCst) + 1;
                let shared = accepting.clone();
                std::thread::spawn(move || serve(shared, client, nth));
            }
        });
        Proxy { port, shared }
    }

    /// A redis:// URL through the proxy.
    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}/0", self.port)
    }

    /// Connections accepted so far.
    pub fn connections(&self) -> usize {
        self.shared.connections.load(Ordering::SeqCst)
    }

    /// Faults that have fired so far.
    pub fn fired(&self) -> usize {
        self.shared.state.lock().unwrap().fired
    }

    /// Replies to `command` forwarded so far (over all connections).
    pub fn replies(&self, command: &str) -> usize {
        self.shared.state.lock().unwrap().replies.get(&command.to_ascii_uppercase()).copied().unwrap_or(0)
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.shared.stop.store(true, Ordering::SeqCst);
        for socket in self.shared.sockets.lock().unwrap().drain(..) {
            let _ = socket.shutdown(Shutdown::Both);
        }
        // Wake the accept loop so it sees the stop.
        let _ = TcpStream::connect(("127.0.0.1", self.port));
    }
}

fn serve(shared: Arc<Shared>, client: TcpStream, nth: usize) {
    if shared.state.lock().unwrap().hung {
        // A hung server: accept, then say nothing.
        shared.sockets.lock().unwrap().push(client);
        return;
    }
    let Ok(server) = TcpStream::connect(("127.0.0.1", shared.upstream)) else {
        let _ = client.shutdown(Shutdown::Both);
        return;
    };
    let _ = client.set_nodelay(true);
    let _ = server.set_nodelay(true);
    {
        let mut sockets = shared.sockets.lock().unwrap();
        sockets.push(client.try_clone().unwrap());
        sockets.push(server.try_clone().unwrap());
    }
    // The commands sent, oldest first, whose replies have not come yet.
    let pending: Arc<Mutex<VecDeque<String>>> = Arc::new(Mutex::new(VecDeque::new()));
    let upward = {
        let (mut from, mut to) = (client.try_clone().unwrap(), server.try_clone().unwrap());
        let pending = pending.clone();
        std::thread::spawn(move || {
            let mut buf = Vec::new();
            let mut chunk = [0u8; 64 * 1024];
            loop {
                let n = match from.read(&mut chunk) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => n,
                };
                buf.extend_from_slice(&chunk[..n]);
                while let Some(len) = resp_len(&buf) {
                    pending.lock().unwrap().push_back(command_name(&buf[..len]));
                    buf.drain(..len);
                }
                if to.write_all(&chunk[..n]).is_err() {
                    break;
                }
            }
            let _ = to.shutdown(Shutdown::Write);
        })
    };
    let mut from = server;
    let mut to = client;
    let mut buf: Vec<u8> = Vec::new();
    let mut chunk = [0u8; 64 * 1024];
    let mut first = true;
    'forward: loop {
        let n = match from.read(&mut chunk) {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        buf.extend_from_slice(&chunk[..n]);
        while let Some(len) = resp_len(&buf) {
            let command = pending.lock().unwrap().pop_front().unwrap_or_default();
            let what = {
                let mut state = shared.state.lock().unwrap();
                let count = {
                    let c = state.replies.entry(command.clone()).or_default();
                    *c += 1;
                    *c
                };
                let mut hit = None;
                for (fault, done) in state.faults.iter_mut() {
                    if *done {
                        continue;
                    }
                    let matches = match &fault.when {
                        When::Reply { command: c, nth: k } => *c == command && *k == count,
                        When::Handshake { nth: k } => first && *k == nth,
                    };
                    if matches {
                        *done = true;
                        hit = Some(fault.what.clone());
                        break;
                    }
                }
                if hit.is_some() {
                    state.fired += 1;
                }
                if matches!(hit, Some(What::Hang)) {
                    state.hung = true;
                }
                hit
            };
            first = false;
            match what {
                None => {
                    if to.write_all(&buf[..len]).is_err() {
                        break 'forward;
                    }
                    buf.drain(..len);
                }
                Some(What::Cut) => break 'forward,
                Some(What::CutMidReply { bytes }) => {
                    let _ = to.write_all(&buf[..bytes.min(len.saturating_sub(1))]);
                    let _ = to.flush();
                    std::thread::sleep(Duration::from_millis(20));
                    break 'forward;
                }
                Some(What::Garbage(bytes)) => {
                    let _ = to.write_all(&bytes);
                    let _ = to.flush();
                    std::thread::sleep(Duration::from_millis(20));
                    break 'forward;
                }
                Some(What::Stall | What::Hang) => {
                    // Read on and throw away, so the server is not blocked; forward nothing.
                    while matches!(from.read(&mut chunk), Ok(n) if n > 0) {}
                    let _ = upward.join();
                    return;
                }
            }
        }
    }
    let _ = to.shutdown(Shutdown::Both);
    let _ = from.shutdown(Shutdown::Both);
    let _ = upward.join();
}

/// The upper-cased name of the command in one RESP array of bulk strings.
fn command_name(command: &[u8]) -> String {
    // *N\r\n$L\r\nNAME\r\n…
    let mut parts = command.split(|&b| b == b'\n');
    let _ = parts.next();
    let _ = parts.next();
    let name = parts.next().unwrap_or_default();
    String::from_utf8_lossy(name.strip_suffix(b"\r").unwrap_or(name)).to_ascii_uppercase()
}

/// The length of the first complete RESP value in `buf`, if it is all there.
pub fn resp_len(buf: &[u8]) -> Option<usize> {
    fn line(buf: &[u8], at: usize) -> Option<(&[u8], usize)> {
        let end = buf[at..].windows(2).position(|w| w == b"\r\n")? + at;
        Some((&buf[at..end], end + 2))
    }
    fn value(buf: &[u8], at: usize) -> Option<usize> {
        let kind = *buf.get(at)?;
        let (text, next) = line(buf, at + 1)?;
        let n = || std::str::from_utf8(text).ok()?.parse::<i64>().ok();
        match kind {
            b'+' | b'-' | b':' => Some(next),
            b'$' => match n()? {
                len if len < 0 => Some(next),
                len => {
                    let end = next + len as usize + 2;
                    (buf.len() >= end).then_some(end)
                }
            },
            b'*' => {
                let mut at = next;
                for _ in 0..n()?.max(0) {
                    at = value(buf, at)?;
                }
                Some(at)
            }
            _ => None,
        }
    }
    value(buf, 0)
}
