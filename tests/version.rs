//! `sessctl --version`: the version, the commit the binary was built from and the build's
//! features, as `rg --version`; `-V` the version alone.
use crate::support;
use support::*;

/// The commit of this checkout (`None` outside a git checkout, e.g. a source tarball).
fn head() -> Option<String> {
    let out = std::process::Command::new("git")
        .args(["rev-parse", "--short", "HEAD"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .ok()?;
    out.status.success().then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
}

#[test]
fn version_names_the_commit_built_from_and_the_tls_backend() {
    let mut cmd = sessctl();
    cmd.arg("--version");
    let out = ok(cmd);
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], format!("sessctl {}", env!("CARGO_PKG_VERSION")), "{text}");
    // The commit of HEAD now: cargo reran build.rs when HEAD moved (a stale binary names an
    // older commit and fails here).
    let commit = head().unwrap_or_else(|| "unknown".into());
    assert_eq!(lines[1], format!("commit {commit}"), "{text}");
    assert!(lines[2].starts_with("features: TLS by rustls 0."), "{text}");
    assert!(lines[3].starts_with("target: ") && lines[3].contains("-linux-"), "{text}");
    assert_eq!(lines.len(), 4, "{text}");
}

#[test]
fn short_version_is_the_version_alone() {
    let mut cmd = sessctl();
    cmd.arg("-V");
    let out = ok(cmd);
    assert_eq!(String::from_utf8(out.stdout).unwrap(), format!("sessctl {}\n", env!("CARGO_PKG_VERSION")));
}
