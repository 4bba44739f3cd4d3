//! The model contract: what every model in [`concur::model::all()`] must do, checked the same
//! way for each, whatever it is called.
//!
//! Every model runs a few small cells: `uneven` (size 200 000) at W = 2 and W = 3, `primes` at
//! its small size, and, against an in-process mock server (5 ms delay), `api` with 24 tasks at
//! W = 4 under `--concurrency 3` and `api` with 10 tasks under `--batch 4`. Each run is held
//! to these rules ([`RULES`]):
//!
//! 1. **one outcome per task, in task order**: `Executor::execute` returns exactly one
//!    `TaskRun` per task, and `runs[i].span.task == i`.
//! 2. **spans inside the run**: every span has 0 <= start_s <= end_s <= the run's wall time
//!    (+1 ms of slack for clock granularity).
//! 3. **lanes within W**: a model that runs on a pool (`traits().runs` is `ThreadPool`,
//!    `Processes` or `EventLoopToPool`) puts every span on a lane below W, and those three and
//!    `EventLoopThreads` use at most W distinct threads (`span.thread`); any model uses at most
//!    `Model::workers` distinct threads; `InTurn` uses exactly one lane and one thread, and
//!    `EventLoop` one thread. The kind comes from `traits().runs`, never from the name, so a
//!    new model is held to the rules of the kind it declares.
//! 4. **never more than C in flight**: under `--concurrency C`, no more than C spans overlap at
//!    any instant (spans are open intervals: one ending as another starts does not overlap it).
//! 5. **batches one after another**: under `--batch B` (batches are consecutive task indices,
//!    B at a time), no span of batch k+1 starts before every span of batch k has ended.
//! 6. **nothing left after drop**: once the cell is dropped, every pid in `worker_pids()` is
//!    gone from `/proc` (a zombie, exited but never reaped, counts as left), and this process
//!    has no more threads (`/proc/self/task`) than before the model started, both within 10 s.
//! 7. **the answer is right**: the run's `RunRecord::ok`, so a model that runs but gives a wrong
//!    answer fails too.
//!
//! Nothing here measures speed: every rule is about order, containment and counts, so the test
//! holds on a loaded machine.
//!
//! # Reading a failure
//!
//! The test fails once, listing every violation of every model, one line each:
//!
//! ```text
//! model `my-model` breaks rule "lanes within W" in cell uneven (size 200000, W=2): task 3 ran on lane 2, ...
//! ```
//!
//! The quoted rule is one of the seven above (its check is the function of the same name in
//! [`RULES`]); the cell names the workload, `--size`, `--workers`, `--concurrency` and `--batch`
//! it ran with (IO at `--delay-ms 5`), so `concur run` reproduces it, and `Prepared::run` on the
//! same cell gives its timeline; after the colon comes what was seen. Fix the model, not the
//! rule. "starts and runs the cell" means the model could not even be started there.
//!
//! The rules are proven able to fail: fake models ([`FAKES`]), each breaking the contract in one
//! known way, go through the same harness and must be caught by exactly the rules they break.
//!
//! Everything runs in the one `#[test]` of this binary, in turn: libtest runs tests on threads
//! of this process, and a second test would disturb rule 6's thread counts.

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use concur::mock::{MockServer, MockSpec};
use concur::model::{self, Executor, Lane, Model, ModelConfig, Runs, Span, TaskRun, Traits};
use concur::run::{Prepared, RunRecord};
use concur::session::DEFAULT_TIMEOUT_MS;
use concur::task::{Output, Task};
use concur::verify::failure;
use concur::workload::{self, IoParams, Kind};

/// The mock server's base delay for the IO cells.
const DELAY_MS: u64 = 5;
/// Clock granularity allowed between a span's end and the run's wall time.
const SLACK_S: f64 = 0.001;
/// How long a dropped model may take to be gone (rayon and tokio threads exit on their own).
const TEARDOWN_WAIT: Duration = Duration::from_secs(10);

/// One cell every model runs.
struct Cell {
    workload: &'static str,
    size: u64,
    workers: usize,
    in_flight: Option<usize>,
    batch: Option<usize>,
}

impl Cell {
    /// `api (size 24, W=4, --concurrency 3)`
    fn describe(&self) -> String {
        let mut s = format!("{} (size {}, W={}", self.workload, self.size, self.workers);
        if let Some(c) = self.in_flight {
            s += &format!(", --concurrency {c}");
        }
        if let Some(b) = self.batch {
            s += &format!(", --batch {b}");
        }
        s + ")"
    }
}

const CELLS: [Cell; 5] = [
    Cell {
        workload: "uneven",
        size: 200_000,
        workers: 2,
        in_flight: None,
        batch: None,
    },
    Cell {
        workload: "uneven",
        size: 200_000,
        workers: 3,
        in_flight: None,
        batch: None,
    },
    Cell {
        workload: "primes",
        size: 3,
        workers: 3,
        in_flight: None,
        batch: None,
    },
    // W above C, so the cap binds on pools too, not only on models that run every task at once.
    Cell {
        workload: "api",
        size: 24,
        workers: 4,
        in_flight: Some(3),
        batch: None,
    },
    // 10 tasks in batches of 4, 4 and 2.
    Cell {
        workload: "api",
        size: 10,
        workers: 3,
        in_flight: None,
        batch: Some(4),
    },
];

/// What was left once the cell was dropped.
struct Teardown {
    /// `worker_pids()` just before the drop.
    pids: Vec<u32>,
    /// Those still in `/proc` (as our children) when the wait ended, with their state.
    left: Vec<(u32, char)>,
    threads_before: usize,
    threads_after: usize,
    waited: Duration,
}

/// One run of one model on one cell, and its teardown: all a rule looks at.
struct Observed {
    model: &'static dyn Model,
    config: ModelConfig,
    record: RunRecord,
    teardown: Teardown,
}

/// A rule of the contract: its name (what a failure quotes) and its check.
struct Rule {
    name: &'static str,
    check: fn(&Observed) -> Result<(), String>,
}

const RULES: [Rule; 7] = [
    Rule {
        name: "one outcome per task, in task order",
        check: one_outcome_per_task,
    },
    Rule {
        name: "spans inside the run",
        check: spans_inside_the_run,
    },
    Rule {
        name: "lanes within W",
        check: lanes_within_w,
    },
    Rule {
        name: "never more than C in flight",
        check: never_more_than_c_in_flight,
    },
    Rule {
        name: "batches one after another",
        check: batches_one_after_another,
    },
    Rule {
        name: "nothing left after drop",
        check: nothing_left_after_drop,
    },
    Rule {
        name: "the answer is right",
        check: the_answer_is_right,
    },
];

/// What a model that could not be started or run on a cell breaks.
const STARTS: &str = "starts and runs the cell";

fn one_outcome_per_task(o: &Observed) -> Result<(), String> {
    let spans = &o.record.timeline;
    let tasks = o.record.tasks;
    let mut problems = Vec::new();
    if spans.len() != tasks {
        problems.push(format!("got {} runs for {tasks} tasks", spans.len()));
        if spans.is_empty() && !o.record.errors.is_empty() {
            problems.push(format!("the run failed: {}", o.record.errors.join("; ")));
        }
    }
    if let Some((i, s)) = spans.iter().enumerate().find(|(i, s)| s.task != *i) {
        problems.push(format!("runs[{i}] is task {}'s, not task {i}'s", s.task));
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("; "))
    }
}

fn spans_inside_the_run(o: &Observed) -> Result<(), String> {
    let wall = o.record.wall_s;
    for s in &o.record.timeline {
        let inside = s.start_s.is_finite()
            && s.end_s.is_finite()
            && 0.0 <= s.start_s
            && s.start_s <= s.end_s
            && s.end_s <= wall + SLACK_S;
        if !inside {
            return Err(format!(
                "task {}'s span {:.6}..{:.6} s is not within 0..{wall:.6} s, the run's wall time",
                s.task, s.start_s, s.end_s
            ));
        }
    }
    Ok(())
}

fn lanes_within_w(o: &Observed) -> Result<(), String> {
    let runs = o.model.traits().runs;
    let spans = &o.record.timeline;
    if spans.is_empty() {
        return Ok(()); // nothing ran: rule 1 says so
    }
    let w = o.config.workers;
    let lanes: BTreeSet<usize> = spans.iter().map(|s| s.lane).collect();
    let threads: BTreeSet<usize> = spans.iter().map(|s| s.thread).collect();
    let mut problems = Vec::new();
    let pool = matches!(
        runs,
        Runs::ThreadPool | Runs::Processes | Runs::EventLoopToPool
    );
    if pool {
        if let Some(s) = spans.iter().find(|s| s.lane >= w) {
            problems.push(format!(
                "task {} ran on lane {}, but {} of W = {w} has lanes 0..={}",
                s.task,
                s.lane,
                runs.describe(),
                w - 1
            ));
        }
    }
    // Pools, and a runtime of W worker threads, compute on at most W threads; any model on at
    // most as many as it says it uses (`Model::workers`, what the ideal divides by).
    let declared = o.record.workers;
    let limit = if pool || runs == Runs::EventLoopThreads {
        w.min(declared)
    } else {
        declared
    };
    if threads.len() > limit {
        problems.push(format!(
            "its tasks ran on {} distinct threads {threads:?}, more than {limit} \
             (W = {w}, Model::workers = {declared})",
            threads.len()
        ));
    }
    if runs == Runs::InTurn && (lanes.len() != 1 || threads.len() != 1) {
        problems.push(format!(
            "in turn means one lane and one thread, but it used lanes {lanes:?} on threads {threads:?}"
        ));
    }
    if runs == Runs::EventLoop && threads.len() != 1 {
        problems.push(format!(
            "one event loop means one thread, but it used threads {threads:?}"
        ));
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("; "))
    }
}

fn never_more_than_c_in_flight(o: &Observed) -> Result<(), String> {
    let Some(c) = o.config.in_flight else {
        return Ok(());
    };
    let (most, at, tasks) = most_overlapping(&o.record.timeline);
    if most > c {
        Err(format!(
            "{most} spans overlap at {at:.6} s (tasks {tasks:?}), more than C = {c}"
        ))
    } else {
        Ok(())
    }
}

/// The most spans open at one instant, when, and whose tasks they are. A span is an open
/// interval: one ending exactly when another starts does not overlap it, and a span of zero
/// length overlaps nothing.
fn most_overlapping(spans: &[Span]) -> (usize, f64, Vec<usize>) {
    // (time, is a start, index into spans); false < true puts ends before starts at one instant.
    let mut events: Vec<(f64, bool, usize)> = spans
        .iter()
        .enumerate()
        .filter(|(_, s)| s.end_s > s.start_s)
        .flat_map(|(i, s)| [(s.start_s, true, i), (s.end_s, false, i)])
        .collect();
    events.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    let mut open = BTreeSet::new();
    let mut most = (0, 0.0, Vec::new());
    for (t, start, i) in events {
        if start {
            open.insert(i);
            if open.len() > most.0 {
                most = (open.len(), t, open.iter().map(|&i| spans[i].task).collect());
            }
        } else {
            open.remove(&i);
        }
    }
    most
}

fn batches_one_after_another(o: &Observed) -> Result<(), String> {
    let Some(b) = o.config.batch.map(|b| b.max(1)) else {
        return Ok(());
    };
    let spans = &o.record.timeline;
    for k in 1..o.record.tasks.div_ceil(b) {
        let Some(done) = spans
            .iter()
            .filter(|s| s.task / b == k - 1)
            .map(|s| s.end_s)
            .max_by(f64::total_cmp)
        else {
            continue;
        };
        let early = spans
            .iter()
            .filter(|s| s.task / b == k && s.start_s < done)
            .min_by(|x, y| x.start_s.total_cmp(&y.start_s));
        if let Some(s) = early {
            return Err(format!(
                "task {} of batch {k} (tasks {}..{}) started at {:.6} s, before batch {} ended at {done:.6} s",
                s.task,
                k * b,
                ((k + 1) * b).min(o.record.tasks) - 1,
                s.start_s,
                k - 1
            ));
        }
    }
    Ok(())
}

fn nothing_left_after_drop(o: &Observed) -> Result<(), String> {
    let t = &o.teardown;
    let mut problems = Vec::new();
    if !t.left.is_empty() {
        let left: Vec<String> = t
            .left
            .iter()
            .map(|(pid, state)| match state {
                'Z' => format!("{pid} (a zombie: exited, never reaped)"),
                _ => format!("{pid} (state {state})"),
            })
            .collect();
        problems.push(format!(
            "worker process {} of {:?} still in /proc {:.1} s after drop",
            left.join(", "),
            t.pids,
            t.waited.as_secs_f64()
        ));
    }
    if t.threads_after > t.threads_before {
        problems.push(format!(
            "{} threads {:.1} s after drop, {} before the model started",
            t.threads_after,
            t.waited.as_secs_f64(),
            t.threads_before
        ));
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("; "))
    }
}

fn the_answer_is_right(o: &Observed) -> Result<(), String> {
    if o.record.ok {
        Ok(())
    } else {
        Err(failure(&o.record))
    }
}

fn threads() -> usize {
    std::fs::read_dir("/proc/self/task").map_or(0, |d| d.count())
}

/// `pid`'s state letter while it is still our child in `/proc` (a zombie included); `None` once
/// it is gone, or if the pid now belongs to some other process.
fn our_child(pid: u32) -> Option<char> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // pid (comm) state ppid …
    let mut rest = stat.rsplit_once(") ")?.1.split_whitespace();
    let state = rest.next()?.chars().next()?;
    let ppid: u32 = rest.next()?.parse().ok()?;
    (ppid == std::process::id()).then_some(state)
}

/// Start `model` on `cell`, run it once, drop it and wait (at most `wait`) for what it started
/// to be gone.
fn observe(
    model: &'static dyn Model,
    cell: &Cell,
    server: &str,
    wait: Duration,
) -> Result<Observed, String> {
    let workload = workload::by_name(cell.workload).map_err(|e| e.to_string())?;
    let mut params = workload
        .params(Some(cell.size))
        .map_err(|e| e.to_string())?;
    if workload.kind() == Kind::Io {
        params.io = Some(IoParams {
            base_url: server.to_string(),
            delay_ms: DELAY_MS,
            timeout_ms: DEFAULT_TIMEOUT_MS,
        });
    }
    let config = ModelConfig {
        worker_exe: Some(PathBuf::from(env!("CARGO_BIN_EXE_concur"))),
        in_flight: cell.in_flight,
        batch: cell.batch,
        ..ModelConfig::new(cell.workers)
    };
    let threads_before = threads();
    let mut prepared = Prepared::start(workload, model, params, &config)
        .map_err(|e| format!("could not start: {e}"))?;
    let record = prepared.run();
    let pids = prepared.worker_pids();
    drop(prepared);

    let began = Instant::now();
    let (left, threads_after) = loop {
        let left: Vec<(u32, char)> = pids
            .iter()
            .filter_map(|&p| our_child(p).map(|s| (p, s)))
            .collect();
        let now = threads();
        if (left.is_empty() && now <= threads_before) || began.elapsed() > wait {
            break (left, now);
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    Ok(Observed {
        model,
        config,
        record,
        teardown: Teardown {
            pids,
            left,
            threads_before,
            threads_after,
            waited: began.elapsed(),
        },
    })
}

/// Every cell under `model`, every rule on every run: one line per violation.
fn check_model(model: &'static dyn Model, server: &str, wait: Duration) -> Vec<String> {
    let mut violations = Vec::new();
    let name = model.name();
    for cell in &CELLS {
        let cell_name = cell.describe();
        match observe(model, cell, server, wait) {
            Ok(observed) => {
                for rule in &RULES {
                    if let Err(why) = (rule.check)(&observed) {
                        violations.push(format!(
                            "model `{name}` breaks rule \"{}\" in cell {cell_name}: {why}",
                            rule.name
                        ));
                    }
                }
            }
            Err(why) => violations.push(format!(
                "model `{name}` breaks rule \"{STARTS}\" in cell {cell_name}: {why}"
            )),
        }
    }
    violations
}

#[test]
fn every_model_keeps_the_contract() {
    let began = Instant::now();
    let server = MockServer::start(MockSpec::new(DELAY_MS)).expect("mock server");
    let uri = server.uri();

    let mut violations = Vec::new();
    for model in model::all() {
        violations.extend(check_model(model, &uri, TEARDOWN_WAIT));
    }
    let checked = began.elapsed();

    // The checks can fail: on hand-made spans, and on fakes run through the same harness.
    let mut self_test = sweep_self_test();
    self_test.extend(fakes_self_test(&uri));

    eprintln!(
        "contract: {} models × {} cells × {} rules in {:.1} s; self-test in {:.1} s",
        model::all().len(),
        CELLS.len(),
        RULES.len(),
        checked.as_secs_f64(),
        (began.elapsed() - checked).as_secs_f64()
    );
    let mut report = String::new();
    if !violations.is_empty() {
        report += &format!(
            "{} contract violations:\n  {}\n",
            violations.len(),
            violations.join("\n  ")
        );
    }
    if !self_test.is_empty() {
        report += &format!(
            "the contract's own checks are wrong:\n  {}\n",
            self_test.join("\n  ")
        );
    }
    assert!(report.is_empty(), "{report}");
}

// ---------------------------------------------------------------------------------------------
// Self-test: the rules can fail, and say which rule.

/// The overlap sweep on spans made by hand: touching is not overlapping, a cap is caught.
fn sweep_self_test() -> Vec<String> {
    let span = |task, start_s, end_s| Span {
        task,
        lane: 0,
        thread: 0,
        start_s,
        end_s,
    };
    let mut problems = Vec::new();
    let chain = [span(0, 0.0, 1.0), span(1, 1.0, 2.0), span(2, 2.0, 2.0)];
    if most_overlapping(&chain).0 != 1 {
        problems.push(format!(
            "spans that only touch counted as overlapping: {:?}",
            most_overlapping(&chain)
        ));
    }
    let three = [
        span(0, 0.0, 3.0),
        span(1, 1.0, 4.0),
        span(2, 2.0, 5.0),
        span(3, 3.0, 6.0),
    ];
    let (most, at, tasks) = most_overlapping(&three);
    if (most, at, tasks.as_slice()) != (3, 2.0, &[0, 1, 2][..]) {
        problems.push(format!(
            "expected 3 spans open at 2 s (tasks 0, 1, 2), got {most} at {at} ({tasks:?})"
        ));
    }
    problems
}

/// How a fake model breaks the contract.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Fault {
    /// Swaps the first two runs and loses the last one of every call.
    DropsAndSwaps,
    /// Reports every span a second later than it was.
    OutlivesTheRun,
    /// Puts the last task on lane W.
    LaneBeyondW,
    /// Reports every task as started at time 0: no cap, no batches.
    StartsAllAtOnce,
    /// Keeps a worker process and a thread alive after it is dropped.
    LeavesWorkerAndThread,
    /// Changes every output.
    WrongOutputs,
}

/// A model that runs every task in turn on the calling thread, declares itself a thread pool,
/// and breaks the contract in one known way.
struct Fake {
    name: &'static str,
    fault: Fault,
    /// Exactly the rules it must be caught breaking.
    breaks: &'static [&'static str],
}

const FAKES: [Fake; 6] = [
    Fake {
        name: "fake-drops-and-swaps",
        fault: Fault::DropsAndSwaps,
        breaks: &["one outcome per task, in task order", "the answer is right"],
    },
    Fake {
        name: "fake-outlives-the-run",
        fault: Fault::OutlivesTheRun,
        breaks: &["spans inside the run"],
    },
    Fake {
        name: "fake-lane-beyond-w",
        fault: Fault::LaneBeyondW,
        breaks: &["lanes within W"],
    },
    Fake {
        name: "fake-starts-all-at-once",
        fault: Fault::StartsAllAtOnce,
        breaks: &["never more than C in flight", "batches one after another"],
    },
    Fake {
        name: "fake-leaves-worker-and-thread",
        fault: Fault::LeavesWorkerAndThread,
        breaks: &["nothing left after drop"],
    },
    Fake {
        name: "fake-wrong-outputs",
        fault: Fault::WrongOutputs,
        breaks: &["the answer is right"],
    },
];

static FAKE_MODELS: [FakeModel; 6] = [
    FakeModel(0),
    FakeModel(1),
    FakeModel(2),
    FakeModel(3),
    FakeModel(4),
    FakeModel(5),
];

/// The [`Model`] of `FAKES[i]`.
struct FakeModel(usize);

impl Model for FakeModel {
    fn name(&self) -> &'static str {
        FAKES[self.0].name
    }
    fn summary(&self) -> &'static str {
        "a deliberately broken model for the contract's self-test"
    }
    fn python(&self) -> &'static str {
        "-"
    }
    fn use_when(&self) -> &'static str {
        "never"
    }
    fn lane(&self) -> Lane {
        Lane::Thread
    }
    fn traits(&self) -> Traits {
        Traits {
            runs: Runs::ThreadPool,
            shares_memory: true,
            preemptive: true,
            color: "#000000",
            creates: "whatever its fault leaves behind",
        }
    }
    fn start(&self, config: &ModelConfig) -> concur::Result<Box<dyn Executor>> {
        let fault = FAKES[self.0].fault;
        let leak = (fault == Fault::LeavesWorkerAndThread).then(Leak::start);
        Ok(Box::new(FakeExecutor {
            fault,
            workers: config.workers,
            leak,
        }))
    }
}

/// A worker process and a thread that outlive the fake, until [`Leak::end`].
struct Leak {
    child: Child,
    stop: mpsc::Sender<()>,
    thread: JoinHandle<()>,
}

/// What the leaking fake left behind, so the test can clean up after itself.
static LEAKED: Mutex<Vec<Leak>> = Mutex::new(Vec::new());

impl Leak {
    fn start() -> Leak {
        let child = Command::new(env!("CARGO_BIN_EXE_concur"))
            .arg("worker")
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .spawn()
            .expect("a worker for the leaking fake");
        let (stop, stopped) = mpsc::channel::<()>();
        let thread = std::thread::spawn(move || {
            let _ = stopped.recv();
        });
        Leak {
            child,
            stop,
            thread,
        }
    }

    fn end(mut self) {
        drop(self.stop);
        let _ = self.thread.join();
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

struct FakeExecutor {
    fault: Fault,
    workers: usize,
    leak: Option<Leak>,
}

impl Executor for FakeExecutor {
    fn execute(&mut self, tasks: &Arc<[Task]>, clock: Instant) -> concur::Result<Vec<TaskRun>> {
        let mut runs: Vec<TaskRun> = tasks
            .iter()
            .enumerate()
            .map(|(i, task)| {
                let start_s = clock.elapsed().as_secs_f64();
                let outcome = task.run_blocking();
                TaskRun {
                    outcome,
                    span: Span {
                        task: i,
                        lane: 0,
                        thread: model::thread_slot(),
                        start_s,
                        end_s: clock.elapsed().as_secs_f64(),
                    },
                }
            })
            .collect();
        match self.fault {
            Fault::DropsAndSwaps => {
                runs.pop();
                if runs.len() >= 2 {
                    runs.swap(0, 1);
                }
            }
            Fault::OutlivesTheRun => {
                for run in &mut runs {
                    run.span.start_s += 1.0;
                    run.span.end_s += 1.0;
                }
            }
            Fault::LaneBeyondW => {
                if let Some(run) = runs.last_mut() {
                    run.span.lane = self.workers;
                }
            }
            Fault::StartsAllAtOnce => {
                for run in &mut runs {
                    run.span.start_s = 0.0;
                }
            }
            Fault::LeavesWorkerAndThread => {}
            Fault::WrongOutputs => {
                for run in &mut runs {
                    run.outcome = match &run.outcome {
                        Ok(Output::Int(v)) => Ok(Output::Int(v + 1)),
                        Ok(Output::Bool(b)) => Ok(Output::Bool(!b)),
                        Ok(Output::Text(t)) => Ok(Output::Text(format!("{t}!"))),
                        Err(e) => Err(e.clone()),
                    };
                }
            }
        }
        Ok(runs)
    }

    fn worker_pids(&self) -> Vec<u32> {
        self.leak.iter().map(|l| l.child.id()).collect()
    }
}

impl Drop for FakeExecutor {
    fn drop(&mut self) {
        if let Some(leak) = self.leak.take() {
            LEAKED.lock().unwrap_or_else(|e| e.into_inner()).push(leak);
        }
    }
}

/// Every fake through the real harness: each must be caught, by name, breaking exactly the
/// rules it breaks (which also shows that a model keeping a rule passes it).
fn fakes_self_test(server: &str) -> Vec<String> {
    let mut problems = Vec::new();
    for (fake, model) in FAKES.iter().zip(FAKE_MODELS.iter()) {
        // A short wait: the leaking fake's leftovers never go.
        let violations = check_model(model, server, Duration::from_millis(300));
        let prefix = format!("model `{}` breaks rule \"", fake.name);
        let caught: BTreeSet<&str> = violations
            .iter()
            .filter_map(|v| v.strip_prefix(&prefix)?.split_once('"').map(|(r, _)| r))
            .collect();
        let expected: BTreeSet<&str> = fake.breaks.iter().copied().collect();
        if caught != expected || violations.iter().any(|v| !v.starts_with(&prefix)) {
            problems.push(format!(
                "`{}` ({:?}) should break exactly {expected:?}, was caught breaking {caught:?}:\n    {}",
                fake.name,
                fake.fault,
                violations.join("\n    ")
            ));
        }
    }
    for leak in LEAKED.lock().unwrap_or_else(|e| e.into_inner()).drain(..) {
        leak.end();
    }
    problems
}
