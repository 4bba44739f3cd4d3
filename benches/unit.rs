//! The unit costs bench: what one thread, task or process costs, beside the published
//! figures. `unit-spawn` times N empty tasks per model (criterion's mean ÷ N = per task, the
//! model's start timed apart); `unit-pingpong` times K round trips between two lanes of each
//! kind (÷ 2K = per switch, the second lane's start apart); `unit-sleepers` climbs N under
//! the models that hold every unit at once and fits peak memory over N (not timed by
//! criterion: its figure is bytes). Every cell's answer is checked before it is timed.
//!
//! On a measuring run the figures go to `target/concur/units.json` and the report is
//! rendered with them ("What one unit costs").

#[path = "common/filter.rs"]
mod filter;

use std::cell::RefCell;
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::Duration;

use criterion::measurement::WallTime;
use criterion::{BenchmarkGroup, BenchmarkId, Criterion, SamplingMode};

use concur::ideal::Stat;
use concur::identity::BenchKey;
use concur::model::{self, ModelConfig};
use concur::run::Prepared;
use concur::unit::pingpong::{self, Flavour};
use concur::unit::record::{self, UnitCosts, UnitMemory, UnitTime};
use concur::unit::sleepers::{self, Caps};
use concur::unit::{published, spawn};
use concur::workload::Params;

/// Empty tasks per timed iteration of `unit-spawn`.
const SPAWN_N: u64 = 1_000;
/// Round trips per timed iteration of `unit-pingpong`.
const ROUND_TRIPS: u64 = 2_000;

fn exe() -> &'static Path {
    Path::new(env!("CARGO_BIN_EXE_concur"))
}

fn main() {
    let mut c = Criterion::default().configure_from_args();
    let filter = filter::Filter::from_args();
    let args: Vec<String> = std::env::args().collect();
    let has = |flag: &str| args.iter().any(|a| a == flag);
    let measuring = !(has("--test") || has("--list") || has("--profile-time"));
    let mut costs = UnitCosts {
        machine: published::this_machine(),
        ..UnitCosts::default()
    };
    let config = ModelConfig {
        worker_exe: Some(PathBuf::from(exe())),
        ..ModelConfig::new(concur::run::cores())
    };
    spawn_group(&mut c, &filter, &config, &mut costs);
    pingpong_group(&mut c, &filter, &mut costs);
    let max_units = if has("--test") || has("--list") {
        400
    } else if has("--quick") {
        6_400
    } else {
        102_400
    };
    sleepers_climbs(&filter, &config, max_units, &mut costs);
    c.final_summary();
    if measuring && !(costs.times.is_empty() && costs.memory.is_empty()) {
        save_and_report(costs, filter.is_active());
    }
}

/// Short windows: a unit cell's iteration takes milliseconds to a tenth of a second, and ten
/// flat samples give its mean to a few percent.
fn settings(group: &mut BenchmarkGroup<'_, WallTime>) {
    group
        .sampling_mode(SamplingMode::Flat)
        .sample_size(10)
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_secs(1))
        .nresamples(10_000);
}

fn spawn_group(
    c: &mut Criterion,
    filter: &filter::Filter,
    config: &ModelConfig,
    costs: &mut UnitCosts,
) {
    let mut group = c.benchmark_group("unit-spawn");
    settings(&mut group);
    for m in model::all() {
        if !filter.selects(&format!("unit-spawn/{}/{SPAWN_N}", m.name())) {
            continue;
        }
        let params = Params {
            size: SPAWN_N,
            io: None,
        };
        let mut row = UnitTime {
            probe: "spawn".into(),
            who: m.name().into(),
            runs: Some(m.traits().runs),
            unit: "task".into(),
            units: SPAWN_N,
            per_unit: None,
            setup_s: 0.0,
            ok: false,
            errors: Vec::new(),
        };
        match Prepared::start(&spawn::SPAWN, m, params, config) {
            Ok(mut cell) => {
                let _warm = cell.run();
                let checked = cell.run();
                row.setup_s = checked.setup_s;
                row.ok = checked.ok;
                row.errors = checked.errors;
                if row.ok {
                    group.bench_function(BenchmarkId::new(m.name(), SPAWN_N), |b| {
                        // The work alone: its runs are dropped outside the clock.
                        b.iter_custom(|iters| {
                            (0..iters)
                                .map(|_| {
                                    let (took, runs) = cell.execute_timed();
                                    let _ = black_box(runs.map(|runs| runs.len()));
                                    took
                                })
                                .sum()
                        })
                    });
                }
            }
            Err(e) => row.errors.push(e.to_string()),
        }
        costs.times.push(row);
    }
    group.finish();
}

fn pingpong_group(c: &mut Criterion, filter: &filter::Filter, costs: &mut UnitCosts) {
    let mut group = c.benchmark_group("unit-pingpong");
    settings(&mut group);
    for flavour in Flavour::ALL {
        if !filter.selects(&format!("unit-pingpong/{}/{ROUND_TRIPS}", flavour.name())) {
            continue;
        }
        let checked = pingpong::measure(flavour, ROUND_TRIPS, 1, Some(exe()));
        let mut row = UnitTime {
            probe: "pingpong".into(),
            who: flavour.name().into(),
            runs: None,
            unit: "switch".into(),
            units: 2 * ROUND_TRIPS,
            per_unit: None,
            setup_s: checked.setup_s,
            ok: checked.ok,
            errors: checked.errors,
        };
        if row.ok {
            let broke: RefCell<Option<String>> = RefCell::new(None);
            group.bench_function(BenchmarkId::new(flavour.name(), ROUND_TRIPS), |b| {
                b.iter_custom(|iters| {
                    let mut total = Duration::ZERO;
                    for _ in 0..iters {
                        match pingpong::counted(flavour, ROUND_TRIPS, Some(exe())) {
                            Ok(t) => total += t,
                            Err(e) => {
                                broke.borrow_mut().get_or_insert(e);
                            }
                        }
                    }
                    total
                })
            });
            if let Some(e) = broke.into_inner() {
                row.ok = false;
                row.errors.push(e);
            }
        }
        costs.times.push(row);
    }
    group.finish();
}

fn sleepers_climbs(
    filter: &filter::Filter,
    config: &ModelConfig,
    max_units: u64,
    costs: &mut UnitCosts,
) {
    let mut models: Vec<_> = model::all()
        .into_iter()
        .filter(|m| sleepers::holds_every_unit(m.traits().runs))
        .filter(|m| filter.selects(&format!("unit-sleepers/{}/climb", m.name())))
        .collect();
    // A thread per unit climbs last (see `concur::unit::Plan`).
    models.sort_by_key(|m| m.traits().runs == concur::model::Runs::ThreadPerTask);
    for m in models {
        let row = sleepers::climb(m, Caps::new(max_units), config);
        let fit = row
            .fit
            .map_or("no fit".into(), |f| format!("{:.0} B per unit", f.slope));
        let end = row
            .fails_at
            .as_ref()
            .map(|f| format!("fails at N={}: {}", f.units, f.reason))
            .or(row.stopped.clone())
            .unwrap_or_default();
        eprintln!("unit-sleepers/{}: {fit}; {end}", m.name());
        costs.memory.push(UnitMemory::from(&row));
    }
}

/// Each time per unit from criterion's estimate, ours beside the published figures, the
/// file written, and the report rendered.
fn save_and_report(mut costs: UnitCosts, filtered: bool) {
    let estimates = concur::report::read_estimates(&concur::report::criterion_dir());
    let group = |probe: &str| format!("unit-{probe}");
    for t in costs.times.iter_mut().filter(|t| t.ok) {
        let key = BenchKey {
            group: group(&t.probe),
            function: t.who.clone(),
            value: (if t.probe == "spawn" {
                SPAWN_N
            } else {
                ROUND_TRIPS
            })
            .to_string(),
        };
        let units = t.units as f64;
        t.per_unit = estimates
            .get(&key)
            .and_then(|e| e.as_ref().ok())
            .and_then(|s| Stat::new(s.mean_s / units, s.low_s / units, s.high_s / units));
    }
    let path = record::path();
    if filtered {
        if let Some(older) = record::read(&path) {
            costs.keep_from(older);
        }
    }
    costs.beside = published::beside(&costs.ours());
    match record::write(&path, &costs) {
        Ok(()) => eprintln!("concur: unit costs written to {}", path.display()),
        Err(e) => eprintln!("concur: could not save unit costs: {e:#}"),
    }
    match concur::report::generate("cargo bench") {
        Ok(page) => eprintln!("concur: report written to {}", page.display()),
        Err(e) => eprintln!("concur: could not write the report: {e:#}"),
    }
}
