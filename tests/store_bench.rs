//! A measurement harness, not a timed test (ignored by default). Loads N sessions of N/100
//! users into a fresh redis-server, then does what `revoke --user X` does — one filtered scan
//! plus compare-and-delete of the matches — and prints wall time, how busy Redis was (from
//! INFO commandstats, and from the server process's CPU time), and our peak RSS.
//!
//! cargo test --release --test store_bench -- --ignored --nocapture
//! STORE_BENCH_KEYS=100000 STORE_BENCH_COUNT=1000 cargo test --release --test store_bench -- --ignored --nocapture
mod support;

use std::io::Write;
use std::process::{Command, Stdio};
use std::sync::atomic::AtomicBool;
use std::time::Instant;

use sessctl::store::{Expected, Found, ScanRequest, Store};
use support::*;

fn env_or(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

/// Streams SETEX commands into `redis-cli --pipe` in chunks (keeps our own RSS small).
fn load(server: &RedisServer, n: u64, users: u64) {
    let mut child = Command::new("redis-cli")
        .args(server.cli_args())
        .arg("--pipe")
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let mut out = Vec::with_capacity(1 << 20);
    for i in 0..n {
        // Random-looking ids spread users over the keyspace like real sessions.
        let key = format!("session:{}", session_id(i.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 4));
        let user = format!("{}", 1_000_000 + (i % users));
        out.extend_from_slice(&resp(&[b"SETEX", key.as_bytes(), b"604800", user.as_bytes()]));
        if out.len() > (1 << 20) {
            stdin.write_all(&out).unwrap();
            out.clear();
        }
    }
    stdin.write_all(&out).unwrap();
    drop(stdin);
    assert!(child.wait().unwrap().success());
}

/// Total usec of every command since the last CONFIG RESETSTAT.
fn commandstats_usec(server: &RedisServer) -> (u64, String) {
    let info = server.cli(&["INFO", "commandstats"]);
    let mut total = 0;
    let mut lines = Vec::new();
    for line in info.lines().filter(|l| l.starts_with("cmdstat_")) {
        let usec: u64 = line.split(',').find_map(|f| f.strip_prefix("usec=")).and_then(|v| v.parse().ok()).unwrap_or(0);
        total += usec;
        lines.push(line.to_string());
    }
    (total, lines.join("\n"))
}

/// utime + stime of the redis-server process, in microseconds.
fn server_cpu_usec(server: &RedisServer) -> u64 {
    let pid = server
        .cli(&["INFO", "server"])
        .lines()
        .find_map(|l| l.strip_prefix("process_id:").map(|p| p.trim().to_string()))
        .unwrap();
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap();
    let fields: Vec<&str> = stat.rsplit(')').next().unwrap().split_whitespace().collect();
    let ticks: u64 = fields[11].parse::<u64>().unwrap() + fields[12].parse::<u64>().unwrap();
    ticks * 1_000_000 / 100 // USER_HZ
}

/// utime + stime of this process, in microseconds.
fn own_cpu_usec() -> u64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap();
    let fields: Vec<&str> = stat.rsplit(')').next().unwrap().split_whitespace().collect();
    let ticks: u64 = fields[11].parse::<u64>().unwrap() + fields[12].parse::<u64>().unwrap();
    ticks * 1_000_000 / 100
}

fn vm_hwm_kb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .unwrap()
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

/// The tuned redis-py baseline: SCAN COUNT 1000 + MGET + DEL in batches of 1000.
const REDIS_PY: &str = r#"
import sys, time, redis
r = redis.Redis(host="127.0.0.1", port=int(sys.argv[1]))
user = sys.argv[2].encode()
t = time.perf_counter()
cursor, doomed, scanned = 0, [], 0
while True:
    cursor, keys = r.scan(cursor, match="session:*", count=1000)
    if keys:
        scanned += len(keys)
        for k, v in zip(keys, r.mget(keys)):
            if v == user:
                doomed.append(k)
    if cursor == 0:
        break
for i in range(0, len(doomed), 1000):
    r.delete(*doomed[i:i + 1000])
print(time.perf_counter() - t, scanned, len(doomed))
"#;

/// Runs the redis-py baseline (when the project's virtualenv exists) and prints its numbers.
fn redis_py_baseline(server: &RedisServer, user: &str) {
    let python = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(".venv/bin/python");
    if !python.exists() {
        eprintln!("(no .venv: redis-py baseline skipped)");
        return;
    }
    server.cli(&["CONFIG", "RESETSTAT"]);
    let cpu_before = server_cpu_usec(server);
    let out = Command::new(python).args(["-c", REDIS_PY, &server.port.to_string(), user]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8_lossy(&out.stdout);
    let wall: f64 = text.split_whitespace().next().unwrap().parse().unwrap();
    let cpu = server_cpu_usec(server) - cpu_before;
    let (usec, _) = commandstats_usec(server);
    eprintln!(
        "redis-py baseline: {}: wall {wall:.3}s, Redis busy {:.3}s by commandstats = {:.0}% of wall, redis-server CPU {:.3}s",
        text.trim(),
        usec as f64 / 1e6,
        usec as f64 / 1e6 / wall * 100.0,
        cpu as f64 / 1e6
    );
}

#[test]
#[ignore = "benchmark: run with --release --ignored --nocapture"]
fn revoke_one_user_over_many_sessions() {
    let keys = env_or("STORE_BENCH_KEYS", 1_000_000);
    let users = (keys / 100).max(1);
    let count = env_or("STORE_BENCH_COUNT", 1000) as usize;
    let runs = env_or("STORE_BENCH_RUNS", 3);
    let server = RedisServer::start();
    let started = Instant::now();
    load(&server, keys, users);
    eprintln!("loaded {keys} sessions of {users} users in {:.1?}", started.elapsed());
    let store = Store::connect(store_options(&[server.url()])).unwrap();
    for run in 0..runs {
        // Each run revokes a different user.
        let user = format!("{}", 1_000_000 + (run * 7) % users);
        if std::env::var_os("STORE_BENCH_PY").is_some() {
            redis_py_baseline(&server, &format!("{}", 1_000_000 + (run * 7 + 3) % users));
        }
        // Reset our peak RSS (Linux: "5" clears VmHWM).
        let _ = std::fs::write("/proc/self/clear_refs", "5");
        server.cli(&["CONFIG", "RESETSTAT"]);
        let cpu_before = server_cpu_usec(&server);
        let own_before = own_cpu_usec();
        let started = Instant::now();
        let request = ScanRequest { with_ttl: false, users: [user.clone().into_bytes()].into_iter().collect(), count };
        let mut matched = Vec::new();
        let summary = store
            .scan(&request, &AtomicBool::new(false), &mut |f| {
                if let Found::Session(s) = f {
                    matched.push(Expected { key: s.key, user: s.user });
                }
                true
            })
            .unwrap();
        let scan_wall = started.elapsed();
        let revoked = store.delete_if_holds(&matched).unwrap().iter().filter(|&&d| d).count();
        let wall = started.elapsed();
        let cpu = server_cpu_usec(&server) - cpu_before;
        let own = own_cpu_usec() - own_before;
        let (usec, detail) = commandstats_usec(&server);
        let hwm = vm_hwm_kb();
        eprintln!(
            "run {run}: COUNT {count}: scanned {} keys, revoked {revoked} of user {user}: wall {:.3}s (scan {:.3}s), \
             Redis busy {:.3}s by commandstats = {:.0}% of wall, redis-server CPU {:.3}s = {:.0}% of wall, \
             our CPU {:.3}s, reconnects {}, our peak RSS {} MB",
            summary.scanned,
            wall.as_secs_f64(),
            scan_wall.as_secs_f64(),
            usec as f64 / 1e6,
            usec as f64 / 1e6 / wall.as_secs_f64() * 100.0,
            cpu as f64 / 1e6,
            cpu as f64 / 1e6 / wall.as_secs_f64() * 100.0,
            own as f64 / 1e6,
            summary.reconnects,
            hwm / 1024,
        );
        if run == 0 {
            eprintln!("{detail}");
        }
        assert_eq!(revoked as u64, keys / users);
    }
}
