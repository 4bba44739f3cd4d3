//! `async-naive`: the classic async mistake, kept as a lesson. Every task is spawned onto a
//! tokio current-thread runtime, exactly like `async`, so the code looks concurrent; but each
//! task's body calls the *blocking* path (`Task::run_blocking`: the ureq client, a CPU kernel)
//! instead of awaiting the async one. A blocking call never yields, so it holds the loop's only
//! thread until it is done and the tasks run one after another. Python's version: calling
//! `requests.get(url)` or `time.sleep(1)` inside an `async def`.
//!
//! What a run creates: one async task per task and no thread; HTTP goes through the calling
//! thread's ureq agent (one kept-alive connection), since that is the thread the loop runs on.
//!
//! Its yardstick is the model it pretends to be: every task in flight at once for IO (one
//! server delay), one lane for CPU (the same as in turn, as for `async`). So its efficiency
//! shows what the mistake cost; its time is the in-turn time.

use std::sync::Arc;
use std::time::Instant;

use super::async_st::spawn_each;
use super::{run_here, setup_error, Deliver, Executor, Lane, Model, ModelConfig, Runs, Traits};
use crate::error::Result;
use crate::task::Task;

const NAME: &str = "async-naive";

pub struct AsyncNaive;

impl Model for AsyncNaive {
    fn name(&self) -> &'static str {
        NAME
    }
    fn summary(&self) -> &'static str {
        "tokio on one thread, every task spawned, but each calls blocking code: the loop stalls"
    }
    fn python(&self) -> &'static str {
        "requests.get(url) or time.sleep(s) inside an async def, run with asyncio.gather"
    }
    fn use_when(&self) -> &'static str {
        "never: a blocking call inside a task holds the loop's only thread, so the tasks run one after another; await an async client, or hand blocking work to spawn_blocking"
    }
    fn lane(&self) -> Lane {
        Lane::Task
    }
    fn traits(&self) -> Traits {
        Traits {
            runs: Runs::EventLoopBlocked,
            shares_memory: true,
            preemptive: false,
            color: "#999933",
            creates: "one async task per task and no thread; its blocking GETs share the calling thread's ureq agent (one kept-alive connection)",
        }
    }
    fn workers(&self, _config: &ModelConfig, _tasks: usize) -> usize {
        1
    }
    /// What a correct event loop would keep in flight (all of them): the ideal is what the
    /// code looks like it does, so the efficiency shows the cost of blocking.
    fn in_flight(&self, config: &ModelConfig, tasks: usize) -> usize {
        config.in_flight.unwrap_or(tasks).min(tasks).max(1)
    }
    fn start(&self, config: &ModelConfig) -> Result<Box<dyn Executor>> {
        // No async HTTP client: the tasks never use one.
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| setup_error(NAME, e))?;
        Ok(Box::new(Blocked {
            runtime,
            in_flight: config.in_flight,
        }))
    }
}

struct Blocked {
    runtime: tokio::runtime::Runtime,
    in_flight: Option<usize>,
}

impl Executor for Blocked {
    fn execute(&mut self, tasks: &Arc<[Task]>, clock: Instant, out: &Deliver) -> Result<()> {
        // Spawned exactly as `async` spawns them (`--concurrency` too; never binding here).
        spawn_each(
            &self.runtime,
            NAME,
            tasks,
            self.in_flight,
            out,
            move |tasks, i| {
                // The mistake: the blocking path, called right here on the loop's thread once the
                // task is polled. `async` awaits `run_async_here` at this point.
                async move { run_here(&tasks[i], i, i, clock) }
            },
        )
    }
}
