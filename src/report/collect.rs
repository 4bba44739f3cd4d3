//! Joins what the benches recorded (our checked runs) with criterion's estimates into
//! [`Results`], and makes the comparison: each cell's baseline, ideal, speedup and efficiency
//! come from criterion's estimates alone (the ideal of a CPU cell splits the baseline's
//! *estimate* over its tasks), so a yardstick and its measurement are the same statistic.
//! Records decide which cells exist; a failed answer, or a missing or unreadable estimate,
//! leaves the cell's time empty with a note. Timelines are kept only for the cells the page
//! draws (their delivery times included, for "Results as they arrive"), so `results.json`
//! stays small.

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};

use anyhow::Result;
use serde::Deserialize;

use crate::compare::judge;
use crate::ideal::{self, Stat};
use crate::identity::{BenchKey, CellId, Comparison};
use crate::model::{ModelInfo, Runs};
use crate::results::{read_records, BenchRecord, Cell, IdealSpec, Results, WorkloadInfo, SCHEMA};
use crate::run::task_costs;

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
    let (records, skipped) = read_records(records_dir)?;
    for note in skipped {
        eprintln!("concur: {note}");
    }
    let estimates = read_estimates(criterion_dir);
    let flows =
        crate::pipeline::record::join(crate::pipeline::record::read(records_dir)?, &estimates);
    // The declarations the cells were measured with (not today's registry), each once.
    let mut models: Vec<ModelInfo> = Vec::new();
    let mut workloads: Vec<WorkloadInfo> = Vec::new();
    for r in &records {
        if !models.iter().any(|m| m.name == r.model.name) {
            models.push(r.model.clone());
        }
        if !workloads.iter().any(|w| w.name == r.workload.name) {
            workloads.push(r.workload.clone());
        }
    }
    Ok(Results {
        schema: SCHEMA,
        generated: super::machine::now_utc(),
        command: command.to_string(),
        machine: super::machine::detect(),
        cells: join(records, &estimates, &models),
        models,
        workloads,
        units: crate::unit::record::read(&crate::unit::record::path()),
        flows,
        python: crate::python::side::read_side(),
    })
}

/// One cell per record (a later record with the same identity replaces an earlier one), in
/// the order the benches wrote them, each compared with its baseline and its ideal.
pub fn join(
    records: Vec<BenchRecord>,
    estimates: &HashMap<BenchKey, std::result::Result<Stat, String>>,
    models: &[ModelInfo],
) -> Vec<Cell> {
    let mut latest: Vec<BenchRecord> = Vec::new();
    let mut index: HashMap<CellId, usize> = HashMap::new();
    for rec in records {
        match index.get(&rec.id) {
            Some(&i) => latest[i] = rec,
            None => {
                index.insert(rec.id.clone(), latest.len());
                latest.push(rec);
            }
        }
    }
    // The in-turn model of `model`'s language (Rust, or the Python side's).
    let language = |model: &str| {
        models
            .iter()
            .find(|m| m.name == model)
            .and_then(|m| m.language.clone())
    };
    let in_turn = |model: &str, of: &str| {
        models
            .iter()
            .any(|m| m.name == model && m.runs == Runs::InTurn)
            && language(model) == language(of)
    };
    let mut cells: Vec<Cell> = latest
        .iter()
        .map(|rec| to_cell(rec, estimates.get(&rec.id.bench_key())))
        .collect();
    // Baselines, then ideals and verdicts: all from criterion's estimates.
    for i in 0..cells.len() {
        let base = baseline_of(&cells, i, &in_turn);
        let ideal = match (&latest[i].ideal, base) {
            (IdealSpec::Known(ideal), _) => Some(*ideal),
            (
                IdealSpec::Cpu {
                    workers,
                    cores,
                    batches,
                },
                Some(b),
            ) => cells[b]
                .time
                .map(|t| ideal::cpu(&costs_of(&latest[b]), t, *workers, *cores, batches)),
            (IdealSpec::Mixed { shape, rates }, Some(b)) => cells[b]
                .time
                .map(|t| ideal::mixed(shape, &costs_of(&latest[b]), t, *rates)),
            _ => None,
        };
        let c = &cells[i];
        let verdict = judge(
            c.ok,
            c.time,
            base.and_then(|b| cells[b].time),
            ideal.as_ref(),
        );
        let baseline = base.map(|b| cells[b].id.clone());
        let c = &mut cells[i];
        c.ideal = ideal;
        c.verdict = verdict;
        c.baseline = baseline;
    }
    keep_drawn_timelines(&mut cells);
    cells
}

/// The in-turn cell's task costs its ideal is split by: the median of several runs where the
/// bench measured them, else its checked run's.
fn costs_of(baseline: &BenchRecord) -> Vec<f64> {
    match baseline.task_costs_s.as_slice() {
        [] => task_costs(&baseline.record),
        measured => measured.to_vec(),
    }
}

/// The measured in-turn cell doing the same work as cell `i`, in the same language: the same
/// workload, size, task count and server delay; from its own comparison and value if there is one, else its own
/// comparison, else any comparison of the workload.
fn baseline_of(cells: &[Cell], i: usize, in_turn: &dyn Fn(&str, &str) -> bool) -> Option<usize> {
    let cell = &cells[i];
    let candidates: Vec<usize> = (0..cells.len())
        .filter(|&j| {
            let b = &cells[j];
            in_turn(&b.id.model, &cell.id.model)
                && b.time.is_some()
                && b.ok
                && b.id.workload == cell.id.workload
                && b.size == cell.size
                && b.tasks == cell.tasks
                && b.delay_ms == cell.delay_ms
        })
        .collect();
    let same = |j: &&usize| cells[**j].id.comparison == cell.id.comparison;
    candidates
        .iter()
        .find(|j| same(j) && cells[**j].id.varied == cell.id.varied)
        .or_else(|| candidates.iter().find(same))
        .or_else(|| candidates.first())
        .copied()
}

/// The page draws one run per model for a workload's model comparison, limits and tutorial
/// settings, and for a size sweep at its smallest size: every other timeline is dropped.
fn keep_drawn_timelines(cells: &mut [Cell]) {
    let mut smallest: HashMap<(String, String), u64> = HashMap::new();
    for c in cells
        .iter()
        .filter(|c| c.id.comparison == Comparison::Sizes)
    {
        let key = (c.id.workload.clone(), c.id.model.clone());
        let entry = smallest.entry(key).or_insert(c.size);
        *entry = (*entry).min(c.size);
    }
    for c in cells.iter_mut() {
        let drawn = match c.id.comparison {
            Comparison::Models
            | Comparison::Limits
            | Comparison::Tutorial
            | Comparison::Collect => true,
            Comparison::Scaling | Comparison::Python => false,
            Comparison::Sizes => {
                smallest.get(&(c.id.workload.clone(), c.id.model.clone())) == Some(&c.size)
            }
        };
        if !drawn {
            c.timeline = Vec::new();
        }
    }
}

fn to_cell(rec: &BenchRecord, estimate: Option<&std::result::Result<Stat, String>>) -> Cell {
    let r = &rec.record;
    let mut notes = rec.notes.clone();
    let mut measured = None;
    // A cell concur timed itself (the Python side) has its time in its record.
    let own: Option<std::result::Result<Stat, String>> = rec.time.map(Ok);
    let estimate = estimate.or(own.as_ref());
    match estimate {
        Some(Ok(e)) if r.ok => measured = Some(*e),
        Some(Ok(e)) => notes.push(format!(
            "criterion has an estimate of {} on disk (perhaps from an earlier run), but this \
             run's answer was not right, so no time is shown",
            crate::format::time(e.mean_s)
        )),
        Some(Err(why)) => notes.push(format!("criterion's estimate could not be read: {why}")),
        // A failed cell is not timed: its errors say why, a missing estimate adds nothing.
        None if !r.ok => {}
        None => {
            let key = rec.id.bench_key();
            notes.push(format!(
                "criterion has no estimate for {}/{}/{}",
                key.group, key.function, key.value
            ))
        }
    }
    Cell {
        id: rec.id.clone(),
        kind: r.kind,
        workers: r.workers,
        in_flight: rec.in_flight,
        size: r.size,
        tasks: r.tasks,
        delay_ms: rec.delay_ms,
        time: measured,
        ideal: None,
        baseline: None,
        verdict: Default::default(),
        setup_s: r.setup_s,
        peak_rss_bytes: r.peak_rss_bytes,
        census: r.census,
        io_latency: r.io_latency,
        ok: r.ok,
        answer: r.answer.clone(),
        expected: r.expected.clone(),
        failed_tasks: r.failed_tasks,
        errors: r.errors.clone(),
        notes,
        lane: r.lane,
        timeline: r.timeline.clone(),
        collect: r.collect,
        delivery: r.delivery,
        usage: r.usage,
    }
}

/// Every estimate under `dir`, keyed by the ids in its `benchmark.json`. A benchmark whose
/// files do not parse, or whose numbers are impossible, maps to the reason, so its cell can
/// say so; a missing dir is empty.
pub fn read_estimates(dir: &Path) -> HashMap<BenchKey, std::result::Result<Stat, String>> {
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
        let key = BenchKey {
            group: id.group_id,
            function: id.function_id.unwrap_or_default(),
            value: id.value_str.unwrap_or_default(),
        };
        found.insert(key, read_estimate(&new.join("estimates.json")));
    }
    found
}

fn read_estimate(path: &Path) -> std::result::Result<Stat, String> {
    let text = fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let e: EstimatesJson =
        serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    let ns = 1e-9;
    let (mean, lo, hi) = (
        e.mean.point_estimate * ns,
        e.mean.confidence_interval.lower_bound * ns,
        e.mean.confidence_interval.upper_bound * ns,
    );
    Stat::new(mean, lo, hi).ok_or_else(|| {
        format!(
            "{}: impossible estimate (mean {mean} s, 95% CI {lo} to {hi} s)",
            path.display()
        )
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
