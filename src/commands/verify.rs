//! `sessctl verify`: Tornado's verdict on each cookie, then the session in Redis.

use std::ffi::OsString;
use std::io;
use std::os::unix::ffi::OsStringExt;

use serde::Serialize;

use crate::cli::{OutputFormat, VerifyArgs};
use crate::config::{self, Settings};
use crate::cookie::{self, Verified};
use crate::error::{usage, Outcome};
use crate::output::{self, Accent, Record, RecordWriter};
use crate::secret::KeyRing;
use crate::store::{Lookup, Store};

/// Cookies checked per batch (signatures in parallel, then one round of Redis lookups).
const BATCH: usize = 4096;

/// One cookie's verdict: the `verify` JSON record.
#[derive(Debug, Serialize)]
pub struct Checked {
    pub valid: bool,
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
    /// Which exit status this cookie asks for.
    #[serde(skip)]
    pub verdict: Verdict,
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
    fn cells(&self) -> Vec<String> {
        vec![
            self.status.to_string(),
            self.session_id.clone().unwrap_or_default(),
            self.user.clone().unwrap_or_default(),
            self.signed_at.clone().unwrap_or_default(),
            if self.valid { output::human_ttl(self.ttl_seconds) } else { String::new() },
            self.reason.clone().unwrap_or_default(),
        ]
    }
    fn accent(&self) -> Option<Accent> {
        Some(if self.valid { Accent::Good } else { Accent::Bad })
    }
}

/// A cookie's verdict before Redis: its signature checks and, if they pass, what was signed.
enum Stage {
    Failed(Checked),
    Signed(Verified),
}

pub fn run(settings: &Settings, args: &VerifyArgs) -> anyhow::Result<Outcome> {
    if args.max_age_days.is_nan() {
        return Err(usage("--max-age-days is not a number"));
    }
    let ring = settings.secret()?;
    let now = config::now()?;
    let from_stdin = args.cookies.is_empty() || (args.cookies.len() == 1 && args.cookies[0] == "-");
    let mut inputs: Box<dyn Iterator<Item = io::Result<Vec<u8>>>> = if from_stdin {
        Box::new(super::stdin_lines())
    } else {
        Box::new(args.cookies.clone().into_iter().map(|a: OsString| Ok(a.into_vec())))
    };
    if settings.output == OutputFormat::Prometheus {
        return Err(usage("-o prometheus is for stats; use table, json or csv"));
    }

    let mut store: Option<Store> = None;
    let mut writer = RecordWriter::new::<Checked>(
        io::BufWriter::with_capacity(1 << 16, io::stdout().lock()),
        settings.output,
        settings.color,
    );
    let (mut any_invalid, mut any_missing, mut seen) = (false, false, 0u64);
    let mut batch: Vec<Vec<u8>> = Vec::with_capacity(BATCH);
    loop {
        batch.clear();
        for line in inputs.by_ref() {
            let line = line?;
            if !args.raw && line.trim_ascii().is_empty() {
                continue;
            }
            batch.push(line);
            if batch.len() == BATCH {
                break;
            }
        }
        if batch.is_empty() {
            break;
        }
        seen += batch.len() as u64;
        let stages = check_signatures(&ring, settings, args, &batch, now);
        let records = if args.offline { offline(stages) } else { online(stages, settings, &mut store, now)? };
        for record in &records {
            match record.verdict {
                Verdict::Valid => {}
                Verdict::NotInRedis => any_missing = true,
                Verdict::Invalid => any_invalid = true,
            }
            writer.write(record)?;
        }
        if super::stopped() {
            writer.finish()?;
            return Ok(Outcome::Interrupted);
        }
    }
    writer.finish()?;
    if seen == 0 {
        return Err(usage("no cookies to verify: give them as arguments or one per line on stdin"));
    }
    Ok(if any_invalid {
        Outcome::Invalid
    } else if any_missing {
        Outcome::NotInRedis
    } else {
        Outcome::Success
    })
}

/// Signature checks for a batch, split over the available cores; order is kept.
fn check_signatures(ring: &KeyRing, settings: &Settings, args: &VerifyArgs, batch: &[Vec<u8>], now: f64) -> Vec<Stage> {
    let check = |input: &Vec<u8>| -> Stage {
        let value = if args.raw { Some(input.clone()) } else { cookie::input::extract(input, &settings.cookie_name) };
        let Some(value) = value else {
            return Stage::Failed(failed("wrong_name", format!("no {} cookie in the input", settings.cookie_name)));
        };
        match cookie::verify(ring, &settings.cookie_name, &value, args.max_age_days, now) {
            Ok(verified) => Stage::Signed(verified),
            Err(e) => Stage::Failed(failed(e.status(), e.to_string())),
        }
    };
    let threads = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1).min(8);
    if threads < 2 || batch.len() < 256 {
        return batch.iter().map(check).collect();
    }
    let chunk = batch.len().div_ceil(threads);
    std::thread::scope(|scope| {
        let handles: Vec<_> =
            batch.chunks(chunk).map(|part| scope.spawn(move || part.iter().map(check).collect::<Vec<_>>())).collect();
        handles.into_iter().flat_map(|h| h.join().expect("signature check thread")).collect()
    })
}

fn failed(status: &'static str, reason: String) -> Checked {
    Checked {
        valid: false,
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
        valid: true,
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

fn offline(stages: Vec<Stage>) -> Vec<Checked> {
    stages
        .into_iter()
        .map(|s| match s {
            Stage::Failed(c) => c,
            Stage::Signed(v) => signed(&v),
        })
        .collect()
}

fn online(
    stages: Vec<Stage>,
    settings: &Settings,
    store: &mut Option<Store>,
    now: f64,
) -> anyhow::Result<Vec<Checked>> {
    let mut records = Vec::with_capacity(stages.len());
    for stage in stages {
        let v = match stage {
            Stage::Failed(c) => {
                records.push(c);
                continue;
            }
            Stage::Signed(v) => v,
        };
        // Connect only once a cookie passed: a batch of bad cookies needs no Redis.
        if store.is_none() {
            *store = Some(super::connect(settings)?);
        }
        let store = store.as_ref().expect("connected");
        let mut record = signed(&v);
        match store.lookup(&settings.key_for(&v.value))? {
            Lookup::Session { user, ttl_ms } => {
                record.user = Some(output::text(&user));
                record.ttl_seconds = ttl_ms.map(|ms| ms.div_euclid(1000));
            }
            Lookup::Missing => {
                record.valid = false;
                record.verdict = Verdict::NotInRedis;
                // A session older than the app's lifetime ran out; a younger one was deleted.
                let lifetime = settings.session_ttl.as_secs() as i64;
                let ran_out = v.timestamp.is_some_and(|t| (t.saturating_add(lifetime) as f64) <= now);
                record.status = if ran_out { "expired" } else { "revoked" };
            }
            Lookup::NotString { redis_type } => {
                record.valid = false;
                record.verdict = Verdict::NotInRedis;
                record.status = "revoked";
                record.reason = Some(format!("the session key holds a {redis_type}, not a user id"));
            }
        }
        records.push(record);
    }
    Ok(records)
}
