//! `process`: W long-lived worker processes of the project's own binary (`concur worker`),
//! fed one task at a time over stdin and answering over stdout, one JSON line each: the task's
//! outcome and the census of what the worker created while running it (threads, connections),
//! which the parent adds to its own so a run's census covers its workers too. The workers and
//! their line protocol are in [`worker`](super::worker), shared with `async-process`; here a
//! feeder thread per worker blocks on its pipes.
//!
//! This is Python's `ProcessPoolExecutor` with the pickling made visible: every task is
//! serialised, written to a pipe, parsed by the worker, and its answer comes back the same way;
//! that cost is inside every run. Starting the processes is the setup cost. A worker that dies
//! fails the run with its exit status, and dropping the executor kills and reaps every worker
//! (on Linux they are also told to die with their parent), so no process is left behind.

use std::io::{BufRead, BufReader, BufWriter, Write};
use std::process::{ChildStdin, ChildStdout};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::Instant;

use super::worker::{self, WorkerProcess};
use super::{
    execute_error, since, Deliver, Executor, Lane, Model, ModelConfig, Runs, Span, TaskRun, Traits,
};
use crate::error::Result;
use crate::task::{Task, TaskOutcome};

const NAME: &str = "process";

pub struct ProcessPool;

impl Model for ProcessPool {
    fn name(&self) -> &'static str {
        NAME
    }
    fn summary(&self) -> &'static str {
        "W worker processes (this binary), tasks and answers as JSON lines over pipes"
    }
    fn python(&self) -> &'static str {
        "ProcessPoolExecutor(max_workers=W)"
    }
    fn use_when(&self) -> &'static str {
        "isolation (a crash or leak stays in its process) or code that is not thread-safe; pays start-up and serialisation"
    }
    fn lane(&self) -> Lane {
        Lane::Process
    }
    fn traits(&self) -> Traits {
        Traits {
            runs: Runs::Processes,
            shares_memory: false,
            preemptive: true,
            color: "#cc79a7",
            creates: "W feeder threads in this process per run (one per worker pipe); the W worker processes are started at setup",
        }
    }
    fn start(&self, config: &ModelConfig) -> Result<Box<dyn Executor>> {
        let exe = worker::program(NAME, config)?;
        let mut workers = Workers(Vec::with_capacity(config.workers), config.workers);
        // Spawn them all first so they start up in parallel, then wait for each to be ready.
        for index in 0..config.workers {
            let (process, input, output) = WorkerProcess::spawn(NAME, index, &exe)?;
            workers.0.push(Worker {
                process,
                input: BufWriter::new(input),
                output: BufReader::new(output),
                line: String::new(),
            });
        }
        for worker in &mut workers.0 {
            let first = worker.read_line();
            worker.process.ready(first, &exe)?;
        }
        workers.1 = config.in_flight.unwrap_or(config.workers).max(1);
        Ok(Box::new(workers))
    }
}

/// A worker and its pipes, read and written by blocking calls.
struct Worker {
    process: WorkerProcess,
    input: BufWriter<ChildStdin>,
    output: BufReader<ChildStdout>,
    line: String,
}

impl Worker {
    /// Send one task and wait for its outcome.
    fn call(&mut self, task: &Task) -> Result<TaskOutcome> {
        let sent = self
            .input
            .write_all(&worker::task_line(task))
            .and_then(|()| self.input.flush());
        if sent.is_err() {
            return Err(self.process.died_blocking());
        }
        let line = self.read_line()?;
        self.process.reply(&line)
    }

    /// The next line from the worker, or an error saying how it died.
    fn read_line(&mut self) -> Result<String> {
        self.line.clear();
        match self.output.read_line(&mut self.line) {
            Ok(0) | Err(_) => Err(self.process.died_blocking()),
            Ok(_) => Ok(self.line.trim_end().to_string()),
        }
    }
}

/// The parent side: the running workers, and how many of them may have a task at once.
struct Workers(Vec<Worker>, usize);

impl Executor for Workers {
    fn execute(&mut self, tasks: &Arc<[Task]>, clock: Instant, out: &Deliver) -> Result<()> {
        if self.0.is_empty() {
            return Err(execute_error(NAME, "no worker processes are running"));
        }
        let next = AtomicUsize::new(0);
        let broken = AtomicBool::new(false);
        // One feeding thread per worker takes the next task from a shared counter (a queue),
        // so a worker that finishes early picks up more, like ProcessPoolExecutor; each
        // answer is delivered as soon as it is read back.
        let fed: Vec<Result<()>> = thread::scope(|scope| {
            let in_flight = self.1;
            let handles: Vec<_> = self
                .0
                .iter_mut()
                .take(in_flight)
                .map(|worker| {
                    let (next, broken) = (&next, &broken);
                    thread::Builder::new().spawn_scoped(scope, move || {
                        while !broken.load(Ordering::Relaxed) {
                            let i = next.fetch_add(1, Ordering::Relaxed);
                            let Some(task) = tasks.get(i) else { break };
                            let start_s = since(clock);
                            match worker.call(task) {
                                Ok(outcome) => out.deliver(TaskRun {
                                    outcome,
                                    span: Span::new(
                                        i,
                                        worker.process.index,
                                        worker.process.index,
                                        start_s,
                                        since(clock),
                                    ),
                                }),
                                Err(e) => {
                                    broken.store(true, Ordering::Relaxed);
                                    return Err(e);
                                }
                            }
                        }
                        Ok(())
                    })
                })
                .collect();
            handles
                .into_iter()
                .map(|spawned| match spawned {
                    Ok(h) => h
                        .join()
                        .unwrap_or_else(|_| Err(execute_error(NAME, "a feeder panicked"))),
                    Err(e) => {
                        broken.store(true, Ordering::Relaxed);
                        Err(execute_error(
                            NAME,
                            format!("the OS refused a feeding thread: {e}"),
                        ))
                    }
                })
                .collect()
        });
        fed.into_iter().collect()
    }

    fn worker_pids(&self) -> Vec<u32> {
        self.0.iter().map(|w| w.process.pid()).collect()
    }
}
