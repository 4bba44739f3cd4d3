//! `sequential`: every task in turn on the calling thread — the baseline every speedup is
//! measured against (a plain `for` loop in Python).

use std::sync::Arc;
use std::time::Instant;

use super::{run_here, Deliver, Executor, Lane, Model, ModelConfig, Runs, Traits};
use crate::error::Result;
use crate::task::Task;

pub struct Sequential;

impl Model for Sequential {
    fn name(&self) -> &'static str {
        "sequential"
    }
    fn summary(&self) -> &'static str {
        "one task after another on the calling thread: the baseline"
    }
    fn python(&self) -> &'static str {
        "a plain for loop"
    }
    fn use_when(&self) -> &'static str {
        "few or tiny tasks, or as the baseline: no setup, nothing shared, easiest to debug"
    }
    fn lane(&self) -> Lane {
        Lane::Thread
    }
    fn traits(&self) -> Traits {
        Traits {
            runs: Runs::InTurn,
            shares_memory: true,
            preemptive: true,
            color: "#666666",
            creates: "nothing: every task runs on the calling thread",
        }
    }
    fn workers(&self, _config: &ModelConfig, _tasks: usize) -> usize {
        1
    }
    fn start(&self, _config: &ModelConfig) -> Result<Box<dyn Executor>> {
        Ok(Box::new(InTurn))
    }
}

struct InTurn;

impl Executor for InTurn {
    fn execute(&mut self, tasks: &Arc<[Task]>, clock: Instant, out: &Deliver) -> Result<()> {
        for (i, task) in tasks.iter().enumerate() {
            out.deliver(run_here(task, i, 0, clock));
        }
        Ok(())
    }
}
