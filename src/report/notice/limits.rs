//! A sliding window against batches: for each model measured with a window of n and with
//! batches of n (matched by `Varied::Window(n)` and `Varied::Batch(n)`), which was faster, and
//! why the window should win, said only where the data show it; where they do not, that the
//! data disagree with the expectation.

use crate::format::{ratio, time};
use crate::identity::Varied;
use crate::report::sections::{tied, Block, Row};

use super::{in_progress, mean};

/// A model's window of n and batches of n.
struct Pair<'r, 'a> {
    window: &'r Row<'a>,
    batch: &'r Row<'a>,
    n: usize,
}

/// The sentences for a limits block.
pub fn notice(block: &Block) -> Vec<String> {
    let mut out = Vec::new();
    let mut pairs: Vec<Pair> = Vec::new();
    for model in block.models() {
        let rows = block.of_model(&model.name);
        for window in &rows {
            let Varied::Window(n) = window.cell.id.varied else {
                continue;
            };
            let Some(batch) = rows.iter().find(|r| r.cell.id.varied == Varied::Batch(n)) else {
                continue;
            };
            if window.mean().is_none() || batch.mean().is_none() {
                continue;
            }
            out.push(compare(window, batch, &model.name));
            pairs.push(Pair { window, batch, n });
        }
    }
    let (agree, disagree): (Vec<&Pair>, Vec<&Pair>) =
        pairs.iter().partition(|p| p.window.high() < p.batch.low());
    if let Some(p) = agree.first() {
        let n = p.n;
        out.push(format!(
            "Why the window wins: with batches of {n}, each batch waits for its slowest request \
             before the next batch starts, so the slots of requests that finished early sit \
             idle; a sliding window of {n} starts a new request as soon as one finishes, so it \
             keeps up to {n} in flight the whole time. Measured: {}.",
            measured(&agree)
        ));
    }
    if let Some(p) = disagree.first() {
        let n = p.n;
        out.push(format!(
            "The data disagree with the expectation that a sliding window of {n} beats batches \
             of {n} (a window starts a new request as soon as one finishes; a batch waits for \
             its slowest request): the window was not faster beyond noise here ({}). Look at \
             the timeline below and at the ideal column for what else bounded the run.",
            measured(&disagree)
        ));
    }
    out
}

/// `threads: a window of 5 took 216 ms, batches of 5 took 288 ms — the window was 1.33× faster.`
fn compare(window: &Row, batch: &Row, model: &str) -> String {
    let (tw, tb) = (mean(window), mean(batch));
    let verdict = if tied(window, batch) {
        "tied within noise (their 95% confidence intervals overlap)".to_string()
    } else if tw < tb {
        format!("the window was {} faster", ratio(tb / tw))
    } else {
        format!("the batches were {} faster", ratio(tw / tb))
    };
    format!(
        "{model}: a {} took {}, {} took {} — {verdict}.",
        window.cell.id.varied,
        time(tw),
        batch.cell.id.varied,
        time(tb)
    )
}

/// The times of each pair, with how many requests were in flight on average.
fn measured(pairs: &[&Pair]) -> String {
    pairs
        .iter()
        .map(|p| {
            let mut s = format!(
                "{} {} with the window against {} in batches",
                p.window.model.name,
                time(mean(p.window)),
                time(mean(p.batch))
            );
            if let (Some(fw), Some(fb)) = (in_progress(p.window), in_progress(p.batch)) {
                s.push_str(&format!(
                    ", {fw:.1} against {fb:.1} requests in flight on average"
                ));
            }
            s
        })
        .collect::<Vec<_>>()
        .join("; ")
}
