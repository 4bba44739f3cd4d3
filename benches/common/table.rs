//! The vocabulary of a bench's table: a [`Group`] names a workload, its size, the server's
//! delay, which [`Models`] run and what [`Vary`] changes. Each line of a table is one
//! criterion group.

/// Which models a group measures.
#[derive(Clone, Copy)]
pub enum Models {
    /// Every registered model.
    All,
    /// Those whose W can be set (a pool, processes, a runtime's threads): for a W sweep.
    TakingW,
    /// These, by name.
    Named(&'static [&'static str]),
}

/// What a group varies.
#[derive(Clone, Copy)]
pub enum Vary {
    /// Nothing: each model once at its natural W (the machine's cores).
    Models,
    /// W from 1 to twice the cores, plus the baseline at W = 1.
    Workers,
    /// The workload's size.
    Sizes(&'static [u64]),
    /// A sliding window of N in flight against batches of N.
    Limits(usize),
    /// Results collected in submission order against as they complete (`--collect`).
    Collect,
}

/// One criterion group: a row of a bench's table.
#[derive(Clone, Copy)]
pub struct Group {
    pub workload: &'static str,
    pub size: u64,
    /// The mock server's delay for IO workloads.
    pub delay_ms: Option<u64>,
    pub models: Models,
    pub vary: Vary,
}

impl Group {
    /// A CPU workload, every model once.
    pub const fn cpu(workload: &'static str, size: u64) -> Group {
        Group {
            workload,
            size,
            delay_ms: None,
            models: Models::All,
            vary: Vary::Models,
        }
    }

    /// An IO workload against a server delaying each reply by `delay_ms`, every model once.
    pub const fn io(workload: &'static str, size: u64, delay_ms: u64) -> Group {
        Group {
            delay_ms: Some(delay_ms),
            ..Group::cpu(workload, size)
        }
    }
}
