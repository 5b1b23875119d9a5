//! `Cookie:` headers are read as Tornado reads them: `input::extract` against
//! `tornado.httputil.parse_cookie` on a fresh random corpus (seed printed; replay it with
//! `SESSCTL_ORACLE_SEED`).

use crate::support;

use std::process::Command;

use rand::{RngExt, SeedableRng};
use sessctl_cookie::input::extract;

const NAME: &str = "session_id";

fn random_header(rng: &mut rand::rngs::StdRng) -> String {
    const NAMES: [&str; 8] =
        ["session_id", " session_id", "session_id ", "other", "", "Session_id", "session_id2", "a b"];
    const PIECES: [&str; 16] =
        ["2|1:0|", "abc", "=", "==", "|", ":", "\\\"", "\\\\", "\\012", "\\377", "\\x", " ", "\"", "\\", "9f", ";"];
    let mut header = String::new();
    for _ in 0..rng.random_range(1..5) {
        let mut value: String =
            (0..rng.random_range(0..6)).map(|_| PIECES[rng.random_range(0..PIECES.len())]).collect();
        value = value.replace(';', if rng.random_bool(0.8) { "" } else { ";" });
        if rng.random_bool(0.5) {
            value = format!("\"{value}\"");
        }
        match rng.random_range(0..10) {
            0 => header.push_str(&value), // a chunk without a name
            _ => {
                header.push_str(NAMES[rng.random_range(0..NAMES.len())]);
                header.push('=');
                header.push_str(&value);
            }
        }
        header.push_str([";", "; ", ";;", " ;"][rng.random_range(0..4)]);
    }
    if rng.random_bool(0.3) {
        header.pop();
    }
    header
}

#[test]
fn cookie_headers_are_split_and_unquoted_as_tornado_does() {
    let seed = std::env::var("SESSCTL_ORACLE_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or_else(rand::random);
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    let headers: Vec<String> = (0..3000).map(|_| random_header(&mut rng)).collect();

    let dir = tempfile::tempdir().unwrap();
    let (input, output) = (dir.path().join("in"), dir.path().join("out"));
    std::fs::write(&input, headers.iter().map(|h| hex::encode(h.as_bytes()) + "\n").collect::<String>()).unwrap();
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/oracle/parse_cookie.py");
    let ran = Command::new(support::python()).args([script, NAME]).arg(&input).arg(&output).output().unwrap();
    assert!(ran.status.success(), "oracle failed: {}", String::from_utf8_lossy(&ran.stderr));
    let answers = std::fs::read_to_string(&output).unwrap();

    let mut differ = Vec::new();
    let mut found = 0;
    for (header, answer) in headers.iter().zip(answers.lines()) {
        let tornado = (answer != "-").then(|| hex::decode(answer).unwrap());
        found += tornado.is_some() as usize;
        let ours = extract(format!("Cookie: {header}").as_bytes(), NAME);
        if ours != tornado {
            differ.push(format!("{header:?}: tornado {tornado:?}, sessctl {ours:?}"));
        }
    }
    assert_eq!(answers.lines().count(), headers.len());
    assert!(found > 500, "the corpus names the cookie often enough ({found})");
    assert!(
        differ.is_empty(),
        "seed {seed} (SESSCTL_ORACLE_SEED={seed}): {} headers read differently; first:\n{}",
        differ.len(),
        differ.iter().take(8).cloned().collect::<Vec<_>>().join("\n")
    );
}
