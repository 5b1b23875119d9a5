//! `sessctl cleanup`: for cron. Old sessions, keys without expiry, odd keys.
//!
//! Keys it calls malformed (an id that is not a `token_urlsafe(32)`, or an empty user) and
//! keys that are not strings are counted and reported, and never deleted or changed, in any
//! mode: they were not made by the app, so their age and meaning are unknown.

use std::io::Write;
use std::ops::ControlFlow;
use std::time::Duration;

use crate::cli::{CleanupArgs, NoTtlAction};
use crate::config::{self, Settings, Uses};
use crate::error::{usage, Outcome};
use crate::output::{safe_bytes, Summary};
use sessctl_store::{Found, ScanEnd, ScanRequest, Store};

use crate::sink::Sink;
use crate::workflow::audit;
use crate::workflow::backup::BackupFile;
use crate::workflow::category::{classify, issued_at, Category};
use crate::workflow::deletion::{self, Deleter};
use crate::workflow::files::RunFiles;
use crate::workflow::invocation::Invocable;
use crate::workflow::pacing::Pacing;
use crate::workflow::session;
use crate::workflow::sources::{self, Sessions};

/// Odd keys named on stderr before the rest are only counted.
const NAMED_ODD_KEYS: u64 = 10;

/// Keys given an expiry per pipeline.
const FIX_BATCH: usize = 1000;

/// A `--max-age` under this needs `--yes` (`1m` is a minute, not a month).
const SHORT_AGE: Duration = Duration::from_secs(3600);

#[derive(Default)]
struct Counts {
    sessions: u64,
    too_old: u64,
    no_ttl: u64,
    non_string: u64,
    malformed: u64,
    fixed: u64,
}

impl Invocable for CleanupArgs {
    fn uses(&self) -> Uses {
        Uses { ttl: true, redis: true, prefix: true, output: true, ..Uses::default() }
    }

    fn files(&self, settings: &Settings) -> anyhow::Result<RunFiles> {
        Ok(RunFiles {
            backup: self.backup.clone(),
            audit_log: audit::path_for(&self.audit_log, settings)?,
            resume: self.pace.resume.clone(),
            input: None,
        })
    }

    fn renders_records(&self) -> bool {
        true
    }

    fn run(&self, settings: &Settings, out: &mut Sink) -> anyhow::Result<Outcome> {
        run(settings, self, out)
    }
}

pub fn run(settings: &Settings, args: &CleanupArgs, out: &mut Sink) -> anyhow::Result<Outcome> {
    check_max_age(settings, args)?;
    let mut pacing = pacing_for(settings, args)?;
    let mut audit = audit::open_audit(args.audit_log.clone(), "cleanup", settings)?;
    let mut backup = BackupFile::for_run(args.backup.as_deref(), args.dry_run)?;
    let store = session::connect(settings)?;
    let now = config::now()?;
    let cutoff = args.max_age.as_ref().map(|age| now - age.duration.as_secs_f64());
    let ttl_secs = settings.session_ttl.as_secs().max(1);
    let mut request = ScanRequest { with_ttl: true, count: settings.scan_count as usize, ..ScanRequest::default() };
    pacing.prepare(&mut request);

    let mut sweep = Sweep {
        settings,
        args,
        store: &store,
        deleter: Deleter::new(&store, settings, args.dry_run, audit.as_mut()).with_backup(backup.as_mut()),
        to_fix: Vec::new(),
        fix_audit: Vec::new(),
        c: Counts::default(),
        now,
        cutoff,
        ttl_secs,
    };
    let from = if args.snapshot { Sessions::Snapshot(&store) } else { Sessions::Scan(&store) };
    let scanned =
        sources::read(settings, from, request, false, "cleanup: checking sessions", &mut |found| sweep.visit(found));
    let (scanned, interrupted, mut failure, scan_summary) = match scanned {
        Ok(read) => (read.summary.scanned, read.summary.end == ScanEnd::Interrupted, None, Some(read.summary)),
        Err(e) => (sweep.c.sessions + sweep.c.non_string, false, Some(e), None),
    };
    let timeboxed = scan_summary.as_ref().is_some_and(|s| pacing.timeboxed(s));
    let interrupted = interrupted && !timeboxed;
    // After a signal the queued changes are dropped (stop soon), unless a resume file will say
    // the scan passed them.
    if (!interrupted || pacing.saves_on_stop()) && failure.is_none() {
        // The batches still queued are part of the run: send them.
        if let Err(e) = sweep.deleter.flush() {
            failure = Some(e);
        } else if let Err(e) = sweep.fix() {
            failure = Some(e);
        }
    }
    let deleted = sweep.deleter.deleted;
    let c = sweep.c;
    if let Some(summary) = &scan_summary {
        if let Err(e) = pacing.finish(summary, failure.is_none(), true) {
            failure.get_or_insert(e);
        }
    }
    if let Some(audit) = audit.as_mut() {
        audit.finish()?;
    }

    session::report_failovers(&store, None);
    let mut report = Summary::default();
    report
        .add("scanned", scanned)
        .add("sessions", c.sessions)
        .add("too_old", c.too_old)
        .add("no_ttl", c.no_ttl)
        .add("non_string", c.non_string)
        .add("malformed", c.malformed)
        .add("deleted", deleted)
        .add("fixed", c.fixed)
        .add("dry_run", args.dry_run)
        .add("interrupted", interrupted)
        .add("failovers", store.failovers().len() as u64)
        .add("complete", !interrupted && !timeboxed && failure.is_none());
    pacing.add_fields(&mut report, scan_summary.as_ref());
    report.write(&mut *out, &settings.style)?;
    out.flush()?;
    if let Some(e) = failure {
        if sources::refused_snapshot(&e) {
            // Refused before any session was read: nothing was done, nothing "part way".
            return Err(e);
        }
        return Err(e.context("cleanup stopped part way; the summary above counts what was done"));
    }
    Ok(if interrupted { Outcome::Interrupted } else { Outcome::Success })
}

/// `--rate`, `--max-latency`, `--max-duration` and `--resume` for this run, its selection
/// recorded for the resume file.
fn pacing_for(settings: &Settings, args: &CleanupArgs) -> anyhow::Result<Pacing> {
    let no_ttl = match args.no_ttl {
        NoTtlAction::Report => "report",
        NoTtlAction::Fix => "fix",
        NoTtlAction::Delete => "delete",
    };
    sources::refuse_pace_without_scan(args.snapshot.then_some("--snapshot"), &args.pace)?;
    Pacing::resolve(
        &args.pace,
        settings,
        "cleanup",
        vec![
            ("max_age_seconds", args.max_age.as_ref().map(|a| a.duration.as_secs()).into()),
            ("no_ttl", no_ttl.into()),
            ("ttl_seconds", settings.session_ttl.as_secs().into()),
            ("dry_run", args.dry_run.into()),
        ],
    )
}

/// One cleanup pass as the scan goes: what it counted, the deletions queued, and the keys to
/// give a TTL.
struct Sweep<'a> {
    settings: &'a Settings,
    args: &'a CleanupArgs,
    store: &'a Store,
    deleter: Deleter<'a>,
    to_fix: Vec<Vec<u8>>,
    /// Per key to fix: its id and user (for the audit log) and whether it came again.
    fix_audit: Vec<(Vec<u8>, Vec<u8>, bool)>,
    c: Counts,
    now: f64,
    /// Sessions issued before this are too old (`--max-age`).
    cutoff: Option<f64>,
    /// The TTL a key without one is given (`--no-ttl fix`).
    ttl_secs: u64,
}

impl Sweep<'_> {
    /// Counts one key the scan found, and queues what is to be done to it.
    fn visit(&mut self, found: Found) -> anyhow::Result<ControlFlow<()>> {
        let (settings, args, c) = (self.settings, self.args, &mut self.c);
        match found {
            Found::NotString { key, redis_type } => {
                c.non_string += 1;
                // Name the first few; the summary counts them all.
                if c.non_string <= NAMED_ODD_KEYS {
                    crate::messages::note!("{} is a {redis_type}, not a session; left alone", safe_bytes(&key));
                }
            }
            Found::Session(s) => {
                // Seen again (after a failover restarted its part of the scan, or returned twice
                // by SCAN): deleted or given a TTL again (the old primary may not have passed
                // the change on) but counted once.
                let new = u64::from(!s.repeat);
                c.sessions += new;
                // One definition with doctor and stats (category.rs).
                let category = classify(&s.id, s.user.len() as u64, s.ttl_ms);
                if category == Category::Malformed {
                    // Reported, never touched.
                    c.malformed += new;
                    return Ok(ControlFlow::Continue(()));
                }
                match s.ttl_ms {
                    None => {
                        c.no_ttl += new;
                        match args.no_ttl {
                            NoTtlAction::Report => {}
                            NoTtlAction::Delete => self.deleter.push(s.key, s.user, None, "no_ttl", s.repeat)?,
                            NoTtlAction::Fix if !args.dry_run => {
                                self.to_fix.push(s.key);
                                self.fix_audit.push((s.id, s.user, s.repeat));
                                if self.to_fix.len() >= FIX_BATCH {
                                    self.fix()?;
                                }
                            }
                            NoTtlAction::Fix => {}
                        }
                    }
                    ttl => {
                        if self.cutoff.is_some_and(|c| issued_at(settings, self.now, ttl).is_some_and(|t| t < c)) {
                            c.too_old += new;
                            self.deleter.push(s.key, s.user, s.ttl_ms, "too_old", s.repeat)?;
                        }
                    }
                }
            }
        }
        Ok(ControlFlow::Continue(()))
    }

    /// Gives the queued keys without expiry their TTL (see [`fix`]).
    fn fix(&mut self) -> anyhow::Result<()> {
        fix(
            self.store,
            &mut self.to_fix,
            &mut self.fix_audit,
            self.ttl_secs,
            self.deleter.audit.as_deref_mut(),
            &mut self.c.fixed,
        )
    }
}

/// The `--max-age` traps, refused before anything is scanned: an age at or over `--ttl` can
/// never match (no session is older than its lifetime), and an age under an hour is almost
/// always a unit slip (`1m` for a month) that would delete nearly every session.
fn check_max_age(settings: &Settings, args: &CleanupArgs) -> anyhow::Result<()> {
    let Some(typed) = &args.max_age else { return Ok(()) };
    let age = typed.duration;
    // Echoed as typed (`8d`); the TTL in the same short form (`7d`).
    let show = |d: Duration| crate::output::human_duration(d);
    if age >= settings.session_ttl {
        return Err(usage(format!(
            "--max-age {} is not less than --ttl {} (the sessions' lifetime), so no session can be that old; give a shorter --max-age, or set {} to the app's real session lifetime",
            typed.text,
            show(settings.session_ttl),
            settings.setting_source("ttl", "--ttl", "SESSCTL_TTL")
        )));
    }
    if age < SHORT_AGE && !args.yes {
        return Err(usage(format!(
            "--max-age {} would delete every session older than that (nearly all of them); if that is meant, add --yes (a month is 30d, not 1m)",
            typed.text
        )));
    }
    Ok(())
}

fn fix(
    store: &sessctl_store::Store,
    keys: &mut Vec<Vec<u8>>,
    who: &mut Vec<(Vec<u8>, Vec<u8>, bool)>,
    ttl_secs: u64,
    audit: Option<&mut audit::AuditLog>,
    fixed: &mut u64,
) -> anyhow::Result<()> {
    if keys.is_empty() {
        return Ok(());
    }
    let _batch = crate::signals::critical();
    let (done, unconfirmed) = deletion::split_unconfirmed(store.expire_if_persistent(keys, ttl_secs))?;
    if let Some(audit) = audit {
        audit.record(
            audit::Action::TtlSet,
            who.iter().zip(&done).filter(|(_, d)| **d).map(|((id, user, _), _)| (&id[..], &user[..], "no_ttl")),
        )?;
    }
    // Only confirmed TTLs count (and are audited); see `split_unconfirmed`. A key met again
    // after its part of the scan restarted is fixed again (a failover may have lost the first
    // TTL) but counted once.
    *fixed += done.iter().zip(who.iter()).filter(|(d, (_, _, repeat))| **d && !*repeat).count() as u64;
    keys.clear();
    who.clear();
    match unconfirmed {
        None => Ok(()),
        Some(e) => Err(e.into()),
    }
}
