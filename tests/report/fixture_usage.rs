//! A fixture cell's CPU time and context switches, shaped like what the checked runs of this
//! machine recorded: CPU work keeps as many cores busy as a model computes on at once (its
//! worker processes reporting nearly all of it), waiting keeps almost none; in turn a thread
//! sleeps once per request, one event loop once for all of them, a thread per task a few
//! times each.

use concur::model::{ModelInfo, Runs};
use concur::usage::{RunUsage, Usage};
use concur::workload::Kind;

use super::{Spec, CORES};

pub fn usage(model: &ModelInfo, spec: &Spec, workers: usize, wall: f64) -> Option<RunUsage> {
    let n = spec.tasks as u64;
    let runs = model.runs;
    let busy = match spec.kind {
        Kind::Io => 0.004,
        _ if runs.one_thread() => 0.99,
        _ => workers.min(CORES) as f64 * 0.95,
    };
    let cpu = busy * wall;
    let voluntary = match (spec.kind, runs) {
        (Kind::Cpu, Runs::InTurn | Runs::EventLoop) => 0,
        (Kind::Cpu, _) => 2 * workers as u64,
        (_, Runs::EventLoop) => 1,
        (_, Runs::EventLoopThreads) => 2 * CORES as u64,
        (_, Runs::ThreadPerTask) => 4 * n,
        (_, Runs::Processes | Runs::EventLoopToProcesses) => 2 * n,
        _ => n,
    };
    let total = Usage {
        user_s: cpu * 0.97,
        sys_s: cpu * 0.03,
        voluntary,
        involuntary: if runs == Runs::ThreadPerTask { n } else { 2 },
    };
    let workers_part = runs.worker_processes().then_some(Usage {
        user_s: total.user_s * 0.99,
        sys_s: total.sys_s * 0.5,
        voluntary: n,
        involuntary: 1,
    });
    Some(RunUsage {
        total,
        workers: workers_part,
        wall_s: wall,
    })
}
