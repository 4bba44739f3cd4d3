//! `sites`: the download lesson. GETs alternating a 10394-byte page and a 277-byte page (20 by
//! default: 106710 bytes in all), each answered after the server's delay. Sequential pays the
//! delay per request; anything that keeps requests in flight pays it about once per round.

use super::{downloaded, downloads, Answer, Kind, Params, Plan, Sizes, Workload};
use crate::error::Result;
use crate::mock;
use crate::task::Output;

pub struct Sites;

const PAGES: [&str; 2] = ["/sites/big", "/sites/small"];

impl Workload for Sites {
    fn name(&self) -> &'static str {
        "sites"
    }
    fn summary(&self) -> &'static str {
        "GET 20 pages alternating 10394 and 277 bytes (the download-sites tutorial); answer: total bytes"
    }
    fn kind(&self) -> Kind {
        Kind::Io
    }
    fn sizes(&self) -> Sizes {
        Sizes {
            unit: "requests",
            default: 20,
            small: 6,
            max: 10_000,
        }
    }
    fn default_delay_ms(&self) -> u64 {
        100
    }

    fn plan(&self, params: &Params) -> Result<Plan> {
        let io = params.io(self.name())?;
        let pages = [mock::endpoint(PAGES[0])?, mock::endpoint(PAGES[1])?];
        let chosen: Vec<&mock::Endpoint> =
            (0..params.size as usize).map(|i| &pages[i % 2]).collect();
        Ok(downloads(io, &chosen))
    }

    fn answer(&self, outputs: &[Output]) -> std::result::Result<Answer, String> {
        downloaded(outputs)
    }
}
