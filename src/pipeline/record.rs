//! The crawl's cells as the bench records them and the report reads them: a [`FlowCell`] per
//! (shape, flavour, queue), its checked run's answer, census, peak depth and memory and its
//! queue's depth over time, written under `target/concur/records/flows/` beside the other
//! records; [`join`] adds criterion's estimate of each and, from the in-turn cell's estimate
//! split by its own fetch and parse costs ([`Costs`]), the ideal, the speedup and the
//! efficiency: the same statistic for the ideal and the time. `results.json` carries them as
//! `flows` (absent when there are none, so older files read as before).

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};

use super::ideal::{Costs, Lanes};
use super::queue::Depth;
use super::{PipelineRun, Shape};
use crate::census::Census;
use crate::crawl_page::Counts;
use crate::ideal::Stat;
use crate::identity::{BenchKey, CellId, FlowPoint, Varied};

/// One crawl cell.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct FlowCell {
    pub id: CellId,
    pub point: FlowPoint,
    pub pages: usize,
    pub page_bytes: usize,
    pub delay_ms: u64,
    pub fetchers: usize,
    pub parsers: usize,
    pub cores: usize,
    pub ok: bool,
    pub answer: Option<Counts>,
    pub expected: Counts,
    pub errors: Vec<String>,
    pub setup_s: f64,
    pub peak_depth: Option<usize>,
    pub peak_rss_bytes: Option<u64>,
    pub census: Census,
    /// The checked run's queue depth after every push and pop.
    pub depth: Vec<Depth>,
    /// The in-turn cell's own fetch and parse costs per page (only on that cell).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub costs: Option<Costs>,
    /// Criterion's estimate (filled by [`join`]).
    #[serde(default)]
    pub time: Option<Stat>,
    #[serde(default)]
    pub ideal_s: Option<f64>,
    /// Against the in-turn cell at the same delay.
    #[serde(default)]
    pub speedup: Option<f64>,
    #[serde(default)]
    pub efficiency: Option<f64>,
    /// Its whole interval beat the ideal: not a result, an anomaly.
    #[serde(default)]
    pub anomaly: bool,
}

impl FlowCell {
    /// The identity of the crawl's cell at `point`.
    pub fn id_of(point: FlowPoint) -> CellId {
        CellId {
            workload: super::NAME.to_string(),
            comparison: crate::identity::Comparison::Models,
            model: point.flavour.name().to_string(),
            varied: Varied::Flow(point),
        }
    }

    /// The cell of a checked `run` at `point`, `delay_ms` the server's delay.
    pub fn of(
        run: &PipelineRun,
        point: FlowPoint,
        pages: usize,
        page_bytes: usize,
        delay_ms: u64,
    ) -> FlowCell {
        FlowCell {
            id: FlowCell::id_of(point),
            point,
            pages,
            page_bytes,
            delay_ms,
            fetchers: super::FETCHERS,
            parsers: super::PARSERS,
            cores: crate::run::cores(),
            ok: run.ok,
            answer: run.answer,
            expected: run.expected,
            errors: run.errors.clone(),
            setup_s: run.setup_s,
            peak_depth: run.peak_depth,
            peak_rss_bytes: run.peak_rss_bytes,
            census: run.census,
            depth: run.depth.clone(),
            costs: None,
            time: None,
            ideal_s: None,
            speedup: None,
            efficiency: None,
            anomaly: false,
        }
    }

    /// The numbers a results file may not hold: negative, non-finite, or beyond `max_s`.
    pub fn is_sane(&self, max_s: f64) -> bool {
        let fine = |v: f64| v.is_finite() && (0.0..=max_s).contains(&v);
        let time = self
            .time
            .is_none_or(|t| Stat::new(t.mean_s, t.low_s, t.high_s).is_some() && t.high_s <= max_s);
        let numbers = [
            self.ideal_s,
            self.speedup,
            self.efficiency,
            Some(self.setup_s),
        ];
        time && numbers.iter().flatten().all(|&v| fine(v)) && self.depth.iter().all(|d| fine(d.t_s))
    }
}

/// Where the bench leaves flow records: `records/flows/<bench>.json`.
pub fn flows_dir(records_dir: &Path) -> PathBuf {
    records_dir.join("flows")
}

/// Save one bench's flow cells, replacing what it wrote before; with `keep_others` (a
/// filtered run) its earlier cells not measured now are kept.
pub fn write(
    records_dir: &Path,
    bench: &str,
    cells: &[FlowCell],
    keep_others: bool,
) -> Result<PathBuf> {
    let dir = flows_dir(records_dir);
    fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    let path = dir.join(format!("{bench}.json"));
    let mut kept: Vec<FlowCell> = Vec::new();
    if keep_others {
        let earlier = fs::read_to_string(&path)
            .ok()
            .and_then(|text| serde_json::from_str::<Vec<FlowCell>>(&text).ok());
        kept.extend(
            earlier
                .unwrap_or_default()
                .into_iter()
                .filter(|old| !cells.iter().any(|c| c.id == old.id)),
        );
    }
    kept.extend_from_slice(cells);
    crate::files::write_atomic(&path, serde_json::to_string(&kept)?.as_bytes())?;
    Ok(path)
}

/// Every bench's flow cells; none when there are no records.
pub fn read(records_dir: &Path) -> Result<Vec<FlowCell>> {
    let Ok(entries) = fs::read_dir(flows_dir(records_dir)) else {
        return Ok(Vec::new());
    };
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    let mut cells = Vec::new();
    for path in paths
        .iter()
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
    {
        let text =
            fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
        let read: Vec<FlowCell> = serde_json::from_str(&text)
            .with_context(|| format!("{} is not a valid flow records file", path.display()))?;
        cells.extend(read);
    }
    Ok(cells)
}

/// Each cell with criterion's estimate, and the ideal, speedup and efficiency from the
/// in-turn cell at the same delay (its estimate split by its own costs).
pub fn join(
    mut cells: Vec<FlowCell>,
    estimates: &HashMap<BenchKey, std::result::Result<Stat, String>>,
) -> Vec<FlowCell> {
    for cell in &mut cells {
        cell.time = match estimates.get(&cell.id.bench_key()) {
            Some(Ok(stat)) if cell.ok => Some(*stat),
            _ => None,
        };
    }
    let baselines: Vec<(u64, f64, Option<Costs>)> = cells
        .iter()
        .filter(|c| c.point.shape == Shape::InTurn && !c.point.fast_fetchers)
        .filter_map(|c| Some((c.delay_ms, c.time?.mean_s, c.costs.clone())))
        .collect();
    for cell in &mut cells {
        let (Some(time), Some((_, base_s, costs))) = (
            cell.time,
            baselines
                .iter()
                .find(|b| b.0 == cell.delay_ms && !cell.point.fast_fetchers),
        ) else {
            continue;
        };
        cell.speedup = Some(base_s / time.mean_s);
        if let Some(costs) = costs {
            let lanes = Lanes {
                fetchers: cell.fetchers,
                parsers: cell.parsers,
                cores: cell.cores,
            };
            let ideal = costs.ideal(cell.point.shape, lanes, *base_s);
            cell.ideal_s = Some(ideal);
            cell.efficiency = Some(ideal / time.mean_s);
            cell.anomaly = time.high_s < ideal;
        }
    }
    cells
}
