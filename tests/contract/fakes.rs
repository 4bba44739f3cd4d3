//! The contract's self-test: the rules can fail, and say which rule. The overlap sweep and the
//! delivery check on hand-made spans, and fake models ([`FAKES`]), each breaking the contract in
//! one known way, run through the real harness.

use std::collections::BTreeSet;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use concur::model::{
    run_here, Collect, Deliver, Executor, Lane, Model, ModelConfig, Runs, Span, TaskRun, Traits,
};
use concur::task::{Output, Task};

use crate::harness::check_model;
use crate::rules::{delivery_problems, most_overlapping};

/// The overlap sweep on spans made by hand: touching is not overlapping, a cap is caught.
pub fn sweep_self_test() -> Vec<String> {
    let span = |task, start_s, end_s| Span::new(task, 0, 0, start_s, end_s);
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

/// The delivery check on spans made by hand: what no model can get past the harness's sink
/// (results delivered out of order when collected in order) is still caught.
pub fn delivery_self_test() -> Vec<String> {
    let span = |task, end_s, delivered_s| Span {
        delivered_s: Some(delivered_s),
        ..Span::new(task, 0, 0, 0.0, end_s)
    };
    let mut problems = Vec::new();
    // Task 1 finished first and was delivered first: fine as completed, not in order.
    let spans = [span(0, 0.4, 0.4), span(1, 0.1, 0.1)];
    if !delivery_problems(&spans, 2, Collect::AsCompleted).is_empty() {
        problems.push("finish order counted as wrong when collected as completed".into());
    }
    let seen = delivery_problems(&spans, 2, Collect::Ordered);
    if !seen
        .iter()
        .any(|p| p.contains("task 1 was delivered at 0.100000 s, before task 0"))
    {
        problems.push(format!(
            "in order, task 1 before task 0 was not caught: {seen:?}"
        ));
    }
    let held = [span(0, 0.4, 0.4), span(1, 0.1, 0.4)];
    if !delivery_problems(&held, 2, Collect::Ordered).is_empty() {
        problems.push("a result held behind an earlier task counted as wrong".into());
    }
    let early = [span(0, 0.4, 0.3), span(0, 0.4, 0.4)];
    let seen = delivery_problems(&early, 2, Collect::AsCompleted);
    let caught = ["before the task ended", "task 0 2 times, task 1 0 times"];
    if !caught.iter().all(|c| seen.iter().any(|p| p.contains(c))) {
        problems.push(format!(
            "an early and a double delivery were not both caught: {seen:?}"
        ));
    }
    problems
}

/// How a fake model breaks the contract.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Fault {
    /// Delivers the first task twice and never the last one of every call.
    DeliversTwiceAndDrops,
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

/// The delivery rule's name.
const DELIVERY: &str = "every result delivered once, in its mode's order";

/// A model that runs every task in turn on the calling thread, declares itself a thread pool
/// (or what `runs` says), hands every result over once all have run (late, but in a way no
/// rule can tell from a busy machine), and breaks the contract in one known way.
struct Fake {
    name: &'static str,
    fault: Fault,
    /// What it declares.
    runs: Runs,
    /// Exactly the rules it must be caught breaking.
    breaks: &'static [&'static str],
}

const FAKES: [Fake; 7] = [
    Fake {
        name: "fake-delivers-twice-and-drops",
        runs: Runs::ThreadPool,
        fault: Fault::DeliversTwiceAndDrops,
        breaks: &[
            "one outcome per task, in task order",
            "the answer is right",
            DELIVERY,
        ],
    },
    // Its spans end a second after it delivered them.
    Fake {
        name: "fake-outlives-the-run",
        runs: Runs::ThreadPool,
        fault: Fault::OutlivesTheRun,
        breaks: &["spans inside the run", DELIVERY],
    },
    Fake {
        name: "fake-lane-beyond-w",
        runs: Runs::ThreadPool,
        fault: Fault::LaneBeyondW,
        breaks: &["lanes within W"],
    },
    Fake {
        name: "fake-starts-all-at-once",
        runs: Runs::ThreadPool,
        fault: Fault::StartsAllAtOnce,
        breaks: &["never more than C in flight", "batches one after another"],
    },
    Fake {
        name: "fake-leaves-worker-and-thread",
        runs: Runs::ThreadPool,
        fault: Fault::LeavesWorkerAndThread,
        breaks: &["nothing left after drop"],
    },
    Fake {
        name: "fake-wrong-outputs",
        runs: Runs::ThreadPool,
        fault: Fault::WrongOutputs,
        breaks: &["the answer is right"],
    },
    // Declares that its tasks block its one event loop, yet reports them overlapping: held to
    // one task at a time in every cell, not only under --concurrency.
    Fake {
        name: "fake-blocked-loop-that-overlaps",
        runs: Runs::EventLoopBlocked,
        fault: Fault::StartsAllAtOnce,
        breaks: &["never more than C in flight", "batches one after another"],
    },
];

static FAKE_MODELS: [FakeModel; 7] = [
    FakeModel(0),
    FakeModel(1),
    FakeModel(2),
    FakeModel(3),
    FakeModel(4),
    FakeModel(5),
    FakeModel(6),
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
            runs: FAKES[self.0].runs,
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
    fn execute(
        &mut self,
        tasks: &Arc<[Task]>,
        clock: Instant,
        out: &Deliver,
    ) -> concur::Result<()> {
        let mut runs: Vec<TaskRun> = tasks
            .iter()
            .enumerate()
            .map(|(i, task)| run_here(task, i, 0, clock))
            .collect();
        match self.fault {
            Fault::DeliversTwiceAndDrops => {
                runs.pop();
                if let Some(first) = runs.first().cloned() {
                    runs.push(first);
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
                        Ok(Output::Withdrawal(w)) => {
                            Ok(Output::Withdrawal(concur::shared::Withdrawal {
                                balance: w.balance + 1,
                                ..*w
                            }))
                        }
                        Ok(Output::Counted(c)) => Ok(Output::Counted(concur::shared::Counted {
                            added: c.added + 1,
                            ..*c
                        })),
                        Err(e) => Err(e.clone()),
                    };
                }
            }
        }
        for run in runs {
            out.deliver(run);
        }
        Ok(())
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
pub fn fakes_self_test(server: &str) -> Vec<String> {
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
