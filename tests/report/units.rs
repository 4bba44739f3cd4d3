//! "What one unit costs": rendered from `results.units` alone, with ours beside the published
//! figures, the ratios between units, the memory chart and where each climb ended; absent
//! when no unit bench ran; kept through a rerender from `results.json`.

use std::fs;

use concur::ideal::Stat;
use concur::model::Runs;
use concur::report;
use concur::unit::fit::Line;
use concur::unit::published;
use concur::unit::record::{UnitCosts, UnitMemory, UnitTime};
use concur::unit::sleepers::Failure;

use super::fixture::{empty_results, registry_models};
use super::page::render;

fn time(probe: &str, who: &str, runs: Option<Runs>, per_unit_s: f64) -> UnitTime {
    UnitTime {
        probe: probe.into(),
        who: who.into(),
        runs,
        unit: if probe == "spawn" { "task" } else { "switch" }.into(),
        units: 1000,
        per_unit: Stat::new(per_unit_s, per_unit_s * 0.9, per_unit_s * 1.1),
        setup_s: 0.001,
        ok: true,
        errors: Vec::new(),
    }
}

fn costs() -> UnitCosts {
    let line = |slope: f64| Line {
        slope,
        intercept: 5e6,
        points: 3,
    };
    let mut c = UnitCosts {
        machine: "Test CPU, 2 cores".into(),
        times: vec![
            time("spawn", "threads", Some(Runs::ThreadPerTask), 20e-6),
            time("spawn", "async", Some(Runs::EventLoop), 2e-6),
            time("pingpong", "threads", None, 4e-6),
            time("pingpong", "tasks-one-thread", None, 0.1e-6),
        ],
        memory: vec![
            UnitMemory {
                model: "async".into(),
                runs: Runs::EventLoop,
                points: vec![(100, 5_300_000), (400, 6_200_000), (1600, 9_800_000)],
                fit: Some(line(3000.0)),
                fails_at: None,
                stopped: Some("not reached up to N=1600 (--size 1600)".into()),
                ok: true,
            },
            UnitMemory {
                model: "threads".into(),
                runs: Runs::ThreadPerTask,
                points: vec![(100, 6_000_000), (400, 9_000_000), (1600, 21_000_000)],
                fit: Some(line(12_000.0)),
                fails_at: Some(Failure {
                    units: 6400,
                    reason: "the OS refused thread 5001 of 6400: Resource temporarily unavailable"
                        .into(),
                }),
                stopped: None,
                ok: true,
            },
        ],
        beside: Vec::new(),
    };
    c.beside = published::beside(&c.ours());
    c
}

#[test]
fn the_section_puts_ours_beside_the_published_figures() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let mut r = empty_results(registry_models());
    r.units = Some(costs());
    let html = render(&r, tmp.path());
    assert!(html.contains("id=\"units\"") && html.contains("What one unit costs"));
    assert!(html.contains("Test CPU, 2 cores"), "ours named");
    assert!(
        html.contains("costs 10× an async task"),
        "thread ÷ task from declared runs"
    );
    assert!(html.contains("holds 4.00× the memory"), "12000 B ÷ 3000 B");
    assert!(
        html.contains("costs 40× one between two tasks"),
        "4 µs ÷ 0.1 µs"
    );
    assert!(html.contains("jimblandy/context-switch"));
    assert!(html.contains("as quoted in issue 10; not checked"));
    assert!(
        html.contains("not stated"),
        "their machine, as the source states it"
    );
    assert!(html.contains("fails at N=6400: the OS refused thread 5001"));
    assert!(html.contains("11.7 KiB"), "the threads' slope");
    assert!(tmp.path().join("chart-unit-memory.svg").is_file());
    let svg = fs::read_to_string(tmp.path().join("chart-unit-memory.svg")).unwrap();
    assert!(
        svg.contains("threads: 11.7 KiB per unit"),
        "the legend gives each slope"
    );
}

#[test]
fn no_unit_bench_no_section_and_a_rerender_keeps_it() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let mut r = empty_results(registry_models());
    let html = render(&r, &tmp.path().join("none"));
    assert!(!html.contains("id=\"units\""));
    let text = fs::read_to_string(tmp.path().join("none").join("results.json")).unwrap();
    assert!(
        !text.contains("\"units\""),
        "an absent section writes no field"
    );

    r.units = Some(costs());
    let dir = tmp.path().join("kept");
    render(&r, &dir);
    fs::remove_file(dir.join("index.html")).unwrap();
    let page = report::rerender(&dir).expect("rerender");
    let html = fs::read_to_string(page).unwrap();
    assert!(html.contains("What one unit costs") && html.contains("fails at N=6400"));
}
