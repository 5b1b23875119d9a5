//! The test servers themselves work: standalone, TLS, ACL, Unix socket, cluster.
use crate::support;
use support::*;

#[test]
fn standalone_server_answers_and_dies_with_its_handle() {
    let server = RedisServer::start();
    assert_eq!(server.cli(&["PING"]), "PONG");
    let port = server.port;
    drop(server);
    assert!(std::net::TcpStream::connect(("127.0.0.1", port)).is_err());
}

#[test]
fn cluster_has_three_primaries_covering_all_slots() {
    let cluster = RedisCluster::start();
    let info = cluster.nodes[0].cli(&["CLUSTER", "INFO"]);
    assert!(info.contains("cluster_slots_assigned:16384"), "{info}");
    assert!(info.contains("cluster_size:3"), "{info}");
}

/// `SESSCTL_TEST_SERVER` picks the build that really runs: its `INFO server` names the
/// product and version the matrix says (so a matrix row cannot pass on the default server).
#[test]
fn the_server_build_asked_for_is_the_one_that_runs() {
    let server = RedisServer::start();
    let info = server.cli(&["INFO", "server"]);
    let field = |name: &str| info.lines().find_map(|l| l.strip_prefix(name)).map(|v| v.trim().to_string());
    let build = server_build();
    match build.name {
        "redis-7" => {
            assert!(field("redis_version:").unwrap().starts_with("7."), "{info}");
            assert_eq!(field("valkey_version:"), None, "{info}");
        }
        "redis-8.2" => {
            assert_eq!(field("redis_version:").as_deref(), Some("8.2.3"), "{info}");
            assert_eq!(field("valkey_version:"), None, "{info}");
        }
        "valkey-8.1" => assert_eq!(field("valkey_version:").as_deref(), Some("8.1.8"), "{info}"),
        other => panic!("no expectation for {other}"),
    }
    // The Sentinels are the same build.
    let sentinel = SentinelSetup::start(1, None);
    let info = sentinel.sentinels[0].cli(&["INFO", "server"]);
    assert!(info.contains("redis_mode:sentinel") || info.contains("server_mode:sentinel"), "{info}");
    let expected = match build.name {
        "valkey-8.1" => "valkey_version:8.1.8",
        "redis-8.2" => "redis_version:8.2.3",
        _ => "redis_version:7.",
    };
    assert!(info.contains(expected), "{info}");
}
