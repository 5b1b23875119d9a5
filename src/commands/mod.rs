//! One module per subcommand: glue that reads settings, calls the core and renders.

mod cleanup;
mod decode;
mod gen_secret;
mod list;
mod mint;
mod revoke;
pub(crate) mod stats;
mod verify;

use std::io::{self, Write};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};

use anyhow::Context;

use crate::cli::{Cli, Command};
use crate::config::Settings;
use crate::error::{self, Outcome};
use crate::store::{Found, ScanRequest, ScanSummary, Store};

/// Set by Ctrl-C (or SIGTERM): long commands stop at the next batch and report.
pub static STOP: AtomicBool = AtomicBool::new(false);

/// Parses the command line, runs the command, maps the result to an exit status.
pub fn main() -> ExitCode {
    let parsed = crate::cli::command().try_get_matches().and_then(|matches| {
        use clap::FromArgMatches;
        Cli::from_arg_matches(&matches)
    });
    let cli = match parsed {
        Ok(cli) => cli,
        Err(e) => {
            use clap::error::ErrorKind;
            return match e.kind() {
                ErrorKind::DisplayHelp
                | ErrorKind::DisplayVersion
                | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
                    let _ = e.print();
                    if e.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand {
                        ExitCode::from(error::exit::USAGE)
                    } else {
                        ExitCode::SUCCESS
                    }
                }
                _ => {
                    eprintln!("sessctl: {}", usage_line(&e.render().to_string()));
                    ExitCode::from(error::exit::USAGE)
                }
            };
        }
    };
    install_interrupt_handler();
    match run(cli) {
        Ok(outcome) => ExitCode::from(outcome.code()),
        Err(e) if is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("sessctl: {}", one_line(&e));
            ExitCode::from(error::code_for(&e))
        }
    }
}

/// clap's usage error as one line: the error and its tip, then where to read more.
fn usage_line(rendered: &str) -> String {
    let mut line = String::new();
    for part in rendered
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with("Usage:") && !l.starts_with("For more information"))
        .map(|l| l.trim_start_matches("error: ").trim_start_matches("tip: "))
    {
        if !line.is_empty() {
            line.push_str(if line.ends_with(':') { " " } else { "; " });
        }
        line.push_str(part);
    }
    let command = crate::cli::command();
    let sub = std::env::args().skip(1).find(|a| command.get_subcommands().any(|s| s.get_name() == a));
    match sub {
        Some(sub) => format!("{line}; see `sessctl {sub} --help`"),
        None => format!("{line}; see `sessctl --help`"),
    }
}

/// Runs a parsed command line.
pub fn run(cli: Cli) -> anyhow::Result<Outcome> {
    let settings = Settings::from_global(&cli.global)?;
    let renders_records = matches!(
        cli.command,
        Command::Verify(_) | Command::Decode(_) | Command::List(_) | Command::Revoke(_) | Command::Cleanup(_)
    );
    if renders_records && settings.output == crate::cli::OutputFormat::Prometheus {
        return Err(error::usage("-o prometheus is for stats; use table, json or csv"));
    }
    match cli.command {
        Command::Mint(args) => mint::run(&settings, &args),
        Command::Verify(args) => verify::run(&settings, &args),
        Command::Decode(args) => decode::run(&settings, &args),
        Command::List(args) => list::run(&settings, &args),
        Command::Revoke(args) => revoke::run(&settings, &args),
        Command::Cleanup(args) => cleanup::run(&settings, &args),
        Command::Stats(args) => stats::run(&settings, &args),
        Command::GenSecret(args) => gen_secret::run(&settings, &args),
        Command::Completions(args) => {
            let mut cmd = crate::cli::command();
            let mut out = io::stdout().lock();
            clap_complete::generate(args.shell, &mut cmd, "sessctl", &mut out);
            out.flush()?;
            Ok(Outcome::Success)
        }
        Command::Man(args) => {
            let name = args.command.as_deref().unwrap_or("");
            let page = crate::help::man_page(name)
                .ok_or_else(|| error::usage(format!("no man page for {name:?}; see `sessctl man --help`")))?;
            let mut out = io::stdout().lock();
            out.write_all(&page)?;
            out.flush()?;
            Ok(Outcome::Success)
        }
    }
}

/// Connects to Redis as the settings say.
pub(crate) fn connect(settings: &Settings) -> anyhow::Result<Store> {
    Store::connect(settings.redis.clone()).map_err(|e| match e {
        // A URL that cannot be parsed is a bad value (exit 2), not an unreachable server.
        e @ crate::store::StoreError::Url { .. } => error::usage(e.to_string()),
        e => e.into(),
    })
}

/// Scans under the prefix with a progress spinner on stderr, stopping at Ctrl-C.
pub(crate) fn scan(
    settings: &Settings,
    store: &Store,
    request: &ScanRequest,
    what: &str,
    visit: &mut dyn FnMut(Found) -> bool,
) -> anyhow::Result<ScanSummary> {
    let bar = crate::output::spinner(settings.chatty, what);
    let result = store.scan(request, &STOP, &mut |found| {
        bar.inc(1);
        visit(found)
    });
    bar.finish_and_clear();
    let summary = result?;
    if summary.reconnects > 0 && !settings.quiet {
        eprintln!(
            "sessctl: note: the connection to Redis dropped {} time(s); the scan resumed where it stopped",
            summary.reconnects
        );
    }
    if summary.resharding && !summary.interrupted {
        // Not silenced by --quiet: the answer may be incomplete.
        let moved = match summary.moved {
            0 => String::new(),
            n => format!(", {n} key(s) moved between their scan and their read"),
        };
        eprintln!(
            "sessctl: warning: the cluster was resharding while the scan ran (slots migrating{moved}), so sessions in moving slots may have been missed or seen twice; run the command again when the resharding is done"
        );
    }
    Ok(summary)
}

/// True once Ctrl-C was pressed.
pub(crate) fn stopped() -> bool {
    STOP.load(Ordering::SeqCst)
}

fn install_interrupt_handler() {
    static PRESSES: AtomicU32 = AtomicU32::new(0);
    let _ = ctrlc::set_handler(|| {
        STOP.store(true, Ordering::SeqCst);
        if PRESSES.fetch_add(1, Ordering::SeqCst) >= 1 {
            // A second Ctrl-C: the user wants out now.
            eprintln!("sessctl: interrupted again, exiting now");
            std::process::exit(error::exit::INTERRUPTED as i32);
        }
        eprintln!("sessctl: interrupted; stopping after the current batch and reporting what was done (Ctrl-C again to quit now)");
    });
}

/// Errors print as one line: the chain joined with ": ", newlines folded.
fn one_line(error: &anyhow::Error) -> String {
    let mut parts: Vec<String> = Vec::new();
    for cause in error.chain() {
        let text = cause.to_string().replace('\n', " ");
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
    }
    parts.join(": ")
}

fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error.chain().any(|e| e.downcast_ref::<io::Error>().is_some_and(|io| io.kind() == io::ErrorKind::BrokenPipe))
}

/// Asks yes/no on the terminal; refuses (usage error) when stdin is not a terminal.
pub(crate) fn confirm(question: &str, yes: bool) -> anyhow::Result<bool> {
    use std::io::IsTerminal;
    if yes {
        return Ok(true);
    }
    if !io::stdin().is_terminal() {
        return Err(error::usage(format!("refusing to {question} without --yes (stdin is not a terminal)")));
    }
    dialoguer::Confirm::new()
        .with_prompt(format!("{question}?"))
        .default(false)
        .interact()
        .context("cannot read the answer from the terminal")
}

/// Compare-and-delete in pipelined batches; counts what Redis really deleted.
pub(crate) struct Deleter<'a> {
    store: &'a Store,
    pending: Vec<crate::store::Expected>,
    pub deleted: u64,
    dry_run: bool,
}

impl<'a> Deleter<'a> {
    const BATCH: usize = 1000;

    pub fn new(store: &'a Store, dry_run: bool) -> Self {
        Deleter { store, pending: Vec::with_capacity(Self::BATCH), deleted: 0, dry_run }
    }

    /// Queues `key` for deletion if it still holds `user`; sends a batch when full.
    pub fn push(&mut self, key: Vec<u8>, user: Vec<u8>) -> anyhow::Result<()> {
        if self.dry_run {
            return Ok(());
        }
        self.pending.push(crate::store::Expected { key, user });
        if self.pending.len() >= Self::BATCH {
            self.flush()?;
        }
        Ok(())
    }

    pub fn flush(&mut self) -> anyhow::Result<()> {
        if self.pending.is_empty() {
            return Ok(());
        }
        let done = self.store.delete_if_holds(&self.pending).context("compare-and-delete failed")?;
        self.deleted += done.iter().filter(|d| **d).count() as u64;
        self.pending.clear();
        Ok(())
    }
}

/// The moment a session was issued: now minus its age, where age is the app's session
/// lifetime minus the remaining TTL. `None` for keys without a TTL.
pub(crate) fn issued_at(settings: &Settings, now: f64, ttl_ms: Option<i64>) -> Option<f64> {
    let remaining = ttl_ms? as f64 / 1000.0;
    Some(now - (settings.session_ttl.as_secs_f64() - remaining))
}
