//! The report: reads what the benches recorded (our run records and criterion's estimates),
//! joins them into [`Results`](crate::results::Results), and renders charts (plotters, SVG)
//! and an offline HTML page that says which model won each workload, by how much, and why.
//!
//! It only reads recorded results; it never runs a benchmark. Entry points: [`collect`] (join
//! what is on disk), [`write`] (render into a folder), [`rerender`] (render again from the
//! `results.json` a previous [`write`] left there), and [`generate`] (collect + write, for the
//! benches' `main`).

mod analysis;
mod charts;
mod collect;
mod html;
mod machine;

pub use collect::{collect, join, read_estimates};
pub use html::{cell_id, rerender, write};
pub use machine::{crate_versions, now_utc, TRACKED_CRATES};

/// What a failed cell (wrong answer or errors) shows where its time would be.
pub const FAIL_MARK: &str = "✗ failed";
/// What a cell without criterion's estimate shows where its time would be.
pub const GAP_MARK: &str = "no estimate";
/// What a cell shows for a speedup when its group has no measured sequential baseline.
pub const NO_BASELINE: &str = "-";
/// A checked, correct answer.
pub const OK_MARK: &str = "✓";

/// What a bench's `main` calls after its groups ran (on a real measuring run only): join the
/// records in `target/concur/records/` with `target/criterion/`, and write the page into
/// `reports/`. `command` is what reproduces it, shown on the page. Returns the page's path.
pub fn generate(command: &str) -> anyhow::Result<std::path::PathBuf> {
    let results = collect(&crate::results::records_dir(), &criterion_dir(), command)?;
    write(&results, &default_out_dir())
}

/// The folder the report lands in, relative to the package root: `reports/`.
pub fn default_out_dir() -> std::path::PathBuf {
    std::path::PathBuf::from("reports")
}

/// Where criterion keeps its estimates: `target/criterion/` (honours `CARGO_TARGET_DIR`).
pub fn criterion_dir() -> std::path::PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| std::path::PathBuf::from("target"))
        .join("criterion")
}
