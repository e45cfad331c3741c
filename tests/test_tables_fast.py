"""The fast table paths: pyarrow's reader equals the csv module's; wide and Parquet output."""

from __future__ import annotations

import contextlib
import csv
import io
import math
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import maturity_model as mm
from maturity_model.cli import main
from tests.cli_run import run

pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")

DATA = Path(__file__).parent / "data"
MODEL_FILE = DATA / "valid-model.yaml"
MODEL = mm.load_model(MODEL_FILE)
IDS = [p.id for p in MODEL.practices()]
CELLS = ["", " ", "1", "0", "0.5", "0.25", "yes", "No", "TRUE", "n/a", " N/A ", "NA",
         "unknown", "?", "2", "maybe"]
LABELS = ["Some", "All", "No"]
ROW = st.tuples(st.text("ab =,\"'\n", max_size=6),
                *(st.sampled_from(CELLS + LABELS if pid == "cm.vcs.3.1" else CELLS)
                  for pid in IDS)).map(list)




def run_quietly(*args: str | Path) -> tuple[int, str, str]:
    """``run`` without pytest's capture fixture (hypothesis calls it many times)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main([str(a) for a in args])
        except SystemExit as exc:
            code = int(exc.code or 0)
    return code, out.getvalue(), err.getvalue()


def write_table(path: Path, rows: list[list[str]], terminator: str) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator=terminator)
    writer.writerow(["subject", *IDS])
    writer.writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8", newline="")


@settings(max_examples=40)
@given(rows=st.lists(ROW, min_size=1, max_size=8), terminator=st.sampled_from(["\n", "\r\n"]),
       wide=st.booleans())
def test_the_arrow_reader_gives_what_the_csv_module_gives(
        tmp_path_factory: pytest.TempPathFactory,
        rows: list[list[str]], terminator: str, wide: bool) -> None:
    table = tmp_path_factory.mktemp("t") / "teams.csv"
    write_table(table, rows, terminator)
    form = ["--wide"] if wide else []
    stdlib = run_quietly("score", MODEL_FILE, table, "--format", "csv", *form)
    fast = run_quietly("score", MODEL_FILE, table, "--format", "csv", "--reader", "arrow",
               *form)
    assert fast[:2] == stdlib[:2]
    # the labels are line numbers in both while no cell spans lines
    if not any("\n" in row[0] for row in rows):
        assert fast[2] == stdlib[2]


def test_wide_output_has_a_score_and_a_level_column_per_node(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    table = tmp_path / "teams.csv"
    write_table(table, [["a", "1", "1", "Some", "n/a", ""], ["@b", "", "", "", "", ""]], "\n")
    code, out, _ = run(capsys, "score", MODEL_FILE, table, "--wide", "-o",
                       tmp_path / "wide.csv")
    assert code == 0
    assert out == ""
    rows = list(csv.DictReader((tmp_path / "wide.csv").read_text().splitlines()))
    nodes = [r.node_id for r in mm.score(MODEL, mm.Assessment(model="mini-cd"))]
    assert list(rows[0]) == ["subject", "date",
                             *(f"{n}.{part}" for n in nodes for part in ("score", "level"))]
    first = mm.score(MODEL, mm.Assessment(model="mini-cd", answers={
        "cm.vcs.1.1": 1, "cm.vcs.2.1": 1, "cm.vcs.3.1": "Some", "build.ci.1.1": "n/a"}))
    assert rows[0]["subject"] == "a"
    for result in first:
        assert rows[0][f"{result.node_id}.score"] == (
            "" if result.score is None else repr(result.score))
        assert rows[0][f"{result.node_id}.level"] == (
            "" if result.level is None else str(result.level))
    assert rows[1]["subject"] == "'@b"
    assert rows[1]["cm.vcs.score"] == rows[1]["cm.vcs.level"] == ""  # nothing answered


def test_parquet_in_and_out(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    source = tmp_path / "teams.parquet"
    pq.write_table(pa.table({
        "subject": ["a", "b", None],
        "date": ["2026-11-01", None, None],
        "cm.vcs.1.1": pa.array([True, False, None]),
        "cm.vcs.2.1": pa.array([1.0, 0.5, None]),
        "cm.vcs.3.1": ["Some", "n/a", None],
        "build.ci.1.1": pa.array([1, 0, None], pa.int8())}), source)
    table = tmp_path / "teams.csv"
    table.write_text("subject,date,cm.vcs.1.1,cm.vcs.2.1,cm.vcs.3.1,build.ci.1.1\n"
                     "a,2026-11-01,true,1.0,Some,1\nb,,false,0.5,n/a,0\n,,,,,\n")
    out = tmp_path / "scores.parquet"
    code, _, err = run(capsys, "score", MODEL_FILE, source, "-o", out)
    assert (code, err) == (0, "")
    got = pq.read_table(out).to_pylist()
    _, want, _ = run(capsys, "score", MODEL_FILE, table, "--wide", "--format", "csv")
    expected = list(csv.DictReader(want.splitlines()))
    assert [r["subject"] for r in got] == ["a", "b", "row 3"]
    assert [r["date"] for r in got] == ["2026-11-01", None, None]
    for row, text in zip(got, expected, strict=True):
        for name, value in row.items():
            if name.endswith(".score"):
                assert text[name] == ("" if value is None else repr(value)), name
                assert value is None or not math.isnan(value)
            elif name.endswith(".level"):
                assert text[name] == ("" if value is None else str(value)), name
    assert pq.read_schema(out).field("mini-cd.level").type == pa.int16()
    code, jsonl, _ = run(capsys, "score", MODEL_FILE, source, "--format", "jsonl")
    assert code == 0
    assert [line.count('"subject":"') for line in jsonl.splitlines()] == [1, 1, 1]


def test_parquet_output_with_every_row_refused_keeps_the_old_file(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    table = tmp_path / "teams.csv"
    table.write_text("subject,cm.vcs.1.1\na,7\n")
    out = tmp_path / "scores.parquet"
    out.write_bytes(b"the previous output")
    code, _, err = run(capsys, "score", MODEL_FILE, table, "-o", out)
    assert code == 1
    assert "[invalid-value]" in err
    assert out.read_bytes() == b"the previous output"


@pytest.mark.parametrize("args", [
    ["--wide", "--format", "jsonl"], ["--wide", "-o", "out.md"], ["--format", "parquet"]])
def test_wide_and_parquet_misuse_is_a_usage_error(capsys: pytest.CaptureFixture[str],
                                                  args: list[str]) -> None:
    code, out, err = run(capsys, "score", MODEL_FILE, DATA / "valid-assessment.yaml", *args)
    assert code == 2
    assert out == ""
    assert err.startswith("maturity: error: ")


def test_a_file_that_is_not_parquet_is_a_problem(capsys: pytest.CaptureFixture[str],
                                                 tmp_path: Path) -> None:
    bogus = tmp_path / "teams.parquet"
    bogus.write_text("subject\na\n")
    for fmt in ("csv", "jsonl"):
        code, _, err = run(capsys, "score", MODEL_FILE, bogus, "--format", fmt)
        assert code == 1
        assert err.startswith(f"maturity: error: {bogus}:1: $: not a Parquet file")


def test_parquet_subjects_are_text_in_both_engines(capsys: pytest.CaptureFixture[str],
                                                   tmp_path: Path) -> None:
    source = tmp_path / "teams.parquet"
    pq.write_table(pa.table({"subject": ["yes", "0.5", "=x"],
                             "cm.vcs.1.1": ["yes", "0.5", "n/a"]}), source)
    code, jsonl, _ = run(capsys, "score", MODEL_FILE, source, "--format", "jsonl")
    assert code == 0
    assert [line.split('"subject":"')[1].split('"')[0] for line in jsonl.splitlines()] == [
        "yes", "0.5", "=x"]
    code, wide, _ = run(capsys, "score", MODEL_FILE, source, "--wide", "--format", "csv")
    assert code == 0
    assert [row[0] for row in csv.reader(wide.splitlines())][1:] == ["yes", "0.5", "'=x"]
