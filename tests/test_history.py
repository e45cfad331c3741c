"""Histories: dated profiles of many subjects, answered over time."""

from __future__ import annotations

import datetime
import pickle
import shutil
from pathlib import Path

import attrs
import numpy as np
import pytest

import maturity_model as mm
from maturity_model.errors import HistoryError
from maturity_model.history import version_problems

EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "history"
TEAM = "harbour-payments"
D = datetime.date


def _model() -> mm.MaturityModel:
    return mm.MaturityModel(id="m", version="1", scale=mm.LevelScale.range(1, 3), domains=[
        mm.Domain(id="d", items=[
            mm.CapabilityItem(id="i", practices=[mm.Practice(id=f"i.{n}", level=n)
                                                 for n in (1, 2, 3)]),
            mm.CapabilityItem(id="j", practices=[mm.Practice(id=f"j.{n}", level=n)
                                                 for n in (1, 2, 3)])])])


def _assessment(subject: str, day: datetime.date, met: int, *, j: int = 3) -> mm.Assessment:
    answers: dict[str, mm.evidence.RawAnswer] = {f"i.{n}": n <= met for n in (1, 2, 3)}
    answers.update({f"j.{n}": n <= j for n in (1, 2, 3)})
    return mm.Assessment(model="m", model_version="1", subject=subject, date=day,
                         answers=answers)


def _history() -> mm.History:
    m = _model()
    return mm.History([mm.score(m, a) for a in [
        _assessment("b", D(2024, 1, 1), 1), _assessment("a", D(2024, 3, 1), 2),
        _assessment("a", D(2024, 1, 1), 0), _assessment("b", D(2024, 7, 1), 0),
        _assessment("a", D(2024, 11, 1), 3, j=2)]])


def test_subjects_and_dates_are_sorted_whatever_the_input_order() -> None:
    h = _history()
    assert h.subjects == ("a", "b")
    assert h.dates("a") == (D(2024, 1, 1), D(2024, 3, 1), D(2024, 11, 1))
    assert (h.model_id, h.model_version, len(h)) == ("m", "1", 5)
    assert h.node_ids == ("m", "d", "i", "j")


def test_series_gives_dates_scores_and_levels() -> None:
    s = _history().series("a", "i")
    assert s.dates == (D(2024, 1, 1), D(2024, 3, 1), D(2024, 11, 1))
    assert s.scores == (0.0, 2.0, 3.0)
    assert s.levels == (0, 2, 3)
    assert [p.level for p in s] == [0, 2, 3]
    assert s.to_records()[1] == {"subject": "a", "date": "2024-03-01", "node_id": "i",
                                 "score": 2.0, "level": 2}


def test_as_of_takes_each_subjects_latest_profile_on_or_before_the_date() -> None:
    h = _history()
    assert [(p.subject, p.date) for p in h.as_of(D(2024, 3, 1))] == [
        ("a", D(2024, 3, 1)), ("b", D(2024, 1, 1))]
    assert [(p.subject, p.date) for p in h.as_of("2024-02-29")] == [
        ("a", D(2024, 1, 1)), ("b", D(2024, 1, 1))]
    assert h.as_of("2023-12-31") == ()


def test_a_cohort_takes_the_latest_profiles() -> None:
    cohort = mm.Cohort(_history().as_of("2024-12-31"))
    assert cohort.subjects == ("a", "b")
    assert cohort.percentile("a", "i") == 75.0


def test_first_reached() -> None:
    h = _history()
    assert h.first_reached("a", "i", 2) == D(2024, 3, 1)
    assert h.first_reached("a", "i", 3) == D(2024, 11, 1)
    assert h.first_reached("b", "i", 2) is None


def test_journey_runs_from_first_to_last_with_the_practices_that_changed() -> None:
    j = _history().journey("a")
    assert (j.start, j.end, j.assessments) == (D(2024, 1, 1), D(2024, 11, 1), 3)
    assert (j["i"].start_score, j["i"].end_score) == (0.0, 3.0)
    assert (j["i"].start_level, j["i"].end_level) == (0, 3)
    assert j["i"].practices == ("i.1", "i.2", "i.3")
    assert j["j"].practices == ("j.3",)
    assert j["d"].practices == ("i.1", "i.2", "i.3", "j.3")
    assert [(c.practice_id, c.before, c.after) for c in j.practices][-1] == (
        "j.3", "met", "not-met")
    assert j.overall.node_id == "m"
    assert j["j"].change == -1.0


def test_a_journey_of_one_profile_changes_nothing() -> None:
    h = mm.History([mm.score(_model(), _assessment("a", D(2024, 1, 1), 1))])
    j = h.journey("a")
    assert j.start == j.end and j.practices == () and j["i"].change == 0.0


def test_regressions_are_the_nodes_that_fell_between_consecutive_profiles() -> None:
    found = _history().regressions()
    assert [(r.subject, r.node_id, r.before, r.after, r.level_before, r.level_after)
            for r in found] == [
        ("a", "j", D(2024, 3, 1), D(2024, 11, 1), 3, 2),
        ("b", "m", D(2024, 1, 1), D(2024, 7, 1), 1, 0),
        ("b", "d", D(2024, 1, 1), D(2024, 7, 1), 1, 0),
        ("b", "i", D(2024, 1, 1), D(2024, 7, 1), 1, 0)]
    assert [r.node_id for r in _history().regressions("b", "i")] == ["i"]
    assert _history().regressions("a", "i") == ()


def test_velocity_is_score_change_per_average_month() -> None:
    h = _history()
    months = (D(2024, 11, 1) - D(2024, 1, 1)).days / (365.2425 / 12)
    assert h.velocity("a", node_id="i") == pytest.approx(3.0 / months)
    # as of a date: the latest profile on or before it
    assert h.velocity("a", "2024-02-01", "2024-03-01", node_id="i") == pytest.approx(
        2.0 / (29 / (365.2425 / 12)))
    assert h.velocity("a", "2023-01-01", "2024-03-01") is None  # nothing by the start
    with pytest.raises(ValueError, match="not after"):
        h.velocity("a", "2024-03-01", "2024-03-01")


def test_unknown_subjects_and_nodes_are_named() -> None:
    h = _history()
    with pytest.raises(mm.UnknownNodeError) as caught:
        h.series("zz", "i")
    assert caught.value.node_id == "zz"
    with pytest.raises(mm.UnknownNodeError) as caught:
        h.series("a", "nope")
    assert caught.value.node_id == "nope"


def test_two_profiles_of_one_subject_on_one_date_are_a_duplicate_date() -> None:
    m = _model()
    profiles = [mm.score(m, _assessment("a", D(2024, 1, 1), 1)),
                mm.score(m, _assessment("a", D(2024, 1, 1), 2))]
    with pytest.raises(HistoryError) as caught:
        mm.History(profiles, sources=["x.yaml", "y.yaml"])
    assert caught.value.codes == ("duplicate-date",)
    assert caught.value.files == ("y.yaml",)
    assert "'x.yaml'" in caught.value.problems[0].message
    assert "'y.yaml'" in caught.value.problems[0].message


def test_a_profile_without_a_date_is_an_invalid_value() -> None:
    p = mm.score(_model(), mm.Assessment(model="m", subject="a"))
    with pytest.raises(HistoryError) as caught:
        mm.History([p], sources=["a.json"])
    assert [(x.code, x.path) for x in caught.value.problems] == [("invalid-value", "$.date")]
    assert caught.value.files == ("a.json",)


def test_mixed_versions_are_a_problem_naming_migrate() -> None:
    old = mm.score(_model(), _assessment("a", D(2023, 1, 1), 1))
    new = attrs.evolve(mm.score(_model(), _assessment("a", D(2024, 1, 1), 1)),
                       model_version="2")
    with pytest.raises(HistoryError) as caught:
        mm.History([new, old], sources=["new.json", "old.json"])
    assert caught.value.codes == ("mixed-versions",)
    assert caught.value.files == ("old.json",)
    assert "maturity migrate" in caught.value.problems[0].message


def test_profiles_of_two_models_are_a_model_mismatch() -> None:
    found = version_problems([("m", "1", "a"), ("n", "1", "b")])
    assert [(f, p.code) for f, p in found] == [("b", "model-mismatch")]


def test_version_problems_orders_versions_by_number() -> None:
    found = version_problems([("m", "10", "a"), ("m", "9", "b")])
    assert [(f, p.code) for f, p in found] == [("b", "mixed-versions")]


def test_a_history_error_pickles_with_its_files() -> None:
    err = HistoryError([mm.Problem.of("duplicate-date", "$.date", "x")], ["a.yaml"])
    back = pickle.loads(pickle.dumps(err))
    assert (back.codes, back.files) == (("duplicate-date",), ("a.yaml",))


def test_to_records_and_to_frame_are_long_form() -> None:
    h = _history()
    records = h.to_records()
    assert len(records) == 5 * 4
    assert records[0] == {"subject": "a", "date": "2024-01-01", "model": "m",
                          "model_version": "1", "node_id": "m", "kind": "model",
                          "name": "m", "parent": None, "score": 1.5, "level": 0}
    frame = h.to_frame()
    assert frame.columns.tolist() == list(records[0])
    assert frame["score"].tolist()[:4] == [r["score"] for r in records[:4]]
    assert frame["level"].tolist() == [r["level"] for r in records]
    assert frame["date"].astype(str).tolist() == [r["date"] for r in records]
    assert frame["parent"].isna().tolist() == [r["parent"] is None for r in records]


def test_the_batch_history_equals_the_profile_history() -> None:
    m = _model()
    assessments = [_assessment("b", D(2024, 1, 1), 1), _assessment("a", D(2024, 3, 1), 2),
                   _assessment("a", D(2024, 1, 1), 0)]
    batch = mm.History.score(m, assessments)
    objects = mm.History([mm.score(m, a) for a in assessments])
    assert batch.to_records() == objects.to_records()
    assert batch.as_of("2024-12-31") == objects.as_of("2024-12-31")
    compiled = mm.batch.compile(m)
    result = compiled.score(*compiled.from_assessments(assessments))
    arrays = mm.History.from_batch(result, [a.subject for a in assessments],
                                   [a.date for a in assessments])  # type: ignore[misc]
    assert arrays.to_records() == objects.to_records()
    assert arrays.as_of("2024-12-31") == objects.as_of("2024-12-31")
    assert arrays.journey("a") == objects.journey("a")


def test_scoring_problems_name_their_source() -> None:
    bad = mm.Assessment(model="m", subject="a", date=D(2024, 1, 1), answers={"nope": True})
    with pytest.raises(HistoryError) as caught:
        mm.History.score(_model(), [bad], sources=["a.yaml"])
    assert caught.value.codes == ("unknown-practice",)
    assert caught.value.files == ("a.yaml",)


# --------------------------------------------------------------------------- folders


def test_load_reads_the_example_folder_against_the_bundled_standard() -> None:
    h = mm.History.load(EXAMPLES)
    assert h.subjects == (TEAM,)
    assert h.model_id == "caict-devops-cd" and h.model_version == "2021"
    assert [round(s or 0.0, 2) for s in h.series(TEAM, "caict-devops-cd").scores] == [
        1.8, 2.53, 3.0]
    assert h.series(TEAM, "caict-devops-cd").levels == (1, 2, 3)
    assert dict(h.as_of("2024-12-31")[0].tags)["org"] == "harbour-bank"


def test_load_takes_subject_and_date_from_the_layout_when_the_file_lacks_them(
        tmp_path: Path) -> None:
    m = _model()
    for subject, day, met in [("a", "2024-01-01", 1), ("a", "2024-02-01", 2),
                              ("b", "2024-01-01", 3)]:
        (tmp_path / subject).mkdir(exist_ok=True)
        (tmp_path / subject / f"{day}.yaml").write_text(mm.dump_assessment(mm.Assessment(
            model="m", answers={"i.1": True, "i.2": met >= 2, "i.3": met >= 3})))
    h = mm.History.load(tmp_path, m)
    assert h.subjects == ("a", "b")
    assert h.series("a", "i").levels == (1, 2)
    assert h.dates("b") == (D(2024, 1, 1),)


def test_what_a_file_says_wins_over_its_place(tmp_path: Path) -> None:
    (tmp_path / "folder-name").mkdir()
    a = _assessment("written", D(2024, 5, 5), 1)
    (tmp_path / "folder-name" / "2020-01-01.yaml").write_text(mm.dump_assessment(a))
    h = mm.History.load(tmp_path, _model())
    assert h.subjects == ("written",) and h.dates("written") == (D(2024, 5, 5),)


def test_load_reads_profiles_too(tmp_path: Path) -> None:
    profile = mm.score(_model(), _assessment("a", D(2024, 1, 1), 2))
    mm.dump_profile(profile, tmp_path / "a.json")
    h = mm.History.load(tmp_path)
    assert h.profiles("a") == (profile,)


def test_load_lists_every_problem_with_its_file(tmp_path: Path) -> None:
    m = _model()
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "2024-01-01.yaml").write_text("model: m\nanswers: {nope: true}\n")
    (tmp_path / "a" / "no-date.yaml").write_text("model: m\n")
    (tmp_path / "a" / "2024-13-01.yaml").write_text("model: m\ndate: 2024-13-01\n")
    with pytest.raises(HistoryError) as caught:
        mm.History.load(tmp_path, m)
    found = sorted(zip(caught.value.files, caught.value.codes, strict=True))
    assert [(Path(f or "").name, c) for f, c in found] == [
        ("2024-01-01.yaml", "unknown-practice"), ("2024-13-01.yaml", "invalid-value"),
        ("no-date.yaml", "invalid-value")]


def test_a_file_with_no_subject_anywhere_is_an_invalid_value(tmp_path: Path) -> None:
    (tmp_path / "2024-01-01.yaml").write_text("model: m\n")
    with pytest.raises(HistoryError) as caught:
        mm.History.load(tmp_path, _model())
    assert [(p.code, p.path) for p in caught.value.problems] == [("invalid-value", "$.subject")]


def test_load_refuses_a_folder_that_mixes_versions(tmp_path: Path) -> None:
    shutil.copytree(EXAMPLES, tmp_path / "h")
    old = tmp_path / "h" / TEAM / "2023-06-01.yaml"
    old.write_text("model: caict-devops-cd\nmodel_version: '2018'\nanswers: {}\n")
    with pytest.raises(HistoryError) as caught:
        mm.History.load(tmp_path / "h", mm.standards.load("caict-devops-cd"))
    assert caught.value.codes == ("mixed-versions",)
    assert caught.value.files == (str(old),)


def test_load_names_an_unknown_standard(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "2024-01-01.yaml").write_text("model: no-such-model\n")
    with pytest.raises(HistoryError) as caught:
        mm.History.load(tmp_path)
    assert caught.value.codes == ("unresolved-reference",)


def test_load_of_an_empty_or_missing_folder(tmp_path: Path) -> None:
    with pytest.raises(HistoryError) as caught:
        mm.History.load(tmp_path)
    assert caught.value.codes == ("no-assessments",)
    with pytest.raises(FileNotFoundError):
        mm.History.load(tmp_path / "missing")
    (tmp_path / "f.yaml").write_text("model: m\n")
    with pytest.raises(NotADirectoryError):
        mm.History.load(tmp_path / "f.yaml")


def test_an_empty_history_answers_with_nothing() -> None:
    h = mm.History([])
    assert (len(h), h.subjects, h.as_of("2024-01-01"), h.regressions()) == (0, (), (), ())
    assert np.asarray(h.to_frame()["score"]).shape == (0,)
