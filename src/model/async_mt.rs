//! `async-mt`: a tokio multi-thread runtime with W worker threads; every task is spawned onto
//! it directly, CPU work included. No Python analog: asyncio has one loop per thread. Rust's
//! work-stealing runtime runs CPU tasks in parallel, but each one still holds a worker thread
//! for its whole duration, starving any IO that shares the runtime.

use super::async_st::Spawned;
use super::{setup_error, Executor, Lane, Model, ModelConfig, Runs, Traits};
use crate::error::Result;
use crate::os_threads;

pub struct AsyncMulti;

impl Model for AsyncMulti {
    fn name(&self) -> &'static str {
        "async-mt"
    }
    fn summary(&self) -> &'static str {
        "tokio multi-thread runtime with W workers; tasks spawned directly"
    }
    fn python(&self) -> &'static str {
        "no asyncio analog (one event loop per thread); closest: a loop per worker"
    }
    fn use_when(&self) -> &'static str {
        "network servers and clients with many connections on all cores; CPU work still holds a worker while it runs"
    }
    fn lane(&self) -> Lane {
        Lane::Task
    }
    fn traits(&self) -> Traits {
        Traits {
            runs: Runs::EventLoopThreads,
            shares_memory: true,
            preemptive: false,
            color: "#56b4e9",
            creates: "one async task per task, plus one per new HTTP connection; its W worker threads are started at setup, on a thread of their own after W + 1 are asked of the OS and released",
        }
    }
    fn in_flight(&self, config: &ModelConfig, tasks: usize) -> usize {
        config.in_flight.unwrap_or(tasks).min(tasks).max(1)
    }
    fn start(&self, config: &ModelConfig) -> Result<Box<dyn Executor>> {
        // tokio panics, then hangs, when the OS refuses a worker: see `os_threads`. The W
        // workers and the thread that builds them are asked for first.
        let workers = config.workers;
        let failed = |why| setup_error("async-mt", why);
        os_threads::reserve(workers + 1).map_err(failed)?;
        let runtime = os_threads::build_runtime(move || {
            tokio::runtime::Builder::new_multi_thread()
                .worker_threads(workers)
                .thread_name("async-mt-worker")
                .enable_all()
                .build()
        })
        .map_err(failed)?;
        Spawned::start("async-mt", runtime, config)
    }
}
