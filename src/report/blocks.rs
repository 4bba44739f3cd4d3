//! A workload's section as the page shows it: for each comparison a block with its heading,
//! its charts (bars for models, limits and the tutorial's settings, with IO latency where
//! requests ran among CPU tasks; speedup against W for scaling; time and memory against N side
//! by side for sizes; results delivered over time for collect modes), its "what to notice"
//! sentences and its table; then the timeline of one run per model. The charts are drawn here
//! and handed back to be written.

use anyhow::Result;
use serde::Serialize;

use crate::identity::Comparison;
use crate::workload::Kind;

use super::charts::{self, Measure, Svg};
use super::notice;
use super::sections::{Block, Row, Section};
use super::table::{table, TableView};

/// A drawn chart and the file it goes to (`chart-….svg`, next to the page).
pub struct Chart {
    pub file: String,
    pub svg: Svg,
}

#[derive(Serialize)]
pub struct SectionView {
    pub id: String,
    pub title: String,
    pub kind: String,
    pub summary: String,
    pub blocks: Vec<BlockView>,
}

#[derive(Serialize)]
pub struct BlockView {
    pub id: String,
    pub heading: String,
    pub intro: String,
    pub figures: Vec<Figure>,
    pub notice: Vec<String>,
    pub table: Option<TableView>,
}

#[derive(Serialize)]
pub struct Figure {
    pub src: String,
    pub alt: String,
    pub width: u32,
    pub height: u32,
}

/// Keep `svg` for writing as `chart-<name>.svg` and describe it for the page.
pub(super) fn figure(charts: &mut Vec<Chart>, name: &str, svg: Svg, alt: String) -> Figure {
    let file = format!("chart-{name}.svg");
    let f = Figure {
        src: file.clone(),
        alt,
        width: svg.width,
        height: svg.height,
    };
    charts.push(Chart { file, svg });
    f
}

/// A block's bars, then the timeline of the rows that kept one (a block drawing its own).
fn bars_and_timeline(
    charts: &mut Vec<Chart>,
    figures: &mut Vec<Figure>,
    name: &str,
    all: &[&Row],
    bars_alt: String,
    timeline_alt: String,
) -> Result<()> {
    figures.push(figure(charts, name, charts::bars(all)?, bars_alt));
    let drawn: Vec<&Row> = all
        .iter()
        .copied()
        .filter(|r| !r.cell.timeline.is_empty())
        .collect();
    if !drawn.is_empty() {
        let timeline = charts::timeline(&drawn)?;
        figures.push(figure(
            charts,
            &format!("{name}-timeline"),
            timeline,
            timeline_alt,
        ));
    }
    Ok(())
}

/// The view of one section; its charts are added to `charts`.
pub fn section_view(s: &Section, cores: usize, charts: &mut Vec<Chart>) -> Result<SectionView> {
    let mut blocks = Vec::new();
    for b in &s.blocks {
        blocks.push(block_view(s, b, cores, charts)?);
    }
    let rows = s.timeline_rows();
    if !rows.is_empty() {
        let id = format!("{}-timeline", s.id);
        let at = rows
            .iter()
            .filter(|r| r.cell.id.comparison == Comparison::Sizes)
            .map(|r| r.cell.id.varied.to_string())
            .next()
            .map(|v| format!(" (at {v}, the smallest size)"))
            .unwrap_or_default();
        let fig = figure(
            charts,
            &id,
            charts::timeline(&rows)?,
            format!(
                "{}: one run of each model, its tasks drawn on their lanes over time",
                s.workload
            ),
        );
        blocks.push(BlockView {
            id,
            heading: "What it looks like: one run of each model".into(),
            intro: format!(
                "Each bar is one task, from when it started to when it finished{at}; each row \
                 inside a band is a lane (a thread, a process or an async task). Neighbouring \
                 tasks alternate shades."
            ),
            figures: vec![fig],
            notice: rows.iter().map(|r| notice::timeline(r)).collect(),
            table: None,
        });
    }
    Ok(SectionView {
        id: s.id.clone(),
        title: s.workload.clone(),
        kind: match s.kind {
            Kind::Cpu => "CPU-bound".into(),
            Kind::Io => "IO-bound".into(),
            Kind::Mixed => "IO and CPU".into(),
            Kind::Wait => "waiting".into(),
        },
        summary: s.summary.clone(),
        blocks,
    })
}

fn block_view(s: &Section, b: &Block, cores: usize, charts: &mut Vec<Chart>) -> Result<BlockView> {
    let name = format!("{}{}", s.id, b.comparison.suffix());
    let id = match b.comparison {
        Comparison::Models => format!("{}-models", s.id),
        _ => name.clone(),
    };
    let values: Vec<String> = b.values().iter().map(|v| v.number().to_string()).collect();
    let tasks = b.rows.first().map_or(0, |r| r.cell.tasks);
    let all: Vec<&Row> = b.rows.iter().collect();
    let mut figures = Vec::new();
    let (heading, intro) = match b.comparison {
        Comparison::Models => {
            figures.push(figure(
                charts,
                &name,
                charts::bars(&all)?,
                format!(
                    "{}: mean time per model with 95% confidence intervals and the ideal",
                    s.workload
                ),
            ));
            let mut intro = format!(
                "Every model ran the same {tasks} tasks. Each bar is criterion's mean time per \
                 run with its 95% confidence interval; the thick tick is the ideal, the best \
                 time {}.",
                match s.kind {
                    Kind::Cpu => "the machine's cores allow for this work",
                    Kind::Io => "the server allows",
                    Kind::Mixed => "the server's delays and the machine's cores allow together",
                    Kind::Wait => {
                        "the tasks' own waits allow, handed out first come, first served, to \
                         the lanes each model keeps in flight"
                    }
                }
            );
            if all.iter().any(|r| r.cell.io_latency.is_some()) {
                figures.push(figure(
                    charts,
                    &format!("{name}-latency"),
                    charts::latency(&all)?,
                    format!(
                        "{}: IO latency per model, p50, p95 and max, against the server's delay",
                        s.workload
                    ),
                ));
                intro.push_str(
                    " Below it, each request's latency (from its task's start to its reply \
                     read) per model: what CPU work running beside the requests did to them.",
                );
            }
            ("Time per model".to_string(), intro)
        }
        Comparison::Tutorial => {
            bars_and_timeline(
                charts,
                &mut figures,
                &name,
                &all,
                format!(
                    "{}: the tutorial's settings, mean time per run against in turn",
                    s.workload
                ),
                format!(
                    "{}: one run with the tutorial's settings, tasks on their lanes",
                    s.workload
                ),
            )?;
            (
                "As the tutorial ran it".to_string(),
                format!(
                    "The same {tasks} tasks with the settings the tutorial used for them (its \
                     pool's size, its batches), so our speedup over running in turn can be set \
                     beside the figures it printed."
                ),
            )
        }
        Comparison::Scaling => {
            figures.push(figure(
                charts,
                &name,
                charts::scaling(b)?,
                format!("{}: speedup against the number of workers W", s.workload),
            ));
            (
                "Scaling: speedup as workers are added".to_string(),
                format!(
                    "The same {tasks} tasks with W = {} workers on a machine with {cores} \
                     cores; the dashed line is the ideal speedup the cells recorded.",
                    values.join(", ")
                ),
            )
        }
        Comparison::Limits => {
            bars_and_timeline(
                charts,
                &mut figures,
                &name,
                &all,
                format!(
                    "{}: a sliding window against batches, mean time per run",
                    s.workload
                ),
                format!(
                    "{}: one run of each limit, tasks on their lanes over time",
                    s.workload
                ),
            )?;
            (
                "Limits: a sliding window against batches".to_string(),
                format!(
                    "The same {tasks} requests with a limit on how many are in flight: a \
                     sliding window starts a new request as soon as one finishes; batches wait \
                     for the whole batch before starting the next."
                ),
            )
        }
        Comparison::Collect => {
            figures.push(figure(
                charts,
                &name,
                charts::arrivals(&all)?,
                format!(
                    "{}: results delivered so far against time, per model, collected in order \
                     (dashed) and as completed (solid)",
                    s.workload
                ),
            ));
            (
                "Results as they arrive".to_string(),
                format!(
                    "The same {tasks} tasks, each result handed to the consumer the moment its \
                     task finished, collected two ways: in submission order (like \
                     executor.map: a finished result waits behind an earlier one still \
                     running) and as completed (like as_completed). Each line counts the \
                     results delivered so far in one checked run; solid lines collect as \
                     completed, dashed lines in order, and the dot is the first result. Where \
                     a dashed line stays flat while its solid twin climbs, finished results \
                     are waiting."
                ),
            )
        }
        // Never a block of a workload's section: the Python side has its own.
        Comparison::Python => (
            "Python beside Rust".to_string(),
            "See the Python side's section.".to_string(),
        ),
        Comparison::Sizes => {
            figures.push(figure(
                charts,
                &format!("{name}-time"),
                charts::sizes(b, Measure::Time)?,
                format!(
                    "{}: time per run against {} for each model",
                    s.workload,
                    b.axis()
                ),
            ));
            if b.rows.iter().any(|r| r.cell.peak_rss_bytes.is_some()) {
                figures.push(figure(
                    charts,
                    &format!("{name}-memory"),
                    charts::sizes(b, Measure::Memory)?,
                    format!(
                        "{}: peak memory against {} for each model",
                        s.workload,
                        b.axis()
                    ),
                ));
            }
            (
                format!("Time and memory as {} grows", b.axis()),
                format!(
                    "The same models at {} = {}: time per run (left) and peak memory (right).",
                    b.axis(),
                    values.join(", ")
                ),
            )
        }
    };
    Ok(BlockView {
        id,
        heading,
        intro,
        figures,
        notice: notice::block(b, s.kind, cores),
        table: Some(table(b)),
    })
}
