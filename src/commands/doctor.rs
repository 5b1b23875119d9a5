//! `sessctl doctor`: checks the setup and explains what is wrong. One row per check (ok, warn or
//! fail, a detail and a hint); exit 0 when nothing failed, 1 otherwise. Read-only: it changes
//! no data, and never prints the secret. docs/doctor.md describes each check.

use std::io::{self, Write};
use std::os::unix::fs::MetadataExt;
use std::path::Path;

use serde::Serialize;

use crate::cli::{DoctorArgs, OutputFormat};
use crate::config::{Origin, SecretSource, Settings, Uses};
use crate::error::Outcome;
use crate::output::{self, Accent, Column, Record, RecordWriter};
use sessctl_cookie::secret::KeyRing;
use sessctl_cookie::strength as secret_strength;
use sessctl_store::{
    redact_url, AclVerdict, NodeProbe, Permission, Population, ReplicationProbe, SampledString, Store, StoreError,
};

use crate::workflow::category::{classify, Category};
use crate::workflow::invocation::Subcommand;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Ok,
    Warn,
    Fail,
}

/// One row: the JSON object monitoring reads (`check`, `status`, `detail`, `hint`).
#[derive(Debug, Serialize)]
pub struct Check {
    pub check: &'static str,
    pub status: Status,
    pub detail: String,
    /// What to do about it; `null` when there is nothing to do.
    pub hint: Option<String>,
}

impl Check {
    fn ok(check: &'static str, detail: impl Into<String>) -> Check {
        Check { check, status: Status::Ok, detail: detail.into(), hint: None }
    }
    fn warn(check: &'static str, detail: impl Into<String>, hint: impl Into<String>) -> Check {
        Check { check, status: Status::Warn, detail: detail.into(), hint: Some(hint.into()) }
    }
    fn fail(check: &'static str, detail: impl Into<String>, hint: impl Into<String>) -> Check {
        Check { check, status: Status::Fail, detail: detail.into(), hint: Some(hint.into()) }
    }
}

impl Record for Check {
    fn columns() -> &'static [&'static str] {
        &["check", "status", "detail", "hint"]
    }
    fn fields() -> &'static [&'static str] {
        &["check", "status", "detail", "hint"]
    }
    fn cells(&self) -> Vec<String> {
        vec![
            self.check.to_string(),
            status_word(self.status).to_string(),
            self.detail.clone(),
            self.hint.clone().unwrap_or_default(),
        ]
    }
    fn accent(&self) -> Option<Accent> {
        Some(match self.status {
            Status::Ok => Accent::Good,
            Status::Warn => Accent::Warn,
            Status::Fail => Accent::Bad,
        })
    }
}

fn status_word(status: Status) -> &'static str {
    match status {
        Status::Ok => "ok",
        Status::Warn => "warn",
        Status::Fail => "fail",
    }
}

impl Subcommand for DoctorArgs {
    fn uses(&self) -> Uses {
        Uses { secret: true, key_version: true, redis: true, prefix: true, output: true, ..Uses::default() }
    }

    fn renders_records(&self) -> bool {
        true
    }

    fn run(&self, settings: &Settings) -> anyhow::Result<Outcome> {
        run(settings, self)
    }
}

pub fn run(settings: &Settings, args: &DoctorArgs) -> anyhow::Result<Outcome> {
    let mut checks = config_checks(settings);
    checks.extend(secret_checks(settings));
    checks.extend(redis_checks(settings, args));
    print(settings, &checks)?;
    let failed: Vec<&str> = checks.iter().filter(|c| c.status == Status::Fail).map(|c| c.check).collect();
    if failed.is_empty() {
        Ok(Outcome::Success)
    } else {
        // The report is whole (an --output-file gets it); the exit status says it failed.
        eprintln!("sessctl: doctor: {} of {} checks failed ({})", failed.len(), checks.len(), failed.join(", "));
        Ok(Outcome::Failed)
    }
}

fn print(settings: &Settings, checks: &[Check]) -> anyhow::Result<()> {
    let mut out = io::stdout().lock();
    if settings.output != OutputFormat::Table {
        let mut writer = RecordWriter::new::<Check>(&mut out, settings.style);
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
    crate::output::write_table(&mut out, &settings.style, &[], &rows, &[Column::Text, Column::Text, Column::Wrap])?;
    let count = |s: Status| checks.iter().filter(|c| c.status == s).count();
    let warnings = match count(Status::Warn) {
        1 => "1 warning".to_string(),
        n => format!("{n} warnings"),
    };
    writeln!(out, "\n{} ok, {warnings}, {} failed", count(Status::Ok), count(Status::Fail))?;
    out.flush()?;
    Ok(())
}

/// Where a setting came from, for a detail: `(from SESSCTL_REDIS_URL, over the redis_url of
/// profile prod)`; empty for a default.
fn origin_note(settings: &Settings, key: &str) -> String {
    let origin = settings.origins.iter().find(|(n, _)| *n == key).map(|(_, o)| o.clone());
    let from = match origin {
        Some(Origin::Flag(flag)) => Some(format!("from {flag}")),
        Some(Origin::Env(var)) => Some(format!("from {var}")),
        Some(Origin::Profile(name)) => Some(format!("from profile {name}")),
        // SESSCTL_SECRET (the detail names it already) or a default.
        Some(Origin::Default) | None => None,
    };
    let over = settings.overridden(key).map(|profile| format!("over the {key} of profile {}", profile.name));
    match (from, over) {
        (Some(from), Some(over)) => format!(" ({from}, {over})"),
        (Some(one), None) | (None, Some(one)) => format!(" ({one})"),
        (None, None) => String::new(),
    }
}

/// The config file: a Redis password in it that group or others can read fails (the same
/// warning every command prints).
fn config_checks(settings: &Settings) -> Vec<Check> {
    const NAME: &str = "config-file";
    let Some(config) = &settings.config else { return Vec::new() };
    let shown = crate::output::path(&config.path);
    if let Some(problem) = config.password_exposed() {
        return vec![Check::fail(
            NAME,
            problem,
            format!("chmod 600 {shown}; anyone who read it has the Redis password, so change it on the server too"),
        )];
    }
    let profile = match &settings.profile {
        Some(p) => format!(", profile {}", p.name),
        None => ", no profile chosen".to_string(),
    };
    vec![Check::ok(NAME, format!("{shown} (mode {:04o}){profile}", config.mode))]
}

const NEW_SECRET_HINT: &str =
    "make a new one with `sessctl gen-secret`; to keep users logged in, rotate with `sessctl gen-secret --ring` (docs/rotation.md)";

/// The secret: configured, readable and parseable; its file's permissions; its strength; the
/// key ring. Never prompts (doctor runs from cron too) and never prints the secret.
fn secret_checks(settings: &Settings) -> Vec<Check> {
    let mut checks = Vec::new();
    let source = settings.secret_source();
    let from = match &source {
        SecretSource::None => {
            checks.push(Check::fail(
                "secret",
                "no cookie secret configured",
                "point SESSCTL_SECRET_FILE (or --secret-file) at a file holding the app's cookie_secret, or set SESSCTL_SECRET",
            ));
            return checks;
        }
        SecretSource::File(path) => format!("the file {}", path.display()),
        SecretSource::Env => "SESSCTL_SECRET".to_string(),
    };
    if let SecretSource::File(path) = &source {
        checks.extend(file_permissions(path));
    }
    let ring = match settings.secret() {
        Ok(ring) => ring,
        Err(e) => {
            let hint = match &source {
                SecretSource::File(_) => format!(
                    "fix the file named by {}",
                    crate::config::setting_source("secret_file", "--secret-file", "SESSCTL_SECRET_FILE")
                ),
                _ => "fix SESSCTL_SECRET".to_string(),
            };
            checks.insert(0, Check::fail("secret", format!("cannot use the secret from {from}: {e:#}"), hint));
            return checks;
        }
    };
    let what = match &ring {
        KeyRing::Single(s) => format!("one secret of {} bytes", s.expose().len()),
        KeyRing::Versions(map) => {
            format!("a key ring of {}", crate::output::plural(map.len() as u64, "version", "versions"))
        }
    };
    checks.insert(0, Check::ok("secret", format!("{what}, from {from}{}", origin_note(settings, "secret_file"))));
    checks.push(strength(&ring));
    checks.extend(whitespace(&ring));
    checks.push(key_ring(settings, &ring));
    checks
}

/// Who may read or replace the secret file.
fn file_permissions(path: &Path) -> Vec<Check> {
    const NAME: &str = "secret-file";
    let Ok(meta) = std::fs::metadata(path) else {
        // The `secret` check reports the unreadable file.
        return Vec::new();
    };
    let mode = meta.mode() & 0o7777;
    let shown = path.display();
    let check = if mode & 0o004 != 0 || mode & 0o002 != 0 {
        let what = if mode & 0o002 != 0 { "writable" } else { "readable" };
        Check::fail(
            NAME,
            format!("{shown} is {what} by every user on this machine (mode {mode:04o})"),
            format!("chmod 600 {shown} (or 640 with the app's group); anyone who read it can sign cookies, so rotate the secret"),
        )
    } else if mode & 0o070 != 0 {
        let what = if mode & 0o020 != 0 { "writable (it could replace the secret)" } else { "readable" };
        Check::warn(
            NAME,
            format!("{shown} is {what} by its group (mode {mode:04o})"),
            format!("chmod 600 {shown}, unless the app reads it through its group (then chmod 640)"),
        )
    } else {
        Check::ok(NAME, format!("{shown}: mode {mode:04o}, owner uid {}", meta.uid()))
    };
    let mut checks = vec![check];
    // A directory anyone can write lets anyone swap the file.
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        if let Ok(meta) = std::fs::metadata(dir) {
            let mode = meta.mode() & 0o7777;
            if mode & 0o002 != 0 && mode & 0o1000 == 0 {
                checks.push(Check::warn(
                    "secret-dir",
                    format!(
                        "{} is writable by every user (mode {mode:04o}), so anyone can replace the secret file",
                        dir.display()
                    ),
                    "keep the secret in a directory only its owner can write (e.g. /etc/<app>/)",
                ));
            }
        }
    }
    checks
}

/// Strength of the secret, or of every version of the ring (all of them verify cookies).
fn strength(ring: &KeyRing) -> Check {
    const NAME: &str = "secret-strength";
    let versions: Vec<(Option<i64>, &sessctl_cookie::secret::Secret)> = match ring {
        KeyRing::Single(s) => vec![(None, s)],
        KeyRing::Versions(map) => map.iter().map(|(v, s)| (Some(*v), s)).collect(),
    };
    let mut fatal = Vec::new();
    let mut weak = Vec::new();
    for (version, secret) in &versions {
        let subject = match version {
            Some(v) => format!("version {v}"),
            None => "the secret".to_string(),
        };
        for weakness in secret_strength::weaknesses(secret) {
            if matches!(weakness, secret_strength::Weakness::Whitespace { .. }) {
                // Its own row (`secret-text`): a different problem with a different fix.
                continue;
            }
            let line = format!("{subject} {}", weakness.describe());
            if weakness.is_fatal() {
                fatal.push(line);
            } else {
                weak.push(line);
            }
        }
    }
    let mut repeated = Vec::new();
    for (i, (a, sa)) in versions.iter().enumerate() {
        for (b, sb) in &versions[i + 1..] {
            if sa.expose() == sb.expose() {
                repeated.push(format!("versions {} and {} hold the same secret", a.unwrap_or(0), b.unwrap_or(0)));
            }
        }
    }
    if !fatal.is_empty() {
        fatal.extend(weak);
        return Check::fail(NAME, fatal.join("; "), NEW_SECRET_HINT);
    }
    if !weak.is_empty() || !repeated.is_empty() {
        weak.extend(repeated);
        return Check::warn(NAME, weak.join("; "), NEW_SECRET_HINT);
    }
    let detail = match ring {
        KeyRing::Single(s) => format!("{} bytes, not a published value", s.expose().len()),
        KeyRing::Versions(_) => {
            format!("every version at least {} bytes, none a published value", secret_strength::STRONG_BYTES)
        }
    };
    Check::ok(NAME, detail)
}

/// Whitespace around the secret (or a version of the ring): sessctl uses it byte for byte, so
/// it agrees with the app only if the app does not strip it either.
fn whitespace(ring: &KeyRing) -> Option<Check> {
    let versions: Vec<(Option<i64>, &sessctl_cookie::secret::Secret)> = match ring {
        KeyRing::Single(s) => vec![(None, s)],
        KeyRing::Versions(map) => map.iter().map(|(v, s)| (Some(*v), s)).collect(),
    };
    let found: Vec<String> = versions
        .iter()
        .flat_map(|(version, secret)| {
            secret_strength::weaknesses(secret)
                .into_iter()
                .filter(|w| matches!(w, secret_strength::Weakness::Whitespace { .. }))
                .map(move |w| match version {
                    Some(v) => format!("version {v} {}", w.describe()),
                    None => format!("the secret {}", w.describe()),
                })
        })
        .collect();
    (!found.is_empty()).then(|| {
        Check::warn(
            "secret-text",
            found.join("; "),
            "make the file hold exactly the bytes the app uses as cookie_secret: if the app strips what it reads (open(f).read().strip()), remove the whitespace from the file; then check a cookie from the app with `sessctl verify`",
        )
    })
}

/// The versions, and the one `mint` signs with.
fn key_ring(settings: &Settings, ring: &KeyRing) -> Check {
    const NAME: &str = "key-ring";
    match ring {
        KeyRing::Single(_) => {
            let version = settings.key_version.unwrap_or(0);
            Check::ok(NAME, format!("no key ring (one secret): cookies are signed as key version {version}"))
        }
        KeyRing::Versions(map) => {
            let versions: Vec<String> = map.keys().map(i64::to_string).collect();
            let highest = map.keys().next_back().copied().unwrap_or(0);
            let versions =
                format!("{} {}", if versions.len() == 1 { "version" } else { "versions" }, versions.join(", "));
            match ring.signing_key(settings.key_version) {
                Err(e) => Check::fail(NAME, format!("{versions}: {e}"), "set SESSCTL_KEY_VERSION (or --key-version) to a version in the ring, or unset it to sign with the highest"),
                Ok((version, _)) if version < highest => Check::warn(
                    NAME,
                    format!("{versions}; sessctl signs with {version} (SESSCTL_KEY_VERSION / --key-version), not the highest, {highest}"),
                    "when the rotation is done, set the app's key_version and sessctl's to the newest version (docs/rotation.md)",
                ),
                Ok((version, _)) => {
                    let why = if settings.key_version.is_some() { "as set" } else { "the highest" };
                    Check::ok(NAME, format!("{versions}; sessctl signs with {version} ({why})"))
                }
            }
        }
    }
}

/// Redis: reachable (version), round trips, topology, TLS, what the user may run, and the
/// population under the prefix. A check whose probe fails is a failure naming the error; checks
/// that depend on a failed one are left out.
fn redis_checks(settings: &Settings, args: &DoctorArgs) -> Vec<Check> {
    let urls: Vec<String> = settings.redis.urls.iter().map(|u| redact_url(u)).collect();
    let store = match Store::connect(settings.redis.clone()) {
        Ok(store) => store,
        Err(e) => {
            let hint = crate::workflow::hints::for_store(&e).unwrap_or_else(|| {
                format!(
                    "check the URL ({}) and that the server is up; {}",
                    urls.join(", "),
                    crate::workflow::hints::url()
                )
            });
            return vec![Check::fail("redis", e.to_string(), hint), tls(&settings.redis.urls)];
        }
    };
    let mut checks = Vec::new();
    match store.probe_nodes(PINGS) {
        Ok(nodes) => {
            let mut check = reachable(&urls, &nodes);
            check.detail.push_str(&origin_note(settings, "redis_url"));
            checks.push(check);
            checks.push(latency(&nodes));
        }
        Err(e) => checks.push(probe_failed("redis", &e)),
    }
    checks.push(topology(&store));
    checks.push(tls(&settings.redis.urls));
    let scan_allowed = match store.probe_permissions() {
        Ok(permissions) => {
            let allowed = permissions.iter().any(|p| p.command == "SCAN" && p.refused.is_none());
            checks.push(permissions_check(&permissions, &settings.prefix));
            allowed
        }
        Err(e) => {
            checks.push(probe_failed("permissions", &e));
            false
        }
    };
    match store.probe_replication() {
        Ok(probes) => {
            checks.push(snapshot_check(&probes));
            checks.push(replicas_check(&probes));
        }
        Err(e) => checks.push(probe_failed("snapshot", &e)),
    }
    if scan_allowed {
        // Each string is classified as stats and cleanup classify it (category.rs).
        let mut tally = Tally::default();
        let prefix_len = settings.prefix.len();
        let mut visit =
            |key: SampledString<'_>| match classify(&key.key[prefix_len.min(key.key.len())..], key.len, key.ttl_ms) {
                Category::Malformed => tally.malformed += 1,
                Category::NoTtl => tally.no_ttl += 1,
                Category::Expiring => {}
            };
        match store.sample_population(args.sample, &mut visit) {
            Ok(population) => checks.extend(population_checks(&settings.prefix, &population, &tally)),
            Err(e) => checks.push(probe_failed("sessions", &e)),
        }
    }
    checks
}

/// PINGs timed per primary.
const PINGS: usize = 5;

/// A median round trip above this makes every scan batch and pipeline slow.
const SLOW_ROUND_TRIP: std::time::Duration = std::time::Duration::from_millis(50);

fn probe_failed(check: &'static str, error: &StoreError) -> Check {
    let hint = crate::workflow::hints::for_store(error)
        .unwrap_or_else(|| "run `sessctl doctor` again; check the server's log".into());
    Check::fail(check, error.to_string(), hint)
}

/// Connected, and the server's version.
fn reachable(urls: &[String], nodes: &[NodeProbe]) -> Check {
    // As the server names itself: `Redis 7.0.15`, `Valkey 8.1.8`.
    let mut versions: Vec<String> =
        nodes.iter().filter_map(|n| n.version.as_ref()).map(|(p, v)| format!("{p} {v}")).collect();
    versions.sort_unstable();
    versions.dedup();
    let version = match versions.as_slice() {
        [] => "version unknown (INFO refused)".to_string(),
        [one] => output::safe_message(one),
        many => format!("{} (the primaries differ)", output::safe_message(&many.join(", "))),
    };
    let detail = format!("{version}, connected to {}", urls.join(", "));
    let old = nodes
        .iter()
        .filter_map(|n| n.version.as_ref())
        .filter(|(product, _)| product == "Redis")
        .map(|(_, v)| v)
        .find(|v| v.split('.').next().and_then(|m| m.parse::<u32>().ok()).is_some_and(|m| m < 6));
    if let Some(refused) = nodes.iter().find_map(|n| n.info_refused.as_deref()) {
        return Check::warn(
            "redis",
            format!("{detail}; INFO refused ({refused})"),
            "without INFO sessctl cannot tell a cluster node: allow +info for the user, or pass --cluster (SESSCTL_CLUSTER=1) for a cluster",
        );
    }
    match old {
        Some(v) => Check::warn(
            "redis",
            detail,
            format!("Redis {v} is past its end of life and lacks ACL users; upgrade to 6.2 or later"),
        ),
        None => Check::ok("redis", detail),
    }
}

/// Round trips: the median of each primary, the slowest shown.
fn latency(nodes: &[NodeProbe]) -> Check {
    let median = |n: &NodeProbe| {
        let mut t = n.round_trips.clone();
        t.sort_unstable();
        t.get(t.len() / 2).copied().unwrap_or_default()
    };
    let Some(slowest) = nodes.iter().max_by_key(|n| median(n)) else {
        return Check::ok("latency", "no primary to ping");
    };
    let worst = nodes.iter().flat_map(|n| n.round_trips.iter()).max().copied().unwrap_or_default();
    let ms = |d: std::time::Duration| format!("{:.2} ms", d.as_secs_f64() * 1000.0);
    let detail = format!(
        "round trip {} median, {} max ({PINGS} PINGs per primary{})",
        ms(median(slowest)),
        ms(worst),
        if nodes.len() > 1 { format!("; slowest primary {}", slowest.addr) } else { String::new() }
    );
    if median(slowest) > SLOW_ROUND_TRIP {
        Check::warn(
            "latency",
            detail,
            "every SCAN batch and pipeline waits one round trip, so scans of many keys will be slow; run sessctl close to Redis",
        )
    } else {
        Check::ok("latency", detail)
    }
}

/// The sessctl commands that need each Redis command.
fn needed_by(command: &str) -> &'static str {
    match command {
        "SCAN" => "list, stats, cleanup, revoke --user/--all",
        "GET" | "PTTL" | "TYPE" => "verify, list, stats, cleanup, revoke",
        "SCRIPT LOAD" | "EVALSHA" | "DEL" => "revoke, cleanup (compare-and-delete script)",
        "EXPIRE" => "cleanup --no-ttl fix",
        "SET" => "mint",
        _ => "sessctl",
    }
}

fn permissions_check(permissions: &[Permission], prefix: &str) -> Check {
    const NAME: &str = "permissions";
    let names: Vec<&str> = permissions.iter().map(|p| p.command).collect();
    let refused: Vec<&Permission> = permissions.iter().filter(|p| p.refused.is_some()).collect();
    if refused.is_empty() {
        return Check::ok(NAME, format!("the user may run {} (tried without changing data)", names.join(", ")));
    }
    let detail: Vec<String> = refused
        .iter()
        .map(|p| {
            format!(
                "{} refused ({}), needed by {}",
                p.command,
                p.refused.as_deref().unwrap_or(""),
                needed_by(p.command)
            )
        })
        .collect();
    // "No permissions to access a key" (Redis 7.2, Valkey), "no permissions to access one of
    // the keys" (Redis 7.0): the command is allowed, its key is not (the ACL's key patterns,
    // ~pattern); anything else refuses the command itself.
    let on_key = |p: &&Permission| {
        p.refused.as_deref().is_some_and(|r| r.to_ascii_lowercase().contains("permissions to access"))
    };
    let grant: Vec<String> = refused
        .iter()
        .filter(|p| !on_key(p))
        .map(|p| format!("+{}", p.command.to_lowercase().replace(' ', "|")))
        .collect();
    let hint = if grant.is_empty() {
        format!("the Redis user's key patterns do not cover the prefix: ACL SETUSER <user> ~{prefix}*")
    } else {
        format!(
            "grant them to the Redis user (ACL SETUSER <user> {}) and make its key patterns cover the prefix (~{prefix}*)",
            grant.join(" ")
        )
    };
    Check::fail(NAME, detail.join("; "), hint)
}

/// Whether `--snapshot` can work: SYNC and REPLCONF exist on every primary (not renamed or
/// removed, as managed services do) and the ACL lets this user run them. Found with COMMAND
/// INFO and ACL DRYRUN; no transfer is started.
fn snapshot_check(probes: &[ReplicationProbe]) -> Check {
    const NAME: &str = "snapshot";
    const SCAN_INSTEAD: &str =
        "--snapshot cannot work here; leave it out (the commands scan instead), or read a dump the service exports with --rdb";
    for probe in probes {
        match &probe.missing {
            Ok(missing) if !missing.is_empty() => {
                return Check::warn(
                    NAME,
                    format!(
                        "{}: the server has no {} (renamed or removed, as managed services do): no snapshot",
                        probe.addr,
                        missing.join(" or ")
                    ),
                    SCAN_INSTEAD,
                )
            }
            Ok(_) => {}
            Err(refused) => return Check::warn(
                NAME,
                format!("{}: cannot tell whether SYNC is there: COMMAND INFO refused ({refused})", probe.addr),
                "allow +command|info to the user to know; `sessctl list --count --snapshot` tries, changing nothing",
            ),
        }
    }
    for probe in probes {
        match &probe.acl {
            AclVerdict::Allowed => {}
            AclVerdict::Denied { command, reason } => {
                return Check::warn(
                    NAME,
                    format!("{}: the ACL refuses {command} to this user ({reason}): no snapshot", probe.addr),
                    "grant +sync +replconf to the user (ACL SETUSER <user> +sync +replconf) for --snapshot, or leave --snapshot out (the commands scan instead)",
                )
            }
            AclVerdict::Unknown(why) => {
                return Check::warn(
                    NAME,
                    format!(
                        "{}: SYNC and REPLCONF are there; whether this user may run them is unknown ({why})",
                        probe.addr
                    ),
                    "`sessctl list --count --snapshot` tries, changing nothing; allow +acl|dryrun to the user to know here",
                )
            }
        }
    }
    Check::ok(
        NAME,
        format!(
            "--snapshot possible: SYNC and REPLCONF are there and the ACL allows them on {} (COMMAND INFO, ACL DRYRUN; no transfer started)",
            primaries(probes.len())
        ),
    )
}

/// Replicas connected to each primary (`INFO replication`): what `WAIT` can wait for.
fn replicas_check(probes: &[ReplicationProbe]) -> Check {
    const NAME: &str = "replicas";
    if let Some(probe) = probes.iter().find(|p| p.replicas.is_none()) {
        return Check::warn(
            NAME,
            format!("{}: INFO replication refused: cannot tell whether replicas exist for WAIT", probe.addr),
            "allow +info to the user",
        );
    }
    let counts: Vec<u64> = probes.iter().filter_map(|p| p.replicas).collect();
    let fewest = counts.iter().copied().min().unwrap_or(0);
    let most = counts.iter().copied().max().unwrap_or(0);
    let per = if probes.len() > 1 { " per primary" } else { "" };
    if most == 0 {
        return Check::ok(
            NAME,
            format!("no replica connected to {}: WAIT has none to wait for (--wait-replicas defaults to 0); a deletion lives on the primary alone until it is saved", primaries(probes.len())),
        );
    }
    let range = if fewest == most { fewest.to_string() } else { format!("{fewest} to {most}") };
    Check::ok(
        NAME,
        format!("{range} replica(s) connected{per} (INFO replication): WAIT can confirm writes reached them (--wait-replicas defaults to 1)"),
    )
}

/// "the primary" or "each of the 3 primaries".
fn primaries(n: usize) -> String {
    if n == 1 {
        "the primary".into()
    } else {
        format!("each of the {n} primaries")
    }
}

/// `1234567` → `1,234,567`.
fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The share `part / whole` as a percentage with one decimal.
fn percent(part: u64, whole: u64) -> String {
    if whole == 0 {
        return "0%".into();
    }
    format!("{:.1}%", part as f64 * 100.0 / whole as f64)
}

/// The sample's strings by category (see `category.rs`).
#[derive(Debug, Default)]
struct Tally {
    no_ttl: u64,
    malformed: u64,
}

/// How many sessions there are, how many lack a TTL, malformed keys and keys of other types
/// under the prefix, from a bounded sample (exact when it covered every key). Keys the ACL
/// does not let the user read are said to be unreadable, not absent.
fn population_checks(prefix: &str, p: &Population, t: &Tally) -> Vec<Check> {
    let primaries = match p.primaries {
        1 => "1 primary".to_string(),
        n => format!("{n} primaries"),
    };
    let scope = if p.complete {
        format!("all {} keys of {primaries} examined", thousands(p.examined))
    } else {
        let total = p.keys.map(|k| format!(" of {}", thousands(k))).unwrap_or_default();
        format!("estimated from the first {}{total} keys SCAN returned on {primaries}", thousands(p.examined))
    };
    let estimate = |count: u64| -> String {
        match (p.complete, p.keys) {
            (true, _) => thousands(count),
            (false, Some(keys)) if p.examined > 0 => {
                format!("about {}", thousands((count as f64 * keys as f64 / p.examined as f64).round() as u64))
            }
            (false, _) => format!("at least {}", thousands(count)),
        }
    };
    let mut checks = Vec::new();
    if p.unreadable > 0 {
        // SCAN lists every key whatever the ACL; reading them is what the key patterns allow.
        checks.push(Check::fail(
            "sessions",
            format!(
                "{} key(s) under {prefix} cannot be read: the Redis user's ACL key patterns do not cover {prefix} ({}) ({scope})",
                estimate(p.unreadable),
                p.refusal.as_deref().map(output::safe_message).unwrap_or_default()
            ),
            format!("give the user the keys: ACL SETUSER <user> ~{prefix}* (or check --prefix (SESSCTL_PREFIX))"),
        ));
        return checks;
    }
    let sessions = format!("{} session key(s) under {prefix} ({scope})", estimate(p.strings));
    if p.under_prefix == 0 {
        let hint = if p.complete {
            "is --prefix (SESSCTL_PREFIX) the app's prefix, and the database in the URL the app's?"
        } else {
            "none in the sample: check --prefix (SESSCTL_PREFIX) and the database, or sample more with --sample"
        };
        checks.push(Check::warn("sessions", format!("no keys under {prefix} ({scope})"), hint));
        return checks;
    }
    checks.push(Check::ok("sessions", sessions));
    let sampled = if p.complete { "" } else { " in the sample" };
    let no_ttl = format!(
        "{} of {} sessions{sampled} have no TTL ({})",
        thousands(t.no_ttl),
        thousands(p.strings),
        percent(t.no_ttl, p.strings)
    );
    checks.push(if t.no_ttl == 0 {
        Check::ok("no-ttl", format!("every well-formed session{sampled} has a TTL"))
    } else {
        Check::warn(
            "no-ttl",
            no_ttl,
            "they never expire; `sessctl cleanup --no-ttl fix` gives them the session TTL (--dry-run first)",
        )
    });
    checks.push(if t.malformed == 0 {
        Check::ok("malformed", format!("every string under {prefix}{sampled} looks like a session of the app"))
    } else {
        Check::warn(
            "malformed",
            format!(
                "{} key(s) under {prefix}{sampled} are not sessions of the app (an id that is not a 43-character token, or an empty user)",
                estimate(t.malformed)
            ),
            "sessctl counts them (`sessctl stats`: malformed) and never changes or deletes them, with or without a TTL; look at them with redis-cli and remove them by hand if they are yours",
        )
    });
    checks.push(if p.non_string == 0 {
        Check::ok("non-string", format!("every key under {prefix} is a string"))
    } else {
        Check::warn(
            "non-string",
            format!("{} key(s) under {prefix} are not strings (hash, list, …)", estimate(p.non_string)),
            "another app may share the prefix; sessctl reports them and never touches them (`sessctl stats`)",
        )
    });
    checks
}

fn topology(store: &Store) -> Check {
    let nodes = store.nodes();
    if store.is_cluster() {
        Check::ok("topology", format!("cluster of {} primaries: {}", nodes.len(), nodes.join(", ")))
    } else if store.is_sentinel() {
        Check::ok("topology", format!("primary {} from Sentinel", nodes.join(", ")))
    } else {
        Check::ok("topology", format!("standalone server at {}", nodes.join(", ")))
    }
}

/// Whether the connection is encrypted where it crosses a network.
fn tls(urls: &[String]) -> Check {
    const NAME: &str = "tls";
    let mut plain_remote = Vec::new();
    let mut unverified = Vec::new();
    let mut encrypted = 0;
    for url in urls {
        let (scheme, rest) = url.split_once("://").unwrap_or(("redis", url));
        let scheme = scheme.to_ascii_lowercase();
        if scheme.starts_with("rediss") {
            encrypted += 1;
            if url.ends_with("#insecure") {
                unverified.push(redact_url(url));
            }
        } else if scheme.starts_with("redis") && !is_loopback(host_of(rest)) {
            plain_remote.push(redact_url(url));
        }
    }
    if !unverified.is_empty() {
        return Check::warn(
            NAME,
            format!("TLS without certificate verification (#insecure): {}", unverified.join(", ")),
            "drop #insecure and give the CA that signed the server's certificate with --tls-ca (SESSCTL_TLS_CA)",
        );
    }
    if !plain_remote.is_empty() {
        return Check::warn(
            NAME,
            format!(
                "plain TCP across the network: {} (the password and session ids travel unencrypted)",
                plain_remote.join(", ")
            ),
            "use rediss:// if the server offers TLS (tls-port), with --tls-ca for its CA",
        );
    }
    if encrypted > 0 {
        Check::ok(NAME, "TLS (rediss://) with certificate verification")
    } else {
        Check::ok(NAME, "not encrypted, but the server is on this machine (loopback or Unix socket)")
    }
}

/// The host of a URL's authority (after the scheme).
fn host_of(rest: &str) -> &str {
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    if let Some(v6) = host_port.strip_prefix('[') {
        return v6.split(']').next().unwrap_or("");
    }
    host_port.split(',').next().unwrap_or("").split(':').next().unwrap_or("")
}

fn is_loopback(host: &str) -> bool {
    host.eq_ignore_ascii_case("localhost") || host.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_well() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(1234567), "1,234,567");
        assert_eq!(percent(1, 3), "33.3%");
        assert_eq!(percent(0, 0), "0%");
    }

    #[test]
    fn hosts_are_read_from_urls() {
        assert_eq!(host_of("127.0.0.1:6379/0"), "127.0.0.1");
        assert_eq!(host_of(":pw@redis.internal:6379/0"), "redis.internal");
        assert_eq!(host_of("user:p@ss@[::1]:6379"), "::1");
        assert_eq!(host_of("localhost"), "localhost");
        assert!(is_loopback("::1") && is_loopback("127.0.0.2") && is_loopback("LOCALHOST"));
        assert!(!is_loopback("10.0.0.1"));
    }

    #[test]
    fn tls_warns_about_plain_text_across_a_network() {
        assert_eq!(tls(&["redis://127.0.0.1:6379/0".into()]).status, Status::Ok);
        assert_eq!(tls(&["unix:///run/redis.sock".into()]).status, Status::Ok);
        assert_eq!(tls(&["rediss://redis.internal:6380".into()]).status, Status::Ok);
        let plain = tls(&["redis://:hunter2@redis.internal:6379/0".into()]);
        assert_eq!(plain.status, Status::Warn);
        assert!(!plain.detail.contains("hunter2"), "{}", plain.detail);
        assert_eq!(tls(&["rediss://h:1/0#insecure".into()]).status, Status::Warn);
    }

    #[test]
    fn strength_never_names_the_secret() {
        let ring = KeyRing::parse(br#"{"0": "super-secret-key", "1": "short-but-not-tiny-x"}"#).unwrap();
        let check = strength(&ring);
        assert_eq!(check.status, Status::Fail);
        assert!(check.detail.contains("version 0 is a published value"), "{}", check.detail);
        assert!(check.detail.contains("version 1 is 20 bytes long"), "{}", check.detail);
        assert!(!check.detail.contains("super-secret") && !check.detail.contains("short-but"), "{}", check.detail);
        let same = KeyRing::parse(
            br#"{"0": "Zm9vYmFyYmF6cXV4cXV1eHF1dXo0MjQyNDI0Mg", "1": "Zm9vYmFyYmF6cXV4cXV1eHF1dXo0MjQyNDI0Mg"}"#,
        )
        .unwrap();
        let check = strength(&same);
        assert_eq!(check.status, Status::Warn);
        assert!(check.detail.contains("versions 0 and 1 hold the same secret"), "{}", check.detail);
    }
}
