//! Where a command's output goes: standard output, or `--output-file PATH` written
//! atomically. The command writes to the [`Sink`] it is handed; nothing redirects file
//! descriptors and no static knows where the output goes.
//!
//! With `--output-file`, a temporary file is made in the target's directory (so the final
//! rename stays on one file system) and the command writes there. When the command's output is
//! whole (it ran to its end: exit 0, `verify`'s 3 and 4, `doctor`'s 1 with its full report),
//! the file is flushed, synced to disk and renamed over the target, and the directory is
//! synced ([`Sink::commit`]). When the command fails or is interrupted, the temporary file is
//! removed and the target keeps its old content ([`Sink::abandon`]): `stats -o prometheus
//! --output-file …` interrupted by a signal leaves the last complete figures for
//! node_exporter, never a half-written or empty file. A signal that ends the process at once
//! (before work starts, or a second Ctrl-C) removes the temporary file too.
//!
//! Until it is committed, what went to the file is not delivered: [`Sink::delivers_on_commit`]
//! says so, and [`Sink::read_back`] gives it back (`mint` deletes the sessions of cookies that
//! will never be delivered).
//!
//! Permissions: a file that exists keeps its mode (and, when sessctl runs as root, its owner
//! and group), so a node_exporter textfile stays readable by node_exporter. A new file gets
//! 0666 minus the umask, as a shell redirect would make it, except for output that holds
//! secrets (`mint`'s cookies are live logins, `gen-secret` prints a secret): that is always
//! written 0600, whatever the old file's mode.

use std::ffi::OsString;
use std::fs::{self, File, OpenOptions};
use std::io::{self, BufReader, Write};
use std::os::fd::AsRawFd;
use std::os::unix::fs::{MetadataExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

use crate::error::usage;
use crate::output::path as shown;
use crate::signals;

/// A command's output: standard output, or a temporary file that replaces `--output-file`
/// once the output is whole.
pub struct Sink {
    dest: Dest,
}

enum Dest {
    Stdout { raw: std::mem::ManuallyDrop<File>, is_pipe: bool },
    File(AtomicFile),
}

impl Sink {
    /// Standard output.
    pub fn stdout() -> Sink {
        use std::os::fd::FromRawFd;
        // SAFETY: fd 1 stays open for the life of the process; ManuallyDrop never closes it.
        let raw = std::mem::ManuallyDrop::new(unsafe { File::from_raw_fd(libc::STDOUT_FILENO) });
        let is_pipe = raw.metadata().map(|m| std::os::unix::fs::FileTypeExt::is_fifo(&m.file_type())).unwrap_or(false);
        Sink { dest: Dest::Stdout { raw, is_pipe } }
    }

    /// A temporary file that will replace `path` ([`Sink::commit`]). `secret`: the output holds
    /// secrets (mode 0600 whatever the old file's mode).
    pub fn atomic_file(path: &Path, secret: bool) -> anyhow::Result<Sink> {
        Ok(Sink { dest: Dest::File(AtomicFile::begin(path, secret)?) })
    }

    /// True when what is written reaches its reader only once the sink is committed
    /// (`--output-file`); false for standard output, where a write is delivered.
    pub fn delivers_on_commit(&self) -> bool {
        matches!(self.dest, Dest::File(_))
    }

    /// Standard output is a pipe (a reader may take part of the output and go away).
    pub fn is_pipe(&self) -> bool {
        matches!(self.dest, Dest::Stdout { is_pipe: true, .. })
    }

    /// What was written so far to an uncommitted file, from its start; `None` for standard
    /// output (it is delivered as it is written).
    pub fn read_back(&mut self) -> Option<io::Result<BufReader<File>>> {
        let Dest::File(file) = &mut self.dest else { return None };
        Some(file.file.flush().and_then(|()| File::open(&file.temp).map(BufReader::new)))
    }

    /// Writes `buf` without a buffer and says how much of it the reader took: on a pipe (when
    /// `wait`), waits until the reader has taken it all or has gone away. Returns the bytes
    /// taken and the error that stopped the write, if any (a reader gone counts as a broken
    /// pipe). For `mint`, which stores a session only for a cookie that was delivered.
    pub fn write_and_wait(&mut self, buf: &[u8], wait: bool) -> (usize, Option<io::Error>) {
        match &mut self.dest {
            Dest::Stdout { raw, is_pipe } => {
                let (written, mut failure) = write_fully(raw, buf);
                if !*is_pipe || !wait {
                    return (written, failure);
                }
                // What the reader has not taken (it may have read part of the batch and closed).
                let unread = if failure.is_some() { unread(raw) } else { wait_drained(raw) };
                if unread > 0 {
                    failure.get_or_insert_with(|| io::Error::from(io::ErrorKind::BrokenPipe));
                }
                (written - unread.min(written), failure)
            }
            Dest::File(file) => match file.file.write_all(buf) {
                Ok(()) => (buf.len(), None),
                Err(e) => (0, Some(e)),
            },
        }
    }

    /// The output is whole: for a file, sync it and rename it over the target. On failure the
    /// temporary file is kept and the error names it, so the output is not lost.
    pub fn commit(self) -> anyhow::Result<()> {
        match self.dest {
            Dest::Stdout { .. } => io::stdout().flush().map_err(Into::into),
            Dest::File(file) => file.commit(),
        }
    }

    /// The output is not whole: a file is dropped and the target left as it was. Returns the
    /// target, as shown to the user, when there was one.
    pub fn abandon(self) -> Option<String> {
        match self.dest {
            Dest::Stdout { .. } => {
                let _ = io::stdout().flush();
                None
            }
            Dest::File(file) => {
                let target = crate::output::path(&file.target);
                file.abandon();
                Some(target)
            }
        }
    }
}

impl Write for Sink {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match &mut self.dest {
            Dest::Stdout { .. } => io::stdout().write(buf),
            Dest::File(file) => file.file.write(buf),
        }
    }

    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        match &mut self.dest {
            Dest::Stdout { .. } => io::stdout().write_all(buf),
            Dest::File(file) => file.file.write_all(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match &mut self.dest {
            Dest::Stdout { .. } => io::stdout().flush(),
            Dest::File(file) => file.file.flush(),
        }
    }
}

/// Writes all of `buf` (retrying interrupted writes); the bytes written and the error that
/// stopped it.
fn write_fully(file: &mut File, buf: &[u8]) -> (usize, Option<io::Error>) {
    let mut written = 0;
    while written < buf.len() {
        match file.write(&buf[written..]) {
            Ok(0) => return (written, Some(io::Error::from(io::ErrorKind::WriteZero))),
            Ok(n) => written += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return (written, Some(e)),
        }
    }
    (written, None)
}

/// Bytes in the pipe not yet read.
fn unread(file: &File) -> usize {
    let mut n: libc::c_int = 0;
    // SAFETY: FIONREAD writes one int.
    if unsafe { libc::ioctl(file.as_raw_fd(), libc::FIONREAD, &mut n) } != 0 {
        return 0;
    }
    n.max(0) as usize
}

/// Waits until the reader has taken everything (0) or has gone away (the bytes it left).
fn wait_drained(file: &File) -> usize {
    let mut pause = std::time::Duration::from_micros(20);
    loop {
        let left = unread(file);
        if left == 0 {
            return 0;
        }
        let mut poll = libc::pollfd { fd: file.as_raw_fd(), events: libc::POLLOUT, revents: 0 };
        // SAFETY: one valid pollfd, no wait.
        unsafe { libc::poll(&mut poll, 1, 0) };
        if poll.revents & (libc::POLLERR | libc::POLLHUP) != 0 {
            return unread(file);
        }
        if signals::stopped() {
            // Leaving: what is in the pipe is the reader's.
            return 0;
        }
        std::thread::sleep(pause);
        pause = (pause * 2).min(std::time::Duration::from_millis(5));
    }
}

/// A temporary file next to the target, renamed over it on [`AtomicFile::commit`].
struct AtomicFile {
    /// The file to replace (a symlink's target: the link stays a link).
    target: PathBuf,
    /// The temporary file next to it.
    temp: PathBuf,
    file: io::BufWriter<File>,
    mode: u32,
    owner: Option<(u32, u32)>,
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

/// The existing target's metadata (`None`: it does not exist yet); refuses what cannot be
/// replaced atomically.
fn existing_target(path: &Path, target: &Path) -> anyhow::Result<Option<fs::Metadata>> {
    match fs::metadata(target) {
        Ok(meta) if meta.is_dir() => Err(usage(format!("--output-file {} is a directory; name a file", shown(path)))),
        Ok(meta) if !meta.is_file() => Err(usage(format!(
            "--output-file {} is not a regular file (a device or a pipe cannot be replaced atomically); use a shell redirect (>) for it",
            shown(path)
        ))),
        Ok(meta) => Ok(Some(meta)),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(usage(format!("--output-file {}: {e}; check --output-file", shown(path)))),
    }
}

impl AtomicFile {
    fn begin(path: &Path, secret: bool) -> anyhow::Result<AtomicFile> {
        if path.as_os_str().is_empty() {
            return Err(usage("--output-file is empty; give a file name"));
        }
        let target = real_target(path).map_err(|e| usage(format!("--output-file {}: {e}", shown(path))))?;
        let existing = existing_target(path, &target)?;
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
        // A signal that ends the process at once removes it.
        signals::remove_on_exit(Some(temp.clone()));
        Ok(AtomicFile { target, temp, file: io::BufWriter::with_capacity(1 << 16, file), mode, owner })
    }

    fn commit(self) -> anyhow::Result<()> {
        let AtomicFile { target, temp, file, mode, owner } = self;
        let keep = |what: String, e: io::Error| {
            signals::remove_on_exit(None);
            anyhow::anyhow!(
                "{what}: {e}; the complete output is in {} (the old {} is unchanged)",
                shown(&temp),
                shown(&target)
            )
        };
        let file = match file.into_inner() {
            Ok(file) => file,
            Err(e) => {
                let _ = fs::remove_file(&temp);
                signals::remove_on_exit(None);
                return Err(anyhow::anyhow!(
                    "cannot write --output-file {}: {}; it is unchanged",
                    shown(&target),
                    e.error()
                ));
            }
        };
        if let Some((uid, gid)) = owner {
            // Only root may give a file away; anyone else keeps their own (and that is fine).
            // SAFETY: fchown on an open fd.
            let _ = unsafe { libc::fchown(file.as_raw_fd(), uid, gid) };
        }
        file.set_permissions(fs::Permissions::from_mode(mode))
            .map_err(|e| keep("cannot set the permissions of the output".into(), e))?;
        file.sync_all().map_err(|e| keep("cannot sync the output to disk".into(), e))?;
        fs::rename(&temp, &target).map_err(|e| keep(format!("cannot rename the output over {}", shown(&target)), e))?;
        signals::remove_on_exit(None);
        if let Some(dir) = target.parent().filter(|d| !d.as_os_str().is_empty()) {
            // The rename itself is on disk once the directory is synced.
            if let Ok(dir) = File::open(dir) {
                let _ = dir.sync_all();
            }
        }
        Ok(())
    }

    fn abandon(self) {
        let _ = fs::remove_file(&self.temp);
        signals::remove_on_exit(None);
    }
}
