"""A DSOMM team followed from release 1.25 to 4.3.1 in one history."""

from __future__ import annotations

import datetime
import shutil
from collections.abc import Mapping
from pathlib import Path

import attrs
import pytest

import maturity_model as mm
from maturity_model.formats import dsomm
from tests.test_versions import DSOMM_1_25, DSOMM_4_3
from tests.test_versions_real import APP_YAML, BUILD, RELEVELLED, _quiet

ITEM = "test-and-verification.static-depth-for-applications"  # holds RELEVELLED


@pytest.fixture(scope="module")
def releases() -> Mapping[str, mm.MaturityModel]:
    return {"1.25": _quiet(dsomm.load_model, DSOMM_1_25),
            "4.3.1": _quiet(dsomm.load_model, DSOMM_4_3)}


@pytest.fixture
def team_a(tmp_path: Path, releases: Mapping[str, mm.MaturityModel]) -> list[mm.Assessment]:
    """Team A in 2023 against 1.25, and in 2024 against 4.3.1 with the same answers."""
    shutil.copy(APP_YAML / "meta.yaml", tmp_path / "meta.yaml")
    path = tmp_path / "team-progress.yaml"
    path.write_text(f"progress:\n  {RELEVELLED}:\n    Team A: {{Fully implemented: 2023-03-01}}\n"
                    f"  {BUILD}:\n    Team A: {{Partly implemented: 2023-06-01}}\n",
                    encoding="utf-8")
    old = dsomm.load_progress(path, model=releases["1.25"])["Team A"]
    new = dsomm.load_progress(path, model=releases["4.3.1"])["Team A"]
    return [attrs.evolve(old, date=datetime.date(2023, 7, 1)),
            attrs.evolve(new, date=datetime.date(2024, 7, 1))]


def test_a_dsomm_team_across_releases_in_one_history(
        team_a: list[mm.Assessment], releases: Mapping[str, mm.MaturityModel]) -> None:
    old, new = releases["1.25"], releases["4.3.1"]
    migrated = mm.History.score(new, team_a, models=[old])
    assert (migrated.model_version, len(migrated.migrations)) == ("4.3.1", 1)
    report = migrated.migrations[0].report
    assert [(e.old_id, e.reasons) for e in report.with_status("review")] == [
        (RELEVELLED, ("relevelled",))]
    # migrated, the 2023 answers score as 4.3.1 scores them: nothing moved
    assert migrated.series("Team A", ITEM).scores == (1.25, 1.25)
    assert migrated.regressions() == ()

    aligned = mm.History([mm.score(old, team_a[0]), mm.score(new, team_a[1])],
                         models=[old, new])
    assert aligned.versions == (old.version, "4.3.1")
    assert aligned.series("Team A", ITEM).scores == (1.0, 1.25)
    journey = aligned.journey("Team A")
    assert journey[ITEM].note == f"practice {RELEVELLED} re-levelled 3 → 2 in 4.3.1"
    assert journey.practices == ()  # the same answers on both dates
