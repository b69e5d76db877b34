"""Churn models from Python: the shared vectors, the CDNOW fits, agreement
with lifetimes, serialization and errors."""

import json
import math
import pathlib
import pickle

import numpy as np
import pandas as pd
import polars as pl
import pytest

import cx
from conftest import VECTORS

DATA = pathlib.Path(__file__).resolve().parents[2] / "data" / "cdnow"
DOC = json.loads((VECTORS / "churn.json").read_text())
CLASSES = {"bg_nbd": cx.BetaGeo, "mbg_nbd": cx.ModifiedBetaGeo, "pareto_nbd": cx.ParetoNbd, "gamma_gamma": cx.GammaGamma}


def _floats(values):
    return np.array([math.nan if v == "NaN" else v for v in values], dtype=float)


def _run(case):
    model = cx.load_model(json.dumps(case["model"]))
    table = {k: _floats(v) for k, v in case.get("customers", DOC["customers"]).items()}
    if "spend_model" in case:
        spend = cx.load_model(json.dumps(case["spend_model"]))
        o = case["clv"]
        return spend.clv(model, table, months=o["months"], discount_rate=o["discount_rate"], periods_per_month=o["periods_per_month"])
    p = case["prediction"]
    method = {
        "probability_alive": "probability_alive",
        "conditional_expected_purchases": "predict_purchases",
        "expected_purchases": "expected_purchases",
        "probability_of_purchases": "probability_of_purchases",
        "expected_spend": "expected_spend",
        "log_likelihood": "log_likelihood",
        "conditional_probability_of_purchases": "conditional_probability_of_purchases",
        "probability_of_any_purchase": "probability_of_any_purchase",
        "purchases_quantile": "purchases_quantile",
        "probability_alive_at": "probability_alive_at",
        "probability_alive_if_silent": "probability_alive_if_silent",
        "churn_deadline": "churn_deadline",
        "dert": "dert",
    }[p["kind"]]
    if not hasattr(model, method):
        # The class has no such method (the wrong model for it); the native
        # entry point must give the shared error.
        from cx import _cx

        cols = {"frequency": table["frequency"], "recency": table["recency"], "t": table["T"]}
        return _cx.churn_predict(model.to_json(), p, **(cols if "t" not in case else {"t": _floats(case["t"])}))
    if method == "predict_purchases":
        return model.predict_purchases(p["horizon"], table)
    if method == "expected_purchases":
        return model.expected_purchases(_floats(case["t"]))
    if method == "probability_of_purchases":
        return model.probability_of_purchases(_floats(case["t"]), p["n"])
    if method == "conditional_probability_of_purchases":
        return model.conditional_probability_of_purchases(p["n"], p["horizon"], table)
    if method == "purchases_quantile":
        return model.purchases_quantile(p["q"], p["horizon"], table)
    if method == "churn_deadline":
        return model.churn_deadline(p["threshold"], table)
    if method == "dert":
        return model.dert(p["delta"], table)
    if "horizon" in p:
        return getattr(model, method)(p["horizon"], table)
    return getattr(model, method)(table)


def _case_id(c):
    return c["name"]


@pytest.mark.parametrize("case", DOC["cases"], ids=_case_id)
def test_churn_vector(case):
    if "error" in case:
        with pytest.raises(cx.CxError) as e:
            _run(case)
        want = case["error"]
        assert e.value.code == want["code"], str(e.value)
        assert e.value.argument == want["argument"], str(e.value)
        assert getattr(e.value, "index", None) == want.get("index")
        return
    got = np.asarray(_run(case))
    want = _floats(case["expected"])  # "NaN": no number (a churn deadline never reached)
    assert got.shape == want.shape
    np.testing.assert_allclose(got, want, rtol=case["rel_tolerance"], atol=0, equal_nan=True)


def _cdnow_summary():
    ref = pd.read_csv(DATA / "cdnow_customers_summary_with_transactions.csv")
    return ref.rename(columns={"x": "frequency", "t_x": "recency", "zbar": "monetary_value"})


@pytest.mark.parametrize("case", DOC["fits"], ids=_case_id)
def test_cdnow_fit(case):
    df = _cdnow_summary()
    m = CLASSES[case["model"]]().fit(df)
    rep = m.report
    assert rep.converged and rep.customers == case["customers"]
    assert abs(rep.log_likelihood - case["log_likelihood"]) <= case["ll_tolerance"]
    for k, w in case["params"].items():
        assert abs(m.params[k] - w) <= case["rel_tolerance"] * w, k
    assert all(np.isfinite(rep.standard_errors))
    assert list(m.summary.index) == list(m.params)


@pytest.mark.parametrize("case", DOC["penalized_fits"], ids=_case_id)
def test_penalizer_is_lifetimes_penalizer_coef(case):
    # The same coefficient gives lifetimes 0.11.3's estimates on CDNOW.
    m = CLASSES[case["model"]]().fit(_cdnow_summary(), penalizer=case["penalizer"])
    assert m.report.converged
    for k, w in case["params"].items():
        assert abs(m.params[k] - w) <= case["rel_tolerance"] * w, (k, m.params[k], w)


def test_a_fit_that_cannot_converge_raises_unless_accepted():
    # Two identical customers do not identify BG/NBD's four parameters with
    # an iteration limit of 1: every start stops early.
    data = dict(frequency=[2, 3], recency=[5.0, 9.0], T=[10.0, 12.0])
    with pytest.raises(cx.NotConvergedError) as e:
        cx.BetaGeo().fit(max_iterations=1, **data)
    assert (e.value.code, e.value.argument) == ("not_converged", "fit")
    assert "accept_unconverged" in str(e.value)
    m = cx.BetaGeo().fit(max_iterations=1, accept_unconverged=True, **data)
    assert not m.report.converged and m.report.starts > 1


def test_fit_from_the_transaction_log_via_customer_summary():
    raw = pd.read_csv(DATA / "CDNOW_sample.txt", sep=r"\s+", header=None, names=["master", "customer", "date", "cds", "amount"])
    raw["date"] = pd.to_datetime(raw["date"].astype(str), format="%Y%m%d")
    s = cx.customer_summary(raw, customer_id="customer", timestamp="date", amount="amount", multiplier=7, observation_end="1997-09-30")
    m = cx.BetaGeo().fit(s)
    # The exact-week summary differs from the published (rounded) table only in rounding.
    assert abs(m.report.log_likelihood - -9582.43) < 0.5
    scored = m.score(s, horizon=39)
    assert list(scored.columns[-2:]) == ["probability_alive", "expected_purchases"]
    assert scored["probability_alive"].between(0, 1).all()


def test_polars_in_polars_out():
    df = pl.from_pandas(_cdnow_summary())
    m = cx.BetaGeo().fit(df)
    a = cx.BetaGeo().fit(_cdnow_summary())
    assert m == a
    scored = m.score(df, horizon=10)
    assert isinstance(scored, pl.DataFrame) and scored["expected_purchases"].is_finite().all()


def test_json_and_pickle_round_trip():
    m = cx.ParetoNbd().fit(_cdnow_summary())
    text = m.to_json()
    assert json.loads(text)["model"] == "pareto_nbd"
    assert cx.load_model(text) == m and cx.ParetoNbd.from_json(text) == m
    assert pickle.loads(pickle.dumps(m)) == m
    assert pickle.loads(pickle.dumps(cx.BetaGeo())).fitted is False
    with pytest.raises(TypeError):
        cx.BetaGeo.from_json(text)
    with pytest.raises(cx.DecodeError):
        cx.load_model("{not json")


def test_scalars_broadcast_and_give_floats():
    m = cx.BetaGeo(r=0.243, alpha=4.414, a=0.793, b=2.426)
    one = m.probability_alive(frequency=2, recency=30.43, T=38.86)
    assert isinstance(one, float)
    many = m.probability_alive(frequency=np.array([2, 2]), recency=30.43, T=38.86)
    assert many.shape == (2,) and many[0] == one
    assert m.expected_purchases(39.0) == m.expected_purchases([39.0])[0]


@pytest.mark.parametrize("case", DOC["fit_errors"], ids=lambda c: c["name"])
def test_fit_errors_are_the_shared_typed_errors(case):
    # The options dict as the binding layer receives it (the public fit()
    # spells its options as keyword arguments, so a misspelling there is
    # Python's own TypeError).
    cols = {k.lower() if k == "T" else k: np.array(v, dtype=float) for k, v in DOC["fit_columns"].items()}
    with pytest.raises(cx.CxError) as e:
        cx._cx.churn_fit(case["model"], options=case["options"], **cols)
    assert (e.value.code, e.value.argument) == (case["error"]["code"], case["error"]["argument"])


@pytest.mark.parametrize("case", DOC["weighted_fits"], ids=_case_id)
def test_weighted_distinct_rows_give_the_fit_on_every_customer(case):
    # CDNOW as distinct rows with counts (what cx.spark / cx.dask send to the driver).
    frame = pd.DataFrame({k: _floats(v) for k, v in case["columns"].items()}).assign(n=_floats(case["weights"]))
    m = CLASSES[case["model"]]().fit(frame, weights="n")
    rep = m.report
    assert rep.converged and rep.customers == case["customers"]
    assert abs(rep.log_likelihood - case["log_likelihood"]) <= case["ll_tolerance"]
    for k, w in case["params"].items():
        assert abs(m.params[k] - w) <= case["rel_tolerance"] * w, k


@pytest.mark.parametrize("case", DOC["weighted_fit_errors"], ids=lambda c: c["name"])
def test_weighted_fit_errors_name_the_row(case):
    cols = {k: _floats(v) for k, v in DOC["weighted_fit_columns"].items()}
    if case["model"] == "gamma_gamma":
        cols = {"frequency": cols["frequency"], "monetary_value": cols["monetary_value"]}
    else:
        cols.pop("monetary_value")
    with pytest.raises(cx.CxError) as e:
        CLASSES[case["model"]]().fit(weights=_floats(case["weights"]), **cols)
    want = case["error"]
    assert (e.value.code, e.value.argument, e.value.index) == (want["code"], want["argument"], want.get("index"))


def test_a_bad_penalizer_through_the_public_api_is_the_same_error():
    with pytest.raises(cx.CxError) as e:
        cx.ParetoNbd().fit(frequency=[0, 2], recency=[0.0, 3.0], T=[5.0, 5.0], penalizer=-1.0)
    assert (e.value.code, e.value.argument) == ("invalid_parameter", "penalizer")


def test_errors_name_the_row_and_the_argument():
    m = cx.BetaGeo(r=0.243, alpha=4.414, a=0.793, b=2.426)
    with pytest.raises(cx.OutOfRangeError) as e:
        m.probability_alive(frequency=[1, 2], recency=[1, 9], T=[5, 8])
    assert (e.value.argument, e.value.index) == ("recency", 1)
    with pytest.raises(cx.LengthMismatchError):
        m.probability_alive(frequency=[1, 2], recency=[1], T=[5, 8])
    with pytest.raises(cx.EmptyInputError):
        cx.BetaGeo().fit(frequency=[], recency=[], T=[])
    with pytest.raises(cx.InvalidParameterError) as e:
        cx.BetaGeo(r=-1, alpha=1, a=1, b=1)
    assert e.value.argument == "r"
    with pytest.raises(cx.InvalidParameterError) as e:
        cx.BetaGeo().fit(_cdnow_summary(), penalizer=-1)
    assert e.value.argument == "penalizer"
    with pytest.raises(TypeError):
        cx.BetaGeo(r=1, alpha=1, a=1)
    with pytest.raises(RuntimeError):
        cx.BetaGeo().probability_alive(frequency=1, recency=1, T=2)
    with pytest.raises(KeyError):
        cx.BetaGeo().fit(pd.DataFrame({"x": [1]}))


def test_holdout_check_on_cdnow():
    raw = pd.read_csv(DATA / "CDNOW_sample.txt", sep=r"\s+", header=None, names=["master", "customer", "date", "cds", "amount"])
    raw["date"] = pd.to_datetime(raw["date"].astype(str), format="%Y%m%d")
    ch = cx.calibration_holdout(raw, customer_id="customer", timestamp="date", calibration_end="1997-09-30", observation_end="1998-06-30", multiplier=7)
    m = cx.BetaGeo().fit(ch, frequency="frequency_cal", recency="recency_cal", T="T_cal")
    check = m.calibration_vs_holdout(ch)
    assert check.customers == 2357
    zero = check.bins[0]
    # REFERENCES.md section 4: the 1,411 customers without repeats made 334 holdout purchases.
    assert zero.customers == 1411 and round(zero.actual * zero.customers) == 334
    # The aggregate equals the per-customer predictions summed (39-week holdout).
    per_customer = m.predict_purchases(39.0, ch, frequency="frequency_cal", recency="recency_cal", T="T_cal")
    assert ch["duration_holdout"].iloc[0] == 39.0
    assert abs(check.predicted_total - per_customer.sum()) < 1e-9 * per_customer.sum()
    assert sum(b.customers for b in check.bins) == 2357
    assert list(check.frame().columns) == ["frequency", "customers", "actual", "predicted"]


# -- lifetimes at the same parameters and on the same data ----------------------


def test_predictions_equal_lifetimes_on_cdnow():
    lt = pytest.importorskip("lifetimes")
    df = _cdnow_summary()
    f, r, T, mv = df["frequency"], df["recency"], df["T"], df["monetary_value"]
    ours = cx.BetaGeo().fit(df)
    theirs = lt.BetaGeoFitter()
    theirs.fit(f, r, T)
    theirs.params_ = pd.Series(ours.params)
    rel = dict(rtol=1e-6, atol=0)
    np.testing.assert_allclose(ours.probability_alive(df), theirs.conditional_probability_alive(f, r, T), **rel)
    np.testing.assert_allclose(ours.predict_purchases(39, df), theirs.conditional_expected_number_of_purchases_up_to_time(39, f, r, T), **rel)
    pn = cx.ParetoNbd().fit(df)
    lpn = lt.ParetoNBDFitter()
    lpn.params_ = pd.Series(pn.params)
    np.testing.assert_allclose(pn.probability_alive(df), lpn.conditional_probability_alive(f, r, T), **rel)
    np.testing.assert_allclose(pn.predict_purchases(52, df), lpn.conditional_expected_number_of_purchases_up_to_time(52, f, r, T), **rel)
    repeat = df[df["frequency"] > 0]
    gg = cx.GammaGamma().fit(repeat)
    lgg = lt.GammaGammaFitter()
    lgg.params_ = pd.Series(gg.params)
    np.testing.assert_allclose(gg.expected_spend(repeat), lgg.conditional_expected_average_profit(repeat["frequency"], repeat["monetary_value"]), **rel)
    clv_lt = lgg.customer_lifetime_value(theirs, f, r, T, mv, time=12, discount_rate=0.01, freq="W")
    np.testing.assert_allclose(gg.customer_lifetime_value(ours, f, r, T, mv, time=12, discount_rate=0.01, freq="W"), clv_lt, **rel)


def test_same_optimum_as_lifetimes():
    lt = pytest.importorskip("lifetimes")
    df = _cdnow_summary()
    for ours_cls, theirs_cls in [(cx.BetaGeo, lt.BetaGeoFitter), (cx.ModifiedBetaGeo, lt.ModifiedBetaGeoFitter)]:
        theirs = theirs_cls().fit(df["frequency"], df["recency"], df["T"])
        ours = ours_cls().fit(df)
        at_theirs = ours_cls(**theirs.params_.to_dict())
        ll_theirs = at_theirs.log_likelihood(df).sum()
        ll_ours = ours.report.log_likelihood
        assert abs(ll_ours - ours.log_likelihood(df).sum()) < 1e-8
        # Same optimum: equal log-likelihood within 1e-6 relative, and never worse.
        assert abs(ll_ours - ll_theirs) <= 1e-6 * abs(ll_ours)
        assert ll_ours >= ll_theirs - 1e-9 * abs(ll_ours)
        for k, v in theirs.params_.items():
            assert abs(ours.params[k] - v) <= 1e-3 * v, k


def test_a_first_order_on_the_last_day_is_ordinary_data():
    # Issue: customer_summary gives T = 0 for a customer whose first order is
    # on the last day; the fit, P(alive) and the signals must accept it.
    orders = pd.DataFrame(
        {
            "customer": ["a", "a", "a", "b", "b", "c", "d", "d", "e"],
            "date": pd.to_datetime(
                ["2024-01-01", "2024-02-01", "2024-03-15", "2024-01-10", "2024-04-01",
                 "2024-02-20", "2024-01-05", "2024-03-01", "2024-04-30"]
            ),
        }
    )
    summary = cx.customer_summary(orders, customer_id="customer", timestamp="date")
    assert summary.loc[summary["customer"] == "e", "T"].item() == 0.0
    # Five customers do not identify a model: fit them together with CDNOW.
    both = pd.concat([_cdnow_summary()[["frequency", "recency", "T"]], summary[["frequency", "recency", "T"]]])
    for cls in (cx.BetaGeo, cx.ModifiedBetaGeo, cx.ParetoNbd):
        m = cls().fit(both)
        assert m.report.converged, cls.__name__
        alive = m.probability_alive(summary)
        assert np.all(np.isfinite(alive)) and np.all((alive > 0) & (alive <= 1)), cls.__name__
    mbg = cx.ModifiedBetaGeo(r=0.5248, alpha=6.1831, a=0.8914, b=1.6140)
    assert mbg.probability_alive(frequency=0, recency=0, T=0) == pytest.approx(1.614 / (0.8914 + 1.614), rel=1e-12)
    # In the signals: a shop's orders plus one customer first seen on the
    # last day keep their P(alive) (it used to switch the signal off).
    shop = pd.read_csv(pathlib.Path(__file__).resolve().parents[2] / "cx-cli" / "data" / "demo" / "orders.csv", parse_dates=["date"])
    shop = pd.concat([shop, pd.DataFrame({"customer": ["NEW"], "date": [shop["date"].max()], "amount": [10.0]})])
    report = cx.signals(shop)
    assert not any("not computed" in n for n in report.notes), report.notes
    frame = report.frame()
    assert frame["p_alive"].notna().all()
    assert frame.loc[frame["customer"] == "NEW", "p_alive"].item() == 1.0


def test_purchases_interval_brackets_the_pmf():
    m = cx.ParetoNbd(r=0.5532622, alpha=10.5775399, s=0.6062388, beta=11.6686284)
    table = {"frequency": np.array([26.0, 2.0]), "recency": np.array([30.86, 30.43]), "T": np.array([31.0, 38.86])}
    low, high = m.purchases_interval(52.0, table, level=0.9)
    assert list(low) == list(m.purchases_quantile(0.05, 52.0, table))
    assert list(high) == list(m.purchases_quantile(0.95, 52.0, table))
    # The PMF up to the interval's ends holds at least 90 % between them.
    for i in range(2):
        one = {k: v[i] for k, v in table.items()}
        pmf = [m.conditional_probability_of_purchases(n, 52.0, **one) for n in range(int(high[i]) + 1)]
        assert sum(pmf[int(low[i]):]) >= 0.9 - 1e-12
    with pytest.raises(cx.InvalidParameterError) as e:
        m.purchases_interval(52.0, table, level=1.0)
    assert e.value.argument == "level"


def test_forecasts_are_frames_and_accept_lifetimes_summaries():
    orders = pd.DataFrame({"customer": [1, 1, 2, 3, 3, 3], "date": pd.to_datetime(["2024-01-01", "2024-02-01", "2024-01-05", "2024-01-02", "2024-03-01", "2024-03-30"])})
    summary = cx.customer_summary(orders, customer_id="customer", timestamp="date")
    m = cx.BetaGeo(r=0.2425945, alpha=4.4136027, a=0.7929218, b=2.4259057)
    p_any = m.probability_of_any_purchase(30, summary)
    deadline = m.churn_deadline(0.5, summary)
    assert len(p_any) == len(summary) == len(deadline)
    assert all(0 <= v <= 1 for v in p_any)
    # Customer 2 has no repeat purchase: a BG/NBD customer never given up.
    row = list(summary["customer"]).index(2)
    assert math.isnan(deadline[row])
    assert summary["frequency"].iloc[row] == 0


def test_lifetimes_name_of_the_conditional_pmf():
    pn = cx.ParetoNbd(r=0.5532622, alpha=10.5775399, s=0.6062388, beta=11.6686284)
    # lifetimes 0.11.3's value (tests/vectors/churn.json, Pareto/NBD P(X(T, T+39) = 1 | history)).
    got = pn.conditional_probability_of_n_purchases_up_to_time(1, 39.0, 2, 30.43, 38.86)
    assert abs(got - 0.21926572845610898) <= 1e-8 * 0.22


def test_tracking_matches_lifetimes_on_cdnow():
    case = DOC["tracking"]
    raw = pd.read_csv(DATA / "CDNOW_sample.txt", sep=r"\s+", header=None, names=["master", "id", "date", "cds", "dollars"], dtype={"date": str})
    raw["date"] = pd.to_datetime(raw["date"], format="%Y%m%d")
    model = cx.load_model(json.dumps(case["model"]))
    o = case["options"]
    t = cx.expected_cumulative_transactions(model, raw, customer_id="id", timestamp="date", periods=o["periods"], period=o["period"], multiplier=o["multiplier"])
    np.testing.assert_allclose(t["actual"], case["actual"], rtol=case["rel_tolerance"])
    np.testing.assert_allclose(t["predicted"], case["predicted"], rtol=case["rel_tolerance"])
    assert list(t["time"][:3]) == [1.0, 2.0, 3.0]
    assert t.attrs["report"].rows == len(raw)


def test_weighted_fit_is_the_fit_of_the_expanded_summary():
    # lifetimes' weights: CDNOW compressed into its 1,016 distinct rows.
    s = _cdnow_summary()
    grouped = s.groupby(["frequency", "recency", "T"]).size().reset_index(name="n")
    assert len(grouped) == 1016
    full = cx.BetaGeo().fit(s)
    weighted = cx.BetaGeo().fit(grouped, weights="n")
    for k, v in full.params.items():
        assert abs(weighted.params[k] - v) <= 1e-6 * v, k
    assert weighted.report.customers == 2357
    with pytest.raises(cx.NegativeWeightError):
        cx.BetaGeo().fit(frequency=[1, 2], recency=[1, 2], T=[3, 4], weights=[1, -1])


def test_alive_path_matches_lifetimes():
    c = DOC["alive_path"]
    m = cx.load_model(json.dumps(c["model"]))
    got = m.alive_path(c["purchases"], c["at"])
    np.testing.assert_allclose(got, c["expected"], rtol=c["rel_tolerance"])
    with pytest.raises(cx.OutOfRangeError) as e:
        m.alive_path([5, 3], [1])
    assert e.value.argument == "purchases" and e.value.index == 1


def test_bootstrap_intervals_are_reproducible_and_bracket_the_estimate():
    s = _cdnow_summary()
    m = cx.BetaGeo().fit(s)
    p = {"kind": "conditional_expected_purchases", "horizon": 39.0}
    a = m.bootstrap(p, s, replicates=100, seed=3)
    assert (a.method, a.replicates, a.failed, len(a.estimate)) == ("parametric", 100, 0, 2357)
    assert np.all(a.low <= a.estimate * 1.0001) and np.all(a.estimate <= a.high * 1.0001)
    assert a.total["low"] < a.total["estimate"] < a.total["high"]
    b = m.bootstrap(p, s, replicates=100, seed=3)
    np.testing.assert_array_equal(a.low, b.low)
    new = m.bootstrap({"kind": "expected_purchases"}, s, periods=[52.0], replicates=50)
    assert len(new.estimate) == 1 and new.low[0] < new.estimate[0] < new.high[0]
    assert list(a.frame().columns) == ["estimate", "low", "high"]
    with pytest.raises(cx.InvalidParameterError) as e:
        m.bootstrap(p, s, replicates=0)
    assert e.value.argument == "replicates"


def test_bootstrap_total_clv():
    s = _cdnow_summary()
    m = cx.BetaGeo().fit(s)
    rep = s[s.frequency > 0]
    gg = cx.GammaGamma().fit(rep)
    p = {"kind": "clv", "spend": json.loads(gg.to_json()), "options": {"periods_per_month": 4.345}}
    b = m.bootstrap(p, rep, monetary_value="monetary_value", replicates=50)
    direct = gg.clv(m, rep, periods_per_month=4.345)
    np.testing.assert_allclose(b.estimate, direct, rtol=1e-12)
    assert b.total["low"] < b.total["estimate"] < b.total["high"]
