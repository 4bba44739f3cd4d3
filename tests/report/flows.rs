//! "How work flows": the crawl's section from `results.flows`, joined with estimates as the
//! bench's would be: both blocks and charts, pipelined against two-phase computed from the
//! cells, where a bounded queue filled, what the unbounded queue held, a failed cell named,
//! and an impossible number refused on read.

use std::collections::HashMap;

use concur::census::Census;
use concur::crawl_page::Counts;
use concur::ideal::Stat;
use concur::identity::FlowPoint;
use concur::pipeline::ideal::Costs;
use concur::pipeline::queue::{Cap, Depth};
use concur::pipeline::record::{join, FlowCell};
use concur::pipeline::{Flavour, Shape};
use concur::results::Results;

use super::fixture::{empty_results, registry_models};
use super::page::{notice, render, section};

fn cell(shape: Shape, flavour: Flavour, queue: Option<Cap>, fast: bool) -> FlowCell {
    let point = FlowPoint {
        shape,
        flavour,
        queue,
        fast_fetchers: fast,
    };
    let counts = Counts {
        links: 10,
        words: 100,
    };
    FlowCell {
        id: FlowCell::id_of(point),
        point,
        pages: 4,
        page_bytes: 1 << 20,
        delay_ms: if fast { 0 } else { 2 },
        fetchers: 3,
        parsers: 2,
        cores: 2,
        ok: true,
        answer: Some(counts),
        expected: counts,
        errors: Vec::new(),
        setup_s: 0.01,
        peak_depth: None,
        peak_rss_bytes: Some(20 << 20),
        census: Census::default(),
        depth: Vec::new(),
        costs: None,
        time: None,
        ideal_s: None,
        speedup: None,
        efficiency: None,
        anomaly: false,
    }
}

fn depths(values: &[usize]) -> Vec<Depth> {
    values
        .iter()
        .enumerate()
        .map(|(i, &depth)| Depth {
            t_s: i as f64 * 0.01,
            depth,
        })
        .collect()
}

/// A crawl: in turn 1 s (4 pages, 0.15 s fetch + 0.1 s parse each), two-phase 0.4 s,
/// pipelined 0.2 s under threads; async's pipelined failed; the queue lesson.
fn crawl() -> Results {
    let mut base = cell(Shape::InTurn, Flavour::Threads, None, false);
    base.costs = Some(Costs {
        fetch_s: vec![0.15; 4],
        parse_s: vec![0.1; 4],
    });
    let mut two = cell(Shape::TwoPhase, Flavour::Threads, None, false);
    two.peak_depth = Some(4);
    two.depth = depths(&[1, 2, 3, 4, 3, 2, 1, 0]);
    let mut piped = cell(
        Shape::Pipelined,
        Flavour::Threads,
        Some(Cap::Bounded(2)),
        false,
    );
    piped.peak_depth = Some(2);
    piped.depth = depths(&[1, 2, 1, 2, 2, 1, 2, 1, 0]);
    let mut broken = cell(
        Shape::Pipelined,
        Flavour::Async,
        Some(Cap::Bounded(2)),
        false,
    );
    broken.ok = false;
    broken.answer = None;
    broken.errors = vec!["4 of 4 pages never parsed".into()];
    let mut bounded = cell(
        Shape::Pipelined,
        Flavour::Threads,
        Some(Cap::Bounded(2)),
        true,
    );
    bounded.peak_depth = Some(2);
    bounded.depth = depths(&[1, 2, 1, 0]);
    let mut unbounded = cell(
        Shape::Pipelined,
        Flavour::Threads,
        Some(Cap::Unbounded),
        true,
    );
    unbounded.peak_depth = Some(4);
    unbounded.peak_rss_bytes = Some(60 << 20);
    unbounded.depth = depths(&[1, 2, 3, 4, 3, 2, 1, 0]);
    let cells = vec![base, two, piped, broken, bounded, unbounded];
    let mean = |c: &FlowCell| match (c.point.shape, c.point.fast_fetchers) {
        (Shape::InTurn, _) => 1.0,
        (Shape::TwoPhase, _) => 0.4,
        (_, false) => 0.2,
        (_, true) => 0.1,
    };
    let estimates: HashMap<_, _> = cells
        .iter()
        .map(|c| {
            let m = mean(c);
            (
                c.id.bench_key(),
                Ok(Stat::new(m, m * 0.95, m * 1.05).unwrap()),
            )
        })
        .collect();
    Results {
        flows: join(cells, &estimates),
        ..empty_results(registry_models())
    }
}

#[test]
fn the_crawl_section_shows_both_blocks_with_sentences_from_the_cells() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let results = crawl();
    let piped = &results.flows[2];
    // Ideal pipelined: max(fetches on 3 lanes + a parse, a fetch + parses on 2 lanes),
    // the costs scaled to the baseline's 1 s.
    assert_eq!(piped.speedup, Some(5.0));
    let ideal = piped.ideal_s.unwrap();
    assert!((ideal - 0.4 * 1.0).abs() < 1e-9, "{ideal}");
    assert!(
        piped.anomaly,
        "0.2 s beats its ideal of 0.4 s beyond its interval"
    );
    let html = render(&results, tmp.path());
    let crawl = section(&html, "crawl");
    assert!(crawl.contains("How work flows"));
    assert!(html.contains("href=\"#crawl\""), "in the navigation");
    for chart in ["chart-crawl-shapes.svg", "chart-crawl-queue.svg"] {
        assert!(crawl.contains(chart), "{chart}");
        assert!(tmp.path().join(chart).is_file(), "{chart}");
    }
    let shapes = notice(&html, "crawl-shapes");
    assert!(shapes.contains("Pipelined beat two-phase"), "{shapes}");
    assert!(shapes.contains("threads 2.00×"), "{shapes}");
    assert!(
        shapes.contains("Under threads, the queue of 2 was full after 44%"),
        "{shapes}"
    );
    assert!(shapes.contains("parsers were the slower stage"), "{shapes}");
    assert!(
        shapes.contains("pipelined · async · queue of 2 failed"),
        "{shapes}"
    );
    assert!(shapes.contains("beat the ideal"), "{shapes}");
    let queue = notice(&html, "crawl-queue");
    assert!(queue.contains("unbounded queue held 4 pages"), "{queue}");
    assert!(queue.contains("3.00× the memory"), "{queue}");
    assert!(
        queue.contains("Two-phase (threads) held 4 pages"),
        "{queue}"
    );
}

#[test]
fn results_without_crawl_cells_have_no_section_and_a_bad_one_is_refused() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let html = render(&empty_results(registry_models()), tmp.path());
    assert!(!html.contains("<section id=\"crawl\""));
    let mut results = crawl();
    let json = serde_json::to_string(&results).unwrap();
    let back: Results = serde_json::from_str(&json).unwrap();
    assert_eq!(back.flows.len(), 6);
    assert!(back.validate().is_ok());
    results.flows[1].setup_s = -1.0;
    let refused = results.validate().unwrap_err().to_string();
    assert!(refused.contains("impossible number"), "{refused}");
}
