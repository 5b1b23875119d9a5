//! `sessctl config show` and `sessctl config profiles`: what a command would use, and why.

use std::io::Write;

use serde::Serialize;

use crate::cli::{ConfigAction, ConfigArgs};
use crate::config::{self, file, Origin, SecretSource, Settings, Uses};
use crate::error::Outcome;
use crate::output::{self, Column, Record, RecordWriter};
use crate::sink::Sink;
use crate::workflow::invocation::Invocable;
use sessctl_cookie::secret::KeyRing;
use sessctl_store::redact_url;

/// One resolved setting: `config show`'s JSON record.
#[derive(Debug, Serialize)]
pub struct Setting {
    pub setting: String,
    pub value: String,
    /// `flag`, `env`, `profile`, `file` (the config file's `default_profile`) or `default`.
    pub origin: &'static str,
    /// The flag, the variable or the profile the value came from (`null` for a default).
    pub source: Option<String>,
    /// The profile whose value for this setting a flag or a variable overrides (`null` when
    /// none is).
    pub overrides: Option<String>,
    /// What is wrong with the setting when it cannot be used as shown (a secret file that is
    /// missing, unreadable or not a secret); `null` when it can. `config show` then exits 1.
    pub problem: Option<String>,
}

impl Record for Setting {
    fn columns() -> &'static [&'static str] {
        &["setting", "value", "origin"]
    }
    fn fields() -> &'static [&'static str] {
        &["setting", "value", "origin", "source", "overrides", "problem"]
    }
    fn kinds() -> &'static [Column] {
        // A value (a URL, a path) is read whole: it wraps inside its column.
        &[Column::Fixed, Column::Wrap, Column::Fixed]
    }
    fn cells(&self) -> Vec<String> {
        let mut origin = match &self.source {
            Some(source) => format!("{} {source}", self.origin),
            None => self.origin.to_string(),
        };
        if let Some(profile) = &self.overrides {
            origin.push_str(&format!(" (over {profile})"));
        }
        let value = match &self.problem {
            Some(problem) => format!("BROKEN: {problem}"),
            None => self.value.clone(),
        };
        vec![self.setting.clone(), value, origin]
    }
    fn accent(&self) -> Option<output::Accent> {
        self.problem.as_ref().map(|_| output::Accent::Bad)
    }
}

/// One profile: `config profiles`' JSON record.
#[derive(Debug, Serialize)]
pub struct ProfileRow {
    pub profile: String,
    /// The file's `default_profile`.
    pub default: bool,
    /// The profile a command would use now (`--profile`, `SESSCTL_PROFILE` or the default).
    pub selected: bool,
    pub redis_url: Vec<String>,
    pub secret_file: Option<String>,
    /// The keys the profile sets.
    pub settings: Vec<String>,
}

impl Record for ProfileRow {
    fn columns() -> &'static [&'static str] {
        &["profile", "default", "selected", "redis url", "secret file", "settings"]
    }
    fn fields() -> &'static [&'static str] {
        &["profile", "default", "selected", "redis_url", "secret_file", "settings"]
    }
    fn kinds() -> &'static [Column] {
        // A profile name is typed on the command line: shown whole, like a status word.
        &[Column::Fixed, Column::Fixed, Column::Fixed, Column::Wrap, Column::Wrap, Column::Wrap]
    }
    fn cells(&self) -> Vec<String> {
        let yes = |b: bool| if b { "yes" } else { "" }.to_string();
        vec![
            self.profile.clone(),
            yes(self.default),
            yes(self.selected),
            self.redis_url.join(" "),
            self.secret_file.clone().unwrap_or_default(),
            self.settings.join(" "),
        ]
    }
}

impl Invocable for ConfigArgs {
    fn uses(&self) -> Uses {
        // `config show` shows every setting, as the command that uses it would see it.
        Uses { redis: true, secret: true, key_version: true, cookie_name: true, prefix: true, ttl: true, output: true }
    }

    fn renders_records(&self) -> bool {
        true
    }

    fn run(&self, settings: &Settings, out: &mut Sink) -> anyhow::Result<Outcome> {
        run(settings, self, out)
    }
}

pub fn run(settings: &Settings, args: &ConfigArgs, out: &mut Sink) -> anyhow::Result<Outcome> {
    match args.action {
        ConfigAction::Show => show(settings, out),
        ConfigAction::Profiles { names: true } => profile_names(settings, out),
        ConfigAction::Profiles { names: false } => profiles(settings, out),
    }
}

fn origin_parts(origin: &Origin) -> (&'static str, Option<String>) {
    match origin {
        Origin::Flag(flag) => ("flag", Some(flag.to_string())),
        Origin::Env(var) => ("env", Some(var.to_string())),
        Origin::Profile(name) => ("profile", Some(name.clone())),
        Origin::Default => ("default", None),
    }
}

/// The value of a setting as a path, as text (empty when unset).
fn path_text(p: &Option<std::path::PathBuf>) -> String {
    match p {
        Some(p) => output::text(p.as_os_str().as_encoded_bytes()),
        None => String::new(),
    }
}

/// Where the setting `name` came from (a default when the settings do not say).
fn origin_of(settings: &Settings, name: &str) -> Origin {
    settings.origins.iter().find(|(n, _)| *n == name).map(|(_, o)| o.clone()).unwrap_or(Origin::Default)
}

/// Adds the row of `setting`, with where its value came from.
fn add(rows: &mut Vec<Setting>, setting: &str, value: String, origin: Origin) {
    let (origin, source) = origin_parts(&origin);
    rows.push(Setting { setting: setting.to_string(), value, origin, source, overrides: None, problem: None });
}

fn show(settings: &Settings, out: &mut Sink) -> anyhow::Result<Outcome> {
    let origin_of = |name: &str| origin_of(settings, name);
    let mut rows: Vec<Setting> = Vec::new();
    file_rows(settings, &mut rows);
    redis_rows(settings, &mut rows);
    secret_rows(settings, &mut rows);
    add(&mut rows, "cookie_name", settings.cookie_name.clone(), origin_of("cookie_name"));
    add(&mut rows, "prefix", settings.prefix.clone(), origin_of("prefix"));
    add(&mut rows, "ttl", output::human_duration(settings.session_ttl), origin_of("ttl"));
    add(&mut rows, "output", format!("{:?}", settings.output).to_lowercase(), origin_of("output"));
    add(&mut rows, "color", if settings.color { "on".into() } else { "off".into() }, origin_of("color"));
    add(&mut rows, "quiet", settings.quiet.to_string(), origin_of("quiet"));
    option_rows(settings, &mut rows)?;

    // A value a flag or a variable gives in place of the profile's says so.
    for row in rows.iter_mut().filter(|r| r.origin != "default") {
        if let Some(profile) = settings.overridden(&row.setting) {
            row.overrides = Some(format!("profile {}", profile.name));
        }
    }
    if let Some(row) = rows.iter_mut().find(|r| r.setting == "secret") {
        row.overrides = settings.overridden("secret_file").map(|p| format!("profile {}", p.name));
    }

    let mut writer = RecordWriter::new::<Setting>(&mut *out, settings.style);
    for row in &rows {
        writer.write(row)?;
    }
    writer.finish()?;
    // Everything is shown; a setting that cannot be used fails the command (exit 1), so a
    // script checking a host's setup notices.
    let broken: Vec<&str> = rows.iter().filter(|r| r.problem.is_some()).map(|r| r.setting.as_str()).collect();
    if !broken.is_empty() {
        crate::messages::said!(
            "config show: {} cannot be used as shown ({}); fix it, then run `sessctl config show` again",
            broken.join(", "),
            rows.iter().filter_map(|r| r.problem.as_deref()).collect::<Vec<_>>().join("; ")
        );
        return Ok(Outcome::Failed);
    }
    Ok(Outcome::Success)
}

/// The config file and the profile chosen in it.
fn file_rows(settings: &Settings, rows: &mut Vec<Setting>) {
    match &settings.config {
        Some(config) => {
            add(rows, "config_file", output::text(config.path.as_os_str().as_encoded_bytes()), config.origin.clone())
        }
        None => {
            let value = match file::locate(None) {
                Some((path, _)) => format!("none ({} does not exist)", path.display()),
                None => "none".to_string(),
            };
            add(rows, "config_file", value, Origin::Default)
        }
    }
    match &settings.profile {
        Some(profile) => {
            let (origin, source) = match &profile.chosen_by {
                Origin::Default => ("file", Some("default_profile".to_string())),
                other => origin_parts(other),
            };
            rows.push(Setting {
                setting: "profile".into(),
                value: profile.name.clone(),
                origin,
                source,
                overrides: None,
                problem: None,
            });
        }
        None => add(rows, "profile", String::new(), Origin::Default),
    }
}

/// The connection to Redis.
fn redis_rows(settings: &Settings, rows: &mut Vec<Setting>) {
    let origin_of = |name: &str| origin_of(settings, name);
    let r = &settings.redis;
    add(rows, "redis_url", r.urls.iter().map(|u| redact_url(u)).collect::<Vec<_>>().join(" "), origin_of("redis_url"));
    add(
        rows,
        "cluster",
        match r.cluster {
            Some(true) => "true".into(),
            _ => "auto-detected".into(),
        },
        origin_of("cluster"),
    );
    add(rows, "tls_ca", path_text(&r.tls_ca), origin_of("tls_ca"));
    let (cert, key) = r.client_cert.clone().map(|c| (c.cert, c.key)).unzip();
    add(rows, "tls_cert", path_text(&cert), origin_of("tls_cert"));
    add(rows, "tls_key", path_text(&key), origin_of("tls_key"));
    add(rows, "timeout", output::human_duration(r.timeouts.connect), origin_of("timeout"));
    add(rows, "retry_deadline", output::human_duration(r.timeouts.retry_deadline), origin_of("retry_deadline"));
    add(rows, "scan_count", settings.scan_count.to_string(), origin_of("scan_count"));
}

/// The secret, its format and the key version. The secret itself is never shown: only where
/// it is read from, and what it is once read and parsed as the command would (a file that is
/// missing, unreadable, too large, empty or not in --secret-format is the row's problem).
fn secret_rows(settings: &Settings, rows: &mut Vec<Setting>) {
    let origin_of = |name: &str| origin_of(settings, name);
    let secret_row = |rows: &mut Vec<Setting>, from: &str, origin: Origin| {
        let (value, problem) = match settings.secret(crate::terminal::secret_prompt) {
            Ok(KeyRing::Single(s)) => {
                let bytes = match s.expose().len() {
                    1 => "1 byte".to_string(),
                    n => format!("{n} bytes"),
                };
                (format!("(redacted) one secret of {bytes}, {from}"), None)
            }
            Ok(KeyRing::Versions(map)) => {
                let versions: Vec<String> = map.keys().map(i64::to_string).collect();
                (format!("(redacted) a key ring of versions {}, {from}", versions.join(", ")), None)
            }
            Err(e) => (String::new(), Some(output::safe_message(&format!("{e:#}")))),
        };
        add(rows, "secret", value, origin);
        rows.last_mut().expect("just added").problem = problem;
    };
    match settings.secret_source() {
        SecretSource::File(path) => {
            add(rows, "secret_file", path_text(&Some(path)), origin_of("secret_file"));
            secret_row(rows, "read from secret_file", origin_of("secret_file"));
        }
        SecretSource::Env => {
            add(rows, "secret_file", String::new(), Origin::Default);
            secret_row(rows, "from SESSCTL_SECRET", Origin::Env("SESSCTL_SECRET"));
        }
        SecretSource::None => {
            add(rows, "secret_file", String::new(), Origin::Default);
            add(rows, "secret", "none (asked for on a terminal)".into(), Origin::Default);
        }
    }
    add(rows, "secret_format", format!("{:?}", settings.secret_format()).to_lowercase(), origin_of("secret_format"));
    add(
        rows,
        "key_version",
        settings.key_version.map(|v| v.to_string()).unwrap_or_else(|| "highest in the ring".into()),
        origin_of("key_version"),
    );
}

/// Settings of some commands only (`--audit-log`…): their text as given, with its origin.
fn option_rows(settings: &Settings, rows: &mut Vec<Setting>) -> anyhow::Result<()> {
    let shown: Vec<String> = rows.iter().map(|r| r.setting.clone()).collect();
    for (long, var) in config::OPTION_ENV {
        let key = config::profile_key(long);
        if shown.contains(&key) || key == "config" || key == "profile" {
            continue;
        }
        let (value, origin) = match std::env::var(var).ok().filter(|v| !v.is_empty()) {
            Some(text) => (text, Origin::Env(var)),
            None => match settings.profile.as_ref().map(|p| p.text(&key)).transpose()?.flatten() {
                Some(text) => {
                    (text, Origin::Profile(settings.profile.as_ref().map(|p| p.name.clone()).unwrap_or_default()))
                }
                None => (String::new(), Origin::Default),
            },
        };
        add(rows, &key, value, origin);
    }
    Ok(())
}

/// The names of the config file's profiles, one a line, nothing else (no file: nothing). Shell
/// completion runs it for `--profile`.
fn profile_names(settings: &Settings, out: &mut Sink) -> anyhow::Result<Outcome> {
    if let Some(config) = &settings.config {
        for name in config.profiles.keys() {
            writeln!(out, "{}", output::terminal_safe(name))?;
        }
    }
    out.flush()?;
    Ok(Outcome::Success)
}

fn profiles(settings: &Settings, out: &mut Sink) -> anyhow::Result<Outcome> {
    let Some(config) = &settings.config else {
        let where_ = match file::locate(None) {
            Some((path, _)) => format!("{} does not exist", output::path(&path)),
            None => "HOME and XDG_CONFIG_HOME are not set".into(),
        };
        crate::messages::status!(
            "no config file ({where_}); write one with a table per profile, such as [profiles.prod] then redis_url = \"redis://host:6379/0\" (docs/cli.md, \"The config file and its profiles\")"
        );
        RecordWriter::new::<ProfileRow>(&mut *out, settings.style).finish()?;
        return Ok(Outcome::Success);
    };
    let mut writer = RecordWriter::new::<ProfileRow>(&mut *out, settings.style);
    for name in config.profiles.keys() {
        let profile = config.select(Some((name.clone(), Origin::Default)))?;
        let Some(profile) = profile else { continue };
        let urls = profile.text("redis_url")?.map(|t| sessctl_store::split_urls(&t)).unwrap_or_default();
        let row = ProfileRow {
            profile: name.clone(),
            default: config.default_profile.as_deref() == Some(name.as_str()),
            selected: settings.profile.as_ref().is_some_and(|p| &p.name == name),
            redis_url: urls.iter().map(|u| redact_url(u)).collect(),
            secret_file: profile.path("secret_file")?.map(|p| output::text(p.as_os_str().as_encoded_bytes())),
            settings: profile.keys().map(str::to_string).collect(),
        };
        writer.write(&row)?;
    }
    writer.finish()?;
    Ok(Outcome::Success)
}
