"""cx.scorecard against `cx report --json` on the bundled demo shop: one
computation (cx::scorecard), the same numbers from Python and the CLI."""

import json
import math
import os
import pathlib
import subprocess

import pandas as pd
import pytest

import cx

ROOT = pathlib.Path(__file__).resolve().parents[2]
DEMO = ROOT / "cx-cli" / "data" / "demo"
# scripts/test builds the CLI (cargo test) before pytest runs.
CX = pathlib.Path(os.environ.get("CX_BIN", ROOT / "target" / "debug" / "cx"))


def _report():
    if not CX.exists():
        pytest.fail(f"the cx command is not built at {CX} (run cargo build -p cx-cli, or set CX_BIN)")
    out = subprocess.run([str(CX), "report", "--json"], check=True, capture_output=True, text=True)
    return json.loads(out.stdout)


def _demo():
    read = lambda name, dates: pd.read_csv(DEMO / name, parse_dates=dates)  # noqa: E731
    return dict(
        orders=read("orders.csv", ["date"]),
        feedback=read("feedback.csv", ["date"]),
        contacts=read("contacts.csv", ["received", "answered", "resolved"]),
        deliveries=read("deliveries.csv", ["promised", "delivered"]),
    )


def _same(a, b, path=""):
    if isinstance(a, dict):
        assert set(a) == set(b), f"{path}: keys {sorted(set(a) ^ set(b))}"
        for k in a:
            _same(a[k], b[k], f"{path}.{k}")
    elif isinstance(a, list):
        assert len(a) == len(b), f"{path}: {len(a)} != {len(b)}"
        for i, (x, y) in enumerate(zip(a, b)):
            _same(x, y, f"{path}[{i}]")
    elif isinstance(a, float) or isinstance(b, float):
        assert math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9), f"{path}: {a} != {b}"
    else:
        assert a == b, f"{path}: {a!r} != {b!r}"


def test_scorecard_is_the_reports_numbers():
    report = _report()
    card = cx.scorecard(**_demo())
    assert card["as_of"] == report["as_of"]
    for section in ("survey", "gaps", "retention", "promise", "risk"):
        assert card[section] is not None, section
        _same(card[section], report[section], section)
    model = dict(report["model"])
    model.pop("cdnow_check")
    _same(card["model"], model, "model")
    used = {t["table"]: t for t in card["tables"]}
    for q in report["data"]:
        t = used[q["table"]]
        assert (t["used"], t["after_as_of"], t["without_answer"]) == (q["used"], q["after_as_of"], q["without_answer"])
    assert card["risk"]["at_risk"] > 0 and isinstance(card["risk"]["top"][0]["customer"], str)


def test_scorecard_options_and_errors_are_typed():
    d = _demo()
    card = cx.scorecard(orders=d["orders"], as_of="2024-06-30", top=3)
    assert card["as_of"] == "2024-06-30" and len(card["risk"]["top"]) == 3
    assert card["survey"] is None and card["promise"] is None
    with pytest.raises(cx.CxError) as e:
        cx.scorecard(orders=d["orders"], service_level_hours=-1)
    assert (e.value.code, e.value.argument) == ("invalid_parameter", "service_level_hours")
    bad = d["feedback"].copy()
    bad.loc[5, "nps"] = 11
    with pytest.raises(cx.CxError) as e:
        cx.scorecard(feedback=bad)
    assert (e.value.argument, e.value.index) == ("feedback.nps", 5)
