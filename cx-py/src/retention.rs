//! Retention measures for Python: columns in, the core's result as dicts out
//! (the Python layer builds the DataFrames).

use cx::bind::live::{self, Live};
use cx::retention::{CustomerId, CustomerSummary, RetentionResult};
use numpy::PyArray1;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyList};
use pythonize::{depythonize, pythonize};

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

/// A JSON value of a Python object (None for None).
fn json_of(v: Option<&Bound<'_, PyAny>>) -> PyResult<serde_json::Value> {
    match v {
        None => Ok(serde_json::Value::Null),
        Some(d) if d.is_none() => Ok(serde_json::Value::Null),
        Some(d) => depythonize(d).map_err(|e| PyValueError::new_err(format!("invalid options: {e}"))),
    }
}

fn customer_object<'py>(py: Python<'py>, id: &CustomerId) -> PyResult<Bound<'py, PyAny>> {
    Ok(match id {
        CustomerId::Int(i) => i.into_pyobject(py)?.into_any(),
        CustomerId::Text(s) => s.into_pyobject(py)?.into_any(),
    })
}

/// Every customer's buy-till-you-die state, updated per order (wrapped by
/// `cx.LiveSummary`).
#[pyclass(name = "_LiveSummary", module = "cx._cx")]
#[derive(Clone)]
pub struct PyLiveSummary {
    inner: Live,
}

#[pymethods]
impl PyLiveSummary {
    #[new]
    #[pyo3(signature = (options=None))]
    fn new(options: Option<&Bound<'_, PyAny>>) -> PyResult<Self> {
        Ok(PyLiveSummary {
            inner: live::live_new(json_of(options)?).py()?,
        })
    }

    /// Records the orders of the transaction columns in `args`; returns the
    /// number of orders.
    fn record(&mut self, py: Python<'_>, args: &Bound<'_, PyDict>) -> PyResult<usize> {
        let mut held = Held::read(args)?;
        let a = held.args()?;
        let live = &mut self.inner;
        py.detach(|| live::live_record(live, a)).py()
    }

    fn merge(&mut self, other: PyRef<'_, PyLiveSummary>) -> PyResult<()> {
        self.inner.merge(&other.inner).py()
    }

    fn to_bytes<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, &self.inner.to_bytes())
    }

    #[staticmethod]
    fn from_bytes(py: Python<'_>, data: &[u8]) -> PyResult<Self> {
        Ok(PyLiveSummary {
            inner: py.detach(|| Live::from_bytes(data)).py()?,
        })
    }

    fn __len__(&self) -> usize {
        self.inner.len()
    }

    fn __eq__(&self, other: PyRef<'_, PyLiveSummary>) -> bool {
        self.inner == other.inner
    }

    #[getter]
    fn orders(&self) -> u64 {
        self.inner.orders()
    }

    #[getter]
    fn unpriced(&self) -> u64 {
        self.inner.unpriced()
    }

    #[getter]
    fn options<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        Ok(pythonize(py, self.inner.options())?)
    }

    /// A customer's state as a dict (None for an unknown customer), with
    /// the first days of its first and last purchase periods.
    fn state<'py>(
        &self,
        py: Python<'py>,
        customer: &Bound<'py, PyAny>,
    ) -> PyResult<Option<Bound<'py, PyAny>>> {
        let id = live::customer_id(&json_of(Some(customer))?).py()?;
        let Some(s) = self.inner.state(&id) else {
            return Ok(None);
        };
        let d = PyDict::new(py);
        let day = |p: i64| self.inner.period_start(p).map(|d| d.to_string());
        d.set_item("first_period", day(s.first))?;
        d.set_item("last_period", day(s.last))?;
        d.set_item("purchases", s.periods)?;
        d.set_item("orders", s.orders)?;
        d.set_item("first_spend", s.first_spend)?;
        d.set_item("repeat_spend", s.repeat_spend)?;
        Ok(Some(d.into_any()))
    }

    /// The summary: customers as a list of ids, the rest as numpy columns.
    #[pyo3(signature = (options=None))]
    fn summary<'py>(
        &self,
        py: Python<'py>,
        options: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let o = json_of(options)?;
        let live = &self.inner;
        let s = py.detach(|| live::live_summary(live, o)).py()?;
        let list = PyList::empty(py);
        for id in &s.customers {
            list.append(customer_object(py, id)?)?;
        }
        let columns = CustomerSummary {
            customers: Vec::new(),
            frequency: s.frequency,
            recency: s.recency,
            t: s.t,
            monetary_value: s.monetary_value,
            first_purchase: s.first_purchase,
            report: s.report,
        };
        let d = summary_columns(py, columns)?;
        d.set_item("customers", list)?;
        Ok(d)
    }

    /// Scores one customer with a model's JSON.
    #[pyo3(signature = (customer, model, options=None))]
    fn score<'py>(
        &self,
        py: Python<'py>,
        customer: &Bound<'py, PyAny>,
        model: &str,
        options: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let id = json_of(Some(customer))?;
        let s = live::live_score(&self.inner, &id, model, json_of(options)?).py()?;
        Ok(pythonize(py, &s)?)
    }
}
