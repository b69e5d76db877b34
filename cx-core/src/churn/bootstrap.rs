//! Intervals for predictions from the uncertainty of the fitted parameters
//! (not the Poisson noise of the future count; for that, see
//! [`ChurnModel::purchases_quantile`](super::ChurnModel::purchases_quantile)),
//! per customer and for the total over customers.
//!
//! Two methods (REFERENCES.md §6(g)):
//! - **parametric**: log-parameters drawn from N(φ̂, H⁻¹), the fit's
//!   normal approximation; no refits, so thousands of replicates are cheap;
//! - **customers**: customers resampled with replacement to the same count
//!   (as CLVTools' `uncertainty = "boots"`), the model refitted from the
//!   estimate, and each replicate's parameters predicting every customer.
//!
//! Replicates run on all cores (feature `parallel`); replicate b draws from
//! its own generator seeded by (`seed`, b), so the result does not depend on
//! the number of threads.

use rand::{RngExt, SeedableRng, rngs::StdRng};
use rand_distr::{Distribution, StandardNormal, weighted::WeightedIndex};
use serde::{Deserialize, Serialize};

use super::fit::{cholesky, covariance};
use super::{AnyModel, Columns, FitOptions, Prediction, fit_model_weighted, predict};
use crate::error::{CxError, Result};

/// The most replicates × rows a bootstrap keeps (1.6 GB of predictions).
pub const MAX_CELLS: u64 = 200_000_000;

/// The most customers the customers method resamples per replicate.
pub const MAX_CUSTOMERS: f64 = 1e8;

/// How the parameter uncertainty is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BootstrapMethod {
    /// Log-parameters from the fit's normal approximation N(φ̂, H⁻¹).
    Parametric,
    /// Customers resampled with replacement and the model refitted.
    Customers,
}

/// Options of [`bootstrap`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct BootstrapOptions {
    /// `parametric` (default) or `customers`.
    pub method: BootstrapMethod,
    /// Replicates (200 by default; CLVTools warns below 1,000 for final
    /// numbers).
    pub replicates: u32,
    /// Interval level (0.9 by default): the plain percentile interval.
    pub level: f64,
    /// Seed of the replicates' generators.
    pub seed: u64,
}

impl Default for BootstrapOptions {
    fn default() -> Self {
        BootstrapOptions {
            method: BootstrapMethod::Parametric,
            replicates: 200,
            level: 0.9,
            seed: 0,
        }
    }
}

/// An estimate with its interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Interval {
    /// At the fitted parameters.
    pub estimate: f64,
    /// Lower end.
    pub low: f64,
    /// Upper end.
    pub high: f64,
}

/// Per-customer and total intervals of one prediction.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Bootstrap {
    /// The method used.
    pub method: BootstrapMethod,
    /// Replicates asked for.
    pub replicates: u32,
    /// Replicates left out (a refit that did not converge, or drawn
    /// parameters that are not valid); the intervals use the rest.
    pub failed: u32,
    /// The interval level.
    pub level: f64,
    /// The prediction at the fitted parameters, per customer.
    pub estimate: Vec<f64>,
    /// Lower ends, per customer.
    pub low: Vec<f64>,
    /// Upper ends, per customer.
    pub high: Vec<f64>,
    /// The sum over customers (e.g. total expected purchases).
    pub total: Interval,
}

fn need<'a>(c: Option<&'a [f64]>, name: &'static str) -> Result<&'a [f64]> {
    c.ok_or_else(|| CxError::invalid(name, "missing", format!("a `{name}` column for bootstrap")))
}

/// The model `like` with the natural parameters `p` (in its own order).
fn with_params(like: &AnyModel, p: &[f64]) -> Result<AnyModel> {
    let mut v = serde_json::Map::new();
    v.insert("model".into(), super::model_name(like).into());
    for ((name, _), value) in like.params().iter().zip(p) {
        v.insert((*name).into(), (*value).into());
    }
    AnyModel::from_json(&serde_json::Value::Object(v).to_string())
}

/// The q-quantile (linear interpolation between order statistics, as
/// numpy's default) of sorted `v`.
fn quantile(v: &[f64], q: f64) -> f64 {
    if v.is_empty() {
        return f64::NAN;
    }
    let h = q * (v.len() - 1) as f64;
    let (lo, hi) = (h.floor() as usize, h.ceil() as usize);
    v[lo] + (h - lo as f64) * (v[hi] - v[lo])
}

/// Runs `f(b)` for b in 0..n, on all cores with the `parallel` feature.
fn replicate<T: Send>(n: u32, f: impl Fn(u32) -> T + Sync + Send) -> Vec<T> {
    #[cfg(feature = "parallel")]
    {
        use rayon::prelude::*;
        (0..n).into_par_iter().map(f).collect()
    }
    #[cfg(not(feature = "parallel"))]
    {
        (0..n).map(f).collect()
    }
}

/// Intervals of `prediction` for the rows of `target` (the customers of
/// `data` when `None`; periods `t` for a new customer's expectation) from
/// the uncertainty of `model`'s parameters, a model fitted to `data` (with
/// `weights` if it was fitted with them).
///
/// # Errors
/// [`CxError::InvalidParameter`] for 0 replicates, a level outside (0, 1),
/// a model that is not a fitted purchase model (the parametric method needs
/// the fit's Hessian; gamma-gamma has no bootstrap here); the errors of
/// [`predict`].
pub fn bootstrap(
    model: &AnyModel,
    data: &Columns<'_>,
    weights: Option<&[f64]>,
    prediction: &Prediction,
    target: Option<&Columns<'_>>,
    options: &BootstrapOptions,
) -> Result<Bootstrap> {
    let columns = target.unwrap_or(data);
    if options.replicates == 0 {
        return Err(CxError::invalid("replicates", 0, "at least 1 replicate"));
    }
    if !(options.level > 0.0 && options.level < 1.0) {
        return Err(CxError::invalid(
            "level",
            options.level,
            "a number strictly between 0 and 1",
        ));
    }
    let name = super::model_name(model);
    if matches!(model, AnyModel::GammaGamma(_)) {
        return Err(CxError::invalid(
            "model",
            name,
            "a purchase model (bg_nbd, mbg_nbd, pareto_nbd) for bootstrap",
        ));
    }
    let estimate = predict(model, prediction, columns)?;
    // Every replicate's predictions are kept until the quantiles: bound the memory.
    let cells = u64::from(options.replicates) * estimate.len() as u64;
    if cells > MAX_CELLS {
        return Err(CxError::invalid(
            "replicates",
            options.replicates,
            format!(
                "at most {MAX_CELLS} replicates × rows ({} rows here)",
                estimate.len()
            ),
        ));
    }
    // The fit's own input: checked, and compressed to distinct (x, tₓ, T)
    // rows with their counts, which the customers method resamples.
    let rows = super::CustomerData {
        frequency: need(data.frequency, "frequency")?,
        recency: need(data.recency, "recency")?,
        t: need(data.t, "t")?,
    }
    .rows_weighted(weights)?;
    let theta: Vec<f64> = model.params().iter().map(|(_, v)| *v).collect();
    let fit_options = FitOptions {
        initial: Some(theta.clone()),
        accept_unconverged: true,
        ..FitOptions::default()
    };
    match options.method {
        BootstrapMethod::Parametric => {
            let r = &rows;
            let phi: Vec<f64> = theta.iter().map(|v| v.ln()).collect();
            let cov = match model {
                AnyModel::BgNbd(_) => covariance::<super::bgnbd::BgModel>(r, &phi),
                AnyModel::MbgNbd(_) => covariance::<super::bgnbd::MbgModel>(r, &phi),
                _ => covariance::<super::pareto::PnbdModel>(r, &phi),
            };
            let l = cov.as_deref().and_then(cholesky).ok_or_else(|| {
                CxError::invalid(
                    "method",
                    "parametric",
                    "a fit whose Hessian is positive definite (use the customers method)",
                )
            })?;
            let results = replicate(options.replicates, |b| {
                let mut rng = generator(options.seed, b);
                let z: Vec<f64> = (0..phi.len()).map(|_| rng.sample(StandardNormal)).collect();
                let p: Vec<f64> = (0..phi.len())
                    .map(|i| (phi[i] + (0..=i).map(|j| l[i][j] * z[j]).sum::<f64>()).exp())
                    .collect();
                let m = with_params(model, &p).ok()?;
                predict(&m, prediction, columns).ok()
            });
            summarize(estimate, results, options)
        }
        BootstrapMethod::Customers => {
            let total = rows.w.iter().sum::<f64>().round();
            if total > MAX_CUSTOMERS {
                return Err(CxError::invalid(
                    "weights",
                    total,
                    format!("at most {MAX_CUSTOMERS} customers to resample (the weights' sum)"),
                ));
            }
            let n = total as usize;
            let pick = WeightedIndex::new(&rows.w)
                .map_err(|e| CxError::invalid("weights", "unusable", e.to_string()))?;
            let rows = &rows;
            let fit_options = &fit_options;
            let pick = &pick;
            // Borrowing closures cannot be boxed for 'static; run inline below.
            let results = replicate(options.replicates, |b| {
                let mut rng = generator(options.seed, b);
                let mut counts = vec![0.0; rows.w.len()];
                for _ in 0..n {
                    counts[pick.sample(&mut rng)] += 1.0;
                }
                let cols = Columns {
                    frequency: Some(&rows.x),
                    recency: Some(&rows.tx),
                    t: Some(&rows.t),
                    monetary_value: None,
                };
                let refit = fit_model_weighted(name, &cols, Some(&counts), fit_options).ok()?;
                let converged = refit.fit_report().is_some_and(|r| r.converged);
                converged
                    .then(|| predict(&refit, prediction, columns).ok())
                    .flatten()
            });
            summarize(estimate, results, options)
        }
    }
}

/// Replicate `b`'s own generator: the result does not depend on which
/// thread runs which replicate.
fn generator(seed: u64, b: u32) -> StdRng {
    StdRng::seed_from_u64(seed ^ (u64::from(b) + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15))
}

fn summarize(
    estimate: Vec<f64>,
    results: Vec<Option<Vec<f64>>>,
    options: &BootstrapOptions,
) -> Result<Bootstrap> {
    let ok: Vec<Vec<f64>> = results.into_iter().flatten().collect();
    let failed = options.replicates - ok.len() as u32;
    if ok.is_empty() {
        return Err(CxError::NotConverged {
            argument: "bootstrap",
            reason: format!("none of the {} replicates gave a prediction", options.replicates),
        });
    }
    let (a, b) = ((1.0 - options.level) / 2.0, 1.0 - (1.0 - options.level) / 2.0);
    let n = estimate.len();
    let (mut low, mut high) = (Vec::with_capacity(n), Vec::with_capacity(n));
    let mut column = Vec::with_capacity(ok.len());
    for i in 0..n {
        column.clear();
        column.extend(ok.iter().map(|r| r[i]).filter(|v| v.is_finite()));
        column.sort_by(f64::total_cmp);
        low.push(quantile(&column, a));
        high.push(quantile(&column, b));
    }
    let mut totals: Vec<f64> = ok
        .iter()
        .map(|r| r.iter().sum::<f64>())
        .filter(|v| v.is_finite())
        .collect();
    totals.sort_by(f64::total_cmp);
    Ok(Bootstrap {
        method: options.method,
        replicates: options.replicates,
        failed,
        level: options.level,
        total: Interval {
            estimate: estimate.iter().sum(),
            low: quantile(&totals, a),
            high: quantile(&totals, b),
        },
        estimate,
        low,
        high,
    })
}
