//! What the CLI tests share: running `concur` with a time limit (killed and failed past it),
//! the processes a process has started and this process's threads, read from /proc.

#![allow(dead_code)]

use std::io::Read;
use std::process::{Child, ExitStatus};
use std::time::{Duration, Instant};

/// The binary cargo built for these tests.
pub const CONCUR: &str = env!("CARGO_BIN_EXE_concur");

/// What a finished command left: its status and both outputs.
pub struct Finished {
    pub status: ExitStatus,
    pub stdout: String,
    pub stderr: String,
}

/// Wait for `child` at most `limit`, reading its piped outputs meanwhile; past the limit it
/// is killed and the test fails naming `what`.
pub fn finish(mut child: Child, limit: Duration, what: &str) -> Finished {
    let read = |pipe: Option<Box<dyn Read + Send>>| {
        std::thread::spawn(move || {
            let mut text = String::new();
            if let Some(mut pipe) = pipe {
                let mut bytes = Vec::new();
                let _ = pipe.read_to_end(&mut bytes);
                text = String::from_utf8_lossy(&bytes).into_owned();
            }
            text
        })
    };
    let stdout = read(
        child
            .stdout
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    let stderr = read(
        child
            .stderr
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    let deadline = Instant::now() + limit;
    let status = loop {
        if let Some(status) = child.try_wait().expect("try_wait") {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{what}: still running after {limit:?}, killed");
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    Finished {
        status,
        stdout: stdout.join().unwrap_or_default(),
        stderr: stderr.join().unwrap_or_default(),
    }
}

/// The processes whose parent is `pid`, from /proc (zombies included).
pub fn children_of(pid: u32) -> Vec<u32> {
    std::fs::read_dir("/proc")
        .into_iter()
        .flatten()
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse::<u32>().ok())
        .filter(|&p| parent_of(p) == Some(pid))
        .collect()
}

/// The parent of `pid`, as the library reads it.
pub fn parent_of(pid: u32) -> Option<u32> {
    concur::spawn::parent_of(i32::try_from(pid).ok()?)
}

/// Poll `done` every 10 ms until it holds or `limit` passes; whether it held.
pub fn eventually(limit: Duration, mut done: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + limit;
    loop {
        if done() {
            return true;
        }
        if Instant::now() > deadline {
            return false;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// This process's threads, from /proc.
pub fn threads() -> usize {
    std::fs::read_dir("/proc/self/task").map_or(0, |d| d.count())
}

/// This process's threads once they are down to `expected` (threads of a dropped pool or
/// runtime exit on their own shortly after), or after 10 s, whichever comes first.
pub fn threads_settle_to(expected: usize) -> usize {
    eventually(Duration::from_secs(10), || threads() <= expected);
    threads()
}
