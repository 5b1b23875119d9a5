//! `sessctl gen-secret`: a new strong cookie secret, or the configured secret as a key ring
//! with a new secret under the next version (the first step of a rotation, docs/rotation.md).

use std::collections::BTreeMap;
use std::io::Write;

use crate::cli::{GenSecretArgs, OutputFormat};
use crate::config::{Settings, Uses};
use crate::error::{usage, Outcome};
use sessctl_cookie::secret::KeyRing;

impl Invocable for GenSecretArgs {
    fn uses(&self) -> Uses {
        Uses { secret: self.ring, key_version: self.ring, output: true, ..Uses::default() }
    }

    fn secret_output(&self) -> bool {
        true
    }

    fn run(&self, settings: &Settings, out: &mut Sink) -> anyhow::Result<Outcome> {
        run(settings, self, out)
    }
}

pub fn run(settings: &Settings, args: &GenSecretArgs, out: &mut Sink) -> anyhow::Result<Outcome> {
    if matches!(settings.output, OutputFormat::Csv | OutputFormat::Prometheus) {
        return Err(usage("gen-secret prints a secret or a JSON key ring; use -o table or -o json"));
    }
    let fresh = new_secret(usize::from(args.bytes)).map_err(|e| anyhow::anyhow!("{e}; no secret was made"))?;
    if !args.ring {
        match settings.output {
            OutputFormat::Json => writeln!(out, "{}", serde_json::json!({ "secret": fresh }))?,
            _ => writeln!(out, "{fresh}")?,
        }
        out.flush()?;
        return Ok(Outcome::Success);
    }
    let current = settings.secret(crate::terminal::secret_prompt)?;
    let signing = signing_version(&current, settings.key_version);
    let (ring, version) = with_new_version(&current, fresh)?;
    writeln!(out, "{ring}")?;
    out.flush()?;
    crate::messages::status!("{}", rollout_message(signing, version));
    Ok(Outcome::Success)
}

/// The version cookies are signed with before the rotation: 0 for a single secret (Tornado
/// writes 0), else `--key-version` / `SESSCTL_KEY_VERSION` when set (the app's key_version),
/// else the ring's highest.
fn signing_version(current: &KeyRing, pinned: Option<i64>) -> i64 {
    match current {
        KeyRing::Single(_) => 0,
        KeyRing::Versions(map) => {
            pinned.filter(|v| map.contains_key(v)).or_else(|| map.keys().next_back().copied()).unwrap_or(0)
        }
    }
}

/// What to do with the new ring, step by step, saying at each step which key version the app
/// and sessctl sign with (docs/rotation.md): a cookie signed with the new version is rejected
/// by every app process that does not have the ring yet, so neither signs with it before all
/// of them do.
pub fn rollout_message(old: i64, new: i64) -> String {
    format!(
        "added key version {new}; the app and sessctl still sign with version {old}. Roll out in two steps (docs/rotation.md):          (1) give every app process this ring as cookie_secret (versions as integers) with key_version = {old},          and run sessctl with the ring and SESSCTL_KEY_VERSION={old} (or --key-version {old}): both keep signing with version {old}, and both verify versions {old} and {new};          (2) once every app process has the ring, set the app's key_version = {new} and sessctl's SESSCTL_KEY_VERSION={new} (or unset it: sessctl signs with the highest, {new}).          The output holds every secret of the ring: keep it in a file only the app can read."
    )
}

use crate::sink::Sink;
use crate::workflow::invocation::Invocable;
use sessctl_cookie::secret::new_secret;

/// The ring as JSON (versions in numeric order) with `fresh` added under the next version,
/// and that version. A single secret becomes version 0: Tornado writes key version 0 into
/// every cookie it signs with a single secret, so those cookies keep verifying.
pub fn with_new_version(current: &KeyRing, fresh: String) -> anyhow::Result<(String, i64)> {
    let mut versions: BTreeMap<i64, String> = BTreeMap::new();
    let existing: Vec<(i64, &sessctl_cookie::secret::Secret)> = match current {
        KeyRing::Single(secret) => vec![(0, secret)],
        KeyRing::Versions(map) => map.iter().map(|(v, s)| (*v, s)).collect(),
    };
    for (version, secret) in existing {
        let text = std::str::from_utf8(secret.expose()).map_err(|_| {
            usage(format!(
                "the configured secret (key version {version}) is not UTF-8 text, so it cannot go into a JSON key ring; rotate to a new secret from `sessctl gen-secret` instead"
            ))
        })?;
        versions.insert(version, text.to_string());
    }
    let highest = versions.keys().next_back().copied().unwrap_or(-1);
    let next = highest.checked_add(1).ok_or_else(|| usage("the key ring's highest version cannot be raised"))?;
    versions.insert(next, fresh);
    let body: Vec<String> =
        versions.iter().map(|(v, s)| format!("\"{v}\":{}", serde_json::Value::String(s.clone()))).collect();
    Ok((format!("{{{}}}", body.join(",")), next))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_secrets_are_url_safe_and_long_enough() {
        let a = new_secret(32).unwrap();
        assert_eq!(a.len(), 43);
        assert!(a.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_'), "{a}");
        assert_ne!(a, new_secret(32).unwrap());
        assert_eq!(new_secret(64).unwrap().len(), 86);
    }

    #[test]
    fn a_single_secret_becomes_version_0_and_the_new_one_version_1() {
        let (ring, v) = with_new_version(&KeyRing::parse(b"old").unwrap(), "new".into()).unwrap();
        assert_eq!((ring.as_str(), v), (r#"{"0":"old","1":"new"}"#, 1));
    }

    #[test]
    fn a_ring_gets_the_next_version_after_its_highest_in_numeric_order() {
        let current = KeyRing::parse(br#"{"2": "b", "10": "c\"q", "9": "a"}"#).unwrap();
        let (ring, v) = with_new_version(&current, "d".into()).unwrap();
        assert_eq!(v, 11);
        assert_eq!(ring, r#"{"2":"b","9":"a","10":"c\"q","11":"d"}"#);
        // It reads back as the same ring plus the new version.
        let back = KeyRing::parse(ring.as_bytes()).unwrap();
        assert_eq!(back.get(10).unwrap().expose(), b"c\"q");
        assert_eq!(back.signing_key(None).unwrap().0, 11);
    }

    #[test]
    fn a_secret_that_is_not_utf8_cannot_go_into_json() {
        let current = KeyRing::parse(b"\xff\xfe").unwrap();
        assert!(with_new_version(&current, "x".into()).is_err());
    }
}
