//! Churn models with time-invariant covariates: 100,000 simulated customers
//! with 5 covariates (2 binary, 3 normal), every covariate on both
//! processes (Pareto/NBD 10 coefficients, BG/NBD and MBG/NBD 15), the fit
//! with standard errors and the likelihood-ratio test's null fit included
//! (issue target: under 2 s native). Prints each fit's iterations.
#![allow(missing_docs)]

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use cx::churn::{CovariateOptions, Covariates, CustomerData, fit_covariates};
use cx_tests::simulate::{bg_nbd_with, pareto_nbd_with};
use rand::SeedableRng;
use rand::rngs::StdRng;
use rand_distr::{Bernoulli, Distribution, Normal};

const N: usize = 100_000;

fn design() -> Vec<Vec<f64>> {
    let mut rng = StdRng::seed_from_u64(5);
    let coin = Bernoulli::new(0.3).expect("p");
    let normal = Normal::new(0.0, 1.0).expect("sd");
    (0..5)
        .map(|k| {
            (0..N)
                .map(|_| {
                    if k < 2 {
                        f64::from(u8::from(coin.sample(&mut rng)))
                    } else {
                        normal.sample(&mut rng)
                    }
                })
                .collect()
        })
        .collect()
}

fn fits(c: &mut Criterion) {
    let z = design();
    let names: Vec<String> = (1..=5).map(|k| format!("z{k}")).collect();
    let cols: Vec<&[f64]> = z.iter().map(Vec::as_slice).collect();
    let cov = Covariates {
        names: &names,
        columns: &cols,
    };
    let g = [0.3, -0.2, 0.1, -0.1, 0.05];
    let lin = |i: usize, s: f64| (0..5).map(|k| s * g[k] * z[k][i]).sum::<f64>();
    let pareto = pareto_nbd_with(N, (27.0, 39.0), 6, |i| {
        [
            0.55,
            10.5 * (-lin(i, 1.0)).exp(),
            0.6,
            11.7 * (-lin(i, -1.0)).exp(),
        ]
    });
    let bg = bg_nbd_with(N, (27.0, 39.0), 7, false, |i| {
        [0.7, 5.0 * (-lin(i, 1.0)).exp(), 0.8 * lin(i, 1.0).exp(), 2.5]
    });
    let mbg = bg_nbd_with(N, (27.0, 39.0), 8, true, |i| {
        [0.7, 5.0 * (-lin(i, 1.0)).exp(), 0.8 * lin(i, 1.0).exp(), 2.5]
    });
    let mut group = c.benchmark_group("covariates_100k_x5");
    group.sample_size(10);
    for (model, s) in [("bg_nbd", &bg), ("mbg_nbd", &mbg), ("pareto_nbd", &pareto)] {
        let d = CustomerData {
            frequency: &s.x,
            recency: &s.t_x,
            t: &s.t,
        };
        let m = fit_covariates(model, &d, &cov, &CovariateOptions::default()).expect("fit");
        let f = m.fit.as_ref().expect("report");
        println!(
            "{model}: {} coefficients, {} iterations, converged {}, LR {:.1} on {} df",
            m.coefficients.len(),
            f.iterations,
            f.converged,
            f.likelihood_ratio.statistic,
            f.likelihood_ratio.df
        );
        group.bench_function(model, |b| {
            b.iter(|| fit_covariates(model, black_box(&d), &cov, &CovariateOptions::default()).expect("fit"))
        });
    }
    group.finish();
}

criterion_group!(benches, fits);
criterion_main!(benches);
