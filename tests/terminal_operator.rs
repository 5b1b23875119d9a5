//! Help and the demo in a real terminal (tmux, tests/support/tmux.rs): long help fits an
//! 80-column terminal with every example on one line, and Ctrl-C typed at the keyboard stops
//! `scripts/demo` and its redis-server.

use crate::support;

use std::path::Path;

use support::tmux::{shell_quote, Terminal};

fn bin() -> String {
    shell_quote(env!("CARGO_BIN_EXE_sessctl"))
}

#[test]
fn long_help_fits_an_80_column_terminal_and_keeps_each_example_on_one_line() {
    for command in ["", "revoke", "verify", "stats", "doctor", "gen-secret", "completions", "man"] {
        let term = Terminal::run_sized(&format!("{} {command} --help", bin()), &[], 80, 50);
        assert_eq!(term.exit_status(), 0, "{}", term.screen());
        // capture-pane -J joins lines the terminal wrapped, so a line wider than the terminal
        // shows up longer than 80 characters.
        let screen = term.screen();
        for line in screen.lines().filter(|l| !l.starts_with("STTY:")) {
            assert!(line.chars().count() <= 80, "`{command} --help` overflows 80 columns: {line:?}");
        }
        for (_, example) in sessctl::help::examples(command) {
            assert!(
                screen.lines().any(|l| l.trim() == *example),
                "`{command} --help` at 80 columns breaks the example {example:?}:\n{screen}"
            );
        }
        assert!(screen.contains("Global options:") || command.is_empty(), "{screen}");
    }
}

#[test]
fn ctrl_c_typed_in_the_terminal_stops_the_demo_and_its_server() {
    let dir = tempfile::tempdir().unwrap();
    // A sessctl that waits at `list`, so the Ctrl-C lands at a known step.
    let wrapper = dir.path().join("sessctl");
    std::fs::write(
        &wrapper,
        format!("#!/bin/sh\nif [ \"$1\" = list ]; then echo WAITING-AT-LIST; sleep 30; fi\nexec {} \"$@\"\n", bin()),
    )
    .unwrap();
    std::fs::set_permissions(&wrapper, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/demo");
    let term = Terminal::run(&shell_quote(demo.to_str().unwrap()), &[("SESSCTL_DEMO_BIN", wrapper.to_str().unwrap())]);
    let screen = term.wait_for("WAITING-AT-LIST");
    let line = screen.lines().find(|l| l.contains("redis-server started on 127.0.0.1:")).expect("server line");
    let port: u16 = line.split("127.0.0.1:").nth(1).unwrap().split(' ').next().unwrap().parse().unwrap();
    assert!(std::net::TcpStream::connect(("127.0.0.1", port)).is_ok(), "the demo's server runs");
    term.keys(&["C-c"]);
    assert_eq!(term.exit_status(), 130, "{}", term.screen());
    let screen = term.screen();
    assert!(screen.contains("demo: interrupted") && screen.contains("stopped;"), "{screen}");
    assert!(!screen.contains("$ sessctl revoke"), "nothing after the interrupted step ran:\n{screen}");
    assert!(std::net::TcpStream::connect(("127.0.0.1", port)).is_err(), "redis-server still answers on {port}");
}
