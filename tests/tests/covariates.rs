//! Time-invariant covariates in the purchase models: parameter recovery on
//! simulated customers (`../shared/REFERENCES.md` §7's recipe), the model
//! without covariates as the γ = 0 case, and the typed errors of bad
//! covariates.

use cx::CxError;
use cx::churn::{
    AnyModel, Coefficient, Columns, CovariateModel, CovariateOptions, Covariates, CustomerData, Prediction,
    Process, fit_covariates, predict, predict_covariates,
};
use cx_tests::cdnow::model_input;
use cx_tests::simulate::{Simulated, bg_nbd_with, pareto_nbd_with};
use rand::SeedableRng;
use rand::rngs::StdRng;
use rand_distr::{Bernoulli, Distribution, Normal};

/// z₁ ~ Bernoulli(0.5), z₂ ~ N(0, 1), seeded.
fn draw_covariates(n: usize, seed: u64) -> Vec<Vec<f64>> {
    let mut rng = StdRng::seed_from_u64(seed);
    let coin = Bernoulli::new(0.5).expect("p");
    let normal = Normal::new(0.0, 1.0).expect("sd");
    let z1 = (0..n)
        .map(|_| f64::from(u8::from(coin.sample(&mut rng))))
        .collect();
    let z2 = (0..n).map(|_| normal.sample(&mut rng)).collect();
    vec![z1, z2]
}

fn names() -> Vec<String> {
    vec!["z1".into(), "z2".into()]
}

fn data(s: &Simulated) -> CustomerData<'_> {
    CustomerData {
        frequency: &s.x,
        recency: &s.t_x,
        t: &s.t,
    }
}

fn coefficient(covariate: &str, process: Process, estimate: f64) -> Coefficient {
    Coefficient {
        covariate: covariate.into(),
        process,
        estimate,
        standard_error: None,
        z: None,
        p_value: None,
        lower: None,
        upper: None,
    }
}

/// A covariate model with given parameters (the truth of a simulation).
fn truth(base: AnyModel, coefficients: Vec<Coefficient>) -> CovariateModel {
    CovariateModel {
        base,
        covariates: names(),
        means: vec![0.0, 0.0],
        coefficients,
        effects: vec![],
        covariance: None,
        level: 0.95,
        time_varying: false,
        fit: None,
    }
}

fn total_ll(m: &CovariateModel, s: &Simulated, cov: &Covariates<'_>) -> f64 {
    m.log_likelihood(&data(s), cov).expect("ll").iter().sum()
}

/// REFERENCES.md §7's recovery recipe for Pareto/NBD: 10,000 customers,
/// r 0.55, α₀ 10.5, s 0.6, β₀ 11.7, γ_purchase (0.4, −0.3), γ_dropout
/// (−0.5, 0.2). Pass: 2(ℓ̂ − ℓ_true) below χ²₈(0.999) = 26.12, and r, α₀
/// and the four γ within 4 Hessian standard errors (s and β₀ are weakly
/// identified, judged through the likelihood ratio only).
#[test]
fn pareto_nbd_recovers_the_simulated_covariate_effects() {
    let n = 10_000;
    let (gp, gd) = ([0.4, -0.3], [-0.5, 0.2]);
    for seed in [11_u64, 12] {
        let z = draw_covariates(n, seed);
        let sim = pareto_nbd_with(n, (27.0, 39.0), seed + 100, |i| {
            let (zp, zd) = (
                gp[0] * z[0][i] + gp[1] * z[1][i],
                gd[0] * z[0][i] + gd[1] * z[1][i],
            );
            [0.55, 10.5 * (-zp).exp(), 0.6, 11.7 * (-zd).exp()]
        });
        let names = names();
        let cols: Vec<&[f64]> = z.iter().map(Vec::as_slice).collect();
        let cov = Covariates {
            names: &names,
            columns: &cols,
        };
        let m = fit_covariates("pareto_nbd", &data(&sim), &cov, &CovariateOptions::default()).expect("fit");
        let fit = m.fit.as_ref().expect("report");
        assert!(fit.converged, "seed {seed}: {fit:?}");
        let true_model = truth(
            AnyModel::ParetoNbd(cx::churn::ParetoNbd::new(0.55, 10.5, 0.6, 11.7).expect("model")),
            vec![
                coefficient("z1", Process::Purchase, gp[0]),
                coefficient("z2", Process::Purchase, gp[1]),
                coefficient("z1", Process::Dropout, gd[0]),
                coefficient("z2", Process::Dropout, gd[1]),
            ],
        );
        let lr = 2.0 * (fit.log_likelihood - total_ll(&true_model, &sim, &cov));
        assert!((0.0..26.12).contains(&lr), "seed {seed}: 2Δℓ = {lr}");
        let cv = m.covariance.as_ref().expect("covariance");
        let p = m.base.params();
        for (j, want) in [(0, 0.55_f64), (1, 10.5)] {
            let se = cv[j][j].sqrt(); // on the log scale
            let dev = (p[j].1.ln() - want.ln()) / se;
            assert!(
                dev.abs() < 4.0,
                "seed {seed}: {} = {} is {dev:.1} SE off",
                p[j].0,
                p[j].1
            );
        }
        let want = [gp[0], gp[1], gd[0], gd[1]];
        for (c, w) in m.coefficients.iter().zip(want) {
            let se = c.standard_error.expect("se");
            let dev = (c.estimate - w) / se;
            assert!(dev.abs() < 4.0, "seed {seed}: {c:?} is {dev:.1} SE from {w}");
            assert!(
                c.p_value.expect("p") < 1e-3,
                "seed {seed}: {c:?} should be clearly non-zero"
            );
        }
        // The covariates matter: the test against the model without them.
        assert!(fit.likelihood_ratio.p_value < 1e-10, "{:?}", fit.likelihood_ratio);
        assert_eq!(fit.likelihood_ratio.df, 4);
        // Effects: a unit of z₁ multiplies the purchase rate by e^{0.4}.
        let e = m
            .effects
            .iter()
            .find(|e| e.covariate == "z1" && e.on == "purchase_rate")
            .expect("effect");
        assert!((e.percent - 100.0 * m.coefficients[0].estimate.exp_m1()).abs() < 1e-9);
        let (lo, hi) = (e.lower.expect("lower"), e.upper.expect("upper"));
        assert!(lo < e.percent && e.percent < hi);
        let c = &m.coefficients[0];
        assert!((lo - 100.0 * c.lower.expect("l").exp_m1()).abs() < 1e-6 * (1.0 + lo.abs()));
    }
}

/// BG/NBD with covariates on α and on a and b (the PyMC-Marketing
/// linking): 30 replications of 2,000 customers; the 95 % Wald intervals
/// of the coefficients cover the truth about 95 % of the time (at least
/// 80 % per coefficient, a bound 30 binomial draws at 0.95 break with
/// probability 0.002); the empirical coverage is printed.
#[test]
fn bg_nbd_wald_intervals_cover_the_truth() {
    let (n, reps) = (2_000, 30);
    let truth_g = [0.4, -0.3, 0.6, 0.0, -0.4, 0.3];
    let mut covered = [0usize; 6];
    for rep in 0..reps {
        let z = draw_covariates(n, 500 + rep);
        let sim = bg_nbd_with(n, (27.0, 39.0), 900 + rep, false, |i| {
            let g = |k: usize| truth_g[2 * k] * z[0][i] + truth_g[2 * k + 1] * z[1][i];
            [0.8, 6.0 * (-g(0)).exp(), 0.9 * g(1).exp(), 2.5 * g(2).exp()]
        });
        let names = names();
        let cols: Vec<&[f64]> = z.iter().map(Vec::as_slice).collect();
        let cov = Covariates {
            names: &names,
            columns: &cols,
        };
        let m = fit_covariates("bg_nbd", &data(&sim), &cov, &CovariateOptions::default()).expect("fit");
        assert!(m.fit.as_ref().expect("fit").converged);
        // Order: purchase z1, z2; on a: z1, z2; on b: z1, z2.
        let processes: Vec<Process> = m.coefficients.iter().map(|c| c.process).collect();
        assert_eq!(
            processes,
            [
                Process::Purchase,
                Process::Purchase,
                Process::DropoutA,
                Process::DropoutA,
                Process::DropoutB,
                Process::DropoutB
            ]
        );
        for (k, c) in m.coefficients.iter().enumerate() {
            if c.lower.expect("lower") <= truth_g[k] && truth_g[k] <= c.upper.expect("upper") {
                covered[k] += 1;
            }
        }
    }
    let coverage: Vec<f64> = covered.iter().map(|&c| c as f64 / reps as f64).collect();
    println!("BG/NBD 95 % Wald coverage over {reps} replications: {coverage:?}");
    for (k, c) in coverage.iter().enumerate() {
        assert!(*c >= 0.8, "coefficient {k}: coverage {c}");
    }
    let mean = coverage.iter().sum::<f64>() / coverage.len() as f64;
    assert!(mean >= 0.88, "mean coverage {mean}");
}

/// MBG/NBD: a strong covariate on the drop-out shows up with the right
/// sign, and the fit beats the model without covariates.
#[test]
fn mbg_nbd_finds_a_dropout_covariate() {
    let n = 4_000;
    let z = draw_covariates(n, 77);
    let sim = bg_nbd_with(n, (27.0, 39.0), 78, true, |i| {
        [0.8, 6.0, 0.9 * (1.2 * z[0][i]).exp(), 2.5]
    });
    let names = names();
    let cols: Vec<&[f64]> = z.iter().map(Vec::as_slice).collect();
    let cov = Covariates {
        names: &names,
        columns: &cols,
    };
    let opts = CovariateOptions {
        purchase: Some(vec![]),
        dropout: Some(vec!["z1".into()]),
        ..Default::default()
    };
    let cov1 = Covariates {
        names: &names[..1],
        columns: &cols[..1],
    };
    let m = fit_covariates("mbg_nbd", &data(&sim), &cov1, &opts).expect("fit");
    let a = m
        .coefficients
        .iter()
        .find(|c| c.process == Process::DropoutA)
        .expect("on a");
    assert!(
        (a.lower.expect("l")..=a.upper.expect("u")).contains(&1.2) || (a.estimate - 1.2).abs() < 0.4,
        "{a:?}"
    );
    let e = m
        .effects
        .iter()
        .find(|e| e.on == "dropout_probability")
        .expect("effect");
    assert!(e.percent > 20.0, "more drop-out with z1: {e:?}");
    assert!(m.fit.as_ref().expect("fit").likelihood_ratio.p_value < 1e-6);
    // A covariate that is not named in the options is an error, not ignored.
    let e = fit_covariates("mbg_nbd", &data(&sim), &cov, &opts).unwrap_err();
    assert_eq!((e.code(), e.argument()), ("covariate", "covariates"));
    assert!(e.to_string().contains("`z2`"), "{e}");
}

/// With every γ = 0 the likelihood and the predictions are the model's
/// own, to the last bit; the JSON round trip keeps the model.
#[test]
fn zero_coefficients_are_the_model_without_covariates() {
    let input = model_input();
    let d = input.data();
    let n = d.frequency.len();
    let z: Vec<f64> = (0..n).map(|i| (i % 7) as f64 - 3.0).collect();
    let names = vec!["z".to_string()];
    let cols = [z.as_slice()];
    let cov = Covariates {
        names: &names,
        columns: &cols,
    };
    let bases = [
        AnyModel::ParetoNbd(cx::churn::ParetoNbd::new(0.5533, 10.5776, 0.6061, 11.6650).expect("m")),
        AnyModel::BgNbd(cx::churn::BetaGeo::new(0.243, 4.414, 0.793, 2.426).expect("m")),
        AnyModel::MbgNbd(cx::churn::ModifiedBetaGeo::new(0.525, 6.183, 0.891, 1.614).expect("m")),
    ];
    for base in bases {
        let processes: &[Process] = if matches!(base, AnyModel::ParetoNbd(_)) {
            &[Process::Purchase, Process::Dropout]
        } else {
            &[Process::Purchase, Process::DropoutA, Process::DropoutB]
        };
        let m = CovariateModel {
            base: base.clone(),
            covariates: names.clone(),
            means: vec![0.0],
            coefficients: processes.iter().map(|p| coefficient("z", *p, 0.0)).collect(),
            effects: vec![],
            covariance: None,
            level: 0.95,
            time_varying: false,
            fit: None,
        };
        let m = CovariateModel::from_json(&m.to_json()).expect("round trip");
        let columns = input.columns();
        for prediction in [
            Prediction::LogLikelihood,
            Prediction::ProbabilityAlive,
            Prediction::ConditionalExpectedPurchases { horizon: 39.0 },
        ] {
            let with = predict_covariates(&m, &prediction, &columns, &cov).expect("with");
            let without = predict(&base, &prediction, &columns).expect("without");
            assert_eq!(with, without, "{prediction:?}");
        }
        // And a non-zero coefficient is the model with the customer's α.
        let mut moved = m.clone();
        moved.coefficients[0].estimate = 0.3;
        let p = predict_covariates(&moved, &Prediction::ProbabilityAlive, &columns, &cov).expect("p");
        let i = 5;
        let own = moved.customer_model(&[z[i]]).expect("customer");
        let want =
            own.purchase_model()
                .expect("purchase")
                .probability_alive(d.frequency[i], d.recency[i], d.t[i]);
        assert_eq!(p[i], want);
        let alpha = own.params()[1].1;
        assert!((alpha - base.params()[1].1 * (-0.3 * z[i]).exp()).abs() < 1e-12 * alpha);
    }
}

/// CDNOW with a covariate that is pure noise: the coefficients are small,
/// not significant, and the likelihood-ratio test does not reject.
#[test]
fn a_noise_covariate_on_cdnow_is_not_significant() {
    let input = model_input();
    let d = input.data();
    let n = d.frequency.len();
    let noise = draw_covariates(n, 4242).remove(1);
    let names = vec!["noise".to_string()];
    let cols = [noise.as_slice()];
    let cov = Covariates {
        names: &names,
        columns: &cols,
    };
    let m = fit_covariates("bg_nbd", &d, &cov, &CovariateOptions::default()).expect("fit");
    let fit = m.fit.as_ref().expect("fit");
    // The null is the published BG/NBD fit (FHL 2005: ln L −9582.4).
    assert!(
        (fit.likelihood_ratio.null_log_likelihood + 9582.43).abs() < 0.01,
        "{fit:?}"
    );
    assert!(fit.likelihood_ratio.p_value > 0.001, "{fit:?}");
    assert!(fit.log_likelihood >= fit.likelihood_ratio.null_log_likelihood - 1e-9);
    assert!(
        (fit.likelihood_ratio.statistic
            - 2.0 * (fit.log_likelihood - fit.likelihood_ratio.null_log_likelihood))
            .abs()
            < 1e-9
    );
    assert_eq!(fit.customers, n);
    assert_eq!(fit.parameters, 7);
}

fn err(model: &str, cols: &[&[f64]], names: &[&str], opts: &CovariateOptions) -> CxError {
    let input = model_input();
    let d = input.data();
    let names: Vec<String> = names.iter().map(|s| (*s).to_owned()).collect();
    let cov = Covariates {
        names: &names,
        columns: cols,
    };
    fit_covariates(model, &d, &cov, opts).unwrap_err()
}

#[test]
fn bad_covariates_are_typed_errors_naming_the_column_and_row() {
    let n = model_input().data().frequency.len();
    let good: Vec<f64> = (0..n).map(|i| (i % 5) as f64).collect();
    let other: Vec<f64> = (0..n).map(|i| ((i * 7) % 11) as f64).collect();
    let mut nan = good.clone();
    nan[17] = f64::NAN;
    let constant = vec![2.0; n];
    let twice: Vec<f64> = good.iter().zip(&other).map(|(a, b)| 2.0 * a - b).collect();
    let o = CovariateOptions::default();

    let e = err("pareto_nbd", &[&good, &nan], &["late", "days"], &o);
    assert_eq!(
        (e.code(), e.argument(), e.index()),
        ("covariate", "covariates", Some(17))
    );
    assert!(
        e.to_string().contains("`days`") && e.to_string().contains("NaN"),
        "{e}"
    );

    let e = err("bg_nbd", &[&constant], &["store"], &o);
    assert!(
        e.to_string().contains("`store`") && e.to_string().contains("never varies"),
        "{e}"
    );

    let e = err("bg_nbd", &[&good, &other, &twice], &["a", "b", "c"], &o);
    assert!(
        e.to_string().contains("`c`") && e.to_string().contains("linear combination"),
        "{e}"
    );

    let e = err("bg_nbd", &[&good, &good[..10]], &["a", "b"], &o);
    assert!(
        e.to_string().contains("`b`") && e.to_string().contains("10 values"),
        "{e}"
    );

    let e = err("bg_nbd", &[&good, &other], &["a", "a"], &o);
    assert!(e.to_string().contains("given twice"), "{e}");

    let shared = CovariateOptions {
        shared: vec!["a".into()],
        ..Default::default()
    };
    let e = err("bg_nbd", &[&good], &["a"], &shared);
    assert!(e.to_string().contains("pareto_nbd only"), "{e}");

    let unknown = CovariateOptions {
        purchase: Some(vec!["nope".into()]),
        ..Default::default()
    };
    let e = err("pareto_nbd", &[&good], &["a"], &unknown);
    assert!(
        e.to_string().contains("`nope`") && e.to_string().contains("no such column"),
        "{e}"
    );

    let e = err("gamma_gamma", &[&good], &["a"], &o);
    assert_eq!((e.code(), e.argument()), ("invalid_parameter", "model"));

    let neg = CovariateOptions {
        penalty_dropout: -1.0,
        ..Default::default()
    };
    let e = err("pareto_nbd", &[&good], &["a"], &neg);
    assert_eq!((e.code(), e.argument()), ("invalid_parameter", "penalty_dropout"));

    let e = err("pareto_nbd", &[], &[], &o);
    assert_eq!(e.code(), "empty");

    // Malformed model JSON is a decode error, not a panic.
    for text in [
        "{}",
        r#"{"base":{"model":"gamma_gamma","p":1,"q":1,"v":1},"covariates":[],"means":[],"coefficients":[],"level":0.95}"#,
        r#"{"base":{"model":"bg_nbd","r":1,"alpha":1,"a":1,"b":1},"covariates":["z"],"means":[0],"coefficients":[{"covariate":"q","process":"purchase","estimate":1}],"level":0.95}"#,
        r#"{"base":{"model":"bg_nbd","r":1,"alpha":1,"a":1,"b":1},"covariates":["z"],"means":[0],"coefficients":[{"covariate":"z","process":"dropout","estimate":1}],"level":0.95}"#,
    ] {
        let e = CovariateModel::from_json(text).unwrap_err();
        assert_eq!(e.code(), "decode", "{text}");
    }
}

/// A shared coefficient (Pareto/NBD) is one number acting on α and β; an
/// L2 penalty pulls every coefficient toward 0.
#[test]
fn shared_coefficients_and_penalties() {
    let n = 3_000;
    let z = draw_covariates(n, 31);
    let sim = pareto_nbd_with(n, (27.0, 39.0), 32, |i| {
        let g = 0.5 * z[1][i];
        [0.55, 10.5 * (-g).exp(), 0.6, 11.7 * (-g).exp()]
    });
    let names = names();
    let cols: Vec<&[f64]> = z.iter().map(Vec::as_slice).collect();
    let cov = Covariates {
        names: &names[1..],
        columns: &cols[1..],
    };
    let shared = CovariateOptions {
        shared: vec!["z2".into()],
        ..Default::default()
    };
    let m = fit_covariates("pareto_nbd", &data(&sim), &cov, &shared).expect("fit");
    assert_eq!(m.coefficients.len(), 1);
    assert_eq!(m.coefficients[0].process, Process::Both);
    let c = &m.coefficients[0];
    assert!(
        (c.estimate - 0.5).abs() < 4.0 * c.standard_error.expect("se"),
        "{c:?}"
    );
    let free = fit_covariates("pareto_nbd", &data(&sim), &cov, &CovariateOptions::default()).expect("fit");
    // Two coefficients fit at least as well as one shared.
    assert!(free.fit.as_ref().expect("f").log_likelihood >= m.fit.as_ref().expect("f").log_likelihood - 1e-6);
    let heavy = CovariateOptions {
        penalty_purchase: 10.0,
        penalty_dropout: 10.0,
        ..Default::default()
    };
    let p = fit_covariates("pareto_nbd", &data(&sim), &cov, &heavy).expect("fit");
    for (a, b) in p.coefficients.iter().zip(&free.coefficients) {
        assert!(a.estimate.abs() < 0.2 * b.estimate.abs(), "{a:?} vs {b:?}");
    }
    // Predictions use each customer's own rates: a customer with high z₂
    // buys more.
    let columns = Columns {
        frequency: Some(&[2.0, 2.0]),
        recency: Some(&[20.0, 20.0]),
        t: Some(&[30.0, 30.0]),
        monetary_value: None,
    };
    let zz = [-1.0, 1.0];
    let zc = [zz.as_slice()];
    let cov2 = Covariates {
        names: &names[1..],
        columns: &zc,
    };
    let e = predict_covariates(
        &m,
        &Prediction::ConditionalExpectedPurchases { horizon: 10.0 },
        &columns,
        &cov2,
    )
    .expect("predict");
    assert!(e[1] > e[0], "{e:?}");
    // A bad row of the customer columns names its row.
    let bad = Columns {
        frequency: Some(&[2.0, 2.0]),
        recency: Some(&[20.0, 40.0]),
        t: Some(&[30.0, 30.0]),
        monetary_value: None,
    };
    let e = predict_covariates(&m, &Prediction::ProbabilityAlive, &bad, &cov2).unwrap_err();
    assert_eq!(
        (e.code(), e.argument(), e.index()),
        ("out_of_range", "recency", Some(1))
    );
}
