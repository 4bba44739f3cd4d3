//! The unit probes' lines for the terminal: a header, one block per model or flavour, and a
//! summary putting the units side by side and beside the published figures.

use std::fmt::Write;

use super::pingpong::{Flavour, PingpongRow};
use super::published::{self, Beside};
use super::sleepers::{SleepersRow, FACTOR, START};
use super::spawn::SpawnRow;
use super::{Outcome, Plan, Probe};
use crate::census::Census;
use crate::format::{bytes, ratio, time};
use crate::model::Runs;

pub(super) fn header(plan: &Plan) -> String {
    match plan.probe {
        Probe::Spawn => format!(
            "spawn: {} empty tasks per model, median of {} runs (after one warm-up); per unit = wall ÷ N; setup timed apart\n\
             {:<15} {:>6} {:>10} {:>10} {:>10}  {:<17} answer\n",
            plan.size, plan.repeat, "model", "W", "per unit", "wall", "setup", "created t/k/p/c"
        ),
        Probe::Sleepers => format!(
            "sleepers: N units each waiting until all N are alive; N ×{FACTOR} from {START} up to {}, one run per N; \
             peak RSS over N by least squares: slope = bytes per unit\n",
            plan.size
        ),
        Probe::Pingpong => format!(
            "pingpong: a token passed {} round trips between two lanes, +1 each way (count 2K checked), median of {}\n\
             {:<17} {:>14} {:>11} {:>10}  {:<17} {:<10} lanes\n",
            plan.size, plan.repeat, "lanes", "per round trip", "per switch", "setup", "created t/k/p/c", "count"
        ),
    }
}

fn created(c: &Census) -> String {
    format!(
        "{}/{}/{}/{}",
        c.threads, c.tasks, c.processes, c.connections
    )
}

fn mark(ok: bool, what: Option<String>) -> String {
    format!(
        "{} {}",
        if ok { "✓" } else { "✗" },
        what.unwrap_or_else(|| "-".into())
    )
}

pub(super) fn spawn_row(r: &SpawnRow) -> String {
    let mut line = format!(
        "{:<15} {:>6} {:>10} {:>10} {:>10}  {:<17} {}\n",
        r.model,
        r.workers,
        r.per_unit_s.map_or("-".into(), time),
        r.wall.map_or("-".into(), |w| time(w.mean_s)),
        time(r.setup_s),
        created(&r.census),
        mark(r.ok, r.answer.clone()),
    );
    for e in &r.errors {
        let _ = writeln!(line, "    {e}");
    }
    line
}

pub(super) fn sleepers_row(r: &SleepersRow) -> String {
    let mut s = format!("{} ({})\n", r.model, r.runs.describe());
    if r.runs.event_loop() {
        let _ = writeln!(
            s,
            "    each unit's future is {} (size_of): as large as the largest await of any task",
            bytes(super::sleepers::future_bytes() as u64)
        );
    }
    for p in &r.points {
        let _ = writeln!(
            s,
            "    N={:<8} peak {:>10}   wall {:>9}   {:>9} per unit to start and release",
            p.units,
            bytes(p.peak_rss_bytes),
            time(p.wall_s),
            time(p.wall_s / p.units as f64)
        );
    }
    match r.fit {
        Some(f) => {
            let _ = writeln!(
                s,
                "  → {} per unit (intercept {}, least squares over {} N)",
                bytes(f.slope.max(0.0) as u64),
                bytes(f.intercept.max(0.0) as u64),
                f.points
            );
        }
        None => s.push_str("  → too few N to fit a line\n"),
    }
    match (&r.fails_at, &r.stopped) {
        (Some(f), _) => {
            let _ = writeln!(s, "  → fails at N={}: {}", f.units, f.reason);
        }
        (None, Some(why)) => {
            let _ = writeln!(s, "  → {why}");
        }
        (None, None) => {}
    }
    for e in &r.errors {
        let _ = writeln!(s, "    ✗ {e}");
    }
    s
}

pub(super) fn pingpong_row(r: &PingpongRow) -> String {
    let mut line = format!(
        "{:<17} {:>14} {:>11} {:>10}  {:<17} {:<10} {}\n",
        r.flavour.name(),
        r.per_round_trip_s.map_or("-".into(), time),
        r.per_switch_s.map_or("-".into(), time),
        time(r.setup_s),
        created(&r.census),
        mark(r.ok, r.token.map(|t| t.to_string())),
        r.lanes,
    );
    for e in &r.errors {
        let _ = writeln!(line, "    {e}");
    }
    line
}

/// The units side by side, then ours beside the published figures.
pub(super) fn summary(out: &Outcome, beside: &[Beside]) -> String {
    let mut s = String::new();
    let spawn = |runs: Runs| {
        out.spawn
            .iter()
            .find(|r| r.runs == runs)
            .and_then(|r| r.per_unit_s)
    };
    if let (Some(thread), Some(task)) = (spawn(Runs::ThreadPerTask), spawn(Runs::EventLoop)) {
        let _ = writeln!(
            s,
            "a thread (spawn + join) costs {} an async task on one thread: {} against {}",
            ratio(thread / task),
            time(thread),
            time(task)
        );
    }
    let memory = |runs: Runs| {
        out.sleepers
            .iter()
            .find(|r| r.runs == runs)
            .and_then(|r| r.fit)
            .map(|f| f.slope)
    };
    if let (Some(thread), Some(task)) = (memory(Runs::ThreadPerTask), memory(Runs::EventLoop)) {
        let _ = writeln!(
            s,
            "a waiting thread holds {} the memory of a waiting async task: {} against {}",
            ratio(thread / task),
            bytes(thread.max(0.0) as u64),
            bytes(task.max(0.0) as u64)
        );
    }
    let switch = |f: Flavour| {
        out.pingpong
            .iter()
            .find(|r| r.flavour == f)
            .and_then(|r| r.per_switch_s)
    };
    if let (Some(thread), Some(task)) = (switch(Flavour::Threads), switch(Flavour::TasksOneThread))
    {
        let _ = writeln!(
            s,
            "a switch between threads costs {} one between tasks on one thread: {} against {}",
            ratio(thread / task),
            time(thread),
            time(task)
        );
    }
    if !beside.is_empty() {
        let _ = writeln!(
            s,
            "published figures beside ours (ours: {}):",
            published::this_machine()
        );
        for b in beside {
            let p = &b.published;
            let _ = writeln!(
                s,
                "  {:<14} ours {:>9}   published {:>9} (ours {} theirs)  {}{}; machine: {}",
                b.unit,
                published::value(b.ours, &p.per),
                published::value(p.value, &p.per),
                ratio(b.ratio()),
                p.source,
                if p.confirmed {
                    ""
                } else {
                    " [as quoted in issue 10, not checked]"
                },
                p.machine
            );
        }
    }
    s
}
