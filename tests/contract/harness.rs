//! The harness: the cells every model runs, and running one model on them (start, run once,
//! drop, wait for what it started to be gone) with every rule checked on every run.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use concur::model::{Collect, Model, ModelConfig};
use concur::run::Prepared;
use concur::session::DEFAULT_TIMEOUT_MS;
use concur::workload::{self, IoParams};

use crate::rules::{Observed, Teardown, RULES};

/// The mock server's base delay for the IO cells.
pub const DELAY_MS: u64 = 5;
/// How long a dropped model may take to be gone (rayon and tokio threads exit on their own).
pub const TEARDOWN_WAIT: Duration = Duration::from_secs(10);

/// One cell every model runs.
pub struct Cell {
    workload: &'static str,
    size: u64,
    workers: usize,
    in_flight: Option<usize>,
    batch: Option<usize>,
    collect: Collect,
}

impl Cell {
    /// `api (size 24, W=4, --concurrency 3, --collect as-completed)`
    fn describe(&self) -> String {
        let mut s = format!("{} (size {}, W={}", self.workload, self.size, self.workers);
        if let Some(c) = self.in_flight {
            s += &format!(", --concurrency {c}");
        }
        if let Some(b) = self.batch {
            s += &format!(", --batch {b}");
        }
        s + &format!(", --collect {})", self.collect.name())
    }
}

pub const CELLS: [Cell; 5] = [
    Cell {
        workload: "uneven",
        size: 200_000,
        workers: 2,
        in_flight: None,
        batch: None,
        collect: Collect::AsCompleted,
    },
    Cell {
        workload: "uneven",
        size: 200_000,
        workers: 3,
        in_flight: None,
        batch: None,
        collect: Collect::Ordered,
    },
    Cell {
        workload: "primes",
        size: 3,
        workers: 3,
        in_flight: None,
        batch: None,
        collect: Collect::Ordered,
    },
    // W above C, so the cap binds on pools too, not only on models that run every task at once.
    Cell {
        workload: "api",
        size: 24,
        workers: 4,
        in_flight: Some(3),
        batch: None,
        collect: Collect::AsCompleted,
    },
    // 10 tasks in batches of 4, 4 and 2.
    Cell {
        workload: "api",
        size: 10,
        workers: 3,
        in_flight: None,
        batch: Some(4),
        collect: Collect::Ordered,
    },
];

/// What a model that could not be started or run on a cell breaks.
const STARTS: &str = "starts and runs the cell";

fn threads() -> usize {
    std::fs::read_dir("/proc/self/task").map_or(0, |d| d.count())
}

/// `pid`'s state letter while it is still our child in `/proc` (a zombie included); `None` once
/// it is gone, or if the pid now belongs to some other process.
fn our_child(pid: u32) -> Option<char> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // pid (comm) state ppid …
    let mut rest = stat.rsplit_once(") ")?.1.split_whitespace();
    let state = rest.next()?.chars().next()?;
    let ppid: u32 = rest.next()?.parse().ok()?;
    (ppid == std::process::id()).then_some(state)
}

/// Start `model` on `cell`, run it once, drop it and wait (at most `wait`) for what it started
/// to be gone.
fn observe(
    model: &'static dyn Model,
    cell: &Cell,
    server: &str,
    wait: Duration,
) -> Result<Observed, String> {
    let workload = workload::by_name(cell.workload).map_err(|e| e.to_string())?;
    let mut params = workload
        .params(Some(cell.size))
        .map_err(|e| e.to_string())?;
    if workload.kind().has_io() {
        params.io = Some(IoParams {
            base_url: server.to_string(),
            delay_ms: DELAY_MS,
            timeout_ms: DEFAULT_TIMEOUT_MS,
        });
    }
    let config = ModelConfig {
        worker_exe: Some(PathBuf::from(env!("CARGO_BIN_EXE_concur"))),
        in_flight: cell.in_flight,
        batch: cell.batch,
        collect: cell.collect,
        ..ModelConfig::new(cell.workers)
    };
    let threads_before = threads();
    let mut prepared = Prepared::start(workload, model, params, &config)
        .map_err(|e| format!("could not start: {e}"))?;
    let record = prepared.run();
    let pids = prepared.worker_pids();
    drop(prepared);

    let began = Instant::now();
    let (left, threads_after) = loop {
        let left: Vec<(u32, char)> = pids
            .iter()
            .filter_map(|&p| our_child(p).map(|s| (p, s)))
            .collect();
        let now = threads();
        if (left.is_empty() && now <= threads_before) || began.elapsed() > wait {
            break (left, now);
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    Ok(Observed {
        model,
        config,
        record,
        teardown: Teardown {
            pids,
            left,
            threads_before,
            threads_after,
            waited: began.elapsed(),
        },
    })
}

/// Every cell under `model`, every rule on every run: one line per violation.
pub fn check_model(model: &'static dyn Model, server: &str, wait: Duration) -> Vec<String> {
    let mut violations = Vec::new();
    let name = model.name();
    for cell in &CELLS {
        let cell_name = cell.describe();
        match observe(model, cell, server, wait) {
            Ok(observed) => {
                for rule in &RULES {
                    if let Err(why) = (rule.check)(&observed) {
                        violations.push(format!(
                            "model `{name}` breaks rule \"{}\" in cell {cell_name}: {why}",
                            rule.name
                        ));
                    }
                }
            }
            Err(why) => violations.push(format!(
                "model `{name}` breaks rule \"{STARTS}\" in cell {cell_name}: {why}"
            )),
        }
    }
    violations
}
