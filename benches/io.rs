//! IO-bound benches: every IO workload under every model against the mock server, the api's
//! sliding window against batches, and `crowd` at 100, 1000 and 10000 requests in flight.
//!
//! Each group gets a fresh mock server (a child `concur serve`, started untimed), so nothing a
//! server kept from one group carries into the next. Delays are short so the whole bench takes
//! a few minutes; the lessons (in turn = the sum of the delays, in flight = one delay per
//! round) hold at any delay. `cargo bench --bench io -- --test` runs each cell once.

mod common;

use std::path::Path;

use criterion::Criterion;

use common::{long_cells, measure, model_config, CellSpec};
use concur::mock::{self, MockSpec, Server};
use concur::model::{self, ModelConfig};
use concur::run::cores;
use concur::workload::{self, IoParams, Params};

/// (workload, size, server delay in ms)
const CELLS: [(&str, u64, u64); 3] = [("sites", 20, 20), ("api", 50, 20), ("fanout", 1, 20)];

/// The api compared at five in flight: a sliding window (`--concurrency 5`) against batches
/// of five (`--batch 5`).
const LIMIT: usize = 5;

/// `crowd`: requests in flight, the delay, and the models that keep them all in flight.
const CROWD_SIZES: [u64; 3] = [100, 1_000, 10_000];
const CROWD_DELAY_MS: u64 = 100;
const CROWD_MODELS: [&str; 3] = ["threads", "async", "async-mt"];

const TIMEOUT_MS: u64 = 30_000;

fn exe() -> &'static Path {
    Path::new(env!("CARGO_BIN_EXE_concur"))
}

fn server(delay_ms: u64) -> Server {
    Server::spawn(exe(), MockSpec::new(delay_ms)).expect("the mock server starts")
}

fn io_params(workload: &str, size: u64, server: &Server, delay_ms: u64) -> Params {
    let mut params = workload::by_name(workload)
        .and_then(|w| w.params(Some(size)))
        .expect("valid workload and size");
    params.io = Some(IoParams {
        base_url: server.uri().to_string(),
        delay_ms,
        timeout_ms: TIMEOUT_MS,
    });
    params
}

fn main() {
    let mut c = Criterion::default().configure_from_args();
    let mut records = Vec::new();
    let workers = cores();

    // The server's own ceiling, measured once: cells that would need more requests per
    // second than this are marked as bound by the mock, not by their model.
    let ceiling = {
        let calibration = server(0);
        mock::ceiling(calibration.uri(), 2_000).expect("the mock server answers")
    };
    eprintln!("concur: mock server ceiling: {ceiling:.0} requests/s at zero delay");

    for (name, size, delay_ms) in CELLS {
        let server = server(delay_ms);
        let workload = workload::by_name(name).expect("registered workload");
        let params = io_params(name, size, &server, delay_ms);
        let tasks = workload.plan(&params).expect("plannable").tasks.len();
        let mut group = c.benchmark_group(name);
        long_cells(&mut group);
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
            measure(&mut group, &mut records, spec, |cell, _| {
                cell.ideal(None, Some(ceiling))
            });
        }
        group.finish();
    }

    // Sliding window vs batches, both at LIMIT requests in flight.
    {
        let delay_ms = 20;
        let server = server(delay_ms);
        let workload = workload::by_name("api").expect("registered workload");
        let params = io_params("api", 50, &server, delay_ms);
        let group_name = "api-limit";
        let mut group = c.benchmark_group(group_name);
        long_cells(&mut group);
        for model_name in ["async", "threads"] {
            let model = model::by_name(model_name).expect("registered model");
            let window = ModelConfig {
                in_flight: Some(LIMIT),
                ..model_config(workers)
            };
            let batches = ModelConfig {
                batch: Some(LIMIT),
                ..model_config(workers)
            };
            for (value, config) in [
                (format!("window-{LIMIT}"), window),
                (format!("batch-{LIMIT}"), batches),
            ] {
                let spec = CellSpec {
                    group: group_name,
                    workload,
                    model,
                    params: params.clone(),
                    config: &config,
                    value,
                };
                measure(&mut group, &mut records, spec, |cell, _| {
                    cell.ideal(None, Some(ceiling))
                });
            }
        }
        group.finish();
    }

    // The crowd: thread per request against async, at growing N.
    {
        let server = server(CROWD_DELAY_MS);
        let workload = workload::by_name("crowd").expect("registered workload");
        let mut group = c.benchmark_group("crowd");
        long_cells(&mut group);
        for n in CROWD_SIZES {
            let params = io_params("crowd", n, &server, CROWD_DELAY_MS);
            for model_name in CROWD_MODELS {
                let model = model::by_name(model_name).expect("registered model");
                let config = model_config(workers);
                let spec = CellSpec {
                    group: "crowd",
                    workload,
                    model,
                    params: params.clone(),
                    config: &config,
                    value: n.to_string(),
                };
                measure(&mut group, &mut records, spec, |cell, _| {
                    cell.ideal(None, Some(ceiling))
                });
            }
        }
        group.finish();
    }

    c.final_summary();
    common::save_and_report("io", &records);
}
