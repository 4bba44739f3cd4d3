//! The best time each crawl shape allows, from the in-turn baseline's own measured costs, as
//! [`crate::ideal`] does for CPU cells: each page's fetch (the server's delay plus the
//! transfer) and parse (CPU) as the baseline timed them, one at a time, scaled so they add up
//! to the baseline's time in the same statistic as the shape's (the median of the same
//! repeats, or criterion's estimate), then scheduled ([`schedule`]) on the lanes the shape has:
//!
//! The baseline's run of median time gives each page's costs; they are scaled by that run's
//! time over their sum (the little between spans: the loop, the bookkeeping).
//!
//! - in turn: every fetch and parse one after the other, Σ(fetch + parse);
//! - two-phase: the fetches on F lanes, then the parses on min(P, cores) lanes;
//! - fused: each page's fetch + parse on F + P lanes, and never less than the parses alone on
//!   min(F + P, cores) lanes (the CPU work needs the cores whatever waits beside it);
//! - pipelined: the larger of the fetches on F lanes and the parses on min(P, cores) lanes,
//!   plus the fill and drain a pipeline cannot skip: nothing is parsed before the first fetch
//!   ends (the shortest fetch), and the last page fetched must still be parsed (the shortest
//!   parse).
//!
//! Every bound is a lower bound: the parses of processes also pay the pipe and the JSON, and
//! the mock's own CPU shares the cores; what a flavour loses to those shows as efficiency.

use serde::{Deserialize, Serialize};

use super::{PipelineRun, Shape, Stage};
use crate::schedule::schedule;

/// Each page's fetch and parse, in seconds, as the baseline measured them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Costs {
    pub fetch_s: Vec<f64>,
    pub parse_s: Vec<f64>,
}

/// The lanes a crawl has.
#[derive(Clone, Copy, Debug)]
pub struct Lanes {
    pub fetchers: usize,
    pub parsers: usize,
    pub cores: usize,
}

impl Costs {
    /// Each page's fetch and parse in `run`, the baseline's run of median time (a run that
    /// failed has none). Its own costs, not each page's median over the repeats: the time
    /// they are scaled to is that run's, and medians of parts do not add up to the median of
    /// the whole.
    pub fn of_run(run: &PipelineRun, pages: usize) -> Option<Costs> {
        if !run.ok {
            return None;
        }
        let mut costs = Costs {
            fetch_s: vec![0.0; pages],
            parse_s: vec![0.0; pages],
        };
        for span in &run.spans {
            let slot = match span.stage {
                Stage::Fetch => costs.fetch_s.get_mut(span.page),
                Stage::Parse => costs.parse_s.get_mut(span.page),
                Stage::Both => None,
            };
            if let Some(slot) = slot {
                *slot += span.end_s - span.start_s;
            }
        }
        Some(costs)
    }

    /// Fetching against parsing, both summed: about 1 when the stages cost the same.
    pub fn balance(&self) -> f64 {
        self.fetch_s.iter().sum::<f64>() / self.parse_s.iter().sum::<f64>().max(1e-12)
    }

    /// The best time of `shape` on `lanes`, the costs scaled to add up to `baseline_s`.
    pub fn ideal(&self, shape: Shape, lanes: Lanes, baseline_s: f64) -> f64 {
        let total: f64 = self.fetch_s.iter().chain(&self.parse_s).sum();
        if total <= 0.0 {
            return 0.0;
        }
        let scale = baseline_s / total;
        let fetch: Vec<f64> = self.fetch_s.iter().map(|c| c * scale).collect();
        let parse: Vec<f64> = self.parse_s.iter().map(|c| c * scale).collect();
        let on = |costs: &[f64], n: usize| schedule(costs, n).seconds;
        let cpu = |n: usize| n.min(lanes.cores).max(1);
        let least = |costs: &[f64]| costs.iter().copied().fold(f64::INFINITY, f64::min);
        let (f, p) = (lanes.fetchers.max(1), lanes.parsers.max(1));
        match shape {
            Shape::InTurn => baseline_s,
            Shape::TwoPhase => on(&fetch, f) + on(&parse, cpu(p)),
            Shape::Fused => {
                let both: Vec<f64> = fetch.iter().zip(&parse).map(|(a, b)| a + b).collect();
                on(&both, f + p).max(on(&parse, cpu(f + p)))
            }
            Shape::Pipelined => {
                (on(&fetch, f) + least(&parse)).max(least(&fetch) + on(&parse, cpu(p)))
            }
        }
    }
}

/// The median of `values` (0 for none).
pub fn median(values: &[f64]) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    match sorted.len() {
        0 => 0.0,
        n if n % 2 == 1 => sorted[n / 2],
        n => (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pipelining_overlaps_what_two_phase_does_one_after_the_other() {
        // 6 pages, each a 1 s fetch and a 1 s parse; 3 fetchers, 2 parsers on 2 cores.
        let costs = Costs {
            fetch_s: vec![1.0; 6],
            parse_s: vec![1.0; 6],
        };
        let lanes = Lanes {
            fetchers: 3,
            parsers: 2,
            cores: 2,
        };
        let ideal = |shape| costs.ideal(shape, lanes, 12.0);
        assert_eq!(ideal(Shape::InTurn), 12.0);
        assert_eq!(ideal(Shape::TwoPhase), 2.0 + 3.0);
        assert_eq!(ideal(Shape::Pipelined), 4.0);
        // Five lanes take 2 rounds of fetch + parse, yet the parses need 3 s of both cores.
        assert_eq!(ideal(Shape::Fused), 4.0);
        assert_eq!(costs.balance(), 1.0);
        // Scaled to the baseline's statistic: half the time, half the ideal.
        assert_eq!(costs.ideal(Shape::TwoPhase, lanes, 6.0), 2.5);
        assert_eq!(median(&[3.0, 1.0, 2.0]), 2.0);
    }
}
