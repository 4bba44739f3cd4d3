//! "How work flows": the crawl's section, from `results.flows` alone. One block of the shapes
//! under each flavour (bars against the in-turn baseline and each ideal), one of the queue
//! (its depth over a run, bounded against unbounded, and what holding pages cost in memory),
//! and sentences computed from the cells: pipelined against two-phase per flavour, where a
//! queue filled, what the unbounded queue held. Rules read the typed [`FlowPoint`]s (shape,
//! flavour, queue), never a name.

use anyhow::Result;

use super::blocks::{figure, BlockView, Chart, SectionView};
use super::charts::{self, DepthLine, FlowBar};
use super::sections::ANOMALY_MARK;
use crate::format::{bytes, percent, ratio, speedup, time};
use crate::identity::FlowPoint;
use crate::pipeline::queue::Cap;
use crate::pipeline::record::FlowCell;
use crate::pipeline::{Flavour, Shape};

/// The colour of a cell's bar: its flavour's declared one; the in-turn baseline is grey.
fn color(point: &FlowPoint) -> String {
    match point.shape {
        Shape::InTurn => "#999999",
        _ => point.flavour.color(),
    }
    .to_string()
}

/// `pipelined · threads · queue of 2`, `in turn · one thread`.
fn label(p: &FlowPoint) -> String {
    let mut s = format!(
        "{} · {}",
        p.shape.name(),
        match p.shape {
            Shape::InTurn => "one thread",
            _ => p.flavour.name(),
        }
    );
    if let Some(q) = p.queue {
        s.push_str(&format!(" · {q}"));
    }
    s
}

fn bar(c: &FlowCell) -> FlowBar {
    let time = c
        .time
        .filter(|_| c.ok)
        .map(|t| (t.mean_s, t.low_s, t.high_s));
    let tag = match (time, c.speedup) {
        (None, _) => c
            .errors
            .first()
            .cloned()
            .unwrap_or_else(|| "not measured".into()),
        (Some((mean, ..)), None) => time_tag(mean),
        (Some((mean, ..)), Some(sp)) => {
            let mut s = format!("{} · {}", time_tag(mean), speedup(sp));
            if let (Some(ideal), Some(t)) = (c.ideal_s, c.time) {
                s.push_str(&format!(" (ideal {})", speedup(t.mean_s * sp / ideal)));
            }
            if c.anomaly {
                s.push_str(&format!(" {ANOMALY_MARK}"));
            }
            s
        }
    };
    FlowBar {
        label: label(&c.point),
        time,
        ideal: c.ideal_s,
        color: color(&c.point),
        tag,
    }
}

fn time_tag(mean: f64) -> String {
    time(mean)
}

/// The section, if the results hold crawl cells.
pub fn section(flows: &[FlowCell], charts: &mut Vec<Chart>) -> Result<Option<SectionView>> {
    let Some(base) = flows.iter().find(|c| c.point.shape == Shape::InTurn) else {
        return Ok(None);
    };
    let main: Vec<&FlowCell> = flows.iter().filter(|c| !c.point.fast_fetchers).collect();
    let lesson: Vec<&FlowCell> = flows.iter().filter(|c| c.point.fast_fetchers).collect();
    let mut blocks = Vec::new();
    let bars: Vec<FlowBar> = main.iter().map(|c| bar(c)).collect();
    let shapes = figure(
        charts,
        "crawl-shapes",
        charts::flow_bars(&bars)?,
        "crawl: mean time per run of each shape under each flavour, with the ideal".into(),
    );
    blocks.push(BlockView {
        id: "crawl-shapes".into(),
        heading: "Two-phase, fused, pipelined".into(),
        intro: format!(
            "{} pages of {} from the mock at {} ms a page, {} fetchers and {} parsers on {} \
             cores. Two-phase fetches every page, then parses them all; fused gives each of \
             {} workers a page to fetch and parse; pipelined joins the fetchers to the parsers \
             with a queue, both at work at once. Every run's counts ({}) are checked against \
             the generator's.",
            base.pages,
            bytes(base.page_bytes as u64),
            base.delay_ms,
            base.fetchers,
            base.parsers,
            base.cores,
            base.fetchers + base.parsers,
            base.expected
        ),
        figures: vec![shapes],
        notice: shape_notes(base, &main),
        table: None,
    });
    let mut lines = Vec::new();
    let mut cap = None;
    let traced = main
        .iter()
        .filter(|c| c.point.flavour == Flavour::Threads && !c.depth.is_empty())
        .chain(lesson.iter());
    for (c, palette) in traced.zip(["#e69f00", "#999999", "#009e73", "#d55e00"]) {
        if let Some(Cap::Bounded(n)) = c.point.queue {
            cap = Some(cap.map_or(n, |m: usize| m.max(n)));
        }
        let mut name = label(&c.point);
        if c.point.fast_fetchers {
            name.push_str(" · no delay");
        }
        lines.push(DepthLine {
            label: name,
            color: palette.to_string(),
            points: c.depth.iter().map(|d| (d.t_s, d.depth)).collect(),
        });
    }
    let depth = figure(
        charts,
        "crawl-queue",
        charts::depth(&lines, cap)?,
        "crawl: pages waiting between fetchers and parsers over one checked run".into(),
    );
    blocks.push(BlockView {
        id: "crawl-queue".into(),
        heading: "The queue between the stages".into(),
        intro: "Pages fetched and not yet parsed, after every push and pop of one checked run \
                (threads). Two-phase holds every page before the first parse. With no server \
                delay the fetchers outrun the parsers: a bounded queue makes them wait, an \
                unbounded one lets the pages pile up in memory."
            .into(),
        figures: vec![depth],
        notice: queue_notes(&main, &lesson),
        table: None,
    });
    Ok(Some(SectionView {
        id: "crawl".into(),
        title: "How work flows: crawl".into(),
        kind: "pipeline".into(),
        summary: "The tutorials' producer/consumer crawler (3 fetcher threads, a queue.Queue, 2 \
                  parser threads): stages joined by a queue instead of independent tasks added \
                  up at the end."
            .into(),
        blocks,
    }))
}

fn mean(c: &FlowCell) -> Option<f64> {
    c.time.filter(|_| c.ok).map(|t| t.mean_s)
}

fn shape_notes(base: &FlowCell, main: &[&FlowCell]) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(costs) = &base.costs {
        let med = |v: &[f64]| crate::pipeline::ideal::median(v);
        out.push(format!(
            "In turn a page took {} to fetch and {} to parse (the baseline's own run): all the \
             fetches took {} as long as all the parses.",
            time(med(&costs.fetch_s)),
            time(med(&costs.parse_s)),
            ratio(costs.balance())
        ));
    }
    let of = |shape: Shape, flavour: Flavour| {
        main.iter()
            .find(|c| c.point.shape == shape && c.point.flavour == flavour)
            .and_then(|c| mean(c))
    };
    let mut beat = Vec::new();
    let mut lost = Vec::new();
    for flavour in Flavour::ALL {
        let (Some(two), Some(piped)) =
            (of(Shape::TwoPhase, flavour), of(Shape::Pipelined, flavour))
        else {
            continue;
        };
        let said = format!("{} {}", flavour.name(), ratio(two / piped));
        match piped < two {
            true => beat.push(said),
            false => lost.push(said),
        }
    }
    if !beat.is_empty() {
        out.push(format!(
            "Pipelined beat two-phase (two-phase time over pipelined): {}. Parsing starts with \
             the first page instead of after the last, so the two stages overlap.",
            beat.join(", ")
        ));
    }
    if !lost.is_empty() {
        out.push(format!(
            "Pipelined did not beat two-phase under: {}.",
            lost.join(", ")
        ));
    }
    for c in main.iter().filter(|c| c.point.shape == Shape::Pipelined) {
        let (Some(Cap::Bounded(n)), false) = (c.point.queue, c.depth.is_empty()) else {
            continue;
        };
        let full = c.depth.iter().filter(|d| d.depth >= n).count();
        let empty = c.depth.iter().filter(|d| d.depth == 0).count();
        let share = |k: usize| percent(k as f64 / c.depth.len() as f64);
        out.push(format!(
            "Under {}, the queue of {n} was full after {} of its pushes and pops and empty \
             after {}: {}",
            c.point.flavour.name(),
            share(full),
            share(empty),
            if full > empty {
                "the parsers were the slower stage, so the fetchers waited on the queue."
            } else {
                "the fetchers were the slower stage, so the parsers waited for pages."
            }
        ));
    }
    let flagged: Vec<String> = main
        .iter()
        .filter(|c| c.anomaly)
        .map(|c| label(&c.point))
        .collect();
    if !flagged.is_empty() {
        out.push(format!(
            "{ANOMALY_MARK} {} beat the ideal beyond its interval: the baseline's costs were \
             not this run's (a host busier during the baseline?); read its ratio with care.",
            flagged.join(", ")
        ));
    }
    for c in main.iter().chain([&base]).filter(|c| !c.ok) {
        out.push(format!(
            "{} failed: {}",
            label(&c.point),
            c.errors.join("; ")
        ));
    }
    out
}

fn queue_notes(main: &[&FlowCell], lesson: &[&FlowCell]) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(two) = main
        .iter()
        .find(|c| c.point.shape == Shape::TwoPhase && c.point.flavour == Flavour::Threads)
    {
        if let (Some(d), Some(rss)) = (two.peak_depth, two.peak_rss_bytes) {
            out.push(format!(
                "Two-phase (threads) held {d} pages at once ({} of bodies) and peaked at {}.",
                bytes((d * two.page_bytes) as u64),
                bytes(rss)
            ));
        }
    }
    let bounded = lesson
        .iter()
        .find(|c| matches!(c.point.queue, Some(Cap::Bounded(_))));
    let unbounded = lesson
        .iter()
        .find(|c| c.point.queue == Some(Cap::Unbounded));
    if let (Some(b), Some(u)) = (bounded, unbounded) {
        if let (Some(bd), Some(ud), Some(br), Some(ur)) = (
            b.peak_depth,
            u.peak_depth,
            b.peak_rss_bytes,
            u.peak_rss_bytes,
        ) {
            let times = match (mean(b), mean(u)) {
                (Some(bt), Some(ut)) => format!(", and took {} as long", ratio(ut / bt)),
                _ => String::new(),
            };
            out.push(format!(
                "Fetchers faster than parsers (no server delay): the {} held at most {bd} pages \
                 and the run peaked at {}; the unbounded queue held {ud} pages ({} of bodies \
                 at {} a page) and peaked at {}: {} the memory{times}. A bound makes the fast \
                 stage wait instead of hoarding.",
                b.point.queue.unwrap_or(Cap::Unbounded),
                bytes(br),
                bytes((ud * u.page_bytes) as u64),
                bytes(u.page_bytes as u64),
                bytes(ur),
                ratio(ur as f64 / br.max(1) as f64)
            ));
        }
    }
    out
}
