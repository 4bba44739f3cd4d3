//! `sum-squares`: Σ i² for i in 0..N, in u128, split into equal chunks as tasks.
//!
//! The known answer is the closed formula (N-1)·N·(2N-1)/6, which is also what LLVM would
//! turn a naive loop into: the kernel feeds every element through `black_box` so the loop
//! really runs (about a nanosecond per element, so 1e8 takes a tenth of a second or so). The
//! kernel itself is [`crate::kernel::sum_squares`].
//!
//! N is the end of the range, not included, as in Python's `range(N)`. The CPU-bound demo of
//! the download-sites tutorial printed 333333318333333549999999 for `range(100_000_000)`: its
//! last slice is `slice(start, -1)`, which drops the last number, so it summed 0..99_999_999.
//! `concur run sum-squares --size 99_999_999` prints that number; at the default 100_000_000
//! concur prints the whole range's 333333328333333350000000 (`fixtures/tutorials.json`).

use super::{ints, Answer, Kind, Params, Plan, Sizes, Workload};
use crate::error::Result;
use crate::task::{Output, Task};

/// How many tasks the range is cut into (more than any worker count we test, so every model
/// has work to balance).
pub const CHUNKS: u64 = 16;

pub struct SumSquares;

impl Workload for SumSquares {
    fn name(&self) -> &'static str {
        "sum-squares"
    }
    fn summary(&self) -> &'static str {
        "Σ i² over 0..N in u128, cut into 16 equal chunks (known answer: the closed formula)"
    }
    fn kind(&self) -> Kind {
        Kind::Cpu
    }
    fn sizes(&self) -> Sizes {
        Sizes {
            unit: "N, the end of the range",
            default: 100_000_000,
            small: 100_000,
            max: 100_000_000_000,
        }
    }

    fn plan(&self, params: &Params) -> Result<Plan> {
        let n = params.size;
        let chunks = CHUNKS.min(n);
        let tasks = (0..chunks)
            .map(|c| Task::SumSquares {
                start: n * c / chunks,
                end: n * (c + 1) / chunks,
            })
            .collect();
        Ok(Plan {
            tasks,
            expected: Answer(formula(n).to_string()),
            floors_s: Vec::new(),
        })
    }

    fn answer(&self, outputs: &[Output]) -> std::result::Result<Answer, String> {
        Ok(Answer(ints(outputs)?.iter().sum::<u128>().to_string()))
    }
}

/// Σ i² for i in 0..n, by formula: (n-1)·n·(2n-1)/6.
pub fn formula(n: u64) -> u128 {
    let n = n as u128;
    if n == 0 {
        return 0;
    }
    (n - 1) * n * (2 * n - 1) / 6
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kernel;

    #[test]
    fn the_known_answer_at_the_default_size() {
        assert_eq!(formula(100_000_000), 333_333_328_333_333_350_000_000);
    }

    #[test]
    fn kernel_matches_formula_and_chunks_cover_the_range() {
        let plan = SumSquares
            .plan(&Params {
                size: 12_345,
                io: None,
            })
            .unwrap();
        let outputs: Vec<Output> = plan
            .tasks
            .iter()
            .map(|t| t.run_blocking().unwrap())
            .collect();
        assert_eq!(SumSquares.answer(&outputs).unwrap(), plan.expected);
        assert_eq!(kernel::sum_squares(0, 12_345), formula(12_345));
    }
}
