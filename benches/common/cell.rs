//! One cell of a bench: start the model (setup, untimed), run it once to warm it up, run it
//! again to check the answer and record the census, timeline, CPU time and context switches
//! (that one checked run's figures, with its own wall time, not criterion's), then let
//! criterion time `execute` alone, checking every timed iteration too. What comes out is the cell's
//! [`BenchRecord`]: its checked run, how its ideal is made, the in-turn cell's task costs, and
//! for requests among CPU tasks their latency over every run criterion timed.

use std::hint::black_box;
use std::time::Duration;

use criterion::measurement::WallTime;
use criterion::{BenchmarkGroup, BenchmarkId};

use concur::compare;
use concur::ideal::ServerRates;
use concur::model::{Runs, Span};
use concur::results::{BenchRecord, IdealSpec, WorkloadInfo};
use concur::run::{cores, task_costs, Prepared, RunRecord};
use concur::workload::{Kind, Workload};

use super::cells::Spec;

/// Extra runs of an in-turn CPU or mixed cell whose task costs are measured.
const COST_RUNS: usize = 4;

/// Start, warm, check, record, then time one cell.
pub fn measure(
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
            let split = matches!(workload.kind(), Kind::Cpu | Kind::Mixed);
            if split && s.model.traits().runs == Runs::InTurn && record.ok {
                // CPU and mixed ideals split this cell's estimate by its tasks' costs: take
                // them as the median of a few runs, not from one run's noise.
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
            // Requests among CPU tasks: every timed run's spans, for their latency.
            let mut timed: Vec<Vec<Span>> = Vec::new();
            let mixes = cell.mixes();
            group.bench_function(
                BenchmarkId::new(s.model.name(), s.id.varied.bench_value()),
                |b| {
                    // Only the work is timed: a fresh state id before it, and the checks
                    // and spans kept after it, stay outside the clock.
                    b.iter_custom(|iters| {
                        let mut total = Duration::ZERO;
                        for _ in 0..iters {
                            let (took, runs) = cell.execute_timed();
                            total += took;
                            let ok = runs
                                .as_ref()
                                .is_ok_and(|runs| runs.iter().all(|r| r.outcome.is_ok()));
                            failed += usize::from(!ok);
                            if let (true, Ok(runs)) = (mixes && ok, &runs) {
                                timed.push(runs.iter().map(|r| r.span.clone()).collect());
                            }
                            let _ = black_box(runs);
                        }
                        total
                    })
                },
            );
            if failed > 0 {
                record.ok = false;
                record.errors.push(format!(
                    "{failed} timed iterations failed: the time is not shown"
                ));
            } else if mixes {
                let runs = std::iter::once(record.timeline.as_slice())
                    .chain(timed.iter().map(Vec::as_slice));
                record.io_latency = cell.io_latency(runs);
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
        notes: s.notes,
        time: None,
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

fn ideal_spec(
    cell: &Prepared,
    record: &RunRecord,
    kind: Kind,
    rates: Option<ServerRates>,
) -> IdealSpec {
    let connections = Some(record.census.connections);
    match kind {
        Kind::Cpu => IdealSpec::Cpu {
            workers: compare::cpu_lanes(cell),
            cores: cores(),
            batches: cell.batch_sizes(),
        },
        Kind::Io => compare::cell_io_ideal(cell, rates, connections)
            .map_or(IdealSpec::Unknown, IdealSpec::Known),
        Kind::Wait => compare::cell_wait_ideal(cell).map_or(IdealSpec::Unknown, IdealSpec::Known),
        Kind::Mixed => IdealSpec::Mixed {
            shape: compare::mixed_shape(cell),
            rates: compare::cell_io_ideal(cell, rates, connections),
        },
    }
}
