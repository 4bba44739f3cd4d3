//! Gates: a unit of the `sleepers` probe waits at one until every unit of its run is alive,
//! so the run's peak memory really holds all N of them at once (a plain sleep does not: the
//! first sleepers could end before the last start).
//!
//! A [`Task::Gather`](crate::task::Task) names its gate by a number and says how many units
//! it waits for. The gate is process-wide (found by number in a registry), reusable run after
//! run (each filling is a generation), and has a blocking side (threads wait on a condvar)
//! and an async side (tasks wait on a [`tokio::sync::Notify`]), so the same task data runs
//! under threads and under event loops.
//!
//! A gate never hangs a run. The first unit of a generation watches it: when the OS refused
//! a thread since that unit arrived (the run can never fill the gate; `census` counts
//! refusals) or [`DEADLINE`] passed, it breaks the generation, and every unit of it returns
//! the reason as its error. Only models that hold every unit at once can fill a gate
//! (`unit::sleepers` picks them from their declared `Runs`).

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, OnceLock};
use std::time::{Duration, Instant};

use crate::census::{self, Snapshot};

/// How long the first unit of a generation waits for the rest before the run fails.
pub const DEADLINE: Duration = Duration::from_secs(20);
/// How often the first unit looks for a refused thread or the deadline.
const WATCH: Duration = Duration::from_millis(20);

/// A fresh gate number, for a plan that needs a gate of its own.
pub fn new_id() -> u64 {
    static NEXT: AtomicU64 = AtomicU64::new(1);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

/// Wait on the calling thread until `of` units arrived at gate `id`; the unit's arrival
/// index (0..of) in its generation, or why the generation broke.
pub fn wait_blocking(id: u64, of: u64) -> Result<u64, String> {
    let gate = gate(id);
    let (index, generation, watcher) = gate.arrive(of)?;
    let mut state = gate.lock();
    while state.generation == generation {
        if watcher {
            state = gate
                .cv
                .wait_timeout(state, WATCH)
                .map(|(s, _)| s)
                .unwrap_or_else(|e| e.into_inner().0);
            if let Some(reason) = gate.broken_by(&state, generation) {
                state.break_generation(reason);
                gate.wake();
            }
        } else {
            state = gate.cv.wait(state).unwrap_or_else(|e| e.into_inner());
        }
    }
    state.outcome(generation, index)
}

/// Wait on the current async task until `of` units arrived at gate `id` (see
/// [`wait_blocking`]). Needs a runtime with its timer enabled.
pub async fn wait_async(id: u64, of: u64) -> Result<u64, String> {
    let gate = gate(id);
    let (index, generation, watcher) = gate.arrive(of)?;
    loop {
        let notified = gate.notify.notified();
        tokio::pin!(notified);
        notified.as_mut().enable();
        {
            let state = gate.lock();
            if state.generation != generation {
                return state.outcome(generation, index);
            }
        }
        if watcher {
            let _ = tokio::time::timeout(WATCH, notified).await;
            let mut state = gate.lock();
            if let Some(reason) = gate.broken_by(&state, generation) {
                state.break_generation(reason);
                drop(state);
                gate.wake();
            }
        } else {
            notified.await;
        }
    }
}

struct Gate {
    state: Mutex<State>,
    cv: Condvar,
    notify: tokio::sync::Notify,
}

struct State {
    generation: u64,
    arrived: u64,
    /// When the current generation's first unit arrived, and the census then.
    opened: Option<(Instant, Snapshot)>,
    /// The last generation that broke, and why.
    broken: Option<(u64, String)>,
}

impl State {
    fn break_generation(&mut self, reason: String) {
        self.broken = Some((self.generation, reason));
        self.generation += 1;
        self.arrived = 0;
        self.opened = None;
    }

    fn outcome(&self, generation: u64, index: u64) -> Result<u64, String> {
        match &self.broken {
            Some((g, reason)) if *g == generation => Err(reason.clone()),
            _ => Ok(index),
        }
    }
}

impl Gate {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Count this unit in: its index, its generation, and whether it watches the gate. The
    /// unit that fills the gate opens it for everyone.
    fn arrive(&self, of: u64) -> Result<(u64, u64, bool), String> {
        let mut state = self.lock();
        let (index, generation) = (state.arrived, state.generation);
        if index == 0 {
            state.opened = Some((Instant::now(), census::snapshot()));
        }
        state.arrived += 1;
        if state.arrived >= of.max(1) {
            state.generation += 1;
            state.arrived = 0;
            state.opened = None;
            drop(state);
            self.wake();
        }
        Ok((index, generation, index == 0))
    }

    /// Why `generation` can no longer fill, if it cannot.
    fn broken_by(&self, state: &State, generation: u64) -> Option<String> {
        if state.generation != generation {
            return None;
        }
        let (opened, census) = state.opened.as_ref()?;
        let refused = census.refused();
        if refused > 0 {
            return Some(format!(
                "{} of the units were alive when the OS refused {refused} thread(s); the rest never came",
                state.arrived
            ));
        }
        (opened.elapsed() > DEADLINE).then(|| {
            format!(
                "only {} units were alive at once after {} s (this model cannot hold them all)",
                state.arrived,
                DEADLINE.as_secs()
            )
        })
    }

    fn wake(&self) {
        self.cv.notify_all();
        self.notify.notify_waiters();
    }
}

/// The gate numbered `id`, made on first use.
fn gate(id: u64) -> Arc<Gate> {
    static GATES: OnceLock<Mutex<HashMap<u64, Arc<Gate>>>> = OnceLock::new();
    let gates = GATES.get_or_init(Default::default);
    let mut gates = gates.lock().unwrap_or_else(|e| e.into_inner());
    Arc::clone(gates.entry(id).or_insert_with(|| {
        Arc::new(Gate {
            state: Mutex::new(State {
                generation: 0,
                arrived: 0,
                opened: None,
                broken: None,
            }),
            cv: Condvar::new(),
            notify: tokio::sync::Notify::new(),
        })
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn threads_wait_until_all_arrived_and_get_distinct_indices() {
        let id = new_id();
        for _round in 0..2 {
            let mut got: Vec<u64> = std::thread::scope(|s| {
                let hs: Vec<_> = (0..8).map(|_| s.spawn(|| wait_blocking(id, 8))).collect();
                hs.into_iter().map(|h| h.join().unwrap().unwrap()).collect()
            });
            got.sort();
            assert_eq!(got, (0..8).collect::<Vec<_>>());
        }
    }

    #[test]
    fn tasks_on_one_thread_wait_until_all_arrived() {
        let id = new_id();
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let sum: u64 = rt.block_on(async {
            let hs: Vec<_> = (0..100)
                .map(|_| tokio::spawn(wait_async(id, 100)))
                .collect();
            let mut sum = 0;
            for h in hs {
                sum += h.await.unwrap().unwrap();
            }
            sum
        });
        assert_eq!(sum, 99 * 100 / 2);
    }
}
