import json
import pathlib

import pytest

VECTORS = pathlib.Path(__file__).resolve().parents[2] / "tests" / "vectors"


def load_cases(name):
    return json.loads((VECTORS / name).read_text())["cases"]


def floats(values):
    return [float("nan") if v == "NaN" else v for v in values]


def scores_of(case):
    if "score_runs" in case:
        return [v for v, n in case["score_runs"] for _ in range(n)]
    return floats(case["scores"])


def at(obj, path):
    for key in path.split("."):
        if isinstance(obj, (list, tuple)) and key.isdigit():
            obj = obj[int(key)]
        else:
            obj = obj[key] if isinstance(obj, dict) else getattr(obj, key)
    return obj


def assert_close(what, got, want, tol):
    if isinstance(want, bool) or want is None or isinstance(want, str):
        assert got == want, f"{what}: got {got!r}, expected {want!r}"
    elif isinstance(want, (int, float)):
        assert got is not None, f"{what}: got None, expected {want}"
        assert abs(got - want) <= tol, f"{what}: got {got}, expected {want} ± {tol}"
    elif isinstance(want, list):
        assert len(got) == len(want), f"{what}: length {len(got)} != {len(want)}"
        for i, (g, w) in enumerate(zip(got, want)):
            assert_close(f"{what}[{i}]", g, w, tol)
    elif isinstance(want, dict):
        for k, w in want.items():
            assert_close(f"{what}.{k}", got[k], w, tol)
    else:  # pragma: no cover
        raise AssertionError(f"{what}: unsupported expected value {want!r}")


@pytest.fixture
def survey_cases():
    return load_cases("survey.json")


# Headless matplotlib Axes for the plot tests (test_scorecard, test_lifetimes_compat).
@pytest.fixture()
def ax():
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    yield ax
    plt.close(fig)


def check_case(case, run):
    """A bind-call vector through `run(call, args)`: the typed error it names,
    or every expected field within its tolerance."""
    import cx

    if "error" in case:
        want = case["error"]
        with pytest.raises(cx.CxError) as e:
            run(case["call"], case["args"])
        assert (e.value.fields["code"], e.value.argument) == (want["code"], want["argument"]), e.value
        if "index" in want:
            assert e.value.index == want["index"], e.value
        return
    r = run(case["call"], case["args"])
    for path, want in case["expected"].items():
        assert_close(f"{case['name']}: {path}", at(r.to_dict(), path), want, case["tol"])


def check_raw(cases):
    """The same vectors straight through cx._cx.call (the arguments as in Rust)."""
    import cx

    for case in cases:
        if "error" in case:
            continue
        r = cx._cx.call(case["call"], case["args"])
        for path, want in case["expected"].items():
            assert_close(path, at(r, path), want, case["tol"])
