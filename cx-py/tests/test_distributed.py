"""cx.spark and cx.dask against the single-machine functions on the same rows.

The engines run for real: PySpark in local mode (``local[2]``) and a Dask
``LocalCluster`` with two worker processes. Every function is checked
against the function of the same name in ``cx`` (survey scores, summaries,
fits, scores), on data split over several partitions, and bad rows must
raise the typed error naming their partition and row.
"""

import os
import pathlib
import sys
import warnings

import numpy as np
import pandas as pd
import pytest

import cx

pytest.importorskip("pyspark")
pytest.importorskip("distributed")

ROOT = pathlib.Path(__file__).resolve().parents[2]
PARTITIONS = 4


@pytest.fixture(scope="module")
def spark():
    os.environ["PYSPARK_PYTHON"] = sys.executable  # the workers use this venv's Python and cx
    warnings.filterwarnings("ignore", message="PySpark does not yet fully support pandas")
    from pyspark.sql import SparkSession

    session = (
        SparkSession.builder.master("local[2]")
        .appName("cx-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.shuffle.partitions", str(PARTITIONS))
        .config("spark.driver.memory", "2g")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


@pytest.fixture(scope="module")
def dask_client():
    from distributed import Client, LocalCluster

    cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None)
    client = Client(cluster)
    yield client
    client.close()
    cluster.close()


class Engine:
    """One engine: its cx module, how a pandas frame becomes a distributed
    one, and how a distributed result comes back."""

    def __init__(self, name, module, distribute, collect, none_of):
        self.name, self.cx, self.distribute, self.collect = name, module, distribute, collect
        self.none_of = none_of  # a frame without rows, typed like the rows of a pandas frame


@pytest.fixture(params=["spark", "dask"])
def engine(request):
    if request.param == "spark":
        import cx.spark

        spark = request.getfixturevalue("spark")
        return Engine(
            "spark",
            cx.spark,
            lambda df: spark.createDataFrame(df).repartition(PARTITIONS),
            lambda d: d.toPandas(),
            lambda df: spark.createDataFrame(df).limit(0),  # Spark infers no schema from zero rows
        )
    import dask.dataframe as dd

    import cx.dask

    request.getfixturevalue("dask_client")
    return Engine(
        "dask",
        cx.dask,
        lambda df: dd.from_pandas(df, npartitions=PARTITIONS),
        lambda d: d.compute(),
        lambda df: dd.from_pandas(df.iloc[:0], npartitions=1),
    )


# -- data ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def answers():
    rng = np.random.default_rng(7)
    n = 12_000
    seconds = rng.integers(0, 120 * 86_400, n)
    return pd.DataFrame(
        {
            "nps": rng.choice(11, n, p=[0.03, 0.02, 0.03, 0.04, 0.04, 0.07, 0.09, 0.15, 0.2, 0.17, 0.16]).astype(np.int64),
            "csat": rng.integers(1, 6, n).astype(np.int64),
            "ces": rng.integers(1, 8, n).astype(np.int64),
            "smiley": rng.integers(1, 5, n).astype(np.int64),
            "store": rng.choice(["Berlin", "Hamburg", "Köln"], n),
            "channel": rng.choice([1, 2, 3], n).astype(np.int64),
            "weight": rng.uniform(0.5, 2.0, n),
            "at": pd.Timestamp("2024-01-01") + pd.to_timedelta(seconds, unit="s"),
        }
    )


@pytest.fixture(scope="module")
def orders():
    raw = pd.read_csv(
        ROOT / "data" / "cdnow" / "CDNOW_sample.txt",
        sep=r"\s+",
        header=None,
        names=["master", "id", "date", "cds", "dollars"],
        dtype={"date": str},
    )
    return pd.DataFrame(
        {"customer": raw["id"].astype(np.int64), "at": pd.to_datetime(raw["date"], format="%Y%m%d"), "amount": raw["dollars"].astype(float)}
    )


SUMMARY = {"customer_id": "customer", "timestamp": "at", "amount": "amount", "period": "day", "multiplier": 7}


def _sorted(df, key):
    out = df.sort_values(key).reset_index(drop=True)
    if "first_purchase" in out.columns:
        out["first_purchase"] = pd.to_datetime(pd.Series(out["first_purchase"].tolist())).dt.date
    return out


# -- survey scores --------------------------------------------------------------


@pytest.mark.parametrize(
    "measure, column, options",
    [
        ("nps", "nps", {}),
        ("csat", "csat", {"threshold": 4}),
        ("ces", "ces", {}),
        ("smiley", "smiley", {}),
    ],
)
def test_survey_scores_by_group_and_month_equal_the_single_machine(engine, answers, measure, column, options):
    got = getattr(engine.cx, measure)(engine.distribute(answers), score=column, by="store", time="at", bucket="month", weight="weight", **options)
    want = getattr(cx, f"{measure}_by")(answers, score=column, by="store", time="at", bucket="month", weight="weight", **options)
    assert len(got) == 3 * 4
    pd.testing.assert_frame_equal(got, want, check_dtype=False, rtol=1e-12)


def test_several_group_columns_and_no_grouping(engine, answers):
    data = engine.distribute(answers)
    got = engine.cx.nps(data, score="nps", by=["store", "channel"], time="at", bucket="week")
    combined = answers.assign(key=answers["store"] + "/" + answers["channel"].astype(str))
    want = cx.nps_by(combined, score="nps", by="key", time="at", bucket="week")
    assert list(got.columns[:3]) == ["store", "channel", "period"]
    assert (got["store"] + "/" + got["channel"].astype(str)).tolist() == want["key"].tolist()
    pd.testing.assert_frame_equal(got.drop(columns=["store", "channel"]), want.drop(columns=["key"]), check_dtype=False, rtol=1e-12)
    overall = engine.cx.nps(data, score="nps")
    assert len(overall) == 1
    single = cx.nps(answers["nps"])
    assert overall["n"][0] == single.n == len(answers)
    assert overall["score"][0] == pytest.approx(single.score, abs=1e-12)


def test_distributions_are_the_merged_states(engine, answers):
    got = engine.cx.distributions(engine.distribute(answers), score="csat", by="store", scale=(1, 5))
    assert got["store"].tolist() == ["Berlin", "Hamburg", "Köln"]
    for store, d in zip(got["store"], got["distribution"]):
        assert d == cx.Distribution.from_scores(answers.loc[answers["store"] == store, "csat"], scale=(1, 5))
    assert sum(d.n for d in got["distribution"]) == len(answers)


def test_a_bad_answer_names_its_partition_and_row(engine, answers):
    bad = answers.copy()
    bad.loc[4321, "nps"] = 11
    with pytest.raises(cx.OutOfRangeError) as e:
        engine.cx.nps(engine.distribute(bad), score="nps", by="store")
    f = e.value.fields
    assert f["argument"] == "scores" and f["value"] == "11"
    assert 0 <= f["partition"] < PARTITIONS and 0 <= f["index"] < len(bad)
    assert f"partition {f['partition']}, row {f['index']}" in str(e.value)
    missing = answers.astype({"store": object}).copy()
    missing.loc[17, "store"] = None
    with pytest.raises(cx.MissingValueError) as e:
        engine.cx.nps(engine.distribute(missing), score="nps", by="store")
    assert e.value.fields["argument"] == "store"
    with pytest.raises(cx.InvalidParameterError, match="no column 'score'"):
        engine.cx.nps(engine.distribute(answers))


# -- summaries, fits, scores ------------------------------------------------------


def test_customer_summary_equals_the_single_machine(engine, orders):
    want = cx.customer_summary(orders, **SUMMARY)
    frame, report = engine.cx.customer_summary(engine.distribute(orders), report=True, **SUMMARY)
    got = _sorted(engine.collect(frame), "customer")
    assert report == want.attrs["report"]
    assert report.rows == len(orders) and report.customers == len(want) == 2357
    pd.testing.assert_frame_equal(got, _sorted(want, "customer"), check_dtype=False, rtol=1e-12)


def test_calibration_holdout_equals_the_single_machine(engine, orders):
    opts = {**SUMMARY, "calibration_end": "1997-09-30", "observation_end": "1998-06-30"}
    want = cx.calibration_holdout(orders, **opts)
    frame, report, new = engine.cx.calibration_holdout(engine.distribute(orders), report=True, **opts)
    assert report == want.attrs["report"] and new == want.attrs["new_in_holdout"]
    pd.testing.assert_frame_equal(_sorted(engine.collect(frame), "customer"), _sorted(want, "customer"), check_dtype=False, rtol=1e-12)


@pytest.mark.parametrize("model", [cx.BetaGeo, cx.ParetoNbd, cx.ModifiedBetaGeo, cx.GammaGamma])
def test_fit_from_distinct_rows_is_the_fit_on_every_customer(engine, orders, model):
    summary = cx.customer_summary(orders, **SUMMARY)
    data = engine.distribute(summary[["customer", "frequency", "recency", "T", "monetary_value"]])
    got = engine.cx.fit(model(), data)
    want = model().fit(summary)
    assert got.report.customers == want.report.customers
    assert got.report.converged
    for k, v in want.params.items():
        assert got.params[k] == pytest.approx(v, rel=1e-6), k
    assert got.report.log_likelihood == pytest.approx(want.report.log_likelihood, rel=1e-10)


def test_calibration_frame_into_fit_gives_the_published_cdnow_estimates(engine, orders):
    opts = {**SUMMARY, "calibration_end": "1997-09-30", "observation_end": "1998-06-30"}
    cal = engine.cx.calibration_holdout(engine.distribute(orders), **opts)
    m = engine.cx.fit(cx.BetaGeo(), cal, frequency="frequency_cal", recency="recency_cal", T="T_cal")
    # Fader, Hardie & Lee (2005), 39-week calibration period of the CDNOW sample
    for k, v in {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}.items():
        assert m.params[k] == pytest.approx(v, abs=5e-4), k
    assert m.report.log_likelihood == pytest.approx(-9582.4, abs=0.05)


def test_summary_straight_into_fit_and_score(engine, orders):
    frame = engine.cx.customer_summary(engine.distribute(orders), **SUMMARY)
    bg = engine.cx.fit(cx.BetaGeo(), frame)
    gg = engine.cx.fit(cx.GammaGamma(), frame)
    scored = _sorted(engine.collect(engine.cx.score(frame, bg, horizon=39, spend_model=gg, periods_per_month=30 / 7)), "customer")
    single = cx.customer_summary(orders, **SUMMARY)
    want_bg, want_gg = cx.BetaGeo().fit(single), cx.GammaGamma().fit(single)
    single = _sorted(single, "customer")
    for got, want in ((bg, want_bg), (gg, want_gg)):
        for k, v in want.params.items():
            assert got.params[k] == pytest.approx(v, rel=1e-6), k
    np.testing.assert_allclose(scored["probability_alive"], bg.probability_alive(single), rtol=1e-12)
    np.testing.assert_allclose(scored["expected_purchases"], bg.predict_purchases(39, single), rtol=1e-12)
    np.testing.assert_allclose(scored["clv"], gg.clv(bg, single, periods_per_month=30 / 7), rtol=1e-12)
    np.testing.assert_allclose(scored["probability_alive"], want_bg.probability_alive(single), rtol=1e-5)


def test_bad_orders_and_summaries_name_their_partition(engine, orders):
    bad = orders.copy()
    bad["at"] = bad["at"].astype(object)
    bad.loc[100, "at"] = None
    with pytest.raises(cx.MissingValueError) as e:
        engine.cx.customer_summary(engine.distribute(bad), **SUMMARY)
    f = e.value.fields
    assert f["argument"] == "timestamps" and 0 <= f["partition"] < PARTITIONS
    assert f["customer"] == int(orders.loc[100, "customer"])
    summary = cx.customer_summary(orders, **SUMMARY)
    summary.loc[5, "frequency"] = -1
    model = cx.BetaGeo(r=0.243, alpha=4.414, a=0.793, b=2.426)
    scored = engine.cx.score(engine.distribute(summary[["customer", "frequency", "recency", "T"]]), model, horizon=10)
    if engine.name == "dask":  # the worker's error arrives typed, with its fields
        with pytest.raises(cx.OutOfRangeError) as e:
            engine.collect(scored)
        assert e.value.fields["argument"] == "frequency" and "partition" in e.value.fields
    else:  # Spark hands the driver the worker's message
        with pytest.raises(Exception, match=r"`frequency`\[\d+\] = -1 .*\(partition \d+, row \d+"):
            engine.collect(scored)
    with pytest.raises(cx.InvalidParameterError, match="fitted cx model"):
        engine.cx.score(engine.distribute(summary), "not a model", horizon=10)


def test_empty_input_and_a_single_customer_seen_on_the_last_day(engine, orders):
    for end in (None, "1998-06-30"):
        with pytest.raises(cx.EmptyInputError) as e:  # as cx.customer_summary on no rows
            engine.cx.customer_summary(engine.none_of(orders.iloc[:1]), customer_id="customer", timestamp="at", observation_end=end)
        assert e.value.fields["argument"] == "customers"
    answer = pd.DataFrame({"score": [9], "store": ["Berlin"]})
    assert len(engine.cx.nps(engine.none_of(answer), by="store")) == len(cx.nps_by(answer.iloc[:0], by="store")) == 0
    # One customer whose only order is on the last day: T = 0, straight into a score.
    one = pd.DataFrame({"customer": [7, 8, 8], "at": pd.to_datetime(["1998-06-30", "1998-01-02", "1998-03-01"]), "amount": [10.0, 5.0, 8.0]})
    frame = engine.cx.customer_summary(engine.distribute(one), **SUMMARY)
    got = _sorted(engine.collect(frame), "customer")
    pd.testing.assert_frame_equal(got, _sorted(cx.customer_summary(one, **SUMMARY), "customer"), check_dtype=False, rtol=1e-12)
    assert got["T"].tolist()[0] == 0.0
    model = cx.BetaGeo(r=0.243, alpha=4.414, a=0.793, b=2.426)
    scored = _sorted(engine.collect(engine.cx.score(frame, model, horizon=10)), "customer")
    np.testing.assert_allclose(scored["probability_alive"], model.probability_alive(got), rtol=1e-12)
    assert scored["probability_alive"][0] == 1.0
