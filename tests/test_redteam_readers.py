"""Hostile inputs from a red-team pass that the command-line corpus cannot express."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from maturity_model.formats import samm


def _toolbox_with_weight(path: Path, weight_text: bytes) -> Path:
    """A one-question SAMM toolbox whose answer 'Yes' weighs ``weight_text`` (raw XML)."""
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    interview = book.active
    interview.title = "Interview"
    interview.append(["Id", "", "", "", "", "Answer"])
    interview.append(["G-SM-A-1-1", "", "", "", "", "Yes"])
    questions = book.create_sheet("imp-questions")
    questions.append(["ID", "", "", "", "", "", "", "Answer option"])
    questions.append(["G-SM-A-1-1", "", "", "", "", "", "", 0])
    answers = book.create_sheet("imp-answers")
    answers.append(["CODE", "L1", "L2", "L1_W", "L2_W"])
    answers.append([0, "No", "Yes", 0, 4321])
    plain = path.with_suffix(".plain.xlsx")
    book.save(plain)
    with zipfile.ZipFile(plain) as old, zipfile.ZipFile(path, "w") as new:
        for info in old.infolist():
            new.writestr(info, old.read(info).replace(b"<v>4321</v>",
                                                      b"<v>" + weight_text + b"</v>"))
    return path


def test_toolbox_weight_too_large_for_a_float_counts_as_no_weight(tmp_path: Path) -> None:
    book = _toolbox_with_weight(tmp_path / "t.xlsx", b"1" + b"0" * 400)
    assert dict(samm.load_toolbox(book).answers) == {"G-SM-1-A": 0.0}
