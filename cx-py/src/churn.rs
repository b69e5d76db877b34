//! Churn models for Python: a model travels as its JSON text (a few hundred
//! bytes), columns as float64 numpy arrays borrowed in place, predictions
//! come back as new numpy arrays. Fits and predictions run without the GIL.

use std::borrow::Cow;

use cx::bind::{Args, Column};
use cx::churn::{AnyModel, ClvOptions, Columns, Prediction, lifetime_value, predict};
use numpy::{PyArray1, PyReadonlyArray1};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyDict;
use pythonize::depythonize;
use serde::de::DeserializeOwned;

use crate::arrays::slice;
use crate::errors::IntoPy;

type Col<'py> = Option<PyReadonlyArray1<'py, f64>>;

/// Options through the core's option reader (typed errors naming the option).
fn options<T: DeserializeOwned + Default>(d: Option<&Bound<'_, PyDict>>, what: &str) -> PyResult<T> {
    match d {
        None => Ok(T::default()),
        Some(d) => {
            let v =
                depythonize(d.as_any()).map_err(|e| PyValueError::new_err(format!("invalid {what}: {e}")))?;
            cx::options::from_json(v).py()
        }
    }
}

fn col<'a>(c: &'a Col<'_>) -> PyResult<Option<&'a [f64]>> {
    c.as_ref().map(slice).transpose()
}

/// Fits the model named `model` and returns it as JSON.
#[pyfunction]
#[pyo3(signature = (model, frequency=None, recency=None, t=None, monetary_value=None, options=None))]
pub fn churn_fit(
    py: Python<'_>,
    model: &str,
    frequency: Col<'_>,
    recency: Col<'_>,
    t: Col<'_>,
    monetary_value: Col<'_>,
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

/// One prediction (a dict such as `{"kind": "probability_alive"}`) for
/// every customer.
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
    let m = AnyModel::from_json(model).py()?;
    let p: Prediction = depythonize(prediction.as_any())
        .map_err(|e| PyValueError::new_err(format!("invalid prediction: {e}")))?;
    let c = Columns {
        frequency: col(&frequency)?,
        recency: col(&recency)?,
        t: col(&t)?,
        monetary_value: col(&monetary_value)?,
    };
    let v = py.detach(|| predict(&m, &p, &c)).py()?;
    Ok(PyArray1::from_vec(py, v))
}

/// Customer lifetime value from a purchase model and a gamma-gamma model.
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
    let o: ClvOptions = self::options(options, "CLV options")?;
    let pm = AnyModel::from_json(purchases).py()?;
    let sm = AnyModel::from_json(spend).py()?;
    let c = Columns {
        frequency: Some(slice(&frequency)?),
        recency: Some(slice(&recency)?),
        t: Some(slice(&t)?),
        monetary_value: Some(slice(&monetary_value)?),
    };
    let v = py.detach(|| lifetime_value(&pm, &sm, &c, &o)).py()?;
    Ok(PyArray1::from_vec(py, v))
}

/// Predicted vs actual holdout purchases, as a dict.
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
    let m = AnyModel::from_json(model).py()?;
    let d = cx::churn::CustomerData {
        frequency: slice(&frequency)?,
        recency: slice(&recency)?,
        t: slice(&t)?,
    };
    let holdout = slice(&frequency_holdout)?;
    let r = py
        .detach(|| cx::churn::holdout_check(&m, &d, holdout, duration_holdout, last_bin))
        .py()?;
    Ok(pythonize::pythonize(py, &r)?)
}
