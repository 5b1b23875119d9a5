//! The sessions and users an operator names to `revoke`: session ids, whole keys or cookies
//! (on the command line, or one per line on stdin), each checked to be a session id before
//! anything is looked up; and `--users-file`, one user id per line.

use std::io::{self, BufRead, IsTerminal};
use std::path::Path;

use anyhow::Context;

use crate::config::Settings;
use crate::error::usage;
use crate::output::excerpt;
use sessctl_cookie as cookie;

/// The session ids named on the command line, or one per line on stdin (`revoke -`, read as
/// `verify -` reads it).
pub fn targets(targets: &[String], users_file: Option<&Path>, settings: &Settings) -> anyhow::Result<Vec<Vec<u8>>> {
    if !targets.iter().any(|t| t == "-") {
        return targets.iter().map(|t| session_id_of(t, settings)).collect();
    }
    if targets.len() > 1 {
        return Err(usage("`-` reads the session ids, keys or cookies from stdin, one per line; give it alone"));
    }
    if users_file.is_some_and(|f| f.as_os_str() == "-") {
        return Err(usage("`revoke -` and `--users-file -` both read stdin; put the users in a file"));
    }
    if io::stdin().is_terminal() {
        crate::messages::status!("reading session ids, keys or cookies from stdin, one per line; Ctrl-D ends");
    }
    let mut ids = Vec::new();
    let mut number = 0u64;
    super::lines::stdin_lines(&mut |line| {
        number += 1;
        let text = line.ok_or_else(|| {
            usage(format!(
                "line {number} on stdin is longer than {} MiB; not a session id, key or cookie",
                super::lines::MAX_LINE >> 20
            ))
        })?;
        let text = std::str::from_utf8(text).map_err(|_| {
            usage(format!("line {number} on stdin, {}, is not text: not a session id, key or cookie", excerpt(text)))
        })?;
        ids.push(session_id_of(text, settings).map_err(|e| usage(format!("line {number} on stdin: {e}")))?);
        Ok(())
    })?;
    if ids.is_empty() {
        return Err(usage("no session ids on stdin; nothing to revoke"));
    }
    Ok(ids)
}

/// A target is a session id, a whole key (`session:<id>`), or a cookie in any form `verify`
/// takes. A cookie's id is read without the secret: revoking grants nothing. Anything else
/// (words, a shortened table cell, a quoted or URL-encoded paste) is refused, saying what it
/// looks like: looking it up would only say "already gone".
fn session_id_of(target: &str, settings: &Settings) -> anyhow::Result<Vec<u8>> {
    let target = target.trim();
    if target.is_empty() {
        return Err(usage("an empty session id was given"));
    }
    let shown = || excerpt(target.as_bytes());
    let name = &settings.cookie_name;
    let near_miss = || cookie::input::near_miss(target.as_bytes(), name).map(|why| crate::output::safe_message(&why));
    if target.contains('|') {
        let value = cookie::input::extract(target.as_bytes(), name).ok_or_else(|| match near_miss() {
            Some(why) => usage(format!("cannot read the session id from {}: {why}", shown())),
            None => usage(format!("no {} cookie in {}", excerpt(name.as_bytes()), shown())),
        })?;
        let decoded = cookie::decode(&value).map_err(|e| {
            let why = near_miss().unwrap_or_else(|| crate::output::safe_message(&e.to_string()));
            usage(format!("cannot read the session id from {}: {why}", shown()))
        })?;
        return decoded.value.ok_or_else(|| usage(format!("the cookie {} carries no readable session id", shown())));
    }
    let id = target.strip_prefix(settings.prefix.as_str()).unwrap_or(target);
    match not_an_id(id, near_miss, settings) {
        None => Ok(id.as_bytes().to_vec()),
        Some(why) => {
            Err(usage(format!("{} is not a session id, key or cookie: {why}; see `sessctl revoke --help`", shown())))
        }
    }
}

/// Why `id` cannot be a session id (`secrets.token_urlsafe(32)`: 43 characters of A-Z, a-z,
/// 0-9, `-` and `_`), or `None` when it is one.
fn not_an_id(id: &str, near_miss: impl Fn() -> Option<String>, settings: &Settings) -> Option<String> {
    if super::category::looks_like_token(id.as_bytes()) {
        return None;
    }
    if id.contains('…') || id.contains("...") {
        return Some(
            "it looks like a shortened table cell (it contains …); copy the whole id from `sessctl list -o json`"
                .into(),
        );
    }
    if let Some(why) = near_miss() {
        return Some(why);
    }
    if id.starts_with("--") {
        return Some("it looks like a flag, and `revoke` has no such flag".into());
    }
    let odd = id.chars().find(|c| !(c.is_ascii_alphanumeric() || *c == '-' || *c == '_'));
    Some(match odd {
        Some(c) if c.is_whitespace() => {
            "it contains a space, and a session id is one word: give each id as its own argument".into()
        }
        Some(':') => format!(
            "it contains ':', which no session id has; a key under another prefix? the prefix is {} (--prefix)",
            excerpt(settings.prefix.as_bytes())
        ),
        Some(c) => format!(
            "it contains {}, which no session id has (ids are 43 characters of A-Z, a-z, 0-9, - and _)",
            excerpt(c.to_string().as_bytes())
        ),
        None => format!(
            "it is {} characters long, and session ids are 43 (secrets.token_urlsafe(32)); was it cut off?",
            id.chars().count()
        ),
    })
}

/// The longest user id a `--users-file` line may hold (a longer line is not a user id: the
/// wrong file, or `/dev/zero`).
const MAX_USER_LINE: usize = 4096;

/// `--users-file`: one user id per line (surrounding whitespace and blank lines ignored).
pub fn read_users(path: &Path) -> anyhow::Result<Vec<Vec<u8>>> {
    let shown = crate::output::path(path);
    let reader: Box<dyn BufRead> = if path.as_os_str() == "-" {
        Box::new(io::BufReader::new(io::stdin().lock()))
    } else {
        let file = std::fs::File::open(path).map_err(|e| usage(format!("cannot read --users-file {shown}: {e}")))?;
        Box::new(io::BufReader::new(file))
    };
    let mut users = Vec::new();
    let mut reader = io::Read::take(reader, u64::MAX);
    let mut line = Vec::new();
    for number in 1.. {
        line.clear();
        reader.set_limit(MAX_USER_LINE as u64 + 2);
        let n = reader.read_until(b'\n', &mut line).with_context(|| format!("cannot read {shown}"))?;
        if n == 0 {
            break;
        }
        if line.len() > MAX_USER_LINE + 1 || (line.last() != Some(&b'\n') && reader.limit() == 0) {
            return Err(usage(format!(
                "line {number} of --users-file {shown} is longer than {MAX_USER_LINE} bytes; give one user id per line"
            )));
        }
        if number == 1 {
            // Editors on Windows start a UTF-8 file with a byte-order mark: not part of the
            // first user id. A UTF-16 file is not read as text at all.
            if line.starts_with(b"\xff\xfe") || line.starts_with(b"\xfe\xff") {
                return Err(usage(format!(
                    "--users-file {shown} is UTF-16 text; save it as UTF-8 (one user id per line) and run again"
                )));
            }
            if line.starts_with(b"\xef\xbb\xbf") {
                line.drain(..3);
            }
        }
        // trim_ascii also drops the \r of a CRLF line end.
        let user = line.trim_ascii();
        if !user.is_empty() {
            users.push(user.to_vec());
        }
    }
    Ok(users)
}
