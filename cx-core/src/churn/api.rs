//! One entry point per task for the bindings (and for callers that pick a
//! model by name at run time): fit a model named in a string, ask any model
//! for a prediction described by a [`Prediction`] value. Python and JS go
//! through these, so all three languages share one code path.

use serde::{Deserialize, Serialize};

use super::{
    AnyModel, BetaGeo, ChurnModel, ClvOptions, CustomerData, FitOptions, GammaGamma, HoldoutCheck,
    ModifiedBetaGeo, ParetoNbd, calibration_vs_holdout, check_horizon, customer_lifetime_value,
};
use super::{fill_rows, per_row};
use crate::error::{CxError, Result};

/// The model names [`fit_model`] accepts (the `"model"` tag of their JSON).
pub const MODELS: [&str; 4] = ["bg_nbd", "mbg_nbd", "pareto_nbd", "gamma_gamma"];

/// Per-customer columns, as in the customer summary. The purchase models
/// use frequency, recency and T; the spend model frequency and monetary
/// value; a prediction for new customers only T.
#[derive(Debug, Clone, Copy, Default)]
pub struct Columns<'a> {
    /// Repeat purchases x.
    pub frequency: Option<&'a [f64]>,
    /// Recency tₓ.
    pub recency: Option<&'a [f64]>,
    /// Age T (for [`Prediction::ExpectedPurchases`] and
    /// [`Prediction::ProbabilityOfPurchases`]: the period length t).
    pub t: Option<&'a [f64]>,
    /// Mean spend per repeat purchase.
    pub monetary_value: Option<&'a [f64]>,
}

impl<'a> Columns<'a> {
    pub(crate) fn need(col: Option<&'a [f64]>, name: &'static str, task: &str) -> Result<&'a [f64]> {
        col.ok_or_else(|| CxError::invalid(name, "missing", format!("a `{name}` column for {task}")))
    }

    /// The purchase models' input.
    pub(crate) fn customers(&self, task: &str) -> Result<CustomerData<'a>> {
        Ok(CustomerData {
            frequency: Self::need(self.frequency, "frequency", task)?,
            recency: Self::need(self.recency, "recency", task)?,
            t: Self::need(self.t, "t", task)?,
        })
    }
}

/// Fits the model named `model` (one of [`MODELS`]).
///
/// # Errors
/// [`CxError::InvalidParameter`] for an unknown model or a missing column;
/// the errors of the model's `fit`.
pub fn fit_model(model: &str, columns: &Columns<'_>, options: &FitOptions) -> Result<AnyModel> {
    fit_model_weighted(model, columns, None, options)
}

/// [`fit_model`] where row i stands for `weights[i]` customers (lifetimes'
/// `weights`): a summary compressed into distinct rows gives the same
/// optimum as one row per customer. For gamma-gamma the weights run along
/// every row; rows without repeat purchases are left out as in `fit_model`.
///
/// # Errors
/// As [`fit_model`]; bad weights naming the row.
pub fn fit_model_weighted(
    model: &str,
    columns: &Columns<'_>,
    weights: Option<&[f64]>,
    options: &FitOptions,
) -> Result<AnyModel> {
    let task = format!("fitting {model}");
    let w = weights;
    Ok(match model {
        "bg_nbd" => AnyModel::BgNbd(BetaGeo::fit_weighted(&columns.customers(&task)?, w, options)?),
        "mbg_nbd" => AnyModel::MbgNbd(ModifiedBetaGeo::fit_weighted(
            &columns.customers(&task)?,
            w,
            options,
        )?),
        "pareto_nbd" => AnyModel::ParetoNbd(ParetoNbd::fit_weighted(&columns.customers(&task)?, w, options)?),
        "gamma_gamma" => AnyModel::GammaGamma(GammaGamma::fit_weighted(
            Columns::need(columns.frequency, "frequency", &task)?,
            Columns::need(columns.monetary_value, "monetary_value", &task)?,
            w,
            options,
        )?),
        other => return Err(CxError::invalid("model", other, MODELS.join(", "))),
    })
}

/// What to predict, per customer. In JSON:
/// `{"kind": "conditional_expected_purchases", "horizon": 13}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Prediction {
    /// [`ChurnModel::probability_alive`] from frequency, recency and T.
    ProbabilityAlive,
    /// [`ChurnModel::conditional_expected_purchases`] in the next `horizon`.
    ConditionalExpectedPurchases {
        /// Length of the future period, in the summary's time unit.
        horizon: f64,
    },
    /// [`ChurnModel::expected_purchases`] of a new customer within each `t`.
    ExpectedPurchases,
    /// P(X(T, T+`horizon`) = `n` | history): the chance of exactly `n`
    /// purchases in the coming `horizon` ([`ChurnModel::conditional_pmf`]).
    ConditionalProbabilityOfPurchases {
        /// Length of the future period, in the summary's time unit.
        horizon: f64,
        /// Number of purchases.
        n: u32,
    },
    /// P(at least one purchase in the coming `horizon`) = 1 − P(X = 0).
    ProbabilityOfAnyPurchase {
        /// Length of the future period.
        horizon: f64,
    },
    /// The `q`-quantile of the number of purchases in the coming `horizon`
    /// ([`ChurnModel::purchases_quantile`]); two of them make an interval.
    PurchasesQuantile {
        /// Length of the future period.
        horizon: f64,
        /// The probability, strictly between 0 and 1.
        q: f64,
    },
    /// P(alive at T+`horizon`) whatever the customer does meanwhile
    /// ([`ChurnModel::probability_alive_at`]).
    ProbabilityAliveAt {
        /// How far ahead.
        horizon: f64,
    },
    /// P(alive at T+`horizon`) of a customer who makes no purchase until
    /// then ([`ChurnModel::probability_alive_if_silent`]).
    ProbabilityAliveIfSilent {
        /// How far ahead.
        horizon: f64,
    },
    /// Time after T until P(alive) of a silent customer falls below
    /// `threshold` ([`ChurnModel::churn_deadline`]); NaN when it never does.
    ChurnDeadline {
        /// The P(alive) that triggers, strictly between 0 and 1.
        threshold: f64,
    },
    /// Customer lifetime value with the gamma-gamma model `spend`
    /// ([`customer_lifetime_value`]; needs `monetary_value`): as a
    /// prediction so that [`bootstrap`](super::bootstrap) gives it intervals
    /// (from the purchase model's uncertainty; the spend model is held
    /// fixed).
    Clv {
        /// The gamma-gamma spend model.
        spend: Box<AnyModel>,
        /// Horizon, discounting and time unit.
        #[serde(default)]
        options: ClvOptions,
    },
    /// Discounted expected residual transactions ([`ChurnModel::dert`]).
    Dert {
        /// Continuous discount rate per time unit, > 0 (ln 1.15 / 52 is
        /// 15 % a year on weeks).
        delta: f64,
    },
    /// P(X(t) = n) of a new customer for each `t` (BG/NBD and MBG/NBD).
    ProbabilityOfPurchases {
        /// Number of purchases.
        n: u32,
    },
    /// [`GammaGamma::conditional_expected_average_profit`] from frequency
    /// and monetary value (gamma-gamma only).
    ExpectedSpend,
    /// Each customer's log-likelihood at the model's parameters (purchase
    /// models: frequency, recency, T; gamma-gamma: frequency and monetary
    /// value, 0 for customers without repeats, who carry no spend
    /// information). Sums compare fits; low values flag unusual customers.
    LogLikelihood,
}

/// Runs `f` for every row; on all cores for large inputs when the
/// `parallel` feature is on (predictions are independent per customer).
fn purchase_model<'m>(model: &'m AnyModel, task: &str) -> Result<&'m (dyn ChurnModel + Sync)> {
    match model {
        AnyModel::BgNbd(m) => Ok(m),
        AnyModel::MbgNbd(m) => Ok(m),
        AnyModel::ParetoNbd(m) => Ok(m),
        AnyModel::GammaGamma(_) => Err(CxError::invalid(
            "model",
            "gamma_gamma",
            format!("a purchase model (bg_nbd, mbg_nbd, pareto_nbd) for {task}"),
        )),
    }
}

/// The largest n of [`Prediction::ConditionalProbabilityOfPurchases`]: the
/// PMF up to n is computed, so n bounds the memory a request takes.
pub const MAX_PMF_N: u32 = 1_000_000;

/// A probability strictly between 0 and 1, named `argument`.
fn check_probability(argument: &'static str, v: f64) -> Result<()> {
    if v > 0.0 && v < 1.0 {
        Ok(())
    } else {
        Err(CxError::invalid(argument, v, "a number strictly between 0 and 1"))
    }
}

/// Runs `f(model, x, tₓ, T)` for every customer of `columns` after checking
/// the columns (the per-customer forecasts).
fn per_customer(
    model: &AnyModel,
    task: &str,
    columns: &Columns<'_>,
    f: impl Fn(&(dyn ChurnModel + Sync), f64, f64, f64) -> f64 + Sync,
) -> Result<Vec<f64>> {
    let m = purchase_model(model, task)?;
    let d = columns.customers(task)?;
    d.validate()?;
    per_row(d.len(), |i| Ok(f(m, d.frequency[i], d.recency[i], d.t[i])))
}

fn check_periods(t: &[f64]) -> Result<()> {
    for (index, &v) in t.iter().enumerate() {
        if !v.is_finite() {
            return Err(CxError::NotFinite {
                argument: "t",
                index,
                value: v,
            });
        }
        if v < 0.0 {
            return Err(CxError::OutOfRange {
                argument: "t",
                index,
                value: v.to_string(),
                allowed: ">= 0".into(),
            });
        }
    }
    Ok(())
}

/// Computes `prediction` for every customer in `columns`.
///
/// # Errors
/// [`CxError::InvalidParameter`] when the model cannot make this
/// prediction or a needed column is missing; input errors of
/// [`CustomerData::validate`]; an invalid horizon.
pub fn predict(model: &AnyModel, prediction: &Prediction, columns: &Columns<'_>) -> Result<Vec<f64>> {
    match prediction {
        Prediction::ProbabilityAlive => {
            let m = purchase_model(model, "probability_alive")?;
            let d = columns.customers("probability_alive")?;
            d.validate()?;
            Ok(fill_rows(d.len(), |s, out| {
                let e = s + out.len();
                m.probability_alive_many(&d.frequency[s..e], &d.recency[s..e], &d.t[s..e], out);
            }))
        }
        Prediction::ConditionalExpectedPurchases { horizon } => {
            let task = "conditional_expected_purchases";
            let m = purchase_model(model, task)?;
            let d = columns.customers(task)?;
            check_horizon(*horizon)?;
            d.validate()?;
            per_row(d.len(), |i| {
                Ok(m.conditional_expected_purchases(*horizon, d.frequency[i], d.recency[i], d.t[i]))
            })
        }
        Prediction::ConditionalProbabilityOfPurchases { horizon, n } => {
            check_horizon(*horizon)?;
            if *n > MAX_PMF_N {
                return Err(CxError::invalid(
                    "n",
                    *n,
                    format!("at most {MAX_PMF_N} purchases"),
                ));
            }
            let n = *n as usize;
            per_customer(
                model,
                "conditional_probability_of_purchases",
                columns,
                |m, x, tx, t| m.conditional_pmf(*horizon, n, x, tx, t)[n],
            )
        }
        Prediction::ProbabilityOfAnyPurchase { horizon } => {
            check_horizon(*horizon)?;
            per_customer(model, "probability_of_any_purchase", columns, |m, x, tx, t| {
                (1.0 - m.conditional_pmf(*horizon, 0, x, tx, t)[0]).max(0.0)
            })
        }
        Prediction::PurchasesQuantile { horizon, q } => {
            check_horizon(*horizon)?;
            check_probability("q", *q)?;
            per_customer(model, "purchases_quantile", columns, |m, x, tx, t| {
                m.purchases_quantile(*q, *horizon, x, tx, t)
            })
        }
        Prediction::ProbabilityAliveAt { horizon } => {
            check_horizon(*horizon)?;
            per_customer(model, "probability_alive_at", columns, |m, x, tx, t| {
                m.probability_alive_at(*horizon, x, tx, t)
            })
        }
        Prediction::ProbabilityAliveIfSilent { horizon } => {
            check_horizon(*horizon)?;
            per_customer(model, "probability_alive_if_silent", columns, |m, x, tx, t| {
                m.probability_alive_if_silent(*horizon, x, tx, t)
            })
        }
        Prediction::ChurnDeadline { threshold } => {
            check_probability("threshold", *threshold)?;
            per_customer(model, "churn_deadline", columns, |m, x, tx, t| {
                m.churn_deadline(*threshold, x, tx, t).unwrap_or(f64::NAN)
            })
        }
        Prediction::Clv { spend, options } => lifetime_value(model, spend, columns, options),
        Prediction::Dert { delta } => {
            if !(delta.is_finite() && *delta > 0.0) {
                return Err(CxError::invalid(
                    "delta",
                    *delta,
                    "a positive continuous discount rate per time unit",
                ));
            }
            per_customer(model, "dert", columns, |m, x, tx, t| m.dert(*delta, x, tx, t))
        }
        Prediction::ExpectedPurchases => {
            let m = purchase_model(model, "expected_purchases")?;
            let t = Columns::need(columns.t, "t", "expected_purchases")?;
            check_periods(t)?;
            per_row(t.len(), |i| Ok(m.expected_purchases(t[i])))
        }
        Prediction::ProbabilityOfPurchases { n } => {
            let task = "probability_of_purchases";
            let t = Columns::need(columns.t, "t", task)?;
            check_periods(t)?;
            let n = *n;
            match model {
                AnyModel::BgNbd(m) => per_row(t.len(), |i| Ok(m.probability_of_purchases(t[i], n))),
                AnyModel::MbgNbd(m) => per_row(t.len(), |i| Ok(m.probability_of_purchases(t[i], n))),
                other => Err(CxError::invalid(
                    "model",
                    model_name(other),
                    format!("bg_nbd or mbg_nbd for {task}"),
                )),
            }
        }
        Prediction::ExpectedSpend => {
            let task = "expected_spend";
            let AnyModel::GammaGamma(g) = model else {
                return Err(CxError::invalid(
                    "model",
                    model_name(model),
                    format!("gamma_gamma for {task}"),
                ));
            };
            let x = Columns::need(columns.frequency, "frequency", task)?;
            let m = Columns::need(columns.monetary_value, "monetary_value", task)?;
            check_spend(x, m)?;
            per_row(x.len(), |i| g.conditional_expected_average_profit(x[i], m[i]))
        }
        Prediction::LogLikelihood => {
            if let AnyModel::GammaGamma(g) = model {
                let task = "log_likelihood";
                let x = Columns::need(columns.frequency, "frequency", task)?;
                let m = Columns::need(columns.monetary_value, "monetary_value", task)?;
                check_spend(x, m)?;
                return per_row(x.len(), |i| {
                    Ok(if x[i] > 0.0 {
                        g.log_likelihood(x[i], m[i])
                    } else {
                        0.0
                    })
                });
            }
            let m = purchase_model(model, "log_likelihood")?;
            let d = columns.customers("log_likelihood")?;
            d.validate()?;
            per_row(d.len(), |i| {
                Ok(m.customer_log_likelihood(d.frequency[i], d.recency[i], d.t[i]))
            })
        }
    }
}

/// Validates frequency and monetary value of the spend predictions.
fn check_spend(x: &[f64], m: &[f64]) -> Result<()> {
    if x.len() != m.len() {
        return Err(CxError::LengthMismatch {
            argument: "monetary_value",
            expected: x.len(),
            actual: m.len(),
            other: "frequency",
        });
    }
    for (argument, col) in [("frequency", x), ("monetary_value", m)] {
        for (index, &v) in col.iter().enumerate() {
            if !v.is_finite() {
                return Err(CxError::NotFinite {
                    argument,
                    index,
                    value: v,
                });
            }
            if v < 0.0 {
                return Err(CxError::OutOfRange {
                    argument,
                    index,
                    value: v.to_string(),
                    allowed: ">= 0".into(),
                });
            }
        }
    }
    Ok(())
}

/// [`customer_lifetime_value`] with the models given as [`AnyModel`]s.
///
/// # Errors
/// [`CxError::InvalidParameter`] when `purchases` is not a purchase model,
/// `spend` not a gamma-gamma model or a column is missing; the errors of
/// [`customer_lifetime_value`].
pub fn lifetime_value(
    purchases: &AnyModel,
    spend: &AnyModel,
    columns: &Columns<'_>,
    options: &ClvOptions,
) -> Result<Vec<f64>> {
    let task = "customer_lifetime_value";
    let m = purchase_model(purchases, task)?;
    let AnyModel::GammaGamma(g) = spend else {
        return Err(CxError::invalid(
            "spend_model",
            model_name(spend),
            format!("gamma_gamma for {task}"),
        ));
    };
    let d = columns.customers(task)?;
    let money = Columns::need(columns.monetary_value, "monetary_value", task)?;
    customer_lifetime_value(m, g, &d, money, options)
}

/// [`calibration_vs_holdout`](super::calibration_vs_holdout) with the
/// model given as an [`AnyModel`].
///
/// # Errors
/// [`CxError::InvalidParameter`] for the spend model; the errors of
/// [`calibration_vs_holdout`](super::calibration_vs_holdout).
pub fn holdout_check(
    model: &AnyModel,
    calibration: &CustomerData<'_>,
    frequency_holdout: &[f64],
    duration_holdout: f64,
    last_bin: u32,
) -> Result<HoldoutCheck> {
    let m = purchase_model(model, "calibration_vs_holdout")?;
    calibration_vs_holdout(m, calibration, frequency_holdout, duration_holdout, last_bin)
}

/// The `"model"` tag of a model.
pub fn model_name(model: &AnyModel) -> &'static str {
    match model {
        AnyModel::BgNbd(_) => "bg_nbd",
        AnyModel::MbgNbd(_) => "mbg_nbd",
        AnyModel::ParetoNbd(_) => "pareto_nbd",
        AnyModel::GammaGamma(_) => "gamma_gamma",
    }
}

/// [`ChurnModel::alive_path`] with the inputs checked: `purchases` finite,
/// ≥ 0 and ascending, `at` finite and ≥ 0.
///
/// # Errors
/// [`CxError::InvalidParameter`] for a spend model; [`CxError::NotFinite`],
/// [`CxError::OutOfRange`] naming the argument and row.
pub fn alive_path(model: &AnyModel, purchases: &[f64], at: &[f64]) -> Result<Vec<f64>> {
    let m = purchase_model(model, "alive_path")?;
    for (argument, v) in [("purchases", purchases), ("at", at)] {
        for (index, &x) in v.iter().enumerate() {
            if !x.is_finite() {
                return Err(CxError::NotFinite {
                    argument,
                    index,
                    value: x,
                });
            }
            if x < 0.0 || (argument == "purchases" && index > 0 && x < v[index - 1]) {
                return Err(CxError::OutOfRange {
                    argument,
                    index,
                    value: x.to_string(),
                    allowed: if argument == "purchases" {
                        "times >= 0, ascending"
                    } else {
                        ">= 0"
                    }
                    .into(),
                });
            }
        }
    }
    Ok(m.alive_path(purchases, at))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cols<'a>(x: &'a [f64], tx: &'a [f64], t: &'a [f64]) -> Columns<'a> {
        Columns {
            frequency: Some(x),
            recency: Some(tx),
            t: Some(t),
            monetary_value: None,
        }
    }

    #[test]
    fn predictions_match_the_model_methods() {
        let bg = BetaGeo::new(0.243, 4.414, 0.793, 2.426).expect("params");
        let any = AnyModel::BgNbd(bg.clone());
        let (x, tx, t) = ([0.0, 2.0, 7.0], [0.0, 30.43, 35.0], [38.86, 38.86, 39.0]);
        let c = cols(&x, &tx, &t);
        let alive = predict(&any, &Prediction::ProbabilityAlive, &c).expect("alive");
        let next = predict(
            &any,
            &Prediction::ConditionalExpectedPurchases { horizon: 39.0 },
            &c,
        )
        .expect("next");
        for i in 0..3 {
            assert_eq!(alive[i], bg.probability_alive(x[i], tx[i], t[i]));
            assert_eq!(
                next[i],
                bg.conditional_expected_purchases(39.0, x[i], tx[i], t[i])
            );
        }
        let p0 = predict(&any, &Prediction::ProbabilityOfPurchases { n: 0 }, &c).expect("pmf");
        assert_eq!(p0[0], bg.probability_of_purchases(38.86, 0));
    }

    #[test]
    fn wrong_model_or_missing_column_is_an_error() {
        let gg = AnyModel::GammaGamma(GammaGamma::new(6.25, 3.74, 15.44).expect("params"));
        let (x, tx, t) = ([1.0], [1.0], [2.0]);
        let e = predict(&gg, &Prediction::ProbabilityAlive, &cols(&x, &tx, &t)).unwrap_err();
        assert_eq!((e.code(), e.argument()), ("invalid_parameter", "model"));
        let e = predict(&gg, &Prediction::ExpectedSpend, &cols(&x, &tx, &t)).unwrap_err();
        assert_eq!(e.argument(), "monetary_value");
        let pn = AnyModel::ParetoNbd(ParetoNbd::new(0.55, 10.6, 0.61, 11.7).expect("params"));
        let e = predict(
            &pn,
            &Prediction::ProbabilityOfPurchases { n: 1 },
            &cols(&x, &tx, &t),
        )
        .unwrap_err();
        assert_eq!(e.argument(), "model");
        let e = fit_model("nope", &cols(&x, &tx, &t), &FitOptions::default()).unwrap_err();
        assert_eq!(e.argument(), "model");
        let bad_t = [-1.0];
        let bg = AnyModel::BgNbd(BetaGeo::new(0.243, 4.414, 0.793, 2.426).expect("params"));
        let e = predict(&bg, &Prediction::ExpectedPurchases, &cols(&x, &tx, &bad_t)).unwrap_err();
        assert_eq!(
            (e.code(), e.argument(), e.index()),
            ("out_of_range", "t", Some(0))
        );
    }

    #[test]
    fn prediction_requests_read_from_json() {
        let p: Prediction =
            serde_json::from_str(r#"{"kind": "conditional_expected_purchases", "horizon": 13}"#)
                .expect("json");
        assert_eq!(p, Prediction::ConditionalExpectedPurchases { horizon: 13.0 });
        assert!(serde_json::from_str::<Prediction>(r#"{"kind": "expected_spend_x"}"#).is_err());
        let extra = r#"{"kind": "conditional_expected_purchases", "horizon": 1, "n": 2}"#;
        assert!(serde_json::from_str::<Prediction>(extra).is_err());
    }
}
