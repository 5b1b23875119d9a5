//! Flags + environment → one `Settings` value, each setting with its origin.
//!
//! Every setting is resolved the same way: the flag when it was given on the command line
//! (clap already parsed it with the `values` parser of its kind), else its environment
//! variable parsed by that same parser (an error names the variable, not the flag), else the
//! default. Environment variables are read only for the settings the command uses
//! ([`Uses`]), so a stray `SESSCTL_KEY_VERSION=x` never breaks `sessctl list`; flags typed on
//! the command line are always checked. Each value remembers where it came from ([`Origin`]),
//! which is what a profile layer (flag > env > profile > default) and `config show` build on.
//!
//! A profile from the config file ([`file`]) sits between the environment and the defaults:
//! flag > environment > profile > default, for every setting. The chosen profile is kept for
//! the whole process ([`current_profile`]), so a command's own flags resolved with
//! [`resolve`] / [`resolve_path`] (`--audit-log`, `--rate`…) get the profile layer too: the
//! profile key is the flag's long name with `_` for `-`.
//!
//! The secret is loaded only by the commands that sign or verify, so `list` or `stats` never
//! ask for it.

pub mod file;

use std::io::{IsTerminal, Read};
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::cli::{ColorChoice, Global, OutputFormat};
use crate::error::usage;
use crate::output::excerpt;
use crate::values;
use sessctl_cookie::secret::{KeyRing, SecretFormat};
use sessctl_store::{ConnectOptions, Timeouts};

pub use file::{ConfigFile, Profile};

/// The default Redis URL when neither a flag nor the environment names one.
pub const DEFAULT_REDIS_URL: &str = "redis://127.0.0.1:6379/0";
/// The largest secret file read (a ring of many versions fits easily; `/dev/zero` does not).
pub const MAX_SECRET_FILE: u64 = 64 * 1024;

/// Each option an environment variable can set (by long name), and that variable. `resolve`
/// reads them (only for the settings a command uses); help and the man pages list them.
pub const OPTION_ENV: &[(&str, &str)] = &[
    ("redis-url", "SESSCTL_REDIS_URL"),
    ("cluster", "SESSCTL_CLUSTER"),
    ("tls-ca", "SESSCTL_TLS_CA"),
    ("tls-cert", "SESSCTL_TLS_CERT"),
    ("tls-key", "SESSCTL_TLS_KEY"),
    ("secret-file", "SESSCTL_SECRET_FILE"),
    ("secret-format", "SESSCTL_SECRET_FORMAT"),
    ("key-version", "SESSCTL_KEY_VERSION"),
    ("cookie-name", "SESSCTL_COOKIE_NAME"),
    ("prefix", "SESSCTL_PREFIX"),
    ("output", "SESSCTL_OUTPUT"),
    ("ttl", "SESSCTL_TTL"),
    ("timeout", "SESSCTL_TIMEOUT"),
    ("retry-deadline", "SESSCTL_RETRY_DEADLINE"),
    ("scan-count", "SESSCTL_SCAN_COUNT"),
    ("wait-replicas", "SESSCTL_WAIT_REPLICAS"),
    ("color", "SESSCTL_COLOR"),
    ("quiet", "SESSCTL_QUIET"),
    ("audit-log", "SESSCTL_AUDIT_LOG"),
    ("rate", "SESSCTL_RATE"),
    ("max-latency", "SESSCTL_MAX_LATENCY"),
    ("config", "SESSCTL_CONFIG"),
    ("profile", "SESSCTL_PROFILE"),
];

/// The environment variable that sets the option `--long`, if any.
pub fn env_var_of(long: &str) -> Option<&'static str> {
    OPTION_ENV.iter().find(|(l, _)| *l == long).map(|(_, v)| *v)
}

/// Where a setting's value came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// The command line (the flag's long name).
    Flag(&'static str),
    /// An environment variable (its name).
    Env(&'static str),
    /// The named profile of the config file.
    Profile(String),
    /// The built-in default.
    Default,
}

impl std::fmt::Display for Origin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Origin::Flag(flag) => write!(f, "flag {flag}"),
            Origin::Env(var) => write!(f, "env {var}"),
            Origin::Profile(name) => write!(f, "profile {name}"),
            Origin::Default => f.write_str("default"),
        }
    }
}

/// A setting's value and where it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Resolved<T> {
    pub value: T,
    pub origin: Origin,
}

/// The settings a command reads from the environment (the rest keep their defaults).
#[derive(Debug, Clone, Copy, Default)]
pub struct Uses {
    /// Redis URLs, `--cluster`, `--tls-ca`, `--timeout`, `--scan-count`.
    pub redis: bool,
    /// `--secret-file`, `--secret-format` (and `SESSCTL_SECRET`, read when the secret is).
    pub secret: bool,
    pub key_version: bool,
    pub cookie_name: bool,
    pub prefix: bool,
    pub ttl: bool,
    /// `-o` and `--color`.
    pub output: bool,
}

/// The profile chosen for this process (set by [`Settings::resolve`]); `None` without one.
static PROFILE: RwLock<Option<Arc<Profile>>> = RwLock::new(None);

/// The profile chosen for this process, if any.
pub fn current_profile() -> Option<Arc<Profile>> {
    PROFILE.read().ok().and_then(|p| p.clone())
}

fn set_profile(profile: Option<Arc<Profile>>) {
    if let Ok(mut p) = PROFILE.write() {
        *p = profile;
    }
}

/// Where each setting of this process came from (set by [`Settings::resolve`]), for hints.
static ORIGINS: RwLock<Vec<(&'static str, Origin)>> = RwLock::new(Vec::new());

fn set_origins(origins: Vec<(&'static str, Origin)>) {
    if let Ok(mut o) = ORIGINS.write() {
        *o = origins;
    }
}

/// Where the setting `name` (`redis_url`, `cluster`, …) of this process came from; `None`
/// before the settings are resolved.
pub fn origin_of(name: &str) -> Option<Origin> {
    ORIGINS.read().ok()?.iter().find(|(n, _)| *n == name).map(|(_, o)| o.clone())
}

/// The setting `name` as a hint names it, by where its value came from: the flag
/// (`--cluster`), the variable (`SESSCTL_CLUSTER`), or the profile's key with its file
/// (`cluster in profile "prod" of "/etc/sessctl.toml"`); both the flag and the variable when
/// it is a default or unknown (`--cluster (SESSCTL_CLUSTER)`).
pub fn setting_source(name: &str, flag: &str, env: &str) -> String {
    match origin_of(name) {
        Some(Origin::Flag(f)) => f.to_string(),
        Some(Origin::Env(var)) => var.to_string(),
        Some(Origin::Profile(profile)) => {
            let file = current_profile().map(|p| format!(" of {}", crate::output::path(&p.file))).unwrap_or_default();
            format!("{name} in profile {}{file}", crate::output::excerpt(profile.as_bytes()))
        }
        Some(Origin::Default) | None => format!("{flag} ({env})"),
    }
}

/// The profile key of a flag: its long name without `--`, `_` for `-` (`--tls-ca`: `tls_ca`).
pub fn profile_key(flag_name: &str) -> String {
    flag_name.trim_start_matches('-').replace('-', "_")
}

/// Resolves one setting: the flag, else the environment variable (through `parse`, only when
/// `used`), else the chosen profile's value (through `parse` too), else `default`. An
/// environment value that does not parse is a usage error naming the variable, a profile value
/// one naming the file, the profile and the key; an empty variable counts as unset.
pub fn resolve<T>(
    flag: Option<T>,
    flag_name: &'static str,
    env: &'static str,
    used: bool,
    parse: impl Fn(&str) -> Result<T, String>,
    default: impl FnOnce() -> T,
) -> anyhow::Result<Resolved<T>> {
    if let Some(value) = flag {
        return Ok(Resolved { value, origin: Origin::Flag(flag_name) });
    }
    if used {
        if let Some(text) = env_text(env)? {
            let value = parse(&text).map_err(|why| {
                usage(format!("{env}={}: {why}; fix or unset {env} (or give {flag_name})", excerpt(text.as_bytes())))
            })?;
            return Ok(Resolved { value, origin: Origin::Env(env) });
        }
    }
    if let Some(profile) = current_profile() {
        let key = profile_key(flag_name);
        if let Some(text) = profile.text(&key)? {
            let value = parse(&text).map_err(|why| profile.refused(&key, &text, &why, flag_name, env))?;
            return Ok(Resolved { value, origin: Origin::Profile(profile.name.clone()) });
        }
    }
    Ok(Resolved { value: default(), origin: Origin::Default })
}

/// An environment variable's text; `None` when unset or empty; an error naming it when it is
/// not UTF-8.
fn env_text(var: &'static str) -> anyhow::Result<Option<String>> {
    match std::env::var_os(var) {
        None => Ok(None),
        Some(v) if v.is_empty() => Ok(None),
        Some(v) => v.into_string().map(Some).map_err(|v| {
            use std::os::unix::ffi::OsStrExt;
            usage(format!("{var}={} is not valid UTF-8; fix or unset {var}", excerpt(v.as_bytes())))
        }),
    }
}

/// A path from a flag, else its environment variable (only when `used`), else the chosen
/// profile (relative to the config file's directory).
pub fn resolve_path(
    flag: Option<PathBuf>,
    flag_name: &'static str,
    env: &'static str,
    used: bool,
) -> anyhow::Result<Resolved<Option<PathBuf>>> {
    let outside = resolve_path_outside_profile(flag, flag_name, env, used);
    if outside.value.is_some() {
        return Ok(outside);
    }
    profile_path(flag_name)
}

/// [`resolve_path`] without the profile layer.
fn resolve_path_outside_profile(
    flag: Option<PathBuf>,
    flag_name: &'static str,
    env: &'static str,
    used: bool,
) -> Resolved<Option<PathBuf>> {
    if let Some(path) = flag {
        return Resolved { value: Some(path), origin: Origin::Flag(flag_name) };
    }
    match std::env::var_os(env).filter(|v| used && !v.is_empty()) {
        Some(path) => Resolved { value: Some(PathBuf::from(path)), origin: Origin::Env(env) },
        None => Resolved { value: None, origin: Origin::Default },
    }
}

/// The chosen profile's path for a flag's setting, or none (origin default).
fn profile_path(flag_name: &'static str) -> anyhow::Result<Resolved<Option<PathBuf>>> {
    if let Some(profile) = current_profile() {
        if let Some(path) = profile.path(&profile_key(flag_name))? {
            return Ok(Resolved { value: Some(path), origin: Origin::Profile(profile.name.clone()) });
        }
    }
    Ok(Resolved { value: None, origin: Origin::Default })
}

/// Everything a command needs to know, resolved once.
#[derive(Debug, Clone)]
pub struct Settings {
    pub redis: ConnectOptions,
    pub cookie_name: String,
    pub prefix: String,
    pub output: OutputFormat,
    /// How to render: the format, colour, headers and the width tables fit in.
    pub style: crate::output::Style,
    /// The app's session lifetime (tornado-auth-sessions: 7 days).
    pub session_ttl: Duration,
    pub key_version: Option<i64>,
    pub scan_count: u32,
    pub color: bool,
    /// Progress bars and prompts-related chatter on stderr (a terminal, not --quiet).
    pub chatty: bool,
    /// `--quiet`: no notes on stderr, only errors.
    pub quiet: bool,
    /// Where each setting came from, by setting name (`ttl`, `redis_url`, …).
    pub origins: Vec<(&'static str, Origin)>,
    /// The config file, when there is one.
    pub config: Option<Arc<ConfigFile>>,
    /// The chosen profile, if any.
    pub profile: Option<Arc<Profile>>,
    secret_file: Option<PathBuf>,
    /// `SESSCTL_SECRET` is the secret (it beats a profile's `secret_file`, not a file given
    /// by flag or `SESSCTL_SECRET_FILE`).
    secret_from_env: bool,
    secret_format: SecretFormat,
}

impl Settings {
    /// Resolves the settings `uses` names (flag > environment > default); the others keep
    /// their defaults unless given as flags.
    pub fn resolve(global: &Global, uses: Uses) -> anyhow::Result<Settings> {
        // The config file and its profile first: every setting below may come from it.
        let explicit = global.config.is_some() || global.profile.is_some() || env_text("SESSCTL_PROFILE")?.is_some();
        let wants_profile =
            uses.redis || uses.secret || uses.key_version || uses.cookie_name || uses.prefix || uses.ttl;
        let config = if explicit || wants_profile { ConfigFile::load(global.config.as_deref())? } else { None };
        let chosen = match &global.profile {
            Some(name) => Some((name.clone(), Origin::Flag("--profile"))),
            None => env_text("SESSCTL_PROFILE")?.map(|name| (name, Origin::Env("SESSCTL_PROFILE"))),
        };
        let profile = match (&config, chosen) {
            (Some(config), chosen) => config.select(chosen)?.map(Arc::new),
            (None, Some((name, origin))) => {
                let named = match origin {
                    Origin::Flag(_) => "--profile",
                    _ => "SESSCTL_PROFILE",
                };
                let where_ = match file::locate(None) {
                    Some((path, _)) => format!("{} does not exist", crate::output::path(&path)),
                    None => "HOME and XDG_CONFIG_HOME are not set".to_string(),
                };
                return Err(usage(format!(
                    "{named} {} names a profile, but there is no config file ({where_}); write one or point --config (SESSCTL_CONFIG) at it",
                    excerpt(name.as_bytes())
                )));
            }
            (None, None) => None,
        };
        set_profile(profile.clone());
        if let Some(problem) = config.as_ref().and_then(ConfigFile::password_exposed) {
            // Every time the file is used, even with --quiet (as for the secret file): a
            // password anyone may read is a leak, not a preference.
            eprintln!("sessctl: warning: {problem}");
        }

        let mut origins = Vec::new();
        let mut note = |name: &'static str, origin: &Origin| origins.push((name, origin.clone()));

        let urls = redis_urls(&global.redis_url, uses.redis)?;
        note("redis_url", &urls.origin);
        let cluster = resolve(
            global.cluster.then_some(true),
            "--cluster",
            "SESSCTL_CLUSTER",
            uses.redis,
            values::switch,
            || false,
        )?;
        note("cluster", &cluster.origin);
        let tls_ca = resolve_path(global.tls_ca.clone(), "--tls-ca", "SESSCTL_TLS_CA", uses.redis)?;
        note("tls_ca", &tls_ca.origin);
        let timeout = resolve(global.timeout, "--timeout", "SESSCTL_TIMEOUT", uses.redis, values::timeout, || {
            Duration::from_secs(10)
        })?;
        note("timeout", &timeout.origin);
        let tls_cert = resolve_path(global.tls_cert.clone(), "--tls-cert", "SESSCTL_TLS_CERT", uses.redis)?;
        note("tls_cert", &tls_cert.origin);
        let tls_key = resolve_path(global.tls_key.clone(), "--tls-key", "SESSCTL_TLS_KEY", uses.redis)?;
        note("tls_key", &tls_key.origin);
        if tls_cert.value.is_some() != tls_key.value.is_some() {
            return Err(usage(
                "a client certificate needs both --tls-cert (SESSCTL_TLS_CERT) and --tls-key (SESSCTL_TLS_KEY)",
            ));
        }
        let retry_deadline = resolve(
            global.retry_deadline,
            "--retry-deadline",
            "SESSCTL_RETRY_DEADLINE",
            uses.redis,
            values::timeout,
            || sessctl_store::DEFAULT_RETRY_DEADLINE,
        )?;
        note("retry_deadline", &retry_deadline.origin);
        // The Sentinels' own password (a redis+sentinel:// URL's user info is the primary's).
        let sentinel_password = if uses.redis { env_text("SESSCTL_SENTINEL_PASSWORD")? } else { None };
        let scan_count =
            resolve(global.scan_count, "--scan-count", "SESSCTL_SCAN_COUNT", uses.redis, values::scan_count, || {
                sessctl_store::DEFAULT_COUNT as u32
            })?;
        note("scan_count", &scan_count.origin);
        // `None` (the default): one replica where the primary has replicas.
        let wait_replicas = resolve(
            global.wait_replicas.map(Some),
            "--wait-replicas",
            "SESSCTL_WAIT_REPLICAS",
            uses.redis,
            |t| values::wait_replicas(t).map(Some),
            || None,
        )?;
        note("wait_replicas", &wait_replicas.origin);
        // --secret-file > SESSCTL_SECRET_FILE > SESSCTL_SECRET > the profile's secret_file.
        let mut secret_file = resolve_path_outside_profile(
            global.secret_file.clone(),
            "--secret-file",
            "SESSCTL_SECRET_FILE",
            uses.secret,
        );
        let secret_from_env = secret_file.value.is_none()
            && uses.secret
            && std::env::var_os("SESSCTL_SECRET").is_some_and(|v| !v.is_empty());
        if secret_file.value.is_none() && !secret_from_env {
            secret_file = profile_path("--secret-file")?;
        }
        note("secret_file", &secret_file.origin);
        let secret_format = resolve(
            global.secret_format.as_deref().map(values::secret_format).transpose().map_err(usage)?,
            "--secret-format",
            "SESSCTL_SECRET_FORMAT",
            uses.secret,
            values::secret_format,
            SecretFormat::default,
        )?;
        note("secret_format", &secret_format.origin);
        let key_version = resolve(
            global.key_version.map(Some),
            "--key-version",
            "SESSCTL_KEY_VERSION",
            uses.key_version,
            |t| values::key_version(t).map(Some),
            || None,
        )?;
        note("key_version", &key_version.origin);
        let cookie_name = resolve(
            global.cookie_name.clone(),
            "--cookie-name",
            "SESSCTL_COOKIE_NAME",
            uses.cookie_name,
            values::name,
            || "session_id".to_string(),
        )?;
        note("cookie_name", &cookie_name.origin);
        let prefix = resolve(global.prefix.clone(), "--prefix", "SESSCTL_PREFIX", uses.prefix, values::name, || {
            "session:".to_string()
        })?;
        note("prefix", &prefix.origin);
        let ttl =
            resolve(global.ttl, "--ttl", "SESSCTL_TTL", uses.ttl, values::ttl, || Duration::from_secs(7 * 86_400))?;
        note("ttl", &ttl.origin);
        let output =
            resolve(global.output, "--output", "SESSCTL_OUTPUT", uses.output, value_enum::<OutputFormat>, || {
                OutputFormat::Table
            })?;
        note("output", &output.origin);
        let color = resolve(global.color, "--color", "SESSCTL_COLOR", uses.output, value_enum::<ColorChoice>, || {
            ColorChoice::Auto
        })?;
        note("color", &color.origin);
        // --quiet matters to every command (it silences notes), so its variable is always read.
        let quiet = resolve(global.quiet.then_some(true), "--quiet", "SESSCTL_QUIET", true, values::switch, || false)?;
        note("quiet", &quiet.origin);
        // Overrides of the profile are shown by `config show` and `doctor`, not noted on every
        // command (docs/cli.md).
        set_origins(origins.clone());

        let color = match color.value {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) && std::io::stdout().is_terminal()
            }
        };
        Ok(Settings {
            redis: ConnectOptions {
                urls: urls.value,
                cluster: if cluster.value { Some(true) } else { None },
                prefix: prefix.value.as_bytes().to_vec(),
                tls_ca: tls_ca.value,
                tls_cert: tls_cert.value,
                tls_key: tls_key.value,
                sentinel_password,
                timeouts: Timeouts {
                    connect: timeout.value,
                    response: timeout.value,
                    retry_deadline: retry_deadline.value,
                },
                wait_replicas: wait_replicas.value,
            },
            cookie_name: cookie_name.value,
            prefix: prefix.value,
            output: output.value,
            style: crate::output::Style {
                format: output.value,
                color,
                headers: !global.no_headers,
                width: if output.value == OutputFormat::Table { crate::output::table_width() } else { None },
            },
            session_ttl: ttl.value,
            key_version: key_version.value,
            scan_count: scan_count.value,
            color,
            chatty: !quiet.value && std::io::stderr().is_terminal(),
            quiet: quiet.value,
            origins,
            config: config.map(Arc::new),
            profile,
            secret_file: secret_file.value,
            secret_from_env,
            secret_format: secret_format.value,
        })
    }

    /// The profile whose value for `key` this run does not use because a flag or an
    /// environment variable gave another (`config show` and `doctor` say so).
    pub fn overridden(&self, key: &str) -> Option<&Profile> {
        let profile = self.profile.as_deref()?;
        let origin = self.origins.iter().find(|(n, _)| *n == key).map(|(_, o)| o)?;
        let beaten =
            matches!(origin, Origin::Flag(_) | Origin::Env(_)) || (key == "secret_file" && self.secret_from_env);
        (beaten && profile.text(key).ok().flatten().is_some()).then_some(profile)
    }

    /// How the secret's text is read (`--secret-format`).
    pub fn secret_format(&self) -> SecretFormat {
        self.secret_format
    }

    /// Where [`Settings::secret`] will read the secret from, without reading it (or prompting).
    pub fn secret_source(&self) -> SecretSource {
        if let Some(path) = &self.secret_file {
            SecretSource::File(path.clone())
        } else if self.secret_from_env {
            SecretSource::Env
        } else {
            SecretSource::None
        }
    }

    /// The cookie secret: `--secret-file`/`SESSCTL_SECRET_FILE`, else `SESSCTL_SECRET`, else
    /// the profile's `secret_file`, else a hidden prompt when stdin is a terminal, else a usage
    /// error naming both.
    pub fn secret(&self) -> anyhow::Result<KeyRing> {
        let text = if let Some(path) = &self.secret_file {
            read_secret_file(path)?
        } else if let Some(value) = std::env::var_os("SESSCTL_SECRET").filter(|v| self.secret_from_env && !v.is_empty())
        {
            use std::os::unix::ffi::OsStringExt;
            value.into_vec()
        } else if std::io::stdin().is_terminal() && std::io::stderr().is_terminal() {
            crate::terminal::read_hidden("Cookie secret (the app's cookie_secret): ")?
        } else {
            return Err(usage(
                "no cookie secret: set SESSCTL_SECRET, or put it in a file and pass --secret-file (or SESSCTL_SECRET_FILE)",
            ));
        };
        KeyRing::parse_as(&text, self.secret_format).map_err(|e| match e {
            sessctl_cookie::secret::SecretError::NotARing { .. } if self.secret_format == SecretFormat::Auto => usage(format!(
                "{e}; fix the ring, or pass --secret-format text (SESSCTL_SECRET_FORMAT=text) if this text really is one secret"
            )),
            e => usage(e.to_string()),
        })
    }

    /// The Redis key of a session id.
    pub fn key_for(&self, session_id: &[u8]) -> Vec<u8> {
        let mut key = self.prefix.as_bytes().to_vec();
        key.extend_from_slice(session_id);
        key
    }
}

/// A clap `ValueEnum` from an environment variable's text.
fn value_enum<T: clap::ValueEnum>(text: &str) -> Result<T, String> {
    T::from_str(text.trim(), true).map_err(|_| {
        let names: Vec<String> = T::value_variants()
            .iter()
            .filter_map(|v| v.to_possible_value())
            .map(|p| p.get_name().to_string())
            .collect();
        format!("use one of {}", names.join(", "))
    })
}

/// Where the secret comes from (see [`Settings::secret_source`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SecretSource {
    /// `--secret-file` / `SESSCTL_SECRET_FILE`.
    File(std::path::PathBuf),
    /// `SESSCTL_SECRET`.
    Env,
    /// Neither: a terminal prompt, or a usage error.
    None,
}

/// `--redis-url` flags, else `SESSCTL_REDIS_URL`, else `REDIS_URL` (either may hold several
/// seed URLs separated by commas or spaces), else the profile's `redis_url`, else the default.
fn redis_urls(flags: &[String], used: bool) -> anyhow::Result<Resolved<Vec<String>>> {
    let resolved = redis_urls_outside_profile(flags, used)?;
    let profile = current_profile();
    let from_profile = match &profile {
        Some(profile) => profile.text("redis_url")?,
        None => None,
    };
    if let (Some(profile), Some(text)) = (&profile, from_profile) {
        let urls = sessctl_store::split_urls(&text);
        if urls.is_empty() {
            return Err(profile.bad("redis_url", "names no URL"));
        }
        if resolved.origin == Origin::Default {
            return Ok(Resolved { value: urls, origin: Origin::Profile(profile.name.clone()) });
        }
    }
    Ok(resolved)
}

fn redis_urls_outside_profile(flags: &[String], used: bool) -> anyhow::Result<Resolved<Vec<String>>> {
    if !flags.is_empty() {
        return Ok(Resolved { value: flags.to_vec(), origin: Origin::Flag("--redis-url") });
    }
    if used {
        for var in ["SESSCTL_REDIS_URL", "REDIS_URL"] {
            if let Some(value) = env_text(var)? {
                // Commas or whitespace between URLs; a Sentinel URL's commas separate its
                // Sentinels.
                let urls = sessctl_store::split_urls(&value);
                if !urls.is_empty() {
                    return Ok(Resolved { value: urls, origin: Origin::Env(var) });
                }
            }
        }
    }
    Ok(Resolved { value: vec![DEFAULT_REDIS_URL.to_string()], origin: Origin::Default })
}

/// Reads a secret file: at most [`MAX_SECRET_FILE`] bytes (so `/dev/zero` or a log file given
/// by mistake fails fast), one trailing newline removed, with a warning when group or others
/// may read it (as ssh does for keys).
fn read_secret_file(path: &Path) -> anyhow::Result<Vec<u8>> {
    let shown = crate::output::path(path);
    // Where the path came from: the flag, the variable or the profile (with its file).
    let named_by = setting_source("secret_file", "--secret-file", "SESSCTL_SECRET_FILE");
    let cannot = |e: std::io::Error| usage(format!("cannot read the secret file {shown}: {e}; check {named_by}"));
    let file = std::fs::File::open(path).map_err(cannot)?;
    let meta = file.metadata().map_err(cannot)?;
    if meta.is_dir() {
        return Err(usage(format!("the secret file {shown} is a directory; check {named_by}")));
    }
    let mut bytes = Vec::new();
    file.take(MAX_SECRET_FILE + 1).read_to_end(&mut bytes).map_err(cannot)?;
    if bytes.len() as u64 > MAX_SECRET_FILE {
        return Err(usage(format!(
            "the secret file {shown} is larger than {} KiB; is it the right file? (check {named_by})",
            MAX_SECRET_FILE / 1024
        )));
    }
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = meta.permissions().mode();
        if meta.is_file() && mode & 0o077 != 0 {
            // Shown even with --quiet: like ssh, this is about the secret's safety.
            eprintln!(
                "sessctl: warning: the secret file {shown} can be read or changed by group or others (mode {:04o}); run `chmod 600` on it",
                mode & 0o7777
            );
        }
    }
    if bytes.last() == Some(&b'\n') {
        bytes.pop();
        if bytes.last() == Some(&b'\r') {
            bytes.pop();
        }
    }
    if bytes.is_empty() {
        return Err(usage(format!("the secret file {shown} is empty")));
    }
    Ok(bytes)
}

/// Seconds since the epoch, as Tornado's `time.time()`. `SESSCTL_NOW` (a number of seconds)
/// pins the clock, so checks and tests can be reproduced exactly.
pub fn now() -> anyhow::Result<f64> {
    if let Ok(text) = std::env::var("SESSCTL_NOW") {
        return text.trim().parse::<f64>().ok().filter(|t| t.is_finite()).ok_or_else(|| {
            usage(format!("SESSCTL_NOW={} is not a number of seconds since the epoch", excerpt(text.as_bytes())))
        });
    }
    Ok(SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs_f64()).unwrap_or(0.0))
}
