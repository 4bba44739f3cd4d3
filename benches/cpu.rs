//! CPU-bound benches: every CPU workload under every model, plus a workers sweep.
//!
//! A custom `main` instead of `criterion_main!` so that, after the groups have run, the
//! records of this run are saved for the report. Sizes are picked so the whole bench takes a
//! few minutes on two cores; `cargo bench --bench cpu -- --test` runs each cell once.

mod common;

use criterion::Criterion;

use common::{long_cells, measure, model_config, CellSpec};
use concur::model;
use concur::run::{cores, RunRecord};
use concur::workload;

/// (workload, size): each sequential run takes roughly 50-150 ms here.
const CELLS: [(&str, u64); 4] = [
    ("primes", 6),
    ("primes-repeat", 8),
    ("sum-squares", 100_000_000),
    ("uneven", 100_000_000),
];

/// The workload whose speedup is swept over W, and the models that take a W.
const SCALING: (&str, u64) = ("sum-squares", 100_000_000);
const SCALING_MODELS: [&str; 4] = ["pool", "process", "async-mt", "async-blocking"];

fn main() {
    let mut c = Criterion::default().configure_from_args();
    let mut records = Vec::new();
    let workers = cores();

    for (name, size) in CELLS {
        let workload = workload::by_name(name).expect("registered workload");
        let params = workload.params(Some(size)).expect("valid size");
        let tasks = workload.plan(&params).expect("plannable").tasks.len();
        let mut group = c.benchmark_group(name);
        long_cells(&mut group);
        let mut baseline: Option<RunRecord> = None;
        for model in model::all() {
            let config = model_config(workers);
            let spec = CellSpec {
                group: name,
                workload,
                model,
                params: params.clone(),
                config: &config,
                value: model.workers(&config, tasks).to_string(),
            };
            let record = measure(&mut group, &mut records, spec, |cell, r| {
                // The sequential run is its own baseline.
                let base = baseline.as_ref().or((r.model == "sequential").then_some(r));
                cell.ideal(base, None)
            });
            if model.name() == "sequential" {
                baseline = record;
            }
        }
        group.finish();
    }

    let (name, size) = SCALING;
    let workload = workload::by_name(name).expect("registered workload");
    let params = workload.params(Some(size)).expect("valid size");
    let group_name = format!("{name}-scaling");
    let mut group = c.benchmark_group(&group_name);
    long_cells(&mut group);
    let baseline = measure(
        &mut group,
        &mut records,
        CellSpec {
            group: &group_name,
            workload,
            model: model::by_name("sequential").expect("registered model"),
            params: params.clone(),
            config: &model_config(1),
            value: "1".into(),
        },
        |cell, r| cell.ideal(Some(r), None),
    );
    for model_name in SCALING_MODELS {
        let model = model::by_name(model_name).expect("registered model");
        for w in 1..=2 * workers {
            let config = model_config(w);
            let spec = CellSpec {
                group: &group_name,
                workload,
                model,
                params: params.clone(),
                config: &config,
                value: w.to_string(),
            };
            measure(&mut group, &mut records, spec, |cell, _| {
                cell.ideal(baseline.as_ref(), None)
            });
        }
    }
    group.finish();

    c.final_summary();
    common::save_and_report("cpu", &records);
}
