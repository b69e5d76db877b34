"""Writes survey_sample.csv: a deterministic, made-up quarter of survey
answers from four touchpoints of a shop (the README's sample data).

The web shop improves, the stores dip in September after a staffing change.
Run: python3 data/make_survey_sample.py (stdlib only; seeded)."""

import csv
import datetime as dt
import pathlib
import random

rng = random.Random(20240701)
# Probabilities of (detractor, passive, promoter) per touchpoint and month.
MIX = {
    "web": [(0.22, 0.38, 0.40), (0.20, 0.36, 0.44), (0.16, 0.34, 0.50)],
    "store": [(0.14, 0.30, 0.56), (0.15, 0.31, 0.54), (0.27, 0.33, 0.40)],
    "app": [(0.25, 0.35, 0.40), (0.24, 0.36, 0.40), (0.23, 0.35, 0.42)],
    "support": [(0.35, 0.30, 0.35), (0.30, 0.32, 0.38), (0.28, 0.32, 0.40)],
}
VOLUME = {"web": 300, "store": 200, "app": 150, "support": 100}


def nps_answer(mix):
    u = rng.random()
    if u < mix[0]:
        return rng.choice([0, 1, 2, 3, 4, 5, 5, 6, 6, 6])
    if u < mix[0] + mix[1]:
        return rng.choice([7, 8, 8])
    return rng.choice([9, 10, 10])


def csat_answer(nps):
    base = 1 + round(nps * 0.4)
    return max(1, min(5, base + rng.choice([-1, 0, 0, 1])))


rows = []
for month_index, month in enumerate((7, 8, 9)):
    for touchpoint, n in VOLUME.items():
        for _ in range(n):
            day = rng.randint(1, 30 if month == 9 else 31)
            at = dt.datetime(2024, month, day, rng.randint(8, 20), rng.randint(0, 59))
            score = nps_answer(MIX[touchpoint][month_index])
            rows.append((at.isoformat(), touchpoint, score, csat_answer(score)))
rows.sort()
out = pathlib.Path(__file__).with_name("survey_sample.csv")
with out.open("w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["answered_at", "touchpoint", "nps", "csat"])
    w.writerows(rows)
print(f"wrote {len(rows)} rows to {out}")
