//! Format version 1 (legacy): `<base64 value>|<timestamp>|<hex HMAC-SHA1(name + value +
//! timestamp)>`, read as Tornado's `_decode_signed_value_v1` reads it.

use base64::Engine as _;
use hmac::{Hmac, KeyInit, Mac};
use sha1::Sha1;

pub(crate) type HmacSha1 = Hmac<Sha1>;

/// `value.split(b"|")` when it gives exactly three parts.
#[inline]
pub(crate) fn split(value: &[u8]) -> Option<(&[u8], &[u8], &[u8])> {
    let first = memchr::memchr(b'|', value)?;
    let rest = &value[first + 1..];
    let second = memchr::memchr(b'|', rest)?;
    let sig = &rest[second + 1..];
    if memchr::memchr(b'|', sig).is_some() {
        return None;
    }
    Some((&value[..first], &rest[..second], sig))
}

/// An HMAC-SHA1 state keyed with `secret` that has already absorbed `name` (the first part of
/// every v1 signature).
pub(crate) fn keyed_with_name(secret: &[u8], name: &[u8]) -> HmacSha1 {
    let mut mac = <HmacSha1 as KeyInit>::new_from_slice(secret).expect("HMAC takes keys of any length");
    mac.update(name);
    mac
}

/// Lowercase hex of the v1 signature over `value_part + timestamp_part`.
#[inline]
pub(crate) fn signature_hex(keyed: &HmacSha1, value_part: &[u8], timestamp: &[u8]) -> [u8; 40] {
    let mut mac = keyed.clone();
    mac.update(value_part);
    mac.update(timestamp);
    let digest = mac.finalize().into_bytes();
    let mut out = [0u8; 40];
    hex::encode_to_slice(digest, &mut out).expect("the output holds two hex digits per byte");
    out
}

/// `create_signed_value(secret, name, value, version=1)`.
pub(crate) fn sign(secret: &[u8], name: &str, value: &[u8], timestamp: i64) -> String {
    let encoded = base64::engine::general_purpose::STANDARD.encode(value);
    let ts = timestamp.to_string();
    let sig = signature_hex(&keyed_with_name(secret, name.as_bytes()), encoded.as_bytes(), ts.as_bytes());
    format!("{encoded}|{ts}|{}", std::str::from_utf8(&sig).expect("hex is ASCII"))
}
