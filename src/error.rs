//! The library's typed errors: what a caller (the CLI, a bench, a test) can act on.
//!
//! Each message is one line a user can read without the source at hand; the CLI prints it as
//! `Error: …` and exits non-zero.

use thiserror::Error;

/// Everything that can stop a cell from running or from producing a trustworthy answer.
#[derive(Debug, Error)]
pub enum Error {
    #[error("unknown workload `{0}` (see `concur list`)")]
    UnknownWorkload(String),

    #[error("unknown model `{0}` (see `concur list`)")]
    UnknownModel(String),

    #[error("{what} must be between {min} and {max}, got {got}")]
    OutOfRange {
        what: &'static str,
        min: u64,
        max: u64,
        got: u64,
    },

    #[error("{0}")]
    InvalidInput(String),

    #[error("could not start model `{model}`: {reason}")]
    Setup { model: &'static str, reason: String },

    #[error("model `{model}` could not run: {reason}")]
    Execute { model: &'static str, reason: String },

    #[error("worker process {index} (pid {pid}) {what}")]
    Worker {
        index: usize,
        pid: u32,
        what: String,
    },

    #[error("mock server: {0}")]
    Mock(String),
}

/// Shorthand used across the library.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// `value`, if `min <= value <= max`; else the [`Error::OutOfRange`] naming `what` (a flag).
pub fn check_range(what: &'static str, value: u64, min: u64, max: u64) -> Result<u64> {
    if value < min || value > max {
        return Err(Error::OutOfRange {
            what,
            min,
            max,
            got: value,
        });
    }
    Ok(value)
}
