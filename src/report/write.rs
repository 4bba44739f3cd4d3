//! Files, written so that nothing is ever lost: every file goes to a temporary file in the
//! same folder and is renamed over the old one once complete (a full disk leaves the old file,
//! never a truncated one); [`rerender`] reads `results.json`, checks it, and never writes it;
//! charts an earlier render's page showed and the new one does not are removed only after the
//! new page is in place (any other file in the folder, a `chart-*.svg` of the user's
//! included, is left alone).

use std::collections::BTreeSet;
use std::fs;
use std::path::{Component, Path, PathBuf};

use anyhow::{Context, Result};

use crate::files::write_atomic;
use crate::results::{Results, READS, SCHEMA};

/// Just the schema of a results file, read before the rest.
#[derive(serde::Deserialize)]
struct Header {
    schema: Option<u32>,
}

use super::page;

/// Write `results.json`, the charts and `index.html` into `out_dir`; returns the page's path.
pub fn write(results: &Results, out_dir: &Path) -> Result<PathBuf> {
    results
        .validate()
        .context("the results to write are not valid")?;
    fs::create_dir_all(out_dir).with_context(|| format!("creating {}", out_dir.display()))?;
    let json = serde_json::to_string_pretty(results)?;
    write_atomic(&out_dir.join("results.json"), json.as_bytes())?;
    render_into(results, out_dir)
}

/// Read `out_dir/results.json`, check it, and write the page and charts again from it. The
/// results file itself is only read.
pub fn rerender(out_dir: &Path) -> Result<PathBuf> {
    let path = out_dir.join("results.json");
    let text = read_results_text(&path)?;
    let invalid = || format!("{} is not a valid results file", path.display());
    // An older or newer file fails on its schema, not on whichever field changed first.
    if let Ok(Header { schema }) = serde_json::from_str::<Header>(&text) {
        if !schema.is_some_and(|s| READS.contains(&s)) {
            let found = schema.map_or("no schema".to_string(), |s| format!("schema {s}"));
            return Err(anyhow::anyhow!(
                "it has {found}, this concur reads schema {} or {SCHEMA}: run `cargo bench` \
                 again",
                READS[0]
            ))
            .with_context(invalid);
        }
    }
    let results: Results = serde_json::from_str(&text).with_context(invalid)?;
    results.validate().with_context(invalid)?;
    render_into(&results, out_dir)
}

/// A results file is a few megabytes; anything far larger is not one.
const MAX_RESULTS_BYTES: u64 = 256 << 20;

/// The text of `path`, or one line saying why it is not a results file: missing (run the
/// benches first), not a regular file (a folder, a device, a pipe: never read, so never a
/// hang), too large, or not UTF-8.
fn read_results_text(path: &Path) -> Result<String> {
    use std::io::Read as _;
    let shown = path.display();
    let kind = match fs::metadata(path) {
        Ok(meta) => meta.file_type(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(e).with_context(|| {
                format!("reading {shown} (run `cargo bench` first to produce it)")
            });
        }
        Err(e) => return Err(e).with_context(|| format!("reading {shown}")),
    };
    if !kind.is_file() {
        anyhow::bail!("{shown} is not a results file (not a regular file)");
    }
    let mut bytes = Vec::new();
    fs::File::open(path)
        .and_then(|f| f.take(MAX_RESULTS_BYTES + 1).read_to_end(&mut bytes))
        .with_context(|| format!("reading {shown}"))?;
    if bytes.len() as u64 > MAX_RESULTS_BYTES {
        anyhow::bail!("{shown} is not a results file (over {MAX_RESULTS_BYTES} bytes)");
    }
    String::from_utf8(bytes)
        .map_err(|_| anyhow::anyhow!("{shown} is not a results file (not UTF-8 JSON)"))
}

/// Draw and write the charts, then the page, then remove charts the page no longer shows.
fn render_into(results: &Results, out_dir: &Path) -> Result<PathBuf> {
    let rendered = page::render(results, &criterion_href(out_dir))?;
    let index = out_dir.join("index.html");
    let shown_before = fs::read_to_string(&index)
        .map(|old| charts_named_in(&old))
        .unwrap_or_default();
    let mut written = BTreeSet::new();
    for chart in &rendered.charts {
        write_atomic(&out_dir.join(&chart.file), chart.svg.text.as_bytes())?;
        written.insert(chart.file.clone());
    }
    write_atomic(&index, rendered.html.as_bytes())?;
    for stale in shown_before.difference(&written) {
        let path = out_dir.join(stale);
        match fs::remove_file(&path) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                return Err(e).with_context(|| format!("removing {}", path.display()))
            }
            _ => {}
        }
    }
    Ok(index)
}

/// The `chart-*.svg` files a page links to (names only, no folders).
fn charts_named_in(page: &str) -> BTreeSet<String> {
    let is_name = |c: char| c.is_ascii_alphanumeric() || "-_.".contains(c);
    page.match_indices("chart-")
        .filter_map(|(at, _)| {
            let name: String = page[at..].chars().take_while(|&c| is_name(c)).collect();
            let before = page[..at].chars().next_back();
            let whole = before.is_none_or(|c| !is_name(c) && c != '/');
            (whole && name.ends_with(".svg")).then_some(name)
        })
        .collect()
}

/// Criterion's own report, relative to the page: `../target/criterion/report/index.html`
/// from `reports/`.
fn criterion_href(out_dir: &Path) -> String {
    let report = criterion_dir().join("report").join("index.html");
    let (Ok(from), Ok(to)) = (std::path::absolute(out_dir), std::path::absolute(&report)) else {
        return "../target/criterion/report/index.html".into();
    };
    let from: Vec<Component> = from.components().collect();
    let to: Vec<Component> = to.components().collect();
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let mut parts: Vec<String> = vec!["..".into(); from.len() - common];
    parts.extend(
        to[common..]
            .iter()
            .map(|c| c.as_os_str().to_string_lossy().into_owned()),
    );
    parts.join("/")
}

/// The folder the report lands in, relative to the package root: `reports/`.
pub fn default_out_dir() -> PathBuf {
    PathBuf::from("reports")
}

/// Where criterion keeps its estimates: `target/criterion/` (honours `CARGO_TARGET_DIR`).
pub fn criterion_dir() -> PathBuf {
    crate::results::target_dir().join("criterion")
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_charts_a_page_links_to() {
        let page = r#"<img src="chart-a-1.svg"><a href="x/chart-b.svg">chart-c.png chart-d.svg"#;
        let names: Vec<String> = super::charts_named_in(page).into_iter().collect();
        assert_eq!(names, ["chart-a-1.svg", "chart-d.svg"]);
    }
}
