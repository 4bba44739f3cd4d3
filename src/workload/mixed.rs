//! `mixed`: IO requests and CPU tasks submitted together, the shape of a real service: 20 GETs
//! (the download-sites pages, each answered after the server's delay) with a CPU task of Σ i²
//! over `--size` elements (about 100 ms at the default on the 2-core reference machine, where
//! an element costs 0.5 to 0.6 ns) before every fifth request, four in all, interleaved so the
//! CPU work is spread through the list rather than left to the end.
//!
//! The lesson is in each request's latency, which every run records (see
//! [`crate::latency`]): on one event loop a CPU task holds the only thread, so every request
//! whose reply arrives meanwhile waits for it; an event loop on W threads stalls some; a model
//! that runs each task on a thread of its own (a blocking pool, processes, threads) keeps a
//! request's latency near the server's delay, as the OS schedules those threads.
//!
//! The known answer needs no run: the pages' sizes from `fixtures/io.json`, and the CPU tasks
//! cover 0..4·size in four equal chunks, so their sum is the closed formula of `sum-squares`.

use super::sum_squares::formula;
use super::{downloads, ints, Answer, Kind, Params, Plan, Sizes, Workload};
use crate::error::Result;
use crate::mock;
use crate::task::{Output, Task};

pub struct Mixed;

/// The GETs of one run.
pub const REQUESTS: usize = 20;
/// A CPU task goes before every request whose index is this modulo [`EVERY`].
const AT: usize = 2;
const EVERY: usize = 5;

const PAGES: [&str; 2] = ["/sites/big", "/sites/small"];

/// One task of the plan, in order: the i-th request or the j-th CPU chunk.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Slot {
    Get(usize),
    Cpu(usize),
}

/// The order of the tasks: `G G C G G G G C G …`, a CPU task before requests 2, 7, 12, 17.
pub fn order() -> Vec<Slot> {
    let mut slots = Vec::with_capacity(REQUESTS + REQUESTS.div_ceil(EVERY));
    let mut cpu = 0;
    for i in 0..REQUESTS {
        if i % EVERY == AT {
            slots.push(Slot::Cpu(cpu));
            cpu += 1;
        }
        slots.push(Slot::Get(i));
    }
    slots
}

/// How many CPU tasks a plan has.
pub fn cpu_tasks() -> usize {
    order().iter().filter(|s| matches!(s, Slot::Cpu(_))).count()
}

impl Workload for Mixed {
    fn name(&self) -> &'static str {
        "mixed"
    }
    fn summary(&self) -> &'static str {
        "20 GETs with four CPU tasks of Σ i² among them: how CPU work delays waiting requests"
    }
    fn kind(&self) -> Kind {
        Kind::Mixed
    }
    fn sizes(&self) -> Sizes {
        Sizes {
            unit: "Σ i² elements per CPU task (0.5 to 1 ns each)",
            default: 200_000_000,
            small: 100_000,
            max: 10_000_000_000,
        }
    }
    fn default_delay_ms(&self) -> u64 {
        100
    }

    fn plan(&self, params: &Params) -> Result<Plan> {
        let io = params.io(self.name())?;
        let pages = [mock::endpoint(PAGES[0])?, mock::endpoint(PAGES[1])?];
        let n = params.size;
        let gets: Vec<&mock::Endpoint> = (0..REQUESTS).map(|i| &pages[i % 2]).collect();
        let fetched = downloads(io, &gets);
        let (mut tasks, mut floors_s) = (Vec::new(), Vec::new());
        for slot in order() {
            match slot {
                Slot::Get(i) => {
                    tasks.push(fetched.tasks[i].clone());
                    floors_s.push(fetched.floors_s[i]);
                }
                Slot::Cpu(j) => {
                    let j = j as u64;
                    tasks.push(Task::SumSquares {
                        start: j * n,
                        end: (j + 1) * n,
                    });
                    floors_s.push(0.0);
                }
            }
        }
        Ok(Plan {
            tasks,
            expected: answer(&fetched.expected.0, formula(n * cpu_tasks() as u64)),
            floors_s,
        })
    }

    fn answer(&self, outputs: &[Output]) -> std::result::Result<Answer, String> {
        let slots = order();
        if outputs.len() != slots.len() {
            return Err(format!(
                "{} outputs for {} tasks",
                outputs.len(),
                slots.len()
            ));
        }
        let values = ints(outputs)?;
        let (mut bytes, mut squares) = (0u128, 0u128);
        for (slot, v) in slots.iter().zip(values) {
            match slot {
                Slot::Get(_) => bytes += v,
                Slot::Cpu(_) => squares += v,
            }
        }
        Ok(answer(&format!("{bytes} bytes"), squares))
    }
}

/// `106710 bytes, Σ i² 2133333306666666700000000`.
fn answer(bytes: &str, squares: u128) -> Answer {
    Answer(format!("{bytes}, Σ i² {squares}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workload::IoParams;

    #[test]
    fn cpu_tasks_are_spread_through_the_requests() {
        let slots = order();
        assert_eq!(slots.len(), 24);
        let cpu: Vec<usize> = (0..slots.len())
            .filter(|&i| matches!(slots[i], Slot::Cpu(_)))
            .collect();
        assert_eq!(cpu, [2, 8, 14, 20]);
        assert_eq!(cpu_tasks(), 4);
    }

    #[test]
    fn the_known_answer_adds_up_without_a_server() {
        let params = Params {
            size: 1_000,
            io: Some(IoParams {
                base_url: "http://127.0.0.1:9".into(),
                delay_ms: 100,
                timeout_ms: 1_000,
            }),
        };
        let plan = Mixed.plan(&params).unwrap();
        assert_eq!(plan.tasks.len(), 24);
        assert_eq!(plan.floors_s.len(), 24);
        assert_eq!(plan.floors_s[2], 0.0);
        assert!((plan.floors_s[0] - 0.1).abs() < 1e-12);
        // The replies a server would send, and the CPU tasks run here.
        let outputs: Vec<Output> = plan
            .tasks
            .iter()
            .map(|t| match t {
                Task::Get { url, .. } if url.ends_with("big") => Output::Int(10394),
                Task::Get { .. } => Output::Int(277),
                cpu => cpu.run_blocking().unwrap(),
            })
            .collect();
        assert_eq!(Mixed.answer(&outputs).unwrap(), plan.expected);
        assert!(plan.expected.0.starts_with("106710 bytes, Σ i² "));
        assert!(Mixed.answer(&outputs[1..]).is_err());
    }
}
