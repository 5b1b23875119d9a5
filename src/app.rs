//! sessctl's entry point: parses the command line (clap's usage errors as one line, with
//! where to read more), runs the command, and maps the result to an exit status and one error
//! line on stderr.

use std::io;
use std::process::ExitCode;

use crate::cli::Cli;
use crate::config::Settings;
use crate::error;
use crate::output::excerpt;
use crate::signals;
use crate::workflow::hints;
use sessctl_store::StoreError;

/// Parses the command line, runs the command, maps the result to an exit status.
pub fn main() -> ExitCode {
    signals::install();
    let parsed =
        crate::help::command().long_version(crate::cli::long_version()).try_get_matches().and_then(|matches| {
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
                    crate::messages::error_line(&usage_line(&e));
                    ExitCode::from(error::exit::USAGE)
                }
            };
        }
    };
    match crate::commands::run(cli) {
        Ok(outcome) => ExitCode::from(outcome.code()),
        Err(failed) if is_broken_pipe(&failed.error) => ExitCode::SUCCESS,
        Err(failed) => {
            // One line: what failed first, then that --output-file kept its old content.
            let kept = failed
                .kept_output
                .map(|target| format!("; --output-file {target} was left as it was"))
                .unwrap_or_default();
            let line = with_hint(&failed.error, failed.settings.as_deref());
            crate::messages::error_line(&format!("{line}{kept}"));
            ExitCode::from(error::code_for(&failed.error))
        }
    }
}

/// clap's usage error as one line: the error and its tip, then where to read more. Values
/// the user typed come back as short, terminal-safe excerpts.
fn usage_line(e: &clap::Error) -> String {
    use clap::error::{ContextKind, ContextValue};
    let mut rendered = e.render().to_string();
    for kind in [ContextKind::InvalidValue, ContextKind::InvalidArg] {
        if let Some(ContextValue::String(value)) = e.get(kind) {
            let shown = excerpt(value.as_bytes());
            if shown.trim_matches('"') != value.as_str() {
                rendered = rendered.replace(&format!("'{value}'"), &shown);
            }
        }
    }
    // clap strips escape sequences when it renders, so a value may not match its context:
    // cut any long quoted text that is left.
    rendered = shorten_quoted(&rendered);
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
    let command = crate::help::command();
    let sub = std::env::args().skip(1).find(|a| command.get_subcommands().any(|s| s.get_name() == a));
    if let (Some(sub), Some(ContextValue::String(arg))) = (&sub, e.get(ContextKind::InvalidArg)) {
        if let Some(advice) = dump_flag_advice(arg, sub, &command) {
            return format!("{advice}; see `sessctl {sub} --help`");
        }
    }
    match sub {
        Some(sub) => format!("{line}; see `sessctl {sub} --help`"),
        None => format!("{line}; see `sessctl --help`"),
    }
}

/// A dump flag (`--rdb`, `--now`) given to a command that reads no dumps: say which commands
/// do, and offer `--snapshot` where the command has it (clap's own tip, `-- --rdb`, would
/// make the flag a session id).
fn dump_flag_advice(arg: &str, sub: &str, command: &clap::Command) -> Option<String> {
    let flag = arg.split('=').next().unwrap_or(arg);
    if !matches!(flag, "--rdb" | "--now") {
        return None;
    }
    let readers: Vec<&str> = command
        .get_subcommands()
        .filter(|c| c.get_arguments().any(|a| a.get_long() == Some("rdb")))
        .map(|c| c.get_name())
        .collect();
    let takes = |name: &str| {
        command.find_subcommand(sub).is_some_and(|c| c.get_arguments().any(|a| a.get_long() == Some(name)))
    };
    if takes("rdb") {
        return None;
    }
    let list = match readers.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
        Some((last, _)) => last.to_string(),
        None => return None,
    };
    let what = if flag == "--rdb" { "--rdb reads a dump" } else { "--now goes with --rdb, which reads a dump" };
    let instead = if takes("snapshot") {
        format!(
            "; to work from a point-in-time copy of the data, `{sub} --snapshot` reads one from each primary over replication"
        )
    } else {
        String::new()
    };
    Some(format!("`{sub}` does not read dumps: {what}, and only {list} take it{instead}"))
}

/// Replaces every `'…'` segment longer than an excerpt by its excerpt.
fn shorten_quoted(text: &str) -> String {
    let mut out = String::with_capacity(text.len().min(4096));
    let mut rest = text;
    while let Some(open) = rest.find('\'') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('\'') {
            Some(close) if after[..close].chars().count() > 60 => {
                out.push_str(&excerpt(&after.as_bytes()[..close]));
                rest = &after[close + 1..];
            }
            Some(close) => {
                out.push('\'');
                out.push_str(&after[..close + 1]);
                rest = &after[close + 1..];
            }
            None => {
                out.push('\'');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// The error as one line, with what to change on the command line when the store failed.
fn with_hint(error: &anyhow::Error, settings: Option<&Settings>) -> String {
    let line = one_line(error);
    match error.chain().find_map(|e| e.downcast_ref::<StoreError>()).and_then(|e| hints::for_store(e, settings)) {
        Some(hint) if !line.contains(&hint) => format!("{line}; {hint}"),
        _ => line,
    }
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
