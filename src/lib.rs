//! concur: the same workloads under every concurrency model, measured and checked.
//!
//! The map, one module a paragraph (see ARCHITECTURE.md for the invariants):
//!
//! - [`workload`]: *what* to compute. A workload is a named, parameterised job made of
//!   independent tasks with a known answer (`primes`, `sum-squares`, `uneven`). It never spawns
//!   anything.
//! - [`task`]: a task as plain data, and the dispatch from a task to its kernel. Tasks are
//!   serialisable so the `process` model can send them down a pipe.
//! - [`model`]: *how* to compute. A model (`sequential`, `threads`, `pool`, `process`, `async`,
//!   `async-mt`, `async-blocking`) starts once (setup, timed apart) and then executes batches of
//!   tasks, recording a span for each. It never names a workload.
//! - [`run`]: where the two meet. Runs a cell, checks the answer, and produces a
//!   [`run::RunRecord`]; also the ideal-time arithmetic.
//! - [`error`]: the typed errors callers act on.
//!
//! Glossary: a *workload* is made of *tasks*; a *model* executes them; a *cell* is one
//! (workload, model, parameters) combination; a *run* is one execution of a cell; the *ideal*
//! is the best time the hardware allows for the cell.

pub mod census;
pub mod error;
pub mod http;
pub mod mem;
pub mod mock;
pub mod model;
pub mod report;
pub mod results;
pub mod run;
pub mod task;
pub mod workload;

pub use error::{Error, Result};
