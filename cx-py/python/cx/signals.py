"""Explainable per-customer churn signals and a risk ranking.

:func:`signals` reads whichever of four tables you have (orders, survey
answers, support contacts, deliveries) as DataFrames (pandas or polars) or
dicts of columns, and returns a :class:`SignalReport`: every customer with
the signals that fired as of a day, each with a strength, the evidence and
a reason in words, ranked by risk = 1 − Π(1 − strength). The rules and
their thresholds are documented in the Rust crate (``cx::signals``) and in
the README; every threshold is a keyword argument here.

>>> import cx
>>> r = cx.signals(feedback={"customer": ["ann"] * 3,
...                          "date": ["2024-01-10", "2024-03-02", "2024-05-20"],
...                          "nps": [9, 9, 3]})
>>> r.frame()[["customer", "risk", "top_reason"]].to_dict("records")
[{'customer': 'ann', 'risk': 0.97, 'top_reason': 'last NPS answer 3 after 9 and 9'}]
"""

from __future__ import annotations

import json
from typing import Any, Dict, List, Mapping, Optional, Tuple

import numpy as np

from . import _cx
from ._errors import InputTypeError, InvalidParameterError
from ._input import key_column, time_column
from .gaps import _module, _values

# Each table's columns: (role in cx, default column name, kind).
_TABLES = {
    "orders": [("customers", "customer", "key"), ("timestamps", "date", "time"), ("amounts", "amount", "num?")],
    "feedback": [("customers", "customer", "key"), ("timestamps", "date", "time"), ("scores", "nps", "num")],
    "contacts": [
        ("customers", "customer", "key"),
        ("received", "received", "time"),
        ("resolved", "resolved", "time?"),
        ("channels", "channel", "text?"),
        ("cases", "case", "text?"),
    ],
    "deliveries": [("customers", "customer", "key"), ("promised", "promised", "time"), ("delivered", "delivered", "time?")],
}
_NAT = np.iinfo(np.int64).min


class SignalReport:
    """The result of :func:`signals`.

    ``frame()`` is one row per customer (pandas), ``signals_frame()`` one
    row per signal; ``customers`` the same as a list of dicts (highest risk
    first); ``at_risk(threshold)`` the customers not lost with at least that
    risk. Also ``as_of`` (ISO date), ``tables`` (rows given, used, after
    ``as_of``, without an answer, per table), ``counts`` (customers per
    signal kind), ``lost``, ``model`` (the purchase model behind
    ``low_p_alive``, as a dict) and ``notes``.
    """

    def __init__(self, cols: Dict[str, Any], labels: Optional[Any] = None) -> None:
        self._cols = cols
        self._labels = labels
        self._customers: Optional[List[Dict[str, Any]]] = None
        meta = cols["meta"]
        self.as_of: str = meta["as_of"]
        self.tables: Dict[str, Dict[str, int]] = meta["tables"]
        self.counts: Dict[str, int] = meta["counts"]
        self.lost: int = meta["lost"]
        self.model: Optional[Dict[str, Any]] = meta.get("model")
        self.notes: List[str] = meta["notes"]
        self.at_risk_threshold: float = meta["at_risk_threshold"]
        self.at_risk_count: int = meta["at_risk_count"]
        self.at_risk_rule: str = meta["at_risk_rule"]
        self.risk_method: str = meta["risk_method"]
        self.risk_meaning: str = meta["risk_meaning"]
        self.value_at_risk: Optional[Dict[str, Any]] = meta.get("value_at_risk")

    @classmethod
    def _from_json(cls, data: Dict[str, Any]) -> "SignalReport":
        """From the result of the JSON entry (``cx._cx.call("signals", …)``)."""
        cs = data["customers"]
        rows = [(i, s) for i, c in enumerate(cs) for s in c["signals"]]
        epoch = np.datetime64("1970-01-01", "D")
        cols = {
            "customer": np.array([c["customer"] for c in cs], dtype=object),
            "risk": np.array([c["risk"] for c in cs], dtype=float),
            "lost": np.array([c["lost"] for c in cs], dtype=bool),
            "orders": np.array([c["orders"] for c in cs], dtype=np.int64),
            "last_order": np.array(
                [(np.datetime64(c["last_order"], "D") - epoch).astype(np.int64) if c["last_order"] else _NAT for c in cs],
                dtype=np.int64,
            ),
            "p_alive": np.array([np.nan if c["p_alive"] is None else c["p_alive"] for c in cs], dtype=float),
            "risk_rules": np.array([c["risk_rules"] for c in cs], dtype=float),
            "p_no_order": np.array([np.nan if c["p_no_order"] is None else c["p_no_order"] for c in cs], dtype=float),
            "clv": np.array([np.nan if c["clv"] is None else c["clv"] for c in cs], dtype=float),
            "value_at_risk": np.array([np.nan if c["value_at_risk"] is None else c["value_at_risk"] for c in cs], dtype=float),
            "contributions": [c["contributions"] for c in cs],
            "at_risk": np.array([c["at_risk"] for c in cs], dtype=bool),
            "segment": [c["segment"] for c in cs],
            "signal_row": np.array([i for i, _ in rows], dtype=np.int64),
            "signal_kind": [s["kind"] for _, s in rows],
            "signal_strength": np.array([s["strength"] for _, s in rows], dtype=float),
            "signal_reason": [s["reason"] for _, s in rows],
            "signal_evidence": [s["evidence"] for _, s in rows],
            "meta": {
                k: data.get(k)
                for k in (
                    "as_of",
                    "tables",
                    "counts",
                    "lost",
                    "model",
                    "notes",
                    "at_risk_threshold",
                    "at_risk_count",
                    "at_risk_rule",
                    "risk_method",
                    "risk_meaning",
                    "value_at_risk",
                )
            },
        }
        report = cls(cols)
        report._customers = cs
        return report

    def _keys(self) -> np.ndarray:
        codes = self._cols["customer"]
        if self._labels is None:
            return codes
        return np.asarray(self._labels, dtype=object)[codes]

    def _bounds(self) -> np.ndarray:
        """Where each customer's signals start in the signal columns (the
        signals come grouped by customer, in customer order)."""
        n = len(self._cols["risk"])
        return np.searchsorted(self._cols["signal_row"], np.arange(n + 1))

    def _customer(self, i: int, keys: np.ndarray, bounds: np.ndarray) -> Dict[str, Any]:
        c = self._cols
        a, b = int(bounds[i]), int(bounds[i + 1])
        last = c["last_order"][i]
        return {
            "customer": _plain(keys[i]),
            "risk": float(c["risk"][i]),
            "signals": [
                {"kind": c["signal_kind"][j], "strength": float(c["signal_strength"][j]), "reason": c["signal_reason"][j], "evidence": c["signal_evidence"][j]}
                for j in range(a, b)
            ],
            "orders": int(c["orders"][i]),
            "last_order": None if last == _NAT else str(np.datetime64(int(last), "D")),
            "p_alive": None if np.isnan(c["p_alive"][i]) else float(c["p_alive"][i]),
            "segment": c["segment"][i],
            "lost": bool(c["lost"][i]),
            "risk_rules": float(c["risk_rules"][i]),
            "contributions": c["contributions"][i],
            "at_risk": bool(c["at_risk"][i]),
            "p_no_order": _maybe(c["p_no_order"][i]),
            "clv": _maybe(c["clv"][i]),
            "value_at_risk": _maybe(c["value_at_risk"][i]),
        }

    @property
    def customers(self) -> List[Dict[str, Any]]:
        """Every customer as a dict (the same fields as in Rust and JS), highest risk first."""
        if self._customers is None:
            keys, bounds = self._keys(), self._bounds()
            self._customers = [self._customer(i, keys, bounds) for i in range(len(keys))]
        return self._customers

    def to_dict(self) -> Dict[str, Any]:
        """The result as plain dicts and lists (the same fields in Rust and JS)."""
        return {
            "customers": self.customers,
            "as_of": self.as_of,
            "tables": self.tables,
            "counts": self.counts,
            "lost": self.lost,
            "model": self.model,
            "notes": self.notes,
            "at_risk_threshold": self.at_risk_threshold,
            "at_risk_count": self.at_risk_count,
            "at_risk_rule": self.at_risk_rule,
            "risk_method": self.risk_method,
            "risk_meaning": self.risk_meaning,
            "value_at_risk": self.value_at_risk,
        }

    def at_risk(self, threshold: Optional[float] = None) -> List[Dict[str, Any]]:
        """Customers not lost whose risk is at least ``threshold``; without
        one, the customers the report flagged by its rule (``at_risk_rule``:
        the ``at_risk`` threshold, or the ``contact_cost`` rule, within the
        ``at_risk_capacity``)."""
        c = self._cols
        if threshold is None:
            pick = np.flatnonzero(c["at_risk"])
        else:
            pick = np.flatnonzero(~c["lost"] & (c["risk"] >= threshold))
        if self._customers is not None:
            return [self._customers[i] for i in pick]
        keys, bounds = self._keys(), self._bounds()
        return [self._customer(int(i), keys, bounds) for i in pick]

    def frame(self) -> Any:
        """One row per customer (pandas), highest risk first: risk, lost,
        signal kinds (list), reasons (strongest first, ``"; "``-joined), the
        top reason, orders, last order, P(alive), RFM segment, the rules'
        risk, the model's probability of no order in the horizon, CLV and
        value at risk (risk × CLV)."""
        import pandas as pd

        c = self._cols
        bounds = self._bounds()
        kinds, reasons = c["signal_kind"], c["signal_reason"]
        spans = list(zip(bounds[:-1].tolist(), bounds[1:].tolist()))
        return pd.DataFrame(
            {
                "customer": self._keys(),
                "risk": c["risk"],
                "lost": c["lost"],
                "signals": [kinds[a:b] for a, b in spans],
                "reasons": ["; ".join(reasons[a:b]) for a, b in spans],
                "top_reason": [reasons[a] if b > a else None for a, b in spans],
                "orders": c["orders"],
                "last_order": c["last_order"].view("datetime64[D]"),
                "p_alive": c["p_alive"],
                "segment": c["segment"],
                "risk_rules": c["risk_rules"],
                "p_no_order": c["p_no_order"],
                "clv": c["clv"],
                "value_at_risk": c["value_at_risk"],
                "at_risk": c["at_risk"],
            }
        )

    def signals_frame(self) -> Any:
        """One row per signal (pandas): customer, kind, strength, reason and
        the evidence numbers as columns."""
        import pandas as pd

        c = self._cols
        base = pd.DataFrame(
            {
                "customer": self._keys()[c["signal_row"]] if len(c["signal_row"]) else [],
                "kind": c["signal_kind"],
                "strength": c["signal_strength"],
                "reason": c["signal_reason"],
            }
        )
        evidence = pd.DataFrame.from_records(c["signal_evidence"], index=base.index) if len(base) else pd.DataFrame()
        return pd.concat([base, evidence], axis=1)

    def __repr__(self) -> str:
        return f"SignalReport(as_of={self.as_of!r}, customers={len(self._cols['risk'])}, at_risk={self.at_risk_count}, lost={self.lost})"


def _maybe(v: float) -> Optional[float]:
    return None if np.isnan(v) else float(v)


def _plain(v: Any) -> Any:
    return v.item() if hasattr(v, "item") else v


def _column(name: str, data: Any, default: str, role: str, columns: Mapping[str, str], optional: bool) -> Any:
    col = columns.get(f"{name}.{default}", default)
    try:
        present = col in data.columns if hasattr(data, "columns") else col in data
    except TypeError:
        raise InputTypeError(f"`{name}` must be a DataFrame or a dict of columns", {"argument": name}) from None
    if not present:
        if optional:
            return None
        raise InputTypeError(
            f"`{name}` has no column {col!r} (the {default}); pass columns={{'{name}.{default}': 'your name'}}",
            {"argument": f"{name}.{role}"},
        )
    return data[col]


def _series(x: Any) -> Any:
    import pandas as pd

    mod = _module(x)
    if mod == "pandas":
        return x.reset_index(drop=True)
    if mod == "polars":
        return x.to_pandas()
    return pd.Series(list(x) if not isinstance(x, np.ndarray) else x)


def _arguments(
    tables: Dict[str, Any], columns: Mapping[str, str], spec: Optional[Dict[str, Any]] = None
) -> Tuple[Dict[str, Any], Any]:
    """The tables as flat ``table.column`` arguments of ``cx::bind``, with
    one customer code space across the tables (codes into the returned
    labels; -1 where a key is missing, which the core reports with its
    table and row)."""
    import pandas as pd

    spec = spec or _TABLES
    cols: Dict[str, Dict[str, Any]] = {}
    keys = []
    for name, data in tables.items():
        t = {}
        for role, default, kind in spec[name]:
            t[role] = _column(name, data, default, role, columns, kind.endswith("?"))
        cols[name] = t
        keys.append(_series(t["customers"]))
    if not all(k.dtype.kind in "iu" for k in keys):
        keys = [k.astype(str).where(k.notna(), None) for k in keys]
    codes, labels = pd.factorize(pd.concat(keys, ignore_index=True), sort=True, use_na_sentinel=True)
    plain = [_plain(v) for v in labels]
    out: Dict[str, Any] = {"unit": "ns"}
    start = 0
    for (name, t), k in zip(cols.items(), keys):
        out[f"{name}.customers"] = (np.ascontiguousarray(codes[start : start + len(k)].astype(np.int64)), plain)
        start += len(k)
        for role, _, kind in spec[name]:
            x = t[role]
            if x is None or role == "customers":
                continue
            arg = f"{name}.{role}"
            if kind.startswith("time"):
                out[arg] = time_column(x, arg, "ns")[0]
            elif kind.startswith(("key", "text")):
                out[arg] = _text_keys(x, arg)
            else:
                out[arg] = _floats(x, arg)
    return out, labels


def _text_keys(x: Any, argument: str) -> Any:
    """A text key column (channel, case) as codes and labels, factorized by
    pandas without a Python loop; a missing key is code -1, which the core
    reports with its row."""
    import pandas as pd

    k = _series(x)
    codes, labels = pd.factorize(k.astype(str).where(k.notna(), None), sort=True, use_na_sentinel=True)
    return np.ascontiguousarray(codes.astype(np.int64)), [str(v) for v in labels]


def _floats(x: Any, argument: str) -> np.ndarray:
    s = _series(x)
    try:
        return np.ascontiguousarray(s.to_numpy(dtype=float, na_value=np.nan))
    except (TypeError, ValueError):
        raise InputTypeError(f"`{argument}` must hold numbers (NaN/None for no answer)", {"argument": argument}) from None


def signals(
    orders: Any = None,
    feedback: Any = None,
    contacts: Any = None,
    deliveries: Any = None,
    *,
    columns: Optional[Mapping[str, str]] = None,
    model: Any = None,
    **options: Any,
) -> SignalReport:
    """Per-customer churn signals with reasons, and a risk ranking.

    Tables (any subset; DataFrames or dicts of columns, default column
    names in brackets): ``orders`` (customer, date, amount), ``feedback``
    (customer, date, nps 0–10, NaN for no answer), ``contacts`` (customer,
    received, resolved — NaT/None while open —, channel, case),
    ``deliveries`` (customer, promised, delivered — NaT/None while
    pending). Rename with ``columns={"orders.customer": "cust_id"}``.
    Dates are datetime columns or ISO strings. Customer keys come back as
    given (as text when the tables mix integer and text keys).

    ``model``: a fitted :class:`cx.BetaGeo` (or MBG/Pareto) on a daily
    summary of the same orders, used for ``low_p_alive`` instead of fitting
    BG/NBD. ``options``: ``as_of``, ``lost_after_days``, ``at_risk`` (the
    threshold of ``at_risk()`` and ``at_risk_count``, 0.7), ``overdue_ratio``,
    ``min_orders_for_cadence``, ``hiatus_days``, ``p_alive_below``,
    ``fit_model``, ``rfm_segments``, ``rfm_strength``, ``detractor_max``,
    ``score_drop``, ``open_contact_days``, ``repeat_contacts``,
    ``contact_window_days``, ``late_last``, ``late_min``,
    ``late_grace_days``, ``horizon_days`` (of ``p_no_order``, 90),
    ``value`` (CLV and value at risk when orders have amounts, on),
    ``rank_by_value`` (rank by risk × CLV), ``at_risk_capacity`` (flag at
    most this many, the highest ranked), ``contact_cost`` and ``save_rate``
    (flag where risk × CLV × save_rate ≥ contact_cost), ``calibration`` (a
    :class:`RiskCalibration` from :func:`backtest`, or its JSON: then
    ``risk`` is the probability of no order within its horizon, explained
    by ``contributions``) (defaults as in the Rust ``SignalOptions``).

    Datetime and numeric columns are handed to Rust as numpy buffers, text
    dates as text, and the work runs without the GIL; the core reads every
    column as in Rust and JS and reports a bad value with its table, column
    and row. Raises the typed :class:`cx.CxError` subclasses.
    """
    columns = dict(columns or {})
    tables = {
        name: data
        for name, data in (("orders", orders), ("feedback", feedback), ("contacts", contacts), ("deliveries", deliveries))
        if data is not None
    }
    if model is not None:
        options["model"] = json.loads(model.to_json()) if hasattr(model, "to_json") else model
    if options.get("calibration") is not None:
        options["calibration"] = _calibration_json(options["calibration"])
    if options.get("as_of") is not None and not isinstance(options["as_of"], str):
        options["as_of"] = str(options["as_of"])[:10]
    args, labels = _arguments(tables, columns) if tables else ({}, [])
    args["options"] = options
    return SignalReport(_cx.signals_columns(args), labels)


def _calibration_json(c: Any) -> Any:
    if isinstance(c, RiskCalibration):
        return c.to_dict()
    if isinstance(c, str):
        return json.loads(c)
    return c


class RiskCalibration:
    """A calibration of the churn risk learnt by :func:`backtest`: a
    logistic model of "no order within the horizon" on the signal strengths
    and the purchase model's forecast. Pass it to :func:`cx.signals` (or
    ``cx.scorecard``) as ``calibration=``; ``to_json()`` / ``from_json()``
    move it to the browser (``calibration`` option of the JS ``signals``)
    or the ``cx`` command (``--calibration FILE``)."""

    def __init__(self, data: Dict[str, Any]) -> None:
        self._data = data

    @classmethod
    def from_json(cls, text: str) -> "RiskCalibration":
        """Reads a calibration's JSON; the core checks it when it is applied
        (a malformed one is an :class:`InvalidParameterError` naming
        ``calibration``)."""
        try:
            data = json.loads(text)
        except ValueError as e:
            raise InvalidParameterError(f"calibration: not JSON ({e})", {"argument": "calibration"}) from None
        if not isinstance(data, dict) or data.get("kind") != "risk_calibration":
            raise InvalidParameterError("calibration: not a risk calibration", {"argument": "calibration"})
        return cls(data)

    def to_json(self) -> str:
        return json.dumps(self._data)

    def to_dict(self) -> Dict[str, Any]:
        return json.loads(json.dumps(self._data))

    @property
    def coefficients(self) -> Any:
        """The coefficients as a DataFrame: feature, coefficient (log-odds per
        unit), standard error, and the odds ratio per unit."""
        import pandas as pd

        f = pd.DataFrame(self._data["coefficients"])
        f["odds_ratio"] = np.exp(f["coefficient"])
        return f

    def __getattr__(self, name: str) -> Any:
        try:
            return self._data[name]
        except KeyError:
            raise AttributeError(name) from None

    def __repr__(self) -> str:
        terms = ", ".join(f"{c['feature']} {c['coefficient']:+.3f}" for c in self._data["coefficients"])
        return f"RiskCalibration(horizon_days={self._data['horizon_days']}, intercept={self._data['intercept']:+.3f}, {terms})"


class Backtest:
    """The result of :func:`backtest`: per cut-off how well each score (the
    rules' risk, the calibrated risk out of time, the purchase model's
    probability of no order, 1 − P(alive), days since the last order, each
    signal) ranked the customers who then did not order; the out-of-time
    ``holdout`` (Brier scores, reliability); and the ``calibration`` to
    apply (``None`` when there were too few outcomes; see ``notes``)."""

    def __init__(self, data: Dict[str, Any]) -> None:
        self._data = data
        self.horizon_days: float = data["horizon_days"]
        self.outcome: str = data["outcome"]
        self.cutoffs: List[Dict[str, Any]] = data["cutoffs"]
        self.auc_spread: Dict[str, List[float]] = data["auc_spread"]
        self.holdout: Optional[Dict[str, Any]] = data["holdout"]
        self.notes: List[str] = data["notes"]
        cal = data["calibration"]
        self.calibration: Optional[RiskCalibration] = RiskCalibration(cal) if cal is not None else None

    def frame(self) -> Any:
        """One row per cut-off and score (pandas): cutoff, customers,
        base_rate, score, auc, brier, fired, and precision and lift in each
        top share (``precision_10``, ``lift_10`` for the top 10 %)."""
        import pandas as pd

        rows = []
        for c in self.cutoffs:
            for s in c["scores"]:
                row = {
                    "cutoff": c["cutoff"],
                    "customers": c["customers"],
                    "base_rate": c["base_rate"],
                    "score": s["score"],
                    "auc": s["auc"],
                    "brier": s["brier"],
                    "fired": s["fired"],
                }
                for t in s["top"]:
                    k = f"{100 * t['share']:g}"
                    row[f"precision_{k}"] = t["precision"]
                    row[f"lift_{k}"] = t["lift"]
                rows.append(row)
        f = pd.DataFrame(rows)
        f["cutoff"] = pd.to_datetime(f["cutoff"])
        return f

    def reliability_frame(self) -> Any:
        """The out-of-time reliability diagram (pandas): per bin its edges,
        customers, mean predicted and observed share, for ``calibrated`` and
        ``rules``."""
        import pandas as pd

        if self.holdout is None:
            return pd.DataFrame(columns=["risk", "low", "high", "customers", "predicted", "observed"])
        rows = [dict(b, risk="calibrated") for b in self.holdout["reliability"]]
        rows += [dict(b, risk="rules") for b in self.holdout["reliability_rules"]]
        return pd.DataFrame(rows)[["risk", "low", "high", "customers", "predicted", "observed"]]

    def to_dict(self) -> Dict[str, Any]:
        return self._data

    def __repr__(self) -> str:
        h = self.holdout
        brier = f", brier calibrated {h['brier_calibrated']:.4f} vs rules {h['brier_rules']:.4f}" if h else ""
        return f"Backtest({len(self.cutoffs)} cut-offs, horizon {self.horizon_days:g} days{brier})"


def backtest(
    orders: Any = None,
    feedback: Any = None,
    contacts: Any = None,
    deliveries: Any = None,
    *,
    columns: Optional[Mapping[str, str]] = None,
    **options: Any,
) -> Backtest:
    """Backtests the churn signals at cut-off days inside the data and
    learns a calibration of the risk.

    At each cut-off the signals and BG/NBD are computed from the rows
    dated on or before it only; the outcome is whether each customer (with
    an order by then, not lost) ordered in the following ``horizon_days``.
    Tables and ``columns`` as in :func:`signals`. ``options``: ``cutoffs``
    (ISO dates; default ``n_cutoffs`` = 4 days ``step_days`` apart, the
    last ``horizon_days`` before the last order), ``horizon_days`` (90),
    ``end`` (the last day to look at), ``outcome`` (``"no_order"`` or
    ``"fewer_than_expected"``), ``top_shares``, ``bins``, ``penalty``
    (default: chosen out of time), ``min_fired``, ``min_outcomes``,
    ``include_lost``, ``compare_pareto_nbd``, ``signals`` (a dict of signal
    thresholds).

    >>> import cx, pandas as pd
    >>> days = pd.date_range("2024-01-01", periods=52, freq="7D")
    >>> b = cx.backtest(pd.DataFrame({"customer": "ann", "date": days}), n_cutoffs=1, horizon_days=30)
    >>> (b.cutoffs[0]["customers"], b.cutoffs[0]["outcomes"])
    (1, 0)
    """
    columns = dict(columns or {})
    tables = {
        name: data
        for name, data in (("orders", orders), ("feedback", feedback), ("contacts", contacts), ("deliveries", deliveries))
        if data is not None
    }
    for k in ("cutoffs",):
        if options.get(k) is not None:
            options[k] = [d if isinstance(d, str) else str(d)[:10] for d in options[k]]
    if options.get("end") is not None and not isinstance(options["end"], str):
        options["end"] = str(options["end"])[:10]
    args, _ = _arguments(tables, columns) if tables else ({}, [])
    args["options"] = options
    return Backtest(_cx.call("backtest", args))
