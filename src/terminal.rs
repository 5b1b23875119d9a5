//! Questions on the terminal: the hidden secret prompt and yes/no confirmations.
//!
//! Both read a line in the terminal's normal (canonical) mode, so Ctrl-C stays a signal:
//! the signal handler puts echo back and exits 130 saying nothing was done (see
//! [`crate::signals`]). Prompts go to stderr, answers come from stdin. (This replaced
//! dialoguer, whose raw mode swallowed Ctrl-C.)

use std::io::{self, BufRead, Write};

use anyhow::Context;

use crate::signals;

/// Asks for a line without echo (the cookie secret). The terminal is restored afterwards,
/// and also when a signal ends the process during the prompt.
pub fn read_hidden(prompt: &str) -> anyhow::Result<Vec<u8>> {
    let fd = libc::STDIN_FILENO;
    // SAFETY: tcgetattr fills a plain C struct for a valid fd; failure is checked.
    let mut original: libc::termios = unsafe { std::mem::zeroed() };
    if unsafe { libc::tcgetattr(fd, &mut original) } != 0 {
        return Err(io::Error::last_os_error()).context("cannot read the terminal settings for the secret prompt");
    }
    let _note = signals::exit_note("no secret was read and nothing was done");
    signals::save_terminal(fd, original);
    let mut hidden = original;
    hidden.c_lflag &= !(libc::ECHO | libc::ECHONL);
    hidden.c_lflag |= libc::ICANON | libc::ISIG;
    // SAFETY: as above; `hidden` is a copy of valid settings with flags changed.
    if unsafe { libc::tcsetattr(fd, libc::TCSAFLUSH, &hidden) } != 0 {
        signals::restore_terminal();
        return Err(io::Error::last_os_error()).context("cannot turn off echo for the secret prompt");
    }
    eprint!("{prompt}");
    let _ = io::stderr().flush();
    let mut line = Vec::new();
    let read = io::stdin().lock().read_until(b'\n', &mut line);
    signals::restore_terminal();
    eprintln!();
    read.context("cannot read the secret from the terminal")?;
    if line.last() == Some(&b'\n') {
        line.pop();
        if line.last() == Some(&b'\r') {
            line.pop();
        }
    }
    if line.is_empty() {
        return Err(crate::error::usage(
            "no secret entered; type the app's cookie_secret, or set SESSCTL_SECRET / --secret-file",
        ));
    }
    Ok(line)
}

/// The hidden prompt for the cookie secret ([`crate::config::Settings::secret`] calls it when
/// no file or variable names the secret and stdin and stderr are terminals).
pub fn secret_prompt() -> anyhow::Result<Vec<u8>> {
    read_hidden("Cookie secret (the app's cookie_secret): ")
}

/// What the process is attached to, for the settings: which standard streams are terminals
/// and the width tables fit in.
pub fn detect() -> crate::config::Terminals {
    use std::io::IsTerminal;
    crate::config::Terminals {
        stdin: io::stdin().is_terminal(),
        stdout: io::stdout().is_terminal(),
        stderr: io::stderr().is_terminal(),
        width: crate::output::table_width(),
    }
}

/// Asks "question? [y/N]" and reads the answer from stdin (a terminal). End of input counts
/// as no; Ctrl-C exits 130 with `interrupted; {nothing_done}`.
pub fn confirm(question: &str, nothing_done: &str) -> anyhow::Result<bool> {
    let answer = ask(&format!("{question}? [y/N] "), nothing_done)?;
    Ok(matches!(answer.trim().to_ascii_lowercase().as_str(), "y" | "yes"))
}

/// Shows `prompt` on stderr and reads one line of answer from stdin (a terminal), at most
/// 1 KiB of it. End of input is an empty answer; Ctrl-C exits 130 with
/// `interrupted; {nothing_done}`.
pub fn ask(prompt: &str, nothing_done: &str) -> anyhow::Result<String> {
    let _note = signals::exit_note(nothing_done.to_string());
    eprint!("{prompt}");
    let _ = io::stderr().flush();
    let mut line = Vec::new();
    let n = io::Read::take(io::stdin().lock(), 1024)
        .read_until(b'\n', &mut line)
        .context("cannot read the answer from the terminal")?;
    if n == 0 {
        eprintln!();
    }
    Ok(String::from_utf8_lossy(&line).into_owned())
}
