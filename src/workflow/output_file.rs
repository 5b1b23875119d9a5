//! `--output-file PATH`: a command's standard output written to a file atomically.
//!
//! Before the command runs, a temporary file is made in the target's directory (so the final
//! rename stays on one file system) and put in place of standard output (fd 1), so every
//! command, whatever it writes and however, writes there. When the command's output is whole
//! (it ran to its end: exit 0, `verify`'s 3 and 4, `doctor`'s 1 with its full report), the file
//! is flushed, synced to disk and renamed over the target, and the directory is synced. When
//! the command fails or is interrupted, the temporary file is removed and the target keeps its
//! old content: `stats -o prometheus --output-file …` interrupted by a signal leaves the last
//! complete figures for node_exporter, never a half-written or empty file. A signal that ends
//! the process at once (before work starts, or a second Ctrl-C) removes the temporary file too.
//!
//! Permissions: a file that exists keeps its mode (and, when sessctl runs as root, its owner
//! and group), so a node_exporter textfile stays readable by node_exporter. A new file gets
//! 0666 minus the umask, as a shell redirect would make it, except for output that holds
//! secrets (`mint`'s cookies are live logins, `gen-secret` prints a secret): that is always
//! written 0600, whatever the old file's mode.

use std::ffi::OsString;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::os::unix::fs::{MetadataExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

use crate::error::usage;
use crate::signals;

/// The temporary file standard output goes to while an [`AtomicOutput`] is in effect.
static CURRENT: std::sync::Mutex<Option<PathBuf>> = std::sync::Mutex::new(None);

/// The temporary file standard output goes to now, when `--output-file` is in effect: what the
/// command has written so far, which is dropped unless the output turns out whole (`mint`
/// reads it back to delete the sessions of cookies that will never be delivered).
pub fn current_temp() -> Option<PathBuf> {
    CURRENT.lock().ok().and_then(|c| c.clone())
}

fn set_current(path: Option<PathBuf>) {
    if let Ok(mut c) = CURRENT.lock() {
        *c = path.clone();
    }
    signals::remove_on_exit(path);
}

/// Standard output redirected to a temporary file until [`AtomicOutput::commit`].
pub struct AtomicOutput {
    /// The file to replace (a symlink's target: the link stays a link).
    target: PathBuf,
    /// The temporary file next to it.
    temp: PathBuf,
    file: File,
    /// The real standard output, put back when done.
    saved_stdout: OwnedFd,
    mode: u32,
    owner: Option<(u32, u32)>,
}

fn shown(path: &Path) -> String {
    crate::output::path(path)
}

/// The process's umask (read by setting it and putting it back).
fn umask() -> u32 {
    // SAFETY: umask cannot fail; it is put back at once.
    unsafe {
        let mask = libc::umask(0o077);
        libc::umask(mask);
        mask as u32
    }
}

/// The file a path really names: a symlink is followed (the link itself is kept), so the
/// rename replaces what it points at.
fn real_target(path: &Path) -> io::Result<PathBuf> {
    let mut target = path.to_path_buf();
    for _ in 0..40 {
        match fs::symlink_metadata(&target) {
            Ok(meta) if meta.file_type().is_symlink() => {
                let link = fs::read_link(&target)?;
                target = match target.parent() {
                    Some(dir) if link.is_relative() => dir.join(link),
                    _ => link,
                };
            }
            _ => return Ok(target),
        }
    }
    Err(io::Error::other("too many levels of symbolic links"))
}

impl AtomicOutput {
    /// Starts writing standard output to a temporary file that will replace `path`.
    /// `secret`: the output holds secrets (mode 0600 whatever the old file's mode).
    pub fn begin(path: &Path, secret: bool) -> anyhow::Result<AtomicOutput> {
        let check = "check --output-file";
        if path.as_os_str().is_empty() {
            return Err(usage("--output-file is empty; give a file name"));
        }
        let target = real_target(path).map_err(|e| usage(format!("--output-file {}: {e}", shown(path))))?;
        let existing = match fs::metadata(&target) {
            Ok(meta) if meta.is_dir() => {
                return Err(usage(format!("--output-file {} is a directory; name a file", shown(path))))
            }
            Ok(meta) if !meta.is_file() => {
                return Err(usage(format!(
                    "--output-file {} is not a regular file (a device or a pipe cannot be replaced atomically); use a shell redirect (>) for it",
                    shown(path)
                )))
            }
            Ok(meta) => Some(meta),
            Err(e) if e.kind() == io::ErrorKind::NotFound => None,
            Err(e) => return Err(usage(format!("--output-file {}: {e}; {check}", shown(path)))),
        };
        let dir = match target.parent() {
            Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let name = target.file_name().ok_or_else(|| usage(format!("--output-file {} names no file", shown(path))))?;
        let mut random = [0u8; 6];
        getrandom::fill(&mut random).map_err(|e| anyhow::anyhow!("the random generator failed: {e}"))?;
        let mut temp_name = OsString::from(".");
        temp_name.push(name);
        temp_name.push(format!(".sessctl-{}-{}.tmp", std::process::id(), hex::encode(random)));
        let temp = dir.join(temp_name);
        let file = OpenOptions::new().write(true).read(true).create_new(true).mode(0o600).open(&temp).map_err(|e| {
            usage(format!(
                "cannot write a file in {} for --output-file {}: {e}; the directory must exist and be writable",
                shown(&dir),
                shown(path)
            ))
        })?;
        let (mode, owner) = match (&existing, secret) {
            (_, true) => (0o600, None),
            (Some(meta), false) => (meta.permissions().mode() & 0o7777, Some((meta.uid(), meta.gid()))),
            (None, false) => (0o666 & !umask(), None),
        };
        set_current(Some(temp.clone()));
        // Whatever Rust buffered for the real stdout goes there first.
        io::stdout().flush()?;
        // SAFETY: dup of fd 1, checked; the new fd is owned by `saved_stdout`.
        let saved = unsafe { libc::dup(libc::STDOUT_FILENO) };
        if saved < 0 {
            let e = io::Error::last_os_error();
            let _ = fs::remove_file(&temp);
            set_current(None);
            return Err(anyhow::anyhow!("cannot redirect standard output to --output-file: {e}"));
        }
        let saved_stdout = unsafe { OwnedFd::from_raw_fd(saved) };
        // SAFETY: both fds are open; dup2 replaces fd 1 with the temp file.
        if unsafe { libc::dup2(file.as_raw_fd(), libc::STDOUT_FILENO) } < 0 {
            let e = io::Error::last_os_error();
            let _ = fs::remove_file(&temp);
            set_current(None);
            return Err(anyhow::anyhow!("cannot redirect standard output to --output-file: {e}"));
        }
        Ok(AtomicOutput { target, temp, file, saved_stdout, mode, owner })
    }

    /// Puts the real standard output back.
    fn restore_stdout(&self) {
        let _ = io::stdout().flush();
        // SAFETY: `saved_stdout` is a valid fd for the life of self.
        unsafe {
            libc::dup2(self.saved_stdout.as_raw_fd(), libc::STDOUT_FILENO);
        }
    }

    /// The output is whole: sync it and rename it over the target. On failure the temporary
    /// file is kept and the error names it, so the output is not lost.
    pub fn commit(self) -> anyhow::Result<()> {
        let flushed = io::stdout().flush();
        self.restore_stdout();
        let keep = |what: String, e: io::Error| {
            set_current(None);
            anyhow::anyhow!(
                "{what}: {e}; the complete output is in {} (the old {} is unchanged)",
                shown(&self.temp),
                shown(&self.target)
            )
        };
        if let Err(e) = flushed {
            let _ = fs::remove_file(&self.temp);
            set_current(None);
            return Err(anyhow::anyhow!("cannot write --output-file {}: {e}; it is unchanged", shown(&self.target)));
        }
        if let Some((uid, gid)) = self.owner {
            // Only root may give a file away; anyone else keeps their own (and that is fine).
            // SAFETY: fchown on an open fd.
            let _ = unsafe { libc::fchown(self.file.as_raw_fd(), uid, gid) };
        }
        self.file
            .set_permissions(fs::Permissions::from_mode(self.mode))
            .map_err(|e| keep("cannot set the permissions of the output".into(), e))?;
        self.file.sync_all().map_err(|e| keep("cannot sync the output to disk".into(), e))?;
        fs::rename(&self.temp, &self.target)
            .map_err(|e| keep(format!("cannot rename the output over {}", shown(&self.target)), e))?;
        set_current(None);
        if let Some(dir) = self.target.parent().filter(|d| !d.as_os_str().is_empty()) {
            // The rename itself is on disk once the directory is synced.
            if let Ok(dir) = File::open(dir) {
                let _ = dir.sync_all();
            }
        }
        Ok(())
    }

    /// The output is not whole: drop it, and leave the target as it was.
    pub fn abandon(self) {
        self.restore_stdout();
        let _ = fs::remove_file(&self.temp);
        set_current(None);
    }

    /// The target, as the user named it (for messages).
    pub fn target(&self) -> &Path {
        &self.target
    }
}
