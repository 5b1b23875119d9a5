//! One module per subcommand: glue that reads settings, calls the core and renders.

use std::process::ExitCode;

pub fn main() -> ExitCode {
    ExitCode::SUCCESS
}
