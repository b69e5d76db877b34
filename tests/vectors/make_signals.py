"""Writes signals.json: customer-signal vectors whose expected values are
worked out here by hand from the documented rules (cx-core/src/signals),
independently of cx: day counts with `datetime`, strengths with the ramp
0.5 at the threshold → 0.9 at the full point, risk = 1 − Π(1 − strength),
and BG/NBD P(alive) from Fader, Hardie & Lee (2005) eq. (13).

Run: python3 tests/vectors/make_signals.py
"""

import datetime as dt
import json
import pathlib

OUT = pathlib.Path(__file__).with_name("signals.json")


def days(a, b):
    return (dt.date.fromisoformat(b) - dt.date.fromisoformat(a)).days


def ramp(x, at, full):
    t = (x - at) / (full - at)
    return 0.5 + 0.4 * min(max(t, 0.0), 1.0)


def risk(*strengths):
    p = 1.0
    for s in strengths:
        p *= 1.0 - s
    return 1.0 - p


def bg_p_alive(r, alpha, a, b, x, tx, T):
    if x == 0:
        return 1.0
    return 1.0 / (1.0 + a / (b + x - 1) * ((alpha + T) / (alpha + tx)) ** (r + x))


cases = []

# 1. Feedback: ann 9, 9, 3 (drop 6 → 0.9; detractor 3 → 0.5 + 0.4·3/6 = 0.7);
#    bob 10, 8 (drop 2 < 3, 8 > 6: nothing) and a 0 after as_of;
#    carl only a row without an NPS answer.
det = ramp(6 - 3, 0, 6)
drop = ramp(9 - 3, 3, 6)
cases.append({
    "name": "feedback: score drop against own history and detractor",
    "source": "hand: strengths 0.9 (drop 6 of full 6) and 0.7 (6 - 3 of 6); risk 1 - 0.1*0.3",
    "args": {
        "feedback": {
            "customers": ["ann", "bob", "ann", "bob", "carl", "ann", "bob"],
            "timestamps": ["2024-01-10", "2024-02-01", "2024-03-02", "2024-03-05", "2024-04-01", "2024-05-20", "2024-06-15"],
            "scores": [9, 10, 9, 8, None, 3, 0],
        },
        "options": {"as_of": "2024-05-31"},
    },
    "tol": 1e-12,
    "expected": {
        "as_of": "2024-05-31",
        "customers.0.customer": "ann",
        "customers.0.risk": risk(drop, det),
        "customers.0.signals.0.kind": "score_drop",
        "customers.0.signals.0.strength": drop,
        "customers.0.signals.0.reason": "last NPS answer 3 after 9 and 9",
        "customers.0.signals.0.evidence.earlier_mean": 9.0,
        "customers.0.signals.1.kind": "detractor",
        "customers.0.signals.1.strength": det,
        "customers.0.signals.1.reason": "last NPS answer 3 (detractor)",
        "customers.1.customer": "bob",
        "customers.1.risk": 0.0,
        "customers.1.signals": [],
        "customers.2.customer": "carl",
        "customers.2.risk": 0.0,
        "tables.feedback.rows": 7,
        "tables.feedback.used": 5,
        "tables.feedback.missing": 1,
        "tables.feedback.after_as_of": 1,
    },
})

# 2. Deliveries: a late by 2 days, on time, pending 5 days past promise.
late2 = ramp(2, 2, 3)
cases.append({
    "name": "deliveries: 2 of the last 3 late, one pending",
    "source": "hand: 2024-05-03 - 2024-05-01 = 2 days; 2024-05-25 - 2024-05-20 = 5 days pending; strength at threshold 0.5",
    "args": {
        "deliveries": {
            "customers": ["a", "b", "a", "b", "a", "b", "b", "a"],
            "promised": ["2024-05-01", "2024-04-01", "2024-05-10", "2024-04-10", "2024-05-20", "2024-04-20", "2024-04-30", "2024-06-30"],
            "delivered": ["2024-05-03", "2024-04-05", "2024-05-10", "2024-04-12", None, "2024-04-20", "2024-04-29", None],
        },
        "options": {"as_of": "2024-05-25"},
    },
    "tol": 1e-12,
    "expected": {
        "customers.0.customer": "a",
        "customers.0.risk": late2,
        "customers.0.signals.0.reason": "2 of the last 3 deliveries late (by 2 and 5 days), 1 still not delivered",
        "customers.0.signals.0.evidence.max_days_late": 5.0,
        "customers.0.signals.0.evidence.pending": 1.0,
        "customers.1.customer": "b",
        "customers.1.risk": 0.0,
        "tables.deliveries.used": 7,
        "tables.deliveries.after_as_of": 1,
    },
})

# 3. The same with two grace days: a's 2-day delay is on time; one late of 3.
cases.append({
    "name": "deliveries: grace days make a 2-day delay on time",
    "source": "hand: late means more than 2 days after the promise; 1 < late_min 2",
    "args": {
        "deliveries": {
            "customers": ["a", "a", "a"],
            "promised": ["2024-05-01", "2024-05-10", "2024-05-20"],
            "delivered": ["2024-05-03", "2024-05-10", None],
        },
        "options": {"as_of": "2024-05-25", "late_grace_days": 2},
    },
    "tol": 1e-12,
    "expected": {"customers.0.risk": 0.0, "customers.0.signals": []},
})

# 4. Contacts: c1 three contacts in the 30 days to 2024-03-31 on three
#    channels, the last open 9 days; c2 one closed contact in January.
open9 = ramp(days("2024-03-22", "2024-03-31"), 3, 12)
rep3 = ramp(3, 3, 6)
cases.append({
    "name": "contacts: open for 9 days and repeated on three channels",
    "source": "hand: age 2024-03-31 - 2024-03-22 = 9 days, strength 0.5 + 0.4*6/9; 3 contacts at threshold 0.5",
    "args": {
        "contacts": {
            "customers": ["c1", "c2", "c1", "c1"],
            "received": ["2024-03-05T10:00:00", "2024-01-10T09:00:00", "2024-03-12T08:00:00", "2024-03-22T16:30:00"],
            "resolved": ["2024-03-06T10:00:00", "2024-01-11T09:00:00", "2024-03-12T09:00:00", None],
            "channels": ["email", "phone", "phone", "chat"],
        },
        "options": {"as_of": "2024-03-31"},
    },
    "tol": 1e-12,
    "expected": {
        "customers.0.customer": "c1",
        "customers.0.risk": risk(open9, rep3),
        "customers.0.signals.0.kind": "open_contact",
        "customers.0.signals.0.strength": open9,
        "customers.0.signals.0.reason": "contact open for 9 days (chat)",
        "customers.0.signals.1.kind": "repeat_contacts",
        "customers.0.signals.1.reason": "3 contacts in 30 days on 3 channels (chat, email, phone)",
        "customers.1.customer": "c2",
        "customers.1.risk": 0.0,
    },
})

# 5. Orders without a model: o1 every 30 days then 92 days silent; o2 one
#    order 244 days ago; o3 on rhythm.
since1 = days("2024-03-01", "2024-06-01")
since2 = days("2023-10-01", "2024-06-01")
over = ramp(since1 / 30, 2, 4)
hia = ramp(since2, 180, 360)
orders = {
    "customers": ["o1", "o2", "o3", "o1", "o3", "o1", "o3"],
    "timestamps": ["2024-01-01", "2023-10-01", "2024-05-01", "2024-01-31", "2024-05-15", "2024-03-01", "2024-05-29"],
    "amounts": [20, 35, 12, 25, 14, 22, 13],
}
cases.append({
    "name": "orders: overdue against own cadence, hiatus of a one-time buyer",
    "source": f"hand: o1 intervals 30, 30, {since1} days since → ratio {since1 / 30:.4f}; o2 {since2} days since",
    "args": {"orders": orders, "options": {"as_of": "2024-06-01", "fit_model": False, "rfm_segments": []}},
    "tol": 1e-12,
    "expected": {
        "customers.0.customer": "o1",
        "customers.0.risk": over,
        "customers.0.orders": 3,
        "customers.0.last_order": "2024-03-01",
        "customers.0.signals.0.reason": f"no order for {since1} days against a usual 30",
        "customers.0.signals.0.evidence.ratio": since1 / 30,
        "customers.1.customer": "o2",
        "customers.1.risk": hia,
        "customers.1.signals.0.reason": f"one order only, {since2} days ago",
        "customers.2.customer": "o3",
        "customers.2.risk": 0.0,
        "customers.2.p_alive": None,
        "model": None,
    },
})

# 6. The same orders with a given BG/NBD model (r 1, α 10, a 1, b 1):
#    P(alive) of o1 (x 2, tₓ 60, T 152 days).
T1 = days("2024-01-01", "2024-06-01")
tx1 = days("2024-01-01", "2024-03-01")
p1 = bg_p_alive(1.0, 10.0, 1.0, 1.0, 2, tx1, T1)
o3T = days("2024-05-01", "2024-06-01")
p3 = bg_p_alive(1.0, 10.0, 1.0, 1.0, 2, 28, o3T)
low = ramp(0.3 - p1, 0, 0.3)
cases.append({
    "name": "orders: low probability alive from a given BG/NBD model",
    "source": "Fader, Hardie & Lee (2005) eq. (13) evaluated here; strength 0.5 + 0.4*(0.3 - p)/0.3",
    "args": {
        "orders": orders,
        "options": {
            "as_of": "2024-06-01",
            "rfm_segments": [],
            "model": {"model": "bg_nbd", "r": 1.0, "alpha": 10.0, "a": 1.0, "b": 1.0},
        },
    },
    "tol": 1e-12,
    "expected": {
        "customers.0.customer": "o1",
        "customers.0.p_alive": p1,
        "customers.0.risk": risk(over, low),
        # strongest first
        "customers.0.signals.0.kind": "low_p_alive" if low > over else "overdue",
        "customers.0.signals.1.kind": "overdue" if low > over else "low_p_alive",
        f"customers.0.signals.{0 if low > over else 1}.reason": f"probability still active {100 * p1:.0f}% (bg_nbd)",
        "customers.1.p_alive": 1.0,
        "customers.2.p_alive": p3,
        "model.model": "bg_nbd",
    },
})


def error(name, args, code, argument, index=None):
    e = {"code": code, "argument": argument}
    if index is not None:
        e["index"] = index
    cases.append({"name": name, "args": args, "error": e})


fb = {"customers": ["a", "b"], "timestamps": ["2024-01-01", "2024-01-02"], "scores": [9, 11]}
error("error: NPS answer off the scale", {"feedback": fb}, "out_of_range", "feedback.scores", 1)
error("error: NPS answer not whole", {"feedback": dict(fb, scores=[9, 7.5])}, "out_of_range", "feedback.scores", 1)
error("error: column lengths differ", {"feedback": dict(fb, scores=[9])}, "length_mismatch", "feedback.scores")
error("error: unparsable date", {"feedback": dict(fb, timestamps=["2024-01-01", "yesterday"])}, "parse", "feedback.timestamps", 1)
error("error: missing required column", {"feedback": {"customers": ["a"], "scores": [9]}}, "invalid_parameter", "feedback.timestamps")
error("error: unknown table", {"survey": {"customers": ["a"]}}, "invalid_parameter", "arguments")
error("error: unknown column", {"feedback": dict(fb, score=[1, 2])}, "invalid_parameter", "arguments")
error("error: no table", {}, "empty", "inputs")
error(
    "error: contact resolved before received",
    {"contacts": {"customers": ["a", "a"], "received": ["2024-01-01", "2024-01-05"], "resolved": ["2024-01-02", "2024-01-04"]}},
    "out_of_range",
    "contacts.resolved",
    1,
)
error("error: late_min above late_last", {"feedback": fb, "options": {"late_min": 4}}, "invalid_parameter", "late_min")
error("error: unknown option", {"feedback": fb, "options": {"overdue": 2}}, "invalid_parameter", "options")
error("error: an RFM segment that does not exist", {"feedback": fb, "options": {"rfm_segments": ["at-risk"]}}, "invalid_parameter", "rfm_segments")
error(
    "error: model with a negative parameter",
    {"feedback": fb, "options": {"model": {"model": "bg_nbd", "r": -1.0, "alpha": 1.0, "a": 1.0, "b": 1.0}}},
    "invalid_parameter",
    "r",
)
error("error: missing order time", {"orders": {"customers": ["a"], "timestamps": [None]}}, "missing", "orders.timestamps", 0)

doc = {
    "about": "Shared customer-signal vectors, read by the Rust tests (tests/tests/signals_vectors.rs), pytest (cx-py/tests/test_signals.py) and the JS tests. `args` are the arguments of cx::bind::call(\"signals\", args) (cx._cx.call(\"signals\", args) in Python, signals(args) in JS); `expected` maps dotted result paths to values within absolute `tol`; `error` gives the typed error. Generated by make_signals.py from hand calculations of the documented rules, independent of cx.",
    "cases": cases,
}
OUT.write_text(json.dumps(doc, indent=1) + "\n")
print(f"wrote {len(cases)} cases to {OUT}")
