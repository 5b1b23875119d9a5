//! Redis's checks: reachable (version), round trips, topology, TLS, what the user may run,
//! whether `--snapshot` can work, the replicas `WAIT` can wait for, and the population under the
//! prefix (see `population`).

use crate::cli::DoctorArgs;
use crate::config::Settings;
use crate::output;
use crate::workflow::category::{classify, Category};
use sessctl_store::{
    redact_url, AclVerdict, NodeProbe, Permission, ReplicationProbe, SampledString, Store, StoreError,
};

use super::check::{origin_note, Check};
use super::population::{population_checks, Tally};

/// Redis: reachable (version), round trips, topology, TLS, what the user may run, and the
/// population under the prefix. A check whose probe fails is a failure naming the error; checks
/// that depend on a failed one are left out.
pub fn redis_checks(settings: &Settings, args: &DoctorArgs) -> Vec<Check> {
    let urls: Vec<String> = settings.redis.urls.iter().map(|u| redact_url(u)).collect();
    let store = match Store::connect(settings.redis.clone()) {
        Ok(store) => store,
        Err(e) => {
            let hint = crate::workflow::hints::for_store(&e, Some(settings)).unwrap_or_else(|| {
                format!(
                    "check the URL ({}) and that the server is up; {}",
                    urls.join(", "),
                    crate::workflow::hints::url(Some(settings))
                )
            });
            return vec![Check::fail("redis", e.to_string(), hint), tls(&settings.redis.urls)];
        }
    };
    let mut checks = Vec::new();
    match store.probe_nodes(PINGS) {
        Ok(nodes) => {
            let mut check = reachable(&urls, &nodes);
            check.detail.push_str(&origin_note(settings, "redis_url"));
            checks.push(check);
            checks.push(latency(&nodes));
        }
        Err(e) => checks.push(probe_failed(settings, "redis", &e)),
    }
    checks.push(topology(&store));
    checks.push(tls(&settings.redis.urls));
    let scan_allowed = match store.probe_permissions() {
        Ok(permissions) => {
            let allowed = permissions.iter().any(|p| p.command == "SCAN" && p.refused.is_none());
            checks.push(permissions_check(&permissions, &settings.prefix));
            allowed
        }
        Err(e) => {
            checks.push(probe_failed(settings, "permissions", &e));
            false
        }
    };
    match store.probe_replication() {
        Ok(probes) => {
            checks.push(snapshot_check(&probes));
            checks.push(replicas_check(&probes));
        }
        Err(e) => checks.push(probe_failed(settings, "snapshot", &e)),
    }
    if scan_allowed {
        // Each string is classified as stats and cleanup classify it (category.rs).
        let mut tally = Tally::default();
        let prefix_len = settings.prefix.len();
        let mut visit =
            |key: SampledString<'_>| match classify(&key.key[prefix_len.min(key.key.len())..], key.len, key.ttl_ms) {
                Category::Malformed => tally.malformed += 1,
                Category::NoTtl => tally.no_ttl += 1,
                Category::Expiring => {}
            };
        match store.sample_population(args.sample, &mut visit) {
            Ok(population) => checks.extend(population_checks(&settings.prefix, &population, &tally)),
            Err(e) => checks.push(probe_failed(settings, "sessions", &e)),
        }
    }
    checks
}

/// PINGs timed per primary.
const PINGS: usize = 5;

/// A median round trip above this makes every scan batch and pipeline slow.
const SLOW_ROUND_TRIP: std::time::Duration = std::time::Duration::from_millis(50);

fn probe_failed(settings: &Settings, check: &'static str, error: &StoreError) -> Check {
    let hint = crate::workflow::hints::for_store(error, Some(settings))
        .unwrap_or_else(|| "run `sessctl doctor` again; check the server's log".into());
    Check::fail(check, error.to_string(), hint)
}

/// Connected, and the server's version.
fn reachable(urls: &[String], nodes: &[NodeProbe]) -> Check {
    // As the server names itself: `Redis 7.0.15`, `Valkey 8.1.8`.
    let mut versions: Vec<String> =
        nodes.iter().filter_map(|n| n.version.as_ref()).map(|(p, v)| format!("{p} {v}")).collect();
    versions.sort_unstable();
    versions.dedup();
    let version = match versions.as_slice() {
        [] => "version unknown (INFO refused)".to_string(),
        [one] => output::safe_message(one),
        many => format!("{} (the primaries differ)", output::safe_message(&many.join(", "))),
    };
    let detail = format!("{version}, connected to {}", urls.join(", "));
    let old = nodes
        .iter()
        .filter_map(|n| n.version.as_ref())
        .filter(|(product, _)| product == "Redis")
        .map(|(_, v)| v)
        .find(|v| v.split('.').next().and_then(|m| m.parse::<u32>().ok()).is_some_and(|m| m < 6));
    if let Some(refused) = nodes.iter().find_map(|n| n.info_refused.as_deref()) {
        return Check::warn(
            "redis",
            format!("{detail}; INFO refused ({refused})"),
            "without INFO sessctl cannot tell a cluster node: allow +info for the user, or pass --cluster (SESSCTL_CLUSTER=1) for a cluster",
        );
    }
    match old {
        Some(v) => Check::warn(
            "redis",
            detail,
            format!("Redis {v} is past its end of life and lacks ACL users; upgrade to 6.2 or later"),
        ),
        None => Check::ok("redis", detail),
    }
}

/// Round trips: the median of each primary, the slowest shown.
fn latency(nodes: &[NodeProbe]) -> Check {
    let median = |n: &NodeProbe| {
        let mut t = n.round_trips.clone();
        t.sort_unstable();
        t.get(t.len() / 2).copied().unwrap_or_default()
    };
    let Some(slowest) = nodes.iter().max_by_key(|n| median(n)) else {
        return Check::ok("latency", "no primary to ping");
    };
    let worst = nodes.iter().flat_map(|n| n.round_trips.iter()).max().copied().unwrap_or_default();
    let ms = |d: std::time::Duration| format!("{:.2} ms", d.as_secs_f64() * 1000.0);
    let detail = format!(
        "round trip {} median, {} max ({PINGS} PINGs per primary{})",
        ms(median(slowest)),
        ms(worst),
        if nodes.len() > 1 { format!("; slowest primary {}", slowest.addr) } else { String::new() }
    );
    if median(slowest) > SLOW_ROUND_TRIP {
        Check::warn(
            "latency",
            detail,
            "every SCAN batch and pipeline waits one round trip, so scans of many keys will be slow; run sessctl close to Redis",
        )
    } else {
        Check::ok("latency", detail)
    }
}

/// The sessctl commands that need each Redis command.
fn needed_by(command: &str) -> &'static str {
    match command {
        "SCAN" => "list, stats, cleanup, revoke --user/--all",
        "GET" | "PTTL" | "TYPE" => "verify, list, stats, cleanup, revoke",
        "SCRIPT LOAD" | "EVALSHA" | "DEL" => "revoke, cleanup (compare-and-delete script)",
        "EXPIRE" => "cleanup --no-ttl fix",
        "SET" => "mint",
        _ => "sessctl",
    }
}

fn permissions_check(permissions: &[Permission], prefix: &str) -> Check {
    const NAME: &str = "permissions";
    let names: Vec<&str> = permissions.iter().map(|p| p.command).collect();
    let refused: Vec<&Permission> = permissions.iter().filter(|p| p.refused.is_some()).collect();
    if refused.is_empty() {
        return Check::ok(NAME, format!("the user may run {} (tried without changing data)", names.join(", ")));
    }
    let detail: Vec<String> = refused
        .iter()
        .map(|p| {
            format!(
                "{} refused ({}), needed by {}",
                p.command,
                p.refused.as_deref().unwrap_or(""),
                needed_by(p.command)
            )
        })
        .collect();
    // "No permissions to access a key" (Redis 7.2, Valkey), "no permissions to access one of
    // the keys" (Redis 7.0): the command is allowed, its key is not (the ACL's key patterns,
    // ~pattern); anything else refuses the command itself.
    let on_key = |p: &&Permission| {
        p.refused.as_deref().is_some_and(|r| r.to_ascii_lowercase().contains("permissions to access"))
    };
    let grant: Vec<String> = refused
        .iter()
        .filter(|p| !on_key(p))
        .map(|p| format!("+{}", p.command.to_lowercase().replace(' ', "|")))
        .collect();
    let hint = if grant.is_empty() {
        format!("the Redis user's key patterns do not cover the prefix: ACL SETUSER <user> ~{prefix}*")
    } else {
        format!(
            "grant them to the Redis user (ACL SETUSER <user> {}) and make its key patterns cover the prefix (~{prefix}*)",
            grant.join(" ")
        )
    };
    Check::fail(NAME, detail.join("; "), hint)
}

/// Whether `--snapshot` can work: SYNC and REPLCONF exist on every primary (not renamed or
/// removed, as managed services do) and the ACL lets this user run them. Found with COMMAND
/// INFO and ACL DRYRUN; no transfer is started.
fn snapshot_check(probes: &[ReplicationProbe]) -> Check {
    const NAME: &str = "snapshot";
    const SCAN_INSTEAD: &str =
        "--snapshot cannot work here; leave it out (the commands scan instead), or read a dump the service exports with --rdb";
    for probe in probes {
        match &probe.missing {
            Ok(missing) if !missing.is_empty() => {
                return Check::warn(
                    NAME,
                    format!(
                        "{}: the server has no {} (renamed or removed, as managed services do): no snapshot",
                        probe.addr,
                        missing.join(" or ")
                    ),
                    SCAN_INSTEAD,
                )
            }
            Ok(_) => {}
            Err(refused) => return Check::warn(
                NAME,
                format!("{}: cannot tell whether SYNC is there: COMMAND INFO refused ({refused})", probe.addr),
                "allow +command|info to the user to know; `sessctl list --count --snapshot` tries, changing nothing",
            ),
        }
    }
    for probe in probes {
        match &probe.acl {
            AclVerdict::Allowed => {}
            AclVerdict::Denied { command, reason } => {
                return Check::warn(
                    NAME,
                    format!("{}: the ACL refuses {command} to this user ({reason}): no snapshot", probe.addr),
                    "grant +sync +replconf to the user (ACL SETUSER <user> +sync +replconf) for --snapshot, or leave --snapshot out (the commands scan instead)",
                )
            }
            AclVerdict::Unknown(why) => {
                return Check::warn(
                    NAME,
                    format!(
                        "{}: SYNC and REPLCONF are there; whether this user may run them is unknown ({why})",
                        probe.addr
                    ),
                    "`sessctl list --count --snapshot` tries, changing nothing; allow +acl|dryrun to the user to know here",
                )
            }
        }
    }
    Check::ok(
        NAME,
        format!(
            "--snapshot possible: SYNC and REPLCONF are there and the ACL allows them on {} (COMMAND INFO, ACL DRYRUN; no transfer started)",
            primaries(probes.len())
        ),
    )
}

/// Replicas connected to each primary (`INFO replication`): what `WAIT` can wait for.
fn replicas_check(probes: &[ReplicationProbe]) -> Check {
    const NAME: &str = "replicas";
    if let Some(probe) = probes.iter().find(|p| p.replicas.is_none()) {
        return Check::warn(
            NAME,
            format!("{}: INFO replication refused: cannot tell whether replicas exist for WAIT", probe.addr),
            "allow +info to the user",
        );
    }
    let counts: Vec<u64> = probes.iter().filter_map(|p| p.replicas).collect();
    let fewest = counts.iter().copied().min().unwrap_or(0);
    let most = counts.iter().copied().max().unwrap_or(0);
    let per = if probes.len() > 1 { " per primary" } else { "" };
    if most == 0 {
        return Check::ok(
            NAME,
            format!("no replica connected to {}: WAIT has none to wait for (--wait-replicas defaults to 0); a deletion lives on the primary alone until it is saved", primaries(probes.len())),
        );
    }
    let range = if fewest == most { fewest.to_string() } else { format!("{fewest} to {most}") };
    Check::ok(
        NAME,
        format!("{range} replica(s) connected{per} (INFO replication): WAIT can confirm writes reached them (--wait-replicas defaults to 1)"),
    )
}

/// "the primary" or "each of the 3 primaries".
fn primaries(n: usize) -> String {
    if n == 1 {
        "the primary".into()
    } else {
        format!("each of the {n} primaries")
    }
}

fn topology(store: &Store) -> Check {
    let nodes = store.nodes();
    if store.is_cluster() {
        Check::ok("topology", format!("cluster of {} primaries: {}", nodes.len(), nodes.join(", ")))
    } else if store.is_sentinel() {
        Check::ok("topology", format!("primary {} from Sentinel", nodes.join(", ")))
    } else {
        Check::ok("topology", format!("standalone server at {}", nodes.join(", ")))
    }
}

/// Whether the connection is encrypted where it crosses a network.
fn tls(urls: &[String]) -> Check {
    const NAME: &str = "tls";
    let mut plain_remote = Vec::new();
    let mut unverified = Vec::new();
    let mut encrypted = 0;
    for url in urls {
        let (scheme, rest) = url.split_once("://").unwrap_or(("redis", url));
        let scheme = scheme.to_ascii_lowercase();
        if scheme.starts_with("rediss") {
            encrypted += 1;
            if url.ends_with("#insecure") {
                unverified.push(redact_url(url));
            }
        } else if scheme.starts_with("redis") && !is_loopback(host_of(rest)) {
            plain_remote.push(redact_url(url));
        }
    }
    if !unverified.is_empty() {
        return Check::warn(
            NAME,
            format!("TLS without certificate verification (#insecure): {}", unverified.join(", ")),
            "drop #insecure and give the CA that signed the server's certificate with --tls-ca (SESSCTL_TLS_CA)",
        );
    }
    if !plain_remote.is_empty() {
        return Check::warn(
            NAME,
            format!(
                "plain TCP across the network: {} (the password and session ids travel unencrypted)",
                plain_remote.join(", ")
            ),
            "use rediss:// if the server offers TLS (tls-port), with --tls-ca for its CA",
        );
    }
    if encrypted > 0 {
        Check::ok(NAME, "TLS (rediss://) with certificate verification")
    } else {
        Check::ok(NAME, "not encrypted, but the server is on this machine (loopback or Unix socket)")
    }
}

/// The host of a URL's authority (after the scheme).
fn host_of(rest: &str) -> &str {
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    if let Some(v6) = host_port.strip_prefix('[') {
        return v6.split(']').next().unwrap_or("");
    }
    host_port.split(',').next().unwrap_or("").split(':').next().unwrap_or("")
}

fn is_loopback(host: &str) -> bool {
    host.eq_ignore_ascii_case("localhost") || host.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::super::Status;
    use super::*;
    #[test]
    fn hosts_are_read_from_urls() {
        assert_eq!(host_of("127.0.0.1:6379/0"), "127.0.0.1");
        assert_eq!(host_of(":pw@redis.internal:6379/0"), "redis.internal");
        assert_eq!(host_of("user:p@ss@[::1]:6379"), "::1");
        assert_eq!(host_of("localhost"), "localhost");
        assert!(is_loopback("::1") && is_loopback("127.0.0.2") && is_loopback("LOCALHOST"));
        assert!(!is_loopback("10.0.0.1"));
    }

    #[test]
    fn tls_warns_about_plain_text_across_a_network() {
        assert_eq!(tls(&["redis://127.0.0.1:6379/0".into()]).status, Status::Ok);
        assert_eq!(tls(&["unix:///run/redis.sock".into()]).status, Status::Ok);
        assert_eq!(tls(&["rediss://redis.internal:6380".into()]).status, Status::Ok);
        let plain = tls(&["redis://:hunter2@redis.internal:6379/0".into()]);
        assert_eq!(plain.status, Status::Warn);
        assert!(!plain.detail.contains("hunter2"), "{}", plain.detail);
        assert_eq!(tls(&["rediss://h:1/0#insecure".into()]).status, Status::Warn);
    }
}
