//! Joins what the benches recorded (our checked runs) with criterion's estimates into
//! [`Results`]: records decide which cells exist, criterion supplies their times. A failed
//! answer, or a missing or unreadable estimate, leaves the cell's time empty with a note.

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};

use anyhow::Result;
use serde::Deserialize;

use crate::results::{read_records, BenchRecord, Cell, Results};

/// The `Results::schema` this module writes.
pub const SCHEMA: u32 = 1;

/// Criterion's estimate of one benchmark, in seconds.
#[derive(Clone, Debug, PartialEq)]
pub struct Estimate {
    pub mean_s: f64,
    pub ci_low_s: f64,
    pub ci_high_s: f64,
}

/// (group, function, value) as criterion's `BenchmarkId` names a benchmark.
type Key = (String, String, String);

#[derive(Deserialize)]
struct BenchmarkJson {
    group_id: String,
    function_id: Option<String>,
    value_str: Option<String>,
}

#[derive(Deserialize)]
struct EstimatesJson {
    mean: Statistic,
}

#[derive(Deserialize)]
struct Statistic {
    point_estimate: f64,
    confidence_interval: Interval,
}

#[derive(Deserialize)]
struct Interval {
    lower_bound: f64,
    upper_bound: f64,
}

/// Join the records under `records_dir` with criterion's estimates under `criterion_dir`
/// (usually `target/criterion`), and describe this machine. `command` is what reproduces it.
pub fn collect(records_dir: &Path, criterion_dir: &Path, command: &str) -> Result<Results> {
    let records = read_records(records_dir)?;
    let estimates = read_estimates(criterion_dir);
    Ok(Results {
        schema: SCHEMA,
        generated: super::machine::now_utc(),
        command: command.to_string(),
        machine: super::machine::detect(),
        cells: join(records, &estimates),
    })
}

/// One cell per record (a later record for the same key replaces an earlier one), in the
/// order the benches wrote them.
fn join(
    records: Vec<BenchRecord>,
    estimates: &HashMap<Key, std::result::Result<Estimate, String>>,
) -> Vec<Cell> {
    let mut cells: Vec<Cell> = Vec::new();
    let mut index: HashMap<Key, usize> = HashMap::new();
    for rec in records {
        let key = (rec.group.clone(), rec.function.clone(), rec.value.clone());
        let cell = to_cell(rec, estimates.get(&key));
        match index.get(&key) {
            Some(&i) => cells[i] = cell,
            None => {
                index.insert(key, cells.len());
                cells.push(cell);
            }
        }
    }
    cells
}

fn to_cell(rec: BenchRecord, estimate: Option<&std::result::Result<Estimate, String>>) -> Cell {
    let r = rec.record;
    let mut notes = rec.notes;
    let mut measured = None;
    match estimate {
        Some(Ok(e)) if r.ok => measured = Some(e.clone()),
        Some(Ok(e)) => notes.push(format!(
            "criterion has an estimate of {} on disk (perhaps from an earlier run), but this \
             run's answer was not right, so no time is shown",
            super::format::time(e.mean_s)
        )),
        Some(Err(why)) => notes.push(format!("criterion's estimate could not be read: {why}")),
        // A failed cell is not timed: its errors say why, a missing estimate adds nothing.
        None if !r.ok => {}
        None => notes.push(format!(
            "criterion has no estimate for {}/{}/{}",
            rec.group, rec.function, rec.value
        )),
    }
    Cell {
        group: rec.group,
        workload: r.workload,
        model: r.model,
        value: rec.value,
        kind: r.kind,
        workers: r.workers,
        size: r.size,
        tasks: r.tasks,
        mean_s: measured.as_ref().map(|e| e.mean_s),
        ci_low_s: measured.as_ref().map(|e| e.ci_low_s),
        ci_high_s: measured.as_ref().map(|e| e.ci_high_s),
        ideal_s: rec.ideal_s,
        setup_s: r.setup_s,
        peak_rss_bytes: rec.peak_rss_bytes,
        ok: r.ok,
        answer: r.answer,
        expected: r.expected,
        failed_tasks: r.failed_tasks,
        errors: r.errors,
        notes,
        lane: r.lane,
        timeline: r.timeline,
    }
}

/// Every estimate under `dir`, keyed by the ids in its `benchmark.json`. A benchmark whose
/// files do not parse maps to the reason, so its cell can say so; a missing dir is empty.
pub fn read_estimates(dir: &Path) -> HashMap<Key, std::result::Result<Estimate, String>> {
    let mut found = HashMap::new();
    let mut new_dirs = Vec::new();
    find_new_dirs(dir, 0, &mut new_dirs);
    for new in new_dirs {
        let Ok(text) = fs::read_to_string(new.join("benchmark.json")) else {
            continue;
        };
        let Ok(id) = serde_json::from_str::<BenchmarkJson>(&text) else {
            continue;
        };
        let key = (
            id.group_id,
            id.function_id.unwrap_or_default(),
            id.value_str.unwrap_or_default(),
        );
        found.insert(key, read_estimate(&new.join("estimates.json")));
    }
    found
}

fn read_estimate(path: &Path) -> std::result::Result<Estimate, String> {
    let text = fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let e: EstimatesJson =
        serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    let ns = 1e-9;
    Ok(Estimate {
        mean_s: e.mean.point_estimate * ns,
        ci_low_s: e.mean.confidence_interval.lower_bound * ns,
        ci_high_s: e.mean.confidence_interval.upper_bound * ns,
    })
}

/// Criterion keeps `<group>/<function>/<value>/new/`; look a few levels down for `new/`
/// dirs holding a `benchmark.json`, skipping its own `report/` pages.
fn find_new_dirs(dir: &Path, depth: usize, out: &mut Vec<PathBuf>) {
    if depth > 5 {
        return;
    }
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    let mut dirs: Vec<PathBuf> = entries
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .map(|e| e.path())
        .collect();
    dirs.sort();
    for d in dirs {
        match d.file_name().and_then(|n| n.to_str()) {
            Some("report") => {}
            Some("new") if d.join("benchmark.json").is_file() => out.push(d),
            _ => find_new_dirs(&d, depth + 1, out),
        }
    }
}
