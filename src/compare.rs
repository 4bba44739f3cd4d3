//! The comparison, in one place for `concur run`, the benches and the report: which cell is
//! the baseline (the model that declares it runs tasks in turn, wherever it sits in the
//! registry), and each cell's speedup, ideal speedup, efficiency and anomaly.
//!
//! A failed cell has no speedup and no efficiency. A time whose interval lies wholly below its
//! ideal's interval beats physics: it is flagged as an anomaly with its likely reason, and is
//! never shown as a plain number. `concur run` applies these rules model by model in
//! [`measure`](crate::measure).

use serde::Serialize;

use crate::ideal::{self, Bound, Ideal, MixedShape, ServerRates, Stat};
use crate::model::{self, Model, Runs};
use crate::run::{Prepared, RunRecord};

/// How far two cells measured minutes apart drift with nothing changed (CPU frequency, a
/// neighbour's load, cache state): criterion's interval covers the spread *within* one cell's
/// samples, not this. On the 2-core reference machine sequential and async (the same work on
/// one thread) differed by 1-3% in most bench runs, so a time has to beat its ideal by more
/// than that, beyond both intervals, to be called an anomaly (a 6% gap still is one).
pub const DRIFT: f64 = 0.03;

/// How a cell compares with its baseline and its ideal.
#[derive(Clone, Debug, Default, PartialEq, Serialize, serde::Deserialize)]
pub struct Verdict {
    /// Baseline time ÷ this time.
    pub speedup: Option<f64>,
    /// Baseline time ÷ the ideal: the most this cell could have gained.
    pub ideal_speedup: Option<f64>,
    /// Ideal ÷ this time: 100% is the best the hardware allows.
    pub efficiency: Option<f64>,
    /// Set when the time beats its ideal beyond both intervals: what probably happened.
    pub anomaly: Option<String>,
}

/// Judge a cell: `time` is its measurement, `baseline` the in-turn cell doing the same work.
pub fn judge(
    ok: bool,
    time: Option<Stat>,
    baseline: Option<Stat>,
    ideal: Option<&Ideal>,
) -> Verdict {
    let Some(time) = time.filter(|_| ok) else {
        return Verdict::default();
    };
    let speedup = baseline.map(|b| b.mean_s / time.mean_s);
    let ideal_speedup = baseline
        .zip(ideal)
        .map(|(b, i)| b.mean_s / i.seconds)
        .filter(|s| s.is_finite());
    let efficiency = ideal
        .map(|i| i.seconds / time.mean_s)
        .filter(|e| e.is_finite());
    let anomaly = ideal
        .filter(|i| time.high_s < i.low_s * (1.0 - DRIFT))
        .map(|i| anomaly_reason(i, time));
    Verdict {
        speedup,
        ideal_speedup,
        efficiency,
        anomaly,
    }
}

const DRIFT_PCT: u32 = (DRIFT * 100.0) as u32;

fn anomaly_reason(ideal: &Ideal, time: Stat) -> String {
    let by = format!(
        "{} below its ideal of {}",
        crate::format::percent(1.0 - time.mean_s / ideal.seconds),
        crate::format::time(ideal.seconds)
    );
    let why = match ideal.bound {
        Bound::Cores => {
            "faster than the best schedule of the in-turn run's own task costs: that baseline \
             was probably slowed (CPU frequency, a noisy neighbour, cold caches), or the tasks \
             ran faster side by side; read this speedup as noise, not as a result"
        }
        Bound::Delay => {
            "faster than the server's delay allows: the server did not wait as long as it was \
             asked to (check the server and its --delay-ms)"
        }
        Bound::DelayAndCpu => {
            "faster than the server's delays and the in-turn run's CPU costs allow on its lanes: \
             the server did not wait as long as asked, or that baseline was slowed (check \
             --delay-ms and read this speedup as noise)"
        }
        Bound::Waits => {
            "faster than its tasks' own waits allow, handed out first come, first served: a \
             sleep or pause ended early, or the model handed its tasks out in a better order \
             than a queue does"
        }
        Bound::Requests | Bound::Connections => {
            "faster than the server's calibrated rate: the calibration underestimated the \
             server (it may have been measured at a noisy moment)"
        }
    };
    format!("{by}, beyond both confidence intervals and the {DRIFT_PCT}% drift between runs: {why}")
}
/// The baseline model first, then the others in the order given.
pub fn baseline_first(mut models: Vec<&'static dyn Model>) -> Vec<&'static dyn Model> {
    models.sort_by_key(|m| m.traits().runs != Runs::InTurn);
    models
}
/// How many threads compute at once in a CPU cell: its W, capped by what it keeps in flight
/// (`--concurrency`). More than the cores, and the OS time-slices them (see `ideal::cpu`).
pub fn cpu_lanes(cell: &Prepared) -> usize {
    cell.workers().min(cell.in_flight()).max(1)
}

/// A started IO cell's ideal: its requests' least times in rounds of what it keeps in flight
/// per batch, or the server's `rates` for its requests and the `connections` a run opened.
pub fn cell_io_ideal(
    cell: &Prepared,
    rates: Option<ServerRates>,
    connections: Option<u64>,
) -> Option<Ideal> {
    ideal::io(
        cell.floors(),
        &cell.batch_sizes(),
        cell.in_flight(),
        rates,
        connections,
    )
}

/// The least time an IO cell will really take: its ideal, but with one request at a time for a
/// model that runs one task at a time ([`Runs::one_at_a_time`]). Such a model's ideal can be
/// what it *should* have done (`async-naive`'s: every request in flight), not what it will
/// take. `concur run` skips long cells, and the estimate adds them up, by this.
pub fn io_least(floors: &[f64], batches: &[usize], in_flight: usize, runs: Runs) -> Option<Ideal> {
    let lanes = if runs.one_at_a_time() { 1 } else { in_flight };
    ideal::io(floors, batches, lanes, None, None)
}

/// A started wait cell's ideal: its tasks' waits, first come, first served, on what it keeps
/// in flight, per batch.
pub fn cell_wait_ideal(cell: &Prepared) -> Option<Ideal> {
    ideal::wait(cell.floors(), &cell.batch_sizes(), cell.in_flight())
}

/// A started mixed cell's shape for its ideal: which tasks are requests (with their server
/// delays), what it keeps in flight, its CPU lanes, the cores and its batches.
pub fn mixed_shape(cell: &Prepared) -> MixedShape {
    MixedShape {
        floors_s: cell
            .io_tasks()
            .iter()
            .zip(cell.floors())
            .map(|(io, floor)| io.then_some(*floor))
            .collect(),
        in_flight: cell.in_flight(),
        cpu_lanes: cpu_lanes(cell),
        cores: crate::run::cores(),
        batches: cell.batch_sizes(),
    }
}

/// The run with the median wall time (the lower median for an even count).
pub fn median(records: &[RunRecord]) -> Option<&RunRecord> {
    let mut sorted: Vec<&RunRecord> = records.iter().collect();
    sorted.sort_by(|a, b| a.wall_s.total_cmp(&b.wall_s));
    sorted.get(sorted.len().saturating_sub(1) / 2).copied()
}

/// The registry's baseline model (the one that runs tasks in turn).
pub fn registry_baseline() -> Option<&'static dyn Model> {
    model::baseline(&model::all())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ideal::Method;

    fn stat(m: f64, lo: f64, hi: f64) -> Option<Stat> {
        Stat::new(m, lo, hi)
    }

    fn cores_ideal(s: f64, lo: f64, hi: f64) -> Ideal {
        Ideal {
            seconds: s,
            low_s: lo,
            high_s: hi,
            bound: Bound::Cores,
            method: Method::Exact,
        }
    }

    #[test]
    fn a_failed_cell_has_no_speedup() {
        let v = judge(false, stat(1.0, 0.9, 1.1), stat(2.0, 1.9, 2.1), None);
        assert_eq!(v, Verdict::default());
    }

    #[test]
    fn beating_the_ideal_within_noise_is_not_an_anomaly_but_beyond_it_is() {
        let ideal = cores_ideal(1.0, 0.95, 1.05);
        let within = judge(
            true,
            stat(0.98, 0.93, 1.03),
            stat(2.0, 1.9, 2.1),
            Some(&ideal),
        );
        assert!(within.anomaly.is_none());
        assert!(within.efficiency.unwrap() > 1.0);
        let beyond = judge(
            true,
            stat(0.8, 0.78, 0.82),
            stat(2.0, 1.9, 2.1),
            Some(&ideal),
        );
        assert!(
            beyond.anomaly.as_deref().unwrap().contains("noise"),
            "{beyond:?}"
        );
        assert!((beyond.ideal_speedup.unwrap() - 2.0).abs() < 1e-9);
        assert!((beyond.speedup.unwrap() - 2.5).abs() < 1e-9);
    }

    #[test]
    fn the_baseline_is_chosen_by_what_a_model_is() {
        let mut reversed = model::all();
        reversed.reverse();
        let first = baseline_first(reversed)[0];
        assert_eq!(first.traits().runs, Runs::InTurn);
        assert_eq!(
            registry_baseline().map(|m| m.traits().runs),
            Some(Runs::InTurn)
        );
    }
}
