//! The queue between two stages: a deque under a lock with a capacity (bounded) or none
//! (unbounded), with a blocking face for threads and an async face for tasks, that records
//! its depth at every push and pop.
//!
//! This is what Python's `queue.Queue(maxsize)` is (a deque, a lock, "not full" and "not
//! empty" conditions), and `asyncio.Queue` with futures in place of conditions. It is ours and
//! not `std::sync::mpsc::sync_channel` or `tokio::sync::mpsc` because neither tells its
//! senders how full it is: a depth counted beside them is off by the sends in flight and can
//! read above the cap. Here the depth is read under the lock that changes it, so a bounded
//! queue's samples are never above its cap, and the same instrument serves both faces.
//!
//! The queue ends when its producers have all said [`Queue::done`] and it is empty (a pop
//! returns `None`), or at once when a consumer [`Queue::abort`]s (a push gives its item back),
//! so a stage that died never leaves the other one waiting.

use std::collections::VecDeque;
use std::sync::{Condvar, Mutex, MutexGuard};
use std::time::Instant;

use serde::{Deserialize, Serialize};
use tokio::sync::Notify;

/// How many items a queue holds at most.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(tag = "queue", content = "cap", rename_all = "kebab-case")]
pub enum Cap {
    /// At most this many (1 or more): a producer waits while it is full.
    Bounded(usize),
    /// No limit: producers never wait, and what they make piles up.
    Unbounded,
}

impl std::fmt::Display for Cap {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Cap::Bounded(n) => write!(f, "queue of {n}"),
            Cap::Unbounded => f.write_str("unbounded queue"),
        }
    }
}

/// The queue's depth just after a push or a pop, `t_s` seconds into the run.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Depth {
    pub t_s: f64,
    pub depth: usize,
}

pub struct Queue<T> {
    cap: Cap,
    clock: Instant,
    state: Mutex<State<T>>,
    not_empty: Condvar,
    not_full: Condvar,
    not_empty_async: Notify,
    not_full_async: Notify,
}

struct State<T> {
    items: VecDeque<T>,
    /// Producers that have not said `done` yet.
    producers: usize,
    aborted: bool,
    samples: Vec<Depth>,
}

/// What a try at pushing or popping found.
enum Try<T> {
    Done(T),
    /// Full (push) or empty with producers left (pop): wait and try again.
    Wait,
    /// Aborted (push), or drained with no producer left (pop).
    Over,
}

impl<T> Queue<T> {
    /// A queue of `cap` fed by `producers`, its samples timed from `clock`.
    pub fn new(cap: Cap, producers: usize, clock: Instant) -> Queue<T> {
        Queue {
            cap,
            clock,
            state: Mutex::new(State {
                items: VecDeque::new(),
                producers,
                aborted: false,
                samples: Vec::new(),
            }),
            not_empty: Condvar::new(),
            not_full: Condvar::new(),
            not_empty_async: Notify::new(),
            not_full_async: Notify::new(),
        }
    }

    fn lock(&self) -> MutexGuard<'_, State<T>> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn sample(&self, state: &mut State<T>) {
        let t_s = self.clock.elapsed().as_secs_f64();
        let depth = state.items.len();
        state.samples.push(Depth { t_s, depth });
    }

    fn try_push(&self, item: T) -> Result<(), (T, bool)> {
        let mut state = self.lock();
        if state.aborted {
            return Err((item, true));
        }
        if matches!(self.cap, Cap::Bounded(n) if state.items.len() >= n) {
            return Err((item, false));
        }
        state.items.push_back(item);
        self.sample(&mut state);
        drop(state);
        self.not_empty.notify_one();
        self.not_empty_async.notify_one();
        Ok(())
    }

    fn try_pop(&self) -> Try<T> {
        let mut state = self.lock();
        match state.items.pop_front() {
            Some(item) if !state.aborted => {
                self.sample(&mut state);
                drop(state);
                self.not_full.notify_one();
                self.not_full_async.notify_one();
                Try::Done(item)
            }
            _ if state.aborted || state.producers == 0 => Try::Over,
            _ => Try::Wait,
        }
    }

    /// Put `item` in, waiting (this thread) while the queue is full; the item back if the
    /// queue was aborted.
    pub fn push(&self, mut item: T) -> Result<(), T> {
        loop {
            match self.try_push(item) {
                Ok(()) => return Ok(()),
                Err((back, true)) => return Err(back),
                Err((back, false)) => {
                    item = back;
                    let state = self.lock();
                    let full = matches!(self.cap, Cap::Bounded(n) if state.items.len() >= n);
                    if full && !state.aborted {
                        drop(self.not_full.wait(state));
                    }
                }
            }
        }
    }

    /// Take the oldest item, waiting (this thread) while the queue is empty and a producer is
    /// left; `None` once it is drained and every producer is done, or it was aborted.
    pub fn pop(&self) -> Option<T> {
        loop {
            match self.try_pop() {
                Try::Done(item) => return Some(item),
                Try::Over => return None,
                Try::Wait => {
                    let state = self.lock();
                    if state.items.is_empty() && !state.aborted && state.producers > 0 {
                        drop(self.not_empty.wait(state));
                    }
                }
            }
        }
    }

    /// [`push`](Self::push) for async tasks: waits without holding the thread.
    pub async fn push_async(&self, mut item: T) -> Result<(), T> {
        loop {
            // Registered before trying, so a pop between the try and the wait is not missed.
            let notified = self.not_full_async.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            match self.try_push(item) {
                Ok(()) => return Ok(()),
                Err((back, true)) => return Err(back),
                Err((back, false)) => item = back,
            }
            notified.await;
        }
    }

    /// [`pop`](Self::pop) for async tasks: waits without holding the thread.
    pub async fn pop_async(&self) -> Option<T> {
        loop {
            let notified = self.not_empty_async.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            match self.try_pop() {
                Try::Done(item) => return Some(item),
                Try::Over => return None,
                Try::Wait => {}
            }
            notified.await;
        }
    }

    /// One producer is finished: once all are and the queue is drained, pops end.
    pub fn done(&self) {
        let mut state = self.lock();
        state.producers = state.producers.saturating_sub(1);
        let last = state.producers == 0;
        drop(state);
        if last {
            self.wake_all();
        }
    }

    /// Stop everything now: pushes give their item back and pops end (a stage died).
    pub fn abort(&self) {
        self.lock().aborted = true;
        self.wake_all();
    }

    fn wake_all(&self) {
        self.not_empty.notify_all();
        self.not_full.notify_all();
        self.not_empty_async.notify_waiters();
        self.not_full_async.notify_waiters();
    }

    /// The depth after every push and pop so far, in time order.
    pub fn samples(&self) -> Vec<Depth> {
        self.lock().samples.clone()
    }
}

/// Says [`Queue::done`] for one producer when dropped, however the producer ends.
pub struct Producing<'a, T>(pub &'a Queue<T>);

impl<T> Drop for Producing<'_, T> {
    fn drop(&mut self) {
        self.0.done();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bounded_queue_never_holds_more_than_its_cap_and_ends_when_drained() {
        let queue = Queue::new(Cap::Bounded(2), 3, Instant::now());
        let popped = std::thread::scope(|s| {
            for p in 0..3 {
                let queue = &queue;
                s.spawn(move || {
                    let _producing = Producing(queue);
                    for i in 0..50 {
                        queue.push(p * 100 + i).unwrap();
                    }
                });
            }
            let consumers: Vec<_> = (0..2)
                .map(|_| s.spawn(|| std::iter::from_fn(|| queue.pop()).count()))
                .collect();
            consumers
                .into_iter()
                .map(|c| c.join().unwrap())
                .sum::<usize>()
        });
        assert_eq!(popped, 150);
        let samples = queue.samples();
        assert_eq!(samples.len(), 300);
        assert!(samples.iter().all(|s| s.depth <= 2), "{samples:?}");
        assert!(samples.windows(2).all(|w| w[0].t_s <= w[1].t_s));
    }

    #[test]
    fn an_abort_ends_waiting_pushes_and_pops() {
        let queue = Queue::new(Cap::Bounded(1), 1, Instant::now());
        queue.push(1).unwrap();
        std::thread::scope(|s| {
            let pusher = s.spawn(|| queue.push(2));
            std::thread::sleep(std::time::Duration::from_millis(20));
            queue.abort();
            assert_eq!(pusher.join().unwrap(), Err(2));
        });
        assert_eq!(queue.pop(), None);
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let unbounded = Queue::new(Cap::Unbounded, 1, Instant::now());
        runtime.block_on(async {
            for i in 0..100 {
                unbounded.push_async(i).await.unwrap();
            }
            unbounded.done();
            let mut n = 0;
            while unbounded.pop_async().await.is_some() {
                n += 1;
            }
            assert_eq!(n, 100);
        });
        assert_eq!(unbounded.samples().iter().map(|s| s.depth).max(), Some(100));
    }
}
