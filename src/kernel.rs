//! The CPU kernels: the functions CPU tasks run, and nothing else.
//!
//! A kernel is a plain function from numbers to a number: no IO, no allocation, no shared
//! state, so the same call costs the same under every model and in every process. Each is
//! deliberately the textbook loop (trial division, element-by-element sums), so the work per
//! task is large and predictable. [`crate::task`] dispatches a task to its kernel; the
//! workloads know the answers by formula or fixture, never by calling a kernel.
//!
//! Why `std::hint::black_box`: LLVM recognises Σ i and Σ i² loops and replaces them by the
//! closed formula, and it can constant-fold a kernel whose input it can see. Passing the input
//! (and, for the sums, every element) through `black_box` keeps the loop a loop, so a run times
//! real work. `tests/matrix.rs` checks that answers follow inputs.
//!
//! This module imports nothing from the crate: tasks and workloads depend on it, not the other
//! way round.

/// Trial division by 2 and the odd numbers up to √n: deliberately the textbook algorithm, so
/// the work per number is large and predictable. `black_box` keeps `n` opaque to the optimiser.
pub fn is_prime(n: u64) -> bool {
    let n = std::hint::black_box(n);
    if n < 2 {
        return false;
    }
    if n.is_multiple_of(2) {
        return n == 2;
    }
    let limit = n.isqrt();
    let mut d = 3;
    while d <= limit {
        if n.is_multiple_of(d) {
            return false;
        }
        d += 2;
    }
    true
}

/// Σ i² for i in `start..end`, one element at a time (`black_box` per element stops LLVM
/// using the formula).
pub fn sum_squares(start: u64, end: u64) -> u128 {
    let mut acc: u128 = 0;
    for i in start..end {
        let x = std::hint::black_box(i) as u128;
        acc += x * x;
    }
    acc
}

/// Σ i for i in 0..=n, one element at a time (`black_box` stops LLVM using the formula).
pub fn sum_to(n: u64) -> u128 {
    let mut acc: u128 = 0;
    for i in 0..=n {
        acc += std::hint::black_box(i) as u128;
    }
    acc
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_primes() {
        let primes: Vec<u64> = (0..30).filter(|&n| is_prime(n)).collect();
        assert_eq!(primes, [2, 3, 5, 7, 11, 13, 17, 19, 23, 29]);
    }

    #[test]
    fn sums_match_their_formulas() {
        // Independent closed forms, written out here so the kernels are checked against
        // something other than the workloads that use them.
        for n in [0u64, 1, 2, 999, 12_345, 200_000] {
            let n128 = n as u128;
            assert_eq!(sum_to(n), n128 * (n128 + 1) / 2, "sum_to({n})");
            let squares = if n == 0 {
                0
            } else {
                (n128 - 1) * n128 * (2 * n128 - 1) / 6
            };
            assert_eq!(sum_squares(0, n), squares, "sum_squares(0, {n})");
        }
        assert_eq!(sum_squares(10, 13), 100 + 121 + 144);
    }
}
