"""cx on Dask DataFrames: survey scores, the customer summary, churn-model
fits and scores, computed on the workers.

``pip install "cx-scores[dask]"``. The same functions as :mod:`cx.spark`,
taking a ``dask.dataframe.DataFrame`` and giving the numbers of the
single-machine function of the same name on the same rows:

- survey scores: per-partition :class:`cx.Distribution` states per group
  and period (``map_partitions``), merged by a tree ``reduction`` on the
  cluster; the driver gets one state per group;
- :func:`customer_summary` and :func:`calibration_holdout`: orders are
  shuffled by customer (``shuffle(on=...)``), each partition summarises its
  customers, the result is a persisted Dask DataFrame and the partitions'
  row reports are added up;
- :func:`fit`: distinct summary rows with their counts (``groupby().size()``
  on the cluster), the fit on the client;
- :func:`score`: P(alive), expected purchases and CLV per partition
  (``map_partitions``), the models sent as their JSON.

Bad rows raise the typed :class:`cx.CxError` naming the partition and the
row within it (errors pickle with their fields, so a worker's error arrives
typed).
"""

from __future__ import annotations

import datetime as _dt
from typing import Any, Dict, List, Optional, Sequence, Tuple

import numpy as np

from . import _distributed as _d
from ._errors import CxError
from .retention import RowReport



def _dask() -> Any:
    try:
        import dask
        import dask.dataframe as dd
    except ImportError as e:  # pragma: no cover - depends on the environment
        raise ImportError('cx.dask needs Dask: pip install "cx-scores[dask]"') from e
    return dask, dd


# -- survey scores ------------------------------------------------------------


def _partials(df: Any, spec: _d.SurveySpec) -> Any:
    import pandas as pd

    _d.check_columns(df, spec.columns)
    keys = spec.keys
    meta = pd.DataFrame({**{k: pd.Series(dtype=object) for k in keys}, _d.STATE: pd.Series(dtype=object), _d.REPORT: pd.Series(dtype=object)})

    def partials(pdf: Any, partition_info: Optional[Dict[str, Any]] = None) -> Any:
        number = int(partition_info["number"]) if partition_info else 0
        cols = _d.survey_partials([pdf], spec, number)
        return pd.DataFrame({c: pd.Series(v, dtype=object) for c, v in cols.items()}, columns=list(meta.columns))

    def merge(pdf: Any) -> Any:
        return _d.merge_partials(pdf, keys)

    parts = df[spec.columns].map_partitions(partials, meta=meta)
    return parts.reduction(merge, aggregate=merge, combine=merge, meta=meta).compute()


# -- customer summary ---------------------------------------------------------


def _last_day(df: Any, timestamp: str) -> Optional[_dt.date]:
    """The day of the last order (None without one: the partitions then
    report the empty or missing input as the single-machine function would)."""
    import pandas as pd

    col = df[timestamp]
    if getattr(col.dtype, "kind", "O") == "M" or "datetime" in str(col.dtype):
        last = col.max().compute()
    else:  # ISO text: parsed per partition as the single-machine function would
        last = col.map_partitions(lambda s: pd.to_datetime(s, errors="coerce", format="ISO8601"), meta=(timestamp, "datetime64[ns]")).max().compute()
    if last is None or last is pd.NaT or (isinstance(last, float) and last != last):
        return None
    if getattr(last, "tzinfo", None) is not None:
        last = last.tz_localize(None)
    return pd.Timestamp(last).date()


def _meta(kind: str, df: Any, customer_id: str, amount: Optional[str]) -> Any:
    import pandas as pd

    # first_purchase as datetime64 days: Dask would turn a column of date objects into text.
    dtypes = {"frequency": "int64", "frequency_cal": "int64", "frequency_holdout": "int64", "first_purchase": "datetime64[s]"}
    cols = _d.summary_columns(kind, customer_id, amount)
    return pd.DataFrame(
        {c: pd.Series(dtype=df[customer_id].dtype if c == customer_id else dtypes.get(c, "float64")) for c in cols}
    )


def _summary(kind: str, df: Any, customer_id: str, timestamp: str, amount: Optional[str], report: bool, options: Dict[str, Any]) -> Any:
    dask, dd = _dask()
    needed = [customer_id, timestamp, *([amount] if amount else [])]
    _d.check_columns(df, needed)
    if options.get("observation_end") is None:
        options["observation_end"] = _last_day(df, timestamp)
    meta = _meta(kind, df, customer_id, amount)
    columns = list(meta.columns)

    def run(pdf: Any, number: int) -> Tuple[Any, str]:
        frame, record = _d.summary_frame(pdf, number, kind, customer_id, timestamp, amount, options)
        if frame is None or not len(frame):
            return meta.copy(), record
        if "first_purchase" in frame.columns:
            frame["first_purchase"] = np.asarray(frame["first_purchase"].tolist(), dtype="datetime64[D]").astype("datetime64[s]")
        return frame[columns].astype({c: meta[c].dtype for c in columns if c != customer_id}), record

    parts = df[needed].shuffle(on=customer_id).to_delayed()
    done = [dask.delayed(run, nout=2)(p, i) for i, p in enumerate(parts)]
    done = dask.persist(*done)
    reports = _d.raise_reports(dask.compute(*[d[1] for d in done]))
    _d.require_rows(reports)
    frame = dd.from_delayed([d[0] for d in done], meta=meta, verify_meta=False)
    if not report:
        return frame
    row = _d.add_reports(reports)
    if kind == "calibration_holdout":
        return frame, row, int(sum(r["new_in_holdout"] for r in reports))
    return frame, row


# -- fits and scores ----------------------------------------------------------


def distinct_rows(summary: Any, columns: Sequence[str], *, count: str = "count") -> Any:
    """Distinct rows of ``columns`` with their counts, aggregated on the
    cluster, as a pandas frame."""
    _d.check_columns(summary, columns, "summary")
    return summary.groupby(list(columns)).size().compute().rename(count).reset_index()


def _repeaters(summary: Any, frequency: str) -> Any:
    return summary[summary[frequency] > 0]


def _score(summary: Any, mj: str, sj: Optional[str], names: Dict[str, str], horizon: float, clv: Dict[str, Any], added: List[str]) -> Any:
    meta = summary._meta.assign(**{c: np.float64() for c in added}).iloc[:0]

    def run(pdf: Any, partition_info: Optional[Dict[str, Any]] = None) -> Any:
        if not len(pdf):
            return pdf.assign(**{c: np.zeros(0) for c in added})
        try:
            cols = _d.score_columns(pdf, mj, sj, names, horizon, clv)
        except CxError as e:
            raise _d.locate(e, int(partition_info["number"]) if partition_info else 0) from None
        return pdf.assign(**cols)

    return summary.map_partitions(run, meta=meta)


(distributions, nps, csat, ces, smiley, customer_summary, calibration_holdout, fit, score) = _d.Api(
    partials=_partials, summary=_summary, distinct_rows=distinct_rows, repeaters=_repeaters, score=_score
).functions()


__all__: List[str] = ["RowReport", "distinct_rows", *_d.PUBLIC]
