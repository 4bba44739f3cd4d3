//! The textbook checks for IO-bound work: concurrent models overlap their waits; threads and
//! event loops both do that well for a few requests; a model that waits with a thread each
//! keeps only as many requests in flight as it has threads; an event loop whose tasks block it,
//! or that awaits them in turn, overlaps nothing. Models are picked by how they declared they
//! run, and the in-flight counts are the ones recorded.

use crate::format::{ratio, speedup, time};
use crate::ideal::Bound;
use crate::model::Runs;
use crate::report::sections::{tied, Row};

use super::{fastest_of, mean, plural, speedup_of};

/// The checks for one comparison of models on IO work (`m`: measured rows, fastest first).
pub fn checks(m: &[&Row]) -> Vec<String> {
    let mut out = Vec::new();
    out.extend(overlap(m));
    out.extend(threads_vs_loops(m));
    out.extend(few_in_flight(m));
    out.extend(no_overlap(m));
    out
}

/// True for a row whose model can have two tasks going at once.
fn concurrent(r: &Row) -> bool {
    !r.is_baseline() && !r.model.runs.one_at_a_time()
}

/// The best concurrent model against running in turn.
fn overlap(m: &[&Row]) -> Option<String> {
    let b = m.iter().copied().find(|r| concurrent(r))?;
    let sp = b.speedup()?;
    Some(if sp >= 2.0 {
        format!(
            "{} finished {} faster than in turn: while one request waits on the server the \
             others wait at the same time, instead of one after another.",
            b.label,
            speedup_of(b)
        )
    } else {
        format!(
            "Surprise: the best concurrent model, {}, gained only {} over running in turn on \
             this IO workload; see the ideal column for what bounded it.",
            b.label,
            speedup_of(b)
        )
    })
}

/// Threads against event loops, each kept to the one that did best.
fn threads_vs_loops(m: &[&Row]) -> Option<String> {
    let t = fastest_of(m, &[Runs::ThreadPerTask, Runs::ThreadPool])?;
    let a = fastest_of(m, &[Runs::EventLoop, Runs::EventLoopThreads])?;
    let (tt, at) = (mean(t), mean(a));
    Some(if tied(t, a) {
        format!(
            "{} ({}, {}) and {} ({}, {}) are tied within noise: for this many requests both \
             overlap the waits equally well.",
            t.label,
            t.model.runs.describe(),
            time(tt),
            a.label,
            a.model.runs.describe(),
            time(at)
        )
    } else {
        let (fast, slow) = if at < tt { (a, t) } else { (t, a) };
        format!(
            "{} ({}) was {} faster than {} ({}): {} against {}.",
            fast.label,
            fast.model.runs.describe(),
            ratio(mean(slow) / mean(fast)),
            slow.label,
            slow.model.runs.describe(),
            time(mean(fast)),
            time(mean(slow))
        )
    })
}

/// The slowest concurrent model that kept fewer requests in flight than there were tasks,
/// against the fastest that kept them all.
fn few_in_flight(m: &[&Row]) -> Option<String> {
    let all_in = m
        .iter()
        .copied()
        .find(|r| concurrent(r) && r.cell.in_flight >= r.cell.tasks)?;
    let few = m
        .iter()
        .rev()
        .copied()
        .find(|r| {
            let delay_bound = r.cell.ideal.is_some_and(|i| i.bound == Bound::Delay);
            concurrent(r) && delay_bound && r.cell.in_flight < r.cell.tasks
        })
        .filter(|r| r.cell.in_flight > 0)?;
    let rounds = few.cell.tasks.div_ceil(few.cell.in_flight);
    let per = if few.model.runs.worker_processes() {
        "one per worker process"
    } else {
        "one per thread"
    };
    Some(format!(
        "{} ({}) kept at most {} of {} requests in flight ({per}), so it waited about {} of \
         the server's delay: {}, against {} for {}, which kept all {} in flight ({} faster).",
        few.label,
        few.model.runs.describe(),
        few.cell.in_flight,
        few.cell.tasks,
        plural(rounds, "round"),
        time(mean(few)),
        time(mean(all_in)),
        all_in.label,
        all_in.cell.tasks,
        speedup(mean(few) / mean(all_in))
    ))
}

/// Event loops whose tasks never overlapped (blocked by them, or awaiting them in turn), each
/// against the one event loop that let its tasks wait together.
fn no_overlap(m: &[&Row]) -> Vec<String> {
    let together = fastest_of(m, &[Runs::EventLoop]);
    m.iter()
        .filter(|r| r.model.runs.event_loop() && r.model.runs.one_at_a_time())
        .map(|r| {
            let why = if r.model.runs == Runs::EventLoopBlocked {
                "every task called blocking code, which holds the loop's only thread until it \
                 returns, so tasks spawned to wait together waited one after another"
            } else {
                "each task was awaited before the next was started: async syntax, but nothing \
                 waited at the same time"
            };
            let against = together.map_or(String::new(), |a| {
                format!(
                    ", against {} for {} ({}), whose tasks waited together",
                    time(mean(a)),
                    a.label,
                    a.model.runs.describe()
                )
            });
            let gain = match (r.speedup(), r.cell.verdict.ideal_speedup) {
                (Some(sp), Some(ideal)) => format!(
                    ", {} the in-turn speed where its ideal allowed {}",
                    speedup(sp),
                    speedup(ideal)
                ),
                (Some(sp), None) => format!(", {} the in-turn speed", speedup(sp)),
                _ => String::new(),
            };
            format!(
                "{} ({}) took {}{gain}{against}: {why}.",
                r.label,
                r.model.runs.describe(),
                time(mean(r)),
            )
        })
        .collect()
}
