"""Covariates in the churn models from Python: the shared vectors
(tests/vectors/covariates.json) through the public functions, frames
aligned by customer, polars, typed errors, pickling, and the promise gaps
of the bundled demo shop fitted as drivers."""

import json
import pickle

import numpy as np
import pandas as pd
import pytest

import cx
from conftest import VECTORS

DOC = json.loads((VECTORS / "covariates.json").read_text())


def summary(n=None):
    c = DOC["customers"]
    s = pd.DataFrame({"frequency": c["frequency"], "recency": c["recency"], "T": c["T"]})
    return s if n is None else s.iloc[:n]


def covariates(n=None):
    z = pd.DataFrame(DOC["covariates"])
    return z if n is None else z.iloc[:n]


@pytest.mark.parametrize("case", DOC["log_likelihood"], ids=lambda c: c["name"])
def test_log_likelihoods_match_the_independent_implementation(case):
    m = cx.CovariateModel.from_json(json.dumps(case["model"]))
    n = case["rows"]
    got = m.log_likelihood(summary(n), covariates(n))
    np.testing.assert_allclose(got, case["expected"], rtol=case["tol"], atol=case["tol"])


@pytest.mark.parametrize("case", DOC["fits"], ids=lambda c: c["name"])
def test_the_fit_matches_scipy(case):
    o = case["options"]
    m = cx.fit_covariates(summary(), covariates(), model=case["model"], purchase=o["purchase"], dropout=o["dropout"])
    e, tol = case["expected"], case["tol"]
    for k, v in e["base"].items():
        assert m.params[k] == pytest.approx(v, rel=tol["parameters"])
    c = m.coefficients
    assert list(c["covariate"]) == [w["covariate"] for w in e["coefficients"]]
    assert list(c["process"]) == [w["process"] for w in e["coefficients"]]
    np.testing.assert_allclose(c["estimate"], [w["estimate"] for w in e["coefficients"]], rtol=tol["parameters"], atol=tol["parameters"])
    np.testing.assert_allclose(c["standard_error"], [w["standard_error"] for w in e["coefficients"]], rtol=tol["standard_errors"])
    rep = m.report
    assert rep["log_likelihood"] == pytest.approx(e["log_likelihood"], abs=1e-6 * abs(e["log_likelihood"]))
    assert rep["likelihood_ratio"]["null_log_likelihood"] == pytest.approx(e["null_log_likelihood"], abs=1e-6 * abs(e["null_log_likelihood"]))
    # Wald intervals and p-values follow from the estimate and its SE.
    z = c["estimate"] / c["standard_error"]
    np.testing.assert_allclose(c["z"], z, rtol=1e-12)
    np.testing.assert_allclose(c["upper"] - c["lower"], 2 * 1.959963984540054 * c["standard_error"], rtol=1e-9)
    # Round trips: JSON, pickle; predictions equal the customer's own model.
    again = pickle.loads(pickle.dumps(m))
    assert again == m and cx.CovariateModel.from_json(m.to_json()) == m
    pa = m.probability_alive(summary(), covariates())
    i = 3
    own = m.customer_model(**covariates().iloc[i].to_dict())
    s = summary().iloc[i]
    assert pa[i] == pytest.approx(own.probability_alive(frequency=s.frequency, recency=s.recency, T=s["T"]), rel=1e-12)


def test_frames_are_aligned_by_customer_and_polars_works():
    s = summary().set_axis([f"c{i}" for i in range(len(summary()))])
    z = covariates().set_axis(s.index)
    m = cx.fit_covariates(s, z, model="bg_nbd", dropout=[])
    shuffled = z.sample(frac=1.0, random_state=1)
    m2 = cx.fit_covariates(s, shuffled, model="bg_nbd", dropout=[])
    assert m2.coefficients["estimate"].tolist() == pytest.approx(m.coefficients["estimate"].tolist(), rel=1e-9)
    with pytest.raises(cx.CovariateError) as e:
        cx.fit_covariates(s, shuffled.drop(index="c5"), model="bg_nbd", dropout=[])
    assert e.value.fields["customer"] == "c5" and e.value.index == 5
    pl = pytest.importorskip("polars")
    m3 = cx.fit_covariates(pl.from_pandas(summary()), pl.from_pandas(covariates()), model="bg_nbd", dropout=[])
    assert m3.coefficients["estimate"].tolist() == pytest.approx(m.coefficients["estimate"].tolist(), rel=1e-9)


def test_bad_covariates_are_typed_errors():
    z = covariates()
    z.loc[11, "days_late"] = np.nan
    with pytest.raises(cx.CovariateError) as e:
        cx.fit_covariates(summary(), z, model="pareto_nbd")
    assert (e.value.code, e.value.column, e.value.index, e.value.argument) == ("covariate", "days_late", 11, "covariates")
    assert isinstance(e.value, ValueError)
    with pytest.raises(cx.CovariateError, match="never varies"):
        cx.fit_covariates(summary(), pd.DataFrame({"store": np.ones(len(z))}))
    with pytest.raises(cx.CovariateError, match="no such column"):
        cx.fit_covariates(summary(), covariates(), model="bg_nbd", purchase=["nope"], dropout=[])
    with pytest.raises(cx.CovariateError, match="numbers"):
        cx.fit_covariates(summary(), pd.DataFrame({"channel": ["web"] * len(z)}))
    with pytest.raises(cx.InvalidParameterError):
        cx.fit_covariates(summary(), covariates(), model="gamma_gamma")
    with pytest.raises(cx.DecodeError):
        cx.CovariateModel.from_json('{"base": {"model": "bg_nbd", "r": 1, "alpha": 1, "a": 1, "b": 1}}')


def test_promise_vector_through_pandas():
    case = DOC["promise"][0]
    a = case["args"]
    frames = {t: pd.DataFrame(a[t]) for t in ("deliveries", "contacts", "feedback")}
    cols = {"deliveries.customer": "customers", "contacts.customer": "customers", "feedback.customer": "customers",
            "feedback.date": "timestamps", "feedback.nps": "scores"}
    for t in ("deliveries", "contacts"):
        for c in frames[t].columns:
            if c != "customers":
                frames[t][c] = pd.to_datetime(frames[t][c])
    frames["feedback"]["timestamps"] = pd.to_datetime(frames["feedback"]["timestamps"])
    got = cx.promise_covariates(**frames, columns=cols, until="2024-03-31")
    e = case["expected"]
    assert list(got.index) == e["customers"]
    for name, want in e["columns"].items():
        np.testing.assert_allclose(got[name], want, rtol=1e-12)
    assert got.attrs["tables"] == e["tables"]


def test_promise_gaps_of_the_demo_shop_as_drivers():
    """The demo shop's four exports: promise gaps up to the end of the
    orders, the daily summary, a Pareto/NBD fit with the gaps as drivers."""
    import pathlib

    demo = pathlib.Path(__file__).resolve().parents[2] / "cx-cli" / "data" / "demo"
    orders = pd.read_csv(demo / "orders.csv", parse_dates=["date"])
    deliveries = pd.read_csv(demo / "deliveries.csv", parse_dates=["promised", "delivered"])
    feedback = pd.read_csv(demo / "feedback.csv", parse_dates=["date"])
    end = orders["date"].max()
    gaps = cx.promise_covariates(orders=orders, deliveries=deliveries, feedback=feedback, until=end)
    s = cx.customer_summary(orders, customer_id="customer", timestamp="date", multiplier=7).set_index("customer")
    z = gaps.loc[s.index, ["late_share", "detractor"]]
    m = cx.fit_covariates(s, z, model="pareto_nbd")
    rep = m.report
    assert rep["converged"] and rep["customers"] == len(s)
    assert rep["log_likelihood"] >= rep["likelihood_ratio"]["null_log_likelihood"] - 1e-9
    eff = m.effects
    assert set(eff["on"]) == {"purchase_rate", "dropout_rate"}
    assert (eff["lower"] <= eff["percent"]).all() and (eff["percent"] <= eff["upper"]).all()
