//! The realistic fixture's newer cells: `mixed` under every model with each request's latency
//! (one event loop stalled by its CPU tasks, a blocking pool near the delay), the tutorials'
//! own settings (the api's pool of 5 in batches of 10, fanout's pool of min(32, cores + 4)),
//! and `sites` swept over W = 1, 2, 5, 10, 20.

use concur::ideal::Bound;
use concur::identity::{CellId, Comparison, Varied};
use concur::latency::IoLatency;
use concur::results::Results;
use concur::workload::Kind;

use super::Spec;

/// The note the bench's table gives the api's tutorial cell.
pub const API_NOTE: &str =
    "The tutorial measured 32.4 to 40.5 s against 128 to 130 s (3.2 to 4.0×).";

/// (model, mean, ideal, its bound, latency p50, p95, max, CPU task length)
type MixedRow = (&'static str, f64, f64, Bound, f64, f64, f64, f64);

/// Every model on `mixed`: 20 requests of 20 ms and four CPU tasks of about 21 ms.
const MIXED: [MixedRow; 7] = [
    (
        "sequential",
        0.485,
        0.484,
        Bound::DelayAndCpu,
        0.0202,
        0.0205,
        0.021,
        0.021,
    ),
    (
        "threads",
        0.046,
        0.042,
        Bound::Cores,
        0.021,
        0.026,
        0.03,
        0.04,
    ),
    (
        "pool",
        0.245,
        0.242,
        Bound::DelayAndCpu,
        0.0202,
        0.0204,
        0.021,
        0.021,
    ),
    (
        "process",
        0.252,
        0.242,
        Bound::DelayAndCpu,
        0.0203,
        0.021,
        0.022,
        0.022,
    ),
    ("async", 0.11, 0.084, Bound::Cores, 0.06, 0.1, 0.1, 0.022),
    (
        "async-mt",
        0.07,
        0.042,
        Bound::Cores,
        0.021,
        0.062,
        0.065,
        0.03,
    ),
    (
        "async-blocking",
        0.251,
        0.242,
        Bound::DelayAndCpu,
        0.0202,
        0.0208,
        0.022,
        0.023,
    ),
];

pub fn specs() -> Vec<Spec> {
    let mut specs: Vec<Spec> = MIXED
        .iter()
        .map(|&(m, mean, ideal, bound, ..)| {
            let w = match m {
                "threads" => 24,
                "sequential" | "async" => 1,
                _ => 2,
            };
            let s = Spec::new(
                "mixed",
                Kind::Mixed,
                Comparison::Models,
                m,
                Varied::Workers(w),
                24,
                Some(mean),
            );
            let s = s.ideal(ideal, bound);
            if bound == Bound::DelayAndCpu {
                s
            } else {
                s.lower_bound()
            }
        })
        .collect();
    let pool = Varied::WorkersBatch {
        workers: 5,
        batch: 10,
    };
    specs.push(
        Spec::new(
            "api",
            Kind::Io,
            Comparison::Tutorial,
            "pool",
            pool,
            50,
            Some(0.26),
        )
        .ideal(0.19, Bound::Delay),
    );
    specs.push(
        Spec::new(
            "fanout",
            Kind::Io,
            Comparison::Tutorial,
            "pool",
            Varied::Workers(6),
            3,
            Some(0.0612),
        )
        .ideal(0.06, Bound::Delay),
    );
    for (w, t) in [(1, 0.41), (2, 0.206), (5, 0.083), (10, 0.042), (20, 0.0215)] {
        specs.push(
            Spec::new(
                "sites",
                Kind::Io,
                Comparison::Scaling,
                "pool",
                Varied::Workers(w),
                20,
                Some(t),
            )
            .ideal(0.02 * 20usize.div_ceil(w) as f64, Bound::Delay),
        );
    }
    specs
}

/// What `cell` cannot make from a spec: the mixed cells' latency and server delay, and the
/// api tutorial cell's note.
pub fn decorate(r: &mut Results) {
    for c in r.cells.iter_mut().filter(|c| c.id.workload == "mixed") {
        let Some(&(.., p50, p95, max, cpu)) = MIXED.iter().find(|row| row.0 == c.id.model) else {
            continue;
        };
        c.delay_ms = Some(20);
        c.io_latency = Some(IoLatency {
            requests: 240,
            p50_s: p50,
            p95_s: p95,
            max_s: max,
            delay_s: 0.02,
            cpu_task_s: Some(cpu),
        });
    }
    let tutorial = |c: &CellId| c.workload == "api" && c.comparison == Comparison::Tutorial;
    if let Some(c) = r.cells.iter_mut().find(|c| tutorial(&c.id)) {
        c.notes.push(API_NOTE.into());
    }
}
