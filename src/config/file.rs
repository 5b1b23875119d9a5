//! The config file and its profiles (contexts).
//!
//! ```toml
//! default_profile = "staging"
//!
//! [profiles.staging]
//! redis_url = "redis://redis.staging.internal:6379/0"
//! secret_file = "~/.config/sessctl/staging.secret"
//!
//! [profiles.prod]
//! redis_url = ["redis://10.0.0.1:6379", "redis://10.0.0.2:6379"]
//! cluster = true
//! secret_file = "/etc/myapp/cookie_ring.json"
//! ttl = "14d"
//! ```
//!
//! A profile may set every setting that has an environment variable (the keys are the long
//! flag names with `_` for `-`), except the ones about how output looks (`output`, `color`,
//! `quiet`), which are a choice for each run rather than a property of an environment, and
//! `config`/`profile` themselves. The secret itself is never accepted in the file: a profile
//! names a `secret_file`.
//!
//! Values are text, numbers or booleans, read by the same parser as the flag and the
//! environment variable (`ttl = "14d"`, `scan_count = 1000`, `cluster = true`). Relative paths
//! are relative to the config file's directory; `~/` is the home directory.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};

use crate::error::usage;
use crate::output::excerpt;

use super::keys::{Origin, OPTION_ENV};

/// The largest config file read (a config file is a few KiB; this stops `--config /dev/zero`).
const MAX_FILE: u64 = 1 << 20;

/// Settings kept out of profiles, and why: how output looks is chosen for each run, and the
/// file and profile cannot choose themselves.
pub const NOT_IN_PROFILES: &[(&str, &str)] = &[
    ("output", "how output looks is chosen for each run (-o or SESSCTL_OUTPUT), not per profile"),
    ("color", "how output looks is chosen for each run (--color or SESSCTL_COLOR), not per profile"),
    ("quiet", "how output looks is chosen for each run (-q or SESSCTL_QUIET), not per profile"),
    ("config", "the config file cannot name another one"),
    ("profile", "a profile cannot choose another one; use default_profile at the top of the file"),
];

/// Keys that would hold a secret inline, refused with a pointer to `secret_file`.
const INLINE_SECRETS: &[&str] = &["secret", "cookie_secret", "secret_text", "password", "sentinel_password"];

/// The profile keys: every option with an environment variable (see `config::OPTION_ENV`),
/// `-` written `_`, but those in [`NOT_IN_PROFILES`].
pub fn profile_keys() -> Vec<String> {
    OPTION_ENV
        .iter()
        .map(|(long, _)| long.replace('-', "_"))
        .filter(|k| !NOT_IN_PROFILES.iter().any(|(n, _)| n == k))
        .collect()
}

/// The loaded config file.
#[derive(Debug, Clone)]
pub struct ConfigFile {
    pub path: PathBuf,
    /// Where its path came from (`--config`, `SESSCTL_CONFIG`, or the default location).
    pub origin: Origin,
    pub default_profile: Option<String>,
    /// Each profile's settings, by name.
    pub profiles: BTreeMap<String, BTreeMap<String, toml::Value>>,
    /// Group or others may read the file (worth a warning when a URL in it has a password).
    pub readable_by_others: bool,
    /// The file's permission bits (`0o644`).
    pub mode: u32,
}

/// The chosen profile: its name, the file it is in, and its settings.
#[derive(Debug, Clone)]
pub struct Profile {
    pub name: String,
    pub file: PathBuf,
    /// Where the choice came from (`--profile`, `SESSCTL_PROFILE`, or `default_profile`).
    pub chosen_by: Origin,
    values: BTreeMap<String, toml::Value>,
}

impl Profile {
    /// The profile's value for `key` as the text its parser reads, or `None` when the profile
    /// does not set it. A value of the wrong kind (a table, or a list where one value goes) is
    /// an error naming the file, the profile and the key.
    pub fn text(&self, key: &str) -> anyhow::Result<Option<String>> {
        let Some(value) = self.values.get(key) else { return Ok(None) };
        let text = match value {
            toml::Value::String(s) => s.clone(),
            toml::Value::Integer(i) => i.to_string(),
            toml::Value::Float(f) => f.to_string(),
            toml::Value::Boolean(b) => b.to_string(),
            toml::Value::Datetime(d) => d.to_string(),
            toml::Value::Array(items) if key == "redis_url" => {
                let mut urls = Vec::with_capacity(items.len());
                for item in items {
                    match item {
                        toml::Value::String(s) => urls.push(s.clone()),
                        _ => return Err(self.bad(key, "a list of URLs must hold only text (\"redis://…\")")),
                    }
                }
                urls.join(" ")
            }
            toml::Value::Array(_) => return Err(self.bad(key, "takes one value, not a list")),
            toml::Value::Table(_) => return Err(self.bad(key, "takes a value, not a table")),
        };
        Ok(Some(text))
    }

    /// A path value: `~/` is the home directory, and a relative path is relative to the
    /// config file's directory (as kubectl does with its kubeconfig).
    pub fn path(&self, key: &str) -> anyhow::Result<Option<PathBuf>> {
        let Some(text) = self.text(key)? else { return Ok(None) };
        if text.is_empty() {
            return Err(self.bad(key, "is empty; give a path"));
        }
        let path = match text.strip_prefix("~/") {
            Some(rest) => match std::env::var_os("HOME").filter(|h| !h.is_empty()) {
                Some(home) => PathBuf::from(home).join(rest),
                None => return Err(self.bad(key, "starts with ~/ but HOME is not set")),
            },
            None => PathBuf::from(&text),
        };
        if path.is_relative() {
            let dir = self.file.parent().unwrap_or(Path::new("."));
            return Ok(Some(dir.join(path)));
        }
        Ok(Some(path))
    }

    /// A usage error about one of this profile's values.
    pub fn bad(&self, key: &str, why: &str) -> anyhow::Error {
        usage(format!("{} [profiles.{}] {key} {why}; fix the config file", shown(&self.file), self.name,))
    }

    /// The error for a value that its parser refused (`why`), with how to override it.
    pub fn refused(&self, key: &str, text: &str, why: &str, flag: &str, env: &str) -> anyhow::Error {
        usage(format!(
            "{} [profiles.{}] {key} = {}: {why}; fix the config file (or override it with {flag} or {env})",
            shown(&self.file),
            self.name,
            excerpt(text.as_bytes()),
        ))
    }

    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.values.keys().map(String::as_str)
    }
}

fn shown(path: &Path) -> String {
    format!("config file {}", crate::output::path(path))
}

/// Where the config file is: `--config`, else `SESSCTL_CONFIG`, else
/// `$XDG_CONFIG_HOME/sessctl/config.toml`, else `~/.config/sessctl/config.toml`.
pub fn locate(flag: Option<&Path>) -> Option<(PathBuf, Origin)> {
    if let Some(path) = flag {
        return Some((path.to_path_buf(), Origin::Flag("--config")));
    }
    if let Some(path) = std::env::var_os("SESSCTL_CONFIG").filter(|v| !v.is_empty()) {
        return Some((PathBuf::from(path), Origin::Env("SESSCTL_CONFIG")));
    }
    let absolute = |v: std::ffi::OsString| Some(PathBuf::from(v)).filter(|p| p.is_absolute());
    let base = std::env::var_os("XDG_CONFIG_HOME")
        .and_then(absolute)
        .or_else(|| std::env::var_os("HOME").and_then(absolute).map(|h| h.join(".config")))?;
    Some((base.join("sessctl").join("config.toml"), Origin::Default))
}

impl ConfigFile {
    /// Loads the config file. A file named by `--config` or `SESSCTL_CONFIG` must exist; the
    /// default one may be missing (then there are no profiles).
    pub fn load(flag: Option<&Path>) -> anyhow::Result<Option<ConfigFile>> {
        let Some((path, origin)) = locate(flag) else { return Ok(None) };
        let named_by = match origin {
            Origin::Flag(_) => "--config",
            Origin::Env(_) => "SESSCTL_CONFIG",
            _ => "",
        };
        let file = match std::fs::File::open(&path) {
            Ok(file) => file,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && named_by.is_empty() => return Ok(None),
            Err(e) => {
                return Err(usage(format!(
                    "cannot read the {}: {e}; check {}",
                    shown(&path),
                    if named_by.is_empty() { "the file" } else { named_by }
                )))
            }
        };
        let meta = file.metadata().map_err(|e| usage(format!("cannot read the {}: {e}", shown(&path))))?;
        if meta.is_dir() {
            return Err(usage(format!("the {} is a directory; name the file itself", shown(&path))));
        }
        let mut bytes = Vec::new();
        file.take(MAX_FILE + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| usage(format!("cannot read the {}: {e}", shown(&path))))?;
        if bytes.len() as u64 > MAX_FILE {
            return Err(usage(format!("the {} is larger than 1 MiB; is it the right file?", shown(&path))));
        }
        let text = String::from_utf8(bytes).map_err(|e| {
            usage(format!(
                "the {} is not UTF-8 text (byte {}); TOML is UTF-8",
                shown(&path),
                e.utf8_error().valid_up_to()
            ))
        })?;
        use std::os::unix::fs::PermissionsExt;
        let readable_by_others = meta.permissions().mode() & 0o044 != 0;
        let mut config = Self::parse(&text, &path)?;
        config.origin = origin;
        config.readable_by_others = readable_by_others;
        config.mode = meta.permissions().mode() & 0o7777;
        Ok(Some(config))
    }

    /// The profiles whose `redis_url` holds a password (`redis://:PASSWORD@…`, `?password=`).
    pub fn profiles_with_password(&self) -> Vec<String> {
        self.profiles
            .iter()
            .filter(|(_, values)| {
                let urls: Vec<&str> = match values.get("redis_url") {
                    Some(toml::Value::String(url)) => vec![url.as_str()],
                    Some(toml::Value::Array(items)) => items.iter().filter_map(toml::Value::as_str).collect(),
                    _ => Vec::new(),
                };
                urls.iter().flat_map(|u| sessctl_store::split_urls(u)).any(|u| sessctl_store::redact_url(&u) != u)
            })
            .map(|(name, _)| name.clone())
            .collect()
    }

    /// The problem with the file's permissions, when a profile's `redis_url` holds a password
    /// and group or others may read the file: one sentence naming the file, the profiles and
    /// `chmod 600`; `None` otherwise.
    pub fn password_exposed(&self) -> Option<String> {
        if !self.readable_by_others {
            return None;
        }
        let profiles = self.profiles_with_password();
        let (first, rest) = profiles.split_first()?;
        let which = if rest.is_empty() {
            format!("the redis_url of profile {first}")
        } else {
            format!("the redis_url of profiles {first}, {}", rest.join(", "))
        };
        let shown = crate::output::path(&self.path);
        let who = if self.mode & 0o004 != 0 { "every user on this machine" } else { "its group" };
        Some(format!(
            "the config file {shown} holds a Redis password ({which}) and {who} can read it (mode {:04o}); run chmod 600 {shown}",
            self.mode
        ))
    }

    /// Parses and checks the file's text: only `default_profile` and `[profiles.NAME]` tables
    /// at the top; only known keys in a profile; no secret written inline.
    pub fn parse(text: &str, path: &Path) -> anyhow::Result<ConfigFile> {
        let table: toml::Table = toml::from_str(text).map_err(|e| {
            let at = e
                .span()
                .map(|s| line_col(text, s.start))
                .map(|(l, c)| format!("line {l}, column {c}: "))
                .unwrap_or_default();
            usage(format!("{}: {at}{}", shown(path), e.message().trim().replace('\n', " ")))
        })?;
        let known = profile_keys();
        let mut default_profile = None;
        let mut profiles = BTreeMap::new();
        for (key, value) in table {
            match (key.as_str(), value) {
                ("default_profile", toml::Value::String(name)) => default_profile = Some(name),
                ("default_profile", _) => {
                    return Err(usage(format!("{}: default_profile must be a profile's name in quotes", shown(path))))
                }
                ("profiles", toml::Value::Table(named)) => {
                    for (name, body) in named {
                        let toml::Value::Table(body) = body else {
                            return Err(usage(format!(
                                "{}: profiles.{name} must be a table ([profiles.{name}] followed by its settings)",
                                shown(path)
                            )));
                        };
                        let mut values = BTreeMap::new();
                        for (key, value) in body {
                            check_key(&key, &name, text, path, &known)?;
                            values.insert(key, value);
                        }
                        profiles.insert(name, values);
                    }
                }
                ("profiles", _) => {
                    return Err(usage(format!("{}: `profiles` must hold tables ([profiles.NAME])", shown(path))))
                }
                (key, _) => {
                    let hint = if known.iter().any(|k| k == key) || INLINE_SECRETS.contains(&key) {
                        format!("; settings go in a profile: [profiles.NAME] then {key} = …")
                    } else {
                        "; the file holds default_profile and [profiles.NAME] tables".to_string()
                    };
                    return Err(usage(format!(
                        "{}: {}unknown key `{key}`{hint}",
                        shown(path),
                        line_of(text, None, key).map(|l| format!("line {l}: ")).unwrap_or_default()
                    )));
                }
            }
        }
        if let Some(name) = &default_profile {
            if !profiles.contains_key(name) {
                return Err(usage(format!(
                    "{}: default_profile = {:?} names no profile; {}",
                    shown(path),
                    name,
                    available(&profiles)
                )));
            }
        }
        Ok(ConfigFile {
            path: path.to_path_buf(),
            origin: Origin::Default,
            default_profile,
            profiles,
            readable_by_others: false,
            mode: 0o600,
        })
    }

    /// The profile `--profile`/`SESSCTL_PROFILE` names (`chosen`), else `default_profile`,
    /// else none. Naming a profile the file does not have is an error listing those it has.
    pub fn select(&self, chosen: Option<(String, Origin)>) -> anyhow::Result<Option<Profile>> {
        let (name, chosen_by) = match chosen {
            Some(c) => c,
            None => match &self.default_profile {
                // Chosen by the file's default_profile.
                Some(name) => (name.clone(), Origin::Default),
                None => return Ok(None),
            },
        };
        let values = self.profiles.get(&name).cloned().ok_or_else(|| {
            usage(format!(
                "no profile {} in the {}; {}",
                excerpt(name.as_bytes()),
                shown(&self.path),
                available(&self.profiles)
            ))
        })?;
        Ok(Some(Profile { name, file: self.path.clone(), chosen_by, values }))
    }
}

fn available(profiles: &BTreeMap<String, BTreeMap<String, toml::Value>>) -> String {
    if profiles.is_empty() {
        "it has none ([profiles.NAME] tables)".to_string()
    } else {
        format!("it has {}", profiles.keys().map(String::as_str).collect::<Vec<_>>().join(", "))
    }
}

/// A profile key must be one of `known`; a secret written inline is refused.
fn check_key(key: &str, profile: &str, text: &str, path: &Path, known: &[String]) -> anyhow::Result<()> {
    if known.iter().any(|k| k == key) {
        return Ok(());
    }
    let line = line_of(text, Some(profile), key).map(|l| format!("line {l}: ")).unwrap_or_default();
    if INLINE_SECRETS.contains(&key) {
        return Err(usage(format!(
            "{}: {line}[profiles.{profile}] {key}: a secret is never written in the config file (it is often shared or checked in); put it in a file only you can read (chmod 600) and name it with secret_file = \"…\"",
            shown(path)
        )));
    }
    let hint = if let Some((_, why)) = NOT_IN_PROFILES.iter().find(|(n, _)| *n == key) {
        format!("; {why}")
    } else {
        match closest(key, known) {
            Some(k) => format!("; did you mean {k}? (known keys: {})", known.join(", ")),
            None => format!("; known keys: {}", known.join(", ")),
        }
    };
    Err(usage(format!("{}: {line}[profiles.{profile}] has an unknown key `{key}`{hint}", shown(path))))
}

/// The known key nearest to a typo (at most 2 edits away).
fn closest<'a>(key: &str, known: &'a [String]) -> Option<&'a str> {
    known.iter().map(|k| (edit_distance(key, k), k)).filter(|(d, _)| *d <= 2).min().map(|(_, k)| k.as_str())
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != *cb)).min(row[j] + 1).min(cur + 1);
            prev = cur;
        }
    }
    row[b.len()]
}

/// 1-based line and column of a byte offset.
fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map(|l| l.chars().count()).unwrap_or(0) + 1;
    (line, col)
}

/// The line where `key = …` is written (after `[profiles.NAME]` when `profile` is given), for
/// messages; `None` when the file writes it some other way (dotted keys, inline tables).
fn line_of(text: &str, profile: Option<&str>, key: &str) -> Option<usize> {
    let mut inside = profile.is_none();
    for (i, line) in text.lines().enumerate() {
        let t = line.trim();
        if t.starts_with('[') {
            let header = t.trim_start_matches('[').trim_end_matches(']').trim();
            inside = match profile {
                Some(p) => header == format!("profiles.{p}") || header == format!("profiles.\"{p}\""),
                None => false,
            };
            continue;
        }
        if inside {
            if let Some((k, _)) = t.split_once('=') {
                if k.trim().trim_matches('"') == key {
                    return Some(i + 1);
                }
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> anyhow::Result<ConfigFile> {
        ConfigFile::parse(text, Path::new("/etc/sessctl.toml"))
    }

    #[test]
    fn profiles_and_the_default_are_read() {
        let c = parse(
            "default_profile = \"a\"\n[profiles.a]\nredis_url = [\"redis://x:1\", \"redis://y:2\"]\nttl = \"3d\"\nscan_count = 500\ncluster = true\n[profiles.b]\nprefix = \"s:\"\n",
        )
        .unwrap();
        assert_eq!(c.default_profile.as_deref(), Some("a"));
        let a = c.select(None).unwrap().unwrap();
        assert_eq!(a.name, "a");
        assert_eq!(a.text("redis_url").unwrap().unwrap(), "redis://x:1 redis://y:2");
        assert_eq!(a.text("scan_count").unwrap().unwrap(), "500");
        assert_eq!(a.text("cluster").unwrap().unwrap(), "true");
        assert_eq!(a.text("prefix").unwrap(), None);
        let b = c.select(Some(("b".into(), Origin::Flag("--profile")))).unwrap().unwrap();
        assert_eq!(b.text("prefix").unwrap().unwrap(), "s:");
    }

    #[test]
    fn unknown_keys_and_inline_secrets_are_refused_naming_key_and_file() {
        let e = parse("[profiles.p]\ntls_certs = \"x\"\n").unwrap_err().to_string();
        assert!(
            e.contains("/etc/sessctl.toml") && e.contains("`tls_certs`") && e.contains("did you mean tls_cert"),
            "{e}"
        );
        assert!(e.contains("line 2"), "{e}");
        let e = parse("[profiles.p]\nsecret = \"hunter2\"\n").unwrap_err().to_string();
        assert!(e.contains("secret_file") && !e.contains("hunter2"), "{e}");
        let e = parse("redis_url = \"redis://x\"\n").unwrap_err().to_string();
        assert!(e.contains("[profiles.NAME]"), "{e}");
        let e = parse("[profiles.p]\noutput = \"json\"\n").unwrap_err().to_string();
        assert!(e.contains("SESSCTL_OUTPUT"), "{e}");
        let e = parse("default_profile = \"nope\"\n[profiles.p]\n").unwrap_err().to_string();
        assert!(e.contains("names no profile") && e.contains("it has p"), "{e}");
        let e = parse("[profiles.p\n").unwrap_err().to_string();
        assert!(e.contains("line 1"), "{e}");
    }

    #[test]
    fn values_of_the_wrong_kind_are_refused() {
        let c = parse("[profiles.p]\nttl = [1, 2]\nredis_url = [1]\nprefix = { a = 1 }\n").unwrap();
        let p = c.select(Some(("p".into(), Origin::Flag("--profile")))).unwrap().unwrap();
        assert!(p.text("ttl").unwrap_err().to_string().contains("not a list"));
        assert!(p.text("redis_url").unwrap_err().to_string().contains("only text"));
        assert!(p.text("prefix").unwrap_err().to_string().contains("not a table"));
        let e = c.select(Some(("q".into(), Origin::Flag("--profile")))).unwrap_err().to_string();
        assert!(e.contains("no profile \"q\"") && e.contains("it has p"), "{e}");
    }

    #[test]
    fn relative_paths_are_relative_to_the_file() {
        let c = parse("[profiles.p]\nsecret_file = \"ring.json\"\ntls_ca = \"/abs/ca.pem\"\n").unwrap();
        let p = c.select(Some(("p".into(), Origin::Flag("--profile")))).unwrap().unwrap();
        assert_eq!(p.path("secret_file").unwrap().unwrap(), PathBuf::from("/etc/ring.json"));
        assert_eq!(p.path("tls_ca").unwrap().unwrap(), PathBuf::from("/abs/ca.pem"));
    }
}
