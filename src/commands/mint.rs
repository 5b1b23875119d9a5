//! `sessctl mint`: sessions exactly as tornado-auth-sessions makes them.
//!
//! mint stores exactly what it prints. Each batch is stored (`SET … NX`), then written to
//! stdout unbuffered; the sessions whose lines did not get out (a full disk, a closed pipe, a
//! signal) are deleted again with compare-and-delete, and the error says how many cookies were
//! printed and stored. On a pipe, "printed" means taken by the reader: mint waits for the
//! reader to drain each batch and starts with batches of one, doubling, so
//! `sessctl mint --count 5000 | head -1` leaves exactly one session in Redis.

use std::io::Write;

use base64::Engine;
use serde::Serialize;

use crate::cli::{MintArgs, MintFormat, OutputFormat};
use crate::config::{self, Settings, Uses};
use crate::error::{usage, Outcome};
use crate::output;
use crate::signals;
use crate::sink::Sink;
use crate::workflow::audit;
use crate::workflow::files::RunFiles;
use crate::workflow::invocation::Invocable;
use crate::workflow::session;
use crate::workflow::set_cookie::{quote_cookie_value, set_cookie_header};
use sessctl_cookie as cookie;

/// Sessions created per pipeline.
const BATCH: usize = 1000;

#[derive(Serialize)]
struct Minted {
    session_id: String,
    user: String,
    cookie: String,
    key_version: i64,
    signed_at: Option<String>,
    expires_at: Option<String>,
    stored: bool,
}

/// A new session id as `secrets.token_urlsafe(32)` makes it: 32 bytes from the OS CSPRNG,
/// URL-safe base64 without padding (43 characters).
pub fn new_session_id() -> anyhow::Result<String> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes)
        .map_err(|e| anyhow::anyhow!("the operating system's random generator failed ({e}); no session was minted"))?;
    Ok(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes))
}

impl Invocable for MintArgs {
    fn uses(&self) -> Uses {
        Uses {
            secret: true,
            key_version: true,
            cookie_name: true,
            ttl: true,
            redis: !self.no_store,
            prefix: !self.no_store,
            output: true,
        }
    }

    fn files(&self, settings: &Settings) -> anyhow::Result<RunFiles> {
        if self.no_store {
            return Ok(RunFiles::default());
        }
        Ok(RunFiles { audit_log: audit::path_for(&self.audit_log, settings)?, ..RunFiles::default() })
    }

    fn secret_output(&self) -> bool {
        true
    }

    fn run(&self, settings: &Settings, out: &mut Sink) -> anyhow::Result<Outcome> {
        run(settings, self, out)
    }
}

pub fn run(settings: &Settings, args: &MintArgs, out: &mut Sink) -> anyhow::Result<Outcome> {
    if args.user.is_empty() {
        return Err(usage("--user is empty; give the user id to log in"));
    }
    if matches!(settings.output, OutputFormat::Csv | OutputFormat::Prometheus) {
        return Err(usage(
            "mint prints cookies, not records: -o csv and -o prometheus do not apply; use -o json (or --format json) for a JSON object per session",
        ));
    }
    let format =
        args.format.unwrap_or(if settings.output == OutputFormat::Json { MintFormat::Json } else { MintFormat::Value });
    let ring = settings.secret(crate::terminal::secret_prompt)?;
    let (key_version, secret) = ring.signing_key(settings.key_version).map_err(|e| usage(e.to_string()))?;
    // A session minted is a working login: the audit log (flag, SESSCTL_AUDIT_LOG or the
    // profile's audit_log) gets a line for each one stored and printed. --no-store stores none.
    let mut audit = if args.no_store { None } else { audit::open_audit(args.audit_log.clone(), "mint", settings)? };
    let store = if args.no_store { None } else { Some(session::connect(settings)?) };
    // From here a signal stops minting between batches: what was printed is what is stored.
    signals::graceful();
    let mut result =
        mint_all(settings, args, format, key_version, secret.expose(), store.as_ref(), audit.as_mut(), out);
    if let Some(store) = &store {
        session::report_failovers(store, None);
    }
    // With --output-file, "printed" means "in the file": an output that is not whole is
    // dropped, so the sessions of the cookies written to it so far are deleted again.
    if let (Some(store), true) = (&store, out.delivers_on_commit()) {
        if !matches!(result, Ok(outcome) if outcome.output_is_whole()) {
            let undo = undo_written(store, settings, args, format, out, audit.as_mut());
            crate::messages::said!("--output-file gets no cookies from this run, so {undo}");
        }
    }
    if let Some(audit) = audit.as_mut() {
        if let Err(e) = audit.finish() {
            result = result.and(Err(e));
        }
    }
    result
}

#[allow(clippy::too_many_arguments)]
fn mint_all(
    settings: &Settings,
    args: &MintArgs,
    format: MintFormat,
    key_version: i64,
    secret: &[u8],
    store: Option<&sessctl_store::Store>,
    mut audit: Option<&mut audit::AuditLog>,
    out: &mut Sink,
) -> anyhow::Result<Outcome> {
    let ttl = settings.session_ttl.as_secs().max(1);
    let user = args.user.as_bytes();
    // On a pipe, start with one cookie and double once the reader has taken each batch, so
    // `mint | head -1` has exactly one cookie in the pipe when head reads.
    let mut size = if out.is_pipe() && store.is_some() { 1 } else { BATCH };
    let (mut left, mut printed) = (args.count, 0u64);
    while left > 0 {
        if signals::stopped() {
            crate::messages::status!(
                "stopped after {printed} of {}; each one printed is stored, no other",
                crate::output::plural(args.count, "cookie", "cookies")
            );
            return Ok(Outcome::Interrupted);
        }
        let n = left.min(size as u64) as usize;
        let _batch = signals::critical();
        let mut ids: Vec<String> = (0..n).map(|_| new_session_id()).collect::<anyhow::Result<_>>()?;
        if let Some(store) = store {
            store_new(store, settings, user, ttl, &mut ids).map_err(|e| {
                let undo = rollback(store, settings, user, &ids);
                anyhow::anyhow!("cannot store the new sessions: {e}; {}; {undo}", printed_and_stored(printed))
            })?;
        }
        let timestamp = config::now()?.floor() as i64;
        let mut buf = Vec::with_capacity(n * 200);
        let mut ends = Vec::with_capacity(n);
        for id in &ids {
            let value = cookie::sign_v2(secret, key_version, &settings.cookie_name, id.as_bytes(), timestamp);
            let expires = timestamp.saturating_add(ttl as i64);
            render(&mut buf, format, settings, args, id, value, key_version, timestamp, expires, store.is_some())?;
            ends.push(buf.len());
        }
        let (taken, failure) = out.write_and_wait(&buf, store.is_some());
        let shown = ends.iter().take_while(|end| **end <= taken).count();
        printed += shown as u64;
        if let (Some(audit), true) = (audit.as_deref_mut(), store.is_some()) {
            // Stored and printed: these are working logins.
            let minted = ids[..shown].iter().map(|id| (id.as_bytes(), user, "minted"));
            audit.record(audit::Action::Minted, minted).map_err(|e| {
                anyhow::anyhow!(
                    "{e}; {printed} cookie(s) were printed and are stored, the last {shown} not in the audit log"
                )
            })?;
        }
        if let Some(failure) = failure {
            let Some(store) = store else {
                return if failure.kind() == std::io::ErrorKind::BrokenPipe {
                    Ok(Outcome::Success)
                } else {
                    Err(failure.into())
                };
            };
            let undo = rollback(store, settings, user, &ids[shown..]);
            if failure.kind() == std::io::ErrorKind::BrokenPipe && !undo.starts_with("but") {
                crate::messages::note!(
                    "the reader closed the output after {}; exactly those are stored ({undo})",
                    crate::output::plural(printed, "cookie", "cookies")
                );
                return Ok(Outcome::Success);
            }
            return Err(anyhow::anyhow!(
                "cannot write the cookies to stdout: {failure}; {}; {undo}",
                printed_and_stored(printed)
            ));
        }
        left -= n as u64;
        if out.is_pipe() && size < BATCH {
            size = (size * 2).min(BATCH);
        }
    }
    Ok(Outcome::Success)
}

/// Deletes the sessions whose cookies are in the dropped `--output-file` output at `temp`
/// (read back line by line: each line names its session), and says what happened.
fn undo_written(
    store: &sessctl_store::Store,
    settings: &Settings,
    args: &MintArgs,
    format: MintFormat,
    out: &mut Sink,
    mut audit: Option<&mut audit::AuditLog>,
) -> String {
    use std::io::BufRead;
    // What went to the --output-file so far, read back from the sink: each line names its
    // session.
    let written = match out.read_back() {
        Some(Ok(written)) => written,
        None => return "no session was written to a file".to_string(),
        Some(Err(e)) => {
            return format!(
            "the sessions of the cookies written so far could not be found to delete ({e}); they expire with their TTL"
        )
        }
    };
    let id_of = |line: &[u8]| -> Option<Vec<u8>> {
        if format == MintFormat::Json {
            let record: serde_json::Value = serde_json::from_slice(line).ok()?;
            return record.get("session_id")?.as_str().map(|s| s.as_bytes().to_vec());
        }
        let value = cookie::input::extract(line, &settings.cookie_name)?;
        cookie::decode(&value).ok()?.value
    };
    let (mut deleted, mut batch) = (0usize, Vec::new());
    let prefix_len = settings.prefix.len();
    let mut flush = |batch: &mut Vec<sessctl_store::Expected>| -> Result<(), sessctl_store::StoreError> {
        if !batch.is_empty() {
            let done = store.delete_if_holds(batch)?;
            deleted += done.iter().filter(|d| **d).count();
            if let Some(audit) = audit.as_deref_mut() {
                // The audit log has their "minted" lines: it says they are gone again.
                let undone = batch
                    .iter()
                    .zip(&done)
                    .filter(|(_, d)| **d)
                    .map(|(e, _)| (&e.key[prefix_len.min(e.key.len())..], &e.user[..], "output_file_dropped"));
                if let Err(e) = audit.record(audit::Action::Deleted, undone) {
                    crate::messages::said!("{e}");
                }
            }
            batch.clear();
        }
        Ok(())
    };
    for line in written.split(b'\n') {
        let Ok(line) = line else { break };
        if let Some(id) = id_of(&line) {
            batch.push(sessctl_store::Expected { key: settings.key_for(&id), user: args.user.as_bytes().to_vec() });
            if batch.len() >= BATCH {
                if let Err(e) = flush(&mut batch) {
                    return format!("deleting their sessions failed part way ({e}); revoke them with `sessctl revoke --user` if needed");
                }
            }
        }
    }
    match flush(&mut batch) {
        Ok(()) => format!(
            "the {} stored for the cookies written so far {} deleted again",
            crate::output::plural(deleted as u64, "session", "sessions"),
            if deleted == 1 { "was" } else { "were" }
        ),
        Err(e) => {
            format!("deleting their sessions failed part way ({e}); revoke them with `sessctl revoke --user` if needed")
        }
    }
}

/// `SET … NX` for each id; an id that already exists (a 2^-256 event) is never overwritten,
/// it is drawn again.
fn store_new(
    store: &sessctl_store::Store,
    settings: &Settings,
    user: &[u8],
    ttl: u64,
    ids: &mut [String],
) -> anyhow::Result<()> {
    loop {
        let pairs: Vec<(Vec<u8>, Vec<u8>)> =
            ids.iter().map(|id| (settings.key_for(id.as_bytes()), user.to_vec())).collect();
        let created = store.create(&pairs, ttl)?;
        let mut retry = false;
        for (id, ok) in ids.iter_mut().zip(&created) {
            if !ok {
                *id = new_session_id()?;
                retry = true;
            }
        }
        if !retry {
            return Ok(());
        }
    }
}

/// Deletes the sessions minted for cookies that were not printed (compare-and-delete: only
/// while they still hold the user). Says what happened, naming the ids if Redis refused.
fn rollback(store: &sessctl_store::Store, settings: &Settings, user: &[u8], ids: &[String]) -> String {
    if ids.is_empty() {
        return "no session was stored for an unprinted cookie".to_string();
    }
    let expected: Vec<sessctl_store::Expected> = ids
        .iter()
        .map(|id| sessctl_store::Expected { key: settings.key_for(id.as_bytes()), user: user.to_vec() })
        .collect();
    match store.delete_if_holds(&expected) {
        Ok(done) => {
            let n = done.iter().filter(|d| **d).count();
            format!(
                "the {} stored for cookies that were not printed {} deleted",
                crate::output::plural(n as u64, "session", "sessions"),
                if n == 1 { "was" } else { "were" }
            )
        }
        Err(e) => format!(
            "but the {} of the unprinted cookies may be stored and could not be deleted ({e}); revoke them: sessctl revoke -- {}",
            crate::output::plural(ids.len() as u64, "session", "sessions"),
            ids.join(" ")
        ),
    }
}

#[allow(clippy::too_many_arguments)]
fn render(
    buf: &mut Vec<u8>,
    format: MintFormat,
    settings: &Settings,
    args: &MintArgs,
    id: &str,
    value: String,
    key_version: i64,
    timestamp: i64,
    expires: i64,
    stored: bool,
) -> anyhow::Result<()> {
    match format {
        MintFormat::Value => writeln!(buf, "{value}")?,
        MintFormat::Cookie => writeln!(buf, "{}={}", settings.cookie_name, quote_cookie_value(&value))?,
        MintFormat::Header => {
            writeln!(buf, "{}", set_cookie_header(&settings.cookie_name, &value, expires, !args.insecure_cookie))?
        }
        MintFormat::Json => {
            let record = Minted {
                session_id: id.to_string(),
                user: args.user.clone(),
                cookie: value,
                key_version,
                signed_at: output::rfc3339(timestamp),
                expires_at: output::rfc3339(expires),
                stored,
            };
            serde_json::to_writer(&mut *buf, &record)?;
            buf.push(b'\n');
        }
    }
    Ok(())
}

/// `3 cookies were printed and are stored`, `1 cookie was printed and is stored`.
fn printed_and_stored(printed: u64) -> String {
    crate::output::plural(printed, "cookie was printed and is stored", "cookies were printed and are stored")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn session_ids_look_like_token_urlsafe_32() {
        let a = new_session_id().unwrap();
        let b = new_session_id().unwrap();
        assert_eq!(a.len(), 43);
        assert!(a.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_'));
        assert_ne!(a, b);
    }
}
