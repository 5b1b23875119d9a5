//! [`Pace`]: the scan's pacer for `--rate`, `--max-latency` and `--max-duration`.
//!
//! Each part's scanner asks it before every SCAN after its first, saying how many keys its
//! last SCAN returned; the pacer blocks until those keys fit the pace, or says stop.
//!
//! - A *rate* (keys per second, all parts together) is a schedule: every batch of `n` keys
//!   moves the time the next SCAN may start by `n / rate`. A scan that fell behind (a slow
//!   reply, a thread that waited for a CPU) catches up by at most one batch or [`CREDIT`] of
//!   the pace, whichever is more (the commands make a batch 5 ms of the pace up to 200k
//!   keys/s, so that is one batch there): never a burst beyond that, and a pace that a busy
//!   machine's scheduling jitter does not drag down.
//! - A *latency target* gives each part a schedule of its own, whose rate follows the
//!   latency of the part's probe (a `PING` on a separate connection every few ms, see
//!   [`crate::ScanRequest::probe_every`]): every [`WINDOW`], the round trips since the
//!   rate last changed (at least 150, at most the last [`HORIZON`]) are counted against the
//!   target. More than 1.5 % of them over it (at least two): the p99 is over, and the rate is
//!   cut to 70 % (multiplicative decrease), and the next decision waits for fresh samples
//!   ([`SETTLE`]); at most 1 % over 70 % of the target (the p99 under 70 % of it): the rate grows: by half per
//!   window until the first cut (slow start), then by a fixed step, 5 % of the rate at the
//!   last cut (additive increase); in between it holds. The rate never grows beyond half as
//!   much again as the part really went (a scan held back by Redis or the network does not
//!   earn credit). With a rate too, the rate caps the total.
//! - A *deadline* makes every part stop at its next SCAN once passed.
//!
//! Pure logic and clocks: no I/O.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use super::scan::Pacer;

/// How often a latency target is checked against the probe.
pub const WINDOW: Duration = Duration::from_millis(200);
/// The probe round trips a latency decision looks at: at most the last 2 s (about 2,000).
pub const HORIZON: Duration = Duration::from_secs(2);
/// After a cut, how long the samples must be all fresh before the next decision.
pub const SETTLE: Duration = Duration::from_millis(400);
/// The fewest round trips a decision is made on (one window's worth at the probe's pace).
const MIN_SAMPLES: usize = 150;
/// The most a rate schedule that fell behind catches up at once (with one batch, whichever
/// is more).
pub const CREDIT: Duration = Duration::from_millis(5);
/// How often the probe pings each primary.
pub const PROBE_EVERY: Duration = Duration::from_millis(1);
/// The pace a latency target starts each part at, in keys per second.
const START_RATE: f64 = 20_000.0;
/// The slowest pace a latency target goes to (keys per second per part): a server whose
/// latency is over the target even when the scan pauses still gets scanned, slowly.
pub const FLOOR_RATE: f64 = 200.0;
/// The longest single sleep, so a cancelled or timed-out scan is not held up.
const SLICE: Duration = Duration::from_millis(20);
/// Round trips kept per part (the probe sends about HORIZON / PROBE_EVERY = 2,000).
const KEPT_SAMPLES: usize = 4096;
/// The run's latency histogram: 10 µs buckets up to 100 ms, then one bucket for anything
/// longer.
const BUCKET_US: u64 = 10;
const BUCKETS: usize = 10_001;

/// What a [`Pace`] enforces.
#[derive(Debug, Clone, Copy, Default)]
pub struct PaceOptions {
    /// Keys per second in total.
    pub rate: Option<f64>,
    /// The 99th percentile of the probe's round trips to keep under.
    pub max_latency: Option<Duration>,
    /// Stop scanning once this has passed since [`Pace::new`].
    pub max_duration: Option<Duration>,
}

/// A rate schedule: when the next SCAN may start.
#[derive(Debug)]
struct Schedule {
    due: Option<Instant>,
}

impl Schedule {
    /// Books `keys` keys at `rate` and returns when the next SCAN may start.
    fn book(&mut self, now: Instant, keys: usize, rate: f64) -> Instant {
        let cost = Duration::from_secs_f64((keys as f64 / rate.max(1e-3)).min(3600.0));
        // Behind schedule by more than this batch (or CREDIT): catch up by that much only.
        let floor = now.checked_sub(cost.max(CREDIT)).unwrap_or(now);
        let due = match self.due {
            Some(due) if due > floor => due,
            _ => floor,
        } + cost;
        self.due = Some(due);
        due
    }
}

/// One part's adaptive pace (a latency target).
#[derive(Debug)]
struct Adaptive {
    rate: f64,
    schedule: Schedule,
    window_start: Option<Instant>,
    /// Keys the part scanned in this window.
    window_keys: u64,
    /// Probe round trips (µs) of the last HORIZON, oldest first, with when each came.
    recent: VecDeque<(Instant, u32)>,
    /// No decision before this (a cut's effect is being measured).
    settle_until: Option<Instant>,
    /// No cut yet.
    slow_start: bool,
    /// The additive step, set at each cut.
    step: f64,
}

impl Adaptive {
    fn new() -> Adaptive {
        Adaptive {
            rate: START_RATE,
            schedule: Schedule { due: None },
            window_start: None,
            window_keys: 0,
            recent: VecDeque::new(),
            settle_until: None,
            slow_start: true,
            step: START_RATE * 0.05,
        }
    }

    /// Records one probe round trip.
    fn observe(&mut self, at: Instant, us: u32) {
        if self.recent.len() >= KEPT_SAMPLES {
            self.recent.pop_front();
        }
        self.recent.push_back((at, us));
    }

    /// Adjusts the rate at the end of a window (AIMD on the p99 of the last HORIZON).
    fn adjust(&mut self, now: Instant, target: Duration) {
        let start = *self.window_start.get_or_insert(now);
        let took = now - start;
        if took < WINDOW || self.settle_until.is_some_and(|t| now < t) {
            return;
        }
        let oldest = now.checked_sub(HORIZON).unwrap_or(now);
        while self.recent.front().is_some_and(|(at, _)| *at < oldest) {
            self.recent.pop_front();
        }
        if self.recent.len() < MIN_SAMPLES {
            return;
        }
        // Counted rather than one percentile of a few round trips: with 150 of them the p99
        // is the second slowest, and on a machine whose CPUs are shared a stray spike or two
        // is common even with no scan at all.
        let n = self.recent.len();
        let limit = |t: Duration| t.as_micros().min(u32::MAX as u128) as u32;
        let (target_us, margin_us) = (limit(target), limit(target.mul_f64(0.7)));
        let over = self.recent.iter().filter(|(_, us)| *us > target_us).count();
        let near = self.recent.iter().filter(|(_, us)| *us > margin_us).count();
        let achieved = self.window_keys as f64 / took.as_secs_f64();
        // Over the target in more than 1.5 % of the round trips (at least two): the p99 is
        // clearly over it.
        if over >= 2 && over * 1000 > n * 15 {
            self.rate = (self.rate.min(achieved.max(FLOOR_RATE)) * 0.7).max(FLOOR_RATE);
            self.slow_start = false;
            self.step = (self.rate * 0.05).max(FLOOR_RATE);
            // Judge the cut on round trips measured after it.
            self.recent.clear();
            self.settle_until = Some(now + SETTLE);
        } else if near * 100 <= n {
            // The p99 is under 70 % of the target.
            let grown = if self.slow_start { self.rate * 1.5 } else { self.rate + self.step };
            // Only grow a pace the part really keeps up with.
            let grown = grown.min((achieved * 1.5).max(self.rate)).max(FLOOR_RATE);
            if grown > self.rate {
                self.rate = grown;
                // The next decision looks at the new pace only (round trips of the old,
                // slower one would let it grow past what the target allows).
                self.recent.clear();
            }
        }
        self.window_keys = 0;
        self.window_start = Some(now);
    }
}

/// The scan pacer (see the module's doc). Shared by every part's scanner and probe.
pub struct Pace {
    options: PaceOptions,
    started: Instant,
    deadline: Option<Instant>,
    global: Mutex<Schedule>,
    parts: Mutex<Vec<Adaptive>>,
    histogram: Mutex<Vec<u64>>,
    cancelled: AtomicBool,
    deadline_reached: AtomicBool,
    ended: Mutex<Option<Instant>>,
}

impl std::fmt::Debug for Pace {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pace").field("options", &self.options).finish()
    }
}

impl Pace {
    /// A pacer starting now (the deadline counts from here).
    pub fn new(options: PaceOptions) -> Pace {
        let started = Instant::now();
        Pace {
            options,
            started,
            deadline: options.max_duration.and_then(|d| started.checked_add(d)),
            // The first batch is charged from the start, like every other.
            global: Mutex::new(Schedule { due: Some(started) }),
            parts: Mutex::new(Vec::new()),
            histogram: Mutex::new(if options.max_latency.is_some() { vec![0; BUCKETS] } else { Vec::new() }),
            cancelled: AtomicBool::new(false),
            deadline_reached: AtomicBool::new(false),
            ended: Mutex::new(None),
        }
    }

    pub fn options(&self) -> PaceOptions {
        self.options
    }

    /// The probe interval a scan with this pacer should use (`Some` with a latency target).
    pub fn probe_every(&self) -> Option<Duration> {
        self.options.max_latency.map(|_| PROBE_EVERY)
    }

    /// The scan stopped because the deadline passed.
    pub fn deadline_reached(&self) -> bool {
        self.deadline_reached.load(Ordering::SeqCst)
    }

    /// From [`Pace::new`] to the end of the scan (or now, while it runs).
    pub fn elapsed(&self) -> Duration {
        let ended = self.ended.lock().map(|e| *e).unwrap_or(None);
        ended.unwrap_or_else(Instant::now) - self.started
    }

    /// The 99th percentile of every probe round trip of the scan (`None` without a latency
    /// target or before the first round trip), to 10 µs.
    pub fn observed_p99(&self) -> Option<Duration> {
        let histogram = self.histogram.lock().ok()?;
        let total: u64 = histogram.iter().sum();
        if total == 0 {
            return None;
        }
        let rank = ((0.99 * total as f64).ceil() as u64).max(1);
        let mut seen = 0;
        for (i, n) in histogram.iter().enumerate() {
            seen += n;
            if seen >= rank {
                return Some(Duration::from_micros((i as u64 + 1) * BUCKET_US));
            }
        }
        None
    }

    fn past_deadline(&self, now: Instant) -> bool {
        if self.deadline.is_some_and(|d| now >= d) {
            self.deadline_reached.store(true, Ordering::SeqCst);
            return true;
        }
        false
    }

    /// Sleeps until `until`, in slices; false when the scan was cancelled or the deadline
    /// came first.
    fn wait_until(&self, until: Instant) -> bool {
        loop {
            if self.cancelled.load(Ordering::SeqCst) {
                return false;
            }
            let now = Instant::now();
            if self.past_deadline(now) {
                return false;
            }
            if now >= until {
                return true;
            }
            let mut nap = (until - now).min(SLICE);
            if let Some(deadline) = self.deadline {
                nap = nap.min(deadline.saturating_duration_since(now) + Duration::from_micros(100));
            }
            std::thread::sleep(nap);
        }
    }
}

impl Pacer for Pace {
    fn pace(&self, part: usize, keys: usize, _latency: Duration) -> bool {
        let now = Instant::now();
        if self.cancelled.load(Ordering::SeqCst) || self.past_deadline(now) {
            return false;
        }
        let mut until = now;
        if let Some(target) = self.options.max_latency {
            let Ok(mut parts) = self.parts.lock() else { return false };
            if parts.len() <= part {
                parts.resize_with(part + 1, Adaptive::new);
            }
            let adaptive = &mut parts[part];
            adaptive.window_keys += keys as u64;
            adaptive.adjust(now, target);
            let rate = adaptive.rate;
            until = until.max(adaptive.schedule.book(now, keys, rate));
        }
        if let Some(rate) = self.options.rate {
            let Ok(mut global) = self.global.lock() else { return false };
            until = until.max(global.book(now, keys, rate));
        }
        self.wait_until(until)
    }

    fn observe(&self, part: usize, round_trip: Duration) {
        let us = round_trip.as_micros().min(u32::MAX as u128) as u32;
        if let Ok(mut parts) = self.parts.lock() {
            if parts.len() <= part {
                parts.resize_with(part + 1, Adaptive::new);
            }
            parts[part].observe(Instant::now(), us);
        }
        if let Ok(mut histogram) = self.histogram.lock() {
            if !histogram.is_empty() {
                let i = ((us as u64) / BUCKET_US).min(BUCKETS as u64 - 1) as usize;
                histogram[i] += 1;
            }
        }
    }

    fn cancel(&self) {
        self.cancelled.store(true, Ordering::SeqCst);
        if let Ok(mut ended) = self.ended.lock() {
            ended.get_or_insert_with(Instant::now);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_schedule_spaces_batches_by_their_cost_and_gives_bounded_credit() {
        let t0 = Instant::now();
        let mut s = Schedule { due: None };
        // 1,000 keys at 10,000/s cost 100 ms each.
        assert_eq!(s.book(t0, 1000, 10_000.0), t0);
        let second = s.book(t0, 1000, 10_000.0);
        assert_eq!(second - t0, Duration::from_millis(100));
        // Far behind: only this batch's worth of credit, no burst.
        let late = t0 + Duration::from_secs(10);
        assert_eq!(s.book(late, 1000, 10_000.0), late);
        assert_eq!(s.book(late, 1000, 10_000.0) - late, Duration::from_millis(100));
        // Small batches: the credit is CREDIT (5 ms), not one 1 ms batch.
        let mut s = Schedule { due: Some(t0) };
        let late = t0 + Duration::from_secs(1);
        assert_eq!(s.book(late, 100, 100_000.0), late - CREDIT + Duration::from_millis(1));
        for _ in 0..4 {
            s.book(late, 100, 100_000.0);
        }
        assert_eq!(s.book(late, 100, 100_000.0), late + Duration::from_millis(1), "5 ms caught up, then the pace");
    }

    /// One window: `n` round trips of `us` µs, then the decision with `keys` scanned.
    fn window(a: &mut Adaptive, at: Instant, n: usize, us: u32, keys: f64, target: Duration) {
        for i in 0..n {
            a.observe(at - WINDOW + WINDOW * i as u32 / n as u32, us);
        }
        a.window_keys = keys as u64;
        a.adjust(at, target);
    }

    #[test]
    fn a_latency_target_cuts_the_rate_when_exceeded_and_grows_it_when_clear() {
        let target = Duration::from_millis(1);
        let mut a = Adaptive::new();
        let t0 = Instant::now();
        a.window_start = Some(t0);
        // A clear window at a pace the part keeps up with: slow start grows by half.
        window(&mut a, t0 + WINDOW, 200, 100, START_RATE * 0.2, target);
        assert_eq!(a.rate, START_RATE * 1.5);
        // Over the target: cut to 70 % of what was achieved, slow start over.
        let t = t0 + WINDOW * 2;
        window(&mut a, t, 200, 2_000, START_RATE * 1.5 * 0.2, target);
        assert!((a.rate - START_RATE * 1.5 * 0.7).abs() < 1.0, "{}", a.rate);
        assert!(!a.slow_start);
        // While the cut settles, no decision, even on a spike.
        let cut = a.rate;
        window(&mut a, t + WINDOW, 200, 5_000, cut * 0.2, target);
        assert_eq!(a.rate, cut);
        // Fresh, clear round trips: additive growth by 5 % of the rate at the cut.
        let t = t + SETTLE + WINDOW;
        a.recent.clear();
        window(&mut a, t, 200, 100, cut * (SETTLE + WINDOW).as_secs_f64(), target);
        assert!((a.rate - cut * 1.05).abs() < 1.0, "{} vs {cut}", a.rate);
        // Between 70 % and 100 % of the target: hold.
        let held = a.rate;
        a.recent.clear();
        window(&mut a, t + WINDOW, 200, 800, held * 0.2, target);
        assert_eq!(a.rate, held);
        // One spike among many clear round trips of the horizon is not the p99: no cut.
        a.recent.clear();
        for i in 0..9 {
            window(&mut a, t + WINDOW * (2 + i), 200, 100, held * 0.2, target);
        }
        let before = a.rate;
        a.observe(t + WINDOW * 11, 50_000);
        window(&mut a, t + WINDOW * 11, 200, 100, before * 0.2, target);
        assert!(a.rate >= before, "a single spike cut the rate");
        // A part that does not keep up with its pace earns no growth beyond 1.5x of it.
        let kept = a.rate;
        window(&mut a, t + WINDOW * 12, 200, 100, 100.0, target);
        assert_eq!(a.rate, kept, "the rate was not used, so it does not grow");
    }

    #[test]
    fn the_deadline_stops_pacing_and_is_reported() {
        let pace = Pace::new(PaceOptions { max_duration: Some(Duration::from_millis(30)), ..Default::default() });
        assert!(pace.pace(0, 10, Duration::ZERO));
        std::thread::sleep(Duration::from_millis(40));
        assert!(!pace.pace(0, 10, Duration::ZERO));
        assert!(pace.deadline_reached());
    }

    #[test]
    fn cancel_ends_a_wait_at_once() {
        let pace = std::sync::Arc::new(Pace::new(PaceOptions { rate: Some(1.0), ..Default::default() }));
        assert!(pace.pace(0, 1, Duration::ZERO));
        let p = pace.clone();
        let waiter = std::thread::spawn(move || p.pace(0, 1000, Duration::ZERO));
        std::thread::sleep(Duration::from_millis(30));
        pace.cancel();
        assert!(!waiter.join().unwrap(), "a cancelled pacer says stop");
        assert!(!pace.deadline_reached());
    }

    #[test]
    fn the_run_p99_comes_from_every_round_trip() {
        let pace = Pace::new(PaceOptions { max_latency: Some(Duration::from_millis(1)), ..Default::default() });
        assert_eq!(pace.observed_p99(), None);
        for _ in 0..990 {
            pace.observe(0, Duration::from_micros(95));
        }
        for _ in 0..10 {
            pace.observe(1, Duration::from_millis(50));
        }
        assert_eq!(pace.observed_p99(), Some(Duration::from_micros(100)));
        pace.observe(1, Duration::from_millis(50));
        assert_eq!(pace.observed_p99(), Some(Duration::from_micros(50_010)));
    }
}
