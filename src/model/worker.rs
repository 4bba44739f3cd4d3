//! The worker processes behind `process` and `async-process`: the worker side (`concur
//! worker`, [`serve`]), and the parent's side of one worker: starting it (the project's own
//! binary, dying with its parent), the line protocol (one JSON [`Task`] line in, one [`Reply`]
//! line out, the worker's census and CPU usage absorbed), saying how it died, and killing and reaping it
//! when dropped. How a model waits on the pipes (a thread per worker, or an event loop) is
//! the model's own business: this file only hands out the pipes.

use std::io::{self, BufRead, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, ExitStatus, Stdio};
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::{setup_error, ModelConfig};
use crate::census::{self, Census};
use crate::error::{Error, Result};
use crate::task::{Task, TaskOutcome};
use crate::usage::{self, Usage};

/// The first line a worker prints, so the parent knows it started the right program.
pub const READY: &str = "concur-worker ready";

/// How long a parent waits for a worker that closed its pipe to be seen exiting.
pub(super) const EXIT_WAIT: Duration = Duration::from_secs(2);
/// How often it looks meanwhile.
pub(super) const EXIT_POLL: Duration = Duration::from_millis(10);

/// A worker's answer to one task: one JSON line.
#[derive(Debug, Serialize, Deserialize)]
pub struct Reply {
    pub outcome: TaskOutcome,
    /// What the worker created while running the task.
    pub census: Census,
    /// The worker's CPU time and context switches since its previous reply (or since it said
    /// it was ready): waiting for the task and reading it, running it, writing the answer
    /// line. `None` from a worker that cannot read its usage (or an older one).
    #[serde(default)]
    pub usage: Option<Usage>,
}

/// The worker side: answer every task line on stdin with one [`Reply`] line on stdout, until
/// stdin closes. This is all `concur worker` does.
///
/// Each reply carries the worker's own `RUSAGE_SELF` since the previous reply: the parent
/// cannot ask the kernel for it (`RUSAGE_CHILDREN` counts only children already reaped, and a
/// worker lives as long as its model), so it adds these reports to its own usage. Since the
/// previous reply, not since the task arrived: the wake-up that a task's line causes, and the
/// write of the previous answer, are the pipe's cost and so the process model's. The start-up
/// before [`READY`] is setup and is in no reply.
pub fn serve(input: impl BufRead, mut output: impl Write) -> io::Result<()> {
    writeln!(output, "{READY}")?;
    output.flush()?;
    let mut last = Usage::of_this_process();
    for line in input.lines() {
        let line = line?;
        let before = census::snapshot();
        let outcome: TaskOutcome = match serde_json::from_str::<Task>(&line) {
            Ok(task) => {
                // A newer run's task: this worker's copies of older runs' state go.
                if let Some(state) = task.state() {
                    crate::shared::forget_before(state);
                }
                task.run_blocking()
            }
            Err(e) => Err(format!("worker could not read the task line: {e}")),
        };
        let now = Usage::of_this_process();
        let used = now.zip(last).map(|(now, last)| now.since(&last));
        last = now;
        let reply = Reply {
            outcome,
            census: before.since(),
            usage: used,
        };
        serde_json::to_writer(&mut output, &reply)?;
        output.write_all(b"\n")?;
        output.flush()?;
    }
    Ok(())
}

/// The program to start as a worker: the configured one, or this very executable.
pub(super) fn program(model: &'static str, config: &ModelConfig) -> Result<PathBuf> {
    match &config.worker_exe {
        Some(exe) => Ok(exe.clone()),
        None => std::env::current_exe()
            .map_err(|e| setup_error(model, format!("cannot find this program: {e}"))),
    }
}

/// The line that sends `task` to a worker, newline included.
pub(super) fn task_line(task: &Task) -> Vec<u8> {
    let mut line = serde_json::to_vec(task).unwrap_or_default();
    line.push(b'\n');
    line
}

/// One running worker process, as its parent sees it. Dropping it kills and reaps the
/// process (on Linux it is also told to die with the thread that started it), so no worker
/// outlives its model, whichever way the model ends.
pub(super) struct WorkerProcess {
    /// Its index among the model's workers: its lane on the timeline.
    pub index: usize,
    model: &'static str,
    child: Child,
}

impl WorkerProcess {
    /// Start `exe worker` with piped stdin and stdout; the pipes are the caller's to wrap.
    pub fn spawn(
        model: &'static str,
        index: usize,
        exe: &Path,
    ) -> Result<(WorkerProcess, ChildStdin, ChildStdout)> {
        let mut command = Command::new(exe);
        command
            .arg("worker")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit());
        crate::spawn::die_with_parent(&mut command);
        let mut child = command.spawn().map_err(|e| {
            setup_error(
                model,
                format!("cannot start worker {index} ({}): {e}", exe.display()),
            )
        })?;
        census::process_spawned();
        let pipes = (child.stdin.take(), child.stdout.take());
        let worker = WorkerProcess {
            index,
            model,
            child,
        };
        match pipes {
            (Some(input), Some(output)) => Ok((worker, input, output)),
            _ => Err(setup_error(model, "worker pipes were not set up")),
        }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Check the worker's first line (or the error reading it) is [`READY`].
    pub fn ready(&self, first: Result<String>, exe: &Path) -> Result<()> {
        match first {
            Ok(line) if line == READY => Ok(()),
            Ok(line) => Err(setup_error(
                self.model,
                format!(
                    "{} is not a concur worker (it said {line:?})",
                    exe.display()
                ),
            )),
            Err(e) => Err(e),
        }
    }

    /// Read one reply line: the task's outcome; what the worker created for it joins this
    /// process's census, and the CPU time and switches it reports join this process's usage.
    pub fn reply(&self, line: &str) -> Result<TaskOutcome> {
        let reply: Reply = serde_json::from_str(line).map_err(|e| Error::Worker {
            index: self.index,
            pid: self.pid(),
            what: format!("sent an unreadable answer ({e}): {line:?}"),
        })?;
        census::absorb(reply.census);
        if let Some(used) = reply.usage {
            usage::absorb(used);
        }
        Ok(reply.outcome)
    }

    /// Its exit status, if it has exited.
    pub fn exited(&mut self) -> Option<ExitStatus> {
        self.child.try_wait().ok().flatten()
    }

    /// The error for a worker that closed its pipes, with how it ended if that is known.
    pub fn died(&self, status: Option<ExitStatus>) -> Error {
        Error::Worker {
            index: self.index,
            pid: self.pid(),
            what: match status {
                Some(status) => format!("died mid-run: {}", describe(status)),
                None => "closed its pipes mid-run".to_string(),
            },
        }
    }

    /// [`died`](Self::died), after waiting (at most [`EXIT_WAIT`], sleeping this thread) to
    /// see how it ended: it is normally gone already.
    pub fn died_blocking(&mut self) -> Error {
        let deadline = std::time::Instant::now() + EXIT_WAIT;
        let status = loop {
            match self.exited() {
                Some(status) => break Some(status),
                None if std::time::Instant::now() < deadline => std::thread::sleep(EXIT_POLL),
                None => break None,
            }
        };
        self.died(status)
    }
}

impl Drop for WorkerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
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
