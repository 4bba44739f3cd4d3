//! The vocabulary of a bench's table: a [`Group`] names a workload, its size, the server's
//! delay, which [`Models`] run and what [`Vary`] changes. Each line of a table is one
//! criterion group.

/// Models measured only in the groups that name them ([`Group::also`], [`Models::Named`]):
/// each teaches its lesson in one or two groups, and a cell in every group would cost bench
/// time (an IO cell that runs in turn takes seconds) without teaching more.
pub const ON_REQUEST: &[&str] = &["async-process", "async-naive", "async-in-turn"];

/// Which models a group measures.
#[derive(Clone, Copy)]
pub enum Models {
    /// Every registered model but those in [`ON_REQUEST`].
    All,
    /// Those whose W can be set (a pool, processes, a runtime's threads), but those in
    /// [`ON_REQUEST`]: for a W sweep.
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
    /// W at these values (no baseline of its own: the group's in-turn cell of the same work,
    /// e.g. the workload's model comparison, is the one speedups are measured against).
    WorkersAt(&'static [usize]),
    /// The settings a tutorial ran the workload with, and what it printed (the cell's note).
    Tutorial(Tutorial),
    /// Results collected in submission order against as they complete (`--collect`).
    Collect,
}

/// A tutorial's own settings: its pool's size, whether it waited for batches, what it measured.
#[derive(Clone, Copy)]
pub struct Tutorial {
    pub workers: PoolSize,
    pub batch: Option<usize>,
    /// The tutorial's figures and why ours differ, shown beside the cell.
    pub note: &'static str,
}

/// How many workers a tutorial's pool had.
#[derive(Clone, Copy)]
pub enum PoolSize {
    /// As many as it said (`max_workers=5`).
    Fixed(usize),
    /// Python's default for `ThreadPoolExecutor()`: min(32, cores + 4).
    PythonDefault,
}

impl PoolSize {
    /// W on a machine with `cores` cores.
    pub fn on(self, cores: usize) -> usize {
        match self {
            PoolSize::Fixed(w) => w,
            PoolSize::PythonDefault => (cores + 4).min(32),
        }
    }
}

/// One criterion group: a row of a bench's table.
#[derive(Clone, Copy)]
pub struct Group {
    pub workload: &'static str,
    pub size: u64,
    /// The mock server's delay for IO workloads.
    pub delay_ms: Option<u64>,
    pub models: Models,
    /// Models measured here on top of `models`, for the lesson each teaches on this group.
    pub also: &'static [&'static str],
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
            also: &[],
            vary: Vary::Models,
        }
    }

    /// The same group, measuring `models` too.
    pub const fn also(self, models: &'static [&'static str]) -> Group {
        Group {
            also: models,
            ..self
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
