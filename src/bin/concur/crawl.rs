//! `concur run crawl`: the crawl's pipelines (`concur::pipeline`) instead of the task matrix.
//! The flags that only mean something for independent tasks are refused by name; the rest
//! goes to `pipeline::session`, whose lines are printed as they come.

use std::io;
use std::process::ExitCode;

use anyhow::Result;
use concur::model::Collect;
use concur::pipeline::session::{self, CrawlArgs};

use super::args::RunArgs;
use super::{emit, say_error};

/// `concur run crawl`: stages joined by a queue, not independent tasks (see `pipeline`).
pub(crate) fn run(args: RunArgs) -> Result<ExitCode> {
    let given = [
        (args.models != "all", "--models"),
        (args.workers.is_some(), "--workers"),
        (args.concurrency.is_some(), "--concurrency"),
        (args.batch.is_some(), "--batch"),
        (args.server.is_some(), "--server"),
        (args.collect != Collect::Ordered, "--collect"),
    ];
    let crawl = CrawlArgs {
        size: args.size,
        repeat: args.repeat,
        delay_ms: args.delay_ms,
        timeout_ms: args.timeout_ms,
        fail_rate: args.fail_rate,
        queue: args.queue,
        long: args.long,
        refused: given.iter().filter(|g| g.0).map(|g| g.1).collect(),
    };
    let mut out = io::stdout().lock();
    // A closed stdout ends the run; the io error is kept so it reads as a broken pipe.
    let mut closed = None;
    let failed = session::run(&crawl, args.json, |text| {
        emit(&mut out, &text).map_err(|e| {
            let stopped = concur::Error::InvalidInput(format!("cannot print: {e}"));
            closed = Some(e);
            stopped
        })
    });
    if let Some(e) = closed {
        return Err(e.into());
    }
    match failed? {
        Some(line) => {
            say_error(&line);
            Ok(ExitCode::FAILURE)
        }
        None => Ok(ExitCode::SUCCESS),
    }
}
