//! Standard output written without a buffer, for `mint`: how many bytes the kernel took and,
//! on a pipe, how many the reader took (waiting until it drained them or went away), so that
//! exactly the sessions of the cookies that got out are kept.

use std::io::{self, Write};

use crate::signals;

/// Standard output written without a buffer, so mint knows exactly how many bytes the
/// kernel took (and, on a pipe, how many the reader took).
pub(crate) struct Stdout {
    file: std::mem::ManuallyDrop<std::fs::File>,
    /// Standard output is a pipe: [`Stdout::write_and_wait`] waits for its reader.
    pub(crate) is_pipe: bool,
}

impl Stdout {
    pub(crate) fn new() -> Stdout {
        use std::os::fd::FromRawFd;
        // SAFETY: fd 1 stays open for the life of the process; ManuallyDrop never closes it,
        // and nothing else in mint writes to stdout.
        let file = std::mem::ManuallyDrop::new(unsafe { std::fs::File::from_raw_fd(libc::STDOUT_FILENO) });
        let is_pipe = file.metadata().map(|m| std::os::unix::fs::FileTypeExt::is_fifo(&m.file_type())).unwrap_or(false);
        Stdout { file, is_pipe }
    }

    /// Writes `buf`; on a pipe (when `wait`), then waits until the reader has taken it all or
    /// gone away. Returns the bytes the reader (or the file) took, and the error that stopped
    /// the write, if any (a reader gone counts as a broken pipe).
    pub(crate) fn write_and_wait(&mut self, buf: &[u8], wait: bool) -> (usize, Option<io::Error>) {
        let mut written = 0;
        let mut failure = None;
        while written < buf.len() {
            match self.file.write(&buf[written..]) {
                Ok(0) => {
                    failure = Some(io::Error::from(io::ErrorKind::WriteZero));
                    break;
                }
                Ok(n) => written += n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    failure = Some(e);
                    break;
                }
            }
        }
        if !self.is_pipe || !wait {
            return (written, failure);
        }
        // What the reader has not taken (it may have read part of the batch and closed).
        let unread = if failure.is_some() { self.unread() } else { self.wait_drained() };
        if unread > 0 {
            failure.get_or_insert_with(|| io::Error::from(io::ErrorKind::BrokenPipe));
        }
        (written - unread.min(written), failure)
    }

    /// Bytes in the pipe not yet read.
    fn unread(&self) -> usize {
        use std::os::fd::AsRawFd;
        let mut n: libc::c_int = 0;
        // SAFETY: FIONREAD writes one int.
        if unsafe { libc::ioctl(self.file.as_raw_fd(), libc::FIONREAD, &mut n) } != 0 {
            return 0;
        }
        n.max(0) as usize
    }

    /// Waits until the reader has taken everything (0) or has gone away (the bytes it left).
    fn wait_drained(&self) -> usize {
        use std::os::fd::AsRawFd;
        let mut pause = std::time::Duration::from_micros(20);
        loop {
            let unread = self.unread();
            if unread == 0 {
                return 0;
            }
            let mut poll = libc::pollfd { fd: self.file.as_raw_fd(), events: libc::POLLOUT, revents: 0 };
            // SAFETY: one valid pollfd, no wait.
            unsafe { libc::poll(&mut poll, 1, 0) };
            if poll.revents & (libc::POLLERR | libc::POLLHUP) != 0 {
                return self.unread();
            }
            if signals::stopped() {
                // Leaving: what is in the pipe is the reader's.
                return 0;
            }
            std::thread::sleep(pause);
            pause = (pause * 2).min(std::time::Duration::from_millis(5));
        }
    }
}
