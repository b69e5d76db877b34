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
            cx._cx.call("signals", case["args"])
        assert e.value.fields["code"] == want["code"], e.value
        assert e.value.argument == want["argument"], e.value
        if "index" in want:
            assert e.value.index == want["index"], e.value
        return
    r = cx._cx.call("signals", case["args"])
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
    with pytest.raises(cx.InputTypeError) as e:
        cx.signals(feedback=pd.DataFrame({"customer": ["a"], "date": pd.to_datetime(["2024-01-01"]), "nps": ["nine"]}))
    assert e.value.argument == "feedback.scores"


def test_buffer_path_equals_the_json_path_on_the_demo_shop():
    # The same four CSV files through numpy buffers (datetime columns) and
    # through the JSON entry (ISO text): identical customers, signals and rows.
    import pathlib

    demo = pathlib.Path(__file__).resolve().parents[2] / "cx-cli" / "data" / "demo"
    read = lambda name, dates: pd.read_csv(demo / f"{name}.csv", parse_dates=dates)
    o, f = read("orders", ["date"]), read("feedback", ["date"])
    c, d = read("contacts", ["received", "answered", "resolved"]), read("deliveries", ["promised", "delivered"])
    fast = cx.signals(o, f, c, d)
    assert fast._labels is not None, "the buffer path was not taken"
    text = lambda name: pd.read_csv(demo / f"{name}.csv", dtype=str, keep_default_na=False)

    def col(df, name, numeric=False):
        v = df[name].tolist()
        return [float(x) if x else None for x in v] if numeric else [x or None for x in v]

    o2, f2, c2, d2 = text("orders"), text("feedback"), text("contacts"), text("deliveries")
    slow = cx._cx.call("signals", 
        {
            "orders": {"customers": col(o2, "customer"), "timestamps": col(o2, "date"), "amounts": col(o2, "amount", True)},
            "feedback": {"customers": col(f2, "customer"), "timestamps": col(f2, "date"), "scores": col(f2, "nps", True)},
            "contacts": {
                "customers": col(c2, "customer"),
                "received": col(c2, "received"),
                "resolved": col(c2, "resolved"),
                "channels": col(c2, "channel"),
                "cases": col(c2, "case"),
            },
            "deliveries": {"customers": col(d2, "customer"), "promised": col(d2, "promised"), "delivered": col(d2, "delivered")},
        }
    )
    assert len(fast.customers) == len(slow["customers"]) == 1000
    for a, b in zip(fast.customers, slow["customers"]):
        assert a["customer"] == b["customer"] and a["lost"] == b["lost"] and a["orders"] == b["orders"]
        assert a["risk"] == pytest.approx(b["risk"], abs=1e-9)
        assert [s["reason"] for s in a["signals"]] == [s["reason"] for s in b["signals"]]
    assert fast.tables == slow["tables"] and fast.counts == slow["counts"] and fast.as_of == slow["as_of"]
    frame = fast.frame()
    assert list(frame["customer"][:3]) == [c["customer"] for c in slow["customers"][:3]]
    assert frame["reasons"][0] == "; ".join(s["reason"] for s in slow["customers"][0]["signals"])


def test_nat_in_a_required_time_is_a_typed_error_on_the_buffer_path():
    fb = pd.DataFrame({"customer": ["a", "b"], "date": pd.to_datetime(["2024-01-01", None]), "nps": [9.0, 3.0]})
    with pytest.raises(cx.MissingValueError) as e:
        cx.signals(feedback=fb)
    assert (e.value.argument, e.value.index) == ("feedback.timestamps", 1)
