//! `--audit-log FILE` / `SESSCTL_AUDIT_LOG` for revoke, cleanup and mint: one JSON line per
//! session removed, changed or minted, appended and flushed batch by batch (so it is complete up to the last
//! batch whatever ends the process), never carrying the session id itself (a bearer
//! credential): only `session_sha256`, the first 16 hex digits of its SHA-256.

use std::fs::File;
use std::io::Write;
use std::path::Path;

use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::config::Settings;
use crate::error::usage;

/// An open audit log.
pub struct AuditLog {
    file: File,
    operator: String,
    host: String,
    redis: String,
    prefix: String,
    command: &'static str,
    /// Lines written.
    pub written: u64,
}

/// What happened to a session.
#[derive(Debug, Clone, Copy)]
pub enum Action {
    Deleted,
    /// Given the session TTL (`cleanup --no-ttl fix`).
    TtlSet,
    /// Created by `mint` (stored, and its cookie printed).
    Minted,
}

/// One line of the audit log.
#[derive(Serialize)]
struct Line<'a> {
    time: String,
    command: &'a str,
    operator: &'a str,
    host: &'a str,
    redis: &'a str,
    prefix: &'a str,
    user: String,
    action: &'static str,
    reason: &'a str,
    session_sha256: String,
}

/// The first 16 hex digits of the SHA-256 of a session id: enough to match a log line to a
/// session the operator holds, useless to log in with.
pub fn session_sha256(id: &[u8]) -> String {
    hex::encode(&Sha256::digest(id)[..8])
}

impl AuditLog {
    /// Opens (creates, mode 0600) `path` for appending. Fails before any work is done.
    pub fn open(path: &Path, command: &'static str, redis_urls: &[String], prefix: &str) -> anyhow::Result<AuditLog> {
        use std::os::unix::fs::OpenOptionsExt;
        let file = std::fs::OpenOptions::new().append(true).create(true).mode(0o600).open(path).map_err(|e| {
            usage(format!(
                "cannot open the audit log {}: {e}; check --audit-log / SESSCTL_AUDIT_LOG",
                crate::output::path(path)
            ))
        })?;
        let operator = ["SUDO_USER", "USER", "LOGNAME"]
            .iter()
            .find_map(|v| std::env::var(v).ok().filter(|u| !u.is_empty()))
            .unwrap_or_else(|| format!("uid {}", unsafe { libc::getuid() }));
        Ok(AuditLog {
            file,
            operator,
            host: hostname(),
            redis: redis_urls.iter().map(|u| sessctl_store::redact_url(u)).collect::<Vec<_>>().join(","),
            prefix: prefix.to_string(),
            command,
            written: 0,
        })
    }

    /// Appends one line per `(session id, user)` with one write, then flushes it to the file.
    pub fn record<'a>(
        &mut self,
        action: Action,
        entries: impl Iterator<Item = (&'a [u8], &'a [u8], &'a str)>,
    ) -> anyhow::Result<()> {
        let time = crate::output::rfc3339_now();
        let mut buf = Vec::new();
        let mut n = 0;
        for (id, user, reason) in entries {
            let line = Line {
                time: time.clone(),
                command: self.command,
                operator: &self.operator,
                host: &self.host,
                redis: &self.redis,
                prefix: &self.prefix,
                user: crate::output::text(user),
                action: match action {
                    Action::Deleted => "deleted",
                    Action::TtlSet => "ttl_set",
                    Action::Minted => "minted",
                },
                reason,
                session_sha256: session_sha256(id),
            };
            serde_json::to_writer(&mut buf, &line)?;
            buf.push(b'\n');
            n += 1;
        }
        if n == 0 {
            return Ok(());
        }
        self.file.write_all(&buf).and_then(|()| self.file.flush()).map_err(|e| {
            anyhow::anyhow!(
                "cannot write the audit log: {e}; the last {} not in it",
                crate::output::plural(n, "change is", "changes are")
            )
        })?;
        self.written += n;
        Ok(())
    }

    /// Syncs the log to disk.
    pub fn finish(&mut self) -> anyhow::Result<()> {
        self.file.sync_data().map_err(|e| anyhow::anyhow!("cannot sync the audit log: {e}"))
    }
}

fn hostname() -> String {
    let mut buf = [0u8; 256];
    // SAFETY: gethostname writes at most buf.len() bytes into buf.
    let ok = unsafe { libc::gethostname(buf.as_mut_ptr().cast(), buf.len()) } == 0;
    if !ok {
        return String::new();
    }
    let end = buf.iter().position(|b| *b == 0).unwrap_or(buf.len());
    String::from_utf8_lossy(&buf[..end]).into_owned()
}

/// The audit log a command writes, if `--audit-log` or `SESSCTL_AUDIT_LOG` names one.
pub(crate) fn open_audit(
    flag: Option<std::path::PathBuf>,
    command: &'static str,
    settings: &Settings,
) -> anyhow::Result<Option<AuditLog>> {
    let path = settings.resolve_path(flag, "--audit-log", "SESSCTL_AUDIT_LOG", true)?;
    path.value.map(|p| AuditLog::open(&p, command, &settings.redis.urls, &settings.prefix)).transpose()
}

/// The audit log as the run will open it: the flag, else SESSCTL_AUDIT_LOG, else the profile
/// (for the check that the files a run writes are distinct).
pub(crate) fn path_for(
    flag: &Option<std::path::PathBuf>,
    settings: &Settings,
) -> anyhow::Result<Option<std::path::PathBuf>> {
    settings.resolve_path(flag.clone(), "--audit-log", "SESSCTL_AUDIT_LOG", true).map(|r| r.value)
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_hash_is_16_hex_digits_of_sha256() {
        // printf %s abc | sha256sum → ba7816bf8f01cfea…
        assert_eq!(super::session_sha256(b"abc"), "ba7816bf8f01cfea");
    }
}
