//! Published per-unit costs (`fixtures/published-costs.json`), and ours beside them: each
//! figure with its source, its machine as the source states it, and whether the figure was
//! checked against the source's text.

use serde::{Deserialize, Serialize};

const FIXTURE: &str = include_str!("../../fixtures/published-costs.json");

/// One published figure.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Published {
    /// What unit it prices: `thread-spawn`, `task-spawn`, `pool-job`, `process-spawn`,
    /// `thread-switch`, `task-switch`, `thread-memory`, `task-memory`.
    pub unit: String,
    pub what: String,
    pub value: f64,
    /// `seconds` or `bytes`.
    pub per: String,
    pub source: String,
    pub url: String,
    pub machine: String,
    pub confirmed: bool,
}

#[derive(Deserialize)]
struct Fixture {
    figures: Vec<Published>,
}

/// Every published figure, in the fixture's order.
pub fn all() -> Vec<Published> {
    serde_json::from_str::<Fixture>(FIXTURE).map_or_else(|_| Vec::new(), |f| f.figures)
}

/// Our figure for a unit beside a published one.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Beside {
    pub unit: String,
    pub ours: f64,
    pub published: Published,
}

impl Beside {
    /// Ours ÷ theirs.
    pub fn ratio(&self) -> f64 {
        self.ours / self.published.value
    }
}

/// Each published figure for a unit we measured, with ours beside it.
pub fn beside(ours: &[(&str, f64)]) -> Vec<Beside> {
    all()
        .into_iter()
        .filter_map(|p| {
            let (_, v) = ours.iter().find(|(u, v)| *u == p.unit && v.is_finite())?;
            Some(Beside {
                unit: p.unit.clone(),
                ours: *v,
                published: p,
            })
        })
        .collect()
}

/// What our figure for `unit` measures, in a few words.
pub fn ours_means(unit: &str) -> &'static str {
    match unit {
        "thread-spawn" => "a thread per empty task, spawned and joined, with the harness's share per task",
        "task-spawn" => "a tokio task per empty task on one event loop, spawned and joined, with the harness's share",
        "pool-job" => "one empty job through a rayon pool's queue, with the harness's share",
        "process-spawn" => "this program started as concur echo, and its first answer over a pipe",
        "thread-switch" => "half a round trip between two threads over std channels",
        "task-switch" => "half a round trip between two tokio tasks on one thread over tokio channels",
        "thread-memory" | "task-memory" => "slope of peak RSS over N units all waiting at once (least squares)",
        _ => "",
    }
}

/// A value of `per` (seconds or bytes) as it reads.
pub fn value(v: f64, per: &str) -> String {
    if per == "bytes" {
        crate::format::bytes(v.max(0.0) as u64)
    } else {
        crate::format::time(v)
    }
}

/// This machine as the report names it: its CPU and cores.
pub fn this_machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|t| {
            t.lines()
                .find_map(|l| l.strip_prefix("model name"))
                .map(|rest| rest.trim_start_matches([' ', '\t', ':']).trim().to_string())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    format!("{cpu}, {} cores", crate::run::cores())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fixture_reads_and_every_figure_names_its_source_and_machine() {
        let all = all();
        assert!(all.len() >= 10, "{}", all.len());
        for p in &all {
            assert!(p.value > 0.0 && p.url.starts_with("https://"), "{p:?}");
            assert!(!p.machine.is_empty() && !p.source.is_empty(), "{p:?}");
            assert!(p.per == "seconds" || p.per == "bytes", "{p:?}");
        }
    }

    #[test]
    fn ours_is_put_beside_every_figure_for_its_unit() {
        let b = beside(&[("thread-spawn", 34e-6), ("nothing", 1.0)]);
        assert_eq!(b.len(), 2, "two sources price a thread spawn");
        assert!((b[0].ratio() - 2.0).abs() < 1e-9);
    }
}
