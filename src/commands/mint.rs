//! `sessctl mint`: sessions exactly as tornado-auth-sessions makes them.

use std::io::{self, Write};

use anyhow::Context;
use base64::Engine;
use serde::Serialize;

use crate::cli::{MintArgs, MintFormat, OutputFormat};
use crate::config::{self, Settings};
use crate::cookie;
use crate::error::{usage, Outcome};
use crate::output;

/// Sessions created per pipeline.
const BATCH: usize = 1000;

#[derive(Serialize)]
struct Minted {
    session_id: String,
    user: String,
    cookie: String,
    key_version: i64,
    signed_at: Option<String>,
    expires_at: Option<String>,
    stored: bool,
}

/// A new session id as `secrets.token_urlsafe(32)` makes it: 32 bytes from the OS CSPRNG,
/// URL-safe base64 without padding (43 characters).
pub fn new_session_id() -> anyhow::Result<String> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes)
        .map_err(|e| anyhow::anyhow!("the operating system's random generator failed ({e}); no session was minted"))?;
    Ok(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes))
}

pub fn run(settings: &Settings, args: &MintArgs) -> anyhow::Result<Outcome> {
    if args.user.is_empty() {
        return Err(usage("--user is empty; give the user id to log in"));
    }
    let format =
        args.format.unwrap_or(if settings.output == OutputFormat::Json { MintFormat::Json } else { MintFormat::Value });
    let ring = settings.secret()?;
    let (key_version, secret) = ring.signing_key(settings.key_version).map_err(|e| usage(e.to_string()))?;
    let store = if args.no_store { None } else { Some(super::connect(settings)?) };

    let ttl = settings.session_ttl.as_secs().max(1);
    let mut out = io::BufWriter::new(io::stdout().lock());
    let mut left = args.count;
    while left > 0 {
        if super::stopped() {
            out.flush()?;
            return Ok(Outcome::Interrupted);
        }
        let n = left.min(BATCH as u64) as usize;
        let mut ids: Vec<String> = (0..n).map(|_| new_session_id()).collect::<anyhow::Result<_>>()?;
        if let Some(store) = &store {
            // SET NX: a key that already exists (a 2^-256 event) is never overwritten; draw again.
            loop {
                let pairs: Vec<(Vec<u8>, Vec<u8>)> =
                    ids.iter().map(|id| (settings.key_for(id.as_bytes()), args.user.as_bytes().to_vec())).collect();
                let created = store.create(&pairs, ttl).context("cannot store the new sessions")?;
                let mut retry = false;
                for (id, ok) in ids.iter_mut().zip(&created) {
                    if !ok {
                        *id = new_session_id()?;
                        retry = true;
                    }
                }
                if !retry {
                    break;
                }
            }
        }
        let now = config::now()?;
        let timestamp = now.floor() as i64;
        for id in &ids {
            let value = cookie::sign_v2(secret.expose(), key_version, &settings.cookie_name, id.as_bytes(), timestamp);
            let expires = timestamp.saturating_add(ttl as i64);
            match format {
                MintFormat::Value => writeln!(out, "{value}")?,
                MintFormat::Cookie => writeln!(out, "{}={}", settings.cookie_name, quote_cookie_value(&value))?,
                MintFormat::Header => writeln!(
                    out,
                    "{}",
                    set_cookie_header(&settings.cookie_name, &value, expires, !args.insecure_cookie)
                )?,
                MintFormat::Json => {
                    let record = Minted {
                        session_id: id.clone(),
                        user: args.user.clone(),
                        cookie: value,
                        key_version,
                        signed_at: output::rfc3339(timestamp),
                        expires_at: output::rfc3339(expires),
                        stored: store.is_some(),
                    };
                    serde_json::to_writer(&mut out, &record)?;
                    out.write_all(b"\n")?;
                }
            }
        }
        left -= n as u64;
    }
    out.flush()?;
    Ok(Outcome::Success)
}

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
    fn session_ids_look_like_token_urlsafe_32() {
        let a = new_session_id().unwrap();
        let b = new_session_id().unwrap();
        assert_eq!(a.len(), 43);
        assert!(a.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_'));
        assert_ne!(a, b);
    }

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
