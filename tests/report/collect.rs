//! "Results as they arrive" on the page: a block per workload measured both ways, its chart
//! (a line per model and collect mode), its sentences with the recorded numbers, and each row's
//! delivery; the section's timeline of one run per model leaves these cells to their block.

use std::fs;

use concur::format::time;
use concur::identity::{Comparison, Varied};
use concur::model::Collect;
use concur::results::{Cell, Results};

use crate::fixture::realistic;
use crate::page::{notice, render, row, section};

fn collected<'a>(r: &'a Results, workload: &str, model: &str, mode: Collect) -> &'a Cell {
    r.cells
        .iter()
        .find(|c| {
            c.id.workload == workload
                && c.id.comparison == Comparison::Collect
                && c.id.model == model
                && c.id.varied == Varied::Collect(mode)
        })
        .unwrap_or_else(|| panic!("no collect cell {workload} {model} {mode}"))
}

#[test]
fn results_as_they_arrive_are_on_the_page() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let r = realistic();
    let html = render(&r, tmp.path());
    let blocks = [
        ("uneven", &["sequential", "pool", "async-mt"][..]),
        ("api", &["threads", "async"][..]),
    ];
    for (workload, models) in blocks {
        let s = section(&html, workload);
        assert!(
            s.contains(&format!("id=\"{workload}-collect\""))
                && s.contains("Results as they arrive"),
            "{workload}"
        );
        let chart = format!("chart-{workload}-collect.svg");
        assert!(html.contains(&format!("src=\"{chart}\"")), "{chart}");
        let svg = fs::read_to_string(tmp.path().join(&chart)).expect("svg");
        for m in models {
            for mode in ["ordered", "as completed"] {
                assert!(
                    svg.contains(&format!("{m} · {mode}")),
                    "{chart}: {m} · {mode}"
                );
            }
        }
        // The section's own timeline draws each model once, from its model comparison.
        let timeline =
            fs::read_to_string(tmp.path().join(format!("chart-{workload}-timeline.svg")))
                .expect("timeline");
        assert!(!timeline.contains("· ordered") && !timeline.contains("· as completed"));
    }

    // The pool's first result: task #1 as completed, task #0 in order, with the recorded times.
    let (o, c) = (
        collected(&r, "uneven", "pool", Collect::Ordered),
        collected(&r, "uneven", "pool", Collect::AsCompleted),
    );
    let (od, cd) = (
        o.delivery.expect("ordered"),
        c.delivery.expect("as completed"),
    );
    assert!(cd.first_s < od.first_s && od.max_wait_s > cd.max_wait_s);
    let n = notice(&html, "uneven-collect");
    let pool = format!(
        "pool (a thread pool), collected as completed, handed over task #1 first, after {}; in \
         submission order the first result was task #0&#39;s, after {}",
        time(cd.first_s),
        time(od.first_s)
    );
    assert!(n.contains(&pool), "{n}");
    assert!(n.contains(&format!(
        "up to {} behind an earlier task",
        time(od.max_wait_s)
    )));
    assert!(n.contains("sequential (in turn) finished its tasks in the order they were submitted"));
    assert!(n.contains("does not change the work"), "{n}");
    // Each row says when its results were delivered.
    let tr = row(&html, &o.id);
    assert!(
        tr.contains(&format!("first {} (#0)", time(od.first_s))),
        "{tr}"
    );
    assert!(tr.contains(&format!("{} max", time(od.max_wait_s))), "{tr}");
    assert!(tr.contains("data-label=\"delivered\""), "{tr}");
}
