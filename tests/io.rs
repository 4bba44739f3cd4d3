//! IO workloads against the real mock server: answers, order, every kind of fault, the
//! `concur serve` command, and nothing left running afterwards. Small sizes and short delays;
//! no assertion on how long anything took.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Command, Stdio};

use concur::measure;
use concur::mock::{MockServer, MockSpec};
use concur::model::{self, ModelConfig};
use concur::run::{Prepared, RunRecord};
use concur::workload::{self, IoParams, Params};

fn config(workers: usize) -> ModelConfig {
    ModelConfig {
        worker_exe: Some(PathBuf::from(env!("CARGO_BIN_EXE_concur"))),
        ..ModelConfig::new(workers)
    }
}

fn params(workload: &str, size: u64, base_url: &str, delay_ms: u64, timeout_ms: u64) -> Params {
    let mut params = workload::by_name(workload)
        .unwrap()
        .params(Some(size))
        .unwrap();
    params.io = Some(IoParams {
        base_url: base_url.to_string(),
        delay_ms,
        timeout_ms,
    });
    params
}

fn run(workload: &str, model: &str, params: &Params, config: &ModelConfig) -> RunRecord {
    let mut cell = Prepared::start(
        workload::by_name(workload).unwrap(),
        model::by_name(model).unwrap(),
        params.clone(),
        config,
    )
    .unwrap_or_else(|e| panic!("{workload} × {model}: {e}"));
    cell.run()
}

#[test]
fn api_answers_come_back_in_submission_order_under_every_model() {
    let server = MockServer::start(MockSpec::new(10)).unwrap();
    let p = params("api", 12, &server.uri(), 10, 10_000);
    for m in model::all() {
        for (label, cfg) in [
            ("plain", config(3)),
            (
                "window",
                ModelConfig {
                    in_flight: Some(2),
                    ..config(3)
                },
            ),
            (
                "batches",
                ModelConfig {
                    batch: Some(5),
                    ..config(3)
                },
            ),
        ] {
            let r = run("api", m.name(), &p, &cfg);
            assert!(r.ok, "{} {label}: {:?}", m.name(), r.errors);
            assert!(r.expected.starts_with("3 6 10 15 21"), "{}", r.expected);
            assert_eq!(r.timeline.len(), 12);
        }
    }
}

#[test]
fn a_share_of_5xx_replies_is_counted_exactly_under_every_model() {
    let server = MockServer::start(MockSpec {
        fail_rate: 0.25,
        ..MockSpec::new(1)
    })
    .unwrap();
    let p = params("sites", 20, &server.uri(), 1, 10_000);
    for m in model::all() {
        // Fresh fault counters, one per endpoint: exactly ⌊10 × 0.25⌋ = 2 of the next 10
        // requests for each page fail, 4 of 20 (one shared counter failed 5, always the same
        // page under some share).
        server.reset();
        let r = run("sites", m.name(), &p, &config(2));
        assert!(!r.ok, "{}", m.name());
        assert_eq!(r.failed_tasks, 4, "{}: {:?}", m.name(), r.errors);
        let mut errors = r.errors.clone();
        errors.sort();
        assert_eq!(
            errors,
            [
                "2 × HTTP 503 from /sites/big",
                "2 × HTTP 503 from /sites/small"
            ],
            "{}",
            m.name()
        );
        assert_eq!(r.answer, None);
    }
}

#[test]
fn replies_slower_than_the_timeout_fail_every_request() {
    let server = MockServer::start(MockSpec::new(2_000)).unwrap();
    let p = params("fanout", 1, &server.uri(), 2_000, 50);
    for m in model::all() {
        let r = run("fanout", m.name(), &p, &config(2));
        assert_eq!(r.failed_tasks, 3, "{}", m.name());
        assert_eq!(r.errors, ["3 × timed out after 50 ms"], "{}", m.name());
    }
}

/// The URL of a server that was there and is gone.
fn gone_server() -> String {
    let uri = {
        let server = MockServer::start(MockSpec::new(0)).unwrap();
        server.uri()
    }; // dropped: nothing listens there once its thread has closed the socket
    let addr = uri.trim_start_matches("http://").to_string();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while std::net::TcpStream::connect(&addr).is_ok() && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    uri
}

#[test]
fn a_server_that_is_gone_fails_every_request_with_connection_refused() {
    let uri = gone_server();
    let p = params("sites", 4, &uri, 0, 5_000);
    for m in model::all() {
        let r = run("sites", m.name(), &p, &config(2));
        assert!(!r.ok);
        assert_eq!(r.failed_tasks, 4, "{}", m.name());
        assert_eq!(r.errors, ["4 × connection refused"], "{}", m.name());
    }
}

#[test]
fn a_server_that_stops_answering_is_named_once_and_ends_the_comparison() {
    let uri = gone_server();
    let config = config(2);
    let plan = measure::Plan {
        workload: workload::by_name("sites").unwrap(),
        params: params("sites", 4, &uri, 0, 5_000),
        models: model::all(),
        config: &config,
        repeat: 1,
        rates: None,
        delay_known: true,
        max_ideal_s: 60.0,
    };
    let mut rows = 0;
    let outcome = measure::run(&plan, |event| {
        if let measure::Event::Row(_) = event {
            rows += 1;
        }
        Ok::<(), ()>(())
    })
    .unwrap();
    assert_eq!(
        (rows, outcome.rows.len()),
        (1, 1),
        "no model after the first"
    );
    let line = outcome.error_line("sites").unwrap();
    let said =
        format!("the server at {uri} stopped answering during sequential (4 × connection refused)");
    assert!(line.starts_with(&said), "{line}");
}

#[test]
fn concur_serve_prints_one_url_per_endpoint_and_serves_them() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_concur"))
        .args(["serve", "--delay-ms", "0"])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let urls: Vec<String> = (0..concur::mock::endpoints().len())
        .map(|_| lines.next().unwrap().unwrap())
        .collect();
    let big = urls
        .iter()
        .find(|l| l.contains("/sites/big"))
        .and_then(|l| l.split_whitespace().next())
        .unwrap()
        .to_string();
    assert!(big.starts_with("http://127.0.0.1:"), "{big}");
    let body = ureq::get(&big)
        .call()
        .unwrap()
        .body_mut()
        .read_to_vec()
        .unwrap();
    assert_eq!(body.len(), 10394);
    child.kill().unwrap();
    child.wait().unwrap();
}

#[test]
fn cli_io_errors_are_one_line_and_nonzero() {
    let cases: &[(&[&str], &str)] = &[
        (
            &[
                "run",
                "sites",
                "--server",
                "http://127.0.0.1:9",
                "--repeat",
                "1",
            ],
            "connection refused",
        ),
        (
            &["run", "sites", "--fail-rate", "2"],
            "--fail-rate must be between 0 and 1",
        ),
        (
            &["run", "primes", "--delay-ms", "5"],
            "--delay-ms applies to IO workloads only",
        ),
        (
            &["run", "sites", "--server", "ftp://x"],
            "is not an http:// URL",
        ),
        (
            &["run", "crowd", "--size", "20000"],
            "--size must be between 1 and 10000",
        ),
        (&["serve", "--fail-rate", "-1"], "Error:"),
        (
            &[
                "run",
                "sites",
                "--server",
                "http://127.0.0.1:9",
                "--delay-ms",
                "5",
            ],
            "with --server the server is yours",
        ),
    ];
    for (args, expected) in cases {
        let out = Command::new(env!("CARGO_BIN_EXE_concur"))
            .args(*args)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{args:?}");
        assert!(stderr.contains(expected), "{args:?}: {stderr}");
        let errors: Vec<&str> = stderr.lines().filter(|l| l.starts_with("Error:")).collect();
        assert_eq!(errors.len(), 1, "{args:?}: {stderr}");
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
    }
}

#[cfg(unix)]
#[test]
fn a_low_open_files_limit_does_not_fail_the_server_probe() {
    // `ulimit -n 256`: the ceiling probe used to keep 256 requests in flight and die of
    // "could not connect"; it now sizes itself to a quarter of the limit.
    use std::os::unix::process::CommandExt;
    let mut command = Command::new(env!("CARGO_BIN_EXE_concur"));
    command.args([
        "run",
        "sites",
        "--size",
        "6",
        "--repeat",
        "1",
        "--models",
        "async",
        "--delay-ms",
        "1",
    ]);
    // SAFETY: getrlimit and setrlimit are async-signal-safe and only touch this child.
    unsafe {
        command.pre_exec(|| {
            let mut limit = libc::rlimit {
                rlim_cur: 0,
                rlim_max: 0,
            };
            if libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            limit.rlim_cur = limit.rlim_cur.min(256);
            if libc::setrlimit(libc::RLIMIT_NOFILE, &limit) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let out = command.output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
}

#[test]
fn an_external_server_gets_no_assumed_ideal() {
    // Its delay is whatever it is (here 0 ms, far from sites' default): no ideal, no
    // efficiency, rather than 8095% from an assumed delay.
    let server = MockServer::start(MockSpec::new(0)).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_concur"))
        .args([
            "run",
            "sites",
            "--server",
            &server.uri(),
            "--models",
            "pool",
        ])
        .args(["--repeat", "1", "--json"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let rows: Vec<serde_json::Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(rows.len(), 2, "sequential and pool");
    for row in &rows {
        assert!(row["ideal"].is_null(), "{row}");
        assert!(row["efficiency"].is_null(), "{row}");
        assert_eq!(row["ok"], true, "{row}");
    }
}
