"""Turning user input (lists, numpy, pandas, polars, pyarrow) into the
one-dimensional contiguous numpy arrays the native module borrows in place.

No copy is made for a contiguous numeric numpy array, a numeric pandas
Series without missing values, or a polars Series without nulls. Missing
values become NaN so that the core reports them with their row."""

from __future__ import annotations

from typing import Any, List, Optional, Tuple

import numpy as np

from ._errors import InputTypeError, LengthMismatchError

_NUMERIC = "biuf"


def _module(x: Any) -> str:
    return type(x).__module__.split(".")[0]


def as_array(x: Any, argument: str, *, float64: bool = False) -> np.ndarray:
    """A 1-D contiguous numeric array of ``x`` (numbers or NaN)."""
    mod = _module(x)
    if mod == "pandas":
        dtype = x.dtype
        if getattr(dtype, "kind", "O") in _NUMERIC and not x.hasnans:
            arr = x.to_numpy()
        else:
            arr = x.to_numpy(dtype="float64", na_value=np.nan)
    elif mod == "polars":
        arr = x.to_numpy()
    elif mod == "pyarrow":
        arr = x.to_numpy(zero_copy_only=False)
    else:
        arr = np.asarray(x)
    if arr.dtype.kind == "O":
        try:
            arr = np.asarray(arr, dtype=np.float64)
        except (TypeError, ValueError) as e:
            raise InputTypeError(
                f"`{argument}` holds values that are not numbers: {e}",
                {"argument": argument},
            ) from None
    if arr.ndim != 1:
        raise InputTypeError(
            f"`{argument}` must be one-dimensional, got shape {arr.shape}",
            {"argument": argument},
        )
    if arr.dtype.kind == "b" or arr.dtype.kind not in _NUMERIC:
        raise InputTypeError(
            f"`{argument}` must hold numbers, got dtype {arr.dtype}",
            {"argument": argument},
        )
    if float64 and arr.dtype != np.float64:
        arr = arr.astype(np.float64)
    return np.ascontiguousarray(arr)


def as_weights(x: Any) -> Optional[np.ndarray]:
    return None if x is None else as_array(x, "weights", float64=True)


def as_timestamps(x: Any) -> Tuple[np.ndarray, str]:
    """Epoch integers and their unit (``"D"``, ``"s"``, ``"ms"``, ``"us"``,
    ``"ns"``). Time-zone aware columns are read as wall-clock time of their
    zone, so that buckets follow the local calendar."""
    from ._cx import parse_timestamps

    mod = _module(x)
    if mod == "pandas":
        if getattr(x.dtype, "tz", None) is not None:
            x = x.dt.tz_localize(None)
        if x.dtype.kind != "M":
            return _parse(list(x), parse_timestamps)
        arr = x.to_numpy()
    elif mod == "polars":
        if str(x.dtype).startswith("Datetime") and getattr(x.dtype, "time_zone", None):
            x = x.dt.replace_time_zone(None)
        if not (str(x.dtype).startswith("Datetime") or str(x.dtype) == "Date"):
            return _parse(x.to_list(), parse_timestamps)
        arr = x.to_numpy()
    elif mod == "pyarrow":
        arr = x.to_numpy(zero_copy_only=False)
    else:
        arr = np.asarray(x)
        if arr.dtype.kind in "OU":
            return _parse(list(x), parse_timestamps)
    if arr.ndim != 1:
        raise InputTypeError(
            f"`timestamps` must be one-dimensional, got shape {arr.shape}",
            {"argument": "timestamps"},
        )
    if arr.dtype.kind != "M":
        raise InputTypeError(
            f"`timestamps` must be datetimes, dates or ISO strings, got dtype {arr.dtype}",
            {"argument": "timestamps"},
        )
    unit, step = np.datetime_data(arr.dtype)
    if step != 1 or unit not in ("D", "s", "ms", "us", "ns"):
        arr, unit = arr.astype("datetime64[ns]"), "ns"
    return np.ascontiguousarray(arr.view(np.int64)), unit


def _parse(values: List[Any], parse: Any) -> Tuple[np.ndarray, str]:
    texts = []
    for i, v in enumerate(values):
        if v is None or (isinstance(v, float) and v != v):
            from ._errors import MissingValueError

            raise MissingValueError(
                f"`timestamps`[{i}] is missing", {"argument": "timestamps", "index": i}
            )
        texts.append(v if isinstance(v, str) else v.isoformat())
    return parse(texts), "ms"


def as_keys(x: Any, argument: str = "keys") -> Tuple[np.ndarray, Optional[List[Any]], bool]:
    """Integer codes of a key column, the labels they stand for (``None``
    when the keys are integers themselves), and whether -1 marks a missing
    key. Codes follow the sorted order of the labels, so groups come out
    ordered by key in every language."""
    mod = _module(x)
    if mod == "polars":
        import polars as pl

        if x.dtype.is_integer() and x.null_count() == 0:
            return np.ascontiguousarray(x.to_numpy().astype(np.int64, copy=False)), None, False
        labels = x.drop_nulls().unique().sort().to_list()
        codes = (x.rank("dense") - 1).fill_null(-1).cast(pl.Int64).to_numpy()
        return np.ascontiguousarray(codes), labels, True
    if mod == "pandas":
        if x.dtype.kind in "iu" and not x.hasnans:
            return np.ascontiguousarray(x.to_numpy().astype(np.int64, copy=False)), None, False
        import pandas as pd

        codes, uniques = pd.factorize(x, sort=True, use_na_sentinel=True)
        return np.ascontiguousarray(codes.astype(np.int64, copy=False)), list(uniques), True
    arr = np.asarray(x) if mod != "pyarrow" else x.to_numpy(zero_copy_only=False)
    if arr.ndim != 1:
        raise InputTypeError(f"`{argument}` must be one-dimensional", {"argument": argument})
    if arr.dtype.kind in "iu":
        return np.ascontiguousarray(arr.astype(np.int64, copy=False)), None, False
    missing = [i for i, v in enumerate(arr) if v is None or (isinstance(v, float) and v != v)]
    if missing:
        codes = np.zeros(len(arr), dtype=np.int64)
        codes[missing] = -1
        return codes, [], True
    labels, codes = np.unique(arr, return_inverse=True)
    return np.ascontiguousarray(codes.astype(np.int64).ravel()), labels.tolist(), True


def check_same_length(n: int, other: Any, argument: str) -> None:
    if other is not None and len(other) != n:
        raise LengthMismatchError(
            f"`{argument}` has {len(other)} rows but `scores` has {n}",
            {"argument": argument, "expected": n, "actual": len(other), "other": "scores"},
        )
