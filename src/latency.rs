//! IO latency in runs that mix requests with CPU work: each request's latency, and their p50,
//! p95 and maximum next to the server's delay, the least any of them could take.
//!
//! **What a request's latency is here**: its task's span, from the moment its task started (a
//! lane picked it up: the event loop first polled it, a pool thread or a worker process took
//! it) to the moment its reply had been read and its task returned. That is the time the
//! request spent *in progress*, and on a thread that also runs CPU work it includes any time
//! the reply sat unread because a CPU task held the thread: the stall this measures.
//!
//! **Why not from submission** (the start of the run): a model that keeps fewer requests in
//! flight than the run has (a pool of W, running in turn) queues the rest, and the queue would
//! swamp the stall: the last of 20 requests in turn would read 20 delays. That queue is what
//! the wall time and the ideal already show. The span says whether a request that had started
//! was held up by CPU work, which is the question a mixed workload asks. A task that starts
//! late because CPU work held the thread before it (the queue of one event loop) is not
//! counted as latency either; the wall time shows that.
//!
//! Percentiles are nearest-rank over every request of the runs given: p50 is the value at
//! least half of them are at or below, p95 the value 95% are at or below (the 19th of 20).

use serde::{Deserialize, Serialize};

use crate::model::Span;

/// The IO latency of one or more runs of a cell, against the server's delay.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct IoLatency {
    /// How many requests the statistics are over (every request of every run counted).
    pub requests: usize,
    pub p50_s: f64,
    pub p95_s: f64,
    pub max_s: f64,
    /// The server's delay for these requests (the longest, if they differ): the least a
    /// request can take, which the latencies are judged against.
    pub delay_s: f64,
    /// The median length of the same runs' CPU tasks, if they had any: what one CPU task
    /// costs on this model (in turn, its plain cost; time-sliced, longer).
    pub cpu_task_s: Option<f64>,
}

impl IoLatency {
    /// p95 as a multiple of the delay: 1.0 means no request of the slowest 5% waited longer
    /// than the server made it.
    pub fn p95_vs_delay(&self) -> f64 {
        self.p95_s / self.delay_s
    }

    /// True when every number is finite, non-negative and at most `max_s` (a results file is
    /// checked before anything is drawn from it).
    pub fn is_sane(&self, max_s: f64) -> bool {
        let within = |v: f64| v.is_finite() && (0.0..=max_s).contains(&v);
        [self.p50_s, self.p95_s, self.max_s, self.delay_s]
            .into_iter()
            .chain(self.cpu_task_s)
            .all(within)
            && self.p50_s <= self.p95_s
            && self.p95_s <= self.max_s
            && self.delay_s > 0.0
    }
}

/// The value at or above `p` (0 < p ≤ 1) of `sorted` values, by nearest rank.
pub fn nearest_rank(sorted: &[f64], p: f64) -> Option<f64> {
    let rank = (p * sorted.len() as f64).ceil() as usize;
    sorted.get(rank.clamp(1, sorted.len().max(1)) - 1).copied()
}

/// The latency statistics of `timelines` (one per run), where `io[i]` says whether task `i`
/// is a request and `floors[i]` is its least time. `None` without requests or a known delay.
pub fn of_runs<'a>(
    timelines: impl IntoIterator<Item = &'a [Span]>,
    io: &[bool],
    floors: &[f64],
) -> Option<IoLatency> {
    let mut latencies = Vec::new();
    let mut cpu = Vec::new();
    for timeline in timelines {
        for span in timeline {
            let length = (span.end_s - span.start_s).max(0.0);
            match io.get(span.task) {
                Some(true) => latencies.push(length),
                Some(false) => cpu.push(length),
                None => {}
            }
        }
    }
    let delay_s = io
        .iter()
        .zip(floors)
        .filter(|(is_io, _)| **is_io)
        .map(|(_, f)| *f)
        .fold(0.0, f64::max);
    if latencies.is_empty() || delay_s <= 0.0 {
        return None;
    }
    latencies.sort_by(f64::total_cmp);
    cpu.sort_by(f64::total_cmp);
    Some(IoLatency {
        requests: latencies.len(),
        p50_s: nearest_rank(&latencies, 0.50)?,
        p95_s: nearest_rank(&latencies, 0.95)?,
        max_s: *latencies.last()?,
        delay_s,
        cpu_task_s: nearest_rank(&cpu, 0.50),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn span(task: usize, start_s: f64, end_s: f64) -> Span {
        Span::new(task, 0, 0, start_s, end_s)
    }

    #[test]
    fn nearest_rank_picks_a_measured_value() {
        let twenty: Vec<f64> = (1..=20).map(f64::from).collect();
        assert_eq!(nearest_rank(&twenty, 0.5), Some(10.0));
        assert_eq!(nearest_rank(&twenty, 0.95), Some(19.0));
        assert_eq!(nearest_rank(&twenty, 1.0), Some(20.0));
        assert_eq!(nearest_rank(&[7.0], 0.95), Some(7.0));
        assert_eq!(nearest_rank(&[], 0.5), None);
    }

    #[test]
    fn one_event_loop_stalls_every_waiting_request() {
        // A hand-made run on one thread: requests 0 and 1 start at once, a CPU task (task 2)
        // holds the thread from 0 to 0.1 s, request 3 starts after it; every reply (delay
        // 0.1 s) is read only once the thread is free, at 0.2 s.
        let timeline = [
            span(0, 0.0, 0.2),
            span(1, 0.0, 0.2),
            span(2, 0.0, 0.1),
            span(3, 0.1, 0.2),
        ];
        let io = [true, true, false, true];
        let floors = [0.1, 0.1, 0.0, 0.1];
        let l = of_runs([&timeline[..]], &io, &floors).unwrap();
        assert_eq!(l.requests, 3);
        assert!((l.p50_s - 0.2).abs() < 1e-12, "{l:?}");
        assert!((l.p95_s - 0.2).abs() < 1e-12 && (l.max_s - 0.2).abs() < 1e-12);
        assert!((l.delay_s - 0.1).abs() < 1e-12);
        assert_eq!(l.cpu_task_s, Some(0.1));
        assert!((l.p95_vs_delay() - 2.0).abs() < 1e-12);
        assert!(l.is_sane(1e6));
    }

    #[test]
    fn every_run_counts_and_cpu_only_runs_have_none() {
        let fast = [span(0, 0.0, 0.1), span(1, 0.0, 0.1)];
        let slow = [span(0, 0.0, 0.1), span(1, 0.0, 0.4)];
        let l = of_runs([&fast[..], &slow[..]], &[true, true], &[0.1, 0.1]).unwrap();
        // Four requests: 0.1, 0.1, 0.1, 0.4.
        assert_eq!(l.requests, 4);
        assert!((l.p50_s - 0.1).abs() < 1e-12 && (l.p95_s - 0.4).abs() < 1e-12);
        assert_eq!(l.cpu_task_s, None);
        assert!(of_runs([&fast[..]], &[false, false], &[0.0, 0.0]).is_none());
        assert!(of_runs([&fast[..]], &[true, true], &[0.0, 0.0]).is_none());
    }
}
