"""Models, assessments and profiles pickle: they travel to and from worker processes."""

from __future__ import annotations

import datetime
import pickle
from concurrent.futures import ProcessPoolExecutor
from functools import partial
from types import MappingProxyType

import attrs
import numpy as np

import maturity_model as mm
from maturity_model import batch


def _caict() -> tuple[mm.MaturityModel, mm.Assessment]:
    model = mm.standards.load("caict-devops-cd")
    ids = [p.id for p in model.practices()]
    assessment = mm.Assessment(
        model=model.id, subject="team-a", date=datetime.date(2026, 3, 1),
        tags={"unit": "payments"}, answers={pid: k % 3 != 0 for k, pid in enumerate(ids[:60])})
    return model, assessment


def test_a_model_and_an_assessment_pickle_and_stay_read_only() -> None:
    model, assessment = _caict()
    model_again = pickle.loads(pickle.dumps(model))
    assessment_again = pickle.loads(pickle.dumps(assessment))
    assert model_again == model
    assert assessment_again == assessment
    assert isinstance(assessment_again.answers, MappingProxyType)
    assert dict(assessment_again.tags) == {"unit": "payments"}


def test_a_profile_pickles_as_its_values_read_or_not() -> None:
    model, assessment = _caict()
    unread = mm.score(model, assessment)
    read = mm.score(model, assessment)
    overall = read.overall
    for profile in (unread, read):
        again = pickle.loads(pickle.dumps(profile))
        assert again == profile
        assert again.overall.score == overall.score and again.overall.level == overall.level
        assert again.explain() == profile.explain()
        assert again.subject == "team-a" and dict(again.tags) == {"unit": "payments"}
        # The values travel, not the model and scoring state behind them.
        assert len(pickle.dumps(profile)) < len(pickle.dumps(model))


def test_a_profile_from_the_batch_engine_pickles() -> None:
    model, assessment = _caict()
    compiled = batch.compile(model)
    values, na, observations = batch.from_assessments(compiled, [assessment])
    profile = compiled.score(np.asarray(values), na, observations).profile(
        0, subject="team-a", date=datetime.date(2026, 3, 1))
    again = pickle.loads(pickle.dumps(profile))
    assert again == profile
    assert again.overall.level == mm.score(model, assessment).overall.level


def test_a_process_pool_scores_assessments() -> None:
    model, assessment = _caict()
    others = [attrs.evolve(assessment, subject=f"team-{k}", answers={
        pid: (j + k) % 3 != 0 for j, pid in enumerate(p.id for p in model.practices())})
        for k in range(6)]
    with ProcessPoolExecutor(2) as pool:
        profiles = list(pool.map(partial(mm.score, model), others, chunksize=2))
    assert [p.subject for p in profiles] == [f"team-{k}" for k in range(6)]
    assert profiles == [mm.score(model, a) for a in others]
