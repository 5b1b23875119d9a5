//! The workflows the subcommands share, each named for what it does. A subcommand's file in
//! `commands/` is glue over these; nothing here knows which subcommand runs it.

pub mod audit;
pub mod backup;
pub mod category;
pub mod checks;
pub mod deletion;
pub mod files;
pub mod hints;
pub mod invocation;
pub mod lines;
pub mod pacing;
pub mod revocation;
pub mod session;
pub mod session_ids;
pub mod set_cookie;
pub mod sources;
pub mod verdict;
