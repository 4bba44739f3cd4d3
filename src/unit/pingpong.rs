//! `pingpong`: two lanes pass a token back and forth K times, each adding one, so the final
//! count is 2K (checked). Time per round trip = wall ÷ K; a switch is half a round trip (one
//! lane hands over to the other).
//!
//! Four kinds of lane: two OS threads over std channels; two async tasks on one thread over
//! tokio channels; two async tasks on a multi-threaded runtime of two workers (tokio decides
//! where each runs; they may share a worker); two processes over a pipe (this program's hidden
//! `concur echo`, which dies with its parent). Setup (the second lane started and one warm
//! round trip) is timed apart from the K counted ones.

use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use serde::Serialize;

use crate::census::{self, Census};
use crate::ideal::Stat;

/// The round trips `concur run pingpong` makes unless told otherwise, and at most.
pub const DEFAULT_ROUND_TRIPS: u64 = 20_000;
pub const MAX_ROUND_TRIPS: u64 = 1_000_000;

/// What the two lanes are.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Flavour {
    Threads,
    TasksOneThread,
    TasksOnWorkers,
    Processes,
}

impl Flavour {
    pub const ALL: [Flavour; 4] = [
        Flavour::Threads,
        Flavour::TasksOneThread,
        Flavour::TasksOnWorkers,
        Flavour::Processes,
    ];

    /// Its name on the command line and in the table.
    pub fn name(self) -> &'static str {
        match self {
            Flavour::Threads => "threads",
            Flavour::TasksOneThread => "tasks-one-thread",
            Flavour::TasksOnWorkers => "tasks-on-workers",
            Flavour::Processes => "processes",
        }
    }

    /// The lanes and their channel, in a few words.
    pub fn describe(self) -> &'static str {
        match self {
            Flavour::Threads => "two OS threads, std mpsc channels",
            Flavour::TasksOneThread => "two tokio tasks on one thread, tokio mpsc",
            Flavour::TasksOnWorkers => "two tokio tasks on a 2-worker runtime, tokio mpsc",
            Flavour::Processes => "two processes, a pipe each way",
        }
    }
}

/// One flavour's line of the `pingpong` probe.
#[derive(Clone, Debug, Serialize)]
pub struct PingpongRow {
    pub probe: &'static str,
    pub flavour: Flavour,
    pub lanes: &'static str,
    pub round_trips: u64,
    pub repeat: usize,
    /// Median wall time of the K round trips, with the fastest and slowest repeat.
    pub wall: Option<Stat>,
    pub per_round_trip_s: Option<f64>,
    /// Half a round trip: one lane handing the token to the other.
    pub per_switch_s: Option<f64>,
    /// Starting the second lane and one warm round trip (the median repeat's).
    pub setup_s: f64,
    /// What one repeat created (threads, tasks, processes), setup included.
    pub census: Census,
    pub ok: bool,
    pub token: Option<u64>,
    pub expected: u64,
    pub errors: Vec<String>,
}

/// One repeat: its setup, its counted round trips' time, the final token and the census.
struct Once {
    setup_s: f64,
    wall_s: f64,
    token: u64,
    census: Census,
}

/// Pass the token `k` round trips, `repeat` times. `exe` is the program whose `echo`
/// subcommand is the second process (this one's when `None`).
pub fn measure(flavour: Flavour, k: u64, repeat: usize, exe: Option<&Path>) -> PingpongRow {
    let mut runs = Vec::new();
    let mut errors = Vec::new();
    for _ in 0..repeat.max(1) {
        let before = census::snapshot();
        match once(flavour, k, exe) {
            Ok(mut run) => {
                run.census = before.since();
                runs.push(run);
            }
            Err(e) => {
                errors.push(e);
                break;
            }
        }
    }
    let expected = 2 * k;
    if let Some(wrong) = runs.iter().find(|r| r.token != expected) {
        errors.push(format!(
            "wrong count: got {}, expected {expected}",
            wrong.token
        ));
    }
    let walls: Vec<f64> = runs.iter().map(|r| r.wall_s).collect();
    let ok = errors.is_empty() && !runs.is_empty();
    let wall = Stat::of_repeats(&walls).filter(|_| ok);
    let median = wall.and_then(|w| runs.iter().find(|r| r.wall_s == w.mean_s));
    PingpongRow {
        probe: "pingpong",
        flavour,
        lanes: flavour.describe(),
        round_trips: k,
        repeat: runs.len(),
        wall,
        per_round_trip_s: wall.map(|w| w.mean_s / k as f64),
        per_switch_s: wall.map(|w| w.mean_s / (2 * k) as f64),
        setup_s: median.map_or(0.0, |r| r.setup_s),
        census: median.map_or_else(Census::default, |r| r.census),
        ok,
        token: median.or(runs.first()).map(|r| r.token),
        expected,
        errors,
    }
}

/// One repeat's K counted round trips alone (setup excluded), the count checked: what the
/// bench hands criterion (`iter_custom`).
pub fn counted(flavour: Flavour, k: u64, exe: Option<&Path>) -> Result<Duration, String> {
    let run = once(flavour, k, exe)?;
    if run.token != 2 * k {
        return Err(format!(
            "wrong count: got {}, expected {}",
            run.token,
            2 * k
        ));
    }
    Ok(Duration::from_secs_f64(run.wall_s))
}

fn once(flavour: Flavour, k: u64, exe: Option<&Path>) -> Result<Once, String> {
    match flavour {
        Flavour::Threads => threads(k),
        Flavour::TasksOneThread => {
            let began = Instant::now();
            let rt = tokio::runtime::Builder::new_current_thread()
                .build()
                .map_err(|e| format!("tokio could not start: {e}"))?;
            tasks(&rt, k, began)
        }
        Flavour::TasksOnWorkers => {
            let began = Instant::now();
            crate::os_threads::reserve(3)?;
            let rt = crate::os_threads::build_runtime(|| {
                tokio::runtime::Builder::new_multi_thread()
                    .worker_threads(2)
                    .thread_name("pingpong-worker")
                    .build()
            })?;
            tasks(&rt, k, began)
        }
        Flavour::Processes => processes(k, exe),
    }
}

fn threads(k: u64) -> Result<Once, String> {
    let began = Instant::now();
    let (to_pong, pong_in) = mpsc::channel::<u64>();
    let (pong_out, from_pong) = mpsc::channel::<u64>();
    let pong = thread::Builder::new()
        .name("pong".into())
        .spawn(move || {
            while let Ok(token) = pong_in.recv() {
                if pong_out.send(token + 1).is_err() {
                    break;
                }
            }
        })
        .map_err(|e| format!("the OS refused the second lane's thread: {e}"))?;
    let hop = |token: u64| -> Result<u64, String> {
        to_pong
            .send(token + 1)
            .map_err(|_| "the second lane went away".to_string())?;
        from_pong
            .recv()
            .map_err(|_| "the second lane went away".to_string())
    };
    hop(0)?;
    let setup_s = began.elapsed().as_secs_f64();
    let clock = Instant::now();
    let mut token = 0;
    for _ in 0..k {
        token = hop(std::hint::black_box(token))?;
    }
    let wall_s = clock.elapsed().as_secs_f64();
    drop(to_pong);
    pong.join()
        .map_err(|_| "the second lane panicked".to_string())?;
    Ok(Once {
        setup_s,
        wall_s,
        token,
        census: Census::default(),
    })
}

fn tasks(rt: &tokio::runtime::Runtime, k: u64, began: Instant) -> Result<Once, String> {
    use tokio::sync::mpsc::unbounded_channel;
    let gone = || "the second lane went away".to_string();
    let ping = async move {
        let (to_pong, mut pong_in) = unbounded_channel::<u64>();
        let (pong_out, mut from_pong) = unbounded_channel::<u64>();
        census::task_spawned();
        let pong = tokio::spawn(async move {
            while let Some(token) = pong_in.recv().await {
                if pong_out.send(token + 1).is_err() {
                    break;
                }
            }
        });
        to_pong.send(1).map_err(|_| gone())?;
        from_pong.recv().await.ok_or_else(gone)?;
        let setup_s = began.elapsed().as_secs_f64();
        let clock = Instant::now();
        let mut token = 0;
        for _ in 0..k {
            to_pong
                .send(std::hint::black_box(token) + 1)
                .map_err(|_| gone())?;
            token = from_pong.recv().await.ok_or_else(gone)?;
        }
        let wall_s = clock.elapsed().as_secs_f64();
        drop(to_pong);
        pong.await.map_err(|e| e.to_string())?;
        Ok(Once {
            setup_s,
            wall_s,
            token,
            census: Census::default(),
        })
    };
    // Both lanes are spawned tasks, so on a multi-threaded runtime both run on its workers.
    census::task_spawned();
    rt.block_on(async { tokio::spawn(ping).await.map_err(|e| e.to_string())? })
}

/// The second process, killed and reaped however the run ends.
struct Echo {
    child: Child,
    input: ChildStdin,
    output: ChildStdout,
}

impl Drop for Echo {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Echo {
    fn hop(&mut self, token: u64) -> Result<u64, String> {
        let broke = |e: io::Error| format!("the echo process's pipe broke: {e}");
        self.input
            .write_all(&(token + 1).to_le_bytes())
            .map_err(broke)?;
        self.input.flush().map_err(broke)?;
        let mut back = [0u8; 8];
        self.output.read_exact(&mut back).map_err(broke)?;
        Ok(u64::from_le_bytes(back))
    }
}

fn processes(k: u64, exe: Option<&Path>) -> Result<Once, String> {
    let began = Instant::now();
    let exe: PathBuf = match exe {
        Some(p) => p.to_path_buf(),
        None => std::env::current_exe().map_err(|e| format!("cannot find this program: {e}"))?,
    };
    let mut command = Command::new(&exe);
    command
        .arg("echo")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    crate::spawn::die_with_parent(&mut command);
    let mut child = command
        .spawn()
        .map_err(|e| format!("could not start {}: {e}", exe.display()))?;
    census::process_spawned();
    let (input, output) = (child.stdin.take(), child.stdout.take());
    let (Some(input), Some(output)) = (input, output) else {
        let _ = child.kill();
        let _ = child.wait();
        return Err("the echo process has no pipes".into());
    };
    let mut echo = Echo {
        child,
        input,
        output,
    };
    echo.hop(0)?;
    let setup_s = began.elapsed().as_secs_f64();
    let clock = Instant::now();
    let mut token = 0;
    for _ in 0..k {
        token = echo.hop(std::hint::black_box(token))?;
    }
    let wall_s = clock.elapsed().as_secs_f64();
    Ok(Once {
        setup_s,
        wall_s,
        token,
        census: Census::default(),
    })
}

/// The second process's side (`concur echo`): read a token, send it back plus one, until
/// the pipe closes.
pub fn echo(mut input: impl Read, mut output: impl Write) -> io::Result<()> {
    let mut token = [0u8; 8];
    loop {
        match input.read_exact(&mut token) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => return Ok(()),
            Err(e) => return Err(e),
        }
        let next = u64::from_le_bytes(token).wrapping_add(1);
        output.write_all(&next.to_le_bytes())?;
        output.flush()?;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn echo_adds_one_to_each_token_until_the_pipe_closes() {
        let input: Vec<u8> = [5u64, 41].iter().flat_map(|t| t.to_le_bytes()).collect();
        let mut out = Vec::new();
        echo(&input[..], &mut out).unwrap();
        let back: Vec<u64> = out
            .chunks(8)
            .map(|c| u64::from_le_bytes(c.try_into().unwrap()))
            .collect();
        assert_eq!(back, vec![6, 42]);
    }

    #[test]
    fn lanes_in_this_process_count_to_two_k() {
        for flavour in [
            Flavour::Threads,
            Flavour::TasksOneThread,
            Flavour::TasksOnWorkers,
        ] {
            let row = measure(flavour, 500, 2, None);
            assert!(row.ok, "{flavour:?}: {:?}", row.errors);
            assert_eq!(row.token, Some(1000), "{flavour:?}");
            assert_eq!(row.repeat, 2);
        }
    }
}
