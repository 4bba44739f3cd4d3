//! The HTTP clients tasks use: a genuinely blocking one for blocking models, reqwest for async.
//!
//! Blocking models (sequential, threads, pool, process, async-blocking) use ureq, which does its
//! IO on the calling thread with std::net: one agent per OS thread (a thread-local, like a
//! thread-local `requests.Session`), so connections are reused within a thread. We do *not* use
//! `reqwest::blocking`: it is async inside, and every request of every clone of one client
//! goes through one hidden runtime thread, silently turning "many threads doing blocking IO"
//! into "one IO thread". Async models share one `reqwest::Client` (a keep-alive pool) built when
//! the model starts. Errors are short and carry no per-request detail, so a run can count them.

use std::cell::RefCell;
use std::time::Duration;

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
            let agent: ureq::Agent = ureq::Agent::config_builder()
                .timeout_global(Some(Duration::from_millis(timeout_ms)))
                .http_status_as_error(false)
                .build()
                .into();
            *slot = Some((timeout_ms, agent));
        }
        let (_, agent) = slot.as_ref().expect("agent just set");
        f(agent)
    })
}

fn ureq_error(e: ureq::Error, timeout_ms: u64) -> String {
    match e {
        ureq::Error::Timeout(_) => format!("timed out after {timeout_ms} ms"),
        ureq::Error::Io(io) if io.kind() == std::io::ErrorKind::ConnectionRefused => {
            "connection refused".to_string()
        }
        ureq::Error::ConnectionFailed => "connection refused".to_string(),
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

/// The async client async models share: a keep-alive pool, HTTP/1.1, no proxies.
pub fn async_client() -> Result<reqwest::Client, String> {
    reqwest::Client::builder()
        .no_proxy()
        .build()
        .map_err(|e| format!("cannot build the HTTP client: {e}"))
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
