//! Recorded results: what benches write after measuring, and what the report reads.
//!
//! Benches write one [`BenchRecord`] per cell (our own checked run: answer, setup, timeline,
//! errors, ideal) to `target/concur/records/<bench>.json`; criterion writes its estimates under
//! `target/criterion/`. The report joins the two on (group, function, value) into
//! [`Results`], saved as `reports/results.json`, and renders from that alone.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};

use crate::model::Span;
use crate::run::RunRecord;

/// One cell as a bench recorded it, keyed like criterion's `BenchmarkId` so the report can
/// find criterion's estimate: `group/function/value`.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct BenchRecord {
    /// Criterion's group: the workload name, or `<workload>-scaling` for a workers sweep.
    pub group: String,
    /// Criterion's function id: the model name.
    pub function: String,
    /// Criterion's parameter: W for CPU cells, N or the delay for IO cells.
    pub value: String,
    /// One checked run of the cell, made outside the timed loop.
    pub record: RunRecord,
    /// The best time the hardware allows for this cell, in seconds.
    pub ideal_s: Option<f64>,
    /// Peak resident memory of the process while the cell ran, if measured.
    pub peak_rss_bytes: Option<u64>,
    /// Anything the reader should know about this cell (e.g. "bound by the mock's ceiling").
    pub notes: Vec<String>,
}

/// Everything the report shows: every cell, the machine, and how to reproduce it.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Results {
    pub schema: u32,
    /// When the results were collected (UTC, RFC 3339).
    pub generated: String,
    /// The command that reproduces these results.
    pub command: String,
    pub machine: Machine,
    pub cells: Vec<Cell>,
}

/// One cell of the matrix with criterion's estimate joined to our run record.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Cell {
    pub group: String,
    pub workload: String,
    pub model: String,
    /// The bench parameter (W, N, delay…), as criterion printed it.
    pub value: String,
    pub kind: crate::workload::Kind,
    pub workers: usize,
    pub size: u64,
    pub tasks: usize,
    /// Criterion's mean time per run and its 95% confidence interval, in seconds; `None` when
    /// the cell was not measured (it failed, or the estimate is missing).
    pub mean_s: Option<f64>,
    pub ci_low_s: Option<f64>,
    pub ci_high_s: Option<f64>,
    pub ideal_s: Option<f64>,
    pub setup_s: f64,
    pub peak_rss_bytes: Option<u64>,
    pub ok: bool,
    pub answer: Option<String>,
    pub expected: String,
    pub failed_tasks: usize,
    pub errors: Vec<String>,
    pub notes: Vec<String>,
    /// What a lane of the timeline is: thread, process or task.
    pub lane: crate::model::Lane,
    /// One run's per-task spans.
    pub timeline: Vec<Span>,
}

/// The machine the results were measured on.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Machine {
    pub cpu_model: String,
    pub cores: usize,
    pub memory_bytes: Option<u64>,
    pub os: String,
    pub rustc: String,
    /// Versions of the crates doing the work (tokio, rayon, reqwest, ureq, wiremock, …).
    pub crates: BTreeMap<String, String>,
}

/// Where benches leave their records: `target/concur/records/`.
pub fn records_dir() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("target"));
    target.join("concur").join("records")
}

/// Save one bench's records, replacing what that bench wrote before.
pub fn write_records(dir: &Path, bench: &str, records: &[BenchRecord]) -> Result<PathBuf> {
    fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let path = dir.join(format!("{bench}.json"));
    let text = serde_json::to_string_pretty(records)?;
    fs::write(&path, text).with_context(|| format!("writing {}", path.display()))?;
    Ok(path)
}

/// Read every bench's records from `dir`; a file that does not parse is an error naming it.
pub fn read_records(dir: &Path) -> Result<Vec<BenchRecord>> {
    let mut all = Vec::new();
    let Ok(entries) = fs::read_dir(dir) else {
        return Ok(all);
    };
    let mut paths: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    paths.sort();
    for path in paths {
        let text =
            fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
        let records: Vec<BenchRecord> = serde_json::from_str(&text)
            .with_context(|| format!("{} is not a valid records file", path.display()))?;
        all.extend(records);
    }
    Ok(all)
}
