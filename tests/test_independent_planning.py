"""``compare``, ``gap`` and ``plan`` against DESIGN §2 "Comparing and planning".

The generated models and assessments are those of ``test_independent``; expectations
come from the independent scorer (``independent_scoring``) or straight from DESIGN's
sentences:

- ``compare(a, b)`` gives both scores and levels and their deltas per node, and
  ``compare(b, a)`` is its exact mirror;
- ``gap`` lists, for every item below its target, the unmet practices (not N/A, value
  below 1 after enforcement) at levels up to the target;
- ``plan``: "a practice stands in the first wave after all of its prerequisites", "inside
  a wave, lower levels first, then higher weight / lower effort", and "meeting every
  practice of waves 1..k never violates a dependency"; meeting the whole roadmap brings
  every item whose level its practices decide (staircase, level-sum, iso33020) to its
  target.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

import maturity_model as mm
from maturity_model.serialization import assessment_from_dict, model_from_dict

from .independent_scoring import (
    NA,
    Scored,
    closure,
    iter_items,
    requirement_targets,
    score_model,
)
from .test_independent import (
    SCORING_DATE,
    _independent_answers,
    assessment_documents,
    model_documents,
)

PRACTICE_RULES = ("staircase", "level-sum", "iso33020")


def _profile(model: mm.MaturityModel, assessment_doc: Mapping[str, Any]) -> mm.Profile:
    return mm.score(model, assessment_from_dict(assessment_doc))


def _item_rule(item: Mapping[str, Any], model_doc: Mapping[str, Any]) -> str:
    rule = item.get("rule") or model_doc.get("rules", {}).get("item") or {"kind": "staircase"}
    return str(rule["kind"])


def _meet(model_doc: Mapping[str, Any], assessment_doc: Mapping[str, Any],
          practice_ids: set[str]) -> dict[str, Any]:
    """The assessment with every practice of ``practice_ids`` fully met (with evidence)."""
    by_id = {p["id"]: p for item in iter_items(model_doc) for p in item["practices"]}
    answers = dict(assessment_doc["answers"])
    for practice_id in practice_ids:
        answers[practice_id] = True
        if by_id[practice_id].get("evidence") == "required":
            answers[practice_id] = {"value": True, "evidence": [
                {"title": "done", "path": "done.pdf", "date": SCORING_DATE}]}
    return {**assessment_doc, "answers": answers}


@settings(max_examples=40, deadline=None)
@given(st.data())
def test_compare_gives_both_sides_their_deltas_and_an_exact_mirror(data: st.DataObject,
                                                                   ) -> None:
    model_doc = data.draw(model_documents())
    model = model_from_dict(model_doc)
    before = _profile(model, data.draw(assessment_documents(model_doc)))
    after = _profile(model, data.draw(assessment_documents(model_doc)))
    forward, backward = mm.compare(before, after), mm.compare(after, before)
    mirror = {"improved": "regressed", "regressed": "improved", "unchanged": "unchanged",
              "added": "removed", "removed": "added"}
    for node_id, result in before.results.items():
        diff, back = forward[node_id], backward[node_id]
        b, a = result.score, after[node_id].score
        assert (diff.before_score, diff.after_score) == (b, a)
        assert (diff.before_level, diff.after_level) == (result.level, after[node_id].level)
        assert diff.delta_score == (None if a is None or b is None else a - b)
        assert back.delta_score == (None if a is None or b is None else b - a)
        lb, la = result.level, after[node_id].level
        if lb is not None and la is not None:
            assert (diff.delta_level, back.delta_level) == (la - lb, lb - la)
        assert back.status == mirror[diff.status]
        if b is None and a is not None:
            assert diff.status == "added"
        if a is not None and b is not None and abs(a - b) > 1e-6:
            assert diff.status == ("improved" if a > b else "regressed")
    assert {d.status for d in mm.compare(before, before)} == {"unchanged"}


def _drawn(data: st.DataObject) -> tuple[dict[str, Any], dict[str, Any], mm.MaturityModel,
                                         mm.Profile, Scored, int]:
    """A model and an assessment, our profile and the independent scores, a target level."""
    model_doc = data.draw(model_documents())
    assessment_doc = data.draw(assessment_documents(model_doc))
    model = model_from_dict(model_doc)
    profile = _profile(model, assessment_doc)
    expected = score_model(model_doc, _independent_answers(assessment_doc))
    scale = [int(level["value"]) for level in model_doc["scale"]]
    return (model_doc, assessment_doc, model, profile, expected,
            data.draw(st.sampled_from(scale)))


@settings(max_examples=40, deadline=None)
@given(st.data())
def test_gap_lists_the_unmet_practices_up_to_the_target(data: st.DataObject) -> None:
    model_doc, _, _, profile, expected, wanted = _drawn(data)
    found = mm.gap(profile, mm.Target.uniform(wanted))
    for item in iter_items(model_doc):
        level = expected.nodes[item["id"]].level
        if level is None:
            continue
        if level >= wanted:
            assert item["id"] not in found
            continue
        unmet = tuple(p["id"] for p in item["practices"] if p["level"] <= wanted
                      and expected.values[p["id"]] != 1.0
                      and expected.values[p["id"]] != NA)
        assert found[item["id"]].practices == unmet


def _needs(practice_id: str, model_doc: Mapping[str, Any], roadmap: set[str],
           values: Mapping[str, Any], by_id: Mapping[str, Any]) -> set[str]:
    """The roadmap practices ``practice_id`` waits for: its prerequisites in the roadmap,
    reached directly or through prerequisites outside it that are N/A."""
    found: set[str] = set()
    for entry in by_id[practice_id].get("requires", []):
        for target in requirement_targets(entry, model_doc):
            if target in roadmap:
                found.add(target)
            elif values[target] == NA:
                found |= _needs(target, model_doc, roadmap, values, by_id)
    return found


@settings(max_examples=40, deadline=None)
@given(st.data())
def test_plan_waves_follow_the_prerequisites_and_meeting_them_reaches_the_target(
        data: st.DataObject) -> None:
    model_doc, assessment_doc, model, profile, expected, wanted = _drawn(data)
    roadmap = mm.plan(model, profile, mm.Target.uniform(wanted))
    by_id = {p["id"]: p for item in iter_items(model_doc) for p in item["practices"]}
    position = {practice_id: n for n, practice_id in enumerate(by_id)}
    on_map = set(roadmap.practices)

    # "a practice stands in the first wave after all of its prerequisites"
    wave_of = {pid: wave.number for wave in roadmap.waves for pid in wave.practices}
    for pid in on_map:
        needs = _needs(pid, model_doc, on_map, expected.values, by_id)
        assert wave_of[pid] == 1 + max((wave_of[q] for q in needs), default=0), pid
    # "inside a wave, lower levels first, then higher weight" (every effort is 1 here)
    for wave in roadmap.waves:
        def key(pid: str) -> tuple[int, float, int]:
            return (by_id[pid]["level"], -float(by_id[pid].get("weight", 1)), position[pid])
        assert list(wave.practices) == sorted(wave.practices, key=key), [
            (pid, key(pid)) for pid in wave.practices]

    # "meeting every practice of waves 1..k never violates a dependency": under the
    # model's policy (enforce: nothing met is blocked; else no violation of a direct
    # prerequisite, since a met prerequisite's own lacks are violations already there)
    enforced = model_doc.get("dependencies") == "enforce"
    met_so_far: set[str] = set()
    for wave in roadmap.waves:
        met_so_far |= set(wave.practices)
        answered = _independent_answers(_meet(model_doc, assessment_doc, met_so_far))
        report = score_model({**model_doc, "dependencies": "report"}, answered)
        if enforced:
            enforce = score_model(model_doc, answered)
            assert not enforce.blocked & met_so_far
            assert all(q in met_so_far or report.values[q] in (1.0, NA)
                       for pid in met_so_far for q in closure(pid, model_doc))
        else:
            assert not {pid for pid, _ in report.violations} & met_so_far

    # ... and the whole roadmap brings every practice-rated item to its target.
    final = _profile(model, _meet(model_doc, assessment_doc, on_map))
    for item in iter_items(model_doc):
        level = final[item["id"]].level
        if _item_rule(item, model_doc) in PRACTICE_RULES and level is not None:
            assert level >= wanted, item["id"]  # wanted is a level of the scale
