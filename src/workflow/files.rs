//! Checks on the files a run reads and writes: a named pipe, device or socket where a regular
//! file is needed, and two flags naming the same file (checked before anything is done).

use std::path::{Path, PathBuf};

use crate::error;

/// What `path` is when it exists and is neither a regular file nor a directory (a pipe, a
/// device, a socket): files sessctl reads back or appends to must be regular, and opening a
/// pipe would block until another process opens its other end.
pub fn special_file(path: &Path) -> Option<&'static str> {
    use std::os::unix::fs::FileTypeExt;
    let kind = std::fs::metadata(path).ok()?.file_type();
    if kind.is_fifo() {
        Some("a named pipe")
    } else if kind.is_char_device() || kind.is_block_device() {
        Some("a device")
    } else if kind.is_socket() {
        Some("a socket")
    } else {
        None
    }
}

/// The files one run names besides `--output-file`, as its command says (see
/// [`refuse_shared_files`]).
#[derive(Debug, Default)]
pub struct RunFiles {
    /// The file the run reads, and what names it (`--rdb`, `restore's FILE`, `--users-file`):
    /// what the run reads is never to be written over either (`sort f > f`). `-` is stdin.
    pub input: Option<(&'static str, PathBuf)>,
    /// `--backup`.
    pub backup: Option<PathBuf>,
    /// The audit log as the run will open it (see [`super::audit::path_for`]).
    pub audit_log: Option<PathBuf>,
    /// `--resume`.
    pub resume: Option<PathBuf>,
}

/// The files a run writes (`--output-file`, `--backup`, `--audit-log`, `--resume`) must be
/// distinct, from each other and from the file it reads (`--rdb`, `restore`'s FILE,
/// `--users-file`): one written over another loses it (a backup replaced by the resume file,
/// or made unreadable for `restore` by audit lines, a dump replaced by the output). Refused
/// (exit 2) before anything is done.
pub fn refuse_shared_files(output_file: Option<&Path>, run: RunFiles) -> anyhow::Result<()> {
    let mut files: Vec<(&str, PathBuf)> = Vec::new();
    if let Some(p) = output_file {
        files.push(("--output-file", p.to_path_buf()));
    }
    let RunFiles { input, backup, audit_log: audit, resume } = run;
    files.extend(input.filter(|(_, p)| p.as_os_str() != "-"));
    files.extend(backup.map(|p| ("--backup", p)));
    files.extend(audit.map(|p| ("--audit-log", p)));
    files.extend(resume.map(|p| ("--resume", p)));
    let same = |a: &Path, b: &Path| {
        use std::os::unix::fs::MetadataExt;
        match (std::fs::metadata(a), std::fs::metadata(b)) {
            (Ok(x), Ok(y)) => (x.dev(), x.ino()) == (y.dev(), y.ino()),
            // A file not made yet: where it will be (`..` and symlinks resolved).
            _ => future_file(a).is_some_and(|x| future_file(b) == Some(x)),
        }
    };
    for (i, (flag_a, a)) in files.iter().enumerate() {
        for (flag_b, b) in &files[i + 1..] {
            if same(a, b) {
                return Err(error::usage(format!(
                    "{flag_a} and {flag_b} name the same file {}; give each its own file",
                    crate::output::path(b)
                )));
            }
        }
    }
    Ok(())
}

/// Where a file that does not exist yet will be made: its symlinks followed (a dangling link
/// names its target), then the directory it is in resolved (`..`, symlinks) and its name
/// added. `None` when the directory cannot be resolved either.
fn future_file(path: &Path) -> Option<PathBuf> {
    let mut path = std::path::absolute(path).ok()?;
    // Follow the links of the file itself (bounded, as the kernel bounds them).
    for _ in 0..40 {
        let Ok(target) = std::fs::read_link(&path) else { break };
        path = path.parent().map_or(target.clone(), |dir| dir.join(&target));
    }
    let name = path.file_name()?.to_owned();
    let dir = path.parent()?;
    match std::fs::canonicalize(dir) {
        Ok(dir) => Some(dir.join(name)),
        // A directory that does not exist either: the run fails to create the file anyway;
        // compare the paths as written, `.` and `..` folded.
        Err(_) => {
            let mut folded = PathBuf::new();
            for part in path.components() {
                match part {
                    std::path::Component::ParentDir => {
                        folded.pop();
                    }
                    std::path::Component::CurDir => {}
                    other => folded.push(other),
                }
            }
            Some(folded)
        }
    }
}
