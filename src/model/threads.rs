//! `threads`: one new OS thread per task, all started at once and joined (scoped threads).
//!
//! The Python analog is `threading.Thread` per task; without a GIL these threads really run
//! CPU work in parallel. Spawning is part of every run, so its cost shows in the wall time,
//! and a refused spawn (too many threads) fails the run with the OS's reason.

use std::sync::Arc;
use std::thread;
use std::time::Instant;

use super::{
    execute_error, limited, run_here, Deliver, Executor, Lane, Model, ModelConfig, Permits, Runs,
    Traits,
};
use crate::error::Result;
use crate::task::Task;

pub struct ThreadPerTask;

impl Model for ThreadPerTask {
    fn name(&self) -> &'static str {
        "threads"
    }
    fn summary(&self) -> &'static str {
        "a new std thread for every task, all joined at the end"
    }
    fn python(&self) -> &'static str {
        "threading.Thread per task"
    }
    fn use_when(&self) -> &'static str {
        "a handful of long, blocking tasks; cost grows with every thread (stack, spawn), so not thousands"
    }
    fn lane(&self) -> Lane {
        Lane::Thread
    }
    fn traits(&self) -> Traits {
        Traits {
            runs: Runs::ThreadPerTask,
            shares_memory: true,
            preemptive: true,
            color: "#e69f00",
            creates: "one OS thread per task, every run",
        }
    }
    fn workers(&self, _config: &ModelConfig, tasks: usize) -> usize {
        tasks
    }
    fn start(&self, config: &ModelConfig) -> Result<Box<dyn Executor>> {
        Ok(Box::new(Spawner {
            in_flight: config.in_flight,
        }))
    }
}

struct Spawner {
    in_flight: Option<usize>,
}

impl Executor for Spawner {
    fn execute(&mut self, tasks: &Arc<[Task]>, clock: Instant, out: &Deliver) -> Result<()> {
        let permits = self.in_flight.map(Permits::new);
        let permits = permits.as_ref();
        thread::scope(|scope| {
            let mut handles = Vec::with_capacity(tasks.len());
            for (i, task) in tasks.iter().enumerate() {
                let spawned = thread::Builder::new()
                    .name(format!("task-{i}"))
                    .spawn_scoped(scope, move || {
                        out.deliver(limited(permits, || run_here(task, i, i, clock)))
                    });
                match spawned {
                    Ok(handle) => handles.push(handle),
                    // The threads already started are joined when the scope ends.
                    Err(e) => {
                        return Err(execute_error(
                            "threads",
                            format!("the OS refused thread {} of {}: {e}", i + 1, tasks.len()),
                        ))
                    }
                }
            }
            for h in handles {
                h.join()
                    .map_err(|_| execute_error("threads", "a task thread panicked"))?;
            }
            Ok(())
        })
    }
}
