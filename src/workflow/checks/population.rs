//! The population under the prefix, from `doctor`'s bounded sample: sessions, keys without a
//! TTL, malformed keys and keys of other types (exact when the sample covered every key).

use crate::output;
use sessctl_store::Population;

use super::check::Check;

/// `1234567` → `1,234,567`.
fn thousands(n: u64) -> String {
    output::thousands(n.into())
}

/// The share `part / whole` as a percentage with one decimal.
fn percent(part: u64, whole: u64) -> String {
    if whole == 0 {
        return "0%".into();
    }
    format!("{:.1}%", part as f64 * 100.0 / whole as f64)
}

/// The sample's strings by category (see `category.rs`).
#[derive(Debug, Default)]
pub(super) struct Tally {
    pub no_ttl: u64,
    pub malformed: u64,
}

/// How many sessions there are, how many lack a TTL, malformed keys and keys of other types
/// under the prefix, from a bounded sample (exact when it covered every key). Keys the ACL
/// does not let the user read are said to be unreadable, not absent.
pub(super) fn population_checks(prefix: &str, p: &Population, t: &Tally) -> Vec<Check> {
    let primaries = match p.primaries {
        1 => "1 primary".to_string(),
        n => format!("{n} primaries"),
    };
    let scope = if p.complete {
        format!("all {} keys of {primaries} examined", thousands(p.examined))
    } else {
        let total = p.keys.map(|k| format!(" of {}", thousands(k))).unwrap_or_default();
        format!("estimated from the first {}{total} keys SCAN returned on {primaries}", thousands(p.examined))
    };
    let estimate = |count: u64| -> String {
        match (p.complete, p.keys) {
            (true, _) => thousands(count),
            (false, Some(keys)) if p.examined > 0 => {
                format!("about {}", thousands((count as f64 * keys as f64 / p.examined as f64).round() as u64))
            }
            (false, _) => format!("at least {}", thousands(count)),
        }
    };
    let mut checks = Vec::new();
    if p.unreadable > 0 {
        // SCAN lists every key whatever the ACL; reading them is what the key patterns allow.
        checks.push(Check::fail(
            "sessions",
            format!(
                "{} key(s) under {prefix} cannot be read: the Redis user's ACL key patterns do not cover {prefix} ({}) ({scope})",
                estimate(p.unreadable),
                p.refusal.as_deref().map(output::safe_message).unwrap_or_default()
            ),
            format!("give the user the keys: ACL SETUSER <user> ~{prefix}* (or check --prefix (SESSCTL_PREFIX))"),
        ));
        return checks;
    }
    let sessions = format!("{} session key(s) under {prefix} ({scope})", estimate(p.strings));
    if p.under_prefix == 0 {
        let hint = if p.complete {
            "is --prefix (SESSCTL_PREFIX) the app's prefix, and the database in the URL the app's?"
        } else {
            "none in the sample: check --prefix (SESSCTL_PREFIX) and the database, or sample more with --sample"
        };
        checks.push(Check::warn("sessions", format!("no keys under {prefix} ({scope})"), hint));
        return checks;
    }
    checks.push(Check::ok("sessions", sessions));
    let sampled = if p.complete { "" } else { " in the sample" };
    let no_ttl = format!(
        "{} of {} sessions{sampled} have no TTL ({})",
        thousands(t.no_ttl),
        thousands(p.strings),
        percent(t.no_ttl, p.strings)
    );
    checks.push(if t.no_ttl == 0 {
        Check::ok("no-ttl", format!("every well-formed session{sampled} has a TTL"))
    } else {
        Check::warn(
            "no-ttl",
            no_ttl,
            "they never expire; `sessctl cleanup --no-ttl fix` gives them the session TTL (--dry-run first)",
        )
    });
    checks.push(if t.malformed == 0 {
        Check::ok("malformed", format!("every string under {prefix}{sampled} looks like a session of the app"))
    } else {
        Check::warn(
            "malformed",
            format!(
                "{} key(s) under {prefix}{sampled} are not sessions of the app (an id that is not a 43-character token, or an empty user)",
                estimate(t.malformed)
            ),
            "sessctl counts them (`sessctl stats`: malformed) and never changes or deletes them, with or without a TTL; look at them with redis-cli and remove them by hand if they are yours",
        )
    });
    checks.push(if p.non_string == 0 {
        Check::ok("non-string", format!("every key under {prefix} is a string"))
    } else {
        Check::warn(
            "non-string",
            format!("{} key(s) under {prefix} are not strings (hash, list, …)", estimate(p.non_string)),
            "another app may share the prefix; sessctl reports them and never touches them (`sessctl stats`)",
        )
    });
    checks
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_well() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(1234567), "1,234,567");
        assert_eq!(percent(1, 3), "33.3%");
        assert_eq!(percent(0, 0), "0%");
    }
}
