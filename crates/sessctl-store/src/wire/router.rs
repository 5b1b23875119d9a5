//! What the wire layer needs from the topology ([`Router`]): the node serving a key, pooled
//! connections, how many replicas must acknowledge writes, whether a node was replaced. The
//! topology implements it; the pipelines and the write confirmation use it.

use std::sync::Arc;

use super::conn::{Conn, Endpoint};
use super::fail::Fail;
use super::retry::{Conns, Retrying};
use crate::error::StoreError;

/// What the pipelines need from the topology.
pub(crate) trait Router: Retrying + Sync {
    /// The node serving `key` now.
    fn node_for(&self, key: &[u8]) -> Result<Arc<Endpoint>, StoreError>;
    /// The node at `addr` (`host:port`, as MOVED and ASK name it).
    fn node_at(&self, addr: &str) -> Option<Arc<Endpoint>>;
    /// A pooled connection to `node`, or a new one. The pool's lock is held only to take or
    /// put back, never while talking to Redis.
    fn take(&self, node: &Endpoint) -> Result<Conn, Fail>;
    /// Puts back a connection whose replies have all been read.
    fn keep(&self, conn: Conn);
    /// How many replicas must acknowledge writes to `node` before they count (0: none, do not
    /// `WAIT`). Decided once per node (asking `ROLE` on `conn` when the setting is "where the
    /// primary has replicas") and kept for the run, so a primary that loses its replicas
    /// mid-run (a split brain) is still held to it.
    fn wait_replicas(&self, node: &Endpoint, conn: &mut Conn) -> Result<u32, Fail>;
    /// `WAIT`'s own timeout, in milliseconds (well under the reply timeout).
    fn wait_timeout_ms(&self) -> u64;
    /// True when `node` is no longer a primary: the Sentinels name another, the cluster gave
    /// its slots to another node. Reads the topology again (recording the failover).
    fn replaced(&self, node: &Endpoint) -> bool;
}

/// The pool as a connection source for [`with_retry`].
pub(crate) struct Pooled<'a>(pub &'a dyn Router);

impl Conns for Pooled<'_> {
    fn take(&mut self, node: &Endpoint) -> Result<Conn, Fail> {
        self.0.take(node)
    }

    fn keep(&mut self, conn: Conn) {
        self.0.keep(conn)
    }
}
