//! `--concurrency` for the models that block a thread per task: a counting semaphore, like
//! Python's `threading.Semaphore(n)`, and [`limited`] to run a task under it when there is one.

use std::sync::{Condvar, Mutex};

/// A counting semaphore for threads: at most `n` holders at once (`--concurrency` for the
/// blocking models, like `threading.Semaphore(n)`).
pub(crate) struct Permits {
    free: Mutex<usize>,
    freed: Condvar,
}

impl Permits {
    pub(crate) fn new(n: usize) -> Permits {
        Permits {
            free: Mutex::new(n.max(1)),
            freed: Condvar::new(),
        }
    }

    /// Wait for a permit, run `f`, give the permit back.
    pub(crate) fn with<T>(&self, f: impl FnOnce() -> T) -> T {
        {
            let mut free = self.free.lock().unwrap_or_else(|e| e.into_inner());
            while *free == 0 {
                free = self.freed.wait(free).unwrap_or_else(|e| e.into_inner());
            }
            *free -= 1;
        }
        let out = f();
        *self.free.lock().unwrap_or_else(|e| e.into_inner()) += 1;
        self.freed.notify_one();
        out
    }
}

/// Run `f` under `permits` if there are any, directly otherwise.
pub(crate) fn limited<T>(permits: Option<&Permits>, f: impl FnOnce() -> T) -> T {
    match permits {
        Some(p) => p.with(f),
        None => f(),
    }
}
