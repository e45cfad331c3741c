"""One invalid file per problem code: each is reported with its code and path."""

from __future__ import annotations

from pathlib import Path

import pytest

import maturity_model as mm
from maturity_model.errors import PROBLEM_CODES

DATA = Path(__file__).parent / "data"

MODEL_CASES = [
    ("invalid-value", "$.domains[0].items[0].practices[1].level"),
    ("unknown-field", "$.domains[0].colour"),
    ("duplicate-id", "$.domains[1].items[0].practices[0].id"),
    ("unresolved-reference", "$.domains[1].items[0].practices[1].requires[0]"),
    ("dependency-cycle", "$.domains[0].items[0].practices[1].requires"),
    ("level-off-scale", "$.domains[1].items[0].practices[0].level"),
    ("invalid-language-tag", "$.domains[1].name.zh_CN"),
    ("missing-default-text", "$.domains[1].name"),
    ("empty-text", "$.domains[1].name.zh"),
]
WARNING_CASES = [
    ("level-inversion", "$.domains[1].items[0].practices[1].requires[0]"),
    ("empty-item", "$.domains[1].items[1].practices"),
    ("confusable-id", "$.domains[1].items[1].id"),
]
ASSESSMENT_CASES = [
    ("unknown-practice", "$.answers['build.ci.9.9']"),
    ("model-mismatch", "$.model"),
]


# problems of tables: each has a corpus case (tests/corpus/tables) and tests in
# test_tables_hostile.py
TABLE_CODES = {"ragged-row", "blank-header", "bad-encoding", "too-large", "no-assessments"}
#: Codes of history folders, whose files are in tests/corpus/history.
HISTORY_CODES = {"duplicate-date", "mixed-versions"}
# problems only crosswalks have: each has a corpus case (tests/corpus/crosswalk) and tests
# in test_crosswalk.py
CROSSWALK_CODES = {"duplicate-mapping"}
# problems of evidence and filled-in forms: each has a corpus case (tests/corpus/forms) and
# tests in test_evidence_records.py and test_forms.py
FORM_CODES = {"invalid-url", "future-date", "missing-row", "cell-format"}


def test_every_problem_code_has_a_file() -> None:
    covered = {code for code, _ in MODEL_CASES + WARNING_CASES + ASSESSMENT_CASES}
    # "usage" is the command line's own (no file has it): tests/test_cli_manners.py covers it.
    # "incomplete-profile" is certify's refusal of a profile: tests/test_portfolio.py.
    # "missing-extra" is an installation without an optional dependency, not a file's
    # problem: tests/test_cli_first_steps.py.
    assert covered | TABLE_CODES | HISTORY_CODES | CROSSWALK_CODES | FORM_CODES == (
        set(PROBLEM_CODES) - {"usage", "incomplete-profile", "missing-extra"})
    for code in covered:
        assert (DATA / f"{code}.yaml").is_file()
    corpus = (Path(__file__).parent / "corpus" / "tables" / "cases.toml").read_text()
    for code in TABLE_CODES:
        assert f"[{code}]" in corpus, code
    histories = (Path(__file__).parent / "corpus" / "history" / "cases.toml").read_text()
    for code in HISTORY_CODES:
        assert f"[{code}]" in histories, code
    crosswalks = (Path(__file__).parent / "corpus" / "crosswalk" / "cases.toml").read_text()
    for code in CROSSWALK_CODES:
        assert f"[{code}]" in crosswalks, code
    forms = (Path(__file__).parent / "corpus" / "forms" / "cases.toml").read_text()
    for code in FORM_CODES:
        assert f"[{code}]" in forms, code


@pytest.mark.parametrize(("code", "path"), MODEL_CASES)
def test_invalid_model_files_raise_with_code_and_path(code: str, path: str) -> None:
    with pytest.raises(mm.ModelValidationError) as info:
        mm.load_model(DATA / f"{code}.yaml")
    assert [(p.code, p.path, p.severity) for p in info.value.problems] == [
        (code, path, "error")]


@pytest.mark.parametrize(("code", "path"), WARNING_CASES)
def test_warnings_load_and_stay_available_through_check(code: str, path: str) -> None:
    model = mm.load_model(DATA / f"{code}.yaml")
    assert [(p.code, p.path, p.severity) for p in mm.check(model)] == [
        (code, path, "warning")]


@pytest.mark.parametrize(("code", "path"), ASSESSMENT_CASES)
def test_assessment_problems_are_reported_against_the_model(code: str, path: str) -> None:
    model = mm.load_model(DATA / "valid-model.yaml")
    assessment = mm.load_assessment(DATA / f"{code}.yaml")
    assert [(p.code, p.path) for p in mm.check(model, assessment)] == [(code, path)]
    with pytest.raises(mm.AssessmentValidationError):
        mm.score(model, assessment)


def test_cycle_error_names_the_cycle() -> None:
    with pytest.raises(mm.DependencyCycleError) as info:
        mm.load_model(DATA / "dependency-cycle.yaml")
    assert info.value.cycle == ("cm.vcs.2.1", "cm.vcs.3.1", "cm.vcs.2.1")
    assert "cm.vcs.2.1 → cm.vcs.3.1 → cm.vcs.2.1" in str(info.value)


def test_every_problem_is_listed_at_once() -> None:
    model = mm.MaturityModel(id="m", scale=mm.LevelScale.range(2, 4), domains=[
        mm.Domain(id="d", weight=-1, items=[
            mm.CapabilityItem(id="i", rule=mm.Staircase(threshold=0), practices=[
                mm.Practice(id="p", level=7, weight=float("nan"), answer_set="nope",
                            requires=["q", "i@9", "x@1"])])])])
    assert [(p.code, p.path) for p in mm.check(model)] == [
        ("invalid-value", "$.scale"),
        ("invalid-value", "$.domains[0].weight"),
        ("invalid-value", "$.domains[0].items[0].rule.threshold"),
        ("level-off-scale", "$.domains[0].items[0].practices[0].level"),
        ("invalid-value", "$.domains[0].items[0].practices[0].weight"),
        ("unresolved-reference", "$.domains[0].items[0].practices[0].answer_set"),
        ("unresolved-reference", "$.domains[0].items[0].practices[0].requires[0]"),
        ("level-off-scale", "$.domains[0].items[0].practices[0].requires[1]"),
        ("unresolved-reference", "$.domains[0].items[0].practices[0].requires[2]"),
    ]


def test_self_requirement_through_its_own_item_is_a_cycle() -> None:
    model = mm.MaturityModel(id="m", domains=[mm.Domain(id="d", items=[
        mm.CapabilityItem(id="i", practices=[mm.Practice(id="p", level=2, requires=["i@2"])])])])
    problems = mm.check(model)
    assert [p.code for p in problems] == ["dependency-cycle"]
    assert problems[0].message == "dependency cycle: p → p"


def test_rule_of_the_wrong_role_is_an_error() -> None:
    model = mm.MaturityModel(id="m", domains=[mm.Domain(id="d", rule=mm.Staircase(), items=[  # type: ignore[arg-type]
        mm.CapabilityItem(id="i", practices=[mm.Practice(id="p", level=1)])])])
    assert [(p.code, p.path) for p in mm.check(model)] == [
        ("invalid-value", "$.domains[0].rule.kind")]


def test_root_id_may_not_be_reused_by_a_node() -> None:
    model = mm.MaturityModel(id="m", domains=[mm.Domain(id="m", items=[
        mm.CapabilityItem(id="i", practices=[mm.Practice(id="p", level=1)])])])
    assert [(p.code, p.path) for p in mm.check(model)] == [("duplicate-id", "$.domains[0].id")]


def test_metric_bands_bounds_are_checked() -> None:
    model = mm.MaturityModel(id="m", scale=mm.LevelScale.range(1, 3), domains=[mm.Domain(
        id="d", items=[mm.CapabilityItem(id="i", rule=mm.MetricBands(
            metric="x", bounds={4: 1.0, 2: float("nan")}))])])
    assert [(p.code, p.path) for p in mm.check(model)] == [
        ("invalid-value", "$.domains[0].items[0].rule.bounds[2]"),
        ("level-off-scale", "$.domains[0].items[0].rule.bounds[4]"),
    ]


def test_every_problem_code_has_a_docs_page() -> None:
    docs = Path(__file__).resolve().parents[1] / "docs" / "problems"
    for code in PROBLEM_CODES:
        page = docs / f"{code}.rst"
        assert page.is_file(), code
        assert f"``{code}``" in page.read_text(encoding="utf-8")
        assert mm.Problem.of(code, "$", "").docs_url.endswith(f"/problems/{code}.html")
