//! "Results as they arrive": for each recorded run, how many results had been delivered to the
//! consumer at each moment, as a step line against time since the run started. One line per
//! model and collect mode, in the model's colour: solid for results collected as they
//! complete, dashed for results collected in submission order, a dot where the first result
//! arrived. Runs without delivery times are left out.

use anyhow::Result;
use plotters::prelude::*;

use super::{err, rgb, series_legend, tick, Svg, FONT, GRID, WIDTH};
use crate::format::time_unit;
use crate::identity::Varied;
use crate::model::Collect;
use crate::report::sections::Row;

/// The times results were delivered, in order, for a run that recorded them all.
fn deliveries(r: &Row) -> Option<Vec<f64>> {
    let mut times: Vec<f64> = r
        .cell
        .timeline
        .iter()
        .map(|s| s.delivered_s.filter(|t| t.is_finite() && *t >= 0.0))
        .collect::<Option<_>>()?;
    times.sort_by(f64::total_cmp);
    (!times.is_empty()).then_some(times)
}

/// The step line of cumulative deliveries: flat until each delivery, then one up.
fn steps(times: &[f64], factor: f64) -> Vec<(f64, f64)> {
    let mut pts = vec![(0.0, 0.0)];
    for (k, &t) in times.iter().enumerate() {
        let x = t * factor;
        pts.push((x, k as f64));
        pts.push((x, k as f64 + 1.0));
    }
    pts
}

/// The collect mode a row ran under: its varied value, else what it recorded.
fn mode(r: &Row) -> Collect {
    match r.cell.id.varied {
        Varied::Collect(c) => c,
        _ => r.cell.collect,
    }
}

/// Results delivered over time for `rows` (each a model under one collect mode).
pub fn arrivals(rows: &[&Row]) -> Result<Svg> {
    let height = 440;
    let lines: Vec<(&Row, Vec<f64>)> = rows
        .iter()
        .filter_map(|r| Some((*r, deliveries(r)?)))
        .collect();
    let end = lines
        .iter()
        .filter_map(|(_, t)| t.last().copied())
        .fold(0.0, f64::max);
    let most = lines.iter().map(|(_, t)| t.len()).max().unwrap_or(1);
    let (unit, factor) = time_unit(if end > 0.0 { end } else { 1.0 });
    let x_max = if end > 0.0 { end * factor * 1.04 } else { 1.0 };
    let y_max = most as f64 * 1.08;
    let mut out = String::new();
    {
        let root = SVGBackend::with_string(&mut out, (WIDTH, height)).into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
        let mut chart = ChartBuilder::on(&root)
            .margin(16)
            .x_label_area_size(52)
            .y_label_area_size(64)
            .build_cartesian_2d(0.0..x_max, 0.0..y_max)
            .map_err(err)?;
        chart
            .configure_mesh()
            .bold_line_style(GRID)
            .light_line_style(WHITE)
            .x_labels(8)
            .y_labels(6)
            .x_label_formatter(&|x| tick(*x))
            .y_label_formatter(&|y| format!("{y:.0}"))
            .x_desc(format!("time since the run started ({unit})"))
            .y_desc("results delivered so far")
            .label_style((FONT, 16))
            .axis_desc_style((FONT, 15))
            .draw()
            .map_err(err)?;
        // In order first, so the as-completed line of the same model is drawn over it.
        let mut order: Vec<&(&Row, Vec<f64>)> = lines.iter().collect();
        order.sort_by_key(|(r, _)| mode(r) == Collect::AsCompleted);
        for (r, times) in order {
            let color = rgb(r);
            let pts = steps(times, factor);
            let label = format!("{} · {}", r.model.name, mode(r));
            let first = (times[0] * factor, 1.0);
            match mode(r) {
                Collect::AsCompleted => {
                    chart
                        .draw_series(LineSeries::new(pts, color.stroke_width(3)))
                        .map_err(err)?
                        .label(label)
                        .legend(move |(x, y)| {
                            PathElement::new(vec![(x, y), (x + 22, y)], color.stroke_width(3))
                        });
                    chart
                        .draw_series([Circle::new(first, 5, color.filled())])
                        .map_err(err)?;
                }
                Collect::Ordered => {
                    let style = color.stroke_width(3);
                    chart
                        .draw_series(DashedLineSeries::new(pts, 9, 6, style))
                        .map_err(err)?
                        .label(label)
                        .legend(move |at| {
                            EmptyElement::at(at)
                                + PathElement::new(vec![(0, 0), (8, 0)], color.stroke_width(3))
                                + PathElement::new(vec![(14, 0), (22, 0)], color.stroke_width(3))
                        });
                    chart
                        .draw_series([Circle::new(first, 5, WHITE.filled())])
                        .map_err(err)?;
                    chart
                        .draw_series([Circle::new(first, 5, color.stroke_width(2))])
                        .map_err(err)?;
                }
            }
        }
        // Results pile up late and to the right: the upper left stays clear.
        series_legend(&mut chart, SeriesLabelPosition::UpperLeft)?;
        root.present().map_err(err)?;
    }
    Ok(Svg {
        text: out,
        width: WIDTH,
        height,
    })
}
