//! The committed completions load in the real shells: bash sources its file and completes,
//! zsh parses and registers its function, fish parses and completes. The shells must be
//! installed (scripts/setup-test-env installs fish and zsh): a missing shell fails the test.
//! Freshness against the CLI is tests/generated_files.rs.

use crate::support;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn completions(file: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("completions").join(file)
}

fn shell(program: &str, args: &[&str]) -> Output {
    let out = Command::new(program)
        .args(args)
        .env("HOME", env!("CARGO_TARGET_TMPDIR"))
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("{program} must be installed (scripts/setup-test-env installs it): {e}"));
    assert!(
        out.status.success(),
        "{program} {args:?} failed: {}\n{}",
        String::from_utf8_lossy(&out.stderr),
        String::from_utf8_lossy(&out.stdout)
    );
    out
}

fn lines(out: &Output) -> Vec<String> {
    String::from_utf8_lossy(&out.stdout).lines().map(str::to_string).collect()
}

/// What bash's completion function offers for `line` (the cursor at its end).
fn bash_complete(line: &str) -> Vec<String> {
    let script = format!(
        r#"source "$1" || exit 1
complete -p sessctl >/dev/null || exit 2
COMP_LINE='{line}'; COMP_POINT=${{#COMP_LINE}}
read -ra COMP_WORDS <<< "$COMP_LINE"
[[ "$COMP_LINE" == *' ' ]] && COMP_WORDS+=('')
COMP_CWORD=$(( ${{#COMP_WORDS[@]}} - 1 ))
_sessctl sessctl "${{COMP_WORDS[COMP_CWORD]}}" "${{COMP_WORDS[COMP_CWORD-1]}}"
printf '%s\n' "${{COMPREPLY[@]}}""#
    );
    let file = completions("sessctl.bash");
    lines(&shell("bash", &["--norc", "--noprofile", "-c", &script, "bash", file.to_str().unwrap()]))
}

#[test]
fn bash_sources_the_file_and_completes_commands_flags_and_man_pages() {
    let offered = bash_complete("sessctl rev");
    assert_eq!(offered, ["revoke"], "{offered:?}");
    let mut offered = bash_complete("sessctl re");
    offered.sort();
    assert_eq!(offered, ["restore", "revoke"], "{offered:?}");
    let offered = bash_complete("sessctl revoke --us");
    assert_eq!(offered, ["--user", "--users-file"], "{offered:?}");
    let offered = bash_complete("sessctl gen-secret --r");
    assert!(offered.contains(&"--ring".to_string()) && offered.contains(&"--redis-url".to_string()), "{offered:?}");
    let offered = bash_complete("sessctl man ");
    for page in &sessctl::help::page_commands(&sessctl::help::command()) {
        assert!(offered.contains(&page.to_string()), "man {page} not offered: {offered:?}");
    }
}

#[test]
fn zsh_parses_the_file_and_registers_the_completion() {
    let file = completions("_sessctl");
    shell("zsh", &["-n", file.to_str().unwrap()]);
    let script = r#"autoload -Uz compinit && compinit -u -D || exit 1
source "$1" || exit 2
(( $+functions[_sessctl] )) || exit 3
print -r -- "$_comps[sessctl]""#;
    let out = shell("zsh", &["-f", "-c", script, "zsh", file.to_str().unwrap()]);
    assert_eq!(lines(&out), ["_sessctl"]);
}

#[test]
fn fish_parses_the_file_and_completes_commands_and_flags() {
    let file = completions("sessctl.fish");
    shell("fish", &["--no-config", "--no-execute", file.to_str().unwrap()]);
    let script = r#"source $argv[1]; or exit 1
complete -C 'sessctl rev'
echo SEPARATOR
complete -C 'sessctl revoke --us'"#;
    let out = shell("fish", &["--no-config", "-c", script, file.to_str().unwrap()]);
    let text = lines(&out);
    let (commands, flags) = text.split_at(text.iter().position(|l| l == "SEPARATOR").expect("separator"));
    let names = |ls: &[String]| ls.iter().map(|l| l.split('\t').next().unwrap().to_string()).collect::<Vec<_>>();
    assert_eq!(names(commands), ["revoke"], "{text:?}");
    assert_eq!(names(&flags[1..]), ["--user", "--users-file"], "{text:?}");
}

#[test]
fn the_binary_prints_every_committed_completion_file() {
    for (shell, file) in [
        ("bash", "sessctl.bash"),
        ("zsh", "_sessctl"),
        ("fish", "sessctl.fish"),
        ("elvish", "sessctl.elv"),
        ("powershell", "_sessctl.ps1"),
    ] {
        let out = support::sessctl().args(["completions", shell]).output().unwrap();
        assert!(out.status.success(), "completions {shell}");
        assert!(!out.stdout.is_empty());
        assert_eq!(
            out.stdout,
            std::fs::read(completions(file)).unwrap(),
            "completions/{file} differs from the binary's"
        );
    }
}
