//! `sleepers`: N units that each just wait (no IO), the "1 million tasks" benchmark. Each unit
//! waits at a gate until all N are alive ([`crate::gate`]), so the run's peak memory holds N
//! units at once; the run's answer (the units' arrival indices, Σ 0..N) is checked.
//!
//! Each N runs in a fresh process of its own ([`super::step`]): no memory from the step
//! before sits in its peak, and a step the OS ends the hard way (std aborts when a new thread
//! cannot map its signal stack) is reported, not fatal. N climbs ×4 from 100 under each model that holds every unit at once (from its declared
//! `Runs`: a thread per task, or an event loop that spawns every task; a pool of W or a
//! worker process could never fill the gate). Peak RSS over N, fitted by least squares,
//! gives bytes per unit (the slope) and what the process holds without a unit (the
//! intercept). The climb ends at the first N that fails, with the OS's reason, or at a cap:
//! `--size`, a predicted peak over the memory cap, or a step over the time cap.
//!
//! What a unit's bytes include: for `threads`, the thread's touched stack and its
//! thread-local and allocator state (the kernel's own per-thread memory is not in RSS); for
//! event loops, the spawned task and its future. For every model also the harness's share:
//! the task's description and its result on the way back (a few hundred bytes at most).

use serde::{Deserialize, Serialize};

use super::fit::Line;
use super::spawn::sum_below;
use crate::error::Result;
use crate::gate;
use crate::model::{Model, ModelConfig, Runs};
use crate::task::{Output, Task};
use crate::workload::{ints, Answer, Kind, Params, Plan, Sizes, Workload};

/// The `sleepers` probe's tasks: N units waiting at one gate.
pub struct Sleepers;

/// The one instance a `Prepared` cell borrows.
pub static SLEEPERS: Sleepers = Sleepers;

/// The first N of the climb, and its factor.
pub const START: u64 = 100;
pub const FACTOR: u64 = 4;
/// A step that takes longer than this ends the climb.
pub const STEP_TIME_CAP_S: f64 = 10.0;
/// The most memory the climb lets a step take (less where the machine has less free).
pub const MEMORY_CAP_BYTES: u64 = 4 << 30;

impl Workload for Sleepers {
    fn name(&self) -> &'static str {
        "sleepers"
    }
    fn summary(&self) -> &'static str {
        "N units each waiting until all N are alive: memory per thread or task, and the N the OS refuses"
    }
    fn kind(&self) -> Kind {
        Kind::Cpu
    }
    fn sizes(&self) -> Sizes {
        Sizes {
            unit: "units at most (N climbs ×4 from 100)",
            default: 102_400,
            small: 100,
            max: 2_000_000,
        }
    }
    fn plan(&self, params: &Params) -> Result<Plan> {
        let (gate, of) = (gate::new_id(), params.size);
        Ok(Plan {
            tasks: vec![Task::Gather { gate, of }; of as usize],
            expected: sum_below(of),
            floors_s: Vec::new(),
        })
    }
    fn answer(&self, outputs: &[Output]) -> std::result::Result<Answer, String> {
        Ok(Answer(ints(outputs)?.iter().sum::<u128>().to_string()))
    }
}

/// Whether a model that runs tasks this way holds every unit alive at once.
pub fn holds_every_unit(runs: Runs) -> bool {
    matches!(
        runs,
        Runs::ThreadPerTask | Runs::EventLoop | Runs::EventLoopThreads
    )
}

/// One step of a climb: N units held at once.
#[derive(Clone, Debug, Serialize)]
pub struct Point {
    pub units: u64,
    pub peak_rss_bytes: u64,
    pub wall_s: f64,
}

/// The first N that failed, and the reason the run gave (the OS's, where it refused).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Failure {
    pub units: u64,
    pub reason: String,
}

/// One model's line of the `sleepers` probe.
#[derive(Clone, Debug, Serialize)]
pub struct SleepersRow {
    pub probe: &'static str,
    pub model: String,
    pub runs: Runs,
    pub points: Vec<Point>,
    /// Peak RSS over N: slope = bytes per unit, intercept = bytes with none.
    pub fit: Option<Line>,
    pub fails_at: Option<Failure>,
    /// Why the climb stopped without a failure (a cap), if it did.
    pub stopped: Option<String>,
    /// False when a run gave a wrong answer (a failed run is the climb's end, not a fault).
    pub ok: bool,
    pub errors: Vec<String>,
}

/// How far a climb may go.
#[derive(Clone, Copy, Debug)]
pub struct Caps {
    pub max_units: u64,
    pub memory_bytes: u64,
    pub step_s: f64,
}

impl Caps {
    /// Up to `max_units`, the memory cap the smaller of [`MEMORY_CAP_BYTES`] and half the
    /// memory available now.
    pub fn new(max_units: u64) -> Caps {
        let available = available_bytes().map_or(MEMORY_CAP_BYTES, |b| b / 2);
        Caps {
            max_units,
            memory_bytes: MEMORY_CAP_BYTES.min(available),
            step_s: STEP_TIME_CAP_S,
        }
    }
}

/// Climb N under `model` until a step fails or a cap says stop.
pub fn climb(model: &'static dyn Model, caps: Caps, config: &ModelConfig) -> SleepersRow {
    let mut row = SleepersRow {
        probe: "sleepers",
        model: model.name().to_string(),
        runs: model.traits().runs,
        points: Vec::new(),
        fit: None,
        fails_at: None,
        stopped: None,
        ok: true,
        errors: Vec::new(),
    };
    let mut n = START.min(caps.max_units);
    loop {
        let reached = row.points.last().map_or(0, |p| p.units);
        if n > caps.max_units || n == reached {
            row.stopped = Some(format!(
                "not reached up to N={reached} (--size {})",
                caps.max_units
            ));
            break;
        }
        if let Some(need) = row
            .fit
            .map(|f| f.at(n as f64))
            .filter(|&b| b > caps.memory_bytes as f64)
        {
            row.stopped = Some(format!(
                "not reached up to N={reached}: N={n} would need about {} (memory cap {})",
                crate::format::bytes(need as u64),
                crate::format::bytes(caps.memory_bytes)
            ));
            break;
        }
        let record = super::step::in_child(model, n, config);
        if !record.ok {
            if record.answer.is_some() {
                row.ok = false;
                row.errors = record.errors.clone();
            }
            let mut reason = record
                .errors
                .first()
                .cloned()
                .unwrap_or_else(|| "no answer".into());
            if row.runs == Runs::ThreadPerTask {
                reason.push_str(&format!("; this machine's limits: {}", thread_limits()));
            }
            row.fails_at = Some(Failure { units: n, reason });
            break;
        }
        row.points.push(Point {
            units: n,
            peak_rss_bytes: record.peak_rss_bytes.unwrap_or(0),
            wall_s: record.wall_s,
        });
        row.fit = fit(&row.points);
        if record.wall_s > caps.step_s {
            row.stopped = Some(format!(
                "not reached up to N={n}: that step took {} (time cap {})",
                crate::format::time(record.wall_s),
                crate::format::time(caps.step_s)
            ));
            break;
        }
        n = n.saturating_mul(FACTOR).min(caps.max_units.max(n));
    }
    row
}

/// Peak RSS over N, where every point has a peak.
fn fit(points: &[Point]) -> Option<Line> {
    let xy: Vec<(f64, f64)> = points
        .iter()
        .filter(|p| p.peak_rss_bytes > 0)
        .map(|p| (p.units as f64, p.peak_rss_bytes as f64))
        .collect();
    Line::fit(&xy)
}

/// `MemAvailable` from /proc/meminfo, in bytes.
fn available_bytes() -> Option<u64> {
    let text = std::fs::read_to_string("/proc/meminfo").ok()?;
    let kib: u64 = text
        .lines()
        .find_map(|l| l.strip_prefix("MemAvailable:"))?
        .split_whitespace()
        .next()?
        .parse()
        .ok()?;
    Some(kib * 1024)
}

/// The bytes of one waiting unit's future as an event loop spawns it (`size_of`): a task's
/// state machine is as large as its largest await, and `Task::run_async` can await an HTTP
/// request, so a unit that only waits at a gate carries that much too.
pub fn future_bytes() -> usize {
    let task = Task::Gather { gate: 0, of: 1 };
    let unit = crate::model::run_async_here(&task, None, 0, 0, std::time::Instant::now());
    std::mem::size_of_val(&unit)
}

/// The OS's limits on threads, for a climb that failed: the map count (a thread takes four
/// mappings: its stack and guard, its signal stack and guard), the system's threads and the
/// user's processes.
pub fn thread_limits() -> String {
    let read = |p: &str| {
        std::fs::read_to_string(p)
            .map(|s| s.trim().to_string())
            .unwrap_or_else(|_| "unknown".into())
    };
    let mut nproc = String::from("unknown");
    #[cfg(unix)]
    {
        let mut r = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        // SAFETY: getrlimit writes into the struct we own.
        if unsafe { libc::getrlimit(libc::RLIMIT_NPROC, &mut r) } == 0 {
            nproc = if r.rlim_cur == libc::RLIM_INFINITY {
                "unlimited".into()
            } else {
                r.rlim_cur.to_string()
            };
        }
    }
    format!(
        "vm.max_map_count {}, kernel.threads-max {}, ulimit -u {nproc}",
        read("/proc/sys/vm/max_map_count"),
        read("/proc/sys/kernel/threads-max")
    )
}
