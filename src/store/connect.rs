//! Redis URLs (redis://, rediss://, unix://), TLS, timeouts, cluster detection, reconnects.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use super::conn::{self, Addr, Conn, Endpoint, Fail};
use super::{StoreError, Timeouts};

/// How to reach Redis. `Debug` shows the URLs with their passwords redacted.
#[derive(Clone)]
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

impl std::fmt::Debug for ConnectOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConnectOptions")
            .field("urls", &self.urls.iter().map(|u| redact_url(u)).collect::<Vec<_>>())
            .field("cluster", &self.cluster)
            .field("prefix", &String::from_utf8_lossy(&self.prefix))
            .field("tls_ca", &self.tls_ca)
            .field("timeouts", &self.timeouts)
            .finish()
    }
}

/// The primaries and which of them serves each hash slot.
#[derive(Debug, Clone)]
pub(crate) struct Topology {
    pub nodes: Vec<Endpoint>,
    /// Slot → index in `nodes` (`u16::MAX`: unassigned). Empty for standalone Redis.
    pub slots: Vec<u16>,
}

/// A connected session store.
pub struct Store {
    pub(crate) options: ConnectOptions,
    pub(crate) cluster: bool,
    /// The seed endpoint that answered (template for cluster node connections).
    pub(crate) seed: Endpoint,
    pub(crate) topology: Mutex<Arc<Topology>>,
    /// One connection per node (by address) for the single-key operations.
    pub(crate) conns: Mutex<HashMap<String, Conn>>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").field("cluster", &self.cluster).field("nodes", &self.nodes()).finish()
    }
}

impl Store {
    pub fn connect(options: ConnectOptions) -> Result<Store, StoreError> {
        if options.urls.is_empty() {
            return Err(StoreError::Url {
                url: String::new(),
                why: "no Redis URL given; set SESSCTL_REDIS_URL or --redis-url".into(),
            });
        }
        let mut tls_configs: [Option<Arc<rustls::ClientConfig>>; 2] = [None, None];
        let mut seeds = Vec::new();
        for url in &options.urls {
            seeds.push(parse_url(url, &options.timeouts, options.tls_ca.as_deref(), &mut tls_configs)?);
        }
        // Try the seeds in order; credentials or TLS problems are not worth another seed.
        let mut failures = Vec::new();
        let mut opened = None;
        'seeds: for seed in &seeds {
            let mut attempt = 0;
            loop {
                match open_seed(seed, options.cluster) {
                    Ok(found) => {
                        opened = Some((seed.clone(), found));
                        break 'seeds;
                    }
                    Err(fail @ Fail::Fatal(_)) => return Err(fail.into_connect_error()),
                    // Closed while saying hello or asking about the cluster (a restart, a killed
                    // client, maxclients): the server is there, so try it again before moving
                    // on. Refusals and timeouts go straight to the next seed.
                    Err(fail) if fail.dropped_after_connect() && attempt < options.timeouts.retries => {
                        attempt += 1;
                        std::thread::sleep(Store::backoff(attempt + 1));
                    }
                    Err(fail) => {
                        failures.push(fail.into_connect_error().to_string());
                        break;
                    }
                }
            }
        }
        let Some((seed, (conn, cluster, topology))) = opened else {
            return Err(StoreError::Connect(if failures.len() == 1 {
                failures.remove(0)
            } else {
                format!("cannot reach any of the {} Redis seed nodes; first: {}", failures.len(), failures[0])
            }));
        };
        // Keep the seed's connection for the operations.
        let mut conns = HashMap::new();
        conns.insert(seed.addr.to_string(), conn);
        Ok(Store { options, cluster, seed, topology: Mutex::new(Arc::new(topology)), conns: Mutex::new(conns) })
    }

    pub fn is_cluster(&self) -> bool {
        self.cluster
    }

    pub fn prefix(&self) -> &[u8] {
        &self.options.prefix
    }

    /// The addresses of the nodes holding data (the primaries of a cluster), for messages.
    pub fn nodes(&self) -> Vec<String> {
        self.topology().nodes.iter().map(|n| n.addr.to_string()).collect()
    }

    pub(crate) fn topology(&self) -> Arc<Topology> {
        self.topology.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// The node at `addr` (`host:port`, as a MOVED or ASK reply names it): one from the slot
    /// map, else one made like the seed (same credentials and TLS).
    pub(crate) fn endpoint_at(&self, addr: &str) -> Option<Endpoint> {
        if let Some(node) = self.topology().nodes.iter().find(|n| n.addr.to_string() == addr) {
            return Some(node.clone());
        }
        let (host, port) = addr.rsplit_once(':')?;
        let port = port.parse().ok()?;
        let mut endpoint = self.seed.clone();
        endpoint.addr = Addr::Tcp { host: host.trim_start_matches('[').trim_end_matches(']').to_string(), port };
        endpoint.db = 0;
        Some(endpoint)
    }

    /// Re-reads the cluster's slot map (after a MOVED reply).
    pub(crate) fn refresh_topology(&self) -> Result<(), StoreError> {
        if !self.cluster {
            return Ok(());
        }
        let old = self.topology();
        let mut last = None;
        let candidates = old.nodes.iter().chain(std::iter::once(&self.seed));
        for endpoint in candidates {
            let mut conn = match Conn::open(endpoint) {
                Ok(conn) => conn,
                Err(fail) => {
                    last = Some(fail.into_connect_error());
                    continue;
                }
            };
            match read_topology(&mut conn, &self.seed) {
                Ok(topology) => {
                    *self.topology.lock().unwrap_or_else(|e| e.into_inner()) = Arc::new(topology);
                    return Ok(());
                }
                // That node went away while answering: ask the next one.
                Err(fail) if fail.is_transport() => last = Some(fail.into_store_error()),
                Err(fail) => return Err(fail.into_store_error()),
            }
        }
        Err(last.unwrap_or_else(|| StoreError::Connect("no cluster node answered".into())))
    }

    /// The backoff before reconnect attempt `attempt` (1-based): none for the first.
    pub(crate) fn backoff(attempt: u32) -> Duration {
        if attempt <= 1 {
            Duration::ZERO
        } else {
            Duration::from_millis((10u64 << (attempt - 2).min(7)).min(1000))
        }
    }
}

/// Parses one URL the way redis-rs does.
fn parse_url(
    url: &str,
    timeouts: &Timeouts,
    tls_ca: Option<&std::path::Path>,
    tls_configs: &mut [Option<Arc<rustls::ClientConfig>>; 2],
) -> Result<Endpoint, StoreError> {
    use redis::IntoConnectionInfo;
    let bad = |why: String| StoreError::Url { url: redact_url(url), why };
    let info = url.into_connection_info().map_err(|e| {
        let why = e.to_string();
        let why = if why.contains("did not parse") || why.contains("not a redis URL") {
            "expected redis://[user:password@]host:port/db, rediss://… (TLS) or unix:///path/to/redis.sock".to_string()
        } else {
            why
        };
        bad(why)
    })?;
    let redis = info.redis_settings();
    let (addr, tls) = match info.addr() {
        redis::ConnectionAddr::Tcp(host, port) => (Addr::Tcp { host: host.clone(), port: *port }, None),
        redis::ConnectionAddr::TcpTls { host, port, insecure, .. } => {
            let slot = &mut tls_configs[usize::from(*insecure)];
            if slot.is_none() {
                *slot = Some(conn::tls_config(tls_ca, *insecure)?);
            }
            (Addr::Tcp { host: host.clone(), port: *port }, slot.clone())
        }
        redis::ConnectionAddr::Unix(path) => (Addr::Unix(path.clone()), None),
        _ => return Err(bad("unsupported kind of address".into())),
    };
    Ok(Endpoint {
        addr,
        tls,
        username: redis.username().map(str::to_string),
        password: redis.password().map(str::to_string),
        db: redis.db(),
        timeouts: timeouts.clone(),
    })
}

/// The URL with any password replaced by `***`, safe to show.
pub fn redact_url(url: &str) -> String {
    let mut out = url.to_string();
    // user:password@ in the authority
    if let Some(scheme_end) = out.find("://") {
        let rest = scheme_end + 3;
        let authority_end = out[rest..].find(['/', '?', '#']).map(|i| rest + i).unwrap_or(out.len());
        if let Some(at) = out[rest..authority_end].rfind('@') {
            let at = rest + at;
            if let Some(colon) = out[rest..at].find(':') {
                out.replace_range(rest + colon + 1..at, "***");
            }
        }
    }
    // ?pass=… / &password=… in the query (unix:// URLs)
    if let Some(q) = out.find('?') {
        let (head, query) = out.split_at(q + 1);
        let query: Vec<String> = query
            .split('&')
            .map(|pair| match pair.split_once('=') {
                Some((k, _)) if k.eq_ignore_ascii_case("pass") || k.eq_ignore_ascii_case("password") => {
                    format!("{k}=***")
                }
                _ => pair.to_string(),
            })
            .collect();
        out = format!("{head}{}", query.join("&"));
    }
    out
}

/// Opens `seed` and learns what it is: standalone, or a cluster and its primaries. A connection
/// that breaks at any step is a `Fail::Transport`, so the caller can try the seed again.
fn open_seed(seed: &Endpoint, forced: Option<bool>) -> Result<(Conn, bool, Topology), Fail> {
    let mut conn = Conn::open(seed)?;
    let cluster = match forced {
        Some(false) => false,
        forced => {
            let enabled = cluster_enabled(&mut conn)?;
            if forced == Some(true) && !enabled {
                return Err(Fail::Fatal(StoreError::Connect(format!(
                    "Redis at {} is not a cluster node (cluster_enabled:0); drop --cluster (SESSCTL_CLUSTER)",
                    seed.addr
                ))));
            }
            enabled
        }
    };
    let topology = if cluster {
        if seed.db != 0 {
            return Err(Fail::Fatal(StoreError::Connect(format!(
                "Redis at {} is a cluster node and a cluster has only database 0; remove /{} from the Redis URL",
                seed.addr, seed.db
            ))));
        }
        read_topology(&mut conn, seed)?
    } else {
        Topology { nodes: vec![seed.clone()], slots: Vec::new() }
    };
    Ok((conn, cluster, topology))
}

/// `INFO cluster` → cluster_enabled. A server that refuses INFO (ACL) is taken as standalone.
fn cluster_enabled(conn: &mut Conn) -> Result<bool, Fail> {
    match conn.query(&[b"INFO", b"cluster"]) {
        Ok(reply) => Ok(reply.text().unwrap_or_default().lines().any(|l| l.trim() == "cluster_enabled:1")),
        Err(Fail::Fatal(_)) => Ok(false),
        Err(fail) => Err(fail),
    }
}

/// `CLUSTER NODES` → the primaries that serve slots.
fn read_topology(conn: &mut Conn, seed: &Endpoint) -> Result<Topology, Fail> {
    let addr = conn.addr.clone();
    let text = conn.query(&[b"CLUSTER", b"NODES"])?.text().unwrap_or_default();
    let seed_host = match &seed.addr {
        Addr::Tcp { host, .. } => host.clone(),
        Addr::Unix(_) => "127.0.0.1".to_string(),
    };
    let mut nodes = Vec::new();
    let mut slots = vec![u16::MAX; 16384];
    for line in text.lines() {
        let fields: Vec<&str> = line.split(' ').collect();
        if fields.len() < 8 {
            continue;
        }
        let flags: Vec<&str> = fields[2].split(',').collect();
        if !flags.contains(&"master") || flags.iter().any(|f| matches!(*f, "fail" | "noaddr" | "handshake")) {
            continue;
        }
        let ranges: Vec<(usize, usize)> = fields[8..]
            .iter()
            .filter(|s| !s.starts_with('['))
            .filter_map(|s| match s.split_once('-') {
                Some((a, b)) => Some((a.parse().ok()?, b.parse().ok()?)),
                None => s.parse().ok().map(|a| (a, a)),
            })
            .filter(|&(a, b)| a <= b && b < 16384)
            .collect();
        if ranges.is_empty() {
            continue;
        }
        // ip:port@cport[,hostname]
        let (address, hostname) = match fields[1].split_once(',') {
            Some((a, h)) => (a, Some(h).filter(|h| !h.is_empty())),
            None => (fields[1], None),
        };
        let address = address.split('@').next().unwrap_or(address);
        let Some((ip, port)) = address.rsplit_once(':') else {
            continue;
        };
        let Ok(port) = port.parse::<u16>() else {
            continue;
        };
        let host = match hostname {
            Some(h) => h.to_string(),
            None if ip.is_empty() => seed_host.clone(),
            None => ip.to_string(),
        };
        let index = nodes.len() as u16;
        let mut endpoint = seed.clone();
        endpoint.addr = Addr::Tcp { host, port };
        endpoint.db = 0;
        nodes.push(endpoint);
        for (a, b) in ranges {
            slots[a..=b].fill(index);
        }
    }
    if nodes.is_empty() {
        return Err(Fail::Fatal(StoreError::Connect(format!(
            "Redis at {addr} is a cluster node but CLUSTER NODES lists no primary serving slots; check the cluster (redis-cli --cluster check)"
        ))));
    }
    Ok(Topology { nodes, slots })
}

/// The cluster hash slot of a key (CRC16/XMODEM of the key or its `{hash tag}`).
pub(crate) fn key_slot(key: &[u8]) -> u16 {
    let mut tagged = key;
    if let Some(open) = key.iter().position(|&b| b == b'{') {
        if let Some(close) = key[open + 1..].iter().position(|&b| b == b'}') {
            if close > 0 {
                tagged = &key[open + 1..open + 1 + close];
            }
        }
    }
    let mut crc: u16 = 0;
    for &byte in tagged {
        crc ^= (byte as u16) << 8;
        for _ in 0..8 {
            crc = if crc & 0x8000 != 0 { (crc << 1) ^ 0x1021 } else { crc << 1 };
        }
    }
    crc % 16384
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_match_redis() {
        // Values from CLUSTER KEYSLOT.
        assert_eq!(key_slot(b"123456789"), 12739);
        assert_eq!(key_slot(b"foo"), 12182);
        assert_eq!(key_slot(b"{user1000}.following"), key_slot(b"user1000"));
        assert_eq!(key_slot(b"foo{}{bar}"), key_slot(b"foo{}{bar}"));
    }

    #[test]
    fn options_never_print_passwords() {
        let options = ConnectOptions {
            urls: vec!["redis://user:hunter2@host:6379/0".into()],
            cluster: None,
            prefix: b"session:".to_vec(),
            tls_ca: None,
            timeouts: Timeouts::default(),
        };
        assert!(!format!("{options:?}").contains("hunter2"));
    }

    #[test]
    fn passwords_are_redacted() {
        assert_eq!(redact_url("redis://:s3cret@host:6379/0"), "redis://:***@host:6379/0");
        assert_eq!(redact_url("rediss://user:p@ss@host:1/2#insecure"), "rediss://user:***@host:1/2#insecure");
        assert_eq!(redact_url("redis://host:6379"), "redis://host:6379");
        assert_eq!(redact_url("unix:///tmp/r.sock?db=2&pass=hunter2"), "unix:///tmp/r.sock?db=2&pass=***");
    }
}
