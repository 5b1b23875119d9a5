//! Where the data lives: one standalone server, the primary that Sentinel names, or the
//! primaries of a Redis Cluster and the slots each serves. The map is read when connecting
//! and read again after a MOVED reply and whenever the retry policy suspects a failover (a
//! primary that stopped accepting connections, CLUSTERDOWN, READONLY, MASTERDOWN); a primary
//! that was replaced is recorded as a [`Failover`].
//!
//! Also the pool of connections for single-key operations (one lock, held only to take or put
//! back a connection, never across I/O).

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use super::error::{ServerError, StoreError, TopologyError};
use super::url::{self, Target};
use super::wire::{self, Addr, Attempts, Conn, Endpoint, Fail, Next, RetryPolicy, Tok};
use crate::options::ConnectOptions;

/// One primary and what it serves.
#[derive(Debug, Clone)]
pub(crate) struct Primary {
    pub endpoint: Arc<Endpoint>,
    /// The cluster node id; the address for a standalone server or Sentinel's primary.
    pub id: String,
    /// Slot ranges served (cluster only).
    pub slots: Vec<(u16, u16)>,
    /// Its config epoch as the node that gave the map knows it (cluster only; 0 otherwise).
    /// A failover or a slot migration gives the new owner of the slots an epoch above the old
    /// owner's, so it tells a newer map from a stale one (see [`Map::older_than`]).
    pub epoch: u64,
}

impl Primary {
    /// The first slot it serves (cluster), which identifies its part of a scan.
    pub fn first_slot(&self) -> Option<u16> {
        self.slots.first().map(|&(a, _)| a)
    }
}

/// The primaries at one moment.
#[derive(Debug)]
pub(crate) struct Map {
    pub primaries: Vec<Primary>,
    /// Slot → index in `primaries` (`u16::MAX`: unassigned). Empty unless a cluster.
    pub slots: Vec<u16>,
    /// Every node seen (replicas too): where to ask for the map when primaries are down.
    pub nodes: Vec<Arc<Endpoint>>,
    /// Primaries (by address) that the cluster lists with a replica not marked failing.
    pub with_replicas: Vec<String>,
}

impl Map {
    /// The primary serving `slot` (cluster), or the one primary.
    pub fn primary_for_slot(&self, slot: Option<u16>) -> Option<&Primary> {
        match slot {
            Some(slot) if !self.slots.is_empty() => {
                self.slots.get(slot as usize).and_then(|&i| self.primaries.get(i as usize))
            }
            _ => self.primaries.first(),
        }
    }

    /// True when this (cluster) map is older than `current` for some slot: it gives the slot
    /// to another node than `current` does, one with a lower config epoch. That is the view of
    /// a node that has not heard of a failover yet (the old primary just resumed from a freeze,
    /// or a node the gossip has not reached): taking it would "follow" a failover back to the
    /// replaced primary, and send the scan and the writes to a node that is about to become a
    /// replica and lose them (a scan there may also miss keys when it resyncs). Such a map is
    /// ignored; the cluster's own rule is the same (the higher config epoch wins a slot).
    pub fn older_than(&self, current: &Map) -> bool {
        if self.slots.is_empty() || current.slots.is_empty() {
            return false;
        }
        self.slots.iter().zip(&current.slots).any(|(&new, &now)| {
            match (self.primaries.get(new as usize), current.primaries.get(now as usize)) {
                (Some(new), Some(now)) => new.id != now.id && new.epoch < now.epoch,
                _ => false,
            }
        })
    }
}

/// What kind of deployment.
#[derive(Debug)]
pub(crate) enum Mode {
    Standalone,
    Cluster,
    Sentinel { sentinels: Vec<Endpoint>, master: String },
}

/// The deployment sessctl talks to.
pub(crate) struct Topology {
    pub mode: Mode,
    /// Credentials, TLS and limits for nodes found later (cluster nodes, Sentinel's primary).
    template: Endpoint,
    seeds: Vec<Endpoint>,
    map: RwLock<Arc<Map>>,
    pool: Mutex<HashMap<String, Vec<Conn>>>,
    pub policy: RetryPolicy,
    reconnects: AtomicU64,
    failovers: Mutex<Vec<Failover>>,
    /// `--wait-replicas` (`None`: one where the primary has replicas).
    wait_replicas: Option<u32>,
    /// Replicas each primary's writes wait for, decided at the first write to it (by address).
    wait_for: Mutex<HashMap<String, u32>>,
    /// Set by the Sentinel watcher when the Sentinels announce a new primary (`+switch-master`):
    /// the next look at the map reads it again.
    switched: Arc<AtomicBool>,
    /// Set when the topology is dropped: the watcher stops.
    closed: Arc<AtomicBool>,
    /// Primaries gone from the map whose slots nobody served yet (address, first slot).
    pending: Mutex<Vec<(String, Option<u16>)>>,
}

impl Drop for Topology {
    fn drop(&mut self) {
        self.closed.store(true, Ordering::SeqCst);
    }
}

impl std::fmt::Debug for Topology {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Topology").field("mode", &self.mode).field("map", &self.map()).finish()
    }
}

/// Idle connections kept per node.
const POOL_PER_NODE: usize = 8;

impl Topology {
    /// Parses the URLs and connects: the first seed that answers, or the primary the
    /// Sentinels name.
    pub fn connect(options: &ConnectOptions) -> Result<Topology, StoreError> {
        if options.urls.is_empty() {
            return Err(StoreError::Url { url: String::new(), problem: "no Redis URL given".into() });
        }
        let limits = wire::Limits { connect: options.timeouts.connect, response: options.timeouts.response };
        let policy = RetryPolicy { deadline: options.timeouts.retry_deadline, timeout: options.timeouts.response };
        let mut tls_configs: [Option<Arc<rustls::ClientConfig>>; 2] = [None, None];
        let files = wire::TlsFiles {
            ca: options.tls_ca.clone(),
            client: options.client_cert.as_ref().map(|c| (c.cert.clone(), c.key.clone())),
        };
        let mut targets = Vec::new();
        for url in &options.urls {
            let mut tls = |insecure: bool| {
                let slot = &mut tls_configs[usize::from(insecure)];
                if slot.is_none() {
                    *slot = Some(wire::tls_config(&files, insecure)?);
                }
                Ok(slot.clone().expect("just set"))
            };
            targets.push(url::parse(url, limits, options.sentinel_password.as_deref(), &mut tls)?);
        }
        let sentinel = targets.iter().position(|t| matches!(t, Target::Sentinel { .. }));
        let topology = match (sentinel, targets.len()) {
            (Some(_), 1) => {
                let Some(Target::Sentinel { sentinels, master, primary }) = targets.pop() else {
                    unreachable!("the one target is a Sentinel URL")
                };
                Topology::via_sentinel(sentinels, master, primary, policy)
            }
            (Some(i), _) => Err(StoreError::Url {
                url: url::redact_url(&options.urls[i]),
                problem: "a Sentinel URL must be the only URL (list its Sentinels inside it, separated by commas)"
                    .into(),
            }),
            (None, _) => {
                let seeds = targets
                    .into_iter()
                    .map(|t| match t {
                        Target::Direct(endpoint) => endpoint,
                        Target::Sentinel { primary, .. } => primary,
                    })
                    .collect();
                Topology::via_seeds(seeds, options.cluster, policy)
            }
        };
        topology.map(|mut t| {
            t.wait_replicas = options.wait_replicas;
            t
        })
    }

    fn new(mode: Mode, template: Endpoint, seeds: Vec<Endpoint>, map: Map, policy: RetryPolicy) -> Topology {
        Topology {
            mode,
            template,
            seeds,
            map: RwLock::new(Arc::new(map)),
            pool: Mutex::new(HashMap::new()),
            policy,
            reconnects: AtomicU64::new(0),
            failovers: Mutex::new(Vec::new()),
            wait_replicas: None,
            wait_for: Mutex::new(HashMap::new()),
            switched: Arc::new(AtomicBool::new(false)),
            closed: Arc::new(AtomicBool::new(false)),
            pending: Mutex::new(Vec::new()),
        }
    }

    /// Tries the seeds in order; credentials or TLS problems are not worth another seed.
    fn via_seeds(seeds: Vec<Endpoint>, forced: Option<bool>, policy: RetryPolicy) -> Result<Topology, StoreError> {
        let mut failures = Vec::new();
        for seed in &seeds {
            let mut attempts = Attempts::connecting(policy);
            loop {
                match open_seed(seed, forced) {
                    Ok((conn, cluster, map)) => {
                        let mode = if cluster { Mode::Cluster } else { Mode::Standalone };
                        let topology = Topology::new(mode, seed.clone(), seeds.clone(), map, policy);
                        topology.keep(conn);
                        return Ok(topology);
                    }
                    Err(fail @ Fail::Fatal(_)) => return Err(fail.into_connect_error()),
                    // Closed while saying hello or asking about the cluster (a restart, a killed
                    // client, maxclients), or still loading: the server is there, so try it
                    // again. Refusals and timeouts go straight to the next seed.
                    Err(fail) if fail.dropped_after_connect() || matches!(fail, Fail::Server { .. }) => {
                        match attempts.failed(fail) {
                            Next::Retry { wait, .. } => std::thread::sleep(wait),
                            Next::GiveUp(e) => {
                                failures.push(e);
                                break;
                            }
                        }
                    }
                    Err(fail) => {
                        failures.push(fail.into_connect_error());
                        break;
                    }
                }
            }
        }
        Err(match failures.len() {
            1 => failures.remove(0),
            count => StoreError::NoSeed { count, first: Box::new(failures.remove(0)) },
        })
    }

    /// Asks the Sentinels for the primary and connects to it.
    fn via_sentinel(
        sentinels: Vec<Endpoint>,
        master: String,
        template: Endpoint,
        policy: RetryPolicy,
    ) -> Result<Topology, StoreError> {
        let mut attempts = Attempts::connecting(policy);
        let (endpoint, conn) = loop {
            match primary_from_sentinels(&sentinels, &master, &template) {
                Ok(found) => break found,
                // A failover under way: the named primary is not one yet.
                Err(fail @ Fail::Server { .. }) => match attempts.failed(fail) {
                    Next::Retry { wait, .. } => std::thread::sleep(wait),
                    Next::GiveUp(e) => return Err(e),
                },
                Err(fail) => return Err(fail.into_connect_error()),
            }
        };
        let map = single(endpoint.clone());
        let watcher = (sentinels.clone(), master.clone());
        let topology = Topology::new(Mode::Sentinel { sentinels, master }, template, vec![endpoint], map, policy);
        topology.keep(conn);
        let (switched, closed) = (topology.switched.clone(), topology.closed.clone());
        // Not fatal if it cannot start: a failover is still found by the writes' WAIT and by
        // connections the old primary drops.
        let _ = std::thread::Builder::new()
            .name("sentinel-watch".into())
            .spawn(move || watch_sentinels(&watcher.0, &watcher.1, &switched, &closed));
        Ok(topology)
    }

    pub fn is_cluster(&self) -> bool {
        matches!(self.mode, Mode::Cluster)
    }

    /// The current map (read again first when the Sentinels have announced a new primary).
    pub fn map(&self) -> Arc<Map> {
        if self.switched.swap(false, Ordering::SeqCst) {
            // Not fatal: a write's WAIT or a dropped connection finds the failover too.
            let _ = self.reload();
        }
        self.map.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// The failovers followed so far.
    pub fn failovers(&self) -> Vec<Failover> {
        self.failovers.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Records that the primary at `addr` restarted (a new server process at the same
    /// address) while sessctl ran: counted with the failovers, since what it had acknowledged
    /// may be gone.
    pub fn record_restart(&self, addr: &str) {
        let mut failovers = self.failovers.lock().unwrap_or_else(|e| e.into_inner());
        failovers.push(Failover { from: addr.to_string(), to: addr.to_string() });
    }

    /// Connections made again after a failure, so far.
    pub fn reconnects(&self) -> u64 {
        self.reconnects.load(Ordering::SeqCst)
    }

    /// Reads the map again: from the cluster's nodes, or from the Sentinels. Records the
    /// primaries that were replaced.
    pub fn reload(&self) -> Result<(), StoreError> {
        self.reload_avoiding(None)
    }

    /// [`Topology::reload`], asking the node at `suspect` last (a primary that may have been
    /// cut off from the others still believes it serves its slots).
    fn reload_avoiding(&self, suspect: Option<&str>) -> Result<(), StoreError> {
        let new = match &self.mode {
            Mode::Standalone => return Ok(()),
            Mode::Cluster => match self.read_cluster_map(suspect)? {
                Some(map) => map,
                // Only stale views answered: the map sessctl has is the newest known.
                None => return Ok(()),
            },
            Mode::Sentinel { sentinels, master } => {
                let (endpoint, conn) =
                    primary_from_sentinels(sentinels, master, &self.template).map_err(Fail::into_connect_error)?;
                self.keep(conn);
                single(endpoint)
            }
        };
        // Compared and replaced under the lock: two reloads may run at once (scanners, readers,
        // writers), and one that read a stale view must not replace the newer map another has
        // just installed.
        let mut current = self.map.write().unwrap_or_else(|e| e.into_inner());
        if new.older_than(&current) {
            return Ok(());
        }
        let old = current.clone();
        let mut found = Vec::new();
        let mut pending = self.pending.lock().unwrap_or_else(|e| e.into_inner());
        for before in &old.primaries {
            if new.primaries.iter().any(|p| p.id == before.id) {
                continue;
            }
            match new.primary_for_slot(before.first_slot()) {
                Some(after) => found.push(Failover { from: before.endpoint.key(), to: after.endpoint.key() }),
                // A failover half-way (the old primary failed, its replica has not claimed the
                // slots yet): recorded once a later map names the new owner.
                None => pending.push((before.endpoint.key(), before.first_slot())),
            }
        }
        pending.retain(|(from, slot)| match new.primary_for_slot(*slot) {
            Some(after) => {
                found.push(Failover { from: from.clone(), to: after.endpoint.key() });
                false
            }
            None => true,
        });
        drop(pending);
        if !found.is_empty() {
            let mut failovers = self.failovers.lock().unwrap_or_else(|e| e.into_inner());
            for failover in found {
                if !failovers.contains(&failover) {
                    failovers.push(failover);
                }
            }
        }
        *current = Arc::new(new);
        Ok(())
    }

    /// The map of the first node that answers with one no older than the current map (see
    /// [`Map::older_than`]); `None` when every node that answered gave an older one.
    fn read_cluster_map(&self, suspect: Option<&str>) -> Result<Option<Map>, StoreError> {
        let old = self.map();
        let mut candidates: Vec<Endpoint> = old.primaries.iter().map(|p| (*p.endpoint).clone()).collect();
        candidates.extend(old.nodes.iter().map(|n| (**n).clone()));
        candidates.extend(self.seeds.iter().cloned());
        if let Some(suspect) = suspect {
            // Stable: the others keep their order, the suspect goes last.
            candidates.sort_by_key(|c| c.key() == suspect);
        }
        let mut last = None;
        let mut stale = false;
        let mut asked = Vec::new();
        for endpoint in candidates {
            if asked.contains(&endpoint.key()) {
                continue;
            }
            asked.push(endpoint.key());
            let mut conn = match Conn::open(&endpoint) {
                Ok(conn) => conn,
                Err(fail) => {
                    last = Some(fail.into_connect_error());
                    continue;
                }
            };
            match read_cluster_nodes(&mut conn, &self.template) {
                // That node has not heard of a failover the current map shows: ask the next.
                Ok(map) if map.older_than(&old) => stale = true,
                Ok(map) => return Ok(Some(map)),
                // That node went away while answering, or is not ready: ask the next one.
                Err(fail @ (Fail::Io { .. } | Fail::Server { .. })) => last = Some(fail.into_error()),
                Err(fail) => return Err(fail.into_error()),
            }
        }
        if stale {
            return Ok(None);
        }
        Err(last.unwrap_or_else(|| TopologyError::NoPrimaries { addr: self.template.key() }.into()))
    }
}

impl wire::Retrying for Topology {
    fn policy(&self) -> RetryPolicy {
        self.policy
    }

    fn refresh(&self) {
        // Not fatal: the next attempt tells whether the old map still works.
        let _ = self.reload();
    }

    fn reconnected(&self) {
        self.reconnects.fetch_add(1, Ordering::SeqCst);
    }
}

impl wire::Router for Topology {
    fn node_for(&self, key: &[u8]) -> Result<Arc<Endpoint>, StoreError> {
        let map = self.map();
        if map.slots.is_empty() {
            return map
                .primaries
                .first()
                .map(|p| p.endpoint.clone())
                .ok_or_else(|| TopologyError::NoPrimaries { addr: self.template.key() }.into());
        }
        let slot = key_slot(key);
        match map.slots[slot as usize] {
            u16::MAX => Err(TopologyError::SlotNotServed { slot }.into()),
            i => Ok(map.primaries[i as usize].endpoint.clone()),
        }
    }

    fn node_at(&self, addr: &str) -> Option<Arc<Endpoint>> {
        let map = self.map();
        if let Some(node) = map.nodes.iter().chain(map.primaries.iter().map(|p| &p.endpoint)).find(|n| n.key() == addr)
        {
            return Some(node.clone());
        }
        let (host, port) = addr.rsplit_once(':')?;
        Some(Arc::new(self.template.at(host, port.parse().ok()?, 0)))
    }

    fn take(&self, node: &Endpoint) -> Result<Conn, Fail> {
        let kept = self.pool.lock().unwrap_or_else(|e| e.into_inner()).get_mut(&node.key()).and_then(Vec::pop);
        match kept {
            Some(conn) => Ok(conn),
            None => Conn::open(node),
        }
    }

    fn keep(&self, conn: Conn) {
        let mut pool = self.pool.lock().unwrap_or_else(|e| e.into_inner());
        let idle = pool.entry(conn.addr.clone()).or_default();
        if idle.len() < POOL_PER_NODE {
            idle.push(conn);
        }
    }

    fn wait_replicas(&self, node: &Endpoint, conn: &mut Conn) -> Result<u32, Fail> {
        let key = node.key();
        if let Some(&n) = self.wait_for.lock().unwrap_or_else(|e| e.into_inner()).get(&key) {
            return Ok(n);
        }
        let n = match self.wait_replicas {
            Some(n) => n,
            // Only a primary that has replicas can lose acknowledged writes to a failover. The
            // deployment's view counts too: a primary whose replica was promoted a moment ago
            // (a split brain Sentinel has not announced yet) lists no replica itself, but the
            // Sentinels or the cluster still know one, and its writes must wait (and fall short).
            None => {
                let connected = match wire::role(conn)? {
                    Some(wire::Role::Primary { replicas, .. }) => !replicas.is_empty(),
                    _ => false,
                };
                let known = match &self.mode {
                    Mode::Standalone => false,
                    Mode::Cluster => self.map().with_replicas.contains(&key),
                    Mode::Sentinel { sentinels, master } => {
                        sentinels_know_a_replica(sentinels, master, self.policy.deadline)
                    }
                };
                u32::from(connected || known)
            }
        };
        self.wait_for.lock().unwrap_or_else(|e| e.into_inner()).insert(key, n);
        Ok(n)
    }

    fn wait_timeout_ms(&self) -> u64 {
        // A healthy replica acknowledges within milliseconds; past this the batch is looked
        // into (see confirm.rs), which keeps trying until the retry deadline.
        (self.policy.timeout / 2).clamp(Duration::from_millis(1), Duration::from_secs(1)).as_millis() as u64
    }

    fn replaced(&self, node: &Endpoint) -> bool {
        let key = node.key();
        match &self.mode {
            Mode::Standalone => false,
            Mode::Sentinel { .. } | Mode::Cluster => {
                // Not fatal: the next poll asks again.
                if self.reload_avoiding(Some(&key)).is_err() {
                    return false;
                }
                !self.map().primaries.iter().any(|p| p.endpoint.key() == key)
            }
        }
    }
}

impl Topology {
    fn keep(&self, conn: Conn) {
        wire::Router::keep(self, conn)
    }
}

/// A map of one primary.
fn single(endpoint: Endpoint) -> Map {
    let id = endpoint.key();
    Map {
        primaries: vec![Primary { endpoint: Arc::new(endpoint), id, slots: Vec::new(), epoch: 0 }],
        slots: Vec::new(),
        nodes: Vec::new(),
        with_replicas: Vec::new(),
    }
}

/// Opens `seed` and learns what it is: standalone, or a cluster and its primaries. A connection
/// that breaks at any step is a `Fail::Io`, so the caller can try the seed again.
fn open_seed(seed: &Endpoint, forced: Option<bool>) -> Result<(Conn, bool, Map), Fail> {
    let mut conn = Conn::open(seed)?;
    let cluster = match forced {
        Some(false) => false,
        forced => {
            let enabled = cluster_enabled(&mut conn)?;
            if forced == Some(true) && !enabled {
                return Err(Fail::Fatal(TopologyError::NotACluster { addr: seed.key() }.into()));
            }
            enabled
        }
    };
    let map = if cluster {
        if seed.db != 0 {
            return Err(Fail::Fatal(TopologyError::DatabaseInCluster { addr: seed.key(), db: seed.db }.into()));
        }
        read_cluster_nodes(&mut conn, seed)?
    } else {
        single(seed.clone())
    };
    Ok((conn, cluster, map))
}

/// `INFO cluster` → cluster_enabled. A server that refuses INFO (ACL) is taken as standalone.
fn cluster_enabled(conn: &mut Conn) -> Result<bool, Fail> {
    match conn.query(&[b"INFO", b"cluster"]) {
        Ok(reply) => Ok(reply.text().unwrap_or_default().lines().any(|l| l.trim() == "cluster_enabled:1")),
        Err(Fail::Server { error, .. }) if !error.kind.is_transient() => Ok(false),
        Err(fail) => Err(fail),
    }
}

/// `CLUSTER NODES` → the primaries that serve slots, and every node to ask next time.
fn read_cluster_nodes(conn: &mut Conn, template: &Endpoint) -> Result<Map, Fail> {
    let addr = conn.addr.clone();
    let text = conn.query(&[b"CLUSTER", b"NODES"])?.text().unwrap_or_default();
    cluster_map(&text, addr, template)
}

/// The map a `CLUSTER NODES` text (from the node at `addr`) describes.
fn cluster_map(text: &str, addr: String, template: &Endpoint) -> Result<Map, Fail> {
    let seed_host = match &template.addr {
        Addr::Tcp { host, .. } => host.clone(),
        Addr::Unix(_) => "127.0.0.1".to_string(),
    };
    let mut primaries = Vec::new();
    let mut nodes = Vec::new();
    let mut replica_of: Vec<String> = Vec::new();
    let mut slots = vec![u16::MAX; 16384];
    for line in text.lines() {
        let fields: Vec<&str> = line.split(' ').collect();
        if fields.len() < 8 {
            continue;
        }
        let flags: Vec<&str> = fields[2].split(',').collect();
        if flags.iter().any(|f| matches!(*f, "noaddr" | "handshake")) {
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
            Some(h) => h,
            None if ip.is_empty() => &seed_host,
            None => ip,
        };
        let endpoint = Arc::new(template.at(host, port, 0));
        if flags.iter().any(|f| matches!(*f, "slave" | "replica")) {
            if !flags.contains(&"fail") {
                nodes.push(endpoint);
                if !flags.contains(&"fail?") {
                    replica_of.push(fields[3].to_string());
                }
            }
            continue;
        }
        if !flags.contains(&"master") {
            continue;
        }
        let ranges: Vec<(u16, u16)> = fields[8..]
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
        // A failed primary keeps its slots until a replica takes them over: connecting to it
        // fails, and the retry policy waits for the failover.
        let index = primaries.len() as u16;
        for &(a, b) in &ranges {
            slots[a as usize..=b as usize].fill(index);
        }
        nodes.push(endpoint.clone());
        // <id> <ip:port@cport> <flags> <master> <ping-sent> <pong-recv> <config-epoch> …
        let epoch = fields[6].parse().unwrap_or(0);
        primaries.push(Primary { endpoint, id: fields[0].to_string(), slots: ranges, epoch });
    }
    if primaries.is_empty() {
        return Err(Fail::Fatal(TopologyError::NoPrimaries { addr }.into()));
    }
    let with_replicas = primaries.iter().filter(|p| replica_of.contains(&p.id)).map(|p| p.endpoint.key()).collect();
    Ok(Map { primaries, slots, nodes, with_replicas })
}

/// Asks each Sentinel in turn for the primary of `master`, connects to it and checks that it
/// is a primary (`ROLE`). A named node that is not a primary yet (a failover under way) is a
/// `Fail::Server` (READONLY), for the retry policy to wait out.
fn primary_from_sentinels(sentinels: &[Endpoint], master: &str, template: &Endpoint) -> Result<(Endpoint, Conn), Fail> {
    let mut first_failure = None;
    let mut unknown = false;
    for sentinel in sentinels {
        let answer = Conn::open(sentinel).and_then(|mut conn| {
            let addr = conn.addr.clone();
            let reply = conn.query(&[b"SENTINEL", b"get-master-addr-by-name", master.as_bytes()])?;
            match reply.toks {
                [Tok::Array(2), host @ Tok::Bulk(..), port @ Tok::Bulk(..)] => {
                    let host = String::from_utf8_lossy(reply.bytes(*host)).into_owned();
                    let port = std::str::from_utf8(reply.bytes(*port)).ok().and_then(|p| p.parse::<u16>().ok());
                    match port {
                        Some(port) => Ok(Some((host, port))),
                        None => Err(Fail::Fatal(StoreError::UnexpectedReply {
                            addr,
                            command: "SENTINEL GET-MASTER-ADDR-BY-NAME".into(),
                            detail: reply.excerpt(),
                        })),
                    }
                }
                [Tok::Nil] => Ok(None),
                _ => Err(Fail::Fatal(StoreError::UnexpectedReply {
                    addr,
                    command: "SENTINEL GET-MASTER-ADDR-BY-NAME".into(),
                    detail: reply.excerpt(),
                })),
            }
        });
        match answer {
            Ok(Some((host, port))) => {
                let endpoint = template.at(&host, port, template.db);
                let mut conn = Conn::open(&endpoint)?;
                let role = match conn.query(&[b"ROLE"]) {
                    Ok(reply) => reply.toks.get(1).map(|&t| String::from_utf8_lossy(reply.bytes(t)).into_owned()),
                    // An ACL that refuses ROLE: take the Sentinels' word for it.
                    Err(Fail::Server { error, .. }) if !error.kind.is_transient() => None,
                    Err(fail) => return Err(fail),
                };
                return match role.as_deref() {
                    None | Some("master") => Ok((endpoint, conn)),
                    Some(role) => Err(Fail::server(
                        &endpoint.key(),
                        "ROLE",
                        ServerError::parse(&format!(
                            "READONLY the Sentinels name it as the primary of {master:?}, but it is a {role} (a failover is under way)"
                        )),
                    )),
                };
            }
            Ok(None) => unknown = true,
            // The Sentinels' own password is wrong or missing (not the primary's).
            Err(Fail::Fatal(StoreError::Auth { addr, problem })) => {
                return Err(Fail::Fatal(TopologyError::SentinelRefused { addr, problem }.into()))
            }
            Err(fail) => {
                first_failure.get_or_insert_with(|| fail.into_connect_error().to_string());
            }
        }
    }
    Err(Fail::Fatal(if unknown {
        TopologyError::UnknownMaster { master: master.to_string() }.into()
    } else {
        TopologyError::NoSentinel {
            count: sentinels.len(),
            master: master.to_string(),
            first: first_failure.unwrap_or_default(),
        }
        .into()
    }))
}

/// True when a Sentinel lists a replica of `master` it has heard from within `recent` (its
/// `last-ok-ping-reply`): one a failover may be promoting right now, even if it is down this
/// moment (promoted a moment ago, then frozen or cut off), but not one long dead, which no
/// failover within this run can pick. False when no Sentinel answers.
fn sentinels_know_a_replica(sentinels: &[Endpoint], master: &str, recent: Duration) -> bool {
    for sentinel in sentinels {
        let Ok(mut conn) = Conn::open(sentinel) else { continue };
        let Ok(reply) = conn.query(&[b"SENTINEL", b"REPLICAS", master.as_bytes()]) else { continue };
        // An array of replicas, each an array of field, value, field, value…
        let toks = reply.toks;
        let mut i = 1;
        while i < toks.len() {
            let Tok::Array(n) = toks[i] else { break };
            let fields = &toks[i + 1..(i + 1 + n).min(toks.len())];
            let field = |name: &[u8]| {
                fields
                    .chunks(2)
                    .find(|kv| kv.len() == 2 && reply.bytes(kv[0]) == name)
                    .map(|kv| String::from_utf8_lossy(reply.bytes(kv[1])).into_owned())
            };
            let last_ok = field(b"last-ok-ping-reply").and_then(|ms| ms.trim().parse::<u64>().ok());
            if last_ok.is_some_and(|ms| ms <= recent.as_millis() as u64) {
                return true;
            }
            i += 1 + n;
        }
        return false;
    }
    false
}

/// Subscribes to `+switch-master` on one Sentinel after another for as long as the topology
/// lives, and sets `switched` when the Sentinels announce a new primary for `master`: the
/// moment Sentinel promotes the replica, before the old primary is told (in between it still
/// takes writes that its demotion will throw away).
fn watch_sentinels(sentinels: &[Endpoint], master: &str, switched: &AtomicBool, closed: &AtomicBool) {
    while !closed.load(Ordering::SeqCst) {
        for sentinel in sentinels {
            if closed.load(Ordering::SeqCst) {
                return;
            }
            let Ok(mut conn) = Conn::open(sentinel) else { continue };
            wire::push_cmd(&mut conn.out, &[b"SUBSCRIBE", b"+switch-master"]);
            if conn.send().is_err() {
                continue;
            }
            loop {
                if closed.load(Ordering::SeqCst) {
                    return;
                }
                match conn.read() {
                    Ok(reply) => {
                        // ["message", "+switch-master", "<master> <old ip> <old port> <new ip> <new port>"]
                        if let [Tok::Array(3), kind @ Tok::Bulk(..), _, text @ Tok::Bulk(..)] = reply.toks {
                            let text = reply.bytes(*text);
                            if reply.bytes(*kind) == b"message"
                                && text.split(|&b| b == b' ').next() == Some(master.as_bytes())
                            {
                                switched.store(true, Ordering::SeqCst);
                            }
                        }
                    }
                    // Nothing announced within the reply timeout: keep listening.
                    Err(fail) if fail.timed_out() => {}
                    Err(_) => break,
                }
            }
        }
        std::thread::sleep(Duration::from_millis(500));
    }
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

/// A primary that was replaced while sessctl ran, and the node that took over (the same
/// address in both when the primary restarted: a new server process).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failover {
    pub from: String,
    pub to: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The same three-primary cluster as two nodes see it just after the replica `r2` of
    /// `p2` took p2's slots (a failover, config epoch 7): `fresh` heard of it, `stale` did
    /// not (the old primary resumed from a freeze, or a node the gossip has not reached).
    const FRESH: &str = "\
p1 127.0.0.1:7001@17001 myself,master - 0 0 1 connected 0-5460
p2 127.0.0.1:7002@17002 master,fail - 0 0 2 connected
p3 127.0.0.1:7003@17003 master - 0 0 3 connected 10923-16383
r2 127.0.0.1:7005@17005 master - 0 0 7 connected 5461-10922
r1 127.0.0.1:7004@17004 slave p1 0 0 1 connected
r3 127.0.0.1:7006@17006 slave p3 0 0 3 connected
";
    const STALE: &str = "\
p2 127.0.0.1:7002@17002 myself,master - 0 0 2 connected 5461-10922
p1 127.0.0.1:7001@17001 master - 0 0 1 connected 0-5460
p3 127.0.0.1:7003@17003 master - 0 0 3 connected 10923-16383
r2 127.0.0.1:7005@17005 slave p2 0 0 2 connected
r1 127.0.0.1:7004@17004 slave p1 0 0 1 connected
r3 127.0.0.1:7006@17006 slave p3 0 0 3 connected
";

    fn map_of(text: &str) -> Map {
        let limits = wire::Limits { connect: Duration::from_secs(1), response: Duration::from_secs(1) };
        let template = Endpoint {
            addr: Addr::Tcp { host: "127.0.0.1".into(), port: 7001 },
            tls: None,
            username: None,
            password: None,
            db: 0,
            limits,
        };
        cluster_map(text, "127.0.0.1:7001".into(), &template).unwrap_or_else(|_| panic!("a map"))
    }

    #[test]
    fn config_epochs_are_read_from_cluster_nodes() {
        let fresh = map_of(FRESH);
        let owner = fresh.primary_for_slot(Some(6000)).unwrap();
        assert_eq!((owner.id.as_str(), owner.endpoint.key().as_str(), owner.epoch), ("r2", "127.0.0.1:7005", 7));
        assert_eq!(map_of(STALE).primary_for_slot(Some(6000)).unwrap().epoch, 2);
    }

    /// The race of the frozen-primary failover test: a map read from a node that had not heard
    /// of the failover yet, after one that had, was taken as a failover back to the old
    /// primary (which then became a replica and lost what sessctl sent it).
    #[test]
    fn a_stale_view_of_a_failover_is_older_than_the_map_that_shows_it() {
        let (fresh, stale) = (map_of(FRESH), map_of(STALE));
        assert!(stale.older_than(&fresh), "the old primary's claim has a lower config epoch");
        assert!(!fresh.older_than(&stale), "the failover itself is followed");
        assert!(!fresh.older_than(&fresh) && !stale.older_than(&stale));
        // A map with a slot not served (a failover half-way) is not older for that slot.
        let half = FRESH.replace(" 5461-10922", "");
        assert!(!map_of(&half).older_than(&stale) && !map_of(&half).older_than(&fresh));
        // Not a cluster: nothing to compare.
        assert!(!single((*fresh.primaries[0].endpoint).clone()).older_than(&fresh));
    }

    #[test]
    fn slots_match_redis() {
        // Values from CLUSTER KEYSLOT.
        assert_eq!(key_slot(b"123456789"), 12739);
        assert_eq!(key_slot(b"foo"), 12182);
        assert_eq!(key_slot(b"{user1000}.following"), key_slot(b"user1000"));
        assert_eq!(key_slot(b"foo{}{bar}"), key_slot(b"foo{}{bar}"));
    }
}
