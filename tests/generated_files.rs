//! The committed completions and man page match the CLI. `SESSCTL_REGENERATE=1 cargo test
//! --test generated_files` rewrites them.

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
        clap_complete::generate(shell, &mut sessctl::cli::command(), "sessctl", &mut buf);
        files.push((root.join("completions").join(name), buf));
    }
    let mut man = Vec::new();
    clap_mangen::Man::new(sessctl::cli::command()).render(&mut man).unwrap();
    files.push((root.join("man").join("sessctl.1"), man));
    // One page per subcommand (`man sessctl-revoke`), as git and cargo ship them. `build`
    // copies the global flags into each subcommand, so every page lists all it accepts.
    let mut root_cmd = sessctl::cli::command();
    root_cmd.build();
    for sub in root_cmd.get_subcommands().filter(|s| s.get_name() != "help") {
        let name = format!("sessctl-{}", sub.get_name());
        let mut page = Vec::new();
        let sub = sub.clone().bin_name(format!("sessctl {}", sub.get_name()));
        clap_mangen::Man::new(sub).title(name.clone()).render(&mut page).unwrap();
        files.push((root.join("man").join(format!("{name}.1")), page));
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
        "stale generated files {stale:?}: run `SESSCTL_REGENERATE=1 cargo test --test generated_files` and commit"
    );
}

#[test]
fn the_binary_prints_the_same_completions_and_man_page() {
    let bin = env!("CARGO_BIN_EXE_sessctl");
    let out = std::process::Command::new(bin).args(["completions", "bash"]).output().unwrap();
    assert!(out.status.success());
    assert_eq!(out.stdout, generated()[0].1);
    let out = std::process::Command::new(bin).arg("man").output().unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).starts_with(".ie"), "not roff");
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
