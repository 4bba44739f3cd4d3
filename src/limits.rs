//! The OS limits a run can hit, said plainly: the open-file limit is raised to what the OS
//! allows at start (every request in flight holds a socket on each side), and a refusal
//! because of it is named with the limit and how to raise it, never as a bare
//! "could not connect".

/// Raise this process's soft open-file limit to its hard limit, where allowed; children
/// (the mock server, the workers) inherit it. Returns the soft limit now in force.
// `rlim_t` is u64 here but not on every platform.
#[allow(clippy::unnecessary_cast)]
pub fn raise_open_files() -> Option<u64> {
    #[cfg(unix)]
    {
        let mut lim = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        // SAFETY: getrlimit/setrlimit only read and write the struct we pass.
        unsafe {
            if libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) != 0 {
                return None;
            }
            if lim.rlim_cur < lim.rlim_max {
                let raised = libc::rlimit {
                    rlim_cur: lim.rlim_max,
                    rlim_max: lim.rlim_max,
                };
                if libc::setrlimit(libc::RLIMIT_NOFILE, &raised) == 0 {
                    lim = raised;
                }
            }
        }
        Some(lim.rlim_cur as u64)
    }
    #[cfg(not(unix))]
    None
}

/// The soft open-file limit in force, if known.
#[allow(clippy::unnecessary_cast)]
pub fn open_files() -> Option<u64> {
    #[cfg(unix)]
    {
        let mut lim = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        // SAFETY: getrlimit only writes the struct we pass.
        (unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) } == 0)
            .then_some(lim.rlim_cur as u64)
    }
    #[cfg(not(unix))]
    None
}

/// Files a run holds besides its sockets and worker pipes: stdio, the runtimes' epoll and
/// event descriptors, the server child's pipes and listener, what the libraries open (on
/// both sides: the server child inherits the same limit). Measured: the mock server holds
/// about 15 with no client, and `sites` with 20 in flight failed at a limit of 36; with this
/// reserve it asks for 52, and ran at 40.
pub const RESERVE_FILES: u64 = 32;

/// `Ok` if the soft open-file limit holds `needed` files; else one line naming the limit,
/// what needs the files (`who`, and `why`) and how to raise it.
pub fn check_open_files(needed: u64, who: &str, why: &str) -> crate::error::Result<()> {
    match open_files() {
        Some(limit) if limit < needed => Err(crate::error::Error::InvalidInput(format!(
            "the open-file limit is {limit}, too low for {who}, which needs about {needed} open \
             files ({why}): raise it with `ulimit -n`, or lower --size, --concurrency or --workers"
        ))),
        _ => Ok(()),
    }
}

/// One line for an IO error caused by the open-file limit (EMFILE/ENFILE), else `None`.
pub fn explain(e: &std::io::Error) -> Option<String> {
    #[cfg(unix)]
    if matches!(e.raw_os_error(), Some(libc::EMFILE) | Some(libc::ENFILE)) {
        let limit = open_files().map_or(String::new(), |n| format!(" of {n}"));
        return Some(format!(
            "too many open files (the open-file limit{limit}; raise it with `ulimit -n`)"
        ));
    }
    let _ = e;
    None
}

#[cfg(test)]
mod tests {
    #[test]
    #[cfg(unix)]
    fn the_open_file_limit_is_raised_and_emfile_is_named() {
        let now = super::raise_open_files().expect("getrlimit works");
        assert_eq!(super::open_files(), Some(now));
        let emfile = std::io::Error::from_raw_os_error(libc::EMFILE);
        let line = super::explain(&emfile).unwrap();
        assert!(
            line.contains("too many open files") && line.contains("ulimit -n"),
            "{line}"
        );
        assert!(super::explain(&std::io::Error::other("x")).is_none());
    }
}
