//! Shared state and waiting tasks, answer by answer: `bank`'s balances under every model (the
//! pause between check and update makes the race deterministic, so the -600 is tested, not
//! hoped for), the counters' increments wherever they were counted, and `queue-workers`' sleeps
//! against their first-come-first-served ideal.

use std::path::PathBuf;

use concur::compare::cell_wait_ideal;
use concur::model::{self, ModelConfig, Runs};
use concur::run::Prepared;
use concur::workload;
use concur::workload::queue_workers::QueueWorkers;

fn config(workers: usize) -> ModelConfig {
    ModelConfig {
        worker_exe: Some(PathBuf::from(env!("CARGO_BIN_EXE_concur"))),
        ..ModelConfig::new(workers)
    }
}

fn answer(workload: &str, model: &str, size: u64, config: &ModelConfig) -> String {
    let w = workload::by_name(workload).unwrap();
    let m = model::by_name(model).unwrap();
    let mut cell = Prepared::start(w, m, w.params(Some(size)).unwrap(), config).unwrap();
    // Twice: each run must get fresh state (workers live across runs).
    let mut answers = Vec::new();
    for _ in 0..2 {
        let record = cell.run();
        assert!(record.ok, "{workload} × {model}: {:?}", record.errors);
        answers.push(record.answer.unwrap());
    }
    assert_eq!(
        answers[0], answers[1],
        "{workload} × {model}: runs saw each other's state"
    );
    answers.remove(0)
}

const RACE: &str = "unsynchronised: 2 accepted, 0 refused, balance -600; \
                    locked: 1 accepted, 1 refused, balance 200";
const CALM: &str = "unsynchronised: 1 accepted, 1 refused, balance 200; \
                    locked: 1 accepted, 1 refused, balance 200";
const COPIES: &str = "unsynchronised: each copy ends at 200, the parent's 1000; \
                      locked: each copy ends at 200, the parent's 1000";

#[test]
fn bank_races_where_lanes_share_memory_and_overlap() {
    let two = config(2);
    for m in model::all() {
        let t = m.traits();
        let expected = if !t.shares_memory {
            COPIES
        } else if t.runs.one_at_a_time() {
            CALM
        } else {
            RACE
        };
        assert_eq!(answer("bank", m.name(), 50, &two), expected, "{}", m.name());
    }
    // By name, the lesson as the tutorial tells it.
    assert_eq!(answer("bank", "threads", 50, &two), RACE);
    assert_eq!(
        answer("bank", "async", 50, &two),
        RACE,
        "a race across .await"
    );
    assert_eq!(answer("bank", "sequential", 50, &two), CALM);
    assert_eq!(answer("bank", "process", 50, &two), COPIES);
    // One lane, or one task in flight: nothing overlaps, so nothing races.
    assert_eq!(answer("bank", "pool", 50, &config(1)), CALM);
    let one_at_a_time = ModelConfig {
        in_flight: Some(1),
        ..two.clone()
    };
    assert_eq!(answer("bank", "threads", 50, &one_at_a_time), CALM);
    assert_eq!(answer("bank", "process", 50, &config(3)), COPIES);
}

#[test]
fn every_increment_is_counted_and_copies_leave_the_parent_at_zero() {
    let two = config(2);
    for m in [
        "sequential",
        "threads",
        "pool",
        "async-mt",
        "async-blocking",
    ] {
        assert_eq!(
            answer("counter-mutex", m, 100_000, &two),
            "100000 increments, the counter reads 100000"
        );
        assert_eq!(
            answer("counter-atomic", m, 100_000, &two),
            "100000 increments, the counter reads 100000"
        );
        assert_eq!(
            answer("counter-local", m, 100_000, &two),
            "100000 increments, per-task sums merged"
        );
    }
    for m in ["process", "async-process"] {
        assert_eq!(
            answer("counter-atomic", m, 100_000, &two),
            "100000 increments, the parent's counter reads 0, its copies in the workers add \
             up to 100000"
        );
        assert_eq!(
            answer("counter-local", m, 100_000, &two),
            "100000 increments, per-task sums merged"
        );
    }
}

#[test]
fn queue_workers_sleeps_its_plan_against_a_first_come_first_served_ideal() {
    let w = workload::by_name("queue-workers").unwrap();
    let lengths = QueueWorkers::lengths_ms(20);
    let total: u64 = lengths.iter().sum();
    let three = ModelConfig {
        in_flight: Some(3),
        ..config(3)
    };
    for m in ["sequential", "threads", "pool", "async", "async-naive"] {
        let model = model::by_name(m).unwrap();
        let mut cell = Prepared::start(w, model, w.params(Some(20)).unwrap(), &three).unwrap();
        let record = cell.run();
        assert!(record.ok, "{m}: {:?}", record.errors);
        assert_eq!(
            record.answer.as_deref(),
            Some(format!("20 sleeps, {total} ms slept").as_str())
        );
        // The ideal: the sleeps handed out in order to the lanes in flight.
        let lanes = if model.traits().runs == Runs::InTurn {
            1
        } else {
            3
        };
        let mut free = vec![0u64; lanes];
        for &ms in &lengths {
            let lane = (0..lanes).min_by_key(|&l| free[l]).unwrap();
            free[lane] += ms;
        }
        let fcfs = *free.iter().max().unwrap() as f64 / 1e3;
        let ideal = cell_wait_ideal(&cell).unwrap();
        assert!(
            (ideal.seconds - fcfs).abs() < 1e-9,
            "{m}: {ideal:?} against {fcfs}"
        );
        assert_eq!(ideal.bound, concur::ideal::Bound::Waits);
    }
}
