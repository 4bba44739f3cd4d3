//! Peak memory against N for each model the `sleepers` climb ran (log N), its measured points
//! joined, and the least-squares line whose slope is the bytes per unit, dashed.

use anyhow::Result;
use plotters::coord::combinators::{BindKeyPoints, IntoLogRange};
use plotters::prelude::*;

use super::{dashed, err, series_legend, thin, tick, Svg, FONT, GRID, HALF_WIDTH};
use crate::unit::record::UnitMemory;

const MIB: f64 = 1024.0 * 1024.0;

/// One line per climb, in the colour `color` gives its model (`#rrggbb`).
pub fn unit_memory(climbs: &[UnitMemory], color: impl Fn(&str) -> String) -> Result<Svg> {
    let height = 400;
    let xs: Vec<f64> = climbs
        .iter()
        .flat_map(|c| c.points.iter().map(|p| p.0 as f64))
        .filter(|x| *x > 0.0)
        .collect();
    let lo = xs.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = xs.iter().copied().fold(0.0, f64::max);
    let (lo, hi) = if lo.is_finite() && hi > 0.0 {
        (lo, hi)
    } else {
        (1.0, 10.0)
    };
    let top = climbs
        .iter()
        .flat_map(|c| c.points.iter().map(|p| p.1 as f64 / MIB))
        .fold(0.0, f64::max)
        .max(1.0)
        * 1.25;
    let mut keys: Vec<f64> = xs.clone();
    keys.sort_by(f64::total_cmp);
    keys.dedup();
    let mut out = String::new();
    {
        let root = SVGBackend::with_string(&mut out, (HALF_WIDTH, height)).into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
        let x_range = (lo / 1.6..hi * 1.6)
            .log_scale()
            .with_key_points(thin(&keys, 8));
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
            .x_desc("N units alive at once (log scale)")
            .y_desc("peak resident memory (MiB)")
            .label_style((FONT, 16))
            .axis_desc_style((FONT, 15))
            .draw()
            .map_err(err)?;
        for c in climbs {
            let hex = color(&c.model);
            let byte = |i: usize| {
                u8::from_str_radix(hex.get(i..i + 2).unwrap_or("88"), 16).unwrap_or(0x88)
            };
            let rgb = RGBColor(byte(1), byte(3), byte(5));
            let pts: Vec<(f64, f64)> = c
                .points
                .iter()
                .map(|&(n, b)| (n as f64, b as f64 / MIB))
                .collect();
            let label = match c.fit {
                Some(f) => format!(
                    "{}: {} per unit",
                    c.model,
                    crate::format::bytes(f.slope.max(0.0) as u64)
                ),
                None => c.model.clone(),
            };
            chart
                .draw_series(LineSeries::new(pts.clone(), rgb.stroke_width(3)))
                .map_err(err)?
                .label(label)
                .legend(move |(x, y)| {
                    PathElement::new(vec![(x, y), (x + 22, y)], rgb.stroke_width(3))
                });
            chart
                .draw_series(pts.iter().map(|&p| Circle::new(p, 5, rgb.filled())))
                .map_err(err)?;
            if let (Some(f), Some(first), Some(last)) = (c.fit, pts.first(), pts.last()) {
                // The fitted line, sampled along the log axis so it reads as the line it is.
                let fitted: Vec<(f64, f64)> = (0..=24)
                    .map(|i| {
                        let x = first.0 * (last.0 / first.0).powf(i as f64 / 24.0);
                        (x, (f.at(x) / MIB).max(0.0))
                    })
                    .collect();
                chart.draw_series(dashed(&fitted, rgb)).map_err(err)?;
            }
        }
        series_legend(&mut chart, SeriesLabelPosition::UpperLeft)?;
        root.present().map_err(err)?;
    }
    Ok(Svg {
        text: out,
        width: HALF_WIDTH,
        height,
    })
}
