//! One Python program as a model's executor: the interpreter started (dying with its parent)
//! with `python/tutorials.py --model M --workers W`, the run's tasks sent as one JSON line, and
//! each task's result handed to the harness the moment its line comes back.
//!
//! A reader thread (started at setup) turns the program's stdout into lines on a channel, so
//! a silent interpreter is an error after [`SILENCE`], never a hang. The program reports its
//! times on `time.perf_counter()`, which is `CLOCK_MONOTONIC` on Linux, the clock `Instant`
//! reads too: a span is placed on the run's timeline by subtracting the run's start on that
//! clock. Dropping the executor closes the program's stdin (it shuts its pool down and exits),
//! then kills and reaps it if it has not.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde::Deserialize;

use crate::error::Result;
use crate::model::{execute_error, setup_error, Deliver, Executor, Span, TaskRun};
use crate::task::{Output, Task};

/// How long the program may say nothing (start-up, or between two results) before the run
/// fails: longer than any task a bench gives it.
pub const SILENCE: Duration = Duration::from_secs(120);

/// How much of the program's stderr is kept to explain a failure.
const STDERR_KEPT: usize = 2000;

/// One line the program prints.
#[derive(Deserialize)]
struct Line {
    #[serde(default)]
    ready: Option<String>,
    #[serde(default)]
    done: bool,
    #[serde(default)]
    task: Option<usize>,
    #[serde(default)]
    lane: usize,
    #[serde(default)]
    start: f64,
    #[serde(default)]
    end: f64,
    #[serde(default)]
    output: Option<Output>,
    #[serde(default)]
    error: Option<String>,
}

/// A running Python program.
pub struct PyExecutor {
    model: &'static str,
    child: Child,
    stdin: Option<ChildStdin>,
    lines: Receiver<std::io::Result<String>>,
    stderr: Arc<Mutex<String>>,
    /// The interpreter's version, as it said when ready.
    pub version: String,
}

impl PyExecutor {
    /// Start `python` on the tutorials' program next to it, as `program` with `workers`, and
    /// wait until it says it is ready (its pool built, its workers started).
    pub fn start(
        model: &'static str,
        python: &Path,
        program: &str,
        workers: usize,
    ) -> Result<PyExecutor> {
        let script = super::venv::script_of(python);
        let mut command = Command::new(python);
        command
            .arg("-u")
            .arg(&script)
            .args(["--model", program, "--workers", &workers.to_string()])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        crate::spawn::die_with_parent(&mut command);
        let mut child = command
            .spawn()
            .map_err(|e| setup_error(model, format!("cannot start {}: {e}", python.display())))?;
        let (stdout, stderr_pipe) = (child.stdout.take(), child.stderr.take());
        let (send, lines) = mpsc::channel();
        if let Some(stdout) = stdout {
            std::thread::Builder::new()
                .name("python-out".into())
                .spawn(move || {
                    for line in BufReader::new(stdout).lines() {
                        if send.send(line).is_err() {
                            break;
                        }
                    }
                })
                .map_err(|e| setup_error(model, format!("no thread for its output: {e}")))?;
        }
        let stderr = Arc::new(Mutex::new(String::new()));
        if let Some(mut pipe) = stderr_pipe {
            let kept = Arc::clone(&stderr);
            std::thread::Builder::new()
                .name("python-err".into())
                .spawn(move || {
                    let mut buf = [0u8; 4096];
                    while let Ok(n @ 1..) = pipe.read(&mut buf) {
                        let mut text = kept.lock().unwrap_or_else(|p| p.into_inner());
                        text.push_str(&String::from_utf8_lossy(&buf[..n]));
                        let cut = text.len().saturating_sub(STDERR_KEPT);
                        let cut = (cut..text.len())
                            .find(|&i| text.is_char_boundary(i))
                            .unwrap_or(0);
                        text.drain(..cut);
                    }
                })
                .map_err(|e| setup_error(model, format!("no thread for its errors: {e}")))?;
        }
        let stdin = child.stdin.take();
        let mut executor = PyExecutor {
            model,
            child,
            stdin,
            lines,
            stderr,
            version: String::new(),
        };
        match executor.next_line() {
            Ok(Line {
                ready: Some(version),
                ..
            }) => executor.version = version,
            Ok(_) => return Err(setup_error(model, "the program did not say it was ready")),
            Err(why) => return Err(setup_error(model, why)),
        }
        Ok(executor)
    }

    /// The program's next line, or why there is none (it exited, went silent, or printed
    /// something else), with the end of its stderr.
    fn next_line(&mut self) -> std::result::Result<Line, String> {
        let line = match self.lines.recv_timeout(SILENCE) {
            Ok(Ok(line)) => line,
            Ok(Err(e)) => return Err(self.explain(&format!("its output could not be read: {e}"))),
            Err(RecvTimeoutError::Timeout) => {
                return Err(self.explain(&format!("it said nothing for {} s", SILENCE.as_secs())))
            }
            Err(RecvTimeoutError::Disconnected) => return Err(self.explain("it exited")),
        };
        serde_json::from_str(&line)
            .map_err(|e| self.explain(&format!("it printed `{}` ({e})", clip(&line))))
    }

    fn explain(&mut self, what: &str) -> String {
        // Give an exiting interpreter a moment to finish its traceback.
        std::thread::sleep(Duration::from_millis(50));
        let status = self.child.try_wait().ok().flatten();
        let text = self.stderr.lock().map(|t| t.clone()).unwrap_or_default();
        let last = text.lines().rev().find(|l| !l.trim().is_empty());
        let mut why = format!("the Python program {what}");
        if let Some(status) = status {
            why.push_str(&format!(" ({status})"));
        }
        if let Some(last) = last {
            why.push_str(&format!(": {}", clip(last.trim())));
        }
        why
    }
}

fn clip(text: &str) -> String {
    text.chars().take(200).collect()
}

/// Now on `CLOCK_MONOTONIC`, in seconds: the clock `time.perf_counter()` reads on Linux.
fn monotonic_s() -> f64 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime writes into the timespec we own.
    unsafe { libc::clock_gettime(libc::CLOCK_MONOTONIC, &mut ts) };
    ts.tv_sec as f64 + ts.tv_nsec as f64 * 1e-9
}

impl Executor for PyExecutor {
    fn execute(&mut self, tasks: &Arc<[Task]>, clock: Instant, out: &Deliver) -> Result<()> {
        let mut line = serde_json::to_vec(&tasks[..])
            .map_err(|e| execute_error(self.model, format!("tasks not sent: {e}")))?;
        line.push(b'\n');
        // The run's start on the program's clock.
        let origin = monotonic_s() - clock.elapsed().as_secs_f64();
        let sent = self
            .stdin
            .as_mut()
            .map(|stdin| stdin.write_all(&line).and_then(|()| stdin.flush()));
        if !matches!(sent, Some(Ok(()))) {
            let why = self.explain("would not take the tasks");
            return Err(execute_error(self.model, why));
        }
        loop {
            let reply = self
                .next_line()
                .map_err(|why| execute_error(self.model, why))?;
            if reply.done {
                return Ok(());
            }
            let Some(index) = reply.task.filter(|&i| i < tasks.len()) else {
                let why = format!("it answered a task it was not given ({:?})", reply.task);
                return Err(execute_error(self.model, why));
            };
            let now = clock.elapsed().as_secs_f64();
            let start_s = (reply.start - origin).clamp(0.0, now);
            let end_s = (reply.end - origin).clamp(start_s, now);
            let outcome = match (reply.output, reply.error) {
                (Some(output), None) => Ok(output),
                (_, Some(error)) => Err(error),
                (None, None) => Err("the Python program returned no output".to_string()),
            };
            out.deliver(TaskRun {
                outcome,
                span: Span::new(index, reply.lane, reply.lane, start_s, end_s),
            });
        }
    }

    fn worker_pids(&self) -> Vec<u32> {
        vec![self.child.id()]
    }
}

impl Drop for PyExecutor {
    fn drop(&mut self) {
        // Closing stdin ends the program's loop: it shuts its pool down and exits.
        drop(self.stdin.take());
        let deadline = Instant::now() + Duration::from_secs(3);
        while Instant::now() < deadline {
            if !matches!(self.child.try_wait(), Ok(None)) {
                return;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
