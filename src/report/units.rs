//! The "What one unit costs" section: ours beside the published figures (each source's
//! machine as the source states it, ours named), the times per unit of every model and kind
//! of lane, memory per unit with where each climb ended, and the chart of peak memory over N.
//! It reads `results.units` alone; a model is named as recorded and picked out only by its
//! declared `runs`.

use anyhow::Result;
use serde::Serialize;

use super::blocks::{Chart, Figure};
use super::charts::unit_memory;
use super::sections::{color, FALLBACK_COLOR};
use crate::format::{bytes, ratio, time};
use crate::model::Runs;
use crate::results::Results;
use crate::unit::pingpong::Flavour;
use crate::unit::published;
use crate::unit::record::UnitCosts;

#[derive(Serialize)]
pub struct UnitsView {
    pub machine: String,
    pub ratios: Vec<String>,
    pub beside: Vec<BesideRow>,
    pub times: Vec<TimeRow>,
    pub memory: Vec<MemoryRow>,
    pub figure: Option<Figure>,
}

#[derive(Serialize)]
pub struct BesideRow {
    pub unit: String,
    pub what: String,
    pub ours: String,
    /// What our figure measures.
    pub ours_means: &'static str,
    pub published: String,
    pub ratio: String,
    pub source: String,
    pub url: String,
    pub machine: String,
    pub confirmed: bool,
}

#[derive(Serialize)]
pub struct TimeRow {
    pub probe: String,
    pub who: String,
    pub color: String,
    pub per_unit: String,
    pub ci: String,
    pub setup: String,
    pub ok: bool,
    pub errors: Vec<String>,
}

#[derive(Serialize)]
pub struct MemoryRow {
    pub model: String,
    pub color: String,
    pub per_unit: String,
    pub intercept: String,
    pub reached: String,
    pub end: String,
}

/// The section's view, its chart kept in `charts`; `None` when no unit bench ran.
pub fn view(results: &Results, charts: &mut Vec<Chart>) -> Result<Option<UnitsView>> {
    let Some(u) = &results.units else {
        return Ok(None);
    };
    let color_of = |name: &str| {
        results
            .models
            .iter()
            .find(|m| m.name == name)
            .map_or(FALLBACK_COLOR.to_string(), color)
    };
    let figure = if u.memory.iter().any(|m| !m.points.is_empty()) {
        let svg = unit_memory(&u.memory, color_of)?;
        let file = "chart-unit-memory.svg".to_string();
        let f = Figure {
            src: file.clone(),
            alt: "Peak resident memory against N units alive at once, per model, with the fitted line per unit".into(),
            width: svg.width,
            height: svg.height,
        };
        charts.push(Chart { file, svg });
        Some(f)
    } else {
        None
    };
    Ok(Some(UnitsView {
        machine: u.machine.clone(),
        ratios: ratios(u),
        beside: u
            .beside
            .iter()
            .map(|b| {
                let p = &b.published;
                BesideRow {
                    unit: b.unit.clone(),
                    what: p.what.clone(),
                    ours: published::value(b.ours, &p.per),
                    ours_means: published::ours_means(&b.unit),
                    published: published::value(p.value, &p.per),
                    ratio: ratio(b.ratio()),
                    source: p.source.clone(),
                    url: p.url.clone(),
                    machine: p.machine.clone(),
                    confirmed: p.confirmed,
                }
            })
            .collect(),
        times: u
            .times
            .iter()
            .map(|t| TimeRow {
                probe: t.probe.clone(),
                who: t.who.clone(),
                color: if t.runs.is_some() {
                    color_of(&t.who)
                } else {
                    String::new()
                },
                per_unit: t
                    .per_unit
                    .map_or("-".into(), |s| format!("{} per {}", time(s.mean_s), t.unit)),
                ci: t.per_unit.map_or(String::new(), |s| {
                    format!("{} – {}", time(s.low_s), time(s.high_s))
                }),
                setup: time(t.setup_s),
                ok: t.ok,
                errors: t.errors.clone(),
            })
            .collect(),
        memory: u
            .memory
            .iter()
            .map(|m| MemoryRow {
                model: m.model.clone(),
                color: color_of(&m.model),
                per_unit: m.fit.map_or("-".into(), |f| bytes(f.slope.max(0.0) as u64)),
                intercept: m
                    .fit
                    .map_or("-".into(), |f| bytes(f.intercept.max(0.0) as u64)),
                reached: m
                    .points
                    .last()
                    .map_or("-".into(), |p| format!("N={} ({})", p.0, bytes(p.1))),
                end: match (&m.fails_at, &m.stopped) {
                    (Some(f), _) => format!("fails at N={}: {}", f.units, f.reason),
                    (None, Some(s)) => s.clone(),
                    (None, None) => String::new(),
                },
            })
            .collect(),
        figure,
    }))
}

/// The units side by side, as measured on this machine.
fn ratios(u: &UnitCosts) -> Vec<String> {
    let mut out = Vec::new();
    if let (Some(a), Some(b)) = (u.spawn(Runs::ThreadPerTask), u.spawn(Runs::EventLoop)) {
        out.push(format!(
            "A thread, spawned and joined, costs {} an async task on one event loop: {} against {}.",
            ratio(a / b),
            time(a),
            time(b)
        ));
    }
    if let (Some(a), Some(b)) = (u.memory(Runs::ThreadPerTask), u.memory(Runs::EventLoop)) {
        out.push(format!(
            "A waiting thread holds {} the memory of a waiting async task: {} against {}.",
            ratio(a / b),
            bytes(a.max(0.0) as u64),
            bytes(b.max(0.0) as u64)
        ));
    }
    let switch = |f: Flavour| u.lanes(f.name()).and_then(|t| t.per_unit).map(|s| s.mean_s);
    if let (Some(a), Some(b)) = (switch(Flavour::Threads), switch(Flavour::TasksOneThread)) {
        out.push(format!(
            "A switch between two threads costs {} one between two tasks on one thread: {} against {}.",
            ratio(a / b),
            time(a),
            time(b)
        ));
    }
    out
}
