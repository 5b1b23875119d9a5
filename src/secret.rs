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

/// Why a secret text could not be used.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SecretError {
    #[error("the cookie secret is empty; put the app's cookie_secret in SESSCTL_SECRET or --secret-file")]
    Empty,
    #[error("the key ring has no versions; give at least one {{\"<version>\": \"<secret>\"}} pair")]
    EmptyRing,
    #[error(
        "key version {0} is not in the key ring (it has {1}); set --key-version or SESSCTL_KEY_VERSION to one of them"
    )]
    MissingVersion(i64, String),
}

impl KeyRing {
    /// Reads a secret text. A JSON object whose keys are all integers and whose values are
    /// all strings is a key ring (Tornado's dict `cookie_secret`); any other text is one
    /// secret, byte for byte.
    pub fn parse(text: &[u8]) -> Result<KeyRing, SecretError> {
        if text.is_empty() {
            return Err(SecretError::Empty);
        }
        if let Some(ring) = parse_ring(text) {
            if ring.is_empty() {
                return Err(SecretError::EmptyRing);
            }
            return Ok(KeyRing::Versions(ring));
        }
        Ok(KeyRing::Single(Secret::new(text)))
    }

    /// True when the text looked like a JSON object but was not a key ring, so it is being
    /// used as one literal secret (worth a warning: usually a typo in the ring).
    pub fn looks_like_broken_ring(text: &[u8]) -> bool {
        let trimmed = text.trim_ascii();
        trimmed.starts_with(b"{") && trimmed.ends_with(b"}") && parse_ring(text).is_none()
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

fn parse_ring(text: &[u8]) -> Option<BTreeMap<i64, Secret>> {
    let value: serde_json::Value = serde_json::from_slice(text).ok()?;
    let object = value.as_object()?;
    let mut ring = BTreeMap::new();
    for (key, secret) in object {
        let version: i64 = key.trim().parse().ok()?;
        let secret = secret.as_str()?;
        ring.insert(version, Secret::new(secret.as_bytes()));
    }
    Some(ring)
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
        for text in [&b"plain"[..], b"{\"a\": \"b\"}", b"[1]", b"\xff\xfe", b" spaced "] {
            let ring = KeyRing::parse(text).unwrap();
            assert_eq!(ring, KeyRing::Single(Secret::new(text)));
            assert_eq!(ring.get(42).unwrap().expose(), text);
        }
        assert!(KeyRing::looks_like_broken_ring(b"{\"a\": \"b\"}"));
        assert!(!KeyRing::looks_like_broken_ring(b"{\"1\": \"b\"}"));
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
