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
//! - worker processes: each withdrawal changes its worker's copy, and the parent's account is
//!   never opened: still 1000. A worker runs its tasks one at a time, so every copy ends at
//!   200 however the withdrawals were shared out among the workers (one copy with a refusal,
//!   or one each), and the answer says only that.

use std::collections::BTreeMap;

use super::{Answer, Kind, Params, Plan, Setting, Sizes, Workload};
use crate::error::Result;
use crate::shared::{self, Withdrawal};
use crate::task::{Output, Task};

/// The tutorial's opening balance and withdrawal.
pub const OPENING: i64 = 1000;
pub const AMOUNT: i64 = 800;
/// Withdrawals per account.
const WITHDRAWALS: usize = 2;

pub struct Bank;

/// One account's outcome: how many withdrawals passed and where its balance ended, or, with
/// copies, where each copy ended.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Outcome {
    Shared {
        accepted: usize,
        refused: usize,
        balance: i64,
    },
    /// Each process's final balance (distinct values, ascending), and the parent's.
    Copies { ends: Vec<i64>, parent: i64 },
}

impl Outcome {
    fn say(&self, label: &str) -> String {
        match self {
            Outcome::Shared {
                accepted,
                refused,
                balance,
            } => format!("{label}: {accepted} accepted, {refused} refused, balance {balance}"),
            Outcome::Copies { ends, parent } => {
                let ends: Vec<String> = ends.iter().map(i64::to_string).collect();
                let each = match ends.len() {
                    1 => format!("each copy ends at {}", ends[0]),
                    _ => format!("copies end at {}", ends.join(", ")),
                };
                format!("{label}: {each}, the parent's {parent}")
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
            batches: vec![tasks.len()],
        };
        // The least each withdrawal takes: the first of an account always passes its check
        // and pauses; a later one may be refused at once, without a pause.
        let pause_s = params.size as f64 / 1e3;
        let mut plan = Plan {
            floors_s: (0..tasks.len())
                .map(|i| if i % WITHDRAWALS == 0 { pause_s } else { 0.0 })
                .collect(),
            tasks,
            expected: Answer(String::new()),
        };
        // The plan's own answer: in turn, as the tutorial meant it to go.
        plan.expected = self.expected_under(&plan, &one)?;
        Ok(plan)
    }

    fn expected_under(&self, _plan: &Plan, setting: &Setting) -> Result<Answer> {
        let outcomes: Vec<Outcome> = [false, true]
            .into_iter()
            .enumerate()
            .map(|(slot, locked)| {
                let first = slot * WITHDRAWALS;
                let race = !locked && setting.together(first, first + WITHDRAWALS - 1);
                match (setting.shares_memory, race) {
                    (true, true) => Outcome::Shared {
                        accepted: WITHDRAWALS,
                        refused: 0,
                        balance: OPENING - AMOUNT * WITHDRAWALS as i64,
                    },
                    (true, false) => {
                        let (accepted, balance) = in_turn(WITHDRAWALS);
                        Outcome::Shared {
                            accepted,
                            refused: WITHDRAWALS - accepted,
                            balance,
                        }
                    }
                    // A worker runs its withdrawals in turn, on its own copy: the first passes,
                    // and what it leaves (200) is too little for another.
                    (false, _) => Outcome::Copies {
                        ends: vec![in_turn(WITHDRAWALS).1],
                        parent: OPENING,
                    },
                }
            })
            .collect();
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
            outcomes.push(if copies.is_empty() {
                Outcome::Shared {
                    accepted,
                    refused: ws.len() - accepted,
                    balance: parent,
                }
            } else {
                let mut ends: Vec<i64> = copies.into_values().collect();
                ends.sort_unstable();
                ends.dedup();
                Outcome::Copies { ends, parent }
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

    fn setting(shares_memory: bool, overlaps: bool, in_flight: usize) -> Setting {
        Setting {
            shares_memory,
            overlaps,
            in_flight,
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
        // Threads, a pool of 2 or 3, event loops: they race.
        assert_eq!(expected(&setting(true, true, 4)).unwrap().0, race);
        assert_eq!(expected(&setting(true, true, 2)).unwrap().0, race);
        assert_eq!(expected(&setting(true, true, 3)).unwrap().0, race);
        // In turn, or one lane: no race.
        assert_eq!(expected(&setting(true, false, 4)).unwrap().0, calm);
        assert_eq!(expected(&setting(true, true, 1)).unwrap().0, calm);
        assert_eq!(
            Bank.plan(&Bank.params(None).unwrap()).unwrap().expected.0,
            calm
        );
        // Batches of one: never two at once; batches of two still race.
        let mut batched = setting(true, true, 4);
        batched.batches = vec![1; 4];
        assert_eq!(expected(&batched).unwrap().0, calm);
        batched.batches = vec![2, 2];
        assert_eq!(expected(&batched).unwrap().0, race);
        // Processes: however the withdrawals are shared out, a copy each or one copy with a
        // refusal, every copy ends at 200 and the parent's account is never touched.
        let copies = "unsynchronised: each copy ends at 200, the parent's 1000; \
                      locked: each copy ends at 200, the parent's 1000";
        for in_flight in [1, 2, 3] {
            assert_eq!(
                expected(&setting(false, true, in_flight)).unwrap().0,
                copies
            );
        }
    }

    #[test]
    fn together_means_in_the_first_wave_of_one_batch() {
        let s = Setting {
            shares_memory: true,
            overlaps: true,
            in_flight: 3,
            batches: vec![4, 2],
        };
        assert!(s.together(0, 1) && s.together(0, 2) && s.together(1, 2));
        assert!(!s.together(2, 3), "task 3 waits for a lane");
        assert!(!s.together(3, 4), "different batches");
        assert!(s.together(4, 5));
        assert!(!Setting {
            overlaps: false,
            ..s
        }
        .together(0, 1));
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
