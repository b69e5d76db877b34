"""Writes live.json: the live summary (cx.LiveSummary, LiveSummary in
Rust and JS) fed batches of orders, with expected values computed without
cx: each customer's distinct purchase days (or ISO weeks, or months),
frequency, recency, T and mean repeat spend as in lifetimes'
summary_data_from_transaction_data (Fader, Hardie & Lee 2005), and
BG/NBD's P(alive) (FHL 2005, eq. 11) and conditional expected purchases
(eq. 10, with scipy's 2F1) at the summary row.

Also the typed errors every language must raise, and the bytes of a small
table (cx's CXLV format, written out by hand here) that every language
must produce and read.

Run from the repository root with the test venv:
    .venv/bin/python tests/vectors/make_live.py
"""

import datetime as dt
import json
import pathlib
import struct

from scipy import special

OUT = pathlib.Path(__file__).with_name("live.json")
MODEL = {"model": "bg_nbd", "r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}


def period(day: dt.date, unit: str) -> int:
    """Ordered period id (days since 1970, Monday weeks, months)."""
    d = (day - dt.date(1970, 1, 1)).days
    if unit == "day":
        return d
    if unit == "week":
        return (d + 3) // 7
    return day.year * 12 + day.month - 1


def period_start(p: int, unit: str) -> dt.date:
    if unit == "day":
        return dt.date(1970, 1, 1) + dt.timedelta(days=p)
    if unit == "week":
        return dt.date(1970, 1, 1) + dt.timedelta(days=p * 7 - 3)
    return dt.date(p // 12, p % 12 + 1, 1)


def summarize(orders, unit, multiplier, end):
    per = {}
    for c, t, a in orders:
        p = period(dt.date.fromisoformat(t[:10]), unit)
        per.setdefault(c, {}).setdefault(p, 0.0)
        per[c][p] += a if a is not None else 0.0
    e = period(dt.date.fromisoformat(end), unit)
    keys = sorted(per, key=lambda k: (isinstance(k, str), k))
    out = {"customers": keys, "frequency": [], "recency": [], "t": [], "monetary_value": [], "first_purchase": []}
    for k in keys:
        ps = sorted(per[k])
        out["frequency"].append(len(ps) - 1)
        out["recency"].append((ps[-1] - ps[0]) / multiplier)
        out["t"].append((e - ps[0]) / multiplier)
        rep = [per[k][p] for p in ps[1:]]
        out["monetary_value"].append(sum(rep) / len(rep) if rep else 0.0)
        out["first_purchase"].append(period_start(ps[0], unit).isoformat())
    if any(a is None for _, _, a in orders):
        out["monetary_value"] = None
    out["orders"] = len(orders)
    out["merged"] = len(orders) - sum(len(v) for v in per.values())
    return out


def bg_alive(x, tx, T, r, alpha, a, b):
    if x == 0:
        return 1.0
    return 1.0 / (1.0 + a / (b + x - 1) * ((alpha + T) / (alpha + tx)) ** (r + x))


def bg_expected(h, x, tx, T, r, alpha, a, b):
    z = h / (alpha + T + h)
    f = special.hyp2f1(r + x, b + x, a + b + x - 1, z)
    num = (a + b + x - 1) / (a - 1) * (1 - ((alpha + T) / (alpha + T + h)) ** (r + x) * f)
    den = 1 + (x > 0) * a / (b + x - 1) * ((alpha + T) / (alpha + tx)) ** (r + x)
    return num / den


def batch(rows):
    return {
        "customers": [r[0] for r in rows],
        "timestamps": [r[1] for r in rows],
        "amounts": [r[2] for r in rows] if all(r[2] is not None for r in rows) else None,
    }


def case(name, options, batches, end, score_for, horizon):
    unit = options.get("period", "day")
    mult = options.get("multiplier", 1)
    orders = [r for b in batches for r in b]
    s = summarize(orders, unit, mult, end)
    i = s["customers"].index(score_for)
    x, tx, T = s["frequency"][i], s["recency"][i], s["t"][i]
    p = [MODEL[k] for k in ("r", "alpha", "a", "b")]
    return {
        "name": name,
        "options": options,
        "batches": [batch(b) for b in batches],
        "observation_end": end,
        "expected": s,
        "score": {
            "customer": score_for,
            "model": MODEL,
            "options": {"as_of": end, "horizon": horizon},
            "expected": {
                "frequency": x,
                "recency": tx,
                "t": T,
                "probability_alive": bg_alive(x, tx, T, *p),
                "expected_purchases": bg_expected(horizon, x, tx, T, *p),
            },
        },
    }


cases = [
    # One order at a time, in time order; two orders of ann on one day.
    case(
        "one_at_a_time_days",
        {"multiplier": 7},
        [
            [("ann", "2024-01-01", 12.5)],
            [("bob", "2024-01-03T10:00:00", 4.0)],
            [("ann", "2024-01-09", 8.0)],
            [("ann", "2024-01-09T18:30:00", 2.0)],
            [("cat", "2024-01-20", 7.25)],
            [("ann", "2024-02-02", 6.0)],
            [("bob", "2024-02-10", 3.0)],
        ],
        "2024-02-29",
        "ann",
        12.0,
    ),
    # Batches in any order inside; a late order before the first one and in
    # the last period; integer ids.
    case(
        "batches_and_late_orders_integer_ids",
        {},
        [
            [(3, "2024-03-05", 1.0), (1, "2024-03-01", 2.0), (3, "2024-03-02", 4.0), (2, "2024-03-04", 8.0)],
            [(1, "2024-02-20", 16.0), (3, "2024-03-05T23:59:59", 32.0)],
            [(2, "2024-03-09", 64.0), (1, "2024-03-10", 128.0)],
        ],
        "2024-03-31",
        1,
        30.0,
    ),
    # ISO weeks (Monday to Sunday) and months, without amounts.
    case(
        "weeks_without_amounts",
        {"period": "week"},
        [[("a", "2024-01-07", None), ("a", "2024-01-08", None), ("a", "2024-01-14", None), ("b", "2024-01-01", None)],
         [("a", "2024-02-01", None)]],
        "2024-03-03",
        "a",
        4.0,
    ),
    case(
        "months",
        {"period": "month"},
        [[("a", "2023-12-31", 5.0), ("a", "2024-01-01", 6.0), ("a", "2024-01-31", 7.0)], [("a", "2024-04-15", 9.0)]],
        "2024-06-30",
        "a",
        6.0,
    ),
]

errors = [
    {
        "name": "order_between_first_and_last_period",
        "options": {},
        "batches": [batch([("ann", "2024-01-01", 1.0), ("ann", "2024-01-10", 1.0)]), batch([("ann", "2024-01-05", 1.0)])],
        "code": "out_of_range",
        "argument": "customers",
        "index": 0,
    },
    {
        "name": "nan_amount",
        "options": {},
        "batches": [{"customers": ["a", "b"], "timestamps": ["2024-01-01", "2024-01-02"], "amounts": [1.0, None]}],
        "code": "not_finite",
        "argument": "amounts",
        "index": 1,
    },
    {
        "name": "negative_amount",
        "options": {},
        "batches": [batch([("a", "2024-01-01", 1.0), ("b", "2024-01-02", -3.0)])],
        "code": "out_of_range",
        "argument": "amounts",
        "index": 1,
    },
    {
        "name": "unparsable_date",
        "options": {},
        "batches": [batch([("a", "2024-01-01", 1.0), ("b", "01.02.2024", 1.0)])],
        "code": "parse",
        "argument": "timestamps",
        "index": 1,
    },
    {
        "name": "missing_customer",
        "options": {},
        "batches": [{"customers": ["a", None], "timestamps": ["2024-01-01", "2024-01-02"], "amounts": [1.0, 1.0]}],
        "code": "missing",
        "argument": "customers",
        "index": 1,
    },
    {
        "name": "multiplier_not_positive",
        "options": {"multiplier": 0},
        "batches": [],
        "code": "invalid_parameter",
        "argument": "multiplier",
        "index": None,
    },
]

# The bytes of a small table, written out field by field (CXLV version 1).
def state_bytes(key: str, first: int, last: int, periods: int, orders: int, first_spend: float, repeat: float) -> bytes:
    k = key.encode()
    return bytes([1]) + struct.pack("<I", len(k)) + k + struct.pack("<qqIQdd", first, last, periods, orders, first_spend, repeat)


d = lambda s: (dt.date.fromisoformat(s) - dt.date(1970, 1, 1)).days
header = b"CXLV" + bytes([1, 0]) + struct.pack("<d", 7.0) + bytes([0]) + struct.pack("<QQ", 0, 2)
table = header + state_bytes("ann", d("2024-01-01"), d("2024-01-09"), 2, 3, 12.5, 10.0) + state_bytes(
    "bob", d("2024-01-03"), d("2024-01-03"), 1, 1, 4.0, 0.0
)
encoded = {
    "options": {"multiplier": 7},
    "batches": [batch([("ann", "2024-01-01", 12.5), ("bob", "2024-01-03", 4.0), ("ann", "2024-01-09", 8.0), ("ann", "2024-01-09", 2.0)])],
    "hex": table.hex(),
}

OUT.write_text(
    json.dumps(
        {
            "description": "LiveSummary: batches of orders recorded in turn; the summary at observation_end and a "
            "BG/NBD score, computed without cx (tests/vectors/make_live.py)",
            "tolerance": 1e-12,
            "cases": cases,
            "errors": errors,
            "bytes": encoded,
        },
        indent=1,
    )
    + "\n"
)
print(f"wrote {OUT}")
