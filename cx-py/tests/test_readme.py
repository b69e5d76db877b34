"""The Python README's quick start (cx-py/README.md, the PyPI page) runs as written."""

import importlib.util
import pathlib
import re

ROOT = pathlib.Path(__file__).resolve().parents[2]
README = ROOT / "cx-py" / "README.md"


def test_readme_python_blocks_run(capsys, monkeypatch):
    monkeypatch.chdir(ROOT)  # the examples read data/ from the repository root
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(), flags=re.S)
    assert blocks, "the README lost its Python example"
    namespace: dict = {}
    # cx.dask's example needs the optional Dask extra (the oldest wheel stack goes without it).
    has_dask = importlib.util.find_spec("dask") is not None
    for block in blocks:
        if "import dask" in block and not has_dask:
            continue
        exec(compile(block, str(README), "exec"), namespace)
    out = capsys.readouterr().out
    assert "NPS 0.0" in out  # 4 promoters, 4 detractors of 10
    assert "scores 1 12" in out
    assert "12-month value of the repeaters" in out
    assert "ann 0.97 last NPS answer 3 after 9 and 9; last NPS answer 3 (detractor)" in out
    assert "Scorecard(as of 2024-05-25: survey, promise, risk; feedback 4 of 4 rows used; deliveries 3 of 3 rows used)" in out
    assert "\n903\n" in out and "['2024-06-08'] down" in out
    assert "relative_percent" in out and "delivery" in out
    assert not has_dask or "\n5 3\n3.0\n" in out  # cx.dask: rows and customers of the distributed summary, fitted customers
    assert "all deliveries late: drop-out rate +248 % (+108 to +483 %)" in out
    assert "bob 0.5 2 of the last 3 deliveries late (by 2 and 5 days), 1 still not delivered" in out
