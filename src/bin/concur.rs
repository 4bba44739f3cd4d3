//! The `concur` command line: a thin layer that parses arguments, calls the library and prints.
//!
//! `list` shows workloads and models, `run` measures one workload under chosen models and prints
//! a table (or JSON lines), `verify` checks every cell's answer at a small size, `serve` runs
//! the mock server for other clients, `report` re-renders the HTML report from results on
//! disk, and the hidden `worker` subcommand is the child process
//! of the `process` model.

use std::io::{self, Write};
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{bail, Context, Result};
use clap::{Parser, Subcommand};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde_json::json;

use concur::mock::{self, MockServer, MockSpec, Server};
use concur::model::{self, Model, ModelConfig};
use concur::run::{self, median, Bound, Ideal, Prepared, RunRecord};
use concur::workload::{self, IoParams, Kind, Params, Workload};

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

const MAX_REPEAT: u64 = 1000;
const MAX_DELAY_MS: u64 = 60_000;
const DEFAULT_TIMEOUT_MS: u64 = 10_000;
const MAX_TIMEOUT_MS: u64 = 600_000;
/// Cells whose ideal time is above this are skipped, not run (e.g. 1000 requests of 200 ms
/// one after another): say `--models` to pick the ones worth waiting for.
const MAX_IDEAL_S: f64 = 60.0;
/// Requests used to measure the mock server's ceiling.
const CEILING_REQUESTS: usize = 2_000;

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
        Command::List => list(),
        Command::Run(args) => run_models(&args),
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

fn check_range(what: &str, value: u64, min: u64, max: u64) -> Result<u64> {
    if value < min || value > max {
        bail!("{what} must be between {min} and {max}, got {value}");
    }
    Ok(value)
}

fn check_fail_rate(rate: f64) -> Result<f64> {
    if !(0.0..=1.0).contains(&rate) {
        bail!("--fail-rate must be between 0 and 1, got {rate}");
    }
    Ok(rate)
}

fn list() -> Result<ExitCode> {
    let mut out = io::stdout().lock();
    writeln!(out, "workloads (--size: what it counts, default):")?;
    for w in workload::all() {
        let s = w.sizes();
        writeln!(
            out,
            "  {:<15} {:<4} {}  [--size: {}, default {}]",
            w.name(),
            w.kind(),
            w.summary(),
            s.unit,
            s.default
        )?;
    }
    writeln!(out, "models (Python analog):")?;
    for m in model::all() {
        writeln!(out, "  {:<15} {}  [{}]", m.name(), m.summary(), m.python())?;
    }
    Ok(ExitCode::SUCCESS)
}

fn serve(delay_ms: u64, fail_rate: f64) -> Result<ExitCode> {
    check_range("--delay-ms", delay_ms, 0, MAX_DELAY_MS)?;
    let spec = MockSpec {
        delay: Duration::from_millis(delay_ms),
        fail_rate: check_fail_rate(fail_rate)?,
    };
    let server = MockServer::start(spec)?;
    let mut out = io::stdout().lock();
    for endpoint in mock::endpoints() {
        writeln!(
            out,
            "{}{}  {}",
            server.uri(),
            endpoint.path,
            endpoint.method
        )?;
    }
    out.flush()?;
    drop(out);
    // Serve until interrupted (Ctrl-C, or the parent that started us going away).
    loop {
        std::thread::park();
    }
}

fn workers_or_default(workers: Option<u64>) -> Result<usize> {
    Ok(model::validate_workers(
        workers.unwrap_or(run::cores() as u64),
    )?)
}

/// The models named on the command line, with `sequential` first as the baseline.
fn select_models(list: &str) -> Result<Vec<&'static dyn Model>> {
    if list.trim() == "all" {
        return Ok(model::all());
    }
    let mut chosen = vec![model::by_name("sequential")?];
    for name in list.split(',').map(str::trim) {
        if name.is_empty() {
            bail!("--models has an empty name in `{list}`");
        }
        let m = model::by_name(name)?;
        if !chosen.iter().any(|c| c.name() == m.name()) {
            chosen.push(m);
        }
    }
    Ok(chosen)
}

/// The server for an IO run and its measured ceiling.
struct IoSetup {
    server: Server,
    ceiling_rps: Option<f64>,
}

/// Start (or reach) the server for an IO workload and measure its ceiling.
fn io_setup(args: &RunArgs, delay_ms: u64, fail_rate: f64) -> Result<IoSetup> {
    let server = match &args.server {
        Some(url) => Server::external(url)?,
        None => {
            let exe = std::env::current_exe().context("cannot find this program")?;
            Server::spawn(
                &exe,
                MockSpec {
                    delay: Duration::from_millis(delay_ms),
                    fail_rate,
                },
            )?
        }
    };
    // The ceiling is measured on our own server; an external one may not have /ping.
    let ceiling_rps = match args.server {
        None => Some(mock::ceiling(server.uri(), CEILING_REQUESTS)?),
        Some(_) => None,
    };
    Ok(IoSetup {
        server,
        ceiling_rps,
    })
}

/// What `run` prints for one model: its median run and how it compares.
struct Row {
    median: RunRecord,
    in_flight: usize,
    ideal: Option<Ideal>,
    speedup: Option<f64>,
}

fn run_models(args: &RunArgs) -> Result<ExitCode> {
    let workload = workload::by_name(&args.workload)?;
    let mut params = workload.params(args.size)?;
    let models = select_models(&args.models)?;
    let mut config = ModelConfig::new(workers_or_default(args.workers)?);
    check_range("--repeat", args.repeat, 1, MAX_REPEAT)?;
    if let Some(c) = args.concurrency {
        config.in_flight = Some(check_range("--concurrency", c, 1, 100_000)? as usize);
    }
    if let Some(b) = args.batch {
        config.batch = Some(check_range("--batch", b, 1, 1_000_000)? as usize);
    }

    let io = if workload.kind() == Kind::Io {
        let delay_ms = check_range(
            "--delay-ms",
            args.delay_ms.unwrap_or(workload.default_delay_ms()),
            0,
            MAX_DELAY_MS,
        )?;
        let timeout_ms = check_range(
            "--timeout-ms",
            args.timeout_ms.unwrap_or(DEFAULT_TIMEOUT_MS),
            1,
            MAX_TIMEOUT_MS,
        )?;
        let fail_rate = check_fail_rate(args.fail_rate.unwrap_or(0.0))?;
        let setup = io_setup(args, delay_ms, fail_rate)?;
        params.io = Some(IoParams {
            base_url: setup.server.uri().to_string(),
            delay_ms,
            timeout_ms,
        });
        Some(setup)
    } else {
        let io_flags = [
            ("--delay-ms", args.delay_ms.is_some()),
            ("--timeout-ms", args.timeout_ms.is_some()),
            ("--fail-rate", args.fail_rate.is_some()),
            ("--server", args.server.is_some()),
        ];
        if let Some((flag, _)) = io_flags.iter().find(|(_, given)| *given) {
            bail!(
                "{flag} applies to IO workloads only; {} is CPU-bound",
                workload.name()
            );
        }
        None
    };
    let ceiling_rps = io.as_ref().and_then(|s| s.ceiling_rps);

    let progress = Progress::start();
    let mut rows: Vec<Row> = Vec::new();
    let mut problems = Vec::new();
    let mut baseline: Option<RunRecord> = None;
    for (i, model) in models.iter().enumerate() {
        progress.say(format!(
            "{} × {} ({}/{})",
            workload.name(),
            model.name(),
            i + 1,
            models.len()
        ));
        let mut cell = match Prepared::start(workload, *model, params.clone(), &config) {
            Ok(cell) => cell,
            Err(e) => {
                problems.push(format!("{}: {e}", model.name()));
                continue;
            }
        };
        let ideal = cell.ideal(baseline.as_ref(), ceiling_rps);
        if let Some(too_long) = ideal.filter(|i| i.seconds > MAX_IDEAL_S) {
            eprintln!(
                "{}: skipped, it would take at least {} ({} tasks, {} in flight); choose models with --models",
                model.name(),
                seconds(too_long.seconds),
                cell.tasks().len(),
                cell.in_flight(),
            );
            continue;
        }
        let records: Vec<RunRecord> = (0..args.repeat).map(|_| cell.run()).collect();
        let Some(median) = median(&records).cloned() else {
            continue;
        };
        if model.name() == "sequential" && median.ok {
            baseline = Some(median.clone());
        }
        // CPU ideals come from the sequential run, which may be this one.
        let ideal = ideal.or_else(|| cell.ideal(baseline.as_ref(), ceiling_rps));
        let speedup = baseline.as_ref().map(|b| b.wall_s / median.wall_s);
        rows.push(Row {
            in_flight: cell.in_flight(),
            median,
            ideal,
            speedup,
        });
    }
    progress.done();

    if args.json {
        print_json(&rows, args.repeat, ceiling_rps)?;
    } else {
        print_table(workload, &params, &rows, args.repeat, ceiling_rps)?;
    }
    for problem in &problems {
        eprintln!("Error: {problem}");
    }
    let failed: Vec<String> = rows
        .iter()
        .filter(|r| !r.median.ok)
        .map(|r| format!("{} ({})", r.median.model, failure_summary(&r.median)))
        .collect();
    if !failed.is_empty() {
        eprintln!(
            "Error: {} failed under {}",
            workload.name(),
            failed.join(", ")
        );
    }
    drop(io);
    Ok(if failed.is_empty() && problems.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// "3 of 20 tasks failed: 3 × HTTP 503 from /sites/big" or the wrong-answer line.
fn failure_summary(r: &RunRecord) -> String {
    let what = r
        .errors
        .first()
        .cloned()
        .unwrap_or_else(|| "wrong answer".into());
    if r.failed_tasks > 0 {
        format!("{} of {} tasks failed: {what}", r.failed_tasks, r.tasks)
    } else {
        what
    }
}

fn ideal_speedup(row: &Row) -> Option<f64> {
    row.speedup
        .zip(row.ideal)
        .map(|(s, i)| s * row.median.wall_s / i.seconds)
}

/// Ideal ÷ measured, for runs that gave the right answer (a failed run's time means nothing).
fn efficiency(row: &Row) -> Option<f64> {
    row.ideal
        .filter(|_| row.median.ok)
        .map(|i| i.seconds / row.median.wall_s)
}

fn bound_name(bound: Bound) -> &'static str {
    match bound {
        Bound::Cores => "cores",
        Bound::Delay => "delay",
        Bound::Mock => "mock",
    }
}

fn print_json(rows: &[Row], repeat: u64, ceiling_rps: Option<f64>) -> Result<()> {
    let mut out = io::stdout().lock();
    for row in rows {
        let r = &row.median;
        let line = json!({
            "workload": r.workload,
            "model": r.model,
            "workers": r.workers,
            "in_flight": row.in_flight,
            "size": r.size,
            "tasks": r.tasks,
            "repeat": repeat,
            "wall_s": r.wall_s,
            "setup_s": r.setup_s,
            "ideal_s": row.ideal.map(|i| i.seconds),
            "ideal_bound": row.ideal.map(|i| bound_name(i.bound)),
            "speedup": row.speedup,
            "ideal_speedup": ideal_speedup(row),
            "efficiency": efficiency(row),
            "peak_rss_bytes": r.peak_rss_bytes,
            "census": r.census,
            "mock_ceiling_rps": ceiling_rps,
            "ok": r.ok,
            "answer": r.answer,
            "expected": r.expected,
            "failed_tasks": r.failed_tasks,
            "errors": r.errors,
        });
        writeln!(out, "{line}")?;
    }
    Ok(())
}

fn print_table(
    workload: &dyn Workload,
    params: &Params,
    rows: &[Row],
    repeat: u64,
    ceiling_rps: Option<f64>,
) -> Result<()> {
    let mut out = io::stdout().lock();
    let tasks = rows.first().map_or(0, |r| r.median.tasks);
    let mut heading = format!(
        "{} ({}, size {}, {tasks} tasks) on {} cores, median of {repeat}",
        workload.name(),
        workload.kind(),
        params.size,
        run::cores(),
    );
    if let Some(io) = &params.io {
        heading.push_str(&format!(
            "; server delay {} ms at {}",
            io.delay_ms, io.base_url
        ));
    }
    writeln!(out, "{heading}")?;
    if let Some(rps) = ceiling_rps {
        writeln!(
            out,
            "mock server ceiling: {rps:.0} requests/s at zero delay (ideal marked * when the server, not the delay, is the limit)"
        )?;
    }
    writeln!(
        out,
        "{:<15} {:>5} {:>10} {:>11} {:>8} {:>8} {:>6} {:>10} {:>9}  answer",
        "model", "W", "wall", "ideal", "speedup", "ideal×", "eff.", "setup", "peak RSS"
    )?;
    for row in rows {
        let r = &row.median;
        let ideal = row.ideal.map_or("-".into(), |i| {
            let mark = if i.bound == Bound::Mock { "*" } else { "" };
            format!("{}{mark}", seconds(i.seconds))
        });
        writeln!(
            out,
            "{:<15} {:>5} {:>10} {:>11} {:>8} {:>8} {:>6} {:>10} {:>9}  {}",
            r.model,
            r.workers,
            seconds(r.wall_s),
            ideal,
            row.speedup.map_or("-".into(), |s| format!("{s:.2}×")),
            ideal_speedup(row).map_or("-".into(), |s| format!("{s:.2}×")),
            efficiency(row).map_or("-".into(), |e| format!("{:.0}%", 100.0 * e)),
            seconds(r.setup_s),
            r.peak_rss_bytes.map_or("-".into(), megabytes),
            answer_cell(r),
        )?;
        for error in &r.errors {
            writeln!(out, "{:<15} ! {error}", "")?;
        }
    }
    Ok(())
}

fn answer_cell(r: &RunRecord) -> String {
    let mark = if r.ok { "✓" } else { "✗" };
    let answer = r.answer.as_deref().unwrap_or("(none)");
    let short: String = answer.chars().take(40).collect();
    let ellipsis = if short.len() < answer.len() {
        "…"
    } else {
        ""
    };
    format!("{mark} {short}{ellipsis}")
}

/// A duration for people: 1.23 s, 45.6 ms, 789 µs.
fn seconds(s: f64) -> String {
    if s >= 0.9995 {
        format!("{s:.2} s")
    } else if s >= 0.9995e-3 {
        format!("{:.1} ms", s * 1e3)
    } else {
        format!("{:.0} µs", s * 1e6)
    }
}

fn megabytes(bytes: u64) -> String {
    format!("{:.1} MB", bytes as f64 / 1e6)
}

fn verify(workers: Option<u64>) -> Result<ExitCode> {
    let config = ModelConfig::new(workers_or_default(workers)?);
    let exe = std::env::current_exe().context("cannot find this program")?;
    // A short delay keeps the IO cells quick; the answers do not depend on it.
    let delay_ms = 5;
    let server = Server::spawn(&exe, MockSpec::new(delay_ms))?;
    let mut wrong = Vec::new();
    let mut out = io::stdout().lock();
    for workload in workload::all() {
        let mut params = workload.params(Some(workload.sizes().small))?;
        if workload.kind() == Kind::Io {
            params.io = Some(IoParams {
                base_url: server.uri().to_string(),
                delay_ms,
                timeout_ms: DEFAULT_TIMEOUT_MS,
            });
        }
        for model in model::all() {
            let cell = format!("{} × {}", workload.name(), model.name());
            let verdict = match Prepared::start(workload, model, params.clone(), &config) {
                Ok(mut prepared) => {
                    let r = prepared.run();
                    if r.ok {
                        Ok(())
                    } else {
                        Err(failure_summary(&r))
                    }
                }
                Err(e) => Err(e.to_string()),
            };
            match verdict {
                Ok(()) => writeln!(out, "ok    {cell}")?,
                Err(reason) => {
                    writeln!(out, "FAIL  {cell}: {reason}")?;
                    wrong.push(cell);
                }
            }
        }
    }
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
