//! What the unit bench records and the report reads: time per unit from criterion's
//! estimates, memory per unit from a climb, ours beside the published figures. Kept in
//! `results.json` as the optional `units` (absent in files from before), and written by the
//! bench to `target/concur/units.json` for the report to collect.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::fit::Line;
use super::published::Beside;
use super::sleepers::{Failure, SleepersRow};
use crate::ideal::Stat;
use crate::model::Runs;

/// Every unit cost the bench measured.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct UnitCosts {
    /// This machine as the unit figures name it (CPU and cores).
    pub machine: String,
    pub times: Vec<UnitTime>,
    pub memory: Vec<UnitMemory>,
    pub beside: Vec<Beside>,
}

impl UnitCosts {
    /// The time per unit of the spawn row whose model runs tasks as `runs`.
    pub fn spawn(&self, runs: Runs) -> Option<f64> {
        let row = self
            .times
            .iter()
            .find(|t| t.probe == "spawn" && t.runs == Some(runs))?;
        row.per_unit.map(|s| s.mean_s)
    }

    /// The pingpong row of the lanes called `who`.
    pub fn lanes(&self, who: &str) -> Option<&UnitTime> {
        self.times
            .iter()
            .find(|t| t.probe == "pingpong" && t.who == who)
    }

    /// The bytes per unit fitted for the model that runs tasks as `runs`.
    pub fn memory(&self, runs: Runs) -> Option<f64> {
        let row = self.memory.iter().find(|m| m.runs == runs)?;
        row.fit.map(|f| f.slope)
    }

    /// Our per-unit figures, named as the published ones are.
    pub fn ours(&self) -> Vec<(&'static str, f64)> {
        let switch = |who: &str| self.lanes(who).and_then(|t| t.per_unit).map(|s| s.mean_s);
        let process_start = self.lanes("processes").filter(|t| t.ok).map(|t| t.setup_s);
        [
            ("thread-spawn", self.spawn(Runs::ThreadPerTask)),
            ("task-spawn", self.spawn(Runs::EventLoop)),
            ("pool-job", self.spawn(Runs::ThreadPool)),
            ("process-spawn", process_start),
            ("thread-switch", switch("threads")),
            ("task-switch", switch("tasks-one-thread")),
            ("thread-memory", self.memory(Runs::ThreadPerTask)),
            ("task-memory", self.memory(Runs::EventLoop)),
        ]
        .into_iter()
        .filter_map(|(unit, v)| Some((unit, v?)))
        .collect()
    }

    /// Keep `older`'s rows that this one did not measure (a filtered bench run).
    pub fn keep_from(&mut self, older: UnitCosts) {
        for t in older.times {
            if !self
                .times
                .iter()
                .any(|n| n.probe == t.probe && n.who == t.who)
            {
                self.times.push(t);
            }
        }
        for m in older.memory {
            if !self.memory.iter().any(|n| n.model == m.model) {
                self.memory.push(m);
            }
        }
    }
}

/// One time per unit: criterion's estimate of one iteration ÷ the units in it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct UnitTime {
    /// `spawn` or `pingpong`.
    pub probe: String,
    /// The model (spawn) or the kind of lanes (pingpong).
    pub who: String,
    /// How the model runs tasks, for spawn rows (what the report reads, never the name).
    pub runs: Option<Runs>,
    /// What one unit is: `task` (spawn) or `switch` (pingpong, half a round trip).
    pub unit: String,
    /// Units in one timed iteration.
    pub units: u64,
    /// Per unit: criterion's mean and 95% interval ÷ units; `None` when it failed or was
    /// not measured.
    pub per_unit: Option<Stat>,
    /// Setup, timed apart: the model's start (spawn) or the second lane's (pingpong).
    pub setup_s: f64,
    pub ok: bool,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<String>,
}

/// One model's climb of N: peak RSS at each N, the fitted line, where it stopped.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct UnitMemory {
    pub model: String,
    pub runs: Runs,
    /// (N, peak RSS in bytes)
    pub points: Vec<(u64, u64)>,
    pub fit: Option<Line>,
    pub fails_at: Option<Failure>,
    pub stopped: Option<String>,
    pub ok: bool,
}

impl From<&SleepersRow> for UnitMemory {
    fn from(r: &SleepersRow) -> UnitMemory {
        UnitMemory {
            model: r.model.clone(),
            runs: r.runs,
            points: r
                .points
                .iter()
                .map(|p| (p.units, p.peak_rss_bytes))
                .collect(),
            fit: r.fit,
            fails_at: r.fails_at.clone(),
            stopped: r.stopped.clone(),
            ok: r.ok,
        }
    }
}

/// Where the unit bench leaves its figures: `target/concur/units.json`.
pub fn path() -> PathBuf {
    crate::results::target_dir()
        .join("concur")
        .join("units.json")
}

/// Write `costs` to `path` whole (temp file + rename).
pub fn write(path: &Path, costs: &UnitCosts) -> anyhow::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    crate::files::write_atomic(path, serde_json::to_string(costs)?.as_bytes())?;
    Ok(())
}

/// The figures at `path`, if a unit bench left any that read.
pub fn read(path: &Path) -> Option<UnitCosts> {
    let text = std::fs::read_to_string(path).ok()?;
    serde_json::from_str(&text).ok()
}
