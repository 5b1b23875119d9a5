//! `scripts/demo`, the README's first run: it walks the main job against a throwaway
//! redis-server and removes that server and its temp dir however it ends (success, a failed
//! step, Ctrl-C). Run with this build's binary (`SESSCTL_DEMO_BIN`); `.ci/run` also runs it
//! as a fresh machine would, building with `cargo build --release`.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// What the demo said about its server: port, pid and temp dir.
struct Server {
    port: u16,
    pid: u32,
    dir: PathBuf,
}

fn demo(bin: &Path) -> Output {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/demo");
    Command::new(script)
        .env("SESSCTL_DEMO_BIN", bin)
        // The caller's settings must not leak into the demo.
        .env("SESSCTL_SECRET", "the caller's secret")
        .env("SESSCTL_REDIS_URL", "redis://127.0.0.1:1/0")
        .env("SESSCTL_PREFIX", "other:")
        .stdin(Stdio::null())
        .output()
        .expect("run scripts/demo")
}

fn text(out: &Output) -> String {
    format!("stdout:\n{}\nstderr:\n{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
}

fn server_of(out: &Output) -> Server {
    let stdout = String::from_utf8_lossy(&out.stdout);
    let line = stdout
        .lines()
        .find(|l| l.contains("redis-server started on 127.0.0.1:"))
        .unwrap_or_else(|| panic!("no server line\n{}", text(out)));
    let after = |marker: &str| -> String {
        let start = line.find(marker).unwrap() + marker.len();
        line[start..].chars().take_while(|c| !matches!(c, ' ' | ',' | ')')).collect()
    };
    Server {
        port: after("127.0.0.1:").parse().unwrap(),
        pid: after("(pid ").parse().unwrap(),
        dir: PathBuf::from(after("dir ")),
    }
}

fn assert_stopped(server: &Server, out: &Output) {
    assert!(
        std::net::TcpStream::connect(("127.0.0.1", server.port)).is_err(),
        "redis-server still answers on {}\n{}",
        server.port,
        text(out)
    );
    let stat = std::fs::read_to_string(format!("/proc/{}/stat", server.pid)).unwrap_or_default();
    assert!(!stat.contains("redis-server") || stat.contains(") Z "), "redis-server pid {} still runs", server.pid);
    assert!(!server.dir.exists(), "{} was not removed", server.dir.display());
}

/// A stand-in for sessctl that runs the real one, except that `behaviour` (shell) runs first
/// when the first argument is `when`.
fn wrapper(dir: &Path, when: &str, behaviour: &str) -> PathBuf {
    let path = dir.join("sessctl-wrapper");
    let script = format!(
        "#!/bin/sh\nif [ \"$1\" = {when} ]; then\n{behaviour}\nfi\nexec {} \"$@\"\n",
        env!("CARGO_BIN_EXE_sessctl")
    );
    std::fs::write(&path, script).unwrap();
    std::fs::set_permissions(&path, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    path
}

#[test]
fn the_demo_walks_the_main_job_and_stops_its_server() {
    let out = demo(Path::new(env!("CARGO_BIN_EXE_sessctl")));
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    // Each command is printed before its output, in the order of the main job.
    let steps = [
        "$ sessctl gen-secret > ",
        "$ sessctl mint --user alice --count 2",
        "$ sessctl mint --user bob",
        "$ sessctl verify '2|1:0|",
        "exit status 0: valid",
        "$ sessctl list",
        "$ sessctl revoke --user alice",
        "revoked      2",
        "$ sessctl verify '2|1:0|",
        "exit status 4: revoked",
    ];
    let mut at = 0;
    for step in steps {
        // A summary row is its name and value, however wide the name column is.
        let found = if step.starts_with("revoked ") {
            let want: Vec<&str> = step.split_whitespace().collect();
            stdout[at..]
                .lines()
                .scan(0, |offset, line| {
                    let start = *offset;
                    *offset += line.len() + 1;
                    Some((start, line))
                })
                .find(|(_, line)| line.split_whitespace().collect::<Vec<_>>() == want)
                .map(|(start, _)| start)
        } else {
            stdout[at..].find(step)
        };
        let found = found.unwrap_or_else(|| panic!("{step:?} missing after byte {at}\n{stdout}"));
        at += found + step.len();
    }
    // The last list shows only bob.
    let last_list = &stdout[stdout.rfind("$ sessctl list").unwrap()..];
    assert!(last_list.contains(" bob ") && !last_list.contains(" alice "), "{last_list}");
    assert_stopped(&server_of(&out), &out);
}

#[test]
fn a_failed_step_still_stops_the_server() {
    let dir = tempfile::tempdir().unwrap();
    let bin = wrapper(dir.path(), "revoke", "echo 'wrapper: revoke breaks' >&2; exit 1");
    let out = demo(&bin);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(String::from_utf8_lossy(&out.stderr).contains("demo: revoke failed (exit 1)"), "{}", text(&out));
    assert_stopped(&server_of(&out), &out);
}

#[test]
fn ctrl_c_stops_the_server_and_exits_130() {
    let dir = tempfile::tempdir().unwrap();
    // Ctrl-C reaches the demo while `sessctl list` runs (bash runs the trap once it ends).
    let bin = wrapper(dir.path(), "list", "kill -INT $PPID");
    let out = demo(&bin);
    assert_eq!(out.status.code(), Some(130), "{}", text(&out));
    assert!(String::from_utf8_lossy(&out.stderr).contains("demo: interrupted"), "{}", text(&out));
    assert!(
        !String::from_utf8_lossy(&out.stdout).contains("$ sessctl revoke"),
        "stopped before the revoke\n{}",
        text(&out)
    );
    assert_stopped(&server_of(&out), &out);
}
