//! concur: the same workloads under every concurrency model, measured and checked.
//!
//! The map, one module a paragraph (see ARCHITECTURE.md for the invariants):
//!
//! - [`workload`]: *what* to compute. A workload is a named, parameterised job made of
//!   independent tasks with a known answer (`primes`, `sum-squares`, `uneven`, `sites`,
//!   `mixed`, …). It never spawns anything.
//! - [`kernel`]: the CPU kernels tasks run (`is_prime`, `sum_squares`, `sum_to`), kept honest
//!   with `black_box`; it depends on nothing else in the crate.
//! - [`api_protocol`]: the api workload's question and answer, shared by the mock's responder
//!   and the workload that checks the replies.
//! - [`crawl_page`]: the crawl's pages (links and words), shared by the mock's responder and
//!   the pipelines, with the parse a crawler runs on them.
//! - [`pipeline`]: work that flows through stages joined by bounded queues (the crawl:
//!   fetchers → queue → parsers), run two-phase, fused or pipelined under threads, async
//!   tasks or processes, with queue depth over time and peak memory.
//! - [`task`]: a task as plain data, and the dispatch from a task to its kernel or HTTP call.
//!   Tasks are serialisable so the process model can send them down a pipe.
//! - [`http`]: the two HTTP clients (a genuinely blocking one, and reqwest for async).
//! - [`mock`]: the mock HTTP server IO workloads talk to (our own, on hyper), as a child
//!   process, and its calibration (request and connection rates).
//! - [`model`]: *how* to compute. A model starts once (setup, timed apart), then executes
//!   batches of tasks, handing each finished task with its span to a sink
//!   ([`model::Deliver`]) that stamps when its result was delivered, in submission order or as
//!   completed (`--collect`). It declares what it is ([`model::Traits`]: how it runs tasks,
//!   what it shares, its colour) and never names a workload.
//! - [`run`]: where the two meet. Runs a cell, checks the answer, and produces a
//!   [`run::RunRecord`] with what the run created ([`census`]), the CPU time and context
//!   switches it took ([`usage`], worker processes included) and, where requests run among
//!   CPU tasks, each request's [`latency`] against the server's delay.
//! - [`ideal`]: the best time a cell allows (a [`schedule`] of measured task costs, or the
//!   server's delays and rates), from the same statistic as the measurement.
//! - [`compare`]: the baseline (by declaration), speedups, efficiencies and anomalies, for
//!   `concur run`, the benches and the report alike. [`measure`] applies them model by model
//!   for `concur run`, handing out each row as it finishes.
//! - [`estimate`]: how long a run would take, from a timed sample, said before it starts.
//! - [`unit`]: what one thread, task or process costs (`concur run spawn|sleepers|pingpong`
//!   and the unit bench), beside published figures; [`gate`] is where its sleepers wait.
//! - [`identity`]: a cell's typed identity (workload, comparison, model, varied parameter).
//! - [`results`]: what benches record and the report reads (schema-checked).
//! - [`report`]: results → SVG charts and an offline HTML page; it only reads recorded data.
//! - [`session`], [`verify`], [`terminal`]: what the CLI calls: checked options, the matrix
//!   walk, and the text it prints. [`format`] makes numbers read the same everywhere.
//! - [`remote`]: the server's URL checked and the server probed before a run, and asked
//!   again when a model cannot connect.
//! - [`python`]: the Python side: the tutorials' own programs (`python/tutorials.py`) as
//!   models declaring their language, run in a virtual environment of their own beside their
//!   Rust counterparts; [`tutorials`]: what the tutorials printed (`fixtures/tutorials.json`)
//!   and whether this machine's Python side ran; [`python_table`]: what `concur python`
//!   prints.
//! - [`mem`], [`spawn`], [`limits`], [`interrupt`], [`files`], [`panics`], [`os_threads`],
//!   [`error`]: peak memory of a run; child processes that die with their parent; the
//!   open-file limit raised and named; Ctrl-C and SIGTERM stopping the children and keeping
//!   what finished; files written whole or not at all; caught panics said in one line;
//!   threads asked of the OS before a pool or a runtime starts them; the typed errors
//!   callers act on.
//!
//! Glossary: a *workload* is made of *tasks*; a *model* executes them; a *cell* is one
//! (workload, model, parameters) combination; a *run* is one execution of a cell; the *ideal*
//! is the best time the hardware allows for the cell.

pub mod api_protocol;
pub mod census;
pub mod compare;
pub mod crawl_page;
pub mod error;
pub mod estimate;
pub mod files;
pub mod format;
pub mod gate;
pub mod http;
pub mod ideal;
pub mod identity;
pub mod interrupt;
pub mod kernel;
pub mod latency;
pub mod limits;
pub mod measure;
pub mod mem;
pub mod mock;
pub mod model;
pub mod os_threads;
pub mod panics;
pub mod pipeline;
pub mod python;
pub mod python_table;
pub mod remote;
pub mod report;
pub mod results;
pub mod run;
pub mod schedule;
pub mod session;
pub mod shared;
pub mod spawn;
pub mod task;
pub mod terminal;
pub mod tutorials;
pub mod unit;
pub mod usage;
pub mod verify;
pub mod workload;

pub use error::{Error, Result};
