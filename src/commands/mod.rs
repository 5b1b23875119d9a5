//! One module per subcommand: glue that reads settings, calls the core and renders.

pub mod audit;
pub mod backup;
pub(crate) mod category;
mod cleanup;
mod config;
mod decode;
mod doctor;
pub(crate) mod gen_secret;
mod hints;
mod list;
mod mint;
pub(crate) mod output_file;
mod pacing;
mod restore;
mod revoke;
pub(crate) mod sources;
pub(crate) mod stats;
mod verify;

use std::io::{self, Write};
use std::ops::ControlFlow;
use std::process::ExitCode;

use crate::cli::{Cli, Command};
use crate::config::{Settings, Uses};
use crate::error::{self, Outcome};
use crate::output::excerpt;
use crate::signals;
use sessctl_store::{Found, ScanEnd, ScanRequest, ScanSummary, Store, StoreError};

pub use crate::signals::STOP;

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
                    eprintln!("sessctl: {}", crate::output::message_line(&usage_line(&e)));
                    ExitCode::from(error::exit::USAGE)
                }
            };
        }
    };
    let settings = match Settings::load(&cli.global.flags(), uses(&cli.command), crate::terminal::detect()) {
        Ok(settings) => settings,
        Err(e) => return fail(&e, None),
    };
    crate::messages::set_quiet(settings.quiet);
    match run(cli, &settings) {
        Ok(outcome) => ExitCode::from(outcome.code()),
        Err(e) => fail(&e, Some(&settings)),
    }
}

/// A failed run's one line on stderr (with the hint the settings allow), and its exit status.
fn fail(e: &anyhow::Error, settings: Option<&Settings>) -> ExitCode {
    if is_broken_pipe(e) {
        return ExitCode::SUCCESS;
    }
    // One line: what failed first, then that --output-file kept its old content.
    let kept = KEPT_OUTPUT
        .lock()
        .ok()
        .and_then(|k| k.clone())
        .map(|target| format!("; --output-file {target} was left as it was"))
        .unwrap_or_default();
    crate::messages::error_line(&format!("{}{kept}", with_hint(e, settings)));
    ExitCode::from(error::code_for(e))
}

/// The `--output-file` left as it was by a run that failed (said at the end of its error line).
static KEPT_OUTPUT: std::sync::Mutex<Option<String>> = std::sync::Mutex::new(None);

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

/// The settings each command reads from the environment: a variable a command does not use
/// never breaks it.
fn uses(command: &Command) -> Uses {
    let redis = Uses { redis: true, prefix: true, output: true, ..Uses::default() };
    match command {
        Command::Mint(a) => Uses {
            secret: true,
            key_version: true,
            cookie_name: true,
            ttl: true,
            redis: !a.no_store,
            prefix: !a.no_store,
            output: true,
        },
        Command::Verify(a) => Uses {
            secret: true,
            cookie_name: true,
            ttl: !a.offline,
            redis: !a.offline,
            prefix: !a.offline,
            output: true,
            ..Uses::default()
        },
        Command::Decode(a) => Uses { cookie_name: !a.raw, output: true, ..Uses::default() },
        Command::List(_) | Command::Stats(_) | Command::Restore(_) => redis,
        Command::Revoke(a) => Uses { cookie_name: true, ttl: a.issued_before.is_some(), ..redis },
        Command::Cleanup(_) => Uses { ttl: true, ..redis },
        Command::GenSecret(a) => Uses { secret: a.ring, key_version: a.ring, output: true, ..Uses::default() },
        Command::Doctor(_) => Uses { secret: true, key_version: true, ..redis },
        // `config show` shows every setting, as the command that uses it would see it.
        Command::Config(_) => Uses {
            redis: true,
            secret: true,
            key_version: true,
            cookie_name: true,
            prefix: true,
            ttl: true,
            output: true,
        },
        Command::Completions(_) | Command::Man(_) => Uses::default(),
    }
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

/// Runs a parsed command line; with `--output-file`, its output replaces the file only when
/// it is whole (see [`output_file`]).
pub fn run(cli: Cli, settings: &Settings) -> anyhow::Result<Outcome> {
    refuse_shared_files(&cli, settings)?;
    let Some(path) = cli.global.output_file.clone() else { return dispatch(cli, settings) };
    // mint prints live cookies, gen-secret a secret: their files are for the owner only.
    let secret = matches!(cli.command, Command::Mint(_) | Command::GenSecret(_));
    let file = output_file::AtomicOutput::begin(&path, secret)?;
    let result = dispatch(cli, settings);
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

fn dispatch(cli: Cli, settings: &Settings) -> anyhow::Result<Outcome> {
    let renders_records = matches!(
        cli.command,
        Command::Verify(_)
            | Command::Decode(_)
            | Command::List(_)
            | Command::Revoke(_)
            | Command::Cleanup(_)
            | Command::Restore(_)
            | Command::Doctor(_)
            | Command::Config(_)
    );
    if renders_records && settings.output == crate::cli::OutputFormat::Prometheus {
        return Err(error::usage("-o prometheus is for stats; use table, json or csv"));
    }
    match cli.command {
        Command::Mint(args) => mint::run(settings, &args),
        Command::Verify(args) => verify::run(settings, &args),
        Command::Decode(args) => decode::run(settings, &args),
        Command::List(args) => list::run(settings, &args),
        Command::Revoke(args) => revoke::run(settings, &args),
        Command::Cleanup(args) => cleanup::run(settings, &args),
        Command::Stats(args) => stats::run(settings, &args),
        Command::Restore(args) => restore::run(settings, &args),
        Command::Doctor(args) => doctor::run(settings, &args),
        Command::GenSecret(args) => gen_secret::run(settings, &args),
        Command::Config(args) => config::run(settings, &args),
        Command::Completions(args) => {
            let mut out = io::stdout().lock();
            out.write_all(&crate::help::completions(args.shell))?;
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
        // A URL or TLS file that cannot be used is a bad value (exit 2), not an unreachable
        // server.
        e @ (StoreError::Url { .. } | StoreError::TlsFile { .. }) => {
            let hint = hints::for_store(&e, Some(settings)).map(|h| format!("; {h}")).unwrap_or_default();
            error::usage(format!("{e}{hint}"))
        }
        e => e.into(),
    })
}

/// Scans under the prefix with a progress bar on stderr (keys scanned of the keys in the
/// database, rate, time left; on a terminal and without `--quiet` only), stopping at Ctrl-C
/// or SIGTERM (the command then reports what it saw, marked incomplete). `visit` returns
/// `Break` to stop early, or an error to end the command.
pub(crate) fn scan(
    settings: &Settings,
    store: &Store,
    mut request: ScanRequest,
    what: &str,
    visit: &mut dyn FnMut(Found) -> anyhow::Result<ControlFlow<()>>,
) -> anyhow::Result<ScanSummary> {
    signals::graceful();
    // The total costs one DBSIZE per primary: only asked when the bar is shown. A server
    // that refuses it (an ACL) gets a spinner instead.
    let total = if settings.chatty { store.key_count().ok().flatten() } else { None };
    let bar = crate::output::scan_progress(settings.chatty, what, total);
    if settings.chatty {
        let shown = bar.clone();
        request.progress = Some(std::sync::Arc::new(move |keys| crate::output::set_scan_position(&shown, keys)));
    }
    let result = store.scan(&request, &STOP, visit);
    bar.finish_and_clear();
    let summary = result?;
    if summary.reconnects > 0 && !settings.quiet {
        eprintln!(
            "sessctl: note: the connection to Redis dropped {}; the scan resumed where it stopped",
            crate::output::plural(summary.reconnects, "time", "times")
        );
    }
    report_failovers(settings, store, Some(&summary));
    if summary.resharding && summary.end != ScanEnd::Interrupted {
        // Not silenced by --quiet: the answer may be incomplete.
        let moved = match summary.moved {
            0 => String::new(),
            n => format!(", {} moved between their scan and their read", crate::output::plural(n, "key", "keys")),
        };
        eprintln!(
            "sessctl: warning: the cluster was resharding while the scan ran (slots migrating{moved}), so sessions in moving slots may have been missed or seen twice; run the command again when the resharding is done"
        );
    }
    Ok(summary)
}

/// Notes on stderr for each failover followed (a primary replaced by its replica), and what
/// it meant for the scan.
pub(crate) fn report_failovers(settings: &Settings, store: &Store, summary: Option<&ScanSummary>) {
    if summary.is_some_and(|s| s.repeats_unmarked) {
        // Not silenced by --quiet: counts may be off.
        eprintln!("sessctl: warning: more keys than sessctl remembers per primary (8 Mi): a key SCAN returned twice, or met again after a failover, may be counted twice");
    }
    if let Some(s) = summary.filter(|s| s.duplicates > 0 && !settings.quiet) {
        eprintln!(
            "sessctl: note: SCAN returned {} twice (Redis resized its table during the scan); each was counted once",
            crate::output::plural(s.duplicates, "key", "keys")
        );
    }
    // Each failover is named once, whether it happened during the scan or after it (a write's
    // WAIT can find one when the last batch is sent).
    static NAMED: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let failovers = store.failovers();
    if settings.quiet || failovers.is_empty() {
        return;
    }
    let named = NAMED.swap(failovers.len(), std::sync::atomic::Ordering::SeqCst).min(failovers.len());
    for f in &failovers[named..] {
        // Addresses a cluster or the Sentinels gave: text from a server, escaped.
        let (from, to) = (crate::output::safe_bytes(f.from.as_bytes()), crate::output::safe_bytes(f.to.as_bytes()));
        if from == to {
            eprintln!("sessctl: note: the Redis primary {from} restarted while sessctl ran (a new server process); its part of the scan started again");
        } else {
            eprintln!("sessctl: note: the Redis primary {from} was replaced; followed the failover to {to}");
        }
    }
    if let Some(s) = summary.filter(|s| s.failovers > 0) {
        eprintln!(
            "sessctl: note: {} of the scan started again on the new primary ({} scanned again, {} seen twice and counted once)",
            crate::output::plural(s.failovers, "part", "parts"),
            crate::output::plural(s.rescanned, "key", "keys"),
            crate::output::plural(s.repeats, "session", "sessions")
        );
    }
}

/// The error as one line, with what to change on the command line when the store failed.
fn with_hint(error: &anyhow::Error, settings: Option<&Settings>) -> String {
    let line = one_line(error);
    match error.chain().find_map(|e| e.downcast_ref::<StoreError>()).and_then(|e| hints::for_store(e, settings)) {
        Some(hint) if !line.contains(&hint) => format!("{line}; {hint}"),
        _ => line,
    }
}

/// True once a signal asked the work to stop.
pub(crate) fn stopped() -> bool {
    signals::stopped()
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

/// Where the command acts, for confirmations, never with a password: `127.0.0.1:6379/0`, a
/// socket, the cluster's seeds, or the primary behind Sentinel (`store`: what connecting
/// found; without it, what the settings say).
pub(crate) fn target(settings: &Settings, store: Option<&Store>) -> String {
    let urls = &settings.redis.urls;
    let url = urls.first().map(String::as_str).unwrap_or("redis://127.0.0.1:6379/0");
    let cluster = store.map_or(settings.redis.cluster == Some(true) || urls.len() > 1, Store::is_cluster);
    if cluster {
        let seeds: Vec<String> = urls.iter().map(|u| place(u, 6379).0).collect();
        let primaries = store
            .map(|s| format!(" ({})", crate::output::plural(s.nodes().len() as u64, "primary", "primaries")))
            .unwrap_or_default();
        let seeds_word = if seeds.len() == 1 { "seed" } else { "seeds" };
        return format!("the Redis Cluster with {seeds_word} {}{primaries}", seeds.join(", "));
    }
    if store.map_or(url.contains("+sentinel://"), Store::is_sentinel) {
        let (hosts, path) = place(url, sessctl_store::SENTINEL_PORT);
        let mut segments = path.split('/').filter(|s| !s.is_empty());
        let master = segments.next().unwrap_or("?");
        let db = segments.next().unwrap_or("0");
        let now = store
            .and_then(|s| s.nodes().first().cloned())
            .map(|n| format!(", now at {}", crate::output::safe_bytes(n.as_bytes())))
            .unwrap_or_default();
        return format!("the primary {master}/{db} behind Sentinel {hosts}{now}");
    }
    let (hosts, path) = place(url, 6379);
    if url.starts_with("unix") {
        let db = path.split('&').find_map(|kv| kv.strip_prefix("db=")).unwrap_or("0");
        return format!("the socket {hosts} (db {db})");
    }
    let db = path.trim_start_matches('/');
    format!("{hosts}/{}", if db.is_empty() { "0" } else { db })
}

/// A URL's hosts (without user, password or scheme; port 6379 when none is given) and the
/// rest of its path (a unix socket: the path, and the query in place of the rest), made
/// terminal-safe.
fn place(url: &str, default_port: u16) -> (String, String) {
    let safe = crate::output::safe_bytes;
    let (scheme, rest) = url.split_once("://").unwrap_or(("redis", url));
    if scheme.starts_with("unix") {
        let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
        return (safe(path.as_bytes()), safe(query.as_bytes()));
    }
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = &rest[..end];
    let hosts = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let hosts: Vec<String> = hosts
        .split(',')
        .map(|h| match h {
            "" => format!("127.0.0.1:{default_port}"),
            h if h.ends_with(']') || !h.contains(':') => format!("{h}:{default_port}"),
            h => h.to_string(),
        })
        .collect();
    let path = rest[end..].split(['?', '#']).next().unwrap_or("");
    (safe(hosts.join(",").as_bytes()), safe(path.as_bytes()))
}

/// Why a session is removed or changed (the audit log's `reason`).
pub(crate) type Reason = &'static str;

/// Compare-and-delete in pipelined batches; counts what Redis really deleted and writes an
/// audit line for each.
pub(crate) struct Deleter<'a> {
    store: &'a Store,
    pending: Vec<sessctl_store::Expected>,
    reasons: Vec<Reason>,
    /// Per pending item: a session delivered again after a failover (deleted again, in case
    /// the old primary had not passed the first deletion on, but counted once).
    repeats: Vec<bool>,
    prefix_len: usize,
    pub deleted: u64,
    dry_run: bool,
    pub audit: Option<&'a mut audit::AuditLog>,
    /// Per pending item: the remaining TTL read with it (for `--backup`).
    ttls: Vec<Option<i64>>,
    /// `--backup`: written ahead of each batch.
    pub backup: Option<&'a mut backup::BackupFile>,
}

impl<'a> Deleter<'a> {
    /// Deletions per flush: one pipeline, so a batch that fails is the only part of the run
    /// whose outcome is unknown (a larger flush would lose the count of its earlier pipelines).
    const BATCH: usize = 1000;

    pub fn new(store: &'a Store, settings: &Settings, dry_run: bool, audit: Option<&'a mut audit::AuditLog>) -> Self {
        Deleter {
            store,
            pending: Vec::with_capacity(Self::BATCH),
            reasons: Vec::with_capacity(Self::BATCH),
            repeats: Vec::with_capacity(Self::BATCH),
            prefix_len: settings.prefix.len(),
            deleted: 0,
            dry_run,
            audit,
            ttls: Vec::with_capacity(Self::BATCH),
            backup: None,
        }
    }

    /// Writes each session to `backup` before its deletion is sent.
    pub fn with_backup(mut self, backup: Option<&'a mut backup::BackupFile>) -> Self {
        self.backup = backup;
        self
    }

    /// Queues `key` for deletion if it still holds `user` (`ttl_ms`: its remaining TTL, for
    /// `--backup`); sends a batch when full.
    pub fn push(
        &mut self,
        key: Vec<u8>,
        user: Vec<u8>,
        ttl_ms: Option<i64>,
        reason: Reason,
        repeat: bool,
    ) -> anyhow::Result<()> {
        if self.dry_run {
            return Ok(());
        }
        self.pending.push(sessctl_store::Expected { key, user });
        self.reasons.push(reason);
        self.repeats.push(repeat);
        self.ttls.push(ttl_ms);
        if self.pending.len() >= Self::BATCH {
            self.flush()?;
        }
        Ok(())
    }

    /// Sends the queued deletions and records what Redis deleted; a second signal waits for
    /// this to finish, so the audit log never misses a deletion that happened.
    pub fn flush(&mut self) -> anyhow::Result<()> {
        if self.pending.is_empty() {
            return Ok(());
        }
        let _batch = signals::critical();
        let n = self.pending.len();
        if let Some(backup) = self.backup.as_deref_mut() {
            // Write-ahead: on disk before the deletions are sent. A session delivered again (SCAN
            // returned it twice, or its part restarted after a failover) has its line already.
            backup.before_delete(
                self.pending
                    .iter()
                    .zip(&self.ttls)
                    .zip(&self.repeats)
                    .filter(|(_, repeat)| !**repeat)
                    .map(|((e, t), _)| (&e.key[..], &e.user[..], *t)),
            )?;
        }
        // Made on the primary but not acknowledged by its replicas: only what was confirmed
        // counts (and is audited); the rest may be undone by a failover.
        let (done, unconfirmed) = match split_unconfirmed(self.store.delete_if_holds(&self.pending)) {
            Ok(split) => split,
            Err(e) => {
                let why = batch_failure(&e, n, self.store.is_cluster());
                return Err(anyhow::Error::new(e).context(why));
            }
        };
        if unconfirmed.is_none() {
            if let Some(backup) = self.backup.as_deref_mut() {
                // A key can come twice in a batch (SCAN may return a key twice, a session id can
                // be named twice): its second deletion finds it gone. Only a key none of whose
                // deletions happened is marked.
                let deleted: std::collections::HashSet<&[u8]> =
                    self.pending.iter().zip(&done).filter(|(_, d)| **d).map(|(e, _)| &e.key[..]).collect();
                let mut marked = std::collections::HashSet::new();
                backup.not_deleted(
                    self.pending
                        .iter()
                        .zip(&done)
                        .zip(&self.repeats)
                        .filter(|((e, d), repeat)| {
                            !**d && !**repeat && !deleted.contains(&e.key[..]) && marked.insert(&e.key[..])
                        })
                        .map(|((e, _), _)| &e.key[..]),
                )?;
            }
        }
        self.deleted += done.iter().zip(&self.repeats).filter(|(done, repeat)| **done && !**repeat).count() as u64;
        if let Some(audit) = self.audit.as_deref_mut() {
            let prefix_len = self.prefix_len;
            audit.record(
                audit::Action::Deleted,
                self.pending
                    .iter()
                    .zip(&self.reasons)
                    .zip(&done)
                    .filter(|(_, d)| **d)
                    .map(|((e, r), _)| (&e.key[prefix_len.min(e.key.len())..], &e.user[..], *r)),
            )?;
        }
        if let Some(e) = unconfirmed {
            return Err(e.into());
        }
        self.pending.clear();
        self.reasons.clear();
        self.repeats.clear();
        self.ttls.clear();
        Ok(())
    }
}

/// The result of a batch of writes as what was confirmed, and the error when some of it could
/// not be ([`StoreError::Unconfirmed`]: the caller counts the confirmed part, then fails).
pub(crate) fn split_unconfirmed(
    result: Result<Vec<bool>, StoreError>,
) -> Result<(Vec<bool>, Option<StoreError>), StoreError> {
    match result {
        Ok(done) => Ok((done, None)),
        Err(StoreError::Unconfirmed { confirmed, addr, command, writes, replicas, acked, why }) => {
            let e = StoreError::Unconfirmed { confirmed: Vec::new(), addr, command, writes, replicas, acked, why };
            Ok((confirmed, Some(e)))
        }
        Err(e) => Err(e),
    }
}

/// What a failed batch of compare-and-deletes means for its `n` sessions. The ACL refusing
/// the command itself (NOPERM "no permissions to run") means the script ran nowhere on a
/// single server; anything else may have failed after some deletions.
fn batch_failure(e: &StoreError, n: usize, cluster: bool) -> String {
    use sessctl_store::ServerErrorKind;
    let command_refused = matches!(e, StoreError::Refused { error, .. }
        if error.kind == ServerErrorKind::NoPerm && error.message.contains("permissions to run"));
    match (command_refused, cluster) {
        (true, false) => format!(
            "Redis refused to run the compare-and-delete (NOPERM: the ACL does not allow the command), so none of the {} of this batch was deleted", crate::output::plural(n as u64, "session", "sessions")
        ),
        (true, true) => format!(
            "a cluster node refused to run the compare-and-delete (NOPERM: the ACL does not allow the command), so nothing was deleted on it; up to {} of the batch in flight on other primaries may have been deleted without being counted", crate::output::plural(n as u64, "session", "sessions")
        ),
        _ => format!(
            "compare-and-delete failed; up to {} of the batch in flight may have been deleted without being counted", crate::output::plural(n as u64, "session", "sessions")
        ),
    }
}

/// The moment a session was issued: now minus its age, where age is the app's session
/// lifetime minus the remaining TTL. `None` for keys without a TTL.
pub(crate) fn issued_at(settings: &Settings, now: f64, ttl_ms: Option<i64>) -> Option<f64> {
    let remaining = ttl_ms? as f64 / 1000.0;
    Some(now - (settings.session_ttl.as_secs_f64() - remaining))
}

/// What `path` is when it exists and is neither a regular file nor a directory (a pipe, a
/// device, a socket): files sessctl reads back or appends to must be regular, and opening a
/// pipe would block until another process opens its other end.
pub(crate) fn special_file(path: &std::path::Path) -> Option<&'static str> {
    use std::os::unix::fs::FileTypeExt;
    let kind = std::fs::metadata(path).ok()?.file_type();
    if kind.is_fifo() {
        Some("a named pipe")
    } else if kind.is_char_device() || kind.is_block_device() {
        Some("a device")
    } else if kind.is_socket() {
        Some("a socket")
    } else {
        None
    }
}

/// The files a run writes (`--output-file`, `--backup`, `--audit-log`, `--resume`) must be
/// distinct, from each other and from the file it reads (`--rdb`, `restore`'s FILE,
/// `--users-file`): one written over another loses it (a backup replaced by the resume file,
/// or made unreadable for `restore` by audit lines, a dump replaced by the output). Refused
/// (exit 2) before anything is done.
fn refuse_shared_files(cli: &Cli, settings: &Settings) -> anyhow::Result<()> {
    use std::path::{Path, PathBuf};
    let mut files: Vec<(&str, PathBuf)> = Vec::new();
    if let Some(p) = &cli.global.output_file {
        files.push(("--output-file", p.clone()));
    }
    // The audit log as the run will open it: the flag, else SESSCTL_AUDIT_LOG, else the profile.
    let audit = |flag: &Option<PathBuf>| {
        settings.resolve_path(flag.clone(), "--audit-log", "SESSCTL_AUDIT_LOG", true).map(|r| r.value)
    };
    let (backup, audit, resume) = match &cli.command {
        Command::Revoke(a) => (a.backup.clone(), audit(&a.audit_log)?, a.pace.resume.clone()),
        Command::Cleanup(a) => (a.backup.clone(), audit(&a.audit_log)?, a.pace.resume.clone()),
        Command::Mint(a) if !a.no_store => (None, audit(&a.audit_log)?, None),
        Command::List(a) => (None, None, a.pace.resume.clone()),
        Command::Stats(a) => (None, None, a.pace.resume.clone()),
        _ => (None, None, None),
    };
    // What the run reads is never to be written over either (`sort f > f`).
    let input = match &cli.command {
        Command::List(a) => a.source.rdb.clone().map(|p| ("--rdb", p)),
        Command::Stats(a) => a.source.rdb.clone().map(|p| ("--rdb", p)),
        Command::Verify(a) => a.rdb.clone().map(|p| ("--rdb", p)),
        Command::Restore(a) => Some(("restore's FILE", a.file.clone())),
        Command::Revoke(a) => a.users_file.clone().map(|p| ("--users-file", p)),
        _ => None,
    };
    files.extend(input.filter(|(_, p)| p.as_os_str() != "-"));
    files.extend(backup.map(|p| ("--backup", p)));
    files.extend(audit.map(|p| ("--audit-log", p)));
    files.extend(resume.map(|p| ("--resume", p)));
    let same = |a: &Path, b: &Path| {
        use std::os::unix::fs::MetadataExt;
        match (std::fs::metadata(a), std::fs::metadata(b)) {
            (Ok(x), Ok(y)) => (x.dev(), x.ino()) == (y.dev(), y.ino()),
            // A file not made yet: where it will be (`..` and symlinks resolved).
            _ => future_file(a).is_some_and(|x| future_file(b) == Some(x)),
        }
    };
    for (i, (flag_a, a)) in files.iter().enumerate() {
        for (flag_b, b) in &files[i + 1..] {
            if same(a, b) {
                return Err(error::usage(format!(
                    "{flag_a} and {flag_b} name the same file {}; give each its own file",
                    crate::output::path(b)
                )));
            }
        }
    }
    Ok(())
}

/// Where a file that does not exist yet will be made: its symlinks followed (a dangling link
/// names its target), then the directory it is in resolved (`..`, symlinks) and its name
/// added. `None` when the directory cannot be resolved either.
fn future_file(path: &std::path::Path) -> Option<std::path::PathBuf> {
    let mut path = std::path::absolute(path).ok()?;
    // Follow the links of the file itself (bounded, as the kernel bounds them).
    for _ in 0..40 {
        let Ok(target) = std::fs::read_link(&path) else { break };
        path = path.parent().map_or(target.clone(), |dir| dir.join(&target));
    }
    let name = path.file_name()?.to_owned();
    let dir = path.parent()?;
    match std::fs::canonicalize(dir) {
        Ok(dir) => Some(dir.join(name)),
        // A directory that does not exist either: the run fails to create the file anyway;
        // compare the paths as written, `.` and `..` folded.
        Err(_) => {
            let mut folded = std::path::PathBuf::new();
            for part in path.components() {
                match part {
                    std::path::Component::ParentDir => {
                        folded.pop();
                    }
                    std::path::Component::CurDir => {}
                    other => folded.push(other),
                }
            }
            Some(folded)
        }
    }
}

/// The audit log a command writes, if `--audit-log` or `SESSCTL_AUDIT_LOG` names one.
pub(crate) fn open_audit(
    flag: Option<std::path::PathBuf>,
    command: &'static str,
    settings: &Settings,
) -> anyhow::Result<Option<audit::AuditLog>> {
    let path = settings.resolve_path(flag, "--audit-log", "SESSCTL_AUDIT_LOG", true)?;
    path.value.map(|p| audit::AuditLog::open(&p, command, &settings.redis.urls, &settings.prefix)).transpose()
}

#[cfg(test)]
mod tests {
    use super::place;

    #[test]
    fn a_place_never_shows_the_password() {
        assert_eq!(place("redis://user:hunter2@db.internal:6380/3", 6379), ("db.internal:6380".into(), "/3".into()));
        assert_eq!(place("rediss://:pw@10.0.0.1", 6379), ("10.0.0.1:6379".into(), "".into()));
        assert_eq!(place("redis://[::1]/2?x=1", 6379), ("[::1]:6379".into(), "/2".into()));
        assert_eq!(
            place("redis+sentinel://:pw@s1,s2:5000/mymaster/1", 26379),
            ("s1:26379,s2:5000".into(), "/mymaster/1".into())
        );
        assert_eq!(place("unix:///run/redis.sock?db=2&pass=x", 6379), ("/run/redis.sock".into(), "db=2&pass=x".into()));
    }
}
