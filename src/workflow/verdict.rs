//! `verify`'s verdicts: Tornado's checks on each cookie of a batch (spread over the cores),
//! then, unless offline, its session looked up in Redis or a dump; each verdict is a
//! [`Checked`] record, and what it asks of the exit status its [`Verdict`].

use rayon::prelude::*;
use serde::Serialize;

use crate::cli::VerifyArgs;
use crate::config::Settings;
use crate::output::{self, Accent, Column, Record};
use sessctl_cookie::{self as cookie, Verified, Verifier};
use sessctl_store::Lookup;

use super::lines::{Batch, MAX_LINE};

/// One cookie's verdict: the `verify` JSON record.
#[derive(Debug, Serialize)]
pub struct Checked {
    /// Written as `valid` (true only for `Verdict::Valid`): which exit status it asks for.
    #[serde(rename = "valid", serialize_with = "valid")]
    pub verdict: Verdict,
    pub status: &'static str,
    pub session_id: Option<String>,
    pub user: Option<String>,
    pub format_version: Option<u8>,
    pub key_version: Option<i64>,
    pub signed_at: Option<String>,
    pub ttl_seconds: Option<i64>,
    /// Why the cookie is not valid, in words.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

fn valid<S: serde::Serializer>(verdict: &Verdict, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_bool(*verdict == Verdict::Valid)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Valid,
    /// Failed Tornado's checks: exit 3.
    Invalid,
    /// Signed correctly, but the session is not in Redis: exit 4.
    NotInRedis,
}

impl Record for Checked {
    fn columns() -> &'static [&'static str] {
        &["status", "session id", "user", "signed at", "ttl", "reason"]
    }
    fn fields() -> &'static [&'static str] {
        &[
            "valid",
            "status",
            "session_id",
            "user",
            "format_version",
            "key_version",
            "signed_at",
            "ttl_seconds",
            "reason",
        ]
    }
    fn kinds() -> &'static [Column] {
        &[Column::Fixed, Column::Id, Column::Text, Column::Fixed, Column::Number, Column::Wrap]
    }
    fn reserve() -> &'static [usize] {
        // Checked one at a time on a terminal, the first answer lays the table out: leave room
        // for the status words, an id, a time and a TTL that later answers bring.
        &[13, 13, 0, 20, 6]
    }
    fn cells(&self) -> Vec<String> {
        vec![
            self.status.to_string(),
            self.session_id.clone().unwrap_or_default(),
            self.user.clone().unwrap_or_default(),
            self.signed_at.clone().unwrap_or_default(),
            // Only a session read from Redis has a TTL to show (offline checks have none).
            if self.verdict == Verdict::Valid && self.user.is_some() {
                output::human_ttl(self.ttl_seconds)
            } else {
                String::new()
            },
            self.reason.clone().unwrap_or_default(),
        ]
    }
    fn accent(&self) -> Option<Accent> {
        Some(if self.verdict == Verdict::Valid { Accent::Good } else { Accent::Bad })
    }
}

/// A cookie's verdict before Redis: its signature checks and, if they pass, what was signed.
pub enum Stage {
    Failed(Checked),
    Signed(Verified),
}

/// Signature checks for a batch, spread over the cores; order is kept.
pub fn check_signatures(
    verifier: &Verifier,
    settings: &Settings,
    args: &VerifyArgs,
    batch: &Batch,
    now: f64,
) -> Vec<Stage> {
    let check = |i: usize| -> Stage {
        let input = batch.get(i);
        if batch.overlong.contains(&i) {
            return Stage::Failed(failed(
                "malformed",
                format!("the line is longer than {} MiB; not read", MAX_LINE >> 20),
            ));
        }
        let extracted;
        let value: &[u8] = if args.raw {
            input
        } else {
            match cookie::input::extract(input, &settings.cookie_name) {
                Some(v) => {
                    extracted = v;
                    &extracted
                }
                None => {
                    // A near miss (quotes, a colon, URL-encoding) is malformed, and says why.
                    return Stage::Failed(match cookie::input::near_miss(input, &settings.cookie_name) {
                        Some(why) => failed("malformed", output::safe_message(&why)),
                        None => failed("wrong_name", format!("no {} cookie in the input", settings.cookie_name)),
                    });
                }
            }
        };
        match verifier.verify(value, now) {
            Ok(verified) => Stage::Signed(verified),
            Err(e) => {
                let near = (e.status() == "malformed" && !args.raw)
                    .then(|| cookie::input::near_miss(input, &settings.cookie_name))
                    .flatten();
                let why = near.unwrap_or_else(|| e.to_string());
                Stage::Failed(failed(e.status(), output::safe_message(&why)))
            }
        }
    };
    (0..batch.len()).into_par_iter().with_min_len(512).map(check).collect()
}

fn failed(status: &'static str, reason: String) -> Checked {
    Checked {
        status,
        session_id: None,
        user: None,
        format_version: None,
        key_version: None,
        signed_at: None,
        ttl_seconds: None,
        reason: Some(reason),
        verdict: Verdict::Invalid,
    }
}

fn signed(v: &Verified) -> Checked {
    Checked {
        status: "valid",
        session_id: Some(output::text(&v.value)),
        user: None,
        format_version: Some(v.format_version),
        key_version: v.key_version,
        signed_at: v.timestamp.and_then(output::rfc3339),
        ttl_seconds: None,
        reason: None,
        verdict: Verdict::Valid,
    }
}

/// A batch after the parallel pass: final when offline, waiting for Redis otherwise.
pub enum Pass {
    Ready(Rendered),
    Pending(Vec<Stage>),
}

/// Records to write: JSON Lines already rendered (with what they ask of the exit status),
/// or records for the table/CSV writer.
pub enum Rendered {
    Json { chunks: Vec<Vec<u8>>, invalid: bool, missing: bool },
    Records(Vec<Checked>),
}

/// Offline verdicts are final: build (and for JSON render) them on every core.
pub fn offline(stages: Vec<Stage>, json: bool) -> Rendered {
    let record = |s: Stage| match s {
        Stage::Failed(c) => c,
        Stage::Signed(v) => signed(&v),
    };
    if !json {
        return Rendered::Records(stages.into_par_iter().map(record).collect());
    }
    let parts: Vec<(Vec<u8>, bool)> = stages
        .into_par_iter()
        .chunks(512)
        .map(|chunk| {
            let mut buf = Vec::with_capacity(chunk.len() * 256);
            let mut invalid = false;
            for stage in chunk {
                let r = record(stage);
                invalid |= r.verdict == Verdict::Invalid;
                serde_json::to_writer(&mut buf, &r).expect("JSON of plain data");
                buf.push(b'\n');
            }
            (buf, invalid)
        })
        .collect();
    let invalid = parts.iter().any(|(_, i)| *i);
    Rendered::Json { chunks: parts.into_iter().map(|(b, _)| b).collect(), invalid, missing: false }
}

/// Looks a batch of keys up (in Redis, or in a dump with `--rdb`).
pub type LookupFn<'a> = dyn FnMut(&[Vec<u8>]) -> anyhow::Result<Vec<Lookup>> + 'a;

/// Looks the sessions of the correctly signed cookies up in Redis, one pipeline per batch.
pub fn online(
    stages: Vec<Stage>,
    settings: &Settings,
    lookup: &mut LookupFn,
    now: f64,
) -> anyhow::Result<Vec<Checked>> {
    let keys: Vec<Vec<u8>> = stages
        .iter()
        .filter_map(|s| match s {
            Stage::Signed(v) => Some(settings.key_for(&v.value)),
            Stage::Failed(_) => None,
        })
        .collect();
    let mut lookups = if keys.is_empty() { Vec::new() } else { lookup(&keys)? }.into_iter();
    let lifetime = settings.session_ttl.as_secs() as i64;
    let mut records = Vec::with_capacity(stages.len());
    for stage in stages {
        let v = match stage {
            Stage::Failed(c) => {
                records.push(c);
                continue;
            }
            Stage::Signed(v) => v,
        };
        let mut record = signed(&v);
        match lookups.next().expect("one lookup per signed cookie") {
            Lookup::Session { user, ttl_ms } => {
                record.user = Some(output::text(&user));
                record.ttl_seconds = ttl_ms.map(|ms| ms.div_euclid(1000));
            }
            Lookup::Missing => {
                record.verdict = Verdict::NotInRedis;
                // A session older than the app's lifetime ran out; a younger one was deleted.
                let ran_out = v.timestamp.is_some_and(|t| (t.saturating_add(lifetime) as f64) <= now);
                record.status = if ran_out { "expired" } else { "revoked" };
                record.reason = Some(
                    if ran_out {
                        "the session is not in Redis: it was signed longer ago than the session TTL, so it expired"
                    } else {
                        "the session is not in Redis: it was revoked or deleted before its TTL ran out"
                    }
                    .to_string(),
                );
            }
            Lookup::NotString { redis_type } => {
                record.verdict = Verdict::NotInRedis;
                record.status = "revoked";
                record.reason = Some(format!("the session key holds a {redis_type}, not a user id"));
            }
        }
        records.push(record);
    }
    Ok(records)
}
