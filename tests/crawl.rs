//! The crawl's pipelines: the known answer under every shape × flavour, every page parsed
//! exactly once, a bounded queue never above its cap, two-phase parsing nothing before every
//! page is fetched, what each run creates, a dead server failing the run in time, and
//! `concur run crawl` printing a checked row for each (shape, flavour). No timings.

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::Duration;

use concur::mock::{MockServer, MockSpec};
use concur::pipeline::queue::Cap;
use concur::pipeline::{Crawler, Flavour, PipelineRun, Setup, Shape, Stage};

mod support;

/// One test at a time: the census counts the whole process.
static SERIAL: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn serial() -> std::sync::MutexGuard<'static, ()> {
    SERIAL.lock().unwrap_or_else(|e| e.into_inner())
}

fn setup(base_url: String, queue: Cap) -> Setup {
    Setup {
        pages: 12,
        page_bytes: 20_000,
        base_url,
        timeout_ms: 5_000,
        fetchers: 3,
        parsers: 2,
        queue,
        worker_exe: Some(PathBuf::from(support::CONCUR)),
    }
}

/// How many times each page went through the stages that parse.
fn parsed_per_page(run: &PipelineRun, pages: usize) -> Vec<usize> {
    let mut times = vec![0; pages];
    for span in &run.spans {
        if matches!(span.stage, Stage::Parse | Stage::Both) {
            times[span.page] += 1;
        }
    }
    times
}

#[test]
fn every_shape_under_every_flavour_parses_each_page_once_into_the_known_answer() {
    let _serial = serial();
    let server = MockServer::start(MockSpec::new(1)).unwrap();
    for flavour in Flavour::ALL {
        let mut crawler = Crawler::start(flavour, setup(server.uri(), Cap::Bounded(2))).unwrap();
        for shape in Shape::ALL {
            let run = crawler.run(shape);
            let cell = format!("{} × {}", shape.name(), flavour.name());
            assert!(run.ok, "{cell}: {:?}", run.errors);
            assert_eq!(run.answer, Some(run.expected), "{cell}");
            assert_eq!(parsed_per_page(&run, 12), vec![1; 12], "{cell}");
            let fetches = run.spans.iter().filter(|s| s.stage == Stage::Fetch).count();
            let fused = shape == Shape::Fused;
            assert_eq!(fetches, if fused { 0 } else { 12 }, "{cell}");
            assert!(run
                .spans
                .iter()
                .all(|s| s.start_s <= s.end_s && s.end_s <= run.wall_s));
            match shape {
                Shape::TwoPhase => {
                    let last_fetch = run.spans.iter().filter(|s| s.stage == Stage::Fetch);
                    let last_fetch = last_fetch.map(|s| s.end_s).fold(0.0, f64::max);
                    let first_parse = run.spans.iter().filter(|s| s.stage == Stage::Parse);
                    let first_parse = first_parse.map(|s| s.start_s).fold(f64::MAX, f64::min);
                    assert!(first_parse >= last_fetch, "{cell}: a parse began mid-fetch");
                    assert_eq!(run.peak_depth, Some(12), "{cell}: every page held at once");
                }
                Shape::Pipelined => assert!(run.peak_depth.unwrap() <= 2, "{cell}"),
                _ => assert_eq!(run.peak_depth, None, "{cell}"),
            }
            // Every push and every pop left one sample.
            let queued = matches!(shape, Shape::TwoPhase | Shape::Pipelined);
            assert_eq!(run.depth.len(), if queued { 24 } else { 0 }, "{cell}");
        }
    }
}

#[test]
fn a_bounded_queue_never_holds_more_than_its_cap_and_an_unbounded_one_may() {
    let _serial = serial();
    let server = MockServer::start(MockSpec::new(0)).unwrap();
    for cap in [1, 3] {
        for flavour in [Flavour::Threads, Flavour::Async] {
            let mut crawler =
                Crawler::start(flavour, setup(server.uri(), Cap::Bounded(cap))).unwrap();
            let run = crawler.run(Shape::Pipelined);
            assert!(run.ok, "{:?}", run.errors);
            let over = run.depth.iter().filter(|d| d.depth > cap).count();
            assert_eq!(over, 0, "{} with a queue of {cap}", flavour.name());
            assert_eq!(run.queue, Some(Cap::Bounded(cap)));
        }
    }
    let mut crawler =
        Crawler::start(Flavour::Threads, setup(server.uri(), Cap::Unbounded)).unwrap();
    let run = crawler.run(Shape::Pipelined);
    assert!(run.ok, "{:?}", run.errors);
    assert!(run.depth.iter().all(|d| d.depth <= 12));
}

#[test]
fn the_census_counts_what_each_flavour_creates_per_run() {
    let _serial = serial();
    if !concur::census::counts_threads() {
        return;
    }
    let server = MockServer::start(MockSpec::new(0)).unwrap();
    let mut threads =
        Crawler::start(Flavour::Threads, setup(server.uri(), Cap::Bounded(2))).unwrap();
    let run = threads.run(Shape::Pipelined);
    assert_eq!(run.census.threads, 5, "3 fetchers and 2 parsers");
    let mut tasks = Crawler::start(Flavour::Async, setup(server.uri(), Cap::Bounded(2))).unwrap();
    let run = tasks.run(Shape::Fused);
    assert_eq!(
        run.census.threads, 0,
        "the runtime's workers started at setup"
    );
    assert!(
        run.census.tasks >= 5,
        "5 workers, and a task per new connection"
    );
    let mut processes =
        Crawler::start(Flavour::Processes, setup(server.uri(), Cap::Bounded(2))).unwrap();
    let run = processes.run(Shape::Pipelined);
    assert!(run.ok, "{:?}", run.errors);
    assert_eq!(run.census.processes, 0, "the workers started at setup");
    // 3 fetchers, 2 parsers, and the `process` executor's feeder per page sent.
    assert_eq!(run.census.threads, 5 + 12);
}

#[test]
fn a_server_gone_fails_every_shape_in_time_and_failures_are_named() {
    let _serial = serial();
    let server = MockServer::start(MockSpec::new(0)).unwrap();
    let uri = server.uri();
    drop(server);
    for flavour in Flavour::ALL {
        let mut crawler = Crawler::start(flavour, setup(uri.clone(), Cap::Bounded(1))).unwrap();
        for shape in Shape::ALL {
            let run = crawler.run(shape);
            assert!(!run.ok && run.answer.is_none(), "{}", shape.name());
            assert!(
                run.errors
                    .iter()
                    .any(|e| e.contains("12 of 12 pages never parsed")),
                "{:?}",
                run.errors
            );
        }
    }
    let flaky = MockServer::start(MockSpec {
        fail_rate: 0.25,
        ..MockSpec::new(0)
    })
    .unwrap();
    let mut crawler =
        Crawler::start(Flavour::Threads, setup(flaky.uri(), Cap::Bounded(1))).unwrap();
    let run = crawler.run(Shape::Pipelined);
    assert!(!run.ok);
    assert!(
        run.errors.iter().any(|e| e.contains("503")),
        "{:?}",
        run.errors
    );
    assert!(run
        .errors
        .iter()
        .any(|e| e.contains("3 of 12 pages never parsed")));
}

#[test]
fn concur_run_crawl_prints_a_checked_row_for_every_shape_and_flavour() {
    let _serial = serial();
    let child = Command::new(support::CONCUR)
        .args([
            "run", "crawl", "--size", "6", "--repeat", "1", "--queue", "1",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let done = support::finish(child, Duration::from_secs(60), "concur run crawl");
    assert!(done.status.success(), "{}{}", done.stdout, done.stderr);
    let rows: Vec<&str> = done
        .stdout
        .lines()
        .filter(|l| l.contains(" ok ("))
        .collect();
    // The baseline, 3 shapes × 3 flavours, and the queue lesson's two.
    assert_eq!(rows.len(), 12, "{}", done.stdout);
    assert!(done
        .stdout
        .contains("pipelined is faster than two-phase by: threads"));
    assert!(done.stdout.contains("queue of 1"), "{}", done.stdout);
    assert!(done.stdout.contains("unbounded queue"));
}
