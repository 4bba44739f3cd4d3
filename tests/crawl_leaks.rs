//! After a crawler is dropped, every thread, task runtime and worker process it started is
//! gone, whichever shape ran and whether it succeeded: alone in its own test binary, so no
//! other test's threads are counted.

use std::path::PathBuf;
use std::time::Duration;

use concur::mock::{MockServer, MockSpec};
use concur::pipeline::queue::Cap;
use concur::pipeline::{Crawler, Flavour, Setup, Shape};

mod support;

#[test]
fn crawlers_leave_no_thread_or_process_behind_even_when_pages_fail() {
    let server = MockServer::start(MockSpec {
        fail_rate: 0.5,
        ..MockSpec::new(1)
    })
    .unwrap();
    let me = std::process::id();
    let before_threads = support::threads();
    let before_children = support::children_of(me).len();
    for flavour in Flavour::ALL {
        let mut crawler = Crawler::start(
            flavour,
            Setup {
                pages: 8,
                page_bytes: 10_000,
                base_url: server.uri(),
                timeout_ms: 5_000,
                fetchers: 3,
                parsers: 2,
                queue: Cap::Bounded(1),
                worker_exe: Some(PathBuf::from(support::CONCUR)),
            },
        )
        .unwrap();
        for shape in Shape::ALL {
            assert!(!crawler.run(shape).ok, "half the pages fail");
        }
        drop(crawler);
        let name = flavour.name();
        assert!(
            support::eventually(Duration::from_secs(5), || {
                support::children_of(me).len() == before_children
            }),
            "{name}: a worker process left"
        );
        assert_eq!(
            support::threads_settle_to(before_threads),
            before_threads,
            "{name}: threads left"
        );
    }
}
