//! The names of the settings: which environment variable sets each option, the profile key of
//! a flag, and where a value came from. Below both `config` and its `file`.

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

/// The profile key of a flag: its long name without `--`, `_` for `-` (`--tls-ca`: `tls_ca`).
pub fn profile_key(flag_name: &str) -> String {
    flag_name.trim_start_matches('-').replace('-', "_")
}
