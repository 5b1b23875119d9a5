//! The calling thread's side of a scan: runs the visitor over each batch, keeps each part's
//! resumable cursor (the cursor after the last batch whose keys were all visited, in SCAN
//! order even when two readers finish out of order), and recognises keys delivered again:
//! those SCAN returns twice in one pass (it may, while the table rehashes) and those a part
//! restarted after a failover delivers again.

use std::collections::{BTreeMap, HashSet};
use std::hash::BuildHasher;
use std::hash::BuildHasherDefault;
use std::ops::ControlFlow;
use std::sync::atomic::{AtomicBool, Ordering};

use super::shared::Msg;
use super::state::{PartCursor, ScanEnd, ScanState, ScanSummary, FINGERPRINTS_PER_PART};
use crate::session::Found;

/// Delivery state of one part.
#[derive(Default)]
struct Progress {
    epoch: u32,
    scanned: u64,
    rescanned: u64,
    /// The next batch (by sequence number) whose cursor may become the resumable one.
    next_seq: u64,
    /// Batches delivered ahead of `next_seq`: sequence → cursor after it.
    ahead: BTreeMap<u64, u64>,
    /// Batches in the epoch, once the scanner reached the end.
    last_seq: Option<u64>,
    /// Fingerprints of the keys delivered in this epoch, and (sorted) in earlier epochs.
    seen: HashSet<u64, BuildHasherDefault<Fingerprint>>,
    before: Vec<u64>,
    /// More keys than could be remembered.
    overflow: bool,
}

/// Fingerprints are already uniform 64-bit hashes (keyed at random per run): a set of them
/// needs no second hash.
#[derive(Default)]
struct Fingerprint(u64);

impl std::hash::Hasher for Fingerprint {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

pub(crate) struct Delivery {
    pub end: ScanEnd,
    parts: Vec<Progress>,
    cursors: Vec<PartCursor>,
    hasher: std::hash::RandomState,
    repeats: u64,
    duplicates: u64,
    unmarked: bool,
}

impl Delivery {
    pub fn new(cursors: Vec<PartCursor>) -> Delivery {
        Delivery {
            end: ScanEnd::Complete,
            parts: cursors.iter().map(|_| Progress::default()).collect(),
            cursors,
            hasher: std::hash::RandomState::new(),
            repeats: 0,
            duplicates: 0,
            unmarked: false,
        }
    }

    /// Handles one message from the workers; `Break` when the scan must end here.
    pub fn take<E>(
        &mut self,
        msg: Msg,
        stop: &AtomicBool,
        visit: &mut dyn FnMut(Found) -> Result<ControlFlow<()>, E>,
    ) -> Result<ControlFlow<()>, E> {
        match msg {
            Msg::Batch { part, epoch, seq, cursor_after, found, scanned } => {
                if epoch < self.parts[part].epoch {
                    // Scanned on the old primary and still in flight when the part started
                    // again: the new scan covers these keys (those that survived the
                    // failover), so they are not delivered now.
                    self.parts[part].rescanned += scanned;
                    return Ok(ControlFlow::Continue(()));
                }
                self.parts[part].scanned += scanned;
                for mut item in found {
                    if stop.load(Ordering::Relaxed) {
                        self.end = ScanEnd::Interrupted;
                        return Ok(ControlFlow::Break(()));
                    }
                    if !self.mark(part, &mut item) {
                        continue;
                    }
                    if visit(item)?.is_break() {
                        self.end = ScanEnd::StoppedByVisitor;
                        return Ok(ControlFlow::Break(()));
                    }
                }
                let p = &mut self.parts[part];
                p.ahead.insert(seq, cursor_after);
                while let Some(cursor) = p.ahead.remove(&p.next_seq) {
                    self.cursors[part].cursor = cursor;
                    p.next_seq += 1;
                }
                self.check_done(part);
            }
            Msg::PartDone { part, epoch, batches } => {
                if epoch == self.parts[part].epoch {
                    self.parts[part].last_seq = Some(batches);
                    self.check_done(part);
                }
            }
            Msg::Restarted { part, epoch, node, addr, run_id } => {
                let p = &mut self.parts[part];
                p.epoch = epoch;
                p.rescanned += std::mem::take(&mut p.scanned);
                p.next_seq = 0;
                p.ahead.clear();
                p.last_seq = None;
                let seen = std::mem::take(&mut p.seen);
                p.before.extend(seen);
                p.before.sort_unstable();
                p.before.dedup();
                if p.overflow {
                    self.unmarked = true;
                }
                let cursor = &mut self.cursors[part];
                cursor.node = node;
                cursor.addr = addr;
                cursor.run_id = run_id;
                cursor.cursor = 0;
                cursor.done = false;
            }
            Msg::Failed(_) => unreachable!("the scan loop handles failures itself"),
        }
        Ok(ControlFlow::Continue(()))
    }

    /// Keys SCAN returned so far, over all parts and their restarts.
    pub fn keys_so_far(&self) -> u64 {
        self.parts.iter().map(|p| p.scanned + p.rescanned).sum()
    }

    fn check_done(&mut self, part: usize) {
        let p = &self.parts[part];
        if p.last_seq == Some(p.next_seq) {
            self.cursors[part].cursor = 0;
            self.cursors[part].done = true;
        }
    }

    /// Marks a session delivered before ([`crate::Session::repeat`]): SCAN returned
    /// it twice in this pass, or it came before a restart of its part. Returns false for
    /// anything else delivered before (a non-string key: reported once is enough).
    ///
    /// Keys are told apart by a 64-bit fingerprint keyed at random per run: two of a million
    /// keys share one with a chance of about 3 in 100 million, and then the second is still
    /// delivered, marked as a repeat (acted on, not counted).
    fn mark(&mut self, part: usize, item: &mut Found) -> bool {
        let key = match item {
            Found::Session(s) => &s.key,
            Found::NotString { key, .. } => key,
        };
        let fingerprint = self.hasher.hash_one(key);
        let p = &mut self.parts[part];
        let before = !p.before.is_empty() && p.before.binary_search(&fingerprint).is_ok();
        let again = if before {
            false
        } else if p.seen.len() + p.before.len() < FINGERPRINTS_PER_PART {
            !p.seen.insert(fingerprint)
        } else {
            p.overflow = true;
            self.unmarked = true;
            p.seen.contains(&fingerprint)
        };
        if !(before || again) {
            return true;
        }
        match item {
            Found::Session(s) => {
                s.repeat = true;
                if before {
                    self.repeats += 1;
                } else {
                    self.duplicates += 1;
                }
                true
            }
            Found::NotString { .. } => false,
        }
    }

    pub fn finish(self) -> ScanSummary {
        ScanSummary {
            end: self.end,
            scanned: self.parts.iter().map(|p| p.scanned).sum(),
            rescanned: self.parts.iter().map(|p| p.rescanned).sum(),
            repeats: self.repeats,
            duplicates: self.duplicates,
            repeats_unmarked: self.unmarked,
            state: ScanState { parts: self.cursors },
            ..ScanSummary::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::Session;

    fn session(key: &str) -> Found {
        Found::Session(Session {
            key: key.as_bytes().to_vec(),
            id: key.as_bytes().to_vec(),
            user: b"u".to_vec(),
            ttl_ms: None,
            expires_at_ms: None,
            repeat: false,
        })
    }

    fn batch(part: usize, epoch: u32, seq: u64, found: Vec<Found>) -> Msg {
        let scanned = found.len() as u64;
        Msg::Batch { part, epoch, seq, cursor_after: seq + 1, found, scanned }
    }

    /// What `take` delivers: (key, repeat) per session, and the non-string keys.
    fn deliver(delivery: &mut Delivery, msg: Msg) -> Vec<(String, bool)> {
        let mut seen = Vec::new();
        let stop = AtomicBool::new(false);
        let mut visit = |f: Found| -> Result<ControlFlow<()>, ()> {
            match f {
                Found::Session(s) => seen.push((String::from_utf8(s.key).unwrap(), s.repeat)),
                Found::NotString { key, .. } => seen.push((String::from_utf8(key).unwrap(), false)),
            }
            Ok(ControlFlow::Continue(()))
        };
        assert!(delivery.take(msg, &stop, &mut visit).unwrap().is_continue());
        seen
    }

    #[test]
    fn a_key_scan_returns_twice_in_one_pass_is_marked_a_repeat_and_counted_as_a_duplicate() {
        let mut delivery = Delivery::new(vec![PartCursor::default()]);
        let odd = || Found::NotString { key: b"h".to_vec(), redis_type: "hash".into() };
        let first = deliver(&mut delivery, batch(0, 0, 0, vec![session("a"), session("b"), odd()]));
        assert_eq!(first, [("a".into(), false), ("b".into(), false), ("h".into(), false)]);
        // SCAN returns b and the hash again (a table shrinking between two SCANs).
        let second = deliver(&mut delivery, batch(0, 0, 1, vec![session("b"), session("c"), odd()]));
        assert_eq!(second, [("b".into(), true), ("c".into(), false)], "the hash is reported once");
        let summary = delivery.finish();
        assert_eq!((summary.duplicates, summary.repeats, summary.scanned), (1, 0, 6));
    }

    #[test]
    fn keys_delivered_before_a_restart_come_again_as_repeats() {
        let mut delivery = Delivery::new(vec![PartCursor::default()]);
        deliver(&mut delivery, batch(0, 0, 0, vec![session("a"), session("b")]));
        let restarted =
            Msg::Restarted { part: 0, epoch: 1, node: "n".into(), addr: "x:1".into(), run_id: String::new() };
        deliver(&mut delivery, restarted);
        // A batch of the old epoch still in flight is dropped; the new epoch's keys are marked.
        assert!(deliver(&mut delivery, batch(0, 0, 1, vec![session("z")])).is_empty());
        let again = deliver(&mut delivery, batch(0, 1, 0, vec![session("b"), session("c")]));
        assert_eq!(again, [("b".into(), true), ("c".into(), false)]);
        let summary = delivery.finish();
        assert_eq!((summary.repeats, summary.duplicates), (1, 0));
    }
}
