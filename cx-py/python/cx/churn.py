"""Churn models: BG/NBD, MBG/NBD, Pareto/NBD and the gamma-gamma spend model.

Each model is fitted by maximum likelihood in the Rust core (L-BFGS on the
log-parameters, analytic gradients, identical customers compressed into
weights) and predicts per customer. Input is the customer summary of
:func:`cx.customer_summary` (columns ``frequency``, ``recency``, ``T`` and
``monetary_value``) as a pandas or polars DataFrame, or the columns as
arrays. Predictions are numpy arrays (a float for scalar input).

A model is a small JSON value: ``to_json()`` here, ``load_model`` in Python,
``loadModel`` in JavaScript and ``AnyModel::from_json`` in Rust all read it.

>>> import cx
>>> m = cx.BetaGeo(r=0.243, alpha=4.414, a=0.793, b=2.426)
>>> round(m.probability_of_purchases(39.0, 0), 4)
0.5738
>>> round(m.probability_alive(frequency=2, recency=30.43, T=38.86), 4)
0.7266
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Sequence, Tuple, Type, Union

import numpy as np

from . import _cx
from ._errors import InvalidParameterError
from ._input import as_array
from ._lifetimes_names import CountNames, PurchaseNames, SpendNames
from ._results import _Result

Column = Union[str, Any]
ArrayOrFloat = Union[np.ndarray, float]

#: Model time units per month for lifetimes' ``freq`` codes (its CLV convention).


@dataclass(frozen=True)
class FitReport(_Result):
    """How a fit went. A fit that does not converge from any of its
    starting points raises :class:`cx.NotConvergedError`, unless
    ``accept_unconverged=True``: then ``converged`` is False and the
    parameters are the best found, not an optimum; ``termination`` says why
    it stopped and ``starts`` how many starting points were tried."""

    log_likelihood: float
    customers: float
    distinct_rows: int
    aic: float
    bic: float
    standard_errors: Optional[Tuple[float, ...]]
    iterations: int
    converged: bool
    gradient_norm: float
    termination: str
    penalizer: float
    starts: int


@dataclass(frozen=True)
class FrequencyBin(_Result):
    """Mean actual and predicted holdout purchases of the customers with one
    calibration frequency (the last bin holds this and more)."""

    frequency: int
    customers: int
    actual: float
    predicted: float


@dataclass(frozen=True)
class HoldoutCheck(_Result):
    """Predicted vs actual purchases in a holdout period."""

    bins: Tuple[FrequencyBin, ...]
    customers: int
    actual_total: float
    predicted_total: float
    mean_absolute_error: float

    def frame(self) -> Any:
        """The bins as a pandas DataFrame (frequency, customers, actual, predicted)."""
        import pandas as pd

        return pd.DataFrame([b.to_dict() for b in self.bins])


@dataclass(frozen=True)
class BootstrapIntervals:
    """Per-customer and total intervals of one prediction from the
    uncertainty of the fitted parameters (``method``: ``parametric`` or
    ``customers``; ``failed`` replicates are left out)."""

    method: str
    replicates: int
    failed: int
    level: float
    estimate: np.ndarray
    low: np.ndarray
    high: np.ndarray
    total: Dict[str, float]

    def frame(self) -> Any:
        """estimate, low and high per customer as a pandas DataFrame."""
        import pandas as pd

        return pd.DataFrame({"estimate": self.estimate, "low": self.low, "high": self.high})


def _columns(data: Any, names: Dict[str, Column]) -> Tuple[Dict[str, np.ndarray], bool]:
    """float64 arrays of the named columns (scalars broadcast to the length
    of the others); whether every input was a scalar."""
    out: Dict[str, np.ndarray] = {}
    scalar_keys = []
    for key, c in names.items():
        if isinstance(c, str) and data is None:
            raise TypeError(f"`{key}`: pass a DataFrame as `data`, or the column itself instead of the name {c!r}")
        v = data[c] if isinstance(c, str) else c
        if np.ndim(v) == 0 and not hasattr(v, "__len__"):
            scalar_keys.append(key)
            v = np.atleast_1d(np.asarray(v, dtype=np.float64))
        out[key] = as_array(v, key, float64=True)
    if scalar_keys and len(scalar_keys) < len(out):
        n = next(len(v) for k, v in out.items() if k not in scalar_keys)
        for k in scalar_keys:
            out[k] = np.full(n, out[k][0])
    return out, len(scalar_keys) == len(out)


def _result(v: np.ndarray, scalar: bool) -> ArrayOrFloat:
    return float(v[0]) if scalar else v


def _periods(t: Any) -> Tuple[np.ndarray, bool]:
    if np.ndim(t) == 0 and not hasattr(t, "__len__"):
        return np.atleast_1d(np.asarray(t, dtype=np.float64)), True
    return as_array(t, "t", float64=True), False


class ChurnModelBase:
    """What every model has: parameters, the fit report, JSON and pickle."""

    _tag: str = ""
    _names: Tuple[str, ...] = ()

    def __init__(self, **params: float) -> None:
        self._json: Optional[str] = None
        if params:
            unknown = set(params) - set(self._names)
            missing = set(self._names) - set(params)
            if unknown or missing:
                raise TypeError(
                    f"{type(self).__name__} takes the parameters {', '.join(self._names)}"
                    f" (unknown: {sorted(unknown)}, missing: {sorted(missing)})"
                )
            text = json.dumps({"model": self._tag, **{k: float(v) for k, v in params.items()}})
            self._json = _cx.churn_model(text)

    # -- state ---------------------------------------------------------------

    @property
    def fitted(self) -> bool:
        """Whether the model has parameters (fitted or given)."""
        return self._json is not None

    def _model(self) -> str:
        if self._json is None:
            raise RuntimeError(f"{type(self).__name__} has no parameters yet: call fit() or pass them")
        return self._json

    @property
    def params(self) -> Dict[str, float]:
        """The parameters by name."""
        d = json.loads(self._model())
        return {k: d[k] for k in self._names}

    @property
    def report(self) -> Optional[FitReport]:
        """How the fit went, or None for a model built from given parameters."""
        fit = json.loads(self._model()).get("fit")
        return None if fit is None else FitReport._from_core(fit)

    @property
    def summary(self) -> Any:
        """Parameters with standard errors and 95% Wald intervals, as a pandas
        DataFrame indexed by parameter (the layout of lifetimes' ``summary``)."""
        return self.parameters(0.95)

    def parameters(self, level: float = 0.95) -> Any:
        """Each parameter with its standard error and Wald interval at
        ``level`` (from the core: the same numbers in Rust and JS), as a
        pandas DataFrame; NaN where the model was not fitted."""
        import pandas as pd

        rows = _cx.call("parameters", {"model": self._model(), "level": float(level)})
        pct = f"{level * 100:g}%"
        nan = lambda v: math.nan if v is None else v  # noqa: E731
        return pd.DataFrame(
            [
                {"coef": r["value"], "se": nan(r["se"]), f"lower {pct} bound": nan(r["low"]), f"upper {pct} bound": nan(r["high"])}
                for r in rows
            ],
            index=[r["name"] for r in rows],
        )

    def to_json(self) -> str:
        """The model (parameters and fit report) as JSON, readable by
        :func:`load_model`, by ``cx.loadModel`` in JavaScript and by
        ``AnyModel::from_json`` in Rust."""
        return self._model()

    @classmethod
    def from_json(cls, text: str) -> Any:
        """Reads a model written by ``to_json`` (in any language)."""
        m = load_model(text)
        if not isinstance(m, cls):
            raise TypeError(f"the JSON holds a {type(m).__name__}, not a {cls.__name__}")
        return m

    def __reduce__(self) -> Any:
        return (_restore, (type(self).__name__, self._json))

    def __eq__(self, other: object) -> bool:
        return type(self) is type(other) and self._json == other._json  # type: ignore[attr-defined]

    def __hash__(self) -> int:
        return hash((type(self).__name__, self._json))

    def __repr__(self) -> str:
        if self._json is None:
            return f"{type(self).__name__}()"
        p = ", ".join(f"{k}={v:.6g}" for k, v in self.params.items())
        rep = self.report
        fit = "" if rep is None else f", log_likelihood={rep.log_likelihood:.4f}, customers={rep.customers:g}"
        return f"{type(self).__name__}({p}{fit})"

    def _fit(
        self,
        columns: Dict[str, np.ndarray],
        penalizer: float,
        initial: Optional[Sequence[float]],
        max_iterations: int,
        accept_unconverged: bool = False,
    ) -> Any:
        opts: Dict[str, Any] = {
            "penalizer": float(penalizer),
            "max_iterations": int(max_iterations),
            "accept_unconverged": bool(accept_unconverged),
        }
        if initial is not None:
            opts["initial"] = [float(v) for v in initial]
        self._json = _cx.churn_fit(self._tag, options=opts, **columns)
        return self


class _PurchaseModel(PurchaseNames, ChurnModelBase):
    """Purchase models: who is alive and how many purchases each will make."""

    def fit(
        self,
        data: Any = None,
        *,
        frequency: Column = "frequency",
        recency: Column = "recency",
        T: Column = "T",
        penalizer: float = 0.0,
        initial: Optional[Sequence[float]] = None,
        max_iterations: int = 500,
        accept_unconverged: bool = False,
        weights: Optional[Column] = None,
    ) -> Any:
        """Fits the model to a customer summary (a DataFrame with the named
        columns, or the columns as arrays with ``data=None``) and returns it.
        ``weights`` (a column name or array; lifetimes' ``weights``) says how
        many customers each row stands for, for summaries already compressed
        into distinct (frequency, recency, T) rows.

        ``penalizer`` is lifetimes' ``penalizer_coef`` with its semantics
        (c·Σθ² on the mean negative log-likelihood, time rescaled so that
        the largest T is 1; the same c gives lifetimes' estimates). A fit
        that converges from none of its starting points raises
        :class:`cx.NotConvergedError`; with ``accept_unconverged=True`` it is
        returned with ``report.converged == False`` instead."""
        names: Dict[str, Column] = {"frequency": frequency, "recency": recency, "t": T}
        if weights is not None:
            names["weights"] = weights
        cols, _ = _columns(data, names)
        return self._fit(cols, penalizer, initial, max_iterations, accept_unconverged)

    def _predict(self, prediction: Dict[str, Any], data: Any, frequency: Column, recency: Column, T: Column) -> ArrayOrFloat:
        cols, scalar = _columns(data, {"frequency": frequency, "recency": recency, "t": T})
        return _result(_cx.churn_predict(self._model(), prediction, **cols), scalar)

    def probability_alive(
        self, data: Any = None, *, frequency: Column = "frequency", recency: Column = "recency", T: Column = "T"
    ) -> ArrayOrFloat:
        """P(alive | frequency, recency, T) of each customer."""
        return self._predict({"kind": "probability_alive"}, data, frequency, recency, T)

    def predict_purchases(
        self,
        horizon: float,
        data: Any = None,
        *,
        frequency: Column = "frequency",
        recency: Column = "recency",
        T: Column = "T",
    ) -> ArrayOrFloat:
        """Expected purchases of each customer in the next ``horizon`` time
        units, given their history (E[X(t) | x, tₓ, T])."""
        return self._predict({"kind": "conditional_expected_purchases", "horizon": float(horizon)}, data, frequency, recency, T)

    def conditional_probability_of_purchases(
        self,
        n: int,
        horizon: float,
        data: Any = None,
        *,
        frequency: Column = "frequency",
        recency: Column = "recency",
        T: Column = "T",
    ) -> ArrayOrFloat:
        """P(exactly ``n`` purchases in the next ``horizon`` | history) of each
        customer: the conditional PMF (REFERENCES.md section 6(a); for
        Pareto/NBD, Fader & Hardie's note 028).

        >>> import cx
        >>> m = cx.BetaGeo(r=0.2425945, alpha=4.4136027, a=0.7929218, b=2.4259057)
        >>> round(m.conditional_probability_of_purchases(0, 39, frequency=2, recency=30.43, T=38.86), 6)
        0.445393
        """
        p = {"kind": "conditional_probability_of_purchases", "horizon": float(horizon), "n": int(n)}
        return self._predict(p, data, frequency, recency, T)

    def probability_of_any_purchase(
        self,
        horizon: float,
        data: Any = None,
        *,
        frequency: Column = "frequency",
        recency: Column = "recency",
        T: Column = "T",
    ) -> ArrayOrFloat:
        """P(at least one purchase in the next ``horizon``) of each customer:
        who will buy in the next 30 days."""
        return self._predict({"kind": "probability_of_any_purchase", "horizon": float(horizon)}, data, frequency, recency, T)

    def purchases_quantile(
        self,
        q: float,
        horizon: float,
        data: Any = None,
        *,
        frequency: Column = "frequency",
        recency: Column = "recency",
        T: Column = "T",
    ) -> ArrayOrFloat:
        """The ``q``-quantile of each customer's number of purchases in the
        next ``horizon``: the least n with P(X ≤ n) ≥ q."""
        p = {"kind": "purchases_quantile", "horizon": float(horizon), "q": float(q)}
        return self._predict(p, data, frequency, recency, T)

    def purchases_interval(
        self,
        horizon: float,
        data: Any = None,
        *,
        level: float = 0.9,
        frequency: Column = "frequency",
        recency: Column = "recency",
        T: Column = "T",
    ) -> Tuple[ArrayOrFloat, ArrayOrFloat]:
        """Equal-tailed ``level`` interval (low, high) of each customer's
        number of purchases in the next ``horizon``, from the conditional PMF
        at the fitted parameters (the uncertainty of the future count, not of
        the parameters)."""
        if not 0.0 < level < 1.0:
            raise InvalidParameterError(
                f"`level` = {level} is invalid: expected a number strictly between 0 and 1",
                {"argument": "level", "value": level},
            )
        tail = (1.0 - level) / 2.0
        low = self.purchases_quantile(tail, horizon, data, frequency=frequency, recency=recency, T=T)
        high = self.purchases_quantile(1.0 - tail, horizon, data, frequency=frequency, recency=recency, T=T)
        return low, high

    def probability_alive_at(
        self,
        horizon: float,
        data: Any = None,
        *,
        frequency: Column = "frequency",
        recency: Column = "recency",
        T: Column = "T",
    ) -> ArrayOrFloat:
        """P(alive ``horizon`` after T) whatever the customer does meanwhile
        (PyMC-Marketing's ``expected_probability_alive(future_t)``)."""
        return self._predict({"kind": "probability_alive_at", "horizon": float(horizon)}, data, frequency, recency, T)

    def probability_alive_if_silent(
        self,
        horizon: float,
        data: Any = None,
        *,
        frequency: Column = "frequency",
        recency: Column = "recency",
        T: Column = "T",
    ) -> ArrayOrFloat:
        """P(alive ``horizon`` after T) of a customer who makes no purchase
        until then: how P(alive) falls while a customer stays silent."""
        return self._predict({"kind": "probability_alive_if_silent", "horizon": float(horizon)}, data, frequency, recency, T)

    def bootstrap(
        self,
        prediction: Dict[str, Any],
        data: Any = None,
        *,
        frequency: Column = "frequency",
        recency: Column = "recency",
        T: Column = "T",
        weights: Optional[Column] = None,
        monetary_value: Optional[Column] = None,
        periods: Any = None,
        method: str = "parametric",
        replicates: int = 200,
        level: float = 0.9,
        seed: int = 0,
    ) -> BootstrapIntervals:
        """Intervals of ``prediction`` (e.g. ``{"kind":
        "conditional_expected_purchases", "horizon": 13}``) for each customer
        and for their total, from the uncertainty of the parameters of this
        model, fitted to ``data``. ``method="parametric"`` draws the
        log-parameters from the fit's normal approximation;
        ``"customers"`` resamples customers and refits (CLVTools' bootstrap).
        ``periods`` asks a new customer's prediction at those ages instead.
        For total CLV pass ``{"kind": "clv", "spend": <a GammaGamma's
        json.loads(to_json())>, "options": {"periods_per_month": 4.345}}``
        and ``monetary_value``. Seeded and reproducible; replicates run on
        all cores."""
        names: Dict[str, Column] = {"frequency": frequency, "recency": recency, "t": T}
        if weights is not None:
            names["weights"] = weights
        if monetary_value is not None:
            names["monetary_value"] = monetary_value
        cols, _ = _columns(data, names)
        args: Dict[str, Any] = {
            "model": self._model(),
            "prediction": dict(prediction),
            "options": {"method": method, "replicates": int(replicates), "level": float(level), "seed": int(seed)},
            **cols,
        }
        if periods is not None:
            args["periods"] = as_array(periods, "periods", float64=True)
        r = _cx.call("bootstrap", args)
        arr = lambda k: np.array([math.nan if v is None else v for v in r[k]], dtype=float)  # noqa: E731
        return BootstrapIntervals(
            method=r["method"],
            replicates=r["replicates"],
            failed=r["failed"],
            level=r["level"],
            estimate=arr("estimate"),
            low=arr("low"),
            high=arr("high"),
            total=dict(r["total"]),
        )

    def alive_path(self, purchases: Any, at: Any) -> np.ndarray:
        """P(alive) along one customer's own history (lifetimes'
        ``calculate_alive_path``; the data of ``plot_history_alive``): at each
        time of ``at`` since the first purchase, given the repeat
        ``purchases`` (times since the first purchase, ascending) up to then.

        >>> import cx
        >>> m = cx.BetaGeo(r=0.24, alpha=30.9, a=0.79, b=2.43)  # days
        >>> path = m.alive_path([17, 213, 345], range(0, 547, 91))
        >>> bool(path[0] == 1.0 and path[1] < 1.0)
        True
        """
        args = {
            "model": self._model(),
            "purchases": as_array(purchases, "purchases", float64=True),
            "at": as_array(np.asarray(list(at) if isinstance(at, range) else at, dtype=np.float64), "at", float64=True),
        }
        return np.asarray(_cx.call("alive_path", args), dtype=float)

    def dert(
        self,
        delta: float,
        data: Any = None,
        *,
        frequency: Column = "frequency",
        recency: Column = "recency",
        T: Column = "T",
    ) -> ArrayOrFloat:
        """Discounted expected residual transactions of each customer, with
        ``delta`` the continuous discount rate per time unit (15 % a year on
        weeks: ``math.log(1.15) / 52``; CLVTools' default is ``log(1.1)`` per
        unit). Times expected spend it is the residual value (Fader, Hardie &
        Lee 2005). Pareto/NBD in closed form, BG/NBD and MBG/NBD by
        quadrature of the conditional expectation.

        >>> import cx, math
        >>> m = cx.ParetoNbd(r=0.5532622, alpha=10.5775399, s=0.6062388, beta=11.6686284)
        >>> round(m.dert(math.log(1.15) / 52, frequency=2, recency=30.43, T=38.86), 5)
        6.49997
        """
        return self._predict({"kind": "dert", "delta": float(delta)}, data, frequency, recency, T)

    def churn_deadline(
        self,
        threshold: float = 0.5,
        data: Any = None,
        *,
        frequency: Column = "frequency",
        recency: Column = "recency",
        T: Column = "T",
    ) -> ArrayOrFloat:
        """Time after T until P(alive) of a customer who stays silent falls
        below ``threshold``: the date for the win-back mail. NaN where it never
        does (a BG/NBD customer without repeat purchases keeps P(alive) 1).

        >>> import cx
        >>> m = cx.ParetoNbd(r=0.5532622, alpha=10.5775399, s=0.6062388, beta=11.6686284)
        >>> round(m.churn_deadline(0.5, frequency=2, recency=30.43, T=38.86), 4)
        24.1668
        """
        return self._predict({"kind": "churn_deadline", "threshold": float(threshold)}, data, frequency, recency, T)

    def log_likelihood(
        self, data: Any = None, *, frequency: Column = "frequency", recency: Column = "recency", T: Column = "T"
    ) -> ArrayOrFloat:
        """Each customer's log-likelihood at these parameters (their sum is the
        fit's log-likelihood; the lowest values flag unusual customers)."""
        return self._predict({"kind": "log_likelihood"}, data, frequency, recency, T)

    def expected_purchases(self, t: Any) -> ArrayOrFloat:
        """Expected purchases of a new customer within ``t`` of the first purchase."""
        arr, scalar = _periods(t)
        return _result(_cx.churn_predict(self._model(), {"kind": "expected_purchases"}, t=arr), scalar)

    def score(
        self,
        data: Any,
        horizon: float,
        *,
        frequency: Column = "frequency",
        recency: Column = "recency",
        T: Column = "T",
    ) -> Any:
        """The input frame (pandas or polars) with two columns added:
        ``probability_alive`` and ``expected_purchases`` in the next ``horizon``."""
        alive = self.probability_alive(data, frequency=frequency, recency=recency, T=T)
        nxt = self.predict_purchases(horizon, data, frequency=frequency, recency=recency, T=T)
        if type(data).__module__.split(".")[0] == "polars":
            import polars as pl

            return data.with_columns(pl.Series("probability_alive", alive), pl.Series("expected_purchases", nxt))
        return data.assign(probability_alive=alive, expected_purchases=nxt)

    def calibration_vs_holdout(
        self,
        data: Any,
        *,
        frequency: Column = "frequency_cal",
        recency: Column = "recency_cal",
        T: Column = "T_cal",
        frequency_holdout: Column = "frequency_holdout",
        duration_holdout: Optional[float] = None,
        last_bin: int = 7,
    ) -> HoldoutCheck:
        """Predicted vs actual holdout purchases per customer, in aggregate
        and by calibration frequency, from the frame of
        :func:`cx.calibration_holdout`. ``duration_holdout`` defaults to that
        frame's column of the same name."""
        cols, _ = _columns(
            data, {"frequency": frequency, "recency": recency, "t": T, "frequency_holdout": frequency_holdout}
        )
        if duration_holdout is None:
            if data is None:
                raise TypeError("give duration_holdout")
            d = as_array(data["duration_holdout"], "duration_holdout", float64=True)
            duration_holdout = float(d[0]) if len(d) else 0.0
        r = _cx.churn_holdout(
            self._model(),
            cols["frequency"],
            cols["recency"],
            cols["t"],
            cols["frequency_holdout"],
            float(duration_holdout),
            int(last_bin),
        )
        r["bins"] = tuple(FrequencyBin(**b) for b in r["bins"])
        return HoldoutCheck(**r)


class _CountModel(CountNames, _PurchaseModel):
    """The BG/NBD family, which also gives the purchase-count distribution."""

    def probability_of_purchases(self, t: Any, n: int) -> ArrayOrFloat:
        """P(X(t) = n): the chance that a new customer makes exactly ``n``
        purchases within ``t``."""
        if int(n) != n or n < 0:
            raise ValueError(f"n = {n!r}: expected a whole number >= 0")
        arr, scalar = _periods(t)
        return _result(_cx.churn_predict(self._model(), {"kind": "probability_of_purchases", "n": int(n)}, t=arr), scalar)


class BetaGeo(_CountModel):
    """BG/NBD (Fader, Hardie & Lee 2005): purchases at a gamma-distributed
    Poisson rate (r, alpha); after each purchase the customer drops out with
    a beta-distributed probability (a, b).

    >>> import cx, pandas as pd
    >>> df = pd.DataFrame({"frequency": [0, 2, 5], "recency": [0, 30.4, 35.0], "T": [38.9, 38.9, 39.0]})
    >>> m = cx.BetaGeo(r=0.243, alpha=4.414, a=0.793, b=2.426)
    >>> m.score(df, horizon=39).round(3).values.tolist()[1]
    [2.0, 30.4, 38.9, 0.726, 1.224]
    """

    _tag = "bg_nbd"
    _names = ("r", "alpha", "a", "b")


class ModifiedBetaGeo(_CountModel):
    """MBG/NBD (Batislam, Denizel & Filiztekin 2007): BG/NBD in which a
    customer may also drop out right after the first purchase."""

    _tag = "mbg_nbd"
    _names = ("r", "alpha", "a", "b")


class ParetoNbd(_PurchaseModel):
    """Pareto/NBD (Schmittlein, Morrison & Colombo 1987): purchases at a
    gamma-Poisson rate (r, alpha), lifetimes exponential with a gamma rate
    (s, beta). The likelihood is evaluated in log space with a Gauss
    hypergeometric series, or a quadrature where the series would crawl,
    so that frequencies in the thousands stay finite."""

    _tag = "pareto_nbd"
    _names = ("r", "alpha", "s", "beta")


class GammaGamma(SpendNames, ChurnModelBase):
    """Gamma-gamma spend model (Fader, Hardie & Lee 2005): a customer's
    spend per transaction is gamma(p, ν) with ν ~ gamma(q, v). Fitted on the
    repeat customers (frequency > 0); the report's ``customers`` counts them."""

    _tag = "gamma_gamma"
    _names = ("p", "q", "v")

    def fit(
        self,
        data: Any = None,
        *,
        frequency: Column = "frequency",
        monetary_value: Column = "monetary_value",
        penalizer: float = 0.0,
        initial: Optional[Sequence[float]] = None,
        max_iterations: int = 500,
        accept_unconverged: bool = False,
        weights: Optional[Column] = None,
    ) -> "GammaGamma":
        """Fits the spend model to frequency and mean spend per repeat purchase.
        ``weights`` says how many customers each row stands for (distinct
        (frequency, monetary_value) rows with their counts give the fit on
        every customer)."""
        names: Dict[str, Column] = {"frequency": frequency, "monetary_value": monetary_value}
        if weights is not None:
            names["weights"] = weights
        cols, _ = _columns(data, names)
        return self._fit(cols, penalizer, initial, max_iterations, accept_unconverged)  # type: ignore[no-any-return]

    def expected_spend(
        self, data: Any = None, *, frequency: Column = "frequency", monetary_value: Column = "monetary_value"
    ) -> ArrayOrFloat:
        """E[spend | frequency, mean spend]: each customer's mean shrunk
        towards the population mean p·v/(q − 1)."""
        cols, scalar = _columns(data, {"frequency": frequency, "monetary_value": monetary_value})
        return _result(_cx.churn_predict(self._model(), {"kind": "expected_spend"}, **cols), scalar)

    def log_likelihood(
        self, data: Any = None, *, frequency: Column = "frequency", monetary_value: Column = "monetary_value"
    ) -> ArrayOrFloat:
        """Each customer's log-likelihood of their mean spend (0 for customers
        without repeat purchases, who are not part of the fit)."""
        cols, scalar = _columns(data, {"frequency": frequency, "monetary_value": monetary_value})
        return _result(_cx.churn_predict(self._model(), {"kind": "log_likelihood"}, **cols), scalar)

    def clv(
        self,
        purchase_model: _PurchaseModel,
        data: Any = None,
        *,
        frequency: Column = "frequency",
        recency: Column = "recency",
        T: Column = "T",
        monetary_value: Column = "monetary_value",
        months: int = 12,
        discount_rate: float = 0.01,
        periods_per_month: float = 30.0,
        freq: Optional[str] = None,
    ) -> ArrayOrFloat:
        """Discounted value of each customer over the next ``months``:
        Σₘ E[spend]·(E[X(m·f)] − E[X((m−1)·f)]) / (1 + d)ᵐ with f =
        ``periods_per_month`` (30 for a summary in days, 4.345 in weeks) and
        d the monthly ``discount_rate``; lifetimes' monthly convention.
        ``freq`` (``"D"``, ``"W"``, ``"M"``, ``"H"``) sets f by that
        convention instead."""
        cols, scalar = _columns(
            data, {"frequency": frequency, "recency": recency, "t": T, "monetary_value": monetary_value}
        )
        opts = {"months": int(months), "discount_rate": float(discount_rate), "periods_per_month": float(periods_per_month), "freq": freq}
        v = _cx.churn_clv(
            purchase_model._model(),
            self._model(),
            cols["frequency"],
            cols["recency"],
            cols["t"],
            cols["monetary_value"],
            opts,
        )
        return _result(v, scalar)


_CLASSES: Dict[str, Type[ChurnModelBase]] = {c._tag: c for c in (BetaGeo, ModifiedBetaGeo, ParetoNbd, GammaGamma)}


def load_model(text: str) -> Any:
    """Reads any model's JSON (written by ``to_json`` in Python, JS or Rust)
    into the matching class."""
    canonical = _cx.churn_model(text)
    cls = _CLASSES[json.loads(canonical)["model"]]
    m = cls()
    m._json = canonical
    return m


def _restore(name: str, text: Optional[str]) -> Any:
    cls = {c.__name__: c for c in _CLASSES.values()}[name]
    if text is None:
        return cls()
    return load_model(text)


__all__: List[str] = [
    "BetaGeo",
    "ModifiedBetaGeo",
    "ParetoNbd",
    "GammaGamma",
    "FitReport",
    "FrequencyBin",
    "HoldoutCheck",
    "BootstrapIntervals",
    "load_model",
]
