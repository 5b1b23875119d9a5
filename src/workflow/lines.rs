//! Inputs one per line, as `verify` reads its cookies and `revoke -` its session ids: stdin in
//! batches (line ends and blank lines dropped, an overlong line reported without being held in
//! memory), or the command's arguments. `decode -` reads at most [`MAX_LINE`] too.

use std::io;

/// Cookies read and checked per batch (signatures on every core while the next batch is read).
pub const BATCH: usize = 16_384;

/// Up to `BATCH` inputs in one buffer (no allocation per cookie).
#[derive(Default)]
pub struct Batch {
    bytes: Vec<u8>,
    ends: Vec<(usize, usize)>,
    /// Indexes of lines longer than [`MAX_LINE`] (kept empty).
    pub overlong: Vec<usize>,
}

impl Batch {
    pub fn len(&self) -> usize {
        self.ends.len()
    }
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }
    pub fn get(&self, i: usize) -> &[u8] {
        let (start, end) = self.ends[i];
        &self.bytes[start..end]
    }
    fn clear(&mut self) {
        self.bytes.clear();
        self.ends.clear();
        self.overlong.clear();
    }
    fn push_overlong(&mut self) {
        self.overlong.push(self.ends.len());
        self.ends.push((self.bytes.len(), self.bytes.len()));
    }
    /// Adds one input; blank ones are skipped unless `raw` (where every line is an input).
    fn push(&mut self, input: &[u8], raw: bool) {
        if !raw && input.trim_ascii().is_empty() {
            return;
        }
        let start = self.bytes.len();
        self.bytes.extend_from_slice(input);
        self.ends.push((start, self.bytes.len()));
    }
}

/// Where cookies come from: stdin lines (`batch` at a time: 1 on a terminal), or the arguments
/// (kept reversed, popped in order).
pub enum Source {
    Stdin { reader: io::BufReader<io::Stdin>, batch: usize },
    Args(Vec<Vec<u8>>),
}

/// The longest input line read whole (16 MiB). Longer ones are reported `malformed` without
/// being held in memory, so `verify < /dev/zero` cannot exhaust it. This is the one place
/// sessctl's verdict can differ from Tornado's, and only in theory: no HTTP server hands
/// Tornado a header that long (Tornado's own limit is 64 KiB).
pub const MAX_LINE: usize = 16 << 20;

impl Source {
    /// Refills `batch` with the next inputs. Stdin lines lose their "\n" or "\r\n".
    pub fn fill(&mut self, batch: &mut Batch, raw: bool) -> io::Result<()> {
        use std::io::BufRead;
        batch.clear();
        match self {
            Source::Args(args) => {
                while batch.len() < BATCH {
                    let Some(arg) = args.pop() else { break };
                    batch.push(&arg, raw);
                }
            }
            Source::Stdin { reader, batch: size } => {
                let mut line = Vec::new();
                while batch.len() < *size {
                    line.clear();
                    if io::Read::take(&mut *reader, MAX_LINE as u64 + 1).read_until(b'\n', &mut line)? == 0 {
                        break;
                    }
                    if line.len() > MAX_LINE && line.last() != Some(&b'\n') {
                        // Skip the rest of the line without keeping it.
                        loop {
                            let buf = reader.fill_buf()?;
                            if buf.is_empty() {
                                break;
                            }
                            match buf.iter().position(|b| *b == b'\n') {
                                Some(i) => {
                                    reader.consume(i + 1);
                                    break;
                                }
                                None => {
                                    let n = buf.len();
                                    reader.consume(n);
                                }
                            }
                        }
                        batch.push_overlong();
                        continue;
                    }
                    let mut text = &line[..];
                    if let Some(t) = text.strip_suffix(b"\n") {
                        text = t.strip_suffix(b"\r").unwrap_or(t);
                    }
                    batch.push(text, raw);
                }
            }
        }
        Ok(())
    }
}

/// The lines of stdin as `verify -` reads them (line ends and blank lines dropped), for the
/// other commands that take inputs one per line (`revoke -`): `each` gets each line, or
/// `None` for one longer than [`MAX_LINE`] (not held in memory).
pub fn stdin_lines(each: &mut dyn FnMut(Option<&[u8]>) -> anyhow::Result<()>) -> anyhow::Result<()> {
    let mut source = Source::Stdin { reader: io::BufReader::with_capacity(1 << 20, io::stdin()), batch: BATCH };
    let mut batch = Batch::default();
    loop {
        source.fill(&mut batch, false)?;
        if batch.is_empty() {
            return Ok(());
        }
        for i in 0..batch.len() {
            each((!batch.overlong.contains(&i)).then(|| batch.get(i)))?;
        }
    }
}
