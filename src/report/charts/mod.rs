//! The charts, drawn with plotters into SVG strings (no system fonts: text is left to the
//! browser): time per model as bars with 95% CI whiskers and the ideal ([`bars`]), speedup
//! against W and time and memory against N ([`lines`]), one run per model on its lanes
//! ([`timeline`]), requests' latency against the server's delay ([`latency`]), and results
//! delivered over time per model and collect mode ([`arrivals`]); time per unit of work against
//! W for the workloads that share state ([`contention`]); the crawl's shapes and its queue's
//! depth over a run ([`flow_bars`], [`depth`]). Each model
//! keeps the colour it declared in `results.json`. Charts read the rows of
//! [`sections`](super::sections) and nothing else of the report.

mod arrivals;
mod bars;
mod contention;
mod flow;
mod latency;
mod lines;
mod timeline;
mod units;

use std::ops::Range;

use anyhow::{anyhow, Result};
use plotters::coord::ranged1d::{DefaultFormatting, KeyPointHint, Ranged};
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::sections::Row;

pub use arrivals::arrivals;
pub use bars::bars;
pub use contention::{contention, PerUnit};
pub use flow::{depth, flow_bars, DepthLine, FlowBar};
pub use latency::latency;
pub use lines::{scaling, sizes, Measure};
pub use timeline::timeline;
pub use units::unit_memory;

/// An SVG chart and its size in pixels.
pub struct Svg {
    pub text: String,
    pub width: u32,
    pub height: u32,
}

const FONT: &str = "sans-serif";
const INK: RGBColor = RGBColor(34, 34, 34);
const GRID: RGBColor = RGBColor(225, 225, 225);
const FAIL: RGBColor = RGBColor(190, 30, 30);
const MUTED: RGBColor = RGBColor(110, 110, 110);
/// Full-width charts.
const WIDTH: u32 = 760;
/// Sweep charts come in pairs (time, memory) that sit side by side on a laptop.
const HALF_WIDTH: u32 = 540;

/// The colour a row is drawn in: its model's declared `#rrggbb` (checked by
/// [`sections::color`](super::sections::color)).
fn rgb(r: &Row) -> RGBColor {
    let hex = r.color();
    let byte = |i: usize| u8::from_str_radix(hex.get(i..i + 2).unwrap_or("88"), 16).unwrap_or(0x88);
    RGBColor(byte(1), byte(3), byte(5))
}

fn err(e: impl std::fmt::Display) -> anyhow::Error {
    anyhow!("drawing a chart: {e}")
}

fn text(size: u32, color: &'static RGBColor, h: HPos, v: VPos) -> TextStyle<'static> {
    TextStyle::from((FONT, size).into_font())
        .color(color)
        .pos(Pos::new(h, v))
}

/// Roughly how wide `s` is in pixels at `size` px (for room beside bars and for label areas).
fn text_px(s: &str, size: u32) -> u32 {
    (s.chars().count() as f64 * size as f64 * 0.56).ceil() as u32
}

/// A linear f64 axis whose ticks sit exactly at `keys` (plotters' `with_key_points` loses
/// the f64 label formatter): used for category rows and for integer W.
#[derive(Clone)]
struct Keyed {
    range: Range<f64>,
    keys: Vec<f64>,
}

impl Ranged for Keyed {
    type FormatOption = DefaultFormatting;
    type ValueType = f64;

    fn map(&self, value: &f64, limit: (i32, i32)) -> i32 {
        let span = self.range.end - self.range.start;
        let t = if span > 0.0 {
            (value - self.range.start) / span
        } else {
            0.0
        };
        limit.0 + (t * f64::from(limit.1 - limit.0)).round() as i32
    }

    fn key_points<Hint: KeyPointHint>(&self, _hint: Hint) -> Vec<f64> {
        self.keys.clone()
    }

    fn range(&self) -> Range<f64> {
        self.range.clone()
    }
}

impl Keyed {
    /// `n` category rows from 0 to `n`, a tick at the centre of each.
    fn rows(n: usize) -> Keyed {
        Keyed {
            range: 0f64..n as f64,
            keys: (0..n).map(|i| i as f64 + 0.5).collect(),
        }
    }
}

/// A chart of `n` labelled rows (top to bottom) against a linear x axis: bars and timelines.
type RowsChart<'a> = ChartContext<'a, SVGBackend<'a>, Cartesian2d<RangedCoordf64, Keyed>>;

/// The mesh of a rows chart: `labels` top to bottom, `x_labels` ticks, the x axis described.
/// The x axis of a rows chart whose longest value reaches `max` seconds: its unit, the factor
/// from seconds to it, and the axis end that leaves room right of the longest bar for a label
/// `widest_label_px` wide (at least 35% of the plot stays for the bars).
fn x_axis_with_room(max: f64, label_area: u32, widest_label_px: f64) -> (&'static str, f64, f64) {
    let (unit, factor) = crate::format::time_unit(if max > 0.0 { max } else { 1.0 });
    let plot_px = f64::from(WIDTH - label_area - 24);
    let room = (plot_px - widest_label_px).max(plot_px * 0.35) / plot_px;
    let x_max = if max > 0.0 { max * factor / room } else { 1.0 };
    (unit, factor, x_max)
}

/// A chart of `n` rows against time from 0 to `x_max`, below a key `margin_top` high: the
/// frame bars and latency charts share (then [`rows_mesh`] draws its axes).
fn rows_chart<'a>(
    root: &DrawingArea<SVGBackend<'a>, plotters::coord::Shift>,
    margin_top: u32,
    label_area: u32,
    x_max: f64,
    n: usize,
) -> Result<RowsChart<'a>> {
    ChartBuilder::on(root)
        .margin_top(margin_top)
        .margin_left(8)
        .margin_right(16)
        .margin_bottom(8)
        .x_label_area_size(52)
        .y_label_area_size(label_area)
        .build_cartesian_2d(0f64..x_max, Keyed::rows(n))
        .map_err(err)
}

fn rows_mesh(
    chart: &mut RowsChart<'_>,
    n: usize,
    labels: &[String],
    x_labels: usize,
    x_desc: String,
) -> Result<()> {
    chart
        .configure_mesh()
        .disable_y_mesh()
        .bold_line_style(GRID)
        .light_line_style(WHITE)
        .x_labels(x_labels)
        .y_label_formatter(&|y| {
            let i = n.saturating_sub(1 + y.floor() as usize);
            labels.get(i).cloned().unwrap_or_default()
        })
        .x_desc(x_desc)
        .label_style((FONT, 16))
        .axis_desc_style((FONT, 15))
        .draw()
        .map_err(err)
}

/// At most `max` of `values`, evenly picked, always keeping the first and last.
fn thin(values: &[f64], max: usize) -> Vec<f64> {
    if values.len() <= max {
        return values.to_vec();
    }
    let step = values.len().div_ceil(max);
    let mut keep: Vec<f64> = values.iter().copied().step_by(step).collect();
    if let Some(&last) = values.last() {
        if keep.last() != Some(&last) {
            keep.push(last);
        }
    }
    keep
}

/// Ticks for a log axis from `lo` to `hi`: 1, 2, 5 times powers of ten, at most eight.
fn log_ticks(lo: f64, hi: f64) -> Vec<f64> {
    let mut ticks = Vec::new();
    let mut decade = 10f64.powf(lo.max(1e-12).log10().floor());
    while decade <= hi {
        for m in [1.0, 2.0, 5.0] {
            let t = decade * m;
            if t >= lo && t <= hi {
                ticks.push(t);
            }
        }
        decade *= 10.0;
    }
    if ticks.len() > 8 {
        ticks.retain(|t| {
            let m = t / 10f64.powf(t.log10().floor());
            (m - 1.0).abs() < 1e-6
        });
    }
    ticks
}

/// An axis number without trailing zeros: `50`, `2.5`, `0.25`.
fn tick(v: f64) -> String {
    if (v - v.round()).abs() < 1e-9 {
        format!("{v:.0}")
    } else {
        let s = crate::format::sig3(v);
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

/// A polyline drawn as short dashes (plotters 0.3 has no dashed line style).
fn dashed(pts: &[(f64, f64)], color: RGBColor) -> Vec<PathElement<(f64, f64)>> {
    let mut out = Vec::new();
    for pair in pts.windows(2) {
        let ((x0, y0), (x1, y1)) = (pair[0], pair[1]);
        let steps = 8;
        for k in (0..steps).step_by(2) {
            let t0 = k as f64 / steps as f64;
            let t1 = (k + 1) as f64 / steps as f64;
            out.push(PathElement::new(
                vec![
                    (x0 + (x1 - x0) * t0, y0 + (y1 - y0) * t0),
                    (x0 + (x1 - x0) * t1, y0 + (y1 - y0) * t1),
                ],
                color.stroke_width(2),
            ));
        }
    }
    out
}

fn series_legend<'a, DB: DrawingBackend + 'a, X: Ranged, Y: Ranged>(
    chart: &mut ChartContext<'a, DB, Cartesian2d<X, Y>>,
    at: SeriesLabelPosition,
) -> Result<()> {
    chart
        .configure_series_labels()
        .position(at)
        .background_style(WHITE.mix(0.9))
        .border_style(GRID)
        .label_font((FONT, 15))
        .draw()
        .map_err(err)
}
