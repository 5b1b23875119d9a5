//! Properties of the RESP reader (issue 6, defect 2: "no bytes from a server may panic
//! sessctl or allocate without bound"), through the entry point the fuzz target uses
//! (`sessctl_store::read_replies`): no input panics; a length prefix, however large, reserves
//! nothing (allocation is bounded by the bytes that really arrived); input cut anywhere is a
//! request for more bytes, never a protocol error; valid replies are read back whole, however
//! the bytes are split across reads. The token-level round trip is a unit test in
//! `crates/sessctl-store/src/wire/resp.rs`; the fuzz target checks the same as here on libFuzzer's inputs.

use std::io::ErrorKind;

use proptest::prelude::*;
use sessctl_store::{read_replies, ReadReport};

use crate::meter;

/// The reader's fixed buffers (256 KiB of read buffer and a token list) plus a little per
/// byte received. A reader that reserved a declared length would pass it at once.
fn allocation_bound(received: usize) -> usize {
    512 * 1024 + 64 * received
}

/// Reads `data` in reads of `chunk` bytes; checks that the outcome does not depend on how the
/// bytes were split and that the allocation stayed within the bound.
fn read(data: &[u8], chunk: usize) -> ReadReport {
    let (small, peak_small) = meter::peak_during(|| read_replies(data, chunk));
    let (whole, peak_whole) = meter::peak_during(|| read_replies(data, data.len()));
    assert_eq!(small, whole, "reads of {chunk} bytes and one read disagree on {data:?}");
    for peak in [peak_small, peak_whole] {
        assert!(peak <= allocation_bound(data.len()), "{peak} bytes allocated for {} bytes received", data.len());
    }
    whole
}

/// A RESP2 value, encoded here independently of the crate's writer.
#[derive(Debug, Clone)]
enum Value {
    NilBulk,
    NilArray,
    Int(i64),
    Bulk(Vec<u8>),
    Simple(String),
    Error(String),
    Array(Vec<Value>),
}

impl Value {
    fn encode(&self, out: &mut Vec<u8>) {
        match self {
            Value::NilBulk => out.extend_from_slice(b"$-1\r\n"),
            Value::NilArray => out.extend_from_slice(b"*-1\r\n"),
            Value::Int(n) => out.extend_from_slice(format!(":{n}\r\n").as_bytes()),
            Value::Bulk(b) => {
                out.extend_from_slice(format!("${}\r\n", b.len()).as_bytes());
                out.extend_from_slice(b);
                out.extend_from_slice(b"\r\n");
            }
            Value::Simple(s) => out.extend_from_slice(format!("+{s}\r\n").as_bytes()),
            Value::Error(s) => out.extend_from_slice(format!("-{s}\r\n").as_bytes()),
            Value::Array(items) => {
                out.extend_from_slice(format!("*{}\r\n", items.len()).as_bytes());
                for item in items {
                    item.encode(out);
                }
            }
        }
    }
}

fn value() -> impl Strategy<Value = Value> {
    let line = "[^\r\n]{0,24}";
    let leaf = prop_oneof![
        Just(Value::NilBulk),
        Just(Value::NilArray),
        any::<i64>().prop_map(Value::Int),
        proptest::collection::vec(any::<u8>(), 0..48).prop_map(Value::Bulk),
        line.prop_map(Value::Simple),
        line.prop_map(Value::Error),
    ];
    leaf.prop_recursive(4, 64, 8, |inner| proptest::collection::vec(inner, 0..8).prop_map(Value::Array))
}

/// The encoded replies, and where each ends.
fn encode(values: &[Value]) -> (Vec<u8>, Vec<usize>) {
    let mut data = Vec::new();
    let mut ends = Vec::new();
    for v in values {
        v.encode(&mut data);
        ends.push(data.len());
    }
    (data, ends)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Any bytes at all: the reader returns, stopping at the end of the data or at bytes it
    /// cannot read, whatever the read size.
    #[test]
    fn any_bytes_are_read_or_refused(data in proptest::collection::vec(any::<u8>(), 0..600), chunk in 1usize..64) {
        let report = read(&data, chunk);
        prop_assert!(matches!(report.stopped, ErrorKind::UnexpectedEof | ErrorKind::InvalidData), "{report:?}");
        prop_assert!(report.consumed <= data.len());
    }

    /// Valid replies followed by arbitrary bytes: the valid ones are read, whatever follows.
    #[test]
    fn valid_replies_then_garbage(
        values in proptest::collection::vec(value(), 1..5),
        tail in proptest::collection::vec(any::<u8>(), 0..64),
        chunk in 1usize..64,
    ) {
        let (mut data, ends) = encode(&values);
        data.extend_from_slice(&tail);
        let report = read(&data, chunk);
        prop_assert!(report.replies >= values.len(), "{report:?}");
        prop_assert!(report.consumed >= ends[values.len() - 1]);
    }

    /// A length prefix of any size reserves nothing: at most what Redis allows is waited for
    /// (and then the data ends: incomplete), anything larger is refused at once.
    #[test]
    fn declared_lengths_reserve_nothing(
        len in prop_oneof![0i64..4096, 0i64..=i64::MAX, Just(i64::MAX), Just(512 << 20), Just((512 << 20) + 1)],
        array in any::<bool>(),
        body in proptest::collection::vec(any::<u8>(), 0..64),
        chunk in 1usize..64,
    ) {
        let mut data = format!("{}{len}\r\n", if array { '*' } else { '$' }).into_bytes();
        data.extend_from_slice(&body);
        let report = read(&data, chunk);
        let limit = if array { 4 << 20 } else { 512 << 20 };
        if len > limit {
            prop_assert_eq!(report.stopped, ErrorKind::InvalidData);
            let expected = if array { "array too long" } else { "bulk string too large" };
            prop_assert_eq!(report.message.as_str(), expected);
        } else if !array && len > body.len() as i64 {
            // The declared bytes have not all come: wait for more; the data ends instead.
            prop_assert_eq!(report.stopped, ErrorKind::UnexpectedEof);
            prop_assert_eq!(report.message.as_str(), "connection closed by the server in the middle of a reply");
        }
    }

    /// Valid replies cut anywhere: the reader reads the complete ones and asks for more,
    /// never taking the cut for a protocol error.
    #[test]
    fn incomplete_input_asks_for_more(
        values in proptest::collection::vec(value(), 1..5),
        cut in any::<prop::sample::Index>(),
        chunk in 1usize..64,
    ) {
        let (data, ends) = encode(&values);
        let cut = cut.index(data.len());
        let report = read(&data[..cut], chunk);
        let complete = ends.iter().filter(|&&end| end <= cut).count();
        prop_assert_eq!(report.stopped, ErrorKind::UnexpectedEof, "{:?}", report);
        prop_assert_eq!(report.replies, complete);
        prop_assert_eq!(report.consumed, if complete == 0 { 0 } else { ends[complete - 1] });
        let expected = if report.consumed == cut {
            "connection closed by the server"
        } else {
            "connection closed by the server in the middle of a reply"
        };
        prop_assert_eq!(report.message.as_str(), expected);
    }

    /// Valid replies are read back whole, every byte consumed, however they are split.
    #[test]
    fn valid_replies_round_trip(values in proptest::collection::vec(value(), 1..6), chunk in 1usize..64) {
        let (data, _) = encode(&values);
        let report = read(&data, chunk);
        prop_assert_eq!(report.replies, values.len());
        prop_assert_eq!(report.consumed, data.len());
        prop_assert_eq!(report.message.as_str(), "connection closed by the server");
    }
}

/// The replies of issue 6 and their siblings, each a clean refusal within the bound.
#[test]
fn hostile_replies_are_refused_without_allocating() {
    for (data, expected) in [
        (&b"\r\n"[..], "unknown reply type"),
        (b"\r\n+OK\r\n", "unknown reply type"),
        (b"$9223372036854775807\r\n", "bulk string too large"),
        (b"*9223372036854775807\r\n", "array too long"),
        (b"$-9223372036854775808\r\n", "bad integer"),
        (b"$99999999999999999999\r\n", "bad integer"),
        (b"*4194305\r\n", "array too long"),
        (b"$536870913\r\n", "bulk string too large"),
    ] {
        let report = read(data, 1);
        assert_eq!((report.replies, report.stopped, report.message.as_str()), (0, ErrorKind::InvalidData, expected));
    }
    // Within Redis's own limits a length is waited for, not reserved: the allocation check in
    // `read` holds for a declared 512 MiB and 4 Mi elements.
    for data in [&b"$536870912\r\nabc"[..], b"*4194304\r\n:1\r\n:2\r\n"] {
        let report = read(data, 3);
        assert_eq!(report.stopped, ErrorKind::UnexpectedEof, "{report:?}");
    }
}

/// The meter sees allocations: the bound above is not vacuous.
#[test]
fn the_meter_counts() {
    let (v, peak) = meter::peak_during(|| vec![1u8; 1 << 20]);
    assert!(peak >= 1 << 20, "{peak}");
    drop(v);
}
