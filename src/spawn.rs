//! Child processes concur starts (the mock server, the process model's workers) die with
//! the thread that started them, so a killed parent leaves no orphan. Shared by `mock` and
//! `model`, below both.

use std::io;
use std::process::Command;

/// On Linux, have the kernel kill the child if the thread that started it goes away, so a
/// parent killed with SIGKILL leaves no orphans. Elsewhere the child is expected to exit when its stdin
/// closes, which happens when the parent dies.
pub fn die_with_parent(command: &mut Command) {
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::process::CommandExt;
        // SAFETY: prctl is async-signal-safe and touches only the child's own state.
        unsafe {
            command.pre_exec(|| {
                if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL) != 0 {
                    return Err(io::Error::last_os_error());
                }
                Ok(())
            });
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = command;
}
