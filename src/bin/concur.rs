//! The `concur` command line: a thin layer that parses arguments, calls the library and prints.
//!
//! `list` shows workloads and models, `run` measures one workload under chosen models and prints
//! a table (or JSON lines), `verify` checks every cell's answer at a small size, `serve` runs
//! the mock server for other clients, `report` re-renders the HTML report from results on
//! disk, and the hidden `worker` subcommand is the child process of the `process` model. Every
//! rule lives in the library (`session`, `compare`, `verify`, `terminal`); this file only
//! turns arguments into calls and results into lines.

use std::io::{self, Write};
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use concur::mock::{MockServer, MockSpec, Server};
use concur::session::{self, RunOptions, Session};
use concur::{compare, model, terminal, verify};

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
        #[arg(long, value_parser = parse_count)]
        workers: Option<u64>,
    },
    /// Start the mock server on 127.0.0.1, print one URL per endpoint, serve until interrupted.
    Serve {
        /// The server's base delay before each reply, in milliseconds.
        #[arg(long, default_value = "100", value_parser = parse_count)]
        delay_ms: u64,
        /// The share of replies (0 to 1) that are an HTTP 503 instead.
        #[arg(long, default_value = "0")]
        fail_rate: f64,
    },
    /// Render reports/index.html again from the results already on disk (no benchmarks run).
    Report {
        /// The folder holding results.json; the page and charts are written next to it.
        #[arg(long, default_value = "reports")]
        dir: std::path::PathBuf,
    },
    /// Serve tasks for the `process` model over stdin/stdout (started by concur itself).
    #[command(hide = true)]
    Worker,
}

#[derive(clap::Args)]
struct RunArgs {
    /// The workload to run (see `concur list`).
    workload: String,
    /// Comma-separated models, or `all`. `sequential` always runs as the baseline.
    #[arg(long, default_value = "all")]
    models: String,
    /// Workers (W) for pool, process, async-mt and async-blocking [default: the machine's cores].
    #[arg(long, value_parser = parse_count)]
    workers: Option<u64>,
    /// The workload's size (see `concur list`); accepts 100_000_000 and 1e8.
    #[arg(long, value_parser = parse_count)]
    size: Option<u64>,
    /// Runs per model; the table shows the median.
    #[arg(long, default_value = "3", value_parser = parse_count)]
    repeat: u64,
    /// Print one JSON object per model per line instead of a table.
    #[arg(long)]
    json: bool,
    /// IO: the server's delay per reply in ms [default: the workload's].
    #[arg(long, value_parser = parse_count)]
    delay_ms: Option<u64>,
    /// IO: the clients' timeout per request in ms.
    #[arg(long, value_parser = parse_count)]
    timeout_ms: Option<u64>,
    /// IO: the share of replies (0 to 1) the server fails with HTTP 503.
    #[arg(long)]
    fail_rate: Option<f64>,
    /// At most this many tasks in flight at once (like max_workers=C or a Semaphore(C)).
    #[arg(long, value_parser = parse_count)]
    concurrency: Option<u64>,
    /// Run the tasks in batches of B, each finished before the next starts.
    #[arg(long, value_parser = parse_count)]
    batch: Option<u64>,
    /// IO: send the requests to this server (e.g. a `concur serve`) instead of starting one.
    #[arg(long)]
    server: Option<String>,
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) if !e.use_stderr() => {
            // --help and --version
            let _ = e.print();
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            let text = e.render().to_string();
            let first = text.lines().next().unwrap_or("invalid arguments");
            let first = first.strip_prefix("error: ").unwrap_or(first);
            eprintln!("Error: {first} (see `concur --help`)");
            return ExitCode::from(2);
        }
    };
    // Every request in flight holds a socket: take the open-file limit the OS allows.
    concur::limits::raise_open_files();
    match dispatch(cli.command) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("Error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn dispatch(command: Command) -> Result<ExitCode> {
    match command {
        Command::List => {
            print!("{}", terminal::listing());
            Ok(ExitCode::SUCCESS)
        }
        Command::Run(args) => run(args),
        Command::Verify { workers } => verify(workers),
        Command::Serve {
            delay_ms,
            fail_rate,
        } => serve(delay_ms, fail_rate),
        Command::Report { dir } => {
            let page = concur::report::rerender(&dir)?;
            println!("{}", page.display());
            Ok(ExitCode::SUCCESS)
        }
        Command::Worker => {
            model::process::serve(io::stdin().lock(), io::stdout().lock())
                .context("worker pipe")?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// A whole number, with `_` separators or in `AeB` notation (1e8 = 100000000).
fn parse_count(text: &str) -> Result<u64, String> {
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
    })?;
    let progress = Progress::start();
    let outcome = compare::run(&session.plan(), |cell| progress.say(cell.to_string()));
    progress.done();
    let mut out = io::stdout().lock();
    if args.json {
        for row in &outcome.rows {
            writeln!(out, "{}", serde_json::to_string(row)?)?;
        }
    } else {
        write!(out, "{}", terminal::table(&session, &outcome.rows))?;
    }
    for skipped in &outcome.skipped {
        eprintln!("{skipped}");
    }
    for problem in &outcome.problems {
        eprintln!("Error: {problem}");
    }
    let failed: Vec<String> = outcome
        .rows
        .iter()
        .filter(|r| !r.ok)
        .map(|r| {
            format!(
                "{} ({})",
                r.model,
                r.errors.first().map_or("wrong answer", |e| e)
            )
        })
        .collect();
    if !failed.is_empty() {
        eprintln!(
            "Error: {} failed under {}",
            session.workload.name(),
            failed.join(", ")
        );
    }
    let clean = failed.is_empty() && outcome.problems.is_empty();
    Ok(if clean {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

fn verify(workers: Option<u64>) -> Result<ExitCode> {
    let w = session::workers_or_default(workers)?;
    let exe = std::env::current_exe().context("cannot find this program")?;
    // A short delay keeps the IO cells quick; the answers do not depend on it.
    let delay_ms = 5;
    let server = Server::spawn(&exe, MockSpec::new(delay_ms))?;
    let mut wrong = Vec::new();
    let mut out = io::stdout().lock();
    verify::walk(&[w], server.uri(), delay_ms, None, |checked| {
        let cell = format!("{} × {}", checked.workload.name(), checked.model.name());
        let _ = match checked.problem() {
            None => writeln!(out, "ok    {cell}"),
            Some(reason) => {
                wrong.push(cell.clone());
                writeln!(out, "FAIL  {cell}: {reason}")
            }
        };
    });
    if wrong.is_empty() {
        writeln!(out, "every cell gave the known answer")?;
        Ok(ExitCode::SUCCESS)
    } else {
        eprintln!("Error: wrong answer in {}", wrong.join(", "));
        Ok(ExitCode::FAILURE)
    }
}

/// A spinner on stderr that appears only once the work has taken more than a second (and only
/// on a terminal: indicatif draws nothing when stderr is redirected).
struct Progress(ProgressBar);

impl Progress {
    fn start() -> Progress {
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::hidden());
        if let Ok(style) = ProgressStyle::with_template("{spinner} {msg} [{elapsed}]") {
            bar.set_style(style);
        }
        // The ticker's thread starts now, hidden, rather than a second in, inside some run's
        // census (see concur::census).
        bar.enable_steady_tick(Duration::from_millis(120));
        let shown = bar.clone();
        std::thread::spawn(move || {
            std::thread::sleep(Duration::from_secs(1));
            if !shown.is_finished() {
                shown.set_draw_target(ProgressDrawTarget::stderr());
            }
        });
        Progress(bar)
    }

    fn say(&self, message: String) {
        self.0.set_message(message);
    }

    fn done(&self) {
        self.0.finish_and_clear();
    }
}
