//! The IO cells of the realistic fixture: three IO workloads under every model (one cell
//! without an estimate), the api's window against batches, and the crowd at three sizes.

use concur::ideal::Bound;
use concur::identity::{Comparison, Varied};
use concur::workload::Kind;

use super::Spec;

/// sites, api and fanout under every model (api/async-blocking has no estimate), then the api
/// at a window of 5 and batches of 5, then the crowd at 100, 1000 and 10 000 tasks with the
/// largest bound by connection setup, in that order.
pub fn specs() -> Vec<Spec> {
    let mut specs = Vec::new();
    let io_factor = [
        ("sequential", 1.0, 1),
        ("threads", 0.06, 0),
        ("pool", 0.51, 2),
        ("process", 0.52, 2),
        ("async", 0.055, 0),
        ("async-mt", 0.054, 0),
        ("async-blocking", 0.52, 2),
    ];
    for (w, seq, tasks, delay) in [
        ("sites", 0.42, 20usize, 0.02),
        ("api", 1.01, 50, 0.019),
        ("fanout", 0.124, 3, 0.02),
    ] {
        for (m, f, lanes) in io_factor {
            let lanes = if lanes == 0 { tasks } else { lanes };
            let workers = match m {
                "threads" => tasks,
                "sequential" | "async" => 1,
                _ => 2,
            };
            let mut mean = seq * f;
            let mut ideal = delay * tasks.div_ceil(lanes) as f64;
            if w == "fanout" {
                // Calls of 20, 40 and 60 ms: their sum in turn, the longest at once.
                (mean, ideal) = match lanes {
                    1 => (seq, 0.12),
                    2 => (0.083, 0.08),
                    _ => (0.0612, 0.06),
                };
            }
            let mean = (w != "api" || m != "async-blocking").then_some(mean);
            specs.push(
                Spec::new(
                    w,
                    Kind::Io,
                    Comparison::Models,
                    m,
                    Varied::Workers(workers),
                    tasks,
                    mean,
                )
                .ideal(ideal, Bound::Delay),
            );
        }
    }
    for (m, window, batch) in [("async", 0.2115, 0.2818), ("threads", 0.2162, 0.2864)] {
        specs.push(
            Spec::new(
                "api",
                Kind::Io,
                Comparison::Limits,
                m,
                Varied::Window(5),
                50,
                Some(window),
            )
            .ideal(0.19, Bound::Delay),
        );
        specs.push(
            Spec::new(
                "api",
                Kind::Io,
                Comparison::Limits,
                m,
                Varied::Batch(5),
                50,
                Some(batch),
            )
            .ideal(0.27, Bound::Delay),
        );
    }
    for (n, times) in [
        (100u64, [0.1109, 0.1035, 0.1036]),
        (1000, [0.2296, 0.1238, 0.1182]),
        (10000, [1.417, 0.3402, 0.2549]),
    ] {
        for (m, t) in ["threads", "async", "async-mt"].into_iter().zip(times) {
            let mut s = Spec::new(
                "crowd",
                Kind::Io,
                Comparison::Sizes,
                m,
                Varied::Size(n),
                n as usize,
                Some(t),
            );
            s = if n == 10000 {
                s.ideal(0.119, Bound::Connections).lower_bound()
            } else {
                s.ideal(0.1, Bound::Delay)
            };
            specs.push(s);
        }
    }
    specs
}
