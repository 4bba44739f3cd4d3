//! Hostile inputs, one row each: bad flags and values, unknown names, bad server URLs,
//! tampered results files, folders that are files, a too-low open-file or thread limit and a
//! run far too long to start unasked. Every row must end within its time limit with a non-zero exit,
//! exactly one `Error:` line holding the row's words, no panic, and no process left behind.
//!
//! One test, so nothing else in this binary starts processes meanwhile: it makes itself the
//! subreaper of what it starts, so a grandchild that outlived its `concur` would come back to
//! it and be seen.

mod support;

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use serde_json::Value;
use support::{children_of, eventually, finish, CONCUR};

/// What a row needs before it runs.
#[derive(Clone, Copy)]
enum Setup {
    None,
    /// Write into the row's temporary folder (`{dir}` in its arguments).
    Dir(fn(&Path)),
    /// A port nothing listens on (`{port}` in its arguments).
    ClosedPort,
    /// Soft and hard open-file limits.
    NoFile(u64),
    /// At most this many threads alive at once, as `ulimit -u` would allow (injected through
    /// `CONCUR_FAULT_THREADS`: a thread limit does not bind root, and CI may run as root).
    Threads(u64),
    /// `PATH` with no `python3` on it (the Python side's "not run").
    NoPython,
}

struct Row {
    args: &'static [&'static str],
    says: &'static str,
    setup: Setup,
}

const fn row(args: &'static [&'static str], says: &'static str) -> Row {
    Row {
        args,
        says,
        setup: Setup::None,
    }
}

const fn with(setup: Setup, args: &'static [&'static str], says: &'static str) -> Row {
    Row { args, says, setup }
}

const REPORT: &[&str] = &["report", "--dir", "{dir}"];

#[rustfmt::skip]
const ROWS: &[Row] = &[
    row(&[], "no command given"),
    row(&["launch"], "unrecognized subcommand"),
    row(&["run"], "<WORKLOAD> (one of: primes"),
    row(&["run", "nope"], "unknown workload `nope`"),
    row(&["run", "primes", "--frobnicate"], "unexpected argument '--frobnicate'"),
    row(&["run", "primes", "--models", "fibers"], "unknown model `fibers`"),
    row(&["run", "primes", "--models", ""], "empty name"),
    row(&["run", "primes", "--models", "all,pool"], "unknown model `all`"),
    row(&["run", "primes", "--workers", "0"], "--workers must be between 1 and 1024, got 0"),
    row(&["run", "primes", "--workers", "99999999"], "--workers must be between 1 and 1024"),
    row(&["run", "primes", "--workers", "-1"], "`-1` is negative"),
    row(&["run", "primes", "--workers", "two"], "`two` is not a whole number"),
    row(&["run", "primes", "--workers", "1e400"], "`1e400` is too large"),
    row(&["run", "primes", "--size", "0"], "--size must be between 1 and 100000"),
    row(&["run", "primes", "--size", "1e30"], "too large"),
    row(&["run", "primes", "--size", "-5"], "`-5` is negative"),
    row(&["run", "primes", "--size", "1.5"], "not a whole number"),
    row(&["run", "crowd", "--size", "10001"], "--size must be between 1 and 10000"),
    row(&["run", "primes", "--repeat", "0"], "--repeat must be between 1 and 1000"),
    row(&["run", "primes", "--repeat", "1e9"], "--repeat must be between 1 and 1000"),
    row(&["run", "primes", "--repeat", "-3"], "`-3` is negative"),
    row(&["run", "sites", "--delay-ms", "-1"], "`-1` is negative"),
    row(&["run", "sites", "--delay-ms", "1e9"], "--delay-ms must be between 0 and 60000"),
    row(&["run", "sites", "--delay-ms", "soon"], "`soon` is not a whole number"),
    row(&["run", "primes", "--delay-ms", "5"], "--delay-ms applies to IO workloads only"),
    row(&["run", "bank", "--delay-ms", "5"], "bank is a wait without a server"),
    row(&["run", "bank", "--size", "0"], "--size must be between 1 and 10000, got 0"),
    row(&["run", "queue-workers", "--size", "60001"], "--size must be between 1 and 60000"),
    row(&["run", "counter-mutex", "--size", "1e12"], "--size must be between 1 and"),
    row(&["run", "sites", "--fail-rate", "-0.1"], "--fail-rate must be between 0 and 1, got -0.1"),
    row(&["run", "sites", "--fail-rate", "1.5"], "--fail-rate must be between 0 and 1"),
    row(&["run", "sites", "--fail-rate", "NaN"], "--fail-rate must be between 0 and 1, got NaN"),
    row(&["run", "sites", "--fail-rate", "lots"], "invalid value 'lots' for '--fail-rate"),
    row(&["run", "sites", "--timeout-ms", "0"], "--timeout-ms must be between 1 and 600000"),
    row(&["run", "sites", "--timeout-ms", "1e12"], "--timeout-ms must be between 1"),
    row(&["run", "primes", "--concurrency", "0"], "--concurrency must be between 1 and 100000"),
    row(&["run", "primes", "--concurrency", "-2"], "`-2` is negative"),
    row(&["run", "primes", "--batch", "0"], "--batch must be between 1 and 1000000"),
    row(&["run", "primes", "--batch", "1e7"], "--batch must be between 1 and 1000000"),
    row(&["run", "primes", "--collect", "sideways"], "`sideways` is not a way to collect results: ordered or as-completed"),
    row(&["run", "crawl", "--queue", "0"], "a queue of 0 holds nothing"),
    row(&["run", "crawl", "--queue", "lots"], "`lots` is not a queue size"),
    row(&["run", "crawl", "--queue", "-1"], "`-1` is not a queue size"),
    row(&["run", "primes", "--queue", "2"], "--queue is the crawl's"),
    row(&["run", "crawl", "--workers", "3"], "it does not take --workers"),
    row(&["run", "crawl", "--size", "0"], "--size must be between 1 and 10000"),
    row(&["run", "crawl", "--delay-ms", "1e9"], "--delay-ms must be between 0 and 60000"),
    row(&["run", "crawl", "--size", "10000", "--repeat", "100"], "add --long to run it anyway"),
    with(Setup::Threads(4), &["run", "crawl", "--size", "4", "--repeat", "1"], "the OS refused"),
    row(&["verify", "--workers", "0"], "--workers must be between 1 and 1024"),
    row(&["serve", "--delay-ms", "1e9"], "--delay-ms must be between 0 and 60000"),
    row(&["serve", "--fail-rate", "-1"], "--fail-rate must be between 0 and 1, got -1"),
    row(&["run", "sites", "--server", "http://"], "has no host"),
    row(&["run", "sites", "--server", "http://127.0.0.1:99999"], "has port 99999"),
    row(&["run", "sites", "--server", "http://127.0 .0.1:80"], "`127.0 .0.1` for a host"),
    row(&["run", "sites", "--server", "https://127.0.0.1:1"], "uses https"),
    row(&["run", "sites", "--server", "ftp://x"], "is not an http:// URL"),
    row(&["run", "sites", "--server", "http://127.0.0.1:1/sites?x=1"], "has a path or query"),
    row(&["run", "primes", "--server", "http://127.0.0.1:1"], "--server applies to IO workloads only"),
    with(Setup::ClosedPort, &["run", "sites", "--server", "http://127.0.0.1:{port}"], "does not answer: connection refused"),
    with(Setup::Dir(|_| {}), REPORT, "run `cargo bench` first"),
    with(Setup::Dir(|d| write(d, b"")), REPORT, "is not a valid results file"),
    with(Setup::Dir(|d| write(d, &[0xff, 0xfe, 0, 0x9f, 0x92, 0x96])), REPORT, "is not a results file (not UTF-8 JSON)"),
    with(Setup::Dir(|d| write(d, &sample()[..2000])), REPORT, "is not a valid results file"),
    with(Setup::Dir(|d| tamper(d, |v| v["schema"] = 99.into())), REPORT, "it has schema 99"),
    with(Setup::Dir(|d| write(d, b"{}")), REPORT, "it has no schema"),
    with(Setup::Dir(|d| tamper(d, |v| v["cells"][0]["time"]["mean_s"] = (-1.0).into())), REPORT, "has an impossible time"),
    with(Setup::Dir(|d| tamper(d, |v| set_time(v, 1e308))), REPORT, "has an impossible time"),
    with(Setup::Dir(|d| write(d, &nan_time())), REPORT, "is not a valid results file"),
    with(Setup::Dir(|d| tamper(d, |v| v["cells"][0]["setup_s"] = (-2.0).into())), REPORT, "a negative or non-finite number"),
    with(Setup::Dir(|d| tamper(d, |v| v["cells"][0]["delivery"] = serde_json::json!({"first_s": -1.0, "mean_wait_s": 0.0, "max_wait_s": 0.0}))), REPORT, "has an impossible delivery time"),
    with(Setup::Dir(|d| tamper(d, |v| v["cells"][0]["id"]["model"] = "fibers".into())), REPORT, "names a model the file does not declare"),
    with(Setup::Dir(|d| mkdir(&d.join("results.json"))), REPORT, "is not a results file (not a regular file)"),
    with(Setup::Dir(|d| link(d, "/dev/zero")), REPORT, "is not a results file (not a regular file)"),
    with(Setup::Dir(|d| { write(d, &sample()); mkdir(&d.join("index.html")) }), REPORT, "index.html"),
    row(&["python", "nope"], "`nope` has no Python side (one of: primes-repeat"),
    row(&["python", "crowd"], "`crowd` has no Python side"),
    row(&["python", "sites", "--frobnicate"], "unexpected argument '--frobnicate'"),
    with(Setup::NoPython, &["python", "fanout"], "did not run: no python3 was found on PATH; to enable it: install Python 3"),
    row(&["report", "--dir", "/etc/passwd"], "Not a directory"),
    row(&["report", "--dir", "/etc/passwd/x"], "Not a directory"),
    with(Setup::NoFile(32), &["run", "sites", "--repeat", "1", "--delay-ms", "0"], "the open-file limit is 32"),
    with(Setup::Threads(8), &["run", "primes", "--size", "8", "--models", "async-mt", "--workers", "64", "--repeat", "1"], "the OS refused thread"),
    with(Setup::Threads(8), &["run", "primes", "--size", "8", "--models", "pool", "--workers", "64", "--repeat", "1"], "the OS refused thread"),
    with(Setup::Threads(8), &["run", "primes", "--size", "64", "--models", "threads", "--repeat", "1"], "the OS refused thread"),
    with(Setup::Threads(8), &["run", "primes", "--size", "32", "--models", "async-blocking", "--workers", "64", "--repeat", "1"], "the OS refused"),
    with(Setup::Threads(4), &["run", "primes", "--size", "32", "--models", "async-blocking", "--workers", "64", "--repeat", "1"], "the OS refused"),
    with(Setup::Threads(16), &["run", "crowd", "--size", "200", "--models", "threads", "--delay-ms", "0", "--repeat", "1"], "the OS refused thread"),
    row(&["run", "spawn", "--size", "0"], "--size must be between 1 and 100000"),
    row(&["run", "spawn", "--delay-ms", "5"], "--delay-ms does not apply to spawn"),
    row(&["run", "spawn", "--collect", "as-completed"], "--collect does not apply to spawn"),
    row(&["run", "sleepers", "--models", "pool"], "sleepers cannot run under `pool`"),
    row(&["run", "sleepers", "--size", "1e7"], "--size must be between 1 and 2000000"),
    row(&["run", "pingpong", "--models", "fibers"], "pingpong has no lanes called `fibers`"),
    row(&["run", "pingpong", "--size", "1e7"], "--size must be between 1 and 1000000"),
    with(Setup::Threads(8), &["run", "spawn", "--size", "64", "--models", "threads", "--repeat", "1"], "the OS refused thread"),
    row(&["run", "primes", "--size", "100000"], "add --long to run it anyway"),
    row(&["run", "sum-squares", "--size", "1e11", "--repeat", "1"], "add --long to run it anyway"),
    row(&["run", "sites", "--repeat", "1000"], "add --long to run it anyway"),
];

/// How long one row may take (a debug build on a busy machine, an IO row starting a server).
const LIMIT: Duration = Duration::from_secs(60);

#[cfg(target_os = "linux")]
#[test]
fn every_hostile_input_gets_one_error_line_and_leaves_nothing_running() {
    assert!(ROWS.len() >= 40, "{} rows", ROWS.len());
    // SAFETY: prctl on this process only: orphans of what it starts come back to it.
    assert_eq!(unsafe { libc::prctl(libc::PR_SET_CHILD_SUBREAPER, 1) }, 0);
    let me = std::process::id();
    for row in ROWS {
        let dir = tempfile::tempdir().unwrap();
        let port = match row.setup {
            Setup::ClosedPort => closed_port(),
            _ => 0,
        };
        if let Setup::Dir(setup) = row.setup {
            setup(dir.path());
        }
        let args: Vec<String> = row
            .args
            .iter()
            .map(|a| {
                a.replace("{dir}", &dir.path().display().to_string())
                    .replace("{port}", &port.to_string())
            })
            .collect();
        let mut command = Command::new(CONCUR);
        command
            .args(&args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        match row.setup {
            Setup::NoFile(n) => limit_open_files(&mut command, n),
            Setup::Threads(n) => {
                command.env("CONCUR_FAULT_THREADS", n.to_string());
            }
            Setup::NoPython => {
                command.env("PATH", dir.path());
            }
            _ => {}
        }
        let done = finish(command.spawn().unwrap(), LIMIT, &format!("{args:?}"));
        let all = format!("{}{}", done.stdout, done.stderr);
        assert!(!done.status.success(), "{args:?} succeeded: {all}");
        let errors: Vec<&str> = done
            .stderr
            .lines()
            .filter(|l| l.starts_with("Error:"))
            .collect();
        assert_eq!(errors.len(), 1, "{args:?}: {}", done.stderr);
        assert!(errors[0].contains(row.says), "{args:?}: {}", errors[0]);
        assert!(!all.contains("panicked"), "{args:?}: {all}");
        // Whatever it started is gone: reap what came back here, and nothing may be left.
        let left = || {
            // SAFETY: reaps this process's exited children, none of which is awaited elsewhere.
            while unsafe { libc::waitpid(-1, std::ptr::null_mut(), libc::WNOHANG) } > 0 {}
            children_of(me)
        };
        assert!(
            eventually(Duration::from_secs(5), || left().is_empty()),
            "{args:?} left processes behind: {:?}",
            left()
        );
    }
}

/// A port on 127.0.0.1 that was just free (bound, then let go).
fn closed_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

#[cfg(unix)]
fn limit_open_files(command: &mut Command, n: u64) {
    use std::os::unix::process::CommandExt;
    // SAFETY: setrlimit is async-signal-safe and only touches the child.
    unsafe {
        command.pre_exec(move || {
            let limit = libc::rlimit {
                rlim_cur: n as libc::rlim_t,
                rlim_max: n as libc::rlim_t,
            };
            if libc::setrlimit(libc::RLIMIT_NOFILE, &limit) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
}

/// The committed sample report's results: a valid file to tamper with.
fn sample() -> Vec<u8> {
    std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/reports/sample/results.json"
    ))
    .unwrap()
}

fn write(dir: &Path, bytes: &[u8]) {
    std::fs::write(dir.join("results.json"), bytes).unwrap();
}

fn mkdir(path: &Path) {
    std::fs::create_dir(path).unwrap();
}

fn link(dir: &Path, target: &str) {
    std::os::unix::fs::symlink(target, dir.join("results.json")).unwrap();
}

/// The sample with `change` applied.
fn tamper(dir: &Path, change: fn(&mut Value)) {
    let mut results: Value = serde_json::from_slice(&sample()).unwrap();
    change(&mut results);
    write(dir, &serde_json::to_vec(&results).unwrap());
}

/// The first cell's time, all three numbers.
fn set_time(results: &mut Value, seconds: f64) {
    for field in ["mean_s", "low_s", "high_s"] {
        results["cells"][0]["time"][field] = seconds.into();
    }
}

/// The sample with its first `mean_s` written as `NaN`, which JSON does not have.
fn nan_time() -> Vec<u8> {
    let text = String::from_utf8(sample()).unwrap();
    let at = text.find("\"mean_s\":").unwrap() + "\"mean_s\":".len();
    let end = at + text[at..].find([',', '\n']).unwrap();
    format!("{} NaN{}", &text[..at], &text[end..]).into_bytes()
}
