"""The OWASP SAMM importer: the core model folder and the toolbox workbook."""

from __future__ import annotations

import datetime
import os
import random
import re
import shutil
import subprocess
import sys
import warnings
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import attrs
import pytest
import yaml

import maturity_model as mm
from maturity_model import AssessmentValidationError, MaturityModel, ModelValidationError
from maturity_model.errors import DependencyCycleError, MissingExtraError, Problem
from maturity_model.evidence import RawAnswer
from maturity_model.formats import samm

REFERENCE = Path(__file__).resolve().parents[2] / "shared" / "reference"
CORE = REFERENCE / "samm" / "core"
TOOLBOX = REFERENCE / "samm" / "toolbox-spreadsheet" / "resources" / "SAMM_spreadsheet.xlsx"

openpyxl = pytest.importorskip("openpyxl")


@pytest.fixture(scope="module")
def core() -> Path:
    if not (CORE / "model").is_dir():
        pytest.skip(f"the SAMM reference data is not beside the checkout ({CORE})")
    return CORE


@pytest.fixture(scope="module")
def model(core: Path) -> MaturityModel:
    return samm.load_model(core)


@pytest.fixture(scope="module")
def toolbox() -> Path:
    if not TOOLBOX.is_file():
        pytest.skip(f"the SAMM toolbox workbook is not beside the checkout ({TOOLBOX})")
    return TOOLBOX


@pytest.fixture
def broken(core: Path, tmp_path: Path) -> Path:
    """A writable copy of the core folder, to break."""
    target = tmp_path / "core"
    shutil.copytree(core, target)
    for path in target.rglob("*"):
        path.chmod(0o755 if path.is_dir() else 0o644)
    return target


def _edit(path: Path, change: Callable[[str], str]) -> None:
    text = path.read_text(encoding="utf-8")
    new = change(text)
    assert new != text
    path.write_text(new, encoding="utf-8")


def _problems(core_dir: Path) -> tuple[Problem, ...]:
    with pytest.raises(ModelValidationError) as info:
        samm.load_model(core_dir)
    return info.value.problems


def _guid(path: Path) -> str:
    match = re.search(r"^id:\s*(\S+)", path.read_text(encoding="utf-8"), re.MULTILINE)
    assert match is not None
    return match.group(1)


# --------------------------------------------------------------------------- the model


def test_reference_model_has_the_published_shape(model: MaturityModel) -> None:
    functions = model.domains
    practices = [p for f in functions for p in f.domains]
    edges = sum(len(p.requires) for p in model.practices())
    assert (len(functions), len(practices), len(model.items()),
            len(list(model.practices())), edges) == (5, 15, 30, 90, 22)
    assert [f.id for f in functions] == ["G", "D", "I", "V", "O"]
    assert mm.check(model) == ()
    assert samm.check_folder(CORE) == ()


def test_model_identity_scale_and_rules(model: MaturityModel) -> None:
    assert (model.id, model.version) == ("owasp-samm", "2.0")
    assert model.scale.values == (0, 1, 2, 3)
    assert model.scale[0].name == "none"
    documents = [yaml.safe_load(p.read_text())
                 for p in (CORE / "model" / "maturity_levels").glob("*.yml")]
    levels = {d["number"]: d for d in documents}
    assert [model.scale[n].description for n in (1, 2, 3)] == [
        levels[n]["description"] for n in (1, 2, 3)]
    assert model.rules == mm.ModelRules(item=mm.LevelSum(), domain=mm.Mean())
    assert model.dependencies == "report"


def test_ids_are_samm_codes_and_files_agree(model: MaturityModel) -> None:
    # SAMM names its activity files by the same codes: an independent check of the ids.
    activity_files = sorted(p.stem for p in (CORE / "model" / "activities").glob("*.yml"))
    assert sorted(p.id for p in model.practices()) == activity_files
    stream_files = sorted(p.stem for p in (CORE / "model" / "streams").glob("*.yml"))
    assert sorted(i.id for i in model.items()) == stream_files
    assert model.parent_of("G-SM-A") == "G-SM"
    assert model.parent_of("G-SM") == "G"
    assert model.item_of("I-SB-3-B").id == "I-SB-B"
    assert model.practice("I-SB-3-B").level == 3
    for practice in model.practices():
        function, code, level, letter = practice.id.split("-")
        assert practice.level == int(level)
        assert model.item_of(practice.id).id == f"{function}-{code}-{letter}"


def test_names_and_texts_are_read_from_the_files(model: MaturityModel) -> None:
    stream = yaml.safe_load((CORE / "model" / "streams" / "I-SB-A.yml").read_text())
    activity = yaml.safe_load((CORE / "model" / "activities" / "I-SB-1-A.yml").read_text())
    practice = yaml.safe_load(
        (CORE / "model" / "security_practices" / "I-Secure-Build.yml").read_text())
    assert model.item("I-SB-A").name == stream["name"]
    assert model.practice("I-SB-1-A").text == activity["shortDescription"].strip()
    assert model.domain("I-SB").name == practice["name"]
    assert model.domain("I").name == "Implementation"


def test_unquoted_no_labels_stay_strings(model: MaturityModel) -> None:
    for path in sorted((CORE / "model" / "answer_sets").glob("*.yml")):
        plain = yaml.safe_load(path.read_text())  # YAML 1.1: an unquoted No is False
        expected = [("No" if v["text"] is False else v["text"], v["value"])
                    for v in sorted(plain["values"], key=lambda v: v["order"])]
        got = model.answer_set(path.stem)
        assert [(o.label, o.value) for o in got.options] == expected
        assert all(isinstance(o.label, str) for o in got.options)
    assert model.answer_set("A").value_of("No") == 0
    assert [o.value for o in model.answer_set("A").options] == [0, 0.25, 0.5, 1]


def test_activities_answer_with_their_questions_answer_set(model: MaturityModel) -> None:
    folder = CORE / "model"
    set_of = {_guid(p): p.stem for p in (folder / "answer_sets").glob("*.yml")}
    activity_of = {_guid(p): p.stem for p in (folder / "activities").glob("*.yml")}
    for path in (folder / "questions").glob("*.yml"):
        question = yaml.safe_load(path.read_text())
        practice = model.practice(activity_of[question["activity"]])
        assert practice.answer_set == set_of[question["answerSet"]]


def test_related_activities_are_prerequisites(model: MaturityModel) -> None:
    folder = CORE / "model" / "activities"
    stem_of = {_guid(p): p.stem for p in folder.glob("*.yml")}
    for path in folder.glob("*.yml"):
        related = yaml.safe_load(path.read_text()).get("relatedActivities") or []
        assert model.practice(path.stem).requires == tuple(stem_of[g] for g in related)
    assert "I-DM-1-A" in model.practice("V-ST-1-B").requires
    # SAMM's links never point up a level: no level-inversion warning
    assert not [p for p in mm.check(model) if p.code == "level-inversion"]


def test_model_folder_itself_is_accepted(core: Path, model: MaturityModel) -> None:
    assert samm.load_model(core / "model") == model


# --------------------------------------------------------------------------- scoring


def _answer_with_value(model: MaturityModel, practice_id: str, value: float) -> str:
    answer_set = model.answer_set(str(model.practice(practice_id).answer_set))
    return next(o.label for o in answer_set.options if o.value == value)


def _toolbox_formula(model: MaturityModel, values: Mapping[str, float]) -> dict[str, float]:
    """SAMM's toolbox: stream = sum, practice = mean of streams, function = mean, overall."""
    scores: dict[str, float] = {}
    for function in model.domains:
        for practice in function.domains:
            for stream in practice.items:
                scores[stream.id] = sum(values.get(p.id, 0.0) for p in stream.practices)
            scores[practice.id] = sum(scores[s.id] for s in practice.items) / len(
                practice.items)
        scores[function.id] = sum(scores[p.id] for p in function.domains) / len(
            function.domains)
    scores[model.id] = sum(scores[f.id] for f in model.domains) / len(model.domains)
    return scores


IMPLEMENTATION_EXAMPLE = {
    # Secure Build: streams (0.25, 0, 0) and (1, 0, 0) -> 0.625
    "I-SB-1-A": 0.25, "I-SB-2-A": 0, "I-SB-3-A": 0,
    "I-SB-1-B": 1, "I-SB-2-B": 0, "I-SB-3-B": 0,
    # Secure Deployment: (1, 0.25, 0) and (1, 0.5, 0) -> 1.375
    "I-SD-1-A": 1, "I-SD-2-A": 0.25, "I-SD-3-A": 0,
    "I-SD-1-B": 1, "I-SD-2-B": 0.5, "I-SD-3-B": 0,
    # Defect Management: (0.5, 0.25, 0) and (0.5, 0.25, 0) -> 0.75
    "I-DM-1-A": 0.5, "I-DM-2-A": 0.25, "I-DM-3-A": 0,
    "I-DM-1-B": 0.5, "I-DM-2-B": 0.25, "I-DM-3-B": 0,
}


def test_published_examples_with_the_toolbox_formula(model: MaturityModel) -> None:
    scores = _toolbox_formula(model, IMPLEMENTATION_EXAMPLE)
    assert (scores["I-SB-A"], scores["I-SB-B"], scores["I-SB"]) == (0.25, 1.0, 0.625)
    assert (scores["I-SD"], scores["I-DM"]) == (1.375, 0.75)
    assert scores["I"] == pytest.approx(0.9167, abs=5e-5)


def test_published_examples_with_score(model: MaturityModel) -> None:
    score = getattr(mm, "score", None)
    if score is None:
        pytest.skip("maturity_model.score is not there yet")
    answers = {pid: _answer_with_value(model, pid, v) for pid, v in
               IMPLEMENTATION_EXAMPLE.items()}
    assert answers["I-SB-1-A"] != "No"
    profile = score(model, mm.Assessment(model=model.id, answers=answers))
    assert profile["I-SB-A"].score == 0.25
    assert profile["I-SB-B"].score == 1.0
    assert profile["I-SB"].score == 0.625
    assert profile["I-SD"].score == 1.375
    assert profile["I-DM"].score == 0.75
    assert profile["I"].score == pytest.approx(0.9167, abs=5e-5)
    assert profile["G"].score is None  # nothing answered: not assessed, not 0
    assert profile.overall.score == pytest.approx(profile["I"].score)


def test_score_equals_the_toolbox_formula_on_random_answers(model: MaturityModel) -> None:
    rng = random.Random(20)
    for _ in range(5):
        values: dict[str, float] = {}
        answers: dict[str, RawAnswer] = {}
        for practice in model.practices():
            options = model.answer_set(str(practice.answer_set)).options
            option = rng.choice(options)
            values[practice.id] = option.value
            answers[practice.id] = option.label
        profile = mm.score(model, mm.Assessment(model=model.id, answers=answers))
        for node_id, expected in _toolbox_formula(model, values).items():
            assert profile[node_id].score == pytest.approx(expected, abs=1e-12), node_id


# --------------------------------------------------------------------------- bad input


def test_missing_core_folder(tmp_path: Path) -> None:
    problems = _problems(tmp_path / "nowhere")
    assert [(p.code, p.path) for p in problems] == [
        ("invalid-value", f"{tmp_path / 'nowhere'}:$")]


def test_missing_subfolder(broken: Path) -> None:
    shutil.rmtree(broken / "model" / "activities")
    problems = _problems(broken)
    assert ("invalid-value", "model/activities:$") in [(p.code, p.path) for p in problems]
    # the questions now point at activities that do not exist: reported too
    assert any(p.code == "unresolved-reference" and p.path.startswith("model/questions/")
               and p.path.endswith(":$.activity") for p in problems)


def test_malformed_yaml_names_file_and_line(broken: Path) -> None:
    (broken / "model" / "activities" / "G-SM-1-A.yml").write_text("id: [unclosed\n")
    problems = _problems(broken)
    bad = [p for p in problems if p.path == "model/activities/G-SM-1-A.yml:$"]
    assert len(bad) == 1
    assert bad[0].code == "invalid-value"
    assert "line" in bad[0].message


def test_missing_key_is_reported_at_its_path(broken: Path) -> None:
    _edit(broken / "model" / "activities" / "G-SM-1-A.yml",
          lambda t: re.sub(r"^level:.*$", "", t, flags=re.MULTILINE))
    problems = _problems(broken)
    assert ("invalid-value", "model/activities/G-SM-1-A.yml:$.level") in [
        (p.code, p.path) for p in problems]


def test_unknown_references_are_all_reported(broken: Path) -> None:
    folder = broken / "model"
    _edit(folder / "activities" / "V-ST-1-B.yml",
          lambda t: t.replace("93dff7be5f954f8d87d24f4261002508", "0" * 31 + "f"))
    _edit(folder / "streams" / "G-SM-A.yml",
          lambda t: re.sub(r"^practice:.*$", "practice: nowhere", t, flags=re.MULTILINE))
    _edit(folder / "questions" / "D-SA-1-A.yml",
          lambda t: re.sub(r"^answerSet:.*$", "answerSet: nothing", t, flags=re.MULTILINE))
    problems = _problems(broken)
    found = {(p.code, p.path) for p in problems}
    assert ("unresolved-reference", "model/activities/V-ST-1-B.yml:$.relatedActivities[0]") \
        in found
    assert ("unresolved-reference", "model/streams/G-SM-A.yml:$.practice") in found
    assert ("unresolved-reference", "model/questions/D-SA-1-A.yml:$.answerSet") in found


def test_duplicate_guid_and_duplicate_activity(broken: Path) -> None:
    folder = broken / "model" / "activities"
    shutil.copy(folder / "G-SM-1-A.yml", folder / "G-SM-1-A-copy.yml")
    problems = _problems(broken)
    assert ("duplicate-id", "model/activities/G-SM-1-A.yml:$.id") in [
        (p.code, p.path) for p in problems]  # sorted: the copy is read first
    other = folder / "G-SM-1-A-copy.yml"
    _edit(other, lambda t: re.sub(r"^id:.*$", "id: 0123abcd", t, flags=re.MULTILINE))
    duplicates = [p for p in _problems(broken) if p.code == "duplicate-id"]
    assert [p.path for p in duplicates] == ["model/activities/G-SM-1-A.yml:$.level"]
    assert "'G-SM-1-A' is already defined by model/activities/G-SM-1-A-copy.yml" in \
        duplicates[0].message


def test_wrong_types_never_crash(broken: Path) -> None:
    folder = broken / "model"
    (folder / "activities" / "G-SM-1-A.yml").write_text("- a list\n- not a mapping\n")
    (folder / "activities" / "G-SM-1-B.yml").write_text("")
    _edit(folder / "activities" / "G-SM-2-A.yml",
          lambda t: re.sub(r"^stream:.*$", "stream: [1, 2]", t, flags=re.MULTILINE))
    _edit(folder / "activities" / "G-SM-3-A.yml",
          lambda t: re.sub(r"^relatedActivities:.*$", "relatedActivities: {a: 1}", t,
                           flags=re.MULTILINE))
    _edit(folder / "answer_sets" / "A.yml", lambda t: t.replace("value: 0.25", "value: lots"))
    _edit(folder / "maturity_levels" / "2.yml",
          lambda t: re.sub(r"^number:.*$", "number: two", t, flags=re.MULTILINE))
    _edit(folder / "streams" / "G-SM-B.yml",
          lambda t: re.sub(r"^type:.*$", "type: Activity", t, flags=re.MULTILINE))
    found = {(p.code, p.path) for p in _problems(broken)}
    assert {
        ("invalid-value", "model/activities/G-SM-1-A.yml:$"),
        ("invalid-value", "model/activities/G-SM-1-B.yml:$"),
        ("invalid-value", "model/activities/G-SM-2-A.yml:$.stream"),
        ("invalid-value", "model/activities/G-SM-3-A.yml:$.relatedActivities"),
        ("invalid-value", "model/answer_sets/A.yml:$.values[1].value"),
        ("invalid-value", "model/maturity_levels/2.yml:$.number"),
        ("invalid-value", "model/streams/G-SM-B.yml:$.type"),
    } <= found


def test_unknown_key_is_a_warning_and_loading_goes_on(broken: Path) -> None:
    _edit(broken / "model" / "activities" / "G-SM-1-A.yml",
          lambda t: t.replace("relatedActivities:", "relatedActivites:"))
    model = samm.load_model(broken)
    assert model.practice("G-SM-1-A").requires == ()
    assert [(p.code, p.severity, p.path) for p in samm.check_folder(broken)] == [
        ("unknown-field", "warning", "model/activities/G-SM-1-A.yml:$.relatedActivites")]


def test_level_inversion_is_a_warning_at_the_related_entry(broken: Path) -> None:
    folder = broken / "model" / "activities"
    target = _guid(folder / "G-SM-3-A.yml")
    _edit(folder / "G-SM-1-A.yml", lambda t: t.replace(
        "relatedActivities:", f"relatedActivities:\n- {target}"))
    model = samm.load_model(broken)
    assert model.practice("G-SM-1-A").requires == ("G-SM-3-A",)
    problems = samm.check_folder(broken)
    assert [(p.code, p.severity, p.path) for p in problems] == [
        ("level-inversion", "warning", "model/activities/G-SM-1-A.yml:$.relatedActivities[0]")]


def test_dependency_cycle_is_an_error_naming_the_cycle(broken: Path) -> None:
    folder = broken / "model" / "activities"
    first, second = _guid(folder / "G-SM-1-A.yml"), _guid(folder / "G-SM-1-B.yml")
    _edit(folder / "G-SM-1-A.yml", lambda t: t.replace(
        "relatedActivities:", f"relatedActivities:\n- {second}"))
    _edit(folder / "G-SM-1-B.yml", lambda t: t.replace(
        "relatedActivities:", f"relatedActivities:\n- {first}"))
    with pytest.raises(DependencyCycleError) as info:
        samm.load_model(broken)
    assert info.value.cycle == ("G-SM-1-A", "G-SM-1-B", "G-SM-1-A")
    assert [(p.code, p.path) for p in info.value.problems] == [
        ("dependency-cycle", "model/activities/G-SM-1-A.yml:$.relatedActivities")]


def test_duplicate_key_in_a_file(broken: Path) -> None:
    _edit(broken / "model" / "streams" / "G-SM-A.yml",
          lambda t: t.replace("letter: A", "letter: A\nletter: B"))
    problems = _problems(broken)
    assert [(p.code, p.path) for p in problems] == [
        ("invalid-value", "model/streams/G-SM-A.yml:$.letter")]
    assert "line" in problems[0].message


# --------------------------------------------------------------------------- toolbox


def _question_rows(sheet: Any) -> dict[str, int]:
    rows: dict[str, int] = {}
    for row in sheet.iter_rows(min_col=1, max_col=1):
        value = row[0].value
        if isinstance(value, str) and samm.activity_id(value):
            rows[value] = row[0].row
    return rows


@attrs.frozen
class _Template:
    """What a test needs of the toolbox template: question rows and answer labels."""

    rows: Mapping[str, int]
    options: Mapping[str, tuple[tuple[str, float], ...]]  # question id -> (label, value)


@pytest.fixture(scope="module")
def template(toolbox: Path) -> _Template:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        book = openpyxl.load_workbook(toolbox)
    code = {r[0]: r[7] for r in book["imp-questions"].iter_rows(min_row=2, values_only=True)}
    sets = {r[0]: tuple(zip(r[1:5], r[5:9], strict=True))
            for r in book["imp-answers"].iter_rows(min_row=2, values_only=True)}
    rows = _question_rows(book["Interview"])
    return _Template(rows=rows, options={q: sets[code[q]] for q in rows})


def _fill(toolbox: Path, target: Path, answers: Mapping[str, object],
          details: Mapping[str, object] | None = None) -> Path:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        book = openpyxl.load_workbook(toolbox)
    sheet = book["Interview"]
    rows = _question_rows(sheet)
    for question, answer in answers.items():
        sheet.cell(row=rows[question], column=6).value = answer
    for cell, value in (details or {}).items():
        sheet[cell] = value
    book.save(target)
    return target


def _question(activity: str) -> str:
    function, practice, level, stream = activity.split("-")
    return f"{function}-{practice}-{stream}-{level}-1"


def test_template_reads_as_an_empty_assessment(toolbox: Path) -> None:
    assessment = samm.load_toolbox(toolbox, unanswered="unknown")
    assert (assessment.model, assessment.model_version, assessment.subject) == (
        "owasp-samm", None, "")
    assert dict(assessment.answers) == {}
    # by default blank cells are explicit zeros, as the workbook counts them
    zeros = samm.load_toolbox(toolbox)
    assert len(zeros.answers) == 90
    assert set(zeros.answers.values()) == {0.0}


def test_toolbox_rows_labels_and_blanks(toolbox: Path, template: _Template,
                                        model: MaturityModel, tmp_path: Path) -> None:
    some = template.options["I-SB-A-1-1"][1]  # the "some" label of its set, 0.25
    most = template.options["G-SM-A-1-1"][3]
    answers = {"I-SB-A-1-1": some[0], "G-SM-A-1-1": most[0].upper(),
               "G-SM-B-2-1": template.options["G-SM-B-2-1"][0][0]}
    details = {"D10": "Bank", "D11": "payments", "D12": datetime.datetime(2026, 11, 1)}
    path = _fill(toolbox, tmp_path / "filled.xlsx", answers, details)

    plain = samm.load_toolbox(path, unanswered="unknown")
    assert dict(plain.answers) == {"I-SB-1-A": some[1], "G-SM-1-A": most[1],
                                   "G-SM-2-B": 0.0}
    assert (plain.subject, plain.date) == ("payments", datetime.date(2026, 11, 1))

    with_model = samm.load_toolbox(path, model=model, unanswered="unknown")
    assert (with_model.model, with_model.model_version) == ("owasp-samm", "2.0")
    assert dict(with_model.answers) == {"I-SB-1-A": some[0], "G-SM-1-A": most[0],
                                        "G-SM-2-B": "No"}
    profile = mm.score(model, with_model)
    assert profile["I-SB-A"].score == some[1]  # its blank level 2 and 3 cells count 0
    assert profile["I-SB-A"].counts.unknown == 2
    assert profile["I-SB-B"].score is None  # every cell blank: not assessed, left out
    assert profile["I-SB"].score == some[1]
    assert profile["D"].score is None

    # The workbook counts the blank stream as 0; so does the default, "not-met".
    zeros = samm.load_toolbox(path, model=model)
    assert len(zeros.answers) == 90
    assert zeros.answers["D-SA-1-A"] == 0.0
    profile = mm.score(model, zeros)
    assert (profile["I-SB-B"].score, profile["I-SB"].score) == (0.0, some[1] / 2)
    assert profile["D"].score == 0.0


def test_labels_match_like_excel(toolbox: Path, template: _Template,
                                 tmp_path: Path) -> None:
    label, value = template.options["I-SB-A-1-1"][2]
    answers = {"I-SB-A-1-1": label[:8] + "*", "I-SB-A-2-1": "  ", "I-SB-A-3-1": "maybe",
               "I-SB-B-1-1": 0.5}
    path = _fill(toolbox, tmp_path / "odd.xlsx", answers)
    with pytest.warns(UserWarning, match=r"Interview!F\d+ \('maybe'\).*Interview!F\d+ \(0.5\)"):
        assessment = samm.load_toolbox(path, unanswered="unknown")
    # like MATCH, the first label the pattern fits wins
    first = next(v for lbl, v in template.options["I-SB-A-1-1"] if lbl.startswith(label[:8]))
    assert dict(assessment.answers) == {"I-SB-1-A": first}
    assert first <= value


def test_toolbox_rows_the_model_lacks_are_errors(toolbox: Path, template: _Template,
                                                 model: MaturityModel,
                                                 tmp_path: Path) -> None:
    governance_only = attrs.evolve(model, domains=model.domains[:1])
    path = _fill(toolbox, tmp_path / "d.xlsx",
                 {"D-SA-A-1-1": template.options["D-SA-A-1-1"][1][0]})
    with pytest.raises(AssessmentValidationError) as info:
        samm.load_toolbox(path, model=governance_only)
    assert [(p.code, p.path) for p in info.value.problems] == [
        ("unknown-practice", f"d.xlsx:Interview!F{template.rows['D-SA-A-1-1']}")]


def test_not_a_toolbox_workbook(tmp_path: Path) -> None:
    garbage = tmp_path / "garbage.xlsx"
    garbage.write_bytes(b"not a zip file")
    with pytest.raises(AssessmentValidationError) as info:
        samm.load_toolbox(garbage)
    assert info.value.problems[0].path == "garbage.xlsx:$"
    empty = tmp_path / "empty.xlsx"
    openpyxl.Workbook().save(empty)
    with pytest.raises(AssessmentValidationError) as info:
        samm.load_toolbox(empty)
    assert [p.message for p in info.value.problems] == [
        "not a SAMM toolbox workbook: it has no sheet 'Interview'",
        "not a SAMM toolbox workbook: it has no sheet 'imp-questions'",
        "not a SAMM toolbox workbook: it has no sheet 'imp-answers'"]
    with pytest.raises(FileNotFoundError):
        samm.load_toolbox(tmp_path / "missing.xlsx")


def test_toolbox_without_openpyxl(toolbox: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "openpyxl", None)
    with pytest.raises(MissingExtraError, match=r"maturity_model\[xlsx\]"):
        samm.load_toolbox(toolbox)


# The workbook's own formulas, read from the file and evaluated here: an oracle that
# does not share code with the importer.

_P_OR_Q = re.compile(r"INDEX\('imp-answers'!\$([A-Z])\$2:\$[A-Z]\$\d+, *MATCH\(\$N(\d+),")
_H = re.compile(r"=IFERROR\(AVERAGE\((G\d+), *(G\d+)\), *0\)")
_J = re.compile(r"=SUM\((H\d+), *(H\d+), *(H\d+)\)")
_G = re.compile(r'=IFERROR\(INDEX\(INDIRECT\("Ans" *& *E(\d+) *& *"TBL"\), *MATCH\(F(\d+),')


def _workbook_formula_scores(path: Path) -> dict[str, float]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        book = openpyxl.load_workbook(path)
    interview, lookups = book["Interview"], book["Lookups"]
    answers_sheet = book["imp-answers"]
    code_of = {r[0]: r[7] for r in book["imp-questions"].iter_rows(min_row=2,
                                                                     values_only=True)}

    def imp_answer(column: str, code: object) -> Any:
        for r in range(2, answers_sheet.max_row + 1):
            if answers_sheet[f"A{r}"].value == code:
                return answers_sheet[f"{column}{r}"].value
        return None

    def table(letter: str) -> list[tuple[Any, Any]]:
        ((sheet, ref),) = book.defined_names[f"Ans{letter}TBL"].destinations
        assert sheet == "Lookups"
        first, last = (int(x) for x in re.findall(r"\d+", ref))
        rows = []
        for r in range(first, last + 1):
            cells = []
            for column in ("P", "Q"):
                match = _P_OR_Q.search(str(lookups[f"{column}{r}"].value))
                assert match is not None
                cells.append(imp_answer(match.group(1), lookups[f"N{match.group(2)}"].value))
            rows.append((cells[0], cells[1]))
        return rows

    g: dict[int, float] = {}
    for question, row in _question_rows(interview).items():
        formula = _G.match(str(interview[f"G{row}"].value))
        assert formula is not None and formula.groups() == (str(row), str(row))
        assert str(interview[f"E{row}"].value).replace(" ", "") == (
            f"=CHAR(65+INDEX('imp-questions'!H:H,MATCH(A{row},'imp-questions'!A:A,0)))")
        letter = chr(65 + code_of[question])
        answer = interview[f"F{row}"].value
        g[row] = 0.0
        for label, value in table(letter):
            if isinstance(answer, str) and answer.casefold() == str(label).casefold():
                g[row] = float(value)
                break
    scores: dict[str, float] = {}
    practice_of_row: dict[int, str] = {}
    for row in range(1, interview.max_row + 1):
        h = _H.match(str(interview[f"H{row}"].value))
        if h is not None:
            a, b = (int(x[1:]) for x in h.groups())
            scores[f"H{row}"] = (g[a] + g[b]) / 2
    for row in range(1, interview.max_row + 1):
        j = _J.match(str(interview[f"J{row}"].value))
        if j is not None:
            practice = "-".join(str(interview[f"A{row}"].value).split("-")[:2])
            practice_of_row[row] = practice
            scores[practice] = sum(scores[h] for h in j.groups())
    card = book["Scorecard"]
    for row in range(14, 19):
        function_cells = re.fullmatch(r"=AVERAGE\(C(\d+):C(\d+)\)", str(card[f"J{row}"].value))
        assert function_cells is not None
        first, last = (int(x) for x in function_cells.groups())
        practices = []
        for r in range(first, last + 1):
            source = re.fullmatch(r"=Interview!\$J\$(\d+)", str(card[f"C{r}"].value))
            assert source is not None
            practices.append(practice_of_row[int(source.group(1))])
        function = practices[0].split("-")[0]
        assert all(p.startswith(function + "-") for p in practices)
        scores[function] = sum(scores[p] for p in practices) / len(practices)
    assert card["J19"].value == "=AVERAGE(J14:J18)"
    scores["owasp-samm"] = sum(scores[f] for f in "GDIVO") / 5
    return scores


def _random_answers(template: _Template, seed: int, blank: float) -> dict[str, object]:
    rng = random.Random(seed)
    answers: dict[str, object] = {}
    for question, options in template.options.items():
        if rng.random() < blank:
            continue
        label = rng.choice(options)[0]
        answers[question] = label.upper() if rng.random() < 0.2 else label
    return answers


def _compare(model: MaturityModel, path: Path, expected: Mapping[str, float], *,
             unanswered: Any) -> Iterator[str]:
    profile = mm.score(model, samm.load_toolbox(path, model=model, unanswered=unanswered))
    for node_id, value in expected.items():
        if node_id.startswith("H"):
            continue
        ours = profile[node_id].score
        if ours is None or abs(ours - value) > 1e-9:
            yield f"{node_id}: ours {ours}, workbook {value}"


def test_scores_equal_the_workbook_formulas(toolbox: Path, template: _Template,
                                            model: MaturityModel, tmp_path: Path) -> None:
    full = _fill(toolbox, tmp_path / "full.xlsx", _random_answers(template, 1, 0.0))
    expected = _workbook_formula_scores(full)
    assert len([k for k in expected if re.fullmatch(r"[A-Z]-[A-Z]+", k)]) == 15
    assert list(_compare(model, full, expected, unanswered="unknown")) == []
    gaps = _fill(toolbox, tmp_path / "gaps.xlsx", _random_answers(template, 2, 0.3))
    expected = _workbook_formula_scores(gaps)
    assert list(_compare(model, gaps, expected, unanswered="not-met")) == []


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_scores_equal_libreoffice_recalculation(toolbox: Path, template: _Template,
                                               model: MaturityModel, tmp_path: Path) -> None:
    answers = _random_answers(template, 3, 0.15)
    first = next(iter(answers))
    answers[first] = str(answers[first])[:10] + "*"  # a wildcard, as Calc reads it
    filled = _fill(toolbox, tmp_path / "filled.xlsx", answers)
    soffice = str(shutil.which("soffice"))
    subprocess.run([soffice, "--headless", "--calc", "--convert-to", "xlsx", "--outdir",
                    str(tmp_path / "out"), str(filled)], check=True, capture_output=True,
                   timeout=300, env={**os.environ, "HOME": str(tmp_path)})
    recalculated = tmp_path / "out" / "filled.xlsx"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        book = openpyxl.load_workbook(recalculated, data_only=True)
    interview, card = book["Interview"], book["Scorecard"]
    expected: dict[str, float] = {"owasp-samm": card["J19"].value}
    for row in range(14, 19):
        expected["GDIVO"[row - 14]] = card[f"J{row}"].value
    for question, row in _question_rows(interview).items():
        if question.endswith("-A-1-1"):
            expected["-".join(question.split("-")[:2])] = interview[f"J{row}"].value
    assert len(expected) == 21
    assert list(_compare(model, recalculated, expected, unanswered="not-met")) == []
    # Blank cells as unknown give the same score to every practice whose streams both
    # have an answer (a wholly blank stream is "not assessed" here, 0 in the workbook).
    profile = mm.score(model, samm.load_toolbox(recalculated, model=model))
    compared = 0
    for function in model.domains:
        for practice in function.domains:
            if all(profile[s.id].score is not None for s in practice.items):
                assert profile[practice.id].score == pytest.approx(expected[practice.id],
                                                                   abs=1e-9)
                compared += 1
    assert compared >= 10
