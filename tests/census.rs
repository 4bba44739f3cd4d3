//! The census of a run: what each model creates per run (threads, tasks, processes,
//! connections), that a blocking GET creates no thread, and that the CLI reports it.
//!
//! The counters are process-wide, and the test harness starts a thread for every test it runs,
//! so this file holds a single test that checks everything in turn: nothing else runs in this
//! process while it counts. No assertion on timings.

use std::path::PathBuf;
use std::process::Command;

use concur::census::{self, Census};
use concur::mock::{MockServer, MockSpec};
use concur::model::{self, ModelConfig};
use concur::run::{Prepared, RunRecord};
use concur::workload::{self, IoParams, Params};

/// The requests every IO cell here makes.
const GETS: u64 = 20;
/// W for the models that take it.
const W: usize = 2;

fn config(workers: usize) -> ModelConfig {
    ModelConfig {
        worker_exe: Some(PathBuf::from(env!("CARGO_BIN_EXE_concur"))),
        ..ModelConfig::new(workers)
    }
}

fn sites(base_url: &str) -> Params {
    let mut params = workload::by_name("sites")
        .unwrap()
        .params(Some(GETS))
        .unwrap();
    params.io = Some(IoParams {
        base_url: base_url.to_string(),
        delay_ms: 5,
        timeout_ms: 10_000,
    });
    params
}

fn sum_squares() -> Params {
    workload::by_name("sum-squares")
        .unwrap()
        .params(Some(50_000))
        .unwrap()
}

/// `n` threads where this build can count them, else 0.
fn threads(n: u64) -> u64 {
    if census::counts_threads() {
        n
    } else {
        0
    }
}

/// Start a cell, returning it and the census of its setup.
fn start(workload: &str, model: &str, params: &Params, workers: usize) -> (Prepared, Census) {
    let before = census::snapshot();
    let cell = Prepared::start(
        workload::by_name(workload).unwrap(),
        model::by_name(model).unwrap(),
        params.clone(),
        &config(workers),
    )
    .unwrap_or_else(|e| panic!("{workload} × {model}: {e}"));
    (cell, before.since())
}

fn run(cell: &mut Prepared, what: &str) -> RunRecord {
    let record = cell.run();
    assert!(record.ok, "{what}: {:?}", record.errors);
    record
}

#[test]
fn every_model_creates_what_it_should_and_nothing_more() {
    // The server first: its own threads are not any run's.
    let server = MockServer::start(MockSpec::new(5)).unwrap();
    let io = sites(&server.uri());
    let cpu = sum_squares();
    let n = GETS;

    the_counter_sees_a_thread();
    sequential_gets_make_no_thread_and_reuse_one_connection(&io);
    threads_make_one_thread_per_task(&io, &cpu);
    the_pool_makes_its_threads_at_setup(&io);
    processes_are_setup_and_their_workers_report(&io);
    async_makes_tasks_not_threads(&io, n);
    async_blocking_makes_one_task_per_task(&io, n);
    async_process_reads_its_pipes_on_the_loop(&io, n);
    a_blocked_loop_makes_tasks_and_no_thread(&io, n);
    awaiting_in_turn_spawns_nothing(&io, n);
    the_cli_prints_the_census();
}

/// The interposed pthread_create is linked into this test binary and counts.
fn the_counter_sees_a_thread() {
    let before = census::snapshot();
    std::thread::spawn(|| ()).join().unwrap();
    assert_eq!(
        before.since(),
        Census {
            threads: threads(1),
            ..Census::default()
        }
    );
}

/// The bug this census was made for: ureq started a resolver thread per request.
fn sequential_gets_make_no_thread_and_reuse_one_connection(io: &Params) {
    let (mut cell, setup) = start("sites", "sequential", io, 1);
    assert_eq!(setup, Census::default());
    // This test's thread has no HTTP agent yet: the first run opens one connection and keeps
    // it alive for the rest.
    let first = run(&mut cell, "sequential");
    assert_eq!(
        first.census,
        Census {
            connections: 1,
            ..Census::default()
        }
    );
    let second = run(&mut cell, "sequential");
    assert_eq!(second.census, Census::default());
}

fn threads_make_one_thread_per_task(io: &Params, cpu: &Params) {
    let (mut cell, setup) = start("sites", "threads", io, W);
    assert_eq!(setup, Census::default());
    for _ in 0..2 {
        // Every thread is new, and so is its agent and its connection.
        let r = run(&mut cell, "threads");
        assert_eq!(
            r.census,
            Census {
                threads: threads(GETS),
                connections: GETS,
                ..Census::default()
            }
        );
    }
    let (mut cell, _) = start("sum-squares", "threads", cpu, W);
    let r = run(&mut cell, "threads (cpu)");
    assert_eq!(
        r.census,
        Census {
            threads: threads(r.tasks as u64),
            ..Census::default()
        }
    );
}

fn the_pool_makes_its_threads_at_setup(io: &Params) {
    let (mut cell, setup) = start("sites", "pool", io, W);
    // W threads asked for and released first (see os_threads.rs), then the W workers.
    assert_eq!(
        setup,
        Census {
            threads: threads(2 * W as u64),
            ..Census::default()
        }
    );
    // Each pool thread opens one connection the first time it runs a task, then reuses it.
    let mut connections = 0;
    for _ in 0..3 {
        let r = run(&mut cell, "pool");
        assert_eq!(r.census.threads, 0);
        assert_eq!((r.census.tasks, r.census.processes), (0, 0));
        connections += r.census.connections;
    }
    assert!((1..=W as u64).contains(&connections), "{connections}");
}

fn processes_are_setup_and_their_workers_report(io: &Params) {
    let (mut cell, setup) = start("sites", "process", io, W);
    assert_eq!(setup.processes, W as u64);
    let mut connections = 0;
    for _ in 0..3 {
        let r = run(&mut cell, "process");
        // The parent feeds each worker from a thread of its own, started per run; the
        // workers themselves start none.
        assert_eq!(r.census.threads, threads(W as u64));
        assert_eq!((r.census.tasks, r.census.processes), (0, 0));
        connections += r.census.connections;
    }
    // Counted inside the workers (one kept-alive connection each) and reported back.
    assert!((1..=W as u64).contains(&connections), "{connections}");
}

fn async_makes_tasks_not_threads(io: &Params, n: u64) {
    for model in ["async", "async-mt"] {
        let (mut cell, setup) = start("sites", model, io, W);
        // async-mt: W + 1 threads asked for and released, one to build the runtime on, and
        // its W workers (see os_threads.rs).
        let runtime_threads = if model == "async-mt" {
            2 * (W as u64 + 1)
        } else {
            0
        };
        assert_eq!(setup.threads, threads(runtime_threads), "{model}");
        let mut connections = 0;
        for _ in 0..2 {
            let r = run(&mut cell, model);
            assert_eq!(r.census.threads, 0, "{model}");
            assert_eq!(r.census.processes, 0, "{model}");
            // One task per request, and one per connection (hyper drives each on its own).
            assert_eq!(r.census.tasks, n + r.census.connections, "{model}");
            // The shared client's pool: at most one new connection per request in flight.
            // A later run mostly reuses them, but may open a few: hyper starts a connect for
            // a request that finds no idle connection, and keeps it when a pooled one wins.
            assert!(r.census.connections <= n, "{model}: {:?}", r.census);
            connections += r.census.connections;
        }
        assert!(connections >= 1, "{model}: no connection at all");
    }
}

fn async_blocking_makes_one_task_per_task(io: &Params, n: u64) {
    let (mut cell, _) = start("sites", "async-blocking", io, W);
    for _ in 0..2 {
        let r = run(&mut cell, "async-blocking");
        assert_eq!(r.census.tasks, n);
        assert_eq!(r.census.processes, 0);
        // The blocking pool starts its (at most W) threads when first needed and keeps them.
        assert!(r.census.threads <= W as u64, "{:?}", r.census);
        assert!(r.census.connections <= W as u64, "{:?}", r.census);
    }
}

/// No feeder thread: the event loop reads the worker pipes itself; one async task per task.
fn async_process_reads_its_pipes_on_the_loop(io: &Params, n: u64) {
    let (mut cell, setup) = start("sites", "async-process", io, W);
    assert_eq!(
        setup,
        Census {
            processes: W as u64,
            ..Census::default()
        }
    );
    let mut connections = 0;
    for _ in 0..3 {
        let r = run(&mut cell, "async-process");
        assert_eq!(r.census.threads, 0, "{:?}", r.census);
        assert_eq!((r.census.tasks, r.census.processes), (n, 0));
        connections += r.census.connections;
    }
    // Counted inside the workers (one kept-alive connection each) and reported back.
    assert!((1..=W as u64).contains(&connections), "{connections}");
}

/// Tasks spawned as in `async`, but their blocking GETs go through this thread's ureq agent:
/// no thread, at most one connection (this thread's agent may have one kept alive already).
fn a_blocked_loop_makes_tasks_and_no_thread(io: &Params, n: u64) {
    let (mut cell, setup) = start("sites", "async-naive", io, W);
    assert_eq!(setup, Census::default());
    let mut connections = 0;
    for _ in 0..2 {
        let r = run(&mut cell, "async-naive");
        assert_eq!(
            (r.census.threads, r.census.tasks, r.census.processes),
            (0, n, 0)
        );
        connections += r.census.connections;
    }
    assert!(connections <= 1, "{connections}");
}

/// Futures awaited in place: no task spawned, only hyper's one per connection.
fn awaiting_in_turn_spawns_nothing(io: &Params, n: u64) {
    let (mut cell, setup) = start("sites", "async-in-turn", io, W);
    assert_eq!(setup.threads, 0);
    let mut connections = 0;
    for _ in 0..2 {
        let r = run(&mut cell, "async-in-turn");
        assert_eq!((r.census.threads, r.census.processes), (0, 0));
        assert_eq!(r.census.tasks, r.census.connections, "{:?}", r.census);
        connections += r.census.connections;
    }
    assert!((1..=n).contains(&connections), "{connections}");
}

/// `concur run --json` shows each run's census, counted inside the `concur` binary: 20
/// sequential GETs make no thread and one connection; 20 threads make 20 of each.
fn the_cli_prints_the_census() {
    let out = Command::new(env!("CARGO_BIN_EXE_concur"))
        .args([
            "run",
            "sites",
            "--models",
            "sequential,threads",
            "--repeat",
            "1",
            "--delay-ms",
            "1",
            "--json",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let censuses: Vec<(String, Census)> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|line| {
            let line: serde_json::Value = serde_json::from_str(line).unwrap();
            let model = line["model"].as_str().unwrap_or_default().to_string();
            (
                model,
                serde_json::from_value(line["census"].clone()).unwrap(),
            )
        })
        .collect();
    let sequential = Census {
        connections: 1,
        ..Census::default()
    };
    let per_task = Census {
        threads: threads(GETS),
        connections: GETS,
        ..Census::default()
    };
    assert_eq!(
        censuses,
        [
            ("sequential".to_string(), sequential),
            ("threads".to_string(), per_task)
        ]
    );
}
