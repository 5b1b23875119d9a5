//! The test binary `cli` (Cargo.toml: `autotests = false`, one `[[test]]` per binary): every
//! test file in `tests/` is a module of it, so the whole crate is linked once instead of once
//! per file, and a test's name is `<file>::<test>` (`cargo test --test cli -- revoke_`,
//! `cargo test --test cli -- store_faults::`). The files that need the counting allocator are
//! the binary `allocation` (tests/allocation.rs). docs/testing.md has the layout.
//!
//! Each test starts its own servers (tests/support): no server, temp dir or setting is shared
//! between the tests of different files, which run in this one process side by side.

mod support;

mod backup_restore;
mod cli;
mod commands;
mod commands_connections;
mod commands_edges;
mod commands_terminal;
mod compatibility;
mod completions;
mod config;
mod cookie_input_oracle;
mod cookie_oracle;
mod cookie_props;
mod demo;
mod docs_links;
mod doctor;
mod dump_snapshot;
mod e2e_tornado;
mod gen_secret;
mod generated_files;
mod help;
mod layers;
mod managed_services;
mod neighbour;
mod output_file;
mod output_snapshots;
mod printing;
mod store_cluster;
mod store_connect;
mod store_failover;
mod store_faults;
mod store_sentinel;
mod store_standalone;
mod support_smoke;
mod terminal_operator;
mod version;

/// Every `tests/*.rs` file is a module of a test binary (with `autotests = false`, a new file
/// that no binary names would never run).
#[test]
fn every_test_file_is_a_module_of_a_test_binary() {
    let tests = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests");
    let roots = ["main.rs", "allocation.rs"];
    let declared: String = roots.iter().map(|r| std::fs::read_to_string(tests.join(r)).unwrap()).collect();
    for entry in std::fs::read_dir(&tests).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        let Some(module) = name.strip_suffix(".rs") else { continue };
        if roots.contains(&name.as_str()) {
            continue;
        }
        assert!(
            declared.lines().any(|l| l == format!("mod {module};")),
            "tests/{name} is in no test binary: add `mod {module};` to tests/main.rs"
        );
    }
}
