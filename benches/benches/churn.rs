//! Churn models: each fit on CDNOW (2,357 customers, 1,016 distinct rows),
//! the BG/NBD fit on a million simulated customers, and per-customer
//! predictions (P(alive), conditional purchases, CLV) for a million.
#![allow(missing_docs)]

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use cx::churn::{
    AnyModel, BetaGeo, BootstrapMethod, BootstrapOptions, ChurnModel, ClvOptions, Columns, FitOptions,
    GammaGamma, ParetoNbd, Prediction, bootstrap, fit_model, lifetime_value, predict,
};
use cx_tests::cdnow::model_input;
use cx_tests::simulate;

fn cdnow_fits(c: &mut Criterion) {
    let d = model_input();
    let columns = Columns {
        frequency: Some(&d.x),
        recency: Some(&d.t_x),
        t: Some(&d.t),
        monetary_value: Some(&d.zbar),
    };
    let mut g = c.benchmark_group("fit_cdnow");
    g.sample_size(20);
    for model in ["bg_nbd", "mbg_nbd", "pareto_nbd", "gamma_gamma"] {
        g.bench_function(model, |b| {
            b.iter(|| fit_model(model, black_box(&columns), &FitOptions::default()).expect("fit"))
        });
    }
    g.finish();
    // 200 bootstrap replicates of the BG/NBD fit (issue: under 2 s).
    let bg = fit_model("bg_nbd", &columns, &FitOptions::default()).expect("fit");
    let p = Prediction::ConditionalExpectedPurchases { horizon: 39.0 };
    let mut g = c.benchmark_group("bootstrap_cdnow_200");
    g.sample_size(10);
    for method in [BootstrapMethod::Parametric, BootstrapMethod::Customers] {
        let o = BootstrapOptions {
            method,
            replicates: 200,
            ..BootstrapOptions::default()
        };
        g.bench_function(format!("{method:?}").to_lowercase(), |b| {
            b.iter(|| bootstrap(&bg, black_box(&columns), None, &p, None, &o).expect("bootstrap"))
        });
    }
    g.finish();
}

fn million(c: &mut Criterion) {
    let n = 1_000_000;
    let s = simulate::bg_nbd(0.8, 6.0, 0.9, 3.0, n, (20.0, 60.0), 1);
    // Ages in whole days over weeks, as a daily customer summary gives:
    // identical rows compress (the simulator's ages are continuous).
    let round = |v: &[f64]| v.iter().map(|x| (x * 7.0).round() / 7.0).collect::<Vec<f64>>();
    let (t, tx) = (round(&s.t), round(&s.t_x));
    let tx: Vec<f64> = tx.iter().zip(&t).map(|(a, b)| a.min(*b)).collect();
    let money: Vec<f64> = (0..n).map(|i| 20.0 + (i % 97) as f64).collect();
    let columns = Columns {
        frequency: Some(&s.x),
        recency: Some(&tx),
        t: Some(&t),
        monetary_value: Some(&money),
    };
    let mut g = c.benchmark_group("churn_1e6_customers");
    g.sample_size(10);
    g.throughput(Throughput::Elements(n as u64));
    for model in ["bg_nbd", "mbg_nbd", "gamma_gamma"] {
        g.bench_function(format!("fit_{model}"), |b| {
            b.iter(|| fit_model(model, black_box(&columns), &FitOptions::default()).expect("fit"))
        });
    }
    let bg = AnyModel::BgNbd(BetaGeo::new(0.8, 6.0, 0.9, 3.0).expect("params"));
    let pn = AnyModel::ParetoNbd(ParetoNbd::new(0.55, 10.58, 0.61, 11.67).expect("params"));
    let gg = AnyModel::GammaGamma(GammaGamma::new(6.25, 3.74, 15.44).expect("params"));
    g.bench_function("probability_alive_bg_nbd", |b| {
        b.iter(|| predict(&bg, &Prediction::ProbabilityAlive, black_box(&columns)).expect("predict"))
    });
    g.bench_function("probability_alive_pareto_nbd", |b| {
        b.iter(|| predict(&pn, &Prediction::ProbabilityAlive, black_box(&columns)).expect("predict"))
    });
    g.bench_function("conditional_purchases_bg_nbd", |b| {
        let p = Prediction::ConditionalExpectedPurchases { horizon: 13.0 };
        b.iter(|| predict(&bg, &p, black_box(&columns)).expect("predict"))
    });
    // The conditional PMF P(X = 0..=10) of the next 13 weeks, per customer
    // (one thread: the Rust API is per customer; the bindings' `predict`
    // runs the same on all cores).
    let bg_model = BetaGeo::new(0.8, 6.0, 0.9, 3.0).expect("params");
    g.bench_function("conditional_pmf_n10_bg_nbd", |b| {
        b.iter(|| {
            for i in 0..n {
                black_box(bg_model.conditional_pmf(13.0, 10, s.x[i], tx[i], t[i]));
            }
        })
    });
    g.bench_function("clv_12_months_bg_nbd", |b| {
        let o = ClvOptions {
            periods_per_month: 4.345,
            ..ClvOptions::default()
        };
        b.iter(|| lifetime_value(&bg, &gg, black_box(&columns), &o).expect("clv"))
    });
    g.finish();
}

/// The Pareto/NBD fit evaluates a ₂F₁ per distinct row and iteration, so
/// it is timed on 100,000 simulated customers (a million takes seconds per
/// fit; the ratio to BG/NBD carries over).
fn pareto_large(c: &mut Criterion) {
    let n = 100_000;
    let s = simulate::pareto_nbd(0.55, 10.58, 0.61, 11.67, n, (20.0, 60.0), 2);
    let round = |v: &[f64]| v.iter().map(|x| (x * 7.0).round() / 7.0).collect::<Vec<f64>>();
    let (t, tx) = (round(&s.t), round(&s.t_x));
    let tx: Vec<f64> = tx.iter().zip(&t).map(|(a, b)| a.min(*b)).collect();
    let columns = Columns {
        frequency: Some(&s.x),
        recency: Some(&tx),
        t: Some(&t),
        monetary_value: None,
    };
    let mut g = c.benchmark_group("churn_1e5_customers");
    g.sample_size(10);
    g.throughput(Throughput::Elements(n as u64));
    g.bench_function("fit_pareto_nbd", |b| {
        b.iter(|| fit_model("pareto_nbd", black_box(&columns), &FitOptions::default()).expect("fit"))
    });
    // Little drop-out in the data (a young shop, an early backtest
    // cut-off): the fit drifts along s, β → ∞ into the quadrature form of
    // the likelihood. 2,000 customers (it took 112 s for the demo shop's
    // 531 at its first cut-off before the integrand was taken relative to
    // its start; 5.8 s after).
    let few = simulate::pareto_nbd(2.0, 14.0, 2000.0, 60000.0, 2000, (10.0, 50.0), 5);
    let (ft, ftx) = (round(&few.t), round(&few.t_x));
    let ftx: Vec<f64> = ftx.iter().zip(&ft).map(|(a, b)| a.min(*b)).collect();
    let few_columns = Columns {
        frequency: Some(&few.x),
        recency: Some(&ftx),
        t: Some(&ft),
        monetary_value: None,
    };
    g.bench_function("fit_pareto_nbd_little_dropout_2000", |b| {
        b.iter(|| fit_model("pareto_nbd", black_box(&few_columns), &FitOptions::default()).expect("fit"))
    });
    // 200 customer-bootstrap refits of BG/NBD at 100,000 customers (issue:
    // under a minute).
    let bg_cols = {
        let s = simulate::bg_nbd(0.8, 6.0, 0.9, 3.0, n, (20.0, 60.0), 3);
        let round = |v: &[f64]| v.iter().map(|x| (x * 7.0).round() / 7.0).collect::<Vec<f64>>();
        let (t, tx) = (round(&s.t), round(&s.t_x));
        let tx: Vec<f64> = tx.iter().zip(&t).map(|(a, b)| a.min(*b)).collect();
        (s.x, tx, t)
    };
    let bg_columns = Columns {
        frequency: Some(&bg_cols.0),
        recency: Some(&bg_cols.1),
        t: Some(&bg_cols.2),
        monetary_value: None,
    };
    let bg = fit_model("bg_nbd", &bg_columns, &FitOptions::default()).expect("fit");
    g.bench_function("bootstrap_customers_200_bg_nbd", |b| {
        let o = BootstrapOptions {
            method: BootstrapMethod::Customers,
            replicates: 200,
            ..BootstrapOptions::default()
        };
        let p = Prediction::ProbabilityAlive;
        b.iter(|| bootstrap(&bg, black_box(&bg_columns), None, &p, None, &o).expect("bootstrap"))
    });
    let pn = ParetoNbd::new(0.55, 10.58, 0.61, 11.67).expect("params");
    g.bench_function("conditional_pmf_n10_pareto_nbd", |b| {
        b.iter(|| {
            for i in 0..n {
                black_box(pn.conditional_pmf(13.0, 10, s.x[i], tx[i], t[i]));
            }
        })
    });
    g.finish();
}

criterion_group!(benches, cdnow_fits, million, pareto_large);
criterion_main!(benches);
