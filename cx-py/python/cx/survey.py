"""Survey scores: NPS, CSAT, CES and smiley terminals."""

from __future__ import annotations

import datetime as _dt
from typing import Any, Dict, List, Optional, Sequence, Tuple, Union

import numpy as np

from . import _cx
from ._errors import InputTypeError
from ._input import as_array, as_weights, check_same_length, key_column, time_column
from ._results import Ces, Comparison, Csat, Mean, Nps, Proportion, Smiley

ArrayLike = Any
Scale = Tuple[int, int]

_EPOCH = _dt.date(1970, 1, 1)


def _score(measure: str, scores: ArrayLike, weights: Optional[ArrayLike], options: Dict[str, Any]) -> Any:
    """One survey measure through the core's binding layer: uint8, int64 and
    float64 answers are read in place, other integer types as int64."""
    arr = as_array(scores, "scores")
    if arr.dtype.kind in "iu" and arr.dtype not in (np.uint8, np.int64):
        arr = arr.astype(np.int64)
    elif arr.dtype.kind == "f" and arr.dtype != np.float64:
        arr = arr.astype(np.float64)
    return _cx.call(measure, {"scores": arr, "weights": as_weights(weights), "options": options})


def nps(
    scores: ArrayLike,
    weights: Optional[ArrayLike] = None,
    *,
    interval: str = "adjusted_wald",
    level: float = 0.95,
) -> Nps:
    """Net Promoter Score of 0-10 answers.

    Promoters answer 9-10, passives 7-8, detractors 0-6; NPS = 100 (p - d).
    ``interval`` is ``"adjusted_wald"`` (default; Rocks 2016) or ``"wald"``;
    survey ``weights`` enter through Kish's effective sample size.

    >>> r = nps([10, 9, 9, 8, 7, 6])
    >>> round(r.score, 3), r.n
    (33.333, 6)
    """
    return Nps._from_core(
        _score("nps", scores, weights, {"interval": interval, "level": level})
    )


def csat(
    scores: ArrayLike,
    weights: Optional[ArrayLike] = None,
    *,
    scale: Scale = (1, 5),
    threshold: Optional[int] = None,
    level: float = 0.95,
) -> Csat:
    """CSAT: the share of answers >= ``threshold`` (default: the top two
    boxes, 4 and 5 on 1-5) with a Wilson interval, and the mean with a t
    interval.

    >>> csat([5, 4, 4, 3, 1]).satisfied.share
    0.6
    """
    opts = {"scale": scale, "threshold": threshold, "level": level}
    return Csat._from_core(_score("csat", scores, weights, opts))


def ces(
    scores: ArrayLike,
    weights: Optional[ArrayLike] = None,
    *,
    polarity: str = "ease",
    scale: Optional[Scale] = None,
    easy_threshold: Optional[int] = None,
    level: float = 0.95,
) -> Ces:
    """Customer effort score: mean (t interval) and share of easy answers
    (Wilson). ``polarity="ease"`` is CES 2.0 (1-7, higher is better, easy =
    5-7); ``"effort"`` the original (1-5, higher is worse, easy = 1-2).

    >>> ces([7, 6, 5, 2]).easy.share
    0.75
    """
    opts = {"polarity": polarity, "scale": scale, "easy_threshold": easy_threshold, "level": level}
    return Ces._from_core(_score("ces", scores, weights, opts))


def smiley(buttons: ArrayLike, weights: Optional[ArrayLike] = None, *, level: float = 0.95) -> Smiley:
    """Four-button smiley terminal, buttons coded 1 (very unhappy) to 4
    (very happy): share of the two happy buttons and the 0-100 index (mean
    of the buttons mapped to 0, 33.3, 66.7, 100 - an assumption cx documents,
    as the vendor publishes no values).

    >>> smiley([4, 4, 3, 1]).positive.share
    0.75
    """
    return Smiley._from_core(_score("smiley", buttons, weights, {"level": level}))


_KIND = {Nps: "nps", Csat: "csat", Ces: "ces", Smiley: "smiley", Proportion: "proportion"}


def compare(a: Union[Nps, Csat, Ces, Smiley, Proportion], b: Any, *, level: float = 0.95) -> Comparison:
    """Difference ``b - a`` of two results from independent samples (two
    periods, two segments) with a z test and an interval.

    NPS results compare in points (Wald variances, Rocks 2016); CSAT, CES
    and smiley results compare their headline shares. Mixing result types,
    scales or thresholds raises :class:`cx.IncompatibleError`.

    >>> c = compare(nps([10, 0, 8, 9]), nps([10, 9, 9, 7]))
    >>> c.difference
    50.0
    """
    kind = _KIND.get(type(a))
    if kind is None or type(a) is not type(b):
        from ._errors import IncompatibleError

        raise IncompatibleError(
            f"cannot compare {type(a).__name__} with {type(b).__name__}",
            {"argument": "b", "left": type(a).__name__, "right": type(b).__name__},
        )
    return Comparison._from_core(_cx.compare(kind, a._to_core(), b._to_core(), level))


def compare_proportions(a: Proportion, b: Proportion, *, level: float = 0.95) -> Comparison:
    """Difference of two shares from independent samples (unpooled z test)."""
    return compare(a, b, level=level)


class Distribution:
    """Mergeable, serializable distribution of answers on an integer scale:
    the accumulator for continuous collection.

    ``push`` / ``extend`` answers as they arrive, ``merge`` partial results
    (terminals, days, Spark or Dask partitions), and compute any measure.
    ``to_bytes`` / ``from_bytes`` use cx's versioned format (the same bytes
    as in Rust and JavaScript); instances pickle through it.

    >>> d = Distribution((0, 10))
    >>> d.extend([10, 9, 3])
    >>> e = Distribution.from_bytes(d.to_bytes())
    >>> e.push(8)
    >>> d.merge(e)
    >>> d.n, round(d.nps().score, 4)
    (7, 28.5714)
    """

    __slots__ = ("_d",)

    def __init__(self, scale: Scale = (0, 10)) -> None:
        self._d = _cx._Distribution(int(scale[0]), int(scale[1]))

    @classmethod
    def _wrap(cls, d: Any) -> "Distribution":
        obj = cls.__new__(cls)
        obj._d = d
        return obj

    @classmethod
    def from_scores(
        cls, scores: ArrayLike, weights: Optional[ArrayLike] = None, *, scale: Scale = (0, 10)
    ) -> "Distribution":
        """A distribution of ``scores`` in one pass."""
        return cls._wrap(_cx._Distribution.from_scores(scale, as_array(scores, "scores"), as_weights(weights)))

    def push(self, score: float, weight: float = 1.0) -> None:
        """Adds one answer."""
        self._d.push(float(score), float(weight))

    def extend(self, scores: ArrayLike, weights: Optional[ArrayLike] = None) -> None:
        """Adds many answers; nothing is added if any row is bad."""
        self._d.extend(as_array(scores, "scores"), as_weights(weights))

    def merge(self, other: "Distribution") -> None:
        """Adds everything in ``other`` (same scale) to this distribution."""
        if not isinstance(other, Distribution):
            raise InputTypeError("`other` must be a cx.Distribution", {"argument": "other"})
        self._d.merge(other._d)

    def to_bytes(self) -> bytes:
        """The state in cx's versioned binary format."""
        return self._d.to_bytes()

    @classmethod
    def from_bytes(cls, data: bytes) -> "Distribution":
        """Decodes :meth:`to_bytes`; raises :class:`cx.DecodeError` on bad bytes."""
        return cls._wrap(_cx._Distribution.from_bytes(bytes(data)))

    def __reduce__(self) -> Any:
        return (Distribution.from_bytes, (self.to_bytes(),))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Distribution) and self._d == other._d

    def __repr__(self) -> str:
        lo, hi = self.scale
        return f"Distribution(scale=({lo}, {hi}), n={self.n}, counts={self.counts})"

    @property
    def scale(self) -> Scale:
        return self._d.scale

    @property
    def n(self) -> int:
        """Answers added."""
        return self._d.n

    @property
    def counts(self) -> List[int]:
        """Answers per scale point, from the lowest."""
        return self._d.counts

    @property
    def weights(self) -> List[float]:
        """Weight sum per scale point, from the lowest."""
        return self._d.weights

    @property
    def effective_n(self) -> float:
        """Kish's effective sample size (equals n without weights)."""
        return self._d.effective_n

    def nps(self, *, interval: str = "adjusted_wald", level: float = 0.95) -> Nps:
        """NPS of the answers so far (scale must be 0-10); see :func:`cx.nps`."""
        return Nps._from_core(self._d.measure("nps", {"interval": interval, "level": level}))

    def csat(self, *, threshold: Optional[int] = None, level: float = 0.95) -> Csat:
        """CSAT of the answers so far, on this distribution's scale."""
        opts = {"scale": self.scale, "threshold": threshold, "level": level}
        return Csat._from_core(self._d.measure("csat", opts))

    def ces(
        self, *, polarity: str = "ease", easy_threshold: Optional[int] = None, level: float = 0.95
    ) -> Ces:
        """CES of the answers so far, on this distribution's scale."""
        opts = {"polarity": polarity, "scale": self.scale, "easy_threshold": easy_threshold, "level": level}
        return Ces._from_core(self._d.measure("ces", opts))

    def smiley(self, *, level: float = 0.95) -> Smiley:
        """Smiley result of the presses so far (scale must be 1-4)."""
        return Smiley._from_core(self._d.measure("smiley", {"level": level}))


def group_by(
    scores: ArrayLike,
    *,
    scale: Scale = (0, 10),
    keys: Optional[ArrayLike] = None,
    timestamps: Optional[ArrayLike] = None,
    bucket: str = "week",
    weights: Optional[ArrayLike] = None,
) -> List[Tuple[Any, Optional[_dt.date], Distribution]]:
    """Splits answers by ``keys`` and/or the ``bucket`` (``"day"``,
    ``"week"`` starting Monday, ``"month"``) of ``timestamps`` in one pass.
    Returns ``(key, period_start, Distribution)`` ordered by key, then period.
    """
    arr = as_array(scores, "scores")
    n = len(arr)
    check_same_length(n, keys, "keys")
    check_same_length(n, timestamps, "timestamps")
    args: Dict[str, Any] = {}
    if keys is not None:
        args["keys"] = key_column(keys, "keys")
    if timestamps is not None:
        args["timestamps"], args["unit"] = time_column(timestamps, "timestamps")
    rows = _cx.group_by(scale, arr, as_weights(weights), args, bucket)
    out = []
    for key, days, d in rows:
        period = None if days is None else _EPOCH + _dt.timedelta(days=days)
        out.append((key, period, Distribution._wrap(d)))
    return out


def _grouped(
    measure: str,
    data: Any,
    score: Union[str, ArrayLike],
    by: Optional[Union[str, ArrayLike]],
    time: Optional[Union[str, ArrayLike]],
    bucket: str,
    weight: Optional[Union[str, ArrayLike]],
    scale: Scale,
    options: Dict[str, Any],
) -> Any:
    def column(c: Any) -> Any:
        return data[c] if isinstance(c, str) and data is not None else c

    groups = group_by(
        column(score), scale=scale, keys=column(by), timestamps=column(time), bucket=bucket, weights=column(weight)
    )
    key_name = by if isinstance(by, str) else "key"
    time_name = "period"
    records = []
    for key, period, d in groups:
        result = getattr(d, measure)(**options)
        row: Dict[str, Any] = {}
        if by is not None:
            row[key_name] = key
        if time is not None:
            row[time_name] = period
        row.update(_flatten(result.to_dict()))
        records.append(row)
    return _frame(records, data)


def _flatten(d: Dict[str, Any], prefix: str = "") -> Dict[str, Any]:
    out: Dict[str, Any] = {}
    for k, v in d.items():
        if isinstance(v, dict):
            out.update(_flatten(v, f"{prefix}{k}_"))
        elif isinstance(v, (tuple, list)):
            out[f"{prefix}{k}"] = str(tuple(v))
        else:
            out[f"{prefix}{k}"] = v
    return out


def _frame(records: List[Dict[str, Any]], like: Any) -> Any:
    """A DataFrame of the family of ``like`` (polars in, polars out; pandas
    otherwise when installed; else the list of records)."""
    mod = type(like).__module__.split(".")[0] if like is not None else ""
    if mod == "polars":
        import polars as pl

        return pl.DataFrame(records)
    try:
        import pandas as pd
    except ImportError:  # pragma: no cover - pandas is optional
        return records
    return pd.DataFrame.from_records(records)


def nps_by(
    data: Any = None,
    *,
    score: Union[str, ArrayLike] = "score",
    by: Optional[Union[str, ArrayLike]] = None,
    time: Optional[Union[str, ArrayLike]] = None,
    bucket: str = "week",
    weight: Optional[Union[str, ArrayLike]] = None,
    interval: str = "adjusted_wald",
    level: float = 0.95,
) -> Any:
    """NPS per group (``by`` column) and/or per time bucket (``time``
    column, ``bucket`` = day, week or month) in one pass over a pandas or
    polars DataFrame (or arrays when ``data`` is None). Returns a DataFrame
    of the same family, ordered by key then period.
    """
    return _grouped("nps", data, score, by, time, bucket, weight, (0, 10), {"interval": interval, "level": level})


def csat_by(
    data: Any = None,
    *,
    score: Union[str, ArrayLike] = "score",
    by: Optional[Union[str, ArrayLike]] = None,
    time: Optional[Union[str, ArrayLike]] = None,
    bucket: str = "week",
    weight: Optional[Union[str, ArrayLike]] = None,
    scale: Scale = (1, 5),
    threshold: Optional[int] = None,
    level: float = 0.95,
) -> Any:
    """CSAT per group and/or time bucket; see :func:`nps_by`."""
    return _grouped("csat", data, score, by, time, bucket, weight, scale, {"threshold": threshold, "level": level})


def ces_by(
    data: Any = None,
    *,
    score: Union[str, ArrayLike] = "score",
    by: Optional[Union[str, ArrayLike]] = None,
    time: Optional[Union[str, ArrayLike]] = None,
    bucket: str = "week",
    weight: Optional[Union[str, ArrayLike]] = None,
    polarity: str = "ease",
    scale: Optional[Scale] = None,
    easy_threshold: Optional[int] = None,
    level: float = 0.95,
) -> Any:
    """CES per group and/or time bucket; see :func:`nps_by`."""
    resolved = scale if scale is not None else ((1, 7) if polarity == "ease" else (1, 5))
    opts = {"polarity": polarity, "easy_threshold": easy_threshold, "level": level}
    return _grouped("ces", data, score, by, time, bucket, weight, resolved, opts)


def smiley_by(
    data: Any = None,
    *,
    score: Union[str, ArrayLike] = "score",
    by: Optional[Union[str, ArrayLike]] = None,
    time: Optional[Union[str, ArrayLike]] = None,
    bucket: str = "week",
    weight: Optional[Union[str, ArrayLike]] = None,
    level: float = 0.95,
) -> Any:
    """Smiley results per group and/or time bucket; see :func:`nps_by`."""
    return _grouped("smiley", data, score, by, time, bucket, weight, (1, 4), {"level": level})


__all__: Sequence[str] = [
    "nps",
    "csat",
    "ces",
    "smiley",
    "compare",
    "compare_proportions",
    "Distribution",
    "group_by",
    "nps_by",
    "csat_by",
    "ces_by",
    "smiley_by",
    "Nps",
    "Csat",
    "Ces",
    "Smiley",
    "Proportion",
    "Mean",
    "Comparison",
]
