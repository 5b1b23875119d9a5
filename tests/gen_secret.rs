//! `sessctl gen-secret`: new secrets from the OS generator, and key rings with a new version
//! (the rotation itself is walked through against the real Tornado app in e2e_tornado.rs).

mod support;

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
