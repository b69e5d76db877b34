"""The accumulator: streaming, merging, bytes, pickle, errors."""

import pickle

import numpy as np
import pytest

import cx


def test_streaming_and_merging_equal_one_batch():
    rng = np.random.default_rng(7)
    answers = rng.integers(0, 11, size=10_000).astype(np.uint8)
    weights = rng.uniform(0.2, 3.0, size=answers.size)
    batch = cx.Distribution.from_scores(answers, weights)
    parts = []
    for chunk in np.array_split(np.arange(answers.size), 7):
        d = cx.Distribution()
        d.extend(answers[chunk], weights[chunk])
        parts.append(d)
    merged = cx.Distribution()
    for d in reversed(parts):
        merged.merge(d)
    assert merged.counts == batch.counts
    assert np.allclose(merged.weights, batch.weights, rtol=1e-12)
    a, b = merged.nps(), batch.nps()
    assert abs(a.score - b.score) < 1e-9 and abs(a.se - b.se) < 1e-9


def test_push_one_at_a_time():
    d = cx.Distribution((1, 4))
    for b in [4, 4, 3, 1]:
        d.push(b)
    r = d.smiley()
    assert r.positive.share == 0.75
    assert r.counts == (1, 0, 1, 2)


def test_pickle_round_trip():
    d = cx.Distribution.from_scores([5, 4, 4, 3], scale=(1, 5))
    e = pickle.loads(pickle.dumps(d))
    assert e == d
    assert e.csat() == d.csat()
    assert "n=4" in repr(e)


def test_bad_bytes_raise_decode_error():
    good = cx.Distribution.from_scores([10, 9]).to_bytes()
    for bad in (b"", b"XXXX" + good[4:], good[:-1], good + b"\0", good[:4] + b"\x02" + good[5:]):
        with pytest.raises(cx.DecodeError):
            cx.Distribution.from_bytes(bad)


def test_failed_extend_adds_nothing():
    d = cx.Distribution()
    d.extend([10, 9])
    with pytest.raises(cx.OutOfRangeError) as e:
        d.extend([1, 2, 11])
    assert e.value.index == 2
    assert d.n == 2


def test_merge_needs_the_same_scale():
    with pytest.raises(cx.IncompatibleError):
        cx.Distribution((0, 10)).merge(cx.Distribution((1, 5)))


def test_measure_on_wrong_scale():
    with pytest.raises(cx.IncompatibleError):
        cx.Distribution((1, 5)).nps()


def test_empty_distribution():
    with pytest.raises(cx.EmptyInputError):
        cx.Distribution().nps()


def test_csat_and_ces_on_custom_scale():
    d = cx.Distribution.from_scores([7, 6, 5, 2], scale=(1, 7))
    assert d.ces().easy.share == 0.75
    assert d.csat(threshold=6).satisfied.share == 0.5
