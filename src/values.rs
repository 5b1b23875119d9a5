//! Typed parsers for every value a flag or an environment variable carries: counts, limits,
//! durations, TTLs, times, switches. One parser per kind of value, used by clap for the
//! flags (`value_parser = values::ttl`) and by `config` for the environment, so a value
//! means the same and is bounded the same wherever it comes from, and is refused (exit 2)
//! before anything connects to Redis.
//!
//! The bounds are what Redis and this process can represent: a TTL must fit `SET … EX` and
//! give an expiry date that RFC 3339 can write; a count must not ask for more memory than a
//! machine has. Messages say what is allowed, never echo more than a short excerpt of the
//! input (see [`crate::output::excerpt`]).

use std::time::Duration;

use time::format_description::well_known::Rfc3339;

/// One second.
const SECOND: Duration = Duration::from_secs(1);
/// 100 years (of 365.25 days), the longest TTL or age sessctl accepts. `SET … EX` takes up to
/// about 292 million years, but the expiry must also be a date RFC 3339 can write (year 9999),
/// and no app keeps a login for longer than this.
pub const MAX_LIFETIME: Duration = Duration::from_secs(100 * 31_557_600);
/// The longest `--timeout`: a day (a longer wait is a hung job, not a slow server).
pub const MAX_TIMEOUT: Duration = Duration::from_secs(86_400);
/// The most `--top` users `stats` ranks (and keeps in memory while ranking).
pub const MAX_TOP: usize = 10_000;
/// The most sessions one `mint` creates.
pub const MAX_MINT_COUNT: u64 = 10_000_000;
/// SCAN's COUNT hint range.
pub const SCAN_COUNT_RANGE: std::ops::RangeInclusive<u64> = 1..=100_000;

/// `--wait-replicas`: 0 to 100 replicas.
pub fn wait_replicas(text: &str) -> Result<u32, String> {
    in_range(text, 0..=100).map(|n| n as u32)
}

/// `--rate`: keys per second, all primaries together.
pub const RATE_RANGE: std::ops::RangeInclusive<u64> = 10..=10_000_000;
/// `--max-latency`: under 100 µs no server on a network can be held (a round trip on one
/// machine is about that); over 10 s is not a latency target but an outage.
pub const MAX_LATENCY_RANGE: (Duration, Duration) = (Duration::from_micros(100), Duration::from_secs(10));
/// `--max-duration`: from 10 ms to 30 days.
pub const MAX_DURATION_RANGE: (Duration, Duration) = (Duration::from_millis(10), Duration::from_secs(30 * 86_400));

const DURATION_EXAMPLES: &str = "examples: 7d, 36h, 90m, 30s";

/// A duration as humantime reads it (`7d`, `36h`, `90m`, `1h 30m`), without bounds.
pub fn duration(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    if text.is_empty() {
        return Err(format!("empty; give a duration ({DURATION_EXAMPLES})"));
    }
    if text.bytes().all(|b| b.is_ascii_digit()) {
        // humantime wants a unit; a bare number is ambiguous (seconds? days?).
        return Err(format!("a duration needs a unit ({DURATION_EXAMPLES})"));
    }
    humantime::parse_duration(text).map_err(|e| {
        let why = match e {
            humantime::DurationError::NumberOverflow => "too long".to_string(),
            other => other.to_string(),
        };
        format!("not a duration: {why} ({DURATION_EXAMPLES})")
    })
}

fn bounded(text: &str, min: Duration, max: Duration, max_words: &str) -> Result<Duration, String> {
    let d = duration(text)?;
    if d < min {
        return Err(format!("must be at least {}", humantime::format_duration(min)));
    }
    if d > max {
        return Err(format!("must be at most {max_words}"));
    }
    Ok(d)
}

/// The app's session lifetime (`--ttl`): whole seconds (what `SET … EX` takes), from 1s to
/// 100 years.
pub fn ttl(text: &str) -> Result<Duration, String> {
    let d = bounded(text, SECOND, MAX_LIFETIME, "100 years (100y)")?;
    if d.subsec_nanos() != 0 {
        return Err("must be a whole number of seconds (Redis stores TTLs in seconds)".into());
    }
    Ok(d)
}

/// A connect/reply timeout (`--timeout`): from 1ms to a day.
pub fn timeout(text: &str) -> Result<Duration, String> {
    bounded(text, Duration::from_millis(1), MAX_TIMEOUT, "a day (1d)")
}

/// An age as given on the command line: the duration, and the text as typed (echoed as is in
/// messages: `--max-age 8d`, not `8days`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Age {
    pub duration: Duration,
    pub text: String,
}

/// An age (`cleanup --max-age`): more than zero, at most 100 years. (Its relation to `--ttl`
/// is checked by the command, which knows both.) `0`, `00` and `0s` get the same message.
pub fn age(text: &str) -> Result<Age, String> {
    let zero = !text.trim().is_empty() && text.trim().bytes().all(|b| b == b'0');
    let d = if zero { Duration::ZERO } else { duration(text)? };
    if d.is_zero() {
        return Err(
            "0 would delete every session; give an age (30d), or use `sessctl revoke --all` to delete them all".into(),
        );
    }
    if d > MAX_LIFETIME {
        return Err("must be at most 100 years (100y)".into());
    }
    Ok(Age { duration: d, text: text.trim().to_string() })
}

fn integer(text: &str) -> Result<u64, String> {
    let t = text.trim();
    let t = t.strip_prefix('+').unwrap_or(t);
    if t.is_empty() || !t.bytes().all(|b| b.is_ascii_digit() || b == b'_') || t.starts_with('_') {
        return Err("not a whole number".into());
    }
    t.replace('_', "").parse::<u64>().map_err(|_| "too large".into())
}

fn in_range(text: &str, range: std::ops::RangeInclusive<u64>) -> Result<u64, String> {
    let n = integer(text)?;
    if !range.contains(&n) {
        return Err(format!("must be from {} to {}", range.start(), range.end()));
    }
    Ok(n)
}

/// `mint --count`: 1 to 10,000,000.
pub fn mint_count(text: &str) -> Result<u64, String> {
    in_range(text, 1..=MAX_MINT_COUNT)
}

/// `stats --top`: 0 to 10,000 users.
pub fn top(text: &str) -> Result<usize, String> {
    in_range(text, 0..=MAX_TOP as u64).map(|n| n as usize)
}

/// `gen-secret --bytes`: 32 to 1024 random bytes.
pub fn secret_bytes(text: &str) -> Result<u16, String> {
    in_range(text, 32..=1024).map(|n| n as u16)
}

/// `doctor --sample`: 1000 to 100,000,000 keys per primary.
pub fn sample(text: &str) -> Result<u64, String> {
    in_range(text, 1_000..=100_000_000)
}

/// `list --limit`: any count (0 lists nothing).
pub fn limit(text: &str) -> Result<u64, String> {
    integer(text)
}

/// `--scan-count`: SCAN's COUNT hint, 1 to 100,000.
pub fn scan_count(text: &str) -> Result<u32, String> {
    in_range(text, SCAN_COUNT_RANGE).map(|n| n as u32)
}

/// `--rate`: keys per second, 10 to 10,000,000 (`_` separators allowed, `50k` for 50,000).
pub fn rate(text: &str) -> Result<u64, String> {
    let t = text.trim();
    let (digits, times) = match t.strip_suffix(['k', 'K']) {
        Some(d) => (d, 1000),
        None => (t, 1),
    };
    let n = integer(digits)
        .map_err(|_| "not a number of keys per second (e.g. 20000 or 20k)".to_string())?
        .checked_mul(times)
        .ok_or("too large")?;
    if !RATE_RANGE.contains(&n) {
        return Err(format!("must be from {} to {} keys per second", RATE_RANGE.start(), RATE_RANGE.end()));
    }
    Ok(n)
}

/// `--max-latency`: from 100us to 10s (`1ms`, `500us`).
pub fn max_latency(text: &str) -> Result<Duration, String> {
    bounded(text, MAX_LATENCY_RANGE.0, MAX_LATENCY_RANGE.1, "10 seconds (10s)")
}

/// `--max-duration`: from 10ms to 30 days.
pub fn max_duration(text: &str) -> Result<Duration, String> {
    bounded(text, MAX_DURATION_RANGE.0, MAX_DURATION_RANGE.1, "30 days (30d)")
}

/// `--key-version`: an integer (Tornado's key versions are ints).
pub fn key_version(text: &str) -> Result<i64, String> {
    text.trim().parse::<i64>().map_err(|_| "not an integer key version (e.g. 0, 1, 2)".into())
}

/// A switch from the environment (`SESSCTL_CLUSTER=1`): 1/true/yes/on or 0/false/no/off.
pub fn switch(text: &str) -> Result<bool, String> {
    match text.trim().to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" | "on" | "y" => Ok(true),
        "0" | "false" | "no" | "off" | "n" | "" => Ok(false),
        _ => Err("not a switch; use 1 or 0 (true/false, yes/no, on/off)".into()),
    }
}

/// How to read the secret's text: `auto`, `text` or `ring`.
pub fn secret_format(text: &str) -> Result<sessctl_cookie::secret::SecretFormat, String> {
    use sessctl_cookie::secret::SecretFormat;
    match text.trim().to_ascii_lowercase().as_str() {
        "auto" => Ok(SecretFormat::Auto),
        "text" => Ok(SecretFormat::Text),
        "ring" => Ok(SecretFormat::Ring),
        _ => Err("not a secret format; use auto, text or ring".into()),
    }
}

/// A non-empty text (`--prefix`, `--cookie-name`).
pub fn name(text: &str) -> Result<String, String> {
    if text.is_empty() {
        return Err("empty".into());
    }
    Ok(text.to_string())
}

/// A point in time (`revoke --issued-before`), as seconds since the epoch: an RFC 3339 time
/// (`2026-11-01T00:00:00Z`), a date (`2026-11-01`, midnight UTC), or a duration meaning that
/// long before `now` (`6d`).
pub fn time_before(text: &str, now: f64) -> Result<f64, String> {
    let t = text.trim();
    if let Ok(at) = time::OffsetDateTime::parse(t, &Rfc3339) {
        return Ok(at.unix_timestamp() as f64 + f64::from(at.nanosecond()) / 1e9);
    }
    let date_format = time::macros::format_description!("[year]-[month]-[day]");
    if let Ok(date) = time::Date::parse(t, &date_format) {
        return Ok(date.midnight().assume_utc().unix_timestamp() as f64);
    }
    let looks_like_date = t.len() >= 8 && t.as_bytes()[..4].iter().all(u8::is_ascii_digit) && t.as_bytes()[4] == b'-';
    if looks_like_date {
        return Err("not a valid date or time; use 2026-11-01 (midnight UTC) or 2026-11-01T08:00:00Z".into());
    }
    match duration(t) {
        Ok(d) if d <= MAX_LIFETIME => Ok(now - d.as_secs_f64()),
        Ok(_) => Err("a duration of at most 100 years (100y)".into()),
        Err(_) => Err("neither a date (2026-11-01), an RFC 3339 time (2026-11-01T08:00:00Z) nor a duration meaning that long ago (6d, 12h)".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_are_bounded_by_what_redis_and_dates_hold() {
        assert_eq!(ttl("7d"), Ok(Duration::from_secs(604_800)));
        assert!(ttl("0s").is_err());
        assert!(ttl("1500ms").is_err(), "SET EX takes whole seconds");
        assert!(ttl("1000000y").unwrap_err().contains("100 years"));
        assert!(ttl("10000000000y").is_err());
        assert!(ttl("99999999999999999999999y").is_err());
        assert!(ttl("abc").is_err());
        assert!(ttl("7").unwrap_err().contains("unit"));
        assert!(timeout("0s").is_err());
        assert!(timeout("2d").is_err());
        assert_eq!(timeout("250ms"), Ok(Duration::from_millis(250)));
        assert!(age("0s").unwrap_err().contains("revoke --all"));
        assert_eq!(age("0"), age("0s"));
        assert_eq!(age(" 8d ").unwrap().text, "8d");
    }

    #[test]
    fn counts_are_bounded() {
        assert!(top("18446744073709551615").is_err());
        assert!(top("1000000000000").is_err());
        assert!(top("99999999999999999999999").is_err());
        assert_eq!(top("10"), Ok(10));
        assert_eq!(top("10_000"), Ok(10_000));
        assert!(top("-1").is_err());
        assert!(mint_count("0").is_err());
        assert_eq!(secret_bytes("5"), Err("must be from 32 to 1024".into()));
        assert_eq!(secret_bytes("1024"), Ok(1024));
        assert_eq!(limit("0"), Ok(0));
        assert!(scan_count("0").is_err());
        assert!(key_version("x").is_err());
        assert_eq!(key_version("-3"), Ok(-3));
    }

    #[test]
    fn paces_are_bounded() {
        assert_eq!(rate("20000"), Ok(20_000));
        assert_eq!(rate("20k"), Ok(20_000));
        assert_eq!(rate("1_000"), Ok(1_000));
        assert!(rate("0").unwrap_err().contains("from 10"));
        assert!(rate("-5").is_err());
        assert!(rate("1.5").is_err());
        assert!(rate("99999999999999999999k").is_err());
        assert!(rate("20000000").is_err());
        assert_eq!(max_latency("1ms"), Ok(Duration::from_millis(1)));
        assert_eq!(max_latency("500us"), Ok(Duration::from_micros(500)));
        assert!(max_latency("10us").unwrap_err().contains("at least 100us"));
        assert!(max_latency("1m").is_err());
        assert!(max_latency("5").unwrap_err().contains("unit"));
        assert_eq!(max_duration("10m"), Ok(Duration::from_secs(600)));
        assert!(max_duration("0s").is_err());
        assert!(max_duration("31d").is_err());
    }

    #[test]
    fn times_take_dates_rfc3339_and_durations_ago() {
        let now = 1_800_000_000.0;
        assert_eq!(time_before("2026-11-01", now), Ok(1_793_491_200.0));
        assert_eq!(time_before("2026-11-01T00:00:00Z", now), Ok(1_793_491_200.0));
        assert_eq!(time_before("6d", now), Ok(now - 6.0 * 86_400.0));
        assert!(time_before("2026-13-01", now).is_err());
        assert!(time_before("yesterday-ish", now).is_err());
    }

    #[test]
    fn switches() {
        assert_eq!(switch("1"), Ok(true));
        assert_eq!(switch("off"), Ok(false));
        assert!(switch("maybe").is_err());
    }
}
