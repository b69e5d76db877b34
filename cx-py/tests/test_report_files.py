"""cx.report_from_files: the report of the cx command for the shop's CSV
exports, read by the command's own reader (through the binding layer's
``report_from_files``), with typed errors naming file, line and column."""

import json
import math
import pathlib
import subprocess

import numpy as np
import pytest

import cx

ROOT = pathlib.Path(__file__).resolve().parents[2]
DEMO = ROOT / "cx-cli" / "data" / "demo"
TABLES = ["orders", "feedback", "contacts", "deliveries"]


def cli() -> pathlib.Path:
    """The cx command of this checkout (built by `cargo test` before pytest
    in scripts/test; built here when missing)."""
    binary = ROOT / "target" / "debug" / "cx"
    if not binary.exists():
        subprocess.run(["cargo", "build", "-q", "-p", "cx-cli"], cwd=ROOT, check=True)
    return binary


def differences(path, got, want, out):
    """Numbers beyond 1e-9 relative; anything else must be equal."""
    if isinstance(want, float) or isinstance(got, float):
        if not (isinstance(got, (int, float)) and isinstance(want, (int, float))) or not math.isclose(got, want, rel_tol=1e-9, abs_tol=1e-12):
            out.append(f"{path}: {got!r} vs {want!r}")
    elif isinstance(want, list):
        if not isinstance(got, list) or len(got) != len(want):
            out.append(f"{path}: {got!r} vs {want!r}")
        else:
            for i, (g, w) in enumerate(zip(got, want)):
                differences(f"{path}[{i}]", g, w, out)
    elif isinstance(want, dict):
        if not isinstance(got, dict):
            out.append(f"{path}: {got!r} vs an object")
        else:
            for k in set(want) | set(got):
                differences(f"{path}.{k}", got.get(k), want.get(k), out)
    elif got != want:
        out.append(f"{path}: {got!r} vs {want!r}")


def test_the_demo_shop_gives_the_commands_report(tmp_path):
    args = ["report"] + [a for t in TABLES for a in (f"--{t}", f"{t}.csv")] + ["--json", "--out", str(tmp_path / "cli.html")]
    want = json.loads(subprocess.run([str(cli()), *args], cwd=DEMO, check=True, capture_output=True).stdout)
    # Paths, bytes, text and open files are all files.
    with open(DEMO / "contacts.csv", "rb") as contacts:
        r = cx.report_from_files(
            orders=DEMO / "orders.csv",
            feedback=str(DEMO / "feedback.csv"),
            contacts=contacts,
            deliveries=(DEMO / "deliveries.csv").read_bytes(),
        )
    out = []
    differences("report", r.to_dict(), want, out)
    # The command names the files as given; the bytes came without a name.
    out = [d for d in out if not d.startswith("report.data[3].file")]
    assert out == [], "\n".join(out[:10])
    assert [d["table"] for d in r["data"]] == TABLES
    assert r["data"][3]["file"] == "deliveries.csv"
    # The page is the command's page, the digits of the numbers aside.
    digits = lambda h: __import__("re").sub(r"\d+(\.\d+)?", "#", h)  # noqa: E731
    assert digits(r.html) == digits((tmp_path / "cli.html").read_text(encoding="utf-8"))
    r.save(tmp_path / "page.html")
    assert (tmp_path / "page.html").read_text(encoding="utf-8") == r.html
    assert "Report(as of" in repr(r) and "orders.csv" in repr(r)


def test_a_german_export():
    german = "Kunde;Datum;Betrag\na;01.03.2024;12,50\na;15.03.2024;8,00\nb;02.03.2024;5,00\n".encode("cp1252")
    r = cx.report_from_files(orders=german, columns={"orders.customer": "Kunde", "orders.date": "Datum", "orders.amount": "Betrag"})
    q = r["data"][0]
    assert (q["rows"], q["used"]) == (3, 3)
    assert q["dialect"] == "separator ';', decimal ',', dates ISO or dd.mm.yyyy, UTF-8"
    assert r["retention"]["store"]["revenue"] == pytest.approx(25.5)


def test_bad_rows_are_typed_errors_naming_file_line_and_column():
    with pytest.raises(cx.FileError) as e:
        cx.report_from_files(orders="customer,date,amount\na,2024-03-01,5\nb,2024-02-30,7\n")
    err = e.value
    assert isinstance(err, ValueError) and err.code == "file" and err.argument == "files"
    assert (err.file, err.line, err.column, err.value) == ("orders.csv", 3, "date", "2024-02-30")
    assert str(err).startswith('orders.csv:3: column `date` = "2024-02-30": ')
    # Skipped instead, and counted.
    r = cx.report_from_files(orders="customer,date,amount\na,2024-03-01,5\nb,2024-02-30,7\n", skip_bad_rows=True)
    assert (r["data"][0]["rows"], r["data"][0]["used"], r["data"][0]["skipped_unreadable"]) == (2, 1, 1)
    # A missing column: the file, no line.
    with pytest.raises(cx.FileError) as e:
        cx.report_from_files(orders="client,date\na,2024-03-01\n")
    assert (e.value.file, e.value.line) == ("orders.csv", 0) and "no column `customer`" in str(e.value)
    # Day-first or month-first cannot be told: the command's question, then the answer.
    ambiguous = "customer,date\na,03/04/2024\nb,05/04/2024\na,06/05/2024\n"
    with pytest.raises(cx.FileError, match="day-first or month-first"):
        cx.report_from_files(orders=ambiguous)
    r = cx.report_from_files(orders=ambiguous, date_format="%d/%m/%Y")
    assert r["data"][0]["used"] == 3


def test_bad_arguments():
    with pytest.raises(cx.InputTypeError):
        cx.report_from_files(orders=5)
    with pytest.raises(cx.InvalidParameterError) as e:
        cx.report_from_files(orders="customer,date\na,2024-03-01\n", service_level_hours=-1)
    assert e.value.argument == "service_level_hours"
    with pytest.raises(cx.FileError, match="--delimiter"):
        cx.report_from_files(orders="customer,date\na,2024-03-01\n", delimiter=";;")
    with pytest.raises(cx.FileError, match="no dated rows"):
        cx.report_from_files(orders="customer,date\n")
    # An empty numpy-backed file is a file without a header line.
    with pytest.raises(cx.FileError):
        cx.report_from_files(orders=np.zeros(0, dtype=np.uint8).tobytes())
