//! What CPU work did to the requests running beside it: each model's IO latency (p50, p95,
//! max) against the server's delay, grouped by how the models declared they run, each lesson
//! said only as far as the numbers bear it out. A p95 within 20% of the delay is "near the
//! delay"; beyond that the excess is said in CPU tasks, the in-turn run's own CPU task length.

use crate::format::{percent, time};
use crate::latency::IoLatency;
use crate::model::Runs;
use crate::report::sections::Row;

/// A p95 at most this multiple of the delay is near it.
pub const NEAR: f64 = 1.2;

/// The sentences for the rows of a model comparison that have latency statistics.
pub fn checks(rows: &[&Row]) -> Vec<String> {
    let with: Vec<(&Row, IoLatency)> = rows
        .iter()
        .filter(|r| r.cell.ok)
        .filter_map(|r| Some((*r, r.cell.io_latency?)))
        .collect();
    let Some((_, first)) = with.first() else {
        return Vec::new();
    };
    // One CPU task's length as the in-turn run measured it: alone on a core.
    let cpu = with
        .iter()
        .find(|(r, _)| r.model.runs == Runs::InTurn)
        .and_then(|(_, l)| l.cpu_task_s);
    let mut out = vec![format!(
        "IO latency here is each request's own time, from when its task started to when its \
         reply had been read (not from the start of the run, which would count the queue the \
         time already shows); the server's delay was {}{}.",
        time(first.delay_s),
        cpu.map_or(String::new(), |c| format!(
            " and one CPU task took {} in turn",
            time(c)
        ))
    )];
    let of = |runs: &[Runs]| -> Vec<(&Row, IoLatency)> {
        with.iter()
            .filter(|(r, _)| runs.contains(&r.model.runs))
            .copied()
            .collect()
    };
    out.extend(one_loop(&of(&[Runs::EventLoop]), cpu));
    out.extend(loop_threads(&of(&[Runs::EventLoopThreads]), cpu));
    out.extend(own_threads(
        &of(&[Runs::EventLoopToPool, Runs::Processes]),
        cpu,
    ));
    out.extend(os_scheduled(
        &of(&[Runs::ThreadPerTask, Runs::ThreadPool]),
        cpu,
    ));
    out
}

fn near(l: &IoLatency) -> bool {
    l.p95_s <= NEAR * l.delay_s
}

/// `12% over the delay`, or `398 ms over the delay, about 4.0 CPU tasks`.
fn excess(l: &IoLatency, cpu: Option<f64>) -> String {
    let over = (l.p95_s - l.delay_s).max(0.0);
    if near(l) {
        return format!("{} over the delay", percent(over / l.delay_s));
    }
    match cpu.filter(|c| *c > 0.0) {
        Some(c) => format!(
            "{} over the delay, about {:.1} CPU tasks",
            time(over),
            over / c
        ),
        None => format!("{} over the delay", time(over)),
    }
}

/// `async p95 498 ms (398 ms over the delay, about 4.0 CPU tasks)`, for each row.
fn listed(rows: &[(&Row, IoLatency)], cpu: Option<f64>) -> String {
    rows.iter()
        .map(|(r, l)| {
            format!(
                "{} p95 {} ({}; p50 {}, max {})",
                r.label,
                time(l.p95_s),
                excess(l, cpu),
                time(l.p50_s),
                time(l.max_s)
            )
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// True when a row's p95 is above the delay by at least half a CPU task.
fn stalled(l: &IoLatency, cpu: Option<f64>) -> bool {
    match cpu {
        Some(c) => l.p95_s - l.delay_s >= 0.5 * c,
        None => !near(l),
    }
}

fn one_loop(rows: &[(&Row, IoLatency)], cpu: Option<f64>) -> Option<String> {
    let (r, _) = rows.first()?;
    let what = r.model.runs.describe();
    Some(if rows.iter().all(|(_, l)| stalled(l, cpu)) {
        format!(
            "On {what} every CPU task stalls every waiting request: a CPU task holds the only \
             thread, so a reply that arrives meanwhile is read only when the task ends. \
             Measured: {}.",
            listed(rows, cpu)
        )
    } else {
        format!(
            "On {what} a CPU task should stall every waiting request (it holds the only \
             thread), but the data disagree here: {}. Were the CPU tasks too short to matter?",
            listed(rows, cpu)
        )
    })
}

fn loop_threads(rows: &[(&Row, IoLatency)], cpu: Option<f64>) -> Option<String> {
    let (r, _) = rows.first()?;
    let what = r.model.runs.describe();
    let some = rows
        .iter()
        .any(|(_, l)| stalled(l, cpu) && l.p50_s <= NEAR * l.delay_s);
    let lesson = if some {
        "stalls some requests: those whose task or reply waits on a thread busy with a CPU \
         task, while the other threads carry on (p50 near the delay, p95 well above it)"
    } else if rows.iter().all(|(_, l)| near(l)) {
        "could stall the requests that wait behind a CPU task on its thread, but here none of \
         the slowest 5% waited much beyond the delay"
    } else {
        "stalls requests behind the CPU tasks on its threads; here most of them (p50 above the \
         delay too)"
    };
    Some(format!(
        "{} {lesson}. Measured: {}.",
        capitalise(what),
        listed(rows, cpu)
    ))
}

fn own_threads(rows: &[(&Row, IoLatency)], cpu: Option<f64>) -> Option<String> {
    rows.first()?;
    let all_near = rows.iter().all(|(_, l)| near(l));
    let kinds: Vec<&str> = rows.iter().map(|(r, _)| r.model.runs.describe()).collect();
    let mut kinds_unique: Vec<&str> = Vec::new();
    for k in kinds {
        if !kinds_unique.contains(&k) {
            kinds_unique.push(k);
        }
    }
    Some(if all_near {
        format!(
            "Running each task on a lane of its own ({}) keeps a waiting request off the thread \
             that computes, so its latency stays near the delay: {}. Their price is in the \
             time above: a lane held while waiting is a lane not computing.",
            kinds_unique.join("; "),
            listed(rows, cpu)
        )
    } else {
        format!(
            "Running each task on a lane of its own ({}) should keep IO latency near the delay, \
             but not every p95 here is within {} of it: {}. With more threads than cores, a \
             woken request may still wait for a core.",
            kinds_unique.join("; "),
            percent(NEAR - 1.0),
            listed(rows, cpu)
        )
    })
}

fn os_scheduled(rows: &[(&Row, IoLatency)], cpu: Option<f64>) -> Option<String> {
    rows.first()?;
    Some(format!(
        "Threads and a pool behave as the OS schedules them: a request's thread sleeps until \
         its reply arrives, then needs a core, which the OS shares out between it and the CPU \
         tasks. Measured: {}.",
        listed(rows, cpu)
    ))
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}
