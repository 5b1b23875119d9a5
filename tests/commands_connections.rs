//! The binary over every kind of connection (TLS, ACL user, Unix socket), and a `list` that
//! stays exact while its connections are killed under it.

use crate::support;

use std::process::Output;
use std::sync::atomic::{AtomicBool, Ordering};

use support::proxy::{Fault, Proxy, What, When};
use support::*;

fn run(urls: &[String], extra_env: &[(&str, &str)], args: &[&str]) -> Output {
    let mut cmd = sessctl();
    cmd.env("SESSCTL_SECRET", "connections-secret");
    for (k, v) in extra_env {
        cmd.env(k, v);
    }
    for url in urls {
        cmd.args(["-r", url]);
    }
    cmd.args(args).output().unwrap()
}

/// Runs `f` while `server`'s clients are killed every ~10 ms; returns what `f` returned and
/// how many clients were killed.
fn while_killing<T: Send>(server: &RedisServer, f: impl FnOnce() -> T) -> (T, u64) {
    let done = AtomicBool::new(false);
    std::thread::scope(|s| {
        let kills = s.spawn(|| kill_clients_until(server, &done).1);
        let out = f();
        done.store(true, Ordering::SeqCst);
        (out, kills.join().unwrap())
    })
}

fn ok(out: Output) -> String {
    assert!(out.status.success(), "exit {:?}: {}", out.status.code(), String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

/// mint → list → verify → revoke through one connection setting.
fn round_trip(url: &str, env: &[(&str, &str)]) {
    let urls = vec![url.to_string()];
    let cookie = ok(run(&urls, env, &["mint", "--user", "tls-user"])).trim().to_string();
    assert_eq!(ok(run(&urls, env, &["list", "--count"])).trim(), "1");
    ok(run(&urls, env, &["verify", &cookie]));
    let summary = ok(run(&urls, env, &["revoke", "--user", "tls-user", "-o", "json"]));
    assert!(summary.contains("\"revoked\":1"), "{summary}");
    let out = run(&urls, env, &["verify", &cookie]);
    assert_eq!(out.status.code(), Some(4));
}

#[test]
fn tls_with_the_servers_ca() {
    let server = RedisServer::start_with(RedisOptions { tls: true, ..Default::default() });
    let ca = server.tls.as_ref().unwrap().ca.display().to_string();
    round_trip(&server.url(), &[("SESSCTL_TLS_CA", &ca)]);
    // Without the CA the certificate is not trusted: one line, exit 1, naming --tls-ca.
    let out = run(&[server.url()], &[], &["list", "--count"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(err.contains("--tls-ca"), "{err}");
}

#[test]
fn acl_user_with_a_password() {
    let server = RedisServer::start();
    server.cli(&["ACL", "SETUSER", "sessctl", "on", ">s3cret-pw", "~session:*", "+@all"]);
    round_trip(&format!("redis://sessctl:s3cret-pw@127.0.0.1:{}/0", server.port), &[]);
    let out = run(&[format!("redis://sessctl:wrong@127.0.0.1:{}/0", server.port)], &[], &["list"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.contains("wrong") && !err.contains("s3cret"), "no password in errors: {err}");
}

#[test]
fn unix_socket() {
    let server = RedisServer::start_with(RedisOptions { unix_socket: true, ..Default::default() });
    round_trip(&format!("unix://{}", server.socket.as_ref().unwrap().display()), &[]);
}

/// `list` through a proxy that loses a SCAN reply and cuts an MGET reply half-way: every
/// session exactly once, and the reconnects are reported.
#[test]
fn list_is_exact_when_replies_are_lost_and_says_so() {
    const N: u64 = 20_000;
    let server = RedisServer::start();
    server.pipe(&sessions_protocol("session:", N, 1000));
    let proxy = Proxy::start(
        server.port,
        vec![
            Fault::new(When::reply("SCAN", 5), What::Cut),
            Fault::new(When::reply("MGET", 40), What::CutMidReply { bytes: 1000 }),
        ],
    );
    let out = run(&[proxy.url()], &[], &["list", "-o", "json", "--scan-count", "100"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert_eq!(proxy.fired(), 2);
    let ids: std::collections::HashSet<String> =
        json_lines(&out.stdout).iter().map(|l| l["session_id"].as_str().unwrap().to_string()).collect();
    assert_eq!(ids.len() as u64, N, "every session ({stderr})");
    assert_eq!(String::from_utf8_lossy(&out.stdout).lines().count() as u64, N, "no duplicates");
    assert!(stderr.contains("the connection to Redis dropped 2 times; the scan resumed where it stopped"), "{stderr}");
}

/// A connection cut while it says hello, or asks whether the server is a cluster, is tried
/// again: the run succeeds and is exact.
#[test]
fn connecting_survives_cuts_at_each_step() {
    let server = RedisServer::start();
    server.pipe(&sessions_protocol("session:", 2000, 10));
    for fault in [
        Fault::new(When::Handshake { nth: 1 }, What::Cut),
        Fault::new(When::reply("INFO", 1), What::CutMidReply { bytes: 10 }),
        Fault::new(When::Handshake { nth: 2 }, What::Cut),
    ] {
        let proxy = Proxy::start(server.port, vec![fault.clone()]);
        let out = run(&[proxy.url()], &[], &["list", "--count", "--scan-count", "500"]);
        assert_eq!(ok(out).trim(), "2000", "{fault:?}");
        assert_eq!(proxy.fired(), 1, "{fault:?}");
    }
}

/// A Redis user that may run the compare-and-delete script but not load it: one clear line
/// naming SCRIPT LOAD and the ACL, exit 1, and nothing deleted.
#[test]
fn a_user_who_cannot_load_scripts_gets_one_clear_line() {
    let server = RedisServer::start();
    server.pipe(&sessions_protocol("session:", 10, 2));
    server.cli(&["ACL", "SETUSER", "noload", "on", ">pw", "~*", "+@all", "-script|load"]);
    let url = format!("redis://noload:pw@127.0.0.1:{}/0", server.port);
    let out = run(&[url], &[], &["revoke", "--user", "user1"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(err.contains("SCRIPT LOAD") && err.contains("ACL"), "{err}");
    assert_eq!(server.cli(&["DBSIZE"]), "10");
}

/// `revoke --user` through a proxy that loses compare-and-delete replies (before a reply, and
/// in the middle of one): every session of the user is gone, no other, and the reported count
/// is exactly what Redis lost.
#[test]
fn revoke_counts_exactly_when_delete_replies_are_lost() {
    const N: u64 = 20_000;
    let server = RedisServer::start();
    server.pipe(&sessions_protocol("session:", N, 4));
    let proxy = Proxy::start(
        server.port,
        vec![
            Fault::new(When::reply("EVALSHA", 1500), What::Cut),
            Fault::new(When::reply("EVALSHA", 3700), What::CutMidReply { bytes: 2 }),
        ],
    );
    let out = run(&[proxy.url()], &[], &["revoke", "--user", "user1", "-o", "json", "--scan-count", "100"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert_eq!(proxy.fired(), 2);
    let summary: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(server.cli(&["DBSIZE"]), (N - N / 4).to_string(), "exactly user1's sessions are gone");
    assert_eq!(summary["revoked"], N / 4, "the count is exact: {summary}; {stderr}");
}

/// The soak test: `revoke --user` over 200,000 sessions while every client is killed every
/// 10 ms. Whatever the kills hit, every session of the user is gone, no other session is
/// touched, and the reported count is what Redis lost.
#[test]
fn revoke_is_exact_while_connections_are_killed() {
    const N: u64 = 200_000;
    let server = RedisServer::start();
    server.pipe(&sessions_protocol("session:", N, 4));
    let (out, kills) = while_killing(&server, || {
        run(&[server.url()], &[], &["revoke", "--user", "user1", "-o", "json", "--scan-count", "100"])
    });
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    eprintln!("{kills} clients killed during the revoke");
    let summary: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(server.cli(&["DBSIZE"]), (N - N / 4).to_string(), "exactly user1's sessions are gone");
    assert_eq!(summary["revoked"], N / 4, "the count is exact ({kills} kills): {summary}; {stderr}");
}

/// `mint --count` through a proxy that loses SET replies: every session stored is one
/// printed (a SET whose reply was lost is not taken for an id collision and minted again),
/// and all verify.
#[test]
fn mint_stores_exactly_what_it_prints_when_replies_are_lost() {
    const N: u64 = 5_000;
    let server = RedisServer::start();
    let proxy = Proxy::start(
        server.port,
        vec![
            Fault::new(When::reply("SET", 900), What::Cut),
            Fault::new(When::reply("SET", 3100), What::CutMidReply { bytes: 3 }),
        ],
    );
    let stdout = ok(run(&[proxy.url()], &[], &["mint", "--user", "minted", "--count", &N.to_string()]));
    assert_eq!(proxy.fired(), 2);
    assert_eq!(stdout.lines().count() as u64, N);
    assert_eq!(server.cli(&["DBSIZE"]), N.to_string(), "no session stored but not printed");
    let out = run_with_stdin(
        {
            let mut cmd = sessctl();
            cmd.env("SESSCTL_SECRET", "connections-secret").args(["-r", &server.url(), "verify", "-q"]);
            cmd
        },
        stdout.as_bytes(),
    );
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
}

/// One line on stderr, returned.
fn one_line_error(out: &Output, code: i32) -> String {
    let err = String::from_utf8_lossy(&out.stderr).to_string();
    assert_eq!(out.status.code(), Some(code), "{err}");
    assert_eq!(err.trim().lines().count(), 1, "one line: {err}");
    assert!(out.stdout.is_empty(), "nothing on stdout: {}", String::from_utf8_lossy(&out.stdout));
    err
}

/// A server that requires client certificates (`tls-auth-clients yes`): the binary gets in
/// with `SESSCTL_TLS_CERT`/`SESSCTL_TLS_KEY`; without them it says in one line which flags
/// to give; half of the pair is a usage error.
#[test]
fn mutual_tls_through_the_binary() {
    let server = RedisServer::start_with(RedisOptions { tls: true, tls_auth_clients: true, ..Default::default() });
    let files = server.tls.clone().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (cert, key) = client_certificate(&files, dir.path(), "client", KeyForm::Pkcs1Rsa);
    let (ca, cert, key) = (files.ca.display().to_string(), cert.display().to_string(), key.display().to_string());
    round_trip(&server.url(), &[("SESSCTL_TLS_CA", &ca), ("SESSCTL_TLS_CERT", &cert), ("SESSCTL_TLS_KEY", &key)]);

    let out = run(&[server.url()], &[("SESSCTL_TLS_CA", &ca)], &["list", "--count"]);
    let err = one_line_error(&out, 1);
    assert!(err.contains("requires a client certificate"), "{err}");
    assert!(err.contains("--tls-cert") && err.contains("--tls-key"), "{err}");

    let out = run(&[server.url()], &[("SESSCTL_TLS_CA", &ca)], &["--tls-cert", &cert, "list"]);
    let err = one_line_error(&out, 2);
    assert!(err.contains("--tls-key"), "{err}");

    let out = run(&[server.url()], &[("SESSCTL_TLS_CA", &ca)], &["--tls-cert", &cert, "--tls-key", &ca, "list"]);
    let err = one_line_error(&out, 2);
    assert!(err.contains("no private key in it") && err.contains("--tls-key"), "{err}");
}

/// The connection mistakes of issue 6: `rediss://` against a plain-text server says TLS is
/// the likely cause; a database that is not a number is one clean usage line.
#[test]
fn connection_mistakes_get_one_clean_line() {
    let plain = RedisServer::start();
    let url = format!("rediss://127.0.0.1:{}/0", plain.port);
    let out = run(&[url], &[("SESSCTL_TIMEOUT", "2s")], &["list"]);
    let err = one_line_error(&out, 1);
    assert!(err.contains("does not speak TLS") && err.contains("TLS is the likely cause"), "{err}");

    let out = run(&["redis://h:6379/abc".to_string()], &[], &["list"]);
    let err = one_line_error(&out, 2);
    assert!(err.contains("the database \"abc\" is not a number"), "{err}");
    assert!(!err.contains("InvalidClientConfig"), "{err}");
}
