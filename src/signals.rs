//! Ctrl-C (SIGINT), SIGTERM and SIGHUP, at every stage of a command.
//!
//! A command starts in *immediate* mode: nothing has been changed yet (parsing, reading the
//! secret, connecting, asking for confirmation), so a signal ends the process at once, after
//! putting the terminal back as it was (a hidden prompt turns echo off) and saying so. A
//! server that never answers the connect therefore cannot hold a SIGTERM for `--timeout`.
//!
//! Once a command starts work whose progress it must report (a scan, deletions, minting), it
//! enters *graceful* mode ([`graceful`]): a signal sets [`STOP`], the work stops after the
//! batch in flight, and the command prints what was done, marked incomplete, and exits with
//! 128 + the signal (130 for Ctrl-C, 143 for SIGTERM). A second signal ends the process
//! without the summary, but only between batches ([`critical`]): a batch's write to Redis and
//! its record (audit log, printed cookies) are never split.

use std::sync::atomic::{AtomicBool, AtomicI32, AtomicU8, Ordering};
use std::sync::Mutex;

use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};

/// Set by the first signal in graceful mode: long commands stop at the next batch and report.
pub static STOP: AtomicBool = AtomicBool::new(false);

/// The first signal received (0: none).
static SIGNAL: AtomicI32 = AtomicI32::new(0);

const IMMEDIATE: u8 = 0;
const GRACEFUL: u8 = 1;
static MODE: AtomicU8 = AtomicU8::new(IMMEDIATE);

/// What an immediate exit says (after "sessctl: interrupted").
static EXIT_NOTE: Mutex<Option<String>> = Mutex::new(None);

/// The terminal settings to put back before exiting (set while a hidden prompt runs).
static SAVED_TERMINAL: Mutex<Option<(i32, libc::termios)>> = Mutex::new(None);

/// A temporary file to remove before any exit on a signal (`--output-file`'s).
static REMOVE_ON_EXIT: Mutex<Option<std::path::PathBuf>> = Mutex::new(None);

/// Held while a batch is written and recorded; a second signal waits for it.
static CRITICAL: Mutex<()> = Mutex::new(());

/// Starts the thread that handles SIGINT, SIGTERM and SIGHUP.
pub fn install() {
    let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP]) else {
        // Without handlers the default action (terminate) applies: still no wrong output.
        return;
    };
    std::thread::spawn(move || {
        for signal in signals.forever() {
            let first = SIGNAL.compare_exchange(0, signal, Ordering::SeqCst, Ordering::SeqCst).is_ok();
            if MODE.load(Ordering::SeqCst) == IMMEDIATE {
                exit_now(signal);
            }
            if first {
                STOP.store(true, Ordering::SeqCst);
                crate::messages::said!(
                    "{}; stopping after the current batch and reporting what was done (again to quit at once)",
                    name(signal)
                );
            } else {
                // The user wants out: wait only for the batch in flight to be recorded.
                let _batch = CRITICAL.lock();
                crate::messages::said!("{} again, exiting now; the summary is not printed", name(signal));
                exit_now_quietly(signal);
            }
        }
    });
}

fn name(signal: i32) -> &'static str {
    match signal {
        SIGINT => "interrupted",
        SIGTERM => "terminated",
        _ => "hung up",
    }
}

fn exit_now(signal: i32) -> ! {
    // A command still in immediate mode may be writing a batch of records (`verify` on a
    // pipe): let it finish that batch, so the output ends on a whole record.
    let _batch = wait_for_batch(std::time::Duration::from_secs(2));
    restore_terminal();
    let note = EXIT_NOTE.lock().ok().and_then(|n| n.clone());
    match note {
        Some(note) => crate::messages::said_on_new_line(format_args!("{}; {note}", name(signal))),
        None => crate::messages::said!("{}", name(signal)),
    }
    exit_now_quietly(signal)
}

fn exit_now_quietly(signal: i32) -> ! {
    restore_terminal();
    if let Ok(Some(path)) = REMOVE_ON_EXIT.lock().map(|p| p.clone()) {
        let _ = std::fs::remove_file(path);
    }
    // `_exit`: no destructors or atexit handlers run on another thread's behalf.
    unsafe { libc::_exit(128 + signal) }
}

/// Enters graceful mode: from now on a signal stops the work at the next batch.
pub fn graceful() {
    MODE.store(GRACEFUL, Ordering::SeqCst);
    // A signal that came just before the switch still counts.
    if SIGNAL.load(Ordering::SeqCst) != 0 {
        STOP.store(true, Ordering::SeqCst);
    }
}

/// Back to immediate mode (a question after a counting scan): a signal ends the process at
/// once, saying what the [`exit_note`] says.
pub fn immediate() {
    MODE.store(IMMEDIATE, Ordering::SeqCst);
}

/// True once a signal asked the work to stop.
pub fn stopped() -> bool {
    STOP.load(Ordering::SeqCst)
}

/// The exit status of an interrupted command: 128 + the signal (130 when none was recorded,
/// e.g. a stop asked for by the program itself).
pub fn exit_code() -> u8 {
    match SIGNAL.load(Ordering::SeqCst) {
        0 => 130,
        s => (128 + s).clamp(0, 255) as u8,
    }
}

/// While the guard lives, an immediate exit says "interrupted; {note}".
pub struct NoteGuard;

impl Drop for NoteGuard {
    fn drop(&mut self) {
        if let Ok(mut n) = EXIT_NOTE.lock() {
            *n = None;
        }
    }
}

/// Sets what an immediate exit says until the guard drops ("nothing was revoked").
pub fn exit_note(note: impl Into<String>) -> NoteGuard {
    if let Ok(mut n) = EXIT_NOTE.lock() {
        *n = Some(note.into());
    }
    NoteGuard
}

/// Names a temporary file to remove if a signal ends the process (`None`: nothing to remove).
pub fn remove_on_exit(path: Option<std::path::PathBuf>) {
    if let Ok(mut p) = REMOVE_ON_EXIT.lock() {
        *p = path;
    }
}

/// Waits (at most `bound`) for the batch in flight to be written; `None` when it did not end in time.
fn wait_for_batch(bound: std::time::Duration) -> Option<std::sync::MutexGuard<'static, ()>> {
    let deadline = std::time::Instant::now() + bound;
    loop {
        match CRITICAL.try_lock() {
            Ok(guard) => return Some(guard),
            Err(std::sync::TryLockError::Poisoned(p)) => return Some(p.into_inner()),
            Err(std::sync::TryLockError::WouldBlock) if std::time::Instant::now() < deadline => {
                std::thread::sleep(std::time::Duration::from_millis(2))
            }
            Err(std::sync::TryLockError::WouldBlock) => return None,
        }
    }
}

/// A batch in flight: a second signal waits until it is dropped.
pub fn critical() -> std::sync::MutexGuard<'static, ()> {
    CRITICAL.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Remembers the terminal settings of `fd`, to be put back by [`restore_terminal`] and
/// before any signal exit.
pub(crate) fn save_terminal(fd: i32, settings: libc::termios) {
    if let Ok(mut saved) = SAVED_TERMINAL.lock() {
        *saved = Some((fd, settings));
    }
}

/// Puts back the terminal settings saved by [`save_terminal`], if any.
pub(crate) fn restore_terminal() {
    if let Ok(mut saved) = SAVED_TERMINAL.lock() {
        if let Some((fd, settings)) = saved.take() {
            // SAFETY: `settings` came from tcgetattr on the same fd.
            unsafe {
                libc::tcsetattr(fd, libc::TCSANOW, &settings);
            }
        }
    }
}
