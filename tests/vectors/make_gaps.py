"""Writes gaps.json: expectation-gap vectors with expected values computed
independently of cx, with numpy and scipy from the textbook formulas, plus
the published vectors of REFERENCES.md section 2 (SERVQUAL dimension gaps,
Kano counts, Cronbach's alpha with its Feldt interval), asserted here.

Run from the repository root with the test venv:
    .venv/bin/python tests/vectors/make_gaps.py
"""

import json
import math
import pathlib
from collections import defaultdict
from datetime import datetime

import numpy as np
from scipy import stats

OUT = pathlib.Path(__file__).with_name("gaps.json")
cases = []


def close(a, b, tol):
    assert abs(a - b) <= tol, (a, b)


def t_half(diffs, level=0.95):
    d = np.asarray(diffs, float)
    n = len(d)
    return stats.t.ppf(0.5 + level / 2, n - 1) * d.std(ddof=1) / math.sqrt(n)


def wilson(s, n, level=0.95):
    z = stats.norm.ppf(0.5 + level / 2)
    p = s / n
    c = (p + z * z / (2 * n)) / (1 + z * z / n)
    h = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return max(0.0, c - h) if s > 0 else 0.0, min(1.0, c + h) if s < n else 1.0


def matrix(m):
    return [[None if (v is None or (isinstance(v, float) and math.isnan(v))) else v for v in row] for row in m]


# 1. SERVQUAL: the published dimension means of REFERENCES.md §2 spread over
# the 22-item instrument, two respondents per item (E ± 0.2, P ± 0.3), so that
# each item gap equals its dimension gap and the paired differences are gap ± 0.1.
mean_e = [6.0, 6.6, 6.2, 6.4, 5.8]
mean_p = [5.8, 5.4, 5.6, 6.0, 5.7]
points = [10, 30, 25, 20, 15]
dim_items = [range(0, 4), range(4, 9), range(9, 13), range(13, 17), range(17, 22)]
dim_of = {j: d for d, items in enumerate(dim_items) for j in items}
E = [[mean_e[dim_of[j]] + s for j in range(22)] for s in (0.2, -0.2)]
P = [[mean_p[dim_of[j]] + s for j in range(22)] for s in (0.3, -0.3)]
E, P = np.round(E, 10), np.round(P, 10)
item_gaps = (P - E).mean(axis=0)
dim_gaps = [float(np.mean([item_gaps[j] for j in items])) for items in dim_items]
unweighted = float(np.mean(dim_gaps))
weighted = float(sum(p / 100 * g for p, g in zip(points, dim_gaps)))
for got, want in zip(dim_gaps, [-0.2, -1.2, -0.6, -0.4, -0.1]):
    close(got, want, 1e-12)
close(unweighted, -0.50, 1e-12)
close(weighted, -0.625, 1e-12)
half = t_half(P[:, 5] - E[:, 5])
cases.append({
    "name": "servqual 22 items, published dimension gaps and importance weights",
    "source": "REFERENCES.md §2 (Parasuraman, Zeithaml & Berry 1988); item interval by scipy.stats.t",
    "call": "servqual",
    "args": {"expectations": E.tolist(), "perceptions": P.tolist(), "dimensions": "servqual22", "importance": points},
    "tol": 1e-9,
    "expected": {
        **{f"dimensions.{d}.score": g for d, g in enumerate(dim_gaps)},
        **{f"dimensions.{d}.expectation": mean_e[d] for d in range(5)},
        "dimensions.1.name": "reliability",
        "dimensions.1.weight": 0.3,
        "unweighted": unweighted,
        "weighted": weighted,
        "items.5.gap": float(item_gaps[5]),
        "items.5.dimension": "reliability",
        "items.5.ci_low": float(item_gaps[5] - half),
        "items.5.ci_high": float(item_gaps[5] + half),
        "respondents": 2, "used": 44, "missing": 0, "perception_only": False,
    },
})

# 2. Missing answers, pairwise per item; item names; user dimensions.
E2 = [[7, 6, 5], [6, 6, 7], [5, None, 6], [6, 5, None]]
P2 = [[5, 6, 6], [6, None, 7], [4, 7, 5], [6, 6, 3]]
names = ["on time", "friendly", "tidy"]
exp = {}
gaps2 = []
for j in range(3):
    pairs = [(e[j], p[j]) for e, p in zip(E2, P2) if e[j] is not None and p[j] is not None]
    d = [p - e for e, p in pairs]
    g = float(np.mean(d))
    gaps2.append(g)
    h = t_half(d)
    exp[f"items.{j}.n"] = len(pairs)
    exp[f"items.{j}.missing"] = 4 - len(pairs)
    exp[f"items.{j}.gap"] = g
    exp[f"items.{j}.expectation"] = float(np.mean([e for e, _ in pairs]))
    exp[f"items.{j}.perception"] = float(np.mean([p for _, p in pairs]))
    exp[f"items.{j}.ci_low"] = g - h
    exp[f"items.{j}.name"] = names[j]
exp["dimensions.0.score"] = float(np.mean(gaps2[:2]))
exp["dimensions.1.score"] = gaps2[2]
exp["unweighted"] = float(np.mean([np.mean(gaps2[:2]), gaps2[2]]))
exp["used"] = sum(exp[f"items.{j}.n"] for j in range(3))
exp["missing"] = 12 - exp["used"]
exp["weighted"] = None
cases.append({
    "name": "servqual with missing answers, named items and a user dimension map",
    "source": "hand data; means, paired t intervals by numpy/scipy",
    "call": "servqual",
    "args": {"expectations": E2, "perceptions": P2, "dimensions": {"delivery": [0, 1], "store": [2]}, "names": names},
    "tol": 1e-9,
    "expected": exp,
})

# 3. Perception only (SERVPERF), grouped by touchpoint.
P3 = [[5, 4], [3, 4], [6, 5], [2, 1]]
groups = ["store", "web", "store", "web"]
exp = {"perception_only": True, "items.0.gap": None, "items.0.perception": 4.0,
       "unweighted": float(np.mean(P3)), "groups.0.key": "store", "groups.1.key": "web"}
for gi, key in enumerate(["store", "web"]):
    rows = [r for r, g in zip(P3, groups) if g == key]
    exp[f"groups.{gi}.unweighted"] = float(np.mean(rows))
    col = [r[0] for r in rows]
    exp[f"groups.{gi}.items.0.ci_high"] = float(np.mean(col) + t_half(col))
cases.append({
    "name": "servqual perception-only by touchpoint",
    "source": "hand data; numpy/scipy",
    "call": "servqual",
    "args": {"perceptions": P3, "groups": groups},
    "tol": 1e-9,
    "expected": exp,
})

# 4. Importance-performance, stated importance, data- and scale-centred.
perf = np.array([[4, 2, 5, 3], [5, 3, 4, 2], [4, 2, 5, 4]], float)
imp = np.array([[5, 5, 2, 2], [4, 5, 3, 1], [5, 4, 2, 2]], float)
ip, pp = imp.mean(axis=0), perf.mean(axis=0)


def quadrant(i, p, il, pl):
    return {(True, False): "concentrate_here", (True, True): "keep_up_the_good_work",
            (False, False): "low_priority", (False, True): "possible_overkill"}[(i >= il, p >= pl)]


for crosshair, (il, pl) in [("data", (ip.mean(), pp.mean())), ("scale", (3.0, 3.0))]:
    exp = {"importance_line": float(il), "performance_line": float(pl), "derived": False}
    for j in range(4):
        exp[f"attributes.{j}.quadrant"] = quadrant(ip[j], pp[j], il, pl)
        exp[f"attributes.{j}.gap"] = float(pp[j] - ip[j])
    cases.append({
        "name": f"importance-performance, stated importance, {crosshair}-centred",
        "source": "Martilla & James 1977 quadrants; means by numpy",
        "call": "ipa",
        "args": {"performance": perf.tolist(), "importance": imp.tolist(), "crosshair": crosshair},
        "tol": 1e-9,
        "expected": exp,
    })

# 5. Derived importance: correlation with an overall score.
perf5 = np.array([[4, 2, 5], [5, 3, 4], [2, 2, 5], [3, 5, 1], [5, 4, 4]], float)
overall = np.array([8, 9, 4, 6, 10], float)
corr = [float(np.corrcoef(perf5[:, j], overall)[0, 1]) for j in range(3)]
exp = {f"attributes.{j}.importance": corr[j] for j in range(3)}
exp.update({f"attributes.{j}.quadrant": quadrant(corr[j], perf5[:, j].mean(), np.mean(corr), perf5.mean(axis=0).mean()) for j in range(3)})
exp["derived"] = True
exp["attributes.0.gap"] = None
cases.append({
    "name": "importance-performance, importance derived from correlations",
    "source": "numpy.corrcoef",
    "call": "ipa",
    "args": {"performance": perf5.tolist(), "overall": overall.tolist()},
    "tol": 1e-9,
    "expected": exp,
})

# 6. Kano: the published counts A8 O5 M3 I2 R1 Q1.
pairs = ([("like", "neutral")] * 8 + [("like", "dislike")] * 5 + [("neutral", "dislike")] * 3
         + [("neutral", "neutral")] * 2 + [("dislike", "like")] + [("like", "like")])
cases.append({
    "name": "kano, published counts",
    "source": "REFERENCES.md §2 (Berger et al. 1993 coefficients)",
    "call": "kano",
    "args": {"functional": [f for f, _ in pairs], "dysfunctional": [d for _, d in pairs]},
    "tol": 1e-5,
    "expected": {"attributes.0.a": 8, "attributes.0.o": 5, "attributes.0.m": 3, "attributes.0.i": 2,
                 "attributes.0.r": 1, "attributes.0.q": 1, "attributes.0.category": "A",
                 "attributes.0.better": 0.72222, "attributes.0.worse": -0.44444},
})
# Two attributes as a respondent × attribute table with codes, a missing answer,
# a tie (M and O twice each → M) and an attribute with only R/Q (better/worse absent).
F = [[1, 5], [3, 1], [1, 5], [2, None], [1, 5]]
D = [[5, 1], [5, 1], [5, 1], [5, 3], [3, 5]]
cases.append({
    "name": "kano table with codes, missing answers and the tie-breaks",
    "source": "hand-checked with the evaluation table: attribute 0 is O O M M A (tie O/M goes to M); "
              "attribute 1 is R Q R - Q (tie R/Q goes to R, no A/O/M/I so better and worse are absent)",
    "call": "kano",
    "args": {"functional": F, "dysfunctional": D, "names": ["gift wrap", "pushy upsell"]},
    "tol": 1e-12,
    "expected": {"attributes.0.o": 2, "attributes.0.m": 2, "attributes.0.a": 1, "attributes.0.category": "M",
                 "attributes.0.better": 0.6, "attributes.0.worse": -0.8,
                 "attributes.1.r": 2, "attributes.1.q": 2, "attributes.1.missing": 1,
                 "attributes.1.category": "R", "attributes.1.better": None, "attributes.1.worse": None,
                 "attributes.1.name": "pushy upsell"},
})

# 7. Cronbach's alpha: the published vector, and listwise deletion.
items = np.array([[1, 5, 2, 3, 4, 2, 3, 4, 3, 2], [2, 4, 1, 2, 4, 1, 2, 5, 2, 1], [2, 5, 1, 3, 3, 2, 2, 4, 2, 2]], float).T


def alpha(x):
    k = x.shape[1]
    return k / (k - 1) * (1 - x.var(axis=0, ddof=1).sum() / x.sum(axis=1).var(ddof=1))


a = alpha(items)
n, k = items.shape
lo = 1 - (1 - a) * stats.f.ppf(0.975, n - 1, (n - 1) * (k - 1))
hi = 1 - (1 - a) * stats.f.ppf(0.025, n - 1, (n - 1) * (k - 1))
close(a, 0.929504, 1e-6)
close(lo, 0.7935, 1e-4)
close(hi, 0.9810, 1e-4)
cases.append({
    "name": "cronbach alpha, published vector with Feldt interval",
    "source": "REFERENCES.md §2; scipy.stats.f quantiles",
    "call": "cronbach_alpha",
    "args": {"answers": items.tolist()},
    "tol": 1e-9,
    "expected": {"alpha": a, "ci_low": lo, "ci_high": hi, "n": 10, "items": 3, "missing": 0,
                 **{f"alpha_if_deleted.{j}": alpha(np.delete(items, j, axis=1)) for j in range(3)},
                 **{f"item_rest_correlation.{j}": float(np.corrcoef(items[:, j], items.sum(axis=1) - items[:, j])[0, 1]) for j in range(3)}},
})
with_gap = items.tolist() + [[3, None, 4]]
cases.append({
    "name": "cronbach alpha leaves out incomplete respondents",
    "source": "same vector plus one incomplete row",
    "call": "cronbach_alpha",
    "args": {"answers": with_gap, "level": 0.9},
    "tol": 1e-9,
    "expected": {"alpha": a, "n": 10, "missing": 1, "level": 0.9,
                 "ci_low": 1 - (1 - a) * stats.f.ppf(0.95, n - 1, (n - 1) * (k - 1))},
})

# 8. Delivery against the promise (dates; one pending; carriers).
promised = ["2024-03-04", "2024-03-04", "2024-03-05", "2024-03-06", "2024-03-06", "2024-03-08"]
delivered = ["2024-03-03", "2024-03-04", "2024-03-07", "2024-03-06", None, "2024-03-12"]
carriers = ["dhl", "ups", "dhl", "ups", "dhl", "dhl"]
day = lambda s: datetime.fromisoformat(s).toordinal()
delays = [day(d) - day(p) for p, d in zip(promised, delivered) if d]
late = [x for x in delays if x > 0]
on = sum(x <= 0 for x in delays)
lo, hi = wilson(on, len(delays))
exp = {"orders": 6, "delivered": 5, "pending": 1, "on_time.successes": on, "on_time.share": on / 5,
       "on_time.ci_low": lo, "on_time.ci_high": hi, "early.successes": 1,
       "delay_days.mean": float(np.mean(delays)), "delay_days.median": float(np.median(delays)),
       "delay_days.p90": float(np.percentile(delays, 90)), "delay_days.max": float(max(delays)),
       "lateness_days.n": len(late), "lateness_days.mean": float(np.mean(late)),
       "groups.0.key": "dhl", "groups.0.pending": 1, "groups.0.on_time.share": 1 / 3,
       "groups.1.key": "ups", "groups.1.on_time.share": 1.0}
cases.append({
    "name": "delivery on time, by carrier",
    "source": "hand data; numpy percentiles (linear), Wilson interval by formula",
    "call": "delivery",
    "args": {"promised": promised, "delivered": delivered, "keys": carriers},
    "tol": 1e-9,
    "expected": exp,
})
cases.append({
    "name": "delivery with a day of grace",
    "source": "hand-checked",
    "call": "delivery",
    "args": {"promised": promised, "delivered": delivered, "grace_days": 2},
    "tol": 1e-12,
    "expected": {"on_time.successes": 4, "lateness_days.n": 1, "lateness_days.max": 4.0},
})

# 8b. Lateness counts calendar days (cx::gaps::days_late), whatever the time
# of day: the rule of cx.delivery, the late_deliveries signal and `cx report`
# (cx-cli/tests/cli.rs runs the report on these rows and compares).
from datetime import datetime as _dt

promised_t = ["2024-03-04T18:00:00", "2024-03-04T10:00:00", "2024-03-05", "2024-03-06T23:30:00"]
delivered_t = ["2024-03-05T09:00:00", "2024-03-04T20:00:00", "2024-03-04T23:59:00", "2024-03-07T00:10:00"]
days = [(_dt.fromisoformat(d).date() - _dt.fromisoformat(p).date()).days for p, d in zip(promised_t, delivered_t)]
assert days == [1, 0, -1, 1]  # exact differences would be 0.625, 0.417, -0.0007, 0.035 days
on = sum(x <= 0 for x in days)
lo, hi = wilson(on, len(days))
cases.append({
    "name": "delivery lateness in calendar days",
    "source": "hand data; day differences with datetime, Wilson interval by formula",
    "call": "delivery",
    "args": {"promised": promised_t, "delivered": delivered_t},
    "tol": 1e-12,
    "expected": {"orders": 4, "delivered": 4, "pending": 0, "on_time.successes": on, "on_time.share": on / 4,
                 "on_time.ci_low": lo, "on_time.ci_high": hi, "early.successes": sum(x < 0 for x in days),
                 "delay_days.mean": float(np.mean(days)), "lateness_days.n": sum(x > 0 for x in days),
                 "lateness_days.max": float(max(days))},
})

# 9. Answer times against per-channel service levels.
received = ["2024-05-01T09:00:00", "2024-05-01T09:10:00", "2024-05-01T10:00:00", "2024-05-01T11:00:00", "2024-05-01T12:00:00"]
answered = ["2024-05-01T09:00:45", "2024-05-01T09:13:00", "2024-05-01T14:00:00", None, "2024-05-02T13:00:00"]
channels = ["chat", "chat", "email", "chat", "email"]
secs = [45.0, 180.0, 4 * 3600.0, 25 * 3600.0]
exp = {"contacts": 5, "answered": 4, "unanswered": 1, "within_level.successes": 2,
       "service_level_seconds": None, "seconds.median": float(np.median(secs)),
       "seconds.p90": float(np.percentile(secs, 90)), "seconds.max": 25 * 3600.0,
       "groups.0.key": "chat", "groups.0.service_level_seconds": 60.0, "groups.0.within_level.successes": 1,
       "groups.0.unanswered": 1, "groups.1.key": "email", "groups.1.within_level.share": 0.5}
cases.append({
    "name": "answer times by channel against service levels",
    "source": "hand-checked: chat 60 s, e-mail 24 h",
    "call": "answer_times",
    "args": {"received": received, "answered": answered, "channels": channels, "service_level_seconds": 60,
             "channel_levels": [{"channel": "email", "seconds": 86400}]},
    "tol": 1e-9,
    "expected": exp,
})

# 10. First-contact resolution.
fcr_cases = ["c1", "c2", "c2", "c3", "c4", "c5", "c5"]
fcr_times = ["2024-01-01", "2024-01-02", "2024-01-03", "2024-01-03", "2024-01-04", "2024-01-06", "2024-01-05"]
fcr_resolved = [True, True, True, False, True, False, True]
fcr_channels = ["phone", "chat", "phone", "chat", "chat", "email", "chat"]
lo, hi = wilson(2, 5)
cases.append({
    "name": "first-contact resolution by first channel",
    "source": "hand-checked: c1 and c4 resolved at their only contact; c5's first contact is the chat of Jan 5",
    "call": "first_contact_resolution",
    "args": {"cases": fcr_cases, "timestamps": fcr_times, "resolved": fcr_resolved, "channels": fcr_channels},
    "tol": 1e-9,
    "expected": {"cases": 5, "contacts": 7, "resolved_first.successes": 2, "resolved_first.ci_low": lo,
                 "resolved_first.ci_high": hi, "groups.0.key": "chat", "groups.0.cases": 4,
                 "groups.0.resolved_first.successes": 1, "groups.1.key": "phone", "groups.1.resolved_first.share": 1.0},
})

# 11. Repeat contacts across channels.
cust = ["ann", "ann", "ann", "bob", "bob", "cy", "ann"]
times = ["2024-02-01", "2024-02-03", "2024-02-04", "2024-02-01", "2024-02-20", "2024-02-02", "2024-03-01"]
chan = ["chat", "phone", "phone", "email", "email", "chat", "chat"]
case_ids = ["k1", "k1", "k2", "k3", "k3", "k4", "k1"]
cases.append({
    "name": "repeat contacts within 7 days, any case",
    "source": "hand-checked: ann chat→phone (2 days), phone→phone (1 day); bob 19 days apart; ann Mar 1 after 26 days",
    "call": "repeat_contacts",
    "args": {"customers": cust, "timestamps": times, "channels": chan},
    "tol": 1e-9,
    "expected": {"contacts": 7, "customers": 3, "repeat_rate.successes": 2, "customers_repeating": 1,
                 "channel_switches": 1, "switches.0.from": "chat", "switches.0.to": "phone", "switches.0.count": 1,
                 "switches.1.from": "phone", "switches.1.to": "phone"},
})
cases.append({
    "name": "repeat contacts of the same case within 30 days",
    "source": "hand-checked: k1 chat→phone (2 days) and phone→chat (27 days); k3 email→email (19 days)",
    "call": "repeat_contacts",
    "args": {"customers": cust, "timestamps": times, "channels": chan, "cases": case_ids, "same_case": True, "window_days": 30},
    "tol": 1e-9,
    "expected": {"repeat_rate.successes": 3, "customers_repeating": 2, "channel_switches": 2,
                 "switches.0.count": 1, "switches.0.from": "chat", "switches.0.to": "phone"},
})

# 12. Bad input: the same typed error in every language.
errors = [
    ("servqual", {"perceptions": [[5, 6], [8, 2]]}, {"code": "out_of_range", "argument": "perceptions", "index": 1}),
    ("servqual", {"perceptions": [[5, 6], [5, 2]], "expectations": [[5, 6, 7], [5, 2, 1]]}, {"code": "incompatible", "argument": "expectations"}),
    ("servqual", {"perceptions": [[5, 6], [5, 2]], "dimensions": {"a": [0, 2]}}, {"code": "out_of_range", "argument": "dimensions", "index": 0}),
    ("servqual", {"perceptions": [[5, 6]], "dimensions": {"a": [0], "b": [1]}, "importance": [50, -1]}, {"code": "negative_weight", "argument": "importance", "index": 1}),
    ("servqual", {"perceptions": []}, {"code": "invalid_parameter", "argument": "perceptions"}),
    ("kano", {"functional": ["like", "love"], "dysfunctional": ["dislike", "dislike"]}, {"code": "parse", "argument": "functional", "index": 1}),
    ("cronbach_alpha", {"answers": [[1, 2], [1, 2]]}, {"code": "invalid_parameter", "argument": "answers"}),
    ("answer_times", {"received": ["2024-01-02T10:00:00"], "answered": ["2024-01-02T09:00:00"], "service_level_seconds": 60}, {"code": "out_of_range", "argument": "answered", "index": 0}),
    ("delivery", {"promised": ["2024-01-02", "someday"], "delivered": [None, None]}, {"code": "parse", "argument": "promised", "index": 1}),
    ("delivery", {"promised": ["2024-01-02", None], "delivered": [None, None]}, {"code": "missing", "argument": "promised", "index": 1}),
    ("repeat_contacts", {"customers": ["a"], "timestamps": ["2024-01-01"], "channels": ["chat"], "same_case": True}, {"code": "invalid_parameter", "argument": "same_case"}),
    ("ipa", {"performance": [[1, 2]]}, {"code": "invalid_parameter", "argument": "importance"}),
]
for call, args, err in errors:
    cases.append({"name": f"error: {call} {err['code']} {err['argument']}", "source": "input validation",
                  "call": call, "args": args, "error": err})

doc = {
    "about": "Shared expectation-gap vectors, read by the Rust tests (tests/tests/gaps_vectors.rs), pytest "
             "(cx-py/tests/test_gaps.py) and the JS tests. `args` are the arguments of cx::bind::call(name, args) (snake_case; "
             "JS passes them camelCased); matrices are respondent rows with null for no answer; timestamps ISO. "
             "`expected` maps dotted result paths (array indices as numbers) to values within absolute `tol`; "
             "`error` gives the typed error. Generated by make_gaps.py (numpy/scipy, independent of cx).",
    "cases": cases,
}
OUT.write_text(json.dumps(doc, indent=1, default=float) + "\n")
print(f"wrote {len(cases)} cases to {OUT}")
