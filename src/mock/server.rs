//! wiremock running in this process ([`MockServer`]), and the responders it mounts: a static
//! body after a delay, the api's answer (see [`crate::api_protocol`]), or an injected 503.
//!
//! [`MockServer`] owns the runtime that drives wiremock's admin API; wiremock serves from a
//! thread of its own. Request recording is off: otherwise every mounted mock keeps a copy of
//! every request it matched.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use wiremock::matchers::{method, path};
use wiremock::{Mock, Request, Respond, ResponseTemplate};

use super::fixture::{body, endpoints, Endpoint};
use crate::api_protocol;
use crate::error::{Error, Result};

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

    /// `concur serve`: print one `URL  METHOD` line per endpoint to `out`, then serve until
    /// the process is interrupted (Ctrl-C, or the parent that started it going away).
    pub fn serve_forever(&self, mut out: impl std::io::Write) -> std::io::Result<()> {
        for endpoint in super::endpoints() {
            writeln!(out, "{}{}  {}", self.uri(), endpoint.path, endpoint.method)?;
        }
        out.flush()?;
        drop(out);
        loop {
            std::thread::park();
        }
    }

    /// `http://127.0.0.1:PORT`
    pub fn uri(&self) -> String {
        self.server.uri()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fails_exactly_the_share_asked_for() {
        let faults = Faults {
            per_million: 250_000,
            seen: AtomicU64::new(0),
        };
        let failed = (0..20).filter(|_| faults.next_fails()).count();
        assert_eq!(failed, 5);
    }

    /// POST `body` to the api endpoint; the status and the reply's body.
    fn ask(mock: &MockServer, body: &str) -> (u16, String) {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .build()
            .into();
        let mut response = agent
            .post(format!("{}/api/generate", mock.uri()))
            .header("content-type", "application/json")
            .send(body)
            .unwrap();
        let text = response.body_mut().read_to_string().unwrap();
        (response.status().as_u16(), text)
    }

    #[test]
    fn the_api_answers_sums_and_refuses_overflow_with_a_400() {
        let mock = MockServer::start(MockSpec::new(0)).unwrap();
        let (status, text) = ask(&mock, &api_protocol::request_body(3));
        assert_eq!(
            (status, text.as_str()),
            (200, r#"{"generated_text":"1+2+3=6"}"#)
        );

        let huge = format!(r#"{{"question": "{}+1=___"}}"#, u128::MAX);
        let (status, text) = ask(&mock, &huge);
        assert_eq!(status, 400);
        assert_eq!(text, api_protocol::Rejection::SumOverflows.to_string());

        let (status, text) = ask(&mock, "{}");
        assert_eq!(status, 400);
        assert!(text.starts_with("expected {\"question\""), "{text}");
    }
}
