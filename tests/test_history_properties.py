"""Properties of histories (DESIGN §2, "Time"): as_of, input order, journeys."""

from __future__ import annotations

import datetime

from hypothesis import given, settings
from hypothesis import strategies as st

import maturity_model as mm

LEVELS = (1, 2, 3)
PRACTICES = tuple(f"{item}.{level}" for item in ("i", "j") for level in LEVELS)
MODEL = mm.MaturityModel(id="m", version="1", scale=mm.LevelScale.range(1, 3), domains=[
    mm.Domain(id="d", items=[
        mm.CapabilityItem(id=item, practices=[mm.Practice(id=f"{item}.{n}", level=n)
                                              for n in LEVELS]) for item in ("i", "j")])])

answer: st.SearchStrategy[mm.evidence.RawAnswer] = st.one_of(
    st.none(), st.booleans(), st.sampled_from([0.25, 0.5, "n/a"]))


@st.composite
def histories(draw: st.DrawFn) -> list[mm.Assessment]:
    """Dated assessments of a few subjects, no subject twice on one date."""
    keys = draw(st.lists(st.tuples(st.sampled_from(["a", "b", "c"]),
                                   st.integers(0, 60)), min_size=1, max_size=12, unique=True))
    return [mm.Assessment(model="m", model_version="1", subject=subject,
                          date=datetime.date(2024, 1, 1) + datetime.timedelta(days=7 * week),
                          answers={p: draw(answer) for p in PRACTICES})
            for subject, week in keys]


def _latest(assessments: list[mm.Assessment], day: datetime.date) -> list[mm.Assessment]:
    chosen: dict[str, mm.Assessment] = {}
    for a in assessments:
        assert a.date is not None
        if a.date <= day and (a.subject not in chosen or chosen[a.subject].date < a.date):  # type: ignore[operator]
            chosen[a.subject] = a
    return [chosen[s] for s in sorted(chosen)]


@settings(max_examples=60, deadline=None)
@given(histories(), st.integers(-1, 62))
def test_as_of_equals_scoring_each_subjects_latest_assessment(
        assessments: list[mm.Assessment], week: int) -> None:
    day = datetime.date(2024, 1, 1) + datetime.timedelta(days=7 * week)
    want = [mm.score(MODEL, a) for a in _latest(assessments, day)]
    assert list(mm.History([mm.score(MODEL, a) for a in assessments]).as_of(day)) == want
    assert list(mm.History.score(MODEL, assessments).as_of(day)) == want


@settings(max_examples=60, deadline=None)
@given(histories(), st.randoms(use_true_random=False))
def test_the_order_of_the_input_never_changes_a_result(assessments: list[mm.Assessment],
                                                       rng: object) -> None:
    shuffled = list(assessments)
    rng.shuffle(shuffled)  # type: ignore[attr-defined]
    one = mm.History.score(MODEL, assessments)
    other = mm.History([mm.score(MODEL, a) for a in shuffled])
    assert one.to_records() == other.to_records()
    assert one.regressions() == other.regressions()
    for subject in one.subjects:
        assert one.journey(subject) == other.journey(subject)
        assert one.series(subject, "m") == other.series(subject, "m")


@settings(max_examples=60, deadline=None)
@given(histories())
def test_a_journey_starts_at_the_first_profile_and_ends_at_the_last(
        assessments: list[mm.Assessment]) -> None:
    history = mm.History.score(MODEL, assessments)
    for subject in history.subjects:
        profiles = history.profiles(subject)
        journey = history.journey(subject)
        assert (journey.start, journey.end) == (profiles[0].date, profiles[-1].date)
        for node in journey:
            assert (node.start_score, node.start_level) == (
                profiles[0][node.node_id].score, profiles[0][node.node_id].level)
            assert (node.end_score, node.end_level) == (
                profiles[-1][node.node_id].score, profiles[-1][node.node_id].level)
        changed = {c.practice_id for c in journey.practices}
        assert changed == {p for p in PRACTICES if profiles[0].practices[p].value
                           != profiles[-1].practices[p].value}
