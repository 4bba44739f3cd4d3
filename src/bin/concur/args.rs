//! What `concur` accepts: its subcommands and `run`'s flags (clap), and the value parsers
//! that turn a count (`100_000_000`, `1e8`) or a collect mode into a value or one clear error.

use clap::{Parser, Subcommand};

use concur::model::Collect;

#[derive(Parser)]
#[command(
    name = "concur",
    version,
    about = "The same workloads under every concurrency model, measured and checked"
)]
pub(crate) struct Cli {
    #[command(subcommand)]
    pub(crate) command: Command,
}

#[derive(Subcommand)]
pub(crate) enum Command {
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
    pub(crate) workload: String,
    /// Comma-separated models, or `all`. `sequential` always runs as the baseline.
    #[arg(long, default_value = "all")]
    pub(crate) models: String,
    /// Workers (W) for pool, process, async-mt, async-blocking and async-process [default: the machine's cores].
    #[arg(long, value_parser = parse_count, allow_negative_numbers = true)]
    pub(crate) workers: Option<u64>,
    /// The workload's size (see `concur list`); accepts 100_000_000 and 1e8.
    #[arg(long, value_parser = parse_count, allow_negative_numbers = true)]
    pub(crate) size: Option<u64>,
    /// Runs per model; the table shows the median.
    #[arg(long, default_value = "3", value_parser = parse_count, allow_negative_numbers = true)]
    pub(crate) repeat: u64,
    /// Print one JSON object per model per line instead of a table.
    #[arg(long)]
    pub(crate) json: bool,
    /// IO: the server's delay per reply in ms [default: the workload's].
    #[arg(long, value_parser = parse_count, allow_negative_numbers = true)]
    pub(crate) delay_ms: Option<u64>,
    /// IO: the clients' timeout per request in ms.
    #[arg(long, value_parser = parse_count, allow_negative_numbers = true)]
    pub(crate) timeout_ms: Option<u64>,
    /// IO: the share of replies (0 to 1) the server fails with HTTP 503.
    #[arg(long, allow_negative_numbers = true)]
    pub(crate) fail_rate: Option<f64>,
    /// At most this many tasks in flight at once (like max_workers=C or a Semaphore(C)).
    #[arg(long, value_parser = parse_count, allow_negative_numbers = true)]
    pub(crate) concurrency: Option<u64>,
    /// Run the tasks in batches of B, each finished before the next starts.
    #[arg(long, value_parser = parse_count, allow_negative_numbers = true)]
    pub(crate) batch: Option<u64>,
    /// IO: send the requests to this server (e.g. a `concur serve`) instead of starting one.
    #[arg(long)]
    pub(crate) server: Option<String>,
    /// Run even when the estimate says the run takes over 10 minutes.
    #[arg(long)]
    pub(crate) long: bool,
    /// Deliver results in submission order (`ordered`, like executor.map) or as each task
    /// finishes (`as-completed`, like as_completed).
    #[arg(long, default_value = "ordered", value_parser = parse_collect)]
    pub(crate) collect: Collect,
    /// crawl: the pipelined shape's queue between fetchers and parsers (1 or more, or
    /// `unbounded`) [default: 2].
    #[arg(long, value_parser = concur::pipeline::session::parse_queue, allow_negative_numbers = true)]
    pub(crate) queue: Option<concur::pipeline::queue::Cap>,
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
