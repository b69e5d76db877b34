"""cx side by side with the tools people use today, on identical data.

Run through `benches/peers/run` (which builds what it needs). For each task
it generates seeded data, runs cx (Python binding) and each peer (median of
several runs), checks that the results agree, and prints a table; then it
times the same inputs in native Rust (`cx-native`) and in WebAssembly under
Node (`wasm.mjs`), and cost per item at growing sizes. numpy, pandas, polars
and lifetimes run in this process; PyMC-Marketing and clvkit pin their own
numpy/pandas/scipy, so they run in venvs of their own through `peer.py`
(`CX_PYMC_PYTHON`, `CX_CLVKIT_PYTHON`: their interpreters; a peer whose
interpreter is missing is reported as not run). Targets are those of the
benchmark issue; a missed target is reported.

    python benches/peers/peers.py [--full] [--runs N] [--out FILE]
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import pathlib
import statistics
import subprocess
import sys
import tempfile
import time
import warnings

import numpy as np
import pandas as pd
import polars as pl

import cx

ROOT = pathlib.Path(__file__).resolve().parents[2]
NATIVE = ROOT / "target" / "release" / "cx-native"
WASM_JS = ROOT / "benches" / "peers" / "wasm.mjs"
PEER_PY = ROOT / "benches" / "peers" / "peer.py"
TOOLS = {
    "pymc": ("PyMC-Marketing 0.19.2 (MAP, flat priors)", os.environ.get("CX_PYMC_PYTHON", str(ROOT / ".venv-pymc" / "bin" / "python"))),
    "clvkit": ("clvkit 0.2.1", os.environ.get("CX_CLVKIT_PYTHON", str(ROOT / ".venv-clvkit" / "bin" / "python"))),
}
ROWS: list[dict] = []
LINES: list[str] = []


def say(line: str = "") -> None:
    print(line, flush=True)
    LINES.append(line)


def median_time(f, runs):
    """Median wall time of `runs` calls; calls under 20 ms (noisier) get one
    warm-up call and 5x as many runs."""
    t = time.perf_counter()
    out = f()
    first = time.perf_counter() - t
    if first >= 0.02:
        times = [first]
        runs -= 1
    else:
        times, runs = [], runs * 5
    for _ in range(runs):
        t = time.perf_counter()
        out = f()
        times.append(time.perf_counter() - t)
    return statistics.median(times), out


def row(task, size, peer, peer_s, cx_s, agree, target=None, note=""):
    ratio = peer_s / cx_s
    ROWS.append(dict(task=task, size=size, peer=peer, peer_s=peer_s, cx_s=cx_s, ratio=ratio, agree=agree, target=target))
    mark = "" if target is None else ("  target met" if ratio >= target else f"  TARGET {target}x MISSED")
    say(f"| {task} | {size:,} | {peer} | {peer_s:.4g} | {cx_s:.4g} | {ratio:.1f}x | {'yes' if agree else 'NO'} |{mark}{note}")


def peer(tool, task, folder, runs):
    """The tool's side of a task through `peer.py` in its own venv; None
    (and a row saying so) when its interpreter is missing or it fails."""
    name, python = TOOLS[tool]
    if not pathlib.Path(python).exists():
        say(f"| {task} | | {name} | not run: no interpreter at {python} | | | |")
        return None
    try:
        out = subprocess.run([python, str(PEER_PY), tool, task, str(folder), str(runs)], capture_output=True,
                             text=True, check=True)
    except subprocess.CalledProcessError as e:
        say(f"| {task} | | {name} | failed: {e.stderr.strip().splitlines()[-1][:80] if e.stderr.strip() else e.returncode} | | | |")
        return None
    return json.loads(out.stdout.strip().splitlines()[-1])


def peer_file(folder, tool, task, name):
    return np.fromfile(folder / f"{tool}.{task}.{name}.f64", dtype=np.float64)


def same_optimum(model_cls, params, data, ll, rel=None, abs_tol=None):
    """The peer's parameters scored by cx reach cx's maximum log-likelihood:
    within `rel` relative or `abs_tol` absolute."""
    theirs = float(np.sum(model_cls(**params).log_likelihood(data)))
    if rel is not None:
        return abs(theirs - ll) <= rel * abs(ll)
    return abs(theirs - ll) <= abs_tol


def first_note(r):
    return f" (first call {r['first_seconds']:.3g} s)" if r["first_seconds"] > 1.5 * r["seconds"] + 0.05 else ""


def external(cmd, task, folder, runs, env=None):
    out = subprocess.run([*cmd, task, str(folder), str(runs)], capture_output=True, text=True, check=True,
                         env=None if env is None else {**os.environ, **env})
    return json.loads(out.stdout)


# ---------------------------------------------------------------- data

def answers(n, seed=1):
    return np.random.default_rng(seed).integers(0, 11, n, dtype=np.uint8)


def orders(n, seed=3):
    rng = np.random.default_rng(seed)
    return pd.DataFrame({
        "customer": rng.integers(0, max(n // 10, 1), n, dtype=np.int64),
        "date": (np.datetime64("2022-01-01") + rng.integers(0, 730, n)).astype("datetime64[ns]"),
        "amount": rng.integers(0, 20_000, n) / 100.0,
    })


def bg_customers(n, seed=5, r=0.8, alpha=6.0, a=0.9, b=3.0, continuous=False):
    """BG/NBD customers (FHL 2005 generative story), ages 20-60 weeks, times in
    whole days; with `continuous`, times as they come (order timestamps): then
    no two customers share a row and nothing merges into weights."""
    rng = np.random.default_rng(seed)
    lam = rng.gamma(r, 1 / alpha, n)
    p = rng.beta(a, b, n)
    T = rng.uniform(20, 60, n)
    if not continuous:
        T = np.round(T * 7) / 7
    x = np.zeros(n)
    tx = np.zeros(n)
    now = np.zeros(n)
    alive = np.ones(n, bool)
    while alive.any():
        idx = np.flatnonzero(alive)
        now[idx] += rng.exponential(1 / lam[idx])
        over = now[idx] > T[idx]
        alive[idx[over]] = False
        buy = idx[~over]
        x[buy] += 1
        tx[buy] = now[buy]
        drop = buy[rng.uniform(size=buy.size) < p[buy]]
        alive[drop] = False
    if not continuous:
        tx = np.minimum(np.round(tx * 7) / 7, T)
    spend = np.where(x > 0, rng.gamma(6.0, 3.0, n) + 1.0, 0.0)
    return pd.DataFrame({"frequency": x, "recency": tx, "T": T, "monetary_value": spend})


def write(folder, **cols):
    for name, a in cols.items():
        np.ascontiguousarray(a).tofile(folder / name)


# ---------------------------------------------------------------- tasks

def task_nps(n, runs, folder):
    a = answers(n)
    cx_s, r = median_time(lambda: cx.nps(a), runs)
    s = pd.Series(a)
    peers = {
        "numpy bincount": lambda: (lambda c: 100 * (c[9:].sum() - c[:7].sum()) / a.size)(np.bincount(a, minlength=11)),
        "numpy masks": lambda: 100 * ((a >= 9).mean() - (a <= 6).mean()),
        "pandas": lambda: 100 * ((s >= 9).mean() - (s <= 6).mean()),
        "polars": lambda: pl.DataFrame({"a": a}).select(((pl.col("a") >= 9).mean() - (pl.col("a") <= 6).mean()) * 100).item(),
    }
    best = None
    for name, f in peers.items():
        t, v = median_time(f, runs)
        row("NPS (score only for peers; cx adds the CI)", n, name, t, cx_s, abs(v - r.score) < 1e-9)
        best = t if best is None else min(best, t)
    ROWS[-1]["best_peer_s"] = best
    write(folder, **{"answers.u8": a})
    return cx_s, best


def lifetimes_summary(df):
    from lifetimes.utils import summary_data_from_transaction_data

    return summary_data_from_transaction_data(df, "customer", "date", monetary_value_col="amount")


def polars_summary(df: pl.DataFrame):
    end = df["date"].max()
    daily = df.group_by("customer", "date").agg(pl.col("amount").sum())
    g = daily.group_by("customer").agg(
        first=pl.col("date").min(),
        last=pl.col("date").max(),
        n=pl.len(),
        total=pl.col("amount").sum(),
        first_amount=pl.col("amount").sort_by("date").first(),
    )
    return g.select(
        "customer",
        frequency=pl.col("n") - 1,
        recency=(pl.col("last") - pl.col("first")).dt.total_days().cast(pl.Float64),
        T=(pl.lit(end) - pl.col("first")).dt.total_days().cast(pl.Float64),
        monetary_value=pl.when(pl.col("n") > 1)
        .then((pl.col("total") - pl.col("first_amount")) / (pl.col("n") - 1))
        .otherwise(0.0),
    ).sort("customer")


def task_summary(n, runs, folder, with_lifetimes):
    df = orders(n)
    pdf = pl.from_pandas(df)
    cx_s, s = median_time(lambda: cx.customer_summary(df, customer_id="customer", timestamp="date", amount="amount"), runs)
    s = s.sort_values("customer").reset_index(drop=True)
    t, p = median_time(lambda: polars_summary(pdf), runs)
    agree = all(np.allclose(s[c].to_numpy(float), p[c].to_numpy().astype(float), rtol=1e-9, atol=1e-9) for c in ["frequency", "recency", "T", "monetary_value"])
    row("customer summary", n, "polars group-by", t, cx_s, agree, target=3)
    if with_lifetimes:
        t, lt = median_time(lambda: lifetimes_summary(df), 1)
        lt = lt.sort_index()
        agree = all(np.allclose(s[c].to_numpy(float), lt[c].to_numpy(float), rtol=1e-9, atol=1e-9) for c in ["frequency", "recency", "T", "monetary_value"])
        row("customer summary", n, "lifetimes 0.11.3", t, cx_s, agree, target=30)
    write(folder, **{"customers.i64": df["customer"].to_numpy(np.int64),
                     "days.i64": (df["date"].to_numpy().astype("datetime64[D]").astype(np.int64)),
                     "amounts.f64": df["amount"].to_numpy(np.float64)})
    if with_lifetimes:
        r = peer("clvkit", "summary", folder, max(1, runs // 2))
        if r:
            # clvkit leaves orders of amount 0 out of the monetary mean (cx,
            # lifetimes and polars count them): the monetary value is
            # compared on the customers without one.
            free = np.isin(s["customer"].to_numpy(), df.loc[df["amount"] == 0, "customer"].unique())
            same = lambda c, rows=slice(None): np.allclose(s[c].to_numpy(float)[rows], peer_file(folder, "clvkit", "summary", c)[rows],  # noqa: E731
                                                           rtol=1e-9, atol=1e-9)
            agree = (np.array_equal(s["customer"].to_numpy(np.float64), peer_file(folder, "clvkit", "summary", "customer"))
                     and all(same(c) for c in ["frequency", "recency", "T"]) and same("monetary_value", ~free))
            row("customer summary", n, TOOLS["clvkit"][0], r["seconds"], cx_s, agree, target=30,
                note=first_note(r) + f" (monetary value on the {(~free).sum():,} customers without a free order)")
    return cx_s


def task_fit_bg(n, runs, folder, continuous=False, target=None, peers=("pymc",)):
    """BG/NBD fit by cx, lifetimes and the venv peers; the same optimum means
    the peer's parameters, scored by cx, give cx's ln L within 1e-6 relative."""
    from lifetimes import BetaGeoFitter

    d = bg_customers(n, continuous=continuous)
    cx_s, m = median_time(lambda: cx.BetaGeo().fit(d), runs)
    ll = m.report.log_likelihood
    task = f"BG/NBD fit, {'continuous' if continuous else 'whole-day'} recency ({m.report.distinct_rows:,.0f} distinct rows)"
    t, lt = median_time(lambda: BetaGeoFitter().fit(d["frequency"], d["recency"], d["T"]), 1)
    agree = same_optimum(cx.BetaGeo, {k: float(lt.params_[k]) for k in ["r", "alpha", "a", "b"]}, d, ll, rel=1e-6)
    row(task, n, "lifetimes 0.11.3", t, cx_s, agree, target=target)
    write(folder, **{"frequency.f64": d["frequency"].to_numpy(), "recency.f64": d["recency"].to_numpy(), "t.f64": d["T"].to_numpy(),
                     "monetary.f64": d["monetary_value"].to_numpy()})
    (folder / "model.json").write_text(m.to_json())
    for tool in peers:
        r = peer(tool, "fit_bg_nbd", folder, 2 if tool == "pymc" else 1)
        if r:
            row(task, n, TOOLS[tool][0], r["seconds"], cx_s, same_optimum(cx.BetaGeo, r["params"], d, ll, rel=1e-6),
                note=first_note(r))
    return cx_s, d, m, lt


def task_predictions(d, m, lt, runs, folder):
    from lifetimes import GammaGammaFitter

    n = len(d)
    cx_s, p = median_time(lambda: m.probability_alive(d), runs)
    t, q = median_time(lambda: lt.conditional_probability_alive(d["frequency"], d["recency"], d["T"]), runs)
    # Compare at the same parameters: lifetimes' own fit differs from cx's in the last digits.
    same = cx.BetaGeo(**{k: float(lt.params_[k]) for k in ["r", "alpha", "a", "b"]}).probability_alive(d)
    row("P(alive) BG/NBD", n, "lifetimes 0.11.3", t, cx_s, np.allclose(same, q, rtol=1e-6, atol=0), target=10)
    # The venv peers score cx's own parameters (model.json).
    for tool in ("pymc", "clvkit"):
        r = peer(tool, "alive_bg_nbd", folder, runs)
        if r:
            theirs = peer_file(folder, tool, "alive_bg_nbd", "alive")
            row("P(alive) BG/NBD", n, TOOLS[tool][0], r["seconds"], cx_s, np.allclose(p, theirs, rtol=1e-9, atol=1e-12),
                note=first_note(r))
    rep = d[d["frequency"] > 0]
    g = cx.GammaGamma().fit(rep)
    (folder / "spend.json").write_text(g.to_json())
    ggf = GammaGammaFitter()
    ggf.params_ = pd.Series({"p": g.params["p"], "q": g.params["q"], "v": g.params["v"]})
    cx_s, v = median_time(lambda: g.clv(m, d, months=12, discount_rate=0.01, periods_per_month=4.345), max(1, runs // 2))
    bgf = type(lt)()
    bgf.params_ = pd.Series({k: m.params[k] for k in ["r", "alpha", "a", "b"]})
    bgf.predict = bgf.conditional_expected_number_of_purchases_up_to_time  # what lifetimes' fit() sets
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t, w = median_time(lambda: ggf.customer_lifetime_value(bgf, d["frequency"], d["recency"], d["T"], d["monetary_value"], time=12, discount_rate=0.01, freq="W"), 1)
    row("12-month CLV (BG/NBD + gamma-gamma)", n, "lifetimes 0.11.3", t, cx_s, np.allclose(v, np.asarray(w), rtol=1e-6, atol=1e-9), target=30)
    # clvkit's CLV: one period per week for 52 weeks, discounted per week.
    r = peer("clvkit", "clv", folder, 1)
    if r:
        cx_s, v = median_time(lambda: g.clv(m, d, months=52, discount_rate=0.0023, periods_per_month=1.0), max(1, runs // 2))
        theirs = peer_file(folder, "clvkit", "clv", "value")
        row("52-week CLV, weekly periods (BG/NBD + gamma-gamma)", n, TOOLS["clvkit"][0], r["seconds"], cx_s,
            np.allclose(v, theirs, rtol=1e-6, atol=1e-9), note=first_note(r))


def task_cdnow(runs, folder):
    from lifetimes import BetaGeoFitter, GammaGammaFitter, ParetoNBDFitter

    s = pd.read_csv(ROOT / "data" / "cdnow" / "cdnow_customers_summary_with_transactions.csv").rename(
        columns={"x": "frequency", "t_x": "recency", "zbar": "monetary_value"})
    write(folder, **{"frequency.f64": s["frequency"].to_numpy(np.float64), "recency.f64": s["recency"].to_numpy(np.float64),
                     "t.f64": s["T"].to_numpy(np.float64), "monetary.f64": s["monetary_value"].to_numpy(np.float64)})
    rep = s[s.frequency > 0]
    for name, task, ours, theirs, data, target, venv in [
        ("BG/NBD fit, CDNOW", "fit_bg_nbd", lambda: cx.BetaGeo().fit(s), lambda: BetaGeoFitter().fit(s.frequency, s.recency, s["T"]), s, None, ("pymc", "clvkit")),
        ("Pareto/NBD fit, CDNOW", "fit_pareto_nbd", lambda: cx.ParetoNbd().fit(s), lambda: ParetoNBDFitter().fit(s.frequency, s.recency, s["T"]), s, 60, ("pymc",)),
        ("gamma-gamma fit, CDNOW", "fit_gamma_gamma", lambda: cx.GammaGamma().fit(rep), lambda: GammaGammaFitter().fit(rep.frequency, rep.monetary_value), rep, None, ("pymc", "clvkit")),
    ]:
        cx_s, m = median_time(ours, runs)
        t, lt = median_time(theirs, max(1, runs // 2))
        # Same optimum: lifetimes' parameters, scored by cx, give cx's ln L within 0.01.
        ll = m.report.log_likelihood
        row(name + " (ln L within 0.01)", len(data), "lifetimes 0.11.3", t, cx_s,
            same_optimum(type(m), {k: float(v) for k, v in lt.params_.items()}, data, ll, abs_tol=0.01), target=target)
        for tool in venv:
            r = peer(tool, task, folder, runs)
            if r:
                params = {("v" if k == "gamma" else k): v for k, v in r["params"].items()}
                row(name + " (ln L within 0.01)", len(data), TOOLS[tool][0], r["seconds"], cx_s,
                    same_optimum(type(m), params, data, ll, abs_tol=0.01), target=target, note=first_note(r))


def native_and_wasm(folder, runs, task, py_s, n, label=None):
    nat = external([str(NATIVE)], task, folder, runs)
    # WebAssembly has one thread: the fair comparison is native on one thread too.
    one = external([str(NATIVE)], task, folder, runs, env={"RAYON_NUM_THREADS": "1"})
    line = f"| {label or task} | {n:,} | {nat['seconds']:.4g} | {one['seconds']:.4g} | {py_s:.4g} | {py_s / nat['seconds'] - 1:+.0%} |"
    try:
        w = external(["node", str(WASM_JS)], task, folder, runs)
        r = w['seconds'] / one['seconds']
        line += f" {w['seconds']:.4g} | {r:.1f}x{'' if r <= 2 else '  TARGET 2x MISSED'} |"
    except subprocess.CalledProcessError as e:
        line += f" failed: {e.stderr.strip()[:60]} | |"
    say(line)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--full", action="store_true", help="also 1e7 orders against lifetimes (slow) and the 1e7 scaling points")
    ap.add_argument("--runs", type=int, default=5, help="runs per timing (median)")
    ap.add_argument("--small", action="store_true", help="sizes divided by 100 (a quick check of the harness)")
    ap.add_argument("--out", type=pathlib.Path, help="also write the tables to this Markdown file")
    args = ap.parse_args()
    runs = args.runs
    k = 100 if args.small else 1
    tmp = pathlib.Path(tempfile.mkdtemp(prefix="cx-peers-"))
    say(f"cx {cx.__version__}; {os.cpu_count()} cores; median of {runs} runs (peers that take seconds: 1 run)")
    say()
    say("| task | size | peer | peer s | cx s (Python) | ratio | agree |")
    say("|---|---|---|---|---|---|---|")
    nps_dir, sum_dir, fit_dir = (tmp / "nps", tmp / "summary", tmp / "fit")
    for d in (nps_dir, sum_dir, fit_dir):
        d.mkdir()
    nps_s, best = task_nps(10_000_000 // k, runs, nps_dir)
    r = best / nps_s
    say(f"|  |  | target: cx ≥ 1x the fastest peer | | | {r:.1f}x | {'met' if r >= 1 else 'MISSED'} |")
    sum_s = task_summary(1_000_000 // k, runs, sum_dir, with_lifetimes=True)
    if args.full:
        big = tmp / "summary_1e7"
        big.mkdir()
        task_summary(10_000_000, max(1, runs // 2), big, with_lifetimes=True)
    fit_s, d, m, lt = task_fit_bg(1_000_000 // k, max(1, runs // 2), fit_dir)
    task_predictions(d, m, lt, runs, fit_dir)
    alive_s, _ = median_time(lambda: m.probability_alive(d), runs)
    # Order timestamps, or summaries in weeks with fractions, do not merge into
    # weights: the fit sees every customer. The targets are set on these.
    cont_dir, mid_dir, cdnow_dir = tmp / "fit_continuous", tmp / "fit_200k", tmp / "cdnow"
    for f in (cont_dir, mid_dir, cdnow_dir):
        f.mkdir()
    cont_s, *_ = task_fit_bg(1_000_000 // k, max(1, runs // 2), cont_dir, continuous=True, target=50)
    task_fit_bg(200_000 // k, max(1, runs // 2), mid_dir, continuous=True, target=50, peers=("pymc", "clvkit"))
    task_cdnow(runs, cdnow_dir)

    say()
    say("Native Rust, the Python binding and WebAssembly (Node, one thread) on the same files:")
    say()
    say("| task | size | native s | native s, 1 thread | Python s | binding overhead | wasm s | wasm / native, 1 thread |")
    say("|---|---|---|---|---|---|---|---|")
    native_and_wasm(nps_dir, runs, "nps", nps_s, 10_000_000 // k)
    native_and_wasm(sum_dir, runs, "summary", sum_s, 1_000_000 // k)
    native_and_wasm(fit_dir, runs, "alive_bg_nbd", alive_s, 1_000_000 // k)
    native_and_wasm(fit_dir, max(1, runs // 2), "fit_bg_nbd", fit_s, 1_000_000 // k)
    native_and_wasm(cont_dir, max(1, runs // 2), "fit_bg_nbd", cont_s, 1_000_000 // k, label="fit_bg_nbd, continuous")

    say()
    say("Scaling (native Rust, seconds per item):")
    say()
    say("| task | 1e5 | 1e6 | 1e7 |")
    say("|---|---|---|---|")
    for task, make in [("nps", lambda n, f: write(f, **{"answers.u8": answers(n)})),
                       ("summary", lambda n, f: write(f, **{"customers.i64": orders(n)["customer"].to_numpy(np.int64),
                                                           "days.i64": orders(n)["date"].to_numpy().astype("datetime64[D]").astype(np.int64),
                                                           "amounts.f64": orders(n)["amount"].to_numpy(np.float64)}))]:
        cells = []
        for n in (100_000 // k, 1_000_000 // k, 10_000_000 // k):
            if n == 10_000_000 and task == "summary" and not args.full:
                cells.append("(--full)")
                continue
            f = tmp / f"{task}_{n}"
            f.mkdir(exist_ok=True)
            make(n, f)
            s = external([str(NATIVE)], task, f, runs)["seconds"]
            cells.append(f"{s / n * 1e9:.2f} ns")
        say(f"| {task} | " + " | ".join(cells) + " |")

    say()
    for name, folder, target_kb in [("cx-wasm", "", 200), ("cx-wasm/survey", "survey", 50), ("cx-wasm/report", "report", None)]:
        wasm = ROOT / "cx-wasm" / "pkg" / folder / "nodejs" / "cx_wasm_bg.wasm"
        if wasm.exists():
            raw, gz = wasm.stat().st_size, len(gzip.compress(wasm.read_bytes(), 9))
            goal = "" if target_kb is None else f" (target ≤ {target_kb} KB: {'met' if gz <= target_kb * 1000 else 'MISSED'})"
            say(f"WebAssembly module {name}: {raw / 1000:.0f} KB, {gz / 1000:.0f} KB gzipped{goal}")
    bad = [r for r in ROWS if not r["agree"]]
    if args.out:
        args.out.write_text("\n".join(LINES) + "\n")
    if bad:
        print(f"\n{len(bad)} comparisons disagree: {[b['task'] + ' / ' + b['peer'] for b in bad]}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
