//! Contexts: the config file and its profiles, through the binary. Precedence is flag >
//! environment > profile > default for every setting; the secret is never written in the file;
//! unknown keys name the key and the file; `config show` says where each value came from.

use crate::support;

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;
use support::*;

const SECRET_A: &str = "profile-secret-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
const SECRET_B: &str = "environment-secret-bbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
const SECRET_C: &str = "file-from-env-secret-ccccccccccccccccccccccccccccc";

struct Setup {
    dir: tempfile::TempDir,
}

impl Setup {
    /// A config file (`config.toml` in a temp dir) with `text`, and the secret files it may
    /// name (`a.secret`, `c.secret`, mode 0600).
    fn new(text: &str) -> Setup {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("config.toml"), text).unwrap();
        for (name, secret) in [("a.secret", SECRET_A), ("c.secret", SECRET_C)] {
            let path = dir.path().join(name);
            std::fs::write(&path, format!("{secret}\n")).unwrap();
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
        }
        Setup { dir }
    }

    fn file(&self) -> PathBuf {
        self.dir.path().join("config.toml")
    }

    /// sessctl with `--config` pointing at this file.
    fn sessctl(&self, args: &[&str]) -> Command {
        let mut cmd = sessctl();
        cmd.arg("--config").arg(self.file()).args(args);
        cmd
    }
}

/// `config show -o json` as setting name → (value, origin, source).
fn shown(mut cmd: Command) -> std::collections::HashMap<String, (String, String, Option<String>)> {
    cmd.args(["config", "show", "-o", "json"]);
    let out = cmd.output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    json_lines(&out.stdout)
        .into_iter()
        .map(|r| {
            (
                r["setting"].as_str().unwrap().to_string(),
                (
                    r["value"].as_str().unwrap().to_string(),
                    r["origin"].as_str().unwrap().to_string(),
                    r["source"].as_str().map(str::to_string),
                ),
            )
        })
        .collect()
}

/// `config show -o json` as setting name → its whole record.
fn shown_full(mut cmd: Command) -> std::collections::HashMap<String, Value> {
    cmd.args(["config", "show", "-o", "json"]);
    let out = cmd.output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    json_lines(&out.stdout).into_iter().map(|r| (r["setting"].as_str().unwrap().to_string(), r)).collect()
}

fn origin(map: &std::collections::HashMap<String, (String, String, Option<String>)>, key: &str) -> (String, String) {
    let (value, origin, source) = map.get(key).unwrap_or_else(|| panic!("no {key} in {map:?}"));
    (value.clone(), format!("{origin} {}", source.clone().unwrap_or_default()).trim().to_string())
}

const PROFILES: &str = r#"
default_profile = "staging"

[profiles.staging]
redis_url = "redis://127.0.0.1:1/0"
ttl = "3d"
prefix = "staging:"
scan_count = 500
secret_file = "a.secret"

[profiles.prod]
redis_url = ["redis://10.0.0.1:6379", "redis://10.0.0.2:6379"]
cluster = true
ttl = "14d"
timeout = "2s"
"#;

#[test]
fn precedence_is_flag_then_environment_then_profile_then_default_for_every_setting() {
    let setup = Setup::new(PROFILES);
    // The default profile (default_profile) gives its values; what it leaves out is default.
    let map = shown(setup.sessctl(&[]));
    assert_eq!(origin(&map, "profile"), ("staging".into(), "file default_profile".into()));
    assert_eq!(origin(&map, "ttl"), ("3d".into(), "profile staging".into()));
    assert_eq!(origin(&map, "prefix"), ("staging:".into(), "profile staging".into()));
    assert_eq!(origin(&map, "scan_count"), ("500".into(), "profile staging".into()));
    assert_eq!(origin(&map, "redis_url"), ("redis://127.0.0.1:1/0".into(), "profile staging".into()));
    assert_eq!(origin(&map, "timeout"), ("10s".into(), "default".into()));
    assert_eq!(origin(&map, "cookie_name"), ("session_id".into(), "default".into()));

    // The environment beats the profile; a flag beats the environment.
    let mut cmd = setup.sessctl(&[]);
    cmd.env("SESSCTL_TTL", "2d").env("SESSCTL_PREFIX", "env:").env("SESSCTL_SCAN_COUNT", "700");
    cmd.args(["--scan-count", "900"]);
    let map = shown(cmd);
    assert_eq!(origin(&map, "ttl"), ("2d".into(), "env SESSCTL_TTL".into()));
    assert_eq!(origin(&map, "prefix"), ("env:".into(), "env SESSCTL_PREFIX".into()));
    assert_eq!(origin(&map, "scan_count"), ("900".into(), "flag --scan-count".into()));

    // SESSCTL_PROFILE chooses another profile; --profile beats it.
    let mut cmd = setup.sessctl(&[]);
    cmd.env("SESSCTL_PROFILE", "prod");
    let map = shown(cmd);
    assert_eq!(origin(&map, "profile"), ("prod".into(), "env SESSCTL_PROFILE".into()));
    assert_eq!(origin(&map, "ttl"), ("14d".into(), "profile prod".into()));
    assert_eq!(origin(&map, "timeout"), ("2s".into(), "profile prod".into()));
    assert_eq!(origin(&map, "cluster"), ("true".into(), "profile prod".into()));
    assert_eq!(
        origin(&map, "redis_url"),
        ("redis://10.0.0.1:6379 redis://10.0.0.2:6379".into(), "profile prod".into())
    );
    assert_eq!(origin(&map, "prefix"), ("session:".into(), "default".into()), "prod sets no prefix");
    let mut cmd = setup.sessctl(&["--profile", "staging"]);
    cmd.env("SESSCTL_PROFILE", "prod");
    assert_eq!(origin(&shown(cmd), "ttl"), ("3d".into(), "profile staging".into()));

    // With no config file at all, everything is a default.
    let map = shown(sessctl());
    assert_eq!(origin(&map, "ttl"), ("7d".into(), "default".into()));
    assert_eq!(origin(&map, "redis_url"), ("redis://127.0.0.1:6379/0".into(), "default".into()));
}

#[test]
fn commands_use_the_profile_and_the_environment_overrides_it() {
    let redis = RedisServer::start();
    redis.cli(&["SET", "staging:t000000000000000000000000000000000000000001", "alice", "EX", "600"]);
    redis.cli(&["SET", "session:t000000000000000000000000000000000000000002", "bob", "EX", "600"]);
    let setup = Setup::new(&format!(
        "[profiles.staging]\nredis_url = \"{}\"\nprefix = \"staging:\"\nsecret_file = \"a.secret\"\n",
        redis.url()
    ));
    let users = |cmd: &mut Command| -> Vec<String> {
        let out = cmd.output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        json_lines(&out.stdout).iter().map(|r| r["user"].as_str().unwrap().to_string()).collect()
    };
    // The profile's server and prefix.
    assert_eq!(users(&mut setup.sessctl(&["--profile", "staging", "list", "-o", "json"])), ["alice"]);
    // SESSCTL_PREFIX beats the profile's prefix (same server).
    let mut cmd = setup.sessctl(&["--profile", "staging", "list", "-o", "json"]);
    cmd.env("SESSCTL_PREFIX", "session:");
    assert_eq!(users(&mut cmd), ["bob"]);
    // SESSCTL_REDIS_URL beats the profile's server, without a note on every command:
    // `config show` and `doctor` say so (issue 15, item 16).
    let other = RedisServer::start();
    let mut cmd = setup.sessctl(&["--profile", "staging", "list", "-o", "json"]);
    cmd.env("SESSCTL_REDIS_URL", other.url());
    let out = cmd.output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(json_lines(&out.stdout).is_empty(), "the other, empty server was listed");
    assert_eq!(stderr(&out), "", "no note on every command");
    let mut cmd = setup.sessctl(&["--profile", "staging"]);
    cmd.env("SESSCTL_REDIS_URL", other.url());
    let map = shown_full(cmd);
    assert_eq!(map["redis_url"]["overrides"], "profile staging", "{:?}", map["redis_url"]);
    assert_eq!(map["prefix"]["overrides"], Value::Null);

    // The secret: the profile's secret_file (relative to the config file), unless
    // SESSCTL_SECRET or SESSCTL_SECRET_FILE (or --secret-file) is set.
    let verifies_with = |cookie: &str, secret: &str| {
        let mut cmd = sessctl();
        cmd.env("SESSCTL_SECRET", secret).args(["verify", "--offline", cookie]);
        cmd.output().unwrap().status.code() == Some(0)
    };
    let mint = |cmd: &mut Command| -> String {
        cmd.args(["mint", "--user", "u", "--no-store"]);
        let out = cmd.output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        String::from_utf8(out.stdout).unwrap().trim().to_string()
    };
    let cookie = mint(&mut setup.sessctl(&["--profile", "staging"]));
    assert!(verifies_with(&cookie, SECRET_A), "signed with the profile's secret_file");
    let mut cmd = setup.sessctl(&["--profile", "staging"]);
    cmd.env("SESSCTL_SECRET", SECRET_B);
    assert!(verifies_with(&mint(&mut cmd), SECRET_B), "SESSCTL_SECRET beats the profile's secret_file");
    let mut cmd = setup.sessctl(&["--profile", "staging"]);
    cmd.env("SESSCTL_SECRET", SECRET_B).env("SESSCTL_SECRET_FILE", setup.dir.path().join("c.secret"));
    assert!(verifies_with(&mint(&mut cmd), SECRET_C), "SESSCTL_SECRET_FILE beats both");
    let mut cmd = setup.sessctl(&["--profile", "staging", "--secret-file"]);
    cmd.arg(setup.dir.path().join("c.secret")).env("SESSCTL_SECRET", SECRET_B);
    assert!(verifies_with(&mint(&mut cmd), SECRET_C), "--secret-file beats SESSCTL_SECRET");

    // config show never prints the secret, only where it comes from.
    let mut cmd = setup.sessctl(&["--profile", "staging", "config", "show"]);
    cmd.env("SESSCTL_SECRET", SECRET_B);
    let out = cmd.output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(!text.contains(SECRET_B) && !text.contains(SECRET_A), "{text}");
    assert!(
        text.lines().any(|l| l.starts_with("secret ") && l.contains("(redacted)") && l.contains("SESSCTL_SECRET")),
        "{text}"
    );
}

#[test]
fn the_file_is_found_in_xdg_config_home_then_in_home() {
    let xdg = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(xdg.path().join("sessctl")).unwrap();
    std::fs::write(xdg.path().join("sessctl/config.toml"), "default_profile = \"x\"\n[profiles.x]\nttl = \"5d\"\n")
        .unwrap();
    let mut cmd = sessctl();
    cmd.env("XDG_CONFIG_HOME", xdg.path());
    let map = shown(cmd);
    assert_eq!(origin(&map, "ttl"), ("5d".into(), "profile x".into()));
    assert_eq!(map["config_file"].0, xdg.path().join("sessctl/config.toml").display().to_string());

    let home = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(home.path().join(".config/sessctl")).unwrap();
    std::fs::write(
        home.path().join(".config/sessctl/config.toml"),
        "default_profile = \"h\"\n[profiles.h]\nttl = \"6d\"\n",
    )
    .unwrap();
    let mut cmd = sessctl();
    cmd.env_remove("XDG_CONFIG_HOME").env("HOME", home.path());
    assert_eq!(origin(&shown(cmd), "ttl"), ("6d".into(), "profile h".into()));

    // SESSCTL_CONFIG points elsewhere; --config beats it.
    let setup = Setup::new("default_profile = \"e\"\n[profiles.e]\nttl = \"4d\"\n");
    let mut cmd = sessctl();
    cmd.env("XDG_CONFIG_HOME", xdg.path()).env("SESSCTL_CONFIG", setup.file());
    let map = shown(cmd);
    assert_eq!(origin(&map, "ttl"), ("4d".into(), "profile e".into()));
    assert_eq!(origin(&map, "config_file").1, "env SESSCTL_CONFIG");
}

/// The one line of a usage error (exit 2).
fn refused(mut cmd: Command) -> String {
    let out = cmd.output().unwrap();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "exit 2 expected: {err}");
    assert_eq!(err.trim().lines().count(), 1, "one line: {err}");
    assert!(out.stdout.is_empty());
    err
}

#[test]
fn a_secret_written_in_the_file_unknown_keys_and_bad_values_are_refused() {
    let setup = Setup::new("[profiles.p]\nsecret = \"hunter2-hunter2-hunter2-hunter2\"\n");
    let err = refused(setup.sessctl(&["--profile", "p", "list"]));
    assert!(err.contains("secret_file") && err.contains(&setup.file().display().to_string()), "{err}");
    assert!(!err.contains("hunter2"), "the secret is not echoed: {err}");
    // Even when no command would read the secret, and without --profile.
    refused(setup.sessctl(&["config", "profiles"]));

    let setup = Setup::new("[profiles.p]\nredis_url = \"redis://x:1\"\ntls_certs = \"a.pem\"\n");
    let err = refused(setup.sessctl(&["list"]));
    assert!(err.contains("`tls_certs`") && err.contains(&setup.file().display().to_string()), "{err}");
    assert!(err.contains("line 3") && err.contains("did you mean tls_cert"), "{err}");

    let setup = Setup::new("[profiles.p]\nttl = \"7\"\n");
    let err = refused(setup.sessctl(&["--profile", "p", "list"]));
    assert!(err.contains("[profiles.p] ttl") && err.contains("unit") && err.contains("--ttl or SESSCTL_TTL"), "{err}");
    // A flag overrides the bad value (so an operator in a hurry is not stuck).
    let out = setup.sessctl(&["--profile", "p", "--ttl", "1d", "config", "show"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));

    let setup = Setup::new("[profiles.p\n");
    let err = refused(setup.sessctl(&["list"]));
    assert!(err.contains("line 1"), "{err}");

    let setup = Setup::new("[profiles.p]\nprefix = \"x:\"\n");
    let err = refused(setup.sessctl(&["--profile", "nope", "list"]));
    assert!(err.contains("no profile \"nope\"") && err.contains("it has p"), "{err}");
    let mut cmd = sessctl();
    cmd.args(["--config", "/nonexistent/sessctl.toml", "list"]);
    let err = refused(cmd);
    assert!(err.contains("/nonexistent/sessctl.toml") && err.contains("--config"), "{err}");
    let mut cmd = sessctl();
    cmd.args(["--profile", "prod", "list"]);
    let err = refused(cmd);
    assert!(err.contains("no config file"), "{err}");
    // Nothing connected: a bad config fails before any work (port 1 would refuse anyway).
}

#[test]
fn config_profiles_lists_the_profiles_with_the_default_and_the_chosen_one() {
    let setup = Setup::new(PROFILES);
    let mut cmd = setup.sessctl(&["--profile", "prod", "config", "profiles", "-o", "json"]);
    let out = cmd.output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let rows = json_lines(&out.stdout);
    let names: Vec<&str> = rows.iter().map(|r| r["profile"].as_str().unwrap()).collect();
    assert_eq!(names, ["prod", "staging"]);
    let row = |name: &str| rows.iter().find(|r| r["profile"] == name).unwrap().clone();
    assert_eq!(
        (row("staging")["default"].clone(), row("staging")["selected"].clone()),
        (Value::Bool(true), Value::Bool(false))
    );
    assert_eq!(
        (row("prod")["default"].clone(), row("prod")["selected"].clone()),
        (Value::Bool(false), Value::Bool(true))
    );
    assert_eq!(row("prod")["redis_url"], serde_json::json!(["redis://10.0.0.1:6379", "redis://10.0.0.2:6379"]));
    let secret_file = row("staging")["secret_file"].as_str().unwrap().to_string();
    assert_eq!(Path::new(&secret_file), setup.dir.path().join("a.secret"), "relative to the config file");

    // CSV: the JSON field names, lists flattened (no JSON in a cell).
    let out = setup.sessctl(&["config", "profiles", "-o", "csv"]).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(text.lines().next().unwrap(), "profile,default,selected,redis_url,secret_file,settings");
    assert!(text.contains("redis://10.0.0.1:6379 redis://10.0.0.2:6379"), "{text}");
    assert!(!text.contains('['), "{text}");
}

#[test]
fn config_profiles_without_a_file_says_how_to_write_one_and_names_only_docs_that_exist() {
    let home = tempfile::tempdir().unwrap();
    let mut cmd = sessctl();
    cmd.env("XDG_CONFIG_HOME", home.path()).args(["config", "profiles"]);
    let out = cmd.output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let err = String::from_utf8_lossy(&out.stderr).to_string();
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(err.contains("no config file") && err.contains("[profiles."), "{err}");
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    for doc in err.split(|c: char| c.is_whitespace() || "(),\"".contains(c)).filter(|w| w.starts_with("docs/")) {
        assert!(root.join(doc).exists(), "the message names {doc}, which is not in the repository: {err}");
    }
}

#[test]
fn config_show_checks_the_secret_it_reports_and_exits_1_when_it_cannot_be_used() {
    let setup =
        Setup::new("[profiles.p]\nsecret_file = \"a.secret\"\n[profiles.missing]\nsecret_file = \"nope.secret\"\n");
    // A usable file: what it holds, never the secret.
    let map = shown_full(setup.sessctl(&["--profile", "p"]));
    let secret = &map["secret"];
    assert_eq!(secret["value"], format!("(redacted) one secret of {} bytes, read from secret_file", SECRET_A.len()));
    assert_eq!(secret["problem"], Value::Null);

    let broken = |args: &[&str], env: &[(&str, &str)]| -> (Vec<Value>, String) {
        let mut cmd = setup.sessctl(args);
        cmd.envs(env.iter().copied()).args(["config", "show", "-o", "json"]);
        let out = cmd.output().unwrap();
        assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
        (json_lines(&out.stdout), stderr(&out))
    };
    // Missing: every row is still shown; the secret row says what is wrong.
    let (rows, err) = broken(&["--profile", "missing"], &[]);
    assert!(rows.len() > 15, "every setting shown: {rows:?}");
    let secret = rows.iter().find(|r| r["setting"] == "secret").unwrap();
    let problem = secret["problem"].as_str().unwrap();
    let path = setup.dir.path().join("nope.secret");
    assert!(problem.contains(&format!("\"{}\"", path.display())) && problem.contains("No such file"), "{problem}");
    assert!(!secret["value"].as_str().unwrap().contains("redacted"), "{secret}");
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(err.contains("secret cannot be used as shown"), "{err}");

    // Empty, a directory, too large, not a ring when a ring is asked for.
    let dir = setup.dir.path();
    std::fs::write(dir.join("empty.secret"), "").unwrap();
    std::fs::write(dir.join("big.secret"), vec![b'x'; 70 * 1024]).unwrap();
    for (file, expected) in [
        (dir.join("empty.secret"), "is empty"),
        (dir.to_path_buf(), "is a directory"),
        (dir.join("big.secret"), "larger than 64 KiB"),
    ] {
        let (rows, _) = broken(&["--secret-file", file.to_str().unwrap()], &[]);
        let secret = rows.iter().find(|r| r["setting"] == "secret").unwrap();
        assert!(secret["problem"].as_str().unwrap().contains(expected), "{expected}: {secret}");
    }
    let (rows, _) = broken(&["--profile", "p", "--secret-format", "ring"], &[]);
    let secret = rows.iter().find(|r| r["setting"] == "secret").unwrap();
    assert!(secret["problem"].is_string(), "{secret}");
    // SESSCTL_SECRET is parsed too.
    let (rows, _) = broken(&[], &[("SESSCTL_SECRET", "not a ring"), ("SESSCTL_SECRET_FORMAT", "ring")]);
    let secret = rows.iter().find(|r| r["setting"] == "secret").unwrap();
    assert!(secret["problem"].is_string() && !secret["problem"].as_str().unwrap().contains("not a ring"), "{secret}");

    // The table flags the row and keeps the others.
    let mut cmd = setup.sessctl(&["--profile", "missing", "config", "show"]);
    let out = cmd.output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.lines().any(|l| l.starts_with("secret ") && l.contains("BROKEN: cannot read")), "{text}");
    assert!(text.lines().any(|l| l.starts_with("prefix ")), "{text}");
}
