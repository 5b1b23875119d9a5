//! A small RESP2 reader and writer. A reply is parsed into a reusable list of tokens that point
//! into the connection's read buffer, so reading a 1000-key SCAN or MGET reply allocates
//! nothing; the scan hot path copies out only what it keeps.

use std::io::{self, Read};

/// One RESP2 element. Offsets are relative to the start of the reply (see [`Reply::bytes`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Tok {
    /// `$-1` or `*-1`.
    Nil,
    Int(i64),
    Bulk(usize, usize),
    Simple(usize, usize),
    Error(usize, usize),
    /// An array of this many elements; they follow in pre-order.
    Array(usize),
}

/// A complete reply, borrowed from the reader.
pub(crate) struct Reply<'a> {
    data: &'a [u8],
    pub toks: &'a [Tok],
}

impl<'a> Reply<'a> {
    /// The bytes of a bulk, simple or error token (empty for the others).
    pub fn bytes(&self, tok: Tok) -> &'a [u8] {
        match tok {
            Tok::Bulk(s, e) | Tok::Simple(s, e) | Tok::Error(s, e) => &self.data[s..e],
            _ => &[],
        }
    }

    pub fn top(&self) -> Tok {
        self.toks[0]
    }

    /// The error text when the whole reply is an error.
    pub fn error(&self) -> Option<String> {
        match self.top() {
            Tok::Error(s, e) => Some(String::from_utf8_lossy(&self.data[s..e]).into_owned()),
            _ => None,
        }
    }

    /// The reply as text (bulk or simple string), for INFO, CLUSTER NODES, TYPE.
    pub fn text(&self) -> Option<String> {
        match self.top() {
            Tok::Bulk(s, e) | Tok::Simple(s, e) => Some(String::from_utf8_lossy(&self.data[s..e]).into_owned()),
            _ => None,
        }
    }
}

const INITIAL_BUFFER: usize = 256 * 1024;
/// A buffer grown past this (one huge value) is given back once its reply is consumed.
const SHRINK_ABOVE: usize = 4 * 1024 * 1024;

/// Reads replies from a byte stream.
pub(crate) struct ReplyReader {
    buf: Vec<u8>,
    /// Start of the unread data (the current reply while parsing).
    start: usize,
    /// End of the data read so far.
    end: usize,
    toks: Vec<Tok>,
    /// Elements still expected by each open array.
    stack: Vec<usize>,
}

impl ReplyReader {
    pub fn new() -> ReplyReader {
        ReplyReader {
            buf: vec![0; INITIAL_BUFFER],
            start: 0,
            end: 0,
            toks: Vec::with_capacity(1024),
            stack: Vec::with_capacity(8),
        }
    }

    /// Reads one complete reply (an error reply is a reply, not an `Err`). I/O errors, a
    /// closed connection and protocol errors are `Err`.
    pub fn read<R: Read>(&mut self, src: &mut R) -> io::Result<Reply<'_>> {
        self.toks.clear();
        self.stack.clear();
        if self.start == self.end {
            self.start = 0;
            self.end = 0;
            if self.buf.len() > SHRINK_ABOVE {
                self.buf = vec![0; INITIAL_BUFFER];
            }
        }
        let mut pos = self.start;
        loop {
            let parsed = parse_one(&self.buf[pos..self.end]);
            if parsed.is_err() {
                self.reset();
            }
            match parsed? {
                Some((tok, used)) => {
                    let base = pos - self.start;
                    let tok = match tok {
                        Tok::Bulk(s, e) => Tok::Bulk(base + s, base + e),
                        Tok::Simple(s, e) => Tok::Simple(base + s, base + e),
                        Tok::Error(s, e) => Tok::Error(base + s, base + e),
                        other => other,
                    };
                    pos += used;
                    self.toks.push(tok);
                    match tok {
                        Tok::Array(n) if n > 0 => self.stack.push(n),
                        _ => {
                            // One element done: close every array it completes.
                            while let Some(top) = self.stack.last_mut() {
                                *top -= 1;
                                if *top == 0 {
                                    self.stack.pop();
                                } else {
                                    break;
                                }
                            }
                        }
                    }
                    if self.stack.is_empty() {
                        let begin = self.start;
                        self.start = pos;
                        return Ok(Reply { data: &self.buf[begin..pos], toks: &self.toks });
                    }
                }
                None => {
                    if self.end == self.buf.len() {
                        if self.start > 0 {
                            // Offsets are relative to the reply start, so moving is safe.
                            self.buf.copy_within(self.start..self.end, 0);
                            pos -= self.start;
                            self.end -= self.start;
                            self.start = 0;
                        }
                        if self.end == self.buf.len() {
                            let len = self.buf.len();
                            self.buf.resize(len * 2, 0);
                        }
                    }
                    let n = loop {
                        match src.read(&mut self.buf[self.end..]) {
                            Ok(n) => break n,
                            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                            Err(e) => {
                                // The connection is unusable now; forget its half reply.
                                self.reset();
                                return Err(e);
                            }
                        }
                    };
                    if n == 0 {
                        self.reset();
                        return Err(io::Error::new(io::ErrorKind::UnexpectedEof, "connection closed by the server"));
                    }
                    self.end += n;
                }
            }
        }
    }

    /// Forgets buffered data (after a broken connection).
    fn reset(&mut self) {
        self.start = 0;
        self.end = 0;
    }
}

fn protocol_error(what: &str) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidData,
        format!("unexpected data from the server ({what}); is this a Redis server?"),
    )
}

/// Parses one token at the start of `data`: `None` when more bytes are needed.
fn parse_one(data: &[u8]) -> io::Result<Option<(Tok, usize)>> {
    let Some(nl) = find_crlf(data) else {
        if data.len() > 64 * 1024 && data[0] != b'+' && data[0] != b'-' {
            return Err(protocol_error("line too long"));
        }
        return Ok(None);
    };
    let line = &data[1..nl];
    let after = nl + 2;
    let tok = match data[0] {
        b'+' => Tok::Simple(1, nl),
        b'-' => Tok::Error(1, nl),
        b':' => Tok::Int(parse_int(line)?),
        b'$' => {
            let len = parse_int(line)?;
            if len < 0 {
                return Ok(Some((Tok::Nil, after)));
            }
            let len = len as usize;
            if data.len() < after + len + 2 {
                return Ok(None);
            }
            if &data[after + len..after + len + 2] != b"\r\n" {
                return Err(protocol_error("bulk string not terminated"));
            }
            return Ok(Some((Tok::Bulk(after, after + len), after + len + 2)));
        }
        b'*' => {
            let n = parse_int(line)?;
            if n < 0 {
                Tok::Nil
            } else {
                Tok::Array(n as usize)
            }
        }
        _ => return Err(protocol_error("unknown reply type")),
    };
    Ok(Some((tok, after)))
}

fn find_crlf(data: &[u8]) -> Option<usize> {
    let mut i = 0;
    while i + 1 < data.len() {
        if data[i] == b'\r' && data[i + 1] == b'\n' {
            return Some(i);
        }
        i += 1;
    }
    None
}

fn parse_int(digits: &[u8]) -> io::Result<i64> {
    let (negative, digits) = match digits.first() {
        Some(b'-') => (true, &digits[1..]),
        _ => (false, digits),
    };
    if digits.is_empty() || digits.len() > 19 {
        return Err(protocol_error("bad integer"));
    }
    let mut n: i64 = 0;
    for &d in digits {
        if !d.is_ascii_digit() {
            return Err(protocol_error("bad integer"));
        }
        n = n
            .checked_mul(10)
            .and_then(|n| n.checked_add((d - b'0') as i64))
            .ok_or_else(|| protocol_error("bad integer"))?;
    }
    Ok(if negative { -n } else { n })
}

/// Appends a decimal number.
pub(crate) fn push_uint(buf: &mut Vec<u8>, mut n: u64) {
    let mut digits = [0u8; 20];
    let mut i = digits.len();
    loop {
        i -= 1;
        digits[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    buf.extend_from_slice(&digits[i..]);
}

/// Appends `*<n>\r\n`: the header of a command with `n` arguments.
pub(crate) fn push_array(buf: &mut Vec<u8>, n: usize) {
    buf.push(b'*');
    push_uint(buf, n as u64);
    buf.extend_from_slice(b"\r\n");
}

/// Appends one bulk-string argument.
pub(crate) fn push_bulk(buf: &mut Vec<u8>, arg: &[u8]) {
    buf.push(b'$');
    push_uint(buf, arg.len() as u64);
    buf.extend_from_slice(b"\r\n");
    buf.extend_from_slice(arg);
    buf.extend_from_slice(b"\r\n");
}

/// Appends a whole command.
pub(crate) fn push_cmd(buf: &mut Vec<u8>, args: &[&[u8]]) {
    push_array(buf, args.len());
    for arg in args {
        push_bulk(buf, arg);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A reader that hands out its data a few bytes at a time.
    struct Trickle<'a>(&'a [u8], usize);
    impl Read for Trickle<'_> {
        fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
            let n = self.1.min(self.0.len()).min(out.len());
            out[..n].copy_from_slice(&self.0[..n]);
            self.0 = &self.0[n..];
            Ok(n)
        }
    }

    #[test]
    fn parses_nested_replies_split_anywhere() {
        let data = b"*2\r\n$1\r\n0\r\n*3\r\n$4\r\na\r\nb\r\n$-1\r\n:-42\r\n+OK\r\n-ERR x\r\n*0\r\n";
        for chunk in [1, 2, 3, 7, 100] {
            let mut reader = ReplyReader::new();
            let mut src = Trickle(data, chunk);
            let reply = reader.read(&mut src).unwrap();
            assert_eq!(reply.toks.len(), 6);
            assert_eq!(reply.bytes(reply.toks[1]), b"0");
            assert_eq!(reply.bytes(reply.toks[3]), b"a\r\nb");
            assert_eq!(reply.toks[4], Tok::Nil);
            assert_eq!(reply.toks[5], Tok::Int(-42));
            assert_eq!(reader.read(&mut src).unwrap().text().unwrap(), "OK");
            assert_eq!(reader.read(&mut src).unwrap().error().unwrap(), "ERR x");
            assert_eq!(reader.read(&mut src).unwrap().top(), Tok::Array(0));
            assert!(reader.read(&mut src).is_err());
        }
    }

    #[test]
    fn grows_for_values_larger_than_the_buffer() {
        let value = vec![b'x'; INITIAL_BUFFER * 3];
        let mut data = Vec::new();
        push_bulk(&mut data, b"first");
        push_bulk(&mut data, &value);
        let mut reader = ReplyReader::new();
        let mut src = Trickle(&data, 10_000);
        assert_eq!(reader.read(&mut src).unwrap().text().unwrap(), "first");
        let reply = reader.read(&mut src).unwrap();
        assert_eq!(reply.bytes(reply.top()), &value[..]);
    }

    #[test]
    fn rejects_garbage() {
        let mut reader = ReplyReader::new();
        assert!(reader.read(&mut &b"HTTP/1.1 400\r\n"[..]).is_err());
    }
}
