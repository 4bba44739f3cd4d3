//! The async flavour: a tokio task per fetcher and per parser on a multi-thread runtime with
//! one worker per core, joined by the async face of [`Queue`] (the tutorial's crawler retold
//! with `asyncio` + `asyncio.Queue`). Fetches await reqwest; a parse has no await point, so
//! it holds its worker thread until the page is parsed, as a parse in a coroutine holds the
//! event loop. The runtime and the HTTP client are built at start (setup).

use std::future::Future;
use std::hint::black_box;
use std::sync::atomic::AtomicUsize;
use std::sync::Arc;

use super::queue::{Cap, Depth, Producing, Queue};
use super::threads::{take, Fetched, StopOnPanic};
use super::{broke, Flavour, Recorder, Setup, Shape, Stage, Stages};
use crate::error::Result;
use crate::{census, crawl_page, http, os_threads, run};

pub(super) struct Tasks {
    runtime: tokio::runtime::Runtime,
    client: reqwest::Client,
}

impl Tasks {
    pub(super) fn start() -> Result<Tasks> {
        let workers = run::cores();
        let failed = |why: String| broke(Flavour::Async, why);
        os_threads::reserve(workers + 1).map_err(failed)?;
        let runtime = os_threads::build_runtime(move || {
            tokio::runtime::Builder::new_multi_thread()
                .worker_threads(workers)
                .thread_name("crawl-worker")
                .enable_all()
                .build()
        })
        .map_err(failed)?;
        let client = http::async_client().map_err(failed)?;
        Ok(Tasks { runtime, client })
    }
}

/// Everything a task needs, shared.
struct Job {
    setup: Arc<Setup>,
    rec: Arc<Recorder>,
    client: reqwest::Client,
    next: AtomicUsize,
    queue: Queue<Fetched>,
}

impl Job {
    async fn fetch(&self, i: usize) -> std::result::Result<String, String> {
        http::get_async(&self.client, &self.setup.url(i), self.setup.timeout_ms)
            .await
            .map(|reply| super::text(reply.body))
    }

    async fn fetcher(&self, lane: usize) {
        let _producing = Producing(&self.queue);
        while let Some(i) = take(&self.next, self.setup.pages) {
            let start_s = self.rec.now();
            match self.fetch(i).await {
                Ok(body) => {
                    self.rec.span(i, Stage::Fetch, lane, start_s);
                    if self.queue.push_async((i, body)).await.is_err() {
                        break;
                    }
                }
                Err(e) => self.rec.error(i, e),
            }
        }
    }

    async fn parser(&self, lane: usize) {
        let stop = || self.queue.abort();
        let _stop = StopOnPanic(&stop);
        while let Some((i, body)) = self.queue.pop_async().await {
            super::threads::parse(&self.rec, i, &body, lane);
        }
    }

    async fn fused(&self, lane: usize) {
        while let Some(i) = take(&self.next, self.setup.pages) {
            let start_s = self.rec.now();
            match self.fetch(i).await {
                Ok(body) => {
                    let counts = black_box(crawl_page::parse(black_box(&body)));
                    self.rec.span(i, Stage::Both, lane, start_s);
                    self.rec.parsed(i, counts);
                }
                Err(e) => self.rec.error(i, e),
            }
        }
    }
}

impl Stages for Tasks {
    fn run(
        &mut self,
        shape: Shape,
        setup: &Arc<Setup>,
        rec: &Arc<Recorder>,
    ) -> Result<Option<Vec<Depth>>> {
        let (f, p) = (setup.fetchers, setup.parsers);
        let cap = match shape {
            Shape::Pipelined => setup.queue,
            _ => Cap::Unbounded,
        };
        let job = Arc::new(Job {
            setup: Arc::clone(setup),
            rec: Arc::clone(rec),
            client: self.client.clone(),
            next: AtomicUsize::new(0),
            queue: Queue::new(cap, f, rec.clock()),
        });
        let j = &job;
        self.runtime.block_on(async move {
            match shape {
                Shape::InTurn => super::threads::in_turn(&j.setup, &j.rec),
                Shape::Fused => {
                    spawn_all(j, f + p, |job, lane| async move { job.fused(lane).await }).await?;
                    return Ok(None);
                }
                Shape::TwoPhase => {
                    spawn_all(j, f, |job, lane| async move { job.fetcher(lane).await }).await?;
                    spawn_all(j, p, |job, lane| async move { job.parser(f + lane).await }).await?;
                }
                Shape::Pipelined => {
                    spawn_all(j, f + p, |job, lane| async move {
                        match lane < f {
                            true => job.fetcher(lane).await,
                            false => job.parser(lane).await,
                        }
                    })
                    .await?;
                }
            }
            Ok(Some(j.queue.samples()))
        })
    }
}

/// `n` tasks running `body(job, lane)`, each counted, all awaited. A task that panics has
/// aborted the queue (a parser) or said it is done (a fetcher) as it unwound, so no other
/// task waits for it; it fails the run.
async fn spawn_all<F, Fut>(job: &Arc<Job>, n: usize, body: F) -> Result<()>
where
    F: Fn(Arc<Job>, usize) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let handles: Vec<_> = (0..n)
        .map(|lane| {
            census::task_spawned();
            tokio::spawn(body(Arc::clone(job), lane))
        })
        .collect();
    let mut failed = false;
    for handle in handles {
        if handle.await.is_err() {
            job.queue.abort();
            failed = true;
        }
    }
    match failed {
        true => Err(broke(Flavour::Async, "a stage task panicked")),
        false => Ok(()),
    }
}
