//! `concur run`'s comparison: one workload under several models, the baseline first, each
//! model run `--repeat` times, its median judged against the baseline and its ideal (the
//! rules of [`compare`](crate::compare)), and each [`Row`] handed out the moment it is
//! known, so a long run shows its progress and an interrupted one keeps what finished.
//!
//! A model that fails to connect is followed by a look at the server ([`remote::answers`]):
//! a server that died or stopped answering mid-run is named as the cause, once, and the
//! models after it are not run, rather than each failing with "connection refused".

use serde::Serialize;

use crate::census::Census;
use crate::compare::{
    baseline_first, cell_io_ideal, cell_wait_ideal, cpu_lanes, io_least, judge, median,
    mixed_shape, Verdict,
};
use crate::ideal::{self, Ideal, ServerRates, Stat};
use crate::latency::IoLatency;
use crate::model::{Collect, Delivery, Model, ModelConfig, Runs};
use crate::remote;
use crate::run::{task_costs, Prepared, RunRecord};
use crate::usage::RunUsage;
use crate::workload::{Kind, Params, Workload};

/// One model's line in `concur run`: its median run and how it compares.
#[derive(Clone, Debug, Serialize)]
pub struct Row {
    pub workload: String,
    pub model: String,
    pub runs: Runs,
    pub kind: Kind,
    /// W as the model used it.
    pub workers: usize,
    /// Tasks the model keeps in flight at once.
    pub in_flight: usize,
    pub size: u64,
    pub tasks: usize,
    pub repeat: usize,
    /// Median wall time of the repeats, with the fastest and slowest.
    pub wall: Option<Stat>,
    pub setup_s: f64,
    pub peak_rss_bytes: Option<u64>,
    /// What the median run created: threads, async tasks, processes, connections.
    pub census: Census,
    /// Requests among CPU tasks: their latency over every request of the repeats that ran
    /// right, against the server's delay (see [`crate::latency`]).
    pub io_latency: Option<IoLatency>,
    /// In which order results were delivered (`--collect`).
    pub collect: Collect,
    /// When the median run's results reached the consumer: first result, mean and max wait.
    pub delivery: Option<Delivery>,
    /// The median run's CPU time (user, system; its worker processes' part) and context
    /// switches, with its own wall time: see [`crate::usage`].
    pub usage: Option<RunUsage>,
    pub ideal: Option<Ideal>,
    #[serde(flatten)]
    pub verdict: Verdict,
    pub server_rates: Option<ServerRates>,
    pub ok: bool,
    pub answer: Option<String>,
    pub expected: String,
    pub failed_tasks: usize,
    pub errors: Vec<String>,
}

/// Everything `concur run` needs to compare models on one workload.
pub struct Plan<'a> {
    pub workload: &'static dyn Workload,
    pub params: Params,
    /// The models to run; the baseline is run first whatever the order.
    pub models: Vec<&'static dyn Model>,
    pub config: &'a ModelConfig,
    pub repeat: usize,
    /// The server's measured rates, for IO ideals (`None`: not calibrated).
    pub rates: Option<ServerRates>,
    /// False when the server's delay is not known (`--server`): no IO ideal then.
    pub delay_known: bool,
    /// Cells whose ideal is longer than this are skipped, not run.
    pub max_ideal_s: f64,
}

/// What a comparison says while it runs, in order.
pub enum Event<'a> {
    /// A model is starting: `primes × pool (3/7)`.
    Starting(&'a str),
    /// A model's row, as soon as its repeats are done.
    Row(&'a Row),
    /// A model that was not run, and why.
    Skipped(&'a str),
}

/// What a comparison produced: rows, and what went wrong beside them.
#[derive(Default)]
pub struct Outcome {
    pub rows: Vec<Row>,
    /// Models that could not start, and a server that stopped answering.
    pub problems: Vec<String>,
    /// The model during which the server stopped answering, if it did.
    pub server_lost_during: Option<String>,
}

impl Outcome {
    /// The one line that says what failed (`None` when every row is right), for `Error: …`.
    pub fn error_line(&self, workload: &str) -> Option<String> {
        let failed: Vec<String> = self
            .rows
            .iter()
            .filter(|r| !r.ok && self.server_lost_during.as_ref() != Some(&r.model))
            .map(|r| {
                let first = r.errors.first().map_or("wrong answer", |e| e);
                format!("{} ({first})", r.model)
            })
            .collect();
        let mut parts = self.problems.clone();
        if !failed.is_empty() {
            parts.push(format!("{workload} failed under {}", failed.join(", ")));
        }
        (!parts.is_empty()).then(|| parts.join("; "))
    }
}

/// Run every model of `plan` `repeat` times and compare them, telling `each` what happens
/// as it happens; an error from `each` (e.g. a closed pipe) stops the comparison.
pub fn run<E>(plan: &Plan, mut each: impl FnMut(Event) -> Result<(), E>) -> Result<Outcome, E> {
    let mut out = Outcome::default();
    // (median record, its wall-time statistic) of the baseline, once it has run correctly.
    let mut baseline: Option<(RunRecord, Stat)> = None;
    let models = baseline_first(plan.models.clone());
    for (i, model) in models.iter().enumerate() {
        let name = plan.workload.name();
        let n = models.len();
        each(Event::Starting(&format!(
            "{name} × {} ({}/{n})",
            model.name(),
            i + 1
        )))?;
        let mut cell =
            match Prepared::start(plan.workload, *model, plan.params.clone(), plan.config) {
                Ok(cell) => cell,
                Err(e) => {
                    out.problems.push(format!("{}: {e}", model.name()));
                    continue;
                }
            };
        let runs = model.traits().runs;
        let waits = plan.workload.kind() == Kind::Wait;
        let least = ((plan.workload.kind() == Kind::Io && plan.delay_known) || waits)
            .then(|| io_least(cell.floors(), &cell.batch_sizes(), cell.in_flight(), runs))
            .flatten();
        if let Some(long) = least.filter(|i| i.seconds > plan.max_ideal_s) {
            let at_once = if runs.one_at_a_time() {
                "one at a time".to_string()
            } else {
                format!("{} in flight", cell.in_flight())
            };
            each(Event::Skipped(&format!(
                "{}: skipped, it would take at least {} ({} tasks, {at_once}); choose models with --models",
                model.name(),
                crate::format::time(long.seconds),
                cell.tasks().len(),
            )))?;
            continue;
        }
        let records: Vec<RunRecord> = (0..plan.repeat.max(1)).map(|_| cell.run()).collect();
        let Some(row) = judge_row(plan, *model, &cell, &records, &mut baseline) else {
            continue;
        };
        let lost = !row.ok && plan.workload.kind().has_io() && server_lost(plan, &row);
        if lost {
            let url = plan
                .params
                .io
                .as_ref()
                .map_or("?", |io| io.base_url.as_str());
            let refused = row.errors.iter().find(|e| e.contains("refused"));
            let why = refused.or(row.errors.first()).map_or("", |e| e.as_str());
            out.problems.insert(
                0,
                format!(
                    "the server at {url} stopped answering during {} ({why}); the models \
                     after it were not run",
                    model.name()
                ),
            );
            out.server_lost_during = Some(row.model.clone());
        }
        each(Event::Row(&row))?;
        out.rows.push(row);
        if lost {
            break;
        }
    }
    Ok(out)
}

/// A model's row from its repeats: the median run, failed if any repeat failed, judged
/// against the baseline (which it becomes, if it runs tasks in turn and is right).
fn judge_row(
    plan: &Plan,
    model: &dyn Model,
    cell: &Prepared,
    records: &[RunRecord],
    baseline: &mut Option<(RunRecord, Stat)>,
) -> Option<Row> {
    let walls: Vec<f64> = records.iter().map(|r| r.wall_s).collect();
    let wall = Stat::of_repeats(&walls);
    let mut median = median(records).cloned()?;
    // One failed repeat fails the row: its time may be fast because it failed.
    let failed = records.iter().filter(|r| !r.ok).count();
    if failed > 0 {
        median.ok = false;
        // "k of n repeats failed" only when some passed; the errors say the rest.
        let mut errors = Vec::new();
        if failed < records.len() {
            errors.push(format!("{failed} of {} repeats failed", records.len()));
        }
        for e in records.iter().flat_map(|r| &r.errors) {
            if !errors.contains(e) {
                errors.push(e.clone());
            }
        }
        median.errors = errors;
        median.failed_tasks = records.iter().map(|r| r.failed_tasks).max().unwrap_or(0);
    }
    if model.traits().runs == Runs::InTurn && median.ok && baseline.is_none() {
        if let Some(stat) = wall {
            *baseline = Some((median.clone(), stat));
        }
    }
    let connections = Some(median.census.connections);
    let ideal = match plan.workload.kind() {
        Kind::Io => io_ideal(plan, cell, connections),
        Kind::Wait => cell_wait_ideal(cell),
        Kind::Mixed => baseline
            .as_ref()
            .filter(|_| plan.delay_known)
            .map(|(b, stat)| {
                let rates = io_ideal(plan, cell, connections);
                ideal::mixed(&mixed_shape(cell), &task_costs(b), *stat, rates)
            }),
        Kind::Cpu => baseline.as_ref().map(|(b, stat)| {
            let cores = crate::run::cores();
            ideal::cpu(
                &task_costs(b),
                *stat,
                cpu_lanes(cell),
                cores,
                &cell.batch_sizes(),
            )
        }),
    };
    let verdict = judge(
        median.ok,
        wall,
        baseline.as_ref().map(|b| b.1),
        ideal.as_ref(),
    );
    Some(Row {
        workload: median.workload,
        model: median.model,
        runs: model.traits().runs,
        kind: median.kind,
        workers: median.workers,
        in_flight: cell.in_flight(),
        size: median.size,
        tasks: median.tasks,
        repeat: records.len(),
        wall,
        setup_s: median.setup_s,
        peak_rss_bytes: median.peak_rss_bytes,
        census: median.census,
        // Judged against the server's delay: none with somebody else's server (`--server`).
        io_latency: cell
            .io_latency(
                records
                    .iter()
                    .filter(|r| r.ok)
                    .map(|r| r.timeline.as_slice()),
            )
            .filter(|_| plan.delay_known),
        collect: median.collect,
        delivery: median.delivery,
        usage: median.usage,
        ideal,
        verdict,
        server_rates: plan.rates,
        ok: median.ok,
        answer: median.answer,
        expected: median.expected,
        failed_tasks: median.failed_tasks,
        errors: median.errors,
    })
}

/// True when `row` failed to connect and nothing answers at the server's address any more.
fn server_lost(plan: &Plan, row: &Row) -> bool {
    let connecting = row.errors.iter().any(|e| e.contains("connect"));
    connecting
        && plan
            .params
            .io
            .as_ref()
            .is_some_and(|io| !remote::answers(&io.base_url))
}

/// The IO ideal of a started cell in `concur run`, if the server's delay is known.
fn io_ideal(plan: &Plan, cell: &Prepared, connections: Option<u64>) -> Option<Ideal> {
    if !plan.workload.kind().has_io() || !plan.delay_known {
        return None;
    }
    cell_io_ideal(cell, plan.rates, connections)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(model: &str, ok: bool, error: &str) -> Row {
        Row {
            workload: "sites".into(),
            model: model.into(),
            runs: Runs::InTurn,
            kind: Kind::Io,
            workers: 1,
            in_flight: 1,
            size: 1,
            tasks: 1,
            repeat: 1,
            wall: None,
            setup_s: 0.0,
            peak_rss_bytes: None,
            census: Census::default(),
            io_latency: None,
            collect: Collect::Ordered,
            delivery: None,
            usage: None,
            ideal: None,
            verdict: Verdict::default(),
            server_rates: None,
            ok,
            answer: None,
            expected: String::new(),
            failed_tasks: usize::from(!ok),
            errors: (!ok).then(|| error.to_string()).into_iter().collect(),
        }
    }

    #[test]
    fn one_error_line_says_everything_that_failed() {
        let mut out = Outcome {
            rows: vec![
                row("sequential", true, ""),
                row("pool", false, "20 × connection refused"),
            ],
            ..Outcome::default()
        };
        assert_eq!(
            out.error_line("sites").as_deref(),
            Some("sites failed under pool (20 × connection refused)")
        );
        out.problems
            .push("the server at X stopped answering during pool".into());
        out.server_lost_during = Some("pool".into());
        assert_eq!(
            out.error_line("sites").as_deref(),
            Some("the server at X stopped answering during pool")
        );
        out.rows.truncate(1);
        out.problems.clear();
        assert_eq!(out.error_line("sites"), None);
    }
}
