//! The threads flavour: a std thread per fetcher and per parser, joined by the blocking face
//! of [`Queue`] (the tutorial's `threading` + `queue.Queue`); and the in-turn baseline, on
//! the calling thread. Fetchers take the next page from a shared counter, as the tutorial's
//! threads took the next URL from a list.

use std::hint::black_box;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread;

use super::queue::{Cap, Depth, Producing, Queue};
use super::{broke, Flavour, Recorder, Setup, Shape, Stage, Stages};
use crate::crawl_page;
use crate::error::Result;
use crate::http;

/// A fetched page waiting for a parser: its number and body.
pub(super) type Fetched = (usize, String);

/// GET page `i` on this thread.
pub(super) fn fetch(setup: &Setup, i: usize) -> std::result::Result<String, String> {
    http::get_blocking(&setup.url(i), setup.timeout_ms).map(|reply| super::text(reply.body))
}

/// Parse a body on this thread and report it.
pub(super) fn parse(rec: &Recorder, page: usize, body: &str, lane: usize) {
    let start_s = rec.now();
    let counts = black_box(crawl_page::parse(black_box(body)));
    rec.span(page, Stage::Parse, lane, start_s);
    rec.parsed(page, counts);
}

/// The next page number from `next`, while there are pages left.
pub(super) fn take(next: &AtomicUsize, pages: usize) -> Option<usize> {
    let i = next.fetch_add(1, Ordering::Relaxed);
    (i < pages).then_some(i)
}

/// The baseline: fetch a page, parse it, then the next, on this thread.
pub(super) fn in_turn(setup: &Setup, rec: &Recorder) {
    for i in 0..setup.pages {
        let start_s = rec.now();
        match fetch(setup, i) {
            Ok(body) => {
                rec.span(i, Stage::Fetch, 0, start_s);
                parse(rec, i, &body, 0);
            }
            Err(e) => rec.error(i, e),
        }
    }
}

/// A fetcher: fetch the next page into `queue` until none is left or the queue is aborted.
pub(super) fn fetcher(
    setup: &Setup,
    rec: &Recorder,
    next: &AtomicUsize,
    queue: &Queue<Fetched>,
    lane: usize,
) {
    let _producing = Producing(queue);
    while let Some(i) = take(next, setup.pages) {
        let start_s = rec.now();
        match fetch(setup, i) {
            Ok(body) => {
                rec.span(i, Stage::Fetch, lane, start_s);
                if queue.push((i, body)).is_err() {
                    return;
                }
            }
            Err(e) => rec.error(i, e),
        }
    }
}

pub(super) struct Threads;

impl Stages for Threads {
    fn run(
        &mut self,
        shape: Shape,
        setup: &Arc<Setup>,
        rec: &Arc<Recorder>,
    ) -> Result<Option<Vec<Depth>>> {
        let (f, p) = (setup.fetchers, setup.parsers);
        let next = AtomicUsize::new(0);
        let (setup, rec, next) = (&**setup, &**rec, &next);
        match shape {
            Shape::InTurn => in_turn(setup, rec),
            Shape::Fused => team(f + p, &|| {}, |lane| {
                while let Some(i) = take(next, setup.pages) {
                    let start_s = rec.now();
                    match fetch(setup, i) {
                        Ok(body) => {
                            let counts = black_box(crawl_page::parse(black_box(&body)));
                            rec.span(i, Stage::Both, lane, start_s);
                            rec.parsed(i, counts);
                        }
                        Err(e) => rec.error(i, e),
                    }
                }
            })?,
            Shape::TwoPhase => {
                let queue = Queue::new(Cap::Unbounded, f, rec.clock());
                let (q, stop) = (&queue, &|| queue.abort());
                team(f, stop, |lane| fetcher(setup, rec, next, q, lane))?;
                team(p, stop, |lane| parser(rec, q, f + lane))?;
                return Ok(Some(queue.samples()));
            }
            Shape::Pipelined => {
                let queue = Queue::new(setup.queue, f, rec.clock());
                let (q, stop) = (&queue, &|| queue.abort());
                team(f + p, stop, |lane| match lane < f {
                    true => fetcher(setup, rec, next, q, lane),
                    false => parser(rec, q, lane),
                })?;
                return Ok(Some(queue.samples()));
            }
        }
        Ok(None)
    }
}

/// A parser: parse what `queue` hands over until it ends.
fn parser(rec: &Recorder, queue: &Queue<Fetched>, lane: usize) {
    while let Some((i, body)) = queue.pop() {
        parse(rec, i, &body, lane);
    }
}

/// `n` scoped threads running `body(lane)`, all joined. A thread the OS refuses is an error,
/// and so is one that panics: either way `stop` is called at once (the caller aborts its
/// queue), so the threads that did start are not left waiting for the missing one.
fn team(n: usize, stop: &(dyn Fn() + Sync), body: impl Fn(usize) + Sync) -> Result<()> {
    let body = &body;
    thread::scope(|scope| {
        let mut failed = None;
        let mut handles = Vec::with_capacity(n);
        for lane in 0..n {
            let spawned = thread::Builder::new()
                .name(format!("crawl-{lane}"))
                .spawn_scoped(scope, move || {
                    let _stop = StopOnPanic(stop);
                    body(lane)
                });
            match spawned {
                Ok(h) => handles.push(h),
                Err(e) => {
                    stop();
                    failed = Some(format!("the OS refused a thread: {e}"));
                    break;
                }
            }
        }
        for h in handles {
            if h.join().is_err() {
                failed = Some("a stage thread panicked".to_string());
            }
        }
        failed.map_or(Ok(()), |why| Err(broke(Flavour::Threads, why)))
    })
}

/// Calls its function when dropped by a panicking thread.
pub(super) struct StopOnPanic<'a>(pub &'a (dyn Fn() + Sync));

impl Drop for StopOnPanic<'_> {
    fn drop(&mut self) {
        if thread::panicking() {
            (self.0)();
        }
    }
}
