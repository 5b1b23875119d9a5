//! `--backup FILE` for revoke and cleanup, and the file `sessctl restore` reads back.
//!
//! Write-ahead: before each batch of compare-and-deletes is sent, one JSON line per session
//! of the batch is appended and synced to disk:
//!
//! ```text
//! {"key":"session:…","user":"42","ttl_ms":603512345,"time":"2026-11-29T20:01:02.345Z"}
//! ```
//!
//! `ttl_ms` is the remaining time to live when the session was read (`null`: no expiry),
//! `time` when the line was written. A key or user that is not UTF-8 is written as
//! `key_base64` / `user_base64` instead. After the batch, each session the compare-and-delete
//! did not delete (it had changed, or was gone already) gets a line `{"not_deleted":"…"}`, so
//! `restore` never brings back a session sessctl did not remove. A run that dies between the
//! two leaves the first line alone; `restore` then puts the session back only if it is gone.
//!
//! Each line ends with `"chain":"<hex>"`, the SHA-256 of the previous line's chain, a newline,
//! and the line as it would be without its chain (the first line's previous chain is empty):
//! an edited, reordered, removed or spliced-in line breaks the chain from there on, and
//! `restore` checks the whole file before it writes anything. A run appending to a file
//! continues its chain. A last line without its newline is a write cut short (the deletions
//! are sent only once the batch is on disk): the next run appending removes it, and `restore`
//! stops before it and says so.
//!
//! The file holds live session ids: bearer credentials. It is created with mode 0600, and
//! `restore` refuses one that others may read.

use std::fs::File;
use std::io::{BufRead, Read, Seek, Write};
use std::path::{Path, PathBuf};

use base64::Engine;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::usage;
use crate::output::excerpt;

/// The longest line `restore` reads: far more than any session needs, and a bound for a file
/// that is not a backup (`/dev/zero`).
pub const MAX_LINE: usize = 1 << 20;

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

/// The chain of a line (its text without the chain) after the line whose chain is `prev`.
fn chain_of(prev: &str, unchained: &[u8]) -> String {
    let mut hash = Sha256::new();
    hash.update(prev.as_bytes());
    hash.update(b"\n");
    hash.update(unchained);
    hex::encode(hash.finalize())
}

/// The end of every chained line: `,"chain":"` 64 hex digits `"}`.
const CHAIN_FIELD: &[u8] = b",\"chain\":\"";
const CHAIN_END: usize = CHAIN_FIELD.len() + 64 + 2;

/// A line's chain and its text without it (`{…}`), when it ends as sessctl writes them.
fn split_chain(line: &[u8]) -> Option<(&str, Vec<u8>)> {
    let start = line.len().checked_sub(CHAIN_END)?;
    let (body, tail) = line.split_at(start);
    let hex = tail.strip_prefix(CHAIN_FIELD)?.strip_suffix(b"\"}")?;
    let hex = std::str::from_utf8(hex).ok().filter(|h| h.bytes().all(|b| b.is_ascii_hexdigit()))?;
    let mut unchained = body.to_vec();
    unchained.push(b'}');
    Some((hex, unchained))
}

/// Appends `line` to `buf` with its chain after `prev`; returns the new chain.
fn push_chained(buf: &mut Vec<u8>, prev: &str, line: &Line) -> anyhow::Result<String> {
    let start = buf.len();
    serde_json::to_writer(&mut *buf, line)?;
    let chain = chain_of(prev, &buf[start..]);
    buf.pop(); // the closing brace
    buf.extend_from_slice(CHAIN_FIELD);
    buf.extend_from_slice(chain.as_bytes());
    buf.extend_from_slice(b"\"}\n");
    Ok(chain)
}

/// A session as a backup line holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub key: Vec<u8>,
    pub user: Vec<u8>,
    /// Remaining TTL in ms when the session was read; `None`: no expiry.
    pub ttl_ms: Option<i64>,
    /// When the line was written, in ms since the epoch.
    pub time_ms: i64,
}

/// One line of the file, either kind.
#[derive(Serialize, Deserialize, Default)]
struct Line {
    #[serde(skip_serializing_if = "Option::is_none", default)]
    key: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    key_base64: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    user: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    user_base64: Option<String>,
    #[serde(default)]
    ttl_ms: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    time: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    not_deleted: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    not_deleted_base64: Option<String>,
    /// Written by hand after the rest of the line (see [`push_chained`]); read to tell a
    /// chained line from an older one.
    #[serde(skip_serializing, default)]
    chain: Option<String>,
}

/// Text as is when it is UTF-8, else base64 in the `…_base64` field.
fn text_or_base64(bytes: &[u8]) -> (Option<String>, Option<String>) {
    match std::str::from_utf8(bytes) {
        Ok(text) => (Some(text.to_string()), None),
        Err(_) => (None, Some(base64::engine::general_purpose::STANDARD.encode(bytes))),
    }
}

fn rfc3339_ms(ms: i64) -> String {
    use time::format_description::well_known::Rfc3339;
    time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .ok()
        .and_then(|t| t.format(&Rfc3339).ok())
        .unwrap_or_default()
}

fn now_ms() -> anyhow::Result<i64> {
    Ok((crate::config::now()? * 1000.0).floor() as i64)
}

impl BackupFile {
    /// `--backup` with `--dry-run`: nothing will be written, so the file is neither created
    /// nor announced, but what would refuse it in the real run refuses it now.
    pub fn check(path: &Path) -> anyhow::Result<()> {
        use std::os::unix::fs::PermissionsExt;
        let shown = crate::output::path(path);
        if let Some(kind) = super::files::special_file(path) {
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
        if let Some(kind) = super::files::special_file(path) {
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
        eprintln!(
            "sessctl: warning: the backup {shown} holds live session ids (bearer credentials): keep it private and delete it once it is not needed"
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
            eprintln!(
                "sessctl: note: the backup {shown} ended in an incomplete line (a run cut short while writing it; its sessions were not deleted); removed it"
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

/// What one line of a backup file says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Record {
    Session(Entry),
    /// The session written ahead with this key and time was not deleted.
    NotDeleted {
        key: Vec<u8>,
        time_ms: i64,
    },
}

/// Reads a backup file line by line, in bounded memory.
pub struct Reader {
    reader: std::io::Take<std::io::BufReader<File>>,
    shown: String,
    line: Vec<u8>,
    /// The number of the line last read (1-based).
    pub number: u64,
    /// The chain of the last line read.
    chain: String,
    /// Whether the lines carry chains (decided by the first one).
    chained: Option<bool>,
    /// `--unverified`: chains are not checked; lines must look like the app's sessions.
    pub unverified: bool,
    /// The number of a last line cut short (no newline): not read.
    pub truncated: Option<u64>,
}

impl Reader {
    /// Opens `path` for `restore`: refuses (usage error) a file that others may read or write.
    pub fn open(path: &PathBuf) -> anyhow::Result<Reader> {
        use std::os::unix::fs::PermissionsExt;
        let shown = crate::output::path(path);
        if let Some(kind) = super::files::special_file(path) {
            return Err(usage(format!("{shown} is {kind}, not a backup file; give the file `--backup` wrote")));
        }
        let file = File::open(path).map_err(|e| usage(format!("cannot read the backup {shown}: {e}")))?;
        let meta = file.metadata().map_err(|e| usage(format!("cannot read the backup {shown}: {e}")))?;
        if !meta.is_file() {
            return Err(usage(format!("{shown} is not a backup file (not a regular file)")));
        }
        let mode = meta.permissions().mode();
        if mode & 0o077 != 0 {
            return Err(usage(format!(
                "refusing the backup {shown}: its mode {:o} lets other users read or change it, and it holds live session credentials; `chmod 600` it (and check no one else copied it), then run again",
                mode & 0o777
            )));
        }
        Ok(Reader {
            reader: std::io::Read::take(std::io::BufReader::new(file), 0),
            shown,
            line: Vec::new(),
            number: 0,
            chain: String::new(),
            chained: None,
            unverified: false,
            truncated: None,
        })
    }

    /// The next record; `None` at the end. Blank lines are skipped. A line that is not a
    /// backup record is an error naming its number.
    pub fn next_record(&mut self) -> anyhow::Result<Option<Record>> {
        loop {
            self.line.clear();
            self.reader.set_limit(MAX_LINE as u64 + 1);
            let n = self
                .reader
                .read_until(b'\n', &mut self.line)
                .map_err(|e| anyhow::anyhow!("cannot read the backup {}: {e}", self.shown))?;
            if n == 0 {
                return Ok(None);
            }
            self.number += 1;
            if self.line.len() > MAX_LINE {
                return Err(self.bad(&format!("longer than {MAX_LINE} bytes")));
            }
            let text = self.line.trim_ascii();
            if text.is_empty() {
                continue;
            }
            if self.line.last() != Some(&b'\n') {
                // A write cut short: its batch was never deleted (deletions follow the sync).
                self.truncated = Some(self.number);
                return Ok(None);
            }
            let (record, chain) = parse_chained(text).map_err(|why| self.bad(&why))?;
            let line = std::mem::take(&mut self.line);
            let checked = self.check_chain(line.trim_ascii(), chain);
            self.line = line;
            checked?;
            return Ok(Some(record));
        }
    }

    /// The chain of the line `text` (`chain`: the field as parsed) must follow the lines
    /// before it.
    fn check_chain(&mut self, text: &[u8], chain: Option<String>) -> anyhow::Result<()> {
        let has = chain.is_some();
        match self.chained {
            None => self.chained = Some(has),
            Some(before) if before != has => {
                return Err(self.tampered(if has {
                    "it carries a chain where the lines before it carry none: lines were added to an older backup"
                } else {
                    "it carries no chain where the lines before it do: it was added by hand"
                }))
            }
            Some(_) => {}
        }
        if !has {
            if self.unverified {
                return Ok(());
            }
            return Err(usage(format!(
                "the backup {} carries no chain (it was written before sessctl chained its lines), so edits to it cannot be detected; read it, then run restore again with --unverified",
                self.shown
            )));
        }
        let Some((given, unchained)) = split_chain(text) else {
            return Err(self.tampered("its chain is not at the end of the line, where sessctl writes it"));
        };
        let expected = chain_of(&self.chain, &unchained);
        if given != expected && !self.unverified {
            return Err(self.tampered(
                "its chain does not follow from the lines before it: this line or one before it was edited, removed, reordered or added",
            ));
        }
        self.chain = given.to_string();
        Ok(())
    }

    fn tampered(&self, why: &str) -> anyhow::Error {
        usage(format!(
            "line {} of the backup {} is not as sessctl wrote it: {why}; nothing was restored (restore --unverified takes the file as it is)",
            self.number, self.shown
        ))
    }

    /// Under `--unverified` (nothing proves sessctl wrote the file), refuses a session the app
    /// could never have made: an id that is not 43 characters of `secrets.token_urlsafe(32)`,
    /// or an empty user.
    pub fn check_shape(&self, entry: &Entry, prefix: &[u8]) -> anyhow::Result<()> {
        if !self.unverified {
            return Ok(());
        }
        let id = &entry.key[prefix.len().min(entry.key.len())..];
        let why = if entry.user.is_empty() {
            "an empty user".to_string()
        } else if !super::category::looks_like_token(id) {
            format!("the key {}, whose id is not a 43-character session id", excerpt(&entry.key))
        } else {
            return Ok(());
        };
        Err(usage(format!(
            "line {} of the backup {} holds {why}: no session the app makes looks like that, and with --unverified nothing shows sessctl wrote it; nothing was restored",
            self.number, self.shown
        )))
    }

    /// Refuses (usage error naming the line) a session key outside `prefix`: sessctl never
    /// writes keys it does not manage, whatever a file says.
    pub fn check_prefix(&self, key: &[u8], prefix: &[u8]) -> anyhow::Result<()> {
        if key.starts_with(prefix) && key.len() > prefix.len() {
            return Ok(());
        }
        Err(usage(format!(
            "line {} of the backup {} holds the key {}, which is not a session under the prefix {}; restore writes only keys under --prefix: give the prefix the backup was made with",
            self.number,
            self.shown,
            excerpt(key),
            excerpt(prefix)
        )))
    }

    fn bad(&self, why: &str) -> anyhow::Error {
        usage(format!(
            "line {} of the backup {} is not a backup record: {why}; was it made by `--backup`?",
            self.number, self.shown
        ))
    }
}

/// Parses one line (exposed for the tests).
pub fn parse_line(text: &[u8]) -> Result<Record, String> {
    parse_chained(text).map(|(record, _)| record)
}

/// Parses one line, and the chain it carries.
fn parse_chained(text: &[u8]) -> Result<(Record, Option<String>), String> {
    let value: serde_json::Value = serde_json::from_slice(text).map_err(|e| format!("{e}"))?;
    // sessctl writes ttl_ms on every session line (null: the key had no expiry).
    let has_ttl = value.get("ttl_ms").is_some();
    let mut line: Line = serde_json::from_value(value).map_err(|e| format!("{e}"))?;
    let chain = line.chain.take();
    let record = record_of(line, has_ttl)?;
    Ok((record, chain))
}

fn record_of(line: Line, has_ttl: bool) -> Result<Record, String> {
    let bytes = |text: Option<String>, b64: Option<String>, name: &str| -> Result<Option<Vec<u8>>, String> {
        match (text, b64) {
            (Some(t), None) => Ok(Some(t.into_bytes())),
            (None, Some(b)) => base64::engine::general_purpose::STANDARD
                .decode(b)
                .map(Some)
                .map_err(|e| format!("{name}_base64 is not base64 ({e})")),
            (None, None) => Ok(None),
            (Some(_), Some(_)) => Err(format!("both {name} and {name}_base64")),
        }
    };
    let time = line.time.ok_or("no time")?;
    let at = time::OffsetDateTime::parse(&time, &time::format_description::well_known::Rfc3339)
        .map_err(|_| format!("time {} is not an RFC 3339 time", excerpt(time.as_bytes())))?;
    let time_ms = i64::try_from(at.unix_timestamp_nanos() / 1_000_000).map_err(|_| "time out of range")?;
    if let Some(key) = bytes(line.not_deleted, line.not_deleted_base64, "not_deleted")? {
        return Ok(Record::NotDeleted { key, time_ms });
    }
    let key = bytes(line.key, line.key_base64, "key")?.ok_or("no key")?;
    if key.is_empty() {
        return Err("an empty key".into());
    }
    let user = bytes(line.user, line.user_base64, "user")?.ok_or("no user")?;
    if !has_ttl {
        return Err("no ttl_ms (sessctl writes it on every session, null for no expiry)".into());
    }
    if line.ttl_ms.is_some_and(|t| t < 0) {
        return Err("a negative ttl_ms".into());
    }
    // No session lives longer than the longest --ttl; Redis refuses a PX near i64::MAX.
    if line.ttl_ms.is_some_and(|t| t as u128 > crate::values::MAX_LIFETIME.as_millis()) {
        return Err("a ttl_ms over 100 years".into());
    }
    Ok(Record::Session(Entry { key, user, ttl_ms: line.ttl_ms, time_ms }))
}

/// The TTL to restore with at `now_ms`: the remaining TTL minus the time since the line was
/// written. `Some(None)`: no expiry; `None`: it would have expired by now.
pub fn remaining(entry: &Entry, now_ms: i64) -> Option<Option<i64>> {
    match entry.ttl_ms {
        None => Some(None),
        Some(ttl) => {
            let left = ttl.saturating_sub(now_ms.saturating_sub(entry.time_ms).max(0));
            (left > 0).then_some(Some(left))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_read_back_as_written_including_binary_keys() {
        let (k, kb) = text_or_base64(b"session:\xff\x00");
        let line = Line {
            key: k,
            key_base64: kb,
            user: Some("42".into()),
            ttl_ms: Some(5000),
            time: Some(rfc3339_ms(1_800_000_000_123)),
            ..Line::default()
        };
        let text = serde_json::to_vec(&line).unwrap();
        let Record::Session(e) = parse_line(&text).unwrap() else { panic!() };
        assert_eq!(e.key, b"session:\xff\x00");
        assert_eq!(e.user, b"42");
        assert_eq!(e.time_ms, 1_800_000_000_123);
        assert_eq!(remaining(&e, 1_800_000_001_123), Some(Some(4000)));
        assert_eq!(remaining(&e, 1_800_000_005_123), None);
    }

    #[test]
    fn malformed_lines_say_why() {
        for (text, why) in [
            (&br#"{"user":"1","time":"2026-01-01T00:00:00Z"}"#[..], "no key"),
            (br#"{"key":"k","user":"1","time":"yesterday"}"#, "RFC 3339"),
            (br#"{"key":"k","user":"1","ttl_ms":-5,"time":"2026-01-01T00:00:00Z"}"#, "negative"),
            (b"not json", "expected"),
        ] {
            let err = parse_line(text).unwrap_err();
            assert!(err.contains(why), "{err}");
        }
    }
}
