"""Every Python name of tests/names.json exists (see tests/tests/names.rs)."""

import json
import pathlib

import cx

NAMES = json.loads((pathlib.Path(__file__).resolve().parents[2] / "tests" / "names.json").read_text())["names"]


def test_every_python_name_exists():
    assert len(NAMES) >= 30
    for n in NAMES:
        obj = cx
        for part in n["python"].split("."):
            assert hasattr(obj, part), f"{n['concept']}: cx.{n['python']} is missing"
            obj = getattr(obj, part)
        assert callable(obj), n["python"]
