//! Retention measures for Python: columns in, the core's result as dicts out
//! (the Python layer builds the DataFrames).

use cx::CxError;
use cx::retention::{CustomerSummary, RetentionOptions, RetentionResult, Transactions, retention_measure};
use cx::time::TimeUnit;
use numpy::{PyArray1, PyReadonlyArray1};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyDict;
use pythonize::{depythonize, pythonize};

use crate::arrays::slice;
use crate::errors::IntoPy;

/// Runs the retention measure `measure` on transaction columns.
///
/// `customers` are integer ids or the Python layer's codes of sorted labels
/// (−1 marks a missing id when `customers_missing_sentinel`); `timestamps`
/// are epoch integers in `unit` (`i64::MIN` is NaT).
#[pyfunction]
#[pyo3(signature = (measure, customers, timestamps, unit, amounts=None, options=None, customers_missing_sentinel=false))]
#[allow(clippy::too_many_arguments)]
pub fn retention<'py>(
    py: Python<'py>,
    measure: &str,
    customers: PyReadonlyArray1<'py, i64>,
    timestamps: PyReadonlyArray1<'py, i64>,
    unit: &str,
    amounts: Option<PyReadonlyArray1<'py, f64>>,
    options: Option<&Bound<'py, PyDict>>,
    customers_missing_sentinel: bool,
) -> PyResult<Bound<'py, PyAny>> {
    let o: RetentionOptions = match options {
        None => RetentionOptions::default(),
        Some(d) => {
            let v: serde_json::Value = depythonize(d.as_any())
                .map_err(|e| PyValueError::new_err(format!("invalid options: {e}")))?;
            cx::options::from_json(v).py()?
        }
    };
    let c = slice(&customers)?;
    if customers_missing_sentinel && let Some(index) = c.iter().position(|&k| k < 0) {
        return Err(crate::errors::to_py(CxError::Missing {
            argument: "customers",
            index,
        }));
    }
    let unit: TimeUnit = unit.parse().py()?;
    let tx = Transactions {
        customers: c,
        timestamps: slice(&timestamps)?,
        unit,
        amounts: amounts.as_ref().map(slice).transpose()?,
    };
    let result = py.detach(|| retention_measure(measure, &tx, &o)).py()?;
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
