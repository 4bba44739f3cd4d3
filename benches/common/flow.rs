//! The crawl's cells: stages joined by queues (`concur::pipeline`), not a table's tasks. The
//! in-turn baseline, then each shape (two-phase, fused, pipelined) under each flavour
//! (threads, async, processes) against a mock whose delay makes a fetch cost about a parse,
//! then the queue lesson: pipelined threads with the fetchers outrunning the parsers (no
//! delay, pages of 1 MiB), a bounded queue against an unbounded one.
//!
//! Each flavour starts once per cell (setup, untimed); a cell runs once to warm up and once
//! to be checked and recorded, then criterion times the runs themselves (`iter_custom` over
//! each run's own wall time, so the peak-memory and census bookkeeping around a run is not
//! in it), every timed run checked too. The in-turn cell also records its own fetch and parse
//! costs, which the report scales to its estimate for every cell's ideal.

use std::hint::black_box;
use std::path::PathBuf;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, SamplingMode};

use concur::identity::FlowPoint;
use concur::mock::{MockSpec, Server};
use concur::pipeline::compare::{self, PAGE_BYTES};
use concur::pipeline::ideal::Costs;
use concur::pipeline::queue::Cap;
use concur::pipeline::record::FlowCell;
use concur::pipeline::{Crawler, Flavour, Setup, Shape, FETCHERS, PARSERS};

use super::filter::Filter;

/// Pages per run: fewer than the tutorial's 50, so every cell fits the bench's time.
const PAGES: usize = 16;
/// Pages of the queue lesson are larger, so the pages an unbounded queue piles up show in
/// the peak memory beside what the allocator keeps anyway.
const LESSON_PAGE_BYTES: usize = 1 << 20;
/// The pipelined shape's queue.
const QUEUE: Cap = compare::QUEUE;

/// Every crawl cell criterion's filter selects, measured.
pub fn crawl(c: &mut Criterion, filter: &Filter, exe: &std::path::Path) -> Vec<FlowCell> {
    let mut cells = Vec::new();
    let wanted = |point: FlowPoint| {
        let key = FlowCell::id_of(point).bench_key();
        filter.selects(&format!("{}/{}/{}", key.group, key.function, key.value))
    };
    let mut points: Vec<(FlowPoint, u64)> = Vec::new();
    let point = |shape, flavour, queue, fast_fetchers| FlowPoint {
        shape,
        flavour,
        queue,
        fast_fetchers,
    };
    points.push((
        point(Shape::InTurn, Flavour::Threads, None, false),
        compare::DELAY_MS,
    ));
    for flavour in Flavour::ALL {
        for shape in [Shape::TwoPhase, Shape::Fused, Shape::Pipelined] {
            let queue = (shape == Shape::Pipelined).then_some(QUEUE);
            points.push((point(shape, flavour, queue, false), compare::DELAY_MS));
        }
    }
    for queue in [QUEUE, Cap::Unbounded] {
        points.push((
            point(Shape::Pipelined, Flavour::Threads, Some(queue), true),
            0,
        ));
    }
    points.retain(|(p, _)| wanted(*p));
    if points.is_empty() {
        return cells;
    }
    let mut servers = Vec::new();
    for delay in [compare::DELAY_MS, 0] {
        match Server::spawn(exe, MockSpec::new(delay)) {
            Ok(server) => servers.push((delay, server)),
            Err(e) => {
                eprintln!("concur: crawl not run: {e}");
                return cells;
            }
        }
    }
    let mut group = c.benchmark_group("crawl");
    group
        .sampling_mode(SamplingMode::Flat)
        .sample_size(10)
        .warm_up_time(Duration::from_millis(200))
        .measurement_time(Duration::from_secs(1))
        .nresamples(10_000);
    for (point, delay) in points {
        let Some((_, server)) = servers.iter().find(|(d, _)| *d == delay) else {
            continue;
        };
        let page_bytes = match point.fast_fetchers {
            true => LESSON_PAGE_BYTES,
            false => PAGE_BYTES,
        };
        let setup = Setup {
            pages: PAGES,
            page_bytes,
            base_url: server.uri().to_string(),
            timeout_ms: 30_000,
            fetchers: FETCHERS,
            parsers: PARSERS,
            queue: point.queue.unwrap_or(QUEUE),
            worker_exe: Some(PathBuf::from(exe)),
        };
        let mut crawler = match Crawler::start(point.flavour, setup) {
            Ok(crawler) => crawler,
            Err(e) => {
                eprintln!("{}: FAILED to start: {e}", FlowCell::id_of(point));
                continue;
            }
        };
        let _ = crawler.run(point.shape);
        let (runs, mid) = compare::measure(
            &mut crawler,
            point.shape,
            1 + 2 * usize::from(point.shape == Shape::InTurn),
        );
        let checked = &runs[mid];
        let mut cell = FlowCell::of(checked, point, PAGES, page_bytes, delay);
        cell.ok = runs.iter().all(|r| r.ok);
        if point.shape == Shape::InTurn {
            cell.costs = Costs::of_run(checked, PAGES);
        }
        if cell.ok {
            let mut failed = 0usize;
            let key = cell.id.bench_key();
            group.bench_function(BenchmarkId::new(key.function, key.value), |b| {
                b.iter_custom(|iters| {
                    let mut total = Duration::ZERO;
                    for _ in 0..iters {
                        let run = black_box(crawler.run(point.shape));
                        failed += usize::from(!run.ok);
                        total += Duration::from_secs_f64(run.wall_s);
                    }
                    total
                })
            });
            if failed > 0 {
                cell.ok = false;
                cell.errors
                    .push(format!("{failed} timed runs failed: the time is not shown"));
            }
        } else {
            eprintln!("{}: FAILED, not timed: {}", cell.id, cell.errors.join("; "));
        }
        cells.push(cell);
    }
    group.finish();
    cells
}
