//! `sessctl list`: the sessions under the prefix, streamed.

use std::collections::HashSet;
use std::io::{self, Write};
use std::ops::ControlFlow;

use serde::Serialize;

use crate::cli::{ListArgs, OutputFormat};
use crate::config::{self, Settings, Uses};
use crate::error::{usage, Outcome};
use crate::output::{self, excerpt, Column, Record, RecordWriter, Style, Summary};
use sessctl_store::{Found, ScanEnd, ScanRequest, ScanSummary};

use crate::sink::Sink;
use crate::workflow::files::RunFiles;
use crate::workflow::invocation::Invocable;
use crate::workflow::pacing::{users_digest, Pacing};
use crate::workflow::session;
use crate::workflow::sources::{self, Sessions};

/// The `list` JSON record.
#[derive(Debug, Serialize)]
pub struct Listed {
    pub session_id: String,
    pub user: String,
    pub ttl_seconds: Option<i64>,
    pub expires_at: Option<String>,
}

impl Record for Listed {
    fn columns() -> &'static [&'static str] {
        &["session id", "user", "ttl", "expires at"]
    }
    fn fields() -> &'static [&'static str] {
        &["session_id", "user", "ttl_seconds", "expires_at"]
    }
    fn kinds() -> &'static [Column] {
        &[Column::Id, Column::Text, Column::Number, Column::Fixed]
    }
    fn reserve() -> &'static [usize] {
        // `no expiry` (or `6d 23h`) and an RFC 3339 time (or `never`).
        &[0, 0, 9, 20]
    }
    fn cells(&self) -> Vec<String> {
        vec![
            self.session_id.clone(),
            self.user.clone(),
            output::human_ttl(self.ttl_seconds),
            self.expires_at.clone().unwrap_or_else(|| "never".into()),
        ]
    }
}

impl Invocable for ListArgs {
    fn uses(&self) -> Uses {
        Uses { redis: true, prefix: true, output: true, ..Uses::default() }
    }

    fn files(&self, _settings: &Settings) -> anyhow::Result<RunFiles> {
        Ok(RunFiles {
            input: self.source.rdb.clone().map(|p| ("--rdb", p)),
            resume: self.pace.resume.clone(),
            ..RunFiles::default()
        })
    }

    fn renders_records(&self) -> bool {
        true
    }

    fn run(&self, settings: &Settings, out: &mut Sink) -> anyhow::Result<Outcome> {
        run(settings, self, out)
    }
}

pub fn run(settings: &Settings, args: &ListArgs, out: &mut Sink) -> anyhow::Result<Outcome> {
    let limit = args.limit.unwrap_or(u64::MAX);
    let users = args.user.iter().map(|u| u.as_bytes().to_vec()).collect::<HashSet<_>>();
    if args.limit.is_some() && args.pace.resume.is_some() {
        return Err(usage(
            "--limit stops the scan in the middle of a batch, where --resume cannot continue exactly; leave out one of them",
        ));
    }
    let mut pacing = Pacing::resolve(&args.pace, settings, "list", vec![("users", users_digest(&users))])?;
    sources::refuse_pace_without_scan(args.source.instead_of_scan(), &args.pace)?;
    sources::refuse_now_without_dump(&args.source)?;
    let store = if limit == 0 || args.source.rdb.is_some() { None } else { Some(session::connect(settings)?) };
    let from = match (&args.source.rdb, &store) {
        _ if limit == 0 => None,
        (Some(path), _) => Some(Sessions::Rdb(path)),
        (None, Some(store)) if args.source.snapshot => Some(Sessions::Snapshot(store)),
        (None, Some(store)) => Some(Sessions::Scan(store)),
        (None, None) => None,
    };
    let now_ms = expiry_clock()?;
    let mut request =
        ScanRequest { with_ttl: !args.count, users, count: settings.scan_count as usize, ..ScanRequest::default() };
    let mut shown = 0u64;
    let mut not_string = 0u64;
    // With --count no record is written (nor a CSV header for records).
    let mut writer = RecordWriter::new::<Listed>(
        io::BufWriter::with_capacity(1 << 16, &mut *out),
        if args.count { Style::plain(OutputFormat::Json) } else { settings.style },
    );
    let mut reached_limit = limit == 0;
    let mut interrupted = false;
    let mut timeboxed = false;
    let mut scan_summary = None;
    if let Some(from) = from {
        if matches!(from, Sessions::Scan(_)) {
            pacing.prepare(&mut request);
        }
        let read = sources::read(settings, from, request, args.source.now, "listing sessions", &mut |found| {
            match found {
                Found::NotString { .. } => not_string += 1,
                // Listed already, before a failover restarted its part of the scan.
                Found::Session(s) if s.repeat => {}
                Found::Session(s) => {
                    if shown >= limit {
                        reached_limit = true;
                        return Ok(ControlFlow::Break(()));
                    }
                    shown += 1;
                    if !args.count {
                        let ttl_seconds = s.ttl_ms.map(|ms| ms.div_euclid(1000));
                        let record = Listed {
                            session_id: output::text(&s.id),
                            user: output::text(&s.user),
                            ttl_seconds,
                            expires_at: match s.expires_at_ms {
                                Some(ms) => output::rfc3339(ms.div_euclid(1000)),
                                None => s
                                    .ttl_ms
                                    .and_then(|ms| output::rfc3339(now_ms().saturating_add(ms).div_euclid(1000))),
                            },
                        };
                        writer.write(&record)?;
                    }
                }
            }
            if shown >= limit {
                reached_limit = true;
            }
            Ok(if shown < limit { ControlFlow::Continue(()) } else { ControlFlow::Break(()) })
        })?;
        let summary = read.summary;
        timeboxed = pacing.timeboxed(&summary);
        interrupted = summary.end == ScanEnd::Interrupted && !timeboxed;
        scan_summary = Some(summary);
    }
    let mut out = writer.finish()?;
    if args.count {
        write_count(&mut out, settings, shown, !interrupted && !timeboxed, &pacing, scan_summary.as_ref())?;
    }
    out.flush()?;
    if let Some(summary) = &scan_summary {
        pacing.finish(summary, true, args.count && settings.output != OutputFormat::Table)?;
    }
    closing_notes(settings, args, shown, reached_limit, interrupted, timeboxed, not_string);
    Ok(if interrupted { Outcome::Interrupted } else { Outcome::Success })
}

/// The clock `expires_at` is read from. The expiry is the moment the TTL was read plus the
/// TTL, in milliseconds, and then floored to the second, as `mint` floors the moment it signs
/// (so both print the same `expires_at` for one session). SESSCTL_NOW pins that moment;
/// otherwise it is read for each session, so a long scan does not date late rows from its
/// start.
fn expiry_clock() -> anyhow::Result<impl Fn() -> i64> {
    let pinned_ms = std::env::var_os("SESSCTL_NOW").map(|_| config::now()).transpose()?.map(|t| (t * 1000.0) as i64);
    Ok(move || {
        pinned_ms.unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_millis() as i64)
                .unwrap_or(0)
        })
    })
}

/// `--count`: the number alone on a terminal (and only for a whole scan), else a summary.
fn write_count(
    out: &mut impl Write,
    settings: &Settings,
    shown: u64,
    complete: bool,
    pacing: &Pacing,
    scan_summary: Option<&ScanSummary>,
) -> anyhow::Result<()> {
    match settings.output {
        // A bare number is taken for the total: none for a part of the scan.
        OutputFormat::Table if !complete || pacing.continued() => {}
        OutputFormat::Table | OutputFormat::Prometheus => writeln!(out, "{shown}")?,
        format => {
            let mut summary = Summary::default();
            summary.add("count", shown).add("complete", complete);
            pacing.add_fields(&mut summary, scan_summary);
            summary.write(&mut *out, &Style { format, ..settings.style })?;
        }
    }
    Ok(())
}

/// What stderr says at the end: an interruption, why an empty table is empty, and the keys
/// that are not strings.
fn closing_notes(
    settings: &Settings,
    args: &ListArgs,
    shown: u64,
    reached_limit: bool,
    interrupted: bool,
    timeboxed: bool,
    not_string: u64,
) {
    if timeboxed {
        // pacing.finish said where the scan stopped.
    } else if interrupted {
        crate::messages::said!(
            "interrupted: {} {} before stopping; the list is incomplete",
            if args.count { "counted" } else { "listed" },
            output::plural(shown, "session", "sessions")
        );
    } else if shown == 0 && !args.count && settings.output == OutputFormat::Table {
        crate::messages::status!("{}", nothing_listed(settings, args, reached_limit));
    }
    if not_string > 0 {
        let what = match not_string {
            1 => "1 key under the prefix is not a string and was".to_string(),
            n => format!("{n} keys under the prefix are not strings and were"),
        };
        crate::messages::note!("{what} left out; `sessctl stats` counts them");
    }
}

/// Why an empty table is empty, in words that are true: `--limit 0` lists nothing, and a
/// `--user` filter says only that those users have no sessions.
fn nothing_listed(settings: &Settings, args: &ListArgs, reached_limit: bool) -> String {
    let prefix = excerpt(settings.prefix.as_bytes());
    if reached_limit {
        return "nothing listed: --limit 0".to_string();
    }
    match args.user.len() {
        0 => format!("no sessions under {prefix}"),
        1 => format!("no sessions of user {} under {prefix}", excerpt(args.user[0].as_bytes())),
        n => format!("no sessions of these {n} users under {prefix}"),
    }
}
