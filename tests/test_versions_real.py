"""Model versions on real releases: DSOMM team progress across releases, SAMM toolboxes."""

from __future__ import annotations

import shutil
import warnings
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

import maturity_model as mm
from maturity_model.formats import dsomm, samm
from tests.test_versions import DSOMM_1_25, DSOMM_4_0, DSOMM_4_3, REFERENCE

APP_YAML = REFERENCE / "dsomm" / "DevSecOps-MaturityModel" / "src" / "assets" / "YAML"
SAMM_CORE = REFERENCE / "samm" / "core"
TOOLBOX = REFERENCE / "samm" / "toolbox-spreadsheet" / "resources" / "SAMM_spreadsheet.xlsx"

RELEVELLED = "f2f0f274-c1a0-4501-92fe-7fc4452bc8ad"  # Exploit likelihood estimation, 3 → 2
BUILD = "f6f7737f-25a9-4317-8de2-09bf59f29b5b"  # Defined build process, unchanged
REWORDED = "44f2c8a9-4aaa-4c72-942d-63f78b89f385"  # Treatment of defects with ... severity
ADDED_IN_4_3 = "c4204a32-2545-4424-b524-d1cc52b46abd"


def _quiet(load: Any, *args: Any, **kwargs: Any) -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # older releases have typos the importer resolves
        return load(*args, **kwargs)


@pytest.fixture(scope="module")
def releases() -> Mapping[str, mm.MaturityModel]:
    return {"1.25": _quiet(dsomm.load_model, DSOMM_1_25),
            "4.0": _quiet(dsomm.load_model, DSOMM_4_0),
            "4.3.1": _quiet(dsomm.load_model, DSOMM_4_3)}


@pytest.fixture
def progress(tmp_path: Path) -> Path:
    """A team progress file as the app exports it, recorded against DSOMM 1.25."""
    shutil.copy(APP_YAML / "meta.yaml", tmp_path / "meta.yaml")
    (tmp_path / "default").mkdir()
    shutil.copy(APP_YAML / "default" / "teams.yaml", tmp_path / "default" / "teams.yaml")
    path = tmp_path / "team-progress.yaml"
    path.write_text(f"""progress:
  {RELEVELLED}:
    Team A: {{Fully implemented: 2024-03-01}}
  {BUILD}:
    Team A: {{Started: 2023-01-10, Partly implemented: 2023-06-01}}
    Team B: {{Fully implemented: 2024-02-01}}
  {REWORDED}:
    Team B: {{Started: 2024-01-05}}
""", encoding="utf-8")
    return path


def test_progress_of_1_25_is_carried_to_4_3_1_by_uuid(
        progress: Path, releases: Mapping[str, mm.MaturityModel]) -> None:
    old, new = releases["1.25"], releases["4.3.1"]
    moved = dsomm.migrate_progress(progress, old, new)
    assert list(moved) == ["Team A", "Team B", "Team C", "Team D"]
    team_a = moved["Team A"]
    assert (team_a.assessment.model_version, dict(team_a.assessment.answers)) == (
        "4.3.1", {BUILD: 0.5, RELEVELLED: 1.0})
    flagged = team_a.report.with_status("review")
    assert [(e.old_id, e.reasons, e.detail) for e in flagged] == [
        (RELEVELLED, ("relevelled",), "level 3 → 2")]
    assert dict(team_a.report.summary()) == {"carried": 191, "review": 1, "dropped": 0,
                                             "new": 2}
    assert {e.new_id for e in team_a.report.with_status("new")} == {
        ADDED_IN_4_3, "67e1a9aa-9fbf-4ec5-a2de-400f01960c51"}
    # the reworded activity's text is 0.74 alike, below the 0.8 threshold: flagged
    team_b = moved["Team B"]
    assert [(e.old_id, e.reasons) for e in team_b.report.with_status("review")] == [
        (REWORDED, ("reworded",))]
    assert dict(team_b.assessment.answers) == {BUILD: 1.0, REWORDED: 0.2}
    profile = mm.score(new, team_a.assessment)
    assert profile.practices[RELEVELLED].level == 2


def test_load_progress_from_an_older_release(progress: Path,
                                             releases: Mapping[str, mm.MaturityModel]) -> None:
    with pytest.warns(UserWarning, match=r"Team A: 1 to review, 0 dropped; "
                                         r"Team B: 1 to review, 0 dropped"):
        teams = dsomm.load_progress(progress, model=releases["4.3.1"],
                                    from_model=releases["1.25"])
    assert dict(teams["Team A"].answers) == {BUILD: 0.5, RELEVELLED: 1.0}
    assert teams["Team C"].answers == {}
    with pytest.raises(ValueError, match="from_model needs model"):
        dsomm.load_progress(progress, from_model=releases["1.25"])


def test_progress_going_back_a_release_drops_what_the_older_one_lacks(
        tmp_path: Path, progress: Path, releases: Mapping[str, mm.MaturityModel]) -> None:
    newer = tmp_path / "newer-progress.yaml"
    newer.write_text(f"progress:\n  {ADDED_IN_4_3}:\n    Team A: {{Started: 2025-01-01}}\n"
                     f"  {BUILD}:\n    Team A: {{Fully implemented: 2025-01-01}}\n",
                     encoding="utf-8")
    moved = dsomm.migrate_progress(newer, releases["4.3.1"], releases["4.0"])["Team A"]
    assert [(e.status, e.old_id, e.old_answer) for e in moved.report.with_status("dropped")
            ] == [("dropped", ADDED_IN_4_3, 0.2)]
    assert dict(moved.assessment.answers) == {BUILD: 1.0}


def test_compare_a_team_across_releases(progress: Path,
                                        releases: Mapping[str, mm.MaturityModel]) -> None:
    old, new = releases["1.25"], releases["4.3.1"]
    before = mm.score(old, dsomm.load_progress(progress, model=old)["Team A"])
    after = mm.score(new, dsomm.migrate_progress(progress, old, new)["Team A"].assessment)
    diff = mm.compare(before, after, diff=mm.diff_models(old, new))
    item = diff["build-and-deployment.deployment"]
    assert [c.kind for c in item.changes] == ["added", "added", "requirements",
                                              "requirements", "requirements", "requirements"]
    assert item.model_note("4.3.1").startswith(
        "practice 67e1a9aa-9fbf-4ec5-a2de-400f01960c51 added at level 1 in 4.3.1")
    assert {d.status for d in diff} <= {"unchanged", "improved", "regressed"}


# --- SAMM ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def samm_model() -> mm.MaturityModel:
    return samm.load_model(SAMM_CORE)


def test_the_2_0_toolbox_differs_from_the_model_in_nine_activities(
        samm_model: mm.MaturityModel) -> None:
    pytest.importorskip("openpyxl")
    old = _quiet(samm.toolbox_model, TOOLBOX, samm_model)
    assert old.version == "2.0.10 toolbox"
    changed = mm.diff_models(old, samm_model).with_kind("answer-set")
    assert sorted(c.old_id or "" for c in changed if c.node == "practice") == [
        "D-TA-3-A", "D-TA-3-B", "G-PC-3-A", "G-PC-3-B", "G-SM-2-A", "G-SM-3-A", "G-SM-3-B",
        "O-OM-3-A", "V-ST-3-B"]


def test_a_toolbox_answer_is_carried_by_value_and_reported(
        samm_model: mm.MaturityModel, tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    book = _quiet(openpyxl.load_workbook, TOOLBOX)
    sheet = book["Interview"]
    rows = {row[0].value: row[0].row for row in sheet.iter_rows(min_col=1, max_col=1)
            if isinstance(row[0].value, str)}
    sheet.cell(row=rows["G-SM-A-2-1"], column=6).value = "Yes, we review it annually"
    sheet.cell(row=rows["G-SM-A-1-1"], column=6).value = "Yes, for most"
    filled = tmp_path / "filled.xlsx"
    book.save(filled)
    moved = _quiet(samm.migrate_toolbox, filled, samm_model, unanswered="unknown")
    (review,) = moved.report.with_status("review")
    assert (review.old_id, review.old_answer, review.new_answer, review.reasons) == (
        "G-SM-2-A", "Yes, we review it annually",
        "Yes, we have a plan that can be used for decision making", ("answer-set",))
    assert moved.assessment.model_version == samm_model.version
    plain = _quiet(samm.load_toolbox, filled, model=samm_model, unanswered="unknown")
    assert mm.score(samm_model, moved.assessment).overall.score == pytest.approx(
        mm.score(samm_model, plain).overall.score)
