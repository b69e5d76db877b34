"""cx.LiveSummary: the shared vectors (tests/vectors/live.json) through
the public API, CDNOW recorded one order at a time and in shards against
cx.customer_summary, the typed errors, pickling and the bytes written out
by hand in the vectors."""

import json
import pickle

import numpy as np
import pandas as pd
import pytest

import cx
from conftest import VECTORS

LIVE = json.loads((VECTORS / "live.json").read_text())
ROOT = VECTORS.parents[1]


def _record(options, batches):
    live = cx.LiveSummary(**options)
    for b in batches:
        amounts = b["amounts"]
        if amounts is not None:
            amounts = [float("nan") if a is None else a for a in amounts]
        live.record_many(customer_id=b["customers"], timestamp=b["timestamps"], amount=amounts)
    return live


@pytest.mark.parametrize("case", LIVE["cases"], ids=lambda c: c["name"])
def test_vectors(case):
    tol = LIVE["tolerance"]
    live = _record(case["options"], case["batches"])
    s = live.summary(observation_end=case["observation_end"])
    want = case["expected"]
    assert s["customer_id"].tolist() == want["customers"]
    assert s["frequency"].tolist() == want["frequency"]
    np.testing.assert_allclose(s["recency"], want["recency"], rtol=tol, atol=tol)
    np.testing.assert_allclose(s["T"], want["t"], rtol=tol, atol=tol)
    if want["monetary_value"] is None:
        assert "monetary_value" not in s.columns
    else:
        np.testing.assert_allclose(s["monetary_value"], want["monetary_value"], rtol=tol, atol=tol)
    assert [d.isoformat() for d in s["first_purchase"]] == want["first_purchase"]
    report = s.attrs["report"]
    assert (report.used, report.merged) == (want["orders"], want["merged"])
    sc = case["score"]
    o = sc["options"]
    got = live.score(sc["customer"], sc["model"], as_of=o["as_of"], horizon=o["horizon"])
    for k, w in sc["expected"].items():
        assert getattr(got, k) == pytest.approx(w, rel=tol, abs=tol), k


@pytest.mark.parametrize("case", LIVE["errors"], ids=lambda c: c["name"])
def test_error_vectors(case):
    with pytest.raises(cx.CxError) as e:
        _record(case["options"], case["batches"])
    assert e.value.code == case["code"]
    assert e.value.fields.get("argument") == case["argument"]
    assert e.value.fields.get("index") == case["index"]


def test_bytes_written_by_hand():
    b = LIVE["bytes"]
    live = _record(b["options"], b["batches"])
    assert live.to_bytes().hex() == b["hex"]
    assert cx.LiveSummary.from_bytes(bytes.fromhex(b["hex"])) == live
    assert pickle.loads(pickle.dumps(live)) == live
    with pytest.raises(cx.DecodeError):
        cx.LiveSummary.from_bytes(bytes.fromhex(b["hex"])[:-1])


@pytest.fixture(scope="module")
def cdnow():
    raw = pd.read_csv(ROOT / "data" / "cdnow" / "CDNOW_sample.txt", sep=r"\s+", header=None,
                      names=["master", "customer", "date", "cds", "amount"])
    raw["date"] = pd.to_datetime(raw["date"].astype(str), format="%Y%m%d")
    return raw.sort_values("date", kind="stable").reset_index(drop=True)


def _same(live_frame, batch):
    pd.testing.assert_frame_equal(live_frame.drop(columns=["monetary_value"]),
                                  batch.drop(columns=["monetary_value"]).rename(columns={"customer": "customer_id"}),
                                  check_dtype=False)
    np.testing.assert_allclose(live_frame["monetary_value"], batch["monetary_value"], rtol=1e-12)


def test_cdnow_one_order_at_a_time_is_the_batch_summary(cdnow):
    live = cx.LiveSummary(multiplier=7)
    for c, d, a in zip(cdnow["customer"].tolist(), cdnow["date"], cdnow["amount"].tolist()):
        live.record(c, d, a)
    assert (len(live), live.orders) == (2357, 6919)
    batch = cx.customer_summary(cdnow, customer_id="customer", timestamp="date", amount="amount", multiplier=7)
    _same(live.summary(), batch)
    # Straight into a fit: the same model as from the batch summary.
    m = cx.BetaGeo().fit(live.summary())
    ref = cx.BetaGeo().fit(batch)
    assert m.params == pytest.approx(ref.params, rel=1e-9)
    # And scores equal the model's predictions on the summary rows.
    s = live.summary()
    alive = np.asarray(m.probability_alive(s))
    ahead = np.asarray(m.predict_purchases(13.0, s))
    for i in range(0, len(s), 97):
        got = live.score(int(s["customer_id"].iloc[i]), m, horizon=13.0, deadline_threshold=0.5)
        assert got.probability_alive == pytest.approx(alive[i], rel=1e-12)
        assert got.expected_purchases == pytest.approx(ahead[i], rel=1e-12)
        assert got.frequency == s["frequency"].iloc[i]


def test_cdnow_shards_by_customer_and_by_time(cdnow):
    batch = cx.customer_summary(cdnow, customer_id="customer", timestamp="date", amount="amount", multiplier=7)
    by_customer = [cdnow[cdnow["customer"] % 3 == k] for k in range(3)]
    total = cx.LiveSummary(multiplier=7)
    for part in reversed(by_customer):
        p = cx.LiveSummary(multiplier=7)
        p.record_many(part.sample(frac=1, random_state=1), customer_id="customer", timestamp="date", amount="amount")
        total.merge(pickle.loads(pickle.dumps(p)))
    _same(total.summary(), batch)
    # Stretches of time merged neighbour by neighbour.
    cut = [0, 2000, 4500, len(cdnow)]
    parts = []
    for a, b in zip(cut, cut[1:]):
        p = cx.LiveSummary(multiplier=7)
        p.record_many(cdnow.iloc[a:b], customer_id="customer", timestamp="date", amount="amount")
        parts.append(p)
    parts[1].merge(parts[2])
    parts[0].merge(parts[1])
    _same(parts[0].summary(), batch)


def test_errors_name_what_is_wrong():
    live = cx.LiveSummary()
    live.record("ann", "2024-01-01", 1.0)
    live.record("ann", "2024-01-10", 1.0)
    before = live.to_bytes()
    with pytest.raises(cx.OutOfRangeError, match="ann"):
        live.record("ann", "2024-01-05", 1.0)
    assert live.to_bytes() == before
    with pytest.raises(cx.NotFiniteError):
        live.record("bob", "2024-01-05", float("nan"))
    with pytest.raises(cx.MissingValueError):
        live.record("bob", pd.NaT, 1.0)
    with pytest.raises(cx.InvalidParameterError, match="observation_end"):
        live.summary(observation_end="2024-01-09")
    with pytest.raises(cx.InvalidParameterError, match="customer"):
        live.score("zoe", cx.BetaGeo(r=0.2, alpha=4, a=0.8, b=2.4))
    with pytest.raises(cx.InvalidParameterError, match="model"):
        live.score("ann", cx.GammaGamma(p=6, q=4, v=15))
    with pytest.raises(cx.InvalidParameterError, match="multiplier"):
        cx.LiveSummary(multiplier=-1)
    other = cx.LiveSummary(period="week")
    other.record("ann", "2024-01-03")
    with pytest.raises(cx.IncompatibleError):
        live.merge(other)
    with pytest.raises(cx.EmptyInputError):
        cx.LiveSummary().summary()
    assert live.state("ann") == {"first_period": "2024-01-01", "last_period": "2024-01-10", "purchases": 2,
                                 "orders": 2, "first_spend": 1.0, "repeat_spend": 1.0}
    assert live.state("nobody") is None


def test_numpy_times_ids_and_polars():
    pl = pytest.importorskip("polars")
    live = cx.LiveSummary()
    live.record(np.int64(5), np.datetime64("2024-01-01T10:00"), 2.0)
    live.record(5, pd.Timestamp("2024-01-03"), 3.0)
    live.record("x", "2024-01-02", 1.0)
    s = live.summary(frame="polars")
    assert isinstance(s, pl.DataFrame)
    assert s["frequency"].to_list() == [1, 0]
    assert live.summary()["customer_id"].tolist() == [5, "x"]


def test_one_order_reads_its_time_as_a_column_would():
    # A time-zone aware time is the wall-clock time of its zone, as in a column:
    # 00:30 in Berlin on the 2nd is the 2nd (in UTC still the 1st).
    berlin = pd.Timestamp("2024-03-02 00:30", tz="Europe/Berlin")
    one = cx.LiveSummary()
    one.record("a", berlin)
    one.record("a", berlin.to_pydatetime() + pd.Timedelta(days=2))
    many = cx.LiveSummary()
    many.record_many(customer_id=pd.Series(["a", "a"]), timestamp=pd.Series([berlin, berlin + pd.Timedelta(days=2)]))
    assert one == many
    assert one.state("a")["first_period"] == "2024-03-02"
