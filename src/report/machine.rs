//! The machine the results were measured on: CPU, cores, memory, OS, rustc and the versions of
//! the crates doing the work, read from the OS and from the Cargo.lock this crate was built
//! with. Nothing here touches the network; anything unreadable becomes "unknown".

use std::collections::BTreeMap;
use std::fs;
use std::process::Command;
use std::time::{SystemTime, UNIX_EPOCH};

use crate::results::Machine;

/// The lock file this crate was built with: the crate versions actually compiled in.
const CARGO_LOCK: &str = include_str!("../../Cargo.lock");

/// The crates whose versions the report names: the ones that decide how fast a model is.
pub const TRACKED_CRATES: &[&str] = &[
    "tokio",
    "rayon",
    "reqwest",
    "ureq",
    "hyper",
    "criterion",
    "plotters",
];

/// Describe this machine.
pub fn detect() -> Machine {
    Machine {
        cpu_model: cpu_model().unwrap_or_else(|| "unknown".into()),
        cores: crate::run::cores(),
        memory_bytes: memory_bytes(),
        os: os_name(),
        rustc: rustc_version(),
        crates: crate_versions(CARGO_LOCK, TRACKED_CRATES),
    }
}

fn cpu_model() -> Option<String> {
    let text = fs::read_to_string("/proc/cpuinfo").ok()?;
    text.lines()
        .filter_map(|line| line.split_once(':'))
        .find(|(key, _)| {
            let key = key.trim();
            key == "model name" || key == "Hardware" || key == "Processor"
        })
        .map(|(_, value)| value.trim().to_string())
        .filter(|v| !v.is_empty())
}

fn memory_bytes() -> Option<u64> {
    let text = fs::read_to_string("/proc/meminfo").ok()?;
    let line = text.lines().find(|l| l.starts_with("MemTotal:"))?;
    let kib: u64 = line
        .trim_start_matches("MemTotal:")
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()?;
    Some(kib * 1024)
}

fn os_name() -> String {
    let pretty = fs::read_to_string("/etc/os-release").ok().and_then(|text| {
        text.lines()
            .find_map(|l| l.strip_prefix("PRETTY_NAME="))
            .map(|v| v.trim().trim_matches('"').to_string())
    });
    let kernel = command_line("uname", &["-sr"]);
    match (pretty, kernel) {
        (Some(p), Some(k)) => format!("{p} ({k})"),
        (Some(p), None) => p,
        (None, Some(k)) => k,
        (None, None) => format!("{} {}", std::env::consts::OS, std::env::consts::ARCH),
    }
}

/// The rustc on this machine (`$RUSTC` if cargo set it, else `rustc` on the PATH).
fn rustc_version() -> String {
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
    command_line(&rustc, &["--version"]).unwrap_or_else(|| "unknown".into())
}

fn command_line(program: &str, args: &[&str]) -> Option<String> {
    let out = Command::new(program).args(args).output().ok()?;
    if !out.status.success() {
        return None;
    }
    let text = String::from_utf8_lossy(&out.stdout).trim().to_string();
    (!text.is_empty()).then_some(text)
}

/// The versions of `names` in a Cargo.lock's text; a crate locked at several versions lists
/// them all, comma-separated. Crates not in the lock are left out.
pub fn crate_versions(lock: &str, names: &[&str]) -> BTreeMap<String, String> {
    let mut found: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut name: Option<&str> = None;
    for line in lock.lines() {
        let line = line.trim();
        if line == "[[package]]" {
            name = None;
        } else if let Some(v) = line.strip_prefix("name = ") {
            name = Some(v.trim_matches('"'));
        } else if let Some(v) = line.strip_prefix("version = ") {
            if let Some(n) = name.filter(|n| names.contains(n)) {
                found
                    .entry(n.to_string())
                    .or_default()
                    .push(v.trim_matches('"').to_string());
            }
        }
    }
    found.into_iter().map(|(k, v)| (k, v.join(", "))).collect()
}

/// Now, in UTC, as RFC 3339 to the second (`2026-05-01T12:34:56Z`).
pub fn now_utc() -> String {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    rfc3339(secs)
}

/// A Unix timestamp as RFC 3339 in UTC (Howard Hinnant's days-to-civil algorithm).
pub fn rfc3339(unix_secs: u64) -> String {
    let days = (unix_secs / 86_400) as i64;
    let rem = unix_secs % 86_400;
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_unix_time_as_utc() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(rfc3339(1_767_225_599), "2025-12-31T23:59:59Z");
    }

    #[test]
    fn reads_versions_from_the_lock() {
        let lock = "[[package]]\nname = \"tokio\"\nversion = \"1.2.3\"\n\n[[package]]\nname = \"rand\"\nversion = \"0.8.0\"\n";
        let v = crate_versions(lock, &["tokio", "rayon"]);
        assert_eq!(v.get("tokio").map(String::as_str), Some("1.2.3"));
        assert!(!v.contains_key("rand") && !v.contains_key("rayon"));
    }

    #[test]
    fn detects_this_machine_without_failing() {
        let m = detect();
        assert!(m.cores >= 1);
        assert!(!m.cpu_model.is_empty() && !m.os.is_empty() && !m.rustc.is_empty());
    }

    #[test]
    fn the_built_lock_names_the_runtime_crates() {
        let v = crate_versions(CARGO_LOCK, TRACKED_CRATES);
        assert!(v.contains_key("tokio") && v.contains_key("plotters"));
    }
}
