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
    contacts = pd.read_csv(demo / "contacts.csv", parse_dates=["received", "resolved"])
    gaps = cx.promise_covariates(orders=orders, deliveries=deliveries, feedback=feedback, contacts=contacts, until=end)
    assert {"late_share", "mean_days_late", "open_contacts", "repeat_contacts", "failed_first_contacts",
            "detractor", "promoter"} <= set(gaps.columns)
    assert gaps.attrs["tables"]["contacts"]["rows"] == len(contacts)
    assert (gaps["failed_first_contacts"] <= gaps["contacts"]).all()
    s = cx.customer_summary(orders, customer_id="customer", timestamp="date", multiplier=7).set_index("customer")
    z = gaps.loc[s.index, ["late_share", "detractor"]]
    m = cx.fit_covariates(s, z, model="pareto_nbd")
    rep = m.report
    assert rep["converged"] and rep["customers"] == len(s)
    assert rep["log_likelihood"] >= rep["likelihood_ratio"]["null_log_likelihood"] - 1e-9
    eff = m.effects
    assert set(eff["on"]) == {"purchase_rate", "dropout_rate"}
    assert (eff["lower"] <= eff["percent"]).all() and (eff["percent"] <= eff["upper"]).all()


def _dynamic_periods():
    v = DOC["dynamic"]
    n, k = len(v["first"]), len(v["boundaries"]) - 1
    cov = {name: np.asarray(col).reshape(n, k) for name, col in v["covariates"].items()}
    return v, cx.PeriodCovariates(v["first"], v["boundaries"], np.asarray(v["purchases"]).reshape(n, k), cov)


@pytest.mark.parametrize("kind", ["log_likelihood", "probability_alive", "conditional_expected_purchases"])
def test_time_varying_predictions_match_quadrature(kind):
    v, periods = _dynamic_periods()
    m = cx.CovariateModel.from_json(json.dumps(v["model"]))
    assert m.time_varying
    s = pd.DataFrame(v["customers"])
    pred = {"kind": kind} if kind != "conditional_expected_purchases" else {"kind": kind, "horizon": v["horizon"]}
    got = m.predict_periods(pred, s, periods)
    np.testing.assert_allclose(got, v["expected"][kind], rtol=v["tol"], atol=v["tol"])


def test_period_covariates_from_frames_and_a_time_varying_fit():
    """Orders and a weekly campaign calendar: the grid, first purchases and
    repeat purchases per week are those counted by hand; a fit runs."""
    rng = np.random.default_rng(5)
    start = pd.Timestamp("2024-01-01")
    rows = []
    for c in range(400):
        first = start + pd.Timedelta(days=int(rng.integers(0, 60)))
        days = np.sort(rng.choice(np.arange(1, 300), size=int(rng.integers(0, 8)), replace=False))
        rows.append((f"c{c}", first))
        rows += [(f"c{c}", first + pd.Timedelta(days=int(d))) for d in days if first + pd.Timedelta(days=int(d)) < start + pd.Timedelta(days=364)]
    orders = pd.DataFrame(rows, columns=["customer", "at"])
    weeks = pd.date_range(start, periods=53, freq="7D")
    calendar = pd.DataFrame({"period": weeks, "campaign": ((weeks.month == 3) | (weeks.month == 10)).astype(float)})
    s = cx.customer_summary(orders, customer_id="customer", timestamp="at", multiplier=7,
                            observation_end="2024-12-29").set_index("customer")
    p = cx.period_covariates(orders, calendar, customers=s.index, customer_id="customer", timestamp="at",
                             multiplier=7)
    assert p.purchases.shape == (400, 53) and p.boundaries[0] == 0.0 and p.boundaries[-1] == 53.0
    np.testing.assert_array_equal(p.purchases.sum(axis=1), s["frequency"].to_numpy())
    first = orders.groupby("customer")["at"].min().reindex(s.index)
    np.testing.assert_allclose(p.first, ((first - start).dt.days / 7).to_numpy())
    # c0's repeat purchases by hand: the week of each distinct later day.
    c0 = orders[orders.customer == "c0"]["at"].dt.floor("D").drop_duplicates().sort_values().iloc[1:]
    want = np.zeros(53)
    for d in c0:
        want[(d - start).days // 7] += 1
    np.testing.assert_array_equal(p.purchases[list(s.index).index("c0")], want)
    m = cx.fit_dynamic_covariates(s, p, accept_unconverged=True)
    assert m.time_varying and list(m.coefficients["process"]) == ["purchase", "dropout"]
    assert m.report["customers"] == 400
    pa = m.predict_periods({"kind": "probability_alive"}, s, p)
    assert ((pa >= 0) & (pa <= 1)).all()
    # A calendar that stops before the observation does is a typed error naming the customer row.
    short = cx.period_covariates(orders, calendar.iloc[:30], customers=s.index, customer_id="customer",
                                 timestamp="at", multiplier=7)
    with pytest.raises(cx.CxError) as e:
        cx.fit_dynamic_covariates(s, short)
    assert e.value.argument in ("first", "purchases")


def test_promise_gaps_per_week_drive_a_time_varying_fit():
    """The demo shop's deliveries, contacts and answers per customer and
    week; the per-week counts add up to the pandas counts per customer; the
    late-delivery weeks drive a time-varying Pareto/NBD fit."""
    import pathlib

    demo = pathlib.Path(__file__).resolve().parents[2] / "cx-cli" / "data" / "demo"
    orders = pd.read_csv(demo / "orders.csv", parse_dates=["date"])
    deliveries = pd.read_csv(demo / "deliveries.csv", parse_dates=["promised", "delivered"])
    contacts = pd.read_csv(demo / "contacts.csv", parse_dates=["received", "resolved"])
    feedback = pd.read_csv(demo / "feedback.csv", parse_dates=["date"])
    start, end = orders["date"].min().normalize(), orders["date"].max().normalize()
    starts = pd.date_range(start, end, freq="7D")
    s = cx.customer_summary(orders, customer_id="customer", timestamp="date", multiplier=7,
                            observation_end=str(end.date())).set_index("customer")
    p = cx.period_covariates(orders, customers=s.index, customer_id="customer", timestamp="date", multiplier=7,
                             starts=starts, period_end=starts[-1] + pd.Timedelta(days=7),
                             deliveries=deliveries, contacts=contacts, feedback=feedback)
    assert {"deliveries", "late_deliveries", "contacts", "open_contacts", "detractor"} <= set(p.covariates)
    grid_end = starts[-1] + pd.Timedelta(days=7)
    inside = deliveries[(deliveries.promised >= start) & (deliveries.promised < grid_end)]
    due = inside.groupby("customer").size().reindex(s.index, fill_value=0)
    np.testing.assert_array_equal(p.covariates["deliveries"].sum(axis=1), due.to_numpy())
    late = inside[(inside.delivered - inside.promised).dt.days.gt(0) | inside.delivered.isna()]
    np.testing.assert_array_equal(p.covariates["late_deliveries"].sum(axis=1),
                                  late.groupby("customer").size().reindex(s.index, fill_value=0).to_numpy())
    received = contacts[(contacts.received >= start) & (contacts.received < grid_end)]
    np.testing.assert_array_equal(p.covariates["contacts"].sum(axis=1),
                                  received.groupby("customer").size().reindex(s.index, fill_value=0).to_numpy())
    assert set(np.unique(p.covariates["detractor"])) <= {0.0, 1.0}
    # Lagged one week: last week's late deliveries and detractor answer drive this week's rates.
    lagged = cx.period_covariates(orders, customers=s.index, customer_id="customer", timestamp="date", multiplier=7,
                                  starts=starts, period_end=grid_end, deliveries=deliveries, feedback=feedback, lag=1)
    np.testing.assert_array_equal(lagged.covariates["late_deliveries"][:, 1:], p.covariates["late_deliveries"][:, :-1])
    assert (lagged.covariates["late_deliveries"][:, 0] == 0).all()
    m = cx.fit_dynamic_covariates(s, lagged, purchase=["late_deliveries"], dropout=["late_deliveries", "detractor"],
                                  accept_unconverged=True)
    assert m.time_varying and m.report["customers"] == len(s)
    assert m.report["log_likelihood"] >= m.report["likelihood_ratio"]["null_log_likelihood"] - 1e-6
    assert list(m.coefficients["covariate"]) == ["late_deliveries", "late_deliveries", "detractor"]


@pytest.mark.parametrize("case", DOC["promise_periods"], ids=lambda c: c["name"])
def test_promise_periods_vector_through_period_covariates(case):
    """The hand-counted weeks through cx.period_covariates (customers who
    also ordered, in the order of a summary)."""
    a = case["args"]
    deliveries = pd.DataFrame({"customer": a["deliveries"]["customers"],
                               "promised": pd.to_datetime(a["deliveries"]["promised"]),
                               "delivered": pd.to_datetime(a["deliveries"]["delivered"])})
    contacts = pd.DataFrame({"customer": a["contacts"]["customers"], "received": pd.to_datetime(a["contacts"]["received"]),
                             "resolved": pd.to_datetime(a["contacts"]["resolved"])})
    feedback = pd.DataFrame({"customer": a["feedback"]["customers"], "date": pd.to_datetime(a["feedback"]["timestamps"]),
                             "nps": a["feedback"]["scores"]})
    orders = pd.DataFrame({"customer": ["c", "b", "a"], "date": pd.to_datetime(["2024-05-01"] * 3)})
    starts = pd.to_datetime(a["options"]["boundaries"][:-1])
    p = cx.period_covariates(orders, customers=["c", "b", "a"], customer_id="customer", timestamp="date",
                             starts=starts, period_end=a["options"]["boundaries"][-1],
                             deliveries=deliveries, contacts=contacts, feedback=feedback)
    e = case["expected"]
    order = [e["customers"].index(c) for c in ["c", "b", "a"]]
    for name, want in e["columns"].items():
        np.testing.assert_array_equal(p.covariates[name], np.asarray(want, dtype=float).reshape(3, 3)[order], err_msg=name)


def test_clv_with_covariates_is_each_customers_own_model():
    s = summary()
    s["monetary_value"] = np.where(s.frequency > 0, 20 + 5 * (np.arange(len(s)) % 7), 0.0)
    z = covariates()
    m = cx.fit_covariates(s, z, model="bg_nbd", dropout=["late"])
    gg = cx.GammaGamma().fit(s[s.frequency > 0])
    v = m.clv(gg, s, z, months=12, discount_rate=0.01, freq="W")
    assert v.shape == (len(s),) and (v >= 0).all()
    for i in (0, 3, 17):
        own = m.customer_model(**z.iloc[i].to_dict())
        w = gg.clv(own, s.iloc[[i]], months=12, discount_rate=0.01, freq="W")
        assert v[i] == pytest.approx(float(np.asarray(w)[0]), rel=1e-10)


def test_boolean_flags_are_zero_one_covariates():
    z = covariates()
    flags = z.assign(late=z["late"].astype(bool))
    a = cx.fit_covariates(summary(), flags, model="bg_nbd", dropout=[])
    b = cx.fit_covariates(summary(), z, model="bg_nbd", dropout=[])
    assert a.coefficients["estimate"].tolist() == b.coefficients["estimate"].tolist()
    nullable = z.assign(late=z["late"].astype(bool).astype("boolean"))
    nullable.loc[4, "late"] = pd.NA
    with pytest.raises(cx.CovariateError) as e:
        cx.fit_covariates(summary(), nullable, model="bg_nbd", dropout=[])
    assert (e.value.column, e.value.index) == ("late", 4)
    pl = pytest.importorskip("polars")
    c = cx.fit_covariates(pl.from_pandas(summary()), pl.from_pandas(flags), model="bg_nbd", dropout=[])
    assert c.coefficients["estimate"].tolist() == pytest.approx(b.coefficients["estimate"].tolist(), rel=1e-12)


@pytest.mark.parametrize("case", DOC["errors"], ids=lambda c: c["name"])
def test_errors_vector_through_fit_covariates(case):
    names = case.get("covariate_names") or list(case["covariates"])
    cov = {n: np.array(case["covariates"][n], dtype=float) for n in names}
    o = case.get("options", {})
    with pytest.raises(cx.CxError) as e:
        cx.fit_covariates(summary(), cov, model=case["model"], shared=o.get("shared", ()))
    want = case["error"]
    assert e.value.code == want["code"], str(e.value)
    for k, v in want.items():
        if k != "code":
            assert getattr(e.value, k) == v, (k, str(e.value))


def test_a_first_order_on_the_last_day_goes_through_both_models():
    """T = 0 (a customer whose first order is on the last day) in the
    summary straight from cx.customer_summary, into fixed and time-varying fits."""
    rng = np.random.default_rng(3)
    start = pd.Timestamp("2024-01-01")
    rows = [(f"c{c}", start + pd.Timedelta(days=int(d))) for c in range(300)
            for d in np.sort(rng.choice(np.arange(0, 360), size=int(rng.integers(1, 6)), replace=False))]
    rows.append(("late_comer", start + pd.Timedelta(days=363)))
    orders = pd.DataFrame(rows, columns=["customer", "at"])
    s = cx.customer_summary(orders, customer_id="customer", timestamp="at", multiplier=7,
                            observation_end="2024-12-29").set_index("customer")
    assert s.loc["late_comer", "T"] == 0.0
    z = pd.DataFrame({"vip": (np.arange(len(s)) % 3 == 0).astype(float)}, index=s.index)
    m = cx.fit_covariates(s, z, model="pareto_nbd", accept_unconverged=True)
    pa = m.probability_alive(s, z)
    assert pa[list(s.index).index("late_comer")] == pytest.approx(1.0)
    weeks = pd.DataFrame({"period": pd.date_range(start, periods=53, freq="7D"), "sale": np.tile([0.0, 1.0], 27)[:53]})
    p = cx.period_covariates(orders, weeks, customers=s.index, customer_id="customer", timestamp="at", multiplier=7)
    d = cx.fit_dynamic_covariates(s, p, accept_unconverged=True)
    assert d.report["customers"] == len(s)
    assert d.predict_periods({"kind": "probability_alive"}, s, p)[list(s.index).index("late_comer")] == pytest.approx(1.0)
