//! The Python side: the tutorials' own programs (`python/tutorials.py`: requests with a
//! thread-local Session in a ThreadPoolExecutor, ProcessPoolExecutor, asyncio + aiohttp) run
//! on this machine, against the same mock server, on the same tasks, with the same checked
//! answers as the Rust models, so the Python lessons are measured rather than quoted.
//!
//! Each Python program is a [`Model`] like any other ([`PyModel`]): `start` launches the
//! interpreter with the model's pool, session or event loop (timed as setup, interpreter
//! start included), and `execute` sends it the run's tasks as one JSON line and hands each
//! result to the harness as its line comes back ([`executor`]). So `run::Prepared` checks
//! every Python run against the workload's known answer, exactly as it checks Rust's: the
//! answer has one source of truth, the Rust workload's plan. The models declare their
//! language (`python`), so baselines pair within a language and the report never names them.
//! They are not in [`crate::model::all`]: they need an interpreter, which [`venv`] prepares
//! (a virtual environment under `target/`, keyed by the pinned requirements' hash), and
//! [`side`] runs them beside their Rust counterparts for `cargo bench --bench python` and
//! `concur python`.

pub mod executor;
pub mod side;
pub mod venv;

use crate::error::Result;
use crate::model::{setup_error, Executor, Lane, Model, ModelConfig, Runs, Traits};

/// The language the Python models declare (`ModelInfo::language`).
pub const LANGUAGE: &str = "python";

/// What a Python model declares it creates: the interpreter's own threads, processes and
/// connections are outside this process, where the census does not count.
const CREATES: &str = "nothing counted here: the interpreter (started at setup) makes its own \
                       threads, processes and connections, outside the census";

/// One of the tutorials' programs.
pub struct PyModel {
    name: &'static str,
    /// `--model` of `python/tutorials.py`.
    program: &'static str,
    summary: &'static str,
    python: &'static str,
    use_when: &'static str,
    lane: Lane,
    traits: Traits,
}

/// A plain for loop, one requests.Session.
pub static SEQUENTIAL: PyModel = PyModel {
    name: "python-sequential",
    program: "sequential",
    summary: "CPython: a for loop on one thread, one requests.Session (the Python baseline)",
    python: "for task in tasks: ...",
    use_when: "the Python baseline every Python speedup is measured against",
    lane: Lane::Thread,
    traits: Traits {
        runs: Runs::InTurn,
        shares_memory: true,
        preemptive: true,
        color: "#b3b3b3",
        creates: CREATES,
    },
};

/// ThreadPoolExecutor with thread-local sessions.
pub static THREADS: PyModel = PyModel {
    name: "python-threads",
    program: "threads",
    summary: "CPython: ThreadPoolExecutor(max_workers=W), a thread-local requests.Session each, \
              results by as_completed; the GIL lets one thread run Python at a time",
    python: "ThreadPoolExecutor(max_workers=W) + thread-local requests.Session",
    use_when: "waiting on IO in Python; never CPU work (the GIL)",
    lane: Lane::Thread,
    traits: Traits {
        runs: Runs::ThreadPool,
        shares_memory: true,
        preemptive: true,
        color: "#f3cc80",
        creates: CREATES,
    },
};

/// ProcessPoolExecutor with a Session per process.
pub static PROCESSES: PyModel = PyModel {
    name: "python-processes",
    program: "processes",
    summary: "CPython: ProcessPoolExecutor(max_workers=W, initializer=set_global_session), \
              workers started at setup, tasks and results pickled through pipes",
    python: "ProcessPoolExecutor(max_workers=W, initializer=...)",
    use_when: "CPU work in Python: each process has its own GIL",
    lane: Lane::Process,
    traits: Traits {
        runs: Runs::Processes,
        shares_memory: false,
        preemptive: true,
        color: "#e6b8d3",
        creates: CREATES,
    },
};

/// asyncio + aiohttp, every task gathered on one loop.
pub static ASYNCIO: PyModel = PyModel {
    name: "python-asyncio",
    program: "asyncio",
    summary: "CPython: one asyncio event loop, every task made with create_task and gathered, \
              requests through one aiohttp.ClientSession",
    python: "asyncio.gather + aiohttp.ClientSession",
    use_when: "many requests in flight in Python",
    lane: Lane::Task,
    traits: Traits {
        runs: Runs::EventLoop,
        shares_memory: true,
        preemptive: false,
        color: "#80cfb9",
        creates: CREATES,
    },
};

/// Every Python model, in the order the page lists them.
pub fn models() -> Vec<&'static dyn Model> {
    vec![&SEQUENTIAL, &THREADS, &PROCESSES, &ASYNCIO]
}

impl Model for PyModel {
    fn name(&self) -> &'static str {
        self.name
    }
    fn summary(&self) -> &'static str {
        self.summary
    }
    fn python(&self) -> &'static str {
        self.python
    }
    fn use_when(&self) -> &'static str {
        self.use_when
    }
    fn lane(&self) -> Lane {
        self.lane
    }
    fn traits(&self) -> Traits {
        self.traits
    }
    fn language(&self) -> Option<&'static str> {
        Some(LANGUAGE)
    }
    fn workers(&self, config: &ModelConfig, _tasks: usize) -> usize {
        if self.traits.runs.one_thread() {
            1
        } else {
            config.workers
        }
    }
    fn in_flight(&self, config: &ModelConfig, tasks: usize) -> usize {
        let natural = if self.traits.runs == Runs::EventLoop {
            tasks
        } else {
            self.workers(config, tasks)
        };
        config
            .in_flight
            .map_or(natural, |cap| natural.min(cap))
            .max(1)
    }
    /// `config.worker_exe` is the interpreter of the virtual environment [`venv`] prepared.
    fn start(&self, config: &ModelConfig) -> Result<Box<dyn Executor>> {
        if config.in_flight.is_some() {
            return Err(setup_error(
                self.name,
                "the Python programs run as the tutorials wrote them: no --concurrency",
            ));
        }
        let python = config.worker_exe.as_ref().ok_or_else(|| {
            setup_error(
                self.name,
                "no Python interpreter given (the Python side prepares one: `concur python`)",
            )
        })?;
        let workers = self.workers(config, 1);
        let executor = executor::PyExecutor::start(self.name, python, self.program, workers)?;
        Ok(Box::new(executor))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn python_models_declare_their_language_and_one_each_way_of_running() {
        let models = models();
        for m in &models {
            assert_eq!(m.info().language.as_deref(), Some(LANGUAGE));
            assert!(crate::model::by_name(m.name()).is_err(), "{}", m.name());
        }
        let baselines = models
            .iter()
            .filter(|m| m.traits().runs == Runs::InTurn)
            .count();
        assert_eq!(baselines, 1);
        let err = SEQUENTIAL.start(&ModelConfig::new(1)).err().unwrap();
        assert!(err.to_string().contains("no Python interpreter"), "{err}");
    }
}
