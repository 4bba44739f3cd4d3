//! Handing results over: a model gives each finished task to a [`Deliver`] sink the moment the
//! task ends, and the sink, owned by the harness (`run::Prepared`), stamps when the result
//! reached its consumer ([`Span::delivered_s`]) under the run's [`Collect`] mode:
//!
//! - [`Collect::AsCompleted`] (`concurrent.futures.as_completed`): a result is delivered the
//!   moment it is handed over, so results arrive in the order tasks finish.
//! - [`Collect::Ordered`] (`executor.map`): results arrive in submission order; a finished
//!   task waits in a reorder buffer behind every earlier task still running, and is delivered
//!   the moment the last of those is.
//!
//! Models never read the mode: they only call [`Deliver::deliver`], from whatever thread or
//! async task finished the work. [`Delivery`] sums a run up: time to the first result, and
//! the mean and longest wait between a task finishing and its result being delivered.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use serde::{Deserialize, Serialize};

use super::{since, Span, TaskRun};

/// In which order a run's results reach their consumer (`--collect`).
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
#[serde(rename_all = "kebab-case")]
pub enum Collect {
    /// In submission order, like `executor.map`: a finished task waits behind an earlier,
    /// unfinished one.
    #[default]
    Ordered,
    /// In finish order, like `as_completed`: each result as soon as its task ends.
    AsCompleted,
}

impl Collect {
    /// Both modes, ordered first.
    pub const ALL: [Collect; 2] = [Collect::Ordered, Collect::AsCompleted];

    /// The command-line spelling: `ordered`, `as-completed`.
    pub fn name(self) -> &'static str {
        match self {
            Collect::Ordered => "ordered",
            Collect::AsCompleted => "as-completed",
        }
    }
}

impl fmt::Display for Collect {
    /// For people: `ordered`, `as completed`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Collect::Ordered => "ordered",
            Collect::AsCompleted => "as completed",
        })
    }
}

impl FromStr for Collect {
    type Err = String;

    fn from_str(text: &str) -> Result<Collect, String> {
        Collect::ALL
            .into_iter()
            .find(|c| c.name() == text)
            .ok_or_else(|| {
                format!("`{text}` is not a way to collect results: ordered or as-completed")
            })
    }
}

/// Where a model hands each finished task: a cheap handle (an `Arc` inside), `Send + Sync`,
/// so it can be used from any thread and cloned into a spawned thread or async task.
#[derive(Clone)]
pub struct Deliver {
    shared: Arc<Shared>,
    /// The index in the run of this batch's first task (models number tasks in their batch).
    offset: usize,
}

struct Shared {
    collect: Collect,
    clock: Instant,
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    /// Every delivery, in the order it was made, stamped.
    log: Vec<TaskRun>,
    /// Ordered: finished tasks waiting behind an earlier unfinished one, by task index.
    waiting: BTreeMap<usize, TaskRun>,
    /// Ordered: the first task not yet delivered.
    next: usize,
}

impl Deliver {
    /// A sink for one run whose spans are timed from `clock`.
    pub fn new(collect: Collect, clock: Instant) -> Deliver {
        Deliver {
            shared: Arc::new(Shared {
                collect,
                clock,
                state: Mutex::new(State::default()),
            }),
            offset: 0,
        }
    }

    /// The same sink for a batch whose first task is task `offset` of the run.
    pub fn batch(&self, offset: usize) -> Deliver {
        Deliver {
            shared: Arc::clone(&self.shared),
            offset,
        }
    }

    /// Hand over one finished task (its span numbered within the batch). Call it once per
    /// task, right where the task ends.
    pub fn deliver(&self, mut run: TaskRun) {
        run.span.task += self.offset;
        let mut state = self.shared.state.lock().unwrap_or_else(|e| e.into_inner());
        let now = since(self.shared.clock);
        let i = run.span.task;
        let ordered = self.shared.collect == Collect::Ordered;
        // A task delivered twice (or before an earlier one's slot) goes straight to the log,
        // so the harness sees it twice.
        if !ordered || i < state.next || state.waiting.contains_key(&i) {
            run.span.delivered_s = Some(now);
            state.log.push(run);
            return;
        }
        let state = &mut *state;
        state.waiting.insert(i, run);
        while let Some(mut ready) = state.waiting.remove(&state.next) {
            ready.span.delivered_s = Some(now);
            state.log.push(ready);
            state.next += 1;
        }
    }

    /// Every delivery made, in delivery order. Ordered results still waiting behind a task
    /// that was never delivered are delivered now, as a consumer would get them at the end.
    pub fn finish(&self) -> Vec<TaskRun> {
        let mut state = self.shared.state.lock().unwrap_or_else(|e| e.into_inner());
        let now = since(self.shared.clock);
        let waiting = std::mem::take(&mut state.waiting);
        for (_, mut run) in waiting {
            run.span.delivered_s = Some(now);
            state.log.push(run);
        }
        std::mem::take(&mut state.log)
    }
}

/// What went wrong with a run's deliveries (`runs` in task order, as the harness sorts them):
/// tasks delivered more than once or never, e.g. `the model delivered task 3 2 times; never
/// delivered task 9`.
pub fn delivery_fault(runs: &[TaskRun], tasks: usize) -> Option<String> {
    let mut count = vec![0usize; tasks];
    let mut problems = Vec::new();
    for run in runs {
        match count.get_mut(run.span.task) {
            Some(n) => *n += 1,
            None => problems.push(format!(
                "delivered task {}, but the run has {tasks} tasks",
                run.span.task
            )),
        }
    }
    for (task, &n) in count.iter().enumerate() {
        match n {
            1 => {}
            0 => problems.push(format!("never delivered task {task}")),
            n => problems.push(format!("delivered task {task} {n} times")),
        }
    }
    (!problems.is_empty()).then(|| {
        let shown = problems.len().min(5);
        let more = problems.len() - shown;
        let mut s = format!("the model {}", problems[..shown].join("; "));
        if more > 0 {
            s.push_str(&format!(" (and {more} more)"));
        }
        s
    })
}

/// When a run's results reached their consumer: what `--collect` changes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Delivery {
    /// From the run's start to the first result delivered.
    pub first_s: f64,
    /// Whose result that was: the task's index in the plan (the lowest among ties).
    #[serde(default)]
    pub first_task: usize,
    /// The mean, over tasks, of the time from a task finishing to its result being delivered.
    pub mean_wait_s: f64,
    /// The longest such wait.
    pub max_wait_s: f64,
}

impl Delivery {
    /// The delivery of a run from its spans; `None` when any span has no delivery time.
    pub fn of(spans: &[Span]) -> Option<Delivery> {
        let (mut first, mut first_task) = (f64::INFINITY, 0);
        let (mut total, mut max) = (0.0, 0.0f64);
        for s in spans {
            let d = s.delivered_s?;
            if d < first || (d == first && s.task < first_task) {
                (first, first_task) = (d, s.task);
            }
            let wait = (d - s.end_s).max(0.0);
            total += wait;
            max = max.max(wait);
        }
        first.is_finite().then(|| Delivery {
            first_s: first,
            first_task,
            mean_wait_s: total / spans.len() as f64,
            max_wait_s: max,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::task::Output;

    fn run(task: usize, end_s: f64) -> TaskRun {
        TaskRun {
            outcome: Ok(Output::Int(task as u128)),
            span: Span::new(task, 0, 0, 0.0, end_s),
        }
    }

    fn order(runs: &[TaskRun]) -> Vec<usize> {
        runs.iter().map(|r| r.span.task).collect()
    }

    #[test]
    fn ordered_holds_a_finished_task_behind_an_earlier_one() {
        let sink = Deliver::new(Collect::Ordered, Instant::now());
        sink.deliver(run(1, 0.1));
        sink.deliver(run(2, 0.2));
        assert!(sink.shared.state.lock().unwrap().log.is_empty());
        sink.deliver(run(0, 0.3));
        let log = sink.finish();
        assert_eq!(order(&log), [0, 1, 2]);
        // Released together, the moment task 0 arrived.
        let times: Vec<f64> = log.iter().map(|r| r.span.delivered_s.unwrap()).collect();
        assert!(times.windows(2).all(|w| w[0] == w[1]), "{times:?}");
    }

    #[test]
    fn as_completed_delivers_in_finish_order_across_batches() {
        let sink = Deliver::new(Collect::AsCompleted, Instant::now());
        let second = sink.batch(2);
        sink.deliver(run(1, 0.1));
        second.deliver(run(0, 0.2));
        sink.deliver(run(0, 0.3));
        second.deliver(run(1, 0.4));
        let log = sink.finish();
        assert_eq!(order(&log), [1, 2, 0, 3]);
        let times: Vec<f64> = log.iter().map(|r| r.span.delivered_s.unwrap()).collect();
        assert!(times.windows(2).all(|w| w[0] <= w[1]), "{times:?}");
    }

    #[test]
    fn duplicates_and_gaps_are_named() {
        let sink = Deliver::new(Collect::Ordered, Instant::now());
        sink.deliver(run(0, 0.1));
        sink.deliver(run(0, 0.1));
        sink.deliver(run(2, 0.2));
        let mut log = sink.finish();
        assert_eq!(log.len(), 3, "the waiting task 2 is handed over at the end");
        log.sort_by_key(|r| r.span.task);
        assert_eq!(
            delivery_fault(&log, 3).as_deref(),
            Some("the model delivered task 0 2 times; never delivered task 1")
        );
        log.remove(0);
        log.insert(1, run(1, 0.1));
        assert_eq!(delivery_fault(&log, 3), None);
    }

    #[test]
    fn a_runs_delivery_is_first_result_and_waits() {
        let mut spans = vec![Span::new(0, 0, 0, 0.0, 0.4), Span::new(1, 0, 0, 0.0, 0.1)];
        assert_eq!(Delivery::of(&spans), None);
        spans[0].delivered_s = Some(0.4);
        spans[1].delivered_s = Some(0.4);
        let d = Delivery::of(&spans).unwrap();
        assert_eq!((d.first_s, d.first_task), (0.4, 0));
        spans[1].delivered_s = Some(0.1);
        assert_eq!(Delivery::of(&spans).unwrap().first_task, 1);
        assert!((d.max_wait_s - 0.3).abs() < 1e-12 && (d.mean_wait_s - 0.15).abs() < 1e-12);
        assert_eq!("as-completed".parse(), Ok(Collect::AsCompleted));
        assert!("sideways"
            .parse::<Collect>()
            .unwrap_err()
            .contains("ordered or as-completed"));
    }
}
