//! Pipelines: work that flows through stages joined by queues, as the tutorials' crawler does
//! (fetchers → `queue.Queue` → parsers → one total). Not the task shape of [`crate::run`]
//! (independent tasks added up at the end): here a page is fetched by one stage and parsed by
//! the next, and how the stages are joined is what is measured.
//!
//! The crawl fetches `pages` pages of [`crate::crawl_page`] from the mock and parses each
//! (links and words), in one of four [`Shape`]s:
//!
//! - in turn: fetch a page, parse it, the next: the baseline, on one thread;
//! - two-phase: F fetchers fetch every page into a queue, then P parsers parse them all;
//! - fused: F + P workers each fetch a page and parse it, then the next;
//! - pipelined: F fetchers → a [`queue::Cap`]-bounded queue → P parsers, at the same time;
//!
//! under one of three [`Flavour`]s (threads, async tasks on tokio, worker processes for the
//! parse). The flavours are in `threads.rs`, `tasks.rs` and `processes.rs`; each runs the
//! stages with what it is made of and reports every item to a [`Recorder`] (its span, its
//! counts). [`Crawler::run`] checks each run: every page parsed exactly once, the counts equal
//! the generator's ([`crawl_page::expected`]), nothing failed. [`ideal`] derives the best time
//! of each shape from the baseline's own fetch and parse costs; [`compare`] runs the
//! comparison `concur run crawl` prints and the bench records.

pub mod compare;
pub mod ideal;
mod processes;
pub mod queue;
pub mod record;
mod recorder;
pub mod session;
mod tasks;
mod threads;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use serde::{Deserialize, Serialize};

use crate::census::{self, Census};
use crate::crawl_page::{self, Counts};
use crate::error::{Error, Result};
use crate::mem;
use queue::{Cap, Depth};
pub(crate) use recorder::Recorder;

/// The name `concur run` and the report know the crawl by.
pub const NAME: &str = "crawl";
/// One line for `concur list`.
pub const SUMMARY: &str = "GET pages of links and words, parse each: fetchers and parsers \
                           as stages joined by a queue, run two-phase, fused and pipelined \
                           under threads, async and processes";
/// Fetchers, as the tutorial's crawler had.
pub const FETCHERS: usize = 3;
/// Parsers, as the tutorial's crawler had.
pub const PARSERS: usize = 2;
/// Pages, as the tutorial's crawler fetched.
pub const PAGES: usize = 50;
/// The most pages a run takes.
pub const MAX_PAGES: usize = 10_000;

/// How the stages are joined.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Shape {
    InTurn,
    TwoPhase,
    Fused,
    Pipelined,
}

impl Shape {
    pub const ALL: [Shape; 4] = [
        Shape::InTurn,
        Shape::TwoPhase,
        Shape::Fused,
        Shape::Pipelined,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Shape::InTurn => "in turn",
            Shape::TwoPhase => "two-phase",
            Shape::Fused => "fused",
            Shape::Pipelined => "pipelined",
        }
    }

    /// What the shape does with F fetchers and P parsers.
    pub fn about(self) -> &'static str {
        match self {
            Shape::InTurn => "fetch a page, parse it, then the next, on one thread",
            Shape::TwoPhase => "F fetch every page, then P parse them all",
            Shape::Fused => "F + P workers each fetch a page and parse it",
            Shape::Pipelined => "F fetchers feed P parsers through a queue, at once",
        }
    }
}

/// What the stages are made of.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Flavour {
    Threads,
    Async,
    Processes,
}

impl Flavour {
    pub const ALL: [Flavour; 3] = [Flavour::Threads, Flavour::Async, Flavour::Processes];

    pub fn name(self) -> &'static str {
        match self {
            Flavour::Threads => "threads",
            Flavour::Async => "async",
            Flavour::Processes => "processes",
        }
    }

    /// The colour the report draws it in (`#rrggbb`).
    pub fn color(self) -> &'static str {
        match self {
            Flavour::Threads => "#e69f00",
            Flavour::Async => "#0072b2",
            Flavour::Processes => "#cc79a7",
        }
    }

    /// What each stage is, and the Python it retells.
    pub fn about(self) -> &'static str {
        match self {
            Flavour::Threads => {
                "a std thread per fetcher and parser, the queue blocking (threading + queue.Queue)"
            }
            Flavour::Async => {
                "a tokio task per fetcher and parser on one worker thread per core, the queue \
                 awaited; a parse holds its worker (asyncio + asyncio.Queue)"
            }
            Flavour::Processes => {
                "fetcher threads here, each parse sent down a pipe to a worker process \
                 (threads + multiprocessing)"
            }
        }
    }
}

/// Everything a crawl run needs to know.
#[derive(Clone, Debug)]
pub struct Setup {
    pub pages: usize,
    pub page_bytes: usize,
    /// `http://127.0.0.1:PORT` of the mock.
    pub base_url: String,
    pub timeout_ms: u64,
    pub fetchers: usize,
    pub parsers: usize,
    /// The pipelined shape's queue (the two-phase one holds every page by design).
    pub queue: Cap,
    /// The program worker processes run (this executable unless set, as tests set it).
    pub worker_exe: Option<PathBuf>,
}

impl Setup {
    /// Page `i`'s URL.
    pub fn url(&self, i: usize) -> String {
        format!("{}{}", self.base_url, crawl_page::path(i, self.page_bytes))
    }
}

/// A fetched body as text, without a copy when it is UTF-8 (a page always is).
pub(crate) fn text(body: Vec<u8>) -> String {
    String::from_utf8(body).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// What a stage did with one page.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Stage {
    Fetch,
    Parse,
    /// Fetch and parse in one go (the fused shape).
    Both,
}

/// One page through one stage: when, and on which worker of that stage.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct ItemSpan {
    pub page: usize,
    pub stage: Stage,
    pub lane: usize,
    pub start_s: f64,
    pub end_s: f64,
}

/// A stage's failure that is not one page's: the flavour itself broke.
pub(crate) fn broke(flavour: Flavour, why: impl std::fmt::Display) -> Error {
    Error::Execute {
        model: flavour.name(),
        reason: why.to_string(),
    }
}

/// What a flavour is, once started: it runs a shape's stages, reporting to the recorder.
pub(crate) trait Stages: Send {
    /// Run `shape` (never [`Shape::InTurn`], which needs no flavour) over `setup`'s pages.
    /// The depth samples of the queue between the stages, if the shape has one.
    fn run(
        &mut self,
        shape: Shape,
        setup: &Arc<Setup>,
        rec: &Arc<Recorder>,
    ) -> Result<Option<Vec<Depth>>>;
    /// Its worker processes, for peak memory.
    fn worker_pids(&self) -> Vec<u32> {
        Vec::new()
    }
}

/// One run of one (shape, flavour), checked.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct PipelineRun {
    pub shape: Shape,
    pub flavour: Flavour,
    /// The queue between the stages (pipelined), or `None`.
    pub queue: Option<Cap>,
    /// True only if every page was fetched and parsed once and the counts are the known ones.
    pub ok: bool,
    pub answer: Option<Counts>,
    pub expected: Counts,
    pub wall_s: f64,
    pub setup_s: f64,
    pub errors: Vec<String>,
    pub spans: Vec<ItemSpan>,
    /// Pages fetched and not yet parsed, after every push and pop (two-phase, pipelined).
    pub depth: Vec<Depth>,
    pub peak_depth: Option<usize>,
    pub peak_rss_bytes: Option<u64>,
    pub census: Census,
}

/// A flavour started (setup timed apart), ready to run shapes any number of times.
pub struct Crawler {
    flavour: Flavour,
    setup: Arc<Setup>,
    stages: Box<dyn Stages>,
    setup_s: f64,
    expected: Counts,
}

impl Crawler {
    /// Start `flavour`'s runtime or processes for `setup`.
    pub fn start(flavour: Flavour, setup: Setup) -> Result<Crawler> {
        let expected = crawl_page::expected(setup.pages, setup.page_bytes);
        let began = Instant::now();
        let stages: Box<dyn Stages> = match flavour {
            Flavour::Threads => Box::new(threads::Threads),
            Flavour::Async => Box::new(tasks::Tasks::start()?),
            Flavour::Processes => Box::new(processes::Processes::start(&setup)?),
        };
        Ok(Crawler {
            flavour,
            setup: Arc::new(setup),
            stages,
            setup_s: began.elapsed().as_secs_f64(),
            expected,
        })
    }

    pub fn setup(&self) -> &Setup {
        &self.setup
    }

    /// Run `shape` once and check it. In turn runs on this thread whatever the flavour.
    pub fn run(&mut self, shape: Shape) -> PipelineRun {
        let pids = self.stages.worker_pids();
        mem::reset_peak(&pids);
        let before = census::snapshot();
        let rec = Arc::new(Recorder::new(Instant::now()));
        let ran = match shape {
            Shape::InTurn => {
                threads::in_turn(&self.setup, &rec);
                Ok(None)
            }
            _ => crate::panics::catch(|| self.stages.run(shape, &self.setup, &rec))
                .unwrap_or_else(|p| Err(broke(self.flavour, p))),
        };
        let wall_s = rec.now();
        let census = before.since();
        let peak_rss_bytes = mem::peak_rss(&pids);
        let recorded = rec.take();
        let mut errors = recorded.errors;
        let depth = match ran {
            Ok(depth) => depth,
            Err(e) => {
                errors.push(e.to_string());
                None
            }
        };
        let answer = self.check(&recorded.parsed, &mut errors);
        PipelineRun {
            shape,
            flavour: self.flavour,
            queue: (shape == Shape::Pipelined).then_some(self.setup.queue),
            ok: errors.is_empty(),
            answer,
            expected: self.expected,
            wall_s,
            setup_s: self.setup_s,
            errors,
            spans: recorded.spans,
            peak_depth: depth
                .as_ref()
                .map(|d| d.iter().map(|s| s.depth).max().unwrap_or(0)),
            depth: depth.unwrap_or_default(),
            peak_rss_bytes,
            census,
        }
    }

    /// The total of `parsed`, if every page was parsed exactly once and it is the known
    /// answer; what is wrong otherwise goes to `errors`.
    fn check(&self, parsed: &[(usize, Counts)], errors: &mut Vec<String>) -> Option<Counts> {
        let mut times: BTreeMap<usize, usize> = BTreeMap::new();
        let mut total = Counts::default();
        for &(page, counts) in parsed {
            *times.entry(page).or_default() += 1;
            total += counts;
        }
        let twice: Vec<String> = times
            .iter()
            .filter(|&(_, &n)| n > 1)
            .map(|(p, n)| format!("{p} ({n} times)"))
            .collect();
        if !twice.is_empty() {
            errors.push(format!("pages parsed more than once: {}", twice.join(", ")));
        }
        let missing = (0..self.setup.pages)
            .filter(|p| !times.contains_key(p))
            .count();
        if missing > 0 {
            errors.push(format!(
                "{missing} of {} pages never parsed",
                self.setup.pages
            ));
            return None;
        }
        if errors.is_empty() && total != self.expected {
            errors.push(format!(
                "wrong answer: got {total}, expected {}",
                self.expected
            ));
        }
        Some(total)
    }
}
