//! `sessctl revoke`: really log users out (the package's own logout deletes the wrong key).

use std::collections::HashSet;
use std::io::{self, BufRead, IsTerminal, Write};
use std::ops::ControlFlow;

use anyhow::Context;

use crate::cli::RevokeArgs;
use crate::config::{self, Settings};
use crate::cookie;
use crate::error::{usage, Outcome};
use crate::output::{self, excerpt, Summary};
use crate::store::{Found, Lookup, ScanEnd, ScanRequest, Store};
use crate::values;

use super::pacing::{users_digest, Pacing};
use super::sources::{self, Sessions};
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
    let scans = args.all || !users.is_empty();
    if args.pace.any() && !scans {
        return Err(usage(
            "--rate, --max-latency, --max-duration and --resume pace a scan, and revoking named sessions does not scan; leave them out, or add --user or --all",
        ));
    }
    super::sources::refuse_pace_without_scan(args.snapshot.then_some("--snapshot"), &args.pace)?;
    let mut pacing = Pacing::resolve(
        &args.pace,
        settings,
        "revoke",
        vec![
            ("users", users_digest(&users)),
            ("all", args.all.into()),
            ("issued_before", args.issued_before.clone().into()),
            ("dry_run", args.dry_run.into()),
        ],
    )?;
    let ids = args.targets.iter().map(|t| session_id_of(t, settings)).collect::<anyhow::Result<Vec<Vec<u8>>>>()?;
    let asks = (args.all || args.users_file.is_some()) && !args.dry_run && !args.yes;
    if asks && !io::stdin().is_terminal() {
        // Refused before connecting: nobody can answer, and --yes says the caller means it.
        let selection = selection(args, &users, &ids, cutoff, settings);
        let place = super::target(settings, None);
        return Err(usage(format!(
            "refusing to revoke {selection} on {place} without --yes: stdin is not a terminal, so nobody can confirm; add --yes (try --dry-run first to count them)"
        )));
    }
    let mut audit = super::open_audit(args.audit_log.clone(), "revoke", settings)?;
    let mut backup = super::backup::BackupFile::for_run(args.backup.as_deref(), args.dry_run)?;

    let store = super::connect(settings)?;
    let plan = Plan { ids: &ids, users, all: args.all, cutoff, now, snapshot: args.snapshot };
    if asks {
        // The operator's time matters more than one extra scan: count first, then ask with
        // the number in front of them.
        // Counted at the same pace, without the time box or the resume file.
        let counted = pass(settings, &store, &plan, true, None, None, &mut pacing.pace_only(), Purpose::Count);
        if let Some(e) = counted.failure {
            return Err(e.context("cannot count the sessions to revoke; nothing was revoked"));
        }
        if counted.interrupted {
            eprintln!("sessctl: interrupted while counting; nothing was revoked");
            return Ok(Outcome::Interrupted);
        }
        let selection = selection(args, &plan.users, &ids, cutoff, settings);
        let place = super::target(settings, Some(&store));
        if counted.matched == 0 {
            if !settings.quiet {
                eprintln!("sessctl: no session matches ({selection} on {place}); nothing was revoked");
            }
            print_summary(settings, &store, &counted, false, &pacing)?;
            return Ok(Outcome::Success);
        }
        // Back to immediate mode for the question: Ctrl-C there ends the run at once.
        crate::signals::immediate();
        if crate::signals::stopped() {
            eprintln!("sessctl: interrupted while counting; nothing was revoked");
            return Ok(Outcome::Interrupted);
        }
        let n = output::thousands(i128::from(counted.matched));
        let sessions = if counted.matched == 1 { "session" } else { "sessions" };
        let yes = if args.all {
            eprintln!("sessctl: about to revoke {selection} on {place}: {n} {sessions} now.");
            let answer = crate::terminal::ask(
                &format!("Type {} to revoke them all (anything else cancels): ", counted.matched),
                "nothing was revoked",
            )?;
            typed_number(&answer) == Some(counted.matched)
        } else {
            eprintln!("sessctl: about to revoke {selection} on {place}: {n} {sessions} now.");
            crate::terminal::confirm(&format!("Revoke these {n} {sessions}"), "nothing was revoked")?
        };
        if !yes {
            eprintln!("sessctl: cancelled; nothing was revoked");
            return Ok(Outcome::Declined);
        }
    }
    // From here on a signal stops the work between batches and the summary says what was done.
    crate::signals::graceful();
    let done =
        pass(settings, &store, &plan, args.dry_run, audit.as_mut(), backup.as_mut(), &mut pacing, Purpose::Revoke);
    if let Some(audit) = audit.as_mut() {
        audit.finish()?;
    }
    // Failovers a write found after the scan (or with no scan at all) are named too.
    super::report_failovers(settings, &store, None);
    print_summary(settings, &store, &done, args.dry_run, &pacing)?;
    let interrupted = done.interrupted;
    if let Some(e) = done.failure {
        if super::sources::refused_snapshot(&e) {
            // Refused before any session was read: nothing was done, nothing "part way".
            return Err(e);
        }
        return Err(e.context("revoke stopped part way; the summary above counts what was revoked"));
    }
    Ok(if interrupted { Outcome::Interrupted } else { Outcome::Success })
}

/// What to revoke.
struct Plan<'a> {
    ids: &'a [Vec<u8>],
    users: HashSet<Vec<u8>>,
    all: bool,
    cutoff: Option<f64>,
    now: f64,
    /// Find the sessions in a live snapshot (`--snapshot`) rather than by scanning.
    snapshot: bool,
}

/// What one pass over the selection did (or, dry, would do).
#[derive(Default)]
struct Pass {
    matched: u64,
    revoked: u64,
    scanned: u64,
    not_found: u64,
    /// Stopped by a signal.
    interrupted: bool,
    /// Stopped at --max-duration.
    timeboxed: bool,
    scan: Option<crate::store::ScanSummary>,
    failure: Option<anyhow::Error>,
}

/// Why a pass runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Purpose {
    /// Count what would be revoked before asking (deletes nothing, notes nothing).
    Count,
    /// Revoke (or, with `--dry-run`, count for the summary).
    Revoke,
}

impl Purpose {
    /// What the progress bar says.
    fn what(self) -> &'static str {
        match self {
            Purpose::Count => "counting the sessions to revoke",
            Purpose::Revoke => "revoking sessions",
        }
    }
}

/// Looks the named sessions up and scans for the users' (or all) sessions, deleting what
/// matches unless `dry_run`.
// The pass's inputs are all different things; a struct for them would only be passed here.
#[allow(clippy::too_many_arguments)]
fn pass(
    settings: &Settings,
    store: &Store,
    plan: &Plan,
    dry_run: bool,
    audit: Option<&mut super::audit::AuditLog>,
    backup: Option<&mut super::backup::BackupFile>,
    pacing: &mut Pacing,
    purpose: Purpose,
) -> Pass {
    let old_enough = |ttl_ms: Option<i64>| match plan.cutoff {
        None => true,
        Some(cutoff) => issued_at(settings, plan.now, ttl_ms).is_some_and(|t| t < cutoff),
    };
    // A counting pass before a prompt keeps its notes for the real one.
    let counting = purpose == Purpose::Count;
    let what = purpose.what();
    let notes = !(settings.quiet || counting);
    let backup_ttl = backup.is_some();
    let mut deleter = Deleter::new(store, settings, dry_run, audit).with_backup(backup);
    let mut p = Pass::default();

    let keys: Vec<Vec<u8>> = plan.ids.iter().map(|id| settings.key_for(id)).collect();
    let lookups = if keys.is_empty() { Ok(Vec::new()) } else { store.lookup_many(&keys) };
    match lookups {
        Err(e) => p.failure = Some(e.into()),
        Ok(lookups) => {
            for (key, lookup) in keys.into_iter().zip(lookups) {
                if super::stopped() {
                    p.interrupted = true;
                    break;
                }
                match lookup {
                    Lookup::Session { user, ttl_ms } if old_enough(ttl_ms) => {
                        p.matched += 1;
                        if let Err(e) = deleter.push(key, user, ttl_ms, "revoked", false) {
                            p.failure = Some(e);
                            break;
                        }
                    }
                    Lookup::Session { .. } => {}
                    Lookup::Missing => {
                        p.not_found += 1;
                        if notes {
                            eprintln!("sessctl: note: no session {} (already gone)", excerpt(&key));
                        }
                    }
                    Lookup::NotString { redis_type } => {
                        if !counting {
                            eprintln!(
                                "sessctl: warning: {} holds a {redis_type}, not a session; left alone",
                                excerpt(&key)
                            );
                        }
                    }
                }
            }
        }
    }

    if p.failure.is_none() && !p.interrupted && (plan.all || !plan.users.is_empty()) {
        let mut request = ScanRequest {
            // A backup keeps each session's remaining TTL.
            with_ttl: plan.cutoff.is_some() || backup_ttl,
            users: plan.users.clone(),
            count: settings.scan_count as usize,
            ..ScanRequest::default()
        };
        let mut seen = 0u64;
        let mut matched = 0u64;
        let from = if plan.snapshot { Sessions::Snapshot(store) } else { Sessions::Scan(store) };
        if !plan.snapshot {
            pacing.prepare(settings, &mut request);
        }
        let summary = sources::read(settings, from, request, false, what, &mut |found| {
            seen += 1;
            if let Found::Session(s) = found {
                if old_enough(s.ttl_ms) {
                    // A session seen again after a failover is deleted again (the old
                    // primary may not have passed the first deletion on) but matched once.
                    matched += u64::from(!s.repeat);
                    deleter.push(s.key, s.user, s.ttl_ms, "revoked", s.repeat)?;
                }
            }
            Ok(ControlFlow::Continue(()))
        });
        p.matched += matched;
        match summary {
            Ok(read) => {
                let summary = read.summary;
                p.scanned = summary.scanned;
                p.timeboxed = pacing.timeboxed(&summary);
                p.interrupted = summary.end == ScanEnd::Interrupted && !p.timeboxed;
                p.scan = Some(summary);
            }
            Err(e) => {
                p.scanned = seen;
                p.failure = Some(e);
            }
        }
    }
    // After a signal the queued deletions are dropped (stop soon), unless a resume file will
    // say the scan passed them.
    if (!p.interrupted || pacing.saves_on_stop()) && p.failure.is_none() {
        if let Err(e) = deleter.flush() {
            p.failure = Some(e);
        }
    }
    p.revoked = deleter.deleted;
    if let Some(summary) = &p.scan {
        if let Err(e) = pacing.finish(settings, summary, p.failure.is_none(), true) {
            p.failure.get_or_insert(e);
        }
    }
    p
}

/// The JSON/CSV/table summary of a pass on stdout.
fn print_summary(settings: &Settings, store: &Store, p: &Pass, dry_run: bool, pacing: &Pacing) -> anyhow::Result<()> {
    let mut summary = Summary::default();
    summary
        .add("matched", p.matched)
        .add("revoked", p.revoked)
        .add("scanned", p.scanned)
        .add("dry_run", dry_run)
        .add("not_found", p.not_found)
        .add("interrupted", p.interrupted)
        .add("complete", !p.interrupted && !p.timeboxed && p.failure.is_none())
        .add("failovers", store.failovers().len() as u64);
    pacing.add_fields(&mut summary, p.scan.as_ref());
    let mut out = io::stdout().lock();
    summary.write(&mut out, &settings.style)?;
    out.flush()?;
    Ok(())
}

/// The selection in words, for prompts and refusals: `ALL sessions under "session:"`,
/// `every session of users "alice", "bob"`, `2 named sessions`, with `issued before …`.
fn selection(
    args: &RevokeArgs,
    users: &HashSet<Vec<u8>>,
    ids: &[Vec<u8>],
    cutoff: Option<f64>,
    settings: &Settings,
) -> String {
    let prefix = excerpt(settings.prefix.as_bytes());
    let mut parts = Vec::new();
    if args.all {
        parts.push(format!("ALL sessions under {prefix}"));
    }
    if !ids.is_empty() {
        parts.push(match ids.len() {
            1 => format!("the session {}", excerpt(&ids[0])),
            n => format!("{} named sessions", output::thousands(n as i128)),
        });
    }
    if !users.is_empty() {
        let mut named: Vec<&Vec<u8>> = users.iter().collect();
        named.sort();
        let shown: Vec<String> = named.iter().take(3).map(|u| excerpt(u)).collect();
        let from = args
            .users_file
            .as_ref()
            .map(|f| format!(" (from --users-file {})", excerpt(f.as_os_str().as_encoded_bytes())))
            .unwrap_or_default();
        parts.push(match users.len() {
            1 => format!("every session of user {}{from} under {prefix}", shown[0]),
            n if n <= 3 => format!("every session of users {}{from} under {prefix}", shown.join(", ")),
            n => format!(
                "every session of {} users{from}: {}, … under {prefix}",
                output::thousands(n as i128),
                shown.join(", ")
            ),
        });
    }
    let mut text = parts.join(" and ");
    if let Some(cutoff) = cutoff {
        let at = output::rfc3339(cutoff.floor() as i64).unwrap_or_else(|| format!("{cutoff}"));
        text.push_str(&format!(" issued before {at}"));
    }
    text
}

/// The number an operator typed (`1234` or `1,234`); `None` for anything else.
fn typed_number(answer: &str) -> Option<u64> {
    let digits: String = answer.trim().chars().filter(|c| *c != ',' && *c != '_').collect();
    if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
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

#[cfg(test)]
mod tests {
    use super::typed_number;

    #[test]
    fn a_typed_number_may_have_separators_and_nothing_else() {
        assert_eq!(typed_number("1234\n"), Some(1234));
        assert_eq!(typed_number(" 1,234 "), Some(1234));
        assert_eq!(typed_number("y"), None);
        assert_eq!(typed_number(""), None);
        assert_eq!(typed_number("-3"), None);
        assert_eq!(typed_number("12 34"), None);
    }
}
