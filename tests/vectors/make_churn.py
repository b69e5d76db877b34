"""Writes churn.json: churn-model predictions from independent references.

References: lifetimes 0.11.3 (the established Python tool) for BG/NBD,
MBG/NBD, gamma-gamma and CLV, evaluated at the same parameters; mpmath at
50 digits for Pareto/NBD (the closed form of Fader, Hardie & Shang 2005,
"A note on deriving the Pareto/NBD model and related expressions", whose
double-precision evaluation overflows at the extremes listed in
REFERENCES.md section 4); published values where they exist.

Run from the repository root in a venv holding lifetimes 0.11.3 and what it
installs with (numpy<2, pandas<2, scipy<1.12, autograd) and mpmath 1.3.0:
    python tests/vectors/make_churn.py
(lifetimes' Pareto/NBD optimizer moves its penalized estimates by about 1e-4
with the scipy version; the tests compare them at 2e-3.)
"""

import json
import math
import pathlib

import mpmath as mp
import numpy as np
import pandas as pd
from lifetimes import BetaGeoFitter, GammaGammaFitter, ModifiedBetaGeoFitter, ParetoNBDFitter

mp.mp.dps = 50
OUT = pathlib.Path(__file__).with_name("churn.json")

# (x, t_x, T, mean spend): CDNOW customers (weeks) and the extremes of the issue.
CUSTOMERS = [
    (0, 0.0, 38.86, 0.0),
    (2, 30.43, 38.86, 22.35),
    (1, 1.71, 38.86, 11.77),
    (7, 29.43, 38.86, 73.74),
    (5, 38.86, 38.86, 20.0),  # t_x = T
    (26, 30.86, 31.0, 35.0),
    (0, 0.0, 0.5, 0.0),
    (200, 50.0, 52.0, 30.0),
    (301, 38.0, 39.0, 40.0),
    (1000, 100.0, 104.0, 10.0),
]
X = np.array([c[0] for c in CUSTOMERS], dtype=float)
TX = np.array([c[1] for c in CUSTOMERS])
T = np.array([c[2] for c in CUSTOMERS])
M = np.array([c[3] for c in CUSTOMERS])
PERIODS = [0.0, 1.0, 3.0, 32.0, 78.0]

BG = {"r": 0.2425945, "alpha": 4.4136027, "a": 0.7929218, "b": 2.4259057}
BG_ROUNDED = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
MBG = {"r": 0.5248, "alpha": 6.1831, "a": 0.8914, "b": 1.6140}
PNBD = {"r": 0.5532622, "alpha": 10.5775399, "s": 0.6062388, "beta": 11.6686284}
GG = {"p": 6.2488, "q": 3.7446, "v": 15.448}

# Fits that must fail with a typed error, the same in every language: the
# arguments of cx::bind's "fit" (model name, the columns, options).
FIT_COLUMNS = {"frequency": [0, 2, 1], "recency": [0.0, 30.43, 1.71], "T": [38.86, 38.86, 38.86]}
# Customer columns for the weighted-fit errors (gamma-gamma reads frequency and monetary_value).
WEIGHTED_FIT_COLUMNS = {**FIT_COLUMNS, "monetary_value": [0.0, 20.0, 35.5]}
FIT_ERRORS = [
    {"name": "misspelt fit option", "model": "bg_nbd", "options": {"penaliser": 0.1},
     "error": {"code": "invalid_parameter", "argument": "options"}},
    {"name": "negative penalizer", "model": "pareto_nbd", "options": {"penalizer": -1.0},
     "error": {"code": "invalid_parameter", "argument": "penalizer"}},
    {"name": "unknown model", "model": "bg_nbdx", "options": {},
     "error": {"code": "invalid_parameter", "argument": "model"}},
    {"name": "initial of the wrong type", "model": "mbg_nbd", "options": {"initial": "soon"},
     "error": {"code": "invalid_parameter", "argument": "options"}},
]


def fitter(cls, params, names):
    f = cls()
    f.params_ = pd.Series({n: params[k] for n, k in zip(names, params)})
    return f


def lt_bg(params, cls=BetaGeoFitter):
    return fitter(cls, params, ["r", "alpha", "a", "b"])


def lt_pnbd(params):
    return fitter(ParetoNBDFitter, params, ["r", "alpha", "s", "beta"])


def floats(a):
    return [float(v) for v in np.asarray(a, dtype=float)]


# -- Pareto/NBD in mpmath -------------------------------------------------------


def pnbd_parts(p, x, tx, t):
    r, alpha, s, beta = (mp.mpf(p[k]) for k in ("r", "alpha", "s", "beta"))
    x, tx, t = mp.mpf(x), mp.mpf(tx), mp.mpf(t)
    c = r + s + x
    if alpha >= beta:
        f = lambda y: mp.hyp2f1(c, s + 1, c + 1, (alpha - beta) / (alpha + y)) / (alpha + y) ** c
    else:
        f = lambda y: mp.hyp2f1(c, r + x, c + 1, (beta - alpha) / (beta + y)) / (beta + y) ** c
    a0 = f(tx) - f(t)
    alive_term = 1 / ((alpha + t) ** (r + x) * (beta + t) ** s)
    return r, alpha, s, beta, x, t, alive_term, s / c * a0


def pnbd_alive(p, x, tx, t):
    *_, alive, dead = pnbd_parts(p, x, tx, t)
    return alive / (alive + dead)


def pnbd_log_likelihood(p, x, tx, t):
    r, alpha, s, beta, x, t, alive, dead = pnbd_parts(p, x, tx, t)
    return mp.loggamma(r + x) - mp.loggamma(r) + r * mp.log(alpha) + s * mp.log(beta) + mp.log(alive + dead)


def bg_log_likelihood(p, x, tx, t):
    """FHL 2005 eq. 6."""
    r, alpha, a, b = (mp.mpf(p[k]) for k in ("r", "alpha", "a", "b"))
    x, tx, t = mp.mpf(x), mp.mpf(tx), mp.mpf(t)
    common = mp.beta(a, b + x) / mp.beta(a, b) * mp.gamma(r + x) * alpha**r / mp.gamma(r)
    tail = mp.beta(a + 1, b + x - 1) / mp.beta(a, b) * mp.gamma(r + x) * alpha**r / mp.gamma(r) / (alpha + tx) ** (r + x)
    return mp.log(common / (alpha + t) ** (r + x) + (tail if x > 0 else 0))


def pnbd_conditional(p, h, x, tx, t):
    r, alpha, s, beta, x, t, alive, dead = pnbd_parts(p, x, tx, t)
    h = mp.mpf(h)
    pa = alive / (alive + dead)
    return (r + x) * (beta + t) / ((alpha + t) * (s - 1)) * (1 - ((beta + t) / (beta + t + h)) ** (s - 1)) * pa


def pnbd_unconditional(p, t):
    r, alpha, s, beta = (mp.mpf(p[k]) for k in ("r", "alpha", "s", "beta"))
    t = mp.mpf(t)
    return r * beta / (alpha * (s - 1)) * (1 - (beta / (beta + t)) ** (s - 1))


# -- the cases --------------------------------------------------------------


def case(name, model, prediction, expected, source, tol=1e-9, **extra):
    c = {"name": name, "model": model, "prediction": prediction}
    c.update(extra)
    c.update({"expected": expected, "rel_tolerance": tol, "source": source})
    return c


def penalized_fits():
    """lifetimes' penalized fits on CDNOW (its penalizer_coef, which cx's
    penalizer matches: time rescaled so that the largest T is 1, Pareto/NBD
    normalized per customer)."""
    d = pd.read_csv(pathlib.Path(__file__).parents[2] / "data" / "cdnow" / "cdnow_customers_summary.csv")
    out = []
    for cls, name in ((BetaGeoFitter, "bg_nbd"), (ModifiedBetaGeoFitter, "mbg_nbd"), (ParetoNBDFitter, "pareto_nbd")):
        for pen in (0.01, 0.1):
            m = cls(penalizer_coef=pen).fit(d["frequency"], d["recency"], d["T"])
            out.append({"name": f"{name} penalizer {pen}", "model": name, "penalizer": pen,
                        "params": {k: float(v) for k, v in m.params_.items()}, "rel_tolerance": 2e-3,
                        "source": "lifetimes 0.11.3 penalizer_coef on data/cdnow/cdnow_customers_summary.csv"})
    return out


def weighted_fits(fits):
    """The CDNOW summary compressed into distinct rows with their counts
    (what cx.spark and cx.dask send to the driver): the weighted fit must
    give the published estimates of the fit on every customer (the `fits`
    entries it names). Gamma-gamma rows keep the customers without repeat
    purchases (one row, weighted), which the fit leaves out. Bad weights are
    typed errors naming the row."""
    d = pd.read_csv(pathlib.Path(__file__).parents[2] / "data" / "cdnow" / "cdnow_customers_summary_with_transactions.csv")
    by_name = {f["name"]: f for f in fits}
    out = []
    for fit_name, model, cols in (
        ("BG/NBD on CDNOW", "bg_nbd", {"frequency": "x", "recency": "t_x", "T": "T"}),
        ("gamma-gamma on CDNOW repeat customers", "gamma_gamma", {"frequency": "x", "monetary_value": "zbar"}),
    ):
        rows = d.groupby(list(cols.values())).size().rename("n").reset_index()
        ref = by_name[fit_name]
        out.append({
            "name": f"{fit_name}, distinct rows with counts", "model": model,
            "columns": {k: floats(rows[c].to_numpy(dtype=float)) for k, c in cols.items()},
            "weights": floats(rows["n"].to_numpy(dtype=float)),
            **{k: ref[k] for k in ("log_likelihood", "ll_tolerance", "params", "rel_tolerance", "customers")},
            "source": f"{ref['source']} (the fit on every customer, data/cdnow/cdnow_customers_summary_with_transactions.csv)",
        })
    errors = [
        {"name": "negative weight", "model": "gamma_gamma", "weights": [1.0, -2.0, 1.0],
         "error": {"code": "negative_weight", "argument": "weights", "index": 1}},
        {"name": "NaN weight", "model": "bg_nbd", "weights": [1.0, 1.0, "NaN"],
         "error": {"code": "not_finite", "argument": "weights", "index": 2}},
        {"name": "weights of another length", "model": "gamma_gamma", "weights": [1.0, 1.0],
         "error": {"code": "length_mismatch", "argument": "weights"}},
        {"name": "all weights zero", "model": "bg_nbd", "weights": [0.0, 0.0, 0.0],
         "error": {"code": "zero_weight", "argument": "weights"}},
    ]
    return out, errors


def t_zero_cases():
    """Customers whose first order is on the last day (T = 0, and t_x = 0
    with x = 0): ordinary data that every model must accept. P(alive) by the
    closed forms at T = t_x = 0 (BG/NBD and Pareto/NBD: 1 without repeats;
    MBG/NBD: 1 / (1 + a / (b + x))); E[X(t)] of such a customer equals a new
    customer's, by the BG/NBD closed form with mpmath's 2F1."""
    zero = {"frequency": [0, 2], "recency": [0.0, 0.0], "T": [0.0, 0.0]}
    a, b = MBG["a"], MBG["b"]
    r, al, a1, b1 = BG["r"], BG["alpha"], BG["a"], BG["b"]
    t = 39.0
    z = t / (al + t)
    new = float((a1 + b1 - 1) / (a1 - 1) * (1 - (al / (al + t)) ** r * mp.hyp2f1(r, b1, a1 + b1 - 1, z)))
    return [
        case("MBG/NBD P(alive) at T = 0", {"model": "mbg_nbd", **MBG}, {"kind": "probability_alive"},
             [1 / (1 + a / (b + 0)), 1 / (1 + a / (b + 2))], "closed form at T = t_x = 0 (lifetimes gives 0.644 for the first)",
             customers=zero),
        case("BG/NBD at T = 0: alive, and E[X(39)] of a new customer", {"model": "bg_nbd", **BG},
             {"kind": "conditional_expected_purchases", "horizon": t}, [new],
             "BG/NBD E[X(t)] closed form (FHL 2005 eq. 9), mpmath 2F1", customers={"frequency": [0], "recency": [0.0], "T": [0.0]}),
        case("Pareto/NBD P(alive) at T = 0", {"model": "pareto_nbd", **PNBD}, {"kind": "probability_alive"},
             [1.0], "no time has passed: alive (lifetimes gives 1.0)", customers={"frequency": [0], "recency": [0.0], "T": [0.0]}),
    ]


def forecast_cases():
    """Per-customer forecasts (REFERENCES.md section 6) for customer A = (2,
    30.43, 38.86) and Z = (0, 0, 38.86). Pareto/NBD PMF from lifetimes'
    conditional_probability_of_n_purchases_up_to_time (exact to 1e-9 per
    REFERENCES.md); BG/NBD PMF, P(alive) ahead and churn deadlines as printed
    in REFERENCES.md (mpmath closed forms, checked there by 2-D quadrature,
    importance sampling and the BG/NBD closed-form deadline), with the
    tolerance of their printed digits. A deadline of "NaN": P(alive) never
    falls that low (a BG/NBD customer without repeat purchases)."""
    az = {"frequency": [2, 0], "recency": [30.43, 0.0], "T": [38.86, 38.86]}
    a_only = {"frequency": [2], "recency": [30.43], "T": [38.86]}
    big = {"frequency": [26], "recency": [30.86], "T": [31.0]}
    bg_model, pn_model = {"model": "bg_nbd", **BG}, {"model": "pareto_nbd", **PNBD}
    REF = "REFERENCES.md section 6"

    def printed(values, digits):
        # Half a unit of the last printed place, relative to the smallest value, plus 1e-6.
        small = min(abs(v) for v in values if v != "NaN" and v != 0)
        return 0.5 * 10 ** -digits / small + 1e-6

    out = []
    bg_pmf = {0: [0.445393, 0.855671], 1: [0.239330, 0.109713], 2: [0.144178, 0.024242], 3: [0.080842, 0.006906]}
    for n, want in bg_pmf.items():
        out.append(case(f"BG/NBD P(X(T, T+39) = {n} | history)", bg_model,
                        {"kind": "conditional_probability_of_purchases", "horizon": 39.0, "n": n},
                        want, REF + "(a)", tol=printed(want, 6), customers=az))
    pn = lt_pnbd(PNBD)
    for n in range(4):
        want = [float(pn.conditional_probability_of_n_purchases_up_to_time(n, 39.0, x, tx, t))
                for x, tx, t in zip(az["frequency"], az["recency"], az["T"])]
        out.append(case(f"Pareto/NBD P(X(T, T+39) = {n} | history)", pn_model,
                        {"kind": "conditional_probability_of_purchases", "horizon": 39.0, "n": n},
                        want, LT_PMF, tol=1e-8, customers=az))
    pmf = [float(pn.conditional_probability_of_n_purchases_up_to_time(n, 52.0, 26, 30.86, 31.0)) for n in range(200)]
    cdf = np.cumsum(pmf)
    quantiles = {q: int(np.argmax(cdf >= q)) for q in (0.05, 0.5, 0.95)}
    for q, n in quantiles.items():
        out.append(case(f"Pareto/NBD {q} quantile of purchases in 52 weeks, x = 26", pn_model,
                        {"kind": "purchases_quantile", "horizon": 52.0, "q": q}, [float(n)],
                        LT_PMF + ", cumulated", tol=1e-12, customers=big))
    out.append(case("BG/NBD P(X(T, T+39) = 0) median and 40 % quantile", bg_model,
                    {"kind": "purchases_quantile", "horizon": 39.0, "q": 0.5}, [1.0, 0.0],
                    REF + "(a): P(0) = 0.445393 (A), 0.855671 (Z)", tol=1e-12, customers=az))
    out.append(case("BG/NBD P(any purchase in the next 39 weeks)", bg_model,
                    {"kind": "probability_of_any_purchase", "horizon": 39.0}, [1 - 0.445393, 1 - 0.855671],
                    REF + "(a), 1 - P(0)", tol=printed([0.144329], 6), customers=az))
    alive = {
        ("bg", "silent"): {13.0: 0.595896, 52.0: 0.311655},
        ("bg", "at"): {13.0: 0.661222, 52.0: 0.531705},
        ("pareto", "silent"): {13.0: 0.658350, 52.0: 0.245090},
        ("pareto", "at"): {13.0: 0.756481, 52.0: 0.565947},
    }
    for (which, form), by_h in alive.items():
        model = bg_model if which == "bg" else pn_model
        kind = "probability_alive_if_silent" if form == "silent" else "probability_alive_at"
        label = "BG/NBD" if which == "bg" else "Pareto/NBD"
        for h, v in by_h.items():
            out.append(case(f"{label} {kind} {h:g} weeks ahead", model, {"kind": kind, "horizon": h}, [v],
                            REF + "(b)", tol=printed([v], 6), customers=a_only))
    deadlines = [
        ("BG/NBD", bg_model, 0.5, [23.64090, "NaN"]),
        ("BG/NBD", bg_model, 0.1, [134.97599, "NaN"]),
        ("Pareto/NBD", pn_model, 0.5, [24.16676, 0.0]),
        ("Pareto/NBD", pn_model, 0.1, [91.31846, 89.05103]),
    ]
    for label, model, theta, want in deadlines:
        out.append(case(f"{label} churn deadline at P(alive) {theta}", model,
                        {"kind": "churn_deadline", "threshold": theta}, want,
                        REF + "(h); NaN: never", tol=printed(want, 5), customers=az))
    delta = math.log(1.15) / 52
    dert_customers = {"frequency": [2, 0, 1, 26], "recency": [30.43, 0.0, 1.71, 30.86], "T": [38.86, 38.86, 38.86, 31.0]}
    dert = [6.499968, 0.4782272, 0.7637654, 86.26178]
    out.append(case("Pareto/NBD DERT at 15 % a year (weeks)", pn_model, {"kind": "dert", "delta": delta}, dert,
                    REF + "(d): FHL 2005 closed form, Tricomi U by quadrature to 10 digits", tol=printed([0.4782272], 7),
                    customers=dert_customers))
    errors = [
        ("DERT of a spend model", {"model": "gamma_gamma", **GG}, {"kind": "dert", "delta": delta}, "model"),
        ("DERT without discounting", pn_model, {"kind": "dert", "delta": 0.0}, "delta"),
        ("churn deadline threshold 1", bg_model, {"kind": "churn_deadline", "threshold": 1.0}, "threshold"),
        ("purchases quantile q 0", bg_model, {"kind": "purchases_quantile", "horizon": 1.0, "q": 0.0}, "q"),
        ("P(alive) at a negative horizon", pn_model, {"kind": "probability_alive_at", "horizon": -1.0}, "horizon"),
        ("spend model asked for a churn deadline", {"model": "gamma_gamma", **GG}, {"kind": "churn_deadline", "threshold": 0.5}, "model"),
    ]
    for name, model, prediction, argument in errors:
        out.append({"name": name, "model": model, "prediction": prediction, "customers": az,
                    "error": {"code": "invalid_parameter", "argument": argument}})
    return out


LT_PMF = "lifetimes 0.11.3 ParetoNBDFitter.conditional_probability_of_n_purchases_up_to_time"


def alive_path():
    """lifetimes' calculate_alive_path for CDNOW sample customer 1 (orders on
    1997-01-01, 1997-01-18 and 1997-08-02), daily for 546 days, with the
    section 4 BG/NBD parameters moved to days (alpha x 7)."""
    from lifetimes.utils import calculate_alive_path

    raw = pd.read_csv(pathlib.Path(__file__).parents[2] / "data" / "cdnow" / "CDNOW_sample.txt",
                      sep=r"\s+", header=None, names=["master", "id", "date", "cds", "dollars"], dtype={"date": str})
    one = raw[raw["id"] == 1].copy()
    one["date"] = pd.to_datetime(one["date"], format="%Y%m%d")
    days = {**BG, "alpha": BG["alpha"] * 7}
    path = calculate_alive_path(lt_bg(days), one, "date", 546, freq="D")
    first = one["date"].min()
    repeats = sorted({(d - first).days for d in one["date"]} - {0})
    return {
        "name": "CDNOW customer 1, BG/NBD in days",
        "model": {"model": "bg_nbd", **days},
        "purchases": [float(d) for d in repeats],
        "at": [float(i) for i in range(547)],
        "expected": floats(path),
        "rel_tolerance": 1e-9,
        "source": "lifetimes 0.11.3 utils.calculate_alive_path (daily, t = 546)",
    }


def tracking():
    """The tracking plot's data on the CDNOW sample transactions: lifetimes'
    expected_cumulative_transactions(BG/NBD at the section 4 point-check
    parameters, t = 546 days, freq_multiplier = 7), all 78 weekly rows
    (REFERENCES.md section 6(c) prints weeks 1, 2, 13, 39, 52 and 78)."""
    from lifetimes.utils import expected_cumulative_transactions

    raw = pd.read_csv(pathlib.Path(__file__).parents[2] / "data" / "cdnow" / "CDNOW_sample.txt",
                      sep=r"\s+", header=None, names=["master", "id", "date", "cds", "dollars"], dtype={"date": str})
    df = expected_cumulative_transactions(lt_bg(BG), raw, "date", "id", 546, datetime_format="%Y%m%d",
                                          freq="D", freq_multiplier=7)
    return {
        "name": "CDNOW tracking, BG/NBD, weeks of days",
        "data": "data/cdnow/CDNOW_sample.txt (whitespace separated: master id, sample id, YYYYMMDD, CDs, dollars)",
        "model": {"model": "bg_nbd", **BG},
        "options": {"period": "day", "multiplier": 7, "periods": 546},
        "actual": floats(df["actual"]),
        "predicted": floats(df["predicted"]),
        "rel_tolerance": 1e-6,
        "source": "lifetimes 0.11.3 utils.expected_cumulative_transactions; REFERENCES.md section 6(c)",
    }


def main():
    cases = []
    bg = lt_bg(BG)
    LT = "lifetimes 0.11.3 at the same parameters"
    bg_model = {"model": "bg_nbd", **BG}
    cases.append(case("BG/NBD P(alive)", bg_model, {"kind": "probability_alive"},
                      floats(bg.conditional_probability_alive(X, TX, T)), LT))
    cases.append(case("BG/NBD E[X(39) | history]", bg_model,
                      {"kind": "conditional_expected_purchases", "horizon": 39.0},
                      floats(bg.conditional_expected_number_of_purchases_up_to_time(39.0, X, TX, T)),
                      LT + "; customer 2 is FHL 2005's 1.22591"))
    cases.append(case("BG/NBD log-likelihood per customer", bg_model, {"kind": "log_likelihood"},
                      [float(bg_log_likelihood(BG, *c[:3])) for c in CUSTOMERS], "mpmath at 50 digits (FHL 2005 eq. 6)"))
    cases.append(case("BG/NBD E[X(t)] of a new customer", bg_model, {"kind": "expected_purchases"},
                      floats(bg.expected_number_of_purchases_up_to_time(np.array(PERIODS))), LT, t=PERIODS))
    bgr = lt_bg(BG_ROUNDED)
    cases.append(case("BG/NBD P(X(t) = 0), published parameters", {"model": "bg_nbd", **BG_ROUNDED},
                      {"kind": "probability_of_purchases", "n": 0},
                      [float(bgr.probability_of_n_purchases_up_to_time(t, 0)) for t in [39.0, 2.0]],
                      LT + "; P(X(39)=0) = 0.573786 in REFERENCES.md", t=[39.0, 2.0]))
    cases.append(case("BG/NBD P(X(t) = 10), published parameters", {"model": "bg_nbd", **BG_ROUNDED},
                      {"kind": "probability_of_purchases", "n": 10},
                      [float(bgr.probability_of_n_purchases_up_to_time(t, 10)) for t in [2.0, 39.0]],
                      LT + "; P(X(2)=10) = 1.07869e-7 in REFERENCES.md", t=[2.0, 39.0]))

    mbg = lt_bg(MBG, ModifiedBetaGeoFitter)
    mbg_model = {"model": "mbg_nbd", **MBG}
    cases.append(case("MBG/NBD P(alive)", mbg_model, {"kind": "probability_alive"},
                      floats(mbg.conditional_probability_alive(X, TX, T)), LT))
    cases.append(case("MBG/NBD E[X(39) | history]", mbg_model,
                      {"kind": "conditional_expected_purchases", "horizon": 39.0},
                      floats(mbg.conditional_expected_number_of_purchases_up_to_time(39.0, X, TX, T)), LT))
    cases.append(case("MBG/NBD P(X(t) = 1)", mbg_model, {"kind": "probability_of_purchases", "n": 1},
                      [float(mbg.probability_of_n_purchases_up_to_time(t, 1)) for t in PERIODS[1:]], LT,
                      t=PERIODS[1:]))

    MP = "mpmath at 50 digits (FHS 2005 closed form)"
    pn_model = {"model": "pareto_nbd", **PNBD}
    cases.append(case("Pareto/NBD P(alive), frequencies up to 1000", pn_model, {"kind": "probability_alive"},
                      [float(pnbd_alive(PNBD, *c[:3])) for c in CUSTOMERS],
                      MP + "; P(alive | 26, 30.86, 31) = 0.997918 in REFERENCES.md"))
    cases.append(case("Pareto/NBD E[X(52) | history]", pn_model,
                      {"kind": "conditional_expected_purchases", "horizon": 52.0},
                      [float(pnbd_conditional(PNBD, 52.0, *c[:3])) for c in CUSTOMERS],
                      MP + "; E[X(52) | 26, 30.86, 31] = 25.4564 in REFERENCES.md"))
    cases.append(case("Pareto/NBD E[X(t)] of a new customer", pn_model, {"kind": "expected_purchases"},
                      [float(pnbd_unconditional(PNBD, t)) for t in PERIODS], MP, t=PERIODS))
    cases.append(case("Pareto/NBD log-likelihood per customer", pn_model, {"kind": "log_likelihood"},
                      [float(pnbd_log_likelihood(PNBD, *c[:3])) for c in CUSTOMERS], MP))
    far = {"r": 2.0, "alpha": 500.0, "s": 0.3, "beta": 0.5}
    cases.append(case("Pareto/NBD P(alive), alpha far above beta", {"model": "pareto_nbd", **far},
                      {"kind": "probability_alive"}, [float(pnbd_alive(far, *c[:3])) for c in CUSTOMERS], MP,
                      tol=1e-8))

    gg = GammaGammaFitter()
    gg.params_ = pd.Series({"p": GG["p"], "q": GG["q"], "v": GG["v"]})
    gg_model = {"model": "gamma_gamma", **GG}
    cases.append(case("gamma-gamma expected spend", gg_model, {"kind": "expected_spend"},
                      floats(gg.conditional_expected_average_profit(X, M)), LT))
    bg.predict = bg.conditional_expected_number_of_purchases_up_to_time  # as fit() would set it
    clv = gg.customer_lifetime_value(bg, pd.Series(X), pd.Series(TX), pd.Series(T), pd.Series(M), time=12, discount_rate=0.01, freq="W")
    cases.append({
        "name": "CLV over 12 months, weekly summary",
        "model": bg_model,
        "spend_model": gg_model,
        "clv": {"months": 12, "discount_rate": 0.01, "periods_per_month": 4.345},
        "expected": floats(clv),
        "rel_tolerance": 1e-9,
        "source": LT + ", customer_lifetime_value(freq='W')",
    })

    # Errors: the same code, argument and row in every language.
    cases += [
        {"name": "spend model asked for P(alive)", "model": gg_model, "prediction": {"kind": "probability_alive"},
         "error": {"code": "invalid_parameter", "argument": "model"}},
        {"name": "Pareto/NBD has no P(X(t) = n) here", "model": pn_model,
         "prediction": {"kind": "probability_of_purchases", "n": 1}, "t": [1.0],
         "error": {"code": "invalid_parameter", "argument": "model"}},
        {"name": "recency after T", "model": bg_model, "prediction": {"kind": "probability_alive"},
         "customers": {"frequency": [1, 2], "recency": [1.0, 9.0], "T": [5.0, 8.0]},
         "error": {"code": "out_of_range", "argument": "recency", "index": 1}},
        {"name": "fractional frequency", "model": bg_model, "prediction": {"kind": "probability_alive"},
         "customers": {"frequency": [1, 1.5], "recency": [1.0, 1.0], "T": [5.0, 5.0]},
         "error": {"code": "not_integer", "argument": "frequency", "index": 1}},
        {"name": "missing recency", "model": bg_model, "prediction": {"kind": "probability_alive"},
         "customers": {"frequency": [1], "recency": ["NaN"], "T": [5.0]},
         "error": {"code": "not_finite", "argument": "recency", "index": 0}},
        {"name": "negative horizon", "model": bg_model,
         "prediction": {"kind": "conditional_expected_purchases", "horizon": -1.0},
         "error": {"code": "invalid_parameter", "argument": "horizon"}},
        {"name": "negative period", "model": bg_model, "prediction": {"kind": "expected_purchases"},
         "t": [1.0, -2.0], "error": {"code": "out_of_range", "argument": "t", "index": 1}},
        {"name": "non-positive parameter", "model": {"model": "bg_nbd", "r": 0.0, "alpha": 1, "a": 1, "b": 1},
         "prediction": {"kind": "probability_alive"}, "error": {"code": "invalid_parameter", "argument": "r"}},
        {"name": "unknown model", "model": {"model": "bg/nbd", "r": 1, "alpha": 1, "a": 1, "b": 1},
         "prediction": {"kind": "probability_alive"}, "error": {"code": "decode", "argument": "model"}},
    ]

    fits = [
        {"name": "BG/NBD on CDNOW", "model": "bg_nbd", "log_likelihood": -9582.4256, "ll_tolerance": 0.01,
         "params": {"r": 0.2426, "alpha": 4.4136, "a": 0.7929, "b": 2.4259}, "rel_tolerance": 1e-3,
         "customers": 2357, "distinct_rows": 1016, "source": "FHL 2005; REFERENCES.md section 4"},
        {"name": "MBG/NBD on CDNOW", "model": "mbg_nbd", "log_likelihood": -9582.13, "ll_tolerance": 0.01,
         "params": {"r": 0.5248, "alpha": 6.1831, "a": 0.8914, "b": 1.6140}, "rel_tolerance": 1e-3,
         "customers": 2357, "distinct_rows": 1016, "source": "lifetimes estimate; REFERENCES.md section 4"},
        {"name": "Pareto/NBD on CDNOW", "model": "pareto_nbd", "log_likelihood": -9594.98, "ll_tolerance": 0.01,
         "params": {"r": 0.5533, "alpha": 10.5763, "s": 0.6062}, "rel_tolerance": 2e-3,
         "customers": 2357, "distinct_rows": 1016, "source": "FHL 2005; beta is weakly identified and not compared"},
        {"name": "gamma-gamma on CDNOW repeat customers", "model": "gamma_gamma", "log_likelihood": -4055.92,
         "ll_tolerance": 0.01, "params": {"p": 6.25, "q": 3.74, "v": 15.44}, "rel_tolerance": 2e-3,
         "customers": 946, "source": "Fader & Hardie note on the gamma-gamma model; REFERENCES.md section 4"},
    ]

    for c in cases:
        for v in c.get("expected", []):
            assert v == "NaN" or math.isfinite(v), (c["name"], c["expected"])

    weighted = weighted_fits(fits)
    doc = {
        "description": "Churn-model predictions, fits and errors, read by the Rust, Python and JS tests. "
        "A case's columns are `customers` (default: the top-level table) or `t` (periods of a new "
        "customer). Generated by make_churn.py; see its docstring for the references.",
        "customers": {"frequency": floats(X), "recency": floats(TX), "T": floats(T), "monetary_value": floats(M)},
        "cases": cases + t_zero_cases() + forecast_cases(),
        "fit_data": "data/cdnow/cdnow_customers_summary_with_transactions.csv (columns x, t_x, T, zbar)",
        "fits": fits,
        "fit_columns": FIT_COLUMNS,
        "fit_errors": FIT_ERRORS,
        "weighted_fits": weighted[0],
        "weighted_fit_columns": WEIGHTED_FIT_COLUMNS,
        "weighted_fit_errors": weighted[1],
        "penalized_fits": penalized_fits(),
        "tracking": tracking(),
        "alive_path": alive_path(),
    }
    OUT.write_text(json.dumps(doc, indent=1) + "\n")
    print(f"wrote {len(cases)} cases and {len(fits)} fits to {OUT}")


if __name__ == "__main__":
    main()
