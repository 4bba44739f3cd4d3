//! The "Sharing state" section: each model's answer on the shared account with why, read from
//! its declaration, and the contention chart with its measured ratios; absent when no recorded
//! workload shares state.

use concur::identity::{Comparison, Varied};
use concur::results::{Results, WorkloadInfo};
use concur::workload::Kind;

use super::fixture::{cell, empty_results, judge_all, registry_models, Spec};
use super::page::{notice, render, section};

const RACE: &str = "unsynchronised: 2 accepted, 0 refused, balance -600; \
                    locked: 1 accepted, 1 refused, balance 200";
const CALM: &str = "unsynchronised: 1 accepted, 1 refused, balance 200; \
                    locked: 1 accepted, 1 refused, balance 200";
const COPIES: &str = "unsynchronised: each copy ends at 200, the parent's 1000; \
                      locked: each copy ends at 200, the parent's 1000";

fn shared(name: &str, kind: Kind, unit: &str) -> WorkloadInfo {
    WorkloadInfo {
        name: name.into(),
        kind,
        summary: format!("{name}, sharing state"),
        shares_state: true,
        size_unit: unit.into(),
    }
}

fn state_results() -> Results {
    let models = registry_models();
    let mut r = empty_results(models.clone());
    r.workloads = vec![
        shared("bank", Kind::Wait, "ms paused"),
        shared("counter-mutex", Kind::Cpu, "increments"),
        shared("counter-local", Kind::Cpu, "increments"),
    ];
    for (model, answer, mean) in [
        ("sequential", CALM, 0.100),
        ("threads", RACE, 0.101),
        ("process", COPIES, 0.102),
        ("async", RACE, 0.101),
    ] {
        let spec = Spec::new(
            "bank",
            Kind::Wait,
            Comparison::Models,
            model,
            Varied::Workers(2),
            4,
            Some(mean),
        );
        let mut c = cell(&models, &spec);
        c.answer = Some(answer.into());
        c.expected = answer.into();
        r.cells.push(c);
    }
    // 2M increments: the mutex costs 10 ns alone and 60 ns on two threads; local sums 1 ns.
    for (workload, per) in [
        ("counter-mutex", [10.0, 60.0]),
        ("counter-local", [1.0, 0.5]),
    ] {
        let base = Spec::new(
            workload,
            Kind::Cpu,
            Comparison::Models,
            "sequential",
            Varied::Workers(1),
            16,
            Some(per[0] * 2e-3),
        );
        r.cells.push(cell(&models, &base));
        for (w, ns) in [(1, per[0]), (2, per[1])] {
            let spec = Spec::new(
                workload,
                Kind::Cpu,
                Comparison::Scaling,
                "pool",
                Varied::Workers(w),
                16,
                Some(ns * 2e-3),
            );
            r.cells.push(cell(&models, &spec));
        }
    }
    for c in &mut r.cells {
        if c.id.workload != "bank" {
            c.size = 2_000_000;
            c.answer = Some("2000000 increments".into());
            c.expected = "2000000 increments".into();
        }
    }
    judge_all(&mut r);
    r
}

#[test]
fn the_sharing_state_section_says_where_each_account_lived_and_what_contention_cost() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let html = render(&state_results(), tmp.path());
    let s = section(&html, "sharing-state");
    assert!(
        html.contains("<a href=\"#sharing-state\">Sharing state</a>"),
        "in the contents"
    );
    let where_ = notice(s, "sharing-state-where");
    assert!(
        where_.contains(&format!("threads on bank (a thread per task): ✓ {RACE}")),
        "{where_}"
    );
    let copies = COPIES.replace('\'', "&#39;");
    assert!(
        where_.contains(&format!("process on bank (worker processes): ✓ {copies}")),
        "{where_}"
    );
    assert!(
        where_.contains("the parent&#39;s account was never touched"),
        "{where_}"
    );
    assert!(
        where_.contains("take turns at every .await"),
        "async's why, from its declaration"
    );
    assert!(where_.contains(&format!("sequential on bank (in turn): ✓ {CALM}")));
    assert!(where_.contains("One task at a time"));
    let cost = notice(s, "sharing-state-contention");
    assert!(cost.contains("counter-mutex: 10.0 ns per increment at W=1, 60.0 ns at W=2: 6.00× the cost of one thread&#39;s."), "{cost}");
    assert!(
        cost.contains(
            "At W=2, counter-mutex cost 60.0 ns per increment, 120× counter-local&#39;s 0.500 ns"
        ),
        "{cost}"
    );
    assert!(s.contains("chart-sharing-state-contention.svg"));
    let svg =
        std::fs::read_to_string(tmp.path().join("chart-sharing-state-contention.svg")).unwrap();
    assert!(svg.contains("counter-mutex") && svg.contains("time per increment"));
}

#[test]
fn no_shared_state_no_section() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let mut r = state_results();
    for w in &mut r.workloads {
        w.shares_state = false;
    }
    let html = render(&r, tmp.path());
    assert!(!html.contains("sharing-state"));
}
