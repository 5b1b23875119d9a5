//! The manual stands on its own: README.md, CONTRIBUTING.md and docs/*.md hold no http(s)
//! links (nothing outside the repository), every relative link names a file or folder that
//! exists inside the repository, and every `#anchor` names a heading of its file.

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
