"""What cx.spark and cx.dask share: the work done on one partition and the
merge of partial results, written once against pandas and pyarrow so that
both engines run the same code and give the single-machine numbers.

A partition function never raises: a bad row becomes one *report row*
(``_cx_report``, JSON) that names the partition and the row within it, and
the driver raises the typed :class:`cx.CxError` from it. Every partition of
the customer summary also reports how many of its rows were used, so the
driver can add the row reports up.
"""

from __future__ import annotations

import datetime as _dt
import json
from typing import Any, Callable, Dict, Iterable, List, Optional, Sequence, Tuple, Union

import numpy as np

from ._errors import CxError, EmptyInputError, InvalidParameterError, MissingValueError, _from_core
from .retention import RowReport, calibration_holdout, customer_summary
from .survey import Distribution, group_by

Columns = Union[str, Sequence[str], None]

REPORT = "_cx_report"
STATE = "_cx_state"
PERIOD = "period"
BUCKETS = ("day", "week", "month")


# -- errors and reports -------------------------------------------------------


def locate(e: CxError, partition: int, offset: int = 0) -> CxError:
    """``e`` again, naming ``partition`` and its row within the partition
    (the core's row index, within a batch, moved by ``offset``)."""
    fields = dict(e.fields)
    if fields.get("index") is not None:
        fields["index"] = int(fields["index"]) + offset
    fields["partition"] = partition
    where = f"partition {partition}" + (f", row {fields['index']}" if fields.get("index") is not None else "")
    return _from_core(f"{e} ({where} of the partitioned input)", fields)


def error_record(e: CxError, partition: int, offset: int = 0) -> str:
    """The report row of a typed error: :func:`locate`'s error as JSON."""
    located = locate(e, partition, offset)
    fields = {k: v for k, v in located.fields.items() if v is None or isinstance(v, (str, int, float, bool, list, dict))}
    return json.dumps({"error": {"message": str(located), "fields": fields}}, default=str)


def raise_reports(records: Iterable[Optional[str]]) -> List[Dict[str, Any]]:
    """The partitions' report rows: raises the first error (lowest
    partition, then row) as its typed cx error, else returns the reports."""
    parsed = [json.loads(r) for r in records if isinstance(r, (str, bytes))]
    errors = sorted((p["error"] for p in parsed if "error" in p), key=lambda e: (e["fields"]["partition"], e["fields"].get("index") or 0))
    if errors:
        raise _from_core(errors[0]["message"], errors[0]["fields"])
    return [p["report"] for p in parsed if "report" in p]


def require_rows(reports: Sequence[Dict[str, Any]]) -> None:
    """The single-machine summary's error for input without rows."""
    if not sum(r["rows"] for r in reports):
        raise EmptyInputError("`customers` is empty: at least one value is needed", {"argument": "customers"})


def add_reports(reports: Sequence[Dict[str, Any]]) -> RowReport:
    keys = ("rows", "used", "merged", "after_end", "customers")
    return RowReport(**{k: int(sum(r[k] for r in reports)) for k in keys})


# -- columns ------------------------------------------------------------------


def local_times(col: Any) -> Any:
    """A pyarrow timestamp column with a time zone as wall-clock time of
    that zone (what ``toPandas`` shows and what cx buckets by); anything
    else unchanged."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if isinstance(col, (pa.Array, pa.ChunkedArray)) and pa.types.is_timestamp(col.type) and col.type.tz:
        return pc.local_timestamp(col)
    return col


def as_series(col: Any) -> Any:
    """A pandas Series of a pyarrow column (pandas columns pass through)."""
    return col.to_pandas() if hasattr(col, "to_pandas") and not hasattr(col, "iloc") else col


def group_codes(columns: Dict[str, Any]) -> Tuple[np.ndarray, List[Tuple[Any, ...]]]:
    """int64 codes of the key tuples of ``columns`` (in sorted order) and
    the tuples; a missing key raises naming its column and row."""
    import pandas as pd

    series = {name: as_series(c) for name, c in columns.items()}
    for name, s in series.items():
        missing = np.flatnonzero(s.isna().to_numpy())
        if len(missing):
            i = int(missing[0])
            raise MissingValueError(
                f"`{name}` is missing in row {i}",
                {"argument": name, "index": i},
            )
    values = list(series.values())
    if len(values) == 1:
        codes, uniques = pd.factorize(values[0], sort=True)
        labels = [(_scalar(u),) for u in uniques]
    else:
        codes, uniques = pd.factorize(pd.MultiIndex.from_arrays(values), sort=True)
        labels = [tuple(_scalar(v) for v in u) for u in uniques]
    return np.ascontiguousarray(codes.astype(np.int64, copy=False)), labels


def _scalar(v: Any) -> Any:
    return v.item() if hasattr(v, "item") else v


# -- survey scores ------------------------------------------------------------


class SurveySpec:
    """What a grouped survey measure needs from each partition."""

    def __init__(
        self,
        score: str,
        by: Optional[Sequence[str]],
        time: Optional[str],
        bucket: str,
        weight: Optional[str],
        scale: Tuple[int, int],
    ) -> None:
        if bucket not in BUCKETS:
            raise InvalidParameterError(f"bucket = {bucket!r}: expected one of {', '.join(BUCKETS)}", {"argument": "bucket", "value": bucket})
        self.score = score
        self.by = [by] if isinstance(by, str) else list(by or [])
        self.time = time
        self.bucket = bucket
        self.weight = weight
        self.scale = (int(scale[0]), int(scale[1]))

    @property
    def columns(self) -> List[str]:
        return [self.score, *self.by, *([self.time] if self.time else []), *([self.weight] if self.weight else [])]

    @property
    def keys(self) -> List[str]:
        return [*self.by, *([PERIOD] if self.time else [])]


def survey_partials(batches: Iterable[Any], spec: SurveySpec, partition: int) -> Dict[str, List[Any]]:
    """One partition's distributions per (key, period), from its batches
    (pyarrow RecordBatches or pandas DataFrames; numeric and datetime
    columns are read in place), as columns: the key columns, ``period``,
    the state bytes and the report column (one row on error)."""
    states: Dict[Tuple[Any, ...], Distribution] = {}
    offset = 0
    for batch in batches:
        n = batch.num_rows if hasattr(batch, "num_rows") else len(batch)
        if n == 0:
            continue
        col = (lambda c: batch.column(c)) if hasattr(batch, "num_rows") else (lambda c: batch[c])
        try:
            codes, labels = (None, [()])
            if spec.by:
                codes, labels = group_codes({c: col(c) for c in spec.by})
            times = local_times(col(spec.time)) if spec.time else None
            weights = col(spec.weight) if spec.weight else None
            for code, period, d in group_by(col(spec.score), scale=spec.scale, keys=codes, timestamps=times, bucket=spec.bucket, weights=weights):
                key = (labels[code] if spec.by else ()) + ((period,) if spec.time else ())
                if key in states:
                    states[key].merge(d)
                else:
                    states[key] = d
        except CxError as e:
            return _report_only(spec.keys, error_record(e, partition, offset))
        offset += n
    out: Dict[str, List[Any]] = {k: [] for k in spec.keys}
    out[STATE] = []
    out[REPORT] = []
    for key, d in states.items():
        for name, v in zip(spec.keys, key):
            out[name].append(v)
        out[STATE].append(d.to_bytes())
        out[REPORT].append(None)
    return out


def _report_only(keys: Sequence[str], record: str) -> Dict[str, List[Any]]:
    out: Dict[str, List[Any]] = {k: [None] for k in keys}
    out[STATE] = [None]
    out[REPORT] = [record]
    return out


def merge_partials(pdf: Any, keys: Sequence[str]) -> Any:
    """Merges the partial states of equal keys in a pandas frame of
    partials (report rows pass through): one row per key."""
    import pandas as pd

    reports = pdf[pdf[REPORT].notna()]
    parts = pdf[pdf[REPORT].isna()]
    merged: Dict[Tuple[Any, ...], Distribution] = {}
    key_values = [parts[k].tolist() for k in keys]
    for i, state in enumerate(parts[STATE].tolist()):
        key = tuple(_period(v[i]) if k == PERIOD else v[i] for k, v in zip(keys, key_values))
        d = Distribution.from_bytes(state)
        if key in merged:
            merged[key].merge(d)
        else:
            merged[key] = d
    rows = {k: [key[i] for key in merged] for i, k in enumerate(keys)}
    rows[STATE] = [d.to_bytes() for d in merged.values()]
    rows[REPORT] = [None] * len(merged)
    columns = [*keys, STATE, REPORT]
    frames = [f for f in (pd.DataFrame(rows, columns=columns), reports[columns]) if len(f)]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(rows, columns=columns)


def survey_result(pdf: Any, spec: SurveySpec, measure: Optional[str], options: Dict[str, Any]) -> Any:
    """The driver's table from partials merged to one row per key: raises a partition's error,
    else one row per key, ordered by key then period, with the measure's
    columns (as ``cx.nps_by``), or the :class:`cx.Distribution` objects
    when ``measure`` is None."""
    import pandas as pd

    raise_reports(pdf[REPORT].tolist())  # the engines merged the states on the cluster: one row per key
    records = []
    key_values = [pdf[k].tolist() for k in spec.keys]
    for i, state in enumerate(pdf[STATE].tolist()):
        d = Distribution.from_bytes(state)
        rec: Dict[str, Any] = {k: _period(v[i]) if k == PERIOD else v[i] for k, v in zip(spec.keys, key_values)}
        if measure is None:
            rec["distribution"] = d
        else:
            from .survey import _flatten

            rec.update(_flatten(getattr(d, measure)(**options).to_dict()))
        records.append(rec)
    records.sort(key=lambda r: tuple(_order(r[k]) for k in spec.keys))
    return pd.DataFrame.from_records(records, columns=None if records else [*spec.keys])


def _period(v: Any) -> Any:
    if v is None or (isinstance(v, float) and v != v):
        return None
    if isinstance(v, _dt.datetime):
        return v.date()
    if hasattr(v, "date") and not isinstance(v, _dt.date):
        return v.date()
    return v


def _order(v: Any) -> Tuple[int, Any]:
    return (1, "") if v is None else (0, v)


# -- customer summary ---------------------------------------------------------


def summary_frame(
    table: Any,
    partition: int,
    kind: str,
    customer_id: str,
    timestamp: str,
    amount: Optional[str],
    options: Dict[str, Any],
) -> Tuple[Any, str]:
    """The summary (``kind`` = ``customer_summary`` or
    ``calibration_holdout``) of one partition that holds whole customers,
    as a pandas frame, and its report row."""
    n = 0 if table is None else table.num_rows if hasattr(table, "num_rows") else len(table)
    if n == 0:
        return None, json.dumps({"report": {"rows": 0, "used": 0, "merged": 0, "after_end": 0, "customers": 0, "new_in_holdout": 0}})
    col = (lambda c: table.column(c).combine_chunks()) if hasattr(table, "num_rows") else (lambda c: table[c])
    ids = col(customer_id)
    ids = as_series(ids)
    cols = {customer_id: ids.to_numpy() if ids.dtype.kind in "iu" else ids, timestamp: local_times(col(timestamp))}
    if amount:
        cols[amount] = col(amount)
    fn: Callable[..., Any] = customer_summary if kind == "customer_summary" else calibration_holdout
    try:
        df = fn(None, customer_id=cols[customer_id], timestamp=cols[timestamp], amount=cols.get(amount) if amount else None, **options)
    except CxError as e:
        if e.fields.get("index") is not None:
            i = int(e.fields["index"])
            if 0 <= i < n:
                e.fields["customer"] = _scalar(ids.iloc[i])
        return None, error_record(e, partition)
    df = df.rename(columns={"customer_id": customer_id}) if customer_id != "customer_id" else df
    report = dict(df.attrs["report"].to_dict())
    report["new_in_holdout"] = int(df.attrs.get("new_in_holdout", 0))
    df.attrs = {}
    return df, json.dumps({"report": report})


def summary_columns(kind: str, customer_id: str, amount: Optional[str]) -> List[str]:
    if kind == "customer_summary":
        cols = [customer_id, "frequency", "recency", "T"]
        if amount:
            cols.append("monetary_value")
        return [*cols, "first_purchase"]
    cols = [customer_id, "frequency_cal", "recency_cal", "T_cal"]
    if amount:
        cols.append("monetary_value_cal")
    cols.append("frequency_holdout")
    if amount:
        cols.append("monetary_value_holdout")
    return [*cols, "duration_holdout"]


# -- fits and scores ----------------------------------------------------------


def fit_distinct(model: Any, rows: Any, columns: Dict[str, str], count: str, options: Dict[str, Any]) -> Any:
    """Fits ``model`` to distinct summary rows with their counts (a pandas
    frame), sorted first so the result does not depend on the partitioning."""
    from .churn import GammaGamma

    rows = rows.sort_values(list(columns.values()), kind="stable").reset_index(drop=True)
    if isinstance(model, GammaGamma):
        return model.fit(rows, frequency=columns["frequency"], monetary_value=columns["monetary_value"], weights=count, **options)
    return model.fit(rows, frequency=columns["frequency"], recency=columns["recency"], T=columns["T"], weights=count, **options)


def score_columns(
    frame: Any,
    model_json: str,
    spend_json: Optional[str],
    names: Dict[str, str],
    horizon: float,
    clv: Dict[str, Any],
) -> Dict[str, np.ndarray]:
    """P(alive), expected purchases in ``horizon`` and (with a spend model)
    CLV of a batch of summary rows (pyarrow or pandas columns, read in place)."""
    from .churn import load_model

    col = (lambda c: frame.column(c)) if hasattr(frame, "num_rows") else (lambda c: frame[c])
    model = load_model(model_json)
    cols = {k: col(names[k]) for k in ("frequency", "recency", "T")}
    out = {
        "probability_alive": model.probability_alive(None, **cols),
        "expected_purchases": model.predict_purchases(horizon, None, **cols),
    }
    if spend_json is not None:
        spend = load_model(spend_json)
        out["clv"] = spend.clv(model, None, monetary_value=col(names["monetary_value"]), **cols, **clv)
    return out


def model_json(model: Any, argument: str) -> str:
    if not hasattr(model, "to_json"):
        raise InvalidParameterError(f"`{argument}` must be a fitted cx model, got {type(model).__name__}", {"argument": argument})
    return str(model.to_json())



# -- the public functions of cx.spark and cx.dask ------------------------------


def check_columns(df: Any, columns: Sequence[str], argument: str = "df") -> None:
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise InvalidParameterError(
            f"`{argument}` has no column {missing[0]!r} (columns: {', '.join(map(str, df.columns))})",
            {"argument": argument, "value": missing[0]},
        )


PUBLIC = ("distributions", "nps", "csat", "ces", "smiley", "customer_summary", "calibration_holdout", "fit", "score")


class Api:
    """The functions of cx.spark and cx.dask, written once over an engine
    that provides ``partials`` (merged survey partials as pandas),
    ``summary``, ``distinct_rows``, ``repeaters`` and ``score``."""

    def __init__(self, **engine: Callable[..., Any]) -> None:
        self.engine = type("Engine", (), {k: staticmethod(f) for k, f in engine.items()})

    def functions(self) -> Tuple[Callable[..., Any], ...]:
        """The public functions, in the order of :data:`PUBLIC`."""
        return tuple(getattr(self, name) for name in PUBLIC)

    def distributions(
        self,
        df: Any,
        *,
        score: str = "score",
        by: Columns = None,
        time: Optional[str] = None,
        bucket: str = "week",
        weight: Optional[str] = None,
        scale: Tuple[int, int] = (0, 10),
    ) -> Any:
        """The merged :class:`cx.Distribution` of each group (``by``: one or
        more columns) and ``bucket`` of ``time``, as a pandas frame with a
        ``distribution`` column: states to keep collecting into, to pickle or to
        send to JavaScript as bytes."""
        spec = SurveySpec(score, by, time, bucket, weight, scale)
        return survey_result(self.engine.partials(df, spec), spec, None, {})


    def nps(
        self,
        df: Any,
        *,
        score: str = "score",
        by: Columns = None,
        time: Optional[str] = None,
        bucket: str = "week",
        weight: Optional[str] = None,
        interval: str = "adjusted_wald",
        level: float = 0.95,
    ) -> Any:
        """NPS per group and time bucket: the table of :func:`cx.nps_by` (a
        pandas frame, ordered by key then period) for a distributed DataFrame."""
        spec = SurveySpec(score, by, time, bucket, weight, (0, 10))
        return survey_result(self.engine.partials(df, spec), spec, "nps", {"interval": interval, "level": level})


    def csat(
        self,
        df: Any,
        *,
        score: str = "score",
        by: Columns = None,
        time: Optional[str] = None,
        bucket: str = "week",
        weight: Optional[str] = None,
        scale: Tuple[int, int] = (1, 5),
        threshold: Optional[int] = None,
        level: float = 0.95,
    ) -> Any:
        """CSAT per group and time bucket; see :func:`nps` and :func:`cx.csat_by`."""
        spec = SurveySpec(score, by, time, bucket, weight, scale)
        return survey_result(self.engine.partials(df, spec), spec, "csat", {"threshold": threshold, "level": level})


    def ces(
        self,
        df: Any,
        *,
        score: str = "score",
        by: Columns = None,
        time: Optional[str] = None,
        bucket: str = "week",
        weight: Optional[str] = None,
        polarity: str = "ease",
        scale: Optional[Tuple[int, int]] = None,
        easy_threshold: Optional[int] = None,
        level: float = 0.95,
    ) -> Any:
        """CES per group and time bucket; see :func:`nps` and :func:`cx.ces_by`."""
        resolved = scale if scale is not None else ((1, 7) if polarity == "ease" else (1, 5))
        spec = SurveySpec(score, by, time, bucket, weight, resolved)
        opts = {"polarity": polarity, "easy_threshold": easy_threshold, "level": level}
        return survey_result(self.engine.partials(df, spec), spec, "ces", opts)


    def smiley(
        self,
        df: Any,
        *,
        score: str = "score",
        by: Columns = None,
        time: Optional[str] = None,
        bucket: str = "week",
        weight: Optional[str] = None,
        level: float = 0.95,
    ) -> Any:
        """Smiley-terminal results per group and time bucket; see :func:`nps`."""
        spec = SurveySpec(score, by, time, bucket, weight, (1, 4))
        return survey_result(self.engine.partials(df, spec), spec, "smiley", {"level": level})


    def customer_summary(
        self,
        df: Any,
        *,
        customer_id: str = "customer_id",
        timestamp: str = "timestamp",
        amount: Optional[str] = None,
        period: str = "day",
        multiplier: float = 1,
        observation_end: Any = None,
        include_first_transaction: bool = False,
        allow_negative_amounts: bool = False,
        report: bool = False,
    ) -> Any:
        """The buy-till-you-die summary of :func:`cx.customer_summary` (lifetimes
        semantics) as a DataFrame of the engine, one row per customer. Orders are
        repartitioned by customer, so each customer is summarised where all of
        their orders are. ``observation_end`` defaults to the day of the last
        order (one aggregation). With ``report=True`` returns ``(frame,
        RowReport)``: every input row counted as used, merged or after the end."""
        options = {
            "period": period,
            "multiplier": multiplier,
            "observation_end": observation_end,
            "include_first_transaction": include_first_transaction,
            "allow_negative_amounts": allow_negative_amounts,
        }
        return self.engine.summary("customer_summary", df, customer_id, timestamp, amount, report, options)


    def calibration_holdout(
        self,
        df: Any,
        *,
        calibration_end: Any,
        customer_id: str = "customer_id",
        timestamp: str = "timestamp",
        amount: Optional[str] = None,
        period: str = "day",
        multiplier: float = 1,
        observation_end: Any = None,
        allow_negative_amounts: bool = False,
        report: bool = False,
    ) -> Any:
        """The calibration/holdout frame of :func:`cx.calibration_holdout` as a
        Spark DataFrame. With ``report=True`` returns ``(frame, RowReport,
        new_in_holdout)``."""
        options = {
            "calibration_end": calibration_end,
            "period": period,
            "multiplier": multiplier,
            "observation_end": observation_end,
            "allow_negative_amounts": allow_negative_amounts,
        }
        return self.engine.summary("calibration_holdout", df, customer_id, timestamp, amount, report, options)


    def fit(
        self,
        model: Any,
        summary: Any,
        *,
        frequency: str = "frequency",
        recency: str = "recency",
        T: str = "T",
        monetary_value: str = "monetary_value",
        **options: Any,
    ) -> Any:
        """Fits ``model`` (``cx.BetaGeo()``, ``cx.ModifiedBetaGeo()``,
        ``cx.ParetoNbd()`` or ``cx.GammaGamma()``) to a summary DataFrame and
        returns it. Only the distinct (frequency, recency, T) rows — (frequency,
        monetary_value) of the repeat customers for gamma-gamma — and their
        counts reach the driver; the fit on them is the fit on every customer.
        ``options`` are those of the model's ``fit``."""
        from .churn import GammaGamma

        if isinstance(model, GammaGamma):
            cols = {"frequency": frequency, "monetary_value": monetary_value}
            check_columns(summary, list(cols.values()), "summary")
            rows = self.engine.distinct_rows(self.engine.repeaters(summary, frequency), list(cols.values()), count="_cx_count")
        else:
            cols = {"frequency": frequency, "recency": recency, "T": T}
            check_columns(summary, list(cols.values()), "summary")
            rows = self.engine.distinct_rows(summary, list(cols.values()), count="_cx_count")
        if len(rows) == 0:
            raise EmptyInputError("the summary has no customers to fit", {"argument": "summary"})
        return fit_distinct(model, rows, cols, "_cx_count", options)

    def score(
        self,
        summary: Any,
        model: Any,
        *,
        horizon: float,
        spend_model: Any = None,
        frequency: str = "frequency",
        recency: str = "recency",
        T: str = "T",
        monetary_value: str = "monetary_value",
        months: int = 12,
        discount_rate: float = 0.01,
        periods_per_month: float = 30.0,
    ) -> Any:
        """The summary with ``probability_alive`` and ``expected_purchases`` (in
        the next ``horizon``) added, and ``clv`` with a fitted ``spend_model``
        (:meth:`cx.GammaGamma.clv`'s arguments), computed where the rows are.
        Lazy: a bad row's error surfaces where the frame is used."""
        names = {"frequency": frequency, "recency": recency, "T": T, "monetary_value": monetary_value}
        check_columns(summary, [frequency, recency, T, *([monetary_value] if spend_model is not None else [])], "summary")
        mj = model_json(model, "model")
        sj = None if spend_model is None else model_json(spend_model, "spend_model")
        added = ["probability_alive", "expected_purchases", *(["clv"] if sj else [])]
        clv = {"months": months, "discount_rate": discount_rate, "periods_per_month": periods_per_month}
        return self.engine.score(summary, mj, sj, names, float(horizon), clv, added)


__all__: List[str] = []
