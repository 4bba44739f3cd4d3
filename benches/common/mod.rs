//! What the criterion benches share: checking a cell once outside the timed loop, timing only
//! its execution, keeping the run records for the report, and telling a real measuring run
//! from `--test` / `--list`.

use std::hint::black_box;
use std::path::PathBuf;
use std::time::Duration;

use criterion::measurement::WallTime;
use criterion::{BenchmarkGroup, BenchmarkId, SamplingMode};

use concur::model::{Model, ModelConfig};
use concur::results::{self, BenchRecord};
use concur::run::{Bound, Ideal, Prepared, RunRecord};
use concur::workload::{Params, Workload};

/// The `process` model's worker: the `concur` binary cargo built for this bench.
pub fn model_config(workers: usize) -> ModelConfig {
    ModelConfig {
        worker_exe: Some(PathBuf::from(env!("CARGO_BIN_EXE_concur"))),
        ..ModelConfig::new(workers)
    }
}

/// True when criterion will really measure (not `--test`, `--list` or `--profile-time`): only
/// then are records written and the report rendered.
pub fn measuring() -> bool {
    !std::env::args().any(|a| a == "--test" || a == "--list" || a == "--profile-time")
}

/// Settings for groups whose iterations take tens to hundreds of milliseconds: flat sampling,
/// criterion's minimum of 10 samples, and short warm-up and measurement windows so a whole
/// bench stays within a few minutes on two cores.
pub fn long_cells(group: &mut BenchmarkGroup<'_, WallTime>) {
    group
        .sampling_mode(SamplingMode::Flat)
        .sample_size(10)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2));
}

/// One cell to measure.
pub struct CellSpec<'a> {
    /// Criterion's group name (the workload, or `<workload>-scaling`).
    pub group: &'a str,
    pub workload: &'static dyn Workload,
    pub model: &'static dyn Model,
    pub params: Params,
    pub config: &'a ModelConfig,
    /// Criterion's parameter for this cell (W, N, …).
    pub value: String,
}

/// Start the cell (setup, untimed), run it once and check its answer, then let criterion time
/// `execute` alone. A cell that fails to start or gives a wrong answer is recorded as failed
/// and not timed. `ideal` gets the started cell and its checked run. Returns the checked run.
pub fn measure(
    group: &mut BenchmarkGroup<'_, WallTime>,
    records: &mut Vec<BenchRecord>,
    spec: CellSpec<'_>,
    ideal: impl Fn(&Prepared, &RunRecord) -> Option<Ideal>,
) -> Option<RunRecord> {
    let name = format!("{}/{}/{}", spec.group, spec.model.name(), spec.value);
    let started = Prepared::start(spec.workload, spec.model, spec.params.clone(), spec.config);
    let (record, ideal, cell) = match started {
        Ok(mut cell) => {
            let record = cell.run();
            let ideal = ideal(&cell, &record);
            (record, ideal, Some(cell))
        }
        Err(e) => {
            let record =
                RunRecord::failed(spec.workload, spec.model, &spec.params, spec.config, &e);
            (record, None, None)
        }
    };
    let mut notes = Vec::new();
    if let Some(Ideal {
        bound: Bound::Mock,
        seconds,
    }) = ideal
    {
        // A mock-bound ideal is the task count over the ceiling: read the ceiling back.
        let rps = record.tasks as f64 / seconds;
        notes.push(format!(
            "bound by the mock server's ceiling ({rps:.0} requests/s), not by the model"
        ));
    }
    records.push(BenchRecord {
        group: spec.group.to_string(),
        function: spec.model.name().to_string(),
        value: spec.value.clone(),
        ideal_s: ideal.map(|i| i.seconds),
        peak_rss_bytes: record.peak_rss_bytes,
        record: record.clone(),
        notes,
    });
    match cell {
        Some(mut cell) if record.ok => {
            group.bench_function(BenchmarkId::new(spec.model.name(), &spec.value), |b| {
                b.iter(|| black_box(cell.execute()))
            });
            Some(record)
        }
        _ => {
            eprintln!("{name}: FAILED, not timed: {}", record.errors.join("; "));
            None
        }
    }
}

/// Save this bench's records and render the report from every bench's records so far (only
/// on a real measuring run: `--test` and `--list` leave both alone).
pub fn save_and_report(bench: &str, records: &[BenchRecord]) {
    if !measuring() {
        return;
    }
    match results::write_records(&results::records_dir(), bench, records) {
        Ok(path) => eprintln!(
            "concur: {} cell records written to {}",
            records.len(),
            path.display()
        ),
        Err(e) => eprintln!("concur: could not save records: {e:#}"),
    }
    match concur::report::generate("cargo bench") {
        Ok(page) => eprintln!("concur: report written to {}", page.display()),
        Err(e) => eprintln!("concur: could not write the report: {e:#}"),
    }
}
