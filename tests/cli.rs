//! The command line: listings, JSON output, one clear error line for every bad input, rows
//! printed as each model finishes, an interrupted run that keeps them and leaves no child, and
//! a closed stdout that ends every command quietly.

mod support;

use std::io::{BufRead, BufReader};
use std::process::{Command, Output, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use support::{children_of, eventually, finish, CONCUR};

fn concur(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_concur"))
        .args(args)
        .output()
        .expect("run concur")
}

#[test]
fn bad_input_gets_one_error_line_and_a_nonzero_exit() {
    let cases: &[(&[&str], &str)] = &[
        (&["run", "nope"], "unknown workload `nope`"),
        (
            &["run", "primes", "--models", "pool,fibers"],
            "unknown model `fibers`",
        ),
        (&["run", "primes", "--models", "pool,,async"], "empty name"),
        (
            &["run", "primes", "--workers", "0"],
            "--workers must be between 1 and 1024, got 0",
        ),
        (
            &["run", "primes", "--workers", "99999999"],
            "--workers must be between 1 and 1024",
        ),
        (
            &["run", "primes", "--size", "0"],
            "--size must be between 1 and",
        ),
        (&["run", "sum-squares", "--size", "1e30"], "too large"),
        (
            &["run", "sum-squares", "--size", "1e12"],
            "--size must be between 1 and",
        ),
        (&["run", "primes", "--size", "abc"], "not a whole number"),
        (&["run", "primes", "--size", "-5"], "Error:"),
        (
            &["run", "primes", "--repeat", "0"],
            "--repeat must be between 1",
        ),
        (&["run", "primes", "--frobnicate"], "unexpected argument"),
        (
            &["verify", "--workers", "0"],
            "--workers must be between 1 and 1024",
        ),
        (&["launch"], "unrecognized subcommand"),
    ];
    for (args, expected) in cases {
        let out = concur(args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{args:?} succeeded");
        assert!(stderr.contains(expected), "{args:?}: {stderr}");
        assert!(stderr.starts_with("Error: "), "{args:?}: {stderr}");
        assert_eq!(stderr.trim_end().lines().count(), 1, "{args:?}: {stderr}");
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
    }
}

#[test]
fn list_names_every_workload_and_model() {
    let out = concur(&["list"]);
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    for w in concur::workload::all() {
        assert!(text.contains(w.name()), "{}", w.name());
    }
    for m in concur::model::all() {
        assert!(
            text.contains(m.name()) && text.contains(m.python()),
            "{}",
            m.name()
        );
    }
}

#[test]
fn run_json_prints_one_checked_object_per_model() {
    let out = concur(&[
        "run",
        "sum-squares",
        "--size",
        "50_000",
        "--repeat",
        "1",
        "--workers",
        "2",
        "--collect",
        "as-completed",
        "--json",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lines: Vec<serde_json::Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON object per line"))
        .collect();
    let models: Vec<&str> = lines.iter().map(|l| l["model"].as_str().unwrap()).collect();
    let expected: Vec<&str> = concur::model::all().iter().map(|m| m.name()).collect();
    assert_eq!(models, expected);
    let answer = concur::workload::sum_squares::formula(50_000).to_string();
    for line in &lines {
        for field in [
            "workload",
            "workers",
            "wall",
            "setup_s",
            "speedup",
            "efficiency",
            "ideal",
            "census",
            "ok",
            "answer",
        ] {
            assert!(!line[field].is_null(), "{field} missing in {line}");
        }
        assert_eq!(line["ok"], true);
        assert_eq!(line["answer"], answer.as_str());
        assert_eq!(line["ideal"]["bound"], "cores", "{line}");
        assert!(line["census"]["threads"].is_u64(), "{line}");
        assert_eq!(line["collect"], "as-completed", "{line}");
        for field in ["user_s", "sys_s", "voluntary", "involuntary"] {
            assert!(
                line["usage"]["total"][field].is_number(),
                "usage {field} missing in {line}"
            );
        }
        // Worker processes' part: given for the models that have them, and only for them.
        let model = concur::model::by_name(line["model"].as_str().unwrap()).unwrap();
        assert_eq!(
            line["usage"]["workers"].is_object(),
            model.traits().runs.worker_processes(),
            "{line}"
        );
        for field in ["first_s", "mean_wait_s", "max_wait_s", "first_task"] {
            assert!(
                line["delivery"][field].is_number(),
                "{field} missing in {line}"
            );
        }
    }
}

#[test]
fn table_shows_every_selected_model_with_the_baseline() {
    let out = concur(&[
        "run", "primes", "--size", "3", "--repeat", "1", "--models", "pool",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("sequential") && text.contains("pool"),
        "{text}"
    );
    assert!(text.contains("✓ 3 of 3 prime"), "{text}");
    // Collected in order unless told otherwise, each row saying when its results came.
    assert!(text.contains("median of 1, results ordered"), "{text}");
    assert_eq!(
        text.matches("results ordered: first after ").count(),
        2,
        "{text}"
    );
}

#[test]
fn verify_checks_the_whole_matrix() {
    let out = concur(&["verify", "--workers", "2"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("ok    uneven × process"), "{text}");
    assert!(text.contains("every cell gave the known answer"));
}

#[cfg(target_os = "linux")]
#[test]
fn an_interrupted_run_keeps_its_finished_rows_and_leaves_no_child() {
    // sequential then process (one worker), 4 requests of 300 ms twice each: the first row
    // comes after about 2.4 s and the worker runs as long again, so the signal lands mid-run.
    let args = [
        "run",
        "sites",
        "--size",
        "4",
        "--delay-ms",
        "300",
        "--repeat",
        "2",
        "--models",
        "sequential,process",
        "--workers",
        "1",
    ];
    for (signal, code, name, json) in [
        (libc::SIGINT, 130, "SIGINT", false),
        (libc::SIGTERM, 143, "SIGTERM", true),
    ] {
        let mut child = Command::new(CONCUR)
            .args(args)
            .args(json.then_some("--json"))
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start concur");
        let pid = child.id();
        let lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in lines.map_while(Result::ok) {
                let _ = tx.send(line);
            }
        });
        let is_row = |l: &str| l.starts_with("sequential") || l.contains(r#""model":"sequential""#);
        let mut printed = Vec::new();
        while !printed.last().is_some_and(|l: &String| is_row(l)) {
            let line = rx.recv_timeout(Duration::from_secs(120));
            printed.push(line.unwrap_or_else(|_| panic!("{name}: no sequential row: {printed:?}")));
        }
        // The server and the process model's worker are running: stop them all by signal.
        assert!(
            eventually(Duration::from_secs(30), || children_of(pid).len() >= 2),
            "{name}: no worker started"
        );
        let children = children_of(pid);
        // SAFETY: a signal to the child this test started.
        assert_eq!(unsafe { libc::kill(pid as i32, signal) }, 0);
        let done = finish(child, Duration::from_secs(30), name);
        printed.extend(rx.try_iter());
        assert_eq!(done.status.code(), Some(code), "{name}: {}", done.stderr);
        let errors: Vec<&str> = done
            .stderr
            .lines()
            .filter(|l| l.starts_with("Error:"))
            .collect();
        assert_eq!(errors.len(), 1, "{name}: {}", done.stderr);
        assert!(
            errors[0].starts_with(&format!("Error: interrupted by {name}")),
            "{errors:?}"
        );
        assert!(!done.stderr.contains("panicked"), "{}", done.stderr);
        assert!(printed.iter().any(|l| is_row(l)), "{name}: {printed:?}");
        if json {
            for line in &printed {
                serde_json::from_str::<serde_json::Value>(line).expect("whole JSON rows");
            }
        }
        for c in children {
            assert!(
                eventually(Duration::from_secs(5), || !std::path::Path::new(&format!(
                    "/proc/{c}"
                ))
                .exists()),
                "{name}: child {c} of concur outlived it"
            );
        }
    }
}

#[cfg(unix)]
#[test]
fn a_closed_stdout_ends_every_printing_command_quietly() {
    let dir = tempfile::tempdir().unwrap();
    let sample = concat!(env!("CARGO_MANIFEST_DIR"), "/reports/sample/results.json");
    std::fs::copy(sample, dir.path().join("results.json")).unwrap();
    let report_dir = dir.path().to_str().unwrap();
    let commands: &[&[&str]] = &[
        &["list"],
        &["run", "primes", "--size", "3", "--repeat", "1"],
        &["run", "primes", "--size", "3", "--repeat", "1", "--json"],
        &["verify", "--workers", "1"],
        &["serve", "--delay-ms", "0"],
        &["report", "--dir", report_dir],
    ];
    for args in commands {
        // A pipe whose reader is gone before concur starts: its first write fails.
        let (reader, writer) = std::io::pipe().unwrap();
        drop(reader);
        let child = Command::new(CONCUR)
            .args(*args)
            .stdout(writer)
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let done = finish(child, Duration::from_secs(120), &format!("{args:?}"));
        assert_eq!(done.status.code(), Some(141), "{args:?}: {}", done.stderr);
        assert_eq!(done.stderr, "", "{args:?}");
    }
}
