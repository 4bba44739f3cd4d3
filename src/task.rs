//! Tasks as data: the unit of work a workload hands to a model, and what a task returns.
//!
//! A [`Task`] is plain, serialisable data so that every model can run it the same way: in place,
//! on a thread, inside a tokio task, or in another process after a trip through a pipe as one
//! line of JSON. The CPU kernels themselves live in [`crate::kernel`]; this file only dispatches
//! to them (and to [`crate::http`] for IO tasks).

use serde::{Deserialize, Serialize};

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
            // The parse has no await point: it holds the executor thread, as in asyncio.
            Task::Crawl { url, timeout_ms } => {
                http::get_async(client.ok_or_else(need_client)?, url, *timeout_ms)
                    .await
                    .map(|r| parsed(&String::from_utf8_lossy(&r.body)))
            }
            cpu => cpu.compute(),
        }
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
        match self {
            Task::Parse { body } => return body.len() as f64,
            Task::Crawl { .. } => return 0.0,
            _ => {}
        }
        match *self {
            Task::IsPrime { n } => (n.isqrt() / 2) as f64,
            Task::SumSquares { start, end } => end.saturating_sub(start) as f64,
            Task::SumTo { n } => n as f64 + 1.0,
            Task::Get { .. } | Task::Post { .. } | Task::Crawl { .. } | Task::Parse { .. } => 0.0,
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
            Task::Get { .. } | Task::Post { .. } | Task::Crawl { .. } | Task::Parse { .. } => {
                return Err("not a CPU task".to_string())
            }
        })
    }
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
