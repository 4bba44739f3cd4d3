//! A `concur run` session: the user's options checked against their limits, the models
//! chosen (the baseline added by what it is), the open-file limit checked against what the
//! run will hold open, the mock server started (or somebody else's checked and reached) and
//! calibrated, and the run's duration estimated (refused past [`estimate::MAX_RUN_S`] without
//! `--long`), ready to hand to [`measure::run`](crate::measure::run).
//!
//! The CLI only fills [`RunOptions`] from its arguments; every rule about what a value may be
//! lives here, so a bad value gets the same one-line error wherever it comes from.

use std::time::Duration;

use crate::compare;
pub use crate::error::check_range;
use crate::error::{Error, Result};
use crate::estimate::{self, Shape};
use crate::ideal::ServerRates;
use crate::measure::Plan;
use crate::mock::{self, MockSpec, Server};
use crate::model::{self, Collect, Model, ModelConfig};
use crate::workload::{self, IoParams, Params, Workload};
use crate::{limits, remote};

/// The most runs per model.
pub const MAX_REPEAT: u64 = 1000;
/// The longest server delay, in milliseconds.
pub const MAX_DELAY_MS: u64 = 60_000;
/// The clients' timeout per request unless told otherwise.
pub const DEFAULT_TIMEOUT_MS: u64 = 10_000;
pub const MAX_TIMEOUT_MS: u64 = 600_000;
/// Cells whose ideal is longer than this are skipped (e.g. 1000 requests of 200 ms in turn).
pub const MAX_IDEAL_S: f64 = 60.0;
/// Requests per calibration round of the mock server.
pub const CALIBRATION_REQUESTS: usize = 2_000;
/// A run estimated to take longer than this says so in its header.
pub const SAY_ESTIMATE_S: f64 = 10.0;

/// What the user asked `concur run` for, before any check.
#[derive(Clone, Debug, Default)]
pub struct RunOptions {
    pub workload: String,
    /// Comma-separated model names, or `all`.
    pub models: String,
    pub workers: Option<u64>,
    pub size: Option<u64>,
    pub repeat: u64,
    pub delay_ms: Option<u64>,
    pub timeout_ms: Option<u64>,
    pub fail_rate: Option<f64>,
    pub concurrency: Option<u64>,
    pub batch: Option<u64>,
    /// Somebody else's server instead of our own mock.
    pub server: Option<String>,
    /// Run even if the estimate says it takes longer than [`estimate::MAX_RUN_S`].
    pub long: bool,
    /// In which order results are delivered: in submission order, or as they complete.
    pub collect: Collect,
}

/// A checked, ready comparison; the server (if any) stops when this is dropped.
pub struct Session {
    pub workload: &'static dyn Workload,
    pub params: Params,
    pub models: Vec<&'static dyn Model>,
    pub config: ModelConfig,
    pub repeat: usize,
    pub rates: Option<ServerRates>,
    /// False for `--server`: its delay is not known, so IO cells get no ideal.
    pub delay_known: bool,
    /// What the user should know about this session (e.g. a calibration that failed).
    pub notes: Vec<String>,
    _server: Option<Server>,
}

/// A share between 0 and 1 (`--fail-rate`).
pub fn check_fail_rate(rate: f64) -> Result<f64> {
    if !(0.0..=1.0).contains(&rate) {
        return Err(Error::InvalidInput(format!(
            "--fail-rate must be between 0 and 1, got {rate}"
        )));
    }
    Ok(rate)
}

/// W from the user, or the machine's cores.
pub fn workers_or_default(workers: Option<u64>) -> Result<usize> {
    model::validate_workers(workers.unwrap_or(crate::run::cores() as u64))
}

/// The models named in `list` (or `all`), the baseline always among them.
pub fn select_models(list: &str) -> Result<Vec<&'static dyn Model>> {
    if list.trim() == "all" {
        return Ok(model::all());
    }
    let mut chosen: Vec<&'static dyn Model> = compare::registry_baseline().into_iter().collect();
    for name in list.split(',').map(str::trim) {
        if name.is_empty() {
            return Err(Error::InvalidInput(format!(
                "--models has an empty name in `{list}`"
            )));
        }
        let m = model::by_name(name)?;
        if !chosen.iter().any(|c| c.name() == m.name()) {
            chosen.push(m);
        }
    }
    Ok(chosen)
}

/// The server's measured rates: requests per second on kept-alive connections and new
/// connections per second.
pub fn calibrate(base_url: &str) -> Result<ServerRates> {
    mock::calibrate(base_url, CALIBRATION_REQUESTS)
}

impl Session {
    /// Check `opts`, start (or reach) the server for an IO workload, estimate the run and
    /// calibrate the server.
    pub fn new(opts: &RunOptions) -> Result<Session> {
        let workload = workload::by_name(&opts.workload)?;
        let mut params = workload.params(opts.size)?;
        let models = select_models(&opts.models)?;
        let mut config = ModelConfig {
            collect: opts.collect,
            ..ModelConfig::new(workers_or_default(opts.workers)?)
        };
        let repeat = check_range("--repeat", opts.repeat, 1, MAX_REPEAT)? as usize;
        if let Some(c) = opts.concurrency {
            config.in_flight = Some(check_range("--concurrency", c, 1, 100_000)? as usize);
        }
        if let Some(b) = opts.batch {
            config.batch = Some(check_range("--batch", b, 1, 1_000_000)? as usize);
        }
        let mut session = Session {
            workload,
            params: params.clone(),
            models,
            config,
            repeat,
            rates: None,
            delay_known: true,
            notes: Vec::new(),
            _server: None,
        };
        if !workload.kind().has_io() {
            let io_flags = [
                ("--delay-ms", opts.delay_ms.is_some()),
                ("--timeout-ms", opts.timeout_ms.is_some()),
                ("--fail-rate", opts.fail_rate.is_some()),
                ("--server", opts.server.is_some()),
            ];
            if let Some((flag, _)) = io_flags.iter().find(|(_, given)| *given) {
                return Err(Error::InvalidInput(format!(
                    "{flag} applies to IO workloads only; {} is {}",
                    workload.name(),
                    match workload.kind() {
                        crate::workload::Kind::Wait => "a wait without a server",
                        _ => "CPU-bound",
                    }
                )));
            }
            session.check_open_files()?;
            session.estimate(opts.long)?;
            return Ok(session);
        }
        let delay_ms = check_range(
            "--delay-ms",
            opts.delay_ms.unwrap_or(workload.default_delay_ms()),
            0,
            MAX_DELAY_MS,
        )?;
        let timeout_ms = check_range(
            "--timeout-ms",
            opts.timeout_ms.unwrap_or(DEFAULT_TIMEOUT_MS),
            1,
            MAX_TIMEOUT_MS,
        )?;
        let fail_rate = check_fail_rate(opts.fail_rate.unwrap_or(0.0))?;
        let external = match &opts.server {
            Some(url) => {
                let ours = [
                    ("--delay-ms", opts.delay_ms.is_some()),
                    ("--fail-rate", opts.fail_rate.is_some()),
                ];
                if let Some((flag, _)) = ours.iter().find(|(_, given)| *given) {
                    return Err(Error::InvalidInput(format!(
                        "{flag} sets up concur's own mock server; with --server the server is yours"
                    )));
                }
                Some(remote::parse(url)?)
            }
            None => None,
        };
        let server = match &external {
            Some(url) => {
                remote::probe(url)?;
                Server::external(&url.base)?
            }
            None => {
                let exe = std::env::current_exe()
                    .map_err(|e| Error::Mock(format!("cannot find this program: {e}")))?;
                Server::spawn(
                    &exe,
                    MockSpec {
                        delay: Duration::from_millis(delay_ms),
                        fail_rate,
                    },
                )?
            }
        };
        params.io = Some(IoParams {
            base_url: server.uri().to_string(),
            delay_ms,
            timeout_ms,
        });
        session.params = params;
        session._server = Some(server);
        session.check_open_files()?;
        // Somebody else's server: its delay is whatever it is, not what --delay-ms says, and
        // it may not have /ping: no ideal, no estimate and no calibration rather than wrong ones.
        if external.is_some() {
            session.delay_known = false;
            return Ok(session);
        }
        session.estimate(opts.long)?;
        match calibrate(
            session
                .params
                .io
                .as_ref()
                .map_or("", |io| io.base_url.as_str()),
        ) {
            Ok(rates) => session.rates = Some(rates),
            Err(e) => session.notes.push(format!(
                "the mock server could not be calibrated ({e}): IO ideals ignore its rates"
            )),
        }
        Ok(session)
    }

    /// Refuse a run whose estimate is over [`estimate::MAX_RUN_S`] unless `long`; note a long
    /// one in the header. With `long` nothing is sampled.
    fn estimate(&mut self, long: bool) -> Result<()> {
        if long {
            return Ok(());
        }
        let plan = self.workload.plan(&self.params)?;
        let guess = estimate::estimate(&Shape {
            tasks: &plan.tasks,
            floors: &plan.floors_s,
            models: &self.models,
            config: &self.config,
            repeat: self.repeat,
            max_ideal_s: MAX_IDEAL_S,
            cores: crate::run::cores(),
        })?;
        guess.check(long)?;
        if guess.seconds > SAY_ESTIMATE_S {
            self.notes.push(format!(
                "this run should take about {}",
                crate::format::duration(guess.seconds)
            ));
        }
        Ok(())
    }

    /// Refuse a run that needs more open files than the limit allows: every request in flight
    /// holds a socket (here, and in the server, which has the same limit), every worker
    /// process two pipes. Names the model that needs the most.
    fn check_open_files(&self) -> Result<()> {
        let tasks = self.workload.plan(&self.params)?.tasks.len();
        let io = self.workload.kind().has_io();
        let worst = self.models.iter().map(|m| {
            let in_flight = m.in_flight(&self.config, tasks);
            let sockets = match io {
                true => in_flight.min(self.config.batch.unwrap_or(tasks)),
                false => 0,
            };
            let pipes = match m.traits().runs.worker_processes() {
                true => 2 * m.workers(&self.config, tasks),
                false => 0,
            };
            let what = if sockets >= pipes {
                format!("{sockets} requests in flight, each a socket here and in the server")
            } else {
                format!("{} worker processes, two pipes each", pipes / 2)
            };
            // Without a server (CPU work) only this process's own files are held besides.
            let reserve = if io {
                limits::RESERVE_FILES
            } else {
                limits::RESERVE_FILES / 2
            };
            (sockets.max(pipes) as u64 + reserve, m.name(), what)
        });
        match worst.max_by_key(|(needed, _, _)| *needed) {
            Some((needed, model, why)) => limits::check_open_files(
                needed,
                &format!("{} × {model}", self.workload.name()),
                &why,
            ),
            None => Ok(()),
        }
    }

    /// The comparison to run.
    pub fn plan(&self) -> Plan<'_> {
        Plan {
            workload: self.workload,
            params: self.params.clone(),
            models: self.models.clone(),
            config: &self.config,
            repeat: self.repeat,
            rates: self.rates,
            delay_known: self.delay_known,
            max_ideal_s: MAX_IDEAL_S,
        }
    }
}
