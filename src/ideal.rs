//! The ideal: the best time the hardware (or the server) allows for a cell, computed from the
//! same statistic of the same kind of run as the measurement it is compared with.
//!
//! - **CPU**: the sequential cell's time (criterion's estimate in benches, the median of the
//!   repeats in `concur run`) is split over its tasks in proportion to their measured costs.
//!   With W ≤ cores those costs are scheduled task by task on W lanes: exactly by
//!   branch and bound (within [`SEARCH_BUDGET`] steps, starting from the longest-processing-time
//!   schedule), else the proven lower bound; five equal tasks on two lanes take
//!   three task-lengths, never 2.5. With more threads than cores the OS time-slices them, so
//!   tasks can be pre-empted: max(work ÷ cores, the longest task) (McNaughton's bound).
//! - **IO**: each request's least time (the server's delay) in rounds of what the model keeps
//!   in flight, per batch; or, when longer, the requests over the server's measured
//!   request rate on kept-alive connections, or the new connections the run opened over the
//!   server's measured connection rate. The bound that binds is named.
//! - **Mixed** (requests among CPU tasks): the larger of two lower bounds, per batch. Every
//!   task holds one of the lanes that keep requests in flight for at least its length (a
//!   request its server delay, a CPU task its share of the in-turn time): their best schedule
//!   on those lanes; exact for a pool or running in turn, whose lanes wait and compute alike.
//!   And the CPU tasks alone on the CPU lanes (time-sliced over the cores when there are
//!   more): what binds one event loop, whose waits take no lane. Or the server's rates, when
//!   slower.
//! - **Wait** (tasks that wait a known time, no server): the waits handed out first come,
//!   first served, to the lanes the model keeps in flight, per batch: what a queue and its
//!   workers do (the asyncio.Queue tutorial), not the best order, which no model here picks.

use serde::{Deserialize, Serialize};

use crate::schedule::{batched, batched_with, first_come, time_sliced};
pub use crate::schedule::{schedule, Method, Schedule, SEARCH_BUDGET};

/// A measured time with its interval: criterion's mean and 95% CI, or a median with the
/// fastest and slowest of the repeats.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Stat {
    pub mean_s: f64,
    pub low_s: f64,
    pub high_s: f64,
}

impl Stat {
    /// A statistic, if its numbers make sense (finite, positive, low ≤ mean ≤ high).
    pub fn new(mean_s: f64, low_s: f64, high_s: f64) -> Option<Stat> {
        let sane = [mean_s, low_s, high_s]
            .iter()
            .all(|v| v.is_finite() && *v > 0.0)
            && low_s <= mean_s
            && mean_s <= high_s;
        sane.then_some(Stat {
            mean_s,
            low_s,
            high_s,
        })
    }

    /// The median of `times` with their minimum and maximum as the interval.
    pub fn of_repeats(times: &[f64]) -> Option<Stat> {
        let mut sorted: Vec<f64> = times.iter().copied().filter(|t| t.is_finite()).collect();
        sorted.sort_by(f64::total_cmp);
        let median = *sorted.get(sorted.len().checked_sub(1)? / 2)?;
        Stat::new(median, *sorted.first()?, *sorted.last()?)
    }
}

/// What the ideal is bound by.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Bound {
    /// The measured CPU work scheduled on W lanes, or time-sliced over the cores.
    Cores,
    /// The server's delays, in rounds of as many requests as the model keeps in flight.
    Delay,
    /// The server's request rate on kept-alive connections.
    Requests,
    /// The server's rate of accepting new connections.
    Connections,
    /// Requests and CPU tasks sharing the lanes that wait: each holds one for its length.
    DelayAndCpu,
    /// Known waits (no server) handed out first come, first served, to the lanes in flight.
    Waits,
}

impl Bound {
    /// A few words for tables: what binds.
    pub fn describe(self) -> &'static str {
        match self {
            Bound::Cores => "cores",
            Bound::Delay => "server delay",
            Bound::Requests => "server request rate",
            Bound::Connections => "connection setup",
            Bound::DelayAndCpu => "server delay + CPU",
            Bound::Waits => "waits (FCFS)",
        }
    }
}

/// The best time the hardware allows for a cell, with its interval and what binds it.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Ideal {
    pub seconds: f64,
    pub low_s: f64,
    pub high_s: f64,
    pub bound: Bound,
    pub method: Method,
}

impl Ideal {
    /// What binds it, for tables: `cores`, `connection setup (lower bound)`.
    pub fn binds(&self) -> String {
        match self.method {
            Method::Exact => self.bound.describe().to_string(),
            Method::LowerBound => format!("{} (lower bound)", self.bound.describe()),
        }
    }
}

/// Scale `costs` so they add up to `total`: the baseline's measured time split over its tasks
/// in proportion to what each took in its recorded run.
fn shares(costs: &[f64], total: f64) -> Vec<f64> {
    let sum: f64 = costs.iter().map(|c| c.max(0.0)).sum();
    if sum <= 0.0 {
        let n = costs.len().max(1) as f64;
        return vec![total / n; costs.len()];
    }
    costs.iter().map(|c| c.max(0.0) * total / sum).collect()
}

/// The CPU ideal: `baseline` (the in-turn cell's time) split over its tasks in proportion to
/// `costs` (their durations in its recorded run), per batch: scheduled task by task on
/// `workers` lanes when they fit on the `cores`, else time-sliced over the cores.
pub fn cpu(
    costs: &[f64],
    baseline: Stat,
    workers: usize,
    cores: usize,
    batches: &[usize],
) -> Ideal {
    let at = |total: f64| {
        let costs = shares(costs, total);
        if workers > cores {
            batched_with(&costs, batches, |c| time_sliced(c, cores))
        } else {
            batched(&costs, batches, workers)
        }
    };
    let mid = at(baseline.mean_s);
    Ideal {
        seconds: mid.seconds,
        low_s: at(baseline.low_s).seconds,
        high_s: at(baseline.high_s).seconds,
        bound: Bound::Cores,
        method: mid.method,
    }
}

/// What the mock server was measured to sustain (see `mock::calibrate`).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct ServerRates {
    /// Requests per second on kept-alive connections, at zero delay.
    pub requests_per_s: f64,
    /// New connections per second it accepts and answers.
    pub connections_per_s: f64,
}

/// The IO ideal: the requests' least times (`floors`) in rounds of `in_flight` per batch, or
/// the server's rates for `requests` requests and `new_connections` connections when slower.
pub fn io(
    floors: &[f64],
    batches: &[usize],
    in_flight: usize,
    rates: Option<ServerRates>,
    new_connections: Option<u64>,
) -> Option<Ideal> {
    let delay = batched(floors, batches, in_flight);
    let mut best = (delay.seconds, Bound::Delay);
    if let Some(r) = rates {
        if r.requests_per_s > 0.0 {
            let t = floors.len() as f64 / r.requests_per_s;
            if t > best.0 {
                best = (t, Bound::Requests);
            }
        }
        if let (Some(n), true) = (new_connections, r.connections_per_s > 0.0) {
            let t = n as f64 / r.connections_per_s;
            if t > best.0 {
                best = (t, Bound::Connections);
            }
        }
    }
    let (seconds, bound) = best;
    (seconds.is_finite() && seconds > 0.0).then_some(Ideal {
        seconds,
        low_s: seconds,
        high_s: seconds,
        bound,
        method: if bound == Bound::Delay {
            delay.method
        } else {
            Method::LowerBound
        },
    })
}

/// The wait ideal: each task's known wait (`waits`, seconds) handed out first come, first
/// served, to `in_flight` lanes, per batch; `None` when there is nothing to wait for.
pub fn wait(waits: &[f64], batches: &[usize], in_flight: usize) -> Option<Ideal> {
    let s = batched_with(waits, batches, |w| first_come(w, in_flight));
    (s.seconds.is_finite() && s.seconds > 0.0).then_some(Ideal {
        seconds: s.seconds,
        low_s: s.seconds,
        high_s: s.seconds,
        bound: Bound::Waits,
        method: s.method,
    })
}

/// What a mixed cell's ideal is made of (see [`mixed`]): which tasks are requests and how
/// the model runs them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MixedShape {
    /// Each task's least time if it is a request (the server's delay), `None` for CPU tasks.
    pub floors_s: Vec<Option<f64>>,
    /// Tasks the model keeps in flight at once: the lanes every task holds while it runs.
    pub in_flight: usize,
    /// Threads that compute at once (see `compare::cpu_lanes`).
    pub cpu_lanes: usize,
    pub cores: usize,
    pub batches: Vec<usize>,
}

/// The mixed ideal: per batch, the larger of the best schedule of every task's length (a
/// request's delay, a CPU task's share of `baseline` by the in-turn run's `costs`) on the
/// lanes in flight, and the CPU tasks alone on the CPU lanes (time-sliced over the cores when
/// there are more); `rates`, the IO ideal by the server's rates, when it is longer.
pub fn mixed(shape: &MixedShape, costs: &[f64], baseline: Stat, rates: Option<Ideal>) -> Ideal {
    let at = |total: f64| {
        let shares = shares(costs, total);
        let (mut seconds, mut held, mut lower) = (0.0, 0.0, false);
        let mut from = 0;
        for &n in &shape.batches {
            let to = (from + n).min(shape.floors_s.len());
            let range = from..to;
            from = to;
            let length =
                |i: usize| shape.floors_s[i].unwrap_or(shares.get(i).copied().unwrap_or(0.0));
            let lengths: Vec<f64> = range.clone().map(length).collect();
            let cpu: Vec<f64> = range
                .filter(|&i| shape.floors_s[i].is_none())
                .map(length)
                .collect();
            let together = schedule(&lengths, shape.in_flight);
            let alone = if shape.cpu_lanes > shape.cores {
                time_sliced(&cpu, shape.cores)
            } else {
                schedule(&cpu, shape.cpu_lanes)
            };
            if together.seconds >= alone.seconds {
                seconds += together.seconds;
                held += together.seconds;
                lower |= together.method == Method::LowerBound;
            } else {
                seconds += alone.seconds;
                // The CPU schedule is exact for the CPU work alone, not proven for the requests
                // around it.
                lower = true;
            }
        }
        let every_task_a_lane = shape.batches.iter().all(|&n| shape.in_flight >= n);
        let bound = match (held * 2.0 >= seconds, every_task_a_lane) {
            (false, _) => Bound::Cores,
            (true, true) => Bound::Delay,
            (true, false) => Bound::DelayAndCpu,
        };
        let method = if lower {
            Method::LowerBound
        } else {
            Method::Exact
        };
        (seconds, bound, method)
    };
    let (seconds, bound, method) = at(baseline.mean_s);
    let ideal = Ideal {
        seconds,
        low_s: at(baseline.low_s).0,
        high_s: at(baseline.high_s).0,
        bound,
        method,
    };
    match rates {
        Some(r) if r.seconds > ideal.high_s => r,
        _ => ideal,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }

    #[test]
    fn the_cpu_ideal_splits_the_baselines_own_time() {
        let base = Stat::new(10.0, 9.0, 11.0).unwrap();
        // Shares 1:1:2 of 10 s → 2.5, 2.5, 5 on two lanes: 5 s.
        let ideal = cpu(&[0.1, 0.1, 0.2], base, 2, 2, &[3]);
        assert!(close(ideal.seconds, 5.0) && close(ideal.low_s, 4.5) && close(ideal.high_s, 5.5));
        // Batches of one: nothing overlaps.
        assert!(close(
            cpu(&[0.1, 0.1, 0.2], base, 2, 2, &[1, 1, 1]).seconds,
            10.0
        ));
        // Five equal tasks: two lanes need three lengths; five time-sliced threads on two
        // cores can share them out, 2.5 lengths.
        let five = Stat::new(5.0, 5.0, 5.0).unwrap();
        assert!(close(cpu(&[1.0; 5], five, 2, 2, &[5]).seconds, 3.0));
        let sliced = cpu(&[1.0; 5], five, 5, 2, &[5]);
        assert!(close(sliced.seconds, 2.5) && sliced.method == Method::LowerBound);
    }

    #[test]
    fn the_io_ideal_names_what_binds() {
        let floors = [0.1; 1000];
        let rates = ServerRates {
            requests_per_s: 50_000.0,
            connections_per_s: 4_000.0,
        };
        let delay = io(&floors, &[1000], 1000, Some(rates), Some(1)).unwrap();
        assert_eq!(delay.bound, Bound::Delay);
        let conns = io(&floors, &[1000], 1000, Some(rates), Some(1000)).unwrap();
        assert_eq!(conns.bound, Bound::Connections);
        assert!(close(conns.seconds, 0.25));
        assert!(close(
            io(&floors, &[1000], 5, None, None).unwrap().seconds,
            20.0
        ));
        assert!(
            io(&[0.0; 3], &[3], 3, None, None).is_none(),
            "a zero ideal is unknown"
        );
        assert!(Stat::new(f64::NAN, 1.0, 2.0).is_none());
        assert!(Stat::new(1e308, 1e308, f64::INFINITY).is_none());
    }

    #[test]
    fn the_wait_ideal_is_a_queue_of_the_waits_on_the_lanes_in_flight() {
        let waits = [0.3, 0.1, 0.1, 0.4];
        // Three workers pull in order: 0.3 | 0.1 then 0.4 | 0.1 → 0.5.
        let three = wait(&waits, &[4], 3).unwrap();
        assert!(close(three.seconds, 0.5) && three.bound == Bound::Waits);
        assert!(close(wait(&waits, &[4], 1).unwrap().seconds, 0.9));
        assert!(close(wait(&waits, &[4], 4).unwrap().seconds, 0.4));
        // Batches of two: max(0.3, 0.1) + max(0.1, 0.4).
        assert!(close(wait(&waits, &[2, 2], 4).unwrap().seconds, 0.7));
        assert!(wait(&[0.0; 3], &[3], 3).is_none());
    }

    #[test]
    fn the_mixed_ideal_is_the_tighter_of_shared_lanes_and_cpu_lanes() {
        // Four requests of 0.1 s and two CPU tasks that took 0.1 s each in turn (the in-turn
        // run: 0.6 s, each task's measured cost 0.1).
        let floors = vec![Some(0.1), None, Some(0.1), Some(0.1), None, Some(0.1)];
        let shape = |in_flight, cpu_lanes| MixedShape {
            floors_s: floors.clone(),
            in_flight,
            cpu_lanes,
            cores: 2,
            batches: vec![6],
        };
        let base = Stat::new(0.6, 0.6, 0.6).unwrap();
        let costs = [0.1; 6];
        // In turn: everything on one lane.
        let seq = mixed(&shape(1, 1), &costs, base, None);
        assert!(close(seq.seconds, 0.6) && seq.bound == Bound::DelayAndCpu);
        assert_eq!(seq.method, Method::Exact);
        // A pool of 2: six lengths on two lanes.
        assert!(close(mixed(&shape(2, 2), &costs, base, None).seconds, 0.3));
        // One event loop: every request in flight, the CPU work on one thread.
        let one_loop = mixed(&shape(6, 1), &costs, base, None);
        assert!(close(one_loop.seconds, 0.2) && one_loop.bound == Bound::Cores);
        assert_eq!(one_loop.method, Method::LowerBound);
        // A thread per task: the longest task, each on its own lane.
        let threads = mixed(&shape(6, 6), &costs, base, None);
        assert!(close(threads.seconds, 0.1) && threads.bound == Bound::Delay);
        // The server's rate binds when it is slower.
        let slow = Ideal {
            seconds: 5.0,
            low_s: 5.0,
            high_s: 5.0,
            bound: Bound::Requests,
            method: Method::LowerBound,
        };
        assert_eq!(mixed(&shape(6, 6), &costs, base, Some(slow)), slow);
    }
}
