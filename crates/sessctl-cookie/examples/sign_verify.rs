//! Signs a session cookie with a key ring, then verifies it as Tornado would: with the same
//! ring, with a ring that no longer has the key version, and after someone altered it.
//!
//! Run with `cargo run -p sessctl-cookie --example sign_verify`.

use std::time::{SystemTime, UNIX_EPOCH};

use sessctl_cookie::secret::{new_secret, KeyRing};
use sessctl_cookie::strength::weaknesses;
use sessctl_cookie::{decode, sign_v2, Verifier};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // Tornado's dict cookie_secret: key versions to secrets (here two fresh random ones).
    let text = format!(r#"{{"1": "{}", "2": "{}"}}"#, new_secret(32)?, new_secret(32)?);
    let ring = KeyRing::parse(text.as_bytes())?;
    let (version, secret) = ring.signing_key(None)?;
    println!("key ring: 2 versions, signing with version {version}");
    println!("secret strength: {} weaknesses", weaknesses(secret).len());

    // What the app stores in its cookie: the session id, signed (Tornado's set_secure_cookie).
    let now = SystemTime::now().duration_since(UNIX_EPOCH)?.as_secs();
    let session_id = new_secret(32)?;
    let cookie = sign_v2(secret.expose(), version, "session", session_id.as_bytes(), now as i64);
    let fields = decode(cookie.as_bytes())?;
    println!(
        "cookie: {} bytes, format v{}, key version {:?}, signed at {:?}",
        cookie.len(),
        fields.format_version,
        fields.key_version,
        fields.timestamp
    );

    // Verifying: what Tornado's get_secure_cookie (max age 31 days) would say.
    let verifier = Verifier::new(&ring, "session", 31.0);
    let now = now as f64;
    match verifier.verify(cookie.as_bytes(), now) {
        Ok(v) => println!(
            "verified: session id matches: {}, key version {:?}",
            v.value == session_id.as_bytes(),
            v.key_version
        ),
        Err(e) => println!("refused ({}): {e}", e.status()),
    }

    // The ring after version 2 was dropped: the cookie's key version is unknown.
    let old_ring = KeyRing::parse(format!(r#"{{"1": "{}"}}"#, new_secret(32)?).as_bytes())?;
    match Verifier::new(&old_ring, "session", 31.0).verify(cookie.as_bytes(), now) {
        Ok(_) => println!("verified with the old ring (unexpected)"),
        Err(e) => println!("with the old ring: refused ({}): {e}", e.status()),
    }

    // One byte of the session id changed: the signature no longer matches.
    let mut altered = cookie.into_bytes();
    let at = altered.iter().rposition(|&b| b == b'|').unwrap() - 2;
    altered[at] = if altered[at] == b'A' { b'B' } else { b'A' };
    match verifier.verify(&altered, now) {
        Ok(_) => println!("altered cookie verified (unexpected)"),
        Err(e) => println!("altered cookie: refused ({}): {e}", e.status()),
    }
    Ok(())
}
