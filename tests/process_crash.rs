//! A worker process killed mid-run fails the run with a clear error, and dropping the model
//! leaves no worker process behind.

use std::path::{Path, PathBuf};
use std::thread;
use std::time::Duration;

use concur::model::{self, ModelConfig};
use concur::run::Prepared;
use concur::workload;

fn alive(pid: u32) -> bool {
    // A reaped process has no /proc entry; a zombie would still show as one, state Z.
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Ok(stat) => !stat.contains(") Z "),
        Err(_) => false,
    }
}

#[test]
fn killed_worker_fails_the_run_and_nothing_is_left_behind() {
    // Both models that run workers: one feeds them from threads, one from its event loop.
    for model in ["process", "async-process"] {
        killed_worker_fails_the_run(model);
    }
}

fn killed_worker_fails_the_run(model: &str) {
    let w = workload::by_name("primes-repeat").unwrap();
    let config = ModelConfig {
        worker_exe: Some(PathBuf::from(env!("CARGO_BIN_EXE_concur"))),
        ..ModelConfig::new(2)
    };
    // Enough work to take far longer than the kill delay.
    let mut cell = Prepared::start(
        w,
        model::by_name(model).unwrap(),
        w.params(Some(5_000)).unwrap(),
        &config,
    )
    .expect("workers start");
    let pids = cell.worker_pids();
    assert_eq!(pids.len(), 2, "{model}");
    assert!(pids.iter().all(|&p| alive(p)), "{model}");
    assert!(Path::new(&format!("/proc/{}", pids[0])).exists());

    let victim = pids[0];
    let killer = thread::spawn(move || {
        thread::sleep(Duration::from_millis(300));
        // SAFETY: sending a signal to a pid we spawned and still own (not yet reaped).
        unsafe { libc::kill(victim as i32, libc::SIGKILL) };
    });
    let record = cell.run();
    killer.join().unwrap();

    assert!(!record.ok, "{model}");
    let errors = record.errors.join("\n");
    assert!(
        errors.contains(&format!("pid {victim}")) && errors.contains("killed by signal 9"),
        "{model}: {errors}"
    );
    drop(cell);
    for pid in pids {
        assert!(!alive(pid), "{model}: worker {pid} survived the executor");
    }
}
