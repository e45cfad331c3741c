"""Migration: answers follow the diff's pairing; changed meaning is flagged, never re-valued."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import maturity_model as mm
from maturity_model.evidence import check_assessment, resolve_answers
from maturity_model.migration import (
    Migration,
    MigrationEntry,
    MigrationMapping,
    load_mapping,
    migrate,
)
from tests.strategies import assessments, models
from tests.test_versions import edited

COV = mm.AnswerSet(id="cov", options=[
    mm.AnswerOption(label="No", value=0), mm.AnswerOption(label="Some", value=0.5),
    mm.AnswerOption(label="All", value=1)])


def _model(version: str, *practices: mm.Practice,
           answer_sets: tuple[mm.AnswerSet, ...] = (COV,)) -> mm.MaturityModel:
    return mm.MaturityModel(id="m", version=version, scale=mm.LevelScale.range(1, 3),
                            answer_sets=answer_sets, domains=[mm.Domain(id="d", items=[
                                mm.CapabilityItem(id="ci", practices=list(practices))])])


def _team(**answers: Any) -> mm.Assessment:
    return mm.Assessment(model="m", model_version="1", subject="payments", answers=answers)


def _entries(migration: Migration) -> list[tuple[str, str | None, str | None, Any, Any]]:
    return [(e.status, e.old_id, e.new_id, e.old_answer, e.new_answer)
            for e in migration.report.entries]


def test_unchanged_practices_are_carried_as_written() -> None:
    model = _model("1", mm.Practice(id="a", level=1),
                   mm.Practice(id="b", level=2, answer_set="cov"))
    new = attrs.evolve(model, version="2")
    moved = migrate(_team(a="n/a", b="Some"), model, new)
    assert _entries(moved) == [("carried", "a", "a", "n/a", "n/a"),
                               ("carried", "b", "b", "Some", "Some")]
    assert moved.assessment == attrs.evolve(_team(a="n/a", b="Some"), model_version="2")
    assert dict(moved.report.summary()) == {"carried": 2, "review": 0, "dropped": 0, "new": 0}


def test_renamed_and_moved_practices_carry_their_answer() -> None:
    old = _model("1", mm.Practice(id="a", key="k-a", level=1))
    new = mm.MaturityModel(id="m", version="2", scale=old.scale, answer_sets=[COV], domains=[
        mm.Domain(id="d", items=[mm.CapabilityItem(id="ci"), mm.CapabilityItem(
            id="other", practices=[mm.Practice(id="a2", key="k-a", level=1)])])])
    moved = migrate(_team(a=0.5), old, new)
    assert _entries(moved) == [("carried", "a", "a2", 0.5, 0.5)]
    assert moved.report.entries[0].reasons == ()


def test_a_relevelled_practice_is_carried_and_flagged() -> None:
    old = _model("1", mm.Practice(id="a", level=2))
    new = _model("2", mm.Practice(id="a", level=1))
    entry = migrate(_team(a=True), old, new).report.entries[0]
    assert (entry.status, entry.new_answer, entry.reasons, entry.detail) == (
        "review", True, ("relevelled",), "level 2 → 1")


def test_an_unanswered_relevelled_practice_has_nothing_to_review() -> None:
    old = _model("1", mm.Practice(id="a", level=2))
    new = _model("2", mm.Practice(id="a", level=1))
    entry = migrate(_team(), old, new).report.entries[0]
    assert (entry.status, entry.reasons) == ("carried", ("relevelled",))


def test_rewording_is_flagged_only_past_the_threshold() -> None:
    old = _model("1", mm.Practice(id="a", level=1, text="Build scripts are versioned"),
                 mm.Practice(id="b", level=1, text="Deploys are automated"))
    new = _model("2", mm.Practice(id="a", level=1, text="All build scripts are versioned"),
                 mm.Practice(id="b", level=1, text="Production access is reviewed yearly"))
    moved = migrate(_team(a=True, b=True), old, new)
    assert [(e.status, e.reasons) for e in moved.report.entries] == [
        ("carried", ()), ("review", ("reworded",))]
    strict = migrate(_team(a=True, b=True), old, new, reword_threshold=1.0)
    assert [e.status for e in strict.report.entries] == ["review", "review"]


def test_a_changed_answer_set_maps_labels_by_value_never_by_position() -> None:
    # The new set is reordered and relabelled: position 1 is "All" now.
    new_cov = mm.AnswerSet(id="cov", options=[
        mm.AnswerOption(label="Nothing", value=0), mm.AnswerOption(label="All", value=1),
        mm.AnswerOption(label="Half", value=0.5)])
    old = _model("1", mm.Practice(id="a", level=1, answer_set="cov"),
                 mm.Practice(id="b", level=1, answer_set="cov"))
    new = _model("2", mm.Practice(id="a", level=1, answer_set="cov"),
                 mm.Practice(id="b", level=1, answer_set="cov"), answer_sets=(new_cov,))
    moved = migrate(_team(a="Some", b="All"), old, new)
    assert _entries(moved) == [("review", "a", "a", "Some", "Half"),
                               ("review", "b", "b", "All", "All")]
    assert moved.report.entries[0].reasons == ("answer-set",)
    values = resolve_answers(new, moved.assessment)
    assert (values["a"].value, values["b"].value) == (0.5, 1.0)


def test_a_value_no_new_label_has_is_carried_as_the_value_and_flagged() -> None:
    coarse = mm.AnswerSet(id="cov", options=[mm.AnswerOption(label="No", value=0),
                                             mm.AnswerOption(label="Yes", value=1)])
    old = _model("1", mm.Practice(id="a", level=1, answer_set="cov"))
    new = _model("2", mm.Practice(id="a", level=1, answer_set="cov"), answer_sets=(coarse,))
    moved = migrate(_team(a="Some"), old, new)
    assert _entries(moved) == [("review", "a", "a", "Some", 0.5)]
    assert resolve_answers(new, moved.assessment)["a"].value == 0.5


def test_removed_practices_are_dropped_with_their_answer_and_new_ones_are_unknown() -> None:
    old = _model("1", mm.Practice(id="a", level=1), mm.Practice(id="gone", level=1))
    new = _model("2", mm.Practice(id="a", level=1), mm.Practice(id="fresh", level=2))
    moved = migrate(_team(a=True, gone=0.5), old, new)
    assert _entries(moved) == [("carried", "a", "a", True, True),
                               ("dropped", "gone", None, 0.5, None),
                               ("new", None, "fresh", None, None)]
    assert dict(moved.assessment.answers) == {"a": True}
    assert resolve_answers(new, moved.assessment)["fresh"].status == "unknown"


def test_answers_to_practices_the_old_model_lacks_are_dropped() -> None:
    old = _model("1", mm.Practice(id="a", level=1))
    moved = migrate(_team(a=True, typo=True), old, attrs.evolve(old, version="2"))
    assert moved.report.entries[-1] == MigrationEntry(
        status="dropped", old_id="typo", new_id=None, old_answer=True,
        reasons=("unknown-practice",), detail="not a practice of m 1")


def test_an_answer_the_new_model_rejects_is_held_back_for_review() -> None:
    old = _model("1", mm.Practice(id="a", level=1))
    moved = migrate(_team(a="Mostly"), old, attrs.evolve(old, version="2"))
    entry = moved.report.entries[0]
    assert (entry.status, entry.new_answer, entry.reasons) == (
        "review", None, ("invalid-answer",))
    assert dict(moved.assessment.answers) == {}


# --- mappings ----------------------------------------------------------------------------


def test_a_mapping_overrides_the_diff() -> None:
    old = _model("1", mm.Practice(id="a", level=1), mm.Practice(id="b", level=1))
    new = _model("2", mm.Practice(id="x", level=1), mm.Practice(id="b", level=1))
    moved = migrate(_team(a=True, b=0.5), old, new, mapping={"a": "x", "b": None})
    assert _entries(moved) == [("carried", "a", "x", True, True),
                               ("dropped", "b", None, 0.5, None),
                               ("new", None, "b", None, None)]
    assert moved.report.entries[0].reasons == ("mapping",)


def test_two_old_practices_mapped_to_one_new_keep_the_first() -> None:
    old = _model("1", mm.Practice(id="a", level=1), mm.Practice(id="b", level=1))
    new = _model("2", mm.Practice(id="x", level=1))
    moved = migrate(_team(a=True, b=False), old, new, mapping={"a": "x", "b": "x"})
    assert _entries(moved) == [("carried", "a", "x", True, True),
                               ("review", "b", "x", False, None)]
    assert moved.report.entries[1].reasons == ("mapping", "conflict")


def test_a_value_map_renames_answers() -> None:
    old = _model("1", mm.Practice(id="a", level=1, answer_set="cov"))
    other = mm.AnswerSet(id="cov", options=[mm.AnswerOption(label="None", value=0),
                                            mm.AnswerOption(label="Partly", value=0.25),
                                            mm.AnswerOption(label="Fully", value=1)])
    new = _model("2", mm.Practice(id="a", level=1, answer_set="cov"), answer_sets=(other,))
    mapping = MigrationMapping(values={"some": "Partly"})
    moved = migrate(_team(a="Some"), old, new, mapping=mapping)
    assert _entries(moved) == [("carried", "a", "a", "Some", "Partly")]
    assert moved.report.entries[0].reasons == ("value-map",)


def test_mapping_files_in_yaml_and_csv(tmp_path: Path) -> None:
    yaml_file = tmp_path / "map.yaml"
    yaml_file.write_text(
        "practices:\n  a: x\n  b: {to: y, values: {Some: 0.25, 'true': 'n/a'}}\n  c: null\n"
        "values: {No: false}\n", encoding="utf-8")
    csv_file = tmp_path / "map.csv"
    csv_file.write_text("old_id,new_id,old_value,new_value\na,x,,\nb,y,Some,0.25\n"
                        "b,y,true,n/a\nc,,,\n", encoding="utf-8")
    from_yaml, from_csv = load_mapping(yaml_file), load_mapping(csv_file)
    assert dict(from_yaml.practices) == dict(from_csv.practices) == {
        "a": "x", "b": "y", "c": None}
    for mapping in (from_yaml, from_csv):
        assert mapping.value_for("b", "some") == 0.25
        assert mapping.value_for("b", True) == "n/a"
    assert from_yaml.value_for("a", "No") is False


@pytest.mark.parametrize(("text", "codes"), [
    ("practices: [a, b]\n", ["invalid-value"]),
    ("practices: {a: 3}\n", ["invalid-value"]),
    ("practices: {a: {to: x, value: {}}}\n", ["unknown-field"]),
    ("practices: {a: x}\nvalues: {Some: 7}\n", ["invalid-value"]),
    ("format: other/1\nmapping: {}\n", ["unknown-field", "invalid-value"]),
    ("- a\n", ["invalid-value"]),
])
def test_bad_mapping_files_list_every_problem(tmp_path: Path, text: str,
                                              codes: list[str]) -> None:
    path = tmp_path / "map.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(mm.ValidationError) as caught:
        load_mapping(path)
    assert list(caught.value.codes) == codes


def test_a_csv_mapping_needs_its_header(tmp_path: Path) -> None:
    path = tmp_path / "map.csv"
    path.write_text("a,x\n", encoding="utf-8")
    with pytest.raises(mm.ValidationError) as caught:
        load_mapping(path)
    assert caught.value.codes == ("invalid-value",)


def test_a_mapping_naming_unknown_practices_is_refused() -> None:
    old = _model("1", mm.Practice(id="a", level=1))
    new = _model("2", mm.Practice(id="x", level=1))
    with pytest.raises(mm.ValidationError) as caught:
        migrate(_team(a=True), old, new, mapping={"a": "nope", "zz": "x"})
    assert [(p.code, p.path) for p in caught.value.problems] == [
        ("unresolved-reference", "$.practices['a']"),
        ("unresolved-reference", "$.practices['zz']")]


def test_the_package_exports_the_names() -> None:
    assert mm.migrate is migrate and mm.Migration is Migration


# --- properties --------------------------------------------------------------------------


@st.composite
def migrations(draw: st.DrawFn) -> tuple[mm.MaturityModel, mm.MaturityModel, mm.Assessment]:
    old = draw(models(max_items=4))
    new = draw(st.one_of(st.just(attrs.evolve(old, version="2")), edited(old)))
    return old, new, draw(assessments(old))


@settings(max_examples=80, deadline=None)
@given(migrations())
def test_property_the_migrated_assessment_is_valid_and_nothing_is_re_valued(
        case: tuple[mm.MaturityModel, mm.MaturityModel, mm.Assessment]) -> None:
    old, new, team = case
    moved = migrate(team, old, new)
    _, problems = check_assessment(new, moved.assessment)
    assert [p for p in problems if p.severity == "error"] == []
    before = resolve_answers(old, team)
    after = resolve_answers(new, moved.assessment)
    for entry in moved.report.entries:
        if entry.status == "carried" and entry.old_id is not None:
            assert entry.new_id is not None
            assert after[entry.new_id].value == before[entry.old_id].value
        if entry.status in ("review", "dropped", "new"):
            assert entry.reasons or entry.status == "new"
    statuses = {e.status for e in moved.report.entries}
    assert statuses <= {"carried", "review", "dropped", "new"}
    assert sum(e.old_id is not None and e.status != "new" for e in moved.report.entries) == len(
        list(old.practices()))


@settings(max_examples=40, deadline=None)
@given(migrations())
def test_property_migrating_to_the_same_model_carries_everything(
        case: tuple[mm.MaturityModel, mm.MaturityModel, mm.Assessment]) -> None:
    old, _, team = case
    moved = migrate(team, old, old)
    assert moved.assessment == team
    assert {e.status for e in moved.report.entries} <= {"carried"}


def test_a_pair_the_mapping_makes_is_checked_like_any_other() -> None:
    old = _model("1", mm.Practice(id="a", level=2))
    new = _model("2", mm.Practice(id="x", level=1))
    entry = migrate(_team(a=True), old, new, mapping={"a": "x"}).report.entries[0]
    assert (entry.status, entry.reasons, entry.detail) == (
        "review", ("relevelled", "mapping"), "level 2 → 1")


def test_scoring_an_assessment_of_another_version_names_migrate() -> None:
    old = _model("1", mm.Practice(id="a", level=1))
    with pytest.raises(mm.AssessmentValidationError) as caught:
        mm.score(attrs.evolve(old, version="2"), _team(a=True))
    (problem,) = caught.value.problems
    assert (problem.code, problem.path) == ("model-mismatch", "$.model_version")
    assert "maturity migrate" in problem.message and "mm.migrate" in problem.message
