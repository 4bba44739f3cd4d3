//! IO-bound benches: every IO workload under every model against the mock server, the api's
//! sliding window against batches and its replies collected in order against as completed,
//! and `crowd` at 100, 1000 and 10000 requests in flight.
//!
//! Each group gets a fresh mock server (a child `concur serve`, started untimed), so nothing a
//! server kept from one group carries into the next. Delays are short so the whole bench takes
//! a few minutes; the lessons (in turn = the sum of the delays, in flight = one delay per
//! round) hold at any delay. `cargo bench --bench io -- --test` runs each cell once. To
//! measure another workload, add a line to the table.

mod common;

use common::{Group, Models, Vary};

const GROUPS: &[Group] = &[
    Group::io("sites", 20, 20),
    Group::io("api", 50, 20),
    Group::io("fanout", 1, 20),
    // At most five in flight: a sliding window (`--concurrency 5`) against batches of five.
    Group {
        models: Models::Named(&["async", "threads"]),
        vary: Vary::Limits(5),
        ..Group::io("api", 50, 20)
    },
    // Jittered replies collected in order against as completed, every request in flight.
    Group {
        models: Models::Named(&["threads", "async"]),
        vary: Vary::Collect,
        ..Group::io("api", 50, 20)
    },
    // A thread per request against async, at growing N, all in flight at once.
    Group {
        models: Models::Named(&["threads", "async", "async-mt"]),
        vary: Vary::Sizes(&[100, 1_000, 10_000]),
        ..Group::io("crowd", 100, 100)
    },
];

fn main() {
    common::run("io", GROUPS);
}
