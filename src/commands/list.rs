//! `sessctl list`: the sessions under the prefix, streamed.

use std::collections::HashSet;
use std::io::{self, Write};

use serde::Serialize;

use crate::cli::{ListArgs, OutputFormat};
use crate::config::{self, Settings};
use crate::error::Outcome;
use crate::output::{self, Record, RecordWriter};
use crate::store::{Found, ScanRequest};

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
    fn cells(&self) -> Vec<String> {
        vec![
            self.session_id.clone(),
            self.user.clone(),
            output::human_ttl(self.ttl_seconds),
            self.expires_at.clone().unwrap_or_else(|| "never".into()),
        ]
    }
}

pub fn run(settings: &Settings, args: &ListArgs) -> anyhow::Result<Outcome> {
    let store = super::connect(settings)?;
    let now = config::now()?.floor() as i64;
    let request = ScanRequest {
        with_ttl: !args.count,
        users: args.user.iter().map(|u| u.as_bytes().to_vec()).collect::<HashSet<_>>(),
        count: settings.scan_count as usize,
    };
    let limit = args.limit.unwrap_or(u64::MAX);
    let mut shown = 0u64;
    let mut not_string = 0u64;
    let mut writer = RecordWriter::new::<Listed>(
        io::BufWriter::with_capacity(1 << 16, io::stdout().lock()),
        settings.output,
        settings.color,
    );
    let mut write_error: Option<io::Error> = None;
    let summary = super::scan(settings, &store, &request, "sessions listed", &mut |found| {
        match found {
            Found::NotString { .. } => not_string += 1,
            Found::Session(s) => {
                if shown >= limit {
                    return false;
                }
                shown += 1;
                if !args.count {
                    let ttl_seconds = s.ttl_ms.map(|ms| ms.div_euclid(1000));
                    let record = Listed {
                        session_id: output::text(&s.id),
                        user: output::text(&s.user),
                        ttl_seconds,
                        expires_at: ttl_seconds.and_then(|t| output::rfc3339(now.saturating_add(t))),
                    };
                    if let Err(e) = writer.write(&record) {
                        write_error = Some(e);
                        return false;
                    }
                }
            }
        }
        shown < limit
    })?;
    if let Some(e) = write_error {
        return Err(e.into());
    }
    let mut out = writer.finish()?;
    if args.count {
        match settings.output {
            OutputFormat::Json => writeln!(out, "{}", serde_json::json!({ "count": shown }))?,
            _ => writeln!(out, "{shown}")?,
        }
    }
    out.flush()?;
    if shown == 0 && !args.count && settings.output == OutputFormat::Table && !settings.quiet {
        eprintln!("sessctl: no sessions under {:?}", settings.prefix);
    }
    if not_string > 0 && !settings.quiet {
        eprintln!("sessctl: note: {not_string} key(s) under the prefix are not strings and were left out; `sessctl stats` counts them");
    }
    Ok(if summary.interrupted && super::stopped() { Outcome::Interrupted } else { Outcome::Success })
}
