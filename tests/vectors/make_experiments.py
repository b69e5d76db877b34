"""Writes experiments.json: planning, control-chart and experiment vectors
with expected values computed independently of cx, with numpy and scipy
from the formulas of REFERENCES.md section 8 (d)-(g), whose published
values are asserted here first.

Run from the repository root with the test venv:
    .venv/bin/python tests/vectors/make_experiments.py
"""

import json
import math
import pathlib

import numpy as np
from scipy import optimize, special, stats

OUT = pathlib.Path(__file__).with_name("experiments.json")
cases = []


def close(a, b, tol):
    assert abs(a - b) <= tol, (a, b)


def case(name, source, call, args, expected, tol):
    cases.append({"name": name, "source": source, "call": call, "args": args, "expected": expected, "tol": tol})


def error(name, call, args, code, argument, index=None):
    e = {"code": code, "argument": argument}
    if index is not None:
        e["index"] = index
    cases.append({"name": name, "call": call, "args": args, "error": e})


z = stats.norm.ppf


# (g) Sample sizes.
def nps_var(p, d):
    return p + d - (p - d) ** 2


def nps_n(m1, m2, alpha=0.05, power=0.8):
    delta = (m2[0] - m2[1]) - (m1[0] - m1[1])
    return (z(1 - alpha / 2) + z(power)) ** 2 * (nps_var(*m1) + nps_var(*m2)) / delta**2


n = nps_n((0.5, 0.2), (0.55, 0.15))
close(n, 902.62, 0.005)
case(
    "NPS 30 -> 40, both mixes known",
    "REFERENCES.md §8(g); scipy.stats.norm",
    "sample_size",
    {"measure": "nps", "from": {"promoters": 0.5, "detractors": 0.2}, "to": {"promoters": 0.55, "detractors": 0.15}},
    {"per_group": math.ceil(n), "total": 2 * math.ceil(n), "exact": n, "change": 10.0},
    1e-6,
)
eq = (z(0.975) + z(0.8)) ** 2 * 2 * nps_var(0.5, 0.2) / 0.1**2
close(eq, 957.56, 0.005)
case(
    "NPS +10 points, second group varying as the first",
    "REFERENCES.md §8(g)",
    "sample_size",
    {"measure": "nps", "from": {"promoters": 0.5, "detractors": 0.2}, "change": 10},
    {"per_group": 958, "exact": eq},
    1e-6,
)
n5 = nps_n((0.5, 0.2), (0.525, 0.175))
assert math.ceil(n5) == 3729
case(
    "NPS 30 -> 35",
    "REFERENCES.md §8(g)",
    "sample_size",
    {"from": {"promoters": 0.5, "detractors": 0.2}, "to": {"promoters": 0.525, "detractors": 0.175}},
    {"per_group": 3729, "exact": n5},
    1e-6,
)
one_sided = nps_n((0.5, 0.2), (0.55, 0.15), alpha=0.1)  # one-sided 0.05 = two-sided 0.1
case(
    "NPS 30 -> 40, one-sided, power 0.9",
    "scipy.stats.norm",
    "sample_size",
    {
        "from": {"promoters": 0.5, "detractors": 0.2},
        "to": {"promoters": 0.55, "detractors": 0.15},
        "options": {"two_sided": False, "power": 0.9},
    },
    {"exact": nps_n((0.5, 0.2), (0.55, 0.15), alpha=0.1, power=0.9)},
    1e-6,
)
del one_sided


def pooled(p1, p2, alpha=0.05, power=0.8):
    pbar = (p1 + p2) / 2
    return (z(1 - alpha / 2) * math.sqrt(2 * pbar * (1 - pbar)) + z(power) * math.sqrt(p1 * (1 - p1) + p2 * (1 - p2))) ** 2 / (p2 - p1) ** 2


p = pooled(0.75, 0.8)
close(p, 1093.74, 0.005)
cc = p / 4 * (1 + math.sqrt(1 + 4 / (p * 0.05))) ** 2
close(cc, 1133.39, 0.005)
h = 2 * math.asin(math.sqrt(0.8)) - 2 * math.asin(math.sqrt(0.75))
close(h, 0.119902, 1e-6)
arc = 2 * ((z(0.975) + z(0.8)) / h) ** 2
close(arc, 1091.90, 0.005)
for formula, want in (("pooled", p), ("continuity_corrected", cc), ("arcsine", arc)):
    case(
        f"CSAT top-box 75% -> 80%, {formula}",
        "REFERENCES.md §8(g) (Fleiss, Levin & Paik; Fleiss, Tytun & Ury; Cohen's h)",
        "sample_size",
        {"measure": "share", "from": 0.75, "to": 0.8, "options": {"formula": formula}},
        {"per_group": math.ceil(want), "exact": want},
        1e-6,
    )

d = 100 * (z(0.975) + z(0.8)) * math.sqrt(2 * nps_var(0.5, 0.2) / 500)
case(
    "NPS change 500 answers per group detect",
    "REFERENCES.md §8(g) inverted",
    "detectable_change",
    {"measure": "nps", "from": {"promoters": 0.5, "detractors": 0.2}, "per_group": 500},
    {"change": d, "to": 30 + d},
    1e-9,
)
p2 = optimize.brentq(lambda q: pooled(0.6, q) - 2000, 0.6 + 1e-9, 1 - 1e-12, xtol=1e-14)
case(
    "share rise 2,000 answers per group detect from 60%",
    "pooled formula solved with scipy.optimize.brentq",
    "detectable_change",
    {"measure": "share", "from": 0.6, "per_group": 2000},
    {"to": p2, "change": p2 - 0.6},
    1e-9,
)

# (f) Control charts.
X = [10.5, 9.2, 11.3, 10.9, 12.1, 11.8, 12.4, 12.0]


def ewma_np(x, lam, L, mu, sigma):
    zt, out = mu, []
    for t, v in enumerate(x, 1):
        zt = lam * v + (1 - lam) * zt
        half = L * sigma * math.sqrt(lam / (2 - lam) * (1 - (1 - lam) ** (2 * t)))
        out.append((zt, mu - half, mu + half))
    return out


ew = ewma_np(X, 0.2, 3, 10, 1)
for got, want in zip([e[0] for e in ew], [10.1, 9.92, 10.196, 10.3368, 10.68944, 10.911552, 11.209242, 11.367393]):
    close(got, want, 1e-6)
for got, want in zip([e[2] for e in ew], [10.6, 10.768375, 10.858985, 10.912265, 10.944789, 10.965029, 10.977763, 10.985826]):
    close(got, want, 1e-6)
exp = {"first_signal": 6, "signals": [6, 7], "points.6.direction": "up", "points.6.shift": ew[6][0] - 10}
for i, (zt, lo, hi) in enumerate(ew):
    exp[f"points.{i}.statistic"] = zt
    exp[f"points.{i}.upper"] = hi
    exp[f"points.{i}.lower"] = lo
case("EWMA lambda 0.2, L 3", "REFERENCES.md §8(f) (Roberts 1959)", "ewma", {"values": X, "options": {"target": 10, "sigma": 1}}, exp, 1e-9)

case(
    "EWMA with timestamps naming the periods",
    "REFERENCES.md §8(f); ISO days of the timestamps as labels",
    "ewma",
    {"values": X, "timestamps": [f"2024-03-{d:02d}T09:30:00" for d in range(1, 9)], "options": {"target": 10, "sigma": 1}},
    {"signal_periods": ["2024-03-07", "2024-03-08"], "points.0.period": "2024-03-01"},
    0,
)

# EWMA with an estimated baseline and named periods.
rng = np.random.default_rng(8)
y = np.round(np.concatenate([rng.normal(40, 4, 20), rng.normal(46, 4, 6)]), 1)
base = y[:20]
mu, sigma = base.mean(), np.abs(np.diff(base)).mean() / 1.128
ew = ewma_np(y, 0.1, 2.7, mu, sigma)
sig = [i for i, (zt, lo, hi) in enumerate(ew) if zt > hi or zt < lo]
weeks = [f"2024-W{w:02d}" for w in range(1, len(y) + 1)]
exp = {"in_control.target": mu, "in_control.sigma": sigma, "in_control.baseline": 20, "signals": sig, "signal_periods": [weeks[i] for i in sig]}
exp.update({f"points.{i}.statistic": ew[i][0] for i in range(0, len(y), 5)})
exp.update({"points.25.period": weeks[25]})
case(
    "EWMA of a weekly NPS, target and sigma from 20 baseline weeks",
    "numpy: mean and mean moving range / 1.128",
    "ewma",
    {"values": y.tolist(), "periods": weeks, "options": {"lambda": 0.1, "l": 2.7, "baseline": 20}},
    exp,
    1e-9,
)


def cusum_np(x, k, h, mu, sigma):
    cp = cm = 0.0
    out = []
    for v in x:
        cp = max(0.0, v - mu - k * sigma + cp)
        cm = max(0.0, mu - k * sigma - v + cm)
        out.append((cp, cm))
    return out


cu = cusum_np(X, 0.5, 4, 10, 1)
for got, want in zip([c[0] for c in cu], [0, 0, 0.8, 1.2, 2.8, 4.1, 6.0, 7.5]):
    close(got, want, 1e-9)
exp = {"first_signal": 5, "signals": [5, 6, 7], "points.5.upper": 4.0, "points.5.shift": 0.5 + 4.1 / 4}
exp.update({f"points.{i}.statistic": max(c) for i, c in enumerate(cu)})
case("tabular CUSUM k 0.5, h 4", "REFERENCES.md §8(f) (Page 1954); shift estimate Montgomery §9.1.3", "cusum", {"values": X, "options": {"target": 10, "sigma": 1}}, exp, 1e-9)
down = [10 - (v - 10) for v in X]
case(
    "tabular CUSUM, a drop",
    "REFERENCES.md §8(f) mirrored",
    "cusum",
    {"values": down, "options": {"target": 10, "sigma": 1}},
    {"first_signal": 5, "points.5.direction": "down", "points.5.shift": -(0.5 + 4.1 / 4)},
    1e-9,
)

nn = np.array([12000, 15000, 11000, 18000, 13000, 16000, 14000, 17000], float)
dd = np.array([960, 1050, 1100, 1260, 780, 1440, 840, 1530], float)
pbar = dd.sum() / nn.sum()
sd = np.sqrt(pbar * (1 - pbar) / nn)
zz = (dd / nn - pbar) / sd
sz = np.abs(np.diff(zz)).mean() / 1.128
close(pbar, 0.0772414, 1e-7)
close(sz, 9.370262, 1e-5)
exp = {"share": pbar, "sigma_z": sz, "signals": [], "signals_p": [i for i in range(8) if abs(zz[i]) > 3]}
assert len(exp["signals_p"]) == 7
for i in range(8):
    exp[f"points.{i}.z"] = zz[i]
    exp[f"points.{i}.upper"] = pbar + 3 * sd[i] * sz
    exp[f"points.{i}.lower_p"] = pbar - 3 * sd[i]
case("Laney p-prime chart of daily on-time shares", "REFERENCES.md §8(f) (Laney 2002)", "laney_p", {"successes": dd.tolist(), "sizes": nn.tolist()}, exp, 1e-9)


# (d) Confidence sequences.
def ratio(alpha):
    return -special.lambertw(-(alpha**2) / math.e, -1).real - 1


rho = 100 / ratio(0.05)
close(rho, 12.177, 1e-3)


def half(n, sigma, planned, alpha=0.05):
    """Half-width of the normal-mixture sequence for a mean of n answers,
    tau^2 tuned to `planned` answers."""
    v = sigma**2 / n
    tau2 = sigma**2 / planned * ratio(alpha)
    return math.sqrt(v * (v + tau2) / tau2 * math.log((v + tau2) / (v * alpha**2)))


# Howard et al.'s form with rho = sigma^4/tau^2: sigma = rho = 1 (REFERENCES.md §8(d)).
for n_, want in ((10, 0.960640), (100, 0.327302), (1000, 0.113636), (10000, 0.0389916)):
    close(math.sqrt((n_ + 1) * math.log((n_ + 1) / 0.05**2)) / n_, want, 1e-6)
close(half(100, 1.0, 100), 0.30351, 1e-5)
answers = ([10, 9, 3, 8, 10, 6, 9, 7, 2, 10] * 30)[:257]
scores = [1 if a >= 9 else 0 if a >= 7 else -1 for a in answers]
m = float(np.mean(scores))
hw = half(len(scores), 1.0, 1000)
case(
    "confidence sequence of 257 NPS answers",
    "REFERENCES.md §8(d): normal mixture, sigma 1, tuned to n* = 1,000 (scipy.special.lambertw)",
    "confidence_sequence",
    {"values": answers, "answers": "nps"},
    {"n": 257, "estimate": 100 * m, "low": 100 * (m - hw), "high": 100 * (m + hw), "rows": 257, "state.n": 257},
    1e-9,
)
flags = [bool(v) for v in rng.random(400) < 0.83]
m = float(np.mean(flags))
hw = half(400, 0.5, 250, alpha=0.1)
case(
    "confidence sequence of 400 yes/no answers (booleans), alpha 0.1, n* 250",
    "normal mixture, sigma 1/2",
    "confidence_sequence",
    {"values": flags, "answers": "share", "options": {"alpha": 0.1, "planned_n": 250}},
    {"estimate": m, "low": m - hw, "high": m + hw},
    1e-9,
)
csat = [int(v) for v in rng.integers(1, 6, 150)]
m = float(np.mean(csat))
hw = half(150, 2.0, 1000)
case(
    "confidence sequence of a CSAT mean on 1-5",
    "normal mixture, sigma (5 - 1)/2",
    "confidence_sequence",
    {"values": csat, "answers": {"kind": "bounded", "min": 1, "max": 5}},
    {"estimate": m, "low": m - hw, "high": m + hw},
    1e-9,
)


def msprt(values, arms, sigma, planned, alpha=0.05):
    tau2 = 2 * sigma**2 / planned * ratio(alpha)
    sa = sb = 0.0
    na = nb = 0
    p, crossed = 1.0, None
    for i, (v, b) in enumerate(zip(values, arms)):
        if b:
            sb += v
            nb += 1
        else:
            sa += v
            na += 1
        if na == 0 or nb == 0:
            continue
        V = sigma**2 / na + sigma**2 / nb
        dlt = sb / nb - sa / na
        lam = math.sqrt(V / (V + tau2)) * math.exp(tau2 * dlt**2 / (2 * V * (V + tau2)))
        p = min(p, 1 / lam)
        if crossed is None and p <= alpha:
            crossed = i
    V = sigma**2 / na + sigma**2 / nb
    dlt = sb / nb - sa / na
    hw = math.sqrt(V * (V + tau2) / tau2 * math.log((V + tau2) / (V * alpha**2)))
    return dlt, hw, p, crossed


arm = ["control" if b else "new" for b in rng.random(1200) < 0.5]
conv = [int(u < (0.25 if a == "control" else 0.36)) for a, u in zip(arm, rng.random(1200))]
isb = [a == "new" for a in arm]
dlt, hw, pv, crossed = msprt(conv, isb, 0.5, 1000)
assert crossed is not None
case(
    "sequential test of conversions, control arm named",
    "REFERENCES.md §8(d): mSPRT = normal mixture, pair variance sigma_A^2/n_A + sigma_B^2/n_B",
    "sequential_test",
    {"values": conv, "arms": arm, "answers": "share", "control": "control", "periods": list(range(1200))},
    {"difference": dlt, "low": dlt - hw, "high": dlt + hw, "p_value": pv, "crossed_at": crossed, "crossed_period": crossed, "arms": ["control", "new"], "rows": 1200},
    1e-9,
)
nps_arm = ["A" if u < 0.5 else "B" for u in rng.random(600)]
nps_ans = [int(v) for v in rng.integers(0, 11, 600)]
sc = [1 if a >= 9 else 0 if a >= 7 else -1 for a in nps_ans]
dlt, hw, pv, crossed = msprt(sc, [a == "B" for a in nps_arm], 1.0, 1000)
case(
    "sequential test of NPS answers, no difference",
    "mSPRT on +1/0/-1 scores, sigma 1",
    "sequential_test",
    {"values": nps_ans, "arms": nps_arm, "answers": "nps"},
    {"difference": 100 * dlt, "low": 100 * (dlt - hw), "high": 100 * (dlt + hw), "p_value": pv, "crossed_at": crossed},
    1e-9,
)

# (e) CUPED.
yc, xc = [12, 15, 9, 20], [11, 13, 10, 16]
yt, xt = [14, 11, 17, 13], [12, 12, 13, 11]
Y, Xv = np.array(yc + yt, float), np.array(xc + xt, float)
theta = np.cov(Y, Xv)[0, 1] / Xv.var(ddof=1)
r = np.corrcoef(Y, Xv)[0, 1]
close(theta, 1.755319, 1e-6)
close(r, 0.923634, 1e-6)
adj = Y - theta * (Xv - Xv.mean())
close(adj[:4].mean(), 13.561170, 1e-6)
a_, b_ = adj[:4], adj[4:]
w = stats.ttest_ind(b_, a_, equal_var=False)
ci = w.confidence_interval(0.95)
case(
    "CUPED on the reference arms",
    "REFERENCES.md §8(e) (Deng et al. 2013); Welch interval by scipy.stats.ttest_ind",
    "cuped",
    {"outcome": Y.tolist(), "covariate": Xv.tolist(), "arms": ["control"] * 4 + ["test"] * 4},
    {
        "theta": theta,
        "correlation": r,
        "variance_ratio": 1 - r * r,
        "covariate_mean": 12.25,
        "raw_difference": -0.25,
        "adjusted_means.0": adj[:4].mean(),
        "adjusted_means.1": adj[4:].mean(),
        "difference": 0.627660,
        "ci_low": ci.low,
        "ci_high": ci.high,
        "n.0": 4,
        "arms.1": "test",
    },
    1e-6,
)

# (a)-(c) Key drivers.
R_FULL = np.array(
    [
        [1, 0.5, 0.3, 0.2, 0.6],
        [0.5, 1, 0.4, 0.3, 0.55],
        [0.3, 0.4, 1, 0.25, 0.4],
        [0.2, 0.3, 0.25, 1, 0.3],
        [0.6, 0.55, 0.4, 0.3, 1],
    ]
)


def rw_svd(X, y):
    """Johnson's relative weights by the data route: X = P D Q^T, Z = P Q^T."""
    n = len(y)
    # Unit-norm centred columns: Xs^T Xs = R.
    Xs = (X - X.mean(0)) / (X.std(0, ddof=1) * math.sqrt(n - 1))
    ys = (y - y.mean()) / (y.std(ddof=1) * math.sqrt(n - 1))
    P, D, Qt = np.linalg.svd(Xs, full_matrices=False)
    Z = P @ Qt  # the orthonormal columns closest to X
    beta_z = np.linalg.lstsq(Z, ys, rcond=None)[0]
    lam = np.linalg.lstsq(Z, Xs, rcond=None)[0]  # lam[k, j]: loading of x_j on z_k
    return (lam**2).T @ (beta_z**2)


def r2_of(X, y, cols):
    if not cols:
        return 0.0
    A = np.c_[np.ones(len(y)), X[:, cols]]
    b = np.linalg.lstsq(A, y, rcond=None)[0]
    return 1 - ((y - A @ b) ** 2).sum() / ((y - y.mean()) ** 2).sum()


def shapley_subsets(X, y):
    p = X.shape[1]
    phi = np.zeros(p)
    for j in range(p):
        others = [k for k in range(p) if k != j]
        for size in range(p):
            for S in __import__("itertools").combinations(others, size):
                w = math.factorial(size) * math.factorial(p - size - 1) / math.factorial(p)
                phi[j] += w * (r2_of(X, y, list(S) + [j]) - r2_of(X, y, list(S)))
    return phi


# 50 rows with exactly the reference correlation: orthonormal centred
# columns times the Cholesky factor of R.
g = np.random.default_rng(50).normal(size=(50, 5))
g -= g.mean(0)
q, _ = np.linalg.qr(g)
data = q @ np.linalg.cholesky(R_FULL).T * math.sqrt(49) + np.array([4, 3.5, 5, 2, 7])
assert np.allclose(np.corrcoef(data.T), R_FULL)
X, y = data[:, :4], data[:, 4]
rw = rw_svd(X, y)
sh = shapley_subsets(X, y)
for got, want in zip(rw, [0.2207642, 0.1462924, 0.0704502, 0.0381457]):
    close(got, want, 1e-7)
for got, want in zip(sh, [0.2193910, 0.1500863, 0.0693239, 0.0368513]):
    close(got, want, 1e-7)
r2 = r2_of(X, y, [0, 1, 2, 3])
close(r2, 0.4756525, 1e-7)
exp = {"r2": r2, "used": 50, "respondents": 50, "bootstrap": 0}
for j in range(4):
    exp[f"drivers.{j}.relative_weight"] = rw[j]
    exp[f"drivers.{j}.relative_percent"] = 100 * rw[j] / r2
    exp[f"drivers.{j}.shapley"] = sh[j]
    exp[f"drivers.{j}.rank"] = j + 1
    exp[f"drivers.{j}.correlation"] = R_FULL[j, 4]
exp["drivers.0.name"] = "delivery"
case(
    "key drivers of the reference correlation, 50 respondents",
    "REFERENCES.md §8(a),(b): relative weights by SVD of the data, Shapley by all subsets with numpy least squares",
    "key_drivers",
    {"outcome": y.tolist(), "items": X.tolist(), "names": ["delivery", "price", "support", "website"], "options": {"bootstrap": 0}},
    exp,
    1e-9,
)

# Pairwise deletion: a few answers missing; pandas-style pairwise correlations.
Xm = np.round(X, 3).copy()
ym = np.round(y, 3).copy()
for r_, c_ in ((3, 0), (10, 2), (17, 1), (25, 3), (40, 0)):
    Xm[r_, c_] = np.nan
ym[33] = np.nan
full = np.c_[Xm, ym]
v = full.shape[1]
Rp = np.eye(v)
fewest = len(full)
for a_ in range(v):
    for b_ in range(a_):
        ok = ~np.isnan(full[:, a_]) & ~np.isnan(full[:, b_])
        Rp[a_, b_] = Rp[b_, a_] = np.corrcoef(full[ok, a_], full[ok, b_])[0, 1]
        fewest = min(fewest, int(ok.sum()))
Rxx, rxy = Rp[:4, :4], Rp[:4, 4]
lam_, Q_ = np.linalg.eigh(Rxx)
root = Q_ @ np.diag(np.sqrt(lam_)) @ Q_.T
bstar = np.linalg.solve(root, rxy)
rw_p = (root**2) @ (bstar**2)
exp = {"r2": rxy @ np.linalg.solve(Rxx, rxy), "missing": "pairwise", "used": fewest}
exp.update({f"drivers.{j}.relative_weight": rw_p[j] for j in range(4)})
case(
    "key drivers with pairwise deletion",
    "numpy: pairwise-complete correlations, eigen route of REFERENCES.md §8(a)",
    "key_drivers",
    {"outcome": [None if math.isnan(t) else t for t in ym], "items": [[None if math.isnan(t) else t for t in row] for row in Xm], "options": {"bootstrap": 0, "missing": "pairwise"}},
    exp,
    1e-9,
)
listwise_rows = ~np.isnan(full).any(1)
case(
    "key drivers with listwise deletion count the respondents used",
    "numpy least squares on the complete rows",
    "key_drivers",
    {"outcome": [None if math.isnan(t) else t for t in ym], "items": [[None if math.isnan(t) else t for t in row] for row in Xm], "options": {"bootstrap": 0}},
    {"used": int(listwise_rows.sum()), "respondents": 50, "r2": r2_of(Xm[listwise_rows], ym[listwise_rows], [0, 1, 2, 3])},
    1e-9,
)

# Penalty-reward: ratings 1-5 of three items, outcome overall satisfaction.
pr = np.random.default_rng(21)
ratings = pr.integers(1, 6, size=(120, 3)).astype(float)
overall = 6 - 1.5 * (ratings[:, 0] <= 2) + 0.2 * (ratings[:, 0] >= 5) + 1.2 * (ratings[:, 1] >= 5) - 0.9 * (ratings[:, 2] <= 2) + 0.8 * (ratings[:, 2] >= 5)
overall = np.round(overall + pr.normal(0, 0.6, 120), 2)
D = np.c_[np.ones(120), (ratings <= 2).astype(float), (ratings >= 5).astype(float)]
coef, *_ = np.linalg.lstsq(D, overall, rcond=None)
res = overall - D @ coef
df_ = 120 - D.shape[1]
cov = (res @ res / df_) * np.linalg.inv(D.T @ D)
se = np.sqrt(np.diag(cov))
tq = stats.t.ppf(0.975, df_)
exp = {"used": 120, "baseline": coef[0], "r2": 1 - (res @ res) / ((overall - overall.mean()) ** 2).sum()}
for j in range(3):
    exp[f"items.{j}.penalty"] = coef[1 + j]
    exp[f"items.{j}.reward"] = coef[4 + j]
    exp[f"items.{j}.penalty_se"] = se[1 + j]
    exp[f"items.{j}.reward_ci.1"] = coef[4 + j] + tq * se[4 + j]
    kinds = {(True, False): "basic", (False, True): "exciter", (True, True): "performance", (False, False): "neither"}
    pen = abs(coef[1 + j]) > tq * se[1 + j]
    rew = abs(coef[4 + j]) > tq * se[4 + j]
    exp[f"items.{j}.kind"] = kinds[(pen, rew)]
assert [exp[f"items.{j}.kind"] for j in range(3)] == ["basic", "exciter", "performance"], [exp[f"items.{j}.kind"] for j in range(3)]
case(
    "penalty-reward of three touchpoints: a must-be, an exciter, a performance item",
    "REFERENCES.md §8(c); numpy least squares, scipy t interval",
    "penalty_reward",
    {"outcome": overall.tolist(), "items": ratings.tolist(), "names": ["checkout", "gift wrap", "delivery"]},
    exp,
    1e-9,
)

# Segments: three well-separated groups of unequal size (survey answers on
# 1-7 beside orders per year and CLV); numpy gives the group means and the
# silhouette of the true partition on standardized features.
sg = np.random.default_rng(33)
groups = [(80, [6.0, 2.0, 3.0, 150.0]), (50, [2.5, 6.0, 9.0, 600.0]), (30, [4.0, 4.0, 1.0, 40.0])]
rows_, truth = [], []
for g_, (size, centre) in enumerate(groups):
    for _ in range(size):
        rows_.append([round(c + sd * sg.normal(), 2) for c, sd in zip(centre, [0.4, 0.4, 0.6, 20.0])])
        truth.append(g_)
F = np.array(rows_)
T = np.array(truth)
Z = (F - F.mean(0)) / F.std(0, ddof=1)


def silhouette_np(Z, labels):
    D = np.sqrt(((Z[:, None, :] - Z[None, :, :]) ** 2).sum(-1))
    out = []
    for i in range(len(Z)):
        own = labels == labels[i]
        own[i] = False
        a = D[i, own].mean()
        b = min(D[i, labels == c].mean() for c in set(labels) if c != labels[i])
        out.append((b - a) / max(a, b))
    return float(np.mean(out))


exp = {"k": 3, "used": 160, "respondents": 160, "choice.1.k": 3, "choice.1.silhouette": silhouette_np(Z, T)}
for g_ in range(3):
    exp[f"segments.{g_}.size"] = int((T == g_).sum())
    for j, name in enumerate(["price", "sustainability", "orders", "clv"]):
        exp[f"segments.{g_}.features.{j}.mean"] = float(F[T == g_, j].mean())
        exp[f"segments.{g_}.features.{j}.standardized"] = float((F[T == g_, j].mean() - F[:, j].mean()) / F[:, j].std(ddof=1))
exp["segments.0.features.0.name"] = "price"
exp["assignments.0"] = 0
exp["assignments.159"] = 2
case(
    "segments of three groups by answers and behaviour",
    "group means and silhouette (Rousseeuw 1987) of the true partition with numpy",
    "segments",
    {"features": F.tolist(), "names": ["price", "sustainability", "orders", "clv"], "options": {"k_max": 5}},
    exp,
    1e-9,
)
seg_json = {
    "kind": "segmentation", "k": 2, "features": ["a", "b"], "means": [4.0, 100.0], "sds": [2.0, 50.0],
    "centres": [[1.0, -1.0], [-1.0, 1.0]], "segments": [], "choice": [], "respondents": 0, "used": 0,
    "assignments": [], "method": "",
}
new = [[6.5, 40.0], [2.0, 180.0], [None, 100.0], [4.2, 101.0]]
cent = np.array(seg_json["centres"])
want = []
for r_ in new:
    if None in r_:
        want.append(None)
        continue
    zr = (np.array(r_) - np.array(seg_json["means"])) / np.array(seg_json["sds"])
    want.append(int(np.argmin(((cent - zr) ** 2).sum(1))))
case(
    "assigning new customers to a saved segmentation",
    "nearest standardized centre with numpy",
    "assign_segments",
    {"segmentation": seg_json, "features": new},
    {"assignments": want, "k": 2},
    0,
)

# Errors: the argument and row they name.
error("NPS answer off the scale", "confidence_sequence", {"values": [9, 10, 11], "answers": "nps"}, "out_of_range", "values", 2)
error("NaN reading", "ewma", {"values": [1.0, "NaN", 2.0], "options": {"target": 0, "sigma": 1}}, "not_finite", "values", 1)
error("more successes than the subgroup", "laney_p", {"successes": [5, 12], "sizes": [10, 10]}, "out_of_range", "successes", 1)
error("power of 1", "sample_size", {"measure": "share", "from": 0.5, "to": 0.6, "options": {"power": 1}}, "invalid_parameter", "power")
error("three arms", "sequential_test", {"values": [1, 0, 1], "arms": ["a", "b", "c"], "answers": "share"}, "invalid_parameter", "arms")
error("constant covariate", "cuped", {"outcome": [1, 2, 3, 4], "covariate": [5, 5, 5, 5], "arms": [0, 0, 1, 1]}, "invalid_parameter", "covariate")
error("a state that is not a chart's", "cusum", {"values": [1.0, 2.0], "options": {"target": 0, "sigma": 1}, "state": {"n": 3}}, "decode", "state")
error("lambda outside (0, 1]", "ewma", {"values": [1.0, 2.0], "options": {"lambda": 1.5, "target": 0, "sigma": 1}}, "invalid_parameter", "lambda")
error("readings that never vary", "cusum", {"values": [3.0, 3.0, 3.0]}, "invalid_parameter", "sigma")
error("collinear items", "key_drivers", {"outcome": [1, 2, 3, 4, 5, 7], "items": [[1, 2], [2, 4], [3, 6], [4, 8], [5, 10], [6, 12]], "options": {"bootstrap": 0}}, "invalid_parameter", "items")
error("an item that never varies", "key_drivers", {"outcome": [1, 2, 3, 4, 5, 7], "items": [[1, 3], [2, 3], [3, 3], [4, 3], [5, 3], [6, 3]], "options": {"bootstrap": 0}}, "invalid_parameter", "items")
error("fewer respondents than items + 2", "key_drivers", {"outcome": [1, 2, 3], "items": [[1, 2], [2, 1], [3, 3]]}, "invalid_parameter", "items")
error("outcome and items of different lengths", "key_drivers", {"outcome": [1, 2], "items": [[1], [2], [3]]}, "length_mismatch", "outcome")
error("an item without high answers", "penalty_reward", {"outcome": [1, 2, 3, 4, 5, 6, 7, 8], "items": [[1], [2], [3], [4], [1], [2], [3], [4]]}, "invalid_parameter", "items")
error("a segmentation of another kind", "assign_segments", {"segmentation": {**seg_json, "kind": "model"}, "features": [[1, 2]]}, "decode", "segmentation")
error("rows of the wrong width for the segmentation", "assign_segments", {"segmentation": seg_json, "features": [[1, 2, 3]]}, "length_mismatch", "features")
error("a feature that never varies", "segments", {"features": [[1, 5], [2, 5], [3, 5], [4, 5], [5, 5]]}, "invalid_parameter", "features")
error("a stream that goes back in time", "sequential_test", {"values": [1, 0, 1, 1], "arms": ["a", "b", "a", "b"], "answers": "share", "timestamps": ["2024-05-01", "2024-05-02", "2024-04-30", "2024-05-03"]}, "out_of_range", "timestamps", 2)
error("readings out of order", "ewma", {"values": [1.0, 2.0, 3.0], "timestamps": ["2024-05-02", "2024-05-01", "2024-05-03"], "options": {"target": 0, "sigma": 1}}, "out_of_range", "timestamps", 1)
error("Shapley values over too many items", "key_drivers", {"outcome": [1, 2, 3, 4, 5, 7], "items": [[1, 2], [2, 1], [3, 3], [4, 6], [5, 4], [6, 5]], "options": {"bootstrap": 0, "shapley_max_items": 30}}, "invalid_parameter", "shapley_max_items")
error("a segmentation without segments", "assign_segments", {"segmentation": {**seg_json, "k": 0, "centres": []}, "features": [[1, 2]]}, "decode", "segmentation")
error("a share as an NPS mix", "sample_size", {"measure": "nps", "from": 0.4, "change": 5}, "invalid_parameter", "from")

doc = {
    "about": "Survey-analytics vectors (planning, control charts, confidence sequences, sequential tests, CUPED), read by the Rust tests (tests/tests/experiment_vectors.rs), pytest (cx-py/tests/test_experiments.py) and the JS tests. `args` are the arguments of cx::bind::call(name, args) (snake_case; JS passes them camelCased); `expected` maps dotted result paths to values within absolute `tol`; `error` gives the typed error. Generated by make_experiments.py (numpy/scipy, independent of cx).",
    "cases": cases,
}
OUT.write_text(json.dumps(doc, indent=1, ensure_ascii=False) + "\n")
print(f"wrote {len(cases)} cases to {OUT}")
