//! `pool`: a rayon thread pool of W workers, built once; each task is a job of its own, queued
//! first in, first out and shared out by work stealing. Python's
//! `ThreadPoolExecutor(max_workers=W)`, minus the GIL.

use std::sync::Arc;
use std::time::Instant;

use super::{
    limited, run_here, setup_error, Deliver, Executor, Lane, Model, ModelConfig, Permits, Runs,
    Traits,
};
use crate::error::Result;
use crate::task::Task;

pub struct RayonPool;

impl Model for RayonPool {
    fn name(&self) -> &'static str {
        "pool"
    }
    fn summary(&self) -> &'static str {
        "a rayon pool of W threads built once, tasks shared out by work stealing"
    }
    fn python(&self) -> &'static str {
        "ThreadPoolExecutor(max_workers=W)"
    }
    fn use_when(&self) -> &'static str {
        "CPU-bound work in Rust: parallel on every core, threads reused, work stealing balances uneven tasks"
    }
    fn lane(&self) -> Lane {
        Lane::Thread
    }
    fn traits(&self) -> Traits {
        Traits {
            runs: Runs::ThreadPool,
            shares_memory: true,
            preemptive: true,
            color: "#0072b2",
            creates: "nothing per run: its W threads are started at setup (after W are asked of the OS and released, so a thread limit is met there) and reused",
        }
    }
    fn start(&self, config: &ModelConfig) -> Result<Box<dyn Executor>> {
        // rayon would say only "Resource temporarily unavailable": ask for the W threads first.
        crate::os_threads::reserve(config.workers).map_err(|why| setup_error("pool", why))?;
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(config.workers)
            .thread_name(|i| format!("pool-{i}"))
            .build()
            .map_err(|e| setup_error("pool", e))?;
        // Make every worker thread exist now, so setup (not the first run) pays for spawning.
        pool.broadcast(|_| ());
        // A cap below W holds pool threads back with a semaphore; at or above W it changes
        // nothing, the pool already has only W threads.
        let permits = config
            .in_flight
            .filter(|&cap| cap < config.workers)
            .map(Permits::new);
        Ok(Box::new(Pool { pool, permits }))
    }
}

struct Pool {
    pool: rayon::ThreadPool,
    permits: Option<Permits>,
}

impl Executor for Pool {
    fn execute(&mut self, tasks: &Arc<[Task]>, clock: Instant, out: &Deliver) -> Result<()> {
        let permits = self.permits.as_ref();
        // Every task its own job, taken from one first-in-first-out queue, as a
        // ThreadPoolExecutor takes them: the first W tasks start first. `par_iter` splits the
        // list in halves instead (left to itself into a few sequential chunks: on `uneven` all
        // the big tasks in one chunk on one thread, 1.0× instead of 1.9×; even one job per
        // task, the second thread starts in the middle of the list, so `uneven`'s 50M task
        // ran last and its result could never arrive first).
        self.pool.scope_fifo(|scope| {
            for (i, task) in tasks.iter().enumerate() {
                scope.spawn_fifo(move |_| {
                    let lane = rayon::current_thread_index().unwrap_or(0);
                    out.deliver(limited(permits, || run_here(task, i, lane, clock)));
                });
            }
        });
        Ok(())
    }
}
