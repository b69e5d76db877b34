"""Discrete-time models: the shifted-beta-geometric model of contractual
churn (subscriptions renewed period by period; Fader & Hardie 2007) and
BG/BB for fixed purchase opportunities (a yearly donation drive; Fader,
Hardie & Shang 2010). Both fit by maximum likelihood in the Rust core, with
the fit report of the other models, and travel as JSON."""

from __future__ import annotations

import json
from typing import Any, Dict, Optional, Sequence, Tuple

import numpy as np

from . import _cx
from ._input import as_array
from .churn import ArrayOrFloat, Column, FitReport, _columns, _periods, _result


class _DiscreteModel:
    _tag = ""
    _names: Tuple[str, ...] = ()
    _prefix = ""

    def __init__(self, **params: float) -> None:
        self._json: Optional[Dict[str, Any]] = None
        if params:
            if set(params) != set(self._names):
                raise TypeError(f"{type(self).__name__} takes the parameters {', '.join(self._names)}")
            model = {"model": self._tag, **{k: float(v) for k, v in params.items()}}
            # Checked by the core (a non-positive parameter is an InvalidParameterError).
            self._call("predict", {"model": model, **self._probe()})
            self._json = model

    def _probe(self) -> Dict[str, Any]:
        raise NotImplementedError

    def _call(self, what: str, args: Dict[str, Any]) -> Any:
        return _cx.call(f"{self._prefix}_{what}", args)

    def _model(self) -> Dict[str, Any]:
        if self._json is None:
            raise RuntimeError(f"{type(self).__name__} has no parameters yet: call fit() or pass them")
        return self._json

    def _options(self, penalizer: float, max_iterations: int, accept_unconverged: bool) -> Dict[str, Any]:
        return {"penalizer": float(penalizer), "max_iterations": int(max_iterations), "accept_unconverged": bool(accept_unconverged)}

    @property
    def params(self) -> Dict[str, float]:
        """The parameters by name."""
        return {k: self._model()[k] for k in self._names}

    @property
    def report(self) -> Optional[FitReport]:
        """How the fit went, or None for a model built from given parameters."""
        fit = self._model().get("fit")
        return None if fit is None else FitReport._from_core(fit)

    def to_json(self) -> str:
        """The model as JSON (read by ``from_json`` here and in JS and Rust)."""
        return json.dumps(self._model())

    @classmethod
    def from_json(cls, text: str) -> Any:
        """Reads a model written by ``to_json`` (in any language)."""
        m = cls()
        model = json.loads(text)
        m._call("predict", {"model": model, **m._probe()})
        m._json = model
        return m

    def __eq__(self, other: object) -> bool:
        return type(self) is type(other) and self._json == other._json  # type: ignore[attr-defined]

    def __repr__(self) -> str:
        if self._json is None:
            return f"{type(self).__name__}()"
        return f"{type(self).__name__}({', '.join(f'{k}={v:.6g}' for k, v in self.params.items())})"


class ShiftedBetaGeometric(_DiscreteModel):
    """The sBG model of contractual churn: each customer churns at the end
    of a period with probability θ ~ Beta(alpha, beta), so a cohort's
    retention rate rises over time by heterogeneity alone.

    >>> import cx
    >>> m = cx.ShiftedBetaGeometric().fit([1000, 631, 468, 382, 326, 289, 262, 241])
    >>> round(m.params["alpha"], 3), round(m.params["beta"], 3)
    (0.704, 1.182)
    >>> round(1000 * m.survival(12))  # Fader & Hardie 2007: 170 (actual 173)
    170
    """

    _tag = "sbg"
    _names = ("alpha", "beta")
    _prefix = "sbg"

    def _probe(self) -> Dict[str, Any]:
        return {"prediction": {"kind": "expected_lifetime"}}

    def fit(
        self,
        survivors: Optional[Sequence[float]] = None,
        *,
        periods: Any = None,
        churned: Any = None,
        weights: Any = None,
        penalizer: float = 0.0,
        max_iterations: int = 1000,
        accept_unconverged: bool = False,
    ) -> "ShiftedBetaGeometric":
        """Fits to a cohort's ``survivors`` (S0 at the start, then after each
        period), or to customers' ``periods`` (the period a churned customer
        left in, or the periods an active one has completed) and ``churned``
        flags, optionally with ``weights`` (customers per row)."""
        args: Dict[str, Any] = {"options": self._options(penalizer, max_iterations, accept_unconverged)}
        if survivors is not None:
            args["survivors"] = as_array(survivors, "survivors", float64=True)
        if periods is not None:
            args["periods"] = as_array(periods, "periods", float64=True)
            args["churned"] = np.asarray(churned, dtype=bool) if churned is not None else None
        if weights is not None:
            args["weights"] = as_array(weights, "weights", float64=True)
        self._json = self._call("fit", {k: v for k, v in args.items() if v is not None})
        return self

    def _per_period(self, kind: Dict[str, Any], t: Any) -> ArrayOrFloat:
        arr, scalar = _periods(t)
        return _result(np.asarray(self._call("predict", {"model": self._model(), "prediction": kind, "t": arr}), dtype=float), scalar)

    def survival(self, t: Any) -> ArrayOrFloat:
        """S(t): the share of a cohort still a customer after ``t`` periods."""
        return self._per_period({"kind": "survival"}, t)

    def churn_probability(self, t: Any) -> ArrayOrFloat:
        """P(churn in period ``t``) for a new customer (t ≥ 1)."""
        return self._per_period({"kind": "churn_probability"}, t)

    def retention_rate(self, t: Any) -> ArrayOrFloat:
        """The retention rate of period ``t`` (t ≥ 1): S(t)/S(t−1)."""
        return self._per_period({"kind": "retention_rate"}, t)

    def expected_lifetime(self) -> float:
        """Expected lifetime in periods; infinite when alpha ≤ 1."""
        v = self._call("predict", {"model": self._model(), "prediction": {"kind": "expected_lifetime"}})[0]
        return float("inf") if v is None else float(v)

    def discounted_expected_lifetime(self, discount_rate: float) -> float:
        """Σ S(t)/(1+d)^t of a new customer (Fader & Hardie 2010)."""
        p = {"kind": "discounted_expected_lifetime", "discount_rate": float(discount_rate)}
        return float(self._call("predict", {"model": self._model(), "prediction": p})[0])

    def discounted_expected_residual_lifetime(self, discount_rate: float, renewal: Any) -> ArrayOrFloat:
        """Discounted expected residual lifetime of a customer just before
        renewal ``renewal`` (≥ 1): the value of a subscriber, in periods."""
        p = {"kind": "discounted_expected_residual_lifetime", "discount_rate": float(discount_rate)}
        return self._per_period(p, renewal)


class BetaGeoBetaBinom(_DiscreteModel):
    """BG/BB: at each of a fixed series of opportunities an alive customer
    buys with probability p ~ Beta(alpha, beta), then drops out with
    probability θ ~ Beta(gamma, delta). Data per customer: ``frequency``
    (purchases), ``recency`` (opportunity of the last, 0 without) and
    ``periods`` (opportunities), optionally ``weights``.

    >>> import cx
    >>> m = cx.BetaGeoBetaBinom(alpha=1.204, beta=0.750, gamma=0.657, delta=2.783)  # donations
    >>> round(m.probability_alive(frequency=6, recency=6, periods=6), 3)
    0.93
    """

    _tag = "bg_bb"
    _names = ("alpha", "beta", "gamma", "delta")
    _prefix = "bgbb"

    def _probe(self) -> Dict[str, Any]:
        return {"prediction": {"kind": "expected_purchases"}, "periods": np.array([1.0])}

    def fit(
        self,
        data: Any = None,
        *,
        frequency: Column = "frequency",
        recency: Column = "recency",
        periods: Column = "periods",
        weights: Optional[Column] = None,
        penalizer: float = 0.0,
        max_iterations: int = 1000,
        accept_unconverged: bool = False,
    ) -> "BetaGeoBetaBinom":
        """Maximum-likelihood fit (identical rows are merged into weights)."""
        names: Dict[str, Column] = {"frequency": frequency, "recency": recency, "periods": periods}
        if weights is not None:
            names["weights"] = weights
        cols, _ = _columns(data, names)
        self._json = self._call("fit", {**cols, "options": self._options(penalizer, max_iterations, accept_unconverged)})
        return self

    def _predict(self, kind: Dict[str, Any], data: Any, frequency: Column, recency: Column, periods: Column) -> ArrayOrFloat:
        cols, scalar = _columns(data, {"frequency": frequency, "recency": recency, "periods": periods})
        out = self._call("predict", {"model": self._model(), "prediction": kind, **cols})
        return _result(np.asarray(out, dtype=float), scalar)

    def probability_alive(self, data: Any = None, *, frequency: Column = "frequency", recency: Column = "recency", periods: Column = "periods") -> ArrayOrFloat:
        """P(alive at the next opportunity) of each customer."""
        return self._predict({"kind": "probability_alive"}, data, frequency, recency, periods)

    def predict_purchases(self, future: float, data: Any = None, *, frequency: Column = "frequency", recency: Column = "recency", periods: Column = "periods") -> ArrayOrFloat:
        """Expected purchases of each customer at the next ``future`` opportunities."""
        return self._predict({"kind": "conditional_expected_purchases", "future": float(future)}, data, frequency, recency, periods)

    def dert(self, discount_rate: float, data: Any = None, *, frequency: Column = "frequency", recency: Column = "recency", periods: Column = "periods") -> ArrayOrFloat:
        """Discounted expected residual transactions, opportunity n+k
        discounted by (1 + discount_rate)^−k."""
        return self._predict({"kind": "dert", "discount_rate": float(discount_rate)}, data, frequency, recency, periods)

    def log_likelihood(self, data: Any = None, *, frequency: Column = "frequency", recency: Column = "recency", periods: Column = "periods") -> ArrayOrFloat:
        """Each customer's log-likelihood at these parameters."""
        return self._predict({"kind": "log_likelihood"}, data, frequency, recency, periods)

    def expected_purchases(self, n: Any) -> ArrayOrFloat:
        """Expected purchases of a new customer at the first ``n`` opportunities."""
        arr, scalar = _periods(n)
        out = self._call("predict", {"model": self._model(), "prediction": {"kind": "expected_purchases"}, "periods": arr})
        return _result(np.asarray(out, dtype=float), scalar)


__all__ = ["ShiftedBetaGeometric", "BetaGeoBetaBinom"]
