//! `--fail-rate`: which replies are an injected 503. Every endpoint that takes faults has a
//! [`Faults`] counter of its own, so the failing set is spread over every endpoint (one counter
//! shared by all of them, met in a fixed order, always failed the same endpoint: on `sites` at
//! 0.5, every small page and no big one). Deterministic, whatever order requests arrive in:
//! exactly ⌊n·p⌋ of an endpoint's first n requests fail.

use std::sync::atomic::{AtomicU64, Ordering};

/// One endpoint's fault counter: its request i (counted from 0) fails when
/// ⌊(i+1)·p⌋ > ⌊i·p⌋, so exactly ⌊n·p⌋ of its first n requests fail, for every n.
///
/// No phase offset between endpoints: an offset φ would fail ⌊(n+φ)·p⌋ − ⌊φ·p⌋ of n, which
/// is ⌊n·p⌋ or one more, and the count would no longer be exact.
#[derive(Debug)]
pub(super) struct Faults {
    per_million: u64,
    seen: AtomicU64,
}

impl Faults {
    /// A counter failing the share `rate` (0.0 to 1.0, checked by the caller).
    pub(super) fn new(rate: f64) -> Faults {
        Faults {
            per_million: (rate * 1e6).round() as u64,
            seen: AtomicU64::new(0),
        }
    }

    /// Count one request; whether it is one to fail.
    pub(super) fn next_fails(&self) -> bool {
        let i = self.seen.fetch_add(1, Ordering::Relaxed);
        (i + 1) * self.per_million / 1_000_000 > i * self.per_million / 1_000_000
    }

    /// Start counting from request 0 again.
    pub(super) fn reset(&self) {
        self.seen.store(0, Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fails_exactly_the_share_asked_for_after_every_request() {
        for rate in [0.0, 0.1, 0.25, 0.5, 0.75, 1.0] {
            let faults = Faults::new(rate);
            let mut failed = 0;
            for n in 1..=200u64 {
                failed += u64::from(faults.next_fails());
                assert_eq!(failed, (n as f64 * rate).floor() as u64, "{rate}, n = {n}");
            }
        }
    }

    #[test]
    fn reset_starts_the_count_again() {
        let faults = Faults::new(0.5);
        let first: Vec<bool> = (0..6).map(|_| faults.next_fails()).collect();
        faults.reset();
        let again: Vec<bool> = (0..6).map(|_| faults.next_fails()).collect();
        assert_eq!(first, again);
        assert_eq!(first, [false, true, false, true, false, true]);
    }
}
