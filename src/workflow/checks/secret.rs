//! The secret's checks: configured, readable and parseable; its file's permissions; its
//! strength; the key ring. Never prompts (doctor runs from cron too) and never prints the
//! secret.

use std::os::unix::fs::MetadataExt;
use std::path::Path;

use crate::config::{SecretSource, Settings};
use sessctl_cookie::secret::KeyRing;
use sessctl_cookie::strength as secret_strength;

use super::check::{origin_note, Check};

const NEW_SECRET_HINT: &str =
    "make a new one with `sessctl gen-secret`; to keep users logged in, rotate with `sessctl gen-secret --ring` (docs/rotation.md)";

/// The secret: configured, readable and parseable; its file's permissions; its strength; the
/// key ring. Never prompts (doctor runs from cron too) and never prints the secret.
pub fn secret_checks(settings: &Settings) -> Vec<Check> {
    let mut checks = Vec::new();
    let source = settings.secret_source();
    let from = match &source {
        SecretSource::None => {
            checks.push(Check::fail(
                "secret",
                "no cookie secret configured",
                "point SESSCTL_SECRET_FILE (or --secret-file) at a file holding the app's cookie_secret, or set SESSCTL_SECRET",
            ));
            return checks;
        }
        SecretSource::File(path) => format!("the file {}", path.display()),
        SecretSource::Env => "SESSCTL_SECRET".to_string(),
    };
    if let SecretSource::File(path) = &source {
        checks.extend(file_permissions(path));
    }
    let ring = match settings.secret(crate::terminal::secret_prompt) {
        Ok(ring) => ring,
        Err(e) => {
            let hint = match &source {
                SecretSource::File(_) => format!(
                    "fix the file named by {}",
                    settings.setting_source("secret_file", "--secret-file", "SESSCTL_SECRET_FILE")
                ),
                _ => "fix SESSCTL_SECRET".to_string(),
            };
            checks.insert(0, Check::fail("secret", format!("cannot use the secret from {from}: {e:#}"), hint));
            return checks;
        }
    };
    let what = match &ring {
        KeyRing::Single(s) => format!("one secret of {} bytes", s.expose().len()),
        KeyRing::Versions(map) => {
            format!("a key ring of {}", crate::output::plural(map.len() as u64, "version", "versions"))
        }
    };
    checks.insert(0, Check::ok("secret", format!("{what}, from {from}{}", origin_note(settings, "secret_file"))));
    checks.push(strength(&ring));
    checks.extend(whitespace(&ring));
    checks.push(key_ring(settings, &ring));
    checks
}

/// Who may read or replace the secret file.
fn file_permissions(path: &Path) -> Vec<Check> {
    const NAME: &str = "secret-file";
    let Ok(meta) = std::fs::metadata(path) else {
        // The `secret` check reports the unreadable file.
        return Vec::new();
    };
    let mode = meta.mode() & 0o7777;
    let shown = path.display();
    let check = if mode & 0o004 != 0 || mode & 0o002 != 0 {
        let what = if mode & 0o002 != 0 { "writable" } else { "readable" };
        Check::fail(
            NAME,
            format!("{shown} is {what} by every user on this machine (mode {mode:04o})"),
            format!("chmod 600 {shown} (or 640 with the app's group); anyone who read it can sign cookies, so rotate the secret"),
        )
    } else if mode & 0o070 != 0 {
        let what = if mode & 0o020 != 0 { "writable (it could replace the secret)" } else { "readable" };
        Check::warn(
            NAME,
            format!("{shown} is {what} by its group (mode {mode:04o})"),
            format!("chmod 600 {shown}, unless the app reads it through its group (then chmod 640)"),
        )
    } else {
        Check::ok(NAME, format!("{shown}: mode {mode:04o}, owner uid {}", meta.uid()))
    };
    let mut checks = vec![check];
    // A directory anyone can write lets anyone swap the file.
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        if let Ok(meta) = std::fs::metadata(dir) {
            let mode = meta.mode() & 0o7777;
            if mode & 0o002 != 0 && mode & 0o1000 == 0 {
                checks.push(Check::warn(
                    "secret-dir",
                    format!(
                        "{} is writable by every user (mode {mode:04o}), so anyone can replace the secret file",
                        dir.display()
                    ),
                    "keep the secret in a directory only its owner can write (e.g. /etc/<app>/)",
                ));
            }
        }
    }
    checks
}

/// Strength of the secret, or of every version of the ring (all of them verify cookies).
fn strength(ring: &KeyRing) -> Check {
    const NAME: &str = "secret-strength";
    let versions: Vec<(Option<i64>, &sessctl_cookie::secret::Secret)> = match ring {
        KeyRing::Single(s) => vec![(None, s)],
        KeyRing::Versions(map) => map.iter().map(|(v, s)| (Some(*v), s)).collect(),
    };
    let mut fatal = Vec::new();
    let mut weak = Vec::new();
    for (version, secret) in &versions {
        let subject = match version {
            Some(v) => format!("version {v}"),
            None => "the secret".to_string(),
        };
        for weakness in secret_strength::weaknesses(secret) {
            if matches!(weakness, secret_strength::Weakness::Whitespace { .. }) {
                // Its own row (`secret-text`): a different problem with a different fix.
                continue;
            }
            let line = format!("{subject} {}", weakness.describe());
            if weakness.is_fatal() {
                fatal.push(line);
            } else {
                weak.push(line);
            }
        }
    }
    let mut repeated = Vec::new();
    for (i, (a, sa)) in versions.iter().enumerate() {
        for (b, sb) in &versions[i + 1..] {
            if sa.expose() == sb.expose() {
                repeated.push(format!("versions {} and {} hold the same secret", a.unwrap_or(0), b.unwrap_or(0)));
            }
        }
    }
    if !fatal.is_empty() {
        fatal.extend(weak);
        return Check::fail(NAME, fatal.join("; "), NEW_SECRET_HINT);
    }
    if !weak.is_empty() || !repeated.is_empty() {
        weak.extend(repeated);
        return Check::warn(NAME, weak.join("; "), NEW_SECRET_HINT);
    }
    let detail = match ring {
        KeyRing::Single(s) => format!("{} bytes, not a published value", s.expose().len()),
        KeyRing::Versions(_) => {
            format!("every version at least {} bytes, none a published value", secret_strength::STRONG_BYTES)
        }
    };
    Check::ok(NAME, detail)
}

/// Whitespace around the secret (or a version of the ring): sessctl uses it byte for byte, so
/// it agrees with the app only if the app does not strip it either.
fn whitespace(ring: &KeyRing) -> Option<Check> {
    let versions: Vec<(Option<i64>, &sessctl_cookie::secret::Secret)> = match ring {
        KeyRing::Single(s) => vec![(None, s)],
        KeyRing::Versions(map) => map.iter().map(|(v, s)| (Some(*v), s)).collect(),
    };
    let found: Vec<String> = versions
        .iter()
        .flat_map(|(version, secret)| {
            secret_strength::weaknesses(secret)
                .into_iter()
                .filter(|w| matches!(w, secret_strength::Weakness::Whitespace { .. }))
                .map(move |w| match version {
                    Some(v) => format!("version {v} {}", w.describe()),
                    None => format!("the secret {}", w.describe()),
                })
        })
        .collect();
    (!found.is_empty()).then(|| {
        Check::warn(
            "secret-text",
            found.join("; "),
            "make the file hold exactly the bytes the app uses as cookie_secret: if the app strips what it reads (open(f).read().strip()), remove the whitespace from the file; then check a cookie from the app with `sessctl verify`",
        )
    })
}

/// The versions, and the one `mint` signs with.
fn key_ring(settings: &Settings, ring: &KeyRing) -> Check {
    const NAME: &str = "key-ring";
    match ring {
        KeyRing::Single(_) => {
            let version = settings.key_version.unwrap_or(0);
            Check::ok(NAME, format!("no key ring (one secret): cookies are signed as key version {version}"))
        }
        KeyRing::Versions(map) => {
            let versions: Vec<String> = map.keys().map(i64::to_string).collect();
            let highest = map.keys().next_back().copied().unwrap_or(0);
            let versions =
                format!("{} {}", if versions.len() == 1 { "version" } else { "versions" }, versions.join(", "));
            match ring.signing_key(settings.key_version) {
                Err(e) => Check::fail(NAME, format!("{versions}: {e}"), "set SESSCTL_KEY_VERSION (or --key-version) to a version in the ring, or unset it to sign with the highest"),
                Ok((version, _)) if version < highest => Check::warn(
                    NAME,
                    format!("{versions}; sessctl signs with {version} (SESSCTL_KEY_VERSION / --key-version), not the highest, {highest}"),
                    "when the rotation is done, set the app's key_version and sessctl's to the newest version (docs/rotation.md)",
                ),
                Ok((version, _)) => {
                    let why = if settings.key_version.is_some() { "as set" } else { "the highest" };
                    Check::ok(NAME, format!("{versions}; sessctl signs with {version} ({why})"))
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::Status;
    use super::*;
    #[test]
    fn strength_never_names_the_secret() {
        let ring = KeyRing::parse(br#"{"0": "super-secret-key", "1": "short-but-not-tiny-x"}"#).unwrap();
        let check = strength(&ring);
        assert_eq!(check.status, Status::Fail);
        assert!(check.detail.contains("version 0 is a published value"), "{}", check.detail);
        assert!(check.detail.contains("version 1 is 20 bytes long"), "{}", check.detail);
        assert!(!check.detail.contains("super-secret") && !check.detail.contains("short-but"), "{}", check.detail);
        let same = KeyRing::parse(
            br#"{"0": "Zm9vYmFyYmF6cXV4cXV1eHF1dXo0MjQyNDI0Mg", "1": "Zm9vYmFyYmF6cXV4cXV1eHF1dXo0MjQyNDI0Mg"}"#,
        )
        .unwrap();
        let check = strength(&same);
        assert_eq!(check.status, Status::Warn);
        assert!(check.detail.contains("versions 0 and 1 hold the same secret"), "{}", check.detail);
    }
}
