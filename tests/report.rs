//! The report, rendered from fake results built in the test (no bench runs): every
//! section and block is on the page, the numbers are honest (no efficiency above 100% without
//! ⚠, failed cells without speedups), models come from `results.json` alone, and files are
//! written safely (rerender never rewrites `results.json`; a bad file is one error naming it).
//!
//! The fixture is in `report/fixture.rs` (with `fixture_cpu.rs`, `fixture_io.rs` and
//! `fixture_mixed.rs`, `fixture_collect.rs`), the helpers that read the page in
//! `report/page.rs`, the tests of writing files in `report/writes.rs`, those of the mixed
//! section, the tutorials' settings and the IO sweep in `report/mixed.rs`, and those of
//! "Results as they arrive" in `report/collect.rs`, the CPU time and context switches in
//! `report/usage.rs`, the "Sharing state" section in `report/state.rs`, the crawl's "How
//! work flows" in `report/flows.rs`, "What one unit costs" in `report/units.rs`, and the models
//! as the results file declares them in `report/models.rs`.

#[path = "report/collect.rs"]
mod collect;
#[path = "report/fixture.rs"]
mod fixture;
#[path = "report/flows.rs"]
mod flows;
#[path = "report/mixed.rs"]
mod mixed;
#[path = "report/models.rs"]
mod models;
#[path = "report/page.rs"]
mod page;
#[path = "report/state.rs"]
mod state;
#[path = "report/units.rs"]
mod units;
#[path = "report/usage.rs"]
mod usage;
#[path = "report/writes.rs"]
mod writes;

use std::fs;

use concur::ideal::Bound;
use concur::identity::{Comparison, Varied};
use concur::model::Runs;
use concur::report::{self, ANOMALY_MARK, FAIL_MARK, GAP_MARK};
use concur::workload::Kind;

use fixture::{cell, empty_results, judge_all, realistic, registry_models, Spec};
use page::{find, notice, render, row, section};

#[test]
fn every_section_and_block_is_on_the_page() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let r = realistic();
    let html = render(&r, tmp.path());
    let order: Vec<usize> = [
        "primes",
        "sum-squares",
        "uneven",
        "sites",
        "api",
        "fanout",
        "crowd",
    ]
    .iter()
    .map(|s| {
        html.find(&format!("<section id=\"{s}\""))
            .unwrap_or_else(|| panic!("{s}"))
    })
    .collect();
    assert!(
        order.windows(2).all(|w| w[0] < w[1]),
        "CPU before IO, in order: {order:?}"
    );
    for id in ["summary", "models", "machine", "reproduce"] {
        assert!(html.contains(&format!("<section id=\"{id}\"")), "{id}");
    }
    let blocks = [
        ("primes", "primes-models"),
        ("primes", "primes-timeline"),
        ("sum-squares", "sum-squares-scaling"),
        ("api", "api-models"),
        ("api", "api-limits"),
        ("api", "api-timeline"),
        ("crowd", "crowd-sizes"),
        ("crowd", "crowd-timeline"),
    ];
    for (s, b) in blocks {
        assert!(
            section(&html, s).contains(&format!("id=\"{b}\"")),
            "{b} inside the {s} section"
        );
    }
    assert!(section(&html, "api").contains("Why the window wins: with batches of 5"));
    assert!(section(&html, "api").contains(
        "async: a window of 5 took 212 ms, batches of 5 took 282 ms — the window was 1.33× faster."
    ));
    for c in &r.cells {
        let tr = row(&html, &c.id);
        match c.status() {
            concur::results::Status::Failed => assert!(tr.contains(FAIL_MARK) && tr.contains('✗')),
            concur::results::Status::NoEstimate => assert!(tr.contains(GAP_MARK), "{tr}"),
            concur::results::Status::Measured => assert!(tr.contains('✓'), "{tr}"),
        }
    }
    for chart in [
        "chart-primes.svg",
        "chart-primes-timeline.svg",
        "chart-sum-squares-scaling.svg",
        "chart-api-limits.svg",
        "chart-api-limits-timeline.svg",
        "chart-crowd-sizes-time.svg",
        "chart-crowd-sizes-memory.svg",
    ] {
        assert!(tmp.path().join(chart).is_file(), "{chart}");
        assert!(
            html.contains(&format!("src=\"{chart}\"")),
            "{chart} on the page"
        );
    }
    let limits = fs::read_to_string(tmp.path().join("chart-api-limits.svg")).expect("svg");
    assert!(limits.contains("threads · window of 5") && limits.contains("threads · batches of 5"));
    assert!(
        !html.contains("http://") && !html.contains("https://"),
        "offline page"
    );
}

#[test]
fn numbers_are_honest() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let r = realistic();
    let html = render(&r, tmp.path());
    // The anomaly: its row and its section say so, with the reason.
    let odd = find(&r, "primes", Comparison::Models, "async-mt");
    let reason = odd
        .verdict
        .anomaly
        .as_deref()
        .expect("the fixture has an anomaly");
    let tr = row(&html, &odd.id);
    assert!(
        tr.contains(ANOMALY_MARK) && tr.contains(&reason[..40]),
        "{tr}"
    );
    assert!(notice(&html, "primes-models").contains(&format!("{ANOMALY_MARK} async-mt")));
    // A speedup is printed next to its ideal, and the ideal says what binds it.
    let pool = row(&html, &find(&r, "primes", Comparison::Models, "pool").id);
    assert!(
        pool.contains("2.0× <span class=\"sub\">ideal 2.0×")
            && pool.contains("91.8 ms")
            && pool.contains("cores"),
        "{pool}"
    );
    let crowd = row(
        &html,
        &r.cells
            .iter()
            .find(|c| c.id.varied == Varied::Size(10000))
            .expect("crowd")
            .id,
    );
    assert!(crowd.contains("connection setup (lower bound)"), "{crowd}");
    assert!(notice(&html, "crowd-sizes").contains("bound by connection setup"));
    // A failed row shows no speedup and no efficiency.
    let failed = row(&html, &find(&r, "uneven", Comparison::Models, "process").id);
    assert!(failed.contains(FAIL_MARK) && failed.contains("wrong answer"));
    assert!(!failed.contains('×') && !failed.contains('%'), "{failed}");
    let bars = fs::read_to_string(tmp.path().join("chart-uneven.svg")).expect("bars");
    assert!(
        bars.contains(FAIL_MARK),
        "the failed bar is marked in the chart"
    );
    // No efficiency above 100% anywhere on the page unless flagged.
    for (pct, before) in percents(&html) {
        assert!(
            pct <= 100 || before.ends_with(&format!("{ANOMALY_MARK} ")),
            "{pct}% after {before:?}"
        );
    }
    // The census of the checked run on every row.
    let asy = row(&html, &find(&r, "api", Comparison::Models, "async").id);
    assert!(
        asy.contains("0 thr") && asy.contains("50 tasks") && asy.contains("50 conn"),
        "{asy}"
    );
    let thr = row(&html, &find(&r, "sites", Comparison::Models, "threads").id);
    assert!(thr.contains("20 thr") && thr.contains("0 tasks"), "{thr}");
}

/// Every `NNN%` of the page with the few characters before it.
fn percents(html: &str) -> Vec<(u64, String)> {
    let chars: Vec<char> = html.chars().collect();
    let mut out = Vec::new();
    for (i, &c) in chars.iter().enumerate() {
        if c != '%' {
            continue;
        }
        let mut j = i;
        while j > 0 && chars[j - 1].is_ascii_digit() {
            j -= 1;
        }
        if j == i {
            continue;
        }
        let n: u64 = chars[j..i].iter().collect::<String>().parse().unwrap_or(0);
        let before: String = chars[j.saturating_sub(3)..j].iter().collect();
        out.push((n, before));
    }
    out
}

#[test]
fn within_noise_above_the_ideal_reads_about_100_percent() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let models = registry_models();
    let mut r = empty_results(models.clone());
    let spec = |m: &str, t: f64| {
        Spec::new(
            "primes",
            Kind::Cpu,
            Comparison::Models,
            m,
            Varied::Workers(2),
            8,
            Some(t),
        )
        .ideal(0.050, Bound::Cores)
    };
    let mut fast = spec("pool", 0.048);
    fast.spread = 0.06; // 48 ms ± 6%: its interval reaches the ideal, so no anomaly
    r.cells = vec![
        cell(&models, &spec("sequential", 0.1)),
        cell(&models, &fast),
    ];
    judge_all(&mut r);
    assert!(r.cells[1].verdict.efficiency.expect("eff") > 1.0);
    assert!(r.cells[1].verdict.anomaly.is_none());
    let html = render(&r, tmp.path());
    let tr = row(&html, &r.cells[1].id);
    assert!(tr.contains("≈100%") && !tr.contains("104%"), "{tr}");
    let summary = section(&html, "summary");
    assert!(summary.contains("≈100%") && !summary.contains("104%"));
}

#[test]
fn empty_results_render_and_text_is_escaped() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let html = render(&empty_results(registry_models()), &tmp.path().join("empty"));
    assert!(html.contains("No results yet"));

    let models = registry_models();
    let mut r = empty_results(models.clone());
    let mut c = cell(
        &models,
        &Spec::new(
            "primes",
            Kind::Cpu,
            Comparison::Models,
            "pool",
            Varied::Workers(2),
            4,
            Some(0.1),
        ),
    );
    c.ok = false;
    c.errors = vec!["<script>alert(1)</script>".into()];
    r.cells = vec![c];
    judge_all(&mut r);
    let html = render(&r, &tmp.path().join("escaped"));
    assert!(!html.contains("<script>") && html.contains("&lt;script&gt;"));
}

/// Renders the realistic results where a person can look at them (screenshots while working
/// on the page): `/tmp/concur-report/index.html`. Run with `--ignored`.
#[test]
#[ignore]
fn demo_page_for_eyes() {
    let dir = std::env::temp_dir().join("concur-report");
    let index = report::write(&realistic(), &dir).expect("write demo");
    eprintln!("demo page: {}", index.display());
}
