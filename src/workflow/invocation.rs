//! One run of one subcommand, the same for all of them: the settings it uses resolved, the
//! files it names checked, `-o prometheus` refused where records are rendered, and its output
//! put into `--output-file` only when whole. What differs per subcommand is said by its
//! arguments' [`Subcommand`] implementation, in the subcommand's own file.

use std::sync::Mutex;

use crate::cli::{Global, OutputFormat};
use crate::config::{Settings, Uses};
use crate::error::{self, Outcome};

use super::files::{refuse_shared_files, RunFiles};
use super::output_file;

/// What a subcommand tells the shared run about itself, and how it runs.
pub trait Subcommand {
    /// The settings it reads from the environment: a variable a command does not use never
    /// breaks it.
    fn uses(&self) -> Uses;

    /// The files it reads and writes besides `--output-file` (checked to be distinct).
    fn files(&self) -> anyhow::Result<RunFiles> {
        Ok(RunFiles::default())
    }

    /// True when it writes records (table, JSON, CSV), for which `-o prometheus` is refused.
    fn renders_records(&self) -> bool {
        false
    }

    /// True when its output holds secrets (live cookies, a secret): an `--output-file` is
    /// then for its owner only.
    fn secret_output(&self) -> bool {
        false
    }

    /// Runs it with the resolved settings.
    fn run(&self, settings: &Settings) -> anyhow::Result<Outcome>;
}

/// The `--output-file` left as it was by a run that failed (said at the end of its error line).
static KEPT_OUTPUT: Mutex<Option<String>> = Mutex::new(None);

/// The `--output-file` a failed run left as it was, if any.
pub fn kept_output() -> Option<String> {
    KEPT_OUTPUT.lock().ok().and_then(|k| k.clone())
}

/// Runs a subcommand; with `--output-file`, its output replaces the file only when it is whole
/// (see [`output_file`]).
pub fn run(global: &Global, command: &dyn Subcommand) -> anyhow::Result<Outcome> {
    let settings = Settings::resolve(global, command.uses())?;
    refuse_shared_files(global.output_file.as_deref(), command.files()?)?;
    let Some(path) = global.output_file.clone() else { return checked_run(command, &settings) };
    // mint prints live cookies, gen-secret a secret: their files are for the owner only.
    let file = output_file::AtomicOutput::begin(&path, command.secret_output())?;
    let result = checked_run(command, &settings);
    match &result {
        Ok(outcome) if outcome.output_is_whole() => {
            file.commit()?;
        }
        Err(_) => {
            let target = crate::output::path(file.target());
            file.abandon();
            // Said at the end of the error's line (even with --quiet): a cron job's file did
            // not change.
            if let Ok(mut kept) = KEPT_OUTPUT.lock() {
                *kept = Some(target);
            }
        }
        Ok(_) => {
            let target = crate::output::path(file.target());
            file.abandon();
            // Said even with --quiet, after what the command said about stopping: a cron
            // job's file did not change.
            eprintln!("sessctl: the output was not complete, so --output-file {target} was left as it was");
        }
    }
    result
}

/// Refuses `-o prometheus` for a command that renders records, then runs it.
fn checked_run(command: &dyn Subcommand, settings: &Settings) -> anyhow::Result<Outcome> {
    if command.renders_records() && settings.output == OutputFormat::Prometheus {
        return Err(error::usage("-o prometheus is for stats; use table, json or csv"));
    }
    command.run(settings)
}
