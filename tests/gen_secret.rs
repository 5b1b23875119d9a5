//! `sessctl gen-secret`: new secrets from the OS generator, and key rings with a new version
//! (the rotation itself is walked through against the real Tornado app in e2e_tornado.rs).

use crate::support;

use std::collections::HashSet;

use support::*;

fn gen(args: &[&str], secret: Option<&str>) -> std::process::Output {
    let mut cmd = sessctl();
    if let Some(secret) = secret {
        cmd.env("SESSCTL_SECRET", secret);
    }
    cmd.arg("gen-secret").args(args).output().unwrap()
}

#[test]
fn each_secret_is_new_url_safe_and_at_least_43_characters() {
    let mut seen = HashSet::new();
    for _ in 0..20 {
        let out = gen(&[], None);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let text = String::from_utf8(out.stdout).unwrap();
        let secret = text.strip_suffix('\n').expect("one line");
        assert_eq!(secret.len(), 43, "{secret}");
        assert!(secret.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_'), "{secret}");
        assert!(seen.insert(secret.to_string()), "a repeated secret");
    }
    let out = gen(&["--bytes", "64"], None);
    assert_eq!(String::from_utf8(out.stdout).unwrap().trim().len(), 86);
    let out = gen(&["-o", "json"], None);
    let record = &json_lines(&out.stdout)[0];
    assert_eq!(record["secret"].as_str().unwrap().len(), 43);
}

#[test]
fn fewer_than_32_bytes_and_csv_are_refused() {
    let out = gen(&["--bytes", "31"], None);
    assert_eq!(out.status.code(), Some(2));
    let out = gen(&["-o", "csv"], None);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
}

#[test]
fn ring_appends_a_version_above_the_highest_and_keeps_the_others() {
    let out = gen(&["--ring"], Some(r#"{"3": "three", "12": "twelve"}"#));
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(text.lines().count(), 1, "{text}");
    assert!(text.starts_with(r#"{"3":"three","12":"twelve","13":""#), "numeric order: {text}");
    let ring: serde_json::Map<String, serde_json::Value> = serde_json::from_str(&text).unwrap();
    assert_eq!(ring["13"].as_str().unwrap().len(), 43);
    // The result is a ring sessctl signs with at the new version.
    let mut cmd = sessctl();
    cmd.env("SESSCTL_SECRET", text.trim()).args(["mint", "--user", "1", "--no-store", "-o", "json"]);
    let out = cmd.output().unwrap();
    assert_eq!(json_lines(&out.stdout)[0]["key_version"], 13);
}

#[test]
fn ring_reads_the_secret_file_and_needs_a_secret() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("secret");
    std::fs::write(&file, "from-a-file\n").unwrap();
    let mut cmd = sessctl();
    cmd.args(["gen-secret", "--ring", "--secret-file", file.to_str().unwrap()]);
    let out = cmd.output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8(out.stdout).unwrap().starts_with(r#"{"0":"from-a-file","1":""#));

    let out = gen(&["--ring"], None);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("SESSCTL_SECRET"));
}

/// The README's one-liner: `gen-secret --output-file FILE` makes a secret file only its owner
/// can read, under a permissive umask and over an old world-readable file, that sessctl then
/// reads without a permission warning.
#[test]
fn output_file_makes_an_owner_only_secret_file_whatever_the_umask_or_old_mode() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("cookie_secret");
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    for old in [None, Some(0o644)] {
        if let Some(old) = old {
            std::fs::write(&file, "old\n").unwrap();
            std::fs::set_permissions(&file, std::fs::Permissions::from_mode(old)).unwrap();
        }
        let out = std::process::Command::new("sh")
            .arg("-c")
            .arg(format!(
                "umask 000; exec {} gen-secret --output-file {}",
                env!("CARGO_BIN_EXE_sessctl"),
                file.display()
            ))
            .env("XDG_CONFIG_HOME", NO_CONFIG_HOME)
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", stderr(&out));
        assert_eq!(mode(&file), 0o600, "old mode {old:?}");
        let secret = std::fs::read_to_string(&file).unwrap();
        assert_eq!(secret.trim_end().len(), 43, "{secret:?}");
        // sessctl reads it back with no warning about its mode.
        let mut cmd = sessctl();
        cmd.env("SESSCTL_SECRET_FILE", &file).args(["mint", "--user", "u", "--no-store"]);
        let out = ok(cmd);
        assert!(!stderr(&out).contains("warning"), "{}", stderr(&out));
    }
}

/// The `SESSCTL_KEY_VERSION=N` values gen-secret's message names, in order of the steps.
fn pinned_versions(stderr: &str) -> Vec<String> {
    stderr
        .split("SESSCTL_KEY_VERSION=")
        .skip(1)
        .map(|rest| rest.chars().take_while(char::is_ascii_digit).collect())
        .collect()
}

#[test]
fn ring_says_which_version_the_app_and_sessctl_sign_with_at_each_step() {
    // A single secret: both sign with 0 until every app process has the ring, then with 1.
    let out = gen(&["--ring"], Some("the-current-single-secret-of-the-app-xyz"));
    assert!(out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(err.contains("added key version 1; the app and sessctl still sign with version 0"), "{err}");
    let one = err.find("(1)").expect("step 1");
    let two = err.find("(2)").expect("step 2");
    assert!(err[one..two].contains("key_version = 0") && err[one..two].contains("SESSCTL_KEY_VERSION=0"), "{err}");
    assert!(err[two..].contains("key_version = 1") && err[two..].contains("SESSCTL_KEY_VERSION=1"), "{err}");
    assert_eq!(pinned_versions(&err), ["0", "1"]);
    assert!(!err.contains("the-current-single-secret"), "no secret on stderr: {err}");

    // A ring whose app signs with version 3 (sessctl pinned to it): 3 until the rollout is
    // done, then the new 13.
    let mut cmd = sessctl();
    cmd.env("SESSCTL_SECRET", r#"{"3": "three", "12": "twelve"}"#).env("SESSCTL_KEY_VERSION", "3");
    let out = cmd.args(["gen-secret", "--ring"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("added key version 13; the app and sessctl still sign with version 3"), "{err}");
    assert_eq!(pinned_versions(&err), ["3", "13"]);
    // Without a pinned version, the ring's highest is the one signing now.
    let out = gen(&["--ring"], Some(r#"{"3": "three", "12": "twelve"}"#));
    assert_eq!(pinned_versions(&String::from_utf8_lossy(&out.stderr)), ["12", "13"]);
}
