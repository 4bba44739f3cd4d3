//! State shared by a model's lanes: the tutorial's bank account and a counter, kept in a
//! process-wide registry so that tasks, which are plain data, can name them.
//!
//! A task carries a state id (a [`StateId`], fresh for every run: see `run::Prepared`) and
//! finds its account or counter here, created at its opening value on first use *in whichever
//! process runs the task*. That is exactly the lesson of the tutorials: threads and async
//! tasks of one process change the parent's account; each worker process creates and changes
//! its own copy, and the parent's account is left as it opened.
//!
//! # What Rust refuses, and what it accepts
//!
//! Two threads handed the same `&mut` do not compile: the borrow checker sees two mutable
//! borrows alive at once (this block is a doc test that must fail to compile).
//!
//! ```compile_fail,E0499
//! let mut balance: i64 = 1000;
//! let account = &mut balance;
//! std::thread::scope(|s| {
//!     s.spawn(|| *account -= 800);
//!     s.spawn(|| *account -= 800); // error[E0499]: second mutable borrow
//! });
//! ```
//!
//! The safe versions share the account behind a lock or as an atomic, both of which compile:
//!
//! ```
//! use std::sync::atomic::{AtomicI64, Ordering};
//! use std::sync::Mutex;
//!
//! let locked = Mutex::new(1000_i64);
//! let atomic = AtomicI64::new(1000);
//! std::thread::scope(|s| {
//!     for _ in 0..2 {
//!         s.spawn(|| *locked.lock().unwrap() -= 800);
//!         s.spawn(|| atomic.fetch_sub(800, Ordering::SeqCst));
//!     }
//! });
//! assert_eq!(*locked.lock().unwrap(), -600);
//! assert_eq!(atomic.load(Ordering::SeqCst), -600);
//! ```
//!
//! Compiling is not being right: each *step* above is safe, yet the check ("is there enough?")
//! and the update are still two steps, and a pause between them lets both withdrawals pass
//! the check. [`Account::withdraw`] keeps that race (two atomic steps, no undefined
//! behaviour), and [`Account::withdraw_locked`] holds one lock across check, pause and
//! update, as the tutorial's `threading.Lock` does.

use std::collections::HashMap;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::{Arc, LazyLock, Mutex, MutexGuard};
use std::time::Duration;

use serde::{Deserialize, Serialize};

/// Names one run's state: a fresh id per run, so that runs never see each other's accounts.
pub type StateId = u64;

/// An id no run has used in this process (and, the ids coming from the parent, in its
/// workers either).
pub fn fresh_id() -> StateId {
    static NEXT: AtomicU64 = AtomicU64::new(1);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

/// A bank account: its balance, and the locks a withdrawal holds across check and update
/// (a blocking one for threads, an async one for event loops, whose tasks hold it across an
/// `.await`). A run takes one path or the other, never both.
#[derive(Debug)]
pub struct Account {
    balance: AtomicI64,
    lock: Mutex<()>,
    async_lock: tokio::sync::Mutex<()>,
}

/// What one withdrawal did, and where.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Withdrawal {
    /// True when the check passed and the amount was taken.
    pub accepted: bool,
    /// The balance this withdrawal left (what it saw, when refused).
    pub balance: i64,
    /// The process whose copy of the account it changed.
    pub pid: u32,
    /// The run's state id, so the parent can look its own account up.
    pub state: StateId,
}

/// What one task's increments of a shared counter did, and where.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counted {
    /// The increments this task made.
    pub added: u64,
    /// The counter's value after its last increment (the largest of a process's tasks is
    /// that process's final value).
    pub after: u64,
    /// The process whose copy of the counter it changed.
    pub pid: u32,
    /// The run's state id, so the parent can look its own counter up.
    pub state: StateId,
}

impl Account {
    fn new(opening: i64) -> Account {
        Account {
            balance: AtomicI64::new(opening),
            lock: Mutex::new(()),
            async_lock: tokio::sync::Mutex::new(()),
        }
    }

    /// The balance now.
    pub fn balance(&self) -> i64 {
        self.balance.load(Ordering::SeqCst)
    }

    /// Check, pause, update, with nothing held: two atomic steps with a gap between them.
    pub fn withdraw(&self, amount: i64, pause: Duration) -> (bool, i64) {
        let seen = self.balance.load(Ordering::SeqCst);
        if seen < amount {
            return (false, seen);
        }
        std::thread::sleep(pause);
        (
            true,
            self.balance.fetch_sub(amount, Ordering::SeqCst) - amount,
        )
    }

    /// The same with the lock held across check, pause and update.
    pub fn withdraw_locked(&self, amount: i64, pause: Duration) -> (bool, i64) {
        let _held = relock(self.lock.lock());
        self.withdraw(amount, pause)
    }

    /// [`Account::withdraw`] on an event loop: the pause is an `.await`, where other tasks run.
    pub async fn withdraw_async(&self, amount: i64, pause: Duration) -> (bool, i64) {
        let seen = self.balance.load(Ordering::SeqCst);
        if seen < amount {
            return (false, seen);
        }
        tokio::time::sleep(pause).await;
        (
            true,
            self.balance.fetch_sub(amount, Ordering::SeqCst) - amount,
        )
    }

    /// [`Account::withdraw_async`] holding an async lock across the `.await`.
    pub async fn withdraw_async_locked(&self, amount: i64, pause: Duration) -> (bool, i64) {
        let _held = self.async_lock.lock().await;
        self.withdraw_async(amount, pause).await
    }
}

/// How the increments of a counter are shared between the tasks that make them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Sharing {
    /// One counter behind a `Mutex`, locked for every increment.
    Mutex,
    /// One `AtomicU64`, `fetch_add` for every increment.
    Atomic,
    /// Each task counts in a local variable; the sums are merged at the end.
    Local,
}

/// A shared counter, in both of its shared forms.
#[derive(Debug, Default)]
pub struct Counter {
    locked: Mutex<u64>,
    atomic: AtomicU64,
}

impl Counter {
    /// Add one `n` times, the way `sharing` says; the value after the last increment (for
    /// [`Sharing::Local`], the local sum).
    pub fn add(&self, n: u64, sharing: Sharing) -> u64 {
        let one = || std::hint::black_box(1u64);
        match sharing {
            Sharing::Mutex => {
                let mut after = 0;
                for _ in 0..n {
                    let mut value = relock(self.locked.lock());
                    *value += one();
                    after = *value;
                }
                after
            }
            Sharing::Atomic => {
                let mut after = 0;
                for _ in 0..n {
                    after = self.atomic.fetch_add(one(), Ordering::Relaxed) + 1;
                }
                after
            }
            Sharing::Local => {
                let mut sum = 0u64;
                for _ in 0..n {
                    sum += one();
                }
                sum
            }
        }
    }

    /// The value now (both forms added: a run uses one).
    pub fn value(&self) -> u64 {
        *relock(self.locked.lock()) + self.atomic.load(Ordering::Relaxed)
    }
}

/// A poisoned lock is still a lock: the value it guards is a number, never half-written.
fn relock<T>(r: std::sync::LockResult<MutexGuard<'_, T>>) -> MutexGuard<'_, T> {
    r.unwrap_or_else(|e| e.into_inner())
}

#[derive(Default)]
struct Registry {
    accounts: HashMap<(StateId, u32), Arc<Account>>,
    counters: HashMap<StateId, Arc<Counter>>,
}

fn registry() -> MutexGuard<'static, Registry> {
    static REGISTRY: LazyLock<Mutex<Registry>> = LazyLock::new(Mutex::default);
    relock(REGISTRY.lock())
}

/// Account `slot` of run `state` in this process, opened at `opening` on first use.
pub fn account(state: StateId, slot: u32, opening: i64) -> Arc<Account> {
    let mut r = registry();
    Arc::clone(
        r.accounts
            .entry((state, slot))
            .or_insert_with(|| Arc::new(Account::new(opening))),
    )
}

/// The balance of account `slot` of run `state` in this process, if a task opened it here.
pub fn balance(state: StateId, slot: u32) -> Option<i64> {
    registry().accounts.get(&(state, slot)).map(|a| a.balance())
}

/// The counter of run `state` in this process, at 0 on first use.
pub fn counter(state: StateId) -> Arc<Counter> {
    Arc::clone(registry().counters.entry(state).or_default())
}

/// The value of run `state`'s counter in this process, if a task made it here.
pub fn counted(state: StateId) -> Option<u64> {
    registry().counters.get(&state).map(|c| c.value())
}

/// Drop run `state`'s accounts and counter from this process, once its answer is known.
pub fn forget(state: StateId) {
    let mut r = registry();
    r.accounts.retain(|(s, _), _| *s != state);
    r.counters.remove(&state);
}

/// Drop every run's state older than `state`: a worker process, whose cell runs one run at
/// a time, calls this when a newer run's task arrives, so it keeps one run's copies at most.
pub fn forget_before(state: StateId) {
    let mut r = registry();
    r.accounts.retain(|(s, _), _| *s >= state);
    r.counters.retain(|s, _| *s >= state);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pause_between_check_and_update_lets_both_withdrawals_through() {
        let pause = Duration::from_millis(50);
        let (plain, locked) = (fresh_id(), fresh_id());
        std::thread::scope(|s| {
            for _ in 0..2 {
                s.spawn(|| account(plain, 0, 1000).withdraw(800, pause));
                s.spawn(|| account(locked, 0, 1000).withdraw_locked(800, pause));
            }
        });
        assert_eq!(balance(plain, 0), Some(-600));
        assert_eq!(balance(locked, 0), Some(200));
        forget(plain);
        assert_eq!(balance(plain, 0), None);
        assert_eq!(balance(locked, 0), Some(200));
        forget_before(locked + 1);
        assert_eq!(balance(locked, 0), None);
    }

    #[test]
    fn every_sharing_counts_every_increment() {
        for sharing in [Sharing::Mutex, Sharing::Atomic, Sharing::Local] {
            let id = fresh_id();
            std::thread::scope(|s| {
                for _ in 0..4 {
                    s.spawn(|| counter(id).add(10_000, sharing));
                }
            });
            let expected = if sharing == Sharing::Local { 0 } else { 40_000 };
            assert_eq!(counted(id), Some(expected), "{sharing:?}");
            forget(id);
        }
    }
}
