"""Plots with matplotlib (an optional dependency: ``pip install
"cx-scores[plot]"``, imported when a plot is drawn). Every function draws
into ``ax`` (default: the current Axes) and returns it; the numbers drawn
are cx's own, and the tests check that each line, bar and cell holds them.

The CX charts of the HTML report take a :class:`cx.Scorecard` (or the dict
of :func:`cx.scorecard`): :func:`nps_trend`, :func:`csat_trend`,
:func:`servqual_gaps`, :func:`importance_performance`,
:func:`cohort_heatmap`, :func:`p_alive_histogram`, :func:`at_risk_reasons`
and :func:`reliability`; :func:`control_chart` draws a :func:`cx.ewma` or
:func:`cx.cusum` result and :func:`key_drivers` a :func:`cx.key_drivers` one. The model plots are lifetimes' ten
(:func:`plot_probability_alive_matrix`, …), for cx's models and for the
fitters of :mod:`cx.lifetimes`.

>>> import matplotlib
>>> matplotlib.use("Agg")
>>> import matplotlib.pyplot as plt, pandas as pd, cx
>>> fb = pd.DataFrame({"customer": ["a", "b", "c"], "date": pd.to_datetime(["2024-05-01", "2024-05-02", "2024-06-01"]),
...                    "nps": [10, 9, 3]})
>>> fig, ax = plt.subplots()
>>> ax = cx.plot.nps_trend(cx.Scorecard(feedback=fb), ax=ax)
>>> [float(y) for y in ax.lines[0].get_ydata()]
[100.0, -100.0]
>>> plt.close(fig)
"""

from __future__ import annotations

from typing import Any, Mapping, Optional, Sequence

import numpy as np

from .lifetimes.plotting import (
    _axes,
    plot_calibration_purchases_vs_holdout_purchases,
    plot_cumulative_transactions,
    plot_dropout_rate_heterogeneity,
    plot_expected_repeat_purchases,
    plot_frequency_recency_matrix,
    plot_history_alive,
    plot_incremental_transactions,
    plot_period_transactions,
    plot_probability_alive_matrix,
    plot_transaction_rate_heterogeneity,
)

__all__ = [
    "nps_trend",
    "csat_trend",
    "servqual_gaps",
    "importance_performance",
    "cohort_heatmap",
    "p_alive_histogram",
    "at_risk_reasons",
    "reliability",
    "control_chart",
    "key_drivers",
    "plot_frequency_recency_matrix",
    "plot_probability_alive_matrix",
    "plot_expected_repeat_purchases",
    "plot_history_alive",
    "plot_cumulative_transactions",
    "plot_incremental_transactions",
    "plot_calibration_purchases_vs_holdout_purchases",
    "plot_transaction_rate_heterogeneity",
    "plot_dropout_rate_heterogeneity",
    "plot_period_transactions",
]

# The report's colours (cx-core/src/report/charts.rs).
_BLUE = "#2563eb"
_RED = "#dc2626"
_GREY = "#64748b"

# The report's names of the signals (cx-core/src/report/html.rs).
_SIGNAL_NAMES = {
    "overdue": "overdue against own rhythm",
    "hiatus": "long pause",
    "low_p_alive": "low probability active",
    "rfm_segment": "at-risk RFM segment",
    "detractor": "detractor",
    "score_drop": "score drop",
    "open_contact": "open contact",
    "repeat_contacts": "repeated contacts",
    "late_deliveries": "late deliveries",
}


def _section(card: Any, name: str) -> Mapping[str, Any]:
    """A section of a scorecard, or a clear error naming what is missing."""
    if not isinstance(card, Mapping):
        raise TypeError(f"card: expected a cx.Scorecard or the dict of cx.scorecard, got {type(card).__name__}")
    s = card.get(name)
    if not s:
        raise ValueError(f"card: the scorecard has no {name} section (its table was not given, or had no rows up to the report day)")
    return s


def _trend(points: Sequence[Mapping[str, Any]], ax: Any, ylabel: str, ylim: tuple, title: str) -> Any:
    import matplotlib.dates as mdates

    ax = _axes(ax)
    if not points:
        raise ValueError("card: the trend has no month with answers")
    x = np.array([np.datetime64(p["period"], "D") for p in points])
    y = np.array([p["score"] for p in points], dtype=float)
    ax.fill_between(x, [p["ci_low"] for p in points], [p["ci_high"] for p in points], color=_BLUE, alpha=0.15, lw=0,
                    label="confidence band")
    ax.plot(x, y, color=_BLUE, marker="o", label=ylabel)
    ax.set_ylim(*ylim)
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%b %y"))
    return ax


def nps_trend(card: Any, ax: Any = None, title: str = "NPS per month") -> Any:
    """NPS per month (line) with its confidence band (shaded), as in the
    report: ``card["survey"]["nps_trend"]``."""
    return _trend(_section(card, "survey")["nps_trend"], ax, "NPS", (-100, 100), title)


def csat_trend(card: Any, ax: Any = None, title: str = "Satisfied answers per month") -> Any:
    """The share of satisfied CSAT answers (4–5 of 5) per month in percent,
    with its Wilson interval: ``card["survey"]["csat_trend"]``."""
    return _trend(_section(card, "survey")["csat_trend"], ax, "CSAT %", (0, 100), title)


def servqual_gaps(card: Any, ax: Any = None, title: str = "Perceived minus expected quality") -> Any:
    """The SERVQUAL gap per touchpoint (bars, red below zero: expectations
    not met) with its paired-t interval (error bars):
    ``card["gaps"]["servqual"]["items"]``."""
    g = _section(card, "gaps")
    ax = _axes(ax)
    names = list(g["touchpoints"])
    items = g["servqual"]["items"]
    nan = float("nan")
    gap = np.array([nan if i["gap"] is None else i["gap"] for i in items], dtype=float)
    lo = np.array([nan if i["ci_low"] is None else i["ci_low"] for i in items], dtype=float)
    hi = np.array([nan if i["ci_high"] is None else i["ci_high"] for i in items], dtype=float)
    y = np.arange(len(names))
    ax.barh(y, gap, color=[_RED if v < 0 else _BLUE for v in gap], xerr=np.vstack([gap - lo, hi - gap]),
            error_kw={"ecolor": _GREY, "capsize": 3})
    ax.axvline(0, color=_GREY, lw=1)
    ax.set_yticks(y, names)
    ax.invert_yaxis()
    ax.set_xlabel("gap (perceived − expected)")
    ax.set_title(title)
    return ax


def importance_performance(card: Any, ax: Any = None, title: str = "Importance–performance") -> Any:
    """Each touchpoint's importance (correlation with the NPS answer)
    against its performance, with the grid lines of the report; top left
    (red) matters most and performs worst: ``card["gaps"]["ipa"]``."""
    g = _section(card, "gaps")
    ipa = g.get("ipa")
    if not ipa:
        raise ValueError("card: the gaps section has no importance–performance analysis (no NPS answers beside the ratings)")
    ax = _axes(ax)
    attrs = ipa["attributes"]
    perf = np.array([a["performance"] for a in attrs], dtype=float)
    imp = np.array([a["importance"] for a in attrs], dtype=float)
    # Red as in the report: less than average performance, at least average importance.
    worst = (perf < ipa["performance_line"]) & (imp >= ipa["importance_line"])
    ax.scatter(perf, imp, c=[_RED if w else _BLUE for w in worst], zorder=3)
    for name, x, y in zip(g["touchpoints"], perf, imp):
        ax.annotate(name, (x, y), xytext=(4, 4), textcoords="offset points", fontsize=9)
    ax.axvline(ipa["performance_line"], color=_GREY, ls="--", lw=1)
    ax.axhline(ipa["importance_line"], color=_GREY, ls="--", lw=1)
    ax.set_xlabel("performance")
    ax.set_ylabel("importance")
    ax.set_title(title)
    return ax


def cohort_heatmap(card: Any, ax: Any = None, title: str = "Cohort retention", annotate: bool = True) -> Any:
    """Customers by month of first purchase (rows, size in brackets); each
    cell is the % of the cohort buying that many months later:
    ``card["retention"]["cohorts"]``."""
    cohorts = _section(card, "retention")["cohorts"]
    if not cohorts:
        raise ValueError("card: the retention section has no cohort")
    ax = _axes(ax)
    width = max(len(c["share"]) for c in cohorts)
    z = np.full((len(cohorts), width), np.nan)
    for i, c in enumerate(cohorts):
        z[i, : len(c["share"])] = 100.0 * np.asarray(c["share"], dtype=float)
    im = ax.imshow(z, aspect="auto", cmap="Blues", vmin=0, vmax=100)
    if annotate and z.size <= 400:
        for (i, j), v in np.ndenumerate(z):
            if v == v:
                ax.text(j, i, f"{v:.0f}", ha="center", va="center", fontsize=7, color="white" if v > 60 else "black")
    ax.set_yticks(range(len(cohorts)), [f"{c['start'][:7]} ({c['size']})" for c in cohorts])
    ax.set_xlabel("months after the first purchase")
    ax.figure.colorbar(im, ax=ax, label="% of the cohort buying")
    ax.set_title(title)
    return ax


def p_alive_histogram(card: Any, ax: Any = None, title: str = "Probability of still being active") -> Any:
    """Customers by P(alive) in ten bins of 0.1 (red below 0.3, where the
    low-P(alive) signal fires): ``card["model"]["p_alive_bins"]``."""
    bins = np.asarray(_section(card, "model")["p_alive_bins"], dtype=float)
    ax = _axes(ax)
    edges = np.linspace(0, 1, len(bins) + 1)
    ax.bar(edges[:-1], bins, width=np.diff(edges), align="edge", edgecolor="white",
           color=[_RED if e < 0.3 - 1e-9 else _BLUE for e in edges[:-1]])
    ax.set_xlim(0, 1)
    ax.set_xlabel("P(alive)")
    ax.set_ylabel("customers")
    ax.set_title(title)
    return ax


def at_risk_reasons(card: Any, ax: Any = None, title: str = "Why customers are at risk") -> Any:
    """How many customers each churn signal fired for (bars, most first):
    ``card["risk"]["counts"]``."""
    counts = sorted(_section(card, "risk")["counts"], key=lambda kv: -kv[1])
    ax = _axes(ax)
    y = np.arange(len(counts))
    ax.barh(y, [n for _, n in counts], color=_BLUE)
    ax.set_yticks(y, [_SIGNAL_NAMES.get(k, k) for k, _ in counts])
    ax.invert_yaxis()
    ax.set_xlabel("customers")
    ax.set_title(title)
    return ax


def reliability(card: Any, ax: Any = None, min_customers: int = 10, title: str = "Predicted risk against what customers did") -> Any:
    """The reliability diagram of the calibrated churn risk at the
    backtest's last cut-off (and of the uncalibrated rules, grey): bins of
    at least ``min_customers``; on the diagonal a risk of 0.7 means 70 of
    100 did not order. Takes a scorecard (``card["risk"]["backtest"]``)
    or a :class:`cx.Backtest`."""
    if hasattr(card, "holdout") and not isinstance(card, Mapping):
        holdout = card.holdout
        holdout = holdout if isinstance(holdout, Mapping) or holdout is None else holdout.to_dict()
    else:
        bt = _section(card, "risk").get("backtest")
        holdout = bt.get("holdout") if bt else None
    if not holdout:
        raise ValueError("card: no backtest holdout (the risk was not calibrated on the shop's history)")
    ax = _axes(ax)

    def points(bins: Sequence[Mapping[str, Any]]) -> tuple:
        keep = [b for b in bins if b["customers"] >= min_customers and b["predicted"] is not None and b["observed"] is not None]
        return [b["predicted"] for b in keep], [b["observed"] for b in keep]

    ax.plot([0, 1], [0, 1], color=_GREY, ls=":", lw=1)
    ax.plot(*points(holdout["reliability"]), color=_BLUE, marker="o", label="calibrated")
    ax.plot(*points(holdout["reliability_rules"]), color=_GREY, marker="s", label="rules")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_xlabel("predicted risk")
    ax.set_ylabel("share without an order")
    ax.legend()
    ax.set_title(title)
    return ax


def _data(result: Any) -> Mapping[str, Any]:
    return result.to_dict() if hasattr(result, "to_dict") else result


def control_chart(chart: Any, ax: Any = None, title: Optional[str] = None) -> Any:
    """A control chart of :func:`cx.ewma` or :func:`cx.cusum`: the chart
    statistic (line), its limits (dashed), the readings (grey dots, EWMA)
    and the alarms (red)."""
    c = _data(chart)
    points = c.get("points") if isinstance(c, Mapping) else None
    if not points:
        raise ValueError("chart: expected the result of cx.ewma or cx.cusum")
    ax = _axes(ax)
    t = np.array([p["t"] for p in points])
    stat = np.array([p["statistic"] for p in points], dtype=float)
    if c["chart"] == "ewma":
        ax.plot(t, [p["value"] for p in points], ".", color=_GREY, label="readings")
        ax.axhline(c["in_control"]["target"], color=_GREY, lw=1)
    ax.plot(t, stat, color=_BLUE, label=c["chart"].upper())
    ax.plot(t, [p["upper"] for p in points], "--", color=_GREY, lw=1, label="limits")
    ax.plot(t, [p["lower"] for p in points], "--", color=_GREY, lw=1)
    alarm = np.array([p["signal"] for p in points])
    ax.plot(t[alarm], stat[alarm], "o", color=_RED, label="alarm")
    labels = [p.get("period") for p in points]
    if all(v is not None for v in labels):
        step = max(1, len(labels) // 8)
        ax.set_xticks(t[::step], [str(v) for v in labels[::step]], rotation=30, ha="right")
    ax.legend()
    ax.set_title(title or ("EWMA chart" if c["chart"] == "ewma" else "CUSUM chart"))
    return ax


def key_drivers(drivers: Any, ax: Any = None, title: str = "Key drivers") -> Any:
    """The relative weights of :func:`cx.key_drivers` (or a scorecard's
    ``gaps.drivers``) as % of R², strongest on top, with their bootstrap
    intervals."""
    d = _data(drivers)
    if isinstance(d, Mapping) and "gaps" in d:
        d = (d["gaps"] or {}).get("drivers")
    if not d or "drivers" not in d:
        raise ValueError("drivers: expected the result of cx.key_drivers or a scorecard with key drivers")
    rows = sorted(d["drivers"], key=lambda x: x["rank"])
    ax = _axes(ax)
    y = np.arange(len(rows))
    pct = np.array([x["relative_percent"] for x in rows])
    err = None
    if all(x["relative_ci"] for x in rows):
        lo = np.array([100 * x["relative_ci"][0] / d["r2"] for x in rows])
        hi = np.array([100 * x["relative_ci"][1] / d["r2"] for x in rows])
        err = np.vstack([pct - lo, hi - pct])
    ax.barh(y, pct, color=_BLUE, xerr=err, error_kw={"ecolor": _GREY, "capsize": 3})
    ax.set_yticks(y, [x["name"] if x["name"] is not None else f"item {x['item']}" for x in rows])
    ax.invert_yaxis()
    ax.set_xlabel(f"share of R² = {d['r2']:.2f} (%)")
    ax.set_title(title)
    return ax
