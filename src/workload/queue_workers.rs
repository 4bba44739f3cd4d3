//! `queue-workers`: the asyncio.Queue tutorial. Twenty sleeps of random length between
//! `--size`/20 and `--size` milliseconds (the tutorial's `random.uniform(0.05, 1.0)` seconds at
//! the default 1000) wait in a queue for the model's lanes; the tutorial has three workers
//! pulling from it (`concur run queue-workers --concurrency 3`).
//!
//! The lengths come from a fixed seed, so every run and every model sleeps the same plan. Each
//! task is a [`Task::Sleep`]: the answer is how many sleeps ran and how long they slept in
//! all, known from the plan. The ideal is those waits handed out first come, first served, to
//! the lanes the model keeps in flight: what a queue and its workers do.

use super::{ints, Answer, Kind, Params, Plan, Sizes, Workload};
use crate::error::Result;
use crate::task::{Output, Task};

/// How many sleeps the tutorial queues.
pub const SLEEPS: usize = 20;
/// The seed of the sleeps' lengths: any fixed number; this one is the tutorial's year.
const SEED: u64 = 2019;

pub struct QueueWorkers;

impl QueueWorkers {
    /// Each sleep's length in ms, for a longest sleep of `longest` ms: seeded, in
    /// [`longest` / 20, `longest`].
    pub fn lengths_ms(longest: u64) -> Vec<u64> {
        let shortest = longest / 20;
        let mut state = SEED;
        (0..SLEEPS)
            .map(|_| shortest + splitmix64(&mut state) % (longest - shortest + 1))
            .collect()
    }
}

/// A tiny, well-mixed pseudo-random step (SplitMix64): enough for a fixed plan, no dependency.
fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

fn slept(count: usize, ms: u128) -> Answer {
    Answer(format!("{count} sleeps, {ms} ms slept"))
}

impl Workload for QueueWorkers {
    fn name(&self) -> &'static str {
        "queue-workers"
    }
    fn summary(&self) -> &'static str {
        "20 sleeps of seeded random length up to --size ms pulled from a queue (asyncio.Queue, 3 workers: --concurrency 3)"
    }
    fn kind(&self) -> Kind {
        Kind::Wait
    }
    fn sizes(&self) -> Sizes {
        Sizes {
            unit: "ms the longest sleep may take",
            default: 1000,
            small: 20,
            max: 60_000,
        }
    }

    fn plan(&self, params: &Params) -> Result<Plan> {
        let lengths = Self::lengths_ms(params.size);
        Ok(Plan {
            expected: slept(
                lengths.len(),
                lengths.iter().map(|&ms| u128::from(ms)).sum(),
            ),
            floors_s: lengths.iter().map(|&ms| ms as f64 / 1e3).collect(),
            tasks: lengths.into_iter().map(|ms| Task::Sleep { ms }).collect(),
        })
    }

    fn answer(&self, outputs: &[Output]) -> std::result::Result<Answer, String> {
        let ms = ints(outputs)?;
        Ok(slept(ms.len(), ms.iter().sum()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sleeps_are_seeded_and_within_the_tutorials_range() {
        let lengths = QueueWorkers::lengths_ms(1000);
        assert_eq!(
            lengths,
            QueueWorkers::lengths_ms(1000),
            "same seed, same plan"
        );
        assert_eq!(lengths.len(), SLEEPS);
        assert!(
            lengths.iter().all(|ms| (50..=1000).contains(ms)),
            "{lengths:?}"
        );
        // Spread out, not one value repeated.
        let (min, max) = (lengths.iter().min(), lengths.iter().max());
        assert!(max.unwrap() - min.unwrap() > 400, "{lengths:?}");
        assert!(QueueWorkers::lengths_ms(1).iter().all(|&ms| ms <= 1));
    }

    #[test]
    fn the_answer_is_the_plans_sleeps() {
        let w = QueueWorkers;
        let plan = w.plan(&w.params(Some(20)).unwrap()).unwrap();
        let outputs: Vec<Output> = plan
            .tasks
            .iter()
            .map(|t| t.run_blocking().unwrap())
            .collect();
        assert_eq!(w.answer(&outputs).unwrap(), plan.expected);
        let total: f64 = plan.floors_s.iter().sum();
        assert!(plan.expected.0.starts_with("20 sleeps, "));
        assert!(plan
            .expected
            .0
            .contains(&format!("{} ms", (total * 1e3).round())));
    }
}
