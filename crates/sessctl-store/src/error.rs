//! The store's errors. They carry structure (which server, which command, what kind of
//! failure) and say what went wrong in words; they never name sessctl's flags or environment
//! variables: `commands/` adds those hints, so the library reads right on its own.

use std::path::PathBuf;
use std::time::Duration;

/// What went wrong talking to Redis.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// A URL that cannot be used.
    #[error("bad Redis URL {url}: {problem}")]
    Url { url: String, problem: String },
    /// A TLS file (CA bundle, client certificate or key) that cannot be used.
    #[error("cannot use the TLS {which} file {}: {problem}", path.display())]
    TlsFile { which: TlsFile, path: PathBuf, problem: String },
    /// No connection could be made.
    #[error("cannot reach Redis at {addr}: {cause}")]
    Unreachable { addr: String, cause: NetCause },
    #[error("cannot resolve the Redis host {host:?} ({addr}): {detail}")]
    Resolve { host: String, addr: String, detail: String },
    /// The TLS handshake or session failed.
    #[error("TLS with Redis at {addr} failed: {problem}")]
    Tls { addr: String, problem: TlsProblem },
    /// The server refused the credentials, or wants some.
    #[error("Redis at {addr} {problem}")]
    Auth { addr: String, problem: AuthProblem },
    #[error("Redis at {addr} has no database {db}")]
    NoDatabase { addr: String, db: i64 },
    /// A connection broke and could not be made again before the retry deadline.
    #[error("lost the connection to Redis at {addr}: {cause}")]
    Lost { addr: String, cause: NetCause },
    /// The server stopped answering: a reply did not come within the timeout, twice.
    #[error("Redis at {addr} did not answer within {}", secs(*timeout))]
    NoAnswer { addr: String, timeout: Duration },
    /// A command was refused with an error that waiting does not cure.
    #[error("Redis at {addr} refused {command}: {error}")]
    Refused { addr: String, command: String, error: ServerError },
    /// The server kept answering LOADING, TRYAGAIN, CLUSTERDOWN, MASTERDOWN or READONLY until
    /// the retry deadline passed.
    #[error("Redis at {addr} still answered {} after {} of waiting: {error}", error.kind.name(), secs(*waited))]
    Unavailable { addr: String, error: ServerError, waited: Duration },
    /// A reply that is RESP but not what the command answers.
    #[error("unexpected reply from Redis at {addr} to {command}: {detail}")]
    UnexpectedReply { addr: String, command: String, detail: String },
    /// Bytes that are not RESP, or exceed what sessctl reads in one reply.
    #[error("Redis at {addr} sent data sessctl cannot read ({detail}); is this a Redis server?")]
    Protocol { addr: String, detail: String },
    /// The deployment (cluster, Sentinel) is not in a state sessctl can work with.
    #[error(transparent)]
    Topology(#[from] TopologyError),
    /// None of several seed URLs could be reached.
    #[error("cannot reach any of the {count} Redis seed nodes; first: {first}")]
    NoSeed { count: usize, first: Box<StoreError> },
    /// An RDB dump (a file, or a snapshot as it streamed in) that cannot be read.
    #[error("{source}{}", from.as_deref().map(|f| format!(" ({f})")).unwrap_or_default())]
    Dump { source: DumpError, from: Option<String> },
    /// The server refused to send a snapshot (`SYNC` renamed or disabled, an ACL, a managed
    /// service).
    #[error("Redis at {addr} refused to send a snapshot ({command}: {detail})")]
    SnapshotRefused { addr: String, command: String, detail: String },
    /// The snapshot transfer broke off or did not end as announced.
    #[error("the snapshot from Redis at {addr} failed: {detail}")]
    Snapshot { addr: String, detail: String },
    /// Writes were made on a primary but its replicas did not acknowledge them before the
    /// retry deadline, and the primary was not replaced either: a failover could still undo
    /// them. `confirmed` says, per item of the call, which writes were confirmed.
    #[error("{writes} {} by {command} on Redis at {addr} {} not confirmed by {replicas} {} ({why})", plural(*writes, "write", "writes"), plural(*writes, "was", "were"), plural(*replicas as usize, "replica", "replicas"))]
    Unconfirmed {
        addr: String,
        command: String,
        writes: usize,
        replicas: u32,
        acked: u32,
        why: String,
        confirmed: Vec<bool>,
    },
}

/// The newest RDB version the dump reader reads.
pub(crate) const RDB_MAX_VERSION: u32 = 13;

/// What is wrong with a dump.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DumpError {
    #[error("reading the dump failed: {0}")]
    Io(#[from] std::io::Error),
    #[error("the dump ends early (truncated at byte {0})")]
    Truncated(u64),
    #[error("not an RDB dump (it does not start with REDIS and a version number)")]
    NotRdb,
    #[error("RDB version {0} is newer than sessctl reads (versions 1 to {RDB_MAX_VERSION}, Redis up to 8.x)")]
    Version(u32),
    #[error("the dump is corrupt at byte {at}: {what}")]
    Corrupt { at: u64, what: String },
    #[error("the dump's checksum does not match its contents (CRC-64 {expected:016x} written, {actual:016x} read): it is damaged")]
    Checksum { expected: u64, actual: u64 },
}

fn plural(n: usize, one: &'static str, many: &'static str) -> &'static str {
    if n == 1 {
        one
    } else {
        many
    }
}

/// Which TLS file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TlsFile {
    Ca,
    Cert,
    Key,
}

impl std::fmt::Display for TlsFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            TlsFile::Ca => "CA",
            TlsFile::Cert => "client certificate",
            TlsFile::Key => "client key",
        })
    }
}

/// Why a network operation failed, in words.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum NetCause {
    Refused,
    Reset,
    Closed,
    TimedOut,
    NoSuchFile,
    PermissionDenied,
    Other(String),
}

impl NetCause {
    pub(crate) fn of(error: &std::io::Error) -> NetCause {
        use std::io::ErrorKind::*;
        match error.kind() {
            ConnectionRefused => NetCause::Refused,
            ConnectionReset | ConnectionAborted => NetCause::Reset,
            BrokenPipe => NetCause::Closed,
            UnexpectedEof => match error.get_ref() {
                Some(inner) => NetCause::Other(inner.to_string()),
                None => NetCause::Closed,
            },
            TimedOut | WouldBlock => NetCause::TimedOut,
            NotFound => NetCause::NoSuchFile,
            PermissionDenied => NetCause::PermissionDenied,
            _ => {
                let text = error.to_string();
                // "Connection refused (os error 111)" reads better without the number.
                NetCause::Other(match text.find(" (os error") {
                    Some(i) => text[..i].to_lowercase(),
                    None => text,
                })
            }
        }
    }
}

impl std::fmt::Display for NetCause {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            NetCause::Refused => "connection refused",
            NetCause::Reset => "connection reset by the server",
            NetCause::Closed => "connection closed by the server",
            NetCause::TimedOut => "timed out",
            NetCause::NoSuchFile => "no such file",
            NetCause::PermissionDenied => "permission denied",
            NetCause::Other(text) => text,
        })
    }
}

/// What went wrong with TLS.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum TlsProblem {
    /// The server's certificate is not signed by a trusted CA, or not for this host.
    UntrustedCertificate(String),
    /// The other end does not speak TLS (most likely a plain-text Redis port).
    NotTls(String),
    /// The host cannot be used as a TLS server name.
    BadServerName(String),
    /// The server requires a client certificate and none was given.
    ClientCertificateRequired,
    /// The server refused the client certificate given.
    ClientCertificateRefused(String),
    Other(String),
}

impl std::fmt::Display for TlsProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TlsProblem::UntrustedCertificate(e) => write!(f, "the server's certificate is not trusted ({e})"),
            TlsProblem::NotTls(e) => write!(f, "the server does not speak TLS on that port ({e})"),
            TlsProblem::BadServerName(host) => write!(f, "{host:?} cannot be used as a TLS server name"),
            TlsProblem::ClientCertificateRequired => f.write_str("the server requires a client certificate"),
            TlsProblem::ClientCertificateRefused(e) => write!(f, "the server refused the client certificate ({e})"),
            TlsProblem::Other(e) => f.write_str(e),
        }
    }
}

/// What went wrong authenticating.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum AuthProblem {
    /// WRONGPASS and the like; carries the error code only (never the password).
    Rejected(String),
    /// NOAUTH: the server wants a password and none was given.
    PasswordRequired,
    /// A password was given to a server that has none.
    NoPasswordSet,
    /// The server refused the connection setup for another reason.
    Other(String),
}

impl std::fmt::Display for AuthProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            AuthProblem::Rejected(code) => write!(f, "rejected the credentials ({code})"),
            AuthProblem::PasswordRequired => f.write_str("requires a password"),
            AuthProblem::NoPasswordSet => f.write_str("has no password set but one was given"),
            AuthProblem::Other(e) => write!(f, "refused the connection setup: {e}"),
        }
    }
}

/// A cluster or Sentinel deployment that is not in a usable state.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TopologyError {
    #[error("Redis at {addr} is not a cluster node (cluster_enabled:0)")]
    NotACluster { addr: String },
    #[error("Redis at {addr} is a cluster node and a cluster has only database 0, not {db}")]
    DatabaseInCluster { addr: String, db: i64 },
    #[error("Redis at {addr} is a cluster node but CLUSTER NODES lists no primary serving slots")]
    NoPrimaries { addr: String },
    #[error("no Redis Cluster node serves hash slot {slot}")]
    SlotNotServed { slot: u16 },
    #[error("Redis Cluster kept redirecting {command} (MOVED/ASK)")]
    KeepsRedirecting { command: String },
    #[error("cannot reach any of the {count} Sentinels for {master:?}; first: {first}")]
    NoSentinel { count: usize, master: String, first: String },
    #[error("the Sentinel at {addr} {problem}")]
    SentinelRefused { addr: String, problem: AuthProblem },
    #[error("no Sentinel knows a primary named {master:?}")]
    UnknownMaster { master: String },
    #[error("the Sentinels name {addr} as the primary of {master:?}, but it says it is a {role}")]
    NotPrimary { addr: String, master: String, role: String },
}

/// An error reply from Redis, parsed once into its kind. `message` is the whole text Redis
/// sent (for messages); `kind` is what callers branch on.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ServerError {
    pub kind: ServerErrorKind,
    pub message: String,
}

/// The kinds of error replies sessctl treats differently.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ServerErrorKind {
    /// The slot lives on another node now: re-read the slot map.
    Moved {
        slot: u16,
        addr: String,
    },
    /// The key is being migrated: ask that node once, after ASKING.
    Ask {
        slot: u16,
        addr: String,
    },
    /// The script is not in the node's cache: SCRIPT LOAD, then again.
    NoScript,
    WrongType,
    /// The ACL user may not run the command or touch the key.
    NoPerm,
    /// Authentication is required.
    NoAuth,
    /// Wrong user or password.
    WrongPass,
    /// The server is loading its dataset: wait.
    Loading,
    /// A multi-key command during resharding: wait.
    TryAgain,
    /// The cluster is down (a primary failed, a failover is under way): wait.
    ClusterDown,
    /// A replica lost its primary: wait.
    MasterDown,
    /// A write reached a replica (a failover demoted the node): find the primary, again.
    ReadOnly,
    Other,
}

impl ServerErrorKind {
    /// The error code as Redis writes it.
    pub fn name(&self) -> &'static str {
        match self {
            ServerErrorKind::Moved { .. } => "MOVED",
            ServerErrorKind::Ask { .. } => "ASK",
            ServerErrorKind::NoScript => "NOSCRIPT",
            ServerErrorKind::WrongType => "WRONGTYPE",
            ServerErrorKind::NoPerm => "NOPERM",
            ServerErrorKind::NoAuth => "NOAUTH",
            ServerErrorKind::WrongPass => "WRONGPASS",
            ServerErrorKind::Loading => "LOADING",
            ServerErrorKind::TryAgain => "TRYAGAIN",
            ServerErrorKind::ClusterDown => "CLUSTERDOWN",
            ServerErrorKind::MasterDown => "MASTERDOWN",
            ServerErrorKind::ReadOnly => "READONLY",
            ServerErrorKind::Other => "ERR",
        }
    }

    /// A state the server leaves by itself (loading done, failover done): wait and try again.
    pub fn is_transient(&self) -> bool {
        matches!(
            self,
            ServerErrorKind::Loading
                | ServerErrorKind::TryAgain
                | ServerErrorKind::ClusterDown
                | ServerErrorKind::MasterDown
                | ServerErrorKind::ReadOnly
        )
    }

    /// Waiting may not be enough: the primary may have changed (failover), so the topology
    /// should be read again before the next attempt.
    pub fn calls_for_new_topology(&self) -> bool {
        matches!(
            self,
            ServerErrorKind::ClusterDown
                | ServerErrorKind::MasterDown
                | ServerErrorKind::ReadOnly
                | ServerErrorKind::Moved { .. }
        )
    }

    pub fn is_redirect(&self) -> bool {
        matches!(self, ServerErrorKind::Moved { .. } | ServerErrorKind::Ask { .. })
    }
}

impl ServerError {
    /// Parses an error reply's text (without the leading `-`).
    pub fn parse(message: &str) -> ServerError {
        let code = message.split(' ').next().unwrap_or_default();
        let redirect = || {
            let mut words = message.split(' ').skip(1);
            let slot = words.next()?.parse().ok()?;
            let addr = words.next().filter(|a| !a.is_empty())?.to_string();
            Some((slot, addr))
        };
        let kind = match code {
            "MOVED" => match redirect() {
                Some((slot, addr)) => ServerErrorKind::Moved { slot, addr },
                None => ServerErrorKind::Other,
            },
            "ASK" => match redirect() {
                Some((slot, addr)) => ServerErrorKind::Ask { slot, addr },
                None => ServerErrorKind::Other,
            },
            "NOSCRIPT" => ServerErrorKind::NoScript,
            "WRONGTYPE" => ServerErrorKind::WrongType,
            "NOPERM" => ServerErrorKind::NoPerm,
            "NOAUTH" => ServerErrorKind::NoAuth,
            "WRONGPASS" => ServerErrorKind::WrongPass,
            "LOADING" => ServerErrorKind::Loading,
            "TRYAGAIN" => ServerErrorKind::TryAgain,
            "CLUSTERDOWN" => ServerErrorKind::ClusterDown,
            "MASTERDOWN" => ServerErrorKind::MasterDown,
            "READONLY" => ServerErrorKind::ReadOnly,
            // Redis before 6 said "ERR invalid password".
            "ERR" if message.contains("invalid password") || message.contains("invalid username-password") => {
                ServerErrorKind::WrongPass
            }
            _ => ServerErrorKind::Other,
        };
        ServerError { kind, message: message.to_string() }
    }
}

impl std::fmt::Display for ServerError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

/// `1.5 s`, `30 s`, `250 ms`.
pub(crate) fn secs(d: Duration) -> String {
    if d < Duration::from_secs(1) {
        format!("{} ms", d.as_millis())
    } else if d.subsec_millis() == 0 {
        format!("{} s", d.as_secs())
    } else {
        format!("{:.1} s", d.as_secs_f64())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_replies_are_parsed_once_into_kinds() {
        let kind = |text: &str| ServerError::parse(text).kind;
        assert_eq!(
            kind("MOVED 3999 127.0.0.1:6381"),
            ServerErrorKind::Moved { slot: 3999, addr: "127.0.0.1:6381".into() }
        );
        assert_eq!(kind("ASK 12 [::1]:7000"), ServerErrorKind::Ask { slot: 12, addr: "[::1]:7000".into() });
        assert_eq!(kind("MOVED nonsense"), ServerErrorKind::Other);
        assert_eq!(kind("NOSCRIPT No matching script. Please use EVAL."), ServerErrorKind::NoScript);
        assert_eq!(
            kind("WRONGTYPE Operation against a key holding the wrong kind of value"),
            ServerErrorKind::WrongType
        );
        assert_eq!(kind("NOPERM this user has no permissions to run the 'get' command"), ServerErrorKind::NoPerm);
        assert_eq!(kind("NOAUTH Authentication required."), ServerErrorKind::NoAuth);
        assert_eq!(kind("WRONGPASS invalid username-password pair or user is disabled."), ServerErrorKind::WrongPass);
        assert_eq!(kind("ERR invalid password"), ServerErrorKind::WrongPass);
        assert_eq!(kind("LOADING Redis is loading the dataset in memory"), ServerErrorKind::Loading);
        assert_eq!(kind("TRYAGAIN Multiple keys request during rehashing of slot"), ServerErrorKind::TryAgain);
        assert_eq!(kind("CLUSTERDOWN The cluster is down"), ServerErrorKind::ClusterDown);
        assert_eq!(kind("MASTERDOWN Link with MASTER is down"), ServerErrorKind::MasterDown);
        assert_eq!(kind("READONLY You can't write against a read only replica."), ServerErrorKind::ReadOnly);
        assert_eq!(kind("ERR unknown command"), ServerErrorKind::Other);
        assert_eq!(kind(""), ServerErrorKind::Other);
        let transient: Vec<&str> = ["LOADING x", "TRYAGAIN x", "CLUSTERDOWN x", "MASTERDOWN x", "READONLY x", "ERR x"]
            .iter()
            .filter(|t| kind(t).is_transient())
            .map(|t| kind(t).name())
            .collect();
        assert_eq!(transient, ["LOADING", "TRYAGAIN", "CLUSTERDOWN", "MASTERDOWN", "READONLY"]);
    }

    #[test]
    fn durations_read_well() {
        assert_eq!(secs(Duration::from_millis(250)), "250 ms");
        assert_eq!(secs(Duration::from_secs(30)), "30 s");
        assert_eq!(secs(Duration::from_millis(1500)), "1.5 s");
    }
}
