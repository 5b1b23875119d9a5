//! Connects to Redis and counts the `session:*` keys with the scan (every primary of a
//! cluster, the primary behind Sentinel, or one server), printing the count.
//!
//! Run with `cargo run -p sessctl-store --example count_sessions -- [URL]`; the URL defaults
//! to `redis://127.0.0.1:6379`. Only reads (`SCAN`, `MGET`); Ctrl-C is not caught.

use std::ops::ControlFlow;
use std::sync::atomic::AtomicBool;

use sessctl_store::{ConnectOptions, Found, ScanRequest, Store, StoreError};

fn main() {
    let url = std::env::args().nth(1).unwrap_or_else(|| "redis://127.0.0.1:6379".into());
    if let Err(error) = count(url) {
        eprintln!("count_sessions: {error}");
        std::process::exit(1);
    }
}

fn count(url: String) -> Result<(), StoreError> {
    let store =
        Store::connect(ConnectOptions { urls: vec![url], prefix: b"session:".to_vec(), ..ConnectOptions::default() })?;
    let stop = AtomicBool::new(false);
    let (mut sessions, mut other) = (0u64, 0u64);
    let summary = store.scan(&ScanRequest::default(), &stop, |found| {
        match found {
            // `repeat`: delivered before, from a primary that failed over meanwhile.
            Found::Session(session) if !session.repeat => sessions += 1,
            Found::Session(_) => {}
            Found::NotString { .. } => other += 1,
        }
        Ok::<_, StoreError>(ControlFlow::Continue(()))
    })?;
    println!(
        "{sessions} session:* keys on {} ({} other keys under the prefix, {} keys scanned, scan {})",
        store.nodes().join(", "),
        other,
        summary.scanned,
        if summary.is_complete() { "complete" } else { "incomplete" }
    );
    Ok(())
}
