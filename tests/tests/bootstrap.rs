//! Bootstrap intervals of predictions (cx::churn::bootstrap): coverage in a
//! seeded simulation study, the CDNOW fit, determinism and bad input.

use cx::churn::{
    AnyModel, BootstrapMethod, BootstrapOptions, Columns, FitOptions, Prediction, bootstrap, fit_model,
    predict,
};
use cx_tests::cdnow::model_input;
use cx_tests::simulate;

/// 100 shops of 1,000 simulated BG/NBD customers with known parameters: the
/// parametric 90 % interval of a new customer's expected purchases in 52
/// weeks covers the true value in close to 90 % of them. With 100 runs the
/// binomial standard error is 3 points; the bounds allow 2.5 of them.
#[test]
fn parametric_intervals_cover_at_close_to_their_level() {
    let (r, alpha, a, b) = (0.8, 6.0, 0.9, 3.0);
    let truth = {
        let m = AnyModel::from_json(&format!(
            r#"{{"model":"bg_nbd","r":{r},"alpha":{alpha},"a":{a},"b":{b}}}"#
        ))
        .expect("model");
        predict(
            &m,
            &Prediction::ExpectedPurchases,
            &Columns {
                t: Some(&[52.0]),
                ..Columns::default()
            },
        )
        .expect("truth")[0]
    };
    let runs = 100;
    let mut covered = 0;
    for seed in 0..runs {
        let s = simulate::bg_nbd(r, alpha, a, b, 1000, (20.0, 60.0), 1000 + seed);
        let cols = Columns {
            frequency: Some(&s.x),
            recency: Some(&s.t_x),
            t: Some(&s.t),
            monetary_value: None,
        };
        let m = fit_model("bg_nbd", &cols, &FitOptions::default()).expect("fit");
        // A new customer's expectation at t = 52: one row of periods.
        let periods = Columns {
            t: Some(&[52.0]),
            ..Columns::default()
        };
        let o = BootstrapOptions {
            replicates: 200,
            seed,
            ..BootstrapOptions::default()
        };
        let bs = bootstrap(
            &m,
            &cols,
            None,
            &Prediction::ExpectedPurchases,
            Some(&periods),
            &o,
        )
        .expect("bootstrap");
        let (lo, hi) = (bs.low[0], bs.high[0]);
        if lo <= truth && truth <= hi {
            covered += 1;
        }
    }
    let rate = f64::from(covered) / f64::from(runs as u32);
    println!("coverage of the 90 % parametric interval: {rate} over {runs} runs");
    assert!((0.82..=0.97).contains(&rate), "coverage {rate}");
}

fn cdnow() -> (AnyModel, cx_tests::cdnow::ModelInput) {
    let input = model_input();
    let m = fit_model("bg_nbd", &input.columns(), &FitOptions::default()).expect("fit");
    (m, input)
}

#[test]
fn cdnow_intervals_bracket_the_estimate_and_are_reproducible() {
    let (m, input) = cdnow();
    let p = Prediction::ConditionalExpectedPurchases { horizon: 39.0 };
    let o = BootstrapOptions {
        replicates: 300,
        seed: 7,
        ..BootstrapOptions::default()
    };
    let a = bootstrap(&m, &input.columns(), None, &p, None, &o).expect("parametric");
    assert_eq!((a.replicates, a.failed, a.estimate.len()), (300, 0, 2357));
    for i in 0..a.estimate.len() {
        assert!(
            a.low[i] <= a.estimate[i] * 1.0001 && a.estimate[i] <= a.high[i] * 1.0001,
            "{i}"
        );
    }
    // The total: the sum of the customers' estimates, inside its interval.
    assert!(a.total.low < a.total.estimate && a.total.estimate < a.total.high);
    assert!((a.total.estimate - a.estimate.iter().sum::<f64>()).abs() < 1e-9 * a.total.estimate);
    let again = bootstrap(&m, &input.columns(), None, &p, None, &o).expect("again");
    assert_eq!(a, again);
    let other = bootstrap(
        &m,
        &input.columns(),
        None,
        &p,
        None,
        &BootstrapOptions { seed: 8, ..o.clone() },
    )
    .expect("seed 8");
    assert_ne!(a.total.low, other.total.low);
    // Customer resampling (50 refits): an interval of the same order.
    let c = BootstrapOptions {
        method: BootstrapMethod::Customers,
        replicates: 50,
        seed: 1,
        ..o
    };
    let b = bootstrap(&m, &input.columns(), None, &p, None, &c).expect("customers");
    let (wa, wb) = (a.total.high - a.total.low, b.total.high - b.total.low);
    assert!(
        wb > 0.3 * wa && wb < 3.0 * wa,
        "parametric width {wa}, customers {wb}"
    );
    assert!(b.failed <= 2, "{} refits failed", b.failed);
}

#[test]
fn bad_bootstrap_requests_are_typed_errors() {
    let (m, input) = cdnow();
    let gg = AnyModel::from_json(r#"{"model":"gamma_gamma","p":6.25,"q":3.74,"v":15.44}"#).expect("gg");
    let d = BootstrapOptions::default();
    for (model, o, argument) in [
        (
            &m,
            BootstrapOptions {
                replicates: 0,
                ..d.clone()
            },
            "replicates",
        ),
        (
            &m,
            BootstrapOptions {
                level: 1.0,
                ..d.clone()
            },
            "level",
        ),
        (&gg, d.clone(), "model"),
    ] {
        let e = bootstrap(
            model,
            &input.columns(),
            None,
            &Prediction::ProbabilityAlive,
            None,
            &o,
        )
        .unwrap_err();
        assert_eq!((e.code(), e.argument()), ("invalid_parameter", argument));
    }
}

/// Total CLV with an interval: the purchase model's parameter uncertainty,
/// the spend model held fixed.
#[test]
fn clv_has_a_total_interval() {
    use cx::churn::{ClvOptions, lifetime_value};
    let (m, input) = cdnow();
    let gg = fit_model("gamma_gamma", &input.columns(), &FitOptions::default()).expect("spend");
    // The repeat customers (gamma-gamma needs a positive spend).
    let keep: Vec<usize> = (0..input.x.len()).filter(|&i| input.x[i] > 0.0).collect();
    let pick = |v: &[f64]| keep.iter().map(|&i| v[i]).collect::<Vec<f64>>();
    let (x, tx, t, z) = (
        pick(&input.x),
        pick(&input.t_x),
        pick(&input.t),
        pick(&input.zbar),
    );
    let target = Columns {
        frequency: Some(&x),
        recency: Some(&tx),
        t: Some(&t),
        monetary_value: Some(&z),
    };
    let options = ClvOptions {
        periods_per_month: 4.345,
        ..ClvOptions::default()
    };
    let p = Prediction::Clv {
        spend: Box::new(gg.clone()),
        options,
    };
    let o = BootstrapOptions {
        replicates: 100,
        seed: 2,
        ..BootstrapOptions::default()
    };
    let b = bootstrap(&m, &input.columns(), None, &p, Some(&target), &o).expect("bootstrap");
    let direct = lifetime_value(&m, &gg, &target, &options).expect("clv");
    assert_eq!(b.estimate, direct);
    assert!(
        b.total.low < b.total.estimate && b.total.estimate < b.total.high,
        "{:?}",
        b.total
    );
    // Not a degenerate interval: a few percent of the total either way.
    let w = (b.total.high - b.total.low) / b.total.estimate;
    assert!(w > 0.005 && w < 0.5, "relative width {w}");
}

/// Requests that would take unbounded memory or time are typed errors
/// before any work starts.
#[test]
fn hostile_sizes_are_refused() {
    use serde_json::json;
    let bg = json!({"model": "bg_nbd", "r": 0.24, "alpha": 4.4, "a": 0.79, "b": 2.4});
    let cases = [
        (
            "predict",
            json!({"model": bg, "prediction": {"kind": "conditional_probability_of_purchases", "horizon": 1, "n": 4_000_000_000u64}, "frequency": [1], "recency": [1], "t": [2]}),
            "n",
        ),
        (
            "bgbb_predict",
            json!({"model": {"model": "bg_bb", "alpha": 1, "beta": 1, "gamma": 1, "delta": 1}, "prediction": {"kind": "probability_alive"}, "frequency": [1], "recency": [1], "periods": [1e9]}),
            "periods",
        ),
        (
            "expected_cumulative_transactions",
            json!({"model": bg, "customers": [1], "timestamps": [0], "options": {"periods": 4_000_000_000u64}}),
            "periods",
        ),
        (
            "bootstrap",
            json!({"model": bg, "prediction": {"kind": "probability_alive"}, "frequency": [1], "recency": [1], "t": [2], "options": {"replicates": 4_000_000_000u64}}),
            "replicates",
        ),
        (
            "bootstrap",
            json!({"model": bg, "prediction": {"kind": "probability_alive"}, "frequency": [1], "recency": [1], "t": [2], "weights": [1e12], "options": {"method": "customers"}}),
            "weights",
        ),
    ];
    for (call, args, argument) in cases {
        let e = cx::bind::call(call, args).unwrap_err();
        assert_eq!(e.argument(), argument, "{call}: {e}");
    }
}
