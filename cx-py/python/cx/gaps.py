"""Expectation gaps: SERVQUAL, importance–performance, Kano, Cronbach's
alpha, and promise gaps from operations data (delivery, answer times,
first-contact resolution, repeat contacts).

Inputs are DataFrames (pandas or polars), numpy arrays or lists; matrices
are respondents × items with NaN/None for no answer. Every function returns
a :class:`GapReport`: attribute access to the result fields, ``to_dict()``,
and ``frame(part)`` for a list part (``"items"``, ``"dimensions"``,
``"attributes"``, ``"groups"``, ``"switches"``) as a pandas DataFrame.
"""

from __future__ import annotations

import math
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple, Union

import numpy as np

from . import _cx
from ._errors import InputTypeError
from ._input import as_array, float_matrix, key_column, time_column

Column = Union[str, Any]


class GapReport:
    """A gap measure's result: fields as attributes (nested parts as
    :class:`GapReport` or lists of them), ``to_dict()`` and ``frame()``."""

    def __init__(self, data: Dict[str, Any]) -> None:
        self._data = data

    def __getattr__(self, name: str) -> Any:
        try:
            return _wrap(self._data[name])
        except KeyError:
            raise AttributeError(name) from None

    def __getitem__(self, name: str) -> Any:
        return _wrap(self._data[name])

    def __contains__(self, name: str) -> bool:
        return name in self._data

    def keys(self) -> Any:
        return self._data.keys()

    def to_dict(self) -> Dict[str, Any]:
        """The result as plain dicts and lists (the same fields in Rust and JS)."""
        return self._data

    def frame(self, part: str) -> Any:
        """A list part of the result as a pandas DataFrame, nested fields
        flattened with dots (``on_time.share``)."""
        import pandas as pd

        return pd.json_normalize(self._data[part])

    def __repr__(self) -> str:
        scalars = {k: v for k, v in self._data.items() if not isinstance(v, (list, dict))}
        return f"{type(self).__name__}({', '.join(f'{k}={v!r}' for k, v in scalars.items())})"


def _wrap(v: Any) -> Any:
    if isinstance(v, dict):
        return GapReport(v)
    if isinstance(v, list) and v and isinstance(v[0], dict):
        return [GapReport(x) for x in v]
    return v


def _module(x: Any) -> str:
    return type(x).__module__.split(".")[0]


def _matrix(x: Any, argument: str) -> Tuple[Optional[List[List[Any]]], Optional[List[str]]]:
    """Rows of numbers with None for no answer, and the column names of a frame."""
    if x is None:
        return None, None
    names = None
    mod = _module(x)
    if mod in ("pandas", "polars"):
        names = [str(c) for c in x.columns]
        arr = x.to_numpy()
    else:
        arr = np.asarray(x, dtype=object if _has_none(x) else None)
    if arr.size == 0:
        return [], names  # the core reports the empty input
    if arr.ndim != 2:
        raise InputTypeError(f"`{argument}` must be two-dimensional (respondents × items), got shape {arr.shape}", {"argument": argument})
    try:
        arr = np.asarray(arr, dtype=np.float64) if arr.dtype == object else arr.astype(np.float64, copy=False)
    except (TypeError, ValueError):
        arr = np.array([[np.nan if v is None else v for v in row] for row in arr], dtype=np.float64)
    rows = arr.tolist()
    return [[None if v != v else v for v in row] for row in rows], names


def _has_none(x: Any) -> bool:
    try:
        return any(v is None for row in x for v in row)
    except TypeError:
        return False


def _values(x: Any) -> Optional[List[Any]]:
    """A column as a list, with None for NaN/NaT/null."""
    if x is None:
        return None
    mod = _module(x)
    if mod == "polars":
        v = x.to_list()
    elif mod == "pandas":
        v = x.astype(object).where(x.notna(), None).tolist()
    else:
        v = np.asarray(x).tolist() if not isinstance(x, list) else x
    return [None if (isinstance(e, float) and math.isnan(e)) else e for e in v]


def _times(x: Any, argument: str) -> Any:
    """A time column in nanoseconds (the calls say ``unit="ns"``)."""
    return None if x is None else time_column(x, argument, "ns")[0]


def _keys(x: Any, argument: str) -> Any:
    return None if x is None else key_column(x, argument)


def _col(data: Any, c: Optional[Column]) -> Any:
    if c is None:
        return None
    if isinstance(c, str):
        if data is None:
            raise InputTypeError(f"column name {c!r} given without a DataFrame", {"argument": c})
        return data[c]
    return c


def _call(measure: str, **args: Any) -> GapReport:
    return GapReport(_cx.call(measure, {k: v for k, v in args.items() if v is not None}))


def _dimension_indices(dimensions: Any, names: Optional[List[str]]) -> Any:
    if not isinstance(dimensions, Mapping):
        return dimensions
    out = {}
    for dim, items in dimensions.items():
        idx = []
        for it in items:
            if isinstance(it, str):
                if names is None or it not in names:
                    raise InputTypeError(f"dimension {dim!r} names an unknown column {it!r}", {"argument": "dimensions"})
                idx.append(names.index(it))
            else:
                idx.append(int(it))
        out[str(dim)] = idx
    return out


def servqual(
    perceptions: Any,
    expectations: Any = None,
    *,
    dimensions: Any = None,
    importance: Optional[Sequence[float]] = None,
    groups: Any = None,
    names: Optional[Sequence[str]] = None,
    scale: Tuple[int, int] = (1, 7),
    level: float = 0.95,
) -> GapReport:
    """Expectation–perception gaps per item and dimension (SERVQUAL), or
    perception-only scores (SERVPERF) without ``expectations``.

    ``dimensions``: ``"servqual22"`` (the 22-item, five-dimension map), or a
    dict of dimension → column names or indices. ``importance``: points per
    dimension (e.g. the mean of 100 points split by each respondent).
    ``groups``: one key per respondent (touchpoint, segment); the result then
    has ``groups``. ``names``: item names for arrays (frames use their
    columns). Missing answers (NaN/None) are left out per item and counted.

    >>> import pandas as pd
    >>> e = pd.DataFrame({"on_time": [7, 6], "friendly": [6, 6]})
    >>> p = pd.DataFrame({"on_time": [5, 6], "friendly": [6, 7]})
    >>> r = servqual(p, e, dimensions={"delivery": ["on_time", "friendly"]})
    >>> [(i.name, i.gap) for i in r.items], r.unweighted
    ([('on_time', -1.0), ('friendly', 0.5)], -0.25)
    """
    p, columns = _matrix(perceptions, "perceptions")
    e, _ = _matrix(expectations, "expectations")
    names = list(names) if names is not None else columns
    return _call(
        "servqual",
        perceptions=p,
        expectations=e,
        dimensions=_dimension_indices(dimensions, names),
        importance=list(importance) if importance is not None else None,
        groups=_values(groups),
        names=names,
        scale=list(scale),
        level=level,
    )


def ipa(
    performance: Any,
    importance: Any = None,
    *,
    overall: Any = None,
    names: Optional[Sequence[str]] = None,
    scale: Tuple[int, int] = (1, 5),
    crosshair: str = "data",
) -> GapReport:
    """Importance–performance analysis (Martilla & James 1977): per
    attribute (column) importance, performance, gap and quadrant
    (``concentrate_here``, ``keep_up_the_good_work``, ``low_priority``,
    ``possible_overkill``). Importance is stated (a matrix like
    ``performance``) or derived from ``overall`` (one score per respondent)
    as the correlation with each attribute. ``crosshair``: ``"data"``
    (means) or ``"scale"`` (scale midpoint).

    >>> r = ipa([[2, 5], [2, 4]], [[5, 2], [4, 2]])
    >>> [a.quadrant for a in r.attributes]
    ['concentrate_here', 'possible_overkill']
    """
    perf, columns = _matrix(performance, "performance")
    imp, _ = _matrix(importance, "importance")
    names = list(names) if names is not None else columns
    ov = _values(overall)
    return _call("ipa", performance=perf, importance=imp, overall=ov, names=names, scale=list(scale), crosshair=crosshair)


def _kano_table(x: Any, argument: str) -> Tuple[List[Any], Optional[List[str]]]:
    mod = _module(x)
    if mod in ("pandas", "polars"):
        if len(getattr(x, "shape", ())) == 1:
            return _values(x) or [], None
        names = [str(c) for c in x.columns]
        rows = x.to_numpy().tolist() if mod == "pandas" else x.rows()
        return [[_kano_value(v) for v in row] for row in rows], names
    arr = list(x)
    if arr and isinstance(arr[0], (list, tuple, np.ndarray)):
        return [[_kano_value(v) for v in row] for row in arr], None
    return [_kano_value(v) for v in arr], None


def _kano_value(v: Any) -> Any:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return None
    if isinstance(v, (np.integer, float)) and float(v).is_integer():
        return int(v)
    return v


def kano(functional: Any, dysfunctional: Any, *, names: Optional[Sequence[str]] = None) -> GapReport:
    """Kano categories per attribute from functional / dysfunctional answer
    pairs: labels (``like``, ``must-be``, ``neutral``, ``live-with``,
    ``dislike``) or codes 1–5; one column per attribute (DataFrames use their
    column names). Each attribute gets counts of A/O/M/I/R/Q, the dominant
    category (ties: M > O > A > I > R > Q) and Berger's better/worse
    coefficients (None when undefined).

    >>> k = kano(["like", "like", "neutral"], ["neutral", "dislike", "dislike"])
    >>> a = k.attributes[0]
    >>> (a.a, a.o, a.m, a.category, round(a.better, 3))
    (1, 1, 1, 'M', 0.667)
    """
    f, fn = _kano_table(functional, "functional")
    d, _ = _kano_table(dysfunctional, "dysfunctional")
    return _call("kano", functional=f, dysfunctional=d, names=list(names) if names is not None else fn)


def cronbach_alpha(answers: Any, level: float = 0.95) -> GapReport:
    """Cronbach's alpha of the items (columns) over the respondents who
    answered all of them, with the Feldt interval, alpha if each item were
    deleted, and each item's correlation with the rest.

    >>> r = cronbach_alpha([[4, 5, 4], [2, 2, 3], [3, 3, 3], [5, 4, 5]])
    >>> round(r.alpha, 3), r.n
    (0.916, 4)
    """
    a, _ = _matrix(answers, "answers")
    return _call("cronbach_alpha", answers=a, level=level)


def _items_and_outcome(items: Any, outcome: Any) -> Tuple[Dict[str, Any], Optional[List[str]]]:
    """The core's ``items`` (one row-major float buffer, NaN for no answer,
    with ``items_columns``) and ``outcome`` arguments, and the item names;
    ``outcome`` may name a column of the ``items`` frame (it is then left
    out of the items)."""
    if isinstance(outcome, str):
        if _module(items) not in ("pandas", "polars"):
            raise InputTypeError(f"outcome column {outcome!r} given without a DataFrame", {"argument": "outcome"})
        y = items[outcome]
        items = items.drop(outcome) if _module(items) == "polars" else items.drop(columns=[outcome])
        outcome = y
    flat, columns, names = float_matrix(items, "items")
    if _module(outcome) == "polars":
        outcome = outcome.to_numpy()
    y = as_array(np.asarray(_none_to_nan(outcome), dtype=np.float64), "outcome", float64=True)
    return {"items": flat, "items_columns": columns, "outcome": y}, names


def _none_to_nan(x: Any) -> Any:
    """A column with None (or pandas NA) as NaN."""
    if _module(x) == "pandas":
        return x.astype("float64")
    if isinstance(x, (list, tuple)):
        return [np.nan if v is None else v for v in x]
    return x


def key_drivers(
    items: Any,
    outcome: Any,
    *,
    names: Optional[List[str]] = None,
    missing: str = "listwise",
    bootstrap: int = 1000,
    seed: int = 1,
    level: float = 0.95,
    shapley_max_items: int = 15,
) -> GapReport:
    """Which items (touchpoint ratings) drive ``outcome`` (the NPS answer,
    overall satisfaction, a repeat purchase): Johnson's relative weights and
    the Shapley-value decomposition of R² (each summing to R², unlike
    correlations or regression weights when the items correlate), with
    percentile bootstrap intervals (``bootstrap`` replicates, seeded).
    ``items``: a DataFrame (its column names name the items) or rows;
    ``outcome``: a column, or the name of one in ``items``. ``missing``:
    ``"listwise"`` or ``"pairwise"``; ``used`` says how many respondents.
    ``frame("drivers")`` lists the items, ``rank`` 1 the strongest.

    >>> import pandas as pd
    >>> df = pd.DataFrame({"delivery": [5, 4, 2, 5, 3, 1, 4, 2], "price": [3, 4, 2, 5, 5, 2, 3, 1],
    ...                    "nps": [10, 8, 4, 10, 7, 2, 8, 3]})
    >>> k = key_drivers(df, "nps", bootstrap=0)
    >>> [d.name for d in sorted(k.drivers, key=lambda d: d.rank)], round(k.r2, 3)
    (['delivery', 'price'], 0.991)
    """
    data, cols = _items_and_outcome(items, outcome)
    options = {
        "missing": missing,
        "bootstrap": int(bootstrap),
        "seed": int(seed),
        "level": level,
        "shapley_max_items": int(shapley_max_items),
    }
    return _call("key_drivers", **data, names=names or cols, options=options)


def penalty_reward(
    items: Any,
    outcome: Any,
    *,
    low: float = 2,
    high: float = 5,
    names: Optional[List[str]] = None,
    level: float = 0.95,
) -> GapReport:
    """Penalty–reward analysis: what costs when rated low (``penalty``, the
    outcome's change for ratings ≤ ``low`` against the middle) and what pays
    when rated high (``reward``, ratings ≥ ``high``), from one regression on
    all items' low and high dummies. ``kind``: ``basic`` (only the penalty
    is significant: a must-be), ``exciter`` (only the reward),
    ``performance`` (both) or ``neither``. The cut-offs (default: 1–2 and 5
    of a 1–5 scale) change the answer; say them.

    >>> r = penalty_reward([[1], [2], [3], [3], [4], [5], [5]], [2, 4, 6, 8, 7, 9, 9])
    >>> round(r.items[0].penalty, 9), round(r.items[0].reward, 9)
    (-4.0, 2.0)
    """
    data, cols = _items_and_outcome(items, outcome)
    return _call("penalty_reward", **data, names=names or cols, options={"low": low, "high": high, "level": level})


def delivery(
    data: Any = None,
    *,
    promised: Column = "promised",
    delivered: Column = "delivered",
    by: Optional[Column] = None,
    grace_days: float = 0.0,
    level: float = 0.95,
) -> GapReport:
    """Delivery against the promise: on-time and early shares (Wilson),
    delay and lateness in days (mean, median, p90, max); orders not yet
    delivered (NaT/None) are counted as ``pending``. ``by``: a key column
    (carrier, shipping option, week) for ``groups``. An order is on time when
    delivered ≤ promised + ``grace_days``.

    >>> import pandas as pd
    >>> orders = pd.DataFrame({"promised": pd.to_datetime(["2024-03-04", "2024-03-05", "2024-03-05"]),
    ...                        "delivered": pd.to_datetime(["2024-03-04", "2024-03-07", None])})
    >>> r = delivery(orders)
    >>> r.on_time.share, r.pending, r.lateness_days.max
    (0.5, 1, 2.0)
    """
    return _call(
        "delivery",
        promised=_times(_col(data, promised), "promised"),
        delivered=_times(_col(data, delivered), "delivered"),
        keys=_keys(_col(data, by), "keys"),
        unit="ns",
        grace_days=float(grace_days),
        level=level,
    )


def answer_times(
    data: Any = None,
    *,
    received: Column = "received",
    answered: Column = "answered",
    channel: Optional[Column] = None,
    service_level_seconds: float,
    channel_levels: Optional[Mapping[Any, float]] = None,
    level: float = 0.95,
) -> GapReport:
    """Answer times against service levels (seconds; per channel with
    ``channel_levels``): share answered within the level (Wilson), answer
    time distribution, unanswered contacts counted.

    >>> r = answer_times(received=["2024-05-01T09:00:00", "2024-05-01T10:00:00"],
    ...                  answered=["2024-05-01T09:00:40", None], service_level_seconds=60)
    >>> r.within_level.share, r.unanswered
    (1.0, 1)
    """
    levels = [{"channel": k, "seconds": float(v)} for k, v in (channel_levels or {}).items()]
    return _call(
        "answer_times",
        received=_times(_col(data, received), "received"),
        answered=_times(_col(data, answered), "answered"),
        channels=_keys(_col(data, channel), "channels"),
        service_level_seconds=float(service_level_seconds),
        channel_levels=levels or None,
        unit="ns",
        level=level,
    )


def first_contact_resolution(
    data: Any = None,
    *,
    case: Column = "case",
    timestamp: Column = "timestamp",
    resolved: Column = "resolved",
    channel: Optional[Column] = None,
    level: float = 0.95,
) -> GapReport:
    """Share of cases resolved at the first contact (the earliest contact
    is marked resolved and the case has no other contact), with a Wilson
    interval; with ``channel``, per channel of the first contact.

    >>> r = first_contact_resolution(case=["a", "b", "b"], timestamp=["2024-01-01", "2024-01-01", "2024-01-02"],
    ...                              resolved=[True, False, True])
    >>> r.resolved_first.share
    0.5
    """
    res = _col(data, resolved)
    return _call(
        "first_contact_resolution",
        cases=_keys(_col(data, case), "cases"),
        timestamps=_times(_col(data, timestamp), "timestamps"),
        resolved=_flags(res),
        channels=_keys(_col(data, channel), "channels"),
        unit="ns",
        level=level,
    )


def repeat_contacts(
    data: Any = None,
    *,
    customer: Column = "customer",
    timestamp: Column = "timestamp",
    channel: Column = "channel",
    case: Optional[Column] = None,
    window_days: float = 7.0,
    same_case: bool = False,
    level: float = 0.95,
) -> GapReport:
    """Customers who contact again within ``window_days`` (about the same
    case with ``same_case``), on any channel: the repeat-contact rate
    (Wilson) and the channel switches as a table (``frame("switches")``).

    >>> r = repeat_contacts(customer=["ann", "ann", "bob"], timestamp=["2024-02-01", "2024-02-03", "2024-02-01"],
    ...                     channel=["chat", "phone", "email"])
    >>> r.repeat_rate.successes, r.switches[0]["from"], r.switches[0].to
    (1, 'chat', 'phone')
    """
    return _call(
        "repeat_contacts",
        customers=_keys(_col(data, customer), "customers"),
        timestamps=_times(_col(data, timestamp), "timestamps"),
        channels=_keys(_col(data, channel), "channels"),
        cases=_keys(_col(data, case), "cases"),
        unit="ns",
        window_days=float(window_days),
        same_case=same_case,
        level=level,
    )


def _flags(x: Any) -> Any:
    """A flag column: a bool buffer, or a list with None for missing."""
    if x is None:
        return None
    arr = np.asarray(x.to_numpy() if _module(x) in ("pandas", "polars") else x)
    if arr.dtype == np.bool_ or (arr.dtype.kind in "iu" and np.isin(arr, (0, 1)).all()):
        return np.ascontiguousarray(arr, dtype=bool)
    return [None if v is None or (isinstance(v, float) and v != v) else v for v in arr.tolist()]


__all__ = [
    "GapReport",
    "answer_times",
    "cronbach_alpha",
    "delivery",
    "first_contact_resolution",
    "ipa",
    "kano",
    "key_drivers",
    "penalty_reward",
    "repeat_contacts",
    "servqual",
]
