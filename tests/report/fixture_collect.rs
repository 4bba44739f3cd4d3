//! The collect cells of the realistic fixture: `uneven` (a big task, then one a quarter of its
//! size, two halves and tiny ones) under an in-turn model, a pool and a multi-thread runtime,
//! and the api's jittered replies under a thread per request and one event loop, each collected
//! in order and as completed. Delivery times follow from the simulated spans: as completed, as
//! each task ends; in order, once every earlier task has ended.

use concur::ideal::Bound;
use concur::identity::{Comparison, Varied};
use concur::model::Collect;
use concur::workload::Kind;

use super::Spec;

/// The relative costs of uneven's tasks in the fixture: 4, 1, 2, 2, then tiny ones.
pub fn uneven_costs(tasks: usize) -> Vec<f64> {
    let mut costs = vec![4.0, 1.0, 2.0, 2.0];
    costs.resize(tasks, 0.02);
    costs
}

/// uneven under sequential, pool and async-mt, then the api under threads and async, each
/// model in order then as completed.
pub fn specs() -> Vec<Spec> {
    let mut specs = Vec::new();
    let uneven = [
        ("sequential", 0.300, 0.301),
        ("pool", 0.162, 0.160),
        ("async-mt", 0.165, 0.171),
    ];
    for (m, ordered, completed) in uneven {
        for (collect, mean) in [
            (Collect::Ordered, ordered),
            (Collect::AsCompleted, completed),
        ] {
            let mut s = Spec::new(
                "uneven",
                Kind::Cpu,
                Comparison::Collect,
                m,
                Varied::Collect(collect),
                44,
                Some(mean),
            )
            .ideal(0.150, Bound::Cores);
            s.costs = Some(uneven_costs(44));
            specs.push(s);
        }
    }
    for (m, ordered, completed) in [("threads", 0.0352, 0.0349), ("async", 0.0313, 0.0311)] {
        for (collect, mean) in [
            (Collect::Ordered, ordered),
            (Collect::AsCompleted, completed),
        ] {
            specs.push(
                Spec::new(
                    "api",
                    Kind::Io,
                    Comparison::Collect,
                    m,
                    Varied::Collect(collect),
                    50,
                    Some(mean),
                )
                .ideal(0.028, Bound::Delay),
            );
        }
    }
    specs
}
