//! The cost of contention: time per unit of work (one increment) against W, one line per
//! workload sharing its state a different way (a lock, an atomic, local sums). The lines are
//! workloads, not models, so they take the colours of a small fixed palette, in order.

use anyhow::Result;
use plotters::prelude::*;

use super::{err, series_legend, thin, Keyed, Svg, FONT, GRID, WIDTH};

/// Distinct, colour-blind-safe colours (Okabe–Ito) for up to six lines, then repeated.
const PALETTE: [RGBColor; 6] = [
    RGBColor(213, 94, 0),
    RGBColor(0, 114, 178),
    RGBColor(0, 158, 115),
    RGBColor(204, 121, 167),
    RGBColor(230, 159, 0),
    RGBColor(86, 180, 233),
];

/// One line: its name and its (W, nanoseconds per unit) points, in W order.
pub type PerUnit = (String, Vec<(f64, f64)>);

/// Nanoseconds per `unit` against W, one line per entry of `lines`, on a log y axis (a lock
/// under contention costs orders of magnitude more than a local sum).
pub fn contention(lines: &[PerUnit], unit: &str) -> Result<Svg> {
    let height = 420;
    let mut ws: Vec<f64> = lines
        .iter()
        .flat_map(|(_, p)| p.iter().map(|p| p.0))
        .collect();
    ws.sort_by(f64::total_cmp);
    ws.dedup();
    let w_max = ws.iter().copied().fold(1.0, f64::max);
    let ys = || lines.iter().flat_map(|(_, p)| p.iter().map(|p| p.1));
    let y_min = ys().fold(f64::INFINITY, f64::min).max(1e-3) / 2.0;
    let y_max = ys().fold(0.0, f64::max).max(y_min * 4.0) * 2.0;
    let mut out = String::new();
    {
        let root = SVGBackend::with_string(&mut out, (WIDTH, height)).into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
        let mut chart = ChartBuilder::on(&root)
            .margin(16)
            .x_label_area_size(52)
            .y_label_area_size(72)
            .build_cartesian_2d(
                Keyed {
                    range: 0.5..w_max + 0.5,
                    keys: thin(&ws, 12),
                },
                (y_min..y_max).log_scale(),
            )
            .map_err(err)?;
        chart
            .configure_mesh()
            .bold_line_style(GRID)
            .light_line_style(WHITE)
            .x_label_formatter(&|x| format!("{x:.0}"))
            .y_label_formatter(&|y| crate::format::time(y / 1e9))
            .x_desc("W: threads incrementing at once")
            .y_desc(format!("time per {unit}"))
            .label_style((FONT, 16))
            .axis_desc_style((FONT, 15))
            .draw()
            .map_err(err)?;
        for (i, (name, pts)) in lines.iter().enumerate() {
            let color = PALETTE[i % PALETTE.len()];
            chart
                .draw_series(LineSeries::new(pts.clone(), color.stroke_width(3)))
                .map_err(err)?
                .label(name.clone())
                .legend(move |(x, y)| {
                    PathElement::new(vec![(x, y), (x + 22, y)], color.stroke_width(3))
                });
            chart
                .draw_series(pts.iter().map(|&p| Circle::new(p, 5, color.filled())))
                .map_err(err)?;
        }
        series_legend(&mut chart, SeriesLabelPosition::UpperLeft)?;
        root.present().map_err(err)?;
    }
    Ok(Svg {
        text: out,
        width: WIDTH,
        height,
    })
}
