//! The matrix walk: every workload at its small size under every model, each answer checked.
//! `concur verify` prints it; `tests/matrix.rs` asserts on every record it yields. One walk,
//! so the command and the test can never disagree about what "the matrix" is.

use std::ops::ControlFlow;
use std::path::PathBuf;

use crate::model::{self, Model, ModelConfig};
use crate::run::{Prepared, RunRecord};
use crate::session::DEFAULT_TIMEOUT_MS;
use crate::workload::{self, IoParams, Workload};

/// One cell of the walk and how it went: its record, or why its model could not start.
pub struct Checked {
    pub workload: &'static dyn Workload,
    pub model: &'static dyn Model,
    pub workers: usize,
    pub outcome: Result<RunRecord, String>,
}

impl Checked {
    /// `primes × pool (W=3)`
    pub fn name(&self) -> String {
        format!(
            "{} × {} (W={})",
            self.workload.name(),
            self.model.name(),
            self.workers
        )
    }

    /// Why the cell is wrong, or `None` when it gave the known answer.
    pub fn problem(&self) -> Option<String> {
        match &self.outcome {
            Ok(r) if r.ok => None,
            Ok(r) => Some(failure(r)),
            Err(e) => Some(e.clone()),
        }
    }
}

/// "3 of 20 tasks failed: 3 × HTTP 503 from /sites/big", or the wrong-answer line.
pub fn failure(r: &RunRecord) -> String {
    let what = r
        .errors
        .first()
        .cloned()
        .unwrap_or_else(|| "wrong answer".into());
    if r.failed_tasks > 0 {
        format!("{} of {} tasks failed: {what}", r.failed_tasks, r.tasks)
    } else {
        what
    }
}

/// Run every workload × model × `workers` once at the workload's small size, IO against the
/// server at `base_url` (whose delay is `delay_ms`), and hand each result to `each`, which
/// may stop the walk (e.g. when nobody reads the output any more).
pub fn walk(
    workers: &[usize],
    base_url: &str,
    delay_ms: u64,
    worker_exe: Option<PathBuf>,
    mut each: impl FnMut(Checked) -> ControlFlow<()>,
) {
    for workload in workload::all() {
        let params = workload.params(Some(workload.sizes().small)).map(|mut p| {
            if workload.kind().has_io() {
                p.io = Some(IoParams {
                    base_url: base_url.to_string(),
                    delay_ms,
                    timeout_ms: DEFAULT_TIMEOUT_MS,
                });
            }
            p
        });
        for model in model::all() {
            for &w in workers {
                let config = ModelConfig {
                    worker_exe: worker_exe.clone(),
                    ..ModelConfig::new(w)
                };
                let outcome = match &params {
                    Ok(p) => Prepared::start(workload, model, p.clone(), &config)
                        .map(|mut cell| cell.run())
                        .map_err(|e| e.to_string()),
                    Err(e) => Err(format!("its small size is not valid: {e}")),
                };
                let checked = Checked {
                    workload,
                    model,
                    workers: w,
                    outcome,
                };
                if each(checked).is_break() {
                    return;
                }
            }
        }
    }
}
