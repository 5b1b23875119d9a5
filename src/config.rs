//! Flags + environment → one `Settings` value. The secret is loaded only by the commands
//! that sign or verify, so `list` or `stats` never ask for it.

use std::io::IsTerminal;
use std::path::Path;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use anyhow::Context;

use crate::cli::{ColorChoice, Global, OutputFormat};
use crate::error::usage;
use crate::secret::KeyRing;
use crate::store::{ConnectOptions, Timeouts};

/// The default Redis URL when neither a flag nor the environment names one.
pub const DEFAULT_REDIS_URL: &str = "redis://127.0.0.1:6379/0";

/// Everything a command needs to know, resolved once.
#[derive(Debug, Clone)]
pub struct Settings {
    pub redis: ConnectOptions,
    pub cookie_name: String,
    pub prefix: String,
    pub output: OutputFormat,
    /// The app's session lifetime (tornado-auth-sessions: 7 days).
    pub session_ttl: Duration,
    pub key_version: Option<i64>,
    pub scan_count: u32,
    pub color: bool,
    /// Progress bars and prompts-related chatter on stderr (a terminal, not --quiet).
    pub chatty: bool,
    /// `--quiet`: no notes on stderr, only errors.
    pub quiet: bool,
    secret_file: Option<std::path::PathBuf>,
}

impl Settings {
    pub fn from_global(global: &Global) -> anyhow::Result<Settings> {
        let urls = redis_urls(&global.redis_url);
        if global.cookie_name.is_empty() {
            return Err(usage("--cookie-name is empty; give the app's cookie name (default session_id)"));
        }
        if global.prefix.is_empty() {
            // An empty prefix would make every key in the database a "session".
            return Err(usage("--prefix is empty; give the app's key prefix (default session:)"));
        }
        if global.ttl.is_zero() {
            return Err(usage("--ttl must be longer than zero (the app's session lifetime, e.g. 7d)"));
        }
        let color = match global.color {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) && std::io::stdout().is_terminal()
            }
        };
        Ok(Settings {
            redis: ConnectOptions {
                urls,
                cluster: if global.cluster { Some(true) } else { None },
                prefix: global.prefix.as_bytes().to_vec(),
                tls_ca: global.tls_ca.clone(),
                timeouts: Timeouts { connect: global.timeout, response: global.timeout, ..Timeouts::default() },
            },
            cookie_name: global.cookie_name.clone(),
            prefix: global.prefix.clone(),
            output: global.output,
            session_ttl: global.ttl,
            key_version: global.key_version,
            scan_count: global.scan_count,
            color,
            chatty: !global.quiet && std::io::stderr().is_terminal(),
            quiet: global.quiet,
            secret_file: global.secret_file.clone(),
        })
    }

    /// The cookie secret: `--secret-file`/`SESSCTL_SECRET_FILE`, else `SESSCTL_SECRET`, else a
    /// hidden prompt when stdin is a terminal, else a usage error naming both.
    pub fn secret(&self) -> anyhow::Result<KeyRing> {
        let text = if let Some(path) = &self.secret_file {
            read_secret_file(path)?
        } else if let Some(value) = std::env::var_os("SESSCTL_SECRET").filter(|v| !v.is_empty()) {
            use std::os::unix::ffi::OsStringExt;
            value.into_vec()
        } else if std::io::stdin().is_terminal() && std::io::stderr().is_terminal() {
            dialoguer::Password::new()
                .with_prompt("Cookie secret (the app's cookie_secret)")
                .allow_empty_password(false)
                .interact()
                .context("cannot read the secret from the terminal")?
                .into_bytes()
        } else {
            return Err(usage(
                "no cookie secret: set SESSCTL_SECRET, or put it in a file and pass --secret-file (or SESSCTL_SECRET_FILE)",
            ));
        };
        if KeyRing::looks_like_broken_ring(&text) && !self.quiet {
            eprintln!("warning: the secret looks like JSON but is not a key ring of integer versions to strings; using the whole text as one secret");
        }
        KeyRing::parse(&text).map_err(|e| usage(e.to_string()))
    }

    /// The Redis key of a session id.
    pub fn key_for(&self, session_id: &[u8]) -> Vec<u8> {
        let mut key = self.prefix.as_bytes().to_vec();
        key.extend_from_slice(session_id);
        key
    }
}

/// `--redis-url` flags, else `SESSCTL_REDIS_URL`, else `REDIS_URL` (either may hold several
/// seed URLs separated by commas or spaces), else the default.
fn redis_urls(flags: &[String]) -> Vec<String> {
    if !flags.is_empty() {
        return flags.to_vec();
    }
    for var in ["SESSCTL_REDIS_URL", "REDIS_URL"] {
        if let Ok(value) = std::env::var(var) {
            let urls: Vec<String> =
                value.split([',', ' ', '\n', '\t']).filter(|s| !s.is_empty()).map(str::to_string).collect();
            if !urls.is_empty() {
                return urls;
            }
        }
    }
    vec![DEFAULT_REDIS_URL.to_string()]
}

fn read_secret_file(path: &Path) -> anyhow::Result<Vec<u8>> {
    let mut bytes = std::fs::read(path).map_err(|e| {
        usage(format!("cannot read the secret file {}: {e}; check --secret-file / SESSCTL_SECRET_FILE", path.display()))
    })?;
    if bytes.last() == Some(&b'\n') {
        bytes.pop();
        if bytes.last() == Some(&b'\r') {
            bytes.pop();
        }
    }
    if bytes.is_empty() {
        return Err(usage(format!("the secret file {} is empty", path.display())));
    }
    Ok(bytes)
}

/// Seconds since the epoch, as Tornado's `time.time()`. `SESSCTL_NOW` (a number of seconds)
/// pins the clock, so checks and tests can be reproduced exactly.
pub fn now() -> anyhow::Result<f64> {
    if let Ok(text) = std::env::var("SESSCTL_NOW") {
        return text
            .trim()
            .parse::<f64>()
            .ok()
            .filter(|t| t.is_finite())
            .ok_or_else(|| usage(format!("SESSCTL_NOW={text:?} is not a number of seconds since the epoch")));
    }
    Ok(SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs_f64()).unwrap_or(0.0))
}
