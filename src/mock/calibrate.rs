//! How much the mock server can take, measured, so that a cell it limits is marked as bound
//! by the mock rather than blamed on its model. Two rates, both to `/ping` (no delay, never
//! fails), both the best of three rounds from a two-thread async client:
//!
//! - **requests per second** on kept-alive connections ([`calibrate`]'s `requests_per_s`): what bounds workloads
//!   that reuse a few connections (`sites`, `api`, `fanout` under a small in-flight limit).
//! - **new connections per second** ([`calibrate`]'s `connections_per_s`): each request on a
//!   fresh TCP connection, `GET /ping` with `Connection: close`, read to the end. This is what
//!   bounds `crowd`, where every request in flight needs a connection of its own, so the
//!   server's accept + first request + close is paid once per request. The probe writes the
//!   request on a raw socket rather than through reqwest so that the client's share of the
//!   cost is as small as it can be: the rate is the server's (and the kernel's), not a client
//!   library's. The server closes first, so the TIME_WAIT sockets are on its side and the
//!   probe does not use up the client's ephemeral ports.
//!
//! Both probes are bounded: a round stops after its count or [`ROUND_LIMIT`], whichever comes
//! first, and connections are capped at [`MAX_CONNECTIONS`] a round. The number kept in flight
//! is at most a quarter of the soft `RLIMIT_NOFILE` (`ulimit -n`), so a probe stays well clear
//! of "too many open files" on either side (the child server inherits the same limit): under
//! `ulimit -n 256` it keeps 64 in flight, not 256, rather than failing the run.

use std::net::{SocketAddr, ToSocketAddrs};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::error::{Error, Result};
use crate::ideal::ServerRates;

/// In flight for the requests probe, before the open-files cap.
const REQUESTS_IN_FLIGHT: usize = 256;
/// In flight for the connections probe, before the open-files cap: enough to keep the
/// server's accept loop busy, few enough not to measure the listen backlog instead.
const CONNECTIONS_IN_FLIGHT: usize = 64;
/// New connections per round, at most: three rounds stay far below the ephemeral port range.
pub const MAX_CONNECTIONS: usize = 2_000;
/// The longest a round may take; a slower server is measured on what it did by then.
pub const ROUND_LIMIT: Duration = Duration::from_secs(10);
/// One request (or one connection) that takes longer than this fails the probe.
const TIMEOUT: Duration = Duration::from_secs(5);

/// Both rates: `requests` kept-alive requests a round, and as many new connections (capped at
/// [`MAX_CONNECTIONS`]).
pub fn calibrate(base_url: &str, requests: usize) -> Result<ServerRates> {
    let runtime = runtime()?;
    Ok(ServerRates {
        requests_per_s: requests_per_s(&runtime, base_url, requests)?,
        connections_per_s: connections_per_s(&runtime, base_url, requests.min(MAX_CONNECTIONS))?,
    })
}

fn runtime() -> Result<tokio::runtime::Runtime> {
    // Guarded: tokio panics, then hangs, when the OS refuses one of its threads.
    crate::os_threads::build_runtime(|| {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
    })
    .map_err(|why| Error::Mock(format!("cannot build a runtime: {why}")))
}

fn requests_per_s(
    runtime: &tokio::runtime::Runtime,
    base_url: &str,
    requests: usize,
) -> Result<f64> {
    let client = {
        let _inside = runtime.enter();
        crate::http::async_client().map_err(Error::Mock)?
    };
    let url = format!("{base_url}/ping");
    best_of_three(
        runtime,
        requests,
        in_flight(REQUESTS_IN_FLIGHT),
        move || {
            let (client, url) = (client.clone(), url.clone());
            async move {
                let timeout_ms = TIMEOUT.as_millis() as u64;
                crate::http::get_async(&client, &url, timeout_ms)
                    .await
                    .map(drop)
                    .map_err(|e| format!("{url}: {e}"))
            }
        },
    )
}

fn connections_per_s(
    runtime: &tokio::runtime::Runtime,
    base_url: &str,
    connections: usize,
) -> Result<f64> {
    let authority = base_url
        .strip_prefix("http://")
        .map(|rest| rest.split('/').next().unwrap_or(rest))
        .ok_or_else(|| Error::Mock(format!("cannot calibrate `{base_url}`: not http://")))?;
    let addr: SocketAddr = authority
        .to_socket_addrs()
        .ok()
        .and_then(|mut addrs| addrs.next())
        .ok_or_else(|| Error::Mock(format!("cannot resolve `{authority}`")))?;
    let request: Arc<[u8]> =
        format!("GET /ping HTTP/1.1\r\nHost: {authority}\r\nConnection: close\r\n\r\n")
            .into_bytes()
            .into();
    best_of_three(
        runtime,
        connections,
        in_flight(CONNECTIONS_IN_FLIGHT),
        move || {
            let request = Arc::clone(&request);
            async move {
                tokio::time::timeout(TIMEOUT, once_on_a_new_connection(addr, &request))
                    .await
                    .unwrap_or_else(|_| Err(format!("no reply within {TIMEOUT:?}")))
                    .map_err(|e| format!("new connection to {addr}: {e}"))
            }
        },
    )
}

/// Connect, send `request`, read the reply until the server closes, check it is a 200.
async fn once_on_a_new_connection(
    addr: SocketAddr,
    request: &[u8],
) -> std::result::Result<(), String> {
    let mut stream = tokio::net::TcpStream::connect(addr)
        .await
        .map_err(|e| e.to_string())?;
    stream.set_nodelay(true).map_err(|e| e.to_string())?;
    stream.write_all(request).await.map_err(|e| e.to_string())?;
    let mut reply = Vec::with_capacity(256);
    stream
        .read_to_end(&mut reply)
        .await
        .map_err(|e| e.to_string())?;
    if reply.starts_with(b"HTTP/1.1 200") {
        Ok(())
    } else {
        let first = reply.split(|&b| b == b'\r').next().unwrap_or_default();
        Err(format!("got {:?}", String::from_utf8_lossy(first)))
    }
}

/// Three rounds of up to `count` calls of `one`, `in_flight` at a time, each round cut short
/// at [`ROUND_LIMIT`]; the best rate, in calls completed per second.
fn best_of_three<F, Fut>(
    runtime: &tokio::runtime::Runtime,
    count: usize,
    in_flight: usize,
    one: F,
) -> Result<f64>
where
    F: Fn() -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = std::result::Result<(), String>> + Send + 'static,
{
    let one = Arc::new(one);
    let round = || {
        runtime.block_on(async {
            let next = Arc::new(AtomicU64::new(0));
            let began = Instant::now();
            let deadline = began + ROUND_LIMIT;
            let mut senders = tokio::task::JoinSet::new();
            for _ in 0..in_flight.min(count) {
                let (one, next) = (Arc::clone(&one), Arc::clone(&next));
                senders.spawn(async move {
                    let mut done = 0u64;
                    while Instant::now() < deadline
                        && next.fetch_add(1, Ordering::Relaxed) < count as u64
                    {
                        one().await?;
                        done += 1;
                    }
                    Ok::<u64, String>(done)
                });
            }
            let mut done = 0;
            while let Some(joined) = senders.join_next().await {
                done += joined
                    .map_err(|e| Error::Mock(e.to_string()))?
                    .map_err(Error::Mock)?;
            }
            Ok(done as f64 / began.elapsed().as_secs_f64())
        })
    };
    let mut best: f64 = 0.0;
    for _ in 0..3 {
        best = best.max(round()?);
    }
    Ok(best)
}

/// At most a quarter of the soft open-files limit, and at least one.
fn in_flight(wanted: usize) -> usize {
    in_flight_under(wanted, open_files_limit())
}

fn in_flight_under(wanted: usize, soft_limit: Option<u64>) -> usize {
    match soft_limit {
        Some(soft) => wanted.min(usize::try_from(soft / 4).unwrap_or(usize::MAX).max(1)),
        None => wanted,
    }
}

/// The soft `RLIMIT_NOFILE`, or `None` if unlimited or unknown.
fn open_files_limit() -> Option<u64> {
    #[cfg(unix)]
    {
        let mut limit = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        // SAFETY: getrlimit only writes the struct it is given.
        let rc = unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) };
        if rc == 0 && limit.rlim_cur != libc::RLIM_INFINITY {
            #[allow(clippy::unnecessary_cast)] // rlim_t is u64 on Linux, not on every unix
            return Some(limit.rlim_cur as u64);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mock::{MockServer, MockSpec};

    #[test]
    fn in_flight_stays_well_under_the_open_files_limit() {
        assert_eq!(in_flight_under(256, None), 256);
        assert_eq!(in_flight_under(256, Some(20_000)), 256);
        assert_eq!(in_flight_under(256, Some(1_024)), 256);
        assert_eq!(in_flight_under(256, Some(256)), 64);
        assert_eq!(in_flight_under(64, Some(256)), 64);
        assert_eq!(in_flight_under(64, Some(3)), 1);
        assert!(in_flight(256) >= 1);
    }

    #[test]
    fn both_rates_are_measured_on_a_real_server() {
        // Only that both probes complete and count something: no assertion on the figures.
        let mock = MockServer::start(MockSpec::new(0)).unwrap();
        let calibration = calibrate(&mock.uri(), 60).unwrap();
        assert!(calibration.requests_per_s > 0.0, "{calibration:?}");
        assert!(calibration.connections_per_s > 0.0, "{calibration:?}");
    }

    #[test]
    fn a_server_that_is_not_there_fails_the_probe_with_one_line() {
        let unused = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let base = format!("http://{}", unused.local_addr().unwrap());
        drop(unused);
        let e = calibrate(&base, 10).unwrap_err().to_string();
        assert!(!e.contains('\n'), "{e}");
        assert!(calibrate("ftp://example", 10).is_err());
    }
}
