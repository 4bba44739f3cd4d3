//! One step of a `sleepers` climb in a process of its own (`concur sleepers-step`), so that
//! each N starts from a fresh process (no memory kept from the step before sits in its peak)
//! and a step that the OS stops the hard way cannot take the climb down with it: Rust's std
//! aborts the whole process when a new thread cannot map its signal stack (`vm.max_map_count`
//! reached a moment after `pthread_create` succeeded), which no caller can catch. The parent
//! reads the step's one JSON line, or names how the process died and what it said.

use std::io::Read;
use std::path::PathBuf;
use std::process::{Command, Stdio};

use serde::{Deserialize, Serialize};

use super::sleepers::SLEEPERS;
use crate::model::{self, Model, ModelConfig};
use crate::run::{Prepared, RunRecord};
use crate::workload::Params;

/// What one step reports: its checked run, in short.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Step {
    pub ok: bool,
    pub answer: Option<String>,
    pub errors: Vec<String>,
    pub peak_rss_bytes: Option<u64>,
    pub wall_s: f64,
}

impl From<RunRecord> for Step {
    fn from(r: RunRecord) -> Step {
        Step {
            ok: r.ok,
            answer: r.answer,
            errors: r.errors,
            peak_rss_bytes: r.peak_rss_bytes,
            wall_s: r.wall_s,
        }
    }
}

/// Run N sleepers under `model` here, in this process: what `concur sleepers-step` does.
pub fn here(model: &'static dyn Model, n: u64, config: &ModelConfig) -> Step {
    let params = Params { size: n, io: None };
    let record = match Prepared::start(&SLEEPERS, model, params.clone(), config) {
        Ok(mut cell) => cell.run(),
        Err(e) => RunRecord::failed(&SLEEPERS, model, &params, config, &e),
    };
    Step::from(record)
}

/// `concur sleepers-step MODEL N W`: the step, as one JSON line on stdout.
pub fn serve(model: &str, n: u64, workers: usize) -> crate::error::Result<String> {
    let step = here(model::by_name(model)?, n, &ModelConfig::new(workers));
    Ok(serde_json::to_string(&step).unwrap_or_default())
}

/// Run the step in a child process of `config.worker_exe` (this program when `None`).
pub fn in_child(model: &'static dyn Model, n: u64, config: &ModelConfig) -> Step {
    let failed = |why: String| Step {
        ok: false,
        answer: None,
        errors: vec![why],
        peak_rss_bytes: None,
        wall_s: 0.0,
    };
    let exe = match config
        .worker_exe
        .clone()
        .map_or_else(std::env::current_exe, Ok)
    {
        Ok(exe) => exe,
        Err(e) => return failed(format!("cannot find this program: {e}")),
    };
    let mut command = Command::new(&exe);
    command
        .args([
            "sleepers-step",
            model.name(),
            &n.to_string(),
            &config.workers.to_string(),
        ])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    crate::spawn::die_with_parent(&mut command);
    let child = match command.spawn() {
        Ok(c) => c,
        Err(e) => return failed(format!("could not start {}: {e}", shown(&exe))),
    };
    let out = match child.wait_with_output() {
        Ok(out) => out,
        Err(e) => return failed(format!("lost the step's process: {e}")),
    };
    let stdout = String::from_utf8_lossy(&out.stdout);
    if let Some(step) = stdout
        .lines()
        .find_map(|l| serde_json::from_str::<Step>(l).ok())
    {
        return step;
    }
    let mut said = String::new();
    let _ = (&out.stderr[..]).read_to_string(&mut said);
    failed(format!(
        "the step's process {} ({})",
        died(&out.status),
        what_it_said(&said)
    ))
}

fn shown(exe: &std::path::Path) -> String {
    PathBuf::from(exe).display().to_string()
}

/// How a process ended, in words.
fn died(status: &std::process::ExitStatus) -> String {
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        if let Some(signal) = status.signal() {
            let name = match signal {
                libc::SIGABRT => "SIGABRT".to_string(),
                libc::SIGKILL => "SIGKILL, perhaps the out-of-memory killer".to_string(),
                libc::SIGSEGV => "SIGSEGV".to_string(),
                n => format!("signal {n}"),
            };
            return format!("was killed by {name}");
        }
    }
    match status.code() {
        Some(code) => format!("exited with {code} and no answer"),
        None => "ended with no answer".into(),
    }
}

/// The message in what a dying Rust process printed: the line after "panicked at", or the
/// first line that is not a backtrace's.
fn what_it_said(stderr: &str) -> String {
    let lines: Vec<&str> = stderr
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    let after_panic = lines
        .iter()
        .position(|l| l.contains("panicked at"))
        .and_then(|i| lines.get(i + 1));
    let first = lines.iter().find(|l| {
        !(l.starts_with("thread '") || l.starts_with("stack backtrace") || l.starts_with("note:"))
    });
    after_panic
        .or(first)
        .map_or("it said nothing".into(), |l| l.to_string())
}

#[cfg(test)]
mod tests {
    use super::what_it_said;

    #[test]
    fn a_panic_message_is_found_under_its_header() {
        let stderr = "thread 'task-16364' (26401) panicked at library/std/src/sys/pal/unix/stack_overflow.rs:240:13:\n\
                      failed to set up alternative stack guard page: Cannot allocate memory (os error 12)\n\
                      stack backtrace:\n   0: __rustc::rust_begin_unwind\n";
        assert_eq!(
            what_it_said(stderr),
            "failed to set up alternative stack guard page: Cannot allocate memory (os error 12)"
        );
        assert_eq!(what_it_said(""), "it said nothing");
    }
}
