//! The `concur` command line: a thin layer that parses arguments, calls the library and prints.
//!
//! `list` shows workloads and models, `run` measures one workload under chosen models and prints
//! a table (or JSON lines), row by row as each model finishes, `verify` checks every cell's
//! answer at a small size, `serve` runs the mock server for other clients, `report` re-renders
//! the HTML report from results on disk, `python` runs the tutorials' Python programs beside
//! their Rust counterparts, and the hidden `worker`, `echo` and `sleepers-step` subcommands are
//! the child processes of the `process` model and of the unit probes. Every rule lives in the library (`session`, `measure`,
//! `verify`, `terminal`, `interrupt`); this file only turns arguments into calls and results
//! into lines.
//!
//! Exit codes: 0 done, 1 a failed run or an error, 2 bad arguments, 130/143 interrupted by
//! SIGINT/SIGTERM, 141 when the reader of stdout went away (as a Unix tool killed by SIGPIPE
//! reports it: quiet, yet never claiming a run or a verification that did not finish).

use std::io::{self, Write};
use std::ops::ControlFlow;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Context, Result};
use clap::Parser;

use concur::interrupt::{self, Signal};
use concur::measure::{self, Event};
use concur::mock::{MockServer, MockSpec, Server};
use concur::session::{self, RunOptions, Session};
use concur::{model, terminal, unit, verify};

#[path = "concur/args.rs"]
mod args;
#[path = "concur/progress.rs"]
mod progress;
#[path = "concur/units.rs"]
mod units;

use args::{Cli, Command, RunArgs};

// `concur run crawl`, which runs stages joined by a queue, not the task matrix.
#[path = "concur/crawl.rs"]
mod crawl;

/// What a shell reports for a command killed by SIGPIPE (128 + 13).
const BROKEN_PIPE: u8 = 141;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return arguments_error(&e),
    };
    // Every request in flight holds a socket: take the open-file limit the OS allows.
    concur::limits::raise_open_files();
    let watched = matches!(cli.command, Command::Run(_) | Command::Python(_));
    if watched || matches!(cli.command, Command::Verify { .. }) {
        // Before any thread starts: they all inherit the blocked signals.
        if let Err(e) = interrupt::watch(say_interrupted) {
            say_error(&format!("cannot watch for Ctrl-C: {e}"));
            return ExitCode::FAILURE;
        }
    }
    match dispatch(cli.command) {
        Ok(code) => code,
        Err(e) if broken_pipe(&e) => ExitCode::from(BROKEN_PIPE),
        Err(e) => {
            say_error(&format!("{e:#}"));
            ExitCode::FAILURE
        }
    }
}

/// One `Error:` line (exit 2) for arguments clap refused; help and version (exit 0) as clap
/// prints them.
fn arguments_error(e: &clap::Error) -> ExitCode {
    use clap::error::ErrorKind;
    match e.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
            let _ = e.print();
            return ExitCode::SUCCESS;
        }
        ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            say_error(
                "no command given; try `concur run primes`, `concur list` or `concur --help`",
            );
            return ExitCode::from(2);
        }
        _ => {}
    }
    // clap's message is its first paragraph (a list of missing arguments runs over several
    // lines); the usage and tips after it are left to --help.
    let text = e.render().to_string();
    let mut line = text
        .lines()
        .take_while(|l| !l.trim().is_empty() && !l.starts_with("Usage:"))
        .map(str::trim)
        .collect::<Vec<_>>()
        .join(" ");
    if let Some(rest) = line.strip_prefix("error: ") {
        line = rest.to_string();
    }
    if line.contains("<WORKLOAD>") {
        line.push_str(&format!(" (one of: {})", terminal::workload_names()));
    }
    say_error(&format!("{line} (see `concur --help`)"));
    ExitCode::from(2)
}

fn dispatch(command: Command) -> Result<ExitCode> {
    let mut out = io::stdout().lock();
    match command {
        Command::List => {
            write!(out, "{}", terminal::listing())?;
            out.flush()?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Run(args) => run(args),
        Command::Verify { workers } => verify(workers),
        Command::Serve {
            delay_ms,
            fail_rate,
        } => serve(delay_ms, fail_rate),
        Command::Python(args) => {
            let printed = concur::python_table::command(&args, &mut say)?;
            emit(&mut out, &printed.text)?;
            Ok(printed.error.map_or(ExitCode::SUCCESS, |line| {
                say_error(&line);
                ExitCode::FAILURE
            }))
        }
        Command::Report { dir } => {
            let page = concur::report::rerender(&dir)?;
            writeln!(out, "{}", page.display())?;
            out.flush()?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Worker => {
            model::worker::serve(io::stdin().lock(), out).context("worker pipe")?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Echo => units::echo(out),
        Command::SleepersStep {
            model,
            units: n,
            workers,
        } => units::sleepers_step(&model, n, workers, out),
    }
}

fn serve(delay_ms: u64, fail_rate: f64) -> Result<ExitCode> {
    session::check_range("--delay-ms", delay_ms, 0, session::MAX_DELAY_MS)?;
    let spec = MockSpec {
        delay: Duration::from_millis(delay_ms),
        fail_rate: session::check_fail_rate(fail_rate)?,
    };
    MockServer::start(spec)?.serve_forever(io::stdout().lock())?;
    Ok(ExitCode::SUCCESS)
}

fn run(args: RunArgs) -> Result<ExitCode> {
    if let Some(probe) = unit::Probe::by_name(&args.workload) {
        return units::run(probe, args);
    }
    if args.workload == concur::pipeline::NAME {
        return crawl::run(args);
    }
    if args.queue.is_some() {
        anyhow::bail!("--queue is the crawl's (`concur run crawl`): other workloads have no queue");
    }
    let session = Session::new(&RunOptions {
        workload: args.workload,
        models: args.models,
        workers: args.workers,
        size: args.size,
        repeat: args.repeat,
        delay_ms: args.delay_ms,
        timeout_ms: args.timeout_ms,
        fail_rate: args.fail_rate,
        concurrency: args.concurrency,
        batch: args.batch,
        server: args.server,
        long: args.long,
        collect: args.collect,
    })?;
    let mut out = io::stdout().lock();
    if !args.json {
        emit(&mut out, &terminal::header(&session))?;
    }
    let progress = progress::Progress::start();
    let outcome = measure::run(&session.plan(), |event| -> Result<()> {
        match event {
            Event::Starting(cell) => progress.say(cell.to_string()),
            Event::Row(row) if args.json => emit(&mut out, &(serde_json::to_string(row)? + "\n"))?,
            Event::Row(row) => emit(&mut out, &terminal::row(row))?,
            Event::Skipped(why) => progress.0.suspend(|| say(why)),
        }
        Ok(())
    })?;
    progress.done();
    match outcome.error_line(session.workload.name()) {
        Some(line) => {
            say_error(&line);
            Ok(ExitCode::FAILURE)
        }
        None => Ok(ExitCode::SUCCESS),
    }
}

fn verify(workers: Option<u64>) -> Result<ExitCode> {
    let w = session::workers_or_default(workers)?;
    let exe = std::env::current_exe().context("cannot find this program")?;
    // A short delay keeps the IO cells quick; the answers do not depend on it.
    let delay_ms = 5;
    let server = Server::spawn(&exe, MockSpec::new(delay_ms))?;
    let mut wrong = Vec::new();
    let mut out = io::stdout().lock();
    let mut broken = None;
    verify::walk(&[w], server.uri(), delay_ms, None, |checked| {
        let cell = format!("{} × {}", checked.workload.name(), checked.model.name());
        let line = match checked.problem() {
            None => format!("ok    {cell}\n"),
            Some(reason) => {
                wrong.push(cell.clone());
                format!("FAIL  {cell}: {reason}\n")
            }
        };
        match emit(&mut out, &line) {
            Ok(()) => ControlFlow::Continue(()),
            Err(e) => {
                broken = Some(e);
                ControlFlow::Break(())
            }
        }
    });
    if let Some(e) = broken {
        return Err(e.into());
    }
    if wrong.is_empty() {
        emit(&mut out, "every cell gave the known answer\n")?;
        Ok(ExitCode::SUCCESS)
    } else {
        say_error(&format!("wrong answer in {}", wrong.join(", ")));
        Ok(ExitCode::FAILURE)
    }
}

/// Write `text` and flush it now (a pipe's reader sees each row as it finishes), unless the
/// command is being interrupted.
pub(crate) fn emit(out: &mut impl Write, text: &str) -> io::Result<()> {
    interrupt::output(|| {
        out.write_all(text.as_bytes())?;
        out.flush()
    })
    .unwrap_or(Ok(()))
}

/// True when the error is that stdout's reader went away (`concur run | head -1`).
fn broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|cause| {
        cause
            .downcast_ref::<io::Error>()
            .is_some_and(|io| io.kind() == io::ErrorKind::BrokenPipe)
    })
}

/// A line on stderr; a closed stderr is not worth a panic.
fn say(line: &str) {
    let _ = writeln!(io::stderr(), "{line}");
}

pub(crate) fn say_error(line: &str) {
    say(&format!("Error: {line}"));
}

/// What Ctrl-C or SIGTERM prints, after the children were stopped and before the exit.
fn say_interrupted(signal: Signal) {
    if let Some(spinner) = progress::SPINNER.get() {
        spinner.finish_and_clear();
    }
    say_error(&format!(
        "interrupted by {}: what finished is printed above; the server and workers were stopped",
        signal.name()
    ));
}
