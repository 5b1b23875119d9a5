//! What kind of session key a string under the prefix is: one definition, used by `doctor`,
//! `stats` and `cleanup` alike, so their counts agree and a hint of one does what it says in
//! another. The kinds are exclusive, checked in this order:
//!
//! 1. **malformed**: the id (the key without the prefix) is not a `secrets.token_urlsafe(32)`
//!    (43 URL-safe characters), or the user (the value) is empty. The app did not make it, so
//!    its age and meaning are unknown: reported, never changed or deleted by any command,
//!    whatever its TTL.
//! 2. **no_ttl**: a well-formed session without expiry; `cleanup --no-ttl fix` gives it the
//!    session TTL, `--no-ttl delete` deletes it.
//! 3. **expiring**: a well-formed session with a TTL (the ones `--max-age` looks at).
//!
//! Keys that are not strings are counted apart (`non_string`) before this classification.
//!
//! Also here: the moment a session was issued, read from its remaining TTL (what `cleanup
//! --max-age` and `revoke --issued-before` compare).

use crate::config::Settings;

/// The kind of one string key under the prefix (see the module's documentation).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Category {
    Malformed,
    NoTtl,
    Expiring,
}

/// True when a session id has the shape `secrets.token_urlsafe(32)` gives.
pub fn looks_like_token(id: &[u8]) -> bool {
    id.len() == 43 && id.iter().all(|c| c.is_ascii_alphanumeric() || *c == b'-' || *c == b'_')
}

/// The kind of a string key: its id (the key without the prefix), its value's length in
/// bytes, and its remaining TTL (`None`: no expiry).
pub fn classify(id: &[u8], user_len: u64, ttl_ms: Option<i64>) -> Category {
    if !looks_like_token(id) || user_len == 0 {
        Category::Malformed
    } else if ttl_ms.is_none() {
        Category::NoTtl
    } else {
        Category::Expiring
    }
}

/// The moment a session was issued: now minus its age, where age is the app's session
/// lifetime minus the remaining TTL. `None` for keys without a TTL.
pub fn issued_at(settings: &Settings, now: f64, ttl_ms: Option<i64>) -> Option<f64> {
    let remaining = ttl_ms? as f64 / 1000.0;
    Some(now - (settings.session_ttl.as_secs_f64() - remaining))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn malformed_comes_before_no_ttl() {
        let good = b"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-";
        assert_eq!(classify(good, 3, Some(1000)), Category::Expiring);
        assert_eq!(classify(good, 3, None), Category::NoTtl);
        assert_eq!(classify(good, 0, None), Category::Malformed);
        assert_eq!(classify(b"short", 3, None), Category::Malformed);
        assert_eq!(classify(b"short", 3, Some(5)), Category::Malformed);
        assert!(!looks_like_token(&good[1..]));
    }
}
