//! Sentences for sweeps: speedup against W (where each model peaks, and where the cores run
//! out for CPU work but not for IO), and time and memory against N (who wins at the largest size, how each model grows,
//! what each run created, and what bounds the ideal there: the server's delay, its request
//! rate, or connection setup).

use crate::format::{bytes, speedup, time};
use crate::ideal::Bound;
use crate::report::sections::{Block, Row};
use crate::workload::Kind;

use super::{efficiency_of, ideal_phrase, mean, measured, plural, speedup_of};

/// Where each model's speedup peaks over W, and what the machine's cores allow: for CPU work
/// the cores cap it; for IO, whose workers wait rather than compute, they do not.
pub fn scaling(block: &Block, cores: usize, kind: Kind) -> Vec<String> {
    let mut out = Vec::new();
    for model in block.models() {
        let rows: Vec<&Row> = block
            .of_model(&model.name)
            .into_iter()
            .filter(|r| !r.is_baseline() && r.speedup().is_some())
            .collect();
        let Some(best) = rows.iter().copied().max_by(|a, b| {
            let (x, y) = (a.speedup().unwrap_or(0.0), b.speedup().unwrap_or(0.0));
            x.total_cmp(&y)
        }) else {
            continue;
        };
        let mut s = format!(
            "{} ({}): best {} at {}",
            model.name,
            model.runs.describe(),
            speedup_of(best),
            best.cell.id.varied
        );
        if let Some(e) = efficiency_of(best) {
            s.push_str(&format!(", {e} of its ideal"));
        }
        if let Some(last) = rows.last().filter(|l| l.cell.id != best.cell.id) {
            s.push_str(&format!(
                "; at {} it gets {}",
                last.cell.id.varied,
                speedup_of(last)
            ));
        }
        s.push('.');
        out.push(s);
    }
    if out.is_empty() {
        out.push("No speedups: the sweep has no measured in-turn baseline.".into());
        return out;
    }
    let top = block
        .rows
        .iter()
        .filter_map(|r| r.cell.verdict.ideal_speedup)
        .fold(0.0, f64::max);
    if top <= 0.0 {
        return out;
    }
    out.push(match kind {
        Kind::Cpu => format!(
            "This machine has {}: past W={cores} more workers only take turns on the same \
             cores, so the ideal speedup (the dashed line) stops growing; its highest here is \
             {}.",
            plural(cores, "core"),
            speedup(top)
        ),
        Kind::Io | Kind::Mixed | Kind::Wait => io_scaling(block, cores, top),
    });
    out
}

/// Why IO keeps scaling past the cores: a worker waiting on the server uses no core.
fn io_scaling(block: &Block, cores: usize, top: f64) -> String {
    let beyond = block
        .rows
        .iter()
        .filter(|r| !r.is_baseline() && r.cell.workers > cores)
        .filter_map(|r| Some((r, r.speedup()?)))
        .max_by(|a, b| a.1.total_cmp(&b.1));
    let mut s = format!(
        "This machine has {}, yet the ideal speedup (the dashed line) keeps growing past \
         W={cores}, up to {} here: a worker waiting on the server uses no core, so IO wants \
         as many workers as requests in flight, while CPU work wants exactly the cores.",
        plural(cores, "core"),
        speedup(top)
    );
    if let Some((r, sp)) = beyond {
        s.push_str(&format!(
            " Measured: {} reached {} at {}, {} the cores.",
            r.label,
            speedup(sp),
            r.cell.id.varied,
            speedup(r.cell.workers as f64 / cores.max(1) as f64)
        ));
    }
    s
}

/// Who wins at the largest size, how each model grows, memory, what was created, and what
/// bounds the ideal there.
pub fn sizes(block: &Block) -> Vec<String> {
    let Some(last) = block.last_measured() else {
        return vec![
            "No model produced a checked, measured result here, so there is nothing to compare."
                .into(),
        ];
    };
    let at = block.at(last);
    let m = measured(at.iter().copied());
    let mut out = Vec::new();
    if let Some(win) = m.first() {
        let mut s = format!(
            "At {last}, {} was fastest at {}",
            win.label,
            time(mean(win))
        );
        if win.speedup().is_some() && !win.is_baseline() {
            s.push_str(&format!(", {} faster than in turn", speedup_of(win)));
        }
        if let (Some(e), Some(i)) = (efficiency_of(win), &win.cell.ideal) {
            s.push_str(&format!(", {e} of its ideal of {}", ideal_phrase(i)));
        }
        if let Some(slow) = m.last().filter(|s| s.cell.id != win.cell.id) {
            s.push_str(&format!(
                "; {} was slowest at {} ({} the winner's time)",
                slow.label,
                time(mean(slow)),
                speedup(mean(slow) / mean(win))
            ));
        }
        s.push('.');
        out.push(s);
    }
    for model in block.models() {
        // A block's rows are in order of the varied value within each model.
        let series: Vec<&Row> = block
            .of_model(&model.name)
            .into_iter()
            .filter(|r| r.mean().is_some())
            .collect();
        if let (Some(a), Some(b)) = (series.first(), series.last()) {
            if a.cell.id != b.cell.id {
                out.push(format!(
                    "{}: {} at {} to {} at {} ({} the time for {} the work).",
                    model.name,
                    time(mean(a)),
                    a.cell.id.varied,
                    time(mean(b)),
                    b.cell.id.varied,
                    speedup(mean(b) / mean(a)),
                    speedup(b.cell.id.varied.number() / a.cell.id.varied.number())
                ));
            }
        }
    }
    out.extend(created(&at, last));
    out.extend(memory(&at, last));
    out.extend(bounds(&at, last));
    out
}

/// What one run of each model created at the largest size.
fn created(at: &[&Row], last: crate::identity::Varied) -> Option<String> {
    let parts: Vec<String> = at
        .iter()
        .map(|r| format!("{} {}", r.label, census_words(r)))
        .collect();
    (!parts.is_empty()).then(|| {
        format!(
            "What one run created at {last}: {}. Every OS thread has its own stack; an async \
             task is a small object on the heap.",
            parts.join("; ")
        )
    })
}

/// `10000 OS threads and 10000 connections`, or `nothing new`.
fn census_words(r: &Row) -> String {
    let c = r.cell.census;
    let parts: Vec<String> = [
        (c.threads, "OS thread"),
        (c.tasks, "async task"),
        (c.processes, "worker process"),
        (c.connections, "connection"),
    ]
    .iter()
    .filter(|(n, _)| *n > 0)
    .map(|(n, w)| plural(*n as usize, w))
    .collect();
    match parts.len() {
        0 => "nothing new".into(),
        1 => parts[0].clone(),
        n => format!("{} and {}", parts[..n - 1].join(", "), parts[n - 1]),
    }
}

fn memory(at: &[&Row], last: crate::identity::Varied) -> Option<String> {
    let mem: Vec<(&Row, u64)> = at
        .iter()
        .filter_map(|r| r.cell.peak_rss_bytes.map(|b| (*r, b)))
        .collect();
    let lo = mem.iter().min_by_key(|(_, b)| *b)?;
    let hi = mem.iter().max_by_key(|(_, b)| *b)?;
    (lo.0.cell.id != hi.0.cell.id).then(|| {
        format!(
            "Memory at {last}: {} peaked at {}, {} {}'s {}.",
            hi.0.label,
            bytes(hi.1),
            speedup(hi.1 as f64 / lo.1.max(1) as f64),
            lo.0.label,
            bytes(lo.1)
        )
    })
}

/// Where the ideal at the largest size is bound by something other than the server's delay.
fn bounds(at: &[&Row], last: crate::identity::Varied) -> Vec<String> {
    let mut out = Vec::new();
    for bound in [Bound::Connections, Bound::Requests] {
        let rows: Vec<&&Row> = at
            .iter()
            .filter(|r| r.cell.ideal.is_some_and(|i| i.bound == bound))
            .collect();
        let Some(first) = rows.first() else {
            continue;
        };
        let Some(ideal) = first.cell.ideal else {
            continue;
        };
        let names: Vec<&str> = rows.iter().map(|r| r.label.as_str()).collect();
        let what = match bound {
            Bound::Connections => format!(
                "opening {} at the server's measured rate",
                plural(first.cell.census.connections as usize, "new connection")
            ),
            _ => format!(
                "{} at the server's measured request rate",
                plural(first.cell.tasks, "request")
            ),
        };
        out.push(format!(
            "At {last} the ideal of {} is bound by {}, not by the server's delay: {what} takes \
             at least {}. Read their efficiency against that bound.",
            names.join(", "),
            bound.describe(),
            time(ideal.seconds)
        ));
    }
    out
}
