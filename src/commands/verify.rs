//! `sessctl verify`: Tornado's verdict on each cookie, then the session in Redis.

use std::ffi::OsString;
use std::io::{self, IsTerminal, Write};
use std::os::unix::ffi::OsStringExt;

use crate::cli::{OutputFormat, VerifyArgs};
use crate::config::{self, Settings, Uses};
use crate::error::{usage, Outcome};
use crate::output::RecordWriter;
use crate::sink::Sink;
use crate::workflow::files::RunFiles;
use crate::workflow::invocation::Invocable;
use crate::workflow::lines::{Batch, Source, BATCH};
use crate::workflow::session;
use crate::workflow::sources;
use crate::workflow::verdict::{check_signatures, offline, online, Checked, LookupFn, Pass, Rendered, Verdict};
use sessctl_cookie::Verifier;
use sessctl_store::{Lookup, Store};

impl Invocable for VerifyArgs {
    fn uses(&self) -> Uses {
        Uses {
            secret: true,
            cookie_name: true,
            ttl: !self.offline,
            redis: !self.offline,
            prefix: !self.offline,
            output: true,
            ..Uses::default()
        }
    }

    fn files(&self, _settings: &Settings) -> anyhow::Result<RunFiles> {
        Ok(RunFiles { input: self.rdb.clone().map(|p| ("--rdb", p)), ..RunFiles::default() })
    }

    fn renders_records(&self) -> bool {
        true
    }

    fn run(&self, settings: &Settings, out: &mut Sink) -> anyhow::Result<Outcome> {
        run(settings, self, out)
    }
}

pub fn run(settings: &Settings, args: &VerifyArgs, out: &mut Sink) -> anyhow::Result<Outcome> {
    if args.max_age_days.is_nan() {
        return Err(usage("--max-age-days is not a number"));
    }
    let ring = settings.secret(crate::terminal::secret_prompt)?;
    let verifier = Verifier::new(&ring, &settings.cookie_name, args.max_age_days);
    let now = config::now()?;
    let from_stdin = args.cookies.is_empty() || (args.cookies.len() == 1 && args.cookies[0] == "-");
    let interactive = from_stdin && io::stdin().is_terminal();
    if interactive {
        // Otherwise a bare `sessctl verify` looks hung.
        crate::messages::status!("reading cookies from stdin, one per line; Ctrl-D ends, Ctrl-C stops");
    }
    let mut source = if from_stdin {
        Source::Stdin {
            reader: io::BufReader::with_capacity(1 << 20, io::stdin()),
            batch: if interactive { 1 } else { BATCH },
        }
    } else {
        Source::Args(args.cookies.iter().rev().map(|a: &OsString| a.clone().into_vec()).collect())
    };

    let mut store: Option<Store> = None;
    if args.rdb.as_deref().is_some_and(|p| p.as_os_str() == "-") {
        return Err(usage("verify --rdb needs a file, not `-` (stdin may hold the cookies)"));
    }
    let mut noted = false;
    let mut lookup = |keys: &[Vec<u8>]| -> anyhow::Result<Vec<Lookup>> {
        match &args.rdb {
            Some(path) => sources::lookup_in_dump(settings, path, args.now, keys, &mut noted),
            // Connect only once a cookie passed: a batch of bad cookies needs no Redis.
            None => match &mut store {
                Some(store) => Ok(store.lookup_many(keys)?),
                None => Ok(store.insert(session::connect(settings)?).lookup_many(keys)?),
            },
        }
    };
    let mut writer = RecordWriter::new::<Checked>(io::BufWriter::with_capacity(1 << 16, &mut *out), settings.style);
    let answers = answer_all(settings, args, &verifier, now, interactive, &mut source, &mut lookup, &mut writer)?;
    writer.finish()?;
    if answers.interrupted {
        return Ok(Outcome::Interrupted);
    }
    let Answers { any_invalid, any_missing, seen, .. } = answers;
    if seen == 0 {
        return Err(usage("no cookies to verify: give them as arguments or one per line on stdin"));
    }
    Ok(if any_invalid {
        Outcome::Invalid
    } else if any_missing {
        Outcome::NotInRedis
    } else {
        Outcome::Success
    })
}

/// What the answers ask of the exit status, how many cookies there were, and whether a signal
/// stopped the run between batches.
#[derive(Default)]
struct Answers {
    any_invalid: bool,
    any_missing: bool,
    seen: u64,
    interrupted: bool,
}

/// Checks every cookie `source` gives, batch by batch, and writes each answer.
#[allow(clippy::too_many_arguments)]
fn answer_all<W: Write>(
    settings: &Settings,
    args: &VerifyArgs,
    verifier: &Verifier,
    now: f64,
    interactive: bool,
    source: &mut Source,
    lookup: &mut LookupFn,
    writer: &mut RecordWriter<W>,
) -> anyhow::Result<Answers> {
    let json = settings.output == OutputFormat::Json;
    let mut answers = Answers::default();
    let (mut current, mut next) = (Batch::default(), Batch::default());
    source.fill(&mut current, args.raw)?;
    while !current.is_empty() {
        answers.seen += current.len() as u64;
        // Check (and, offline, render) this batch on every core while the next one is read;
        // on a terminal, answer each line before reading the next.
        let check = || {
            let stages = check_signatures(verifier, settings, args, &current, now);
            if args.offline {
                Pass::Ready(offline(stages, json))
            } else {
                Pass::Pending(stages)
            }
        };
        let checked = if interactive {
            check()
        } else {
            let (checked, read) = rayon::join(check, || source.fill(&mut next, args.raw));
            read?;
            checked
        };
        let rendered = match checked {
            Pass::Ready(rendered) => rendered,
            Pass::Pending(stages) => Rendered::Records(online(stages, settings, lookup, now)?),
        };
        // A signal (verify stays in immediate mode, so that Ctrl-C also stops a read from a
        // terminal or an idle pipe) ends the process only between batches, after this batch is
        // written whole: the output never ends in the middle of a record.
        let batch_guard = crate::signals::critical();
        match rendered {
            Rendered::Json { chunks, invalid, missing } => {
                answers.any_invalid |= invalid;
                answers.any_missing |= missing;
                for chunk in &chunks {
                    writer.write_raw(chunk)?;
                }
            }
            Rendered::Records(records) => {
                for record in &records {
                    match record.verdict {
                        Verdict::Valid => {}
                        Verdict::NotInRedis => answers.any_missing = true,
                        Verdict::Invalid => answers.any_invalid = true,
                    }
                    writer.write(record)?;
                }
            }
        }
        // Each answer (or batch of answers) as soon as it is checked, and before a signal may end
        // the process. (Read ahead, `next` tells whether more answers follow; on a terminal
        // they may.)
        writer.flush_with(interactive || !next.is_empty())?;
        drop(batch_guard);
        if session::stopped() {
            answers.interrupted = true;
            return Ok(answers);
        }
        if interactive {
            source.fill(&mut next, args.raw)?;
        }
        std::mem::swap(&mut current, &mut next);
    }
    Ok(answers)
}
