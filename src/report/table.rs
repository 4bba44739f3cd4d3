//! A block's table as the template prints it: one [`RowView`] per cell with every number
//! already formatted. A failed row shows its mark and no speedup or efficiency; an efficiency
//! above 100% reads `≈100%` within noise or `⚠ 112%` with the anomaly's reason on the row; the
//! ideal names what binds it; the counts come from the checked run's census; requests among
//! CPU tasks show their latency's p95, p50 and max; the checked run's CPU time (with the
//! cores it kept busy: its CPU time ÷ its own wall time) and its context switches.

use serde::Serialize;

use crate::census::Census;
use crate::format::{bytes, cores, flagged_speedup, speedup, time};
use crate::identity::{Comparison, Varied};
use crate::results::Status;
use crate::usage::RunUsage;

use super::sections::{Block, Row, ANOMALY_MARK, FAIL_MARK, GAP_MARK, NO_BASELINE, OK_MARK};

#[derive(Serialize)]
pub struct TableView {
    /// The varied parameter's column heading: `W`, `N`, `limit`.
    pub param: String,
    pub show_memory: bool,
    /// Whether any row has IO latency statistics (requests among CPU tasks).
    pub show_latency: bool,
    /// A collect block: each row says when its results were delivered.
    pub show_delivery: bool,
    /// Whether any row has the checked run's CPU time and context switches.
    pub show_usage: bool,
    pub rows: Vec<RowView>,
}

#[derive(Serialize)]
pub struct RowView {
    pub id: String,
    /// `ok`, `failed` or `gap`.
    pub status: &'static str,
    pub model: String,
    pub color: String,
    pub value: String,
    /// In a collect block: `first 52.1 ms (#1)` (the checked run's first result and whose it
    /// was), `-` when not recorded; empty elsewhere.
    pub delivery: String,
    /// Under it: `waits 12.0 ms mean, 120 ms max`.
    pub delivery_waits: String,
    /// The value with its name, `W=2`, `window of 5`: the heading of the row's card on a phone.
    pub varied: String,
    pub mean: String,
    /// `±1.84 ms`, under the mean; empty when not measured.
    pub ci: String,
    pub ci_title: String,
    pub speedup: String,
    /// `ideal 2.0×`, beside the speedup.
    pub ideal_speedup: String,
    pub ideal: String,
    /// What binds the ideal: `cores`, `connection setup (lower bound)`.
    pub bound: String,
    pub efficiency: String,
    /// The anomaly's reason, on the row and as the efficiency's tooltip.
    pub anomaly: Option<String>,
    pub setup: String,
    pub memory: String,
    /// The IO latency's p95 (`498 ms`), with `p50 302 ms · max 502 ms` under it; `-` without
    /// statistics.
    pub latency: String,
    pub latency_sub: String,
    pub latency_title: String,
    /// The checked run's CPU time and context switches.
    pub usage: UsageView,
    /// Threads and tasks, then processes and connections: two pairs that wrap as units.
    pub created: Vec<Vec<Count>>,
    pub created_title: String,
    pub answer: &'static str,
    pub answer_title: String,
    pub errors: Vec<String>,
    pub notes: Vec<String>,
}

/// The CPU cell of a row: the checked run's CPU time, the cores it kept busy and its context
/// switches, one column so the table keeps within a laptop's width.
#[derive(Serialize)]
pub struct UsageView {
    /// `55.3 ms`; `-` when not recorded.
    pub cpu: String,
    /// `1.76 cores busy` (its CPU time ÷ its own wall time).
    pub cores: String,
    /// `20 vol` and `19 invol`: voluntary and involuntary context switches (each kept whole
    /// when the pair wraps); empty when not recorded.
    pub voluntary: String,
    pub involuntary: String,
    /// The long form, for a tooltip.
    pub title: String,
}

/// One count of what a run created: `20 tasks`.
#[derive(Serialize)]
pub struct Count {
    pub text: String,
    pub zero: bool,
}

/// The HTML id of a cell's table row: `cell-<workload>-<comparison>-<model>-<value>`.
pub fn cell_id(id: &crate::identity::CellId) -> String {
    format!("cell-{}", id.slug())
}

pub fn table(block: &Block) -> TableView {
    TableView {
        param: match block.comparison {
            Comparison::Limits => "limit".into(),
            _ => block.axis().into(),
        },
        show_memory: block.rows.iter().any(|r| r.cell.peak_rss_bytes.is_some()),
        show_latency: block.rows.iter().any(|r| r.cell.io_latency.is_some()),
        show_delivery: block.comparison == Comparison::Collect,
        show_usage: block.rows.iter().any(|r| r.cell.usage.is_some()),
        rows: block
            .rows
            .iter()
            .map(|r| row_view(r, block.comparison == Comparison::Collect))
            .collect(),
    }
}

/// The varied value without its axis name where the column heading says it.
fn value(v: Varied) -> String {
    match v {
        Varied::Workers(n) => n.to_string(),
        Varied::Size(n) | Varied::Delay(n) => n.to_string(),
        Varied::Window(_)
        | Varied::Batch(_)
        | Varied::WorkersBatch { .. }
        | Varied::Collect(_)
        | Varied::Flow(_) => v.to_string(),
    }
}

/// `0 thr · 20 tasks · 0 proc · 1 conn`, as two pairs, and the long form for a tooltip.
pub fn created(c: &Census) -> (Vec<Vec<Count>>, String) {
    let piece = |n: u64, one: &str, many: &str| Count {
        text: format!("{n} {}", if n == 1 { one } else { many }),
        zero: n == 0,
    };
    let counts = vec![
        vec![
            piece(c.threads, "thr", "thr"),
            piece(c.tasks, "task", "tasks"),
        ],
        vec![
            piece(c.processes, "proc", "proc"),
            piece(c.connections, "conn", "conn"),
        ],
    ];
    let title = format!(
        "one checked run created {} OS threads, {} async tasks, {} processes and {} TCP \
         connections",
        c.threads, c.tasks, c.processes, c.connections
    );
    (counts, title)
}

/// The CPU cell: `55.3 ms`, `1.76 cores busy` and `20 vol · 19 invol` under it, with the
/// long form for a tooltip; `-` when the run's usage was not recorded.
pub fn usage(u: Option<&RunUsage>) -> UsageView {
    let Some(u) = u else {
        return UsageView {
            cpu: "-".into(),
            cores: String::new(),
            voluntary: String::new(),
            involuntary: String::new(),
            title: String::new(),
        };
    };
    let t = &u.total;
    let workers = u.workers.map_or(String::new(), |w| {
        format!(
            ", of which its worker processes reported {}",
            time(w.cpu_s())
        )
    });
    UsageView {
        cpu: time(t.cpu_s()),
        cores: u
            .cores_busy()
            .map_or(String::new(), |c| format!("{} cores busy", cores(c))),
        voluntary: format!("{} vol", t.voluntary),
        involuntary: format!("{} invol", t.involuntary),
        title: format!(
            "the checked run used {} of CPU (user {}, system {}{workers}) in {} of wall time; \
             its threads gave up their core {} times to wait (voluntary context switches) and \
             had it taken away {} times (involuntary)",
            time(t.cpu_s()),
            time(t.user_s),
            time(t.sys_s),
            time(u.wall_s),
            t.voluntary,
            t.involuntary
        ),
    }
}

/// `first 52.1 ms (#1)` and `waits 12.0 ms mean, 120 ms max`.
fn delivery(d: &crate::model::Delivery) -> (String, String) {
    (
        format!("first {} (#{})", time(d.first_s), d.first_task),
        format!(
            "waits {} mean, {} max",
            time(d.mean_wait_s),
            time(d.max_wait_s)
        ),
    )
}

fn row_view(r: &Row, show_delivery: bool) -> RowView {
    let c = r.cell;
    let status = r.status();
    let (mean, ci, ci_title) = match (status, c.time) {
        (Status::Measured, Some(t)) => (
            time(t.mean_s),
            format!("±{}", time((t.high_s - t.low_s) / 2.0)),
            format!("95% CI {} to {}", time(t.low_s), time(t.high_s)),
        ),
        (Status::Failed, _) => (FAIL_MARK.into(), String::new(), String::new()),
        _ => (GAP_MARK.into(), String::new(), String::new()),
    };
    let measured = status == Status::Measured;
    let v = &c.verdict;
    let (speedup_text, ideal_speedup) = if !measured {
        (NO_BASELINE.into(), String::new())
    } else if r.is_baseline() {
        ("1.0×".into(), "baseline".into())
    } else {
        (
            v.speedup
                .map(|x| flagged_speedup(x, v.anomaly.is_some()))
                .unwrap_or_else(|| NO_BASELINE.into()),
            v.ideal_speedup
                .filter(|_| v.speedup.is_some())
                .map(|i| format!("ideal {}", speedup(i)))
                .unwrap_or_default(),
        )
    };
    let (ideal, bound) = match &c.ideal {
        Some(i) => (time(i.seconds), i.binds()),
        None => (NO_BASELINE.into(), String::new()),
    };
    let anomaly = v.anomaly.clone().filter(|_| measured);
    let efficiency = v
        .efficiency
        .filter(|_| measured)
        .map(|e| crate::format::efficiency(e, anomaly.is_some()))
        .unwrap_or_else(|| NO_BASELINE.into());
    let answer_title = match &c.answer {
        Some(a) => format!("got {a}, expected {}", c.expected),
        None => format!("no answer, expected {}", c.expected),
    };
    let mut errors = c.errors.clone();
    if c.failed_tasks > 0 && errors.is_empty() {
        errors.push(format!("{} tasks failed", c.failed_tasks));
    }
    let (created, created_title) = created(&c.census);
    let (latency, latency_sub, latency_title) = match &c.io_latency {
        Some(l) => (
            time(l.p95_s),
            format!("p50 {} · max {}", time(l.p50_s), time(l.max_s)),
            format!(
                "{} requests; the server's delay was {}: p95 is {} it",
                l.requests,
                time(l.delay_s),
                crate::format::ratio(l.p95_vs_delay())
            ),
        ),
        None => ("-".into(), String::new(), String::new()),
    };
    let delivered = match (&c.delivery, show_delivery) {
        (Some(d), true) => delivery(d),
        (None, true) => (NO_BASELINE.into(), String::new()),
        _ => Default::default(),
    };
    RowView {
        id: cell_id(&c.id),
        status: match status {
            Status::Measured => "ok",
            Status::Failed => "failed",
            Status::NoEstimate => "gap",
        },
        model: r.model.name.clone(),
        color: r.color(),
        value: value(c.id.varied),
        delivery: delivered.0,
        delivery_waits: delivered.1,
        varied: c.id.varied.to_string(),
        mean,
        ci,
        ci_title,
        speedup: speedup_text,
        ideal_speedup,
        ideal,
        bound,
        efficiency,
        anomaly: anomaly.map(|a| format!("{ANOMALY_MARK} anomaly: {a}")),
        setup: if c.setup_s > 0.0 {
            time(c.setup_s)
        } else {
            "none".into()
        },
        memory: c.peak_rss_bytes.map(bytes).unwrap_or_else(|| "-".into()),
        latency,
        latency_sub,
        latency_title,
        usage: usage(c.usage.as_ref()),
        created,
        created_title,
        answer: if c.ok { OK_MARK } else { "✗" },
        answer_title,
        errors,
        notes: c.notes.clone(),
    }
}
