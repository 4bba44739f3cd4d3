//! The tutorial's own settings (its pool's size, its batches) against running in turn: each
//! cell's time and speedup, next to what the bench recorded about the tutorial's figures (the
//! cell's notes, written beside the cell in the bench's table, never here).

use crate::format::time;
use crate::report::sections::{Block, Row};

use super::{mean, speedup_of};

/// One sentence per measured row, with its notes.
pub fn notice(block: &Block) -> Vec<String> {
    block
        .rows
        .iter()
        .filter(|r| r.mean().is_some())
        .map(sentence)
        .collect()
}

fn sentence(r: &Row) -> String {
    let t = mean(r);
    let mut s = match (r.speedup(), &r.cell.baseline) {
        (Some(sp), Some(base)) if !r.is_baseline() => format!(
            "{} ({}, {}) took {}: {} faster than {} running them in turn ({}).",
            r.label,
            r.model.runs.describe(),
            r.cell.id.varied,
            time(t),
            speedup_of(r),
            base.model,
            time(t * sp)
        ),
        _ if r.is_baseline() => format!(
            "{} ({}, {}) took {}: the in-turn run the others are compared with.",
            r.label,
            r.model.runs.describe(),
            r.cell.id.varied,
            time(t)
        ),
        _ => format!(
            "{} ({}, {}) took {}; no in-turn run of the same work was measured to compare with.",
            r.label,
            r.model.runs.describe(),
            r.cell.id.varied,
            time(t)
        ),
    };
    for note in &r.cell.notes {
        s.push(' ');
        s.push_str(note);
    }
    s
}
