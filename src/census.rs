//! The census of a run: how many OS threads, async tasks, processes and TCP connections it
//! created, so that nothing a model (or a library under it) starts hides in the measured path.
//!
//! Counters only ever go up; [`snapshot`] reads them and [`Snapshot::since`] says what was
//! created in between. `run::Prepared::run` takes one around every execution and stores the
//! difference in `RunRecord::census`. Each counter is bumped where the thing is made:
//!
//! - **threads**: every successful `pthread_create` in this process, counted by interposing
//!   `pthread_create` itself (the definition below is linked into every binary of this package
//!   and forwards to the C library's, found with `dlsym(RTLD_NEXT)`). So a thread a library
//!   starts behind our back (a resolver thread, a runtime's blocking pool) is counted like one
//!   a model starts on purpose. Only on Linux with glibc; elsewhere `threads` stays 0. Threads
//!   glibc starts for itself without going through its exported `pthread_create` are not seen.
//! - **tasks**: async tasks. Models call [`task_spawned`] for each tokio task they spawn and
//!   each `spawn_blocking`; hyper runs every connection of the async client on a task of its
//!   own, so each connection the async client opens counts as one task too. hyper's few other
//!   helper tasks (the pool's idle reaper, a connect that lost its race to a pooled connection)
//!   are not counted.
//! - **processes**: worker processes, from [`process_spawned`] in the `process` model.
//! - **connections**: TCP connections our HTTP clients opened (established, not failed
//!   attempts), counted in their connectors (see `http.rs`); a reused kept-alive connection
//!   is not a new one.
//!
//! The interposer also counts the threads the OS **refused** ([`Snapshot::refused`]): tokio's
//! blocking pool, for one, carries on with fewer threads than asked when a spawn fails, and a
//! run that silently got fewer threads than its model promises must not pass as measured.
//! For tests, `CONCUR_FAULT_THREADS=N` makes the interposer refuse (with `EAGAIN`, as
//! `ulimit -u` does) any thread that would make more than N of this process's threads alive at
//! once: fault injection that needs no root and no unprivileged user.
//!
//! Worker processes keep their own counters: a worker reports the census of each task with
//! its answer and the parent [`absorb`]s it, so it shows up in the parent's snapshots.
//!
//! The counters are process-wide: whatever else the process does between two snapshots (the
//! CLI's spinner, another test in the same test binary) is counted too.

use std::ops::AddAssign;
use std::sync::atomic::{AtomicU64, Ordering};

use serde::{Deserialize, Serialize};

/// What a run created.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Census {
    /// OS threads (0 where they cannot be counted: see the module doc).
    pub threads: u64,
    /// Async tasks: spawned by models, plus one per connection of the async HTTP client.
    pub tasks: u64,
    /// Worker processes.
    pub processes: u64,
    /// TCP connections opened by the HTTP clients.
    pub connections: u64,
}

/// Add another census, field by field.
impl AddAssign for Census {
    fn add_assign(&mut self, other: Census) {
        self.threads += other.threads;
        self.tasks += other.tasks;
        self.processes += other.processes;
        self.connections += other.connections;
    }
}

/// The counters at one moment; see [`Snapshot::since`].
#[derive(Clone, Copy, Debug)]
pub struct Snapshot(Census, u64);

impl Snapshot {
    /// What was created between this snapshot and now.
    pub fn since(&self) -> Census {
        let now = counters();
        Census {
            threads: now.threads.saturating_sub(self.0.threads),
            tasks: now.tasks.saturating_sub(self.0.tasks),
            processes: now.processes.saturating_sub(self.0.processes),
            connections: now.connections.saturating_sub(self.0.connections),
        }
    }

    /// How many thread creations the OS refused (in this process) since this snapshot.
    pub fn refused(&self) -> u64 {
        threads_refused().saturating_sub(self.1)
    }
}

/// The counters now.
pub fn snapshot() -> Snapshot {
    Snapshot(counters(), threads_refused())
}

/// Whether this build counts OS threads (Linux with glibc); elsewhere `threads` is always 0.
pub fn counts_threads() -> bool {
    cfg!(all(
        target_os = "linux",
        target_env = "gnu",
        not(target_feature = "crt-static")
    ))
}

/// A model spawned an async task (a tokio task, or a `spawn_blocking` closure).
pub fn task_spawned() {
    TASKS.fetch_add(1, Ordering::Relaxed);
}

/// The `process` model started a worker process.
pub fn process_spawned() {
    PROCESSES.fetch_add(1, Ordering::Relaxed);
}

/// An HTTP client opened a TCP connection.
pub fn connection_opened() {
    CONNECTIONS.fetch_add(1, Ordering::Relaxed);
}

/// Count what another process created on our behalf (a worker's report for one task).
pub fn absorb(elsewhere: Census) {
    REPORTED_THREADS.fetch_add(elsewhere.threads, Ordering::Relaxed);
    TASKS.fetch_add(elsewhere.tasks, Ordering::Relaxed);
    PROCESSES.fetch_add(elsewhere.processes, Ordering::Relaxed);
    CONNECTIONS.fetch_add(elsewhere.connections, Ordering::Relaxed);
}

static TASKS: AtomicU64 = AtomicU64::new(0);
static PROCESSES: AtomicU64 = AtomicU64::new(0);
static CONNECTIONS: AtomicU64 = AtomicU64::new(0);
/// Threads that worker processes reported; this process's own are in `threads_created`.
static REPORTED_THREADS: AtomicU64 = AtomicU64::new(0);

fn counters() -> Census {
    Census {
        threads: threads_created() + REPORTED_THREADS.load(Ordering::Relaxed),
        tasks: TASKS.load(Ordering::Relaxed),
        processes: PROCESSES.load(Ordering::Relaxed),
        connections: CONNECTIONS.load(Ordering::Relaxed),
    }
}

#[cfg(all(
    target_os = "linux",
    target_env = "gnu",
    not(target_feature = "crt-static")
))]
fn threads_created() -> u64 {
    // Naming the interposer here keeps the object file that defines it in every binary that
    // takes a census, whatever order the linker meets the archives in.
    std::hint::black_box(interpose::pthread_create as *const () as usize);
    interpose::CREATED.load(Ordering::SeqCst)
}

#[cfg(all(
    target_os = "linux",
    target_env = "gnu",
    not(target_feature = "crt-static")
))]
fn threads_refused() -> u64 {
    interpose::REFUSED.load(Ordering::Relaxed)
}

#[cfg(not(all(
    target_os = "linux",
    target_env = "gnu",
    not(target_feature = "crt-static")
)))]
fn threads_created() -> u64 {
    0
}

#[cfg(not(all(
    target_os = "linux",
    target_env = "gnu",
    not(target_feature = "crt-static")
)))]
fn threads_refused() -> u64 {
    0
}

/// `pthread_create`, counted. Every thread Rust code starts (std, tokio, rayon, a library's
/// helper) goes through `pthread_create`; defining it in this crate makes the linker bind
/// those calls here, and this forwards to the C library's own.
#[cfg(all(
    target_os = "linux",
    target_env = "gnu",
    not(target_feature = "crt-static")
))]
mod interpose {
    use std::ffi::{c_int, c_void};
    use std::sync::atomic::{AtomicI64, AtomicPtr, AtomicU64, Ordering};

    /// Threads this process created.
    pub(super) static CREATED: AtomicU64 = AtomicU64::new(0);
    /// Thread creations that failed (the OS's refusal or the injected one).
    pub(super) static REFUSED: AtomicU64 = AtomicU64::new(0);
    /// Threads alive now, tracked only while `CONCUR_FAULT_THREADS` is set.
    static LIVE: AtomicI64 = AtomicI64::new(0);
    /// `CONCUR_FAULT_THREADS`, read once: `UNREAD` before, `NONE` when unset or unparsable.
    static LIMIT: AtomicU64 = AtomicU64::new(UNREAD);
    const UNREAD: u64 = u64::MAX;
    const NONE: u64 = u64::MAX - 1;

    type Start = extern "C" fn(*mut c_void) -> *mut c_void;
    type Create = unsafe extern "C" fn(
        *mut libc::pthread_t,
        *const libc::pthread_attr_t,
        Start,
        *mut c_void,
    ) -> c_int;

    static REAL: AtomicPtr<c_void> = AtomicPtr::new(std::ptr::null_mut());

    /// The C library's `pthread_create`: the next definition after ours.
    fn real() -> Option<Create> {
        let mut found = REAL.load(Ordering::Acquire);
        if found.is_null() {
            // SAFETY: dlsym with a NUL-terminated name; RTLD_NEXT skips this object.
            found = unsafe { libc::dlsym(libc::RTLD_NEXT, c"pthread_create".as_ptr()) };
            if found.is_null() {
                return None;
            }
            REAL.store(found, Ordering::Release);
        }
        // SAFETY: the symbol is the C library's pthread_create, which has this signature.
        Some(unsafe { std::mem::transmute::<*mut c_void, Create>(found) })
    }

    /// The injected limit on live threads, if any.
    fn limit() -> Option<u64> {
        let mut limit = LIMIT.load(Ordering::Relaxed);
        if limit == UNREAD {
            limit = std::env::var("CONCUR_FAULT_THREADS")
                .ok()
                .and_then(|v| v.trim().parse::<u64>().ok())
                .filter(|&n| n < NONE)
                .unwrap_or(NONE);
            LIMIT.store(limit, Ordering::Relaxed);
        }
        (limit != NONE).then_some(limit)
    }

    /// Runs a thread's start routine, then counts the thread as gone.
    extern "C" fn tracked(boxed: *mut c_void) -> *mut c_void {
        // SAFETY: `boxed` came from Box::into_raw in pthread_create below, and is taken once.
        let (start, arg) = *unsafe { Box::from_raw(boxed.cast::<(Start, *mut c_void)>()) };
        let result = start(arg);
        LIVE.fetch_sub(1, Ordering::Relaxed);
        result
    }

    /// Interposes the C library's `pthread_create`: same contract, plus one count per thread
    /// created or refused (and the injected refusal of `CONCUR_FAULT_THREADS`).
    ///
    /// # Safety
    ///
    /// As for `pthread_create(3)`.
    #[no_mangle]
    pub unsafe extern "C" fn pthread_create(
        thread: *mut libc::pthread_t,
        attr: *const libc::pthread_attr_t,
        start: Start,
        arg: *mut c_void,
    ) -> c_int {
        let Some(create) = real() else {
            return libc::EAGAIN;
        };
        // Counted *before* the thread exists: a new thread can run (and take a snapshot, or
        // be waited for) before its creator gets back from `create`; counted after, it would
        // land in whatever window the creator resumes in. A refusal takes the count back.
        CREATED.fetch_add(1, Ordering::SeqCst);
        let rc = match limit() {
            None => {
                // SAFETY: the caller upholds pthread_create's contract; passed through unchanged.
                unsafe { create(thread, attr, start, arg) }
            }
            Some(limit) if LIVE.fetch_add(1, Ordering::Relaxed) >= limit as i64 => {
                LIVE.fetch_sub(1, Ordering::Relaxed);
                libc::EAGAIN
            }
            Some(_) => {
                let boxed = Box::into_raw(Box::new((start, arg))).cast::<c_void>();
                // SAFETY: as above; `tracked` calls `start(arg)` on the new thread.
                let rc = unsafe { create(thread, attr, tracked, boxed) };
                if rc != 0 {
                    LIVE.fetch_sub(1, Ordering::Relaxed);
                    // SAFETY: the thread was not created, so `boxed` is still ours.
                    drop(unsafe { Box::from_raw(boxed.cast::<(Start, *mut c_void)>()) });
                }
                rc
            }
        };
        if rc != 0 {
            CREATED.fetch_sub(1, Ordering::SeqCst);
            REFUSED.fetch_add(1, Ordering::Relaxed);
        }
        rc
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn censuses_add_field_by_field() {
        let mut a = Census {
            threads: 1,
            tasks: 2,
            processes: 3,
            connections: 4,
        };
        a += Census {
            threads: 10,
            tasks: 20,
            processes: 30,
            connections: 40,
        };
        assert_eq!(
            a,
            Census {
                threads: 11,
                tasks: 22,
                processes: 33,
                connections: 44
            }
        );
    }

    #[test]
    fn a_spawned_thread_is_counted() {
        // Other tests in this binary may start threads too: at least ours must be seen.
        let before = snapshot();
        std::thread::spawn(|| ()).join().unwrap();
        let created = before.since().threads;
        if counts_threads() {
            assert!(created >= 1, "{created}");
        } else {
            assert_eq!(created, 0);
        }
    }
}
