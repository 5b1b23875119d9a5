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
use std::sync::Arc;
use std::time::Duration;

use super::resp::{self, Reply, ReplyReader};
use super::{StoreError, Timeouts};

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

/// Everything needed to open (and reopen) a connection to one node.
#[derive(Clone)]
pub(crate) struct Endpoint {
    pub addr: Addr,
    /// Set for `rediss://`.
    pub tls: Option<Arc<rustls::ClientConfig>>,
    pub username: Option<String>,
    pub password: Option<String>,
    pub db: i64,
    pub timeouts: Timeouts,
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

/// A failed exchange with Redis.
#[derive(Debug)]
pub(crate) enum Fail {
    /// The connection broke, timed out or was never made: trying again may help.
    Transport { addr: String, error: io::Error },
    /// Anything else, already worded for the user.
    Fatal(StoreError),
}

impl Fail {
    pub fn is_transport(&self) -> bool {
        matches!(self, Fail::Transport { .. })
    }

    /// True when the server accepted the connection and then closed or reset it.
    pub fn dropped_after_connect(&self) -> bool {
        matches!(self, Fail::Transport { error, .. } if matches!(
            error.kind(),
            io::ErrorKind::ConnectionReset | io::ErrorKind::BrokenPipe | io::ErrorKind::UnexpectedEof
        ))
    }

    /// The user-facing error for a connection that broke while in use.
    pub fn into_store_error(self) -> StoreError {
        match self {
            Fail::Transport { addr, error } => StoreError::Connect(format!(
                "lost the connection to Redis at {addr}: {}; check that the server is up and reachable",
                describe_io(&error)
            )),
            Fail::Fatal(e) => e,
        }
    }

    /// The user-facing error for a connection that could not be made.
    pub fn into_connect_error(self) -> StoreError {
        match self {
            Fail::Transport { addr, error } => StoreError::Connect(connect_message(&addr, &error)),
            Fail::Fatal(e) => e,
        }
    }
}

fn describe_io(error: &io::Error) -> String {
    match error.kind() {
        io::ErrorKind::ConnectionRefused => "connection refused".into(),
        io::ErrorKind::ConnectionReset => "connection reset by the server".into(),
        io::ErrorKind::BrokenPipe => "connection closed by the server".into(),
        io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock => "timed out".into(),
        io::ErrorKind::NotFound => "no such file".into(),
        io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => {
            let text = error.to_string();
            // "Connection refused (os error 111)" reads better without the number.
            match text.find(" (os error") {
                Some(i) => text[..i].to_lowercase(),
                None => text,
            }
        }
    }
}

fn connect_message(addr: &str, error: &io::Error) -> String {
    let what = describe_io(error);
    let hint = match error.kind() {
        io::ErrorKind::ConnectionRefused | io::ErrorKind::NotFound => {
            "is redis-server running? set SESSCTL_REDIS_URL or --redis-url"
        }
        io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock => {
            "check the host, port and firewall, or raise --timeout; set SESSCTL_REDIS_URL or --redis-url"
        }
        io::ErrorKind::PermissionDenied => "check the socket file's permissions",
        io::ErrorKind::UnexpectedEof | io::ErrorKind::ConnectionReset => {
            "if the server expects TLS use a rediss:// URL; set SESSCTL_REDIS_URL or --redis-url"
        }
        _ => "check the address; set SESSCTL_REDIS_URL or --redis-url",
    };
    format!("cannot reach Redis at {addr}: {what}; {hint}")
}

enum Stream {
    Tcp(TcpStream),
    Unix(UnixStream),
    Tls(Box<rustls::StreamOwned<rustls::ClientConnection, TcpStream>>),
}

impl Read for Stream {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Stream::Tcp(s) => s.read(buf),
            Stream::Unix(s) => s.read(buf),
            Stream::Tls(s) => s.read(buf),
        }
    }
}

impl Write for Stream {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Stream::Tcp(s) => s.write(buf),
            Stream::Unix(s) => s.write(buf),
            Stream::Tls(s) => s.write(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self {
            Stream::Tcp(s) => s.flush(),
            Stream::Unix(s) => s.flush(),
            Stream::Tls(s) => s.flush(),
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
}

impl Conn {
    /// Connects, authenticates and selects the database.
    pub fn open(endpoint: &Endpoint) -> Result<Conn, Fail> {
        let addr = endpoint.addr.to_string();
        let transport = |error: io::Error| Fail::Transport { addr: addr.clone(), error };
        let timeouts = &endpoint.timeouts;
        let stream = match &endpoint.addr {
            Addr::Unix(path) => {
                let sock = UnixStream::connect(path).map_err(transport)?;
                sock.set_read_timeout(nonzero(timeouts.response)).map_err(transport)?;
                sock.set_write_timeout(nonzero(timeouts.response)).map_err(transport)?;
                Stream::Unix(sock)
            }
            Addr::Tcp { host, port } => {
                let addrs: Vec<_> = (host.as_str(), *port)
                    .to_socket_addrs()
                    .map_err(|e| {
                        Fail::Fatal(StoreError::Connect(format!(
                            "cannot resolve the Redis host {host:?} ({addr}): {}; check the host in SESSCTL_REDIS_URL or --redis-url",
                            describe_io(&e)
                        )))
                    })?
                    .collect();
                let mut last = io::Error::new(io::ErrorKind::NotFound, "no address");
                let mut sock = None;
                for a in addrs {
                    match TcpStream::connect_timeout(&a, nonzero_or(timeouts.connect)) {
                        Ok(s) => {
                            sock = Some(s);
                            break;
                        }
                        Err(e) => last = e,
                    }
                }
                let sock = sock.ok_or_else(|| transport(last))?;
                sock.set_nodelay(true).map_err(transport)?;
                // The handshake is bounded by the connect timeout, later replies by the
                // response timeout.
                sock.set_read_timeout(nonzero(timeouts.connect)).map_err(transport)?;
                sock.set_write_timeout(nonzero(timeouts.connect)).map_err(transport)?;
                match &endpoint.tls {
                    None => Stream::Tcp(sock),
                    Some(config) => Stream::Tls(Box::new(tls_handshake(config.clone(), host, &addr, sock)?)),
                }
            }
        };
        let mut conn = Conn {
            stream,
            reader: ReplyReader::new(),
            out: Vec::with_capacity(64 * 1024),
            addr: addr.clone(),
            replies: 0,
        };
        conn.handshake(endpoint)?;
        conn.set_timeout(timeouts.response).map_err(transport)?;
        Ok(conn)
    }

    fn set_timeout(&self, timeout: Duration) -> io::Result<()> {
        let sock = match &self.stream {
            Stream::Tcp(s) => s,
            Stream::Tls(s) => s.get_ref(),
            Stream::Unix(s) => {
                s.set_read_timeout(nonzero(timeout))?;
                return s.set_write_timeout(nonzero(timeout));
            }
        };
        sock.set_read_timeout(nonzero(timeout))?;
        sock.set_write_timeout(nonzero(timeout))
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
            // Nothing to say; a PING proves the other end is Redis (and surfaces NOAUTH-less
            // protocol errors, e.g. plain text sent to a TLS port) at connect time.
            resp::push_cmd(&mut self.out, &[b"PING"]);
            expected = 1;
        }
        self.send()?;
        let addr = self.addr.clone();
        let mut first_error = None;
        for _ in 0..expected {
            let reply = self.read()?;
            if let Some(e) = reply.error() {
                first_error.get_or_insert(e);
            }
        }
        match first_error {
            None => Ok(()),
            Some(e) => Err(Fail::Fatal(StoreError::Connect(handshake_message(&addr, endpoint, &e)))),
        }
    }

    /// Writes the queued commands.
    pub fn send(&mut self) -> Result<(), Fail> {
        let result = self.stream.write_all(&self.out).and_then(|_| self.stream.flush());
        self.out.clear();
        result.map_err(|error| Fail::Transport { addr: self.addr.clone(), error })
    }

    /// Reads the next reply.
    pub fn read(&mut self) -> Result<Reply<'_>, Fail> {
        let Conn { stream, reader, addr, replies, .. } = self;
        match reader.read(stream) {
            Ok(reply) => {
                *replies += 1;
                Ok(reply)
            }
            Err(error) => {
                if error.kind() == io::ErrorKind::InvalidData
                    && error.get_ref().is_some_and(|e| e.is::<rustls::Error>())
                {
                    return Err(Fail::Fatal(StoreError::Connect(format!(
                        "TLS error talking to Redis at {addr}: {error}"
                    ))));
                }
                Err(Fail::Transport { addr: addr.clone(), error })
            }
        }
    }

    /// Sends one command and reads its reply; an error reply becomes `Fail::Fatal`.
    pub fn query(&mut self, args: &[&[u8]]) -> Result<Reply<'_>, Fail> {
        resp::push_cmd(&mut self.out, args);
        self.send()?;
        let addr = self.addr.clone();
        let reply = self.read()?;
        if let Some(e) = reply.error() {
            // The command's name, with its subcommand for container commands (SCRIPT LOAD).
            let words = match args {
                [first, _, ..] if matches!(&first.to_ascii_uppercase()[..], b"SCRIPT" | b"CLUSTER") => 2,
                _ => args.len().min(1),
            };
            let name =
                args[..words].iter().map(|a| String::from_utf8_lossy(a).to_uppercase()).collect::<Vec<_>>().join(" ");
            return Err(Fail::Fatal(command_error(&addr, &name, &e)));
        }
        Ok(reply)
    }
}

/// The error for a command Redis refused.
pub(crate) fn command_error(addr: &str, command: &str, error: &str) -> StoreError {
    let hint = if error.starts_with("NOPERM") {
        "; the Redis user needs permission for it (ACL)"
    } else if error.starts_with("NOAUTH") {
        "; put the password in the Redis URL (redis://:PASSWORD@host:port/0)"
    } else if error.starts_with("LOADING") {
        "; Redis is loading its data, try again shortly"
    } else {
        ""
    };
    StoreError::Command(format!("Redis at {addr} refused {command}: {error}{hint}"))
}

fn handshake_message(addr: &str, endpoint: &Endpoint, error: &str) -> String {
    if error.starts_with("WRONGPASS")
        || error.contains("invalid password")
        || error.contains("invalid username-password")
    {
        format!(
            "Redis at {addr} rejected the credentials ({}); check the user and password in the Redis URL (SESSCTL_REDIS_URL or --redis-url)",
            first_words(error)
        )
    } else if error.starts_with("NOAUTH") {
        format!(
            "Redis at {addr} requires a password; put it in the Redis URL (redis://:PASSWORD@host:port/0 or redis://USER:PASSWORD@host:port/0)"
        )
    } else if error.contains("without any password configured") || error.contains("no password is set") {
        format!(
            "Redis at {addr} has no password set but the URL gives one; remove the password from the Redis URL or set one on the server"
        )
    } else if error.contains("DB index is out of range") {
        format!("Redis at {addr} has no database {}; fix the /DB part of the Redis URL", endpoint.db)
    } else {
        format!("Redis at {addr} refused the connection setup: {error}")
    }
}

fn first_words(error: &str) -> &str {
    error.split(' ').next().unwrap_or(error)
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

fn tls_handshake(
    config: Arc<rustls::ClientConfig>,
    host: &str,
    addr: &str,
    mut sock: TcpStream,
) -> Result<rustls::StreamOwned<rustls::ClientConnection, TcpStream>, Fail> {
    let name = rustls::pki_types::ServerName::try_from(host.to_string()).map_err(|_| {
        Fail::Fatal(StoreError::Connect(format!("cannot use {host:?} as a TLS server name for Redis at {addr}")))
    })?;
    let mut tls = rustls::ClientConnection::new(config, name)
        .map_err(|e| Fail::Fatal(StoreError::Connect(format!("cannot start TLS with Redis at {addr}: {e}"))))?;
    while tls.is_handshaking() {
        if let Err(error) = tls.complete_io(&mut sock) {
            let rustls_error = error.get_ref().and_then(|e| e.downcast_ref::<rustls::Error>()).cloned();
            return Err(match rustls_error {
                Some(e) => Fail::Fatal(StoreError::Connect(tls_message(addr, &e))),
                None if matches!(
                    error.kind(),
                    io::ErrorKind::UnexpectedEof | io::ErrorKind::ConnectionReset
                ) =>
                {
                    Fail::Fatal(StoreError::Connect(format!(
                        "TLS handshake with Redis at {addr} failed: the server closed the connection; is TLS enabled on that port? use redis:// for a plain connection"
                    )))
                }
                None => Fail::Transport {
                    addr: addr.to_string(),
                    error,
                },
            });
        }
    }
    Ok(rustls::StreamOwned::new(tls, sock))
}

fn tls_message(addr: &str, error: &rustls::Error) -> String {
    let hint = match error {
        rustls::Error::InvalidCertificate(_) => {
            "pass the CA that signed the server's certificate with --tls-ca (SESSCTL_TLS_CA), or add #insecure to the URL to skip verification (unsafe)"
        }
        rustls::Error::InvalidMessage(_) => {
            "is TLS enabled on that port? use redis:// for a plain connection"
        }
        _ => "check the server's TLS settings",
    };
    format!("TLS handshake with Redis at {addr} failed: {error}; {hint}")
}

/// Builds the rustls configuration for `rediss://` URLs: the CA file when given, the system's
/// roots otherwise; `insecure` (the URL's `#insecure`) skips certificate verification.
pub(crate) fn tls_config(
    ca: Option<&std::path::Path>,
    insecure: bool,
) -> Result<Arc<rustls::ClientConfig>, StoreError> {
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::CertificateDer;

    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = rustls::ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| StoreError::Connect(format!("cannot set up TLS: {e}")))?;
    let mut roots = rustls::RootCertStore::empty();
    match ca {
        Some(path) => {
            let bad = |why: String| {
                StoreError::Connect(format!(
                    "cannot use the TLS CA file {}: {why}; check --tls-ca (SESSCTL_TLS_CA)",
                    path.display()
                ))
            };
            let pem = std::fs::read(path).map_err(|e| bad(describe_io(&e)))?;
            for cert in CertificateDer::pem_slice_iter(&pem) {
                let cert = cert.map_err(|e| bad(format!("not a PEM certificate file ({e})")))?;
                roots.add(cert).map_err(|e| bad(format!("bad certificate ({e})")))?;
            }
            if roots.is_empty() {
                return Err(bad("no certificates in it".into()));
            }
        }
        None => {
            let found = rustls_native_certs::load_native_certs();
            roots.add_parsable_certificates(found.certs);
        }
    }
    let mut config = builder.with_root_certificates(roots).with_no_client_auth();
    if insecure {
        config.dangerous().set_certificate_verifier(Arc::new(NoVerification(provider)));
    }
    Ok(Arc::new(config))
}

/// `#insecure`: accept any certificate (signatures are still checked), as redis-rs does.
#[derive(Debug)]
struct NoVerification(Arc<rustls::crypto::CryptoProvider>);

impl rustls::client::danger::ServerCertVerifier for NoVerification {
    fn verify_server_cert(
        &self,
        _end_entity: &rustls::pki_types::CertificateDer<'_>,
        _intermediates: &[rustls::pki_types::CertificateDer<'_>],
        _server_name: &rustls::pki_types::ServerName<'_>,
        _ocsp_response: &[u8],
        _now: rustls::pki_types::UnixTime,
    ) -> Result<rustls::client::danger::ServerCertVerified, rustls::Error> {
        Ok(rustls::client::danger::ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &rustls::pki_types::CertificateDer<'_>,
        dss: &rustls::DigitallySignedStruct,
    ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.0.signature_verification_algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &rustls::pki_types::CertificateDer<'_>,
        dss: &rustls::DigitallySignedStruct,
    ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.0.signature_verification_algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<rustls::SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}
