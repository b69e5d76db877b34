"""Grouped measures over pandas and polars frames."""

import datetime as dt

import pandas as pd
import polars as pl
import pytest

import cx

ROWS = {
    "score": [10, 0, 9, 7, 10, 3],
    "touchpoint": ["web", "web", "store", "web", "store", "web"],
    "at": [
        dt.datetime(2024, 1, 1),
        dt.datetime(2024, 1, 7, 23, 59),
        dt.datetime(2024, 1, 1, 12),
        dt.datetime(2024, 1, 8),
        dt.datetime(2024, 1, 9),
        dt.datetime(2024, 1, 8, 8),
    ],
}
# Hand-checked: ISO weeks start Monday 2024-01-01 and 2024-01-08.
EXPECTED = [
    ("store", dt.date(2024, 1, 1), 1, 100.0),
    ("store", dt.date(2024, 1, 8), 1, 100.0),
    ("web", dt.date(2024, 1, 1), 2, 0.0),
    ("web", dt.date(2024, 1, 8), 2, -50.0),
]


def test_pandas_in_pandas_out():
    out = cx.nps_by(pd.DataFrame(ROWS), score="score", by="touchpoint", time="at", bucket="week")
    assert isinstance(out, pd.DataFrame)
    got = list(zip(out["touchpoint"], out["period"], out["n"], out["score"]))
    assert got == EXPECTED
    assert {"ci_low", "ci_high", "promoters"} <= set(out.columns)


def test_polars_in_polars_out():
    out = cx.nps_by(pl.DataFrame(ROWS), score="score", by="touchpoint", time="at", bucket="week")
    assert isinstance(out, pl.DataFrame)
    got = list(zip(out["touchpoint"], out["period"], out["n"], out["score"]))
    assert got == EXPECTED


def test_tz_aware_timestamps_bucket_by_local_calendar():
    at = pd.Series(pd.to_datetime(["2024-01-31 23:30", "2024-02-01 00:30"])).dt.tz_localize("Europe/Berlin")
    out = cx.nps_by(pd.DataFrame({"score": [10, 0], "at": at}), time="at", bucket="month")
    assert list(out["period"]) == [dt.date(2024, 1, 1), dt.date(2024, 2, 1)]


def test_iso_strings_and_dates():
    groups = cx.group_by([10, 0, 9], timestamps=["2024-03-31", "2024-04-01T10:00:00Z", dt.date(2024, 4, 2)], bucket="month")
    assert [(p, d.n) for _, p, d in groups] == [(dt.date(2024, 3, 1), 1), (dt.date(2024, 4, 1), 2)]


def test_unparsable_date_names_its_row():
    with pytest.raises(cx.ParseError) as e:
        cx.group_by([10, 0], timestamps=["2024-03-31", "31/03/2024"], bucket="day")
    assert e.value.index == 1 and e.value.value == "31/03/2024"


def test_missing_key_names_its_row():
    with pytest.raises(cx.MissingValueError) as e:
        cx.nps_by(pd.DataFrame({"score": [10, 9, 8], "seg": ["a", None, "b"]}), by="seg")
    assert e.value.index == 1
    with pytest.raises(cx.MissingValueError) as e:
        cx.group_by([10, 9, 8], keys=["a", "b", None])
    assert e.value.index == 2


def test_missing_timestamp_names_its_row():
    at = pd.Series(pd.to_datetime(["2024-01-01", None]))
    with pytest.raises(cx.MissingValueError) as e:
        cx.nps_by(pd.DataFrame({"score": [10, 9], "at": at}), time="at")
    assert e.value.index == 1 and e.value.argument == "timestamps"


def test_integer_keys_and_csat_by():
    out = cx.csat_by(pd.DataFrame({"score": [5, 1, 4, 4], "store": [2, 1, 2, 1]}), by="store")
    assert list(out["store"]) == [1, 2]
    assert list(out["satisfied_share"]) == [0.5, 1.0]


def test_length_mismatch():
    with pytest.raises(cx.LengthMismatchError):
        cx.group_by([10, 9], keys=["a"])
