//! `counter-mutex`, `counter-atomic`, `counter-local`: `--size` increments of one counter,
//! split over [`TASKS`] tasks, shared three ways (see [`crate::shared::Sharing`]): a counter
//! behind a `Mutex` locked for every increment (the tutorial's `with lock: total_len += …`),
//! an atomic `fetch_add`, and a local sum per task merged at the end. The same work; what
//! changes is how often the lanes contend for one cache line, so the time per increment
//! against W is the cost of contention, measured.
//!
//! The answer is the increments made, and, for the shared counters, what the counter reads:
//! the parent's counter when the lanes share memory; with worker processes the parent's stays
//! at 0 and each worker's copy holds its share (the copies add up to `--size`). Which is
//! derived from the model's declaration ([`Workload::expected_under`]).

use std::collections::BTreeMap;

use super::{ints, Answer, Kind, Params, Plan, Setting, Sizes, Workload};
use crate::error::Result;
use crate::shared::{self, Sharing};
use crate::task::{Output, Task};

/// How many tasks the increments are split over: enough to keep 2 × cores lanes busy on
/// machines of up to eight cores.
pub const TASKS: u64 = 16;

/// One way of sharing the counter, as a workload.
pub struct Counter {
    name: &'static str,
    summary: &'static str,
    sharing: Sharing,
}

pub const COUNTER_MUTEX: Counter = Counter {
    name: "counter-mutex",
    summary: "N increments of one counter behind a Mutex, locked per increment (the tutorial's lock around total_len +=)",
    sharing: Sharing::Mutex,
};
pub const COUNTER_ATOMIC: Counter = Counter {
    name: "counter-atomic",
    summary: "N increments of one atomic counter (fetch_add)",
    sharing: Sharing::Atomic,
};
pub const COUNTER_LOCAL: Counter = Counter {
    name: "counter-local",
    summary: "N increments counted per task in a local variable, the sums merged at the end",
    sharing: Sharing::Local,
};

impl Counter {
    fn say(&self, n: u64, parent: u64, copies: &[u64]) -> Answer {
        Answer(match (self.sharing, copies) {
            (Sharing::Local, _) => format!("{n} increments, per-task sums merged"),
            (_, []) => format!("{n} increments, the counter reads {parent}"),
            (_, copies) => format!(
                "{n} increments, the parent's counter reads {parent}, its copies in the \
                 workers add up to {}",
                copies.iter().sum::<u64>()
            ),
        })
    }
}

impl Workload for Counter {
    fn name(&self) -> &'static str {
        self.name
    }
    fn summary(&self) -> &'static str {
        self.summary
    }
    fn kind(&self) -> Kind {
        Kind::Cpu
    }
    fn sizes(&self) -> Sizes {
        Sizes {
            unit: "increments",
            default: 20_000_000,
            small: 200_000,
            max: 100_000_000_000,
        }
    }

    fn plan(&self, params: &Params) -> Result<Plan> {
        let n = params.size;
        let tasks = (0..TASKS)
            .map(|i| Task::Count {
                state: 0,
                n: n / TASKS + u64::from(i < n % TASKS),
                sharing: self.sharing,
            })
            .filter(|t| t.work() > 0.0)
            .collect();
        Ok(Plan {
            tasks,
            expected: self.say(n, n, &[]),
            floors_s: Vec::new(),
        })
    }

    fn expected_under(&self, plan: &Plan, setting: &Setting) -> Result<Answer> {
        let n = plan.tasks.iter().map(|t| t.work() as u64).sum();
        Ok(match setting.shares_memory {
            true => self.say(n, n, &[]),
            false => self.say(n, 0, &[n]),
        })
    }

    fn answer(&self, outputs: &[Output]) -> std::result::Result<Answer, String> {
        if self.sharing == Sharing::Local {
            let n = ints(outputs)?.iter().sum::<u128>() as u64;
            return Ok(self.say(n, n, &[]));
        }
        let here = std::process::id();
        let (mut n, mut state) = (0, 0);
        let mut copies: BTreeMap<u32, u64> = BTreeMap::new();
        for (i, o) in outputs.iter().enumerate() {
            let Output::Counted(c) = o else {
                return Err(format!("task {i} returned {o:?}, expected a count"));
            };
            n += c.added;
            state = c.state;
            if c.pid != here {
                let copy = copies.entry(c.pid).or_default();
                *copy = (*copy).max(c.after);
            }
        }
        let parent = shared::counted(state).unwrap_or(0);
        let copies: Vec<u64> = copies.into_values().collect();
        Ok(self.say(n, parent, &copies))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_increment_is_counted_and_the_answer_says_where() {
        for w in [&COUNTER_MUTEX, &COUNTER_ATOMIC, &COUNTER_LOCAL] {
            let plan = w.plan(&w.params(Some(1003)).unwrap()).unwrap();
            assert_eq!(plan.tasks.len() as u64, TASKS);
            let id = shared::fresh_id();
            let outputs: Vec<Output> = plan
                .tasks
                .iter()
                .map(|t| t.with_state(id).run_blocking().unwrap())
                .collect();
            assert_eq!(w.answer(&outputs).unwrap(), plan.expected, "{}", w.name);
            shared::forget(id);
            let copies = Setting {
                shares_memory: false,
                overlaps: true,
                in_flight: 2,
                batches: vec![16],
            };
            let under = w.expected_under(&plan, &copies).unwrap().0;
            match w.sharing {
                Sharing::Local => assert_eq!(under, "1003 increments, per-task sums merged"),
                _ => assert_eq!(
                    under,
                    "1003 increments, the parent's counter reads 0, its copies in the \
                     workers add up to 1003"
                ),
            }
        }
        // Fewer increments than tasks: no empty task.
        assert_eq!(
            COUNTER_ATOMIC
                .plan(&COUNTER_ATOMIC.params(Some(3)).unwrap())
                .unwrap()
                .tasks
                .len(),
            3
        );
    }
}
