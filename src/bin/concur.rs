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
use clap::{Parser, Subcommand};

use concur::interrupt::{self, Signal};
use concur::measure::{self, Event};
use concur::mock::{MockServer, MockSpec, Server};
use concur::model::Collect;
use concur::session::{self, RunOptions, Session};
use concur::{model, terminal, unit, verify};

#[path = "concur/progress.rs"]
mod progress;
#[path = "concur/units.rs"]
mod units;

// `concur run crawl`, which runs stages joined by a queue, not the task matrix.
#[path = "concur/crawl.rs"]
mod crawl;

/// What a shell reports for a command killed by SIGPIPE (128 + 13).
const BROKEN_PIPE: u8 = 141;

#[derive(Parser)]
#[command(
    name = "concur",
    version,
    about = "The same workloads under every concurrency model, measured and checked"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// List the workloads and the models, one line each.
    List,
    /// Run one workload under each selected model and compare them.
    Run(RunArgs),
    /// Check every workload under every model at a small size; fail naming any wrong cell.
    Verify {
        /// Workers (W) for the models that take a count.
        #[arg(long, value_parser = parse_count, allow_negative_numbers = true)]
        workers: Option<u64>,
    },
    /// Start the mock server on 127.0.0.1, print one URL per endpoint, serve until interrupted.
    Serve {
        /// The server's base delay before each reply, in milliseconds.
        #[arg(long, default_value = "100", value_parser = parse_count, allow_negative_numbers = true)]
        delay_ms: u64,
        /// The share of replies (0 to 1) that are an HTTP 503 instead.
        #[arg(long, default_value = "0", allow_negative_numbers = true)]
        fail_rate: f64,
    },
    /// Run the tutorials' Python programs beside the Rust models that run tasks the same way
    /// (needs python3; makes its own environment under target/) and print the comparison.
    Python(concur::python_table::PythonArgs),
    /// Render reports/index.html again from the results already on disk (no benchmarks run).
    Report {
        /// The folder holding results.json; the page and charts are written next to it.
        #[arg(long, default_value = "reports")]
        dir: std::path::PathBuf,
    },
    /// Serve tasks for the `process` model over stdin/stdout (started by concur itself).
    #[command(hide = true)]
    Worker,
    /// Send back each 8-byte token plus one: the second process of `concur run pingpong`.
    #[command(hide = true)]
    Echo,
    /// One step of `concur run sleepers` in a process of its own: MODEL N W.
    #[command(hide = true)]
    SleepersStep {
        model: String,
        units: u64,
        workers: usize,
    },
}

#[derive(clap::Args)]
pub(crate) struct RunArgs {
    /// The workload to run (see `concur list`).
    workload: String,
    /// Comma-separated models, or `all`. `sequential` always runs as the baseline.
    #[arg(long, default_value = "all")]
    models: String,
    /// Workers (W) for pool, process, async-mt, async-blocking and async-process [default: the machine's cores].
    #[arg(long, value_parser = parse_count, allow_negative_numbers = true)]
    workers: Option<u64>,
    /// The workload's size (see `concur list`); accepts 100_000_000 and 1e8.
    #[arg(long, value_parser = parse_count, allow_negative_numbers = true)]
    size: Option<u64>,
    /// Runs per model; the table shows the median.
    #[arg(long, default_value = "3", value_parser = parse_count, allow_negative_numbers = true)]
    repeat: u64,
    /// Print one JSON object per model per line instead of a table.
    #[arg(long)]
    json: bool,
    /// IO: the server's delay per reply in ms [default: the workload's].
    #[arg(long, value_parser = parse_count, allow_negative_numbers = true)]
    delay_ms: Option<u64>,
    /// IO: the clients' timeout per request in ms.
    #[arg(long, value_parser = parse_count, allow_negative_numbers = true)]
    timeout_ms: Option<u64>,
    /// IO: the share of replies (0 to 1) the server fails with HTTP 503.
    #[arg(long, allow_negative_numbers = true)]
    fail_rate: Option<f64>,
    /// At most this many tasks in flight at once (like max_workers=C or a Semaphore(C)).
    #[arg(long, value_parser = parse_count, allow_negative_numbers = true)]
    concurrency: Option<u64>,
    /// Run the tasks in batches of B, each finished before the next starts.
    #[arg(long, value_parser = parse_count, allow_negative_numbers = true)]
    batch: Option<u64>,
    /// IO: send the requests to this server (e.g. a `concur serve`) instead of starting one.
    #[arg(long)]
    server: Option<String>,
    /// Run even when the estimate says the run takes over 10 minutes.
    #[arg(long)]
    long: bool,
    /// Deliver results in submission order (`ordered`, like executor.map) or as each task
    /// finishes (`as-completed`, like as_completed).
    #[arg(long, default_value = "ordered", value_parser = parse_collect)]
    collect: Collect,
    /// crawl: the pipelined shape's queue between fetchers and parsers (1 or more, or
    /// `unbounded`) [default: 2].
    #[arg(long, value_parser = concur::pipeline::session::parse_queue, allow_negative_numbers = true)]
    queue: Option<concur::pipeline::queue::Cap>,
}

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

/// A whole number, with `_` separators or in `AeB` notation (1e8 = 100000000).
fn parse_count(text: &str) -> Result<u64, String> {
    if text.trim_start().starts_with('-') {
        return Err(format!("`{text}` is negative: a count is 0 or more"));
    }
    let clean = text.replace('_', "");
    let not_whole = || format!("`{text}` is not a whole number");
    let parsed = match clean.split_once(['e', 'E']) {
        Some((mantissa, exponent)) => {
            let m: u64 = mantissa.parse().map_err(|_| not_whole())?;
            let e: u32 = exponent.parse().map_err(|_| not_whole())?;
            10u64.checked_pow(e).and_then(|p| p.checked_mul(m))
        }
        None => Some(clean.parse().map_err(|_| not_whole())?),
    };
    parsed.ok_or_else(|| format!("`{text}` is too large"))
}

/// `ordered` or `as-completed`.
fn parse_collect(text: &str) -> Result<Collect, String> {
    text.parse()
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
