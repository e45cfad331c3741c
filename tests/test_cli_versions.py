"""``maturity diff`` and ``maturity migrate``: outputs, files written, exit statuses."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
import yaml

from tests.cli_run import run
from tests.test_versions import DSOMM_1_25, DSOMM_4_3

CORPUS = Path(__file__).parent / "corpus" / "versions"
OLD, NEW, TEAM = CORPUS / "old.yaml", CORPUS / "new.yaml", CORPUS / "team.yaml"


def test_diff_json_lists_every_change(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "diff", OLD, NEW, "--json")
    assert code == 0
    doc = json.loads(out)
    assert doc["old"] == {"model": "m", "version": "1"}
    assert doc["new"] == {"model": "m", "version": "2"}
    assert doc["summary"] == {"added": 3, "removed": 2}
    assert [(c["kind"], c["node"], c["old_id"], c["new_id"]) for c in doc["changes"]] == [
        ("removed", "item", "old", None), ("added", "item", None, "new"),
        ("removed", "practice", "old.1", None), ("added", "practice", None, "ci.3"),
        ("added", "practice", None, "new.1")]


def test_diff_markdown(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "diff", OLD, NEW, "--format", "markdown")
    assert code == 0
    assert out.splitlines()[:3] == ["# m 1 → m 2", "", "3 added, 2 removed"]
    assert "| removed | practice | `old.1` | — | practice at level 1 of 'old' |" in out


def test_diff_of_a_model_with_itself_says_so(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "diff", OLD, OLD) == (0, "m 1 → m 1: no changes\n", "")


def test_diff_reads_dsomm_releases(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "diff", DSOMM_1_25, DSOMM_4_3, "--json")
    assert code == 0
    assert json.loads(out)["summary"] == {"added": 2, "relevelled": 1, "reworded": 4,
                                          "requirements": 9}


def test_migrate_one_assessment_to_standard_output(capsys: pytest.CaptureFixture[str]
                                                   ) -> None:
    code, out, err = run(capsys, "migrate", OLD, NEW, TEAM)
    assert code == 0
    assert yaml.safe_load(out) == {
        "format": "maturity-assessment/1", "model": "m", "model_version": "2",
        "subject": "payments", "answers": {"ci.1": True, "ci.2": 0.5}}
    assert err == f"maturity: {TEAM}: 2 carried, 0 review, 1 dropped, 2 new\n"


def test_migrate_into_a_folder_with_a_report(tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    second = tmp_path / "team-b.json"
    second.write_text(json.dumps({"format": "maturity-assessment/1", "model": "m",
                                  "subject": "b", "answers": {"old.1": "n/a"}}),
                      encoding="utf-8")
    out_dir, report = tmp_path / "out", tmp_path / "report.json"
    code, out, _ = run(capsys, "migrate", OLD, NEW, TEAM, second, "-o", out_dir,
                       "--mapping", CORPUS / "good-mapping.yaml", "--report", report)
    assert code == 0
    assert out.splitlines() == [
        f"{TEAM} → {out_dir / 'team.yaml'}: 3 carried, 0 review, 0 dropped, 1 new",
        f"{second} → {out_dir / 'team-b.json'}: 3 carried, 0 review, 0 dropped, 1 new"]
    assert yaml.safe_load((out_dir / "team.yaml").read_text(encoding="utf-8"))["answers"] == {
        "ci.1": True, "ci.2": 0.5, "new.1": True}
    assert json.loads((out_dir / "team-b.json").read_text(encoding="utf-8"))["answers"] == {
        "new.1": "n/a"}
    runs = json.loads(report.read_text(encoding="utf-8"))["assessments"]
    assert [r["subject"] for r in runs] == ["payments", "b"]
    assert runs[0]["entries"][2] == {
        "status": "carried", "old_id": "old.1", "new_id": "new.1", "old_answer": True,
        "new_answer": True, "reasons": "mapping", "detail": ""}


def test_migrate_report_as_csv(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    report = tmp_path / "report.csv"
    code, _, _ = run(capsys, "migrate", OLD, NEW, TEAM, "--report", report)
    assert code == 0
    with report.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [(r["status"], r["old_id"], r["new_id"], r["old_answer"]) for r in rows] == [
        ("carried", "ci.1", "ci.1", "true"), ("carried", "ci.2", "ci.2", "0.5"),
        ("dropped", "old.1", "", "true"), ("new", "", "ci.3", ""), ("new", "", "new.1", "")]


def test_migrate_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "migrate", OLD, NEW, TEAM, "--json")
    assert code == 0
    doc = json.loads(out)
    assert doc["new"] == {"model": "m", "version": "2"}
    (one,) = doc["assessments"]
    assert one["summary"] == {"carried": 2, "review": 0, "dropped": 1, "new": 2}
    assert one["assessment"]["answers"] == {"ci.1": True, "ci.2": 0.5}
    assert one["output"] is None


def test_score_of_an_older_version_names_migrate(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "score", NEW, TEAM, "--json")
    assert code == 1
    problems = json.loads(out)["problems"]
    assert (problems[0]["code"], problems[0]["path"]) == ("model-mismatch",
                                                              "$.model_version")
    assert "maturity migrate" in problems[0]["message"]
