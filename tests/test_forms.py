"""Assessment forms: written for people, read back exactly, refused with coded problems."""

from __future__ import annotations

import datetime
import json
import sys
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
from .strategies import model_and_assessment

DAY = datetime.date(2026, 11, 1)
CAICT = mm.standards.load("caict-devops-cd")


def _model() -> mm.MaturityModel:
    return mm.MaturityModel(
        id="m", name="Small", version="2", scale=mm.LevelScale.of("Basic", "Good"),
        answer_sets=[mm.AnswerSet(id="cov", options=[
            mm.AnswerOption(label="No", value=0), mm.AnswerOption(label="Some", value=0.5),
            mm.AnswerOption(label="All", value=1)])],
        domains=[
            mm.Domain(id="build", name="Build: CI/CD", domains=[mm.Domain(
                id="build.sub", name="Pipelines", items=[mm.CapabilityItem(
                    id="pipe", name="Pipeline", practices=[
                        mm.Practice(id="pipe.1", level=1, text="Builds run on commit"),
                        mm.Practice(id="pipe.2", level=2, text="Builds are reproducible",
                                    answer_set="cov")])])],
                items=[mm.CapabilityItem(id="vcs", practices=[
                    mm.Practice(id="vcs.1", level=1), mm.Practice(id="vcs.2", level=2)])]),
            mm.Domain(id="ops", name="Operations", items=[mm.CapabilityItem(id="mon", practices=[
                mm.Practice(id="mon.1", level=1, metric=mm.MetricCriterion(
                    name="uptime_pct", unit="%", threshold=99))])])])


MODEL = _model()
FULL = mm.Assessment(
    model="m", model_version="2", subject="payments", date=DAY,
    answers={"pipe.1": True, "pipe.2": "Some", "vcs.1": 0.25, "vcs.2": "n/a"},
    observations={"uptime_pct": 99.5},
    details={"pipe.1": AnswerDetail(note="every push", evidence=[
        EvidenceRecord(title="CI | config", url="https://ci.example.com/x",
                       date=datetime.date(2026, 10, 1), reviewer="ann"),
        EvidenceRecord(title="Runbook", path="docs/run.md")]),
        "vcs.2": AnswerDetail(note="no VCS needed\nsecond line")})


def _write(tmp_path: Path, model: mm.MaturityModel = MODEL, **kwargs: Any) -> Path:
    path = tmp_path / "form.xlsx"
    forms.write_form(model, path, **kwargs)
    return path


def _edit(path: Path, sheet: str, edit: Any) -> None:
    workbook = openpyxl.load_workbook(path)
    edit(workbook[sheet])
    workbook.save(path)


def _problems(path: Path, model: mm.MaturityModel = MODEL) -> list[tuple[str, str]]:
    with pytest.raises(mm.AssessmentValidationError) as info:
        forms.read_form(path, model, as_of=DAY)
    return [(p.code, p.path) for p in info.value.problems]


def test_a_prefilled_form_reads_back_to_the_same_assessment(tmp_path: Path) -> None:
    assert forms.read_form(_write(tmp_path, assessment=FULL), MODEL, as_of=DAY) == FULL


def test_a_blank_form_reads_back_as_an_assessment_without_answers(tmp_path: Path) -> None:
    assert forms.read_form(_write(tmp_path), MODEL) == mm.Assessment(model="m",
                                                                      model_version="2")


def test_the_form_has_a_readme_one_sheet_per_top_domain_and_hidden_parts(
        tmp_path: Path) -> None:
    workbook = openpyxl.load_workbook(_write(tmp_path, assessment=FULL, target=2))
    assert workbook.sheetnames == ["Readme", "Build CICD", "Operations", "Observations",
                                   "_lists", "_form"]
    assert [workbook[s].sheet_state for s in workbook.sheetnames] == [
        "visible", "visible", "visible", "visible", "hidden", "hidden"]
    readme = {row[0]: row[1] for row in workbook["Readme"].iter_rows(values_only=True)}
    assert (readme["Model id"], readme["Model version"], readme["Subject"]) == (
        "m", "2", "payments")
    assert readme["Assessment date"].date() == DAY
    assert readme["1"] == "Basic" and readme["Some"] == 0.5
    sheet = workbook["Build CICD"]
    assert [c.value for c in sheet[1]] == [
        "practice id", "Area", "Item", "Level", "Practice", "Answer", "Note",
        "Evidence (one per line: title | link | date | reviewer)", "Target level",
        "Levels to go", "Needed for target"]
    assert sheet.column_dimensions["A"].hidden
    assert sheet.freeze_panes == "B2"
    assert sheet.column_dimensions["E"].width == 60
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=2)]
    assert [r[:6] for r in rows] == [
        ["vcs.1", None, "vcs", "1 Basic", "vcs.1", 0.25],
        ["vcs.2", None, "vcs", "2 Good", "vcs.2", "n/a"],
        ["pipe.1", "Pipelines", "Pipeline", "1 Basic", "Builds run on commit", True],
        ["pipe.2", "Pipelines", "Pipeline", "2 Good", "Builds are reproducible", "Some"]]
    assert rows[2][7] == ("CI \\| config | https://ci.example.com/x | 2026-10-01 | ann\n"
                          "Runbook | docs/run.md")
    # vcs: level 0 (0.25 at level 1) → 2 to go; pipe: level 1 (pipe.2 half) → 1 to go
    assert [r[8:] for r in rows] == [[2, 2, "yes"], [2, 2, None], [2, 1, None],
                                     [2, 1, "yes"]]
    validations = {str(v.sqref): (v.formula1, v.type)
                   for v in sheet.data_validations.dataValidation}
    assert validations == {"F2 F3 F4": ("'_lists'!$A$1:$A$3", "list"),
                           "F5": ("'_lists'!$B$1:$B$4", "list")}
    lists = [[c.value for c in col] for col in workbook["_lists"].iter_cols()]
    assert lists == [["yes", "no", "n/a", None], ["No", "Some", "All", "n/a"]]
    meta = dict(workbook["_form"].iter_rows(values_only=True))
    assert meta == {"format": "maturity-form/1", "model": "m", "model_version": "2",
                    "language": None}


def test_lang_is_accepted_and_the_model_text_is_used(tmp_path: Path) -> None:
    path = _write(tmp_path, assessment=FULL, lang="zh-CN")
    assert forms.read_form(path, MODEL, as_of=DAY) == FULL
    assert openpyxl.load_workbook(path)["_form"]["B4"].value == "zh-CN"


def test_visible_labels_and_sheet_names_do_not_matter(tmp_path: Path) -> None:
    path = _write(tmp_path, assessment=FULL)

    def scramble(sheet: Any) -> None:
        sheet.title = "Renamed"
        for row in sheet.iter_rows(min_row=2, min_col=2, max_col=5):
            for cell in row:
                cell.value = "changed"

    _edit(path, "Build CICD", scramble)
    assert forms.read_form(path, MODEL, as_of=DAY) == FULL


def test_an_answer_typed_in_a_cell_reads_back(tmp_path: Path) -> None:
    path = _write(tmp_path)

    def fill(sheet: Any) -> None:
        sheet["F2"], sheet["F3"], sheet["F5"], sheet["G5"] = "Yes", "0.5", "all", "  ok  "
        sheet["H5"] = "https://ci.example.com/p"

    _edit(path, "Build CICD", fill)
    _edit(path, "Readme", lambda s: s.__setitem__("B5", "team a"))
    a = forms.read_form(path, MODEL)
    assert dict(a.answers) == {"vcs.1": "Yes", "vcs.2": 0.5, "pipe.2": "all"}
    assert a.details["pipe.2"] == AnswerDetail(note="ok", evidence=[
        EvidenceRecord(url="https://ci.example.com/p")])
    assert a.subject == "team a"
    assert mm.score(MODEL, a)["vcs"].level == 1


@pytest.mark.parametrize(("cell", "value", "code"), [
    ("F2", "maybe", "invalid-value"),
    ("F2", 1.5, "invalid-value"),
    ("F5", "Most", "invalid-value"),
    ("F2", datetime.datetime(2026, 1, 2), "cell-format"),
    ("H2", "x | https://exa mple.com", "invalid-url"),
    ("H2", "x | a.pdf | 2999-01-01", "future-date"),
    ("H2", "x | a.pdf | 1 May", "invalid-value"),
    ("H2", 3, "cell-format"),
])
def test_bad_cells_are_coded_problems_naming_the_cell(tmp_path: Path, cell: str, value: Any,
                                                      code: str) -> None:
    path = _write(tmp_path)
    _edit(path, "Build CICD", lambda s: s.__setitem__(cell, value))
    assert _problems(path) == [(code, f"form.xlsx:Build CICD!{cell}")]


def test_a_percentage_cell_is_a_cell_format_problem(tmp_path: Path) -> None:
    path = _write(tmp_path)

    def percent(sheet: Any) -> None:
        sheet["F3"] = 0.5
        sheet["F3"].number_format = "0%"

    _edit(path, "Build CICD", percent)
    assert _problems(path) == [("cell-format", "form.xlsx:Build CICD!F3")]


def test_deleted_and_duplicated_rows_are_problems(tmp_path: Path) -> None:
    path = _write(tmp_path)

    def shuffle(sheet: Any) -> None:
        copied = [c.value for c in sheet[4]]  # pipe.1
        sheet.delete_rows(3)  # vcs.2
        sheet.append(copied)

    _edit(path, "Build CICD", shuffle)
    assert _problems(path) == [("duplicate-id", "form.xlsx:Build CICD!A5"),
                               ("missing-row", "form.xlsx:$")]


def test_a_row_added_by_hand_with_an_answer_is_a_problem(tmp_path: Path) -> None:
    path = _write(tmp_path)
    _edit(path, "Operations", lambda s: s.append([None, "", "", "", "new", "yes"]))
    assert _problems(path) == [("invalid-value", "form.xlsx:Operations!A3")]


@pytest.mark.parametrize(("cell", "value", "words"), [
    ("B2", "other", "model 'other'"),
    ("B3", "1", "run 'maturity migrate' on the assessment"),
])
def test_a_form_for_another_model_or_version_is_a_model_mismatch(
        tmp_path: Path, cell: str, value: str, words: str) -> None:
    path = _write(tmp_path)
    _edit(path, "_form", lambda s: s.__setitem__(cell, value))
    with pytest.raises(mm.AssessmentValidationError) as info:
        forms.read_form(path, MODEL)
    (problem,) = info.value.problems
    assert (problem.code, problem.path) == ("model-mismatch", f"form.xlsx:_form!{cell}")
    assert words in problem.message


def test_a_workbook_that_is_no_form_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.xlsx"
    openpyxl.Workbook().save(path)
    assert not forms.is_form(path)
    assert _problems(path) == [("invalid-value", "other.xlsx:$")]
    (tmp_path / "zip.xlsx").write_bytes(b"not a zip")
    assert _problems(tmp_path / "zip.xlsx") == [("invalid-value", "zip.xlsx:$")]


def test_reading_stops_at_the_row_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from maturity_model import _form_reading

    monkeypatch.setattr(_form_reading, "MAX_ROWS", 3)
    assert ("too-large", "form.xlsx:Build CICD!A4") in _problems(_write(tmp_path))


def test_a_missing_openpyxl_names_the_extra(tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "openpyxl", None)
    with pytest.raises(mm.MissingExtraError) as info:
        forms.write_form(MODEL, tmp_path / "f.xlsx")
    assert info.value.extra == "xlsx"


def test_an_assessment_that_does_not_fit_is_not_written(tmp_path: Path) -> None:
    with pytest.raises(mm.AssessmentValidationError):
        forms.write_form(MODEL, tmp_path / "f.xlsx",
                         assessment=mm.Assessment(model="m", answers={"ghost": True}))
    assert not (tmp_path / "f.xlsx").exists()


def test_the_form_command_writes_and_score_reads_it_back(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    form = tmp_path / "cd.xlsx"
    code, out, _ = run(capsys, "form", "caict-devops-cd", "-o", form, "--target", "3",
                       "--json")
    assert code == 0 and json.loads(out)["model"] == "caict-devops-cd"
    workbook = openpyxl.load_workbook(form)
    sheet = workbook[workbook.sheetnames[1]]
    sheet["F2"] = "yes"
    first = sheet["A2"].value
    workbook.save(form)
    code, out, _ = run(capsys, "score", "caict-devops-cd", form, "--json")
    assert code == 0
    practices = {p["practice_id"]: p for p in json.loads(out)["practices"]}
    assert practices[first]["status"] == "met"


def test_the_form_command_prefills_from_an_assessment_file(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "team.yaml"
    mm.serialization.dump_assessment(FULL, source)
    model_file = tmp_path / "m.yaml"
    mm.serialization.dump_model(MODEL, model_file)
    form = tmp_path / "team.xlsx"
    assert run(capsys, "form", model_file, "-o", form, "--assessment", source)[0] == 0
    assert forms.read_form(form, MODEL, as_of=DAY) == FULL


def test_form_command_errors_keep_the_cli_promises(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "form", "caict-devops-cd", "-o", tmp_path / "f.csv")
    assert code == 2 and err.startswith("maturity:") and "f.csv" in err
    bad = tmp_path / "bad.yaml"
    bad.write_text("model: other\nanswers: {x: true}\n")
    code, _, err = run(capsys, "form", "caict-devops-cd", "-o", tmp_path / "f.xlsx",
                       "--assessment", bad)
    assert code == 1 and "bad.yaml" in err and "[model-mismatch]" in err


def test_score_reports_a_damaged_form_with_exit_1(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _write(tmp_path)
    _edit(path, "Build CICD", lambda s: s.delete_rows(2))
    model_file = tmp_path / "m.yaml"
    mm.serialization.dump_model(MODEL, model_file)
    code, _, err = run(capsys, "score", model_file, path)
    assert code == 1
    assert "maturity: error:" in err and "form.xlsx" in err and "[missing-row]" in err


_TEXT = st.text(st.characters(exclude_categories=["Cs", "Cc"]), max_size=10).map(str.strip)


@st.composite
def _details(draw: st.DrawFn, ids: list[str]) -> dict[str, AnswerDetail]:
    records = st.builds(
        lambda title, link, url, date, reviewer: EvidenceRecord(
            title=title, date=date, reviewer=reviewer,
            **({"url": f"https://example.com/{link}"} if url else {"path": link or "p"})),
        _TEXT, st.from_regex(r"[a-z0-9/._|\\-]{0,10}", fullmatch=True), st.booleans(),
        st.none() | st.dates(datetime.date(2000, 1, 1), DAY), st.none() | _TEXT)
    chosen = draw(st.lists(st.sampled_from(ids), unique=True)) if ids else []
    return {pid: AnswerDetail(note=draw(_TEXT), evidence=draw(st.lists(records, max_size=3)))
            for pid in chosen}


@given(st.data())
@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
def test_read_form_inverts_write_form(tmp_path: Path, data: st.DataObject) -> None:
    model, assessment = data.draw(model_and_assessment())
    a = mm.Assessment(
        model=model.id, model_version=model.version, subject=data.draw(_TEXT),
        date=data.draw(st.none() | st.dates(datetime.date(2000, 1, 1), DAY)),
        answers=assessment.answers, observations=assessment.observations,
        details=data.draw(_details([p.id for p in model.practices()])))
    lang = data.draw(st.sampled_from([None, "en", "zh-CN", "de-AT"]))
    path = tmp_path / "round.xlsx"
    forms.write_form(model, path, assessment=a, lang=lang)
    assert forms.read_form(path, model, as_of=DAY) == a


def test_report_reads_a_filled_form_and_shows_its_evidence(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    form = _write(tmp_path, assessment=FULL)
    model_file = tmp_path / "m.yaml"
    mm.serialization.dump_model(MODEL, model_file)
    report = tmp_path / "r.md"
    code, _, err = run(capsys, "report", model_file, form, "-o", report, "--target", "2")
    assert code == 0, err
    text = report.read_text()
    assert "- Subject: payments" in text
    assert ("| `pipe.1` | `pipe` | met | every push | [CI \\| config](https://ci.example.com/x)"
            " (2026-10-01, ann); Runbook: docs/run.md |") in text


def test_a_form_is_read_only_after_its_zip_passes_the_workbook_checks(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from maturity_model.formats import _xlsx

    path = _write(tmp_path, assessment=FULL)
    monkeypatch.setattr(_xlsx, "MAX_MEMBER_BYTES", 1000)  # as if a part inflated hugely
    problems = _problems(path)
    assert problems and set(problems) == {("invalid-value", "form.xlsx:$")}
    monkeypatch.setattr(_xlsx, "MAX_FILE_BYTES", 100)
    assert _problems(path) == [("invalid-value", "form.xlsx:$")]


def test_validate_checks_a_filled_form_against_its_model(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    model_file = tmp_path / "m.yaml"
    mm.serialization.dump_model(MODEL, model_file)
    form = _write(tmp_path, assessment=FULL)
    code, out, _ = run(capsys, "validate", form, "--model", model_file, "--json")
    assert (code, json.loads(out)["valid"]) == (0, True)
    _edit(form, "Build CICD", lambda s: s.__setitem__("F2", "maybe"))
    code, out, _ = run(capsys, "validate", form, "--model", model_file, "--json")
    assert code == 1
    assert [(p["code"], p["path"]) for p in json.loads(out)["problems"]] == [
        ("invalid-value", "form.xlsx:Build CICD!F2")]
    code, _, err = run(capsys, "validate", form)
    assert code == 2 and err.startswith("maturity:") and "--model" in err


def test_text_starting_with_an_equals_sign_stays_text(tmp_path: Path) -> None:
    # openpyxl takes "=..." for a formula: a note like this must be shown, not computed.
    model = mm.MaturityModel(id="m", domains=[mm.Domain(id="d", items=[
        mm.CapabilityItem(id="i", practices=[mm.Practice(id="p", level=1)])])])
    a = mm.Assessment(model="m", answers={"p": 1.0}, details={
        "p": mm.AnswerDetail(note='=HYPERLINK("http://x","y")')})
    path = tmp_path / "form.xlsx"
    forms.write_form(model, path, assessment=a)
    from openpyxl import load_workbook

    cells = [c for ws in load_workbook(path).worksheets for row in ws.iter_rows()
             for c in row if isinstance(c.value, str) and c.value.startswith("=HYPERLINK")]
    assert [c.data_type for c in cells] == ["s"]
    assert forms.read_form(path, model).details["p"].note == '=HYPERLINK("http://x","y")'
