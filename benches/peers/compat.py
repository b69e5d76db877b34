"""What `from cx import lifetimes` costs over cx's own API: the same fits
and predictions through cx.lifetimes (lifetimes' names, arguments and
frames) and through cx.BetaGeo, on CDNOW (2,357 customers) and on 1M
simulated BG/NBD customers. Prints the median times and their ratio
(compat / native); run with the project venv after `maturin develop
--release`:

    .venv/bin/python benches/peers/compat.py
"""

import pathlib
import sys

import numpy as np
import pandas as pd

import cx
from cx import lifetimes

sys.path.insert(0, str(pathlib.Path(__file__).parent))
from peers import bg_customers, median_time  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parents[2]


def compare(label, n, native, compat, runs):
    tn, a = median_time(native, runs)
    tc, b = median_time(compat, runs)
    same = np.allclose(np.asarray(a, dtype=float), np.asarray(b, dtype=float), rtol=1e-9, atol=0)
    print(f"| {label} | {n:,} | {tn * 1e3:.2f} ms | {tc * 1e3:.2f} ms | {tc / tn:.2f} | {'yes' if same else 'NO'} |", flush=True)


def main():
    print("| task | customers | cx (native API) | cx.lifetimes | ratio | same numbers |")
    print("|---|---|---|---|---|---|")
    cdnow = pd.read_csv(ROOT / "data" / "cdnow" / "cdnow_customers_summary.csv")
    big = bg_customers(1_000_000)
    for df, runs in ((cdnow, 20), (big, 3)):
        n = len(df)
        f, r, t = df["frequency"], df["recency"], df["T"]
        compare("BG/NBD fit (params)", n,
                lambda: list(cx.BetaGeo().fit(df).params.values()),
                lambda: lifetimes.BetaGeoFitter().fit(f, r, t).params_.values, runs)
        m = cx.BetaGeo().fit(df)
        lt = lifetimes.BetaGeoFitter().fit(f, r, t)
        compare("P(alive)", n,
                lambda: m.probability_alive(df),
                lambda: lt.conditional_probability_alive(f, r, t), runs)
        compare("expected purchases, 10 periods", n,
                lambda: m.predict_purchases(10, df),
                lambda: lt.conditional_expected_number_of_purchases_up_to_time(10, f, r, t), runs)


if __name__ == "__main__":
    main()
