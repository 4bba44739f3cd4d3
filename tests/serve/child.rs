//! A `concur serve` child for the tests, spoken to over raw sockets: its address, its stderr
//! (gathered on a thread, so a test can wait for a line), its memory from /proc, and a
//! minimal HTTP/1.1 client that pipelines requests on kept-alive connections.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::{Child, ChildStdout, Command, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::time::Duration;

/// The longest any read from the server may take before the test fails instead of hanging.
pub const PATIENCE: Duration = Duration::from_secs(60);

/// A running `concur serve --delay-ms 0`, killed when dropped.
pub struct Serve {
    child: Child,
    _stdout: BufReader<ChildStdout>,
    pub addr: SocketAddr,
    stderr: Receiver<String>,
    seen: Vec<String>,
}

impl Serve {
    /// Start it; `open_files`: set both the soft and the hard `RLIMIT_NOFILE` of the child
    /// to this, so it cannot raise the soft one at start.
    pub fn start(open_files: Option<u64>) -> Serve {
        let mut command = Command::new(env!("CARGO_BIN_EXE_concur"));
        command
            .args(["serve", "--delay-ms", "0"])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        if let Some(limit) = open_files {
            use std::os::unix::process::CommandExt;
            // SAFETY: setrlimit is async-signal-safe and only touches this child.
            unsafe {
                command.pre_exec(move || {
                    let limit = libc::rlimit {
                        rlim_cur: limit,
                        rlim_max: limit,
                    };
                    if libc::setrlimit(libc::RLIMIT_NOFILE, &limit) != 0 {
                        return Err(std::io::Error::last_os_error());
                    }
                    Ok(())
                });
            }
        }
        let mut child = command.spawn().expect("start concur serve");
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let mut first = String::new();
        stdout.read_line(&mut first).unwrap();
        // "http://127.0.0.1:PORT/sites/big  GET"
        let addr = first
            .trim_start_matches("http://")
            .split('/')
            .next()
            .and_then(|a| a.parse().ok())
            .unwrap_or_else(|| panic!("no address in {first:?}"));
        let (tx, stderr) = mpsc::channel();
        let pipe = child.stderr.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(pipe).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        Serve {
            child,
            _stdout: stdout,
            addr,
            stderr,
            seen: Vec::new(),
        }
    }

    /// The next line the server writes to stderr (waiting at most [`PATIENCE`]).
    pub fn next_stderr_line(&mut self) -> String {
        let line = self
            .stderr
            .recv_timeout(PATIENCE)
            .expect("a line on the server's stderr");
        self.seen.push(line.clone());
        line
    }

    /// Resident memory of the server (VmRSS, or VmHWM for the peak), in bytes.
    pub fn memory(&self, field: &str) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).unwrap();
        let kib: u64 = status
            .lines()
            .find_map(|l| l.strip_prefix(field)?.strip_prefix(':'))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap_or_else(|| panic!("no {field} in /proc status"));
        kib * 1024
    }

    /// Stop the server and return everything it wrote to stderr.
    pub fn stop(mut self) -> Vec<String> {
        let _ = self.child.kill();
        let _ = self.child.wait();
        // The pipe is closed now: the reader thread ends after the last line.
        let mut all = std::mem::take(&mut self.seen);
        while let Ok(line) = self.stderr.recv_timeout(PATIENCE) {
            all.push(line);
        }
        all
    }
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A connection to the server with a reader that parses its replies.
pub struct Connection {
    stream: TcpStream,
    reader: BufReader<TcpStream>,
}

impl Connection {
    pub fn open(addr: SocketAddr) -> Connection {
        let stream = TcpStream::connect(addr).expect("connect to the server");
        stream.set_read_timeout(Some(PATIENCE)).unwrap();
        stream.set_nodelay(true).unwrap();
        let reader = BufReader::new(stream.try_clone().unwrap());
        Connection { stream, reader }
    }

    /// Send raw bytes.
    pub fn send(&mut self, bytes: &[u8]) {
        self.stream.write_all(bytes).expect("write to the server");
    }

    /// Send `count` GETs of `path` in one write (pipelined), then read as many replies; the
    /// statuses.
    pub fn pipeline(&mut self, path: &str, count: usize) -> Vec<u16> {
        let request = format!("GET {path} HTTP/1.1\r\nHost: concur\r\n\r\n");
        self.send(request.repeat(count).as_bytes());
        (0..count)
            .map(|_| self.reply().expect("a reply").0)
            .collect()
    }

    /// Read one reply: its status and body; `None` if the server closed the connection first.
    pub fn reply(&mut self) -> Option<(u16, Vec<u8>)> {
        let mut line = String::new();
        if self.reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let status: u16 = line.split_whitespace().nth(1)?.parse().ok()?;
        let mut length = 0;
        loop {
            line.clear();
            if self.reader.read_line(&mut line).ok()? == 0 {
                return None;
            }
            if line == "\r\n" {
                break;
            }
            if let Some((name, value)) = line.split_once(':') {
                if name.eq_ignore_ascii_case("content-length") {
                    length = value.trim().parse().ok()?;
                }
            }
        }
        let mut body = vec![0; length];
        self.reader.read_exact(&mut body).ok()?;
        Some((status, body))
    }

    /// Close the sending side, then read replies until the server closes: the statuses.
    pub fn finish(mut self) -> Vec<u16> {
        let _ = self.stream.shutdown(std::net::Shutdown::Write);
        std::iter::from_fn(|| self.reply().map(|(status, _)| status)).collect()
    }
}

/// GET `path` on a new connection: the status.
pub fn get(addr: SocketAddr, path: &str) -> u16 {
    Connection::open(addr).pipeline(path, 1)[0]
}
