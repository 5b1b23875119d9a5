//! Library-level verify throughput (no I/O, no JSON): `cargo bench --bench verify [-- FILE]`.
//!
//! FILE holds one signed value per line (as `scripts/bench-verify` writes them), signed with
//! `SESSCTL_SECRET` (default `bench-secret`) for cookie `session_id`, checked at `SESSCTL_NOW`
//! (default: the current time). Without FILE, 200,000 v2 values are signed here. Prints the
//! best of 5 rounds for `Verifier::verify` (precomputed key state, the path `sessctl verify`
//! takes) and for the one-shot `cookie::verify`.

use sessctl_cookie::secret::KeyRing;
use sessctl_cookie::{self as cookie, Verifier};
use std::hint::black_box;
use std::time::{Duration, Instant};

fn main() {
    let secret = std::env::var("SESSCTL_SECRET").unwrap_or_else(|_| "bench-secret".into());
    let now: f64 = std::env::var("SESSCTL_NOW")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs_f64());
    let file = std::env::args().skip(1).find(|a| !a.starts_with('-'));
    let cookies: Vec<Vec<u8>> = match &file {
        Some(path) => std::fs::read(path)
            .unwrap_or_else(|e| panic!("cannot read {path}: {e}"))
            .split(|&b| b == b'\n')
            .filter(|l| !l.is_empty())
            .map(|l| l.to_vec())
            .collect(),
        None => (0..200_000u32)
            .map(|i| {
                let id = format!("{i:0>43}");
                cookie::sign_v2(secret.as_bytes(), 0, "session_id", id.as_bytes(), now as i64 - i64::from(i % 86400))
                    .into_bytes()
            })
            .collect(),
    };
    let ring = KeyRing::parse(secret.as_bytes()).expect("a usable secret");
    let verifier = Verifier::new(&ring, "session_id", 31.0);
    let valid = cookies.iter().filter(|c| verifier.verify(c, now).is_ok()).count();
    println!("{} cookies ({} valid){}", cookies.len(), valid, file.map(|f| format!(" from {f}")).unwrap_or_default());
    let rate = |label: &str, f: &dyn Fn(&[u8]) -> bool| {
        let mut best = Duration::MAX;
        for _ in 0..5 {
            let start = Instant::now();
            let mut ok = 0usize;
            for c in &cookies {
                ok += usize::from(f(black_box(c)));
            }
            black_box(ok);
            best = best.min(start.elapsed());
        }
        let per_sec = cookies.len() as f64 / best.as_secs_f64();
        println!(
            "{label}: {per_sec:.0} cookies/s ({:.2} µs each, best of 5)",
            best.as_secs_f64() * 1e6 / cookies.len() as f64
        );
        per_sec
    };
    rate("library Verifier::verify", &|c| verifier.verify(c, now).is_ok());
    rate("library cookie::verify (one-shot)", &|c| cookie::verify(&ring, "session_id", c, 31.0, now).is_ok());
}
