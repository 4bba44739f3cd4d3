//! A cell's identity as typed data: which workload, which comparison inside its section, which
//! model, and the one parameter the comparison varies (workers, size, window, batch, delay,
//! a pool's workers and batch together, or the order results are collected in).
//!
//! Like criterion's `BenchmarkId`, but with typed accessors: the identity travels from the
//! bench to `results.json` to the page, and nothing downstream parses meaning back out of a
//! name. Criterion's own (group, function, value) strings are derived from it in one place,
//! [`CellId::bench_key`], and only ever used to find criterion's estimate.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::model::Collect;
use crate::pipeline::queue::Cap;
use crate::pipeline::{Flavour, Shape};

/// What a set of cells of one workload compares; each is one block of the workload's section.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Comparison {
    /// Every model once, each at its natural W.
    Models,
    /// Models that take a W, swept over W (speedup against workers).
    Scaling,
    /// How the number in flight is limited: a sliding window against batches.
    Limits,
    /// The workload's size swept (e.g. `crowd` at N = 100, 1000, 10000).
    Sizes,
    /// The settings a tutorial ran the workload with (its pool size, its batches), to compare
    /// with the figures it printed.
    Tutorial,
    /// Results collected in submission order against as they complete.
    Collect,
    /// The tutorials' Python programs beside the Rust models that run tasks the same way, at
    /// the same size, W and server (the Python side, `src/python/`).
    Python,
}

impl Comparison {
    /// The name criterion's group gets, after the workload: `sum-squares-scaling`.
    pub fn suffix(self) -> &'static str {
        match self {
            Comparison::Models => "",
            Comparison::Scaling => "-scaling",
            Comparison::Limits => "-limits",
            Comparison::Sizes => "-sizes",
            Comparison::Tutorial => "-tutorial",
            Comparison::Collect => "-collect",
            Comparison::Python => "-python",
        }
    }
}

/// The parameter a comparison varies, with its value.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "param", content = "value", rename_all = "kebab-case")]
pub enum Varied {
    /// W: workers (threads, processes, runtime threads).
    Workers(usize),
    /// N: the workload's size.
    Size(u64),
    /// At most this many tasks in flight, refilled as each finishes (`--concurrency`).
    Window(usize),
    /// Batches of this many, each waited for before the next starts (`--batch`).
    Batch(usize),
    /// The server's delay per reply, in milliseconds.
    Delay(u64),
    /// W workers taking batches of this many, each waited for (a pool in batches).
    WorkersBatch { workers: usize, batch: usize },
    /// The order results reach the consumer (`--collect`).
    Collect(Collect),
    /// How a pipeline's stages are joined and what they are made of (the crawl's cells, all
    /// in its one comparison, [`Comparison::Models`]: every shape under every flavour).
    Flow(FlowPoint),
}

/// One pipeline cell's setting: its shape, its flavour, its queue, and whether the fetchers
/// outrun the parsers (the queue lesson, no server delay).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct FlowPoint {
    pub shape: Shape,
    pub flavour: Flavour,
    pub queue: Option<Cap>,
    pub fast_fetchers: bool,
}

impl Varied {
    /// The axis name: `W`, `N`, `window`, `batch`, `delay (ms)`, `W, batch`, `collect`.
    pub fn axis(&self) -> &'static str {
        match self {
            Varied::Collect(_) => "collect",
            Varied::Workers(_) => "W",
            Varied::WorkersBatch { .. } => "W, batch",
            Varied::Size(_) => "N",
            Varied::Window(_) => "window",
            Varied::Batch(_) => "batch",
            Varied::Delay(_) => "delay (ms)",
            Varied::Flow(_) => "shape",
        }
    }

    /// The value as a number, for axes and sorting (ordered 0, as completed 1).
    pub fn number(&self) -> f64 {
        match *self {
            Varied::Collect(c) => f64::from(c == Collect::AsCompleted),
            Varied::Workers(n) | Varied::Window(n) | Varied::Batch(n) => n as f64,
            Varied::Size(n) | Varied::Delay(n) => n as f64,
            Varied::WorkersBatch { workers, .. } => workers as f64,
            Varied::Flow(p) => p.shape as usize as f64,
        }
    }

    /// The value as criterion's parameter string (`2`, `window-5`, `batch-5`, `ordered`,
    /// `as-completed`).
    pub fn bench_value(&self) -> String {
        match *self {
            Varied::Collect(c) => c.name().to_string(),
            Varied::Workers(n) => n.to_string(),
            Varied::Size(n) | Varied::Delay(n) => n.to_string(),
            Varied::Window(n) => format!("window-{n}"),
            Varied::Batch(n) => format!("batch-{n}"),
            Varied::WorkersBatch { workers, batch } => format!("w{workers}-batch-{batch}"),
            Varied::Flow(p) => {
                let mut value = crate::format::slug(p.shape.name());
                match p.queue {
                    Some(Cap::Bounded(n)) => value.push_str(&format!("-queue-{n}")),
                    Some(Cap::Unbounded) => value.push_str("-unbounded"),
                    None => {}
                }
                if p.fast_fetchers {
                    value.push_str("-fast-fetchers");
                }
                value
            }
        }
    }
}

impl fmt::Display for Varied {
    /// For people: `W=2`, `N=1000`, `window of 5`, `batches of 5`, `delay 20 ms`, `ordered`,
    /// `as completed`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Varied::Collect(c) => write!(f, "{c}"),
            Varied::Workers(n) => write!(f, "W={n}"),
            Varied::Size(n) => write!(f, "N={n}"),
            Varied::Window(n) => write!(f, "window of {n}"),
            Varied::Batch(n) => write!(f, "batches of {n}"),
            Varied::Delay(n) => write!(f, "delay {n} ms"),
            Varied::WorkersBatch { workers, batch } => {
                write!(f, "W={workers}, batches of {batch}")
            }
            Varied::Flow(p) => {
                write!(f, "{}", p.shape.name())?;
                if let Some(q) = p.queue {
                    write!(f, ", {q}")?;
                }
                match p.fast_fetchers {
                    true => write!(f, ", fast fetchers"),
                    false => Ok(()),
                }
            }
        }
    }
}

/// Which cell: workload × comparison × model × the varied parameter.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct CellId {
    pub workload: String,
    pub comparison: Comparison,
    pub model: String,
    pub varied: Varied,
}

/// How criterion names a benchmark: its `BenchmarkId` pieces, used only to find its estimate.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct BenchKey {
    pub group: String,
    pub function: String,
    pub value: String,
}

impl CellId {
    /// Criterion's group, function and value for this cell.
    pub fn bench_key(&self) -> BenchKey {
        BenchKey {
            group: format!("{}{}", self.workload, self.comparison.suffix()),
            function: self.model.clone(),
            value: self.varied.bench_value(),
        }
    }

    /// A stable slug for HTML ids: `sum-squares-scaling-pool-w-2`.
    pub fn slug(&self) -> String {
        let raw = format!(
            "{}{}-{}-{}-{}",
            self.workload,
            self.comparison.suffix(),
            self.model,
            self.varied.axis(),
            self.varied.bench_value()
        );
        crate::format::slug(&raw)
    }
}

impl fmt::Display for CellId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} × {} ({})", self.workload, self.model, self.varied)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identity_survives_json_and_names_criterion_groups() {
        let id = CellId {
            workload: "api".into(),
            comparison: Comparison::Limits,
            model: "threads".into(),
            varied: Varied::Window(5),
        };
        let json = serde_json::to_string(&id).unwrap();
        assert!(
            json.contains(r#""varied":{"param":"window","value":5}"#),
            "{json}"
        );
        assert_eq!(serde_json::from_str::<CellId>(&json).unwrap(), id);
        let key = id.bench_key();
        assert_eq!(
            (
                key.group.as_str(),
                key.function.as_str(),
                key.value.as_str()
            ),
            ("api-limits", "threads", "window-5")
        );
        assert_eq!(id.slug(), "api-limits-threads-window-window-5");
        assert_eq!(Varied::Workers(3).to_string(), "W=3");
        let pool = Varied::WorkersBatch {
            workers: 5,
            batch: 10,
        };
        let json = serde_json::to_string(&pool).unwrap();
        assert_eq!(serde_json::from_str::<Varied>(&json).unwrap(), pool);
        assert_eq!(
            (pool.to_string().as_str(), pool.bench_value().as_str()),
            ("W=5, batches of 10", "w5-batch-10")
        );
        let collect = Varied::Collect(Collect::AsCompleted);
        let json = serde_json::to_string(&collect).unwrap();
        assert_eq!(json, r#"{"param":"collect","value":"as-completed"}"#);
        assert_eq!(serde_json::from_str::<Varied>(&json).unwrap(), collect);
        assert_eq!(
            (collect.bench_value().as_str(), collect.to_string().as_str()),
            ("as-completed", "as completed")
        );
        let flow = CellId {
            workload: "crawl".into(),
            comparison: Comparison::Models,
            model: "threads".into(),
            varied: Varied::Flow(FlowPoint {
                shape: Shape::Pipelined,
                flavour: Flavour::Threads,
                queue: Some(Cap::Bounded(2)),
                fast_fetchers: true,
            }),
        };
        let json = serde_json::to_string(&flow).unwrap();
        assert_eq!(serde_json::from_str::<CellId>(&json).unwrap(), flow);
        let key = flow.bench_key();
        assert_eq!(
            (key.group.as_str(), key.value.as_str()),
            ("crawl", "pipelined-queue-2-fast-fetchers")
        );
        assert_eq!(
            flow.varied.to_string(),
            "pipelined, queue of 2, fast fetchers"
        );
    }
}
