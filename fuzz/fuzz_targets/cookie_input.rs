//! Cookie input extraction (bare values, quotes, `name=value` pairs, `Cookie:` and
//! `Set-Cookie:` lines) and Python's cookie unquoting on arbitrary bytes: no panic, and what
//! is picked out is never longer than the input it came from.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sessctl_cookie::input;

fuzz_target!(|data: &[u8]| {
    // The first line (up to 64 bytes) is the cookie name, the rest the input.
    let (name, text) = match data.iter().position(|&b| b == b'\n') {
        Some(i) if i <= 64 => (&data[..i], &data[i + 1..]),
        _ => (&b"session_id"[..], data),
    };
    let name = String::from_utf8_lossy(name);
    if let Some(value) = input::extract(text, &name) {
        assert!(value.len() <= text.len(), "extracted more bytes than the input has");
    }
    // The diagnosis of a near miss never panics and never echoes the input.
    if let Some(why) = input::near_miss(text, &name) {
        assert!(why.len() < 400 + name.len(), "a near-miss reason is short");
    }
    let unquoted = input::unquote_cookie(text);
    assert!(unquoted.len() <= text.len(), "unquoting never grows a value");
});
