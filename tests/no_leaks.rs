//! After a cell is dropped, every thread and process its model started is gone: alone in its
//! own test binary, so no other test's threads are counted.

use std::path::PathBuf;

use concur::mock::{MockServer, MockSpec};
use concur::model::{self, ModelConfig};
use concur::run::Prepared;
use concur::workload::{self, IoParams};

mod support;

#[test]
fn models_leave_no_thread_or_process_behind_even_when_requests_fail() {
    let server = MockServer::start(MockSpec {
        fail_rate: 0.5,
        ..MockSpec::new(1)
    })
    .unwrap();
    let before_threads = support::threads();
    let before_children = support::children_of(std::process::id()).len();
    for w in ["sites", "primes"] {
        let workload = workload::by_name(w).unwrap();
        let mut params = workload.params(Some(workload.sizes().small)).unwrap();
        params.io = Some(IoParams {
            base_url: server.uri(),
            delay_ms: 1,
            timeout_ms: 5_000,
        });
        for m in model::all() {
            let config = ModelConfig {
                worker_exe: Some(PathBuf::from(env!("CARGO_BIN_EXE_concur"))),
                ..ModelConfig::new(3)
            };
            let mut cell = Prepared::start(workload, m, params.clone(), &config).unwrap();
            cell.run();
            drop(cell);
            assert_eq!(
                support::children_of(std::process::id()).len(),
                before_children,
                "{w} × {}: worker left",
                m.name()
            );
            assert_eq!(
                support::threads_settle_to(before_threads),
                before_threads,
                "{w} × {}: threads left",
                m.name()
            );
        }
    }
}
