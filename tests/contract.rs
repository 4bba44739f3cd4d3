//! The model contract: what every model in [`concur::model::all()`] must do, checked the same
//! way for each, whatever it is called.
//!
//! Every model runs a few small cells: `uneven` (size 200 000) at W = 2 (results collected as
//! completed) and W = 3 (in order), `primes` at its small size, and, against an in-process mock
//! server (5 ms delay), `api` with 24 tasks at W = 4 under `--concurrency 3` (as completed) and
//! `api` with 10 tasks under `--batch 4` (in order). Each run is held to these rules
//! ([`RULES`]):
//!
//! 1. **one outcome per task, in task order**: `Executor::execute` hands exactly one
//!    `TaskRun` per task to its `Deliver` sink, so the run's timeline (sorted by task by the
//!    harness) has `timeline[i].task == i`.
//! 2. **spans inside the run**: every span has 0 <= start_s <= end_s <= the run's wall time
//!    (+1 ms of slack for clock granularity).
//! 3. **lanes within W**: a model that runs on W lanes (`traits().runs.on_w_lanes()`:
//!    `ThreadPool`, `Processes`, `EventLoopToPool`, `EventLoopToProcesses`) puts every span on
//!    a lane below W, and those and `EventLoopThreads` use at most W distinct threads
//!    (`span.thread`); any model uses at most `Model::workers` distinct threads; `InTurn` and
//!    `EventLoopInTurn` use exactly one lane and one thread, and the other one-thread kinds
//!    (`EventLoop`, `EventLoopBlocked`) one thread. The kind comes from `traits().runs`, never
//!    from the name, so a new model is held to the rules of the kind it declares.
//! 4. **never more than C in flight**: under `--concurrency C`, no more than C spans overlap at
//!    any instant (spans are open intervals: one ending as another starts does not overlap it);
//!    a model that declares it runs one task at a time (`Runs::one_at_a_time`: `InTurn`,
//!    `EventLoopBlocked`, `EventLoopInTurn`) has C = 1 in every cell, so an event loop that
//!    claims its tasks block it is held to it.
//! 5. **batches one after another**: under `--batch B` (batches are consecutive task indices,
//!    B at a time), no span of batch k+1 starts before every span of batch k has ended.
//! 6. **nothing left after drop**: once the cell is dropped, every pid in `worker_pids()` is
//!    gone from `/proc` (a zombie, exited but never reaped, counts as left), and this process
//!    has no more threads (`/proc/self/task`) than before the model started, both within 10 s.
//! 7. **the answer is right**: the run's `RunRecord::ok`, so a model that runs but gives a wrong
//!    answer fails too.
//! 8. **every result delivered once, in its mode's order**: every task's result was delivered
//!    exactly once, never before its task ended (`delivered_s >= end_s`), and, collected in
//!    order, in task order (`delivered_s` never decreases along the tasks). As completed, the
//!    sink stamps each delivery as it comes, so times follow delivery order by construction.
//!    A model that holds every result back until the run ends keeps this rule (telling late
//!    from a busy machine would take a clock); `tests/collect.rs` catches that one by order.
//!
//! Nothing here measures speed: every rule is about order, containment and counts, so the test
//! holds on a loaded machine.
//!
//! # Reading a failure
//!
//! The test fails once, listing every violation of every model, one line each:
//!
//! ```text
//! model `my-model` breaks rule "lanes within W" in cell uneven (size 200000, W=2, --collect as-completed): task 3 ran on lane 2, ...
//! ```
//!
//! The quoted rule is one of the eight above (its check is the function of the same name in
//! [`RULES`]); the cell names the workload, `--size`, `--workers`, `--concurrency`, `--batch`
//! and `--collect` it ran with (IO at `--delay-ms 5`), so `concur run` reproduces it, and
//! `Prepared::run` on the same cell gives its timeline; after the colon comes what was seen.
//! Fix the model, not the rule. "starts and runs the cell" means the model could not even be
//! started there.
//!
//! The rules are proven able to fail: fake models ([`FAKES`](fakes::FAKES)), each breaking the
//! contract in one known way, go through the same harness and must be caught by exactly the
//! rules they break; what no model can get past the harness (results out of order when
//! collected in order) is checked on hand-made spans.
//!
//! Everything runs in the one `#[test]` of this binary, in turn: libtest runs tests on threads
//! of this process, and a second test would disturb rule 6's thread counts.
//!
//! The rules and their checks are in `contract/rules.rs`, the cells and the harness that runs a
//! model on them in `contract/harness.rs`, and the fakes in `contract/fakes.rs`.

#[path = "contract/fakes.rs"]
mod fakes;
#[path = "contract/harness.rs"]
mod harness;
#[path = "contract/rules.rs"]
mod rules;

use std::time::Instant;

use concur::mock::{MockServer, MockSpec};
use concur::model;

use fakes::{delivery_self_test, fakes_self_test, sweep_self_test};
use harness::{check_model, CELLS, DELAY_MS, TEARDOWN_WAIT};
use rules::RULES;

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
    self_test.extend(delivery_self_test());
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
