//! Tornado signed values (`tornado/web.py`: `create_signed_value`, `decode_signed_value`).
//!
//! Pure: no I/O, no Redis, no printing. The verification rule: [`verify`] returns `Ok` for an
//! input if and only if Tornado's `decode_signed_value(secret, name, value, max_age_days)`
//! returns a value (not `None`, no exception) for it.

pub mod input;
mod pyparse;
mod v1;
mod v2;

use crate::secret::KeyRing;

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
    Expired { timestamp: String, max_age_days: f64 },
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

/// Verifies `cookie` as Tornado's `decode_signed_value(secret, name, cookie, max_age_days)`
/// would at time `now` (seconds since the epoch, fractional).
pub fn verify(
    secret: &KeyRing,
    name: &str,
    cookie: &[u8],
    max_age_days: f64,
    now: f64,
) -> Result<Verified, VerifyError> {
    let _ = (secret, name, cookie, max_age_days, now);
    todo!("cookie core")
}

/// Reads the fields of a signed value without checking anything.
pub fn decode(cookie: &[u8]) -> Result<Decoded, VerifyError> {
    let _ = cookie;
    todo!("cookie core")
}

/// `create_signed_value(secret, name, value, version=2, key_version=key_version)` at `timestamp`.
pub fn sign_v2(secret: &[u8], key_version: i64, name: &str, value: &[u8], timestamp: i64) -> String {
    let _ = (secret, key_version, name, value, timestamp);
    todo!("cookie core")
}

/// `create_signed_value(secret, name, value, version=1)` at `timestamp`.
pub fn sign_v1(secret: &[u8], name: &str, value: &[u8], timestamp: i64) -> String {
    let _ = (secret, name, value, timestamp);
    todo!("cookie core")
}
