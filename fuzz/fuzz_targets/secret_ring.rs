//! The secret / key-ring parser on arbitrary text, in every `--secret-format`: no panic, the
//! formats agree with each other, and an error never quotes the text.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sessctl_cookie::secret::{KeyRing, SecretError, SecretFormat};

fuzz_target!(|data: &[u8]| {
    let auto = KeyRing::parse_as(data, SecretFormat::Auto);
    let text = KeyRing::parse_as(data, SecretFormat::Text);
    let ring = KeyRing::parse_as(data, SecretFormat::Ring);

    if data.is_empty() {
        assert_eq!(auto, Err(SecretError::Empty));
        return;
    }
    // Text is always one secret, byte for byte.
    match &text {
        Ok(KeyRing::Single(s)) => assert_eq!(s.expose(), data),
        other => panic!("--secret-format text gave {other:?}"),
    }
    let looks_like_ring = data.trim_ascii_start().starts_with(b"{");
    if looks_like_ring {
        // Auto reads a `{` text exactly as Ring does.
        assert_eq!(auto, ring);
    } else {
        assert_eq!(auto, text);
    }
    if let Ok(KeyRing::Versions(map)) = &ring {
        assert!(!map.is_empty());
        let ring = KeyRing::Versions(map.clone());
        let (v, _) = ring.signing_key(None).expect("a ring has a highest version");
        assert_eq!(Some(&v), map.keys().next_back());
    }
    // Messages never contain the secret's text: with numbers (versions, positions) blanked,
    // every message is one of a few fixed templates.
    for err in [&auto, &ring].into_iter().filter_map(|r| r.as_ref().err()) {
        let msg = blank_numbers(&err.to_string());
        assert!(
            TEMPLATES.iter().any(|t| msg == format!("the secret is not a valid key ring: {t}"))
                || msg == blank_numbers(&SecretError::EmptyRing.to_string()),
            "an unexpected message (does it quote the text?): {msg}"
        );
    }
});

const TEMPLATES: &[&str] = &[
    "it ends early (a missing `}` or `\"`?) at line N column N",
    "JSON syntax error at line N column N",
    "not a JSON object of versions to strings at line N column N",
    "key number N is not an integer version (\"N\", \"N\", …)",
    "the value of version N is not a string",
    "version N appears twice",
];

/// Each run of digits (with its minus sign) as `N`.
fn blank_numbers(text: &str) -> String {
    let mut out = String::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        let digit_next = chars.peek().is_some_and(char::is_ascii_digit);
        if c.is_ascii_digit() || (c == '-' && digit_next) {
            while chars.peek().is_some_and(char::is_ascii_digit) {
                chars.next();
            }
            out.push('N');
        } else {
            out.push(c);
        }
    }
    out
}
