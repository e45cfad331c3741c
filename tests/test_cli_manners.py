"""Command-line manners: --version, error lines that name their file, --json failures,
validate's stages, level names and the one sentence about the overall result."""

from __future__ import annotations

import json
from importlib import metadata
from pathlib import Path
from typing import Any

import pytest

import maturity_model as mm
from maturity_model._escape import md_cell
from maturity_model._phrases import overall_sentence
from maturity_model.report import render_html, render_markdown
from tests.cli_run import run

CASES = Path(__file__).parent / "corpus" / "cli"
MODEL = CASES / "model.yaml"
BROKEN = CASES / "broken-assessment.yaml"
GOOD = CASES / "good-assessment.yaml"


# --------------------------------------------------------------------------- --version


def test_version_prints_the_package_version(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "--version")
    assert (code, err) == (0, "")
    assert out == f"maturity {metadata.version('maturity_model')}\n"


def test_version_without_package_metadata_says_unknown(
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    def missing(name: str) -> str:
        raise metadata.PackageNotFoundError(name)

    monkeypatch.setattr(metadata, "version", missing)
    code, out, _ = run(capsys, "--version")
    assert (code, out) == (0, "maturity unknown\n")


# --------------------------------------------------------------------------- error lines


def test_problems_of_an_assessment_name_the_file(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "plan", MODEL, BROKEN, "--target", "2")
    assert (code, out) == (1, "")
    assert err == (f"maturity: error: {BROKEN}: $.colour: unknown field 'colour' "
                   "[unknown-field]\n")


def test_an_assessment_that_does_not_fit_names_the_file(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    team = tmp_path / "team.yaml"
    team.write_text("model: pipes\nanswers: {build.ci.9: true}\n")
    code, _, err = run(capsys, "report", MODEL, team, "-o", tmp_path / "r.html")
    assert code == 1
    assert err == (f"maturity: error: {team}: $.answers['build.ci.9']: model 'pipes' has no "
                   "practice 'build.ci.9' [unknown-practice]\n")
    assert not (tmp_path / "r.html").exists()


def test_warnings_start_with_maturity_too(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "validate", DATA_EMPTY_ITEM)
    assert code == 0
    assert out.splitlines()[0].startswith(f"maturity: warning: {DATA_EMPTY_ITEM}: $.domains")


DATA_EMPTY_ITEM = Path(__file__).parent / "data" / "empty-item.yaml"


@pytest.mark.parametrize("fmt", ["table", "csv", "json"])
def test_lenient_dropped_answers_are_warning_lines_naming_the_file(
        capsys: pytest.CaptureFixture[str], tmp_path: Path, fmt: str) -> None:
    team = tmp_path / "team.yaml"
    team.write_text("model: pipes\nanswers: {build.ci.1: true, build.ci.9: true}\n")
    code, _, err = run(capsys, "score", MODEL, team, "--lenient", "-q", "--format", fmt)
    assert code == 0
    assert err == (f"maturity: warning: {team}: $.answers['build.ci.9']: model 'pipes' has "
                   "no practice 'build.ci.9'; the answer is dropped [unknown-practice]\n")


# --------------------------------------------------------------------------- --json failures


def problems(out: str) -> list[dict[str, Any]]:
    doc = json.loads(out)
    assert doc["valid"] is False
    return list(doc["problems"])


def test_json_usage_error_on_a_file_is_a_problem_on_stdout(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    missing = tmp_path / "nope.yaml"
    code, out, err = run(capsys, "score", MODEL, missing, "--json")
    assert code == 2
    assert problems(out) == [{"code": "usage", "severity": "error", "path": "$",
                              "message": "no such file or folder", "file": str(missing)}]
    assert err == f"maturity: error: {missing}: no such file or folder\n"


def test_json_argument_mistake_is_a_usage_problem(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "score", "--json")
    assert code == 2
    (problem,) = problems(out)
    assert (problem["code"], problem["file"]) == ("usage", None)
    assert "maturity: error: " in err


def test_json_problems_found_carry_their_file(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "plan", MODEL, BROKEN, "--target", "2", "--json")
    assert code == 1
    assert problems(out) == [{"code": "unknown-field", "severity": "error",
                              "path": "$.colour", "message": "unknown field 'colour'",
                              "file": str(BROKEN)}]


def test_json_score_with_one_broken_file_keeps_the_profiles_that_scored(
        capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "score", MODEL, GOOD, BROKEN, "--json")
    assert code == 1
    doc = json.loads(out)
    assert [(p["code"], p["file"]) for p in doc["problems"]] == [
        ("unknown-field", str(BROKEN))]
    assert [p["subject"] for p in doc["profiles"]] == ["team-b"]
    assert doc["profiles"][0]["results"][0]["level_name"] == "below level 1"


def test_json_compare_of_two_models_is_a_model_mismatch(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    data = Path(__file__).parent / "data"
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    run(capsys, "score", MODEL, GOOD, "--json", "-o", a)
    run(capsys, "score", data / "valid-model.yaml", data / "valid-assessment.yaml", "--json",
        "-o", b)
    code, out, err = run(capsys, "compare", a, b, "--json")
    assert code == 1
    (problem,) = problems(out)
    assert (problem["code"], problem["file"]) == ("model-mismatch", f"{a}, {b}")
    assert err.startswith(f"maturity: error: {a}, {b}: $.model: ")


# --------------------------------------------------------------------------- validate stages


def test_validate_shows_an_unknown_field_and_the_checks_behind_it(
        capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "validate", CASES / "field-and-cycle.yaml", "--json")
    assert code == 1
    assert [(p["code"], p["severity"], p["path"]) for p in problems(out)] == [
        ("unknown-field", "error", "$.colour"),
        ("empty-item", "warning", "$.domains[0].items[2].practices"),
        ("level-inversion", "warning", "$.domains[0].items[0].practices[0].requires[0]"),
        ("dependency-cycle", "error", "$.domains[0].items[0].practices[0].requires"),
    ]


def test_validate_shows_warnings_next_to_check_errors(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    model = tmp_path / "m.yaml"
    model.write_text("id: m\ndomains:\n- id: d\n  items:\n  - {id: i, practices: []}\n"
                     "  - {id: i, practices: [{id: p, level: 1}]}\n")
    code, out, _ = run(capsys, "validate", model, "--json")
    assert code == 1
    assert [p["code"] for p in problems(out)] == ["duplicate-id", "empty-item"]


def test_validate_checks_an_assessment_with_an_unknown_field_against_its_model(
        capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "validate", BROKEN, "--model", MODEL, "--json")
    assert code == 1
    assert [(p["code"], p["path"]) for p in problems(out)] == [
        ("unknown-field", "$.colour"), ("unknown-practice", "$.answers['build.ci.9']")]


def test_a_value_that_does_not_structure_stops_at_the_first_stage(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    model = tmp_path / "m.yaml"
    model.write_text("id: m\ncolour: red\ndomains:\n- id: d\n  items:\n"
                     "  - {id: i, practices: [{id: p, level: high}]}\n")
    code, out, _ = run(capsys, "validate", model, "--json")
    assert code == 1
    assert [p["code"] for p in problems(out)] == ["invalid-value", "unknown-field"]


# --------------------------------------------------------------------------- level names


def test_score_json_has_level_names_and_compare_reads_it_back(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    out_file = tmp_path / "p.json"
    assert run(capsys, "score", MODEL, GOOD, "--json", "-o", out_file)[0] == 0
    doc = json.loads(out_file.read_text())
    assert {r["node_id"]: (r["level"], r["level_name"]) for r in doc["results"]} == {
        "pipes": (0, "below level 1"), "build": (0, "below level 1"),
        "build.ci": (3, "Defined"), "build.cd": (0, "below level 1")}
    code, out, _ = run(capsys, "compare", out_file, out_file, "--json")
    assert code == 0
    assert json.loads(out)["summary"]["unchanged"] == 4
    assert run(capsys, "validate", out_file)[0] == 0


def test_the_table_shows_level_names(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, "score", MODEL, GOOD)
    row = next(line for line in out.splitlines() if line.startswith("    build.ci "))
    assert row.split()[-4:] == ["3", "(Defined)", "3.00", "3/3"]


def test_result_records_carry_the_level_name() -> None:
    from maturity_model._tables import result_record

    profile = mm.score(mm.load_model(MODEL), mm.load_assessment(GOOD))
    record = result_record(profile["build.ci"], profile.scale)
    assert (record["level"], record["level_name"]) == (3, "Defined")


def test_to_frame_has_a_level_name_column() -> None:
    profile = mm.score(mm.load_model(MODEL), mm.load_assessment(GOOD))
    assert profile.to_frame().loc["build.ci", "level_name"] == "Defined"


# --------------------------------------------------------------------------- overall sentence


def three_items() -> tuple[mm.MaturityModel, mm.Profile]:
    model = mm.MaturityModel(
        id="m", name="M", scale=mm.LevelScale.of("Initial", "Managed", "Defined"),
        rules=mm.ModelRules(domain=mm.Minimum()),
        dependencies="report",
        domains=[mm.Domain(id="d", items=[
            mm.CapabilityItem(id=f"i{n}", practices=[
                mm.Practice(id=f"i{n}.{lv}", level=lv,
                            requires=["i0.3"] if (n, lv) == (2, 1) else [])
                for lv in (1, 2, 3)]) for n in range(3)])])
    answers: dict[str, Any] = {f"i{n}.{lv}": True for n in range(3) for lv in (1, 2, 3)}
    answers.update({"i0.2": 0.5, "i0.3": False})
    return model, mm.score(model, mm.Assessment(model="m", answers=answers))


def test_overall_sentence_says_what_holds_the_level_down() -> None:
    _, profile = three_items()
    assert (profile.overall.level, round(profile.overall.score or 0, 2)) == (1, 1.5)
    # minimum: score 1.5 and level 1 agree, nothing to explain
    assert overall_sentence(profile) == "Level 1 (Initial), score 1.50"


def test_overall_sentence_with_a_mean_score_far_above_the_level() -> None:
    model, _ = three_items()
    model = mm.MaturityModel(id=model.id, scale=model.scale, domains=model.domains,
                             rules=mm.ModelRules(domain=mm.Mean(level="min")))
    answers: dict[str, Any] = {f"i{n}.{lv}": True for n in range(3) for lv in (1, 2, 3)}
    answers.update({"i0.2": 0.5, "i0.3": False})
    profile = mm.score(model, mm.Assessment(model="m", answers=answers))
    assert overall_sentence(profile) == (
        "Level 1 (Initial), score 2.50 — the level is that of the weakest of 3 assessed "
        "items; 1 is at level 1, e.g. i0")


def test_every_display_says_the_overall_result_the_same_way(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    from maturity_model import standards

    model = standards.load("caict-devops-cd")
    profile = mm.score(model, standards.example_assessment("caict-devops-cd"))
    sentence = overall_sentence(profile)
    assert sentence == ("Level 1 (Initial), score 2.34 — the level is that of the weakest of "
                        "49 assessed items; 9 are at level 1, e.g. cm.vc.artifact")
    example = (Path(standards.__file__).parent / "data"
               / "caict-devops-cd.example-assessment.yaml")
    _, table, _ = run(capsys, "score", "caict-devops-cd", example)
    _, markdown, _ = run(capsys, "score", "caict-devops-cd", example, "--format", "markdown")
    assert f"overall: {sentence}; " in table
    assert f"**Overall: {md_cell(sentence)}**" in markdown
    assert f"**Overall: {md_cell(sentence)}**" in render_markdown(model, profile)
    assert f"Overall: {sentence}</p>" in render_html(model, profile)
    assert f"<b>{sentence}</b>" in profile._repr_html_()
    explained = profile.explain().splitlines()
    assert explained[2:4] == [
        "  lowest child level 1 (Initial): cm, tm, drm, env, dm",
        "  the level is that of the weakest of 49 assessed items; 9 are at level 1, "
        "e.g. cm.vc.artifact"]


# --------------------------------------------------------------------------- violations


def test_reports_list_dependency_violations() -> None:
    model, profile = three_items()
    assert [str(v) for v in profile.violations] == [
        "i2.1 requires i0.3, which is not met (i0.3)"]
    page = render_html(model, profile)
    assert ("<tr><td><code>i2.1</code></td><td><code>i0.3</code></td><td>i0.3</td></tr>"
            in page)
    assert "1 practice has credit while a prerequisite is not met." in page
    text = render_markdown(model, profile)
    assert "## Dependency violations" in text
    assert "| `i2.1` | `i0.3` | i0.3 |" in text


def test_reports_without_violations_have_no_violation_section() -> None:
    model, profile = three_items()
    answers = {f"i{n}.{lv}": True for n in range(3) for lv in (1, 2, 3)}
    clean = mm.score(model, mm.Assessment(model="m", answers=answers))
    assert "Dependency violations" not in render_html(model, clean)
    assert "Dependency violations" not in render_markdown(model, clean)
    assert profile.violations


def test_unknown_fields_are_set_aside_by_their_paths() -> None:
    from maturity_model._cli_validate import without_unknown_fields
    from maturity_model.errors import Problem

    doc: dict[str, Any] = {"id": "m", "answer_sets": {"c'v": [{"label": "No", "value": 0, "x": 1}]},
           "domains": [{"id": "d", "items": [{"id": "i"}, {"id": "j", "colour": "red"}]}]}
    found = [Problem.of("unknown-field", path, "unknown field")
             for path in ("$.answer_sets[\"c'v\"][0].x", "$.domains[0].items[1].colour")]
    assert without_unknown_fields(doc, found) == {
        "id": "m", "answer_sets": {"c'v": [{"label": "No", "value": 0}]},
        "domains": [{"id": "d", "items": [{"id": "i"}, {"id": "j"}]}]}
    assert doc["domains"][0]["items"][1]["colour"] == "red"  # the document is not changed
    lost = [Problem.of("unknown-field", "$.domains[5].colour", "unknown field")]
    assert without_unknown_fields(doc, lost) is None
    assert without_unknown_fields(doc, []) is None


def test_reports_under_enforce_list_what_counts_as_not_met() -> None:
    model, _ = three_items()
    model = mm.MaturityModel(id=model.id, scale=model.scale, domains=model.domains,
                             rules=model.rules, dependencies="enforce")
    answers: dict[str, Any] = {f"i{n}.{lv}": True for n in range(3) for lv in (1, 2, 3)}
    answers.update({"i0.2": 0.5, "i0.3": False})
    profile = mm.score(model, mm.Assessment(model="m", answers=answers))
    assert [(b.practice, b.by) for b in profile.blocked] == [("i2.1", ("i0.3",))]
    page = render_html(model, profile)
    assert ("Policy <code>enforce</code> counts 1 of them as not met:</p><table><thead><tr>"
            "<th>Practice</th><th>Blocked by</th></tr></thead><tbody><tr><td><code>i2.1</code>"
            "</td><td>i0.3</td></tr>") in page
    text = render_markdown(model, profile)
    assert "Policy `enforce` counts 1 of them as not met:\n\n| Practice | Blocked by |" in text
    assert "| `i2.1` | i0.3 |" in text
