//! The cells a [`Group`] measures: one [`Spec`] per (model, value of what the group varies),
//! each with its typed identity and the model's configuration for it.

use concur::compare;
use concur::identity::{CellId, Comparison, Varied};
use concur::model::{Collect, Model, ModelConfig};
use concur::run::cores;
use concur::workload::{Params, Workload};

use super::table::{Group, Vary};

/// One cell to measure.
pub struct Spec {
    pub id: CellId,
    pub model: &'static dyn Model,
    pub params: Params,
    pub config: ModelConfig,
    /// What the bench's table says about this cell (e.g. a tutorial's own figures).
    pub notes: Vec<String>,
}

/// Every cell of `g` under `models`: `params_at(size)` gives a size's parameters (with the
/// group's server), `config(w)` a model's configuration at W workers.
pub fn specs(
    g: &Group,
    workload: &dyn Workload,
    models: Vec<&'static dyn Model>,
    params_at: &dyn Fn(u64) -> anyhow::Result<Params>,
    config: &dyn Fn(usize) -> ModelConfig,
) -> anyhow::Result<Vec<Spec>> {
    let spec = |comparison, model: &'static dyn Model, varied, params: Params, config| Spec {
        id: CellId {
            workload: g.workload.to_string(),
            comparison,
            model: model.name().to_string(),
            varied,
        },
        model,
        params,
        config,
        notes: Vec::new(),
    };
    let mut specs = Vec::new();
    match g.vary {
        Vary::Models => {
            let params = params_at(g.size)?;
            let tasks = workload.plan(&params)?.tasks.len();
            for m in models {
                let cfg = config(cores());
                let w = m.workers(&cfg, tasks);
                specs.push(spec(
                    Comparison::Models,
                    m,
                    Varied::Workers(w),
                    params.clone(),
                    cfg,
                ));
            }
        }
        Vary::Workers => {
            let params = params_at(g.size)?;
            if let Some(base) = compare::registry_baseline() {
                specs.push(spec(
                    Comparison::Scaling,
                    base,
                    Varied::Workers(1),
                    params.clone(),
                    config(1),
                ));
            }
            for m in models {
                for w in 1..=2 * cores() {
                    specs.push(spec(
                        Comparison::Scaling,
                        m,
                        Varied::Workers(w),
                        params.clone(),
                        config(w),
                    ));
                }
            }
        }
        Vary::Sizes(sizes) => {
            for &n in sizes {
                let params = params_at(n)?;
                for &m in &models {
                    specs.push(spec(
                        Comparison::Sizes,
                        m,
                        Varied::Size(n),
                        params.clone(),
                        config(cores()),
                    ));
                }
            }
        }
        Vary::Limits(n) => {
            let params = params_at(g.size)?;
            for m in models {
                let window = ModelConfig {
                    in_flight: Some(n),
                    ..config(cores())
                };
                let batches = ModelConfig {
                    batch: Some(n),
                    ..config(cores())
                };
                specs.push(spec(
                    Comparison::Limits,
                    m,
                    Varied::Window(n),
                    params.clone(),
                    window,
                ));
                specs.push(spec(
                    Comparison::Limits,
                    m,
                    Varied::Batch(n),
                    params.clone(),
                    batches,
                ));
            }
        }
        Vary::WorkersAt(values) => {
            let params = params_at(g.size)?;
            for m in models {
                for &w in values {
                    specs.push(spec(
                        Comparison::Scaling,
                        m,
                        Varied::Workers(w),
                        params.clone(),
                        config(w),
                    ));
                }
            }
        }
        Vary::Tutorial(t) => {
            let params = params_at(g.size)?;
            let w = t.workers.on(cores());
            let varied = match t.batch {
                Some(batch) => Varied::WorkersBatch { workers: w, batch },
                None => Varied::Workers(w),
            };
            for m in models {
                let cfg = ModelConfig {
                    batch: t.batch,
                    ..config(w)
                };
                let mut cell = spec(Comparison::Tutorial, m, varied, params.clone(), cfg);
                cell.notes.push(t.note.to_string());
                specs.push(cell);
            }
        }
        Vary::Collect => {
            let params = params_at(g.size)?;
            for m in models {
                for collect in Collect::ALL {
                    let cfg = ModelConfig {
                        collect,
                        ..config(cores())
                    };
                    specs.push(spec(
                        Comparison::Collect,
                        m,
                        Varied::Collect(collect),
                        params.clone(),
                        cfg,
                    ));
                }
            }
        }
    }
    Ok(specs)
}
