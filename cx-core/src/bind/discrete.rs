//! The discrete-time models behind [`run`](super::run): sBG for contractual
//! churn (`sbg_fit`, `sbg_predict`) and BG/BB for fixed purchase
//! opportunities (`bgbb_fit`, `bgbb_predict`). Models travel as their JSON.

use serde::Deserialize;
use serde_json::Value;

use super::{Args, json_float, to_json, wrong};
use crate::churn::{BetaGeoBetaBinom, ContractData, FitOptions, OpportunityData, ShiftedBetaGeometric};
use crate::error::{CxError, Result};

/// A model given as its JSON text or object.
fn model_text(a: &mut Args<'_>) -> Result<String> {
    match Args::required("model", a.json("model")?)? {
        Value::String(s) => Ok(s),
        v @ Value::Object(_) => Ok(v.to_string()),
        other => Err(wrong("model", &other, "a model's JSON (text or object)")),
    }
}

fn need<T>(name: &'static str, v: Option<T>) -> Result<T> {
    Args::required(name, v)
}

/// `sbg_fit`: the sBG fitted to `survivors` (a cohort's counts S₀, S₁, …)
/// or to customers' `periods` and `churned` flags (with optional
/// `weights`), with fit `options`.
///
/// # Errors
/// Both or neither data forms; the errors of the fit.
pub fn sbg_fit(a: &mut Args<'_>) -> Result<ShiftedBetaGeometric> {
    let options: FitOptions = a.options("options")?;
    let survivors = a.floats("survivors")?;
    let periods = a.floats("periods")?;
    match (survivors, periods) {
        (Some(s), None) => ShiftedBetaGeometric::fit_survivors(&s, &options),
        (None, Some(p)) => {
            let churned = need("churned", a.bools("churned")?)?;
            let weights = a.floats("weights")?;
            ShiftedBetaGeometric::fit(
                &ContractData {
                    periods: &p,
                    churned: &churned,
                    weights: weights.as_deref(),
                },
                &options,
            )
        }
        (Some(_), Some(_)) => Err(CxError::invalid(
            "survivors",
            "given with periods",
            "either survivor counts or customers' periods and churn flags",
        )),
        (None, None) => Err(CxError::invalid(
            "survivors",
            "missing",
            "survivor counts, or customers' `periods` and `churned`",
        )),
    }
}

/// What [`sbg_predict`] computes. In JSON: `{"kind": "survival"}`.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum SbgPrediction {
    /// S(t) for each `t`.
    Survival,
    /// P(churn in period t) for each `t` (≥ 1).
    ChurnProbability,
    /// The retention rate of period t for each `t` (≥ 1).
    RetentionRate,
    /// Expected lifetime in periods (one value; infinite for α ≤ 1).
    ExpectedLifetime,
    /// Discounted expected lifetime of a new customer (one value).
    DiscountedExpectedLifetime {
        /// Discount rate per period, > 0.
        discount_rate: f64,
    },
    /// Discounted expected residual lifetime just before renewal `n`, for
    /// each `t` taken as n (≥ 1).
    DiscountedExpectedResidualLifetime {
        /// Discount rate per period, > 0.
        discount_rate: f64,
    },
}

fn check_rate(d: f64) -> Result<()> {
    if d.is_finite() && d > 0.0 {
        Ok(())
    } else {
        Err(CxError::invalid("discount_rate", d, "a positive rate per period"))
    }
}

/// Periods `t` (whole, ≥ `min`).
fn periods(a: &mut Args<'_>, min: f64) -> Result<Vec<f64>> {
    let t = need("t", a.floats("t")?)?;
    for (index, &v) in t.iter().enumerate() {
        if !v.is_finite() {
            return Err(CxError::NotFinite {
                argument: "t",
                index,
                value: v,
            });
        }
        if v.fract() != 0.0 || v < min {
            return Err(CxError::OutOfRange {
                argument: "t",
                index,
                value: v.to_string(),
                allowed: format!("a whole number of periods >= {min}"),
            });
        }
    }
    Ok(t.into_owned())
}

/// `sbg_predict`: `prediction` ([`SbgPrediction`]) of `model` (its JSON)
/// for each period in `t`.
///
/// # Errors
/// A malformed model or prediction; bad periods or discount rate.
pub fn sbg_predict(a: &mut Args<'_>) -> Result<Vec<f64>> {
    let m = ShiftedBetaGeometric::from_json(&model_text(a)?)?;
    let p: SbgPrediction = prediction(a)?;
    Ok(match p {
        SbgPrediction::Survival => periods(a, 0.0)?.iter().map(|&t| m.survival(t)).collect(),
        SbgPrediction::ChurnProbability => periods(a, 1.0)?.iter().map(|&t| m.churn_probability(t)).collect(),
        SbgPrediction::RetentionRate => periods(a, 1.0)?.iter().map(|&t| m.retention_rate(t)).collect(),
        SbgPrediction::ExpectedLifetime => vec![m.expected_lifetime()],
        SbgPrediction::DiscountedExpectedLifetime { discount_rate } => {
            check_rate(discount_rate)?;
            vec![m.discounted_expected_lifetime(discount_rate)]
        }
        SbgPrediction::DiscountedExpectedResidualLifetime { discount_rate } => {
            check_rate(discount_rate)?;
            periods(a, 1.0)?
                .iter()
                .map(|&n| m.discounted_expected_residual_lifetime(discount_rate, n))
                .collect()
        }
    })
}

fn prediction<T: serde::de::DeserializeOwned>(a: &mut Args<'_>) -> Result<T> {
    let v = need("prediction", a.json("prediction")?)?;
    serde_json::from_value(v.clone()).map_err(|e| {
        wrong(
            "prediction",
            &v,
            &format!("a prediction such as {{\"kind\": \"survival\"}} ({e})"),
        )
    })
}

/// The opportunity columns of a BG/BB call.
fn opportunity_columns(a: &mut Args<'_>) -> Result<(Vec<f64>, Vec<f64>, Vec<f64>)> {
    Ok((
        need("frequency", a.floats("frequency")?)?.into_owned(),
        need("recency", a.floats("recency")?)?.into_owned(),
        need("periods", a.floats("periods")?)?.into_owned(),
    ))
}

/// `bgbb_fit`: BG/BB fitted to `frequency`, `recency`, `periods` (and
/// optional `weights`) with fit `options`.
///
/// # Errors
/// The errors of the fit.
pub fn bgbb_fit(a: &mut Args<'_>) -> Result<BetaGeoBetaBinom> {
    let options: FitOptions = a.options("options")?;
    let (x, tx, n) = opportunity_columns(a)?;
    let weights = a.floats("weights")?;
    BetaGeoBetaBinom::fit(
        &OpportunityData {
            frequency: &x,
            recency: &tx,
            periods: &n,
            weights: weights.as_deref(),
        },
        &options,
    )
}

/// What [`bgbb_predict`] computes. In JSON: `{"kind": "probability_alive"}`.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum BgBbPrediction {
    /// P(alive at the next opportunity).
    ProbabilityAlive,
    /// Expected purchases at the next `future` opportunities.
    ConditionalExpectedPurchases {
        /// Opportunities ahead (≥ 0).
        future: f64,
    },
    /// Discounted expected residual transactions.
    Dert {
        /// Discount rate per opportunity, > 0.
        discount_rate: f64,
    },
    /// Each customer's log-likelihood.
    LogLikelihood,
    /// Expected purchases of a new customer at the first n opportunities,
    /// for each n of `periods`.
    ExpectedPurchases,
}

/// `bgbb_predict`: `prediction` ([`BgBbPrediction`]) of `model` for the
/// customers `frequency`, `recency`, `periods` (only `periods` for a new
/// customer's expectation).
///
/// # Errors
/// A malformed model or prediction; histories that are not possible.
pub fn bgbb_predict(a: &mut Args<'_>) -> Result<Vec<f64>> {
    let m = BetaGeoBetaBinom::from_json(&model_text(a)?)?;
    let p: BgBbPrediction = prediction(a)?;
    if p == BgBbPrediction::ExpectedPurchases {
        let n = need("periods", a.floats("periods")?)?;
        let zeros = vec![0.0; n.len()];
        check_histories(&zeros, &zeros, &n)?;
        return Ok(n.iter().map(|&k| m.expected_purchases(k)).collect());
    }
    let (x, tx, n) = opportunity_columns(a)?;
    check_histories(&x, &tx, &n)?;
    let each = |f: &dyn Fn(f64, f64, f64) -> f64| (0..x.len()).map(|i| f(x[i], tx[i], n[i])).collect();
    Ok(match p {
        BgBbPrediction::ConditionalExpectedPurchases { future } => {
            if !(future.is_finite() && future >= 0.0) {
                return Err(CxError::invalid(
                    "future",
                    future,
                    "a number of opportunities >= 0",
                ));
            }
            each(&|x, tx, n| m.conditional_expected_purchases(future, x, tx, n))
        }
        BgBbPrediction::Dert { discount_rate } => {
            check_rate(discount_rate)?;
            each(&|x, tx, n| m.dert(discount_rate, x, tx, n))
        }
        BgBbPrediction::LogLikelihood => each(&|x, tx, n| m.log_likelihood(x, tx, n)),
        BgBbPrediction::ProbabilityAlive | BgBbPrediction::ExpectedPurchases => {
            each(&|x, tx, n| m.probability_alive(x, tx, n))
        }
    })
}

/// The same checks as the fit's (whole numbers, x ≤ t_x ≤ n).
fn check_histories(x: &[f64], tx: &[f64], n: &[f64]) -> Result<()> {
    let d = OpportunityData {
        frequency: x,
        recency: tx,
        periods: n,
        weights: None,
    };
    d.check()
}

pub(super) fn run_sbg_fit(a: &mut Args<'_>) -> Result<Value> {
    Ok(to_json(&sbg_fit(a)?))
}

pub(super) fn run_sbg_predict(a: &mut Args<'_>) -> Result<Value> {
    Ok(Value::Array(
        sbg_predict(a)?.into_iter().map(json_float).collect(),
    ))
}

pub(super) fn run_bgbb_fit(a: &mut Args<'_>) -> Result<Value> {
    Ok(to_json(&bgbb_fit(a)?))
}

pub(super) fn run_bgbb_predict(a: &mut Args<'_>) -> Result<Value> {
    Ok(Value::Array(
        bgbb_predict(a)?.into_iter().map(json_float).collect(),
    ))
}
