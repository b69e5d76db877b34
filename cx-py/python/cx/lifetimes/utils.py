"""lifetimes.utils on cx: the same names, arguments and result frames."""

from __future__ import annotations

from typing import Any, Optional

import numpy as np

from .. import _errors
from .. import retention as _retention
from ..tracking import expected_cumulative_transactions as _tracking

__all__ = [
    "ConvergenceError",
    "summary_data_from_transaction_data",
    "calibration_and_holdout_data",
    "expected_cumulative_transactions",
]


class ConvergenceError(_errors.NotConvergedError, ValueError):
    """lifetimes' ``ConvergenceError`` (a ``ValueError``): a fit that reached
    no optimum. It is also cx's :class:`cx.NotConvergedError`, with its
    code and fields."""

_PERIODS = {"D": "day", "W": "week", "M": "month"}


def _period(freq: str) -> str:
    try:
        return _PERIODS[freq]
    except KeyError:
        raise ValueError(f"freq {freq!r}: cx.lifetimes covers 'D', 'W' and 'M'") from None


def _dates(transactions: Any, datetime_col: str, datetime_format: Optional[str]) -> Any:
    import pandas as pd

    t = transactions.copy()
    t[datetime_col] = pd.to_datetime(t[datetime_col], format=datetime_format)
    return t


def _end(d: Any, datetime_format: Optional[str]) -> Any:
    import pandas as pd

    return None if d is None else pd.to_datetime(d, format=datetime_format).date()


def summary_data_from_transaction_data(
    transactions: Any,
    customer_id_col: str,
    datetime_col: str,
    monetary_value_col: Optional[str] = None,
    datetime_format: Optional[str] = None,
    observation_period_end: Any = None,
    freq: str = "D",
    freq_multiplier: int = 1,
    include_first_transaction: bool = False,
) -> Any:
    """lifetimes' summary: one row per customer (indexed by the customer id)
    with frequency, recency, T and, given ``monetary_value_col``,
    monetary_value."""
    t = _dates(transactions, datetime_col, datetime_format)
    s = _retention.customer_summary(
        t,
        customer_id=customer_id_col,
        timestamp=datetime_col,
        amount=monetary_value_col,
        period=_period(freq),
        multiplier=freq_multiplier,
        observation_end=_end(observation_period_end, datetime_format),
        include_first_transaction=include_first_transaction,
    )
    cols = ["frequency", "recency", "T"] + (["monetary_value"] if monetary_value_col is not None else [])
    out = s.set_index(customer_id_col)[cols].astype(float)
    out.index.name = customer_id_col
    return out


def calibration_and_holdout_data(
    transactions: Any,
    customer_id_col: str,
    datetime_col: str,
    calibration_period_end: Any,
    observation_period_end: Any = None,
    freq: str = "D",
    freq_multiplier: int = 1,
    datetime_format: Optional[str] = None,
    monetary_value_col: Optional[str] = None,
    include_first_transaction: bool = False,
) -> Any:
    """lifetimes' calibration/holdout frame, indexed by the customer id."""
    if include_first_transaction:
        raise ValueError("cx.lifetimes.calibration_and_holdout_data covers include_first_transaction=False")
    t = _dates(transactions, datetime_col, datetime_format)
    s = _retention.calibration_holdout(
        t,
        calibration_end=_end(calibration_period_end, datetime_format),
        customer_id=customer_id_col,
        timestamp=datetime_col,
        amount=monetary_value_col,
        period=_period(freq),
        multiplier=freq_multiplier,
        observation_end=_end(observation_period_end, datetime_format),
    )
    out = s.set_index(customer_id_col)
    for c in out.columns:
        out[c] = out[c].astype(float)
    return out


def expected_cumulative_transactions(
    model: Any,
    transactions: Any,
    datetime_col: str,
    customer_id_col: str,
    t: int,
    datetime_format: Optional[str] = None,
    freq: str = "D",
    set_index_date: bool = False,
    freq_multiplier: int = 1,
) -> Any:
    """lifetimes' tracking frame: columns ``actual`` and ``predicted``, one
    row per model unit."""
    import pandas as pd

    tx = _dates(transactions, datetime_col, datetime_format)
    r = _tracking(model, tx, customer_id=customer_id_col, timestamp=datetime_col, periods=t, period=_period(freq), multiplier=freq_multiplier)
    df = pd.DataFrame({"actual": np.asarray(r["actual"], dtype=float), "predicted": np.asarray(r["predicted"], dtype=float)})
    if set_index_date:
        start = tx[datetime_col].min().to_period(freq)
        df.index = [(start + (i + 1) * freq_multiplier).to_timestamp() for i in range(len(df))]
    return df
