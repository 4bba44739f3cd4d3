//! The Python side's section: per workload, each Python program beside the Rust model that
//! runs tasks the same way (time, speedup over its own language's in-turn run, efficiency
//! against the same ideal, Python ÷ Rust), the tutorial's own speedup beside it where it
//! printed one, and the lessons computed from this machine's numbers: the GIL, processes
//! paying to start, asyncio against tokio, and the interpreter. Or, when the Python side did
//! not run, why, and the one command that would enable it.
//!
//! Rows are paired by their models' declared [`Runs`] and `language`, never by name.

use serde::Serialize;

use crate::format::{efficiency, percent, ratio, speedup, time};
use crate::identity::Comparison;
use crate::model::{ModelInfo, Runs};
use crate::results::{Cell, Results};
use crate::tutorials::Tutorial;
use crate::workload::Kind;

/// The ways of running the Python side pairs, in the page's order.
const PAIRED: [Runs; 4] = [
    Runs::InTurn,
    Runs::ThreadPool,
    Runs::Processes,
    Runs::EventLoop,
];

/// The section, as strings for the template.
#[derive(Serialize)]
pub struct PythonView {
    /// The interpreter that ran, or `None` when it did not.
    pub interpreter: Option<String>,
    pub not_run: Option<crate::tutorials::NotRun>,
    pub lessons: Vec<String>,
    pub workloads: Vec<WorkloadView>,
    pub tutorials: Vec<TutorialView>,
}

#[derive(Serialize)]
pub struct WorkloadView {
    pub workload: String,
    /// `size 4 · W=2 · 50 ms delay`.
    pub setting: String,
    pub rows: Vec<PairView>,
}

/// One way of running, in both languages.
#[derive(Serialize)]
pub struct PairView {
    pub runs: &'static str,
    pub python: Side,
    pub rust: Side,
    /// Python's time ÷ Rust's.
    pub ratio: String,
    /// The tutorial's speedup for this way of running, if it printed one.
    pub tutorial: String,
}

#[derive(Serialize, Default)]
pub struct Side {
    pub model: String,
    pub color: String,
    pub time: String,
    pub speedup: String,
    pub efficiency: String,
    pub setup: String,
}

#[derive(Serialize)]
pub struct TutorialView {
    pub workload: String,
    pub source: String,
    pub conditions: String,
    /// `sequential 10.00 s · ThreadPoolExecutor(max_workers=5) 6.12 s (1.63×) · …`.
    pub timings: String,
    pub answer: Option<String>,
}

/// The section's view, or `None` for a results file that says nothing about a Python side.
pub fn view(results: &Results) -> Option<PythonView> {
    let side = results.python.as_ref()?;
    let cells: Vec<(&Cell, &ModelInfo)> = results
        .cells
        .iter()
        .filter(|c| c.id.comparison == Comparison::Python)
        .filter_map(|c| Some((c, results.model(&c.id.model)?)))
        .collect();
    let mut names: Vec<&str> = Vec::new();
    for (c, _) in &cells {
        if !names.contains(&c.id.workload.as_str()) {
            names.push(&c.id.workload);
        }
    }
    let find = |workload: &str, runs: Runs, python: bool| {
        cells.iter().copied().find(|(c, m)| {
            c.id.workload == workload && m.runs == runs && m.language.is_some() == python
        })
    };
    let tutorial_of = |w: &str| {
        side.tutorials
            .iter()
            .find(|t| t.workload == w && !t.timings.is_empty())
    };
    let workloads = names
        .iter()
        .map(|&w| WorkloadView {
            workload: w.to_string(),
            setting: cells
                .iter()
                .find(|(c, _)| c.id.workload == w)
                .map(|(c, _)| setting(c))
                .unwrap_or_default(),
            rows: PAIRED
                .iter()
                .filter_map(|&runs| {
                    let (py, rs) = (find(w, runs, true), find(w, runs, false));
                    if py.is_none() && rs.is_none() {
                        return None;
                    }
                    let ratio = match (py.and_then(|p| p.0.mean()), rs.and_then(|r| r.0.mean())) {
                        (Some(p), Some(r)) => ratio(p / r),
                        _ => "-".into(),
                    };
                    let tutorial = tutorial_of(w)
                        .and_then(|t| t.speedup(runs))
                        .map_or("-".into(), speedup);
                    Some(PairView {
                        runs: runs.describe(),
                        python: py.map(side_of).unwrap_or_default(),
                        rust: rs.map(side_of).unwrap_or_default(),
                        ratio,
                        tutorial,
                    })
                })
                .collect(),
        })
        .collect();
    Some(PythonView {
        interpreter: side.interpreter.clone(),
        not_run: side.not_run.clone(),
        lessons: lessons(&names, &find, &side.tutorials),
        workloads,
        tutorials: side.tutorials.iter().map(tutorial_view).collect(),
    })
}

fn setting(c: &Cell) -> String {
    let mut parts = vec![format!("size {}", c.size), format!("{} tasks", c.tasks)];
    parts.push(c.id.varied.to_string());
    if let Some(d) = c.delay_ms {
        parts.push(format!("{d} ms delay"));
    }
    parts.join(" · ")
}

fn side_of((c, m): (&Cell, &ModelInfo)) -> Side {
    let failed = !c.ok;
    Side {
        model: m.name.clone(),
        color: super::sections::color(m),
        time: match c.mean() {
            Some(t) => time(t),
            None if failed => super::sections::FAIL_MARK.into(),
            None => super::sections::GAP_MARK.into(),
        },
        speedup: c.mean().and(c.verdict.speedup).map_or("-".into(), speedup),
        efficiency: c
            .mean()
            .and(c.verdict.efficiency)
            .map_or("-".into(), |e| efficiency(e, c.verdict.anomaly.is_some())),
        setup: time(c.setup_s),
    }
}

fn tutorial_view(t: &Tutorial) -> TutorialView {
    let timings = t
        .timings
        .iter()
        .map(|x| {
            let range = match (x.low_s, x.high_s) {
                (Some(lo), Some(hi)) => format!("{lo}–{hi} s"),
                _ => format!("{:.2} s", x.seconds),
            };
            match t.speedup(x.runs).filter(|_| x.runs != Runs::InTurn) {
                Some(s) => format!("{} {range} ({})", x.label, speedup(s)),
                None => format!("{} {range}", x.label),
            }
        })
        .collect::<Vec<_>>()
        .join(" · ");
    TutorialView {
        workload: t.workload.clone(),
        source: t.source.clone(),
        conditions: t.conditions.clone(),
        timings,
        answer: t.answer.as_ref().map(|a| {
            format!(
                "printed {}; `concur run {} --size {}` prints the same",
                a.printed, t.workload, a.size
            )
        }),
    }
}

/// A Python thread pool's CPU speedup at most this is "nothing gained" (the GIL).
const GIL_BOUND: f64 = 1.2;
/// Rust threads' CPU speedup at least this is "reaching the cores" (on two or more).
const THREADS_SCALE: f64 = 1.5;

type Find<'f, 'a> = dyn Fn(&str, Runs, bool) -> Option<(&'a Cell, &'a ModelInfo)> + 'f;

/// The lessons, each a sentence from this machine's numbers (none where a number is missing).
fn lessons(names: &[&str], find: &Find, tutorials: &[Tutorial]) -> Vec<String> {
    let tutorial_of = |w: &str| {
        tutorials
            .iter()
            .find(|t| t.workload == w && !t.timings.is_empty())
    };
    let mean = |w: &str, runs: Runs, python: bool| find(w, runs, python).and_then(|c| c.0.mean());
    let gain = |w: &str, runs: Runs, python: bool| {
        Some(mean(w, Runs::InTurn, python)? / mean(w, runs, python)?)
    };
    let cpu: Vec<&str> = names
        .iter()
        .copied()
        .filter(|w| find(w, Runs::InTurn, true).is_some_and(|c| c.0.kind == Kind::Cpu))
        .collect();
    let io: Vec<&str> = names.iter().copied().filter(|w| !cpu.contains(w)).collect();
    let mut out = Vec::new();
    // The GIL: Python threads against Rust threads on CPU work.
    let mut as_taught = true;
    let gil: Vec<String> = cpu
        .iter()
        .filter_map(|w| {
            let (py, rs) = (
                gain(w, Runs::ThreadPool, true)?,
                gain(w, Runs::ThreadPool, false)?,
            );
            as_taught &= py <= GIL_BOUND && rs >= THREADS_SCALE;
            let tutorial = tutorial_of(w)
                .and_then(|t| t.speedup(Runs::ThreadPool))
                .map_or(String::new(), |s| format!(", the tutorial {}", speedup(s)));
            Some(format!(
                "{w}: Python {}{tutorial}, Rust {}",
                speedup(py),
                speedup(rs)
            ))
        })
        .collect();
    if !gil.is_empty() {
        let said = if as_taught {
            "a pool of Python threads gains nothing over one thread on CPU work, while Rust's \
             threads reach the cores"
        } else {
            "Python threads against Rust threads on CPU work, each over its own language's \
             in-turn run (where Rust's threads also fall short of W, the cores were busy with \
             other work: compare the efficiencies)"
        };
        out.push(format!(
            "The GIL: {said} ({}). One thread at a time runs Python bytecode; a Rust thread \
             needs no lock to compute.",
            gil.join("; ")
        ));
    }
    // Processes escape it, and pay to start.
    let procs: Vec<String> = cpu
        .iter()
        .filter_map(|w| {
            let py = gain(w, Runs::Processes, true)?;
            let rs = gain(w, Runs::Processes, false)?;
            Some(format!("{w}: Python {}, Rust {}", speedup(py), speedup(rs)))
        })
        .collect();
    let start = |python: bool| {
        cpu.first().and_then(|w| {
            let p = find(w, Runs::Processes, python)?.0;
            let s = find(w, Runs::InTurn, python)?.0;
            Some(((p.setup_s - s.setup_s).max(0.0), p.workers))
        })
    };
    if let (false, Some((py, w)), Some((rs, _))) = (procs.is_empty(), start(true), start(false)) {
        out.push(format!(
            "Processes pay to start, in both languages: starting {w} worker processes took {} \
             in Python (ProcessPoolExecutor's workers, each its own interpreter) and {} in Rust \
             (measured apart as setup, beyond the in-turn program's). Then they scale: {}.",
            time(py),
            time(rs),
            procs.join("; ")
        ));
    }
    // asyncio against tokio, the same requests in flight.
    let loops: Vec<String> = io
        .iter()
        .filter_map(|w| {
            let (py, rs) = (
                find(w, Runs::EventLoop, true)?,
                find(w, Runs::EventLoop, false)?,
            );
            let (pe, re) = (py.0.verdict.efficiency?, rs.0.verdict.efficiency?);
            Some(format!(
                "{w} ({} in flight): asyncio {} ({} of the ideal), tokio {} ({})",
                py.0.in_flight,
                time(py.0.mean()?),
                percent(pe),
                time(rs.0.mean()?),
                percent(re)
            ))
        })
        .collect();
    if !loops.is_empty() {
        out.push(format!(
            "asyncio against tokio, one event loop each with every request in flight: {}. The \
             server's delay is the same for both; what is left is each loop's own cost per \
             request.",
            loops.join("; ")
        ));
    }
    // The interpreter: the same work in turn.
    let interp: Vec<String> = cpu
        .iter()
        .filter_map(|w| {
            let r = mean(w, Runs::InTurn, true)? / mean(w, Runs::InTurn, false)?;
            Some(format!("{w} {}", ratio(r)))
        })
        .collect();
    if !interp.is_empty() {
        out.push(format!(
            "The interpreter: the same tasks in turn take CPython this many times Rust's time: \
             {}. No concurrency model closes that gap; processes only divide it by the cores.",
            interp.join(", ")
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tutorials::{self, NotRun, PythonSide};

    fn results(python: Option<PythonSide>) -> Results {
        Results {
            schema: crate::results::SCHEMA,
            generated: "2026-01-01T00:00:00Z".into(),
            command: "cargo bench".into(),
            machine: Default::default(),
            models: Vec::new(),
            workloads: Vec::new(),
            cells: Vec::new(),
            python,
            units: None,
            flows: Vec::new(),
        }
    }

    #[test]
    fn a_side_that_did_not_run_says_why_and_how_on_the_page() {
        let side = PythonSide {
            not_run: Some(NotRun {
                reason: "no python3 was found on PATH".into(),
                enable: "install Python 3 (`apt install python3 python3-venv`)".into(),
            }),
            tutorials: tutorials::all(),
            ..PythonSide::default()
        };
        let r = results(Some(side));
        let v = view(&r).unwrap();
        assert!(v.workloads.is_empty() && v.lessons.is_empty());
        assert!(v
            .tutorials
            .iter()
            .any(|t| t.timings.contains("6.12 s (1.6×)")));
        let html = super::super::page::render(&r, "criterion/report/index.html")
            .unwrap()
            .html;
        assert!(html.contains("Python rows not run:"), "{html}");
        assert!(html.contains("no python3 was found on PATH"));
        assert!(
            html.contains("<code>apt install python3 python3-venv</code>"),
            "{html}"
        );
        assert!(!html.contains("`apt"), "a raw backtick on the page");
        assert!(html.contains("333333318333333549999999"));
        // A file without a Python side has no such section.
        let html = super::super::page::render(&results(None), "x")
            .unwrap()
            .html;
        assert!(!html.contains("id=\"python\""));
    }
}
