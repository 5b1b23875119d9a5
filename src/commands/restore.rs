//! `sessctl restore FILE`: put back the sessions a `--backup` file holds.
//!
//! Each session comes back with the TTL it had when it was deleted minus the time since
//! (`SET key user NX PX ms`): one that would have expired by now is skipped, and a key that
//! exists again is never overwritten. Sessions the file marks as not deleted are skipped.
//! The whole file is read once before connecting, so a malformed line fails (exit 2, naming
//! the line) before anything is written.

use std::collections::HashSet;
use std::io::Write;

use crate::cli::RestoreArgs;
use crate::config::{self, Settings, Uses};
use crate::error::Outcome;
use crate::output::Summary;
use sessctl_store::{Lookup, Store};

use crate::sink::Sink;
use crate::workflow::backup::{remaining, Reader, Record};
use crate::workflow::deletion;
use crate::workflow::files::RunFiles;
use crate::workflow::invocation::Invocable;
use crate::workflow::session;

/// Sessions per pipeline.
const BATCH: usize = 1000;

#[derive(Default)]
struct Counts {
    restored: u64,
    expired: u64,
    already_present: u64,
    not_deleted: u64,
    duplicates: u64,
}

impl Invocable for RestoreArgs {
    fn uses(&self) -> Uses {
        Uses { redis: true, prefix: true, output: true, ..Uses::default() }
    }

    fn files(&self, _settings: &Settings) -> anyhow::Result<RunFiles> {
        Ok(RunFiles { input: Some(("restore's FILE", self.file.clone())), ..RunFiles::default() })
    }

    fn renders_records(&self) -> bool {
        true
    }

    fn run(&self, settings: &Settings, out: &mut Sink) -> anyhow::Result<Outcome> {
        run(settings, self, out)
    }
}

pub fn run(settings: &Settings, args: &RestoreArgs, out: &mut Sink) -> anyhow::Result<Outcome> {
    let (skip, sessions, truncated) = read_through(settings, args)?;
    if let Some(line) = truncated {
        // Not silenced by --quiet: the file holds less than the run that wrote it meant to.
        crate::messages::warning!(
            "the backup {} ends in an incomplete line {line} (the run that wrote it was cut short; that batch was never deleted): restoring up to line {}",
            crate::output::path(&args.file),
            line - 1
        );
    }

    let store = session::connect(settings)?;
    crate::signals::graceful();
    let mut c = Counts::default();
    let (interrupted, failure) = put_back_all(&store, args, &skip, &mut c)?;

    session::report_failovers(&store, None);
    let mut summary = Summary::default();
    // One convention for dry runs (docs/cli.md): what a real run would act on is counted
    // (`matched`: the sessions not expired and not marked not deleted, which a run puts back
    // unless already present), what was done is 0.
    summary
        .add("matched", c.restored + c.already_present)
        .add("restored", if args.dry_run { 0 } else { c.restored })
        .add("expired", c.expired)
        .add("already_present", c.already_present)
        .add("not_deleted", c.not_deleted)
        .add("duplicates", c.duplicates)
        .add("sessions_in_file", sessions)
        .add("truncated", truncated.is_some())
        .add("dry_run", args.dry_run)
        .add("interrupted", interrupted)
        .add("failovers", store.failovers().len() as u64)
        .add("complete", !interrupted && failure.is_none());
    summary.write(&mut *out, &settings.style)?;
    out.flush()?;
    if let Some(e) = failure {
        return Err(e.context("restore stopped part way; the summary above counts what was restored"));
    }
    Ok(if interrupted { Outcome::Interrupted } else { Outcome::Success })
}

/// The sessions a backup marks not deleted: key and the time of the line that saved it.
type NotDeleted = HashSet<(Vec<u8>, i64)>;

/// The first pass: every line must read; which sessions were never deleted, how many
/// sessions the file holds, and the line it ends in the middle of, if any.
fn read_through(settings: &Settings, args: &RestoreArgs) -> anyhow::Result<(NotDeleted, u64, Option<u64>)> {
    let mut reader = Reader::open(&args.file)?;
    reader.unverified = args.unverified;
    let mut skip = NotDeleted::new();
    let mut sessions = 0u64;
    while let Some(record) = reader.next_record()? {
        match record {
            Record::Session(entry) => {
                reader.check_prefix(&entry.key, settings.prefix.as_bytes())?;
                reader.check_shape(&entry, settings.prefix.as_bytes())?;
                sessions += 1;
            }
            Record::NotDeleted { key, time_ms } => {
                skip.insert((key, time_ms));
            }
        }
    }
    Ok((skip, sessions, reader.truncated))
}

/// The second pass: puts back, batch by batch, each session not marked not deleted, not
/// expired and not met before. Says whether a signal stopped it, and what failed.
fn put_back_all(
    store: &Store,
    args: &RestoreArgs,
    skip: &NotDeleted,
    c: &mut Counts,
) -> anyhow::Result<(bool, Option<anyhow::Error>)> {
    let mut reader = Reader::open(&args.file)?;
    reader.unverified = args.unverified;
    let mut batch: Vec<(Vec<u8>, Vec<u8>, Option<i64>)> = Vec::with_capacity(BATCH);
    let mut interrupted = false;
    let mut failure: Option<anyhow::Error> = None;
    let mut queued: HashSet<Vec<u8>> = HashSet::new();
    let mut now_ms = (config::now()? * 1000.0).floor() as i64;
    loop {
        let record = match reader.next_record() {
            Ok(r) => r,
            Err(e) => {
                failure = Some(e);
                break;
            }
        };
        let Some(record) = record else { break };
        let Record::Session(entry) = record else { continue };
        if skip.contains(&(entry.key.clone(), entry.time_ms)) {
            c.not_deleted += 1;
            continue;
        }
        // A key the file holds twice (a backup written before sessctl kept one line per key)
        // is put back once.
        if !queued.insert(entry.key.clone()) {
            c.duplicates += 1;
            continue;
        }
        match remaining(&entry, now_ms) {
            None => c.expired += 1,
            Some(ttl) => batch.push((entry.key, entry.user, ttl)),
        }
        if batch.len() >= BATCH {
            if session::stopped() {
                interrupted = true;
                break;
            }
            if let Err(e) = put_back(store, &mut batch, args.dry_run, c) {
                if args.dry_run && session::stopped() {
                    interrupted = true;
                } else {
                    failure = Some(e);
                }
                break;
            }
            // The TTLs of the next batch count the time this one took.
            now_ms = (config::now()? * 1000.0).floor() as i64;
        }
    }
    if failure.is_none() && !interrupted {
        if session::stopped() {
            interrupted = true;
        } else if let Err(e) = put_back(store, &mut batch, args.dry_run, c) {
            if args.dry_run && session::stopped() {
                interrupted = true;
            } else {
                failure = Some(e);
            }
        }
    }
    Ok((interrupted, failure))
}

/// Writes (or, in a dry run, looks up) one batch and counts the result.
fn put_back(
    store: &sessctl_store::Store,
    batch: &mut Vec<(Vec<u8>, Vec<u8>, Option<i64>)>,
    dry_run: bool,
    c: &mut Counts,
) -> anyhow::Result<()> {
    if batch.is_empty() {
        return Ok(());
    }
    if dry_run {
        let keys: Vec<Vec<u8>> = batch.iter().map(|(k, _, _)| k.clone()).collect();
        // A dry run only reads: abandoned at once on a signal.
        for lookup in store.lookup_many_until(&keys, &crate::signals::STOP)? {
            match lookup {
                Lookup::Missing => c.restored += 1,
                _ => c.already_present += 1,
            }
        }
    } else {
        let _batch = crate::signals::critical();
        let (done, unconfirmed) = deletion::split_unconfirmed(store.put_back(batch))?;
        if let Some(e) = unconfirmed {
            // Only the confirmed ones count; the others may or may not be back.
            c.restored += done.iter().filter(|d| **d).count() as u64;
            batch.clear();
            return Err(e.into());
        }
        for set in done {
            if set {
                c.restored += 1;
            } else {
                c.already_present += 1;
            }
        }
    }
    batch.clear();
    Ok(())
}
