//! What the Python tutorials measured, and whether this machine's Python side ran: plain data
//! the report puts beside this machine's numbers.
//!
//! The tutorials' printed figures live in `fixtures/tutorials.json` (each with its source and
//! the conditions it ran under), embedded at compile time. Their machines are not ours, so the
//! page compares their ratios (each model's speedup over their own sequential run) with ours,
//! never their seconds. [`PythonSide`] is what `results.json` keeps about the Python side: the
//! interpreter that ran it, or why it did not run and the one command that would enable it.

use serde::{Deserialize, Serialize};

use crate::model::Runs;

/// `fixtures/tutorials.json`, as the binary carries it.
const FIXTURE: &str = include_str!("../fixtures/tutorials.json");

/// One tutorial program's printed figures.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Tutorial {
    /// The concur workload it compares with (it may not be in this build).
    pub workload: String,
    /// Which tutorial, in `seeds/`.
    pub source: String,
    /// What it ran: its inputs, pool sizes and clients.
    pub conditions: String,
    /// An answer it printed, and the size at which concur reproduces it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answer: Option<Printed>,
    pub timings: Vec<Timing>,
}

/// An answer a tutorial printed: `concur run <workload> --size <size>` prints the same.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Printed {
    pub size: u64,
    pub printed: String,
}

/// One figure a tutorial printed: how its program ran the tasks, and how long it took.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Timing {
    /// How the program ran its tasks, in the words models declare themselves with.
    pub runs: Runs,
    /// What the tutorial called it.
    pub label: String,
    /// Its time (the middle of a range the tutorial gave).
    pub seconds: f64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub low_s: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub high_s: Option<f64>,
}

impl Tutorial {
    /// The tutorial's own speedup of `runs` over its in-turn program, if it printed both.
    pub fn speedup(&self, runs: Runs) -> Option<f64> {
        let time = |r: Runs| self.timings.iter().find(|t| t.runs == r).map(|t| t.seconds);
        Some(time(Runs::InTurn)? / time(runs)?).filter(|s| s.is_finite() && *s > 0.0)
    }
}

#[derive(Deserialize)]
struct FixtureFile {
    tutorials: Vec<Tutorial>,
}

/// Every tutorial figure of `fixtures/tutorials.json` (empty only if the fixture is broken,
/// which a unit test rules out).
pub fn all() -> Vec<Tutorial> {
    serde_json::from_str::<FixtureFile>(FIXTURE)
        .map(|f| f.tutorials)
        .unwrap_or_default()
}

/// Why the Python side did not run, and the one command that would let it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotRun {
    pub reason: String,
    pub enable: String,
}

/// What `results.json` keeps about the Python side of a bench run.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct PythonSide {
    /// `Python 3.11.7 (requests 2.32.3, aiohttp 3.10.10)` when it ran.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interpreter: Option<String>,
    /// Set when it did not run.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub not_run: Option<NotRun>,
    /// The tutorials' printed figures, carried so an old file re-renders with its own.
    #[serde(default)]
    pub tutorials: Vec<Tutorial>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workload::sum_squares::formula;

    #[test]
    fn the_fixture_reads_and_its_answers_are_the_formulas() {
        let all = all();
        assert!(all.len() >= 6, "{all:?}");
        let printed: Vec<&Printed> = all.iter().filter_map(|t| t.answer.as_ref()).collect();
        assert_eq!(printed.len(), 2);
        for p in printed {
            assert_eq!(formula(p.size).to_string(), p.printed, "{p:?}");
        }
        let sites = all.iter().find(|t| t.workload == "sites").unwrap();
        let threads = sites.speedup(Runs::ThreadPool).unwrap();
        assert!((threads - 10.00 / 6.12).abs() < 1e-9);
        assert_eq!(sites.speedup(Runs::EventLoopThreads), None);
    }
}
