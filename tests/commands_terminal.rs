//! Interrupts at every stage on a real terminal (tmux): the hidden secret prompt, the
//! confirmations (what they name, the typed number), `verify` reading a terminal, and the
//! scan progress bar. Each checks the exit status and that the
//! terminal was left as it was (`stty -a` after the command shows `echo`, not `-echo`).

use crate::support;

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

/// A server with a password and `n` sessions of 2 users.
fn server_with_sessions(n: u64) -> RedisServer {
    let redis = RedisServer::start_with(RedisOptions { password: Some("pw-never-shown".into()), ..Default::default() });
    redis.pipe(&sessions_protocol("session:", n, 2));
    redis
}

#[test]
fn revoke_all_counts_first_names_the_target_and_wants_the_number_typed() {
    let redis = server_with_sessions(20);
    let run = || Terminal::run(&format!("{} -r {} revoke --all -o json", bin(), shell_quote(&redis.url())), &[]);

    // The prompt names the server (never its password), the prefix, the selection and the
    // number counted by a dry pass; a wrong number cancels with exit 1.
    let term = run();
    let screen = term.wait_for("Type 20 to revoke them all");
    assert!(screen.contains(&format!("ALL sessions under \"session:\" on 127.0.0.1:{}/0", redis.port)), "{screen}");
    assert!(screen.contains("20 sessions"), "{screen}");
    assert!(!screen.contains("pw-never-shown"), "{screen}");
    term.type_text("19");
    term.keys(&["Enter"]);
    assert_eq!(term.exit_status(), 1, "{}", term.screen());
    assert!(term.screen().contains("nothing was revoked"), "{}", term.screen());
    assert_eq!(redis.cli(&["DBSIZE"]), "20");

    // "y" is not the number either.
    let term = run();
    term.wait_for("Type 20");
    term.keys(&["y", "Enter"]);
    assert_eq!(term.exit_status(), 1, "{}", term.screen());
    assert_eq!(redis.cli(&["DBSIZE"]), "20");

    // Ctrl-C at the question: exit 130, nothing revoked, the terminal as it was.
    let term = run();
    term.wait_for("Type 20");
    term.keys(&["C-c"]);
    assert_eq!(term.exit_status(), 130, "{}", term.screen());
    assert!(term.screen().contains("nothing was revoked"), "{}", term.screen());
    assert!(echo_on(&term.stty()));
    assert_eq!(redis.cli(&["DBSIZE"]), "20");

    // The number, typed with or without separators, revokes them.
    let term = run();
    term.wait_for("Type 20");
    term.type_text("20");
    term.keys(&["Enter"]);
    assert_eq!(term.exit_status(), 0, "{}", term.screen());
    assert!(term.screen().contains("\"revoked\":20"), "{}", term.screen());
    assert_eq!(redis.cli(&["DBSIZE"]), "0");
}

#[test]
fn ctrl_c_while_counting_before_the_question_revokes_nothing() {
    use support::proxy::{Fault, Proxy, What, When};
    let redis = server_with_sessions(3000);
    // The counting pass waits at its 3rd SCAN reply (held back by the proxy), with its bar up.
    let proxy = Proxy::start(redis.port, vec![Fault::new(When::reply("SCAN", 3), What::Stall)]);
    let url = format!("redis://:pw-never-shown@127.0.0.1:{}/0", proxy.port);
    let command = format!("{} -r {} revoke --all --scan-count 100 --timeout 2s", bin(), shell_quote(&url));
    let term = Terminal::run_sized(&command, &[], 100, 20);
    term.wait_for("counting the sessions to revoke [");
    term.keys(&["C-c"]);
    assert_eq!(term.exit_status(), 130, "{}", term.screen());
    let screen = term.screen();
    assert!(screen.contains("interrupted while counting; nothing was revoked"), "{screen}");
    assert!(!screen.contains("Type "), "no question after an interrupted count:\n{screen}");
    assert_eq!(redis.cli(&["DBSIZE"]), "3000");
}

#[test]
fn a_users_file_prompt_names_the_users_the_cutoff_and_the_count() {
    let redis = server_with_sessions(20);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("users.txt");
    std::fs::write(&file, "user0\nnobody\n").unwrap();
    let command = format!(
        "{} -r {} revoke --users-file {} --issued-before 2099-01-01",
        bin(),
        shell_quote(&redis.url()),
        shell_quote(file.to_str().unwrap())
    );
    let term = Terminal::run(&command, &[]);
    let screen = term.wait_for("[y/N]");
    for part in [
        "every session of users \"nobody\", \"user0\"",
        "issued before 2099-01-01T00:00:00Z",
        &format!("on 127.0.0.1:{}/0", redis.port),
        "Revoke these 10 sessions?",
    ] {
        assert!(screen.contains(part), "{part:?} missing:\n{screen}");
    }
    term.keys(&["n", "Enter"]);
    assert_eq!(term.exit_status(), 1, "{}", term.screen());
    assert!(term.screen().contains("nothing was revoked"));
    assert_eq!(redis.cli(&["DBSIZE"]), "20");

    let term = Terminal::run(&command, &[]);
    term.wait_for("[y/N]");
    term.keys(&["y", "Enter"]);
    assert_eq!(term.exit_status(), 0, "{}", term.screen());
    assert_eq!(redis.cli(&["DBSIZE"]), "10", "user0's 10 sessions revoked, user1's kept");
}

#[test]
fn a_scan_shows_a_progress_bar_on_a_terminal_and_none_with_quiet() {
    use support::proxy::{Fault, Proxy, What, When};
    let redis = RedisServer::start();
    redis.pipe(&sessions_protocol("session:", 3000, 3));
    // The 6th SCAN reply never comes: the scan waits there (--timeout 2s) with the bar up,
    // then goes on over a new connection.
    let stalled = || Proxy::start(redis.port, vec![Fault::new(When::reply("SCAN", 6), What::Stall)]);
    let args = "list --count --scan-count 100 --timeout 2s";

    let proxy = stalled();
    let term = Terminal::run_sized(&format!("{} -r {} {args}", bin(), shell_quote(&proxy.url())), &[], 100, 20);
    let screen = term.wait_for("keys/s");
    let bar = screen.lines().find(|l| l.contains("keys/s")).unwrap();
    assert!(bar.starts_with("listing sessions ["), "{bar}");
    assert!(bar.contains("/3,000 keys") && bar.ends_with("left"), "position of the DBSIZE total, rate, ETA: {bar}");
    assert_eq!(term.exit_status(), 0, "{}", term.screen());
    let screen = term.screen();
    assert!(screen.contains("3000") && !screen.contains("keys/s"), "the bar is cleared at the end:\n{screen}");

    // --quiet: no bar, even on a terminal.
    let proxy = stalled();
    let term = Terminal::run_sized(&format!("{} -q -r {} {args}", bin(), shell_quote(&proxy.url())), &[], 100, 20);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while proxy.fired() == 0 {
        assert!(std::time::Instant::now() < deadline, "the stall never came");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    std::thread::sleep(std::time::Duration::from_millis(500));
    assert!(!term.screen().contains("keys/s"), "{}", term.screen());
    assert_eq!(term.exit_status(), 0, "{}", term.screen());

    // stderr not a terminal: no bar in it.
    let proxy = stalled();
    let log = term.dir().join("stderr.txt");
    let term = Terminal::run_sized(
        &format!("{} -r {} {args} 2>{}", bin(), shell_quote(&proxy.url()), shell_quote(log.to_str().unwrap())),
        &[],
        100,
        20,
    );
    assert_eq!(term.exit_status(), 0, "{}", term.screen());
    let stderr = std::fs::read_to_string(&log).unwrap();
    assert!(!stderr.contains("keys") && !stderr.contains('\r'), "{stderr:?}");
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
