//! Benches as data: each bench is a table of [`Group`]s (workload, size, server delay, which
//! models, what varies), and [`run`] is the one driver that turns a table into criterion
//! groups (`cells.rs` makes a group's cells). Putting a workload in the benches is one line of
//! a table.
//!
//! For every cell the driver starts the model (setup, untimed), runs it once to warm it up,
//! runs it again to check the answer and record the census and timeline, then lets criterion
//! time `execute` alone ([`cell`]). A cell that fails to start or answers wrong is recorded as
//! failed and not timed. Records are saved, and the report rendered, only on a real measuring
//! run.
// Each bench compiles this module on its own and uses only part of the table's vocabulary.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::time::Duration;

use criterion::measurement::WallTime;
use criterion::{BenchmarkGroup, Criterion, SamplingMode};

mod cell;
mod cells;
mod filter;
mod flow;
mod table;

use cell::measure;
pub use filter::Filter;
// Each bench uses the part of the vocabulary its table needs.
#[allow(unused_imports)]
pub use table::{Group, Models, PoolSize, Tutorial, Vary};

use concur::ideal::ServerRates;
use concur::mock::{MockSpec, Server};
use concur::model::{self, Model, ModelConfig, Runs};
use concur::results::{self, BenchRecord};
use concur::workload::{self, IoParams, Params};

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
    run_all(bench, table, false);
}

/// [`run`], then the crawl's pipelines (`flow.rs`), before the report is rendered.
pub fn run_with_crawl(bench: &str, table: &[Group]) {
    run_all(bench, table, true);
}

fn run_all(bench: &str, table: &[Group], crawl: bool) {
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
    if crawl {
        let flows = flow::crawl(&mut c, &filter, exe());
        if measuring() && !flows.is_empty() {
            let dir = results::records_dir();
            match concur::pipeline::record::write(&dir, bench, &flows, filter.is_active()) {
                Ok(path) => eprintln!(
                    "concur: {} crawl cells written to {}",
                    flows.len(),
                    path.display()
                ),
                Err(e) => eprintln!("concur: could not save the crawl cells: {e:#}"),
            }
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
    let listed = || {
        model::all()
            .into_iter()
            .filter(|m| !table::ON_REQUEST.contains(&m.name()))
    };
    let mut models: Vec<&'static dyn Model> = match g.models {
        Models::All => listed().collect(),
        Models::TakingW => listed()
            .filter(|m| takes_workers(m.traits().runs))
            .collect(),
        Models::Named(names) => names
            .iter()
            .map(|n| model::by_name(n))
            .collect::<Result<_, _>>()?,
    };
    for name in g.also {
        models.push(model::by_name(name)?);
    }
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
    runs.on_w_lanes() || runs == Runs::EventLoopThreads
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
