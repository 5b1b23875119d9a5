//! Help that helps: each command's own options before the shared ones, examples that parse,
//! every environment variable documented, exit statuses, and man pages whose SEE ALSO names
//! only pages that exist. Run through the real binary where the user would.

use crate::support;

use std::collections::BTreeSet;
use std::path::Path;

use support::*;

fn help_of(args: &[&str]) -> String {
    let out = sessctl().args(args).output().unwrap();
    assert!(out.status.success(), "sessctl {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

fn commands() -> Vec<String> {
    sessctl::help::page_commands(&sessctl::help::command())
}

/// The long flags listed in a block of help text (`--name` at the start of an option line).
fn flags_in(block: &str) -> BTreeSet<String> {
    block
        .lines()
        .filter(|l| l.len() - l.trim_start().len() <= 6)
        .filter_map(|l| {
            let l = l.trim_start();
            let l = l.strip_prefix("-").filter(|_| l.len() > 2 && l.as_bytes()[2] == b',').map_or(l, |_| &l[4..]);
            l.strip_prefix("--").map(|rest| rest.split([' ', '<', ',']).next().unwrap_or("").to_string())
        })
        .collect()
}

#[test]
fn a_commands_own_options_come_first_and_the_shared_ones_under_global_options() {
    let global: BTreeSet<String> =
        ["redis-url", "secret-file", "prefix", "output", "quiet", "timeout"].iter().map(|s| s.to_string()).collect();
    let own: &[(&str, &[&str])] = &[
        ("mint", &["user", "count", "no-store", "format"]),
        ("verify", &["offline", "raw", "max-age-days"]),
        ("list", &["user", "limit", "count"]),
        ("revoke", &["user", "users-file", "all", "issued-before", "dry-run", "yes"]),
        ("cleanup", &["max-age", "no-ttl", "dry-run"]),
        ("stats", &["top"]),
        ("gen-secret", &["ring", "bytes"]),
    ];
    for (command, flags) in own {
        for help_flag in ["-h", "--help"] {
            let text = help_of(&[command, help_flag]);
            let (mine, shared) = text
                .split_once("\nGlobal options:\n")
                .unwrap_or_else(|| panic!("no 'Global options:' heading in `{command} {help_flag}`:\n{text}"));
            let (mine, shared) = (flags_in(mine), flags_in(shared));
            for flag in *flags {
                assert!(mine.contains(*flag), "`{command} {help_flag}`: --{flag} is not among its own options");
                assert!(!shared.contains(*flag), "`{command} {help_flag}`: --{flag} is under Global options");
            }
            for flag in &global {
                assert!(shared.contains(flag), "`{command} {help_flag}`: --{flag} is not under Global options");
                assert!(!mine.contains(flag), "`{command} {help_flag}`: --{flag} is among its own options");
            }
        }
    }
}

#[test]
fn long_help_has_examples_environment_and_exit_statuses_and_short_help_points_to_it() {
    for command in std::iter::once(String::new()).chain(commands()) {
        let args: Vec<&str> = [command.as_str()].into_iter().filter(|c| !c.is_empty()).collect();
        let long = help_of(&[args.as_slice(), &["--help"]].concat());
        for heading in ["Examples:\n", "Environment:\n", "Exit status:\n"] {
            assert!(long.contains(heading), "`sessctl {command} --help` lacks {heading:?}");
        }
        assert!(long.contains("SESSCTL_SECRET") && long.contains("REDIS_URL"), "{command}: {long}");
        assert!(long.contains("    0  ") && long.contains("    2  usage error"), "{command}: {long}");
        let short = help_of(&[args.as_slice(), &["-h"]].concat());
        assert!(!short.contains("Examples:"), "`-h` stays short for {command:?}");
        assert!(short.contains("--help`"), "`-h` of {command:?} says where the examples are");
    }
    let verify = help_of(&["verify", "--help"]);
    assert!(verify.contains("    3  a cookie failed") && verify.contains("    4  signatures fine"), "{verify}");
}

/// The `sessctl …` command of an example line, split as a shell would (quotes removed), up to
/// the first unquoted `|`, `>`, `<`, `)`, `;` or `&`.
fn sessctl_words(line: &str) -> Vec<String> {
    let start = line.find("sessctl ").unwrap_or_else(|| panic!("no sessctl in example {line:?}"));
    let mut words = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut quote: Option<char> = None;
    for c in line[start..].chars() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), c) => word.push(c),
            (None, '\'' | '"') => {
                quote = Some(c);
                in_word = true;
            }
            (None, '|' | '>' | '<' | ')' | ';' | '&') => break,
            (None, ' ') => {
                if in_word {
                    words.push(std::mem::take(&mut word));
                    in_word = false;
                }
            }
            (None, c) => {
                word.push(c);
                in_word = true;
            }
        }
    }
    if in_word {
        words.push(word);
    }
    words
}

#[test]
fn every_example_is_a_command_line_sessctl_accepts() {
    let mut checked = 0;
    for command in std::iter::once(String::new()).chain(commands()) {
        let examples = sessctl::help::examples(&command);
        assert!(!examples.is_empty(), "no examples for {command:?}");
        for (what, line) in examples {
            let words = sessctl_words(line);
            if !command.is_empty() {
                assert_eq!(words.get(1), Some(&command), "an example of {command} runs another command: {line}");
            }
            let parsed = sessctl::help::command().try_get_matches_from(&words);
            assert!(parsed.is_ok(), "example {what:?} does not parse: {line}\n{}", parsed.unwrap_err());
            checked += 1;
        }
    }
    assert!(checked >= 20, "{checked} examples");
    assert_eq!(sessctl_words("(umask 077 && sessctl a 'b c' \"d\" > f)"), ["sessctl", "a", "b c", "d"]);
}

#[test]
fn every_environment_variable_sessctl_reads_is_documented() {
    // Every SESSCTL_* name written in the source, and REDIS_URL / NO_COLOR.
    let mut named = BTreeSet::from(["REDIS_URL".to_string(), "NO_COLOR".to_string()]);
    let mut stack = vec![Path::new(env!("CARGO_MANIFEST_DIR")).join("src")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            for (i, _) in text.match_indices("SESSCTL_") {
                let name: String = text[i..]
                    .chars()
                    .take_while(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || *c == '_')
                    .collect();
                if name.len() > "SESSCTL_".len() && !name.ends_with('_') {
                    named.insert(name);
                }
            }
        }
    }
    // Test knobs are read by the tests, not by sessctl.
    named.remove("SESSCTL_REGENERATE");
    let documented: BTreeSet<String> =
        sessctl::help::environment(&sessctl::help::command()).into_iter().map(|(name, _)| name).collect();
    let missing: Vec<&String> = named.difference(&documented).collect();
    assert!(
        missing.is_empty(),
        "not in the help's environment list (help::PLAIN_VARIABLES or an arg's env): {missing:?}"
    );
    let top = help_of(&["--help"]);
    let page = String::from_utf8(sessctl::help::man_page("").unwrap()).unwrap();
    for name in &documented {
        assert!(top.contains(name.as_str()), "`sessctl --help` lacks {name}");
        assert!(page.contains(name.as_str()), "sessctl(1) lacks {name}");
    }
}

#[test]
fn man_prints_every_page_and_see_also_names_only_pages_that_exist() {
    let pages = sessctl::help::man_pages();
    let names: BTreeSet<String> = pages.iter().map(|(file, _)| file.trim_end_matches(".1").to_string()).collect();
    assert_eq!(pages.len(), commands().len() + 1);
    let man_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("man");
    for (file, page) in &pages {
        assert!(man_dir.join(file).exists(), "man/{file} is not committed");
        let text = String::from_utf8(page.clone()).unwrap();
        for section in ["EXAMPLES", "ENVIRONMENT", "\"EXIT STATUS\"", "\"SEE ALSO\""] {
            assert!(text.contains(&format!(".SH {section}\n")), "{file} lacks {section}");
        }
        // Every `name(1)` reference in the page, SEE ALSO and SUBCOMMANDS alike.
        let see_also = &text[text.find(".SH \"SEE ALSO\"").unwrap()..];
        let mut referenced = 0;
        for (i, _) in text.match_indices("(1)") {
            let before = text[..i].replace("\\fR", "").replace("\\-", "-");
            let name: String = before
                .chars()
                .rev()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
                .collect::<String>()
                .chars()
                .rev()
                .collect();
            let name = name.trim_start_matches("fB").to_string();
            assert!(names.contains(&name), "{file} refers to {name}(1), which does not exist");
            referenced += 1;
        }
        assert!(see_also.contains("sessctl"), "{file}: {see_also}");
        assert!(referenced >= 2, "{file} refers to {referenced} pages");
        assert!(!text.contains("sessctl\\-help"), "{file} mentions a help page that does not exist");
    }
    // The binary prints the same pages.
    for (file, page) in &pages {
        let name = file.trim_end_matches(".1");
        let args: Vec<&str> = match name.strip_prefix("sessctl-") {
            Some(command) => vec!["man", command],
            None => vec!["man"],
        };
        let out = sessctl().args(&args).output().unwrap();
        assert!(out.status.success(), "sessctl {args:?}");
        assert_eq!(&out.stdout, page, "sessctl {args:?}");
    }
}

#[test]
fn man_pages_render_with_man_without_warnings() {
    let dir = tempfile::tempdir().unwrap();
    for (file, page) in sessctl::help::man_pages() {
        let path = dir.path().join(&file);
        std::fs::write(&path, page).unwrap();
        let out = std::process::Command::new("man")
            .args(["--warnings", "-l"])
            .arg(&path)
            .env("MANWIDTH", "80")
            .env("MAN_KEEP_FORMATTING", "0")
            .stdin(std::process::Stdio::null())
            .output()
            .expect("man(1) must be installed (scripts/setup-test-env installs man-db)");
        assert!(out.status.success(), "man {file}: {}", String::from_utf8_lossy(&out.stderr));
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.trim().is_empty(), "man {file} warns: {stderr}");
        // Without a terminal man may still embolden by overstriking (`E\bE`): drop that.
        let mut text = String::new();
        for c in String::from_utf8_lossy(&out.stdout).chars() {
            if c == '\u{8}' {
                text.pop();
            } else {
                text.push(c);
            }
        }
        assert!(text.contains("EXAMPLES") && text.contains("SEE ALSO"), "{file}: {text}");
    }
}
