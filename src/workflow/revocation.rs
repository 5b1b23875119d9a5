//! One pass of `revoke` over its selection: the named sessions looked up, then the users'
//! (or all) sessions found by a scan or a snapshot, and each match deleted through the
//! [`Deleter`] (backup and audit included) unless the pass is dry or only counts before a
//! prompt. What the pass did comes back as a [`Pass`] for the summary.

use std::collections::HashSet;
use std::ops::ControlFlow;

use crate::config::Settings;
use crate::output::excerpt;
use sessctl_store::{Found, Lookup, ScanEnd, ScanRequest, Store};

use super::audit::AuditLog;
use super::backup::BackupFile;
use super::category::issued_at;
use super::deletion::Deleter;
use super::pacing::Pacing;
use super::session::stopped;
use super::sources::{self, Sessions};

/// What to revoke.
pub struct Plan<'a> {
    pub ids: &'a [Vec<u8>],
    pub users: HashSet<Vec<u8>>,
    pub all: bool,
    pub cutoff: Option<f64>,
    pub now: f64,
    /// Find the sessions in a live snapshot (`--snapshot`) rather than by scanning.
    pub snapshot: bool,
}

/// What one pass over the selection did (or, dry, would do).
#[derive(Default)]
pub struct Pass {
    pub matched: u64,
    pub revoked: u64,
    pub scanned: u64,
    pub not_found: u64,
    /// Stopped by a signal.
    pub interrupted: bool,
    /// Stopped at --max-duration.
    pub timeboxed: bool,
    pub scan: Option<sessctl_store::ScanSummary>,
    pub failure: Option<anyhow::Error>,
    /// The named users (`--user`, `--users-file`) the scan found no session of, sorted;
    /// `None` when no users were named or the scan did not see the whole keyspace.
    pub users_without: Option<Vec<Vec<u8>>>,
    /// Users were named (`--user`, `--users-file`).
    pub users_named: bool,
}

/// Why a pass runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// Count what would be revoked before asking (deletes nothing, notes nothing).
    Count,
    /// Revoke (or, with `--dry-run`, count for the summary).
    Revoke,
}

impl Purpose {
    /// What the progress bar says.
    fn what(self) -> &'static str {
        match self {
            Purpose::Count => "counting the sessions to revoke",
            Purpose::Revoke => "revoking sessions",
        }
    }
}

/// Looks the named sessions up and scans for the users' (or all) sessions, deleting what
/// matches unless `dry_run`.
// The pass's inputs are all different things; a struct for them would only be passed here.
#[allow(clippy::too_many_arguments)]
pub(crate) fn pass(
    settings: &Settings,
    store: &Store,
    plan: &Plan,
    dry_run: bool,
    audit: Option<&mut AuditLog>,
    backup: Option<&mut BackupFile>,
    pacing: &mut Pacing,
    purpose: Purpose,
) -> Pass {
    let backup_ttl = backup.is_some();
    let mut deleter = Deleter::new(store, settings, dry_run, audit).with_backup(backup);
    let mut p = Pass { users_named: !plan.users.is_empty(), ..Pass::default() };
    delete_named(settings, store, plan, purpose, &mut deleter, &mut p);
    if p.failure.is_none() && !p.interrupted && (plan.all || !plan.users.is_empty()) {
        delete_found(settings, store, plan, purpose, backup_ttl, pacing, &mut deleter, &mut p);
    }
    // After a signal the queued deletions are dropped (stop soon), unless a resume file will
    // say the scan passed them.
    if (!p.interrupted || pacing.saves_on_stop()) && p.failure.is_none() {
        if let Err(e) = deleter.flush() {
            p.failure = Some(e);
        }
    }
    p.revoked = deleter.deleted;
    if let Some(summary) = &p.scan {
        if let Err(e) = pacing.finish(summary, p.failure.is_none(), true) {
            p.failure.get_or_insert(e);
        }
    }
    p
}

/// True when a session with this remaining TTL was issued before the plan's cutoff (always,
/// without one).
fn old_enough(settings: &Settings, plan: &Plan, ttl_ms: Option<i64>) -> bool {
    match plan.cutoff {
        None => true,
        Some(cutoff) => issued_at(settings, plan.now, ttl_ms).is_some_and(|t| t < cutoff),
    }
}

/// The named sessions: looked up, and queued for deletion when they match.
fn delete_named(
    settings: &Settings,
    store: &Store,
    plan: &Plan,
    purpose: Purpose,
    deleter: &mut Deleter,
    p: &mut Pass,
) {
    // A counting pass before a prompt keeps its notes for the real one.
    let counting = purpose == Purpose::Count;
    let notes = !counting;
    let keys: Vec<Vec<u8>> = plan.ids.iter().map(|id| settings.key_for(id)).collect();
    // Reads are abandoned at once on a signal (a stalled server): nothing was deleted yet.
    let lookups = if keys.is_empty() { Ok(Vec::new()) } else { store.lookup_many_until(&keys, &crate::signals::STOP) };
    match lookups {
        Err(_) if stopped() => p.interrupted = true,
        Err(e) => p.failure = Some(e.into()),
        Ok(lookups) => {
            for (key, lookup) in keys.into_iter().zip(lookups) {
                if stopped() {
                    p.interrupted = true;
                    break;
                }
                match lookup {
                    Lookup::Session { user, ttl_ms } if old_enough(settings, plan, ttl_ms) => {
                        p.matched += 1;
                        if let Err(e) = deleter.push(key, user, ttl_ms, "revoked", false) {
                            p.failure = Some(e);
                            break;
                        }
                    }
                    Lookup::Session { .. } => {}
                    Lookup::Missing => {
                        p.not_found += 1;
                        if notes {
                            crate::messages::note!("no session {} (already gone)", excerpt(&key));
                        }
                    }
                    Lookup::NotString { redis_type } => {
                        if !counting {
                            crate::messages::warning!(
                                "{} holds a {redis_type}, not a session; left alone",
                                excerpt(&key)
                            );
                        }
                    }
                }
            }
        }
    }
}

/// The users' (or all) sessions: found by a scan or a snapshot, and queued for deletion when
/// they match.
#[allow(clippy::too_many_arguments)]
fn delete_found(
    settings: &Settings,
    store: &Store,
    plan: &Plan,
    purpose: Purpose,
    backup_ttl: bool,
    pacing: &mut Pacing,
    deleter: &mut Deleter,
    p: &mut Pass,
) {
    let mut request = ScanRequest {
        // A backup keeps each session's remaining TTL.
        with_ttl: plan.cutoff.is_some() || backup_ttl,
        users: plan.users.clone(),
        count: settings.scan_count as usize,
        ..ScanRequest::default()
    };
    let mut seen = 0u64;
    let mut matched = 0u64;
    let mut users_seen: HashSet<Vec<u8>> = HashSet::new();
    let from = if plan.snapshot { Sessions::Snapshot(store) } else { Sessions::Scan(store) };
    if !plan.snapshot {
        pacing.prepare(&mut request);
    }
    let summary = sources::read(settings, from, request, false, purpose.what(), &mut |found| {
        seen += 1;
        if let Found::Session(s) = found {
            if !plan.all && !users_seen.contains(&s.user) && plan.users.contains(&s.user) {
                users_seen.insert(s.user.clone());
            }
            if old_enough(settings, plan, s.ttl_ms) {
                // A session seen again after a failover is deleted again (the old
                // primary may not have passed the first deletion on) but matched once.
                matched += u64::from(!s.repeat);
                deleter.push(s.key, s.user, s.ttl_ms, "revoked", s.repeat)?;
            }
        }
        Ok(ControlFlow::Continue(()))
    });
    p.matched += matched;
    match summary {
        Ok(read) => {
            let summary = read.summary;
            p.scanned = summary.scanned;
            p.timeboxed = pacing.timeboxed(&summary);
            p.interrupted = summary.end == ScanEnd::Interrupted && !p.timeboxed;
            // Only a scan of the whole keyspace can tell a user has no session.
            let whole = summary.end != ScanEnd::Interrupted && !summary.resharding && !pacing.continued();
            if whole && !plan.all {
                let mut without: Vec<Vec<u8>> = plan.users.difference(&users_seen).cloned().collect();
                without.sort();
                p.users_without = Some(without);
            }
            p.scan = Some(summary);
        }
        Err(e) => {
            p.scanned = seen;
            p.failure = Some(e);
        }
    }
}
