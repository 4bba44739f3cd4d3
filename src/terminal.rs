//! How `concur list` and `concur run` read in a terminal: the listing and the comparison
//! table, with times, bytes and efficiencies formatted exactly as on the page. The table's
//! columns have fixed widths, so its [`header`] is printed before any model runs and each
//! [`row`] the moment its model finishes.

use std::fmt::Write;

use crate::format::{bytes, efficiency, ratio, time};
use crate::measure::Row;
use crate::session::Session;

/// Every workload and model, one line each.
pub fn listing() -> String {
    let mut out = String::from("workloads (--size: what it counts, default):\n");
    for w in crate::workload::all() {
        let s = w.sizes();
        let _ = writeln!(
            out,
            "  {:<15} {:<4} {}  [--size: {}, default {}]",
            w.name(),
            w.kind(),
            w.summary(),
            s.unit,
            s.default
        );
    }
    let _ = writeln!(
        out,
        "  {:<15} {:<4} {}  [--size: pages, default {}; --queue N or unbounded]",
        crate::pipeline::NAME,
        "flow",
        crate::pipeline::SUMMARY,
        crate::pipeline::PAGES
    );
    out.push_str("models (how they run; Python analog):\n");
    for m in crate::model::all() {
        let _ = writeln!(
            out,
            "  {:<15} {}  [{}; {}]",
            m.name(),
            m.summary(),
            m.traits().runs.describe(),
            m.python()
        );
    }
    out
}

/// The table's title, the session's notes and the column names, before any model runs.
pub fn header(session: &Session) -> String {
    let mut out = String::new();
    let tasks = session
        .workload
        .plan(&session.params)
        .map_or(0, |p| p.tasks.len());
    let _ = write!(
        out,
        "{} ({}, size {}, {tasks} tasks) on {} cores, median of {}, results {}",
        session.workload.name(),
        session.workload.kind(),
        session.params.size,
        crate::run::cores(),
        session.repeat,
        session.config.collect,
    );
    match &session.params.io {
        Some(io) if session.delay_known => {
            let _ = write!(out, "; server delay {} ms at {}", io.delay_ms, io.base_url);
        }
        Some(io) => {
            let _ = write!(out, "; server at {} (its delay unknown)", io.base_url);
        }
        None => {}
    }
    out.push('\n');
    if let Some(r) = session.rates {
        let _ = writeln!(
            out,
            "server calibrated: {:.0} requests/s kept alive, {:.0} new connections/s (the ideal names what binds)",
            r.requests_per_s, r.connections_per_s
        );
    }
    for note in &session.notes {
        let _ = writeln!(out, "note: {note}");
    }
    if !session.delay_known {
        out.push_str("external server: its delay is not known, so IO cells have no ideal\n");
    }
    let _ = writeln!(
        out,
        "{:<15} {:>5} {:>10} {:>10} {:>24} {:>8} {:>7} {:>6} {:>9} {:>9}  {:<22} answer",
        "model",
        "W",
        "wall",
        "ideal",
        "bound",
        "speedup",
        "ideal×",
        "eff.",
        "setup",
        "peak RSS",
        "created: thr/task/proc/conn"
    );
    out
}

/// One model's line of the table, with its errors and any anomaly under it.
pub fn row(r: &Row) -> String {
    let mut out = String::new();
    let c = r.census;
    let bound = r.ideal.map_or("-".into(), |i| i.binds());
    let v = &r.verdict;
    let _ = writeln!(
        out,
        "{:<15} {:>5} {:>10} {:>10} {:>24} {:>8} {:>7} {:>6} {:>9} {:>9}  {:<22} {}",
        r.model,
        r.workers,
        r.wall.map_or("-".into(), |w| time(w.mean_s)),
        r.ideal.map_or("-".into(), |i| time(i.seconds)),
        bound,
        v.speedup.map_or("-".into(), |x| match v.anomaly {
            Some(_) => format!("⚠ {}", ratio(x)),
            None => ratio(x),
        }),
        v.ideal_speedup.map_or("-".into(), ratio),
        v.efficiency
            .map_or("-".into(), |e| efficiency(e, v.anomaly.is_some())),
        time(r.setup_s),
        r.peak_rss_bytes.map_or("-".into(), bytes),
        format!(
            "{}/{}/{}/{}",
            c.threads, c.tasks, c.processes, c.connections
        ),
        answer(r),
    );
    if let Some(d) = &r.delivery {
        let _ = writeln!(out, "{:<15} {}", "", delivery(r.collect, d));
    }
    if let Some(l) = &r.io_latency {
        let _ = writeln!(out, "{:<15} ↳ {}", "", latency_line(l));
    }
    for error in &r.errors {
        let _ = writeln!(out, "{:<15} ! {error}", "");
    }
    if let Some(a) = &v.anomaly {
        let _ = writeln!(out, "{:<15} ⚠ {a}", "");
    }
    out
}

/// `IO latency p50 302 ms, p95 498 ms, max 502 ms over 60 requests; server delay 100 ms (p95
/// 4.98× it); CPU tasks 99.1 ms each (median)`.
pub fn latency_line(l: &crate::latency::IoLatency) -> String {
    let mut s = format!(
        "IO latency p50 {}, p95 {}, max {} over {} requests; server delay {} (p95 {} it)",
        time(l.p50_s),
        time(l.p95_s),
        time(l.max_s),
        l.requests,
        time(l.delay_s),
        ratio(l.p95_vs_delay()),
    );
    if let Some(c) = l.cpu_task_s {
        let _ = write!(s, "; its CPU tasks ran {} each (median)", time(c));
    }
    s
}

/// `results ordered: first after 251 ms (task #0); a result waited 38.2 ms on average, at
/// most 120 ms, from its task's end to its delivery`: the note under a row.
pub fn delivery(collect: crate::model::Collect, d: &crate::model::Delivery) -> String {
    format!(
        "results {collect}: first after {} (task #{}); a result waited {} on average, at most \
         {}, from its task's end to its delivery",
        time(d.first_s),
        d.first_task,
        time(d.mean_wait_s),
        time(d.max_wait_s)
    )
}

/// The workloads' names, for a message that asks for one: `primes, sum-squares, …`.
pub fn workload_names() -> String {
    let mut names: Vec<&str> = crate::workload::all().iter().map(|w| w.name()).collect();
    names.push(crate::pipeline::NAME);
    names.join(", ")
}

fn answer(r: &Row) -> String {
    let mark = if r.ok { "✓" } else { "✗" };
    let answer = r.answer.as_deref().unwrap_or("(none)");
    let short: String = answer.chars().take(40).collect();
    let more = if short.len() < answer.len() {
        "…"
    } else {
        ""
    };
    format!("{mark} {short}{more}")
}
