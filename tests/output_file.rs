//! `--output-file`: the file is replaced only by a whole output (temp file in the same
//! directory, fsync, rename); a failed or interrupted run leaves the old file and no temp file;
//! permissions follow the old file, or the umask, or 0600 for secrets.

use crate::support;

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use support::*;

const SECRET: &str = "output-file-test-secret-0123456789abcdef";

fn at(url: &str, args: &[&str]) -> Command {
    let mut cmd = sessctl();
    cmd.env("SESSCTL_SECRET", SECRET).args(["-r", url]).args(args);
    cmd
}

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o7777
}

/// The names in `dir` other than `keep`: a failed run must leave no temporary file behind.
fn others(dir: &Path, keep: &[&str]) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .filter(|n| !keep.contains(&n.as_str()))
        .collect()
}

/// Runs `cmd` under `sh -c 'umask U; exec …'`.
fn with_umask(cmd: &Command, umask: &str) -> Command {
    let mut sh = Command::new("sh");
    let program = cmd.get_program().to_string_lossy().to_string();
    let mut line = format!("umask {umask}; exec {}", support::tmux::shell_quote(&program));
    for arg in cmd.get_args() {
        line.push(' ');
        line.push_str(&support::tmux::shell_quote(&arg.to_string_lossy()));
    }
    sh.args(["-c", &line]);
    sh.env_clear();
    for (k, v) in cmd.get_envs() {
        if let Some(v) = v {
            sh.env(k, v);
        }
    }
    sh.env("PATH", std::env::var_os("PATH").unwrap_or_default());
    sh.stdin(Stdio::null());
    sh
}

#[test]
fn a_whole_output_replaces_the_file_keeping_its_mode_or_following_the_umask() {
    let redis = RedisServer::start();
    redis.pipe(&sessions_protocol("session:", 30, 3));
    let dir = tempfile::tempdir().unwrap();
    let prom = dir.path().join("sessctl.prom");

    // A new file: 0666 minus the umask, as a shell redirect would make it.
    let out =
        with_umask(&at(&redis.url(), &["stats", "-o", "prometheus", "--output-file", prom.to_str().unwrap()]), "022")
            .output()
            .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(out.stdout.is_empty(), "nothing on stdout");
    assert_eq!(mode(&prom), 0o644);
    let text = std::fs::read_to_string(&prom).unwrap();
    assert!(text.contains("sessctl_sessions{prefix=\"session:\"} 30\n"), "{text}");
    assert_eq!(others(dir.path(), &["sessctl.prom"]), Vec::<String>::new());

    // An existing file keeps its mode (node_exporter must still read it).
    std::fs::set_permissions(&prom, std::fs::Permissions::from_mode(0o640)).unwrap();
    redis.pipe(&sessions_protocol("other:", 1, 1));
    redis.cli(&["SET", "session:extra-session-key-with-another-name-0001", "u", "EX", "60"]);
    let out =
        with_umask(&at(&redis.url(), &["stats", "-o", "prometheus", "--output-file", prom.to_str().unwrap()]), "077")
            .output()
            .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(mode(&prom), 0o640);
    assert!(std::fs::read_to_string(&prom).unwrap().contains("sessctl_sessions{prefix=\"session:\"} 31\n"));

    // A symlink stays a link; the file it points at is replaced.
    let link = dir.path().join("link.prom");
    std::os::unix::fs::symlink("sessctl.prom", &link).unwrap();
    let out = at(&redis.url(), &["list", "--count", "--output-file", link.to_str().unwrap()]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(std::fs::symlink_metadata(&link).unwrap().file_type().is_symlink());
    assert_eq!(std::fs::read_to_string(&prom).unwrap(), "31\n");
    assert_eq!(others(dir.path(), &["sessctl.prom", "link.prom"]), Vec::<String>::new());
}

#[test]
fn mint_and_gen_secret_files_are_for_the_owner_only() {
    let redis = RedisServer::start();
    let dir = tempfile::tempdir().unwrap();
    let cookies = dir.path().join("cookies.txt");
    std::fs::write(&cookies, "old\n").unwrap();
    std::fs::set_permissions(&cookies, std::fs::Permissions::from_mode(0o644)).unwrap();
    let out = with_umask(
        &at(&redis.url(), &["mint", "--user", "u1", "--count", "3", "--output-file", cookies.to_str().unwrap()]),
        "022",
    )
    .output()
    .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(mode(&cookies), 0o600, "live cookies: owner only, whatever the old mode");
    assert_eq!(std::fs::read_to_string(&cookies).unwrap().lines().count(), 3);
    assert_eq!(redis.cli(&["DBSIZE"]), "3");

    let secret = dir.path().join("new.secret");
    let out = with_umask(&at(&redis.url(), &["gen-secret", "--output-file", secret.to_str().unwrap()]), "022")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(mode(&secret), 0o600);
    assert_eq!(std::fs::read_to_string(&secret).unwrap().trim().len(), 43);
}

#[test]
fn a_failed_run_leaves_the_old_file_and_no_temporary_file() {
    let dir = tempfile::tempdir().unwrap();
    let prom = dir.path().join("sessctl.prom");
    std::fs::write(&prom, "old figures\n").unwrap();
    let url = format!("redis://127.0.0.1:{}/0", free_port());
    let out = at(&url, &["stats", "-o", "prometheus", "--output-file", prom.to_str().unwrap()]).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_eq!(std::fs::read_to_string(&prom).unwrap(), "old figures\n");
    assert!(stderr(&out).contains("left as it was"), "{}", stderr(&out));
    assert_eq!(others(dir.path(), &["sessctl.prom"]), Vec::<String>::new());

    // Paths that cannot be replaced atomically are refused before anything runs.
    for (path, why) in [("/dev/null", "not a regular file"), ("/nonexistent/dir/x.prom", "must exist")] {
        let out = at(&url, &["list", "--output-file", path]).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{path}: {}", stderr(&out));
        assert!(stderr(&out).contains(why), "{path}: {}", stderr(&out));
    }
    let out = at(&url, &["list", "--output-file", dir.path().to_str().unwrap()]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("is a directory"), "{}", stderr(&out));
}

#[test]
fn doctor_writes_its_whole_report_even_when_a_check_fails() {
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("doctor.json");
    let url = format!("redis://127.0.0.1:{}/0", free_port());
    let out = at(&url, &["doctor", "-o", "json", "--output-file", report.to_str().unwrap()]).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let text = std::fs::read_to_string(&report).unwrap();
    let checks = json_lines(text.as_bytes());
    assert!(checks.iter().any(|c| c["check"] == "redis" && c["status"] == "fail"), "{text}");
}

/// Waits until `ready()`, then sends `signal` to `child`.
fn signal_when(child: &std::process::Child, signal: &str, ready: impl Fn() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while !ready() {
        assert!(Instant::now() < deadline, "the command never got under way");
        std::thread::sleep(Duration::from_millis(2));
    }
    let status = Command::new("kill").args([&format!("-{signal}"), &child.id().to_string()]).status().unwrap();
    assert!(status.success());
}

fn scans(redis: &RedisServer) -> u64 {
    let info = redis.cli(&["INFO", "commandstats"]);
    info.lines()
        .find_map(|l| l.strip_prefix("cmdstat_scan:calls="))
        .and_then(|rest| rest.split(',').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

#[test]
fn an_interrupted_stats_leaves_the_old_prometheus_file() {
    let redis = RedisServer::start();
    redis.pipe(&sessions_protocol("session:", 100_000, 100));
    let dir = tempfile::tempdir().unwrap();
    let prom = dir.path().join("sessctl.prom");
    std::fs::write(&prom, "# the last complete figures\n").unwrap();
    for (signal, code) in [("TERM", 143), ("INT", 130)] {
        let before = scans(&redis);
        let child = at(
            &redis.url(),
            &["stats", "-o", "prometheus", "--scan-count", "10", "--output-file", prom.to_str().unwrap()],
        )
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
        signal_when(&child, signal, || scans(&redis) > before + 20);
        let out = child.wait_with_output().unwrap();
        assert_eq!(out.status.code(), Some(code), "{}", stderr(&out));
        assert_eq!(std::fs::read_to_string(&prom).unwrap(), "# the last complete figures\n");
        assert_eq!(others(dir.path(), &["sessctl.prom"]), Vec::<String>::new(), "no temp file left");
    }
}

#[test]
fn an_interrupted_mint_to_a_file_stores_nothing_it_did_not_deliver() {
    let redis = RedisServer::start();
    let dir = tempfile::tempdir().unwrap();
    let cookies = dir.path().join("cookies.txt");
    std::fs::write(&cookies, "old\n").unwrap();
    let child =
        at(&redis.url(), &["mint", "--user", "load", "--count", "5000000", "--output-file", cookies.to_str().unwrap()])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
    signal_when(&child, "INT", || redis.cli(&["DBSIZE"]).parse::<u64>().unwrap_or(0) > 3000);
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(130), "{}", stderr(&out));
    assert_eq!(std::fs::read_to_string(&cookies).unwrap(), "old\n", "the old file stays");
    assert_eq!(redis.cli(&["DBSIZE"]), "0", "the sessions of the dropped cookies were deleted: {}", stderr(&out));
    assert!(stderr(&out).contains("deleted again"), "{}", stderr(&out));
    assert_eq!(others(dir.path(), &["cookies.txt"]), Vec::<String>::new());
}
