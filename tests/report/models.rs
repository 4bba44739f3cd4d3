//! What the page shows of the models comes from the results file: the models it declares, their
//! colours (checked before they reach CSS), and the async mistakes compared with running in
//! turn, named by what they declare.

use super::*;

#[test]
fn the_async_mistakes_are_compared_with_in_turn_and_named_by_what_they_declare() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let models = registry_models();
    let mut r = empty_results(models.clone());
    let spec = |m: &str, t: f64, ideal: f64| {
        Spec::new(
            "sites",
            Kind::Io,
            Comparison::Models,
            m,
            Varied::Workers(1),
            20,
            Some(t),
        )
        .ideal(ideal, Bound::Delay)
    };
    // The loop that awaits in turn comes first: it must not become the baseline.
    r.cells = vec![
        cell(&models, &spec("async-in-turn", 0.43, 0.4)),
        cell(&models, &spec("async-naive", 0.43, 0.02)),
        cell(&models, &spec("sequential", 0.42, 0.4)),
        cell(&models, &spec("async", 0.023, 0.02)),
    ];
    judge_all(&mut r);
    let in_turn = r.cells[2].id.clone();
    for c in &r.cells {
        assert_eq!(c.baseline.as_ref(), Some(&in_turn), "{}", c.id);
    }
    // Its ideal is the loop it pretends to be: the efficiency shows what blocking cost.
    let naive = &r.cells[1];
    assert!(naive.verdict.efficiency.expect("eff") < 0.1, "{naive:?}");
    let html = render(&r, tmp.path());
    let n = notice(&html, "sites-models");
    assert!(
        n.contains("async-naive (one event loop blocked by every task) took 430 ms")
            && n.contains("where its ideal allowed 21×")
            && n.contains("blocking code"),
        "{n}"
    );
    assert!(
        n.contains("async-in-turn (one event loop awaiting each task in turn) took 430 ms")
            && n.contains("awaited before the next"),
        "{n}"
    );
    // Neither is taken for the best concurrent model.
    assert!(n.contains("async finished"), "{n}");
}

#[test]
fn models_come_from_the_results_file() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let mut models = registry_models();
    models.retain(|m| m.name != "pool");
    let mut pigeon = models
        .iter()
        .find(|m| m.runs == Runs::ThreadPool || m.runs == Runs::ThreadPerTask)
        .expect("a threaded model")
        .clone();
    pigeon.name = "carrier-pigeon".into();
    pigeon.runs = Runs::ThreadPool;
    pigeon.color = "#123456".into();
    pigeon.python = "a bird with a note".into();
    models.push(pigeon);
    let mut r = empty_results(models.clone());
    let specs = [
        ("sequential", 0.2, 1),
        ("async", 0.2, 1),
        ("carrier-pigeon", 0.101, 2),
    ];
    r.cells = specs
        .iter()
        .map(|&(m, t, w)| {
            let s = Spec::new(
                "primes",
                Kind::Cpu,
                Comparison::Models,
                m,
                Varied::Workers(w),
                8,
                Some(t),
            );
            cell(&models, &s.ideal(0.2 / w as f64, Bound::Cores))
        })
        .collect();
    judge_all(&mut r);
    let html = render(&r, tmp.path());
    let table = section(&html, "models");
    assert!(table.contains("id=\"model-carrier-pigeon\"") && table.contains("a bird with a note"));
    assert!(table.contains("background:#123456"));
    assert!(
        !table.contains("id=\"model-pool\""),
        "a model the file does not declare is not shown"
    );
    let chart = fs::read_to_string(tmp.path().join("chart-primes.svg")).expect("chart");
    assert!(
        chart.to_ascii_lowercase().contains("#123456"),
        "drawn in its colour"
    );
    let n = notice(&html, "primes-models");
    assert!(
        n.contains("Unlike Python threads") && n.contains("carrier-pigeon (a thread pool)"),
        "{n}"
    );
}

#[test]
fn a_colour_from_the_file_is_never_put_into_css_unchecked() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let mut models = registry_models();
    models[0].color = "red;background-image:url(x)".into();
    let mut r = empty_results(models.clone());
    let name = models[0].name.clone();
    r.cells = vec![cell(
        &models,
        &Spec::new(
            "primes",
            Kind::Cpu,
            Comparison::Models,
            &name,
            Varied::Workers(1),
            4,
            Some(0.1),
        ),
    )];
    judge_all(&mut r);
    let html = render(&r, tmp.path());
    assert!(!html.contains("url(x)") && html.contains(report::FALLBACK_COLOR));
}
