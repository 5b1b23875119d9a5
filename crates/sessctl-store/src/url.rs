//! Redis URLs: `redis://`, `rediss://` and `unix://` as redis-rs reads them (so they mean what
//! they mean everywhere else), and `redis+sentinel://` / `rediss+sentinel://`, which redis-rs
//! does not read, parsed here. Also the redaction of passwords for messages, and the splitting
//! of a list of URLs (where a Sentinel URL's commas separate its Sentinels, not URLs).

use super::error::StoreError;
use super::wire::{Addr, Endpoint, Limits};

/// The Sentinel port when a URL gives none.
pub const SENTINEL_PORT: u16 = 26379;

/// What one URL points at.
#[derive(Debug, Clone)]
pub(crate) enum Target {
    /// A Redis server (standalone, or a cluster seed).
    Direct(Endpoint),
    /// The primary Sentinel knows by `master`; `primary` holds its credentials, database and
    /// TLS (the address is filled in from the Sentinels' answer).
    Sentinel { sentinels: Vec<Endpoint>, master: String, primary: Endpoint },
}

/// How TLS is wanted by a URL: not at all, verified, or `#insecure`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TlsWanted {
    No,
    Verified,
    Insecure,
}

/// Parses one URL. `tls` makes the rustls configuration (verified or insecure) on demand.
pub(crate) fn parse(
    url: &str,
    limits: Limits,
    sentinel_password: Option<&str>,
    tls: &mut dyn FnMut(bool) -> Result<std::sync::Arc<rustls::ClientConfig>, StoreError>,
) -> Result<Target, StoreError> {
    let bad = |problem: &str| StoreError::Url { url: redact_url(url), problem: problem.to_string() };
    let scheme = url.split_once("://").map(|(s, _)| s.to_ascii_lowercase());
    match scheme.as_deref() {
        Some("redis+sentinel" | "rediss+sentinel") => parse_sentinel(url, limits, sentinel_password, tls),
        Some("redis" | "rediss" | "unix" | "valkey" | "valkeys" | "redis+unix" | "valkey+unix") => {
            parse_direct(url, limits, tls).map(Target::Direct)
        }
        _ => Err(bad(
            "expected redis://[user:password@]host:port/db, rediss://… (TLS), unix:///path/to/redis.sock or redis+sentinel://host:port[,host:port…]/primary-name[/db]",
        )),
    }
}

fn parse_direct(
    url: &str,
    limits: Limits,
    tls: &mut dyn FnMut(bool) -> Result<std::sync::Arc<rustls::ClientConfig>, StoreError>,
) -> Result<Endpoint, StoreError> {
    use redis::IntoConnectionInfo;
    let bad = |problem: String| StoreError::Url { url: redact_url(url), problem };
    let info = url.into_connection_info().map_err(|e| bad(redis_rs_problem(url, &e)))?;
    let redis = info.redis_settings();
    let (addr, tls) = match info.addr() {
        redis::ConnectionAddr::Tcp(host, port) => (Addr::Tcp { host: host.clone(), port: *port }, None),
        redis::ConnectionAddr::TcpTls { host, port, insecure, .. } => {
            (Addr::Tcp { host: host.clone(), port: *port }, Some(tls(*insecure)?))
        }
        redis::ConnectionAddr::Unix(path) => (Addr::Unix(path.clone()), None),
        _ => return Err(bad("unsupported kind of address".into())),
    };
    if redis.db() < 0 {
        return Err(bad(format!("the database number {} is negative", redis.db())));
    }
    Ok(Endpoint {
        addr,
        tls,
        username: redis.username().map(str::to_string),
        password: redis.password().map(str::to_string),
        db: redis.db(),
        limits,
    })
}

/// redis-rs's reason, in words (its messages end in an error-kind name such as
/// "InvalidClientConfig", which means nothing to a user).
fn redis_rs_problem(url: &str, error: &redis::RedisError) -> String {
    let text = error.to_string();
    let reason = text.split(" - ").next().unwrap_or(&text);
    match reason {
        "Invalid database number" => {
            let path = url.split_once("://").map(|(_, rest)| rest).unwrap_or(url);
            let db = path
                .split(['#', '?'])
                .next()
                .and_then(|p| p.split_once('/'))
                .map(|(_, db)| db.trim_matches('/'))
                .unwrap_or_default();
            if url.starts_with("unix") {
                "the database (?db=) is not a number".to_string()
            } else {
                format!("the database {db:?} is not a number (the path of the URL is the database: /0, /1, …)")
            }
        }
        "Missing hostname" => "no host in it".into(),
        "Missing path" => "no socket path in it (unix:///path/to/redis.sock)".into(),
        "Redis URL did not parse" => "it does not parse as a URL (check for spaces and stray characters)".into(),
        "only #insecure is supported as URL fragment" => "only #insecure may follow the # in a rediss:// URL".into(),
        "Cannot connect to a wildcard address (0.0.0.0 or ::)" => {
            "0.0.0.0 and :: are addresses to listen on, not to connect to".into()
        }
        "Username is not valid UTF-8 string" | "Password is not valid UTF-8 string" => {
            "the user or password is not UTF-8 once percent-decoded".into()
        }
        "Invalid protocol version" => "?protocol= must be 2 (sessctl speaks RESP2)".into(),
        other => other.to_string(),
    }
}

/// `redis+sentinel://[user:pass@]host[:port][,host[:port]…]/MASTER[/DB]`, and
/// `rediss+sentinel://` (TLS to the Sentinels and to the primary; `#insecure` allowed).
fn parse_sentinel(
    url: &str,
    limits: Limits,
    sentinel_password: Option<&str>,
    tls: &mut dyn FnMut(bool) -> Result<std::sync::Arc<rustls::ClientConfig>, StoreError>,
) -> Result<Target, StoreError> {
    let bad = |problem: &str| StoreError::Url { url: redact_url(url), problem: problem.to_string() };
    let (scheme, rest) = url.split_once("://").unwrap_or_default();
    let (rest, fragment) = match rest.split_once('#') {
        Some((rest, fragment)) => (rest, Some(fragment)),
        None => (rest, None),
    };
    let tls_wanted = match (scheme.eq_ignore_ascii_case("rediss+sentinel"), fragment) {
        (false, None) => TlsWanted::No,
        (true, None) => TlsWanted::Verified,
        (true, Some("insecure")) => TlsWanted::Insecure,
        (true, Some(_)) => return Err(bad("only #insecure may follow the # in a rediss+sentinel:// URL")),
        (false, Some(_)) => return Err(bad("a # part is only for rediss+sentinel:// (#insecure)")),
    };
    if rest.contains('?') {
        return Err(bad("a Sentinel URL takes no ?options"));
    }
    let Some((authority, path)) = rest.split_once('/') else {
        return Err(bad("no primary name: write redis+sentinel://host:port[,host:port…]/primary-name[/db]"));
    };
    let (userinfo, hosts) = match authority.rsplit_once('@') {
        Some((userinfo, hosts)) => (Some(userinfo), hosts),
        None => (None, authority),
    };
    let decode = |text: &str| {
        percent_encoding::percent_decode_str(text)
            .decode_utf8()
            .map(|t| t.into_owned())
            .map_err(|_| bad("the user, password or primary name is not UTF-8 once percent-decoded"))
    };
    let (username, password) = match userinfo {
        None => (None, None),
        Some(info) => match info.split_once(':') {
            Some((user, pass)) => ((!user.is_empty()).then(|| decode(user)).transpose()?, Some(decode(pass)?)),
            None => ((!info.is_empty()).then(|| decode(info)).transpose()?, None),
        },
    };
    let (master, db) = match path.trim_end_matches('/').split_once('/') {
        Some((master, db)) => {
            let db: i64 = db
                .parse()
                .ok()
                .filter(|db| *db >= 0)
                .ok_or_else(|| bad(&format!("the database {db:?} is not a number (…/primary-name/DB)")))?;
            (master, db)
        }
        None => (path.trim_end_matches('/'), 0),
    };
    if master.is_empty() {
        return Err(bad("no primary name: write redis+sentinel://host:port[,host:port…]/primary-name[/db]"));
    }
    let master = decode(master)?;
    let tls = match tls_wanted {
        TlsWanted::No => None,
        TlsWanted::Verified => Some(tls(false)?),
        TlsWanted::Insecure => Some(tls(true)?),
    };
    let mut sentinels = Vec::new();
    for host in hosts.split(',') {
        let (host, port) = split_host_port(host).ok_or_else(|| {
            bad(&format!("{host:?} is not host[:port] (a Sentinel; several are separated by commas)"))
        })?;
        sentinels.push(Endpoint {
            addr: Addr::Tcp { host, port: port.unwrap_or(SENTINEL_PORT) },
            tls: tls.clone(),
            username: None,
            password: sentinel_password.map(str::to_string),
            db: 0,
            limits,
        });
    }
    let primary = Endpoint { addr: Addr::Tcp { host: String::new(), port: 0 }, tls, username, password, db, limits };
    Ok(Target::Sentinel { sentinels, master, primary })
}

/// `host`, `host:port`, `[v6]`, `[v6]:port`.
fn split_host_port(text: &str) -> Option<(String, Option<u16>)> {
    let (host, port) = if let Some(rest) = text.strip_prefix('[') {
        let (host, after) = rest.split_once(']')?;
        match after {
            "" => (host, None),
            _ => (host, Some(after.strip_prefix(':')?)),
        }
    } else {
        match text.rsplit_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (text, None),
        }
    };
    if host.is_empty() || host.contains(['/', '@', ' ']) {
        return None;
    }
    let port = match port {
        Some(p) => Some(p.parse::<u16>().ok().filter(|p| *p != 0)?),
        None => None,
    };
    Some((host.to_string(), port))
}

/// Splits a list of URLs given in one text (an environment variable): by whitespace, and by
/// commas except where the text after a comma has no `scheme://` (that comma belongs to the
/// URL before it: the Sentinels of a Sentinel URL, or a comma in a password).
///
/// ```
/// use sessctl_store::split_urls;
///
/// assert_eq!(split_urls("redis://a:7000,redis://b:7001 redis://c:7002"), ["redis://a:7000", "redis://b:7001", "redis://c:7002"]);
/// // A Sentinel URL lists its Sentinels with commas; a password may hold one.
/// assert_eq!(split_urls("redis+sentinel://s1:26379,s2:26379/mymaster"), ["redis+sentinel://s1:26379,s2:26379/mymaster"]);
/// assert_eq!(split_urls("redis://:pa,ss@h:6379"), ["redis://:pa,ss@h:6379"]);
/// ```
pub fn split_urls(text: &str) -> Vec<String> {
    let mut urls: Vec<String> = Vec::new();
    for word in text.split_whitespace() {
        let mut current: Option<String> = None;
        for piece in word.split(',') {
            if piece.is_empty() {
                urls.extend(current.take());
                continue;
            }
            let starts_url = piece.contains("://");
            match &mut current {
                Some(url) if !starts_url => {
                    url.push(',');
                    url.push_str(piece);
                }
                _ => {
                    if let Some(url) = current.take() {
                        urls.push(url);
                    }
                    current = Some(piece.to_string());
                }
            }
        }
        urls.extend(current);
    }
    urls.retain(|u| !u.is_empty());
    urls
}

/// The URL with any password replaced by `***`, safe to show.
///
/// ```
/// use sessctl_store::redact_url;
///
/// assert_eq!(redact_url("redis://app:hunter2@10.0.0.5:6379/0"), "redis://app:***@10.0.0.5:6379/0");
/// assert_eq!(redact_url("unix:///run/redis.sock?db=1&pass=hunter2"), "unix:///run/redis.sock?db=1&pass=***");
/// assert_eq!(redact_url("redis://10.0.0.5:6379"), "redis://10.0.0.5:6379");
/// ```
pub fn redact_url(url: &str) -> String {
    let mut out = url.to_string();
    // user:password@ in the authority
    if let Some(scheme_end) = out.find("://") {
        let rest = scheme_end + 3;
        let authority_end = out[rest..].find(['/', '?', '#']).map(|i| rest + i).unwrap_or(out.len());
        if let Some(at) = out[rest..authority_end].rfind('@') {
            let at = rest + at;
            if let Some(colon) = out[rest..at].find(':') {
                out.replace_range(rest + colon + 1..at, "***");
            }
        }
    }
    // ?pass=… / &password=… in the query (unix:// URLs)
    if let Some(q) = out.find('?') {
        let (head, query) = out.split_at(q + 1);
        let query: Vec<String> = query
            .split('&')
            .map(|pair| match pair.split_once('=') {
                Some((k, _)) if k.eq_ignore_ascii_case("pass") || k.eq_ignore_ascii_case("password") => {
                    format!("{k}=***")
                }
                _ => pair.to_string(),
            })
            .collect();
        out = format!("{head}{}", query.join("&"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn limits() -> Limits {
        Limits { connect: Duration::from_secs(1), response: Duration::from_secs(1) }
    }

    fn parse_plain(url: &str) -> Result<Target, StoreError> {
        parse(url, limits(), Some("sentinel-pw"), &mut |_| panic!("no TLS here"))
    }

    fn problem(url: &str) -> String {
        match parse_plain(url) {
            Err(StoreError::Url { problem, .. }) => problem,
            other => panic!("{url}: {other:?}"),
        }
    }

    #[test]
    fn passwords_are_redacted() {
        assert_eq!(redact_url("redis://:s3cret@host:6379/0"), "redis://:***@host:6379/0");
        assert_eq!(redact_url("rediss://user:p@ss@host:1/2#insecure"), "rediss://user:***@host:1/2#insecure");
        assert_eq!(redact_url("redis://host:6379"), "redis://host:6379");
        assert_eq!(redact_url("unix:///tmp/r.sock?db=2&pass=hunter2"), "unix:///tmp/r.sock?db=2&pass=***");
        assert_eq!(redact_url("redis+sentinel://u:pw@a:1,b:2/mymaster"), "redis+sentinel://u:***@a:1,b:2/mymaster");
    }

    #[test]
    fn bad_urls_say_what_is_wrong_in_words() {
        assert_eq!(
            problem("redis://h:6379/abc"),
            "the database \"abc\" is not a number (the path of the URL is the database: /0, /1, …)"
        );
        assert_eq!(problem("redis://h:6379/-1"), "the database number -1 is negative");
        assert_eq!(problem("unix:///tmp/r.sock?db=x"), "the database (?db=) is not a number");
        assert_eq!(problem("rediss://h:1/0#nope"), "only #insecure may follow the # in a rediss:// URL");
        assert!(problem("ftp://h/").starts_with("expected redis://"));
        assert!(problem("127.0.0.1:6379").starts_with("expected redis://"));
        for url in ["redis://h:6379/abc", "redis://h:99999/0", "redis://0.0.0.0:1/0", "redis+sentinel://h/"] {
            let text = parse_plain(url).unwrap_err().to_string();
            assert!(!text.contains("InvalidClientConfig") && !text.contains('\n'), "{text}");
        }
    }

    #[test]
    fn sentinel_urls() {
        let Ok(Target::Sentinel { sentinels, master, primary }) =
            parse_plain("redis+sentinel://app:p%40ss@s1:26380,s2,[::1]:5000/my%20primary/3")
        else {
            panic!()
        };
        let addrs: Vec<String> = sentinels.iter().map(|s| s.addr.to_string()).collect();
        assert_eq!(addrs, ["s1:26380", "s2:26379", "[::1]:5000"]);
        assert!(sentinels.iter().all(|s| s.password.as_deref() == Some("sentinel-pw") && s.username.is_none()));
        assert_eq!(master, "my primary");
        assert_eq!(
            (primary.username.as_deref(), primary.password.as_deref(), primary.db),
            (Some("app"), Some("p@ss"), 3)
        );
        assert!(matches!(parse_plain("redis+sentinel://s1/m"), Ok(Target::Sentinel { .. })));
        assert!(problem("redis+sentinel://s1:26379").starts_with("no primary name"));
        assert!(problem("redis+sentinel://s1:26379/").starts_with("no primary name"));
        assert!(problem("redis+sentinel://s1:x/m").contains("\"s1:x\" is not host[:port]"));
        assert!(problem("redis+sentinel://s1,,s2/m").contains("\"\" is not host[:port]"));
        assert!(problem("redis+sentinel://s1/m/x").contains("the database \"x\" is not a number"));
        assert!(problem("redis+sentinel://s1/m#insecure").contains("only for rediss+sentinel"));
    }

    #[test]
    fn url_lists_keep_sentinel_urls_whole() {
        assert_eq!(split_urls("redis://a:1,redis://b:2 redis://c:3"), ["redis://a:1", "redis://b:2", "redis://c:3"]);
        assert_eq!(split_urls(" redis+sentinel://s1:1,s2:2,s3/m/0 , "), ["redis+sentinel://s1:1,s2:2,s3/m/0"]);
        assert_eq!(split_urls("redis+sentinel://s1,s2/m,redis://x:1"), ["redis+sentinel://s1,s2/m", "redis://x:1"]);
        assert_eq!(split_urls("redis://:pa,ss@h:1/0"), ["redis://:pa,ss@h:1/0"]);
        assert_eq!(split_urls(" \n,"), Vec::<String>::new());
    }
}
