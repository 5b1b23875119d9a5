//! Picks the signed value out of what an operator pastes: a bare value, a double-quoted value,
//! `name=value`, a `Cookie:` header or a `Set-Cookie:` header.
//!
//! Pairs are split and unquoted as Tornado's `httputil.parse_cookie` does (split on `;`, then
//! on the first `=`, strip, `_unquote_cookie`); when a name appears twice the last one wins, as
//! in the dict Tornado builds.

/// Returns the signed value for cookie `name` found in `input`, unquoted as Tornado's
/// `parse_cookie` unquotes it. `None` when the text names cookies but not this one.
pub fn extract(input: &[u8], name: &str) -> Option<Vec<u8>> {
    let text = input.trim_ascii();
    if let Some(rest) = strip_prefix_ignore_case(text, b"set-cookie:") {
        // `name=value; expires=...; HttpOnly; Path=/`: only the first pair is a cookie.
        let first = rest.split(|&b| b == b';').next().unwrap_or(&[]);
        return pairs(first, name);
    }
    if let Some(rest) = strip_prefix_ignore_case(text, b"cookie:") {
        return pairs(rest, name);
    }
    if is_bare_value(text) {
        return Some(unquote_cookie(text));
    }
    pairs(text, name)
}

/// Why `input`, which gave no signed value for cookie `name` (or one Tornado finds
/// malformed), is a near miss of a paste sessctl reads: the value quoted twice, in single
/// quotes or backticks, the pair in quotes, `name:value` with a colon, a URL-encoded value.
/// `None` when it looks like none of these. Only ever used to explain a rejection: what
/// Tornado rejects stays rejected.
pub fn near_miss(input: &[u8], name: &str) -> Option<String> {
    let mut text = input.trim_ascii();
    for header in [&b"set-cookie:"[..], b"cookie:"] {
        if let Some(rest) = strip_prefix_ignore_case(text, header) {
            text = rest.trim_ascii();
        }
    }
    let name_b = name.as_bytes();
    let encoded = |v: &[u8]| {
        v.windows(3).find_map(|w| {
            let code = std::str::from_utf8(w).ok()?.to_ascii_uppercase();
            let stands = match code.as_str() {
                "%7C" => "|",
                "%3A" => ":",
                "%3D" => "=",
                "%22" => "\"",
                "%2C" => ",",
                _ => return None,
            };
            Some(format!(
                "the value is URL-encoded ({code} stands for {stands}); a browser's storage view can show it so: paste it decoded, as the Cookie header carries it"
            ))
        })
    };
    // `session_id:"…"` / `session_id: …`
    if !name_b.is_empty() && text.len() > name_b.len() && text.starts_with(name_b) {
        let rest = text[name_b.len()..].trim_ascii_start();
        if rest.first() == Some(&b':') {
            return Some(format!("{name}: has a colon where = belongs; write {name}=VALUE, or paste the value alone"));
        }
    }
    let wrapped = |v: &[u8], open: u8, close: u8| v.len() >= 2 && v[0] == open && v[v.len() - 1] == close;
    // The whole pair in quotes: `"session_id=…"`
    for q in [b'"', b'\'', b'`'] {
        if wrapped(text, q, q) && text[1..].starts_with(name_b) && text[1 + name_b.len()..].first() == Some(&b'=') {
            return Some(format!(
                "the whole {name}=… pair is in quotes; remove the outer quotes (only the value may be quoted)"
            ));
        }
    }
    // The value, as sessctl would take it.
    let value = match extract(input, name) {
        Some(v) => v,
        None => {
            let pair = text.strip_prefix(name_b).map(<[u8]>::trim_ascii_start).and_then(|r| r.strip_prefix(b"="));
            pair.map(|v| v.trim_ascii().to_vec()).unwrap_or_else(|| text.to_vec())
        }
    };
    if wrapped(&value, b'"', b'"') {
        return Some("the value is quoted twice; remove one pair of double quotes".into());
    }
    if wrapped(&value, b'\'', b'\'') || wrapped(&value, b'`', b'`') {
        let what = if value[0] == b'`' { "backticks" } else { "single quotes" };
        return Some(format!("the value is in {what}, which are no part of a cookie; remove them"));
    }
    if value.first() == Some(&b'\'') || value.first() == Some(&b'`') {
        return Some("the value starts with a quote that is no part of a cookie; remove it".into());
    }
    encoded(&value)
}

fn strip_prefix_ignore_case<'a>(text: &'a [u8], prefix: &[u8]) -> Option<&'a [u8]> {
    (text.len() >= prefix.len() && text[..prefix.len()].eq_ignore_ascii_case(prefix)).then(|| &text[prefix.len()..])
}

/// True when `text` is a signed value by itself rather than `name=value` pairs. A v2 value
/// starts with `<digits>|`; a v1 value is `<base64>|<digits>|<hex>`, whose base64 may end in
/// `=` padding (so `=` alone does not make a pair); a quoted value is a value.
fn is_bare_value(text: &[u8]) -> bool {
    if text.len() >= 2 && text[0] == b'"' && text[text.len() - 1] == b'"' {
        return true;
    }
    if !text.contains(&b'=') {
        // Nothing could be a name: take it as a value (and let verification say what it is).
        return !text.contains(&b';');
    }
    let digits = text.iter().take_while(|b| b.is_ascii_digit()).count();
    if digits > 0 && text.get(digits) == Some(&b'|') {
        return true;
    }
    // v1: the part before the first '|' is base64 with optional '=' padding at its end.
    if let Some(pipe) = text.iter().position(|&b| b == b'|') {
        let head = &text[..pipe];
        let data = head.iter().take_while(|&&b| b != b'=').count();
        let is_base64 = head[..data].iter().all(|&b| b.is_ascii_alphanumeric() || b == b'+' || b == b'/')
            && head[data..].iter().all(|&b| b == b'=');
        if is_base64 {
            return true;
        }
    }
    false
}

/// `parse_cookie(text).get(name)`, with Tornado's splitting, stripping and unquoting.
fn pairs(text: &[u8], name: &str) -> Option<Vec<u8>> {
    let mut found = None;
    for chunk in text.split(|&b| b == b';') {
        let (key, value) = match chunk.iter().position(|&b| b == b'=') {
            Some(i) => (&chunk[..i], &chunk[i + 1..]),
            None => (&chunk[..0], chunk),
        };
        let (key, value) = (py_strip(key), py_strip(value));
        if key == name.as_bytes() && (!key.is_empty() || !value.is_empty()) {
            found = Some(value);
        }
    }
    found.map(unquote_cookie)
}

/// `str.strip()` for the ASCII range: `\t\n\v\f\r`, `\x1c`-`\x1f` and space.
fn py_strip(mut s: &[u8]) -> &[u8] {
    let space = |b: &u8| matches!(b, b'\t'..=b'\r' | 0x1c..=0x1f | b' ');
    while s.first().is_some_and(space) {
        s = &s[1..];
    }
    while s.last().is_some_and(space) {
        s = &s[..s.len() - 1];
    }
    s
}

/// Tornado's `_unquote_cookie` (a copy of `http.cookies._unquote`): only a value wrapped in
/// double quotes is touched; inside, `\ooo` (first digit 0-3) is an octal escape and `\c`
/// stands for `c` (any character but a newline). Escaped code points above 0x7f come out
/// UTF-8 encoded, as Tornado's `utf8()` of the unquoted `str` would give.
pub fn unquote_cookie(s: &[u8]) -> Vec<u8> {
    if s.len() < 2 || s[0] != b'"' || s[s.len() - 1] != b'"' {
        return s.to_vec();
    }
    let s = &s[1..s.len() - 1];
    let mut out = Vec::with_capacity(s.len());
    let mut i = 0;
    while i < s.len() {
        if s[i] == b'\\' && i + 1 < s.len() {
            let next = &s[i + 1..];
            let octal = next.len() >= 3
                && (b'0'..=b'3').contains(&next[0])
                && (b'0'..=b'7').contains(&next[1])
                && (b'0'..=b'7').contains(&next[2]);
            if octal {
                let code = u32::from(next[0] - b'0') * 64 + u32::from(next[1] - b'0') * 8 + u32::from(next[2] - b'0');
                let ch = char::from_u32(code).expect("octal escapes stay below 0x100");
                let mut buf = [0u8; 4];
                out.extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
                i += 4;
                continue;
            }
            if next[0] != b'\n' {
                out.push(next[0]);
                i += 2;
                continue;
            }
        }
        out.push(s[i]);
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const V2: &str = "2|1:0|10:1700000000|10:session_id|44:bm90LWEtcmVhbC1zZXNzaW9uLWlkLWp1c3QtYS10ZXN0|0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0";
    const V1: &str = "c2Vzcw==|1700000000|0123456789abcdef0123456789abcdef01234567";

    fn ex(input: &str) -> Option<String> {
        extract(input.as_bytes(), "session_id").map(|v| String::from_utf8(v).unwrap())
    }

    #[test]
    fn a_bare_value_is_returned_as_is() {
        assert_eq!(ex(V2).as_deref(), Some(V2));
        assert_eq!(ex(&format!("  {V2}\n")).as_deref(), Some(V2));
        assert_eq!(ex(V1).as_deref(), Some(V1));
        assert_eq!(ex(&format!("\t{V1}\r\n")).as_deref(), Some(V1));
        assert_eq!(ex("QUJD|1700000000|abc").as_deref(), Some("QUJD|1700000000|abc"));
        assert_eq!(ex("garbage").as_deref(), Some("garbage"));
    }

    #[test]
    fn a_quoted_value_is_unquoted() {
        assert_eq!(ex(&format!("\"{V2}\"")).as_deref(), Some(V2));
        assert_eq!(ex(&format!("\"{V1}\"")).as_deref(), Some(V1));
        assert_eq!(ex(r#""a\"b\\c\073d\e""#).as_deref(), Some("a\"b\\c;de"));
    }

    #[test]
    fn name_value_pairs_pick_the_name() {
        assert_eq!(ex(&format!("session_id={V2}")).as_deref(), Some(V2));
        assert_eq!(ex(&format!("session_id=\"{V2}\"")).as_deref(), Some(V2));
        assert_eq!(ex(&format!(" session_id = \"{V1}\" ")).as_deref(), Some(V1));
        assert_eq!(ex(&format!("a=b; session_id=\"{V2}\"; c=d")).as_deref(), Some(V2));
        assert_eq!(ex(&format!("session_id=old; session_id={V2}")).as_deref(), Some(V2));
        assert_eq!(ex("other=1; more=\"2|x\""), None);
        assert_eq!(ex(&format!("sid={V1}")), None);
    }

    #[test]
    fn cookie_headers_pick_the_name() {
        assert_eq!(ex(&format!("Cookie: _xsrf=2|abc; session_id=\"{V2}\"")).as_deref(), Some(V2));
        assert_eq!(ex(&format!("cookie:session_id={V1};theme=dark")).as_deref(), Some(V1));
        assert_eq!(ex("Cookie: _xsrf=2|abc|def; theme=dark"), None);
        assert_eq!(ex("Cookie: "), None);
    }

    #[test]
    fn set_cookie_headers_pick_the_first_pair() {
        let line =
            format!("Set-Cookie: session_id=\"{V2}\"; expires=Tue, 05 Dec 2023 22:13:20 GMT; HttpOnly; Path=/; Secure");
        assert_eq!(ex(&line).as_deref(), Some(V2));
        assert_eq!(ex(&format!("set-cookie: session_id={V1}; Path=/")).as_deref(), Some(V1));
        assert_eq!(ex("Set-Cookie: other=\"x\"; Path=/; session_id=y"), None);
    }

    #[test]
    fn near_misses_are_named_and_good_forms_are_not() {
        let near = |input: &str| near_miss(input.as_bytes(), "session_id");
        for good in [
            V2.to_string(),
            format!("\"{V2}\""),
            format!("session_id={V2}"),
            format!("session_id=\"{V1}\""),
            format!("Cookie: a=b; session_id=\"{V2}\""),
            format!("Set-Cookie: session_id=\"{V2}\"; Path=/"),
            "Cookie: other=1".to_string(),
        ] {
            assert_eq!(near(&good), None, "{good}");
        }
        assert!(near(&format!("session_id:\"{V2}\"")).unwrap().contains("colon"));
        assert!(near(&format!("Cookie: session_id : {V2}")).unwrap().contains("colon"));
        assert!(near(&format!("\"\"{V2}\"\"")).unwrap().contains("quoted twice"));
        assert!(near(&format!("'{V2}'")).unwrap().contains("single quotes"));
        assert!(near(&format!("`{V2}`")).unwrap().contains("backticks"));
        assert!(near(&format!("'session_id={V2}'")).unwrap().contains("in quotes"));
        assert!(near("session_id=2%7c1%3A0").unwrap().contains("%7C stands for |"));
    }

    #[test]
    fn unquoting_follows_python() {
        let u = |s: &[u8]| unquote_cookie(s);
        assert_eq!(u(b"\""), b"\"");
        assert_eq!(u(b"\"\""), b"");
        assert_eq!(u(b"\"abc"), b"\"abc");
        assert_eq!(u(b"\"\\012\""), b"\n");
        assert_eq!(u(b"\"\\377\""), "\u{ff}".as_bytes());
        assert_eq!(u(b"\"\\400\""), b"400", "first octal digit is 0-3");
        assert_eq!(u(b"\"\\08\""), b"08");
        assert_eq!(u(b"\"a\\\nb\""), b"a\\\nb", "a backslash before a newline stays");
        assert_eq!(u(b"\"a\\\""), b"a\\", "a lone trailing backslash stays");
    }
}
