//! The one retry policy. Every exchange with Redis (the scan's SCANs and reads, the pipelined
//! writes and lookups, script loads) runs through [`with_retry`] or keeps an [`Attempts`] of
//! its own, so they all wait, reconnect and give up the same way:
//!
//! - a dropped connection (reset, closed, refused on reconnect) is retried at once, then with
//!   backoff (10 ms doubling to 500 ms), re-reading the topology from the second attempt on
//!   (a cluster failover or a Sentinel switch shows up as a dead primary);
//! - LOADING, TRYAGAIN, CLUSTERDOWN, MASTERDOWN and READONLY are waited out the same way;
//! - both give up when the failures in a row have lasted the deadline (30 s by default);
//! - a reply that does not come within the timeout is retried once on a new connection; a
//!   second timeout gives up, so a server that stops answering is reported after about two
//!   timeouts, never ten;
//! - the deadline counts per operation ([`with_retry`] runs one operation, repeated whole);
//!   the pipelined writes, which send again only the commands whose replies were lost, start
//!   it again whenever a reply comes in between;
//! - while first connecting (no connection has worked yet), a server that keeps closing the
//!   connection during the handshake is given 10 attempts (about 3 s), not the deadline: it is
//!   more likely misconfigured (TLS expected, say) than failing over.
//!
//! Nothing here holds a lock while it sleeps or talks to Redis.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::conn::{Conn, Endpoint};
use super::fail::Fail;
use crate::error::{NetCause, ServerErrorKind, StoreError, TopologyError};

/// How long to keep trying, shared by every exchange.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RetryPolicy {
    /// How long failures in a row may last before the operation gives up.
    pub deadline: Duration,
    /// The reply timeout (for the message when a server stops answering).
    pub timeout: Duration,
}

/// Redirections in a row (without a reply that was not one) before giving up.
const MAX_REDIRECTS: u32 = 16;

/// What to do after a failure.
#[derive(Debug)]
pub(crate) enum Next {
    Retry {
        wait: Duration,
        /// Read the topology again first (the primary may have changed).
        refresh: bool,
    },
    GiveUp(StoreError),
}

/// The failures of one operation, counted against the policy.
#[derive(Debug)]
pub(crate) struct Attempts {
    policy: RetryPolicy,
    /// When the current streak of failures began.
    streak: Option<Instant>,
    failures: u32,
    timeouts: u32,
    redirects: u32,
    /// No connection has worked yet.
    connecting: bool,
}

/// Dropped connections in a row given up on while first connecting.
const CONNECT_DROPS: u32 = 10;

impl Attempts {
    pub fn new(policy: RetryPolicy) -> Attempts {
        Attempts { policy, streak: None, failures: 0, timeouts: 0, redirects: 0, connecting: false }
    }

    /// For a first connection (see the module's doc).
    pub fn connecting(policy: RetryPolicy) -> Attempts {
        Attempts { connecting: true, ..Attempts::new(policy) }
    }

    /// A reply came: the streak of failures, if any, is over.
    pub fn progress(&mut self) {
        self.streak = None;
        self.failures = 0;
        self.timeouts = 0;
        self.redirects = 0;
    }

    /// Counts a redirection (MOVED, ASK) that is followed at once; gives up after too many in
    /// a row.
    pub fn redirected(&mut self, command: &str) -> Result<(), StoreError> {
        self.redirects += 1;
        if self.redirects > MAX_REDIRECTS {
            return Err(TopologyError::KeepsRedirecting { command: command.to_string() }.into());
        }
        Ok(())
    }

    /// Failures in the current streak.
    pub fn failures(&self) -> u32 {
        self.failures
    }

    /// Decides what to do after `fail`.
    pub fn failed(&mut self, fail: Fail) -> Next {
        let started = *self.streak.get_or_insert_with(Instant::now);
        let waited = started.elapsed();
        self.failures += 1;
        let left = self.policy.deadline.saturating_sub(waited);
        let backoff = backoff(self.failures).min(left);
        if fail.timed_out() {
            self.timeouts += 1;
            let Fail::Io { addr, .. } = fail else { unreachable!("timed_out() is only true for Fail::Io") };
            return match self.timeouts {
                1 => Next::Retry { wait: Duration::ZERO, refresh: true },
                _ => Next::GiveUp(StoreError::NoAnswer { addr, timeout: self.policy.timeout }),
            };
        }
        match fail {
            Fail::Fatal(e) => Next::GiveUp(e),
            Fail::Io { addr, error } => {
                if self.connecting && self.failures >= CONNECT_DROPS {
                    Next::GiveUp(StoreError::Unreachable { addr, cause: NetCause::of(&error) })
                } else if left.is_zero() {
                    Next::GiveUp(StoreError::Lost { addr, cause: NetCause::of(&error) })
                } else {
                    Next::Retry { wait: backoff, refresh: self.failures >= 2 }
                }
            }
            Fail::Server { addr, command, error } => match &error.kind {
                ServerErrorKind::Moved { .. } | ServerErrorKind::Ask { .. } => match self.redirected(&command) {
                    Err(e) => Next::GiveUp(e),
                    Ok(()) => {
                        let refresh = matches!(error.kind, ServerErrorKind::Moved { .. });
                        Next::Retry { wait: if self.redirects > 2 { backoff } else { Duration::ZERO }, refresh }
                    }
                },
                kind if kind.is_transient() => {
                    if left.is_zero() {
                        Next::GiveUp(StoreError::Unavailable { addr, error, waited })
                    } else {
                        Next::Retry {
                            wait: backoff.max(Duration::from_millis(10)),
                            refresh: kind.calls_for_new_topology(),
                        }
                    }
                }
                _ => Next::GiveUp(StoreError::Refused { addr, command, error }),
            },
        }
    }
}

/// The pause before attempt `failures + 1`: none after the first failure (a killed client
/// reconnects at once), then 10 ms doubling up to 500 ms.
pub(crate) fn backoff(failures: u32) -> Duration {
    if failures <= 1 {
        Duration::ZERO
    } else {
        Duration::from_millis((10u64 << (failures - 2).min(6)).min(500))
    }
}

/// Where connections come from: the store's pool for single-key operations, a thread's own
/// slot for a scanner or reader.
pub(crate) trait Conns {
    /// A connection to `node`: a kept one, or a new one.
    fn take(&mut self, node: &Endpoint) -> Result<Conn, Fail>;
    /// Keeps a connection whose replies have all been read.
    fn keep(&mut self, conn: Conn);
}

/// A thread's own connection.
impl Conns for Option<Conn> {
    fn take(&mut self, node: &Endpoint) -> Result<Conn, Fail> {
        match self.take() {
            Some(conn) if conn.addr == node.key() => Ok(conn),
            _ => Conn::open(node),
        }
    }

    fn keep(&mut self, conn: Conn) {
        *self = Some(conn);
    }
}

/// What a retry loop needs from the topology.
pub(crate) trait Retrying {
    fn policy(&self) -> RetryPolicy;
    /// Reads the topology again (errors are not fatal here: the next attempt tells).
    fn refresh(&self);
    /// A connection was made again after a failure.
    fn reconnected(&self);
}

/// Runs `f` on a connection to `node()` (asked again before every attempt, so a failover
/// moves the work to the new primary), retrying as the policy says. `f` must be safe to run
/// again, and is run again whole: one call is one operation, given up when its failures have
/// lasted the deadline. A set `abort` stops the waiting, and a read waiting for its reply
/// (the callers that pass `abort` only read).
pub(crate) fn with_retry<R>(
    env: &dyn Retrying,
    conns: &mut dyn Conns,
    node: &mut dyn FnMut() -> Result<Arc<Endpoint>, StoreError>,
    abort: Option<&AtomicBool>,
    mut f: impl FnMut(&mut Conn) -> Result<R, Fail>,
) -> Result<R, StoreError> {
    let mut attempts = Attempts::new(env.policy());
    loop {
        let endpoint = match node() {
            Ok(endpoint) => endpoint,
            // The map was read while a slot changed hands (a cluster failover under way):
            // waited out like CLUSTERDOWN, with the map read again.
            Err(StoreError::Topology(TopologyError::SlotNotServed { slot })) => {
                let error = crate::error::ServerError::parse(&format!("CLUSTERDOWN Hash slot {slot} not served"));
                match attempts.failed(Fail::server("the cluster", "routing", error)) {
                    Next::GiveUp(e) => return Err(e),
                    Next::Retry { wait, .. } => {
                        if !pause(wait, abort) {
                            return Err(StoreError::Lost {
                                addr: "the cluster".into(),
                                cause: NetCause::Other("stopped".into()),
                            });
                        }
                        env.refresh();
                        continue;
                    }
                }
            }
            Err(e) => return Err(e),
        };
        // A reconnection (its handshake) is abandoned with the reads.
        let outcome = match super::conn::abandoning_reads(abort, || conns.take(&endpoint)) {
            Ok(mut conn) => {
                if attempts.failures() > 0 {
                    env.reconnected();
                }
                match super::conn::abandoning_reads(abort, || f(&mut conn)) {
                    Ok(r) => {
                        conns.keep(conn);
                        return Ok(r);
                    }
                    Err(fail) => {
                        // `f` runs again whole, so replies it read before failing are no
                        // progress: the deadline keeps counting.
                        // A server error leaves the connection in step; anything else drops it.
                        if matches!(fail, Fail::Server { .. }) {
                            conns.keep(conn);
                        }
                        fail
                    }
                }
            }
            Err(fail) => fail,
        };
        match attempts.failed(outcome) {
            Next::GiveUp(e) => return Err(e),
            Next::Retry { wait, refresh } => {
                if !pause(wait, abort) {
                    return Err(StoreError::Lost { addr: endpoint.key(), cause: NetCause::Other("stopped".into()) });
                }
                if refresh {
                    env.refresh();
                }
            }
        }
    }
}

/// Sleeps `wait` in short slices, returning false as soon as `abort` is set.
pub(crate) fn pause(wait: Duration, abort: Option<&AtomicBool>) -> bool {
    let until = Instant::now() + wait;
    loop {
        if abort.is_some_and(|a| a.load(Ordering::Relaxed)) {
            return false;
        }
        let left = until.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return true;
        }
        std::thread::sleep(left.min(Duration::from_millis(50)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ServerError;

    fn policy() -> RetryPolicy {
        RetryPolicy { deadline: Duration::from_millis(200), timeout: Duration::from_secs(1) }
    }

    fn io(kind: std::io::ErrorKind) -> Fail {
        Fail::Io { addr: "h:1".into(), error: kind.into() }
    }

    fn server(text: &str) -> Fail {
        Fail::server("h:1", "GET", ServerError::parse(text))
    }

    #[test]
    fn backoff_grows_and_is_capped() {
        let waits: Vec<u64> = (1..=10).map(|n| backoff(n).as_millis() as u64).collect();
        assert_eq!(waits, [0, 10, 20, 40, 80, 160, 320, 500, 500, 500]);
    }

    #[test]
    fn a_second_timeout_gives_up() {
        let mut a = Attempts::new(policy());
        assert!(matches!(a.failed(io(std::io::ErrorKind::TimedOut)), Next::Retry { .. }));
        match a.failed(io(std::io::ErrorKind::WouldBlock)) {
            Next::GiveUp(StoreError::NoAnswer { addr, timeout }) => {
                assert_eq!((addr.as_str(), timeout), ("h:1", Duration::from_secs(1)))
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn dropped_connections_are_retried_until_the_deadline() {
        let mut a = Attempts::new(policy());
        assert!(matches!(
            a.failed(io(std::io::ErrorKind::ConnectionReset)),
            Next::Retry { wait: Duration::ZERO, refresh: false }
        ));
        assert!(matches!(a.failed(io(std::io::ErrorKind::ConnectionRefused)), Next::Retry { refresh: true, .. }));
        std::thread::sleep(Duration::from_millis(210));
        assert!(matches!(
            a.failed(io(std::io::ErrorKind::ConnectionRefused)),
            Next::GiveUp(StoreError::Lost { cause: NetCause::Refused, .. })
        ));
    }

    #[test]
    fn progress_starts_the_deadline_again() {
        let mut a = Attempts::new(policy());
        a.failed(io(std::io::ErrorKind::ConnectionReset));
        std::thread::sleep(Duration::from_millis(210));
        a.progress();
        assert!(matches!(a.failed(io(std::io::ErrorKind::ConnectionReset)), Next::Retry { .. }));
    }

    #[test]
    fn transient_server_states_are_waited_out_and_named_at_the_deadline() {
        for (text, refresh) in [
            ("LOADING Redis is loading the dataset in memory", false),
            ("TRYAGAIN Multiple keys request during rehashing of slot", false),
            ("CLUSTERDOWN The cluster is down", true),
            ("MASTERDOWN Link with MASTER is down", true),
            ("READONLY You can't write against a read only replica.", true),
        ] {
            let mut a = Attempts::new(policy());
            match a.failed(server(text)) {
                Next::Retry { wait, refresh: r } => {
                    assert!(wait >= Duration::from_millis(10));
                    assert_eq!(r, refresh, "{text}");
                }
                other => panic!("{other:?}"),
            }
            std::thread::sleep(Duration::from_millis(210));
            match a.failed(server(text)) {
                Next::GiveUp(e @ StoreError::Unavailable { .. }) => {
                    let message = e.to_string();
                    let code = text.split(' ').next().unwrap();
                    assert!(message.starts_with(&format!("Redis at h:1 still answered {code} after ")), "{message}");
                }
                other => panic!("{other:?}"),
            }
        }
    }

    #[test]
    fn other_errors_are_final() {
        let mut a = Attempts::new(policy());
        match a.failed(server("NOPERM no permissions to run the 'get' command")) {
            Next::GiveUp(StoreError::Refused { command, error, .. }) => {
                assert_eq!(command, "GET");
                assert_eq!(error.kind, ServerErrorKind::NoPerm);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn endless_redirections_give_up() {
        let mut a = Attempts::new(policy());
        for _ in 0..MAX_REDIRECTS {
            assert!(matches!(a.failed(server("MOVED 1 h:2")), Next::Retry { refresh: true, .. }));
        }
        assert!(matches!(
            a.failed(server("ASK 1 h:2")),
            Next::GiveUp(StoreError::Topology(TopologyError::KeepsRedirecting { .. }))
        ));
    }
}
