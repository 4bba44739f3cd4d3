//! One band per recorded run: its tasks as bars on their lanes (threads, processes or async
//! tasks) over a shared time axis, in the model's colour. Neighbouring tasks alternate shades
//! so a staircase of short tasks stays readable; at most [`MAX_LANES`] lanes are drawn.

use anyhow::Result;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::{err, rgb, rows_mesh, text, text_px, Keyed, Svg, MUTED, WIDTH};
use crate::format::time_unit;
use crate::model::{Lane, Span};
use crate::report::sections::{Row, FAIL_MARK};
use crate::results::Status;

/// The most lanes a band draws; the rest are counted, not drawn.
pub const MAX_LANES: usize = 40;

/// `1 thread`, `2 threads`, `2 processes`.
fn plural(n: usize, word: &str) -> String {
    let suffix = match (n, word.ends_with('s')) {
        (1, _) => "",
        (_, true) => "es",
        _ => "s",
    };
    format!("{n} {word}{suffix}")
}

/// The timeline of `rows` (those without spans are skipped).
pub fn timeline(rows: &[&Row]) -> Result<Svg> {
    let rows: Vec<&&Row> = rows
        .iter()
        .filter(|r| !r.cell.timeline.is_empty())
        .collect();
    let n = rows.len().max(1);
    let band_px = 78u32;
    let height = 80 + band_px * n as u32;
    let end = rows
        .iter()
        .flat_map(|r| r.cell.timeline.iter().map(|s| s.end_s))
        .fold(0.0, f64::max);
    let (unit, factor) = time_unit(if end > 0.0 { end } else { 1.0 });
    let x_max = if end > 0.0 { end * factor * 1.02 } else { 1.0 };
    let labels: Vec<String> = rows
        .iter()
        .map(|r| {
            if r.status() == Status::Failed {
                format!("{} {FAIL_MARK}", r.label)
            } else {
                r.label.clone()
            }
        })
        .collect();
    let label_area = labels
        .iter()
        .map(|l| text_px(l, 16) + 24)
        .max()
        .unwrap_or(90)
        .clamp(90, 300);
    let mut out = String::new();
    {
        let root = SVGBackend::with_string(&mut out, (WIDTH, height)).into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
        let mut chart = ChartBuilder::on(&root)
            .margin(16)
            .x_label_area_size(52)
            .y_label_area_size(label_area)
            .build_cartesian_2d(0.0..x_max, Keyed::rows(n))
            .map_err(err)?;
        let x_desc = format!("time since the run started ({unit})");
        rows_mesh(&mut chart, n, &labels, 8, x_desc)?;
        let px_per_unit = (f64::from(WIDTH) - f64::from(label_area) - 40.0) / x_max;
        for (i, r) in rows.iter().enumerate() {
            let top = (n - i) as f64 - 0.3;
            let bottom = (n - 1 - i) as f64 + 0.16;
            let mut lanes: Vec<usize> = r.cell.timeline.iter().map(|s| s.lane).collect();
            lanes.sort_unstable();
            lanes.dedup();
            let shown = lanes.len().min(MAX_LANES);
            let lane_h = (top - bottom) / shown.max(1) as f64;
            let fill = if shown > 12 { 1.0 } else { 0.8 };
            let color = rgb(r);
            let light = color.mix(0.55);
            let mut order: Vec<&Span> = r.cell.timeline.iter().collect();
            order.sort_by(|a, b| a.lane.cmp(&b.lane).then(a.start_s.total_cmp(&b.start_s)));
            let mut bars = Vec::new();
            let mut previous_lane = usize::MAX;
            let mut nth = 0usize;
            for s in order {
                nth = if s.lane == previous_lane { nth + 1 } else { 0 };
                previous_lane = s.lane;
                let Ok(j) = lanes[..shown].binary_search(&s.lane) else {
                    continue;
                };
                let y1 = top - j as f64 * lane_h;
                let y0 = y1 - lane_h * fill;
                let x0 = s.start_s * factor;
                let x1 = (s.end_s * factor).max(x0 + 1.5 / px_per_unit);
                let style = if nth.is_multiple_of(2) {
                    color.filled()
                } else {
                    light.filled()
                };
                bars.push(Rectangle::new([(x0, y0), (x1, y1)], style));
            }
            chart.draw_series(bars).map_err(err)?;
            let what = match r.cell.lane {
                Lane::Thread => "thread",
                Lane::Process => "worker process",
                Lane::Task => "async task",
            };
            let tasks = r.cell.timeline.len();
            let mut note = if lanes.len() == tasks {
                format!("{}, one {what} each", plural(tasks, "task"))
            } else {
                format!("{} on {}", plural(tasks, "task"), plural(lanes.len(), what))
            };
            if lanes.len() > shown {
                note.push_str(&format!(" (first {shown} lanes drawn)"));
            }
            chart
                .plotting_area()
                .draw(&Text::new(
                    note,
                    (0.0, top + 0.04),
                    text(13, &MUTED, HPos::Left, VPos::Bottom),
                ))
                .map_err(err)?;
        }
        root.present().map_err(err)?;
    }
    Ok(Svg {
        text: out,
        width: WIDTH,
        height,
    })
}
