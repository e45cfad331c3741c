"""``maturity history DIR --model OLD --model NEW``: a folder of two model versions."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

import maturity_model as mm
from tests.cli_run import run
from tests.test_history_versions import _profiles, _team, _v1, _v2


def _folder(tmp_path: Path, *, profiles: bool = False) -> Path:
    folder = tmp_path / "history"
    (folder / "team").mkdir(parents=True)
    mm.dump_model(_v1(), tmp_path / "v1.yaml")
    mm.dump_model(_v2(), tmp_path / "v2.yaml")
    if profiles:
        for p in _profiles():
            assert p.date is not None
            mm.dump_profile(p, folder / "team" / f"{p.date.isoformat()}.json")
    else:
        for a in _team():
            assert a.date is not None
            mm.dump_assessment(a, folder / "team" / f"{a.date.isoformat()}.yaml")
    return folder


def test_several_models_migrate_the_older_assessments(tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    folder = _folder(tmp_path)
    code, out, err = run(capsys, "history", folder, "--model", tmp_path / "v1.yaml",
                         "--model", tmp_path / "v2.yaml", "--node", "cd", "--format", "csv")
    assert (code, err) == (0, "")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [(r["date"], r["model_version"], r["level"]) for r in rows] == [
        ("2023-01-01", "2", "1"), ("2023-06-01", "2", "1"), ("2024-01-01", "2", "3")]


def test_one_model_of_two_versions_is_mixed_versions(tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    folder = _folder(tmp_path)
    code, _, err = run(capsys, "history", folder, "--model", tmp_path / "v2.yaml")
    assert code == 1
    assert "[mixed-versions]" in err and "--model" in err and "maturity migrate" in err
    assert f"maturity: error: {folder / 'team' / '2023-01-01.yaml'}" in err


def test_aligned_profiles_keep_their_version_and_name_the_model_changes(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = _folder(tmp_path, profiles=True)
    models = ["--model", str(tmp_path / "v1.yaml"), "--model", str(tmp_path / "v2.yaml")]
    code, out, _ = run(capsys, "history", folder, *models, "--node", "ci", "--json")
    assert code == 0
    doc = json.loads(out)
    assert (doc["model_version"], doc["versions"]) == ("2", ["1", "2"])
    (team,) = doc["subjects"]
    assert [(p["model_version"], p["level"]) for p in team["series"]] == [
        ("1", 1), ("1", 2), ("2", 1)]
    assert team["journey"]["note"] == "practice ci.4 added at level 2 in 2"
    assert team["regressions"] == []  # ci fell 2 → 1 only because version 2 added ci.4
    code, out, _ = run(capsys, "history", folder, *models, "--node", "cd")
    assert code == 0
    assert "team — m 1 → 2, node cd" in out
    assert "model changes: level 1 → 3: practice cd.3 re-levelled 3 → 2 in 2" in out
