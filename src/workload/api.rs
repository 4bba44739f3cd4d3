//! `api`: 50 POSTs of `{"question": "1+2+…+k=___"}` for k = 2..51 to an "LLM API" whose
//! replies take delay × jitter(k), so they finish out of order. The answer is every reply's
//! sum *in submission order*: models must return results like `map`, even though the timeline
//! shows them completing like `as_completed`. Try `--concurrency 5` (max_workers=5) against
//! `--batch 10` (wait for each batch of ten): a sliding window beats batches.

use super::{url, Answer, Kind, Params, Plan, Sizes, Workload};
use crate::api_protocol;
use crate::error::Result;
use crate::mock;
use crate::task::{Output, Task};

pub struct Api;

const PATH: &str = "/api/generate";

impl Workload for Api {
    fn name(&self) -> &'static str {
        "api"
    }
    fn summary(&self) -> &'static str {
        "POST 50 questions 1+2+…+k=___ to a slow API; replies finish out of order, answers must not"
    }
    fn kind(&self) -> Kind {
        Kind::Io
    }
    fn sizes(&self) -> Sizes {
        Sizes {
            unit: "questions (k = 2..size+1)",
            default: 50,
            small: 8,
            max: 2_000,
        }
    }
    fn default_delay_ms(&self) -> u64 {
        100
    }

    fn plan(&self, params: &Params) -> Result<Plan> {
        let io = params.io(self.name())?;
        let endpoint = mock::endpoint(PATH)?;
        let ks: Vec<u64> = (2..params.size + 2).collect();
        Ok(Plan {
            tasks: ks
                .iter()
                .map(|&k| Task::Post {
                    url: url(io, PATH),
                    body: api_protocol::request_body(k),
                    timeout_ms: io.timeout_ms,
                })
                .collect(),
            expected: sums(
                ks.iter()
                    .map(|&k| api_protocol::expected_sum(k).to_string()),
            ),
            floors_s: ks
                .iter()
                .map(|&k| {
                    endpoint.delay * api_protocol::jitter(k.into()) * io.delay_ms as f64 / 1e3
                })
                .collect(),
        })
    }

    fn answer(&self, outputs: &[Output]) -> std::result::Result<Answer, String> {
        let mut answers = Vec::with_capacity(outputs.len());
        for (i, output) in outputs.iter().enumerate() {
            let text = output
                .as_text()
                .ok_or_else(|| format!("task {i} returned {output:?}, expected a reply"))?;
            answers.push(api_protocol::sum_in_reply(text).map_err(|e| format!("task {i}: {e}"))?);
        }
        Ok(sums(answers.into_iter()))
    }
}

/// "3 6 10 15 …": every sum, in submission order.
fn sums(values: impl Iterator<Item = String>) -> Answer {
    Answer(values.collect::<Vec<_>>().join(" "))
}
