"""Hostile inputs from a red-team pass that the command-line corpus cannot express."""

from __future__ import annotations

import contextlib
import io
import json
import os
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from maturity_model import _table_arrow
from maturity_model.cli import main
from maturity_model.formats import samm
from tests.test_formats_hostile import _toolbox


def _toolbox_with_weight(path: Path, weight_text: bytes, *, answer: str = "Yes",
                         date: str = "2026-01-05") -> Path:
    """A one-question SAMM toolbox whose answer 'Yes' weighs ``weight_text`` (raw XML)."""
    plain = _toolbox(path.with_suffix(".plain.xlsx"), answer, date=date, yes_weight=4321)
    with zipfile.ZipFile(plain) as old, zipfile.ZipFile(path, "w") as new:
        for info in old.infolist():
            new.writestr(info, old.read(info).replace(b"<v>4321</v>",
                                                      b"<v>" + weight_text + b"</v>"))
    return path


def test_toolbox_weight_too_large_for_a_float_counts_as_no_weight(tmp_path: Path) -> None:
    book = _toolbox_with_weight(tmp_path / "t.xlsx", b"1" + b"0" * 400)
    assert dict(samm.load_toolbox(book).answers) == {"G-SM-1-A": 0.0}


# --------------------------------------------------------------------------- CSV readers

MODEL_FILE = Path(__file__).parent / "corpus" / "redteam" / "model.yaml"
_CELLS = ["yes", "no", "0.5", "n/a", "", "Some", "maybe", '"y\nes"', '"a,b"', "2"]
_ROWS = st.lists(st.one_of(
    st.just(""),  # a blank line
    st.lists(st.sampled_from(_CELLS), min_size=1, max_size=4).map(",".join),
    st.sampled_from(["\xff,yes,no", '"open,yes,no']),
), max_size=12)


def _quietly(*args: str | Path) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main([str(a) for a in args])
    return code, out.getvalue(), err.getvalue()


@settings(max_examples=150, deadline=None)
@given(header=st.sampled_from(["subject,cm.vcs.1.1,cm.vcs.2.1",
                               'subject,"cm.vcs.1.1",cm.vcs.2.1',
                               'subject,cm.vcs.1.1,"cm.vcs\n.2.1"']),
       rows=_ROWS, crlf=st.booleans(), block=st.sampled_from([64, 1 << 20]))
def test_both_csv_readers_name_the_same_lines(header: str, rows: list[str], crlf: bool,
                                             block: int) -> None:
    pytest.importorskip("pyarrow")
    end = "\r\n" if crlf else "\n"
    data = (end.join([header, *rows]) + end).encode("utf-8", "surrogateescape")
    data = data.replace("\xff".encode(), b"\xff")
    with tempfile.TemporaryDirectory() as folder, pytest.MonkeyPatch.context() as patch:
        # many blocks, rows across them (pyarrow drops a CR LF inside quotes that a block
        # boundary splits: CR LF tables keep large blocks)
        patch.setattr(_table_arrow, "BLOCK_BYTES", 1 << 20 if crlf else block)
        source = Path(folder, "teams.csv")
        source.write_bytes(data)
        runs = [_quietly("score", MODEL_FILE, source, "--reader", reader, "-q", "--lenient",
                         "--format", "csv") for reader in ("stdlib", "arrow")]
    assert runs[0] == runs[1]


@pytest.mark.parametrize("reader", ["stdlib", "arrow"])
def test_a_blank_first_line_is_a_blank_header(reader: str, tmp_path: Path) -> None:
    pytest.importorskip("pyarrow")
    source = tmp_path / "teams.csv"
    source.write_text("\nsubject,cm.vcs.1.1\nteam,yes\n", encoding="utf-8")
    code, out, err = _quietly("score", MODEL_FILE, source, "--reader", reader, "--json")
    assert code == 1
    assert err.splitlines() == [
        f"maturity: error: {source}:1: $: line 1 is blank: the header must be the table's "
        "first line [blank-header]"]
    assert [(p["code"], p["file"]) for p in json.loads(out)["problems"]] == [
        ("blank-header", f"{source}:1")]


# --------------------------------------------------------------------------- histories


def test_a_fifo_in_a_history_folder_is_passed_over(tmp_path: Path) -> None:
    """Opening a FIFO waits for a writer: a history folder holding one must not hang."""
    folder = tmp_path / "history" / "payments-team"
    folder.mkdir(parents=True)
    (folder / "2024-01-01.yaml").write_text(
        'format: maturity-assessment/1\nmodel: mini-cd\nmodel_version: "1.0"\n'
        "answers: {cm.vcs.1.1: yes}\n", encoding="utf-8")
    os.mkfifo(folder / "2024-02-01.yaml")
    done = subprocess.run(
        [sys.executable, "-m", "maturity_model", "history", str(tmp_path / "history"),
         "--model", str(MODEL_FILE), "--json"],
        capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL, check=False)
    assert done.returncode == 0, done.stderr
    assert [row["date"] for row in json.loads(done.stdout)["subjects"][0]["series"]] == [
        "2024-01-01"]


# --------------------------------------------------------------------------- error lines


@pytest.mark.parametrize("args", [
    ["score", str(MODEL_FILE), "{nul}"],
    ["import", "dsomm", "{nul}"],
    ["standards", "show", "no\nsuch"],
    ["score", str(MODEL_FILE), "{newline}"],
], ids=["nul-byte-yaml", "nul-byte-dsomm", "standard-name-with-a-newline",
        "file-name-with-a-newline"])
def test_every_error_line_starts_with_maturity(args: list[str], tmp_path: Path) -> None:
    nul = tmp_path / "nul.yaml"
    nul.write_bytes(b"format: maturity-assessment/1\nmodel: mini-cd\x00\n")
    newline = tmp_path / "team\nnotes.yaml"
    newline.write_text("format: maturity-assessment/1\nmodel: mini-cd\nanswers: {x: 1}\n",
                       encoding="utf-8")
    code, _, err = _quietly(*(a.replace("{nul}", str(nul)).replace("{newline}", str(newline))
                              for a in args))
    assert code in (1, 2)
    assert err and all(line.startswith("maturity: ") for line in err.splitlines()), err


def test_a_version_of_another_model_is_not_sent_to_migrate() -> None:
    """Migration carries answers between versions of one model; it cannot help here."""
    import maturity_model as mm

    model = mm.load_model(MODEL_FILE)
    with pytest.raises(mm.AssessmentValidationError) as info:
        mm.score(model, mm.Assessment(model="other", model_version="7"))
    version = info.value.problems[1]
    assert (version.code, version.path) == ("model-mismatch", "$.model_version")
    assert "'other'" in version.message
    assert "migrate" not in version.message


def test_a_toolbox_interview_date_that_is_none_is_warned_of(tmp_path: Path) -> None:
    book = _toolbox_with_weight(tmp_path / "t.xlsx", b"1", date="2026-02-30")
    with pytest.warns(UserWarning, match=r"t\.xlsx: the interview date '2026-02-30'"):
        assessment = samm.load_toolbox(book)
    assert assessment.date is None


def test_warnings_of_a_workbook_are_maturity_lines_naming_it(tmp_path: Path,
                                                            reference_dir: Path) -> None:
    book = _toolbox_with_weight(tmp_path / "t.xlsx", b"1", answer="Perhaps")
    code, _, err = _quietly("score", reference_dir / "samm" / "core", book, "-q",
                            "--format", "csv")
    assert code == 0
    lines = err.splitlines()
    assert lines and all(line.startswith(f"maturity: warning: {book.name}: ") for line in lines)
