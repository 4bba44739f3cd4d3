//! The mock server's accept loop and its connections: HTTP/1.1 on hyper, kept alive, one task
//! per connection on the server's one thread.
//!
//! Nothing a client or the OS does stops the loop. A connection that fails (a client gone
//! mid-request, bytes that are not HTTP) ends quietly: it is the client's business, and a line
//! per connection would flood stderr. An accept that fails for want of resources (out of file
//! descriptors: EMFILE, ENFILE) is named once per episode (see [`Trouble`]), and the loop
//! waits [`PAUSE`] and tries again, so the server accepts again as soon as descriptors free
//! up, rather than refusing every later client without a word.

use std::convert::Infallible;
use std::io::{ErrorKind, Write};
use std::sync::Arc;
use std::time::{Duration, Instant};

use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use tokio::net::{TcpListener, TcpStream};

use super::routes::Routes;

/// How long the loop waits after an accept that failed for want of resources.
const PAUSE: Duration = Duration::from_millis(20);
/// The least time between two lines about failing accepts.
const QUIET: Duration = Duration::from_secs(1);

/// Accept connections on `listener` and serve `routes` on each, until the future is dropped.
pub(super) async fn accept_forever(listener: TcpListener, routes: Arc<Routes>) {
    let mut trouble = Trouble::default();
    loop {
        match listener.accept().await {
            Ok((stream, _)) => {
                tokio::spawn(serve_connection(stream, Arc::clone(&routes)));
            }
            // The connection died in the backlog: the next one is unaffected.
            Err(e) if of_one_connection(&e) => {}
            Err(e) => {
                if let Some(line) = trouble.report(&e, Instant::now()) {
                    // stderr gone is no reason to stop serving (nor to panic, as eprintln! would).
                    let _ = writeln!(std::io::stderr(), "{line}");
                }
                tokio::time::sleep(PAUSE).await;
            }
        }
    }
}

/// Serve HTTP/1.1 on one connection until the client closes it or it fails.
async fn serve_connection(stream: TcpStream, routes: Arc<Routes>) {
    let _ = stream.set_nodelay(true);
    let service = service_fn(move |request| {
        let routes = Arc::clone(&routes);
        async move { Ok::<_, Infallible>(routes.respond(request).await) }
    });
    // No header-read timeout (it needs a timer and would close idle kept-alive connections
    // that clients' pools still hold); errors are the client's business, see the module doc.
    let _ = http1::Builder::new()
        .keep_alive(true)
        .serve_connection(TokioIo::new(stream), service)
        .await;
}

/// An accept error that concerns only the connection being accepted.
fn of_one_connection(e: &std::io::Error) -> bool {
    matches!(
        e.kind(),
        ErrorKind::ConnectionAborted | ErrorKind::ConnectionReset | ErrorKind::Interrupted
    )
}

/// When to say that accepting fails: once per episode, an episode being failures less than
/// [`QUIET`] apart, so a server that recovers and runs out again at once (it accepts the
/// queued connections faster than it closes the old ones) says it only once, and never more
/// than once a second.
#[derive(Debug, Default)]
struct Trouble {
    last_failure: Option<Instant>,
}

impl Trouble {
    /// An accept failed with `e` at `now`: the line to print, if this starts an episode.
    fn report(&mut self, e: &std::io::Error, now: Instant) -> Option<String> {
        let ongoing = self
            .last_failure
            .is_some_and(|t| now.saturating_duration_since(t) < QUIET);
        self.last_failure = Some(now);
        (!ongoing).then(|| describe(e))
    }
}

/// One line naming why accepting fails.
fn describe(e: &std::io::Error) -> String {
    #[cfg(unix)]
    match e.raw_os_error() {
        Some(libc::EMFILE) => {
            let limit = crate::limits::open_files().map_or("unknown".into(), |n| n.to_string());
            return format!(
                "concur serve: out of file descriptors (limit {limit}), waiting to accept; \
                 raise it with `ulimit -n`"
            );
        }
        Some(libc::ENFILE) => {
            return "concur serve: out of file descriptors (the system's file table is full), \
                    waiting to accept"
                .to_string();
        }
        _ => {}
    }
    format!("concur serve: cannot accept a connection ({e}), waiting to accept")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn emfile() -> std::io::Error {
        std::io::Error::from_raw_os_error(libc::EMFILE)
    }

    #[test]
    fn one_line_per_episode_however_long_and_never_two_within_a_second() {
        let mut trouble = Trouble::default();
        let t0 = Instant::now();
        let line = trouble.report(&emfile(), t0).unwrap();
        assert!(
            line.starts_with("concur serve: out of file descriptors (limit "),
            "{line}"
        );
        assert!(line.contains("waiting to accept"), "{line}");
        // Retried every PAUSE for a long while: one episode, silent.
        let retries = (1..500).map(|i| t0 + PAUSE * i);
        assert!(retries
            .clone()
            .all(|t| trouble.report(&emfile(), t).is_none()));
        // Accepting again, then out again within the second: still that episode.
        let last = t0 + PAUSE * 499;
        assert_eq!(trouble.report(&emfile(), last + QUIET / 2), None);
        // Out again after a quiet second: a new episode, named.
        let later = last + QUIET / 2 + QUIET;
        assert!(trouble.report(&emfile(), later).is_some());
        assert_eq!(trouble.report(&emfile(), later + PAUSE), None);
    }

    #[test]
    fn other_failures_are_named_too_and_lost_connections_are_not() {
        let enfile = std::io::Error::from_raw_os_error(libc::ENFILE);
        assert!(describe(&enfile).contains("file table is full"));
        let nomem = std::io::Error::from_raw_os_error(libc::ENOMEM);
        assert!(describe(&nomem).starts_with("concur serve: cannot accept"));
        assert!(of_one_connection(&std::io::Error::from(
            ErrorKind::ConnectionAborted
        )));
        assert!(!of_one_connection(&emfile()));
    }
}
