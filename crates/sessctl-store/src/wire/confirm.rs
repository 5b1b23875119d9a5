//! Confirming writes with replicas, so that a write counts only when it will survive a
//! failover.
//!
//! Each pipeline of writes to a primary that has replicas ends with `WAIT <n> <ms>`: Redis
//! answers once `n` replicas have acknowledged every write this connection made, or after
//! `ms` with how many did. Its reply costs no extra round trip (it is read with the batch).
//!
//! When `WAIT` falls short (or its reply is lost with the connection), the batch is not
//! counted yet: [`confirm`] finds out why, polling until the retry deadline:
//! - the node is no longer the primary (the Sentinels name another, the cluster gave its slots
//!   to another node, `ROLE` says it is a replica now): a failover. The writes may be lost
//!   with the old primary's history, so the caller sends them again to the new primary
//!   (conditional writes make that safe);
//! - the node is still the primary and its replicas catch up (`ROLE` lists each replica's
//!   acknowledged offset; once `n` of them reach the primary's offset as read after the
//!   writes, everything written before is on them): confirmed;
//! - neither before the deadline: unconfirmed, and the caller says so.
//!
//! `ROLE` is used rather than a second `WAIT` because `WAIT` only covers the writes of the
//! connection it is sent on, and the connection may be gone.

use std::sync::Arc;
use std::time::{Duration, Instant};

use super::conn::{Conn, Endpoint};
use super::fail::Fail;
use super::resp::Tok;
use super::router::Router;

/// What `ROLE` says of a node.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Role {
    /// A primary: its replication offset, and each replica's acknowledged offset.
    Primary { offset: u64, replicas: Vec<u64> },
    /// A replica (`slave`) or a Sentinel.
    Other(String),
}

impl Role {
    /// Replicas that have acknowledged everything up to `offset`.
    pub fn acked(&self, offset: u64) -> u32 {
        match self {
            Role::Primary { replicas, .. } => replicas.iter().filter(|&&o| o >= offset).count() as u32,
            Role::Other(_) => 0,
        }
    }
}

/// `ROLE` on `conn`, else (refused: an ACL, a managed service) `INFO replication`; `None` when
/// the server refuses both.
pub(crate) fn role(conn: &mut Conn) -> Result<Option<Role>, Fail> {
    let reply = match conn.query(&[b"ROLE"]) {
        Ok(reply) => reply,
        Err(Fail::Server { error, .. }) if !error.kind.is_transient() => {
            return match conn.query(&[b"INFO", b"replication"]) {
                Ok(reply) => Ok(reply.text().as_deref().and_then(role_in_info)),
                Err(Fail::Server { error, .. }) if !error.kind.is_transient() => Ok(None),
                Err(fail) => Err(fail),
            };
        }
        Err(fail) => return Err(fail),
    };
    let toks = reply.toks;
    let name = match toks.get(1) {
        Some(&tok @ Tok::Bulk(..)) => String::from_utf8_lossy(reply.bytes(tok)).into_owned(),
        _ => return Ok(None),
    };
    if name != "master" {
        return Ok(Some(Role::Other(name)));
    }
    let offset = match toks.get(2) {
        Some(Tok::Int(o)) => (*o).max(0) as u64,
        _ => return Ok(None),
    };
    // [ip, port, offset] per replica, offsets as bulk strings.
    let mut replicas = Vec::new();
    let mut i = 4;
    while i < toks.len() {
        if let Tok::Array(n) = toks[i] {
            if n >= 3 {
                if let Some(&tok @ Tok::Bulk(..)) = toks.get(i + 3) {
                    let text = String::from_utf8_lossy(reply.bytes(tok));
                    replicas.push(text.trim().parse::<u64>().unwrap_or(0));
                }
            }
            i += 1 + n;
        } else {
            i += 1;
        }
    }
    Ok(Some(Role::Primary { offset, replicas }))
}

/// The role as `INFO replication` tells it: `role:`, `master_repl_offset:` and a
/// `slaveN:ip=…,port=…,state=…,offset=…,lag=…` line per replica.
fn role_in_info(info: &str) -> Option<Role> {
    let field = |name: &str| info.lines().find_map(|l| l.strip_prefix(name)).map(str::trim);
    let role = field("role:")?;
    if role != "master" {
        return Some(Role::Other(role.to_string()));
    }
    let offset = field("master_repl_offset:")?.parse().ok()?;
    let replicas = info
        .lines()
        .filter(|l| l.starts_with("slave") && l.contains(":ip="))
        .filter_map(|l| l.split(',').find_map(|kv| kv.strip_prefix("offset=")).and_then(|o| o.trim().parse().ok()))
        .collect();
    Some(Role::Primary { offset, replicas })
}

/// How a batch whose `WAIT` fell short ended.
#[derive(Debug)]
pub(crate) enum Confirmation {
    /// The replicas have it.
    Confirmed,
    /// The node is not the primary any more: send the writes again where they belong now.
    FailedOver,
    /// Neither could be established before the deadline.
    Unresolved { acked: u32, why: String },
}

/// Polls `node` until `replicas` replicas have everything it has now, the node turns out to
/// have been replaced, or the retry deadline passes (see the module's doc).
pub(crate) fn confirm(router: &dyn Router, node: &Arc<Endpoint>, replicas: u32) -> Confirmation {
    let deadline = Instant::now() + router.policy().deadline;
    // The offset to reach: the primary's, read after the writes (first answer), so it covers
    // them.
    let mut target: Option<u64> = None;
    let mut acked = 0;
    let mut why;
    loop {
        if router.replaced(node) {
            return Confirmation::FailedOver;
        }
        let asked = router.take(node).and_then(|mut conn| {
            let role = role(&mut conn)?;
            router.keep(conn);
            Ok(role)
        });
        match asked {
            Ok(Some(role @ Role::Primary { .. })) => {
                let Role::Primary { offset, .. } = &role else { unreachable!() };
                let goal = *target.get_or_insert(*offset);
                acked = role.acked(goal);
                if acked >= replicas {
                    return Confirmation::Confirmed;
                }
                why = format!(
                    "{acked} of {replicas} {} acknowledged the writes",
                    if replicas == 1 { "replica" } else { "replicas" }
                );
            }
            Ok(Some(Role::Other(role))) => {
                // Demoted (a failover Sentinel or the cluster has not told yet, or a manual
                // REPLICAOF): whatever it had may be replaced by its new primary's data.
                router.refresh();
                let _ = role;
                return Confirmation::FailedOver;
            }
            Ok(None) => {
                return Confirmation::Unresolved {
                    acked,
                    why: "the server refuses ROLE and INFO, so the replicas' progress cannot be read".into(),
                }
            }
            Err(fail) => why = format!("cannot ask the primary: {}", fail.into_error()),
        }
        if Instant::now() >= deadline {
            return Confirmation::Unresolved { acked, why };
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn info_replication_reads_as_role_does() {
        let info = "# Replication\r\nrole:master\r\nconnected_slaves:2\r\nslave0:ip=127.0.0.1,port=7001,state=online,offset=120,lag=0\r\nslave1:ip=127.0.0.1,port=7002,state=online,offset=99,lag=1\r\nmaster_failover_state:no-failover\r\nmaster_replid:abc\r\nmaster_repl_offset:120\r\n";
        assert_eq!(role_in_info(info), Some(Role::Primary { offset: 120, replicas: vec![120, 99] }));
        assert_eq!(role_in_info("role:slave\r\nmaster_host:x\r\n"), Some(Role::Other("slave".into())));
        assert_eq!(role_in_info("no role here"), None);
    }

    #[test]
    fn acked_counts_replicas_at_or_past_the_offset() {
        let role = Role::Primary { offset: 100, replicas: vec![100, 99, 150] };
        assert_eq!(role.acked(100), 2);
        assert_eq!(role.acked(151), 0);
        assert_eq!(Role::Other("slave".into()).acked(0), 0);
    }
}
