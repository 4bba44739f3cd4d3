//! After a cell is dropped, every thread and process its model started is gone: alone in its
//! own test binary, so no other test's threads are counted.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use concur::mock::{MockServer, MockSpec};
use concur::model::{self, ModelConfig};
use concur::run::Prepared;
use concur::workload::{self, IoParams};

fn threads() -> usize {
    std::fs::read_dir("/proc/self/task").map_or(0, |d| d.count())
}

fn children() -> usize {
    let me = std::process::id().to_string();
    std::fs::read_dir("/proc")
        .into_iter()
        .flatten()
        .filter_map(|e| e.ok())
        .filter_map(|e| std::fs::read_to_string(e.path().join("stat")).ok())
        .filter(|stat| {
            // pid (comm) state ppid …: the field after the closing parenthesis and the state.
            stat.rsplit_once(") ")
                .and_then(|(_, rest)| rest.split_whitespace().nth(1))
                == Some(me.as_str())
        })
        .count()
}

/// Threads of a dropped rayon pool exit on their own shortly after: wait for them, bounded.
fn settles_to(expected: usize) -> usize {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let now = threads();
        if now <= expected || Instant::now() > deadline {
            return now;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn models_leave_no_thread_or_process_behind_even_when_requests_fail() {
    let server = MockServer::start(MockSpec {
        fail_rate: 0.5,
        ..MockSpec::new(1)
    })
    .unwrap();
    let before_threads = threads();
    let before_children = children();
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
                children(),
                before_children,
                "{w} × {}: worker left",
                m.name()
            );
            assert_eq!(
                settles_to(before_threads),
                before_threads,
                "{w} × {}: threads left",
                m.name()
            );
        }
    }
}
