//! What the mock server answers: one [`Route`] per endpoint of `fixtures/io.json`, found by
//! method and path, replying with a static body after its delay, the api's answer (see
//! [`crate::api_protocol`]), or an injected 503 ([`Faults`]). Anything else is a 404; a body
//! that cannot be read (malformed chunks, a client gone mid-body, over [`MAX_BODY`]) is a 400.
//!
//! Nothing here keeps anything from one request to the next but the fault counters: the
//! server's memory is flat however long it runs.

use std::time::Duration;

use http_body_util::{BodyExt, Full, Limited};
use hyper::body::{Bytes, Incoming};
use hyper::header::{HeaderValue, CONTENT_TYPE};
use hyper::{Method, Request, Response, StatusCode};

use super::faults::Faults;
use super::fixture::{body, endpoints};
use super::MockSpec;
use crate::{api_protocol, crawl_page};

/// The largest request body read: an api question of the largest size is about 10 KB.
pub(super) const MAX_BODY: usize = 1 << 20;

/// Every endpoint the server answers.
#[derive(Debug)]
pub(super) struct Routes {
    routes: Vec<Route>,
}

/// One endpoint: where it is and what it replies.
#[derive(Debug)]
struct Route {
    method: Method,
    path: String,
    delay: Duration,
    reply: Reply,
    /// This endpoint's own counter under `--fail-rate`; `None` when it takes no faults.
    faults: Option<Faults>,
}

#[derive(Debug)]
enum Reply {
    /// The same bytes every time (cloning [`Bytes`] shares them).
    Static(Bytes),
    /// The api's answer to the question in the request body.
    Sum,
    /// The crawl's page named by the path and query (see [`crate::crawl_page`]), served under
    /// the endpoint's path: written for each request, nothing kept.
    Crawl,
}

impl Routes {
    /// The endpoints of `fixtures/io.json` under `spec` (its fail rate already checked).
    pub(super) fn new(spec: MockSpec) -> Routes {
        let routes = endpoints()
            .into_iter()
            .filter_map(|endpoint| {
                // The fixture's methods are checked by a test; one that is not a method is
                // left out rather than failing the server.
                let method = Method::from_bytes(endpoint.method.as_bytes()).ok()?;
                Some(Route {
                    method,
                    delay: spec.delay.mul_f64(endpoint.delay),
                    reply: match endpoint.reply.as_deref() {
                        Some("sum") => Reply::Sum,
                        Some("crawl") => Reply::Crawl,
                        _ => Reply::Static(Bytes::from(body(endpoint.body_bytes))),
                    },
                    faults: (endpoint.faults && spec.fail_rate > 0.0)
                        .then(|| Faults::new(spec.fail_rate)),
                    path: endpoint.path,
                })
            })
            .collect();
        Routes { routes }
    }

    /// Every fault counter starts again from request 0.
    pub(super) fn reset(&self) {
        for faults in self.routes.iter().filter_map(|r| r.faults.as_ref()) {
            faults.reset();
        }
    }

    /// The reply to `request`. The body is read to the end first (up to [`MAX_BODY`]), so a
    /// kept-alive connection is ready for the next request whatever the reply.
    pub(super) async fn respond(&self, request: Request<Incoming>) -> Response<Full<Bytes>> {
        let (parts, body) = request.into_parts();
        let body = match Limited::new(body, MAX_BODY).collect().await {
            Ok(collected) => collected.to_bytes(),
            Err(_) => return text(StatusCode::BAD_REQUEST, "unreadable request body"),
        };
        match self.find(&parts.method, parts.uri.path()) {
            Some(route) => route.respond(&parts.uri, &body).await,
            None => text(StatusCode::NOT_FOUND, "no such endpoint"),
        }
    }

    fn find(&self, method: &Method, path: &str) -> Option<&Route> {
        self.routes.iter().find(|r| {
            r.method == method
                && (r.path == path
                    || matches!(r.reply, Reply::Crawl)
                        && path
                            .strip_prefix(r.path.as_str())
                            .is_some_and(|rest| rest.starts_with('/')))
        })
    }
}

impl Route {
    async fn respond(&self, uri: &hyper::Uri, body: &[u8]) -> Response<Full<Bytes>> {
        if self.faults.as_ref().is_some_and(Faults::next_fails) {
            pause(self.delay).await;
            return text(StatusCode::SERVICE_UNAVAILABLE, "injected failure");
        }
        match &self.reply {
            Reply::Static(bytes) => {
                pause(self.delay).await;
                Response::new(Full::new(bytes.clone()))
            }
            Reply::Sum => match api_protocol::answer_request(body) {
                Ok(answered) => {
                    pause(self.delay.mul_f64(api_protocol::jitter(answered.k))).await;
                    let mut reply = Response::new(Full::new(Bytes::from(answered.reply_body())));
                    reply
                        .headers_mut()
                        .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
                    reply
                }
                Err(rejection) => text(StatusCode::BAD_REQUEST, &rejection.to_string()),
            },
            Reply::Crawl => match crawl_page::request(uri.path(), uri.query()) {
                Ok((page, bytes)) => {
                    pause(self.delay).await;
                    let mut reply =
                        Response::new(Full::new(Bytes::from(crawl_page::page(page, bytes).0)));
                    reply
                        .headers_mut()
                        .insert(CONTENT_TYPE, HeaderValue::from_static("text/html"));
                    reply
                }
                Err(rejection) => text(StatusCode::BAD_REQUEST, &rejection),
            },
        }
    }
}

/// Wait `delay`; no timer at all for none (`--delay-ms 0`, `/ping`).
async fn pause(delay: Duration) {
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }
}

fn text(status: StatusCode, message: &str) -> Response<Full<Bytes>> {
    let mut reply = Response::new(Full::new(Bytes::from(message.to_string())));
    *reply.status_mut() = status;
    reply.headers_mut().insert(
        CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    reply
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_endpoint_of_the_fixture_is_routed() {
        let routes = Routes::new(MockSpec::new(0));
        assert_eq!(routes.routes.len(), endpoints().len());
        for endpoint in endpoints() {
            let method = Method::from_bytes(endpoint.method.as_bytes()).unwrap();
            assert!(
                routes.find(&method, &endpoint.path).is_some(),
                "{endpoint:?}"
            );
        }
        assert!(routes.find(&Method::GET, "/api/generate").is_none());
        assert!(routes.find(&Method::GET, "/nowhere").is_none());
        assert!(routes.find(&Method::GET, "/crawl/7").is_some());
        assert!(routes.find(&Method::GET, "/crawler").is_none());
    }

    /// The fault counters of `routes` for `paths` asked in turn, `rounds` times: how many of
    /// each endpoint's requests failed.
    fn failures(routes: &Routes, paths: &[&str], rounds: usize) -> Vec<usize> {
        let mut failed = vec![0; paths.len()];
        for _ in 0..rounds {
            for (i, path) in paths.iter().enumerate() {
                let route = routes.routes.iter().find(|r| r.path == *path).unwrap();
                failed[i] += usize::from(route.faults.as_ref().unwrap().next_fails());
            }
        }
        failed
    }

    #[test]
    fn faults_are_spread_over_every_endpoint_with_the_exact_share_of_each() {
        // `sites` asks big, small, big, small, …: one shared counter failed every small page
        // and no big one at 0.5.
        let half = Routes::new(MockSpec {
            fail_rate: 0.5,
            ..MockSpec::new(0)
        });
        assert_eq!(failures(&half, &["/sites/big", "/sites/small"], 10), [5, 5]);
        let faulty: Vec<String> = endpoints()
            .into_iter()
            .filter(|e| e.faults)
            .map(|e| e.path)
            .collect();
        let faulty: Vec<&str> = faulty.iter().map(String::as_str).collect();
        half.reset();
        let each = failures(&half, &faulty, 7);
        assert_eq!(each, vec![3; faulty.len()], "{faulty:?}");

        let quarter = Routes::new(MockSpec {
            fail_rate: 0.25,
            ..MockSpec::new(0)
        });
        assert_eq!(
            failures(&quarter, &["/sites/big", "/sites/small"], 10),
            [2, 2]
        );
    }

    #[test]
    fn ping_never_fails_and_no_rate_means_no_counter() {
        let all = Routes::new(MockSpec {
            fail_rate: 1.0,
            ..MockSpec::new(0)
        });
        let ping = all.find(&Method::GET, "/ping").unwrap();
        assert!(ping.faults.is_none());
        let none = Routes::new(MockSpec::new(0));
        assert!(none.routes.iter().all(|r| r.faults.is_none()));
    }
}
