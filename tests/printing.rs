//! What sessctl prints (issue 15, items 17 to 24): messages, tables, summaries, help and
//! completions, through the real binary against real redis-server processes.

mod support;

use std::io::{Read, Write};
use std::net::TcpListener;
use std::process::Output;

use support::*;

/// A fake server on a free port: every command it is sent is answered with `reply` (one
/// reply per command of a pipeline). Returns its `redis://` address.
fn hostile_server(reply: &'static [u8]) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { return };
            std::thread::spawn(move || {
                let mut buf = [0u8; 4096];
                while let Ok(n) = stream.read(&mut buf) {
                    if n == 0 {
                        return;
                    }
                    let chunk = &buf[..n];
                    let commands = chunk.windows(3).filter(|w| w == b"\n*").count()
                        + usize::from(chunk.first() == Some(&b'*'));
                    for _ in 0..commands.max(1) {
                        if stream.write_all(reply).is_err() {
                            return;
                        }
                    }
                }
            });
        }
    });
    format!("127.0.0.1:{port}")
}

/// The one line sessctl printed on stderr for a failed run.
fn error_line(out: &Output) -> String {
    let err = stderr(out);
    assert_ne!(out.status.code(), Some(0), "the run must fail: {err}");
    assert_eq!(err.trim_end().lines().count(), 1, "one line: {err:?}");
    err
}

// ---- 17. Text from a server is never printed raw; every message is one bounded line ----

#[test]
fn error_replies_during_connection_setup_are_escaped_on_stderr() {
    let addr = hostile_server(b"-ERR \x1b[31mred\x1b]0;owned\x07 text\r\x1b[2K\r\n");
    // PING (no password, db 0), AUTH (a password) and SELECT (db 1) are the first commands.
    for url in [format!("redis://{addr}/0"), format!("redis://:pw@{addr}/0"), format!("redis://{addr}/1")] {
        let out = run({
            let mut cmd = sessctl();
            cmd.args(["list", "-r", &url, "--timeout", "5s"]);
            cmd
        });
        let err = error_line(&out);
        assert_eq!(out.status.code(), Some(1), "{err}");
        assert!(!err.contains('\x1b') && !err.contains('\x07') && !err.contains('\r'), "raw control bytes: {err:?}");
        assert!(err.contains("\\x1b[31mred"), "the reply is shown escaped: {err}");
    }
}

#[test]
fn a_huge_host_is_shortened_not_echoed_whole() {
    let host = "a".repeat(120_000);
    let out = run({
        let mut cmd = sessctl();
        cmd.args(["list", "-r", &format!("redis://{host}:6379/0"), "--timeout", "5s"]);
        cmd
    });
    let err = error_line(&out);
    assert!(err.len() < 2000, "a bounded line, not {} bytes: {}", err.len(), &err[..300.min(err.len())]);
    assert!(err.contains("aaaa…aaaa"), "{err}");
    assert!(err.contains("120"), "the length is said: {err}");
}
