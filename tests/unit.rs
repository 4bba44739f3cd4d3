//! The unit probes: every answer checked (spawn under every model, sleepers under the models
//! that hold every unit, pingpong's count under each kind of lane), the gate really holding N
//! units at once, the failing N under an injected thread limit, and the CLI's lines. No
//! timing is asserted: only counts, answers and what is said.

mod support;

use std::path::PathBuf;
use std::process::Command;

use concur::model::{self, ModelConfig, Runs};
use concur::unit::pingpong::{self, Flavour};
use concur::unit::sleepers::{self, Caps};
use concur::unit::{spawn, Options, Plan, Probe};
use support::CONCUR;

fn config() -> ModelConfig {
    ModelConfig {
        worker_exe: Some(PathBuf::from(CONCUR)),
        ..ModelConfig::new(2)
    }
}

#[test]
fn spawn_answers_under_every_model_and_counts_what_it_creates() {
    for m in model::all() {
        let row = spawn::measure(m, 200, 1, &config());
        assert!(row.ok, "{}: {:?}", m.name(), row.errors);
        assert_eq!(row.answer.as_deref(), Some("19900"), "{}", m.name());
        assert!(row.per_unit_s.is_some_and(|t| t > 0.0), "{}", m.name());
        if m.traits().runs == Runs::ThreadPerTask && concur::census::counts_threads() {
            // The census is process-wide: other tests here may start threads meanwhile.
            assert!(row.census.threads >= 200, "one thread per empty task");
        }
        if m.traits().runs == Runs::EventLoop {
            assert!(row.census.tasks >= 200, "one async task per empty task");
        }
    }
}

#[test]
fn sleepers_hold_every_unit_at_once_and_fit_a_slope() {
    let holding: Vec<_> = model::all()
        .into_iter()
        .filter(|m| sleepers::holds_every_unit(m.traits().runs))
        .collect();
    assert_eq!(holding.len(), 3, "threads, async, async-mt");
    let caps = Caps {
        max_units: 1_600,
        memory_bytes: 1 << 30,
        step_s: 60.0,
    };
    for m in holding {
        let row = sleepers::climb(m, caps, &config());
        assert!(row.ok && row.fails_at.is_none(), "{}: {row:?}", m.name());
        let units: Vec<u64> = row.points.iter().map(|p| p.units).collect();
        assert_eq!(units, vec![100, 400, 1600], "{}", m.name());
        let fit = row.fit.expect("three points fit a line");
        assert_eq!(fit.points, 3);
        assert!(row
            .stopped
            .as_deref()
            .is_some_and(|s| s.contains("not reached up to N=1600")));
    }
}

#[test]
fn a_unit_waits_until_all_are_alive_so_every_thread_is_alive_at_once() {
    // Every unit returns its arrival index: the answer is Σ 0..N only if each arrived once,
    // and the threads model then had all N threads alive together (none could end before
    // the last one arrived).
    let threads = model::by_name("threads").unwrap();
    let caps = Caps {
        max_units: 300,
        memory_bytes: 1 << 30,
        step_s: 60.0,
    };
    let row = sleepers::climb(threads, caps, &config());
    assert!(row.ok, "{row:?}");
    assert_eq!(
        row.points.iter().map(|p| p.units).collect::<Vec<_>>(),
        vec![100, 300]
    );
}

#[test]
fn sleepers_refuse_models_that_cannot_hold_every_unit() {
    let opts = |models: &str| Options {
        models: models.into(),
        workers: Some(2),
        size: Some(400),
        repeat: 1,
        exe: None,
    };
    for name in [
        "sequential",
        "pool",
        "process",
        "async-blocking",
        "async-naive",
    ] {
        let err = Plan::new(Probe::Sleepers, &opts(name)).err().expect(name);
        assert!(
            err.to_string().contains("never holds every unit"),
            "{name}: {err}"
        );
    }
    let all = Plan::new(Probe::Sleepers, &opts("all")).unwrap();
    let names: Vec<&str> = all.models.iter().map(|m| m.name()).collect();
    assert_eq!(
        names.last(),
        Some(&"threads"),
        "a thread per unit climbs last: {names:?}"
    );
}

#[test]
fn pingpong_counts_to_two_k_between_processes_too() {
    for flavour in Flavour::ALL {
        let row = pingpong::measure(flavour, 300, 2, Some(std::path::Path::new(CONCUR)));
        assert!(row.ok, "{flavour:?}: {:?}", row.errors);
        assert_eq!(row.token, Some(600), "{flavour:?}");
        assert_eq!(row.expected, 600);
        if flavour == Flavour::Processes {
            assert!(row.census.processes >= 1);
        }
    }
}

fn concur(args: &[&str], env: Option<(&str, &str)>) -> (bool, String, String) {
    let mut cmd = Command::new(CONCUR);
    cmd.args(args);
    if let Some((k, v)) = env {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn the_failing_n_is_reported_with_the_os_reason_under_a_thread_limit() {
    let (ok, out, err) = concur(
        &["run", "sleepers", "--models", "threads", "--size", "1600"],
        Some(("CONCUR_FAULT_THREADS", "150")),
    );
    assert!(
        ok,
        "reaching the OS's limit is the finding, not an error: {out}{err}"
    );
    assert!(out.contains("N=100 "), "{out}");
    assert!(out.contains("fails at N=400"), "{out}");
    assert!(out.contains("the OS refused thread"), "{out}");
    assert!(out.contains("Resource temporarily unavailable"), "{out}");
}

#[test]
fn the_cli_prints_per_unit_figures_beside_the_published_ones() {
    let (ok, out, err) = concur(
        &[
            "run",
            "spawn",
            "--size",
            "300",
            "--repeat",
            "1",
            "--models",
            "threads,async",
        ],
        None,
    );
    assert!(ok, "{out}{err}");
    assert!(out.contains("✓ 44850"), "{out}");
    assert!(out.contains("a thread (spawn + join) costs"), "{out}");
    assert!(out.contains("published figures beside ours"), "{out}");
    assert!(out.contains("jimblandy/context-switch"), "{out}");

    let (ok, out, err) = concur(
        &[
            "run", "pingpong", "--size", "100", "--repeat", "1", "--json",
        ],
        None,
    );
    assert!(ok, "{out}{err}");
    let rows: Vec<serde_json::Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(
        rows.len(),
        5,
        "four kinds of lane and the published line: {out}"
    );
    for r in &rows[..4] {
        assert_eq!(r["ok"], true, "{r}");
        assert_eq!(r["token"], 200, "{r}");
    }
    assert_eq!(rows[4]["probe"], "published");
}
