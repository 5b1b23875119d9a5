//! `--rate`, `--max-latency`, `--max-duration` and `--resume` for the scanning commands
//! (list, revoke, cleanup, stats): resolved and checked before anything connects (exit 2),
//! put into the scan request, and afterwards the summary fields, the notes and the resume
//! file.
//!
//! The resume file (docs/neighbour.md shows one) is JSON: the format version, the command,
//! the target (Redis URLs with passwords redacted, and the prefix), the selection (what the
//! command acts on: its users, filters and `--dry-run`), when it was saved, and the scan's
//! per-primary state: each primary's node id, address, slot ranges, server run id, SCAN
//! cursor and whether it is done. It is written atomically (a temporary file in the same
//! directory, synced, renamed over the old one, mode 0600), and removed once a scan that
//! used it is complete, so the next run starts a new pass.

use std::collections::HashSet;
use std::fs;
use std::io::{self, Read, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use crate::cli::{OutputFormat, PaceArgs};
use crate::config::{self, Settings};
use crate::error::usage;
use crate::output::{self, excerpt, Summary};
use sessctl_store::{Pace, PaceOptions, ScanEnd, ScanRequest, ScanState, ScanSummary};

/// The resume file's format version.
const FORMAT: u32 = 1;
/// The largest resume file read (a cluster has at most 16,384 primaries; a few hundred bytes
/// each).
const MAX_FILE: u64 = 16 << 20;
/// The most parts a resume file may hold (one per primary; slots are 0..16383).
const MAX_PARTS: usize = 16_384;

/// What a resume file is for: it continues only a run with the same of each.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Identity {
    command: String,
    target: Target,
    selection: serde_json::Map<String, Value>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Target {
    /// The Redis URLs, passwords redacted, sorted (seed order does not matter).
    redis_url: Vec<String>,
    prefix: String,
}

/// The resume file.
#[derive(Debug, Serialize, Deserialize)]
struct Saved {
    sessctl_resume: u32,
    #[serde(flatten)]
    identity: Identity,
    saved_at: String,
    state: ScanState,
}

/// The pace flags of one run, resolved, and the resume file's state.
pub(crate) struct Pacing {
    rate: Option<u64>,
    max_latency: Option<Duration>,
    max_duration: Option<Duration>,
    resume: Option<ResumeFile>,
    pace: Option<Arc<Pace>>,
}

struct ResumeFile {
    path: PathBuf,
    identity: Identity,
    /// The state saved by an earlier run (`None`: no file yet).
    state: Option<ScanState>,
}

/// A digest of a set of user ids for the resume file's selection (the ids themselves stay
/// out of the file): 16 hex digits of SHA-256 over the sorted, length-prefixed ids.
pub(crate) fn users_digest(users: &HashSet<Vec<u8>>) -> Value {
    if users.is_empty() {
        return Value::Null;
    }
    let mut sorted: Vec<&Vec<u8>> = users.iter().collect();
    sorted.sort();
    let mut hash = Sha256::new();
    for user in sorted {
        hash.update((user.len() as u64).to_be_bytes());
        hash.update(user);
    }
    json!({ "count": users.len(), "sha256": hex::encode(&hash.finalize()[..8]) })
}

fn shown(path: &Path) -> String {
    output::path(path)
}

impl Pacing {
    /// Resolves the flags (flag > environment > profile) and reads the resume file, before
    /// anything connects. `selection` names what the command acts on; a resume file saved
    /// for another selection, command, server or prefix is refused.
    pub fn resolve(
        args: &PaceArgs,
        settings: &Settings,
        command: &'static str,
        selection: Vec<(&'static str, Value)>,
    ) -> anyhow::Result<Pacing> {
        let rate = config::resolve(
            args.rate.map(Some),
            "--rate",
            "SESSCTL_RATE",
            true,
            |t| crate::values::rate(t).map(Some),
            || None,
        )?
        .value;
        let max_latency = config::resolve(
            args.max_latency.map(Some),
            "--max-latency",
            "SESSCTL_MAX_LATENCY",
            true,
            |t| crate::values::max_latency(t).map(Some),
            || None,
        )?
        .value;
        let timeboxed = args.max_duration.is_some() || args.resume.is_some();
        if timeboxed && settings.output == OutputFormat::Prometheus {
            return Err(usage(
                "--max-duration and --resume give partial counts, and -o prometheus would show one as a real drop; use -o json (its summary says complete: false)",
            ));
        }
        let resume = match &args.resume {
            None => None,
            Some(path) => {
                let identity = Identity {
                    command: command.to_string(),
                    target: Target {
                        redis_url: {
                            let mut urls: Vec<String> =
                                settings.redis.urls.iter().map(|u| sessctl_store::redact_url(u)).collect();
                            urls.sort();
                            urls
                        },
                        prefix: settings.prefix.clone(),
                    },
                    selection: selection.into_iter().map(|(k, v)| (k.to_string(), v)).collect(),
                };
                let state = load(path, &identity)?;
                Some(ResumeFile { path: path.clone(), identity, state })
            }
        };
        Ok(Pacing { rate, max_latency, max_duration: args.max_duration, resume, pace: None })
    }

    /// The same pace without the time box and the resume file (a counting pass before a
    /// prompt).
    pub fn pace_only(&self) -> Pacing {
        Pacing { rate: self.rate, max_latency: self.max_latency, max_duration: None, resume: None, pace: None }
    }

    /// Sets up `request` for this run: the pacer (its clock starts now), the probe, the saved
    /// state. Call it just before the scan.
    pub fn prepare(&mut self, settings: &Settings, request: &mut ScanRequest) {
        if self.rate.is_some() || self.max_latency.is_some() || self.max_duration.is_some() {
            let pace = Arc::new(Pace::new(PaceOptions {
                rate: self.rate.map(|r| r as f64),
                max_latency: self.max_latency,
                max_duration: self.max_duration,
            }));
            request.probe_every = pace.probe_every();
            request.pacer = Some(pace.clone());
            self.pace = Some(pace);
        }
        if let Some(rate) = self.rate {
            // A batch is 5 ms of the pace (10 to 1,000 keys): a slow pace is steady, not 250
            // keys and then a long pause, and a fast one has room to catch up after its
            // thread waited for a CPU, without a burst beyond one batch.
            request.count = (rate / 200).clamp(10, 1000) as usize;
        }
        if let Some(resume) = &self.resume {
            request.resumable = true;
            request.resume = resume.state.clone();
            if let Some(state) = &resume.state {
                if !settings.quiet {
                    let done = state.parts.iter().filter(|p| p.done).count();
                    eprintln!(
                        "sessctl: note: continuing the scan saved in {} ({done} of {} done before)",
                        shown(&resume.path),
                        crate::output::plural(state.parts.len() as u64, "part", "parts")
                    );
                }
            }
        }
    }

    /// The scan stopped because `--max-duration` passed (not a signal, not an error).
    pub fn timeboxed(&self, summary: &ScanSummary) -> bool {
        summary.end == ScanEnd::Interrupted
            && !crate::signals::stopped()
            && self.pace.as_ref().is_some_and(|p| p.deadline_reached())
    }

    /// The run continues a scan that an earlier run saved: its figures cover only the part of
    /// the keyspace left, never the whole.
    pub fn continued(&self) -> bool {
        self.resume.as_ref().is_some_and(|r| r.state.is_some())
    }

    /// A stop (deadline or signal) after which the state can be saved: the command must send
    /// what it has queued (deletions) before [`Pacing::finish`], so nothing the saved cursors
    /// passed is left undone.
    pub fn saves_on_stop(&self) -> bool {
        self.resume.is_some()
    }

    /// The summary fields of the pace: `keys_per_second` with a rate or a latency target,
    /// `observed_p99_ms` with a latency target, `deadline_reached` with a time box.
    /// `resumed` (true) when the run continued a scan saved by an earlier run.
    pub fn add_fields(&self, summary: &mut Summary, scan: Option<&ScanSummary>) {
        if self.continued() {
            summary.add("resumed", true);
        }
        let Some(pace) = &self.pace else { return };
        if self.rate.is_some() || self.max_latency.is_some() {
            let scanned = scan.map_or(0, |s| s.scanned);
            let secs = pace.elapsed().as_secs_f64();
            let kps = if secs > 0.0 { (scanned as f64 / secs).round() as u64 } else { 0 };
            summary.add("keys_per_second", kps);
        }
        if self.max_latency.is_some() {
            let p99 = pace.observed_p99().map(|d| (d.as_secs_f64() * 1e5).round() / 100.0);
            summary.add("observed_p99_ms", p99);
        }
        if self.max_duration.is_some() {
            summary.add("deadline_reached", scan.is_some_and(|s| self.timeboxed(s)));
        }
    }

    /// After the scan: saves the state to the resume file when the scan stopped before its
    /// end (`clean`: everything queued was sent), removes the file when it is complete, and
    /// says on stderr what happened. A failed scan leaves the file as it was. `summarised`:
    /// the command's output says `complete: false` itself, so --quiet may silence the note
    /// that the time box stopped the scan (a nightly slice need not mail every night).
    pub fn finish(&self, settings: &Settings, scan: &ScanSummary, clean: bool, summarised: bool) -> anyhow::Result<()> {
        if !settings.quiet {
            for addr in &scan.started_over {
                eprintln!(
                    "sessctl: note: the part of the scan on {} starts over: its primary, slots or server process changed since the resume file was saved",
                    excerpt(addr.as_bytes())
                );
            }
        }
        let timeboxed = self.timeboxed(scan);
        let saved = match &self.resume {
            Some(resume) if scan.is_complete() => {
                match fs::remove_file(&resume.path) {
                    Ok(()) if !settings.quiet => eprintln!(
                        "sessctl: note: the scan is complete; removed {} so the next run starts a new pass",
                        shown(&resume.path)
                    ),
                    Ok(()) => {}
                    Err(e) if e.kind() == io::ErrorKind::NotFound => {}
                    Err(e) => {
                        return Err(anyhow::anyhow!(
                            "the scan is complete but {} could not be removed: {e}; remove it before the next run, or it continues a pass that is over",
                            shown(&resume.path)
                        ))
                    }
                }
                None
            }
            Some(resume) if scan.end == ScanEnd::Interrupted && clean => {
                save(&resume.path, &resume.identity, &scan.state)?;
                Some(&resume.path)
            }
            _ => None,
        };
        if self.continued() && scan.is_complete() && !(settings.quiet && summarised) {
            // Not silenced by --quiet when nothing else says the figures are a part.
            eprintln!(
                "sessctl: note: this run finished a scan that earlier runs began, so its figures cover only the keys they left (resumed: true), not the whole; the runs' figures add up to the whole pass"
            );
        }
        if timeboxed && !(settings.quiet && summarised) {
            let limit = self.max_duration.map(|d| humantime::format_duration(d).to_string()).unwrap_or_default();
            let next = match (saved, &self.resume) {
                (Some(path), _) => {
                    format!("saved where it stopped in {}, where the next run with --resume continues", shown(path))
                }
                (None, Some(resume)) => format!("{} was left as it was", shown(&resume.path)),
                (None, None) => "give --resume FILE to continue from here next time".to_string(),
            };
            // Not silenced by --quiet when nothing else says the output is partial.
            eprintln!(
                "sessctl: stopped at --max-duration {limit} after {}; the scan is not complete (complete: false); {next}",
                crate::output::plural(scan.scanned, "key", "keys")
            );
        } else if let Some(path) = saved {
            if !settings.quiet {
                eprintln!(
                    "sessctl: note: saved where the scan stopped in {}, where the next run with --resume continues",
                    shown(path)
                );
            }
        }
        if let (Some(target), Some(pace)) = (self.max_latency, &self.pace) {
            if let Some(p99) = pace.observed_p99() {
                if p99 > target && !settings.quiet {
                    eprintln!(
                        "sessctl: note: the latency other clients saw was {} at its 99th percentile, over --max-latency {}; the scan slowed down each time (to {} keys/s per primary at the slowest), but the server or this machine may be that slow even without it",
                        millis(p99),
                        millis(target),
                        sessctl_store::PACE_FLOOR
                    );
                }
            }
        }
        Ok(())
    }
}

/// A latency in milliseconds, to 10 µs: `0.45 ms`.
fn millis(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

/// Reads a resume file: `None` when it does not exist yet (its directory must).
fn load(path: &Path, identity: &Identity) -> anyhow::Result<Option<ScanState>> {
    let name = shown(path);
    let start_over = format!("give another file, or delete {name} to start a new scan");
    // A file sessctl did not write is never to be deleted on its word (a typo may name any file).
    let not_ours =
        "give another file name (sessctl makes the file the first time, and removes it when the scan is complete)";
    if path.as_os_str().is_empty() {
        return Err(usage("--resume is empty; give a file name"));
    }
    if let Some(kind) = super::files::special_file(path) {
        return Err(usage(format!("--resume {name} is {kind}, not a regular file; give a file name")));
    }
    let file = match fs::File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            let dir = match path.parent() {
                Some(d) if !d.as_os_str().is_empty() => d,
                _ => Path::new("."),
            };
            if !dir.is_dir() {
                return Err(usage(format!("--resume {name}: the directory {} does not exist", shown(dir))));
            }
            return Ok(None);
        }
        Err(e) => return Err(usage(format!("cannot read --resume {name}: {e}"))),
    };
    if file.metadata().map(|m| m.is_dir()).unwrap_or(false) {
        return Err(usage(format!("--resume {name} is a directory; name a file")));
    }
    let mut text = Vec::new();
    file.take(MAX_FILE + 1).read_to_end(&mut text).map_err(|e| usage(format!("cannot read --resume {name}: {e}")))?;
    if text.len() as u64 > MAX_FILE {
        return Err(usage(format!("--resume {name} is larger than 16 MiB, so not a sessctl resume file; {not_ours}")));
    }
    let version: Option<u32> = serde_json::from_slice::<Value>(&text)
        .ok()
        .and_then(|v| v.get("sessctl_resume").and_then(Value::as_u64))
        .and_then(|v| u32::try_from(v).ok());
    match version {
        None => return Err(usage(format!("--resume {name} is not a sessctl resume file; {not_ours}"))),
        Some(v) if v != FORMAT => {
            return Err(usage(format!(
                "--resume {name} has format {v}, this sessctl reads format {FORMAT}; {start_over}"
            )))
        }
        Some(_) => {}
    }
    let saved: Saved = serde_json::from_slice(&text).map_err(|e| {
        usage(format!("--resume {name} is damaged ({}); {start_over}", output::safe_message(&e.to_string())))
    })?;
    let parts = &saved.state.parts;
    let bad_slots = parts.iter().any(|p| p.slots.iter().any(|&(a, b)| a > b || b > 16_383));
    if parts.len() > MAX_PARTS || bad_slots {
        return Err(usage(format!("--resume {name} is damaged (impossible slot ranges); {start_over}")));
    }
    if saved.identity != *identity {
        return Err(usage(format!("--resume {name} {}; {start_over}", difference(&saved.identity, identity))));
    }
    Ok(Some(saved.state))
}

/// Text from a resume file, made safe to print: JSON escapes (no control characters), at
/// most 80 characters.
fn safe(text: &str) -> String {
    let json = serde_json::to_string(text).unwrap_or_default();
    let inner = json.trim_matches('"');
    let shown = if inner.chars().all(|c| c.is_ascii_alphanumeric() || "-_.:/,@ ".contains(c)) { inner } else { &json };
    if shown.chars().count() > 80 {
        format!("{}…", shown.chars().take(77).collect::<String>())
    } else {
        shown.to_string()
    }
}

/// How a saved identity differs from this run's, in words.
fn difference(saved: &Identity, now: &Identity) -> String {
    if saved.command != now.command {
        return format!("was saved by `sessctl {}`, not `sessctl {}`", safe(&saved.command), safe(&now.command));
    }
    if saved.target != now.target {
        let describe = |t: &Target| safe(&format!("{} prefix {}", t.redis_url.join(","), t.prefix));
        return format!("was saved for {}, not {}", describe(&saved.target), describe(&now.target));
    }
    let keys: std::collections::BTreeSet<&String> = saved.selection.keys().chain(now.selection.keys()).collect();
    let differing: Vec<String> = keys
        .into_iter()
        .filter(|k| saved.selection.get(*k) != now.selection.get(*k))
        .map(|k| {
            let show = |v: Option<&Value>| {
                let text = v.unwrap_or(&Value::Null).to_string();
                if text.chars().count() > 80 {
                    format!("{}…", text.chars().take(77).collect::<String>())
                } else {
                    text
                }
            };
            format!("{} {} there, {} here", safe(k), show(saved.selection.get(k)), show(now.selection.get(k)))
        })
        .collect();
    format!("was saved for another selection of sessions ({})", differing.join("; "))
}

/// Writes the state atomically: a temporary file next to `path` (0600), synced, renamed.
fn save(path: &Path, identity: &Identity, state: &ScanState) -> anyhow::Result<()> {
    let name = shown(path);
    let saved = Saved {
        sessctl_resume: FORMAT,
        identity: identity.clone(),
        saved_at: output::rfc3339(config::now()?.floor() as i64).unwrap_or_default(),
        state: state.clone(),
    };
    let mut text = serde_json::to_vec_pretty(&saved)?;
    text.push(b'\n');
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let file_name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "resume".into());
    let temp = dir.join(format!(".{file_name}.{}.tmp", std::process::id()));
    let fail = |e: io::Error| {
        anyhow::anyhow!("cannot save the scan's state to --resume {name}: {e}; the file was left as it was")
    };
    let _ = fs::remove_file(&temp);
    let written = (|| {
        let mut file = fs::OpenOptions::new().write(true).create_new(true).mode(0o600).open(&temp)?;
        file.write_all(&text)?;
        file.sync_all()?;
        fs::rename(&temp, path)?;
        if let Ok(d) = fs::File::open(&dir) {
            let _ = d.sync_all();
        }
        Ok(())
    })();
    if let Err(e) = written {
        let _ = fs::remove_file(&temp);
        return Err(fail(e));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn identity(command: &str, users: &[&str]) -> Identity {
        let users: HashSet<Vec<u8>> = users.iter().map(|u| u.as_bytes().to_vec()).collect();
        Identity {
            command: command.into(),
            target: Target { redis_url: vec!["redis://127.0.0.1:6379/0".into()], prefix: "session:".into() },
            selection: [("users".to_string(), users_digest(&users))].into_iter().collect(),
        }
    }

    #[test]
    fn a_saved_state_loads_back_only_for_the_same_run() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("resume.json");
        let me = identity("revoke", &["alice", "bob"]);
        assert_eq!(load(&path, &me).unwrap(), None, "no file yet: a new scan");
        let state = ScanState {
            parts: vec![sessctl_store::PartCursor {
                node: "127.0.0.1:6379".into(),
                addr: "127.0.0.1:6379".into(),
                cursor: 1234,
                run_id: "abc".into(),
                ..Default::default()
            }],
        };
        save(&path, &me, &state).unwrap();
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
        assert_eq!(load(&path, &identity("revoke", &["bob", "alice"])).unwrap(), Some(state));
        let other = load(&path, &identity("revoke", &["alice"])).unwrap_err().to_string();
        assert!(other.contains("another selection") && other.contains("users"), "{other}");
        let other = load(&path, &identity("list", &["alice", "bob"])).unwrap_err().to_string();
        assert!(other.contains("was saved by `sessctl revoke`, not `sessctl list`"), "{other}");
        let mut elsewhere = me.clone();
        elsewhere.target.prefix = "s2:".into();
        let other = load(&path, &elsewhere).unwrap_err().to_string();
        assert!(other.contains("was saved for") && other.contains("prefix session:"), "{other}");
        fs::write(&path, b"{\"sessctl_resume\": 1, \"command\": 5}").unwrap();
        assert!(load(&path, &me).unwrap_err().to_string().contains("damaged"));
        fs::write(&path, b"hello").unwrap();
        assert!(load(&path, &me).unwrap_err().to_string().contains("not a sessctl resume file"));
        fs::write(&path, b"{\"sessctl_resume\": 7}").unwrap();
        assert!(load(&path, &me).unwrap_err().to_string().contains("format 7"));
        assert!(load(&dir.path().join("no/such/dir/f"), &me).unwrap_err().to_string().contains("does not exist"));
    }

    #[test]
    fn the_users_digest_ignores_order_and_tells_sets_apart() {
        let set = |u: &[&[u8]]| u.iter().map(|u| u.to_vec()).collect::<HashSet<_>>();
        assert_eq!(users_digest(&set(&[b"a", b"b"])), users_digest(&set(&[b"b", b"a"])));
        assert_ne!(users_digest(&set(&[b"ab"])), users_digest(&set(&[b"a", b"b"])));
        assert_eq!(users_digest(&set(&[])), Value::Null);
    }
}
