//! Churn models for Python: a model travels as its JSON text (a few hundred
//! bytes), columns as float64 numpy arrays borrowed in place, predictions
//! come back as new numpy arrays. Every call goes through `cx::bind` (fit,
//! predict, clv, holdout) and runs without the GIL.

use std::borrow::Cow;

use cx::bind::{Args, Column};
use cx::churn::AnyModel;
use numpy::{PyArray1, PyReadonlyArray1};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyDict;
use pythonize::depythonize;

use crate::arrays::slice;
use crate::errors::IntoPy;

type Col<'py> = Option<PyReadonlyArray1<'py, f64>>;

fn col<'a>(c: &'a Col<'_>) -> PyResult<Option<&'a [f64]>> {
    c.as_ref().map(slice).transpose()
}

/// Fits the model named `model` and returns it as JSON.
#[pyfunction]
#[pyo3(signature = (model, frequency=None, recency=None, t=None, monetary_value=None, weights=None, options=None))]
#[allow(clippy::too_many_arguments)]
pub fn churn_fit(
    py: Python<'_>,
    model: &str,
    frequency: Col<'_>,
    recency: Col<'_>,
    t: Col<'_>,
    monetary_value: Col<'_>,
    weights: Col<'_>,
    options: Option<&Bound<'_, PyDict>>,
) -> PyResult<String> {
    // Through the binding layer, so that a misspelt option is the typed
    // error it is in Rust and JS.
    let mut a = Args::new();
    a.insert("model", Column::Json(model.into()));
    if let Some(o) = options {
        let v = depythonize(o.as_any())
            .map_err(|e| PyValueError::new_err(format!("invalid fit options: {e}")))?;
        a.insert("options", Column::Json(v));
    }
    for (name, c) in [
        ("frequency", col(&frequency)?),
        ("recency", col(&recency)?),
        ("t", col(&t)?),
        ("monetary_value", col(&monetary_value)?),
        ("weights", col(&weights)?),
    ] {
        if let Some(c) = c {
            a.insert(name, Column::Floats(Cow::Borrowed(c)));
        }
    }
    let m = py.detach(|| cx::bind::fit(&mut a)).py()?;
    Ok(m.to_json())
}

/// Reads and checks a model's JSON, returning it in canonical form.
#[pyfunction]
pub fn churn_model(json: &str) -> PyResult<String> {
    Ok(AnyModel::from_json(json).py()?.to_json())
}

/// The per-customer columns that were given, borrowed as the layer's
/// float columns.
fn columns<'a>(a: &mut Args<'a>, cols: [(&'static str, Option<&'a [f64]>); 4]) {
    for (name, c) in cols {
        if let Some(c) = c {
            a.insert(name, Column::Floats(Cow::Borrowed(c)));
        }
    }
}

fn json(d: &Bound<'_, PyAny>, what: &str) -> PyResult<serde_json::Value> {
    depythonize(d).map_err(|e| PyValueError::new_err(format!("invalid {what}: {e}")))
}

/// One prediction (a dict such as `{"kind": "probability_alive"}`) for
/// every customer, through `cx::bind::predict`.
#[pyfunction]
#[pyo3(signature = (model, prediction, frequency=None, recency=None, t=None, monetary_value=None))]
pub fn churn_predict<'py>(
    py: Python<'py>,
    model: &str,
    prediction: &Bound<'py, PyDict>,
    frequency: Col<'py>,
    recency: Col<'py>,
    t: Col<'py>,
    monetary_value: Col<'py>,
) -> PyResult<Bound<'py, PyArray1<f64>>> {
    let mut a = Args::new();
    a.insert("model", Column::Json(model.into()));
    a.insert(
        "prediction",
        Column::Json(json(prediction.as_any(), "prediction")?),
    );
    columns(
        &mut a,
        [
            ("frequency", col(&frequency)?),
            ("recency", col(&recency)?),
            ("t", col(&t)?),
            ("monetary_value", col(&monetary_value)?),
        ],
    );
    let v = py.detach(|| cx::bind::predict(&mut a)).py()?;
    Ok(PyArray1::from_vec(py, v))
}

/// Customer lifetime value from a purchase model and a gamma-gamma model,
/// through `cx::bind::clv`.
#[pyfunction]
#[pyo3(signature = (purchases, spend, frequency, recency, t, monetary_value, options=None))]
#[allow(clippy::too_many_arguments)]
pub fn churn_clv<'py>(
    py: Python<'py>,
    purchases: &str,
    spend: &str,
    frequency: PyReadonlyArray1<'py, f64>,
    recency: PyReadonlyArray1<'py, f64>,
    t: PyReadonlyArray1<'py, f64>,
    monetary_value: PyReadonlyArray1<'py, f64>,
    options: Option<&Bound<'py, PyDict>>,
) -> PyResult<Bound<'py, PyArray1<f64>>> {
    let mut a = Args::new();
    a.insert("model", Column::Json(purchases.into()));
    a.insert("spend_model", Column::Json(spend.into()));
    if let Some(o) = options {
        a.insert("options", Column::Json(json(o.as_any(), "CLV options")?));
    }
    columns(
        &mut a,
        [
            ("frequency", Some(slice(&frequency)?)),
            ("recency", Some(slice(&recency)?)),
            ("t", Some(slice(&t)?)),
            ("monetary_value", Some(slice(&monetary_value)?)),
        ],
    );
    let v = py.detach(|| cx::bind::clv(&mut a)).py()?;
    Ok(PyArray1::from_vec(py, v))
}

/// Predicted vs actual holdout purchases, as a dict, through
/// `cx::bind::holdout`.
#[pyfunction]
#[pyo3(signature = (model, frequency, recency, t, frequency_holdout, duration_holdout, last_bin=7))]
#[allow(clippy::too_many_arguments)]
pub fn churn_holdout<'py>(
    py: Python<'py>,
    model: &str,
    frequency: PyReadonlyArray1<'py, f64>,
    recency: PyReadonlyArray1<'py, f64>,
    t: PyReadonlyArray1<'py, f64>,
    frequency_holdout: PyReadonlyArray1<'py, f64>,
    duration_holdout: f64,
    last_bin: u32,
) -> PyResult<Bound<'py, PyAny>> {
    let mut a = Args::new();
    a.insert("model", Column::Json(model.into()));
    a.insert("duration_holdout", Column::Json(duration_holdout.into()));
    a.insert("last_bin", Column::Json(last_bin.into()));
    a.insert(
        "frequency_holdout",
        Column::Floats(Cow::Borrowed(slice(&frequency_holdout)?)),
    );
    columns(
        &mut a,
        [
            ("frequency", Some(slice(&frequency)?)),
            ("recency", Some(slice(&recency)?)),
            ("t", Some(slice(&t)?)),
            ("monetary_value", None),
        ],
    );
    let r = py.detach(|| cx::bind::holdout(&mut a)).py()?;
    Ok(pythonize::pythonize(py, &r)?)
}
