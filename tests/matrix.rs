//! Every workload under every model gives the known answer, and the kernels really compute.
//!
//! Uses small sizes so the whole matrix runs in seconds; the `process` model runs the real
//! `concur` binary that cargo built for this test.

use std::path::PathBuf;

use concur::kernel;
use concur::mock::{MockServer, MockSpec};
use concur::model::{self, ModelConfig};
use concur::run::Prepared;
use concur::task::Task;
use concur::verify::walk;
use concur::workload::Workload;
use concur::workload::{self, primes, sum_squares, uneven};

fn config(workers: usize) -> ModelConfig {
    ModelConfig {
        worker_exe: Some(PathBuf::from(env!("CARGO_BIN_EXE_concur"))),
        ..ModelConfig::new(workers)
    }
}

#[test]
fn every_cell_gives_the_known_answer() {
    // The same walk `concur verify` prints, at W = 1 and 3.
    let server = MockServer::start(MockSpec::new(5)).expect("mock server");
    let exe = Some(PathBuf::from(env!("CARGO_BIN_EXE_concur")));
    let mut cells = 0;
    walk(&[1, 3], &server.uri(), 5, exe, |checked| {
        cells += 1;
        let cell = checked.name();
        if let Some(problem) = checked.problem() {
            panic!("{cell}: {problem}");
        }
        let Ok(record) = checked.outcome else {
            unreachable!("no problem means a record");
        };
        assert_eq!(record.answer.as_deref(), Some(record.expected.as_str()));
        assert_eq!(record.failed_tasks, 0, "{cell}");
        // Every model's run says what CPU time and context switches it took.
        assert_eq!(record.usage.is_some(), cfg!(unix), "{cell}: usage");
        let mut seen: Vec<usize> = record.timeline.iter().map(|s| s.task).collect();
        seen.sort_unstable();
        assert_eq!(seen, (0..record.tasks).collect::<Vec<_>>(), "{cell}: spans");
        std::ops::ControlFlow::Continue(())
    });
    assert_eq!(cells, 2 * workload::all().len() * model::all().len());
}

#[test]
fn pool_lanes_stay_within_its_workers() {
    let w = workload::by_name("uneven").unwrap();
    let mut cell = Prepared::start(
        w,
        model::by_name("pool").unwrap(),
        w.params(Some(200_000)).unwrap(),
        &config(2),
    )
    .unwrap();
    let record = cell.run();
    assert!(record.timeline.iter().all(|s| s.lane < 2), "{record:?}");
}

#[test]
fn kernels_answers_change_with_their_input() {
    // If LLVM had folded a kernel into a constant or ignored its input, these would not all
    // match the independent formulas.
    let mut last = 0;
    for n in [1_000u64, 2_000, 4_001, 77_777] {
        let s = kernel::sum_squares(0, n);
        assert_eq!(s, sum_squares::formula(n), "n = {n}");
        assert!(s > last);
        last = s;
        assert_eq!(kernel::sum_to(n), uneven::triangle(n));
    }
    assert_eq!(kernel::sum_squares(10, 13), 100 + 121 + 144);
    assert!(kernel::is_prime(1_000_003));
    assert!(!kernel::is_prime(1_000_001));
}

#[test]
fn fixture_primality_agrees_with_miller_rabin() {
    // The expected answers come from fixtures/primes.json; check them with an independent
    // algorithm (deterministic Miller–Rabin for 64-bit numbers), not with our own kernel.
    let plan = primes::PRIMES
        .plan(&concur::workload::Params { size: 6, io: None })
        .unwrap();
    let flags: Vec<bool> = plan
        .tasks
        .iter()
        .map(|t| match t {
            Task::IsPrime { n } => miller_rabin(*n),
            other => panic!("unexpected task {other:?}"),
        })
        .collect();
    assert_eq!(flags, [true, true, true, true, true, false]);
    assert_eq!(plan.expected.0, "5 of 6 prime; composite: #5");
}

fn miller_rabin(n: u64) -> bool {
    fn pow_mod(mut b: u128, mut e: u64, m: u128) -> u128 {
        let mut r = 1;
        b %= m;
        while e > 0 {
            if e & 1 == 1 {
                r = r * b % m;
            }
            b = b * b % m;
            e >>= 1;
        }
        r
    }
    if n < 2 {
        return false;
    }
    let (mut d, mut s) = (n - 1, 0);
    while d % 2 == 0 {
        d /= 2;
        s += 1;
    }
    'witness: for a in [2u64, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37] {
        if a % n == 0 {
            continue;
        }
        let m = n as u128;
        let mut x = pow_mod(a as u128, d, m);
        if x == 1 || x == m - 1 {
            continue;
        }
        for _ in 1..s {
            x = x * x % m;
            if x == m - 1 {
                continue 'witness;
            }
        }
        return false;
    }
    true
}
