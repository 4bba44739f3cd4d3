//! Results collected in submission order against as they complete: for each model measured
//! both ways (matched by `Varied::Collect`), when its first result reached the consumer, whose
//! result it was, and how long finished results waited behind earlier ones; then that the mode
//! moves results, not the run's time. Every number is the checked runs' recorded delivery;
//! whether results were reordered is read from their delivery times, never assumed from what
//! the model is.

use crate::format::{ratio, time};
use crate::identity::Varied;
use crate::model::{Collect, Delivery};
use crate::report::sections::{tied, Block, Row};

use super::mean;

/// A model's run in order and its run as completed, both with their deliveries.
struct Pair<'r, 'a> {
    ordered: &'r Row<'a>,
    completed: &'r Row<'a>,
    o: Delivery,
    c: Delivery,
}

/// The sentences for a collect block.
pub fn notice(block: &Block) -> Vec<String> {
    let mut pairs: Vec<Pair> = Vec::new();
    for model in block.models() {
        let rows = block.of_model(&model.name);
        let find = |mode| {
            rows.iter()
                .copied()
                .find(|r| r.cell.id.varied == Varied::Collect(mode))
        };
        let (Some(ordered), Some(completed)) = (find(Collect::Ordered), find(Collect::AsCompleted))
        else {
            continue;
        };
        let (Some(o), Some(c)) = (ordered.cell.delivery, completed.cell.delivery) else {
            continue;
        };
        pairs.push(Pair {
            ordered,
            completed,
            o,
            c,
        });
    }
    if pairs.is_empty() {
        return vec![
            "No model here recorded when its results were delivered in both orders, so there \
             is nothing to compare."
                .into(),
        ];
    }
    let mut out: Vec<String> = pairs.iter().map(one_model).collect();
    // The model whose first result came soonest as completed relative to in order.
    let gain = |p: &&Pair| p.o.first_s / p.c.first_s.max(1e-9);
    if let Some(p) = pairs.iter().max_by(|a, b| gain(a).total_cmp(&gain(b))) {
        out.extend(run_time(p));
    }
    out.push(
        "Collect as completed when each result is useful on its own (shown, stored, passed on); \
         in order only when the consumer needs submission order, and then one slow early task \
         holds back every result behind it."
            .into(),
    );
    out
}

/// True when some result was delivered before a result submitted earlier.
fn reordered(r: &Row) -> bool {
    let mut delivered: Vec<(f64, usize)> = r
        .cell
        .timeline
        .iter()
        .filter_map(|s| Some((s.delivered_s?, s.task)))
        .collect();
    delivered.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    delivered.windows(2).any(|w| w[1].1 < w[0].1)
}

/// `task #1`: whose result was delivered first.
fn task(d: &Delivery) -> String {
    format!("task #{}", d.first_task)
}

fn one_model(p: &Pair) -> String {
    let (o, c) = (&p.o, &p.c);
    let who = format!(
        "{} ({})",
        p.ordered.model.name,
        p.ordered.model.runs.describe()
    );
    if !reordered(p.completed) {
        return format!(
            "{who} finished its tasks in the order they were submitted, so both orders \
             delivered alike: {}'s result first, the moment that task ended ({} into the run \
             collected in order, {} into the one as completed), and no result waited more \
             than {} for an earlier one.",
            task(c),
            time(o.first_s),
            time(c.first_s),
            time(o.max_wait_s.max(c.max_wait_s))
        );
    }
    let sooner = if c.first_s > 0.0 && o.first_s / c.first_s >= 1.05 {
        format!(", {} later", ratio(o.first_s / c.first_s))
    } else {
        String::new()
    };
    format!(
        "{who}, collected as completed, handed over {} first, after {}; in submission order the \
         first result was {}'s, after {}{sooner}. In order, a finished result waited {} on \
         average and up to {} behind an earlier task still running; as completed, at most {}.",
        task(c),
        time(c.first_s),
        task(o),
        time(o.first_s),
        time(o.mean_wait_s),
        time(o.max_wait_s),
        time(c.max_wait_s)
    )
}

/// The run's time under both modes, for one model: the mode moves results, not the work.
fn run_time(p: &Pair) -> Option<String> {
    let (o, c) = (p.ordered, p.completed);
    o.mean()?;
    c.mean()?;
    let times = format!(
        "{} took {} per run in order and {} as completed",
        o.model.name,
        time(mean(o)),
        time(mean(c))
    );
    Some(if tied(o, c) {
        format!(
            "The order results are collected in does not change the work: {times}, within \
             noise of each other (their 95% confidence intervals overlap). What changes is when \
             each result reaches you."
        )
    } else {
        let ratio_text = ratio(mean(o).max(mean(c)) / mean(o).min(mean(c)));
        format!(
            "The order results are collected in should not change the work, yet {times}: \
             {ratio_text} apart, beyond both confidence intervals. Delivering is bookkeeping \
             as each task ends, not work, so read the gap as drift between the two cells (a \
             busier machine during one of them), not as a cost of the mode."
        )
    })
}
