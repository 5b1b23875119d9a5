//! The signed-value verifier and decoder on arbitrary bytes: no panic, and the two agree.
//!
//! The first byte picks the setting (one secret or a key ring, the max age, the clock); the
//! rest is the cookie. Inputs that are signed correctly are rare for a fuzzer, so with the
//! low bit of the second byte set the rest is re-signed (v2) with the fuzzer choosing the
//! fields, which drives the parser past the signature check.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sessctl_cookie::{self as cookie, Verifier};
use sessctl_cookie::secret::{KeyRing, Secret};

fuzz_target!(|data: &[u8]| {
    let Some((&setting, rest)) = data.split_first() else { return };
    let ring = if setting & 1 == 0 {
        KeyRing::Single(Secret::new(&b"fuzz-secret"[..]))
    } else {
        KeyRing::Versions([(0, Secret::new(&b"old"[..])), (7, Secret::new(&b"new"[..]))].into_iter().collect())
    };
    let max_age_days = match (setting >> 1) & 3 {
        0 => 31.0,
        1 => 0.0,
        2 => f64::INFINITY,
        _ => -1.5,
    };
    let now = if setting & 0x10 == 0 { 1_800_000_000.0 } else { 0.0 };
    let verifier = Verifier::new(&ring, "session_id", max_age_days);

    // As given.
    check(&verifier, rest, now);

    // Re-signed: `key_version|timestamp|name|value` from the fuzzer, a valid HMAC from us.
    if let Some((&mode, body)) = rest.split_first() {
        if mode & 1 == 1 {
            let mut parts = body.splitn(4, |&b| b == 0);
            let version = parts.next().map(|p| p.len() as i64 % 9).unwrap_or(0);
            let timestamp = parts
                .next()
                .map(|p| p.iter().fold(0i64, |t, b| t.wrapping_mul(31).wrapping_add(*b as i64)))
                .unwrap_or(0);
            let name = parts.next().map(|p| String::from_utf8_lossy(p).into_owned()).unwrap_or_default();
            let value = parts.next().unwrap_or(&[]);
            let secret = ring.get(version).map(|s| s.expose().to_vec()).unwrap_or_default();
            let signed = cookie::sign_v2(&secret, version, &name, value, timestamp);
            check(&verifier, signed.as_bytes(), now);
        }
    }
});

fn check(verifier: &Verifier, cookie: &[u8], now: f64) {
    let verified = verifier.verify(cookie, now);
    let decoded = cookie::decode(cookie);
    if let Ok(v) = &verified {
        // What verifies must decode, to the same value.
        let d = decoded.as_ref().expect("a verified value decodes");
        assert_eq!(d.value.as_deref(), Some(v.value.as_slice()), "decode and verify disagree on the value");
    }
    if let Err(e) = &verified {
        // Every error has a status word and a message.
        assert!(!e.status().is_empty());
        let _ = e.to_string();
    }
}
