"""What moves purchase and churn: time-invariant covariates in the
Pareto/NBD, BG/NBD and MBG/NBD models, and the shop's own promise gaps
(late deliveries, open and repeated contacts, the last NPS answer) as
covariates.

Each covariate acts on the scale parameter of one process, customer by
customer: αᵢ = α₀·exp(−γ_purchase·zᵢ) (a positive coefficient raises the
purchase rate); Pareto/NBD βᵢ = β₀·exp(−γ_dropout·zᵢ) (a positive
coefficient raises the drop-out rate); for the BG family aᵢ = a₀·exp(γ_a·zᵢ)
and bᵢ = b₀·exp(γ_b·zᵢ), PyMC-Marketing's linking (CLVTools ties one
coefficient to both a and b, so the mean drop-out probability cannot move).
The fit, the standard errors and the likelihood-ratio test run in the Rust
core, the same in Rust and JavaScript.

>>> import cx, pandas as pd
>>> s = pd.DataFrame({"frequency": [4, 0, 6, 1, 3, 0, 5, 2, 0, 1, 7, 0],
...                   "recency": [30, 0, 35, 5, 20, 0, 33, 12, 0, 3, 36, 0],
...                   "T": [38, 20, 39, 30, 37, 25, 39, 35, 31, 29, 38, 33]})
>>> late = pd.DataFrame({"late": [0, 1, 0, 1, 0, 1, 0, 0, 1, 1, 0, 1]})
>>> m = cx.fit_covariates(s, late, model="bg_nbd", dropout=[])
>>> m.coefficients.loc[0, ["covariate", "process"]].tolist()
['late', 'purchase']
>>> bool(m.coefficients.loc[0, "estimate"] < 0)
True
"""

from __future__ import annotations

import json
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple

import numpy as np

from . import _cx
from ._errors import CovariateError, InvalidParameterError
from ._input import _module, as_array
from .churn import Column, _columns, load_model

__all__ = ["CovariateModel", "PeriodCovariates", "fit_covariates", "fit_dynamic_covariates", "period_covariates", "promise_covariates"]


def _covariate_args(covariates: Any, n: int, index: Any = None, names: Optional[Sequence[str]] = None) -> Dict[str, Any]:
    """The covariate columns as ``covariate_names`` + ``covariate.<name>``
    float64 buffers. A pandas frame whose index holds the summary's
    customers is aligned to them (a customer without covariates is a
    :class:`cx.CovariateError` naming the customer); otherwise the rows
    must be in the summary's order."""
    mod = _module(covariates)
    if mod == "pandas" and index is not None and not covariates.index.equals(index):
        if not covariates.index.is_unique:
            dup = covariates.index[covariates.index.duplicated()][0]
            raise CovariateError(
                f"covariate frame: customer {dup!r} has more than one row",
                {"column": None, "customer": _plain(dup), "index": None},
            )
        if index.isin(covariates.index).all() and len(index) <= len(covariates):
            covariates = covariates.reindex(index)
        else:
            pos = int(np.flatnonzero(~index.isin(covariates.index))[0]) if not index.isin(covariates.index).all() else None
            if pos is not None:
                cust = _plain(index[pos])
                raise CovariateError(
                    f"covariate frame: no row for customer {cust!r} (row {pos} of the summary)",
                    {"column": None, "customer": cust, "index": pos},
                )
    if mod in ("pandas", "polars"):
        cols = list(covariates.columns) if names is None else list(names)
        get = lambda c: covariates[c]  # noqa: E731
    elif isinstance(covariates, Mapping):
        cols = list(covariates.keys()) if names is None else list(names)
        get = covariates.__getitem__
    else:
        raise InvalidParameterError(
            "`covariates` must be a pandas or polars DataFrame or a dict of columns",
            {"argument": "covariates", "value": type(covariates).__name__},
        )
    out: Dict[str, Any] = {"covariate_names": [str(c) for c in cols]}
    for c in cols:
        try:
            col = get(c)
        except (KeyError, Exception) as e:  # polars raises its own ColumnNotFoundError
            if isinstance(e, KeyError) or type(e).__name__ == "ColumnNotFoundError":
                raise CovariateError(
                    f"covariate `{c}`: the covariate frame has no such column",
                    {"column": str(c), "index": None},
                ) from None
            raise
        try:
            v = as_array(_flags_as_numbers(col), f"covariate.{c}", float64=True)
        except Exception:
            raise CovariateError(
                f"covariate `{c}`: not a column of numbers (encode categories as 0/1 columns)",
                {"column": str(c), "index": None},
            ) from None
        out[f"covariate.{c}"] = v
    return out


def _flags_as_numbers(col: Any) -> Any:
    """A boolean column (a flag such as "had a late delivery") as 0/1
    numbers; pandas' nullable booleans keep NA as NaN (an error naming the
    row). Other columns unchanged."""
    dtype = getattr(col, "dtype", None)
    if dtype is None:
        return col
    if str(dtype) in ("bool", "boolean", "Boolean"):
        if _module(col) == "polars":
            return col.cast(float)
        return col.astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    return col


def _plain(v: Any) -> Any:
    return v.item() if hasattr(v, "item") else v


def _options(purchase: Optional[Sequence[str]], dropout: Optional[Sequence[str]], penalty_purchase: float,
             penalty_dropout: float, level: float, max_iterations: int, accept_unconverged: bool,
             shared: Sequence[str] = ()) -> Dict[str, Any]:
    """The core's CovariateOptions."""
    options: Dict[str, Any] = {
        "shared": list(shared),
        "penalty_purchase": float(penalty_purchase),
        "penalty_dropout": float(penalty_dropout),
        "level": float(level),
        "max_iterations": int(max_iterations),
        "accept_unconverged": bool(accept_unconverged),
    }
    if purchase is not None:
        options["purchase"] = list(purchase)
    if dropout is not None:
        options["dropout"] = list(dropout)
    return options


class CovariateModel:
    """A purchase model with time-invariant covariates (from
    :func:`fit_covariates`, or :meth:`from_json`). ``coefficients`` and
    ``effects`` are pandas DataFrames; predictions take the customer
    summary and the covariates of the same customers."""

    def __init__(self, text: str) -> None:
        # Checked by the core (a malformed model is a cx.DecodeError).
        _cx.call("covariate_model", {"model": text})
        self._json = text
        self._d: Dict[str, Any] = json.loads(text)

    @classmethod
    def from_json(cls, text: str) -> "CovariateModel":
        """Reads a model written by :meth:`to_json` (in any of the three languages)."""
        return cls(text)

    def to_json(self) -> str:
        """The model as JSON: base model, covariate names and means, coefficients, covariance, fit report."""
        return self._json

    def __reduce__(self) -> Any:
        return (CovariateModel, (self._json,))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, CovariateModel) and self._d == other._d

    __hash__ = None  # type: ignore[assignment]

    @property
    def model(self) -> str:
        """``pareto_nbd``, ``bg_nbd`` or ``mbg_nbd``."""
        return str(self._d["base"]["model"])

    @property
    def base(self) -> Any:
        """The model at z = 0 (r, α₀, …) as a cx model object."""
        return load_model(json.dumps(self._d["base"]))

    @property
    def params(self) -> Dict[str, float]:
        """The base parameters by name."""
        return {k: v for k, v in self._d["base"].items() if k not in ("model", "fit")}

    @property
    def covariates(self) -> List[str]:
        """The covariate names."""
        return list(self._d["covariates"])

    @property
    def coefficients(self) -> Any:
        """One row per coefficient: covariate, process (``purchase``,
        ``dropout``, ``both``, ``dropout_a``, ``dropout_b``), estimate,
        standard_error, z, p_value, lower, upper (Wald, at ``level``)."""
        import pandas as pd

        cols = ["covariate", "process", "estimate", "standard_error", "z", "p_value", "lower", "upper"]
        return pd.DataFrame([{c: r.get(c) for c in cols} for r in self._d["coefficients"]], columns=cols).astype(
            {c: float for c in cols[2:]}
        )

    @property
    def effects(self) -> Any:
        """What a one-unit increase of each covariate does at the covariates'
        means: percent change of the mean purchase rate, of the mean drop-out
        rate (Pareto/NBD) or of the mean drop-out probability per purchase
        (BG family), with its interval (delta method)."""
        import pandas as pd

        cols = ["covariate", "on", "percent", "lower", "upper"]
        return pd.DataFrame([{c: r.get(c) for c in cols} for r in self._d["effects"]], columns=cols).astype(
            {c: float for c in cols[2:]}
        )

    @property
    def report(self) -> Optional[Dict[str, Any]]:
        """How the fit went: log_likelihood, customers, parameters, aic, bic,
        likelihood_ratio (null_log_likelihood, statistic, df, p_value),
        iterations, converged, gradient_norm, termination, penalties."""
        return self._d.get("fit")

    @property
    def covariance(self) -> Optional[np.ndarray]:
        """Covariance of (ln r, ln α₀, ln s | ln a₀, ln β₀ | ln b₀, γ…)."""
        c = self._d.get("covariance")
        return None if c is None else np.asarray(c, dtype=float)

    def customer_model(self, **values: float) -> Any:
        """The purchase model of a customer with these covariate values
        (every covariate by name)."""
        missing = set(self.covariates) - set(values)
        unknown = set(values) - set(self.covariates)
        if missing or unknown:
            raise TypeError(f"pass every covariate by name: missing {sorted(missing)}, unknown {sorted(unknown)}")
        args: Dict[str, Any] = {
            "model": self._json,
            "prediction": {"kind": "log_likelihood"},
            "frequency": np.zeros(1), "recency": np.zeros(1), "t": np.ones(1),
            "covariates": {k: [float(v)] for k, v in values.items()},
        }
        _cx.call("predict_covariates", args)  # checks the values
        d = dict(self._d["base"])
        theta = {k: np.log(v) for k, v in self.params.items()}
        names = ["r", "alpha", "s", "beta"] if self.model == "pareto_nbd" else ["r", "alpha", "a", "b"]
        links = {"purchase": [(1, -1)], "dropout": [(3, -1)], "both": [(1, -1), (3, -1)],
                 "dropout_a": [(2, 1)], "dropout_b": [(3, 1)]}
        for c in self._d["coefficients"]:
            for j, sign in links[c["process"]]:
                theta[names[j]] += sign * c["estimate"] * float(values[c["covariate"]])
        d.update({k: float(np.exp(v)) for k, v in theta.items()})
        d.pop("fit", None)
        return load_model(json.dumps(d))

    def predict(self, prediction: Dict[str, Any], data: Any = None, covariates: Any = None, *,
                frequency: Column = "frequency", recency: Column = "recency", T: Column = "T",
                monetary_value: Optional[Column] = None) -> np.ndarray:
        """Any prediction of the purchase models (``{"kind": "probability_alive"}``,
        ``{"kind": "conditional_expected_purchases", "horizon": 13}``, …) for
        each customer with its own covariates."""
        names: Dict[str, Column] = {"frequency": frequency, "recency": recency, "t": T}
        if monetary_value is not None:
            names["monetary_value"] = monetary_value
        cols, _ = _columns(data, names)
        n = len(cols["frequency"])
        index = data.index if _module(data) == "pandas" else None
        args: Dict[str, Any] = {"model": self._json, "prediction": prediction, **cols}
        args.update(_covariate_args(covariates, n, index, self.covariates))
        return np.asarray(_cx.call("predict_covariates", args), dtype=float)

    def probability_alive(self, data: Any = None, covariates: Any = None, **columns: Any) -> np.ndarray:
        """P(alive) of each customer with its covariates."""
        return self.predict({"kind": "probability_alive"}, data, covariates, **columns)

    def predict_purchases(self, horizon: float, data: Any = None, covariates: Any = None, **columns: Any) -> np.ndarray:
        """Expected purchases in the next ``horizon`` of each customer with its covariates."""
        return self.predict({"kind": "conditional_expected_purchases", "horizon": float(horizon)}, data, covariates, **columns)

    def log_likelihood(self, data: Any = None, covariates: Any = None, **columns: Any) -> np.ndarray:
        """Each customer's ln L at the fitted parameters and its covariates."""
        return self.predict({"kind": "log_likelihood"}, data, covariates, **columns)

    def clv(self, spend_model: Any, data: Any = None, covariates: Any = None, *, months: int = 12,
            discount_rate: float = 0.01, periods_per_month: float = 30.0, freq: Optional[str] = None,
            monetary_value: Column = "monetary_value", **columns: Any) -> np.ndarray:
        """Customer lifetime value over ``months`` with a gamma-gamma
        ``spend_model`` (``discount_rate`` per month; ``periods_per_month`` or
        ``freq``, the summary's unit, as :meth:`cx.GammaGamma.clv`), each
        customer with its covariates."""
        options: Dict[str, Any] = {"months": int(months), "discount_rate": float(discount_rate),
                                   "periods_per_month": float(periods_per_month)}
        if freq is not None:
            options["freq"] = freq
        pred = {"kind": "clv", "spend": json.loads(spend_model.to_json()), "options": options}
        return self.predict(pred, data, covariates, monetary_value=monetary_value, **columns)

    def predict_periods(self, prediction: Dict[str, Any], data: Any, periods: "PeriodCovariates",
                        **columns: Any) -> np.ndarray:
        """A Pareto/NBD covariate model's ``log_likelihood``,
        ``probability_alive`` or ``conditional_expected_purchases``
        (``{"kind": …, "horizon": h}``; the periods must reach T + h) for
        each customer with its period covariates (:class:`PeriodCovariates`)."""
        return _predict_dynamic(self, prediction, data, periods, **columns)

    @property
    def time_varying(self) -> bool:
        """Whether the coefficients were fitted to covariates that vary by period."""
        return bool(self._d.get("time_varying", False))

    def __repr__(self) -> str:
        rep = self.report or {}
        ll = f", log_likelihood={rep['log_likelihood']:.4f}" if "log_likelihood" in rep else ""
        return f"CovariateModel({self.model}, covariates={self.covariates}{ll})"


def fit_covariates(
    data: Any,
    covariates: Any,
    *,
    model: str = "pareto_nbd",
    purchase: Optional[Sequence[str]] = None,
    dropout: Optional[Sequence[str]] = None,
    shared: Sequence[str] = (),
    penalty_purchase: float = 0.0,
    penalty_dropout: float = 0.0,
    level: float = 0.95,
    max_iterations: int = 1000,
    accept_unconverged: bool = False,
    frequency: Column = "frequency",
    recency: Column = "recency",
    T: Column = "T",
) -> CovariateModel:
    """Fits ``model`` (``pareto_nbd``, ``bg_nbd``, ``mbg_nbd``) with
    time-invariant covariates to a customer summary.

    ``covariates``: a pandas or polars DataFrame (or dict of columns) of
    numbers or flags (booleans count as 0/1), one row per customer — a pandas frame indexed by customer is
    aligned to the summary's index (e.g. :func:`promise_covariates`'s
    output), anything else must be in the summary's order. ``purchase`` and
    ``dropout`` list the covariates of each process (default: every
    covariate on both, with separate coefficients); ``shared`` covariates
    get one coefficient on both processes (Pareto/NBD only).
    ``penalty_purchase`` / ``penalty_dropout``: L2 penalty λ·Σγ² on the
    coefficients of the standardized covariates. Covariates are
    standardized for the optimizer only; coefficients are per unit of the
    covariate. Errors (:class:`cx.CovariateError`) name the column and row
    of a NaN, a constant or collinear covariate, a missing customer.
    """
    cols, _ = _columns(data, {"frequency": frequency, "recency": recency, "t": T})
    n = len(cols["frequency"])
    index = data.index if _module(data) == "pandas" else None
    # With both lists given, only the covariates they name are read.
    used = None
    if purchase is not None and dropout is not None:
        used = list(dict.fromkeys([*purchase, *dropout, *shared]))
    options = _options(purchase, dropout, penalty_purchase, penalty_dropout, level, max_iterations,
                       accept_unconverged, shared)
    args: Dict[str, Any] = {"model": model, "options": options, **cols}
    args.update(_covariate_args(covariates, n, index, used))
    return CovariateModel(json.dumps(_cx.call("fit_covariates", args)))


def promise_covariates(
    orders: Any = None,
    feedback: Any = None,
    contacts: Any = None,
    deliveries: Any = None,
    *,
    columns: Optional[Mapping[str, str]] = None,
    until: Any = None,
    **options: Any,
) -> Any:
    """The shop's promise gaps per customer, as covariates for
    :func:`fit_covariates`: a pandas DataFrame indexed by customer with
    ``deliveries``, ``late_deliveries``, ``late_share``, ``mean_days_late``
    (deliveries table), ``contacts``, ``open_contacts``,
    ``repeat_contacts`` (contacts), ``failed_first_contacts`` (contacts
    with a case column: cases not resolved at the first contact),
    ``answered``, ``detractor``,
    ``promoter`` (feedback: the last NPS answer), counting rows up to
    ``until`` (the end of the calibration period; default the last
    observed day). Tables and ``columns`` as in :func:`cx.signals`;
    ``options``: ``grace_days`` (0), ``repeat_days`` (7),
    ``detractor_max`` (6), ``promoter_min`` (9). ``frame.attrs["tables"]``
    says how many rows of each table were used and left out.

    >>> import cx, pandas as pd
    >>> d = pd.DataFrame({"customer": ["a", "a", "b"],
    ...                   "promised": pd.to_datetime(["2024-05-01", "2024-05-10", "2024-05-20"]),
    ...                   "delivered": pd.to_datetime(["2024-05-03", "2024-05-10", "2024-05-20"])})
    >>> cx.promise_covariates(deliveries=d)["late_share"].tolist()
    [0.5, 0.0]
    """
    import pandas as pd

    from .signals import _arguments

    tables = {
        name: t
        for name, t in (("orders", orders), ("feedback", feedback), ("contacts", contacts), ("deliveries", deliveries))
        if t is not None
    }
    if until is not None:
        options["until"] = until if isinstance(until, str) else str(until)[:10]
    args, labels = _arguments(tables, dict(columns or {})) if tables else ({}, [])
    args["options"] = options
    r = _cx.call("promise_covariates", args)
    frame = pd.DataFrame({n: np.asarray(r["columns"][n], dtype=float) for n in r["names"]},
                         index=pd.Index(r["customers"], name="customer"))
    frame.attrs["tables"] = r["tables"]
    frame.attrs["until"] = r["until"]
    return frame


class PeriodCovariates:
    """Covariates per customer and calendar period for
    :func:`fit_dynamic_covariates`: ``first`` (each customer's first
    purchase in the summary's time unit, from the grid's origin),
    ``boundaries`` (the K + 1 period boundaries in that unit), ``purchases``
    (repeat purchases per customer and period, n × K) and ``covariates``
    (name → n × K array). Build it with :func:`period_covariates` from the
    orders and a long covariate frame, or from arrays."""

    def __init__(self, first: Any, boundaries: Any, purchases: Any, covariates: Mapping[str, Any],
                 customers: Any = None) -> None:
        self.first = np.ascontiguousarray(np.asarray(first, dtype=float))
        self.boundaries = np.ascontiguousarray(np.asarray(boundaries, dtype=float))
        self.purchases = np.ascontiguousarray(np.asarray(purchases, dtype=float))
        self.covariates = {str(k): np.ascontiguousarray(np.asarray(v, dtype=float)) for k, v in covariates.items()}
        self.customers = customers
        n, k = len(self.first), len(self.boundaries) - 1
        for name, v in [("purchases", self.purchases), *self.covariates.items()]:
            if v.shape != (n, k):
                raise CovariateError(
                    f"`{name}` has shape {v.shape}; customers × periods is ({n}, {k})",
                    {"column": name, "index": None},
                )

    def _args(self, names: Optional[Sequence[str]] = None) -> Dict[str, Any]:
        names = list(self.covariates) if names is None else list(names)
        out: Dict[str, Any] = {
            "first": self.first, "boundaries": self.boundaries, "purchases": self.purchases.ravel(),
            "covariate_names": names,
        }
        for c in names:
            if c not in self.covariates:
                raise CovariateError(f"covariate `{c}`: no such period covariate", {"column": c, "index": None})
            out[f"covariate.{c}"] = self.covariates[c].ravel()
        return out

    def __repr__(self) -> str:
        return (f"PeriodCovariates({len(self.first)} customers × {len(self.boundaries) - 1} periods, "
                f"covariates={list(self.covariates)})")


def period_covariates(
    orders: Any,
    covariates: Any = None,
    *,
    customers: Any,
    customer_id: str = "customer_id",
    timestamp: str = "timestamp",
    period: str = "period",
    multiplier: float = 1.0,
    period_end: Any = None,
    starts: Any = None,
    deliveries: Any = None,
    contacts: Any = None,
    feedback: Any = None,
    columns: Optional[Mapping[str, str]] = None,
    grace_days: float = 0.0,
    detractor_max: float = 6.0,
    lag: int = 0,
) -> PeriodCovariates:
    """Builds :class:`PeriodCovariates` from the orders and a long covariate
    frame, for the customers of a summary (``customers``: its customer ids,
    in its order; the summary must come from :func:`cx.customer_summary`
    with ``period="day"`` and the same ``multiplier``).

    ``covariates`` (pandas): one row per period (``period``: the period's
    start) with the covariate columns — the same for every customer
    (seasonality, campaigns) — or one row per customer and period when it
    has a ``customer_id`` column. Periods are the sorted distinct starts;
    the last ends at ``period_end`` (default: one median period length
    later). A customer's repeat purchases are its distinct order days after
    the first, counted in the period they fall in.

    The shop's promise tables (``deliveries``, ``contacts``, ``feedback``,
    with ``columns`` as in :func:`cx.signals`) add, per customer and period:
    ``deliveries`` and ``late_deliveries`` (due in the period; late, or
    still not delivered at its end), ``contacts`` and ``open_contacts``
    (open at the period's end), ``detractor`` (the last NPS answer by the
    period's end is ≤ ``detractor_max``), shifted ``lag`` periods later
    (deliveries are due in the weeks a customer orders, so same-week counts
    follow buying as much as they drive it: use ``lag=1`` or more for a
    driver). Without a calendar, give the period ``starts``.
    """
    import pandas as pd

    o = pd.DataFrame({"c": orders[customer_id].to_numpy(), "t": pd.to_datetime(orders[timestamp])})
    o["day"] = o["t"].dt.floor("D")
    if covariates is None:
        if starts is None:
            raise InvalidParameterError("give a covariate calendar or the period `starts`", {"argument": "starts"})
        covariates = pd.DataFrame({period: pd.DatetimeIndex(starts)})
    starts = pd.DatetimeIndex(sorted(pd.to_datetime(covariates[period]).unique()))
    if len(starts) < 2 and period_end is None:
        raise InvalidParameterError("`covariates` needs two periods or a `period_end`", {"argument": "period_end"})
    end = pd.Timestamp(period_end) if period_end is not None else starts[-1] + pd.Series(starts).diff().median()
    grid = starts.append(pd.DatetimeIndex([end]))
    origin = grid[0]
    unit = pd.Timedelta(days=1) * float(multiplier)
    boundaries = np.asarray((grid - origin) / unit, dtype=float)
    ids = pd.Index(customers)
    days = o.drop_duplicates(["c", "day"]).sort_values(["c", "day"])
    first_day = days.groupby("c")["day"].first()
    missing = ~ids.isin(first_day.index)
    if missing.any():
        pos = int(np.flatnonzero(missing)[0])
        raise CovariateError(f"customer {_plain(ids[pos])!r} (row {pos}) has no orders",
                             {"column": None, "customer": _plain(ids[pos]), "index": pos})
    first = np.asarray((first_day.reindex(ids) - origin) / unit, dtype=float)
    n, k = len(ids), len(grid) - 1
    repeats = days[days.groupby("c").cumcount() > 0]
    repeats = repeats[repeats["c"].isin(ids)]
    at = np.asarray((repeats["day"] - origin) / unit, dtype=float)
    which = np.searchsorted(boundaries, at, side="right") - 1
    row = ids.get_indexer(repeats["c"])
    ok = (which >= 0) & (which < k)
    purchases = np.zeros((n, k))
    np.add.at(purchases, (row[ok], which[ok]), 1.0)
    names = [c for c in covariates.columns if c not in (period, customer_id)]
    cov = covariates.assign(**{period: pd.to_datetime(covariates[period])})
    pidx = pd.Index(starts).get_indexer(cov[period])
    values = {}
    for name in names:
        v = np.full((n, k), np.nan)
        col = cov[name].to_numpy(dtype=float)
        if customer_id in cov.columns:
            r = ids.get_indexer(cov[customer_id])
            keep = r >= 0
            v[r[keep], pidx[keep]] = col[keep]
        else:
            v[:, pidx] = col
        values[name] = v
    tables = {t: v for t, v in (("deliveries", deliveries), ("contacts", contacts), ("feedback", feedback)) if v is not None}
    if tables:
        from .signals import _arguments

        args, _ = _arguments(tables, dict(columns or {}))
        args["options"] = {"boundaries": [str(d.date()) for d in grid], "grace_days": float(grace_days),
                           "detractor_max": float(detractor_max), "lag": int(lag)}
        r = _cx.call("promise_periods", args)
        at = pd.Index(r["customers"]).get_indexer(ids.astype(str) if pd.Index(r["customers"]).dtype == object else ids)
        for name in r["names"]:
            grid_values = np.asarray(r["columns"][name], dtype=float).reshape(len(r["customers"]), k)
            v = np.zeros((n, k))
            v[at >= 0] = grid_values[at[at >= 0]]
            values[name] = v
    return PeriodCovariates(first, boundaries, purchases, values, customers=ids)


def fit_dynamic_covariates(
    data: Any,
    periods: PeriodCovariates,
    *,
    purchase: Optional[Sequence[str]] = None,
    dropout: Optional[Sequence[str]] = None,
    penalty_purchase: float = 0.0,
    penalty_dropout: float = 0.0,
    level: float = 0.95,
    max_iterations: int = 1000,
    accept_unconverged: bool = False,
    frequency: Column = "frequency",
    recency: Column = "recency",
    T: Column = "T",
) -> CovariateModel:
    """Fits Pareto/NBD with time-varying covariates (Bachmann, Meierer &
    Näf 2021): in each calendar period a customer's purchase rate is
    multiplied by exp(γ_purchase·z) and its drop-out rate by
    exp(γ_dropout·z), z the period's covariates (:class:`PeriodCovariates`).
    ``purchase`` / ``dropout`` list the covariates of each process (default:
    all on both). Errors name the customer row and period of a covariate
    that is missing where the customer is observed, and a customer whose
    window the periods do not cover."""
    cols, _ = _columns(data, {"frequency": frequency, "recency": recency, "t": T})
    options = _options(purchase, dropout, penalty_purchase, penalty_dropout, level, max_iterations,
                       accept_unconverged)
    used = None
    if purchase is not None and dropout is not None:
        used = list(dict.fromkeys([*purchase, *dropout]))
    args: Dict[str, Any] = {"options": options, **cols, **periods._args(used)}
    return CovariateModel(json.dumps(_cx.call("fit_dynamic_covariates", args)))


def _predict_dynamic(model: CovariateModel, prediction: Dict[str, Any], data: Any, periods: PeriodCovariates,
                     frequency: Column = "frequency", recency: Column = "recency", T: Column = "T") -> np.ndarray:
    cols, _ = _columns(data, {"frequency": frequency, "recency": recency, "t": T})
    args: Dict[str, Any] = {"model": model.to_json(), "prediction": prediction, **cols, **periods._args(model.covariates)}
    return np.asarray(_cx.call("predict_dynamic", args), dtype=float)

