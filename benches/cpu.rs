//! CPU-bound benches: every CPU workload under every model (those measured on request only
//! where a line names them), a sweep of W, and `uneven`'s results collected in order against
//! as completed.
//!
//! Sizes are picked so each sequential run takes roughly 50-150 ms here and the whole bench a
//! few minutes on two cores; `cargo bench --bench cpu -- --test` runs each cell once. To
//! measure another workload, add a line to the table.

mod common;

use common::{Group, Models, Vary};

const GROUPS: &[Group] = &[
    // async-process: an event loop handing CPU work to processes parallelises like `process`.
    Group::cpu("primes", 6).also(&["async-process"]),
    Group::cpu("primes-repeat", 8),
    Group::cpu("sum-squares", 100_000_000),
    Group::cpu("uneven", 100_000_000).also(&["async-process"]),
    Group {
        models: Models::TakingW,
        vary: Vary::Workers,
        ..Group::cpu("sum-squares", 100_000_000)
    },
    // The tutorials' sum_to_num(200M) before (50M): collected as completed, the small one's
    // result arrives first on any model with two lanes; collected in order, never.
    Group {
        models: Models::Named(&["sequential", "pool", "async-mt"]),
        vary: Vary::Collect,
        ..Group::cpu("uneven", 100_000_000)
    },
];

fn main() {
    common::run("cpu", GROUPS);
}
