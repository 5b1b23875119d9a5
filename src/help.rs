//! Help that helps: the examples, environment variables and exit statuses that `--help` (long
//! help) and the man pages carry, and the man pages themselves (`sessctl man [COMMAND]`, and
//! the generated copies in `man/`).
//!
//! `-h` stays short (a command's own options, then the shared ones under "Global options");
//! `--help` adds the sections below. The man pages are built from the same text, so the two
//! never disagree.

use std::fmt::Write as _;

use clap::{Command, CommandFactory, ValueEnum};
use roff::{bold, italic, roman, Roff};

use crate::cli::{output_formats, Cli, OutputFormat};

/// The clap command, for parsing, completions, the man pages and tests: the derived one
/// ([`Cli`]) with the long help's examples, environment and exit statuses, `-o` offering
/// each command's own formats, and `man` offering the pages there are.
pub fn command() -> clap::Command {
    let mut command = decorate(Cli::command());
    // `-o` is global, but each command offers (in its help and in shell completion) only the
    // formats it writes. The others are still parsed, so that the command refuses them with
    // its own message (`mint -o csv`: use -o json).
    let output = command.get_arguments().find(|a| a.get_id() == "output").cloned();
    let names: Vec<String> = command.get_subcommands().map(|s| s.get_name().to_string()).collect();
    // (Every subcommand goes through `mut_subcommand`, which moves it to the end: so they all
    // keep their order.)
    for name in names {
        let (Some(output), Some(formats)) = (&output, output_formats(&name)) else {
            command = command.mut_subcommand(name, |sub| sub);
            continue;
        };
        let listed: Vec<clap::builder::PossibleValue> = OutputFormat::value_variants()
            .iter()
            .filter_map(|f| f.to_possible_value().map(|v| v.hide(!formats.contains(f))))
            .collect();
        let parser =
            clap::builder::TypedValueParser::map(clap::builder::PossibleValuesParser::new(listed), |text: String| {
                OutputFormat::from_str(&text, false).unwrap_or(OutputFormat::Table)
            });
        let arg = output.clone().value_parser(parser);
        command = command.mut_subcommand(name, |sub| sub.arg(arg));
    }
    let pages = page_commands(&command);
    command.mut_subcommand("man", |man| {
        man.mut_arg("command", |arg| arg.value_parser(clap::builder::PossibleValuesParser::new(pages)))
    })
}

pub use crate::cli::Example;

/// The examples of sessctl's own page.
const TOP_EXAMPLES: &[Example] = &[
    ("Mint a session for user 42 in the local Redis and print its signed cookie", "sessctl mint --user 42"),
    ("Is this cookie valid, and is its session still in Redis?", "sessctl verify 'session_id=\"2|1:0|…\"'"),
    ("Log user 42 out everywhere", "sessctl revoke --user 42"),
    ("Count sessions, users and odd keys", "sessctl stats"),
    ("Check the setup: Redis, its sessions, the secret", "sessctl doctor"),
    ("Print a new strong cookie secret", "sessctl gen-secret"),
    ("Settings from the prod profile of the config file", "sessctl stats --profile prod"),
    ("Read the manual page of a command", "sessctl man revoke | man -l -"),
];

/// The examples of a page (`""`: the top page).
pub fn examples(command: &str) -> &'static [Example] {
    match command {
        "" => TOP_EXAMPLES,
        name => crate::cli::page(name).map_or(&[], |p| p.examples),
    }
}

/// The exit statuses of a page.
pub fn exit_statuses(command: &str) -> Vec<(u8, &'static str)> {
    match command {
        "" => crate::cli::ALL_EXITS.to_vec(),
        name => crate::cli::page(name).map_or(crate::cli::STANDARD_EXITS, |p| p.exits).to_vec(),
    }
}

/// Variables read without a flag of their own.
const PLAIN_VARIABLES: &[(&str, &str)] = &[
    ("SESSCTL_SECRET", "the cookie secret or a JSON key ring (the file wins)"),
    ("SESSCTL_REDIS_URL", "Redis URL(s) if no --redis-url; commas between seeds"),
    ("REDIS_URL", "read when SESSCTL_REDIS_URL is not set"),
    ("SESSCTL_SENTINEL_PASSWORD", "password of the Sentinels (redis+sentinel://)"),
    ("NO_COLOR", "set and not empty: no colour with --color auto"),
    ("COLUMNS", "the width tables fit in (else the terminal's)"),
    ("XDG_CONFIG_HOME", "where the config file is looked for"),
    ("SESSCTL_NOW", "pin the clock (seconds since the epoch)"),
];

/// Every environment variable sessctl reads, with what it sets: the ones without a flag, then
/// each option's `[env: …]`, in the order of the options.
pub fn environment(command: &Command) -> Vec<(String, String)> {
    let mut vars: Vec<(String, String)> =
        PLAIN_VARIABLES.iter().map(|(name, what)| (name.to_string(), what.to_string())).collect();
    let mut command = command.clone();
    command.build();
    let args: Vec<clap::Arg> =
        command.get_arguments().chain(command.get_subcommands().flat_map(|sub| sub.get_arguments())).cloned().collect();
    for arg in &args {
        // config reads the variables itself (only for the settings a command uses): its table
        // names them, clap's `env` covers any option that still uses it.
        let Some(long) = arg.get_long() else { continue };
        let Some(name) = arg
            .get_env()
            .map(|n| n.to_string_lossy().to_string())
            .or_else(|| crate::config::env_var_of(long).map(str::to_string))
        else {
            continue;
        };
        if !vars.iter().any(|(n, _)| *n == name) {
            vars.push((name, format!("same as --{long}")));
        }
    }
    vars
}

/// The name of a page: `sessctl` or `sessctl-<command>`.
pub fn page_name(command: &str) -> String {
    if command.is_empty() {
        "sessctl".to_string()
    } else {
        format!("sessctl-{command}")
    }
}

/// The other pages worth reading after this one.
fn see_also(command: &str, all: &[String]) -> Vec<String> {
    let related: &[&str] = match command {
        "" => return all.iter().map(|c| page_name(c)).collect(),
        name => crate::cli::page(name).map_or(&[], |p| p.see_also),
    };
    std::iter::once("sessctl".to_string())
        .chain(related.iter().filter(|c| all.iter().any(|a| a == *c)).map(|c| page_name(c)))
        .collect()
}

/// The width `--help` is wrapped to: `COLUMNS` or the terminal's, at most 100 (set on every
/// command, so clap wraps the options to the same width as [`long_help`] wraps its lists).
fn help_width() -> usize {
    crate::output::table_width().unwrap_or(100).min(100)
}

/// One `NAME  what it does` entry of a list, wrapped to `width` at spaces: lines that wrap go
/// on under the description, not at the left margin. Where the description column would be
/// too narrow, the name has a line of its own and the description follows, indented.
fn entry(text: &mut String, name: &str, name_width: usize, what: &str, width: usize) {
    let column = 2 + name_width + 2;
    let (first, indent) = if width >= column + 24 {
        (format!("  {name:<name_width$}  "), column)
    } else {
        let _ = writeln!(text, "  {name}");
        ("      ".to_string(), 6)
    };
    let mut line = first;
    let mut empty = true;
    for word in what.split(' ') {
        if !empty && line.chars().count() + 1 + word.chars().count() > width {
            let _ = writeln!(text, "{}", line.trim_end());
            line = " ".repeat(indent);
            empty = true;
        }
        if !empty {
            line.push(' ');
        }
        line.push_str(word);
        empty = false;
    }
    let _ = writeln!(text, "{}", line.trim_end());
}

/// The text `--help` shows after the options: examples, environment, exit statuses.
fn long_help(command: &str, environment: &[(String, String)]) -> String {
    let width = help_width();
    let mut text = String::new();
    let examples = examples(command);
    if !examples.is_empty() {
        text.push_str("Examples:\n");
        for (what, line) in examples {
            let _ = writeln!(text, "  # {what}\n  {line}\n");
        }
    }
    text.push_str("Environment:\n");
    if command.is_empty() {
        let name_width = environment.iter().map(|(n, _)| n.len()).max().unwrap_or(0);
        for (name, what) in environment {
            entry(&mut text, name, name_width, what, width);
        }
    } else {
        let name_width = PLAIN_VARIABLES.iter().map(|(n, _)| n.len()).max().unwrap_or(0);
        for (name, what) in PLAIN_VARIABLES {
            entry(&mut text, name, name_width, what, width);
        }
        text.push_str("  Each global option's variable is named in its [env: …].\n");
    }
    text.push_str("\nExit status:\n");
    for (code, what) in exit_statuses(command) {
        let _ = writeln!(text, "  {code:>3}  {what}");
    }
    let page = page_name(command);
    let manual = if command.is_empty() { "sessctl man".to_string() } else { format!("sessctl man {command}") };
    let _ = write!(text, "\nThe manual page: `{manual} | man -l -` ({page}(1)).");
    text
}

/// The line `-h` shows after the options.
fn short_help_footer(command: &str) -> String {
    let command = if command.is_empty() { String::new() } else { format!(" {command}") };
    format!("Examples, environment variables and exit statuses: `sessctl{command} --help`.")
}

/// Adds the long help and the `-h` footer to the command and every subcommand.
pub fn decorate(command: Command) -> Command {
    let environment = environment(&command);
    let names: Vec<String> = command.get_subcommands().map(|s| s.get_name().to_string()).collect();
    let width = help_width();
    let mut command =
        command.after_long_help(long_help("", &environment)).after_help(short_help_footer("")).term_width(width);
    for name in names {
        let long = long_help(&name, &environment);
        let short = short_help_footer(&name);
        command = command.mut_subcommand(name, |sub| sub.after_long_help(long).after_help(short).term_width(width));
    }
    command
}

/// The completion script for `shell`: clap_complete's, with `--profile` completing the
/// profiles of the config file in bash, zsh and fish (the script runs `sessctl config
/// profiles --names`, which reads the config file sessctl would use: `SESSCTL_CONFIG`, else
/// the XDG location). Elvish and PowerShell complete no option values.
pub fn completions(shell: clap_complete::Shell) -> Vec<u8> {
    use clap_complete::Shell;
    let mut buf = Vec::new();
    clap_complete::generate(shell, &mut command(), "sessctl", &mut buf);
    let text = String::from_utf8_lossy(&buf).into_owned();
    let names = "config profiles --names 2>/dev/null";
    let text = match shell {
        Shell::Bash => text.replace(
            "--profile)\n                    COMPREPLY=($(compgen -f \"${cur}\"))",
            &format!("--profile)\n                    COMPREPLY=($(compgen -W \"$(\"${{COMP_WORDS[0]}}\" {names})\" -- \"${{cur}}\"))"),
        ),
        Shell::Zsh => text
            .lines()
            .map(|line| match line.strip_prefix("'--profile=[") {
                Some(_) => line.replace(
                    ":NAME:_default'",
                    &format!(":NAME:{{compadd -- ${{(f)\"$(${{words[1]}} {names})\"}}}}'"),
                ),
                None => line.to_string(),
            })
            .collect::<Vec<_>>()
            .join("\n")
            + "\n",
        Shell::Fish => text
            .lines()
            .map(|line| {
                if line.contains(" -l profile -d ") && line.ends_with(" -r") {
                    format!("{line} -f -a '(sessctl {names})'")
                } else {
                    line.to_string()
                }
            })
            .collect::<Vec<_>>()
            .join("\n")
            + "\n",
        _ => text,
    };
    text.into_bytes()
}

/// The subcommands that have a man page (every one but `help`).
pub fn page_commands(command: &Command) -> Vec<String> {
    command.get_subcommands().map(|s| s.get_name().to_string()).filter(|n| n != "help").collect()
}

/// One man page (`""`: the top page), or `None` for an unknown command.
pub fn man_page(command: &str) -> Option<Vec<u8>> {
    let root = self::command();
    let all = page_commands(&root);
    let environment = environment(&root);
    // Pages never mention `help` (it has none); the parser keeps it.
    let mut root = root.disable_help_subcommand(true);
    root.build();
    let page = if command.is_empty() {
        root.clone()
    } else {
        let sub = root.find_subcommand(command)?.clone();
        sub.bin_name(format!("sessctl {command}"))
    };
    // The long help's text becomes the sections below, in roff; the version goes in the title
    // line rather than a section before them.
    let page = page.after_long_help(None::<&str>).after_help(None::<&str>).version(None::<&str>);
    let name = page_name(command);
    let mut out = Vec::new();
    let actions: Vec<(String, String)> = page
        .get_subcommands()
        .filter(|s| s.get_name() != "help")
        .map(|s| (s.get_name().to_string(), s.get_about().map(|a| a.to_string()).unwrap_or_default()))
        .collect();
    let man = clap_mangen::Man::new(page).title(name).source(format!("sessctl {}", env!("CARGO_PKG_VERSION")));
    let mut roff = Roff::new();
    if command.is_empty() || actions.is_empty() {
        man.render(&mut out).ok()?;
    } else {
        // A command with actions of its own (`config show`): they are described here rather
        // than as references to pages that do not exist.
        man.render_title(&mut out).ok()?;
        man.render_name_section(&mut out).ok()?;
        man.render_synopsis_section(&mut out).ok()?;
        man.render_description_section(&mut out).ok()?;
        man.render_options_section(&mut out).ok()?;
        roff.control("SH", ["SUBCOMMANDS"]);
        for (action, about) in &actions {
            roff.control("TP", []).text([bold(format!("sessctl {command} {action}"))]).text([roman(about.as_str())]);
        }
    }

    let examples = examples(command);
    if !examples.is_empty() {
        roff.control("SH", ["EXAMPLES"]);
        for (what, line) in examples {
            roff.control("PP", []).text([roman(format!("{what}:"))]);
            roff.control("RS", ["4"]).control("nf", []).text([bold(*line)]).control("fi", []).control("RE", []);
        }
    }
    roff.control("SH", ["ENVIRONMENT"]);
    for (var, what) in &environment {
        roff.control("TP", []).text([bold(var.as_str())]).text([roman(what.as_str())]);
    }
    roff.control("SH", ["EXIT STATUS"]);
    for (code, what) in exit_statuses(command) {
        roff.control("TP", []).text([bold(code.to_string())]).text([roman(what)]);
    }
    roff.control("SH", ["SEE ALSO"]);
    let see_also = see_also(command, &all);
    let mut refs = Vec::new();
    for (i, page) in see_also.iter().enumerate() {
        refs.push(bold(page.as_str()));
        refs.push(roman(if i + 1 == see_also.len() { "(1)" } else { "(1), " }));
    }
    roff.text(refs);
    if command.is_empty() {
        roff.control("PP", []).text([
            roman("The secret rotation runbook: "),
            italic("docs/rotation.md"),
            roman(" in the source tree."),
        ]);
    }
    out.extend_from_slice(roff.to_roff().as_bytes());
    Some(out)
}

/// Every man page: (file name, content), the top page first.
pub fn man_pages() -> Vec<(String, Vec<u8>)> {
    let all = page_commands(&command());
    std::iter::once(String::new())
        .chain(all)
        .filter_map(|c| man_page(&c).map(|page| (format!("{}.1", page_name(&c)), page)))
        .collect()
}
