//! Retention measures for Python: columns in, the core's result as dicts out
//! (the Python layer builds the DataFrames).

use cx::retention::{CustomerSummary, RetentionResult};
use numpy::PyArray1;
use pyo3::prelude::*;
use pyo3::types::PyDict;
use pythonize::pythonize;

use crate::bind::Held;
use crate::errors::IntoPy;

/// Runs the retention measure `measure` through `cx::bind::retention`:
/// `args` holds `customers` (an int64 array of ids, or `(codes, labels)`),
/// `timestamps` (int64 in `unit`, or ISO text), `unit`, `amounts` and
/// `options`. Customers come back as the codes that were sent.
#[pyfunction]
pub fn retention<'py>(
    py: Python<'py>,
    measure: &str,
    args: &Bound<'py, PyDict>,
) -> PyResult<Bound<'py, PyAny>> {
    let mut held = Held::read(args)?;
    let mut a = held.args()?;
    let result = py
        .detach(|| {
            let (r, _keys) = cx::bind::retention(measure, &mut a)?;
            a.finish()?;
            Ok(r)
        })
        .py()?;
    match result {
        RetentionResult::Summary(s) => summary_columns(py, s),
        other => Ok(pythonize(py, &other)?),
    }
}

/// The customer summary as numpy columns (no Python object per value):
/// `first_purchase` as days since 1970-01-01.
fn summary_columns(py: Python<'_>, s: CustomerSummary<i64>) -> PyResult<Bound<'_, PyAny>> {
    let d = PyDict::new(py);
    let epoch = chrono::NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or_default();
    let days: Vec<i64> = s.first_purchase.iter().map(|f| (*f - epoch).num_days()).collect();
    d.set_item("customers", PyArray1::from_vec(py, s.customers))?;
    d.set_item("frequency", PyArray1::from_vec(py, s.frequency))?;
    d.set_item("recency", PyArray1::from_vec(py, s.recency))?;
    d.set_item("t", PyArray1::from_vec(py, s.t))?;
    d.set_item(
        "monetary_value",
        s.monetary_value.map(|m| PyArray1::from_vec(py, m)),
    )?;
    d.set_item("first_purchase_days", PyArray1::from_vec(py, days))?;
    d.set_item("report", pythonize(py, &s.report)?)?;
    Ok(d.into_any())
}
