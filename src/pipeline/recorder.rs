//! Where a run's stages report, from any thread: each page's span through a stage, each
//! page's counts as parsed (what the aggregator adds up), and each page's error. The run
//! checks what was recorded ([`super::Crawler::run`]).

use std::sync::Mutex;
use std::time::Instant;

use super::{ItemSpan, Stage};
use crate::crawl_page::Counts;

/// Where the stages report, from any thread: spans, each page's counts, errors.
pub(crate) struct Recorder {
    clock: Instant,
    state: Mutex<Recorded>,
}

#[derive(Default)]
pub(super) struct Recorded {
    pub(super) spans: Vec<ItemSpan>,
    pub(super) parsed: Vec<(usize, Counts)>,
    pub(super) errors: Vec<String>,
}

impl Recorder {
    pub(super) fn new(clock: Instant) -> Recorder {
        Recorder {
            clock,
            state: Mutex::new(Recorded::default()),
        }
    }

    pub(crate) fn clock(&self) -> Instant {
        self.clock
    }

    /// Seconds since the run began.
    pub(crate) fn now(&self) -> f64 {
        self.clock.elapsed().as_secs_f64()
    }

    /// Everything recorded so far, taken out.
    pub(super) fn take(&self) -> Recorded {
        self.with(std::mem::take)
    }

    fn with<R>(&self, f: impl FnOnce(&mut Recorded) -> R) -> R {
        f(&mut self.state.lock().unwrap_or_else(|e| e.into_inner()))
    }

    /// `page` went through `stage` on `lane` from `start_s` until now.
    pub(crate) fn span(&self, page: usize, stage: Stage, lane: usize, start_s: f64) {
        self.span_at(page, stage, lane, start_s, self.now());
    }

    /// `page` went through `stage` on `lane` from `start_s` to `end_s`.
    pub(crate) fn span_at(&self, page: usize, stage: Stage, lane: usize, start_s: f64, end_s: f64) {
        self.with(|r| {
            r.spans.push(ItemSpan {
                page,
                stage,
                lane,
                start_s,
                end_s,
            })
        });
    }

    /// `page` was parsed into `counts` (what the aggregator adds up).
    pub(crate) fn parsed(&self, page: usize, counts: Counts) {
        self.with(|r| r.parsed.push((page, counts)));
    }

    pub(crate) fn error(&self, page: usize, what: impl std::fmt::Display) {
        self.with(|r| r.errors.push(format!("page {page}: {what}")));
    }
}
