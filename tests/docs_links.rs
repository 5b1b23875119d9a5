//! The manual stands on its own and stays true: README.md, CONTRIBUTING.md and docs/*.md hold
//! no http(s) links (nothing outside the repository), every relative link names a file or
//! folder that exists inside the repository, every `#anchor` names a heading of its file, and
//! every `sessctl …` command line in their code blocks parses with today's command line.

use std::path::{Path, PathBuf};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The project's own docs.
fn documents() -> Vec<PathBuf> {
    let mut files = vec![root().join("README.md"), root().join("CONTRIBUTING.md")];
    let mut docs: Vec<PathBuf> = std::fs::read_dir(root().join("docs"))
        .expect("docs/")
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    docs.sort();
    files.extend(docs);
    files.retain(|f| f.exists());
    files
}

/// `[text](target)` targets, with their line numbers.
fn links(text: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let mut rest = line;
        while let Some(i) = rest.find("](") {
            let after = &rest[i + 2..];
            let Some(end) = after.find(')') else { break };
            out.push((n + 1, after[..end].trim().to_string()));
            rest = &after[end..];
        }
    }
    out
}

/// GitHub's anchor for a heading: lower case, punctuation dropped, spaces as `-`.
fn anchor(heading: &str) -> String {
    heading
        .trim()
        .to_lowercase()
        .chars()
        .filter(|c| c.is_alphanumeric() || *c == ' ' || *c == '-' || *c == '_')
        .map(|c| if c == ' ' { '-' } else { c })
        .collect()
}

fn anchors(text: &str) -> Vec<String> {
    let mut in_code = false;
    let mut out = Vec::new();
    for line in text.lines() {
        if line.trim_start().starts_with("```") {
            in_code = !in_code;
        }
        if !in_code && line.starts_with('#') {
            out.push(anchor(line.trim_start_matches('#')));
        }
    }
    out
}

#[test]
fn the_docs_link_nowhere_outside_the_repository_and_to_nothing_missing() {
    let root = root().canonicalize().unwrap();
    let mut problems = Vec::new();
    let files = documents();
    assert!(files.len() >= 5, "README.md, CONTRIBUTING.md and docs/*.md: {files:?}");
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap();
        let name = file.strip_prefix(&root).unwrap_or(file).display().to_string();
        for (n, line) in text.lines().enumerate() {
            let lower = line.to_lowercase();
            if lower.contains("http://") || lower.contains("https://") {
                problems.push(format!("{name}:{}: a web link (the docs link nowhere outside the repo): {line}", n + 1));
            }
            if line.contains("../shared") || line.contains("shared/SPEC.md") {
                problems.push(format!("{name}:{}: refers to a file outside the repo: {line}", n + 1));
            }
        }
        for (n, target) in links(&text) {
            if target.is_empty() || target.contains("://") || target.starts_with("mailto:") {
                problems.push(format!("{name}:{n}: not a link into the repo: ({target})"));
                continue;
            }
            let (path, fragment) = target.split_once('#').unwrap_or((&target, ""));
            let linked = if path.is_empty() {
                file.clone()
            } else {
                let resolved = file.parent().unwrap().join(path);
                match resolved.canonicalize() {
                    Ok(p) if p.starts_with(&root) => p,
                    Ok(_) => {
                        problems.push(format!("{name}:{n}: links outside the repository: ({target})"));
                        continue;
                    }
                    Err(_) => {
                        problems.push(format!("{name}:{n}: links to a file that does not exist: ({target})"));
                        continue;
                    }
                }
            };
            if !fragment.is_empty() && linked.extension().is_some_and(|e| e == "md") {
                let linked_text = std::fs::read_to_string(&linked).unwrap_or_default();
                if !anchors(&linked_text).iter().any(|a| a == fragment) {
                    problems.push(format!("{name}:{n}: no heading for #{fragment} in {}", linked.display()));
                }
            }
        }
    }
    assert!(problems.is_empty(), "{} problem(s):\n{}", problems.len(), problems.join("\n"));
}

#[test]
fn the_checker_sees_what_it_must_refuse() {
    let found = links("see [a](docs/cli.md#exit-statuses) and [b](https://example.org) [c](#why)");
    assert_eq!(
        found,
        [(1, "docs/cli.md#exit-statuses".to_string()), (1, "https://example.org".into()), (1, "#why".into())]
    );
    assert_eq!(anchor(" Configuration and contexts"), "configuration-and-contexts");
    assert_eq!(anchor(" `sessctl list [--user ID…]`"), "sessctl-list---user-id");
    assert_eq!(anchors("# A b\n```\n# not a heading\n```\n## C: d"), ["a-b", "c-d"]);
}

/// Splits a shell line into words: quotes kept together (and removed), `#` comments, pipes,
/// redirections and `;`/`&&` ending the command. Enough for the docs' examples.
fn shell_words(line: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\'' | '"' => {
                in_word = true;
                for q in chars.by_ref() {
                    if q == c {
                        break;
                    }
                    word.push(q);
                }
            }
            ' ' | '\t' => {
                if in_word {
                    words.push(std::mem::take(&mut word));
                    in_word = false;
                }
            }
            '#' if !in_word => break,
            '|' | '>' | '<' | ';' | '&' => break,
            c => {
                in_word = true;
                word.push(c);
            }
        }
    }
    if in_word {
        words.push(word);
    }
    words
}

/// The `sessctl` command lines in the code blocks of a document, as argument lists: a line
/// whose command (after a `$ ` prompt, `VAR=value` assignments, a crontab line's schedule and
/// user, or systemd's `ExecStart=`) is `sessctl` or a path ending in `/sessctl`. In `text`
/// blocks (output shown with the command) only the `$ ` lines are commands.
fn sessctl_lines(text: &str) -> Vec<(usize, Vec<String>)> {
    let mut out = Vec::new();
    let mut block: Option<String> = None;
    for (n, line) in text.lines().enumerate() {
        let trimmed = line.trim_start();
        if let Some(fence) = trimmed.strip_prefix("```") {
            block = if block.is_some() { None } else { Some(fence.trim().to_string()) };
            continue;
        }
        let Some(kind) = &block else { continue };
        let prompted = trimmed.strip_prefix("$ ");
        if kind == "text" && prompted.is_none() {
            continue;
        }
        let mut words = shell_words(prompted.unwrap_or(trimmed));
        if kind == "crontab" && words.first().is_some_and(|w| w.starts_with(|c: char| c.is_ascii_digit() || c == '*')) {
            words.drain(..6.min(words.len()));
        }
        let assignment = |w: &String| {
            w.split_once('=').is_some_and(|(name, _)| {
                !name.is_empty() && name.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
            })
        };
        while words.first().is_some_and(assignment) {
            words.remove(0);
        }
        if let Some(first) = words.first_mut() {
            if let Some(binary) = first.strip_prefix("ExecStart=") {
                *first = binary.to_string();
            }
        }
        let Some(first) = words.first() else { continue };
        if first == "sessctl" || (first.ends_with("/sessctl") && !first.contains('=')) {
            out.push((n + 1, words[1..].to_vec()));
        }
    }
    out
}

#[test]
fn every_sessctl_command_line_in_the_docs_parses() {
    let mut checked = 0;
    let mut problems = Vec::new();
    for file in documents() {
        let text = std::fs::read_to_string(&file).unwrap();
        let name = file.file_name().unwrap().to_string_lossy().into_owned();
        for (n, args) in sessctl_lines(&text) {
            checked += 1;
            let line = args.join(" ");
            let parsed =
                sessctl::help::command().try_get_matches_from(std::iter::once("sessctl".to_string()).chain(args));
            if let Err(e) = parsed {
                use clap::error::ErrorKind;
                if !matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion) {
                    problems.push(format!(
                        "{name}:{n}: `sessctl {line}`: {}",
                        e.render().to_string().lines().next().unwrap_or("")
                    ));
                }
            }
        }
    }
    assert!(checked >= 40, "only {checked} command lines found in the docs");
    assert!(problems.is_empty(), "{} command line(s) that no longer parse:\n{}", problems.len(), problems.join("\n"));
}

#[test]
fn command_lines_are_read_as_a_shell_would() {
    assert_eq!(
        shell_words(r#"SESSCTL_X=1 sessctl verify 'session_id="2|1"' --offline > out.txt # note"#),
        ["SESSCTL_X=1", "sessctl", "verify", "session_id=\"2|1\"", "--offline"]
    );
    let doc = "```sh\nsessctl list --count | head\nX=1 sessctl doctor\ncargo build --bin sessctl\n```\n\
               ```crontab\n17 3 * * * sessctl /usr/local/bin/sessctl stats -q\n```\n\
               ```ini\nExecStart=/usr/local/bin/sessctl cleanup\nDescription=Run sessctl cleanup nightly\nReadWritePaths=/var/log/sessctl\n```\n\
               ```text\n$ sessctl list\nsessctl: a message\nlocal  /root/.config/sessctl x\n```\n\
               sessctl list --nope\n";
    let args: Vec<String> = sessctl_lines(doc).iter().map(|(_, a)| a.join(" ")).collect();
    assert_eq!(args, ["list --count", "doctor", "stats -q", "cleanup", "list"]);
}
