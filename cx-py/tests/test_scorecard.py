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


# -- cx.Scorecard: the page of `cx report`, from the same renderer -------------------


def _page_body(html):
    """The page without its sub-title (who made it) and data-quality section
    (file names and CSV dialects): what both front ends must draw alike."""
    import re

    html = re.sub(r'<p class="sub">.*?</p>', "", html, count=1)
    return re.sub(r'<section id="data-quality">.*?</section>', "", html, count=1, flags=re.S)


def test_scorecard_page_is_the_cli_page(tmp_path):
    if not CX.exists():
        pytest.fail(f"the cx command is not built at {CX} (run cargo build -p cx-cli, or set CX_BIN)")
    out = tmp_path / "cli.html"
    files = [f"--{t}={DEMO / (t + '.csv')}" for t in ("orders", "feedback", "contacts", "deliveries")]
    subprocess.run([str(CX), "report", *files, "--out", str(out)], check=True, capture_output=True)
    cli = out.read_text(encoding="utf-8")
    card = cx.Scorecard(**_demo())
    assert _page_body(card.html) == _page_body(cli)
    for section in ("headline", "survey", "gaps", "retention", "promises", "model", "risk", "data-quality"):
        assert f'<section id="{section}">' in card.html, section
    # The data-quality table says where the rows came from.
    assert "pandas DataFrame" in card.html and f"cx {cx.__version__} (Python)" in card.html
    assert 'id="cdnow-check"' in card.html


def test_scorecard_is_a_mapping_and_saves_and_displays(tmp_path):
    d = _demo()
    card = cx.Scorecard(**d)
    plain = cx.scorecard(**d)
    _same(card.to_dict(), plain)
    assert set(card) == set(plain) and card["risk"]["at_risk"] == plain["risk"]["at_risk"]
    path = tmp_path / "report.html"
    card.save(path)
    assert path.read_text(encoding="utf-8") == card.html
    shown = card._repr_html_()
    # In an iframe, escaped: the page's CSS cannot restyle the notebook.
    assert shown.startswith("<iframe") and "<style>" not in shown and "&lt;style&gt;" in shown
    assert repr(card).startswith("Scorecard(as of 2024-12-31: survey, gaps, retention, promise, model, risk;")


def test_scorecard_errors_are_the_scorecards():
    d = _demo()
    bad = d["feedback"].copy()
    bad.loc[7, "nps"] = -1
    with pytest.raises(cx.OutOfRangeError) as e:
        cx.Scorecard(feedback=bad)
    assert (e.value.argument, e.value.index) == ("feedback.nps", 7)
    with pytest.raises(cx.CxError) as e:
        cx.Scorecard()
    assert e.value.code == "empty"


# -- cx.plot: the report's charts hold the scorecard's numbers ----------------------


@pytest.fixture(scope="module")
def card():
    return cx.Scorecard(**_demo())



def test_plot_trends_hold_the_monthly_scores(card, ax):
    import numpy as np

    for draw, key in ((cx.plot.nps_trend, "nps_trend"), (cx.plot.csat_trend, "csat_trend")):
        ax.clear()
        assert draw(card, ax=ax) is ax
        trend = card["survey"][key]
        np.testing.assert_array_equal(ax.lines[0].get_ydata(), [p["score"] for p in trend])
        band = ax.collections[0].get_paths()[0].vertices[:, 1]
        assert min(band) == pytest.approx(min(p["ci_low"] for p in trend))
        assert max(band) == pytest.approx(max(p["ci_high"] for p in trend))


def test_plot_gap_bars_and_ipa_hold_the_gaps(card, ax):
    items = card["gaps"]["servqual"]["items"]
    cx.plot.servqual_gaps(card, ax=ax)
    widths = [p.get_width() for p in ax.patches]
    assert widths == pytest.approx([i["gap"] for i in items])
    assert [t.get_text() for t in ax.get_yticklabels()] == card["gaps"]["touchpoints"]
    ax.clear()
    cx.plot.importance_performance(card, ax=ax)
    xy = ax.collections[0].get_offsets()
    attrs = card["gaps"]["ipa"]["attributes"]
    assert list(xy[:, 0]) == pytest.approx([a["performance"] for a in attrs])
    assert list(xy[:, 1]) == pytest.approx([a["importance"] for a in attrs])


def test_plot_cohorts_p_alive_and_reasons(card, ax):
    import numpy as np

    cx.plot.cohort_heatmap(card, ax=ax)
    z = np.asarray(ax.images[0].get_array())
    cohorts = card["retention"]["cohorts"]
    assert z.shape[0] == len(cohorts)
    assert z[1, : len(cohorts[1]["share"])] == pytest.approx([100 * s for s in cohorts[1]["share"]])
    ax.clear()
    cx.plot.p_alive_histogram(card, ax=ax)
    assert [p.get_height() for p in ax.patches] == card["model"]["p_alive_bins"]
    ax.clear()
    cx.plot.at_risk_reasons(card, ax=ax)
    counts = sorted((n for _, n in card["risk"]["counts"]), reverse=True)
    assert [p.get_width() for p in ax.patches] == counts
    assert ax.get_yticklabels()[0].get_text() == "low probability active"


def test_plot_reliability_of_scorecard_and_backtest(card, ax):
    holdout = card["risk"]["backtest"]["holdout"]
    cx.plot.reliability(card, ax=ax)
    kept = [b for b in holdout["reliability"] if b["customers"] >= 10 and b["predicted"] is not None]
    assert list(ax.lines[1].get_xdata()) == pytest.approx([b["predicted"] for b in kept])
    assert list(ax.lines[1].get_ydata()) == pytest.approx([b["observed"] for b in kept])


def test_plot_errors_name_the_missing_section(ax):
    d = _demo()
    only_orders = cx.scorecard(orders=d["orders"])
    with pytest.raises(ValueError, match="no survey section"):
        cx.plot.nps_trend(only_orders, ax=ax)
    with pytest.raises(TypeError, match="cx.Scorecard"):
        cx.plot.p_alive_histogram([1, 2, 3], ax=ax)


def test_plot_control_chart_and_key_drivers(card, ax):
    chart = cx.ewma([10.5, 9.2, 11.3, 10.9, 12.1, 11.8, 12.4, 12.0], target=10, sigma=1, periods=[f"w{i}" for i in range(8)])
    cx.plot.control_chart(chart, ax=ax)
    stat = [line for line in ax.lines if line.get_label() == "EWMA"][0]
    assert list(stat.get_ydata()) == pytest.approx([p.statistic for p in chart.points])
    alarm = [line for line in ax.lines if line.get_label() == "alarm"][0]
    assert list(alarm.get_xdata()) == chart.signals
    ax.clear()
    cx.plot.key_drivers(card, ax=ax)
    drivers = sorted(card["gaps"]["drivers"]["drivers"], key=lambda d: d["rank"])
    assert [p.get_width() for p in ax.patches] == pytest.approx([d["relative_percent"] for d in drivers])
    assert ax.get_yticklabels()[0].get_text() == drivers[0]["name"]
