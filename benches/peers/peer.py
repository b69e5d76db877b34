"""One peer library's side of a comparison, run in that library's own venv.

PyMC-Marketing and clvkit pin numpy, pandas and scipy versions of their own,
so `benches/peers/run` gives each a venv and `peers.py` calls this script
there, on the files it wrote for cx. It prints one JSON object:
`{"tool", "task", "seconds", "first_seconds", ...}`, where `seconds` is the
median of the warm runs (the first call when RUNS is 1) and `first_seconds` the first call (for
PyMC-Marketing that includes compiling the model's graph). Results that
`peers.py` checks against cx are written beside the inputs as
`<tool>.<task>.<column>.f64`; fitted parameters come back in the JSON.

    python benches/peers/peer.py pymc|clvkit TASK FOLDER RUNS

Tasks (not every tool has every one):
  fit_bg_nbd, fit_pareto_nbd, fit_gamma_gamma   maximum likelihood (PyMC-Marketing:
                                                maximum a posteriori with flat priors,
                                                which is the same optimum)
  alive_bg_nbd                                  P(alive) at cx's parameters (model.json)
  clv                                           clvkit: 52-week CLV at cx's parameters
  summary                                       clvkit: RFM summary of the orders
"""

from __future__ import annotations

import json
import pathlib
import statistics
import sys
import time
import warnings

import numpy as np
import pandas as pd

warnings.simplefilter("ignore")


def timed(f, runs):
    t = time.perf_counter()
    out = f()
    first = time.perf_counter() - t
    times = []
    for _ in range(runs - 1):
        t = time.perf_counter()
        out = f()
        times.append(time.perf_counter() - t)
    return (statistics.median(times) if times else first), first, out


def customers(folder: pathlib.Path) -> pd.DataFrame:
    col = lambda name: np.fromfile(folder / name, dtype=np.float64)  # noqa: E731
    d = pd.DataFrame({"frequency": col("frequency.f64"), "recency": col("recency.f64"), "T": col("t.f64")})
    if (folder / "monetary.f64").exists():
        d["monetary_value"] = col("monetary.f64")
    d["customer_id"] = np.arange(len(d))
    return d


def cx_params(folder: pathlib.Path, name: str) -> dict:
    return json.loads((folder / name).read_text())


def save(folder, tool, task, **cols):
    for name, a in cols.items():
        np.ascontiguousarray(np.asarray(a, dtype=np.float64)).tofile(folder / f"{tool}.{task}.{name}.f64")


# ---------------------------------------------------------------- PyMC-Marketing

def pymc(task, folder, runs):
    from pymc_extras.prior import Prior
    from pymc_marketing import clv

    d = customers(folder)

    def fit(cls, names, data):
        def go():
            m = cls(data=data, model_config={k: Prior("HalfFlat") for k in names})
            m.fit(method="map", progressbar=False)
            return {k: float(m.idata.posterior[k].values.ravel()[0]) for k in names}
        return go

    if task == "fit_bg_nbd":
        f = fit(clv.BetaGeoModel, ["r", "alpha", "a", "b"], d[["customer_id", "frequency", "recency", "T"]])
    elif task == "fit_pareto_nbd":
        f = fit(clv.ParetoNBDModel, ["r", "alpha", "s", "beta"], d[["customer_id", "frequency", "recency", "T"]])
    elif task == "fit_gamma_gamma":
        rep = d[d.frequency > 0][["customer_id", "frequency", "monetary_value"]]
        f = fit(clv.GammaGammaModel, ["p", "q", "v"], rep)
    elif task == "alive_bg_nbd":
        p = cx_params(folder, "model.json")
        data = d[["customer_id", "frequency", "recency", "T"]]
        m = clv.BetaGeoModel(data=data, model_config={k: Prior("HalfFlat") for k in ["r", "alpha", "a", "b"]})
        m.build_model()
        import arviz as az

        # A one-draw posterior at cx's parameters: how PyMC-Marketing scores
        # a maximum a posteriori fit.
        m.idata = az.from_dict(posterior={k: np.array([[p[k]]]) for k in ["r", "alpha", "a", "b"]})
        f = lambda: m.expected_probability_alive(data).values.ravel()  # noqa: E731
    else:
        raise SystemExit(f"peer.py: pymc has no task {task}")
    s, first, out = timed(f, runs)
    if task == "alive_bg_nbd":
        save(folder, "pymc", task, alive=out)
        out = None
    return {"seconds": s, "first_seconds": first, "params": out}


# ---------------------------------------------------------------- clvkit

def clvkit(task, folder, runs):
    import clvkit as ck

    end = pd.Timestamp("2030-01-01")

    def base(data, monetary=True):
        return ck.CustomerBase(data.set_index("customer_id"), time_unit="W", observation_period_end=end,
                               has_monetary=monetary, on_negative="net")

    if task == "summary":
        log = pd.DataFrame({
            "customer_id": np.fromfile(folder / "customers.i64", dtype=np.int64),
            "date": np.fromfile(folder / "days.i64", dtype=np.int64).astype("datetime64[D]").astype("datetime64[ns]"),
            "amount": np.fromfile(folder / "amounts.f64", dtype=np.float64),
        })
        f = lambda: ck.CustomerBase.from_transactions(log, time_unit="D", collapse="D").to_pandas()  # noqa: E731
        s, first, out = timed(f, runs)
        out = out.sort_index()
        save(folder, "clvkit", task, customer=out.index.to_numpy(np.float64),
             **{c: out[c].to_numpy(np.float64) for c in ["frequency", "recency", "T", "monetary_value"]})
        return {"seconds": s, "first_seconds": first, "customers": len(out)}

    d = customers(folder)
    if task == "fit_bg_nbd":
        cb = base(d[["customer_id", "frequency", "recency", "T"]], monetary=False)
        f = lambda: dict(ck.BGNBD().fit(cb).params_)  # noqa: E731
    elif task == "fit_gamma_gamma":
        cb = base(d[d.frequency > 0])
        f = lambda: dict(ck.GammaGamma().fit(cb).params_)  # noqa: E731
    elif task in ("alive_bg_nbd", "clv"):
        p = cx_params(folder, "model.json")
        cb = base(d)
        bg = ck.BGNBD()
        bg.params_ = pd.Series({k: p[k] for k in ["r", "alpha", "a", "b"]})
        bg._cb, bg.time_unit_, bg.collapse_ = cb, cb.time_unit, cb.collapse
        if task == "alive_bg_nbd":
            f = lambda: bg.probability_alive().to_pandas().to_numpy(np.float64).ravel()  # noqa: E731
        else:
            g = cx_params(folder, "spend.json")
            gg = ck.GammaGamma()
            gg.p, gg.q, gg.gamma, gg._cb = g["p"], g["q"], g["v"], cb
            model = ck.CLV(bg, gg, check_independence=False)
            model._cb, model.time_unit_ = cb, cb.time_unit
            f = lambda: model.predict(horizon=52, discount_rate=0.0023).to_pandas()["clv"].to_numpy(np.float64)  # noqa: E731
        s, first, out = timed(f, runs)
        save(folder, "clvkit", task, **{"alive" if task == "alive_bg_nbd" else "value": out})
        return {"seconds": s, "first_seconds": first}
    else:
        raise SystemExit(f"peer.py: clvkit has no task {task}")
    s, first, out = timed(f, runs)
    return {"seconds": s, "first_seconds": first, "params": {k: float(v) for k, v in out.items()}}


def main():
    tool, task, folder, runs = sys.argv[1], sys.argv[2], pathlib.Path(sys.argv[3]), int(sys.argv[4])
    out = {"pymc": pymc, "clvkit": clvkit}[tool](task, folder, runs)
    print(json.dumps({"tool": tool, "task": task, **out}))


if __name__ == "__main__":
    main()
