//! Writing a backup file (`--backup`): created or appended to (a last line cut short is
//! removed, the chain continued), one chained line per session before its batch is deleted,
//! and a `not_deleted` line for each one the batch did not delete. The format is described in
//! the parent module.

use std::fs::File;
use std::io::{Read, Seek, Write};
use std::path::Path;

use crate::error::usage;

use super::format::{now_ms, push_chained, split_chain, text_or_base64, Line, MAX_LINE};
use crate::output::rfc3339_ms;

/// An open backup file.
pub struct BackupFile {
    file: File,
    shown: String,
    buf: Vec<u8>,
    /// The `time` of the last batch written ahead.
    batch_time: String,
    /// Sessions written (write-ahead lines).
    pub written: u64,
    /// The chain of the last line in the file.
    chain: String,
}

impl BackupFile {
    /// `--backup` with `--dry-run`: nothing will be written, so the file is neither created
    /// nor announced, but what would refuse it in the real run refuses it now.
    pub fn check(path: &Path) -> anyhow::Result<()> {
        use std::os::unix::fs::PermissionsExt;
        let shown = crate::output::path(path);
        if let Some(kind) = crate::workflow::files::special_file(path) {
            return Err(usage(format!(
                "the backup file {shown} is {kind}, not a regular file; `restore` reads the backup back: give a file name"
            )));
        }
        match std::fs::metadata(path) {
            Ok(meta) if meta.is_dir() => {
                Err(usage(format!("cannot open the backup file {shown}: it is a directory; check --backup")))
            }
            Ok(meta) if meta.permissions().mode() & 0o077 != 0 => Err(usage(format!(
                "the backup file {shown} exists with mode {:o}, open to other users; it would hold live session credentials: `chmod 600` it or give a new file",
                meta.permissions().mode() & 0o777
            ))),
            _ => Ok(()),
        }
    }

    /// Opens the backup for a run: `None` without `--backup`, and with `--dry-run` (which
    /// writes nothing: the path is only checked).
    pub fn for_run(path: Option<&Path>, dry_run: bool) -> anyhow::Result<Option<BackupFile>> {
        match path {
            None => Ok(None),
            Some(path) if dry_run => BackupFile::check(path).map(|()| None),
            Some(path) => BackupFile::open(path).map(Some),
        }
    }

    /// Creates (mode 0600) or appends to `path`. Refuses a file others may read: it is about
    /// to hold live credentials. Warns on stderr that it does.
    pub fn open(path: &Path) -> anyhow::Result<BackupFile> {
        use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
        let shown = crate::output::path(path);
        if let Some(kind) = crate::workflow::files::special_file(path) {
            return Err(usage(format!(
                "the backup file {shown} is {kind}, not a regular file; `restore` reads the backup back: give a file name"
            )));
        }
        let mut file = std::fs::OpenOptions::new()
            .read(true)
            .append(true)
            .create(true)
            .mode(0o600)
            .open(path)
            .map_err(|e| usage(format!("cannot open the backup file {shown}: {e}; check --backup")))?;
        let mode = file.metadata().map(|m| m.permissions().mode()).unwrap_or(0);
        if mode & 0o077 != 0 {
            return Err(usage(format!(
                "the backup file {shown} exists with mode {:o}, open to other users; it would hold live session credentials: `chmod 600` it or give a new file",
                mode & 0o777
            )));
        }
        let chain = last_chain(&mut file, &shown)?;
        crate::messages::warning!(
            "the backup {shown} holds live session ids (bearer credentials): keep it private and delete it once it is not needed"
        );
        Ok(BackupFile { file, shown, buf: Vec::new(), batch_time: String::new(), written: 0, chain })
    }

    /// Appends a line per `(key, user, ttl_ms)` and syncs it to disk, before the deletions are
    /// sent.
    pub fn before_delete<'a>(
        &mut self,
        sessions: impl Iterator<Item = (&'a [u8], &'a [u8], Option<i64>)>,
    ) -> anyhow::Result<()> {
        let time = rfc3339_ms(now_ms()?);
        self.batch_time.clone_from(&time);
        self.buf.clear();
        let mut n = 0;
        let mut chain = self.chain.clone();
        for (key, user, ttl_ms) in sessions {
            let (key, key_base64) = text_or_base64(key);
            let (user, user_base64) = text_or_base64(user);
            let line = Line { key, key_base64, user, user_base64, ttl_ms, time: Some(time.clone()), ..Line::default() };
            chain = push_chained(&mut self.buf, &chain, &line)?;
            n += 1;
        }
        self.write(n)?;
        self.chain = chain;
        self.written += n;
        Ok(())
    }

    /// Marks sessions of the last batch written ahead whose compare-and-delete did not
    /// delete them (same `time` as their write-ahead line).
    pub fn not_deleted<'a>(&mut self, keys: impl Iterator<Item = &'a [u8]>) -> anyhow::Result<()> {
        self.buf.clear();
        let mut n = 0;
        let mut chain = self.chain.clone();
        for key in keys {
            let (not_deleted, not_deleted_base64) = text_or_base64(key);
            let line = Line { not_deleted, not_deleted_base64, time: Some(self.batch_time.clone()), ..Line::default() };
            chain = push_chained(&mut self.buf, &chain, &line)?;
            n += 1;
        }
        self.write(n)?;
        self.chain = chain;
        Ok(())
    }

    fn write(&mut self, n: u64) -> anyhow::Result<()> {
        if n == 0 {
            return Ok(());
        }
        self.file.write_all(&self.buf).and_then(|()| self.file.sync_data()).map_err(|e| {
            anyhow::anyhow!(
                "cannot write the backup {}: {e}; nothing of this batch was deleted (the backup comes first)",
                self.shown
            )
        })
    }
}

/// The chain to continue in a backup file opened for appending (empty for a new file). A last
/// line cut short by a crash is removed first: its batch was never deleted. A file whose last
/// line carries no chain (an older sessctl's) is refused: a chain cannot start in mid-file.
fn last_chain(file: &mut File, shown: &str) -> anyhow::Result<String> {
    let len = file.metadata()?.len();
    if len == 0 {
        return Ok(String::new());
    }
    let start = len.saturating_sub(MAX_LINE as u64 + 2);
    let mut tail = Vec::new();
    file.seek(std::io::SeekFrom::Start(start))
        .and_then(|_| file.take(len - start).read_to_end(&mut tail))
        .map_err(|e| anyhow::anyhow!("cannot read the backup {shown} to append to it: {e}"))?;
    if tail.last() != Some(&b'\n') {
        let whole = match tail.iter().rposition(|b| *b == b'\n') {
            Some(i) => i + 1,
            None if start == 0 => 0,
            None => {
                return Err(usage(format!(
                    "the backup {shown} ends in a line longer than {MAX_LINE} bytes; it is not a backup file: give a new file"
                )))
            }
        };
        if !tail[whole..].trim_ascii().is_empty() {
            file.set_len(start + whole as u64)
                .map_err(|e| anyhow::anyhow!("cannot remove the incomplete last line of the backup {shown}: {e}"))?;
            crate::messages::said!(
                "note: the backup {shown} ended in an incomplete line (a run cut short while writing it; its sessions were not deleted); removed it"
            );
        }
        tail.truncate(whole);
    }
    let Some(last) = tail.split(|b| *b == b'\n').map(<[u8]>::trim_ascii).rfind(|l| !l.is_empty()) else {
        return Ok(String::new());
    };
    match split_chain(last) {
        Some((chain, _)) => Ok(chain.to_string()),
        None => Err(usage(format!(
            "the backup {shown} was written by an older sessctl (its lines carry no chain), so this run cannot add to it; give a new file (`restore --unverified` reads the old one)"
        ))),
    }
}
