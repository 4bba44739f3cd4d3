//! Writing the report safely: rerender reads `results.json` and never rewrites it, a write that
//! fails leaves the old files whole and no temporary file, and a bad results file is one error
//! naming it.

use std::fs;
use std::path::{Path, PathBuf};

use concur::report::{self, cell_id};

use crate::fixture::realistic;
use crate::page::render;

fn files(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = fs::read_dir(dir)
        .expect("read out dir")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    v.sort();
    v
}

#[test]
fn rerender_reads_results_json_and_leaves_it_byte_identical() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let r = realistic();
    render(&r, tmp.path());
    let json = tmp.path().join("results.json");
    // Written by hand in another layout: rerender must not normalise it.
    let compact = serde_json::to_string(&r).expect("json");
    fs::write(&json, &compact).expect("write");
    // A chart the old page showed and the new one does not is removed; one the page never
    // showed is somebody else's and stays.
    fs::write(tmp.path().join("chart-gone-workload.svg"), "<svg/>").expect("stale chart");
    let index = tmp.path().join("index.html");
    let old_page = fs::read_to_string(&index).expect("read page");
    fs::write(&index, old_page + r#"<img src="chart-gone-workload.svg">"#).expect("old page");
    fs::write(tmp.path().join("chart-mine.svg"), "<svg/>").expect("user's chart");
    fs::remove_file(tmp.path().join("chart-primes.svg")).expect("rm");
    let html = fs::read_to_string(report::rerender(tmp.path()).expect("rerender")).expect("read");
    assert_eq!(
        fs::read_to_string(&json).expect("read"),
        compact,
        "results.json untouched"
    );
    for c in &r.cells {
        assert!(html.contains(&format!("id=\"{}\"", cell_id(&c.id))));
    }
    assert!(tmp.path().join("chart-primes.svg").is_file());
    assert!(
        !tmp.path().join("chart-gone-workload.svg").exists(),
        "stale chart removed"
    );
    assert!(
        tmp.path().join("chart-mine.svg").is_file(),
        "a chart the old page never showed is left alone"
    );
    for f in files(tmp.path()) {
        let name = f
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_string();
        assert!(!name.starts_with('.'), "no temporary file left: {name}");
        if name == "chart-mine.svg" {
            continue;
        }
        let text = fs::read_to_string(&f).expect("read");
        assert!(!text.is_empty(), "{name} is empty");
        if name.ends_with(".svg") {
            let doc = roxmltree::Document::parse(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(doc.root_element().tag_name().name(), "svg");
            assert!(
                html.contains(&format!("src=\"{name}\"")),
                "{name} is on the page"
            );
        }
    }
}

#[test]
fn a_write_that_fails_leaves_the_old_files_whole_and_no_temporary_file() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let r = realistic();
    render(&r, tmp.path());
    let json = fs::read_to_string(tmp.path().join("results.json")).expect("read");
    // The page cannot be put in place: a folder stands where index.html goes.
    fs::remove_file(tmp.path().join("index.html")).expect("rm");
    fs::create_dir(tmp.path().join("index.html")).expect("mkdir");
    fs::write(tmp.path().join("chart-old.svg"), "<svg/>").expect("old chart");
    let err = report::rerender(tmp.path()).expect_err("index.html is a folder");
    assert!(format!("{err:#}").contains("index.html"), "{err:#}");
    assert_eq!(
        fs::read_to_string(tmp.path().join("results.json")).expect("read"),
        json
    );
    assert!(
        tmp.path().join("chart-old.svg").is_file(),
        "old charts are removed only once the new page is in place"
    );
    for f in files(tmp.path()) {
        let name = f.file_name().and_then(|n| n.to_str()).unwrap_or_default();
        assert!(!name.starts_with('.'), "temporary file left: {name}");
    }
}

#[test]
fn a_bad_results_file_is_one_error_naming_it_and_is_left_alone() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let path = tmp.path().join("results.json");
    let good = serde_json::to_value(realistic()).expect("json");
    let mut old = good.clone();
    old["schema"] = 1.into();
    let mut negative = good.clone();
    negative["cells"][0]["time"]["mean_s"] = (-1.0).into();
    let mut nan = good.clone();
    nan["cells"][0]["time"]["low_s"] = serde_json::Value::Null; // how serde_json writes NaN
    let cases = [
        ("old schema", old.to_string(), "schema 1"),
        ("negative time", negative.to_string(), "impossible time"),
        ("NaN time", nan.to_string(), ""),
        ("truncated", "{\"schema\": 2, \"cells\": [".to_string(), ""),
    ];
    for (what, text, says) in cases {
        fs::write(&path, &text).expect("write");
        let err = report::rerender(tmp.path()).expect_err(what);
        let msg = format!("{err:#}");
        assert!(msg.contains(&path.display().to_string()), "{what}: {msg}");
        assert!(msg.contains(says), "{what}: {msg}");
        assert_eq!(
            fs::read_to_string(&path).expect("read"),
            text,
            "{what}: file kept"
        );
        assert!(
            !tmp.path().join("index.html").exists(),
            "{what}: nothing rendered"
        );
    }
    let err = report::rerender(&tmp.path().join("none")).expect_err("missing file");
    assert!(format!("{err:#}").contains("results.json"));
}
