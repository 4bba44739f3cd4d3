//! Line charts for sweeps: speedup against W with the recorded ideal speedup as a dashed line,
//! and time (log–log, with the lowest recorded ideal dashed) or peak memory against N. One
//! line per model, in its declared colour.

use anyhow::Result;
use plotters::coord::combinators::{BindKeyPoints, IntoLogRange};
use plotters::prelude::*;

use super::{
    dashed, err, log_ticks, rgb, series_legend, thin, tick, Keyed, Svg, FONT, GRID, HALF_WIDTH,
    INK, WIDTH,
};
use crate::format::time_unit;
use crate::report::sections::{Block, Row};

/// One model's line: its name, colour and points.
type Line = (String, RGBColor, Vec<(f64, f64)>);

/// The (x, y) points of one model's rows, `y` read by `get`, in x order.
fn series(block: &Block, model: &str, get: impl Fn(&Row) -> Option<f64>) -> Vec<(f64, f64)> {
    let mut pts: Vec<(f64, f64)> = block
        .of_model(model)
        .into_iter()
        .filter_map(|r| Some((r.cell.id.varied.number(), get(r)?)))
        .collect();
    pts.sort_by(|a, b| a.0.total_cmp(&b.0));
    pts
}

/// Every model of `block` with its colour and points (models with no point are left out).
fn lines(block: &Block, get: impl Fn(&Row) -> Option<f64> + Copy) -> Vec<Line> {
    block
        .models()
        .into_iter()
        .filter_map(|m| {
            let color = block.of_model(&m.name).first().map(|r| rgb(r))?;
            let pts = series(block, &m.name, get);
            (!pts.is_empty()).then(|| (m.name.clone(), color, pts))
        })
        .collect()
}

fn x_values(block: &Block) -> Vec<f64> {
    block
        .values()
        .iter()
        .map(|v| v.number())
        .filter(|v| v.is_finite() && *v > 0.0)
        .collect()
}

/// Speedup against W per model, with the ideal speedup the cells recorded as a dashed line.
pub fn scaling(block: &Block) -> Result<Svg> {
    let height = 440;
    let values = x_values(block);
    let w_max = values.iter().copied().fold(1.0, f64::max);
    let ideal: Vec<(f64, f64)> = values
        .iter()
        .filter_map(|&w| {
            let i = block
                .rows
                .iter()
                .filter(|r| r.cell.id.varied.number() == w)
                .find_map(|r| r.cell.verdict.ideal_speedup)?;
            Some((w, i))
        })
        .collect();
    // The baseline is 1× by definition: it is the yardstick, not a line.
    let drawn = lines(block, |r| r.speedup().filter(|_| !r.is_baseline()));
    let y_max = drawn
        .iter()
        .flat_map(|(_, _, p)| p.iter().map(|p| p.1))
        .chain(ideal.iter().map(|p| p.1))
        .fold(1.0, f64::max)
        * 1.2;
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
                    keys: thin(&values, 12),
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
            .y_desc("speedup over in turn")
            .label_style((FONT, 16))
            .axis_desc_style((FONT, 15))
            .draw()
            .map_err(err)?;
        if !ideal.is_empty() {
            let mut ideal_line = dashed(&ideal, INK);
            if let [(w, y)] = ideal[..] {
                ideal_line.push(PathElement::new(
                    vec![(w - 0.3, y), (w + 0.3, y)],
                    INK.stroke_width(2),
                ));
            }
            chart
                .draw_series(ideal_line)
                .map_err(err)?
                .label("ideal (dashed)")
                .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 22, y)], INK.stroke_width(2)));
        }
        draw_lines(&mut chart, drawn, |p| p)?;
        series_legend(&mut chart, SeriesLabelPosition::LowerRight)?;
        root.present().map_err(err)?;
    }
    Ok(Svg {
        text: out,
        width: WIDTH,
        height,
    })
}

fn draw_lines<'a, X, Y>(
    chart: &mut ChartContext<'a, SVGBackend<'a>, Cartesian2d<X, Y>>,
    drawn: Vec<Line>,
    scale: impl Fn((f64, f64)) -> (f64, f64),
) -> Result<()>
where
    X: plotters::coord::ranged1d::Ranged<ValueType = f64>,
    Y: plotters::coord::ranged1d::Ranged<ValueType = f64>,
{
    for (name, color, pts) in drawn {
        let pts: Vec<(f64, f64)> = pts.into_iter().map(&scale).collect();
        chart
            .draw_series(LineSeries::new(pts.clone(), color.stroke_width(3)))
            .map_err(err)?
            .label(name)
            .legend(move |(x, y)| {
                PathElement::new(vec![(x, y), (x + 22, y)], color.stroke_width(3))
            });
        chart
            .draw_series(pts.iter().map(|&p| Circle::new(p, 5, color.filled())))
            .map_err(err)?;
    }
    Ok(())
}

/// What a size chart plots per cell.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Measure {
    /// Mean time per run, on a log axis.
    Time,
    /// Peak resident memory, in MiB.
    Memory,
}

/// Time or memory against N (log axis), one line per model.
pub fn sizes(block: &Block, measure: Measure) -> Result<Svg> {
    let height = 400;
    let values = x_values(block);
    let lo = values.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = values.iter().copied().fold(0.0, f64::max);
    let (lo, hi) = if lo.is_finite() && hi > 0.0 {
        (lo, hi)
    } else {
        (1.0, 10.0)
    };
    let get = move |r: &Row| -> Option<f64> {
        match measure {
            Measure::Time => r.mean(),
            Measure::Memory => r.cell.peak_rss_bytes.map(|b| b as f64 / (1024.0 * 1024.0)),
        }
    };
    let drawn = lines(block, get);
    // The lowest ideal recorded at each N, for the time chart.
    let ideal: Vec<(f64, f64)> = values
        .iter()
        .filter_map(|&n| {
            let best = block
                .rows
                .iter()
                .filter(|r| r.cell.id.varied.number() == n)
                .filter_map(|r| r.cell.ideal.map(|i| i.seconds))
                .fold(f64::INFINITY, f64::min);
            best.is_finite().then_some((n, best))
        })
        .filter(|_| measure == Measure::Time)
        .collect();
    let ys: Vec<f64> = drawn
        .iter()
        .flat_map(|(_, _, p)| p.iter().map(|p| p.1))
        .chain(ideal.iter().map(|p| p.1))
        .collect();
    let y_hi = ys.iter().copied().fold(0.0, f64::max);
    let y_lo = ys.iter().copied().fold(f64::INFINITY, f64::min);
    let (unit, factor) = time_unit(if y_hi > 0.0 { y_hi } else { 1.0 });
    let param = block.axis();
    let mut out = String::new();
    {
        let root = SVGBackend::with_string(&mut out, (HALF_WIDTH, height)).into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
        let x_range = (lo / 1.6..hi * 1.6)
            .log_scale()
            .with_key_points(thin(&values, 10));
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
                if ideal.len() > 1 {
                    let pts: Vec<(f64, f64)> =
                        ideal.iter().map(|&(x, y)| (x, y * factor)).collect();
                    chart
                        .draw_series(dashed(&pts, INK))
                        .map_err(err)?
                        .label("lowest ideal (dashed)")
                        .legend(|(x, y)| {
                            PathElement::new(vec![(x, y), (x + 22, y)], INK.stroke_width(2))
                        });
                }
                draw_lines(&mut chart, drawn, |(x, y)| (x, y * factor))?;
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
                draw_lines(&mut chart, drawn, |p| p)?;
                series_legend(&mut chart, SeriesLabelPosition::UpperLeft)?;
            }
        }
        root.present().map_err(err)?;
    }
    Ok(Svg {
        text: out,
        width: HALF_WIDTH,
        height,
    })
}
