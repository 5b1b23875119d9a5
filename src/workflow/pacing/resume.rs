//! The resume file (`--resume`, docs/neighbour.md shows one): JSON holding the format
//! version, the command, the target (Redis URLs with passwords redacted, and the prefix), the
//! selection, when it was saved, and the scan's per-primary state. Read back only for the same
//! run (anything else is refused, saying what differs), written atomically with mode 0600.

use std::fs;
use std::io::{self, Read, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::config;
use crate::error::usage;
use crate::output;
use sessctl_store::ScanState;

/// The resume file's format version.
const FORMAT: u32 = 1;
/// The largest resume file read (a cluster has at most 16,384 primaries; a few hundred bytes
/// each).
const MAX_FILE: u64 = 16 << 20;
/// The most parts a resume file may hold (one per primary; slots are 0..16383).
const MAX_PARTS: usize = 16_384;

/// What a resume file is for: it continues only a run with the same of each.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(super) struct Identity {
    pub command: String,
    pub target: Target,
    pub selection: serde_json::Map<String, Value>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(super) struct Target {
    /// The Redis URLs, passwords redacted, sorted (seed order does not matter).
    pub redis_url: Vec<String>,
    pub prefix: String,
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

/// Reads a resume file: `None` when it does not exist yet (its directory must).
pub(super) fn load(path: &Path, identity: &Identity) -> anyhow::Result<Option<ScanState>> {
    let name = shown(path);
    let start_over = format!("give another file, or delete {name} to start a new scan");
    // A file sessctl did not write is never to be deleted on its word (a typo may name any file).
    let not_ours =
        "give another file name (sessctl makes the file the first time, and removes it when the scan is complete)";
    if path.as_os_str().is_empty() {
        return Err(usage("--resume is empty; give a file name"));
    }
    if let Some(kind) = crate::workflow::files::special_file(path) {
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
pub(super) fn save(path: &Path, identity: &Identity, state: &ScanState) -> anyhow::Result<()> {
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

/// A path as messages show it.
pub(super) fn shown(path: &Path) -> String {
    crate::output::path(path)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workflow::pacing::users_digest;
    use std::collections::HashSet;

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
}
