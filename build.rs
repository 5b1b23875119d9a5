//! Build facts for `sessctl --version`: the commit the binary is built from (`git rev-parse
//! --short HEAD`, or "unknown" outside a git checkout, as from a source tarball), the rustls
//! version from Cargo.lock, and the target. Cargo reruns this when HEAD moves (the HEAD file,
//! the branch's ref, packed-refs), so a new commit gives a binary that names it.

use std::path::{Path, PathBuf};
use std::process::Command;

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=Cargo.lock");
    println!("cargo:rerun-if-env-changed=SESSCTL_BUILD_COMMIT");
    let commit = std::env::var("SESSCTL_BUILD_COMMIT").ok().filter(|c| !c.is_empty()).or_else(git_commit);
    println!("cargo:rustc-env=BUILD_GIT_COMMIT={}", commit.as_deref().unwrap_or("unknown"));
    println!("cargo:rustc-env=BUILD_RUSTLS_VERSION={}", rustls_version().unwrap_or_default());
    println!("cargo:rustc-env=BUILD_TARGET={}", std::env::var("TARGET").unwrap_or_default());
    println!("cargo:rustc-env=BUILD_PROFILE={}", std::env::var("PROFILE").unwrap_or_default());
}

/// `git` run in the package directory; `None` when git is missing or this is no checkout.
fn git(args: &[&str]) -> Option<String> {
    let dir = std::env::var_os("CARGO_MANIFEST_DIR")?;
    let out = Command::new("git").args(args).current_dir(dir).output().ok()?;
    if !out.status.success() {
        return None;
    }
    let text = String::from_utf8(out.stdout).ok()?.trim().to_string();
    (!text.is_empty()).then_some(text)
}

fn git_commit() -> Option<String> {
    // A source tree inside another repository (a vendored tarball) must not take that
    // repository's commit: only a checkout whose top level is this package counts.
    let top = PathBuf::from(git(&["rev-parse", "--show-toplevel"])?);
    let here = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR")?);
    if top.canonicalize().ok()? != here.canonicalize().ok()? {
        return None;
    }
    let commit = git(&["rev-parse", "--short", "HEAD"])?;
    // Rerun when HEAD moves: the HEAD file (a checkout, a detached HEAD), the branch's ref
    // (a commit) and packed-refs (a ref packed by gc). Only files that exist, or cargo would
    // rerun this on every build.
    let mut watch = vec![git(&["rev-parse", "--git-path", "HEAD"])];
    if let Some(branch) = git(&["symbolic-ref", "-q", "HEAD"]) {
        watch.push(git(&["rev-parse", "--git-path", &branch]));
    }
    watch.push(git(&["rev-parse", "--git-path", "packed-refs"]));
    for path in watch.into_iter().flatten() {
        let path = if Path::new(&path).is_absolute() { PathBuf::from(path) } else { here.join(path) };
        if path.exists() {
            println!("cargo:rerun-if-changed={}", path.display());
        }
    }
    Some(commit)
}

/// The rustls version Cargo.lock pins (the TLS backend named by `--version`).
fn rustls_version() -> Option<String> {
    let lock = std::fs::read_to_string("Cargo.lock").ok()?;
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line == "name = \"rustls\"" {
            return lines.next()?.strip_prefix("version = \"")?.strip_suffix('"').map(str::to_string);
        }
    }
    None
}
