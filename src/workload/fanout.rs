//! `fanout`: one request handler that needs three independent calls taking 1×, 2× and 3× the
//! delay (100, 200 and 300 ms by default). In turn they cost the sum (600 ms); concurrently,
//! the slowest one (300 ms). `--size` is how many handlers run, three calls each.

use super::{downloaded, downloads, Answer, Kind, Params, Plan, Sizes, Workload};
use crate::error::Result;
use crate::mock;
use crate::task::Output;

pub struct Fanout;

const CALLS: [&str; 3] = ["/fanout/1", "/fanout/2", "/fanout/3"];

impl Workload for Fanout {
    fn name(&self) -> &'static str {
        "fanout"
    }
    fn summary(&self) -> &'static str {
        "one handler making three independent calls of 100, 200 and 300 ms: the sum in turn, the max at once"
    }
    fn kind(&self) -> Kind {
        Kind::Io
    }
    fn sizes(&self) -> Sizes {
        Sizes {
            unit: "handlers (three calls each)",
            default: 1,
            small: 1,
            max: 1_000,
        }
    }
    fn default_delay_ms(&self) -> u64 {
        100
    }

    fn plan(&self, params: &Params) -> Result<Plan> {
        let io = params.io(self.name())?;
        let calls = CALLS
            .iter()
            .map(|p| mock::endpoint(p))
            .collect::<Result<Vec<_>>>()?;
        let chosen: Vec<&mock::Endpoint> = (0..params.size as usize)
            .flat_map(|_| calls.iter())
            .collect();
        Ok(downloads(io, &chosen))
    }

    fn answer(&self, outputs: &[Output]) -> std::result::Result<Answer, String> {
        downloaded(outputs)
    }
}
