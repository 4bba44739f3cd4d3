//! A run's CPU time and context switches (`RunRecord::usage`): every model's run carries
//! them, a worker process reports its own with every answer, and a run of the process models
//! counts what their workers reported. Counts and presence only, never a timing: "more than
//! zero CPU time for a task that computes" is the strongest claim made.

#![cfg(unix)]

use std::io::Cursor;
use std::path::PathBuf;

use concur::model::worker::{self, Reply};
use concur::model::{self, ModelConfig};
use concur::run::Prepared;
use concur::task::Task;
use concur::workload;

fn config(workers: usize) -> ModelConfig {
    ModelConfig {
        worker_exe: Some(PathBuf::from(env!("CARGO_BIN_EXE_concur"))),
        ..ModelConfig::new(workers)
    }
}

/// Σ i² over this many elements: tens of milliseconds of CPU in a debug build, split into
/// the workload's chunks.
const SIZE: u64 = 5_000_000;

#[test]
fn a_worker_reports_its_usage_with_every_answer() {
    let tasks = [
        Task::SumSquares {
            start: 0,
            end: SIZE,
        },
        Task::IsPrime { n: 7 },
    ];
    let input: String = tasks
        .iter()
        .map(|t| serde_json::to_string(t).unwrap() + "\n")
        .collect();
    let mut output = Vec::new();
    worker::serve(Cursor::new(input), &mut output).unwrap();
    let text = String::from_utf8(output).unwrap();
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some(worker::READY));
    let replies: Vec<Reply> = lines.map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(replies.len(), 2);
    let first = replies[0]
        .usage
        .expect("the worker's usage with its answer");
    assert!(
        first.cpu_s() > 0.0,
        "Σ i² over {SIZE} elements computes: {first:?}"
    );
    assert!(replies[1].usage.is_some());
    // A worker that says nothing of its usage (an older one) still answers.
    let bare: Reply = serde_json::from_str(
        r#"{"outcome":{"Ok":{"bool":true}},"census":{"threads":0,"tasks":0,"processes":0,"connections":0}}"#,
    )
    .unwrap();
    assert!(bare.usage.is_none());
}

#[test]
fn a_process_models_run_counts_its_workers_cpu_time() {
    let w = workload::by_name("sum-squares").unwrap();
    for name in ["process", "async-process"] {
        let mut cell = Prepared::start(
            w,
            model::by_name(name).unwrap(),
            w.params(Some(SIZE)).unwrap(),
            &config(2),
        )
        .unwrap_or_else(|e| panic!("{name}: {e}"));
        let r = cell.run();
        assert!(r.ok, "{name}: {:?}", r.errors);
        let u = r.usage.unwrap_or_else(|| panic!("{name}: no usage"));
        let workers = u
            .workers
            .unwrap_or_else(|| panic!("{name}: no workers' part"));
        // The workers computed every task: their reports are CPU time, and the run's total
        // holds them.
        assert!(workers.cpu_s() > 0.0, "{name}: {u:?}");
        assert!(u.total.cpu_s() >= workers.cpu_s(), "{name}: {u:?}");
        assert!(u.total.voluntary >= workers.voluntary, "{name}: {u:?}");
        assert_eq!(
            u.wall_s, r.wall_s,
            "{name}: cores busy divides by the run's own wall"
        );
    }
}

#[test]
fn an_in_process_model_has_no_workers_part() {
    let w = workload::by_name("sum-squares").unwrap();
    for name in ["sequential", "pool", "async"] {
        let mut cell = Prepared::start(
            w,
            model::by_name(name).unwrap(),
            w.params(Some(SIZE)).unwrap(),
            &config(2),
        )
        .unwrap();
        let r = cell.run();
        assert!(r.ok, "{name}: {:?}", r.errors);
        let u = r.usage.unwrap_or_else(|| panic!("{name}: no usage"));
        assert!(u.workers.is_none(), "{name}: {u:?}");
        assert!(
            u.total.cpu_s() > 0.0,
            "{name}: its own threads computed: {u:?}"
        );
    }
}
