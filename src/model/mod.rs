//! Models: ways to execute the tasks of a workload (in turn, on threads, on a pool, in other
//! processes, on async runtimes, and two async mistakes kept as lessons).
//!
//! A model is split in two so that setup and work are timed apart: [`Model::start`] builds
//! whatever the model needs (a pool, a runtime, worker processes) and returns an [`Executor`];
//! [`Executor::execute`] runs one batch of tasks and hands each finished task, with its span on
//! the timeline, to the harness's [`Deliver`] sink the moment the task ends (the sink, not the
//! model, decides when the result reaches its consumer: see [`deliver`]). A model never names
//! a workload: it only sees [`Task`]s. Add a model by writing one file here and one line in
//! [`all`].
//!
//! # Handing results over (the pattern every `execute` follows)
//!
//! Wherever a task ends, on whatever thread or async task ran it, build its [`TaskRun`] (with
//! [`run_here`] or [`run_async_here`], or by hand with [`Span::new`]) and pass it to
//! `out.deliver(run)` right there: never collect runs to hand them over at the end, and never
//! put them in order (the sink orders them when the run's mode asks for it). `execute` itself
//! returns `Ok(())` once every task was delivered. [`Deliver`] is `Send + Sync` and cheap to
//! clone: borrow it in scoped threads and rayon, `out.clone()` it into a `tokio::spawn` or
//! `spawn_blocking` closure. For example, in turn:
//!
//! ```ignore
//! for (i, task) in tasks.iter().enumerate() {
//!     out.deliver(run_here(task, i, 0, clock));
//! }
//! Ok(())
//! ```

mod async_blocking;
mod async_in_turn;
mod async_mt;
mod async_naive;
mod async_process;
mod async_st;
pub mod deliver;
mod permits;
mod pool;
mod process;
mod runs;
mod sequential;
mod threads;
pub mod worker;

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Instant;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::task::{Task, TaskOutcome};

pub use deliver::{Collect, Deliver, Delivery};
pub(crate) use permits::{limited, Permits};
pub use process::ProcessPool;
pub use runs::Runs;

/// What one lane of a model's timeline stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lane {
    /// An OS thread (sequential, threads, pool, async-blocking's pool threads).
    Thread,
    /// A worker process.
    Process,
    /// An async task (many of them share a thread).
    Task,
}

/// What a model declares about itself. Everything the report knows about a model comes from
/// here (saved into `results.json` with the results), so an old results file re-renders with
/// the models and colours it was measured with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Traits {
    pub runs: Runs,
    /// Whether the lanes share one address space (threads, tasks) or each has its own
    /// (processes).
    pub shares_memory: bool,
    /// Whether the OS can pre-empt a running task (threads, processes), or a task only gives
    /// the thread up at an `.await` (event loops).
    pub preemptive: bool,
    /// Its colour in every chart and table, `#rrggbb`; it never changes when models are added.
    pub color: &'static str,
    /// What one run really creates, as audited (and pinned by tests/census.rs): e.g. "one OS
    /// thread per task", "nothing: the pool is built at setup".
    pub creates: &'static str,
}

/// How a model should be set up for a cell.
#[derive(Clone, Debug)]
pub struct ModelConfig {
    /// W: the size of the pool, runtime or process pool (ignored by `sequential`, which uses
    /// one, and `threads`, which uses one per task).
    pub workers: usize,
    /// The binary the `process` model starts as its workers (`concur worker`). `None` means
    /// this very executable, which is right when running from the `concur` CLI.
    pub worker_exe: Option<PathBuf>,
    /// At most this many tasks in flight at once (`--concurrency`): a semaphore for models
    /// that would otherwise run every task at once, a tighter cap for pools.
    pub in_flight: Option<usize>,
    /// Run the tasks in batches of this many, each batch finished before the next starts
    /// (`--batch`); applied by `run::Prepared`, not by the models.
    pub batch: Option<usize>,
    /// Whether the tasks do HTTP: async models then build their shared client at start.
    pub http: bool,
    /// In which order results reach their consumer (`--collect`); applied by `run::Prepared`'s
    /// [`Deliver`] sink, never read by the models.
    pub collect: Collect,
}

impl ModelConfig {
    pub fn new(workers: usize) -> Self {
        ModelConfig {
            workers,
            worker_exe: None,
            in_flight: None,
            batch: None,
            http: false,
            collect: Collect::Ordered,
        }
    }
}

/// When and where one task ran, relative to the start of its run.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Span {
    /// The task's index in the plan.
    pub task: usize,
    /// Which lane it ran on (see [`Model::lane`]: thread, process or async task).
    pub lane: usize,
    /// The OS thread that ran it, as a small number (for processes: the worker index).
    pub thread: usize,
    pub start_s: f64,
    pub end_s: f64,
    /// When its result reached the consumer, stamped by the [`Deliver`] sink (`None` in
    /// records made before results were delivered).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delivered_s: Option<f64>,
}

impl Span {
    /// A span not yet delivered.
    pub fn new(task: usize, lane: usize, thread: usize, start_s: f64, end_s: f64) -> Span {
        Span {
            task,
            lane,
            thread,
            start_s,
            end_s,
            delivered_s: None,
        }
    }
}

/// One task's outcome and span.
#[derive(Clone, Debug)]
pub struct TaskRun {
    pub outcome: TaskOutcome,
    pub span: Span,
}

/// A model, ready to run batches of tasks. Dropping it tears down what `start` built.
pub trait Executor: Send {
    /// Run every task once, handing each one's [`TaskRun`] to `out` the moment it finishes
    /// (tasks numbered 0.. within this batch; see the module's pattern). `clock` is the run's
    /// start. A task that fails is reported in its [`TaskRun`]; an `Err` means the model itself
    /// broke (a thread could not be spawned, a worker process died).
    fn execute(&mut self, tasks: &Arc<[Task]>, clock: Instant, out: &Deliver) -> Result<()>;

    /// The process ids of the model's worker processes, if it has any (for tests and the
    /// report's process count).
    fn worker_pids(&self) -> Vec<u32> {
        Vec::new()
    }
}

/// A way to execute tasks.
pub trait Model: Send + Sync {
    /// The name used on the command line and in reports, e.g. `async-mt`.
    fn name(&self) -> &'static str;
    /// One line: what the model does.
    fn summary(&self) -> &'static str;
    /// The Python construct it corresponds to.
    fn python(&self) -> &'static str;
    /// One line: the kind of work this model is the right choice for.
    fn use_when(&self) -> &'static str;
    /// What a lane on this model's timeline is.
    fn lane(&self) -> Lane;
    /// What the model is: how it runs tasks, what it shares, its colour.
    fn traits(&self) -> Traits;
    /// Everything the model declares, as data the results file keeps.
    fn info(&self) -> ModelInfo {
        let t = self.traits();
        ModelInfo {
            name: self.name().to_string(),
            summary: self.summary().to_string(),
            python: self.python().to_string(),
            use_when: self.use_when().to_string(),
            lane: self.lane(),
            runs: t.runs,
            shares_memory: t.shares_memory,
            preemptive: t.preemptive,
            color: t.color.to_string(),
            creates: t.creates.to_string(),
            language: self.language().map(str::to_string),
        }
    }
    /// The language its tasks run in, when not Rust (the Python side's models: `python`).
    /// Baselines pair within a language.
    fn language(&self) -> Option<&'static str> {
        None
    }
    /// W as this model uses it for `tasks` tasks: the threads or processes that can compute
    /// at the same time (1 for `sequential` and single-threaded `async`, one per task for
    /// `threads`). The CPU ideal schedules the tasks on this many lanes (time-sliced over the
    /// cores when there are more).
    fn workers(&self, config: &ModelConfig, _tasks: usize) -> usize {
        config.workers
    }
    /// How many tasks can wait on IO at the same time: the IO ideal's lanes. Blocking models
    /// wait with a thread each, so this is their W; async models can have every task waiting.
    fn in_flight(&self, config: &ModelConfig, tasks: usize) -> usize {
        let natural = self.workers(config, tasks);
        config
            .in_flight
            .map_or(natural, |cap| natural.min(cap))
            .max(1)
    }
    /// Build the pool / runtime / processes. Timed as the cell's setup cost.
    fn start(&self, config: &ModelConfig) -> Result<Box<dyn Executor>>;
}

/// A model's declaration as plain data: what `results.json` keeps next to the cells.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModelInfo {
    pub name: String,
    pub summary: String,
    pub python: String,
    pub use_when: String,
    pub lane: Lane,
    pub runs: Runs,
    pub shares_memory: bool,
    pub preemptive: bool,
    pub color: String,
    pub creates: String,
    /// The language its tasks ran in when not Rust (`python`); absent for Rust models and in
    /// files written before the Python side.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
}

/// The baseline among `models`: the first that runs its tasks in turn ([`Runs::InTurn`]; an
/// event loop that awaits in turn is not one: it is compared with the baseline, like the rest).
pub fn baseline<'a>(models: &[&'a dyn Model]) -> Option<&'a dyn Model> {
    models
        .iter()
        .copied()
        .find(|m| m.traits().runs == Runs::InTurn)
}

/// Every model, in the order reports list them.
pub fn all() -> Vec<&'static dyn Model> {
    vec![
        &sequential::Sequential,
        &threads::ThreadPerTask,
        &pool::RayonPool,
        &process::ProcessPool,
        &async_st::AsyncSingle,
        &async_mt::AsyncMulti,
        &async_blocking::AsyncBlocking,
        &async_process::AsyncProcess,
        &async_naive::AsyncNaive,
        &async_in_turn::AsyncInTurn,
    ]
}

/// Look a model up by its command-line name.
pub fn by_name(name: &str) -> Result<&'static dyn Model> {
    all()
        .into_iter()
        .find(|m| m.name() == name)
        .ok_or_else(|| Error::UnknownModel(name.to_string()))
}

/// A small, stable number for the calling OS thread (0, 1, 2, … in order of first use), so
/// timelines can name threads without printing opaque ids.
pub fn thread_slot() -> usize {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    thread_local!(static SLOT: usize = NEXT.fetch_add(1, Ordering::Relaxed));
    SLOT.with(|slot| *slot)
}

/// Seconds since `clock`.
pub(crate) fn since(clock: Instant) -> f64 {
    clock.elapsed().as_secs_f64()
}

/// Run `task` on this thread and record its span.
pub fn run_here(task: &Task, index: usize, lane: usize, clock: Instant) -> TaskRun {
    let start_s = since(clock);
    let outcome = task.run_blocking();
    TaskRun {
        outcome,
        span: Span::new(index, lane, thread_slot(), start_s, since(clock)),
    }
}

/// Run `task` on the current async task and record its span.
pub async fn run_async_here(
    task: &Task,
    client: Option<&reqwest::Client>,
    index: usize,
    lane: usize,
    clock: Instant,
) -> TaskRun {
    let start_s = since(clock);
    let outcome = task.run_async(client).await;
    TaskRun {
        outcome,
        span: Span::new(index, lane, thread_slot(), start_s, since(clock)),
    }
}

/// Wrap a setup failure of `model`.
pub(crate) fn setup_error(model: &'static str, reason: impl ToString) -> Error {
    Error::Setup {
        model,
        reason: reason.to_string(),
    }
}

/// Wrap a failure of `model` while running.
pub(crate) fn execute_error(model: &'static str, reason: impl ToString) -> Error {
    Error::Execute {
        model,
        reason: reason.to_string(),
    }
}

/// The most workers any model accepts: far above any machine's cores, well below what would
/// exhaust the OS.
pub const MAX_WORKERS: u64 = 1024;

/// A worker count from the user, checked: at least 1, at most [`MAX_WORKERS`].
pub fn validate_workers(workers: u64) -> Result<usize> {
    Ok(crate::error::check_range("--workers", workers, 1, MAX_WORKERS)? as usize)
}
