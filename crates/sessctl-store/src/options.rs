//! How to reach Redis: the URLs, TLS files, credentials, timeouts and the replicas that must
//! acknowledge writes ([`ConnectOptions`], [`Timeouts`]).

use std::path::PathBuf;
use std::time::Duration;

use crate::url::redact_url;

/// How to reach Redis. `Debug` shows the URLs with their passwords redacted.
///
/// ```
/// use sessctl_store::ConnectOptions;
///
/// let options = ConnectOptions {
///     urls: vec!["redis://app:hunter2@10.0.0.5:6379/0".into()],
///     prefix: b"session:".to_vec(),
///     wait_replicas: Some(0), // never WAIT for replicas
///     ..ConnectOptions::default()
/// };
/// let shown = format!("{options:?}");
/// assert!(shown.contains("redis://app:***@10.0.0.5:6379/0") && !shown.contains("hunter2"));
/// ```
#[derive(Clone, Default)]
pub struct ConnectOptions {
    /// One URL for standalone or Sentinel (`redis+sentinel://…`); one or more seed URLs for a
    /// cluster.
    pub urls: Vec<String>,
    /// `Some(true)`: the URLs are cluster seeds; `None`: ask the server (`INFO cluster`).
    pub cluster: Option<bool>,
    /// The key prefix (`session:`).
    pub prefix: Vec<u8>,
    /// A PEM file of CA certificates for `rediss://` (system roots otherwise).
    pub tls_ca: Option<PathBuf>,
    /// A client certificate and its key, for servers that require one (`tls-auth-clients yes`).
    pub client_cert: Option<ClientCert>,
    /// The password of the Sentinels (a Sentinel URL's user info is the primary's).
    pub sentinel_password: Option<String>,
    pub timeouts: Timeouts,
    /// Replicas that must acknowledge each batch of writes (`WAIT`) before it counts: `None`
    /// means one where the primary has replicas when sessctl first writes to it, none
    /// elsewhere; `Some(0)` never waits.
    pub wait_replicas: Option<u32>,
}

impl std::fmt::Debug for ConnectOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConnectOptions")
            .field("urls", &self.urls.iter().map(|u| redact_url(u)).collect::<Vec<_>>())
            .field("cluster", &self.cluster)
            .field("prefix", &String::from_utf8_lossy(&self.prefix))
            .field("tls_ca", &self.tls_ca)
            .field("client_cert", &self.client_cert)
            .field("sentinel_password", &self.sentinel_password.as_ref().map(|_| "(redacted)"))
            .field("timeouts", &self.timeouts)
            .field("wait_replicas", &self.wait_replicas)
            .finish()
    }
}

/// A TLS client certificate and its private key: one value, so a certificate never goes
/// without its key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientCert {
    /// The certificate chain (PEM).
    pub cert: PathBuf,
    /// Its private key (PEM: PKCS#8, PKCS#1 RSA or SEC1 EC, unencrypted).
    pub key: PathBuf,
}

/// Timeouts and the retry deadline shared by every connection.
#[derive(Debug, Clone, Copy)]
pub struct Timeouts {
    /// TCP connect plus the handshake (TLS, AUTH, SELECT).
    pub connect: Duration,
    /// One reply. A server that lets this pass twice in a row is reported as not answering.
    pub response: Duration,
    /// How long failures in a row may last (dropped connections, a failover, LOADING,
    /// CLUSTERDOWN, …) before an operation gives up.
    pub retry_deadline: Duration,
}

/// The default retry deadline: long enough for a cluster or Sentinel failover with the usual
/// timeouts, short enough for cron.
pub const DEFAULT_RETRY_DEADLINE: Duration = Duration::from_secs(30);

impl Default for Timeouts {
    fn default() -> Self {
        Timeouts {
            connect: Duration::from_secs(5),
            response: Duration::from_secs(30),
            retry_deadline: DEFAULT_RETRY_DEADLINE,
        }
    }
}
