//! One module per subcommand: glue that reads settings, calls the shared workflows
//! (`crate::workflow`) and renders. This file only dispatches: one line per subcommand.

mod cleanup;
mod completions;
mod config;
mod decode;
mod doctor;
mod gen_secret;
mod list;
mod man;
mod mint;
mod restore;
mod revoke;
mod stats;
mod verify;

use crate::cli::{Cli, Command};
use crate::error::Outcome;
use crate::workflow::invocation::{run as invoke, Failed};

/// Runs a parsed command line (see [`crate::workflow::invocation::run`]).
pub fn run(cli: Cli) -> Result<Outcome, Failed> {
    let global = &cli.global;
    match &cli.command {
        Command::Mint(args) => invoke(global, args),
        Command::Verify(args) => invoke(global, args),
        Command::Decode(args) => invoke(global, args),
        Command::List(args) => invoke(global, args),
        Command::Revoke(args) => invoke(global, args),
        Command::Cleanup(args) => invoke(global, args),
        Command::Stats(args) => invoke(global, args),
        Command::Restore(args) => invoke(global, args),
        Command::Doctor(args) => invoke(global, args),
        Command::GenSecret(args) => invoke(global, args),
        Command::Config(args) => invoke(global, args),
        Command::Completions(args) => invoke(global, args),
        Command::Man(args) => invoke(global, args),
    }
}
