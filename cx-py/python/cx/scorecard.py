"""The scorecard: every measure cx has from a shop's tables in one call,
the same computation as ``cx report`` and JavaScript's ``scorecard``."""

from __future__ import annotations

import html
import os
import re
from typing import Any, Dict, Iterator, Mapping, Optional, Union

import numpy as np

from . import _cx
from .signals import _arguments, _calibration_json

# Each table's columns: (role in cx, default column name, kind); the
# defaults are those of the `cx report` command's CSV files.
_TABLES = {
    "orders": [("customers", "customer", "key"), ("timestamps", "date", "time"), ("amounts", "amount", "num?")],
    "feedback": [
        ("customers", "customer", "key"),
        ("timestamps", "date", "time"),
        ("nps", "nps", "num?"),
        ("csat", "csat", "num?"),
    ],
    "contacts": [
        ("customers", "customer", "key"),
        ("received", "received", "time"),
        ("answered", "answered", "time?"),
        ("resolved", "resolved", "time?"),
        ("channels", "channel", "text?"),
        ("cases", "case", "text?"),
    ],
    "deliveries": [
        ("customers", "customer", "key"),
        ("promised", "promised", "time"),
        ("delivered", "delivered", "time?"),
        ("carriers", "carrier", "text?"),
    ],
}


def _touchpoints(feedback: Any) -> Dict[str, Any]:
    """``expected_<name>`` / ``perceived_<name>`` column pairs of a feedback
    frame as the core's touchpoint arguments (rows of ratings, None for no
    rating)."""
    cols = [str(c) for c in getattr(feedback, "columns", feedback.keys() if isinstance(feedback, Mapping) else [])]
    names = [m.group(1) for c in cols if (m := re.fullmatch(r"perceived_(.+)", c)) and f"expected_{m.group(1)}" in cols]
    if not names:
        return {}

    def matrix(prefix: str) -> Any:
        m = np.column_stack([np.asarray(feedback[f"{prefix}_{n}"], dtype=float) for n in names])
        return [[None if v != v else v for v in row] for row in m.tolist()]

    return {
        "feedback.touchpoints": names,
        "feedback.expected": matrix("expected"),
        "feedback.perceived": matrix("perceived"),
    }


def scorecard(
    orders: Any = None,
    feedback: Any = None,
    contacts: Any = None,
    deliveries: Any = None,
    *,
    columns: Optional[Mapping[str, str]] = None,
    as_of: Any = None,
    level: float = 0.95,
    service_level_hours: float = 24.0,
    top: int = 25,
    signals: Optional[Mapping[str, Any]] = None,
    calibrate: bool = True,
) -> Dict[str, Any]:
    """The shop's scorecard as a dict: ``survey`` (NPS, CSAT and their
    monthly trends), ``gaps`` (SERVQUAL and importance–performance of the
    touchpoints), ``retention`` (store summary, cohorts, RFM segments),
    ``promise`` (deliveries by carrier, answer times by channel,
    first-contact resolution, repeat contacts), ``model`` (the purchase
    model and the P(alive) histogram), ``risk`` (the at-risk customers with
    their reasons), ``tables`` (rows given and used per table) and
    ``notes`` — the numbers of ``cx report`` and of JavaScript's
    ``scorecard``.

    Tables are DataFrames or dicts of columns with the ``cx report`` column
    names (rename with ``columns={"orders.customer": "cust_id"}``):
    ``orders`` (customer, date, amount), ``feedback`` (customer, date, nps,
    csat, and ``expected_<touchpoint>`` / ``perceived_<touchpoint>`` pairs
    rated 1–7), ``contacts`` (customer, received, answered, resolved,
    channel, case), ``deliveries`` (customer, promised, delivered, carrier).
    ``signals``: the options of :func:`cx.signals`. ``calibrate``: learn a
    calibration of the churn risk by a backtest on the orders up to the
    report day (unless ``signals`` brings a ``calibration``); with too
    short a history the risk stays the rules and ``risk["meaning"]`` says so.

    >>> import pandas as pd
    >>> fb = pd.DataFrame({"customer": ["a", "b", "c"], "date": pd.to_datetime(["2024-05-01", "2024-05-02", "2024-06-01"]),
    ...                    "nps": [10, 9, 3]})
    >>> s = scorecard(feedback=fb)
    >>> round(s["survey"]["nps"]["score"], 1), [p["n"] for p in s["survey"]["nps_trend"]]
    (33.3, [2, 1])
    """
    args = _scorecard_args(orders, feedback, contacts, deliveries, columns, as_of, level, service_level_hours, top, signals, calibrate)
    # Customers come back as their labels (the core maps the codes).
    return _cx.call("scorecard", args)


def _scorecard_args(
    orders: Any,
    feedback: Any,
    contacts: Any,
    deliveries: Any,
    columns: Optional[Mapping[str, str]],
    as_of: Any,
    level: float,
    service_level_hours: float,
    top: int,
    signals: Optional[Mapping[str, Any]],
    calibrate: bool,
) -> Dict[str, Any]:
    """The core's ``scorecard`` arguments of the tables and options."""
    tables = {
        name: data
        for name, data in (("orders", orders), ("feedback", feedback), ("contacts", contacts), ("deliveries", deliveries))
        if data is not None
    }
    args, _ = _arguments(tables, dict(columns or {}), _TABLES) if tables else ({}, [])
    if feedback is not None:
        args.update(_touchpoints(feedback))
    if as_of is not None and not isinstance(as_of, str):
        as_of = str(as_of)[:10]
    sig = dict(signals or {})
    if sig.get("calibration") is not None:
        sig["calibration"] = _calibration_json(sig["calibration"])
    args["options"] = {
        "as_of": as_of,
        "level": level,
        "service_level_hours": service_level_hours,
        "top": int(top),
        "signals": sig,
        "calibrate": bool(calibrate),
    }
    return args


def _source(tables: Any) -> str:
    """What the report's data-quality table says the tables were."""
    kinds = []
    for t in tables:
        if t is None:
            continue
        mod = type(t).__module__.split(".")[0]
        kind = f"{mod} {type(t).__name__}" if mod in ("pandas", "polars", "pyarrow") else "columns"
        if kind not in kinds:
            kinds.append(kind)
    return ", ".join(kinds) or "columns"


class _Page(Mapping[str, Any]):
    """A report page with its sections read like a dict."""

    _card: Dict[str, Any]
    html: str

    def __getitem__(self, key: str) -> Any:
        return self._card[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._card)

    def __len__(self) -> int:
        return len(self._card)

    def to_dict(self) -> Dict[str, Any]:
        """The sections as a plain dict."""
        return dict(self._card)

    def save(self, path: Union[str, "os.PathLike[str]"]) -> None:
        """Writes the HTML page (UTF-8) to ``path``."""
        with open(path, "w", encoding="utf-8") as f:
            f.write(self.html)

    def _repr_html_(self) -> str:
        # The page in an iframe: its CSS styles the page only, not the
        # notebook around it.
        return (
            '<iframe class="cx-report" style="width:100%;height:720px;border:1px solid #e2e8f0" '
            f'srcdoc="{html.escape(self.html, quote=True)}"></iframe>'
        )


class Scorecard(_Page):
    """The shop's report: the scorecard of :func:`scorecard` and the same
    HTML page as ``cx report`` (one renderer in the Rust core), shown inline
    in Jupyter and written with :meth:`save`.

    The sections are read like a dict (``card["survey"]["nps"]["score"]``);
    :attr:`html` is the self-contained page (inline CSS and SVG charts, no
    scripts, nothing loaded from the network). The arguments are those of
    :func:`scorecard`.

    >>> import pandas as pd
    >>> fb = pd.DataFrame({"customer": ["a", "b", "c"], "date": pd.to_datetime(["2024-05-01", "2024-05-02", "2024-06-01"]),
    ...                    "nps": [10, 9, 3]})
    >>> card = Scorecard(feedback=fb)
    >>> round(card["survey"]["nps"]["score"], 1), "NPS 33.3" in card.html
    (33.3, True)
    >>> card
    Scorecard(as of 2024-06-01: survey, risk; feedback 3 of 3 rows used)
    """

    def __init__(
        self,
        orders: Any = None,
        feedback: Any = None,
        contacts: Any = None,
        deliveries: Any = None,
        *,
        columns: Optional[Mapping[str, str]] = None,
        as_of: Any = None,
        level: float = 0.95,
        service_level_hours: float = 24.0,
        top: int = 25,
        signals: Optional[Mapping[str, Any]] = None,
        calibrate: bool = True,
    ) -> None:
        args = _scorecard_args(orders, feedback, contacts, deliveries, columns, as_of, level, service_level_hours, top, signals, calibrate)
        args["report"] = {
            "source": _source((orders, feedback, contacts, deliveries)),
            "generated_by": f"cx {_cx.__version__} (Python)",
        }
        r = _cx.call("report", args)
        self._card = r["scorecard"]
        self.html = r["html"]

    def __repr__(self) -> str:
        sections = [k for k in ("survey", "gaps", "retention", "promise", "model", "risk") if self._card.get(k)]
        used = "; ".join(f"{t['table']} {t['used']} of {t['rows']} rows used" for t in self._card.get("tables", []))
        return f"Scorecard(as of {self._card['as_of']}: {', '.join(sections) or 'no section'}; {used})"


_TABLE_NAMES = ("orders", "feedback", "contacts", "deliveries")


def _file(table: str, f: Any) -> Any:
    """A file argument as (name, bytes): a path, bytes, text or an open file."""
    if isinstance(f, (str, os.PathLike)) and not (isinstance(f, str) and "\n" in f):
        with open(f, "rb") as fh:
            return os.path.basename(os.fspath(f)), fh.read()
    if isinstance(f, str):
        return f"{table}.csv", f.encode("utf-8")
    if isinstance(f, (bytes, bytearray, memoryview)):
        return f"{table}.csv", bytes(f)
    if hasattr(f, "read"):
        data = f.read()
        name = os.path.basename(str(getattr(f, "name", f"{table}.csv")))
        return name, data.encode("utf-8") if isinstance(data, str) else bytes(data)
    from ._errors import InputTypeError

    raise InputTypeError(
        f"`{table}` must be a path, bytes, the file's text or an open file, not {type(f).__name__}",
        {"argument": table, "expected": "a path, bytes, text or an open file"},
    )


class Report(_Page):
    """The report of ``cx report`` for a shop's CSV exports
    (:func:`report_from_files`): the sections of ``cx report --json`` read
    like a dict (``report["data"]`` holds each file's rows read, used and
    skipped and its recognised format), and :attr:`html`, the page."""

    def __init__(self, card: Dict[str, Any], page: str) -> None:
        self._card = card
        self.html = page

    def __repr__(self) -> str:
        files = "; ".join(f"{d['file']} {d['used']} of {d['rows']} rows used" for d in self._card.get("data", []))
        return f"Report(as of {self._card['as_of']}: {files or 'no file'})"


def report_from_files(
    orders: Any = None,
    feedback: Any = None,
    contacts: Any = None,
    deliveries: Any = None,
    *,
    as_of: Any = None,
    service_level_hours: float = 24.0,
    top: int = 25,
    calibrate: bool = True,
    skip_bad_rows: bool = False,
    delimiter: Optional[str] = None,
    decimal: Optional[str] = None,
    date_format: Optional[str] = None,
    encoding: Optional[str] = None,
    columns: Optional[Mapping[str, str]] = None,
) -> Report:
    r"""The report of ``cx report`` for the shop's CSV exports, read by the
    command's own reader: the separator, decimal mark, date order and
    encoding (UTF-8 or Windows-1252) are recognised, or given
    (``delimiter``, ``decimal``, ``date_format`` such as ``"%d/%m/%Y"``,
    ``encoding``); ``columns`` renames (``{"orders.customer": "Kunde"}``).

    Each file is a path, bytes, the file's text or an open file. A bad row
    raises :class:`cx.FileError` naming the file, line, column and text
    (``skip_bad_rows=True`` leaves such rows out and counts them in
    ``report["data"]``). The numbers and the page are those of ``cx report``
    and of JavaScript's ``reportFromFiles`` for the same files.

    >>> orders = "customer;date;amount\na;01.03.2024;12,50\na;15.03.2024;8,00\nb;02.03.2024;5,00\n"
    >>> r = report_from_files(orders=orders.encode("utf-8"))
    >>> r["data"][0]["dialect"], r["data"][0]["used"]
    ("separator ';', decimal ',', dates ISO or dd.mm.yyyy, UTF-8", 3)
    >>> try:
    ...     report_from_files(orders="customer,date\na,2024-02-30\n")
    ... except FileError as e:
    ...     print(e.file, e.line, e.column, e.value)
    orders.csv 2 date 2024-02-30
    """
    import numpy as np

    args: Dict[str, Any] = {"names": {}}
    for table, f in zip(_TABLE_NAMES, (orders, feedback, contacts, deliveries)):
        if f is None:
            continue
        name, data = _file(table, f)
        args["names"][table] = name
        args[table] = np.frombuffer(data, dtype=np.uint8) if data else np.zeros(0, dtype=np.uint8)
    options: Dict[str, Any] = {
        "as_of": None if as_of is None else str(as_of)[:10],
        "service_level_hours": service_level_hours,
        "top": top,
        "calibrate": calibrate,
        "skip_bad_rows": skip_bad_rows,
        "delimiter": delimiter,
        "decimal": decimal,
        "date_format": date_format,
        "encoding": encoding,
        "columns": dict(columns or {}),
    }
    args["options"] = {k: v for k, v in options.items() if v is not None}
    r = _cx.call("report_from_files", args)
    return Report(r["report"], r["html"])


from ._errors import FileError  # noqa: E402  (the doctest above names it)

__all__ = ["Report", "Scorecard", "report_from_files", "scorecard"]
