//! Compare-and-delete with backup and audit: the [`Deleter`] sends deletions in pipelined
//! batches, writes each session to the `--backup` file before its deletion is sent, counts
//! only what Redis confirmed deleting and writes an audit line for each; and what a batch of
//! writes that failed, or was not confirmed by the replicas, means.

use crate::config::Settings;
use crate::signals;
use sessctl_store::{Store, StoreError};

use super::{audit, backup};

/// Why a session is removed or changed (the audit log's `reason`).
pub(crate) type Reason = &'static str;

/// Compare-and-delete in pipelined batches; counts what Redis really deleted and writes an
/// audit line for each.
pub(crate) struct Deleter<'a> {
    store: &'a Store,
    pending: Vec<sessctl_store::Expected>,
    reasons: Vec<Reason>,
    /// Per pending item: a session delivered again after a failover (deleted again, in case
    /// the old primary had not passed the first deletion on, but counted once).
    repeats: Vec<bool>,
    prefix_len: usize,
    pub deleted: u64,
    dry_run: bool,
    pub audit: Option<&'a mut audit::AuditLog>,
    /// Per pending item: the remaining TTL read with it (for `--backup`).
    ttls: Vec<Option<i64>>,
    /// `--backup`: written ahead of each batch.
    pub backup: Option<&'a mut backup::BackupFile>,
}

impl<'a> Deleter<'a> {
    /// Deletions per flush: one pipeline, so a batch that fails is the only part of the run
    /// whose outcome is unknown (a larger flush would lose the count of its earlier pipelines).
    const BATCH: usize = 1000;

    pub fn new(store: &'a Store, settings: &Settings, dry_run: bool, audit: Option<&'a mut audit::AuditLog>) -> Self {
        Deleter {
            store,
            pending: Vec::with_capacity(Self::BATCH),
            reasons: Vec::with_capacity(Self::BATCH),
            repeats: Vec::with_capacity(Self::BATCH),
            prefix_len: settings.prefix.len(),
            deleted: 0,
            dry_run,
            audit,
            ttls: Vec::with_capacity(Self::BATCH),
            backup: None,
        }
    }

    /// Writes each session to `backup` before its deletion is sent.
    pub fn with_backup(mut self, backup: Option<&'a mut backup::BackupFile>) -> Self {
        self.backup = backup;
        self
    }

    /// Queues `key` for deletion if it still holds `user` (`ttl_ms`: its remaining TTL, for
    /// `--backup`); sends a batch when full.
    pub fn push(
        &mut self,
        key: Vec<u8>,
        user: Vec<u8>,
        ttl_ms: Option<i64>,
        reason: Reason,
        repeat: bool,
    ) -> anyhow::Result<()> {
        if self.dry_run {
            return Ok(());
        }
        self.pending.push(sessctl_store::Expected { key, user });
        self.reasons.push(reason);
        self.repeats.push(repeat);
        self.ttls.push(ttl_ms);
        if self.pending.len() >= Self::BATCH {
            self.flush()?;
        }
        Ok(())
    }

    /// Sends the queued deletions and records what Redis deleted; a second signal waits for
    /// this to finish, so the audit log never misses a deletion that happened.
    pub fn flush(&mut self) -> anyhow::Result<()> {
        if self.pending.is_empty() {
            return Ok(());
        }
        let _batch = signals::critical();
        let n = self.pending.len();
        if let Some(backup) = self.backup.as_deref_mut() {
            // Write-ahead: on disk before the deletions are sent. A session delivered again (SCAN
            // returned it twice, or its part restarted after a failover) has its line already.
            backup.before_delete(
                self.pending
                    .iter()
                    .zip(&self.ttls)
                    .zip(&self.repeats)
                    .filter(|(_, repeat)| !**repeat)
                    .map(|((e, t), _)| (&e.key[..], &e.user[..], *t)),
            )?;
        }
        // Made on the primary but not acknowledged by its replicas: only what was confirmed
        // counts (and is audited); the rest may be undone by a failover.
        let (done, unconfirmed) = match split_unconfirmed(self.store.delete_if_holds(&self.pending)) {
            Ok(split) => split,
            Err(e) => {
                let why = batch_failure(&e, n, self.store.is_cluster());
                return Err(anyhow::Error::new(e).context(why));
            }
        };
        if unconfirmed.is_none() {
            if let Some(backup) = self.backup.as_deref_mut() {
                // A key can come twice in a batch (SCAN may return a key twice, a session id can
                // be named twice): its second deletion finds it gone. Only a key none of whose
                // deletions happened is marked.
                let deleted: std::collections::HashSet<&[u8]> =
                    self.pending.iter().zip(&done).filter(|(_, d)| **d).map(|(e, _)| &e.key[..]).collect();
                let mut marked = std::collections::HashSet::new();
                backup.not_deleted(
                    self.pending
                        .iter()
                        .zip(&done)
                        .zip(&self.repeats)
                        .filter(|((e, d), repeat)| {
                            !**d && !**repeat && !deleted.contains(&e.key[..]) && marked.insert(&e.key[..])
                        })
                        .map(|((e, _), _)| &e.key[..]),
                )?;
            }
        }
        self.deleted += done.iter().zip(&self.repeats).filter(|(done, repeat)| **done && !**repeat).count() as u64;
        if let Some(audit) = self.audit.as_deref_mut() {
            let prefix_len = self.prefix_len;
            audit.record(
                audit::Action::Deleted,
                self.pending
                    .iter()
                    .zip(&self.reasons)
                    .zip(&done)
                    .filter(|(_, d)| **d)
                    .map(|((e, r), _)| (&e.key[prefix_len.min(e.key.len())..], &e.user[..], *r)),
            )?;
        }
        if let Some(e) = unconfirmed {
            return Err(e.into());
        }
        self.pending.clear();
        self.reasons.clear();
        self.repeats.clear();
        self.ttls.clear();
        Ok(())
    }
}

/// The result of a batch of writes as what was confirmed, and the error when some of it could
/// not be ([`StoreError::Unconfirmed`]: the caller counts the confirmed part, then fails).
pub(crate) fn split_unconfirmed(
    result: Result<Vec<bool>, StoreError>,
) -> Result<(Vec<bool>, Option<StoreError>), StoreError> {
    match result {
        Ok(done) => Ok((done, None)),
        Err(StoreError::Unconfirmed { confirmed, addr, command, writes, replicas, acked, why }) => {
            let e = StoreError::Unconfirmed { confirmed: Vec::new(), addr, command, writes, replicas, acked, why };
            Ok((confirmed, Some(e)))
        }
        Err(e) => Err(e),
    }
}

/// What a failed batch of compare-and-deletes means for its `n` sessions. The ACL refusing
/// the command itself (NOPERM "no permissions to run") means the script ran nowhere on a
/// single server; anything else may have failed after some deletions.
fn batch_failure(e: &StoreError, n: usize, cluster: bool) -> String {
    use sessctl_store::ServerErrorKind;
    let command_refused = matches!(e, StoreError::Refused { error, .. }
        if error.kind == ServerErrorKind::NoPerm && error.message.contains("permissions to run"));
    match (command_refused, cluster) {
        (true, false) => format!(
            "Redis refused to run the compare-and-delete (NOPERM: the ACL does not allow the command), so none of the {} of this batch was deleted", crate::output::plural(n as u64, "session", "sessions")
        ),
        (true, true) => format!(
            "a cluster node refused to run the compare-and-delete (NOPERM: the ACL does not allow the command), so nothing was deleted on it; up to {} of the batch in flight on other primaries may have been deleted without being counted", crate::output::plural(n as u64, "session", "sessions")
        ),
        _ => format!(
            "compare-and-delete failed; up to {} of the batch in flight may have been deleted without being counted", crate::output::plural(n as u64, "session", "sessions")
        ),
    }
}
