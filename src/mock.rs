//! The mock HTTP server IO workloads talk to: wiremock on 127.0.0.1, described by
//! `fixtures/io.json`, with a configurable delay and an injectable share of 5xx replies.
//!
//! [`MockServer`] runs wiremock in this process (it owns the runtime that drives its admin
//! API; wiremock serves from a thread of its own). [`Server`] is what runs use: a child
//! `concur serve` process (or somebody else's, `--server`), so the server's sockets, memory and CPU are not counted as the
//! client's (10000 requests in flight need 10000 sockets on each side). Request recording is
//! off: otherwise every mounted mock keeps a copy of every request it matched.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, ChildStdout, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde::Deserialize;
use wiremock::matchers::{method, path};
use wiremock::{Mock, Request, Respond, ResponseTemplate};

use crate::api_protocol;
use crate::error::{Error, Result};

const FIXTURE: &str = include_str!("../fixtures/io.json");

/// How the server behaves for a run.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MockSpec {
    /// The base delay before every reply (endpoints multiply it, see `fixtures/io.json`).
    pub delay: Duration,
    /// The share of replies (0.0 to 1.0) that are a 503 instead of the real reply.
    pub fail_rate: f64,
}

impl MockSpec {
    pub fn new(delay_ms: u64) -> MockSpec {
        MockSpec {
            delay: Duration::from_millis(delay_ms),
            fail_rate: 0.0,
        }
    }
}

/// One endpoint of `fixtures/io.json`.
#[derive(Clone, Debug, Deserialize)]
pub struct Endpoint {
    pub path: String,
    pub method: String,
    #[serde(default)]
    pub body_bytes: usize,
    /// Multiplies the run's base delay.
    pub delay: f64,
    /// `sum`: the api responder; absent: a static body of `body_bytes`.
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

/// Fails a share of requests: request i (counted from 0) fails when ⌊(i+1)·p⌋ > ⌊i·p⌋, so
/// exactly ⌊n·p⌋ of n requests fail, whatever order they arrive in.
struct Faults {
    per_million: u64,
    seen: AtomicU64,
}

impl Faults {
    fn next_fails(&self) -> bool {
        let i = self.seen.fetch_add(1, Ordering::Relaxed);
        (i + 1) * self.per_million / 1_000_000 > i * self.per_million / 1_000_000
    }
}

struct Responder {
    endpoint: Endpoint,
    delay: Duration,
    body: Vec<u8>,
    faults: Option<Arc<Faults>>,
}

impl Respond for Responder {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        if self.faults.as_ref().is_some_and(|f| f.next_fails()) {
            return ResponseTemplate::new(503)
                .set_body_string("injected failure")
                .set_delay(self.delay);
        }
        if self.endpoint.reply.as_deref() == Some("sum") {
            return match api_protocol::answer_request(&request.body) {
                Ok(answered) => ResponseTemplate::new(200)
                    .set_body_raw(answered.reply_body(), "application/json")
                    .set_delay(self.delay.mul_f64(api_protocol::jitter(answered.k))),
                Err(rejection) => ResponseTemplate::new(400).set_body_string(rejection.to_string()),
            };
        }
        ResponseTemplate::new(200)
            .set_body_bytes(self.body.clone())
            .set_delay(self.delay)
    }
}

/// wiremock running in this process, with its own runtime for the admin API.
pub struct MockServer {
    runtime: tokio::runtime::Runtime,
    server: wiremock::MockServer,
    spec: MockSpec,
}

impl MockServer {
    /// Start the server on 127.0.0.1 at a random port and mount every endpoint.
    pub fn start(spec: MockSpec) -> Result<MockServer> {
        if !(0.0..=1.0).contains(&spec.fail_rate) {
            return Err(Error::InvalidInput(format!(
                "--fail-rate must be between 0 and 1, got {}",
                spec.fail_rate
            )));
        }
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| Error::Mock(format!("cannot build its runtime: {e}")))?;
        let server = runtime.block_on(
            wiremock::MockServer::builder()
                .disable_request_recording()
                .start(),
        );
        let mock = MockServer {
            runtime,
            server,
            spec,
        };
        mock.mount();
        Ok(mock)
    }

    fn mount(&self) {
        let faults = Arc::new(Faults {
            per_million: (self.spec.fail_rate * 1e6).round() as u64,
            seen: AtomicU64::new(0),
        });
        self.runtime.block_on(async {
            for endpoint in endpoints() {
                let responder = Responder {
                    delay: self.spec.delay.mul_f64(endpoint.delay),
                    body: body(endpoint.body_bytes),
                    faults: (endpoint.faults && self.spec.fail_rate > 0.0)
                        .then(|| Arc::clone(&faults)),
                    endpoint: endpoint.clone(),
                };
                Mock::given(method(endpoint.method.as_str()))
                    .and(path(endpoint.path.as_str()))
                    .respond_with(responder)
                    .mount(&self.server)
                    .await;
            }
        });
    }

    /// Drop every mounted mock (and whatever it kept) and mount fresh ones: between bench
    /// groups, so no state carries over from one to the next.
    pub fn reset(&self) {
        self.runtime.block_on(self.server.reset());
        self.mount();
    }

    /// `http://127.0.0.1:PORT`
    pub fn uri(&self) -> String {
        self.server.uri()
    }
}

/// The server a run talks to, stopped when dropped.
pub struct Server {
    uri: String,
    running: Running,
}

enum Running {
    /// A child `concur serve` process, and its stdout: kept open, because a child whose
    /// stdout is closed dies of the broken pipe the next time it prints.
    Child {
        child: Child,
        _stdout: BufReader<ChildStdout>,
    },
    /// Somebody else's server (`--server URL`): nothing to stop.
    External,
}

impl Server {
    /// A server that is already running at `uri` (not ours to start or stop).
    pub fn external(uri: &str) -> Result<Server> {
        let uri = base_of(uri)
            .filter(|u| u.starts_with("http://"))
            .ok_or_else(|| {
                Error::InvalidInput(format!("--server `{uri}` is not an http:// URL"))
            })?;
        Ok(Server {
            uri,
            running: Running::External,
        })
    }

    /// Start `exe serve` with `spec` in a child process and wait for it to print its URLs.
    pub fn spawn(exe: &Path, spec: MockSpec) -> Result<Server> {
        let mut command = Command::new(exe);
        command
            .arg("serve")
            .arg("--delay-ms")
            .arg(spec.delay.as_millis().to_string())
            .arg("--fail-rate")
            .arg(spec.fail_rate.to_string())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit());
        crate::model::process::die_with_parent(&mut command);
        let mut child = command
            .spawn()
            .map_err(|e| Error::Mock(format!("cannot start {} serve: {e}", exe.display())))?;
        let mut stdout = child.stdout.take().map(BufReader::new);
        let mut first = String::new();
        let read = stdout.as_mut().map(|out| out.read_line(&mut first));
        match (stdout, read, base_of(&first)) {
            (Some(stdout), Some(Ok(_)), Some(uri)) => Ok(Server {
                uri,
                running: Running::Child {
                    child,
                    _stdout: stdout,
                },
            }),
            _ => {
                let _ = child.kill();
                let _ = child.wait();
                Err(Error::Mock(format!(
                    "{} serve did not print its URL",
                    exe.display()
                )))
            }
        }
    }

    /// The base URL requests go to, `http://127.0.0.1:PORT`.
    pub fn uri(&self) -> &str {
        &self.uri
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Running::Child { child, .. } = &mut self.running {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// `http://127.0.0.1:PORT/sites/big` → `http://127.0.0.1:PORT`
fn base_of(url: &str) -> Option<String> {
    let url = url.trim();
    let after_scheme = url.find("://")? + 3;
    let end = url[after_scheme..]
        .find('/')
        .map_or(url.len(), |i| after_scheme + i);
    Some(url[..end].to_string())
}

/// The server's ceiling: requests per second it answers at zero delay. Three rounds of
/// `requests` requests to `/ping`, 256 in flight from a two-thread async client, best round
/// kept: an estimate of the most the server can do, so that a cell it marks as "bound by the
/// mock" really is.
pub fn ceiling(base_url: &str, requests: usize) -> Result<f64> {
    const IN_FLIGHT: usize = 256;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| Error::Mock(format!("cannot build a runtime: {e}")))?;
    let client = {
        let _inside = runtime.enter();
        crate::http::async_client().map_err(Error::Mock)?
    };
    let url = format!("{base_url}/ping");
    let round = || {
        runtime.block_on(async {
            let next = Arc::new(AtomicU64::new(0));
            let began = Instant::now();
            let mut senders = tokio::task::JoinSet::new();
            for _ in 0..IN_FLIGHT {
                let (client, url, next) = (client.clone(), url.clone(), Arc::clone(&next));
                senders.spawn(async move {
                    while next.fetch_add(1, Ordering::Relaxed) < requests as u64 {
                        crate::http::get_async(&client, &url, 5_000).await?;
                    }
                    Ok::<(), String>(())
                });
            }
            while let Some(joined) = senders.join_next().await {
                joined
                    .map_err(|e| Error::Mock(e.to_string()))?
                    .map_err(|e| Error::Mock(format!("{url}: {e}")))?;
            }
            Ok(requests as f64 / began.elapsed().as_secs_f64())
        })
    };
    let mut best: f64 = 0.0;
    for _ in 0..3 {
        best = best.max(round()?);
    }
    Ok(best)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixture_parses_and_fails_exactly_the_share_asked_for() {
        assert_eq!(endpoints().len(), 8);
        assert_eq!(endpoint("/sites/big").unwrap().body_bytes, 10394);
        let faults = Faults {
            per_million: 250_000,
            seen: AtomicU64::new(0),
        };
        let failed = (0..20).filter(|_| faults.next_fails()).count();
        assert_eq!(failed, 5);
    }

    #[test]
    fn base_url_of_an_endpoint_url() {
        assert_eq!(
            base_of("http://127.0.0.1:41234/sites/big\n").as_deref(),
            Some("http://127.0.0.1:41234")
        );
    }
}
