//! Fake results (this build's schema) built in memory, as `collect` would have made them: cells with
//! times, ideals, baselines and verdicts (judged by `concur::compare::judge`, like collect
//! does), censuses, synthetic timelines and CPU usage. Only the test code names models; the report must
//! find its way by what the models declared.
//!
//! The realistic set's cells are listed by concern: the CPU ones in `fixture_cpu.rs`, the IO
//! ones in `fixture_io.rs`, `mixed`, the tutorials' settings and the IO sweep of W in
//! `fixture_mixed.rs`, results collected in order against as completed in
//! `fixture_collect.rs`.

#[path = "fixture_collect.rs"]
mod collect;
#[path = "fixture_cpu.rs"]
mod cpu;
#[path = "fixture_io.rs"]
mod io;
#[path = "fixture_mixed.rs"]
pub mod mixed;
#[path = "fixture_timeline.rs"]
mod timeline;
#[path = "fixture_usage.rs"]
mod usage;

use std::collections::BTreeMap;

use concur::census::Census;
use concur::compare::judge;
use concur::ideal::{Bound, Ideal, Method, Stat};
use concur::identity::{CellId, Comparison, Varied};
use concur::model::{Collect, Delivery, ModelInfo, Runs};
use concur::results::{Cell, Machine, Results, WorkloadInfo, SCHEMA};
use concur::workload::Kind;

use timeline::timeline;

pub const CORES: usize = 2;

/// The models as the registry declares them today (a results file keeps its own copy).
pub fn registry_models() -> Vec<ModelInfo> {
    concur::model::all().iter().map(|m| m.info()).collect()
}

pub fn machine() -> Machine {
    Machine {
        cpu_model: "Fixture CPU @ 2.0GHz".into(),
        cores: CORES,
        memory_bytes: Some(8 << 30),
        os: "Debian GNU/Linux 12 (bookworm)".into(),
        rustc: "rustc 1.95.0".into(),
        crates: BTreeMap::from([("tokio".into(), "1.0.0".into())]),
    }
}

pub fn empty_results(models: Vec<ModelInfo>) -> Results {
    Results {
        schema: SCHEMA,
        generated: "2026-01-01T00:00:00Z".into(),
        command: "cargo bench".into(),
        machine: machine(),
        models,
        workloads: Vec::new(),
        cells: Vec::new(),
        units: None,
        flows: Vec::new(),
        python: None,
    }
}

/// What a fixture cell is.
#[derive(Clone)]
pub struct Spec {
    pub workload: &'static str,
    pub kind: Kind,
    pub comparison: Comparison,
    pub model: String,
    pub varied: Varied,
    pub tasks: usize,
    /// Criterion's mean; `None`: no estimate.
    pub mean: Option<f64>,
    /// Half the 95% CI as a fraction of the mean.
    pub spread: f64,
    pub ideal: Option<(f64, Bound, Method)>,
    /// Each task's relative cost, when not the default (even for CPU, jittered for IO).
    pub costs: Option<Vec<f64>>,
}

impl Spec {
    pub fn new(
        workload: &'static str,
        kind: Kind,
        comparison: Comparison,
        model: &str,
        varied: Varied,
        tasks: usize,
        mean: Option<f64>,
    ) -> Spec {
        Spec {
            workload,
            kind,
            comparison,
            model: model.into(),
            varied,
            tasks,
            mean,
            spread: 0.02,
            ideal: None,
            costs: None,
        }
    }

    pub fn ideal(mut self, seconds: f64, bound: Bound) -> Spec {
        self.ideal = Some((seconds, bound, Method::Exact));
        self
    }

    pub fn lower_bound(mut self) -> Spec {
        if let Some(i) = self.ideal.as_mut() {
            i.2 = Method::LowerBound;
        }
        self
    }
}

/// A cell from its spec, with no verdict yet (see [`judge_all`]).
pub fn cell(models: &[ModelInfo], spec: &Spec) -> Cell {
    let model = models
        .iter()
        .find(|m| m.name == spec.model)
        .unwrap_or_else(|| panic!("fixture model {}", spec.model));
    let n = spec.tasks;
    let workers = match spec.varied {
        Varied::Workers(w) => w,
        _ => match model.runs {
            Runs::InTurn | Runs::EventLoop => 1,
            Runs::ThreadPerTask => n,
            _ => CORES,
        },
    };
    let in_flight = match (spec.kind, spec.varied, model.runs) {
        (_, Varied::Window(k) | Varied::Batch(k), _) => k,
        (
            Kind::Io | Kind::Mixed,
            _,
            Runs::EventLoop | Runs::EventLoopThreads | Runs::ThreadPerTask | Runs::EventLoopBlocked,
        ) => n,
        _ => workers,
    };
    let io = spec.kind.has_io();
    let census = Census {
        threads: if model.runs == Runs::ThreadPerTask {
            n as u64
        } else {
            0
        },
        tasks: if model.runs.event_loop() && model.runs != Runs::EventLoopToPool {
            n as u64
        } else {
            0
        },
        processes: 0,
        connections: match (io, model.runs) {
            (false, _) => 0,
            (true, Runs::ThreadPerTask | Runs::EventLoop | Runs::EventLoopThreads) => {
                in_flight as u64
            }
            (true, _) => workers as u64,
        },
    };
    let time = spec
        .mean
        .and_then(|m| Stat::new(m, m * (1.0 - spec.spread), m * (1.0 + spec.spread)));
    let wall = spec.mean.unwrap_or(0.05);
    let keeps_timeline = match spec.comparison {
        Comparison::Models | Comparison::Limits | Comparison::Tutorial | Comparison::Collect => {
            true
        }
        Comparison::Scaling | Comparison::Python => false,
        Comparison::Sizes => spec.varied == Varied::Size(100),
    };
    let per_task: u64 = if model.runs == Runs::ThreadPerTask {
        48 << 10
    } else {
        20 << 10
    };
    // Kept only for the cells the page draws, as collect keeps them.
    let timeline = timeline(model, spec, workers, wall);
    let timeline = if keeps_timeline { timeline } else { Vec::new() };
    let rss = Some(if io {
        (20 << 20) + n as u64 * per_task
    } else {
        9 << 20
    });
    Cell {
        id: CellId {
            workload: spec.workload.into(),
            comparison: spec.comparison,
            model: spec.model.clone(),
            varied: spec.varied,
        },
        kind: spec.kind,
        workers,
        in_flight,
        size: match spec.varied {
            Varied::Size(s) => s,
            _ => n as u64,
        },
        tasks: n,
        delay_ms: io.then_some(20),
        time,
        ideal: spec.ideal.map(|(seconds, bound, method)| Ideal {
            seconds,
            low_s: seconds,
            high_s: seconds,
            bound,
            method,
        }),
        baseline: None,
        verdict: Default::default(),
        setup_s: match model.runs {
            Runs::Processes => 0.012,
            Runs::ThreadPool | Runs::EventLoopThreads => 0.0004,
            _ => 0.0,
        },
        peak_rss_bytes: rss,
        census,
        io_latency: None,
        ok: true,
        answer: Some("9592".into()),
        expected: "9592".into(),
        failed_tasks: 0,
        errors: Vec::new(),
        notes: Vec::new(),
        lane: model.lane,
        delivery: Delivery::of(&timeline).filter(|_| keeps_timeline),
        timeline,
        collect: match spec.varied {
            Varied::Collect(c) => c,
            _ => Collect::Ordered,
        },
        usage: usage::usage(model, spec, workers, wall),
    }
}

/// Baselines and verdicts, as collect makes them: the in-turn cell (by its declared `runs`)
/// of the same workload and work, from the same comparison and value if there is one.
pub fn judge_all(results: &mut Results) {
    let in_turn = |name: &str| {
        results
            .models
            .iter()
            .any(|m| m.name == name && m.runs == Runs::InTurn)
    };
    let bases: Vec<Option<usize>> = (0..results.cells.len())
        .map(|i| {
            let c = &results.cells[i];
            let cands: Vec<usize> = (0..results.cells.len())
                .filter(|&j| {
                    let b = &results.cells[j];
                    in_turn(&b.id.model)
                        && b.ok
                        && b.time.is_some()
                        && b.id.workload == c.id.workload
                        && b.tasks == c.tasks
                })
                .collect();
            let same = |j: &&usize| results.cells[**j].id.comparison == c.id.comparison;
            cands
                .iter()
                .find(|j| same(j) && results.cells[**j].id.varied == c.id.varied)
                .or_else(|| cands.iter().find(same))
                .or_else(|| cands.first())
                .copied()
        })
        .collect();
    let times: Vec<Option<Stat>> = results.cells.iter().map(|c| c.time).collect();
    let ids: Vec<CellId> = results.cells.iter().map(|c| c.id.clone()).collect();
    for (c, base) in results.cells.iter_mut().zip(bases) {
        c.verdict = judge(c.ok, c.time, base.and_then(|b| times[b]), c.ideal.as_ref());
        c.baseline = base.map(|b| ids[b].clone());
    }
}

/// A realistic results set for a 2-core machine: three CPU workloads (one with a failed cell,
/// one with an anomaly), a scaling sweep, three IO workloads (one cell without an estimate),
/// the api's window against batches, the crowd at three sizes with its largest bound by
/// connection setup, the tutorials' settings, an IO sweep of W, `mixed` with latencies, and
/// uneven's and the api's results collected both ways.
pub fn realistic() -> Results {
    let models = registry_models();
    let mut r = empty_results(models.clone());
    r.workloads = vec![
        workload("primes", Kind::Cpu, "count primes below N in chunks"),
        workload(
            "sum-squares",
            Kind::Cpu,
            "Σ i² over 0..N, cut into 16 equal chunks",
        ),
        workload("uneven", Kind::Cpu, "two huge and forty tiny tasks"),
        workload("sites", Kind::Io, "GET 20 pages"),
        workload("api", Kind::Io, "POST 50 questions to a slow API"),
        workload("fanout", Kind::Io, "one handler making three calls"),
        workload("crowd", Kind::Io, "N small GETs all in flight at once"),
        workload(
            "mixed",
            Kind::Mixed,
            "20 GETs with four CPU tasks among them",
        ),
    ];
    let mut specs = cpu::specs();
    specs.extend(io::specs());
    specs.extend(mixed::specs());
    specs.extend(collect::specs());
    r.cells = specs.iter().map(|s| cell(&models, s)).collect();
    mixed::decorate(&mut r);
    if let Some(c) = r
        .cells
        .iter_mut()
        .find(|c| c.id.workload == "uneven" && c.id.model == "process")
    {
        c.ok = false;
        c.answer = Some("9591".into());
        c.errors = vec!["wrong answer: got 9591, expected 9592".into()];
    }
    if let Some(c) = r
        .cells
        .iter_mut()
        .find(|c| c.id.workload == "api" && c.id.model == "async-blocking")
    {
        c.notes
            .push("criterion has no estimate for api/async-blocking/2".into());
    }
    judge_all(&mut r);
    r
}

fn workload(name: &str, kind: Kind, summary: &str) -> WorkloadInfo {
    WorkloadInfo {
        name: name.into(),
        kind,
        summary: summary.into(),
        shares_state: false,
        size_unit: String::new(),
    }
}
