//! The checked runs' CPU time and context switches on the page: the column, a row's figures
//! (cores busy is that run's CPU time ÷ that run's wall time), the sentences they support and
//! none they do not, and a results file without them (schema 2 and 3 files written before
//! they were recorded) rendering without the column.

use concur::identity::Comparison;
use concur::results::Results;
use concur::usage::Usage;

use super::fixture::realistic;
use super::page::{find, notice, render, row};

fn rendered(r: &Results) -> String {
    let tmp = tempfile::tempdir().expect("tempdir");
    render(r, tmp.path())
}

#[test]
fn every_model_table_shows_cpu_time_cores_busy_and_switches_in_one_column() {
    let r = realistic();
    let html = rendered(&r);
    assert!(html.contains(">CPU</th>"));
    let pool = find(&r, "primes", Comparison::Models, "pool");
    let u = pool.usage.expect("fixture usage");
    let tr = row(&html, &pool.id);
    let cpu = concur::format::time(u.total.cpu_s());
    let busy = concur::format::cores(u.total.cpu_s() / u.wall_s);
    let switches = format!(
        "<span class=\"pair\">{} vol</span> · <span class=\"pair\">{} invol</span>",
        u.total.voluntary, u.total.involuntary
    );
    let cell = format!(
        ">{cpu} <span class=\"sub\">{busy} cores busy</span> <span class=\"sub switches\">{switches}</span>"
    );
    assert!(tr.contains(&cell), "{tr}");
    let process = find(&r, "primes", Comparison::Models, "process");
    let worker_cpu = concur::format::time(process.usage.unwrap().workers.unwrap().cpu_s());
    assert!(
        row(&html, &process.id).contains(&format!("worker processes reported {worker_cpu}")),
        "the tooltip says the workers' part"
    );
}

#[test]
fn the_sentences_say_what_the_counts_show() {
    let r = realistic();
    let html = rendered(&r);
    let cpu = notice(&html, "primes-models");
    assert!(
        cpu.contains("CPU time ÷ wall time says how many cores"),
        "{cpu}"
    );
    let io = notice(&html, "sites-models");
    assert!(io.contains("Waiting uses almost no CPU"), "{io}");
    assert!(
        io.contains("made 20 voluntary switches for 20 requests, about one per request"),
        "{io}"
    );
}

#[test]
fn an_in_turn_cpu_run_short_of_a_core_is_called_out() {
    let mut r = realistic();
    let html = rendered(&r);
    assert!(!notice(&html, "primes-models").contains("kept only"));
    let base = r
        .cells
        .iter_mut()
        .find(|c| {
            c.id.workload == "primes"
                && c.id.comparison == Comparison::Models
                && c.id.model == "sequential"
        })
        .unwrap();
    let u = base.usage.as_mut().unwrap();
    u.wall_s = u.total.cpu_s() * 2.0;
    let html = rendered(&r);
    let cpu = notice(&html, "primes-models");
    assert!(
        cpu.contains("sequential (in turn) kept only 0.50 of a core busy"),
        "{cpu}"
    );
}

#[test]
fn a_wait_sentence_needs_about_one_switch_per_request() {
    let mut r = realistic();
    for c in r.cells.iter_mut().filter(|c| c.id.workload == "sites") {
        if let Some(u) = c.usage.as_mut() {
            u.total = Usage {
                voluntary: 200,
                ..u.total
            };
        }
    }
    let html = rendered(&r);
    let io = notice(&html, "sites-models");
    assert!(!io.contains("Each wait is a context switch"), "{io}");
}

#[test]
fn results_without_usage_render_without_the_column() {
    let mut r = realistic();
    for c in &mut r.cells {
        c.usage = None;
    }
    let html = rendered(&r);
    assert!(!html.contains(">CPU</th>"));
    assert!(!html.contains("cores busy"));
    // And the field is optional in the file itself.
    let text = serde_json::to_string(&r).unwrap();
    assert!(!text.contains("\"usage\""));
    let back: Results = serde_json::from_str(&text).unwrap();
    assert!(back.cells.iter().all(|c| c.usage.is_none()));
}
