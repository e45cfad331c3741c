"""Properties of histories across model versions: one version behaves as it always did."""

from __future__ import annotations

import itertools

import attrs
from hypothesis import given, settings

import maturity_model as mm
from tests.test_history_properties import MODEL, histories

OTHER = attrs.evolve(MODEL, version="0")  # a second version at hand, never used by a profile


def _falls(profiles: list[mm.Profile]) -> list[tuple[str, str, object, object]]:
    """Consecutive profiles of one subject where a node's score or level is lower."""
    out: list[tuple[str, str, object, object]] = []
    ordered = sorted(profiles, key=lambda p: (p.subject, p.date))
    for a, b in itertools.pairwise(ordered):
        if a.subject != b.subject:
            continue
        for node_id, before in a.results.items():
            after = b.results[node_id]
            if None in (before.score, after.score):
                continue
            assert before.score is not None and after.score is not None
            assert before.level is not None and after.level is not None
            if after.score < before.score - 1e-9 or after.level < before.level:
                out.append((a.subject, node_id, a.date, b.date))
    return out


@settings(max_examples=60, deadline=None)
@given(histories())
def test_a_history_of_one_version_is_unchanged_by_models_at_hand(
        assessments: list[mm.Assessment]) -> None:
    profiles = [mm.score(MODEL, a) for a in assessments]
    plain = mm.History(profiles)
    with_models = mm.History(profiles, models=[OTHER, MODEL])
    scored = mm.History.score(MODEL, assessments, models=[OTHER])
    for h in (with_models, scored):
        assert h.to_records() == plain.to_records()
        assert h.regressions() == plain.regressions()
        assert h.regressions(include_model_changes=True) == plain.regressions()
        assert (h.versions, h.migrations) == (("1",), ())
        for subject in plain.subjects:
            assert h.journey(subject) == plain.journey(subject)
    found = [(r.subject, r.node_id, r.before, r.after) for r in plain.regressions()]
    assert sorted(found) == sorted(_falls(profiles))
    assert {(r.cause, r.note) for r in plain.regressions()} <= {("answers", "")}


@settings(max_examples=40, deadline=None)
@given(histories())
def test_an_unchanged_model_under_a_new_version_changes_no_result(
        assessments: list[mm.Assessment]) -> None:
    """Relabelling some profiles with another version of the same model moves nothing."""
    renamed = attrs.evolve(MODEL, version="2")
    relabelled = [mm.score(renamed if k % 2 else MODEL, attrs.evolve(
        a, model_version="2" if k % 2 else "1")) for k, a in enumerate(assessments)]
    mixed = mm.History(relabelled, models=[MODEL, renamed])
    plain = mm.History([mm.score(MODEL, a) for a in assessments])
    drop = ("model_version",)
    assert [{k: v for k, v in r.items() if k not in drop} for r in mixed.to_records()] == [
        {k: v for k, v in r.items() if k not in drop} for r in plain.to_records()]
    assert mixed.regressions(include_model_changes=True) == plain.regressions()
    for subject in plain.subjects:
        assert mixed.journey(subject) == plain.journey(subject)
    migrated = mm.History.score(renamed, [attrs.evolve(a, model_version="2" if k % 2 else "1")
                                          for k, a in enumerate(assessments)],
                                models=[MODEL])
    assert [{k: v for k, v in r.items() if k not in drop} for r in migrated.to_records()] == [
        {k: v for k, v in r.items() if k not in drop} for r in plain.to_records()]
