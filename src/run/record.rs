//! The record of one run of a cell ([`RunRecord`]): the answer and whether it is right, the
//! times, the errors, the per-task timeline, and what the run created and used; and the task
//! costs the ideal is computed from. Written by [`super::Prepared::run`], read by the CLI's
//! comparison, the benches and the report.

use serde::{Deserialize, Serialize};

use crate::census::Census;
use crate::latency::IoLatency;
use crate::model::{Collect, Delivery, Lane, Model, ModelConfig, Span};
use crate::usage::RunUsage;
use crate::workload::{Kind, Params, Workload};

/// Everything one run of a cell produced: the answer and whether it is right, the times, the
/// errors, and the per-task timeline.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct RunRecord {
    pub workload: String,
    pub model: String,
    pub kind: Kind,
    /// W as the model used it (1 for sequential, one per task for threads).
    pub workers: usize,
    pub size: u64,
    pub tasks: usize,
    /// True only if every task succeeded and the answer equals the known one.
    pub ok: bool,
    /// The combined answer, if every task produced an output.
    pub answer: Option<String>,
    pub expected: String,
    /// Time for the tasks: from handing the first task to the model until the last returned.
    pub wall_s: f64,
    /// Time to start the model (pool, runtime, worker processes), measured once per cell.
    pub setup_s: f64,
    pub failed_tasks: usize,
    /// Distinct error messages, each with how many tasks hit it.
    pub errors: Vec<String>,
    /// Peak resident memory during the run (this process plus worker processes), if known.
    pub peak_rss_bytes: Option<u64>,
    /// What a lane of the timeline is for this model.
    pub lane: Lane,
    pub timeline: Vec<Span>,
    /// What the run created: threads, tasks, processes, connections (its workers' included).
    #[serde(default)]
    pub census: Census,
    /// Where requests run among CPU tasks: each request's latency (its span) as p50, p95 and
    /// max, against the server's delay; `None` for runs of one kind of task, or that failed.
    #[serde(default)]
    pub io_latency: Option<IoLatency>,
    /// In which order its results were delivered (`--collect`).
    #[serde(default)]
    pub collect: Collect,
    /// When its results reached the consumer: first result, waits (`None` for a failed run).
    #[serde(default)]
    pub delivery: Option<Delivery>,
    /// CPU time and context switches of the work (not the setup), its worker processes'
    /// included; every thread of this process is charged (see [`crate::usage`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub usage: Option<RunUsage>,
}

impl RunRecord {
    /// The record of a cell that could not run at all (its model failed to start).
    pub fn failed(
        workload: &dyn Workload,
        model: &dyn Model,
        params: &Params,
        config: &ModelConfig,
        error: &dyn std::fmt::Display,
    ) -> RunRecord {
        let plan = workload.plan(params).ok();
        let tasks = plan.as_ref().map_or(0, |p| p.tasks.len());
        RunRecord {
            workload: workload.name().to_string(),
            model: model.name().to_string(),
            kind: workload.kind(),
            workers: model.workers(config, tasks),
            size: params.size,
            tasks,
            ok: false,
            answer: None,
            expected: plan.map(|p| p.expected.0).unwrap_or_default(),
            wall_s: 0.0,
            setup_s: 0.0,
            failed_tasks: tasks,
            errors: vec![error.to_string()],
            peak_rss_bytes: None,
            lane: model.lane(),
            timeline: Vec::new(),
            census: Census::default(),
            io_latency: None,
            collect: config.collect,
            delivery: None,
            usage: None,
        }
    }
}

/// Each task's duration in a run, by task index: the costs the ideal is computed from.
pub fn task_costs(record: &RunRecord) -> Vec<f64> {
    let mut costs = vec![0.0; record.tasks];
    for span in &record.timeline {
        if let Some(cost) = costs.get_mut(span.task) {
            *cost = span.end_s - span.start_s;
        }
    }
    costs
}
