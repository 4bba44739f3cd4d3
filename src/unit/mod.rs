//! Unit costs: what one thread, task or process costs, measured on this machine next to the
//! published figures (`fixtures/published-costs.json`). Three probes, reached from `concur
//! run spawn|sleepers|pingpong`:
//!
//! - [`spawn`]: N empty tasks under each model through [`crate::run::Prepared`] like any
//!   cell (answer checked); time per unit = wall ÷ N, setup timed apart.
//! - [`sleepers`]: N units each waiting at a gate until all N are alive, N climbing ×4 under
//!   the models that hold every unit at once; peak RSS over N by least squares = bytes per
//!   unit, and the first N that fails, with the OS's reason.
//! - [`pingpong`]: two lanes passing a token K times (threads, tasks on one thread, tasks on
//!   runtime workers, processes over a pipe); time per switch, count 2K checked.
//!
//! These are not workloads in the registry: their figure is per unit, not a speedup over
//! running in turn, and `sleepers` only applies to some models. They reuse the models, the
//! harness and its checks; their tasks ([`Task::Empty`](crate::task::Task),
//! [`Task::Gather`](crate::task::Task)) are data like any other.

pub mod fit;
pub mod pingpong;
pub mod published;
pub mod record;
pub mod sleepers;
pub mod spawn;
pub mod step;
mod text;

use std::path::PathBuf;

use serde::Serialize;

use crate::error::{check_range, Error, Result};
use crate::ideal::Stat;
use crate::model::{self, Model, ModelConfig, Runs};
use pingpong::{Flavour, PingpongRow};
use published::Beside;
use record::{UnitCosts, UnitMemory, UnitTime};
use sleepers::{Caps, SleepersRow};
use spawn::SpawnRow;

/// One of the unit probes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Probe {
    Spawn,
    Sleepers,
    Pingpong,
}

impl Probe {
    pub const ALL: [Probe; 3] = [Probe::Spawn, Probe::Sleepers, Probe::Pingpong];

    /// The probe called `name` on the command line, if one is.
    pub fn by_name(name: &str) -> Option<Probe> {
        Probe::ALL.into_iter().find(|p| p.name() == name)
    }

    pub fn name(self) -> &'static str {
        match self {
            Probe::Spawn => "spawn",
            Probe::Sleepers => "sleepers",
            Probe::Pingpong => "pingpong",
        }
    }

    /// One line: what it measures.
    pub fn summary(self) -> &'static str {
        match self {
            Probe::Spawn => "N empty tasks per model: the time one thread, pool job, worker round trip or async task costs",
            Probe::Sleepers => "N units that each wait until all are alive, N climbing: bytes per unit, and the N the OS refuses",
            Probe::Pingpong => "two lanes passing a token K times: one switch between threads, tasks or processes",
        }
    }

    /// What `--size` counts, its default and its largest value.
    pub fn sizes(self) -> (&'static str, u64, u64) {
        match self {
            Probe::Spawn => ("empty tasks", 10_000, 100_000),
            Probe::Sleepers => ("units at most, N climbing ×4 from 100", 102_400, 2_000_000),
            Probe::Pingpong => (
                "round trips",
                pingpong::DEFAULT_ROUND_TRIPS,
                pingpong::MAX_ROUND_TRIPS,
            ),
        }
    }
}

/// What the user asked of a probe.
#[derive(Clone, Debug)]
pub struct Options {
    /// Comma-separated models (pingpong: flavours), or `all`.
    pub models: String,
    pub workers: Option<u64>,
    pub size: Option<u64>,
    pub repeat: u64,
    /// The program whose `worker` and `echo` subcommands are the other processes (this one's
    /// when `None`).
    pub exe: Option<PathBuf>,
}

/// A probe checked and ready to run.
pub struct Plan {
    pub probe: Probe,
    pub models: Vec<&'static dyn Model>,
    pub flavours: Vec<Flavour>,
    pub config: ModelConfig,
    pub size: u64,
    pub repeat: usize,
    pub exe: Option<PathBuf>,
}

impl Plan {
    /// Check `opts` for `probe`: one `Error` naming what is wrong.
    pub fn new(probe: Probe, opts: &Options) -> Result<Plan> {
        let (_, default, max) = probe.sizes();
        let size = check_range("--size", opts.size.unwrap_or(default), 1, max)?;
        let repeat = check_range("--repeat", opts.repeat, 1, crate::session::MAX_REPEAT)? as usize;
        let workers = crate::session::workers_or_default(opts.workers)?;
        let mut config = ModelConfig::new(workers);
        config.worker_exe = opts.exe.clone();
        let (models, flavours) = match probe {
            Probe::Pingpong => (Vec::new(), flavours(&opts.models)?),
            Probe::Spawn => (models(&opts.models, |_| true)?, Vec::new()),
            Probe::Sleepers => {
                let mut chosen = models(&opts.models, sleepers::holds_every_unit)?;
                // A thread per unit climbs last: the memory the allocator keeps after
                // thousands of threads would sit in the next model's intercept.
                chosen.sort_by_key(|m| m.traits().runs == Runs::ThreadPerTask);
                (chosen, Vec::new())
            }
        };
        Ok(Plan {
            probe,
            models,
            flavours,
            config,
            size,
            repeat,
            exe: opts.exe.clone(),
        })
    }
}

/// `all` (those that `fits`), or the named models, each of which must fit.
fn models(list: &str, fits: fn(Runs) -> bool) -> Result<Vec<&'static dyn Model>> {
    if list.trim() == "all" {
        return Ok(model::all()
            .into_iter()
            .filter(|m| fits(m.traits().runs))
            .collect());
    }
    let mut chosen: Vec<&'static dyn Model> = Vec::new();
    for name in list.split(',').map(str::trim) {
        if name.is_empty() {
            return Err(Error::InvalidInput(format!(
                "--models has an empty name in `{list}`"
            )));
        }
        let m = model::by_name(name)?;
        let runs = m.traits().runs;
        if !fits(runs) {
            let fit: Vec<&str> = model::all()
                .into_iter()
                .filter(|m| fits(m.traits().runs))
                .map(|m| m.name())
                .collect();
            return Err(Error::InvalidInput(format!(
                "sleepers cannot run under `{name}`: it runs {} and never holds every unit \
                 at once, so no unit's wait would end (choose among {})",
                runs.describe(),
                fit.join(", ")
            )));
        }
        if !chosen.iter().any(|c| c.name() == m.name()) {
            chosen.push(m);
        }
    }
    Ok(chosen)
}

/// `all`, or the named pingpong flavours.
fn flavours(list: &str) -> Result<Vec<Flavour>> {
    if list.trim() == "all" {
        return Ok(Flavour::ALL.to_vec());
    }
    let names: Vec<&str> = Flavour::ALL.iter().map(|f| f.name()).collect();
    list.split(',')
        .map(str::trim)
        .map(|name| {
            Flavour::ALL
                .into_iter()
                .find(|f| f.name() == name)
                .ok_or_else(|| {
                    Error::InvalidInput(format!(
                        "pingpong has no lanes called `{name}` (choose among {})",
                        names.join(", ")
                    ))
                })
        })
        .collect()
}

/// Everything a probe measured.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Outcome {
    pub spawn: Vec<SpawnRow>,
    pub sleepers: Vec<SleepersRow>,
    pub pingpong: Vec<PingpongRow>,
}

impl Outcome {
    /// The one line that says what failed (`None` when every row is right). A sleepers climb
    /// that ends where the OS refuses is its finding, not a failure; a wrong answer is one.
    pub fn error_line(&self, probe: Probe) -> Option<String> {
        let failed: Vec<String> = self
            .spawn
            .iter()
            .filter(|r| !r.ok)
            .map(|r| (r.model.clone(), r.errors.first().cloned()))
            .chain(
                self.sleepers
                    .iter()
                    .filter(|r| !r.ok)
                    .map(|r| (r.model.clone(), r.errors.first().cloned())),
            )
            .chain(
                self.pingpong
                    .iter()
                    .filter(|r| !r.ok)
                    .map(|r| (r.flavour.name().to_string(), r.errors.first().cloned())),
            )
            .map(|(who, why)| format!("{who} ({})", why.as_deref().unwrap_or("wrong answer")))
            .collect();
        (!failed.is_empty()).then(|| format!("{} failed under {}", probe.name(), failed.join(", ")))
    }

    /// The outcome as the bench records it: each time per unit from the median run.
    pub fn costs(&self) -> UnitCosts {
        let per = |wall: Option<Stat>, units: f64| {
            wall.and_then(|w| Stat::new(w.mean_s / units, w.low_s / units, w.high_s / units))
        };
        let spawn = self.spawn.iter().map(|r| UnitTime {
            probe: "spawn".into(),
            who: r.model.clone(),
            runs: Some(r.runs),
            unit: "task".into(),
            units: r.units,
            per_unit: per(r.wall, r.units as f64),
            setup_s: r.setup_s,
            ok: r.ok,
            errors: r.errors.clone(),
        });
        let pingpong = self.pingpong.iter().map(|r| UnitTime {
            probe: "pingpong".into(),
            who: r.flavour.name().into(),
            runs: None,
            unit: "switch".into(),
            units: 2 * r.round_trips,
            per_unit: per(r.wall, 2.0 * r.round_trips as f64),
            setup_s: r.setup_s,
            ok: r.ok,
            errors: r.errors.clone(),
        });
        UnitCosts {
            machine: published::this_machine(),
            times: spawn.chain(pingpong).collect(),
            memory: self.sleepers.iter().map(UnitMemory::from).collect(),
            beside: Vec::new(),
        }
    }

    /// Each published figure for a unit this outcome measured, ours beside it.
    pub fn beside(&self) -> Vec<Beside> {
        published::beside(&self.costs().ours())
    }
}

/// What a probe says while it runs: a line of text (a header, a row, a summary) or, with
/// `--json`, one JSON object per row.
pub enum Said<'a> {
    Text(&'a str),
    Json(&'a serde_json::Value),
}

/// Run `plan`, telling `each` every line as soon as it is known; an error from `each` (a
/// closed pipe) stops the probe.
pub fn run<E>(plan: &Plan, mut each: impl FnMut(Said) -> Result<(), E>) -> Result<Outcome, E> {
    let mut out = Outcome::default();
    each(Said::Text(&text::header(plan)))?;
    match plan.probe {
        Probe::Spawn => {
            for model in &plan.models {
                let r = spawn::measure(*model, plan.size, plan.repeat, &plan.config);
                say(&mut each, json(&r), text::spawn_row(&r))?;
                out.spawn.push(r);
            }
        }
        Probe::Sleepers => {
            let caps = Caps::new(plan.size);
            for model in &plan.models {
                let r = sleepers::climb(*model, caps, &plan.config);
                say(&mut each, json(&r), text::sleepers_row(&r))?;
                out.sleepers.push(r);
            }
        }
        Probe::Pingpong => {
            for flavour in &plan.flavours {
                let r = pingpong::measure(*flavour, plan.size, plan.repeat, plan.exe.as_deref());
                say(&mut each, json(&r), text::pingpong_row(&r))?;
                out.pingpong.push(r);
            }
        }
    }
    let beside = out.beside();
    each(Said::Json(&serde_json::json!({
        "probe": "published",
        "machine": published::this_machine(),
        "beside": beside,
    })))?;
    each(Said::Text(&text::summary(&out, &beside)))?;
    Ok(out)
}

/// A row, as JSON and as text (the caller prints the one it was asked for).
fn say<E>(
    each: &mut impl FnMut(Said) -> Result<(), E>,
    value: serde_json::Value,
    line: String,
) -> Result<(), E> {
    each(Said::Json(&value))?;
    each(Said::Text(&line))
}

fn json(row: &impl Serialize) -> serde_json::Value {
    serde_json::to_value(row).unwrap_or(serde_json::Value::Null)
}
