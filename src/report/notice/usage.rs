//! What the checked runs' CPU time and context switches say, each sentence only where the
//! numbers bear it out: on CPU work, how many cores each kind of model kept busy for the same
//! amount of CPU, and an in-turn run that could not have a core to itself (a loaded machine);
//! on IO work, that waiting uses almost no CPU, and that a thread waiting on one
//! request at a time sleeps once per request where one event loop waits on them all at once.
//! Models are picked by how they declared they run; the figures are one run's each (the
//! checked run), with cores busy as that run's CPU time ÷ that run's own wall time.

use crate::format::{cores as cores_text, ratio, time};
use crate::model::Runs;
use crate::report::sections::Row;
use crate::usage::RunUsage;
use crate::workload::Kind;

use super::fastest_of;

/// The sentences for one comparison of models (`m`: measured rows, fastest first).
pub fn checks(m: &[&Row], kind: Kind, cores: usize) -> Vec<String> {
    match kind {
        Kind::Cpu => [cores_busy(m, cores), contended(m)]
            .into_iter()
            .flatten()
            .collect(),
        Kind::Io => [idle_cores(m), waits(m)].into_iter().flatten().collect(),
        Kind::Mixed | Kind::Wait => Vec::new(),
    }
}

fn usage<'a>(r: &'a Row) -> Option<&'a RunUsage> {
    r.cell.usage.as_ref()
}

/// The busiest model on several cores against the one-thread model, and whether every model
/// spent about the same CPU time on the same work.
fn cores_busy(m: &[&Row], cores: usize) -> Option<String> {
    let busy = |r: &Row| usage(r).and_then(RunUsage::cores_busy);
    let wide = m
        .iter()
        .copied()
        .filter(|r| !r.model.runs.one_thread())
        .filter_map(|r| Some((r, busy(r)?)))
        .max_by(|a, b| a.1.total_cmp(&b.1))?;
    let one = [Runs::EventLoop, Runs::InTurn]
        .iter()
        .find_map(|runs| fastest_of(m, &[*runs]).filter(|r| busy(r).is_some()))?;
    let (w, o) = (wide.0, one);
    let mut s = format!(
        "CPU time ÷ wall time says how many cores a run kept busy: {} ({}) {} of {cores}, {} \
         ({}) {}.",
        w.label,
        w.model.runs.describe(),
        cores_text(wide.1),
        o.label,
        o.model.runs.describe(),
        cores_text(busy(o).unwrap_or(f64::NAN)),
    );
    let cpu: Vec<(&Row, f64)> = m
        .iter()
        .filter_map(|r| Some((*r, usage(r)?.total.cpu_s())))
        .collect();
    let least = cpu.iter().min_by(|a, b| a.1.total_cmp(&b.1))?;
    let most = cpu.iter().max_by(|a, b| a.1.total_cmp(&b.1))?;
    if most.1 <= least.1 * 1.25 {
        s.push_str(&format!(
            " Every model spent about the same CPU time ({} to {}, worker processes included): \
             what differs is how many cores did it at once, not how much work there was.",
            time(least.1),
            time(most.1)
        ));
    } else {
        s.push_str(&format!(
            " CPU time was not the same everywhere: {} used {} against {} for {} ({} as much), \
             worker processes included.",
            most.0.label,
            time(most.1),
            time(least.1),
            least.0.label,
            ratio(most.1 / least.1)
        ));
    }
    Some(s)
}

/// An in-turn run of CPU work keeps one core busy throughout; well under one, its thread was
/// waiting for a core the machine gave to something else, and every speedup measured against
/// it reads too high.
fn contended(m: &[&Row]) -> Option<String> {
    let b = fastest_of(m, &[Runs::InTurn])?;
    let u = usage(b)?;
    let busy = u.cores_busy()?;
    (busy < 0.8).then(|| {
        format!(
            "{} ({}) kept only {} of a core busy in its checked run: {} of CPU in {} of wall \
             time, with {} involuntary context switches. Computing in turn never waits, so its \
             thread was waiting for a core that something else on the machine had; if the \
             timed runs were slowed like this one, every speedup against it reads too high.",
            b.label,
            b.model.runs.describe(),
            cores_text(busy),
            time(u.total.cpu_s()),
            time(u.wall_s),
            u.total.involuntary
        )
    })
}

/// Waiting on a server keeps almost no core busy: the in-turn run's figure, and the busiest
/// model's, when both are small.
fn idle_cores(m: &[&Row]) -> Option<String> {
    let busy = |r: &Row| usage(r).and_then(RunUsage::cores_busy);
    let b = fastest_of(m, &[Runs::InTurn])?;
    let (r, most) = m
        .iter()
        .filter_map(|r| Some((*r, busy(r)?)))
        .max_by(|a, b| a.1.total_cmp(&b.1))?;
    let least = busy(b)?;
    (least < 0.1 && most < 0.5).then(|| {
        format!(
            "Waiting uses almost no CPU: {} ({}) kept {} cores busy on average (its checked \
             run's CPU time ÷ its wall time), and even the busiest, {} ({}), {}. The time went \
             to the server's delay, not to computing.",
            b.label,
            b.model.runs.describe(),
            cores_text(least),
            r.label,
            r.model.runs.describe(),
            cores_text(most)
        )
    })
}

/// In turn, each wait is a voluntary context switch; one event loop waits on every request at
/// once, so it sleeps far less often. Said only when the counts show exactly that.
fn waits(m: &[&Row]) -> Option<String> {
    let b = fastest_of(m, &[Runs::InTurn])?;
    let a = fastest_of(m, &[Runs::EventLoop])?;
    let (vb, va) = (usage(b)?.total.voluntary, usage(a)?.total.voluntary);
    let n = b.cell.tasks as u64;
    let one_per_request = n > 0 && vb * 4 >= n * 3 && vb <= n * 3 / 2 + 2;
    (one_per_request && va * 2 <= vb).then(|| {
        format!(
            "Each wait is a context switch: {} ({}) made {vb} voluntary switches for {n} \
             requests, about one per request, its thread sleeping until each reply came; {} \
             ({}) made {va}, its one thread sleeping until any of the requests in flight had \
             something to read.",
            b.label,
            b.model.runs.describe(),
            a.label,
            a.model.runs.describe(),
        )
    })
}
