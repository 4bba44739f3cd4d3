//! Tasks as data: the unit of work a workload hands to a model, and what a task returns.
//!
//! A [`Task`] is plain, serialisable data so that every model can run it the same way: in place,
//! on a thread, inside a tokio task, or in another process after a trip through a pipe as one
//! line of JSON. The CPU kernels themselves live in [`crate::kernel`]; this file only dispatches
//! to them (and to [`crate::http`] for IO tasks), to a plain wait ([`Task::Sleep`]), and to
//! the state tasks share ([`crate::shared`]: the bank account, the counter).

use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::gate;
use crate::shared::{self, Counted, Sharing, StateId, Withdrawal};
use crate::{crawl_page, http, kernel};

/// One unit of a workload. Models run tasks without knowing which workload made them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Task {
    /// Is `n` prime? (trial division, the classic `is_prime`)
    IsPrime { n: u64 },
    /// Σ i² for i in `start..end`, in u128.
    SumSquares { start: u64, end: u64 },
    /// Σ i for i in `0..=n` (the tutorials' `sum_to_num`).
    SumTo { n: u64 },
    /// GET `url`; the output is the body's length in bytes.
    Get { url: String, timeout_ms: u64 },
    /// POST the JSON `body` to `url`; the output is the reply's body as text.
    Post {
        url: String,
        body: String,
        timeout_ms: u64,
    },
    /// Wait `ms` milliseconds, computing nothing; the output is `ms`. On the blocking path a
    /// `std::thread::sleep`, which holds its thread like Python's `time.sleep`; on the async
    /// path a `tokio::time::sleep`, which yields the event loop like `await asyncio.sleep`. So
    /// a model that calls blocking code on its event loop (`async-naive`) shows the mistake.
    /// For any workload whose tasks wait a known time without a server ([`Kind::Wait`]).
    ///
    /// [`Kind::Wait`]: crate::workload::Kind::Wait
    Sleep { ms: u64 },
    /// Withdraw `amount` from account `slot` of run `state` (opened at `opening` in whichever
    /// process first touches it), pausing `pause_ms` between the check and the update;
    /// `locked` holds the account's lock across all three (see [`crate::shared`]).
    Withdraw {
        state: StateId,
        slot: u32,
        opening: i64,
        amount: i64,
        pause_ms: u64,
        locked: bool,
    },
    /// Add one `n` times to run `state`'s counter, shared as `sharing` says.
    Count {
        state: StateId,
        n: u64,
        sharing: Sharing,
    },
    /// Nothing: the unit of the `spawn` probe, returning `i` through `black_box` so the
    /// compiler cannot delete it. What it costs is the model's cost of one task.
    Empty { i: u64 },
    /// Wait until `of` units arrived at gate `gate` (see [`crate::gate`]): the unit of the
    /// `sleepers` probe. The output is the unit's arrival index.
    Gather { gate: u64, of: u64 },
    /// GET the crawl page at `url` and parse it (fetch and parse fused in one task); the
    /// output is the page's [`Counts`](crate::crawl_page::Counts) as JSON text.
    Crawl { url: String, timeout_ms: u64 },
    /// Parse a fetched crawl page; the output is its counts as JSON text. The body travels
    /// with the task, so a worker process is sent the whole page, as a pickled one would be.
    Parse { body: String },
}

/// The largest prime below 10¹²: a primality sample of about 500 000 trial divisions.
const SAMPLE_PRIME: u64 = 999_999_999_989;

/// What one task returns. u128 travels as a decimal string so any JSON reader keeps it exact.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Output {
    Bool(bool),
    Int(#[serde(with = "u128_string")] u128),
    Text(String),
    /// What a [`Task::Withdraw`] did, and in which process.
    Withdrawal(Withdrawal),
    /// What a [`Task::Count`] on a shared counter did, and in which process.
    Counted(Counted),
}

/// A task's result: its output, or a one-line reason it failed.
pub type TaskOutcome = Result<Output, String>;

impl Task {
    /// Run the task on the calling thread, blocking it until the task is done.
    /// HTTP goes through this thread's blocking client (see [`crate::http`]).
    pub fn run_blocking(&self) -> TaskOutcome {
        match self {
            Task::Get { url, timeout_ms } => {
                http::get_blocking(url, *timeout_ms).map(|r| Output::Int(r.body.len() as u128))
            }
            Task::Post {
                url,
                body,
                timeout_ms,
            } => http::post_blocking(url, body, *timeout_ms).map(|r| text(r.body)),
            Task::Sleep { ms } => {
                std::thread::sleep(Duration::from_millis(*ms));
                Ok(Output::Int(u128::from(*ms)))
            }
            &Task::Withdraw {
                state,
                slot,
                opening,
                amount,
                pause_ms,
                locked,
            } => {
                let account = shared::account(state, slot, opening);
                let pause = Duration::from_millis(pause_ms);
                let (accepted, balance) = match locked {
                    true => account.withdraw_locked(amount, pause),
                    false => account.withdraw(amount, pause),
                };
                Ok(withdrawal(state, accepted, balance))
            }
            Task::Gather { gate, of } => gate::wait_blocking(*gate, *of).map(count),
            Task::Crawl { url, timeout_ms } => http::get_blocking(url, *timeout_ms)
                .map(|r| parsed(&String::from_utf8_lossy(&r.body))),
            cpu => cpu.compute(),
        }
    }

    /// Run the task inside an async runtime, HTTP through the model's shared `client`.
    /// CPU-bound tasks have no await point: they run to the end on the executor thread and
    /// block every other task on it, exactly like CPU work inside an asyncio coroutine.
    pub async fn run_async(&self, client: Option<&reqwest::Client>) -> TaskOutcome {
        let need_client = || "this model was started without an HTTP client".to_string();
        match self {
            Task::Get { url, timeout_ms } => {
                http::get_async(client.ok_or_else(need_client)?, url, *timeout_ms)
                    .await
                    .map(|r| Output::Int(r.body.len() as u128))
            }
            Task::Post {
                url,
                body,
                timeout_ms,
            } => http::post_async(client.ok_or_else(need_client)?, url, body, *timeout_ms)
                .await
                .map(|r| text(r.body)),
            Task::Sleep { ms } => {
                tokio::time::sleep(Duration::from_millis(*ms)).await;
                Ok(Output::Int(u128::from(*ms)))
            }
            &Task::Withdraw {
                state,
                slot,
                opening,
                amount,
                pause_ms,
                locked,
            } => {
                let account = shared::account(state, slot, opening);
                let pause = Duration::from_millis(pause_ms);
                let (accepted, balance) = match locked {
                    true => account.withdraw_async_locked(amount, pause).await,
                    false => account.withdraw_async(amount, pause).await,
                };
                Ok(withdrawal(state, accepted, balance))
            }
            Task::Gather { gate, of } => gate::wait_async(*gate, *of).await.map(count),
            // The parse has no await point: it holds the executor thread, as in asyncio.
            Task::Crawl { url, timeout_ms } => {
                http::get_async(client.ok_or_else(need_client)?, url, *timeout_ms)
                    .await
                    .map(|r| parsed(&String::from_utf8_lossy(&r.body)))
            }
            cpu => cpu.compute(),
        }
    }

    /// The run's state id, for tasks that change shared state (see [`crate::shared`]).
    pub fn state(&self) -> Option<StateId> {
        match *self {
            Task::Withdraw { state, .. } | Task::Count { state, .. } => Some(state),
            _ => None,
        }
    }

    /// The same task on run `id`'s state (itself, for a task that shares none).
    pub fn with_state(&self, id: StateId) -> Task {
        let mut task = self.clone();
        if let Task::Withdraw { state, .. } | Task::Count { state, .. } = &mut task {
            *state = id;
        }
        task
    }

    /// True for tasks that wait on the network.
    pub fn is_io(&self) -> bool {
        matches!(
            self,
            Task::Get { .. } | Task::Post { .. } | Task::Crawl { .. }
        )
    }

    /// How much computing the task is, in its kernel's loop steps: what its time grows with
    /// (trial divisions for a prime, elements of a sum). At most, for primality: a composite
    /// stops at its smallest factor. Zero for IO tasks, whose time is the server's.
    pub fn work(&self) -> f64 {
        match *self {
            Task::IsPrime { n } => (n.isqrt() / 2) as f64,
            Task::SumSquares { start, end } => end.saturating_sub(start) as f64,
            Task::SumTo { n } => n as f64 + 1.0,
            Task::Count { n, .. } => n as f64,
            Task::Parse { ref body } => body.len() as f64,
            Task::Get { .. }
            | Task::Post { .. }
            | Task::Sleep { .. }
            | Task::Withdraw { .. }
            | Task::Empty { .. }
            | Task::Gather { .. }
            | Task::Crawl { .. } => 0.0,
        }
    }

    /// A task of the same kind running the same kernel for at most about `max_work` steps,
    /// so timing it says what a step of this task costs (see [`crate::estimate`]).
    pub fn sample(&self, max_work: u64) -> Task {
        match *self {
            Task::IsPrime { .. } if self.work() > max_work as f64 => {
                Task::IsPrime { n: SAMPLE_PRIME }
            }
            Task::SumSquares { start, end } => Task::SumSquares {
                start,
                end: end.min(start.saturating_add(max_work)),
            },
            Task::SumTo { n } => Task::SumTo { n: n.min(max_work) },
            // Waits cost no computing; a sample must not touch a run's account either.
            Task::Sleep { .. } | Task::Withdraw { .. } => Task::Sleep { ms: 0 },
            // State 0 is never a run's (see `shared::fresh_id`): a scratch counter.
            Task::Count { n, sharing, .. } => Task::Count {
                state: 0,
                n: n.min(max_work),
                sharing,
            },
            _ => self.clone(),
        }
    }

    /// The CPU kernels.
    fn compute(&self) -> TaskOutcome {
        if let Task::Parse { body } = self {
            return Ok(parsed(body));
        }
        Ok(match *self {
            Task::IsPrime { n } => Output::Bool(kernel::is_prime(n)),
            Task::SumSquares { start, end } => Output::Int(kernel::sum_squares(start, end)),
            Task::SumTo { n } => Output::Int(kernel::sum_to(n)),
            Task::Count { state, n, sharing } => {
                let after = shared::counter(state).add(n, sharing);
                match sharing {
                    Sharing::Local => Output::Int(u128::from(after)),
                    Sharing::Mutex | Sharing::Atomic => Output::Counted(Counted {
                        added: n,
                        after,
                        pid: std::process::id(),
                        state,
                    }),
                }
            }
            Task::Empty { i } => Output::Int(std::hint::black_box(i) as u128),
            Task::Get { .. }
            | Task::Post { .. }
            | Task::Sleep { .. }
            | Task::Withdraw { .. }
            | Task::Gather { .. }
            | Task::Crawl { .. }
            | Task::Parse { .. } => return Err("not a CPU task".to_string()),
        })
    }
}

fn withdrawal(state: StateId, accepted: bool, balance: i64) -> Output {
    Output::Withdrawal(Withdrawal {
        accepted,
        balance,
        pid: std::process::id(),
        state,
    })
}

fn count(n: u64) -> Output {
    Output::Int(n as u128)
}

/// A crawl page parsed, its counts as JSON text (read back by [`Output::as_counts`]).
fn parsed(body: &str) -> Output {
    Output::Text(serde_json::to_string(&crawl_page::parse(body)).unwrap_or_default())
}

fn text(body: Vec<u8>) -> Output {
    Output::Text(String::from_utf8_lossy(&body).into_owned())
}

impl Output {
    /// The value as a u128, for workloads that add task results up.
    pub fn as_int(&self) -> Option<u128> {
        match self {
            Output::Int(v) => Some(*v),
            _ => None,
        }
    }

    /// The value as a bool, for workloads whose tasks answer yes or no.
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Output::Bool(b) => Some(*b),
            _ => None,
        }
    }

    /// The counts of a parsed crawl page ([`Task::Crawl`], [`Task::Parse`]).
    pub fn as_counts(&self) -> Option<crawl_page::Counts> {
        serde_json::from_str(self.as_text()?).ok()
    }

    /// The value as text, for workloads whose tasks return a reply body.
    pub fn as_text(&self) -> Option<&str> {
        match self {
            Output::Text(t) => Some(t),
            _ => None,
        }
    }
}

mod u128_string {
    use serde::{de::Error, Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(v: &u128, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&v.to_string())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<u128, D::Error> {
        let text = String::deserialize(d)?;
        text.parse().map_err(D::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tasks_and_outputs_survive_a_json_round_trip() {
        let task = Task::SumSquares {
            start: 3,
            end: 100_000_000,
        };
        let line = serde_json::to_string(&task).unwrap();
        assert_eq!(serde_json::from_str::<Task>(&line).unwrap(), task);

        let big = Output::Int(333_333_328_333_333_350_000_000);
        let line = serde_json::to_string(&big).unwrap();
        assert!(line.contains("\"333333328333333350000000\""), "{line}");
        assert_eq!(serde_json::from_str::<Output>(&line).unwrap(), big);
    }

    #[test]
    fn a_sample_is_the_same_kernel_on_less_work() {
        let prime = Task::IsPrime { n: 112272535095293 };
        let sample = prime.sample(1_000_000);
        assert!(sample.work() <= 1_000_000.0 && sample.work() > 0.0);
        assert_eq!(sample.compute(), Ok(Output::Bool(true)));
        let sum = Task::SumSquares {
            start: 10,
            end: 1e9 as u64,
        };
        assert_eq!(sum.sample(100).work(), 100.0);
        assert_eq!(Task::SumTo { n: 5 }.sample(100), Task::SumTo { n: 5 });
    }
}
