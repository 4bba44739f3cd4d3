//! The CPU cells of the realistic fixture: three CPU workloads under every model (one cell
//! beating its ideal beyond noise, an anomaly) and sum-squares' scaling sweep.

use concur::ideal::Bound;
use concur::identity::{Comparison, Varied};
use concur::workload::Kind;

use super::{Spec, CORES};

/// primes, sum-squares and uneven under every model (async-mt on primes beats its ideal), then
/// sum-squares under four models at 1 to 4 workers, in that order.
pub fn specs() -> Vec<Spec> {
    let mut specs = Vec::new();
    let cpu = [
        ("primes", 0.180, 16),
        ("sum-squares", 0.090, 16),
        ("uneven", 0.300, 44),
    ];
    let cpu_factor = [
        ("sequential", 1.0),
        ("threads", 0.53),
        ("pool", 0.51),
        ("process", 0.56),
        ("async", 1.01),
        ("async-mt", 0.515),
        ("async-blocking", 0.52),
    ];
    for (w, seq, tasks) in cpu {
        for (m, f) in cpu_factor {
            let (workers, varied) = match m {
                "sequential" | "async" => (1, Varied::Workers(1)),
                "threads" => (tasks, Varied::Workers(tasks)),
                _ => (2, Varied::Workers(2)),
            };
            let mut mean = seq * f;
            if w == "primes" && m == "async-mt" {
                mean = seq * 0.44; // beats the ideal beyond noise: an anomaly
            }
            let ideal = seq / workers.min(CORES) as f64;
            specs.push(
                Spec::new(
                    w,
                    Kind::Cpu,
                    Comparison::Models,
                    m,
                    varied,
                    tasks,
                    Some(mean),
                )
                .ideal(ideal, Bound::Cores),
            );
        }
    }
    specs.push(
        Spec::new(
            "sum-squares",
            Kind::Cpu,
            Comparison::Scaling,
            "sequential",
            Varied::Workers(1),
            16,
            Some(0.090),
        )
        .ideal(0.090, Bound::Cores),
    );
    for m in ["pool", "process", "async-mt", "async-blocking"] {
        for w in 1..=4usize {
            let eff = if m == "process" { 0.9 } else { 0.97 };
            let sp = (w.min(CORES) as f64) * eff - if w > CORES { 0.03 * w as f64 } else { 0.0 };
            specs.push(
                Spec::new(
                    "sum-squares",
                    Kind::Cpu,
                    Comparison::Scaling,
                    m,
                    Varied::Workers(w),
                    16,
                    Some(0.090 / sp),
                )
                .ideal(0.090 / w.min(CORES) as f64, Bound::Cores),
            );
        }
    }
    specs
}
