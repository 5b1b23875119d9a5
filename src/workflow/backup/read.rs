//! Reading a backup file back for `restore`: line by line in bounded memory, each line's
//! chain checked (or, `--unverified`, only its shape), and a last line cut short reported
//! rather than read.

use std::fs::File;
use std::io::BufRead;
use std::path::PathBuf;

use crate::error::usage;
use crate::output::excerpt;

use super::format::{chain_of, parse_chained, split_chain, Entry, Record, MAX_LINE};

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
        if let Some(kind) = crate::workflow::files::special_file(path) {
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
        } else if !crate::workflow::category::looks_like_token(id) {
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
