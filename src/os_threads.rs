//! Asking the OS for threads, so that its refusal (a thread limit such as `ulimit -u`, or
//! memory) becomes an error its caller names (a model, the calibration) instead of a
//! library's panic or hang. Both functions return the reason as text for the caller to wrap.
//!
//! - [`reserve`]: start `n` threads that wait, then release them; the first refusal names
//!   which thread of how many the OS refused. Models whose library starts its threads in one
//!   go (rayon's pool, tokio's workers) call it first, so a limit is met in our code.
//! - [`build_runtime`]: tokio builds a multi-thread runtime by starting its workers and
//!   *panics* if the OS refuses one ("OS can't spawn worker thread"); while that panic
//!   unwinds, its blocking pool waits for the workers already started, which were never told
//!   to stop, so the build never returns. [`reserve`] makes that rare (the limit would have to
//!   be reached in between by someone else); for the rest, the runtime is built on a thread
//!   of its own, and when the census sees a refused thread and the build does not come back,
//!   the model gives up waiting with an error. That thread and the workers it started stay
//!   parked until the process exits: a leak, but only on a path that has already failed.

use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Arc, Condvar, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use crate::census;

/// The name of the thread [`build_runtime`] builds on.
const BUILDER: &str = "runtime-build";

/// How long a build may go on after the census saw a thread refused.
const GRACE: Duration = Duration::from_millis(500);

/// Start `n` threads that wait until all have started (or one was refused), then let them
/// finish: the OS grants `n` more threads now, or the error says which one it refused.
pub fn reserve(n: usize) -> Result<(), String> {
    let released = Arc::new((Mutex::new(false), Condvar::new()));
    let mut held = Vec::with_capacity(n);
    let mut refused = None;
    for i in 0..n {
        let released = Arc::clone(&released);
        let spawned = thread::Builder::new()
            .name("reserve".into())
            .stack_size(64 * 1024)
            .spawn(move || {
                let (lock, cv) = &*released;
                let mut free = lock.lock().unwrap_or_else(|e| e.into_inner());
                while !*free {
                    free = cv.wait(free).unwrap_or_else(|e| e.into_inner());
                }
            });
        match spawned {
            Ok(handle) => held.push(handle),
            Err(e) => {
                refused = Some((i, e));
                break;
            }
        }
    }
    let (lock, cv) = &*released;
    *lock.lock().unwrap_or_else(|e| e.into_inner()) = true;
    cv.notify_all();
    for handle in held {
        let _ = handle.join();
    }
    match refused {
        None => Ok(()),
        Some((i, e)) => Err(format!(
            "the OS refused thread {} of the {n} it needs: {e}",
            i + 1
        )),
    }
}

/// Build a tokio runtime with `build` on a thread of its own, and give up (with an error) if
/// the OS refuses one of its threads and the build does not come back (see the module doc).
pub fn build_runtime<F>(build: F) -> Result<tokio::runtime::Runtime, String>
where
    F: FnOnce() -> std::io::Result<tokio::runtime::Runtime> + Send + 'static,
{
    let before = census::snapshot();
    let (tx, rx) = mpsc::channel();
    thread::Builder::new()
        .name(BUILDER.into())
        .spawn(move || {
            // tokio's panic is reported by `wait_for`, not printed (see `crate::panics`).
            if let Ok(built) = crate::panics::catch(build) {
                let _ = tx.send(built);
            }
        })
        .map_err(|e| format!("the OS refused a thread: {e}"))?;
    wait_for(&rx, || before.refused() > 0)
}

/// Wait for the build's result; once `refused()` says a thread was refused, wait at most
/// [`GRACE`] more.
fn wait_for<T>(
    rx: &mpsc::Receiver<std::io::Result<T>>,
    refused: impl Fn() -> bool,
) -> Result<T, String> {
    const REFUSED: &str = "the OS refused one of its runtime's threads (a thread limit such as \
                           `ulimit -u`?); tokio could not start";
    let mut refused_at: Option<Instant> = None;
    loop {
        match rx.recv_timeout(Duration::from_millis(20)) {
            Ok(built) => return built.map_err(|e| e.to_string()),
            Err(RecvTimeoutError::Disconnected) if refused() => return Err(REFUSED.into()),
            Err(RecvTimeoutError::Disconnected) => {
                return Err("building its runtime panicked".into())
            }
            Err(RecvTimeoutError::Timeout) => {}
        }
        if refused_at.is_none() && refused() {
            refused_at = Some(Instant::now());
        }
        if refused_at.is_some_and(|at| at.elapsed() > GRACE) {
            return Err(REFUSED.into());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reserving_a_few_threads_succeeds_and_leaves_none_running() {
        reserve(8).unwrap();
    }

    #[test]
    fn a_build_that_never_returns_is_given_up_once_a_thread_was_refused() {
        let (_tx, rx) = mpsc::channel::<std::io::Result<()>>();
        let err = wait_for(&rx, || true).unwrap_err();
        assert!(err.contains("the OS refused"), "{err}");
    }

    #[test]
    fn a_build_that_panicked_is_an_error() {
        let (tx, rx) = mpsc::channel::<std::io::Result<()>>();
        drop(tx);
        let err = wait_for(&rx, || false).unwrap_err();
        assert!(err.contains("panicked"), "{err}");
    }

    /// Run in a child test process with `CONCUR_FAULT_THREADS` set, by the test below.
    #[test]
    #[ignore = "run by a_refused_worker_thread_is_an_error_not_a_panic_or_a_hang"]
    fn build_under_a_thread_limit() {
        let built = build_runtime(|| {
            tokio::runtime::Builder::new_multi_thread()
                .worker_threads(32)
                .build()
        });
        let err = built
            .expect_err("the limit must stop the build")
            .to_string();
        assert!(
            err.contains("the OS refused one of its runtime's threads"),
            "{err}"
        );
    }

    #[test]
    fn a_refused_worker_thread_is_an_error_not_a_panic_or_a_hang() {
        if !census::counts_threads() {
            return;
        }
        let name = "os_threads::tests::build_under_a_thread_limit";
        let mut child = std::process::Command::new(std::env::current_exe().unwrap())
            .args([
                "--exact",
                name,
                "--ignored",
                "--test-threads=1",
                "--nocapture",
            ])
            .env("CONCUR_FAULT_THREADS", "8")
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let began = Instant::now();
        while child.try_wait().unwrap().is_none() {
            if began.elapsed() > Duration::from_secs(60) {
                let _ = child.kill();
                panic!("the build under a thread limit hung");
            }
            thread::sleep(Duration::from_millis(20));
        }
        let out = child.wait_with_output().unwrap();
        let text = String::from_utf8_lossy(&out.stdout).to_string()
            + &String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{text}");
        assert!(text.contains("1 passed"), "{text}");
        assert!(
            !text.contains("can't spawn"),
            "tokio's panic was printed: {text}"
        );
    }

    #[test]
    fn a_runtime_builds() {
        let runtime = build_runtime(|| {
            tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .build()
        })
        .unwrap();
        assert_eq!(runtime.block_on(async { 1 + 1 }), 2);
    }
}
