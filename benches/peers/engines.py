"""End to end on one machine's engines: orders → customer summary → BG/NBD
fit → P(alive) and expected purchases, and NPS by store and month of as many
survey answers, with cx.spark (local Spark), cx.dask (a LocalCluster) and
single-process cx, and the customer summary in plain pandas beside them. Run by benches/peers/engines (which installs and
builds what it needs); prints a table and writes it as markdown.

Data shaped like a shop's export, written as Parquet (8 files): customers
with gamma-Poisson order counts (mean 10, many one-time buyers), first orders
spread over two years, order times to the second, lognormal amounts, rows
shuffled (an export is not sorted by customer). The summary is in days (a
purchase is a customer's orders of one day); the table gives how many
distinct (x, t_x, T) rows the fit reads, which is what reaches the driver.

    python benches/peers/engines.py [--orders 1e6,1e7] [--out FILE]
"""

from __future__ import annotations

import argparse
import os
import pathlib
import sys
import time
import warnings
from typing import Tuple

import numpy as np
import pandas as pd

import cx

ROOT = pathlib.Path(__file__).resolve().parents[2]
DATA = ROOT / "target" / "bench-data"
END = pd.Timestamp("2025-12-31 23:59:59")


def shop(orders: int, seed: int = 1) -> pathlib.Path:
    """Parquet files of about ``orders`` orders (customers = orders / 10)."""
    path = DATA / f"orders-{orders}"
    if (path / "_done").exists():
        return path
    path.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    customers = orders // 10
    counts = 1 + rng.poisson(rng.gamma(0.6, 9 / 0.6, customers))
    ids = np.repeat(np.arange(customers, dtype=np.int64), counts)
    start = rng.uniform(0, 730 * 86_400, customers)
    first = np.repeat(start, counts)
    span = (730 * 86_400) - first
    offsets = rng.uniform(0, 1, len(ids)) * span
    is_first = np.r_[True, ids[1:] != ids[:-1]]
    offsets[is_first] = 0
    at = (END - pd.Timedelta(days=730)).to_datetime64() + (first + offsets).astype("timedelta64[s]")
    df = pd.DataFrame({"customer": ids, "at": at, "amount": np.round(rng.lognormal(3.5, 0.8, len(ids)), 2)})
    df = df.sample(frac=1.0, random_state=seed).reset_index(drop=True)  # exports are not sorted by customer
    bounds = np.linspace(0, len(df), 9).astype(int)
    for i in range(8):
        df.iloc[bounds[i] : bounds[i + 1]].to_parquet(path / f"part-{i}.parquet", index=False)
    (path / "_done").write_text(str(len(df)))
    return path


def answers(n: int, seed: int = 2) -> pathlib.Path:
    """Parquet files of ``n`` survey answers: NPS 0-10 as uint8, one of 40
    stores, answer times to the second over a year."""
    path = DATA / f"answers-{n}"
    if (path / "_done").exists():
        return path
    path.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    p = np.array([3, 2, 3, 4, 4, 7, 9, 15, 20, 17, 16], dtype=float)
    df = pd.DataFrame(
        {
            "nps": rng.choice(11, n, p=p / p.sum()).astype(np.uint8),
            "store": np.char.add("store-", rng.integers(0, 40, n).astype(str)),
            "at": (END - pd.Timedelta(days=365)).to_datetime64() + rng.integers(0, 365 * 86_400, n).astype("timedelta64[s]"),
        }
    )
    bounds = np.linspace(0, n, 9).astype(int)
    for i in range(8):
        df.iloc[bounds[i] : bounds[i + 1]].to_parquet(path / f"part-{i}.parquet", index=False)
    (path / "_done").write_text(str(n))
    return path


def timed(f):
    t = time.perf_counter()
    out = f()
    return out, time.perf_counter() - t


def single(path: pathlib.Path) -> dict:
    df, read = timed(lambda: pd.read_parquet(path))
    s, summary = timed(lambda: cx.customer_summary(df, customer_id="customer", timestamp="at", period="day", multiplier=1))
    m, fit = timed(lambda: cx.BetaGeo().fit(s))
    _, score = timed(lambda: (m.probability_alive(s), m.predict_purchases(30, s)))
    distinct = len(s.groupby(["frequency", "recency", "T"]).size())
    return {"read": read, "summary": summary, "fit": fit, "score": score, "ll": m.report.log_likelihood, "rows": len(df), "customers": len(s), "distinct": distinct}


def single_nps(path: pathlib.Path) -> Tuple[float, float]:
    df = pd.read_parquet(path)
    out, t = timed(lambda: cx.nps_by(df, score="nps", by="store", time="at", bucket="month"))
    return t, float(out["score"].sum())


def pandas_summary(path: pathlib.Path) -> float:
    """The summary in pandas (lifetimes' definition with day periods), for scale."""
    df = pd.read_parquet(path)

    def run():
        day = df["at"].dt.floor("D")
        g = pd.DataFrame({"customer": df["customer"], "day": day}).drop_duplicates().groupby("customer")["day"]
        first, last, n = g.min(), g.max(), g.size()
        end = day.max()
        return pd.DataFrame({"frequency": n - 1, "recency": (last - first).dt.days, "T": (end - first).dt.days})

    return timed(run)[1]


def spark_run(path: pathlib.Path, partitions: int, survey: pathlib.Path) -> dict:
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    from pyspark.sql import SparkSession, functions as F

    import cx.spark as cxs

    spark = (  # driver and executors share the machine's 2 cores in local mode
        SparkSession.builder.master("local[2]")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.driver.memory", "10g")
        .config("spark.sql.shuffle.partitions", str(partitions))
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    _, start = timed(lambda: spark.range(1).count())
    orders = spark.read.parquet(str(path))
    s, summary = timed(lambda: cxs.customer_summary(orders, customer_id="customer", timestamp="at"))
    m, fit = timed(lambda: cxs.fit(cx.BetaGeo(), s))
    _, score = timed(lambda: cxs.score(s, m, horizon=30).agg(F.sum("probability_alive")).first())
    nps, survey_s = timed(lambda: cxs.nps(spark.read.parquet(str(survey)), score="nps", by="store", time="at", bucket="month"))
    spark.stop()
    return {"start": start, "summary": summary, "fit": fit, "score": score, "ll": m.report.log_likelihood, "nps": survey_s, "nps_sum": float(nps["score"].sum())}


def dask_run(path: pathlib.Path, survey: pathlib.Path) -> dict:
    import dask.dataframe as dd
    from distributed import Client, LocalCluster

    import cx.dask as cxd

    (cluster, client), start = timed(lambda: (lambda c: (c, Client(c)))(LocalCluster(n_workers=2, threads_per_worker=1, memory_limit="10GB", dashboard_address=None)))
    orders = dd.read_parquet(str(path))
    s, summary = timed(lambda: cxd.customer_summary(orders, customer_id="customer", timestamp="at"))
    m, fit = timed(lambda: cxd.fit(cx.BetaGeo(), s))
    _, score = timed(lambda: cxd.score(s, m, horizon=30)["probability_alive"].sum().compute())
    nps, survey_s = timed(lambda: cxd.nps(dd.read_parquet(str(survey)), score="nps", by="store", time="at", bucket="month"))
    client.close()
    cluster.close()
    return {"start": start, "summary": summary, "fit": fit, "score": score, "ll": m.report.log_likelihood, "nps": survey_s, "nps_sum": float(nps["score"].sum())}


def agree(a: float, b: float) -> float:
    """Relative difference of the fits' log-likelihoods: the optimum, which
    is what the distinct rows must reproduce (on data without drop-out the
    BG/NBD optimum lies on the boundary a → 0, b → ∞, where a and b are not
    identified and any two fits differ in them)."""
    return abs(a - b) / abs(b)


def main() -> None:
    warnings.filterwarnings("ignore")
    ap = argparse.ArgumentParser()
    ap.add_argument("--orders", default="1e6,1e7", help="comma-separated order counts (50M: 5e7)")
    ap.add_argument("--out", default=str(ROOT / "benches" / "peers" / "engines.md"))
    args = ap.parse_args()
    lines = [
        "| orders (= answers) | customers (distinct rows) | engine | summary s | fit s | score s | end to end s | µs per order | ln L vs single | NPS by store × month s | ns per answer | NPS equal |",
        "|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for n in [int(float(v)) for v in args.orders.split(",")]:
        path = shop(n)
        survey = answers(n)
        one = single(path)
        one["nps"], one["nps_sum"] = single_nps(survey)
        rows = one["rows"]
        results = {"cx (one process)": one}
        results["cx.spark (local[2])"] = spark_run(path, partitions=max(4, rows // 500_000), survey=survey)
        results["cx.dask (LocalCluster 2×1)"] = dask_run(path, survey)
        pandas_s = pandas_summary(path)
        for name, r in results.items():
            total = r["summary"] + r["fit"] + r["score"]
            lines.append(
                f"| {rows:,} | {one['customers']:,} ({one['distinct']:,}) | {name} | {r['summary']:.2f} | {r['fit']:.2f} | {r['score']:.2f} | {total:.2f} | {1e6 * total / rows:.2f} | {agree(r['ll'], one['ll']):.1e} | {r['nps']:.2f} | {1e9 * r['nps'] / n:.0f} | {abs(r['nps_sum'] - one['nps_sum']) < 1e-6 * abs(one['nps_sum'])} |"
            )
        lines.append(f"| {rows:,} | {one['customers']:,} ({one['distinct']:,}) | pandas (summary only) | {pandas_s:.2f} | – | – | – | {1e6 * pandas_s / rows:.2f} | – | | | |")
        print("\n".join(lines[-4:]), flush=True)
    text = "\n".join(lines) + "\n"
    print(text)
    pathlib.Path(args.out).write_text(text)


if __name__ == "__main__":
    main()
