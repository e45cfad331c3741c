"""Forms in a real spreadsheet: headless LibreOffice opens, recalculates and saves them.

Run when ``soffice`` is on the path. LibreOffice converts the written workbook to its own
format (ODS) and back to xlsx, which rebuilds every part of the file through its own
document model: what survives that is what a person filling the form in LibreOffice
gives back.
"""

from __future__ import annotations

import datetime
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest

from maturity_model import forms

from .test_forms import CAICT, DAY, FULL, MODEL

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
pytestmark = pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")


def _convert(source: Path, to: str, tmp_path: Path) -> Path:
    """``source`` converted by headless LibreOffice (a private profile: runs can overlap)."""
    assert SOFFICE is not None
    out = tmp_path / f"out-{to}"
    out.mkdir(exist_ok=True)
    target = {"ods": "ods", "xlsx": 'xlsx:"Calc MS Excel 2007 XML"'}[to].replace('"', "")
    done = subprocess.run(
        [SOFFICE, "--headless", "--norestore", "--nolockcheck",
         f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
         "--convert-to", target, "--outdir", str(out), str(source)],
        capture_output=True, text=True, timeout=240, check=False)
    converted = out / f"{source.stem}.{to}"
    assert done.returncode == 0 and converted.is_file(), (done.stdout, done.stderr)
    return converted


def _through_libreoffice(path: Path, tmp_path: Path) -> Path:
    return _convert(_convert(path, "ods", tmp_path), "xlsx", tmp_path)


def test_a_prefilled_form_survives_libreoffice(tmp_path: Path) -> None:
    path = tmp_path / "full.xlsx"
    forms.write_form(MODEL, path, assessment=FULL, target=2)
    back = _through_libreoffice(path, tmp_path)
    assert forms.read_form(back, MODEL, as_of=DAY) == FULL
    workbook = openpyxl.load_workbook(back)
    assert [workbook[s].sheet_state for s in ("_lists", "_form")] == ["hidden", "hidden"]
    sheet = workbook["Build CICD"]
    assert sheet.column_dimensions["A"].hidden
    lists = {(v.type, v.formula1.replace("'", "")) for v in sheet.data_validations.dataValidation}
    assert lists == {("list", "_lists!$A$1:$A$3"), ("list", "_lists!$B$1:$B$4")}


def test_an_answer_typed_before_libreoffice_saves_reads_back(tmp_path: Path) -> None:
    path = tmp_path / "cd.xlsx"
    forms.write_form(CAICT, path, target=3)
    workbook = openpyxl.load_workbook(path)
    sheet = workbook[workbook.sheetnames[1]]
    first, second = sheet["A2"].value, sheet["A3"].value
    sheet["F2"], sheet["F3"], sheet["G3"] = "yes", 0.5, "half the teams"
    sheet["H3"] = "Wiki | https://wiki.example.com/cd | 2026-10-30 | lee"
    workbook.save(path)
    back = _through_libreoffice(path, tmp_path)
    assessment = forms.read_form(back, CAICT, as_of=DAY)
    assert dict(assessment.answers) == {first: "yes", second: 0.5}
    (record,) = assessment.details[second].evidence
    assert (record.url, record.date, record.reviewer) == (
        "https://wiki.example.com/cd", datetime.date(2026, 10, 30), "lee")
    answer_sheets = [s for s in openpyxl.load_workbook(back).worksheets
                     if s["A1"].value == "practice id"]
    assert len(answer_sheets) == len(CAICT.domains)
    assert all(s.data_validations.dataValidation for s in answer_sheets)


def test_a_form_with_one_row_per_item_survives_libreoffice(tmp_path: Path) -> None:
    from .test_forms_layouts import UNIFORM

    path = tmp_path / "items.xlsx"
    forms.write_form(MODEL, path, assessment=UNIFORM, rows="items", sheets="one")
    back = _through_libreoffice(path, tmp_path)
    assert forms.read_form(back, MODEL, as_of=DAY) == UNIFORM
    sheet = openpyxl.load_workbook(back)["Answers"]
    assert {v.formula1.replace("'", "") for v in sheet.data_validations.dataValidation} == {
        "_lists!$A$1:$A$3", "_lists!$B$1:$B$4"}
