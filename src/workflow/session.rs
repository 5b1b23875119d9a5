//! The connection to Redis and the scan the commands share: connecting as the settings say,
//! scanning under the prefix with a progress bar and the notes a scan leaves (reconnects,
//! failovers, resharding), and where a command acts, in words (`target`).

use std::ops::ControlFlow;

use crate::config::Settings;
use crate::error;
use crate::signals::{self, STOP};
use sessctl_store::{Found, ScanEnd, ScanRequest, ScanSummary, Store, StoreError};

use super::hints;

/// Connects to Redis as the settings say.
pub(crate) fn connect(settings: &Settings) -> anyhow::Result<Store> {
    Store::connect(settings.redis.clone()).map_err(|e| match e {
        // A URL or TLS file that cannot be used is a bad value (exit 2), not an unreachable
        // server.
        e @ (StoreError::Url { .. } | StoreError::TlsFile { .. }) => {
            let hint = hints::for_store(&e, Some(settings)).map(|h| format!("; {h}")).unwrap_or_default();
            error::usage(format!("{e}{hint}"))
        }
        e => e.into(),
    })
}

/// Scans under the prefix with a progress bar on stderr (keys scanned of the keys in the
/// database, rate, time left; on a terminal and without `--quiet` only), stopping at Ctrl-C
/// or SIGTERM (the command then reports what it saw, marked incomplete). `visit` returns
/// `Break` to stop early, or an error to end the command.
pub(crate) fn scan(
    settings: &Settings,
    store: &Store,
    mut request: ScanRequest,
    what: &str,
    visit: &mut dyn FnMut(Found) -> anyhow::Result<ControlFlow<()>>,
) -> anyhow::Result<ScanSummary> {
    signals::graceful();
    // The total costs one DBSIZE per primary: only asked when the bar is shown. A server
    // that refuses it (an ACL) gets a spinner instead.
    let total = if settings.chatty { store.key_count().ok().flatten() } else { None };
    let bar = crate::output::scan_progress(settings.chatty, what, total);
    if settings.chatty {
        let shown = bar.clone();
        request.progress = Some(std::sync::Arc::new(move |keys| crate::output::set_scan_position(&shown, keys)));
    }
    let result = store.scan(&request, &STOP, visit);
    bar.finish_and_clear();
    let summary = result?;
    if summary.reconnects > 0 {
        crate::messages::note!(
            "the connection to Redis dropped {}; the scan resumed where it stopped",
            crate::output::plural(summary.reconnects, "time", "times")
        );
    }
    report_failovers(store, Some(&summary));
    if summary.resharding && summary.end != ScanEnd::Interrupted {
        // Not silenced by --quiet: the answer may be incomplete.
        let moved = match summary.moved {
            0 => String::new(),
            n => format!(", {} moved between their scan and their read", crate::output::plural(n, "key", "keys")),
        };
        crate::messages::warning!(
            "the cluster was resharding while the scan ran (slots migrating{moved}), so sessions in moving slots may have been missed or seen twice; run the command again when the resharding is done"
        );
    }
    Ok(summary)
}

/// Notes on stderr for each failover followed (a primary replaced by its replica), and what
/// it meant for the scan.
pub(crate) fn report_failovers(store: &Store, summary: Option<&ScanSummary>) {
    if summary.is_some_and(|s| s.repeats_unmarked) {
        // Not silenced by --quiet: counts may be off.
        crate::messages::warning!("more keys than sessctl remembers per primary (8 Mi): a key SCAN returned twice, or met again after a failover, may be counted twice");
    }
    if let Some(s) = summary.filter(|s| s.duplicates > 0) {
        crate::messages::note!(
            "SCAN returned {} twice (Redis resized its table during the scan); each was counted once",
            crate::output::plural(s.duplicates, "key", "keys")
        );
    }
    // Each failover is named once, whether it happened during the scan or after it (a write's
    // WAIT can find one when the last batch is sent).
    static NAMED: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let failovers = store.failovers();
    if failovers.is_empty() {
        return;
    }
    let named = NAMED.swap(failovers.len(), std::sync::atomic::Ordering::SeqCst).min(failovers.len());
    for f in &failovers[named..] {
        // Addresses a cluster or the Sentinels gave: text from a server, escaped.
        let (from, to) = (crate::output::safe_bytes(f.from.as_bytes()), crate::output::safe_bytes(f.to.as_bytes()));
        if from == to {
            crate::messages::note!("the Redis primary {from} restarted while sessctl ran (a new server process); its part of the scan started again");
        } else {
            crate::messages::note!("the Redis primary {from} was replaced; followed the failover to {to}");
        }
    }
    if let Some(s) = summary.filter(|s| s.failovers > 0) {
        crate::messages::note!(
            "{} of the scan started again on the new primary ({} scanned again, {} seen twice and counted once)",
            crate::output::plural(s.failovers, "part", "parts"),
            crate::output::plural(s.rescanned, "key", "keys"),
            crate::output::plural(s.repeats, "session", "sessions")
        );
    }
}

/// True once a signal asked the work to stop.
pub(crate) fn stopped() -> bool {
    signals::stopped()
}

/// Where the command acts, for confirmations, never with a password: `127.0.0.1:6379/0`, a
/// socket, the cluster's seeds, or the primary behind Sentinel (`store`: what connecting
/// found; without it, what the settings say).
pub(crate) fn target(settings: &Settings, store: Option<&Store>) -> String {
    let urls = &settings.redis.urls;
    let url = urls.first().map(String::as_str).unwrap_or("redis://127.0.0.1:6379/0");
    let cluster = store.map_or(settings.redis.cluster == Some(true) || urls.len() > 1, Store::is_cluster);
    if cluster {
        let seeds: Vec<String> = urls.iter().map(|u| place(u, 6379).0).collect();
        let primaries = store
            .map(|s| format!(" ({})", crate::output::plural(s.nodes().len() as u64, "primary", "primaries")))
            .unwrap_or_default();
        let seeds_word = if seeds.len() == 1 { "seed" } else { "seeds" };
        return format!("the Redis Cluster with {seeds_word} {}{primaries}", seeds.join(", "));
    }
    if store.map_or(url.contains("+sentinel://"), Store::is_sentinel) {
        let (hosts, path) = place(url, sessctl_store::SENTINEL_PORT);
        let mut segments = path.split('/').filter(|s| !s.is_empty());
        let master = segments.next().unwrap_or("?");
        let db = segments.next().unwrap_or("0");
        let now = store
            .and_then(|s| s.nodes().first().cloned())
            .map(|n| format!(", now at {}", crate::output::safe_bytes(n.as_bytes())))
            .unwrap_or_default();
        return format!("the primary {master}/{db} behind Sentinel {hosts}{now}");
    }
    let (hosts, path) = place(url, 6379);
    if url.starts_with("unix") {
        let db = path.split('&').find_map(|kv| kv.strip_prefix("db=")).unwrap_or("0");
        return format!("the socket {hosts} (db {db})");
    }
    let db = path.trim_start_matches('/');
    format!("{hosts}/{}", if db.is_empty() { "0" } else { db })
}

/// A URL's hosts (without user, password or scheme; port 6379 when none is given) and the
/// rest of its path (a unix socket: the path, and the query in place of the rest), made
/// terminal-safe.
fn place(url: &str, default_port: u16) -> (String, String) {
    let safe = crate::output::safe_bytes;
    let (scheme, rest) = url.split_once("://").unwrap_or(("redis", url));
    if scheme.starts_with("unix") {
        let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
        return (safe(path.as_bytes()), safe(query.as_bytes()));
    }
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = &rest[..end];
    let hosts = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let hosts: Vec<String> = hosts
        .split(',')
        .map(|h| match h {
            "" => format!("127.0.0.1:{default_port}"),
            h if h.ends_with(']') || !h.contains(':') => format!("{h}:{default_port}"),
            h => h.to_string(),
        })
        .collect();
    let path = rest[end..].split(['?', '#']).next().unwrap_or("");
    (safe(hosts.join(",").as_bytes()), safe(path.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::place;

    #[test]
    fn a_place_never_shows_the_password() {
        assert_eq!(place("redis://user:hunter2@db.internal:6380/3", 6379), ("db.internal:6380".into(), "/3".into()));
        assert_eq!(place("rediss://:pw@10.0.0.1", 6379), ("10.0.0.1:6379".into(), "".into()));
        assert_eq!(place("redis://[::1]/2?x=1", 6379), ("[::1]:6379".into(), "/2".into()));
        assert_eq!(
            place("redis+sentinel://:pw@s1,s2:5000/mymaster/1", 26379),
            ("s1:26379,s2:5000".into(), "/mymaster/1".into())
        );
        assert_eq!(place("unix:///run/redis.sock?db=2&pass=x", 6379), ("/run/redis.sock".into(), "db=2&pass=x".into()));
    }
}
