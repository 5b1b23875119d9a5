//! A small RESP2 reader and writer. A reply is parsed into a reusable list of tokens that point
//! into the connection's read buffer, so reading a 1000-key SCAN or MGET reply allocates
//! nothing; the scan hot path copies out only what it keeps.
//!
//! Whatever bytes a server sends, the reader never panics and never allocates more than the
//! [`Limits`] allow: a length prefix is checked before anything is reserved for it, the buffer
//! only grows as bytes really arrive, and nesting, element counts, line lengths and the size of
//! one reply are all capped. Time is bounded by the caller (see `conn.rs`: one deadline per
//! reply).

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
#[derive(Debug)]
pub(crate) struct Reply<'a> {
    data: &'a [u8],
    pub toks: &'a [Tok],
}

impl<'a> Reply<'a> {
    /// The bytes of a bulk, simple or error token (empty for the others).
    pub fn bytes(&self, tok: Tok) -> &'a [u8] {
        match tok {
            Tok::Bulk(s, e) | Tok::Simple(s, e) | Tok::Error(s, e) => self.data.get(s..e).unwrap_or_default(),
            _ => &[],
        }
    }

    /// The first token (a reply always has one).
    pub fn top(&self) -> Tok {
        self.toks.first().copied().unwrap_or(Tok::Nil)
    }

    /// The server error when the whole reply is an error, parsed into its kind.
    pub fn error(&self) -> Option<crate::error::ServerError> {
        match self.top() {
            tok @ Tok::Error(..) => Some(crate::error::ServerError::parse(&String::from_utf8_lossy(self.bytes(tok)))),
            _ => None,
        }
    }

    /// The reply as text (bulk or simple string), for INFO, CLUSTER NODES, TYPE.
    pub fn text(&self) -> Option<String> {
        match self.top() {
            tok @ (Tok::Bulk(..) | Tok::Simple(..)) => Some(String::from_utf8_lossy(self.bytes(tok)).into_owned()),
            _ => None,
        }
    }

    /// A short, printable excerpt of the reply, for "unexpected reply" messages.
    pub fn excerpt(&self) -> String {
        let text = match self.top() {
            Tok::Int(n) => n.to_string(),
            Tok::Nil => "nil".into(),
            Tok::Array(n) => format!("an array of {n}"),
            tok => String::from_utf8_lossy(self.bytes(tok)).into_owned(),
        };
        let mut short: String = text.chars().take(60).flat_map(char::escape_debug).collect();
        if text.chars().count() > 60 {
            short.push('…');
        }
        short
    }
}

/// What one reply may hold. Redis itself refuses bulk strings over 512 MB by default
/// (`proto-max-bulk-len`); the other limits are far above anything sessctl asks for (its
/// largest replies are SCAN batches of at most `--scan-count` keys).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Limits {
    pub max_bulk: usize,
    /// Status and error lines (`+…`, `-…`).
    pub max_text_line: usize,
    /// Headers and integers (`$…`, `*…`, `:…`).
    pub max_header: usize,
    pub max_depth: usize,
    pub max_elements: usize,
    pub max_reply: usize,
}

pub(crate) const LIMITS: Limits = Limits {
    max_bulk: 512 << 20,
    max_text_line: 1 << 20,
    max_header: 32,
    max_depth: 32,
    max_elements: 4 << 20,
    max_reply: 1 << 30,
};

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
    limits: Limits,
}

impl Default for ReplyReader {
    fn default() -> Self {
        ReplyReader::new()
    }
}

impl ReplyReader {
    pub fn new() -> ReplyReader {
        ReplyReader::with_limits(LIMITS)
    }

    pub fn with_limits(limits: Limits) -> ReplyReader {
        ReplyReader {
            buf: vec![0; INITIAL_BUFFER.min(limits.max_reply.max(64))],
            start: 0,
            end: 0,
            toks: Vec::with_capacity(1024),
            stack: Vec::with_capacity(8),
            limits,
        }
    }

    /// Bytes received but not yet consumed by a reply.
    pub fn buffered(&self) -> &[u8] {
        &self.buf[self.start..self.end]
    }

    /// Marks `n` buffered bytes as consumed (raw reads, see `Conn::read_raw`).
    pub fn consume(&mut self, n: usize) {
        self.start = (self.start + n).min(self.end);
    }

    /// Reads one complete reply (an error reply is a reply, not an `Err`). I/O errors, a
    /// closed connection and protocol errors are `Err`; after a protocol error the reader's
    /// buffer is forgotten (the connection is out of step and must be dropped).
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
            let parsed = match parse_one(&self.buf[pos..self.end], &self.limits) {
                Ok(parsed) => parsed,
                Err(e) => {
                    self.reset();
                    return Err(e);
                }
            };
            let Some((tok, used)) = parsed else {
                // `fill` may move the reply to the front of the buffer.
                let parsed_so_far = pos - self.start;
                if let Err(e) = self.fill(src) {
                    self.reset();
                    return Err(e);
                }
                pos = self.start + parsed_so_far;
                continue;
            };
            let base = pos - self.start;
            let tok = match tok {
                Tok::Bulk(s, e) => Tok::Bulk(base + s, base + e),
                Tok::Simple(s, e) => Tok::Simple(base + s, base + e),
                Tok::Error(s, e) => Tok::Error(base + s, base + e),
                other => other,
            };
            pos += used;
            if self.toks.len() >= self.limits.max_elements {
                self.reset();
                return Err(protocol_error("reply has too many elements"));
            }
            self.toks.push(tok);
            match tok {
                Tok::Array(n) if n > 0 => {
                    if self.stack.len() >= self.limits.max_depth {
                        self.reset();
                        return Err(protocol_error("arrays nested too deep"));
                    }
                    if n > self.limits.max_elements {
                        self.reset();
                        return Err(protocol_error("array too long"));
                    }
                    self.stack.push(n);
                }
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
    }

    /// Reads more bytes into the buffer, making room first (moving the current reply to the
    /// front, or growing the buffer within the limits).
    fn fill<R: Read>(&mut self, src: &mut R) -> io::Result<()> {
        if self.end == self.buf.len() {
            if self.start > 0 {
                // Token offsets are relative to the reply start, so moving is safe.
                self.buf.copy_within(self.start..self.end, 0);
                self.end -= self.start;
                self.start = 0;
            }
            if self.end == self.buf.len() {
                if self.buf.len() >= self.limits.max_reply {
                    return Err(protocol_error("reply too large"));
                }
                let len = (self.buf.len() * 2).min(self.limits.max_reply);
                self.buf.resize(len, 0);
            }
        }
        let n = loop {
            match src.read(&mut self.buf[self.end..]) {
                Ok(n) => break n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            }
        };
        if n == 0 {
            let what = if self.start == self.end {
                "connection closed by the server"
            } else {
                "connection closed by the server in the middle of a reply"
            };
            return Err(io::Error::new(io::ErrorKind::UnexpectedEof, what));
        }
        self.end += n;
        Ok(())
    }

    /// Forgets buffered data (after a broken connection).
    fn reset(&mut self) {
        self.start = 0;
        self.end = 0;
        self.toks.clear();
        self.stack.clear();
    }
}

/// The error for bytes that are not RESP (or exceed the limits). `InvalidData`, so callers
/// can tell it from a broken connection.
pub(crate) fn protocol_error(what: &str) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, ProtocolError(what.to_string()))
}

/// Bytes from the server that are not a RESP reply sessctl can read.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub(crate) struct ProtocolError(pub String);

/// Parses one token at the start of `data`: `None` when more bytes are needed.
fn parse_one(data: &[u8], limits: &Limits) -> io::Result<Option<(Tok, usize)>> {
    let Some(&kind) = data.first() else {
        return Ok(None);
    };
    let max_line = match kind {
        b'+' | b'-' => limits.max_text_line,
        b'$' | b'*' | b':' => limits.max_header,
        _ => return Err(protocol_error("unknown reply type")),
    };
    // The type byte, at most `max_line` bytes, CRLF.
    let Some(nl) = find_crlf(&data[..data.len().min(max_line + 3)]) else {
        if data.len() >= max_line + 3 {
            return Err(protocol_error("line too long"));
        }
        return Ok(None);
    };
    // `nl >= 1`: the type byte comes first, and it is not '\r'.
    let line = &data[1..nl];
    let after = nl + 2;
    let tok = match kind {
        b'+' => Tok::Simple(1, nl),
        b'-' => Tok::Error(1, nl),
        b':' => Tok::Int(parse_int(line)?),
        b'$' => {
            let len = parse_int(line)?;
            if len < 0 {
                if len != -1 {
                    return Err(protocol_error("negative length"));
                }
                return Ok(Some((Tok::Nil, after)));
            }
            let len = usize::try_from(len).map_err(|_| protocol_error("length too large"))?;
            if len > limits.max_bulk {
                return Err(protocol_error("bulk string too large"));
            }
            // No overflow: after <= max_header + 3 and len <= max_bulk.
            let end = after + len;
            if data.len() < end + 2 {
                return Ok(None);
            }
            if &data[end..end + 2] != b"\r\n" {
                return Err(protocol_error("bulk string not terminated"));
            }
            return Ok(Some((Tok::Bulk(after, end), end + 2)));
        }
        _ => {
            let n = parse_int(line)?;
            if n < 0 {
                if n != -1 {
                    return Err(protocol_error("negative length"));
                }
                Tok::Nil
            } else {
                Tok::Array(usize::try_from(n).map_err(|_| protocol_error("length too large"))?)
            }
        }
    };
    Ok(Some((tok, after)))
}

fn find_crlf(data: &[u8]) -> Option<usize> {
    memchr::memmem::find(data, b"\r\n")
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

/// Reads every reply in `data` (handed over in chunks of `chunk` bytes) under `limits` until
/// the data ends or a reply cannot be read; returns the number of replies read and the error
/// that stopped it. For the unit tests (the fuzz target and the integration tests use
/// [`read_report`]): whatever `data` holds, this must return, not panic.
#[cfg(test)]
fn read_all(data: &[u8], chunk: usize, limits: Option<Limits>) -> (usize, Option<io::Error>) {
    let mut reader = ReplyReader::with_limits(limits.unwrap_or(LIMITS));
    let mut src = Chunks { data, chunk: chunk.max(1) };
    let mut n = 0;
    loop {
        match reader.read(&mut src) {
            Ok(reply) => {
                // Touch every token the way callers do.
                for &tok in reply.toks {
                    let _ = reply.bytes(tok);
                }
                let _ = (reply.error(), reply.text(), reply.excerpt());
                n += 1;
            }
            Err(e) => return (n, Some(e)),
        }
    }
}

/// What the reply reader made of a byte stream (see [`read_replies`]).
#[doc(hidden)]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadReport {
    /// Complete replies read.
    pub replies: usize,
    /// The bytes those replies took, from the start of the data.
    pub consumed: usize,
    /// Why reading stopped (it always stops with an error: at the end of the data it is
    /// `UnexpectedEof`, with "in the middle of a reply" when a reply was left incomplete;
    /// bytes that are not RESP, or exceed the limits, are `InvalidData`).
    pub stopped: std::io::ErrorKind,
    /// The error's text.
    pub message: String,
}

/// [`read_all`] with the default limits, and what it consumed: see [`ReadReport`].
pub(crate) fn read_report(data: &[u8], chunk: usize) -> ReadReport {
    let mut reader = ReplyReader::new();
    let mut src = Chunks { data, chunk: chunk.max(1) };
    let (mut replies, mut consumed) = (0, 0);
    loop {
        match reader.read(&mut src) {
            Ok(reply) => {
                for &tok in reply.toks {
                    let _ = reply.bytes(tok);
                }
                let _ = (reply.error(), reply.text(), reply.excerpt());
                replies += 1;
                consumed += reply.data.len();
            }
            Err(e) => {
                return ReadReport { replies, consumed, stopped: e.kind(), message: e.to_string() };
            }
        }
    }
}

/// A reader that hands out its data a few bytes at a time.
struct Chunks<'a> {
    data: &'a [u8],
    chunk: usize,
}

impl Read for Chunks<'_> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let n = self.chunk.min(self.data.len()).min(out.len());
        out[..n].copy_from_slice(&self.data[..n]);
        self.data = &self.data[n..];
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn reader_over(data: &[u8], chunk: usize) -> (ReplyReader, Chunks<'_>) {
        (ReplyReader::new(), Chunks { data, chunk })
    }

    #[test]
    fn parses_nested_replies_split_anywhere() {
        let data = b"*2\r\n$1\r\n0\r\n*3\r\n$4\r\na\r\nb\r\n$-1\r\n:-42\r\n+OK\r\n-ERR x\r\n*0\r\n";
        for chunk in [1, 2, 3, 7, 100] {
            let (mut reader, mut src) = reader_over(data, chunk);
            let reply = reader.read(&mut src).unwrap();
            assert_eq!(reply.toks.len(), 6);
            assert_eq!(reply.bytes(reply.toks[1]), b"0");
            assert_eq!(reply.bytes(reply.toks[3]), b"a\r\nb");
            assert_eq!(reply.toks[4], Tok::Nil);
            assert_eq!(reply.toks[5], Tok::Int(-42));
            assert_eq!(reader.read(&mut src).unwrap().text().unwrap(), "OK");
            assert_eq!(reader.read(&mut src).unwrap().error().unwrap().to_string(), "ERR x");
            assert_eq!(reader.read(&mut src).unwrap().top(), Tok::Array(0));
            assert_eq!(reader.read(&mut src).unwrap_err().kind(), io::ErrorKind::UnexpectedEof);
        }
    }

    #[test]
    fn grows_for_values_larger_than_the_buffer() {
        let value = vec![b'x'; INITIAL_BUFFER * 3];
        let mut data = Vec::new();
        push_bulk(&mut data, b"first");
        push_bulk(&mut data, &value);
        let (mut reader, mut src) = reader_over(&data, 10_000);
        assert_eq!(reader.read(&mut src).unwrap().text().unwrap(), "first");
        let reply = reader.read(&mut src).unwrap();
        assert_eq!(reply.bytes(reply.top()), &value[..]);
    }

    #[test]
    fn rejects_garbage() {
        let mut reader = ReplyReader::new();
        assert!(reader.read(&mut &b"HTTP/1.1 400\r\n"[..]).is_err());
    }

    fn invalid(data: &[u8]) -> String {
        let (n, e) = read_all(data, 3, None);
        assert_eq!(n, 0, "{:?}", String::from_utf8_lossy(data));
        let e = e.unwrap();
        assert_eq!(e.kind(), io::ErrorKind::InvalidData, "{e}");
        e.to_string()
    }

    /// The defects of issue 6 and their siblings: each is a clean error, never a panic or a
    /// huge allocation.
    #[test]
    fn hostile_replies_are_errors() {
        // A reply that starts with CRLF (used to panic slicing `data[1..0]`).
        assert_eq!(invalid(b"\r\n"), "unknown reply type");
        assert_eq!(invalid(b"\r\n+OK\r\n"), "unknown reply type");
        // Lengths that cannot be allocated, or overflow.
        assert_eq!(invalid(b"$9223372036854775807\r\n"), "bulk string too large");
        assert_eq!(invalid(b"*9223372036854775807\r\n"), "array too long");
        assert_eq!(invalid(b"$-9223372036854775808\r\n"), "bad integer");
        assert_eq!(invalid(b"$-2\r\n"), "negative length");
        assert_eq!(invalid(b"*-5\r\n"), "negative length");
        assert_eq!(invalid(b"$99999999999999999999\r\n"), "bad integer");
        assert_eq!(invalid(b":\r\n"), "bad integer");
        assert_eq!(invalid(b"$\r\n"), "bad integer");
        assert_eq!(invalid(b"$3\r\nabcde\r\n"), "bulk string not terminated");
        // Headers that never end.
        assert_eq!(invalid(&[b'$'; 100]), "line too long");
        assert_eq!(invalid(&[b"*".as_slice(), &[b'1'; 100]].concat()), "line too long");
        // Nesting without end.
        assert_eq!(invalid(&b"*1\r\n".repeat(100)), "arrays nested too deep");
    }

    #[test]
    fn the_limits_hold() {
        let small =
            Limits { max_bulk: 10, max_text_line: 8, max_header: 32, max_depth: 2, max_elements: 3, max_reply: 4096 };
        let err = |data: &[u8]| read_all(data, 5, Some(small)).1.unwrap().to_string();
        assert_eq!(err(b"$11\r\n"), "bulk string too large");
        assert_eq!(err(b"+123456789\r\n"), "line too long");
        assert_eq!(err(b"-123456789012"), "line too long");
        assert_eq!(err(b"*1\r\n*1\r\n*1\r\n:1\r\n"), "arrays nested too deep");
        assert_eq!(err(b"*3\r\n:1\r\n:1\r\n:1\r\n"), "reply has too many elements");
        let big = Limits { max_bulk: 1 << 20, ..small };
        let mut data = Vec::new();
        push_bulk(&mut data, &[b'x'; 5000]);
        assert_eq!(read_all(&data, 1000, Some(big)).1.unwrap().to_string(), "reply too large");
        // Within the limits all is well.
        assert_eq!(read_all(b"$10\r\n0123456789\r\n+1234567\r\n*1\r\n*1\r\n:1\r\n", 5, Some(small)).0, 3);
    }

    #[test]
    fn a_reply_cut_short_is_an_unexpected_eof() {
        let data = b"*2\r\n$5\r\nhello\r\n$5\r\nwor";
        for cut in 1..data.len() {
            let (n, e) = read_all(&data[..cut], 2, None);
            assert_eq!(n, 0);
            let e = e.unwrap();
            assert_eq!(e.kind(), io::ErrorKind::UnexpectedEof);
            assert!(e.to_string().contains("in the middle of a reply"), "{e}");
        }
    }

    /// A RESP value, for generating valid replies.
    #[derive(Debug, Clone)]
    enum Value {
        Nil,
        Int(i64),
        Bulk(Vec<u8>),
        Simple(String),
        Error(String),
        Array(Vec<Value>),
    }

    impl Value {
        fn encode(&self, out: &mut Vec<u8>) {
            match self {
                Value::Nil => out.extend_from_slice(b"$-1\r\n"),
                Value::Int(n) => out.extend_from_slice(format!(":{n}\r\n").as_bytes()),
                Value::Bulk(b) => push_bulk(out, b),
                Value::Simple(s) => out.extend_from_slice(format!("+{s}\r\n").as_bytes()),
                Value::Error(s) => out.extend_from_slice(format!("-{s}\r\n").as_bytes()),
                Value::Array(items) => {
                    push_array(out, items.len());
                    for item in items {
                        item.encode(out);
                    }
                }
            }
        }

        /// Checks `toks[i..]` against this value; returns the index after it.
        fn check(&self, reply: &Reply, i: usize) -> usize {
            let tok = reply.toks[i];
            match self {
                Value::Nil => assert_eq!(tok, Tok::Nil),
                Value::Int(n) => assert_eq!(tok, Tok::Int(*n)),
                Value::Bulk(b) => {
                    assert!(matches!(tok, Tok::Bulk(..)));
                    assert_eq!(reply.bytes(tok), &b[..]);
                }
                Value::Simple(s) => {
                    assert!(matches!(tok, Tok::Simple(..)));
                    assert_eq!(reply.bytes(tok), s.as_bytes());
                }
                Value::Error(s) => {
                    assert!(matches!(tok, Tok::Error(..)));
                    assert_eq!(reply.bytes(tok), s.as_bytes());
                }
                Value::Array(items) => {
                    assert_eq!(tok, Tok::Array(items.len()));
                    let mut next = i + 1;
                    for item in items {
                        next = item.check(reply, next);
                    }
                    return next;
                }
            }
            i + 1
        }
    }

    fn value() -> impl Strategy<Value = Value> {
        let line = "[^\r\n]{0,20}";
        let leaf = prop_oneof![
            Just(Value::Nil),
            any::<i64>().prop_map(Value::Int),
            proptest::collection::vec(any::<u8>(), 0..40).prop_map(Value::Bulk),
            line.prop_map(Value::Simple),
            line.prop_map(Value::Error),
        ];
        leaf.prop_recursive(4, 64, 8, |inner| proptest::collection::vec(inner, 0..8).prop_map(Value::Array))
    }

    proptest! {
        /// Any bytes at all: the reader returns (replies or an error), never panics.
        #[test]
        fn any_bytes_never_panic(data in proptest::collection::vec(any::<u8>(), 0..512), chunk in 1usize..64) {
            let (_, e) = read_all(&data, chunk, None);
            prop_assert!(e.is_some());
        }

        /// Any bytes after a RESP-looking prefix: the same.
        #[test]
        fn resp_like_bytes_never_panic(
            parts in proptest::collection::vec(
                prop_oneof![
                    Just(b"*".to_vec()), Just(b"$".to_vec()), Just(b":".to_vec()), Just(b"+".to_vec()),
                    Just(b"-".to_vec()), Just(b"\r\n".to_vec()), Just(b"-1".to_vec()), Just(b"0".to_vec()),
                    Just(b"3".to_vec()), Just(b"9223372036854775807".to_vec()), Just(b"\r".to_vec()),
                    proptest::collection::vec(any::<u8>(), 0..4),
                ],
                0..64,
            ),
            chunk in 1usize..16,
        ) {
            let data = parts.concat();
            let _ = read_all(&data, chunk, None);
        }

        /// Valid replies, split anywhere, read back exactly; cut anywhere, they are an error.
        #[test]
        fn valid_replies_round_trip(values in proptest::collection::vec(value(), 1..6), chunk in 1usize..50) {
            let mut data = Vec::new();
            for v in &values {
                v.encode(&mut data);
            }
            let mut reader = ReplyReader::new();
            let mut src = Chunks { data: &data, chunk };
            for v in &values {
                let reply = reader.read(&mut src).unwrap();
                let end = v.check(&reply, 0);
                prop_assert_eq!(end, reply.toks.len());
            }
            prop_assert_eq!(reader.read(&mut src).unwrap_err().kind(), io::ErrorKind::UnexpectedEof);
            let cut = data.len() - 1;
            let (n, e) = read_all(&data[..cut], chunk, None);
            prop_assert_eq!(n, values.len() - 1);
            prop_assert!(e.is_some());
        }
    }
}
