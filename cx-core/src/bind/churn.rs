//! The churn models behind [`run`](super::run): `fit` and `predict`, and
//! their typed entries [`fit`] and [`predict`] for bindings that keep the
//! model object and the prediction buffers themselves.

use serde_json::Value;

use super::{Args, json_float, to_json, wrong};
use crate::churn::{AnyModel, Columns, FitOptions, Prediction, fit_model};
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

/// A model given as its JSON text or as a JSON object.
fn model(a: &mut Args<'_>) -> Result<AnyModel> {
    match Args::required("model", a.json("model")?)? {
        Value::String(s) => AnyModel::from_json(&s),
        v @ Value::Object(_) => AnyModel::from_json(&v.to_string()),
        other => Err(wrong("model", &other, "a model's JSON (text or object)")),
    }
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
    fit_model(&name, &table.columns(), &options)
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
    let p = Args::required("prediction", args.json("prediction")?)?;
    let p: Prediction = serde_json::from_value(p.clone()).map_err(|e| {
        CxError::invalid(
            "prediction",
            p.to_string(),
            format!("a prediction such as {{\"kind\": \"probability_alive\"}} ({e})"),
        )
    })?;
    let table = Table::read(args)?;
    crate::churn::predict(&m, &p, &table.columns())
}

/// `parameters`: each parameter of `model` with its standard error and
/// Wald interval at `level` (0.95 by default).
pub(super) fn run_parameters(a: &mut Args<'_>) -> Result<Value> {
    let m = model(a)?;
    Ok(to_json(&m.parameters(a.level()?)?))
}

pub(super) fn run_fit(a: &mut Args<'_>) -> Result<Value> {
    Ok(to_json(&fit(a)?))
}

pub(super) fn run_predict(a: &mut Args<'_>) -> Result<Value> {
    Ok(Value::Array(predict(a)?.into_iter().map(json_float).collect()))
}
