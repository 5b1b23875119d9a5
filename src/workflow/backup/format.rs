//! The backup file's line format, its hash chain and its parsing (see the module above for
//! the format).

use base64::Engine;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::output::excerpt;

/// The longest line `restore` reads: far more than any session needs, and a bound for a file
/// that is not a backup (`/dev/zero`).
pub const MAX_LINE: usize = 1 << 20;

/// The chain of a line (its text without the chain) after the line whose chain is `prev`.
pub(super) fn chain_of(prev: &str, unchained: &[u8]) -> String {
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
pub(super) fn split_chain(line: &[u8]) -> Option<(&str, Vec<u8>)> {
    let start = line.len().checked_sub(CHAIN_END)?;
    let (body, tail) = line.split_at(start);
    let hex = tail.strip_prefix(CHAIN_FIELD)?.strip_suffix(b"\"}")?;
    let hex = std::str::from_utf8(hex).ok().filter(|h| h.bytes().all(|b| b.is_ascii_hexdigit()))?;
    let mut unchained = body.to_vec();
    unchained.push(b'}');
    Some((hex, unchained))
}

/// Appends `line` to `buf` with its chain after `prev`; returns the new chain.
pub(super) fn push_chained(buf: &mut Vec<u8>, prev: &str, line: &Line) -> anyhow::Result<String> {
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
pub(super) struct Line {
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub(super) key: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub(super) key_base64: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub(super) user: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub(super) user_base64: Option<String>,
    #[serde(default)]
    pub(super) ttl_ms: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub(super) time: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub(super) not_deleted: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub(super) not_deleted_base64: Option<String>,
    /// Written by hand after the rest of the line (see [`push_chained`]); read to tell a
    /// chained line from an older one.
    #[serde(skip_serializing, default)]
    pub(super) chain: Option<String>,
}

/// Text as is when it is UTF-8, else base64 in the `…_base64` field.
pub(super) fn text_or_base64(bytes: &[u8]) -> (Option<String>, Option<String>) {
    match std::str::from_utf8(bytes) {
        Ok(text) => (Some(text.to_string()), None),
        Err(_) => (None, Some(base64::engine::general_purpose::STANDARD.encode(bytes))),
    }
}

pub(super) fn now_ms() -> anyhow::Result<i64> {
    Ok((crate::config::now()? * 1000.0).floor() as i64)
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

/// Parses one line (exposed for the tests).
pub fn parse_line(text: &[u8]) -> Result<Record, String> {
    parse_chained(text).map(|(record, _)| record)
}

/// Parses one line, and the chain it carries.
pub(super) fn parse_chained(text: &[u8]) -> Result<(Record, Option<String>), String> {
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
            time: Some(crate::output::rfc3339_ms(1_800_000_000_123)),
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
