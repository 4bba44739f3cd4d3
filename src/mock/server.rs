//! [`MockServer`]: our own small HTTP/1.1 server (hyper) on 127.0.0.1, serving the routes of
//! `fixtures/io.json` from one thread with a current-thread runtime, which it owns: dropping
//! the server stops the thread, closes the socket and every connection, and leaves nothing
//! behind.
//!
//! Why not wiremock, which this used to be: wiremock keeps a clone of every request a mock
//! matched, request recording disabled or not, so `concur serve` grew about 4.4 KB a request
//! and never gave it back (432 MB after 100k requests). A benchmark's server must be able to
//! serve a long run with flat memory; this one keeps nothing from one request to the next.

use std::net::SocketAddr;
use std::sync::Arc;
use std::thread::JoinHandle;

use tokio::sync::oneshot;

use super::accept::accept_forever;
use super::routes::Routes;
use crate::error::{Error, Result};

/// How the server behaves for a run.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MockSpec {
    /// The base delay before every reply (endpoints multiply it, see `fixtures/io.json`).
    pub delay: std::time::Duration,
    /// The share of replies (0.0 to 1.0) that are a 503 instead of the real reply: exactly
    /// ⌊n·p⌋ of each endpoint's first n requests (see `mock::faults`).
    pub fail_rate: f64,
}

impl MockSpec {
    pub fn new(delay_ms: u64) -> MockSpec {
        MockSpec {
            delay: std::time::Duration::from_millis(delay_ms),
            fail_rate: 0.0,
        }
    }
}

/// The mock server, serving on a thread of its own until dropped.
pub struct MockServer {
    addr: SocketAddr,
    routes: Arc<Routes>,
    /// Sending (or dropping) this stops the serving thread.
    stop: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl MockServer {
    /// Start the server on 127.0.0.1 at a random port, serving every endpoint.
    pub fn start(spec: MockSpec) -> Result<MockServer> {
        if !(0.0..=1.0).contains(&spec.fail_rate) {
            return Err(Error::InvalidInput(format!(
                "--fail-rate must be between 0 and 1, got {}",
                spec.fail_rate
            )));
        }
        let cannot = |what: &str, e: std::io::Error| Error::Mock(format!("cannot {what}: {e}"));
        let listener = std::net::TcpListener::bind("127.0.0.1:0")
            .map_err(|e| cannot("listen on 127.0.0.1", e))?;
        listener
            .set_nonblocking(true)
            .map_err(|e| cannot("make its socket non-blocking", e))?;
        let addr = listener
            .local_addr()
            .map_err(|e| cannot("read its address", e))?;
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| cannot("build its runtime", e))?;
        let routes = Arc::new(Routes::new(spec));
        let (stop, stopped) = oneshot::channel::<()>();
        let serving = Arc::clone(&routes);
        let thread = std::thread::Builder::new()
            .name("concur-mock".into())
            .spawn(move || {
                runtime.block_on(async move {
                    // Registering the socket needs the runtime: here, not in `start`.
                    let Ok(listener) = tokio::net::TcpListener::from_std(listener) else {
                        return;
                    };
                    tokio::select! {
                        () = accept_forever(listener, serving) => {}
                        _ = stopped => {}
                    }
                });
                // The runtime goes here, and every connection's task with it.
            })
            .map_err(|e| cannot("start its thread", e))?;
        Ok(MockServer {
            addr,
            routes,
            stop: Some(stop),
            thread: Some(thread),
        })
    }

    /// Every fault counter starts again from request 0: between bench groups and test cases,
    /// so no count carries over from one to the next. Serving goes on meanwhile.
    pub fn reset(&self) {
        self.routes.reset();
    }

    /// `concur serve`: print one `URL  METHOD` line per endpoint to `out`, then serve until
    /// the process is interrupted (Ctrl-C, or the parent that started it going away).
    pub fn serve_forever(&self, mut out: impl std::io::Write) -> std::io::Result<()> {
        for endpoint in super::endpoints() {
            // The crawl's pages live under their endpoint: the first one, as an example.
            let path = match endpoint.reply.as_deref() {
                Some("crawl") => crate::crawl_page::path(0, 1000),
                _ => endpoint.path,
            };
            writeln!(out, "{}{path}  {}", self.uri(), endpoint.method)?;
        }
        out.flush()?;
        drop(out);
        loop {
            std::thread::park();
        }
    }

    /// `http://127.0.0.1:PORT`
    pub fn uri(&self) -> String {
        format!("http://{}", self.addr)
    }
}

impl Drop for MockServer {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api_protocol;

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

    #[test]
    fn unknown_paths_and_methods_are_a_404_and_pages_a_200() {
        let mock = MockServer::start(MockSpec::new(0)).unwrap();
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .build()
            .into();
        let status = |response: ureq::http::Response<ureq::Body>| response.status().as_u16();
        let get = |path: &str| status(agent.get(format!("{}{path}", mock.uri())).call().unwrap());
        assert_eq!(get("/nowhere"), 404);
        assert_eq!(get("/api/generate"), 404);
        assert_eq!(get("/sites/small"), 200);
        let post = agent
            .post(format!("{}/sites/small", mock.uri()))
            .send("x")
            .unwrap();
        assert_eq!(status(post), 404);
    }

    #[test]
    fn dropping_the_server_stops_its_thread_and_closes_its_socket() {
        let mock = MockServer::start(MockSpec::new(0)).unwrap();
        let addr = mock.addr;
        drop(mock);
        assert!(std::net::TcpStream::connect(addr).is_err());
    }
}
