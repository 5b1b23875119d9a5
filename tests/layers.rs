//! The house rules of CONTRIBUTING.md ("Layers"), checked on the source where the compiler
//! cannot see them. The compiler already keeps the libraries apart: `sessctl-cookie` and
//! `sessctl-store` are crates of their own and cannot name the binary or each other. What is
//! left is checked here:
//!
//! - every module of the binary has a place in one direction, and names only modules below
//!   it (`LAYERS`); a new module fails this test until it is given a place;
//! - no import cycle between the files of any crate (`crate::a::b` and `super::x` paths);
//! - commands do not import each other;
//! - only `messages` (and `terminal`'s prompts) write to stderr, only `sink` to stdout, and the
//!   libraries print nothing.
//!
//! Test modules (`#[cfg(test)] mod tests`) and comments are not imports.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The binary's modules, lowest first: each may name only modules on an earlier line (and
/// itself). Modules on one line are peers and may not name each other.
const LAYERS: &[&[&str]] = &[
    &["output"],
    &["messages"],
    &["signals"],
    &["error"],
    &["values"],
    &["sink"],
    &["config"],
    &["terminal"],
    &["cli"],
    &["help"],
    &["workflow"],
    &["commands"],
    &["app"],
    &["lib", "main"],
];

/// Every `.rs` file under `root`, as (path relative to `root`, code without test modules and
/// comment lines).
fn sources_of(root: &Path) -> Vec<(String, String)> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    let mut files = Vec::new();
    walk(root, &mut files);
    files.sort();
    files
        .into_iter()
        .map(|path| {
            let text = std::fs::read_to_string(&path).unwrap();
            let code = match text.find("#[cfg(test)]\nmod tests") {
                Some(i) => &text[..i],
                None => &text[..],
            };
            let code: Vec<&str> = code.lines().filter(|l| !l.trim_start().starts_with("//")).collect();
            (path.strip_prefix(root).unwrap().to_string_lossy().into_owned(), code.join("\n"))
        })
        .collect()
}

fn root(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(relative)
}

/// The binary's sources.
fn sources() -> Vec<(String, String)> {
    sources_of(&root("src"))
}

/// Every crate's sources: (name, files).
fn crates() -> Vec<(&'static str, Vec<(String, String)>)> {
    vec![
        ("sessctl", sources()),
        ("sessctl-cookie", sources_of(&root("crates/sessctl-cookie/src"))),
        ("sessctl-store", sources_of(&root("crates/sessctl-store/src"))),
    ]
}

/// The paths a file names with `crate::…` (also inside `use crate::{a, b::{c}}`), as module
/// paths (`["output"]`, `["commands", "revoke"]`); lower-case segments only (items are cut).
fn crate_paths(code: &str) -> Vec<Vec<String>> {
    let mut found = Vec::new();
    for (i, _) in code.match_indices("crate::") {
        // Skip `$crate::` in macros.
        if code[..i].ends_with('$') {
            continue;
        }
        expand(&code[i + "crate::".len()..], Vec::new(), &mut found);
    }
    found.sort();
    found.dedup();
    found
}

/// `text` starts right after a `::`: collects the module paths it names under `prefix`.
fn expand(text: &str, prefix: Vec<String>, out: &mut Vec<Vec<String>>) {
    if let Some(group) = text.strip_prefix('{') {
        let end = closing(group);
        for part in split_top(&group[..end]) {
            expand(part.trim(), prefix.clone(), out);
        }
        return;
    }
    let ident: String = text.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
    let is_module = ident.chars().next().is_some_and(|c| c.is_ascii_lowercase()) && ident != "self";
    if !is_module {
        if !prefix.is_empty() {
            out.push(prefix);
        }
        return;
    }
    let mut path = prefix;
    path.push(ident.clone());
    match text[ident.len()..].strip_prefix("::") {
        Some(rest) => expand(rest, path, out),
        None => out.push(path),
    }
}

/// The index of the `}` that closes a group whose `{` was just consumed.
fn closing(group: &str) -> usize {
    let mut depth = 0;
    for (j, c) in group.char_indices() {
        match c {
            '{' => depth += 1,
            '}' if depth == 0 => return j,
            '}' => depth -= 1,
            _ => {}
        }
    }
    group.len()
}

/// Splits a group's inside on commas outside nested braces.
fn split_top(inner: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let (mut depth, mut start) = (0, 0);
    for (j, c) in inner.char_indices().chain([(inner.len(), ',')]) {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(&inner[start..j]);
                start = j + 1;
            }
            _ => {}
        }
    }
    parts
}

/// The top-level modules a file names with `crate::…`.
fn crate_modules(code: &str) -> Vec<String> {
    let mut names: Vec<String> = crate_paths(code).into_iter().filter_map(|p| p.into_iter().next()).collect();
    names.sort();
    names.dedup();
    names
}

/// The top-level module a file belongs to (`commands/revoke.rs` → `commands`, `cli.rs` → `cli`).
fn module_of(path: &str) -> &str {
    let first = path.split('/').next().unwrap();
    first.strip_suffix(".rs").unwrap_or(first)
}

/// The module path of a file (`commands/mod.rs` → `["commands"]`, `lib.rs` → `[]`).
fn module_path(file: &str) -> Vec<String> {
    let mut parts: Vec<String> = file.trim_end_matches(".rs").split('/').map(str::to_string).collect();
    if matches!(parts.last().map(String::as_str), Some("mod" | "lib" | "main")) {
        parts.pop();
    }
    parts
}

/// The file of the longest prefix of `path` that is a file of the crate.
fn file_of<'a>(path: &[String], files: &'a BTreeMap<Vec<String>, String>) -> Option<&'a String> {
    (0..=path.len()).rev().find_map(|n| files.get(&path[..n]))
}

/// The file-level import graph of a crate: file → files it names (itself left out).
fn graph(sources: &[(String, String)]) -> BTreeMap<String, BTreeSet<String>> {
    let files: BTreeMap<Vec<String>, String> = sources.iter().map(|(p, _)| (module_path(p), p.clone())).collect();
    let mut edges = BTreeMap::new();
    for (path, code) in sources {
        let here = module_path(path);
        let mut named = crate_paths(code);
        // `super::x` from a/b.rs (module a::b) is a::x; from a/mod.rs (module a) it is x.
        for (i, _) in code.match_indices("super::") {
            if code[..i].ends_with("super::") || code[..i].ends_with(|c: char| c.is_ascii_alphanumeric() || c == '_') {
                continue;
            }
            let mut base = here.clone();
            let mut rest = &code[i..];
            while let Some(r) = rest.strip_prefix("super::") {
                base.pop();
                rest = r;
            }
            let mut found = Vec::new();
            expand(rest, base.clone(), &mut found);
            if found.is_empty() {
                found.push(base);
            }
            named.extend(found);
        }
        // `self::x` and, for a module `x` this file declares (`mod x;`), a bare `x::…`.
        for (i, _) in code.match_indices("self::") {
            if !code[..i].ends_with(|c: char| c.is_ascii_alphanumeric() || c == '_' || c == ':') {
                expand(&code[i + "self::".len()..], here.clone(), &mut named);
            }
        }
        for child in declared_modules(code) {
            let bare = format!("{child}::");
            let used = code
                .match_indices(&bare)
                .any(|(i, _)| !code[..i].ends_with(|c: char| c.is_ascii_alphanumeric() || c == '_' || c == ':'));
            if used {
                let mut path = here.clone();
                path.push(child);
                named.push(path);
            }
        }
        let targets: BTreeSet<String> =
            named.iter().filter_map(|p| file_of(p, &files)).filter(|f| *f != path).cloned().collect();
        edges.insert(path.clone(), targets);
    }
    edges
}

/// The modules a file declares (`mod x;`, `pub mod x;`, `pub(crate) mod x;`).
fn declared_modules(code: &str) -> Vec<String> {
    code.lines()
        .filter_map(|line| {
            let line = line.trim();
            let rest = line.strip_prefix("pub(crate) ").or_else(|| line.strip_prefix("pub ")).unwrap_or(line);
            let name = rest.strip_prefix("mod ")?.strip_suffix(';')?;
            Some(name.trim().to_string())
        })
        .collect()
}

/// A cycle in the graph, as the files along it, if there is one.
fn find_cycle(edges: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        node: &str,
        edges: &BTreeMap<String, BTreeSet<String>>,
        state: &mut BTreeMap<String, u8>,
        stack: &mut Vec<String>,
    ) -> Option<Vec<String>> {
        state.insert(node.to_string(), 1);
        stack.push(node.to_string());
        for next in edges.get(node).into_iter().flatten() {
            match state.get(next.as_str()).copied().unwrap_or(0) {
                1 => {
                    let start = stack.iter().position(|n| n == next).unwrap();
                    let mut cycle = stack[start..].to_vec();
                    cycle.push(next.clone());
                    return Some(cycle);
                }
                0 => {
                    if let Some(cycle) = visit(next, edges, state, stack) {
                        return Some(cycle);
                    }
                }
                _ => {}
            }
        }
        stack.pop();
        state.insert(node.to_string(), 2);
        None
    }
    let mut state = BTreeMap::new();
    for node in edges.keys() {
        if state.get(node.as_str()).copied().unwrap_or(0) == 0 {
            if let Some(cycle) = visit(node, edges, &mut state, &mut Vec::new()) {
                return Some(cycle);
            }
        }
    }
    None
}

/// A module's layer (its line in [`LAYERS`]).
fn layer_of(module: &str) -> Option<usize> {
    LAYERS.iter().position(|line| line.contains(&module))
}

#[test]
fn every_module_of_the_binary_names_only_modules_below_it() {
    let mut broken = Vec::new();
    for (path, code) in sources() {
        let module = module_of(&path);
        let Some(layer) = layer_of(module) else {
            broken.push(format!("src/{path}: the module {module} has no place in LAYERS; give it one"));
            continue;
        };
        for name in crate_modules(&code) {
            if name == module {
                continue;
            }
            match layer_of(&name) {
                Some(l) if l < layer => {}
                Some(_) => broken.push(format!("src/{path} names crate::{name}, which is not below {module}")),
                None => broken.push(format!("src/{path} names crate::{name}, which has no place in LAYERS")),
            }
        }
    }
    assert!(broken.is_empty(), "the import rule (CONTRIBUTING.md, Layers) is broken:\n{}", broken.join("\n"));
}

#[test]
fn no_crate_has_an_import_cycle_between_its_files() {
    let mut cycles = Vec::new();
    for (name, sources) in crates() {
        assert!(sources.len() > 3, "{name}: its sources were not found");
        // Every cycle, not only the first: each found is cut at its last edge and the search
        // goes on.
        let mut edges = graph(&sources);
        while let Some(cycle) = find_cycle(&edges) {
            let (from, to) = (&cycle[cycle.len() - 2], &cycle[cycle.len() - 1]);
            edges.get_mut(from).unwrap().remove(to);
            cycles.push(format!("{name}: {}", cycle.join(" → ")));
        }
    }
    assert!(cycles.is_empty(), "import cycles between files:\n{}", cycles.join("\n"));
}

#[test]
fn commands_do_not_import_each_other() {
    let mut broken = Vec::new();
    for (path, code) in sources() {
        let Some(file) = path.strip_prefix("commands/") else { continue };
        if file == "mod.rs" {
            continue;
        }
        let own = file.trim_end_matches(".rs").split('/').next().unwrap();
        for p in crate_paths(&code) {
            if p.len() >= 2 && p[0] == "commands" && p[1] != own {
                broken.push(format!("src/{path} names crate::commands::{}", p[1]));
            }
        }
        if code.contains("super::") {
            broken.push(format!("src/{path} names super:: (a command uses the shared workflows, not commands/mod.rs)"));
        }
    }
    assert!(broken.is_empty(), "{}", broken.join("\n"));
}

#[test]
fn only_messages_write_to_stderr_only_the_sink_to_stdout_and_the_libraries_print_nothing() {
    let mut broken = Vec::new();
    for (crate_name, sources) in crates() {
        let library = crate_name != "sessctl";
        for (path, code) in sources {
            let module = module_of(&path);
            let stdout_ok = !library && module == "sink";
            for pattern in ["println!", "print!", "stdout().lock()", "stdout().write", "dbg!"] {
                if uses(&code, pattern) && !stdout_ok {
                    broken.push(format!("{crate_name}: {path} uses {pattern} (only sink.rs writes to stdout)"));
                }
            }
            let stderr_ok = !library && matches!(module, "messages" | "terminal");
            for pattern in ["eprintln!", "eprint!", "stderr().lock()", "stderr().write"] {
                if uses(&code, pattern) && !stderr_ok {
                    let why =
                        if library { "the libraries report through their errors" } else { "say it through messages" };
                    broken.push(format!("{crate_name}: {path} uses {pattern} ({why})"));
                }
            }
        }
    }
    assert!(broken.is_empty(), "{}", broken.join("\n"));
}

/// `code` contains `pattern` as a whole word at its start (`print!` is not `eprint!`).
fn uses(code: &str, pattern: &str) -> bool {
    code.match_indices(pattern).any(|(i, _)| !code[..i].ends_with(|c: char| c.is_ascii_alphanumeric() || c == '_'))
}

/// The checker itself finds what it looks for.
#[test]
fn the_checker_sees_imports_in_every_form() {
    let code = "use crate::store::Store;\nuse crate::{cli::{A, B}, output, secret::Secret};\nlet x = crate::cookie::decode(y);\nmacro_rules! m { () => { $crate::signals::x() } }";
    assert_eq!(crate_modules(code), ["cli", "cookie", "output", "secret", "store"]);
    assert_eq!(crate_paths("use crate::{a::{b::C, d}, E};"), [vec!["a", "b"], vec!["a", "d"]]);
    assert_eq!(module_of("commands/revoke.rs"), "commands");
    assert_eq!(module_path("commands/mod.rs"), ["commands"]);
    assert!(uses("eprintln!(\"x\")", "eprintln!") && !uses("eprintln!(\"x\")", "println!"));
    assert!(uses("io::stdout().lock()", "stdout().lock()"));
    // A cycle is found, and a chain is not one.
    let files = |pairs: &[(&str, &str)]| -> Vec<(String, String)> {
        pairs.iter().map(|(p, c)| (p.to_string(), c.to_string())).collect()
    };
    let cyclic = files(&[("lib.rs", ""), ("a.rs", "use crate::b::X;"), ("b/mod.rs", "use crate::a::Y;")]);
    assert!(find_cycle(&graph(&cyclic)).is_some());
    let through_super = files(&[
        ("lib.rs", ""),
        ("a/mod.rs", "use self::b::X;\nmod b;"),
        ("a/b.rs", "use super::c::Z;"),
        ("a/c.rs", "use super::b::X;"),
    ]);
    assert!(find_cycle(&graph(&through_super)).is_some());
    let chain = files(&[("lib.rs", ""), ("a.rs", "use crate::b::X;"), ("b.rs", "use crate::c;"), ("c.rs", "")]);
    assert!(find_cycle(&graph(&chain)).is_none());
    // The sources really are read (a walk that found nothing would pass the rules vacuously).
    let sources = sources();
    assert!(sources.iter().any(|(p, c)| p == "commands/mod.rs" && crate_modules(c).contains(&"cli".to_string())));
    for (name, files) in crates() {
        assert!(files.len() > 3, "{name}");
    }
}
