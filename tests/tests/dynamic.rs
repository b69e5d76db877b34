//! Time-varying covariates in Pareto/NBD (Bachmann, Meierer & Näf 2021):
//! recovery of simulated effects of a campaign and of a customer's own
//! late-delivery weeks, the time-invariant model as the constant case, the
//! model without covariates as the γ = 0 case, and typed errors.

use cx::churn::{
    AnyModel, ChurnModel, CovariateOptions, Covariates, CustomerData, DynamicPrediction, ParetoNbd,
    PeriodCovariates, Prediction, Process, fit_covariates, fit_dynamic_covariates, predict_covariates,
    predict_dynamic,
};
use cx_tests::simulate::pareto_nbd_periods;
use rand::SeedableRng;
use rand::rngs::StdRng;
use rand_distr::{Distribution, Uniform};

const WEEKS: usize = 60;

/// Customers who start in the first 12 weeks and are observed to week 52;
/// covariates: a campaign in weeks 20–29 (everyone) and a late-delivery
/// spell of 6 weeks starting at a random week for a third of the customers.
struct World {
    first: Vec<f64>,
    t: Vec<f64>,
    values: Vec<Vec<f64>>,
    names: Vec<String>,
    boundaries: Vec<f64>,
}

fn world(n: usize, seed: u64) -> World {
    let mut rng = StdRng::seed_from_u64(seed);
    let start = Uniform::new(0.0, 12.0).expect("u");
    let week = Uniform::new(0.0_f64, 50.0).expect("u");
    let coin = Uniform::new(0.0, 1.0).expect("u");
    let first: Vec<f64> = (0..n).map(|_| start.sample(&mut rng)).collect();
    let t: Vec<f64> = first.iter().map(|f| 52.0 - f).collect();
    let mut values = vec![vec![0.0; n * WEEKS]; 2];
    for i in 0..n {
        let late_from = if coin.sample(&mut rng) < 1.0 / 3.0 {
            week.sample(&mut rng).floor() as usize
        } else {
            usize::MAX
        };
        for p in 0..WEEKS {
            values[0][i * WEEKS + p] = f64::from(u8::from((20..30).contains(&p)));
            values[1][i * WEEKS + p] = f64::from(u8::from(p >= late_from && p < late_from.saturating_add(6)));
        }
    }
    World {
        first,
        t,
        values,
        names: vec!["campaign".into(), "late".into()],
        boundaries: (0..=WEEKS).map(|w| w as f64).collect(),
    }
}

#[test]
fn recovers_campaign_and_late_delivery_effects() {
    let n = 2_500;
    let w = world(n, 3);
    let (gp, gd) = ([0.7, -0.5], [0.0, 1.0]);
    let (sim, purchases) = pareto_nbd_periods(
        [0.8, 8.0, 0.7, 20.0],
        &gp,
        &gd,
        &w.boundaries,
        &w.first,
        &w.t,
        4,
        |i, p| vec![w.values[0][i * WEEKS + p], w.values[1][i * WEEKS + p]],
    );
    let cols: Vec<&[f64]> = w.values.iter().map(Vec::as_slice).collect();
    let periods = PeriodCovariates {
        names: &w.names,
        boundaries: &w.boundaries,
        first: &w.first,
        columns: &cols,
        purchases: &purchases,
    };
    let data = CustomerData {
        frequency: &sim.x,
        recency: &sim.t_x,
        t: &sim.t,
    };
    let m = fit_dynamic_covariates(&data, &periods, &CovariateOptions::default()).expect("fit");
    let fit = m.fit.as_ref().expect("fit");
    assert!(m.time_varying && fit.converged, "{fit:?}");
    let want = [
        (gp[0], Process::Purchase),
        (gp[1], Process::Purchase),
        (gd[0], Process::Dropout),
        (gd[1], Process::Dropout),
    ];
    for (c, (g, process)) in m.coefficients.iter().zip(want) {
        assert_eq!(c.process, process);
        let se = c.standard_error.expect("se");
        assert!((c.estimate - g).abs() < 4.0 * se, "{c:?} vs {g}");
    }
    // The campaign and the late weeks are clearly there; the test against
    // the model without covariates rejects.
    assert!(m.coefficients[0].p_value.expect("p") < 1e-6);
    assert!(fit.likelihood_ratio.p_value < 1e-6, "{:?}", fit.likelihood_ratio);
    // The model round-trips through JSON and scores the same customers.
    let again = cx::churn::CovariateModel::from_json(&m.to_json()).expect("json");
    let ll = predict_dynamic(&again, &DynamicPrediction::LogLikelihood, &data, &periods).expect("ll");
    assert!((ll.iter().sum::<f64>() - fit.log_likelihood).abs() < 1e-8 * fit.log_likelihood.abs());
    let alive =
        predict_dynamic(&again, &DynamicPrediction::ProbabilityAlive, &data, &periods).expect("alive");
    assert!(alive.iter().all(|p| (0.0..=1.0).contains(p)));
}

/// Covariates that never change in time give the time-invariant model;
/// γ = 0 gives Pareto/NBD's P(alive) and expected purchases.
#[test]
fn constant_covariates_are_the_time_invariant_model() {
    let n = 1_500;
    let w = world(n, 9);
    // One covariate per customer, the same in every week.
    let z: Vec<f64> = (0..n).map(|i| ((i * 13) % 7) as f64 / 3.0 - 1.0).collect();
    let values: Vec<f64> = (0..n).flat_map(|i| std::iter::repeat_n(z[i], WEEKS)).collect();
    let names = vec!["z".to_string()];
    let (sim, purchases) = pareto_nbd_periods(
        [0.8, 8.0, 0.7, 20.0],
        &[0.5],
        &[-0.4],
        &w.boundaries,
        &w.first,
        &w.t,
        10,
        |i, _| vec![z[i]],
    );
    let vcols = [values.as_slice()];
    let periods = PeriodCovariates {
        names: &names,
        boundaries: &w.boundaries,
        first: &w.first,
        columns: &vcols,
        purchases: &purchases,
    };
    let data = CustomerData {
        frequency: &sim.x,
        recency: &sim.t_x,
        t: &sim.t,
    };
    let dynamic = fit_dynamic_covariates(&data, &periods, &CovariateOptions::default()).expect("dynamic");
    let cols = [z.as_slice()];
    let cov = Covariates {
        names: &names,
        columns: &cols,
    };
    let fixed = fit_covariates("pareto_nbd", &data, &cov, &CovariateOptions::default()).expect("static");
    let (a, b) = (dynamic.fit.as_ref().expect("f"), fixed.fit.as_ref().expect("f"));
    assert!(
        (a.log_likelihood - b.log_likelihood).abs() < 1e-6 * b.log_likelihood.abs(),
        "{a:?} vs {b:?}"
    );
    for (c, d) in dynamic.coefficients.iter().zip(&fixed.coefficients) {
        assert!((c.estimate - d.estimate).abs() < 1e-4, "{c:?} vs {d:?}");
    }
    // Per customer: the time-varying likelihood of constant covariates is
    // the static model's.
    let columns = cx::churn::Columns {
        frequency: Some(&sim.x),
        recency: Some(&sim.t_x),
        t: Some(&sim.t),
        monetary_value: None,
    };
    let s = predict_covariates(&fixed, &Prediction::LogLikelihood, &columns, &cov).expect("static ll");
    let d = predict_dynamic(&fixed, &DynamicPrediction::LogLikelihood, &data, &periods).expect("dynamic ll");
    for i in 0..n {
        assert!(
            (s[i] - d[i]).abs() < 1e-9 * s[i].abs().max(1.0),
            "customer {i}: {} vs {}",
            s[i],
            d[i]
        );
    }
    let sp = predict_covariates(&fixed, &Prediction::ProbabilityAlive, &columns, &cov).expect("p");
    let dp = predict_dynamic(&fixed, &DynamicPrediction::ProbabilityAlive, &data, &periods).expect("p");
    for i in 0..n {
        assert!(
            (sp[i] - dp[i]).abs() < 1e-9,
            "customer {i}: {} vs {}",
            sp[i],
            dp[i]
        );
    }
    // Expected purchases over the next 6 weeks (the grid reaches week 60).
    let h = 6.0;
    let se = predict_covariates(
        &fixed,
        &Prediction::ConditionalExpectedPurchases { horizon: h },
        &columns,
        &cov,
    )
    .expect("e");
    let de = predict_dynamic(
        &fixed,
        &DynamicPrediction::ConditionalExpectedPurchases { horizon: h },
        &data,
        &periods,
    )
    .expect("e");
    for i in 0..n {
        assert!(
            (se[i] - de[i]).abs() < 1e-9 * se[i].max(1e-3),
            "customer {i}: {} vs {}",
            se[i],
            de[i]
        );
    }
    // And the plain model: γ = 0.
    let base = ParetoNbd::new(0.8, 8.0, 0.7, 20.0).expect("m");
    let mut zero = fixed.clone();
    zero.base = AnyModel::ParetoNbd(base.clone());
    zero.coefficients.iter_mut().for_each(|c| c.estimate = 0.0);
    let p = predict_dynamic(&zero, &DynamicPrediction::ProbabilityAlive, &data, &periods).expect("p");
    for i in (0..n).step_by(97) {
        let want = base.probability_alive(sim.x[i], sim.t_x[i], sim.t[i]);
        assert!((p[i] - want).abs() < 1e-10, "customer {i}: {} vs {want}", p[i]);
    }
}

#[test]
fn bad_period_covariates_are_typed_errors() {
    let w = world(50, 1);
    let zeros = vec![0.0; 50 * WEEKS];
    let x = vec![0.0; 50];
    let data = CustomerData {
        frequency: &x,
        recency: &x,
        t: &w.t,
    };
    let o = CovariateOptions::default();
    let periods = |boundaries: &'static [f64], values: &[Vec<f64>], purchases: &[f64]| -> cx::CxError {
        let cols: Vec<&[f64]> = values.iter().map(Vec::as_slice).collect();
        let p = PeriodCovariates {
            names: &w.names,
            boundaries,
            first: &w.first,
            columns: &cols,
            purchases,
        };
        fit_dynamic_covariates(&data, &p, &o).unwrap_err()
    };
    // A grid that ends before the observation does.
    let short: &'static [f64] = Box::leak((0..=40).map(f64::from).collect::<Vec<f64>>().into_boxed_slice());
    let e = periods(
        short,
        &[vec![0.0; 50 * 40], vec![0.0; 50 * 40]],
        &vec![0.0; 50 * 40],
    );
    assert_eq!(
        (e.code(), e.argument(), e.index()),
        ("out_of_range", "first", Some(0))
    );
    assert!(e.to_string().contains("cover"), "{e}");
    let grid: &'static [f64] = Box::leak(w.boundaries.clone().into_boxed_slice());
    // A NaN in a week the customer is observed names the customer row.
    let mut values = w.values.clone();
    values[1][7 * WEEKS + 30] = f64::NAN;
    let e = periods(grid, &values, &zeros);
    assert_eq!((e.code(), e.index()), ("covariate", Some(7)));
    assert!(
        e.to_string().contains("`late`") && e.to_string().contains("period 30"),
        "{e}"
    );
    // Purchases that do not add up to the frequency.
    let mut purchases = zeros.clone();
    purchases[3 * WEEKS + 40] = 1.0;
    let e = periods(grid, &w.values, &purchases);
    assert_eq!((e.code(), e.argument()), ("incompatible", "purchases"));
    // Wrong lengths.
    let e = periods(grid, &[w.values[0].clone(), w.values[1][1..].to_vec()], &zeros);
    assert_eq!((e.code(), e.argument()), ("covariate", "covariates"));
    assert!(e.to_string().contains("`late`"), "{e}");
}
