"""Forms on one sheet, and forms with one row per item and a column per level (CAICT)."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import hypothesis.strategies as st
import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings

import maturity_model as mm
from maturity_model import forms
from maturity_model.evidence import AnswerDetail, EvidenceRecord

from .cli_run import run
from .strategies import models
from .test_forms import DAY, FULL, MODEL

DETAIL = AnswerDetail(note="one note for the item", evidence=[
    EvidenceRecord(title="Pipeline", url="https://ci.example.com/p", date=DAY)])
UNIFORM = mm.Assessment(model="m", model_version="2", subject="payments", date=DAY,
                        answers={"pipe.1": True, "pipe.2": "Some", "vcs.1": 0.25,
                                 "vcs.2": "n/a"},
                        observations={"uptime_pct": 99.5},
                        details={"pipe.1": DETAIL, "pipe.2": DETAIL})


def test_one_sheet_holds_every_practice_with_its_top_domain_in_the_area(
        tmp_path: Path) -> None:
    path = tmp_path / "one.xlsx"
    forms.write_form(MODEL, path, assessment=FULL, sheets="one")
    workbook = openpyxl.load_workbook(path)
    assert workbook.sheetnames == ["Readme", "Answers", "Observations", "_lists", "_form"]
    areas = [(r[0], r[1]) for r in workbook["Answers"].iter_rows(min_row=2, values_only=True)]
    assert areas == [("vcs.1", "Build: CI/CD"), ("vcs.2", "Build: CI/CD"),
                     ("pipe.1", "Build: CI/CD / Pipelines"),
                     ("pipe.2", "Build: CI/CD / Pipelines"), ("mon.1", "Operations")]
    assert forms.read_form(path, MODEL, as_of=DAY) == FULL


def test_one_row_per_item_has_a_text_and_an_answer_column_per_level(tmp_path: Path) -> None:
    path = tmp_path / "items.xlsx"
    forms.write_form(MODEL, path, assessment=UNIFORM, rows="items", target=2)
    sheet = openpyxl.load_workbook(path)["Build CICD"]
    assert [c.value for c in sheet[1]] == [
        "item id", "Area", "Item", "Level 1: Basic", "Answer 1", "Level 2: Good", "Answer 2",
        "Note", "Evidence (one per line: title | link | date | reviewer)", "Target level",
        "Levels to go", "Needed for target"]
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=2)]
    assert rows == [
        ["vcs", None, "vcs", "• vcs.1", 0.25, "• vcs.2", "n/a", None, None, 2, 2, "yes"],
        ["pipe", "Pipelines", "Pipeline", "• Builds run on commit", True,
         "• Builds are reproducible", "Some", "one note for the item",
         "Pipeline | https://ci.example.com/p | 2026-11-01", 2, 1, "yes"]]
    validations = {str(v.sqref): v.formula1 for v in sheet.data_validations.dataValidation}
    assert validations == {"E2 E3 G2": "'_lists'!$A$1:$A$3", "G3": "'_lists'!$B$1:$B$4"}
    assert forms.read_form(path, MODEL, as_of=DAY) == UNIFORM


def test_an_item_level_answer_answers_every_practice_at_that_level(tmp_path: Path) -> None:
    model = mm.MaturityModel(id="m", domains=[mm.Domain(id="d", items=[mm.CapabilityItem(
        id="i", practices=[mm.Practice(id="a", level=1), mm.Practice(id="b", level=1),
                           mm.Practice(id="c", level=2)])])])
    path = tmp_path / "items.xlsx"
    forms.write_form(model, path, rows="items")
    workbook = openpyxl.load_workbook(path)
    sheet = workbook["d"]
    column = {c.value: c.column_letter for c in sheet[1]}
    sheet[f"{column['Answer 1']}2"] = "yes"
    sheet[f"{column['Evidence (one per line: title | link | date | reviewer)']}2"] = "audit.pdf"
    workbook.save(path)
    a = forms.read_form(path, model)
    assert dict(a.answers) == {"a": "yes", "b": "yes"}
    assert set(a.details) == {"a", "b", "c"}
    assert mm.score(model, a)["i"].level == 1


def test_answers_that_differ_within_an_item_level_cannot_be_written_per_item(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(ValueError, match="'vcs'"):
        forms.write_form(MODEL, tmp_path / "f.xlsx", assessment=FULL, rows="items")
    assert not (tmp_path / "f.xlsx").exists()
    source = tmp_path / "full.yaml"
    mm.serialization.dump_assessment(FULL.with_answers({"vcs.1": True}), source)
    model_file = tmp_path / "m.yaml"
    mm.serialization.dump_model(MODEL, model_file)
    code, _, err = run(capsys, "form", model_file, "-o", tmp_path / "f.xlsx", "--rows",
                       "items", "--assessment", source)
    assert code == 2 and err.startswith("maturity:") and "full.yaml" in err


def _items_form(tmp_path: Path, edit: Any) -> list[tuple[str, str]]:
    path = tmp_path / "items.xlsx"
    forms.write_form(MODEL, path, rows="items")
    workbook = openpyxl.load_workbook(path)
    edit(workbook["Build CICD"])
    workbook.save(path)
    with pytest.raises(mm.AssessmentValidationError) as info:
        forms.read_form(path, MODEL)
    return [(p.code, p.path) for p in info.value.problems]


def test_item_rows_deleted_or_duplicated_are_problems(tmp_path: Path) -> None:
    def shuffle(sheet: Any) -> None:
        copied = [c.value for c in sheet[3]]
        sheet.delete_rows(2)
        sheet.append(copied)

    assert _items_form(tmp_path, shuffle) == [
        ("duplicate-id", "items.xlsx:Build CICD!A3"), ("missing-row", "items.xlsx:$"),
        ("missing-row", "items.xlsx:$")]


def test_a_bad_item_level_answer_names_its_cell(tmp_path: Path) -> None:
    assert _items_form(tmp_path, lambda s: s.__setitem__("G3", "Most")) == [
        ("invalid-value", "items.xlsx:Build CICD!G3")]


def test_the_command_writes_the_caict_layout(tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    form = tmp_path / "cd.xlsx"
    assert run(capsys, "form", "caict-devops-cd", "-o", form, "--rows", "items",
               "--sheets", "one", "--target", "3")[0] == 0
    sheet = openpyxl.load_workbook(form)["Answers"]
    assert sheet.max_row == 1 + 49  # the header, then CAICT CD's 49 rated sub-items
    assert [c.value for c in sheet[1]][3:5] == ["Level 1: Initial", "Answer 1"]
    model = mm.standards.load("caict-devops-cd")
    assert forms.read_form(form, model) == mm.Assessment(model=model.id,
                                                         model_version=model.version)


@st.composite
def _uniform(draw: st.DrawFn) -> tuple[mm.MaturityModel, mm.Assessment]:
    model = draw(models())
    answers: dict[str, Any] = {}
    details: dict[str, AnswerDetail] = {}
    for item in model.items():
        for level in {p.level for p in item.practices}:
            at = [p for p in item.practices if p.level == level]
            labelled = all(p.answer_set == "cov" for p in at)
            value = draw(st.none() | st.booleans() | st.sampled_from([0.0, 0.5, 1.0, "n/a"])
                         | (st.sampled_from(["No", "All"]) if labelled else st.nothing()))
            answers.update(dict.fromkeys((p.id for p in at), value))
        if draw(st.booleans()):
            detail = AnswerDetail(note=draw(st.text(st.characters(
                exclude_categories=["Cs", "Cc"]), max_size=8)).strip(), evidence=[
                EvidenceRecord(title="t", path=f"{item.id}.pdf",
                               date=draw(st.none() | st.dates(datetime.date(2000, 1, 1),
                                                              DAY)))])
            details.update(dict.fromkeys((p.id for p in item.practices), detail))
    return model, mm.Assessment(model=model.id, model_version=model.version,
                                answers=answers, details=details)


@given(st.data())
@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
def test_read_form_inverts_write_form_with_one_row_per_item(tmp_path: Path,
                                                           data: st.DataObject) -> None:
    model, a = data.draw(_uniform())
    path = tmp_path / "items.xlsx"
    forms.write_form(model, path, assessment=a, rows="items",
                     sheets=data.draw(st.sampled_from(["domains", "one"])),
                     lang=data.draw(st.sampled_from([None, "zh-CN"])))
    assert forms.read_form(path, model, as_of=DAY) == a
