//! `async`: a tokio current-thread runtime; every task is spawned onto it and joined.
//!
//! The asyncio analog: one thread, one event loop. While tasks wait on IO they overlap; while
//! a task computes it holds the only thread, so CPU work runs one task at a time (about 1×).

use std::sync::Arc;
use std::time::Instant;

use super::{
    execute_error, run_async_here, setup_error, Executor, Lane, Model, ModelConfig, TaskRun,
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
    fn workers(&self, _config: &ModelConfig, _tasks: usize) -> usize {
        1
    }
    fn start(&self, _config: &ModelConfig) -> Result<Box<dyn Executor>> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| setup_error("async", e))?;
        Ok(Box::new(Spawned {
            runtime,
            model: "async",
        }))
    }
}

/// A runtime onto which every task is spawned as its own tokio task. Shared with `async-mt`,
/// which differs only in how the runtime is built.
pub(super) struct Spawned {
    pub(super) runtime: tokio::runtime::Runtime,
    pub(super) model: &'static str,
}

impl Executor for Spawned {
    fn execute(&mut self, tasks: &Arc<[Task]>, clock: Instant) -> Result<Vec<TaskRun>> {
        let model = self.model;
        self.runtime.block_on(async {
            let handles: Vec<_> = (0..tasks.len())
                .map(|i| {
                    let tasks = Arc::clone(tasks);
                    tokio::spawn(async move { run_async_here(&tasks[i], i, i, clock).await })
                })
                .collect();
            let mut runs = Vec::with_capacity(handles.len());
            for handle in handles {
                runs.push(handle.await.map_err(|e| execute_error(model, e))?);
            }
            Ok(runs)
        })
    }
}
