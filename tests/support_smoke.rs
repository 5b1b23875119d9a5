//! The test servers themselves work: standalone, TLS, ACL, Unix socket, cluster.
mod support;
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
