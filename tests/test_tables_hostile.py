"""Hostile tables for ``maturity score``: every one is a coded problem naming file and line."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from maturity_model._csv_cells import csv_row, safe_text
from tests.cli_run import run

DATA = Path(__file__).parent / "data"
MODEL = DATA / "valid-model.yaml"
HEADER = "subject,cm.vcs.1.1,cm.vcs.2.1,build.ci.1.1\n"
# csv: the batch engine, chunk by chunk, through the csv module or pyarrow;
# jsonl: the object engine, row by row
FORMATS = ["csv", "csv-arrow", "jsonl"]
OPTIONS = {"csv": ["--format", "csv"], "jsonl": ["--format", "jsonl"],
           "csv-arrow": ["--format", "csv", "--reader", "arrow"]}




def subjects(out: str, fmt: str) -> list[str]:
    if fmt == "jsonl":
        return [json.loads(line)["subject"] for line in out.splitlines()]
    if out.startswith("subject,date,"):  # --wide
        return [row[0] for row in list(csv.reader(out.splitlines()))[1:]]
    rows = list(csv.reader(out.splitlines()))[1:]
    return list(dict.fromkeys(row[0] for row in rows))


def error_lines(err: str) -> list[str]:
    return [line for line in err.splitlines() if line]


@pytest.mark.parametrize("fmt", FORMATS)
def test_non_utf8_csv_is_a_bad_encoding_problem_at_its_line(
        capsys: pytest.CaptureFixture[str], tmp_path: Path, fmt: str) -> None:
    table = tmp_path / "latin1.csv"
    table.write_bytes(HEADER.encode() + b"a,1,1,1\nb\xe9,1,0,1\nc,1,1,1\n")
    code, out, err = run(capsys, "score", MODEL, table, *OPTIONS[fmt])
    assert code == 1
    [line] = error_lines(err)
    assert line.startswith(f"maturity: error: {table}:3: $: line 3")
    assert line.endswith("[bad-encoding]")
    assert subjects(out, fmt) == ["a"]  # the table cannot be read on past the bad line


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_field_over_the_csv_limit_is_too_large(capsys: pytest.CaptureFixture[str],
                                                 tmp_path: Path, fmt: str) -> None:
    table = tmp_path / "huge.csv"
    table.write_text(HEADER + "a,1,1,1\n" + "b," + "1" * (csv.field_size_limit() + 1)
                     + ",1,1\n")
    code, out, err = run(capsys, "score", MODEL, table, *OPTIONS[fmt])
    assert code == 1
    assert err.startswith(f"maturity: error: {table}:3: $: line 3: ")
    assert err.rstrip().endswith("[too-large]")
    assert subjects(out, fmt) == ["a"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_ragged_rows_are_refused_and_the_rest_scored(capsys: pytest.CaptureFixture[str],
                                                     tmp_path: Path, fmt: str) -> None:
    table = tmp_path / "ragged.csv"
    table.write_text(HEADER + "a,1,1,1\nb,1,1\nc,1,1,1,1\n\nd,0,0,0\n")
    code, out, err = run(capsys, "score", MODEL, table, *OPTIONS[fmt])
    assert code == 1
    assert error_lines(err) == [
        f"maturity: error: {table}:3: $: the row has 3 cells, the header 4 [ragged-row]",
        f"maturity: error: {table}:4: $: the row has 5 cells, the header 4 [ragged-row]"]
    assert subjects(out, fmt) == ["a", "d"]


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(("header", "code", "path"), [
    ("subject,cm.vcs.1.1,cm.vcs.1.1\n", "duplicate-id", "$.columns[2]"),
    ("subject,,cm.vcs.1.1\n", "blank-header", "$.columns[1]"),
    ("subject,cm.vcs.1.1, \n", "blank-header", "$.columns[2]"),
    ("subject,cm.vcs.9.9\n", "unknown-practice", "$.columns[1]"),
])
def test_a_bad_header_refuses_the_table(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                        fmt: str, header: str, code: str, path: str) -> None:
    table = tmp_path / "header.csv"
    table.write_text(header + "a,1,1\n")
    status, out, err = run(capsys, "score", MODEL, table, *OPTIONS[fmt])
    assert status == 1
    assert out == ""
    [line] = error_lines(err)
    assert line.startswith(f"maturity: error: {table}:1: {path}: ")
    assert line.endswith(f"[{code}]")


def test_lenient_drops_an_unknown_column_with_a_warning(capsys: pytest.CaptureFixture[str],
                                                        tmp_path: Path) -> None:
    table = tmp_path / "typo.csv"
    table.write_text("subject,cm.vcs.1.1,cm.vcs.9.9\na,1,1\n")
    status, out, err = run(capsys, "score", MODEL, table, "--format", "csv", "--lenient")
    assert status == 0
    assert err.startswith(f"maturity: warning: {table}:1: $.columns[2]: ")
    assert subjects(out, "csv") == ["a"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_json_lines_problems_name_their_line(capsys: pytest.CaptureFixture[str],
                                             tmp_path: Path, fmt: str) -> None:
    lines = tmp_path / "teams.jsonl"
    lines.write_bytes(b"\n".join([
        b'{"subject": "a", "answers": {"cm.vcs.1.1": 1}}',
        b"[" * 100_000 + b"]" * 100_000,
        b'["not", "an", "object"]',
        b'{"subject": "b", "subject": "c"}',
        b'{"subject": "d\xff"}',
        b"7",
        b'{"subject": "e", "answers": {"cm.vcs.1.1": 0.5}}',
    ]) + b"\n")
    code, out, err = run(capsys, "score", MODEL, lines, *OPTIONS[fmt])
    assert code == 1
    found = [(line.split(": ")[2], line.rsplit("[", 1)[1].rstrip("]"))
             for line in error_lines(err)]
    assert found == [(f"{lines}:2", "too-large"), (f"{lines}:3", "invalid-value"),
                     (f"{lines}:4", "duplicate-id"), (f"{lines}:5", "bad-encoding"),
                     (f"{lines}:6", "invalid-value")]
    assert subjects(out, fmt) == ["a", "e"]


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(("name", "content"), [
    ("empty.csv", ""), ("header-only.csv", HEADER), ("blank-lines.csv", HEADER + "\n\n"),
    ("empty.jsonl", ""), ("blank.jsonl", "\n  \n")])
def test_a_table_without_assessments_is_a_problem(capsys: pytest.CaptureFixture[str],
                                                  tmp_path: Path, fmt: str, name: str,
                                                  content: str) -> None:
    table = tmp_path / name
    table.write_text(content)
    code, out, err = run(capsys, "score", MODEL, table, *OPTIONS[fmt])
    assert code == 1
    assert out == ""
    [line] = error_lines(err)
    assert line.startswith(f"maturity: error: {table}")
    assert line.endswith("[no-assessments]")


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_folder_without_assessments_is_a_usage_error(capsys: pytest.CaptureFixture[str],
                                                       tmp_path: Path, fmt: str) -> None:
    (tmp_path / "notes.txt").write_text("not an assessment")
    code, out, err = run(capsys, "score", MODEL, tmp_path, *OPTIONS[fmt])
    assert code == 2
    assert out == ""
    assert err == f"maturity: error: {tmp_path}: no assessment files in the folder\n"


def test_csv_output_neutralises_formula_cells(capsys: pytest.CaptureFixture[str],
                                              tmp_path: Path) -> None:
    table = tmp_path / "teams.csv"
    table.write_text(HEADER + '"=HYPERLINK(""http://x"")",1,1,1\n-cards,0,0,0\n')
    code, out, _ = run(capsys, "score", MODEL, table, "--format", "csv")
    assert code == 0
    rows = list(csv.reader(out.splitlines()))
    assert [r[0] for r in rows[1::5]] == ["'=HYPERLINK(\"http://x\")", "'-cards"]
    assert rows[1][4:6] == ["1", "1.5"]  # numbers stay numbers
    code, out, _ = run(capsys, "score", MODEL, table, "--format", "csv",
                       "--no-formula-escape")
    rows = list(csv.reader(out.splitlines()))
    assert [r[0] for r in rows[1::5]] == ["=HYPERLINK(\"http://x\")", "-cards"]


def test_one_profile_csv_neutralises_formula_cells_too(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    doc = tmp_path / "team.yaml"
    doc.write_text("model: mini-cd\nsubject: '@team'\nanswers: {cm.vcs.1.1: true}\n")
    code, out, _ = run(capsys, "score", MODEL, doc, "--format", "csv")
    assert code == 0
    assert out.splitlines()[1].startswith("'@team,mini-cd,model,")


@pytest.mark.parametrize(("cell", "written"), [
    ("=1+1", "'=1+1"), ("+1", "'+1"), ("-1", "'-1"), ("@SUM(A1)", "'@SUM(A1)"),
    ("\tx", "'\tx"), ("\rx", "'\rx"), ("a=b", "a=b"), ("", "")])
def test_safe_text_prefixes_formula_starts(cell: str, written: str) -> None:
    assert safe_text(cell) == written


def test_csv_row_leaves_numbers_as_numbers() -> None:
    assert csv_row([-0.5, -1, 0.25, None, "-0.5"]) == [-0.5, -1, 0.25, "", "'-0.5"]
    assert csv_row(["=x", None], safe=False) == ["=x", ""]
