//! The import rule of CONTRIBUTING.md ("Layers"), checked on the source: the library layers
//! (`store/`, `cookie/`, `secret.rs`, `signals.rs`) stand on their own, `output` knows nothing of
//! Redis or cookies, nothing but `commands/` reaches up into `commands/`, and only `commands/`
//! writes to stdout. Test modules (`#[cfg(test)] mod tests`) and comments are not imports.

use std::path::{Path, PathBuf};

/// Every `.rs` file under `src/`, as (path relative to `src/`, code without test modules and
/// comment lines).
fn sources() -> Vec<(String, String)> {
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
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    walk(&src, &mut files);
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
            (path.strip_prefix(&src).unwrap().to_string_lossy().into_owned(), code.join("\n"))
        })
        .collect()
}

/// The crate's top-level modules a file names with `crate::…` (also inside `use crate::{a, b}`).
fn crate_modules(code: &str) -> Vec<String> {
    let mut found = Vec::new();
    let ident = |s: &str| s.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect::<String>();
    for (i, _) in code.match_indices("crate::") {
        // `sessctl::crate::` never occurs; skip `$crate::` in macros.
        if code[..i].ends_with('$') {
            continue;
        }
        let rest = &code[i + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let mut depth = 0;
            let end = group
                .char_indices()
                .find(|&(_, c)| {
                    match c {
                        '{' => depth += 1,
                        '}' if depth == 0 => return true,
                        '}' => depth -= 1,
                        _ => {}
                    }
                    false
                })
                .map_or(group.len(), |(j, _)| j);
            // Top-level items of the group: split on commas outside nested braces.
            let mut depth = 0;
            let mut start = 0;
            let inner = &group[..end];
            for (j, c) in inner.char_indices().chain([(inner.len(), ',')]) {
                match c {
                    '{' => depth += 1,
                    '}' => depth -= 1,
                    ',' if depth == 0 => {
                        let name = ident(inner[start..j].trim());
                        if !name.is_empty() {
                            found.push(name);
                        }
                        start = j + 1;
                    }
                    _ => {}
                }
            }
        } else {
            let name = ident(rest);
            if !name.is_empty() {
                found.push(name);
            }
        }
    }
    found.sort();
    found.dedup();
    found
}

/// The top-level module a file belongs to (`store/wire/resp.rs` → `store`, `cli.rs` → `cli`).
fn module_of(path: &str) -> &str {
    let first = path.split('/').next().unwrap();
    first.strip_suffix(".rs").unwrap_or(first)
}

#[test]
fn the_import_rule_holds() {
    // What each layer may name of the crate besides itself.
    let allowed: &[(&str, &[&str])] = &[
        // The Redis library: nothing of the CLI, of cookies or of output.
        ("store", &[]),
        // Pure: signing and verifying in memory, with the secret types.
        ("cookie", &["secret"]),
        ("secret", &[]),
        ("signals", &[]),
        // Rendering: no Redis, no cookies, no commands (the output format enum lives in cli).
        ("output", &["cli"]),
    ];
    let mut broken = Vec::new();
    for (path, code) in sources() {
        let module = module_of(&path);
        let names = crate_modules(&code);
        if let Some((_, may)) = allowed.iter().find(|(m, _)| *m == module) {
            for name in &names {
                if name != module && !may.contains(&name.as_str()) {
                    broken.push(format!("src/{path} names crate::{name} ({module} may name only {may:?})"));
                }
            }
        }
        // Only the binary's entry (main.rs, app.rs) and the library root reach up into commands.
        if !matches!(module, "commands" | "main" | "app" | "lib") && names.iter().any(|n| n == "commands") {
            broken.push(format!("src/{path} names crate::commands (only commands/, main.rs and app.rs may)"));
        }
    }
    assert!(broken.is_empty(), "the import rule (CONTRIBUTING.md, Layers) is broken:\n{}", broken.join("\n"));
}

#[test]
fn only_commands_write_to_stdout_and_the_library_layers_print_nothing() {
    let mut broken = Vec::new();
    for (path, code) in sources() {
        let module = module_of(&path);
        if module == "commands" {
            continue;
        }
        for pattern in ["println!", "print!", "stdout().lock()", "stdout().write", "dbg!"] {
            if uses(&code, pattern) {
                broken.push(format!("src/{path} uses {pattern} (only commands/ writes to stdout)"));
            }
        }
        if matches!(module, "store" | "cookie" | "secret") {
            for pattern in ["eprintln!", "eprint!", "stderr()"] {
                if uses(&code, pattern) {
                    broken.push(format!("src/{path} uses {pattern} (the library reports through its errors)"));
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
    assert_eq!(module_of("store/wire/resp.rs"), "store");
    assert_eq!(module_of("cli.rs"), "cli");
    assert!(uses("eprintln!(\"x\")", "eprintln!") && !uses("eprintln!(\"x\")", "println!"));
    assert!(uses("io::stdout().lock()", "stdout().lock()"));
    // The store really is read (a walk that found nothing would pass the rule vacuously).
    let sources = sources();
    assert!(sources.iter().any(|(p, c)| p == "app.rs" && crate_modules(c).contains(&"output".to_string())));
}
