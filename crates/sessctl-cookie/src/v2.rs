//! Format version 2: `2|<len>:<key_version>|<len>:<timestamp>|<len>:<name>|<len>:<value>|<sig>`,
//! read exactly as Tornado's `_decode_fields_v2` reads it, quirks included (lengths are
//! Python `int()`s used as Python slice bounds, so `+5`, ` 5`, `0_5` and even negative lengths
//! that count from the end are all accepted).

use super::pyparse::{parse_int, py_slice, PyInt};
use base64::Engine as _;
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

pub(crate) type HmacSha256 = Hmac<Sha256>;

/// The fields of a v2 value, borrowed from it.
#[derive(Debug)]
pub(crate) struct Fields<'a> {
    pub key_version: PyInt,
    pub timestamp: &'a [u8],
    pub name: &'a [u8],
    pub value: &'a [u8],
    pub signature: &'a [u8],
    /// `value[: -len(passed_sig)]`: what the signature covers.
    pub signed: &'a [u8],
}

/// Tornado's `_consume_field`: `length, _, rest = s.partition(b":")`, `n = int(length)`,
/// `rest[:n]` is the field and `rest[n:n+1]` must be `|`.
#[inline]
fn consume_field(s: &[u8]) -> Result<(&[u8], &[u8]), &'static str> {
    let (length, rest) = match memchr::memchr(b':', s) {
        Some(i) => (&s[..i], &s[i + 1..]),
        None => (s, &s[s.len()..]),
    };
    let n = i128::from(parse_int(length).ok_or("a field length is not an integer")?.saturating_i64());
    let field = py_slice(rest, None, Some(n));
    if py_slice(rest, Some(n), Some(n + 1)) != b"|" {
        return Err("a field is not followed by '|' where its length says");
    }
    Ok((field, py_slice(rest, Some(n + 1), None)))
}

/// `_decode_fields_v2(value)` plus the `signed_string` Tornado computes right after.
/// `value` must start with `2|` (the caller detected the version).
pub(crate) fn parse(value: &[u8]) -> Result<Fields<'_>, &'static str> {
    let rest = value.get(2..).unwrap_or(&[]);
    let (key_version, rest) = consume_field(rest)?;
    let (timestamp, rest) = consume_field(rest)?;
    let (name, rest) = consume_field(rest)?;
    let (field_value, signature) = consume_field(rest)?;
    let key_version = parse_int(key_version).ok_or("the key version is not an integer")?;
    // `signature` is a suffix of `value`; an empty one makes Python's value[:-0] empty.
    let signed = if signature.is_empty() { &value[..0] } else { &value[..value.len() - signature.len()] };
    Ok(Fields { key_version, timestamp, name, value: field_value, signature, signed })
}

/// Lowercase hex of the HMAC-SHA256 of `signed` under an already keyed state.
#[inline]
pub(crate) fn signature_hex(keyed: &HmacSha256, signed: &[u8]) -> [u8; 64] {
    let mut mac = keyed.clone();
    mac.update(signed);
    let digest = mac.finalize().into_bytes();
    let mut out = [0u8; 64];
    hex::encode_to_slice(digest, &mut out).expect("the output holds two hex digits per byte");
    out
}

pub(crate) fn keyed(secret: &[u8]) -> HmacSha256 {
    <HmacSha256 as KeyInit>::new_from_slice(secret).expect("HMAC takes keys of any length")
}

/// `create_signed_value(secret, name, value, version=2, key_version=key_version)`.
///
/// Like Tornado, the name's length prefix counts characters (`len(str)`), not bytes, so a
/// non-ASCII name gives a value that neither Tornado nor sessctl can read back.
pub(crate) fn sign(secret: &[u8], key_version: i64, name: &str, value: &[u8], timestamp: i64) -> String {
    let encoded = base64::engine::general_purpose::STANDARD.encode(value);
    let kv = key_version.to_string();
    let ts = timestamp.to_string();
    let mut out = String::with_capacity(encoded.len() + name.len() + 110);
    out.push_str("2|");
    for (len, text) in [
        (kv.len(), kv.as_str()),
        (ts.len(), ts.as_str()),
        (name.chars().count(), name),
        (encoded.len(), encoded.as_str()),
    ] {
        out.push_str(&len.to_string());
        out.push(':');
        out.push_str(text);
        out.push('|');
    }
    let sig = signature_hex(&keyed(secret), out.as_bytes());
    out.push_str(std::str::from_utf8(&sig).expect("hex is ASCII"));
    out
}
