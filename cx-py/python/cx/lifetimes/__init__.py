"""A drop-in for lifetimes 0.11.3's fitters: ``from cx import lifetimes``
(or ``import cx.lifetimes as lifetimes``) in place of ``import lifetimes``
keeps a notebook's calls, argument names and defaults, and computes with
cx's core (numpy 2 / pandas 3, many times faster). ``lifetimes.utils`` is
:mod:`cx.lifetimes.utils`.

Covered: ``BetaGeoFitter``, ``ModifiedBetaGeoFitter``, ``ParetoNBDFitter``,
``GammaGammaFitter`` and ``BetaGeoBetaBinomFitter`` with ``fit`` (``weights``,
``initial_params``, ``penalizer_coef``), ``params_``, ``summary``, ``data``
and the prediction methods; ``utils.summary_data_from_transaction_data``,
``utils.calibration_and_holdout_data``, ``utils.expected_cumulative_transactions``.
``lifetimes.plotting`` (matplotlib, optional) is :mod:`cx.lifetimes.plotting`:
the matrices, expected repeat purchases, history alive, cumulative and
incremental tracking, calibration vs holdout and the two heterogeneity plots.
"""

from __future__ import annotations

from typing import Any, Dict, Optional

import numpy as np

from .. import churn as _churn
from .. import discrete as _discrete
from . import plotting, utils

__all__ = [
    "BetaGeoFitter",
    "ModifiedBetaGeoFitter",
    "ParetoNBDFitter",
    "GammaGammaFitter",
    "BetaGeoBetaBinomFitter",
    "utils",
    "plotting",
]


def _series(params: Dict[str, float]) -> Any:
    import pandas as pd

    return pd.Series(params)


def _summary(model: Any) -> Any:
    """lifetimes' summary layout: coef, se(coef), lower/upper 95% bound."""
    s = model.parameters(0.95)
    return s.rename(columns={"se": "se(coef)"})


def _converging(fit: Any) -> Any:
    """Runs a fit, raising lifetimes' ``ConvergenceError`` where cx raises
    ``NotConvergedError`` (lifetimes' users catch the former)."""
    from .. import _errors

    try:
        return fit()
    except _errors.NotConvergedError as e:
        raise utils.ConvergenceError(str(e), e.fields) from e


class _Fitter:
    """What lifetimes' fitters share: the penalizer, ``params_``, ``summary``."""

    def __init__(self, penalizer_coef: float = 0.0) -> None:
        super().__init__()  # type: ignore[call-arg]
        self.penalizer_coef = float(penalizer_coef)
        self.data: Any = None

    @property
    def params_(self) -> Any:
        """The fitted parameters as a pandas Series (lifetimes' ``params_``)."""
        return _series(self.params)  # type: ignore[attr-defined]

    @property
    def summary(self) -> Any:
        """Parameters with standard errors and 95% bounds, lifetimes' columns."""
        return _summary(self)

    def __repr__(self) -> str:
        try:
            params = self.params  # type: ignore[attr-defined]
        except RuntimeError:
            return f"<lifetimes.{type(self).__name__}>"
        p = ", ".join(f"{k}: {v:.2f}" for k, v in params.items())
        return f"<lifetimes.{type(self).__name__}: fitted with {self.report.customers:g} subjects, {p}>"  # type: ignore[attr-defined]


class _PurchaseFitter(_Fitter):
    def fit(
        self,
        frequency: Any,
        recency: Any,
        T: Any,
        weights: Any = None,
        initial_params: Any = None,
        verbose: bool = False,
        tol: float = 1e-7,
        index: Any = None,
        **kwargs: Any,
    ) -> Any:
        """lifetimes' signature; ``verbose``, ``tol`` and optimizer keyword
        arguments are accepted and ignored (cx's optimizer has its own
        convergence test and reports it in ``report``)."""
        import pandas as pd

        x, r, t = (np.asarray(v, dtype=float) for v in (frequency, recency, T))
        w = None if weights is None else np.asarray(weights, dtype=float)
        fit = super().fit  # type: ignore[misc]
        _converging(
            lambda: fit(
                frequency=x,
                recency=r,
                T=t,
                weights=w,
                penalizer=self.penalizer_coef,
                initial=None if initial_params is None else [float(v) for v in initial_params],
                max_iterations=kwargs.get("max_iterations", 500),
            )
        )
        cols: Dict[str, Any] = {"frequency": x, "recency": r, "T": t}
        if w is not None:
            cols["weights"] = w
        self.data = pd.DataFrame(cols, index=index)
        return self


class BetaGeoFitter(_PurchaseFitter, _churn.BetaGeo):
    """lifetimes' ``BetaGeoFitter`` on cx's BG/NBD."""


class ModifiedBetaGeoFitter(_PurchaseFitter, _churn.ModifiedBetaGeo):
    """lifetimes' ``ModifiedBetaGeoFitter`` on cx's MBG/NBD."""


class ParetoNBDFitter(_PurchaseFitter, _churn.ParetoNbd):
    """lifetimes' ``ParetoNBDFitter`` on cx's Pareto/NBD."""


class GammaGammaFitter(_Fitter, _churn.GammaGamma):
    """lifetimes' ``GammaGammaFitter`` on cx's gamma-gamma model."""

    def fit(
        self,
        frequency: Any,
        monetary_value: Any,
        weights: Any = None,
        initial_params: Any = None,
        verbose: bool = False,
        tol: float = 1e-7,
        index: Any = None,
        q_constraint: bool = False,
        **kwargs: Any,
    ) -> Any:
        """lifetimes' signature. Customers without repeat purchases must be
        left out first, as in lifetimes' documentation. ``weights`` are not
        supported for gamma-gamma (a ``ValueError``)."""
        import pandas as pd

        if weights is not None:
            raise ValueError("cx.lifetimes.GammaGammaFitter does not take weights: pass one row per customer")
        x, m = np.asarray(frequency, dtype=float), np.asarray(monetary_value, dtype=float)
        if np.any(m < 0):
            raise ValueError("There exist negative monetary values in the data.")
        fit = super().fit
        _converging(
            lambda: fit(
                frequency=x,
                monetary_value=m,
                penalizer=self.penalizer_coef,
                initial=None if initial_params is None else [float(v) for v in initial_params],
            )
        )
        self.data = pd.DataFrame({"frequency": x, "monetary_value": m}, index=index)
        return self


class BetaGeoBetaBinomFitter(_Fitter, _discrete.BetaGeoBetaBinom):
    """lifetimes' ``BetaGeoBetaBinomFitter`` on cx's BG/BB."""

    def fit(
        self,
        frequency: Any,
        recency: Any,
        n_periods: Any,
        weights: Any = None,
        initial_params: Any = None,
        verbose: bool = False,
        tol: float = 1e-7,
        index: Any = None,
        **kwargs: Any,
    ) -> Any:
        """lifetimes' signature (``n_periods`` opportunities per customer)."""
        import pandas as pd

        x, r, n = (np.asarray(v, dtype=float) for v in (frequency, recency, n_periods))
        w = None if weights is None else np.asarray(weights, dtype=float)
        fit = super().fit
        _converging(lambda: fit(frequency=x, recency=r, periods=n, weights=w, penalizer=self.penalizer_coef))
        self.data = pd.DataFrame({"frequency": x, "recency": r, "n_periods": n, **({"weights": w} if w is not None else {})}, index=index)
        return self

    @property
    def summary(self) -> Any:
        import pandas as pd

        return pd.DataFrame({"coef": self.params_})

    def conditional_expected_number_of_purchases_up_to_time(self, m_periods_in_future: float, frequency: Any, recency: Any, n_periods: Any) -> Any:
        """Expected purchases at the next ``m_periods_in_future`` opportunities."""
        return self.predict_purchases(m_periods_in_future, frequency=frequency, recency=recency, periods=n_periods)

    def conditional_probability_alive(self, m_periods_in_future: int, frequency: Any, recency: Any, n_periods: Any) -> Any:
        """P(alive at the next opportunity); lifetimes' ``m_periods_in_future``
        must be 1 here (other horizons are not covered yet)."""
        if m_periods_in_future != 1:
            raise ValueError("cx.lifetimes covers conditional_probability_alive(1, ...) (alive at the next opportunity)")
        return self.probability_alive(frequency=frequency, recency=recency, periods=n_periods)

    def expected_number_of_transactions_in_first_n_periods(self, n: int) -> Any:
        """Expected purchases of a new customer at the first ``n`` opportunities
        (a float; lifetimes returns a frame of the distribution)."""
        return self.expected_purchases(float(n))
