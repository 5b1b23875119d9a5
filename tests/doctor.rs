//! `sessctl doctor` through the real binary against real redis-server processes: a healthy
//! setup, a server that is down, weak secrets, secret files others can read, key rings. The
//! secret never appears in what doctor prints.

mod support;

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;
use support::*;

/// A strong secret (what `sessctl gen-secret` prints).
const STRONG: &str = "Jp0c1Gv0xXcQy5z3mS9kq2R8fT4uW7eL6aHbN1dVY3o";

fn secret_file(dir: &Path, content: &str, mode: u32) -> PathBuf {
    let path = dir.join("cookie_secret");
    std::fs::write(&path, format!("{content}\n")).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).unwrap();
    path
}

fn doctor(url: &str, setup: impl FnOnce(&mut Command)) -> Output {
    let mut cmd = sessctl();
    cmd.args(["doctor", "-o", "json", "-r", url, "--timeout", "5s"]);
    setup(&mut cmd);
    cmd.output().unwrap()
}

fn checks(out: &Output) -> Vec<Value> {
    let records = json_lines(&out.stdout);
    for record in &records {
        let mut keys: Vec<&String> = record.as_object().unwrap().keys().collect();
        keys.sort();
        assert_eq!(keys, ["check", "detail", "hint", "status"], "{record}");
        assert!(["ok", "warn", "fail"].contains(&record["status"].as_str().unwrap()), "{record}");
        assert!(record["detail"].as_str().is_some_and(|d| !d.is_empty()), "{record}");
        // A check that is not ok says what to do.
        assert_eq!(record["hint"].is_string(), record["status"] != "ok", "{record}");
    }
    records
}

fn row<'a>(records: &'a [Value], name: &str) -> &'a Value {
    records.iter().find(|r| r["check"] == name).unwrap_or_else(|| panic!("no {name} row in {records:?}"))
}

fn context(out: &Output) -> String {
    format!(
        "exit {:?}\nstdout:\n{}\nstderr:\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

fn assert_never_printed(out: &Output, secret: &str) {
    let all = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(!all.contains(secret), "doctor printed the secret:\n{all}");
}

#[test]
fn a_healthy_setup_passes_every_check_and_exits_0() {
    let redis = RedisServer::start();
    redis.pipe(&sessions_protocol("session:", 50, 5));
    let dir = tempfile::tempdir().unwrap();
    let file = secret_file(dir.path(), STRONG, 0o600);
    let out = doctor(&redis.url(), |cmd| {
        cmd.arg("--secret-file").arg(&file);
    });
    assert_eq!(out.status.code(), Some(0), "{}", context(&out));
    let records = checks(&out);
    for name in ["secret", "secret-file", "secret-strength", "key-ring", "redis", "topology", "tls"] {
        assert_eq!(row(&records, name)["status"], "ok", "{name}: {}", context(&out));
    }
    assert!(row(&records, "secret-file")["detail"].as_str().unwrap().contains("mode 0600"));
    assert!(row(&records, "topology")["detail"].as_str().unwrap().contains(&format!("127.0.0.1:{}", redis.port)));
    assert_never_printed(&out, STRONG);

    // The table says the same, row by row, and ends with the counts.
    let mut cmd = sessctl();
    cmd.args(["doctor", "-r", &redis.url(), "--secret-file"]).arg(&file);
    let out = cmd.output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", context(&out));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.lines().any(|l| l.starts_with("ok    redis ")), "{text}");
    assert!(text.trim_end().ends_with("0 warnings, 0 failed"), "{text}");
    assert_never_printed(&out, STRONG);

    // CSV has the JSON field names as its header.
    let mut cmd = sessctl();
    cmd.args(["doctor", "-o", "csv", "-r", &redis.url(), "--secret-file"]).arg(&file);
    let out = cmd.output().unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("check,status,detail,hint\n"), "{}", context(&out));
}

#[test]
fn a_server_that_is_down_fails_the_redis_check_and_exits_1() {
    let port = free_port();
    let url = format!("redis://127.0.0.1:{port}/0");
    let out = doctor(&url, |cmd| {
        cmd.env("SESSCTL_SECRET", STRONG);
    });
    assert_eq!(out.status.code(), Some(1), "{}", context(&out));
    let records = checks(&out);
    let redis = row(&records, "redis");
    assert_eq!(redis["status"], "fail");
    assert!(redis["detail"].as_str().unwrap().contains(&format!("127.0.0.1:{port}")), "{redis}");
    assert!(redis["detail"].as_str().unwrap().contains("connection refused"), "{redis}");
    // The secret checks still ran; the checks that need the server are left out.
    assert_eq!(row(&records, "secret-strength")["status"], "ok");
    assert!(records.iter().all(|r| r["check"] != "topology"), "{records:?}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.trim().lines().count(), 1, "one line on stderr: {err}");
    assert!(err.contains("1 of") && err.contains("redis"), "{err}");
}

#[test]
fn weak_secrets_fail_without_being_printed() {
    let redis = RedisServer::start();
    for weak in [
        "super-secret-key",
        "YOUR_SECRET_KEY",
        "secret",
        "__TODO:_GENERATE_YOUR_OWN_RANDOM_VALUE_HERE__",
        "61oETzKXQAGaYdkL5gEmGeJJFuYh7EQnp2XdTP1o/Vo=",
        "django-insecure-x8#k2@p9!m4^v7&q1*w5(e3)r6_t0+y2=u",
        "tiny",
    ] {
        let out = doctor(&redis.url(), |cmd| {
            cmd.env("SESSCTL_SECRET", weak);
        });
        assert_eq!(out.status.code(), Some(1), "{weak}: {}", context(&out));
        let records = checks(&out);
        assert_eq!(row(&records, "secret-strength")["status"], "fail", "{weak}: {}", context(&out));
        assert_eq!(row(&records, "redis")["status"], "ok");
        // ("secret" and "tiny" are words doctor uses anyway.)
        if weak.len() > 6 {
            assert_never_printed(&out, weak);
        }
    }
    // 20 random-looking bytes: a warning, not a failure (exit 0).
    let out = doctor(&redis.url(), |cmd| {
        cmd.env("SESSCTL_SECRET", "k3Jd8sPq0Lx7Vb2Nm5Rt");
    });
    assert_eq!(out.status.code(), Some(0), "{}", context(&out));
    let strength = row(&checks(&out), "secret-strength").clone();
    assert_eq!(strength["status"], "warn");
    assert!(strength["detail"].as_str().unwrap().contains("20 bytes"), "{strength}");
    // Every version of a ring counts: an old weak version still signs valid cookies.
    let ring = format!(r#"{{"0": "changeme", "1": "{STRONG}"}}"#);
    let out = doctor(&redis.url(), |cmd| {
        cmd.env("SESSCTL_SECRET", &ring);
    });
    assert_eq!(out.status.code(), Some(1), "{}", context(&out));
    let strength = row(&checks(&out), "secret-strength").clone();
    assert!(strength["detail"].as_str().unwrap().starts_with("version 0 is a published value"), "{strength}");
    assert_never_printed(&out, STRONG);
    assert_never_printed(&out, "changeme");
}

#[test]
fn a_secret_file_others_can_read_fails_and_one_its_group_can_read_warns() {
    let redis = RedisServer::start();
    let dir = tempfile::tempdir().unwrap();
    for (mode, expected, code) in [
        (0o644, "fail", 1),
        (0o604, "fail", 1),
        (0o602, "fail", 1),
        (0o660, "warn", 0),
        (0o640, "warn", 0),
        (0o400, "ok", 0),
    ] {
        let file = secret_file(dir.path(), STRONG, mode);
        let out = doctor(&redis.url(), |cmd| {
            cmd.env("SESSCTL_SECRET_FILE", &file);
        });
        assert_eq!(out.status.code(), Some(code), "mode {mode:o}: {}", context(&out));
        let records = checks(&out);
        let check = row(&records, "secret-file");
        assert_eq!(check["status"], expected, "mode {mode:o}: {check}");
        assert!(check["detail"].as_str().unwrap().contains(&format!("{mode:04o}")), "{check}");
        if expected == "fail" {
            assert!(check["hint"].as_str().unwrap().contains("chmod 600"), "{check}");
        }
        assert_never_printed(&out, STRONG);
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
    // A secret from the environment has no file to check.
    let out = doctor(&redis.url(), |cmd| {
        cmd.env("SESSCTL_SECRET", STRONG);
    });
    assert!(checks(&out).iter().all(|r| r["check"] != "secret-file"));
}

#[test]
fn no_secret_or_a_broken_one_fails_the_secret_check() {
    let redis = RedisServer::start();
    let out = doctor(&redis.url(), |_| {});
    assert_eq!(out.status.code(), Some(1), "{}", context(&out));
    let records = checks(&out);
    let secret = row(&records, "secret");
    assert_eq!(secret["status"], "fail");
    assert!(secret["hint"].as_str().unwrap().contains("SESSCTL_SECRET_FILE"), "{secret}");
    assert_eq!(row(&records, "redis")["status"], "ok", "the Redis checks run regardless");

    let dir = tempfile::tempdir().unwrap();
    let out = doctor(&redis.url(), |cmd| {
        cmd.env("SESSCTL_SECRET_FILE", dir.path().join("missing"));
    });
    assert_eq!(out.status.code(), Some(1));
    let records = checks(&out);
    assert!(row(&records, "secret")["detail"].as_str().unwrap().contains("cannot read the secret file"), "{records:?}");
}

#[test]
fn the_key_ring_check_names_the_versions_and_the_signing_one() {
    let redis = RedisServer::start();
    let other = "Qm7xW2pL9vR4tY8kN3cF6hJ1sD5gA0zE2bU7iO4eT9w";
    let ring = format!(r#"{{"1": "{STRONG}", "2": "{other}"}}"#);
    let run = |key_version: Option<&str>| {
        doctor(&redis.url(), |cmd| {
            cmd.env("SESSCTL_SECRET", &ring);
            if let Some(v) = key_version {
                cmd.env("SESSCTL_KEY_VERSION", v);
            }
        })
    };
    let out = run(None);
    assert_eq!(out.status.code(), Some(0), "{}", context(&out));
    let check = row(&checks(&out), "key-ring").clone();
    assert_eq!(check["status"], "ok");
    assert_eq!(check["detail"], "versions 1, 2; sessctl signs with 2 (the highest)");
    let out = run(Some("1"));
    assert_eq!(out.status.code(), Some(0), "a warning does not fail: {}", context(&out));
    assert_eq!(row(&checks(&out), "key-ring")["status"], "warn");
    let out = run(Some("7"));
    assert_eq!(out.status.code(), Some(1), "{}", context(&out));
    let check = row(&checks(&out), "key-ring").clone();
    assert_eq!(check["status"], "fail");
    assert!(check["detail"].as_str().unwrap().contains("key version 7 is not in the key ring"), "{check}");
    assert_never_printed(&out, STRONG);
    assert_never_printed(&out, other);
}
