//! `sessctl doctor` through the real binary against real redis-server processes: a healthy
//! setup, a server that is down, weak secrets, secret files others can read, key rings. The
//! secret never appears in what doctor prints.

use crate::support;

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
    let names: Vec<&str> = records.iter().map(|r| r["check"].as_str().unwrap()).collect();
    assert_eq!(
        names,
        [
            "secret",
            "secret-file",
            "secret-strength",
            "key-ring",
            "redis",
            "latency",
            "topology",
            "tls",
            "permissions",
            "snapshot",
            "replicas",
            "sessions",
            "no-ttl",
            "malformed",
            "non-string"
        ],
        "{}",
        context(&out)
    );
    for name in names {
        assert_eq!(row(&records, name)["status"], "ok", "{name}: {}", context(&out));
    }
    let detail = |name: &str| row(&records, name)["detail"].as_str().unwrap().to_string();
    assert!(detail("secret-file").contains("mode 0600"));
    assert!(detail("topology").contains(&format!("127.0.0.1:{}", redis.port)));
    let info = redis.cli(&["INFO", "server"]);
    let field = |name: &str| info.lines().find_map(|l| l.strip_prefix(name)).map(|v| v.trim().to_string());
    // Valkey names itself (its redis_version, 7.2.4, is the Redis it is compatible with).
    let version = match field("valkey_version:") {
        Some(valkey) => format!("Valkey {valkey}"),
        None => format!("Redis {}", field("redis_version:").unwrap()),
    };
    assert!(detail("redis").starts_with(&format!("{version}, connected to")), "{}", detail("redis"));
    assert!(detail("snapshot").starts_with("--snapshot possible"), "{}", detail("snapshot"));
    assert!(detail("replicas").starts_with("no replica connected to the primary"), "{}", detail("replicas"));
    assert!(detail("latency").contains(" ms median"), "{}", detail("latency"));
    for command in ["SCAN", "GET", "PTTL", "TYPE", "SCRIPT LOAD", "EVALSHA"] {
        assert!(detail("permissions").contains(command), "{}", detail("permissions"));
    }
    assert_eq!(detail("sessions"), "50 session key(s) under session: (all 50 keys of 1 primary examined)");
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

/// Starts a server that answers DEBUG DIGEST (a hash of the whole dataset).
fn server_with_digest() -> RedisServer {
    RedisServer::start_with(RedisOptions {
        extra: vec!["--enable-debug-command".into(), "yes".into()],
        ..Default::default()
    })
}

#[test]
fn an_acl_user_without_script_load_fails_the_permissions_check_and_nothing_changes() {
    let redis = server_with_digest();
    redis.pipe(&sessions_protocol("session:", 200, 10));
    redis.cli(&["ACL", "SETUSER", "noload", "on", ">pw", "~*", "+@all", "-script|load"]);
    let before = redis.cli(&["DEBUG", "DIGEST"]);
    let url = format!("redis://noload:pw@127.0.0.1:{}/0", redis.port);
    let out = doctor(&url, |cmd| {
        cmd.env("SESSCTL_SECRET", STRONG);
    });
    assert_eq!(out.status.code(), Some(1), "{}", context(&out));
    let records = checks(&out);
    let permissions = row(&records, "permissions");
    assert_eq!(permissions["status"], "fail", "{permissions}");
    let detail = permissions["detail"].as_str().unwrap();
    assert!(detail.starts_with("SCRIPT LOAD refused") && detail.contains("NOPERM"), "{detail}");
    assert!(detail.contains("needed by revoke, cleanup"), "{detail}");
    for allowed in ["SCAN", "GET ", "PTTL", "TYPE", "EVALSHA", "DEL", "EXPIRE"] {
        assert!(!detail.contains(&format!("{allowed} refused")), "{allowed} is allowed: {detail}");
    }
    assert!(permissions["hint"].as_str().unwrap().contains("+script|load"), "{permissions}");
    // The other checks ran, and the password is not shown.
    assert_eq!(row(&records, "redis")["status"], "ok");
    assert_eq!(row(&records, "sessions")["status"], "ok");
    assert!(!String::from_utf8_lossy(&out.stdout).contains(":pw@"), "{}", context(&out));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("1 of") && err.contains("(permissions)"), "{err}");
    assert_eq!(redis.cli(&["DEBUG", "DIGEST"]), before, "doctor changed the data");

    // A read-only user: every write sessctl sends is named, each with what needs it.
    redis.cli(&["ACL", "SETUSER", "reader", "on", ">pw", "~*", "+@read", "+scan", "+ping", "+info", "+dbsize"]);
    let url = format!("redis://reader:pw@127.0.0.1:{}/0", redis.port);
    let out = doctor(&url, |cmd| {
        cmd.env("SESSCTL_SECRET", STRONG);
    });
    assert_eq!(out.status.code(), Some(1), "{}", context(&out));
    let records = checks(&out);
    let detail = row(&records, "permissions")["detail"].as_str().unwrap().to_string();
    for (command, needed_by) in
        [("SET", "mint"), ("DEL", "revoke"), ("EXPIRE", "cleanup --no-ttl fix"), ("EVALSHA", "revoke")]
    {
        assert!(detail.contains(&format!("{command} refused")), "{command}: {detail}");
        assert!(detail.contains(needed_by), "{detail}");
    }
    assert!(!detail.contains("GET refused") && !detail.contains("SCAN refused"), "{detail}");
    assert_eq!(redis.cli(&["DEBUG", "DIGEST"]), before, "doctor changed the data");
}

#[test]
fn a_user_whose_keys_do_not_cover_the_prefix_fails() {
    let redis = RedisServer::start();
    redis.cli(&["ACL", "SETUSER", "elsewhere", "on", ">pw", "~cache:*", "+@all"]);
    let url = format!("redis://elsewhere:pw@127.0.0.1:{}/0", redis.port);
    let out = doctor(&url, |cmd| {
        cmd.env("SESSCTL_SECRET", STRONG);
    });
    assert_eq!(out.status.code(), Some(1), "{}", context(&out));
    let records = checks(&out);
    let permissions = row(&records, "permissions");
    let detail = permissions["detail"].as_str().unwrap();
    assert!(detail.contains("GET refused") && detail.contains("TYPE refused"), "{detail}");
    assert!(permissions["hint"].as_str().unwrap().contains("~session:*"), "{permissions}");
}

#[test]
fn the_population_is_exact_on_a_small_keyspace_and_a_bounded_estimate_on_a_large_one() {
    let redis = server_with_digest();
    // 3,000 sessions with a TTL, 30 without, 10 hashes under the prefix, 2,000 other keys.
    // (The 30 have ids of the app's shape: a key such as `session:persistent0` is malformed,
    // which cleanup never touches, so doctor counts it as such, not as a session without TTL.)
    redis.pipe(&sessions_protocol("session:", 3_000, 100));
    let mut odd = Vec::new();
    for i in 0..30 {
        odd.extend(resp(&[b"SET", format!("session:{}", session_id(100_000 + i)).as_bytes(), b"u"]));
    }
    for i in 0..10 {
        odd.extend(resp(&[b"HSET", format!("session:hash{i}").as_bytes(), b"f", b"v"]));
    }
    odd.extend(sessions_protocol("cache:", 2_000, 1));
    redis.pipe(&odd);
    let before = redis.cli(&["DEBUG", "DIGEST"]);
    let out = doctor(&redis.url(), |cmd| {
        cmd.env("SESSCTL_SECRET", STRONG);
    });
    assert_eq!(out.status.code(), Some(0), "warnings only: {}", context(&out));
    let records = checks(&out);
    let detail = |name: &str| row(&records, name)["detail"].as_str().unwrap().to_string();
    assert_eq!(detail("sessions"), "3,030 session key(s) under session: (all 5,040 keys of 1 primary examined)");
    assert_eq!(row(&records, "no-ttl")["status"], "warn");
    assert_eq!(detail("no-ttl"), "30 of 3,030 sessions have no TTL (1.0%)");
    assert!(row(&records, "no-ttl")["hint"].as_str().unwrap().contains("cleanup --no-ttl fix"));
    assert_eq!(row(&records, "non-string")["status"], "warn");
    assert_eq!(detail("non-string"), "10 key(s) under session: are not strings (hash, list, …)");

    // A sample of 1,000 keys per primary: estimated, and said so.
    let out = doctor(&redis.url(), |cmd| {
        cmd.env("SESSCTL_SECRET", STRONG).args(["--sample", "1000"]);
    });
    let records = checks(&out);
    let sessions = row(&records, "sessions")["detail"].as_str().unwrap().to_string();
    assert!(sessions.contains("of 5,040 keys SCAN returned on 1 primary"), "{sessions}");
    let estimate: u64 = sessions
        .strip_prefix("about ")
        .unwrap_or_else(|| panic!("an estimate: {sessions}"))
        .split(' ')
        .next()
        .unwrap()
        .replace(',', "")
        .parse()
        .unwrap();
    // About 60% of the keys are sessions; a sample of 1,000 puts the estimate within a few
    // percent of 3,030 (the bounds are many standard errors wide).
    assert!((2_400..=3_700).contains(&estimate), "{sessions}");
    assert_eq!(redis.cli(&["DEBUG", "DIGEST"]), before, "doctor changed the data");

    // The wrong prefix: nothing there, said as a warning with the flag to check.
    let out = doctor(&redis.url(), |cmd| {
        cmd.env("SESSCTL_SECRET", STRONG).env("SESSCTL_PREFIX", "sess:");
    });
    let records = checks(&out);
    let sessions = row(&records, "sessions");
    assert_eq!(sessions["status"], "warn", "{sessions}");
    assert!(sessions["hint"].as_str().unwrap().contains("--prefix"), "{sessions}");
    assert!(records.iter().all(|r| r["check"] != "no-ttl"), "{records:?}");
}

#[test]
fn a_cluster_lists_its_primaries_and_counts_over_all_of_them() {
    let cluster = RedisCluster::start();
    // redis-cli -c routes each key to the primary of its slot.
    let mut cmds = String::new();
    for i in 0..300 {
        cmds.push_str(&format!("SET session:{} u{} EX 600\n", session_id(i), i % 7));
    }
    let mut child = support::cli_command()
        .args(["-c", "-p", &cluster.nodes[0].port.to_string()])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    std::io::Write::write_all(child.stdin.as_mut().unwrap(), cmds.as_bytes()).unwrap();
    drop(child.stdin.take());
    assert!(child.wait().unwrap().success());
    assert_eq!(cluster.dbsize(), 300);
    let mut cmd = sessctl();
    cmd.env("SESSCTL_SECRET", STRONG).args(["doctor", "-o", "json"]);
    for url in cluster.urls() {
        cmd.args(["-r", &url]);
    }
    let out = cmd.output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", context(&out));
    let records = checks(&out);
    let topology = row(&records, "topology")["detail"].as_str().unwrap().to_string();
    assert!(topology.starts_with("cluster of 3 primaries: "), "{topology}");
    for node in &cluster.nodes {
        assert!(topology.contains(&format!("127.0.0.1:{}", node.port)), "{topology}");
    }
    assert_eq!(
        row(&records, "sessions")["detail"],
        "300 session key(s) under session: (all 300 keys of 3 primaries examined)"
    );
    assert_eq!(row(&records, "permissions")["status"], "ok");
    assert_eq!(cluster.dbsize(), 300);
}

#[test]
fn keys_the_acl_does_not_let_the_user_read_are_said_to_be_unreadable_not_absent() {
    let redis = RedisServer::start();
    redis.pipe(&sessions_protocol("session:", 20, 4));
    redis.cli(&["ACL", "SETUSER", "other", "on", ">pw", "~other:*", "+@all"]);
    let url = format!("redis://other:pw@127.0.0.1:{}/0", redis.port);
    let out = doctor(&url, |cmd| {
        cmd.env("SESSCTL_SECRET", STRONG);
    });
    assert_eq!(out.status.code(), Some(1), "{}", context(&out));
    let records = checks(&out);
    let sessions = row(&records, "sessions");
    assert_eq!(sessions["status"], "fail", "{sessions}");
    let detail = sessions["detail"].as_str().unwrap();
    assert!(!detail.contains("no keys"), "{detail}");
    assert!(
        detail.starts_with("20 key(s) under session: cannot be read")
            && detail.contains("ACL key patterns do not cover session:")
            && detail.contains("NOPERM"),
        "{detail}"
    );
    assert!(sessions["hint"].as_str().unwrap().contains("~session:*"), "{sessions}");
    // The permissions row says the same: the keys, not the commands, are refused.
    let hint = row(&records, "permissions")["hint"].as_str().unwrap();
    assert!(hint.contains("key patterns do not cover the prefix") && !hint.contains("+get"), "{hint}");
}

#[test]
fn doctor_stats_and_cleanup_agree_on_each_category_and_the_no_ttl_hint_fixes_the_keys() {
    let redis = RedisServer::start();
    let id = |i: u64| session_id(500 + i);
    let mut keys = Vec::new();
    // Two sessions with a TTL, three of the app's shape without one.
    keys.extend(resp(&[b"SETEX", format!("session:{}", id(0)).as_bytes(), b"600", b"alice"]));
    keys.extend(resp(&[b"SETEX", format!("session:{}", id(1)).as_bytes(), b"600", b"bob"]));
    for i in 2..5 {
        keys.extend(resp(&[b"SET", format!("session:{}", id(i)).as_bytes(), b"carol"]));
    }
    // Malformed: a short id without TTL (the issue's key), a short id with TTL, an empty user.
    keys.extend(resp(&[b"SET", b"session:not-a-token", b"dave"]));
    keys.extend(resp(&[b"SETEX", b"session:short", b"600", b"erin"]));
    keys.extend(resp(&[b"SET", format!("session:{}", id(9)).as_bytes(), b""]));
    // Not a string.
    keys.extend(resp(&[b"HSET", b"session:hash", b"f", b"v"]));
    redis.pipe(&keys);

    let counts = |record: &Value| -> (u64, u64, u64) {
        (
            record["no_ttl"].as_u64().unwrap(),
            record["malformed"].as_u64().unwrap(),
            record["non_string"].as_u64().unwrap(),
        )
    };
    let summary = |args: &[&str]| -> Value {
        let mut cmd = sessctl();
        cmd.args(args).args(["-o", "json", "-r", &redis.url()]);
        let out = cmd.output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{args:?}: {}", context(&out));
        json_lines(&out.stdout).pop().unwrap()
    };
    let stats = summary(&["stats"]);
    let cleanup = summary(&["cleanup", "--dry-run"]);
    assert_eq!(counts(&stats), (3, 3, 1), "{stats}");
    assert_eq!(counts(&cleanup), counts(&stats), "{cleanup}");

    let out = doctor(&redis.url(), |cmd| {
        cmd.env("SESSCTL_SECRET", STRONG);
    });
    let records = checks(&out);
    let detail = |records: &[Value], name: &str| row(records, name)["detail"].as_str().unwrap().to_string();
    assert!(detail(&records, "no-ttl").starts_with("3 of 8 sessions have no TTL"), "{}", context(&out));
    assert!(detail(&records, "malformed").starts_with("3 key(s) under session:"), "{}", context(&out));
    assert!(detail(&records, "non-string").starts_with("1 key(s)"), "{}", context(&out));

    // Doctor's hint, followed: cleanup --no-ttl fix gives exactly those three a TTL.
    let hint = row(&records, "no-ttl")["hint"].as_str().unwrap().to_string();
    assert!(hint.contains("`sessctl cleanup --no-ttl fix`"), "{hint}");
    let fixed = summary(&["cleanup", "--no-ttl", "fix"]);
    assert_eq!(fixed["fixed"], 3, "{fixed}");
    for i in 2..5 {
        let ttl: i64 = redis.cli(&["TTL", &format!("session:{}", id(i))]).parse().unwrap();
        assert!(ttl > 600_000, "session {i} got the session TTL: {ttl}");
    }
    // Malformed keys are left as they were.
    assert_eq!(redis.cli(&["TTL", "session:not-a-token"]), "-1");
    let out = doctor(&redis.url(), |cmd| {
        cmd.env("SESSCTL_SECRET", STRONG);
    });
    let records = checks(&out);
    assert_eq!(row(&records, "no-ttl")["status"], "ok", "{}", context(&out));
    assert_eq!(counts(&summary(&["stats"])), (0, 3, 1));
}

#[test]
fn placeholder_secrets_fail_and_random_ones_pass_the_strength_estimate() {
    let redis = RedisServer::start();
    let dir = tempfile::tempdir().unwrap();
    for placeholder in [
        "CHANGE_THIS_SECRET_KEY_IN_PRODUCTION_12345",
        "your_cookie_secret_here_please_make_it_long",
        "12345678901234567890123456789012",
        "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
    ] {
        let file = secret_file(dir.path(), placeholder, 0o600);
        let out = doctor(&redis.url(), |cmd| {
            cmd.arg("--secret-file").arg(&file);
        });
        assert_eq!(out.status.code(), Some(1), "{placeholder}: {}", context(&out));
        let strength = row(&checks(&out), "secret-strength").clone();
        assert_eq!(strength["status"], "fail", "{placeholder}: {strength}");
        assert!(strength["detail"].as_str().unwrap().contains("zxcvbn"), "{strength}");
        assert_never_printed(&out, placeholder);
    }
    // What gen-secret prints (32 random bytes), and 64 hex digits made from it, pass.
    for _ in 0..5 {
        let out = sessctl().arg("gen-secret").output().unwrap();
        let generated = String::from_utf8(out.stdout).unwrap().trim().to_string();
        let raw = generated.as_bytes().iter().fold(String::new(), |mut s, b| {
            s.push_str(&format!("{b:02x}"));
            s
        });
        for secret in [generated.clone(), raw[..64].to_string()] {
            let file = secret_file(dir.path(), &secret, 0o600);
            let out = doctor(&redis.url(), |cmd| {
                cmd.arg("--secret-file").arg(&file);
            });
            let strength = row(&checks(&out), "secret-strength").clone();
            assert_eq!(strength["status"], "ok", "{secret}: {strength}");
        }
    }
}

#[test]
fn a_secret_file_ending_in_a_blank_line_warns_that_the_bytes_may_differ_from_the_app() {
    let redis = RedisServer::start();
    let dir = tempfile::tempdir().unwrap();
    // secret_file() adds one newline (removed when read); this one has a blank line too.
    let file = secret_file(dir.path(), &format!("{STRONG}\n"), 0o600);
    let out = doctor(&redis.url(), |cmd| {
        cmd.arg("--secret-file").arg(&file);
    });
    assert_eq!(out.status.code(), Some(0), "a warning: {}", context(&out));
    let records = checks(&out);
    let text = row(&records, "secret-text");
    assert_eq!(text["status"], "warn", "{text}");
    let detail = text["detail"].as_str().unwrap();
    assert!(detail.contains("ends with whitespace") && detail.contains("bad_signature"), "{detail}");
    assert_eq!(row(&records, "secret-strength")["status"], "ok");
    assert_never_printed(&out, STRONG);
    // Without it, no such row.
    let file = secret_file(dir.path(), STRONG, 0o600);
    let out = doctor(&redis.url(), |cmd| {
        cmd.arg("--secret-file").arg(&file);
    });
    assert!(checks(&out).iter().all(|r| r["check"] != "secret-text"), "{}", context(&out));
}

#[test]
fn a_redis_password_in_a_config_file_others_can_read_fails_and_every_command_warns() {
    let redis = RedisServer::start_with(RedisOptions { password: Some("hunter2pw".into()), ..Default::default() });
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("sessctl.toml");
    std::fs::write(&config, format!("[profiles.prod]\nredis_url = \"{}\"\n", redis.url())).unwrap();
    std::fs::set_permissions(&config, std::fs::Permissions::from_mode(0o644)).unwrap();
    let run = |args: &[&str]| {
        let mut cmd = sessctl();
        cmd.env("SESSCTL_SECRET", STRONG).arg("--config").arg(&config).args(["--profile", "prod"]).args(args);
        cmd.output().unwrap()
    };
    let out = run(&["doctor", "-o", "json"]);
    assert_eq!(out.status.code(), Some(1), "{}", context(&out));
    let records = checks(&out);
    let row = row(&records, "config-file");
    assert_eq!(row["status"], "fail", "{row}");
    let shown = format!("\"{}\"", config.display());
    assert!(row["detail"].as_str().unwrap().contains(&shown), "{row}");
    assert!(row["hint"].as_str().unwrap().contains(&format!("chmod 600 {shown}")), "{row}");
    assert!(!String::from_utf8_lossy(&out.stdout).contains("hunter2pw"), "{}", context(&out));
    // Every command that uses the file warns, in one line naming it and chmod 600.
    for args in [&["list"][..], &["stats", "-q"], &["config", "show"]] {
        let out = run(args);
        let err = stderr(&out);
        let warning: Vec<&str> = err.lines().filter(|l| l.contains("holds a Redis password")).collect();
        assert_eq!(warning.len(), 1, "{args:?}: {err}");
        assert!(
            warning[0].contains(&shown) && warning[0].contains("chmod 600") && warning[0].contains("mode 0644"),
            "{err}"
        );
        assert!(!err.contains("hunter2pw"), "{err}");
    }
    // chmod 600: no warning, and the check passes.
    std::fs::set_permissions(&config, std::fs::Permissions::from_mode(0o600)).unwrap();
    let out = run(&["list"]);
    assert!(!stderr(&out).contains("Redis password"), "{}", context(&out));
    let out = run(&["doctor", "-o", "json"]);
    let records = checks(&out);
    assert_eq!(records.iter().find(|r| r["check"] == "config-file").unwrap()["status"], "ok");
}

#[test]
fn overrides_of_the_profile_are_shown_by_doctor() {
    let redis = RedisServer::start();
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("sessctl.toml");
    let file = secret_file(dir.path(), STRONG, 0o600);
    std::fs::write(&config, "[profiles.prod]\nredis_url = \"redis://127.0.0.1:1/0\"\nsecret_file = \"elsewhere\"\n")
        .unwrap();
    std::fs::set_permissions(&config, std::fs::Permissions::from_mode(0o600)).unwrap();
    let mut cmd = sessctl();
    cmd.arg("--config").arg(&config).args(["--profile", "prod", "doctor", "-o", "json"]);
    cmd.env("SESSCTL_REDIS_URL", redis.url()).env("SESSCTL_SECRET_FILE", &file);
    let out = cmd.output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", context(&out));
    let records = checks(&out);
    let detail = |name: &str| row(&records, name)["detail"].as_str().unwrap().to_string();
    assert!(
        detail("redis").ends_with("(from SESSCTL_REDIS_URL, over the redis_url of profile prod)"),
        "{}",
        detail("redis")
    );
    assert!(
        detail("secret").ends_with("(from SESSCTL_SECRET_FILE, over the secret_file of profile prod)"),
        "{}",
        detail("secret")
    );
    // And no note about it on stderr.
    assert!(!stderr(&out).contains("overrides"), "{}", context(&out));
}

/// The product as INFO names it (`Redis 7.0.15`, `Valkey 8.1.8` rather than Valkey's
/// compatibility `redis_version:7.2.4`). Valkey's INFO text, captured from valkey-server 8.1.8,
/// is parsed in the unit test `store::probe::tests::the_version_is_read_from_info`; here, the
/// server the tests run.
#[test]
fn doctor_names_the_product_and_version_the_server_reports() {
    let redis = RedisServer::start();
    let out = doctor(&redis.url(), |cmd| {
        cmd.env("SESSCTL_SECRET", STRONG);
    });
    let records = checks(&out);
    let info = redis.cli(&["INFO", "server"]);
    let field = |name: &str| info.lines().find_map(|l| l.strip_prefix(name)).map(|v| v.trim().to_string());
    let expected = match (field("server_name:").as_deref(), field("valkey_version:")) {
        (Some("valkey"), Some(version)) => format!("Valkey {version}"),
        _ => format!("Redis {}", field("redis_version:").unwrap()),
    };
    let detail = row(&records, "redis")["detail"].as_str().unwrap().to_string();
    assert!(detail.starts_with(&format!("{expected}, connected to")), "{detail}");
}
