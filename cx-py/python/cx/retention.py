"""Repeat purchase and retention from raw transactions.

Every function takes the order table as a pandas or polars DataFrame (or a
pyarrow Table) with the column names given as arguments, or the columns
themselves as arrays with ``data=None``. Rows may come in any order.
Integer customer ids and datetime columns are read in place; string ids are
factorized by pandas/polars first. No per-row Python objects are made.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Sequence, Union

import numpy as np

from . import _cx
from ._input import as_array, check_same_length, key_column, time_column
from ._errors import InputTypeError, InvalidParameterError
from ._results import Proportion, _Result

Column = Union[str, Any]
DateLike = Union[str, _dt.date, _dt.datetime, None]


@dataclass(frozen=True)
class RowReport(_Result):
    """Where the input rows went: every row is accounted for."""

    rows: int
    used: int
    merged: int
    after_end: int
    customers: int


@dataclass(frozen=True)
class StoreSummary(_Result):
    """Repeat-purchase rate and the base numbers of a shop."""

    customers: int
    purchases: int
    repeat_customers: int
    repeat_purchase_rate: Proportion
    purchases_per_customer: float
    revenue: Optional[float]
    average_order_value: Optional[float]
    report: RowReport


@dataclass(frozen=True)
class SecondPurchase(_Result):
    """Days from the first to the second purchase."""

    customers: int
    repeaters: int
    mean: Optional[float]
    median: Optional[float]
    q1: Optional[float]
    q3: Optional[float]
    within: int
    repeated_within: int
    share_within: Proportion


def _date_text(d: DateLike) -> Optional[str]:
    if d is None:
        return None
    if isinstance(d, str):
        return d
    if hasattr(d, "isoformat"):
        return d.isoformat()
    raise TypeError(f"expected a date, datetime or ISO string, got {type(d).__name__}")


class _Frame:
    """The transaction columns, read once."""

    def __init__(self, data: Any, customer_id: Column, timestamp: Column, amount: Optional[Column]) -> None:
        def col(c: Any) -> Any:
            return data[c] if isinstance(c, str) and data is not None else c

        customers = col(customer_id)
        timestamps = col(timestamp)
        amounts = col(amount) if amount is not None else None
        if customers is None or timestamps is None:
            raise TypeError("customer_id and timestamp columns are required")
        n = len(customers)
        check_same_length(n, timestamps, "timestamps")
        check_same_length(n, amounts, "amounts")
        self.keys = key_column(customers, "customers")
        self.labels = self.keys[1] if isinstance(self.keys, tuple) else None
        self.ts, self.unit = time_column(timestamps, "timestamps")
        self.amounts = None if amounts is None else as_array(amounts, "amounts", float64=True)
        self.data = data
        self.customer_name = customer_id if isinstance(customer_id, str) else "customer_id"

    def run(self, measure: str, options: Dict[str, Any]) -> Any:
        args = {"customers": self.keys, "timestamps": self.ts, "unit": self.unit, "amounts": self.amounts, "options": options}
        return _cx.retention(measure, args)

    def customers(self, codes: List[int]) -> List[Any]:
        return list(codes) if self.labels is None else [self.labels[c] for c in codes]

    def frame_module(self) -> str:
        return type(self.data).__module__.split(".")[0] if self.data is not None else ""

    def frame(self, columns: Dict[str, Any]) -> Any:
        mod = self.frame_module()
        if mod == "polars":
            import polars as pl

            return pl.DataFrame(columns)
        import pandas as pd

        return pd.DataFrame(columns)


def _dates(xs: Sequence[Optional[str]]) -> List[Optional[_dt.date]]:
    return [None if x is None else _dt.date.fromisoformat(x) for x in xs]


def _with_report(df: Any, report: Dict[str, Any]) -> Any:
    if hasattr(df, "attrs"):
        df.attrs["report"] = RowReport(**report)
    return df


def customer_summary(
    data: Any = None,
    *,
    customer_id: Column = "customer_id",
    timestamp: Column = "timestamp",
    amount: Optional[Column] = None,
    period: str = "day",
    multiplier: float = 1,
    observation_end: DateLike = None,
    include_first_transaction: bool = False,
    allow_negative_amounts: bool = False,
) -> Any:
    """The buy-till-you-die summary: one row per customer with frequency
    (repeat purchase periods), recency and T (in periods / ``multiplier``)
    and monetary value (mean spend of the repeat periods), with the
    semantics of ``lifetimes.utils.summary_data_from_transaction_data``.

    ``period="day", multiplier=7`` gives exact weeks, as in the CDNOW
    literature. A pandas result carries ``df.attrs["report"]``, a
    :class:`RowReport` of the rows used, merged and left out.

    >>> import pandas as pd
    >>> tx = pd.DataFrame({"customer_id": [1, 1, 2], "timestamp": pd.to_datetime(["2024-01-01", "2024-01-11", "2024-01-05"])})
    >>> customer_summary(tx)[["customer_id", "frequency", "recency", "T"]].values.tolist()
    [[1.0, 1.0, 10.0, 10.0], [2.0, 0.0, 0.0, 6.0]]
    """
    f = _Frame(data, customer_id, timestamp, amount)
    opts = {
        "period": period,
        "multiplier": multiplier,
        "observation_end": _date_text(observation_end),
        "include_first_transaction": include_first_transaction,
        "allow_negative_amounts": allow_negative_amounts,
    }
    r = f.run("customer_summary", opts)
    codes = r["customers"]
    ids = codes if f.labels is None else np.asarray(f.labels, dtype=object)[codes]
    return _summary_frame(r, f.customer_name, ids, f.frame_module() == "polars")


def _summary_frame(r: Dict[str, Any], name: str, ids: Any, polars: bool) -> Any:
    """The customer-summary frame of the core's columns ``r``."""
    cols: Dict[str, Any] = {
        name: ids,
        "frequency": r["frequency"].astype(np.int64),
        "recency": r["recency"],
        "T": r["t"],
    }
    if r["monetary_value"] is not None:
        cols["monetary_value"] = r["monetary_value"]
    first = r["first_purchase_days"].astype("datetime64[D]")
    if polars:
        import polars as pl

        cols["first_purchase"] = first  # a Date column
        return pl.DataFrame(cols)
    import pandas as pd

    cols["first_purchase"] = first.astype(object)  # datetime.date objects, as before
    return _with_report(pd.DataFrame(cols), r["report"])


def calibration_holdout(
    data: Any = None,
    *,
    calibration_end: DateLike,
    customer_id: Column = "customer_id",
    timestamp: Column = "timestamp",
    amount: Optional[Column] = None,
    period: str = "day",
    multiplier: float = 1,
    observation_end: DateLike = None,
    allow_negative_amounts: bool = False,
) -> Any:
    """The summary up to ``calibration_end`` (inclusive) and each customer's
    purchase periods after it, up to ``observation_end``: the columns of
    ``lifetimes.utils.calibration_and_holdout_data``. Holdout monetary values
    are means of per-period sums, like the calibration side (lifetimes
    averages raw rows there). Customers first seen in the holdout are left
    out; their number is ``attrs["new_in_holdout"]`` of a pandas result.
    """
    f = _Frame(data, customer_id, timestamp, amount)
    opts = {
        "calibration_end": _date_text(calibration_end),
        "period": period,
        "multiplier": multiplier,
        "observation_end": _date_text(observation_end),
        "allow_negative_amounts": allow_negative_amounts,
    }
    r = f.run("calibration_holdout", opts)
    cal = r["calibration"]
    cols: Dict[str, Any] = {
        f.customer_name: f.customers(cal["customers"]),
        "frequency_cal": np.asarray(cal["frequency"], dtype=np.int64),
        "recency_cal": np.asarray(cal["recency"], dtype=np.float64),
        "T_cal": np.asarray(cal["t"], dtype=np.float64),
    }
    if cal["monetary_value"] is not None:
        cols["monetary_value_cal"] = np.asarray(cal["monetary_value"], dtype=np.float64)
    cols["frequency_holdout"] = np.asarray(r["frequency_holdout"], dtype=np.int64)
    if r["monetary_value_holdout"] is not None:
        cols["monetary_value_holdout"] = np.asarray(r["monetary_value_holdout"], dtype=np.float64)
    cols["duration_holdout"] = np.full(len(cal["customers"]), r["duration_holdout"], dtype=np.float64)
    df = _with_report(f.frame(cols), cal["report"])
    if hasattr(df, "attrs"):
        df.attrs["new_in_holdout"] = r["new_in_holdout"]
    return df


def _store_opts(observation_end: DateLike, allow_negative_amounts: bool, **more: Any) -> Dict[str, Any]:
    return {"observation_end": _date_text(observation_end), "allow_negative_amounts": allow_negative_amounts, **more}


def store_summary(
    data: Any = None,
    *,
    customer_id: Column = "customer_id",
    timestamp: Column = "timestamp",
    amount: Optional[Column] = None,
    observation_end: DateLike = None,
    allow_negative_amounts: bool = False,
    level: float = 0.95,
) -> StoreSummary:
    """Repeat-purchase rate (Wilson interval), purchases per customer and
    average order value; a purchase is one customer's orders of one day."""
    f = _Frame(data, customer_id, timestamp, amount)
    r = f.run("store_summary", _store_opts(observation_end, allow_negative_amounts, level=level))
    r["repeat_purchase_rate"] = Proportion._from_core(r["repeat_purchase_rate"])
    r["report"] = RowReport(**r["report"])
    return StoreSummary(**r)


def returning_customers(
    data: Any = None,
    *,
    customer_id: Column = "customer_id",
    timestamp: Column = "timestamp",
    bucket: str = "month",
    observation_end: DateLike = None,
    level: float = 0.95,
) -> Any:
    """Per week or month: customers who bought, how many of them had bought
    before the period (returning) and the returning rate with a Wilson
    interval."""
    f = _Frame(data, customer_id, timestamp, None)
    rows = f.run("returning_customers", _store_opts(observation_end, False, bucket=bucket, level=level))
    return f.frame(
        {
            "period": _dates([r["period"] for r in rows]),
            "customers": [r["customers"] for r in rows],
            "returning": [r["returning"] for r in rows],
            "new": [r["new"] for r in rows],
            "rate": [r["rate"]["share"] for r in rows],
            "ci_low": [r["rate"]["ci_low"] for r in rows],
            "ci_high": [r["rate"]["ci_high"] for r in rows],
        }
    )


def cohort_retention(
    data: Any = None,
    *,
    customer_id: Column = "customer_id",
    timestamp: Column = "timestamp",
    bucket: str = "month",
    observation_end: DateLike = None,
    counts: bool = False,
) -> Any:
    """Cohort retention matrix: one row per cohort (customers by the week
    or month of their first purchase) with its size and, in column ``k``,
    the share (or with ``counts=True`` the number) of the cohort that bought
    in the k-th period after. Cells after the end of observation are empty."""
    f = _Frame(data, customer_id, timestamp, None)
    rows = f.run("cohort_retention", _store_opts(observation_end, False, bucket=bucket))
    width = max((len(r["active"]) for r in rows), default=0)
    cols: Dict[str, Any] = {"cohort": _dates([r["start"] for r in rows]), "size": [r["size"] for r in rows]}
    key = "active" if counts else "share"
    for k in range(width):
        cols[str(k)] = [r[key][k] if k < len(r[key]) else None for r in rows]
    return f.frame(cols)


def time_to_second_purchase(
    data: Any = None,
    *,
    customer_id: Column = "customer_id",
    timestamp: Column = "timestamp",
    within: int = 30,
    observation_end: DateLike = None,
    level: float = 0.95,
) -> SecondPurchase:
    """Days from the first to the second purchase: mean, median and
    quartiles over the customers who came back, and the share of all
    customers who came back within ``within`` days (Wilson interval)."""
    f = _Frame(data, customer_id, timestamp, None)
    r = f.run("time_to_second_purchase", _store_opts(observation_end, False, within=within, level=level))
    r["share_within"] = Proportion._from_core(r["share_within"])
    return SecondPurchase(**r)


def rfm(
    data: Any = None,
    *,
    customer_id: Column = "customer_id",
    timestamp: Column = "timestamp",
    amount: Optional[Column] = None,
    as_of: DateLike = None,
    grid: Optional[Sequence[Sequence[str]]] = None,
    observation_end: DateLike = None,
    allow_negative_amounts: bool = False,
) -> Any:
    """RFM: recency (days since the last purchase), frequency (purchase
    days) and monetary value (total amount) of each customer, scored 1-5 by
    quintile (ties share the score of their lowest rank) and named by the
    recency x frequency ``grid`` (5 rows for R = 1..5 of 5 names for F = 1..5;
    default: the widely used grid of champions, loyal, at risk, ...)."""
    f = _Frame(data, customer_id, timestamp, amount)
    opts = _store_opts(observation_end, allow_negative_amounts, as_of=_date_text(as_of))
    if grid is not None:
        opts["grid"] = [list(row) for row in grid]
    r = f.run("rfm", opts)
    df = f.frame(
        {
            f.customer_name: f.customers(r["customers"]),
            "recency_days": np.asarray(r["recency_days"], dtype=np.int64),
            "frequency": np.asarray(r["frequency"], dtype=np.int64),
            "monetary": np.asarray(r["monetary"], dtype=np.float64),
            "r": np.asarray(r["r"], dtype=np.int8),
            "f": np.asarray(r["f"], dtype=np.int8),
            "m": np.asarray(r["m"], dtype=np.int8),
            "segment": r["segment"],
        }
    )
    if hasattr(df, "attrs"):
        df.attrs["as_of"] = _dt.date.fromisoformat(r["as_of"])
    return df


def cadence(
    data: Any = None,
    *,
    customer_id: Column = "customer_id",
    timestamp: Column = "timestamp",
    as_of: DateLike = None,
    observation_end: DateLike = None,
) -> Any:
    """Each customer's own purchase rhythm: mean and sd of the days between
    purchases, the expected next purchase, and how overdue it is (ratio of
    days since the last purchase to the mean, and a z-score). Customers with
    one purchase fall back to the store's mean interval (``fallback``)."""
    f = _Frame(data, customer_id, timestamp, None)
    r = f.run("cadence", _store_opts(observation_end, False, as_of=_date_text(as_of)))
    nan = float("nan")
    df = f.frame(
        {
            f.customer_name: f.customers(r["customers"]),
            "purchases": np.asarray(r["purchases"], dtype=np.int64),
            "mean_interval": [nan if v is None else v for v in r["mean_interval"]],
            "sd_interval": [nan if v is None else v for v in r["sd_interval"]],
            "last_purchase": _dates(r["last_purchase"]),
            "days_since": np.asarray(r["days_since"], dtype=np.int64),
            "expected_next": _dates(r["expected_next"]),
            "overdue_ratio": [nan if v is None else v for v in r["overdue_ratio"]],
            "z": [nan if v is None else v for v in r["z"]],
            "fallback": r["fallback"],
        }
    )
    if hasattr(df, "attrs"):
        df.attrs["store_mean_interval"] = r["store_mean_interval"]
        df.attrs["as_of"] = _dt.date.fromisoformat(r["as_of"])
    return df


__all__ = [
    "RowReport",
    "StoreSummary",
    "SecondPurchase",
    "customer_summary",
    "calibration_holdout",
    "store_summary",
    "returning_customers",
    "cohort_retention",
    "time_to_second_purchase",
    "rfm",
    "cadence",
]



@dataclass(frozen=True)
class LiveScore(_Result):
    """One customer's live score: the summary row at the scoring day,
    P(alive), and when asked the expected purchases in the coming
    ``horizon`` and the churn deadline (time until P(alive) of a silent
    customer falls below ``deadline_threshold``; None when it never does)."""

    frequency: float
    recency: float
    t: float
    monetary_value: Optional[float]
    probability_alive: float
    expected_purchases: Optional[float]
    churn_deadline: Optional[float]


def _model_json(model: Any) -> str:
    if isinstance(model, str):
        return model
    if isinstance(model, dict):
        import json

        return json.dumps(model)
    if hasattr(model, "to_json"):
        return model.to_json()
    raise InputTypeError(
        f"`model` must be a cx model, its JSON text or a dict, got {type(model).__name__}", {"argument": "model"}
    )


def _one_time(t: Any) -> Any:
    """One order's time as a column :func:`time_column` reads; a time-zone
    aware time as the wall-clock time of its zone, as in a column."""
    if isinstance(t, np.datetime64):
        return np.array([t])
    if getattr(t, "tzinfo", None) is not None:
        t = t.tz_localize(None) if hasattr(t, "tz_localize") else t.replace(tzinfo=None)
    return [t]


class LiveSummary:
    """Each customer's buy-till-you-die state, kept current per order: the
    first and last purchase period, the number of purchase periods and the
    spend (56 bytes a customer, no orders kept). ``summary`` gives the same
    frame as :func:`customer_summary` of the same orders; ``score`` a
    customer's P(alive), expected purchases and churn deadline with a
    fitted model; ``merge``, ``to_bytes`` / ``from_bytes`` and pickling
    work as for :class:`cx.Distribution` (the same bytes as in Rust and
    JavaScript).

    An order strictly between a customer's first and last purchase periods
    cannot be placed (the state keeps no orders in between) and raises
    :class:`cx.OutOfRangeError` naming the customer; orders in time order,
    late orders in the first or last period, and batches in any order
    (:meth:`record_many`) are exact. Tables of different customers merge in
    any order; tables of consecutive stretches of time merge neighbour by
    neighbour.

    >>> live = LiveSummary(multiplier=7)
    >>> live.record("ann", "2024-01-01", 30.0)
    >>> live.record("ann", "2024-01-15", 20.0)
    >>> live.record("bob", "2024-01-08", 10.0)
    >>> live.summary(observation_end="2024-01-29")[["customer_id", "frequency", "recency", "T"]].values.tolist()
    [['ann', 1, 2.0, 4.0], ['bob', 0, 0.0, 3.0]]
    >>> from cx import BetaGeo
    >>> s = live.score("ann", BetaGeo(r=0.243, alpha=4.414, a=0.793, b=2.426), as_of="2024-01-29", horizon=4)
    >>> round(s.probability_alive, 4), s.expected_purchases is not None
    (0.6859, True)
    """

    __slots__ = ("_s",)

    def __init__(self, *, period: str = "day", multiplier: float = 1, allow_negative_amounts: bool = False) -> None:
        self._s = _cx._LiveSummary(
            {"period": period, "multiplier": multiplier, "allow_negative_amounts": allow_negative_amounts}
        )

    @classmethod
    def _wrap(cls, s: Any) -> "LiveSummary":
        obj = cls.__new__(cls)
        obj._s = s
        return obj

    def record(self, customer: Any, timestamp: Any, amount: Optional[float] = None) -> None:
        """Records one order (a datetime, date, ISO text or numpy datetime64;
        the amount if known)."""
        ts, unit = time_column(_one_time(timestamp), "timestamps")
        args = {
            "customers": key_column([customer], "customers"),
            "timestamps": ts,
            "unit": unit,
            "amounts": None if amount is None else np.array([amount], dtype=np.float64),
        }
        self._s.record(args)

    def record_many(
        self,
        data: Any = None,
        *,
        customer_id: Column = "customer_id",
        timestamp: Column = "timestamp",
        amount: Optional[Column] = None,
    ) -> int:
        """Records a batch of orders in any order (the columns of
        :func:`customer_summary`); all or nothing. Returns the number of
        orders."""
        f = _Frame(data, customer_id, timestamp, amount)
        return self._s.record({"customers": f.keys, "timestamps": f.ts, "unit": f.unit, "amounts": f.amounts})

    def merge(self, other: "LiveSummary") -> None:
        """Adds every order of ``other`` (same options); all or nothing."""
        if not isinstance(other, LiveSummary):
            raise InputTypeError("`other` must be a cx.LiveSummary", {"argument": "other"})
        self._s.merge(other._s)

    def to_bytes(self) -> bytes:
        """The table in cx's versioned binary format."""
        return self._s.to_bytes()

    @classmethod
    def from_bytes(cls, data: bytes) -> "LiveSummary":
        """Decodes :meth:`to_bytes`; raises :class:`cx.DecodeError` on bad bytes."""
        return cls._wrap(_cx._LiveSummary.from_bytes(bytes(data)))

    def __reduce__(self) -> Any:
        return (LiveSummary.from_bytes, (self.to_bytes(),))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, LiveSummary) and self._s == other._s

    def __len__(self) -> int:
        return len(self._s)

    def __repr__(self) -> str:
        o = self.options
        return f"LiveSummary(period={o['period']!r}, multiplier={o['multiplier']}, customers={len(self)}, orders={self.orders})"

    @property
    def orders(self) -> int:
        """Orders recorded."""
        return self._s.orders

    @property
    def unpriced(self) -> int:
        """Orders recorded without an amount (then there is no monetary value)."""
        return self._s.unpriced

    @property
    def options(self) -> Dict[str, Any]:
        """``period``, ``multiplier`` and ``allow_negative_amounts``."""
        return dict(self._s.options)

    def state(self, customer: Any) -> Optional[Dict[str, Any]]:
        """A customer's state (first and last purchase period, purchases,
        orders, first and repeat spend), or None."""
        return self._s.state(customer.item() if hasattr(customer, "item") else customer)

    def summary(self, *, observation_end: DateLike = None, frame: str = "pandas") -> Any:
        """The frame :func:`customer_summary` gives for the same orders
        (``customer_id``, ``frequency``, ``recency``, ``T``,
        ``monetary_value`` when every order had an amount,
        ``first_purchase``), customers ascending; ``frame="polars"`` for a
        polars frame. ``df.attrs["report"]`` counts the orders."""
        end = _date_text(observation_end)
        r = self._s.summary(None if end is None else {"observation_end": end})
        ids = r["customers"]
        kinds = {type(i) for i in ids}
        if frame == "polars":
            import polars as pl

            return _summary_frame(r, "customer_id", pl.Series("customer_id", ids, dtype=pl.Object if len(kinds) > 1 else None), True)
        if frame != "pandas":
            raise InvalidParameterError(f"`frame` = {frame!r}: expected 'pandas' or 'polars'", {"argument": "frame"})
        return _summary_frame(r, "customer_id", np.array(ids, dtype=np.int64 if kinds == {int} else object), False)

    def score(
        self,
        customer: Any,
        model: Any,
        *,
        as_of: DateLike = None,
        horizon: Optional[float] = None,
        deadline_threshold: Optional[float] = None,
    ) -> LiveScore:
        """Scores ``customer`` at ``as_of`` (default: the last recorded
        purchase period of the table) with a purchase model (a cx model,
        its JSON or a dict); ``deadline_threshold`` asks for the churn
        deadline at that P(alive)."""
        opts = {"as_of": _date_text(as_of), "horizon": horizon, "deadline_threshold": deadline_threshold}
        c = customer.item() if hasattr(customer, "item") else customer
        return LiveScore._from_core(self._s.score(c, _model_json(model), {k: v for k, v in opts.items() if v is not None}))
