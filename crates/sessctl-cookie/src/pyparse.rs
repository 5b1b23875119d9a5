//! Byte-exact emulation of the three Python 3.11 primitives Tornado's cookie code leans on:
//! `int(bytes)`, slicing with Python semantics, and `base64.b64decode(bytes)` (non-strict
//! `binascii.a2b_base64`). Every rule here was checked against CPython 3.11.7; the unit tests
//! below list the cases, and `tests/cookie_oracle.rs` compares random inputs with the real
//! interpreter.

use num_bigint::BigInt;
use num_traits::{FromPrimitive, ToPrimitive, Zero};
use std::cmp::Ordering;

/// CPython 3.11's default `sys.get_int_max_str_digits()`: `int()` of a decimal string with
/// more digits than this raises `ValueError`. Underscores, sign and whitespace do not count;
/// leading zeros do.
pub const MAX_STR_DIGITS: usize = 4300;

/// A Python `int`: machine-sized in practice, arbitrary precision when the text says so.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PyInt {
    Small(i64),
    Big(BigInt),
}

/// `bytes.isspace()` / `Py_ISSPACE`: the only bytes `int(bytes)` skips around the number.
/// Not `\x1c`-`\x1f`, not `\x85`, not `\xa0` (those are whitespace only in `str`).
#[inline]
pub fn is_py_bytes_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
}

/// Python 3.11 `int(s)` for `s: bytes` (base 10). `None` where Python raises `ValueError`.
///
/// Accepted: surrounding `Py_ISSPACE` whitespace, one optional `+`/`-` directly before the
/// digits, ASCII digits with single underscores *between* digits, leading zeros, at most
/// [`MAX_STR_DIGITS`] digits.
pub fn parse_int(s: &[u8]) -> Option<PyInt> {
    let mut start = 0;
    let mut end = s.len();
    while start < end && is_py_bytes_space(s[start]) {
        start += 1;
    }
    while end > start && is_py_bytes_space(s[end - 1]) {
        end -= 1;
    }
    let mut body = &s[start..end];
    let negative = match body.first() {
        Some(b'-') => {
            body = &body[1..];
            true
        }
        Some(b'+') => {
            body = &body[1..];
            false
        }
        _ => false,
    };
    // Syntax: digit ( '_'? digit )*
    if !body.first().is_some_and(u8::is_ascii_digit) {
        return None;
    }
    let mut digits = 0usize;
    // Accumulate negatively so that i64::MIN fits.
    let mut acc: Option<i64> = Some(0);
    let mut prev_underscore = false;
    for &b in body {
        match b {
            b'0'..=b'9' => {
                digits += 1;
                prev_underscore = false;
                if let Some(a) = acc {
                    acc = a.checked_mul(10).and_then(|a| a.checked_sub(i64::from(b - b'0')));
                }
            }
            b'_' if !prev_underscore => prev_underscore = true,
            _ => return None,
        }
    }
    if prev_underscore || digits > MAX_STR_DIGITS {
        return None;
    }
    match acc {
        Some(a) if negative => Some(PyInt::Small(a)),
        Some(a) if a != i64::MIN => Some(PyInt::Small(-a)),
        _ => {
            let text: Vec<u8> = body.iter().copied().filter(|&b| b != b'_').collect();
            let magnitude = BigInt::parse_bytes(&text, 10)?;
            let value = if negative { -magnitude } else { magnitude };
            // Normalise: anything that fits is Small, so equality and to_i64 are simple.
            Some(match value.to_i64() {
                Some(v) => PyInt::Small(v),
                None => PyInt::Big(value),
            })
        }
    }
}

impl PyInt {
    /// The value when it fits an `i64`.
    pub fn to_i64(&self) -> Option<i64> {
        match self {
            PyInt::Small(v) => Some(*v),
            PyInt::Big(_) => None,
        }
    }

    /// The value clamped to `i64`; good enough for slice indices of any real buffer.
    pub fn saturating_i64(&self) -> i64 {
        match self {
            PyInt::Small(v) => *v,
            PyInt::Big(b) if b.sign() == num_bigint::Sign::Minus => i64::MIN,
            PyInt::Big(_) => i64::MAX,
        }
    }

    /// Python's exact `int < float` (NaN compares false, ±inf as expected).
    pub fn lt_f64(&self, f: f64) -> bool {
        self.cmp_f64(f) == Some(Ordering::Less)
    }

    /// Python's exact `int > float`.
    pub fn gt_f64(&self, f: f64) -> bool {
        self.cmp_f64(f) == Some(Ordering::Greater)
    }

    /// Exact comparison of an integer with a float, as CPython's `float_richcompare` does it
    /// (no rounding of the integer to a float). `None` for NaN.
    pub fn cmp_f64(&self, f: f64) -> Option<Ordering> {
        if f.is_nan() {
            return None;
        }
        if f == f64::INFINITY {
            return Some(Ordering::Less);
        }
        if f == f64::NEG_INFINITY {
            return Some(Ordering::Greater);
        }
        // For an integer n and a finite real f: n < f <=> n < ceil(f), n > f <=> n > floor(f),
        // and n == f only when f is integral.
        match self {
            PyInt::Small(n) => {
                const TWO_63: f64 = 9_223_372_036_854_775_808.0;
                let c = f.ceil();
                if c >= TWO_63 {
                    // ceil(f) > i64::MAX >= n
                    return Some(Ordering::Less);
                }
                if c < -TWO_63 {
                    return Some(Ordering::Greater);
                }
                let ci = c as i64; // exact: integral and in range
                if *n < ci {
                    return Some(Ordering::Less);
                }
                // n >= ceil(f) >= f
                if *n == ci && c == f {
                    Some(Ordering::Equal)
                } else {
                    Some(Ordering::Greater)
                }
            }
            PyInt::Big(n) => {
                let c = BigInt::from_f64(f.ceil()).unwrap_or_else(BigInt::zero);
                match n.cmp(&c) {
                    Ordering::Less => Some(Ordering::Less),
                    Ordering::Equal if f.ceil() == f => Some(Ordering::Equal),
                    _ => Some(Ordering::Greater),
                }
            }
        }
    }
}

impl std::fmt::Display for PyInt {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PyInt::Small(v) => write!(f, "{v}"),
            PyInt::Big(b) => {
                let s = b.to_string();
                if s.len() > 40 {
                    write!(f, "{}…({} digits)", &s[..20], s.trim_start_matches('-').len())
                } else {
                    f.write_str(&s)
                }
            }
        }
    }
}

/// Python's normalisation of one slice bound (step 1) for a sequence of length `len`.
#[inline]
fn slice_bound(index: i128, len: i128) -> i128 {
    if index < 0 {
        (index + len).max(0)
    } else {
        index.min(len)
    }
}

/// `s[start:stop]` with Python semantics (negative indices count from the end, out-of-range
/// bounds clamp, an inverted range is empty). `None` is an omitted bound.
#[inline]
pub fn py_slice(s: &[u8], start: Option<i128>, stop: Option<i128>) -> &[u8] {
    let len = s.len() as i128;
    let a = start.map_or(0, |i| slice_bound(i, len));
    let b = stop.map_or(len, |i| slice_bound(i, len));
    if b <= a {
        &[]
    } else {
        &s[a as usize..b as usize]
    }
}

/// Why `base64.b64decode` raised `binascii.Error`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum B64Error {
    /// "number of data characters (N) cannot be 1 more than a multiple of 4"
    OneMoreThanMultipleOf4,
    /// "Incorrect padding"
    IncorrectPadding,
}

impl std::fmt::Display for B64Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            B64Error::OneMoreThanMultipleOf4 => {
                f.write_str("invalid base64: number of data characters cannot be 1 more than a multiple of 4")
            }
            B64Error::IncorrectPadding => f.write_str("invalid base64: incorrect padding"),
        }
    }
}

const INVALID: u8 = 0xff;

/// CPython's `table_a2b_base64`: the standard alphabet; everything else (including `-`, `_`,
/// whitespace, NUL and bytes >= 0x80) is not a data character.
static B64_TABLE: [u8; 256] = {
    let mut t = [INVALID; 256];
    let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut i = 0;
    while i < 64 {
        t[alphabet[i] as usize] = i as u8;
        i += 1;
    }
    t
};

/// `base64.b64decode(s)` (validate=False), i.e. CPython 3.11 `binascii.a2b_base64(s,
/// strict_mode=False)`:
/// - bytes outside the standard alphabet are skipped (they do not reset the pad count);
/// - `=` only counts once at least two data characters of the current quad were seen; when
///   quad position + pads reaches 4 decoding stops, ignoring everything after;
/// - a data character resets the pad count;
/// - at the end, one leftover data character is an error, two or three are "Incorrect
///   padding"; leftover bits in a completed quad are ignored.
pub fn b64decode(s: &[u8]) -> Result<Vec<u8>, B64Error> {
    let mut out = Vec::with_capacity(s.len().div_ceil(4) * 3);
    b64decode_into(s, &mut out)?;
    Ok(out)
}

/// [`b64decode`] appending to `out` (left with partial output on error).
pub fn b64decode_into(s: &[u8], out: &mut Vec<u8>) -> Result<(), B64Error> {
    // Fast path: whole quads of data characters (the common case) decode 4 -> 3 directly.
    // It stops at the first quad holding anything else, with quad_pos still 0, so the exact
    // state machine below takes over from there.
    let mut quads = s.chunks_exact(4);
    let mut done = 0;
    for quad in &mut quads {
        let (a, b, c, d) = (
            B64_TABLE[quad[0] as usize],
            B64_TABLE[quad[1] as usize],
            B64_TABLE[quad[2] as usize],
            B64_TABLE[quad[3] as usize],
        );
        if (a | b | c | d) & 0xc0 != 0 {
            break;
        }
        out.extend_from_slice(&[(a << 2) | (b >> 4), (b << 4) | (c >> 2), (c << 6) | d]);
        done += 4;
    }
    let mut quad_pos = 0u8;
    let mut leftchar = 0u8;
    let mut pads = 0u8;
    for &ch in &s[done..] {
        if ch == b'=' {
            if quad_pos >= 2 {
                pads += 1;
                if quad_pos + pads >= 4 {
                    return Ok(());
                }
            }
            continue;
        }
        let v = B64_TABLE[ch as usize];
        if v == INVALID {
            continue;
        }
        pads = 0;
        match quad_pos {
            0 => {
                quad_pos = 1;
                leftchar = v;
            }
            1 => {
                quad_pos = 2;
                out.push((leftchar << 2) | (v >> 4));
                leftchar = v & 0x0f;
            }
            2 => {
                quad_pos = 3;
                out.push((leftchar << 4) | (v >> 2));
                leftchar = v & 0x03;
            }
            _ => {
                quad_pos = 0;
                out.push((leftchar << 6) | v);
                leftchar = 0;
            }
        }
    }
    match quad_pos {
        0 => Ok(()),
        1 => Err(B64Error::OneMoreThanMultipleOf4),
        _ => Err(B64Error::IncorrectPadding),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn int(s: &[u8]) -> Option<String> {
        parse_int(s).map(|v| match v {
            PyInt::Small(v) => v.to_string(),
            PyInt::Big(b) => b.to_string(),
        })
    }

    #[test]
    fn int_accepts_what_python_accepts() {
        for (text, want) in [
            (&b"5"[..], "5"),
            (b"+5", "5"),
            (b"-5", "-5"),
            (b"-0", "0"),
            (b"0005", "5"),
            (b"1_000", "1000"),
            (b"0_0", "0"),
            (b"00_1", "1"),
            (b" 1_0 ", "10"),
            (b" \t\n\r\x0b\x0c-0_1\n\n ", "-1"),
            (b"9223372036854775807", "9223372036854775807"),
            (b"-9223372036854775808", "-9223372036854775808"),
            (b"9223372036854775808", "9223372036854775808"),
            (b"-9223372036854775809", "-9223372036854775809"),
            (b"123456789012345678901234567890", "123456789012345678901234567890"),
        ] {
            assert_eq!(int(text).as_deref(), Some(want), "{:?}", text.escape_ascii());
        }
    }

    #[test]
    fn int_rejects_what_python_rejects() {
        for text in [
            &b""[..],
            b" ",
            b"+",
            b"-",
            b"--5",
            b"+-5",
            b"- 5",
            b"+ 5",
            b"1__0",
            b"_1",
            b"1_",
            b"+_1",
            b"-_1",
            b"1_000_",
            b"0x10",
            b"1 2",
            b"\x001",
            b"1\x00",
            b"\x1c5",
            b"5\x1f",
            b"\xa05",
            b"\x855",
            b"\xd9\xa1",     // ARABIC-INDIC DIGIT ONE: int(str) takes it, int(bytes) not
            b"\xef\xbc\x91", // FULLWIDTH DIGIT ONE
            b"1e3",
            b"1.0",
        ] {
            assert_eq!(int(text), None, "{:?}", text.escape_ascii());
        }
    }

    #[test]
    fn int_max_str_digits_counts_digits_only() {
        let ones = |n| vec![b'1'; n];
        assert!(parse_int(&ones(4300)).is_some());
        assert!(parse_int(&ones(4301)).is_none());
        assert!(parse_int(&vec![b'0'; 4301]).is_none(), "leading zeros count");
        let mut signed = b"-".to_vec();
        signed.extend(ones(4300));
        assert!(parse_int(&signed).is_some(), "the sign does not count");
        let mut spaced = b" ".to_vec();
        spaced.extend(ones(4300));
        spaced.push(b' ');
        assert!(parse_int(&spaced).is_some(), "whitespace does not count");
        let underscored: Vec<u8> = b"1_".repeat(4299).into_iter().chain([b'1']).collect();
        assert!(parse_int(&underscored).is_some(), "underscores do not count");
        let underscored: Vec<u8> = b"1_".repeat(4300).into_iter().chain([b'1']).collect();
        assert!(parse_int(&underscored).is_none());
    }

    #[test]
    fn int_compares_with_floats_exactly() {
        let small = PyInt::Small(1_700_000_000);
        assert!(small.lt_f64(1_700_000_000.5));
        assert!(!small.lt_f64(1_700_000_000.0));
        assert!(small.gt_f64(1_699_999_999.9));
        assert!(!small.gt_f64(1_700_000_000.0));
        assert!(!small.lt_f64(f64::NAN) && !small.gt_f64(f64::NAN));
        assert!(small.lt_f64(f64::INFINITY) && small.gt_f64(f64::NEG_INFINITY));
        // 2**53 + 1 is not representable: Python still says 2**53+1 > 2.0**53.
        let p = PyInt::Small((1 << 53) + 1);
        assert!(p.gt_f64(9_007_199_254_740_992.0));
        assert!(PyInt::Small(i64::MAX).lt_f64(9_223_372_036_854_775_808.0));
        assert!(PyInt::Small(i64::MIN).gt_f64(-1e300));
        let big = parse_int(b"99999999999999999999999").unwrap();
        // float(1e23) == 99999999999999991611392 exactly: Python says the int is larger.
        assert!(big.gt_f64(1e23) && !big.lt_f64(1e23) && big.lt_f64(1.1e23));
        assert!(big.gt_f64(1.7e9) && big.lt_f64(f64::INFINITY));
        let neg = parse_int(b"-99999999999999999999999").unwrap();
        assert!(neg.lt_f64(0.0) && neg.gt_f64(-1e300));
    }

    #[test]
    fn slices_follow_python() {
        let s = b"abcdef";
        assert_eq!(py_slice(s, None, Some(2)), b"ab");
        assert_eq!(py_slice(s, None, Some(-2)), b"abcd");
        assert_eq!(py_slice(s, None, Some(-100)), b"");
        assert_eq!(py_slice(s, None, Some(100)), b"abcdef");
        assert_eq!(py_slice(s, Some(-1), Some(0)), b"");
        assert_eq!(py_slice(s, Some(-2), Some(-1)), b"e");
        assert_eq!(py_slice(s, Some(5), Some(6)), b"f");
        assert_eq!(py_slice(s, Some(-7), Some(-6)), b"");
        assert_eq!(py_slice(s, Some(-100), None), b"abcdef");
    }

    fn b64(s: &[u8]) -> Result<Vec<u8>, B64Error> {
        b64decode(s)
    }

    #[test]
    fn b64decode_matches_cpython() {
        use B64Error::*;
        let ok = |s: &[u8], want: &[u8]| assert_eq!(b64(s), Ok(want.to_vec()), "{s:?}");
        ok(b"", b"");
        ok(b"QQ==", b"A");
        ok(b"QQ===", b"A");
        ok(b"QQ=x=", b"A\x0c");
        ok(b"=QQ==", b"A");
        ok(b"Q=Q==", b"A");
        ok(b"QUJD", b"ABC");
        ok(b"QUJD=", b"ABC");
        ok(b"QU\xffJD", b"ABC");
        ok(b"QU-_JD", b"ABC");
        ok(b"QUJ=D", b"AB");
        ok(b"QU==JD", b"A");
        ok(b"QUI=QUJD", b"AB");
        ok(b"QU=I=", b"AB");
        ok(b"QR==", b"A");
        ok(b"!!!", b"");
        ok(b"QQ\n==", b"A");
        ok(b"Q Q = =", b"A");
        ok(b"QQ=!=", b"A");
        ok(b"QUJD\x00", b"ABC");
        assert_eq!(b64(b"QQ"), Err(IncorrectPadding));
        assert_eq!(b64(b"QQ="), Err(IncorrectPadding));
        assert_eq!(b64(b"QUJDRA"), Err(IncorrectPadding));
        assert_eq!(b64(b"Q"), Err(OneMoreThanMultipleOf4));
        assert_eq!(b64(b"Q="), Err(OneMoreThanMultipleOf4));
        assert_eq!(b64(b"Q==="), Err(OneMoreThanMultipleOf4));
        assert_eq!(b64(b"QUJDR==="), Err(OneMoreThanMultipleOf4));
        assert_eq!(b64(b"QUJDQ="), Err(OneMoreThanMultipleOf4));
    }
}
