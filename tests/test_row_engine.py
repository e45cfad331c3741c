"""The object engine's plan: remembered outcomes and results built when read."""

from __future__ import annotations

import datetime
import gc
import pickle
import weakref
from typing import Any, ClassVar

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import maturity_model as mm
from maturity_model import _row_engine, _row_results
from tests.strategies import assessments, models


def _exact(profile: mm.Profile) -> list[tuple[Any, ...]]:
    """Every node's score and level as repr (2 and 2.0, 0.0 and -0.0 differ), counts,
    coverage, missing practices and limiting children."""
    return [(r.node_id, repr(r.score), repr(r.level), r.counts,
             tuple(repr(v) for v in r.coverage.values()), r.missing, r.limited_by,
             r.violations, r.blocked) for r in profile]


@st.composite
def _model_and_assessments(draw: st.DrawFn) -> tuple[mm.MaturityModel, list[mm.Assessment]]:
    model = draw(models())
    return model, draw(st.lists(assessments(model), min_size=2, max_size=6))


@settings(max_examples=60, deadline=None)
@given(_model_and_assessments())
def test_remembered_outcomes_equal_outcomes_scored_afresh(
        case: tuple[mm.MaturityModel, list[mm.Assessment]]) -> None:
    model, many = case
    warm = [mm.score(model, a) for a in many * 2]  # the second round reads the memos
    for assessment, profile in zip(many * 2, warm, strict=True):
        fresh = mm.score(attrs.evolve(model), assessment)  # a new model: nothing remembered
        assert _exact(profile) == _exact(fresh)


def _one_item_model() -> mm.MaturityModel:
    return mm.MaturityModel(id="m", scale=mm.LevelScale.range(1, 3), domains=[
        mm.Domain(id="d", items=[mm.CapabilityItem(id="i", practices=[
            mm.Practice(id="a", level=1), mm.Practice(id="b", level=2),
            mm.Practice(id="c", level=3)])])])


def test_each_node_remembers_at_most_memo_limit_outcomes(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_row_engine, "MEMO_LIMIT", 3)
    model = _one_item_model()
    scores = []
    for k in range(10):
        profile = mm.score(model, mm.Assessment(model="m", answers={
            "a": True, "b": True, "c": k / 10}))
        scores.append(profile["i"].score)
    plan = _row_engine.row_plan(model)
    assert [len(it.memo) for it in plan.items] == [3]
    assert [len(node.memo) for node in plan.nodes] == [3, 3]
    assert scores == [2 + k / 10 for k in range(10)]


@attrs.frozen
class Halves:
    """A rule of one's own: every item scores 0.5 (so never remembered)."""

    kind: ClassVar[str] = "halves"

    def evaluate_item(self, evidence: mm.ItemEvidence) -> mm.Outcome | None:
        return mm.Outcome(score=0.5, level=0)


def test_custom_rules_are_never_remembered() -> None:
    model = attrs.evolve(_one_item_model(), rules=mm.ModelRules(item=Halves()))
    profile = mm.score(model, mm.Assessment(model="m", answers={"a": True}))
    assert profile["i"].score == 0.5
    plan = _row_engine.row_plan(model)
    assert plan.items[0].take is None and plan.items[0].memo == {}
    assert [node.take for node in plan.nodes] == [None, None]  # their children are not


def test_a_result_holds_score_and_level_and_builds_the_rest_on_first_read() -> None:
    profile = mm.score(_one_item_model(), mm.Assessment(model="m", answers={
        "a": True, "b": 0.5, "c": "n/a"}))
    result = profile["i"]
    assert (result.score, result.level) == (1.5, 1)
    assert "counts" not in vars(result) and "coverage" not in vars(result)
    assert result.counts == mm.Counts(met=1, partial=1, na=1)
    assert set(vars(result)) == {f.name for f in attrs.fields(mm.Result)}
    assert result.coverage == {1: 1.0, 2: 0.5, 3: None}
    assert result.missing == ("b",)


def test_a_result_built_when_read_equals_pickles_and_evolves_as_an_eager_one() -> None:
    profile = mm.score(_one_item_model(), mm.Assessment(model="m", answers={
        "a": True, "b": 0.5}))
    lazy = profile["d"]
    eager = mm.Result(node_id="d", kind="domain", name="d", parent="m", rule="mean",
                      score=1.5, level=1, coverage={1: 1.0, 2: 0.5, 3: 0.0},
                      counts=mm.Counts(met=1, partial=1, unknown=1), limited_by=("i",))
    assert profile["d"] == eager and eager == profile["d"]
    assert hash(mm.score(_one_item_model(), mm.Assessment(
        model="m", answers={"a": True, "b": 0.5}))["d"]) == hash(eager)
    assert repr(lazy) == repr(eager)
    again = pickle.loads(pickle.dumps(mm.score(_one_item_model(), mm.Assessment(
        model="m", answers={"a": True, "b": 0.5}))["d"]))
    assert again == eager
    assert set(vars(again)) == {f.name for f in attrs.fields(mm.Result)}
    assert attrs.evolve(lazy, score=2.0) == attrs.evolve(eager, score=2.0)
    with pytest.raises(AttributeError):
        lazy.no_such_field  # type: ignore[attr-defined]  # noqa: B018
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        lazy.score = 3.0  # type: ignore[misc]


def test_the_lowest_domains_of_few_answers_are_remembered_by_those_answers() -> None:
    model = _one_item_model()
    plan = _row_engine.row_plan(model)
    assert [by_cells for _, _, by_cells in plan.groups] == [True, False]
    first = mm.score(model, mm.Assessment(model="m", answers={"a": True, "b": 0.5}))
    assert list(plan.nodes[0].memo) == [(1.0, 0.5, _row_results.UNKNOWN)]
    again = mm.score(model, mm.Assessment(model="m", answers={"a": True, "b": 0.5}))
    assert _exact(again) == _exact(first)
    big = mm.MaturityModel(id="m", domains=[mm.Domain(id="d", items=[
        mm.CapabilityItem(id=f"i{k}", practices=[mm.Practice(id=f"p{k}", level=1)])
        for k in range(_row_engine.CELL_KEY_LIMIT + 1)])])
    assert [by_cells for _, _, by_cells in _row_engine.row_plan(big).groups] == [False, False]


@settings(max_examples=40, deadline=None)
@given(st.lists(st.lists(st.sampled_from([None, True, False, 0.5, "n/a"]), min_size=5,
                         max_size=5), min_size=1, max_size=6))
def test_a_checklist_looks_its_items_up_by_their_answers(rows: list[list[Any]]) -> None:
    model = mm.MaturityModel(id="m", scale=mm.LevelScale.range(1, 1), domains=[
        mm.Domain(id=f"d{d}", items=[mm.CapabilityItem(
            id=f"i{d}{k}", weight=1 + k, practices=[mm.Practice(id=f"p{d}{k}", level=1)])
            for k in range(5)]) for d in range(2)])
    assert _row_engine.row_plan(model).one_per_item
    for row in rows * 2:
        answers = {f"p{d}{k}": v for d in range(2) for k, v in enumerate(row) if v is not None}
        assessment = mm.Assessment(model="m", answers=answers)
        assert _exact(mm.score(model, assessment)) == _exact(
            mm.score(attrs.evolve(model), assessment))


def test_a_small_model_remembers_every_outcome_of_a_row_by_its_cells() -> None:
    model = _one_item_model()
    plan = _row_engine.row_plan(model)
    assert plan.rows == {}
    answers = {"a": True, "b": 0.5}
    first = mm.score(model, mm.Assessment(model="m", answers=answers))
    assert plan.rows == {(1.0, 0.5, _row_results.UNKNOWN): ((1.5, 1), (1.5, 1), (1.5, 1))}
    again = mm.score(model, mm.Assessment(model="m", subject="other", answers=answers))
    assert _exact(again) == _exact(first)
    assert again.subject == "other" and again["i"] is not first["i"]


def test_a_row_is_remembered_only_when_all_its_nodes_are_and_the_model_is_small() -> None:
    custom = attrs.evolve(_one_item_model(), rules=mm.ModelRules(item=Halves()))
    assert _row_engine.row_plan(custom).rows is None
    large = mm.MaturityModel(id="m", domains=[mm.Domain(id="d", items=[
        mm.CapabilityItem(id="i", practices=[mm.Practice(id=f"p{k}", level=1)
                                             for k in range(_row_engine.ROW_KEY_LIMIT + 1)])])])
    assert _row_engine.row_plan(large).rows is None
    assert _row_engine.row_plan(attrs.evolve(large, domains=[mm.Domain(
        id="d", items=[attrs.evolve(large.domains[0].items[0], practices=large.domains[
            0].items[0].practices[:-1])])])).rows == {}


def test_a_model_remembers_at_most_memo_limit_rows(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_row_engine, "MEMO_LIMIT", 2)
    model = _one_item_model()
    scores = [mm.score(model, mm.Assessment(model="m", answers={"a": True, "b": k / 4}))[
        "i"].score for k in (*range(5), 1)]
    assert scores == [1.0, 1.25, 1.5, 1.75, 2.0, 1.25]
    assert list(_row_engine.row_plan(model).rows or {}) == [
        (1.0, 0.0, _row_results.UNKNOWN), (1.0, 0.25, _row_results.UNKNOWN)]


def test_an_answer_to_a_practice_the_model_lacks_goes_the_long_way_wherever_it_stands(
        ) -> None:
    model = _one_item_model()
    for answers in ({"zzz": True, "a": True}, {"a": True, "zzz": 0.5, "b": False}):
        with pytest.raises(mm.AssessmentValidationError) as info:
            mm.score(model, mm.Assessment(model="m", answers=answers))
        assert info.value.codes == ("unknown-practice",)
        with pytest.warns(UserWarning, match="zzz"):
            lenient = mm.score(model, mm.Assessment(model="m", answers=answers), strict=False)
        assert lenient["i"].score == 1.0


def test_a_profile_and_its_results_are_freed_as_soon_as_they_are_dropped() -> None:
    model = _one_item_model()
    gc.disable()  # no collector: only reference counts free them
    try:
        profile = mm.score(model, mm.Assessment(model="m", answers={"a": True, "b": 0.5}))
        kept, dropped = profile["i"], profile["d"]
        refs: list[weakref.ref[Any]] = [weakref.ref(profile), weakref.ref(dropped),
                                        weakref.ref(profile.overall)]
        del profile, dropped
        assert [ref() for ref in refs] == [None, None, None]
        assert kept.counts == mm.Counts(met=1, partial=1, unknown=1)  # completes alone
        ref = weakref.ref(kept)
        del kept
        assert ref() is None
    finally:
        gc.enable()


def test_a_scored_profile_holds_each_field_in_its_own_slot() -> None:
    model = attrs.evolve(_one_item_model(), version="2021", dependencies="ignore")
    profile = mm.score(model, mm.Assessment(
        model="m", model_version="2021", subject="t", date=datetime.date(2026, 1, 2),
        tags={"org": "x"}, answers={"a": True}))
    assert [f.name for f in attrs.fields(mm.Profile)] == [
        "model_id", "model_version", "subject", "date", "tags", "dependencies", "scale",
        "results", "practices", "observations"]
    assert (profile.model_id, profile.model_version, profile.subject, profile.date,
            dict(profile.tags), profile.dependencies, profile.scale) == (
        "m", "2021", "t", datetime.date(2026, 1, 2), {"org": "x"}, "ignore", model.scale)
    assert (list(profile.results), list(profile.practices), dict(profile.observations)) == (
        ["m", "d", "i"], ["a", "b", "c"], {})
