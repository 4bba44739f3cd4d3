//! Benches as data: each bench is a table of [`Group`]s (workload, size, server delay, which
//! models, what varies), and [`run`] is the one driver that turns a table into criterion
//! groups (`cells.rs` makes a group's cells). Putting a workload in the benches is one line of
//! a table.
//!
//! For every cell the driver starts the model (setup, untimed), runs it once to warm it up,
//! runs it again to check the answer and record the census and timeline, then lets criterion
//! time `execute` alone. A cell that fails to start or answers wrong is recorded as failed and
//! not timed. Records are saved, and the report rendered, only on a real measuring run.
// Each bench compiles this module on its own and uses only part of the table's vocabulary.
#![allow(dead_code)]

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::Duration;

use criterion::measurement::WallTime;
use criterion::{BenchmarkGroup, BenchmarkId, Criterion, SamplingMode};

mod cells;
mod filter;
mod table;

use cells::Spec;
use filter::Filter;
pub use table::{Group, Models, Vary};

use concur::compare;
use concur::ideal::ServerRates;
use concur::mock::{MockSpec, Server};
use concur::model::{self, Model, ModelConfig, Runs};
use concur::results::{self, BenchRecord, IdealSpec, WorkloadInfo};
use concur::run::{cores, task_costs, Prepared, RunRecord};
use concur::workload::{self, IoParams, Kind, Params, Workload};

/// Requests a server waits on before giving up, in benches.
const TIMEOUT_MS: u64 = 30_000;

fn exe() -> &'static Path {
    Path::new(env!("CARGO_BIN_EXE_concur"))
}

/// True when criterion will really measure (not `--test`, `--list` or `--profile-time`): only
/// then are records written and the report rendered.
pub fn measuring() -> bool {
    !std::env::args().any(|a| a == "--test" || a == "--list" || a == "--profile-time")
}

/// Run every group of `table` and save the records as `bench` (then render the report).
pub fn run(bench: &str, table: &[Group]) {
    let mut c = Criterion::default().configure_from_args();
    concur::limits::raise_open_files();
    let filter = Filter::from_args();
    let mut records = Vec::new();
    let rates = table
        .iter()
        .any(|g| g.delay_ms.is_some())
        .then(calibrate)
        .flatten();
    for group in table {
        if let Err(e) = run_group(&mut c, group, rates, &filter, &mut records) {
            eprintln!("concur: group {} not run: {e:#}", group.workload);
        }
    }
    c.final_summary();
    save_and_report(bench, &records, filter.is_active());
}

/// The mock server's rates, measured once per bench on a zero-delay server.
fn calibrate() -> Option<ServerRates> {
    let server = Server::spawn(exe(), MockSpec::new(0)).ok()?;
    match concur::session::calibrate(server.uri()) {
        Ok(r) => {
            eprintln!(
                "concur: mock server: {:.0} requests/s kept alive, {:.0} new connections/s",
                r.requests_per_s, r.connections_per_s
            );
            Some(r)
        }
        Err(e) => {
            eprintln!(
                "concur: could not calibrate the mock server ({e}); IO ideals ignore its rates"
            );
            None
        }
    }
}

fn run_group(
    c: &mut Criterion,
    g: &Group,
    rates: Option<ServerRates>,
    filter: &Filter,
    records: &mut Vec<BenchRecord>,
) -> anyhow::Result<()> {
    let workload = workload::by_name(g.workload)?;
    let server = match g.delay_ms {
        Some(d) => Some(Server::spawn(exe(), MockSpec::new(d))?),
        None => None,
    };
    let params_at = |size: u64| -> anyhow::Result<Params> {
        let mut p = workload.params(Some(size))?;
        if let (Some(server), Some(delay_ms)) = (&server, g.delay_ms) {
            p.io = Some(IoParams {
                base_url: server.uri().to_string(),
                delay_ms,
                timeout_ms: TIMEOUT_MS,
            });
        }
        Ok(p)
    };
    let models: Vec<&'static dyn Model> = match g.models {
        Models::All => model::all(),
        Models::TakingW => model::all()
            .into_iter()
            .filter(|m| takes_workers(m.traits().runs))
            .collect(),
        Models::Named(names) => names
            .iter()
            .map(|n| model::by_name(n))
            .collect::<Result<_, _>>()?,
    };
    let config = |w: usize| ModelConfig {
        worker_exe: Some(PathBuf::from(exe())),
        ..ModelConfig::new(w)
    };
    let mut specs = cells::specs(g, workload, models, &params_at, &config)?;
    specs.retain(|s| {
        let k = s.id.bench_key();
        filter.selects(&format!("{}/{}/{}", k.group, k.function, k.value))
    });
    if specs.is_empty() {
        return Ok(());
    }
    let group_name = specs
        .first()
        .map(|s| s.id.bench_key().group)
        .unwrap_or_else(|| g.workload.to_string());
    let mut group = c.benchmark_group(group_name);
    long_cells(&mut group);
    for s in specs {
        records.push(measure(&mut group, workload, s, g.delay_ms, rates));
    }
    group.finish();
    Ok(())
}

/// Ways of running whose W the user sets.
fn takes_workers(runs: Runs) -> bool {
    matches!(
        runs,
        Runs::ThreadPool | Runs::Processes | Runs::EventLoopThreads | Runs::EventLoopToPool
    )
}

/// Settings for groups whose iterations take tens to hundreds of milliseconds: flat sampling,
/// criterion's minimum of 10 samples, short warm-up and measurement windows and a lighter
/// bootstrap, so a whole bench stays within a few minutes on two cores.
fn long_cells(group: &mut BenchmarkGroup<'_, WallTime>) {
    group
        .sampling_mode(SamplingMode::Flat)
        .sample_size(10)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
        // Ten samples do not need criterion's default 100000 bootstrap resamples for a 95%
        // interval; 10000 keep it stable and cut the analysis after each cell tenfold.
        .nresamples(10_000);
}

/// Start, warm, check, record, then time one cell.
fn measure(
    group: &mut BenchmarkGroup<'_, WallTime>,
    workload: &'static dyn Workload,
    s: Spec,
    delay_ms: Option<u64>,
    rates: Option<ServerRates>,
) -> BenchRecord {
    let mut task_costs_s = Vec::new();
    let (record, cell) = match Prepared::start(workload, s.model, s.params.clone(), &s.config) {
        Ok(mut cell) => {
            // The first run opens connections and fills caches, as criterion's warm-up does;
            // the second is the one checked and recorded.
            let _ = cell.run();
            let record = cell.run();
            if workload.kind() == Kind::Cpu && s.model.traits().runs == Runs::InTurn && record.ok {
                // CPU ideals split this cell's estimate by its tasks' costs: take them as
                // the median of a few runs, not from one run's noise.
                let mut runs = vec![task_costs(&record)];
                runs.extend((0..COST_RUNS).map(|_| task_costs(&cell.run())));
                task_costs_s = median_costs(&runs);
            }
            (record, Some(cell))
        }
        Err(e) => (
            RunRecord::failed(workload, s.model, &s.params, &s.config, &e),
            None,
        ),
    };
    let (in_flight, ideal) = match &cell {
        Some(cell) => (
            cell.in_flight(),
            ideal_spec(cell, &record, workload.kind(), rates),
        ),
        None => (0, IdealSpec::Unknown),
    };
    let mut record = record;
    match cell {
        Some(mut cell) if record.ok => {
            // Every timed iteration's outcome is checked too: a failed run can be fast
            // because it failed, and must not pass for a measurement.
            let mut failed = 0usize;
            group.bench_function(
                BenchmarkId::new(s.model.name(), s.id.varied.bench_value()),
                |b| {
                    b.iter(|| {
                        let runs = cell.execute();
                        let ok = runs
                            .as_ref()
                            .is_ok_and(|runs| runs.iter().all(|r| r.outcome.is_ok()));
                        failed += usize::from(!ok);
                        black_box(runs)
                    })
                },
            );
            if failed > 0 {
                record.ok = false;
                record.errors.push(format!(
                    "{failed} timed iterations failed: the time is not shown"
                ));
            }
        }
        _ => eprintln!("{}: FAILED, not timed: {}", s.id, record.errors.join("; ")),
    }
    BenchRecord {
        id: s.id,
        model: s.model.info(),
        workload: WorkloadInfo::of(workload),
        record,
        in_flight,
        delay_ms,
        ideal,
        task_costs_s,
        notes: Vec::new(),
    }
}

/// Extra runs of an in-turn CPU cell whose task costs are measured.
const COST_RUNS: usize = 4;

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

fn ideal_spec(
    cell: &Prepared,
    record: &RunRecord,
    kind: Kind,
    rates: Option<ServerRates>,
) -> IdealSpec {
    match kind {
        Kind::Cpu => IdealSpec::Cpu {
            workers: compare::cpu_lanes(cell),
            cores: cores(),
            batches: cell.batch_sizes(),
        },
        Kind::Io => compare::cell_io_ideal(cell, rates, Some(record.census.connections))
            .map_or(IdealSpec::Unknown, IdealSpec::Known),
    }
}

/// Save this bench's records and render the report from every bench's records so far (only
/// on a real measuring run: `--test` and `--list` leave both alone).
fn save_and_report(bench: &str, records: &[BenchRecord], filtered: bool) {
    if !measuring() {
        return;
    }
    match results::write_records(&results::records_dir(), bench, records, filtered) {
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
