//! `async-process`: a tokio runtime on one thread driving W worker processes — Python's
//! `loop.run_in_executor(ProcessPoolExecutor(W), f)` for every task, collected with
//! `asyncio.as_completed`.
//!
//! The workers are the `process` model's (see [`worker`](super::worker): `concur worker`,
//! JSON lines over pipes, dying with their parent, killed and reaped on drop). What differs
//! is who waits on the pipes: here the event loop itself. Each worker's stdin and stdout are
//! handed to tokio as non-blocking pipes (`tokio::net::unix::pipe`), so a read that has no
//! line yet parks its task and the loop goes on with the others; nothing blocks the loop's
//! thread, and no thread is started for the pipes.
//!
//! What a run creates: one async task per task (like a `run_in_executor` future, each waits
//! for a free worker, sends its task and awaits the answer), and no thread: the runtime is the
//! calling thread. The W worker processes are started at setup. The results are taken as they
//! complete (`JoinSet::join_next`, asyncio's `as_completed`), in one place.
//!
//! CPU work runs in parallel in the workers, so its ideal is the same as `process`'s (W lanes);
//! IO keeps one request in flight per worker. Unix only (non-blocking pipes).

use std::process::{ChildStdin, ChildStdout};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::unix::pipe;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use super::worker::{self, WorkerProcess, EXIT_POLL, EXIT_WAIT};
use super::{
    execute_error, setup_error, since, Deliver, Executor, Lane, Model, ModelConfig, Runs, Span,
    TaskRun, Traits,
};
use crate::error::{Error, Result};
use crate::task::{Task, TaskOutcome};

const NAME: &str = "async-process";

pub struct AsyncProcess;

impl Model for AsyncProcess {
    fn name(&self) -> &'static str {
        NAME
    }
    fn summary(&self) -> &'static str {
        "tokio on one thread handing each task to W worker processes, pipes read by the loop"
    }
    fn python(&self) -> &'static str {
        "loop.run_in_executor(ProcessPoolExecutor(W), f) with asyncio.as_completed"
    }
    fn use_when(&self) -> &'static str {
        "an async program whose CPU-heavy or crash-prone work must run isolated in other processes without stalling its event loop"
    }
    fn lane(&self) -> Lane {
        Lane::Process
    }
    fn traits(&self) -> Traits {
        Traits {
            runs: Runs::EventLoopToProcesses,
            shares_memory: false,
            preemptive: true,
            color: "#882255",
            creates: "one async task per task and no thread: the event loop reads the worker pipes itself; the W worker processes are started at setup",
        }
    }
    fn start(&self, config: &ModelConfig) -> Result<Box<dyn Executor>> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| setup_error(NAME, e))?;
        let exe = worker::program(NAME, config)?;
        let mut workers = Vec::with_capacity(config.workers);
        // Spawn them all first so they start up in parallel, then wait for each to be ready.
        for index in 0..config.workers {
            let (process, input, output) = WorkerProcess::spawn(NAME, index, &exe)?;
            // The pipes register with the runtime's IO driver: inside it.
            let _inside = runtime.enter();
            workers.push(Worker::new(process, input, output)?);
        }
        runtime.block_on(async {
            for worker in &mut workers {
                let first = worker.read_line().await;
                worker.process.ready(first, &exe)?;
            }
            Ok::<(), Error>(())
        })?;
        let pids = workers.iter().map(|w| w.process.pid()).collect();
        Ok(Box::new(Workers {
            // Fields drop in order: the workers (and their pipes) before the runtime.
            free: Arc::new(Mutex::new(workers)),
            pids,
            in_flight: config.in_flight.unwrap_or(config.workers).max(1),
            runtime,
        }))
    }
}

/// A worker and its pipes, read and written by the event loop.
struct Worker {
    process: WorkerProcess,
    input: pipe::Sender,
    output: BufReader<pipe::Receiver>,
    line: String,
}

impl Worker {
    fn new(process: WorkerProcess, input: ChildStdin, output: ChildStdout) -> Result<Worker> {
        let failed = |e| setup_error(NAME, format!("cannot hand a worker's pipes to tokio: {e}"));
        Ok(Worker {
            input: pipe::Sender::from_owned_fd(input.into()).map_err(failed)?,
            output: BufReader::new(pipe::Receiver::from_owned_fd(output.into()).map_err(failed)?),
            process,
            line: String::new(),
        })
    }

    /// Send one task and await its outcome; the loop runs other tasks meanwhile.
    async fn call(&mut self, task: &Task) -> Result<TaskOutcome> {
        if self
            .input
            .write_all(&worker::task_line(task))
            .await
            .is_err()
        {
            return Err(self.died().await);
        }
        let line = self.read_line().await?;
        self.process.reply(&line)
    }

    /// The next line from the worker, or an error saying how it died.
    async fn read_line(&mut self) -> Result<String> {
        self.line.clear();
        match self.output.read_line(&mut self.line).await {
            Ok(0) | Err(_) => Err(self.died().await),
            Ok(_) => Ok(self.line.trim_end().to_string()),
        }
    }

    /// The worker closed its pipes: find out how it ended, sleeping on the loop (not the
    /// thread) while it is being reaped.
    async fn died(&mut self) -> Error {
        let deadline = tokio::time::Instant::now() + EXIT_WAIT;
        let status = loop {
            match self.process.exited() {
                Some(status) => break Some(status),
                None if tokio::time::Instant::now() < deadline => {
                    tokio::time::sleep(EXIT_POLL).await
                }
                None => break None,
            }
        };
        self.process.died(status)
    }
}

/// The parent side: the idle workers (a task takes one out and puts it back), how many may
/// have a task at once, and the runtime that drives them.
struct Workers {
    free: Arc<Mutex<Vec<Worker>>>,
    pids: Vec<u32>,
    in_flight: usize,
    runtime: tokio::runtime::Runtime,
}

/// What is shared by the tasks of one run.
struct Shared {
    tasks: Arc<[Task]>,
    free: Arc<Mutex<Vec<Worker>>>,
    /// One permit per worker that may be busy: a task waits here for its turn, in order.
    permits: Semaphore,
    /// Set when a worker failed: the tasks still waiting are not sent.
    broken: AtomicBool,
    clock: Instant,
}

impl Executor for Workers {
    fn execute(&mut self, tasks: &Arc<[Task]>, clock: Instant, out: &Deliver) -> Result<()> {
        if self.pids.is_empty() {
            return Err(execute_error(NAME, "no worker processes are running"));
        }
        let shared = Arc::new(Shared {
            tasks: Arc::clone(tasks),
            free: Arc::clone(&self.free),
            permits: Semaphore::new(self.in_flight.min(self.pids.len())),
            broken: AtomicBool::new(false),
            clock,
        });
        self.runtime.block_on(async {
            // loop.run_in_executor(executor, f, task) for every task…
            let mut pending = JoinSet::new();
            for i in 0..tasks.len() {
                crate::census::task_spawned();
                pending.spawn(run_in_worker(Arc::clone(&shared), i));
            }
            // …then asyncio.as_completed: each result is handed over the moment it is ready.
            // Every task is waited for, even after a failure, so each worker is back in `free`.
            let mut failure = None;
            while let Some(joined) = pending.join_next().await {
                match joined {
                    // A task finished.
                    Ok(Ok(Some(run))) => out.deliver(run),
                    Ok(Ok(None)) => {} // not sent: a worker had already failed
                    Ok(Err(e)) => failure = failure.or(Some(e)),
                    Err(e) => failure = failure.or(Some(execute_error(NAME, e))),
                }
            }
            failure.map_or(Ok(()), Err)
        })
    }

    fn worker_pids(&self) -> Vec<u32> {
        self.pids.clone()
    }
}

/// Task `i`: wait for a free worker, send the task, await the answer, give the worker back
/// (a dead one too, so the next run fails on it rather than quietly running on fewer).
async fn run_in_worker(shared: Arc<Shared>, i: usize) -> Result<Option<TaskRun>> {
    let _permit = shared
        .permits
        .acquire()
        .await
        .map_err(|e| execute_error(NAME, e))?;
    if shared.broken.load(Ordering::Relaxed) {
        return Ok(None);
    }
    let taken = shared.free.lock().unwrap_or_else(|e| e.into_inner()).pop();
    let Some(mut worker) = taken else {
        return Err(execute_error(NAME, "no worker was free under a permit"));
    };
    let start_s = since(shared.clock);
    let outcome = worker.call(&shared.tasks[i]).await;
    let end_s = since(shared.clock);
    let lane = worker.process.index;
    shared
        .free
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .push(worker);
    match outcome {
        Ok(outcome) => Ok(Some(TaskRun {
            outcome,
            span: Span::new(i, lane, lane, start_s, end_s),
        })),
        Err(e) => {
            shared.broken.store(true, Ordering::Relaxed);
            Err(e)
        }
    }
}
