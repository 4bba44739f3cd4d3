//! "What to notice": the sentences under each block, every number taken from the recorded
//! cells and every model picked by what it declared (`runs`), never by its name. The winner,
//! the runner-up or a tie (by overlapping 95% confidence intervals), the textbook checks for
//! CPU ([`cpu`]) and IO ([`io`]) work, what CPU work does to requests beside it ([`latency`]),
//! sweeps over W and N ([`sweep`]), a sliding window against batches ([`limits`]), the
//! tutorial's own settings ([`tutorial`]), results collected in order against as completed
//! ([`collect`]), setup costs, anomalies and failures.

mod collect;
mod cpu;
mod io;
mod latency;
mod limits;
mod sweep;
mod tutorial;

use std::collections::BTreeSet;

use crate::format::{efficiency, percent, ratio, speedup, time};
use crate::ideal::{Ideal, Method};
use crate::identity::Comparison;
use crate::model::{Lane, Runs};
use crate::results::Status;
use crate::workload::Kind;

use super::sections::{tied, Block, Row, ANOMALY_MARK};

/// The sentences under one block of a section.
pub fn block(block: &Block, kind: Kind, cores: usize) -> Vec<String> {
    let mut out = match block.comparison {
        Comparison::Models => models(block, kind, cores),
        Comparison::Tutorial => tutorial::notice(block),
        Comparison::Scaling => sweep::scaling(block, cores, kind),
        Comparison::Sizes => sweep::sizes(block),
        Comparison::Limits => limits::notice(block),
        Comparison::Collect => collect::notice(block),
    };
    out.extend(anomalies(block));
    out.extend(failures(block));
    out
}

/// The measured rows of `rows`, fastest first.
pub(crate) fn measured<'r, 'a>(rows: impl IntoIterator<Item = &'r Row<'a>>) -> Vec<&'r Row<'a>> {
    let mut m: Vec<&Row> = rows.into_iter().filter(|r| r.mean().is_some()).collect();
    m.sort_by(|a, b| mean(a).total_cmp(&mean(b)));
    m
}

/// A row's mean (NaN when not measured: never printed, since callers hold measured rows).
pub(crate) fn mean(r: &Row) -> f64 {
    r.mean().unwrap_or(f64::NAN)
}

/// The fastest measured row whose model runs one of `runs`.
pub(crate) fn fastest_of<'r, 'a>(m: &[&'r Row<'a>], runs: &[Runs]) -> Option<&'r Row<'a>> {
    m.iter().copied().find(|r| runs.contains(&r.model.runs))
}

/// `3.4× (ideal 3.8×)`: a speedup next to the most it could have been.
pub(crate) fn speedup_of(r: &Row) -> String {
    let Some(sp) = r.speedup() else {
        return "-".into();
    };
    match r.cell.verdict.ideal_speedup {
        Some(i) => format!("{} (ideal {})", speedup(sp), speedup(i)),
        None => speedup(sp),
    }
}

/// The efficiency as the page prints it: `93%`, `≈100%`, `⚠ 112%`.
pub(crate) fn efficiency_of(r: &Row) -> Option<String> {
    let e = r.cell.verdict.efficiency.filter(|_| r.mean().is_some())?;
    Some(efficiency(e, r.cell.verdict.anomaly.is_some()))
}

/// `90.0 ms, bound by cores` or `119 ms, bound by connection setup (a lower bound)`.
pub(crate) fn ideal_phrase(i: &Ideal) -> String {
    let lower = if i.method == Method::LowerBound {
        " (a lower bound)"
    } else {
        ""
    };
    format!(
        "{}, bound by {}{lower}",
        time(i.seconds),
        i.bound.describe()
    )
}

/// Winner, runner-up, the textbook checks and setup cost for one model comparison.
fn models(block: &Block, kind: Kind, cores: usize) -> Vec<String> {
    let m = measured(&block.rows);
    let Some(win) = m.first().copied() else {
        return vec![
            "No model produced a checked, measured result here, so there is nothing to compare."
                .into(),
        ];
    };
    let mut out = vec![winner(win)];
    if let Some(run) = m.get(1) {
        out.push(if tied(run, win) {
            format!(
                "{} ({}) is within noise of {}: their 95% confidence intervals overlap, so \
                 treat them as tied.",
                run.label,
                time(mean(run)),
                win.label
            )
        } else {
            format!(
                "The runner-up, {}, took {} ({} the winner's time).",
                run.label,
                time(mean(run)),
                ratio(mean(run) / mean(win))
            )
        });
    }
    match kind {
        Kind::Cpu => out.extend(cpu::checks(&m, cores)),
        Kind::Io => out.extend(io::checks(&m)),
        // Waits without a server: the tutorial's note and the "Sharing state" section tell
        // their lesson; the IO checks speak of requests and a server.
        Kind::Wait => {}
        Kind::Mixed => out.extend(latency::checks(&m)),
    }
    out.extend(setup_cost(&m));
    out
}

/// Who won, by how much against the baseline, and how close to the ideal.
fn winner(win: &Row) -> String {
    let t = mean(win);
    let mut s = if win.is_baseline() {
        format!(
            "{} ({}) was fastest at {}: no concurrency model beat running the tasks one after \
             another here; what they add (setup, hand-offs) cost more than they saved.",
            win.label,
            win.model.runs.describe(),
            time(t)
        )
    } else {
        match (win.speedup(), &win.cell.baseline) {
            (Some(sp), Some(base)) => format!(
                "{} was fastest: {}, {} faster than {}, the in-turn baseline ({}).",
                win.label,
                time(t),
                speedup_of(win),
                base.model,
                time(t * sp)
            ),
            _ => format!(
                "{} was fastest at {}; no in-turn baseline was measured for the same work, so \
                 there are no speedups.",
                win.label,
                time(t)
            ),
        }
    };
    if let (Some(e), Some(i)) = (efficiency_of(win), &win.cell.ideal) {
        s.push_str(&format!(
            " That is {e} of its ideal of {}.",
            ideal_phrase(i)
        ));
    }
    s
}

/// The model whose setup weighs most against one run, if it weighs at all.
fn setup_cost(m: &[&Row]) -> Option<String> {
    let share = |r: &Row| r.cell.setup_s / mean(r);
    let r = m
        .iter()
        .filter(|r| r.cell.setup_s >= 1e-3)
        .max_by(|a, b| share(a).total_cmp(&share(b)))?;
    let x = share(r);
    (x >= 0.1).then(|| {
        format!(
            "Setup is not free: {} ({}) spent {} starting up ({} one run). It is paid once per \
             pool, runtime or set of processes, so it matters when you run only a few batches.",
            r.label,
            r.model.runs.describe(),
            time(r.cell.setup_s),
            if x < 1.0 {
                format!("{} of", percent(x))
            } else {
                format!("{} as long as", speedup(x))
            }
        )
    })
}

/// Every anomaly of the block, each with its reason: a time that beat its ideal.
fn anomalies(block: &Block) -> Vec<String> {
    block
        .rows
        .iter()
        .filter(|r| r.mean().is_some())
        .filter_map(|r| {
            let why = r.cell.verdict.anomaly.as_ref()?;
            Some(format!(
                "{ANOMALY_MARK} {} ({}) is an anomaly: {why}.",
                r.label,
                efficiency_of(r).unwrap_or_default()
            ))
        })
        .collect()
}

/// One sentence naming the cells that failed or were not measured, if any.
fn failures(block: &Block) -> Option<String> {
    let bad: Vec<String> = block
        .rows
        .iter()
        .filter(|r| r.status() != Status::Measured)
        .map(|r| {
            let what = if r.status() == Status::Failed {
                "failed"
            } else {
                "has no estimate"
            };
            format!("{} ({}) {what}", r.model.name, r.cell.id.varied)
        })
        .collect();
    (!bad.is_empty()).then(|| {
        format!(
            "Left out of the comparison: {}. See the table for why.",
            bad.join(", ")
        )
    })
}

/// How many tasks were in progress at once on average over a cell's recorded run.
pub(crate) fn in_progress(r: &Row) -> Option<f64> {
    let spans = &r.cell.timeline;
    let end = spans.iter().map(|s| s.end_s).fold(0.0, f64::max);
    let start = spans
        .iter()
        .map(|s| s.start_s)
        .fold(f64::INFINITY, f64::min)
        .min(0.0);
    let busy: f64 = spans.iter().map(|s| (s.end_s - s.start_s).max(0.0)).sum();
    (end - start > 0.0).then(|| busy / (end - start))
}

/// `1 thread`, `2 threads`, `2 processes`.
pub fn plural(n: usize, word: &str) -> String {
    let suffix = match (n, word.ends_with('s')) {
        (1, _) => "",
        (_, true) => "es",
        _ => "s",
    };
    format!("{n} {word}{suffix}")
}

/// How one recorded run used its lanes and OS threads, from its spans.
pub fn timeline(r: &Row) -> String {
    let spans = &r.cell.timeline;
    let lanes: BTreeSet<usize> = spans.iter().map(|s| s.lane).collect();
    let threads: BTreeSet<usize> = spans.iter().map(|s| s.thread).collect();
    let end = spans.iter().map(|s| s.end_s).fold(0.0, f64::max);
    let (lane, thread_word) = match r.cell.lane {
        Lane::Thread => ("thread", "OS thread"),
        Lane::Process => ("worker process", "worker process"),
        Lane::Task => ("async task", "OS thread"),
    };
    let mut s = format!(
        "{} ({}): {} on {} over {}",
        r.label,
        r.model.runs.describe(),
        plural(spans.len(), "task"),
        plural(lanes.len(), lane),
        time(end)
    );
    if r.cell.lane == Lane::Task || (r.cell.lane == Lane::Thread && threads.len() != lanes.len()) {
        s.push_str(&format!(", run by {}", plural(threads.len(), thread_word)));
    }
    if let Some(avg) = in_progress(r) {
        s.push_str(&format!(
            "; on average {avg:.1} tasks were in progress at once"
        ));
    }
    s.push('.');
    s
}
