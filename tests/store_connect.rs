//! Reaching Redis: TLS, ACL users, Unix sockets, passwords, several seeds, and the one-line
//! errors when it goes wrong.
mod support;

use std::sync::atomic::AtomicBool;

use sessctl::store::{Expected, Lookup, ScanRequest, Store, StoreError};
use support::*;

fn connect_err(options: sessctl::store::ConnectOptions) -> String {
    let err = Store::connect(options).expect_err("connect should fail");
    let text = err.to_string();
    eprintln!("error: {text}");
    assert!(!text.contains('\n'), "one line: {text}");
    text
}

/// Writes, reads, scans and deletes one session: the store works over this connection.
fn round_trip(store: &Store) {
    let pairs = vec![(b"session:rt".to_vec(), b"alice".to_vec())];
    assert_eq!(store.create(&pairs, 100).unwrap(), vec![true]);
    assert!(matches!(store.lookup(b"session:rt").unwrap(), Lookup::Session { .. }));
    let mut seen = 0;
    let request = ScanRequest { with_ttl: true, users: Default::default(), count: 10 };
    let summary = store
        .scan(&request, &AtomicBool::new(false), &mut |_| {
            seen += 1;
            true
        })
        .unwrap();
    assert_eq!((summary.scanned, seen), (1, 1));
    let items = [Expected { key: b"session:rt".to_vec(), user: b"alice".to_vec() }];
    assert_eq!(store.delete_if_holds(&items).unwrap(), vec![true]);
}

#[test]
fn a_server_that_is_not_running_is_named_in_one_line() {
    let port = free_port();
    let text = connect_err(store_options(&[format!("redis://127.0.0.1:{port}/0")]));
    assert_eq!(
        text,
        format!("cannot reach Redis at 127.0.0.1:{port}: connection refused; is redis-server running? set SESSCTL_REDIS_URL or --redis-url")
    );
}

#[test]
fn a_wrong_password_says_to_check_the_url_and_never_shows_it() {
    let server = RedisServer::start_with(RedisOptions { password: Some("right-pw".into()), ..Default::default() });
    let url = format!("redis://:hunter2-secret@127.0.0.1:{}/0", server.port);
    let text = connect_err(store_options(&[url]));
    assert!(text.contains("rejected the credentials"), "{text}");
    assert!(text.contains("check the user and password"), "{text}");
    assert!(text.contains(&format!("127.0.0.1:{}", server.port)), "{text}");
    assert!(!text.contains("hunter2"), "{text}");

    let url = format!("redis://127.0.0.1:{}/0", server.port);
    let text = connect_err(store_options(&[url]));
    assert!(text.contains("requires a password"), "{text}");

    round_trip(&Store::connect(store_options(&[server.url()])).unwrap());
}

#[test]
fn an_acl_user_with_a_password_in_the_url() {
    let server = RedisServer::start();
    server.cli(&["ACL", "SETUSER", "sessctl", "on", ">pw", "~session:*", "+@all"]);
    let url = format!("redis://sessctl:pw@127.0.0.1:{}/0", server.port);
    round_trip(&Store::connect(store_options(&[url])).unwrap());

    let url = format!("redis://sessctl:nope@127.0.0.1:{}/0", server.port);
    let text = connect_err(store_options(&[url]));
    assert!(text.contains("rejected the credentials"), "{text}");
    assert!(!text.contains("nope"), "{text}");
}

#[test]
fn tls_with_the_ca_file() {
    let server = RedisServer::start_with(RedisOptions { tls: true, ..Default::default() });
    let ca = server.tls.as_ref().unwrap().ca.clone();
    let mut options = store_options(&[server.url()]);
    assert!(server.url().starts_with("rediss://"));
    options.tls_ca = Some(ca);
    round_trip(&Store::connect(options).unwrap());
}

#[test]
fn tls_without_the_ca_explains_what_to_do() {
    let server = RedisServer::start_with(RedisOptions { tls: true, ..Default::default() });
    let text = connect_err(store_options(&[server.url()]));
    assert!(text.contains("TLS handshake with Redis at 127.0.0.1"), "{text}");
    assert!(text.contains("--tls-ca"), "{text}");

    // #insecure skips verification, as in redis-rs.
    let insecure = format!("rediss://127.0.0.1:{}/0#insecure", server.port);
    round_trip(&Store::connect(store_options(&[insecure])).unwrap());

    // Plain text to a TLS port.
    let plain = format!("redis://127.0.0.1:{}/0", server.port);
    let text = connect_err(store_options(&[plain]));
    assert!(text.contains("rediss://"), "{text}");
}

#[test]
fn tls_with_a_missing_ca_file() {
    let mut options = store_options(&["rediss://127.0.0.1:1/0".to_string()]);
    options.tls_ca = Some("/nonexistent/ca.pem".into());
    let text = connect_err(options);
    assert!(text.contains("/nonexistent/ca.pem"), "{text}");
    assert!(text.contains("--tls-ca"), "{text}");
}

#[test]
fn unix_socket_with_and_without_password() {
    let server = RedisServer::start_with(RedisOptions { unix_socket: true, ..Default::default() });
    let socket = server.socket.as_ref().unwrap().display().to_string();
    round_trip(&Store::connect(store_options(&[format!("unix://{socket}")])).unwrap());

    let server = RedisServer::start_with(RedisOptions {
        unix_socket: true,
        password: Some("sock-pw".into()),
        ..Default::default()
    });
    let socket = server.socket.as_ref().unwrap().display().to_string();
    round_trip(&Store::connect(store_options(&[format!("unix://{socket}?db=2&pass=sock-pw")])).unwrap());
    assert_eq!(server.cli(&["-n", "2", "DBSIZE"]), "0");

    let text = connect_err(store_options(&["unix:///nonexistent/redis.sock".into()]));
    assert!(text.starts_with("cannot reach Redis at /nonexistent/redis.sock: no such file"), "{text}");
}

#[test]
fn bad_urls_are_rejected_with_the_password_redacted() {
    let err = Store::connect(store_options(&["ftp://:topsecret@host/".into()])).unwrap_err();
    assert!(matches!(err, StoreError::Url { .. }));
    let text = err.to_string();
    assert!(text.contains("ftp://:***@host/"), "{text}");
    assert!(!text.contains("topsecret"), "{text}");
    assert!(text.contains("redis://"), "{text}");
}

#[test]
fn the_first_reachable_seed_is_used() {
    let server = RedisServer::start();
    let dead = format!("redis://127.0.0.1:{}/0", free_port());
    round_trip(&Store::connect(store_options(&[dead.clone(), server.url()])).unwrap());

    let dead2 = format!("redis://127.0.0.1:{}/0", free_port());
    let text = connect_err(store_options(&[dead, dead2]));
    assert!(text.starts_with("cannot reach any of the 2 Redis seed nodes"), "{text}");
}

#[test]
fn forcing_cluster_mode_on_a_standalone_server_is_an_error() {
    let server = RedisServer::start();
    let mut options = store_options(&[server.url()]);
    options.cluster = Some(true);
    let text = connect_err(options);
    assert!(text.contains("not a cluster node"), "{text}");
    assert!(text.contains("--cluster"), "{text}");
}

#[test]
fn a_lost_server_is_reported_not_hung_on() {
    let mut server = RedisServer::start();
    let mut options = store_options(&[server.url()]);
    options.timeouts.retries = 2;
    let store = Store::connect(options).unwrap();
    server.kill();
    let err = store.lookup(b"session:x").unwrap_err().to_string();
    assert!(err.contains(&format!("127.0.0.1:{}", server.port)), "{err}");
    assert!(!err.contains('\n'), "{err}");
}
