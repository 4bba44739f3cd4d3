//! Scheduling tasks of known cost on lanes: the optimal makespan (branch and bound from the
//! longest-processing-time schedule, within a step budget), a proven lower bound where the
//! search runs out, and the pre-emptive bound for time-sliced threads. Pure arithmetic: the
//! CPU and IO ideals in [`crate::ideal`] are built on it.

use serde::{Deserialize, Serialize};

/// How the ideal's schedule was found.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Method {
    /// The optimal schedule (searched exhaustively, or LPT meeting the lower bound).
    Exact,
    /// A proven lower bound on the optimum: max(work ÷ lanes, longest task, the two tasks
    /// that must share a lane).
    LowerBound,
}

/// A makespan and whether it is the optimum.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Schedule {
    pub seconds: f64,
    pub method: Method,
}

/// The most branch-and-bound steps spent looking for the optimal schedule; a search that
/// runs out falls back to the proven lower bound.
pub const SEARCH_BUDGET: u64 = 200_000;

/// The most tasks the search takes on: it recurses once per task, and 100 000 tasks
/// (`primes --size 100000`) overflowed the stack. More tasks get the proven lower bound (LPT
/// is usually within a hair of it there anyway).
pub const MAX_SEARCH_TASKS: usize = 1_000;

/// The shortest time `lanes` lanes can finish tasks of `costs` seconds in, a task never split.
pub fn schedule(costs: &[f64], lanes: usize) -> Schedule {
    let lanes = lanes.max(1);
    let mut sorted: Vec<f64> = costs.iter().map(|c| c.max(0.0)).collect();
    sorted.sort_by(|a, b| b.total_cmp(a));
    let longest = sorted.first().copied().unwrap_or(0.0);
    if lanes >= sorted.len() {
        return exact(longest);
    }
    let lower = lower_bound(&sorted, lanes);
    let lpt = lpt(&sorted, lanes);
    if lpt <= lower * (1.0 + 1e-9) {
        return exact(lpt);
    }
    if sorted.len() > MAX_SEARCH_TASKS {
        return Schedule {
            seconds: lower,
            method: Method::LowerBound,
        };
    }
    let mut best = lpt;
    let mut load = vec![0.0; lanes];
    let mut budget = SEARCH_BUDGET;
    search(&sorted, 0, &mut load, &mut best, lower, &mut budget);
    if budget > 0 {
        return exact(best);
    }
    Schedule {
        seconds: lower,
        method: Method::LowerBound,
    }
}

fn exact(seconds: f64) -> Schedule {
    Schedule {
        seconds,
        method: Method::Exact,
    }
}

/// max(Σ ÷ lanes, the longest, the lanes-th and (lanes+1)-th longest together): with one more
/// task than lanes, two of the `lanes + 1` longest must share a lane. `sorted` is descending.
fn lower_bound(sorted: &[f64], lanes: usize) -> f64 {
    let total: f64 = sorted.iter().sum();
    let longest = sorted.first().copied().unwrap_or(0.0);
    let pair = match (sorted.get(lanes - 1), sorted.get(lanes)) {
        (Some(a), Some(b)) => a + b,
        _ => 0.0,
    };
    (total / lanes as f64).max(longest).max(pair)
}

/// Longest first, each task to the least-loaded lane.
fn lpt(sorted: &[f64], lanes: usize) -> f64 {
    let mut load = vec![0.0_f64; lanes];
    for &cost in sorted {
        if let Some(least) = load.iter_mut().min_by(|a, b| a.total_cmp(b)) {
            *least += cost;
        }
    }
    load.into_iter().fold(0.0, f64::max)
}

/// Branch and bound over lane assignments (tasks in descending order; lanes with equal load
/// are tried once).
fn search(
    sorted: &[f64],
    next: usize,
    load: &mut [f64],
    best: &mut f64,
    lower: f64,
    budget: &mut u64,
) {
    if *best <= lower * (1.0 + 1e-9) || *budget == 0 {
        return;
    }
    *budget -= 1;
    let Some(&cost) = sorted.get(next) else {
        let makespan = load.iter().copied().fold(0.0, f64::max);
        *best = best.min(makespan);
        return;
    };
    for lane in 0..load.len() {
        if load[..lane].contains(&load[lane]) || load[lane] + cost >= *best {
            continue;
        }
        load[lane] += cost;
        search(sorted, next + 1, load, best, lower, budget);
        load[lane] -= cost;
    }
}

/// The best time when the OS time-slices more threads than there are cores: tasks can be
/// pre-empted and resumed, so only max(work ÷ cores, the longest task) binds (McNaughton's
/// bound, exact for pre-emptive scheduling; a lower bound for the threads' real fair share).
pub fn time_sliced(costs: &[f64], cores: usize) -> Schedule {
    let total: f64 = costs.iter().map(|c| c.max(0.0)).sum();
    let longest = costs.iter().copied().fold(0.0, f64::max);
    Schedule {
        seconds: (total / cores.max(1) as f64).max(longest),
        method: Method::LowerBound,
    }
}

/// Sum of the best schedules of each batch (`batches` are task counts, in order).
/// The time `lanes` lanes take when each free lane takes the next task in order (first come,
/// first served: a queue and its workers), tasks never split.
pub fn first_come(costs: &[f64], lanes: usize) -> Schedule {
    let mut free_at = vec![0.0_f64; lanes.max(1)];
    for &cost in costs {
        // The lane free first takes the next task (the lowest-numbered among equals).
        let lane = (0..free_at.len())
            .min_by(|&a, &b| free_at[a].total_cmp(&free_at[b]))
            .unwrap_or(0);
        free_at[lane] += cost.max(0.0);
    }
    exact(free_at.iter().copied().fold(0.0, f64::max))
}

pub(crate) fn batched(costs: &[f64], batches: &[usize], lanes: usize) -> Schedule {
    batched_with(costs, batches, |c| schedule(c, lanes))
}

pub(crate) fn batched_with(
    costs: &[f64],
    batches: &[usize],
    each: impl Fn(&[f64]) -> Schedule,
) -> Schedule {
    let mut seconds = 0.0;
    let mut method = Method::Exact;
    let mut from = 0;
    for &n in batches {
        let to = (from + n).min(costs.len());
        let s = each(&costs[from..to]);
        seconds += s.seconds;
        if s.method == Method::LowerBound {
            method = Method::LowerBound;
        }
        from = to;
    }
    if from < costs.len() {
        let s = each(&costs[from..]);
        seconds += s.seconds;
        if s.method == Method::LowerBound {
            method = Method::LowerBound;
        }
    }
    Schedule { seconds, method }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_come_first_served_takes_tasks_in_order() {
        // 3, 3, 2, 2 on two lanes in order: 3+2 and 3+2 = 5; the best is also 5.
        assert_eq!(first_come(&[3.0, 3.0, 2.0, 2.0], 2).seconds, 5.0);
        // 1, 1, 4 on two lanes: the 4 starts at 1 and ends at 5; the best would be 4.
        assert_eq!(first_come(&[1.0, 1.0, 4.0], 2).seconds, 5.0);
        assert_eq!(schedule(&[1.0, 1.0, 4.0], 2).seconds, 4.0);
        assert_eq!(first_come(&[1.0, 2.0, 3.0], 1).seconds, 6.0);
        assert_eq!(first_come(&[1.0, 2.0, 3.0], 5).seconds, 3.0);
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }

    #[test]
    fn five_equal_tasks_on_two_lanes_take_three_lengths() {
        let s = schedule(&[1.0; 5], 2);
        assert!(close(s.seconds, 3.0), "{s:?}");
        assert_eq!(s.method, Method::Exact);
    }

    #[test]
    fn schedules_are_never_below_the_longest_task_or_the_work_per_lane() {
        assert!(close(schedule(&[10.0, 1.0, 1.0, 1.0], 4).seconds, 10.0));
        assert!(close(schedule(&[1.0; 3], 8).seconds, 1.0));
        assert!(close(schedule(&[1.0; 20], 5).seconds, 4.0));
        // LPT gives 7 here ({3,2,2} {3,2}); the optimum is 6 ({3,3} {2,2,2}).
        let s = schedule(&[3.0, 3.0, 2.0, 2.0, 2.0], 2);
        assert!(close(s.seconds, 6.0), "{s:?}");
    }

    #[test]
    fn sixteen_nearly_equal_chunks_are_scheduled_exactly() {
        let costs: Vec<f64> = (0..16).map(|i| 1.0 + i as f64 * 1e-3).collect();
        assert_eq!(schedule(&costs, 2).method, Method::Exact);
    }

    #[test]
    fn many_tasks_fall_back_to_a_proven_bound() {
        let costs: Vec<f64> = (0..40).map(|i| 1.0 + (i % 7) as f64 * 0.37).collect();
        let s = schedule(&costs, 3);
        let total: f64 = costs.iter().sum();
        assert!(s.seconds >= total / 3.0 - 1e-9);
        assert!(s.seconds <= lpt(&sorted_desc(&costs), 3) + 1e-9);
    }

    #[test]
    fn a_hundred_thousand_tasks_do_not_overflow_the_stack() {
        let costs: Vec<f64> = (0..100_000).map(|i| 1.0 + (i % 6) as f64 * 0.1).collect();
        let s = schedule(&costs, 2);
        assert!(s.seconds >= costs.iter().sum::<f64>() / 2.0 - 1e-6, "{s:?}");
    }

    fn sorted_desc(costs: &[f64]) -> Vec<f64> {
        let mut v = costs.to_vec();
        v.sort_by(|a, b| b.total_cmp(a));
        v
    }
}
