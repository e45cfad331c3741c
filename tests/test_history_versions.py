"""Histories across versions of one model: migrated assessments, aligned profiles."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

import maturity_model as mm
from maturity_model.errors import HistoryError

D = datetime.date


def _v1() -> mm.MaturityModel:
    return mm.MaturityModel(id="m", version="1", scale=mm.LevelScale.range(1, 3), domains=[
        mm.Domain(id="d", items=[
            mm.CapabilityItem(id="ci", practices=[
                mm.Practice(id="ci.1", level=1, text="builds run on every change"),
                mm.Practice(id="ci.2", level=2, text="builds are reproducible"),
                mm.Practice(id="ci.3", level=3, text="builds are signed")]),
            mm.CapabilityItem(id="cd", practices=[
                mm.Practice(id="cd.1", level=1, text="deploys are scripted"),
                mm.Practice(id="cd.2", level=2, text="deploys are automatic"),
                mm.Practice(id="cd.3", level=3, text="deploys roll back by themselves")])])])


def _v2() -> mm.MaturityModel:
    """``ci.1`` renamed ``build.1`` (it replaces it), ``ci.4`` added at level 2, ``cd.3``
    re-levelled from 3 to 2."""
    return mm.MaturityModel(id="m", version="2", scale=mm.LevelScale.range(1, 3), domains=[
        mm.Domain(id="d", items=[
            mm.CapabilityItem(id="ci", practices=[
                mm.Practice(id="build.1", level=1, replaces=["ci.1"],
                            text="builds run on every change"),
                mm.Practice(id="ci.2", level=2, text="builds are reproducible"),
                mm.Practice(id="ci.4", level=2, text="builds have an inventory of parts"),
                mm.Practice(id="ci.3", level=3, text="builds are signed")]),
            mm.CapabilityItem(id="cd", practices=[
                mm.Practice(id="cd.1", level=1, text="deploys are scripted"),
                mm.Practice(id="cd.2", level=2, text="deploys are automatic"),
                mm.Practice(id="cd.3", level=2, text="deploys roll back by themselves")])])])


ALL_V1 = {"ci.1": True, "ci.2": True, "ci.3": False, "cd.1": True, "cd.2": True,
          "cd.3": False}


def _team() -> list[mm.Assessment]:
    """One team: twice under version 1, then once under version 2."""
    return [
        mm.Assessment(model="m", model_version="1", subject="team", date=D(2023, 1, 1),
                      answers={"ci.1": True, "ci.2": False, "cd.1": True}),
        mm.Assessment(model="m", model_version="1", subject="team", date=D(2023, 6, 1),
                      answers=ALL_V1),
        mm.Assessment(model="m", model_version="2", subject="team", date=D(2024, 1, 1),
                      answers={"build.1": True, "ci.2": True, "ci.4": False, "ci.3": False,
                               "cd.1": True, "cd.2": True, "cd.3": True}),
    ]


def _profiles() -> list[mm.Profile]:
    v1, v2 = _v1(), _v2()
    return [mm.score(v1 if a.model_version == "1" else v2, a) for a in _team()]


# --------------------------------------------------------------------------- assessments


def test_older_assessments_are_migrated_to_the_newest_version_and_scored_there() -> None:
    h = mm.History.score(_v2(), _team(), models=[_v1()])
    assert (h.model_version, h.versions) == ("2", ("2",))
    # ci.4 (new at level 2) is unknown in the migrated assessments: ci stays at level 1
    assert h.series("team", "ci").levels == (1, 1, 1)
    assert h.series("team", "ci").scores == (1.0, 1.5, 1.5)
    # cd.3 moved down to level 2: unmet there, it holds cd at level 1 until 2024
    assert h.series("team", "cd").levels == (1, 1, 3)
    assert [p.model_version for p in h.profiles("team")] == ["2", "2", "2"]
    assert [r["model_version"] for r in h.to_records() if r["node_id"] == "m"] == [
        "2", "2", "2"]


def test_the_migration_reports_stay_reachable() -> None:
    h = mm.History.score(_v2(), _team(), models=[_v1()])
    assert [m.assessment.date for m in h.migrations] == [D(2023, 1, 1), D(2023, 6, 1)]
    report = h.migrations[1].report
    assert (report.old_version, report.new_version) == ("1", "2")
    assert {(e.status, e.old_id, e.new_id) for e in report.entries} >= {
        ("carried", "ci.1", "build.1"), ("review", "cd.3", "cd.3"), ("new", None, "ci.4")}
    assert dict(h.migrations[1].assessment.answers)["build.1"] is True


def test_the_model_given_may_be_the_older_version() -> None:
    one = mm.History.score(_v2(), _team(), models=[_v1()])
    other = mm.History.score(_v1(), _team(), models=[_v2()])
    assert one.to_records() == other.to_records()


def test_without_the_older_model_mixed_versions_names_migrate_and_models() -> None:
    with pytest.raises(HistoryError) as caught:
        mm.History.score(_v2(), _team(), sources=["a.yaml", "b.yaml", "c.yaml"])
    assert caught.value.codes == ("mixed-versions",)
    assert caught.value.files == ("a.yaml",)
    message = caught.value.problems[0].message
    assert "maturity migrate" in message and "models=" in message


def test_an_invalid_older_assessment_is_reported_not_migrated_silently() -> None:
    bad = mm.Assessment(model="m", model_version="1", subject="team", date=D(2022, 1, 1),
                        answers={"nope": True})
    with pytest.raises(HistoryError) as caught:
        mm.History.score(_v2(), [*_team(), bad], models=[_v1()],
                         sources=["a", "b", "c", "bad"])
    assert (caught.value.codes, caught.value.files) == (("unknown-practice",), ("bad",))


# --------------------------------------------------------------------------- profiles


def test_older_profiles_are_aligned_through_the_diff() -> None:
    h = mm.History(_profiles(), models=[_v1(), _v2()])
    assert (h.model_version, h.versions) == ("2", ("1", "2"))
    assert h.node_ids == ("m", "d", "ci", "cd")
    # under version 1 the team had ci at level 2; version 2 added ci.4 at level 2, unmet
    assert h.series("team", "ci").levels == (1, 2, 1)
    assert h.series("team", "cd").levels == (1, 2, 3)
    assert [r["model_version"] for r in h.to_records() if r["node_id"] == "m"] == [
        "1", "1", "2"]
    frame = h.to_frame()
    assert frame.loc[frame["node_id"] == "m", "model_version"].astype(str).tolist() == [
        "1", "1", "2"]


def test_as_of_gives_each_profile_as_it_was() -> None:
    h = mm.History(_profiles(), models=[_v1(), _v2()])
    (latest,) = h.as_of("2023-12-31")
    assert (latest.model_version, latest["ci"].level) == ("1", 2)
    assert h.first_reached("team", "cd", 3) == D(2024, 1, 1)


def test_a_node_only_the_newest_version_has_no_point_in_older_profiles() -> None:
    v2 = _v2()
    v3 = mm.MaturityModel(id="m", version="3", scale=v2.scale, domains=[
        *v2.domains, mm.Domain(id="ops", items=[mm.CapabilityItem(id="ops.run", practices=[
            mm.Practice(id="ops.1", level=1)])])])
    last = mm.score(v3, mm.Assessment(model="m", model_version="3", subject="team",
                                      date=D(2025, 1, 1), answers={"ops.1": True}))
    h = mm.History([*_profiles(), last], models=[_v1(), v2, v3])
    assert h.series("team", "ops.run").levels == (None, None, None, 3)  # 2 and 3 vacuous
    assert h.series("team", "ops.run").scores == (None, None, None, 3.0)


def test_the_journey_names_the_model_changes_and_pairs_renamed_practices() -> None:
    h = mm.History(_profiles(), models=[_v1(), _v2()])
    journey = h.journey("team")
    assert (journey.start, journey.end) == (D(2023, 1, 1), D(2024, 1, 1))
    ci = journey["ci"]
    assert (ci.start_score, ci.end_score, ci.start_level, ci.end_level) == (1.0, 1.5, 1, 1)
    assert ci.note == "practice ci.4 added at level 2 in 2"
    assert journey["cd"].note == "level 1 → 3: practice cd.3 re-levelled 3 → 2 in 2"
    assert journey["d"].note == journey.overall.note == (
        "cd: level 1 → 3: practice cd.3 re-levelled 3 → 2 in 2; "
        "ci: practice ci.4 added at level 2 in 2")
    changed = {c.practice_id: (c.value_before, c.value_after) for c in journey.practices}
    assert changed == {"ci.2": (0.0, 1.0), "cd.2": (0.0, 1.0), "cd.3": (0.0, 1.0)}
    assert "build.1" not in changed and "ci.1" not in changed  # met on both dates


def test_a_fall_only_the_model_explains_is_not_the_teams() -> None:
    h = mm.History(_profiles(), models=[_v1(), _v2()])
    # 2023-06 → 2024-01: ci lost no answer, but version 2 added ci.4 at level 2 (unmet)
    assert h.regressions() == ()
    falls = h.regressions(include_model_changes=True)
    assert [(r.node_id, r.before, r.after, r.level_before, r.level_after, r.cause)
            for r in falls] == [("m", D(2023, 6, 1), D(2024, 1, 1), 2, 1, "model"),
                                ("d", D(2023, 6, 1), D(2024, 1, 1), 2, 1, "model"),
                                ("ci", D(2023, 6, 1), D(2024, 1, 1), 2, 1, "model")]
    assert falls[2].note == "level 2 → 1: practice ci.4 added at level 2 in 2"
    assert falls[1].note.startswith("cd: level 2 → 3: practice cd.3 re-levelled 3 → 2 in 2; "
                                    "ci: level 2 → 1")
    assert falls[2].to_record()["cause"] == "model"


def test_a_fall_with_a_lost_answer_stays_the_teams() -> None:
    profiles = _profiles()
    worse = mm.score(_v2(), mm.Assessment(
        model="m", model_version="2", subject="team", date=D(2024, 1, 1),
        answers={"build.1": True, "ci.2": False, "cd.1": True, "cd.2": True,
                 "cd.3": True}))
    h = mm.History([*profiles[:2], worse], models=[_v1(), _v2()])
    falls = h.regressions(node_id="ci")
    assert [(r.level_before, r.level_after, r.cause) for r in falls] == [(2, 1, "answers")]
    assert "ci.4" in falls[0].note


def test_velocity_runs_across_versions() -> None:
    h = mm.History(_profiles(), models=[_v1(), _v2()])
    assert h.velocity("team", node_id="cd") == pytest.approx(
        (3.0 - 1.0) / (365 / (365.2425 / 12)))


def test_profiles_without_the_models_are_mixed_versions() -> None:
    with pytest.raises(HistoryError) as caught:
        mm.History(_profiles(), models=[_v2()])
    assert caught.value.codes == ("mixed-versions",)
    assert "'1'" in caught.value.problems[0].message


def test_the_registry_supplies_models_not_given() -> None:
    registry_model = mm.standards.load("caict-devops-cd")
    older = mm.MaturityModel(id=registry_model.id, version="2018", scale=registry_model.scale,
                             domains=registry_model.domains[:1])
    a = mm.Assessment(model=older.id, model_version="2018", subject="t", date=D(2019, 1, 1))
    b = mm.Assessment(model=older.id, model_version="2021", subject="t", date=D(2022, 1, 1))
    h = mm.History.score(older, [a, b])
    assert h.versions == ("2021",) and h.model_version == "2021"
    assert [(m.report.old_version, m.report.new_version) for m in h.migrations] == [
        ("2018", "2021")]


# --------------------------------------------------------------------------- folders


def test_load_migrates_a_folder_of_two_versions(tmp_path: Path) -> None:
    (tmp_path / "team").mkdir()
    for a in _team():
        assert a.date is not None
        (tmp_path / "team" / f"{a.date.isoformat()}.yaml").write_text(mm.dump_assessment(a))
    h = mm.History.load(tmp_path, models=[_v1(), _v2()])
    assert h.series("team", "cd").levels == (1, 1, 3)
    assert len(h.migrations) == 2
    with pytest.raises(HistoryError) as caught:
        mm.History.load(tmp_path, _v2())
    assert caught.value.codes == ("mixed-versions",)
    assert caught.value.files == (str(tmp_path / "team" / "2023-01-01.yaml"),)


def test_load_with_a_model_and_the_models_of_other_versions(tmp_path: Path) -> None:
    (tmp_path / "team").mkdir()
    for a in _team():
        assert a.date is not None
        (tmp_path / "team" / f"{a.date.isoformat()}.yaml").write_text(mm.dump_assessment(a))
    one = mm.History.load(tmp_path, _v2(), models=[_v1()])
    other = mm.History.load(tmp_path, models=[_v2(), _v1()])
    assert one.to_records() == other.to_records()
    assert [m.assessment.model_version for m in one.migrations] == ["2", "2"]


def test_version_problems_need_every_versions_model() -> None:
    from maturity_model.history import version_problems

    entries = [("m", "1", "a"), ("m", "2", "b"), ("m", "3", "c")]
    assert version_problems(entries, {("m", "1"), ("m", "2"), ("m", "3")}) == []
    found = version_problems(entries, {("m", "1"), ("m", "2")})
    assert [(f, p.code) for f, p in found] == [("a", "mixed-versions"), ("b", "mixed-versions")]
    assert all("version '3'" in p.message for _, p in found)


def test_a_regression_record_says_its_cause() -> None:
    h = mm.History(_profiles(), models=[_v1(), _v2()])
    record = h.regressions(node_id="ci", include_model_changes=True)[0].to_record()
    assert {k: record[k] for k in ("node_id", "level_before", "level_after", "cause")} == {
        "node_id": "ci", "level_before": 2, "level_after": 1, "cause": "model"}
    assert record["note"] == "level 2 → 1: practice ci.4 added at level 2 in 2"
