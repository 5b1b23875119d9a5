//! `sessctl revoke`: really log users out (the package's own logout deletes the wrong key).

use std::collections::HashSet;
use std::io::{self, BufRead, Write};
use std::ops::ControlFlow;

use anyhow::Context;

use crate::cli::RevokeArgs;
use crate::config::{self, Settings};
use crate::cookie;
use crate::error::{usage, Outcome};
use crate::output::{excerpt, Summary};
use crate::store::{Found, Lookup, ScanEnd, ScanRequest};
use crate::values;

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
    let cutoff = args
        .issued_before
        .as_deref()
        .map(|t| {
            values::time_before(t, now)
                .map_err(|why| usage(format!("--issued-before {}: {why}", excerpt(t.as_bytes()))))
        })
        .transpose()?;
    let ids = args.targets.iter().map(|t| session_id_of(t, settings)).collect::<anyhow::Result<Vec<Vec<u8>>>>()?;
    let mut audit = super::open_audit(args.audit_log.clone(), "revoke", settings)?;

    let store = super::connect(settings)?;
    if (args.all || args.users_file.is_some()) && !args.dry_run {
        let what = if args.all {
            format!("revoke ALL sessions under {}", excerpt(settings.prefix.as_bytes()))
        } else {
            format!("revoke every session of {} user(s)", users.len())
        };
        if !super::confirm(&what, args.yes, "nothing was revoked")? {
            eprintln!("sessctl: nothing revoked");
            return Ok(Outcome::Success);
        }
    }
    // From here on a signal stops the work between batches and the summary says what was done.
    crate::signals::graceful();

    let old_enough = |ttl_ms: Option<i64>| match cutoff {
        None => true,
        Some(cutoff) => issued_at(settings, now, ttl_ms).is_some_and(|t| t < cutoff),
    };
    let mut deleter = Deleter::new(&store, settings, args.dry_run, audit.as_mut());
    let (mut matched, mut not_found, mut scanned, mut interrupted) = (0u64, 0u64, 0u64, false);
    let mut failure: Option<anyhow::Error> = None;

    let keys: Vec<Vec<u8>> = ids.iter().map(|id| settings.key_for(id)).collect();
    let lookups = if keys.is_empty() { Ok(Vec::new()) } else { store.lookup_many(&keys) };
    match lookups {
        Err(e) => failure = Some(e.into()),
        Ok(lookups) => {
            for (key, lookup) in keys.into_iter().zip(lookups) {
                if super::stopped() {
                    interrupted = true;
                    break;
                }
                match lookup {
                    Lookup::Session { user, ttl_ms } if old_enough(ttl_ms) => {
                        matched += 1;
                        if let Err(e) = deleter.push(key, user, "revoked", false) {
                            failure = Some(e);
                            break;
                        }
                    }
                    Lookup::Session { .. } => {}
                    Lookup::Missing => {
                        not_found += 1;
                        if !settings.quiet {
                            eprintln!("sessctl: note: no session {} (already gone)", excerpt(&key));
                        }
                    }
                    Lookup::NotString { redis_type } => {
                        eprintln!(
                            "sessctl: warning: {} holds a {redis_type}, not a session; left alone",
                            excerpt(&key)
                        );
                    }
                }
            }
        }
    }

    if failure.is_none() && !interrupted && (args.all || !users.is_empty()) {
        let request = ScanRequest {
            with_ttl: cutoff.is_some(),
            users: std::mem::take(&mut users),
            count: settings.scan_count as usize,
            ..ScanRequest::default()
        };
        let mut seen = 0u64;
        let summary = super::scan(settings, &store, &request, "sessions matched", &mut |found| {
            seen += 1;
            if let Found::Session(s) = found {
                if old_enough(s.ttl_ms) {
                    // A session seen again after a failover is deleted again (the old
                    // primary may not have passed the first deletion on) but matched once.
                    matched += u64::from(!s.repeat);
                    deleter.push(s.key, s.user, "revoked", s.repeat)?;
                }
            }
            Ok(ControlFlow::Continue(()))
        });
        match summary {
            Ok(summary) => {
                scanned = summary.scanned;
                interrupted = summary.end == ScanEnd::Interrupted;
            }
            Err(e) => {
                scanned = seen;
                failure = Some(e);
            }
        }
    }
    if !interrupted && failure.is_none() {
        if let Err(e) = deleter.flush() {
            failure = Some(e);
        }
    }
    let revoked = deleter.deleted;
    if let Some(audit) = audit.as_mut() {
        audit.finish()?;
    }

    let mut summary = Summary::default();
    summary
        .add("matched", matched)
        .add("revoked", revoked)
        .add("scanned", scanned)
        .add("dry_run", args.dry_run)
        .add("not_found", not_found)
        .add("interrupted", interrupted)
        .add("complete", !interrupted && failure.is_none())
        .add("failovers", store.failovers().len() as u64);
    let mut out = io::stdout().lock();
    summary.write(&mut out, &settings.style)?;
    out.flush()?;
    if let Some(e) = failure {
        return Err(e.context("revoke stopped part way; the summary above counts what was revoked"));
    }
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
    let shown = || excerpt(target.as_bytes());
    let value = cookie::input::extract(target.as_bytes(), &settings.cookie_name)
        .ok_or_else(|| usage(format!("no {} cookie in {}", excerpt(settings.cookie_name.as_bytes()), shown())))?;
    let decoded = cookie::decode(&value).map_err(|e| {
        usage(format!("cannot read the session id from {}: {}", shown(), crate::output::safe_message(&e.to_string())))
    })?;
    decoded.value.ok_or_else(|| usage(format!("the cookie {} carries no readable session id", shown())))
}

/// The longest user id a `--users-file` line may hold (a longer line is not a user id: the
/// wrong file, or `/dev/zero`).
const MAX_USER_LINE: usize = 4096;

/// `--users-file`: one user id per line (surrounding whitespace and blank lines ignored).
fn read_users(path: &std::path::Path) -> anyhow::Result<Vec<Vec<u8>>> {
    let shown = excerpt(path.as_os_str().as_encoded_bytes());
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
        let user = line.trim_ascii();
        if !user.is_empty() {
            users.push(user.to_vec());
        }
    }
    Ok(users)
}
