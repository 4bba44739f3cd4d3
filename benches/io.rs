//! IO-bound benches: every IO workload under every model against the mock server (those
//! measured on request only where a line names them), the api's sliding window against
//! batches and its replies collected in order against as completed, `crowd` at 100, 1000 and
//! 10000 requests in flight, a sweep of W on `sites` (IO wants more threads than cores), the
//! tutorials' own settings (the api's pool of 5 in batches of 10, fanout's default-sized pool),
//! and `mixed`: requests with CPU tasks among them, whose latency the report shows. Then the
//! crawl (`common/flow.rs`): fetchers and parsers as stages joined by a queue, not a table's
//! tasks.
//!
//! Each group gets a fresh mock server (a child `concur serve`, started untimed), so nothing a
//! server kept from one group carries into the next. Delays are short so the whole bench takes
//! a few minutes; the lessons (in turn = the sum of the delays, in flight = one delay per
//! round) hold at any delay. `cargo bench --bench io -- --test` runs each cell once. To
//! measure another workload, add a line to the table.

mod common;

use common::{Group, Models, PoolSize, Tutorial, Vary};

const GROUPS: &[Group] = &[
    // The two async mistakes: a loop blocked by its tasks, and tasks awaited in turn.
    Group::io("sites", 20, 20).also(&["async-naive", "async-in-turn"]),
    Group::io("api", 50, 20),
    Group::io("fanout", 1, 20),
    // The LLM-API tutorial's own run: ThreadPoolExecutor(max_workers=5), batches of 10.
    Group {
        models: Models::Named(&["pool"]),
        vary: Vary::Tutorial(Tutorial {
            workers: PoolSize::Fixed(5),
            batch: Some(10),
            note: "The tutorial ran these 50 questions against a hosted LLM with \
                   ThreadPoolExecutor(max_workers=5) in batches of 10: 32.4 to 40.5 s, against \
                   128 to 130 s one at a time (3.2 to 4.0×). Ours differs because our server's \
                   delays are not an LLM's: each reply takes a fixed 0.5 to 1.4 times one delay, \
                   the same ten factors in every batch, with no network or queue in front of \
                   the model; an LLM's replies vary with the length of the answer and the \
                   service's load, and every batch waits for its slowest one.",
        }),
        ..Group::io("api", 50, 20)
    },
    // The fan-out handler's pool as Python sizes it by default: min(32, cores + 4) threads.
    Group {
        models: Models::Named(&["pool"]),
        vary: Vary::Tutorial(Tutorial {
            workers: PoolSize::PythonDefault,
            batch: None,
            note: "Python's ThreadPoolExecutor() without max_workers has min(32, cores + 4) \
                   threads: enough for the handler's three calls at once, so it waits for the \
                   slowest call, not for the sum of the three.",
        }),
        ..Group::io("fanout", 1, 20)
    },
    // W past the cores: a thread waiting on the server uses no core (beside the CPU sweep).
    Group {
        models: Models::Named(&["pool"]),
        vary: Vary::WorkersAt(&[1, 2, 5, 10, 20]),
        ..Group::io("sites", 20, 20)
    },
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
    // 20 GETs with four CPU tasks of 15 to 30 ms among them, at a 20 ms delay.
    Group::io("mixed", 30_000_000, 20),
];

fn main() {
    common::run_with_crawl("io", GROUPS);
}
