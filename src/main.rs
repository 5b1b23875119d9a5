use std::process::ExitCode;

fn main() -> ExitCode {
    sessctl::app::main()
}
