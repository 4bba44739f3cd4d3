//! The endpoints the mock server mounts, read from `fixtures/io.json` (compiled in), and the
//! deterministic bodies its static endpoints serve. Workloads read an endpoint's body size and
//! delay factor from here to know their answers and floors without sending a request.

use serde::Deserialize;

use crate::error::{Error, Result};

const FIXTURE: &str = include_str!("../../fixtures/io.json");

/// One endpoint of `fixtures/io.json`.
#[derive(Clone, Debug, Deserialize)]
pub struct Endpoint {
    pub path: String,
    pub method: String,
    #[serde(default)]
    pub body_bytes: usize,
    /// Multiplies the run's base delay.
    pub delay: f64,
    /// `sum`: the api responder; `crawl`: the crawl's pages under `path/`; absent: a static body of `body_bytes`.
    #[serde(default)]
    pub reply: Option<String>,
    #[serde(default = "yes")]
    pub faults: bool,
}

fn yes() -> bool {
    true
}

#[derive(Deserialize)]
struct Fixture {
    endpoints: Vec<Endpoint>,
}

/// Every endpoint the server mounts.
pub fn endpoints() -> Vec<Endpoint> {
    // The fixture is compiled in and covered by tests: it cannot fail at run time.
    serde_json::from_str::<Fixture>(FIXTURE)
        .map(|f| f.endpoints)
        .unwrap_or_default()
}

/// The endpoint at `path`, for workloads that need its body size or delay factor.
pub fn endpoint(path: &str) -> Result<Endpoint> {
    endpoints()
        .into_iter()
        .find(|e| e.path == path)
        .ok_or_else(|| Error::Mock(format!("fixtures/io.json has no endpoint {path}")))
}

/// The deterministic body of `len` bytes every static endpoint serves.
pub fn body(len: usize) -> Vec<u8> {
    b"concur mock body. "
        .iter()
        .copied()
        .cycle()
        .take(len)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixture_parses() {
        assert_eq!(endpoints().len(), 9);
        assert_eq!(endpoint("/sites/big").unwrap().body_bytes, 10394);
        assert!(endpoint("/nowhere").is_err());
        assert_eq!(body(20), b"concur mock body. co");
    }
}
