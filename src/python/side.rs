//! The Python side, run: each workload of [`TABLE`] under every Python model and, at the same
//! size, W and server, under the Rust model that declares the same way of running (in turn, a
//! thread pool, worker processes, one event loop), each cell timed as the median of its
//! repeats with the fastest and slowest as its interval: the same statistic on both sides, and
//! the one its ideal is made from. What comes out is [`BenchRecord`]s of the `python`
//! comparison (the report puts them side by side) and the [`PythonSide`] the page states.
//!
//! CPython runs these kernels 50 to 100 times slower than Rust, so the sizes here are smaller
//! than the CPU bench's, chosen so a Python run takes about a second or less here; the Rust
//! rows beside them run the *same* size, so every ratio compares the same work. The IO
//! workloads are the bench's own: the server's delays dominate.

use std::path::Path;

use crate::compare;
use crate::ideal::Stat;
use crate::identity::{CellId, Comparison, Varied};
use crate::mock::{MockSpec, Server};
use crate::model::{self, Model, ModelConfig, Runs};
use crate::results::{BenchRecord, IdealSpec, WorkloadInfo};
use crate::run::{cores, task_costs, Prepared, RunRecord};
use crate::tutorials::{self, PythonSide};
use crate::workload::{self, IoParams, Kind, Params, Workload};

/// Requests a server waits on before giving up.
const TIMEOUT_MS: u64 = 30_000;

/// One workload as the Python side runs it.
#[derive(Clone, Copy, Debug)]
pub struct Entry {
    pub workload: &'static str,
    pub size: u64,
    /// The server's delay for IO workloads.
    pub delay_ms: Option<u64>,
    /// W for pools and processes (`None`: the machine's cores).
    pub workers: Option<usize>,
    /// Ways of running left out here, to keep the bench's time.
    pub skip: &'static [Runs],
}

const fn cpu(workload: &'static str, size: u64) -> Entry {
    Entry {
        workload,
        size,
        delay_ms: None,
        workers: None,
        // One event loop computes in turn: on CPU work it only repeats the in-turn time.
        skip: &[Runs::EventLoop],
    }
}

const fn io(workload: &'static str, size: u64, delay_ms: u64, workers: usize) -> Entry {
    Entry {
        workload,
        size,
        delay_ms: Some(delay_ms),
        workers: Some(workers),
        skip: &[],
    }
}

/// What the Python side runs. A new workload joins with one line (its tasks must be of a kind
/// `python/tutorials.py` has a kernel for: one function and one line of its `KERNELS`).
pub const TABLE: &[Entry] = &[
    // The threads-against-processes tutorial's prime, 4 times (it ran 100).
    cpu("primes-repeat", 4),
    // Python's concurrent.futures docs' numbers, the first two (both prime).
    cpu("primes", 2),
    // Σ i² over 0..10^7: the run_in_executor tutorial's sum, 333333283333335000000.
    cpu("sum-squares", 10_000_000),
    // sum_to_num: two big tasks and forty tiny ones.
    cpu("uneven", 2_000_000),
    // The download-sites lesson: 20 pages, the tutorial's ThreadPoolExecutor(max_workers=5).
    io("sites", 20, 50, 5),
    // The LLM-API tutorial's 50 questions, on a pool of 5 (processes: on `sites`).
    Entry {
        skip: &[Runs::Processes],
        ..io("api", 50, 10, 5)
    },
    // One handler's three calls of 1, 2 and 3 delays, each on a thread of its own.
    Entry {
        skip: &[Runs::Processes],
        ..io("fanout", 1, 50, 3)
    },
];

/// How the side runs: repeats, a warm-up run, which workloads, with what.
pub struct Options<'a> {
    /// Timed runs per cell (each checked).
    pub repeat: usize,
    /// One untimed run first for IO cells (connections opened, as the benches warm up).
    pub warm: bool,
    /// True for the workloads to run.
    pub select: &'a dyn Fn(&str) -> bool,
    /// concur's binary: the mock server and the process model's workers.
    pub exe: &'a Path,
    /// Where the virtual environment lives (`target/concur/python`).
    pub dir: &'a Path,
    /// `PATH`, where `python3` is looked for.
    pub path: &'a std::ffi::OsStr,
}

/// Every cell measured, and what the page says about the Python side.
pub struct Outcome {
    pub records: Vec<BenchRecord>,
    pub side: PythonSide,
}

/// The Rust model declaring the same way of running as a Python model.
pub fn counterpart(runs: Runs) -> Option<&'static dyn Model> {
    model::all()
        .into_iter()
        .find(|m| m.traits().runs == runs && m.language().is_none())
}

/// Run the Python side (and the Rust rows beside it), saying what it does through `say`.
pub fn run(opts: &Options, say: &mut dyn FnMut(&str)) -> Outcome {
    let mut side = PythonSide {
        tutorials: tutorials::all(),
        ..PythonSide::default()
    };
    let interpreter = match super::venv::prepare(opts.dir, opts.path) {
        Ok(i) => i,
        Err(not_run) => {
            say(&format!(
                "Python side not run: {}. To enable it: {}",
                not_run.reason, not_run.enable
            ));
            side.not_run = Some(not_run);
            return Outcome {
                records: Vec::new(),
                side,
            };
        }
    };
    if let Some(s) = interpreter.created_s {
        say(&format!(
            "made the Python environment in {} ({})",
            crate::format::time(s),
            interpreter.describe
        ));
    }
    side.interpreter = Some(interpreter.describe.clone());
    let mut records = Vec::new();
    for entry in TABLE.iter().filter(|e| (opts.select)(e.workload)) {
        match run_entry(entry, opts, &interpreter.python, say) {
            Ok(mut r) => records.append(&mut r),
            Err(e) => say(&format!("{}: not run: {e:#}", entry.workload)),
        }
    }
    Outcome { records, side }
}

fn run_entry(
    entry: &Entry,
    opts: &Options,
    python: &Path,
    say: &mut dyn FnMut(&str),
) -> anyhow::Result<Vec<BenchRecord>> {
    let workload = workload::by_name(entry.workload)?;
    let server = match entry.delay_ms {
        Some(d) => Some(Server::spawn(opts.exe, MockSpec::new(d))?),
        None => None,
    };
    let mut params = workload.params(Some(entry.size))?;
    if let (Some(server), Some(delay_ms)) = (&server, entry.delay_ms) {
        params.io = Some(IoParams {
            base_url: server.uri().to_string(),
            delay_ms,
            timeout_ms: TIMEOUT_MS,
        });
    }
    let workers = entry.workers.unwrap_or_else(cores);
    let mut records = Vec::new();
    for py in super::models() {
        let runs = py.traits().runs;
        if entry.skip.contains(&runs) {
            continue;
        }
        let rust = counterpart(runs).map(|m| (m, ModelConfig::new(workers)));
        let python = (
            py,
            ModelConfig {
                worker_exe: Some(python.to_path_buf()),
                ..ModelConfig::new(workers)
            },
        );
        for (model, config) in rust.into_iter().chain([python]) {
            say(&format!(
                "{} × {} (W={workers})",
                workload.name(),
                model.name()
            ));
            let config = ModelConfig {
                worker_exe: config.worker_exe.or_else(|| Some(opts.exe.to_path_buf())),
                ..config
            };
            let id = CellId {
                workload: workload.name().to_string(),
                comparison: Comparison::Python,
                model: model.name().to_string(),
                varied: Varied::Workers(workers),
            };
            let rec = measure(workload, model, &params, &config, opts, id, entry.delay_ms);
            if !rec.record.ok {
                say(&format!("  FAILED: {}", rec.record.errors.join("; ")));
            }
            records.push(rec);
        }
    }
    Ok(records)
}

/// Start, warm, run `opts.repeat` times (each checked), and record the median run.
fn measure(
    workload: &'static dyn Workload,
    model: &'static dyn Model,
    params: &Params,
    config: &ModelConfig,
    opts: &Options,
    id: CellId,
    delay_ms: Option<u64>,
) -> BenchRecord {
    let mut task_costs_s = Vec::new();
    let (record, time, in_flight, ideal) =
        match Prepared::start(workload, model, params.clone(), config) {
            Ok(mut cell) => {
                if opts.warm && workload.kind().has_io() {
                    let _ = cell.run();
                }
                let runs: Vec<RunRecord> = (0..opts.repeat.max(1)).map(|_| cell.run()).collect();
                let failed = runs.iter().find(|r| !r.ok).cloned();
                let walls: Vec<f64> = runs.iter().map(|r| r.wall_s).collect();
                let time = failed.is_none().then(|| Stat::of_repeats(&walls)).flatten();
                if model.traits().runs == Runs::InTurn && workload.kind() == Kind::Cpu {
                    let costs: Vec<Vec<f64>> = runs.iter().map(task_costs).collect();
                    task_costs_s = median_costs(&costs);
                }
                let record = failed.unwrap_or_else(|| {
                    compare::median(&runs)
                        .cloned()
                        .unwrap_or_else(|| runs[0].clone())
                });
                let ideal = match workload.kind() {
                    Kind::Cpu => IdealSpec::Cpu {
                        workers: compare::cpu_lanes(&cell),
                        cores: cores(),
                        batches: cell.batch_sizes(),
                    },
                    _ => compare::cell_io_ideal(&cell, None, None)
                        .map_or(IdealSpec::Unknown, IdealSpec::Known),
                };
                (record, time, cell.in_flight(), ideal)
            }
            Err(e) => (
                RunRecord::failed(workload, model, params, config, &e),
                None,
                0,
                IdealSpec::Unknown,
            ),
        };
    BenchRecord {
        id,
        model: model.info(),
        workload: WorkloadInfo::of(workload),
        record,
        in_flight,
        delay_ms,
        ideal,
        task_costs_s,
        notes: Vec::new(),
        time,
    }
}

/// Each task's median cost over `runs`.
fn median_costs(runs: &[Vec<f64>]) -> Vec<f64> {
    let n = runs.iter().map(Vec::len).min().unwrap_or(0);
    (0..n)
        .map(|i| {
            let mut v: Vec<f64> = runs.iter().map(|r| r[i]).collect();
            v.sort_by(f64::total_cmp);
            v[v.len() / 2]
        })
        .collect()
}

/// Where the Python side leaves what the page says about it: `target/concur/python/`.
pub fn dir() -> std::path::PathBuf {
    crate::results::target_dir().join("concur").join("python")
}

/// Save what the page says about the Python side, for the report to read.
pub fn write_side(side: &PythonSide) -> anyhow::Result<()> {
    let dir = dir();
    std::fs::create_dir_all(&dir)?;
    crate::files::write_atomic(&dir.join("side.json"), &serde_json::to_vec(side)?)
}

/// What the last Python side run saved, if any.
pub fn read_side() -> Option<PythonSide> {
    let text = std::fs::read_to_string(dir().join("side.json")).ok()?;
    serde_json::from_str(&text).ok()
}
