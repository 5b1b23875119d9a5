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
//! the whole run in [`Settings`], so a command's own flags resolved with
//! [`Settings::resolve`] / [`Settings::resolve_path`] (`--audit-log`, `--rate`…) get the
//! profile layer too: the profile key is the flag's long name with `_` for `-`.
//!
//! Config knows nothing of argv types or of the terminal: the caller hands it the flags as
//! plain values ([`Flags`]) and what the process is attached to ([`Terminals`]), and a
//! secret prompt when the command wants one ([`Settings::secret`]). There is no global state:
//! everything a run resolved lives in its `Settings`.
//!
//! The secret is loaded only by the commands that sign or verify, so `list` or `stats` never
//! ask for it.

pub mod file;
mod keys;

use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::error::usage;
use crate::output::excerpt;
use crate::output::{ColorChoice, OutputFormat};
use crate::values;
use sessctl_cookie::secret::{KeyRing, SecretFormat};
use sessctl_store::{ClientCert, ConnectOptions, Timeouts};

pub use file::{ConfigFile, Profile};
pub use keys::{env_var_of, profile_key, Origin, OPTION_ENV};

/// The default Redis URL when neither a flag nor the environment names one.
pub const DEFAULT_REDIS_URL: &str = "redis://127.0.0.1:6379/0";
/// The largest secret file read (a ring of many versions fits easily; `/dev/zero` does not).
pub const MAX_SECRET_FILE: u64 = 64 * 1024;

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

/// The settings typed on the command line, as plain values (`None`, empty or `false`: not
/// given). The command line's parser fills it; config never sees argv types.
#[derive(Debug, Clone, Default)]
pub struct Flags {
    pub profile: Option<String>,
    pub config: Option<PathBuf>,
    pub redis_url: Vec<String>,
    pub cluster: bool,
    pub tls_ca: Option<PathBuf>,
    pub tls_cert: Option<PathBuf>,
    pub tls_key: Option<PathBuf>,
    pub secret_file: Option<PathBuf>,
    pub secret_format: Option<String>,
    pub key_version: Option<i64>,
    pub cookie_name: Option<String>,
    pub prefix: Option<String>,
    pub output: Option<OutputFormat>,
    pub ttl: Option<Duration>,
    pub timeout: Option<Duration>,
    pub retry_deadline: Option<Duration>,
    pub wait_replicas: Option<u32>,
    pub scan_count: Option<u32>,
    pub color: Option<ColorChoice>,
    pub quiet: bool,
    pub no_headers: bool,
}

/// What the process is attached to, found by the caller: which standard streams are
/// terminals, and the width tables fit in (`COLUMNS`, else the terminal's).
#[derive(Debug, Clone, Copy, Default)]
pub struct Terminals {
    pub stdin: bool,
    pub stdout: bool,
    pub stderr: bool,
    pub width: Option<usize>,
}

/// The setting `name` as a hint names it, by where its value came from: the flag
/// (`--cluster`), the variable (`SESSCTL_CLUSTER`), or the profile's key with its file
/// (`cluster in profile "prod" of "/etc/sessctl.toml"`); both the flag and the variable when
/// it is a default or unknown (`--cluster (SESSCTL_CLUSTER)`). `settings`: `None` when the
/// error came before the settings were resolved.
pub fn setting_source(settings: Option<&Settings>, name: &str, flag: &str, env: &str) -> String {
    match settings.and_then(|s| s.origin_of(name)) {
        Some(Origin::Flag(f)) => f.to_string(),
        Some(Origin::Env(var)) => var.to_string(),
        Some(Origin::Profile(profile)) => {
            let file = settings
                .and_then(|s| s.profile.as_ref())
                .map(|p| format!(" of {}", crate::output::path(&p.file)))
                .unwrap_or_default();
            format!("{name} in profile {}{file}", crate::output::excerpt(profile.as_bytes()))
        }
        Some(Origin::Default) | None => format!("{flag} ({env})"),
    }
}

/// Resolves one setting: the flag, else the environment variable (through `parse`, only when
/// `used`), else the chosen profile's value (through `parse` too), else `default`. An
/// environment value that does not parse is a usage error naming the variable, a profile value
/// one naming the file, the profile and the key; an empty variable counts as unset.
fn resolve<T>(
    profile: Option<&Profile>,
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
    if let Some(profile) = profile {
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
fn resolve_path(
    profile: Option<&Profile>,
    flag: Option<PathBuf>,
    flag_name: &'static str,
    env: &'static str,
    used: bool,
) -> anyhow::Result<Resolved<Option<PathBuf>>> {
    let outside = resolve_path_outside_profile(flag, flag_name, env, used);
    if outside.value.is_some() {
        return Ok(outside);
    }
    profile_path(profile, flag_name)
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
fn profile_path(profile: Option<&Profile>, flag_name: &'static str) -> anyhow::Result<Resolved<Option<PathBuf>>> {
    if let Some(profile) = profile {
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
    /// What the process was attached to when the settings were resolved.
    pub terminals: Terminals,
    secret_file: Option<PathBuf>,
    /// `SESSCTL_SECRET` is the secret (it beats a profile's `secret_file`, not a file given
    /// by flag or `SESSCTL_SECRET_FILE`).
    secret_from_env: bool,
    secret_format: SecretFormat,
}

/// The config file and the profile a run uses (flag, else `SESSCTL_PROFILE`, else the file's
/// default), read only when the command uses a setting a profile can hold or one was named.
fn load_profile(flags: &Flags, uses: Uses) -> anyhow::Result<(Option<ConfigFile>, Option<Arc<Profile>>)> {
    let explicit = flags.config.is_some() || flags.profile.is_some() || env_text("SESSCTL_PROFILE")?.is_some();
    let wants_profile = uses.redis || uses.secret || uses.key_version || uses.cookie_name || uses.prefix || uses.ttl;
    let config = if explicit || wants_profile { ConfigFile::load(flags.config.as_deref())? } else { None };
    let chosen = match &flags.profile {
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
    Ok((config, profile))
}

/// Collects each resolved setting's origin while the settings are resolved.
struct Noted<'a> {
    profile: Option<&'a Profile>,
    origins: Vec<(&'static str, Origin)>,
}

impl Noted<'_> {
    /// [`resolve`] with this run's profile, noting the origin under `name`.
    #[allow(clippy::too_many_arguments)]
    fn resolve<T>(
        &mut self,
        name: &'static str,
        flag: Option<T>,
        flag_name: &'static str,
        env: &'static str,
        used: bool,
        parse: impl Fn(&str) -> Result<T, String>,
        default: impl FnOnce() -> T,
    ) -> anyhow::Result<T> {
        let resolved = resolve(self.profile, flag, flag_name, env, used, parse, default)?;
        self.origins.push((name, resolved.origin));
        Ok(resolved.value)
    }

    /// [`resolve_path`] with this run's profile, noting the origin under `name`.
    fn path(
        &mut self,
        name: &'static str,
        flag: Option<PathBuf>,
        flag_name: &'static str,
        env: &'static str,
        used: bool,
    ) -> anyhow::Result<Option<PathBuf>> {
        let resolved = resolve_path(self.profile, flag, flag_name, env, used)?;
        self.origins.push((name, resolved.origin));
        Ok(resolved.value)
    }
}

/// The connection settings (`uses.redis`): URLs, cluster, TLS, timeouts, SCAN COUNT, WAIT.
fn connect_options(flags: &Flags, uses: Uses, noted: &mut Noted) -> anyhow::Result<(ConnectOptions, u32)> {
    let used = uses.redis;
    let urls = redis_urls(noted.profile, &flags.redis_url, used)?;
    noted.origins.push(("redis_url", urls.origin));
    let cluster = noted.resolve(
        "cluster",
        flags.cluster.then_some(true),
        "--cluster",
        "SESSCTL_CLUSTER",
        used,
        values::switch,
        || false,
    )?;
    let tls_ca = noted.path("tls_ca", flags.tls_ca.clone(), "--tls-ca", "SESSCTL_TLS_CA", used)?;
    let timeout =
        noted.resolve("timeout", flags.timeout, "--timeout", "SESSCTL_TIMEOUT", used, values::timeout, || {
            Duration::from_secs(10)
        })?;
    let tls_cert = noted.path("tls_cert", flags.tls_cert.clone(), "--tls-cert", "SESSCTL_TLS_CERT", used)?;
    let tls_key = noted.path("tls_key", flags.tls_key.clone(), "--tls-key", "SESSCTL_TLS_KEY", used)?;
    if tls_cert.is_some() != tls_key.is_some() {
        return Err(usage(
            "a client certificate needs both --tls-cert (SESSCTL_TLS_CERT) and --tls-key (SESSCTL_TLS_KEY)",
        ));
    }
    let retry_deadline = noted.resolve(
        "retry_deadline",
        flags.retry_deadline,
        "--retry-deadline",
        "SESSCTL_RETRY_DEADLINE",
        used,
        values::timeout,
        || sessctl_store::DEFAULT_RETRY_DEADLINE,
    )?;
    // The Sentinels' own password (a redis+sentinel:// URL's user info is the primary's).
    let sentinel_password = if used { env_text("SESSCTL_SENTINEL_PASSWORD")? } else { None };
    let scan_count = noted.resolve(
        "scan_count",
        flags.scan_count,
        "--scan-count",
        "SESSCTL_SCAN_COUNT",
        used,
        values::scan_count,
        || sessctl_store::DEFAULT_COUNT as u32,
    )?;
    // `None` (the default): one replica where the primary has replicas.
    let wait_replicas = noted.resolve(
        "wait_replicas",
        flags.wait_replicas.map(Some),
        "--wait-replicas",
        "SESSCTL_WAIT_REPLICAS",
        used,
        |t| values::wait_replicas(t).map(Some),
        || None,
    )?;
    let options = ConnectOptions {
        urls: urls.value,
        cluster: if cluster { Some(true) } else { None },
        prefix: Vec::new(),
        tls_ca,
        client_cert: tls_cert.zip(tls_key).map(|(cert, key)| ClientCert { cert, key }),
        sentinel_password,
        timeouts: Timeouts { connect: timeout, response: timeout, retry_deadline },
        wait_replicas,
    };
    Ok((options, scan_count))
}

/// Where the secret comes from: --secret-file > SESSCTL_SECRET_FILE > SESSCTL_SECRET > the
/// profile's secret_file; and how its text is read.
fn secret_settings(
    flags: &Flags,
    uses: Uses,
    noted: &mut Noted,
) -> anyhow::Result<(Option<PathBuf>, bool, SecretFormat)> {
    let mut secret_file =
        resolve_path_outside_profile(flags.secret_file.clone(), "--secret-file", "SESSCTL_SECRET_FILE", uses.secret);
    let secret_from_env =
        secret_file.value.is_none() && uses.secret && std::env::var_os("SESSCTL_SECRET").is_some_and(|v| !v.is_empty());
    if secret_file.value.is_none() && !secret_from_env {
        secret_file = profile_path(noted.profile, "--secret-file")?;
    }
    noted.origins.push(("secret_file", secret_file.origin));
    let secret_format = noted.resolve(
        "secret_format",
        flags.secret_format.as_deref().map(values::secret_format).transpose().map_err(usage)?,
        "--secret-format",
        "SESSCTL_SECRET_FORMAT",
        uses.secret,
        values::secret_format,
        SecretFormat::default,
    )?;
    Ok((secret_file.value, secret_from_env, secret_format))
}

impl Settings {
    /// Resolves the settings `uses` names (flag > environment > profile > default); the others
    /// keep their defaults unless given as flags.
    pub fn load(flags: &Flags, uses: Uses, terminals: Terminals) -> anyhow::Result<Settings> {
        // The config file and its profile first: every setting below may come from it.
        let (config, profile) = load_profile(flags, uses)?;
        if let Some(problem) = config.as_ref().and_then(ConfigFile::password_exposed) {
            // Every time the file is used, even with --quiet (as for the secret file): a
            // password anyone may read is a leak, not a preference.
            crate::messages::warning!("{problem}");
        }
        let mut noted = Noted { profile: profile.as_deref(), origins: Vec::new() };
        let (mut redis, scan_count) = connect_options(flags, uses, &mut noted)?;
        let (secret_file, secret_from_env, secret_format) = secret_settings(flags, uses, &mut noted)?;
        let key_version = noted.resolve(
            "key_version",
            flags.key_version.map(Some),
            "--key-version",
            "SESSCTL_KEY_VERSION",
            uses.key_version,
            |t| values::key_version(t).map(Some),
            || None,
        )?;
        let cookie_name = noted.resolve(
            "cookie_name",
            flags.cookie_name.clone(),
            "--cookie-name",
            "SESSCTL_COOKIE_NAME",
            uses.cookie_name,
            values::name,
            || "session_id".to_string(),
        )?;
        let prefix = noted.resolve(
            "prefix",
            flags.prefix.clone(),
            "--prefix",
            "SESSCTL_PREFIX",
            uses.prefix,
            values::name,
            || "session:".to_string(),
        )?;
        let session_ttl = noted.resolve("ttl", flags.ttl, "--ttl", "SESSCTL_TTL", uses.ttl, values::ttl, || {
            Duration::from_secs(7 * 86_400)
        })?;
        let (output, color, quiet) = output_settings(flags, uses, &mut noted)?;
        // Overrides of the profile are shown by `config show` and `doctor`, not noted on every
        // command (docs/cli.md).
        let origins = noted.origins;
        let color = match color {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) && terminals.stdout,
        };
        redis.prefix = prefix.as_bytes().to_vec();
        let settings = Settings {
            redis,
            cookie_name,
            prefix,
            output,
            style: crate::output::Style {
                format: output,
                color,
                headers: !flags.no_headers,
                width: if output == OutputFormat::Table { terminals.width } else { None },
            },
            session_ttl,
            key_version,
            scan_count,
            color,
            chatty: !quiet && terminals.stderr,
            quiet,
            origins,
            config: config.map(Arc::new),
            profile,
            terminals,
            secret_file,
            secret_from_env,
            secret_format,
        };
        Ok(settings)
    }

    /// Where the setting `name` (`redis_url`, `cluster`, …) of this run came from.
    pub fn origin_of(&self, name: &str) -> Option<Origin> {
        self.origins.iter().find(|(n, _)| *n == name).map(|(_, o)| o.clone())
    }

    /// [`setting_source`] for this run.
    pub fn setting_source(&self, name: &str, flag: &str, env: &str) -> String {
        setting_source(Some(self), name, flag, env)
    }

    /// [`resolve`] with this run's profile: for a command's own flags (`--rate`…).
    pub fn resolve<T>(
        &self,
        flag: Option<T>,
        flag_name: &'static str,
        env: &'static str,
        used: bool,
        parse: impl Fn(&str) -> Result<T, String>,
        default: impl FnOnce() -> T,
    ) -> anyhow::Result<Resolved<T>> {
        resolve(self.profile.as_deref(), flag, flag_name, env, used, parse, default)
    }

    /// [`resolve_path`] with this run's profile: for a command's own paths (`--audit-log`).
    pub fn resolve_path(
        &self,
        flag: Option<PathBuf>,
        flag_name: &'static str,
        env: &'static str,
        used: bool,
    ) -> anyhow::Result<Resolved<Option<PathBuf>>> {
        resolve_path(self.profile.as_deref(), flag, flag_name, env, used)
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
    /// the profile's `secret_file`, else `prompt` (the command's hidden prompt) when stdin and
    /// stderr are terminals, else a usage error naming both.
    pub fn secret(&self, prompt: impl FnOnce() -> anyhow::Result<Vec<u8>>) -> anyhow::Result<KeyRing> {
        let text = if let Some(path) = &self.secret_file {
            self.read_secret_file(path)?
        } else if let Some(value) = std::env::var_os("SESSCTL_SECRET").filter(|v| self.secret_from_env && !v.is_empty())
        {
            use std::os::unix::ffi::OsStringExt;
            value.into_vec()
        } else if self.terminals.stdin && self.terminals.stderr {
            prompt()?
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

/// `-o`, `--color` and `--quiet`.
fn output_settings(flags: &Flags, uses: Uses, noted: &mut Noted) -> anyhow::Result<(OutputFormat, ColorChoice, bool)> {
    let output = noted.resolve(
        "output",
        flags.output,
        "--output",
        "SESSCTL_OUTPUT",
        uses.output,
        value_enum::<OutputFormat>,
        || OutputFormat::Table,
    )?;
    let color = noted.resolve(
        "color",
        flags.color,
        "--color",
        "SESSCTL_COLOR",
        uses.output,
        value_enum::<ColorChoice>,
        || ColorChoice::Auto,
    )?;
    // --quiet matters to every command (it silences notes), so its variable is always read.
    let quiet = noted.resolve(
        "quiet",
        flags.quiet.then_some(true),
        "--quiet",
        "SESSCTL_QUIET",
        true,
        values::switch,
        || false,
    )?;
    Ok((output, color, quiet))
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
fn redis_urls(profile: Option<&Profile>, flags: &[String], used: bool) -> anyhow::Result<Resolved<Vec<String>>> {
    let resolved = redis_urls_outside_profile(flags, used)?;
    let from_profile = match profile {
        Some(profile) => profile.text("redis_url")?,
        None => None,
    };
    if let (Some(profile), Some(text)) = (profile, from_profile) {
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

impl Settings {
    /// Reads a secret file: at most [`MAX_SECRET_FILE`] bytes (so `/dev/zero` or a log file given
    /// by mistake fails fast), one trailing newline removed, with a warning when group or others
    /// may read it (as ssh does for keys).
    fn read_secret_file(&self, path: &Path) -> anyhow::Result<Vec<u8>> {
        let shown = crate::output::path(path);
        // Where the path came from: the flag, the variable or the profile (with its file).
        let named_by = setting_source(Some(self), "secret_file", "--secret-file", "SESSCTL_SECRET_FILE");
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
                crate::messages::warning!(
                    "the secret file {shown} can be read or changed by group or others (mode {:04o}); run `chmod 600` on it",
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
