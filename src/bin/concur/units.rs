//! The unit probes' side of the command line: `concur run spawn|sleepers|pingpong` (their
//! lines printed as they come; options that only mean something to workloads refused), and
//! the hidden subcommands their other processes run (`echo`, `sleepers-step`).

use std::io::{self, Write};
use std::process::ExitCode;

use anyhow::{Context, Result};

use concur::model::Collect;
use concur::unit;

use super::args::RunArgs;
use super::{emit, say_error};

/// `concur run spawn|sleepers|pingpong`: a unit probe (see `concur::unit`), its lines printed
/// as they come; options that only mean something to workloads are refused.
pub(crate) fn run(probe: unit::Probe, args: RunArgs) -> Result<ExitCode> {
    let io_only = [
        ("--delay-ms", args.delay_ms.is_some()),
        ("--timeout-ms", args.timeout_ms.is_some()),
        ("--fail-rate", args.fail_rate.is_some()),
        ("--concurrency", args.concurrency.is_some()),
        ("--batch", args.batch.is_some()),
        ("--server", args.server.is_some()),
        ("--collect", args.collect != Collect::Ordered),
    ];
    if let Some((flag, _)) = io_only.iter().find(|(_, given)| *given) {
        anyhow::bail!("{flag} does not apply to {} (a unit probe)", probe.name());
    }
    let plan = unit::Plan::new(
        probe,
        &unit::Options {
            models: args.models,
            workers: args.workers,
            size: args.size,
            repeat: args.repeat,
            exe: None,
        },
    )?;
    let mut out = io::stdout().lock();
    let outcome = unit::run(&plan, |said| match said {
        unit::Said::Text(line) if !args.json => emit(&mut out, line),
        unit::Said::Json(value) if args.json => emit(&mut out, &format!("{value}\n")),
        _ => Ok(()),
    })?;
    match outcome.error_line(probe) {
        Some(line) => {
            say_error(&line);
            Ok(ExitCode::FAILURE)
        }
        None => Ok(ExitCode::SUCCESS),
    }
}

/// `concur echo`: the second process of pingpong.
pub(crate) fn echo(out: io::StdoutLock<'_>) -> Result<ExitCode> {
    unit::pingpong::echo(io::stdin().lock(), out).context("echo pipe")?;
    Ok(ExitCode::SUCCESS)
}

/// `concur sleepers-step MODEL N W`: one step of a sleepers climb, as one JSON line.
pub(crate) fn sleepers_step(
    model: &str,
    n: u64,
    workers: usize,
    mut out: io::StdoutLock<'_>,
) -> Result<ExitCode> {
    let line = unit::step::serve(model, n, workers)?;
    writeln!(out, "{line}")?;
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}
