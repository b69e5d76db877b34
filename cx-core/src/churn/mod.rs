//! Churn models of non-contractual retail: who is still alive, how many
//! purchases each customer will make, and what they are worth.
//!
//! | model | type |
//! |---|---|
//! | BG/NBD (Fader, Hardie & Lee 2005) | [`BetaGeo`] |
//! | MBG/NBD (Batislam, Denizel & Filiztekin 2007) | [`ModifiedBetaGeo`] |
//! | Pareto/NBD (Schmittlein, Morrison & Colombo 1987) | [`ParetoNbd`] |
//! | gamma-gamma spend (Fader, Hardie & Lee 2005) | [`GammaGamma`] |
//!
//! The input is the customer summary of [`crate::retention::customer_summary`]
//! ([`CustomerData`]). Fits maximize the likelihood on the log-parameters
//! with L-BFGS, over distinct (x, tₓ, T) rows weighted by their count; the
//! [`FitReport`] gives the log-likelihood, AIC/BIC, standard errors and
//! whether the optimizer converged. Every likelihood and prediction is
//! evaluated in log space, so that large frequencies and ages give finite
//! numbers. Models are serde values: fit in one language, score in another
//! ([`AnyModel`] reads any of them from JSON).

mod api;
mod bgbb;
mod bgnbd;
mod bootstrap;
mod clv;
mod covariates;
mod data;
mod dynamic;
pub(crate) mod fit;
mod forecast;
mod gamma_gamma;
mod pareto;
mod raw;
mod sbg;
mod special;
mod tracking;

use serde::{Deserialize, Serialize};

pub use api::{
    Columns, MODELS, Prediction, alive_path, fit_model, fit_model_weighted, holdout_check, lifetime_value,
    model_name, predict,
};
pub use bgbb::{BetaGeoBetaBinom, OpportunityData};
pub use bgnbd::{BetaGeo, ModifiedBetaGeo};
pub use bootstrap::{Bootstrap, BootstrapMethod, BootstrapOptions, Interval, bootstrap};
pub use clv::{
    ClvOptions, Freq, FrequencyBin, HoldoutCheck, calibration_vs_holdout, customer_lifetime_value,
    periods_per_month,
};
pub use covariates::{
    Coefficient, CovariateFit, CovariateModel, CovariateOptions, Covariates, Effect, LikelihoodRatio,
    Process, covariate_error, fit_covariates, predict_covariates,
};
pub use data::CustomerData;
pub use dynamic::{DynamicPrediction, PeriodCovariates, fit_dynamic_covariates, predict_dynamic};
pub use fit::{FitOptions, FitReport};
pub use gamma_gamma::GammaGamma;
pub use pareto::ParetoNbd;
pub use sbg::{ContractData, ShiftedBetaGeometric, survivors_to_rows};
pub use tracking::{Tracking, TrackingOptions, expected_cumulative_transactions};

use crate::error::{CxError, Result};

/// Predictions every purchase model makes.
pub trait ChurnModel {
    /// Probability that a customer with history (x, tₓ, T) is still alive.
    fn probability_alive(&self, x: f64, tx: f64, t: f64) -> f64;

    /// [`probability_alive`](Self::probability_alive) of each row of the
    /// columns into `out`, the same numbers; models override it to take
    /// what depends only on the parameters out of the loop.
    fn probability_alive_many(&self, x: &[f64], tx: &[f64], t: &[f64], out: &mut [f64]) {
        for (i, o) in out.iter_mut().enumerate() {
            *o = self.probability_alive(x[i], tx[i], t[i]);
        }
    }

    /// Expected purchases in the next `horizon` time units of a customer
    /// with history (x, tₓ, T).
    fn conditional_expected_purchases(&self, horizon: f64, x: f64, tx: f64, t: f64) -> f64;

    /// [`conditional_expected_purchases`](Self::conditional_expected_purchases)
    /// at each of `horizons` into `out`, the same numbers; models override it
    /// to share the work between horizons (CLV's monthly steps).
    fn conditional_expected_purchases_many(
        &self,
        horizons: &[f64],
        x: f64,
        tx: f64,
        t: f64,
        out: &mut [f64],
    ) {
        for (o, &h) in out.iter_mut().zip(horizons) {
            *o = self.conditional_expected_purchases(h, x, tx, t);
        }
    }

    /// Expected purchases of a new customer within `t` of the first purchase.
    fn expected_purchases(&self, t: f64) -> f64;

    /// ln L of one customer's history (x, tₓ, T) at these parameters.
    fn customer_log_likelihood(&self, x: f64, tx: f64, t: f64) -> f64;

    /// P(X(T, T+`horizon`) = n | x, tₓ, T) for n = 0..=`n_max`: the
    /// distribution of the number of purchases in the coming `horizon`
    /// (REFERENCES.md §6(a)). Sums to 1 over all n; its mean is
    /// [`conditional_expected_purchases`](Self::conditional_expected_purchases).
    fn conditional_pmf(&self, horizon: f64, n_max: usize, x: f64, tx: f64, t: f64) -> Vec<f64>;

    /// P(alive at T+`horizon`) whatever the customer does meanwhile
    /// (PyMC-Marketing's `expected_probability_alive(future_t)`).
    fn probability_alive_at(&self, horizon: f64, x: f64, tx: f64, t: f64) -> f64;

    /// P(alive at T+`horizon`) of a customer who makes no purchase in
    /// (T, T+`horizon`]: how P(alive) falls while a customer stays silent.
    fn probability_alive_if_silent(&self, horizon: f64, x: f64, tx: f64, t: f64) -> f64 {
        self.probability_alive(x, tx, t + horizon)
    }

    /// The churn deadline: the least Δ ≥ 0 after T at which P(alive) of a
    /// customer who stays silent falls below `threshold` — the day to send
    /// the win-back mail. `None` when it never does (BG/NBD customers
    /// without repeat purchases keep P(alive) 1).
    fn churn_deadline(&self, threshold: f64, x: f64, tx: f64, t: f64) -> Option<f64> {
        forecast::deadline(threshold, t, |at| self.probability_alive(x, tx, at))
    }

    /// DERT: the discounted expected residual transactions of a customer,
    /// ∫₀^∞ e^{−δτ} dE[X(T, T+τ)] = δ∫₀^∞ e^{−δτ}E[X(T, T+τ)]dτ, with `delta`
    /// the continuous discount rate per time unit (15 % a year on weeks:
    /// ln 1.15 / 52). Times expected spend it is the customer's residual
    /// value (Fader, Hardie & Lee 2005, "RFM and CLV"). Computed by
    /// quadrature of the conditional expectation; Pareto/NBD overrides it
    /// with its closed form.
    fn dert(&self, delta: f64, x: f64, tx: f64, t: f64) -> f64 {
        forecast::dert_by_parts(delta, |tau| self.conditional_expected_purchases(tau, x, tx, t))
    }

    /// P(alive) along one customer's own history (lifetimes'
    /// `calculate_alive_path`, the data of its `plot_history_alive`): at
    /// each time of `at` (since the first purchase), P(alive) given the
    /// repeat purchases up to then. `purchases` are the repeat purchase
    /// times since the first purchase, ascending. P(alive) sags while the
    /// customer is silent and jumps at each purchase.
    fn alive_path(&self, purchases: &[f64], at: &[f64]) -> Vec<f64> {
        at.iter()
            .map(|&tau| {
                let k = purchases.partition_point(|&p| p <= tau);
                let tx = if k > 0 { purchases[k - 1] } else { 0.0 };
                self.probability_alive(k as f64, tx, tau)
            })
            .collect()
    }

    /// The `q`-quantile of the number of purchases in the coming `horizon`:
    /// the least n with P(X ≤ n) ≥ q.
    fn purchases_quantile(&self, q: f64, horizon: f64, x: f64, tx: f64, t: f64) -> f64 {
        let mean = self.conditional_expected_purchases(horizon, x, tx, t);
        let start = if mean.is_finite() {
            (4.0 * mean).min(1e6) as usize
        } else {
            1 << 20
        };
        forecast::quantile(q, start, |n| self.conditional_pmf(horizon, n, x, tx, t))
    }

    /// [`probability_alive`](Self::probability_alive) for every customer.
    ///
    /// # Errors
    /// Input errors of [`CustomerData::validate`].
    fn predict_alive(&self, data: &CustomerData<'_>) -> Result<Vec<f64>> {
        data.validate()?;
        Ok((0..data.len())
            .map(|i| self.probability_alive(data.frequency[i], data.recency[i], data.t[i]))
            .collect())
    }

    /// [`conditional_expected_purchases`](Self::conditional_expected_purchases)
    /// for every customer.
    ///
    /// # Errors
    /// Input errors of [`CustomerData::validate`]; a horizon that is not a
    /// finite number ≥ 0.
    fn predict_purchases(&self, horizon: f64, data: &CustomerData<'_>) -> Result<Vec<f64>> {
        check_horizon(horizon)?;
        data.validate()?;
        Ok((0..data.len())
            .map(|i| {
                self.conditional_expected_purchases(horizon, data.frequency[i], data.recency[i], data.t[i])
            })
            .collect())
    }
}

pub(crate) fn check_horizon(horizon: f64) -> Result<()> {
    if horizon.is_finite() && horizon >= 0.0 {
        Ok(())
    } else {
        Err(CxError::invalid("horizon", horizon, "a finite time span >= 0"))
    }
}

pub(crate) fn check_params(params: &[(&'static str, f64)]) -> Result<()> {
    for &(name, v) in params {
        if !(v.is_finite() && v > 0.0) {
            return Err(CxError::invalid(name, v, "a positive finite number"));
        }
    }
    Ok(())
}

/// 1/(1 + eᵈ) without overflow.
pub(crate) fn logistic_of_neg(d: f64) -> f64 {
    if d > 0.0 {
        let e = (-d).exp();
        e / (1.0 + e)
    } else {
        1.0 / (1.0 + d.exp())
    }
}

/// 1 − eˡ, accurate for small l.
pub(crate) fn one_minus_exp(l: f64) -> f64 {
    -l.exp_m1()
}

/// Any of the models, tagged by name in JSON
/// (`{"model": "bg_nbd", "r": …, "alpha": …, "a": …, "b": …}`), so that a
/// model fitted in one language loads in another.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "model", rename_all = "snake_case")]
pub enum AnyModel {
    /// BG/NBD.
    BgNbd(BetaGeo),
    /// MBG/NBD.
    MbgNbd(ModifiedBetaGeo),
    /// Pareto/NBD.
    ParetoNbd(ParetoNbd),
    /// Gamma-gamma spend model.
    GammaGamma(GammaGamma),
}

impl AnyModel {
    /// Reads a model from JSON, checking its parameters.
    ///
    /// # Errors
    /// [`CxError::Decode`] for malformed JSON or an unknown model;
    /// [`CxError::InvalidParameter`] for a parameter that is not positive.
    pub fn from_json(text: &str) -> Result<Self> {
        // The serialized form first, so that an invalid parameter is the
        // typed error of `new`, not a decoding message.
        let raw: raw::AnyModel = serde_json::from_str(text).map_err(|e| CxError::Decode {
            argument: "model",
            reason: e.to_string(),
        })?;
        raw.try_into()
    }

    /// The model as tagged JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// The purchase model inside, unless this is the spend model.
    pub fn purchase_model(&self) -> Option<&(dyn ChurnModel + Sync)> {
        match self {
            AnyModel::BgNbd(m) => Some(m),
            AnyModel::MbgNbd(m) => Some(m),
            AnyModel::ParetoNbd(m) => Some(m),
            AnyModel::GammaGamma(_) => None,
        }
    }

    /// The parameters by name, in the order of the fit's standard errors.
    pub fn params(&self) -> Vec<(&'static str, f64)> {
        match self {
            AnyModel::BgNbd(m) => vec![("r", m.r), ("alpha", m.alpha), ("a", m.a), ("b", m.b)],
            AnyModel::MbgNbd(m) => vec![("r", m.r), ("alpha", m.alpha), ("a", m.a), ("b", m.b)],
            AnyModel::ParetoNbd(m) => vec![("r", m.r), ("alpha", m.alpha), ("s", m.s), ("beta", m.beta)],
            AnyModel::GammaGamma(m) => vec![("p", m.p), ("q", m.q), ("v", m.v)],
        }
    }

    /// Each parameter with its standard error and Wald interval
    /// (value ± z·se) at `level`; `se`, `low` and `high` are `None` for a
    /// model from given parameters or a fit whose information matrix could
    /// not be inverted.
    ///
    /// # Errors
    /// [`CxError::InvalidParameter`] for a level outside (0, 1).
    ///
    /// # Examples
    /// ```
    /// use cx::churn::{AnyModel, BetaGeo};
    /// let m = AnyModel::BgNbd(BetaGeo::new(0.243, 4.414, 0.793, 2.426)?);
    /// let p = m.parameters(0.95)?;
    /// assert_eq!((p[1].name, p[1].value, p[1].se), ("alpha", 4.414, None));
    /// # Ok::<(), cx::CxError>(())
    /// ```
    pub fn parameters(&self, level: f64) -> Result<Vec<Parameter>> {
        let z = crate::stats::z_critical(crate::stats::check_level(level)?);
        let se = self.fit_report().and_then(|f| f.standard_errors.clone());
        Ok(self
            .params()
            .into_iter()
            .enumerate()
            .map(|(i, (name, value))| {
                let se = se
                    .as_ref()
                    .and_then(|s| s.get(i).copied())
                    .filter(|s| s.is_finite());
                Parameter {
                    name,
                    value,
                    se,
                    low: se.map(|s| value - z * s),
                    high: se.map(|s| value + z * s),
                    level,
                }
            })
            .collect())
    }

    /// The fit report, when the model was fitted.
    pub fn fit_report(&self) -> Option<&FitReport> {
        match self {
            AnyModel::BgNbd(m) => m.fit_report(),
            AnyModel::MbgNbd(m) => m.fit_report(),
            AnyModel::ParetoNbd(m) => m.fit_report(),
            AnyModel::GammaGamma(m) => m.fit_report(),
        }
    }
}

/// A model parameter with its Wald interval ([`AnyModel::parameters`]).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Parameter {
    /// The parameter's name (`r`, `alpha`, …).
    pub name: &'static str,
    /// Its value.
    pub value: f64,
    /// Standard error from the inverse observed information, if known.
    pub se: Option<f64>,
    /// Lower end of the Wald interval.
    pub low: Option<f64>,
    /// Upper end.
    pub high: Option<f64>,
    /// Confidence level of the interval.
    pub level: f64,
}

/// A column of `n` values filled by `f(start, out)` over consecutive
/// stretches of rows (`out` holds rows `start..start + out.len()`), on all
/// cores from 50,000 rows when the `parallel` feature is on: for
/// predictions that cannot fail, written in place rather than collected.
pub(crate) fn fill_rows<F>(n: usize, f: F) -> Vec<f64>
where
    F: Fn(usize, &mut [f64]) + Sync + Send,
{
    const STRETCH: usize = 16_384;
    let mut out = vec![0.0; n];
    #[cfg(feature = "parallel")]
    if n >= 50_000 {
        use rayon::prelude::*;
        out.par_chunks_mut(STRETCH)
            .enumerate()
            .for_each(|(c, o)| f(c * STRETCH, o));
        return out;
    }
    for (c, o) in out.chunks_mut(STRETCH).enumerate() {
        f(c * STRETCH, o);
    }
    out
}

/// Maps `f` over row indices, on all cores from 50,000 rows when the
/// `parallel` feature is on; the first error wins.
pub(crate) fn per_row<F>(n: usize, f: F) -> Result<Vec<f64>>
where
    F: Fn(usize) -> Result<f64> + Sync + Send,
{
    #[cfg(feature = "parallel")]
    if n >= 50_000 {
        use rayon::prelude::*;
        return (0..n).into_par_iter().map(f).collect();
    }
    (0..n).map(f).collect()
}
