//! `async-blocking`: a tokio runtime that hands every task to its blocking pool of at most W
//! threads with `spawn_blocking` — asyncio's `loop.run_in_executor(pool, f)`. The event loop
//! stays free; the work runs on ordinary threads, so CPU work scales with W.

use std::sync::{Arc, Mutex};
use std::time::Instant;

use super::{
    execute_error, limited, run_here, setup_error, thread_slot, Deliver, Executor, Lane, Model,
    ModelConfig, Permits, Runs, Traits,
};
use crate::error::Result;
use crate::task::Task;

pub struct AsyncBlocking;

impl Model for AsyncBlocking {
    fn name(&self) -> &'static str {
        "async-blocking"
    }
    fn summary(&self) -> &'static str {
        "tokio on one thread handing each task to spawn_blocking (a pool of W threads)"
    }
    fn python(&self) -> &'static str {
        "loop.run_in_executor(ThreadPoolExecutor(W), f)"
    }
    fn use_when(&self) -> &'static str {
        "an async program that must call blocking or CPU-heavy code without stalling its event loop"
    }
    fn lane(&self) -> Lane {
        Lane::Thread
    }
    fn traits(&self) -> Traits {
        Traits {
            runs: Runs::EventLoopToPool,
            shares_memory: true,
            preemptive: true,
            color: "#d55e00",
            creates:
                "one blocking-pool job per task; up to W pool threads, started on a first run's \
                      demand and kept about 10 s between runs",
        }
    }
    fn start(&self, config: &ModelConfig) -> Result<Box<dyn Executor>> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .max_blocking_threads(config.workers)
            .thread_name("blocking-pool")
            .enable_all()
            .build()
            .map_err(|e| setup_error("async-blocking", e))?;
        let permits = config
            .in_flight
            .filter(|&cap| cap < config.workers)
            .map(|cap| Arc::new(Permits::new(cap)));
        Ok(Box::new(Offloaded { runtime, permits }))
    }
}

struct Offloaded {
    runtime: tokio::runtime::Runtime,
    permits: Option<Arc<Permits>>,
}

impl Executor for Offloaded {
    fn execute(&mut self, tasks: &Arc<[Task]>, clock: Instant, out: &Deliver) -> Result<()> {
        let lanes = Arc::new(Lanes::default());
        self.runtime.block_on(async {
            let handles: Vec<_> = (0..tasks.len())
                .map(|i| {
                    let tasks = Arc::clone(tasks);
                    let (permits, lanes, out) = (self.permits.clone(), lanes.clone(), out.clone());
                    crate::census::task_spawned();
                    tokio::task::spawn_blocking(move || {
                        let run = limited(permits.as_deref(), || {
                            run_here(&tasks[i], i, lanes.of(thread_slot()), clock)
                        });
                        out.deliver(run);
                    })
                })
                .collect();
            // Joined only to see a job that panicked: each delivered its own result.
            for handle in handles {
                handle
                    .await
                    .map_err(|e| execute_error("async-blocking", e))?;
            }
            Ok(())
        })
    }
}

/// Pool threads numbered 0, 1, 2, … in the order this run first starts a task on each, so
/// lanes stay small whichever of tokio's pool threads the run gets.
#[derive(Default)]
struct Lanes(Mutex<Vec<usize>>);

impl Lanes {
    /// The lane of the pool thread `thread` (a [`thread_slot`]).
    fn of(&self, thread: usize) -> usize {
        let mut seen = self.0.lock().unwrap_or_else(|e| e.into_inner());
        match seen.iter().position(|&t| t == thread) {
            Some(lane) => lane,
            None => {
                seen.push(thread);
                seen.len() - 1
            }
        }
    }
}
