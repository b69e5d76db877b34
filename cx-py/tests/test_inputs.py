"""Every input family gives the same numbers; bad input names its row."""

import numpy as np
import pandas as pd
import polars as pl
import pyarrow as pa
import pytest

import cx
from cx._input import as_array

ANSWERS = [10, 9, 9, 8, 7, 6, 5, 3, 10, 0]


@pytest.mark.parametrize(
    "make",
    [
        list,
        tuple,
        lambda a: np.asarray(a, dtype=np.uint8),
        lambda a: np.asarray(a, dtype=np.int8),
        lambda a: np.asarray(a, dtype=np.int16),
        lambda a: np.asarray(a, dtype=np.uint16),
        lambda a: np.asarray(a, dtype=np.int32),
        lambda a: np.asarray(a, dtype=np.uint32),
        lambda a: np.asarray(a, dtype=np.int64),
        lambda a: np.asarray(a, dtype=np.uint64),
        lambda a: np.asarray(a, dtype=np.float32),
        lambda a: np.asarray(a, dtype=np.float64),
        lambda a: np.asarray(a, dtype=np.int64)[::-1][::-1],
        lambda a: np.repeat(np.asarray(a), 2)[::2],  # strided view
        lambda a: pd.Series(a),
        lambda a: pd.Series(a, dtype="Int64"),
        lambda a: pd.Series(a, dtype="category").astype(int),
        lambda a: pl.Series(a),
        lambda a: pl.Series(a, dtype=pl.UInt8),
        lambda a: pa.array(a),
        lambda a: pa.chunked_array([a[:3], a[3:]]),
    ],
)
def test_every_input_family_gives_the_same_nps(make):
    expected = cx.nps(ANSWERS)
    assert cx.nps(make(ANSWERS)) == expected


def test_contiguous_numeric_arrays_are_not_copied():
    for dtype in (np.uint8, np.int64, np.float64):
        a = np.asarray(ANSWERS, dtype=dtype)
        assert as_array(a, "scores") is a
    s = pd.Series(np.asarray(ANSWERS, dtype=np.uint8))
    assert np.shares_memory(as_array(s, "scores"), s.to_numpy())


def test_missing_answer_in_pandas_names_its_row():
    s = pd.Series([10, 9, None, 7], dtype="Int64")
    with pytest.raises(cx.NotFiniteError) as e:
        cx.nps(s)
    assert e.value.index == 2 and e.value.argument == "scores"


def test_missing_answer_in_polars_names_its_row():
    with pytest.raises(cx.NotFiniteError) as e:
        cx.csat(pl.Series([5, None, 4]))
    assert e.value.index == 1


def test_none_in_a_list_is_missing():
    with pytest.raises(cx.NotFiniteError) as e:
        cx.nps([10, None])
    assert e.value.index == 1


def test_strings_are_a_type_error():
    with pytest.raises(cx.InputTypeError) as e:
        cx.nps(["ten", "nine"])
    assert isinstance(e.value, TypeError)
    with pytest.raises(TypeError):
        cx.nps(np.array([True, False]))


def test_two_dimensional_input_is_a_type_error():
    with pytest.raises(cx.InputTypeError):
        cx.nps(np.zeros((2, 2), dtype=np.uint8))


def test_weights_from_pandas():
    w = pd.Series([1, 2, 0.5, 1, 1, 1.5, 1, 0.5, 2, 0.5])
    r = cx.nps(ANSWERS, w, interval="wald")
    assert abs(r.score - 18.1818) < 1e-4
    assert abs(r.n_eff - 8.06667) < 1e-5


def test_invalid_options():
    with pytest.raises(cx.InvalidParameterError) as e:
        cx.nps(ANSWERS, interval="exact")
    assert e.value.argument == "interval"
    with pytest.raises(cx.InvalidParameterError) as e:
        cx.csat([1, 2], scale=(5, 1))
    assert e.value.argument == "scale"
    with pytest.raises(cx.InvalidParameterError):
        cx.ces([1, 2], polarity="sideways")


def test_pandas_missing_markers_in_a_text_time_column_are_missing_rows():
    # Dask and pandas' nullable types write pd.NA / NaT into object columns.
    for marker in (pd.NA, pd.NaT, None):
        ts = pd.Series(["2024-01-01", marker, "2024-01-03"], dtype=object)
        with pytest.raises(cx.MissingValueError) as e:
            cx.customer_summary(customer_id=[1, 1, 2], timestamp=ts)
        assert e.value.fields["argument"] == "timestamps" and e.value.index == 1
