//! Everything sessctl says on stderr that is not a progress bar or a prompt: notes, warnings,
//! status lines and the final error line. One place decides what `--quiet` silences
//! ([`set_quiet`], called once the settings are known), and every line starts with
//! `sessctl: `, so a cron mail or a log is easy to grep.
//!
//! | macro | prefix | `--quiet` |
//! |---|---|---|
//! | [`note!`] | `sessctl: note: ` | silenced |
//! | [`status!`] | `sessctl: ` | silenced |
//! | [`warning!`] | `sessctl: warning: ` | shown: the secret's or a password's safety, an answer that may be incomplete |
//! | [`said!`] | `sessctl: ` | shown: what happened to the data or the output (nothing revoked, a file left as it was) |
//! | [`error_line`] | `sessctl: ` | shown: the one line of a failed run, escaped and bounded |
//!
//! `tests/layers.rs` forbids `eprintln!` anywhere else (prompts write through
//! `terminal`, the signal handler through [`said!`]).

use std::fmt::Arguments;
use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};

/// `--quiet` (or `SESSCTL_QUIET`), once the settings are resolved. Before that (usage errors),
/// nothing is silenced.
static QUIET: AtomicBool = AtomicBool::new(false);

/// Records `--quiet` for the rest of the run.
pub fn set_quiet(quiet: bool) {
    QUIET.store(quiet, Ordering::Relaxed);
}

/// Whether `--quiet` silences notes, status lines and warnings in this run.
pub fn quiet() -> bool {
    QUIET.load(Ordering::Relaxed)
}

/// Writes `sessctl: {kind}{text}` and a newline to stderr in one write (lines from threads
/// never interleave). A closed stderr is not an error worth dying for.
#[doc(hidden)]
pub fn emit(kind: &str, text: Arguments<'_>, silenceable: bool) {
    if silenceable && quiet() {
        return;
    }
    let line = format!("sessctl: {kind}{text}\n");
    let _ = std::io::stderr().lock().write_all(line.as_bytes());
}

/// The final line of a failed run: escaped and bounded by [`crate::output::message_line`].
pub fn error_line(message: &str) {
    emit("", format_args!("{}", crate::output::message_line(message)), false);
}

/// `sessctl: …` on a line of its own after whatever was on the terminal's line (a prompt the
/// signal interrupted), shown even with `--quiet`.
pub fn said_on_new_line(text: Arguments<'_>) {
    let line = format!("\nsessctl: {text}\n");
    let _ = std::io::stderr().lock().write_all(line.as_bytes());
}

/// `sessctl: note: …`, silenced by `--quiet`.
macro_rules! note {
    ($($arg:tt)*) => { $crate::messages::emit("note: ", format_args!($($arg)*), true) };
}

/// `sessctl: …` (what is going on), silenced by `--quiet`.
macro_rules! status {
    ($($arg:tt)*) => { $crate::messages::emit("", format_args!($($arg)*), true) };
}

/// `sessctl: warning: …`, shown even with `--quiet`: something the operator must not miss
/// (the secret's or a password's safety, an answer that may be incomplete).
macro_rules! warning {
    ($($arg:tt)*) => { $crate::messages::emit("warning: ", format_args!($($arg)*), false) };
}

/// `sessctl: …`, shown even with `--quiet`: what happened to the data or the output.
macro_rules! said {
    ($($arg:tt)*) => { $crate::messages::emit("", format_args!($($arg)*), false) };
}

pub(crate) use {note, said, status, warning};
