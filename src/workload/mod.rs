//! Workloads: named, parameterised jobs made of independent tasks, each with a known answer.
//!
//! A workload only *describes* work: it turns parameters into a [`Plan`] (the tasks and the
//! answer they must add up to) and combines task outputs into an [`Answer`]. It never spawns a
//! thread, a task or a process; that is a model's job. Add a workload by writing one file here
//! and one line in [`all`].

pub mod api;
pub mod bank;
pub mod counter;
pub mod crowd;
pub mod fanout;
pub mod mixed;
pub mod primes;
pub mod queue_workers;
pub mod sites;
pub mod sum_squares;
pub mod uneven;

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::task::{Output, Task};

/// What bounds a workload: the CPU, waiting on the network, or both at once.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Cpu,
    Io,
    /// IO requests and CPU tasks submitted together: a server is needed, and the ideal and
    /// the lesson (how CPU work delays waiting requests) need both.
    Mixed,
    /// Tasks that wait a known time without a server (sleeps, a pause between a check and an
    /// update): `floors_s` holds each task's wait, and the ideal is those waits handed out
    /// first come, first served, to the lanes the model keeps in flight.
    Wait,
}

impl Kind {
    /// True for the kinds that send requests, so need a server (IO and mixed).
    pub fn has_io(self) -> bool {
        matches!(self, Kind::Io | Kind::Mixed)
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Kind::Cpu => "cpu",
            Kind::Io => "io",
            Kind::Mixed => "mixed",
            Kind::Wait => "wait",
        })
    }
}

/// The size knob of a workload: what it means and which values make sense.
#[derive(Clone, Copy, Debug)]
pub struct Sizes {
    /// What `--size` counts, e.g. "numbers to test".
    pub unit: &'static str,
    /// The size `concur run` uses unless told otherwise.
    pub default: u64,
    /// A size that runs in well under a second under every model (`concur verify`, tests).
    pub small: u64,
    /// Above this a run would take unreasonably long (or overflow): rejected up front.
    pub max: u64,
}

/// The parameters of one cell, after validation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Params {
    pub size: u64,
    /// Where and how IO workloads send their requests; `None` for CPU workloads.
    pub io: Option<IoParams>,
}

/// The server side of an IO cell.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IoParams {
    /// `http://127.0.0.1:PORT` of the mock server.
    pub base_url: String,
    /// The server's base delay per reply (endpoints may multiply it).
    pub delay_ms: u64,
    /// The clients' timeout per request.
    pub timeout_ms: u64,
}

impl Params {
    /// The IO parameters, or an error naming the workload that needs them.
    pub fn io(&self, workload: &str) -> Result<&IoParams> {
        self.io.as_ref().ok_or_else(|| {
            Error::InvalidInput(format!("{workload} needs a mock server (IO parameters)"))
        })
    }
}

/// The canonical answer of a run, compared as text with the workload's known answer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Answer(pub String);

impl fmt::Display for Answer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A workload made concrete: the tasks to run and the answer they must produce.
#[derive(Clone, Debug)]
pub struct Plan {
    pub tasks: Vec<Task>,
    /// Computed without running any task (a formula, or data from `fixtures/`).
    pub expected: Answer,
    /// For IO tasks, the least time each one can take (the server's delay before replying),
    /// in seconds; empty for CPU workloads, whose costs are measured. A mixed plan has one
    /// per task, 0 for its CPU tasks; a wait plan, each task's wait.
    pub floors_s: Vec<f64>,
}

/// How a model will run a plan's tasks, as far as state shared between them is concerned:
/// what a workload whose answer depends on it reads ([`Workload::expected_under`]). Derived
/// by `run::Prepared` from the model's declared traits and the cell's settings, never from
/// the model's name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Setting {
    /// Whether the lanes share one address space (threads, async tasks), or each worker
    /// process has its own copy of everything.
    pub shares_memory: bool,
    /// Whether two tasks can ever be under way at once (false: one at a time, in turn, or an
    /// event loop blocked by each task).
    pub overlaps: bool,
    /// Tasks kept in flight at once.
    pub in_flight: usize,
    /// How many tasks each `--batch` holds, in order.
    pub batches: Vec<usize>,
}

impl Setting {
    /// True when tasks `first..=last` (in plan order, handed out in order) all start at once:
    /// the model overlaps tasks, and they share a batch and fit in its first wave of
    /// `in_flight` tasks.
    pub fn together(&self, first: usize, last: usize) -> bool {
        let mut start = 0;
        let first_wave = self.batches.iter().any(|&n| {
            let (from, to) = (start, start + n);
            start = to;
            (from..to).contains(&first) && last < to && last - from < self.in_flight
        });
        self.overlaps && first_wave
    }
}

/// A named job made of independent tasks with a known answer.
pub trait Workload: Send + Sync {
    /// The name used on the command line and in reports, e.g. `sum-squares`.
    fn name(&self) -> &'static str;
    /// One line: what the workload does and where it comes from.
    fn summary(&self) -> &'static str;
    /// CPU-bound or IO-bound.
    fn kind(&self) -> Kind;
    /// What `--size` means for this workload and its sensible range.
    fn sizes(&self) -> Sizes;
    /// The tasks for these parameters, with the known answer.
    fn plan(&self, params: &Params) -> Result<Plan>;
    /// Combine task outputs (in task order) into the run's answer.
    fn answer(&self, outputs: &[Output]) -> std::result::Result<Answer, String>;
    /// The answer a run under `setting` must give: the plan's, unless the tasks share state, so
    /// that what the answer is depends on what the model shares and runs at once (`bank`).
    /// An error when it cannot be known (the one-line reason, said before the run).
    fn expected_under(&self, plan: &Plan, _setting: &Setting) -> Result<Answer> {
        Ok(plan.expected.clone())
    }
    /// For IO workloads, the server delay `concur run` uses unless told otherwise.
    fn default_delay_ms(&self) -> u64 {
        0
    }

    /// Validated parameters: the default size, or `size` if it is in range.
    fn params(&self, size: Option<u64>) -> Result<Params> {
        let sizes = self.sizes();
        let size =
            crate::error::check_range("--size", size.unwrap_or(sizes.default), 1, sizes.max)?;
        Ok(Params { size, io: None })
    }
}

/// Every workload, in the order reports list them.
pub fn all() -> Vec<&'static dyn Workload> {
    vec![
        &primes::PRIMES,
        &primes::PRIMES_REPEAT,
        &sum_squares::SumSquares,
        &uneven::Uneven,
        &sites::Sites,
        &api::Api,
        &fanout::Fanout,
        &crowd::Crowd,
        &mixed::Mixed,
        &queue_workers::QueueWorkers,
        &bank::Bank,
        &counter::COUNTER_MUTEX,
        &counter::COUNTER_ATOMIC,
        &counter::COUNTER_LOCAL,
    ]
}

/// Look a workload up by its command-line name.
pub fn by_name(name: &str) -> Result<&'static dyn Workload> {
    all()
        .into_iter()
        .find(|w| w.name() == name)
        .ok_or_else(|| Error::UnknownWorkload(name.to_string()))
}

/// `base_url` + `path`.
pub(crate) fn url(io: &IoParams, path: &str) -> String {
    format!("{}{path}", io.base_url)
}

/// A plan of one GET per endpoint in `chosen`: the answer is the bytes the bodies add up to,
/// and each request's least time is its endpoint's share of the server's delay. Shared by the
/// workloads that download (`sites`, `fanout`, `crowd`).
pub(crate) fn downloads(io: &IoParams, chosen: &[&crate::mock::Endpoint]) -> Plan {
    Plan {
        tasks: chosen
            .iter()
            .map(|e| Task::Get {
                url: url(io, &e.path),
                timeout_ms: io.timeout_ms,
            })
            .collect(),
        expected: bytes(chosen.iter().map(|e| e.body_bytes as u128).sum()),
        floors_s: chosen
            .iter()
            .map(|e| e.delay * io.delay_ms as f64 / 1e3)
            .collect(),
    }
}

/// The answer of a download workload: the bytes of every body, added up.
pub(crate) fn downloaded(outputs: &[Output]) -> std::result::Result<Answer, String> {
    Ok(bytes(ints(outputs)?.iter().sum()))
}

fn bytes(total: u128) -> Answer {
    Answer(format!("{total} bytes"))
}

/// The outputs as integers, or the index of the first one that is not.
pub(crate) fn ints(outputs: &[Output]) -> std::result::Result<Vec<u128>, String> {
    outputs
        .iter()
        .enumerate()
        .map(|(i, o)| {
            o.as_int()
                .ok_or_else(|| format!("task {i} returned {o:?}, expected a number"))
        })
        .collect()
}
