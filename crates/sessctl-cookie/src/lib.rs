//! Tornado signed values, exactly as Tornado reads and writes them (`tornado/web.py`:
//! `create_signed_value`, `decode_signed_value`): the cookies of apps that use
//! tornado-auth-sessions.
//!
//! Pure: no I/O, no Redis, no printing, nothing made for the command line. The verification
//! rule: [`verify`] returns `Ok` for an input if and only if Tornado's
//! `decode_signed_value(secret, name, value, max_age_days)` returns a value (not `None`, no
//! exception) for it.
//!
//! The main pieces:
//! - [`sign_v2`] and [`sign_v1`] make a signed value (`create_signed_value`);
//! - [`verify`] checks one value, a [`Verifier`] many (the HMAC keys are prepared once); a
//!   value Tornado accepts comes back [`Verified`], any other with the [`VerifyError`] saying
//!   why Tornado would refuse it;
//! - [`decode`] reads a value's fields without any secret ([`Decoded`]);
//! - [`secret`]: the secret ([`secret::Secret`], never printed) and Tornado's `cookie_secret`
//!   setting, one secret or a ring of key versions ([`secret::KeyRing`], read from text by
//!   [`secret::KeyRing::parse`]); [`secret::new_secret`] makes a random one;
//! - [`strength`]: whether a secret is strong enough ([`strength::weaknesses`]);
//! - [`input`]: picks the signed value out of what an operator pastes (a `Cookie:` header, a
//!   `name=value` pair…).
//!
//! ```
//! use sessctl_cookie::secret::KeyRing;
//! use sessctl_cookie::{sign_v2, verify, VerifyError};
//!
//! // A key ring, as Tornado's dict `cookie_secret` (versions to secrets).
//! let ring = KeyRing::parse(br#"{"1": "an-old-secret-of-32-bytes-or-more!!", "2": "the-current-secret-of-32-bytes-or-more"}"#)?;
//! let (version, secret) = ring.signing_key(None)?; // the highest version: 2
//! let now = 1_700_000_000;
//! let cookie = sign_v2(secret.expose(), version, "session", b"the-session-id", now);
//! assert!(cookie.starts_with("2|1:2|10:1700000000|7:session|"));
//!
//! let verified = verify(&ring, "session", cookie.as_bytes(), 31.0, now as f64).unwrap();
//! assert_eq!(verified.value, b"the-session-id");
//! assert_eq!(verified.key_version, Some(2));
//!
//! // Another cookie name, or 32 days later: Tornado would refuse it.
//! let wrong = verify(&ring, "other", cookie.as_bytes(), 31.0, now as f64).unwrap_err();
//! assert!(matches!(wrong, VerifyError::WrongName { .. }));
//! let late = verify(&ring, "session", cookie.as_bytes(), 31.0, (now + 32 * 86400) as f64);
//! assert_eq!(late.unwrap_err().status(), "expired");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! `examples/sign_verify.rs` signs a session cookie with a key ring and verifies it (`cargo run
//! -p sessctl-cookie --example sign_verify`).

pub mod input;
#[doc(hidden)]
pub mod pyparse;
pub mod secret;
pub mod strength;
mod v1;
mod v2;

use crate::secret::KeyRing;
use pyparse::{b64decode, parse_int, PyInt};
use subtle::ConstantTimeEq;

/// Why Tornado would refuse a signed value. The variants are the `status` values of
/// `sessctl verify`; the text says what was wrong.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
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
    /// The key version field of a v2 value (`None` for v1, and when it does not fit an `i64`).
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
    let n = value[..digits].iter().fold(0u16, |n, &d| n * 10 + u16::from(d - b'0'));
    match n {
        1 => FormatVersion::V1,
        2 => FormatVersion::V2,
        n => FormatVersion::Unsupported(n),
    }
}

/// `hmac.compare_digest`: constant time for equal lengths (`subtle` looks at every byte, with
/// no early exit); different lengths are unequal at once, as in Python.
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
        format!("{}… ({} bytes)", String::from_utf8_lossy(&bytes[..MAX]), bytes.len())
    }
}

// One Keys lives in a Verifier; boxing the bigger variant would only add a pointer chase.
#[allow(clippy::large_enum_variant)]
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
///
/// ```
/// use sessctl_cookie::secret::KeyRing;
/// use sessctl_cookie::{sign_v2, Verifier};
///
/// let secret = KeyRing::parse(b"a-secret-of-at-least-32-random-bytes")?;
/// let verifier = Verifier::new(&secret, "session", 31.0);
/// let now = 1_700_000_000;
/// for id in [&b"first"[..], b"second"] {
///     let cookie = sign_v2(b"a-secret-of-at-least-32-random-bytes", 0, "session", id, now);
///     assert_eq!(verifier.verify(cookie.as_bytes(), now as f64)?.value, id);
/// }
/// assert_eq!(verifier.verify(b"2|1:0|10:1700000000|7:session|4:Zm9v|00", now as f64).unwrap_err().status(), "bad_signature");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
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
            KeyRing::Single(s) => {
                Keys::Single { v1: v1::keyed_with_name(s.expose(), name.as_bytes()), v2: v2::keyed(s.expose()) }
            }
            KeyRing::Versions(map) => Keys::Ring(map.iter().map(|(v, s)| (*v, v2::keyed(s.expose()))).collect()),
        };
        Verifier { name: name.as_bytes().to_vec(), max_age_days, keys }
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
            return Err(VerifyError::Expired { timestamp: timestamp.to_string(), max_age_days: self.max_age_days });
        }
        Ok(())
    }

    fn verify_v2(&self, cookie: &[u8], now: f64) -> Result<Verified, VerifyError> {
        let fields = v2::parse(cookie).map_err(|why| VerifyError::Malformed(format!("not a valid v2 value: {why}")))?;
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
            VerifyError::Malformed(format!("the timestamp {:?} is not an integer", shown(fields.timestamp)))
        })?;
        self.expired(&timestamp, now)?;
        let value = b64decode(fields.value).map_err(|e| VerifyError::Malformed(format!("the payload is {e}")))?;
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
            VerifyError::Malformed("not a v2 value, and not a v1 value (<base64>|<timestamp>|<signature>)".into())
        })?;
        let expected = v1::signature_hex(keyed, value_part, timestamp_part);
        if !digest_eq(signature, &expected) {
            return Err(VerifyError::BadSignature);
        }
        let timestamp = parse_int(timestamp_part).ok_or_else(|| {
            VerifyError::Malformed(format!("the timestamp {:?} is not an integer", shown(timestamp_part)))
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
        let value = b64decode(value_part).map_err(|e| VerifyError::Malformed(format!("the payload is {e}")))?;
        Ok(Verified { value, format_version: 1, key_version: None, timestamp: timestamp.to_i64() })
    }
}

/// Verifies `cookie` as Tornado's `decode_signed_value(secret, name, cookie, max_age_days)`
/// would at time `now` (seconds since the epoch, fractional). For many cookies, build one
/// [`Verifier`] instead.
///
/// ```
/// use sessctl_cookie::secret::KeyRing;
/// use sessctl_cookie::{sign_v1, verify, VerifyError};
///
/// let secret = KeyRing::parse(b"a-secret-of-at-least-32-random-bytes")?;
/// let cookie = sign_v1(b"a-secret-of-at-least-32-random-bytes", "session", b"the-session-id", 1_700_000_000);
/// let verified = verify(&secret, "session", cookie.as_bytes(), 31.0, 1_700_000_100.0)?;
/// assert_eq!((verified.value.as_slice(), verified.format_version), (&b"the-session-id"[..], 1));
///
/// let other = KeyRing::parse(b"another-secret-of-32-random-bytes!!")?;
/// let refused = verify(&other, "session", cookie.as_bytes(), 31.0, 1_700_000_100.0).unwrap_err();
/// assert_eq!(refused, VerifyError::BadSignature);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
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
///
/// ```
/// let cookie = sessctl_cookie::sign_v2(b"any secret", 3, "session", b"the-session-id", 1_700_000_000);
/// let fields = sessctl_cookie::decode(cookie.as_bytes())?;
/// assert_eq!(fields.format_version, 2);
/// assert_eq!(fields.key_version, Some(3));
/// assert_eq!(fields.timestamp, Some(1_700_000_000));
/// assert_eq!(fields.name.as_deref(), Some(&b"session"[..]));
/// assert_eq!(fields.value.as_deref(), Some(&b"the-session-id"[..]));
/// assert_eq!(fields.signature.len(), 64); // hex HMAC-SHA256, unchecked
/// # Ok::<(), sessctl_cookie::VerifyError>(())
/// ```
pub fn decode(cookie: &[u8]) -> Result<Decoded, VerifyError> {
    if cookie.is_empty() {
        return Err(VerifyError::Malformed("the value is empty".into()));
    }
    match format_version(cookie) {
        FormatVersion::V2 => {
            let fields =
                v2::parse(cookie).map_err(|why| VerifyError::Malformed(format!("not a valid v2 value: {why}")))?;
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
                VerifyError::Malformed("not a v2 value, and not a v1 value (<base64>|<timestamp>|<signature>)".into())
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
        FormatVersion::Unsupported(n) => {
            Err(VerifyError::Malformed(format!("format version {n} is not supported (Tornado reads versions 1 and 2)")))
        }
    }
}

/// `create_signed_value(secret, name, value, version=2, key_version=key_version)` at `timestamp`.
///
/// As in Tornado, the name's length prefix counts characters, so a non-ASCII name makes a
/// value that cannot be verified (by Tornado or by sessctl).
///
/// ```
/// let cookie = sessctl_cookie::sign_v2(b"a-secret-of-at-least-32-random-bytes", 1, "session", b"the-session-id", 1_700_000_000);
/// // version|key version|timestamp|name|base64 value|HMAC-SHA256 in hex, each field length-prefixed
/// assert!(cookie.starts_with("2|1:1|10:1700000000|7:session|20:dGhlLXNlc3Npb24taWQ=|"));
/// assert_eq!(cookie.rsplit('|').next().unwrap().len(), 64);
/// ```
pub fn sign_v2(secret: &[u8], key_version: i64, name: &str, value: &[u8], timestamp: i64) -> String {
    v2::sign(secret, key_version, name, value, timestamp)
}

/// `create_signed_value(secret, name, value, version=1)` at `timestamp`.
///
/// ```
/// let cookie = sessctl_cookie::sign_v1(b"a-secret-of-at-least-32-random-bytes", "session", b"the-session-id", 1_700_000_000);
/// // base64 value|timestamp|HMAC-SHA1 in hex (of the name, the value and the timestamp)
/// assert!(cookie.starts_with("dGhlLXNlc3Npb24taWQ=|1700000000|"));
/// assert_eq!(cookie.rsplit('|').next().unwrap().len(), 40);
/// ```
pub fn sign_v1(secret: &[u8], name: &str, value: &[u8], timestamp: i64) -> String {
    v1::sign(secret, name, value, timestamp)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secret::Secret;

    const NOW: f64 = 1_700_000_000.25;
    const TS: i64 = 1_700_000_000;

    fn single(s: &str) -> KeyRing {
        KeyRing::Single(Secret::new(s))
    }

    fn ring() -> KeyRing {
        KeyRing::parse(br#"{"0": "old", "1": "new"}"#).unwrap()
    }

    /// A v2 value from a hand-written body, with the right signature appended.
    fn hand_signed(secret: &str, body: &str) -> Vec<u8> {
        let mut out = body.as_bytes().to_vec();
        out.extend_from_slice(&v2::signature_hex(&v2::keyed(secret.as_bytes()), body.as_bytes()));
        out
    }

    fn ok(secret: &KeyRing, cookie: &[u8]) -> Vec<u8> {
        verify(secret, "session_id", cookie, 31.0, NOW)
            .unwrap_or_else(|e| panic!("{e} for {}", String::from_utf8_lossy(cookie)))
            .value
    }

    fn status(secret: &KeyRing, cookie: &[u8]) -> &'static str {
        match verify(secret, "session_id", cookie, 31.0, NOW) {
            Ok(_) => "valid",
            Err(e) => e.status(),
        }
    }

    #[test]
    fn signs_exactly_as_tornado() {
        // create_signed_value("k", "s\u00ebss", b"v", clock=lambda: 1700000000) in Tornado 6.6
        assert_eq!(
            sign_v2(b"k", 0, "s\u{eb}ss", b"v", TS),
            "2|1:0|10:1700000000|4:s\u{eb}ss|4:dg==|b6bf6bc7ba585d1bd14a34df7bb5a98a6258e516cb2f649e3ddc68f5a0ec5864"
        );
        assert_eq!(
            sign_v2(b"k", 3, "s", b"v", TS),
            "2|1:3|10:1700000000|1:s|4:dg==|a31025301a024c41f8040e1bbdb2e51d8304dad420d61797aeb8c3c6bf3ce633"
        );
        assert_eq!(sign_v1(b"k", "s", b"v", -5), "dg==|-5|7216c2445a2c5896cee69a140fe83caa0aa76d65");
    }

    #[test]
    fn what_is_signed_verifies() {
        let s = single("secret");
        let v2 = sign_v2(b"secret", 0, "session_id", b"abc", TS);
        let got = verify(&s, "session_id", v2.as_bytes(), 31.0, NOW).unwrap();
        assert_eq!(
            got,
            Verified { value: b"abc".to_vec(), format_version: 2, key_version: Some(0), timestamp: Some(TS) }
        );
        let v1 = sign_v1(b"secret", "session_id", b"abc", TS);
        let got = verify(&s, "session_id", v1.as_bytes(), 31.0, NOW).unwrap();
        assert_eq!((got.format_version, got.key_version), (1, None));
        let r = sign_v2(b"old", 0, "session_id", b"", TS);
        assert_eq!(ok(&ring(), r.as_bytes()), b"", "an empty payload is a value");
    }

    #[test]
    fn every_error_kind_is_produced() {
        let s = single("secret");
        let good = sign_v2(b"secret", 0, "session_id", b"abc", TS);
        assert_eq!(status(&s, b""), "malformed");
        assert_eq!(status(&s, b"2|junk"), "malformed");
        assert_eq!(status(&s, b"3|1:0|whatever"), "malformed");
        let by_old = sign_v2(b"old", 0, "session_id", b"abc", TS);
        assert_eq!(status(&ring(), by_old.as_bytes()), "valid");
        let v1 = sign_v1(b"old", "session_id", b"abc", TS);
        let e = verify(&ring(), "session_id", v1.as_bytes(), 31.0, NOW).unwrap_err();
        assert!(matches!(&e, VerifyError::Malformed(m) if m.contains("key ring")), "{e}");
        let kv9 = sign_v2(b"secret", 9, "session_id", b"abc", TS);
        assert_eq!(
            verify(&ring(), "session_id", kv9.as_bytes(), 31.0, NOW),
            Err(VerifyError::UnknownKeyVersion("9".into()))
        );
        assert_eq!(status(&single("other"), good.as_bytes()), "bad_signature");
        assert_eq!(
            verify(&s, "sid", good.as_bytes(), 31.0, NOW),
            Err(VerifyError::WrongName { expected: "sid".into(), found: "session_id".into() })
        );
        let old = sign_v2(b"secret", 0, "session_id", b"abc", TS - 1000);
        assert!(matches!(verify(&s, "session_id", old.as_bytes(), 0.001, NOW), Err(VerifyError::Expired { .. })));
        let body = "2|1:0|3:abc|10:session_id|4:QUJD|";
        assert_eq!(status(&s, &hand_signed("secret", body)), "malformed", "timestamp");
        let body = "2|1:0|10:1700000000|10:session_id|2:QQ|";
        assert_eq!(status(&s, &hand_signed("secret", body)), "malformed", "base64");
        let future = sign_v1(b"secret", "session_id", b"abc", TS + 32 * 86400);
        assert_eq!(status(&s, future.as_bytes()), "malformed");
        let mac = v1::signature_hex(&v1::keyed_with_name(b"secret", b"session_id"), b"QUJD", b"01700000000");
        let leading_zero = [&b"QUJD|01700000000|"[..], &mac].concat();
        assert_eq!(status(&s, &leading_zero), "malformed");
    }

    #[test]
    fn errors_follow_tornados_check_order() {
        // unknown key version is reported before the (also bad) signature
        let kv9 = sign_v2(b"nope", 9, "other", b"abc", 0);
        assert_eq!(status(&ring(), kv9.as_bytes()), "unknown_key_version");
        // the signature before the name, the name before the age
        assert_eq!(status(&single("x"), kv9.as_bytes()), "bad_signature");
        assert_eq!(status(&single("nope"), kv9.as_bytes()), "wrong_name");
        let body = "2|1:0|1:x|10:session_id|2:QQ|";
        assert_eq!(status(&single("s"), &hand_signed("s", body)), "malformed");
        let body = "2|1:0|1:5|10:session_id|2:QQ|";
        assert_eq!(status(&single("s"), &hand_signed("s", body)), "expired");
    }

    #[test]
    fn version_detection_follows_the_regex() {
        use FormatVersion::*;
        assert_eq!(format_version(b"2|x"), V2);
        assert_eq!(format_version(b"2|x\n"), V2, "$ matches before a final newline");
        assert_eq!(format_version(b"2|x\n\n"), V1);
        assert_eq!(format_version(b"2|x\ny"), V1, ". does not match a newline");
        assert_eq!(format_version(b"2|"), V2);
        assert_eq!(format_version(b"02|x"), V1);
        assert_eq!(format_version(b"1|x"), V1);
        assert_eq!(format_version(b"3|x"), Unsupported(3));
        assert_eq!(format_version(b"999|x"), Unsupported(999));
        assert_eq!(format_version(b"1000|x"), V1);
        assert_eq!(format_version(b"2"), V1);
        assert_eq!(format_version(b"2x|"), V1);
    }

    #[test]
    fn odd_but_valid_fields_verify_as_in_tornado() {
        let s = single("s");
        // +, leading zeros, whitespace and underscores in numbers
        let body = "2|+2: 0|0013:1_700_000_000|10:session_id|\t4 :QUJD|";
        assert_eq!(ok(&s, &hand_signed("s", body)), b"ABC");
        // a negative length counts from the end of the rest: -65 selects "QUJD" here
        let body = "2|1:0|10:1700000000|10:session_id|-65:QUJD|";
        assert_eq!(ok(&s, &hand_signed("s", body)), b"ABC");
        // a key version beyond i64 is parsed and ignored with a single secret
        let body = "2|30:123456789012345678901234567890|10:1700000000|10:session_id|4:QUJD|";
        let got = verify(&s, "session_id", &hand_signed("s", body), 31.0, NOW).unwrap();
        assert_eq!(got.key_version, None);
        // a timestamp beyond i64 never expires (v2 has no future check)
        let body = "2|1:0|30:999999999999999999999999999999|10:session_id|4:QUJD|";
        let got = verify(&s, "session_id", &hand_signed("s", body), 31.0, NOW).unwrap();
        assert_eq!(got.timestamp, None);
        // a length without a colon is read whole
        let body = "2|1:0|10:1700000000|10:session_id|4|";
        assert_eq!(status(&s, &hand_signed("s", body)), "malformed");
        // NaN max age never expires; -inf expires everything
        let old = sign_v2(b"s", 0, "session_id", b"", 0);
        assert!(verify(&s, "session_id", old.as_bytes(), f64::NAN, NOW).is_ok());
        assert!(verify(&s, "session_id", old.as_bytes(), f64::INFINITY, NOW).is_ok());
        assert!(verify(&s, "session_id", old.as_bytes(), f64::NEG_INFINITY, NOW).is_err());
        // uppercase hex is not Tornado's hexdigest
        let upper = sign_v2(b"s", 0, "session_id", b"", TS).to_uppercase();
        assert_eq!(status(&s, upper.as_bytes()), "bad_signature");
        let mut upper_sig = sign_v2(b"s", 0, "session_id", b"", TS).into_bytes();
        let n = upper_sig.len();
        upper_sig[n - 64..].make_ascii_uppercase();
        assert_eq!(status(&s, &upper_sig), "bad_signature");
        // v1: " 0..." passes the leading-zero check (raw text), as in Tornado
        let mac = v1::signature_hex(&v1::keyed_with_name(b"s", b"session_id"), b"QUJD", b" 01700000000");
        let spaced = [&b"QUJD| 01700000000|"[..], &mac].concat();
        assert_eq!(ok(&s, &spaced), b"ABC");
    }

    #[test]
    fn decode_reads_fields_without_a_secret() {
        let v2 = sign_v2(b"s", 4, "session_id", b"abc", TS);
        let d = decode(v2.as_bytes()).unwrap();
        assert_eq!(d.format_version, 2);
        assert_eq!(d.key_version, Some(4));
        assert_eq!(d.timestamp, Some(TS));
        assert_eq!(d.name.as_deref(), Some(&b"session_id"[..]));
        assert_eq!(d.value.as_deref(), Some(&b"abc"[..]));
        assert_eq!(d.signature.len(), 64);
        let v1 = sign_v1(b"s", "session_id", b"abc", TS);
        let d = decode(v1.as_bytes()).unwrap();
        assert_eq!((d.format_version, d.key_version, d.name), (1, None, None));
        assert_eq!(d.timestamp, Some(TS));
        assert_eq!(d.signature.len(), 40);
        assert!(decode(b"").is_err());
        assert!(decode(b"2|nonsense").is_err());
        assert!(decode(b"7|x").is_err());
        assert!(decode(b"a|b").is_err());
        let d = decode(b"Q|x|sig").unwrap();
        assert_eq!((d.timestamp, d.value), (None, None));
    }
}
