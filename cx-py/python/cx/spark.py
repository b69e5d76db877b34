"""cx on PySpark DataFrames: survey scores, the customer summary, churn-model
fits and scores, computed where the data lives.

``pip install "cx-scores[spark]"``. Every function takes a
``pyspark.sql.DataFrame`` and gives the numbers of the single-machine
function of the same name on the same rows:

- survey scores (:func:`nps`, :func:`csat`, :func:`ces`, :func:`smiley`,
  :func:`distributions`): each partition's Arrow batches are read in place
  into mergeable :class:`cx.Distribution` states per group and period
  (``mapInArrow``), the states of a group are merged on the cluster
  (``repartition`` by the group, ``mapInPandas``), and only one state per
  group reaches the driver;
- :func:`customer_summary` and :func:`calibration_holdout`: orders are
  repartitioned by customer and each partition summarises its customers
  (``mapInArrow``); the result is a Spark DataFrame (persisted), the rows
  used are counted per partition and added up;
- :func:`fit`: the distinct summary rows with their counts are aggregated on
  the cluster (``groupBy().count()``) and the model is fitted on the driver
  from them: the optimum of the fit on every customer;
- :func:`score`: P(alive), expected purchases and CLV per customer on the
  executors (``mapInArrow``), the models sent as their JSON.

A bad row is never dropped: the summary and the survey scores raise the
typed :class:`cx.CxError` of the single-machine function, naming the
partition and the row within it (and the customer); :func:`score` is lazy,
so its errors surface where the frame is used, with the same message.
"""

from __future__ import annotations

import datetime as _dt
from typing import Any, Dict, Iterator, List, Optional, Sequence

from . import _distributed as _d
from .retention import RowReport



def _spark() -> Any:
    try:
        import pyspark.sql.functions as F
        import pyspark.sql.types as T
    except ImportError as e:  # pragma: no cover - depends on the environment
        raise ImportError('cx.spark needs PySpark: pip install "cx-scores[spark]"') from e
    return F, T


def _partition() -> int:
    from pyspark import TaskContext

    ctx = TaskContext.get()
    return int(ctx.partitionId()) if ctx is not None else 0


def _arrow_schema(schema: Any) -> Any:
    from pyspark.sql.pandas.types import to_arrow_schema

    return to_arrow_schema(schema)


def _batch(columns: Dict[str, List[Any]], schema: Any) -> Any:
    import pyarrow as pa

    return pa.RecordBatch.from_arrays([pa.array(columns[f.name], type=f.type) for f in schema], schema=schema)


# -- survey scores ------------------------------------------------------------


def _partials(df: Any, spec: _d.SurveySpec) -> Any:
    """One merged state per key and period, as a pandas frame on the driver."""
    F, T = _spark()
    _d.check_columns(df, spec.columns)
    fields = [df.schema[c] for c in spec.by]
    if spec.time:
        fields.append(T.StructField(_d.PERIOD, T.DateType(), True))
    schema = T.StructType(
        [*(T.StructField(f.name, f.dataType, True) for f in fields), T.StructField(_d.STATE, T.BinaryType(), True), T.StructField(_d.REPORT, T.StringType(), True)]
    )
    arrow = _arrow_schema(schema)
    keys = spec.keys

    def partials(batches: Iterator[Any]) -> Iterator[Any]:
        yield _batch(_d.survey_partials(batches, spec, _partition()), arrow)

    def merge(frames: Iterator[Any]) -> Iterator[Any]:
        import pandas as pd

        parts = [f for f in frames if len(f)]
        if parts:
            out = _d.merge_partials(pd.concat(parts, ignore_index=True), keys)
            # pandas 3 reads text as Arrow-backed strings, which PySpark does not take back.
            yield out.astype({c: object for c in out.columns if isinstance(out[c].dtype, pd.StringDtype)})

    parts = df.select(*spec.columns).mapInArrow(partials, schema)
    grouped = parts.repartition(*keys) if keys else parts.coalesce(1)
    return grouped.mapInPandas(merge, schema).toPandas()


# -- customer summary ---------------------------------------------------------


def _last_day(df: Any, timestamp: str) -> Optional[_dt.date]:
    """The day of the last order (None without one: the partitions then
    report the empty or missing input as the single-machine function would)."""
    F, _ = _spark()
    last = df.agg(F.max(timestamp)).first()[0]
    if last is None:
        return None
    if isinstance(last, _dt.datetime):
        return last.date()
    if isinstance(last, _dt.date):
        return last
    return _dt.date.fromisoformat(str(last)[:10])


def _summary(kind: str, df: Any, customer_id: str, timestamp: str, amount: Optional[str], report: bool, options: Dict[str, Any]) -> Any:
    F, T = _spark()
    needed = [customer_id, timestamp, *([amount] if amount else [])]
    _d.check_columns(df, needed)
    if options.get("observation_end") is None:
        options["observation_end"] = _last_day(df, timestamp)
    columns = _d.summary_columns(kind, customer_id, amount)
    types = {
        "frequency": T.LongType(),
        "frequency_cal": T.LongType(),
        "frequency_holdout": T.LongType(),
        "first_purchase": T.DateType(),
    }
    schema = T.StructType(
        [
            T.StructField(c, df.schema[customer_id].dataType if c == customer_id else types.get(c, T.DoubleType()), True)
            for c in columns
        ]
        + [T.StructField(_d.REPORT, T.StringType(), True)]
    )
    arrow = _arrow_schema(schema)

    def run(batches: Iterator[Any]) -> Iterator[Any]:
        import pyarrow as pa

        got = list(batches)
        table = pa.Table.from_batches(got) if got else None
        frame, record = _d.summary_frame(table, _partition(), kind, customer_id, timestamp, amount, options)
        if frame is not None and len(frame):
            frame[_d.REPORT] = None
            yield pa.RecordBatch.from_pandas(frame[[*columns, _d.REPORT]], schema=arrow, preserve_index=False)
        yield _batch({**{c: [None] for c in columns}, _d.REPORT: [record]}, arrow)

    out = df.select(*needed).repartition(customer_id).mapInArrow(run, schema).persist()
    try:
        records = [r[0] for r in out.filter(F.col(_d.REPORT).isNotNull()).select(_d.REPORT).collect()]
        reports = _d.raise_reports(records)
        _d.require_rows(reports)
    except Exception:
        out.unpersist()
        raise
    frame = out.filter(F.col(_d.REPORT).isNull()).drop(_d.REPORT)
    if not report:
        return frame
    row = _d.add_reports(reports)
    if kind == "calibration_holdout":
        return frame, row, int(sum(r["new_in_holdout"] for r in reports))
    return frame, row


# -- fits and scores ----------------------------------------------------------


def distinct_rows(summary: Any, columns: Sequence[str], *, count: str = "count") -> Any:
    """The distinct rows of ``columns`` with how many customers each stands
    for, aggregated on the cluster, as a pandas frame on the driver: the
    sufficient statistics of the churn models."""
    _d.check_columns(summary, columns, "summary")
    return summary.groupBy(*columns).count().withColumnRenamed("count", count).toPandas()


def _repeaters(summary: Any, frequency: str) -> Any:
    F, _ = _spark()
    return summary.filter(F.col(frequency) > 0)


def _score(summary: Any, mj: str, sj: Optional[str], names: Dict[str, str], horizon: float, clv: Dict[str, Any], added: List[str]) -> Any:
    _, T = _spark()
    schema = T.StructType([*summary.schema.fields, *(T.StructField(c, T.DoubleType(), True) for c in added)])

    def run(batches: Iterator[Any]) -> Iterator[Any]:
        import pyarrow as pa

        from ._errors import CxError

        offset = 0
        for b in batches:
            try:
                cols = _d.score_columns(b, mj, sj, names, horizon, clv)
            except CxError as e:
                raise _d.locate(e, _partition(), offset) from None
            offset += b.num_rows
            yield pa.RecordBatch.from_arrays([*b.columns, *(pa.array(cols[c]) for c in added)], names=[*b.schema.names, *added])

    return summary.mapInArrow(run, schema)


(distributions, nps, csat, ces, smiley, customer_summary, calibration_holdout, fit, score) = _d.Api(
    partials=_partials, summary=_summary, distinct_rows=distinct_rows, repeaters=_repeaters, score=_score
).functions()


__all__: List[str] = ["RowReport", "distinct_rows", *_d.PUBLIC]
