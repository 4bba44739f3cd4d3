//! [`Server`]: the server a run talks to. Normally a child `concur serve` process, so the
//! server's sockets, memory and CPU are not counted as the client's (10000 requests in flight
//! need 10000 sockets on each side); or somebody else's server (`--server URL`).

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, ChildStdout, Command, Stdio};

use super::MockSpec;
use crate::error::{Error, Result};

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
        crate::spawn::die_with_parent(&mut command);
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_url_of_an_endpoint_url() {
        assert_eq!(
            base_of("http://127.0.0.1:41234/sites/big\n").as_deref(),
            Some("http://127.0.0.1:41234")
        );
    }
}
