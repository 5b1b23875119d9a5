//! The committed completions and man page match the CLI, and `--help` matches its snapshots
//! (insta, `tests/snapshots/cli__generated_files__help_*.snap`). `SESSCTL_REGENERATE=1 cargo test
//! --test cli -- generated_files::` rewrites them all (run it with that filter: it sets
//! `INSTA_UPDATE=always` for the whole test process).

use std::path::{Path, PathBuf};

use clap_complete::Shell;

fn generated() -> Vec<(PathBuf, Vec<u8>)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    for (shell, name) in [
        (Shell::Bash, "sessctl.bash"),
        (Shell::Zsh, "_sessctl"),
        (Shell::Fish, "sessctl.fish"),
        (Shell::Elvish, "sessctl.elv"),
        (Shell::PowerShell, "_sessctl.ps1"),
    ] {
        let mut buf = Vec::new();
        buf.extend(sessctl::help::completions(shell));
        files.push((root.join("completions").join(name), buf));
    }
    // The top page and one page per subcommand (`man sessctl-revoke`), as git and cargo ship
    // them, built by the code `sessctl man [COMMAND]` runs.
    for (name, page) in sessctl::help::man_pages() {
        files.push((root.join("man").join(name), page));
    }
    files
}

#[test]
fn committed_completions_and_man_page_are_fresh() {
    let regenerate = std::env::var_os("SESSCTL_REGENERATE").is_some();
    let mut stale = Vec::new();
    for (path, content) in generated() {
        if regenerate {
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, &content).unwrap();
        } else if std::fs::read(&path).ok().as_deref() != Some(&content[..]) {
            stale.push(path.display().to_string());
        }
    }
    assert!(
        stale.is_empty(),
        "stale generated files {stale:?}: run `SESSCTL_REGENERATE=1 cargo test --test cli -- generated_files::` and commit"
    );
}

#[test]
fn the_binary_prints_the_same_completions_and_man_page() {
    let bin = env!("CARGO_BIN_EXE_sessctl");
    let out = std::process::Command::new(bin).args(["completions", "bash"]).output().unwrap();
    assert!(out.status.success());
    assert_eq!(out.stdout, generated()[0].1);
    let pages = generated();
    for (args, file) in
        [(&["man"][..], "sessctl.1"), (&["man", "revoke"], "sessctl-revoke.1"), (&["man", "man"], "sessctl-man.1")]
    {
        let out = std::process::Command::new(bin).args(args).output().unwrap();
        assert!(out.status.success(), "{args:?}");
        let (_, page) = pages.iter().find(|(p, _)| p.ends_with(file)).unwrap();
        assert_eq!(&out.stdout, page, "sessctl {args:?} prints man/{file}");
        assert!(String::from_utf8_lossy(&out.stdout).starts_with(".ie"), "not roff");
    }
    let out = std::process::Command::new(bin).args(["man", "nonsense"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn every_subcommand_page_lists_the_global_flags() {
    for (path, page) in generated().into_iter().filter(|(p, _)| p.to_string_lossy().contains("sessctl-")) {
        let page = String::from_utf8(page).unwrap();
        for flag in [r"\-\-redis\-url", r"\-\-secret\-file", r"\-\-output", r"\-\-quiet"] {
            assert!(page.contains(flag), "{} lacks {flag}", path.display());
        }
    }
}

#[test]
fn help_matches_its_snapshots_at_100_columns() {
    if std::env::var_os("SESSCTL_REGENERATE").is_some() {
        // Rewrite the snapshots with the completions and man pages (edition 2021: safe).
        std::env::set_var("INSTA_UPDATE", "always");
    }
    let bin = env!("CARGO_BIN_EXE_sessctl");
    for args in [&["--help"][..], &["revoke", "--help"], &["list", "-h"]] {
        let out = std::process::Command::new(bin).env("COLUMNS", "100").args(args).output().unwrap();
        assert!(out.status.success());
        let text = String::from_utf8(out.stdout).unwrap();
        for line in text.lines() {
            assert!(line.chars().count() <= 100, "wider than 100 columns: {line:?}");
        }
        insta::assert_snapshot!(format!("help_{}", args.join("_").trim_start_matches('-')), text);
    }
}
