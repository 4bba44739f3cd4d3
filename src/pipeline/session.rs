//! What `concur run crawl` calls: its options checked (flags that only mean something for
//! independent tasks are refused by name), two mock servers started as child processes (one
//! with the run's delay, one with none for the queue lesson), the comparison run, its rows
//! and sentences handed out as lines.

use std::path::PathBuf;
use std::time::Duration;

use super::compare::{self, Options, Row, DELAY_MS, PAGE_BYTES};
use super::queue::Cap;
use super::{MAX_PAGES, PAGES};
use crate::error::{check_range, Error, Result};
use crate::mock::{MockSpec, Server};
use crate::session::{
    check_fail_rate, DEFAULT_TIMEOUT_MS, MAX_DELAY_MS, MAX_REPEAT, MAX_TIMEOUT_MS,
};

/// The flags of `concur run` as the crawl gets them.
#[derive(Clone, Debug, Default)]
pub struct CrawlArgs {
    pub size: Option<u64>,
    pub repeat: u64,
    pub delay_ms: Option<u64>,
    pub timeout_ms: Option<u64>,
    pub fail_rate: Option<f64>,
    pub queue: Option<Cap>,
    /// Run even when the estimate says it takes over 10 minutes.
    pub long: bool,
    /// Flags given that the crawl does not take (`--workers`, `--batch`, …), by name.
    pub refused: Vec<&'static str>,
}

/// Longer than this needs `--long`.
const LONG_S: f64 = 600.0;

/// `--queue`: a count of 1 or more, or `unbounded`.
pub fn parse_queue(text: &str) -> std::result::Result<Cap, String> {
    if text == "unbounded" {
        return Ok(Cap::Unbounded);
    }
    match text.parse::<usize>() {
        Ok(0) => Err("a queue of 0 holds nothing: give 1 or more, or `unbounded`".into()),
        Ok(n) if n <= MAX_PAGES => Ok(Cap::Bounded(n)),
        _ => Err(format!(
            "`{text}` is not a queue size: 1 to {MAX_PAGES}, or `unbounded`"
        )),
    }
}

/// Run the crawl comparison; `out` gets the header, each row as it is known and the closing
/// sentences. The result is the one error line for what failed, if anything did.
pub fn run(
    args: &CrawlArgs,
    json: bool,
    mut out: impl FnMut(String) -> Result<()>,
) -> Result<Option<String>> {
    if let Some(flag) = args.refused.first() {
        return Err(Error::InvalidInput(format!(
            "crawl runs its own fetchers and parsers: it does not take {flag} (it takes \
             --size, --repeat, --delay-ms, --timeout-ms, --fail-rate, --queue, --json)"
        )));
    }
    let pages = check_range(
        "--size",
        args.size.unwrap_or(PAGES as u64),
        1,
        MAX_PAGES as u64,
    )?;
    let repeat = check_range("--repeat", args.repeat, 1, MAX_REPEAT)?;
    let delay_ms = check_range(
        "--delay-ms",
        args.delay_ms.unwrap_or(DELAY_MS),
        0,
        MAX_DELAY_MS,
    )?;
    let timeout_ms = check_range(
        "--timeout-ms",
        args.timeout_ms.unwrap_or(DEFAULT_TIMEOUT_MS),
        1,
        MAX_TIMEOUT_MS,
    )?;
    let fail_rate = check_fail_rate(args.fail_rate.unwrap_or(0.0))?;
    // Every run at most as long as the baseline's: each page's delay and a parse (about
    // 10 ms here at most), for the baseline and the 11 other rows.
    let estimate_s = 12.0 * (repeat * pages) as f64 * (delay_ms as f64 / 1e3 + 0.01);
    if estimate_s > LONG_S && !args.long {
        return Err(Error::InvalidInput(format!(
            "crawl would take up to {} ({pages} pages, {repeat} repeats, 12 rows): add --long \
             to run it anyway",
            crate::format::duration(estimate_s)
        )));
    }
    let exe: PathBuf = std::env::current_exe()
        .map_err(|e| Error::InvalidInput(format!("cannot find this program: {e}")))?;
    let spec = |delay_ms| MockSpec {
        delay: Duration::from_millis(delay_ms),
        fail_rate,
    };
    let server = Server::spawn(&exe, spec(delay_ms))?;
    let fast = Server::spawn(&exe, spec(0))?;
    let options = Options {
        pages: pages as usize,
        page_bytes: PAGE_BYTES,
        delay_ms,
        timeout_ms,
        repeat: repeat as usize,
        queue: args.queue.unwrap_or(compare::QUEUE),
        worker_exe: None,
    };
    if !json {
        out(format!(
            "crawl: {pages} pages of {} KiB, {} fetchers, {} parsers, server delay {delay_ms} ms, \
             {} cores, median of {repeat}\n",
            PAGE_BYTES / 1024,
            super::FETCHERS,
            super::PARSERS,
            crate::run::cores()
        ))?;
        out(compare::header())?;
    }
    let (rows, costs) = compare::run(&options, server.uri(), fast.uri(), |row| {
        out(match json {
            true => serde_json::to_string(row).unwrap_or_default() + "\n",
            false => compare::line(row),
        })
    })?;
    if !json {
        for sentence in compare::summary(&rows, costs.as_ref()) {
            out(format!("{sentence}\n"))?;
        }
    }
    Ok(error_line(&rows))
}

/// One line for every row that failed, if any did.
fn error_line(rows: &[Row]) -> Option<String> {
    let failed: Vec<&Row> = rows.iter().filter(|r| !r.ok).collect();
    let first = failed.first()?;
    Some(format!(
        "crawl: {} of {} rows failed; first, {} {}: {}",
        failed.len(),
        rows.len(),
        first.shape.name(),
        first.flavour.name(),
        first.errors.first().map_or("no answer", String::as_str)
    ))
}
