//! The page: turns [`Results`] into a view (strings already formatted, every number from the
//! data), draws the charts next to it as `chart-*.svg`, and fills `templates/page.html`
//! (minijinja, auto-escaped) into `index.html`. No script, no network: it opens from disk.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Component, Path, PathBuf};

use anyhow::{Context, Result};
use minijinja::Environment;
use serde::Serialize;

use crate::results::{Cell, Results};
use crate::workload::Kind;

use super::analysis::{self, Group, Row, Section, Status, BASELINE};
use super::charts::{self, css_color, Measure, Svg};
use super::{FAIL_MARK, GAP_MARK, NO_BASELINE, OK_MARK};
use crate::format::{bytes, percent, slug, speedup, time};

const PAGE: &str = include_str!("templates/page.html");
const CSS: &str = include_str!("templates/style.css");

#[derive(Serialize)]
struct Page {
    generated: String,
    command: String,
    machine: Vec<Pair>,
    crates: Vec<Pair>,
    legend: Vec<Swatch>,
    summary: Vec<SummaryRow>,
    sections: Vec<SectionView>,
    models: Vec<ModelRow>,
    criterion_href: String,
    css: String,
    totals: Totals,
    marks: Marks,
}

#[derive(Serialize)]
struct Marks {
    fail: &'static str,
    gap: &'static str,
    ok: &'static str,
    none: &'static str,
}

#[derive(Serialize)]
struct Totals {
    cells: usize,
    failed: usize,
    missing: usize,
}

#[derive(Serialize)]
struct Pair {
    key: String,
    value: String,
}

#[derive(Serialize)]
struct Swatch {
    name: String,
    color: String,
}

#[derive(Serialize)]
struct SummaryRow {
    id: String,
    workload: String,
    kind: String,
    winner: String,
    color: String,
    /// For a sweep, where the winner was picked: `N=10000`.
    at: String,
    mean: String,
    speedup: String,
    efficiency: String,
    gaps: usize,
}

#[derive(Serialize)]
struct SectionView {
    id: String,
    title: String,
    kind: String,
    summary: String,
    blocks: Vec<Block>,
}

#[derive(Serialize)]
struct Block {
    id: String,
    heading: String,
    intro: String,
    figures: Vec<Figure>,
    table: Option<TableView>,
    notice: Vec<String>,
}

#[derive(Serialize)]
struct Figure {
    src: String,
    alt: String,
    width: u32,
    height: u32,
}

#[derive(Serialize)]
struct TableView {
    param: String,
    show_memory: bool,
    rows: Vec<RowView>,
}

#[derive(Serialize)]
struct RowView {
    id: String,
    status: &'static str,
    model: String,
    color: String,
    value: String,
    mean: String,
    ci: String,
    ci_title: String,
    speedup: String,
    ideal: String,
    efficiency: String,
    setup: String,
    memory: String,
    answer: &'static str,
    answer_title: String,
    errors: Vec<String>,
    notes: Vec<String>,
}

#[derive(Serialize)]
struct ModelRow {
    name: String,
    color: String,
    summary: String,
    python: String,
    use_when: String,
}

/// The HTML id of a cell's table row: `cell-<group>-<model>-<value>`.
pub fn cell_id(cell: &Cell) -> String {
    format!(
        "cell-{}-{}-{}",
        slug(&cell.group),
        slug(&cell.model),
        slug(&cell.value)
    )
}

/// Write `results.json`, the charts and `index.html` into `out_dir`; returns the page's path.
pub fn write(results: &Results, out_dir: &Path) -> Result<PathBuf> {
    fs::create_dir_all(out_dir).with_context(|| format!("creating {}", out_dir.display()))?;
    remove_old_charts(out_dir)?;
    let json = serde_json::to_string_pretty(results)?;
    let json_path = out_dir.join("results.json");
    fs::write(&json_path, json).with_context(|| format!("writing {}", json_path.display()))?;
    let page = page(results, out_dir)?;
    let mut env = Environment::new();
    env.set_formatter(escape_formatter);
    env.add_template("page.html", PAGE)
        .context("parsing the page template")?;
    let html = env
        .get_template("page.html")
        .and_then(|t| t.render(minijinja::value::Serde(&page)))
        .context("rendering the page template")?;
    let index = out_dir.join("index.html");
    fs::write(&index, html).with_context(|| format!("writing {}", index.display()))?;
    Ok(index)
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

/// Read `out_dir/results.json` and write the page again from it.
pub fn rerender(out_dir: &Path) -> Result<PathBuf> {
    let path = out_dir.join("results.json");
    let text = fs::read_to_string(&path).with_context(|| {
        format!(
            "reading {} (run `cargo bench` first to produce it)",
            path.display()
        )
    })?;
    let results: Results = serde_json::from_str(&text)
        .with_context(|| format!("{} is not a valid results file", path.display()))?;
    write(&results, out_dir)
}

/// Charts from an earlier render would linger after a workload disappears: remove them.
fn remove_old_charts(out_dir: &Path) -> Result<()> {
    let entries =
        fs::read_dir(out_dir).with_context(|| format!("listing {}", out_dir.display()))?;
    for entry in entries.flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name.starts_with("chart-") && name.ends_with(".svg") {
            let path = entry.path();
            fs::remove_file(&path).with_context(|| format!("removing {}", path.display()))?;
        }
    }
    Ok(())
}

fn save(out_dir: &Path, name: &str, svg: Svg, alt: String) -> Result<Figure> {
    let file = format!("chart-{name}.svg");
    let path = out_dir.join(&file);
    fs::write(&path, svg.text).with_context(|| format!("writing {}", path.display()))?;
    Ok(Figure {
        src: file,
        alt,
        width: svg.width,
        height: svg.height,
    })
}

fn page(results: &Results, out_dir: &Path) -> Result<Page> {
    let cores = results.machine.cores.max(1);
    let sections = analysis::sections(results);
    let mut views = Vec::new();
    let mut summary = Vec::new();
    for s in &sections {
        views.push(section_view(s, cores, out_dir)?);
        let gaps = s
            .groups()
            .flat_map(|g| g.rows.iter())
            .filter(|r| r.status() != Status::Measured)
            .count();
        let win = analysis::winner(s);
        summary.push(SummaryRow {
            id: s.id.clone(),
            workload: s.workload.clone(),
            kind: s.kind.to_string(),
            winner: win
                .map(|w| w.cell.model.clone())
                .unwrap_or_else(|| "-".into()),
            color: win.map(|w| css_color(&w.cell.model)).unwrap_or_default(),
            at: match (win, s.main.as_ref().or(s.scaling.as_ref())) {
                (Some(w), Some(g)) if g.sweep => format!("{}={}", g.param, w.cell.value),
                (Some(w), _) if w.label != w.cell.model => w.cell.value.clone(),
                _ => String::new(),
            },
            mean: win
                .and_then(|w| w.mean())
                .map(time)
                .unwrap_or_else(|| "-".into()),
            speedup: win
                .and_then(|w| w.speedup)
                .map(speedup)
                .unwrap_or_else(|| NO_BASELINE.into()),
            efficiency: win
                .and_then(|w| w.efficiency)
                .map(percent)
                .unwrap_or_else(|| "-".into()),
            gaps,
        });
    }
    let present: BTreeSet<&str> = results.cells.iter().map(|c| c.model.as_str()).collect();
    let mut models: Vec<ModelRow> = crate::model::all()
        .iter()
        .map(|m| ModelRow {
            name: m.name().into(),
            color: css_color(m.name()),
            summary: m.summary().into(),
            python: m.python().into(),
            use_when: m.use_when().into(),
        })
        .collect();
    for extra in charts::ordered_models(present.iter().copied()) {
        if !models.iter().any(|m| m.name == extra) {
            models.push(ModelRow {
                color: css_color(&extra),
                name: extra,
                summary: "(not in this build's model registry)".into(),
                python: "-".into(),
                use_when: "-".into(),
            });
        }
    }
    let legend = models
        .iter()
        .map(|m| Swatch {
            name: m.name.clone(),
            color: m.color.clone(),
        })
        .collect();
    let m = &results.machine;
    let machine = vec![
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
    ];
    let crates = m.crates.iter().map(|(k, v)| pair(k, v)).collect();
    let totals = Totals {
        cells: results.cells.len(),
        failed: results.cells.iter().filter(|c| !c.ok).count(),
        missing: results
            .cells
            .iter()
            .filter(|c| analysis::status(c) == Status::NoEstimate)
            .count(),
    };
    Ok(Page {
        generated: results.generated.clone(),
        command: results.command.clone(),
        machine,
        crates,
        legend,
        summary,
        sections: views,
        models,
        criterion_href: criterion_href(out_dir),
        css: CSS.into(),
        totals,
        marks: Marks {
            fail: FAIL_MARK,
            gap: GAP_MARK,
            ok: OK_MARK,
            none: NO_BASELINE,
        },
    })
}

fn pair(key: &str, value: &str) -> Pair {
    Pair {
        key: key.into(),
        value: value.into(),
    }
}

fn section_view(s: &Section, cores: usize, out_dir: &Path) -> Result<SectionView> {
    let mut blocks = Vec::new();
    if let Some(main) = &s.main {
        let mut figures = Vec::new();
        if main.sweep {
            figures.push(save(
                out_dir,
                &format!("{}-time", s.id),
                charts::sweep(main, Measure::Time)?,
                format!(
                    "{}: time per run against {} for each model",
                    s.workload, main.param
                ),
            )?);
            if main.rows.iter().any(|r| r.cell.peak_rss_bytes.is_some()) {
                figures.push(save(
                    out_dir,
                    &format!("{}-memory", s.id),
                    charts::sweep(main, Measure::Memory)?,
                    format!(
                        "{}: peak memory against {} for each model",
                        s.workload, main.param
                    ),
                )?);
            }
        } else {
            figures.push(save(
                out_dir,
                &s.id,
                charts::bars(main)?,
                format!(
                    "{}: mean time per model with 95% confidence intervals and the ideal",
                    s.workload
                ),
            )?);
        }
        blocks.push(Block {
            id: format!("{}-main", s.id),
            heading: if main.sweep {
                format!("Time and memory as {} grows", main.param)
            } else {
                "Time per model".into()
            },
            intro: String::new(),
            figures,
            table: Some(table(main)),
            notice: analysis::notice(s, cores),
        });
    }
    if let Some(scaling) = &s.scaling {
        let figure = save(
            out_dir,
            &format!("{}-scaling", s.id),
            charts::scaling(scaling, cores)?,
            format!("{}: speedup against the number of workers W", s.workload),
        )?;
        blocks.push(Block {
            id: format!("{}-scaling", s.id),
            heading: "Scaling: speedup as workers are added".into(),
            intro: format!(
                "The same {} work with W = {} workers; the dashed line is the ideal.",
                s.workload,
                scaling.values().join(", ")
            ),
            figures: vec![figure],
            table: Some(table(scaling)),
            notice: analysis::notice_scaling(scaling, cores),
        });
    }
    if let Some(main) = &s.main {
        let rows = timeline_rows(main);
        if !rows.is_empty() {
            let value_note = if main.sweep {
                rows.first()
                    .map(|r| format!(" at {}={}", main.param, r.cell.value))
                    .unwrap_or_default()
            } else {
                String::new()
            };
            let figure = save(
                out_dir,
                &format!("{}-timeline", s.id),
                charts::timeline(&rows)?,
                format!(
                    "{}: one run of each model, tasks drawn on their lanes over time",
                    s.workload
                ),
            )?;
            blocks.push(Block {
                id: format!("{}-timeline", s.id),
                heading: "What it looks like: one run of each model".into(),
                intro: format!(
                    "Each bar is one task, from when it started to when it finished{value_note}; \
                     each row inside a band is a lane (a thread, a process or an async task). \
                     Neighbouring tasks alternate shades."
                ),
                figures: vec![figure],
                table: None,
                notice: rows.iter().map(|r| timeline_sentence(r)).collect(),
            });
        }
    }
    Ok(SectionView {
        id: s.id.clone(),
        title: s.workload.clone(),
        kind: match s.kind {
            Kind::Cpu => "CPU-bound".into(),
            Kind::Io => "IO-bound".into(),
        },
        summary: s.summary.clone(),
        blocks,
    })
}

/// One row per model for the timeline: for a sweep, the smallest value most models ran.
fn timeline_rows<'a>(g: &'a Group<'a>) -> Vec<&'a Row<'a>> {
    let with_timeline = |v: &str| {
        g.rows
            .iter()
            .filter(|r| r.cell.value == v && !r.cell.timeline.is_empty())
            .count()
    };
    if g.sweep {
        let values = g.values();
        let most = values.iter().map(|v| with_timeline(v)).max().unwrap_or(0);
        let Some(v) = values.iter().find(|v| with_timeline(v) == most) else {
            return Vec::new();
        };
        g.rows
            .iter()
            .filter(|r| &r.cell.value == v && !r.cell.timeline.is_empty())
            .collect()
    } else {
        g.rows
            .iter()
            .filter(|r| !r.cell.timeline.is_empty())
            .collect()
    }
}

/// How a run used its lanes and OS threads, from its spans.
fn timeline_sentence(r: &Row) -> String {
    let spans = &r.cell.timeline;
    let lanes: BTreeSet<usize> = spans.iter().map(|s| s.lane).collect();
    let threads: BTreeSet<usize> = spans.iter().map(|s| s.thread).collect();
    let end = spans.iter().map(|s| s.end_s).fold(0.0, f64::max);
    let busy: f64 = spans.iter().map(|s| (s.end_s - s.start_s).max(0.0)).sum();
    let (lane, thread_word) = match r.cell.lane {
        crate::model::Lane::Thread => ("thread", "OS thread"),
        crate::model::Lane::Process => ("process", "worker process"),
        crate::model::Lane::Task => ("async task", "OS thread"),
    };
    let plural = charts::plural;
    let mut s = format!(
        "{}: {} on {} over {}",
        r.label,
        plural(spans.len(), "task"),
        plural(lanes.len(), lane),
        time(end)
    );
    if r.cell.lane != crate::model::Lane::Thread || threads.len() != lanes.len() {
        s.push_str(&format!(", run by {}", plural(threads.len(), thread_word)));
    }
    if end > 0.0 {
        s.push_str(&format!(
            "; on average {:.1} tasks were in progress at once",
            busy / end
        ));
    }
    s.push('.');
    s
}

fn table(g: &Group) -> TableView {
    TableView {
        param: g.param.into(),
        show_memory: g.rows.iter().any(|r| r.cell.peak_rss_bytes.is_some()),
        rows: g.rows.iter().map(row_view).collect(),
    }
}

fn row_view(r: &Row) -> RowView {
    let c = r.cell;
    let status = r.status();
    let (mean, ci, ci_title) = match (status, r.mean()) {
        (Status::Measured, Some(m)) => {
            let (lo, hi) = (c.ci_low_s.unwrap_or(m), c.ci_high_s.unwrap_or(m));
            (
                time(m),
                format!("±{}", time((hi - lo) / 2.0)),
                format!("95% CI {} to {}", time(lo), time(hi)),
            )
        }
        (Status::Failed, _) => (FAIL_MARK.into(), "-".into(), String::new()),
        _ => (GAP_MARK.into(), "-".into(), String::new()),
    };
    let speedup = if c.model == BASELINE && status == Status::Measured {
        "1.0× (baseline)".into()
    } else {
        r.speedup.map(speedup).unwrap_or_else(|| NO_BASELINE.into())
    };
    let answer_title = match &c.answer {
        Some(a) => format!("got {a}, expected {}", c.expected),
        None => format!("no answer, expected {}", c.expected),
    };
    let mut errors = c.errors.clone();
    if c.failed_tasks > 0 && errors.is_empty() {
        errors.push(format!("{} tasks failed", c.failed_tasks));
    }
    RowView {
        id: cell_id(c),
        status: match status {
            Status::Measured => "ok",
            Status::Failed => "failed",
            Status::NoEstimate => "gap",
        },
        model: c.model.clone(),
        color: css_color(&c.model),
        value: c.value.clone(),
        mean,
        ci,
        ci_title,
        speedup,
        ideal: c.ideal_s.map(time).unwrap_or_else(|| "-".into()),
        efficiency: r.efficiency.map(percent).unwrap_or_else(|| "-".into()),
        setup: if c.setup_s > 0.0 {
            time(c.setup_s)
        } else {
            "none".into()
        },
        memory: c.peak_rss_bytes.map(bytes).unwrap_or_else(|| "-".into()),
        answer: if c.ok { OK_MARK } else { "✗" },
        answer_title,
        errors,
        notes: c.notes.clone(),
    }
}

/// Criterion's own report, relative to the page: `../target/criterion/report/index.html`
/// from `reports/`.
fn criterion_href(out_dir: &Path) -> String {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("target"));
    let report = target.join("criterion").join("report").join("index.html");
    let (Ok(from), Ok(to)) = (std::path::absolute(out_dir), std::path::absolute(&report)) else {
        return "../target/criterion/report/index.html".into();
    };
    let from: Vec<Component> = from.components().collect();
    let to: Vec<Component> = to.components().collect();
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let mut parts: Vec<String> = vec!["..".into(); from.len() - common];
    parts.extend(
        to[common..]
            .iter()
            .map(|c| c.as_os_str().to_string_lossy().into_owned()),
    );
    parts.join("/")
}
