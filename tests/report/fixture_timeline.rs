//! A plausible timeline for a fixture cell: its tasks laid out on the lanes its model keeps
//! (a window refills a lane as soon as it frees, batches wait for their slowest task), scaled
//! to the cell's wall time, each result delivered as its mode says.

use concur::identity::Varied;
use concur::model::{Collect, Lane, ModelInfo, Runs, Span};

use super::{Spec, CORES};

/// Tasks run by `slots` lanes: durations in `costs`; a window refills a slot as soon as it
/// frees, batches wait for the slowest of each batch. Returns (slot, start, end) per task.
fn simulate(costs: &[f64], slots: usize, batch: bool) -> Vec<(usize, f64, f64)> {
    if slots >= costs.len() {
        // A lane per task: each starts at once (and this stays linear at 10000 tasks).
        return costs
            .iter()
            .enumerate()
            .map(|(i, &c)| (i, 0.0, c))
            .collect();
    }
    let slots = slots.max(1);
    let mut free = vec![0.0_f64; slots];
    let mut out = Vec::new();
    let mut batch_start = 0.0;
    for (i, &c) in costs.iter().enumerate() {
        if batch && i % slots == 0 {
            batch_start = free.iter().copied().fold(batch_start, f64::max);
            free.iter_mut().for_each(|f| *f = batch_start);
        }
        let (slot, start) = free
            .iter()
            .copied()
            .enumerate()
            .min_by(|a, b| a.1.total_cmp(&b.1))
            .unwrap_or((0, 0.0));
        free[slot] = start + c;
        out.push((slot, start, start + c));
    }
    out
}

/// A plausible timeline for `model` running `tasks` tasks in about `wall` seconds.
pub fn timeline(model: &ModelInfo, spec: &Spec, workers: usize, wall: f64) -> Vec<Span> {
    let n = spec.tasks;
    let io = spec.kind.has_io();
    // IO waits vary; CPU tasks are even.
    let costs: Vec<f64> = spec.costs.clone().unwrap_or_else(|| {
        (0..n)
            .map(|i| {
                if io {
                    0.7 + 0.6 * ((i * 7919) % 13) as f64 / 12.0
                } else {
                    1.0
                }
            })
            .collect()
    });
    let (slots, batch) = match spec.varied {
        Varied::Window(k) => (k, false),
        Varied::Batch(k) => (k, true),
        _ => match model.runs {
            Runs::InTurn => (1, false),
            Runs::EventLoop if !io => (1, false),
            Runs::ThreadPerTask | Runs::EventLoop if io => (n, false),
            Runs::EventLoopThreads if io => (n, false),
            Runs::ThreadPerTask => (workers.min(CORES), false),
            _ => (workers.max(1), false),
        },
    };
    let placed = simulate(&costs, slots, batch);
    let end = placed.iter().map(|p| p.2).fold(0.0, f64::max).max(1e-9);
    let lane_per_task = matches!(model.lane, Lane::Task) || model.runs == Runs::ThreadPerTask;
    // Delivered as each ends, or, in order, when every earlier task has ended too.
    let mut held = 0.0_f64;
    placed
        .iter()
        .enumerate()
        .map(|(i, &(slot, s, e))| {
            let end_s = e / end * wall * 0.98;
            held = held.max(end_s);
            Span {
                delivered_s: match spec.varied {
                    Varied::Collect(Collect::AsCompleted) => Some(end_s),
                    Varied::Collect(Collect::Ordered) => Some(held),
                    _ => None,
                },
                ..Span::new(
                    i,
                    if lane_per_task { i } else { slot },
                    match model.runs {
                        Runs::EventLoop => 0,
                        Runs::ThreadPerTask => i,
                        _ => slot % workers.max(1),
                    },
                    s / end * wall * 0.98,
                    end_s,
                )
            }
        })
        .collect()
}
