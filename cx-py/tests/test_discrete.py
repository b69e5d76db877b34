"""The shared vectors of the discrete-time models (tests/vectors/discrete.json):
sBG and BG/BB through the Python classes."""

import json

import numpy as np
import pandas as pd
import pytest

import cx
from conftest import VECTORS

DOC = json.loads((VECTORS / "discrete.json").read_text())

SBG_METHODS = {
    "survival": lambda m, p, t: m.survival(t),
    "retention_rate": lambda m, p, t: m.retention_rate(t),
    "discounted_expected_lifetime": lambda m, p, t: [m.discounted_expected_lifetime(p["discount_rate"])],
    "discounted_expected_residual_lifetime": lambda m, p, t: m.discounted_expected_residual_lifetime(p["discount_rate"], t),
}


@pytest.mark.parametrize("case", DOC["sbg_fits"], ids=lambda c: c["name"])
def test_sbg_fit_and_predictions(case):
    m = cx.ShiftedBetaGeometric().fit(case["survivors"])
    for k, w in case["params"].items():
        assert abs(m.params[k] - w) <= case["param_tolerance"], (k, m.params[k])
    assert abs(m.report.log_likelihood - case["log_likelihood"]) <= case["ll_tolerance"]
    assert m.report.converged
    for p in case["predictions"]:
        got = SBG_METHODS[p["prediction"]["kind"]](m, p["prediction"], np.array(p.get("t", []), dtype=float))
        np.testing.assert_allclose(got, p["expected"], rtol=0, atol=p["tolerance"])
    # The same model from customers' periods and churn flags (one row per customer).
    s = case["survivors"]
    periods, churned = [], []
    for t in range(1, len(s)):
        periods += [t] * int(s[t - 1] - s[t])
        churned += [True] * int(s[t - 1] - s[t])
    periods += [len(s) - 1] * int(s[-1])
    churned += [False] * int(s[-1])
    same = cx.ShiftedBetaGeometric().fit(periods=periods, churned=churned)
    assert abs(same.params["alpha"] - m.params["alpha"]) < 1e-6
    assert same.report.distinct_rows == len(s)


def test_bgbb_donations():
    f = DOC["bgbb_fit"]
    d = pd.DataFrame({k: f[k] for k in ("frequency", "recency", "periods", "weights")})
    m = cx.BetaGeoBetaBinom().fit(d, weights="weights")
    for k, w in f["params"].items():
        assert abs(m.params[k] - w) <= f["param_rel_tolerance"] * w, (k, m.params[k])
    assert abs(m.report.log_likelihood - f["log_likelihood"]) <= f["ll_tolerance"]
    assert m.report.customers == f["customers"]
    for p in f["predictions"]:
        kind = p["prediction"]["kind"]
        if kind == "expected_purchases":
            got = m.expected_purchases(np.array(p["periods"], dtype=float))
        else:
            cols = {k: np.array(p[k], dtype=float) for k in ("frequency", "recency", "periods")}
            got = {
                "probability_alive": lambda: m.probability_alive(**cols),
                "conditional_expected_purchases": lambda: m.predict_purchases(p["prediction"]["future"], **cols),
                "dert": lambda: m.dert(p["prediction"]["discount_rate"], **cols),
            }[kind]()
        np.testing.assert_allclose(got, p["expected"], rtol=0, atol=p["tolerance"])
    again = cx.BetaGeoBetaBinom.from_json(m.to_json())
    assert again == m


@pytest.mark.parametrize("case", DOC["errors"], ids=lambda c: c["name"])
def test_discrete_errors(case):
    from cx import _cx

    with pytest.raises(cx.CxError) as e:
        _cx.call(case["call"], case["args"])
    assert e.value.code == case["error"]["code"], str(e.value)
    assert e.value.argument == case["error"]["argument"]
    assert getattr(e.value, "index", None) == case["error"].get("index")


def test_bad_parameters_and_fits_raise_typed_errors():
    with pytest.raises(cx.InvalidParameterError):
        cx.ShiftedBetaGeometric(alpha=-1.0, beta=1.0)
    with pytest.raises(cx.OutOfRangeError) as e:
        cx.ShiftedBetaGeometric().fit([100, 120])
    assert e.value.argument == "survivors" and e.value.index == 1
    with pytest.raises(cx.OutOfRangeError) as e:
        cx.BetaGeoBetaBinom().fit(frequency=[2], recency=[1], periods=[6])
    assert e.value.argument == "recency"
