"""The tracking plot's data: a cohort's cumulative repeat purchases over
calendar time, actual and as a purchase model expects them (lifetimes'
``expected_cumulative_transactions``)."""

from __future__ import annotations

from typing import Any, Optional

from . import _cx
from .retention import Column, _Frame, _with_report


def expected_cumulative_transactions(
    model: Any,
    data: Any = None,
    *,
    customer_id: Column = "customer_id",
    timestamp: Column = "timestamp",
    periods: Optional[int] = None,
    period: str = "day",
    multiplier: int = 1,
) -> Any:
    """Actual and expected cumulative repeat purchases, one row per model
    time unit after the first purchase of the base (columns ``time``,
    ``actual``, ``predicted``; a polars frame for polars input, else pandas).

    ``period`` is the base period of the transactions (one purchase per
    customer and period), ``multiplier`` the base periods per model unit
    (lifetimes' ``freq_multiplier``: 7 for a model in weeks on daily data),
    ``periods`` how many base periods to track (lifetimes' ``t``; default:
    through the last purchase). For row k (k·multiplier base periods),
    ``predicted`` = Σ over first-purchase periods d < k of the customers
    acquired in d times a new customer's E[X((k − d)/multiplier)].

    >>> import cx, pandas as pd
    >>> orders = pd.DataFrame({"customer_id": [1, 1, 2, 2], "timestamp": pd.to_datetime(
    ...     ["2024-01-01", "2024-01-05", "2024-01-02", "2024-01-08"])})
    >>> bg = cx.BetaGeo(r=0.24, alpha=4.4, a=0.79, b=2.4)
    >>> t = cx.expected_cumulative_transactions(bg, orders, multiplier=7, periods=14)
    >>> list(t["actual"])
    [1.0, 2.0]
    """
    f = _Frame(data, customer_id, timestamp, None)
    options = {"period": period, "multiplier": int(multiplier)}
    if periods is not None:
        options["periods"] = int(periods)
    args = {"model": model.to_json(), "customers": f.keys, "timestamps": f.ts, "unit": f.unit, "options": options}
    r = _cx.call("expected_cumulative_transactions", args)
    df = f.frame({"time": r["time"], "actual": r["actual"], "predicted": r["predicted"]})
    return _with_report(df, r["rows"])


__all__ = ["expected_cumulative_transactions"]
