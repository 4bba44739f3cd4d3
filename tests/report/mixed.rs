//! The report's newer parts, on the realistic fixture: the `mixed` section with its latency
//! chart, table column and sentences; the tutorials' own settings beside their figures; the IO
//! sweep of W that keeps scaling past the cores; and a schema-2 file that still renders.

use std::fs;

use concur::identity::Comparison;
use concur::latency::IoLatency;
use concur::report;

use super::fixture::{mixed::API_NOTE, realistic};
use super::page::{find, notice, render, row, section};

#[test]
fn the_mixed_section_shows_each_models_latency_against_the_delay() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let r = realistic();
    let html = render(&r, tmp.path());
    let (crowd, mixed) = (
        html.find("<section id=\"crowd\"").expect("crowd"),
        html.find("<section id=\"mixed\"").expect("mixed"),
    );
    assert!(crowd < mixed, "mixed comes after the IO workloads");
    let s = section(&html, "mixed");
    assert!(s.contains("IO and CPU") && s.contains("src=\"chart-mixed-latency.svg\""));
    let svg = fs::read_to_string(tmp.path().join("chart-mixed-latency.svg")).expect("chart");
    assert!(
        svg.contains("server delay (20.0 ms)"),
        "the delay line is named"
    );
    assert!(
        svg.contains("p50 60.0 ms · p95 100 ms · max 100 ms"),
        "async's numbers"
    );
    let n = notice(&html, "mixed-models");
    assert!(
        n.contains("the server&#39;s delay was 20.0 ms and one CPU task took 21.0 ms in turn"),
        "{n}"
    );
    assert!(
        n.contains("every CPU task stalls every waiting request")
            && n.contains("async p95 100 ms (80.0 ms over the delay, about 3.8 CPU tasks"),
        "{n}"
    );
    assert!(
        n.contains("An event loop on W threads stalls some requests"),
        "{n}"
    );
    assert!(
        n.contains("keeps a waiting request off the thread that computes")
            && n.contains("async-blocking p95 20.8 ms (4% over the delay"),
        "{n}"
    );
    assert!(
        n.contains("Threads and a pool behave as the OS schedules them"),
        "{n}"
    );
    let asy = row(&html, &find(&r, "mixed", Comparison::Models, "async").id);
    assert!(
        asy.contains(">100 ms <span class=\"sub\">p50 60.0 ms · max 100 ms"),
        "{asy}"
    );
    assert!(asy.contains("cores (lower bound)"), "{asy}");
    let seq = row(
        &html,
        &find(&r, "mixed", Comparison::Models, "sequential").id,
    );
    assert!(seq.contains("server delay + CPU"), "{seq}");
    // Only blocks with latency statistics get the column.
    assert!(!section(&html, "sites").contains("IO p95"));
}

#[test]
fn the_tutorials_settings_sit_beside_their_figures() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let html = render(&realistic(), tmp.path());
    assert!(section(&html, "api").contains("id=\"api-tutorial\""));
    let n = notice(&html, "api-tutorial");
    assert!(
        n.contains("pool (a thread pool, W=5, batches of 10) took 260 ms:")
            && n.contains("faster than sequential running them in turn"),
        "{n}"
    );
    assert!(
        n.contains(API_NOTE),
        "the bench's note on the tutorial: {n}"
    );
    assert!(notice(&html, "fanout-tutorial").contains("pool (a thread pool, W=6) took 61.2 ms"));
    for chart in ["chart-api-tutorial.svg", "chart-api-tutorial-timeline.svg"] {
        assert!(tmp.path().join(chart).is_file(), "{chart}");
    }
}

#[test]
fn an_io_sweep_keeps_scaling_past_the_cores_and_a_cpu_sweep_does_not() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let html = render(&realistic(), tmp.path());
    let io = notice(&html, "sites-scaling");
    assert!(
        io.contains("keeps growing past W=2")
            && io.contains("IO wants as many workers as requests in flight")
            && io.contains("pool reached 20× at W=20, 10× the cores"),
        "{io}"
    );
    let cpu = notice(&html, "sum-squares-scaling");
    assert!(cpu.contains("past W=2 more workers only take turns") && !cpu.contains("IO wants"));
}

#[test]
fn a_schema_2_file_still_renders_and_an_impossible_latency_is_refused() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let mut r = realistic();
    r.schema = 2;
    for c in &mut r.cells {
        c.io_latency = None;
    }
    report::write(&r, tmp.path()).expect("a schema-2 file is read");
    report::rerender(tmp.path()).expect("and rendered again");
    let mut bad = realistic();
    let c = bad
        .cells
        .iter_mut()
        .find(|c| c.io_latency.is_some())
        .expect("a cell with latency");
    c.io_latency = Some(IoLatency {
        p95_s: f64::INFINITY,
        ..c.io_latency.expect("latency")
    });
    let e = report::write(&bad, &tmp.path().join("bad")).expect_err("refused");
    assert!(format!("{e:#}").contains("impossible IO latency"), "{e:#}");
}
