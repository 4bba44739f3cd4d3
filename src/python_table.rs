//! `concur python`: the Python side alone (the tutorials' programs beside their Rust
//! counterparts, see [`crate::python::side`]), printed as the report's Python section is
//! drawn: the same pairs, ratios and lessons ([`crate::report::python`]), as text, or one JSON
//! line per cell with `--json`.

use std::collections::HashMap;
use std::fmt::Write as _;

use crate::error::{Error, Result};
use crate::python::side::{self, Options, TABLE};
use crate::report::python::{view, PythonView};
use crate::results::{Cell, Results, SCHEMA};

/// `concur python`'s arguments.
#[derive(clap::Args, Debug)]
pub struct PythonArgs {
    /// Workloads to run (default: every one the Python side has).
    pub workloads: Vec<String>,
    /// One checked run per cell instead of three.
    #[arg(long)]
    pub quick: bool,
    /// One JSON object per cell instead of the table.
    #[arg(long)]
    pub json: bool,
}

/// `concur python [WORKLOAD]… [--quick] [--json]`: the workloads checked, 3 checked runs per
/// cell (1 with `--quick`).
pub fn command(args: &PythonArgs, say: &mut dyn FnMut(&str)) -> Result<Printed> {
    let chosen = select(&args.workloads)?;
    run(&chosen, if args.quick { 1 } else { 3 }, args.json, say)
}

/// The workloads the Python side has, checked: every one when `asked` is empty.
pub fn select(asked: &[String]) -> Result<Vec<&'static str>> {
    let known: Vec<&'static str> = TABLE.iter().map(|e| e.workload).collect();
    if let Some(bad) = asked.iter().find(|a| !known.contains(&a.as_str())) {
        return Err(Error::InvalidInput(format!(
            "`{bad}` has no Python side (one of: {})",
            known.join(", ")
        )));
    }
    Ok(known
        .into_iter()
        .filter(|k| asked.is_empty() || asked.iter().any(|a| a == k))
        .collect())
}

/// What a run of the Python side printed, and the line that says what failed, if anything.
pub struct Printed {
    pub text: String,
    pub error: Option<String>,
}

/// Run the Python side on `workloads` with `repeat` checked runs per cell; `say` hears the
/// progress.
pub fn run(
    workloads: &[&str],
    repeat: usize,
    json: bool,
    say: &mut dyn FnMut(&str),
) -> Result<Printed> {
    let exe = std::env::current_exe()
        .map_err(|e| Error::InvalidInput(format!("cannot find this program: {e}")))?;
    let dir = side::dir();
    let path = std::env::var_os("PATH").unwrap_or_default();
    let select = |w: &str| workloads.contains(&w);
    let opts = Options {
        repeat,
        warm: true,
        select: &select,
        exe: &exe,
        dir: &dir,
        path: &path,
    };
    let outcome = side::run(&opts, say);
    if let Some(not) = &outcome.side.not_run {
        return Ok(Printed {
            text: String::new(),
            error: Some(format!(
                "the Python side did not run: {}; to enable it: {}",
                not.reason, not.enable
            )),
        });
    }
    let mut models = Vec::new();
    for r in &outcome.records {
        if !models.contains(&r.model) {
            models.push(r.model.clone());
        }
    }
    let cells = crate::report::join(outcome.records, &HashMap::new(), &models);
    let failed: Vec<String> = cells
        .iter()
        .filter(|c| !c.ok)
        .map(|c| {
            format!(
                "{} ({})",
                c.id,
                c.errors.first().map_or("wrong answer", |e| e)
            )
        })
        .collect();
    let error = (!failed.is_empty()).then(|| format!("failed: {}", failed.join("; ")));
    let text = if json {
        let mut text = String::new();
        for c in &cells {
            text.push_str(&serde_json::to_string(c).unwrap_or_default());
            text.push('\n');
        }
        text
    } else {
        let results = Results {
            schema: SCHEMA,
            generated: String::new(),
            command: String::new(),
            machine: Default::default(),
            models,
            workloads: Vec::new(),
            cells,
            python: Some(outcome.side),
            units: None,
            flows: Vec::new(),
        };
        view(&results).map_or_else(String::new, |v| table(&v, &results.cells, repeat))
    };
    Ok(Printed { text, error })
}

fn table(v: &PythonView, cells: &[Cell], repeat: usize) -> String {
    let mut out = String::new();
    let who = v.interpreter.as_deref().unwrap_or("Python");
    let _ = writeln!(
        out,
        "Python beside Rust: {who}, median of {repeat} checked run{} per cell ({} cells)",
        if repeat == 1 { "" } else { "s" },
        cells.len()
    );
    for w in &v.workloads {
        let _ = writeln!(out, "\n{} ({})", w.workload, w.setting);
        let _ = writeln!(
            out,
            "{:<20} {:<18} {:>9} {:>8} {:>6}  {:<11} {:>9} {:>8} {:>6}  {:>8} {:>9}",
            "how it runs",
            "Python",
            "time",
            "speedup",
            "eff.",
            "Rust",
            "time",
            "speedup",
            "eff.",
            "Py÷Rust",
            "tutorial"
        );
        for r in &w.rows {
            let _ = writeln!(
                out,
                "{:<20} {:<18} {:>9} {:>8} {:>6}  {:<11} {:>9} {:>8} {:>6}  {:>8} {:>9}",
                r.runs,
                r.python.model,
                r.python.time,
                r.python.speedup,
                r.python.efficiency,
                r.rust.model,
                r.rust.time,
                r.rust.speedup,
                r.rust.efficiency,
                r.ratio,
                r.tutorial
            );
        }
    }
    if !v.lessons.is_empty() {
        let _ = writeln!(out, "\nWhat to notice:");
        for l in &v.lessons {
            let _ = writeln!(out, "- {l}");
        }
    }
    out
}
