//! Recorded results: what benches write after measuring, and what the report reads.
//!
//! Benches write one [`BenchRecord`] per cell (its typed identity, our own checked run, how its
//! ideal is made) to `target/concur/records/<bench>.json`; criterion writes its estimates under
//! `target/criterion/`. The report joins the two on the identity's [`CellId::bench_key`] into
//! [`Results`] (schema [`SCHEMA`], checked on read), saved as `reports/results.json` with the
//! models' declarations, and renders from that alone.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};

use crate::census::Census;
use crate::compare::Verdict;
use crate::ideal::{Ideal, MixedShape, Stat};
use crate::identity::CellId;
use crate::latency::IoLatency;
use crate::model::{Collect, Delivery, Lane, ModelInfo, Span};
use crate::pipeline::record::FlowCell;
use crate::run::RunRecord;
use crate::usage::RunUsage;
use crate::workload::Kind;

/// The `Results::schema` this build writes. Bump it when a field changes meaning or the shape
/// changes. Schema 3 added `io_latency` to cells and run records (optional, absent before),
/// the `server delay + CPU` bound, the `tutorial` and `collect` comparisons, the
/// `workers-batch` and `collect` values, and a cell's `collect` and `delivery` and a span's
/// `delivered_s` (all with defaults).
pub const SCHEMA: u32 = 3;

/// The schemas this build reads: 2 is 3 without what 3 added, so a schema-2 file (the
/// committed sample) still renders as it was measured.
pub const READS: [u32; 2] = [2, 3];

/// No measured time, ideal or ratio in a results file may exceed this (a million seconds).
pub const MAX_SECONDS: f64 = 1e6;

/// How a cell's ideal is made.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum IdealSpec {
    /// From the in-turn cell's estimate, split over its tasks by their measured costs and
    /// scheduled on `workers` lanes (time-sliced over `cores` when there are more) per batch:
    /// known only once criterion has measured it.
    Cpu {
        workers: usize,
        cores: usize,
        batches: Vec<usize>,
    },
    /// Known when the cell ran (IO: the server's delays and rates).
    Known(Ideal),
    /// Requests among CPU tasks: the in-turn cell's estimate split over its tasks by their
    /// measured costs, its CPU tasks and the requests' delays scheduled as `shape` says, or
    /// `rates` (the IO ideal by the server's rates) when that is longer. Known only once
    /// criterion has measured the in-turn cell.
    Mixed {
        shape: MixedShape,
        rates: Option<Ideal>,
    },
    /// Nothing to compare with (e.g. a server whose delay is not known).
    Unknown,
}

/// One cell as a bench recorded it.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct BenchRecord {
    pub id: CellId,
    /// The model as it declared itself when this cell was measured.
    pub model: ModelInfo,
    /// The workload as it described itself when this cell was measured.
    pub workload: WorkloadInfo,
    /// One checked run of the cell, made outside the timed loop.
    pub record: RunRecord,
    /// Tasks the model keeps in flight at once.
    pub in_flight: usize,
    /// The server's delay for IO cells.
    pub delay_ms: Option<u64>,
    pub ideal: IdealSpec,
    /// Each task's cost in seconds, the median over several runs (the in-turn cells whose
    /// time CPU ideals are split by); empty when not measured.
    #[serde(default)]
    pub task_costs_s: Vec<f64>,
    /// Anything the reader should know about this cell.
    pub notes: Vec<String>,
    /// The cell's time where concur timed it itself rather than criterion (the Python side:
    /// the median of its repeats, the fastest and slowest as the interval).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time: Option<Stat>,
}

/// Everything the report shows: every cell, the models as they declared themselves, the
/// machine, and how to reproduce it.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Results {
    pub schema: u32,
    /// When the results were collected (UTC, RFC 3339).
    pub generated: String,
    /// The command that reproduces these results.
    pub command: String,
    pub machine: Machine,
    /// Every model measured, as it declared itself when measured (colours included).
    pub models: Vec<ModelInfo>,
    /// Every workload measured, as it described itself when measured.
    #[serde(default)]
    pub workloads: Vec<WorkloadInfo>,
    pub cells: Vec<Cell>,
    /// What one thread, task or process costs (the unit bench), if it ran; absent before.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub units: Option<crate::unit::record::UnitCosts>,
    /// Stages joined by queues (the crawl's cells, see [`crate::pipeline::record`]); absent
    /// in files measured before them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub flows: Vec<FlowCell>,
    /// The Python side: the interpreter that ran it or why it did not, and the tutorials'
    /// printed figures (absent in files written before it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub python: Option<crate::tutorials::PythonSide>,
}

/// A workload's description as plain data, kept next to the cells so the page says what was
/// measured without asking this build's registry.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkloadInfo {
    pub name: String,
    pub kind: Kind,
    /// One line: what the workload computes or fetches.
    pub summary: String,
    /// Whether its tasks change state they share (an account, a counter: see
    /// [`crate::shared`]); the page's "Sharing state" reads it. Absent in older files.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub shares_state: bool,
    /// What `--size` counts (`increments`); empty in older files.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub size_unit: String,
}

impl WorkloadInfo {
    /// What `workload` says about itself now; whether it shares state, from its own plan.
    pub fn of(workload: &dyn crate::workload::Workload) -> WorkloadInfo {
        let shares_state = workload
            .params(Some(workload.sizes().small))
            .and_then(|p| workload.plan(&p))
            .is_ok_and(|plan| plan.tasks.iter().any(|t| t.state().is_some()));
        WorkloadInfo {
            name: workload.name().to_string(),
            kind: workload.kind(),
            summary: workload.summary().to_string(),
            shares_state,
            size_unit: workload.sizes().unit.to_string(),
        }
    }
}

/// One cell of the matrix: criterion's estimate joined to our checked run, compared with its
/// baseline and its ideal.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Cell {
    pub id: CellId,
    pub kind: Kind,
    /// W as the model used it.
    pub workers: usize,
    pub in_flight: usize,
    pub size: u64,
    pub tasks: usize,
    pub delay_ms: Option<u64>,
    /// Criterion's mean time per run with its 95% confidence interval; `None` when the cell
    /// was not measured (it failed, or the estimate is missing).
    pub time: Option<Stat>,
    pub ideal: Option<Ideal>,
    /// The in-turn cell this one's speedup is measured against.
    pub baseline: Option<CellId>,
    pub verdict: Verdict,
    pub setup_s: f64,
    pub peak_rss_bytes: Option<u64>,
    /// What the checked run created: threads, async tasks, processes, connections.
    pub census: Census,
    /// Requests among CPU tasks: their latency against the server's delay, over the checked
    /// run and every run criterion timed.
    #[serde(default)]
    pub io_latency: Option<IoLatency>,
    pub ok: bool,
    pub answer: Option<String>,
    pub expected: String,
    pub failed_tasks: usize,
    pub errors: Vec<String>,
    pub notes: Vec<String>,
    /// What a lane of the timeline is: thread, process or task.
    pub lane: Lane,
    /// One run's per-task spans, kept only for the cells the page draws.
    #[serde(default)]
    pub timeline: Vec<Span>,
    /// In which order the checked run delivered its results.
    #[serde(default)]
    pub collect: Collect,
    /// When the checked run's results reached the consumer (first result, waits).
    #[serde(default)]
    pub delivery: Option<Delivery>,
    /// The checked run's CPU time and context switches (its workers' included), with its own
    /// wall time: one run's figures, not criterion's (see [`crate::usage`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub usage: Option<RunUsage>,
}

/// A cell's standing: measured, failed (wrong answer or errors), or missing its estimate.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    Measured,
    Failed,
    NoEstimate,
}

impl Cell {
    pub fn status(&self) -> Status {
        match (self.ok, self.time) {
            (false, _) => Status::Failed,
            (true, None) => Status::NoEstimate,
            (true, Some(_)) => Status::Measured,
        }
    }

    /// The measured mean, only for a cell whose answer was right.
    pub fn mean(&self) -> Option<f64> {
        self.time.filter(|_| self.ok).map(|t| t.mean_s)
    }
}

impl Results {
    /// The declaration of the model a cell ran under.
    pub fn model(&self, name: &str) -> Option<&ModelInfo> {
        self.models.iter().find(|m| m.name == name)
    }

    /// The description of a workload, if the file keeps one.
    pub fn workload(&self, name: &str) -> Option<&WorkloadInfo> {
        self.workloads.iter().find(|w| w.name == name)
    }

    /// Check what a results file says before anything is drawn from it: the schema this build
    /// reads, and times that are positive, finite, ordered and below [`MAX_SECONDS`] (a chart
    /// axis up to 1e308 s never finishes its ticks). Names the first bad cell.
    pub fn validate(&self) -> Result<()> {
        if !READS.contains(&self.schema) {
            anyhow::bail!(
                "it has schema {}, this concur reads schema {} or {SCHEMA}: run `cargo bench` again",
                self.schema,
                READS[0]
            );
        }
        for c in &self.cells {
            if let Some(t) = c.time {
                if Stat::new(t.mean_s, t.low_s, t.high_s).is_none() || t.high_s > MAX_SECONDS {
                    anyhow::bail!("cell {} has an impossible time {t:?}", c.id);
                }
            }
            if let Some(i) = c.ideal {
                if Stat::new(i.seconds, i.low_s, i.high_s).is_none() || i.high_s > MAX_SECONDS {
                    anyhow::bail!("cell {} has an impossible ideal {i:?}", c.id);
                }
            }
            if c.io_latency.is_some_and(|l| !l.is_sane(MAX_SECONDS)) {
                anyhow::bail!("cell {} has an impossible IO latency", c.id);
            }
            if self.model(&c.id.model).is_none() {
                anyhow::bail!("cell {} names a model the file does not declare", c.id);
            }
            let bad = |v: f64| !v.is_finite() || !(0.0..=MAX_SECONDS).contains(&v);
            let verdict = [
                c.verdict.speedup,
                c.verdict.ideal_speedup,
                c.verdict.efficiency,
            ];
            if bad(c.setup_s) || verdict.iter().flatten().any(|v| bad(*v)) {
                anyhow::bail!("cell {} has a negative or non-finite number", c.id);
            }
            let delivery = c
                .delivery
                .iter()
                .flat_map(|d| [d.first_s, d.mean_wait_s, d.max_wait_s]);
            let delivered = c.timeline.iter().filter_map(|s| s.delivered_s);
            if delivery.chain(delivered).any(bad) {
                anyhow::bail!("cell {} has an impossible delivery time", c.id);
            }
        }
        if let Some(f) = self.flows.iter().find(|f| !f.is_sane(MAX_SECONDS)) {
            anyhow::bail!(
                "cell {} has a negative, non-finite or impossible number",
                f.id
            );
        }
        Ok(())
    }
}

/// The machine the results were measured on.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Machine {
    pub cpu_model: String,
    pub cores: usize,
    pub memory_bytes: Option<u64>,
    pub os: String,
    pub rustc: String,
    /// Versions of the crates doing the work (tokio, rayon, reqwest, ureq, hyper, …).
    pub crates: BTreeMap<String, String>,
}

/// Cargo's target folder: `$CARGO_TARGET_DIR`, else `target/`.
pub fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("target"))
}

/// Where benches leave their records: `target/concur/records/`.
pub fn records_dir() -> PathBuf {
    target_dir().join("concur").join("records")
}

/// A bench's records file: the records and the schema they were written with.
#[derive(Serialize, Deserialize)]
struct RecordsFile {
    schema: u32,
    records: Vec<BenchRecord>,
}

/// Save one bench's records, replacing what that bench wrote before. With `keep_others` (a
/// filtered run that measured only some cells) the bench's earlier records of the cells not
/// measured now are kept, so the page still shows them with the estimates they were made with.
pub fn write_records(
    dir: &Path,
    bench: &str,
    records: &[BenchRecord],
    keep_others: bool,
) -> Result<PathBuf> {
    fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let path = dir.join(format!("{bench}.json"));
    let mut kept: Vec<BenchRecord> = Vec::new();
    if keep_others {
        let earlier = fs::read_to_string(&path)
            .ok()
            .and_then(|text| serde_json::from_str::<RecordsFile>(&text).ok())
            .filter(|f| f.schema == SCHEMA);
        for old in earlier.map(|f| f.records).unwrap_or_default() {
            if !records.iter().any(|r| r.id == old.id) {
                kept.push(old);
            }
        }
    }
    kept.extend_from_slice(records);
    let file = RecordsFile {
        schema: SCHEMA,
        records: kept,
    };
    let text = serde_json::to_string(&file)?;
    crate::files::write_atomic(&path, text.as_bytes())?;
    Ok(path)
}

/// Read every bench's records from `dir`. A file written by another version of concur (no or
/// another schema) is left out, and its path returned with the reason, so a bench re-run
/// after an upgrade still renders what it just measured; a file of this schema that does not
/// parse is an error naming it.
pub fn read_records(dir: &Path) -> Result<(Vec<BenchRecord>, Vec<String>)> {
    #[derive(Deserialize)]
    struct Header {
        schema: Option<u32>,
    }
    let mut all = Vec::new();
    let mut skipped = Vec::new();
    let Ok(entries) = fs::read_dir(dir) else {
        return Ok((all, skipped));
    };
    let mut paths: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    paths.sort();
    for path in paths {
        let text =
            fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
        let schema = serde_json::from_str::<Header>(&text)
            .ok()
            .and_then(|h| h.schema);
        if schema != Some(SCHEMA) {
            skipped.push(format!(
                "{} left out: written by another version of concur (run its bench again)",
                path.display()
            ));
            continue;
        }
        let file: RecordsFile = serde_json::from_str(&text)
            .with_context(|| format!("{} is not a valid records file", path.display()))?;
        all.extend(file.records);
    }
    Ok((all, skipped))
}
