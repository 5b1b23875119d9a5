//! `sessctl man [COMMAND]`: a roff man page on stdout, sessctl's or a command's.

use std::io::Write;

use crate::cli::ManArgs;
use crate::config::{Settings, Uses};
use crate::error::{self, Outcome};
use crate::sink::Sink;
use crate::workflow::invocation::Invocable;

impl Invocable for ManArgs {
    fn uses(&self) -> Uses {
        Uses::default()
    }

    fn run(&self, _settings: &Settings, out: &mut Sink) -> anyhow::Result<Outcome> {
        let name = self.command.as_deref().unwrap_or("");
        let page = crate::help::man_page(name)
            .ok_or_else(|| error::usage(format!("no man page for {name:?}; see `sessctl man --help`")))?;
        out.write_all(&page)?;
        out.flush()?;
        Ok(Outcome::Success)
    }
}
