//! `process`: W long-lived worker processes of the project's own binary (`concur worker`),
//! fed one task at a time over stdin and answering over stdout, one JSON line each: the task's
//! outcome and the census of what the worker created while running it (threads, connections),
//! which the parent adds to its own so a run's census covers its workers too.
//!
//! This is Python's `ProcessPoolExecutor` with the pickling made visible: every task is
//! serialised, written to a pipe, parsed by the worker, and its answer comes back the same way;
//! that cost is inside every run. Starting the processes is the setup cost. A worker that dies
//! fails the run with its exit status, and dropping the executor kills and reaps every worker
//! (on Linux they are also told to die with their parent), so no process is left behind.

use std::io::{self, BufRead, BufReader, BufWriter, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, ChildStdout, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use super::{
    execute_error, setup_error, since, Deliver, Executor, Lane, Model, ModelConfig, Runs, Span,
    TaskRun, Traits,
};
use crate::census::{self, Census};
use crate::error::{Error, Result};
use crate::task::{Task, TaskOutcome};

/// The first line a worker prints, so the parent knows it started the right program.
pub const READY: &str = "concur-worker ready";

pub struct ProcessPool;

impl Model for ProcessPool {
    fn name(&self) -> &'static str {
        "process"
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
        let exe = match &config.worker_exe {
            Some(exe) => exe.clone(),
            None => std::env::current_exe()
                .map_err(|e| setup_error("process", format!("cannot find this program: {e}")))?,
        };
        let mut workers = Workers(Vec::with_capacity(config.workers), config.workers);
        // Spawn them all first so they start up in parallel, then wait for each to be ready.
        for index in 0..config.workers {
            workers.0.push(Worker::spawn(index, &exe)?);
        }
        for worker in &mut workers.0 {
            worker.await_ready(&exe)?;
        }
        workers.1 = config.in_flight.unwrap_or(config.workers).max(1);
        Ok(Box::new(workers))
    }
}

/// A worker's answer to one task: one JSON line.
#[derive(Debug, Serialize, Deserialize)]
pub struct Reply {
    pub outcome: TaskOutcome,
    /// What the worker created while running the task.
    pub census: Census,
}

/// The worker side: answer every task line on stdin with one [`Reply`] line on stdout, until
/// stdin closes. This is all `concur worker` does.
pub fn serve(input: impl BufRead, mut output: impl Write) -> io::Result<()> {
    writeln!(output, "{READY}")?;
    output.flush()?;
    for line in input.lines() {
        let line = line?;
        let before = census::snapshot();
        let outcome: TaskOutcome = match serde_json::from_str::<Task>(&line) {
            Ok(task) => task.run_blocking(),
            Err(e) => Err(format!("worker could not read the task line: {e}")),
        };
        let reply = Reply {
            outcome,
            census: before.since(),
        };
        serde_json::to_writer(&mut output, &reply)?;
        output.write_all(b"\n")?;
        output.flush()?;
    }
    Ok(())
}

struct Worker {
    index: usize,
    child: Child,
    input: BufWriter<ChildStdin>,
    output: BufReader<ChildStdout>,
    line: String,
}

impl Worker {
    fn spawn(index: usize, exe: &Path) -> Result<Worker> {
        let mut command = Command::new(exe);
        command
            .arg("worker")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit());
        crate::spawn::die_with_parent(&mut command);
        let mut child = command.spawn().map_err(|e| {
            setup_error(
                "process",
                format!("cannot start worker {index} ({}): {e}", exe.display()),
            )
        })?;
        census::process_spawned();
        let (Some(input), Some(output)) = (child.stdin.take(), child.stdout.take()) else {
            return Err(setup_error("process", "worker pipes were not set up"));
        };
        Ok(Worker {
            index,
            child,
            input: BufWriter::new(input),
            output: BufReader::new(output),
            line: String::new(),
        })
    }

    fn await_ready(&mut self, exe: &Path) -> Result<()> {
        match self.read_line() {
            Ok(line) if line == READY => Ok(()),
            Ok(line) => Err(setup_error(
                "process",
                format!(
                    "{} is not a concur worker (it said {line:?})",
                    exe.display()
                ),
            )),
            Err(e) => Err(e),
        }
    }

    /// Send one task and wait for its outcome; what the worker created for it joins this
    /// process's census.
    fn call(&mut self, task: &Task) -> Result<TaskOutcome> {
        let sent = serde_json::to_writer(&mut self.input, task)
            .map_err(io::Error::from)
            .and_then(|()| self.input.write_all(b"\n"))
            .and_then(|()| self.input.flush());
        if sent.is_err() {
            return Err(self.died());
        }
        let line = self.read_line()?;
        let reply: Reply = serde_json::from_str(&line).map_err(|e| Error::Worker {
            index: self.index,
            pid: self.child.id(),
            what: format!("sent an unreadable answer ({e}): {line:?}"),
        })?;
        census::absorb(reply.census);
        Ok(reply.outcome)
    }

    /// The next line from the worker, or an error saying how it died.
    fn read_line(&mut self) -> Result<String> {
        self.line.clear();
        match self.output.read_line(&mut self.line) {
            Ok(0) | Err(_) => Err(self.died()),
            Ok(_) => Ok(self.line.trim_end().to_string()),
        }
    }

    /// The worker closed its pipe: find out how it ended (briefly; it is normally gone).
    fn died(&mut self) -> Error {
        let deadline = Instant::now() + Duration::from_secs(2);
        let status = loop {
            match self.child.try_wait() {
                Ok(Some(status)) => break Some(status),
                Ok(None) if Instant::now() < deadline => thread::sleep(Duration::from_millis(10)),
                _ => break None,
            }
        };
        Error::Worker {
            index: self.index,
            pid: self.child.id(),
            what: match status {
                Some(status) => format!("died mid-run: {}", describe(status)),
                None => "closed its pipes mid-run".to_string(),
            },
        }
    }
}

fn describe(status: ExitStatus) -> String {
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        if let Some(signal) = status.signal() {
            return format!("killed by signal {signal}");
        }
    }
    match status.code() {
        Some(code) => format!("exited with code {code}"),
        None => status.to_string(),
    }
}

/// The parent side: the running workers, and how many of them may have a task at once.
struct Workers(Vec<Worker>, usize);

impl Executor for Workers {
    fn execute(&mut self, tasks: &Arc<[Task]>, clock: Instant, out: &Deliver) -> Result<()> {
        if self.0.is_empty() {
            return Err(execute_error("process", "no worker processes are running"));
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
                                        worker.index,
                                        worker.index,
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
                        .unwrap_or_else(|_| Err(execute_error("process", "a feeder panicked"))),
                    Err(e) => {
                        broken.store(true, Ordering::Relaxed);
                        Err(execute_error(
                            "process",
                            format!("the OS refused a feeding thread: {e}"),
                        ))
                    }
                })
                .collect()
        });
        fed.into_iter().collect()
    }

    fn worker_pids(&self) -> Vec<u32> {
        self.0.iter().map(|w| w.child.id()).collect()
    }
}

impl Drop for Workers {
    fn drop(&mut self) {
        for worker in &mut self.0 {
            let _ = worker.child.kill();
            let _ = worker.child.wait();
        }
    }
}
