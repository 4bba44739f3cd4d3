//! [`Runs`]: how a model declares it runs its tasks (in turn, on threads, on a pool, in worker
//! processes, on an event loop of one kind or another). The baseline, the ideal's lanes, the
//! contract's rules and the report's sentences all read this, never a model's name.

use serde::{Deserialize, Serialize};

/// How a model runs the tasks it is given: what the baseline choice, the ideal and the
/// report's rules read, never the model's name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Runs {
    /// One task after another on one thread: the baseline every speedup is measured against.
    InTurn,
    /// A new OS thread for every task.
    ThreadPerTask,
    /// A fixed pool of W OS threads, built once.
    ThreadPool,
    /// W worker processes; tasks and answers cross a pipe.
    Processes,
    /// One event loop on one thread: tasks overlap only while they wait.
    EventLoop,
    /// An event loop on W threads (a work-stealing runtime).
    EventLoopThreads,
    /// An event loop handing every task to a blocking pool of W threads.
    EventLoopToPool,
    /// An event loop handing every task to W worker processes, over pipes it reads itself.
    EventLoopToProcesses,
    /// One event loop whose tasks are spawned as if concurrent but call blocking code, so
    /// each holds the only thread until it is done: tasks never overlap. A mistake, kept as
    /// a lesson; its ideal is what a correct event loop would get.
    EventLoopBlocked,
    /// One event loop that awaits each task before starting the next: async syntax, tasks in
    /// turn. Never the baseline (that is [`Runs::InTurn`], on the calling thread, no runtime).
    EventLoopInTurn,
}

impl Runs {
    /// True for the ways of running that use one thread for all the tasks' computing, so CPU
    /// work can never go faster than in turn.
    pub fn one_thread(self) -> bool {
        matches!(
            self,
            Runs::InTurn | Runs::EventLoop | Runs::EventLoopBlocked | Runs::EventLoopInTurn
        )
    }

    /// True for the ways of running that never have two tasks going at once, whatever the
    /// work: in turn on purpose, or an event loop blocked by its tasks or awaiting them in
    /// turn. Such a model takes the in-turn time, whatever its ideal says it could have done.
    pub fn one_at_a_time(self) -> bool {
        matches!(
            self,
            Runs::InTurn | Runs::EventLoopBlocked | Runs::EventLoopInTurn
        )
    }

    /// True for the event-loop family (async models).
    pub fn event_loop(self) -> bool {
        match self {
            Runs::InTurn | Runs::ThreadPerTask | Runs::ThreadPool | Runs::Processes => false,
            Runs::EventLoop
            | Runs::EventLoopThreads
            | Runs::EventLoopToPool
            | Runs::EventLoopToProcesses
            | Runs::EventLoopBlocked
            | Runs::EventLoopInTurn => true,
        }
    }

    /// True for the ways of running that compute on a fixed set of W lanes (pool threads or
    /// worker processes): every task runs on a lane below W.
    pub fn on_w_lanes(self) -> bool {
        matches!(
            self,
            Runs::ThreadPool | Runs::Processes | Runs::EventLoopToPool | Runs::EventLoopToProcesses
        )
    }

    /// True for the ways of running whose tasks run in worker processes (pipes, no shared
    /// memory).
    pub fn worker_processes(self) -> bool {
        matches!(self, Runs::Processes | Runs::EventLoopToProcesses)
    }

    /// How the report says it, in a few words.
    pub fn describe(self) -> &'static str {
        match self {
            Runs::InTurn => "in turn",
            Runs::ThreadPerTask => "a thread per task",
            Runs::ThreadPool => "a thread pool",
            Runs::Processes => "worker processes",
            Runs::EventLoop => "one event loop",
            Runs::EventLoopThreads => "an event loop on W threads",
            Runs::EventLoopToPool => "an event loop handing work to a blocking pool",
            Runs::EventLoopToProcesses => "an event loop handing work to worker processes",
            Runs::EventLoopBlocked => "one event loop blocked by every task",
            Runs::EventLoopInTurn => "one event loop awaiting each task in turn",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALL: [Runs; 10] = [
        Runs::InTurn,
        Runs::ThreadPerTask,
        Runs::ThreadPool,
        Runs::Processes,
        Runs::EventLoop,
        Runs::EventLoopThreads,
        Runs::EventLoopToPool,
        Runs::EventLoopToProcesses,
        Runs::EventLoopBlocked,
        Runs::EventLoopInTurn,
    ];

    #[test]
    fn the_kinds_say_consistent_things() {
        for runs in ALL {
            // One task at a time needs no more than one thread.
            assert!(!runs.one_at_a_time() || runs.one_thread(), "{runs:?}");
            // W lanes and one thread exclude each other; processes run on W lanes.
            assert!(!(runs.on_w_lanes() && runs.one_thread()), "{runs:?}");
            assert!(!runs.worker_processes() || runs.on_w_lanes(), "{runs:?}");
            // Every kind is said differently.
            let same = ALL.iter().filter(|r| r.describe() == runs.describe());
            assert_eq!(same.count(), 1, "{runs:?}");
        }
        let as_json = serde_json::to_string(&Runs::EventLoopToProcesses).unwrap();
        assert_eq!(as_json, "\"event-loop-to-processes\"");
    }
}
