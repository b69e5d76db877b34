"""lifetimes.plotting on cx: the same function names and arguments; each
draws with matplotlib (an optional dependency, imported when a plot is
drawn) and returns the Axes. The plotted numbers are cx's: the tests check
that every line and bar holds the computed values."""

from __future__ import annotations

import math
from typing import Any, Optional

import numpy as np

__all__ = [
    "plot_frequency_recency_matrix",
    "plot_probability_alive_matrix",
    "plot_expected_repeat_purchases",
    "plot_history_alive",
    "plot_cumulative_transactions",
    "plot_incremental_transactions",
    "plot_calibration_purchases_vs_holdout_purchases",
    "plot_transaction_rate_heterogeneity",
    "plot_dropout_rate_heterogeneity",
    "plot_period_transactions",
]


def _plt() -> Any:
    try:
        import matplotlib.pyplot as plt
    except ImportError as e:  # pragma: no cover - depends on the environment
        raise ImportError("cx.lifetimes.plotting needs matplotlib: pip install matplotlib") from e
    return plt


def _axes(ax: Any = None) -> Any:
    return ax if ax is not None else _plt().gca()


def _grid(model: Any, max_frequency: Optional[int], max_recency: Optional[int]) -> tuple:
    data = getattr(model, "data", None)
    if max_frequency is None:
        max_frequency = int(data["frequency"].max()) if data is not None else 30
    if max_recency is None:
        max_recency = int(data["T"].max()) if data is not None else 40
    f = np.arange(max_frequency + 1, dtype=float)
    r = np.arange(max_recency + 1, dtype=float)
    return f, r, float(max_recency)


def _matrix(model: Any, T: float, max_frequency: Optional[int], max_recency: Optional[int], what: str) -> tuple:
    f, r, t_age = _grid(model, max_frequency, max_recency)
    F, R = np.meshgrid(f, r, indexing="ij")
    valid = (R <= t_age) & ~((F == 0) & (R > 0))
    x, tx = F[valid], R[valid]
    age = np.full(x.shape, t_age)
    if what == "alive":
        v = model.probability_alive(frequency=x, recency=tx, T=age)
    else:
        v = model.predict_purchases(T, frequency=x, recency=tx, T=age)
    z = np.full(F.shape, np.nan)
    z[valid] = v
    return z


def plot_frequency_recency_matrix(model: Any, T: float = 1, max_frequency: Optional[int] = None, max_recency: Optional[int] = None,
                                  title: Optional[str] = None, xlabel: str = "Customer's Historical Frequency",
                                  ylabel: str = "Customer's Recency", ax: Any = None, **kwargs: Any) -> Any:
    """Expected purchases in the next ``T`` for each (frequency, recency) of
    a customer of the oldest age in the data: a heat map (rows recency,
    columns frequency, as lifetimes)."""
    ax = _axes(ax)
    z = _matrix(model, T, max_frequency, max_recency, "expected")
    im = ax.imshow(z.T, aspect="auto", origin="lower", **kwargs)
    ax.figure.colorbar(im, ax=ax)
    ax.set_title(title or f"Expected Number of Future Purchases for {T} Unit{'s' if T != 1 else ''} of Time,\nby Frequency and Recency of a Customer")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    return ax


def plot_probability_alive_matrix(model: Any, max_frequency: Optional[int] = None, max_recency: Optional[int] = None,
                                  title: str = "Probability Customer is Alive,\nby Frequency and Recency of a Customer",
                                  xlabel: str = "Customer's Historical Frequency", ylabel: str = "Customer's Recency",
                                  ax: Any = None, **kwargs: Any) -> Any:
    """P(alive) for each (frequency, recency) of a customer of the oldest age
    in the data."""
    ax = _axes(ax)
    z = _matrix(model, 0.0, max_frequency, max_recency, "alive")
    im = ax.imshow(z.T, aspect="auto", origin="lower", vmin=0, vmax=1, **kwargs)
    ax.figure.colorbar(im, ax=ax)
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    return ax


def plot_expected_repeat_purchases(model: Any, title: str = "Expected Number of Repeat Purchases per Customer",
                                   xlabel: str = "Time Since First Purchase", ax: Any = None, label: Optional[str] = None,
                                   **kwargs: Any) -> Any:
    """E[X(t)] of a new customer up to the oldest age in the data (solid) and
    beyond, to 1.5 times it (dashed)."""
    ax = _axes(ax)
    t_max = float(model.data["T"].max()) if getattr(model, "data", None) is not None else 40.0
    inside = np.linspace(0, t_max, 100)
    outside = np.linspace(t_max, 1.5 * t_max, 50)
    line = ax.plot(inside, model.expected_purchases(inside), label=label, **kwargs)[0]
    ax.plot(outside, model.expected_purchases(outside), color=line.get_color(), ls="--")
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    return ax


def plot_history_alive(model: Any, t: int, transactions: Any, datetime_col: str, freq: str = "D", start_date: Any = None,
                       ax: Any = None, **kwargs: Any) -> Any:
    """One customer's P(alive) path over ``t`` periods from the first
    purchase (a line), with the purchases marked (dashed verticals). The
    model must be in units of ``freq``."""
    import pandas as pd

    ax = _axes(ax)
    dates = pd.to_datetime(transactions[datetime_col])
    unit = {"D": "D", "W": "W"}.get(freq)
    if unit is None:
        raise ValueError("plot_history_alive covers freq 'D' and 'W'")
    first = dates.min().to_period(freq)
    periods = sorted({(d.to_period(freq) - first).n for d in dates})
    repeats = [float(p) for p in periods if p > 0]
    at = np.arange(t + 1, dtype=float)
    path = model.alive_path(repeats, at)
    ax.plot(at, path, label="P_alive", **kwargs)
    for p in repeats:
        ax.axvline(p, color="r", ls="--")
    ax.set_ylim(0, 1.05)
    ax.set_title("History of P_alive")
    ax.set_ylabel("P_alive")
    ax.legend(loc=3)
    return ax


def _tracking(model: Any, transactions: Any, datetime_col: str, customer_id_col: str, t: int, datetime_format: Optional[str],
              freq: str, set_index_date: bool, freq_multiplier: int) -> Any:
    from .utils import expected_cumulative_transactions

    return expected_cumulative_transactions(model, transactions, datetime_col, customer_id_col, t, datetime_format=datetime_format,
                                            freq=freq, set_index_date=set_index_date, freq_multiplier=freq_multiplier)


def _draw_tracking(ax: Any, df: Any, t_cal: int, m: int, set_index_date: bool, title: str, xlabel: str, ylabel: str) -> Any:
    ax.plot(df.index, df["actual"], label="actual")
    ax.plot(df.index, df["predicted"], ls="--", label="model")
    ax.axvline(df.index[int(t_cal / m) - 1] if set_index_date else t_cal / m - 1, color="r", ls="--")
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.legend()
    return ax


def plot_cumulative_transactions(model: Any, transactions: Any, datetime_col: str, customer_id_col: str, t: int, t_cal: int,
                                 datetime_format: Optional[str] = None, freq: str = "D", set_index_date: bool = False,
                                 title: str = "Tracking Cumulative Transactions", xlabel: str = "day",
                                 ylabel: str = "Cumulative Transactions", ax: Any = None, **kwargs: Any) -> Any:
    """Actual vs model cumulative repeat purchases, with the end of
    calibration at ``t_cal`` (a red vertical). ``freq_multiplier`` may be
    given as a keyword, as in lifetimes."""
    m = kwargs.pop("freq_multiplier", 1)
    df = _tracking(model, transactions, datetime_col, customer_id_col, t, datetime_format, freq, set_index_date, m)
    return _draw_tracking(_axes(ax), df, t_cal, m, set_index_date, title, xlabel, ylabel)


def plot_incremental_transactions(model: Any, transactions: Any, datetime_col: str, customer_id_col: str, t: int, t_cal: int,
                                  datetime_format: Optional[str] = None, freq: str = "D", set_index_date: bool = False,
                                  title: str = "Tracking Daily Transactions", xlabel: str = "day", ylabel: str = "Transactions",
                                  ax: Any = None, **kwargs: Any) -> Any:
    """Actual vs model repeat purchases per row (the increments of the
    cumulative plot)."""
    m = kwargs.pop("freq_multiplier", 1)
    cum = _tracking(model, transactions, datetime_col, customer_id_col, t, datetime_format, freq, set_index_date, m)
    df = cum.diff()
    df.iloc[0] = cum.iloc[0]
    return _draw_tracking(_axes(ax), df, t_cal, m, set_index_date, title, xlabel, ylabel)


def plot_calibration_purchases_vs_holdout_purchases(model: Any, calibration_holdout_matrix: Any, kind: str = "frequency_cal",
                                                    n: int = 7, ax: Any = None, **kwargs: Any) -> Any:
    """Mean actual and predicted holdout purchases by calibration frequency
    (``kind="frequency_cal"``, the bins 0..n)."""
    if kind != "frequency_cal":
        raise ValueError("cx.lifetimes.plotting covers kind='frequency_cal'")
    ax = _axes(ax)
    check = model.calibration_vs_holdout(calibration_holdout_matrix.reset_index(drop=True), last_bin=n)
    bins = check.frame()
    ax.plot(bins["frequency"], bins["actual"], label="frequency_holdout", marker="o")
    ax.plot(bins["frequency"], bins["predicted"], label="model_predictions", marker="o")
    ax.set_title("Actual Purchases in Holdout Period vs Predicted Purchases")
    ax.set_xlabel("Purchases in calibration period")
    ax.set_ylabel("Average of Purchases in Holdout Period")
    ax.legend()
    return ax


def _gamma_pdf(x: np.ndarray, shape: float, rate: float) -> np.ndarray:
    return np.exp(shape * math.log(rate) + (shape - 1) * np.log(x) - rate * x - math.lgamma(shape))


def _beta_pdf(x: np.ndarray, a: float, b: float) -> np.ndarray:
    return np.exp((a - 1) * np.log(x) + (b - 1) * np.log1p(-x) - (math.lgamma(a) + math.lgamma(b) - math.lgamma(a + b)))


def plot_transaction_rate_heterogeneity(model: Any, suptitle: str = "Heterogeneity in Transaction Rate",
                                        xlabel: str = "Transaction Rate", ylabel: str = "Density", ax: Any = None,
                                        **kwargs: Any) -> Any:
    """The gamma density of the purchase rate λ across customers (r, α)."""
    ax = _axes(ax)
    r, alpha = model.params["r"], model.params["alpha"]
    x = np.linspace(1e-4, max(r / alpha * 5, 1e-3), 200)
    ax.plot(x, _gamma_pdf(x, r, alpha), **kwargs)
    ax.set_title(f"{suptitle}\nmean: {r / alpha:.4f}, var: {r / alpha ** 2:.4f}")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    return ax


def plot_dropout_rate_heterogeneity(model: Any, suptitle: str = "Heterogeneity in Dropout Probability",
                                    xlabel: str = "Dropout Probability p", ylabel: str = "Density", ax: Any = None,
                                    **kwargs: Any) -> Any:
    """The beta density of the drop-out probability p across customers (a, b;
    BG/NBD and MBG/NBD)."""
    ax = _axes(ax)
    a, b = model.params["a"], model.params["b"]
    x = np.linspace(1e-4, 1 - 1e-4, 200)
    ax.plot(x, _beta_pdf(x, a, b), **kwargs)
    ax.set_title(f"{suptitle}\nmean: {a / (a + b):.4f}, var: {a * b / ((a + b) ** 2 * (a + b + 1)):.4f}")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    return ax


def expected_period_transactions(model: Any, max_frequency: int = 7) -> Any:
    """The data of :func:`plot_period_transactions`: per repeat-purchase
    count 0 … ``max_frequency`` − 1, the customers of the fitted data with
    that count (``Actual``) and the number the model expects among
    customers of the same ages, Σᵢ P(X(Tᵢ) = x) (``Model``). lifetimes
    draws ``Model`` from one simulation of the fitted model; cx gives its
    expectation, so the bars do not change from run to run. BG/NBD and
    MBG/NBD (Pareto/NBD has no P(X(t) = x) in cx yet)."""
    import pandas as pd

    data = getattr(model, "data", None)
    if data is None or "T" not in data:
        raise ValueError("plot_period_transactions needs a fitted purchase model (BG/NBD or MBG/NBD)")
    if not hasattr(model, "probability_of_n_purchases_up_to_time"):
        raise NotImplementedError(
            f"{type(model).__name__}: cx gives P(X(t) = x) for BG/NBD and MBG/NBD only; plot_period_transactions needs it"
        )
    x = np.arange(int(max_frequency))
    actual = data["frequency"].value_counts().reindex(x, fill_value=0).to_numpy(dtype=float)
    t = data["T"].to_numpy(dtype=float)
    expected = np.array([np.sum(model.probability_of_n_purchases_up_to_time(t, int(k))) for k in x])
    return pd.DataFrame({"Actual": actual, "Model": expected}, index=pd.Index(x, name="frequency"))


def plot_period_transactions(model: Any, max_frequency: int = 7, title: str = "Frequency of Repeat Transactions",
                             xlabel: str = "Number of Calibration Period Transactions", ylabel: str = "Customers",
                             ax: Any = None, **kwargs: Any) -> Any:
    """lifetimes' bar chart of customers per repeat-purchase count, actual
    against the model (see :func:`expected_period_transactions`, which cx
    computes as an expectation instead of lifetimes' one simulation)."""
    labels = kwargs.pop("label", ["Actual", "Model"])
    df = expected_period_transactions(model, max_frequency)
    ax = _axes(ax)
    width = 0.4
    x = np.arange(len(df))
    ax.bar(x - width / 2, df["Actual"].to_numpy(), width, label=labels[0], **kwargs)
    ax.bar(x + width / 2, df["Model"].to_numpy(), width, label=labels[1], **kwargs)
    ax.set_xticks(x)
    ax.set_xticklabels([str(v) for v in df.index])
    ax.legend()
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    return ax
