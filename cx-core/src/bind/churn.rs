//! The churn models behind [`run`](super::run): `fit` and `predict`, and
//! their typed entries [`fit`] and [`predict`] for bindings that keep the
//! model object and the prediction buffers themselves.

use serde_json::Value;

use super::{Args, json_float, to_json, wrong};
use crate::churn::{AnyModel, ClvOptions, Columns, CustomerData, FitOptions, HoldoutCheck, Prediction};
use crate::error::{CxError, Result};

/// The per-customer columns of the churn models, read from `frequency`,
/// `recency`, `t` (or `T`, lifetimes' name) and `monetary_value`: the one
/// reader of these columns for every binding.
#[derive(Debug, Clone, Default)]
pub struct Table {
    frequency: Option<Vec<f64>>,
    recency: Option<Vec<f64>>,
    t: Option<Vec<f64>>,
    monetary_value: Option<Vec<f64>>,
}

impl Table {
    /// Takes the columns that are there out of `a`.
    ///
    /// # Errors
    /// [`CxError::InvalidParameter`] for a column that is not numbers.
    pub fn read(a: &mut Args<'_>) -> Result<Table> {
        let t = match a.floats("t")? {
            Some(t) => Some(t),
            None => a.floats("T")?,
        };
        Ok(Table {
            frequency: a.floats("frequency")?.map(Into::into),
            recency: a.floats("recency")?.map(Into::into),
            t: t.map(Into::into),
            monetary_value: a.floats("monetary_value")?.map(Into::into),
        })
    }

    /// The columns as the models take them.
    pub fn columns(&self) -> Columns<'_> {
        Columns {
            frequency: self.frequency.as_deref(),
            recency: self.recency.as_deref(),
            t: self.t.as_deref(),
            monetary_value: self.monetary_value.as_deref(),
        }
    }
}

/// A model given (in argument `name`) as its JSON text or a JSON object.
fn model_named(a: &mut Args<'_>, name: &'static str) -> Result<AnyModel> {
    match Args::required(name, a.json(name)?)? {
        Value::String(s) => AnyModel::from_json(&s),
        v @ Value::Object(_) => AnyModel::from_json(&v.to_string()),
        other => Err(wrong(name, &other, "a model's JSON (text or object)")),
    }
}

fn model(a: &mut Args<'_>) -> Result<AnyModel> {
    model_named(a, "model")
}

/// Fits the model named by `model` (`"bg_nbd"`, `"mbg_nbd"`,
/// `"pareto_nbd"`, `"gamma_gamma"`) to the columns `frequency`, `recency`,
/// `t` and `monetary_value`, with `options` ([`FitOptions`]: a misspelt
/// option is an error naming it, as everywhere).
///
/// # Errors
/// [`CxError::InvalidParameter`] for an unknown model, option or argument;
/// the errors of the fit.
///
/// # Examples
/// ```
/// use serde_json::json;
/// let e = cx::bind::call("fit", json!({"model": "bg_nbd", "frequency": [1], "recency": [1], "t": [2],
///                                      "options": {"penaliser": 0.1}})).unwrap_err();
/// assert_eq!((e.code(), e.argument()), ("invalid_parameter", "options"));
/// assert!(e.to_string().contains("penaliser"));
/// ```
pub fn fit(args: &mut Args<'_>) -> Result<AnyModel> {
    let name = Args::required("model", args.text("model")?)?;
    let options: FitOptions = args.options("options")?;
    let table = Table::read(args)?;
    let weights = args.floats("weights")?;
    crate::churn::fit_model_weighted(&name, &table.columns(), weights.as_deref(), &options)
}

/// One prediction (`prediction`: a [`Prediction`] object such as
/// `{"kind": "probability_alive"}`) of `model` (its JSON) for every
/// customer in the columns.
///
/// # Errors
/// [`CxError::InvalidParameter`] for an invalid model or prediction; the
/// errors of [`crate::churn::predict`].
pub fn predict(args: &mut Args<'_>) -> Result<Vec<f64>> {
    let m = model(args)?;
    predict_with(&m, args)
}

/// [`predict`] with the model given as a value (a binding that keeps the
/// model object).
///
/// # Errors
/// As [`predict`].
pub fn predict_with(m: &AnyModel, args: &mut Args<'_>) -> Result<Vec<f64>> {
    let p = prediction(args)?;
    predict_kind(m, &p, args)
}

/// The `prediction` argument ([`Prediction`]).
fn prediction(a: &mut Args<'_>) -> Result<Prediction> {
    let p = Args::required("prediction", a.json("prediction")?)?;
    serde_json::from_value(p.clone()).map_err(|e| {
        CxError::invalid(
            "prediction",
            p.to_string(),
            format!("a prediction such as {{\"kind\": \"probability_alive\"}} ({e})"),
        )
    })
}

/// [`predict_with`] with the prediction given as a value.
///
/// # Errors
/// As [`predict`].
pub fn predict_kind(m: &AnyModel, p: &Prediction, args: &mut Args<'_>) -> Result<Vec<f64>> {
    let table = Table::read(args)?;
    crate::churn::predict(m, p, &table.columns())
}

/// Customer lifetime value of every customer: `model` (the purchase
/// model's JSON), `spend_model` (gamma-gamma), the columns `frequency`,
/// `recency`, `t`, `monetary_value`, and `options` ([`ClvOptions`]).
///
/// # Errors
/// The errors of [`crate::churn::lifetime_value`]; an invalid option.
pub fn clv(args: &mut Args<'_>) -> Result<Vec<f64>> {
    let purchases = model(args)?;
    let spend = model_named(args, "spend_model")?;
    clv_with(&purchases, &spend, args)
}

/// [`clv`] with the models given as values.
///
/// # Errors
/// As [`clv`].
pub fn clv_with(purchases: &AnyModel, spend: &AnyModel, args: &mut Args<'_>) -> Result<Vec<f64>> {
    let options: ClvOptions = args.options("options")?;
    let table = Table::read(args)?;
    crate::churn::lifetime_value(purchases, spend, &table.columns(), &options)
}

/// Predicted against actual holdout purchases: `model`, the calibration
/// columns `frequency`, `recency`, `t`, `frequency_holdout`,
/// `duration_holdout` and `last_bin` (7 by default).
///
/// # Errors
/// The errors of [`crate::churn::holdout_check`]; a missing column.
pub fn holdout(args: &mut Args<'_>) -> Result<HoldoutCheck> {
    let m = model(args)?;
    holdout_with(&m, args)
}

/// [`holdout`] with the model given as a value.
///
/// # Errors
/// As [`holdout`].
pub fn holdout_with(m: &AnyModel, args: &mut Args<'_>) -> Result<HoldoutCheck> {
    let holdout = Args::required("frequency_holdout", args.floats("frequency_holdout")?)?;
    let duration = Args::required("duration_holdout", args.f64("duration_holdout")?)?;
    let last_bin = match args.f64("last_bin")? {
        None => 7,
        Some(b) if b.fract() == 0.0 && (1.0..=1000.0).contains(&b) => b as u32,
        Some(b) => return Err(CxError::invalid("last_bin", b, "a whole number from 1 to 1000")),
    };
    let table = Table::read(args)?;
    let c = table.columns();
    let need = |col: Option<&[f64]>, name: &'static str| {
        col.map(<[f64]>::to_vec)
            .ok_or_else(|| CxError::invalid(name, "nothing", "a column (required for the holdout check)"))
    };
    let (x, tx, t) = (
        need(c.frequency, "frequency")?,
        need(c.recency, "recency")?,
        need(c.t, "t")?,
    );
    let d = CustomerData {
        frequency: &x,
        recency: &tx,
        t: &t,
    };
    crate::churn::holdout_check(m, &d, &holdout, duration, last_bin)
}

/// Covariate columns of a call, one value per customer: `covariates` as an
/// object of columns (`{"late_share": [0, 0.5, …]}`, JavaScript and the
/// vectors), or `covariate_names` (a list) with one column
/// `covariate.<name>` per name (numpy buffers from Python, read in place).
/// With both, `covariate_names` orders the object's columns.
#[derive(Debug, Clone, Default)]
pub struct CovariateTable<'a> {
    names: Vec<String>,
    columns: Vec<std::borrow::Cow<'a, [f64]>>,
}

impl<'a> CovariateTable<'a> {
    /// Takes the covariate arguments out of `a`.
    ///
    /// # Errors
    /// [`CxError::InvalidParameter`] for a malformed `covariates` or
    /// `covariate_names`; [`CxError::Covariate`] for a name without its
    /// column or a column that is not numbers.
    pub fn read(a: &mut Args<'a>) -> Result<CovariateTable<'a>> {
        let order: Option<Vec<String>> = match a.json("covariate_names")? {
            None => None,
            Some(v) => Some(
                serde_json::from_value(v.clone())
                    .map_err(|_| wrong("covariate_names", &v, "a list of covariate names"))?,
            ),
        };
        let object = match a.json("covariates")? {
            None => None,
            Some(Value::Object(m)) => Some(m),
            Some(other) => return Err(wrong("covariates", &other, "an object of columns")),
        };
        // Flags (true/false) are 0/1 covariates.
        let as_floats = |name: &str, column: super::Column<'a>| -> Result<std::borrow::Cow<'a, [f64]>> {
            let column = match column {
                super::Column::Bools(v) => {
                    return Ok(std::borrow::Cow::Owned(
                        v.iter().map(|&b| f64::from(u8::from(b))).collect(),
                    ));
                }
                super::Column::Json(Value::Array(a)) => super::Column::Json(Value::Array(
                    a.into_iter()
                        .map(|v| match v {
                            Value::Bool(b) => Value::from(u8::from(b)),
                            other => other,
                        })
                        .collect(),
                )),
                other => other,
            };
            let mut tmp = Args::new();
            tmp.insert("covariates", column);
            tmp.floats("covariates")
                .map_err(|e| {
                    crate::churn::covariate_error(name, e.index(), format!("not a column of numbers ({e})"))
                })?
                .ok_or_else(|| crate::churn::covariate_error(name, None, "no column".into()))
        };
        let mut out = CovariateTable::default();
        match (order, object) {
            (None, None) => {
                return Err(CxError::invalid(
                    "covariates",
                    "nothing",
                    "covariate columns: an object {name: values} (or covariate_names with covariate.<name> columns)",
                ));
            }
            (names, Some(mut m)) => {
                let names = names.unwrap_or_else(|| m.keys().cloned().collect());
                for name in names {
                    let v = m.remove(&name).ok_or_else(|| {
                        crate::churn::covariate_error(
                            &name,
                            None,
                            "named in covariate_names but not in covariates".into(),
                        )
                    })?;
                    let col = as_floats(&name, super::Column::Json(v))?;
                    out.names.push(name);
                    out.columns.push(col);
                }
                if let Some(extra) = m.keys().next() {
                    return Err(crate::churn::covariate_error(
                        extra,
                        None,
                        "in covariates but not in covariate_names".into(),
                    ));
                }
            }
            (Some(names), None) => {
                for name in names {
                    let column = a.take(&format!("covariate.{name}")).ok_or_else(|| {
                        crate::churn::covariate_error(
                            &name,
                            None,
                            format!("named in covariate_names but no column `covariate.{name}` was given"),
                        )
                    })?;
                    let col = as_floats(&name, column)?;
                    out.names.push(name);
                    out.columns.push(col);
                }
            }
        }
        Ok(out)
    }

    /// Runs `f` with the columns as the core takes them.
    pub fn with<T>(&self, f: impl FnOnce(&crate::churn::Covariates<'_>) -> T) -> T {
        let cols: Vec<&[f64]> = self.columns.iter().map(|c| c.as_ref()).collect();
        f(&crate::churn::Covariates {
            names: &self.names,
            columns: &cols,
        })
    }
}

/// `fit_covariates`: the purchase model named by `model` with
/// time-invariant covariates ([`crate::churn::fit_covariates`]) on the
/// columns `frequency`, `recency`, `t` and the covariates of
/// [`CovariateTable`], with `options`
/// ([`crate::churn::CovariateOptions`]).
///
/// # Errors
/// As [`crate::churn::fit_covariates`]; malformed arguments.
pub fn fit_covariates(a: &mut Args<'_>) -> Result<crate::churn::CovariateModel> {
    let name = Args::required("model", a.text("model")?)?;
    let options: crate::churn::CovariateOptions = a.options("options")?;
    let table = Table::read(a)?;
    let cov = CovariateTable::read(a)?;
    let columns = table.columns();
    let data = columns.customers("fit_covariates")?;
    cov.with(|c| crate::churn::fit_covariates(&name, &data, c, &options))
}

/// A covariate model given as its JSON text or a JSON object.
fn covariate_model(a: &mut Args<'_>) -> Result<crate::churn::CovariateModel> {
    match Args::required("model", a.json("model")?)? {
        Value::String(s) => crate::churn::CovariateModel::from_json(&s),
        v @ Value::Object(_) => crate::churn::CovariateModel::from_json(&v.to_string()),
        other => Err(wrong(
            "model",
            &other,
            "a covariate model's JSON (text or object)",
        )),
    }
}

/// `predict_covariates`: `prediction` of the covariate model `model` for
/// every customer of the columns, each with its own covariates.
///
/// # Errors
/// As [`crate::churn::predict_covariates`]; malformed arguments.
pub fn predict_covariates(a: &mut Args<'_>) -> Result<Vec<f64>> {
    let m = covariate_model(a)?;
    let p = prediction(a)?;
    let table = Table::read(a)?;
    let cov = CovariateTable::read(a)?;
    cov.with(|c| crate::churn::predict_covariates(&m, &p, &table.columns(), c))
}

/// The time-varying arguments: `first` (calendar time of each customer's
/// first purchase), `boundaries` (the K + 1 period boundaries), `purchases`
/// (repeat purchases per customer and period, customer-major) and the
/// covariates of [`CovariateTable`], each column customers × periods long.
fn with_periods<T>(
    a: &mut Args<'_>,
    run: impl FnOnce(&CustomerData<'_>, &crate::churn::PeriodCovariates<'_>) -> Result<T>,
) -> Result<T> {
    let table = Table::read(a)?;
    let first = Args::required("first", a.floats("first")?)?;
    let boundaries = Args::required("boundaries", a.floats("boundaries")?)?;
    let purchases = Args::required("purchases", a.floats("purchases")?)?;
    let cov = CovariateTable::read(a)?;
    let columns = table.columns();
    let data = columns.customers("time-varying covariates")?;
    cov.with(|c| {
        run(
            &data,
            &crate::churn::PeriodCovariates {
                names: c.names,
                boundaries: &boundaries,
                first: &first,
                columns: c.columns,
                purchases: &purchases,
            },
        )
    })
}

/// `fit_dynamic_covariates`: Pareto/NBD with time-varying covariates
/// ([`crate::churn::fit_dynamic_covariates`]) on the columns `frequency`,
/// `recency`, `t` and the period arguments of [`with_periods`], with
/// `options` ([`crate::churn::CovariateOptions`]).
///
/// # Errors
/// As [`crate::churn::fit_dynamic_covariates`]; malformed arguments.
pub fn fit_dynamic_covariates(a: &mut Args<'_>) -> Result<crate::churn::CovariateModel> {
    let options: crate::churn::CovariateOptions = a.options("options")?;
    with_periods(a, |d, p| crate::churn::fit_dynamic_covariates(d, p, &options))
}

/// `predict_dynamic`: `prediction` ([`crate::churn::DynamicPrediction`]) of
/// the Pareto/NBD covariate model `model` for every customer with its
/// period covariates.
///
/// # Errors
/// As [`crate::churn::predict_dynamic`]; malformed arguments.
pub fn predict_dynamic(a: &mut Args<'_>) -> Result<Vec<f64>> {
    let m = covariate_model(a)?;
    let p = Args::required("prediction", a.json("prediction")?)?;
    let p: crate::churn::DynamicPrediction = serde_json::from_value(p.clone()).map_err(|e| {
        CxError::invalid(
            "prediction",
            p.to_string(),
            format!(
                "log_likelihood, probability_alive or conditional_expected_purchases with a horizon ({e})"
            ),
        )
    })?;
    with_periods(a, |d, periods| crate::churn::predict_dynamic(&m, &p, d, periods))
}

pub(super) fn run_fit_dynamic_covariates(a: &mut Args<'_>) -> Result<Value> {
    Ok(to_json(&fit_dynamic_covariates(a)?))
}

pub(super) fn run_predict_dynamic(a: &mut Args<'_>) -> Result<Value> {
    Ok(Value::Array(
        predict_dynamic(a)?.into_iter().map(json_float).collect(),
    ))
}

/// `covariate_model`: checks a covariate model's JSON and returns it.
pub(super) fn run_covariate_model(a: &mut Args<'_>) -> Result<Value> {
    Ok(to_json(&covariate_model(a)?))
}

pub(super) fn run_fit_covariates(a: &mut Args<'_>) -> Result<Value> {
    Ok(to_json(&fit_covariates(a)?))
}

pub(super) fn run_predict_covariates(a: &mut Args<'_>) -> Result<Value> {
    Ok(Value::Array(
        predict_covariates(a)?.into_iter().map(json_float).collect(),
    ))
}

/// `parameters`: each parameter of `model` with its standard error and
/// Wald interval at `level` (0.95 by default).
pub(super) fn run_parameters(a: &mut Args<'_>) -> Result<Value> {
    let m = model(a)?;
    Ok(to_json(&m.parameters(a.level()?)?))
}

pub(super) fn run_clv(a: &mut Args<'_>) -> Result<Value> {
    Ok(Value::Array(clv(a)?.into_iter().map(json_float).collect()))
}

pub(super) fn run_holdout(a: &mut Args<'_>) -> Result<Value> {
    Ok(to_json(&holdout(a)?))
}

pub(super) fn run_fit(a: &mut Args<'_>) -> Result<Value> {
    Ok(to_json(&fit(a)?))
}

pub(super) fn run_predict(a: &mut Args<'_>) -> Result<Value> {
    Ok(Value::Array(predict(a)?.into_iter().map(json_float).collect()))
}

/// `expected_cumulative_transactions`: the tracking plot's data of `model`
/// (its JSON) on the transaction columns `customers`, `timestamps` (in
/// `unit`), with `options` ([`TrackingOptions`](crate::churn::TrackingOptions)).
///
/// # Errors
/// As [`crate::churn::expected_cumulative_transactions`]; a spend model.
pub fn tracking(a: &mut Args<'_>) -> Result<crate::churn::Tracking> {
    let m = model(a)?;
    let options: crate::churn::TrackingOptions = a.options("options")?;
    let unit = a.unit()?;
    let customers = Args::required("customers", a.keys("customers")?)?;
    let timestamps = Args::required("timestamps", a.times("timestamps", unit)?)?;
    let pm = m.purchase_model().ok_or_else(|| {
        CxError::invalid(
            "model",
            crate::churn::model_name(&m),
            "a purchase model (bg_nbd, mbg_nbd, pareto_nbd) for expected_cumulative_transactions",
        )
    })?;
    let tx = crate::retention::Transactions {
        customers: &customers.codes,
        timestamps: &timestamps,
        unit,
        amounts: None,
    };
    crate::churn::expected_cumulative_transactions(pm, &tx, &options)
}

pub(super) fn run_tracking(a: &mut Args<'_>) -> Result<Value> {
    Ok(to_json(&tracking(a)?))
}

/// `alive_path`: P(alive) of one customer at each time of `at`, given the
/// repeat `purchases` (times since the first purchase, ascending) of
/// `model` (its JSON).
///
/// # Errors
/// As [`crate::churn::alive_path`].
pub(super) fn run_alive_path(a: &mut Args<'_>) -> Result<Value> {
    let m = model(a)?;
    let purchases = Args::required("purchases", a.floats("purchases")?)?;
    let at = Args::required("at", a.floats("at")?)?;
    let p = crate::churn::alive_path(&m, &purchases, &at)?;
    Ok(Value::Array(p.into_iter().map(json_float).collect()))
}

/// `bootstrap`: intervals of `prediction` (a [`Prediction`] object) from the
/// parameter uncertainty of `model` (its fitted JSON), fitted to the
/// customer columns `frequency`, `recency`, `t` (and `weights`); `periods`
/// predict a new customer at those ages instead of the customers; `options`
/// ([`BootstrapOptions`](crate::churn::BootstrapOptions)).
///
/// # Errors
/// As [`crate::churn::bootstrap`].
pub fn bootstrap(a: &mut Args<'_>) -> Result<crate::churn::Bootstrap> {
    let m = model(a)?;
    let p = a.json("prediction")?;
    let p: Prediction = serde_json::from_value(Args::required("prediction", p.clone())?).map_err(|e| {
        CxError::invalid(
            "prediction",
            p.map(|v| v.to_string()).unwrap_or_default(),
            format!("a prediction such as {{\"kind\": \"probability_alive\"}} ({e})"),
        )
    })?;
    let options: crate::churn::BootstrapOptions = a.options("options")?;
    let table = Table::read(a)?;
    let weights = a.floats("weights")?;
    let periods = a.floats("periods")?;
    let target = periods.as_deref().map(|t| Columns {
        t: Some(t),
        ..Columns::default()
    });
    crate::churn::bootstrap(
        &m,
        &table.columns(),
        weights.as_deref(),
        &p,
        target.as_ref(),
        &options,
    )
}

pub(super) fn run_bootstrap(a: &mut Args<'_>) -> Result<Value> {
    Ok(to_json(&bootstrap(a)?))
}
