//! `sessctl completions SHELL`: the shell's completion script on stdout.

use std::io::Write;

use crate::cli::CompletionsArgs;
use crate::config::{Settings, Uses};
use crate::error::Outcome;
use crate::sink::Sink;
use crate::workflow::invocation::Invocable;

impl Invocable for CompletionsArgs {
    fn uses(&self) -> Uses {
        Uses::default()
    }

    fn run(&self, _settings: &Settings, out: &mut Sink) -> anyhow::Result<Outcome> {
        out.write_all(&crate::help::completions(self.shell))?;
        out.flush()?;
        Ok(Outcome::Success)
    }
}
