//! `sessctl doctor`: checks the setup and explains what is wrong (the checks are in
//! `workflow::checks`). One row per check (ok, warn or
//! fail, a detail and a hint); exit 0 when nothing failed, 1 otherwise. Read-only: it changes
//! no data, and never prints the secret. docs/doctor.md describes each check.

use std::io::Write;

use crate::cli::{DoctorArgs, OutputFormat};
use crate::config::{Settings, Uses};
use crate::error::Outcome;
use crate::output::{Column, Record, RecordWriter};
use crate::sink::Sink;
use crate::workflow::checks::{config_checks, redis_checks, secret_checks, status_word, Check, Status};
use crate::workflow::invocation::Invocable;

impl Invocable for DoctorArgs {
    fn uses(&self) -> Uses {
        Uses { secret: true, key_version: true, redis: true, prefix: true, output: true, ..Uses::default() }
    }

    fn renders_records(&self) -> bool {
        true
    }

    fn run(&self, settings: &Settings, out: &mut Sink) -> anyhow::Result<Outcome> {
        run(settings, self, out)
    }
}

pub fn run(settings: &Settings, args: &DoctorArgs, out: &mut Sink) -> anyhow::Result<Outcome> {
    let mut checks = config_checks(settings);
    checks.extend(secret_checks(settings));
    checks.extend(redis_checks(settings, args));
    print(settings, &checks, out)?;
    let failed: Vec<&str> = checks.iter().filter(|c| c.status == Status::Fail).map(|c| c.check).collect();
    if failed.is_empty() {
        Ok(Outcome::Success)
    } else {
        // The report is whole (an --output-file gets it); the exit status says it failed.
        crate::messages::said!("doctor: {} of {} checks failed ({})", failed.len(), checks.len(), failed.join(", "));
        Ok(Outcome::Failed)
    }
}

fn print(settings: &Settings, checks: &[Check], out: &mut Sink) -> anyhow::Result<()> {
    if settings.output != OutputFormat::Table {
        let mut writer = RecordWriter::new::<Check>(&mut *out, settings.style);
        for check in checks {
            writer.write(check)?;
        }
        writer.finish()?;
        return Ok(());
    }
    // Status, check, then the detail with its hint below it: sentences wrap inside their
    // column, so a row never wraps on the terminal and nothing is cut.
    let rows: Vec<_> = checks
        .iter()
        .map(|check| {
            let mut detail = crate::output::terminal_safe(&check.detail).into_owned();
            if let Some(hint) = &check.hint {
                detail.push_str("\nhint: ");
                detail.push_str(&crate::output::terminal_safe(hint));
            }
            (vec![format!("{:<4}", status_word(check.status)), check.check.to_string(), detail], check.accent())
        })
        .collect();
    crate::output::write_table(&mut *out, &settings.style, &[], &rows, &[Column::Text, Column::Text, Column::Wrap])?;
    let count = |s: Status| checks.iter().filter(|c| c.status == s).count();
    let warnings = match count(Status::Warn) {
        1 => "1 warning".to_string(),
        n => format!("{n} warnings"),
    };
    writeln!(out, "\n{} ok, {warnings}, {} failed", count(Status::Ok), count(Status::Fail))?;
    out.flush()?;
    Ok(())
}
