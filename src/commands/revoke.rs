//! `sessctl revoke`: really log users out (the package's own logout deletes the wrong key).

use std::collections::HashSet;
use std::io::{self, IsTerminal, Write};

use crate::cli::RevokeArgs;
use crate::config::{self, Settings, Uses};
use crate::error::{usage, Outcome};
use crate::output::{self, excerpt, Summary};
use crate::values;
use sessctl_store::Store;

use crate::sink::Sink;
use crate::workflow::audit;
use crate::workflow::backup::BackupFile;
use crate::workflow::files::RunFiles;
use crate::workflow::invocation::Invocable;
use crate::workflow::pacing::{users_digest, Pacing};
use crate::workflow::revocation::{pass, Pass, Plan, Purpose};
use crate::workflow::session;
use crate::workflow::session_ids::{read_users, targets};
use crate::workflow::sources;

impl Invocable for RevokeArgs {
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

    fn files(&self, settings: &Settings) -> anyhow::Result<RunFiles> {
        Ok(RunFiles {
            backup: self.backup.clone(),
            audit_log: audit::path_for(&self.audit_log, settings)?,
            resume: self.pace.resume.clone(),
            input: self.users_file.clone().map(|p| ("--users-file", p)),
        })
    }

    fn renders_records(&self) -> bool {
        true
    }

    fn run(&self, settings: &Settings, out: &mut Sink) -> anyhow::Result<Outcome> {
        run(settings, self, out)
    }
}

pub fn run(settings: &Settings, args: &RevokeArgs, out: &mut Sink) -> anyhow::Result<Outcome> {
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
    sources::refuse_pace_without_scan(args.snapshot.then_some("--snapshot"), &args.pace)?;
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
    let ids = targets(&args.targets, args.users_file.as_deref(), settings)?;
    let asks = (args.all || args.users_file.is_some()) && !args.dry_run && !args.yes;
    if asks && !io::stdin().is_terminal() {
        // Refused before connecting: nobody can answer, and --yes says the caller means it.
        let selection = selection(args, &users, &ids, cutoff, settings);
        let place = session::target(settings, None);
        return Err(usage(format!(
            "refusing to revoke {selection} on {place} without --yes: stdin is not a terminal, so nobody can confirm; add --yes (try --dry-run first to count them)"
        )));
    }
    let mut audit = audit::open_audit(args.audit_log.clone(), "revoke", settings)?;
    let mut backup = BackupFile::for_run(args.backup.as_deref(), args.dry_run)?;

    let store = session::connect(settings)?;
    let plan = Plan { ids: &ids, users, all: args.all, cutoff, now, snapshot: args.snapshot };
    if asks {
        if let Some(outcome) = count_and_ask(settings, args, &store, &plan, &pacing, out)? {
            return Ok(outcome);
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
    session::report_failovers(&store, None);
    print_summary(settings, &store, &done, args.dry_run, &pacing, out)?;
    let interrupted = done.interrupted;
    if let Some(e) = done.failure {
        if sources::refused_snapshot(&e) {
            // Refused before any session was read: nothing was done, nothing "part way".
            return Err(e);
        }
        return Err(e.context("revoke stopped part way; the summary above counts what was revoked"));
    }
    Ok(if interrupted { Outcome::Interrupted } else { Outcome::Success })
}

/// Counts what would be revoked, then asks the operator with the number in front of them
/// (`--all`: the number typed back). `Some` ends the run: nothing to revoke, interrupted or
/// declined; `None` goes on to revoke.
fn count_and_ask(
    settings: &Settings,
    args: &RevokeArgs,
    store: &Store,
    plan: &Plan,
    pacing: &Pacing,
    out: &mut Sink,
) -> anyhow::Result<Option<Outcome>> {
    // The operator's time matters more than one extra scan: count first, then ask with
    // the number in front of them.
    // Counted at the same pace, without the time box or the resume file.
    let counted = pass(settings, store, plan, true, None, None, &mut pacing.pace_only(), Purpose::Count);
    if let Some(e) = counted.failure {
        return Err(e.context("cannot count the sessions to revoke; nothing was revoked"));
    }
    if counted.interrupted {
        crate::messages::said!("interrupted while counting; nothing was revoked");
        return Ok(Some(Outcome::Interrupted));
    }
    let selection = selection(args, &plan.users, plan.ids, plan.cutoff, settings);
    let place = session::target(settings, Some(store));
    if counted.matched == 0 {
        crate::messages::status!("no session matches ({selection} on {place}); nothing was revoked");
        print_summary(settings, store, &counted, false, pacing, out)?;
        return Ok(Some(Outcome::Success));
    }
    // Back to immediate mode for the question: Ctrl-C there ends the run at once.
    crate::signals::immediate();
    if crate::signals::stopped() {
        crate::messages::said!("interrupted while counting; nothing was revoked");
        return Ok(Some(Outcome::Interrupted));
    }
    let n = output::thousands(i128::from(counted.matched));
    let sessions = if counted.matched == 1 { "session" } else { "sessions" };
    let yes = if args.all {
        crate::messages::said!("about to revoke {selection} on {place}: {n} {sessions} now.");
        let answer = crate::terminal::ask(
            &format!("Type {} to revoke them all (anything else cancels): ", counted.matched),
            "nothing was revoked",
        )?;
        typed_number(&answer) == Some(counted.matched)
    } else {
        crate::messages::said!("about to revoke {selection} on {place}: {n} {sessions} now.");
        crate::terminal::confirm(&format!("Revoke these {n} {sessions}"), "nothing was revoked")?
    };
    if !yes {
        crate::messages::said!("cancelled; nothing was revoked");
        return Ok(Some(Outcome::Declined));
    }
    Ok(None)
}

/// The JSON/CSV/table summary of a pass on stdout.
fn print_summary(
    settings: &Settings,
    store: &Store,
    p: &Pass,
    dry_run: bool,
    pacing: &Pacing,
    out: &mut Sink,
) -> anyhow::Result<()> {
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
                if !without.is_empty() {
                    crate::messages::note!("{}", users_without_note(without, settings));
                }
            }
            // A scan that did not see the whole keyspace cannot say who has no session.
            None => {
                summary.add("users_without_sessions", serde_json::Value::Null);
            }
        }
    }
    pacing.add_fields(&mut summary, p.scan.as_ref());
    summary.write(&mut *out, &settings.style)?;
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
