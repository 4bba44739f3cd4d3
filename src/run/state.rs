//! What [`Prepared`] does for tasks that change shared state ([`crate::shared`]): the setting
//! their expected answer is derived under (from the model's declared traits, never its name),
//! a fresh state id before every run (outside its clock), and the last run's state forgotten
//! when the next starts or the cell is dropped. Cells whose tasks share nothing pay nothing.

use std::sync::Arc;

use super::Prepared;
use crate::model::Model;
use crate::shared;
use crate::task::Task;
use crate::workload::Setting;

/// How `model` runs a cell's tasks, as far as shared state is concerned.
pub(super) fn setting(model: &dyn Model, in_flight: usize, batches: Vec<usize>) -> Setting {
    let traits = model.traits();
    Setting {
        shares_memory: traits.shares_memory,
        overlaps: !traits.runs.one_at_a_time(),
        in_flight,
        batches,
    }
}

/// `tasks` cut into batches of these sizes, in order.
pub(super) fn cut(tasks: &Arc<[Task]>, sizes: &[usize]) -> Vec<Arc<[Task]>> {
    let mut start = 0;
    sizes
        .iter()
        .map(|&len| {
            start += len;
            Arc::from(&tasks[start - len..start])
        })
        .collect()
}

impl Prepared {
    /// Give tasks that change shared state a fresh state id (before a run, outside its
    /// clock), dropping the last run's state from this process; nothing for other cells.
    pub(super) fn fresh_state(&mut self) {
        let Some(old) = self.state else { return };
        shared::forget(old);
        let id = shared::fresh_id();
        self.tasks = self.tasks.iter().map(|t| t.with_state(id)).collect();
        let sizes: Vec<usize> = self.batches.iter().map(|b| b.len()).collect();
        self.batches = cut(&self.tasks, &sizes);
        self.state = Some(id);
    }
}

impl Drop for Prepared {
    fn drop(&mut self) {
        if let Some(state) = self.state {
            shared::forget(state);
        }
    }
}
