//! Tornado signed values (`tornado/web.py`: `create_signed_value`, `decode_signed_value`).
//!
//! Pure: no I/O, no Redis, no printing. The verification rule: [`verify`] returns `Ok` for an
//! input if and only if Tornado's `decode_signed_value(secret, name, value, max_age_days)`
//! returns a value (not `None`, no exception) for it.

pub mod input;
#[doc(hidden)]
pub mod pyparse;
mod v1;
mod v2;

use crate::secret::KeyRing;
use pyparse::{b64decode, parse_int, PyInt};
use subtle::ConstantTimeEq;

/// Why Tornado would refuse a signed value. The variants are the `status` values of
/// `sessctl verify`; the text says what was wrong.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum VerifyError {
    #[error("malformed signed value: {0}")]
    Malformed(String),
    #[error("bad signature (wrong secret, or the cookie was altered)")]
    BadSignature,
    #[error("signed for cookie name {found:?}, not {expected:?}")]
    WrongName { expected: String, found: String },
    #[error("key version {0} is not in the key ring")]
    UnknownKeyVersion(String),
    #[error("signed at {timestamp}, older than max age {max_age_days} days")]
    Expired {
        timestamp: String,
        max_age_days: f64,
    },
}

impl VerifyError {
    /// The `status` word of `sessctl verify` for this failure.
    pub fn status(&self) -> &'static str {
        match self {
            VerifyError::Malformed(_) => "malformed",
            VerifyError::BadSignature => "bad_signature",
            VerifyError::WrongName { .. } => "wrong_name",
            VerifyError::UnknownKeyVersion(_) => "unknown_key_version",
            VerifyError::Expired { .. } => "expired",
        }
    }
}

/// A signed value Tornado accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    /// The payload (for sessctl: the session id), base64-decoded.
    pub value: Vec<u8>,
    /// 1 or 2.
    pub format_version: u8,
    /// The key version field of a v2 value (`None` for v1).
    pub key_version: Option<i64>,
    /// Seconds since the epoch; `None` when the number does not fit an `i64`.
    pub timestamp: Option<i64>,
}

/// The fields of a signed value read without any secret (`sessctl decode`). Nothing here is
/// verified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    pub format_version: u8,
    pub key_version: Option<i64>,
    pub timestamp: Option<i64>,
    pub name: Option<Vec<u8>>,
    /// base64-decoded payload, `None` when it is not valid base64 as Python decodes it.
    pub value: Option<Vec<u8>>,
    pub signature: Vec<u8>,
}

/// The format version Tornado's `_get_version` reads from a value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormatVersion {
    V1,
    V2,
    /// 3..=999: a version Tornado does not know (it returns `None`).
    Unsupported(u16),
}

/// Tornado's `_get_version`: `re.match(rb"^([1-9][0-9]*)\|(.*)$", value)`, without DOTALL, so
/// the match fails (and the value is v1) when a newline appears anywhere but as the very last
/// byte; numbers above 999 are v1 too.
pub fn format_version(value: &[u8]) -> FormatVersion {
    let digits = value.iter().take_while(|b| b.is_ascii_digit()).count();
    if digits == 0 || value[0] == b'0' || value.get(digits) != Some(&b'|') {
        return FormatVersion::V1;
    }
    let tail = &value[digits + 1..];
    let tail = tail.strip_suffix(b"\n").unwrap_or(tail);
    if tail.contains(&b'\n') {
        return FormatVersion::V1;
    }
    if digits > 3 {
        return FormatVersion::V1;
    }
    let n = value[..digits]
        .iter()
        .fold(0u16, |n, &d| n * 10 + u16::from(d - b'0'));
    match n {
        1 => FormatVersion::V1,
        2 => FormatVersion::V2,
        n => FormatVersion::Unsupported(n),
    }
}

/// Lowercase hex, as Python's `hexdigest()`.
#[inline]
pub(crate) fn hex_lower(bytes: &[u8], out: &mut [u8]) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    for (i, &b) in bytes.iter().enumerate() {
        out[2 * i] = HEX[usize::from(b >> 4)];
        out[2 * i + 1] = HEX[usize::from(b & 15)];
    }
}

/// `hmac.compare_digest`: constant time for equal lengths.
#[inline]
fn digest_eq(passed: &[u8], expected: &[u8]) -> bool {
    passed.len() == expected.len() && bool::from(passed.ct_eq(expected))
}

/// Shortens attacker-controlled text before it goes into an error message.
fn shown(bytes: &[u8]) -> String {
    const MAX: usize = 64;
    if bytes.len() <= MAX {
        String::from_utf8_lossy(bytes).into_owned()
    } else {
        format!(
            "{}… ({} bytes)",
            String::from_utf8_lossy(&bytes[..MAX]),
            bytes.len()
        )
    }
}

enum Keys {
    Single {
        /// HMAC-SHA1 keyed with the secret, the cookie name already absorbed.
        v1: v1::HmacSha1,
        v2: v2::HmacSha256,
    },
    Ring(Vec<(i64, v2::HmacSha256)>),
}

/// Verifies many cookies against one secret (or key ring), cookie name and max age. The HMAC
/// key schedules are computed once here, so each [`Verifier::verify`] costs one HMAC over the
/// cookie and no heap allocation besides the decoded payload.
pub struct Verifier {
    name: Vec<u8>,
    max_age_days: f64,
    keys: Keys,
}

impl std::fmt::Debug for Verifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Verifier")
            .field("name", &String::from_utf8_lossy(&self.name))
            .field("max_age_days", &self.max_age_days)
            .field("secret", &"(redacted)")
            .finish()
    }
}

impl Verifier {
    pub fn new(secret: &KeyRing, name: &str, max_age_days: f64) -> Verifier {
        let keys = match secret {
            KeyRing::Single(s) => Keys::Single {
                v1: v1::keyed_with_name(s.expose(), name.as_bytes()),
                v2: v2::keyed(s.expose()),
            },
            KeyRing::Versions(map) => Keys::Ring(
                map.iter()
                    .map(|(v, s)| (*v, v2::keyed(s.expose())))
                    .collect(),
            ),
        };
        Verifier {
            name: name.as_bytes().to_vec(),
            max_age_days,
            keys,
        }
    }

    /// `decode_signed_value(secret, name, cookie, max_age_days, clock=lambda: now)`.
    pub fn verify(&self, cookie: &[u8], now: f64) -> Result<Verified, VerifyError> {
        if cookie.is_empty() {
            return Err(VerifyError::Malformed("the value is empty".into()));
        }
        match format_version(cookie) {
            FormatVersion::V1 => self.verify_v1(cookie, now),
            FormatVersion::V2 => self.verify_v2(cookie, now),
            FormatVersion::Unsupported(n) => Err(VerifyError::Malformed(format!(
                "format version {n} is not supported (Tornado reads versions 1 and 2)"
            ))),
        }
    }

    fn expired(&self, timestamp: &PyInt, now: f64) -> Result<(), VerifyError> {
        if timestamp.lt_f64(now - self.max_age_days * 86400.0) {
            return Err(VerifyError::Expired {
                timestamp: timestamp.to_string(),
                max_age_days: self.max_age_days,
            });
        }
        Ok(())
    }

    fn verify_v2(&self, cookie: &[u8], now: f64) -> Result<Verified, VerifyError> {
        let fields = v2::parse(cookie)
            .map_err(|why| VerifyError::Malformed(format!("not a valid v2 value: {why}")))?;
        let keyed = match &self.keys {
            Keys::Single { v2, .. } => v2,
            Keys::Ring(ring) => {
                let wanted = fields.key_version.to_i64();
                ring.iter()
                    .find(|(v, _)| Some(*v) == wanted)
                    .map(|(_, k)| k)
                    .ok_or_else(|| VerifyError::UnknownKeyVersion(fields.key_version.to_string()))?
            }
        };
        let expected = v2::signature_hex(keyed, fields.signed);
        if !digest_eq(fields.signature, &expected) {
            return Err(VerifyError::BadSignature);
        }
        if fields.name != self.name.as_slice() {
            return Err(VerifyError::WrongName {
                expected: String::from_utf8_lossy(&self.name).into_owned(),
                found: shown(fields.name),
            });
        }
        let timestamp = parse_int(fields.timestamp).ok_or_else(|| {
            VerifyError::Malformed(format!(
                "the timestamp {:?} is not an integer",
                shown(fields.timestamp)
            ))
        })?;
        self.expired(&timestamp, now)?;
        let value = b64decode(fields.value)
            .map_err(|e| VerifyError::Malformed(format!("the payload is {e}")))?;
        Ok(Verified {
            value,
            format_version: 2,
            key_version: fields.key_version.to_i64(),
            timestamp: timestamp.to_i64(),
        })
    }

    fn verify_v1(&self, cookie: &[u8], now: f64) -> Result<Verified, VerifyError> {
        let keyed = match &self.keys {
            Keys::Single { v1, .. } => v1,
            Keys::Ring(_) => {
                return Err(VerifyError::Malformed(
                    "v1 values cannot be checked against a key ring (Tornado raises \
                     AssertionError); this is not a v2 value"
                        .into(),
                ))
            }
        };
        let (value_part, timestamp_part, signature) = v1::split(cookie).ok_or_else(|| {
            VerifyError::Malformed(
                "not a v2 value, and not a v1 value (<base64>|<timestamp>|<signature>)".into(),
            )
        })?;
        let expected = v1::signature_hex(keyed, value_part, timestamp_part);
        if !digest_eq(signature, &expected) {
            return Err(VerifyError::BadSignature);
        }
        let timestamp = parse_int(timestamp_part).ok_or_else(|| {
            VerifyError::Malformed(format!(
                "the timestamp {:?} is not an integer",
                shown(timestamp_part)
            ))
        })?;
        self.expired(&timestamp, now)?;
        if timestamp.gt_f64(now + 31.0 * 86400.0) {
            return Err(VerifyError::Malformed(format!(
                "the v1 timestamp {timestamp} is more than 31 days in the future (Tornado \
                 treats this as tampering)"
            )));
        }
        if timestamp_part.starts_with(b"0") {
            return Err(VerifyError::Malformed(
                "the v1 timestamp has a leading zero (Tornado treats this as tampering)".into(),
            ));
        }
        let value = b64decode(value_part)
            .map_err(|e| VerifyError::Malformed(format!("the payload is {e}")))?;
        Ok(Verified {
            value,
            format_version: 1,
            key_version: None,
            timestamp: timestamp.to_i64(),
        })
    }
}

/// Verifies `cookie` as Tornado's `decode_signed_value(secret, name, cookie, max_age_days)`
/// would at time `now` (seconds since the epoch, fractional). For many cookies, build one
/// [`Verifier`] instead.
pub fn verify(
    secret: &KeyRing,
    name: &str,
    cookie: &[u8],
    max_age_days: f64,
    now: f64,
) -> Result<Verified, VerifyError> {
    Verifier::new(secret, name, max_age_days).verify(cookie, now)
}

/// Reads the fields of a signed value without checking anything.
pub fn decode(cookie: &[u8]) -> Result<Decoded, VerifyError> {
    if cookie.is_empty() {
        return Err(VerifyError::Malformed("the value is empty".into()));
    }
    match format_version(cookie) {
        FormatVersion::V2 => {
            let fields = v2::parse(cookie)
                .map_err(|why| VerifyError::Malformed(format!("not a valid v2 value: {why}")))?;
            Ok(Decoded {
                format_version: 2,
                key_version: fields.key_version.to_i64(),
                timestamp: parse_int(fields.timestamp).and_then(|t| t.to_i64()),
                name: Some(fields.name.to_vec()),
                value: b64decode(fields.value).ok(),
                signature: fields.signature.to_vec(),
            })
        }
        FormatVersion::V1 => {
            let (value, timestamp, signature) = v1::split(cookie).ok_or_else(|| {
                VerifyError::Malformed(
                    "not a v2 value, and not a v1 value (<base64>|<timestamp>|<signature>)".into(),
                )
            })?;
            Ok(Decoded {
                format_version: 1,
                key_version: None,
                timestamp: parse_int(timestamp).and_then(|t| t.to_i64()),
                name: None,
                value: b64decode(value).ok(),
                signature: signature.to_vec(),
            })
        }
        FormatVersion::Unsupported(n) => Err(VerifyError::Malformed(format!(
            "format version {n} is not supported (Tornado reads versions 1 and 2)"
        ))),
    }
}

/// `create_signed_value(secret, name, value, version=2, key_version=key_version)` at `timestamp`.
///
/// As in Tornado, the name's length prefix counts characters, so a non-ASCII name makes a
/// value that cannot be verified (by Tornado or by sessctl).
pub fn sign_v2(
    secret: &[u8],
    key_version: i64,
    name: &str,
    value: &[u8],
    timestamp: i64,
) -> String {
    v2::sign(secret, key_version, name, value, timestamp)
}

/// `create_signed_value(secret, name, value, version=1)` at `timestamp`.
pub fn sign_v1(secret: &[u8], name: &str, value: &[u8], timestamp: i64) -> String {
    v1::sign(secret, name, value, timestamp)
}
