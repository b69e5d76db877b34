"""The backtest and the calibrated churn risk from Python: the same numbers
as the Rust core (through the shared vectors in signals.json and
backtest.json), frames, a calibration that travels as JSON, typed errors."""

import json
import pathlib

import numpy as np
import pandas as pd
import pytest

import cx
from conftest import assert_close, at, load_cases

DEMO = pathlib.Path(__file__).resolve().parents[2] / "cx-cli" / "data" / "demo"


def demo():
    read = lambda name, dates: pd.read_csv(DEMO / f"{name}.csv", parse_dates=dates)
    return {
        "orders": read("orders", ["date"]),
        "feedback": read("feedback", ["date"]),
        "contacts": read("contacts", ["received", "resolved"]),
        "deliveries": read("deliveries", ["promised", "delivered"]),
    }


CASES = load_cases("backtest.json")


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_vector(case):
    if "error" in case:
        with pytest.raises(cx.CxError) as e:
            cx._cx.call("backtest", case["args"])
        assert e.value.fields["code"] == case["error"]["code"], e.value
        assert e.value.argument == case["error"]["argument"], e.value
        return
    r = cx._cx.call("backtest", case["args"])
    for path, want in case["expected"].items():
        assert_close(f"{case['name']}: {path}", at(r, path), want, case["tol"])


def test_demo_backtest_frames_and_calibration_round_trip():
    t = demo()
    b = cx.backtest(**t)
    assert len(b.cutoffs) == 4
    f = b.frame()
    assert {"cutoff", "score", "auc", "brier", "lift_10"} <= set(f.columns)
    rules = f[(f["score"] == "risk_rules")]
    model = f[(f["score"] == "p_no_order")]
    # The purchase model ranks the customers who did not order better than the rules.
    assert (model["auc"].to_numpy() > rules["auc"].to_numpy()).all()
    h = b.holdout
    assert h["brier_calibrated"] < h["brier_rules"]
    rel = b.reliability_frame()
    assert rel.groupby("risk")["customers"].sum()["calibrated"] == b.cutoffs[-1]["customers"]
    cal = b.calibration
    assert cal is not None and "purchase_model" in list(cal.coefficients["feature"])
    again = cx.RiskCalibration.from_json(cal.to_json())
    r = cx.signals(**t, calibration=again)
    assert r.risk_method == "calibrated"
    assert "no order within 90 days" in r.risk_meaning
    fr = r.frame()
    assert ((fr["risk"] >= 0) & (fr["risk"] <= 1)).all()
    # value at risk = risk × CLV, per customer and in total (customers not lost).
    v = fr["value_at_risk"].to_numpy()
    ok = ~np.isnan(v)
    assert np.allclose(v[ok], (fr["risk"] * fr["clv"]).to_numpy()[ok])
    assert r.value_at_risk["total"] == pytest.approx(fr.loc[~fr["lost"], "value_at_risk"].sum(), rel=1e-9)
    top = r.customers[0]
    z = cal.intercept + sum(t["log_odds"] for t in top["contributions"])
    assert 1 / (1 + np.exp(-z)) == pytest.approx(top["risk"], abs=0.01)
    # The same calibration as a dict and as text.
    r2 = cx.signals(**t, calibration=cal.to_json())
    assert np.array_equal(r2.frame()["risk"].to_numpy(), fr["risk"].to_numpy())


def test_scorecard_calibrates_and_can_keep_the_rules():
    t = demo()
    s = cx.scorecard(orders=t["orders"])
    assert s["risk"]["method"] == "calibrated"
    assert len(s["risk"]["backtest"]["cutoffs"]) == 4
    s = cx.scorecard(orders=t["orders"], calibrate=False)
    assert s["risk"]["method"] == "rules"
    assert "not a probability" in s["risk"]["meaning"]


def test_errors_are_typed_and_name_the_argument():
    t = demo()
    with pytest.raises(cx.InvalidParameterError) as e:
        cx.backtest(orders=t["orders"], cutoffs=["2020-01-01"])
    assert e.value.argument == "cutoffs"
    with pytest.raises(cx.InvalidParameterError) as e:
        cx.backtest(orders=t["orders"], horizon_days=5000)
    assert e.value.argument == "horizon_days"
    with pytest.raises(cx.EmptyInputError):
        cx.backtest(feedback=t["feedback"])
    with pytest.raises(cx.InvalidParameterError) as e:
        cx.RiskCalibration.from_json("{")
    assert e.value.argument == "calibration"
    cal = cx.backtest(orders=t["orders"]).calibration.to_dict()
    cal["coefficients"][0]["feature"] = "weather"
    with pytest.raises(cx.InvalidParameterError) as e:
        cx.signals(orders=t["orders"], calibration=cal)
    assert e.value.argument == "calibration.coefficients"
    with pytest.raises(cx.InvalidParameterError) as e:
        cx.signals(orders=t["orders"], calibration=cx.backtest(orders=t["orders"]).calibration, hiatus_days=100)
    assert e.value.argument == "calibration" and "hiatus_days" in str(e.value)


def test_at_risk_by_capacity_and_contact_cost():
    t = demo()
    cal = cx.backtest(**t).calibration
    r = cx.signals(**t, calibration=cal, at_risk_capacity=50)
    assert r.at_risk_count == 50 == len(r.at_risk())
    assert "at most 50" in r.at_risk_rule
    r = cx.signals(**t, calibration=cal, contact_cost=5.0, save_rate=0.5)
    f = r.frame()
    pays = (~f["lost"]) & (f["risk"] * f["clv"] * 0.5 >= 5.0)
    assert (f["at_risk"] == pays).all() and r.at_risk_count == int(pays.sum())
    with pytest.raises(cx.InvalidParameterError) as e:
        cx.signals(**t, contact_cost=-1)
    assert e.value.argument == "contact_cost"
