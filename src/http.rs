//! The HTTP clients tasks use: a genuinely blocking one for blocking models, reqwest for async.
//!
//! Blocking models (sequential, threads, pool, process, async-blocking, async-process's workers,
//! and the mistaken async-naive) use ureq, which does its IO on the calling thread with
//! std::net: one agent per OS thread (a thread-local, like a thread-local `requests.Session`),
//! so connections are reused within a thread. We do *not* use
//! `reqwest::blocking`: it is async inside, and every request of every clone of one client
//! goes through one hidden runtime thread, silently turning "many threads doing blocking IO"
//! into "one IO thread". Async models share one `reqwest::Client` (a keep-alive pool) built when
//! the model starts. Errors are short and carry no per-request detail, so a run can count them.
//!
//! Nothing hides behind a request. ureq's default resolver starts a new OS thread for every
//! request that has a timeout (to abandon a slow DNS lookup), even for `127.0.0.1`; ours
//! ([`OnThisThread`]) resolves on the calling thread instead: an IP address is parsed, a name
//! is looked up with `to_socket_addrs`, so the request timeout does not bound a name lookup.
//! Both clients count the TCP connections they open for [`crate::census`].

use std::cell::RefCell;
use std::future::Future;
use std::net::{IpAddr, SocketAddr, ToSocketAddrs};
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use ureq::config::Config;
use ureq::http::Uri;
use ureq::unversioned::resolver::{ResolvedSocketAddrs, Resolver};
use ureq::unversioned::transport::{
    ConnectionDetails, Connector, DefaultConnector, NextTimeout, Transport,
};

use crate::census;

/// What a successful request produced: its body.
pub struct Reply {
    pub body: Vec<u8>,
}

/// One short line for a failed request, the same wording for both clients.
fn status_error(status: u16, path: &str) -> String {
    format!("HTTP {status} from {path}")
}

/// The path of a URL, for error messages that don't depend on the server's port.
fn path_of(url: &str) -> &str {
    url.find("://")
        .and_then(|scheme| url[scheme + 3..].find('/').map(|p| &url[scheme + 3 + p..]))
        .unwrap_or(url)
}

thread_local! {
    /// This thread's agent and the timeout it was built with.
    static AGENT: RefCell<Option<(u64, ureq::Agent)>> = const { RefCell::new(None) };
}

fn with_agent<T>(timeout_ms: u64, f: impl FnOnce(&ureq::Agent) -> T) -> T {
    AGENT.with(|cell| {
        let mut slot = cell.borrow_mut();
        if slot.as_ref().is_none_or(|(t, _)| *t != timeout_ms) {
            let config = ureq::Agent::config_builder()
                .timeout_global(Some(Duration::from_millis(timeout_ms)))
                .http_status_as_error(false)
                // Like the async client's `no_proxy()`: 127.0.0.1 traffic never goes through
                // an HTTP_PROXY from the environment.
                .proxy(None)
                .build();
            let connector = DefaultConnector::new().chain(CountConnections);
            let agent = ureq::Agent::with_parts(config, connector, OnThisThread);
            *slot = Some((timeout_ms, agent));
        }
        let (_, agent) = slot.as_ref().expect("agent just set");
        f(agent)
    })
}

/// ureq's name resolution without its thread: on the calling thread, and for an IP address
/// (the mock server's `127.0.0.1:PORT`) no lookup at all. A name is looked up with the
/// system resolver (`to_socket_addrs`), which the request timeout does not bound.
#[derive(Debug)]
pub struct OnThisThread;

impl Resolver for OnThisThread {
    fn resolve(
        &self,
        uri: &Uri,
        config: &Config,
        _timeout: NextTimeout,
    ) -> Result<ResolvedSocketAddrs, ureq::Error> {
        let bad = |what: &str| ureq::Error::BadUri(format!("{what} in {uri}"));
        let authority = uri.authority().ok_or_else(|| bad("no host"))?;
        let port = match (authority.port_u16(), uri.scheme_str()) {
            (Some(port), _) => port,
            (None, Some("http")) => 80,
            (None, Some("https")) => 443,
            (None, _) => return Err(bad("no port")),
        };
        let host = authority.host();
        // An IPv6 address comes bracketed: `[::1]`.
        let literal = host.trim_start_matches('[').trim_end_matches(']');
        let found: Vec<SocketAddr> = match literal.parse::<IpAddr>() {
            Ok(ip) => vec![SocketAddr::new(ip, port)],
            Err(_) => (host, port).to_socket_addrs()?.collect(),
        };
        let mut addrs = self.empty();
        for addr in config.ip_family().keep_wanted(found.into_iter()) {
            if addrs.try_push(addr).is_err() {
                break;
            }
        }
        if addrs.is_empty() {
            return Err(ureq::Error::HostNotFound);
        }
        Ok(addrs)
    }
}

/// The last link of ureq's connector chain: counts every connection the chain opened (ureq
/// calls its connectors only when its pool has no connection to reuse).
#[derive(Debug)]
struct CountConnections;

impl Connector<Box<dyn Transport>> for CountConnections {
    type Out = Box<dyn Transport>;

    fn connect(
        &self,
        _details: &ConnectionDetails,
        opened: Option<Box<dyn Transport>>,
    ) -> Result<Option<Self::Out>, ureq::Error> {
        if opened.is_some() {
            census::connection_opened();
        }
        Ok(opened)
    }
}

fn ureq_error(e: ureq::Error, timeout_ms: u64) -> String {
    match e {
        ureq::Error::Timeout(_) => format!("timed out after {timeout_ms} ms"),
        ureq::Error::Io(io) if io.kind() == std::io::ErrorKind::ConnectionRefused => {
            "connection refused".to_string()
        }
        ureq::Error::ConnectionFailed => "connection refused".to_string(),
        ureq::Error::Io(io) => crate::limits::explain(&io).unwrap_or_else(|| io.to_string()),
        other => other.to_string(),
    }
}

/// GET `url` on the calling thread (blocking), with this thread's agent.
pub fn get_blocking(url: &str, timeout_ms: u64) -> Result<Reply, String> {
    with_agent(timeout_ms, |agent| {
        let response = agent.get(url).call();
        finish_blocking(url, response, timeout_ms)
    })
}

/// POST a JSON `body` to `url` on the calling thread (blocking).
pub fn post_blocking(url: &str, body: &str, timeout_ms: u64) -> Result<Reply, String> {
    with_agent(timeout_ms, |agent| {
        let response = agent
            .post(url)
            .header("content-type", "application/json")
            .send(body);
        finish_blocking(url, response, timeout_ms)
    })
}

fn finish_blocking(
    url: &str,
    response: Result<ureq::http::Response<ureq::Body>, ureq::Error>,
    timeout_ms: u64,
) -> Result<Reply, String> {
    let mut response = response.map_err(|e| ureq_error(e, timeout_ms))?;
    let status = response.status().as_u16();
    let body = response
        .body_mut()
        .read_to_vec()
        .map_err(|e| ureq_error(e, timeout_ms))?;
    if status >= 400 {
        return Err(status_error(status, path_of(url)));
    }
    Ok(Reply { body })
}

/// The async client async models share: a keep-alive pool, HTTP/1.1, no proxies. Every
/// connection it opens is counted, and as a task too: hyper drives each one on a task of its own.
pub fn async_client() -> Result<reqwest::Client, String> {
    reqwest::Client::builder()
        .no_proxy()
        .connector_layer(CountConnectionsLayer)
        .build()
        .map_err(|e| format!("cannot build the HTTP client: {e}"))
}

/// A tower layer around reqwest's connector that counts the connections it establishes.
#[derive(Clone, Copy, Debug)]
struct CountConnectionsLayer;

impl<S> tower_layer::Layer<S> for CountConnectionsLayer {
    type Service = CountedConnector<S>;

    fn layer(&self, inner: S) -> CountedConnector<S> {
        CountedConnector(inner)
    }
}

#[derive(Clone, Debug)]
struct CountedConnector<S>(S);

impl<S, R> tower_service::Service<R> for CountedConnector<S>
where
    S: tower_service::Service<R>,
    S::Future: Send + 'static,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = Pin<Box<dyn Future<Output = Result<S::Response, S::Error>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.0.poll_ready(cx)
    }

    fn call(&mut self, destination: R) -> Self::Future {
        let connecting = self.0.call(destination);
        Box::pin(async move {
            let connection = connecting.await?;
            census::connection_opened();
            census::task_spawned();
            Ok(connection)
        })
    }
}

fn reqwest_error(e: reqwest::Error, timeout_ms: u64) -> String {
    if e.is_timeout() {
        return format!("timed out after {timeout_ms} ms");
    }
    if e.is_connect() {
        let mut source: Option<&dyn std::error::Error> = Some(&e);
        while let Some(err) = source {
            if let Some(io) = err.downcast_ref::<std::io::Error>() {
                if io.kind() == std::io::ErrorKind::ConnectionRefused {
                    return "connection refused".to_string();
                }
                if let Some(limit) = crate::limits::explain(io) {
                    return limit;
                }
            }
            source = err.source();
        }
        return "could not connect".to_string();
    }
    // Without the URL: the same failure must read the same for every request.
    e.without_url().to_string()
}

/// GET `url` with the shared async client.
pub async fn get_async(
    client: &reqwest::Client,
    url: &str,
    timeout_ms: u64,
) -> Result<Reply, String> {
    let request = client.get(url).timeout(Duration::from_millis(timeout_ms));
    finish_async(url, request, timeout_ms).await
}

/// POST a JSON `body` to `url` with the shared async client.
pub async fn post_async(
    client: &reqwest::Client,
    url: &str,
    body: &str,
    timeout_ms: u64,
) -> Result<Reply, String> {
    let request = client
        .post(url)
        .header("content-type", "application/json")
        .body(body.to_string())
        .timeout(Duration::from_millis(timeout_ms));
    finish_async(url, request, timeout_ms).await
}

async fn finish_async(
    url: &str,
    request: reqwest::RequestBuilder,
    timeout_ms: u64,
) -> Result<Reply, String> {
    let response = request
        .send()
        .await
        .map_err(|e| reqwest_error(e, timeout_ms))?;
    let status = response.status().as_u16();
    let body = response
        .bytes()
        .await
        .map_err(|e| reqwest_error(e, timeout_ms))?;
    if status >= 400 {
        return Err(status_error(status, path_of(url)));
    }
    Ok(Reply {
        body: body.to_vec(),
    })
}

#[cfg(test)]
mod tests {
    use super::path_of;

    #[test]
    fn errors_name_the_path_not_the_port() {
        assert_eq!(path_of("http://127.0.0.1:4567/sites/big"), "/sites/big");
        assert_eq!(path_of("not a url"), "not a url");
    }
}
