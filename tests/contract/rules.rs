//! The contract's eight rules: what a run is observed to have done ([`Observed`]), each rule's
//! name (what a failure quotes) and the check of the same name ([`RULES`]).

use std::collections::BTreeSet;
use std::time::Duration;

use concur::model::{Collect, Model, ModelConfig, Runs, Span};
use concur::run::RunRecord;
use concur::verify::failure;

/// Clock granularity allowed between a span's end and the run's wall time.
const SLACK_S: f64 = 0.001;

/// What was left once the cell was dropped.
pub struct Teardown {
    /// `worker_pids()` just before the drop.
    pub pids: Vec<u32>,
    /// Those still in `/proc` (as our children) when the wait ended, with their state.
    pub left: Vec<(u32, char)>,
    pub threads_before: usize,
    pub threads_after: usize,
    pub waited: Duration,
}

/// One run of one model on one cell, and its teardown: all a rule looks at.
pub struct Observed {
    pub model: &'static dyn Model,
    pub config: ModelConfig,
    pub record: RunRecord,
    pub teardown: Teardown,
}

/// A rule of the contract: its name (what a failure quotes) and its check.
pub struct Rule {
    pub name: &'static str,
    pub check: fn(&Observed) -> Result<(), String>,
}

pub const RULES: [Rule; 8] = [
    Rule {
        name: "one outcome per task, in task order",
        check: one_outcome_per_task,
    },
    Rule {
        name: "spans inside the run",
        check: spans_inside_the_run,
    },
    Rule {
        name: "lanes within W",
        check: lanes_within_w,
    },
    Rule {
        name: "never more than C in flight",
        check: never_more_than_c_in_flight,
    },
    Rule {
        name: "batches one after another",
        check: batches_one_after_another,
    },
    Rule {
        name: "nothing left after drop",
        check: nothing_left_after_drop,
    },
    Rule {
        name: "the answer is right",
        check: the_answer_is_right,
    },
    Rule {
        name: "every result delivered once, in its mode's order",
        check: every_result_delivered_once_in_its_modes_order,
    },
];

fn one_outcome_per_task(o: &Observed) -> Result<(), String> {
    let spans = &o.record.timeline;
    let tasks = o.record.tasks;
    let mut problems = Vec::new();
    if spans.len() != tasks {
        problems.push(format!("got {} runs for {tasks} tasks", spans.len()));
        if spans.is_empty() && !o.record.errors.is_empty() {
            problems.push(format!("the run failed: {}", o.record.errors.join("; ")));
        }
    }
    if let Some((i, s)) = spans.iter().enumerate().find(|(i, s)| s.task != *i) {
        problems.push(format!("runs[{i}] is task {}'s, not task {i}'s", s.task));
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("; "))
    }
}

fn spans_inside_the_run(o: &Observed) -> Result<(), String> {
    let wall = o.record.wall_s;
    for s in &o.record.timeline {
        let inside = s.start_s.is_finite()
            && s.end_s.is_finite()
            && 0.0 <= s.start_s
            && s.start_s <= s.end_s
            && s.end_s <= wall + SLACK_S;
        if !inside {
            return Err(format!(
                "task {}'s span {:.6}..{:.6} s is not within 0..{wall:.6} s, the run's wall time",
                s.task, s.start_s, s.end_s
            ));
        }
    }
    Ok(())
}

fn lanes_within_w(o: &Observed) -> Result<(), String> {
    let runs = o.model.traits().runs;
    let spans = &o.record.timeline;
    if spans.is_empty() {
        return Ok(()); // nothing ran: rule 1 says so
    }
    let w = o.config.workers;
    let lanes: BTreeSet<usize> = spans.iter().map(|s| s.lane).collect();
    let threads: BTreeSet<usize> = spans.iter().map(|s| s.thread).collect();
    let mut problems = Vec::new();
    let pool = runs.on_w_lanes();
    if pool {
        if let Some(s) = spans.iter().find(|s| s.lane >= w) {
            problems.push(format!(
                "task {} ran on lane {}, but {} of W = {w} has lanes 0..={}",
                s.task,
                s.lane,
                runs.describe(),
                w - 1
            ));
        }
    }
    // Pools, and a runtime of W worker threads, compute on at most W threads; any model on at
    // most as many as it says it uses (`Model::workers`, what the ideal divides by).
    let declared = o.record.workers;
    let limit = if pool || runs == Runs::EventLoopThreads {
        w.min(declared)
    } else {
        declared
    };
    if threads.len() > limit {
        problems.push(format!(
            "its tasks ran on {} distinct threads {threads:?}, more than {limit} \
             (W = {w}, Model::workers = {declared})",
            threads.len()
        ));
    }
    let one_lane = matches!(runs, Runs::InTurn | Runs::EventLoopInTurn);
    if one_lane && (lanes.len() != 1 || threads.len() != 1) {
        problems.push(format!(
            "{} means one lane and one thread, but it used lanes {lanes:?} on threads {threads:?}",
            runs.describe()
        ));
    }
    if !one_lane && runs.one_thread() && threads.len() != 1 {
        problems.push(format!(
            "{} means one thread, but it used threads {threads:?}",
            runs.describe()
        ));
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("; "))
    }
}

fn never_more_than_c_in_flight(o: &Observed) -> Result<(), String> {
    // A model that declares it runs one task at a time has C = 1 whatever it was given.
    let runs = o.model.traits().runs;
    let c = match (runs.one_at_a_time(), o.config.in_flight) {
        (true, _) => 1,
        (false, Some(c)) => c,
        (false, None) => return Ok(()),
    };
    let (most, at, tasks) = most_overlapping(&o.record.timeline);
    if most > c {
        let why = match runs.one_at_a_time() {
            true => format!("but {} runs one task at a time", runs.describe()),
            false => format!("more than C = {c}"),
        };
        Err(format!(
            "{most} spans overlap at {at:.6} s (tasks {tasks:?}), {why}"
        ))
    } else {
        Ok(())
    }
}

/// The most spans open at one instant, when, and whose tasks they are. A span is an open
/// interval: one ending exactly when another starts does not overlap it, and a span of zero
/// length overlaps nothing.
pub fn most_overlapping(spans: &[Span]) -> (usize, f64, Vec<usize>) {
    // (time, is a start, index into spans); false < true puts ends before starts at one instant.
    let mut events: Vec<(f64, bool, usize)> = spans
        .iter()
        .enumerate()
        .filter(|(_, s)| s.end_s > s.start_s)
        .flat_map(|(i, s)| [(s.start_s, true, i), (s.end_s, false, i)])
        .collect();
    events.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    let mut open = BTreeSet::new();
    let mut most = (0, 0.0, Vec::new());
    for (t, start, i) in events {
        if start {
            open.insert(i);
            if open.len() > most.0 {
                most = (open.len(), t, open.iter().map(|&i| spans[i].task).collect());
            }
        } else {
            open.remove(&i);
        }
    }
    most
}

fn batches_one_after_another(o: &Observed) -> Result<(), String> {
    let Some(b) = o.config.batch.map(|b| b.max(1)) else {
        return Ok(());
    };
    let spans = &o.record.timeline;
    for k in 1..o.record.tasks.div_ceil(b) {
        let Some(done) = spans
            .iter()
            .filter(|s| s.task / b == k - 1)
            .map(|s| s.end_s)
            .max_by(f64::total_cmp)
        else {
            continue;
        };
        let early = spans
            .iter()
            .filter(|s| s.task / b == k && s.start_s < done)
            .min_by(|x, y| x.start_s.total_cmp(&y.start_s));
        if let Some(s) = early {
            return Err(format!(
                "task {} of batch {k} (tasks {}..{}) started at {:.6} s, before batch {} ended at {done:.6} s",
                s.task,
                k * b,
                ((k + 1) * b).min(o.record.tasks) - 1,
                s.start_s,
                k - 1
            ));
        }
    }
    Ok(())
}

fn nothing_left_after_drop(o: &Observed) -> Result<(), String> {
    let t = &o.teardown;
    let mut problems = Vec::new();
    if !t.left.is_empty() {
        let left: Vec<String> = t
            .left
            .iter()
            .map(|(pid, state)| match state {
                'Z' => format!("{pid} (a zombie: exited, never reaped)"),
                _ => format!("{pid} (state {state})"),
            })
            .collect();
        problems.push(format!(
            "worker process {} of {:?} still in /proc {:.1} s after drop",
            left.join(", "),
            t.pids,
            t.waited.as_secs_f64()
        ));
    }
    if t.threads_after > t.threads_before {
        problems.push(format!(
            "{} threads {:.1} s after drop, {} before the model started",
            t.threads_after,
            t.waited.as_secs_f64(),
            t.threads_before
        ));
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("; "))
    }
}

fn the_answer_is_right(o: &Observed) -> Result<(), String> {
    if o.record.ok {
        Ok(())
    } else {
        Err(failure(&o.record))
    }
}

fn every_result_delivered_once_in_its_modes_order(o: &Observed) -> Result<(), String> {
    if o.record.timeline.is_empty() {
        return Ok(()); // nothing ran: rule 1 says so
    }
    let problems = delivery_problems(&o.record.timeline, o.record.tasks, o.config.collect);
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("; "))
    }
}

/// What is wrong with the deliveries in `spans` (a run's timeline, which the harness sorts by
/// task, a task delivered twice appearing twice): a task delivered other than exactly once or
/// without a delivery time, a result delivered before its task ended, and, collected in order,
/// a result delivered before one submitted earlier. As completed, delivery times follow the
/// order of delivery by construction (the sink stamps each under its lock), so a model can only
/// break the first two there.
pub fn delivery_problems(spans: &[Span], tasks: usize, collect: Collect) -> Vec<String> {
    let mut problems = Vec::new();
    let mut count = vec![0usize; tasks];
    for s in spans {
        if let Some(n) = count.get_mut(s.task) {
            *n += 1;
        }
    }
    let wrong: Vec<String> = count
        .iter()
        .enumerate()
        .filter(|(_, &n)| n != 1)
        .map(|(task, n)| format!("task {task} {n} times"))
        .collect();
    if !wrong.is_empty() {
        problems.push(format!("delivered {}", wrong.join(", ")));
    }
    if let Some(s) = spans.iter().find(|s| s.delivered_s.is_none()) {
        problems.push(format!("task {}'s result has no delivery time", s.task));
    }
    let early = spans
        .iter()
        .find(|s| s.delivered_s.is_some_and(|d| d < s.end_s));
    if let Some(s) = early {
        problems.push(format!(
            "task {}'s result was delivered at {:.6} s, before the task ended at {:.6} s",
            s.task,
            s.delivered_s.unwrap_or_default(),
            s.end_s
        ));
    }
    if collect == Collect::Ordered {
        let out_of_order = spans
            .windows(2)
            .find(|w| match (w[0].delivered_s, w[1].delivered_s) {
                (Some(a), Some(b)) => b < a,
                _ => false,
            });
        if let Some([a, b]) = out_of_order {
            problems.push(format!(
                "collected in order, task {} was delivered at {:.6} s, before task {} at {:.6} s",
                b.task,
                b.delivered_s.unwrap_or_default(),
                a.task,
                a.delivered_s.unwrap_or_default()
            ));
        }
    }
    problems
}
