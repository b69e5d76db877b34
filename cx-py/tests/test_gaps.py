"""Expectation gaps from Python: the shared vectors through the public
functions (DataFrames, arrays and lists), typed errors, and frames out."""

import numpy as np
import pandas as pd
import polars as pl
import pytest

import cx
from conftest import check_case, check_raw, load_cases

CASES = load_cases("gaps.json")


def run(call, a):
    """Calls the public function for a vector's `args`."""
    if call == "servqual":
        return cx.servqual(
            a["perceptions"],
            a.get("expectations"),
            dimensions=a.get("dimensions"),
            importance=a.get("importance"),
            groups=a.get("groups"),
            names=a.get("names"),
        )
    if call == "ipa":
        return cx.ipa(a["performance"], a.get("importance"), overall=a.get("overall"), crosshair=a.get("crosshair", "data"))
    if call == "kano":
        return cx.kano(a["functional"], a["dysfunctional"], names=a.get("names"))
    if call == "cronbach_alpha":
        return cx.cronbach_alpha(a["answers"], level=a.get("level", 0.95))
    if call == "delivery":
        return cx.delivery(promised=a["promised"], delivered=a["delivered"], by=a.get("keys"), grace_days=a.get("grace_days", 0))
    if call == "answer_times":
        levels = {x["channel"]: x["seconds"] for x in a.get("channel_levels", [])}
        return cx.answer_times(
            received=a["received"],
            answered=a["answered"],
            channel=a.get("channels"),
            service_level_seconds=a["service_level_seconds"],
            channel_levels=levels,
        )
    if call == "first_contact_resolution":
        return cx.first_contact_resolution(
            case=a["cases"], timestamp=a["timestamps"], resolved=a["resolved"], channel=a.get("channels")
        )
    if call == "repeat_contacts":
        return cx.repeat_contacts(
            customer=a["customers"],
            timestamp=a["timestamps"],
            channel=a["channels"],
            case=a.get("cases"),
            window_days=a.get("window_days", 7),
            same_case=a.get("same_case", False),
        )
    raise AssertionError(call)


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_vector(case):
    check_case(case, run)


def test_the_raw_entry_point_matches_the_vectors():
    check_raw(CASES)


def test_servqual_from_frames_with_column_names_and_missing_answers():
    e = pd.DataFrame({"on_time": [7, 6, 5], "friendly": [6, np.nan, 6], "tidy": [5, 5, 5]})
    p = pd.DataFrame({"on_time": [5, 6, 4], "friendly": [7, 6, 6], "tidy": [5, 6, 7]})
    r = cx.servqual(p, e, dimensions={"delivery": ["on_time"], "store": ["friendly", "tidy"]}, importance=[60, 40])
    items = r.frame("items")
    assert list(items["name"]) == ["on_time", "friendly", "tidy"]
    assert items.loc[1, "missing"] == 1 and items.loc[1, "gap"] == 0.5
    assert r.dimensions[0].score == pytest.approx(-1.0)
    assert r.weighted == pytest.approx(0.6 * -1.0 + 0.4 * np.mean([0.5, 1.0]))
    # polars and numpy give the same numbers.
    r2 = cx.servqual(pl.from_pandas(p), pl.from_pandas(e), dimensions={"delivery": [0], "store": [1, 2]}, importance=[60, 40])
    r3 = cx.servqual(p.to_numpy(), e.to_numpy(), dimensions={"delivery": [0], "store": [1, 2]}, importance=[60, 40])
    assert r2.weighted == r.weighted == r3.weighted


def test_servqual_errors_name_row_and_item():
    with pytest.raises(cx.OutOfRangeError) as e:
        cx.servqual([[5, 6], [5, 9]])
    assert (e.value.argument, e.value.index) == ("perceptions", 1)
    assert "item 1" in str(e.value)
    with pytest.raises(cx.InputTypeError):
        cx.servqual(pd.DataFrame({"a": [5]}), dimensions={"x": ["nope"]})


def test_kano_from_a_frame_of_labels():
    f = pd.DataFrame({"gift wrap": ["like", "like", "Must be", None], "upsell": ["dislike", "neutral", "dislike", "like"]})
    d = pd.DataFrame({"gift wrap": ["neutral", "dislike", "dislike", "dislike"], "upsell": ["like", "dislike", "like", "like"]})
    k = cx.kano(f, d)
    frame = k.frame("attributes")
    assert list(frame["name"]) == ["gift wrap", "upsell"]
    assert list(frame["category"]) == ["M", "R"]  # gift wrap: A, O and M once each, a tie won by must-be
    assert frame.loc[0, "missing"] == 1


def test_delivery_from_a_frame_with_nat_and_carriers():
    orders = pd.DataFrame(
        {
            "promised": pd.to_datetime(["2024-03-04", "2024-03-04", "2024-03-05", "2024-03-06"]),
            "delivered": pd.to_datetime(["2024-03-04 15:00", "2024-03-06 09:00", None, "2024-03-05 12:00"]),
            "carrier": ["dhl", "ups", "dhl", "ups"],
        }
    )
    r = cx.delivery(orders, by="carrier", grace_days=1)  # a date promise holds until the end of the day
    assert (r.orders, r.delivered, r.pending) == (4, 3, 1)
    assert r.on_time.successes == 2 and r.early.successes == 1
    g = r.frame("groups")
    assert list(g["key"]) == ["dhl", "ups"] and list(g["pending"]) == [1, 0]
    rp = cx.delivery(pl.from_pandas(orders), by="carrier", grace_days=1)
    assert rp.to_dict() == r.to_dict()


def test_answer_times_reject_answers_before_receipt():
    with pytest.raises(cx.OutOfRangeError) as e:
        cx.answer_times(
            received=pd.to_datetime(["2024-01-02 10:00", "2024-01-02 10:00"]),
            answered=pd.to_datetime(["2024-01-02 10:01", "2024-01-02 09:00"]),
            service_level_seconds=300,
        )
    assert (e.value.argument, e.value.index) == ("answered", 1)


def test_repeat_contacts_switch_table():
    contacts = pl.DataFrame(
        {
            "customer": ["ann", "ann", "ann", "bob"],
            "timestamp": ["2024-02-01T10:00:00", "2024-02-01T18:00:00", "2024-02-02T09:00:00", "2024-02-01T10:00:00"],
            "channel": ["chat", "phone", "email", "chat"],
        }
    )
    r = cx.repeat_contacts(contacts)
    assert r.repeat_rate.successes == 2 and r.channel_switches == 2
    t = r.frame("switches")
    assert set(zip(t["from"], t["to"])) == {("chat", "phone"), ("phone", "email")}


def test_datetime_columns_take_the_buffer_path_with_the_same_numbers():
    # Datetime columns go to Rust as int64 buffers; text goes through the JSON path.
    # Both must agree on every measure.
    for case in CASES:
        if "error" in case or case["call"] not in ("delivery", "answer_times", "first_contact_resolution", "repeat_contacts"):
            continue
        a = dict(case["args"])
        for k in ("promised", "delivered", "received", "answered", "timestamps"):
            if k in a:
                a[k] = pd.Series(pd.to_datetime(a[k], format="ISO8601"))
        fast, slow = run(case["call"], a).to_dict(), run(case["call"], case["args"]).to_dict()
        assert fast == slow, case["name"]


def test_missing_timestamp_on_the_buffer_path_names_the_row():
    with pytest.raises(cx.MissingValueError) as e:
        cx.delivery(promised=pd.Series(pd.to_datetime(["2024-01-01", None])), delivered=pd.Series(pd.to_datetime([None, None])))
    assert (e.value.argument, e.value.index) == ("promised", 1)
