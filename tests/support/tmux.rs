//! A real terminal for tests: a program run in a detached tmux session on a private tmux
//! server (its own socket in a temp dir, so nothing touches anyone's tmux), driven with
//! `send-keys` and read with `capture-pane`.
//!
//! ```ignore
//! let term = Terminal::run("sessctl mint --user 1 --no-store", &[("SESSCTL_QUIET", "1")]);
//! term.wait_for("Cookie secret");
//! term.keys(&["C-c"]);
//! let done = term.wait_for("EXIT:");           // the script prints the exit status…
//! assert!(term.stty().contains(" echo"));       // …and the terminal settings afterwards
//! ```
#![allow(dead_code)]

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// One tmux session running one shell script.
pub struct Terminal {
    dir: tempfile::TempDir,
    socket: PathBuf,
}

/// Quotes a value for a POSIX shell.
pub fn shell_quote(value: &str) -> String {
    format!("'{}'", value.replace('\'', r"'\''"))
}

impl Terminal {
    /// Runs `command` (shell syntax) in a new 200x50 terminal with `env` set (and the
    /// SESSCTL_* variables of the test runner removed). After it ends, the script prints
    /// `EXIT:<status>` and then `STTY:<stty -a>` on one line, and waits to be killed.
    pub fn run(command: &str, env: &[(&str, &str)]) -> Terminal {
        Terminal::run_sized(command, env, 200, 50)
    }

    /// [`Terminal::run`] in a terminal of `cols` columns and `rows` rows.
    pub fn run_sized(command: &str, env: &[(&str, &str)], cols: u16, rows: u16) -> Terminal {
        let dir = tempfile::tempdir().expect("temp dir");
        let socket = dir.path().join("tmux.sock");
        let script = dir.path().join("run.sh");
        let mut text = String::from("#!/bin/bash\n");
        for (key, _) in std::env::vars() {
            if key.starts_with("SESSCTL_") || key == "REDIS_URL" || key == "NO_COLOR" || key == "COLUMNS" {
                text.push_str(&format!("unset {key}\n"));
            }
        }
        text.push_str(&format!("export XDG_CONFIG_HOME={}\n", shell_quote(super::NO_CONFIG_HOME)));
        for (key, value) in env {
            text.push_str(&format!("export {key}={}\n", shell_quote(value)));
        }
        text.push_str(command);
        text.push_str("\necho \"EXIT:$?\"\necho \"STTY:$(stty -a | tr '\\n' ' ')\"\nexec sleep 600\n");
        std::fs::write(&script, text).unwrap();
        let status = Command::new("tmux")
            .arg("-S")
            .arg(&socket)
            .args(["-f", "/dev/null", "new-session", "-d", "-x", &cols.to_string(), "-y", &rows.to_string()])
            .args(["bash", "--noprofile", "--norc"])
            .arg(&script)
            .stdin(Stdio::null())
            .status()
            .expect("tmux must be installed (scripts/setup-test-env installs it)");
        assert!(status.success(), "tmux new-session failed");
        Terminal { dir, socket }
    }

    fn tmux(&self) -> Command {
        let mut cmd = Command::new("tmux");
        cmd.arg("-S").arg(&self.socket).stdin(Stdio::null());
        cmd
    }

    /// Sends keys as tmux names them (`C-c`, `Enter`, or literal text).
    pub fn keys(&self, keys: &[&str]) {
        let status = self.tmux().arg("send-keys").args(["-t", "0"]).args(keys).status().unwrap();
        assert!(status.success(), "tmux send-keys {keys:?}");
    }

    /// Types `text` literally (no key-name lookup).
    pub fn type_text(&self, text: &str) {
        let status = self.tmux().args(["send-keys", "-t", "0", "-l", text]).status().unwrap();
        assert!(status.success());
    }

    /// The screen's text now (with scrollback).
    pub fn screen(&self) -> String {
        let out = self.tmux().args(["capture-pane", "-p", "-J", "-S", "-1000", "-t", "0"]).output().unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Waits (up to 20 s) until the screen shows `text`; returns the screen.
    pub fn wait_for(&self, text: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let screen = self.screen();
            if screen.contains(text) {
                return screen;
            }
            assert!(Instant::now() < deadline, "the terminal never showed {text:?}; it shows:\n{screen}");
            std::thread::sleep(Duration::from_millis(30));
        }
    }

    /// Waits for the command to end and returns its exit status.
    pub fn exit_status(&self) -> i32 {
        let screen = self.wait_for("STTY:");
        let line = screen.lines().find(|l| l.starts_with("EXIT:")).expect("EXIT line");
        line["EXIT:".len()..].trim().parse().unwrap()
    }

    /// `stty -a` as it was right after the command ended.
    pub fn stty(&self) -> String {
        let screen = self.wait_for("STTY:");
        let start = screen.find("STTY:").unwrap();
        screen[start..].replace('\n', " ")
    }

    /// The pid of the process in the pane whose command line contains `needle`, once it runs.
    pub fn pid_of(&self, needle: &str) -> u32 {
        let out = self.tmux().args(["display-message", "-p", "-t", "0", "#{pane_pid}"]).output().unwrap();
        let shell: u32 = String::from_utf8_lossy(&out.stdout).trim().parse().expect("pane pid");
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            for entry in std::fs::read_dir("/proc").unwrap().flatten() {
                let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else { continue };
                let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else { continue };
                let ppid =
                    stat.rsplit(')').next().and_then(|r| r.split_whitespace().nth(1)).and_then(|p| p.parse().ok());
                let cmdline = std::fs::read(format!("/proc/{pid}/cmdline")).unwrap_or_default();
                if ppid == Some(shell) && String::from_utf8_lossy(&cmdline).contains(needle) {
                    return pid;
                }
            }
            assert!(Instant::now() < deadline, "no process {needle:?} in the terminal");
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// The temp dir the script lives in (for files the test wants next to it).
    pub fn dir(&self) -> &std::path::Path {
        self.dir.path()
    }
}

impl Drop for Terminal {
    fn drop(&mut self) {
        let _ = self.tmux().arg("kill-server").stderr(Stdio::null()).status();
    }
}
