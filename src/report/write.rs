//! Files, written so that nothing is ever lost: every file goes to a temporary file in the
//! same folder and is renamed over the old one once complete (a full disk leaves the old file,
//! never a truncated one); [`rerender`] reads `results.json`, checks it, and never writes it;
//! charts an earlier render left behind are removed only after the new page is in place.

use std::collections::BTreeSet;
use std::fs;
use std::io::Write as _;
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use anyhow::{Context, Result};

use crate::results::{Results, SCHEMA};

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
        if schema != Some(SCHEMA) {
            let found = schema.map_or("no schema".to_string(), |s| format!("schema {s}"));
            return Err(anyhow::anyhow!(
                "it has {found}, this concur reads schema {SCHEMA}: run `cargo bench` again"
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
    let mut written = BTreeSet::new();
    for chart in &rendered.charts {
        write_atomic(&out_dir.join(&chart.file), chart.svg.text.as_bytes())?;
        written.insert(chart.file.clone());
    }
    let index = out_dir.join("index.html");
    write_atomic(&index, rendered.html.as_bytes())?;
    remove_stale_charts(out_dir, &written)?;
    Ok(index)
}

/// Write `bytes` to `path` through a temporary file in the same folder, synced and renamed
/// over `path`: a reader sees the old file or the new one, never part of one.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "file".into());
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let tmp = dir.join(format!(".{name}.{}-{n}.tmp", std::process::id()));
    let result = (|| -> std::io::Result<()> {
        let mut f = fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        fs::rename(&tmp, path)
    })();
    if let Err(e) = result {
        let _ = fs::remove_file(&tmp);
        return Err(e).with_context(|| format!("writing {}", path.display()));
    }
    Ok(())
}

/// Remove the `chart-*.svg` files of an earlier render that the new page does not show.
fn remove_stale_charts(out_dir: &Path, keep: &BTreeSet<String>) -> Result<()> {
    let entries =
        fs::read_dir(out_dir).with_context(|| format!("listing {}", out_dir.display()))?;
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with("chart-") && name.ends_with(".svg") && !keep.contains(&name) {
            let path = entry.path();
            fs::remove_file(&path).with_context(|| format!("removing {}", path.display()))?;
        }
    }
    Ok(())
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
