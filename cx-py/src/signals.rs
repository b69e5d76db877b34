//! Customer signals (see `cx::signals::call`).

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyDict;
use pythonize::{depythonize, pythonize};

use crate::errors::IntoPy;

/// Runs `cx::signals::call` on `args` (tables of columns and options)
/// without the GIL and returns its result as a dict.
#[pyfunction]
pub fn signals<'py>(py: Python<'py>, args: &Bound<'py, PyDict>) -> PyResult<Bound<'py, PyAny>> {
    let v: serde_json::Value =
        depythonize(args.as_any()).map_err(|e| PyValueError::new_err(format!("invalid arguments: {e}")))?;
    let r = py.detach(|| cx::signals::call(v)).py()?;
    Ok(pythonize(py, &r)?)
}

// The buffer path: customer keys as int64 codes the Python side made (one
// code space across the tables), times as int64 epoch nanoseconds with NaT
// for "not yet", numbers as float64 — all borrowed without a copy. The
// result comes back as columns, so that the Python side builds its frames
// without a dict per customer.

use cx::retention::Transactions;
use cx::signals::{Contacts, Deliveries, Feedback, SignalInputs, SignalOptions};
use cx::time::TimeUnit;
use numpy::{IntoPyArray, PyReadonlyArray1};
use pyo3::types::PyList;

use crate::arrays::slice;
use crate::gaps::optional;

type Ints<'py> = PyReadonlyArray1<'py, i64>;
type Floats<'py> = PyReadonlyArray1<'py, f64>;

/// Signals from numpy columns; see the comment above.
#[pyfunction]
#[pyo3(signature = (orders=None, feedback=None, contacts=None, deliveries=None, options=None))]
#[allow(clippy::type_complexity)]
pub fn signals_columns<'py>(
    py: Python<'py>,
    orders: Option<(Ints<'py>, Ints<'py>, Option<Floats<'py>>)>,
    feedback: Option<(Ints<'py>, Ints<'py>, Floats<'py>)>,
    contacts: Option<(
        Ints<'py>,
        Ints<'py>,
        Ints<'py>,
        Option<Vec<String>>,
        Option<Vec<String>>,
    )>,
    deliveries: Option<(Ints<'py>, Ints<'py>, Ints<'py>)>,
    options: Option<&Bound<'py, PyDict>>,
) -> PyResult<Bound<'py, PyDict>> {
    let options: SignalOptions = match options {
        Some(o) => {
            let v: serde_json::Value = depythonize(o.as_any())
                .map_err(|e| PyValueError::new_err(format!("invalid options: {e}")))?;
            cx::options::from_json(v).py()?
        }
        None => SignalOptions::default(),
    };
    let ns = TimeUnit::Nanoseconds;
    let o = match &orders {
        Some((c, t, a)) => Some(Transactions {
            customers: slice(c)?,
            timestamps: slice(t)?,
            unit: ns,
            amounts: a.as_ref().map(slice).transpose()?,
        }),
        None => None,
    };
    let f = match &feedback {
        Some((c, t, s)) => Some(Feedback {
            customers: slice(c)?,
            timestamps: slice(t)?,
            scores: slice(s)?,
        }),
        None => None,
    };
    let resolved = contacts.as_ref().map(|c| slice(&c.2).map(optional)).transpose()?;
    let k = match &contacts {
        Some((c, r, _, ch, cs)) => Some(Contacts {
            customers: slice(c)?,
            received: slice(r)?,
            resolved: resolved.as_deref().unwrap_or_default(),
            channels: ch.as_deref(),
            cases: cs.as_deref(),
        }),
        None => None,
    };
    let delivered = deliveries
        .as_ref()
        .map(|d| slice(&d.2).map(optional))
        .transpose()?;
    let d = match &deliveries {
        Some((c, p, _)) => Some(Deliveries {
            customers: slice(c)?,
            promised: slice(p)?,
            delivered: delivered.as_deref().unwrap_or_default(),
        }),
        None => None,
    };
    let inputs = SignalInputs {
        orders: o,
        feedback: f,
        contacts: k,
        deliveries: d,
        unit: ns,
    };
    let r = py.detach(|| cx::signals::signals(&inputs, &options)).py()?;

    let n = r.customers.len();
    let mut customer = Vec::with_capacity(n);
    let mut risk = Vec::with_capacity(n);
    let mut lost = Vec::with_capacity(n);
    let mut n_orders = Vec::with_capacity(n);
    let mut last_order = Vec::with_capacity(n);
    let mut p_alive = Vec::with_capacity(n);
    let mut segment: Vec<Option<String>> = Vec::with_capacity(n);
    let (mut s_row, mut s_kind, mut s_strength, mut s_reason, mut s_evidence) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for (row, c) in r.customers.into_iter().enumerate() {
        customer.push(c.customer);
        risk.push(c.risk);
        lost.push(c.lost);
        n_orders.push(i64::from(c.orders));
        // Days since the epoch (NaT for none), viewed as datetime64[D] in Python.
        let epoch = chrono::DateTime::UNIX_EPOCH.date_naive();
        last_order.push(
            c.last_order
                .map_or(i64::MIN, |d| d.signed_duration_since(epoch).num_days()),
        );
        p_alive.push(c.p_alive.unwrap_or(f64::NAN));
        segment.push(c.segment);
        for s in c.signals {
            s_row.push(row as i64);
            s_kind.push(s.kind.as_str());
            s_strength.push(s.strength);
            s_reason.push(s.reason);
            s_evidence.push(s.evidence);
        }
    }
    let out = PyDict::new(py);
    out.set_item("customer", customer.into_pyarray(py))?;
    out.set_item("risk", risk.into_pyarray(py))?;
    out.set_item("lost", lost.into_pyarray(py))?;
    out.set_item("orders", n_orders.into_pyarray(py))?;
    out.set_item("last_order", last_order.into_pyarray(py))?;
    out.set_item("p_alive", p_alive.into_pyarray(py))?;
    out.set_item("segment", PyList::new(py, segment)?)?;
    out.set_item("signal_row", s_row.into_pyarray(py))?;
    out.set_item("signal_kind", PyList::new(py, s_kind)?)?;
    out.set_item("signal_strength", s_strength.into_pyarray(py))?;
    out.set_item("signal_reason", PyList::new(py, s_reason)?)?;
    out.set_item("signal_evidence", pythonize(py, &s_evidence)?)?;
    let meta = serde_json::json!({
        "as_of": r.as_of, "tables": r.tables, "counts": r.counts, "lost": r.lost,
        "model": r.model, "notes": r.notes,
    });
    out.set_item("meta", pythonize(py, &meta)?)?;
    Ok(out)
}
