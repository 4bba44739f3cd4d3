//! The command line: listings, JSON output, and one clear error line for every bad input.

use std::process::{Command, Output};

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
