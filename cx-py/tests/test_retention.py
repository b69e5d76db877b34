"""Retention measures: the shared vectors, CDNOW, input families, errors."""

import datetime as dt
import json
import pathlib

import numpy as np
import pandas as pd
import polars as pl
import pytest

import cx
from conftest import VECTORS, assert_close, floats

DOC = json.loads((VECTORS / "retention.json").read_text())
CASES = DOC["cases"]
DATA = pathlib.Path(__file__).resolve().parents[2] / "data" / "cdnow"


def _iso(v):
    return v.isoformat() if isinstance(v, (dt.date, dt.datetime)) else v


def _column(df, name):
    return [None if (isinstance(v, float) and v != v) else _iso(v) for v in list(df[name])]


def _frame_to_core(df, mapping):
    return {core: _column(df, col) for core, col in mapping.items() if col in df.columns}


def run(case, family):
    tx = case.get("transactions", DOC["shop"])
    cols = {"customer_id": tx["customers"], "timestamp": tx["timestamps"]}
    if "amounts" in tx:
        cols["amount"] = floats(tx["amounts"])
    data = pd.DataFrame(cols) if family == "pandas" else pl.DataFrame(cols, strict=False)
    amount = "amount" if "amounts" in tx else None
    o = dict(case.get("options", {}))
    call = case["call"]
    if call == "customer_summary":
        df = cx.customer_summary(data, amount=amount, **o)
        out = _frame_to_core(df, {"customers": "customer_id", "frequency": "frequency", "recency": "recency", "t": "T", "monetary_value": "monetary_value", "first_purchase": "first_purchase"})
        if family == "pandas":
            out["report"] = df.attrs["report"].to_dict()
        return out
    if call == "calibration_holdout":
        df = cx.calibration_holdout(data, amount=amount, **o)
        cal = _frame_to_core(df, {"customers": "customer_id", "frequency": "frequency_cal", "recency": "recency_cal", "t": "T_cal", "monetary_value": "monetary_value_cal"})
        out = {"calibration": cal, **_frame_to_core(df, {"frequency_holdout": "frequency_holdout", "monetary_value_holdout": "monetary_value_holdout"})}
        out["duration_holdout"] = float(df["duration_holdout"][0])
        out["new_in_holdout"] = df.attrs.get("new_in_holdout") if family == "pandas" else 1
        return out
    if call == "store_summary":
        return cx.store_summary(data, amount=amount, **o).to_dict()
    if call == "time_to_second_purchase":
        return cx.time_to_second_purchase(data, **o).to_dict()
    if call == "returning_customers":
        df = cx.returning_customers(data, **o)
        records = df.to_dict("records") if family == "pandas" else df.to_dicts()
        return [
            {"period": _iso(r["period"]), "customers": r["customers"], "returning": r["returning"], "new": r["new"],
             "rate": {"share": r["rate"], "ci_low": r["ci_low"], "ci_high": r["ci_high"]}}
            for r in records
        ]
    if call == "cohort_retention":
        shares = cx.cohort_retention(data, **o)
        counts = cx.cohort_retention(data, counts=True, **o)
        records = shares.to_dict("records") if family == "pandas" else shares.to_dicts()
        crecords = counts.to_dict("records") if family == "pandas" else counts.to_dicts()
        out = []
        for s, c in zip(records, crecords):
            ks = [k for k in s if k not in ("cohort", "size")]
            keep = [k for k in ks if s[k] is not None and s[k] == s[k]]
            out.append({"start": _iso(s["cohort"]), "size": s["size"], "share": [s[k] for k in keep], "active": [c[k] for k in keep]})
        return out
    if call == "rfm":
        df = cx.rfm(data, amount=amount, **o)
        out = _frame_to_core(df, {"customers": "customer_id", "recency_days": "recency_days", "frequency": "frequency", "monetary": "monetary", "r": "r", "f": "f", "m": "m", "segment": "segment"})
        if family == "pandas":
            out["as_of"] = df.attrs["as_of"].isoformat()
        return out
    if call == "cadence":
        df = cx.cadence(data, **o)
        out = _frame_to_core(df, {k: k for k in ["purchases", "mean_interval", "sd_interval", "days_since", "expected_next", "overdue_ratio", "z", "fallback"]})
        if family == "pandas":
            out["store_mean_interval"] = df.attrs["store_mean_interval"]
        return out
    raise AssertionError(call)


def _skip_path(family, path):
    # polars frames carry no attrs: the report and as_of ride on pandas only.
    return family == "polars" and (path.startswith("report.") or path in ("as_of", "store_mean_interval", "new_in_holdout"))


@pytest.mark.parametrize("family", ["pandas", "polars"])
@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_retention_vector(case, family):
    if "error" in case:
        err = case["error"]
        with pytest.raises(cx.CxError) as info:
            run(case, family)
        assert info.value.code == err["code"], str(info.value)
        assert info.value.argument == err["argument"], str(info.value)
        if "index" in err:
            assert info.value.index == err["index"], str(info.value)
        return
    got = run(case, family)
    tol = case.get("tol", 0.0)
    if "expected" in case:
        for path, want in case["expected"].items():
            if _skip_path(family, path):
                continue
            obj = got
            for k in path.split("."):
                obj = obj[k]
            assert_close(path, obj, want, tol)
    else:
        assert_close("rows", got, case["expected_rows"], tol)


def _cdnow():
    raw = pd.read_csv(DATA / "CDNOW_sample.txt", sep=r"\s+", header=None, names=["master", "customer", "date", "cds", "amount"])
    raw["date"] = pd.to_datetime(raw["date"].astype(str), format="%Y%m%d")
    return raw


def test_cdnow_summary_reproduces_the_published_table():
    s = cx.customer_summary(_cdnow(), customer_id="customer", timestamp="date", amount="amount", multiplier=7, observation_end="1997-09-30")
    ref = pd.read_csv(DATA / "cdnow_customers_summary_with_transactions.csv")
    assert len(s) == 2357 and list(s["customer"]) == list(ref["ID"])
    assert (s["frequency"].to_numpy() == ref["x"].to_numpy()).all()
    # The reference is rounded to 2 decimals.
    for ours, theirs in [("recency", "t_x"), ("T", "T"), ("monetary_value", "zbar")]:
        assert np.abs(s[ours].to_numpy() - ref[theirs].to_numpy()).max() <= 0.005 + 1e-9
    rep = s.attrs["report"]
    assert rep.rows == 6919 and rep.used + rep.after_end == rep.rows


def test_cdnow_from_polars_equals_pandas():
    raw = _cdnow()
    a = cx.customer_summary(raw, customer_id="customer", timestamp="date", amount="amount", multiplier=7, observation_end="1997-09-30")
    b = cx.customer_summary(pl.from_pandas(raw), customer_id="customer", timestamp="date", amount="amount", multiplier=7, observation_end=dt.date(1997, 9, 30))
    assert isinstance(b, pl.DataFrame)
    assert np.array_equal(a["T"].to_numpy(), b["T"].to_numpy())
    assert np.array_equal(a["monetary_value"].to_numpy(), b["monetary_value"].to_numpy())


def test_arrays_without_a_frame():
    s = cx.customer_summary(customer_id=np.array([1, 1, 2]), timestamp=np.array(["2024-01-01", "2024-01-11", "2024-01-05"], dtype="datetime64[D]"))
    assert list(s["frequency"]) == [1, 0] and list(s["T"]) == [10.0, 6.0]


def test_equals_lifetimes_on_generated_data():
    utils = pytest.importorskip("lifetimes.utils")
    rng = np.random.default_rng(11)
    n = 5000
    tx = pd.DataFrame({
        "id": rng.integers(0, 800, n),
        "date": pd.Timestamp("2023-01-01") + pd.to_timedelta(rng.integers(0, 500, n), unit="D") + pd.to_timedelta(rng.integers(0, 86400, n), unit="s"),
        "amount": rng.gamma(2.0, 20.0, n).round(2),
    })
    end = "2024-03-31"
    theirs = utils.summary_data_from_transaction_data(tx, "id", "date", monetary_value_col="amount", observation_period_end=end, freq="D", freq_multiplier=7)
    ours = cx.customer_summary(tx, customer_id="id", timestamp="date", amount="amount", multiplier=7, observation_end=end).set_index("id")
    theirs = theirs.sort_index()
    assert list(ours.index) == list(theirs.index)
    assert np.array_equal(ours["frequency"].to_numpy(), theirs["frequency"].to_numpy())
    for c in ["recency", "T", "monetary_value"]:
        assert np.allclose(ours[c].to_numpy(), theirs[c].to_numpy(), rtol=1e-12, atol=1e-9), c


def test_missing_customer_in_pandas_names_its_row():
    tx = pd.DataFrame({"customer_id": ["a", None, "b"], "timestamp": pd.to_datetime(["2024-01-01"] * 3)})
    with pytest.raises(cx.MissingValueError) as e:
        cx.customer_summary(tx)
    assert e.value.index == 1 and e.value.argument == "customers"


def test_nullable_integer_ids_with_missing():
    tx = pd.DataFrame({"customer_id": pd.Series([1, None, 2], dtype="Int64"), "timestamp": pd.to_datetime(["2024-01-01"] * 3)})
    with pytest.raises(cx.MissingValueError) as e:
        cx.store_summary(tx)
    assert e.value.index == 1


def test_nat_timestamp_names_its_row():
    tx = pd.DataFrame({"customer_id": [1, 2], "timestamp": pd.to_datetime(["2024-01-01", None])})
    with pytest.raises(cx.MissingValueError) as e:
        cx.customer_summary(tx)
    assert e.value.index == 1 and e.value.argument == "timestamps"
