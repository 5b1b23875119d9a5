//! A cookie as Tornado sends it: the `Set-Cookie` line of `set_signed_cookie`, and the value
//! quoted as Python's `http.cookies` quotes it (`mint --format cookie|header`).

use crate::output;

/// The `Set-Cookie` line Tornado's `set_signed_cookie(name, value, httponly=True,
/// secure=secure, expires_days=…)` sends.
pub fn set_cookie_header(name: &str, value: &str, expires: i64, secure: bool) -> String {
    let mut line = format!("Set-Cookie: {name}={}", quote_cookie_value(value));
    if let Some(date) = output::http_date(expires) {
        line.push_str("; expires=");
        line.push_str(&date);
    }
    line.push_str("; HttpOnly; Path=/");
    if secure {
        line.push_str("; Secure");
    }
    line
}

/// Python's `http.cookies._quote`, which Tornado's cookies go through: values made only of
/// legal characters stay bare, others are double-quoted with `"`, `\` and control bytes
/// escaped.
pub fn quote_cookie_value(value: &str) -> String {
    const LEGAL_PUNCT: &str = "!#$%&'*+-.^_`|~:";
    let legal = |c: char| c.is_ascii_alphanumeric() || LEGAL_PUNCT.contains(c);
    if value.chars().all(legal) {
        return value.to_string();
    }
    let mut quoted = String::with_capacity(value.len() + 2);
    quoted.push('"');
    for c in value.chars() {
        match c {
            '"' => quoted.push_str("\\\""),
            '\\' => quoted.push_str("\\\\"),
            c if (c as u32) < 0x20 || (0x7f..=0xff).contains(&(c as u32)) => {
                quoted.push_str(&format!("\\{:03o}", c as u32))
            }
            c => quoted.push(c),
        }
    }
    quoted.push('"');
    quoted
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_with_equals_signs_are_quoted_as_python_does() {
        assert_eq!(quote_cookie_value("2|1:0|abc=="), "\"2|1:0|abc==\"");
        assert_eq!(quote_cookie_value("plain|value:1"), "plain|value:1");
        assert_eq!(quote_cookie_value("a\"b\\c\u{1}"), "\"a\\\"b\\\\c\\001\"");
    }

    #[test]
    fn the_header_has_tornados_attribute_order() {
        let line = set_cookie_header("session_id", "2|x==", 1_796_553_889, true);
        assert_eq!(
            line,
            "Set-Cookie: session_id=\"2|x==\"; expires=Sun, 06 Dec 2026 10:44:49 GMT; HttpOnly; Path=/; Secure"
        );
    }
}
