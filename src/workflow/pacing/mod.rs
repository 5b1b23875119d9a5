//! `--rate`, `--max-latency`, `--max-duration` and `--resume` for the scanning commands
//! (list, revoke, cleanup, stats): resolved and checked before anything connects (exit 2),
//! put into the scan request, and afterwards the summary fields, the notes and the resume
//! file.
//!
//! The resume file (its format, reading and atomic writing) is in `resume`; this module keeps
//! it: loaded before the scan, saved where a time-boxed or interrupted scan stopped, and
//! removed once a scan that used it is complete, so the next run starts a new pass.

use std::collections::HashSet;
use std::fs;
use std::io;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use crate::cli::{OutputFormat, PaceArgs};
use crate::config::Settings;
use crate::error::usage;
use crate::output::{excerpt, Summary};
use sessctl_store::{Pace, PaceOptions, ScanEnd, ScanRequest, ScanState, ScanSummary};

mod resume;

use resume::{load, save, shown, Identity, Target};

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
        let rate = settings
            .resolve(
                args.rate.map(Some),
                "--rate",
                "SESSCTL_RATE",
                true,
                |t| crate::values::rate(t).map(Some),
                || None,
            )?
            .value;
        let max_latency = settings
            .resolve(
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
    pub fn prepare(&mut self, request: &mut ScanRequest) {
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
                let done = state.parts.iter().filter(|p| p.done).count();
                crate::messages::note!(
                    "continuing the scan saved in {} ({done} of {} done before)",
                    shown(&resume.path),
                    crate::output::plural(state.parts.len() as u64, "part", "parts")
                );
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
    pub fn finish(&self, scan: &ScanSummary, clean: bool, summarised: bool) -> anyhow::Result<()> {
        for addr in &scan.started_over {
            crate::messages::note!(
                "the part of the scan on {} starts over: its primary, slots or server process changed since the resume file was saved",
                excerpt(addr.as_bytes())
            );
        }
        let timeboxed = self.timeboxed(scan);
        let saved = match &self.resume {
            Some(resume) if scan.is_complete() => {
                match fs::remove_file(&resume.path) {
                    Ok(()) => crate::messages::note!(
                        "the scan is complete; removed {} so the next run starts a new pass",
                        shown(&resume.path)
                    ),
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
        if self.continued() && scan.is_complete() {
            let note = "this run finished a scan that earlier runs began, so its figures cover only the keys they left (resumed: true), not the whole; the runs' figures add up to the whole pass";
            if summarised {
                crate::messages::note!("{note}");
            } else {
                // Not silenced by --quiet when nothing else says the figures are a part.
                crate::messages::said!("note: {note}");
            }
        }
        if timeboxed {
            let limit = self.max_duration.map(|d| humantime::format_duration(d).to_string()).unwrap_or_default();
            let next = match (saved, &self.resume) {
                (Some(path), _) => {
                    format!("saved where it stopped in {}, where the next run with --resume continues", shown(path))
                }
                (None, Some(resume)) => format!("{} was left as it was", shown(&resume.path)),
                (None, None) => "give --resume FILE to continue from here next time".to_string(),
            };
            let scanned = crate::output::plural(scan.scanned, "key", "keys");
            let line = format!(
                "stopped at --max-duration {limit} after {scanned}; the scan is not complete (complete: false); {next}"
            );
            if summarised {
                crate::messages::status!("{line}");
            } else {
                // Not silenced by --quiet when nothing else says the output is partial.
                crate::messages::said!("{line}");
            }
        } else if let Some(path) = saved {
            crate::messages::note!(
                "saved where the scan stopped in {}, where the next run with --resume continues",
                shown(path)
            );
        }
        if let (Some(target), Some(pace)) = (self.max_latency, &self.pace) {
            if let Some(p99) = pace.observed_p99() {
                if p99 > target {
                    crate::messages::note!(
                        "the latency other clients saw was {} at its 99th percentile, over --max-latency {}; the scan slowed down each time (to {} keys/s per primary at the slowest), but the server or this machine may be that slow even without it",
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_users_digest_ignores_order_and_tells_sets_apart() {
        let set = |u: &[&[u8]]| u.iter().map(|u| u.to_vec()).collect::<HashSet<_>>();
        assert_eq!(users_digest(&set(&[b"a", b"b"])), users_digest(&set(&[b"b", b"a"])));
        assert_ne!(users_digest(&set(&[b"ab"])), users_digest(&set(&[b"a", b"b"])));
        assert_eq!(users_digest(&set(&[])), Value::Null);
    }
}
