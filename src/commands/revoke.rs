//! `sessctl revoke`: really log users out (the package's own logout deletes the wrong key).

use std::collections::HashSet;
use std::io::{self, BufRead, IsTerminal, Write};
use std::ops::ControlFlow;

use anyhow::Context;

use crate::cli::RevokeArgs;
use crate::config::{self, Settings, Uses};
use crate::error::{usage, Outcome};
use crate::output::{self, excerpt, Summary};
use crate::values;
use sessctl_cookie as cookie;
use sessctl_store::{Found, Lookup, ScanEnd, ScanRequest, Store};

use crate::workflow::audit;
use crate::workflow::category::issued_at;
use crate::workflow::deletion::Deleter;
use crate::workflow::files::RunFiles;
use crate::workflow::invocation::Subcommand;
use crate::workflow::pacing::{users_digest, Pacing};
use crate::workflow::sources::{self, Sessions};

impl Subcommand for RevokeArgs {
    fn uses(&self) -> Uses {
        Uses {
            cookie_name: true,
            ttl: self.issued_before.is_some(),
            redis: true,
            prefix: true,
            output: true,
            ..Uses::default()
        }
    }

    fn files(&self) -> anyhow::Result<RunFiles> {
        Ok(RunFiles {
            backup: self.backup.clone(),
            audit_log: audit::path_for(&self.audit_log)?,
            resume: self.pace.resume.clone(),
            input: self.users_file.clone().map(|p| ("--users-file", p)),
        })
    }

    fn renders_records(&self) -> bool {
        true
    }

    fn run(&self, settings: &Settings) -> anyhow::Result<Outcome> {
        run(settings, self)
    }
}

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
    crate::workflow::sources::refuse_pace_without_scan(args.snapshot.then_some("--snapshot"), &args.pace)?;
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
    let ids = targets(args, settings)?;
    let asks = (args.all || args.users_file.is_some()) && !args.dry_run && !args.yes;
    if asks && !io::stdin().is_terminal() {
        // Refused before connecting: nobody can answer, and --yes says the caller means it.
        let selection = selection(args, &users, &ids, cutoff, settings);
        let place = crate::workflow::session::target(settings, None);
        return Err(usage(format!(
            "refusing to revoke {selection} on {place} without --yes: stdin is not a terminal, so nobody can confirm; add --yes (try --dry-run first to count them)"
        )));
    }
    let mut audit = crate::workflow::audit::open_audit(args.audit_log.clone(), "revoke", settings)?;
    let mut backup = crate::workflow::backup::BackupFile::for_run(args.backup.as_deref(), args.dry_run)?;

    let store = crate::workflow::session::connect(settings)?;
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
        let place = crate::workflow::session::target(settings, Some(&store));
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
    crate::workflow::session::report_failovers(settings, &store, None);
    print_summary(settings, &store, &done, args.dry_run, &pacing)?;
    let interrupted = done.interrupted;
    if let Some(e) = done.failure {
        if crate::workflow::sources::refused_snapshot(&e) {
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
    scan: Option<sessctl_store::ScanSummary>,
    failure: Option<anyhow::Error>,
    /// The named users (`--user`, `--users-file`) the scan found no session of, sorted;
    /// `None` when no users were named or the scan did not see the whole keyspace.
    users_without: Option<Vec<Vec<u8>>>,
    /// Users were named (`--user`, `--users-file`).
    users_named: bool,
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
    audit: Option<&mut crate::workflow::audit::AuditLog>,
    backup: Option<&mut crate::workflow::backup::BackupFile>,
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
    let mut p = Pass { users_named: !plan.users.is_empty(), ..Pass::default() };

    let keys: Vec<Vec<u8>> = plan.ids.iter().map(|id| settings.key_for(id)).collect();
    // Reads are abandoned at once on a signal (a stalled server): nothing was deleted yet.
    let lookups = if keys.is_empty() { Ok(Vec::new()) } else { store.lookup_many_until(&keys, &crate::signals::STOP) };
    match lookups {
        Err(_) if crate::workflow::session::stopped() => p.interrupted = true,
        Err(e) => p.failure = Some(e.into()),
        Ok(lookups) => {
            for (key, lookup) in keys.into_iter().zip(lookups) {
                if crate::workflow::session::stopped() {
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
        let mut users_seen: HashSet<Vec<u8>> = HashSet::new();
        let from = if plan.snapshot { Sessions::Snapshot(store) } else { Sessions::Scan(store) };
        if !plan.snapshot {
            pacing.prepare(settings, &mut request);
        }
        let summary = sources::read(settings, from, request, false, what, &mut |found| {
            seen += 1;
            if let Found::Session(s) = found {
                if !plan.all && !users_seen.contains(&s.user) && plan.users.contains(&s.user) {
                    users_seen.insert(s.user.clone());
                }
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
                // Only a scan of the whole keyspace can tell a user has no session.
                let whole = summary.end != ScanEnd::Interrupted && !summary.resharding && !pacing.continued();
                if whole && !plan.all {
                    let mut without: Vec<Vec<u8>> = plan.users.difference(&users_seen).cloned().collect();
                    without.sort();
                    p.users_without = Some(without);
                }
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
    if p.users_named {
        match &p.users_without {
            Some(without) => {
                summary.add("users_without_sessions", without.len() as u64);
                if !without.is_empty() && !settings.quiet {
                    eprintln!("sessctl: note: {}", users_without_note(without, settings));
                }
            }
            // A scan that did not see the whole keyspace cannot say who has no session.
            None => {
                summary.add("users_without_sessions", serde_json::Value::Null);
            }
        }
    }
    pacing.add_fields(&mut summary, p.scan.as_ref());
    let mut out = io::stdout().lock();
    summary.write(&mut out, &settings.style)?;
    out.flush()?;
    Ok(())
}

/// How many shown by name in the note on users without sessions.
const USERS_SHOWN: usize = 10;

/// `2 of the named users have no session under "session:": "jane", "bob"` (the first
/// [`USERS_SHOWN`], then how many more).
fn users_without_note(without: &[Vec<u8>], settings: &Settings) -> String {
    let shown: Vec<String> = without.iter().take(USERS_SHOWN).map(|u| excerpt(u)).collect();
    let more = match without.len().saturating_sub(USERS_SHOWN) {
        0 => String::new(),
        n => format!(" and {} more", output::thousands(n as i128)),
    };
    let (n, have) = match without.len() {
        1 => ("1 named user".to_string(), "has"),
        n => (format!("{} named users", output::thousands(n as i128)), "have"),
    };
    format!(
        "{n} {have} no session under {}: {}{more} (a typo, or already logged out?)",
        excerpt(settings.prefix.as_bytes()),
        shown.join(", ")
    )
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
            .map(|f| format!(" (from --users-file {})", crate::output::path(f)))
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

/// The session ids named on the command line, or one per line on stdin (`revoke -`, read as
/// `verify -` reads it).
fn targets(args: &RevokeArgs, settings: &Settings) -> anyhow::Result<Vec<Vec<u8>>> {
    if !args.targets.iter().any(|t| t == "-") {
        return args.targets.iter().map(|t| session_id_of(t, settings)).collect();
    }
    if args.targets.len() > 1 {
        return Err(usage("`-` reads the session ids, keys or cookies from stdin, one per line; give it alone"));
    }
    if args.users_file.as_deref().is_some_and(|f| f.as_os_str() == "-") {
        return Err(usage("`revoke -` and `--users-file -` both read stdin; put the users in a file"));
    }
    if io::stdin().is_terminal() && !settings.quiet {
        eprintln!("sessctl: reading session ids, keys or cookies from stdin, one per line; Ctrl-D ends");
    }
    let mut ids = Vec::new();
    let mut number = 0u64;
    crate::workflow::lines::stdin_lines(&mut |line| {
        number += 1;
        let text = line.ok_or_else(|| {
            usage(format!(
                "line {number} on stdin is longer than {} MiB; not a session id, key or cookie",
                crate::workflow::lines::MAX_LINE >> 20
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
    if crate::workflow::category::looks_like_token(id.as_bytes()) {
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
fn read_users(path: &std::path::Path) -> anyhow::Result<Vec<Vec<u8>>> {
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
