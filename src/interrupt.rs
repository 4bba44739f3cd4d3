//! Ctrl-C (SIGINT) and SIGTERM during a command that runs things (`concur run`, `concur
//! verify`): the child processes are stopped, what finished stays printed, and the command
//! says it was interrupted and exits with 128 + the signal (130, 143), as a shell reports it.
//!
//! [`watch`] blocks both signals in every thread (so it must be called before any thread
//! starts) and waits for them with `sigwait` on a thread of its own: no code runs inside a
//! signal handler. Lines that must not be cut in half or printed after the interruption (a
//! row of the table) go through [`output`]: the interruption waits for a line being written,
//! and nothing is written after it.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, MutexGuard, TryLockError};
use std::time::{Duration, Instant};

static OUTPUT: Mutex<()> = Mutex::new(());
static STOPPING: AtomicBool = AtomicBool::new(false);

/// How long an interruption waits for a line being written (a reader that stopped reading
/// must not stop the interruption).
const WAIT_FOR_LINE: Duration = Duration::from_secs(1);

/// A signal that interrupts a command.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Signal(pub i32);

impl Signal {
    /// `SIGINT`, `SIGTERM`.
    pub fn name(self) -> String {
        match self.0 {
            #[cfg(unix)]
            libc::SIGINT => "SIGINT".into(),
            #[cfg(unix)]
            libc::SIGTERM => "SIGTERM".into(),
            n => format!("signal {n}"),
        }
    }

    /// What a shell reports for a command killed by the signal: 128 + its number.
    pub fn exit_code(self) -> u8 {
        (128 + self.0).clamp(0, 255) as u8
    }
}

/// Run `write` (one line or row of output) unless the command is being interrupted; an
/// interruption waits for it to finish. `None` when it was not run.
pub fn output<T>(write: impl FnOnce() -> T) -> Option<T> {
    let _held = OUTPUT
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    if STOPPING.load(Ordering::SeqCst) {
        return None;
    }
    Some(write())
}

/// From now on, SIGINT and SIGTERM stop every child process of this one, then call
/// `on_signal` (which says what happened, on stderr, without going through [`output`]) and
/// exit with [`Signal::exit_code`]. Call it before any thread starts: threads inherit the
/// blocked signals, which is what lets one thread wait for them all.
pub fn watch(on_signal: impl FnOnce(Signal) + Send + 'static) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        // SAFETY: sigset_t is plain data, set up by sigemptyset/sigaddset before use;
        // pthread_sigmask changes this thread's mask only.
        let set = unsafe {
            let mut set: libc::sigset_t = std::mem::zeroed();
            libc::sigemptyset(&mut set);
            libc::sigaddset(&mut set, libc::SIGINT);
            libc::sigaddset(&mut set, libc::SIGTERM);
            let rc = libc::pthread_sigmask(libc::SIG_BLOCK, &set, std::ptr::null_mut());
            if rc != 0 {
                return Err(std::io::Error::from_raw_os_error(rc));
            }
            set
        };
        std::thread::Builder::new()
            .name("concur-signals".into())
            .spawn(move || {
                let mut number = 0;
                // SAFETY: sigwait reads the set and writes the signal's number.
                while unsafe { libc::sigwait(&set, &mut number) } != 0 {}
                let _held = hold_output();
                STOPPING.store(true, Ordering::SeqCst);
                crate::spawn::stop_children();
                let signal = Signal(number);
                on_signal(signal);
                std::process::exit(signal.exit_code().into());
            })?;
    }
    #[cfg(not(unix))]
    let _ = on_signal;
    Ok(())
}

/// The output lock, waited for a little at most.
fn hold_output() -> Option<MutexGuard<'static, ()>> {
    let deadline = Instant::now() + WAIT_FOR_LINE;
    loop {
        match OUTPUT.try_lock() {
            Ok(held) => return Some(held),
            Err(TryLockError::Poisoned(p)) => return Some(p.into_inner()),
            Err(TryLockError::WouldBlock) if Instant::now() < deadline => {
                std::thread::sleep(Duration::from_millis(5));
            }
            Err(TryLockError::WouldBlock) => return None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[cfg(unix)]
    fn exit_codes_are_what_a_shell_reports() {
        assert_eq!(Signal(libc::SIGINT).exit_code(), 130);
        assert_eq!(Signal(libc::SIGTERM).exit_code(), 143);
        assert_eq!(Signal(libc::SIGTERM).name(), "SIGTERM");
        assert_eq!(output(|| 7), Some(7));
    }
}
