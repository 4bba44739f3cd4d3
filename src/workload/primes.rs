//! `primes` and `primes-repeat`: trial-division primality of large numbers.
//!
//! The inputs come from `fixtures/primes.json`: the six numbers of Python's
//! `ProcessPoolExecutor` example (five primes, one composite) and the threading-vs-processes
//! tutorial's 100 × 112272535095293. `--size` is how many numbers to test, taken from the set
//! in order and cycled. The known answer is the fixture's own `prime` flag for each number.
//! Each task runs [`crate::kernel::is_prime`].

use serde::Deserialize;

use super::{Answer, Kind, Params, Plan, Sizes, Workload};
use crate::error::{Error, Result};
use crate::task::{Output, Task};

const FIXTURE: &str = include_str!("../../fixtures/primes.json");

/// The docs example: six numbers, cycled to `--size`.
pub static PRIMES: Primes = Primes {
    name: "primes",
    set: "docs",
    summary: "is n prime? six large numbers from Python's concurrent.futures docs (5 primes, 1 composite)",
    default: 6,
};

/// The tutorial: the same large prime, `--size` times.
pub static PRIMES_REPEAT: Primes = Primes {
    name: "primes-repeat",
    set: "tutorial",
    summary:
        "is n prime? 112272535095293 tested --size times (the threading-vs-processes tutorial)",
    default: 100,
};

/// A primality workload over one set of `fixtures/primes.json`.
pub struct Primes {
    name: &'static str,
    set: &'static str,
    summary: &'static str,
    default: u64,
}

#[derive(Deserialize)]
struct Set {
    numbers: Vec<Number>,
}

#[derive(Deserialize)]
struct Number {
    n: u64,
    prime: bool,
}

impl Primes {
    /// The first `size` numbers of the set, cycled, with their known primality.
    fn inputs(&self, size: u64) -> Result<Vec<(u64, bool)>> {
        let mut sets: std::collections::HashMap<String, Set> = serde_json::from_str(FIXTURE)
            .map_err(|e| Error::InvalidInput(format!("fixtures/primes.json: {e}")))?;
        let set = sets.remove(self.set).ok_or_else(|| {
            Error::InvalidInput(format!("fixtures/primes.json has no set `{}`", self.set))
        })?;
        Ok(set
            .numbers
            .iter()
            .map(|x| (x.n, x.prime))
            .cycle()
            .take(size as usize)
            .collect())
    }
}

impl Workload for Primes {
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
            unit: "numbers to test",
            default: self.default,
            small: 3,
            max: 100_000,
        }
    }

    fn plan(&self, params: &Params) -> Result<Plan> {
        let inputs = self.inputs(params.size)?;
        let flags: Vec<bool> = inputs.iter().map(|&(_, prime)| prime).collect();
        Ok(Plan {
            tasks: inputs.iter().map(|&(n, _)| Task::IsPrime { n }).collect(),
            expected: describe(&flags),
            floors_s: Vec::new(),
        })
    }

    fn answer(&self, outputs: &[Output]) -> std::result::Result<Answer, String> {
        let flags = outputs
            .iter()
            .enumerate()
            .map(|(i, o)| {
                o.as_bool()
                    .ok_or_else(|| format!("task {i} returned {o:?}, expected true/false"))
            })
            .collect::<std::result::Result<Vec<bool>, String>>()?;
        Ok(describe(&flags))
    }
}

/// "5 of 6 prime; composite: #5" — exact, and readable in a table.
fn describe(flags: &[bool]) -> Answer {
    let primes = flags.iter().filter(|&&p| p).count();
    let composite: Vec<String> = flags
        .iter()
        .enumerate()
        .filter(|(_, &p)| !p)
        .map(|(i, _)| format!("#{i}"))
        .collect();
    let mut text = format!("{primes} of {} prime", flags.len());
    if !composite.is_empty() {
        text.push_str("; composite: ");
        text.push_str(&composite.join(" "));
    }
    Answer(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plan_cycles_the_docs_set() {
        let plan = PRIMES.plan(&Params { size: 8, io: None }).unwrap();
        assert_eq!(plan.tasks.len(), 8);
        assert_eq!(plan.tasks[6], plan.tasks[0]);
        assert_eq!(plan.expected.0, "7 of 8 prime; composite: #5");
    }
}
