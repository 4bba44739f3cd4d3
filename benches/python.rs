//! The Python side of `cargo bench`: the tutorials' programs (`python/tutorials.py`) on this
//! machine, each beside the Rust model that runs tasks the same way, at the same size, W and
//! server (see `concur::python::side` for the table and the sizes).
//!
//! It needs a `python3`: it makes its own virtual environment under `target/concur/python/`
//! from the pinned `python/requirements.txt` (once; a second run reuses it). Without python3,
//! or without a package index, it records why and the one command that would enable it, and
//! the page marks the Python rows "not run": the bench still succeeds. Cells are timed by
//! concur (the median of 3 checked runs; `--quick`: 1), not by criterion, whose ten samples
//! per cell would take minutes of CPython. `--test` runs each cell once and checks its
//! answer; a name filter (`cargo bench -- primes`) picks workloads by `<workload>-python`.

mod common;

use std::path::Path;

use concur::python::side::{self, Options};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let test = args.iter().any(|a| a == "--test");
    let quick = args.iter().any(|a| a == "--quick");
    if args.iter().any(|a| a == "--list") {
        for e in side::TABLE {
            println!("{}-python: benchmark", e.workload);
        }
        return;
    }
    concur::limits::raise_open_files();
    let filter = common::Filter::from_args();
    let select = |w: &str| filter.selects(&format!("{w}-python"));
    let path = std::env::var_os("PATH").unwrap_or_default();
    let dir = side::dir();
    let opts = Options {
        repeat: if test || quick { 1 } else { 3 },
        warm: !(test || quick),
        select: &select,
        exe: Path::new(env!("CARGO_BIN_EXE_concur")),
        dir: &dir,
        path: &path,
    };
    let began = std::time::Instant::now();
    let outcome = side::run(&opts, &mut |line| eprintln!("concur python: {line}"));
    let failed: Vec<String> = outcome
        .records
        .iter()
        .filter(|r| !r.record.ok)
        .map(|r| r.id.to_string())
        .collect();
    eprintln!(
        "concur python: {} cells in {:.1} s{}",
        outcome.records.len(),
        began.elapsed().as_secs_f64(),
        if failed.is_empty() {
            String::new()
        } else {
            format!(", FAILED: {}", failed.join(", "))
        }
    );
    if !common::measuring() {
        if !failed.is_empty() {
            std::process::exit(1);
        }
        return;
    }
    if let Err(e) = side::write_side(&outcome.side) {
        eprintln!("concur: could not save the Python side's status: {e:#}");
    }
    let records_dir = concur::results::records_dir();
    match concur::results::write_records(
        &records_dir,
        "python",
        &outcome.records,
        filter.is_active(),
    ) {
        Ok(path) => eprintln!("concur: Python side records written to {}", path.display()),
        Err(e) => eprintln!("concur: could not save records: {e:#}"),
    }
    match concur::report::generate("cargo bench") {
        Ok(page) => eprintln!("concur: report written to {}", page.display()),
        Err(e) => eprintln!("concur: could not write the report: {e:#}"),
    }
}
