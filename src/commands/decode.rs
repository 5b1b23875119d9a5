//! `sessctl decode`: the fields of a signed value, read without a secret.

use std::io::{self, Read, Write};
use std::os::unix::ffi::OsStrExt;

use crate::cli::{DecodeArgs, OutputFormat};
use crate::config::{Settings, Uses};
use crate::error::{usage, Outcome};
use crate::output::{self, Summary};
use crate::sink::Sink;
use crate::workflow::invocation::Invocable;
use sessctl_cookie as cookie;

/// The most bytes `decode -` reads, as `verify` (a cookie is a few KiB).
const MAX_INPUT: u64 = crate::workflow::lines::MAX_LINE as u64;

impl Invocable for DecodeArgs {
    fn uses(&self) -> Uses {
        Uses { cookie_name: !self.raw, output: true, ..Uses::default() }
    }

    fn renders_records(&self) -> bool {
        true
    }

    fn run(&self, settings: &Settings, out: &mut Sink) -> anyhow::Result<Outcome> {
        run(settings, self, out)
    }
}

pub fn run(settings: &Settings, args: &DecodeArgs, out: &mut Sink) -> anyhow::Result<Outcome> {
    let input: Vec<u8> = if args.cookie == "-" {
        let mut buf = Vec::new();
        io::stdin().lock().take(MAX_INPUT + 1).read_to_end(&mut buf)?;
        if buf.len() as u64 > MAX_INPUT {
            return Err(usage(format!(
                "the input on stdin is longer than {} MiB; no cookie is that long",
                MAX_INPUT >> 20
            )));
        }
        let trimmed = buf.strip_suffix(b"\n").unwrap_or(&buf);
        trimmed.strip_suffix(b"\r").unwrap_or(trimmed).to_vec()
    } else {
        args.cookie.as_bytes().to_vec()
    };
    let value = if args.raw {
        input.clone()
    } else {
        cookie::input::extract(&input, &settings.cookie_name).ok_or_else(|| {
            match cookie::input::near_miss(&input, &settings.cookie_name) {
                Some(why) => {
                    usage(format!("cannot decode {}: {}", output::excerpt(&input), output::safe_message(&why)))
                }
                None => usage(format!(
                    "no {} cookie in the input; pass the signed value itself, or set --cookie-name",
                    settings.cookie_name
                )),
            }
        })?
    };
    let decoded = cookie::decode(&value).map_err(|e| {
        let near = (!args.raw).then(|| cookie::input::near_miss(&input, &settings.cookie_name)).flatten();
        let why = near.unwrap_or_else(|| e.to_string());
        usage(format!("cannot decode {}: {}", output::excerpt(&value), output::safe_message(&why)))
    })?;

    let mut summary = Summary::default();
    summary
        .add("verified", false)
        .add_raw("format_version", decoded.format_version)
        .add_raw("key_version", decoded.key_version)
        .add_raw("timestamp", decoded.timestamp)
        .add("signed_at", decoded.timestamp.and_then(output::rfc3339))
        .add("name", decoded.name.as_deref().map(output::text))
        .add("session_id", decoded.value.as_deref().map(output::text))
        .add("signature", output::text(&decoded.signature));
    if settings.output == OutputFormat::Table {
        writeln!(out, "UNVERIFIED: decoded without the secret; anyone can forge these fields (use `sessctl verify`)")?;
    }
    summary.write(&mut *out, &settings.style)?;
    out.flush()?;
    Ok(Outcome::Success)
}
