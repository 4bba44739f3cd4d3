//! `async-in-turn`: async syntax with no concurrency. A tokio current-thread runtime awaits
//! each task (through the shared async HTTP client, like `async`) before it starts the next:
//! `for f in futures { f.await }`. Python's version: `for url in urls: await fetch(url)`.
//!
//! The futures are all built first and awaited one by one, and that is still in turn: a Rust
//! future does nothing until it is polled, so building one starts nothing. (asyncio differs
//! here: `asyncio.create_task` schedules a coroutine at once, and awaiting such tasks in a
//! loop *is* concurrent; awaiting bare coroutines in a loop is not.) To overlap, spawn them
//! or join them (`async`).
//!
//! What a run creates: no spawned task and no thread, only the one future `block_on` drives
//! on the calling thread, plus the task hyper runs each new HTTP connection on (one, kept
//! alive, since only one request is ever in flight).
//!
//! Its yardstick is what it declares: one task at a time, so its IO ideal is the server's
//! delays added up and its CPU ideal the in-turn time. It is never the baseline (the baseline
//! runs in turn on the calling thread with no runtime: `Runs::InTurn`); comparing it with the
//! baseline shows what a runtime costs when nothing overlaps.

use std::sync::Arc;
use std::time::Instant;

use super::{
    run_async_here, setup_error, Deliver, Executor, Lane, Model, ModelConfig, Runs, Traits,
};
use crate::error::Result;
use crate::task::Task;

const NAME: &str = "async-in-turn";

pub struct AsyncInTurn;

impl Model for AsyncInTurn {
    fn name(&self) -> &'static str {
        NAME
    }
    fn summary(&self) -> &'static str {
        "tokio on one thread awaiting each task before starting the next: async, not concurrent"
    }
    fn python(&self) -> &'static str {
        "for url in urls: await fetch(url)"
    }
    fn use_when(&self) -> &'static str {
        "steps that depend on each other (each needs the previous answer); independent tasks should be spawned or joined so their waits overlap"
    }
    fn lane(&self) -> Lane {
        Lane::Task
    }
    fn traits(&self) -> Traits {
        Traits {
            runs: Runs::EventLoopInTurn,
            shares_memory: true,
            preemptive: false,
            color: "#332288",
            creates: "no spawned task and no thread: one future at a time awaited on the calling thread, plus one hyper task per new HTTP connection (one, kept alive)",
        }
    }
    fn workers(&self, _config: &ModelConfig, _tasks: usize) -> usize {
        1
    }
    fn start(&self, config: &ModelConfig) -> Result<Box<dyn Executor>> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| setup_error(NAME, e))?;
        let client = if config.http {
            // reqwest's connector registers with the runtime it is built in.
            let _inside = runtime.enter();
            Some(crate::http::async_client().map_err(|e| setup_error(NAME, e))?)
        } else {
            None
        };
        Ok(Box::new(Awaited { runtime, client }))
    }
}

struct Awaited {
    runtime: tokio::runtime::Runtime,
    client: Option<reqwest::Client>,
}

impl Executor for Awaited {
    fn execute(&mut self, tasks: &Arc<[Task]>, clock: Instant, out: &Deliver) -> Result<()> {
        let client = self.client.as_ref();
        self.runtime.block_on(async {
            // Every future built up front: none of them has started.
            let futures: Vec<_> = tasks
                .iter()
                .enumerate()
                .map(|(i, task)| run_async_here(task, client, i, 0, clock))
                .collect();
            for future in futures {
                // A task finished.
                out.deliver(future.await);
            }
        });
        Ok(())
    }
}
