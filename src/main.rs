use std::process::ExitCode;

fn main() -> ExitCode {
    sessctl::commands::main()
}
