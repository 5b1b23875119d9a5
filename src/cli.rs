//! The command line (clap derive). `command()` feeds completions and the man page.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::error::exit;
use crate::values;

/// Operate the Redis-backed logins of Tornado apps that use tornado-auth-sessions.
///
/// The cookie secret is read from SESSCTL_SECRET or --secret-file (SESSCTL_SECRET_FILE),
/// never from the command line; on a terminal sessctl asks for it.
#[derive(Debug, Parser)]
#[command(name = "sessctl", version, about, long_about, max_term_width = 100)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,

    #[command(subcommand)]
    pub command: Command,
}

/// Settings every command shares (shown under "Global options", after a command's own).
///
/// A flag given here wins; otherwise `config` reads the environment variable named in its
/// help (parsed by the same `values` parser, and only when the command uses the setting),
/// then the default. So the fields are `None` unless the flag was on the command line.
#[derive(Debug, Args, Clone)]
#[command(next_help_heading = "Global options")]
pub struct Global {
    /// Settings from this profile of the config file (flags and environment variables still
    /// win) [env: SESSCTL_PROFILE] [default: the file's default_profile]
    #[arg(long, value_name = "NAME", global = true, value_parser = values::name)]
    pub profile: Option<String>,

    /// The config file [env: SESSCTL_CONFIG]
    /// [default: $XDG_CONFIG_HOME/sessctl/config.toml, else ~/.config/sessctl/config.toml]
    #[arg(long, value_name = "FILE", global = true)]
    pub config: Option<PathBuf>,

    /// Redis URL: redis://[user:pass@]host:port/db, rediss:// (TLS) or unix:///path.sock;
    /// repeat for several cluster seed nodes [env: SESSCTL_REDIS_URL, then REDIS_URL]
    /// [default: redis://127.0.0.1:6379/0]
    #[arg(short = 'r', long = "redis-url", value_name = "URL", global = true)]
    pub redis_url: Vec<String>,

    /// The URLs are Redis Cluster seed nodes (detected automatically otherwise)
    /// [env: SESSCTL_CLUSTER=1]
    #[arg(long, global = true)]
    pub cluster: bool,

    /// PEM file of CA certificates that signed the server's certificate (rediss://)
    /// [env: SESSCTL_TLS_CA]
    #[arg(long, value_name = "PATH", global = true)]
    pub tls_ca: Option<PathBuf>,

    /// PEM client certificate for servers that require one (tls-auth-clients yes); goes with
    /// --tls-key [env: SESSCTL_TLS_CERT]
    #[arg(long, value_name = "PATH", global = true)]
    pub tls_cert: Option<PathBuf>,

    /// PEM private key of --tls-cert (PKCS#8, PKCS#1 RSA or SEC1 EC, unencrypted)
    /// [env: SESSCTL_TLS_KEY]
    #[arg(long, value_name = "PATH", global = true)]
    pub tls_key: Option<PathBuf>,

    /// File holding the cookie secret (one trailing newline removed; at most 64 KiB)
    /// [env: SESSCTL_SECRET_FILE]
    #[arg(long, value_name = "PATH", global = true)]
    pub secret_file: Option<PathBuf>,

    /// How to read the secret: auto (a text starting with `{` must be a valid key ring),
    /// text (always one secret, byte for byte) or ring [env: SESSCTL_SECRET_FORMAT]
    /// [default: auto]
    #[arg(long, value_name = "FORMAT", global = true, value_parser = ["auto", "text", "ring"])]
    pub secret_format: Option<String>,

    /// Key version to sign with when the secret is a key ring [env: SESSCTL_KEY_VERSION]
    /// [default: highest in the ring]
    #[arg(long, value_name = "N", global = true, allow_negative_numbers = true, value_parser = values::key_version)]
    pub key_version: Option<i64>,

    /// Cookie name (it is part of the signature) [env: SESSCTL_COOKIE_NAME] [default: session_id]
    #[arg(long, value_name = "NAME", global = true, value_parser = values::name)]
    pub cookie_name: Option<String>,

    /// Redis key prefix [env: SESSCTL_PREFIX] [default: session:]
    #[arg(long, value_name = "P", global = true, value_parser = values::name)]
    pub prefix: Option<String>,

    /// Output format (prometheus: stats only) [env: SESSCTL_OUTPUT] [default: table]
    #[arg(short = 'o', long, value_enum, global = true)]
    pub output: Option<OutputFormat>,

    /// The app's session lifetime: the TTL `mint` gives, and age = this minus the remaining
    /// TTL; 1s to 100y [env: SESSCTL_TTL] [default: 7d]
    #[arg(long, value_name = "DURATION", global = true, value_parser = values::ttl)]
    pub ttl: Option<std::time::Duration>,

    /// How long to wait for a connection or a reply before giving up; up to 1d
    /// [env: SESSCTL_TIMEOUT] [default: 10s]
    #[arg(long, value_name = "DURATION", global = true, value_parser = values::timeout)]
    pub timeout: Option<std::time::Duration>,

    /// How long to keep retrying while Redis recovers (dropped connections, a failover,
    /// LOADING, CLUSTERDOWN…); up to 1d [env: SESSCTL_RETRY_DEADLINE] [default: 30s]
    #[arg(long, value_name = "DURATION", global = true, value_parser = values::timeout)]
    pub retry_deadline: Option<std::time::Duration>,

    /// Replicas that must acknowledge each batch of writes (WAIT) before it counts as done;
    /// 0 writes without waiting, 0 to 100 [env: SESSCTL_WAIT_REPLICAS] [default: 1 where the
    /// primary has replicas, else 0]
    #[arg(long, value_name = "N", global = true, allow_negative_numbers = true, value_parser = values::wait_replicas)]
    pub wait_replicas: Option<u32>,

    /// SCAN COUNT hint (keys per SCAN call), 1 to 100000 [env: SESSCTL_SCAN_COUNT] [default: 250]
    #[arg(long, value_name = "N", global = true, allow_negative_numbers = true, value_parser = values::scan_count)]
    pub scan_count: Option<u32>,

    /// Colour in tables: auto, always, never (NO_COLOR is honoured) [env: SESSCTL_COLOR]
    /// [default: auto]
    #[arg(long, value_enum, global = true)]
    pub color: Option<ColorChoice>,

    /// No progress bars or informational messages on stderr [env: SESSCTL_QUIET=1]
    #[arg(short, long, global = true)]
    pub quiet: bool,

    /// Tables and CSV without their header row
    #[arg(long, global = true)]
    pub no_headers: bool,

    /// Write the output to FILE atomically (a temporary file renamed over it once the output
    /// is complete; a failed or interrupted run leaves FILE as it was)
    #[arg(long, value_name = "FILE", global = true)]
    pub output_file: Option<PathBuf>,
}

pub use crate::output::{ColorChoice, OutputFormat};

impl Global {
    /// The settings typed on the command line, for `config` (which knows no argv types).
    pub fn flags(&self) -> crate::config::Flags {
        let g = self.clone();
        crate::config::Flags {
            profile: g.profile,
            config: g.config,
            redis_url: g.redis_url,
            cluster: g.cluster,
            tls_ca: g.tls_ca,
            tls_cert: g.tls_cert,
            tls_key: g.tls_key,
            secret_file: g.secret_file,
            secret_format: g.secret_format,
            key_version: g.key_version,
            cookie_name: g.cookie_name,
            prefix: g.prefix,
            output: g.output,
            ttl: g.ttl,
            timeout: g.timeout,
            retry_deadline: g.retry_deadline,
            wait_replicas: g.wait_replicas,
            scan_count: g.scan_count,
            color: g.color,
            quiet: g.quiet,
            no_headers: g.no_headers,
        }
    }
}

/// What a command's long help and man page say beyond its options, kept beside its clap
/// definition: the examples, the exit statuses, the pages worth reading next, and the output
/// formats it writes.
pub struct Page {
    pub examples: &'static [Example],
    pub exits: &'static [(u8, &'static str)],
    pub see_also: &'static [&'static str],
    /// `None`: every format, or the command prints no records.
    pub formats: Option<&'static [OutputFormat]>,
}

/// An example: what it does, then the command line.
pub type Example = (&'static str, &'static str);

/// A subcommand's arguments with its [`Page`].
pub trait Documented {
    const PAGE: Page;
}

const OK: (u8, &str) = (exit::OK, "success");
const FAILED: (u8, &str) = (exit::OPERATIONAL, "Redis unreachable or failing, or an I/O error");
const USAGE: (u8, &str) = (exit::USAGE, "usage error: bad flags or values, no secret, no --yes");
const INTERRUPTED: (u8, &str) = (exit::INTERRUPTED, "interrupted (Ctrl-C): what was done so far is reported");
const TERMINATED: (u8, &str) = (exit::TERMINATED, "terminated (SIGTERM): as 130");
/// The exit statuses of a command that talks to Redis.
pub const STANDARD_EXITS: &[(u8, &str)] = &[OK, FAILED, USAGE, INTERRUPTED, TERMINATED];
/// The exit statuses of a command that only prints.
const SIMPLE_EXITS: &[(u8, &str)] = &[OK, (exit::OPERATIONAL, "an I/O error"), USAGE];
/// The exit statuses of sessctl as a whole (its own page).
pub const ALL_EXITS: &[(u8, &str)] = &[
    OK,
    FAILED,
    USAGE,
    (exit::INVALID, "verify: a cookie failed Tornado's checks"),
    (exit::NOT_IN_REDIS, "verify: signature valid but the session is not in Redis"),
    INTERRUPTED,
    TERMINATED,
];

/// Declares the subcommands once: the clap enum, and [`page`] by the name typed on the
/// command line. A new subcommand is one line here (with its doc comment, the text of
/// `sessctl --help`), its arguments and [`Page`] below, its file in `commands/` and its
/// dispatch line.
macro_rules! subcommands {
    ($($(#[$meta:meta])* $variant:ident($args:ty),)*) => {
        #[derive(Debug, Subcommand)]
        pub enum Command {
            $($(#[$meta])* $variant($args),)*
        }

        /// The page of the subcommand `name` (as typed: `gen-secret`).
        pub fn page(name: &str) -> Option<&'static Page> {
            $(if kebab_case(stringify!($variant)) == name {
                return Some(&<$args as Documented>::PAGE);
            })*
            None
        }
    };
}

/// clap's name of a variant: `GenSecret` → `gen-secret`.
fn kebab_case(variant: &str) -> String {
    let mut name = String::new();
    for (i, c) in variant.chars().enumerate() {
        if c.is_ascii_uppercase() && i > 0 {
            name.push('-');
        }
        name.push(c.to_ascii_lowercase());
    }
    name
}

subcommands! {
    /// Create sessions as tornado-auth-sessions does and print their signed cookies
    Mint(MintArgs),
    /// Verify cookies as Tornado does, and check their sessions in Redis
    Verify(VerifyArgs),
    /// Show the fields of a signed value without any secret (unverified)
    Decode(DecodeArgs),
    /// Stream the sessions under the prefix (SCAN, never KEYS)
    List(ListArgs),
    /// Delete sessions: by id or cookie, every session of some users, or all
    Revoke(RevokeArgs),
    /// Delete old sessions and handle keys without expiry (for cron)
    Cleanup(CleanupArgs),
    /// Count sessions, users, keys without TTL and odd keys
    Stats(StatsArgs),
    /// Put back sessions from a `--backup` file, with their remaining TTL (never overwrites)
    Restore(RestoreArgs),
    /// Check the setup: Redis, its sessions, the secret; exit 1 when a check fails
    Doctor(DoctorArgs),
    /// Print a new strong cookie secret, or the key ring with a new version added
    GenSecret(GenSecretArgs),
    /// Show the resolved settings and where each came from, or the config file's profiles
    Config(ConfigArgs),
    /// Print shell completions
    Completions(CompletionsArgs),
    /// Print a roff man page: sessctl's, or a command's
    Man(ManArgs),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum MintFormat {
    /// The bare signed value
    Value,
    /// `session_id="…"` as a browser sends it
    Cookie,
    /// A `Set-Cookie:` line as Tornado writes it
    Header,
    /// A JSON object per session
    Json,
}

#[derive(Debug, Args)]
pub struct MintArgs {
    /// User id to store in the session
    #[arg(long, value_name = "ID")]
    pub user: String,

    /// How many sessions to mint (one line each)
    #[arg(long, value_name = "N", default_value_t = 1, allow_negative_numbers = true, value_parser = values::mint_count)]
    pub count: u64,

    /// Only sign; store nothing in Redis
    #[arg(long)]
    pub no_store: bool,

    /// What to print [default: value, or json with -o json]
    #[arg(long, value_enum)]
    pub format: Option<MintFormat>,

    /// Leave `; Secure` out of the header (tornado-auth-sessions' set_session(is_secure=False))
    #[arg(long)]
    pub insecure_cookie: bool,

    /// Append one JSON line per session stored and printed to FILE (never the session id)
    /// [env: SESSCTL_AUDIT_LOG]
    #[arg(long, value_name = "FILE", conflicts_with = "no_store")]
    pub audit_log: Option<PathBuf>,
}

impl Documented for MintArgs {
    const PAGE: Page = Page {
        examples: &[
            ("A session for user 42; prints the bare signed value", "sessctl mint --user 42"),
            ("The Set-Cookie line exactly as Tornado writes it", "sessctl mint --user 42 --format header"),
            (
                "1,000 sessions for a load test, one JSON object each",
                "sessctl mint --user loadtest --count 1000 -o json > sessions.jsonl",
            ),
            (
                "Only sign (nothing stored), with key version 0 of the ring",
                "sessctl mint --user 42 --no-store --key-version 0",
            ),
            (
                "A login for support, with a line in the audit log (never the id)",
                "sessctl mint --user 42 --audit-log /var/log/sessctl/audit.jsonl",
            ),
        ],
        exits: STANDARD_EXITS,
        see_also: &["verify", "revoke", "gen-secret"],
        formats: Some(&[OutputFormat::Table, OutputFormat::Json]),
    };
}

#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// Cookies: bare, quoted, name=value, or a Cookie:/Set-Cookie: header line; none or `-`
    /// reads one per line from stdin
    #[arg(value_name = "COOKIE")]
    pub cookies: Vec<std::ffi::OsString>,

    /// Take each input as the exact signed value: no unquoting, no picking out of headers
    /// (stdin lines lose only their line ending)
    #[arg(long)]
    pub raw: bool,

    /// Check signatures only; do not look sessions up in Redis
    #[arg(long)]
    pub offline: bool,

    /// Oldest signature accepted, in days (Tornado's max_age_days)
    #[arg(long, value_name = "F", default_value_t = 31.0, allow_negative_numbers = true)]
    pub max_age_days: f64,

    /// Look the sessions up in this RDB dump instead of a server; `-` reads stdin. TTLs are
    /// as of the dump's time unless --now
    #[arg(long, value_name = "FILE", conflicts_with = "offline")]
    pub rdb: Option<PathBuf>,

    /// With --rdb: count TTLs from now rather than from the dump's own time
    #[arg(long, requires = "rdb")]
    pub now: bool,
}

impl Documented for VerifyArgs {
    const PAGE: Page = Page {
        examples: &[
            (
                "Check one cookie: signature (Tornado's rules), then its session in Redis",
                "sessctl verify 'session_id=\"2|1:0|…\"'",
            ),
            (
                "A whole Cookie: header works too; only the configured cookie is read",
                "sessctl verify 'Cookie: theme=dark; session_id=\"2|1:0|…\"'",
            ),
            (
                "Many cookies, one per line on stdin, signatures only, JSON Lines out",
                "sessctl verify --offline -o json < cookies.txt",
            ),
            ("The app's own age limit", "sessctl verify --max-age-days 7 '2|1:0|…'"),
        ],
        exits: &[
            (exit::OK, "every cookie is valid"),
            FAILED,
            USAGE,
            (exit::INVALID, "a cookie failed Tornado's checks (signature, format, age, name…)"),
            (exit::NOT_IN_REDIS, "signatures fine, but a session is not in Redis (revoked or expired)"),
            INTERRUPTED,
            TERMINATED,
        ],
        see_also: &["decode", "mint", "revoke"],
        formats: Some(&[OutputFormat::Table, OutputFormat::Json, OutputFormat::Csv]),
    };
}

#[derive(Debug, Args)]
pub struct DecodeArgs {
    /// The signed value (bare, quoted, name=value or a header line); `-` reads stdin
    #[arg(value_name = "COOKIE")]
    pub cookie: std::ffi::OsString,

    /// Take the input as the exact signed value (no unquoting or header parsing)
    #[arg(long)]
    pub raw: bool,
}

impl Documented for DecodeArgs {
    const PAGE: Page = Page {
        examples: &[
            ("The fields of a signed value, without the secret (unverified)", "sessctl decode '2|1:0|…'"),
            ("From a file, as JSON", "sessctl decode -o json - < cookie.txt"),
        ],
        exits: &[OK, (exit::USAGE, "usage error, or the input is not a signed value")],
        see_also: &["verify"],
        formats: Some(&[OutputFormat::Table, OutputFormat::Json, OutputFormat::Csv]),
    };
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// Only sessions of this user (repeatable)
    #[arg(long, value_name = "ID")]
    pub user: Vec<String>,

    /// Stop after N sessions
    #[arg(long, value_name = "N", allow_negative_numbers = true, value_parser = values::limit)]
    pub limit: Option<u64>,

    /// Print only the number of sessions
    #[arg(long)]
    pub count: bool,

    #[command(flatten)]
    pub source: SourceArgs,

    #[command(flatten)]
    pub pace: PaceArgs,
}

impl Documented for ListArgs {
    const PAGE: Page = Page {
        examples: &[
            ("Every session of user 42", "sessctl list --user 42"),
            ("How many sessions there are", "sessctl list --count"),
            ("The first 100 sessions as CSV", "sessctl list --limit 100 -o csv > sample.csv"),
            (
                "User 42's sessions in last night's backup (no server involved)",
                "sessctl list --user 42 --rdb /backups/dump.rdb",
            ),
        ],
        exits: STANDARD_EXITS,
        see_also: &["revoke", "stats"],
        formats: Some(&[OutputFormat::Table, OutputFormat::Json, OutputFormat::Csv]),
    };
}

#[derive(Debug, Args)]
pub struct RevokeArgs {
    /// Session ids (43 characters), keys or cookies to revoke; `-` reads them from stdin, one
    /// per line. Anything else (words, a shortened `…` table cell) is refused
    #[arg(value_name = "SESSION_ID|COOKIE")]
    pub targets: Vec<String>,

    /// Revoke every session of this user (repeatable; one scan for all)
    #[arg(long, value_name = "ID")]
    pub user: Vec<String>,

    /// Revoke every session of the users listed in FILE, one per line (`-`: stdin); the
    /// summary counts the listed users without any session (users_without_sessions)
    #[arg(long, value_name = "FILE")]
    pub users_file: Option<PathBuf>,

    /// Revoke every session under the prefix
    #[arg(long)]
    pub all: bool,

    /// Only sessions issued before TIME: a date (2026-11-01, midnight UTC), an RFC 3339 time,
    /// or a duration meaning that long ago (6d)
    #[arg(long, value_name = "TIME")]
    pub issued_before: Option<String>,

    /// Count what would be revoked; delete nothing
    #[arg(long)]
    pub dry_run: bool,

    /// Do not ask for confirmation (required for --all/--users-file when stdin is not a
    /// terminal). On a terminal they count the sessions first and ask, naming the server, the
    /// prefix and the selection; --all wants that number typed. A no: exit 1, nothing revoked
    #[arg(short = 'y', long)]
    pub yes: bool,

    /// Append one JSON line per revoked session to FILE (never the session id)
    /// [env: SESSCTL_AUDIT_LOG]
    #[arg(long, value_name = "FILE")]
    pub audit_log: Option<PathBuf>,

    /// Before each deletion, append the session (key, user, remaining TTL) to FILE (mode
    /// 0600), for `sessctl restore`; FILE holds live credentials
    #[arg(long, value_name = "FILE")]
    pub backup: Option<PathBuf>,

    /// Find the sessions in a point-in-time snapshot of each primary (read over replication,
    /// SYNC) instead of scanning; deletions still go to the live server (compare-and-delete)
    #[arg(long)]
    pub snapshot: bool,

    #[command(flatten)]
    pub pace: PaceArgs,
}

impl Documented for RevokeArgs {
    const PAGE: Page = Page {
        examples: &[
            ("Every session of users 42 and 43 (one scan for both)", "sessctl revoke --user 42 --user 43"),
            (
                "One session by id; ids may start with '-', so put them after --",
                "sessctl revoke -- -xm1uQ9pV3ZrT0bA8sLcKd2EoWfYgHhJiNnMmOoPpQq",
            ),
            (
                "The users listed in a file, without a prompt (cron, scripts)",
                "sessctl revoke --users-file leavers.txt --yes",
            ),
            ("Session ids, keys or cookies from a file, one per line", "sessctl revoke - < ids.txt"),
            (
                "How many sessions were issued before an incident (nothing deleted)",
                "sessctl revoke --all --issued-before 2026-11-01T00:00:00Z --dry-run",
            ),
            (
                "Find user 42's sessions in a snapshot, delete them on the live server",
                "sessctl revoke --user 42 --snapshot",
            ),
            (
                "Log everyone out, keeping a way back (the file holds live credentials)",
                "sessctl revoke --all --yes --backup /root/revoked.jsonl",
            ),
        ],
        exits: STANDARD_EXITS,
        see_also: &["list", "cleanup", "restore"],
        formats: Some(&[OutputFormat::Table, OutputFormat::Json, OutputFormat::Csv]),
    };
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum NoTtlAction {
    /// Count keys without expiry
    Report,
    /// Give them the session TTL (--ttl)
    Fix,
    /// Delete them (compare-and-delete)
    Delete,
}

#[derive(Debug, Args)]
pub struct CleanupArgs {
    /// Delete sessions older than this (age = --ttl minus remaining TTL); must be less than
    /// --ttl, and at least 1h unless --yes
    #[arg(long, value_name = "DURATION", value_parser = values::age)]
    pub max_age: Option<values::Age>,

    /// What to do with session keys that have no expiry
    #[arg(long, value_enum, default_value = "report")]
    pub no_ttl: NoTtlAction,

    /// Count only; change nothing
    #[arg(long)]
    pub dry_run: bool,

    /// Allow a --max-age under one hour
    #[arg(short = 'y', long)]
    pub yes: bool,

    /// Append one JSON line per deleted or fixed session to FILE (never the session id)
    /// [env: SESSCTL_AUDIT_LOG]
    #[arg(long, value_name = "FILE")]
    pub audit_log: Option<PathBuf>,

    /// Before each deletion, append the session (key, user, remaining TTL) to FILE (mode
    /// 0600), for `sessctl restore`; FILE holds live credentials
    #[arg(long, value_name = "FILE")]
    pub backup: Option<PathBuf>,

    /// Find the sessions in a point-in-time snapshot of each primary (read over replication,
    /// SYNC) instead of scanning; deletions still go to the live server (compare-and-delete)
    #[arg(long)]
    pub snapshot: bool,

    #[command(flatten)]
    pub pace: PaceArgs,
}

impl Documented for CleanupArgs {
    const PAGE: Page = Page {
        examples: &[
            (
                "What a cleanup would delete and fix (nothing changed)",
                "sessctl cleanup --max-age 3d --no-ttl fix --dry-run",
            ),
            (
                "From cron: give keys without expiry the session TTL, JSON summary",
                "sessctl cleanup --no-ttl fix -o json",
            ),
        ],
        exits: STANDARD_EXITS,
        see_also: &["revoke", "stats", "restore"],
        formats: Some(&[OutputFormat::Table, OutputFormat::Json, OutputFormat::Csv]),
    };
}

#[derive(Debug, Args)]
pub struct RestoreArgs {
    /// A file written by `revoke --backup` or `cleanup --backup` (mode 0600)
    #[arg(value_name = "FILE")]
    pub file: PathBuf,

    /// Count what would be restored; write nothing
    #[arg(long)]
    pub dry_run: bool,

    /// Restore a file whose lines carry no chain (written before sessctl chained them) or
    /// whose chain does not verify (a file you edited): edits cannot be detected, so only
    /// lines shaped like the app's sessions (43-character ids, a user) are accepted
    #[arg(long)]
    pub unverified: bool,
}

impl Documented for RestoreArgs {
    const PAGE: Page = Page {
        examples: &[
            ("What a restore would put back (nothing written)", "sessctl restore /root/revoked.jsonl --dry-run"),
            ("Undo a bulk revoke: sessions come back with their remaining TTL", "sessctl restore /root/revoked.jsonl"),
            (
                "A backup from before lines were chained (read it first)",
                "sessctl restore --unverified /root/old-revoked.jsonl",
            ),
        ],
        exits: STANDARD_EXITS,
        see_also: &["revoke", "cleanup"],
        formats: Some(&[OutputFormat::Table, OutputFormat::Json, OutputFormat::Csv]),
    };
}

/// Where `list` and `stats` read sessions: a scan (the default), a dump or a live snapshot.
#[derive(Debug, Args)]
pub struct SourceArgs {
    /// Read the sessions from this RDB dump (a backup, or `redis-cli --rdb FILE`) instead of
    /// a server; `-` reads stdin. TTLs are as of the dump's time unless --now
    #[arg(long, value_name = "FILE", conflicts_with = "snapshot")]
    pub rdb: Option<PathBuf>,

    /// Read a point-in-time snapshot of each primary over replication (SYNC) instead of
    /// scanning: the server's forked child does the work, not its main thread
    #[arg(long)]
    pub snapshot: bool,

    /// With --rdb or --snapshot: count TTLs from now rather than from the dump's own time
    #[arg(long)]
    pub now: bool,
}

impl SourceArgs {
    /// The flag that replaces the scan, if any (`--rdb` or `--snapshot`).
    pub fn instead_of_scan(&self) -> Option<&'static str> {
        if self.rdb.is_some() {
            Some("--rdb")
        } else if self.snapshot {
            Some("--snapshot")
        } else {
            None
        }
    }
}

#[derive(Debug, Args)]
pub struct StatsArgs {
    /// How many top users (by session count) to show, 0 to 10000
    #[arg(long, value_name = "N", default_value_t = 10, allow_negative_numbers = true, value_parser = values::top)]
    pub top: usize,

    #[command(flatten)]
    pub source: SourceArgs,

    #[command(flatten)]
    pub pace: PaceArgs,
}

impl Documented for StatsArgs {
    const PAGE: Page = Page {
        examples: &[
            ("Sessions, users, keys without TTL, odd keys, top 5 users", "sessctl stats --top 5"),
            (
                "For node_exporter's textfile collector",
                "sessctl stats -o prometheus > /var/lib/node_exporter/textfile/sessctl.prom",
            ),
            (
                "Count from a point-in-time snapshot (the server's forked child does the work)",
                "sessctl stats --snapshot",
            ),
        ],
        exits: STANDARD_EXITS,
        see_also: &["list", "cleanup", "doctor"],
        formats: None,
    };
}

/// How a scan shares the server: its pace, and a time box (docs/neighbour.md).
#[derive(Debug, Args, Clone, Default)]
#[command(next_help_heading = "Pace and time box")]
pub struct PaceArgs {
    /// Scan at most this many keys per second, all primaries together, at a steady pace;
    /// 10 to 10000000 (20k = 20000) [env: SESSCTL_RATE]
    #[arg(long, value_name = "KEYS_PER_SECOND", allow_negative_numbers = true, value_parser = values::rate)]
    pub rate: Option<u64>,

    /// Go as fast as keeps the latency other clients see (a PING on a connection of its own
    /// every 1ms, per primary) under this at its 99th percentile; 100us to 10s
    /// [env: SESSCTL_MAX_LATENCY]
    #[arg(long, value_name = "DURATION", value_parser = values::max_latency)]
    pub max_latency: Option<std::time::Duration>,

    /// Stop the scan cleanly after this long (exit 0, complete: false in the summary); with
    /// --resume the next run continues where this one stopped; 10ms to 30d
    #[arg(long, value_name = "DURATION", value_parser = values::max_duration)]
    pub max_duration: Option<std::time::Duration>,

    /// Continue from the per-primary cursors saved in FILE, if it exists, and save them
    /// there when the scan stops before its end (the file is removed once the scan is
    /// complete); refused when FILE was saved for another server, prefix or selection
    #[arg(long, value_name = "FILE")]
    pub resume: Option<PathBuf>,
}

impl PaceArgs {
    /// Any of the flags was given.
    pub fn any(&self) -> bool {
        self.rate.is_some() || self.max_latency.is_some() || self.max_duration.is_some() || self.resume.is_some()
    }
}

#[derive(Debug, Args)]
pub struct DoctorArgs {
    /// Keys to examine per primary for the population checks (all of them when there are
    /// fewer; then the counts are exact)
    #[arg(long, value_name = "N", default_value_t = 100_000, value_parser = values::sample, allow_negative_numbers = true)]
    pub sample: u64,
}

impl Documented for DoctorArgs {
    const PAGE: Page = Page {
        examples: &[
            ("Check the setup; exit 1 when a check fails", "sessctl doctor"),
            ("For monitoring: one JSON object per check (check, status, detail, hint)", "sessctl doctor -o json"),
            ("Count over more keys per primary (slower on a big keyspace)", "sessctl doctor --sample 1000000"),
            ("Another environment's setup", "SESSCTL_SECRET_FILE=/etc/app/ring sessctl doctor -r rediss://db:6380"),
        ],
        exits: &[
            (exit::OK, "no check failed (warnings allowed)"),
            (exit::OPERATIONAL, "a check failed"),
            (exit::USAGE, "usage error: bad flags or values"),
        ],
        see_also: &["gen-secret", "stats", "config"],
        formats: Some(&[OutputFormat::Table, OutputFormat::Json, OutputFormat::Csv]),
    };
}

#[derive(Debug, Args)]
pub struct GenSecretArgs {
    /// Print the configured secret (one secret or a key ring) as a key ring with a new
    /// secret added under the next version
    #[arg(long)]
    pub ring: bool,

    /// Random bytes in the new secret (from the OS generator; printed URL-safe base64)
    #[arg(long, value_name = "N", default_value_t = 32, value_parser = values::secret_bytes, allow_negative_numbers = true)]
    pub bytes: u16,
}

impl Documented for GenSecretArgs {
    const PAGE: Page = Page {
        examples: &[
            ("A new secret in a file only you can read", "(umask 077 && sessctl gen-secret > cookie_secret)"),
            (
                "The configured secret as a key ring with a new version (rotation, step 1)",
                "sessctl gen-secret --ring > cookie_ring.json",
            ),
        ],
        exits: SIMPLE_EXITS,
        see_also: &["doctor", "mint", "verify"],
        formats: Some(&[OutputFormat::Table, OutputFormat::Json]),
    };
}

#[derive(Debug, Args)]
pub struct ConfigArgs {
    #[command(subcommand)]
    pub action: ConfigAction,
}

impl Documented for ConfigArgs {
    const PAGE: Page = Page {
        examples: &[
            ("Every setting, and whether a flag, a variable, a profile or the default set it", "sessctl config show"),
            ("What the prod profile gives, as JSON", "sessctl config show --profile prod -o json"),
            ("The profiles of the config file", "sessctl config profiles"),
        ],
        exits: &[
            OK,
            (exit::OPERATIONAL, "show: a setting cannot be used as shown (the secret); an I/O error"),
            (exit::USAGE, "usage error: a bad config file, profile, flag or value"),
        ],
        see_also: &["doctor"],
        formats: Some(&[OutputFormat::Table, OutputFormat::Json, OutputFormat::Csv]),
    };
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Subcommand)]
pub enum ConfigAction {
    /// Every setting as a command would resolve it (flag > environment > profile > default),
    /// with where it came from; the secret is never shown, only where it is read from
    Show,
    /// The profiles of the config file, the default one and the one chosen now
    Profiles {
        /// Only the profiles' names, one a line (what shell completion offers for --profile)
        #[arg(long)]
        names: bool,
    },
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// bash, zsh, fish, elvish or powershell
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

impl Documented for CompletionsArgs {
    const PAGE: Page = Page {
        examples: &[
            ("bash", "sessctl completions bash > ~/.local/share/bash-completion/completions/sessctl"),
            ("zsh (a directory in $fpath)", "sessctl completions zsh > ~/.zfunc/_sessctl"),
            ("fish", "sessctl completions fish > ~/.config/fish/completions/sessctl.fish"),
        ],
        exits: SIMPLE_EXITS,
        see_also: &["man"],
        formats: None,
    };
}

#[derive(Debug, Args)]
pub struct ManArgs {
    /// The command whose page to print [default: sessctl's own page]
    #[arg(value_name = "COMMAND")]
    pub command: Option<String>,
}

impl Documented for ManArgs {
    const PAGE: Page = Page {
        examples: &[
            ("Read the page of revoke", "sessctl man revoke | man -l -"),
            ("Install the page of revoke", "sessctl man revoke > /usr/local/share/man/man1/sessctl-revoke.1"),
        ],
        exits: SIMPLE_EXITS,
        see_also: &["completions"],
        formats: None,
    };
}

/// The formats a command writes (`None`: all of them, or the command prints no records).
pub fn output_formats(command: &str) -> Option<&'static [OutputFormat]> {
    page(command).and_then(|p| p.formats)
}

/// What `sessctl --version` prints after the name (`-V` prints the version alone): the
/// version, the commit it was built from (build.rs: `git rev-parse --short HEAD`, "unknown"
/// when built outside a git checkout), the TLS backend and the target, as `rg --version`.
/// Only the running binary has it: the generated man pages and completions stay the same
/// from commit to commit.
pub fn long_version() -> &'static str {
    static TEXT: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    TEXT.get_or_init(long_version_text)
}

fn long_version_text() -> String {
    let rustls = match env!("BUILD_RUSTLS_VERSION") {
        "" => "rustls".to_string(),
        version => format!("rustls {version}"),
    };
    format!(
        "{}\ncommit {}\nfeatures: TLS by {rustls} (ring crypto, system CA certificates), Redis Cluster, Sentinel, RDB dumps and snapshots\ntarget: {} ({} build)",
        env!("CARGO_PKG_VERSION"),
        env!("BUILD_GIT_COMMIT"),
        env!("BUILD_TARGET"),
        env!("BUILD_PROFILE"),
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn verify_app() {
        crate::help::command().debug_assert();
    }
}
