//! Reaching Redis: TLS, ACL users, Unix sockets, passwords, several seeds, and the one-line
//! errors when it goes wrong.
use crate::support;

use std::sync::atomic::AtomicBool;

use sessctl_store::{AuthProblem, Expected, Lookup, NetCause, ScanRequest, Store, StoreError, TlsProblem};
use support::*;

/// The error `connect` fails with: one line, and (the library knowing nothing of the command
/// line) naming no flag or environment variable.
fn connect_error(options: sessctl_store::ConnectOptions) -> StoreError {
    let err = Store::connect(options).expect_err("connect should fail");
    let text = err.to_string();
    eprintln!("error: {text}");
    assert!(!text.contains('\n'), "one line: {text}");
    let names_a_flag =
        text.match_indices("--").any(|(i, _)| text[i + 2..].starts_with(|c: char| c.is_ascii_lowercase()));
    assert!(!names_a_flag && !text.contains("SESSCTL_"), "no CLI hints in the library: {text}");
    err
}

fn connect_err(options: sessctl_store::ConnectOptions) -> String {
    connect_error(options).to_string()
}

/// Writes, reads, scans and deletes one session: the store works over this connection.
fn round_trip(store: &Store) {
    let pairs = vec![(b"session:rt".to_vec(), b"alice".to_vec())];
    assert_eq!(store.create(&pairs, 100).unwrap(), vec![true]);
    assert!(matches!(store.lookup(b"session:rt").unwrap(), Lookup::Session { .. }));
    let mut seen = 0;
    let request = ScanRequest { with_ttl: true, users: Default::default(), count: 10, ..Default::default() };
    let summary = scan_with(store, &request, &AtomicBool::new(false), |_| {
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
    let err = connect_error(store_options(&[format!("redis://127.0.0.1:{port}/0")]));
    assert!(matches!(&err, StoreError::Unreachable { cause: NetCause::Refused, .. }), "{err:?}");
    assert_eq!(err.to_string(), format!("cannot reach Redis at 127.0.0.1:{port}: connection refused"));
}

#[test]
fn a_wrong_password_says_to_check_the_url_and_never_shows_it() {
    let server = RedisServer::start_with(RedisOptions { password: Some("right-pw".into()), ..Default::default() });
    let url = format!("redis://:hunter2-secret@127.0.0.1:{}/0", server.port);
    let err = connect_error(store_options(&[url]));
    assert!(matches!(&err, StoreError::Auth { problem: AuthProblem::Rejected(_), .. }), "{err:?}");
    let text = err.to_string();
    assert_eq!(text, format!("Redis at 127.0.0.1:{} rejected the credentials (WRONGPASS)", server.port));
    assert!(!format!("{err:?}").contains("hunter2"), "{err:?}");

    let url = format!("redis://127.0.0.1:{}/0", server.port);
    let err = connect_error(store_options(&[url]));
    assert!(matches!(&err, StoreError::Auth { problem: AuthProblem::PasswordRequired, .. }), "{err:?}");
    assert!(err.to_string().ends_with("requires a password"), "{err}");

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
    let err = connect_error(store_options(&[server.url()]));
    assert!(matches!(&err, StoreError::Tls { problem: TlsProblem::UntrustedCertificate(_), .. }), "{err:?}");
    assert!(err.to_string().starts_with("TLS with Redis at 127.0.0.1"), "{err}");

    // #insecure skips verification, as in redis-rs.
    let insecure = format!("rediss://127.0.0.1:{}/0#insecure", server.port);
    round_trip(&Store::connect(store_options(&[insecure])).unwrap());

    // Plain text to a TLS port.
    let plain = format!("redis://127.0.0.1:{}/0", server.port);
    let err = connect_error(store_options(&[plain]));
    assert!(matches!(&err, StoreError::Unreachable { cause: NetCause::Closed | NetCause::Reset, .. }), "{err:?}");

    // TLS to a plain-text port: the server does not speak TLS.
    let plain_server = RedisServer::start();
    let err = connect_error(store_options(&[format!("rediss://127.0.0.1:{}/0", plain_server.port)]));
    assert!(matches!(&err, StoreError::Tls { problem: TlsProblem::NotTls(_), .. }), "{err:?}");
    assert!(err.to_string().contains("does not speak TLS"), "{err}");
}

#[test]
fn tls_with_a_missing_ca_file() {
    let mut options = store_options(&["rediss://127.0.0.1:1/0".to_string()]);
    options.tls_ca = Some("/nonexistent/ca.pem".into());
    let err = connect_error(options);
    assert!(matches!(&err, StoreError::TlsFile { which: sessctl_store::TlsFile::Ca, .. }), "{err:?}");
    assert_eq!(err.to_string(), "cannot use the TLS CA file /nonexistent/ca.pem: no such file");
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
    assert_eq!(text, format!("Redis at 127.0.0.1:{} is not a cluster node (cluster_enabled:0)", server.port));
}

#[test]
fn a_lost_server_is_reported_not_hung_on() {
    let mut server = RedisServer::start();
    let mut options = store_options(&[server.url()]);
    options.timeouts.retry_deadline = std::time::Duration::from_millis(500);
    let store = Store::connect(options).unwrap();
    server.kill();
    let err = store.lookup(b"session:x").unwrap_err().to_string();
    assert!(err.contains(&format!("127.0.0.1:{}", server.port)), "{err}");
    assert!(!err.contains('\n'), "{err}");
}

/// A server with `tls-auth-clients yes` (Redis's own default): a client certificate signed by
/// its CA gets in, whatever the form of its PEM key (PKCS#8, PKCS#1 RSA, SEC1 EC); none, or
/// one from another CA, is refused with an error that says which.
#[test]
fn mutual_tls_with_each_form_of_client_key() {
    let server = RedisServer::start_with(RedisOptions { tls: true, tls_auth_clients: true, ..Default::default() });
    let files = server.tls.clone().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let with = |cert: Option<&std::path::Path>, key: Option<&std::path::Path>| {
        let mut options = store_options(&[server.url()]);
        options.tls_ca = Some(files.ca.clone());
        options.client_cert =
            cert.zip(key).map(|(cert, key)| sessctl_store::ClientCert { cert: cert.into(), key: key.into() });
        options
    };
    for (name, form) in [("pkcs8", KeyForm::Pkcs8), ("pkcs1", KeyForm::Pkcs1Rsa), ("sec1", KeyForm::Sec1Ec)] {
        let (cert, key) = client_certificate(&files, dir.path(), name, form);
        round_trip(&Store::connect(with(Some(&cert), Some(&key))).unwrap_or_else(|e| panic!("{form:?}: {e}")));
    }

    let err = connect_error(with(None, None));
    assert!(matches!(&err, StoreError::Tls { problem: TlsProblem::ClientCertificateRequired, .. }), "{err:?}");
    assert!(err.to_string().ends_with("the server requires a client certificate"), "{err}");

    let other_dir = tempfile::tempdir().unwrap();
    let other_ca = make_tls_files(other_dir.path());
    let (stranger, stranger_key) = client_certificate(&other_ca, other_dir.path(), "stranger", KeyForm::Sec1Ec);
    let err = connect_error(with(Some(&stranger), Some(&stranger_key)));
    assert!(matches!(&err, StoreError::Tls { problem: TlsProblem::ClientCertificateRefused(_), .. }), "{err:?}");

    // Files that cannot be used are named, with what is wrong with them.
    let (cert, _) = client_certificate(&files, dir.path(), "mismatch", KeyForm::Sec1Ec);
    let (_, other_key) = client_certificate(&files, dir.path(), "other", KeyForm::Sec1Ec);
    let err = connect_error(with(Some(&cert), Some(&other_key)));
    assert!(matches!(&err, StoreError::TlsFile { which: sessctl_store::TlsFile::Key, .. }), "{err:?}");
    assert!(err.to_string().contains("does not go with the client certificate"), "{err}");
    let err = connect_error(with(Some(&cert), Some(&cert)));
    assert!(err.to_string().contains("no private key in it"), "{err}");
    let err = connect_error(with(Some(&other_key), Some(&other_key)));
    assert!(err.to_string().contains("TLS client certificate file"), "{err}");
    assert!(err.to_string().contains("no certificates in it"), "{err}");
    let err = connect_error(with(Some(&cert), Some(std::path::Path::new("/nonexistent/client.key"))));
    assert_eq!(err.to_string(), "cannot use the TLS client key file /nonexistent/client.key: no such file");
}
