//! The cookie secret. It never reaches argv, output or logs: `Debug` and `Display` print
//! `(redacted)`, and the bytes are only handed to HMAC.

use std::collections::BTreeMap;
use std::fmt;

/// One cookie secret (the bytes Tornado's `utf8(secret)` would give).
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(Vec<u8>);

impl Secret {
    pub fn new(bytes: impl Into<Vec<u8>>) -> Self {
        Secret(bytes.into())
    }

    /// The raw bytes, for HMAC keys only.
    pub fn expose(&self) -> &[u8] {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(redacted)")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("(redacted)")
    }
}

/// Tornado's `cookie_secret` setting: one secret, or a dict of key versions to secrets.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum KeyRing {
    Single(Secret),
    Versions(BTreeMap<i64, Secret>),
}

/// How to read a secret's text (`--secret-format`, `SESSCTL_SECRET_FORMAT`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SecretFormat {
    /// A text whose first non-blank character is `{` must be a valid key ring (a typo in a
    /// ring is an error, not a literal secret); any other text is one secret.
    #[default]
    Auto,
    /// Always one secret, byte for byte (for a secret that really starts with `{`).
    Text,
    /// Always a key ring.
    Ring,
}

/// Why a secret text could not be used. Messages never contain the secret, nor any part of it.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[non_exhaustive]
pub enum SecretError {
    #[error("the cookie secret is empty; put the app's cookie_secret in SESSCTL_SECRET or --secret-file")]
    Empty,
    #[error("the key ring has no versions; give at least one {{\"<version>\": \"<secret>\"}} pair")]
    EmptyRing,
    #[error(
        "key version {0} is not in the key ring (it has {1}); set --key-version or SESSCTL_KEY_VERSION to one of them"
    )]
    MissingVersion(i64, String),
    /// The text is not a key ring: `why` says where, without quoting the text.
    #[error("the secret is not a valid key ring: {why}")]
    NotARing { why: String },
}

impl KeyRing {
    /// Reads a secret text as [`SecretFormat::Auto`] does: a JSON object of key versions to
    /// secrets is a key ring, any other text one secret (byte for byte).
    ///
    /// ```
    /// use sessctl_cookie::secret::{KeyRing, SecretError};
    ///
    /// let single = KeyRing::parse(b"a-secret-of-at-least-32-random-bytes")?;
    /// assert!(!single.is_ring());
    /// assert_eq!(single.get(7).unwrap().expose(), b"a-secret-of-at-least-32-random-bytes");
    ///
    /// let ring = KeyRing::parse(br#"{"1": "old", "2": "new"}"#)?;
    /// assert_eq!(ring.signing_key(None)?.0, 2); // the highest version signs
    /// assert!(ring.get(3).is_none());
    ///
    /// // A ring with a typo is an error, never a literal secret; messages never quote it.
    /// let typo = KeyRing::parse(br#"{"1": "old", "2": "new""#).unwrap_err();
    /// assert!(matches!(typo, SecretError::NotARing { .. }));
    /// assert_eq!(KeyRing::parse(b"").unwrap_err(), SecretError::Empty);
    /// # Ok::<(), SecretError>(())
    /// ```
    pub fn parse(text: &[u8]) -> Result<KeyRing, SecretError> {
        KeyRing::parse_as(text, SecretFormat::Auto)
    }

    /// Reads a secret text. A ring is a JSON object whose keys are all integers and whose
    /// values are all strings (Tornado's dict `cookie_secret`); one secret is the text byte for
    /// byte. `Auto` takes a text starting with `{` (after blanks) for a ring and refuses it
    /// when it is not a valid one: a ring with a typo would otherwise sign with its JSON text.
    pub fn parse_as(text: &[u8], format: SecretFormat) -> Result<KeyRing, SecretError> {
        if text.is_empty() {
            return Err(SecretError::Empty);
        }
        let ring = match format {
            SecretFormat::Text => false,
            SecretFormat::Ring => true,
            SecretFormat::Auto => text.trim_ascii_start().starts_with(b"{"),
        };
        if !ring {
            return Ok(KeyRing::Single(Secret::new(text)));
        }
        let ring = parse_ring(text)?;
        if ring.is_empty() {
            return Err(SecretError::EmptyRing);
        }
        Ok(KeyRing::Versions(ring))
    }

    /// The secret for a key version. A single secret signs and verifies every key version,
    /// as in Tornado (which ignores the version field when `cookie_secret` is not a dict).
    pub fn get(&self, version: i64) -> Option<&Secret> {
        match self {
            KeyRing::Single(s) => Some(s),
            KeyRing::Versions(map) => map.get(&version),
        }
    }

    /// The key version `mint` signs with: the one asked for, else the highest in the ring
    /// (0 for a single secret).
    pub fn signing_key(&self, wanted: Option<i64>) -> Result<(i64, &Secret), SecretError> {
        match self {
            KeyRing::Single(s) => Ok((wanted.unwrap_or(0), s)),
            KeyRing::Versions(map) => match wanted {
                Some(v) => map.get(&v).map(|s| (v, s)).ok_or_else(|| {
                    let have: Vec<String> = map.keys().map(|k| k.to_string()).collect();
                    SecretError::MissingVersion(v, have.join(", "))
                }),
                None => map.iter().next_back().map(|(v, s)| (*v, s)).ok_or(SecretError::EmptyRing),
            },
        }
    }

    pub fn is_ring(&self) -> bool {
        matches!(self, KeyRing::Versions(_))
    }
}

/// The entries of a JSON object in document order, duplicates kept (serde_json's own map
/// would silently keep the last of two equal keys).
struct Entries(Vec<(String, serde_json::Value)>);

impl<'de> serde::Deserialize<'de> for Entries {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visit;
        impl<'de> serde::de::Visitor<'de> for Visit {
            type Value = Entries;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Entries, A::Error> {
                let mut entries = Vec::new();
                while let Some(entry) = map.next_entry::<String, serde_json::Value>()? {
                    entries.push(entry);
                }
                Ok(Entries(entries))
            }
        }
        d.deserialize_map(Visit)
    }
}

fn parse_ring(text: &[u8]) -> Result<BTreeMap<i64, Secret>, SecretError> {
    let not_ring = |why: String| SecretError::NotARing { why };
    // serde_json's messages may quote the text ("invalid type: integer `123`"): only its
    // position is used.
    let entries: Entries = serde_json::from_slice(text).map_err(|e| {
        let what = match e.classify() {
            serde_json::error::Category::Eof => "it ends early (a missing `}` or `\"`?)",
            serde_json::error::Category::Syntax => "JSON syntax error",
            serde_json::error::Category::Data => "not a JSON object of versions to strings",
            serde_json::error::Category::Io => "unreadable",
        };
        not_ring(format!("{what} at line {} column {}", e.line(), e.column()))
    })?;
    let mut ring = BTreeMap::new();
    for (i, (key, secret)) in entries.0.into_iter().enumerate() {
        let n = i + 1;
        let version: i64 = key
            .trim()
            .parse()
            .map_err(|_| not_ring(format!("key number {n} is not an integer version (\"0\", \"1\", …)")))?;
        let serde_json::Value::String(secret) = secret else {
            return Err(not_ring(format!("the value of version {version} is not a string")));
        };
        if ring.insert(version, Secret::new(secret.into_bytes())).is_some() {
            return Err(not_ring(format!("version {version} appears twice")));
        }
    }
    Ok(ring)
}

/// The operating system's random generator failed.
#[derive(Debug, thiserror::Error)]
#[error("the operating system's random generator failed ({0})")]
#[non_exhaustive]
pub struct RandomUnavailable(String);

/// `bytes` random bytes from the OS generator, URL-safe base64 without padding (32 bytes give
/// 43 characters, as Python's `secrets.token_urlsafe(32)`): a new secret.
///
/// ```
/// use sessctl_cookie::secret::{new_secret, Secret};
/// use sessctl_cookie::strength::weaknesses;
///
/// let secret = new_secret(32)?;
/// assert_eq!(secret.len(), 43);
/// assert!(secret.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
/// assert!(weaknesses(&Secret::new(secret)).is_empty());
/// # Ok::<(), sessctl_cookie::secret::RandomUnavailable>(())
/// ```
pub fn new_secret(bytes: usize) -> Result<String, RandomUnavailable> {
    use base64::Engine;
    let mut buf = vec![0u8; bytes];
    getrandom::fill(&mut buf).map_err(|e| RandomUnavailable(e.to_string()))?;
    Ok(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&buf))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_json_object_of_integer_versions_is_a_key_ring() {
        let ring = KeyRing::parse(br#"{"0": "old", "1": "new"}"#).unwrap();
        assert_eq!(ring.get(0).unwrap().expose(), b"old");
        assert_eq!(ring.get(1).unwrap().expose(), b"new");
        assert!(ring.get(2).is_none());
        assert_eq!(ring.signing_key(None).unwrap().0, 1);
        assert_eq!(ring.signing_key(Some(0)).unwrap().1.expose(), b"old");
        assert!(matches!(ring.signing_key(Some(7)), Err(SecretError::MissingVersion(7, _))));
    }

    #[test]
    fn other_text_is_one_secret_byte_for_byte() {
        for text in [&b"plain"[..], b"[1]", b"\xff\xfe", b" spaced ", b"a{\"0\":1}"] {
            let ring = KeyRing::parse(text).unwrap();
            assert_eq!(ring, KeyRing::Single(Secret::new(text)));
            assert_eq!(ring.get(42).unwrap().expose(), text);
        }
        let text = b"{\"a\": \"b\"}";
        assert_eq!(KeyRing::parse_as(text, SecretFormat::Text).unwrap(), KeyRing::Single(Secret::new(&text[..])));
    }

    #[test]
    fn a_broken_ring_is_an_error_that_never_quotes_the_secret() {
        for text in [
            &br#"{"0":"a","1":}"#[..],
            br#"{"a": "b"}"#,
            br#" {"0": 123456789}"#,
            br#"{"0": "x", "0": "y"}"#,
            br#"{"0": "hunter2""#,
            b"{hunter2",
        ] {
            let err = KeyRing::parse(text).unwrap_err();
            assert!(matches!(err, SecretError::NotARing { .. }), "{err:?}");
            let msg = err.to_string();
            for secret_part in ["hunter2", "123456789", "\"x\"", "\"y\""] {
                assert!(!msg.contains(secret_part), "{msg}");
            }
        }
        assert!(KeyRing::parse_as(b"plain", SecretFormat::Ring).is_err());
    }

    #[test]
    fn empty_secrets_and_rings_are_refused() {
        assert_eq!(KeyRing::parse(b""), Err(SecretError::Empty));
        assert_eq!(KeyRing::parse(b"{}"), Err(SecretError::EmptyRing));
    }

    #[test]
    fn the_secret_never_prints() {
        let s = Secret::new("hunter2");
        assert!(!format!("{s:?} {s}").contains("hunter2"));
        let ring = KeyRing::parse(br#"{"0": "hunter2"}"#).unwrap();
        assert!(!format!("{ring:?}").contains("hunter2"));
    }
}
