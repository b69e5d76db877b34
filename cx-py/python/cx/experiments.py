"""From scores to action: how many answers a comparison needs, whether a
reading is an alarm or noise (control charts), and experiments a shop
watches every day (always-valid confidence sequences, sequential A/B tests,
CUPED). The same computations as Rust's ``cx::survey`` and the JavaScript
exports, through the one binding layer.

Charts and tests return a ``state``: pass it (or the result itself) back as
``state=`` with the next readings to continue in O(1) per answer — a
terminal, a notebook or a Spark job can keep a chart current.

>>> import cx
>>> cx.sample_size({"promoters": 0.50, "detractors": 0.20}, {"promoters": 0.55, "detractors": 0.15}).per_group
903
>>> chart = cx.ewma([10.5, 9.2, 11.3, 10.9, 12.1, 11.8, 12.4, 12.0], target=10, sigma=1)
>>> chart.first_signal, chart.points[6].direction
(6, 'up')
"""

from __future__ import annotations

import json
from typing import Any, Dict, List, Mapping, Optional

import numpy as np

from . import _cx
from ._errors import InputTypeError
from ._input import as_array, float_matrix, key_column, time_column
from .gaps import GapReport


class Analysis(GapReport):
    """The result of a planning, chart or experiment function: fields as
    attributes (nested parts as :class:`Analysis`), ``to_dict()`` and
    ``frame(part)`` (``chart.frame("points")``)."""

    def _repr_html_(self) -> str:
        import html

        rows = "".join(
            f"<tr><th style='text-align:left'>{html.escape(k)}</th><td style='text-align:right'>"
            f"{f'{v:.4g}' if isinstance(v, float) else html.escape(str(v))}</td></tr>"
            for k, v in self._data.items()
            if not isinstance(v, (list, dict))
        )
        return f"<table><caption style='text-align:left'><b>{type(self).__name__}</b></caption>{rows}</table>"


def _call(name: str, args: Dict[str, Any]) -> Analysis:
    return Analysis(_cx.call(name, {k: v for k, v in args.items() if v is not None}))


def _plan(formula: str, alpha: float, power: float, two_sided: bool) -> Dict[str, Any]:
    return {"alpha": alpha, "power": power, "two_sided": bool(two_sided), "formula": formula}


def _measure(x: Any, measure: Optional[str] = None) -> tuple:
    """(measure, value) of a baseline or target: an NPS mix (a dict of
    ``promoters`` and ``detractors`` shares, or a :func:`cx.nps` result) or
    a share (a number); ``measure`` overrides the guess (the core then
    names a value of the wrong kind)."""
    if measure is not None:
        return measure, _measure(x)[1]
    if isinstance(x, Mapping):
        return "nps", {"promoters": float(x["promoters"]), "detractors": float(x["detractors"])}
    if hasattr(x, "promoter_share"):
        return "nps", {"promoters": float(x.promoter_share), "detractors": float(x.detractor_share)}
    if hasattr(x, "share"):  # a Proportion (CSAT top-box, positive smileys)
        return "share", float(x.share)
    return "share", float(x)


def sample_size(
    baseline: Any,
    target: Any = None,
    *,
    change: Optional[float] = None,
    alpha: float = 0.05,
    power: float = 0.8,
    two_sided: bool = True,
    formula: str = "pooled",
    measure: Optional[str] = None,
) -> Analysis:
    """Answers per group to detect a change with ``power`` at level
    ``alpha`` (REFERENCES.md §8(g)).

    NPS: ``baseline`` and ``target`` are mixes ``{"promoters": p,
    "detractors": d}`` (or :func:`cx.nps` results); with ``change`` (NPS
    points) instead of ``target``, the second group is assumed to vary as
    the first. Shares (CSAT top-box, conversion): numbers in (0, 1), with
    ``formula`` ``"pooled"`` (Fleiss), ``"continuity_corrected"`` or
    ``"arcsine"`` (Cohen's h). ``per_group`` is rounded up; ``exact`` is not.
    ``measure`` (``"nps"`` or ``"share"``) is guessed from ``baseline``.

    >>> sample_size(0.75, 0.80).per_group, sample_size(0.75, 0.80, formula="arcsine").per_group
    (1094, 1092)
    """
    measure, base = _measure(baseline, measure)
    to = None if target is None else _measure(target)[1]
    return _call(
        "sample_size",
        {"measure": measure, "from": base, "to": to, "change": change, "options": _plan(formula, alpha, power, two_sided)},
    )


def detectable_change(
    baseline: Any,
    per_group: int,
    *,
    alpha: float = 0.05,
    power: float = 0.8,
    two_sided: bool = True,
    formula: str = "pooled",
    measure: Optional[str] = None,
) -> Analysis:
    """The smallest change ``per_group`` answers per group detect: NPS points
    from a mix, or the rise of a share (``to`` is where it leads).

    >>> round(detectable_change({"promoters": 0.5, "detractors": 0.2}, 958).change, 1)
    10.0
    """
    measure, base = _measure(baseline, measure)
    return _call(
        "detectable_change",
        {"measure": measure, "from": base, "per_group": int(per_group), "options": _plan(formula, alpha, power, two_sided)},
    )


def _periods(values: Any, periods: Any) -> Any:
    """Period labels: given, or the index of a pandas Series (dates as
    ISO days)."""
    if periods is None:
        index = getattr(values, "index", None)
        if index is None or callable(index) or type(index).__name__ == "RangeIndex":
            return None
        periods = index
    kind = type(periods).__name__
    if kind == "DatetimeIndex" or getattr(getattr(periods, "dtype", None), "kind", "") == "M":
        import pandas as pd

        periods = pd.DatetimeIndex(periods).strftime("%Y-%m-%d")
    elif kind == "PeriodIndex":
        periods = periods.astype(str)
    return key_column(list(periods), "periods")


def _times(timestamps: Any) -> Dict[str, Any]:
    """The ``timestamps`` and ``unit`` arguments of a stream's times (the
    core checks that the stream arrives in order)."""
    if timestamps is None:
        return {}
    return {"timestamps": time_column(timestamps, "timestamps", "ns")[0], "unit": "ns"}


def _chart(name: str, values: Any, options: Dict[str, Any], periods: Any, state: Any, timestamps: Any) -> Analysis:
    """An EWMA or CUSUM chart through the core: readings, period labels,
    options, a saved state and the readings' times."""
    v = as_array(values, "values", float64=True)
    return _call(
        name,
        {**_times(timestamps), "values": v, "periods": _periods(values, periods), "options": options, "state": _state(state)},
    )


def _state(state: Any) -> Any:
    if state is None:
        return None
    if isinstance(state, GapReport):
        return state.to_dict()["state"]
    return state


def ewma(
    values: Any,
    *,
    lambda_: float = 0.2,
    l: float = 3.0,  # noqa: E741 - the chart's L
    target: Optional[float] = None,
    sigma: Optional[float] = None,
    baseline: Optional[int] = None,
    periods: Any = None,
    state: Any = None,
    timestamps: Any = None,
) -> Analysis:
    """EWMA chart (Roberts 1959) of a series of readings — an NPS, CSAT or
    smiley index per day, week or terminal: z_t = λx_t + (1 − λ)z_{t−1} with
    the exact limits μ₀ ± Lσ√(λ/(2−λ)(1−(1−λ)^{2t})). ``target`` and
    ``sigma`` given, or estimated from the first ``baseline`` readings (all
    by default): their mean, and σ = mean moving range / 1.128. Each point
    says whether it signals, ``up`` or ``down``, and the shift z − μ₀;
    ``periods`` (or a Series' index) names them. ``state``: continue an
    earlier chart. ``timestamps``: the readings' times; the stream must
    arrive in order (a typed error names the first row that does not), and
    their days name the periods unless ``periods`` is given."""
    options = {"lambda": lambda_, "l": l, "target": target, "sigma": sigma, "baseline": baseline}
    return _chart("ewma", values, options, periods, state, timestamps)


def cusum(
    values: Any,
    *,
    k: float = 0.5,
    h: float = 4.0,
    target: Optional[float] = None,
    sigma: Optional[float] = None,
    baseline: Optional[int] = None,
    periods: Any = None,
    state: Any = None,
    timestamps: Any = None,
) -> Analysis:
    """Tabular CUSUM (Page 1954), two-sided: C⁺ and C⁻ with allowance kσ, a
    signal above hσ (k 0.5, h 4: in-control average run length about 168).
    Each point's shift estimates the new mean's distance from the target
    (kσ + C/N, N the periods the sum has been positive). Options as
    :func:`ewma`.

    >>> cusum([10.5, 9.2, 11.3, 10.9, 12.1, 11.8, 12.4, 12.0], target=10, sigma=1).first_signal
    5
    """
    options = {"k": k, "h": h, "target": target, "sigma": sigma, "baseline": baseline}
    return _chart("cusum", values, options, periods, state, timestamps)


def laney_p(successes: Any, sizes: Any, *, l: float = 3.0, periods: Any = None) -> Analysis:  # noqa: E741
    """Laney's p′ chart (2002) for shares of large subgroups — on-time
    deliveries per day, answers within the service level per week — whose
    plain p chart flags nearly every point once subgroups reach thousands:
    limits p̄ ± Lσ_iσ_z, σ_z the moving-range spread of the z-scores. Each
    point carries both charts' limits and signals (``signal``,
    ``signal_p``).

    >>> n = [12000, 15000, 11000, 18000, 13000, 16000, 14000, 17000]
    >>> d = [960, 1050, 1100, 1260, 780, 1440, 840, 1530]
    >>> r = laney_p(d, n)
    >>> len(r.signals), len(r.signals_p)
    (0, 7)
    """
    d = as_array(successes, "successes", float64=True)
    return _call(
        "laney_p",
        {
            "successes": d,
            "sizes": as_array(sizes, "sizes", float64=True),
            "periods": _periods(successes, periods),
            "options": {"l": l},
        },
    )


def _answers(answers: Any) -> Any:
    if isinstance(answers, (tuple, list)) and len(answers) == 2:
        return {"kind": "bounded", "min": float(answers[0]), "max": float(answers[1])}
    return answers


def _answer_values(values: Any) -> Any:
    arr = np.asarray(values)
    if arr.dtype == bool:
        return arr.tolist()
    return as_array(values, "values", float64=True)


def confidence_sequence(
    values: Any,
    answers: Any = "nps",
    *,
    alpha: float = 0.05,
    planned_n: float = 1000,
    sigma: Optional[float] = None,
    state: Any = None,
    timestamps: Any = None,
) -> Analysis:
    """An always-valid interval (normal-mixture confidence sequence, Howard
    et al. 2021): it holds at every number of answers at once, so it may be
    read after every answer. ``answers``: ``"nps"`` (0–10 answers; the
    estimate in NPS points), ``"share"`` (0/1 or booleans) or ``(min,
    max)`` for bounded means. Tightest near ``planned_n`` answers.
    ``state``: continue an earlier sequence (the sums are mergeable).

    >>> r = confidence_sequence([10, 9, 3, 8, 10] * 40)
    >>> r.n, r.estimate, r.low < r.estimate < r.high
    (200, 40.0, True)
    """
    return _call(
        "confidence_sequence",
        {
            **_times(timestamps),
            "values": _answer_values(values),
            "answers": _answers(answers),
            "options": {"alpha": alpha, "planned_n": planned_n, "sigma": sigma},
            "state": _state(state),
        },
    )


def sequential_test(
    values: Any,
    arms: Any,
    answers: Any = "nps",
    *,
    control: Any = None,
    periods: Any = None,
    alpha: float = 0.05,
    planned_n: float = 1000,
    sigma: Optional[float] = None,
    state: Any = None,
    timestamps: Any = None,
) -> Analysis:
    """A sequential A/B test over a stream of answers in arrival order
    (mSPRT, Johari et al. 2022): ``arms`` labels each answer's arm (two
    labels; A is ``control``, or the smaller label). The difference B − A
    has an always-valid interval and p-value, and ``crossed_at`` is the row
    at which no difference was first excluded (``crossed_period`` with
    ``periods``) — look every day without inflating false alarms.

    >>> arms = ["A", "B"] * 2000
    >>> values = [1, 1, 0, 1] * 1000  # A converts half the time, B always
    >>> t = sequential_test(values, arms, "share")
    >>> t.difference, t.crossed_at is not None
    (0.5, True)
    """
    return _call(
        "sequential_test",
        {
            **_times(timestamps),
            "values": _answer_values(values),
            "arms": key_column(arms, "arms"),
            "answers": _answers(answers),
            "control": control,
            "periods": None if periods is None else _periods(None, periods),
            "options": {"alpha": alpha, "planned_n": planned_n, "sigma": sigma},
            "state": _state(state),
        },
    )


def cuped(outcome: Any, covariate: Any, arms: Any, *, control: Any = None, level: float = 0.95) -> Analysis:
    """CUPED (Deng et al. 2013): the difference of ``outcome`` between the
    arms, adjusted by a pre-period ``covariate`` (e.g. each customer's
    expected purchases from a churn model fitted before the test), with
    θ = cov(Y, X)/var(X) over both arms. ``variance_ratio`` = 1 − ρ² is the
    share of the variance left; the interval is Welch's on the adjusted
    values (``raw_ci`` without the adjustment).

    >>> r = cuped([12, 15, 9, 20, 14, 11, 17, 13], [11, 13, 10, 16, 12, 12, 13, 11], ["a"] * 4 + ["b"] * 4)
    >>> round(r.difference, 6), r.raw_difference
    (0.62766, -0.25)
    """
    return _call(
        "cuped",
        {
            "outcome": as_array(outcome, "outcome", float64=True),
            "covariate": as_array(covariate, "covariate", float64=True),
            "arms": key_column(arms, "arms"),
            "control": control,
            "level": level,
        },
    )


class Segmentation(Analysis):
    """A segmentation of :func:`segments`: ``k``, ``segments`` (each with
    its size, share, per-feature means with intervals and ``sets_apart``),
    ``choice`` (the mean silhouette of every k tried), ``assignments``;
    :meth:`assign` places new customers, :meth:`to_json` /
    :meth:`from_json` carry it to another language or process."""

    def assign(self, features: Any) -> List[Optional[int]]:
        """The segment of each row of ``features`` (the same columns, in the
        same units); ``None`` for a row with a missing value."""
        flat, columns, _ = float_matrix(features, "features")
        r = _cx.call("assign_segments", {"segmentation": self._data, "features": flat, "features_columns": columns})
        return r["assignments"]

    def frame(self, part: str = "segments") -> Any:
        """``"segments"``: one row per segment and feature (segment, size,
        share, name, mean, ci, overall, standardized, distinct); other parts
        as :meth:`Analysis.frame`."""
        if part != "segments":
            return super().frame(part)
        import pandas as pd

        rows = [
            {"segment": s["id"], "size": s["size"], "share": s["share"], **f}
            for s in self._data["segments"]
            for f in s["features"]
        ]
        return pd.DataFrame(rows)

    def to_json(self) -> str:
        """The segmentation as JSON (read by :meth:`from_json`, Rust's
        ``Segmentation`` and JavaScript's ``assignSegments``)."""
        return json.dumps(self._data)

    @classmethod
    def from_json(cls, text: str) -> "Segmentation":
        """A segmentation saved by :meth:`to_json` (checked when used)."""
        return cls(json.loads(text))


def segments(
    features: Any,
    *,
    k: Optional[int] = None,
    k_min: int = 2,
    k_max: int = 8,
    names: Optional[List[str]] = None,
    seed: int = 1,
    restarts: int = 10,
    silhouette_sample: int = 2000,
    level: float = 0.95,
) -> Segmentation:
    """Segments by attitude and behaviour: k-means on the standardized
    ``features`` (survey answers beside RFM, cadence or CLV columns; a
    DataFrame's column names name them), k given or chosen from
    ``k_min..k_max`` by the largest mean silhouette; seeded and
    reproducible. Each segment says what sets it apart (features whose
    interval excludes the overall mean, furthest first). Respondents with a
    missing feature are left out and counted (``used``).

    >>> rows = [[7, 1], [6, 2], [7, 1], [2, 9], [1, 8], [2, 10]]
    >>> s = segments(rows, names=["price", "orders"], k=2)
    >>> s.k, [seg.size for seg in s.segments], s.assign([[6.5, 1.5], [1, 9]]) == [s.assignments[0], s.assignments[3]]
    (2, [3, 3], True)
    """
    flat, columns, cols = float_matrix(features, "features")
    options = {
        "k": k,
        "k_min": int(k_min),
        "k_max": int(k_max),
        "seed": int(seed),
        "restarts": int(restarts),
        "silhouette_sample": int(silhouette_sample),
        "level": level,
    }
    r = _cx.call("segments", {"features": flat, "features_columns": columns, "names": names or cols, "options": options})
    return Segmentation(r)


__all__ = [
    "Analysis",
    "sample_size",
    "detectable_change",
    "ewma",
    "cusum",
    "laney_p",
    "confidence_sequence",
    "sequential_test",
    "cuped",
    "Segmentation",
    "segments",
]
