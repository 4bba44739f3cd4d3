//! Runs a cell (one workload under one model with one set of parameters) and checks its answer.
//!
//! This is where workloads and models meet, and the only place: the workload's plan is handed
//! to the model's executor, the outputs are combined by the workload, and the answer is
//! compared with the known one. Setup (starting the model) and work (one execution) are timed
//! apart, and every run yields a [`RunRecord`] whether it succeeded or not. The model hands
//! each finished task to this run's [`Deliver`] sink, which stamps when it was delivered under
//! the cell's [`Collect`] mode; a task delivered twice or never fails the run.
//!
//! Tasks that change shared state ([`crate::shared`]) get a fresh state id before every run,
//! outside its clock, so no run sees another's account; the answer they must give is the
//! workload's for this model's declared traits ([`Workload::expected_under`]).

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::census;
use crate::error::{Error, Result};
use crate::latency::{self, IoLatency};
use crate::mem;
use crate::model::deliver::delivery_fault;
use crate::model::{Collect, Deliver, Delivery, Executor, Model, ModelConfig, Span, TaskRun};
use crate::shared::StateId;
use crate::task::Task;
use crate::usage;
use crate::workload::{Answer, Params, Workload};

mod record;
mod state;

pub use record::{task_costs, RunRecord};

/// One execution's deliveries, in task order, and what was wrong with them, if anything.
struct Delivered {
    runs: Vec<TaskRun>,
    fault: Option<String>,
}

/// A cell whose model is started and ready to run its tasks any number of times.
pub struct Prepared {
    workload: &'static dyn Workload,
    model: &'static dyn Model,
    params: Params,
    workers: usize,
    in_flight: usize,
    collect: Collect,
    tasks: Arc<[Task]>,
    /// The tasks cut into `--batch`es (one batch holding them all without it).
    batches: Vec<Arc<[Task]>>,
    expected: Answer,
    floors_s: Vec<f64>,
    executor: Box<dyn Executor>,
    setup: Duration,
    /// The state id the tasks carry now, when they change shared state.
    state: Option<StateId>,
}

impl Prepared {
    /// Plan the workload and start the model; the model's start-up is timed as setup.
    pub fn start(
        workload: &'static dyn Workload,
        model: &'static dyn Model,
        params: Params,
        config: &ModelConfig,
    ) -> Result<Prepared> {
        let plan = workload.plan(&params)?;
        let n = plan.tasks.len();
        let config = ModelConfig {
            http: plan.tasks.iter().any(Task::is_io),
            ..config.clone()
        };
        let workers = model.workers(&config, n);
        let in_flight = model.in_flight(&config, n);
        let setting = state::setting(model, in_flight, batch_sizes(n, config.batch));
        let expected = workload.expected_under(&plan, &setting)?;
        let state = plan.tasks.iter().find_map(Task::state);
        let tasks: Arc<[Task]> = plan.tasks.into();
        let batches = state::cut(&tasks, &setting.batches);
        let began = Instant::now();
        let executor = model.start(&config)?;
        let setup = began.elapsed();
        Ok(Prepared {
            workload,
            model,
            params,
            workers,
            in_flight,
            collect: config.collect,
            tasks,
            batches,
            expected,
            floors_s: plan.floors_s,
            executor,
            setup,
            state,
        })
    }

    /// Run the tasks once and return the task runs in task order, each stamped with its
    /// delivery. A task delivered twice or never is an error.
    pub fn execute(&mut self) -> Result<Vec<TaskRun>> {
        self.execute_timed().1
    }

    /// [`Prepared::execute`] with the time of the work alone, what benches time: the clock
    /// starts after a fresh state id is handed out and stops before the runs are checked.
    pub fn execute_timed(&mut self) -> (Duration, Result<Vec<TaskRun>>) {
        self.fresh_state();
        let clock = Instant::now();
        let delivered = self.execute_from(clock);
        let took = clock.elapsed();
        let runs = delivered.and_then(|d| match d.fault {
            Some(fault) => Err(self.failed(fault)),
            None => Ok(d.runs),
        });
        (took, runs)
    }

    /// Every batch in turn through one [`Deliver`] sink, spans relative to `clock`, task
    /// indices across batches; the deliveries come back sorted by task.
    ///
    /// A run during which the OS refused a thread fails, even where the library under the
    /// model carried on with fewer threads than asked (tokio's blocking pool does): it did not
    /// run the model it claims to. A model that panics fails too, instead of taking the
    /// whole run down with it.
    fn execute_from(&mut self, clock: Instant) -> Result<Delivered> {
        let before = census::snapshot();
        let sink = Deliver::new(self.collect, clock);
        let mut offset = 0;
        let mut outcome = Ok(());
        let mut panicked = false;
        for batch in &self.batches {
            let executor = &mut self.executor;
            let out = sink.batch(offset);
            let ran =
                crate::panics::catch(|| executor.execute(batch, clock, &out)).unwrap_or_else(|p| {
                    panicked = true;
                    Err(self.failed(p))
                });
            if let Err(e) = ran {
                outcome = Err(e);
                break;
            }
            offset += batch.len();
        }
        let mut runs = sink.finish();
        // Stable: a task delivered twice keeps its deliveries in the order they were made.
        runs.sort_by_key(|run| run.span.task);
        let fault = delivery_fault(&runs, self.tasks.len());
        // A refused thread is the cause to name where the model said nothing of it: it ran
        // with fewer threads than asked (tokio's blocking pool), or a library panicked.
        match before.refused() {
            n if n == 0 || (outcome.is_err() && !panicked) => {
                outcome.map(|()| Delivered { runs, fault })
            }
            n => Err(self.failed(format!(
                "the OS refused {n} thread(s) during the run (a thread limit such as \
                 `ulimit -u`?), so it ran with fewer threads than it should"
            ))),
        }
    }

    fn failed(&self, reason: String) -> Error {
        Error::Execute {
            model: self.model.name(),
            reason,
        }
    }

    /// Run the tasks once, check the answer and record everything about the run.
    pub fn run(&mut self) -> RunRecord {
        self.fresh_state();
        let pids = self.executor.worker_pids();
        mem::reset_peak(&pids);
        let before = census::snapshot();
        let used = usage::snapshot();
        let clock = Instant::now();
        let executed = self.execute_from(clock);
        let wall_s = clock.elapsed().as_secs_f64();
        // Worker processes' reports (census, usage) were absorbed as their answers came in.
        let usage = used.and_then(|u| u.since(wall_s, !pids.is_empty()));
        let census = before.since();
        let peak_rss_bytes = mem::peak_rss(&pids);
        let mut record = RunRecord {
            workload: self.workload.name().to_string(),
            model: self.model.name().to_string(),
            kind: self.workload.kind(),
            workers: self.workers,
            size: self.params.size,
            tasks: self.tasks.len(),
            ok: false,
            answer: None,
            expected: self.expected.0.clone(),
            wall_s,
            setup_s: self.setup.as_secs_f64(),
            failed_tasks: 0,
            errors: Vec::new(),
            peak_rss_bytes,
            lane: self.model.lane(),
            timeline: Vec::new(),
            census,
            io_latency: None,
            collect: self.collect,
            delivery: None,
            usage,
        };
        let Delivered { runs, fault } = match executed {
            Ok(delivered) => delivered,
            Err(e) => {
                record.failed_tasks = self.tasks.len();
                record.errors.push(e.to_string());
                return record;
            }
        };
        let mut errors: BTreeMap<String, usize> = BTreeMap::new();
        let mut outputs = Vec::with_capacity(runs.len());
        for run in runs {
            match run.outcome {
                Ok(output) => outputs.push(output),
                Err(e) => *errors.entry(e).or_default() += 1,
            }
            record.timeline.push(run.span);
        }
        record.failed_tasks = errors.values().sum();
        if record.failed_tasks == 0 {
            record.io_latency = self.io_latency([record.timeline.as_slice()]);
        }
        record.errors = errors
            .into_iter()
            .map(|(e, n)| format!("{n} × {e}"))
            .collect();
        // The timeline is kept as delivered, so a broken delivery can be seen; the answer
        // is not computed from outputs that do not line up with the tasks.
        if let Some(fault) = fault {
            record.errors.push(fault);
            return record;
        }
        record.delivery = Delivery::of(&record.timeline);
        if record.failed_tasks == 0 {
            match self.workload.answer(&outputs) {
                Ok(answer) => {
                    record.ok = answer == self.expected;
                    if !record.ok {
                        record.errors.push(format!(
                            "wrong answer: got {answer}, expected {}",
                            self.expected
                        ));
                    }
                    record.answer = Some(answer.0);
                }
                Err(e) => record.errors.push(e),
            }
        }
        record
    }

    /// W as the model uses it for this cell.
    pub fn workers(&self) -> usize {
        self.workers
    }

    /// The cell's tasks.
    pub fn tasks(&self) -> &[Task] {
        &self.tasks
    }

    /// The model's worker processes, if any.
    pub fn worker_pids(&self) -> Vec<u32> {
        self.executor.worker_pids()
    }

    /// How many tasks the model keeps in flight in this cell.
    pub fn in_flight(&self) -> usize {
        self.in_flight
    }

    /// Each IO task's least time (the server's delay), in seconds; empty for CPU cells, 0
    /// for the CPU tasks of a mixed one.
    pub fn floors(&self) -> &[f64] {
        &self.floors_s
    }

    /// True when the cell's tasks are requests and CPU work together.
    pub fn mixes(&self) -> bool {
        self.tasks.iter().any(Task::is_io) && self.tasks.iter().any(|t| !t.is_io())
    }

    /// Whether each task is a request, by task index.
    pub fn io_tasks(&self) -> Vec<bool> {
        self.tasks.iter().map(Task::is_io).collect()
    }

    /// The IO latency over every request of `timelines` (runs of this cell), for a cell whose
    /// requests run among CPU tasks; `None` otherwise (see [`crate::latency`]).
    pub fn io_latency<'a>(
        &self,
        timelines: impl IntoIterator<Item = &'a [Span]>,
    ) -> Option<IoLatency> {
        if !self.mixes() {
            return None;
        }
        latency::of_runs(timelines, &self.io_tasks(), &self.floors_s)
    }

    /// How many tasks each `--batch` holds, in order (one batch of all without it).
    pub fn batch_sizes(&self) -> Vec<usize> {
        self.batches.iter().map(|b| b.len()).collect()
    }
}

/// How `--batch` cuts `tasks` tasks: batches of `batch` in order, the last one shorter (one
/// batch of all without it).
pub fn batch_sizes(tasks: usize, batch: Option<usize>) -> Vec<usize> {
    match batch {
        Some(b) if b < tasks => {
            let b = b.max(1);
            (0..tasks).step_by(b).map(|i| b.min(tasks - i)).collect()
        }
        _ => vec![tasks],
    }
}

/// The machine's cores available to this process.
pub fn cores() -> usize {
    num_cpus::get().max(1)
}
