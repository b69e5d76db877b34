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

from typing import Any, Dict, List, Mapping, Optional

from . import _cx
from ._errors import InputTypeError
from .gaps import _times, _values

# Each table's columns: (role in cx, default column name, kind).
_TABLES = {
    "orders": [("customers", "customer", "key"), ("timestamps", "date", "time"), ("amounts", "amount", "num?")],
    "feedback": [("customers", "customer", "key"), ("timestamps", "date", "time"), ("scores", "nps", "num")],
    "contacts": [
        ("customers", "customer", "key"),
        ("received", "received", "time"),
        ("resolved", "resolved", "time?"),
        ("channels", "channel", "key?"),
        ("cases", "case", "key?"),
    ],
    "deliveries": [("customers", "customer", "key"), ("promised", "promised", "time"), ("delivered", "delivered", "time?")],
}


class SignalReport:
    """The result of :func:`signals`.

    Attributes: ``customers`` (list of dicts, highest risk first), ``as_of``
    (ISO date), ``tables`` (rows given, used, after ``as_of``, without an
    answer, per table), ``counts`` (customers per signal kind), ``lost``,
    ``model`` (the purchase model behind ``low_p_alive``, as a dict) and
    ``notes``.
    """

    def __init__(self, data: Dict[str, Any]) -> None:
        self._data = data
        self.customers: List[Dict[str, Any]] = data["customers"]
        self.as_of: str = data["as_of"]
        self.tables: Dict[str, Dict[str, int]] = data["tables"]
        self.counts: Dict[str, int] = data["counts"]
        self.lost: int = data["lost"]
        self.model: Optional[Dict[str, Any]] = data.get("model")
        self.notes: List[str] = data["notes"]

    def to_dict(self) -> Dict[str, Any]:
        """The result as plain dicts and lists (the same fields in Rust and JS)."""
        return self._data

    def at_risk(self, threshold: float = 0.7) -> List[Dict[str, Any]]:
        """Customers not lost whose risk is at least ``threshold``."""
        return [c for c in self.customers if not c["lost"] and c["risk"] >= threshold]

    def frame(self) -> Any:
        """One row per customer (pandas): risk, lost, signal kinds, reasons
        (strongest first, ``"; "``-joined), the top reason, orders, last
        order, P(alive) and RFM segment."""
        import pandas as pd

        rows = []
        for c in self.customers:
            s = c["signals"]
            rows.append(
                {
                    "customer": c["customer"],
                    "risk": c["risk"],
                    "lost": c["lost"],
                    "signals": [x["kind"] for x in s],
                    "reasons": "; ".join(x["reason"] for x in s),
                    "top_reason": s[0]["reason"] if s else None,
                    "orders": c["orders"],
                    "last_order": pd.to_datetime(c["last_order"]) if c["last_order"] else pd.NaT,
                    "p_alive": c["p_alive"],
                    "segment": c["segment"],
                }
            )
        return pd.DataFrame(rows)

    def signals_frame(self) -> Any:
        """One row per signal (pandas): customer, kind, strength, reason and
        the evidence numbers as columns."""
        import pandas as pd

        rows = []
        for c in self.customers:
            for s in c["signals"]:
                rows.append({"customer": c["customer"], "kind": s["kind"], "strength": s["strength"], "reason": s["reason"], **s["evidence"]})
        return pd.DataFrame(rows)

    def __repr__(self) -> str:
        return f"SignalReport(as_of={self.as_of!r}, customers={len(self.customers)}, at_risk={len(self.at_risk())}, lost={self.lost})"


def _table(name: str, data: Any, columns: Mapping[str, str]) -> Dict[str, Any]:
    out: Dict[str, Any] = {}
    for role, default, kind in _TABLES[name]:
        col = columns.get(f"{name}.{default}", default)
        try:
            present = col in data.columns if hasattr(data, "columns") else col in data
        except TypeError:
            raise InputTypeError(f"`{name}` must be a DataFrame or a dict of columns", {"argument": name}) from None
        if not present:
            if kind.endswith("?"):
                continue
            raise InputTypeError(
                f"`{name}` has no column {col!r} (the {default}); pass columns={{'{name}.{default}': 'your name'}}",
                {"argument": f"{name}.{role}"},
            )
        x = data[col]
        if kind.startswith("time"):
            out[role] = _times(x)
        elif kind.startswith("key"):
            out[role] = [None if v is None else str(v) for v in _values(x)]
        else:
            out[role] = _values(x)
    return out


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
    strings.

    ``model``: a fitted :class:`cx.BetaGeo` (or MBG/Pareto) on a daily
    summary of the same orders, used for ``low_p_alive`` instead of fitting
    BG/NBD. ``options``: ``as_of``, ``lost_after_days``, ``overdue_ratio``,
    ``min_orders_for_cadence``, ``hiatus_days``, ``p_alive_below``,
    ``fit_model``, ``rfm_segments``, ``rfm_strength``, ``detractor_max``,
    ``score_drop``, ``open_contact_days``, ``repeat_contacts``,
    ``contact_window_days``, ``late_last``, ``late_min``,
    ``late_grace_days`` (defaults as in the Rust ``SignalOptions``).

    Raises the typed :class:`cx.CxError` subclasses, naming the column as
    ``table.column`` and the row.
    """
    columns = dict(columns or {})
    args: Dict[str, Any] = {"unit": "ns"}
    for name, data in (("orders", orders), ("feedback", feedback), ("contacts", contacts), ("deliveries", deliveries)):
        if data is not None:
            args[name] = _table(name, data, columns)
    if model is not None:
        import json

        options["model"] = json.loads(model.to_json()) if hasattr(model, "to_json") else model
    if "as_of" in options and options["as_of"] is not None and not isinstance(options["as_of"], str):
        options["as_of"] = str(options["as_of"])[:10]
    args["options"] = options
    return SignalReport(_cx.signals(args))
