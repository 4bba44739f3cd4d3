//! CPU-bound benches: every CPU workload under every model (those measured on request only
//! where a line names them), a sweep of W, and `uneven`'s results collected in order against
//! as completed. Then the tasks that wait without a server and share state: the asyncio.Queue
//! tutorial's sleeps, the bank account, and the three counters' contention as W grows.
//!
//! Sizes are picked so each sequential run takes roughly 50-150 ms here and the whole bench a
//! few minutes on two cores; `cargo bench --bench cpu -- --test` runs each cell once. To
//! measure another workload, add a line to the table.

mod common;

use common::{Group, Models, PoolSize, Tutorial, Vary};

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
    // The asyncio.Queue tutorial: 20 sleeps for 3 workers. Its sleeps are 50 ms to 1 s; here
    // 0 to 10 ms (`--size 10`), so the cells stay within the bench's time; `concur run
    // queue-workers` keeps the tutorial's.
    Group {
        models: Models::Named(&["sequential", "pool"]),
        vary: Vary::Tutorial(Tutorial {
            workers: PoolSize::Fixed(3),
            batch: None,
            note: "The tutorial queued 20 sleeps of random.uniform(0.05, 1.0) s for three \
                   asyncio workers; these are the same seeded lengths scaled down 100× (0 to \
                   10 ms) and pulled by a pool of three threads, against the ideal of a queue: \
                   each sleep to the worker free first.",
        }),
        ..Group::cpu("queue-workers", 10)
    },
    // The tutorial's account with a 50 ms pause (its own is 100 ms, `concur run bank`'s
    // default): the answers are the lesson (threads race, each process has its copy); every
    // model's is in `tests/state.rs` and `concur run bank`.
    Group {
        models: Models::Named(&["threads", "process"]),
        ..Group::cpu("bank", 50)
    },
    // The cost of contention: the same increments behind a Mutex, as an atomic, and as local
    // sums, in turn (W = 1, each one's baseline) and on a pool of 2 and 4 threads.
    Group {
        models: Models::Named(&["sequential"]),
        ..Group::cpu("counter-mutex", 2_000_000)
    },
    Group {
        models: Models::Named(&["pool"]),
        vary: Vary::WorkersAt(&[2, 4]),
        ..Group::cpu("counter-mutex", 2_000_000)
    },
    Group {
        models: Models::Named(&["sequential"]),
        ..Group::cpu("counter-atomic", 2_000_000)
    },
    Group {
        models: Models::Named(&["pool"]),
        vary: Vary::WorkersAt(&[2, 4]),
        ..Group::cpu("counter-atomic", 2_000_000)
    },
    Group {
        models: Models::Named(&["sequential"]),
        ..Group::cpu("counter-local", 2_000_000)
    },
    Group {
        models: Models::Named(&["pool"]),
        vary: Vary::WorkersAt(&[2, 4]),
        ..Group::cpu("counter-local", 2_000_000)
    },
];

fn main() {
    common::run("cpu", GROUPS);
}
