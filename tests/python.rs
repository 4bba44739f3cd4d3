//! The Python side (`concur python`): the tutorials' programs give the workload's known
//! answers, each beside its Rust counterpart, and without a python3 the side says it did not
//! run, why, and how to enable it. Answers and counts only, never timings.
//!
//! Where this machine has a python3 but no package index, the environment cannot be made:
//! then the run must say exactly that (one `Error:` line naming pip), nothing else.

mod support;

use std::process::{Command, Stdio};
use std::time::Duration;

use serde_json::Value;
use support::{finish, CONCUR};

/// Room for making the environment on a first run (pip) and the cells themselves.
const LIMIT: Duration = Duration::from_secs(240);

fn concur_python(args: &[&str], path: Option<&std::ffi::OsStr>) -> support::Finished {
    let mut command = Command::new(CONCUR);
    command
        .arg("python")
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if let Some(path) = path {
        command.env("PATH", path);
    }
    finish(command.spawn().unwrap(), LIMIT, &format!("python {args:?}"))
}

#[test]
fn the_tutorials_programs_give_the_known_answers_beside_rust() {
    let done = concur_python(&["fanout", "api", "--quick", "--json"], None);
    let errors: Vec<&str> = done
        .stderr
        .lines()
        .filter(|l| l.starts_with("Error:"))
        .collect();
    if !done.status.success() {
        // Allowed only where the environment could not be made here.
        assert_eq!(errors.len(), 1, "{}", done.stderr);
        assert!(
            errors[0].contains("did not run") && errors[0].contains("to enable it"),
            "{}",
            done.stderr
        );
        eprintln!("the Python side could not run here: {}", errors[0]);
        return;
    }
    assert!(errors.is_empty(), "{}", done.stderr);
    let cells: Vec<Value> = done
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    // Two workloads, three ways of running each (processes only on `sites`), both languages.
    assert_eq!(cells.len(), 12, "{}", done.stdout);
    let python: Vec<&Value> = cells
        .iter()
        .filter(|c| c["id"]["model"].as_str().unwrap().starts_with("python-"))
        .collect();
    assert_eq!(python.len(), 6);
    for c in &cells {
        assert_eq!(c["ok"], true, "{c}");
        assert_eq!(c["answer"], c["expected"], "{c}");
        assert_eq!(c["id"]["comparison"], "python", "{c}");
        // Each is compared with its own language's in-turn run.
        let model = c["id"]["model"].as_str().unwrap();
        let base = c["baseline"]["model"].as_str().unwrap();
        assert_eq!(
            model.starts_with("python-"),
            base.starts_with("python-"),
            "{c}"
        );
    }
    let fanout = cells
        .iter()
        .find(|c| c["id"]["workload"] == "fanout" && c["id"]["model"] == "python-threads")
        .unwrap();
    assert_eq!(fanout["expected"], "600 bytes");
}

#[test]
fn without_python3_the_side_says_why_and_how_to_enable_it() {
    let empty = tempfile::tempdir().unwrap();
    let done = concur_python(&["sum-squares", "--quick"], Some(empty.path().as_os_str()));
    assert!(!done.status.success());
    let errors: Vec<&str> = done
        .stderr
        .lines()
        .filter(|l| l.starts_with("Error:"))
        .collect();
    assert_eq!(errors.len(), 1, "{}", done.stderr);
    assert!(
        errors[0].contains("no python3 was found on PATH")
            && errors[0].contains("apt install python3"),
        "{}",
        errors[0]
    );
    assert!(!done.stderr.contains("panicked"), "{}", done.stderr);
}
