//! Interrupts at every stage on a real terminal (tmux): the hidden secret prompt, the
//! confirmation prompt, `verify` reading a terminal. Each checks the exit status and that the
//! terminal was left as it was (`stty -a` after the command shows `echo`, not `-echo`).

mod support;

use support::tmux::{shell_quote, Terminal};
use support::*;

fn bin() -> String {
    shell_quote(env!("CARGO_BIN_EXE_sessctl"))
}

/// `echo` is on in `stty -a` output (the word `echo`, not `-echo`).
fn echo_on(stty: &str) -> bool {
    stty.split_whitespace().any(|w| w == "echo")
}

#[test]
fn the_hidden_secret_prompt_restores_the_terminal_on_ctrl_c_and_after_an_answer() {
    let term = Terminal::run(&format!("{} mint --user 1 --no-store", bin()), &[]);
    term.wait_for("Cookie secret");
    term.type_text("typed-s3cret");
    std::thread::sleep(std::time::Duration::from_millis(100));
    assert!(!term.screen().contains("typed-s3cret"), "input is hidden");
    term.keys(&["C-c"]);
    assert_eq!(term.exit_status(), 130, "{}", term.screen());
    let stty = term.stty();
    assert!(echo_on(&stty), "echo restored: {stty}");
    assert!(term.screen().contains("nothing was done"), "{}", term.screen());

    // Answered, the prompt hides the secret, uses it, and restores echo.
    let term = Terminal::run(&format!("{} mint --user 1 --no-store", bin()), &[]);
    term.wait_for("Cookie secret");
    term.type_text("typed-s3cret");
    term.keys(&["Enter"]);
    assert_eq!(term.exit_status(), 0, "{}", term.screen());
    assert!(echo_on(&term.stty()));
    let screen = term.screen();
    assert!(!screen.contains("typed-s3cret"), "{screen}");
    let cookie = screen.lines().find(|l| l.starts_with("2|1:0|")).expect("a cookie").trim().to_string();
    let mut cmd = sessctl();
    cmd.env("SESSCTL_SECRET", "typed-s3cret").args(["verify", "--offline", &cookie]);
    assert_eq!(cmd.output().unwrap().status.code(), Some(0), "signed with the typed secret");
}

#[test]
fn ctrl_c_at_a_confirmation_exits_130_and_revokes_nothing() {
    let redis = RedisServer::start();
    redis.pipe(&sessions_protocol("session:", 20, 2));
    let term = Terminal::run(&format!("{} -r {} revoke --all", bin(), shell_quote(&redis.url())), &[]);
    term.wait_for("revoke ALL sessions");
    term.keys(&["C-c"]);
    assert_eq!(term.exit_status(), 130, "{}", term.screen());
    assert!(term.screen().contains("nothing was revoked"), "{}", term.screen());
    assert!(echo_on(&term.stty()));
    assert_eq!(redis.cli(&["DBSIZE"]), "20");

    // "n" is a no, "y" a yes.
    let term = Terminal::run(&format!("{} -r {} revoke --all -o json", bin(), shell_quote(&redis.url())), &[]);
    term.wait_for("[y/N]");
    term.keys(&["n", "Enter"]);
    assert_eq!(term.exit_status(), 0);
    assert_eq!(redis.cli(&["DBSIZE"]), "20");
    let term = Terminal::run(&format!("{} -r {} revoke --all -o json", bin(), shell_quote(&redis.url())), &[]);
    term.wait_for("[y/N]");
    term.keys(&["y", "Enter"]);
    assert_eq!(term.exit_status(), 0, "{}", term.screen());
    assert_eq!(redis.cli(&["DBSIZE"]), "0");
}

#[test]
fn verify_on_a_terminal_says_it_reads_stdin_answers_each_line_and_stops_on_ctrl_c() {
    let mut cmd = sessctl();
    cmd.env("SESSCTL_SECRET", "term-secret").args(["mint", "--user", "1", "--no-store"]);
    let cookie = String::from_utf8(cmd.output().unwrap().stdout).unwrap().trim().to_string();
    let term = Terminal::run(&format!("{} verify --offline", bin()), &[("SESSCTL_SECRET", "term-secret")]);
    term.wait_for("reading cookies from stdin");
    term.type_text(&cookie);
    term.keys(&["Enter"]);
    term.wait_for("valid ");
    term.keys(&["C-c"]);
    assert_eq!(term.exit_status(), 130, "{}", term.screen());
    assert!(echo_on(&term.stty()));
}
