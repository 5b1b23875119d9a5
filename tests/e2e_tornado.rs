//! End to end: a real Tornado app using the real `tornado-auth-sessions` package
//! (tests/e2e/app.py) and a real redis-server, with sessctl working on the sessions the
//! app made and the app accepting (or no longer accepting) what sessctl did.
//!
//! The app is reached over plain HTTP/1.1 with a tiny std::net client (`Connection: close`).
//! Redis itself (redis-cli) is the oracle for which sessions exist.
use crate::support;

use std::collections::{BTreeMap, BTreeSet};
use std::fs::File;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use base64::Engine;
use serde_json::Value;
use support::*;

const SECRET: &str = "e2e cookie secret, long enough to look real";
const KEY_RING: &str = r#"{"0":"old","1":"new"}"#;
/// tornado-auth-sessions' session lifetime (SETEX 604800).
const SESSION_TTL: i64 = 604_800;

// ---------------------------------------------------------------------------------------
// The app

/// tests/e2e/app.py running on a free port; killed when dropped.
struct App {
    port: u16,
    child: Child,
    logs: tempfile::TempDir,
}

impl App {
    /// Starts the app against `redis` with the cookie secret `secret` (a JSON key ring is
    /// given to Tornado as a dict `cookie_secret`, with `key_version` when given).
    fn start(redis: &RedisServer, secret: &str, key_version: Option<u32>) -> App {
        let logs = tempfile::tempdir().unwrap();
        let port = free_port();
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/e2e/app.py");
        let mut cmd = Command::new(python());
        cmd.arg(&script)
            .args(["--port", &port.to_string()])
            .args(["--redis-port", &redis.port.to_string()])
            .env("E2E_COOKIE_SECRET", secret)
            .env("PYTHONUNBUFFERED", "1")
            .env("PYTHONDONTWRITEBYTECODE", "1")
            .env_remove("E2E_KEY_VERSION")
            .stdin(Stdio::null())
            .stdout(File::create(logs.path().join("stdout")).unwrap())
            .stderr(File::create(logs.path().join("stderr")).unwrap());
        if let Some(version) = key_version {
            cmd.env("E2E_KEY_VERSION", version.to_string());
        }
        let child = cmd.spawn().expect("start tests/e2e/app.py");
        let mut app = App { port, child, logs };
        app.wait_ready();
        app
    }

    fn log(&self, name: &str) -> String {
        std::fs::read_to_string(self.logs.path().join(name)).unwrap_or_default()
    }

    /// Waits (bounded) for the READY line, then for /health to answer.
    fn wait_ready(&mut self) {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                panic!(
                    "app.py exited ({status}) before it was ready\nstdout:\n{}\nstderr:\n{}",
                    self.log("stdout"),
                    self.log("stderr")
                );
            }
            if self.log("stdout").contains("READY") {
                if let Ok(response) = try_http(self.port, "GET", "/health", None, None) {
                    if response.status == 200 {
                        return;
                    }
                }
            }
            assert!(
                Instant::now() < deadline,
                "app.py not ready after 30 s\nstdout:\n{}\nstderr:\n{}",
                self.log("stdout"),
                self.log("stderr")
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn request(&self, method: &str, path: &str, cookie: Option<&str>, form: Option<&str>) -> Response {
        try_http(self.port, method, path, cookie, form)
            .unwrap_or_else(|e| panic!("{method} {path} failed: {e}\napp stderr:\n{}", self.log("stderr")))
    }

    /// POST /login as `user`; returns what the browser got.
    fn login(&self, user: &str) -> Login {
        let response = self.request("POST", "/login", None, Some(&format!("user={user}")));
        assert_eq!(response.status, 200, "login {user}: {response:?}");
        let set_cookie = response
            .header_values("set-cookie")
            .into_iter()
            .find(|v| v.starts_with("session_id="))
            .unwrap_or_else(|| panic!("no session_id Set-Cookie in {response:?}"))
            .to_string();
        let pair = set_cookie.split(';').next().unwrap().trim().to_string();
        let session_id = session_id_of(&pair);
        Login { user: user.to_string(), set_cookie_line: format!("Set-Cookie: {set_cookie}"), pair, session_id }
    }

    /// GET /whoami with `cookie` (a `name=value` pair as a browser sends it).
    fn whoami(&self, cookie: &str) -> Response {
        self.request("GET", "/whoami", Some(cookie), None)
    }

    fn assert_logged_in_as(&self, cookie: &str, user: &str) {
        let response = self.whoami(cookie);
        assert_eq!(
            (response.status, response.body.as_str()),
            (200, user),
            "GET /whoami with {cookie}: expected user {user}: {response:?}"
        );
    }

    fn assert_sent_to_login(&self, cookie: &str) {
        let response = self.whoami(cookie);
        assert_eq!(response.status, 302, "GET /whoami with {cookie}: {response:?}");
        let location = response.header_values("location");
        assert!(
            location.first().is_some_and(|l| l.starts_with("/login")),
            "redirect to {location:?}, expected /login: {response:?}"
        );
    }
}

impl Drop for App {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One login as the app's client saw it.
#[derive(Debug, Clone)]
struct Login {
    user: String,
    /// The whole header line: `Set-Cookie: session_id="2|1:0|…"; expires=…; HttpOnly; Path=/`.
    set_cookie_line: String,
    /// `session_id="2|1:0|…"`, as the browser sends it back.
    pair: String,
    /// The session id inside the signed value (read without the secret).
    session_id: String,
}

/// The payload of a v2 signed value in a `session_id="…"` pair, decoded without checking the
/// signature: `2|1:kv|n:ts|n:name|n:base64(value)|sig`.
fn session_id_of(pair: &str) -> String {
    let value = pair.split_once('=').unwrap().1.trim_matches('"');
    let fields: Vec<&str> = value.split('|').collect();
    assert_eq!(fields.len(), 6, "not a v2 signed value: {value}");
    let payload = fields[4].split_once(':').unwrap().1;
    let bytes = base64::engine::general_purpose::STANDARD.decode(payload).unwrap();
    let id = String::from_utf8(bytes).unwrap();
    assert_eq!(id.len(), 43, "token_urlsafe(32) is 43 chars: {id}");
    id
}

// ---------------------------------------------------------------------------------------
// A tiny HTTP/1.1 client

#[derive(Debug)]
struct Response {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
}

impl Response {
    fn header_values(&self, name: &str) -> Vec<&str> {
        self.headers.iter().filter(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str()).collect()
    }
}

fn try_http(
    port: u16,
    method: &str,
    path: &str,
    cookie: Option<&str>,
    form: Option<&str>,
) -> std::io::Result<Response> {
    let address = std::net::SocketAddr::from(([127, 0, 0, 1], port));
    let mut stream = TcpStream::connect_timeout(&address, Duration::from_secs(5))?;
    stream.set_read_timeout(Some(Duration::from_secs(20)))?;
    stream.set_write_timeout(Some(Duration::from_secs(20)))?;
    let mut request = format!("{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n");
    if let Some(cookie) = cookie {
        request.push_str(&format!("Cookie: {cookie}\r\n"));
    }
    let body = form.unwrap_or("");
    if form.is_some() {
        request.push_str("Content-Type: application/x-www-form-urlencoded\r\n");
    }
    if form.is_some() || method == "POST" {
        request.push_str(&format!("Content-Length: {}\r\n", body.len()));
    }
    request.push_str("\r\n");
    request.push_str(body);
    stream.write_all(request.as_bytes())?;
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw)?;
    let text = String::from_utf8_lossy(&raw);
    let (head, body) =
        text.split_once("\r\n\r\n").ok_or_else(|| std::io::Error::other(format!("no end of headers in {text:?}")))?;
    let mut lines = head.split("\r\n");
    let status_line = lines.next().unwrap_or_default();
    let status = status_line
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| std::io::Error::other(format!("bad status line {status_line:?}")))?;
    let headers =
        lines.filter_map(|l| l.split_once(':')).map(|(n, v)| (n.trim().to_string(), v.trim().to_string())).collect();
    Ok(Response { status, headers, body: body.to_string() })
}

// ---------------------------------------------------------------------------------------
// sessctl and Redis

struct Ran {
    code: Option<i32>,
    stdout: Vec<u8>,
    stderr: String,
    what: String,
}

impl Ran {
    fn context(&self) -> String {
        format!(
            "{}\nexit: {:?}\nstdout:\n{}\nstderr:\n{}",
            self.what,
            self.code,
            String::from_utf8_lossy(&self.stdout),
            self.stderr
        )
    }

    fn expect_code(&self, code: i32) -> &Self {
        assert_eq!(self.code, Some(code), "{}", self.context());
        self
    }

    fn json(&self) -> Vec<Value> {
        let text = String::from_utf8_lossy(&self.stdout);
        text.lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON: {l:?}: {e}\n{}", self.context())))
            .collect()
    }

    fn one_json(&self) -> Value {
        let mut records = self.json();
        assert_eq!(records.len(), 1, "one JSON line expected\n{}", self.context());
        records.remove(0)
    }

    fn text(&self) -> String {
        String::from_utf8_lossy(&self.stdout).to_string()
    }
}

/// Runs sessctl against `redis` with `secret`, giving up (and killing it) after 60 s.
fn run(redis: &RedisServer, secret: &str, args: &[&str]) -> Ran {
    let mut cmd = sessctl();
    cmd.env("SESSCTL_SECRET", secret)
        .env("SESSCTL_REDIS_URL", redis.url())
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let what = format!("sessctl {args:?}");
    let mut child = cmd.spawn().expect("spawn sessctl");
    let mut out = child.stdout.take().unwrap();
    let mut err = child.stderr.take().unwrap();
    let out_reader = std::thread::spawn(move || {
        let mut v = Vec::new();
        let _ = out.read_to_end(&mut v);
        v
    });
    let err_reader = std::thread::spawn(move || {
        let mut v = Vec::new();
        let _ = err.read_to_end(&mut v);
        v
    });
    let deadline = Instant::now() + Duration::from_secs(60);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{what} still running after 60 s; killed");
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    Ran {
        code: status.code(),
        stdout: out_reader.join().unwrap(),
        stderr: String::from_utf8_lossy(&err_reader.join().unwrap()).to_string(),
        what,
    }
}

/// Every `session:*` key and its value, read with redis-cli (the oracle).
fn sessions_in_redis(redis: &RedisServer) -> BTreeMap<String, String> {
    redis
        .cli(&["--scan", "--pattern", "session:*"])
        .lines()
        .filter(|k| !k.is_empty())
        .map(|key| {
            let id = key.strip_prefix("session:").unwrap().to_string();
            (id, redis.cli(&["GET", key]))
        })
        .collect()
}

fn str_field<'a>(record: &'a Value, field: &str) -> &'a str {
    record[field].as_str().unwrap_or_else(|| panic!("{field} is not a string in {record}"))
}

// ---------------------------------------------------------------------------------------
// The checks

#[test]
fn list_shows_exactly_the_sessions_the_app_made_with_their_users() {
    let redis = RedisServer::start();
    let app = App::start(&redis, SECRET, None);
    let logins: Vec<Login> = ["alice", "alice", "bob", "1001"].iter().map(|u| app.login(u)).collect();
    // Not sessions: another prefix, and a key merely containing "session".
    redis.cli(&["SET", "cache:session:x", "alice"]);
    redis.cli(&["SET", "sessions", "bob"]);

    let oracle = sessions_in_redis(&redis);
    let expected: BTreeMap<String, String> = logins.iter().map(|l| (l.session_id.clone(), l.user.clone())).collect();
    assert_eq!(oracle, expected, "the app stored what its cookies name");

    let ran = run(&redis, SECRET, &["list", "-o", "json"]);
    ran.expect_code(0);
    let records = ran.json();
    let listed: BTreeMap<String, String> =
        records.iter().map(|r| (str_field(r, "session_id").to_string(), str_field(r, "user").to_string())).collect();
    assert_eq!(records.len(), logins.len(), "{}", ran.context());
    assert_eq!(listed, expected, "{}", ran.context());
    for record in &records {
        let ttl = record["ttl_seconds"].as_i64().unwrap_or_else(|| panic!("ttl_seconds in {record}"));
        assert!((SESSION_TTL - 120..=SESSION_TTL).contains(&ttl), "ttl {ttl} in {record}");
        assert!(record["expires_at"].is_string(), "expires_at in {record}");
    }

    let ran = run(&redis, SECRET, &["list", "--user", "alice", "-o", "json"]);
    ran.expect_code(0);
    let alice: BTreeSet<String> = ran
        .json()
        .iter()
        .map(|r| {
            assert_eq!(str_field(r, "user"), "alice", "{}", ran.context());
            str_field(r, "session_id").to_string()
        })
        .collect();
    let expected_alice: BTreeSet<String> =
        logins.iter().filter(|l| l.user == "alice").map(|l| l.session_id.clone()).collect();
    assert_eq!(alice, expected_alice, "{}", ran.context());
}

#[test]
fn verify_accepts_the_set_cookie_headers_the_app_sent() {
    let redis = RedisServer::start();
    let app = App::start(&redis, SECRET, None);
    let logins: Vec<Login> = ["alice", "bob"].iter().map(|u| app.login(u)).collect();

    for login in &logins {
        for input in [&login.set_cookie_line, &login.pair] {
            let ran = run(&redis, SECRET, &["verify", "-o", "json", input]);
            ran.expect_code(0);
            let record = ran.one_json();
            assert_eq!(record["valid"], Value::Bool(true), "{}", ran.context());
            assert_eq!(str_field(&record, "status"), "valid", "{}", ran.context());
            assert_eq!(str_field(&record, "user"), login.user, "{}", ran.context());
            assert_eq!(str_field(&record, "session_id"), login.session_id, "{}", ran.context());
            assert_eq!(record["format_version"], 2, "{}", ran.context());
            let ttl = record["ttl_seconds"].as_i64().unwrap_or(-1);
            assert!((SESSION_TTL - 120..=SESSION_TTL).contains(&ttl), "{}", ran.context());
        }
    }

    // Several at once on stdin, one per line: one record each, in order.
    let stdin = logins.iter().map(|l| format!("{}\n", l.set_cookie_line)).collect::<String>();
    let mut cmd = sessctl();
    cmd.env("SESSCTL_SECRET", SECRET).env("SESSCTL_REDIS_URL", redis.url()).args(["verify", "-o", "json"]);
    let output = run_with_stdin(cmd, stdin.as_bytes());
    assert_eq!(output.status.code(), Some(0), "verify on stdin: {}", String::from_utf8_lossy(&output.stderr));
    let users: Vec<String> = json_lines(&output.stdout).iter().map(|r| str_field(r, "user").to_string()).collect();
    assert_eq!(users, ["alice", "bob"]);

    // The same cookie under another secret is a bad signature (exit 3), not a crash.
    let ran = run(&redis, "not the app's secret", &["verify", "-o", "json", &logins[0].pair]);
    ran.expect_code(3);
    let record = ran.one_json();
    assert_eq!(record["valid"], Value::Bool(false), "{}", ran.context());
    assert_eq!(str_field(&record, "status"), "bad_signature", "{}", ran.context());
}

#[test]
fn the_app_accepts_cookies_minted_by_sessctl() {
    let redis = RedisServer::start();
    let app = App::start(&redis, SECRET, None);

    let ran = run(&redis, SECRET, &["mint", "--user", "mallory", "--format", "cookie"]);
    ran.expect_code(0);
    let cookie = ran.text().trim().to_string();
    assert!(cookie.starts_with("session_id=\""), "{}", ran.context());
    app.assert_logged_in_as(&cookie, "mallory");
    assert_eq!(
        sessions_in_redis(&redis).get(&session_id_of(&cookie)).map(String::as_str),
        Some("mallory"),
        "mint stored session:<id> -> user"
    );
    let ttl: i64 = redis.cli(&["TTL", &format!("session:{}", session_id_of(&cookie))]).parse().unwrap();
    assert!((SESSION_TTL - 120..=SESSION_TTL).contains(&ttl), "TTL {ttl}");

    // --count: one cookie per line, each its own session.
    let ran = run(&redis, SECRET, &["mint", "--user", "42", "--count", "3", "--format", "cookie"]);
    ran.expect_code(0);
    let cookies: Vec<String> = ran.text().lines().map(str::to_string).collect();
    assert_eq!(cookies.len(), 3, "{}", ran.context());
    let ids: BTreeSet<String> = cookies.iter().map(|c| session_id_of(c)).collect();
    assert_eq!(ids.len(), 3, "distinct sessions: {}", ran.context());
    for cookie in &cookies {
        app.assert_logged_in_as(cookie, "42");
    }

    // --format header: the pair in the Set-Cookie line works in the browser too.
    let ran = run(&redis, SECRET, &["mint", "--user", "trent", "--format", "header"]);
    ran.expect_code(0);
    let header = ran.text().trim().to_string();
    let rest =
        header.strip_prefix("Set-Cookie: ").unwrap_or_else(|| panic!("not a Set-Cookie line: {}", ran.context()));
    assert!(rest.contains("HttpOnly") && rest.contains("Path=/"), "{}", ran.context());
    app.assert_logged_in_as(rest.split(';').next().unwrap(), "trent");
}

#[test]
fn the_app_accepts_cookies_minted_with_a_key_ring() {
    let redis = RedisServer::start();
    // Tornado: cookie_secret={0: "old", 1: "new"}, key_version=1.
    let app = App::start(&redis, KEY_RING, Some(1));

    // Default: the highest version in the ring, the one the app signs with.
    let ran = run(&redis, KEY_RING, &["mint", "--user", "ring-user", "--format", "cookie"]);
    ran.expect_code(0);
    let cookie = ran.text().trim().to_string();
    assert!(cookie.contains("2|1:1|"), "signed with key 1: {}", ran.context());
    app.assert_logged_in_as(&cookie, "ring-user");

    // An older key still in the ring is accepted by Tornado as well.
    let ran = run(&redis, KEY_RING, &["mint", "--user", "old-key-user", "--key-version", "0", "--format", "cookie"]);
    ran.expect_code(0);
    let cookie = ran.text().trim().to_string();
    assert!(cookie.contains("2|1:0|"), "signed with key 0: {}", ran.context());
    app.assert_logged_in_as(&cookie, "old-key-user");

    // And the other way round: the app's cookie (key 1) verifies with the ring.
    let login = app.login("carol");
    let ran = run(&redis, KEY_RING, &["verify", "-o", "json", &login.set_cookie_line]);
    ran.expect_code(0);
    let record = ran.one_json();
    assert_eq!(record["valid"], Value::Bool(true), "{}", ran.context());
    assert_eq!(str_field(&record, "user"), "carol", "{}", ran.context());
    assert_eq!(record["key_version"], 1, "{}", ran.context());
}

#[test]
fn revoke_by_user_logs_out_only_that_users_sessions() {
    let redis = RedisServer::start();
    let app = App::start(&redis, SECRET, None);
    let alice = [app.login("alice"), app.login("alice"), app.login("alice")];
    let bob = app.login("bob");
    let carol = app.login("carol");
    for login in alice.iter().chain([&bob, &carol]) {
        app.assert_logged_in_as(&login.pair, &login.user);
    }

    // A dry run finds them and deletes nothing.
    let ran = run(&redis, SECRET, &["revoke", "--user", "alice", "--dry-run", "--yes", "-o", "json"]);
    ran.expect_code(0);
    let summary = ran.one_json();
    assert_eq!(summary["matched"], 3, "{}", ran.context());
    assert_eq!(summary["dry_run"], Value::Bool(true), "{}", ran.context());
    assert_eq!(sessions_in_redis(&redis).len(), 5, "dry run deleted nothing");
    app.assert_logged_in_as(&alice[0].pair, "alice");

    let ran = run(&redis, SECRET, &["revoke", "--user", "alice", "--yes", "-o", "json"]);
    ran.expect_code(0);
    let summary = ran.one_json();
    assert_eq!(summary["matched"], 3, "{}", ran.context());
    assert_eq!(summary["revoked"], 3, "{}", ran.context());
    assert_eq!(summary["dry_run"], Value::Bool(false), "{}", ran.context());
    assert!(summary["scanned"].as_u64().is_some_and(|n| n >= 5), "scanned at least the 5 sessions: {}", ran.context());

    for login in &alice {
        app.assert_sent_to_login(&login.pair);
    }
    app.assert_logged_in_as(&bob.pair, "bob");
    app.assert_logged_in_as(&carol.pair, "carol");
    let left: BTreeMap<String, String> = sessions_in_redis(&redis);
    let expected: BTreeMap<String, String> =
        [&bob, &carol].iter().map(|l| (l.session_id.clone(), l.user.clone())).collect();
    assert_eq!(left, expected);

    // Several users in one go.
    let ran = run(&redis, SECRET, &["revoke", "--user", "bob", "--user", "carol", "--yes", "-o", "json"]);
    ran.expect_code(0);
    assert_eq!(ran.one_json()["revoked"], 2, "{}", ran.context());
    app.assert_sent_to_login(&bob.pair);
    app.assert_sent_to_login(&carol.pair);
    assert!(sessions_in_redis(&redis).is_empty());
}

#[test]
fn the_packages_logout_leaves_the_session_alive_and_sessctl_revoke_ends_it() {
    let redis = RedisServer::start();
    let app = App::start(&redis, SECRET, None);
    let dave = app.login("dave");
    let erin = app.login("erin");

    // tornado-auth-sessions 0.0.3: remove_session deletes `session:b'<id>'` (it formats the
    // bytes from get_secure_cookie), so the real key survives and the cookie still works.
    redis.cli(&["CONFIG", "RESETSTAT"]);
    let response = app.request("POST", "/logout", Some(&dave.pair), None);
    assert_eq!(response.status, 200, "{response:?}");
    let stats = redis.cli(&["INFO", "commandstats"]);
    assert!(stats.contains("cmdstat_del:calls=1,"), "the logout sent one DEL: {stats}");
    assert_eq!(
        redis.cli(&["EXISTS", &format!("session:{}", dave.session_id)]),
        "1",
        "the package's logout did not delete the session (known bug)"
    );
    app.assert_logged_in_as(&dave.pair, "dave");
    run(&redis, SECRET, &["verify", "-o", "json", &dave.pair]).expect_code(0);

    // sessctl revoke with the cookie really logs out.
    let ran = run(&redis, SECRET, &["revoke", "-o", "json", "--", &dave.pair]);
    ran.expect_code(0);
    assert_eq!(ran.one_json()["revoked"], 1, "{}", ran.context());
    app.assert_sent_to_login(&dave.pair);
    let ran = run(&redis, SECRET, &["verify", "-o", "json", &dave.pair]);
    ran.expect_code(4);
    let record = ran.one_json();
    assert_eq!(record["valid"], Value::Bool(false), "{}", ran.context());
    assert_eq!(str_field(&record, "status"), "revoked", "{}", ran.context());

    // And by bare session id.
    app.assert_logged_in_as(&erin.pair, "erin");
    let ran = run(&redis, SECRET, &["revoke", "-o", "json", "--", &erin.session_id]);
    ran.expect_code(0);
    assert_eq!(ran.one_json()["revoked"], 1, "{}", ran.context());
    app.assert_sent_to_login(&erin.pair);
    assert!(sessions_in_redis(&redis).is_empty());

    // The app itself is still healthy.
    assert_eq!(app.request("GET", "/health", None, None).status, 200);
}

/// The rotation runbook (docs/rotation.md) step by step against the real app: `gen-secret
/// --ring` turns the app's single secret into a ring with a new version; the app deployed
/// with that ring and `key_version` accepts cookies minted with the new version and still
/// accepts the old ones; once the old version is dropped, its cookies are refused by the app
/// and reported by `verify` as `unknown_key_version` (exit 3).
#[test]
fn a_secret_rotation_with_gen_secret_ring_keeps_old_cookies_until_their_version_is_dropped() {
    let redis = RedisServer::start();
    let old_secret = "the app's secret before the rotation, 41 b";

    // Before: one secret. A login made by the app and a session minted by sessctl.
    let app = App::start(&redis, old_secret, None);
    let before = app.login("alice");
    let ran = run(&redis, old_secret, &["mint", "--user", "bob", "--format", "cookie"]);
    ran.expect_code(0);
    let minted_before = ran.text().trim().to_string();
    assert!(minted_before.contains("2|1:0|"), "a single secret signs as key version 0: {minted_before}");
    app.assert_logged_in_as(&minted_before, "bob");
    drop(app);

    // 1. Add a version.
    let ran = run(&redis, old_secret, &["gen-secret", "--ring"]);
    ran.expect_code(0);
    let ring_text = ran.text().trim().to_string();
    let ring: serde_json::Map<String, Value> = serde_json::from_str(&ring_text).unwrap();
    assert_eq!(ring.keys().cloned().collect::<Vec<_>>(), ["0", "1"], "{}", ran.context());
    assert_eq!(ring["0"], old_secret);
    let new_secret = ring["1"].as_str().unwrap();
    assert!(new_secret.len() >= 43, "{new_secret}");
    assert!(new_secret.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_'), "{new_secret}");
    assert!(!ran.stderr.contains(new_secret) && !ran.stderr.contains(old_secret), "stderr names no secret");
    assert!(ran.stderr.contains("key_version = 1"), "{}", ran.context());

    // 2. Deploy: the app gets the ring and key_version 1.
    let app = App::start(&redis, &ring_text, Some(1));
    // New cookies, minted by sessctl with the ring, carry version 1 and are accepted.
    let ran = run(&redis, &ring_text, &["mint", "--user", "carol", "--format", "cookie"]);
    ran.expect_code(0);
    let minted_after = ran.text().trim().to_string();
    assert!(minted_after.contains("2|1:1|"), "signed with the new version: {minted_after}");
    app.assert_logged_in_as(&minted_after, "carol");
    // The app's own new logins carry version 1 and verify with the ring.
    let after = app.login("dave");
    assert!(after.pair.contains("2|1:1|"), "{}", after.pair);
    let ran = run(&redis, &ring_text, &["verify", "-o", "json", &after.set_cookie_line]);
    ran.expect_code(0);
    assert_eq!(ran.one_json()["key_version"], 1, "{}", ran.context());
    // Cookies signed before the rotation still work, in the app and in verify.
    app.assert_logged_in_as(&before.pair, "alice");
    app.assert_logged_in_as(&minted_before, "bob");
    let ran = run(&redis, &ring_text, &["verify", "-o", "json", &before.pair]);
    ran.expect_code(0);
    assert_eq!(ran.one_json()["key_version"], 0, "{}", ran.context());
    drop(app);

    // 3. After the wait (or a revoke), drop version 0.
    let dropped = format!(r#"{{"1":{}}}"#, Value::String(new_secret.to_string()));
    let app = App::start(&redis, &dropped, Some(1));
    app.assert_sent_to_login(&before.pair);
    app.assert_sent_to_login(&minted_before);
    app.assert_logged_in_as(&minted_after, "carol");
    app.assert_logged_in_as(&after.pair, "dave");
    let ran = run(&redis, &dropped, &["verify", "-o", "json", &before.pair]);
    ran.expect_code(3);
    let record = ran.one_json();
    assert_eq!(record["status"], "unknown_key_version", "{}", ran.context());
    assert_eq!(record["valid"], Value::Bool(false));
    assert_eq!(str_field(&record, "reason"), "key version 0 is not in the key ring");
    let ran = run(&redis, &dropped, &["verify", &minted_after]);
    ran.expect_code(0);
}

/// docs/rotation.md step 2 with several app processes, followed as gen-secret's message says:
/// while some processes still have the single old secret, sessctl signs with the old version
/// (SESSCTL_KEY_VERSION from the message), so its cookies log in on every process; signing with
/// the new version then would be refused by the old processes.
#[test]
fn a_rollout_follows_gen_secret_ring_and_sessctl_cookies_log_in_on_old_and_new_processes() {
    let redis = RedisServer::start();
    let old_secret = "the app's secret before the rollout, 41 by";
    let ran = run(&redis, old_secret, &["gen-secret", "--ring"]);
    ran.expect_code(0);
    let ring = ran.text().trim().to_string();
    // The versions the message gives sessctl, step by step.
    let pinned: Vec<String> = ran
        .stderr
        .split("SESSCTL_KEY_VERSION=")
        .skip(1)
        .map(|rest| rest.chars().take_while(char::is_ascii_digit).collect())
        .collect();
    assert_eq!(pinned, ["0", "1"], "{}", ran.context());
    assert!(ran.stderr.contains("key_version = 0") && ran.stderr.contains("key_version = 1"), "{}", ran.context());

    // Step 1 of the rollout: one process still runs the single old secret, another has the
    // ring with key_version = 0; sessctl has the ring, pinned as the message says.
    let old_process = App::start(&redis, old_secret, None);
    let new_process = App::start(&redis, &ring, Some(0));
    let mint = |version: &str, user: &str| {
        let mut cmd = sessctl();
        cmd.env("SESSCTL_SECRET", &ring)
            .env("SESSCTL_REDIS_URL", redis.url())
            .env("SESSCTL_KEY_VERSION", version)
            .args(["mint", "--user", user, "--format", "cookie"]);
        let out = cmd.output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap().trim().to_string()
    };
    let during = mint(&pinned[0], "erin");
    assert!(during.contains("2|1:0|"), "{during}");
    old_process.assert_logged_in_as(&during, "erin");
    new_process.assert_logged_in_as(&during, "erin");
    let from_new_process = new_process.login("frank");
    old_process.assert_logged_in_as(&from_new_process.pair, "frank");
    // What the runbook used to say (sessctl on the ring, signing with the highest): the old
    // process refuses the cookie.
    let too_soon = mint("1", "gina");
    old_process.assert_sent_to_login(&too_soon);
    new_process.assert_logged_in_as(&too_soon, "gina");
    drop(old_process);
    drop(new_process);

    // Step 2: every process has the ring and signs with 1; so does sessctl.
    let process = App::start(&redis, &ring, Some(1));
    let after = mint(&pinned[1], "hal");
    assert!(after.contains("2|1:1|"), "{after}");
    process.assert_logged_in_as(&after, "hal");
    process.assert_logged_in_as(&during, "erin");
}

/// A secret file ending in a blank line, for an app that strips what it reads: sessctl uses
/// the bytes (one final newline removed), so the app's cookies are bad_signature for it and
/// the app refuses sessctl's; doctor warns about exactly this (`secret-text`).
#[test]
fn a_secret_file_ending_in_a_blank_line_disagrees_with_an_app_that_strips_it_and_doctor_says_so() {
    let redis = RedisServer::start();
    let app = App::start(&redis, SECRET, None);
    let login = app.login("alice");
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("cookie_secret");
    std::fs::write(&file, format!("{SECRET}\n\n")).unwrap();
    let file = file.to_str().unwrap();
    let ran = run(&redis, "unused", &["--secret-file", file, "verify", "-o", "json", &login.pair]);
    ran.expect_code(3);
    assert_eq!(ran.one_json()["status"], "bad_signature", "{}", ran.context());
    let ran = run(&redis, "unused", &["--secret-file", file, "mint", "--user", "bob", "--format", "cookie"]);
    ran.expect_code(0);
    app.assert_sent_to_login(ran.text().trim());
    let ran = run(&redis, "unused", &["--secret-file", file, "doctor", "-o", "json"]);
    let text = ran.json().into_iter().find(|r| r["check"] == "secret-text").expect("a secret-text row");
    assert_eq!(text["status"], "warn", "{text}");
    assert!(text["detail"].as_str().unwrap().contains("bad_signature"), "{text}");
    // The same file without the blank line agrees with the app.
    std::fs::write(file, format!("{SECRET}\n")).unwrap();
    run(&redis, "unused", &["--secret-file", file, "verify", &login.pair]).expect_code(0);
}

#[test]
fn a_bulk_revoke_with_backup_is_undone_by_restore_and_the_app_accepts_the_cookies_again() {
    let redis = RedisServer::start();
    let app = App::start(&redis, SECRET, None);
    let logins = [app.login("alice"), app.login("alice"), app.login("bob"), app.login("carol")];
    let before: BTreeMap<String, String> = sessions_in_redis(&redis);
    assert_eq!(before.len(), 4);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("revoked.jsonl");
    let file = file.to_str().unwrap();

    let ran = run(&redis, SECRET, &["revoke", "--all", "--yes", "-o", "json", "--backup", file]);
    ran.expect_code(0);
    assert_eq!(ran.one_json()["revoked"], 4, "{}", ran.context());
    for login in &logins {
        app.assert_sent_to_login(&login.pair);
    }

    let ran = run(&redis, SECRET, &["restore", file, "-o", "json"]);
    ran.expect_code(0);
    let summary = ran.one_json();
    assert_eq!(summary["restored"], 4, "{}", ran.context());
    assert_eq!(sessions_in_redis(&redis), before, "the same sessions, for the same users");
    for login in &logins {
        app.assert_logged_in_as(&login.pair, &login.user);
        let ttl: i64 = redis.cli(&["TTL", &format!("session:{}", login.session_id)]).parse().unwrap();
        assert!((SESSION_TTL - 60..=SESSION_TTL).contains(&ttl), "TTL {ttl} after the restore");
    }
}
