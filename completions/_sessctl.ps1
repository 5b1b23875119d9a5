
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'sessctl' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'sessctl'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'sessctl' {
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Settings from this profile of the config file (flags and environment variables still win) [env: SESSCTL_PROFILE] [default: the file''s default_profile]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The config file [env: SESSCTL_CONFIG] [default: $XDG_CONFIG_HOME/sessctl/config.toml, else ~/.config/sessctl/config.toml]')
            [CompletionResult]::new('-r', '-r', [CompletionResultType]::ParameterName, 'Redis URL: redis://[user:pass@]host:port/db, rediss:// (TLS) or unix:///path.sock; repeat for several cluster seed nodes [env: SESSCTL_REDIS_URL, then REDIS_URL] [default: redis://127.0.0.1:6379/0]')
            [CompletionResult]::new('--redis-url', '--redis-url', [CompletionResultType]::ParameterName, 'Redis URL: redis://[user:pass@]host:port/db, rediss:// (TLS) or unix:///path.sock; repeat for several cluster seed nodes [env: SESSCTL_REDIS_URL, then REDIS_URL] [default: redis://127.0.0.1:6379/0]')
            [CompletionResult]::new('--tls-ca', '--tls-ca', [CompletionResultType]::ParameterName, 'PEM file of CA certificates that signed the server''s certificate (rediss://) [env: SESSCTL_TLS_CA]')
            [CompletionResult]::new('--tls-cert', '--tls-cert', [CompletionResultType]::ParameterName, 'PEM client certificate for servers that require one (tls-auth-clients yes); goes with --tls-key [env: SESSCTL_TLS_CERT]')
            [CompletionResult]::new('--tls-key', '--tls-key', [CompletionResultType]::ParameterName, 'PEM private key of --tls-cert (PKCS#8, PKCS#1 RSA or SEC1 EC, unencrypted) [env: SESSCTL_TLS_KEY]')
            [CompletionResult]::new('--secret-file', '--secret-file', [CompletionResultType]::ParameterName, 'File holding the cookie secret (one trailing newline removed; at most 64 KiB) [env: SESSCTL_SECRET_FILE]')
            [CompletionResult]::new('--secret-format', '--secret-format', [CompletionResultType]::ParameterName, 'How to read the secret: auto (a text starting with `{` must be a valid key ring), text (always one secret, byte for byte) or ring [env: SESSCTL_SECRET_FORMAT] [default: auto]')
            [CompletionResult]::new('--key-version', '--key-version', [CompletionResultType]::ParameterName, 'Key version to sign with when the secret is a key ring [env: SESSCTL_KEY_VERSION] [default: highest in the ring]')
            [CompletionResult]::new('--cookie-name', '--cookie-name', [CompletionResultType]::ParameterName, 'Cookie name (it is part of the signature) [env: SESSCTL_COOKIE_NAME] [default: session_id]')
            [CompletionResult]::new('--prefix', '--prefix', [CompletionResultType]::ParameterName, 'Redis key prefix [env: SESSCTL_PREFIX] [default: session:]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format (prometheus: stats only) [env: SESSCTL_OUTPUT] [default: table]')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format (prometheus: stats only) [env: SESSCTL_OUTPUT] [default: table]')
            [CompletionResult]::new('--ttl', '--ttl', [CompletionResultType]::ParameterName, 'The app''s session lifetime: the TTL `mint` gives, and age = this minus the remaining TTL; 1s to 100y [env: SESSCTL_TTL] [default: 7d]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long to wait for a connection or a reply before giving up; up to 1d [env: SESSCTL_TIMEOUT] [default: 10s]')
            [CompletionResult]::new('--retry-deadline', '--retry-deadline', [CompletionResultType]::ParameterName, 'How long to keep retrying while Redis recovers (dropped connections, a failover, LOADING, CLUSTERDOWN…); up to 1d [env: SESSCTL_RETRY_DEADLINE] [default: 30s]')
            [CompletionResult]::new('--wait-replicas', '--wait-replicas', [CompletionResultType]::ParameterName, 'Replicas that must acknowledge each batch of writes (WAIT) before it counts as done; 0 writes without waiting, 0 to 100 [env: SESSCTL_WAIT_REPLICAS] [default: 1 where the primary has replicas, else 0]')
            [CompletionResult]::new('--scan-count', '--scan-count', [CompletionResultType]::ParameterName, 'SCAN COUNT hint (keys per SCAN call), 1 to 100000 [env: SESSCTL_SCAN_COUNT] [default: 250]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Colour in tables: auto, always, never (NO_COLOR is honoured) [env: SESSCTL_COLOR] [default: auto]')
            [CompletionResult]::new('--output-file', '--output-file', [CompletionResultType]::ParameterName, 'Write the output to FILE atomically (a temporary file renamed over it once the output is complete; a failed or interrupted run leaves FILE as it was)')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'The URLs are Redis Cluster seed nodes (detected automatically otherwise) [env: SESSCTL_CLUSTER=1]')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress bars or informational messages on stderr [env: SESSCTL_QUIET=1]')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress bars or informational messages on stderr [env: SESSCTL_QUIET=1]')
            [CompletionResult]::new('--no-headers', '--no-headers', [CompletionResultType]::ParameterName, 'Tables and CSV without their header row')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('mint', 'mint', [CompletionResultType]::ParameterValue, 'Create sessions as tornado-auth-sessions does and print their signed cookies')
            [CompletionResult]::new('verify', 'verify', [CompletionResultType]::ParameterValue, 'Verify cookies as Tornado does, and check their sessions in Redis')
            [CompletionResult]::new('decode', 'decode', [CompletionResultType]::ParameterValue, 'Show the fields of a signed value without any secret (unverified)')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'Stream the sessions under the prefix (SCAN, never KEYS)')
            [CompletionResult]::new('revoke', 'revoke', [CompletionResultType]::ParameterValue, 'Delete sessions: by id or cookie, every session of some users, or all')
            [CompletionResult]::new('cleanup', 'cleanup', [CompletionResultType]::ParameterValue, 'Delete old sessions and handle keys without expiry (for cron)')
            [CompletionResult]::new('stats', 'stats', [CompletionResultType]::ParameterValue, 'Count sessions, users, keys without TTL and odd keys')
            [CompletionResult]::new('restore', 'restore', [CompletionResultType]::ParameterValue, 'Put back sessions from a `--backup` file, with their remaining TTL (never overwrites)')
            [CompletionResult]::new('doctor', 'doctor', [CompletionResultType]::ParameterValue, 'Check the setup: Redis, its sessions, the secret; exit 1 when a check fails')
            [CompletionResult]::new('gen-secret', 'gen-secret', [CompletionResultType]::ParameterValue, 'Print a new strong cookie secret, or the key ring with a new version added')
            [CompletionResult]::new('config', 'config', [CompletionResultType]::ParameterValue, 'Show the resolved settings and where each came from, or the config file''s profiles')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print shell completions')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'Print a roff man page: sessctl''s, or a command''s')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'sessctl;mint' {
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'User id to store in the session')
            [CompletionResult]::new('--count', '--count', [CompletionResultType]::ParameterName, 'How many sessions to mint (one line each)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'What to print [default: value, or json with -o json]')
            [CompletionResult]::new('--audit-log', '--audit-log', [CompletionResultType]::ParameterName, 'Append one JSON line per session stored and printed to FILE (never the session id) [env: SESSCTL_AUDIT_LOG]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Settings from this profile of the config file (flags and environment variables still win) [env: SESSCTL_PROFILE] [default: the file''s default_profile]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The config file [env: SESSCTL_CONFIG] [default: $XDG_CONFIG_HOME/sessctl/config.toml, else ~/.config/sessctl/config.toml]')
            [CompletionResult]::new('-r', '-r', [CompletionResultType]::ParameterName, 'Redis URL: redis://[user:pass@]host:port/db, rediss:// (TLS) or unix:///path.sock; repeat for several cluster seed nodes [env: SESSCTL_REDIS_URL, then REDIS_URL] [default: redis://127.0.0.1:6379/0]')
            [CompletionResult]::new('--redis-url', '--redis-url', [CompletionResultType]::ParameterName, 'Redis URL: redis://[user:pass@]host:port/db, rediss:// (TLS) or unix:///path.sock; repeat for several cluster seed nodes [env: SESSCTL_REDIS_URL, then REDIS_URL] [default: redis://127.0.0.1:6379/0]')
            [CompletionResult]::new('--tls-ca', '--tls-ca', [CompletionResultType]::ParameterName, 'PEM file of CA certificates that signed the server''s certificate (rediss://) [env: SESSCTL_TLS_CA]')
            [CompletionResult]::new('--tls-cert', '--tls-cert', [CompletionResultType]::ParameterName, 'PEM client certificate for servers that require one (tls-auth-clients yes); goes with --tls-key [env: SESSCTL_TLS_CERT]')
            [CompletionResult]::new('--tls-key', '--tls-key', [CompletionResultType]::ParameterName, 'PEM private key of --tls-cert (PKCS#8, PKCS#1 RSA or SEC1 EC, unencrypted) [env: SESSCTL_TLS_KEY]')
            [CompletionResult]::new('--secret-file', '--secret-file', [CompletionResultType]::ParameterName, 'File holding the cookie secret (one trailing newline removed; at most 64 KiB) [env: SESSCTL_SECRET_FILE]')
            [CompletionResult]::new('--secret-format', '--secret-format', [CompletionResultType]::ParameterName, 'How to read the secret: auto (a text starting with `{` must be a valid key ring), text (always one secret, byte for byte) or ring [env: SESSCTL_SECRET_FORMAT] [default: auto]')
            [CompletionResult]::new('--key-version', '--key-version', [CompletionResultType]::ParameterName, 'Key version to sign with when the secret is a key ring [env: SESSCTL_KEY_VERSION] [default: highest in the ring]')
            [CompletionResult]::new('--cookie-name', '--cookie-name', [CompletionResultType]::ParameterName, 'Cookie name (it is part of the signature) [env: SESSCTL_COOKIE_NAME] [default: session_id]')
            [CompletionResult]::new('--prefix', '--prefix', [CompletionResultType]::ParameterName, 'Redis key prefix [env: SESSCTL_PREFIX] [default: session:]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format (prometheus: stats only) [env: SESSCTL_OUTPUT] [default: table]')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format (prometheus: stats only) [env: SESSCTL_OUTPUT] [default: table]')
            [CompletionResult]::new('--ttl', '--ttl', [CompletionResultType]::ParameterName, 'The app''s session lifetime: the TTL `mint` gives, and age = this minus the remaining TTL; 1s to 100y [env: SESSCTL_TTL] [default: 7d]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long to wait for a connection or a reply before giving up; up to 1d [env: SESSCTL_TIMEOUT] [default: 10s]')
            [CompletionResult]::new('--retry-deadline', '--retry-deadline', [CompletionResultType]::ParameterName, 'How long to keep retrying while Redis recovers (dropped connections, a failover, LOADING, CLUSTERDOWN…); up to 1d [env: SESSCTL_RETRY_DEADLINE] [default: 30s]')
            [CompletionResult]::new('--wait-replicas', '--wait-replicas', [CompletionResultType]::ParameterName, 'Replicas that must acknowledge each batch of writes (WAIT) before it counts as done; 0 writes without waiting, 0 to 100 [env: SESSCTL_WAIT_REPLICAS] [default: 1 where the primary has replicas, else 0]')
            [CompletionResult]::new('--scan-count', '--scan-count', [CompletionResultType]::ParameterName, 'SCAN COUNT hint (keys per SCAN call), 1 to 100000 [env: SESSCTL_SCAN_COUNT] [default: 250]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Colour in tables: auto, always, never (NO_COLOR is honoured) [env: SESSCTL_COLOR] [default: auto]')
            [CompletionResult]::new('--output-file', '--output-file', [CompletionResultType]::ParameterName, 'Write the output to FILE atomically (a temporary file renamed over it once the output is complete; a failed or interrupted run leaves FILE as it was)')
            [CompletionResult]::new('--no-store', '--no-store', [CompletionResultType]::ParameterName, 'Only sign; store nothing in Redis')
            [CompletionResult]::new('--insecure-cookie', '--insecure-cookie', [CompletionResultType]::ParameterName, 'Leave `; Secure` out of the header (tornado-auth-sessions'' set_session(is_secure=False))')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'The URLs are Redis Cluster seed nodes (detected automatically otherwise) [env: SESSCTL_CLUSTER=1]')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress bars or informational messages on stderr [env: SESSCTL_QUIET=1]')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress bars or informational messages on stderr [env: SESSCTL_QUIET=1]')
            [CompletionResult]::new('--no-headers', '--no-headers', [CompletionResultType]::ParameterName, 'Tables and CSV without their header row')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'sessctl;verify' {
            [CompletionResult]::new('--max-age-days', '--max-age-days', [CompletionResultType]::ParameterName, 'Oldest signature accepted, in days (Tornado''s max_age_days)')
            [CompletionResult]::new('--rdb', '--rdb', [CompletionResultType]::ParameterName, 'Look the sessions up in this RDB dump instead of a server; `-` reads stdin. TTLs are as of the dump''s time unless --now')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Settings from this profile of the config file (flags and environment variables still win) [env: SESSCTL_PROFILE] [default: the file''s default_profile]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The config file [env: SESSCTL_CONFIG] [default: $XDG_CONFIG_HOME/sessctl/config.toml, else ~/.config/sessctl/config.toml]')
            [CompletionResult]::new('-r', '-r', [CompletionResultType]::ParameterName, 'Redis URL: redis://[user:pass@]host:port/db, rediss:// (TLS) or unix:///path.sock; repeat for several cluster seed nodes [env: SESSCTL_REDIS_URL, then REDIS_URL] [default: redis://127.0.0.1:6379/0]')
            [CompletionResult]::new('--redis-url', '--redis-url', [CompletionResultType]::ParameterName, 'Redis URL: redis://[user:pass@]host:port/db, rediss:// (TLS) or unix:///path.sock; repeat for several cluster seed nodes [env: SESSCTL_REDIS_URL, then REDIS_URL] [default: redis://127.0.0.1:6379/0]')
            [CompletionResult]::new('--tls-ca', '--tls-ca', [CompletionResultType]::ParameterName, 'PEM file of CA certificates that signed the server''s certificate (rediss://) [env: SESSCTL_TLS_CA]')
            [CompletionResult]::new('--tls-cert', '--tls-cert', [CompletionResultType]::ParameterName, 'PEM client certificate for servers that require one (tls-auth-clients yes); goes with --tls-key [env: SESSCTL_TLS_CERT]')
            [CompletionResult]::new('--tls-key', '--tls-key', [CompletionResultType]::ParameterName, 'PEM private key of --tls-cert (PKCS#8, PKCS#1 RSA or SEC1 EC, unencrypted) [env: SESSCTL_TLS_KEY]')
            [CompletionResult]::new('--secret-file', '--secret-file', [CompletionResultType]::ParameterName, 'File holding the cookie secret (one trailing newline removed; at most 64 KiB) [env: SESSCTL_SECRET_FILE]')
            [CompletionResult]::new('--secret-format', '--secret-format', [CompletionResultType]::ParameterName, 'How to read the secret: auto (a text starting with `{` must be a valid key ring), text (always one secret, byte for byte) or ring [env: SESSCTL_SECRET_FORMAT] [default: auto]')
            [CompletionResult]::new('--key-version', '--key-version', [CompletionResultType]::ParameterName, 'Key version to sign with when the secret is a key ring [env: SESSCTL_KEY_VERSION] [default: highest in the ring]')
            [CompletionResult]::new('--cookie-name', '--cookie-name', [CompletionResultType]::ParameterName, 'Cookie name (it is part of the signature) [env: SESSCTL_COOKIE_NAME] [default: session_id]')
            [CompletionResult]::new('--prefix', '--prefix', [CompletionResultType]::ParameterName, 'Redis key prefix [env: SESSCTL_PREFIX] [default: session:]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format (prometheus: stats only) [env: SESSCTL_OUTPUT] [default: table]')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format (prometheus: stats only) [env: SESSCTL_OUTPUT] [default: table]')
            [CompletionResult]::new('--ttl', '--ttl', [CompletionResultType]::ParameterName, 'The app''s session lifetime: the TTL `mint` gives, and age = this minus the remaining TTL; 1s to 100y [env: SESSCTL_TTL] [default: 7d]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long to wait for a connection or a reply before giving up; up to 1d [env: SESSCTL_TIMEOUT] [default: 10s]')
            [CompletionResult]::new('--retry-deadline', '--retry-deadline', [CompletionResultType]::ParameterName, 'How long to keep retrying while Redis recovers (dropped connections, a failover, LOADING, CLUSTERDOWN…); up to 1d [env: SESSCTL_RETRY_DEADLINE] [default: 30s]')
            [CompletionResult]::new('--wait-replicas', '--wait-replicas', [CompletionResultType]::ParameterName, 'Replicas that must acknowledge each batch of writes (WAIT) before it counts as done; 0 writes without waiting, 0 to 100 [env: SESSCTL_WAIT_REPLICAS] [default: 1 where the primary has replicas, else 0]')
            [CompletionResult]::new('--scan-count', '--scan-count', [CompletionResultType]::ParameterName, 'SCAN COUNT hint (keys per SCAN call), 1 to 100000 [env: SESSCTL_SCAN_COUNT] [default: 250]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Colour in tables: auto, always, never (NO_COLOR is honoured) [env: SESSCTL_COLOR] [default: auto]')
            [CompletionResult]::new('--output-file', '--output-file', [CompletionResultType]::ParameterName, 'Write the output to FILE atomically (a temporary file renamed over it once the output is complete; a failed or interrupted run leaves FILE as it was)')
            [CompletionResult]::new('--raw', '--raw', [CompletionResultType]::ParameterName, 'Take each input as the exact signed value: no unquoting, no picking out of headers (stdin lines lose only their line ending)')
            [CompletionResult]::new('--offline', '--offline', [CompletionResultType]::ParameterName, 'Check signatures only; do not look sessions up in Redis')
            [CompletionResult]::new('--now', '--now', [CompletionResultType]::ParameterName, 'With --rdb: count TTLs from now rather than from the dump''s own time')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'The URLs are Redis Cluster seed nodes (detected automatically otherwise) [env: SESSCTL_CLUSTER=1]')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress bars or informational messages on stderr [env: SESSCTL_QUIET=1]')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress bars or informational messages on stderr [env: SESSCTL_QUIET=1]')
            [CompletionResult]::new('--no-headers', '--no-headers', [CompletionResultType]::ParameterName, 'Tables and CSV without their header row')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'sessctl;decode' {
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Settings from this profile of the config file (flags and environment variables still win) [env: SESSCTL_PROFILE] [default: the file''s default_profile]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The config file [env: SESSCTL_CONFIG] [default: $XDG_CONFIG_HOME/sessctl/config.toml, else ~/.config/sessctl/config.toml]')
            [CompletionResult]::new('-r', '-r', [CompletionResultType]::ParameterName, 'Redis URL: redis://[user:pass@]host:port/db, rediss:// (TLS) or unix:///path.sock; repeat for several cluster seed nodes [env: SESSCTL_REDIS_URL, then REDIS_URL] [default: redis://127.0.0.1:6379/0]')
            [CompletionResult]::new('--redis-url', '--redis-url', [CompletionResultType]::ParameterName, 'Redis URL: redis://[user:pass@]host:port/db, rediss:// (TLS) or unix:///path.sock; repeat for several cluster seed nodes [env: SESSCTL_REDIS_URL, then REDIS_URL] [default: redis://127.0.0.1:6379/0]')
            [CompletionResult]::new('--tls-ca', '--tls-ca', [CompletionResultType]::ParameterName, 'PEM file of CA certificates that signed the server''s certificate (rediss://) [env: SESSCTL_TLS_CA]')
            [CompletionResult]::new('--tls-cert', '--tls-cert', [CompletionResultType]::ParameterName, 'PEM client certificate for servers that require one (tls-auth-clients yes); goes with --tls-key [env: SESSCTL_TLS_CERT]')
            [CompletionResult]::new('--tls-key', '--tls-key', [CompletionResultType]::ParameterName, 'PEM private key of --tls-cert (PKCS#8, PKCS#1 RSA or SEC1 EC, unencrypted) [env: SESSCTL_TLS_KEY]')
            [CompletionResult]::new('--secret-file', '--secret-file', [CompletionResultType]::ParameterName, 'File holding the cookie secret (one trailing newline removed; at most 64 KiB) [env: SESSCTL_SECRET_FILE]')
            [CompletionResult]::new('--secret-format', '--secret-format', [CompletionResultType]::ParameterName, 'How to read the secret: auto (a text starting with `{` must be a valid key ring), text (always one secret, byte for byte) or ring [env: SESSCTL_SECRET_FORMAT] [default: auto]')
            [CompletionResult]::new('--key-version', '--key-version', [CompletionResultType]::ParameterName, 'Key version to sign with when the secret is a key ring [env: SESSCTL_KEY_VERSION] [default: highest in the ring]')
            [CompletionResult]::new('--cookie-name', '--cookie-name', [CompletionResultType]::ParameterName, 'Cookie name (it is part of the signature) [env: SESSCTL_COOKIE_NAME] [default: session_id]')
            [CompletionResult]::new('--prefix', '--prefix', [CompletionResultType]::ParameterName, 'Redis key prefix [env: SESSCTL_PREFIX] [default: session:]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format (prometheus: stats only) [env: SESSCTL_OUTPUT] [default: table]')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format (prometheus: stats only) [env: SESSCTL_OUTPUT] [default: table]')
            [CompletionResult]::new('--ttl', '--ttl', [CompletionResultType]::ParameterName, 'The app''s session lifetime: the TTL `mint` gives, and age = this minus the remaining TTL; 1s to 100y [env: SESSCTL_TTL] [default: 7d]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long to wait for a connection or a reply before giving up; up to 1d [env: SESSCTL_TIMEOUT] [default: 10s]')
            [CompletionResult]::new('--retry-deadline', '--retry-deadline', [CompletionResultType]::ParameterName, 'How long to keep retrying while Redis recovers (dropped connections, a failover, LOADING, CLUSTERDOWN…); up to 1d [env: SESSCTL_RETRY_DEADLINE] [default: 30s]')
            [CompletionResult]::new('--wait-replicas', '--wait-replicas', [CompletionResultType]::ParameterName, 'Replicas that must acknowledge each batch of writes (WAIT) before it counts as done; 0 writes without waiting, 0 to 100 [env: SESSCTL_WAIT_REPLICAS] [default: 1 where the primary has replicas, else 0]')
            [CompletionResult]::new('--scan-count', '--scan-count', [CompletionResultType]::ParameterName, 'SCAN COUNT hint (keys per SCAN call), 1 to 100000 [env: SESSCTL_SCAN_COUNT] [default: 250]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Colour in tables: auto, always, never (NO_COLOR is honoured) [env: SESSCTL_COLOR] [default: auto]')
            [CompletionResult]::new('--output-file', '--output-file', [CompletionResultType]::ParameterName, 'Write the output to FILE atomically (a temporary file renamed over it once the output is complete; a failed or interrupted run leaves FILE as it was)')
            [CompletionResult]::new('--raw', '--raw', [CompletionResultType]::ParameterName, 'Take the input as the exact signed value (no unquoting or header parsing)')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'The URLs are Redis Cluster seed nodes (detected automatically otherwise) [env: SESSCTL_CLUSTER=1]')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress bars or informational messages on stderr [env: SESSCTL_QUIET=1]')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress bars or informational messages on stderr [env: SESSCTL_QUIET=1]')
            [CompletionResult]::new('--no-headers', '--no-headers', [CompletionResultType]::ParameterName, 'Tables and CSV without their header row')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'sessctl;list' {
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'Only sessions of this user (repeatable)')
            [CompletionResult]::new('--limit', '--limit', [CompletionResultType]::ParameterName, 'Stop after N sessions')
            [CompletionResult]::new('--rdb', '--rdb', [CompletionResultType]::ParameterName, 'Read the sessions from this RDB dump (a backup, or `redis-cli --rdb FILE`) instead of a server; `-` reads stdin. TTLs are as of the dump''s time unless --now')
            [CompletionResult]::new('--rate', '--rate', [CompletionResultType]::ParameterName, 'Scan at most this many keys per second, all primaries together, at a steady pace; 10 to 10000000 (20k = 20000) [env: SESSCTL_RATE]')
            [CompletionResult]::new('--max-latency', '--max-latency', [CompletionResultType]::ParameterName, 'Go as fast as keeps the latency other clients see (a PING on a connection of its own every 1ms, per primary) under this at its 99th percentile; 100us to 10s [env: SESSCTL_MAX_LATENCY]')
            [CompletionResult]::new('--max-duration', '--max-duration', [CompletionResultType]::ParameterName, 'Stop the scan cleanly after this long (exit 0, complete: false in the summary); with --resume the next run continues where this one stopped; 10ms to 30d')
            [CompletionResult]::new('--resume', '--resume', [CompletionResultType]::ParameterName, 'Continue from the per-primary cursors saved in FILE, if it exists, and save them there when the scan stops before its end (the file is removed once the scan is complete); refused when FILE was saved for another server, prefix or selection')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Settings from this profile of the config file (flags and environment variables still win) [env: SESSCTL_PROFILE] [default: the file''s default_profile]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The config file [env: SESSCTL_CONFIG] [default: $XDG_CONFIG_HOME/sessctl/config.toml, else ~/.config/sessctl/config.toml]')
            [CompletionResult]::new('-r', '-r', [CompletionResultType]::ParameterName, 'Redis URL: redis://[user:pass@]host:port/db, rediss:// (TLS) or unix:///path.sock; repeat for several cluster seed nodes [env: SESSCTL_REDIS_URL, then REDIS_URL] [default: redis://127.0.0.1:6379/0]')
            [CompletionResult]::new('--redis-url', '--redis-url', [CompletionResultType]::ParameterName, 'Redis URL: redis://[user:pass@]host:port/db, rediss:// (TLS) or unix:///path.sock; repeat for several cluster seed nodes [env: SESSCTL_REDIS_URL, then REDIS_URL] [default: redis://127.0.0.1:6379/0]')
            [CompletionResult]::new('--tls-ca', '--tls-ca', [CompletionResultType]::ParameterName, 'PEM file of CA certificates that signed the server''s certificate (rediss://) [env: SESSCTL_TLS_CA]')
            [CompletionResult]::new('--tls-cert', '--tls-cert', [CompletionResultType]::ParameterName, 'PEM client certificate for servers that require one (tls-auth-clients yes); goes with --tls-key [env: SESSCTL_TLS_CERT]')
            [CompletionResult]::new('--tls-key', '--tls-key', [CompletionResultType]::ParameterName, 'PEM private key of --tls-cert (PKCS#8, PKCS#1 RSA or SEC1 EC, unencrypted) [env: SESSCTL_TLS_KEY]')
            [CompletionResult]::new('--secret-file', '--secret-file', [CompletionResultType]::ParameterName, 'File holding the cookie secret (one trailing newline removed; at most 64 KiB) [env: SESSCTL_SECRET_FILE]')
            [CompletionResult]::new('--secret-format', '--secret-format', [CompletionResultType]::ParameterName, 'How to read the secret: auto (a text starting with `{` must be a valid key ring), text (always one secret, byte for byte) or ring [env: SESSCTL_SECRET_FORMAT] [default: auto]')
            [CompletionResult]::new('--key-version', '--key-version', [CompletionResultType]::ParameterName, 'Key version to sign with when the secret is a key ring [env: SESSCTL_KEY_VERSION] [default: highest in the ring]')
            [CompletionResult]::new('--cookie-name', '--cookie-name', [CompletionResultType]::ParameterName, 'Cookie name (it is part of the signature) [env: SESSCTL_COOKIE_NAME] [default: session_id]')
            [CompletionResult]::new('--prefix', '--prefix', [CompletionResultType]::ParameterName, 'Redis key prefix [env: SESSCTL_PREFIX] [default: session:]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format (prometheus: stats only) [env: SESSCTL_OUTPUT] [default: table]')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format (prometheus: stats only) [env: SESSCTL_OUTPUT] [default: table]')
            [CompletionResult]::new('--ttl', '--ttl', [CompletionResultType]::ParameterName, 'The app''s session lifetime: the TTL `mint` gives, and age = this minus the remaining TTL; 1s to 100y [env: SESSCTL_TTL] [default: 7d]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long to wait for a connection or a reply before giving up; up to 1d [env: SESSCTL_TIMEOUT] [default: 10s]')
            [CompletionResult]::new('--retry-deadline', '--retry-deadline', [CompletionResultType]::ParameterName, 'How long to keep retrying while Redis recovers (dropped connections, a failover, LOADING, CLUSTERDOWN…); up to 1d [env: SESSCTL_RETRY_DEADLINE] [default: 30s]')
            [CompletionResult]::new('--wait-replicas', '--wait-replicas', [CompletionResultType]::ParameterName, 'Replicas that must acknowledge each batch of writes (WAIT) before it counts as done; 0 writes without waiting, 0 to 100 [env: SESSCTL_WAIT_REPLICAS] [default: 1 where the primary has replicas, else 0]')
            [CompletionResult]::new('--scan-count', '--scan-count', [CompletionResultType]::ParameterName, 'SCAN COUNT hint (keys per SCAN call), 1 to 100000 [env: SESSCTL_SCAN_COUNT] [default: 250]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Colour in tables: auto, always, never (NO_COLOR is honoured) [env: SESSCTL_COLOR] [default: auto]')
            [CompletionResult]::new('--output-file', '--output-file', [CompletionResultType]::ParameterName, 'Write the output to FILE atomically (a temporary file renamed over it once the output is complete; a failed or interrupted run leaves FILE as it was)')
            [CompletionResult]::new('--count', '--count', [CompletionResultType]::ParameterName, 'Print only the number of sessions')
            [CompletionResult]::new('--snapshot', '--snapshot', [CompletionResultType]::ParameterName, 'Read a point-in-time snapshot of each primary over replication (SYNC) instead of scanning: the server''s forked child does the work, not its main thread')
            [CompletionResult]::new('--now', '--now', [CompletionResultType]::ParameterName, 'With --rdb or --snapshot: count TTLs from now rather than from the dump''s own time')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'The URLs are Redis Cluster seed nodes (detected automatically otherwise) [env: SESSCTL_CLUSTER=1]')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress bars or informational messages on stderr [env: SESSCTL_QUIET=1]')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress bars or informational messages on stderr [env: SESSCTL_QUIET=1]')
            [CompletionResult]::new('--no-headers', '--no-headers', [CompletionResultType]::ParameterName, 'Tables and CSV without their header row')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'sessctl;revoke' {
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'Revoke every session of this user (repeatable; one scan for all)')
            [CompletionResult]::new('--users-file', '--users-file', [CompletionResultType]::ParameterName, 'Revoke every session of the users listed in FILE, one per line (`-`: stdin); the summary counts the listed users without any session (users_without_sessions)')
            [CompletionResult]::new('--issued-before', '--issued-before', [CompletionResultType]::ParameterName, 'Only sessions issued before TIME: a date (2026-11-01, midnight UTC), an RFC 3339 time, or a duration meaning that long ago (6d)')
            [CompletionResult]::new('--audit-log', '--audit-log', [CompletionResultType]::ParameterName, 'Append one JSON line per revoked session to FILE (never the session id) [env: SESSCTL_AUDIT_LOG]')
            [CompletionResult]::new('--backup', '--backup', [CompletionResultType]::ParameterName, 'Before each deletion, append the session (key, user, remaining TTL) to FILE (mode 0600), for `sessctl restore`; FILE holds live credentials')
            [CompletionResult]::new('--rate', '--rate', [CompletionResultType]::ParameterName, 'Scan at most this many keys per second, all primaries together, at a steady pace; 10 to 10000000 (20k = 20000) [env: SESSCTL_RATE]')
            [CompletionResult]::new('--max-latency', '--max-latency', [CompletionResultType]::ParameterName, 'Go as fast as keeps the latency other clients see (a PING on a connection of its own every 1ms, per primary) under this at its 99th percentile; 100us to 10s [env: SESSCTL_MAX_LATENCY]')
            [CompletionResult]::new('--max-duration', '--max-duration', [CompletionResultType]::ParameterName, 'Stop the scan cleanly after this long (exit 0, complete: false in the summary); with --resume the next run continues where this one stopped; 10ms to 30d')
            [CompletionResult]::new('--resume', '--resume', [CompletionResultType]::ParameterName, 'Continue from the per-primary cursors saved in FILE, if it exists, and save them there when the scan stops before its end (the file is removed once the scan is complete); refused when FILE was saved for another server, prefix or selection')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Settings from this profile of the config file (flags and environment variables still win) [env: SESSCTL_PROFILE] [default: the file''s default_profile]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The config file [env: SESSCTL_CONFIG] [default: $XDG_CONFIG_HOME/sessctl/config.toml, else ~/.config/sessctl/config.toml]')
            [CompletionResult]::new('-r', '-r', [CompletionResultType]::ParameterName, 'Redis URL: redis://[user:pass@]host:port/db, rediss:// (TLS) or unix:///path.sock; repeat for several cluster seed nodes [env: SESSCTL_REDIS_URL, then REDIS_URL] [default: redis://127.0.0.1:6379/0]')
            [CompletionResult]::new('--redis-url', '--redis-url', [CompletionResultType]::ParameterName, 'Redis URL: redis://[user:pass@]host:port/db, rediss:// (TLS) or unix:///path.sock; repeat for several cluster seed nodes [env: SESSCTL_REDIS_URL, then REDIS_URL] [default: redis://127.0.0.1:6379/0]')
            [CompletionResult]::new('--tls-ca', '--tls-ca', [CompletionResultType]::ParameterName, 'PEM file of CA certificates that signed the server''s certificate (rediss://) [env: SESSCTL_TLS_CA]')
            [CompletionResult]::new('--tls-cert', '--tls-cert', [CompletionResultType]::ParameterName, 'PEM client certificate for servers that require one (tls-auth-clients yes); goes with --tls-key [env: SESSCTL_TLS_CERT]')
            [CompletionResult]::new('--tls-key', '--tls-key', [CompletionResultType]::ParameterName, 'PEM private key of --tls-cert (PKCS#8, PKCS#1 RSA or SEC1 EC, unencrypted) [env: SESSCTL_TLS_KEY]')
            [CompletionResult]::new('--secret-file', '--secret-file', [CompletionResultType]::ParameterName, 'File holding the cookie secret (one trailing newline removed; at most 64 KiB) [env: SESSCTL_SECRET_FILE]')
            [CompletionResult]::new('--secret-format', '--secret-format', [CompletionResultType]::ParameterName, 'How to read the secret: auto (a text starting with `{` must be a valid key ring), text (always one secret, byte for byte) or ring [env: SESSCTL_SECRET_FORMAT] [default: auto]')
            [CompletionResult]::new('--key-version', '--key-version', [CompletionResultType]::ParameterName, 'Key version to sign with when the secret is a key ring [env: SESSCTL_KEY_VERSION] [default: highest in the ring]')
            [CompletionResult]::new('--cookie-name', '--cookie-name', [CompletionResultType]::ParameterName, 'Cookie name (it is part of the signature) [env: SESSCTL_COOKIE_NAME] [default: session_id]')
            [CompletionResult]::new('--prefix', '--prefix', [CompletionResultType]::ParameterName, 'Redis key prefix [env: SESSCTL_PREFIX] [default: session:]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format (prometheus: stats only) [env: SESSCTL_OUTPUT] [default: table]')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format (prometheus: stats only) [env: SESSCTL_OUTPUT] [default: table]')
            [CompletionResult]::new('--ttl', '--ttl', [CompletionResultType]::ParameterName, 'The app''s session lifetime: the TTL `mint` gives, and age = this minus the remaining TTL; 1s to 100y [env: SESSCTL_TTL] [default: 7d]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long to wait for a connection or a reply before giving up; up to 1d [env: SESSCTL_TIMEOUT] [default: 10s]')
            [CompletionResult]::new('--retry-deadline', '--retry-deadline', [CompletionResultType]::ParameterName, 'How long to keep retrying while Redis recovers (dropped connections, a failover, LOADING, CLUSTERDOWN…); up to 1d [env: SESSCTL_RETRY_DEADLINE] [default: 30s]')
            [CompletionResult]::new('--wait-replicas', '--wait-replicas', [CompletionResultType]::ParameterName, 'Replicas that must acknowledge each batch of writes (WAIT) before it counts as done; 0 writes without waiting, 0 to 100 [env: SESSCTL_WAIT_REPLICAS] [default: 1 where the primary has replicas, else 0]')
            [CompletionResult]::new('--scan-count', '--scan-count', [CompletionResultType]::ParameterName, 'SCAN COUNT hint (keys per SCAN call), 1 to 100000 [env: SESSCTL_SCAN_COUNT] [default: 250]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Colour in tables: auto, always, never (NO_COLOR is honoured) [env: SESSCTL_COLOR] [default: auto]')
            [CompletionResult]::new('--output-file', '--output-file', [CompletionResultType]::ParameterName, 'Write the output to FILE atomically (a temporary file renamed over it once the output is complete; a failed or interrupted run leaves FILE as it was)')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Revoke every session under the prefix')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Count what would be revoked; delete nothing')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Do not ask for confirmation (required for --all/--users-file when stdin is not a terminal). On a terminal they count the sessions first and ask, naming the server, the prefix and the selection; --all wants that number typed. A no: exit 1, nothing revoked')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask for confirmation (required for --all/--users-file when stdin is not a terminal). On a terminal they count the sessions first and ask, naming the server, the prefix and the selection; --all wants that number typed. A no: exit 1, nothing revoked')
            [CompletionResult]::new('--snapshot', '--snapshot', [CompletionResultType]::ParameterName, 'Find the sessions in a point-in-time snapshot of each primary (read over replication, SYNC) instead of scanning; deletions still go to the live server (compare-and-delete)')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'The URLs are Redis Cluster seed nodes (detected automatically otherwise) [env: SESSCTL_CLUSTER=1]')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress bars or informational messages on stderr [env: SESSCTL_QUIET=1]')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress bars or informational messages on stderr [env: SESSCTL_QUIET=1]')
            [CompletionResult]::new('--no-headers', '--no-headers', [CompletionResultType]::ParameterName, 'Tables and CSV without their header row')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'sessctl;cleanup' {
            [CompletionResult]::new('--max-age', '--max-age', [CompletionResultType]::ParameterName, 'Delete sessions older than this (age = --ttl minus remaining TTL); must be less than --ttl, and at least 1h unless --yes')
            [CompletionResult]::new('--no-ttl', '--no-ttl', [CompletionResultType]::ParameterName, 'What to do with session keys that have no expiry')
            [CompletionResult]::new('--audit-log', '--audit-log', [CompletionResultType]::ParameterName, 'Append one JSON line per deleted or fixed session to FILE (never the session id) [env: SESSCTL_AUDIT_LOG]')
            [CompletionResult]::new('--backup', '--backup', [CompletionResultType]::ParameterName, 'Before each deletion, append the session (key, user, remaining TTL) to FILE (mode 0600), for `sessctl restore`; FILE holds live credentials')
            [CompletionResult]::new('--rate', '--rate', [CompletionResultType]::ParameterName, 'Scan at most this many keys per second, all primaries together, at a steady pace; 10 to 10000000 (20k = 20000) [env: SESSCTL_RATE]')
            [CompletionResult]::new('--max-latency', '--max-latency', [CompletionResultType]::ParameterName, 'Go as fast as keeps the latency other clients see (a PING on a connection of its own every 1ms, per primary) under this at its 99th percentile; 100us to 10s [env: SESSCTL_MAX_LATENCY]')
            [CompletionResult]::new('--max-duration', '--max-duration', [CompletionResultType]::ParameterName, 'Stop the scan cleanly after this long (exit 0, complete: false in the summary); with --resume the next run continues where this one stopped; 10ms to 30d')
            [CompletionResult]::new('--resume', '--resume', [CompletionResultType]::ParameterName, 'Continue from the per-primary cursors saved in FILE, if it exists, and save them there when the scan stops before its end (the file is removed once the scan is complete); refused when FILE was saved for another server, prefix or selection')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Settings from this profile of the config file (flags and environment variables still win) [env: SESSCTL_PROFILE] [default: the file''s default_profile]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The config file [env: SESSCTL_CONFIG] [default: $XDG_CONFIG_HOME/sessctl/config.toml, else ~/.config/sessctl/config.toml]')
            [CompletionResult]::new('-r', '-r', [CompletionResultType]::ParameterName, 'Redis URL: redis://[user:pass@]host:port/db, rediss:// (TLS) or unix:///path.sock; repeat for several cluster seed nodes [env: SESSCTL_REDIS_URL, then REDIS_URL] [default: redis://127.0.0.1:6379/0]')
            [CompletionResult]::new('--redis-url', '--redis-url', [CompletionResultType]::ParameterName, 'Redis URL: redis://[user:pass@]host:port/db, rediss:// (TLS) or unix:///path.sock; repeat for several cluster seed nodes [env: SESSCTL_REDIS_URL, then REDIS_URL] [default: redis://127.0.0.1:6379/0]')
            [CompletionResult]::new('--tls-ca', '--tls-ca', [CompletionResultType]::ParameterName, 'PEM file of CA certificates that signed the server''s certificate (rediss://) [env: SESSCTL_TLS_CA]')
            [CompletionResult]::new('--tls-cert', '--tls-cert', [CompletionResultType]::ParameterName, 'PEM client certificate for servers that require one (tls-auth-clients yes); goes with --tls-key [env: SESSCTL_TLS_CERT]')
            [CompletionResult]::new('--tls-key', '--tls-key', [CompletionResultType]::ParameterName, 'PEM private key of --tls-cert (PKCS#8, PKCS#1 RSA or SEC1 EC, unencrypted) [env: SESSCTL_TLS_KEY]')
            [CompletionResult]::new('--secret-file', '--secret-file', [CompletionResultType]::ParameterName, 'File holding the cookie secret (one trailing newline removed; at most 64 KiB) [env: SESSCTL_SECRET_FILE]')
            [CompletionResult]::new('--secret-format', '--secret-format', [CompletionResultType]::ParameterName, 'How to read the secret: auto (a text starting with `{` must be a valid key ring), text (always one secret, byte for byte) or ring [env: SESSCTL_SECRET_FORMAT] [default: auto]')
            [CompletionResult]::new('--key-version', '--key-version', [CompletionResultType]::ParameterName, 'Key version to sign with when the secret is a key ring [env: SESSCTL_KEY_VERSION] [default: highest in the ring]')
            [CompletionResult]::new('--cookie-name', '--cookie-name', [CompletionResultType]::ParameterName, 'Cookie name (it is part of the signature) [env: SESSCTL_COOKIE_NAME] [default: session_id]')
            [CompletionResult]::new('--prefix', '--prefix', [CompletionResultType]::ParameterName, 'Redis key prefix [env: SESSCTL_PREFIX] [default: session:]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format (prometheus: stats only) [env: SESSCTL_OUTPUT] [default: table]')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format (prometheus: stats only) [env: SESSCTL_OUTPUT] [default: table]')
            [CompletionResult]::new('--ttl', '--ttl', [CompletionResultType]::ParameterName, 'The app''s session lifetime: the TTL `mint` gives, and age = this minus the remaining TTL; 1s to 100y [env: SESSCTL_TTL] [default: 7d]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long to wait for a connection or a reply before giving up; up to 1d [env: SESSCTL_TIMEOUT] [default: 10s]')
            [CompletionResult]::new('--retry-deadline', '--retry-deadline', [CompletionResultType]::ParameterName, 'How long to keep retrying while Redis recovers (dropped connections, a failover, LOADING, CLUSTERDOWN…); up to 1d [env: SESSCTL_RETRY_DEADLINE] [default: 30s]')
            [CompletionResult]::new('--wait-replicas', '--wait-replicas', [CompletionResultType]::ParameterName, 'Replicas that must acknowledge each batch of writes (WAIT) before it counts as done; 0 writes without waiting, 0 to 100 [env: SESSCTL_WAIT_REPLICAS] [default: 1 where the primary has replicas, else 0]')
            [CompletionResult]::new('--scan-count', '--scan-count', [CompletionResultType]::ParameterName, 'SCAN COUNT hint (keys per SCAN call), 1 to 100000 [env: SESSCTL_SCAN_COUNT] [default: 250]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Colour in tables: auto, always, never (NO_COLOR is honoured) [env: SESSCTL_COLOR] [default: auto]')
            [CompletionResult]::new('--output-file', '--output-file', [CompletionResultType]::ParameterName, 'Write the output to FILE atomically (a temporary file renamed over it once the output is complete; a failed or interrupted run leaves FILE as it was)')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Count only; change nothing')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Allow a --max-age under one hour')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Allow a --max-age under one hour')
            [CompletionResult]::new('--snapshot', '--snapshot', [CompletionResultType]::ParameterName, 'Find the sessions in a point-in-time snapshot of each primary (read over replication, SYNC) instead of scanning; deletions still go to the live server (compare-and-delete)')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'The URLs are Redis Cluster seed nodes (detected automatically otherwise) [env: SESSCTL_CLUSTER=1]')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress bars or informational messages on stderr [env: SESSCTL_QUIET=1]')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress bars or informational messages on stderr [env: SESSCTL_QUIET=1]')
            [CompletionResult]::new('--no-headers', '--no-headers', [CompletionResultType]::ParameterName, 'Tables and CSV without their header row')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'sessctl;stats' {
            [CompletionResult]::new('--top', '--top', [CompletionResultType]::ParameterName, 'How many top users (by session count) to show, 0 to 10000')
            [CompletionResult]::new('--rdb', '--rdb', [CompletionResultType]::ParameterName, 'Read the sessions from this RDB dump (a backup, or `redis-cli --rdb FILE`) instead of a server; `-` reads stdin. TTLs are as of the dump''s time unless --now')
            [CompletionResult]::new('--rate', '--rate', [CompletionResultType]::ParameterName, 'Scan at most this many keys per second, all primaries together, at a steady pace; 10 to 10000000 (20k = 20000) [env: SESSCTL_RATE]')
            [CompletionResult]::new('--max-latency', '--max-latency', [CompletionResultType]::ParameterName, 'Go as fast as keeps the latency other clients see (a PING on a connection of its own every 1ms, per primary) under this at its 99th percentile; 100us to 10s [env: SESSCTL_MAX_LATENCY]')
            [CompletionResult]::new('--max-duration', '--max-duration', [CompletionResultType]::ParameterName, 'Stop the scan cleanly after this long (exit 0, complete: false in the summary); with --resume the next run continues where this one stopped; 10ms to 30d')
            [CompletionResult]::new('--resume', '--resume', [CompletionResultType]::ParameterName, 'Continue from the per-primary cursors saved in FILE, if it exists, and save them there when the scan stops before its end (the file is removed once the scan is complete); refused when FILE was saved for another server, prefix or selection')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Settings from this profile of the config file (flags and environment variables still win) [env: SESSCTL_PROFILE] [default: the file''s default_profile]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The config file [env: SESSCTL_CONFIG] [default: $XDG_CONFIG_HOME/sessctl/config.toml, else ~/.config/sessctl/config.toml]')
            [CompletionResult]::new('-r', '-r', [CompletionResultType]::ParameterName, 'Redis URL: redis://[user:pass@]host:port/db, rediss:// (TLS) or unix:///path.sock; repeat for several cluster seed nodes [env: SESSCTL_REDIS_URL, then REDIS_URL] [default: redis://127.0.0.1:6379/0]')
            [CompletionResult]::new('--redis-url', '--redis-url', [CompletionResultType]::ParameterName, 'Redis URL: redis://[user:pass@]host:port/db, rediss:// (TLS) or unix:///path.sock; repeat for several cluster seed nodes [env: SESSCTL_REDIS_URL, then REDIS_URL] [default: redis://127.0.0.1:6379/0]')
            [CompletionResult]::new('--tls-ca', '--tls-ca', [CompletionResultType]::ParameterName, 'PEM file of CA certificates that signed the server''s certificate (rediss://) [env: SESSCTL_TLS_CA]')
            [CompletionResult]::new('--tls-cert', '--tls-cert', [CompletionResultType]::ParameterName, 'PEM client certificate for servers that require one (tls-auth-clients yes); goes with --tls-key [env: SESSCTL_TLS_CERT]')
            [CompletionResult]::new('--tls-key', '--tls-key', [CompletionResultType]::ParameterName, 'PEM private key of --tls-cert (PKCS#8, PKCS#1 RSA or SEC1 EC, unencrypted) [env: SESSCTL_TLS_KEY]')
            [CompletionResult]::new('--secret-file', '--secret-file', [CompletionResultType]::ParameterName, 'File holding the cookie secret (one trailing newline removed; at most 64 KiB) [env: SESSCTL_SECRET_FILE]')
            [CompletionResult]::new('--secret-format', '--secret-format', [CompletionResultType]::ParameterName, 'How to read the secret: auto (a text starting with `{` must be a valid key ring), text (always one secret, byte for byte) or ring [env: SESSCTL_SECRET_FORMAT] [default: auto]')
            [CompletionResult]::new('--key-version', '--key-version', [CompletionResultType]::ParameterName, 'Key version to sign with when the secret is a key ring [env: SESSCTL_KEY_VERSION] [default: highest in the ring]')
            [CompletionResult]::new('--cookie-name', '--cookie-name', [CompletionResultType]::ParameterName, 'Cookie name (it is part of the signature) [env: SESSCTL_COOKIE_NAME] [default: session_id]')
            [CompletionResult]::new('--prefix', '--prefix', [CompletionResultType]::ParameterName, 'Redis key prefix [env: SESSCTL_PREFIX] [default: session:]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format (prometheus: stats only) [env: SESSCTL_OUTPUT] [default: table]')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format (prometheus: stats only) [env: SESSCTL_OUTPUT] [default: table]')
            [CompletionResult]::new('--ttl', '--ttl', [CompletionResultType]::ParameterName, 'The app''s session lifetime: the TTL `mint` gives, and age = this minus the remaining TTL; 1s to 100y [env: SESSCTL_TTL] [default: 7d]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long to wait for a connection or a reply before giving up; up to 1d [env: SESSCTL_TIMEOUT] [default: 10s]')
            [CompletionResult]::new('--retry-deadline', '--retry-deadline', [CompletionResultType]::ParameterName, 'How long to keep retrying while Redis recovers (dropped connections, a failover, LOADING, CLUSTERDOWN…); up to 1d [env: SESSCTL_RETRY_DEADLINE] [default: 30s]')
            [CompletionResult]::new('--wait-replicas', '--wait-replicas', [CompletionResultType]::ParameterName, 'Replicas that must acknowledge each batch of writes (WAIT) before it counts as done; 0 writes without waiting, 0 to 100 [env: SESSCTL_WAIT_REPLICAS] [default: 1 where the primary has replicas, else 0]')
            [CompletionResult]::new('--scan-count', '--scan-count', [CompletionResultType]::ParameterName, 'SCAN COUNT hint (keys per SCAN call), 1 to 100000 [env: SESSCTL_SCAN_COUNT] [default: 250]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Colour in tables: auto, always, never (NO_COLOR is honoured) [env: SESSCTL_COLOR] [default: auto]')
            [CompletionResult]::new('--output-file', '--output-file', [CompletionResultType]::ParameterName, 'Write the output to FILE atomically (a temporary file renamed over it once the output is complete; a failed or interrupted run leaves FILE as it was)')
            [CompletionResult]::new('--snapshot', '--snapshot', [CompletionResultType]::ParameterName, 'Read a point-in-time snapshot of each primary over replication (SYNC) instead of scanning: the server''s forked child does the work, not its main thread')
            [CompletionResult]::new('--now', '--now', [CompletionResultType]::ParameterName, 'With --rdb or --snapshot: count TTLs from now rather than from the dump''s own time')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'The URLs are Redis Cluster seed nodes (detected automatically otherwise) [env: SESSCTL_CLUSTER=1]')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress bars or informational messages on stderr [env: SESSCTL_QUIET=1]')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress bars or informational messages on stderr [env: SESSCTL_QUIET=1]')
            [CompletionResult]::new('--no-headers', '--no-headers', [CompletionResultType]::ParameterName, 'Tables and CSV without their header row')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'sessctl;restore' {
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Settings from this profile of the config file (flags and environment variables still win) [env: SESSCTL_PROFILE] [default: the file''s default_profile]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The config file [env: SESSCTL_CONFIG] [default: $XDG_CONFIG_HOME/sessctl/config.toml, else ~/.config/sessctl/config.toml]')
            [CompletionResult]::new('-r', '-r', [CompletionResultType]::ParameterName, 'Redis URL: redis://[user:pass@]host:port/db, rediss:// (TLS) or unix:///path.sock; repeat for several cluster seed nodes [env: SESSCTL_REDIS_URL, then REDIS_URL] [default: redis://127.0.0.1:6379/0]')
            [CompletionResult]::new('--redis-url', '--redis-url', [CompletionResultType]::ParameterName, 'Redis URL: redis://[user:pass@]host:port/db, rediss:// (TLS) or unix:///path.sock; repeat for several cluster seed nodes [env: SESSCTL_REDIS_URL, then REDIS_URL] [default: redis://127.0.0.1:6379/0]')
            [CompletionResult]::new('--tls-ca', '--tls-ca', [CompletionResultType]::ParameterName, 'PEM file of CA certificates that signed the server''s certificate (rediss://) [env: SESSCTL_TLS_CA]')
            [CompletionResult]::new('--tls-cert', '--tls-cert', [CompletionResultType]::ParameterName, 'PEM client certificate for servers that require one (tls-auth-clients yes); goes with --tls-key [env: SESSCTL_TLS_CERT]')
            [CompletionResult]::new('--tls-key', '--tls-key', [CompletionResultType]::ParameterName, 'PEM private key of --tls-cert (PKCS#8, PKCS#1 RSA or SEC1 EC, unencrypted) [env: SESSCTL_TLS_KEY]')
            [CompletionResult]::new('--secret-file', '--secret-file', [CompletionResultType]::ParameterName, 'File holding the cookie secret (one trailing newline removed; at most 64 KiB) [env: SESSCTL_SECRET_FILE]')
            [CompletionResult]::new('--secret-format', '--secret-format', [CompletionResultType]::ParameterName, 'How to read the secret: auto (a text starting with `{` must be a valid key ring), text (always one secret, byte for byte) or ring [env: SESSCTL_SECRET_FORMAT] [default: auto]')
            [CompletionResult]::new('--key-version', '--key-version', [CompletionResultType]::ParameterName, 'Key version to sign with when the secret is a key ring [env: SESSCTL_KEY_VERSION] [default: highest in the ring]')
            [CompletionResult]::new('--cookie-name', '--cookie-name', [CompletionResultType]::ParameterName, 'Cookie name (it is part of the signature) [env: SESSCTL_COOKIE_NAME] [default: session_id]')
            [CompletionResult]::new('--prefix', '--prefix', [CompletionResultType]::ParameterName, 'Redis key prefix [env: SESSCTL_PREFIX] [default: session:]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format (prometheus: stats only) [env: SESSCTL_OUTPUT] [default: table]')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format (prometheus: stats only) [env: SESSCTL_OUTPUT] [default: table]')
            [CompletionResult]::new('--ttl', '--ttl', [CompletionResultType]::ParameterName, 'The app''s session lifetime: the TTL `mint` gives, and age = this minus the remaining TTL; 1s to 100y [env: SESSCTL_TTL] [default: 7d]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long to wait for a connection or a reply before giving up; up to 1d [env: SESSCTL_TIMEOUT] [default: 10s]')
            [CompletionResult]::new('--retry-deadline', '--retry-deadline', [CompletionResultType]::ParameterName, 'How long to keep retrying while Redis recovers (dropped connections, a failover, LOADING, CLUSTERDOWN…); up to 1d [env: SESSCTL_RETRY_DEADLINE] [default: 30s]')
            [CompletionResult]::new('--wait-replicas', '--wait-replicas', [CompletionResultType]::ParameterName, 'Replicas that must acknowledge each batch of writes (WAIT) before it counts as done; 0 writes without waiting, 0 to 100 [env: SESSCTL_WAIT_REPLICAS] [default: 1 where the primary has replicas, else 0]')
            [CompletionResult]::new('--scan-count', '--scan-count', [CompletionResultType]::ParameterName, 'SCAN COUNT hint (keys per SCAN call), 1 to 100000 [env: SESSCTL_SCAN_COUNT] [default: 250]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Colour in tables: auto, always, never (NO_COLOR is honoured) [env: SESSCTL_COLOR] [default: auto]')
            [CompletionResult]::new('--output-file', '--output-file', [CompletionResultType]::ParameterName, 'Write the output to FILE atomically (a temporary file renamed over it once the output is complete; a failed or interrupted run leaves FILE as it was)')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Count what would be restored; write nothing')
            [CompletionResult]::new('--unverified', '--unverified', [CompletionResultType]::ParameterName, 'Restore a file whose lines carry no chain (written before sessctl chained them) or whose chain does not verify (a file you edited): edits cannot be detected, so only lines shaped like the app''s sessions (43-character ids, a user) are accepted')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'The URLs are Redis Cluster seed nodes (detected automatically otherwise) [env: SESSCTL_CLUSTER=1]')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress bars or informational messages on stderr [env: SESSCTL_QUIET=1]')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress bars or informational messages on stderr [env: SESSCTL_QUIET=1]')
            [CompletionResult]::new('--no-headers', '--no-headers', [CompletionResultType]::ParameterName, 'Tables and CSV without their header row')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'sessctl;doctor' {
            [CompletionResult]::new('--sample', '--sample', [CompletionResultType]::ParameterName, 'Keys to examine per primary for the population checks (all of them when there are fewer; then the counts are exact)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Settings from this profile of the config file (flags and environment variables still win) [env: SESSCTL_PROFILE] [default: the file''s default_profile]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The config file [env: SESSCTL_CONFIG] [default: $XDG_CONFIG_HOME/sessctl/config.toml, else ~/.config/sessctl/config.toml]')
            [CompletionResult]::new('-r', '-r', [CompletionResultType]::ParameterName, 'Redis URL: redis://[user:pass@]host:port/db, rediss:// (TLS) or unix:///path.sock; repeat for several cluster seed nodes [env: SESSCTL_REDIS_URL, then REDIS_URL] [default: redis://127.0.0.1:6379/0]')
            [CompletionResult]::new('--redis-url', '--redis-url', [CompletionResultType]::ParameterName, 'Redis URL: redis://[user:pass@]host:port/db, rediss:// (TLS) or unix:///path.sock; repeat for several cluster seed nodes [env: SESSCTL_REDIS_URL, then REDIS_URL] [default: redis://127.0.0.1:6379/0]')
            [CompletionResult]::new('--tls-ca', '--tls-ca', [CompletionResultType]::ParameterName, 'PEM file of CA certificates that signed the server''s certificate (rediss://) [env: SESSCTL_TLS_CA]')
            [CompletionResult]::new('--tls-cert', '--tls-cert', [CompletionResultType]::ParameterName, 'PEM client certificate for servers that require one (tls-auth-clients yes); goes with --tls-key [env: SESSCTL_TLS_CERT]')
            [CompletionResult]::new('--tls-key', '--tls-key', [CompletionResultType]::ParameterName, 'PEM private key of --tls-cert (PKCS#8, PKCS#1 RSA or SEC1 EC, unencrypted) [env: SESSCTL_TLS_KEY]')
            [CompletionResult]::new('--secret-file', '--secret-file', [CompletionResultType]::ParameterName, 'File holding the cookie secret (one trailing newline removed; at most 64 KiB) [env: SESSCTL_SECRET_FILE]')
            [CompletionResult]::new('--secret-format', '--secret-format', [CompletionResultType]::ParameterName, 'How to read the secret: auto (a text starting with `{` must be a valid key ring), text (always one secret, byte for byte) or ring [env: SESSCTL_SECRET_FORMAT] [default: auto]')
            [CompletionResult]::new('--key-version', '--key-version', [CompletionResultType]::ParameterName, 'Key version to sign with when the secret is a key ring [env: SESSCTL_KEY_VERSION] [default: highest in the ring]')
            [CompletionResult]::new('--cookie-name', '--cookie-name', [CompletionResultType]::ParameterName, 'Cookie name (it is part of the signature) [env: SESSCTL_COOKIE_NAME] [default: session_id]')
            [CompletionResult]::new('--prefix', '--prefix', [CompletionResultType]::ParameterName, 'Redis key prefix [env: SESSCTL_PREFIX] [default: session:]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format (prometheus: stats only) [env: SESSCTL_OUTPUT] [default: table]')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format (prometheus: stats only) [env: SESSCTL_OUTPUT] [default: table]')
            [CompletionResult]::new('--ttl', '--ttl', [CompletionResultType]::ParameterName, 'The app''s session lifetime: the TTL `mint` gives, and age = this minus the remaining TTL; 1s to 100y [env: SESSCTL_TTL] [default: 7d]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long to wait for a connection or a reply before giving up; up to 1d [env: SESSCTL_TIMEOUT] [default: 10s]')
            [CompletionResult]::new('--retry-deadline', '--retry-deadline', [CompletionResultType]::ParameterName, 'How long to keep retrying while Redis recovers (dropped connections, a failover, LOADING, CLUSTERDOWN…); up to 1d [env: SESSCTL_RETRY_DEADLINE] [default: 30s]')
            [CompletionResult]::new('--wait-replicas', '--wait-replicas', [CompletionResultType]::ParameterName, 'Replicas that must acknowledge each batch of writes (WAIT) before it counts as done; 0 writes without waiting, 0 to 100 [env: SESSCTL_WAIT_REPLICAS] [default: 1 where the primary has replicas, else 0]')
            [CompletionResult]::new('--scan-count', '--scan-count', [CompletionResultType]::ParameterName, 'SCAN COUNT hint (keys per SCAN call), 1 to 100000 [env: SESSCTL_SCAN_COUNT] [default: 250]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Colour in tables: auto, always, never (NO_COLOR is honoured) [env: SESSCTL_COLOR] [default: auto]')
            [CompletionResult]::new('--output-file', '--output-file', [CompletionResultType]::ParameterName, 'Write the output to FILE atomically (a temporary file renamed over it once the output is complete; a failed or interrupted run leaves FILE as it was)')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'The URLs are Redis Cluster seed nodes (detected automatically otherwise) [env: SESSCTL_CLUSTER=1]')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress bars or informational messages on stderr [env: SESSCTL_QUIET=1]')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress bars or informational messages on stderr [env: SESSCTL_QUIET=1]')
            [CompletionResult]::new('--no-headers', '--no-headers', [CompletionResultType]::ParameterName, 'Tables and CSV without their header row')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'sessctl;gen-secret' {
            [CompletionResult]::new('--bytes', '--bytes', [CompletionResultType]::ParameterName, 'Random bytes in the new secret (from the OS generator; printed URL-safe base64)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Settings from this profile of the config file (flags and environment variables still win) [env: SESSCTL_PROFILE] [default: the file''s default_profile]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The config file [env: SESSCTL_CONFIG] [default: $XDG_CONFIG_HOME/sessctl/config.toml, else ~/.config/sessctl/config.toml]')
            [CompletionResult]::new('-r', '-r', [CompletionResultType]::ParameterName, 'Redis URL: redis://[user:pass@]host:port/db, rediss:// (TLS) or unix:///path.sock; repeat for several cluster seed nodes [env: SESSCTL_REDIS_URL, then REDIS_URL] [default: redis://127.0.0.1:6379/0]')
            [CompletionResult]::new('--redis-url', '--redis-url', [CompletionResultType]::ParameterName, 'Redis URL: redis://[user:pass@]host:port/db, rediss:// (TLS) or unix:///path.sock; repeat for several cluster seed nodes [env: SESSCTL_REDIS_URL, then REDIS_URL] [default: redis://127.0.0.1:6379/0]')
            [CompletionResult]::new('--tls-ca', '--tls-ca', [CompletionResultType]::ParameterName, 'PEM file of CA certificates that signed the server''s certificate (rediss://) [env: SESSCTL_TLS_CA]')
            [CompletionResult]::new('--tls-cert', '--tls-cert', [CompletionResultType]::ParameterName, 'PEM client certificate for servers that require one (tls-auth-clients yes); goes with --tls-key [env: SESSCTL_TLS_CERT]')
            [CompletionResult]::new('--tls-key', '--tls-key', [CompletionResultType]::ParameterName, 'PEM private key of --tls-cert (PKCS#8, PKCS#1 RSA or SEC1 EC, unencrypted) [env: SESSCTL_TLS_KEY]')
            [CompletionResult]::new('--secret-file', '--secret-file', [CompletionResultType]::ParameterName, 'File holding the cookie secret (one trailing newline removed; at most 64 KiB) [env: SESSCTL_SECRET_FILE]')
            [CompletionResult]::new('--secret-format', '--secret-format', [CompletionResultType]::ParameterName, 'How to read the secret: auto (a text starting with `{` must be a valid key ring), text (always one secret, byte for byte) or ring [env: SESSCTL_SECRET_FORMAT] [default: auto]')
            [CompletionResult]::new('--key-version', '--key-version', [CompletionResultType]::ParameterName, 'Key version to sign with when the secret is a key ring [env: SESSCTL_KEY_VERSION] [default: highest in the ring]')
            [CompletionResult]::new('--cookie-name', '--cookie-name', [CompletionResultType]::ParameterName, 'Cookie name (it is part of the signature) [env: SESSCTL_COOKIE_NAME] [default: session_id]')
            [CompletionResult]::new('--prefix', '--prefix', [CompletionResultType]::ParameterName, 'Redis key prefix [env: SESSCTL_PREFIX] [default: session:]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format (prometheus: stats only) [env: SESSCTL_OUTPUT] [default: table]')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format (prometheus: stats only) [env: SESSCTL_OUTPUT] [default: table]')
            [CompletionResult]::new('--ttl', '--ttl', [CompletionResultType]::ParameterName, 'The app''s session lifetime: the TTL `mint` gives, and age = this minus the remaining TTL; 1s to 100y [env: SESSCTL_TTL] [default: 7d]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long to wait for a connection or a reply before giving up; up to 1d [env: SESSCTL_TIMEOUT] [default: 10s]')
            [CompletionResult]::new('--retry-deadline', '--retry-deadline', [CompletionResultType]::ParameterName, 'How long to keep retrying while Redis recovers (dropped connections, a failover, LOADING, CLUSTERDOWN…); up to 1d [env: SESSCTL_RETRY_DEADLINE] [default: 30s]')
            [CompletionResult]::new('--wait-replicas', '--wait-replicas', [CompletionResultType]::ParameterName, 'Replicas that must acknowledge each batch of writes (WAIT) before it counts as done; 0 writes without waiting, 0 to 100 [env: SESSCTL_WAIT_REPLICAS] [default: 1 where the primary has replicas, else 0]')
            [CompletionResult]::new('--scan-count', '--scan-count', [CompletionResultType]::ParameterName, 'SCAN COUNT hint (keys per SCAN call), 1 to 100000 [env: SESSCTL_SCAN_COUNT] [default: 250]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Colour in tables: auto, always, never (NO_COLOR is honoured) [env: SESSCTL_COLOR] [default: auto]')
            [CompletionResult]::new('--output-file', '--output-file', [CompletionResultType]::ParameterName, 'Write the output to FILE atomically (a temporary file renamed over it once the output is complete; a failed or interrupted run leaves FILE as it was)')
            [CompletionResult]::new('--ring', '--ring', [CompletionResultType]::ParameterName, 'Print the configured secret (one secret or a key ring) as a key ring with a new secret added under the next version')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'The URLs are Redis Cluster seed nodes (detected automatically otherwise) [env: SESSCTL_CLUSTER=1]')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress bars or informational messages on stderr [env: SESSCTL_QUIET=1]')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress bars or informational messages on stderr [env: SESSCTL_QUIET=1]')
            [CompletionResult]::new('--no-headers', '--no-headers', [CompletionResultType]::ParameterName, 'Tables and CSV without their header row')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'sessctl;config' {
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Settings from this profile of the config file (flags and environment variables still win) [env: SESSCTL_PROFILE] [default: the file''s default_profile]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The config file [env: SESSCTL_CONFIG] [default: $XDG_CONFIG_HOME/sessctl/config.toml, else ~/.config/sessctl/config.toml]')
            [CompletionResult]::new('-r', '-r', [CompletionResultType]::ParameterName, 'Redis URL: redis://[user:pass@]host:port/db, rediss:// (TLS) or unix:///path.sock; repeat for several cluster seed nodes [env: SESSCTL_REDIS_URL, then REDIS_URL] [default: redis://127.0.0.1:6379/0]')
            [CompletionResult]::new('--redis-url', '--redis-url', [CompletionResultType]::ParameterName, 'Redis URL: redis://[user:pass@]host:port/db, rediss:// (TLS) or unix:///path.sock; repeat for several cluster seed nodes [env: SESSCTL_REDIS_URL, then REDIS_URL] [default: redis://127.0.0.1:6379/0]')
            [CompletionResult]::new('--tls-ca', '--tls-ca', [CompletionResultType]::ParameterName, 'PEM file of CA certificates that signed the server''s certificate (rediss://) [env: SESSCTL_TLS_CA]')
            [CompletionResult]::new('--tls-cert', '--tls-cert', [CompletionResultType]::ParameterName, 'PEM client certificate for servers that require one (tls-auth-clients yes); goes with --tls-key [env: SESSCTL_TLS_CERT]')
            [CompletionResult]::new('--tls-key', '--tls-key', [CompletionResultType]::ParameterName, 'PEM private key of --tls-cert (PKCS#8, PKCS#1 RSA or SEC1 EC, unencrypted) [env: SESSCTL_TLS_KEY]')
            [CompletionResult]::new('--secret-file', '--secret-file', [CompletionResultType]::ParameterName, 'File holding the cookie secret (one trailing newline removed; at most 64 KiB) [env: SESSCTL_SECRET_FILE]')
            [CompletionResult]::new('--secret-format', '--secret-format', [CompletionResultType]::ParameterName, 'How to read the secret: auto (a text starting with `{` must be a valid key ring), text (always one secret, byte for byte) or ring [env: SESSCTL_SECRET_FORMAT] [default: auto]')
            [CompletionResult]::new('--key-version', '--key-version', [CompletionResultType]::ParameterName, 'Key version to sign with when the secret is a key ring [env: SESSCTL_KEY_VERSION] [default: highest in the ring]')
            [CompletionResult]::new('--cookie-name', '--cookie-name', [CompletionResultType]::ParameterName, 'Cookie name (it is part of the signature) [env: SESSCTL_COOKIE_NAME] [default: session_id]')
            [CompletionResult]::new('--prefix', '--prefix', [CompletionResultType]::ParameterName, 'Redis key prefix [env: SESSCTL_PREFIX] [default: session:]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format (prometheus: stats only) [env: SESSCTL_OUTPUT] [default: table]')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format (prometheus: stats only) [env: SESSCTL_OUTPUT] [default: table]')
            [CompletionResult]::new('--ttl', '--ttl', [CompletionResultType]::ParameterName, 'The app''s session lifetime: the TTL `mint` gives, and age = this minus the remaining TTL; 1s to 100y [env: SESSCTL_TTL] [default: 7d]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long to wait for a connection or a reply before giving up; up to 1d [env: SESSCTL_TIMEOUT] [default: 10s]')
            [CompletionResult]::new('--retry-deadline', '--retry-deadline', [CompletionResultType]::ParameterName, 'How long to keep retrying while Redis recovers (dropped connections, a failover, LOADING, CLUSTERDOWN…); up to 1d [env: SESSCTL_RETRY_DEADLINE] [default: 30s]')
            [CompletionResult]::new('--wait-replicas', '--wait-replicas', [CompletionResultType]::ParameterName, 'Replicas that must acknowledge each batch of writes (WAIT) before it counts as done; 0 writes without waiting, 0 to 100 [env: SESSCTL_WAIT_REPLICAS] [default: 1 where the primary has replicas, else 0]')
            [CompletionResult]::new('--scan-count', '--scan-count', [CompletionResultType]::ParameterName, 'SCAN COUNT hint (keys per SCAN call), 1 to 100000 [env: SESSCTL_SCAN_COUNT] [default: 250]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Colour in tables: auto, always, never (NO_COLOR is honoured) [env: SESSCTL_COLOR] [default: auto]')
            [CompletionResult]::new('--output-file', '--output-file', [CompletionResultType]::ParameterName, 'Write the output to FILE atomically (a temporary file renamed over it once the output is complete; a failed or interrupted run leaves FILE as it was)')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'The URLs are Redis Cluster seed nodes (detected automatically otherwise) [env: SESSCTL_CLUSTER=1]')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress bars or informational messages on stderr [env: SESSCTL_QUIET=1]')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress bars or informational messages on stderr [env: SESSCTL_QUIET=1]')
            [CompletionResult]::new('--no-headers', '--no-headers', [CompletionResultType]::ParameterName, 'Tables and CSV without their header row')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Every setting as a command would resolve it (flag > environment > profile > default), with where it came from; the secret is never shown, only where it is read from')
            [CompletionResult]::new('profiles', 'profiles', [CompletionResultType]::ParameterValue, 'The profiles of the config file, the default one and the one chosen now')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'sessctl;config;show' {
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Settings from this profile of the config file (flags and environment variables still win) [env: SESSCTL_PROFILE] [default: the file''s default_profile]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The config file [env: SESSCTL_CONFIG] [default: $XDG_CONFIG_HOME/sessctl/config.toml, else ~/.config/sessctl/config.toml]')
            [CompletionResult]::new('-r', '-r', [CompletionResultType]::ParameterName, 'Redis URL: redis://[user:pass@]host:port/db, rediss:// (TLS) or unix:///path.sock; repeat for several cluster seed nodes [env: SESSCTL_REDIS_URL, then REDIS_URL] [default: redis://127.0.0.1:6379/0]')
            [CompletionResult]::new('--redis-url', '--redis-url', [CompletionResultType]::ParameterName, 'Redis URL: redis://[user:pass@]host:port/db, rediss:// (TLS) or unix:///path.sock; repeat for several cluster seed nodes [env: SESSCTL_REDIS_URL, then REDIS_URL] [default: redis://127.0.0.1:6379/0]')
            [CompletionResult]::new('--tls-ca', '--tls-ca', [CompletionResultType]::ParameterName, 'PEM file of CA certificates that signed the server''s certificate (rediss://) [env: SESSCTL_TLS_CA]')
            [CompletionResult]::new('--tls-cert', '--tls-cert', [CompletionResultType]::ParameterName, 'PEM client certificate for servers that require one (tls-auth-clients yes); goes with --tls-key [env: SESSCTL_TLS_CERT]')
            [CompletionResult]::new('--tls-key', '--tls-key', [CompletionResultType]::ParameterName, 'PEM private key of --tls-cert (PKCS#8, PKCS#1 RSA or SEC1 EC, unencrypted) [env: SESSCTL_TLS_KEY]')
            [CompletionResult]::new('--secret-file', '--secret-file', [CompletionResultType]::ParameterName, 'File holding the cookie secret (one trailing newline removed; at most 64 KiB) [env: SESSCTL_SECRET_FILE]')
            [CompletionResult]::new('--secret-format', '--secret-format', [CompletionResultType]::ParameterName, 'How to read the secret: auto (a text starting with `{` must be a valid key ring), text (always one secret, byte for byte) or ring [env: SESSCTL_SECRET_FORMAT] [default: auto]')
            [CompletionResult]::new('--key-version', '--key-version', [CompletionResultType]::ParameterName, 'Key version to sign with when the secret is a key ring [env: SESSCTL_KEY_VERSION] [default: highest in the ring]')
            [CompletionResult]::new('--cookie-name', '--cookie-name', [CompletionResultType]::ParameterName, 'Cookie name (it is part of the signature) [env: SESSCTL_COOKIE_NAME] [default: session_id]')
            [CompletionResult]::new('--prefix', '--prefix', [CompletionResultType]::ParameterName, 'Redis key prefix [env: SESSCTL_PREFIX] [default: session:]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format (prometheus: stats only) [env: SESSCTL_OUTPUT] [default: table]')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format (prometheus: stats only) [env: SESSCTL_OUTPUT] [default: table]')
            [CompletionResult]::new('--ttl', '--ttl', [CompletionResultType]::ParameterName, 'The app''s session lifetime: the TTL `mint` gives, and age = this minus the remaining TTL; 1s to 100y [env: SESSCTL_TTL] [default: 7d]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long to wait for a connection or a reply before giving up; up to 1d [env: SESSCTL_TIMEOUT] [default: 10s]')
            [CompletionResult]::new('--retry-deadline', '--retry-deadline', [CompletionResultType]::ParameterName, 'How long to keep retrying while Redis recovers (dropped connections, a failover, LOADING, CLUSTERDOWN…); up to 1d [env: SESSCTL_RETRY_DEADLINE] [default: 30s]')
            [CompletionResult]::new('--wait-replicas', '--wait-replicas', [CompletionResultType]::ParameterName, 'Replicas that must acknowledge each batch of writes (WAIT) before it counts as done; 0 writes without waiting, 0 to 100 [env: SESSCTL_WAIT_REPLICAS] [default: 1 where the primary has replicas, else 0]')
            [CompletionResult]::new('--scan-count', '--scan-count', [CompletionResultType]::ParameterName, 'SCAN COUNT hint (keys per SCAN call), 1 to 100000 [env: SESSCTL_SCAN_COUNT] [default: 250]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Colour in tables: auto, always, never (NO_COLOR is honoured) [env: SESSCTL_COLOR] [default: auto]')
            [CompletionResult]::new('--output-file', '--output-file', [CompletionResultType]::ParameterName, 'Write the output to FILE atomically (a temporary file renamed over it once the output is complete; a failed or interrupted run leaves FILE as it was)')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'The URLs are Redis Cluster seed nodes (detected automatically otherwise) [env: SESSCTL_CLUSTER=1]')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress bars or informational messages on stderr [env: SESSCTL_QUIET=1]')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress bars or informational messages on stderr [env: SESSCTL_QUIET=1]')
            [CompletionResult]::new('--no-headers', '--no-headers', [CompletionResultType]::ParameterName, 'Tables and CSV without their header row')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'sessctl;config;profiles' {
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Settings from this profile of the config file (flags and environment variables still win) [env: SESSCTL_PROFILE] [default: the file''s default_profile]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The config file [env: SESSCTL_CONFIG] [default: $XDG_CONFIG_HOME/sessctl/config.toml, else ~/.config/sessctl/config.toml]')
            [CompletionResult]::new('-r', '-r', [CompletionResultType]::ParameterName, 'Redis URL: redis://[user:pass@]host:port/db, rediss:// (TLS) or unix:///path.sock; repeat for several cluster seed nodes [env: SESSCTL_REDIS_URL, then REDIS_URL] [default: redis://127.0.0.1:6379/0]')
            [CompletionResult]::new('--redis-url', '--redis-url', [CompletionResultType]::ParameterName, 'Redis URL: redis://[user:pass@]host:port/db, rediss:// (TLS) or unix:///path.sock; repeat for several cluster seed nodes [env: SESSCTL_REDIS_URL, then REDIS_URL] [default: redis://127.0.0.1:6379/0]')
            [CompletionResult]::new('--tls-ca', '--tls-ca', [CompletionResultType]::ParameterName, 'PEM file of CA certificates that signed the server''s certificate (rediss://) [env: SESSCTL_TLS_CA]')
            [CompletionResult]::new('--tls-cert', '--tls-cert', [CompletionResultType]::ParameterName, 'PEM client certificate for servers that require one (tls-auth-clients yes); goes with --tls-key [env: SESSCTL_TLS_CERT]')
            [CompletionResult]::new('--tls-key', '--tls-key', [CompletionResultType]::ParameterName, 'PEM private key of --tls-cert (PKCS#8, PKCS#1 RSA or SEC1 EC, unencrypted) [env: SESSCTL_TLS_KEY]')
            [CompletionResult]::new('--secret-file', '--secret-file', [CompletionResultType]::ParameterName, 'File holding the cookie secret (one trailing newline removed; at most 64 KiB) [env: SESSCTL_SECRET_FILE]')
            [CompletionResult]::new('--secret-format', '--secret-format', [CompletionResultType]::ParameterName, 'How to read the secret: auto (a text starting with `{` must be a valid key ring), text (always one secret, byte for byte) or ring [env: SESSCTL_SECRET_FORMAT] [default: auto]')
            [CompletionResult]::new('--key-version', '--key-version', [CompletionResultType]::ParameterName, 'Key version to sign with when the secret is a key ring [env: SESSCTL_KEY_VERSION] [default: highest in the ring]')
            [CompletionResult]::new('--cookie-name', '--cookie-name', [CompletionResultType]::ParameterName, 'Cookie name (it is part of the signature) [env: SESSCTL_COOKIE_NAME] [default: session_id]')
            [CompletionResult]::new('--prefix', '--prefix', [CompletionResultType]::ParameterName, 'Redis key prefix [env: SESSCTL_PREFIX] [default: session:]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format (prometheus: stats only) [env: SESSCTL_OUTPUT] [default: table]')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format (prometheus: stats only) [env: SESSCTL_OUTPUT] [default: table]')
            [CompletionResult]::new('--ttl', '--ttl', [CompletionResultType]::ParameterName, 'The app''s session lifetime: the TTL `mint` gives, and age = this minus the remaining TTL; 1s to 100y [env: SESSCTL_TTL] [default: 7d]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long to wait for a connection or a reply before giving up; up to 1d [env: SESSCTL_TIMEOUT] [default: 10s]')
            [CompletionResult]::new('--retry-deadline', '--retry-deadline', [CompletionResultType]::ParameterName, 'How long to keep retrying while Redis recovers (dropped connections, a failover, LOADING, CLUSTERDOWN…); up to 1d [env: SESSCTL_RETRY_DEADLINE] [default: 30s]')
            [CompletionResult]::new('--wait-replicas', '--wait-replicas', [CompletionResultType]::ParameterName, 'Replicas that must acknowledge each batch of writes (WAIT) before it counts as done; 0 writes without waiting, 0 to 100 [env: SESSCTL_WAIT_REPLICAS] [default: 1 where the primary has replicas, else 0]')
            [CompletionResult]::new('--scan-count', '--scan-count', [CompletionResultType]::ParameterName, 'SCAN COUNT hint (keys per SCAN call), 1 to 100000 [env: SESSCTL_SCAN_COUNT] [default: 250]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Colour in tables: auto, always, never (NO_COLOR is honoured) [env: SESSCTL_COLOR] [default: auto]')
            [CompletionResult]::new('--output-file', '--output-file', [CompletionResultType]::ParameterName, 'Write the output to FILE atomically (a temporary file renamed over it once the output is complete; a failed or interrupted run leaves FILE as it was)')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'The URLs are Redis Cluster seed nodes (detected automatically otherwise) [env: SESSCTL_CLUSTER=1]')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress bars or informational messages on stderr [env: SESSCTL_QUIET=1]')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress bars or informational messages on stderr [env: SESSCTL_QUIET=1]')
            [CompletionResult]::new('--no-headers', '--no-headers', [CompletionResultType]::ParameterName, 'Tables and CSV without their header row')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'sessctl;config;help' {
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Every setting as a command would resolve it (flag > environment > profile > default), with where it came from; the secret is never shown, only where it is read from')
            [CompletionResult]::new('profiles', 'profiles', [CompletionResultType]::ParameterValue, 'The profiles of the config file, the default one and the one chosen now')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'sessctl;config;help;show' {
            break
        }
        'sessctl;config;help;profiles' {
            break
        }
        'sessctl;config;help;help' {
            break
        }
        'sessctl;completions' {
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Settings from this profile of the config file (flags and environment variables still win) [env: SESSCTL_PROFILE] [default: the file''s default_profile]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The config file [env: SESSCTL_CONFIG] [default: $XDG_CONFIG_HOME/sessctl/config.toml, else ~/.config/sessctl/config.toml]')
            [CompletionResult]::new('-r', '-r', [CompletionResultType]::ParameterName, 'Redis URL: redis://[user:pass@]host:port/db, rediss:// (TLS) or unix:///path.sock; repeat for several cluster seed nodes [env: SESSCTL_REDIS_URL, then REDIS_URL] [default: redis://127.0.0.1:6379/0]')
            [CompletionResult]::new('--redis-url', '--redis-url', [CompletionResultType]::ParameterName, 'Redis URL: redis://[user:pass@]host:port/db, rediss:// (TLS) or unix:///path.sock; repeat for several cluster seed nodes [env: SESSCTL_REDIS_URL, then REDIS_URL] [default: redis://127.0.0.1:6379/0]')
            [CompletionResult]::new('--tls-ca', '--tls-ca', [CompletionResultType]::ParameterName, 'PEM file of CA certificates that signed the server''s certificate (rediss://) [env: SESSCTL_TLS_CA]')
            [CompletionResult]::new('--tls-cert', '--tls-cert', [CompletionResultType]::ParameterName, 'PEM client certificate for servers that require one (tls-auth-clients yes); goes with --tls-key [env: SESSCTL_TLS_CERT]')
            [CompletionResult]::new('--tls-key', '--tls-key', [CompletionResultType]::ParameterName, 'PEM private key of --tls-cert (PKCS#8, PKCS#1 RSA or SEC1 EC, unencrypted) [env: SESSCTL_TLS_KEY]')
            [CompletionResult]::new('--secret-file', '--secret-file', [CompletionResultType]::ParameterName, 'File holding the cookie secret (one trailing newline removed; at most 64 KiB) [env: SESSCTL_SECRET_FILE]')
            [CompletionResult]::new('--secret-format', '--secret-format', [CompletionResultType]::ParameterName, 'How to read the secret: auto (a text starting with `{` must be a valid key ring), text (always one secret, byte for byte) or ring [env: SESSCTL_SECRET_FORMAT] [default: auto]')
            [CompletionResult]::new('--key-version', '--key-version', [CompletionResultType]::ParameterName, 'Key version to sign with when the secret is a key ring [env: SESSCTL_KEY_VERSION] [default: highest in the ring]')
            [CompletionResult]::new('--cookie-name', '--cookie-name', [CompletionResultType]::ParameterName, 'Cookie name (it is part of the signature) [env: SESSCTL_COOKIE_NAME] [default: session_id]')
            [CompletionResult]::new('--prefix', '--prefix', [CompletionResultType]::ParameterName, 'Redis key prefix [env: SESSCTL_PREFIX] [default: session:]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format (prometheus: stats only) [env: SESSCTL_OUTPUT] [default: table]')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format (prometheus: stats only) [env: SESSCTL_OUTPUT] [default: table]')
            [CompletionResult]::new('--ttl', '--ttl', [CompletionResultType]::ParameterName, 'The app''s session lifetime: the TTL `mint` gives, and age = this minus the remaining TTL; 1s to 100y [env: SESSCTL_TTL] [default: 7d]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long to wait for a connection or a reply before giving up; up to 1d [env: SESSCTL_TIMEOUT] [default: 10s]')
            [CompletionResult]::new('--retry-deadline', '--retry-deadline', [CompletionResultType]::ParameterName, 'How long to keep retrying while Redis recovers (dropped connections, a failover, LOADING, CLUSTERDOWN…); up to 1d [env: SESSCTL_RETRY_DEADLINE] [default: 30s]')
            [CompletionResult]::new('--wait-replicas', '--wait-replicas', [CompletionResultType]::ParameterName, 'Replicas that must acknowledge each batch of writes (WAIT) before it counts as done; 0 writes without waiting, 0 to 100 [env: SESSCTL_WAIT_REPLICAS] [default: 1 where the primary has replicas, else 0]')
            [CompletionResult]::new('--scan-count', '--scan-count', [CompletionResultType]::ParameterName, 'SCAN COUNT hint (keys per SCAN call), 1 to 100000 [env: SESSCTL_SCAN_COUNT] [default: 250]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Colour in tables: auto, always, never (NO_COLOR is honoured) [env: SESSCTL_COLOR] [default: auto]')
            [CompletionResult]::new('--output-file', '--output-file', [CompletionResultType]::ParameterName, 'Write the output to FILE atomically (a temporary file renamed over it once the output is complete; a failed or interrupted run leaves FILE as it was)')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'The URLs are Redis Cluster seed nodes (detected automatically otherwise) [env: SESSCTL_CLUSTER=1]')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress bars or informational messages on stderr [env: SESSCTL_QUIET=1]')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress bars or informational messages on stderr [env: SESSCTL_QUIET=1]')
            [CompletionResult]::new('--no-headers', '--no-headers', [CompletionResultType]::ParameterName, 'Tables and CSV without their header row')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'sessctl;man' {
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Settings from this profile of the config file (flags and environment variables still win) [env: SESSCTL_PROFILE] [default: the file''s default_profile]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The config file [env: SESSCTL_CONFIG] [default: $XDG_CONFIG_HOME/sessctl/config.toml, else ~/.config/sessctl/config.toml]')
            [CompletionResult]::new('-r', '-r', [CompletionResultType]::ParameterName, 'Redis URL: redis://[user:pass@]host:port/db, rediss:// (TLS) or unix:///path.sock; repeat for several cluster seed nodes [env: SESSCTL_REDIS_URL, then REDIS_URL] [default: redis://127.0.0.1:6379/0]')
            [CompletionResult]::new('--redis-url', '--redis-url', [CompletionResultType]::ParameterName, 'Redis URL: redis://[user:pass@]host:port/db, rediss:// (TLS) or unix:///path.sock; repeat for several cluster seed nodes [env: SESSCTL_REDIS_URL, then REDIS_URL] [default: redis://127.0.0.1:6379/0]')
            [CompletionResult]::new('--tls-ca', '--tls-ca', [CompletionResultType]::ParameterName, 'PEM file of CA certificates that signed the server''s certificate (rediss://) [env: SESSCTL_TLS_CA]')
            [CompletionResult]::new('--tls-cert', '--tls-cert', [CompletionResultType]::ParameterName, 'PEM client certificate for servers that require one (tls-auth-clients yes); goes with --tls-key [env: SESSCTL_TLS_CERT]')
            [CompletionResult]::new('--tls-key', '--tls-key', [CompletionResultType]::ParameterName, 'PEM private key of --tls-cert (PKCS#8, PKCS#1 RSA or SEC1 EC, unencrypted) [env: SESSCTL_TLS_KEY]')
            [CompletionResult]::new('--secret-file', '--secret-file', [CompletionResultType]::ParameterName, 'File holding the cookie secret (one trailing newline removed; at most 64 KiB) [env: SESSCTL_SECRET_FILE]')
            [CompletionResult]::new('--secret-format', '--secret-format', [CompletionResultType]::ParameterName, 'How to read the secret: auto (a text starting with `{` must be a valid key ring), text (always one secret, byte for byte) or ring [env: SESSCTL_SECRET_FORMAT] [default: auto]')
            [CompletionResult]::new('--key-version', '--key-version', [CompletionResultType]::ParameterName, 'Key version to sign with when the secret is a key ring [env: SESSCTL_KEY_VERSION] [default: highest in the ring]')
            [CompletionResult]::new('--cookie-name', '--cookie-name', [CompletionResultType]::ParameterName, 'Cookie name (it is part of the signature) [env: SESSCTL_COOKIE_NAME] [default: session_id]')
            [CompletionResult]::new('--prefix', '--prefix', [CompletionResultType]::ParameterName, 'Redis key prefix [env: SESSCTL_PREFIX] [default: session:]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format (prometheus: stats only) [env: SESSCTL_OUTPUT] [default: table]')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format (prometheus: stats only) [env: SESSCTL_OUTPUT] [default: table]')
            [CompletionResult]::new('--ttl', '--ttl', [CompletionResultType]::ParameterName, 'The app''s session lifetime: the TTL `mint` gives, and age = this minus the remaining TTL; 1s to 100y [env: SESSCTL_TTL] [default: 7d]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long to wait for a connection or a reply before giving up; up to 1d [env: SESSCTL_TIMEOUT] [default: 10s]')
            [CompletionResult]::new('--retry-deadline', '--retry-deadline', [CompletionResultType]::ParameterName, 'How long to keep retrying while Redis recovers (dropped connections, a failover, LOADING, CLUSTERDOWN…); up to 1d [env: SESSCTL_RETRY_DEADLINE] [default: 30s]')
            [CompletionResult]::new('--wait-replicas', '--wait-replicas', [CompletionResultType]::ParameterName, 'Replicas that must acknowledge each batch of writes (WAIT) before it counts as done; 0 writes without waiting, 0 to 100 [env: SESSCTL_WAIT_REPLICAS] [default: 1 where the primary has replicas, else 0]')
            [CompletionResult]::new('--scan-count', '--scan-count', [CompletionResultType]::ParameterName, 'SCAN COUNT hint (keys per SCAN call), 1 to 100000 [env: SESSCTL_SCAN_COUNT] [default: 250]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Colour in tables: auto, always, never (NO_COLOR is honoured) [env: SESSCTL_COLOR] [default: auto]')
            [CompletionResult]::new('--output-file', '--output-file', [CompletionResultType]::ParameterName, 'Write the output to FILE atomically (a temporary file renamed over it once the output is complete; a failed or interrupted run leaves FILE as it was)')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'The URLs are Redis Cluster seed nodes (detected automatically otherwise) [env: SESSCTL_CLUSTER=1]')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress bars or informational messages on stderr [env: SESSCTL_QUIET=1]')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress bars or informational messages on stderr [env: SESSCTL_QUIET=1]')
            [CompletionResult]::new('--no-headers', '--no-headers', [CompletionResultType]::ParameterName, 'Tables and CSV without their header row')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'sessctl;help' {
            [CompletionResult]::new('mint', 'mint', [CompletionResultType]::ParameterValue, 'Create sessions as tornado-auth-sessions does and print their signed cookies')
            [CompletionResult]::new('verify', 'verify', [CompletionResultType]::ParameterValue, 'Verify cookies as Tornado does, and check their sessions in Redis')
            [CompletionResult]::new('decode', 'decode', [CompletionResultType]::ParameterValue, 'Show the fields of a signed value without any secret (unverified)')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'Stream the sessions under the prefix (SCAN, never KEYS)')
            [CompletionResult]::new('revoke', 'revoke', [CompletionResultType]::ParameterValue, 'Delete sessions: by id or cookie, every session of some users, or all')
            [CompletionResult]::new('cleanup', 'cleanup', [CompletionResultType]::ParameterValue, 'Delete old sessions and handle keys without expiry (for cron)')
            [CompletionResult]::new('stats', 'stats', [CompletionResultType]::ParameterValue, 'Count sessions, users, keys without TTL and odd keys')
            [CompletionResult]::new('restore', 'restore', [CompletionResultType]::ParameterValue, 'Put back sessions from a `--backup` file, with their remaining TTL (never overwrites)')
            [CompletionResult]::new('doctor', 'doctor', [CompletionResultType]::ParameterValue, 'Check the setup: Redis, its sessions, the secret; exit 1 when a check fails')
            [CompletionResult]::new('gen-secret', 'gen-secret', [CompletionResultType]::ParameterValue, 'Print a new strong cookie secret, or the key ring with a new version added')
            [CompletionResult]::new('config', 'config', [CompletionResultType]::ParameterValue, 'Show the resolved settings and where each came from, or the config file''s profiles')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print shell completions')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'Print a roff man page: sessctl''s, or a command''s')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'sessctl;help;mint' {
            break
        }
        'sessctl;help;verify' {
            break
        }
        'sessctl;help;decode' {
            break
        }
        'sessctl;help;list' {
            break
        }
        'sessctl;help;revoke' {
            break
        }
        'sessctl;help;cleanup' {
            break
        }
        'sessctl;help;stats' {
            break
        }
        'sessctl;help;restore' {
            break
        }
        'sessctl;help;doctor' {
            break
        }
        'sessctl;help;gen-secret' {
            break
        }
        'sessctl;help;config' {
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Every setting as a command would resolve it (flag > environment > profile > default), with where it came from; the secret is never shown, only where it is read from')
            [CompletionResult]::new('profiles', 'profiles', [CompletionResultType]::ParameterValue, 'The profiles of the config file, the default one and the one chosen now')
            break
        }
        'sessctl;help;config;show' {
            break
        }
        'sessctl;help;config;profiles' {
            break
        }
        'sessctl;help;completions' {
            break
        }
        'sessctl;help;man' {
            break
        }
        'sessctl;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
