//! The report: reads what the benches recorded (our run records and criterion's estimates),
//! joins them into [`Results`](crate::results::Results), and renders charts (plotters, SVG)
//! and an offline HTML page that says which model won each workload, by how much, and why.
//!
//! It only reads recorded results; it never runs a benchmark, and it draws everything from
//! the results file alone (the models as they declared themselves, with their colours), so an
//! old `results.json` re-renders as it was measured. Entry points: [`collect`] (join what is
//! on disk), [`write`] (render into a folder), [`rerender`] (render again from the
//! `results.json` a previous [`write`] left there), and [`generate`] (collect + write, for
//! the benches' `main`).
//!
//! The layers, each importing only those before it: [`sections`] (cells grouped into
//! sections and blocks), then `notice` (sentences), `charts` (SVG) and `table` (rows as
//! text), then `blocks` (a section's view), `state` (the "Sharing state" section, built
//! like a section's view) and `flows` (the crawl's section, from `results.flows`), `page`
//! (the whole view and its template), and `write` (files).

mod blocks;
mod charts;
mod collect;
mod flows;
mod machine;
mod notice;
mod page;
pub mod python;
mod sections;
mod state;
mod table;
mod units;
mod write;

pub use collect::{collect, join, read_estimates};
pub use machine::{crate_versions, now_utc, TRACKED_CRATES};
pub use sections::{ANOMALY_MARK, FAIL_MARK, FALLBACK_COLOR, GAP_MARK, NO_BASELINE, OK_MARK};
pub use table::cell_id;
pub use write::{criterion_dir, default_out_dir, rerender, write};

/// What a bench's `main` calls after its groups ran (on a real measuring run only): join the
/// records in `target/concur/records/` with `target/criterion/`, and write the page into
/// `reports/`. `command` is what reproduces it, shown on the page. Returns the page's path.
pub fn generate(command: &str) -> anyhow::Result<std::path::PathBuf> {
    let results = collect(&crate::results::records_dir(), &criterion_dir(), command)?;
    write(&results, &default_out_dir())
}
