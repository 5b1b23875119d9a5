//! `sessctl cleanup`: for cron. Old sessions, keys without expiry, odd keys.

use std::io::{self, Write};

use crate::cli::{CleanupArgs, NoTtlAction};
use crate::config::{self, Settings};
use crate::error::{usage, Outcome};
use crate::output::Summary;
use crate::store::{Found, ScanRequest};

use super::{issued_at, Deleter};

/// Odd keys named on stderr before the rest are only counted.
const NAMED_ODD_KEYS: u64 = 10;

/// Keys given an expiry per pipeline.
const FIX_BATCH: usize = 1000;

pub fn run(settings: &Settings, args: &CleanupArgs) -> anyhow::Result<Outcome> {
    if args.max_age.is_some_and(|age| age.is_zero()) {
        return Err(usage("--max-age 0 would delete every session; give an age (30d), or use `sessctl revoke --all`"));
    }
    let store = super::connect(settings)?;
    let now = config::now()?;
    let cutoff = args.max_age.map(|age| now - age.as_secs_f64());
    let ttl_secs = settings.session_ttl.as_secs().max(1);
    let request = ScanRequest { with_ttl: true, users: Default::default(), count: settings.scan_count as usize };

    let mut deleter = Deleter::new(&store, args.dry_run);
    let mut to_fix: Vec<Vec<u8>> = Vec::new();
    let (mut sessions, mut too_old, mut no_ttl, mut non_string, mut malformed, mut fixed) =
        (0u64, 0u64, 0u64, 0u64, 0u64, 0u64);
    let mut failure: Option<anyhow::Error> = None;
    let summary = super::scan(settings, &store, &request, "keys checked", &mut |found| {
        let step = (|| -> anyhow::Result<()> {
            match found {
                Found::NotString { key, redis_type } => {
                    non_string += 1;
                    // Name the first few; the summary counts them all.
                    if !settings.quiet && non_string <= NAMED_ODD_KEYS {
                        eprintln!(
                            "sessctl: note: {} is a {redis_type}, not a session; left alone",
                            String::from_utf8_lossy(&key)
                        );
                    }
                }
                Found::Session(s) => {
                    sessions += 1;
                    if !super::stats::looks_like_token(&s.id) || s.user.is_empty() {
                        malformed += 1;
                    }
                    match s.ttl_ms {
                        None => {
                            no_ttl += 1;
                            match args.no_ttl {
                                NoTtlAction::Report => {}
                                NoTtlAction::Delete => deleter.push(s.key, s.user)?,
                                NoTtlAction::Fix if !args.dry_run => {
                                    to_fix.push(s.key);
                                    if to_fix.len() >= FIX_BATCH {
                                        fixed += fix(&store, &mut to_fix, ttl_secs)?;
                                    }
                                }
                                NoTtlAction::Fix => {}
                            }
                        }
                        ttl => {
                            if cutoff.is_some_and(|c| issued_at(settings, now, ttl).is_some_and(|t| t < c)) {
                                too_old += 1;
                                deleter.push(s.key, s.user)?;
                            }
                        }
                    }
                }
            }
            Ok(())
        })();
        match step {
            Ok(()) => true,
            Err(e) => {
                failure = Some(e);
                false
            }
        }
    })?;
    if let Some(e) = failure {
        return Err(e);
    }
    let interrupted = summary.interrupted && super::stopped();
    if !interrupted {
        deleter.flush()?;
        fixed += fix(&store, &mut to_fix, ttl_secs)?;
    }

    let mut report = Summary::default();
    report
        .add("scanned", summary.scanned)
        .add("sessions", sessions)
        .add("too_old", too_old)
        .add("no_ttl", no_ttl)
        .add("non_string", non_string)
        .add("malformed", malformed)
        .add("deleted", deleter.deleted)
        .add("fixed", fixed)
        .add("dry_run", args.dry_run)
        .add("interrupted", interrupted);
    let mut out = io::stdout().lock();
    report.write(&mut out, settings.output)?;
    out.flush()?;
    Ok(if interrupted { Outcome::Interrupted } else { Outcome::Success })
}

fn fix(store: &crate::store::Store, keys: &mut Vec<Vec<u8>>, ttl_secs: u64) -> anyhow::Result<u64> {
    if keys.is_empty() {
        return Ok(0);
    }
    let done = store.expire_if_persistent(keys, ttl_secs)?;
    keys.clear();
    Ok(done.iter().filter(|d| **d).count() as u64)
}
