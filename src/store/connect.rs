//! Redis URLs (redis://, rediss://, unix://), TLS, timeouts, cluster detection, reconnects.

use super::{StoreError, Timeouts};

/// How to reach Redis.
#[derive(Debug, Clone)]
pub struct ConnectOptions {
    /// One URL for standalone; one or more seed URLs for a cluster.
    pub urls: Vec<String>,
    /// `Some(true)`: the URLs are cluster seeds; `None`: ask the server (`INFO cluster`).
    pub cluster: Option<bool>,
    /// The key prefix (`session:`).
    pub prefix: Vec<u8>,
    /// A PEM file of CA certificates for `rediss://` (system roots otherwise).
    pub tls_ca: Option<std::path::PathBuf>,
    pub timeouts: Timeouts,
}

/// A connected session store.
pub struct Store {
    pub(crate) options: ConnectOptions,
}

impl Store {
    pub fn connect(options: ConnectOptions) -> Result<Store, StoreError> {
        let _ = options;
        todo!("store connect")
    }

    pub fn is_cluster(&self) -> bool {
        todo!("store")
    }

    pub fn prefix(&self) -> &[u8] {
        &self.options.prefix
    }
}
