//! `spawn`: N empty tasks under a model; the time per unit is the run's wall time ÷ N.
//!
//! What one unit is depends on the model's declared way of running tasks: a thread spawned and
//! joined (`threads`), a job through a pool's queue (`pool`), a task and its answer through a
//! pipe to a running worker (`process`: the worker's start is its setup, timed apart), an
//! async task spawned and joined on one thread or on W. Every task returns its index through
//! `black_box`, and the run's answer (Σ i) is checked like any cell's.

use serde::Serialize;

use crate::census::Census;
use crate::error::Result;
use crate::ideal::Stat;
use crate::model::{Model, ModelConfig, Runs};
use crate::run::{Prepared, RunRecord};
use crate::task::{Output, Task};
use crate::workload::{ints, Answer, Kind, Params, Plan, Sizes, Workload};

/// The `spawn` probe's tasks: N empty ones.
pub struct Spawn;

/// The one instance a [`Prepared`] cell borrows.
pub static SPAWN: Spawn = Spawn;

impl Workload for Spawn {
    fn name(&self) -> &'static str {
        "spawn"
    }
    fn summary(&self) -> &'static str {
        "N empty tasks: what one thread, pool job, worker round trip or async task costs"
    }
    fn kind(&self) -> Kind {
        Kind::Cpu
    }
    fn sizes(&self) -> Sizes {
        Sizes {
            unit: "empty tasks",
            default: 10_000,
            small: 100,
            max: 100_000,
        }
    }
    fn plan(&self, params: &Params) -> Result<Plan> {
        let n = params.size;
        Ok(Plan {
            tasks: (0..n).map(|i| Task::Empty { i }).collect(),
            expected: sum_below(n),
            floors_s: Vec::new(),
        })
    }
    fn answer(&self, outputs: &[Output]) -> std::result::Result<Answer, String> {
        Ok(Answer(ints(outputs)?.iter().sum::<u128>().to_string()))
    }
}

/// 0 + 1 + … + (n - 1): the answer of n units numbered from 0 (spawn's indices, sleepers'
/// arrival order).
pub fn sum_below(n: u64) -> Answer {
    let n = n as u128;
    Answer((n * n.saturating_sub(1) / 2).to_string())
}

/// One model's line of the `spawn` probe.
#[derive(Clone, Debug, Serialize)]
pub struct SpawnRow {
    pub probe: &'static str,
    pub model: String,
    pub runs: Runs,
    pub workers: usize,
    pub units: u64,
    pub repeat: usize,
    /// Median wall time of the repeats, with the fastest and slowest.
    pub wall: Option<Stat>,
    /// The median wall time ÷ N.
    pub per_unit_s: Option<f64>,
    /// Starting the model (pool, runtime, worker processes), timed apart from the units.
    pub setup_s: f64,
    pub census: Census,
    pub ok: bool,
    pub answer: Option<String>,
    pub expected: String,
    pub errors: Vec<String>,
}

/// Run `n` empty tasks `repeat` times under `model`.
pub fn measure(model: &'static dyn Model, n: u64, repeat: usize, config: &ModelConfig) -> SpawnRow {
    let params = Params { size: n, io: None };
    let records: Vec<RunRecord> = match Prepared::start(&SPAWN, model, params.clone(), config) {
        Ok(mut cell) => {
            // One run first, unmeasured: the first spawns of a process warm its allocator.
            let _ = cell.run();
            (0..repeat.max(1)).map(|_| cell.run()).collect()
        }
        Err(e) => vec![RunRecord::failed(&SPAWN, model, &params, config, &e)],
    };
    row(model, n, &records)
}

/// The row of `records`: the median run; failed if any run failed.
fn row(model: &dyn Model, n: u64, records: &[RunRecord]) -> SpawnRow {
    let walls: Vec<f64> = records.iter().map(|r| r.wall_s).collect();
    let wall = Stat::of_repeats(&walls);
    let median = wall
        .and_then(|w| records.iter().find(|r| r.wall_s == w.mean_s))
        .unwrap_or(&records[0]);
    let failed = records.iter().find(|r| !r.ok);
    let ok = failed.is_none();
    SpawnRow {
        probe: "spawn",
        model: model.name().to_string(),
        runs: model.traits().runs,
        workers: median.workers,
        units: n,
        repeat: records.len(),
        wall: wall.filter(|_| ok),
        per_unit_s: wall.filter(|_| ok).map(|w| w.mean_s / n as f64),
        setup_s: median.setup_s,
        census: median.census,
        ok,
        answer: median.answer.clone(),
        expected: median.expected.clone(),
        errors: failed.map(|r| r.errors.clone()).unwrap_or_default(),
    }
}
