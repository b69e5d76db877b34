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
        # A numpy-backed numeric Series cannot hold pd.NA (its missing values
        # are NaN already): no scan for missing values. Nullable extension
        # types are scanned, and converted only when they hold one.
        if isinstance(dtype, np.dtype) and dtype.kind in _NUMERIC:
            arr = x.to_numpy()
        elif getattr(dtype, "kind", "O") in _NUMERIC and not x.hasnans:
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


def key_column(x: Any, argument: str = "keys") -> Any:
    """A key column as the core reads it (``cx::bind`` keys): an int64 array
    for integer keys (their own codes), else ``(codes, labels)`` with int64
    codes in label order (-1 = missing, reported by the core with its row)
    and the plain Python labels."""
    try:
        codes, labels, _ = as_keys(x, argument)
    except TypeError:  # mixed types numpy cannot order: keys as text, as the core reads JSON keys
        text = [None if v is None or (isinstance(v, float) and v != v) else str(v) for v in list(x)]
        codes, labels, _ = as_keys(np.array(text, dtype=object), argument)
    if labels is None:
        return codes
    return codes, [v.item() if hasattr(v, "item") else v for v in labels]


def time_column(x: Any, argument: str = "timestamps", unit: Optional[str] = None) -> Tuple[Any, str]:
    """The one way a time column goes to the core, and the unit of its
    integers. Datetime-typed columns (pandas, polars, pyarrow, numpy) become
    an int64 buffer (NaT = int64 min) read in place, in their own unit or in
    ``unit`` when given; time-zone aware columns are read as wall-clock time
    of their zone, so that buckets follow the local calendar. Anything else
    goes as a list of ISO text (dates and datetimes as ISO text, None for
    missing) that the core parses and checks row by row, as in Rust and JS."""
    mod = _module(x)
    if mod == "pandas":
        if getattr(x.dtype, "tz", None) is not None:
            x = x.dt.tz_localize(None)
        arr = x.to_numpy() if x.dtype.kind == "M" else None
        values = None if arr is not None else x.tolist()
    elif mod == "polars":
        if str(x.dtype).startswith("Datetime") and getattr(x.dtype, "time_zone", None):
            x = x.dt.replace_time_zone(None)
        typed = str(x.dtype).startswith("Datetime") or str(x.dtype) == "Date"
        arr = x.to_numpy() if typed else None
        values = None if typed else x.to_list()
    elif mod == "pyarrow":
        arr = x.to_numpy(zero_copy_only=False)
        values = None if arr.dtype.kind == "M" else arr.tolist()
        arr = arr if values is None else None
    else:
        a = np.asarray(x) if not isinstance(x, list) else None
        arr = a if a is not None and a.dtype.kind == "M" else None
        values = None if arr is not None else list(x)
    if arr is not None:
        if arr.ndim != 1:
            raise InputTypeError(f"`{argument}` must be one-dimensional, got shape {arr.shape}", {"argument": argument})
        native, step = np.datetime_data(arr.dtype)
        want = unit or (native if step == 1 and native in ("D", "s", "ms", "us", "ns") else "ns")
        if native != want or step != 1:
            arr = arr.astype(f"datetime64[{want}]")
        return np.ascontiguousarray(arr.view(np.int64)), want
    out = []
    for v in values:
        if v is None or (isinstance(v, float) and v != v) or type(v).__name__ in ("NAType", "NaTType"):
            out.append(None)
        elif isinstance(v, str):
            out.append(v)
        elif hasattr(v, "isoformat"):
            out.append(None if v != v else v.isoformat())
        else:
            raise InputTypeError(
                f"`{argument}` must hold datetimes, dates or ISO strings, got {type(v).__name__} {v!r}",
                {"argument": argument},
            )
    return out, unit or "ns"


def check_same_length(n: int, other: Any, argument: str) -> None:
    if other is not None and len(other) != n:
        raise LengthMismatchError(
            f"`{argument}` has {len(other)} rows but `scores` has {n}",
            {"argument": argument, "expected": n, "actual": len(other), "other": "scores"},
        )


def float_matrix(x: Any, argument: str) -> tuple:
    """A respondents × columns matrix as one row-major float64 buffer (NaN
    = missing), its column count and the frame's column names."""
    names = None
    mod = type(x).__module__.split(".")[0]
    if mod in ("pandas", "polars"):
        names = [str(c) for c in x.columns]
        arr = x.to_numpy()
    else:
        try:
            has_none = isinstance(x, (list, tuple)) and any(v is None for row in x for v in row)
        except TypeError:  # not rows: the shape check below names it
            has_none = False
        arr = np.asarray(x, dtype=object if has_none else None)
    if arr.ndim != 2:
        raise InputTypeError(f"`{argument}` must be two-dimensional (rows × columns), got shape {arr.shape}", {"argument": argument})
    try:
        flat = np.ascontiguousarray(np.asarray(arr, dtype=np.float64)).ravel()
    except (TypeError, ValueError) as e:
        raise InputTypeError(f"`{argument}` must hold numbers (None or NaN for missing): {e}", {"argument": argument}) from e
    return flat, max(arr.shape[1], 1), names
