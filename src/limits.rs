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

/// File descriptors a process needs besides its sockets: stdio, the runtime's epoll and
/// wakers, pipes to workers, the binary's own files.
const SPARE_FDS: u64 = 64;

/// `Err(why)` when `sockets` connections open at once cannot fit under the open-file limit
/// (`limit`, the soft limit in force, or `None` when unknown): the server, a child with the
/// same limit, needs as many on its side. The reason names the limit and how to raise it.
pub fn sockets_fit(sockets: usize, limit: Option<u64>) -> Result<(), String> {
    let needed = sockets as u64 + SPARE_FDS;
    match limit {
        Some(limit) if needed > limit => Err(format!(
            "{sockets} requests in flight need as many open sockets, more than the open-file \
             limit of {limit} allows; raise it with `ulimit -n {needed}` (as root or up to \
             the hard limit) or cap what is in flight with --concurrency"
        )),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn sockets_must_fit_under_the_limit_with_room_to_spare() {
        assert!(super::sockets_fit(100, Some(1024)).is_ok());
        assert!(super::sockets_fit(100, None).is_ok());
        let why = super::sockets_fit(10_000, Some(1024)).unwrap_err();
        assert!(why.contains("open-file limit of 1024"), "{why}");
        assert!(why.contains("ulimit -n 10064"), "{why}");
        assert!(super::sockets_fit(1000, Some(1024)).is_err());
    }

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
