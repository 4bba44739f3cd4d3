//! The report, rendered from fixture results (fake records and fake criterion estimates in a
//! temp dir; no bench runs): every section, cell and failure marker is on the page, every chart
//! is well-formed SVG, and a corrupt results file is one error naming the file.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use concur::model::{Lane, Span};
use concur::report::{self, cell_id, FAIL_MARK, GAP_MARK};
use concur::results::{write_records, BenchRecord, Cell, Machine, Results};
use concur::run::RunRecord;
use concur::workload::Kind;

/// One fixture cell: a bench record plus what criterion would have measured (None: missing).
struct Fake {
    record: BenchRecord,
    mean_s: Option<f64>,
}

/// A cell of the fixture: its timeline is drawn from how `model` spreads `tasks` tasks.
#[allow(clippy::too_many_arguments)]
fn fake(
    group: &str,
    workload: &str,
    kind: Kind,
    model: &str,
    value: &str,
    tasks: usize,
    mean_s: Option<f64>,
    ideal_s: Option<f64>,
) -> Fake {
    let workers: usize = value.parse().unwrap_or(1);
    let wall = mean_s.unwrap_or(0.05);
    let (lane, lanes, threads) = match model {
        "sequential" => (Lane::Thread, 1, 1),
        "threads" => (Lane::Thread, tasks, tasks),
        "process" => (Lane::Process, workers.max(1), workers.max(1)),
        "async" => (Lane::Task, tasks, 1),
        "async-mt" => (Lane::Task, tasks, 2),
        _ => (Lane::Thread, workers.max(1), workers.max(1)),
    };
    // IO tasks wait together; CPU tasks overlap only where there are threads to run them.
    let overlapping = kind == Kind::Io && lane == Lane::Task || model == "threads";
    let staircase = kind == Kind::Cpu && lane == Lane::Task && model == "async";
    let per_lane = tasks.div_ceil(lanes).max(1);
    let timeline = (0..tasks)
        .map(|t| {
            let l = t % lanes;
            let slot = t / lanes;
            let (start_s, end_s) = if staircase {
                let len = wall / tasks as f64;
                (t as f64 * len, (t as f64 + 0.97) * len)
            } else if overlapping {
                let start = wall * 0.02 * (t as f64 / tasks as f64);
                (start, start + wall * 0.9)
            } else {
                let len = wall / per_lane as f64;
                (slot as f64 * len, (slot as f64 + 0.97) * len)
            };
            Span {
                task: t,
                lane: l,
                thread: l % threads,
                start_s,
                end_s,
            }
        })
        .collect();
    let expected = "9592".to_string();
    Fake {
        record: BenchRecord {
            group: group.into(),
            function: model.into(),
            value: value.into(),
            record: RunRecord {
                workload: workload.into(),
                model: model.into(),
                kind,
                workers,
                size: 100_000,
                tasks,
                ok: true,
                answer: Some(expected.clone()),
                expected,
                wall_s: wall,
                setup_s: match model {
                    "process" => 0.012,
                    "pool" | "async-mt" | "async-blocking" => 0.0004,
                    _ => 0.0,
                },
                failed_tasks: 0,
                errors: Vec::new(),
                peak_rss_bytes: None,
                lane,
                timeline,
                census: Default::default(),
            },
            ideal_s,
            peak_rss_bytes: None,
            notes: Vec::new(),
        },
        mean_s,
    }
}

const CPU_MODELS: [(&str, f64); 7] = [
    ("sequential", 1.0),
    ("threads", 0.53),
    ("pool", 0.51),
    ("process", 0.62),
    ("async", 1.01),
    ("async-mt", 0.52),
    ("async-blocking", 0.52),
];

const IO_MODELS: [(&str, f64); 7] = [
    ("sequential", 1.0),
    ("threads", 0.06),
    ("pool", 0.26),
    ("process", 0.3),
    ("async", 0.055),
    ("async-mt", 0.054),
    ("async-blocking", 0.27),
];

/// A realistic matrix for a 2-core machine, with one failed cell, one missing estimate, a
/// group without a sequential baseline, a scaling sweep and a crowd sweep with memory.
fn fixture() -> Vec<Fake> {
    let mut v = Vec::new();
    let cpu = [
        ("primes", 0.180, 16),
        ("primes-repeat", 0.240, 16),
        ("sum-squares", 0.090, 8),
        ("uneven", 0.300, 12),
    ];
    for (w, seq, tasks) in cpu {
        for (m, f) in CPU_MODELS {
            let workers = match m {
                "sequential" | "async" => 1,
                "threads" => tasks,
                _ => 2,
            };
            let ideal = seq / (workers.min(2) as f64);
            v.push(fake(
                w,
                w,
                Kind::Cpu,
                m,
                &workers.to_string(),
                tasks,
                Some(seq * f),
                Some(ideal),
            ));
        }
    }
    // uneven under process gave a wrong answer: criterion measured it, the report must not show it.
    if let Some(f) = v
        .iter_mut()
        .find(|f| f.record.group == "uneven" && f.record.function == "process")
    {
        f.record.record.ok = false;
        f.record.record.answer = Some("9591".into());
        f.record.record.errors = vec!["wrong answer: got 9591, expected 9592".into()];
    }
    for w in 1..=4usize {
        for (m, eff) in [
            ("threads", 0.97),
            ("pool", 0.98),
            ("process", 0.8),
            ("async-mt", 0.96),
        ] {
            let sp = (w.min(2) as f64) * eff - if w > 2 { 0.04 * w as f64 } else { 0.0 };
            v.push(fake(
                "primes-scaling",
                "primes",
                Kind::Cpu,
                m,
                &w.to_string(),
                16,
                Some(0.180 / sp),
                Some(0.180 / w.min(2) as f64),
            ));
        }
    }
    v.push(fake(
        "primes-scaling",
        "primes",
        Kind::Cpu,
        "sequential",
        "1",
        16,
        Some(0.180),
        Some(0.180),
    ));
    for (w, seq) in [("sites", 2.0), ("api", 1.0)] {
        for (m, f) in IO_MODELS {
            let mean = seq * f;
            let mut c = fake(w, w, Kind::Io, m, "4", 40, Some(mean), Some(0.05));
            if w == "api" && m == "async-blocking" {
                c.mean_s = None;
            }
            if w == "sites" && m.starts_with("async") {
                c.record
                    .notes
                    .push("bound by the mock server's ceiling (about 9000 requests/s)".into());
            }
            v.push(c);
        }
    }
    // fanout: no sequential cell at all, so speedups are "-".
    for (m, t) in [("threads", 0.061), ("async", 0.052), ("async-mt", 0.051)] {
        v.push(fake(
            "fanout",
            "fanout",
            Kind::Io,
            m,
            "4",
            100,
            Some(t),
            Some(0.05),
        ));
    }
    for n in [100usize, 1000, 10_000] {
        for (m, base, mib) in [
            ("threads", 0.06, 0.03),
            ("async", 0.052, 0.004),
            ("async-mt", 0.051, 0.005),
        ] {
            let k = n as f64 / 100.0;
            let mean = base * (1.0 + k * if m == "threads" { 0.08 } else { 0.02 });
            let mut c = fake(
                "crowd",
                "crowd",
                Kind::Io,
                m,
                &n.to_string(),
                n,
                Some(mean),
                Some(0.05),
            );
            c.record.record.workers = match m {
                "threads" => n,
                "async" => 1,
                _ => 2,
            };
            c.record.peak_rss_bytes = Some(((12.0 + mib * n as f64) * 1024.0 * 1024.0) as u64);
            v.push(c);
        }
    }
    v
}

/// Write the fixture as a bench would: records, and criterion's `new/` files (under directory
/// names unlike the ids, so the report must read benchmark.json). One estimate is corrupt.
fn write_fixture(dir: &Path, fakes: &[Fake]) -> (PathBuf, PathBuf) {
    let records_dir = dir.join("records");
    let criterion_dir = dir.join("criterion");
    let records: Vec<BenchRecord> = fakes.iter().map(|f| f.record.clone()).collect();
    write_records(&records_dir, "fixture", &records).expect("write records");
    for (i, f) in fakes.iter().enumerate() {
        let Some(mean) = f.mean_s else { continue };
        let new = criterion_dir
            .join(format!("g{i}"))
            .join("fn")
            .join("v")
            .join("new");
        fs::create_dir_all(&new).expect("mkdir");
        let r = &f.record;
        let id = serde_json::json!({
            "group_id": r.group, "function_id": r.function, "value_str": r.value,
            "full_id": format!("{}/{}/{}", r.group, r.function, r.value),
            "directory_name": format!("g{i}/fn/v"), "title": "x", "throughput": null,
        });
        fs::write(new.join("benchmark.json"), id.to_string()).expect("write benchmark.json");
        let ns = mean * 1e9;
        let est = serde_json::json!({ "mean": {
            "point_estimate": ns,
            "standard_error": ns * 0.01,
            "confidence_interval": { "confidence_level": 0.95, "lower_bound": ns * 0.97, "upper_bound": ns * 1.03 }
        }});
        fs::write(new.join("estimates.json"), est.to_string()).expect("write estimates.json");
    }
    (records_dir, criterion_dir)
}

fn machine() -> Machine {
    Machine {
        cpu_model: "Fixture CPU @ 2.0GHz".into(),
        cores: 2,
        memory_bytes: Some(8 << 30),
        os: "Debian GNU/Linux 12 (bookworm)".into(),
        rustc: "rustc 1.95.0".into(),
        crates: BTreeMap::from([("tokio".into(), "1.0.0".into())]),
    }
}

fn collected(dir: &Path) -> Results {
    let (records, criterion) = write_fixture(dir, &fixture());
    let mut results = report::collect(&records, &criterion, "cargo bench").expect("collect");
    results.machine = machine();
    results
}

fn cell<'a>(r: &'a Results, group: &str, model: &str) -> &'a Cell {
    r.cells
        .iter()
        .find(|c| c.group == group && c.model == model)
        .expect("cell in fixture")
}

/// The `<tr>` of a cell, from its id to the row's end.
fn row<'a>(html: &'a str, c: &Cell) -> &'a str {
    let id = format!("id=\"{}\"", cell_id(c));
    let start = html.find(&id).unwrap_or_else(|| panic!("no row {id}"));
    let end = html[start..]
        .find("</tr>")
        .map_or(html.len(), |e| start + e);
    &html[start..end]
}

fn svgs(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = fs::read_dir(dir)
        .expect("read out dir")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "svg"))
        .collect();
    v.sort();
    v
}

#[test]
fn collect_joins_records_with_criterion_estimates() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let r = collected(tmp.path());
    assert_eq!(r.cells.len(), fixture().len());
    let pool = cell(&r, "primes", "pool");
    let mean = pool.mean_s.expect("pool measured");
    assert!(
        (mean - 0.180 * 0.51).abs() < 1e-9,
        "seconds, not ns: {mean}"
    );
    assert!(pool.ci_low_s < pool.mean_s && pool.mean_s < pool.ci_high_s);
    let wrong = cell(&r, "uneven", "process");
    assert!(
        !wrong.ok && wrong.mean_s.is_none(),
        "a wrong answer hides the time"
    );
    let missing = cell(&r, "api", "async-blocking");
    assert!(missing.ok && missing.mean_s.is_none());
    assert!(missing.notes.iter().any(|n| n.contains("no estimate")));
}

#[test]
fn an_unreadable_estimate_becomes_a_gap_with_the_reason() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let fakes = vec![fake(
        "primes",
        "primes",
        Kind::Cpu,
        "pool",
        "2",
        4,
        Some(0.1),
        None,
    )];
    let (records, criterion) = write_fixture(tmp.path(), &fakes);
    let est = criterion.join("g0/fn/v/new/estimates.json");
    fs::write(&est, "{ not json").expect("corrupt");
    let r = report::collect(&records, &criterion, "cargo bench").expect("collect");
    assert!(r.cells[0].mean_s.is_none());
    assert!(r.cells[0]
        .notes
        .iter()
        .any(|n| n.contains("estimates.json")));
    let out = tmp.path().join("out");
    let html = fs::read_to_string(report::write(&r, &out).expect("write")).expect("read");
    assert!(row(&html, &r.cells[0]).contains(GAP_MARK));
}

#[test]
fn page_shows_every_section_cell_and_failure_marker() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let r = collected(tmp.path());
    let out = tmp.path().join("reports");
    let index = report::write(&r, &out).expect("write");
    assert_eq!(index, out.join("index.html"));
    let html = fs::read_to_string(&index).expect("read page");

    for section in [
        "primes",
        "primes-repeat",
        "sum-squares",
        "uneven",
        "sites",
        "api",
        "fanout",
        "crowd",
        "summary",
        "models",
        "machine",
        "reproduce",
    ] {
        assert!(
            html.contains(&format!("<section id=\"{section}\"")),
            "section {section}"
        );
    }
    assert!(html.contains("id=\"primes-scaling\""), "scaling block");
    assert!(html.contains("id=\"primes-timeline\""), "timeline block");
    for c in &r.cells {
        let tr = row(&html, c);
        if !c.ok {
            assert!(tr.contains(FAIL_MARK) && tr.contains('✗'), "failed: {tr}");
        } else if c.mean_s.is_none() {
            assert!(tr.contains(GAP_MARK), "gap: {tr}");
        } else {
            assert!(tr.contains('✓'), "ok: {tr}");
        }
    }
    assert!(row(&html, cell(&r, "uneven", "process")).contains("wrong answer"));
    assert!(row(&html, cell(&r, "fanout", "async")).contains("<td class=\"num\">-</td>"));
    assert!(row(&html, cell(&r, "sites", "async")).contains("mock server"));
    for model in concur::model::all() {
        assert!(html.contains(&format!("id=\"model-{}\"", model.name())));
        assert!(
            html.contains(model.python()),
            "python analog of {}",
            model.name()
        );
    }
    assert!(html.contains("Fixture CPU @ 2.0GHz") && html.contains("cargo bench"));
    assert!(html.contains("criterion/report/index.html"));
    assert!(html.contains("What to notice"));
    assert!(html.contains("<th>N</th>"), "crowd's value is N");
    assert!(html.contains("At N=10000, async-mt was fastest"));
    assert!(
        !html.contains("http://") && !html.contains("https://"),
        "offline page"
    );

    let files = svgs(&out);
    assert!(files.len() >= 12, "charts written: {files:?}");
    for f in &files {
        let name = f.file_name().and_then(|n| n.to_str()).unwrap_or_default();
        assert!(
            html.contains(&format!("src=\"{name}\"")),
            "{name} is on the page"
        );
        let text = fs::read_to_string(f).expect("read svg");
        let doc = roxmltree::Document::parse(&text)
            .unwrap_or_else(|e| panic!("{} is not XML: {e}", f.display()));
        assert_eq!(doc.root_element().tag_name().name(), "svg");
    }
    for needed in [
        "chart-primes.svg",
        "chart-primes-scaling.svg",
        "chart-primes-timeline.svg",
        "chart-crowd-time.svg",
        "chart-crowd-memory.svg",
    ] {
        assert!(out.join(needed).is_file(), "{needed}");
    }
    let bars = fs::read_to_string(out.join("chart-uneven.svg")).expect("bars");
    assert!(
        bars.contains(FAIL_MARK),
        "the failed bar is marked in the chart"
    );
}

#[test]
fn what_to_notice_quotes_the_tables() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let r = collected(tmp.path());
    let out = tmp.path().join("reports");
    let html = fs::read_to_string(report::write(&r, &out).expect("write")).expect("read");
    let section = &html[html.find("<section id=\"primes\"").expect("primes")..];
    let section = &section[..section.find("</section>").expect("end")];
    // pool is fastest: 0.180 * 0.51 = 91.8 ms, 1.96x, ideal 90 ms (98%).
    let notice = &section[section.find("What to notice").expect("notice")..];
    assert!(notice.contains("pool was fastest: 91.8 ms, 2.0× faster than sequential (180 ms)"));
    assert!(notice.contains("98% of the ideal 90.0 ms"));
    let pool = row(section, cell(&r, "primes", "pool"));
    assert!(pool.contains("91.8 ms") && pool.contains("2.0×") && pool.contains("98%"));
}

#[test]
fn rerender_reads_results_json_back() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let r = collected(tmp.path());
    let out = tmp.path().join("reports");
    report::write(&r, &out).expect("write");
    fs::remove_file(out.join("chart-primes.svg")).expect("rm");
    fs::remove_file(out.join("index.html")).expect("rm");
    let again = report::rerender(&out).expect("rerender");
    let html = fs::read_to_string(again).expect("read");
    for c in &r.cells {
        assert!(html.contains(&format!("id=\"{}\"", cell_id(c))));
    }
    assert!(out.join("chart-primes.svg").is_file());
}

#[test]
fn a_corrupt_results_file_is_one_error_naming_it() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let path = tmp.path().join("results.json");
    fs::write(&path, "{\"schema\": 1, \"cells\": [").expect("write");
    let err = report::rerender(tmp.path()).expect_err("corrupt file");
    let msg = format!("{err:#}");
    assert!(msg.contains(&path.display().to_string()), "{msg}");
    assert!(msg.contains("not a valid results file"), "{msg}");

    let empty = tmp.path().join("none");
    let err = report::rerender(&empty).expect_err("missing file");
    assert!(format!("{err:#}").contains("results.json"));
}

#[test]
fn partial_and_empty_results_render_with_gaps_marked() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let cpu_only: Vec<Fake> = fixture()
        .into_iter()
        .filter(|f| f.record.record.kind == Kind::Cpu && f.record.group == "primes")
        .filter(|f| f.record.function != "sequential")
        .collect();
    let (records, criterion) = write_fixture(tmp.path(), &cpu_only);
    let r = report::collect(&records, &criterion, "cargo bench --bench cpu").expect("collect");
    let out = tmp.path().join("partial");
    let html = fs::read_to_string(report::write(&r, &out).expect("write")).expect("read");
    assert!(html.contains("<section id=\"primes\""));
    assert!(!html.contains("<section id=\"crowd\""));
    assert!(html.contains("no sequential baseline"));

    let empty = Results {
        schema: report::SCHEMA,
        generated: report::now_utc(),
        command: "cargo bench".into(),
        machine: Machine::default(),
        cells: Vec::new(),
    };
    let out = tmp.path().join("empty");
    let html = fs::read_to_string(report::write(&empty, &out).expect("write")).expect("read");
    assert!(html.contains("No results yet"));
}

#[test]
fn text_from_records_is_escaped() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let mut f = fake(
        "primes",
        "primes",
        Kind::Cpu,
        "pool",
        "2",
        4,
        Some(0.1),
        None,
    );
    f.record.record.ok = false;
    f.record.record.errors = vec!["<script>alert(1)</script>".into()];
    let (records, criterion) = write_fixture(tmp.path(), &[f]);
    let r = report::collect(&records, &criterion, "cargo bench").expect("collect");
    let out = tmp.path().join("out");
    let html = fs::read_to_string(report::write(&r, &out).expect("write")).expect("read");
    assert!(!html.contains("<script>") && html.contains("&lt;script&gt;"));
}

/// Renders the realistic fixture where a person can open it (for screenshots while working on
/// the page's look): `target/tmp/report-demo/index.html`.
#[test]
fn demo_page_for_eyes() {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("report-demo");
    let _ = fs::remove_dir_all(&dir);
    let r = collected(&dir.join("input"));
    let index = report::write(&r, &dir).expect("write demo");
    assert!(index.is_file());
}

/// An `api-limit`-like group: the same models at `window-5` and `batch-5` (times in seconds).
fn window_batch_fixture(times: [(&str, &str, f64); 4]) -> Vec<Fake> {
    times
        .iter()
        .map(|&(model, value, mean)| {
            fake(
                "api-limit",
                "api",
                Kind::Io,
                model,
                value,
                50,
                Some(mean),
                Some(0.19),
            )
        })
        .collect()
}

/// The mean the table shows for a cell, e.g. `216 ms`.
fn table_mean<'a>(html: &'a str, c: &Cell) -> &'a str {
    let tr = row(html, c);
    let key = "<td class=\"num mean\">";
    let start = tr.find(key).expect("mean column") + key.len();
    &tr[start..start + tr[start..].find("</td>").expect("end of mean")]
}

fn rendered(dir: &Path, fakes: &[Fake]) -> (Results, String) {
    let (records, criterion) = write_fixture(dir, fakes);
    let r = report::collect(&records, &criterion, "cargo bench").expect("collect");
    let out = dir.join("out");
    let html = fs::read_to_string(report::write(&r, &out).expect("write")).expect("read");
    (r, html)
}

fn notices(html: &str, section: &str) -> String {
    let s = &html[html
        .find(&format!("<section id=\"{section}\""))
        .unwrap_or_else(|| panic!("section {section}"))..];
    s[..s.find("</section>").expect("end")].to_string()
}

#[test]
fn a_window_and_batches_of_the_same_size_are_compared_per_model() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let (r, html) = rendered(
        tmp.path(),
        &window_batch_fixture([
            ("async", "window-5", 0.211),
            ("async", "batch-5", 0.283),
            ("threads", "window-5", 0.216),
            ("threads", "batch-5", 0.288),
        ]),
    );
    let section = notices(&html, "api-limit");
    let find = |model: &str, value: &str| {
        r.cells
            .iter()
            .find(|c| c.group == "api-limit" && c.model == model && c.value == value)
            .expect("cell in fixture")
    };
    for (model, ratio) in [("async", "1.34×"), ("threads", "1.33×")] {
        let (w, b) = (
            table_mean(&section, find(model, "window-5")),
            table_mean(&section, find(model, "batch-5")),
        );
        let sentence =
            format!("{model}: window-5 took {w}, batch-5 {b} — window-5 was {ratio} faster.");
        assert!(section.contains(&sentence), "missing: {sentence}");
        assert!(
            section.contains(&format!(
                "{model} {w} with the window against {b} in batches"
            )),
            "the why quotes {model}'s times"
        );
    }
    assert!(section.contains("Why the window wins: with batches of 5"));
    assert!(section.contains("a sliding window of 5 starts a new request as soon as one finishes"));
    assert!(!section.contains("disagree"));
    assert!(
        section.contains("async window-5 was fastest"),
        "generic sentences name the value"
    );

    let out = tmp.path().join("out");
    for chart in ["chart-api-limit-timeline.svg", "chart-api-limit.svg"] {
        let svg = fs::read_to_string(out.join(chart)).expect("chart");
        for label in [
            "async window-5",
            "async batch-5",
            "threads window-5",
            "threads batch-5",
        ] {
            assert!(svg.contains(label), "{chart} labels {label}");
        }
    }
    assert!(
        section.contains("threads window-5: 50 tasks"),
        "timeline sentence"
    );
}

#[test]
fn batches_beating_the_window_are_reported_as_disagreeing() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let (_, html) = rendered(
        tmp.path(),
        &window_batch_fixture([
            ("async", "window-5", 0.283),
            ("async", "batch-5", 0.211),
            ("threads", "window-5", 0.216),
            ("threads", "batch-5", 0.2161),
        ]),
    );
    let section = notices(&html, "api-limit");
    assert!(
        section.contains("async: window-5 took 283 ms, batch-5 211 ms — batch-5 was 1.34× faster.")
    );
    assert!(section.contains("threads: window-5 took 216 ms, batch-5 216 ms — window-5 and batch-5 are tied within noise"));
    assert!(!section.contains("Why the window wins"));
    assert!(section.contains("The data disagree with the expectation"));
}
