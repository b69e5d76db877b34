"""Customer signals from Python: the shared vectors through the raw entry
and through cx.signals with pandas and polars frames, typed errors, frames
out, and a model fitted in Python passed in."""

import numpy as np
import pandas as pd
import polars as pl
import pytest

import cx
from conftest import assert_close, at, load_cases

CASES = load_cases("signals.json")
# Column names of the public function, per table, for the vectors' role names.
NAMES = {
    "customers": "customer",
    "timestamps": "date",
    "amounts": "amount",
    "scores": "nps",
    "received": "received",
    "resolved": "resolved",
    "channels": "channel",
    "cases": "case",
    "promised": "promised",
    "delivered": "delivered",
}
TABLES = ("orders", "feedback", "contacts", "deliveries")


def frames(args, kind):
    """The vector's tables as DataFrames of the public column names, dates
    as datetime columns (pandas) or ISO strings (polars)."""
    out = {}
    for t in TABLES:
        if t not in args:
            continue
        cols = {NAMES[k]: v for k, v in args[t].items()}
        if kind == "pandas":
            df = pd.DataFrame(cols)
            for c in ("date", "received", "resolved", "promised", "delivered"):
                if c in df:
                    df[c] = pd.to_datetime(df[c])
            if "nps" in df:
                df["nps"] = df["nps"].astype(float)
        else:
            df = pl.DataFrame(cols, strict=False)
        out[t] = df
    return out


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_vector_raw(case):
    if "error" in case:
        want = case["error"]
        with pytest.raises(cx.CxError) as e:
            cx._cx.signals(case["args"])
        assert e.value.fields["code"] == want["code"], e.value
        assert e.value.argument == want["argument"], e.value
        if "index" in want:
            assert e.value.index == want["index"], e.value
        return
    r = cx._cx.signals(case["args"])
    for path, want in case["expected"].items():
        assert_close(f"{case['name']}: {path}", at(r, path), want, case["tol"])


OK = [c for c in CASES if "error" not in c]


@pytest.mark.parametrize("kind", ["pandas", "polars"])
@pytest.mark.parametrize("case", OK, ids=[c["name"] for c in OK])
def test_vector_through_frames(case, kind):
    a = case["args"]
    r = cx.signals(**frames(a, kind), **a.get("options", {}))
    for path, want in case["expected"].items():
        assert_close(f"{case['name']} ({kind}): {path}", at(r.to_dict(), path), want, case["tol"])


def test_frame_and_signals_frame():
    case = next(c for c in CASES if c["name"].startswith("contacts"))
    r = cx.signals(**frames(case["args"], "pandas"), **case["args"]["options"])
    f = r.frame()
    assert list(f["customer"]) == ["c1", "c2"]
    assert f.loc[0, "top_reason"] == "contact open for 9 days (chat)"
    assert f.loc[0, "signals"] == ["open_contact", "repeat_contacts"]
    assert f.loc[1, "reasons"] == "" and f.loc[1, "risk"] == 0
    s = r.signals_frame()
    assert list(s["kind"]) == ["open_contact", "repeat_contacts"]
    assert s.loc[0, "days_open"] == 9 and s.loc[1, "contacts"] == 3
    assert [c["customer"] for c in r.at_risk(0.8)] == ["c1"]


def test_renamed_columns_and_a_fitted_model():
    # Orders of a small shop; BG/NBD fitted in Python on the daily summary,
    # then passed in: P(alive) must equal the model's own prediction.
    rng = np.random.default_rng(3)
    rows = []
    for c in range(60):
        day = int(rng.integers(0, 200))
        while day < 365:
            rows.append((f"k{c:02d}", pd.Timestamp("2023-01-01") + pd.Timedelta(days=day)))
            day += int(rng.integers(5, 90))
            if rng.random() < 0.15:
                break
    orders = pd.DataFrame(rows, columns=["cust", "when"])
    summary = cx.customer_summary(orders, customer_id="cust", timestamp="when", observation_end="2023-12-31")
    model = cx.BetaGeo().fit(summary)
    r = cx.signals(orders, columns={"orders.customer": "cust", "orders.date": "when"}, model=model, as_of="2023-12-31")
    got = {c["customer"]: c["p_alive"] for c in r.customers}
    want = model.conditional_probability_alive(summary["frequency"], summary["recency"], summary["T"])
    assert len(got) == len(summary) == 60
    for k, p in zip(summary["cust"], np.asarray(want)):
        assert got[str(k)] == pytest.approx(p, rel=1e-12)
    assert r.model["model"] == "bg_nbd"


def test_errors_name_the_table_column_and_row():
    with pytest.raises(cx.OutOfRangeError) as e:
        cx.signals(feedback=pd.DataFrame({"customer": ["a", "b"], "date": ["2024-01-01", "2024-01-02"], "nps": [9, 12]}))
    assert (e.value.argument, e.value.index) == ("feedback.scores", 1)
    with pytest.raises(cx.InputTypeError) as e:
        cx.signals(orders=pd.DataFrame({"client": ["a"], "date": ["2024-01-01"]}))
    assert "orders.customer" in str(e.value)
    with pytest.raises(cx.InvalidParameterError) as e:
        cx.signals(feedback={"customer": ["a"], "date": ["2024-01-01"], "nps": [5]}, overdue=3)
    assert e.value.argument == "options"
    with pytest.raises(cx.EmptyInputError):
        cx.signals()
