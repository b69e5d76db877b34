//! The churn models on the CDNOW calibration data (39 weeks, 2,357
//! customers) against the published and recomputed values of Fader, Hardie & Lee 2005 and lifetimes 0.11.3.

use cx::churn::{BetaGeo, ChurnModel, CustomerData, FitOptions, GammaGamma, ModifiedBetaGeo, ParetoNbd};
use cx_tests::cdnow::model_input;

fn rel(a: f64, b: f64) -> f64 {
    (a - b).abs() / b.abs()
}

/// Agreement to three significant digits: relative difference below 5e-3
/// of the rounded reference.
fn three_digits(what: &str, got: f64, want: f64) {
    assert!(rel(got, want) < 5e-3, "{what}: {got} vs {want}");
}

#[test]
fn bg_nbd_fit_matches_fader_hardie_lee_2005() {
    let d = model_input();
    let data = CustomerData {
        frequency: &d.x,
        recency: &d.t_x,
        t: &d.t,
    };
    let m = BetaGeo::fit(&data, &FitOptions::default()).expect("fit");
    let fit = m.fit_report().expect("report");
    println!("{m:?}");
    assert!(fit.converged, "{fit:?}");
    assert!(
        (fit.log_likelihood - (-9582.43)).abs() < 0.01,
        "LL {}",
        fit.log_likelihood
    );
    three_digits("r", m.r(), 0.2426);
    three_digits("alpha", m.alpha(), 4.4136);
    three_digits("a", m.a(), 0.7929);
    three_digits("b", m.b(), 2.4259);
    assert_eq!(fit.distinct_rows, 1016);
    let se = fit.standard_errors.as_ref().expect("standard errors");
    assert!(se.iter().all(|s| s.is_finite() && *s > 0.0));
}

#[test]
fn bg_nbd_point_checks() {
    // At the fitted parameters (Fader, Hardie & Lee 2005; lifetimes 0.11.3).
    let m = BetaGeo::new(0.2425945, 4.4136027, 0.7929218, 2.4259057).expect("params");
    assert!(rel(m.conditional_expected_purchases(39.0, 2.0, 30.43, 38.86), 1.22591) < 1e-5);
    for (t, want) in [(1.0, 0.0532), (3.0, 0.1506), (32.0, 1.0437), (78.0, 1.8580)] {
        assert!(
            (m.expected_purchases(t) - want).abs() < 5e-5,
            "E[X({t})] = {}",
            m.expected_purchases(t)
        );
    }
    assert!((m.probability_of_purchases(39.0, 0) - 0.57431).abs() < 5e-6);
    // At the rounded published parameters.
    let p = BetaGeo::new(0.243, 4.414, 0.793, 2.426).expect("params");
    assert!((p.probability_of_purchases(39.0, 0) - 0.573786).abs() < 5e-7);
    assert!(rel(p.probability_of_purchases(2.0, 10), 1.07869e-7) < 1e-5);
}

#[test]
fn pareto_nbd_fit_matches_the_reference_likelihood() {
    let d = model_input();
    let data = CustomerData {
        frequency: &d.x,
        recency: &d.t_x,
        t: &d.t,
    };
    let m = ParetoNbd::fit(&data, &FitOptions::default()).expect("fit");
    let fit = m.fit_report().expect("report");
    println!("{m:?}");
    assert!(
        (fit.log_likelihood - (-9594.98)).abs() < 0.01,
        "LL {}",
        fit.log_likelihood
    );
    three_digits("r", m.r(), 0.5533);
    three_digits("alpha", m.alpha(), 10.5763);
    three_digits("s", m.s(), 0.6062);
}

#[test]
fn pareto_nbd_point_checks() {
    let m = ParetoNbd::new(0.5532622, 10.5775399, 0.6062388, 11.6686284).expect("params");
    assert!(rel(m.conditional_expected_purchases(52.0, 26.0, 30.86, 31.0), 25.4564) < 1e-5);
    assert!((m.probability_alive(26.0, 30.86, 31.0) - 0.997918).abs() < 1e-6);
}

#[test]
fn mbg_nbd_fit_matches_lifetimes() {
    let d = model_input();
    let data = CustomerData {
        frequency: &d.x,
        recency: &d.t_x,
        t: &d.t,
    };
    let m = ModifiedBetaGeo::fit(&data, &FitOptions::default()).expect("fit");
    let fit = m.fit_report().expect("report");
    println!("{m:?}");
    assert!(
        (fit.log_likelihood - (-9582.13)).abs() < 0.01,
        "LL {}",
        fit.log_likelihood
    );
    three_digits("r", m.r(), 0.5248);
    three_digits("alpha", m.alpha(), 6.1831);
    three_digits("a", m.a(), 0.8914);
    three_digits("b", m.b(), 1.6140);
}

#[test]
fn gamma_gamma_fit_matches_fader_hardie() {
    let d = model_input();
    let m = GammaGamma::fit(&d.x, &d.zbar, &FitOptions::default()).expect("fit");
    let fit = m.fit_report().expect("report");
    println!("{m:?}");
    assert_eq!(fit.customers, 946.0);
    assert!(
        (fit.log_likelihood - (-4055.92)).abs() < 0.01,
        "LL {}",
        fit.log_likelihood
    );
    three_digits("p", m.p(), 6.2496);
    three_digits("q", m.q(), 3.7442);
    three_digits("v", m.v(), 15.4435);
}
