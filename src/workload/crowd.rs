//! `crowd`: N requests in flight at once (100, 1000, 10000…), each answered after one fixed
//! delay. The thread-per-task vs async lesson: a thread per waiting request costs a stack and a
//! spawn each; async waits cost a few hundred bytes. The run records its peak memory.

use super::{downloaded, downloads, Answer, Kind, Params, Plan, Sizes, Workload};
use crate::error::Result;
use crate::mock;
use crate::task::Output;

pub struct Crowd;

const PATH: &str = "/crowd";

impl Workload for Crowd {
    fn name(&self) -> &'static str {
        "crowd"
    }
    fn summary(&self) -> &'static str {
        "N small GETs all in flight at once after one fixed delay: threads vs async, with memory"
    }
    fn kind(&self) -> Kind {
        Kind::Io
    }
    fn sizes(&self) -> Sizes {
        Sizes {
            unit: "requests in flight",
            default: 1_000,
            small: 50,
            max: 10_000,
        }
    }
    fn default_delay_ms(&self) -> u64 {
        200
    }

    fn plan(&self, params: &Params) -> Result<Plan> {
        let io = params.io(self.name())?;
        let endpoint = mock::endpoint(PATH)?;
        Ok(downloads(io, &vec![&endpoint; params.size as usize]))
    }

    fn answer(&self, outputs: &[Output]) -> std::result::Result<Answer, String> {
        downloaded(outputs)
    }
}
