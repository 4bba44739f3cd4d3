//! The `concur` command line: a thin layer that parses arguments, calls the library and prints.
//!
//! `list` shows workloads and models, `run` measures one workload under chosen models and prints
//! a table (or JSON lines), `verify` checks every cell's answer at a small size, and the hidden
//! `worker` subcommand is the child process of the `process` model.

use std::io::{self, Write};
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{bail, Context, Result};
use clap::{Parser, Subcommand};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde_json::json;

use concur::model::{self, Model, ModelConfig};
use concur::run::{self, cpu_ideal, median, RunRecord};
use concur::workload::{self, Workload};

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
}

const MAX_REPEAT: u64 = 1000;

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
    let parsed = match clean.split_once(['e', 'E']) {
        Some((mantissa, exponent)) => {
            let m: u64 = mantissa
                .parse()
                .map_err(|_| format!("`{text}` is not a whole number"))?;
            let e: u32 = exponent
                .parse()
                .map_err(|_| format!("`{text}` is not a whole number"))?;
            10u64.checked_pow(e).and_then(|p| p.checked_mul(m))
        }
        None => Some(
            clean
                .parse()
                .map_err(|_| format!("`{text}` is not a whole number"))?,
        ),
    };
    parsed.ok_or_else(|| format!("`{text}` is too large"))
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

/// What `run` prints for one model: its median run and how it compares.
struct Row {
    median: RunRecord,
    ideal_s: Option<f64>,
    speedup: Option<f64>,
}

fn run_models(args: &RunArgs) -> Result<ExitCode> {
    let workload = workload::by_name(&args.workload)?;
    let params = workload.params(args.size)?;
    let models = select_models(&args.models)?;
    let workers = workers_or_default(args.workers)?;
    if args.repeat == 0 || args.repeat > MAX_REPEAT {
        bail!(
            "--repeat must be between 1 and {MAX_REPEAT}, got {}",
            args.repeat
        );
    }
    let config = ModelConfig::new(workers);
    let progress = Progress::start();

    let mut rows: Vec<Row> = Vec::new();
    let mut setup_failures = Vec::new();
    let mut baseline: Option<RunRecord> = None;
    for (i, model) in models.iter().enumerate() {
        progress.say(format!(
            "{} × {} ({}/{})",
            workload.name(),
            model.name(),
            i + 1,
            models.len()
        ));
        let records = match run::run_cell(
            workload,
            *model,
            params.clone(),
            &config,
            args.repeat as usize,
        ) {
            Ok(records) => records,
            Err(e) => {
                setup_failures.push(format!("{}: {e}", model.name()));
                continue;
            }
        };
        let Some(median) = median(&records).cloned() else {
            continue;
        };
        if model.name() == "sequential" && median.ok {
            baseline = Some(median.clone());
        }
        let ideal_s = baseline.as_ref().map(|b| cpu_ideal(b, median.workers));
        let speedup = baseline.as_ref().map(|b| b.wall_s / median.wall_s);
        rows.push(Row {
            median,
            ideal_s,
            speedup,
        });
    }
    progress.done();

    if args.json {
        print_json(&rows, args.repeat)?;
    } else {
        print_table(workload, &rows, args.repeat)?;
    }
    for failure in &setup_failures {
        eprintln!("Error: {failure}");
    }
    let failed: Vec<&str> = rows
        .iter()
        .filter(|r| !r.median.ok)
        .map(|r| r.median.model.as_str())
        .collect();
    if !failed.is_empty() {
        eprintln!(
            "Error: {} failed under {} (see the errors above)",
            workload.name(),
            failed.join(", ")
        );
    }
    Ok(if failed.is_empty() && setup_failures.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

fn print_json(rows: &[Row], repeat: u64) -> Result<()> {
    let mut out = io::stdout().lock();
    for row in rows {
        let r = &row.median;
        let ideal_speedup = row.speedup.zip(row.ideal_s).map(|(s, i)| s * r.wall_s / i);
        let line = json!({
            "workload": r.workload,
            "model": r.model,
            "workers": r.workers,
            "size": r.size,
            "tasks": r.tasks,
            "repeat": repeat,
            "wall_s": r.wall_s,
            "setup_s": r.setup_s,
            "ideal_s": row.ideal_s,
            "speedup": row.speedup,
            "ideal_speedup": ideal_speedup,
            "efficiency": row.ideal_s.map(|i| i / r.wall_s),
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

fn print_table(workload: &dyn Workload, rows: &[Row], repeat: u64) -> Result<()> {
    let mut out = io::stdout().lock();
    let cores = run::cores();
    let first = rows.first().map(|r| &r.median);
    writeln!(
        out,
        "{} ({}, size {}, {} tasks) on {cores} cores, median of {repeat}",
        workload.name(),
        workload.kind(),
        first.map_or(0, |r| r.size),
        first.map_or(0, |r| r.tasks),
    )?;
    writeln!(
        out,
        "{:<15} {:>5} {:>10} {:>10} {:>8} {:>8} {:>6} {:>10}  answer",
        "model", "W", "wall", "ideal", "speedup", "ideal×", "eff.", "setup"
    )?;
    for row in rows {
        let r = &row.median;
        let ideal_speedup = row.speedup.zip(row.ideal_s).map(|(s, i)| s * r.wall_s / i);
        writeln!(
            out,
            "{:<15} {:>5} {:>10} {:>10} {:>8} {:>8} {:>6} {:>10}  {}",
            r.model,
            r.workers,
            seconds(r.wall_s),
            row.ideal_s.map_or("-".into(), seconds),
            row.speedup.map_or("-".into(), |s| format!("{s:.2}×")),
            ideal_speedup.map_or("-".into(), |s| format!("{s:.2}×")),
            row.ideal_s
                .map_or("-".into(), |i| format!("{:.0}%", 100.0 * i / r.wall_s)),
            seconds(r.setup_s),
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
    if s >= 1.0 {
        format!("{s:.2} s")
    } else if s >= 1e-3 {
        format!("{:.1} ms", s * 1e3)
    } else {
        format!("{:.0} µs", s * 1e6)
    }
}

fn verify(workers: Option<u64>) -> Result<ExitCode> {
    let config = ModelConfig::new(workers_or_default(workers)?);
    let mut wrong = Vec::new();
    let mut out = io::stdout().lock();
    for workload in workload::all() {
        let params = workload.params(Some(workload.sizes().small))?;
        for model in model::all() {
            let cell = format!("{} × {}", workload.name(), model.name());
            let verdict = match run::run_cell(workload, model, params.clone(), &config, 1) {
                Ok(records) => match records.first() {
                    Some(r) if r.ok => Ok(()),
                    Some(r) => Err(r.errors.join("; ")),
                    None => Err("no run".to_string()),
                },
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
        let shown = bar.clone();
        std::thread::spawn(move || {
            std::thread::sleep(Duration::from_secs(1));
            if !shown.is_finished() {
                shown.set_draw_target(ProgressDrawTarget::stderr());
                shown.enable_steady_tick(Duration::from_millis(120));
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
