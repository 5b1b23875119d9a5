
use builtin;
use str;

set edit:completion:arg-completer[sessctl] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'sessctl'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'sessctl'= {
            cand -r 'Redis URL: redis://[user:pass@]host:port/db, rediss:// (TLS) or unix:///path.sock; repeat for several cluster seed nodes [env: SESSCTL_REDIS_URL, then REDIS_URL] [default: redis://127.0.0.1:6379/0]'
            cand --redis-url 'Redis URL: redis://[user:pass@]host:port/db, rediss:// (TLS) or unix:///path.sock; repeat for several cluster seed nodes [env: SESSCTL_REDIS_URL, then REDIS_URL] [default: redis://127.0.0.1:6379/0]'
            cand --tls-ca 'PEM file of CA certificates that signed the server''s certificate (rediss://) [env: SESSCTL_TLS_CA]'
            cand --secret-file 'File holding the cookie secret (one trailing newline removed; at most 64 KiB) [env: SESSCTL_SECRET_FILE]'
            cand --secret-format 'How to read the secret: auto (a text starting with `{` must be a valid key ring), text (always one secret, byte for byte) or ring [env: SESSCTL_SECRET_FORMAT] [default: auto]'
            cand --key-version 'Key version to sign with when the secret is a key ring [env: SESSCTL_KEY_VERSION] [default: highest in the ring]'
            cand --cookie-name 'Cookie name (it is part of the signature) [env: SESSCTL_COOKIE_NAME] [default: session_id]'
            cand --prefix 'Redis key prefix [env: SESSCTL_PREFIX] [default: session:]'
            cand -o 'Output format (prometheus: stats only) [env: SESSCTL_OUTPUT] [default: table]'
            cand --output 'Output format (prometheus: stats only) [env: SESSCTL_OUTPUT] [default: table]'
            cand --ttl 'The app''s session lifetime: the TTL `mint` gives, and age = this minus the remaining TTL; 1s to 100y [env: SESSCTL_TTL] [default: 7d]'
            cand --timeout 'How long to wait for a connection or a reply before giving up; up to 1d [env: SESSCTL_TIMEOUT] [default: 10s]'
            cand --scan-count 'SCAN COUNT hint (keys per SCAN call), 1 to 100000 [env: SESSCTL_SCAN_COUNT] [default: 250]'
            cand --color 'Colour in tables: auto, always, never (NO_COLOR is honoured) [env: SESSCTL_COLOR] [default: auto]'
            cand --cluster 'The URLs are Redis Cluster seed nodes (detected automatically otherwise) [env: SESSCTL_CLUSTER=1]'
            cand -q 'No progress bars or informational messages on stderr [env: SESSCTL_QUIET=1]'
            cand --quiet 'No progress bars or informational messages on stderr [env: SESSCTL_QUIET=1]'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand mint 'Create sessions as tornado-auth-sessions does and print their signed cookies'
            cand verify 'Verify cookies as Tornado does, and check their sessions in Redis'
            cand decode 'Show the fields of a signed value without any secret (unverified)'
            cand list 'Stream the sessions under the prefix (SCAN, never KEYS)'
            cand revoke 'Delete sessions: by id or cookie, every session of some users, or all'
            cand cleanup 'Delete old sessions and handle keys without expiry (for cron)'
            cand stats 'Count sessions, users, keys without TTL and odd keys'
            cand gen-secret 'Print a new strong cookie secret, or the key ring with a new version added'
            cand completions 'Print shell completions'
            cand man 'Print a roff man page: sessctl''s, or a command''s'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'sessctl;mint'= {
            cand --user 'User id to store in the session'
            cand --count 'How many sessions to mint (one line each)'
            cand --format 'What to print [default: value, or json with -o json]'
            cand -r 'Redis URL: redis://[user:pass@]host:port/db, rediss:// (TLS) or unix:///path.sock; repeat for several cluster seed nodes [env: SESSCTL_REDIS_URL, then REDIS_URL] [default: redis://127.0.0.1:6379/0]'
            cand --redis-url 'Redis URL: redis://[user:pass@]host:port/db, rediss:// (TLS) or unix:///path.sock; repeat for several cluster seed nodes [env: SESSCTL_REDIS_URL, then REDIS_URL] [default: redis://127.0.0.1:6379/0]'
            cand --tls-ca 'PEM file of CA certificates that signed the server''s certificate (rediss://) [env: SESSCTL_TLS_CA]'
            cand --secret-file 'File holding the cookie secret (one trailing newline removed; at most 64 KiB) [env: SESSCTL_SECRET_FILE]'
            cand --secret-format 'How to read the secret: auto (a text starting with `{` must be a valid key ring), text (always one secret, byte for byte) or ring [env: SESSCTL_SECRET_FORMAT] [default: auto]'
            cand --key-version 'Key version to sign with when the secret is a key ring [env: SESSCTL_KEY_VERSION] [default: highest in the ring]'
            cand --cookie-name 'Cookie name (it is part of the signature) [env: SESSCTL_COOKIE_NAME] [default: session_id]'
            cand --prefix 'Redis key prefix [env: SESSCTL_PREFIX] [default: session:]'
            cand -o 'Output format (prometheus: stats only) [env: SESSCTL_OUTPUT] [default: table]'
            cand --output 'Output format (prometheus: stats only) [env: SESSCTL_OUTPUT] [default: table]'
            cand --ttl 'The app''s session lifetime: the TTL `mint` gives, and age = this minus the remaining TTL; 1s to 100y [env: SESSCTL_TTL] [default: 7d]'
            cand --timeout 'How long to wait for a connection or a reply before giving up; up to 1d [env: SESSCTL_TIMEOUT] [default: 10s]'
            cand --scan-count 'SCAN COUNT hint (keys per SCAN call), 1 to 100000 [env: SESSCTL_SCAN_COUNT] [default: 250]'
            cand --color 'Colour in tables: auto, always, never (NO_COLOR is honoured) [env: SESSCTL_COLOR] [default: auto]'
            cand --no-store 'Only sign; store nothing in Redis'
            cand --insecure-cookie 'Leave `; Secure` out of the header (tornado-auth-sessions'' set_session(is_secure=False))'
            cand --cluster 'The URLs are Redis Cluster seed nodes (detected automatically otherwise) [env: SESSCTL_CLUSTER=1]'
            cand -q 'No progress bars or informational messages on stderr [env: SESSCTL_QUIET=1]'
            cand --quiet 'No progress bars or informational messages on stderr [env: SESSCTL_QUIET=1]'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'sessctl;verify'= {
            cand --max-age-days 'Oldest signature accepted, in days (Tornado''s max_age_days)'
            cand -r 'Redis URL: redis://[user:pass@]host:port/db, rediss:// (TLS) or unix:///path.sock; repeat for several cluster seed nodes [env: SESSCTL_REDIS_URL, then REDIS_URL] [default: redis://127.0.0.1:6379/0]'
            cand --redis-url 'Redis URL: redis://[user:pass@]host:port/db, rediss:// (TLS) or unix:///path.sock; repeat for several cluster seed nodes [env: SESSCTL_REDIS_URL, then REDIS_URL] [default: redis://127.0.0.1:6379/0]'
            cand --tls-ca 'PEM file of CA certificates that signed the server''s certificate (rediss://) [env: SESSCTL_TLS_CA]'
            cand --secret-file 'File holding the cookie secret (one trailing newline removed; at most 64 KiB) [env: SESSCTL_SECRET_FILE]'
            cand --secret-format 'How to read the secret: auto (a text starting with `{` must be a valid key ring), text (always one secret, byte for byte) or ring [env: SESSCTL_SECRET_FORMAT] [default: auto]'
            cand --key-version 'Key version to sign with when the secret is a key ring [env: SESSCTL_KEY_VERSION] [default: highest in the ring]'
            cand --cookie-name 'Cookie name (it is part of the signature) [env: SESSCTL_COOKIE_NAME] [default: session_id]'
            cand --prefix 'Redis key prefix [env: SESSCTL_PREFIX] [default: session:]'
            cand -o 'Output format (prometheus: stats only) [env: SESSCTL_OUTPUT] [default: table]'
            cand --output 'Output format (prometheus: stats only) [env: SESSCTL_OUTPUT] [default: table]'
            cand --ttl 'The app''s session lifetime: the TTL `mint` gives, and age = this minus the remaining TTL; 1s to 100y [env: SESSCTL_TTL] [default: 7d]'
            cand --timeout 'How long to wait for a connection or a reply before giving up; up to 1d [env: SESSCTL_TIMEOUT] [default: 10s]'
            cand --scan-count 'SCAN COUNT hint (keys per SCAN call), 1 to 100000 [env: SESSCTL_SCAN_COUNT] [default: 250]'
            cand --color 'Colour in tables: auto, always, never (NO_COLOR is honoured) [env: SESSCTL_COLOR] [default: auto]'
            cand --raw 'Take each input as the exact signed value: no unquoting, no picking out of headers (stdin lines lose only their line ending)'
            cand --offline 'Check signatures only; do not look sessions up in Redis'
            cand --cluster 'The URLs are Redis Cluster seed nodes (detected automatically otherwise) [env: SESSCTL_CLUSTER=1]'
            cand -q 'No progress bars or informational messages on stderr [env: SESSCTL_QUIET=1]'
            cand --quiet 'No progress bars or informational messages on stderr [env: SESSCTL_QUIET=1]'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'sessctl;decode'= {
            cand -r 'Redis URL: redis://[user:pass@]host:port/db, rediss:// (TLS) or unix:///path.sock; repeat for several cluster seed nodes [env: SESSCTL_REDIS_URL, then REDIS_URL] [default: redis://127.0.0.1:6379/0]'
            cand --redis-url 'Redis URL: redis://[user:pass@]host:port/db, rediss:// (TLS) or unix:///path.sock; repeat for several cluster seed nodes [env: SESSCTL_REDIS_URL, then REDIS_URL] [default: redis://127.0.0.1:6379/0]'
            cand --tls-ca 'PEM file of CA certificates that signed the server''s certificate (rediss://) [env: SESSCTL_TLS_CA]'
            cand --secret-file 'File holding the cookie secret (one trailing newline removed; at most 64 KiB) [env: SESSCTL_SECRET_FILE]'
            cand --secret-format 'How to read the secret: auto (a text starting with `{` must be a valid key ring), text (always one secret, byte for byte) or ring [env: SESSCTL_SECRET_FORMAT] [default: auto]'
            cand --key-version 'Key version to sign with when the secret is a key ring [env: SESSCTL_KEY_VERSION] [default: highest in the ring]'
            cand --cookie-name 'Cookie name (it is part of the signature) [env: SESSCTL_COOKIE_NAME] [default: session_id]'
            cand --prefix 'Redis key prefix [env: SESSCTL_PREFIX] [default: session:]'
            cand -o 'Output format (prometheus: stats only) [env: SESSCTL_OUTPUT] [default: table]'
            cand --output 'Output format (prometheus: stats only) [env: SESSCTL_OUTPUT] [default: table]'
            cand --ttl 'The app''s session lifetime: the TTL `mint` gives, and age = this minus the remaining TTL; 1s to 100y [env: SESSCTL_TTL] [default: 7d]'
            cand --timeout 'How long to wait for a connection or a reply before giving up; up to 1d [env: SESSCTL_TIMEOUT] [default: 10s]'
            cand --scan-count 'SCAN COUNT hint (keys per SCAN call), 1 to 100000 [env: SESSCTL_SCAN_COUNT] [default: 250]'
            cand --color 'Colour in tables: auto, always, never (NO_COLOR is honoured) [env: SESSCTL_COLOR] [default: auto]'
            cand --raw 'Take the input as the exact signed value (no unquoting or header parsing)'
            cand --cluster 'The URLs are Redis Cluster seed nodes (detected automatically otherwise) [env: SESSCTL_CLUSTER=1]'
            cand -q 'No progress bars or informational messages on stderr [env: SESSCTL_QUIET=1]'
            cand --quiet 'No progress bars or informational messages on stderr [env: SESSCTL_QUIET=1]'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'sessctl;list'= {
            cand --user 'Only sessions of this user (repeatable)'
            cand --limit 'Stop after N sessions'
            cand -r 'Redis URL: redis://[user:pass@]host:port/db, rediss:// (TLS) or unix:///path.sock; repeat for several cluster seed nodes [env: SESSCTL_REDIS_URL, then REDIS_URL] [default: redis://127.0.0.1:6379/0]'
            cand --redis-url 'Redis URL: redis://[user:pass@]host:port/db, rediss:// (TLS) or unix:///path.sock; repeat for several cluster seed nodes [env: SESSCTL_REDIS_URL, then REDIS_URL] [default: redis://127.0.0.1:6379/0]'
            cand --tls-ca 'PEM file of CA certificates that signed the server''s certificate (rediss://) [env: SESSCTL_TLS_CA]'
            cand --secret-file 'File holding the cookie secret (one trailing newline removed; at most 64 KiB) [env: SESSCTL_SECRET_FILE]'
            cand --secret-format 'How to read the secret: auto (a text starting with `{` must be a valid key ring), text (always one secret, byte for byte) or ring [env: SESSCTL_SECRET_FORMAT] [default: auto]'
            cand --key-version 'Key version to sign with when the secret is a key ring [env: SESSCTL_KEY_VERSION] [default: highest in the ring]'
            cand --cookie-name 'Cookie name (it is part of the signature) [env: SESSCTL_COOKIE_NAME] [default: session_id]'
            cand --prefix 'Redis key prefix [env: SESSCTL_PREFIX] [default: session:]'
            cand -o 'Output format (prometheus: stats only) [env: SESSCTL_OUTPUT] [default: table]'
            cand --output 'Output format (prometheus: stats only) [env: SESSCTL_OUTPUT] [default: table]'
            cand --ttl 'The app''s session lifetime: the TTL `mint` gives, and age = this minus the remaining TTL; 1s to 100y [env: SESSCTL_TTL] [default: 7d]'
            cand --timeout 'How long to wait for a connection or a reply before giving up; up to 1d [env: SESSCTL_TIMEOUT] [default: 10s]'
            cand --scan-count 'SCAN COUNT hint (keys per SCAN call), 1 to 100000 [env: SESSCTL_SCAN_COUNT] [default: 250]'
            cand --color 'Colour in tables: auto, always, never (NO_COLOR is honoured) [env: SESSCTL_COLOR] [default: auto]'
            cand --count 'Print only the number of sessions'
            cand --cluster 'The URLs are Redis Cluster seed nodes (detected automatically otherwise) [env: SESSCTL_CLUSTER=1]'
            cand -q 'No progress bars or informational messages on stderr [env: SESSCTL_QUIET=1]'
            cand --quiet 'No progress bars or informational messages on stderr [env: SESSCTL_QUIET=1]'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'sessctl;revoke'= {
            cand --user 'Revoke every session of this user (repeatable; one scan for all)'
            cand --users-file 'Revoke every session of the users listed in FILE, one per line (`-`: stdin)'
            cand --issued-before 'Only sessions issued before TIME: a date (2026-11-01, midnight UTC), an RFC 3339 time, or a duration meaning that long ago (6d)'
            cand --audit-log 'Append one JSON line per revoked session to FILE (never the session id) [env: SESSCTL_AUDIT_LOG]'
            cand -r 'Redis URL: redis://[user:pass@]host:port/db, rediss:// (TLS) or unix:///path.sock; repeat for several cluster seed nodes [env: SESSCTL_REDIS_URL, then REDIS_URL] [default: redis://127.0.0.1:6379/0]'
            cand --redis-url 'Redis URL: redis://[user:pass@]host:port/db, rediss:// (TLS) or unix:///path.sock; repeat for several cluster seed nodes [env: SESSCTL_REDIS_URL, then REDIS_URL] [default: redis://127.0.0.1:6379/0]'
            cand --tls-ca 'PEM file of CA certificates that signed the server''s certificate (rediss://) [env: SESSCTL_TLS_CA]'
            cand --secret-file 'File holding the cookie secret (one trailing newline removed; at most 64 KiB) [env: SESSCTL_SECRET_FILE]'
            cand --secret-format 'How to read the secret: auto (a text starting with `{` must be a valid key ring), text (always one secret, byte for byte) or ring [env: SESSCTL_SECRET_FORMAT] [default: auto]'
            cand --key-version 'Key version to sign with when the secret is a key ring [env: SESSCTL_KEY_VERSION] [default: highest in the ring]'
            cand --cookie-name 'Cookie name (it is part of the signature) [env: SESSCTL_COOKIE_NAME] [default: session_id]'
            cand --prefix 'Redis key prefix [env: SESSCTL_PREFIX] [default: session:]'
            cand -o 'Output format (prometheus: stats only) [env: SESSCTL_OUTPUT] [default: table]'
            cand --output 'Output format (prometheus: stats only) [env: SESSCTL_OUTPUT] [default: table]'
            cand --ttl 'The app''s session lifetime: the TTL `mint` gives, and age = this minus the remaining TTL; 1s to 100y [env: SESSCTL_TTL] [default: 7d]'
            cand --timeout 'How long to wait for a connection or a reply before giving up; up to 1d [env: SESSCTL_TIMEOUT] [default: 10s]'
            cand --scan-count 'SCAN COUNT hint (keys per SCAN call), 1 to 100000 [env: SESSCTL_SCAN_COUNT] [default: 250]'
            cand --color 'Colour in tables: auto, always, never (NO_COLOR is honoured) [env: SESSCTL_COLOR] [default: auto]'
            cand --all 'Revoke every session under the prefix'
            cand --dry-run 'Count what would be revoked; delete nothing'
            cand -y 'Do not ask for confirmation (required for --all/--users-file when stdin is not a terminal)'
            cand --yes 'Do not ask for confirmation (required for --all/--users-file when stdin is not a terminal)'
            cand --cluster 'The URLs are Redis Cluster seed nodes (detected automatically otherwise) [env: SESSCTL_CLUSTER=1]'
            cand -q 'No progress bars or informational messages on stderr [env: SESSCTL_QUIET=1]'
            cand --quiet 'No progress bars or informational messages on stderr [env: SESSCTL_QUIET=1]'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'sessctl;cleanup'= {
            cand --max-age 'Delete sessions older than this (age = --ttl minus remaining TTL); must be less than --ttl, and at least 1h unless --yes'
            cand --no-ttl 'What to do with session keys that have no expiry'
            cand --audit-log 'Append one JSON line per deleted or fixed session to FILE (never the session id) [env: SESSCTL_AUDIT_LOG]'
            cand -r 'Redis URL: redis://[user:pass@]host:port/db, rediss:// (TLS) or unix:///path.sock; repeat for several cluster seed nodes [env: SESSCTL_REDIS_URL, then REDIS_URL] [default: redis://127.0.0.1:6379/0]'
            cand --redis-url 'Redis URL: redis://[user:pass@]host:port/db, rediss:// (TLS) or unix:///path.sock; repeat for several cluster seed nodes [env: SESSCTL_REDIS_URL, then REDIS_URL] [default: redis://127.0.0.1:6379/0]'
            cand --tls-ca 'PEM file of CA certificates that signed the server''s certificate (rediss://) [env: SESSCTL_TLS_CA]'
            cand --secret-file 'File holding the cookie secret (one trailing newline removed; at most 64 KiB) [env: SESSCTL_SECRET_FILE]'
            cand --secret-format 'How to read the secret: auto (a text starting with `{` must be a valid key ring), text (always one secret, byte for byte) or ring [env: SESSCTL_SECRET_FORMAT] [default: auto]'
            cand --key-version 'Key version to sign with when the secret is a key ring [env: SESSCTL_KEY_VERSION] [default: highest in the ring]'
            cand --cookie-name 'Cookie name (it is part of the signature) [env: SESSCTL_COOKIE_NAME] [default: session_id]'
            cand --prefix 'Redis key prefix [env: SESSCTL_PREFIX] [default: session:]'
            cand -o 'Output format (prometheus: stats only) [env: SESSCTL_OUTPUT] [default: table]'
            cand --output 'Output format (prometheus: stats only) [env: SESSCTL_OUTPUT] [default: table]'
            cand --ttl 'The app''s session lifetime: the TTL `mint` gives, and age = this minus the remaining TTL; 1s to 100y [env: SESSCTL_TTL] [default: 7d]'
            cand --timeout 'How long to wait for a connection or a reply before giving up; up to 1d [env: SESSCTL_TIMEOUT] [default: 10s]'
            cand --scan-count 'SCAN COUNT hint (keys per SCAN call), 1 to 100000 [env: SESSCTL_SCAN_COUNT] [default: 250]'
            cand --color 'Colour in tables: auto, always, never (NO_COLOR is honoured) [env: SESSCTL_COLOR] [default: auto]'
            cand --dry-run 'Count only; change nothing'
            cand -y 'Allow a --max-age under one hour'
            cand --yes 'Allow a --max-age under one hour'
            cand --cluster 'The URLs are Redis Cluster seed nodes (detected automatically otherwise) [env: SESSCTL_CLUSTER=1]'
            cand -q 'No progress bars or informational messages on stderr [env: SESSCTL_QUIET=1]'
            cand --quiet 'No progress bars or informational messages on stderr [env: SESSCTL_QUIET=1]'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'sessctl;stats'= {
            cand --top 'How many top users (by session count) to show, 0 to 10000'
            cand -r 'Redis URL: redis://[user:pass@]host:port/db, rediss:// (TLS) or unix:///path.sock; repeat for several cluster seed nodes [env: SESSCTL_REDIS_URL, then REDIS_URL] [default: redis://127.0.0.1:6379/0]'
            cand --redis-url 'Redis URL: redis://[user:pass@]host:port/db, rediss:// (TLS) or unix:///path.sock; repeat for several cluster seed nodes [env: SESSCTL_REDIS_URL, then REDIS_URL] [default: redis://127.0.0.1:6379/0]'
            cand --tls-ca 'PEM file of CA certificates that signed the server''s certificate (rediss://) [env: SESSCTL_TLS_CA]'
            cand --secret-file 'File holding the cookie secret (one trailing newline removed; at most 64 KiB) [env: SESSCTL_SECRET_FILE]'
            cand --secret-format 'How to read the secret: auto (a text starting with `{` must be a valid key ring), text (always one secret, byte for byte) or ring [env: SESSCTL_SECRET_FORMAT] [default: auto]'
            cand --key-version 'Key version to sign with when the secret is a key ring [env: SESSCTL_KEY_VERSION] [default: highest in the ring]'
            cand --cookie-name 'Cookie name (it is part of the signature) [env: SESSCTL_COOKIE_NAME] [default: session_id]'
            cand --prefix 'Redis key prefix [env: SESSCTL_PREFIX] [default: session:]'
            cand -o 'Output format (prometheus: stats only) [env: SESSCTL_OUTPUT] [default: table]'
            cand --output 'Output format (prometheus: stats only) [env: SESSCTL_OUTPUT] [default: table]'
            cand --ttl 'The app''s session lifetime: the TTL `mint` gives, and age = this minus the remaining TTL; 1s to 100y [env: SESSCTL_TTL] [default: 7d]'
            cand --timeout 'How long to wait for a connection or a reply before giving up; up to 1d [env: SESSCTL_TIMEOUT] [default: 10s]'
            cand --scan-count 'SCAN COUNT hint (keys per SCAN call), 1 to 100000 [env: SESSCTL_SCAN_COUNT] [default: 250]'
            cand --color 'Colour in tables: auto, always, never (NO_COLOR is honoured) [env: SESSCTL_COLOR] [default: auto]'
            cand --cluster 'The URLs are Redis Cluster seed nodes (detected automatically otherwise) [env: SESSCTL_CLUSTER=1]'
            cand -q 'No progress bars or informational messages on stderr [env: SESSCTL_QUIET=1]'
            cand --quiet 'No progress bars or informational messages on stderr [env: SESSCTL_QUIET=1]'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'sessctl;gen-secret'= {
            cand --bytes 'Random bytes in the new secret (from the OS generator; printed URL-safe base64)'
            cand -r 'Redis URL: redis://[user:pass@]host:port/db, rediss:// (TLS) or unix:///path.sock; repeat for several cluster seed nodes [env: SESSCTL_REDIS_URL, then REDIS_URL] [default: redis://127.0.0.1:6379/0]'
            cand --redis-url 'Redis URL: redis://[user:pass@]host:port/db, rediss:// (TLS) or unix:///path.sock; repeat for several cluster seed nodes [env: SESSCTL_REDIS_URL, then REDIS_URL] [default: redis://127.0.0.1:6379/0]'
            cand --tls-ca 'PEM file of CA certificates that signed the server''s certificate (rediss://) [env: SESSCTL_TLS_CA]'
            cand --secret-file 'File holding the cookie secret (one trailing newline removed; at most 64 KiB) [env: SESSCTL_SECRET_FILE]'
            cand --secret-format 'How to read the secret: auto (a text starting with `{` must be a valid key ring), text (always one secret, byte for byte) or ring [env: SESSCTL_SECRET_FORMAT] [default: auto]'
            cand --key-version 'Key version to sign with when the secret is a key ring [env: SESSCTL_KEY_VERSION] [default: highest in the ring]'
            cand --cookie-name 'Cookie name (it is part of the signature) [env: SESSCTL_COOKIE_NAME] [default: session_id]'
            cand --prefix 'Redis key prefix [env: SESSCTL_PREFIX] [default: session:]'
            cand -o 'Output format (prometheus: stats only) [env: SESSCTL_OUTPUT] [default: table]'
            cand --output 'Output format (prometheus: stats only) [env: SESSCTL_OUTPUT] [default: table]'
            cand --ttl 'The app''s session lifetime: the TTL `mint` gives, and age = this minus the remaining TTL; 1s to 100y [env: SESSCTL_TTL] [default: 7d]'
            cand --timeout 'How long to wait for a connection or a reply before giving up; up to 1d [env: SESSCTL_TIMEOUT] [default: 10s]'
            cand --scan-count 'SCAN COUNT hint (keys per SCAN call), 1 to 100000 [env: SESSCTL_SCAN_COUNT] [default: 250]'
            cand --color 'Colour in tables: auto, always, never (NO_COLOR is honoured) [env: SESSCTL_COLOR] [default: auto]'
            cand --ring 'Print the configured secret (one secret or a key ring) as a key ring with a new secret added under the next version'
            cand --cluster 'The URLs are Redis Cluster seed nodes (detected automatically otherwise) [env: SESSCTL_CLUSTER=1]'
            cand -q 'No progress bars or informational messages on stderr [env: SESSCTL_QUIET=1]'
            cand --quiet 'No progress bars or informational messages on stderr [env: SESSCTL_QUIET=1]'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'sessctl;completions'= {
            cand -r 'Redis URL: redis://[user:pass@]host:port/db, rediss:// (TLS) or unix:///path.sock; repeat for several cluster seed nodes [env: SESSCTL_REDIS_URL, then REDIS_URL] [default: redis://127.0.0.1:6379/0]'
            cand --redis-url 'Redis URL: redis://[user:pass@]host:port/db, rediss:// (TLS) or unix:///path.sock; repeat for several cluster seed nodes [env: SESSCTL_REDIS_URL, then REDIS_URL] [default: redis://127.0.0.1:6379/0]'
            cand --tls-ca 'PEM file of CA certificates that signed the server''s certificate (rediss://) [env: SESSCTL_TLS_CA]'
            cand --secret-file 'File holding the cookie secret (one trailing newline removed; at most 64 KiB) [env: SESSCTL_SECRET_FILE]'
            cand --secret-format 'How to read the secret: auto (a text starting with `{` must be a valid key ring), text (always one secret, byte for byte) or ring [env: SESSCTL_SECRET_FORMAT] [default: auto]'
            cand --key-version 'Key version to sign with when the secret is a key ring [env: SESSCTL_KEY_VERSION] [default: highest in the ring]'
            cand --cookie-name 'Cookie name (it is part of the signature) [env: SESSCTL_COOKIE_NAME] [default: session_id]'
            cand --prefix 'Redis key prefix [env: SESSCTL_PREFIX] [default: session:]'
            cand -o 'Output format (prometheus: stats only) [env: SESSCTL_OUTPUT] [default: table]'
            cand --output 'Output format (prometheus: stats only) [env: SESSCTL_OUTPUT] [default: table]'
            cand --ttl 'The app''s session lifetime: the TTL `mint` gives, and age = this minus the remaining TTL; 1s to 100y [env: SESSCTL_TTL] [default: 7d]'
            cand --timeout 'How long to wait for a connection or a reply before giving up; up to 1d [env: SESSCTL_TIMEOUT] [default: 10s]'
            cand --scan-count 'SCAN COUNT hint (keys per SCAN call), 1 to 100000 [env: SESSCTL_SCAN_COUNT] [default: 250]'
            cand --color 'Colour in tables: auto, always, never (NO_COLOR is honoured) [env: SESSCTL_COLOR] [default: auto]'
            cand --cluster 'The URLs are Redis Cluster seed nodes (detected automatically otherwise) [env: SESSCTL_CLUSTER=1]'
            cand -q 'No progress bars or informational messages on stderr [env: SESSCTL_QUIET=1]'
            cand --quiet 'No progress bars or informational messages on stderr [env: SESSCTL_QUIET=1]'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'sessctl;man'= {
            cand -r 'Redis URL: redis://[user:pass@]host:port/db, rediss:// (TLS) or unix:///path.sock; repeat for several cluster seed nodes [env: SESSCTL_REDIS_URL, then REDIS_URL] [default: redis://127.0.0.1:6379/0]'
            cand --redis-url 'Redis URL: redis://[user:pass@]host:port/db, rediss:// (TLS) or unix:///path.sock; repeat for several cluster seed nodes [env: SESSCTL_REDIS_URL, then REDIS_URL] [default: redis://127.0.0.1:6379/0]'
            cand --tls-ca 'PEM file of CA certificates that signed the server''s certificate (rediss://) [env: SESSCTL_TLS_CA]'
            cand --secret-file 'File holding the cookie secret (one trailing newline removed; at most 64 KiB) [env: SESSCTL_SECRET_FILE]'
            cand --secret-format 'How to read the secret: auto (a text starting with `{` must be a valid key ring), text (always one secret, byte for byte) or ring [env: SESSCTL_SECRET_FORMAT] [default: auto]'
            cand --key-version 'Key version to sign with when the secret is a key ring [env: SESSCTL_KEY_VERSION] [default: highest in the ring]'
            cand --cookie-name 'Cookie name (it is part of the signature) [env: SESSCTL_COOKIE_NAME] [default: session_id]'
            cand --prefix 'Redis key prefix [env: SESSCTL_PREFIX] [default: session:]'
            cand -o 'Output format (prometheus: stats only) [env: SESSCTL_OUTPUT] [default: table]'
            cand --output 'Output format (prometheus: stats only) [env: SESSCTL_OUTPUT] [default: table]'
            cand --ttl 'The app''s session lifetime: the TTL `mint` gives, and age = this minus the remaining TTL; 1s to 100y [env: SESSCTL_TTL] [default: 7d]'
            cand --timeout 'How long to wait for a connection or a reply before giving up; up to 1d [env: SESSCTL_TIMEOUT] [default: 10s]'
            cand --scan-count 'SCAN COUNT hint (keys per SCAN call), 1 to 100000 [env: SESSCTL_SCAN_COUNT] [default: 250]'
            cand --color 'Colour in tables: auto, always, never (NO_COLOR is honoured) [env: SESSCTL_COLOR] [default: auto]'
            cand --cluster 'The URLs are Redis Cluster seed nodes (detected automatically otherwise) [env: SESSCTL_CLUSTER=1]'
            cand -q 'No progress bars or informational messages on stderr [env: SESSCTL_QUIET=1]'
            cand --quiet 'No progress bars or informational messages on stderr [env: SESSCTL_QUIET=1]'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'sessctl;help'= {
            cand mint 'Create sessions as tornado-auth-sessions does and print their signed cookies'
            cand verify 'Verify cookies as Tornado does, and check their sessions in Redis'
            cand decode 'Show the fields of a signed value without any secret (unverified)'
            cand list 'Stream the sessions under the prefix (SCAN, never KEYS)'
            cand revoke 'Delete sessions: by id or cookie, every session of some users, or all'
            cand cleanup 'Delete old sessions and handle keys without expiry (for cron)'
            cand stats 'Count sessions, users, keys without TTL and odd keys'
            cand gen-secret 'Print a new strong cookie secret, or the key ring with a new version added'
            cand completions 'Print shell completions'
            cand man 'Print a roff man page: sessctl''s, or a command''s'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'sessctl;help;mint'= {
        }
        &'sessctl;help;verify'= {
        }
        &'sessctl;help;decode'= {
        }
        &'sessctl;help;list'= {
        }
        &'sessctl;help;revoke'= {
        }
        &'sessctl;help;cleanup'= {
        }
        &'sessctl;help;stats'= {
        }
        &'sessctl;help;gen-secret'= {
        }
        &'sessctl;help;completions'= {
        }
        &'sessctl;help;man'= {
        }
        &'sessctl;help;help'= {
        }
    ]
    $completions[$command]
}
