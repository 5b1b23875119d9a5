//! One run of one subcommand, the same for all of them: the settings it uses resolved, the
//! files it names checked, `-o prometheus` refused where records are rendered, and its output
//! (a [`Sink`] it is handed) put into `--output-file` only when whole. What differs per subcommand is said by its
//! arguments' [`Invocable`] implementation, in the subcommand's own file.

use crate::cli::{Global, OutputFormat};
use crate::config::{Settings, Uses};
use crate::error::{self, Outcome};
use crate::sink::Sink;

use super::files::{refuse_shared_files, RunFiles};

/// What a subcommand tells the shared run about itself, and how it runs.
pub trait Invocable {
    /// The settings it reads from the environment: a variable a command does not use never
    /// breaks it.
    fn uses(&self) -> Uses;

    /// The files it reads and writes besides `--output-file` (checked to be distinct).
    fn files(&self, _settings: &Settings) -> anyhow::Result<RunFiles> {
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

    /// Runs it with the resolved settings, writing its output to `out`.
    fn run(&self, settings: &Settings, out: &mut Sink) -> anyhow::Result<Outcome>;
}

/// A run that failed: the error, the settings when they were resolved (the error line's hint
/// names where a setting came from), and the `--output-file` left as it was, if any.
pub struct Failed {
    pub error: anyhow::Error,
    pub settings: Option<Box<Settings>>,
    pub kept_output: Option<String>,
}

impl From<anyhow::Error> for Failed {
    fn from(error: anyhow::Error) -> Failed {
        Failed { error, settings: None, kept_output: None }
    }
}

/// Runs a subcommand: resolves the settings it uses, checks the files it names, and hands it
/// its output ([`Sink`]: stdout, or `--output-file`, which replaces the file only when the
/// output is whole).
pub fn run(global: &Global, command: &dyn Invocable) -> Result<Outcome, Failed> {
    let settings = Settings::load(&global.flags(), command.uses(), crate::terminal::detect())?;
    crate::messages::set_quiet(settings.quiet);
    match run_with(global, command, &settings) {
        Ok(outcome) => Ok(outcome),
        Err((error, kept_output)) => Err(Failed { error, settings: Some(Box::new(settings)), kept_output }),
    }
}

/// [`run`] once the settings are known; an error comes with the `--output-file` it left as it
/// was.
fn run_with(
    global: &Global,
    command: &dyn Invocable,
    settings: &Settings,
) -> Result<Outcome, (anyhow::Error, Option<String>)> {
    let files = command.files(settings).map_err(|e| (e, None))?;
    refuse_shared_files(global.output_file.as_deref(), files).map_err(|e| (e, None))?;
    let mut out = match &global.output_file {
        // mint prints live cookies, gen-secret a secret: their files are for the owner only.
        Some(path) => Sink::atomic_file(path, command.secret_output()).map_err(|e| (e, None))?,
        None => Sink::stdout(),
    };
    let result = checked_run(command, settings, &mut out);
    match result {
        Ok(outcome) if outcome.output_is_whole() => {
            out.commit().map_err(|e| (e, None))?;
            Ok(outcome)
        }
        Ok(outcome) => {
            if let Some(target) = out.abandon() {
                // Said even with --quiet, after what the command said about stopping: a cron
                // job's file did not change.
                crate::messages::said!("the output was not complete, so --output-file {target} was left as it was");
            }
            Ok(outcome)
        }
        // Said at the end of the error's line (even with --quiet): a cron job's file did not
        // change.
        Err(e) => Err((e, out.abandon())),
    }
}

/// Refuses `-o prometheus` for a command that renders records, then runs it.
fn checked_run(command: &dyn Invocable, settings: &Settings, out: &mut Sink) -> anyhow::Result<Outcome> {
    if command.renders_records() && settings.output == OutputFormat::Prometheus {
        return Err(error::usage("-o prometheus is for stats; use table, json or csv"));
    }
    command.run(settings, out)
}
