//! Where `list`, `stats`, `revoke`, `cleanup` and `verify` read sessions from: a scan of the
//! live server (the default), an RDB dump (`--rdb FILE`, no server at all), or a live
//! snapshot of each primary (`--snapshot`: read over replication, acted on live).

use std::io::{self, Read};
use std::ops::ControlFlow;
use std::path::Path;

use crate::config::{self, Settings};
use crate::error::usage;
use sessctl_store::{DumpRequest, DumpSummary, Found, ScanEnd, ScanRequest, ScanSummary, Store, TtlBase};

/// Where the sessions come from.
#[derive(Clone, Copy)]
pub(crate) enum Sessions<'a> {
    Scan(&'a Store),
    Rdb(&'a Path),
    Snapshot(&'a Store),
}

/// What a read from a dump adds to the scan's summary.
pub(crate) struct SourceRead {
    pub summary: ScanSummary,
    /// Set when the sessions came from a dump or snapshot.
    pub dump: Option<DumpSummary>,
}

/// Pacing flags pace a scan: refused (exit 2) when `instead` (`--rdb`, `--snapshot`) reads none.
pub(crate) fn refuse_pace_without_scan(instead: Option<&str>, pace: &crate::cli::PaceArgs) -> anyhow::Result<()> {
    match instead {
        Some(flag) if pace.any() => Err(usage(format!(
            "--rate, --max-latency, --max-duration and --resume pace a scan, and {flag} reads no scan; leave out one of them"
        ))),
        _ => Ok(()),
    }
}

/// `--now` moves the time a dump's or snapshot's TTLs count from: refused (exit 2) when the
/// sessions come from a live scan, where it would do nothing.
pub(crate) fn refuse_now_without_dump(source: &crate::cli::SourceArgs) -> anyhow::Result<()> {
    if source.now && source.instead_of_scan().is_none() {
        return Err(usage(
            "--now counts TTLs from now instead of from a dump's or snapshot's time, and a live scan's TTLs are already from now; give --rdb FILE or --snapshot, or leave out --now",
        ));
    }
    Ok(())
}

/// The database a dump is read in: the one the Redis URL names (`/N`), else 0.
pub(crate) fn url_db(settings: &Settings) -> u64 {
    let Some(url) = settings.redis.urls.first() else { return 0 };
    let url = url.split(['?', '#']).next().unwrap_or("");
    let Some((_, rest)) = url.split_once("://") else { return 0 };
    match rest.split_once('/') {
        Some((_, path)) => path.rsplit('/').next().and_then(|d| d.parse().ok()).unwrap_or(0),
        None => 0,
    }
}

/// Reads every session from `from`, as [`super::session::scan`] does for the live server.
pub(crate) fn read(
    settings: &Settings,
    from: Sessions,
    request: ScanRequest,
    use_now: bool,
    what: &str,
    visit: &mut dyn FnMut(Found) -> anyhow::Result<ControlFlow<()>>,
) -> anyhow::Result<SourceRead> {
    let store = match from {
        Sessions::Scan(store) => {
            return Ok(SourceRead {
                summary: super::session::scan(settings, store, request, what, visit)?,
                dump: None,
            });
        }
        Sessions::Snapshot(store) => Some(store),
        Sessions::Rdb(_) => None,
    };
    crate::signals::graceful();
    let dump_request = DumpRequest {
        db: url_db(settings),
        users: request.users,
        now_ms: (config::now()? * 1000.0).floor() as i64,
        use_now,
    };
    let bar = crate::output::scan_progress(settings.chatty, what, None);
    let mut count = |found: Found| {
        bar.inc(1);
        visit(found)
    };
    let dump = match (from, store) {
        (Sessions::Rdb(path), _) => {
            let input: Box<dyn Read> =
                if path.as_os_str() == "-" { Box::new(io::stdin().lock()) } else { Box::new(open_dump(path)?) };
            let input = io::BufReader::with_capacity(1 << 16, input);
            sessctl_store::read_dump(
                input,
                settings.prefix.as_bytes(),
                &dump_request,
                &crate::signals::STOP,
                &mut count,
            )
        }
        (_, Some(store)) => {
            let waiting = |addr: &str| {
                let addr = crate::output::safe_bytes(addr.as_bytes());
                crate::messages::note!(
                    "waiting for {addr} to start the snapshot; a primary delays diskless transfers by repl-diskless-sync-delay (5 s by default) to serve several replicas at once (sessctl does not change it)"
                );
            };
            store.snapshot(&dump_request, &crate::signals::STOP, &waiting, &mut count)
        }
        _ => unreachable!("a snapshot has a store"),
    };
    bar.finish_and_clear();
    let dump = dump?;
    crate::messages::note!("{}", describe(&dump, from));
    if dump.oversized > 0 {
        crate::messages::note!(
            "{} longer than {} KiB {} skipped (no session is that long)",
            crate::output::plural(dump.oversized as u64, "key or value", "keys or values"),
            sessctl_store::DUMP_MAX_STRING / 1024,
            if dump.oversized == 1 { "was" } else { "were" }
        );
    }
    let summary = ScanSummary { end: dump.end, scanned: dump.scanned, ..ScanSummary::default() };
    Ok(SourceRead { summary, dump: Some(dump) })
}

/// One line on what was read and what the TTLs are relative to.
pub(crate) fn describe(dump: &DumpSummary, from: Sessions) -> String {
    let source = match from {
        Sessions::Snapshot(_) => {
            format!("read a snapshot of {}", crate::output::plural(dump.dumps, "primary", "primaries"))
        }
        _ => format!("read an RDB dump (version {})", dump.version),
    };
    let at = crate::output::rfc3339(dump.base_ms.div_euclid(1000)).unwrap_or_default();
    let base = match (dump.base, from) {
        (TtlBase::DumpTime, Sessions::Snapshot(_)) => format!("TTLs are as of the snapshot, {at}"),
        (TtlBase::DumpTime, _) => {
            format!("TTLs are as of the dump's own time, {at} (its ctime); --now counts them from now")
        }
        (TtlBase::Now, _) => format!("TTLs are counted from now, {at} (--now)"),
        (TtlBase::NowNoCtime, _) => format!("the dump has no ctime, so TTLs are counted from now, {at}"),
    };
    let expired = match dump.expired {
        0 => String::new(),
        n => format!("; {} already expired then were left out", crate::output::plural(n, "session", "sessions")),
    };
    format!("{source}; {base}{expired}")
}

/// The fields a summary adds when the sessions came from a dump: `source`, `ttl_base`,
/// `as_of`.
pub(crate) fn summary_fields(summary: &mut crate::output::Summary, dump: &DumpSummary, from: Sessions) {
    let source = match from {
        Sessions::Snapshot(_) => "snapshot",
        Sessions::Rdb(_) => "rdb",
        Sessions::Scan(_) => "scan",
    };
    let base = match dump.base {
        TtlBase::DumpTime => "dump_ctime",
        TtlBase::Now | TtlBase::NowNoCtime => "now",
    };
    summary
        .add("source", source)
        .add("ttl_base", base)
        .add("as_of", crate::output::rfc3339(dump.base_ms.div_euclid(1000)).unwrap_or_default());
}

/// Opens the dump `--rdb` names: a path that cannot be opened or is a directory is a usage
/// error naming the flag (a pipe is read as it comes: `--rdb <(ssh host cat dump.rdb)`).
fn open_dump(path: &Path) -> anyhow::Result<std::fs::File> {
    let shown = crate::output::path(path);
    let file =
        std::fs::File::open(path).map_err(|e| usage(format!("cannot read the dump {shown}: {e}; check --rdb")))?;
    if file.metadata().is_ok_and(|m| m.is_dir()) {
        return Err(usage(format!("--rdb {shown} is a directory; name the dump file in it (such as dump.rdb)")));
    }
    Ok(file)
}

/// `verify --rdb`: looks `keys` up in the dump at `path` (one pass over it per call).
pub(crate) fn lookup_in_dump(
    settings: &Settings,
    path: &Path,
    use_now: bool,
    keys: &[Vec<u8>],
    noted: &mut bool,
) -> anyhow::Result<Vec<sessctl_store::Lookup>> {
    use sessctl_store::Lookup;
    use std::collections::HashMap;
    let mut wanted: HashMap<&[u8], Option<Lookup>> = keys.iter().map(|k| (&k[..], None)).collect();
    let shown = crate::output::path(path);
    // Each batch of cookies reads the dump again: a pipe would be empty from the second on.
    if super::files::special_file(path).is_some() {
        return Err(usage(format!(
            "verify --rdb {shown} is a pipe or a device, and verify reads the dump once per batch of cookies; save the dump to a file first (redis-cli --rdb FILE makes one)"
        )));
    }
    let file = open_dump(path)?;
    let request = DumpRequest {
        db: url_db(settings),
        users: Default::default(),
        now_ms: (config::now()? * 1000.0).floor() as i64,
        use_now,
    };
    let input = io::BufReader::with_capacity(1 << 16, file);
    let dump = sessctl_store::read_dump(input, settings.prefix.as_bytes(), &request, &crate::signals::STOP, |found| {
        let (key, lookup) = match found {
            Found::Session(s) => (s.key, Lookup::Session { user: s.user, ttl_ms: s.ttl_ms }),
            Found::NotString { key, redis_type } => (key, Lookup::NotString { redis_type }),
        };
        if let Some(slot) = wanted.get_mut(&key[..]) {
            *slot = Some(lookup);
        }
        Ok::<_, anyhow::Error>(ControlFlow::Continue(()))
    })?;
    if dump.end == ScanEnd::Interrupted {
        anyhow::bail!("interrupted while reading the dump {shown}");
    }
    if !std::mem::replace(noted, true) {
        crate::messages::note!("sessions looked up in {shown}: {}", describe(&dump, Sessions::Rdb(path)));
    }
    Ok(keys.iter().map(|k| wanted.get(&k[..]).cloned().flatten().unwrap_or(Lookup::Missing)).collect())
}

/// The server refused the snapshot (before any session was read from it).
pub(crate) fn refused_snapshot(error: &anyhow::Error) -> bool {
    error.chain().any(|e| {
        matches!(e.downcast_ref::<sessctl_store::StoreError>(), Some(sessctl_store::StoreError::SnapshotRefused { .. }))
    })
}
