"""Writes covariates.json: churn models with time-invariant covariates,
with expected values computed independently of cx, with numpy and scipy.

- Log-likelihoods per customer: BG/NBD (Fader, Hardie & Lee 2005, eq. 6),
  MBG/NBD (Batislam, Denizel & Filiztekin 2007) in closed form, Pareto/NBD
  from the integral form of Fader & Hardie's note (2005, eq. 11 before the
  hypergeometric step: s·∫ (α+τ)^-(r+x) (β+τ)^-(s+1) dτ, by scipy.quad),
  each customer with its own αᵢ = α₀e^{−γ_p·z}, βᵢ = β₀e^{−γ_d·z},
  aᵢ = a₀e^{γ_a·z}, bᵢ = b₀e^{γ_b·z} (REFERENCES.md §7).
- A BG/NBD fit with covariates by scipy.optimize (BFGS from several
  starts) on that likelihood, and the fit without covariates for the
  likelihood-ratio test; standard errors from a finite-difference Hessian.
- Promise-gap covariates of small tables, counted by hand.

Run from the repository root with the test venv:
    .venv/bin/python tests/vectors/make_covariates.py
"""

import json
import pathlib

import numpy as np
from scipy import integrate, optimize, special

OUT = pathlib.Path(__file__).with_name("covariates.json")
rng = np.random.default_rng(2026)

# -- data: BG/NBD customers whose α, a and b depend on two covariates -------
N = 600
late = (rng.random(N) < 0.3).astype(float)  # had a late delivery
days = np.round(rng.gamma(2.0, 1.5, N) * late, 1)  # days late when late
T = rng.uniform(20.0, 52.0, N).round(2)
g_true = {"alpha": (-0.6, -0.05), "a": (0.7, 0.0), "b": (-0.2, 0.0)}
r0, alpha0, a0, b0 = 0.7, 5.0, 0.8, 2.5
x = np.zeros(N)
tx = np.zeros(N)
for i in range(N):
    z = (late[i], days[i])
    alpha = alpha0 * np.exp(-(g_true["alpha"][0] * z[0] + g_true["alpha"][1] * z[1]))
    a = a0 * np.exp(g_true["a"][0] * z[0])
    b = b0 * np.exp(g_true["b"][0] * z[0])
    lam = rng.gamma(0.7, 1.0 / alpha)
    p = rng.beta(a, b)
    now = 0.0
    while True:
        now += rng.exponential(1.0 / lam)
        if now > T[i]:
            break
        x[i] += 1
        tx[i] = now
        if rng.random() < p:
            break
tx = np.round(tx, 2)
x = x.astype(float)
tx = np.minimum(tx, T)
tx[x == 0] = 0.0
Z = np.column_stack([late, days])


def per_customer(theta, coefs):
    """(r, αᵢ, aᵢ/sᵢ, bᵢ/βᵢ) per customer; coefs: list of (column, param, sign)."""
    lp = np.tile(np.asarray(theta[:4], float), (N, 1))
    for k, (col, j, sign) in enumerate(coefs):
        lp[:, j] += sign * theta[4 + k] * Z[:, col]
    return np.exp(lp)


def ll_bg(p, mbg=False):
    r, al, a, b = p[:, 0], p[:, 1], p[:, 2], p[:, 3]
    head = special.gammaln(r + x) - special.gammaln(r) + r * np.log(al)
    if mbg:
        t1 = special.betaln(a, b + x + 1) - special.betaln(a, b) - (r + x) * np.log(al + T)
        t2 = special.betaln(a + 1, b + x) - special.betaln(a, b) - (r + x) * np.log(al + tx)
        return head + np.logaddexp(t1, t2)
    t1 = special.betaln(a, b + x) - special.betaln(a, b) - (r + x) * np.log(al + T)
    t2 = np.where(
        x > 0,
        special.betaln(a + 1, b + x - 1) - special.betaln(a, b) - (r + x) * np.log(al + tx),
        -np.inf,
    )
    return head + np.logaddexp(t1, t2)


def ll_pareto(p, rows):
    out = []
    for i in rows:
        r, al, s, be = p[i]
        head = special.gammaln(r + x[i]) - special.gammaln(r) + r * np.log(al) + s * np.log(be)
        alive = (al + T[i]) ** (-(r + x[i])) * (be + T[i]) ** (-s)
        f = lambda tau: (al + tau) ** (-(r + x[i])) * (be + tau) ** (-(s + 1))  # noqa: E731
        dropped = s * integrate.quad(f, tx[i], T[i], epsabs=0, epsrel=1e-13, limit=200)[0]
        out.append(head + np.log(alive + dropped))
    return np.array(out)


PURCHASE, DROPOUT, BOTH, DA, DB = (1, -1), (3, -1), None, (2, 1), (3, 1)
NAMES = ["late", "days_late"]


def coefficient(name, process, estimate):
    return {"covariate": name, "process": process, "estimate": estimate}


def model_json(base, coefficients):
    return {"base": base, "covariates": NAMES, "means": [float(v) for v in Z.mean(axis=0)],
            "coefficients": coefficients, "level": 0.95}


links = {"purchase": [(1, -1)], "dropout": [(3, -1)], "both": [(1, -1), (3, -1)], "dropout_a": [(2, 1)], "dropout_b": [(3, 1)]}


def params_of(base_params, coefficients):
    lp = np.tile(np.log(np.asarray(base_params, float)), (N, 1))
    for c in coefficients:
        col = NAMES.index(c["covariate"])
        for j, sign in links[c["process"]]:
            lp[:, j] += sign * c["estimate"] * Z[:, col]
    return np.exp(lp)


log_likelihood = []
# BG/NBD and MBG/NBD at given parameters, every customer.
for name, mbg in (("bg_nbd", False), ("mbg_nbd", True)):
    base = {"model": name, "r": 0.7, "alpha": 5.0, "a": 0.8, "b": 2.5}
    coefs = [coefficient("late", "purchase", -0.6), coefficient("days_late", "purchase", -0.05),
             coefficient("late", "dropout_a", 0.7), coefficient("days_late", "dropout_b", 0.1)]
    ll = ll_bg(params_of([0.7, 5.0, 0.8, 2.5], coefs), mbg)
    log_likelihood.append({"name": f"{name} at given parameters", "model": model_json(base, coefs), "rows": N,
                           "expected": [float(v) for v in ll], "tol": 1e-9})
# Pareto/NBD at given parameters (a shared coefficient too), the first 150 customers.
base = {"model": "pareto_nbd", "r": 0.55, "alpha": 10.5, "s": 0.6, "beta": 11.7}
coefs = [coefficient("late", "purchase", -0.4), coefficient("late", "dropout", 0.5),
         coefficient("days_late", "both", 0.08)]
rows = range(150)
ll = ll_pareto(params_of([0.55, 10.5, 0.6, 11.7], coefs), rows)
log_likelihood.append({"name": "pareto_nbd at given parameters", "model": model_json(base, coefs), "rows": 150,
                       "expected": [float(v) for v in ll], "tol": 1e-8})
# All coefficients 0: the CDNOW-style model without covariates.
coefs0 = [coefficient("late", "purchase", 0.0), coefficient("days_late", "dropout", 0.0)]
ll = ll_pareto(params_of([0.55, 10.5, 0.6, 11.7], coefs0), rows)
log_likelihood.append({"name": "pareto_nbd with zero coefficients", "model": model_json(base, coefs0), "rows": 150,
                       "expected": [float(v) for v in ll], "tol": 1e-8})

# -- the BG/NBD fit with covariates -----------------------------------------
fit_coefs = [(0, 1, -1), (1, 1, -1), (0, 2, 1), (0, 3, 1)]  # late, days on α; late on a and b


def negll(theta):
    p = per_customer(theta, fit_coefs)
    v = -ll_bg(p).sum()
    return v if np.isfinite(v) else 1e100


def negll0(theta):
    p = np.tile(np.exp(theta), (N, 1))
    return -ll_bg(p).sum()


null = optimize.minimize(negll0, np.log([0.5, 4.0, 1.0, 2.0]), method="BFGS", options={"gtol": 1e-9})
best = None
for start in ([*null.x, 0, 0, 0, 0], [*np.log([0.7, 5.0, 0.8, 2.5]), -0.5, 0, 0.5, 0]):
    res = optimize.minimize(negll, np.asarray(start, float), method="BFGS", options={"gtol": 1e-9, "maxiter": 5000})
    res = optimize.minimize(negll, res.x, method="Nelder-Mead", options={"xatol": 1e-10, "fatol": 1e-12, "maxiter": 20000})
    res = optimize.minimize(negll, res.x, method="BFGS", options={"gtol": 1e-10})
    if best is None or res.fun < best.fun:
        best = res
theta = best.x
# Hessian by central differences of the negative log-likelihood.
k = len(theta)
h = 1e-4
H = np.zeros((k, k))
for i in range(k):
    for j in range(k):
        e_i = np.eye(k)[i] * h
        e_j = np.eye(k)[j] * h
        H[i, j] = (negll(theta + e_i + e_j) - negll(theta + e_i - e_j) - negll(theta - e_i + e_j) + negll(theta - e_i - e_j)) / (4 * h * h)
se = np.sqrt(np.diag(np.linalg.inv(H)))
processes = ["purchase", "purchase", "dropout_a", "dropout_b"]
names = ["late", "days_late", "late", "late"]
fits = [{
    "name": "bg_nbd: late and days late on the purchase rate, late on the drop-out",
    "model": "bg_nbd",
    "options": {"purchase": ["late", "days_late"], "dropout": ["late"]},
    "covariate_names": NAMES,
    "expected": {
        "base": {"r": float(np.exp(theta[0])), "alpha": float(np.exp(theta[1])), "a": float(np.exp(theta[2])), "b": float(np.exp(theta[3]))},
        "coefficients": [{"covariate": n, "process": p, "estimate": float(theta[4 + i]), "standard_error": float(se[4 + i])}
                         for i, (n, p) in enumerate(zip(names, processes))],
        "log_likelihood": float(-best.fun),
        "null_log_likelihood": float(-null.fun),
    },
    "tol": {"parameters": 2e-4, "standard_errors": 2e-3, "log_likelihood": 1e-6},
}]

# -- errors -------------------------------------------------------------------
nan = Z[:, 1].copy()
nan[7] = np.nan
errors = [
    {"name": "a NaN covariate names its column and row", "model": "bg_nbd",
     "covariates": {"late": late.tolist(), "days_late": [None if np.isnan(v) else v for v in nan]},
     "error": {"code": "covariate", "column": "days_late", "index": 7}},
    {"name": "a constant covariate", "model": "pareto_nbd", "covariates": {"store": [3.0] * N},
     "error": {"code": "covariate", "column": "store", "index": None}},
    {"name": "a collinear covariate", "model": "bg_nbd",
     "covariates": {"late": late.tolist(), "days_late": Z[:, 1].tolist(), "both": (2 * late - Z[:, 1]).tolist()},
     "covariate_names": ["late", "days_late", "both"],
     "error": {"code": "covariate", "column": "both", "index": None}},
    {"name": "a shared coefficient on BG/NBD", "model": "bg_nbd", "options": {"shared": ["late"]},
     "covariates": {"late": late.tolist()}, "error": {"code": "covariate", "column": "late", "index": None}},
    {"name": "a covariate of the wrong length", "model": "bg_nbd", "covariates": {"late": late[:10].tolist()},
     "error": {"code": "covariate", "column": "late", "index": None}},
    {"name": "not a purchase model", "model": "gamma_gamma", "covariates": {"late": late.tolist()},
     "error": {"code": "invalid_parameter", "argument": "model"}},
]

# -- promise covariates of small tables, counted by hand ----------------------
promise = [{
    "name": "deliveries, contacts and answers up to the cut-off",
    "args": {
        "deliveries": {"customers": ["ann", "ann", "ann", "bob", "cy"],
                       "promised": ["2024-03-01", "2024-03-10", "2024-03-20", "2024-03-05", "2024-04-20"],
                       "delivered": ["2024-03-01", "2024-03-13", None, "2024-03-06", None]},
        "contacts": {"customers": ["ann", "ann", "bob", "bob", "dee"],
                     "received": ["2024-03-02", "2024-03-05", "2024-03-01", "2024-03-20", "2024-04-02"],
                     "resolved": ["2024-03-03", None, "2024-03-02", "2024-04-01", None]},
        "feedback": {"customers": ["ann", "bob", "bob", "cy"],
                     "timestamps": ["2024-03-04", "2024-03-02", "2024-03-25", "2024-04-10"],
                     "scores": [9, 3, 8, None]},
        "options": {"until": "2024-03-31"},
    },
    # ann: 3 due (one on time, one 3 days late, one pending since 03-20 → 11 days at 03-31);
    # bob: 1 due, 1 day late; cy: promised after the cut-off; dee: none.
    # Contacts by 03-31: ann 2 (second open, 3 days after the first → repeat),
    # bob 2 (the second resolved after the cut-off → open; 19 days apart → no repeat).
    # Answers by 03-31: ann 9 (promoter), bob last 8 (passive); cy's is after the cut-off.
    "expected": {
        "customers": ["ann", "bob", "cy", "dee"],
        "columns": {
            "deliveries": [3, 1, 0, 0], "late_deliveries": [2, 1, 0, 0],
            "late_share": [2 / 3, 1.0, 0, 0], "mean_days_late": [14 / 3, 1.0, 0, 0],
            "contacts": [2, 2, 0, 0], "open_contacts": [1, 1, 0, 0], "repeat_contacts": [1, 0, 0, 0],
            "answered": [1, 1, 0, 0], "detractor": [0, 0, 0, 0], "promoter": [1, 0, 0, 0],
        },
        "tables": {"deliveries": {"rows": 5, "used": 4, "after_as_of": 1, "missing": 0},
                   "contacts": {"rows": 5, "used": 4, "after_as_of": 1, "missing": 0},
                   "feedback": {"rows": 4, "used": 3, "after_as_of": 1, "missing": 0}},
    },
}]

# Per customer and week (May 1-7, 8-14, 15-21), counted by hand.
promise_periods = [{
    "name": "deliveries, contacts and answers per week",
    "args": {
        "deliveries": {"customers": ["a", "a", "b", "b"], "promised": ["2024-05-02", "2024-05-09", "2024-05-10", "2024-05-25"],
                       "delivered": ["2024-05-02", "2024-05-16", None, None]},
        "contacts": {"customers": ["a", "b", "b"], "received": ["2024-05-03", "2024-05-01", "2024-05-09"],
                     "resolved": ["2024-05-17", "2024-05-02", None]},
        "feedback": {"customers": ["a", "a", "c", "c"], "timestamps": ["2024-05-04", "2024-05-12", "2024-05-20", "2024-05-20"],
                     "scores": [3, 9, 8, 5]},
        "options": {"boundaries": ["2024-05-01", "2024-05-08", "2024-05-15", "2024-05-22"]},
    },
    # a: on time in week 1; due May 9, delivered May 16 -> late in week 2. b: due May 10, never
    # delivered -> late in week 2; due May 25 -> outside the grid. a's contact of May 3, resolved
    # May 17: open at the ends of weeks 1 and 2; b's of May 9 never resolved: weeks 2 and 3.
    # a: 3 on May 4 (detractor from week 1), 9 on May 12; c: 8 and 5 the same day (the lower is later).
    "expected": {
        "customers": ["a", "b", "c"],
        "columns": {
            "deliveries": [1, 1, 0, 0, 1, 0, 0, 0, 0], "late_deliveries": [0, 1, 0, 0, 1, 0, 0, 0, 0],
            "contacts": [1, 0, 0, 1, 1, 0, 0, 0, 0], "open_contacts": [1, 1, 0, 0, 1, 1, 0, 0, 0],
            "detractor": [1, 0, 0, 0, 0, 0, 0, 0, 1],
        },
        "outside": {"deliveries": 1, "contacts": 0, "feedback": 0},
    },
}]

# -- time-varying covariates (Pareto/NBD, Bachmann, Meierer & Näf 2021) ----
# 40 customers on a weekly grid of 30 weeks; a campaign in weeks 8-12 and a
# customer-week covariate; ln L, P(alive) and expected purchases in the next
# 2 weeks by quadrature of REFERENCES.md §7's likelihood, breakpoints at the
# week boundaries.
ND, K = 40, 30
drng = np.random.default_rng(7)
d_first = drng.uniform(0.0, 6.0, ND).round(3)
d_T = (28.0 - d_first).round(3)
d_x = np.minimum(drng.poisson(2.5, ND), 8).astype(float)
d_tx = np.where(d_x > 0, (drng.uniform(0.2, 1.0, ND) * d_T).round(3), 0.0)
campaign = np.zeros((ND, K))
campaign[:, 8:13] = 1.0
mood = drng.normal(0.0, 1.0, (ND, K)).round(3)
d_purchases = np.zeros((ND, K))
for i in range(ND):
    if d_x[i] == 0:
        continue
    last = int(np.floor(d_first[i] + d_tx[i]))
    d_purchases[i, last] += 1
    for _ in range(int(d_x[i]) - 1):
        at = d_first[i] + drng.uniform(0.0, d_tx[i])
        d_purchases[i, int(np.floor(at))] += 1
dyn_theta = {"r": 0.7, "alpha": 6.0, "s": 0.8, "beta": 9.0}
gp, gd = np.array([0.5, -0.2]), np.array([0.3, 0.4])
Zc = np.stack([campaign, mood], axis=2)  # customer, week, covariate


def e_int(i, c, upto):
    """∫₀^upto exp(c·z(u)) du for customer i (customer time), c per covariate."""
    tot = 0.0
    for k in range(K):
        lo, hi = max(k - d_first[i], 0.0), min(k + 1 - d_first[i], upto)
        if hi > lo:
            tot += np.exp(Zc[i, k] @ c) * (hi - lo)
    return tot


def z_at(i, u):
    return Zc[i, int(np.floor(d_first[i] + u))]


dyn_ll, dyn_alive, dyn_expected = [], [], []
r_, al, s_, be = dyn_theta["r"], dyn_theta["alpha"], dyn_theta["s"], dyn_theta["beta"]
H = 2.0
for i in range(ND):
    x_i, tx_i, T_i = d_x[i], d_tx[i], d_T[i]
    EpT, EdT = e_int(i, gp, T_i), e_int(i, gd, T_i)
    sum_z = (d_purchases[i][:, None] * Zc[i]).sum(axis=0)
    P = (al + EpT) ** (-(r_ + x_i)) * (be / (be + EdT)) ** s_
    f = lambda u: (al + e_int(i, gp, u)) ** (-(r_ + x_i)) * np.exp(z_at(i, u) @ gd) * (be + e_int(i, gd, u)) ** (-(s_ + 1))  # noqa: E731
    pts = [k - d_first[i] for k in range(K + 1) if tx_i < k - d_first[i] < T_i]
    D = s_ * be**s_ * integrate.quad(f, tx_i, T_i, points=pts or None, epsabs=0, epsrel=1e-13, limit=500)[0]
    ll = gp @ sum_z + special.gammaln(r_ + x_i) - special.gammaln(r_) + r_ * np.log(al) + np.log(P + D)
    alive = P / (P + D)
    g = lambda u: np.exp(z_at(i, u) @ gp) * ((be + EdT) / (be + e_int(i, gd, u))) ** s_  # noqa: E731
    pts2 = [k - d_first[i] for k in range(K + 1) if T_i < k - d_first[i] < T_i + H]
    ahead = integrate.quad(g, T_i, T_i + H, points=pts2 or None, epsabs=0, epsrel=1e-13, limit=200)[0]
    dyn_ll.append(float(ll))
    dyn_alive.append(float(alive))
    dyn_expected.append(float(alive * (r_ + x_i) / (al + EpT) * ahead))
dyn_model = {"base": {"model": "pareto_nbd", **dyn_theta}, "covariates": ["campaign", "mood"], "means": [0.0, 0.0],
             "coefficients": [coefficient("campaign", "purchase", 0.5), coefficient("mood", "purchase", -0.2),
                              coefficient("campaign", "dropout", 0.3), coefficient("mood", "dropout", 0.4)],
             "level": 0.95, "time_varying": True}
dynamic = {
    "customers": {"frequency": d_x.tolist(), "recency": d_tx.tolist(), "T": d_T.tolist()},
    "first": d_first.tolist(),
    "boundaries": [float(k) for k in range(K + 1)],
    "purchases": d_purchases.ravel().tolist(),
    "covariates": {"campaign": campaign.ravel().tolist(), "mood": mood.ravel().tolist()},
    "model": dyn_model,
    "expected": {"log_likelihood": dyn_ll, "probability_alive": dyn_alive, "conditional_expected_purchases": dyn_expected},
    "horizon": H,
    "tol": 1e-8,
}

doc = {
    "about": __doc__.split("\n\n")[0] + " Generated by make_covariates.py.",
    "customers": {"frequency": x.tolist(), "recency": tx.tolist(), "T": T.tolist()},
    "covariates": {"late": late.tolist(), "days_late": Z[:, 1].tolist()},
    "log_likelihood": log_likelihood,
    "fits": fits,
    "errors": errors,
    "promise": promise,
    "dynamic": dynamic,
    "promise_periods": promise_periods,
}
OUT.write_text(json.dumps(doc, indent=1) + "\n")
print(f"wrote {OUT}: {len(log_likelihood)} likelihood cases, fit ll {-best.fun:.6f} (null {-null.fun:.6f})")
print("theta", theta, "se", se)
