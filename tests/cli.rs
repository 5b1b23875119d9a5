//! The command-line contract that needs no Redis: secrets, mint --no-store, decode,
//! verify --offline, exit statuses, errors as one line, broken pipes.

use crate::support;

use std::io::Write;
use std::process::{Command, Stdio};

use support::*;

const SECRET: &str = "test-secret-Δ";

fn with_secret(args: &[&str]) -> Command {
    let mut cmd = sessctl();
    cmd.env("SESSCTL_SECRET", SECRET).args(args);
    cmd
}

fn stdout_of(mut cmd: Command) -> String {
    let out = cmd.output().unwrap();
    assert!(out.status.success(), "failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

fn mint_value() -> String {
    stdout_of(with_secret(&["mint", "--user", "42", "--no-store"])).trim().to_string()
}

#[test]
fn without_a_secret_sessctl_names_both_ways_to_give_one_and_exits_2() {
    let out = sessctl().args(["mint", "--user", "1", "--no-store"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("SESSCTL_SECRET") && err.contains("--secret-file"), "{err}");
    assert_eq!(err.trim().lines().count(), 1, "one line: {err}");
}

#[test]
fn the_secret_is_never_a_command_line_value() {
    for flag in ["--secret", "--cookie-secret"] {
        let out = sessctl().args([flag, "x", "mint", "--user", "1", "--no-store"]).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{flag} must not exist");
    }
}

#[test]
fn minted_values_verify_offline_and_tampering_is_caught() {
    let value = mint_value();
    assert!(value.starts_with("2|1:0|10:"), "{value}");
    let out = with_secret(&["verify", "--offline", "-o", "json", &value]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let rec = &json_lines(&out.stdout)[0];
    assert_eq!(rec["valid"], true);
    assert_eq!(rec["status"], "valid");
    assert_eq!(rec["format_version"], 2);
    assert_eq!(rec["key_version"], 0);
    assert_eq!(rec["session_id"].as_str().unwrap().len(), 43);
    assert!(rec["signed_at"].as_str().unwrap().ends_with('Z'));

    let mut tampered = value.clone().into_bytes();
    let last = tampered.len() - 1;
    tampered[last] = if tampered[last] == b'0' { b'1' } else { b'0' };
    let tampered = String::from_utf8(tampered).unwrap();
    let out = with_secret(&["verify", "--offline", "-o", "json", &value, &tampered]).output().unwrap();
    assert_eq!(out.status.code(), Some(3));
    let recs = json_lines(&out.stdout);
    assert_eq!(recs.len(), 2);
    assert_eq!(recs[1]["valid"], false);
    assert_eq!(recs[1]["status"], "bad_signature");
}

#[test]
fn verify_reads_stdin_and_every_input_form() {
    let value = mint_value();
    let lines = format!(
        "{value}\n\"{value}\"\nsession_id=\"{value}\"\nCookie: theme=dark; session_id=\"{value}\"; x=1\nSet-Cookie: session_id=\"{value}\"; expires=Sun, 06 Dec 2026 10:44:49 GMT; HttpOnly; Path=/\r\n"
    );
    let out = run_with_stdin(with_secret(&["verify", "--offline", "-o", "json"]), lines.as_bytes());
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let recs = json_lines(&out.stdout);
    assert_eq!(recs.len(), 5);
    assert!(recs.iter().all(|r| r["valid"] == true && r["session_id"] == recs[0]["session_id"]));

    let out = run_with_stdin(with_secret(&["verify", "--offline", "-o", "json", "-"]), b"Cookie: other=1\n");
    assert_eq!(out.status.code(), Some(3));
    assert_eq!(json_lines(&out.stdout)[0]["status"], "wrong_name");
}

#[test]
fn a_secret_file_loses_one_trailing_newline() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("secret");
    std::fs::write(&file, format!("{SECRET}\n")).unwrap();
    let mut cmd = sessctl();
    cmd.args(["--secret-file", file.to_str().unwrap(), "mint", "--user", "7", "--no-store"]);
    let value = stdout_of(cmd).trim().to_string();
    let out = with_secret(&["verify", "--offline", &value]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));

    let mut cmd = sessctl();
    cmd.env("SESSCTL_SECRET_FILE", dir.path().join("missing")).args(["mint", "--user", "7", "--no-store"]);
    let out = cmd.output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot read the secret file"));
}

#[test]
fn key_rings_sign_with_the_highest_version_unless_told() {
    let ring = r#"{"0": "old secret", "1": "new secret"}"#;
    let mut cmd = sessctl();
    cmd.env("SESSCTL_SECRET", ring).args(["mint", "--user", "1", "--no-store", "--format", "json"]);
    let rec: serde_json::Value = serde_json::from_str(stdout_of(cmd).trim()).unwrap();
    assert_eq!(rec["key_version"], 1);
    assert!(rec["cookie"].as_str().unwrap().starts_with("2|1:1|"));

    let mut cmd = sessctl();
    cmd.env("SESSCTL_SECRET", ring).env("SESSCTL_KEY_VERSION", "0").args(["mint", "--user", "1", "--no-store"]);
    let old = stdout_of(cmd).trim().to_string();
    assert!(old.starts_with("2|1:0|"));
    // Verifiable with the ring, and with the old secret alone.
    let mut cmd = sessctl();
    cmd.env("SESSCTL_SECRET", ring).args(["verify", "--offline", &old]);
    assert_eq!(cmd.output().unwrap().status.code(), Some(0));
    let mut cmd = sessctl();
    cmd.env("SESSCTL_SECRET", "old secret").args(["verify", "--offline", &old]);
    assert_eq!(cmd.output().unwrap().status.code(), Some(0));

    let mut cmd = sessctl();
    cmd.env("SESSCTL_SECRET", r#"{"5": "x"}"#).args(["verify", "--offline", "-o", "json", &old]);
    let out = cmd.output().unwrap();
    assert_eq!(out.status.code(), Some(3));
    assert_eq!(json_lines(&out.stdout)[0]["status"], "unknown_key_version");
}

#[test]
fn mint_formats_match_what_tornado_sends() {
    let cookie = stdout_of(with_secret(&["mint", "--user", "1", "--no-store", "--format", "cookie"]));
    assert!(cookie.starts_with("session_id=\"2|1:0|") && cookie.trim_end().ends_with('"'), "{cookie}");
    let header = stdout_of(with_secret(&["mint", "--user", "1", "--no-store", "--format", "header"]));
    let header = header.trim_end();
    let re_ok = header.starts_with("Set-Cookie: session_id=\"2|1:0|10:")
        && header.contains("\"; expires=")
        && header.ends_with(" GMT; HttpOnly; Path=/; Secure");
    assert!(re_ok, "{header}");
    let many = stdout_of(with_secret(&["mint", "--user", "1", "--no-store", "--count", "50"]));
    let lines: std::collections::HashSet<&str> = many.lines().collect();
    assert_eq!(lines.len(), 50, "50 distinct cookies");
    let json = stdout_of(with_secret(&["mint", "--user", "u", "--no-store", "-o", "json"]));
    let rec: serde_json::Value = serde_json::from_str(json.trim()).unwrap();
    for field in ["session_id", "user", "cookie", "expires_at"] {
        assert!(!rec[field].is_null(), "{field} missing in {rec}");
    }
}

#[test]
fn decode_needs_no_secret_and_says_it_is_unverified() {
    let value = mint_value();
    let out = sessctl().args(["decode", &value]).output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("UNVERIFIED"), "{text}");
    let out = sessctl().args(["decode", "-o", "json", &value]).output().unwrap();
    let rec = &json_lines(&out.stdout)[0];
    assert_eq!(rec["verified"], false);
    assert_eq!(rec["name"], "session_id");
    assert_eq!(rec["session_id"].as_str().unwrap().len(), 43);
    let out = sessctl().args(["decode", "not a cookie"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn an_unreachable_redis_is_one_line_naming_the_address_and_exit_1() {
    let port = free_port();
    let url = format!("redis://127.0.0.1:{port}/0");
    let out = sessctl().args(["list", "-r", &url]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(err.contains(&format!("127.0.0.1:{port}")), "{err}");
}

#[test]
fn bad_flags_are_usage_errors() {
    for args in [&["list", "--limit", "x"][..], &["mint"], &["cleanup", "--max-age", "soon"], &["nonsense"]] {
        let out = sessctl().args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(err.trim().lines().count(), 1, "one line: {err}");
        assert!(err.contains("--help"), "says where to read more: {err}");
    }
    // Formats a command cannot write are refused before anything is read or stored.
    for format in ["csv", "prometheus"] {
        let out =
            sessctl().args(["mint", "--user", "1", "-r", "redis://127.0.0.1:1/0", "-o", format]).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "mint -o {format}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("-o json") && err.trim().lines().count() == 1, "{err}");
    }
    let out = with_secret(&["verify", "--offline", "--max-age-days", "NaN", "x"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    // A zero max age would be `revoke --all` by another name: refused before Redis.
    let out = sessctl().args(["cleanup", "--max-age", "0s", "-r", "redis://127.0.0.1:1/0"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("revoke --all"));
    let out = sessctl().args(["list", "-r", "http://example"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2), "a malformed URL is a usage error");
    // An empty prefix would make every key a session: refused before Redis is touched.
    let out =
        sessctl().args(["revoke", "--all", "--yes", "--prefix", "", "-r", "redis://127.0.0.1:1/0"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--prefix"));
}

#[test]
fn a_closed_pipe_ends_output_quietly() {
    let mut child = with_secret(&["mint", "--user", "1", "--no-store", "--count", "200000"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let mut first = [0u8; 10];
    std::io::Read::read_exact(&mut stdout, &mut first).unwrap();
    drop(stdout);
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "status {:?}", out.status);
    assert!(out.stderr.is_empty(), "stderr: {}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn no_input_panics_the_binary() {
    let junk: Vec<u8> = (0u8..=255).chain(b"2|1:0|".iter().copied()).collect();
    let mut cmd = with_secret(&["verify", "--offline", "-o", "json"]);
    cmd.stdin(Stdio::piped());
    let out = run_with_stdin(cmd, &junk);
    assert_eq!(out.status.code(), Some(3));
    assert!(!String::from_utf8_lossy(&out.stderr).contains("panicked"));
    let _ = std::io::stdout().flush();
}

#[test]
fn an_interrupted_verify_never_leaves_half_a_record_on_stdout() {
    // Verify on a pipe stays interruptible (a read may block), so Ctrl-C ends it between
    // batches: each batch is written whole before a signal may end the process.
    // Key versions 9 and 10 give records of two lengths: a cut cannot fall on a record's end
    // by the chance of fixed-size records.
    let ring = r#"{"9":"test-secret-nine-0123456789abcdef0123","10":"test-secret-ten-0123456789abcdef01234"}"#;
    let mint = |version: &str| {
        let mut cmd = sessctl();
        cmd.env("SESSCTL_SECRET", ring).args(["mint", "--user", "7", "--no-store", "--count", "50000"]);
        cmd.args(["--key-version", version]);
        stdout_of(cmd)
    };
    let (nine, ten) = (mint("9"), mint("10"));
    let cookies: String = nine.lines().zip(ten.lines()).flat_map(|(a, b)| [a, "\n", b, "\n"]).collect();
    let mut child = sessctl();
    child.env("SESSCTL_SECRET", ring).args(["verify", "--offline", "--raw", "-o", "json"]);
    let mut child = child.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    let mut stdin = child.stdin.take().unwrap();
    // All cookies, but stdin stays open: verify answers full batches, then waits for more.
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(cookies.as_bytes());
        stdin
    });
    let mut stdout = child.stdout.take().unwrap();
    let (started, output_flows) = std::sync::mpsc::channel();
    let (go_on, resume) = std::sync::mpsc::channel::<()>();
    let reader = std::thread::spawn(move || {
        use std::io::Read;
        let mut out = Vec::new();
        let mut buf = [0u8; 8192];
        loop {
            match stdout.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    out.extend_from_slice(&buf[..n]);
                    if started.send(()).is_ok() && out.len() == n {
                        // A slow reader: the pipe fills and verify blocks in the middle of a write.
                        let _ = resume.recv();
                    }
                }
            }
        }
        out
    });
    // Interrupt while verify is blocked writing a batch, then let the reader drain the pipe.
    output_flows.recv_timeout(std::time::Duration::from_secs(60)).expect("verify never wrote anything");
    std::thread::sleep(std::time::Duration::from_millis(300));
    let status = Command::new("kill").args(["-INT", &child.id().to_string()]).status().unwrap();
    assert!(status.success());
    std::thread::sleep(std::time::Duration::from_millis(300));
    go_on.send(()).unwrap();
    let status = child.wait().unwrap();
    drop(writer.join().unwrap());
    let out = reader.join().unwrap();
    assert_eq!(status.code(), Some(130));
    assert!(!out.is_empty());
    assert_eq!(out.last(), Some(&b'\n'), "the output ends in the middle of a record");
    let records = json_lines(&out);
    assert!(records.len() < 100_000, "stdin stayed open: verify cannot have answered every cookie");
    assert!(records.iter().all(|r| r["valid"] == true), "every record is whole and valid");
}

#[test]
fn near_miss_pastes_are_malformed_with_the_real_reason_and_tornado_rejects_them_too() {
    let value = mint_value();
    let encoded: String = value
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b == b'_' || b == b'-' {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    let cases: Vec<(String, &str)> = vec![
        (format!("\"\"{value}\"\""), "quoted twice"),
        (format!("'{value}'"), "single quotes"),
        (format!("session_id='{value}'"), "single quotes"),
        (format!("session_id:\"{value}\""), "colon where = belongs"),
        (format!("session_id: {value}"), "colon where = belongs"),
        (format!("\"session_id={value}\""), "whole session_id=… pair is in quotes"),
        (encoded.clone(), "URL-encoded (%7C stands for |)"),
        (format!("session_id={encoded}"), "URL-encoded (%7C stands for |)"),
        (format!("Cookie: session_id=%22{value}%22"), "URL-encoded (%22 stands for \")"),
    ];
    // Tornado, given each paste as the Cookie header (or the value of session_id), accepts none.
    let script = "import sys\nfrom tornado.httputil import parse_cookie\nfrom tornado.web import decode_signed_value\n\
        for line in sys.stdin.read().splitlines():\n\
        \x20   h = bytes.fromhex(line).decode('latin-1')\n\
        \x20   h = h[len('Cookie:'):] if h.startswith('Cookie:') else h\n\
        \x20   v = parse_cookie(h).get('session_id')\n\
        \x20   if v is None: v = h\n\
        \x20   print('accepted' if decode_signed_value(sys.argv[1], 'session_id', v) else 'rejected')\n";
    let mut py = Command::new(python());
    py.args(["-c", script, SECRET]).stdin(Stdio::piped()).stdout(Stdio::piped());
    let mut child = py.spawn().unwrap();
    let input: String = cases.iter().map(|(paste, _)| hex::encode(paste) + "\n").collect();
    child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
    let answers = String::from_utf8(child.wait_with_output().unwrap().stdout).unwrap();
    assert_eq!(answers.lines().collect::<Vec<_>>(), vec!["rejected"; cases.len()], "{answers}");
    // (The plain value is accepted by both: the oracle is not just saying no.)
    assert_eq!(with_secret(&["verify", "--offline", &value]).output().unwrap().status.code(), Some(0));

    for (paste, why) in &cases {
        let out = with_secret(&["verify", "--offline", "-o", "json", "--", paste]).output().unwrap();
        assert_eq!(out.status.code(), Some(3), "{paste}");
        let rec = &json_lines(&out.stdout)[0];
        assert_eq!(rec["status"], "malformed", "{paste}: {rec}");
        assert!(rec["reason"].as_str().unwrap().contains(why), "{paste}: {rec}");
        let out = with_secret(&["revoke", "-r", "redis://127.0.0.1:1/0", "--", paste]).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{paste}: {}", String::from_utf8_lossy(&out.stderr));
        assert!(
            String::from_utf8_lossy(&out.stderr).contains(why),
            "{paste}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    // With a key ring a URL-encoded value is not "a v1 value".
    let dir = tempfile::tempdir().unwrap();
    let ring = dir.path().join("ring.json");
    std::fs::write(&ring, format!("{{\"0\":\"{SECRET}\",\"1\":\"another-secret-0123456789\"}}")).unwrap();
    let out = sessctl()
        .args(["--secret-file", ring.to_str().unwrap(), "verify", "--offline", "-o", "json", &encoded])
        .output()
        .unwrap();
    let rec = &json_lines(&out.stdout)[0];
    assert!(rec["reason"].as_str().unwrap().contains("URL-encoded"), "{rec}");
    // And decode says the same.
    let out = with_secret(&["decode", &format!("session_id:\"{value}\"")]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("colon where = belongs"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn dump_flags_on_commands_that_read_no_dumps_name_the_ones_that_do() {
    for (args, snapshot) in [
        (&["revoke", "--rdb", "dump.rdb"][..], true),
        (&["cleanup", "--rdb=dump.rdb"], true),
        (&["revoke", "--now"], true),
        (&["mint", "--user", "1", "--rdb", "dump.rdb"], false),
        (&["restore", "b.jsonl", "--rdb", "dump.rdb"], false),
    ] {
        let out = with_secret(args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(err.trim().lines().count(), 1, "{err}");
        assert!(!err.contains("-- --"), "{args:?}: no advice to pass the flag as a value: {err}");
        assert!(err.contains("verify, list and stats"), "{args:?}: {err}");
        assert_eq!(err.contains(&format!("`{} --snapshot`", args[0])), snapshot, "{args:?}: {err}");
    }
}
