"""ISO/IEC 33020 process capability: ratings, levels, both engines."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import hypothesis.strategies as st
import numpy as np
import pytest
from hypothesis import given

import maturity_model as mm
from maturity_model import batch, standards
from maturity_model._rule_iso33020 import rating

# A process with the attributes of ISO/IEC 33020 levels 1 to 3.
ATTRIBUTES = (("PA1.1", 1), ("PA2.1", 2), ("PA2.2", 2), ("PA3.1", 3), ("PA3.2", 3))


def _model(dependencies: Any = "report") -> mm.MaturityModel:
    return mm.MaturityModel(
        id="iso", scale=mm.LevelScale.of("Performed", "Managed", "Established", start=1),
        rules=mm.ModelRules(item=mm.Iso33020(), domain=mm.Minimum()),
        dependencies=dependencies,
        domains=[mm.Domain(id="processes", items=[
            mm.CapabilityItem(id="SWE.1", practices=[
                mm.Practice(id=f"SWE.1.{pa}", level=lv) for pa, lv in ATTRIBUTES])])])


def _level(answers: dict[str, Any]) -> int | None:
    profile = mm.score(_model(), mm.Assessment(
        model="iso", answers={f"SWE.1.{k}": v for k, v in answers.items()}))
    return profile["SWE.1"].level


@pytest.mark.parametrize(("achievement", "expected"), [
    (0.0, "N"), (0.15, "N"), (0.151, "P"), (0.5, "P"), (0.501, "L"), (0.85, "L"),
    (0.851, "F"), (1.0, "F")])
def test_ratings_follow_the_achievement_bands(achievement: float, expected: str) -> None:
    # N 0-15 %, P >15-50 %, L >50-85 %, F >85-100 %
    assert rating(achievement) == expected


@pytest.mark.parametrize(("answers", "level"), [
    # Level 1: PA1.1 largely or fully achieved.
    ({"PA1.1": 0.6}, 1),
    ({"PA1.1": 0.5}, 0),  # P is not enough
    # Level 2 needs PA2.x at L or F and PA1.1 at F.
    ({"PA1.1": 0.9, "PA2.1": 0.6, "PA2.2": 0.7}, 2),
    ({"PA1.1": 0.8, "PA2.1": 1.0, "PA2.2": 1.0}, 1),  # PA1.1 only L
    ({"PA1.1": 1.0, "PA2.1": 1.0, "PA2.2": 0.4}, 1),  # one level-2 attribute P
    # Level 3 needs every level-1 and level-2 attribute at F.
    ({"PA1.1": 1.0, "PA2.1": 0.9, "PA2.2": 0.86, "PA3.1": 0.6, "PA3.2": 0.55}, 3),
    ({"PA1.1": 1.0, "PA2.1": 0.9, "PA2.2": 0.7, "PA3.1": 1.0, "PA3.2": 1.0}, 2),
    # Higher attributes never lift a process over an unachieved lower level.
    ({"PA1.1": 0.1, "PA2.1": 1.0, "PA2.2": 1.0, "PA3.1": 1.0, "PA3.2": 1.0}, 0),
])
def test_capability_levels_of_the_standard(answers: dict[str, float], level: int) -> None:
    assert _level(answers) == level


def test_na_attributes_leave_their_level() -> None:
    assert _level({"PA1.1": 1.0, "PA2.1": 0.7, "PA2.2": "n/a"}) == 2


def test_an_unknown_attribute_makes_its_level_not_achieved() -> None:
    # PA2.2 not answered: level 2 is not achieved even though PA2.1 is F.
    assert _level({"PA1.1": 1.0, "PA2.1": 1.0}) == 1


def test_not_assessed_without_any_rated_attribute() -> None:
    assert _level({"PA1.1": "n/a"}) is None


def test_the_profile_keeps_each_attribute_rating() -> None:
    profile = mm.score(_model(), mm.Assessment(model="iso", answers={
        "SWE.1.PA1.1": 0.9, "SWE.1.PA2.1": 0.6, "SWE.1.PA2.2": 0.3, "SWE.1.PA3.1": "n/a"}))
    ratings = {pid: r.rating for pid, r in profile.practices.items()}
    assert ratings == {"SWE.1.PA1.1": "F", "SWE.1.PA2.1": "L", "SWE.1.PA2.2": "P",
                       "SWE.1.PA3.1": None, "SWE.1.PA3.2": None}
    assert profile["SWE.1"].score == 1.0


def test_the_bundled_automotive_spice_model_scores_its_example() -> None:
    model = standards.load("iso33020-process-capability")
    assert {model.item_rule(item).kind for item in model.items()} == {"iso33020"}
    profile = mm.score(model, standards.example_assessment("iso33020-process-capability"))
    assert profile.overall.level is not None
    assert [r.level for r in profile.item_results()] == [3, 2, 1, 0]


def test_a_model_file_names_the_rule_by_its_kind() -> None:
    from maturity_model.serialization import dump_model, loads_model, model_to_dict

    model = _model()
    assert model_to_dict(model)["rules"]["item"] == {"kind": "iso33020"}
    assert loads_model(dump_model(model)) == model


achievements = st.one_of(st.none(), st.just("n/a"),
                         st.sampled_from([0.0, 0.15, 0.3, 0.5, 0.6, 0.85, 0.9, 1.0]),
                         st.floats(0.0, 1.0))


@given(st.fixed_dictionaries({pa: achievements for pa, _ in ATTRIBUTES}),
       st.sampled_from([pa for pa, _ in ATTRIBUTES]), st.floats(0.0, 1.0))
def test_more_achievement_never_lowers_the_level(answers: dict[str, Any], attribute: str,
                                                 raise_to: float) -> None:
    before = answers[attribute]
    if not isinstance(before, float) or raise_to < before:
        return
    low = _level(answers)
    high = _level({**answers, attribute: raise_to})
    assert low is not None and high is not None
    assert high >= low


@given(st.lists(st.fixed_dictionaries({pa: achievements for pa, _ in ATTRIBUTES}),
                min_size=1, max_size=6),
       st.sampled_from(["ignore", "report", "enforce"]))
def test_the_batch_engine_equals_the_object_engine(rows: list[dict[str, Any]],
                                                   dependencies: Any) -> None:
    model = _model(dependencies)
    cases = [mm.Assessment(model="iso", answers={f"SWE.1.{k}": v for k, v in row.items()})
             for row in rows]
    compiled = batch.compile(model)
    result = compiled.score(*batch.from_assessments(compiled, cases))
    column = result.node_ids.index("SWE.1")
    for row, assessment in enumerate(cases):
        want = mm.score(model, assessment)
        got = result.profile(row)
        assert got == want
        level = want["SWE.1"].level
        assert int(result.levels[row, column]) == (-1 if level is None else level)
        score = float(result.scores[row, column])
        assert (math.isnan(score) if level is None else score == level)
    assert np.all(result.levels[:, column] <= 3)


def test_explain_lists_the_ratings() -> None:
    profile = mm.score(_model(), mm.Assessment(model="iso", answers={
        "SWE.1.PA1.1": 0.9, "SWE.1.PA2.1": 0.6}))
    lines = profile.explain("SWE.1").splitlines()
    assert "  ratings: SWE.1.PA1.1 F, SWE.1.PA2.1 L" in lines


def test_the_json_schema_accepts_the_bundled_model() -> None:
    jsonschema = pytest.importorskip("jsonschema")
    from maturity_model._schema import model_json_schema
    from maturity_model.serialization import read_document

    path = Path(standards.__file__).parent / "data" / "iso33020-process-capability.yaml"
    jsonschema.validate(read_document(path), model_json_schema())
