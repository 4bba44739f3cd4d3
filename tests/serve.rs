//! `concur serve` from outside, as a client and the OS treat it (part of issue 8: nothing a
//! client or the OS does makes it panic, hang or leak): flat memory over 100k requests on
//! kept-alive connections, malformed and abandoned requests, and running out of file
//! descriptors. Only counts and bounds on memory are asserted, never a time.

#[path = "serve/child.rs"]
mod child;

use child::{get, Connection, Serve};

/// Requests per pipelined write.
const BATCH: usize = 100;

/// `connections` kept-alive connections on threads of their own, each sending `per_connection`
/// GETs alternating `/sites/small` and `/ping` in pipelined batches; every reply must be a 200.
fn drive(serve: &Serve, connections: usize, per_connection: usize) {
    let addr = serve.addr;
    let threads: Vec<_> = (0..connections)
        .map(|_| {
            std::thread::spawn(move || {
                let mut connection = Connection::open(addr);
                let mut sent = 0;
                let mut turn = 0;
                while sent < per_connection {
                    let n = BATCH.min(per_connection - sent);
                    let path = ["/sites/small", "/ping"][turn % 2];
                    let statuses = connection.pipeline(path, n);
                    assert!(statuses.iter().all(|&s| s == 200), "{path}: {statuses:?}");
                    sent += n;
                    turn += 1;
                }
            })
        })
        .collect();
    for thread in threads {
        thread.join().unwrap();
    }
}

#[test]
fn memory_stays_flat_over_a_hundred_thousand_requests() {
    // wiremock kept a copy of every request: about 4.4 KB each, 400 MB over this test.
    const LIMIT: u64 = 20 << 20;
    let serve = Serve::start(None);
    drive(&serve, 4, 2_500); // warm-up: 10k requests
    let warm = serve.memory("VmRSS");
    drive(&serve, 4, 22_500); // 90k more
    let after = serve.memory("VmRSS");
    let stderr = serve.stop();
    assert!(
        after.saturating_sub(warm) < LIMIT,
        "RSS grew from {warm} to {after} bytes over 90k requests"
    );
    assert!(stderr.is_empty(), "{stderr:?}");
}

#[test]
fn malformed_and_abandoned_requests_get_a_400_or_a_closed_connection_and_no_panic() {
    let serve = Serve::start(None);
    let addr = serve.addr;
    let api = "POST /api/generate HTTP/1.1\r\nHost: concur\r\nContent-Type: application/json\r\n";

    // A chunk size that is not hex.
    let mut bad_chunks = Connection::open(addr);
    bad_chunks
        .send(format!("{api}Transfer-Encoding: chunked\r\n\r\nZZ\r\n{{}}\r\n0\r\n\r\n").as_bytes());
    let statuses = bad_chunks.finish();
    assert!(statuses.iter().all(|&s| s == 400), "{statuses:?}");

    // A chunk longer than it said, then the end.
    let mut long_chunk = Connection::open(addr);
    long_chunk.send(
        format!("{api}Transfer-Encoding: chunked\r\n\r\n2\r\n{{\"question\"}}\r\n0\r\n\r\n")
            .as_bytes(),
    );
    let statuses = long_chunk.finish();
    assert!(statuses.iter().all(|&s| s == 400), "{statuses:?}");

    // Not HTTP at all.
    let mut garbage = Connection::open(addr);
    garbage.send(b"\x16\x03\x01 hello there\r\n\r\n");
    let statuses = garbage.finish();
    assert!(statuses.iter().all(|&s| s == 400), "{statuses:?}");

    // Half a body, then the client goes away: closing its side and waiting, and vanishing.
    let half = format!("{api}Content-Length: 1000\r\n\r\n{{\"question\": \"1+2");
    let mut closes = Connection::open(addr);
    closes.send(half.as_bytes());
    let statuses = closes.finish();
    assert!(statuses.iter().all(|&s| s == 400), "{statuses:?}");
    let mut vanishes = Connection::open(addr);
    vanishes.send(half.as_bytes());
    drop(vanishes);
    let mut chunked_vanishes = Connection::open(addr);
    chunked_vanishes.send(format!("{api}Transfer-Encoding: chunked\r\n\r\n40\r\n{{\"q").as_bytes());
    drop(chunked_vanishes);

    // Still serving, on new connections and kept-alive ones.
    assert_eq!(get(addr, "/ping"), 200);
    let mut kept = Connection::open(addr);
    assert_eq!(kept.pipeline("/sites/big", 3), [200, 200, 200]);
    let question = concur::api_protocol::request_body(3);
    kept.send(format!("{api}Content-Length: {}\r\n\r\n{question}", question.len()).as_bytes());
    let (status, body) = kept.reply().unwrap();
    assert_eq!(
        (status, String::from_utf8_lossy(&body)),
        (200, r#"{"generated_text":"1+2+3=6"}"#.into())
    );
    assert_eq!(kept.pipeline("/nowhere", 1), [404]);

    let stderr = serve.stop();
    assert!(
        !stderr.iter().any(|l| l.contains("panicked")),
        "{stderr:#?}"
    );
    assert!(
        stderr.is_empty(),
        "nothing is printed per connection: {stderr:#?}"
    );
}

#[test]
fn out_of_file_descriptors_the_server_says_so_once_and_accepts_again() {
    const OPEN_FILES: u64 = 64;
    let mut serve = Serve::start(Some(OPEN_FILES));
    let addr = serve.addr;
    // More than the server can hold: the kernel queues the rest until it accepts them.
    let held: Vec<Connection> = (0..OPEN_FILES + 36)
        .map(|_| Connection::open(addr))
        .collect();
    let line = serve.next_stderr_line();
    assert_eq!(
        line,
        format!(
            "concur serve: out of file descriptors (limit {OPEN_FILES}), waiting to accept; \
             raise it with `ulimit -n`"
        )
    );
    drop(held);
    // Once those are closed, it accepts again: the queued ones (closed by now) and new ones.
    assert_eq!(get(addr, "/ping"), 200);
    let mut kept = Connection::open(addr);
    assert_eq!(kept.pipeline("/sites/small", 50), [200; 50]);
    drop(kept);

    let stderr = serve.stop();
    let named = stderr
        .iter()
        .filter(|l| l.contains("out of file descriptors"))
        .count();
    assert_eq!(named, 1, "once, not per connection: {stderr:#?}");
    assert!(
        !stderr.iter().any(|l| l.contains("panicked")),
        "{stderr:#?}"
    );
}
