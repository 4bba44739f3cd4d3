//! The page's shape, from the recorded identities alone: one [`Section`] per workload (CPU,
//! then IO, then mixed, each in order of first appearance), one [`Block`] per comparison
//! inside it (models, tutorial, scaling, limits, sizes, collect), and each cell as a [`Row`]
//! with the model's recorded declaration. Nothing here reads this build's registries or parses a name: the report says
//! what `results.json` says. The marks every part of the page shares live here too.

use crate::identity::{Comparison, Varied};
use crate::model::ModelInfo;
use crate::results::{Cell, Results, Status};
use crate::workload::Kind;

/// What a failed cell (wrong answer or errors) shows where its time would be.
pub const FAIL_MARK: &str = "✗ failed";
/// What a cell without criterion's estimate shows where its time would be.
pub const GAP_MARK: &str = "no estimate";
/// What a cell shows for a speedup or efficiency it does not have.
pub const NO_BASELINE: &str = "-";
/// A checked, correct answer.
pub const OK_MARK: &str = "✓";
/// What an anomaly (a time beating its ideal beyond noise) is flagged with.
pub const ANOMALY_MARK: &str = "⚠";
/// The colour of a model whose recorded colour is not `#rrggbb`.
pub const FALLBACK_COLOR: &str = "#888888";

/// One cell with the model it ran under, as the page names it.
pub struct Row<'a> {
    pub cell: &'a Cell,
    pub model: &'a ModelInfo,
    /// `pool`, or `threads · window of 5` where the model appears more than once in a block
    /// of models or limits (a sweep's rows are named by their model, their value apart).
    pub label: String,
}

impl Row<'_> {
    pub fn status(&self) -> Status {
        self.cell.status()
    }

    /// The measured mean, only for a cell whose answer was right.
    pub fn mean(&self) -> Option<f64> {
        self.cell.mean()
    }

    /// The low end of the 95% CI (NaN when not measured).
    pub fn low(&self) -> f64 {
        self.cell
            .time
            .filter(|_| self.cell.ok)
            .map_or(f64::NAN, |t| t.low_s)
    }

    /// The high end of the 95% CI (NaN when not measured).
    pub fn high(&self) -> f64 {
        self.cell
            .time
            .filter(|_| self.cell.ok)
            .map_or(f64::NAN, |t| t.high_s)
    }

    /// True for the cell every other cell of its work is compared with: its own baseline.
    pub fn is_baseline(&self) -> bool {
        self.cell.baseline.as_ref() == Some(&self.cell.id)
    }

    /// The speedup, only for a measured cell.
    pub fn speedup(&self) -> Option<f64> {
        self.mean().and(self.cell.verdict.speedup)
    }

    /// The model's colour, safe to put in CSS.
    pub fn color(&self) -> String {
        color(self.model)
    }
}

/// True when the 95% confidence intervals of two measured rows overlap: a tie.
pub fn tied(a: &Row, b: &Row) -> bool {
    a.low() <= b.high() && b.low() <= a.high()
}

/// One comparison of a workload: its rows in the recorded model order, then by value.
pub struct Block<'a> {
    pub comparison: Comparison,
    pub rows: Vec<Row<'a>>,
}

impl<'a> Block<'a> {
    /// The distinct values of the varied parameter, in numeric order.
    pub fn values(&self) -> Vec<Varied> {
        let mut seen: Vec<Varied> = Vec::new();
        for r in &self.rows {
            if !seen.contains(&r.cell.id.varied) {
                seen.push(r.cell.id.varied);
            }
        }
        seen.sort_by(|a, b| a.number().total_cmp(&b.number()));
        seen
    }

    /// The distinct models, in the order `results.models` lists them.
    pub fn models(&self) -> Vec<&'a ModelInfo> {
        let mut seen: Vec<&ModelInfo> = Vec::new();
        for r in &self.rows {
            if !seen.iter().any(|m| m.name == r.model.name) {
                seen.push(r.model);
            }
        }
        seen
    }

    /// The rows of one model, in value order.
    pub fn of_model(&self, name: &str) -> Vec<&Row<'a>> {
        self.rows.iter().filter(|r| r.model.name == name).collect()
    }

    /// The rows at one value of the varied parameter.
    pub fn at(&self, value: Varied) -> Vec<&Row<'a>> {
        self.rows
            .iter()
            .filter(|r| r.cell.id.varied == value)
            .collect()
    }

    /// What the varied parameter is called: `W`, `N`, `window`, …; `limit` when mixed.
    pub fn axis(&self) -> &'static str {
        let axes: Vec<&str> = self.rows.iter().map(|r| r.cell.id.varied.axis()).collect();
        match axes.first() {
            Some(first) if axes.iter().all(|a| a == first) => first,
            Some(_) => "limit",
            None => "value",
        }
    }

    /// The largest value at which some row was measured, for sweeps.
    pub fn last_measured(&self) -> Option<Varied> {
        self.values()
            .into_iter()
            .rev()
            .find(|v| self.at(*v).iter().any(|r| r.mean().is_some()))
    }
}

/// Everything the page shows about one workload.
pub struct Section<'a> {
    pub workload: String,
    /// The HTML id.
    pub id: String,
    pub kind: Kind,
    /// The workload's one-line description, if the results keep one.
    pub summary: String,
    /// In comparison order: models, tutorial, scaling, limits, sizes, collect.
    pub blocks: Vec<Block<'a>>,
}

impl<'a> Section<'a> {
    pub fn block(&self, comparison: Comparison) -> Option<&Block<'a>> {
        self.blocks.iter().find(|b| b.comparison == comparison)
    }

    pub fn rows(&self) -> impl Iterator<Item = &Row<'a>> {
        self.blocks.iter().flat_map(|b| b.rows.iter())
    }

    /// One run per model for the section's timeline: each model's first row with a timeline,
    /// looking through the blocks in order (limits, tutorial settings and collect modes draw
    /// their own).
    pub fn timeline_rows(&self) -> Vec<&Row<'a>> {
        let mut out: Vec<&Row> = Vec::new();
        for b in self.blocks.iter().filter(|b| {
            !matches!(
                b.comparison,
                Comparison::Limits | Comparison::Tutorial | Comparison::Collect
            )
        }) {
            let mut rows: Vec<&Row> = b.rows.iter().collect();
            rows.sort_by(|x, y| {
                x.cell
                    .id
                    .varied
                    .number()
                    .total_cmp(&y.cell.id.varied.number())
            });
            for r in rows {
                let drawn = out.iter().any(|o| o.model.name == r.model.name);
                if !drawn && !r.cell.timeline.is_empty() {
                    out.push(r);
                }
            }
        }
        let order = |r: &&Row| self.model_rank(&r.model.name);
        out.sort_by_key(order);
        out
    }

    fn model_rank(&self, name: &str) -> usize {
        self.rows()
            .position(|r| r.model.name == name)
            .unwrap_or(usize::MAX)
    }

    /// The row the summary shows: the fastest of the model comparison, else of a size sweep
    /// at its largest measured size, else the best speedup of a scaling sweep, else the
    /// fastest of the limits, else of the tutorial's settings.
    pub fn headline(&self) -> Option<&Row<'a>> {
        if let Some(b) = self.block(Comparison::Models) {
            if let Some(r) = fastest(b.rows.iter().collect()) {
                return Some(r);
            }
        }
        if let Some(b) = self.block(Comparison::Sizes) {
            if let Some(v) = b.last_measured() {
                return fastest(b.at(v));
            }
        }
        if let Some(b) = self.block(Comparison::Scaling) {
            let best = b
                .rows
                .iter()
                .filter(|r| r.speedup().is_some())
                .max_by(|a, b| {
                    a.speedup()
                        .unwrap_or(0.0)
                        .total_cmp(&b.speedup().unwrap_or(0.0))
                });
            if best.is_some() {
                return best;
            }
        }
        self.block(Comparison::Limits)
            .or(self.block(Comparison::Tutorial))
            .and_then(|b| fastest(b.rows.iter().collect()))
    }
}

/// The fastest measured row of `rows`.
/// The fastest measured row; one whose time beat its ideal beyond noise (an anomaly) is
/// never picked as a headline.
fn fastest<'r, 'a>(rows: Vec<&'r Row<'a>>) -> Option<&'r Row<'a>> {
    rows.into_iter()
        .filter(|r| r.mean().is_some() && r.cell.verdict.anomaly.is_none())
        .min_by(|a, b| {
            let (x, y) = (
                a.mean().unwrap_or(f64::INFINITY),
                b.mean().unwrap_or(f64::INFINITY),
            );
            x.total_cmp(&y)
        })
}

/// A model's recorded colour if it is `#rrggbb`, else a neutral grey: a colour from a file is
/// never put into CSS or SVG unchecked.
pub fn color(model: &ModelInfo) -> String {
    let c = model.color.as_bytes();
    let ok = c.len() == 7 && c[0] == b'#' && c[1..].iter().all(|b| b.is_ascii_hexdigit());
    if ok {
        model.color.to_ascii_lowercase()
    } else {
        FALLBACK_COLOR.into()
    }
}

/// Group the cells into sections: one per workload, CPU before IO, in order of first
/// appearance; inside, one block per comparison. Cells naming a model the file does not
/// declare are left out (`Results::validate` rejects such a file before it gets here).
pub fn sections(results: &Results) -> Vec<Section<'_>> {
    let mut names: Vec<(&str, Kind)> = Vec::new();
    for c in &results.cells {
        if !names.iter().any(|(n, _)| *n == c.id.workload) {
            names.push((&c.id.workload, c.kind));
        }
    }
    // A stable sort keeps the order of appearance within each kind: CPU, IO, then mixed.
    names.sort_by_key(|(_, kind)| match kind {
        Kind::Cpu => 0,
        Kind::Io => 1,
        Kind::Mixed => 2,
        Kind::Wait => 3,
    });
    let mut ids: Vec<String> = Vec::new();
    names
        .into_iter()
        .map(|(name, kind)| Section {
            workload: name.to_string(),
            id: unique(crate::format::slug(name), &mut ids),
            kind,
            summary: results
                .workload(name)
                .map(|w| w.summary.clone())
                .unwrap_or_default(),
            blocks: blocks(results, name),
        })
        .collect()
}

/// `id`, or `id-2`, `id-3`… when two workload names reduce to the same slug (their charts
/// would otherwise overwrite each other).
fn unique(id: String, taken: &mut Vec<String>) -> String {
    let mut out = id.clone();
    let mut n = 1;
    while taken.contains(&out) {
        n += 1;
        out = format!("{id}-{n}");
    }
    taken.push(out.clone());
    out
}

fn blocks<'a>(results: &'a Results, workload: &str) -> Vec<Block<'a>> {
    let rank = |name: &str| {
        results
            .models
            .iter()
            .position(|m| m.name == name)
            .unwrap_or(usize::MAX)
    };
    let comparisons = [
        Comparison::Models,
        Comparison::Tutorial,
        Comparison::Scaling,
        Comparison::Limits,
        Comparison::Sizes,
        Comparison::Collect,
    ];
    comparisons
        .into_iter()
        .filter_map(|comparison| {
            let mut cells: Vec<(&Cell, &ModelInfo)> = results
                .cells
                .iter()
                .filter(|c| c.id.workload == workload && c.id.comparison == comparison)
                .filter_map(|c| Some((c, results.model(&c.id.model)?)))
                .collect();
            if cells.is_empty() {
                return None;
            }
            cells.sort_by(|(a, _), (b, _)| {
                rank(&a.id.model)
                    .cmp(&rank(&b.id.model))
                    .then(a.id.varied.number().total_cmp(&b.id.varied.number()))
            });
            // Sweeps name their value in a column and on an axis: the model is the label.
            let repeated = |name: &str| {
                matches!(
                    comparison,
                    Comparison::Models | Comparison::Limits | Comparison::Collect
                ) && cells.iter().filter(|(c, _)| c.id.model == name).count() > 1
            };
            let rows = cells
                .iter()
                .map(|&(cell, model)| Row {
                    label: if repeated(&model.name) {
                        format!("{} · {}", model.name, cell.id.varied)
                    } else {
                        model.name.clone()
                    },
                    cell,
                    model,
                })
                .collect();
            Some(Block { comparison, rows })
        })
        .collect()
}
