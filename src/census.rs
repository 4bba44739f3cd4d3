//! What a run creates: OS threads, async tasks, processes and TCP connections (placeholder
//! until the census branch lands: every count is zero).

use serde::{Deserialize, Serialize};

/// Counts of what one run created.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Census {
    pub threads: u64,
    pub tasks: u64,
    pub processes: u64,
    pub connections: u64,
}
