//! `async`: a tokio current-thread runtime; every task is spawned onto it and joined.
//!
//! The asyncio analog: one thread, one event loop. While tasks wait on IO they overlap; while
//! a task computes it holds the only thread, so CPU work runs one task at a time (about 1×).

use std::sync::Arc;
use std::time::Instant;

use super::{
    execute_error, run_async_here, setup_error, Deliver, Executor, Lane, Model, ModelConfig, Runs,
    Traits,
};
use crate::error::Result;
use crate::task::Task;

pub struct AsyncSingle;

impl Model for AsyncSingle {
    fn name(&self) -> &'static str {
        "async"
    }
    fn summary(&self) -> &'static str {
        "tokio on one thread: all tasks spawned and joined; CPU work blocks the loop"
    }
    fn python(&self) -> &'static str {
        "asyncio.gather on one event loop"
    }
    fn use_when(&self) -> &'static str {
        "many concurrent waits (sockets, timers) on one thread; never long CPU work, which stalls every other task"
    }
    fn lane(&self) -> Lane {
        Lane::Task
    }
    fn traits(&self) -> Traits {
        Traits {
            runs: Runs::EventLoop,
            shares_memory: true,
            preemptive: false,
            color: "#009e73",
            creates: "one async task per task, plus one per new HTTP connection (hyper drives each on a task); no thread",
        }
    }
    fn workers(&self, _config: &ModelConfig, _tasks: usize) -> usize {
        1
    }
    fn in_flight(&self, config: &ModelConfig, tasks: usize) -> usize {
        config.in_flight.unwrap_or(tasks).min(tasks).max(1)
    }
    fn start(&self, config: &ModelConfig) -> Result<Box<dyn Executor>> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| setup_error("async", e))?;
        Spawned::start("async", runtime, config)
    }
}

/// A runtime onto which every task is spawned as its own tokio task, HTTP through one shared
/// client. Shared with `async-mt`, which differs only in how the runtime is built.
pub(super) struct Spawned {
    runtime: tokio::runtime::Runtime,
    model: &'static str,
    client: Option<reqwest::Client>,
    in_flight: Option<usize>,
}

impl Spawned {
    pub(super) fn start(
        model: &'static str,
        runtime: tokio::runtime::Runtime,
        config: &ModelConfig,
    ) -> Result<Box<dyn Executor>> {
        let client = if config.http {
            // reqwest's connector registers with the runtime it is built in.
            let _guard = runtime.enter();
            Some(crate::http::async_client().map_err(|e| setup_error(model, e))?)
        } else {
            None
        };
        Ok(Box::new(Spawned {
            runtime,
            model,
            client,
            in_flight: config.in_flight,
        }))
    }
}

impl Executor for Spawned {
    fn execute(&mut self, tasks: &Arc<[Task]>, clock: Instant, out: &Deliver) -> Result<()> {
        let client = self.client.clone();
        spawn_each(
            &self.runtime,
            self.model,
            tasks,
            self.in_flight,
            out,
            move |tasks, i| {
                let client = client.clone();
                async move { run_async_here(&tasks[i], client.as_ref(), i, i, clock).await }
            },
        )
    }
}

/// Spawn every task onto `runtime` as a tokio task running `run(tasks, i)`, at most
/// `in_flight` at once (`--concurrency`: asyncio.Semaphore(n)); each delivers its own result
/// the moment it ends, and the tasks are joined only to see one that panicked. Shared by the
/// models that spawn each task (`async`, `async-mt`, `async-naive`), which differ only in
/// their runtime and in what a task's body awaits.
pub(super) fn spawn_each<F, Fut>(
    runtime: &tokio::runtime::Runtime,
    model: &'static str,
    tasks: &Arc<[Task]>,
    in_flight: Option<usize>,
    out: &Deliver,
    run: F,
) -> Result<()>
where
    F: Fn(Arc<[Task]>, usize) -> Fut,
    Fut: std::future::Future<Output = super::TaskRun> + Send + 'static,
{
    let permits = in_flight.map(|n| Arc::new(tokio::sync::Semaphore::new(n.max(1))));
    runtime.block_on(async {
        let handles: Vec<_> = (0..tasks.len())
            .map(|i| {
                let (permits, out) = (permits.clone(), out.clone());
                let body = run(Arc::clone(tasks), i);
                crate::census::task_spawned();
                tokio::spawn(async move {
                    let _permit = match &permits {
                        Some(p) => p.acquire().await.ok(),
                        None => None,
                    };
                    // A task finished.
                    out.deliver(body.await);
                })
            })
            .collect();
        for handle in handles {
            handle.await.map_err(|e| execute_error(model, e))?;
        }
        Ok(())
    })
}
