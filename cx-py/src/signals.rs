//! Customer signals with a columnar result: the arguments go through
//! `cx::bind` like every call (customer keys as int64 codes with one label
//! list shared by the tables, times as int64 epoch values with NaT for "not
//! yet", numbers as float64, all borrowed without a copy), and the report
//! comes back as columns, so that the Python side builds its frames
//! without a dict per customer. The customer codes are those Python sent.

use numpy::IntoPyArray;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};
use pythonize::pythonize;

use crate::bind::Held;
use crate::errors::IntoPy;

/// Signals (see `cx::bind::signals::signals`) as columns.
#[pyfunction]
pub fn signals_columns<'py>(py: Python<'py>, args: &Bound<'py, PyDict>) -> PyResult<Bound<'py, PyDict>> {
    let mut held = Held::read(args)?;
    let a = held.args()?;
    let (r, _labels) = py.detach(|| cx::bind::signals::signals(a)).py()?;

    let n = r.customers.len();
    let mut customer = Vec::with_capacity(n);
    let mut risk = Vec::with_capacity(n);
    let mut lost = Vec::with_capacity(n);
    let mut n_orders = Vec::with_capacity(n);
    let mut last_order = Vec::with_capacity(n);
    let mut p_alive = Vec::with_capacity(n);
    let mut segment: Vec<Option<String>> = Vec::with_capacity(n);
    let mut risk_rules = Vec::with_capacity(n);
    let mut p_no_order = Vec::with_capacity(n);
    let mut clv = Vec::with_capacity(n);
    let mut value_at_risk = Vec::with_capacity(n);
    let mut contributions = Vec::with_capacity(n);
    let mut flagged = Vec::with_capacity(n);
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
        risk_rules.push(c.risk_rules);
        p_no_order.push(c.p_no_order.unwrap_or(f64::NAN));
        clv.push(c.clv.unwrap_or(f64::NAN));
        value_at_risk.push(c.value_at_risk.unwrap_or(f64::NAN));
        contributions.push(c.contributions);
        flagged.push(c.at_risk);
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
    out.set_item("risk_rules", risk_rules.into_pyarray(py))?;
    out.set_item("p_no_order", p_no_order.into_pyarray(py))?;
    out.set_item("clv", clv.into_pyarray(py))?;
    out.set_item("value_at_risk", value_at_risk.into_pyarray(py))?;
    out.set_item("contributions", pythonize(py, &contributions)?)?;
    out.set_item("at_risk", flagged.into_pyarray(py))?;
    out.set_item("signal_row", s_row.into_pyarray(py))?;
    out.set_item("signal_kind", PyList::new(py, s_kind)?)?;
    out.set_item("signal_strength", s_strength.into_pyarray(py))?;
    out.set_item("signal_reason", PyList::new(py, s_reason)?)?;
    out.set_item("signal_evidence", pythonize(py, &s_evidence)?)?;
    let meta = serde_json::json!({
        "as_of": r.as_of, "tables": r.tables, "counts": r.counts, "lost": r.lost,
        "model": r.model, "notes": r.notes,
        "at_risk_threshold": r.at_risk_threshold, "at_risk_count": r.at_risk_count, "at_risk_rule": r.at_risk_rule,
        "risk_method": r.risk_method, "risk_meaning": r.risk_meaning, "value_at_risk": r.value_at_risk,
    });
    out.set_item("meta", pythonize(py, &meta)?)?;
    Ok(out)
}
