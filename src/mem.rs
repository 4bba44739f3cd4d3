//! Memory of a run: the peak resident set size (RSS) of this process and of any worker
//! processes, read from Linux's /proc. Elsewhere every function returns `None`.
//!
//! The peak is reset before each run (writing 5 to `/proc/PID/clear_refs`), so each run's
//! figure is its own and not the high-water mark of whatever ran before it. First the
//! allocator hands memory freed by earlier runs back to the OS (`malloc_trim`): otherwise RSS
//! after a run of 10000 threads stays high, and the next model's "peak" would include it.
//!
//! Worker processes run this same program, so their file-backed pages (the binary, the C
//! library) are the very pages this process already has: a worker adds its peak RSS *less*
//! its file-backed pages (`RssFile`, shared with us), i.e. roughly what it holds privately
//! (heap, stacks). Summing whole RSS counted the binary once per worker: 1024 workers read
//! 3.9 GB.

use std::fs;

/// Reset the peak RSS of this process and of `pids`, so the next reading covers what follows.
pub fn reset_peak(pids: &[u32]) {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only releases free memory held by glibc's allocator.
    unsafe {
        libc::malloc_trim(0);
    }
    let _ = fs::write("/proc/self/clear_refs", "5");
    for pid in pids {
        let _ = fs::write(format!("/proc/{pid}/clear_refs"), "5");
    }
}

/// Peak RSS since the last reset, in bytes: this process's, plus what each of `pids` held
/// beyond the file-backed pages it shares with us (see the module doc).
pub fn peak_rss(pids: &[u32]) -> Option<u64> {
    let own = status_kib("self", "VmHWM:")?;
    let others: u64 = pids
        .iter()
        .filter_map(|pid| {
            let pid = pid.to_string();
            let peak = status_kib(&pid, "VmHWM:")?;
            let shared = status_kib(&pid, "RssFile:").unwrap_or(0);
            Some(peak.saturating_sub(shared))
        })
        .sum();
    Some((own + others) * 1024)
}

fn status_kib(pid: &str, field: &str) -> Option<u64> {
    let status = fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|line| line.strip_prefix(field))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|kib| kib.parse().ok())
}

#[cfg(test)]
mod tests {
    #[test]
    #[cfg(target_os = "linux")]
    fn peak_grows_with_what_we_touch() {
        super::reset_peak(&[]);
        let before = super::peak_rss(&[]).unwrap();
        let big = vec![1u8; 64 << 20];
        std::hint::black_box(&big);
        let after = super::peak_rss(&[]).unwrap();
        assert!(after >= before + (32 << 20), "{before} -> {after}");
    }
}
