//! `concur run crawl`: the in-turn baseline first, then every (shape, flavour) with the
//! medians of the same repeats, each row handed out as soon as it is known, its ideal from
//! the baseline's own costs ([`super::ideal`]); then the lesson on queues: the pipelined shape
//! with fetchers much faster than the parsers (no server delay), once with a bounded queue and
//! once with an unbounded one, their peak depth and peak memory side by side.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use super::ideal::{median, Costs, Lanes};
use super::queue::Cap;
use super::{Crawler, Flavour, PipelineRun, Setup, Shape, FETCHERS, PARSERS};
use crate::census::Census;
use crate::crawl_page::Counts;
use crate::error::Result;
use crate::format;

/// Bytes per page: large enough that a parse costs about what a fetch does at the default
/// delay (on two cores), and that the pages a queue holds show in the RSS.
pub const PAGE_BYTES: usize = 512 * 1024;
/// The server's delay per page, in ms, unless told otherwise.
pub const DELAY_MS: u64 = 2;
/// The pipelined shape's queue unless told otherwise.
pub const QUEUE: Cap = Cap::Bounded(2);

/// What the comparison runs with.
#[derive(Clone, Debug)]
pub struct Options {
    pub pages: usize,
    pub page_bytes: usize,
    pub delay_ms: u64,
    pub timeout_ms: u64,
    pub repeat: usize,
    pub queue: Cap,
    pub worker_exe: Option<PathBuf>,
}

impl Options {
    /// The setup of a run against the server at `base_url`, with queue `queue`.
    pub fn setup(&self, base_url: &str, queue: Cap) -> Setup {
        Setup {
            pages: self.pages,
            page_bytes: self.page_bytes,
            base_url: base_url.to_string(),
            timeout_ms: self.timeout_ms,
            fetchers: FETCHERS,
            parsers: PARSERS,
            queue,
            worker_exe: self.worker_exe.clone(),
        }
    }
}

/// One (shape, flavour) measured: the run with the median time stands for it.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Row {
    pub shape: Shape,
    pub flavour: Flavour,
    pub queue: Option<Cap>,
    pub delay_ms: u64,
    /// A row of the queue lesson: no server delay, so the fetchers outrun the parsers.
    pub fast_fetchers: bool,
    /// Every repeat succeeded with the known answer.
    pub ok: bool,
    pub time_s: f64,
    pub setup_s: f64,
    /// Against the in-turn baseline at the same delay (none for the queue lesson's rows).
    pub speedup: Option<f64>,
    pub ideal_s: Option<f64>,
    pub efficiency: Option<f64>,
    pub peak_depth: Option<usize>,
    pub peak_rss_bytes: Option<u64>,
    pub census: Census,
    pub answer: Option<Counts>,
    pub expected: Counts,
    pub errors: Vec<String>,
}

/// How far past its ideal a row's time may be before it is flagged: medians of a few runs
/// on a shared host move by about this much.
pub const NOISE: f64 = 0.1;

impl Row {
    /// Faster than the ideal beyond [`NOISE`]: not a result, an anomaly to explain.
    pub fn beats_ideal(&self) -> bool {
        self.efficiency.is_some_and(|e| e > 1.0 + NOISE)
    }
}

/// Run `shape` `repeat` times on `crawler`: every run, and the one with the median time.
pub fn measure(crawler: &mut Crawler, shape: Shape, repeat: usize) -> (Vec<PipelineRun>, usize) {
    let runs: Vec<PipelineRun> = (0..repeat.max(1)).map(|_| crawler.run(shape)).collect();
    let mut order: Vec<usize> = (0..runs.len()).collect();
    order.sort_by(|&a, &b| runs[a].wall_s.total_cmp(&runs[b].wall_s));
    let mid = order[order.len() / 2];
    (runs, mid)
}

fn row(runs: &[PipelineRun], mid: usize, delay_ms: u64, fast_fetchers: bool) -> Row {
    let run = &runs[mid];
    let mut errors: Vec<String> = runs.iter().flat_map(|r| r.errors.clone()).collect();
    errors.dedup();
    Row {
        shape: run.shape,
        flavour: run.flavour,
        queue: run.queue,
        delay_ms,
        fast_fetchers,
        ok: runs.iter().all(|r| r.ok),
        time_s: median(&runs.iter().map(|r| r.wall_s).collect::<Vec<_>>()),
        setup_s: run.setup_s,
        speedup: None,
        ideal_s: None,
        efficiency: None,
        peak_depth: run.peak_depth,
        peak_rss_bytes: run.peak_rss_bytes,
        census: run.census,
        answer: run.answer,
        expected: run.expected,
        errors,
    }
}

/// The whole comparison: `base_url` serves pages after `options.delay_ms`, `fast_url` with no
/// delay (the queue lesson). Each row goes to `emit` as soon as it is known.
pub fn run(
    options: &Options,
    base_url: &str,
    fast_url: &str,
    mut emit: impl FnMut(&Row) -> Result<()>,
) -> Result<(Vec<Row>, Option<Costs>)> {
    let mut rows = Vec::new();
    let setup = options.setup(base_url, options.queue);
    let mut baseline = Crawler::start(Flavour::Threads, setup.clone())?;
    let (runs, mid) = measure(&mut baseline, Shape::InTurn, options.repeat);
    let mut first = row(&runs, mid, options.delay_ms, false);
    let baseline_s = first.time_s;
    let costs = Costs::of_run(&runs[mid], options.pages);
    let lanes = Lanes {
        fetchers: FETCHERS,
        parsers: PARSERS,
        cores: crate::run::cores(),
    };
    let baseline_ok = first.ok;
    let judge = |row: &mut Row| {
        if !row.ok || !baseline_ok {
            return;
        }
        row.speedup = Some(baseline_s / row.time_s);
        if let Some(costs) = &costs {
            let ideal = costs.ideal(row.shape, lanes, baseline_s);
            row.ideal_s = Some(ideal);
            row.efficiency = Some(ideal / row.time_s);
        }
    };
    judge(&mut first);
    emit(&first)?;
    rows.push(first);
    drop(baseline);
    for flavour in Flavour::ALL {
        let mut crawler = Crawler::start(flavour, setup.clone())?;
        for shape in [Shape::TwoPhase, Shape::Fused, Shape::Pipelined] {
            let (runs, mid) = measure(&mut crawler, shape, options.repeat);
            let mut r = row(&runs, mid, options.delay_ms, false);
            judge(&mut r);
            emit(&r)?;
            rows.push(r);
        }
    }
    for queue in [options.queue, Cap::Unbounded] {
        let mut crawler = Crawler::start(Flavour::Threads, options.setup(fast_url, queue))?;
        let (runs, mid) = measure(&mut crawler, Shape::Pipelined, options.repeat);
        let r = row(&runs, mid, 0, true);
        emit(&r)?;
        rows.push(r);
    }
    Ok((rows, costs))
}

/// The table's header.
pub fn header() -> String {
    format!(
        "{:<10} {:<10} {:<15} {:>6} {:>9} {:>8} {:>9} {:>6} {:>6} {:>9}  answer\n",
        "shape",
        "flavour",
        "queue",
        "delay",
        "time",
        "speedup",
        "ideal",
        "eff",
        "peak q",
        "peak RSS"
    )
}

/// One row of the table.
pub fn line(row: &Row) -> String {
    let dash = || "-".to_string();
    format!(
        "{:<10} {:<10} {:<15} {:>6} {:>9} {:>8} {:>9} {:>6} {:>6} {:>9}  {}\n",
        row.shape.name(),
        match row.shape {
            Shape::InTurn => "one thread",
            _ => row.flavour.name(),
        },
        row.queue.map_or_else(dash, |q| q.to_string()),
        format!("{} ms", row.delay_ms),
        format::time(row.time_s),
        row.speedup.map_or_else(dash, format::speedup),
        row.ideal_s.map_or_else(dash, format::time),
        row.efficiency
            .map_or_else(dash, |e| format::efficiency(e, row.beats_ideal())),
        row.peak_depth.map_or_else(dash, |d| d.to_string()),
        row.peak_rss_bytes.map_or_else(dash, format::bytes),
        match (row.ok, row.answer) {
            (true, Some(a)) => format!("ok ({a})"),
            _ => format!("FAILED: {}", row.errors.join("; ")),
        }
    )
}

/// What the rows say, in sentences computed from them: pipelined against two-phase per
/// flavour, and the bounded queue against the unbounded one.
pub fn summary(rows: &[Row], costs: Option<&Costs>) -> Vec<String> {
    let time = |shape, flavour| {
        rows.iter()
            .find(|r| r.shape == shape && r.flavour == flavour && !r.fast_fetchers)
            .filter(|r| r.ok)
            .map(|r| r.time_s)
    };
    let mut said = Vec::new();
    if let Some(costs) = costs {
        let per_page = |c: &[f64]| format::time(median(c));
        said.push(format!(
            "in turn, a page took {} to fetch and {} to parse (median); all fetches took {} times as long as all parses",
            per_page(&costs.fetch_s),
            per_page(&costs.parse_s),
            format::sig3(costs.balance())
        ));
    }
    let ratios: Vec<String> = Flavour::ALL
        .iter()
        .filter_map(|&f| {
            let two = time(Shape::TwoPhase, f)?;
            let piped = time(Shape::Pipelined, f)?;
            Some(format!("{} {}", f.name(), format::ratio(two / piped)))
        })
        .collect();
    if !ratios.is_empty() {
        said.push(format!(
            "pipelined is faster than two-phase by: {}",
            ratios.join(", ")
        ));
    }
    let flagged: Vec<String> = rows
        .iter()
        .filter(|r| r.beats_ideal())
        .map(|r| format!("{} {}", r.shape.name(), r.flavour.name()))
        .collect();
    if !flagged.is_empty() {
        said.push(format!(
            "⚠ {} beat the ideal by more than {}: the baseline ran slower than they did              (a host busier during it?), so their ratios are suspect",
            flagged.join(", "),
            format::percent(NOISE)
        ));
    }
    let lesson: Vec<&Row> = rows.iter().filter(|r| r.fast_fetchers).collect();
    if let [bounded, unbounded] = lesson[..] {
        if let (Some(b), Some(u), Some(bd), Some(ud)) = (
            bounded.peak_rss_bytes,
            unbounded.peak_rss_bytes,
            bounded.peak_depth,
            unbounded.peak_depth,
        ) {
            said.push(format!(
                "fetchers faster than parsers: the {} peaked at {bd} pages and {}, the unbounded \
                 queue at {ud} pages and {}",
                bounded.queue.unwrap_or(Cap::Unbounded),
                format::bytes(b),
                format::bytes(u)
            ));
        }
    }
    said
}
