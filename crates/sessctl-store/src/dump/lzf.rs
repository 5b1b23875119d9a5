//! LZF decompression (the format of Redis's compressed strings, `lzf_d.c`), into a buffer of
//! the length the dump announces, checked at every step: a corrupt input is an error, never
//! a read or write out of bounds.

/// Decompresses `input` into `out` (cleared first), which must come to exactly `length`
/// bytes. The caller bounds `length`.
pub fn decompress(input: &[u8], length: usize, out: &mut Vec<u8>) -> Result<(), &'static str> {
    out.clear();
    out.reserve(length);
    let mut i = 0;
    while i < input.len() {
        let ctrl = usize::from(input[i]);
        i += 1;
        if ctrl < 32 {
            // A literal run of ctrl + 1 bytes.
            let n = ctrl + 1;
            let run = input.get(i..i + n).ok_or("a literal run past the end")?;
            if out.len() + n > length {
                return Err("longer than announced");
            }
            out.extend_from_slice(run);
            i += n;
        } else {
            // A back reference: length (ctrl >> 5) + 2, offset from the low 5 bits and a byte.
            let mut n = ctrl >> 5;
            if n == 7 {
                n += usize::from(*input.get(i).ok_or("a back reference past the end")?);
                i += 1;
            }
            n += 2;
            let low = usize::from(*input.get(i).ok_or("a back reference past the end")?);
            i += 1;
            let back = ((ctrl & 0x1f) << 8) + low + 1;
            if back > out.len() {
                return Err("a back reference before the start");
            }
            if out.len() + n > length {
                return Err("longer than announced");
            }
            let start = out.len() - back;
            // Byte by byte: the source may overlap what is being written.
            for k in 0..n {
                let b = out[start + k];
                out.push(b);
            }
        }
    }
    if out.len() != length {
        return Err("shorter than announced");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::decompress;

    #[test]
    fn literals_and_overlapping_references() {
        // "aaaaaaaa": literal "a", then a reference one back, length 7.
        let mut out = Vec::new();
        decompress(&[0x00, b'a', 0xa0, 0x00], 8, &mut out).unwrap();
        assert_eq!(out, b"aaaaaaaa");
    }

    #[test]
    fn corrupt_inputs_are_errors() {
        let mut out = Vec::new();
        assert!(decompress(&[0x05, b'a'], 6, &mut out).is_err());
        assert!(decompress(&[0x20, 0x05], 3, &mut out).is_err());
        assert!(decompress(&[0x00, b'a'], 2, &mut out).is_err());
        assert!(decompress(&[0x00, b'a', 0x00, b'b'], 1, &mut out).is_err());
    }
}
