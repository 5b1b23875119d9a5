//! The RESP reader on arbitrary bytes from a server: no panic, no allocation beyond what the
//! bytes that really arrived can explain (a declared `$9223372036854775807` or `*…` reserves
//! nothing), and the same outcome however the bytes are split across reads.
//!
//! The first byte picks the read size (1 to 64 bytes per read, as a slow socket hands them
//! over); the rest is what the server sent. Each input is read twice, in those small reads
//! and all at once: the replies read, the bytes they took and the error that stopped the
//! reader must be the same.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sessctl_store::{read_replies, ReadReport};

fuzz_target!(|data: &[u8]| {
    let Some((&first, sent)) = data.split_first() else { return };
    let chunk = usize::from(first % 64) + 1;
    let (small, peak_small) = peak_during(|| read_replies(sent, chunk));
    let (whole, peak_whole) = peak_during(|| read_replies(sent, sent.len()));
    assert_eq!(small, whole, "the outcome depends on how the bytes were split (reads of {chunk})");
    check(sent, &whole);
    for peak in [peak_small, peak_whole] {
        assert!(peak <= allocation_bound(sent.len()), "{peak} bytes allocated for {} bytes read", sent.len());
    }
});

/// What every report must say of the data it came from.
fn check(sent: &[u8], report: &ReadReport) {
    assert!(report.consumed <= sent.len());
    assert!(!report.message.is_empty());
    // The reader stops only at the end of the data or at bytes it cannot read.
    assert!(
        matches!(report.stopped, std::io::ErrorKind::UnexpectedEof | std::io::ErrorKind::InvalidData),
        "{report:?}"
    );
    if report.stopped == std::io::ErrorKind::UnexpectedEof {
        // Incomplete input is a request for more bytes, never a protocol error: the replies
        // read are exactly the complete ones at the front.
        let again = read_replies(&sent[..report.consumed], sent.len());
        assert_eq!((again.replies, again.consumed), (report.replies, report.consumed));
        assert_eq!(again.message, "connection closed by the server");
    }
}

/// The reader's fixed buffers (256 KiB of read buffer, a token list) plus a little per byte
/// received; a reader that reserved what a length prefix declares would exceed it at once.
fn allocation_bound(received: usize) -> usize {
    512 * 1024 + 64 * received
}

/// The tests' counting allocator (per-thread live bytes and their peak).
#[path = "../../tests/meter/mod.rs"]
mod meter;
use meter::{peak_during, Meter};

#[global_allocator]
static METER: Meter = Meter;
