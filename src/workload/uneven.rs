//! `uneven`: tasks of very different sizes, where how a model hands out work matters.
//!
//! The first two tasks are the tutorials' `sum_to_num(200_000_000)` and `sum_to_num(50_000_000)`
//! (scaled by `--size`, the largest n); then a skewed set: two huge tasks of n/2 and forty tiny
//! ones of n/10000. Handing out tasks in fixed halves would leave one worker with all the big
//! ones; work stealing or a shared queue keeps every worker busy until the biggest task is
//! the only one left. The known answer is Σ n(n+1)/2 over the tasks; each task runs
//! [`crate::kernel::sum_to`].

use super::{ints, Answer, Kind, Params, Plan, Sizes, Workload};
use crate::error::Result;
use crate::task::{Output, Task};

/// How many tiny tasks follow the big ones.
pub const TINY_TASKS: usize = 40;

pub struct Uneven;

impl Uneven {
    /// The n of every task, biggest first as the tutorials list them.
    pub fn task_sizes(largest: u64) -> Vec<u64> {
        let mut sizes = vec![largest, largest / 4, largest / 2, largest / 2];
        sizes.extend(std::iter::repeat_n(largest / 10_000, TINY_TASKS));
        sizes
    }
}

impl Workload for Uneven {
    fn name(&self) -> &'static str {
        "uneven"
    }
    fn summary(&self) -> &'static str {
        "Σ 0..=n for very uneven n: sum_to_num(200M) and (50M), two huge and forty tiny tasks"
    }
    fn kind(&self) -> Kind {
        Kind::Cpu
    }
    fn sizes(&self) -> Sizes {
        Sizes {
            unit: "n of the largest task",
            default: 200_000_000,
            small: 200_000,
            max: 100_000_000_000,
        }
    }

    fn plan(&self, params: &Params) -> Result<Plan> {
        let sizes = Self::task_sizes(params.size);
        let expected: u128 = sizes.iter().map(|&n| triangle(n)).sum();
        Ok(Plan {
            tasks: sizes.into_iter().map(|n| Task::SumTo { n }).collect(),
            expected: Answer(expected.to_string()),
            floors_s: Vec::new(),
        })
    }

    fn answer(&self, outputs: &[Output]) -> std::result::Result<Answer, String> {
        Ok(Answer(ints(outputs)?.iter().sum::<u128>().to_string()))
    }
}

/// Σ i for i in 0..=n, by formula.
pub fn triangle(n: u64) -> u128 {
    let n = n as u128;
    n * (n + 1) / 2
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kernel;

    #[test]
    fn kernel_matches_formula() {
        for n in [0, 1, 2, 999, 200_000] {
            assert_eq!(kernel::sum_to(n), triangle(n), "n = {n}");
        }
    }

    #[test]
    fn a_few_huge_tasks_and_many_tiny_ones() {
        let sizes = Uneven::task_sizes(200_000_000);
        assert_eq!(&sizes[..2], &[200_000_000, 50_000_000]);
        assert_eq!(sizes.len(), 4 + TINY_TASKS);
        assert_eq!(sizes.iter().filter(|&&n| n == 20_000).count(), TINY_TASKS);
    }
}
