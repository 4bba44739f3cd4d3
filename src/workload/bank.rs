//! `bank`: the threading tutorial's account. The balance opens at 1000; two withdrawals of 800
//! each check the balance, pause (`--size` ms; the tutorial's `time.sleep(0.1)` by default)
//! and then take the money. Run twice in one plan: on an unsynchronised account (check and
//! update are two separate atomic steps) and on one whose lock is held across check, pause
//! and update (see [`crate::shared`]).
//!
//! What the answer is depends on the model, and follows from what it declares
//! ([`Workload::expected_under`]), never from its name:
//! - lanes that share memory and overlap (threads, a pool, event loops, which race across the
//!   `.await` in the pause): both unsynchronised withdrawals pass the check, the balance ends
//!   at -600; with the lock, one is refused and it ends at 200;
//! - one task at a time (in turn, a blocked or in-turn event loop, one lane): 200 and one
//!   refusal even unsynchronised;
//! - worker processes: each withdrawal changes its own process's copy (200 each, with two in
//!   flight), and the parent's account is never opened: still 1000.

use std::collections::BTreeMap;

use super::{Answer, Kind, Params, Plan, Setting, Sizes, Workload};
use crate::error::{Error, Result};
use crate::shared::{self, Withdrawal};
use crate::task::{Output, Task};

/// The tutorial's opening balance and withdrawal.
pub const OPENING: i64 = 1000;
pub const AMOUNT: i64 = 800;
/// Withdrawals per account.
const WITHDRAWALS: usize = 2;

pub struct Bank;

/// One account's outcome: how many withdrawals passed, and where its balance ended.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Outcome {
    accepted: usize,
    refused: usize,
    /// The parent's account (the only one, when memory is shared).
    parent: i64,
    /// With copies: each process's final balance, in ascending order; empty when shared.
    copies: Vec<i64>,
}

impl Outcome {
    fn say(&self, label: &str) -> String {
        let (a, r) = (self.accepted, self.refused);
        match self.copies.as_slice() {
            [] => format!(
                "{label}: {a} accepted, {r} refused, balance {}",
                self.parent
            ),
            copies => {
                let list: Vec<String> = copies.iter().map(i64::to_string).collect();
                let noun = if copies.len() == 1 { "copy" } else { "copies" };
                format!(
                    "{label}: {a} accepted, {r} refused, in {} {noun} ({}), the parent's {}",
                    copies.len(),
                    list.join(", "),
                    self.parent
                )
            }
        }
    }
}

const LABELS: [&str; 2] = ["unsynchronised", "locked"];

fn answer_of(outcomes: &[Outcome]) -> Answer {
    let parts: Vec<String> = outcomes
        .iter()
        .zip(LABELS)
        .map(|(o, label)| o.say(label))
        .collect();
    Answer(parts.join("; "))
}

/// What `n` withdrawals one after another do to one account: the first ones pass while the
/// balance allows.
fn in_turn(n: usize) -> (usize, i64) {
    let accepted = (0..n)
        .take_while(|&i| OPENING - AMOUNT * (i as i64 + 1) >= 0)
        .count();
    (accepted, OPENING - AMOUNT * accepted as i64)
}

impl Workload for Bank {
    fn name(&self) -> &'static str {
        "bank"
    }
    fn summary(&self) -> &'static str {
        "two withdrawals of 800 from 1000 with a pause between check and update, unsynchronised and locked"
    }
    fn kind(&self) -> Kind {
        Kind::Wait
    }
    fn sizes(&self) -> Sizes {
        Sizes {
            unit: "ms paused between a withdrawal's check and its update",
            default: 100,
            small: 50,
            max: 10_000,
        }
    }

    fn plan(&self, params: &Params) -> Result<Plan> {
        let tasks: Vec<Task> = [false, true]
            .iter()
            .enumerate()
            .flat_map(|(slot, &locked)| {
                std::iter::repeat_n(
                    Task::Withdraw {
                        state: 0,
                        slot: slot as u32,
                        opening: OPENING,
                        amount: AMOUNT,
                        pause_ms: params.size,
                        locked,
                    },
                    WITHDRAWALS,
                )
            })
            .collect();
        let one = Setting {
            shares_memory: true,
            overlaps: false,
            in_flight: 1,
            lanes: 1,
            batches: vec![tasks.len()],
        };
        let mut plan = Plan {
            floors_s: vec![params.size as f64 / 1e3; tasks.len()],
            tasks,
            expected: Answer(String::new()),
        };
        // The plan's own answer: in turn, as the tutorial meant it to go.
        plan.expected = self.expected_under(&plan, &one)?;
        Ok(plan)
    }

    fn expected_under(&self, _plan: &Plan, setting: &Setting) -> Result<Answer> {
        let mut outcomes = Vec::new();
        for (slot, locked) in [false, true].into_iter().enumerate() {
            let first = slot * WITHDRAWALS;
            let together = setting.together(first, first + WITHDRAWALS - 1);
            let outcome = if setting.shares_memory {
                let (accepted, parent) = match (together, locked) {
                    (true, false) => (WITHDRAWALS, OPENING - AMOUNT * WITHDRAWALS as i64),
                    _ => in_turn(WITHDRAWALS),
                };
                Outcome {
                    accepted,
                    refused: WITHDRAWALS - accepted,
                    parent,
                    copies: Vec::new(),
                }
            } else if together {
                // Under way at once, so in different workers: a copy each.
                Outcome {
                    accepted: WITHDRAWALS,
                    refused: 0,
                    parent: OPENING,
                    copies: vec![OPENING - AMOUNT; WITHDRAWALS],
                }
            } else if setting.lanes == 1 {
                let (accepted, copy) = in_turn(WITHDRAWALS);
                Outcome {
                    accepted,
                    refused: WITHDRAWALS - accepted,
                    parent: OPENING,
                    copies: vec![copy],
                }
            } else {
                return Err(Error::InvalidInput(format!(
                    "bank under worker processes, one withdrawal at a time on {} workers: which \
                     worker takes each is up to the OS, so the answer cannot be known; drop \
                     --batch, or use --workers 1",
                    setting.lanes
                )));
            };
            outcomes.push(outcome);
        }
        Ok(answer_of(&outcomes))
    }

    fn answer(&self, outputs: &[Output]) -> std::result::Result<Answer, String> {
        let here = std::process::id();
        let mut outcomes = Vec::new();
        for (slot, chunk) in outputs.chunks(WITHDRAWALS).enumerate() {
            let ws: Vec<Withdrawal> = chunk
                .iter()
                .enumerate()
                .map(|(i, o)| match o {
                    Output::Withdrawal(w) => Ok(*w),
                    other => Err(format!(
                        "task {} returned {other:?}, expected a withdrawal",
                        slot * WITHDRAWALS + i
                    )),
                })
                .collect::<std::result::Result<_, _>>()?;
            let state = ws.first().map_or(0, |w| w.state);
            let accepted = ws.iter().filter(|w| w.accepted).count();
            // The parent's account, as this process holds it: never opened when every
            // withdrawal ran in a worker.
            let parent = shared::balance(state, slot as u32).unwrap_or(OPENING);
            let mut copies: BTreeMap<u32, i64> = BTreeMap::new();
            for w in ws.iter().filter(|w| w.pid != here) {
                let copy = copies.entry(w.pid).or_insert(w.balance);
                *copy = (*copy).min(w.balance);
            }
            let mut copies: Vec<i64> = copies.into_values().collect();
            copies.sort_unstable();
            outcomes.push(Outcome {
                accepted,
                refused: ws.len() - accepted,
                parent,
                copies,
            });
        }
        if outcomes.len() != LABELS.len() {
            return Err(format!(
                "{} withdrawals, expected {}",
                outputs.len(),
                LABELS.len() * WITHDRAWALS
            ));
        }
        Ok(answer_of(&outcomes))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn setting(shares_memory: bool, overlaps: bool, in_flight: usize, lanes: usize) -> Setting {
        Setting {
            shares_memory,
            overlaps,
            in_flight,
            lanes,
            batches: vec![4],
        }
    }

    fn expected(s: &Setting) -> Result<Answer> {
        let plan = Bank.plan(&Bank.params(Some(50)).unwrap()).unwrap();
        Bank.expected_under(&plan, s)
    }

    #[test]
    fn the_expected_answer_follows_what_a_model_shares_and_overlaps() {
        let race = "unsynchronised: 2 accepted, 0 refused, balance -600; \
                    locked: 1 accepted, 1 refused, balance 200";
        let calm = "unsynchronised: 1 accepted, 1 refused, balance 200; \
                    locked: 1 accepted, 1 refused, balance 200";
        // Threads, a pool of 2, event loops: they race.
        assert_eq!(expected(&setting(true, true, 4, 4)).unwrap().0, race);
        assert_eq!(expected(&setting(true, true, 2, 2)).unwrap().0, race);
        // In turn, or one lane: no race.
        assert_eq!(expected(&setting(true, false, 4, 1)).unwrap().0, calm);
        assert_eq!(expected(&setting(true, true, 1, 1)).unwrap().0, calm);
        assert_eq!(
            Bank.plan(&Bank.params(None).unwrap()).unwrap().expected.0,
            calm
        );
        // Batches of one: never two at once.
        let mut batched = setting(true, true, 4, 4);
        batched.batches = vec![1; 4];
        assert_eq!(expected(&batched).unwrap().0, calm);
        // Processes: a copy per withdrawal, the parent's untouched; one worker: one copy.
        assert_eq!(
            expected(&setting(false, true, 2, 2)).unwrap().0,
            "unsynchronised: 2 accepted, 0 refused, in 2 copies (200, 200), the parent's 1000; \
             locked: 2 accepted, 0 refused, in 2 copies (200, 200), the parent's 1000"
        );
        assert_eq!(
            expected(&setting(false, true, 1, 1)).unwrap().0,
            "unsynchronised: 1 accepted, 1 refused, in 1 copy (200), the parent's 1000; \
             locked: 1 accepted, 1 refused, in 1 copy (200), the parent's 1000"
        );
        // One at a time on several workers: which copy each lands in is unknowable.
        batched.shares_memory = false;
        let why = expected(&batched).unwrap_err().to_string();
        assert!(why.contains("cannot be known"), "{why}");
    }

    #[test]
    fn in_turn_the_second_withdrawal_is_refused() {
        let plan = Bank.plan(&Bank.params(Some(1)).unwrap()).unwrap();
        let id = shared::fresh_id();
        let outputs: Vec<Output> = plan
            .tasks
            .iter()
            .map(|t| t.with_state(id).run_blocking().unwrap())
            .collect();
        assert_eq!(Bank.answer(&outputs).unwrap(), plan.expected);
        shared::forget(id);
    }
}
