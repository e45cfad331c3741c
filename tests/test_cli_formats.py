"""maturity import / validate --format / score with other tools' files (real reference data)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.cli_run import run


def test_import_samm_then_score_its_toolbox(capsys: pytest.CaptureFixture[str],
                                          reference_dir: Path, tmp_path: Path) -> None:
    pytest.importorskip("openpyxl")
    out = tmp_path / "samm.yaml"
    code, stdout, _ = run(capsys, "import", "samm", reference_dir / "samm" / "core", "-o", out)
    assert code == 0
    assert "imported owasp-samm 2.0 (20 domains, 30 items, 90 practices)" in stdout
    workbook = tmp_path / "team.xlsx"
    shutil.copy(reference_dir / "samm" / "toolbox-spreadsheet" / "resources" /
                "SAMM_spreadsheet.xlsx", workbook)
    code, stdout, _ = run(capsys, "score", out, workbook, "--json")
    assert code == 0
    profile = json.loads(stdout)
    assert profile["model_id"] == "owasp-samm"
    assert {r["node_id"]: r["score"] for r in profile["results"]}["owasp-samm"] == 0.0


def test_import_dsomm_json_summary(capsys: pytest.CaptureFixture[str],
                                   reference_dir: Path) -> None:
    model = next((reference_dir / "dsomm").rglob("generated/model.yaml"))
    code, stdout, _ = run(capsys, "import", "dsomm", model, "--json")
    assert code == 0
    summary = json.loads(stdout)
    assert (summary["domains"], summary["items"], summary["practices"]) == (5, 19, 194)
    assert summary["problems"] == []


def test_validate_format_dsomm_reports_defects(capsys: pytest.CaptureFixture[str],
                                               tmp_path: Path) -> None:
    broken = tmp_path / "model.yaml"
    broken.write_text(
        "Build and Deployment:\n  Build:\n"
        "    Building:\n      uuid: u1\n      level: 1\n      dependsOn: [Testing]\n"
        "    Testing:\n      uuid: u2\n      level: 1\n      dependsOn: [Building]\n")
    code, stdout, _ = run(capsys, "validate", "--format", "dsomm", broken, "--json")
    assert code == 1
    problems = json.loads(stdout)["problems"]
    assert "dependency-cycle" in {p["code"] for p in problems}
    assert all(p["path"].startswith("model.yaml:$") for p in problems)


def test_import_of_a_missing_folder_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "import", "samm", "/no/such/core")
    assert code == 2
    assert "no such file or folder" in err
