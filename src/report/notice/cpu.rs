//! The textbook checks for CPU-bound work, each said only as far as the data bear it out: one
//! event loop is one core (≈1×), threads use several cores (unlike Python's GIL), a
//! multi-thread event loop is a pool plus a scheduler, and processes pay pipes and setup.
//! Models are picked by how they declared they run.

use crate::format::{ratio, speedup, time};
use crate::model::Runs;

use super::{fastest_of, mean, speedup_of};
use crate::report::sections::{tied, Row};

/// Kinds of model that run CPU work on several OS threads of one process.
const THREADED: [Runs; 2] = [Runs::ThreadPool, Runs::ThreadPerTask];

/// The baseline row of `r` among `m`, if it is there.
fn baseline_in<'r, 'a>(m: &[&'r Row<'a>], r: &Row) -> Option<&'r Row<'a>> {
    let id = r.cell.baseline.as_ref()?;
    m.iter().copied().find(|b| &b.cell.id == id)
}

/// The checks for one comparison of models on CPU work (`m`: measured rows, fastest first).
pub fn checks(m: &[&Row], cores: usize) -> Vec<String> {
    let mut out = Vec::new();
    out.extend(one_loop(m));
    let threaded = fastest_of(m, &THREADED);
    out.extend(threads(threaded, cores));
    out.extend(loop_threads(m, threaded));
    out.extend(processes(m, threaded));
    out
}

/// An event loop on one thread cannot beat running in turn at CPU work.
fn one_loop(m: &[&Row]) -> Option<String> {
    let a = fastest_of(m, &[Runs::EventLoop])?;
    let sp = a.speedup()?;
    let base = baseline_in(m, a);
    let beat = base.is_some_and(|b| a.high() < b.low());
    Some(if sp >= 1.15 && beat {
        format!(
            "Surprise: {} ({}) ran {} faster than in turn ({}). The textbook says one thread \
             cannot speed up CPU work however its tasks are scheduled; check the kernel really \
             is CPU-bound.",
            a.label,
            a.model.runs.describe(),
            speedup(sp),
            time(mean(a))
        )
    } else {
        format!(
            "{} runs {} on one thread: it took {} ({} the in-turn speed). As the textbook \
             says, one thread is one core however its tasks take turns, just like asyncio.",
            a.label,
            a.model.runs.describe(),
            time(mean(a)),
            speedup(sp)
        )
    })
}

/// Threads of one process compute on several cores at once: no GIL.
fn threads(t: Option<&Row>, cores: usize) -> Option<String> {
    let t = t?;
    let sp = t.speedup()?;
    Some(if cores <= 1 {
        format!(
            "This machine has one core, so no model can run CPU work in parallel: {} got {}.",
            t.label,
            speedup_of(t)
        )
    } else if sp >= 1.3 {
        format!(
            "Unlike Python threads, which the GIL keeps to one core at a time, {} ({}) used \
             several cores: {} faster than in turn on {cores} cores.",
            t.label,
            t.model.runs.describe(),
            speedup_of(t)
        )
    } else {
        format!(
            "Surprise: {} ({}) gained only {} on {cores} cores, though Rust threads have no \
             GIL. Look at the task count, the setup cost, and what else the machine was running.",
            t.label,
            t.model.runs.describe(),
            speedup_of(t)
        )
    })
}

/// An event loop on W threads against the best threaded model.
fn loop_threads(m: &[&Row], t: Option<&Row>) -> Option<String> {
    let (am, t) = (fastest_of(m, &[Runs::EventLoopThreads])?, t?);
    Some(if tied(am, t) {
        format!(
            "{} ({}, {}) and {} ({}) are tied within noise: on CPU work an event loop on \
             several threads is a thread pool plus a scheduler.",
            am.label,
            am.model.runs.describe(),
            time(mean(am)),
            t.label,
            time(mean(t))
        )
    } else if am.high() < t.low() {
        format!(
            "Surprise: {} ({}) beat {} ({}); on CPU work an event loop on several threads is a \
             thread pool plus a scheduler, so a tie is the textbook's best case.",
            am.label,
            time(mean(am)),
            t.label,
            time(mean(t))
        )
    } else {
        format!(
            "{} ({}) took {} {}'s time: its scheduler costs a little on CPU work.",
            am.label,
            time(mean(am)),
            ratio(mean(am) / mean(t)),
            t.label
        )
    })
}

/// Worker processes pay for pipes and for starting up.
fn processes(m: &[&Row], t: Option<&Row>) -> Option<String> {
    let (p, t) = (
        fastest_of(m, &[Runs::Processes, Runs::EventLoopToProcesses])?,
        t?,
    );
    Some(if p.high() < t.low() {
        format!(
            "Surprise: {} ({}) beat {} ({}) despite sending every task and answer through a \
             pipe.",
            p.label,
            time(mean(p)),
            t.label,
            time(mean(t))
        )
    } else {
        format!(
            "{} ({}) took {} ({} {}'s time): every task and answer crosses a pipe as JSON \
             (Python's pickling, made visible); starting its {} worker processes cost {} more, \
             counted as setup.",
            p.label,
            p.model.runs.describe(),
            time(mean(p)),
            ratio(mean(p) / mean(t)),
            t.label,
            p.cell.workers,
            time(p.cell.setup_s)
        )
    })
}
