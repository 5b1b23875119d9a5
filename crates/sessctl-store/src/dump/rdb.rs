//! A streaming reader of RDB dumps, limited to what sessctl needs: the string keys under the
//! prefix in one database (key, value, expiry), which other keys sit under the prefix (by
//! type), and the dump's `ctime`. Everything else is walked over without being kept.
//!
//! Memory is bounded whatever the bytes say: one key buffer and one value buffer of at most
//! [`MAX_STRING`] bytes each (a longer key or value under the prefix is skipped and counted,
//! never read into memory), plus the reader's own buffer. Lengths from the file are never
//! used to reserve memory beyond that bound; a count is only ever a loop bound, and each turn
//! of such a loop consumes input, so a lying count ends at the end of the input. The whole
//! input is checked against the dump's CRC-64 when it has one.
//!
//! The format, as Redis writes it (`rdb.c`, `rdb.h`): `REDIS` and a 4-digit version, then
//! opcodes (aux fields, database switches, expiries, …) and `type, key, value` entries, then
//! `0xFF` and (version 5 on) an 8-byte checksum. Versions 1 to 13 (Redis up to 8.x) are read.

use std::io::{self, Read};

use super::lzf;
use crate::error::{DumpError, RDB_MAX_VERSION as MAX_VERSION};

/// The longest key or string value read into memory (a session key is about 51 bytes, its
/// value a user id). Longer ones under the prefix are skipped and counted as oversized.
pub const MAX_STRING: usize = 64 * 1024;

/// One entry of interest.
#[derive(Debug, PartialEq, Eq)]
pub enum Item<'a> {
    /// A string under the prefix, in the database asked for.
    String { key: &'a [u8], value: &'a [u8], expire_ms: Option<i64> },
    /// A key of another type under the prefix, in the database asked for.
    Other { key: &'a [u8], type_name: &'static str },
    /// A key or string value under the prefix longer than [`MAX_STRING`]: skipped.
    Oversized,
}

/// Counts every key in the dump's database walked, of interest or not.
#[derive(Debug, Default, Clone, Copy)]
pub struct Walked {
    /// Keys of every database.
    pub keys: u64,
}

/// Reads a dump from `R` (buffer it: the reader does many small reads).
pub struct RdbReader<R: Read> {
    input: Crc<R>,
    pub version: u32,
    /// The dump's `ctime` aux field (seconds since the epoch), once read.
    pub ctime: Option<i64>,
    prefix: Vec<u8>,
    db: u64,
    current_db: u64,
    key: Vec<u8>,
    value: Vec<u8>,
    scratch: Vec<u8>,
    pub walked: Walked,
    done: bool,
}

/// The input, counting bytes and computing the CRC-64 as it goes.
struct Crc<R> {
    inner: R,
    crc: u64,
    pos: u64,
}

impl<R: Read> Crc<R> {
    fn fill(&mut self, buf: &mut [u8]) -> Result<(), DumpError> {
        let mut filled = 0;
        while filled < buf.len() {
            match self.inner.read(&mut buf[filled..]) {
                Ok(0) => return Err(DumpError::Truncated(self.pos + filled as u64)),
                Ok(n) => filled += n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => {
                    return Err(DumpError::Truncated(self.pos + filled as u64))
                }
                Err(e) => return Err(DumpError::Io(e)),
            }
        }
        self.crc = crc64(self.crc, buf);
        self.pos += buf.len() as u64;
        Ok(())
    }

    fn byte(&mut self) -> Result<u8, DumpError> {
        let mut b = [0u8; 1];
        self.fill(&mut b)?;
        Ok(b[0])
    }

    /// Reads and discards `n` bytes in constant memory.
    fn skip(&mut self, mut n: u64) -> Result<(), DumpError> {
        let mut chunk = [0u8; 8192];
        while n > 0 {
            let take = n.min(chunk.len() as u64) as usize;
            self.fill(&mut chunk[..take])?;
            n -= take as u64;
        }
        Ok(())
    }
}

/// A length or a special string encoding (`rdbLoadLenByRef`).
enum Len {
    Plain(u64),
    Encoded(u8),
}

const ENC_INT8: u8 = 0;
const ENC_INT16: u8 = 1;
const ENC_INT32: u8 = 2;
const ENC_LZF: u8 = 3;

mod op {
    pub const KEY_META: u8 = 243;
    pub const SLOT_INFO: u8 = 244;
    pub const FUNCTION2: u8 = 245;
    pub const FUNCTION_PRE_GA: u8 = 246;
    pub const MODULE_AUX: u8 = 247;
    pub const IDLE: u8 = 248;
    pub const FREQ: u8 = 249;
    pub const AUX: u8 = 250;
    pub const RESIZEDB: u8 = 251;
    pub const EXPIRETIME_MS: u8 = 252;
    pub const EXPIRETIME: u8 = 253;
    pub const SELECTDB: u8 = 254;
    pub const EOF: u8 = 255;
}

/// The name `TYPE` gives a value type byte; `None` for bytes that are no type.
fn type_name(t: u8) -> Option<&'static str> {
    Some(match t {
        0 => "string",
        1 | 10 | 14 | 18 => "list",
        2 | 11 | 20 => "set",
        3 | 5 | 12 | 17 => "zset",
        4 | 9 | 13 | 16 | 22..=25 => "hash",
        6 | 7 => "module",
        15 | 19 | 21 | 26 => "stream",
        _ => return None,
    })
}

impl<R: Read> RdbReader<R> {
    /// Reads the header. `prefix` and `db` say which keys are of interest.
    pub fn new(input: R, prefix: &[u8], db: u64) -> Result<Self, DumpError> {
        let mut input = Crc { inner: input, crc: 0, pos: 0 };
        let mut header = [0u8; 9];
        input.fill(&mut header).map_err(|e| match e {
            DumpError::Truncated(_) => DumpError::NotRdb,
            e => e,
        })?;
        if &header[..5] != b"REDIS" || !header[5..].iter().all(u8::is_ascii_digit) {
            return Err(DumpError::NotRdb);
        }
        let version = header[5..].iter().fold(0u32, |v, d| v * 10 + u32::from(d - b'0'));
        if version == 0 {
            return Err(DumpError::NotRdb);
        }
        if version > MAX_VERSION {
            return Err(DumpError::Version(version));
        }
        Ok(RdbReader {
            input,
            version,
            ctime: None,
            prefix: prefix.to_vec(),
            db,
            current_db: 0,
            key: Vec::new(),
            value: Vec::new(),
            scratch: Vec::new(),
            walked: Walked::default(),
            done: false,
        })
    }

    /// Bytes read so far.
    pub fn position(&self) -> u64 {
        self.input.pos
    }

    fn corrupt(&self, what: impl Into<String>) -> DumpError {
        DumpError::Corrupt { at: self.input.pos, what: what.into() }
    }

    fn len(&mut self) -> Result<Len, DumpError> {
        let first = self.input.byte()?;
        Ok(match first >> 6 {
            0 => Len::Plain(u64::from(first & 0x3f)),
            1 => Len::Plain((u64::from(first & 0x3f) << 8) | u64::from(self.input.byte()?)),
            2 => match first {
                0x80 => {
                    let mut b = [0u8; 4];
                    self.input.fill(&mut b)?;
                    Len::Plain(u64::from(u32::from_be_bytes(b)))
                }
                0x81 => {
                    let mut b = [0u8; 8];
                    self.input.fill(&mut b)?;
                    Len::Plain(u64::from_be_bytes(b))
                }
                other => return Err(self.corrupt(format!("unknown length encoding 0x{other:02x}"))),
            },
            _ => Len::Encoded(first & 0x3f),
        })
    }

    fn plain_len(&mut self) -> Result<u64, DumpError> {
        match self.len()? {
            Len::Plain(n) => Ok(n),
            Len::Encoded(_) => Err(self.corrupt("a string encoding where a length belongs")),
        }
    }

    /// Reads a string into `out` when it is at most `max` bytes (`true`); skips it otherwise.
    fn string_into(&mut self, which: Buf, max: usize) -> Result<bool, DumpError> {
        fn out<R: Read>(s: &mut RdbReader<R>, which: Buf) -> &mut Vec<u8> {
            match which {
                Buf::Key => &mut s.key,
                Buf::Value => &mut s.value,
            }
        }
        match self.len()? {
            Len::Plain(n) => {
                if n > max as u64 {
                    self.input.skip(n)?;
                    return Ok(false);
                }
                let mut buf = std::mem::take(out(self, which));
                buf.clear();
                buf.resize(n as usize, 0);
                let filled = self.input.fill(&mut buf);
                *out(self, which) = buf;
                filled?;
                Ok(true)
            }
            Len::Encoded(ENC_INT8) => {
                let v = self.input.byte()? as i8;
                let o = out(self, which);
                o.clear();
                o.extend_from_slice(v.to_string().as_bytes());
                Ok(true)
            }
            Len::Encoded(ENC_INT16) => {
                let mut b = [0u8; 2];
                self.input.fill(&mut b)?;
                let o = out(self, which);
                o.clear();
                o.extend_from_slice(i16::from_le_bytes(b).to_string().as_bytes());
                Ok(true)
            }
            Len::Encoded(ENC_INT32) => {
                let mut b = [0u8; 4];
                self.input.fill(&mut b)?;
                let o = out(self, which);
                o.clear();
                o.extend_from_slice(i32::from_le_bytes(b).to_string().as_bytes());
                Ok(true)
            }
            Len::Encoded(ENC_LZF) => {
                let compressed = self.plain_len()?;
                let length = self.plain_len()?;
                if length > max as u64 || compressed > max as u64 {
                    self.input.skip(compressed)?;
                    return Ok(false);
                }
                let mut scratch = std::mem::take(&mut self.scratch);
                scratch.clear();
                scratch.resize(compressed as usize, 0);
                let filled = self.input.fill(&mut scratch);
                if let Err(e) = filled {
                    self.scratch = scratch;
                    return Err(e);
                }
                let mut buf = std::mem::take(out(self, which));
                let result = lzf::decompress(&scratch, length as usize, &mut buf);
                self.scratch = scratch;
                *out(self, which) = buf;
                result.map_err(|why| self.corrupt(format!("a compressed string does not decompress ({why})")))?;
                Ok(true)
            }
            Len::Encoded(other) => Err(self.corrupt(format!("unknown string encoding {other}"))),
        }
    }

    fn skip_string(&mut self) -> Result<(), DumpError> {
        match self.len()? {
            Len::Plain(n) => self.input.skip(n),
            Len::Encoded(ENC_INT8) => self.input.skip(1),
            Len::Encoded(ENC_INT16) => self.input.skip(2),
            Len::Encoded(ENC_INT32) => self.input.skip(4),
            Len::Encoded(ENC_LZF) => {
                let compressed = self.plain_len()?;
                self.plain_len()?;
                self.input.skip(compressed)
            }
            Len::Encoded(other) => Err(self.corrupt(format!("unknown string encoding {other}"))),
        }
    }

    fn skip_lens(&mut self, n: usize) -> Result<(), DumpError> {
        for _ in 0..n {
            self.plain_len()?;
        }
        Ok(())
    }

    /// The module value stream (`rdbLoadCheckModuleValue`): opcodes up to EOF.
    fn skip_module_values(&mut self) -> Result<(), DumpError> {
        loop {
            match self.plain_len()? {
                0 => return Ok(()),
                1 | 2 => {
                    self.plain_len()?;
                }
                3 => self.input.skip(4)?,
                4 => self.input.skip(8)?,
                5 => self.skip_string()?,
                other => return Err(self.corrupt(format!("unknown module value opcode {other}"))),
            }
        }
    }

    /// Skips a value of type `t` (`rdbLoadObject`'s layouts).
    fn skip_value(&mut self, t: u8) -> Result<(), DumpError> {
        match t {
            // One string (the packed encodings are a string each).
            0 | 9..=13 | 16 | 17 | 20 | 23 => self.skip_string(),
            25 => {
                self.input.skip(8)?;
                self.skip_string()
            }
            1 | 2 | 14 => {
                for _ in 0..self.plain_len()? {
                    self.skip_string()?;
                }
                Ok(())
            }
            18 => {
                for _ in 0..self.plain_len()? {
                    self.plain_len()?;
                    self.skip_string()?;
                }
                Ok(())
            }
            3 => {
                for _ in 0..self.plain_len()? {
                    self.skip_string()?;
                    // A double as text: a length byte, with 253-255 for nan/+inf/-inf.
                    let n = self.input.byte()?;
                    if n < 253 {
                        self.input.skip(u64::from(n))?;
                    }
                }
                Ok(())
            }
            4 => {
                for _ in 0..self.plain_len()? {
                    self.skip_string()?;
                    self.skip_string()?;
                }
                Ok(())
            }
            5 => {
                for _ in 0..self.plain_len()? {
                    self.skip_string()?;
                    self.input.skip(8)?;
                }
                Ok(())
            }
            22 | 24 => {
                if t == 24 {
                    self.input.skip(8)?;
                }
                for _ in 0..self.plain_len()? {
                    self.plain_len()?;
                    self.skip_string()?;
                    self.skip_string()?;
                }
                Ok(())
            }
            7 => {
                self.plain_len()?;
                self.skip_module_values()
            }
            15 | 19 | 21 | 26 => self.skip_stream(t),
            6 => {
                Err(self.corrupt("a value in the pre-release module format of Redis 4.0 RC, which sessctl cannot skip"))
            }
            other => Err(self.corrupt(format!("unknown value type {other}"))),
        }
    }

    fn skip_stream(&mut self, t: u8) -> Result<(), DumpError> {
        let (v2, v3, v4) = (t >= 19, t >= 21, t >= 26);
        for _ in 0..self.plain_len()? {
            self.skip_string()?;
            self.skip_string()?;
        }
        self.skip_lens(3)?;
        if v2 {
            self.skip_lens(5)?;
        }
        for _ in 0..self.plain_len()? {
            self.skip_string()?;
            self.skip_lens(if v2 { 3 } else { 2 })?;
            for _ in 0..self.plain_len()? {
                self.input.skip(16 + 8)?;
                self.plain_len()?;
            }
            for _ in 0..self.plain_len()? {
                self.skip_string()?;
                self.input.skip(if v3 { 16 } else { 8 })?;
                for _ in 0..self.plain_len()? {
                    self.input.skip(16)?;
                }
            }
        }
        if v4 {
            self.skip_lens(2)?;
            for _ in 0..self.plain_len()? {
                self.skip_string()?;
                for _ in 0..self.plain_len()? {
                    self.skip_string()?;
                    self.skip_lens(2)?;
                }
            }
            self.skip_lens(2)?;
        }
        Ok(())
    }

    /// The next entry of interest; `None` after the end marker (and the checksum, verified).
    pub fn next_item(&mut self) -> Result<Option<Item<'_>>, DumpError> {
        if self.done {
            return Ok(None);
        }
        let mut expire_ms: Option<i64> = None;
        loop {
            let t = self.input.byte()?;
            match t {
                op::EOF => {
                    self.read_end()?;
                    return Ok(None);
                }
                op::SELECTDB => self.current_db = self.plain_len()?,
                op::RESIZEDB => self.skip_lens(2)?,
                op::EXPIRETIME_MS => {
                    let mut b = [0u8; 8];
                    self.input.fill(&mut b)?;
                    expire_ms = Some(i64::from_le_bytes(b));
                }
                op::EXPIRETIME => {
                    let mut b = [0u8; 4];
                    self.input.fill(&mut b)?;
                    expire_ms = Some(i64::from(i32::from_le_bytes(b)) * 1000);
                }
                op::IDLE => {
                    self.plain_len()?;
                }
                op::FREQ => {
                    self.input.byte()?;
                }
                op::AUX => {
                    let key_fits = self.string_into(Buf::Key, 64)?;
                    let value_fits = self.string_into(Buf::Value, 64)?;
                    if key_fits && value_fits && self.key == b"ctime" {
                        self.ctime = std::str::from_utf8(&self.value).ok().and_then(|t| t.trim().parse().ok());
                    }
                }
                op::MODULE_AUX => {
                    self.plain_len()?;
                    if self.plain_len()? != 2 {
                        return Err(self.corrupt("a module aux field without its `when`"));
                    }
                    self.plain_len()?;
                    self.skip_module_values()?;
                }
                op::FUNCTION2 => self.skip_string()?,
                op::FUNCTION_PRE_GA => {
                    return Err(self.corrupt("functions in the pre-release format of Redis 7.0 RC"));
                }
                op::SLOT_INFO => self.skip_lens(3)?,
                op::KEY_META => {
                    for _ in 0..self.plain_len()? {
                        self.input.skip(4)?;
                        self.skip_module_values()?;
                    }
                }
                t => {
                    let Some(name) = type_name(t) else {
                        return Err(self.corrupt(format!("unknown value type {t}")));
                    };
                    self.walked.keys += 1;
                    let expiry = expire_ms.take();
                    match self.read_entry(t)? {
                        Entry::Skipped => continue,
                        Entry::Oversized => return Ok(Some(Item::Oversized)),
                        Entry::Other => return Ok(Some(Item::Other { key: &self.key, type_name: name })),
                        Entry::String => {
                            return Ok(Some(Item::String { key: &self.key, value: &self.value, expire_ms: expiry }))
                        }
                    }
                }
            }
        }
    }

    /// The end marker was read: the dump's checksum (version 5 on), checked against the
    /// bytes read.
    fn read_end(&mut self) -> Result<(), DumpError> {
        self.done = true;
        if self.version >= 5 {
            let computed = self.input.crc;
            let mut b = [0u8; 8];
            self.input.fill(&mut b)?;
            let written = u64::from_le_bytes(b);
            // 0: written with rdbchecksum no.
            if written != 0 && written != computed {
                return Err(DumpError::Checksum { expected: written, actual: computed });
            }
        }
        Ok(())
    }

    /// Reads (or walks over) the key and value of an entry of type `t`: the key into the key
    /// buffer when it is in the database asked for, and for a string under the prefix, the
    /// value into the value buffer.
    fn read_entry(&mut self, t: u8) -> Result<Entry, DumpError> {
        let wanted_db = self.current_db == self.db;
        if !wanted_db {
            self.skip_string()?;
            self.skip_value(t)?;
            return Ok(Entry::Skipped);
        }
        let key_fits = self.string_into(Buf::Key, MAX_STRING)?;
        if !key_fits {
            // Too long to keep; whether it was under the prefix is not known
            // (a session key is 51 bytes): counted as oversized only if asked.
            self.skip_value(t)?;
            return Ok(Entry::Oversized);
        }
        if !self.key.starts_with(&self.prefix) {
            self.skip_value(t)?;
            return Ok(Entry::Skipped);
        }
        if t != 0 {
            self.skip_value(t)?;
            return Ok(Entry::Other);
        }
        if !self.string_into(Buf::Value, MAX_STRING)? {
            return Ok(Entry::Oversized);
        }
        Ok(Entry::String)
    }
}

/// What [`RdbReader::read_entry`] made of an entry.
enum Entry {
    /// Another database's, or not under the prefix: walked over.
    Skipped,
    /// Its key or string value is longer than [`MAX_STRING`]: walked over.
    Oversized,
    /// Under the prefix, not a string: the key is in the key buffer, the value walked over.
    Other,
    /// A string under the prefix: the key and value are in their buffers.
    String,
}

#[derive(Clone, Copy)]
enum Buf {
    Key,
    Value,
}

/// CRC-64 as Redis computes it (Jones polynomial, reflected, `crc64.c`).
fn crc64(mut crc: u64, data: &[u8]) -> u64 {
    static TABLE: std::sync::OnceLock<[u64; 256]> = std::sync::OnceLock::new();
    let table = TABLE.get_or_init(|| {
        const POLY: u64 = 0x95ac_9329_ac4b_c9b5;
        let mut table = [0u64; 256];
        for (i, slot) in table.iter_mut().enumerate() {
            let mut c = i as u64;
            for _ in 0..8 {
                c = if c & 1 == 1 { (c >> 1) ^ POLY } else { c >> 1 };
            }
            *slot = c;
        }
        table
    });
    for &b in data {
        crc = table[((crc ^ u64::from(b)) & 0xff) as usize] ^ (crc >> 8);
    }
    crc
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc64_matches_redis_test_vector() {
        // crc64.c: crc64(0, "123456789") == 0xe9c6d914c4b8d9ca.
        assert_eq!(crc64(0, b"123456789"), 0xe9c6_d914_c4b8_d9ca);
    }

    #[test]
    fn not_a_dump_and_newer_versions_are_refused() {
        assert!(matches!(RdbReader::new(&b"HELLO0009"[..], b"s:", 0), Err(DumpError::NotRdb)));
        assert!(matches!(RdbReader::new(&b"RED"[..], b"s:", 0), Err(DumpError::NotRdb)));
        assert!(matches!(RdbReader::new(&b"REDIS0099"[..], b"s:", 0), Err(DumpError::Version(99))));
    }

    #[test]
    fn a_huge_lzf_length_is_skipped_not_allocated() {
        // A string key under the prefix whose value claims 2^62 bytes once decompressed.
        let mut dump = b"REDIS0010".to_vec();
        dump.extend_from_slice(&[0xfe, 0x00, 0x00, 0x03]);
        dump.extend_from_slice(b"s:a");
        dump.extend_from_slice(&[0xc3, 0x02, 0x81, 0x40, 0, 0, 0, 0, 0, 0, 0, 0x01, 0x61]);
        dump.push(0xff);
        dump.extend_from_slice(&[0u8; 8]);
        let mut r = RdbReader::new(&dump[..], b"s:", 0).unwrap();
        assert_eq!(r.next_item().unwrap(), Some(Item::Oversized));
        assert_eq!(r.next_item().unwrap(), None);
    }
}
