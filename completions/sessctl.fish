# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_sessctl_global_optspecs
    string join \n profile= config= r/redis-url= cluster tls-ca= tls-cert= tls-key= secret-file= secret-format= key-version= cookie-name= prefix= o/output= ttl= timeout= retry-deadline= wait-replicas= scan-count= color= q/quiet no-headers output-file= h/help V/version
end

function __fish_sessctl_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_sessctl_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_sessctl_using_subcommand
    set -l cmd (__fish_sessctl_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c sessctl -n "__fish_sessctl_needs_command" -l profile -d 'Settings from this profile of the config file (flags and environment variables still win) [env: SESSCTL_PROFILE] [default: the file\'s default_profile]' -r
complete -c sessctl -n "__fish_sessctl_needs_command" -l config -d 'The config file [env: SESSCTL_CONFIG] [default: $XDG_CONFIG_HOME/sessctl/config.toml, else ~/.config/sessctl/config.toml]' -r -F
complete -c sessctl -n "__fish_sessctl_needs_command" -s r -l redis-url -d 'Redis URL: redis://[user:pass@]host:port/db, rediss:// (TLS) or unix:///path.sock; repeat for several cluster seed nodes [env: SESSCTL_REDIS_URL, then REDIS_URL] [default: redis://127.0.0.1:6379/0]' -r
complete -c sessctl -n "__fish_sessctl_needs_command" -l tls-ca -d 'PEM file of CA certificates that signed the server\'s certificate (rediss://) [env: SESSCTL_TLS_CA]' -r -F
complete -c sessctl -n "__fish_sessctl_needs_command" -l tls-cert -d 'PEM client certificate for servers that require one (tls-auth-clients yes); goes with --tls-key [env: SESSCTL_TLS_CERT]' -r -F
complete -c sessctl -n "__fish_sessctl_needs_command" -l tls-key -d 'PEM private key of --tls-cert (PKCS#8, PKCS#1 RSA or SEC1 EC, unencrypted) [env: SESSCTL_TLS_KEY]' -r -F
complete -c sessctl -n "__fish_sessctl_needs_command" -l secret-file -d 'File holding the cookie secret (one trailing newline removed; at most 64 KiB) [env: SESSCTL_SECRET_FILE]' -r -F
complete -c sessctl -n "__fish_sessctl_needs_command" -l secret-format -d 'How to read the secret: auto (a text starting with `{` must be a valid key ring), text (always one secret, byte for byte) or ring [env: SESSCTL_SECRET_FORMAT] [default: auto]' -r -f -a "auto\t''
text\t''
ring\t''"
complete -c sessctl -n "__fish_sessctl_needs_command" -l key-version -d 'Key version to sign with when the secret is a key ring [env: SESSCTL_KEY_VERSION] [default: highest in the ring]' -r
complete -c sessctl -n "__fish_sessctl_needs_command" -l cookie-name -d 'Cookie name (it is part of the signature) [env: SESSCTL_COOKIE_NAME] [default: session_id]' -r
complete -c sessctl -n "__fish_sessctl_needs_command" -l prefix -d 'Redis key prefix [env: SESSCTL_PREFIX] [default: session:]' -r
complete -c sessctl -n "__fish_sessctl_needs_command" -s o -l output -d 'Output format (prometheus: stats only) [env: SESSCTL_OUTPUT] [default: table]' -r -f -a "table\t''
json\t''
csv\t''
prometheus\t''"
complete -c sessctl -n "__fish_sessctl_needs_command" -l ttl -d 'The app\'s session lifetime: the TTL `mint` gives, and age = this minus the remaining TTL; 1s to 100y [env: SESSCTL_TTL] [default: 7d]' -r
complete -c sessctl -n "__fish_sessctl_needs_command" -l timeout -d 'How long to wait for a connection or a reply before giving up; up to 1d [env: SESSCTL_TIMEOUT] [default: 10s]' -r
complete -c sessctl -n "__fish_sessctl_needs_command" -l retry-deadline -d 'How long to keep retrying while Redis recovers (dropped connections, a failover, LOADING, CLUSTERDOWN…); up to 1d [env: SESSCTL_RETRY_DEADLINE] [default: 30s]' -r
complete -c sessctl -n "__fish_sessctl_needs_command" -l wait-replicas -d 'Replicas that must acknowledge each batch of writes (WAIT) before it counts as done; 0 writes without waiting, 0 to 100 [env: SESSCTL_WAIT_REPLICAS] [default: 1 where the primary has replicas, else 0]' -r
complete -c sessctl -n "__fish_sessctl_needs_command" -l scan-count -d 'SCAN COUNT hint (keys per SCAN call), 1 to 100000 [env: SESSCTL_SCAN_COUNT] [default: 250]' -r
complete -c sessctl -n "__fish_sessctl_needs_command" -l color -d 'Colour in tables: auto, always, never (NO_COLOR is honoured) [env: SESSCTL_COLOR] [default: auto]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c sessctl -n "__fish_sessctl_needs_command" -l output-file -d 'Write the output to FILE atomically (a temporary file renamed over it once the output is complete; a failed or interrupted run leaves FILE as it was)' -r -F
complete -c sessctl -n "__fish_sessctl_needs_command" -l cluster -d 'The URLs are Redis Cluster seed nodes (detected automatically otherwise) [env: SESSCTL_CLUSTER=1]'
complete -c sessctl -n "__fish_sessctl_needs_command" -s q -l quiet -d 'No progress bars or informational messages on stderr [env: SESSCTL_QUIET=1]'
complete -c sessctl -n "__fish_sessctl_needs_command" -l no-headers -d 'Tables and CSV without their header row'
complete -c sessctl -n "__fish_sessctl_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c sessctl -n "__fish_sessctl_needs_command" -s V -l version -d 'Print version'
complete -c sessctl -n "__fish_sessctl_needs_command" -f -a "mint" -d 'Create sessions as tornado-auth-sessions does and print their signed cookies'
complete -c sessctl -n "__fish_sessctl_needs_command" -f -a "verify" -d 'Verify cookies as Tornado does, and check their sessions in Redis'
complete -c sessctl -n "__fish_sessctl_needs_command" -f -a "decode" -d 'Show the fields of a signed value without any secret (unverified)'
complete -c sessctl -n "__fish_sessctl_needs_command" -f -a "list" -d 'Stream the sessions under the prefix (SCAN, never KEYS)'
complete -c sessctl -n "__fish_sessctl_needs_command" -f -a "revoke" -d 'Delete sessions: by id or cookie, every session of some users, or all'
complete -c sessctl -n "__fish_sessctl_needs_command" -f -a "cleanup" -d 'Delete old sessions and handle keys without expiry (for cron)'
complete -c sessctl -n "__fish_sessctl_needs_command" -f -a "stats" -d 'Count sessions, users, keys without TTL and odd keys'
complete -c sessctl -n "__fish_sessctl_needs_command" -f -a "restore" -d 'Put back sessions from a `--backup` file, with their remaining TTL (never overwrites)'
complete -c sessctl -n "__fish_sessctl_needs_command" -f -a "doctor" -d 'Check the setup: Redis, its sessions, the secret; exit 1 when a check fails'
complete -c sessctl -n "__fish_sessctl_needs_command" -f -a "gen-secret" -d 'Print a new strong cookie secret, or the key ring with a new version added'
complete -c sessctl -n "__fish_sessctl_needs_command" -f -a "config" -d 'Show the resolved settings and where each came from, or the config file\'s profiles'
complete -c sessctl -n "__fish_sessctl_needs_command" -f -a "completions" -d 'Print shell completions'
complete -c sessctl -n "__fish_sessctl_needs_command" -f -a "man" -d 'Print a roff man page: sessctl\'s, or a command\'s'
complete -c sessctl -n "__fish_sessctl_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c sessctl -n "__fish_sessctl_using_subcommand mint" -l user -d 'User id to store in the session' -r
complete -c sessctl -n "__fish_sessctl_using_subcommand mint" -l count -d 'How many sessions to mint (one line each)' -r
complete -c sessctl -n "__fish_sessctl_using_subcommand mint" -l format -d 'What to print [default: value, or json with -o json]' -r -f -a "value\t'The bare signed value'
cookie\t'`session_id="…"` as a browser sends it'
header\t'A `Set-Cookie:` line as Tornado writes it'
json\t'A JSON object per session'"
complete -c sessctl -n "__fish_sessctl_using_subcommand mint" -l audit-log -d 'Append one JSON line per session stored and printed to FILE (never the session id) [env: SESSCTL_AUDIT_LOG]' -r -F
complete -c sessctl -n "__fish_sessctl_using_subcommand mint" -l profile -d 'Settings from this profile of the config file (flags and environment variables still win) [env: SESSCTL_PROFILE] [default: the file\'s default_profile]' -r
complete -c sessctl -n "__fish_sessctl_using_subcommand mint" -l config -d 'The config file [env: SESSCTL_CONFIG] [default: $XDG_CONFIG_HOME/sessctl/config.toml, else ~/.config/sessctl/config.toml]' -r -F
complete -c sessctl -n "__fish_sessctl_using_subcommand mint" -s r -l redis-url -d 'Redis URL: redis://[user:pass@]host:port/db, rediss:// (TLS) or unix:///path.sock; repeat for several cluster seed nodes [env: SESSCTL_REDIS_URL, then REDIS_URL] [default: redis://127.0.0.1:6379/0]' -r
complete -c sessctl -n "__fish_sessctl_using_subcommand mint" -l tls-ca -d 'PEM file of CA certificates that signed the server\'s certificate (rediss://) [env: SESSCTL_TLS_CA]' -r -F
complete -c sessctl -n "__fish_sessctl_using_subcommand mint" -l tls-cert -d 'PEM client certificate for servers that require one (tls-auth-clients yes); goes with --tls-key [env: SESSCTL_TLS_CERT]' -r -F
complete -c sessctl -n "__fish_sessctl_using_subcommand mint" -l tls-key -d 'PEM private key of --tls-cert (PKCS#8, PKCS#1 RSA or SEC1 EC, unencrypted) [env: SESSCTL_TLS_KEY]' -r -F
complete -c sessctl -n "__fish_sessctl_using_subcommand mint" -l secret-file -d 'File holding the cookie secret (one trailing newline removed; at most 64 KiB) [env: SESSCTL_SECRET_FILE]' -r -F
complete -c sessctl -n "__fish_sessctl_using_subcommand mint" -l secret-format -d 'How to read the secret: auto (a text starting with `{` must be a valid key ring), text (always one secret, byte for byte) or ring [env: SESSCTL_SECRET_FORMAT] [default: auto]' -r -f -a "auto\t''
text\t''
ring\t''"
complete -c sessctl -n "__fish_sessctl_using_subcommand mint" -l key-version -d 'Key version to sign with when the secret is a key ring [env: SESSCTL_KEY_VERSION] [default: highest in the ring]' -r
complete -c sessctl -n "__fish_sessctl_using_subcommand mint" -l cookie-name -d 'Cookie name (it is part of the signature) [env: SESSCTL_COOKIE_NAME] [default: session_id]' -r
complete -c sessctl -n "__fish_sessctl_using_subcommand mint" -l prefix -d 'Redis key prefix [env: SESSCTL_PREFIX] [default: session:]' -r
complete -c sessctl -n "__fish_sessctl_using_subcommand mint" -s o -l output -d 'Output format (prometheus: stats only) [env: SESSCTL_OUTPUT] [default: table]' -r -f -a "table\t''
json\t''
csv\t''
prometheus\t''"
complete -c sessctl -n "__fish_sessctl_using_subcommand mint" -l ttl -d 'The app\'s session lifetime: the TTL `mint` gives, and age = this minus the remaining TTL; 1s to 100y [env: SESSCTL_TTL] [default: 7d]' -r
complete -c sessctl -n "__fish_sessctl_using_subcommand mint" -l timeout -d 'How long to wait for a connection or a reply before giving up; up to 1d [env: SESSCTL_TIMEOUT] [default: 10s]' -r
complete -c sessctl -n "__fish_sessctl_using_subcommand mint" -l retry-deadline -d 'How long to keep retrying while Redis recovers (dropped connections, a failover, LOADING, CLUSTERDOWN…); up to 1d [env: SESSCTL_RETRY_DEADLINE] [default: 30s]' -r
complete -c sessctl -n "__fish_sessctl_using_subcommand mint" -l wait-replicas -d 'Replicas that must acknowledge each batch of writes (WAIT) before it counts as done; 0 writes without waiting, 0 to 100 [env: SESSCTL_WAIT_REPLICAS] [default: 1 where the primary has replicas, else 0]' -r
complete -c sessctl -n "__fish_sessctl_using_subcommand mint" -l scan-count -d 'SCAN COUNT hint (keys per SCAN call), 1 to 100000 [env: SESSCTL_SCAN_COUNT] [default: 250]' -r
complete -c sessctl -n "__fish_sessctl_using_subcommand mint" -l color -d 'Colour in tables: auto, always, never (NO_COLOR is honoured) [env: SESSCTL_COLOR] [default: auto]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c sessctl -n "__fish_sessctl_using_subcommand mint" -l output-file -d 'Write the output to FILE atomically (a temporary file renamed over it once the output is complete; a failed or interrupted run leaves FILE as it was)' -r -F
complete -c sessctl -n "__fish_sessctl_using_subcommand mint" -l no-store -d 'Only sign; store nothing in Redis'
complete -c sessctl -n "__fish_sessctl_using_subcommand mint" -l insecure-cookie -d 'Leave `; Secure` out of the header (tornado-auth-sessions\' set_session(is_secure=False))'
complete -c sessctl -n "__fish_sessctl_using_subcommand mint" -l cluster -d 'The URLs are Redis Cluster seed nodes (detected automatically otherwise) [env: SESSCTL_CLUSTER=1]'
complete -c sessctl -n "__fish_sessctl_using_subcommand mint" -s q -l quiet -d 'No progress bars or informational messages on stderr [env: SESSCTL_QUIET=1]'
complete -c sessctl -n "__fish_sessctl_using_subcommand mint" -l no-headers -d 'Tables and CSV without their header row'
complete -c sessctl -n "__fish_sessctl_using_subcommand mint" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c sessctl -n "__fish_sessctl_using_subcommand verify" -l max-age-days -d 'Oldest signature accepted, in days (Tornado\'s max_age_days)' -r
complete -c sessctl -n "__fish_sessctl_using_subcommand verify" -l rdb -d 'Look the sessions up in this RDB dump instead of a server; `-` reads stdin. TTLs are as of the dump\'s time unless --now' -r -F
complete -c sessctl -n "__fish_sessctl_using_subcommand verify" -l profile -d 'Settings from this profile of the config file (flags and environment variables still win) [env: SESSCTL_PROFILE] [default: the file\'s default_profile]' -r
complete -c sessctl -n "__fish_sessctl_using_subcommand verify" -l config -d 'The config file [env: SESSCTL_CONFIG] [default: $XDG_CONFIG_HOME/sessctl/config.toml, else ~/.config/sessctl/config.toml]' -r -F
complete -c sessctl -n "__fish_sessctl_using_subcommand verify" -s r -l redis-url -d 'Redis URL: redis://[user:pass@]host:port/db, rediss:// (TLS) or unix:///path.sock; repeat for several cluster seed nodes [env: SESSCTL_REDIS_URL, then REDIS_URL] [default: redis://127.0.0.1:6379/0]' -r
complete -c sessctl -n "__fish_sessctl_using_subcommand verify" -l tls-ca -d 'PEM file of CA certificates that signed the server\'s certificate (rediss://) [env: SESSCTL_TLS_CA]' -r -F
complete -c sessctl -n "__fish_sessctl_using_subcommand verify" -l tls-cert -d 'PEM client certificate for servers that require one (tls-auth-clients yes); goes with --tls-key [env: SESSCTL_TLS_CERT]' -r -F
complete -c sessctl -n "__fish_sessctl_using_subcommand verify" -l tls-key -d 'PEM private key of --tls-cert (PKCS#8, PKCS#1 RSA or SEC1 EC, unencrypted) [env: SESSCTL_TLS_KEY]' -r -F
complete -c sessctl -n "__fish_sessctl_using_subcommand verify" -l secret-file -d 'File holding the cookie secret (one trailing newline removed; at most 64 KiB) [env: SESSCTL_SECRET_FILE]' -r -F
complete -c sessctl -n "__fish_sessctl_using_subcommand verify" -l secret-format -d 'How to read the secret: auto (a text starting with `{` must be a valid key ring), text (always one secret, byte for byte) or ring [env: SESSCTL_SECRET_FORMAT] [default: auto]' -r -f -a "auto\t''
text\t''
ring\t''"
complete -c sessctl -n "__fish_sessctl_using_subcommand verify" -l key-version -d 'Key version to sign with when the secret is a key ring [env: SESSCTL_KEY_VERSION] [default: highest in the ring]' -r
complete -c sessctl -n "__fish_sessctl_using_subcommand verify" -l cookie-name -d 'Cookie name (it is part of the signature) [env: SESSCTL_COOKIE_NAME] [default: session_id]' -r
complete -c sessctl -n "__fish_sessctl_using_subcommand verify" -l prefix -d 'Redis key prefix [env: SESSCTL_PREFIX] [default: session:]' -r
complete -c sessctl -n "__fish_sessctl_using_subcommand verify" -s o -l output -d 'Output format (prometheus: stats only) [env: SESSCTL_OUTPUT] [default: table]' -r -f -a "table\t''
json\t''
csv\t''
prometheus\t''"
complete -c sessctl -n "__fish_sessctl_using_subcommand verify" -l ttl -d 'The app\'s session lifetime: the TTL `mint` gives, and age = this minus the remaining TTL; 1s to 100y [env: SESSCTL_TTL] [default: 7d]' -r
complete -c sessctl -n "__fish_sessctl_using_subcommand verify" -l timeout -d 'How long to wait for a connection or a reply before giving up; up to 1d [env: SESSCTL_TIMEOUT] [default: 10s]' -r
complete -c sessctl -n "__fish_sessctl_using_subcommand verify" -l retry-deadline -d 'How long to keep retrying while Redis recovers (dropped connections, a failover, LOADING, CLUSTERDOWN…); up to 1d [env: SESSCTL_RETRY_DEADLINE] [default: 30s]' -r
complete -c sessctl -n "__fish_sessctl_using_subcommand verify" -l wait-replicas -d 'Replicas that must acknowledge each batch of writes (WAIT) before it counts as done; 0 writes without waiting, 0 to 100 [env: SESSCTL_WAIT_REPLICAS] [default: 1 where the primary has replicas, else 0]' -r
complete -c sessctl -n "__fish_sessctl_using_subcommand verify" -l scan-count -d 'SCAN COUNT hint (keys per SCAN call), 1 to 100000 [env: SESSCTL_SCAN_COUNT] [default: 250]' -r
complete -c sessctl -n "__fish_sessctl_using_subcommand verify" -l color -d 'Colour in tables: auto, always, never (NO_COLOR is honoured) [env: SESSCTL_COLOR] [default: auto]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c sessctl -n "__fish_sessctl_using_subcommand verify" -l output-file -d 'Write the output to FILE atomically (a temporary file renamed over it once the output is complete; a failed or interrupted run leaves FILE as it was)' -r -F
complete -c sessctl -n "__fish_sessctl_using_subcommand verify" -l raw -d 'Take each input as the exact signed value: no unquoting, no picking out of headers (stdin lines lose only their line ending)'
complete -c sessctl -n "__fish_sessctl_using_subcommand verify" -l offline -d 'Check signatures only; do not look sessions up in Redis'
complete -c sessctl -n "__fish_sessctl_using_subcommand verify" -l now -d 'With --rdb: count TTLs from now rather than from the dump\'s own time'
complete -c sessctl -n "__fish_sessctl_using_subcommand verify" -l cluster -d 'The URLs are Redis Cluster seed nodes (detected automatically otherwise) [env: SESSCTL_CLUSTER=1]'
complete -c sessctl -n "__fish_sessctl_using_subcommand verify" -s q -l quiet -d 'No progress bars or informational messages on stderr [env: SESSCTL_QUIET=1]'
complete -c sessctl -n "__fish_sessctl_using_subcommand verify" -l no-headers -d 'Tables and CSV without their header row'
complete -c sessctl -n "__fish_sessctl_using_subcommand verify" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c sessctl -n "__fish_sessctl_using_subcommand decode" -l profile -d 'Settings from this profile of the config file (flags and environment variables still win) [env: SESSCTL_PROFILE] [default: the file\'s default_profile]' -r
complete -c sessctl -n "__fish_sessctl_using_subcommand decode" -l config -d 'The config file [env: SESSCTL_CONFIG] [default: $XDG_CONFIG_HOME/sessctl/config.toml, else ~/.config/sessctl/config.toml]' -r -F
complete -c sessctl -n "__fish_sessctl_using_subcommand decode" -s r -l redis-url -d 'Redis URL: redis://[user:pass@]host:port/db, rediss:// (TLS) or unix:///path.sock; repeat for several cluster seed nodes [env: SESSCTL_REDIS_URL, then REDIS_URL] [default: redis://127.0.0.1:6379/0]' -r
complete -c sessctl -n "__fish_sessctl_using_subcommand decode" -l tls-ca -d 'PEM file of CA certificates that signed the server\'s certificate (rediss://) [env: SESSCTL_TLS_CA]' -r -F
complete -c sessctl -n "__fish_sessctl_using_subcommand decode" -l tls-cert -d 'PEM client certificate for servers that require one (tls-auth-clients yes); goes with --tls-key [env: SESSCTL_TLS_CERT]' -r -F
complete -c sessctl -n "__fish_sessctl_using_subcommand decode" -l tls-key -d 'PEM private key of --tls-cert (PKCS#8, PKCS#1 RSA or SEC1 EC, unencrypted) [env: SESSCTL_TLS_KEY]' -r -F
complete -c sessctl -n "__fish_sessctl_using_subcommand decode" -l secret-file -d 'File holding the cookie secret (one trailing newline removed; at most 64 KiB) [env: SESSCTL_SECRET_FILE]' -r -F
complete -c sessctl -n "__fish_sessctl_using_subcommand decode" -l secret-format -d 'How to read the secret: auto (a text starting with `{` must be a valid key ring), text (always one secret, byte for byte) or ring [env: SESSCTL_SECRET_FORMAT] [default: auto]' -r -f -a "auto\t''
text\t''
ring\t''"
complete -c sessctl -n "__fish_sessctl_using_subcommand decode" -l key-version -d 'Key version to sign with when the secret is a key ring [env: SESSCTL_KEY_VERSION] [default: highest in the ring]' -r
complete -c sessctl -n "__fish_sessctl_using_subcommand decode" -l cookie-name -d 'Cookie name (it is part of the signature) [env: SESSCTL_COOKIE_NAME] [default: session_id]' -r
complete -c sessctl -n "__fish_sessctl_using_subcommand decode" -l prefix -d 'Redis key prefix [env: SESSCTL_PREFIX] [default: session:]' -r
complete -c sessctl -n "__fish_sessctl_using_subcommand decode" -s o -l output -d 'Output format (prometheus: stats only) [env: SESSCTL_OUTPUT] [default: table]' -r -f -a "table\t''
json\t''
csv\t''
prometheus\t''"
complete -c sessctl -n "__fish_sessctl_using_subcommand decode" -l ttl -d 'The app\'s session lifetime: the TTL `mint` gives, and age = this minus the remaining TTL; 1s to 100y [env: SESSCTL_TTL] [default: 7d]' -r
complete -c sessctl -n "__fish_sessctl_using_subcommand decode" -l timeout -d 'How long to wait for a connection or a reply before giving up; up to 1d [env: SESSCTL_TIMEOUT] [default: 10s]' -r
complete -c sessctl -n "__fish_sessctl_using_subcommand decode" -l retry-deadline -d 'How long to keep retrying while Redis recovers (dropped connections, a failover, LOADING, CLUSTERDOWN…); up to 1d [env: SESSCTL_RETRY_DEADLINE] [default: 30s]' -r
complete -c sessctl -n "__fish_sessctl_using_subcommand decode" -l wait-replicas -d 'Replicas that must acknowledge each batch of writes (WAIT) before it counts as done; 0 writes without waiting, 0 to 100 [env: SESSCTL_WAIT_REPLICAS] [default: 1 where the primary has replicas, else 0]' -r
complete -c sessctl -n "__fish_sessctl_using_subcommand decode" -l scan-count -d 'SCAN COUNT hint (keys per SCAN call), 1 to 100000 [env: SESSCTL_SCAN_COUNT] [default: 250]' -r
complete -c sessctl -n "__fish_sessctl_using_subcommand decode" -l color -d 'Colour in tables: auto, always, never (NO_COLOR is honoured) [env: SESSCTL_COLOR] [default: auto]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c sessctl -n "__fish_sessctl_using_subcommand decode" -l output-file -d 'Write the output to FILE atomically (a temporary file renamed over it once the output is complete; a failed or interrupted run leaves FILE as it was)' -r -F
complete -c sessctl -n "__fish_sessctl_using_subcommand decode" -l raw -d 'Take the input as the exact signed value (no unquoting or header parsing)'
complete -c sessctl -n "__fish_sessctl_using_subcommand decode" -l cluster -d 'The URLs are Redis Cluster seed nodes (detected automatically otherwise) [env: SESSCTL_CLUSTER=1]'
complete -c sessctl -n "__fish_sessctl_using_subcommand decode" -s q -l quiet -d 'No progress bars or informational messages on stderr [env: SESSCTL_QUIET=1]'
complete -c sessctl -n "__fish_sessctl_using_subcommand decode" -l no-headers -d 'Tables and CSV without their header row'
complete -c sessctl -n "__fish_sessctl_using_subcommand decode" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c sessctl -n "__fish_sessctl_using_subcommand list" -l user -d 'Only sessions of this user (repeatable)' -r
complete -c sessctl -n "__fish_sessctl_using_subcommand list" -l limit -d 'Stop after N sessions' -r
complete -c sessctl -n "__fish_sessctl_using_subcommand list" -l rdb -d 'Read the sessions from this RDB dump (a backup, or `redis-cli --rdb FILE`) instead of a server; `-` reads stdin. TTLs are as of the dump\'s time unless --now' -r -F
complete -c sessctl -n "__fish_sessctl_using_subcommand list" -l rate -d 'Scan at most this many keys per second, all primaries together, at a steady pace; 10 to 10000000 (20k = 20000) [env: SESSCTL_RATE]' -r
complete -c sessctl -n "__fish_sessctl_using_subcommand list" -l max-latency -d 'Go as fast as keeps the latency other clients see (a PING on a connection of its own every 1ms, per primary) under this at its 99th percentile; 100us to 10s [env: SESSCTL_MAX_LATENCY]' -r
complete -c sessctl -n "__fish_sessctl_using_subcommand list" -l max-duration -d 'Stop the scan cleanly after this long (exit 0, complete: false in the summary); with --resume the next run continues where this one stopped; 10ms to 30d' -r
complete -c sessctl -n "__fish_sessctl_using_subcommand list" -l resume -d 'Continue from the per-primary cursors saved in FILE, if it exists, and save them there when the scan stops before its end (the file is removed once the scan is complete); refused when FILE was saved for another server, prefix or selection' -r -F
complete -c sessctl -n "__fish_sessctl_using_subcommand list" -l profile -d 'Settings from this profile of the config file (flags and environment variables still win) [env: SESSCTL_PROFILE] [default: the file\'s default_profile]' -r
complete -c sessctl -n "__fish_sessctl_using_subcommand list" -l config -d 'The config file [env: SESSCTL_CONFIG] [default: $XDG_CONFIG_HOME/sessctl/config.toml, else ~/.config/sessctl/config.toml]' -r -F
complete -c sessctl -n "__fish_sessctl_using_subcommand list" -s r -l redis-url -d 'Redis URL: redis://[user:pass@]host:port/db, rediss:// (TLS) or unix:///path.sock; repeat for several cluster seed nodes [env: SESSCTL_REDIS_URL, then REDIS_URL] [default: redis://127.0.0.1:6379/0]' -r
complete -c sessctl -n "__fish_sessctl_using_subcommand list" -l tls-ca -d 'PEM file of CA certificates that signed the server\'s certificate (rediss://) [env: SESSCTL_TLS_CA]' -r -F
complete -c sessctl -n "__fish_sessctl_using_subcommand list" -l tls-cert -d 'PEM client certificate for servers that require one (tls-auth-clients yes); goes with --tls-key [env: SESSCTL_TLS_CERT]' -r -F
complete -c sessctl -n "__fish_sessctl_using_subcommand list" -l tls-key -d 'PEM private key of --tls-cert (PKCS#8, PKCS#1 RSA or SEC1 EC, unencrypted) [env: SESSCTL_TLS_KEY]' -r -F
complete -c sessctl -n "__fish_sessctl_using_subcommand list" -l secret-file -d 'File holding the cookie secret (one trailing newline removed; at most 64 KiB) [env: SESSCTL_SECRET_FILE]' -r -F
complete -c sessctl -n "__fish_sessctl_using_subcommand list" -l secret-format -d 'How to read the secret: auto (a text starting with `{` must be a valid key ring), text (always one secret, byte for byte) or ring [env: SESSCTL_SECRET_FORMAT] [default: auto]' -r -f -a "auto\t''
text\t''
ring\t''"
complete -c sessctl -n "__fish_sessctl_using_subcommand list" -l key-version -d 'Key version to sign with when the secret is a key ring [env: SESSCTL_KEY_VERSION] [default: highest in the ring]' -r
complete -c sessctl -n "__fish_sessctl_using_subcommand list" -l cookie-name -d 'Cookie name (it is part of the signature) [env: SESSCTL_COOKIE_NAME] [default: session_id]' -r
complete -c sessctl -n "__fish_sessctl_using_subcommand list" -l prefix -d 'Redis key prefix [env: SESSCTL_PREFIX] [default: session:]' -r
complete -c sessctl -n "__fish_sessctl_using_subcommand list" -s o -l output -d 'Output format (prometheus: stats only) [env: SESSCTL_OUTPUT] [default: table]' -r -f -a "table\t''
json\t''
csv\t''
prometheus\t''"
complete -c sessctl -n "__fish_sessctl_using_subcommand list" -l ttl -d 'The app\'s session lifetime: the TTL `mint` gives, and age = this minus the remaining TTL; 1s to 100y [env: SESSCTL_TTL] [default: 7d]' -r
complete -c sessctl -n "__fish_sessctl_using_subcommand list" -l timeout -d 'How long to wait for a connection or a reply before giving up; up to 1d [env: SESSCTL_TIMEOUT] [default: 10s]' -r
complete -c sessctl -n "__fish_sessctl_using_subcommand list" -l retry-deadline -d 'How long to keep retrying while Redis recovers (dropped connections, a failover, LOADING, CLUSTERDOWN…); up to 1d [env: SESSCTL_RETRY_DEADLINE] [default: 30s]' -r
complete -c sessctl -n "__fish_sessctl_using_subcommand list" -l wait-replicas -d 'Replicas that must acknowledge each batch of writes (WAIT) before it counts as done; 0 writes without waiting, 0 to 100 [env: SESSCTL_WAIT_REPLICAS] [default: 1 where the primary has replicas, else 0]' -r
complete -c sessctl -n "__fish_sessctl_using_subcommand list" -l scan-count -d 'SCAN COUNT hint (keys per SCAN call), 1 to 100000 [env: SESSCTL_SCAN_COUNT] [default: 250]' -r
complete -c sessctl -n "__fish_sessctl_using_subcommand list" -l color -d 'Colour in tables: auto, always, never (NO_COLOR is honoured) [env: SESSCTL_COLOR] [default: auto]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c sessctl -n "__fish_sessctl_using_subcommand list" -l output-file -d 'Write the output to FILE atomically (a temporary file renamed over it once the output is complete; a failed or interrupted run leaves FILE as it was)' -r -F
complete -c sessctl -n "__fish_sessctl_using_subcommand list" -l count -d 'Print only the number of sessions'
complete -c sessctl -n "__fish_sessctl_using_subcommand list" -l snapshot -d 'Read a point-in-time snapshot of each primary over replication (SYNC) instead of scanning: the server\'s forked child does the work, not its main thread'
complete -c sessctl -n "__fish_sessctl_using_subcommand list" -l now -d 'With --rdb or --snapshot: count TTLs from now rather than from the dump\'s own time'
complete -c sessctl -n "__fish_sessctl_using_subcommand list" -l cluster -d 'The URLs are Redis Cluster seed nodes (detected automatically otherwise) [env: SESSCTL_CLUSTER=1]'
complete -c sessctl -n "__fish_sessctl_using_subcommand list" -s q -l quiet -d 'No progress bars or informational messages on stderr [env: SESSCTL_QUIET=1]'
complete -c sessctl -n "__fish_sessctl_using_subcommand list" -l no-headers -d 'Tables and CSV without their header row'
complete -c sessctl -n "__fish_sessctl_using_subcommand list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c sessctl -n "__fish_sessctl_using_subcommand revoke" -l user -d 'Revoke every session of this user (repeatable; one scan for all)' -r
complete -c sessctl -n "__fish_sessctl_using_subcommand revoke" -l users-file -d 'Revoke every session of the users listed in FILE, one per line (`-`: stdin); the summary counts the listed users without any session (users_without_sessions)' -r -F
complete -c sessctl -n "__fish_sessctl_using_subcommand revoke" -l issued-before -d 'Only sessions issued before TIME: a date (2026-11-01, midnight UTC), an RFC 3339 time, or a duration meaning that long ago (6d)' -r
complete -c sessctl -n "__fish_sessctl_using_subcommand revoke" -l audit-log -d 'Append one JSON line per revoked session to FILE (never the session id) [env: SESSCTL_AUDIT_LOG]' -r -F
complete -c sessctl -n "__fish_sessctl_using_subcommand revoke" -l backup -d 'Before each deletion, append the session (key, user, remaining TTL) to FILE (mode 0600), for `sessctl restore`; FILE holds live credentials' -r -F
complete -c sessctl -n "__fish_sessctl_using_subcommand revoke" -l rate -d 'Scan at most this many keys per second, all primaries together, at a steady pace; 10 to 10000000 (20k = 20000) [env: SESSCTL_RATE]' -r
complete -c sessctl -n "__fish_sessctl_using_subcommand revoke" -l max-latency -d 'Go as fast as keeps the latency other clients see (a PING on a connection of its own every 1ms, per primary) under this at its 99th percentile; 100us to 10s [env: SESSCTL_MAX_LATENCY]' -r
complete -c sessctl -n "__fish_sessctl_using_subcommand revoke" -l max-duration -d 'Stop the scan cleanly after this long (exit 0, complete: false in the summary); with --resume the next run continues where this one stopped; 10ms to 30d' -r
complete -c sessctl -n "__fish_sessctl_using_subcommand revoke" -l resume -d 'Continue from the per-primary cursors saved in FILE, if it exists, and save them there when the scan stops before its end (the file is removed once the scan is complete); refused when FILE was saved for another server, prefix or selection' -r -F
complete -c sessctl -n "__fish_sessctl_using_subcommand revoke" -l profile -d 'Settings from this profile of the config file (flags and environment variables still win) [env: SESSCTL_PROFILE] [default: the file\'s default_profile]' -r
complete -c sessctl -n "__fish_sessctl_using_subcommand revoke" -l config -d 'The config file [env: SESSCTL_CONFIG] [default: $XDG_CONFIG_HOME/sessctl/config.toml, else ~/.config/sessctl/config.toml]' -r -F
complete -c sessctl -n "__fish_sessctl_using_subcommand revoke" -s r -l redis-url -d 'Redis URL: redis://[user:pass@]host:port/db, rediss:// (TLS) or unix:///path.sock; repeat for several cluster seed nodes [env: SESSCTL_REDIS_URL, then REDIS_URL] [default: redis://127.0.0.1:6379/0]' -r
complete -c sessctl -n "__fish_sessctl_using_subcommand revoke" -l tls-ca -d 'PEM file of CA certificates that signed the server\'s certificate (rediss://) [env: SESSCTL_TLS_CA]' -r -F
complete -c sessctl -n "__fish_sessctl_using_subcommand revoke" -l tls-cert -d 'PEM client certificate for servers that require one (tls-auth-clients yes); goes with --tls-key [env: SESSCTL_TLS_CERT]' -r -F
complete -c sessctl -n "__fish_sessctl_using_subcommand revoke" -l tls-key -d 'PEM private key of --tls-cert (PKCS#8, PKCS#1 RSA or SEC1 EC, unencrypted) [env: SESSCTL_TLS_KEY]' -r -F
complete -c sessctl -n "__fish_sessctl_using_subcommand revoke" -l secret-file -d 'File holding the cookie secret (one trailing newline removed; at most 64 KiB) [env: SESSCTL_SECRET_FILE]' -r -F
complete -c sessctl -n "__fish_sessctl_using_subcommand revoke" -l secret-format -d 'How to read the secret: auto (a text starting with `{` must be a valid key ring), text (always one secret, byte for byte) or ring [env: SESSCTL_SECRET_FORMAT] [default: auto]' -r -f -a "auto\t''
text\t''
ring\t''"
complete -c sessctl -n "__fish_sessctl_using_subcommand revoke" -l key-version -d 'Key version to sign with when the secret is a key ring [env: SESSCTL_KEY_VERSION] [default: highest in the ring]' -r
complete -c sessctl -n "__fish_sessctl_using_subcommand revoke" -l cookie-name -d 'Cookie name (it is part of the signature) [env: SESSCTL_COOKIE_NAME] [default: session_id]' -r
complete -c sessctl -n "__fish_sessctl_using_subcommand revoke" -l prefix -d 'Redis key prefix [env: SESSCTL_PREFIX] [default: session:]' -r
complete -c sessctl -n "__fish_sessctl_using_subcommand revoke" -s o -l output -d 'Output format (prometheus: stats only) [env: SESSCTL_OUTPUT] [default: table]' -r -f -a "table\t''
json\t''
csv\t''
prometheus\t''"
complete -c sessctl -n "__fish_sessctl_using_subcommand revoke" -l ttl -d 'The app\'s session lifetime: the TTL `mint` gives, and age = this minus the remaining TTL; 1s to 100y [env: SESSCTL_TTL] [default: 7d]' -r
complete -c sessctl -n "__fish_sessctl_using_subcommand revoke" -l timeout -d 'How long to wait for a connection or a reply before giving up; up to 1d [env: SESSCTL_TIMEOUT] [default: 10s]' -r
complete -c sessctl -n "__fish_sessctl_using_subcommand revoke" -l retry-deadline -d 'How long to keep retrying while Redis recovers (dropped connections, a failover, LOADING, CLUSTERDOWN…); up to 1d [env: SESSCTL_RETRY_DEADLINE] [default: 30s]' -r
complete -c sessctl -n "__fish_sessctl_using_subcommand revoke" -l wait-replicas -d 'Replicas that must acknowledge each batch of writes (WAIT) before it counts as done; 0 writes without waiting, 0 to 100 [env: SESSCTL_WAIT_REPLICAS] [default: 1 where the primary has replicas, else 0]' -r
complete -c sessctl -n "__fish_sessctl_using_subcommand revoke" -l scan-count -d 'SCAN COUNT hint (keys per SCAN call), 1 to 100000 [env: SESSCTL_SCAN_COUNT] [default: 250]' -r
complete -c sessctl -n "__fish_sessctl_using_subcommand revoke" -l color -d 'Colour in tables: auto, always, never (NO_COLOR is honoured) [env: SESSCTL_COLOR] [default: auto]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c sessctl -n "__fish_sessctl_using_subcommand revoke" -l output-file -d 'Write the output to FILE atomically (a temporary file renamed over it once the output is complete; a failed or interrupted run leaves FILE as it was)' -r -F
complete -c sessctl -n "__fish_sessctl_using_subcommand revoke" -l all -d 'Revoke every session under the prefix'
complete -c sessctl -n "__fish_sessctl_using_subcommand revoke" -l dry-run -d 'Count what would be revoked; delete nothing'
complete -c sessctl -n "__fish_sessctl_using_subcommand revoke" -s y -l yes -d 'Do not ask for confirmation (required for --all/--users-file when stdin is not a terminal). On a terminal they count the sessions first and ask, naming the server, the prefix and the selection; --all wants that number typed. A no: exit 1, nothing revoked'
complete -c sessctl -n "__fish_sessctl_using_subcommand revoke" -l snapshot -d 'Find the sessions in a point-in-time snapshot of each primary (read over replication, SYNC) instead of scanning; deletions still go to the live server (compare-and-delete)'
complete -c sessctl -n "__fish_sessctl_using_subcommand revoke" -l cluster -d 'The URLs are Redis Cluster seed nodes (detected automatically otherwise) [env: SESSCTL_CLUSTER=1]'
complete -c sessctl -n "__fish_sessctl_using_subcommand revoke" -s q -l quiet -d 'No progress bars or informational messages on stderr [env: SESSCTL_QUIET=1]'
complete -c sessctl -n "__fish_sessctl_using_subcommand revoke" -l no-headers -d 'Tables and CSV without their header row'
complete -c sessctl -n "__fish_sessctl_using_subcommand revoke" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c sessctl -n "__fish_sessctl_using_subcommand cleanup" -l max-age -d 'Delete sessions older than this (age = --ttl minus remaining TTL); must be less than --ttl, and at least 1h unless --yes' -r
complete -c sessctl -n "__fish_sessctl_using_subcommand cleanup" -l no-ttl -d 'What to do with session keys that have no expiry' -r -f -a "report\t'Count keys without expiry'
fix\t'Give them the session TTL (--ttl)'
delete\t'Delete them (compare-and-delete)'"
complete -c sessctl -n "__fish_sessctl_using_subcommand cleanup" -l audit-log -d 'Append one JSON line per deleted or fixed session to FILE (never the session id) [env: SESSCTL_AUDIT_LOG]' -r -F
complete -c sessctl -n "__fish_sessctl_using_subcommand cleanup" -l backup -d 'Before each deletion, append the session (key, user, remaining TTL) to FILE (mode 0600), for `sessctl restore`; FILE holds live credentials' -r -F
complete -c sessctl -n "__fish_sessctl_using_subcommand cleanup" -l rate -d 'Scan at most this many keys per second, all primaries together, at a steady pace; 10 to 10000000 (20k = 20000) [env: SESSCTL_RATE]' -r
complete -c sessctl -n "__fish_sessctl_using_subcommand cleanup" -l max-latency -d 'Go as fast as keeps the latency other clients see (a PING on a connection of its own every 1ms, per primary) under this at its 99th percentile; 100us to 10s [env: SESSCTL_MAX_LATENCY]' -r
complete -c sessctl -n "__fish_sessctl_using_subcommand cleanup" -l max-duration -d 'Stop the scan cleanly after this long (exit 0, complete: false in the summary); with --resume the next run continues where this one stopped; 10ms to 30d' -r
complete -c sessctl -n "__fish_sessctl_using_subcommand cleanup" -l resume -d 'Continue from the per-primary cursors saved in FILE, if it exists, and save them there when the scan stops before its end (the file is removed once the scan is complete); refused when FILE was saved for another server, prefix or selection' -r -F
complete -c sessctl -n "__fish_sessctl_using_subcommand cleanup" -l profile -d 'Settings from this profile of the config file (flags and environment variables still win) [env: SESSCTL_PROFILE] [default: the file\'s default_profile]' -r
complete -c sessctl -n "__fish_sessctl_using_subcommand cleanup" -l config -d 'The config file [env: SESSCTL_CONFIG] [default: $XDG_CONFIG_HOME/sessctl/config.toml, else ~/.config/sessctl/config.toml]' -r -F
complete -c sessctl -n "__fish_sessctl_using_subcommand cleanup" -s r -l redis-url -d 'Redis URL: redis://[user:pass@]host:port/db, rediss:// (TLS) or unix:///path.sock; repeat for several cluster seed nodes [env: SESSCTL_REDIS_URL, then REDIS_URL] [default: redis://127.0.0.1:6379/0]' -r
complete -c sessctl -n "__fish_sessctl_using_subcommand cleanup" -l tls-ca -d 'PEM file of CA certificates that signed the server\'s certificate (rediss://) [env: SESSCTL_TLS_CA]' -r -F
complete -c sessctl -n "__fish_sessctl_using_subcommand cleanup" -l tls-cert -d 'PEM client certificate for servers that require one (tls-auth-clients yes); goes with --tls-key [env: SESSCTL_TLS_CERT]' -r -F
complete -c sessctl -n "__fish_sessctl_using_subcommand cleanup" -l tls-key -d 'PEM private key of --tls-cert (PKCS#8, PKCS#1 RSA or SEC1 EC, unencrypted) [env: SESSCTL_TLS_KEY]' -r -F
complete -c sessctl -n "__fish_sessctl_using_subcommand cleanup" -l secret-file -d 'File holding the cookie secret (one trailing newline removed; at most 64 KiB) [env: SESSCTL_SECRET_FILE]' -r -F
complete -c sessctl -n "__fish_sessctl_using_subcommand cleanup" -l secret-format -d 'How to read the secret: auto (a text starting with `{` must be a valid key ring), text (always one secret, byte for byte) or ring [env: SESSCTL_SECRET_FORMAT] [default: auto]' -r -f -a "auto\t''
text\t''
ring\t''"
complete -c sessctl -n "__fish_sessctl_using_subcommand cleanup" -l key-version -d 'Key version to sign with when the secret is a key ring [env: SESSCTL_KEY_VERSION] [default: highest in the ring]' -r
complete -c sessctl -n "__fish_sessctl_using_subcommand cleanup" -l cookie-name -d 'Cookie name (it is part of the signature) [env: SESSCTL_COOKIE_NAME] [default: session_id]' -r
complete -c sessctl -n "__fish_sessctl_using_subcommand cleanup" -l prefix -d 'Redis key prefix [env: SESSCTL_PREFIX] [default: session:]' -r
complete -c sessctl -n "__fish_sessctl_using_subcommand cleanup" -s o -l output -d 'Output format (prometheus: stats only) [env: SESSCTL_OUTPUT] [default: table]' -r -f -a "table\t''
json\t''
csv\t''
prometheus\t''"
complete -c sessctl -n "__fish_sessctl_using_subcommand cleanup" -l ttl -d 'The app\'s session lifetime: the TTL `mint` gives, and age = this minus the remaining TTL; 1s to 100y [env: SESSCTL_TTL] [default: 7d]' -r
complete -c sessctl -n "__fish_sessctl_using_subcommand cleanup" -l timeout -d 'How long to wait for a connection or a reply before giving up; up to 1d [env: SESSCTL_TIMEOUT] [default: 10s]' -r
complete -c sessctl -n "__fish_sessctl_using_subcommand cleanup" -l retry-deadline -d 'How long to keep retrying while Redis recovers (dropped connections, a failover, LOADING, CLUSTERDOWN…); up to 1d [env: SESSCTL_RETRY_DEADLINE] [default: 30s]' -r
complete -c sessctl -n "__fish_sessctl_using_subcommand cleanup" -l wait-replicas -d 'Replicas that must acknowledge each batch of writes (WAIT) before it counts as done; 0 writes without waiting, 0 to 100 [env: SESSCTL_WAIT_REPLICAS] [default: 1 where the primary has replicas, else 0]' -r
complete -c sessctl -n "__fish_sessctl_using_subcommand cleanup" -l scan-count -d 'SCAN COUNT hint (keys per SCAN call), 1 to 100000 [env: SESSCTL_SCAN_COUNT] [default: 250]' -r
complete -c sessctl -n "__fish_sessctl_using_subcommand cleanup" -l color -d 'Colour in tables: auto, always, never (NO_COLOR is honoured) [env: SESSCTL_COLOR] [default: auto]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c sessctl -n "__fish_sessctl_using_subcommand cleanup" -l output-file -d 'Write the output to FILE atomically (a temporary file renamed over it once the output is complete; a failed or interrupted run leaves FILE as it was)' -r -F
complete -c sessctl -n "__fish_sessctl_using_subcommand cleanup" -l dry-run -d 'Count only; change nothing'
complete -c sessctl -n "__fish_sessctl_using_subcommand cleanup" -s y -l yes -d 'Allow a --max-age under one hour'
complete -c sessctl -n "__fish_sessctl_using_subcommand cleanup" -l snapshot -d 'Find the sessions in a point-in-time snapshot of each primary (read over replication, SYNC) instead of scanning; deletions still go to the live server (compare-and-delete)'
complete -c sessctl -n "__fish_sessctl_using_subcommand cleanup" -l cluster -d 'The URLs are Redis Cluster seed nodes (detected automatically otherwise) [env: SESSCTL_CLUSTER=1]'
complete -c sessctl -n "__fish_sessctl_using_subcommand cleanup" -s q -l quiet -d 'No progress bars or informational messages on stderr [env: SESSCTL_QUIET=1]'
complete -c sessctl -n "__fish_sessctl_using_subcommand cleanup" -l no-headers -d 'Tables and CSV without their header row'
complete -c sessctl -n "__fish_sessctl_using_subcommand cleanup" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c sessctl -n "__fish_sessctl_using_subcommand stats" -l top -d 'How many top users (by session count) to show, 0 to 10000' -r
complete -c sessctl -n "__fish_sessctl_using_subcommand stats" -l rdb -d 'Read the sessions from this RDB dump (a backup, or `redis-cli --rdb FILE`) instead of a server; `-` reads stdin. TTLs are as of the dump\'s time unless --now' -r -F
complete -c sessctl -n "__fish_sessctl_using_subcommand stats" -l rate -d 'Scan at most this many keys per second, all primaries together, at a steady pace; 10 to 10000000 (20k = 20000) [env: SESSCTL_RATE]' -r
complete -c sessctl -n "__fish_sessctl_using_subcommand stats" -l max-latency -d 'Go as fast as keeps the latency other clients see (a PING on a connection of its own every 1ms, per primary) under this at its 99th percentile; 100us to 10s [env: SESSCTL_MAX_LATENCY]' -r
complete -c sessctl -n "__fish_sessctl_using_subcommand stats" -l max-duration -d 'Stop the scan cleanly after this long (exit 0, complete: false in the summary); with --resume the next run continues where this one stopped; 10ms to 30d' -r
complete -c sessctl -n "__fish_sessctl_using_subcommand stats" -l resume -d 'Continue from the per-primary cursors saved in FILE, if it exists, and save them there when the scan stops before its end (the file is removed once the scan is complete); refused when FILE was saved for another server, prefix or selection' -r -F
complete -c sessctl -n "__fish_sessctl_using_subcommand stats" -l profile -d 'Settings from this profile of the config file (flags and environment variables still win) [env: SESSCTL_PROFILE] [default: the file\'s default_profile]' -r
complete -c sessctl -n "__fish_sessctl_using_subcommand stats" -l config -d 'The config file [env: SESSCTL_CONFIG] [default: $XDG_CONFIG_HOME/sessctl/config.toml, else ~/.config/sessctl/config.toml]' -r -F
complete -c sessctl -n "__fish_sessctl_using_subcommand stats" -s r -l redis-url -d 'Redis URL: redis://[user:pass@]host:port/db, rediss:// (TLS) or unix:///path.sock; repeat for several cluster seed nodes [env: SESSCTL_REDIS_URL, then REDIS_URL] [default: redis://127.0.0.1:6379/0]' -r
complete -c sessctl -n "__fish_sessctl_using_subcommand stats" -l tls-ca -d 'PEM file of CA certificates that signed the server\'s certificate (rediss://) [env: SESSCTL_TLS_CA]' -r -F
complete -c sessctl -n "__fish_sessctl_using_subcommand stats" -l tls-cert -d 'PEM client certificate for servers that require one (tls-auth-clients yes); goes with --tls-key [env: SESSCTL_TLS_CERT]' -r -F
complete -c sessctl -n "__fish_sessctl_using_subcommand stats" -l tls-key -d 'PEM private key of --tls-cert (PKCS#8, PKCS#1 RSA or SEC1 EC, unencrypted) [env: SESSCTL_TLS_KEY]' -r -F
complete -c sessctl -n "__fish_sessctl_using_subcommand stats" -l secret-file -d 'File holding the cookie secret (one trailing newline removed; at most 64 KiB) [env: SESSCTL_SECRET_FILE]' -r -F
complete -c sessctl -n "__fish_sessctl_using_subcommand stats" -l secret-format -d 'How to read the secret: auto (a text starting with `{` must be a valid key ring), text (always one secret, byte for byte) or ring [env: SESSCTL_SECRET_FORMAT] [default: auto]' -r -f -a "auto\t''
text\t''
ring\t''"
complete -c sessctl -n "__fish_sessctl_using_subcommand stats" -l key-version -d 'Key version to sign with when the secret is a key ring [env: SESSCTL_KEY_VERSION] [default: highest in the ring]' -r
complete -c sessctl -n "__fish_sessctl_using_subcommand stats" -l cookie-name -d 'Cookie name (it is part of the signature) [env: SESSCTL_COOKIE_NAME] [default: session_id]' -r
complete -c sessctl -n "__fish_sessctl_using_subcommand stats" -l prefix -d 'Redis key prefix [env: SESSCTL_PREFIX] [default: session:]' -r
complete -c sessctl -n "__fish_sessctl_using_subcommand stats" -s o -l output -d 'Output format (prometheus: stats only) [env: SESSCTL_OUTPUT] [default: table]' -r -f -a "table\t''
json\t''
csv\t''
prometheus\t''"
complete -c sessctl -n "__fish_sessctl_using_subcommand stats" -l ttl -d 'The app\'s session lifetime: the TTL `mint` gives, and age = this minus the remaining TTL; 1s to 100y [env: SESSCTL_TTL] [default: 7d]' -r
complete -c sessctl -n "__fish_sessctl_using_subcommand stats" -l timeout -d 'How long to wait for a connection or a reply before giving up; up to 1d [env: SESSCTL_TIMEOUT] [default: 10s]' -r
complete -c sessctl -n "__fish_sessctl_using_subcommand stats" -l retry-deadline -d 'How long to keep retrying while Redis recovers (dropped connections, a failover, LOADING, CLUSTERDOWN…); up to 1d [env: SESSCTL_RETRY_DEADLINE] [default: 30s]' -r
complete -c sessctl -n "__fish_sessctl_using_subcommand stats" -l wait-replicas -d 'Replicas that must acknowledge each batch of writes (WAIT) before it counts as done; 0 writes without waiting, 0 to 100 [env: SESSCTL_WAIT_REPLICAS] [default: 1 where the primary has replicas, else 0]' -r
complete -c sessctl -n "__fish_sessctl_using_subcommand stats" -l scan-count -d 'SCAN COUNT hint (keys per SCAN call), 1 to 100000 [env: SESSCTL_SCAN_COUNT] [default: 250]' -r
complete -c sessctl -n "__fish_sessctl_using_subcommand stats" -l color -d 'Colour in tables: auto, always, never (NO_COLOR is honoured) [env: SESSCTL_COLOR] [default: auto]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c sessctl -n "__fish_sessctl_using_subcommand stats" -l output-file -d 'Write the output to FILE atomically (a temporary file renamed over it once the output is complete; a failed or interrupted run leaves FILE as it was)' -r -F
complete -c sessctl -n "__fish_sessctl_using_subcommand stats" -l snapshot -d 'Read a point-in-time snapshot of each primary over replication (SYNC) instead of scanning: the server\'s forked child does the work, not its main thread'
complete -c sessctl -n "__fish_sessctl_using_subcommand stats" -l now -d 'With --rdb or --snapshot: count TTLs from now rather than from the dump\'s own time'
complete -c sessctl -n "__fish_sessctl_using_subcommand stats" -l cluster -d 'The URLs are Redis Cluster seed nodes (detected automatically otherwise) [env: SESSCTL_CLUSTER=1]'
complete -c sessctl -n "__fish_sessctl_using_subcommand stats" -s q -l quiet -d 'No progress bars or informational messages on stderr [env: SESSCTL_QUIET=1]'
complete -c sessctl -n "__fish_sessctl_using_subcommand stats" -l no-headers -d 'Tables and CSV without their header row'
complete -c sessctl -n "__fish_sessctl_using_subcommand stats" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c sessctl -n "__fish_sessctl_using_subcommand restore" -l profile -d 'Settings from this profile of the config file (flags and environment variables still win) [env: SESSCTL_PROFILE] [default: the file\'s default_profile]' -r
complete -c sessctl -n "__fish_sessctl_using_subcommand restore" -l config -d 'The config file [env: SESSCTL_CONFIG] [default: $XDG_CONFIG_HOME/sessctl/config.toml, else ~/.config/sessctl/config.toml]' -r -F
complete -c sessctl -n "__fish_sessctl_using_subcommand restore" -s r -l redis-url -d 'Redis URL: redis://[user:pass@]host:port/db, rediss:// (TLS) or unix:///path.sock; repeat for several cluster seed nodes [env: SESSCTL_REDIS_URL, then REDIS_URL] [default: redis://127.0.0.1:6379/0]' -r
complete -c sessctl -n "__fish_sessctl_using_subcommand restore" -l tls-ca -d 'PEM file of CA certificates that signed the server\'s certificate (rediss://) [env: SESSCTL_TLS_CA]' -r -F
complete -c sessctl -n "__fish_sessctl_using_subcommand restore" -l tls-cert -d 'PEM client certificate for servers that require one (tls-auth-clients yes); goes with --tls-key [env: SESSCTL_TLS_CERT]' -r -F
complete -c sessctl -n "__fish_sessctl_using_subcommand restore" -l tls-key -d 'PEM private key of --tls-cert (PKCS#8, PKCS#1 RSA or SEC1 EC, unencrypted) [env: SESSCTL_TLS_KEY]' -r -F
complete -c sessctl -n "__fish_sessctl_using_subcommand restore" -l secret-file -d 'File holding the cookie secret (one trailing newline removed; at most 64 KiB) [env: SESSCTL_SECRET_FILE]' -r -F
complete -c sessctl -n "__fish_sessctl_using_subcommand restore" -l secret-format -d 'How to read the secret: auto (a text starting with `{` must be a valid key ring), text (always one secret, byte for byte) or ring [env: SESSCTL_SECRET_FORMAT] [default: auto]' -r -f -a "auto\t''
text\t''
ring\t''"
complete -c sessctl -n "__fish_sessctl_using_subcommand restore" -l key-version -d 'Key version to sign with when the secret is a key ring [env: SESSCTL_KEY_VERSION] [default: highest in the ring]' -r
complete -c sessctl -n "__fish_sessctl_using_subcommand restore" -l cookie-name -d 'Cookie name (it is part of the signature) [env: SESSCTL_COOKIE_NAME] [default: session_id]' -r
complete -c sessctl -n "__fish_sessctl_using_subcommand restore" -l prefix -d 'Redis key prefix [env: SESSCTL_PREFIX] [default: session:]' -r
complete -c sessctl -n "__fish_sessctl_using_subcommand restore" -s o -l output -d 'Output format (prometheus: stats only) [env: SESSCTL_OUTPUT] [default: table]' -r -f -a "table\t''
json\t''
csv\t''
prometheus\t''"
complete -c sessctl -n "__fish_sessctl_using_subcommand restore" -l ttl -d 'The app\'s session lifetime: the TTL `mint` gives, and age = this minus the remaining TTL; 1s to 100y [env: SESSCTL_TTL] [default: 7d]' -r
complete -c sessctl -n "__fish_sessctl_using_subcommand restore" -l timeout -d 'How long to wait for a connection or a reply before giving up; up to 1d [env: SESSCTL_TIMEOUT] [default: 10s]' -r
complete -c sessctl -n "__fish_sessctl_using_subcommand restore" -l retry-deadline -d 'How long to keep retrying while Redis recovers (dropped connections, a failover, LOADING, CLUSTERDOWN…); up to 1d [env: SESSCTL_RETRY_DEADLINE] [default: 30s]' -r
complete -c sessctl -n "__fish_sessctl_using_subcommand restore" -l wait-replicas -d 'Replicas that must acknowledge each batch of writes (WAIT) before it counts as done; 0 writes without waiting, 0 to 100 [env: SESSCTL_WAIT_REPLICAS] [default: 1 where the primary has replicas, else 0]' -r
complete -c sessctl -n "__fish_sessctl_using_subcommand restore" -l scan-count -d 'SCAN COUNT hint (keys per SCAN call), 1 to 100000 [env: SESSCTL_SCAN_COUNT] [default: 250]' -r
complete -c sessctl -n "__fish_sessctl_using_subcommand restore" -l color -d 'Colour in tables: auto, always, never (NO_COLOR is honoured) [env: SESSCTL_COLOR] [default: auto]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c sessctl -n "__fish_sessctl_using_subcommand restore" -l output-file -d 'Write the output to FILE atomically (a temporary file renamed over it once the output is complete; a failed or interrupted run leaves FILE as it was)' -r -F
complete -c sessctl -n "__fish_sessctl_using_subcommand restore" -l dry-run -d 'Count what would be restored; write nothing'
complete -c sessctl -n "__fish_sessctl_using_subcommand restore" -l unverified -d 'Restore a file whose lines carry no chain (written before sessctl chained them) or whose chain does not verify (a file you edited): edits cannot be detected, so only lines shaped like the app\'s sessions (43-character ids, a user) are accepted'
complete -c sessctl -n "__fish_sessctl_using_subcommand restore" -l cluster -d 'The URLs are Redis Cluster seed nodes (detected automatically otherwise) [env: SESSCTL_CLUSTER=1]'
complete -c sessctl -n "__fish_sessctl_using_subcommand restore" -s q -l quiet -d 'No progress bars or informational messages on stderr [env: SESSCTL_QUIET=1]'
complete -c sessctl -n "__fish_sessctl_using_subcommand restore" -l no-headers -d 'Tables and CSV without their header row'
complete -c sessctl -n "__fish_sessctl_using_subcommand restore" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c sessctl -n "__fish_sessctl_using_subcommand doctor" -l sample -d 'Keys to examine per primary for the population checks (all of them when there are fewer; then the counts are exact)' -r
complete -c sessctl -n "__fish_sessctl_using_subcommand doctor" -l profile -d 'Settings from this profile of the config file (flags and environment variables still win) [env: SESSCTL_PROFILE] [default: the file\'s default_profile]' -r
complete -c sessctl -n "__fish_sessctl_using_subcommand doctor" -l config -d 'The config file [env: SESSCTL_CONFIG] [default: $XDG_CONFIG_HOME/sessctl/config.toml, else ~/.config/sessctl/config.toml]' -r -F
complete -c sessctl -n "__fish_sessctl_using_subcommand doctor" -s r -l redis-url -d 'Redis URL: redis://[user:pass@]host:port/db, rediss:// (TLS) or unix:///path.sock; repeat for several cluster seed nodes [env: SESSCTL_REDIS_URL, then REDIS_URL] [default: redis://127.0.0.1:6379/0]' -r
complete -c sessctl -n "__fish_sessctl_using_subcommand doctor" -l tls-ca -d 'PEM file of CA certificates that signed the server\'s certificate (rediss://) [env: SESSCTL_TLS_CA]' -r -F
complete -c sessctl -n "__fish_sessctl_using_subcommand doctor" -l tls-cert -d 'PEM client certificate for servers that require one (tls-auth-clients yes); goes with --tls-key [env: SESSCTL_TLS_CERT]' -r -F
complete -c sessctl -n "__fish_sessctl_using_subcommand doctor" -l tls-key -d 'PEM private key of --tls-cert (PKCS#8, PKCS#1 RSA or SEC1 EC, unencrypted) [env: SESSCTL_TLS_KEY]' -r -F
complete -c sessctl -n "__fish_sessctl_using_subcommand doctor" -l secret-file -d 'File holding the cookie secret (one trailing newline removed; at most 64 KiB) [env: SESSCTL_SECRET_FILE]' -r -F
complete -c sessctl -n "__fish_sessctl_using_subcommand doctor" -l secret-format -d 'How to read the secret: auto (a text starting with `{` must be a valid key ring), text (always one secret, byte for byte) or ring [env: SESSCTL_SECRET_FORMAT] [default: auto]' -r -f -a "auto\t''
text\t''
ring\t''"
complete -c sessctl -n "__fish_sessctl_using_subcommand doctor" -l key-version -d 'Key version to sign with when the secret is a key ring [env: SESSCTL_KEY_VERSION] [default: highest in the ring]' -r
complete -c sessctl -n "__fish_sessctl_using_subcommand doctor" -l cookie-name -d 'Cookie name (it is part of the signature) [env: SESSCTL_COOKIE_NAME] [default: session_id]' -r
complete -c sessctl -n "__fish_sessctl_using_subcommand doctor" -l prefix -d 'Redis key prefix [env: SESSCTL_PREFIX] [default: session:]' -r
complete -c sessctl -n "__fish_sessctl_using_subcommand doctor" -s o -l output -d 'Output format (prometheus: stats only) [env: SESSCTL_OUTPUT] [default: table]' -r -f -a "table\t''
json\t''
csv\t''
prometheus\t''"
complete -c sessctl -n "__fish_sessctl_using_subcommand doctor" -l ttl -d 'The app\'s session lifetime: the TTL `mint` gives, and age = this minus the remaining TTL; 1s to 100y [env: SESSCTL_TTL] [default: 7d]' -r
complete -c sessctl -n "__fish_sessctl_using_subcommand doctor" -l timeout -d 'How long to wait for a connection or a reply before giving up; up to 1d [env: SESSCTL_TIMEOUT] [default: 10s]' -r
complete -c sessctl -n "__fish_sessctl_using_subcommand doctor" -l retry-deadline -d 'How long to keep retrying while Redis recovers (dropped connections, a failover, LOADING, CLUSTERDOWN…); up to 1d [env: SESSCTL_RETRY_DEADLINE] [default: 30s]' -r
complete -c sessctl -n "__fish_sessctl_using_subcommand doctor" -l wait-replicas -d 'Replicas that must acknowledge each batch of writes (WAIT) before it counts as done; 0 writes without waiting, 0 to 100 [env: SESSCTL_WAIT_REPLICAS] [default: 1 where the primary has replicas, else 0]' -r
complete -c sessctl -n "__fish_sessctl_using_subcommand doctor" -l scan-count -d 'SCAN COUNT hint (keys per SCAN call), 1 to 100000 [env: SESSCTL_SCAN_COUNT] [default: 250]' -r
complete -c sessctl -n "__fish_sessctl_using_subcommand doctor" -l color -d 'Colour in tables: auto, always, never (NO_COLOR is honoured) [env: SESSCTL_COLOR] [default: auto]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c sessctl -n "__fish_sessctl_using_subcommand doctor" -l output-file -d 'Write the output to FILE atomically (a temporary file renamed over it once the output is complete; a failed or interrupted run leaves FILE as it was)' -r -F
complete -c sessctl -n "__fish_sessctl_using_subcommand doctor" -l cluster -d 'The URLs are Redis Cluster seed nodes (detected automatically otherwise) [env: SESSCTL_CLUSTER=1]'
complete -c sessctl -n "__fish_sessctl_using_subcommand doctor" -s q -l quiet -d 'No progress bars or informational messages on stderr [env: SESSCTL_QUIET=1]'
complete -c sessctl -n "__fish_sessctl_using_subcommand doctor" -l no-headers -d 'Tables and CSV without their header row'
complete -c sessctl -n "__fish_sessctl_using_subcommand doctor" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c sessctl -n "__fish_sessctl_using_subcommand gen-secret" -l bytes -d 'Random bytes in the new secret (from the OS generator; printed URL-safe base64)' -r
complete -c sessctl -n "__fish_sessctl_using_subcommand gen-secret" -l profile -d 'Settings from this profile of the config file (flags and environment variables still win) [env: SESSCTL_PROFILE] [default: the file\'s default_profile]' -r
complete -c sessctl -n "__fish_sessctl_using_subcommand gen-secret" -l config -d 'The config file [env: SESSCTL_CONFIG] [default: $XDG_CONFIG_HOME/sessctl/config.toml, else ~/.config/sessctl/config.toml]' -r -F
complete -c sessctl -n "__fish_sessctl_using_subcommand gen-secret" -s r -l redis-url -d 'Redis URL: redis://[user:pass@]host:port/db, rediss:// (TLS) or unix:///path.sock; repeat for several cluster seed nodes [env: SESSCTL_REDIS_URL, then REDIS_URL] [default: redis://127.0.0.1:6379/0]' -r
complete -c sessctl -n "__fish_sessctl_using_subcommand gen-secret" -l tls-ca -d 'PEM file of CA certificates that signed the server\'s certificate (rediss://) [env: SESSCTL_TLS_CA]' -r -F
complete -c sessctl -n "__fish_sessctl_using_subcommand gen-secret" -l tls-cert -d 'PEM client certificate for servers that require one (tls-auth-clients yes); goes with --tls-key [env: SESSCTL_TLS_CERT]' -r -F
complete -c sessctl -n "__fish_sessctl_using_subcommand gen-secret" -l tls-key -d 'PEM private key of --tls-cert (PKCS#8, PKCS#1 RSA or SEC1 EC, unencrypted) [env: SESSCTL_TLS_KEY]' -r -F
complete -c sessctl -n "__fish_sessctl_using_subcommand gen-secret" -l secret-file -d 'File holding the cookie secret (one trailing newline removed; at most 64 KiB) [env: SESSCTL_SECRET_FILE]' -r -F
complete -c sessctl -n "__fish_sessctl_using_subcommand gen-secret" -l secret-format -d 'How to read the secret: auto (a text starting with `{` must be a valid key ring), text (always one secret, byte for byte) or ring [env: SESSCTL_SECRET_FORMAT] [default: auto]' -r -f -a "auto\t''
text\t''
ring\t''"
complete -c sessctl -n "__fish_sessctl_using_subcommand gen-secret" -l key-version -d 'Key version to sign with when the secret is a key ring [env: SESSCTL_KEY_VERSION] [default: highest in the ring]' -r
complete -c sessctl -n "__fish_sessctl_using_subcommand gen-secret" -l cookie-name -d 'Cookie name (it is part of the signature) [env: SESSCTL_COOKIE_NAME] [default: session_id]' -r
complete -c sessctl -n "__fish_sessctl_using_subcommand gen-secret" -l prefix -d 'Redis key prefix [env: SESSCTL_PREFIX] [default: session:]' -r
complete -c sessctl -n "__fish_sessctl_using_subcommand gen-secret" -s o -l output -d 'Output format (prometheus: stats only) [env: SESSCTL_OUTPUT] [default: table]' -r -f -a "table\t''
json\t''
csv\t''
prometheus\t''"
complete -c sessctl -n "__fish_sessctl_using_subcommand gen-secret" -l ttl -d 'The app\'s session lifetime: the TTL `mint` gives, and age = this minus the remaining TTL; 1s to 100y [env: SESSCTL_TTL] [default: 7d]' -r
complete -c sessctl -n "__fish_sessctl_using_subcommand gen-secret" -l timeout -d 'How long to wait for a connection or a reply before giving up; up to 1d [env: SESSCTL_TIMEOUT] [default: 10s]' -r
complete -c sessctl -n "__fish_sessctl_using_subcommand gen-secret" -l retry-deadline -d 'How long to keep retrying while Redis recovers (dropped connections, a failover, LOADING, CLUSTERDOWN…); up to 1d [env: SESSCTL_RETRY_DEADLINE] [default: 30s]' -r
complete -c sessctl -n "__fish_sessctl_using_subcommand gen-secret" -l wait-replicas -d 'Replicas that must acknowledge each batch of writes (WAIT) before it counts as done; 0 writes without waiting, 0 to 100 [env: SESSCTL_WAIT_REPLICAS] [default: 1 where the primary has replicas, else 0]' -r
complete -c sessctl -n "__fish_sessctl_using_subcommand gen-secret" -l scan-count -d 'SCAN COUNT hint (keys per SCAN call), 1 to 100000 [env: SESSCTL_SCAN_COUNT] [default: 250]' -r
complete -c sessctl -n "__fish_sessctl_using_subcommand gen-secret" -l color -d 'Colour in tables: auto, always, never (NO_COLOR is honoured) [env: SESSCTL_COLOR] [default: auto]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c sessctl -n "__fish_sessctl_using_subcommand gen-secret" -l output-file -d 'Write the output to FILE atomically (a temporary file renamed over it once the output is complete; a failed or interrupted run leaves FILE as it was)' -r -F
complete -c sessctl -n "__fish_sessctl_using_subcommand gen-secret" -l ring -d 'Print the configured secret (one secret or a key ring) as a key ring with a new secret added under the next version'
complete -c sessctl -n "__fish_sessctl_using_subcommand gen-secret" -l cluster -d 'The URLs are Redis Cluster seed nodes (detected automatically otherwise) [env: SESSCTL_CLUSTER=1]'
complete -c sessctl -n "__fish_sessctl_using_subcommand gen-secret" -s q -l quiet -d 'No progress bars or informational messages on stderr [env: SESSCTL_QUIET=1]'
complete -c sessctl -n "__fish_sessctl_using_subcommand gen-secret" -l no-headers -d 'Tables and CSV without their header row'
complete -c sessctl -n "__fish_sessctl_using_subcommand gen-secret" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c sessctl -n "__fish_sessctl_using_subcommand config; and not __fish_seen_subcommand_from show profiles help" -l profile -d 'Settings from this profile of the config file (flags and environment variables still win) [env: SESSCTL_PROFILE] [default: the file\'s default_profile]' -r
complete -c sessctl -n "__fish_sessctl_using_subcommand config; and not __fish_seen_subcommand_from show profiles help" -l config -d 'The config file [env: SESSCTL_CONFIG] [default: $XDG_CONFIG_HOME/sessctl/config.toml, else ~/.config/sessctl/config.toml]' -r -F
complete -c sessctl -n "__fish_sessctl_using_subcommand config; and not __fish_seen_subcommand_from show profiles help" -s r -l redis-url -d 'Redis URL: redis://[user:pass@]host:port/db, rediss:// (TLS) or unix:///path.sock; repeat for several cluster seed nodes [env: SESSCTL_REDIS_URL, then REDIS_URL] [default: redis://127.0.0.1:6379/0]' -r
complete -c sessctl -n "__fish_sessctl_using_subcommand config; and not __fish_seen_subcommand_from show profiles help" -l tls-ca -d 'PEM file of CA certificates that signed the server\'s certificate (rediss://) [env: SESSCTL_TLS_CA]' -r -F
complete -c sessctl -n "__fish_sessctl_using_subcommand config; and not __fish_seen_subcommand_from show profiles help" -l tls-cert -d 'PEM client certificate for servers that require one (tls-auth-clients yes); goes with --tls-key [env: SESSCTL_TLS_CERT]' -r -F
complete -c sessctl -n "__fish_sessctl_using_subcommand config; and not __fish_seen_subcommand_from show profiles help" -l tls-key -d 'PEM private key of --tls-cert (PKCS#8, PKCS#1 RSA or SEC1 EC, unencrypted) [env: SESSCTL_TLS_KEY]' -r -F
complete -c sessctl -n "__fish_sessctl_using_subcommand config; and not __fish_seen_subcommand_from show profiles help" -l secret-file -d 'File holding the cookie secret (one trailing newline removed; at most 64 KiB) [env: SESSCTL_SECRET_FILE]' -r -F
complete -c sessctl -n "__fish_sessctl_using_subcommand config; and not __fish_seen_subcommand_from show profiles help" -l secret-format -d 'How to read the secret: auto (a text starting with `{` must be a valid key ring), text (always one secret, byte for byte) or ring [env: SESSCTL_SECRET_FORMAT] [default: auto]' -r -f -a "auto\t''
text\t''
ring\t''"
complete -c sessctl -n "__fish_sessctl_using_subcommand config; and not __fish_seen_subcommand_from show profiles help" -l key-version -d 'Key version to sign with when the secret is a key ring [env: SESSCTL_KEY_VERSION] [default: highest in the ring]' -r
complete -c sessctl -n "__fish_sessctl_using_subcommand config; and not __fish_seen_subcommand_from show profiles help" -l cookie-name -d 'Cookie name (it is part of the signature) [env: SESSCTL_COOKIE_NAME] [default: session_id]' -r
complete -c sessctl -n "__fish_sessctl_using_subcommand config; and not __fish_seen_subcommand_from show profiles help" -l prefix -d 'Redis key prefix [env: SESSCTL_PREFIX] [default: session:]' -r
complete -c sessctl -n "__fish_sessctl_using_subcommand config; and not __fish_seen_subcommand_from show profiles help" -s o -l output -d 'Output format (prometheus: stats only) [env: SESSCTL_OUTPUT] [default: table]' -r -f -a "table\t''
json\t''
csv\t''
prometheus\t''"
complete -c sessctl -n "__fish_sessctl_using_subcommand config; and not __fish_seen_subcommand_from show profiles help" -l ttl -d 'The app\'s session lifetime: the TTL `mint` gives, and age = this minus the remaining TTL; 1s to 100y [env: SESSCTL_TTL] [default: 7d]' -r
complete -c sessctl -n "__fish_sessctl_using_subcommand config; and not __fish_seen_subcommand_from show profiles help" -l timeout -d 'How long to wait for a connection or a reply before giving up; up to 1d [env: SESSCTL_TIMEOUT] [default: 10s]' -r
complete -c sessctl -n "__fish_sessctl_using_subcommand config; and not __fish_seen_subcommand_from show profiles help" -l retry-deadline -d 'How long to keep retrying while Redis recovers (dropped connections, a failover, LOADING, CLUSTERDOWN…); up to 1d [env: SESSCTL_RETRY_DEADLINE] [default: 30s]' -r
complete -c sessctl -n "__fish_sessctl_using_subcommand config; and not __fish_seen_subcommand_from show profiles help" -l wait-replicas -d 'Replicas that must acknowledge each batch of writes (WAIT) before it counts as done; 0 writes without waiting, 0 to 100 [env: SESSCTL_WAIT_REPLICAS] [default: 1 where the primary has replicas, else 0]' -r
complete -c sessctl -n "__fish_sessctl_using_subcommand config; and not __fish_seen_subcommand_from show profiles help" -l scan-count -d 'SCAN COUNT hint (keys per SCAN call), 1 to 100000 [env: SESSCTL_SCAN_COUNT] [default: 250]' -r
complete -c sessctl -n "__fish_sessctl_using_subcommand config; and not __fish_seen_subcommand_from show profiles help" -l color -d 'Colour in tables: auto, always, never (NO_COLOR is honoured) [env: SESSCTL_COLOR] [default: auto]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c sessctl -n "__fish_sessctl_using_subcommand config; and not __fish_seen_subcommand_from show profiles help" -l output-file -d 'Write the output to FILE atomically (a temporary file renamed over it once the output is complete; a failed or interrupted run leaves FILE as it was)' -r -F
complete -c sessctl -n "__fish_sessctl_using_subcommand config; and not __fish_seen_subcommand_from show profiles help" -l cluster -d 'The URLs are Redis Cluster seed nodes (detected automatically otherwise) [env: SESSCTL_CLUSTER=1]'
complete -c sessctl -n "__fish_sessctl_using_subcommand config; and not __fish_seen_subcommand_from show profiles help" -s q -l quiet -d 'No progress bars or informational messages on stderr [env: SESSCTL_QUIET=1]'
complete -c sessctl -n "__fish_sessctl_using_subcommand config; and not __fish_seen_subcommand_from show profiles help" -l no-headers -d 'Tables and CSV without their header row'
complete -c sessctl -n "__fish_sessctl_using_subcommand config; and not __fish_seen_subcommand_from show profiles help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c sessctl -n "__fish_sessctl_using_subcommand config; and not __fish_seen_subcommand_from show profiles help" -f -a "show" -d 'Every setting as a command would resolve it (flag > environment > profile > default), with where it came from; the secret is never shown, only where it is read from'
complete -c sessctl -n "__fish_sessctl_using_subcommand config; and not __fish_seen_subcommand_from show profiles help" -f -a "profiles" -d 'The profiles of the config file, the default one and the one chosen now'
complete -c sessctl -n "__fish_sessctl_using_subcommand config; and not __fish_seen_subcommand_from show profiles help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c sessctl -n "__fish_sessctl_using_subcommand config; and __fish_seen_subcommand_from show" -l profile -d 'Settings from this profile of the config file (flags and environment variables still win) [env: SESSCTL_PROFILE] [default: the file\'s default_profile]' -r
complete -c sessctl -n "__fish_sessctl_using_subcommand config; and __fish_seen_subcommand_from show" -l config -d 'The config file [env: SESSCTL_CONFIG] [default: $XDG_CONFIG_HOME/sessctl/config.toml, else ~/.config/sessctl/config.toml]' -r -F
complete -c sessctl -n "__fish_sessctl_using_subcommand config; and __fish_seen_subcommand_from show" -s r -l redis-url -d 'Redis URL: redis://[user:pass@]host:port/db, rediss:// (TLS) or unix:///path.sock; repeat for several cluster seed nodes [env: SESSCTL_REDIS_URL, then REDIS_URL] [default: redis://127.0.0.1:6379/0]' -r
complete -c sessctl -n "__fish_sessctl_using_subcommand config; and __fish_seen_subcommand_from show" -l tls-ca -d 'PEM file of CA certificates that signed the server\'s certificate (rediss://) [env: SESSCTL_TLS_CA]' -r -F
complete -c sessctl -n "__fish_sessctl_using_subcommand config; and __fish_seen_subcommand_from show" -l tls-cert -d 'PEM client certificate for servers that require one (tls-auth-clients yes); goes with --tls-key [env: SESSCTL_TLS_CERT]' -r -F
complete -c sessctl -n "__fish_sessctl_using_subcommand config; and __fish_seen_subcommand_from show" -l tls-key -d 'PEM private key of --tls-cert (PKCS#8, PKCS#1 RSA or SEC1 EC, unencrypted) [env: SESSCTL_TLS_KEY]' -r -F
complete -c sessctl -n "__fish_sessctl_using_subcommand config; and __fish_seen_subcommand_from show" -l secret-file -d 'File holding the cookie secret (one trailing newline removed; at most 64 KiB) [env: SESSCTL_SECRET_FILE]' -r -F
complete -c sessctl -n "__fish_sessctl_using_subcommand config; and __fish_seen_subcommand_from show" -l secret-format -d 'How to read the secret: auto (a text starting with `{` must be a valid key ring), text (always one secret, byte for byte) or ring [env: SESSCTL_SECRET_FORMAT] [default: auto]' -r -f -a "auto\t''
text\t''
ring\t''"
complete -c sessctl -n "__fish_sessctl_using_subcommand config; and __fish_seen_subcommand_from show" -l key-version -d 'Key version to sign with when the secret is a key ring [env: SESSCTL_KEY_VERSION] [default: highest in the ring]' -r
complete -c sessctl -n "__fish_sessctl_using_subcommand config; and __fish_seen_subcommand_from show" -l cookie-name -d 'Cookie name (it is part of the signature) [env: SESSCTL_COOKIE_NAME] [default: session_id]' -r
complete -c sessctl -n "__fish_sessctl_using_subcommand config; and __fish_seen_subcommand_from show" -l prefix -d 'Redis key prefix [env: SESSCTL_PREFIX] [default: session:]' -r
complete -c sessctl -n "__fish_sessctl_using_subcommand config; and __fish_seen_subcommand_from show" -s o -l output -d 'Output format (prometheus: stats only) [env: SESSCTL_OUTPUT] [default: table]' -r -f -a "table\t''
json\t''
csv\t''
prometheus\t''"
complete -c sessctl -n "__fish_sessctl_using_subcommand config; and __fish_seen_subcommand_from show" -l ttl -d 'The app\'s session lifetime: the TTL `mint` gives, and age = this minus the remaining TTL; 1s to 100y [env: SESSCTL_TTL] [default: 7d]' -r
complete -c sessctl -n "__fish_sessctl_using_subcommand config; and __fish_seen_subcommand_from show" -l timeout -d 'How long to wait for a connection or a reply before giving up; up to 1d [env: SESSCTL_TIMEOUT] [default: 10s]' -r
complete -c sessctl -n "__fish_sessctl_using_subcommand config; and __fish_seen_subcommand_from show" -l retry-deadline -d 'How long to keep retrying while Redis recovers (dropped connections, a failover, LOADING, CLUSTERDOWN…); up to 1d [env: SESSCTL_RETRY_DEADLINE] [default: 30s]' -r
complete -c sessctl -n "__fish_sessctl_using_subcommand config; and __fish_seen_subcommand_from show" -l wait-replicas -d 'Replicas that must acknowledge each batch of writes (WAIT) before it counts as done; 0 writes without waiting, 0 to 100 [env: SESSCTL_WAIT_REPLICAS] [default: 1 where the primary has replicas, else 0]' -r
complete -c sessctl -n "__fish_sessctl_using_subcommand config; and __fish_seen_subcommand_from show" -l scan-count -d 'SCAN COUNT hint (keys per SCAN call), 1 to 100000 [env: SESSCTL_SCAN_COUNT] [default: 250]' -r
complete -c sessctl -n "__fish_sessctl_using_subcommand config; and __fish_seen_subcommand_from show" -l color -d 'Colour in tables: auto, always, never (NO_COLOR is honoured) [env: SESSCTL_COLOR] [default: auto]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c sessctl -n "__fish_sessctl_using_subcommand config; and __fish_seen_subcommand_from show" -l output-file -d 'Write the output to FILE atomically (a temporary file renamed over it once the output is complete; a failed or interrupted run leaves FILE as it was)' -r -F
complete -c sessctl -n "__fish_sessctl_using_subcommand config; and __fish_seen_subcommand_from show" -l cluster -d 'The URLs are Redis Cluster seed nodes (detected automatically otherwise) [env: SESSCTL_CLUSTER=1]'
complete -c sessctl -n "__fish_sessctl_using_subcommand config; and __fish_seen_subcommand_from show" -s q -l quiet -d 'No progress bars or informational messages on stderr [env: SESSCTL_QUIET=1]'
complete -c sessctl -n "__fish_sessctl_using_subcommand config; and __fish_seen_subcommand_from show" -l no-headers -d 'Tables and CSV without their header row'
complete -c sessctl -n "__fish_sessctl_using_subcommand config; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help'
complete -c sessctl -n "__fish_sessctl_using_subcommand config; and __fish_seen_subcommand_from profiles" -l profile -d 'Settings from this profile of the config file (flags and environment variables still win) [env: SESSCTL_PROFILE] [default: the file\'s default_profile]' -r
complete -c sessctl -n "__fish_sessctl_using_subcommand config; and __fish_seen_subcommand_from profiles" -l config -d 'The config file [env: SESSCTL_CONFIG] [default: $XDG_CONFIG_HOME/sessctl/config.toml, else ~/.config/sessctl/config.toml]' -r -F
complete -c sessctl -n "__fish_sessctl_using_subcommand config; and __fish_seen_subcommand_from profiles" -s r -l redis-url -d 'Redis URL: redis://[user:pass@]host:port/db, rediss:// (TLS) or unix:///path.sock; repeat for several cluster seed nodes [env: SESSCTL_REDIS_URL, then REDIS_URL] [default: redis://127.0.0.1:6379/0]' -r
complete -c sessctl -n "__fish_sessctl_using_subcommand config; and __fish_seen_subcommand_from profiles" -l tls-ca -d 'PEM file of CA certificates that signed the server\'s certificate (rediss://) [env: SESSCTL_TLS_CA]' -r -F
complete -c sessctl -n "__fish_sessctl_using_subcommand config; and __fish_seen_subcommand_from profiles" -l tls-cert -d 'PEM client certificate for servers that require one (tls-auth-clients yes); goes with --tls-key [env: SESSCTL_TLS_CERT]' -r -F
complete -c sessctl -n "__fish_sessctl_using_subcommand config; and __fish_seen_subcommand_from profiles" -l tls-key -d 'PEM private key of --tls-cert (PKCS#8, PKCS#1 RSA or SEC1 EC, unencrypted) [env: SESSCTL_TLS_KEY]' -r -F
complete -c sessctl -n "__fish_sessctl_using_subcommand config; and __fish_seen_subcommand_from profiles" -l secret-file -d 'File holding the cookie secret (one trailing newline removed; at most 64 KiB) [env: SESSCTL_SECRET_FILE]' -r -F
complete -c sessctl -n "__fish_sessctl_using_subcommand config; and __fish_seen_subcommand_from profiles" -l secret-format -d 'How to read the secret: auto (a text starting with `{` must be a valid key ring), text (always one secret, byte for byte) or ring [env: SESSCTL_SECRET_FORMAT] [default: auto]' -r -f -a "auto\t''
text\t''
ring\t''"
complete -c sessctl -n "__fish_sessctl_using_subcommand config; and __fish_seen_subcommand_from profiles" -l key-version -d 'Key version to sign with when the secret is a key ring [env: SESSCTL_KEY_VERSION] [default: highest in the ring]' -r
complete -c sessctl -n "__fish_sessctl_using_subcommand config; and __fish_seen_subcommand_from profiles" -l cookie-name -d 'Cookie name (it is part of the signature) [env: SESSCTL_COOKIE_NAME] [default: session_id]' -r
complete -c sessctl -n "__fish_sessctl_using_subcommand config; and __fish_seen_subcommand_from profiles" -l prefix -d 'Redis key prefix [env: SESSCTL_PREFIX] [default: session:]' -r
complete -c sessctl -n "__fish_sessctl_using_subcommand config; and __fish_seen_subcommand_from profiles" -s o -l output -d 'Output format (prometheus: stats only) [env: SESSCTL_OUTPUT] [default: table]' -r -f -a "table\t''
json\t''
csv\t''
prometheus\t''"
complete -c sessctl -n "__fish_sessctl_using_subcommand config; and __fish_seen_subcommand_from profiles" -l ttl -d 'The app\'s session lifetime: the TTL `mint` gives, and age = this minus the remaining TTL; 1s to 100y [env: SESSCTL_TTL] [default: 7d]' -r
complete -c sessctl -n "__fish_sessctl_using_subcommand config; and __fish_seen_subcommand_from profiles" -l timeout -d 'How long to wait for a connection or a reply before giving up; up to 1d [env: SESSCTL_TIMEOUT] [default: 10s]' -r
complete -c sessctl -n "__fish_sessctl_using_subcommand config; and __fish_seen_subcommand_from profiles" -l retry-deadline -d 'How long to keep retrying while Redis recovers (dropped connections, a failover, LOADING, CLUSTERDOWN…); up to 1d [env: SESSCTL_RETRY_DEADLINE] [default: 30s]' -r
complete -c sessctl -n "__fish_sessctl_using_subcommand config; and __fish_seen_subcommand_from profiles" -l wait-replicas -d 'Replicas that must acknowledge each batch of writes (WAIT) before it counts as done; 0 writes without waiting, 0 to 100 [env: SESSCTL_WAIT_REPLICAS] [default: 1 where the primary has replicas, else 0]' -r
complete -c sessctl -n "__fish_sessctl_using_subcommand config; and __fish_seen_subcommand_from profiles" -l scan-count -d 'SCAN COUNT hint (keys per SCAN call), 1 to 100000 [env: SESSCTL_SCAN_COUNT] [default: 250]' -r
complete -c sessctl -n "__fish_sessctl_using_subcommand config; and __fish_seen_subcommand_from profiles" -l color -d 'Colour in tables: auto, always, never (NO_COLOR is honoured) [env: SESSCTL_COLOR] [default: auto]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c sessctl -n "__fish_sessctl_using_subcommand config; and __fish_seen_subcommand_from profiles" -l output-file -d 'Write the output to FILE atomically (a temporary file renamed over it once the output is complete; a failed or interrupted run leaves FILE as it was)' -r -F
complete -c sessctl -n "__fish_sessctl_using_subcommand config; and __fish_seen_subcommand_from profiles" -l cluster -d 'The URLs are Redis Cluster seed nodes (detected automatically otherwise) [env: SESSCTL_CLUSTER=1]'
complete -c sessctl -n "__fish_sessctl_using_subcommand config; and __fish_seen_subcommand_from profiles" -s q -l quiet -d 'No progress bars or informational messages on stderr [env: SESSCTL_QUIET=1]'
complete -c sessctl -n "__fish_sessctl_using_subcommand config; and __fish_seen_subcommand_from profiles" -l no-headers -d 'Tables and CSV without their header row'
complete -c sessctl -n "__fish_sessctl_using_subcommand config; and __fish_seen_subcommand_from profiles" -s h -l help -d 'Print help'
complete -c sessctl -n "__fish_sessctl_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "show" -d 'Every setting as a command would resolve it (flag > environment > profile > default), with where it came from; the secret is never shown, only where it is read from'
complete -c sessctl -n "__fish_sessctl_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "profiles" -d 'The profiles of the config file, the default one and the one chosen now'
complete -c sessctl -n "__fish_sessctl_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c sessctl -n "__fish_sessctl_using_subcommand completions" -l profile -d 'Settings from this profile of the config file (flags and environment variables still win) [env: SESSCTL_PROFILE] [default: the file\'s default_profile]' -r
complete -c sessctl -n "__fish_sessctl_using_subcommand completions" -l config -d 'The config file [env: SESSCTL_CONFIG] [default: $XDG_CONFIG_HOME/sessctl/config.toml, else ~/.config/sessctl/config.toml]' -r -F
complete -c sessctl -n "__fish_sessctl_using_subcommand completions" -s r -l redis-url -d 'Redis URL: redis://[user:pass@]host:port/db, rediss:// (TLS) or unix:///path.sock; repeat for several cluster seed nodes [env: SESSCTL_REDIS_URL, then REDIS_URL] [default: redis://127.0.0.1:6379/0]' -r
complete -c sessctl -n "__fish_sessctl_using_subcommand completions" -l tls-ca -d 'PEM file of CA certificates that signed the server\'s certificate (rediss://) [env: SESSCTL_TLS_CA]' -r -F
complete -c sessctl -n "__fish_sessctl_using_subcommand completions" -l tls-cert -d 'PEM client certificate for servers that require one (tls-auth-clients yes); goes with --tls-key [env: SESSCTL_TLS_CERT]' -r -F
complete -c sessctl -n "__fish_sessctl_using_subcommand completions" -l tls-key -d 'PEM private key of --tls-cert (PKCS#8, PKCS#1 RSA or SEC1 EC, unencrypted) [env: SESSCTL_TLS_KEY]' -r -F
complete -c sessctl -n "__fish_sessctl_using_subcommand completions" -l secret-file -d 'File holding the cookie secret (one trailing newline removed; at most 64 KiB) [env: SESSCTL_SECRET_FILE]' -r -F
complete -c sessctl -n "__fish_sessctl_using_subcommand completions" -l secret-format -d 'How to read the secret: auto (a text starting with `{` must be a valid key ring), text (always one secret, byte for byte) or ring [env: SESSCTL_SECRET_FORMAT] [default: auto]' -r -f -a "auto\t''
text\t''
ring\t''"
complete -c sessctl -n "__fish_sessctl_using_subcommand completions" -l key-version -d 'Key version to sign with when the secret is a key ring [env: SESSCTL_KEY_VERSION] [default: highest in the ring]' -r
complete -c sessctl -n "__fish_sessctl_using_subcommand completions" -l cookie-name -d 'Cookie name (it is part of the signature) [env: SESSCTL_COOKIE_NAME] [default: session_id]' -r
complete -c sessctl -n "__fish_sessctl_using_subcommand completions" -l prefix -d 'Redis key prefix [env: SESSCTL_PREFIX] [default: session:]' -r
complete -c sessctl -n "__fish_sessctl_using_subcommand completions" -s o -l output -d 'Output format (prometheus: stats only) [env: SESSCTL_OUTPUT] [default: table]' -r -f -a "table\t''
json\t''
csv\t''
prometheus\t''"
complete -c sessctl -n "__fish_sessctl_using_subcommand completions" -l ttl -d 'The app\'s session lifetime: the TTL `mint` gives, and age = this minus the remaining TTL; 1s to 100y [env: SESSCTL_TTL] [default: 7d]' -r
complete -c sessctl -n "__fish_sessctl_using_subcommand completions" -l timeout -d 'How long to wait for a connection or a reply before giving up; up to 1d [env: SESSCTL_TIMEOUT] [default: 10s]' -r
complete -c sessctl -n "__fish_sessctl_using_subcommand completions" -l retry-deadline -d 'How long to keep retrying while Redis recovers (dropped connections, a failover, LOADING, CLUSTERDOWN…); up to 1d [env: SESSCTL_RETRY_DEADLINE] [default: 30s]' -r
complete -c sessctl -n "__fish_sessctl_using_subcommand completions" -l wait-replicas -d 'Replicas that must acknowledge each batch of writes (WAIT) before it counts as done; 0 writes without waiting, 0 to 100 [env: SESSCTL_WAIT_REPLICAS] [default: 1 where the primary has replicas, else 0]' -r
complete -c sessctl -n "__fish_sessctl_using_subcommand completions" -l scan-count -d 'SCAN COUNT hint (keys per SCAN call), 1 to 100000 [env: SESSCTL_SCAN_COUNT] [default: 250]' -r
complete -c sessctl -n "__fish_sessctl_using_subcommand completions" -l color -d 'Colour in tables: auto, always, never (NO_COLOR is honoured) [env: SESSCTL_COLOR] [default: auto]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c sessctl -n "__fish_sessctl_using_subcommand completions" -l output-file -d 'Write the output to FILE atomically (a temporary file renamed over it once the output is complete; a failed or interrupted run leaves FILE as it was)' -r -F
complete -c sessctl -n "__fish_sessctl_using_subcommand completions" -l cluster -d 'The URLs are Redis Cluster seed nodes (detected automatically otherwise) [env: SESSCTL_CLUSTER=1]'
complete -c sessctl -n "__fish_sessctl_using_subcommand completions" -s q -l quiet -d 'No progress bars or informational messages on stderr [env: SESSCTL_QUIET=1]'
complete -c sessctl -n "__fish_sessctl_using_subcommand completions" -l no-headers -d 'Tables and CSV without their header row'
complete -c sessctl -n "__fish_sessctl_using_subcommand completions" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c sessctl -n "__fish_sessctl_using_subcommand man" -l profile -d 'Settings from this profile of the config file (flags and environment variables still win) [env: SESSCTL_PROFILE] [default: the file\'s default_profile]' -r
complete -c sessctl -n "__fish_sessctl_using_subcommand man" -l config -d 'The config file [env: SESSCTL_CONFIG] [default: $XDG_CONFIG_HOME/sessctl/config.toml, else ~/.config/sessctl/config.toml]' -r -F
complete -c sessctl -n "__fish_sessctl_using_subcommand man" -s r -l redis-url -d 'Redis URL: redis://[user:pass@]host:port/db, rediss:// (TLS) or unix:///path.sock; repeat for several cluster seed nodes [env: SESSCTL_REDIS_URL, then REDIS_URL] [default: redis://127.0.0.1:6379/0]' -r
complete -c sessctl -n "__fish_sessctl_using_subcommand man" -l tls-ca -d 'PEM file of CA certificates that signed the server\'s certificate (rediss://) [env: SESSCTL_TLS_CA]' -r -F
complete -c sessctl -n "__fish_sessctl_using_subcommand man" -l tls-cert -d 'PEM client certificate for servers that require one (tls-auth-clients yes); goes with --tls-key [env: SESSCTL_TLS_CERT]' -r -F
complete -c sessctl -n "__fish_sessctl_using_subcommand man" -l tls-key -d 'PEM private key of --tls-cert (PKCS#8, PKCS#1 RSA or SEC1 EC, unencrypted) [env: SESSCTL_TLS_KEY]' -r -F
complete -c sessctl -n "__fish_sessctl_using_subcommand man" -l secret-file -d 'File holding the cookie secret (one trailing newline removed; at most 64 KiB) [env: SESSCTL_SECRET_FILE]' -r -F
complete -c sessctl -n "__fish_sessctl_using_subcommand man" -l secret-format -d 'How to read the secret: auto (a text starting with `{` must be a valid key ring), text (always one secret, byte for byte) or ring [env: SESSCTL_SECRET_FORMAT] [default: auto]' -r -f -a "auto\t''
text\t''
ring\t''"
complete -c sessctl -n "__fish_sessctl_using_subcommand man" -l key-version -d 'Key version to sign with when the secret is a key ring [env: SESSCTL_KEY_VERSION] [default: highest in the ring]' -r
complete -c sessctl -n "__fish_sessctl_using_subcommand man" -l cookie-name -d 'Cookie name (it is part of the signature) [env: SESSCTL_COOKIE_NAME] [default: session_id]' -r
complete -c sessctl -n "__fish_sessctl_using_subcommand man" -l prefix -d 'Redis key prefix [env: SESSCTL_PREFIX] [default: session:]' -r
complete -c sessctl -n "__fish_sessctl_using_subcommand man" -s o -l output -d 'Output format (prometheus: stats only) [env: SESSCTL_OUTPUT] [default: table]' -r -f -a "table\t''
json\t''
csv\t''
prometheus\t''"
complete -c sessctl -n "__fish_sessctl_using_subcommand man" -l ttl -d 'The app\'s session lifetime: the TTL `mint` gives, and age = this minus the remaining TTL; 1s to 100y [env: SESSCTL_TTL] [default: 7d]' -r
complete -c sessctl -n "__fish_sessctl_using_subcommand man" -l timeout -d 'How long to wait for a connection or a reply before giving up; up to 1d [env: SESSCTL_TIMEOUT] [default: 10s]' -r
complete -c sessctl -n "__fish_sessctl_using_subcommand man" -l retry-deadline -d 'How long to keep retrying while Redis recovers (dropped connections, a failover, LOADING, CLUSTERDOWN…); up to 1d [env: SESSCTL_RETRY_DEADLINE] [default: 30s]' -r
complete -c sessctl -n "__fish_sessctl_using_subcommand man" -l wait-replicas -d 'Replicas that must acknowledge each batch of writes (WAIT) before it counts as done; 0 writes without waiting, 0 to 100 [env: SESSCTL_WAIT_REPLICAS] [default: 1 where the primary has replicas, else 0]' -r
complete -c sessctl -n "__fish_sessctl_using_subcommand man" -l scan-count -d 'SCAN COUNT hint (keys per SCAN call), 1 to 100000 [env: SESSCTL_SCAN_COUNT] [default: 250]' -r
complete -c sessctl -n "__fish_sessctl_using_subcommand man" -l color -d 'Colour in tables: auto, always, never (NO_COLOR is honoured) [env: SESSCTL_COLOR] [default: auto]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c sessctl -n "__fish_sessctl_using_subcommand man" -l output-file -d 'Write the output to FILE atomically (a temporary file renamed over it once the output is complete; a failed or interrupted run leaves FILE as it was)' -r -F
complete -c sessctl -n "__fish_sessctl_using_subcommand man" -l cluster -d 'The URLs are Redis Cluster seed nodes (detected automatically otherwise) [env: SESSCTL_CLUSTER=1]'
complete -c sessctl -n "__fish_sessctl_using_subcommand man" -s q -l quiet -d 'No progress bars or informational messages on stderr [env: SESSCTL_QUIET=1]'
complete -c sessctl -n "__fish_sessctl_using_subcommand man" -l no-headers -d 'Tables and CSV without their header row'
complete -c sessctl -n "__fish_sessctl_using_subcommand man" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c sessctl -n "__fish_sessctl_using_subcommand help; and not __fish_seen_subcommand_from mint verify decode list revoke cleanup stats restore doctor gen-secret config completions man help" -f -a "mint" -d 'Create sessions as tornado-auth-sessions does and print their signed cookies'
complete -c sessctl -n "__fish_sessctl_using_subcommand help; and not __fish_seen_subcommand_from mint verify decode list revoke cleanup stats restore doctor gen-secret config completions man help" -f -a "verify" -d 'Verify cookies as Tornado does, and check their sessions in Redis'
complete -c sessctl -n "__fish_sessctl_using_subcommand help; and not __fish_seen_subcommand_from mint verify decode list revoke cleanup stats restore doctor gen-secret config completions man help" -f -a "decode" -d 'Show the fields of a signed value without any secret (unverified)'
complete -c sessctl -n "__fish_sessctl_using_subcommand help; and not __fish_seen_subcommand_from mint verify decode list revoke cleanup stats restore doctor gen-secret config completions man help" -f -a "list" -d 'Stream the sessions under the prefix (SCAN, never KEYS)'
complete -c sessctl -n "__fish_sessctl_using_subcommand help; and not __fish_seen_subcommand_from mint verify decode list revoke cleanup stats restore doctor gen-secret config completions man help" -f -a "revoke" -d 'Delete sessions: by id or cookie, every session of some users, or all'
complete -c sessctl -n "__fish_sessctl_using_subcommand help; and not __fish_seen_subcommand_from mint verify decode list revoke cleanup stats restore doctor gen-secret config completions man help" -f -a "cleanup" -d 'Delete old sessions and handle keys without expiry (for cron)'
complete -c sessctl -n "__fish_sessctl_using_subcommand help; and not __fish_seen_subcommand_from mint verify decode list revoke cleanup stats restore doctor gen-secret config completions man help" -f -a "stats" -d 'Count sessions, users, keys without TTL and odd keys'
complete -c sessctl -n "__fish_sessctl_using_subcommand help; and not __fish_seen_subcommand_from mint verify decode list revoke cleanup stats restore doctor gen-secret config completions man help" -f -a "restore" -d 'Put back sessions from a `--backup` file, with their remaining TTL (never overwrites)'
complete -c sessctl -n "__fish_sessctl_using_subcommand help; and not __fish_seen_subcommand_from mint verify decode list revoke cleanup stats restore doctor gen-secret config completions man help" -f -a "doctor" -d 'Check the setup: Redis, its sessions, the secret; exit 1 when a check fails'
complete -c sessctl -n "__fish_sessctl_using_subcommand help; and not __fish_seen_subcommand_from mint verify decode list revoke cleanup stats restore doctor gen-secret config completions man help" -f -a "gen-secret" -d 'Print a new strong cookie secret, or the key ring with a new version added'
complete -c sessctl -n "__fish_sessctl_using_subcommand help; and not __fish_seen_subcommand_from mint verify decode list revoke cleanup stats restore doctor gen-secret config completions man help" -f -a "config" -d 'Show the resolved settings and where each came from, or the config file\'s profiles'
complete -c sessctl -n "__fish_sessctl_using_subcommand help; and not __fish_seen_subcommand_from mint verify decode list revoke cleanup stats restore doctor gen-secret config completions man help" -f -a "completions" -d 'Print shell completions'
complete -c sessctl -n "__fish_sessctl_using_subcommand help; and not __fish_seen_subcommand_from mint verify decode list revoke cleanup stats restore doctor gen-secret config completions man help" -f -a "man" -d 'Print a roff man page: sessctl\'s, or a command\'s'
complete -c sessctl -n "__fish_sessctl_using_subcommand help; and not __fish_seen_subcommand_from mint verify decode list revoke cleanup stats restore doctor gen-secret config completions man help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c sessctl -n "__fish_sessctl_using_subcommand help; and __fish_seen_subcommand_from config" -f -a "show" -d 'Every setting as a command would resolve it (flag > environment > profile > default), with where it came from; the secret is never shown, only where it is read from'
complete -c sessctl -n "__fish_sessctl_using_subcommand help; and __fish_seen_subcommand_from config" -f -a "profiles" -d 'The profiles of the config file, the default one and the one chosen now'
