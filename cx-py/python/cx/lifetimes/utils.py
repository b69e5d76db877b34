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
    "find_first_transactions",
    "customer_lifetime_value",
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


def find_first_transactions(
    transactions: Any,
    customer_id_col: str,
    datetime_col: str,
    monetary_value_col: Optional[str] = None,
    datetime_format: Optional[str] = None,
    observation_period_end: Any = None,
    freq: str = "D",
) -> Any:
    """lifetimes' ``_find_first_transactions``: one row per customer and
    period (``freq``: a pandas period alias, ``"D"``, ``"W"``, ``"M"`` …) up
    to ``observation_period_end`` (default: the last transaction), the
    amounts of a period summed, ordered by customer and period, with
    ``first`` marking each customer's first period. The date column holds
    pandas Periods, as in lifetimes."""
    import pandas as pd

    cols = [customer_id_col, datetime_col] + ([monetary_value_col] if monetary_value_col else [])
    t = _dates(transactions[cols], datetime_col, datetime_format)
    end = t[datetime_col].max() if observation_period_end is None else pd.to_datetime(observation_period_end, format=datetime_format)
    if isinstance(end, pd.Period):
        end = end.to_timestamp()
    t[datetime_col] = t[datetime_col].dt.to_period(freq)
    # A period counts when it starts by the end (lifetimes' rule).
    t = t[t[datetime_col].dt.start_time <= end]
    keys = [customer_id_col, datetime_col]
    if monetary_value_col:
        out = t.groupby(keys, sort=True, as_index=False)[monetary_value_col].sum()
    else:
        out = t.drop_duplicates(keys).sort_values(keys)[keys]
    out = out.reset_index(drop=True)
    out["first"] = ~out[customer_id_col].duplicated()
    return out


#: Model periods per month of lifetimes' CLV convention, by ``freq``.
_PER_MONTH = {"D": 30.0, "W": 4.345, "M": 1.0, "H": 30.0 * 24.0}


def customer_lifetime_value(
    transaction_prediction_model: Any,
    frequency: Any,
    recency: Any,
    T: Any,
    monetary_value: Any,
    time: int = 12,
    discount_rate: float = 0.01,
    freq: str = "D",
) -> Any:
    """lifetimes' ``_customer_lifetime_value``: the discounted value of each
    customer over ``time`` months, Σₘ monetary·(E[X(m·f)] − E[X((m−1)·f)]) /
    (1 + discount_rate)ᵐ with f the model periods per month (30 days, 4.345
    weeks, 1 month, 720 hours) and E[X(t)] the model's conditional
    expectation. ``monetary_value`` is the expected spend per purchase (the
    gamma-gamma prediction in lifetimes' recipe). A Series on the index of
    ``frequency`` (lifetimes names it ``clv``)."""
    import pandas as pd

    if freq not in _PER_MONTH:
        raise ValueError(f"freq {freq!r}: one of {sorted(_PER_MONTH)}")
    index = frequency.index if hasattr(frequency, "index") else pd.RangeIndex(len(frequency))
    f, r, t, m = (np.asarray(v, dtype=float) for v in (frequency, recency, T, monetary_value))
    per = _PER_MONTH[freq]
    predict = transaction_prediction_model.conditional_expected_number_of_purchases_up_to_time
    clv = np.zeros(len(f))
    before = np.zeros(len(f))
    for month in range(1, int(time) + 1):
        now = np.asarray(predict(month * per, f, r, t), dtype=float)
        clv += m * (now - before) / (1.0 + discount_rate) ** month
        before = now
    return pd.Series(clv, index=index, name="clv")


# lifetimes' own (private) names, for notebooks that imported them.
_find_first_transactions = find_first_transactions
_customer_lifetime_value = customer_lifetime_value
