"""The invariants of DESIGN §2 as hypothesis properties, and a cross-check of ``score``."""

from __future__ import annotations

import math
import random

import attrs
import numpy as np
from hypothesis import assume, given
from hypothesis import strategies as st

import maturity_model as mm
from maturity_model.rules import quantile_linear, quantile_lower
from maturity_model.serialization import (
    assessment_from_dict,
    assessment_to_dict,
    dump_assessment,
    dump_model,
    dump_profile,
    load_profile_text,
    loads_assessment,
    loads_model,
)
from tests import reference_scoring
from tests.strategies import (
    MONOTONE_ITEM_RULES,
    assessments,
    model_and_assessment,
    models,
)


def same(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is b
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)


@given(model_and_assessment())
def test_score_agrees_with_a_plain_reading_of_the_design(
        case: tuple[mm.MaturityModel, mm.Assessment]) -> None:
    model, assessment = case
    profile = mm.score(model, assessment)
    expected = reference_scoring.node_results(model, assessment)
    for node_id, (score, level) in expected.items():
        assert same(profile[node_id].score, score), node_id
        assert profile[node_id].level == level, node_id


# --------------------------------------------------------------------------- invariant 1

_ORDER = [0.0, 0.1, 0.25, 0.5, 0.75, 0.9, 1.0]


@given(model_and_assessment(item_kinds=MONOTONE_ITEM_RULES,
                            domain_kinds=("mean", "minimum", "quantile")), st.data())
def test_more_evidence_never_lowers_anything(case: tuple[mm.MaturityModel, mm.Assessment],
                                             data: st.DataObject) -> None:
    model, assessment = case
    before = mm.score(model, assessment)
    answered = [pid for pid, value in assessment.answers.items()
                if isinstance(value, bool | float | int)]
    unknown_in_assessed = [
        pid for pid, p in before.practices.items()
        if p.status == "unknown" and before[p.item_id].score is not None]
    candidates = answered + unknown_in_assessed
    assume(candidates)
    pid = data.draw(st.sampled_from(candidates))
    current = assessment.answers.get(pid)
    base = float(current) if isinstance(current, bool | int | float) else 0.0
    higher = [v for v in _ORDER if v > base]
    assume(higher)
    raised = assessment.with_answers({pid: data.draw(st.sampled_from(higher))})
    after = mm.score(model, raised)
    for node in before:
        if node.score is None:
            continue
        other = after[node.node_id]
        assert other.score is not None
        assert other.score >= node.score - 1e-9, node.node_id
        assert node.level is not None and other.level is not None
        assert other.level >= node.level, node.node_id


# --------------------------------------------------------------------------- invariant 2


@given(model_and_assessment(item_kinds=("staircase",),
                            domain_kinds=("mean", "minimum", "quantile")))
def test_scores_lie_within_the_scale(case: tuple[mm.MaturityModel, mm.Assessment]) -> None:
    model, assessment = case
    profile = mm.score(model, assessment)
    top = model.scale.top
    for result in profile:
        if result.score is None:
            continue
        assert result.level is not None
        assert 0 <= result.score <= top + 1e-9
        assert 0 <= result.level <= top
        # On a scale starting at 0, a practice at level 0 that is not met leaves the item
        # at 0 with score 0 + m(1), which may reach 1: DESIGN's formula, kept as written.
        level_zero_practices = result.kind == "item" and any(
            p.level == 0 for p in model.item(result.node_id).practices)
        if result.kind == "item" and not level_zero_practices:
            if result.level == top:
                assert result.score == top
            else:
                assert result.level <= result.score < result.level + 1


# --------------------------------------------------------------------------- invariant 3


@given(models(), st.sampled_from(["yaml", "json", "toml"]))
def test_model_load_dump_load_is_the_identity(model: mm.MaturityModel, fmt: str) -> None:
    text = dump_model(model, file_format=fmt)  # type: ignore[arg-type]
    loaded = loads_model(text, fmt)  # type: ignore[arg-type]
    assert loaded == model
    assert dump_model(loaded, file_format=fmt) == text  # type: ignore[arg-type]


@given(st.data(), st.sampled_from(["yaml", "json", "toml"]))
def test_assessment_load_dump_load_is_the_identity(data: st.DataObject, fmt: str) -> None:
    model = data.draw(models())
    assessment = data.draw(assessments(model))
    assessment = attrs.evolve(assessment, date=data.draw(st.none() | st.dates()))
    text = dump_assessment(assessment, file_format=fmt)  # type: ignore[arg-type]
    assert loads_assessment(text, fmt) == assessment  # type: ignore[arg-type]
    assert assessment_from_dict(assessment_to_dict(assessment)) == assessment


@given(model_and_assessment())
def test_profile_load_dump_load_is_the_identity(
        case: tuple[mm.MaturityModel, mm.Assessment]) -> None:
    profile = mm.score(*case)
    text = dump_profile(profile)
    loaded = load_profile_text(text)
    assert loaded == profile
    assert dump_profile(loaded) == text


# --------------------------------------------------------------------------- invariant 5


@given(model_and_assessment(), st.randoms(use_true_random=False))
def test_results_do_not_depend_on_the_order_of_answers(
        case: tuple[mm.MaturityModel, mm.Assessment], rnd: random.Random) -> None:
    model, assessment = case
    items = list(assessment.answers.items())
    rnd.shuffle(items)
    observations = list(assessment.observations.items())
    rnd.shuffle(observations)
    shuffled = attrs.evolve(assessment, answers=dict(items), observations=dict(observations))
    assert mm.score(model, shuffled) == mm.score(model, assessment)
    assert dump_profile(mm.score(model, shuffled)) == dump_profile(mm.score(model, assessment))


# --------------------------------------------------------------------------- quantiles


@given(st.lists(st.floats(0, 5, allow_nan=False), min_size=1, max_size=12),
       st.floats(0, 1))
def test_quantile_scores_match_numpy_to_the_bit(values: list[float], q: float) -> None:
    assert quantile_linear(values, q) == float(np.quantile(np.array(values), q))


@given(st.lists(st.integers(0, 5), min_size=1, max_size=12), st.floats(0, 1))
def test_quantile_levels_match_numpy_lower(values: list[int], q: float) -> None:
    expected = int(np.quantile(np.array(values), q, method="lower"))
    assert quantile_lower(values, q) == expected


@given(models())
def test_generated_models_are_valid(model: mm.MaturityModel) -> None:
    assert not [p for p in mm.check(model) if p.severity == "error"]
