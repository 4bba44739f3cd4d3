//! The page's "Sharing state" section, drawn from the workloads that declare shared state
//! (`WorkloadInfo::shares_state`) and the models as they declared themselves:
//! - for the waiting ones (the bank account), each model's checked answer with why it follows
//!   from what the model shares and whether its tasks overlap (read from its declaration,
//!   never its name);
//! - for the CPU ones (the counters), time per unit of work against W, one line per workload,
//!   and sentences with the measured ratios: the cost of contention.

use anyhow::Result;

use crate::format::{ratio, time};
use crate::identity::Comparison;
use crate::model::Runs;
use crate::results::Results;
use crate::workload::Kind;

use super::blocks::{figure, BlockView, Chart, SectionView};
use super::charts::{self, PerUnit};
use super::sections::{Row, Section, FAIL_MARK, OK_MARK};

/// The section's HTML id.
pub const ID: &str = "sharing-state";

/// The "Sharing state" section, if any recorded workload shares state.
pub fn state_view(
    results: &Results,
    sections: &[Section],
    charts: &mut Vec<Chart>,
) -> Result<Option<SectionView>> {
    let declared = |s: &Section| {
        results
            .workloads
            .iter()
            .find(|w| w.name == s.workload)
            .filter(|w| w.shares_state)
    };
    let mut blocks = Vec::new();
    let waits: Vec<&Section> = sections
        .iter()
        .filter(|s| s.kind == Kind::Wait && declared(s).is_some())
        .collect();
    if !waits.is_empty() {
        blocks.push(where_it_lived(&waits));
    }
    let counted: Vec<(&Section, String)> = sections
        .iter()
        .filter(|s| s.kind == Kind::Cpu)
        .filter_map(|s| Some((s, singular(&declared(s)?.size_unit))))
        .collect();
    if let Some(block) = contention(&counted, charts)? {
        blocks.push(block);
    }
    Ok((!blocks.is_empty()).then(|| SectionView {
        id: ID.to_string(),
        title: "Sharing state".to_string(),
        kind: "what each model shares".to_string(),
        summary: "Tasks that change one account or one counter: what the answer is depends on \
                  whether the model's lanes share memory and run at once, and what a lock or an \
                  atomic costs when they do."
            .to_string(),
        blocks,
    }))
}

fn singular(unit: &str) -> String {
    let unit = if unit.is_empty() { "unit" } else { unit };
    unit.strip_suffix('s').unwrap_or(unit).to_string()
}

/// Each model's answer on the waiting workloads, and why, from its declaration.
fn where_it_lived(waits: &[&Section]) -> BlockView {
    let mut notice = Vec::new();
    for s in waits {
        for r in s
            .rows()
            .filter(|r| r.cell.id.comparison == Comparison::Models)
        {
            let answer = match (&r.cell.answer, r.cell.ok) {
                (Some(a), true) => format!("{OK_MARK} {a}"),
                (Some(a), false) => format!("{FAIL_MARK}: {a}"),
                (None, _) => FAIL_MARK.to_string(),
            };
            notice.push(format!(
                "{} on {} ({}): {answer}. {}",
                r.label,
                s.workload,
                r.model.runs.describe(),
                why(r)
            ));
        }
    }
    BlockView {
        id: format!("{ID}-where"),
        heading: "Where the account lived".to_string(),
        intro: "Two withdrawals of 800 from an account of 1000, each checking the balance, \
                pausing, then taking the money: once with nothing held between check and update, \
                once with a lock held across all three. Every answer below was checked against \
                the one the model's declaration predicts."
            .to_string(),
        figures: Vec::new(),
        notice,
        table: None,
    }
}

/// Why a model's answer is what it is, from what it declared and what the cell kept in flight.
fn why(r: &Row) -> &'static str {
    let m = r.model;
    if !m.shares_memory {
        "Each worker process has its own memory: every withdrawal changed its worker's copy, \
         which ran them one at a time, and the parent's account was never touched."
    } else if m.runs.one_at_a_time() || r.cell.in_flight < 2 {
        "One task at a time: the second withdrawal was checked after the first had taken its \
         money, so it was refused, lock or no lock."
    } else if !m.preemptive {
        "One thread, yet its tasks take turns at every .await, and the pause is one: both \
         checks ran before either update. A lock held across the .await refuses the second."
    } else {
        "Its lanes share one address space and run at once: both checks passed during the \
         pause, before either update. The lock held across check and update refuses the second."
    }
}

/// Time per unit against W on the CPU workloads that share state, with the ratios.
fn contention(
    counted: &[(&Section, String)],
    charts: &mut Vec<Chart>,
) -> Result<Option<BlockView>> {
    let per_unit = |r: &Row| Some(r.mean()? / r.cell.size.max(1) as f64 * 1e9);
    let mut lines: Vec<PerUnit> = Vec::new();
    for (s, _) in counted {
        // The sweep's cells, and the in-turn baseline as W = 1: one thread, the same work.
        let mut pts: Vec<(f64, f64)> = s
            .rows()
            .filter(|r| match r.cell.id.comparison {
                Comparison::Scaling => !r.is_baseline(),
                _ => r.is_baseline() && r.model.runs == Runs::InTurn,
            })
            .filter_map(|r| Some((r.cell.workers as f64, per_unit(r)?)))
            .collect();
        pts.sort_by(|a, b| a.0.total_cmp(&b.0));
        pts.dedup_by(|a, b| a.0 == b.0);
        if !pts.is_empty() {
            lines.push((s.workload.clone(), pts));
        }
    }
    let Some(unit) = counted.first().map(|(_, u)| u.clone()) else {
        return Ok(None);
    };
    if lines.is_empty() {
        return Ok(None);
    }
    let fig = figure(
        charts,
        &format!("{ID}-contention"),
        charts::contention(&lines, &unit)?,
        format!("time per {unit} against the number of threads, one line per way of sharing"),
    );
    Ok(Some(BlockView {
        id: format!("{ID}-contention"),
        heading: "The cost of contention".to_string(),
        intro: format!(
            "The same {unit}s on W threads (W = 1: in turn), shared three ways: a lock taken \
             for every {unit}, an atomic, and a local sum per task merged at the end. Each \
             point is criterion's mean time per run divided by the {unit}s it made (log \
             scale)."
        ),
        figures: vec![fig],
        notice: contention_notice(&lines, &unit),
        table: None,
    }))
}

/// Per line, how its cost per unit moved from its fewest threads to its most; then, at the
/// largest W every line reached, the dearest against the cheapest.
fn contention_notice(lines: &[PerUnit], unit: &str) -> Vec<String> {
    let ns = |v: f64| time(v / 1e9);
    let mut out: Vec<String> = lines
        .iter()
        .filter_map(|(name, pts)| {
            let (first, last) = (pts.first()?, pts.last()?);
            Some(if first.0 == last.0 {
                format!("{name}: {} per {unit} at W={}.", ns(first.1), first.0)
            } else {
                format!(
                    "{name}: {} per {unit} at W={}, {} at W={}: {} the cost of one thread's.",
                    ns(first.1),
                    first.0,
                    ns(last.1),
                    last.0,
                    ratio(last.1 / first.1)
                )
            })
        })
        .collect();
    let common = lines
        .iter()
        .filter_map(|(_, p)| p.last().map(|p| p.0))
        .fold(f64::INFINITY, f64::min);
    let at: Vec<(&str, f64)> = lines
        .iter()
        .filter_map(|(n, p)| Some((n.as_str(), p.iter().find(|p| p.0 == common)?.1)))
        .collect();
    let dear = at.iter().max_by(|a, b| a.1.total_cmp(&b.1));
    let cheap = at.iter().min_by(|a, b| a.1.total_cmp(&b.1));
    if let (Some(d), Some(c), true) = (dear, cheap, at.len() > 1) {
        out.push(format!(
            "At W={common}, {} cost {} per {unit}, {} {}'s {}: what the threads pay to take \
             turns on one shared value.",
            d.0,
            ns(d.1),
            ratio(d.1 / c.1),
            c.0,
            ns(c.1)
        ));
    }
    out
}
