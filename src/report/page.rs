//! The page: turns [`Results`] into a view (strings already formatted, every number from the
//! data), and fills `templates/page.html` (minijinja, auto-escaped) with it. The summary "at a
//! glance", the models table and the legend come from the models as `results.json` declares
//! them. Nothing is written here: [`render`] returns the HTML and the charts it refers to.

use anyhow::{Context, Result};
use minijinja::Environment;
use serde::Serialize;

use crate::format::{bytes, efficiency, flagged_speedup, speedup, time};
use crate::model::ModelInfo;
use crate::results::{Results, Status};

use super::blocks::{section_view, Chart, SectionView};
use super::sections::{self, color, ANOMALY_MARK, FAIL_MARK, GAP_MARK, NO_BASELINE, OK_MARK};

const PAGE: &str = include_str!("templates/page.html");
const CSS: &str = include_str!("templates/style.css");

/// The page's HTML and the charts it shows.
pub struct Rendered {
    pub html: String,
    pub charts: Vec<Chart>,
}

#[derive(Serialize)]
struct Page {
    generated: String,
    command: String,
    cpu: String,
    cores: usize,
    machine: Vec<Pair>,
    crates: Vec<Pair>,
    summary: Vec<SummaryRow>,
    sections: Vec<SectionView>,
    units: Option<super::units::UnitsView>,
    models: Vec<ModelRow>,
    criterion_href: String,
    css: &'static str,
    totals: Totals,
    marks: Marks,
    /// The Python side's section (`None`: the results say nothing about one).
    python: Option<super::python::PythonView>,
}

#[derive(Serialize)]
struct Marks {
    fail: &'static str,
    gap: &'static str,
    ok: &'static str,
    none: &'static str,
    anomaly: &'static str,
}

#[derive(Serialize)]
struct Totals {
    cells: usize,
    failed: usize,
    missing: usize,
    anomalies: usize,
}

#[derive(Serialize)]
struct Pair {
    key: String,
    value: String,
}

#[derive(Serialize)]
struct SummaryRow {
    id: String,
    workload: String,
    kind: String,
    winner: String,
    color: String,
    /// Where the winner was picked when it is not obvious: `N=10000`, `window of 5`.
    at: String,
    mean: String,
    speedup: String,
    ideal_speedup: String,
    efficiency: String,
    anomaly: Option<String>,
    bound: String,
    gaps: usize,
}

#[derive(Serialize)]
struct ModelRow {
    name: String,
    color: String,
    summary: String,
    runs: &'static str,
    memory: &'static str,
    switching: &'static str,
    creates: String,
    python: String,
    use_when: String,
}

/// Render the page for `results`; `criterion_href` is where criterion's own report is.
pub fn render(results: &Results, criterion_href: &str) -> Result<Rendered> {
    let cores = results.machine.cores.max(1);
    let sections = sections::sections(results);
    let mut charts = Vec::new();
    let mut views = Vec::new();
    for s in &sections {
        views.push(section_view(s, cores, &mut charts)?);
    }
    views.extend(super::state::state_view(results, &sections, &mut charts)?);
    views.extend(super::flows::section(&results.flows, &mut charts)?);
    let summary = sections.iter().map(summary_row).collect();
    let units = super::units::view(results, &mut charts)?;
    let cells = &results.cells;
    let m = &results.machine;
    let page = Page {
        generated: results.generated.clone(),
        command: results.command.clone(),
        cpu: m.cpu_model.clone(),
        cores: m.cores,
        machine: vec![
            pair("CPU", &m.cpu_model),
            pair("cores", &m.cores.to_string()),
            pair(
                "memory",
                &m.memory_bytes
                    .map(bytes)
                    .unwrap_or_else(|| "unknown".into()),
            ),
            pair("OS", &m.os),
            pair("rustc", &m.rustc),
            pair("measured", &results.generated),
        ],
        crates: m.crates.iter().map(|(k, v)| pair(k, v)).collect(),
        summary,
        sections: views,
        units,
        models: results.models.iter().map(model_row).collect(),
        criterion_href: criterion_href.to_string(),
        css: CSS,
        totals: Totals {
            cells: cells.len(),
            failed: cells
                .iter()
                .filter(|c| c.status() == Status::Failed)
                .count(),
            missing: cells
                .iter()
                .filter(|c| c.status() == Status::NoEstimate)
                .count(),
            anomalies: cells
                .iter()
                .filter(|c| c.mean().is_some() && c.verdict.anomaly.is_some())
                .count(),
        },
        marks: Marks {
            fail: FAIL_MARK,
            gap: GAP_MARK,
            ok: OK_MARK,
            none: NO_BASELINE,
            anomaly: ANOMALY_MARK,
        },
        python: super::python::view(results),
    };
    let mut env = Environment::new();
    env.set_formatter(escape_formatter);
    env.add_filter("code", code_spans);
    env.add_template("page.html", PAGE)
        .context("parsing the page template")?;
    let html = env
        .get_template("page.html")
        .and_then(|t| t.render(minijinja::value::Serde(&page)))
        .context("rendering the page template")?;
    Ok(Rendered { html, charts })
}

fn pair(key: &str, value: &str) -> Pair {
    Pair {
        key: key.into(),
        value: value.into(),
    }
}

/// A section's line "at a glance": its headline row, never an efficiency above 100% unless
/// flagged as an anomaly.
fn summary_row(s: &sections::Section) -> SummaryRow {
    let win = s.headline();
    let gaps = s.rows().filter(|r| r.status() != Status::Measured).count();
    let dash = || NO_BASELINE.to_string();
    let anomaly = win.and_then(|w| w.cell.verdict.anomaly.clone());
    SummaryRow {
        id: s.id.clone(),
        workload: s.workload.clone(),
        kind: s.kind.to_string(),
        winner: win.map_or_else(dash, |w| w.model.name.clone()),
        color: win.map(|w| w.color()).unwrap_or_default(),
        at: win
            .filter(|w| w.cell.id.comparison != crate::identity::Comparison::Models)
            .map(|w| w.cell.id.varied.to_string())
            .unwrap_or_default(),
        mean: win.and_then(|w| w.mean()).map_or_else(dash, time),
        speedup: match win {
            Some(w) if w.is_baseline() => "1.0× (baseline)".into(),
            Some(w) => w.speedup().map_or_else(dash, |x| {
                flagged_speedup(x, w.cell.verdict.anomaly.is_some())
            }),
            None => dash(),
        },
        ideal_speedup: win
            .filter(|w| w.speedup().is_some() && !w.is_baseline())
            .and_then(|w| w.cell.verdict.ideal_speedup)
            .map(|i| format!("ideal {}", speedup(i)))
            .unwrap_or_default(),
        efficiency: win
            .and_then(|w| Some((w.mean()?, w.cell.verdict.efficiency?)))
            .map_or_else(dash, |(_, e)| efficiency(e, anomaly.is_some())),
        bound: win
            .and_then(|w| w.cell.ideal)
            .map(|i| i.binds())
            .unwrap_or_else(dash),
        anomaly,
        gaps,
    }
}

fn model_row(m: &ModelInfo) -> ModelRow {
    ModelRow {
        name: m.name.clone(),
        color: color(m),
        summary: m.summary.clone(),
        runs: m.runs.describe(),
        memory: if m.shares_memory {
            "shared by all its tasks"
        } else {
            "one per process: data is copied"
        },
        switching: if m.preemptive {
            "pre-emptive: the OS switches"
        } else {
            "cooperative: yields only at .await"
        },
        creates: m.creates.clone(),
        python: m.python.clone(),
        use_when: m.use_when.clone(),
    }
}

/// Text whose `backticked` parts are commands or names (a "not run" reason's fix): escaped,
/// each backticked part set in `<code>`, so no raw backtick reaches the page.
fn code_spans(text: String) -> minijinja::Value {
    let escaped = text
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;");
    let html: String = escaped
        .split('`')
        .enumerate()
        .map(|(i, part)| match i % 2 {
            1 => format!("<code>{part}</code>"),
            _ => part.to_string(),
        })
        .collect();
    minijinja::Value::from_safe_string(html)
}

/// Escape what the template prints (`& < > " '`), leaving `/` alone so paths read as paths;
/// values marked `|safe` pass through.
fn escape_formatter(
    out: &mut minijinja::Output,
    _state: &mut minijinja::State,
    value: &minijinja::Value,
) -> std::result::Result<(), minijinja::Error> {
    use std::fmt::Write;
    if value.is_none() || value.is_undefined() {
        return Ok(());
    }
    let text = value.to_string();
    let written = if value.is_safe() {
        out.write_str(&text)
    } else {
        text.chars().try_for_each(|c| match c {
            '&' => out.write_str("&amp;"),
            '<' => out.write_str("&lt;"),
            '>' => out.write_str("&gt;"),
            '"' => out.write_str("&quot;"),
            '\'' => out.write_str("&#39;"),
            c => out.write_char(c),
        })
    };
    written
        .map_err(|_| minijinja::Error::new(minijinja::ErrorKind::WriteFailure, "writing the page"))
}
