//! What to change on sessctl's command line when the store fails. The store's errors say
//! what went wrong; these hints name the flags and environment variables (the library knows
//! nothing of them).

use sessctl_store::{AuthProblem, NetCause, ServerErrorKind, StoreError, TlsFile, TlsProblem, TopologyError};

use crate::config::{setting_source, Origin, Settings};

/// What to change for the Redis URL, by where this run's URL came from: the flag, the
/// variable, or the profile's `redis_url` (named with its file); both the flag and the
/// variable for the default.
pub(crate) fn url(settings: Option<&Settings>) -> String {
    match settings.and_then(|s| s.origin_of("redis_url")) {
        Some(Origin::Flag(_)) => "fix --redis-url".into(),
        Some(Origin::Env(var)) => format!("fix {var} (or give --redis-url)"),
        Some(Origin::Profile(_)) => format!(
            "fix {} (or override it with --redis-url or SESSCTL_REDIS_URL)",
            setting_source(settings, "redis_url", "--redis-url", "SESSCTL_REDIS_URL")
        ),
        Some(Origin::Default) | None => "set SESSCTL_REDIS_URL or --redis-url".into(),
    }
}

/// Where the Redis URL came from, in a parenthesis: `(SESSCTL_REDIS_URL)`, `(--redis-url)`,
/// `(redis_url in profile "prod" of "/etc/sessctl.toml")`.
fn url_source(settings: Option<&Settings>) -> String {
    setting_source(settings, "redis_url", "--redis-url", "SESSCTL_REDIS_URL")
}

/// How to stop asking for a cluster: drop the flag, unset the variable, or take `cluster = true`
/// out of the profile.
fn drop_cluster(settings: Option<&Settings>) -> String {
    match settings.and_then(|s| s.origin_of("cluster")) {
        Some(Origin::Flag(_)) => "drop --cluster".into(),
        Some(Origin::Env(var)) => format!("unset {var}"),
        Some(Origin::Profile(name)) => {
            let file = settings
                .and_then(|s| s.profile.as_ref())
                .map(|p| format!(" of {}", crate::output::path(&p.file)))
                .unwrap_or_default();
            format!(
                "remove cluster = true from profile {}{file} (or override it with SESSCTL_CLUSTER=0)",
                crate::output::excerpt(name.as_bytes())
            )
        }
        Some(Origin::Default) | None => "drop --cluster (SESSCTL_CLUSTER)".into(),
    }
}

/// The hint for a store error, if there is one worth giving.
pub(crate) fn for_store(error: &StoreError, settings: Option<&Settings>) -> Option<String> {
    let url = url(settings);
    let url = url.as_str();
    let hint = match error {
        StoreError::Url { .. } => url.into(),
        StoreError::TlsFile { which, .. } => match which {
            TlsFile::Ca => format!("check {}", setting_source(settings, "tls_ca", "--tls-ca", "SESSCTL_TLS_CA")),
            TlsFile::Cert => format!(
                "check {}; it goes with --tls-key",
                setting_source(settings, "tls_cert", "--tls-cert", "SESSCTL_TLS_CERT")
            ),
            TlsFile::Key => format!(
                "check {}; it goes with --tls-cert",
                setting_source(settings, "tls_key", "--tls-key", "SESSCTL_TLS_KEY")
            ),
        },
        StoreError::Unreachable { cause, .. } => match cause {
            NetCause::Refused | NetCause::NoSuchFile => format!("is redis-server running? {url}"),
            NetCause::TimedOut => format!("check the host, port and firewall, or raise --timeout; {url}"),
            NetCause::PermissionDenied => "check the socket file's permissions".into(),
            NetCause::Closed | NetCause::Reset => format!("if the server expects TLS use a rediss:// URL; {url}"),
            NetCause::Other(_) => format!("check the address; {url}"),
            _ => return None,
        },
        StoreError::Resolve { .. } => format!("check the host in the Redis URL; {url}"),
        StoreError::Tls { problem, .. } => match problem {
            TlsProblem::UntrustedCertificate(_) => "pass the CA that signed the server's certificate with --tls-ca (SESSCTL_TLS_CA), or add #insecure to the URL to skip verification (unsafe)".into(),
            TlsProblem::NotTls(_) => "TLS is the likely cause: is TLS enabled on that port? use redis:// for a plain connection".into(),
            TlsProblem::BadServerName(_) => "use a host name or IP address in the Redis URL".into(),
            TlsProblem::ClientCertificateRequired => "give a client certificate with --tls-cert and --tls-key (SESSCTL_TLS_CERT, SESSCTL_TLS_KEY)".into(),
            TlsProblem::ClientCertificateRefused(_) => "the server does not trust --tls-cert (SESSCTL_TLS_CERT): use one signed by the CA in the server's tls-ca-cert-file".into(),
            TlsProblem::Other(_) => "check the server's TLS settings".into(),
            _ => return None,
        },
        StoreError::Auth { problem, .. } => match problem {
            AuthProblem::Rejected(_) => format!("check the user and password in the Redis URL ({})", url_source(settings)),
            AuthProblem::PasswordRequired => "put it in the Redis URL (redis://:PASSWORD@host:port/0 or redis://USER:PASSWORD@host:port/0)".into(),
            AuthProblem::NoPasswordSet => "remove the password from the Redis URL or set one on the server".into(),
            AuthProblem::Other(_) => return None,
            _ => return None,
        },
        StoreError::NoDatabase { .. } => "fix the /DB part of the Redis URL".into(),
        StoreError::Lost { .. } => "check that the server is up and reachable, then run the command again".into(),
        StoreError::NoAnswer { .. } => "the server may be overloaded or blocked (check SLOWLOG and INFO), or raise --timeout".into(),
        StoreError::Refused { error, command, .. } => match error.kind {
            ServerErrorKind::NoPerm => format!("the Redis user needs permission for {command} (ACL)"),
            ServerErrorKind::NoAuth => "put the password in the Redis URL (redis://:PASSWORD@host:port/0)".into(),
            _ => return None,
        },
        StoreError::Unavailable { error, .. } => match error.kind {
            ServerErrorKind::Loading => "Redis is loading its data; run the command again when it is done, or raise --retry-deadline".into(),
            _ => "the failover or recovery did not finish in time; check the cluster or Sentinel, or raise --retry-deadline (SESSCTL_RETRY_DEADLINE)".into(),
        },
        StoreError::UnexpectedReply { .. } | StoreError::Protocol { .. } => return None,
        StoreError::Unconfirmed { .. } => "a failover could undo them; run the same command again to finish the job (it repeats nothing that was confirmed), or check the replicas (INFO replication); --wait-replicas 0 (SESSCTL_WAIT_REPLICAS) writes without waiting".into(),
        StoreError::Topology(problem) => match problem {
            TopologyError::NotACluster { .. } => drop_cluster(settings),
            TopologyError::DatabaseInCluster { db, .. } => format!("remove /{db} from the Redis URL"),
            TopologyError::NoPrimaries { .. } | TopologyError::SlotNotServed { .. } => {
                "check the cluster (redis-cli --cluster check)".into()
            }
            TopologyError::KeepsRedirecting { .. } => "run the command again when the resharding is done".into(),
            TopologyError::NoSentinel { .. } => format!("check the Sentinel addresses in the redis+sentinel:// URL and SESSCTL_SENTINEL_PASSWORD; {url}"),
            TopologyError::SentinelRefused { .. } => "set SESSCTL_SENTINEL_PASSWORD to the Sentinels' password (the user info in the redis+sentinel:// URL is the primary's)".into(),
            TopologyError::UnknownMaster { .. } => "check the primary's name in the redis+sentinel:// URL (SENTINEL MASTERS lists them)".into(),
            TopologyError::NotPrimary { .. } => "the Sentinels may be switching primaries; run the command again".into(),
            _ => return None,
        },
        StoreError::NoSeed { first, .. } => return for_store(first, settings),
        StoreError::Dump { .. } => "check that the file is a whole RDB dump (redis-cli --rdb FILE makes one)".into(),
        StoreError::SnapshotRefused { .. } => {
            "nothing was changed; run the command without --snapshot to scan instead (managed services, ACLs without +sync/+psync and renamed SYNC commands allow no snapshot)".into()
        }
        StoreError::Snapshot { .. } => "run the command again, or without --snapshot to scan instead".into(),
        _ => return None,
    };
    Some(hint)
}

#[cfg(test)]
mod tests {
    use super::*;
    use sessctl_store::ServerError;

    #[test]
    fn every_hint_is_one_line_and_errors_carry_none() {
        let errors = [
            StoreError::Unreachable { addr: "h:1".into(), cause: NetCause::Refused },
            StoreError::Tls { addr: "h:1".into(), problem: TlsProblem::NotTls("x".into()) },
            StoreError::Tls { addr: "h:1".into(), problem: TlsProblem::ClientCertificateRequired },
            StoreError::Refused {
                addr: "h:1".into(),
                command: "SCRIPT LOAD".into(),
                error: ServerError::parse("NOPERM no"),
            },
            StoreError::Unavailable {
                addr: "h:1".into(),
                error: ServerError::parse("CLUSTERDOWN The cluster is down"),
                waited: std::time::Duration::from_secs(30),
            },
        ];
        for error in errors {
            let text = error.to_string();
            assert!(!text.contains("--") && !text.contains("SESSCTL_"), "the library names no flags: {text}");
            let hint = for_store(&error, None).unwrap();
            assert!(!hint.contains('\n'), "{hint}");
        }
    }
}
