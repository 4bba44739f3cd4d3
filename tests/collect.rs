//! Results collected in order against as completed, on `uneven`, whose first two tasks are the
//! tutorials' sum_to_num(200M) and sum_to_num(50M) (here scaled down: n and n/4). Every model,
//! at W = 2, in both modes: every task's result delivered exactly once, with its answer right;
//! in order, task 0's result always comes first and results come in task order; as completed,
//! a model that computes on two lanes hands over the small task's result before the big
//! one's, and a model that computes on one thread still delivers in submission order.
//!
//! Nothing here reads a clock: only the order of deliveries and their counts. The big task is
//! four times the small one, so on two lanes the small one finishes first by a wide margin
//! however loaded the machine is.

use std::path::PathBuf;

use concur::model::{self, Collect, Model, ModelConfig};
use concur::run::{Prepared, RunRecord};
use concur::workload;

/// n of the big task: big enough that starting a second lane takes far less than the gap
/// between the two tasks, small enough for a debug build.
const SIZE: u64 = 8_000_000;

fn run(model: &'static dyn Model, collect: Collect) -> RunRecord {
    let uneven = workload::by_name("uneven").expect("uneven");
    let config = ModelConfig {
        worker_exe: Some(PathBuf::from(env!("CARGO_BIN_EXE_concur"))),
        collect,
        ..ModelConfig::new(2)
    };
    let params = uneven.params(Some(SIZE)).expect("params");
    let mut cell = Prepared::start(uneven, model, params, &config).expect("start");
    cell.run()
}

/// Task indices in the order their results were delivered (ties in task order).
fn delivery_order(record: &RunRecord) -> Vec<usize> {
    let mut spans: Vec<(f64, usize)> = record
        .timeline
        .iter()
        .map(|s| (s.delivered_s.expect("a delivery time"), s.task))
        .collect();
    spans.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    spans.into_iter().map(|(_, task)| task).collect()
}

#[test]
fn the_small_task_comes_first_only_when_collected_as_completed() {
    let sizes = workload::uneven::Uneven::task_sizes(SIZE);
    assert_eq!(
        sizes[0],
        4 * sizes[1],
        "a big task, then one a quarter of it"
    );
    for m in model::all() {
        for collect in Collect::ALL {
            let record = run(m, collect);
            let cell = format!("uneven × {} ({collect})", m.name());
            assert!(record.ok, "{cell}: {:?}", record.errors);
            let mut tasks: Vec<usize> = record.timeline.iter().map(|s| s.task).collect();
            tasks.sort_unstable();
            assert_eq!(tasks, (0..record.tasks).collect::<Vec<_>>(), "{cell}");
            assert_eq!(record.collect, collect, "{cell}");
            let delivery = record.delivery.expect("a delivery summary");
            assert!(delivery.max_wait_s >= delivery.mean_wait_s, "{cell}");
            // Task 0 first unless results came as completed from two lanes (then the small
            // task, or with a thread per task a tiny one, finished first).
            let two_lanes = collect == Collect::AsCompleted && !m.traits().runs.one_thread();
            assert_eq!(delivery.first_task != 0, two_lanes, "{cell}");
            let order = delivery_order(&record);
            let before = |a: usize, b: usize| {
                let at = |t| order.iter().position(|&x| x == t);
                at(a) < at(b)
            };
            match collect {
                Collect::Ordered => {
                    assert_eq!(order, tasks, "{cell}: results in task order");
                }
                Collect::AsCompleted if m.traits().runs.one_thread() => {
                    assert_eq!(order, tasks, "{cell}: one thread finishes in turn");
                }
                Collect::AsCompleted => {
                    assert!(before(1, 0), "{cell}: the 50M-like task first: {order:?}");
                }
            }
        }
    }
}
