//! CPU time and context switches of a run, from `getrusage`: user and system seconds,
//! voluntary switches (a thread gave up its core to wait: a read, a lock, a sleep) and
//! involuntary ones (the scheduler took the core away: more runnable threads than cores).
//!
//! `run::Prepared::run` takes a [`Snapshot`] right before the work and reads
//! [`Snapshot::since`] right after it, so setup (starting a pool, a runtime, worker processes)
//! is not in it. What `RUSAGE_SELF` covers, and so what a run is charged:
//!
//! - **every thread of this process**, living or exited (Linux folds an exited thread's
//!   times into its process): the model's threads, a pool's idle threads spinning or parking
//!   between jobs, a runtime's blocking pool, and whatever else runs in the process meanwhile:
//!   on a terminal the CLI's spinner wakes every 120 ms (about 8 voluntary switches a second
//!   of wall time, microseconds of CPU; with stderr redirected it has no ticker), and in a
//!   test binary its other tests;
//! - **not the mock server**: it is another process (`concur serve`), set up apart like any
//!   fixture, so its CPU is rightly not the model's;
//! - **worker processes, added in**: `RUSAGE_CHILDREN` would be wrong here, since it counts
//!   only children that have been waited for, and the workers of `process` and
//!   `async-process` live for the whole cell, reaped when the model is dropped. Instead each
//!   worker reads its own `RUSAGE_SELF` and sends what it used since its previous reply with
//!   each answer (see `model::worker`); the parent [`absorb`]s it, so it shows in this
//!   module's snapshots the way a worker's census does in `census`'s.
//!
//! Linux keeps each thread's exact run time (`sum_exec_runtime`) and splits it into user and
//! system time by sampling at clock ticks: user + system is precise, the split between them is
//! approximate for short runs. Elsewhere than Unix there is no figure (`None`).

use std::ops::{Add, AddAssign};
use std::sync::atomic::{AtomicU64, Ordering};

use serde::{Deserialize, Serialize};

/// CPU time and context switches over some interval (or since the process began).
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Usage {
    /// CPU time spent running the program's own code, in seconds.
    pub user_s: f64,
    /// CPU time the kernel spent on its behalf (system calls, page faults), in seconds.
    pub sys_s: f64,
    /// Times a thread gave up its core to wait (IO, a lock, a sleep, an empty queue).
    pub voluntary: u64,
    /// Times the scheduler took a core from a thread that could have gone on running.
    pub involuntary: u64,
}

impl Usage {
    /// User plus system time: the CPU time used, in seconds.
    pub fn cpu_s(&self) -> f64 {
        self.user_s + self.sys_s
    }

    /// What was used between `before` and `self`, field by field (never below zero; times
    /// to the microsecond, getrusage's resolution).
    pub fn since(&self, before: &Usage) -> Usage {
        Usage {
            user_s: to_micros(self.user_s - before.user_s).max(0.0),
            sys_s: to_micros(self.sys_s - before.sys_s).max(0.0),
            voluntary: self.voluntary.saturating_sub(before.voluntary),
            involuntary: self.involuntary.saturating_sub(before.involuntary),
        }
    }

    /// This process's usage since it began (every thread, living or exited); `None` where
    /// `getrusage` is not available or fails.
    pub fn of_this_process() -> Option<Usage> {
        self_rusage()
    }
}

/// Add another usage, field by field.
impl Add for Usage {
    type Output = Usage;
    fn add(self, other: Usage) -> Usage {
        Usage {
            user_s: to_micros(self.user_s + other.user_s),
            sys_s: to_micros(self.sys_s + other.sys_s),
            voluntary: self.voluntary + other.voluntary,
            involuntary: self.involuntary + other.involuntary,
        }
    }
}

impl AddAssign for Usage {
    fn add_assign(&mut self, other: Usage) {
        *self = *self + other;
    }
}

/// What one run used: all of it (this process and its workers), the part its worker processes
/// reported, and the run's wall time, so that "cores busy" divides one run's CPU time by the
/// same run's wall time.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct RunUsage {
    /// This process's threads plus every worker process's report.
    pub total: Usage,
    /// What the worker processes reported (already inside `total`); `None` for a model that
    /// has none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workers: Option<Usage>,
    /// The run's wall time, in seconds.
    pub wall_s: f64,
}

impl RunUsage {
    /// CPU time ÷ wall time: how many cores were busy on average during the run (2.0 for two
    /// cores computing throughout, about 0 for a run that waits). `None` for no wall time.
    pub fn cores_busy(&self) -> Option<f64> {
        (self.wall_s > 0.0).then(|| self.total.cpu_s() / self.wall_s)
    }
}

/// This process's usage plus what worker processes reported, at one moment.
#[derive(Clone, Copy, Debug)]
pub struct Snapshot {
    own: Usage,
    reported: Usage,
}

impl Snapshot {
    /// What was used between this snapshot and now; `workers` says whether the run had worker
    /// processes, so their part is given (`Some`, even if zero) or left out (`None`). `None`
    /// where this process's usage cannot be read.
    pub fn since(&self, wall_s: f64, workers: bool) -> Option<RunUsage> {
        let now = snapshot()?;
        let reported = now.reported.since(&self.reported);
        Some(RunUsage {
            total: now.own.since(&self.own) + reported,
            workers: workers.then_some(reported),
            wall_s,
        })
    }
}

/// The usage now: this process's and what workers have reported so far.
pub fn snapshot() -> Option<Snapshot> {
    Some(Snapshot {
        own: self_rusage()?,
        reported: reported(),
    })
}

/// Count what a worker process used on our behalf (its report with one answer).
pub fn absorb(elsewhere: Usage) {
    REPORTED_USER_US.fetch_add(micros(elsewhere.user_s), Ordering::Relaxed);
    REPORTED_SYS_US.fetch_add(micros(elsewhere.sys_s), Ordering::Relaxed);
    REPORTED_VOLUNTARY.fetch_add(elsewhere.voluntary, Ordering::Relaxed);
    REPORTED_INVOLUNTARY.fetch_add(elsewhere.involuntary, Ordering::Relaxed);
}

/// Workers' reports, kept in whole microseconds (getrusage's resolution) so they add up
/// atomically.
static REPORTED_USER_US: AtomicU64 = AtomicU64::new(0);
static REPORTED_SYS_US: AtomicU64 = AtomicU64::new(0);
static REPORTED_VOLUNTARY: AtomicU64 = AtomicU64::new(0);
static REPORTED_INVOLUNTARY: AtomicU64 = AtomicU64::new(0);

/// `s` rounded to the microsecond (getrusage's resolution), so sums and differences of
/// readings print as the microseconds they are (`0.055351`, not `0.05535099999999999`).
fn to_micros(s: f64) -> f64 {
    (s * 1e6).round() / 1e6
}

fn micros(s: f64) -> u64 {
    if s.is_finite() && s > 0.0 {
        (s * 1e6).round() as u64
    } else {
        0
    }
}

fn reported() -> Usage {
    Usage {
        user_s: REPORTED_USER_US.load(Ordering::Relaxed) as f64 / 1e6,
        sys_s: REPORTED_SYS_US.load(Ordering::Relaxed) as f64 / 1e6,
        voluntary: REPORTED_VOLUNTARY.load(Ordering::Relaxed),
        involuntary: REPORTED_INVOLUNTARY.load(Ordering::Relaxed),
    }
}

#[cfg(unix)]
fn self_rusage() -> Option<Usage> {
    let mut ru = std::mem::MaybeUninit::<libc::rusage>::zeroed();
    // SAFETY: getrusage writes one `rusage` into the buffer we own; it is read only if the
    // call succeeded.
    let ru = unsafe {
        if libc::getrusage(libc::RUSAGE_SELF, ru.as_mut_ptr()) != 0 {
            return None;
        }
        ru.assume_init()
    };
    let seconds = |t: libc::timeval| (t.tv_sec as f64 * 1e6 + t.tv_usec as f64) / 1e6;
    Some(Usage {
        user_s: seconds(ru.ru_utime),
        sys_s: seconds(ru.ru_stime),
        voluntary: u64::try_from(ru.ru_nvcsw).unwrap_or(0),
        involuntary: u64::try_from(ru.ru_nivcsw).unwrap_or(0),
    })
}

#[cfg(not(unix))]
fn self_rusage() -> Option<Usage> {
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn usage(user_s: f64, sys_s: f64, voluntary: u64, involuntary: u64) -> Usage {
        Usage {
            user_s,
            sys_s,
            voluntary,
            involuntary,
        }
    }

    #[test]
    fn deltas_and_sums_go_field_by_field() {
        let before = usage(1.0, 0.5, 10, 2);
        let after = usage(1.25, 0.75, 15, 3);
        assert_eq!(after.since(&before), usage(0.25, 0.25, 5, 1));
        assert_eq!(after.since(&before).cpu_s(), 0.5);
        assert_eq!(before + after, usage(2.25, 1.25, 25, 5));
        let mut sum = before;
        sum += after;
        assert_eq!(sum, before + after);
    }

    #[test]
    fn a_delta_never_goes_below_zero() {
        let d = usage(1.0, 1.0, 1, 1).since(&usage(2.0, 2.0, 5, 5));
        assert_eq!(d, Usage::default());
    }

    #[test]
    fn cores_busy_is_cpu_over_wall() {
        let run = RunUsage {
            total: usage(1.5, 0.5, 0, 0),
            workers: None,
            wall_s: 1.0,
        };
        assert_eq!(run.cores_busy(), Some(2.0));
        let no_wall = RunUsage { wall_s: 0.0, ..run };
        assert_eq!(no_wall.cores_busy(), None);
    }

    #[test]
    fn reports_are_kept_in_microseconds() {
        assert_eq!(micros(0.000_001_4), 1);
        assert_eq!(micros(-1.0), 0);
        assert_eq!(micros(f64::NAN), 0);
    }

    #[test]
    #[cfg(unix)]
    fn spinning_shows_as_user_time_and_absorbed_reports_add_in() {
        let before = snapshot().unwrap();
        let began = std::time::Instant::now();
        let mut x = 0u64;
        while began.elapsed() < std::time::Duration::from_millis(50) {
            x = std::hint::black_box(x.wrapping_add(1));
        }
        absorb(usage(3.0, 1.0, 7, 0));
        let run = before.since(0.05, true).unwrap();
        let workers = run.workers.unwrap();
        // Other tests of this binary absorb too: at least this test's report.
        assert!(
            workers.user_s >= 3.0 && workers.voluntary >= 7,
            "{workers:?}"
        );
        // Spinning 50 ms of wall is CPU time; a huge margin for a busy host.
        assert!(run.total.cpu_s() > workers.cpu_s(), "{run:?}");
        assert!(before.since(0.05, false).unwrap().workers.is_none());
    }
}
