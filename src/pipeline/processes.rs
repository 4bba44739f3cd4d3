//! The processes flavour: fetcher threads in this process (waiting on the network needs no
//! process of its own), and each parse sent to a worker process of the `process` model (the
//! tutorial's `threading` for fetches + `multiprocessing` for the CPU work). A parser here is
//! a thread that pops a page and hands it, body and all, to its own worker down a pipe (one
//! JSON line, as a pickled page would go): the serialising is part of the run. The fused shape
//! gives the `process` model F + P workers, each fetching and parsing a page in its process.
//! The workers start at setup and are killed and reaped when the flavour is dropped.

use std::sync::atomic::AtomicUsize;
use std::sync::Arc;
use std::thread;
use std::time::Instant;

use super::queue::{Cap, Depth, Queue};
use super::threads::{fetcher, StopOnPanic};
use super::{broke, Flavour, Recorder, Setup, Shape, Stage, Stages};
use crate::error::Result;
use crate::model::{Collect, Deliver, Executor, Model, ModelConfig, ProcessPool, TaskRun};
use crate::task::Task;

pub(super) struct Processes {
    /// One single-worker `process` executor per parser.
    parsers: Vec<Box<dyn Executor>>,
    /// F + P workers that fetch and parse (the fused shape).
    fused: Box<dyn Executor>,
}

impl Processes {
    pub(super) fn start(setup: &Setup) -> Result<Processes> {
        let config = |workers| ModelConfig {
            worker_exe: setup.worker_exe.clone(),
            ..ModelConfig::new(workers)
        };
        let parsers = (0..setup.parsers)
            .map(|_| ProcessPool.start(&config(1)))
            .collect::<Result<Vec<_>>>()?;
        let fused = ProcessPool.start(&config(setup.fetchers + setup.parsers))?;
        Ok(Processes { parsers, fused })
    }
}

/// Run `tasks` on `executor` and hand back what each did, in the order they finished.
fn call(executor: &mut dyn Executor, tasks: Vec<Task>, clock: Instant) -> Result<Vec<TaskRun>> {
    let sink = Deliver::new(Collect::AsCompleted, clock);
    executor.execute(&Arc::from(tasks), clock, &sink.batch(0))?;
    Ok(sink.finish())
}

/// A stage's thread body.
type Job<'a> = Box<dyn FnOnce() -> Result<()> + Send + 'a>;

/// Every job on a scoped thread of its own, all joined; the first failure is the outcome. A
/// refused thread or a panic calls `stop` at once, so the others are not left waiting on it.
fn together(jobs: Vec<Job<'_>>, stop: &(dyn Fn() + Sync)) -> Result<()> {
    let fail = |why: String| broke(Flavour::Processes, why);
    thread::scope(|scope| {
        let handles: Vec<_> = jobs
            .into_iter()
            .map(|job| {
                thread::Builder::new()
                    .name("crawl-stage".into())
                    .spawn_scoped(scope, job)
                    .inspect_err(|_| stop())
            })
            .collect();
        let mut outcome = Ok(());
        for handle in handles {
            let joined = match handle {
                Ok(h) => h.join().unwrap_or_else(|_| {
                    stop();
                    Err(fail("a stage thread panicked".into()))
                }),
                Err(e) => Err(fail(format!("the OS refused a thread: {e}"))),
            };
            if outcome.is_ok() {
                outcome = joined;
            }
        }
        outcome
    })
}

/// Report a worker's answer for `page` on `lane`: its counts, or why there are none.
fn report(rec: &Recorder, page: usize, stage: Stage, lane: usize, run: TaskRun) {
    let parsed = run.outcome.and_then(|out| {
        out.as_counts()
            .ok_or_else(|| format!("a worker answered {out:?}, not a page's counts"))
    });
    match parsed {
        Ok(counts) => {
            rec.span_at(page, stage, lane, run.span.start_s, run.span.end_s);
            rec.parsed(page, counts);
        }
        Err(e) => rec.error(page, e),
    }
}

impl Stages for Processes {
    fn run(
        &mut self,
        shape: Shape,
        setup: &Arc<Setup>,
        rec: &Arc<Recorder>,
    ) -> Result<Option<Vec<Depth>>> {
        let clock = rec.clock();
        if shape == Shape::Fused {
            let tasks = (0..setup.pages)
                .map(|i| Task::Crawl {
                    url: setup.url(i),
                    timeout_ms: setup.timeout_ms,
                })
                .collect();
            for run in call(&mut *self.fused, tasks, clock)? {
                report(rec, run.span.task, Stage::Both, run.span.lane, run);
            }
            return Ok(None);
        }
        let f = setup.fetchers;
        let cap = match shape {
            Shape::Pipelined => setup.queue,
            _ => Cap::Unbounded,
        };
        let queue = Queue::new(cap, f, clock);
        let next = AtomicUsize::new(0);
        let (q, next, setup, rec) = (&queue, &next, &**setup, &**rec);
        let stop = || queue.abort();
        let stop = &stop;
        let fetchers: Vec<Job> = (0..f)
            .map(|lane| -> Job {
                Box::new(move || {
                    fetcher(setup, rec, next, q, lane);
                    Ok(())
                })
            })
            .collect();
        let parsers: Vec<Job> = self
            .parsers
            .iter_mut()
            .enumerate()
            .map(|(p, executor)| -> Job {
                Box::new(move || {
                    let _stop = StopOnPanic(stop);
                    while let Some((i, body)) = q.pop() {
                        let runs = call(&mut **executor, vec![Task::Parse { body }], clock)
                            .inspect_err(|_| stop())?;
                        for run in runs {
                            report(rec, i, Stage::Parse, f + p, run);
                        }
                    }
                    Ok(())
                })
            })
            .collect();
        match shape {
            Shape::Pipelined => together(fetchers.into_iter().chain(parsers).collect(), stop)?,
            // Two-phase: every page fetched before the first parse.
            _ => together(fetchers, stop).and_then(|()| together(parsers, stop))?,
        }
        Ok(Some(queue.samples()))
    }

    fn worker_pids(&self) -> Vec<u32> {
        let parsers = self.parsers.iter().flat_map(|e| e.worker_pids());
        parsers.chain(self.fused.worker_pids()).collect()
    }
}
