//! IO latency per model where requests ran among CPU tasks: for each row a bar to its p50 in
//! the model's colour, a paler bar on to its p95, a tick at its maximum, and one dashed line
//! across all rows at the server's delay, the least any request could take. Beside each bar
//! its three numbers. Rows without latency statistics are left out.

use anyhow::Result;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::{
    err, rgb, rows_chart, rows_mesh, text, text_px, x_axis_with_room, Svg, INK, MUTED, WIDTH,
};
use crate::format::time;
use crate::latency::IoLatency;
use crate::report::sections::Row;

const LABEL_SIZE: u32 = 15;

/// `p50 302 ms · p95 498 ms · max 502 ms`.
fn tag(l: &IoLatency) -> String {
    format!(
        "p50 {} · p95 {} · max {}",
        time(l.p50_s),
        time(l.p95_s),
        time(l.max_s)
    )
}

/// The latency chart of the rows that have latency statistics, top to bottom as given.
pub fn latency(rows: &[&Row]) -> Result<Svg> {
    let rows: Vec<(&Row, IoLatency)> = rows
        .iter()
        .filter_map(|r| Some((*r, r.cell.io_latency?)))
        .collect();
    let n = rows.len().max(1);
    let height = 110 + 46 * n as u32;
    let labels: Vec<String> = rows.iter().map(|(r, _)| r.label.clone()).collect();
    let label_area = labels
        .iter()
        .map(|l| text_px(l, 16) + 24)
        .max()
        .unwrap_or(90)
        .clamp(90, 300);
    let max = rows
        .iter()
        .map(|(_, l)| l.max_s.max(l.delay_s))
        .fold(0.0, f64::max);
    let delay = rows.iter().map(|(_, l)| l.delay_s).fold(0.0, f64::max);
    let widest = rows
        .iter()
        .map(|(_, l)| text_px(&tag(l), LABEL_SIZE))
        .max()
        .unwrap_or(0) as f64
        + 12.0;
    let (unit, factor, x_max) = x_axis_with_room(max, label_area, widest);
    let mut out = String::new();
    {
        let root = SVGBackend::with_string(&mut out, (WIDTH, height)).into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
        key(&root, delay)?;
        let mut chart = rows_chart(&root, 58, label_area, x_max, n)?;
        rows_mesh(
            &mut chart,
            n,
            &labels,
            6,
            format!("IO latency of a request ({unit}): from its task's start to its reply read"),
        )?;
        let pad = x_max * 0.012;
        let area = chart.plotting_area();
        for (i, (r, l)) in rows.iter().enumerate() {
            let y0 = (n - 1 - i) as f64;
            let yc = y0 + 0.5;
            let (p50, p95, top) = (l.p50_s * factor, l.p95_s * factor, l.max_s * factor);
            let color = rgb(r);
            area.draw(&Rectangle::new(
                [(0.0, y0 + 0.22), (p50, y0 + 0.78)],
                color.filled(),
            ))
            .map_err(err)?;
            area.draw(&Rectangle::new(
                [(p50, y0 + 0.3), (p95, y0 + 0.7)],
                color.mix(0.4).filled(),
            ))
            .map_err(err)?;
            area.draw(&PathElement::new(
                vec![(p95, yc), (top, yc)],
                INK.stroke_width(1),
            ))
            .map_err(err)?;
            area.draw(&PathElement::new(
                vec![(top, y0 + 0.28), (top, y0 + 0.72)],
                INK.stroke_width(3),
            ))
            .map_err(err)?;
            area.draw(&Text::new(
                tag(l),
                (top.max(delay * factor) + pad, yc),
                text(LABEL_SIZE, &INK, HPos::Left, VPos::Center),
            ))
            .map_err(err)?;
        }
        // The server's delay: a dashed line across every row.
        let x = delay * factor;
        let steps = 4 * n;
        for k in (0..steps).step_by(2) {
            let (a, b) = (k as f64 / 4.0, (k + 1) as f64 / 4.0);
            area.draw(&PathElement::new(vec![(x, a), (x, b)], INK.stroke_width(2)))
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

/// The key above the rows: p50 bar, p95 bar, max tick, the delay line.
fn key(root: &DrawingArea<SVGBackend, plotters::coord::Shift>, delay: f64) -> Result<()> {
    let y = 20;
    let style = text(14, &INK, HPos::Left, VPos::Center);
    let grey = RGBColor(120, 120, 120);
    let mut x = 12;
    root.draw(&Rectangle::new(
        [(x, y - 7), (x + 22, y + 7)],
        grey.filled(),
    ))
    .map_err(err)?;
    root.draw(&Text::new("p50", (x + 28, y), style.clone()))
        .map_err(err)?;
    x += 70;
    root.draw(&Rectangle::new(
        [(x, y - 5), (x + 22, y + 5)],
        grey.mix(0.4).filled(),
    ))
    .map_err(err)?;
    root.draw(&Text::new("to p95", (x + 28, y), style.clone()))
        .map_err(err)?;
    x += 92;
    root.draw(&PathElement::new(
        vec![(x + 4, y - 7), (x + 4, y + 7)],
        INK.stroke_width(3),
    ))
    .map_err(err)?;
    root.draw(&Text::new("max", (x + 14, y), style.clone()))
        .map_err(err)?;
    x += 62;
    for k in 0..3 {
        root.draw(&PathElement::new(
            vec![(x + 4, y - 9 + 7 * k), (x + 4, y - 5 + 7 * k)],
            INK.stroke_width(2),
        ))
        .map_err(err)?;
    }
    root.draw(&Text::new(
        format!("server delay ({}): the least a request takes", time(delay)),
        (x + 14, y),
        style,
    ))
    .map_err(err)?;
    root.draw(&Text::new(
        "one bar per model; every request of its runs counted",
        (12, y + 24),
        text(14, &MUTED, HPos::Left, VPos::Center),
    ))
    .map_err(err)?;
    Ok(())
}
