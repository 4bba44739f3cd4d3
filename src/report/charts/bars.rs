//! Time per cell as horizontal bars: the mean in the model's colour, its 95% CI as a whisker,
//! the ideal as a thick dark tick, and beside each bar its time and its speedup next to the
//! ideal speedup. A failed or unmeasured cell gets a marker instead of a bar; an anomaly a ⚠.

use anyhow::Result;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::{
    err, rgb, rows_chart, rows_mesh, text, text_px, x_axis_with_room, Svg, FAIL, INK, MUTED, WIDTH,
};
use crate::format::{speedup, time};
use crate::report::sections::{Row, ANOMALY_MARK, FAIL_MARK, GAP_MARK};
use crate::results::Status;

const LABEL_SIZE: u32 = 15;

/// What is printed beside a measured bar: `91.8 ms · 1.96× (ideal 2.0×)`.
fn tag(r: &Row, mean: f64) -> String {
    let mut s = time(mean);
    if r.is_baseline() {
        s.push_str(" · baseline");
    } else if let Some(sp) = r.speedup() {
        s.push_str(&format!(" · {}", speedup(sp)));
        if let Some(i) = r.cell.verdict.ideal_speedup {
            s.push_str(&format!(" (ideal {})", speedup(i)));
        }
    }
    if r.cell.verdict.anomaly.is_some() {
        s.push_str(&format!(" {ANOMALY_MARK}"));
    }
    s
}

/// The bars of `rows`, top to bottom in the order given.
pub fn bars(rows: &[&Row]) -> Result<Svg> {
    let n = rows.len().max(1);
    let height = 96 + 46 * n as u32;
    let labels: Vec<String> = rows.iter().map(|r| r.label.clone()).collect();
    let label_area = labels
        .iter()
        .map(|l| text_px(l, 16) + 24)
        .max()
        .unwrap_or(90)
        .clamp(90, 300);
    let max = rows
        .iter()
        .flat_map(|r| {
            let hi = r.mean().and(r.cell.time).map(|t| t.high_s);
            [hi, r.cell.ideal.map(|i| i.seconds)]
        })
        .flatten()
        .fold(0.0, f64::max);
    // Leave room right of the longest bar for its label.
    let widest = rows
        .iter()
        .filter_map(|r| r.mean().map(|m| text_px(&tag(r, m), LABEL_SIZE)))
        .max()
        .unwrap_or(0) as f64
        + 12.0;
    let (unit, factor, x_max) = x_axis_with_room(max, label_area, widest);
    let mut out = String::new();
    {
        let root = SVGBackend::with_string(&mut out, (WIDTH, height)).into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
        key(&root)?;
        let mut chart = rows_chart(&root, 44, label_area, x_max, n)?;
        rows_mesh(
            &mut chart,
            n,
            &labels,
            6,
            format!("mean time per run ({unit})"),
        )?;
        let pad = x_max * 0.012;
        let area = chart.plotting_area();
        for (i, r) in rows.iter().enumerate() {
            let y0 = (n - 1 - i) as f64;
            let yc = y0 + 0.5;
            let (Some(mean), Some(t)) = (r.mean(), r.cell.time) else {
                let (what, color) = match r.status() {
                    Status::Failed => (format!("{FAIL_MARK} — no time shown"), &FAIL),
                    _ => (format!("{GAP_MARK} — not measured"), &MUTED),
                };
                area.draw(&Text::new(
                    what,
                    (pad, yc),
                    text(LABEL_SIZE, color, HPos::Left, VPos::Center),
                ))
                .map_err(err)?;
                continue;
            };
            let (m, lo, hi) = (mean * factor, t.low_s * factor, t.high_s * factor);
            area.draw(&Rectangle::new(
                [(0.0, y0 + 0.22), (m, y0 + 0.78)],
                rgb(r).filled(),
            ))
            .map_err(err)?;
            let whisker = INK.stroke_width(2);
            area.draw(&PathElement::new(vec![(lo, yc), (hi, yc)], whisker))
                .map_err(err)?;
            for x in [lo, hi] {
                area.draw(&PathElement::new(
                    vec![(x, yc - 0.16), (x, yc + 0.16)],
                    whisker,
                ))
                .map_err(err)?;
            }
            let mut right = hi.max(m);
            if let Some(ideal) = r.cell.ideal {
                let x = ideal.seconds * factor;
                area.draw(&PathElement::new(
                    vec![(x, y0 + 0.06), (x, y0 + 0.94)],
                    INK.stroke_width(4),
                ))
                .map_err(err)?;
                right = right.max(x);
            }
            area.draw(&Text::new(
                tag(r, mean),
                (right + pad, yc),
                text(LABEL_SIZE, &INK, HPos::Left, VPos::Center),
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

/// The key above the bars: bar = mean, whisker = 95% CI, thick tick = ideal.
fn key(root: &DrawingArea<SVGBackend, plotters::coord::Shift>) -> Result<()> {
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
    x += 190;
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
    x += 100;
    root.draw(&PathElement::new(
        vec![(x + 4, y - 9), (x + 4, y + 9)],
        INK.stroke_width(4),
    ))
    .map_err(err)?;
    root.draw(&Text::new("ideal", (x + 14, y), style))
        .map_err(err)?;
    x += 64;
    root.draw(&Text::new(
        "label: time · speedup (ideal)",
        (x, y),
        text(14, &MUTED, HPos::Left, VPos::Center),
    ))
    .map_err(err)?;
    Ok(())
}
