"""The shared survey vectors (tests/vectors/survey.json), as in Rust and JS."""

import datetime as dt

import numpy as np
import pytest

import cx
from conftest import assert_close, at, floats, load_cases, scores_of

CASES = load_cases("survey.json")


def _opts(case, key="options"):
    o = dict(case.get(key, {}))
    if isinstance(o.get("scale"), dict):
        o["scale"] = (o["scale"]["min"], o["scale"]["max"])
    return o


def run(case, convert):
    call = case["call"]
    w = floats(case["weights"]) if "weights" in case else None
    if call in ("nps", "csat", "ces", "smiley"):
        return getattr(cx, call)(convert(scores_of(case)), w, **_opts(case))
    if call == "compare_nps":
        a = cx.nps(convert(scores_of(case["a"])), **_opts(case))
        b = cx.nps(convert(scores_of(case["b"])), **_opts(case))
        return cx.compare(a, b)
    if call == "compare_csat":
        a = cx.csat(convert(scores_of(case["a"])), **_opts(case, "a_options"))
        b = cx.csat(convert(scores_of(case["b"])), **_opts(case, "b_options"))
        return cx.compare(a, b)
    if call == "group_by":
        ts = None
        if "timestamps_ms" in case:
            ts = np.array(case["timestamps_ms"], dtype="datetime64[ms]")
        groups = cx.group_by(convert(scores_of(case)), keys=case.get("keys"), timestamps=ts, bucket=case["bucket"])
        return [
            {"key": k, "period": p.isoformat() if p else None, "n": d.n, "score": d.nps().score}
            for k, p, d in groups
        ]
    if call == "distribution_bytes":
        s = case["scale"]
        return cx.Distribution.from_scores(convert(scores_of(case)), w, scale=(s["min"], s["max"])).to_bytes().hex()
    if call == "distribution_from_hex":
        return cx.Distribution.from_bytes(bytes.fromhex(case["hex"]))
    raise AssertionError(f"unknown call {call}")


def check(case, convert):
    if "error" in case:
        err = case["error"]
        with pytest.raises(cx.CxError) as info:
            run(case, convert)
        e = info.value
        assert e.code == err["code"], str(e)
        assert e.argument == err["argument"], str(e)
        if "index" in err:
            assert e.index == err["index"], str(e)
        assert isinstance(e, ValueError)
        return
    got = run(case, convert)
    tol = case.get("tol", 0.0)
    if "expected" in case:
        for path, want in case["expected"].items():
            assert_close(path, at(got, path), want, tol)
    elif "expected_groups" in case:
        assert_close("groups", got, case["expected_groups"], tol)
    else:
        assert got == case["expected_hex"]


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_vector_as_float_array(case):
    check(case, lambda s: np.asarray(s, dtype=np.float64))


def _all_scores(case):
    vals = []
    for side in (case, case.get("a", {}), case.get("b", {})):
        if "scores" in side or "score_runs" in side:
            vals += scores_of(side)
    return vals


def _whole(case):
    return all(isinstance(v, int) or (isinstance(v, float) and v.is_integer()) for v in _all_scores(case))


INT_CASES = [c for c in CASES if _whole(c)]


@pytest.mark.parametrize("case", INT_CASES, ids=[c["name"] for c in INT_CASES])
def test_vector_as_int_list(case):
    check(case, lambda s: [int(v) for v in s])


BYTE_CASES = [c for c in INT_CASES if all(0 <= v <= 255 for v in _all_scores(c))]


@pytest.mark.parametrize("case", BYTE_CASES, ids=[c["name"] for c in BYTE_CASES])
def test_vector_as_uint8(case):
    check(case, lambda s: np.asarray(s, dtype=np.uint8))


def test_case_count():
    assert len(CASES) >= 40
