//! `async-blocking`: a tokio runtime that hands every task to its blocking pool of at most W
//! threads with `spawn_blocking` — asyncio's `loop.run_in_executor(pool, f)`. The event loop
//! stays free; the work runs on ordinary threads, so CPU work scales with W.

use std::sync::Arc;
use std::time::Instant;

use super::{
    execute_error, limited, run_here, setup_error, Executor, Lane, Model, ModelConfig, Permits,
    Runs, TaskRun, Traits,
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
    fn execute(&mut self, tasks: &Arc<[Task]>, clock: Instant) -> Result<Vec<TaskRun>> {
        self.runtime.block_on(async {
            let handles: Vec<_> = (0..tasks.len())
                .map(|i| {
                    let tasks = Arc::clone(tasks);
                    let permits = self.permits.clone();
                    crate::census::task_spawned();
                    tokio::task::spawn_blocking(move || {
                        // The lane is the pool thread, numbered as the run first meets it.
                        limited(permits.as_deref(), || {
                            run_here(&tasks[i], i, usize::MAX, clock)
                        })
                    })
                })
                .collect();
            let mut runs = Vec::with_capacity(handles.len());
            for handle in handles {
                runs.push(
                    handle
                        .await
                        .map_err(|e| execute_error("async-blocking", e))?,
                );
            }
            Ok(renumber_lanes(runs))
        })
    }
}

/// Number pool threads 0, 1, 2, … in order of first use in this run, so lanes stay small.
fn renumber_lanes(mut runs: Vec<TaskRun>) -> Vec<TaskRun> {
    let mut seen: Vec<usize> = Vec::new();
    let mut order: Vec<usize> = (0..runs.len()).collect();
    order.sort_by(|&a, &b| runs[a].span.start_s.total_cmp(&runs[b].span.start_s));
    for i in order {
        let thread = runs[i].span.thread;
        let lane = match seen.iter().position(|&t| t == thread) {
            Some(lane) => lane,
            None => {
                seen.push(thread);
                seen.len() - 1
            }
        };
        runs[i].span.lane = lane;
    }
    runs
}
