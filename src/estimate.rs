//! How long a `concur run` would take, guessed before any model starts, so that an hours-long
//! run (`primes --size 100000`, `--repeat 1000`) is refused with its estimate instead of
//! starting without a word.
//!
//! - **CPU**: one task of each kind in the plan is run (on fewer steps of the same kernel
//!   when it is big: [`Task::sample`]) a few times, for about 50 ms; its fastest call prices a
//!   step, and each task costs its steps ([`Task::work`]) at that price. The sample runs on a thread of its own and is
//!   waited for at most [`PROBE_LIMIT`]: a sample that has not finished by then means even a
//!   few milliseconds of work take seconds here, and the run counts as too long.
//! - **IO**: the server's delays are known, so no sample is needed.
//!
//! Each model's run is then its ideal for those costs (the same arithmetic as the table's
//! ideal column: the best schedule on its lanes, or the delays in rounds of what it keeps in
//! flight), IO cells that `concur run` skips count nothing, and the whole is every model's run
//! times the repeats. Ideals are lower bounds, so the estimate errs short, never long.

use std::sync::mpsc;
use std::time::{Duration, Instant};

use crate::error::{Error, Result};
use crate::ideal::{self, Stat};
use crate::model::{Model, ModelConfig};
use crate::run::batch_sizes;
use crate::task::Task;

/// Longer than this, a run needs `--long`.
pub const MAX_RUN_S: f64 = 600.0;
/// The longest the CPU sample is waited for.
pub const PROBE_LIMIT: Duration = Duration::from_secs(2);
/// Steps of a task's kernel the sample runs at most, per call.
const SAMPLE_STEPS: u64 = 10_000_000;
/// The sample is called at least this often, and until [`SAMPLE_TIME`] has passed.
const SAMPLE_CALLS: u32 = 3;
const SAMPLE_TIME: Duration = Duration::from_millis(50);

/// What a run would take.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Estimate {
    /// Every model's runs, repeats included, in seconds.
    pub seconds: f64,
    /// One run in turn (the baseline), in seconds.
    pub in_turn_s: f64,
    pub models: usize,
    pub repeat: usize,
}

/// What is being estimated: a plan's tasks, the models and how they are set up.
pub struct Shape<'a> {
    pub tasks: &'a [Task],
    /// Each IO task's least time (the server's delay), in seconds; empty for CPU work.
    pub floors: &'a [f64],
    pub models: &'a [&'static dyn Model],
    pub config: &'a ModelConfig,
    pub repeat: usize,
    /// IO cells whose ideal is over this are skipped by `concur run`, so they cost nothing.
    pub max_ideal_s: f64,
    pub cores: usize,
}

impl Estimate {
    /// `Ok` when the run fits in [`MAX_RUN_S`] or `long` says to run it anyway; else the one
    /// line that says how long it would take and how to insist.
    pub fn check(&self, long: bool) -> Result<()> {
        if long || self.seconds <= MAX_RUN_S {
            return Ok(());
        }
        Err(Error::InvalidInput(format!(
            "this run would take about {} ({} models × {} repeat{}; one run in turn about {}), \
             over the {} a run may take unasked: add --long to run it anyway, or lower --size, \
             --repeat or --models",
            crate::format::duration(self.seconds),
            self.models,
            self.repeat,
            if self.repeat == 1 { "" } else { "s" },
            crate::format::duration(self.in_turn_s),
            crate::format::duration(MAX_RUN_S),
        )))
    }
}

/// Estimate a run of `shape`, timing a sample of its CPU tasks first (bounded by
/// [`PROBE_LIMIT`]).
pub fn estimate(shape: &Shape) -> Result<Estimate> {
    let costs = if shape.tasks.iter().any(|t| !t.is_io()) {
        cpu_costs(shape.tasks)?
    } else {
        Vec::new()
    };
    Ok(of_costs(shape, &costs))
}

/// Each task's cost in seconds: its steps at the price a timed sample of its kind paid.
fn cpu_costs(tasks: &[Task]) -> Result<Vec<f64>> {
    let mut samples: Vec<Task> = Vec::new();
    for task in tasks.iter().filter(|t| !t.is_io()) {
        let kind = std::mem::discriminant(task);
        if !samples.iter().any(|s| std::mem::discriminant(s) == kind) {
            samples.push(task.sample(SAMPLE_STEPS));
        }
    }
    let (tx, rx) = mpsc::channel();
    let timed = samples.clone();
    std::thread::Builder::new()
        .name("concur-estimate".into())
        .spawn(move || {
            let prices: Vec<f64> = timed.iter().map(price_of_a_step).collect();
            let _ = tx.send(prices);
        })
        .map_err(|e| Error::InvalidInput(format!("cannot time a sample of the tasks: {e}")))?;
    let prices = rx.recv_timeout(PROBE_LIMIT).map_err(|_| {
        Error::InvalidInput(format!(
            "could not estimate how long this run takes: a sample of its tasks did not finish \
             within {}: add --long to run it anyway",
            crate::format::time(PROBE_LIMIT.as_secs_f64())
        ))
    })?;
    Ok(tasks
        .iter()
        .map(|t| {
            let kind = std::mem::discriminant(t);
            samples
                .iter()
                .zip(&prices)
                .find(|(s, _)| std::mem::discriminant(*s) == kind)
                .map_or(0.0, |(_, price)| t.work() * price)
        })
        .collect())
}

/// Seconds per step of `sample`'s kernel: the fastest of at least [`SAMPLE_CALLS`] calls
/// (and [`SAMPLE_TIME`]), so a neighbour's burst of load does not inflate the price.
fn price_of_a_step(sample: &Task) -> f64 {
    let began = Instant::now();
    let mut fastest = f64::INFINITY;
    let mut calls = 0;
    while calls < SAMPLE_CALLS || (began.elapsed() < SAMPLE_TIME && calls < 1_000) {
        let call = Instant::now();
        let _ = std::hint::black_box(sample.run_blocking());
        fastest = fastest.min(call.elapsed().as_secs_f64());
        calls += 1;
    }
    fastest / sample.work().max(1.0)
}

/// The arithmetic: each model's ideal for these task `costs` (CPU) or `shape.floors` (IO),
/// times the repeats, added up.
pub fn of_costs(shape: &Shape, costs: &[f64]) -> Estimate {
    let n = shape.tasks.len();
    let batches = batch_sizes(n, shape.config.batch);
    let config = ModelConfig {
        http: shape.tasks.iter().any(Task::is_io),
        ..shape.config.clone()
    };
    let in_turn: f64 = costs.iter().sum();
    // One run of a model with these lanes: its CPU schedule plus its IO delays in rounds.
    let run_s = |workers: usize, in_flight: usize| -> (f64, f64) {
        let cpu = Stat::new(in_turn, in_turn, in_turn).map_or(0.0, |stat| {
            let lanes = workers.min(in_flight).max(1);
            ideal::cpu(costs, stat, lanes, shape.cores, &batches).seconds
        });
        let io =
            ideal::io(shape.floors, &batches, in_flight, None, None).map_or(0.0, |i| i.seconds);
        (cpu, io)
    };
    let per_run = shape.models.iter().map(|m| {
        // A model that runs one task at a time takes the in-turn time, whatever its ideal.
        let (cpu, io) = match m.traits().runs.one_at_a_time() {
            true => run_s(1, 1),
            false => run_s(m.workers(&config, n), m.in_flight(&config, n)),
        };
        // An IO cell over the skip bound is not run: it costs nothing.
        cpu + if io > shape.max_ideal_s { 0.0 } else { io }
    });
    let (cpu, io) = run_s(1, 1);
    Estimate {
        seconds: per_run.sum::<f64>() * shape.repeat as f64,
        in_turn_s: cpu + io,
        models: shape.models.len(),
        repeat: shape.repeat,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model;

    fn shape<'a>(
        tasks: &'a [Task],
        floors: &'a [f64],
        models: &'a [&'static dyn Model],
        config: &'a ModelConfig,
    ) -> Shape<'a> {
        Shape {
            tasks,
            floors,
            models,
            config,
            repeat: 3,
            max_ideal_s: 60.0,
            cores: 2,
        }
    }

    #[test]
    fn a_cpu_run_is_each_models_schedule_times_the_repeats() {
        let tasks = vec![Task::SumTo { n: 1 }; 4];
        let costs = [10.0; 4];
        let models = [
            model::by_name("sequential").unwrap(),
            model::by_name("pool").unwrap(),
        ];
        let config = ModelConfig::new(2);
        let e = of_costs(&shape(&tasks, &[], &models, &config), &costs);
        // In turn 40 s; four equal tasks on two lanes 20 s; three repeats of both.
        assert_eq!(e.in_turn_s, 40.0);
        assert_eq!(e.seconds, (40.0 + 20.0) * 3.0);
        assert!(e.check(false).is_ok());
        let slow = of_costs(&shape(&tasks, &[], &models, &config), &[100.0; 4]);
        assert_eq!(slow.seconds, (400.0 + 200.0) * 3.0);
        let line = slow.check(false).unwrap_err().to_string();
        assert!(
            line.contains("about 30 min") && line.contains("--long"),
            "{line}"
        );
        assert!(slow.check(true).is_ok());
    }

    #[test]
    fn an_io_run_is_its_delays_and_skipped_cells_cost_nothing() {
        let tasks = vec![
            Task::Get {
                url: String::new(),
                timeout_ms: 1
            };
            1000
        ];
        let floors = [0.2; 1000];
        let models = [
            model::by_name("sequential").unwrap(),
            model::by_name("async").unwrap(),
        ];
        let config = ModelConfig::new(2);
        let e = of_costs(&shape(&tasks, &floors, &models, &config), &[]);
        // In turn 200 s (skipped: over a minute); async has all 1000 in flight: 0.2 s.
        assert!((e.in_turn_s - 200.0).abs() < 1e-9);
        assert!((e.seconds - 0.2 * 3.0).abs() < 1e-9, "{e:?}");
        // A loop blocked by its tasks takes the in-turn time, whatever its ideal says: 20 GETs
        // of 0.2 s are 4 s a run, like in turn, not async's 0.2 s.
        let blocked = [model::by_name("async-naive").unwrap()];
        let e = of_costs(&shape(&tasks[..20], &floors[..20], &blocked, &config), &[]);
        assert!((e.seconds - 4.0 * 3.0).abs() < 1e-9, "{e:?}");
    }

    #[test]
    fn a_real_sample_prices_every_task() {
        let tasks = [
            Task::SumSquares {
                start: 0,
                end: 2_000_000,
            },
            Task::IsPrime { n: 7 },
        ];
        let costs = cpu_costs(&tasks).unwrap();
        assert!(costs.iter().all(|c| *c > 0.0 && c.is_finite()), "{costs:?}");
    }
}
