"""Projection through a crosswalk (DESIGN §2, "Projection through a crosswalk").

A table of the rule, the provenance and coverage it reports, and the two properties:
an identity crosswalk of ``equal`` mappings projects a profile onto itself, and more
source evidence never lowers a projected answer or score.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import maturity_model as mm
from maturity_model.crosswalk import RELATIONSHIPS, Crosswalk, Mapping
from maturity_model.errors import CrosswalkValidationError
from maturity_model.evidence import resolve_answers
from tests.strategies import MONOTONE_ITEM_RULES, model_and_assessment

SOURCE = mm.MaturityModel(id="src", version="1", scale=mm.LevelScale.of("A", "B"), domains=[
    mm.Domain(id="sd", items=[
        mm.CapabilityItem(id="si", practices=[
            mm.Practice(id="s1", level=1), mm.Practice(id="s2", level=1),
            mm.Practice(id="s3", level=2)]),
        mm.CapabilityItem(id="sj", practices=[mm.Practice(id="s4", level=1)])])])
TARGET = mm.MaturityModel(id="tgt", version="2", scale=mm.LevelScale.of("A", "B"), domains=[
    mm.Domain(id="td", items=[
        mm.CapabilityItem(id="ti", practices=[
            mm.Practice(id="t1", level=1), mm.Practice(id="t2", level=2)]),
        mm.CapabilityItem(id="tj", practices=[
            mm.Practice(id="t3", level=1), mm.Practice(id="t4", level=1)])])])


def _project(answers: dict[str, Any], *mappings: Mapping, **options: Any) -> mm.Projection:
    profile = mm.score(SOURCE, mm.Assessment(model="src", subject="team", answers=answers))
    crosswalk = Crosswalk(source_model="src", source_version="1", target_model="tgt",
                          target_version="2", mappings=mappings)
    return mm.project(profile, crosswalk, TARGET, **options)


@pytest.mark.parametrize(("answers", "mappings", "answer", "rule"), [
    ({"s1": True}, [("s1", "equal")], 1.0, "carried"),
    ({"s1": 0.75}, [("s1", "superset")], 0.75, "carried"),
    ({"s1": True}, [("s1", "subset")], 0.5, "capped"),
    ({"s1": 0.25}, [("s1", "intersect")], 0.25, "capped"),
    ({"s1": True, "s2": 0.25}, [("s1", "equal"), ("s2", "equal")], 0.25, "minimum"),
    ({"s1": True, "s2": True}, [("s1", "equal"), ("s2", "subset")], 0.5, "minimum"),
    ({"s1": True}, [("s1", "not_related")], None, "unmapped"),
    ({}, [], None, "unmapped"),
    ({"s1": "n/a"}, [("s1", "equal")], "n/a", "n/a"),
    ({"s1": "n/a", "s2": 0.5}, [("s1", "equal"), ("s2", "equal")], 0.5, "minimum"),
    ({}, [("s1", "equal"), ("s2", "equal")], None, "unknown"),
    ({"s1": True}, [("s1", "equal"), ("s2", "equal")], 0.0, "minimum"),
    ({"s1": False}, [("s1", "equal")], 0.0, "carried"),
])
def test_the_projection_rule(answers: dict[str, Any], mappings: list[tuple[str, str]],
                             answer: Any, rule: str) -> None:
    projection = _project(answers, *[Mapping(s, "t1", r) for s, r in mappings])  # type: ignore[arg-type]
    practice = projection.practices["t1"]
    assert (practice.answer, practice.rule) == (answer, rule)
    assert projection.assessment.answers.get("t1") == answer


def test_the_cap_is_configurable() -> None:
    projection = _project({"s1": True}, Mapping("s1", "t1", "subset"), partial_cap=0.2)
    assert projection.practices["t1"].answer == 0.2
    assert projection.partial_cap == 0.2
    with pytest.raises(ValueError, match="partial_cap"):
        _project({}, partial_cap=1.5)


def test_an_unmapped_target_practice_stays_unknown_never_no() -> None:
    projection = _project({"s1": True}, Mapping("s1", "t1", "equal"))
    assert "t2" not in projection.assessment.answers
    assert projection.profile.practices["t2"].status == "unknown"
    assert projection.unmapped == ("t2", "t3", "t4")
    assert projection.profile["tj"].score is None


def test_item_ends_stand_for_every_practice_under_them() -> None:
    projection = _project({"s1": True, "s2": True, "s3": 0.5}, Mapping("si", "tj", "equal"))
    assert {pid: p.answer for pid, p in projection.practices.items()} == {
        "t1": None, "t2": None, "t3": 0.5, "t4": 0.5}
    assert [c.source for c in projection.practices["t3"].sources] == ["s1", "s2", "s3"]


def test_a_domain_source_end_needs_the_source_model() -> None:
    mapping = Mapping("sd", "t1", "equal")
    assert _project({"s1": True}, mapping).practices["t1"].rule == "unmapped"
    with_model = _project({"s1": True, "s2": True, "s3": True, "s4": True}, mapping,
                          source_model=SOURCE)
    assert with_model.practices["t1"].answer == 1.0
    assert len(with_model.practices["t1"].sources) == 4


def test_weak_mappings_can_be_left_out() -> None:
    mappings = (Mapping("s1", "t1", "equal", 3), Mapping("s2", "t1", "equal", 8),
                Mapping("s1", "t3", "equal"))
    projection = _project({"s1": 0.25, "s2": True}, *mappings, min_strength=5)
    assert projection.practices["t1"].answer == 1.0
    assert projection.practices["t3"].answer == 0.25  # no strength stated: kept


def test_provenance_names_sources_relationship_strength_and_answers() -> None:
    projection = _project({"s1": True}, Mapping("s1", "t1", "subset", 7, "why"))
    (contribution,) = projection.practices["t1"].sources
    assert (contribution.source, contribution.status, contribution.value,
            contribution.carried) == ("s1", "met", 1.0, 0.5)
    assert contribution.mapping == Mapping("s1", "t1", "subset", 7, "why")


def test_coverage_is_the_share_of_practices_a_mapping_reaches() -> None:
    projection = _project({}, Mapping("s1", "t1", "equal"), Mapping("s1", "t3", "equal"),
                          Mapping("s2", "t4", "not_related"))
    assert dict(projection.coverage) == {"tgt": 0.5, "td": 0.5, "ti": 0.5, "tj": 0.5}


def test_explain_shows_the_rule_and_each_source() -> None:
    projection = _project({"s1": True, "s2": 0.25},
                          Mapping("s1", "t1", "equal"), Mapping("s2", "t1", "subset", 4))
    lines = projection.explain("t1").splitlines()
    assert lines[0].startswith("t1: 0.25 ")
    assert lines[1].split() == ["<-", "s1", "(equal):", "met", "1", "carries", "1"]
    assert lines[2].split() == ["<-", "s2", "(subset,", "strength", "4):", "partial", "0.25",
                                "carries", "0.25"]
    item = projection.explain("ti").splitlines()
    assert item[0].startswith("ti: level 0, score 0.25")
    assert any(line.strip().startswith("t2: unknown") for line in item)
    with pytest.raises(mm.UnknownNodeError):
        projection.explain("nope")


def test_a_crosswalk_for_other_models_is_refused() -> None:
    profile = mm.score(SOURCE, mm.Assessment(model="src"))
    with pytest.raises(CrosswalkValidationError) as caught:
        mm.project(profile, Crosswalk(source_model="other", target_model="tgt",
                                      target_version="9"), TARGET)
    assert [(p.code, p.path) for p in caught.value.problems] == [
        ("model-mismatch", "$.source_model"), ("model-mismatch", "$.target_version")]


def test_the_projected_assessment_keeps_subject_and_date() -> None:
    import datetime

    profile = mm.score(SOURCE, mm.Assessment(model="src", subject="payments",
                                             date=datetime.date(2026, 11, 1)))
    projection = mm.project(profile, Crosswalk(source_model="src", target_model="tgt"), TARGET)
    assessment = projection.assessment
    assert (assessment.model, assessment.model_version, assessment.subject, assessment.date) == (
        "tgt", "2", "payments", datetime.date(2026, 11, 1))


# --------------------------------------------------------------------------- properties

# metric-bands items are judged from observations, which no crosswalk carries
_PRACTICE_RULES = tuple(k for k in MONOTONE_ITEM_RULES if k != "metric-bands")


def _identity(model: mm.MaturityModel) -> Crosswalk:
    return Crosswalk(source_model=model.id, target_model=model.id,
                     mappings=[Mapping(p.id, p.id, "equal") for p in model.practices()])


@given(model_and_assessment(item_kinds=(*_PRACTICE_RULES, "iso33020")))
@settings(max_examples=60, deadline=None)
def test_an_identity_crosswalk_of_equal_mappings_returns_the_same_profile(
        case: tuple[mm.MaturityModel, mm.Assessment]) -> None:
    model, assessment = case
    profile = mm.score(model, assessment)
    projected = mm.project(profile, _identity(model), model).profile
    for result in profile:
        other = projected[result.node_id]
        assert (other.score, other.level) == (result.score, result.level), result.node_id
    for pid, practice in profile.practices.items():
        assert projected.practices[pid].value == practice.value, pid


_ORDER = [0.0, 0.1, 0.25, 0.5, 0.75, 0.9, 1.0]


@st.composite
def _crosswalks(draw: st.DrawFn, model: mm.MaturityModel) -> Crosswalk:
    ends = [p.id for p in model.practices()] + [item.id for item in model.items()]
    mappings = draw(st.lists(st.builds(Mapping, st.sampled_from(ends), st.sampled_from(ends),
                                       st.sampled_from(RELATIONSHIPS)), max_size=12))
    return Crosswalk(source_model=model.id, target_model=model.id, mappings=mappings)


def _value(answer: float | str | None) -> float:
    return answer if isinstance(answer, float) else 0.0


@given(model_and_assessment(item_kinds=_PRACTICE_RULES,
                            domain_kinds=("mean", "minimum", "quantile")), st.data())
@settings(max_examples=60, deadline=None)
def test_more_source_evidence_never_lowers_a_projection(
        case: tuple[mm.MaturityModel, mm.Assessment], data: st.DataObject) -> None:
    model, assessment = case
    crosswalk = data.draw(_crosswalks(model))
    # the value each practice holds before enforcement: its answer, label or metric
    resolved = resolve_answers(model, assessment)
    raisable = [pid for pid, answer in resolved.items() if answer.status != "n/a"]
    assume(raisable)
    pid = data.draw(st.sampled_from(raisable))
    base = resolved[pid].value or 0.0
    higher = [v for v in _ORDER if v > base]
    assume(higher)
    raised = assessment.with_answers({pid: data.draw(st.sampled_from(higher))})
    before = mm.project(mm.score(model, assessment), crosswalk, model)
    after = mm.project(mm.score(model, raised), crosswalk, model)
    for target_id, practice in before.practices.items():
        if practice.answer != "n/a":
            assert _value(after.practices[target_id].answer) >= _value(practice.answer)
    # As in invariant 1: an item that evidence makes assessed joins its domain's
    # aggregation (and may lower a minimum); that is DESIGN's aggregation, not projection.
    # So domain scores are compared when no item became assessed; items always.
    newly = [r.node_id for r in after.profile if r.kind == "item" and r.score is not None
             and before.profile[r.node_id].score is None]
    for result in before.profile:
        if result.score is None or (newly and result.kind != "item"):
            continue
        other = after.profile[result.node_id]
        assert other.score is not None and other.score >= result.score - 1e-9
        assert other.level is not None and result.level is not None
        assert other.level >= result.level


def test_explain_names_source_practices_by_their_text_given_the_source_model() -> None:
    named = mm.MaturityModel(id="src", version="1", scale=SOURCE.scale, domains=[
        mm.Domain(id="sd", items=[mm.CapabilityItem(id="si", practices=[
            mm.Practice(id="s1", level=1, text="Builds run on every commit")])])])
    profile = mm.score(named, mm.Assessment(model="src", answers={"s1": True}))
    crosswalk = Crosswalk(source_model="src", target_model="tgt",
                          mappings=[Mapping("si", "t1", "equal")])
    projection = mm.project(profile, crosswalk, TARGET, source_model=named)
    assert projection.explain("t1").splitlines()[1].split() == [
        "<-", "s1", "'Builds", "run", "on", "every", "commit'", "via", "si", "(equal):", "met",
        "1", "carries", "1"]
