//! `sessctl completions SHELL`: the shell's completion script on stdout.

use std::io::{self, Write};

use crate::cli::CompletionsArgs;
use crate::config::{Settings, Uses};
use crate::error::Outcome;
use crate::workflow::invocation::Subcommand;

impl Subcommand for CompletionsArgs {
    fn uses(&self) -> Uses {
        Uses::default()
    }

    fn run(&self, _settings: &Settings) -> anyhow::Result<Outcome> {
        let mut out = io::stdout().lock();
        out.write_all(&crate::help::completions(self.shell))?;
        out.flush()?;
        Ok(Outcome::Success)
    }
}
