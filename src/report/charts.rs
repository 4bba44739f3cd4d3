//! The charts, drawn with plotters into SVG strings (no system fonts: text is left to the
//! browser): time per model as bars with 95% CI whiskers and the ideal, speedup against W,
//! time and memory against N, and timelines of one run per model. One colour per model.

use anyhow::{anyhow, Result};
use std::ops::Range;

use plotters::coord::combinators::{BindKeyPoints, IntoLogRange};
use plotters::coord::ranged1d::{DefaultFormatting, KeyPointHint, Ranged};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::analysis::{model_rank, num, Group, Row, Status, BASELINE};
use crate::format::{speedup, time, time_unit};

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
const WIDTH: u32 = 760;
/// Sweep charts come in pairs (time, memory) that sit side by side on a laptop.
const SWEEP_WIDTH: u32 = 540;

/// Colour-blind-safe (Okabe–Ito) colours in model registry order; unknown models get the rest.
const PALETTE: [RGBColor; 10] = [
    RGBColor(102, 102, 102), // sequential: neutral grey, the baseline
    RGBColor(230, 159, 0),   // threads
    RGBColor(0, 114, 178),   // pool
    RGBColor(204, 121, 167), // process
    RGBColor(0, 158, 115),   // async
    RGBColor(86, 180, 233),  // async-mt
    RGBColor(213, 94, 0),    // async-blocking
    RGBColor(240, 228, 66),
    RGBColor(140, 86, 75),
    RGBColor(23, 190, 207),
];

/// The colour of `model`, the same in every chart and on the page.
pub fn model_color(model: &str) -> RGBColor {
    let rank = model_rank(model);
    if rank < PALETTE.len() {
        return PALETTE[rank];
    }
    let hash = model
        .bytes()
        .fold(7usize, |h, b| h.wrapping_mul(31).wrapping_add(b as usize));
    PALETTE[7 + hash % 3]
}

/// `#rrggbb` for CSS.
pub fn css_color(model: &str) -> String {
    let RGBColor(r, g, b) = model_color(model);
    format!("#{r:02x}{g:02x}{b:02x}")
}

fn err(e: impl std::fmt::Display) -> anyhow::Error {
    anyhow!("drawing a chart: {e}")
}

fn text(size: u32, color: &'static RGBColor, h: HPos, v: VPos) -> TextStyle<'static> {
    TextStyle::from((FONT, size).into_font())
        .color(color)
        .pos(Pos::new(h, v))
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

/// Time per cell as horizontal bars: CI whiskers, the ideal as a dark tick, and the time and
/// speedup printed beside each bar; failed or unmeasured cells get a marker instead of a bar.
pub fn bars(group: &Group) -> Result<Svg> {
    let rows = &group.rows;
    let n = rows.len().max(1);
    let height = 96 + 46 * n as u32;
    let label = |r: &Row| {
        if group.sweep {
            format!("{} {}={}", r.cell.model, group.param, r.cell.value)
        } else {
            r.label.clone()
        }
    };
    let max = rows
        .iter()
        .flat_map(|r| {
            [
                r.mean().and(r.cell.ci_high_s.or(r.cell.mean_s)),
                r.cell.ideal_s,
            ]
        })
        .flatten()
        .fold(0.0, f64::max);
    let (unit, factor) = time_unit(if max > 0.0 { max } else { 1.0 });
    let x_max = if max > 0.0 { max * factor * 1.45 } else { 1.0 };
    let label_width = rows.iter().map(|r| label(r).len()).max().unwrap_or(8) as u32 * 9 + 24;
    let mut out = String::new();
    {
        let root = SVGBackend::with_string(&mut out, (WIDTH, height)).into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
        legend_strip(&root)?;
        let centers: Vec<f64> = (0..n).map(|i| i as f64 + 0.5).collect();
        let labels: Vec<String> = rows.iter().map(label).collect();
        let mut chart = ChartBuilder::on(&root)
            .margin_top(44)
            .margin_left(8)
            .margin_right(16)
            .margin_bottom(8)
            .x_label_area_size(52)
            .y_label_area_size(label_width.clamp(90, 260))
            .build_cartesian_2d(
                0f64..x_max,
                Keyed {
                    range: 0f64..n as f64,
                    keys: centers,
                },
            )
            .map_err(err)?;
        chart
            .configure_mesh()
            .disable_y_mesh()
            .bold_line_style(GRID)
            .light_line_style(WHITE)
            .x_labels(6)
            .y_label_formatter(&|y| {
                let i = n.saturating_sub(1 + y.floor() as usize);
                labels.get(i).cloned().unwrap_or_default()
            })
            .x_desc(format!("mean time per run ({unit})"))
            .label_style((FONT, 16))
            .axis_desc_style((FONT, 15))
            .draw()
            .map_err(err)?;
        let pad = x_max * 0.012;
        for (i, r) in rows.iter().enumerate() {
            let y0 = (n - 1 - i) as f64;
            let yc = y0 + 0.5;
            let color = model_color(&r.cell.model);
            if let Some(mean) = r.mean() {
                let (m, lo, hi) = (
                    mean * factor,
                    r.cell.ci_low_s.unwrap_or(mean) * factor,
                    r.cell.ci_high_s.unwrap_or(mean) * factor,
                );
                let plot = |e| chart.plotting_area().draw(&e).map_err(err);
                plot(Rectangle::new(
                    [(0.0, y0 + 0.22), (m, y0 + 0.78)],
                    color.filled(),
                ))?;
                let whisker = INK.stroke_width(2);
                chart
                    .plotting_area()
                    .draw(&PathElement::new(vec![(lo, yc), (hi, yc)], whisker))
                    .map_err(err)?;
                for x in [lo, hi] {
                    chart
                        .plotting_area()
                        .draw(&PathElement::new(
                            vec![(x, yc - 0.16), (x, yc + 0.16)],
                            whisker,
                        ))
                        .map_err(err)?;
                }
                let mut right = hi.max(m);
                if let Some(ideal) = r.cell.ideal_s {
                    let x = ideal * factor;
                    chart
                        .plotting_area()
                        .draw(&PathElement::new(
                            vec![(x, y0 + 0.06), (x, y0 + 0.94)],
                            INK.stroke_width(4),
                        ))
                        .map_err(err)?;
                    right = right.max(x);
                }
                let tag = match (r.cell.model.as_str(), r.speedup) {
                    (BASELINE, _) => "baseline".to_string(),
                    (_, Some(s)) => speedup(s),
                    (_, None) => "-".to_string(),
                };
                chart
                    .plotting_area()
                    .draw(&Text::new(
                        format!("{} · {tag}", time(mean)),
                        (right + pad, yc),
                        text(15, &INK, HPos::Left, VPos::Center),
                    ))
                    .map_err(err)?;
            } else {
                let (what, color) = gap_label(r);
                chart
                    .plotting_area()
                    .draw(&Text::new(
                        what,
                        (pad, yc),
                        text(15, color, HPos::Left, VPos::Center),
                    ))
                    .map_err(err)?;
            }
        }
        root.present().map_err(err)?;
    }
    Ok(Svg {
        text: out,
        width: WIDTH,
        height,
    })
}

/// What a cell without a bar says instead, and in which colour.
pub fn gap_label(r: &Row) -> (String, &'static RGBColor) {
    match r.status() {
        Status::Failed => (format!("{} — no time shown", super::FAIL_MARK), &FAIL),
        _ => (format!("{} — not measured", super::GAP_MARK), &MUTED),
    }
}

/// The key above the bars: bar = mean, whisker = 95% CI, thick tick = ideal.
fn legend_strip(root: &DrawingArea<SVGBackend, plotters::coord::Shift>) -> Result<()> {
    let y = 20;
    let style = text(14, &INK, HPos::Left, VPos::Center);
    let mut x = 12;
    root.draw(&Rectangle::new(
        [(x, y - 7), (x + 22, y + 7)],
        RGBColor(160, 160, 160).filled(),
    ))
    .map_err(err)?;
    root.draw(&Text::new(
        "mean (model colour)",
        (x + 28, y),
        style.clone(),
    ))
    .map_err(err)?;
    x += 200;
    root.draw(&PathElement::new(
        vec![(x, y), (x + 24, y)],
        INK.stroke_width(2),
    ))
    .map_err(err)?;
    for px in [x, x + 24] {
        root.draw(&PathElement::new(
            vec![(px, y - 6), (px, y + 6)],
            INK.stroke_width(2),
        ))
        .map_err(err)?;
    }
    root.draw(&Text::new("95% CI", (x + 32, y), style.clone()))
        .map_err(err)?;
    x += 110;
    root.draw(&PathElement::new(
        vec![(x + 4, y - 9), (x + 4, y + 9)],
        INK.stroke_width(4),
    ))
    .map_err(err)?;
    root.draw(&Text::new("ideal", (x + 14, y), style.clone()))
        .map_err(err)?;
    x += 74;
    root.draw(&Text::new(
        "label: time · speedup over sequential",
        (x, y),
        text(14, &MUTED, HPos::Left, VPos::Center),
    ))
    .map_err(err)?;
    Ok(())
}

fn points<'a>(group: &'a Group, model: &str) -> Vec<&'a Row<'a>> {
    group
        .rows
        .iter()
        .filter(|r| r.cell.model == model && num(&r.cell.value).is_finite())
        .collect()
}

/// Speedup against W per model, with the ideal as a dashed black line: the cell's own ideal
/// where recorded, else min(W, cores).
pub fn scaling(group: &Group, cores: usize) -> Result<Svg> {
    let height = 440;
    let values: Vec<f64> = group
        .values()
        .iter()
        .map(|v| num(v))
        .filter(|v| v.is_finite())
        .collect();
    let w_max = values.iter().copied().fold(1.0, f64::max);
    let ideal: Vec<(f64, f64)> = values
        .iter()
        .map(|&w| {
            let recorded = group.rows.iter().find_map(|r| {
                (num(&r.cell.value) == w)
                    .then(|| Some(r.baseline?.mean_s? / r.cell.ideal_s?))
                    .flatten()
            });
            (w, recorded.unwrap_or(w.min(cores as f64)))
        })
        .collect();
    let y_max = group
        .rows
        .iter()
        .filter_map(|r| r.speedup)
        .chain(ideal.iter().map(|p| p.1))
        .fold(1.0, f64::max)
        * 1.2;
    let keys: Vec<f64> = thin(&values, 12);
    let mut out = String::new();
    {
        let root = SVGBackend::with_string(&mut out, (WIDTH, height)).into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
        let mut chart = ChartBuilder::on(&root)
            .margin(16)
            .x_label_area_size(52)
            .y_label_area_size(64)
            .build_cartesian_2d(
                Keyed {
                    range: 0.5..w_max + 0.5,
                    keys,
                },
                0.0..y_max,
            )
            .map_err(err)?;
        chart
            .configure_mesh()
            .bold_line_style(GRID)
            .light_line_style(WHITE)
            .x_label_formatter(&|x| format!("{x:.0}"))
            .y_label_formatter(&|y| format!("{y:.1}×"))
            .x_desc("W: workers")
            .y_desc("speedup over sequential")
            .label_style((FONT, 16))
            .axis_desc_style((FONT, 15))
            .draw()
            .map_err(err)?;
        chart
            .draw_series(dashed(&ideal))
            .map_err(err)?
            .label("ideal (dashed)")
            .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 22, y)], INK.stroke_width(2)));
        for model in group.models() {
            let color = model_color(&model);
            let pts: Vec<(f64, f64)> = points(group, &model)
                .iter()
                .filter_map(|r| Some((num(&r.cell.value), r.speedup?)))
                .collect();
            if pts.is_empty() {
                continue;
            }
            chart
                .draw_series(LineSeries::new(pts.clone(), color.stroke_width(3)))
                .map_err(err)?
                .label(model.clone())
                .legend(move |(x, y)| {
                    PathElement::new(vec![(x, y), (x + 22, y)], color.stroke_width(3))
                });
            chart
                .draw_series(pts.iter().map(|&p| Circle::new(p, 5, color.filled())))
                .map_err(err)?;
        }
        series_legend(&mut chart, SeriesLabelPosition::LowerRight)?;
        root.present().map_err(err)?;
    }
    Ok(Svg {
        text: out,
        width: WIDTH,
        height,
    })
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

/// A polyline drawn as short dashes (plotters 0.3 has no dashed line style).
fn dashed(pts: &[(f64, f64)]) -> Vec<PathElement<(f64, f64)>> {
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
                INK.stroke_width(2),
            ));
        }
    }
    if pts.len() == 1 {
        let (x, y) = pts[0];
        out.push(PathElement::new(
            vec![(x - 0.3, y), (x + 0.3, y)],
            INK.stroke_width(2),
        ));
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

/// What a sweep chart plots per cell.
#[derive(Clone, Copy)]
pub enum Measure {
    /// Mean time per run, on a log axis.
    Time,
    /// Peak resident memory, in MiB.
    Memory,
}

/// Time or memory against N (log axis), one line per model.
pub fn sweep(group: &Group, measure: Measure) -> Result<Svg> {
    let height = 400;
    let values: Vec<f64> = group
        .values()
        .iter()
        .map(|v| num(v))
        .filter(|v| v.is_finite() && *v > 0.0)
        .collect();
    let lo = values.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = values.iter().copied().fold(0.0, f64::max);
    let (lo, hi) = if lo.is_finite() && hi > 0.0 {
        (lo, hi)
    } else {
        (1.0, 10.0)
    };
    let get = |r: &Row| -> Option<f64> {
        match measure {
            Measure::Time => r.mean(),
            Measure::Memory => r.cell.peak_rss_bytes.map(|b| b as f64 / (1024.0 * 1024.0)),
        }
    };
    let ys: Vec<f64> = group.rows.iter().filter_map(get).collect();
    let y_hi = ys.iter().copied().fold(0.0, f64::max);
    let y_lo = ys.iter().copied().fold(f64::INFINITY, f64::min);
    let (unit, factor) = time_unit(if y_hi > 0.0 { y_hi } else { 1.0 });
    let mut out = String::new();
    {
        let root = SVGBackend::with_string(&mut out, (SWEEP_WIDTH, height)).into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
        let x_range = (lo / 1.6..hi * 1.6)
            .log_scale()
            .with_key_points(thin(&values, 10));
        let param = group.param;
        let series = |model: &str| -> Vec<(f64, f64)> {
            points(group, model)
                .iter()
                .filter_map(|r| Some((num(&r.cell.value), get(r)?)))
                .collect()
        };
        match measure {
            Measure::Time => {
                let (a, b) = if y_lo.is_finite() && y_hi > 0.0 {
                    (y_lo * factor / 1.5, y_hi * factor * 1.5)
                } else {
                    (0.1, 10.0)
                };
                let y_keys = log_ticks(a, b);
                let mut chart = ChartBuilder::on(&root)
                    .margin(16)
                    .x_label_area_size(52)
                    .y_label_area_size(76)
                    .build_cartesian_2d(x_range, (a..b).log_scale().with_key_points(y_keys))
                    .map_err(err)?;
                chart
                    .configure_mesh()
                    .bold_line_style(GRID)
                    .light_line_style(WHITE)
                    .x_label_formatter(&|x| format!("{x:.0}"))
                    .y_label_formatter(&|y| tick(*y))
                    .x_desc(format!("{param} (log scale)"))
                    .y_desc(format!("mean time per run ({unit}, log scale)"))
                    .label_style((FONT, 16))
                    .axis_desc_style((FONT, 15))
                    .draw()
                    .map_err(err)?;
                for model in group.models() {
                    let color = model_color(&model);
                    let pts: Vec<(f64, f64)> = series(&model)
                        .into_iter()
                        .map(|(x, y)| (x, y * factor))
                        .collect();
                    if pts.is_empty() {
                        continue;
                    }
                    chart
                        .draw_series(LineSeries::new(pts.clone(), color.stroke_width(3)))
                        .map_err(err)?
                        .label(model.clone())
                        .legend(move |(x, y)| {
                            PathElement::new(vec![(x, y), (x + 22, y)], color.stroke_width(3))
                        });
                    chart
                        .draw_series(pts.iter().map(|&p| Circle::new(p, 5, color.filled())))
                        .map_err(err)?;
                }
                series_legend(&mut chart, SeriesLabelPosition::UpperLeft)?;
            }
            Measure::Memory => {
                let top = if y_hi > 0.0 { y_hi * 1.25 } else { 1.0 };
                let mut chart = ChartBuilder::on(&root)
                    .margin(16)
                    .x_label_area_size(52)
                    .y_label_area_size(76)
                    .build_cartesian_2d(x_range, 0.0..top)
                    .map_err(err)?;
                chart
                    .configure_mesh()
                    .bold_line_style(GRID)
                    .light_line_style(WHITE)
                    .x_label_formatter(&|x| format!("{x:.0}"))
                    .y_label_formatter(&|y| tick(*y))
                    .x_desc(format!("{param} (log scale)"))
                    .y_desc("peak resident memory (MiB)")
                    .label_style((FONT, 16))
                    .axis_desc_style((FONT, 15))
                    .draw()
                    .map_err(err)?;
                for model in group.models() {
                    let color = model_color(&model);
                    let pts = series(&model);
                    if pts.is_empty() {
                        continue;
                    }
                    chart
                        .draw_series(LineSeries::new(pts.clone(), color.stroke_width(3)))
                        .map_err(err)?
                        .label(model.clone())
                        .legend(move |(x, y)| {
                            PathElement::new(vec![(x, y), (x + 22, y)], color.stroke_width(3))
                        });
                    chart
                        .draw_series(pts.iter().map(|&p| Circle::new(p, 5, color.filled())))
                        .map_err(err)?;
                }
                series_legend(&mut chart, SeriesLabelPosition::UpperLeft)?;
            }
        }
        root.present().map_err(err)?;
    }
    Ok(Svg {
        text: out,
        width: SWEEP_WIDTH,
        height,
    })
}

/// The most lanes a timeline band draws; the rest are counted, not drawn.
pub const MAX_LANES: usize = 40;

/// One band per cell: its tasks as bars on their lanes over time, on a shared time axis, each
/// band named by its row's label (with the value where the model ran at several values).
/// Neighbouring tasks alternate shades so a staircase of short tasks stays readable.
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
                format!("{} {}", r.label, super::FAIL_MARK)
            } else {
                r.label.clone()
            }
        })
        .collect();
    let label_width = labels.iter().map(|l| l.len()).max().unwrap_or(8) as u32 * 9 + 24;
    let mut out = String::new();
    {
        let root = SVGBackend::with_string(&mut out, (WIDTH, height)).into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
        let centers: Vec<f64> = (0..n).map(|i| i as f64 + 0.5).collect();
        let mut chart = ChartBuilder::on(&root)
            .margin(16)
            .x_label_area_size(52)
            .y_label_area_size(label_width.clamp(90, 260))
            .build_cartesian_2d(
                0.0..x_max,
                Keyed {
                    range: 0f64..n as f64,
                    keys: centers,
                },
            )
            .map_err(err)?;
        chart
            .configure_mesh()
            .disable_y_mesh()
            .bold_line_style(GRID)
            .light_line_style(WHITE)
            .x_labels(8)
            .y_label_formatter(&|y| {
                let i = n.saturating_sub(1 + y.floor() as usize);
                labels.get(i).cloned().unwrap_or_default()
            })
            .x_desc(format!("time since the run started ({unit})"))
            .label_style((FONT, 16))
            .axis_desc_style((FONT, 15))
            .draw()
            .map_err(err)?;
        let px_per_unit = (WIDTH as f64 - label_width as f64 - 40.0) / x_max;
        for (i, r) in rows.iter().enumerate() {
            let top = (n - i) as f64 - 0.3;
            let bottom = (n - 1 - i) as f64 + 0.16;
            let mut lanes: Vec<usize> = r.cell.timeline.iter().map(|s| s.lane).collect();
            lanes.sort_unstable();
            lanes.dedup();
            let shown = lanes.len().min(MAX_LANES);
            let lane_h = (top - bottom) / shown.max(1) as f64;
            let fill = if shown > 12 { 1.0 } else { 0.8 };
            let color = model_color(&r.cell.model);
            let light = color.mix(0.55);
            let mut order: Vec<&crate::model::Span> = r.cell.timeline.iter().collect();
            order.sort_by(|a, b| {
                (a.lane, a.start_s)
                    .partial_cmp(&(b.lane, b.start_s))
                    .unwrap_or(std::cmp::Ordering::Equal)
            });
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
                crate::model::Lane::Thread => "thread",
                crate::model::Lane::Process => "process",
                crate::model::Lane::Task => "async task",
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

/// `1 thread`, `2 threads`, `2 processes`.
pub fn plural(n: usize, word: &str) -> String {
    let suffix = match (n, word.ends_with('s')) {
        (1, _) => "",
        (_, true) => "es",
        _ => "s",
    };
    format!("{n} {word}{suffix}")
}

/// Models in display order (for legends built outside plotters).
pub fn ordered_models<'a>(names: impl Iterator<Item = &'a str>) -> Vec<String> {
    let mut v: Vec<String> = names.map(str::to_string).collect();
    v.sort_by_key(|m| (model_rank(m), m.clone()));
    v.dedup();
    v
}
