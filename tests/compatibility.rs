//! docs/compatibility.md's server table is made from tests/matrix/results.tsv, the results
//! scripts/test-matrix recorded (one row per server build and test file), so no cell claims
//! what no test ran. `SESSCTL_REGENERATE=1` rewrites the table (scripts/test-matrix --write
//! does it after recording a run).

use std::collections::BTreeMap;
use std::path::Path;

/// The server builds, as columns: the name scripts/test-matrix and `SESSCTL_TEST_SERVER` use,
/// and the heading.
const SERVERS: &[(&str, &str)] =
    &[("redis-7", "Redis 7.0 (Debian)"), ("redis-8.2", "Redis 8.2.3"), ("valkey-8.1", "Valkey 8.1.8")];

/// The test files of the matrix (scripts/test-matrix runs the same list), as rows: what each
/// shows through the real binary.
const FEATURES: &[(&str, &str)] = &[
    ("support_smoke", "the test servers: standalone, Cluster, Sentinel of this build"),
    ("e2e_tornado", "mint, verify, list, revoke with the real Tornado app; key rotation"),
    ("commands", "mint, verify, list, revoke, cleanup, stats; a 3-primary Cluster; Ctrl-C"),
    ("dump_snapshot", "`--rdb` dumps and `--snapshot` (standalone, Cluster, Sentinel)"),
    ("backup_restore", "`--backup` and `restore` (standalone, Cluster)"),
    ("store_standalone", "pipelines, compare-and-delete, odd key types"),
    ("store_cluster", "Cluster routing, MOVED/ASK, a slot migrating during a scan"),
    ("store_sentinel", "Sentinel: discovery and failover"),
    ("store_failover", "Cluster failover during revoke"),
    ("doctor", "`doctor`: every check"),
    ("managed_services", "renamed SYNC/PSYNC/REPLCONF/CONFIG/DEBUG/KEYS; an ACL user without @dangerous"),
];

const BEGIN: &str = "<!-- matrix table: made from tests/matrix/results.tsv by tests/compatibility.rs; do not edit -->";
const END: &str = "<!-- end of matrix table -->";

struct Result {
    pass: bool,
    /// Tests of the file that do not apply to the build (they need TLS).
    not_applicable: Vec<String>,
}

fn results() -> BTreeMap<(String, String), Result> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/matrix/results.tsv");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut rows = BTreeMap::new();
    for (i, line) in text.lines().enumerate().filter(|(_, l)| !l.starts_with('#') && !l.is_empty()) {
        let fields: Vec<&str> = line.split('\t').collect();
        let [server, file, result, na] = fields[..] else {
            panic!("{}:{}: four tab-separated fields expected: {line:?}", path.display(), i + 1)
        };
        assert!(SERVERS.iter().any(|s| s.0 == server), "line {}: unknown server {server}", i + 1);
        assert!(FEATURES.iter().any(|f| f.0 == file), "line {}: {file} is not a matrix file", i + 1);
        assert!(result == "pass" || result == "fail", "line {}: result {result}", i + 1);
        let not_applicable = if na == "-" { Vec::new() } else { na.split(' ').map(str::to_string).collect() };
        rows.insert((server.to_string(), file.to_string()), Result { pass: result == "pass", not_applicable });
    }
    rows
}

fn table() -> String {
    let results = results();
    let mut out = String::new();
    out.push_str("| what the tests show (test file) |");
    for (_, heading) in SERVERS {
        out.push_str(&format!(" {heading} |"));
    }
    out.push_str("\n|---|");
    out.push_str(&"---|".repeat(SERVERS.len()));
    out.push('\n');
    let cell = |server: &str, file: &str| match results.get(&(server.to_string(), file.to_string())) {
        None => "not run".to_string(),
        Some(r) if !r.pass => "**FAIL**".to_string(),
        Some(r) if r.not_applicable.is_empty() => "pass".to_string(),
        Some(r) => format!("pass ({} n/a: no TLS)", r.not_applicable.len()),
    };
    for (file, what) in FEATURES {
        out.push_str(&format!("| {what} (`tests/{file}.rs`) |"));
        for (server, _) in SERVERS {
            out.push_str(&format!(" {} |", cell(server, file)));
        }
        out.push('\n');
    }
    // TLS: the snapshot-over-TLS test ran (and passed) on the build, or did not apply.
    out.push_str("| TLS (`rediss://`), a snapshot over TLS (`tests/dump_snapshot.rs`) |");
    for (server, _) in SERVERS {
        let text = match results.get(&(server.to_string(), "dump_snapshot".to_string())) {
            None => "not run",
            Some(r) if !r.not_applicable.is_empty() => "n/a: built without TLS",
            Some(r) if r.pass => "pass",
            Some(_) => "**FAIL**",
        };
        out.push_str(&format!(" {text} |"));
    }
    out.push('\n');
    out
}

#[test]
fn the_compatibility_table_is_made_from_the_recorded_matrix_results() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/compatibility.md");
    let doc = std::fs::read_to_string(&path).unwrap();
    let (Some(begin), Some(end)) = (doc.find(BEGIN), doc.find(END)) else {
        panic!("docs/compatibility.md lacks the markers {BEGIN:?} and {END:?}")
    };
    let start = begin + BEGIN.len() + 1;
    let want = table();
    if doc[start..end] == want {
        return;
    }
    if std::env::var_os("SESSCTL_REGENERATE").is_some() {
        let new = format!("{}{want}{}", &doc[..start], &doc[end..]);
        std::fs::write(&path, new).unwrap();
        return;
    }
    panic!(
        "docs/compatibility.md's table differs from tests/matrix/results.tsv; run SESSCTL_REGENERATE=1 cargo test --test cli -- compatibility::\n--- in the doc:\n{}\n--- from the results:\n{want}",
        &doc[start..end]
    );
}

/// scripts/test-matrix runs exactly the files this table has rows for, and every one exists.
#[test]
fn the_matrix_script_runs_the_files_the_table_names() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let script = std::fs::read_to_string(root.join("scripts/test-matrix")).unwrap();
    let start = script.find("\nfiles=(").expect("files=( in scripts/test-matrix") + "\nfiles=(".len();
    let end = start + script[start..].find(')').unwrap();
    let files: Vec<&str> = script[start..end].split_whitespace().collect();
    let rows: Vec<&str> = FEATURES.iter().map(|f| f.0).collect();
    assert_eq!(files, rows);
    for file in files {
        assert!(root.join(format!("tests/{file}.rs")).exists(), "tests/{file}.rs");
    }
    let servers: Vec<&str> = SERVERS.iter().map(|s| s.0).collect();
    assert!(script.contains(&format!("servers=({})", servers.join(" "))), "the script's default servers");
}
