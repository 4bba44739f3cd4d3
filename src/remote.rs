//! The server a run talks to, from the outside: `--server URL` checked once ([`parse`]) and
//! probed once ([`probe`]: a TCP connection and one `GET /ping`) before any model runs, so a
//! typo or a server that is not there is one clear line instead of every model failing with
//! "invalid format" or "connection refused"; and [`answers`], asked after a model failed to
//! connect, so a server that died mid-run is named as the cause.

use std::io::{Read, Write};
use std::net::{Ipv6Addr, SocketAddr, TcpStream, ToSocketAddrs};
use std::sync::mpsc;
use std::time::Duration;

use crate::error::{Error, Result};

/// How long the probe waits for a connection, and then for the reply's first bytes.
pub const PROBE_TIMEOUT: Duration = Duration::from_secs(3);

/// A checked `http://HOST[:PORT]` base URL.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServerUrl {
    /// `http://HOST:PORT` as given (no trailing slash): what requests are sent to.
    pub base: String,
    /// The host without IPv6 brackets.
    pub host: String,
    pub port: u16,
}

/// Check `text` as a server's base URL: scheme `http`, a host, a port from 1 to 65535 (80
/// when left out), and nothing after it but an optional `/`.
pub fn parse(text: &str) -> Result<ServerUrl> {
    let bad = |why: String| Error::InvalidInput(format!("--server `{text}` {why}"));
    let example = "expected http://HOST:PORT, e.g. http://127.0.0.1:8080 from `concur serve`";
    let (scheme, rest) = text
        .split_once("://")
        .ok_or_else(|| bad(format!("is not an http:// URL ({example})")))?;
    if scheme.eq_ignore_ascii_case("https") {
        return Err(bad(
            "uses https: concur's clients and `concur serve` speak plain http".into(),
        ));
    }
    if !scheme.eq_ignore_ascii_case("http") {
        return Err(bad(format!("is not an http:// URL ({example})")));
    }
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, after) = rest.split_at(end);
    if !after.is_empty() && after != "/" {
        return Err(bad(format!(
            "has a path or query (`{after}`): give the server's base URL ({example})"
        )));
    }
    if authority.is_empty() {
        return Err(bad(format!("has no host ({example})")));
    }
    if authority.contains('@') {
        return Err(bad(format!("has a user name: {example}")));
    }
    let (host, port) = match authority.strip_prefix('[') {
        Some(v6) => {
            let (host, after) = v6
                .split_once(']')
                .ok_or_else(|| bad("has an unclosed `[` in its host".into()))?;
            if host.parse::<Ipv6Addr>().is_err() {
                return Err(bad(format!("has `{host}` for an IPv6 address")));
            }
            match after {
                "" => (host, None),
                _ => (host, Some(after.strip_prefix(':').unwrap_or(after))),
            }
        }
        None => match authority.rsplit_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (authority, None),
        },
    };
    let valid = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '.';
    if !authority.starts_with('[') && (host.is_empty() || !host.chars().all(valid)) {
        return Err(bad(format!(
            "has `{host}` for a host: a host is a name or an address, letters, digits, `-` \
             and `.` only"
        )));
    }
    let port = match port {
        None => 80,
        Some(p) => match p.parse::<u64>() {
            Ok(n) if (1..=65_535).contains(&n) => n as u16,
            Ok(n) => return Err(bad(format!("has port {n}: a port is 1 to 65535"))),
            Err(_) => return Err(bad(format!("has `{p}` for a port: a port is 1 to 65535"))),
        },
    };
    Ok(ServerUrl {
        base: format!("http://{authority}"),
        host: host.to_string(),
        port,
    })
}

/// Check that a server answers at `url`: a TCP connection, then one `GET /ping` whose reply
/// starts like HTTP (any status: a server without `/ping` still answers). The whole probe,
/// host lookup included, is given up after a few [`PROBE_TIMEOUT`]s.
pub fn probe(url: &ServerUrl) -> Result<()> {
    let (tx, rx) = mpsc::channel();
    let asked = url.clone();
    std::thread::Builder::new()
        .name("concur-probe".into())
        .spawn(move || {
            let _ = tx.send(ask(&asked));
        })
        .map_err(|e| Error::InvalidInput(format!("cannot probe the server: {e}")))?;
    let said = rx
        .recv_timeout(PROBE_TIMEOUT * 3)
        .unwrap_or_else(|_| Err("it did not answer in time".to_string()));
    said.map_err(|why| {
        Error::InvalidInput(format!(
            "--server {} does not answer: {why} (is a `concur serve` running there?)",
            url.base
        ))
    })
}

/// Whether anything still accepts connections at `base_url` (within a second).
pub fn answers(base_url: &str) -> bool {
    parse(base_url)
        .ok()
        .and_then(|url| connect(&url, Duration::from_secs(1)).ok())
        .is_some()
}

fn ask(url: &ServerUrl) -> std::result::Result<(), String> {
    let mut stream = connect(url, PROBE_TIMEOUT)?;
    let authority = url.base.trim_start_matches("http://");
    let request = format!("GET /ping HTTP/1.1\r\nHost: {authority}\r\nConnection: close\r\n\r\n");
    stream
        .set_read_timeout(Some(PROBE_TIMEOUT))
        .and_then(|()| stream.write_all(request.as_bytes()))
        .map_err(|e| describe(&e))?;
    let mut head = [0u8; 5];
    let mut got = 0;
    while got < head.len() {
        match stream.read(&mut head[got..]) {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(e) => return Err(describe(&e)),
        }
    }
    if &head[..got] == b"HTTP/" {
        Ok(())
    } else {
        Err(format!(
            "it accepted a connection but did not reply with HTTP (it said {:?})",
            String::from_utf8_lossy(&head[..got])
        ))
    }
}

fn connect(url: &ServerUrl, timeout: Duration) -> std::result::Result<TcpStream, String> {
    let addrs: Vec<SocketAddr> = (url.host.as_str(), url.port)
        .to_socket_addrs()
        .map_err(|e| format!("cannot look up `{}`: {e}", url.host))?
        .collect();
    let mut last = format!("`{}` has no address", url.host);
    for addr in addrs {
        match TcpStream::connect_timeout(&addr, timeout) {
            Ok(stream) => return Ok(stream),
            Err(e) => last = describe(&e),
        }
    }
    Err(last)
}

fn describe(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::ConnectionRefused => "connection refused".into(),
        std::io::ErrorKind::TimedOut | std::io::ErrorKind::WouldBlock => {
            format!(
                "no reply within {}",
                crate::format::time(PROBE_TIMEOUT.as_secs_f64())
            )
        }
        _ => crate::limits::explain(e).unwrap_or_else(|| e.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn good_urls_are_kept_as_their_base() {
        let url = parse("http://127.0.0.1:8080/").unwrap();
        assert_eq!(
            (url.base.as_str(), url.port),
            ("http://127.0.0.1:8080", 8080)
        );
        assert_eq!(parse("http://localhost").unwrap().port, 80);
        assert_eq!(parse("http://[::1]:9000").unwrap().host, "::1");
    }

    #[test]
    fn bad_urls_say_what_is_wrong() {
        for (url, says) in [
            ("http://", "no host"),
            ("http://127.0.0.1:99999", "port 99999"),
            ("http://127.0.0.1:0", "port 0"),
            ("http://127.0.0.1:x", "`x` for a port"),
            ("http://127 .0.0.1:80", "for a host"),
            ("https://127.0.0.1:1", "https"),
            ("ftp://x", "is not an http:// URL"),
            ("127.0.0.1:80", "is not an http:// URL"),
            ("http://127.0.0.1:1/sites?x", "path or query"),
            ("http://me@127.0.0.1:1", "user name"),
            ("http://[::1:80", "unclosed"),
        ] {
            let line = parse(url).unwrap_err().to_string();
            assert!(line.contains(says), "{url}: {line}");
        }
    }

    #[test]
    fn a_closed_port_does_not_answer() {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .unwrap()
            .port();
        let url = parse(&format!("http://127.0.0.1:{port}")).unwrap();
        let line = probe(&url).unwrap_err().to_string();
        assert!(line.contains("connection refused"), "{line}");
        assert!(!answers(&url.base));
    }
}
