//! Child processes concur starts (the mock server, the process model's workers) die with
//! the thread that started them, so a killed parent leaves no orphan, and can all be stopped
//! at once ([`stop_children`]) when a run is interrupted. Shared by `mock` and `model`, below
//! both.

use std::io;
use std::process::Command;

/// On Linux, have the kernel kill the child if the thread that started it goes away, so a
/// parent killed with SIGKILL leaves no orphans. Elsewhere the child is expected to exit when
/// its stdin closes, which happens when the parent dies. On Unix the child also starts with no
/// signal blocked: the parent may block SIGINT and SIGTERM to wait for them on a thread of its
/// own (see `interrupt`), and a blocked mask survives `exec`.
pub fn die_with_parent(command: &mut Command) {
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        // SAFETY: sigemptyset, sigprocmask and prctl are async-signal-safe and touch only the
        // child's own state.
        unsafe {
            command.pre_exec(|| {
                let mut none: libc::sigset_t = std::mem::zeroed();
                libc::sigemptyset(&mut none);
                if libc::sigprocmask(libc::SIG_SETMASK, &none, std::ptr::null_mut()) != 0 {
                    return Err(io::Error::last_os_error());
                }
                #[cfg(target_os = "linux")]
                if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL) != 0 {
                    return Err(io::Error::last_os_error());
                }
                Ok(())
            });
        }
    }
    #[cfg(not(unix))]
    let _ = command;
}

/// Kill and reap every child process of this one (found in /proc, so whoever started it), and
/// say how many there were: what an interrupted run does before it exits, so no server or
/// worker outlives it. Linux only; elsewhere children notice their closed stdin.
pub fn stop_children() -> usize {
    #[cfg(target_os = "linux")]
    {
        let me = std::process::id();
        let children: Vec<i32> = std::fs::read_dir("/proc")
            .into_iter()
            .flatten()
            .filter_map(|e| e.ok()?.file_name().to_str()?.parse::<i32>().ok())
            .filter(|pid| parent_of(*pid) == Some(me))
            .collect();
        for &pid in &children {
            // SAFETY: kill and waitpid on our own child; the status is not read.
            unsafe {
                libc::kill(pid, libc::SIGKILL);
                libc::waitpid(pid, std::ptr::null_mut(), 0);
            }
        }
        children.len()
    }
    #[cfg(not(target_os = "linux"))]
    0
}

/// The parent of process `pid`, from `/proc/PID/stat` (`pid (comm) state ppid …`; the command
/// may hold spaces and parentheses, so the fields are read after the last `)`).
#[cfg(target_os = "linux")]
pub fn parent_of(pid: i32) -> Option<u32> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    stat.rsplit_once(") ")?
        .1
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}
