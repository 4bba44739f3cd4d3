//! The Python side's interpreter, with zero set-up for the user: a `python3` found on `PATH`, a
//! virtual environment of concur's own under `target/concur/python/venv-<hash>` (the hash of
//! the pinned `python/requirements.txt` and the interpreter's version, so a second run reuses
//! it and a changed pin makes a new one), the requirements installed by its pip, and the
//! tutorials' program written beside it. Whatever stops it (no `python3`, no `venv` module,
//! no package index) is a [`NotRun`]: the reason, and the one command that would enable it.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Instant;

use crate::tutorials::NotRun;

/// The pinned requirements, as the binary carries them.
pub const REQUIREMENTS: &str = include_str!("../../python/requirements.txt");
/// The tutorials' programs, as the binary carries them.
pub const SCRIPT: &str = include_str!("../../python/tutorials.py");
/// The program's file name inside the environment.
const SCRIPT_NAME: &str = "concur_tutorials.py";
/// Written last: an environment without it was interrupted and is made again.
const READY_MARK: &str = ".concur-ready";

/// A prepared interpreter.
#[derive(Clone, Debug)]
pub struct Interpreter {
    /// The environment's `bin/python`: what the Python models start.
    pub python: PathBuf,
    /// `Python 3.11.7 (requests 2.32.3, aiohttp 3.10.10)`.
    pub describe: String,
    /// Seconds spent creating the environment now (`None`: it was already there).
    pub created_s: Option<f64>,
}

/// Where the tutorials' program lies for the interpreter `python` (`<env>/bin/python`).
pub fn script_of(python: &Path) -> PathBuf {
    let env = python
        .parent()
        .and_then(Path::parent)
        .unwrap_or(Path::new("."));
    env.join(SCRIPT_NAME)
}

/// The first `python3` on `path` (a `PATH`-style list), if any.
pub fn find_python3(path: &std::ffi::OsStr) -> Option<PathBuf> {
    std::env::split_paths(path)
        .map(|dir| dir.join("python3"))
        .find(|p| is_executable(p))
}

fn is_executable(p: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    p.metadata()
        .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

/// Prepare the interpreter under `dir` (usually `target/concur/python`), with `PATH` as given.
pub fn prepare(dir: &Path, path: &std::ffi::OsStr) -> Result<Interpreter, NotRun> {
    let python3 = find_python3(path).ok_or_else(|| NotRun {
        reason: "no python3 was found on PATH".into(),
        enable: "install Python 3 with its venv module (Debian/Ubuntu: `apt install python3 \
                 python3-venv`), then run `cargo bench` again"
            .into(),
    })?;
    let version = run(Command::new(&python3).args([
        "-c",
        "import sys; print(sys.version.split()[0]); sys.exit(sys.version_info < (3, 8))",
    ]))
    .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
    .map_err(|why| NotRun {
        reason: format!("{} is not a Python 3.8 or later: {why}", python3.display()),
        enable: "install Python 3.8 or later as python3, then run `cargo bench` again".into(),
    })?;
    let env = dir.join(format!("venv-{:016x}", fnv1a(&[REQUIREMENTS, &version])));
    let python = env.join("bin").join("python");
    let began = Instant::now();
    let mut created_s = None;
    if !env.join(READY_MARK).is_file() {
        let _ = std::fs::remove_dir_all(&env);
        create(&python3, &env, &python)?;
        created_s = Some(began.elapsed().as_secs_f64());
    }
    let script = script_of(&python);
    if std::fs::read_to_string(&script).ok().as_deref() != Some(SCRIPT) {
        crate::files::write_atomic(&script, SCRIPT.as_bytes()).map_err(|e| NotRun {
            reason: format!("could not write {}: {e}", script.display()),
            enable: format!("make {} writable", dir.display()),
        })?;
    }
    let pins: Vec<&str> = REQUIREMENTS
        .lines()
        .filter(|l| !l.trim_start().starts_with('#') && l.contains("=="))
        .collect();
    Ok(Interpreter {
        python,
        describe: format!("Python {version} ({})", pins.join(", ").replace("==", " ")),
        created_s,
    })
}

/// `python3 -m venv env`, then its pip installs the requirements, then the ready mark.
fn create(python3: &Path, env: &Path, python: &Path) -> Result<(), NotRun> {
    let shown = env.display();
    run(Command::new(python3).arg("-m").arg("venv").arg(env)).map_err(|why| NotRun {
        reason: format!("`python3 -m venv` could not make an environment: {why}"),
        enable: format!(
            "install the venv module (Debian/Ubuntu: `apt install python3-venv`), or make it \
             yourself: `python3 -m venv {shown}`"
        ),
    })?;
    let requirements = env.join("requirements.txt");
    let written = crate::files::write_atomic(&requirements, REQUIREMENTS.as_bytes());
    let pip = || {
        written.as_ref().map_err(|e| e.to_string())?;
        run(Command::new(python)
            .args([
                "-m",
                "pip",
                "install",
                "--quiet",
                "--disable-pip-version-check",
            ])
            .args(["--timeout", "15", "--retries", "1", "-r"])
            .arg(&requirements))
    };
    pip().map_err(|why| NotRun {
        reason: format!("pip could not install python/requirements.txt: {why}"),
        enable: format!(
            "with a package index reachable: `{} -m pip install -r python/requirements.txt`, \
             then `touch {}/{READY_MARK}`",
            python.display(),
            shown
        ),
    })?;
    std::fs::write(env.join(READY_MARK), b"").map_err(|e| NotRun {
        reason: format!("could not mark {shown} ready: {e}"),
        enable: format!("make {shown} writable"),
    })
}

/// Run a command to its end (dying with us), its output kept; an error is its last words.
fn run(command: &mut Command) -> Result<Output, String> {
    command.stdin(Stdio::null());
    crate::spawn::die_with_parent(command);
    let out = command.output().map_err(|e| e.to_string())?;
    if out.status.success() {
        return Ok(out);
    }
    let text = String::from_utf8_lossy(&out.stderr);
    let last = text.lines().rev().find(|l| !l.trim().is_empty());
    Err(format!(
        "{} ({})",
        last.map_or("no message", str::trim),
        out.status
    ))
}

/// FNV-1a over `parts`: a stable hash for the environment's name.
fn fnv1a(parts: &[&str]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in parts.iter().flat_map(|p| p.bytes().chain([0])) {
        h ^= u64::from(byte);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn without_python3_on_path_it_says_why_and_how() {
        let dir = std::env::temp_dir().join(format!("concur-venv-{}", std::process::id()));
        let not = prepare(&dir, std::ffi::OsStr::new("/nonexistent")).unwrap_err();
        assert!(not.reason.contains("no python3"), "{not:?}");
        assert!(not.enable.contains("apt install python3"), "{not:?}");
        assert!(!dir.exists());
    }

    #[test]
    fn the_name_follows_the_pins() {
        assert_ne!(fnv1a(&["a==1", "3.11"]), fnv1a(&["a==2", "3.11"]));
        assert_ne!(fnv1a(&["ab", ""]), fnv1a(&["a", "b"]));
        let script = script_of(Path::new("/t/venv-1/bin/python"));
        assert_eq!(script, Path::new("/t/venv-1/concur_tutorials.py"));
    }
}
