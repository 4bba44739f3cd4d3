//! The crawl's charts: each (shape, flavour) as a horizontal bar (mean, 95% CI, the ideal as
//! a thick tick, in the flavour's colour), and the queue between fetchers and parsers over a
//! run: how many fetched pages waited for a parser after every push and pop, as steps, one
//! line per run, a dashed line at a bounded queue's cap. They read what the section hands
//! them (labels, numbers, colours), nothing else.

use anyhow::Result;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::{
    dashed, err, rows_chart, rows_mesh, series_legend, text, text_px, tick, x_axis_with_room, Svg,
    GRID, INK, MUTED, WIDTH,
};
use crate::report::sections::FAIL_MARK;

const LABEL_SIZE: u32 = 15;

/// One bar: a label, criterion's mean and interval (none: failed), the ideal, its colour
/// (`#rrggbb`) and what is printed beside it.
pub struct FlowBar {
    pub label: String,
    pub time: Option<(f64, f64, f64)>,
    pub ideal: Option<f64>,
    pub color: String,
    pub tag: String,
}

/// One run's queue: its label, colour and (seconds, pages waiting) after each push and pop.
pub struct DepthLine {
    pub label: String,
    pub color: String,
    pub points: Vec<(f64, usize)>,
}

fn rgb(hex: &str) -> RGBColor {
    let byte = |i: usize| u8::from_str_radix(hex.get(i..i + 2).unwrap_or("88"), 16).unwrap_or(0x88);
    RGBColor(byte(1), byte(3), byte(5))
}

/// The bars, top to bottom in the order given.
pub fn flow_bars(bars: &[FlowBar]) -> Result<Svg> {
    let n = bars.len().max(1);
    let height = 60 + 40 * n as u32;
    let labels: Vec<String> = bars.iter().map(|b| b.label.clone()).collect();
    let label_area = labels
        .iter()
        .map(|l| text_px(l, 16) + 24)
        .max()
        .unwrap_or(90)
        .clamp(90, 320);
    let max = bars
        .iter()
        .flat_map(|b| [b.time.map(|t| t.2), b.ideal])
        .flatten()
        .fold(0.0, f64::max);
    let widest = bars
        .iter()
        .map(|b| text_px(&b.tag, LABEL_SIZE))
        .max()
        .unwrap_or(0) as f64
        + 12.0;
    let (unit, factor, x_max) = x_axis_with_room(max, label_area, widest);
    let mut out = String::new();
    {
        let root = SVGBackend::with_string(&mut out, (WIDTH, height)).into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
        let mut chart = rows_chart(&root, 8, label_area, x_max, n)?;
        let desc = format!("mean time per run ({unit}); thick tick: the ideal");
        rows_mesh(&mut chart, n, &labels, 6, desc)?;
        let pad = x_max * 0.012;
        let area = chart.plotting_area();
        for (i, b) in bars.iter().enumerate() {
            let y0 = (n - 1 - i) as f64;
            let yc = y0 + 0.5;
            let Some((mean, lo, hi)) = b.time else {
                let style = text(LABEL_SIZE, &super::FAIL, HPos::Left, VPos::Center);
                area.draw(&Text::new(
                    format!("{FAIL_MARK} — {}", b.tag),
                    (pad, yc),
                    style,
                ))
                .map_err(err)?;
                continue;
            };
            let (m, lo, hi) = (mean * factor, lo * factor, hi * factor);
            area.draw(&Rectangle::new(
                [(0.0, y0 + 0.2), (m, y0 + 0.8)],
                rgb(&b.color).filled(),
            ))
            .map_err(err)?;
            let whisker = INK.stroke_width(2);
            area.draw(&PathElement::new(vec![(lo, yc), (hi, yc)], whisker))
                .map_err(err)?;
            let mut right = hi.max(m);
            if let Some(ideal) = b.ideal {
                let x = ideal * factor;
                area.draw(&PathElement::new(
                    vec![(x, y0 + 0.06), (x, y0 + 0.94)],
                    INK.stroke_width(4),
                ))
                .map_err(err)?;
                right = right.max(x);
            }
            let style = text(LABEL_SIZE, &INK, HPos::Left, VPos::Center);
            area.draw(&Text::new(b.tag.clone(), (right + pad, yc), style))
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

/// Pages waiting in the queue against time, one step line per run; `cap` dashed.
pub fn depth(lines: &[DepthLine], cap: Option<usize>) -> Result<Svg> {
    let height = 400;
    let t_max = lines
        .iter()
        .flat_map(|l| l.points.iter().map(|p| p.0))
        .fold(0.0, f64::max);
    let d_max = lines
        .iter()
        .flat_map(|l| l.points.iter().map(|p| p.1))
        .chain(cap)
        .max()
        .unwrap_or(1)
        .max(1) as f64;
    let (unit, factor) = crate::format::time_unit(if t_max > 0.0 { t_max } else { 1.0 });
    let mut out = String::new();
    {
        let root = SVGBackend::with_string(&mut out, (WIDTH, height)).into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
        let mut chart = ChartBuilder::on(&root)
            .margin(12)
            .x_label_area_size(48)
            .y_label_area_size(56)
            .build_cartesian_2d(
                0f64..(t_max * factor).max(1e-9) * 1.02,
                // Headroom above the highest step for the legend's lines.
                0f64..d_max * (1.15 + 0.1 * lines.len() as f64),
            )
            .map_err(err)?;
        chart
            .configure_mesh()
            .bold_line_style(GRID)
            .light_line_style(WHITE)
            .x_labels(7)
            .y_labels(6)
            .x_label_formatter(&|x| tick(*x))
            .y_label_formatter(&|y| tick(*y))
            .x_desc(format!("time into the run ({unit})"))
            .y_desc("pages fetched, not yet parsed")
            .label_style((FONT_SIZE.0, FONT_SIZE.1))
            .axis_desc_style((FONT_SIZE.0, 15))
            .draw()
            .map_err(err)?;
        if let Some(cap) = cap {
            let y = cap as f64;
            let pts = [(0.0, y), (t_max * factor, y)];
            chart.draw_series(dashed(&pts, MUTED)).map_err(err)?;
            chart
                .plotting_area()
                .draw(&Text::new(
                    format!("cap {cap}"),
                    (t_max * factor * 0.99, y),
                    text(13, &MUTED, HPos::Right, VPos::Bottom),
                ))
                .map_err(err)?;
        }
        for line in lines {
            let color = rgb(&line.color);
            let mut steps = vec![(0.0, 0.0)];
            for &(t, d) in &line.points {
                let last = steps.last().map_or(0.0, |p| p.1);
                steps.push((t * factor, last));
                steps.push((t * factor, d as f64));
            }
            chart
                .draw_series(LineSeries::new(steps, color.stroke_width(2)))
                .map_err(err)?
                .label(line.label.clone())
                .legend(move |(x, y)| {
                    PathElement::new(vec![(x, y), (x + 18, y)], color.stroke_width(3))
                });
        }
        series_legend(&mut chart, SeriesLabelPosition::UpperRight)?;
        root.present().map_err(err)?;
    }
    Ok(Svg {
        text: out,
        width: WIDTH,
        height,
    })
}

const FONT_SIZE: (&str, u32) = ("sans-serif", 15);
