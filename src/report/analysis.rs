//! What the numbers say: cells grouped into one section per workload, speedups over the
//! sequential baseline, efficiency against the ideal, and the "what to notice" sentences —
//! every number in them computed here from the measurements, never written in advance.

use std::collections::BTreeSet;

use crate::results::{Cell, Results};
use crate::workload::Kind;

use crate::format::{bytes, percent, ratio, slug, speedup, time};

/// The model every speedup is measured against.
pub const BASELINE: &str = "sequential";

/// A cell's standing: measured, failed (wrong answer or errors), or missing its estimate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    Measured,
    Failed,
    NoEstimate,
}

/// One cell with what it is compared against.
pub struct Row<'a> {
    pub cell: &'a Cell,
    /// How the page names this cell: the model, or `model value` where the model was measured
    /// at more than one non-numeric value in its group (`threads window-5`).
    pub label: String,
    /// The sequential cell doing the same work, if one was measured.
    pub baseline: Option<&'a Cell>,
    /// Baseline mean over this cell's mean.
    pub speedup: Option<f64>,
    /// Ideal over mean: 1.0 means the model reached the best time the hardware allows.
    pub efficiency: Option<f64>,
}

impl Row<'_> {
    pub fn status(&self) -> Status {
        status(self.cell)
    }

    /// The mean, only for a cell whose answer was right.
    pub fn mean(&self) -> Option<f64> {
        (self.status() == Status::Measured)
            .then_some(self.cell.mean_s)
            .flatten()
    }

    fn low(&self) -> f64 {
        self.cell.ci_low_s.or(self.cell.mean_s).unwrap_or(f64::NAN)
    }

    fn high(&self) -> f64 {
        self.cell.ci_high_s.or(self.cell.mean_s).unwrap_or(f64::NAN)
    }
}

/// The standing of a cell.
pub fn status(cell: &Cell) -> Status {
    if !cell.ok {
        Status::Failed
    } else if cell.mean_s.is_none() {
        Status::NoEstimate
    } else {
        Status::Measured
    }
}

/// One criterion group's cells, in model order then by value.
pub struct Group<'a> {
    pub rows: Vec<Row<'a>>,
    /// Several numeric values per model (a sweep over W or N): drawn as lines, not bars.
    pub sweep: bool,
    /// What the value means: `W` (workers), `N` (requests in flight: the value is the task
    /// count), or plain `value` when the records do not say.
    pub param: &'static str,
}

impl Group<'_> {
    /// The distinct values, in numeric order.
    pub fn values(&self) -> Vec<String> {
        let mut seen: Vec<String> = Vec::new();
        for r in &self.rows {
            if !seen.contains(&r.cell.value) {
                seen.push(r.cell.value.clone());
            }
        }
        seen.sort_by(|a, b| num(a).total_cmp(&num(b)));
        seen
    }

    /// The distinct models, in display order.
    pub fn models(&self) -> Vec<String> {
        let mut seen: Vec<String> = Vec::new();
        for r in &self.rows {
            if !seen.contains(&r.cell.model) {
                seen.push(r.cell.model.clone());
            }
        }
        seen
    }
}

/// Everything the page shows about one workload.
pub struct Section<'a> {
    pub workload: String,
    pub id: String,
    pub kind: Kind,
    pub summary: String,
    /// The group named after the workload (one cell per model, or a sweep for `crowd`).
    pub main: Option<Group<'a>>,
    /// `<workload>-scaling`: speedup against W.
    pub scaling: Option<Group<'a>>,
}

impl Section<'_> {
    pub fn groups(&self) -> impl Iterator<Item = &Group<'_>> {
        self.main.iter().chain(self.scaling.iter())
    }
}

/// A value as a number for sorting and plotting (non-numbers sort last).
pub fn num(value: &str) -> f64 {
    value.trim().parse().unwrap_or(f64::INFINITY)
}

/// The display position of a model: registry order, unknown models after.
pub fn model_rank(name: &str) -> usize {
    crate::model::all()
        .iter()
        .position(|m| m.name() == name)
        .unwrap_or(usize::MAX)
}

/// Group the cells into sections, one per workload, in registry order (unknown workloads after,
/// CPU before IO, in order of appearance).
pub fn sections(results: &Results) -> Vec<Section<'_>> {
    let mut names: Vec<(String, Kind)> = Vec::new();
    for c in &results.cells {
        let w = workload_of(&c.group).to_string();
        if !names.iter().any(|(n, _)| *n == w) {
            names.push((w, c.kind));
        }
    }
    let registry: Vec<&str> = crate::workload::all().iter().map(|w| w.name()).collect();
    names.sort_by_key(|(n, kind)| {
        let pos = registry.iter().position(|r| r == n).unwrap_or(usize::MAX);
        (pos, *kind == Kind::Io)
    });
    names
        .into_iter()
        .map(|(name, kind)| {
            let summary = crate::workload::by_name(&name)
                .map(|w| w.summary().to_string())
                .unwrap_or_default();
            Section {
                id: slug(&name),
                main: group(results, &name, kind),
                scaling: group(results, &format!("{name}-scaling"), kind),
                workload: name,
                kind,
                summary,
            }
        })
        .collect()
}

/// The workload a group belongs to: the group name without `-scaling`.
pub fn workload_of(group: &str) -> &str {
    group.strip_suffix("-scaling").unwrap_or(group)
}

fn group<'a>(results: &'a Results, name: &str, kind: Kind) -> Option<Group<'a>> {
    let mut cells: Vec<&Cell> = results.cells.iter().filter(|c| c.group == name).collect();
    if cells.is_empty() {
        return None;
    }
    cells.sort_by(|a, b| {
        (model_rank(&a.model), &a.model)
            .cmp(&(model_rank(&b.model), &b.model))
            .then(num(&a.value).total_cmp(&num(&b.value)))
    });
    let rows: Vec<Row> = cells
        .into_iter()
        .map(|cell| {
            let baseline = baseline(cell, &results.cells);
            let mean = (status(cell) == Status::Measured)
                .then_some(cell.mean_s)
                .flatten();
            let speedup = match (baseline.and_then(|b| b.mean_s), mean) {
                (Some(b), Some(m)) if m > 0.0 => Some(b / m),
                _ => None,
            };
            let efficiency = match (cell.ideal_s, mean) {
                (Some(i), Some(m)) if m > 0.0 => Some(i / m),
                _ => None,
            };
            Row {
                label: cell.model.clone(),
                cell,
                baseline,
                speedup,
                efficiency,
            }
        })
        .collect();
    let scaling = name.ends_with("-scaling");
    let numeric = rows.iter().all(|r| num(&r.cell.value).is_finite());
    let models: BTreeSet<&str> = rows.iter().map(|r| r.cell.model.as_str()).collect();
    let sweep = numeric && rows.len() > models.len();
    let mut rows = rows;
    if !sweep {
        let cells: Vec<&Cell> = rows.iter().map(|r| r.cell).collect();
        for r in &mut rows {
            if cells.iter().filter(|c| c.model == r.cell.model).count() > 1 {
                r.label = format!("{} {}", r.cell.model, r.cell.value);
            }
        }
    }
    let param = if scaling || kind == Kind::Cpu {
        "W"
    } else if rows
        .iter()
        .all(|r| r.cell.value == r.cell.tasks.to_string())
    {
        "N"
    } else if rows
        .iter()
        .all(|r| r.cell.value == r.cell.workers.to_string())
    {
        "W"
    } else {
        "value"
    };
    Some(Group { rows, sweep, param })
}

/// The measured sequential cell doing the same work as `cell`: same group and value, else same
/// group (or the workload's own group) with the same size and task count.
pub fn baseline<'a>(cell: &Cell, all: &'a [Cell]) -> Option<&'a Cell> {
    let seq = || {
        all.iter()
            .filter(|c| c.model == BASELINE && status(c) == Status::Measured)
    };
    let same_work = |c: &&Cell| c.size == cell.size && c.tasks == cell.tasks;
    seq()
        .find(|c| c.group == cell.group && c.value == cell.value)
        .or_else(|| seq().filter(same_work).find(|c| c.group == cell.group))
        .or_else(|| {
            seq()
                .filter(same_work)
                .find(|c| c.group == workload_of(&cell.group))
        })
}

/// The sentences under a section's main table.
pub fn notice(section: &Section, cores: usize) -> Vec<String> {
    let Some(main) = &section.main else {
        return Vec::new();
    };
    let mut out = Vec::new();
    if main.sweep {
        out.extend(notice_sweep(main));
    } else {
        out.extend(notice_values(main));
        let rows: Vec<&Row> = main.rows.iter().collect();
        out.extend(notice_cells(&rows, section.kind, cores));
    }
    out.extend(failures(main));
    out
}

/// The sentences under a scaling table.
pub fn notice_scaling(group: &Group, cores: usize) -> Vec<String> {
    let mut out = Vec::new();
    for model in group.models().into_iter().filter(|m| m != BASELINE) {
        let rows: Vec<&Row> = group
            .rows
            .iter()
            .filter(|r| r.cell.model == model && r.speedup.is_some())
            .collect();
        let Some(best) = rows.iter().max_by(|a, b| {
            a.speedup
                .unwrap_or(0.0)
                .total_cmp(&b.speedup.unwrap_or(0.0))
        }) else {
            continue;
        };
        let mut s = format!(
            "{model}: best {} at W={}",
            speedup(best.speedup.unwrap_or(f64::NAN)),
            best.cell.value
        );
        if let Some(e) = best.efficiency {
            s.push_str(&format!(" ({} of ideal)", percent(e)));
        }
        if let Some(last) = rows.last().filter(|l| l.cell.value != best.cell.value) {
            s.push_str(&format!(
                "; at W={} it gets {}",
                last.cell.value,
                speedup(last.speedup.unwrap_or(f64::NAN))
            ));
        }
        s.push('.');
        out.push(s);
    }
    if out.is_empty() {
        out.push("No speedups: the sweep has no measured sequential baseline.".into());
    } else {
        out.push(format!(
            "This machine has {cores} core{}: past W={cores} more workers only take turns on the \
             same cores, so the ideal speedup stops at {}.",
            if cores == 1 { "" } else { "s" },
            speedup(cores as f64)
        ));
    }
    out.extend(failures(group));
    out
}

fn measured<'a>(rows: &[&'a Row<'a>]) -> Vec<&'a Row<'a>> {
    let mut m: Vec<&Row> = rows
        .iter()
        .copied()
        .filter(|r| r.mean().is_some())
        .collect();
    m.sort_by(|a, b| {
        a.mean()
            .unwrap_or(f64::INFINITY)
            .total_cmp(&b.mean().unwrap_or(f64::INFINITY))
    });
    m
}

fn find<'a>(rows: &[&'a Row<'a>], model: &str) -> Option<&'a Row<'a>> {
    rows.iter().copied().find(|r| r.cell.model == model)
}

/// The fastest of `models` among `rows`.
fn best_of<'a>(rows: &[&'a Row<'a>], models: &[&str]) -> Option<&'a Row<'a>> {
    rows.iter()
        .copied()
        .find(|r| models.contains(&r.cell.model.as_str()))
}

/// Winner, runner-up, ideal, and the textbook checks for one set of comparable cells.
fn notice_cells(rows: &[&Row], kind: Kind, cores: usize) -> Vec<String> {
    let m = measured(rows);
    let mut out = Vec::new();
    let Some(win) = m.first() else {
        out.push(
            "No model produced a checked, measured result here, so there is nothing to compare."
                .into(),
        );
        return out;
    };
    let wt = win.mean().unwrap_or(f64::NAN);
    let seq = find(&m, BASELINE);
    let mut s = if win.cell.model == BASELINE {
        format!(
            "sequential was fastest at {}: no concurrency model beat running the tasks one \
             after another here; what they add (setup, hand-offs) cost more than they saved.",
            time(wt)
        )
    } else {
        match (win.speedup, win.baseline) {
            (Some(sp), Some(b)) => format!(
                "{} was fastest: {}, {} faster than sequential ({}).",
                win.label,
                time(wt),
                speedup(sp),
                time(b.mean_s.unwrap_or(f64::NAN))
            ),
            _ => format!(
                "{} was fastest at {}; no sequential baseline was measured, so there are no \
                 speedups.",
                win.label,
                time(wt)
            ),
        }
    };
    if let Some(e) = win.efficiency {
        s.push_str(&format!(
            " That is {} of the ideal {} ({}).",
            percent(e),
            time(win.cell.ideal_s.unwrap_or(f64::NAN)),
            match kind {
                Kind::Cpu => "the sequential work shared perfectly over the usable cores",
                Kind::Io => "the server's delay, as if nothing else cost time",
            }
        ));
    }
    out.push(s);
    if let Some(run) = m.get(1) {
        if run.low() <= win.high() {
            out.push(format!(
                "{} ({}) is within noise of {}: their 95% confidence intervals overlap, so \
                 treat them as tied.",
                run.label,
                time(run.mean().unwrap_or(f64::NAN)),
                win.label
            ));
        } else {
            out.push(format!(
                "The runner-up, {}, took {} ({} the winner's time).",
                run.label,
                time(run.mean().unwrap_or(f64::NAN)),
                ratio(run.mean().unwrap_or(f64::NAN) / wt)
            ));
        }
    }
    match kind {
        Kind::Cpu => out.extend(cpu_checks(&m, seq, cores)),
        Kind::Io => out.extend(io_checks(&m, seq)),
    }
    out.extend(setup_cost(&m));
    out
}

fn cpu_checks(m: &[&Row], seq: Option<&Row>, cores: usize) -> Vec<String> {
    let mut out = Vec::new();
    let threaded = best_of(m, &["pool", "threads"]);
    if let (Some(a), Some(s)) = (find(m, "async"), seq) {
        let sp = a.speedup.unwrap_or(f64::NAN);
        if sp >= 1.15 && a.high() < s.low() {
            out.push(format!(
                "Surprise: async on one thread ran {} faster than sequential ({} vs {}). The \
                 textbook says one thread cannot speed up CPU work however its tasks are \
                 scheduled; check the kernel really is CPU-bound.",
                speedup(sp),
                time(a.mean().unwrap_or(f64::NAN)),
                time(s.mean().unwrap_or(f64::NAN))
            ));
        } else {
            out.push(format!(
                "async on one thread took {} ({} sequential's speed): as the textbook says, one \
                 thread is one core however its tasks take turns, just like asyncio.",
                time(a.mean().unwrap_or(f64::NAN)),
                speedup(sp)
            ));
        }
    }
    if let Some(t) = threaded.filter(|t| t.speedup.is_some()) {
        let sp = t.speedup.unwrap_or(f64::NAN);
        if cores <= 1 {
            out.push(format!(
                "This machine has one core, so no model can run CPU work in parallel: {} got {}.",
                t.label,
                speedup(sp)
            ));
        } else if sp >= 1.3 {
            out.push(format!(
                "Unlike Python threads, which the GIL keeps to one core at a time, {} used \
                 several cores: {} faster than sequential with {} cores (the most possible is {}).",
                t.label,
                speedup(sp),
                cores,
                speedup(t.cell.workers.clamp(1, cores) as f64)
            ));
        } else {
            out.push(format!(
                "Surprise: {} gained only {} on {} cores, though Rust threads have no GIL. Look \
                 at the task count, the setup cost, and what else the machine was running.",
                t.label,
                speedup(sp),
                cores
            ));
        }
    }
    if let (Some(am), Some(t)) = (find(m, "async-mt"), threaded) {
        if am.high() < t.low() {
            out.push(format!(
                "Surprise: async-mt ({}) beat {} ({}); on CPU work a multi-thread runtime is a \
                 thread pool plus a scheduler, so a tie is the textbook's best case.",
                time(am.mean().unwrap_or(f64::NAN)),
                t.label,
                time(t.mean().unwrap_or(f64::NAN))
            ));
        }
    }
    if let (Some(p), Some(t)) = (find(m, "process"), threaded) {
        let ratio = p.mean().unwrap_or(f64::NAN) / t.mean().unwrap_or(f64::NAN);
        if p.high() < t.low() {
            out.push(format!(
                "Surprise: process ({}) beat {} ({}) despite sending every task and answer \
                 through a pipe.",
                time(p.mean().unwrap_or(f64::NAN)),
                t.label,
                time(t.mean().unwrap_or(f64::NAN))
            ));
        } else {
            out.push(format!(
                "process took {} ({} {}'s time): every task and answer crosses a pipe as JSON \
                 (Python's pickling, made visible); starting its workers cost {} more, counted \
                 as setup.",
                time(p.mean().unwrap_or(f64::NAN)),
                speedup(ratio),
                t.label,
                time(p.cell.setup_s)
            ));
        }
    }
    out
}

fn io_checks(m: &[&Row], seq: Option<&Row>) -> Vec<String> {
    let mut out = Vec::new();
    let best = m.iter().copied().find(|r| r.cell.model != BASELINE);
    if let (Some(b), Some(_)) = (best, seq) {
        let sp = b.speedup.unwrap_or(f64::NAN);
        if sp >= 2.0 {
            out.push(format!(
                "{} finished {} faster than sequential: while one request waits on the server \
                 the others wait at the same time, instead of one after another.",
                b.label,
                speedup(sp)
            ));
        } else {
            out.push(format!(
                "Surprise: the best concurrent model, {}, gained only {} over sequential on \
                 this IO workload; see the notes for what bounded it.",
                b.label,
                speedup(sp)
            ));
        }
    }
    if let (Some(t), Some(a)) = (
        best_of(m, &["threads", "pool"]),
        best_of(m, &["async", "async-mt"]),
    ) {
        let (tt, at) = (t.mean().unwrap_or(f64::NAN), a.mean().unwrap_or(f64::NAN));
        let (fast, slow, times) = if at <= tt {
            (a, t, tt / at)
        } else {
            (t, a, at / tt)
        };
        let tie = a.low() <= t.high() && t.low() <= a.high();
        out.push(if tie {
            format!(
                "{} ({}) and {} ({}) are tied within noise: for this many requests both \
                 overlap the waits equally well.",
                t.label,
                time(tt),
                a.label,
                time(at)
            )
        } else {
            format!(
                "{} was {} faster than {} ({} vs {}).",
                fast.label,
                ratio(times),
                slow.label,
                time(fast.mean().unwrap_or(f64::NAN)),
                time(slow.mean().unwrap_or(f64::NAN))
            )
        });
    }
    out
}

/// The model whose setup weighs most against one run, if it weighs at all.
fn setup_cost(m: &[&Row]) -> Option<String> {
    let r = m.iter().filter(|r| r.cell.setup_s >= 1e-3).max_by(|a, b| {
        let ra = a.cell.setup_s / a.mean().unwrap_or(f64::INFINITY);
        let rb = b.cell.setup_s / b.mean().unwrap_or(f64::INFINITY);
        ra.total_cmp(&rb)
    })?;
    let ratio = r.cell.setup_s / r.mean()?;
    (ratio >= 0.1).then(|| {
        format!(
            "Setup is not free: {} spent {} starting up ({} one run). It is paid once per \
             pool, runtime or set of processes, so it matters when you run only a few batches.",
            r.label,
            time(r.cell.setup_s),
            if ratio < 1.0 {
                format!("{} of", percent(ratio))
            } else {
                format!("{} as long as", speedup(ratio))
            }
        )
    })
}

/// For a group that measured a model at several values that are not numbers (not a sweep):
/// how the values compare, model by model, and for `window-N` against `batch-N`, why.
fn notice_values(g: &Group) -> Vec<String> {
    let mut out = Vec::new();
    if g.sweep {
        return out;
    }
    // (model, window row, batch row, N) for each model measured at exactly window-N and batch-N.
    let mut pairs: Vec<(&Row, &Row, usize)> = Vec::new();
    for model in g.models() {
        let rows: Vec<&Row> = g.rows.iter().filter(|r| r.cell.model == model).collect();
        if rows.len() < 2 {
            continue;
        }
        let m = measured(&rows);
        if m.len() < 2 {
            continue;
        }
        let listed: Vec<String> = rows
            .iter()
            .filter_map(|r| Some((r, r.mean()?)))
            .enumerate()
            .map(|(i, (r, t))| {
                let verb = if i == 0 { " took" } else { "" };
                format!("{}{verb} {}", r.cell.value, time(t))
            })
            .collect();
        let (fast, slow) = (m[0], m[m.len() - 1]);
        let (tf, ts) = (
            fast.mean().unwrap_or(f64::NAN),
            slow.mean().unwrap_or(f64::NAN),
        );
        let verdict = if slow.low() <= fast.high() {
            format!(
                "{} and {} are tied within noise (their 95% confidence intervals overlap)",
                fast.cell.value, slow.cell.value
            )
        } else if m.len() == 2 {
            format!("{} was {} faster", fast.cell.value, ratio(ts / tf))
        } else {
            format!(
                "{} was fastest, {} faster than {}",
                fast.cell.value,
                ratio(ts / tf),
                slow.cell.value
            )
        };
        out.push(format!("{model}: {} — {verdict}.", listed.join(", ")));
        if let [a, b] = rows[..] {
            let (window, batch) = if a.cell.value.starts_with("window-") {
                (a, b)
            } else {
                (b, a)
            };
            let n = |v: &str, prefix: &str| v.strip_prefix(prefix)?.parse::<usize>().ok();
            if let (Some(w), Some(bn)) = (
                n(&window.cell.value, "window-"),
                n(&batch.cell.value, "batch-"),
            ) {
                if w == bn {
                    pairs.push((window, batch, w));
                }
            }
        }
    }
    out.extend(window_vs_batch(&pairs));
    out
}

/// Why a sliding window of N beats batches of N, said only where the data show it; where they
/// do not, that the data disagree with the expectation.
fn window_vs_batch(pairs: &[(&Row, &Row, usize)]) -> Vec<String> {
    let mut out = Vec::new();
    let (agree, disagree): (Vec<_>, Vec<_>) = pairs
        .iter()
        .copied()
        .filter(|(w, b, _)| w.mean().is_some() && b.mean().is_some())
        .partition(|(w, b, _)| w.high() < b.low());
    let compare = |list: &[(&Row, &Row, usize)]| -> String {
        list.iter()
            .map(|(w, b, _)| {
                let (tw, tb) = (w.mean().unwrap_or(f64::NAN), b.mean().unwrap_or(f64::NAN));
                let mut s = format!(
                    "{} {} with the window against {} in batches",
                    w.cell.model,
                    time(tw),
                    time(tb)
                );
                if let (Some(fw), Some(fb)) = (in_flight(w.cell), in_flight(b.cell)) {
                    s.push_str(&format!(
                        ", {fw:.1} against {fb:.1} requests in flight on average"
                    ));
                }
                s
            })
            .collect::<Vec<_>>()
            .join("; ")
    };
    if let Some((_, _, n)) = agree.first() {
        out.push(format!(
            "Why the window wins: with batches of {n}, each batch waits for its slowest request \
             before the next batch starts, so the slots of requests that finished early sit \
             idle; a sliding window of {n} starts a new request as soon as one finishes, so \
             it keeps up to {n} in flight the whole time. Measured: {}.",
            compare(&agree)
        ));
    }
    if let Some((_, _, n)) = disagree.first() {
        out.push(format!(
            "The data disagree with the expectation that a sliding window of {n} beats batches \
             of {n} (a window starts a new request as soon as one finishes; a batch waits for \
             its slowest request): the window was not faster beyond noise here ({}). Look at \
             the timeline below and at what else bounded the run.",
            compare(&disagree)
        ));
    }
    out
}

/// How many tasks were in progress at once on average over a cell's recorded run.
fn in_flight(cell: &Cell) -> Option<f64> {
    let end = cell.timeline.iter().map(|s| s.end_s).fold(0.0, f64::max);
    let start = cell
        .timeline
        .iter()
        .map(|s| s.start_s)
        .fold(f64::INFINITY, f64::min)
        .min(0.0);
    let busy: f64 = cell
        .timeline
        .iter()
        .map(|s| (s.end_s - s.start_s).max(0.0))
        .sum();
    (end - start > 0.0).then(|| busy / (end - start))
}

/// Per-value winners, growth and memory for a sweep (e.g. `crowd` over N).
fn notice_sweep(g: &Group) -> Vec<String> {
    let mut out = Vec::new();
    let values = g.values();
    let last = values.iter().rev().find(|v| {
        g.rows
            .iter()
            .any(|r| &r.cell.value == *v && r.mean().is_some())
    });
    let Some(last) = last else {
        out.push(
            "No model produced a checked, measured result here, so there is nothing to compare."
                .into(),
        );
        return out;
    };
    let at: Vec<&Row> = g.rows.iter().filter(|r| &r.cell.value == last).collect();
    let m = measured(&at);
    if let Some(win) = m.first() {
        let mut s = format!(
            "At {}={last}, {} was fastest at {}",
            g.param,
            win.cell.model,
            time(win.mean().unwrap_or(f64::NAN))
        );
        if let Some(sp) = win.speedup {
            s.push_str(&format!(", {} faster than sequential", speedup(sp)));
        }
        if let Some(e) = win.efficiency {
            s.push_str(&format!(", {} of the ideal", percent(e)));
        }
        if let Some(slow) = m.last().filter(|s| s.cell.model != win.cell.model) {
            s.push_str(&format!(
                "; {} was slowest at {} ({} the winner's time)",
                slow.cell.model,
                time(slow.mean().unwrap_or(f64::NAN)),
                speedup(slow.mean().unwrap_or(f64::NAN) / win.mean().unwrap_or(f64::NAN))
            ));
        }
        s.push('.');
        out.push(s);
    }
    for model in g.models() {
        let series: Vec<&Row> = g
            .rows
            .iter()
            .filter(|r| r.cell.model == model && r.mean().is_some())
            .collect();
        if let (Some(a), Some(b)) = (series.first(), series.last()) {
            if a.cell.value != b.cell.value {
                let (ta, tb) = (a.mean().unwrap_or(f64::NAN), b.mean().unwrap_or(f64::NAN));
                out.push(format!(
                    "{model}: {} at {}={} to {} at {}={} ({} the time for {} the work).",
                    time(ta),
                    g.param,
                    a.cell.value,
                    time(tb),
                    g.param,
                    b.cell.value,
                    speedup(tb / ta),
                    speedup(num(&b.cell.value) / num(&a.cell.value))
                ));
            }
        }
    }
    let mem: Vec<(&Row, u64)> = at
        .iter()
        .filter_map(|r| r.cell.peak_rss_bytes.map(|b| (*r, b)))
        .collect();
    if let (Some(lo), Some(hi)) = (
        mem.iter().min_by_key(|(_, b)| *b),
        mem.iter().max_by_key(|(_, b)| *b),
    ) {
        if lo.0.cell.model != hi.0.cell.model {
            out.push(format!(
                "Memory at {}={last}: {} peaked at {}, {} {}'s {}.",
                g.param,
                hi.0.cell.model,
                bytes(hi.1),
                speedup(hi.1 as f64 / lo.1.max(1) as f64),
                lo.0.cell.model,
                bytes(lo.1)
            ));
        }
    }
    out
}

/// One sentence naming the cells that failed or were not measured, if any.
pub fn failures(g: &Group) -> Option<String> {
    let bad: Vec<String> = g
        .rows
        .iter()
        .filter(|r| r.status() != Status::Measured)
        .map(|r| {
            let what = if r.status() == Status::Failed {
                "failed"
            } else {
                "has no estimate"
            };
            format!("{} ({}={}) {what}", r.cell.model, g.param, r.cell.value)
        })
        .collect();
    (!bad.is_empty()).then(|| {
        format!(
            "Left out of the comparison: {}. See the table for why.",
            bad.join(", ")
        )
    })
}

/// The row the summary table shows for a section: the fastest measured cell of the main group
/// (at the largest value for a sweep).
pub fn winner<'a>(section: &'a Section<'a>) -> Option<&'a Row<'a>> {
    let g = section.main.as_ref().or(section.scaling.as_ref())?;
    let rows: Vec<&Row> = if g.sweep {
        let values = g.values();
        let last = values.iter().rev().find(|v| {
            g.rows
                .iter()
                .any(|r| &r.cell.value == *v && r.mean().is_some())
        })?;
        g.rows.iter().filter(|r| &r.cell.value == last).collect()
    } else {
        g.rows.iter().collect()
    };
    measured(&rows).first().copied()
}
