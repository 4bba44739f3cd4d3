//! Models: ways to execute the tasks of a workload (in turn, on threads, on a pool, in other
//! processes, on async runtimes).
//!
//! A model is split in two so that setup and work are timed apart: [`Model::start`] builds
//! whatever the model needs (a pool, a runtime, worker processes) and returns an [`Executor`];
//! [`Executor::execute`] runs one batch of tasks and returns one [`TaskRun`] per task, in task
//! order, each with its span on the timeline. A model never names a workload: it only sees
//! [`Task`]s. Add a model by writing one file here and one line in [`all`].

mod async_blocking;
mod async_mt;
mod async_st;
mod pool;
pub mod process;
mod sequential;
mod threads;

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Instant;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::task::{Task, TaskOutcome};

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
}

impl ModelConfig {
    pub fn new(workers: usize) -> Self {
        ModelConfig {
            workers,
            worker_exe: None,
            in_flight: None,
            batch: None,
            http: false,
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
}

/// One task's outcome and span.
#[derive(Clone, Debug)]
pub struct TaskRun {
    pub outcome: TaskOutcome,
    pub span: Span,
}

/// A model, ready to run batches of tasks. Dropping it tears down what `start` built.
pub trait Executor: Send {
    /// Run every task once and return their runs in task order. `clock` is the run's start.
    /// A task that fails is reported in its [`TaskRun`]; an `Err` means the model itself broke
    /// (a thread could not be spawned, a worker process died).
    fn execute(&mut self, tasks: &Arc<[Task]>, clock: Instant) -> Result<Vec<TaskRun>>;

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
    /// W as this model uses it for `tasks` tasks: the threads or processes that can compute
    /// at the same time (1 for `sequential` and single-threaded `async`, one per task for
    /// `threads`). The CPU ideal divides the work by this, capped by the machine's cores.
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
pub(crate) fn run_here(task: &Task, index: usize, lane: usize, clock: Instant) -> TaskRun {
    let start_s = since(clock);
    let outcome = task.run_blocking();
    TaskRun {
        outcome,
        span: Span {
            task: index,
            lane,
            thread: thread_slot(),
            start_s,
            end_s: since(clock),
        },
    }
}

/// Run `task` on the current async task and record its span.
pub(crate) async fn run_async_here(
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
        span: Span {
            task: index,
            lane,
            thread: thread_slot(),
            start_s,
            end_s: since(clock),
        },
    }
}

/// A counting semaphore for threads: at most `n` holders at once (`--concurrency` for the
/// blocking models, like `threading.Semaphore(n)`).
pub(crate) struct Permits {
    free: Mutex<usize>,
    freed: Condvar,
}

impl Permits {
    pub(crate) fn new(n: usize) -> Permits {
        Permits {
            free: Mutex::new(n.max(1)),
            freed: Condvar::new(),
        }
    }

    /// Wait for a permit, run `f`, give the permit back.
    pub(crate) fn with<T>(&self, f: impl FnOnce() -> T) -> T {
        {
            let mut free = self.free.lock().unwrap_or_else(|e| e.into_inner());
            while *free == 0 {
                free = self.freed.wait(free).unwrap_or_else(|e| e.into_inner());
            }
            *free -= 1;
        }
        let out = f();
        *self.free.lock().unwrap_or_else(|e| e.into_inner()) += 1;
        self.freed.notify_one();
        out
    }
}

/// Run `f` under `permits` if there are any, directly otherwise.
pub(crate) fn limited<T>(permits: Option<&Permits>, f: impl FnOnce() -> T) -> T {
    match permits {
        Some(p) => p.with(f),
        None => f(),
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
    if workers == 0 || workers > MAX_WORKERS {
        return Err(Error::OutOfRange {
            what: "--workers",
            min: 1,
            max: MAX_WORKERS,
            got: workers,
        });
    }
    Ok(workers as usize)
}
