//! The churn models at the extremes where established tools fail, and
//! parameter recovery on simulated customers.

use cx::churn::{
    AnyModel, BetaGeo, ChurnModel, CustomerData, FitOptions, GammaGamma, ModifiedBetaGeo, ParetoNbd,
};
use cx_tests::cdnow::model_input;
use cx_tests::simulate;

fn models() -> Vec<Box<dyn ChurnModel>> {
    vec![
        Box::new(BetaGeo::new(0.2425945, 4.4136027, 0.7929218, 2.4259057).expect("params")),
        Box::new(ModifiedBetaGeo::new(0.5248, 6.1831, 0.8914, 1.6140).expect("params")),
        Box::new(ParetoNbd::new(0.5532622, 10.5775399, 0.6062388, 11.6686284).expect("params")),
        // Parameters far apart (α ≫ β and α ≪ β) exercise both ₂F₁ branches.
        Box::new(ParetoNbd::new(2.0, 500.0, 0.3, 0.5).expect("params")),
        Box::new(ParetoNbd::new(0.1, 0.05, 3.0, 900.0).expect("params")),
    ]
}

#[test]
fn predictions_are_finite_at_extremes() {
    let xs = [0.0, 1.0, 10.0, 200.0, 301.0, 1_000.0, 100_000.0];
    let ts = [0.5, 38.86, 10_000.0];
    for (mi, m) in models().iter().enumerate() {
        for &t in &ts {
            for &x in &xs {
                let txs: Vec<f64> = if x == 0.0 {
                    vec![0.0]
                } else {
                    vec![0.0, t / 2.0, t]
                };
                for tx in txs {
                    let alive = m.probability_alive(x, tx, t);
                    assert!(
                        (0.0..=1.0).contains(&alive),
                        "model {mi}: P(alive|{x},{tx},{t}) = {alive}"
                    );
                    for h in [0.0, 1.0, 52.0, 10_000.0] {
                        let e = m.conditional_expected_purchases(h, x, tx, t);
                        assert!(
                            e.is_finite() && e >= 0.0,
                            "model {mi}: E[X({h})|{x},{tx},{t}] = {e}"
                        );
                    }
                }
            }
            let e = m.expected_purchases(t);
            assert!(e.is_finite() && e >= 0.0, "model {mi}: E[X({t})] = {e}");
        }
    }
}

#[test]
fn log_likelihoods_are_finite_at_extremes() {
    let bg = BetaGeo::new(0.2425945, 4.4136027, 0.7929218, 2.4259057).expect("params");
    let pn = ParetoNbd::new(0.5532622, 10.5775399, 0.6062388, 11.6686284).expect("params");
    for x in [0.0, 301.0, 5_000.0, 100_000.0] {
        for (tx, t) in [(0.0, 1.0), (9_999.0, 10_000.0), (10_000.0, 10_000.0)] {
            if x == 0.0 && tx > 0.0 {
                continue;
            }
            // lifetimes issue 25: the Pareto/NBD likelihood overflowed above x = 300.
            assert!(pn.log_likelihood(x, tx, t).is_finite(), "pnbd ll({x},{tx},{t})");
            assert!(bg.log_likelihood(x, tx, t).is_finite(), "bg ll({x},{tx},{t})");
        }
    }
}

#[test]
fn pareto_alive_near_two_hundred_purchases() {
    // CLVTools issue 100: P(alive) was NaN around x ≈ 200.
    let m = ParetoNbd::new(0.5532622, 10.5775399, 0.6062388, 11.6686284).expect("params");
    for x in 190..=210 {
        let p = m.probability_alive(f64::from(x), 30.0, 52.0);
        assert!(p.is_finite() && (0.0..=1.0).contains(&p), "x = {x}: {p}");
    }
    // A customer who bought 200 times and just bought is alive.
    assert!(m.probability_alive(200.0, 52.0, 52.0) > 0.99);
}

#[test]
fn millions_of_customers_keep_finite_standard_errors() {
    // lifetimes issue 332: NaN standard errors with millions of customers.
    // CDNOW repeated 1,000 times: 2,357,000 customers in 1,016 distinct rows.
    let d = model_input();
    let k = 1_000;
    let rep = |v: &[f64]| v.iter().copied().cycle().take(v.len() * k).collect::<Vec<f64>>();
    let (x, tx, t) = (rep(&d.x), rep(&d.t_x), rep(&d.t));
    let data = CustomerData {
        frequency: &x,
        recency: &tx,
        t: &t,
    };
    let m = BetaGeo::fit(&data, &FitOptions::default()).expect("fit");
    let fit = m.fit_report().expect("report");
    assert_eq!(fit.customers, 2_357_000.0);
    assert!(fit.converged);
    // Same optimum as the original data; standard errors shrink by √1000.
    assert!((m.r() - 0.2426).abs() / 0.2426 < 5e-3);
    let se = fit.standard_errors.as_ref().expect("standard errors");
    assert!(se.iter().all(|s| s.is_finite() && *s > 0.0));
    assert!(
        (se[0] - 0.01256 / (k as f64).sqrt()).abs() / se[0] < 0.05,
        "se(r) = {}",
        se[0]
    );
}

#[test]
fn degenerate_data_fit_without_nan() {
    let opts = FitOptions::default();
    // One customer.
    let one = CustomerData {
        frequency: &[3.0],
        recency: &[20.0],
        t: &[30.0],
    };
    // Nobody came back.
    let zeros = vec![0.0; 50];
    let ages: Vec<f64> = (1..=50).map(f64::from).collect();
    let none = CustomerData {
        frequency: &zeros,
        recency: &zeros,
        t: &ages,
    };
    for data in [one, none] {
        for fitted in [
            BetaGeo::fit(&data, &opts).map(AnyModel::BgNbd),
            ModifiedBetaGeo::fit(&data, &opts).map(AnyModel::MbgNbd),
            ParetoNbd::fit(&data, &opts).map(AnyModel::ParetoNbd),
        ] {
            // The optimum sits on the boundary, so the fit may stop
            // unconverged; it must still say so and give finite numbers.
            let m = fitted.expect("a degenerate sample still fits");
            let report = m.fit_report().expect("report");
            assert!(report.log_likelihood.is_finite(), "{m:?}");
            let pm = m.purchase_model().expect("purchase model");
            let p = pm.probability_alive(data.frequency[0], data.recency[0], data.t[0]);
            assert!((0.0..=1.0).contains(&p), "{m:?}");
            let e = pm.conditional_expected_purchases(10.0, data.frequency[0], data.recency[0], data.t[0]);
            assert!(e.is_finite() && e >= 0.0, "{m:?}");
        }
    }
}

#[test]
fn invalid_inputs_name_the_row() {
    let opts = FitOptions::default();
    let bad_recency = CustomerData {
        frequency: &[1.0, 2.0],
        recency: &[1.0, 9.0],
        t: &[5.0, 8.0],
    };
    let e = BetaGeo::fit(&bad_recency, &opts).unwrap_err();
    assert_eq!(
        (e.code(), e.argument(), e.index()),
        ("out_of_range", "recency", Some(1))
    );
    let frac = CustomerData {
        frequency: &[1.5],
        recency: &[1.0],
        t: &[5.0],
    };
    assert_eq!(BetaGeo::fit(&frac, &opts).unwrap_err().code(), "not_integer");
    let nan = CustomerData {
        frequency: &[1.0],
        recency: &[f64::NAN],
        t: &[5.0],
    };
    assert_eq!(ParetoNbd::fit(&nan, &opts).unwrap_err().code(), "not_finite");
    // T = 0 is a customer first seen on the last day (ordinary data); a
    // negative age is an error.
    let negative_age = CustomerData {
        frequency: &[0.0],
        recency: &[0.0],
        t: &[-1.0],
    };
    let e = BetaGeo::fit(&negative_age, &opts).unwrap_err();
    assert_eq!((e.code(), e.argument()), ("out_of_range", "t"));
    let empty = CustomerData {
        frequency: &[],
        recency: &[],
        t: &[],
    };
    assert_eq!(BetaGeo::fit(&empty, &opts).unwrap_err().code(), "empty");
    assert_eq!(
        GammaGamma::fit(&[1.0], &[-5.0], &opts).unwrap_err().argument(),
        "monetary_value"
    );
    assert_eq!(BetaGeo::new(0.0, 1.0, 1.0, 1.0).unwrap_err().argument(), "r");
    let bad_penalty = FitOptions {
        penalizer: -1.0,
        ..Default::default()
    };
    assert_eq!(
        BetaGeo::fit(&one_row(), &bad_penalty).unwrap_err().argument(),
        "penalizer"
    );
}

fn one_row() -> CustomerData<'static> {
    CustomerData {
        frequency: &[1.0],
        recency: &[1.0],
        t: &[5.0],
    }
}

#[test]
fn bg_nbd_recovers_simulated_parameters() {
    let (r, alpha, a, b) = (0.8, 6.0, 0.9, 3.0);
    let s = simulate::bg_nbd(r, alpha, a, b, 20_000, (20.0, 60.0), 42);
    let data = CustomerData {
        frequency: &s.x,
        recency: &s.t_x,
        t: &s.t,
    };
    let m = BetaGeo::fit(&data, &FitOptions::default()).expect("fit");
    for (name, got, want) in [
        ("r", m.r(), r),
        ("alpha", m.alpha(), alpha),
        ("a", m.a(), a),
        ("b", m.b(), b),
    ] {
        assert!((got - want).abs() / want < 0.2, "{name}: {got} vs {want}");
    }
    let truth = BetaGeo::new(r, alpha, a, b).expect("params");
    let ll_truth: f64 = (0..s.x.len())
        .map(|i| truth.log_likelihood(s.x[i], s.t_x[i], s.t[i]))
        .sum();
    assert!(m.fit_report().expect("report").log_likelihood >= ll_truth);
}

#[test]
fn pareto_nbd_recovers_simulated_parameters() {
    let (r, alpha, s_, beta) = (0.7, 8.0, 0.8, 15.0);
    let s = simulate::pareto_nbd(r, alpha, s_, beta, 20_000, (20.0, 60.0), 7);
    let data = CustomerData {
        frequency: &s.x,
        recency: &s.t_x,
        t: &s.t,
    };
    let m = ParetoNbd::fit(&data, &FitOptions::default()).expect("fit");
    // β is weakly identified (Fader, Hardie & Lee 2005); r, α and s are checked.
    for (name, got, want) in [("r", m.r(), r), ("alpha", m.alpha(), alpha), ("s", m.s(), s_)] {
        assert!((got - want).abs() / want < 0.25, "{name}: {got} vs {want}");
    }
}

#[test]
fn models_round_trip_through_json() {
    let d = model_input();
    let data = CustomerData {
        frequency: &d.x,
        recency: &d.t_x,
        t: &d.t,
    };
    let m = AnyModel::BgNbd(BetaGeo::fit(&data, &FitOptions::default()).expect("fit"));
    let back = AnyModel::from_json(&m.to_json()).expect("json");
    assert_eq!(back, m);
    assert!(AnyModel::from_json(r#"{"model": "bg_nbd", "r": -1, "alpha": 1, "a": 1, "b": 1}"#).is_err());
    assert_eq!(AnyModel::from_json("{").unwrap_err().code(), "decode");
    assert_eq!(
        AnyModel::from_json(r#"{"model": "nope"}"#).unwrap_err().code(),
        "decode"
    );
}
