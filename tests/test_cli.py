"""The maturity command: exit codes, JSON output, no tracebacks for bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli_run import run

DATA = Path(__file__).parent / "data"




def test_validate_valid_model(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "validate", DATA / "valid-model.yaml")
    assert code == 0
    assert out.strip().endswith("valid (0 errors, 0 warnings)")


def test_validate_json_lists_problems_with_code_and_path(
        capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "validate", DATA / "duplicate-id.yaml", "--json")
    assert code == 1
    doc = json.loads(out)
    assert doc["valid"] is False
    assert doc["problems"] == [{
        "code": "duplicate-id", "severity": "error",
        "path": "$.domains[1].items[0].practices[0].id",
        "message": "practice id 'cm.vcs.1.1' is already used at "
                   "$.domains[0].items[0].practices[0].id",
        "file": str(DATA / "duplicate-id.yaml")}]


def test_validate_warnings_only_is_valid(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "validate", DATA / "empty-item.yaml", "--json")
    assert code == 0
    assert [p["code"] for p in json.loads(out)["problems"]] == ["empty-item"]


def test_validate_assessment_against_a_model(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "validate", DATA / "unknown-practice.yaml", "--model",
                       DATA / "valid-model.yaml", "--json")
    assert code == 1
    assert [(p["code"], p["path"]) for p in json.loads(out)["problems"]] == [
        ("unknown-practice", "$.answers['build.ci.9.9']")]


def test_validate_missing_file_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "validate", DATA / "nope.yaml")
    assert code == 2
    assert err.startswith("maturity: error: ") and "no such file" in err


def test_validate_garbage_is_a_problem_not_a_traceback(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "garbage.yaml"
    path.write_text("{{{{ : : :\n")
    code, out, err = run(capsys, "validate", path, "--json")
    assert code == 1
    assert json.loads(out)["problems"][0]["path"] == "$"
    assert "Traceback" not in err


def test_unknown_command_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "frobnicate")
    assert code == 2
    assert "invalid choice" in err


def test_schema_prints_json_schema(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "schema", "model")
    assert code == 0
    assert json.loads(out)["properties"]["format"] == {"const": "maturity-model/1"}


def test_score_table(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "score", DATA / "valid-model.yaml", DATA / "valid-assessment.yaml")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "payments-team — Mini continuous delivery 1.0, 2026-11-01"
    assert lines[5].split() == ["cm.vcs", "Version", "control", "2", "(Foundation)", "2.50",
                                "3/3"]
    assert ("overall: Level 0 (below level 1), score 1.50 — the level is that of the weakest "
            "of 2 assessed items; 1 is at level 0, e.g. build.ci; 4 of 5 practices answered "
            "(0 unknown, 1 n/a)") in out


def test_score_json_is_a_profile(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "score", DATA / "valid-model.yaml",
                       DATA / "valid-assessment.yaml", "--json")
    assert code == 0
    doc = json.loads(out)
    assert doc["format"] == "maturity-profile/1"
    assert {r["node_id"]: r["level"] for r in doc["results"]} == {
        "mini-cd": 0, "cm": 2, "cm.vcs": 2, "build": 0, "build.ci": 0}


def test_score_csv_and_markdown(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, "score", DATA / "valid-model.yaml",
                    DATA / "valid-assessment.yaml", "--format", "csv")
    assert out.splitlines()[2] == ("payments-team,cm,domain,Configuration management,2,2.5,2,1,"
                                   "0,0,0,2026-11-01,mini-cd,1.0")
    _, out, _ = run(capsys, "score", DATA / "valid-model.yaml",
                    DATA / "valid-assessment.yaml", "--format", "markdown")
    assert ("| &nbsp;&nbsp;&nbsp;&nbsp;`cm.vcs` | Version control | Level 2 (Foundation) | 2.50 "
            "| 3/3 |") in out


def test_score_bad_assessment_exits_1_with_problems(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "score", DATA / "valid-model.yaml", DATA / "model-mismatch.yaml")
    assert code == 1
    assert out == ""
    assert "model-mismatch" in err


def test_score_unknown_model_name(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "score", "no-such-model", DATA / "valid-assessment.yaml")
    assert code == 2
    assert "no such file, and no standard of that name" in err


def test_console_script_runs_as_a_module() -> None:
    result = subprocess.run([sys.executable, "-m", "maturity_model.cli", "validate",
                             str(DATA / "level-off-scale.yaml")],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 1
    assert "[level-off-scale]" in result.stdout


def test_score_streams_a_csv_table_to_a_file(capsys: pytest.CaptureFixture[str],
                                             tmp_path: Path) -> None:
    table = tmp_path / "teams.csv"
    table.write_text("subject,cm.vcs.1.1,cm.vcs.2.1,build.ci.1.1\n"
                     "team-a,true,0.5,n/a\nteam-b,1,,yes\nteam-c,2,1,1\n")
    out = tmp_path / "scores.csv"
    code, stdout, err = run(capsys, "score", DATA / "valid-model.yaml", table, "-o", out)
    assert code == 1  # team-c answered 2
    assert stdout == ""
    assert f"maturity: error: {table}:4: $.answers['cm.vcs.1.1']: answer 2.0" in err
    rows = out.read_text().splitlines()
    assert rows[0].startswith("subject,node_id,kind")
    assert rows[1] == "team-a,mini-cd,model,Mini continuous delivery,1,1.5,1,1,0,1,2,,mini-cd,1.0"
    assert len(rows) == 1 + 2 * 5
    assert oct(out.stat().st_mode & 0o777) == "0o644"


def test_score_a_folder_and_json_lines(capsys: pytest.CaptureFixture[str],
                                       tmp_path: Path) -> None:
    folder = tmp_path / "teams"
    folder.mkdir()
    for n in range(3):
        (folder / f"t{n}.yaml").write_text(
            f"model: mini-cd\nsubject: t{n}\nanswers: {{cm.vcs.1.1: {n > 0}}}\n")
    jsonl = tmp_path / "more.jsonl"
    jsonl.write_text('{"subject": "j1", "answers": {"build.ci.1.1": 0.5}}\n\nnot json\n')
    code, stdout, err = run(capsys, "score", DATA / "valid-model.yaml", folder, jsonl,
                            "--format", "jsonl")
    assert code == 1
    assert f"maturity: error: {jsonl}:3: $: not valid JSON" in err
    docs = [json.loads(line) for line in stdout.splitlines()]
    assert [d["subject"] for d in docs] == ["t0", "t1", "t2", "j1"]
    assert [d["results"][0]["score"] for d in docs] == [0.0, 1.0, 1.0, 0.5]


def test_score_missing_input_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "score", DATA / "valid-model.yaml", "nowhere/")
    assert code == 2
    assert "nowhere/: no such file or folder" in err


PLANNING = DATA / "planning"


def test_plan_json_lists_waves_and_percent(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "plan", PLANNING / "cd-model.yaml",
                       PLANNING / "team-before.yaml", "--target", "3", "--json")
    assert code == 0
    doc = json.loads(out)
    assert doc["percent_to_target"] == pytest.approx(60.0)
    assert [w["number"] for w in doc["waves"]] == [1, 2, 3, 4]
    assert sum(len(w["practices"]) for w in doc["waves"]) == 12


def test_plan_needs_a_target(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "plan", PLANNING / "cd-model.yaml", PLANNING / "team-before.yaml")
    assert code == 2
    assert "--target" in err


def test_compare_profiles_and_assessments(capsys: pytest.CaptureFixture[str],
                                          tmp_path: Path) -> None:
    _, before, _ = run(capsys, "score", DATA / "valid-model.yaml",
                       DATA / "valid-assessment.yaml", "--json")
    (tmp_path / "before.json").write_text(before)
    after = tmp_path / "after.yaml"
    after.write_text((DATA / "valid-assessment.yaml").read_text().replace(
        "build.ci.1.1: 0.5", "build.ci.1.1: true"))
    code, out, _ = run(capsys, "compare", tmp_path / "before.json", after,
                       "--model", DATA / "valid-model.yaml", "--json")
    assert code == 0
    doc = json.loads(out)
    statuses = {n["node_id"]: n["status"] for n in doc["nodes"]}
    assert statuses == {"mini-cd": "improved", "cm": "unchanged", "cm.vcs": "unchanged",
                        "build": "improved", "build.ci": "improved"}
    code, _, err = run(capsys, "compare", tmp_path / "before.json", after)
    assert code == 2
    assert "give --model" in err


def test_compare_refuses_profiles_of_two_models(capsys: pytest.CaptureFixture[str],
                                                tmp_path: Path) -> None:
    _, one, _ = run(capsys, "score", DATA / "valid-model.yaml",
                    DATA / "valid-assessment.yaml", "--json")
    (tmp_path / "a.json").write_text(one)
    (tmp_path / "b.json").write_text(one.replace('"mini-cd"', '"other"'))
    code, _, err = run(capsys, "compare", tmp_path / "a.json", tmp_path / "b.json")
    assert code == 1
    assert "Traceback" not in err
    assert "mini-cd" in err


@pytest.mark.parametrize(("fmt", "start"), [("dot", "digraph"), ("mermaid", "flowchart"),
                                            ("graphml", "<graphml")])
def test_graph_exports(capsys: pytest.CaptureFixture[str], fmt: str, start: str) -> None:
    code, out, _ = run(capsys, "graph", DATA / "valid-model.yaml", "--format", fmt)
    assert code == 0
    assert out.lstrip().startswith(start)
    assert "cm.vcs.2.1" in out


def test_report_command_writes_html_and_markdown(capsys: pytest.CaptureFixture[str],
                                                 tmp_path: Path) -> None:
    html = tmp_path / "report.html"
    code, out, _ = run(capsys, "report", DATA / "valid-model.yaml",
                       DATA / "valid-assessment.yaml", "--target", "2", "-o", html)
    assert code == 0
    assert out.strip() == f"wrote {html}"
    text = html.read_text(encoding="utf-8")
    assert text.lstrip().lower().startswith("<!doctype html>")
    assert "Overall: Level 0" in text
    md = tmp_path / "report.md"
    code, _, _ = run(capsys, "report", DATA / "valid-model.yaml",
                     DATA / "valid-assessment.yaml", "-o", md)
    assert code == 0
    assert "**Overall: Level 0" in md.read_text(encoding="utf-8")
    code, _, err = run(capsys, "report", DATA / "valid-model.yaml",
                       DATA / "valid-assessment.yaml", "-o", tmp_path / "report.pdf")
    assert code == 2
    assert "written as .html or .md" in err


def test_csv_output_is_the_object_engines_to_the_byte(capsys: pytest.CaptureFixture[str],
                                                       tmp_path: Path) -> None:
    """``--format csv`` is written from the batch engine; it must equal ``mm.score``'s rows."""
    import io
    import random

    import maturity_model as mm
    from maturity_model._cli_batch import StreamWriter, iter_assessments

    model = mm.standards.load("caict-devops-cd")
    ids = [p.id for p in model.practices()]
    rnd = random.Random(5)
    lines = [",".join(["subject", *ids])]
    for n in range(60):
        cells = [rnd.choice(["yes", "no", "0.5", "0.25", "n/a", ""]) for _ in ids]
        if n == 7:
            cells[3] = "maybe"  # a bad row is reported and skipped, the rest go on
        lines.append(",".join([f"team{n}", *cells]))
    table = tmp_path / "teams.csv"
    table.write_text("\n".join(lines) + "\n")
    out = tmp_path / "levels.csv"
    code, _, err = run(capsys, "score", "caict-devops-cd", table, "-o", out)
    assert code == 1
    assert err.count(f"maturity: error: {table}:9: $.answers") == 1
    expected = io.StringIO()
    writer = StreamWriter(expected, "csv")
    for _, assessment in iter_assessments([str(table)], model):
        try:
            assert isinstance(assessment, mm.Assessment)
            writer.write(mm.score(model, assessment))
        except mm.AssessmentValidationError:
            continue
    assert out.read_text() == expected.getvalue()
    assert len(out.read_text().splitlines()) == 1 + 59 * (1 + len(model.node_ids()))
