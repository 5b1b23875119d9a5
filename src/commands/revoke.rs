//! `sessctl revoke`: really log users out (the package's own logout deletes the wrong key).

use std::collections::HashSet;
use std::io::{self, BufRead, Write};

use anyhow::Context;
use time::format_description::well_known::Rfc3339;

use crate::cli::RevokeArgs;
use crate::config::{self, Settings};
use crate::cookie;
use crate::error::{usage, Outcome};
use crate::output::Summary;
use crate::store::{Found, Lookup, ScanRequest};

use super::{issued_at, Deleter};

pub fn run(settings: &Settings, args: &RevokeArgs) -> anyhow::Result<Outcome> {
    let mut users: HashSet<Vec<u8>> = args.user.iter().map(|u| u.as_bytes().to_vec()).collect();
    if let Some(path) = &args.users_file {
        users.extend(read_users(path)?);
    }
    if args.user.iter().any(|u| u.is_empty()) {
        return Err(usage("--user is empty; give a user id"));
    }
    if args.targets.is_empty() && users.is_empty() && !args.all {
        if args.users_file.is_some() {
            return Err(usage("the users file lists no users; nothing to revoke"));
        }
        return Err(usage("nothing to revoke: give session ids or cookies, --user, --users-file or --all"));
    }
    if args.all && (!args.targets.is_empty() || !users.is_empty()) {
        return Err(usage("--all revokes every session; do not combine it with session ids, --user or --users-file"));
    }
    let now = config::now()?;
    let cutoff = args.issued_before.as_deref().map(|t| parse_time(t, now)).transpose()?;
    let ids = args.targets.iter().map(|t| session_id_of(t, settings)).collect::<anyhow::Result<Vec<Vec<u8>>>>()?;

    let store = super::connect(settings)?;
    if (args.all || args.users_file.is_some()) && !args.dry_run {
        let what = if args.all {
            format!("revoke ALL sessions under {:?}", settings.prefix)
        } else {
            format!("revoke every session of {} user(s)", users.len())
        };
        if !super::confirm(&what, args.yes)? {
            eprintln!("sessctl: nothing revoked");
            return Ok(Outcome::Success);
        }
    }

    let old_enough = |ttl_ms: Option<i64>| match cutoff {
        None => true,
        Some(cutoff) => issued_at(settings, now, ttl_ms).is_some_and(|t| t < cutoff),
    };
    let mut deleter = Deleter::new(&store, args.dry_run);
    let (mut matched, mut not_found, mut scanned, mut interrupted) = (0u64, 0u64, 0u64, false);

    let keys: Vec<Vec<u8>> = ids.iter().map(|id| settings.key_for(id)).collect();
    let lookups = if keys.is_empty() { Vec::new() } else { store.lookup_many(&keys)? };
    for (key, lookup) in keys.into_iter().zip(lookups) {
        match lookup {
            Lookup::Session { user, ttl_ms } if old_enough(ttl_ms) => {
                matched += 1;
                deleter.push(key, user)?;
            }
            Lookup::Session { .. } => {}
            Lookup::Missing => {
                not_found += 1;
                if !settings.quiet {
                    eprintln!("sessctl: note: no session {} (already gone)", String::from_utf8_lossy(&key));
                }
            }
            Lookup::NotString { redis_type } => {
                eprintln!(
                    "sessctl: warning: {} holds a {redis_type}, not a session; left alone",
                    String::from_utf8_lossy(&key)
                );
            }
        }
    }

    if args.all || !users.is_empty() {
        let request = ScanRequest {
            with_ttl: cutoff.is_some(),
            users: std::mem::take(&mut users),
            count: settings.scan_count as usize,
        };
        let mut failure: Option<anyhow::Error> = None;
        let summary = super::scan(settings, &store, &request, "sessions matched", &mut |found| {
            if let Found::Session(s) = found {
                if old_enough(s.ttl_ms) {
                    matched += 1;
                    if let Err(e) = deleter.push(s.key, s.user) {
                        failure = Some(e);
                        return false;
                    }
                }
            }
            true
        })?;
        if let Some(e) = failure {
            return Err(e);
        }
        scanned = summary.scanned;
        interrupted = summary.interrupted && super::stopped();
    }
    if !interrupted {
        deleter.flush()?;
    }

    let mut summary = Summary::default();
    summary
        .add("matched", matched)
        .add("revoked", deleter.deleted)
        .add("scanned", scanned)
        .add("dry_run", args.dry_run)
        .add("not_found", not_found)
        .add("interrupted", interrupted);
    let mut out = io::stdout().lock();
    summary.write(&mut out, settings.output)?;
    out.flush()?;
    Ok(if interrupted { Outcome::Interrupted } else { Outcome::Success })
}

/// A target is a session id, a whole key (`session:<id>`), or a cookie in any form `verify`
/// takes. A cookie's id is read without the secret: revoking grants nothing.
fn session_id_of(target: &str, settings: &Settings) -> anyhow::Result<Vec<u8>> {
    let target = target.trim();
    if target.is_empty() {
        return Err(usage("an empty session id was given"));
    }
    if !target.contains('|') {
        let id = target.strip_prefix(settings.prefix.as_str()).unwrap_or(target);
        return Ok(id.as_bytes().to_vec());
    }
    let value = cookie::input::extract(target.as_bytes(), &settings.cookie_name)
        .ok_or_else(|| usage(format!("no {} cookie in {target:?}", settings.cookie_name)))?;
    let decoded =
        cookie::decode(&value).map_err(|e| usage(format!("cannot read the session id from {target:?}: {e}")))?;
    decoded.value.ok_or_else(|| usage(format!("the cookie {target:?} carries no readable session id")))
}

/// `--users-file`: one user id per line (surrounding whitespace and blank lines ignored).
fn read_users(path: &std::path::Path) -> anyhow::Result<Vec<Vec<u8>>> {
    let reader: Box<dyn BufRead> = if path.as_os_str() == "-" {
        Box::new(io::BufReader::new(io::stdin().lock()))
    } else {
        let file = std::fs::File::open(path)
            .map_err(|e| usage(format!("cannot read --users-file {}: {e}", path.display())))?;
        Box::new(io::BufReader::new(file))
    };
    let mut users = Vec::new();
    for line in reader.split(b'\n') {
        let line = line.with_context(|| format!("cannot read {}", path.display()))?;
        let user = line.trim_ascii();
        if !user.is_empty() {
            users.push(user.to_vec());
        }
    }
    Ok(users)
}

/// `--issued-before`: an RFC 3339 time, or a duration meaning that long ago.
pub(crate) fn parse_time(text: &str, now: f64) -> anyhow::Result<f64> {
    if let Ok(t) = time::OffsetDateTime::parse(text.trim(), &Rfc3339) {
        return Ok(t.unix_timestamp() as f64 + f64::from(t.nanosecond()) / 1e9);
    }
    match humantime::parse_duration(text.trim()) {
        Ok(d) => Ok(now - d.as_secs_f64()),
        Err(_) => Err(usage(format!(
            "--issued-before {text:?} is neither an RFC 3339 time (2026-11-01T00:00:00Z) nor a duration (3d, 12h)"
        ))),
    }
}
