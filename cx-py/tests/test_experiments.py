"""Planning, control charts and experiments from Python: the shared vectors
(tests/vectors/experiments.json) through the public functions and the raw
entry point, pandas input, state that continues a stream, typed errors."""

import numpy as np
import pandas as pd
import pytest

import cx
from conftest import check_case, check_raw, floats, load_cases

CASES = load_cases("experiments.json")


def _mix(v):
    return v if isinstance(v, dict) else float(v)


def run(call, a):
    """Calls the public function for a vector's `args`."""
    o = a.get("options", {})
    if call == "sample_size":
        return cx.sample_size(
            _mix(a["from"]), None if "to" not in a else _mix(a["to"]), change=a.get("change"),
            alpha=o.get("alpha", 0.05), power=o.get("power", 0.8), two_sided=o.get("two_sided", True), formula=o.get("formula", "pooled"),
            measure=a.get("measure"),
        )
    if call == "detectable_change":
        return cx.detectable_change(_mix(a["from"]), a["per_group"], alpha=o.get("alpha", 0.05), power=o.get("power", 0.8), measure=a.get("measure"))
    if call == "ewma":
        return cx.ewma(floats(a["values"]), lambda_=o.get("lambda", 0.2), l=o.get("l", 3.0), target=o.get("target"),
                       sigma=o.get("sigma"), baseline=o.get("baseline"), periods=a.get("periods"), state=a.get("state"),
                       timestamps=None if "timestamps" not in a else pd.to_datetime(a["timestamps"]))
    if call == "cusum":
        return cx.cusum(floats(a["values"]), k=o.get("k", 0.5), h=o.get("h", 4.0), target=o.get("target"),
                        sigma=o.get("sigma"), baseline=o.get("baseline"), periods=a.get("periods"), state=a.get("state"))
    if call == "laney_p":
        return cx.laney_p(a["successes"], a["sizes"], l=o.get("l", 3.0), periods=a.get("periods"))
    answers = a.get("answers")
    if isinstance(answers, dict):
        answers = (answers["min"], answers["max"])
    seq = dict(alpha=o.get("alpha", 0.05), planned_n=o.get("planned_n", 1000), sigma=o.get("sigma"))
    if call == "confidence_sequence":
        return cx.confidence_sequence(a["values"], answers, state=a.get("state"), **seq)
    if call == "sequential_test":
        return cx.sequential_test(a["values"], a["arms"], answers, control=a.get("control"), periods=a.get("periods"),
                                  timestamps=None if "timestamps" not in a else pd.to_datetime(a["timestamps"]), **seq)
    if call == "key_drivers":
        return cx.key_drivers(a["items"], a["outcome"], names=a.get("names"), missing=o.get("missing", "listwise"),
                              bootstrap=o.get("bootstrap", 1000), shapley_max_items=o.get("shapley_max_items", 15))
    if call == "penalty_reward":
        return cx.penalty_reward(a["items"], a["outcome"], names=a.get("names"), low=o.get("low", 2), high=o.get("high", 5))
    if call == "segments":
        return cx.segments(a["features"], names=a.get("names"), k=o.get("k"), k_max=o.get("k_max", 8))
    if call == "assign_segments":
        class Assigned(dict):
            def to_dict(self):
                return self

        seg = cx.Segmentation(a["segmentation"])
        return Assigned(assignments=seg.assign(a["features"]), k=seg.k)
    if call == "cuped":
        return cx.cuped(a["outcome"], a["covariate"], a["arms"], control=a.get("control"), level=a.get("level", 0.95))
    raise AssertionError(call)


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_vector(case):
    check_case(case, run)


def test_the_raw_entry_point_matches_the_vectors():
    check_raw(CASES)


def test_a_weekly_series_names_its_alarms_and_continues():
    weeks = pd.date_range("2024-01-07", periods=30, freq="W")
    rng = np.random.default_rng(3)
    nps = pd.Series(np.r_[rng.normal(35, 3, 24), rng.normal(26, 3, 6)], index=weeks)
    chart = cx.ewma(nps, baseline=20)
    assert chart.signals and chart.points[chart.signals[0]].direction == "down"
    assert chart.signal_periods[0] == weeks[chart.signals[0]].strftime("%Y-%m-%d")
    frame = chart.frame("points")
    assert list(frame["value"]) == pytest.approx(list(nps)) and frame["period"].iloc[0] == "2024-01-07"
    # The next week continues the same chart from its state (the result itself).
    more = cx.cusum(nps[:25], baseline=20)
    rest = cx.cusum(nps[25:], state=more)
    whole = cx.cusum(nps, baseline=20)
    assert [p.statistic for p in rest.points] == pytest.approx([p.statistic for p in whole.points[25:]])
    assert rest.points[0].t == 25


def test_planning_from_measured_scores():
    now = cx.nps([10] * 50 + [8] * 30 + [3] * 20)
    n = cx.sample_size(now, change=10)
    assert n.per_group == 958 and "2V" in n.formula
    d = cx.detectable_change(now, n.per_group)
    assert d.change == pytest.approx(10, abs=0.02) and d.to == pytest.approx(40, abs=0.02)


def test_sequences_take_booleans_and_bounded_answers():
    yes = np.array([True, False, True, True] * 50)
    r = cx.confidence_sequence(yes, "share")
    assert r.estimate == 0.75 and 0 < r.low < 0.75 < r.high < 1
    merged = cx.confidence_sequence(yes[100:], "share", state=cx.confidence_sequence(yes[:100], "share"))
    assert (merged.low, merged.high) == (r.low, r.high)
    with pytest.raises(cx.OutOfRangeError) as e:
        cx.confidence_sequence([1, 5, 6], (1, 5))
    assert (e.value.argument, e.value.index) == ("values", 2)


def test_a_b_test_with_pandas_and_cuped():
    rng = np.random.default_rng(12)
    df = pd.DataFrame({"arm": rng.choice(["old", "new"], 3000), "pre": rng.gamma(2.0, 1.0, 3000)})
    df["orders"] = df["pre"] * 0.8 + rng.normal(0, 0.5, 3000) + np.where(df["arm"] == "new", 0.1, 0.0)
    c = cx.cuped(df["orders"], df["pre"], df["arm"], control="old")
    assert list(c.arms) == ["old", "new"]
    assert c.variance_ratio < 0.5 and c.ci_high - c.ci_low < c.raw_ci[1] - c.raw_ci[0]
    assert c.ci_low < 0.1 < c.ci_high
    t = cx.sequential_test(rng.integers(0, 11, 2000), rng.choice(["A", "B"], 2000), "nps", periods=pd.date_range("2024-01-01", periods=2000, freq="h"))
    assert t.crossed_at is None and t.low < 0 < t.high and t.p_value > 0.05
    assert "<table>" in t._repr_html_() and repr(t).startswith("Analysis(")


def test_key_drivers_from_a_frame_with_bootstrap_intervals():
    rng = np.random.default_rng(4)
    n = 400
    df = pd.DataFrame(rng.integers(1, 8, size=(n, 4)).astype(float), columns=["delivery", "price", "support", "website"])
    df["nps"] = np.clip(np.round(0.9 * df["delivery"] + 0.4 * df["price"] + rng.normal(0, 1.2, n)), 0, 10)
    df.loc[[3, 50, 77], "support"] = np.nan
    k = cx.key_drivers(df, "nps", bootstrap=200, seed=3)
    assert k.used == n - 3 and k.missing == "listwise" and k.bootstrap == 200
    d = k.frame("drivers").set_index("name")
    assert d.loc["delivery", "rank"] == 1 and d["relative_weight"].sum() == pytest.approx(k.r2)
    assert d["shapley"].sum() == pytest.approx(k.r2)
    for name, row in d.iterrows():
        assert row["relative_ci"][0] <= row["relative_weight"] <= row["relative_ci"][1], name
    assert k.r2_ci[0] <= k.r2 <= k.r2_ci[1]
    # Seeded: the same intervals again; another seed, other intervals.
    again = cx.key_drivers(df, "nps", bootstrap=200, seed=3)
    assert again.to_dict() == k.to_dict()
    other = cx.key_drivers(df, "nps", bootstrap=200, seed=4)
    assert other.r2_ci != k.r2_ci
    # polars gives the same numbers.
    import polars as pl

    assert cx.key_drivers(pl.from_pandas(df), "nps", bootstrap=200, seed=3).to_dict() == k.to_dict()


def test_segments_of_a_frame_travel_as_json():
    rng = np.random.default_rng(6)
    df = pd.DataFrame({
        "price": np.r_[rng.normal(6, 0.5, 60), rng.normal(2, 0.5, 40)],
        "orders": np.r_[rng.normal(2, 0.5, 60), rng.normal(9, 1.0, 40)],
    })
    df.loc[5, "orders"] = np.nan
    s = cx.segments(df)
    assert s.k == 2 and s.used == 99 and s.assignments[5] is None
    assert [x.size for x in s.segments] == [59, 40]
    assert s.segments[0].sets_apart[0].startswith(("price +", "orders -"))
    frame = s.frame()
    assert set(frame["name"]) == {"price", "orders"} and len(frame) == 4
    again = cx.Segmentation.from_json(s.to_json())
    assert again.assign(df.iloc[:10]) == s.assignments[:10]
    with pytest.raises(cx.LengthMismatchError):
        again.assign([[1.0, 2.0, 3.0]])
    # Seeded: the same segments again.
    assert cx.segments(df).to_dict() == s.to_dict()
