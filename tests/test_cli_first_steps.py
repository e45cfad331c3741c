"""A newcomer's first commands: the help and its examples, and the first mistakes.

Every example that ``maturity --help`` and ``maturity COMMAND --help`` show runs as
written; the words in capitals stand for the user's files and are given real ones here.
"""

from __future__ import annotations

import argparse
import json
import shlex
import shutil
import sys
from pathlib import Path

import pytest

from maturity_model import standards
from maturity_model._cli_help import EXAMPLES, FIRST_STEPS
from maturity_model.cli import build_parser, main
from tests.cli_run import run

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = ROOT.parent / "shared" / "reference"
CAICT_MODEL = ROOT / "src/maturity_model/standards/data/caict-devops-cd.yaml"

# The user's files the examples stand for, and where the test takes them from.
PLACEHOLDERS: dict[str, str | Path] = {
    "SUBJECT": "harbour-payments",
    "CERTIFICATES.csv": ROOT / "docs/examples/portfolio.csv",
    "DIR": ROOT / "examples/history",
    "NEWEST.yaml": ROOT / "examples/history/harbour-payments/2024-11-15.yaml",
    "OLD.yaml": CAICT_MODEL,
    "NEW.yaml": CAICT_MODEL,
    "SAMM/core": REFERENCE / "samm/core",
    "DSOMM/generated/model.yaml":
        REFERENCE / "dsomm/DevSecOps-MaturityModel-data/generated/model.yaml",
}
# Examples whose files no test data stands for.
NOT_RUN = {
    "maturity import ciso-assistant LIBRARY.yaml -o csf/",
    "maturity crosswalk MAPPING.yaml PROFILE.json --target samm.yaml",
}


def _commands() -> list[argparse.ArgumentParser]:
    parser = build_parser()
    found = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return [sub for action in found for sub in action.choices.values()]


def test_every_argument_of_every_command_is_explained() -> None:
    bare = [(sub.prog, action.dest) for sub in _commands() for action in sub._actions
            if not action.help or action.help == argparse.SUPPRESS]
    assert bare == []


def test_every_command_shows_examples(capsys: pytest.CaptureFixture[str]) -> None:
    for sub in _commands():
        command = sub.prog.split()[-1]
        code, out, _ = run(capsys, command, "--help")
        assert code == 0
        assert "examples:" in out and f"maturity {command} " in out, command
        assert "exit status: 0 ok, 1 problems found in your files" in out


def test_main_help_shows_the_first_steps(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--help")
    assert code == 0
    for command, _ in FIRST_STEPS:
        assert f"  {command}\n" in out


def _run_line(line: str, capsys: pytest.CaptureFixture[str], cwd: Path) -> int:
    words = shlex.split(line)
    assert words[0] == "maturity"
    target = None
    if ">" in words:
        at = words.index(">")
        words, target = words[:at], words[at + 1]
    for placeholder, source in PLACEHOLDERS.items():
        if placeholder in words:
            if isinstance(source, Path) and not source.exists():
                pytest.skip(f"needs {source}")
            words[words.index(placeholder)] = str(source)
    code = main(words[1:])
    out, err = capsys.readouterr()
    if target is not None:
        (cwd / target).write_text(out, encoding="utf-8")
    assert code == 0, (line, err)
    return code


def test_every_example_runs_as_written(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    for line, _ in FIRST_STEPS:
        _run_line(line, capsys, tmp_path)
    assert (tmp_path / "report.html").is_file()
    ran = 0
    for examples in EXAMPLES.values():
        for line, _ in examples:
            if line in NOT_RUN:
                continue
            _run_line(line, capsys, tmp_path)
            ran += 1
    assert ran == sum(map(len, EXAMPLES.values())) - len(NOT_RUN)
    for written in ("graph.mmd", "model.schema.json", "before.json", "report-zh.html",
                    "report.md", "portfolio.html", "form.xlsx", "migrated"):
        assert (tmp_path / written).exists(), written


def test_standards_example_prints_the_bundled_assessment(
        capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "standards", "example", "caict-devops-cd")
    assert code == 0
    assert out == standards.example_assessment_path("caict-devops-cd").read_text("utf-8")
    code, out, _ = run(capsys, "standards", "example", "dora-four-keys", "--json")
    assert code == 0
    assert json.loads(out)["model"] == "dora-four-keys"


def test_standards_without_a_name_lists_the_names(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "standards", "example")
    assert code == 2
    assert err.startswith("maturity: error: standards example needs a NAME (known: ")
    assert "caict-devops-cd" in err


# --------------------------------------------------------------------------- first mistakes


def test_a_misspelt_standard_name_suggests_the_right_one(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    team = tmp_path / "team.yaml"
    shutil.copy(standards.example_assessment_path("caict-devops-cd"), team)
    code, _, err = run(capsys, "score", "caict-devops", team)
    assert code == 2
    assert err.startswith("maturity: error: caict-devops: no such file")
    assert err.endswith("; did you mean 'caict-devops-cd'?\n")


def test_a_misspelt_file_name_suggests_the_file_beside_it(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    shutil.copy(standards.example_assessment_path("caict-devops-cd"), tmp_path / "team.yaml")
    for command in (["score", "caict-devops-cd"], ["validate"], ["plan", "caict-devops-cd"]):
        code, out, err = run(capsys, *command, tmp_path / "teem.yaml", "--json")
        assert code == 2
        assert err.endswith(f"; did you mean {str(tmp_path / 'team.yaml')!r}?\n"), command
        [problem] = json.loads(out)["problems"]
        assert (problem["code"], problem["file"]) == ("usage", str(tmp_path / "teem.yaml"))


def test_a_file_name_like_no_other_gets_no_suggestion(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    (tmp_path / "team.yaml").write_text("x: 1\n")
    code, _, err = run(capsys, "validate", tmp_path / "portfolio.csv")
    assert code == 2
    assert err == f"maturity: error: {tmp_path / 'portfolio.csv'}: no such file or folder\n"


def test_a_misspelt_practice_id_suggests_the_practice(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    team = tmp_path / "team.yaml"
    team.write_text("format: maturity-assessment/1\nmodel: caict-devops-cd\n"
                    "answers: {cm.vc.vsc.2.1: true, cm.vc.vcs.2.9: true}\n")
    code, _, err = run(capsys, "score", "caict-devops-cd", team)
    assert code == 1
    assert err.splitlines() == [
        f"maturity: error: {team}: $.answers['cm.vc.vsc.2.1']: model 'caict-devops-cd' has "
        "no practice 'cm.vc.vsc.2.1'; did you mean 'cm.vc.vcs.2.1'? [unknown-practice]",
        # Another number is another practice, not a typo: no suggestion.
        f"maturity: error: {team}: $.answers['cm.vc.vcs.2.9']: model 'caict-devops-cd' has "
        "no practice 'cm.vc.vcs.2.9' [unknown-practice]"]


def test_suggestions_stop_after_ten_unknown_practices(tmp_path: Path) -> None:
    import maturity_model as mm

    model = standards.load("caict-devops-cd")
    # The first 12 practice ids with their first two letters swapped: "mc.vc.vcs.1.1".
    ids = [p.id for p in model.practices()][:12]
    answers = {f"{i[1]}{i[0]}{i[2:]}": True for i in ids}
    with pytest.raises(mm.AssessmentValidationError) as info:
        mm.score(model, mm.Assessment(model="caict-devops-cd", answers=answers))
    hinted = [p for p in info.value.problems if "did you mean" in p.message]
    assert len(info.value.problems) == 12 and len(hinted) == 10


def test_a_yaml_indentation_error_names_the_line(capsys: pytest.CaptureFixture[str],
                                                 tmp_path: Path) -> None:
    team = tmp_path / "team.yaml"
    team.write_text("format: maturity-assessment/1\nmodel: caict-devops-cd\nanswers:\n"
                    "  cm.vc.vcs.1.1: true\n cm.vc.vcs.2.1: true\n")
    code, _, err = run(capsys, "score", "caict-devops-cd", team, "--json")
    assert code == 1
    assert err.startswith(f"maturity: error: {team}: $: not valid YAML at line 5, column 2")
    # What to look for, whatever words the parser used.
    assert err.endswith("; look at that line and the one above it for an indentation unlike "
                        "the lines around them, or a missing ':' or closing quote "
                        "[invalid-value]\n")


# --------------------------------------------------------------------------- missing extras


@pytest.mark.parametrize(("module", "argv", "file"), [
    ("openpyxl", ["form", "caict-devops-cd", "-o", "{tmp}/form.xlsx"], "{tmp}/form.xlsx"),
    ("pyarrow", ["score", "caict-devops-cd", "{team}", "-o", "{tmp}/s.parquet"],
     "{tmp}/s.parquet"),
])
def test_a_missing_optional_dependency_is_a_usage_error_naming_the_extra(
        capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        module: str, argv: list[str], file: str) -> None:
    monkeypatch.setitem(sys.modules, module, None)
    team = standards.example_assessment_path("caict-devops-cd")
    args = [a.format(tmp=tmp_path, team=team) for a in argv]
    code, out, err = run(capsys, *args)
    named = file.format(tmp=tmp_path)
    assert (code, out) == (2, "")
    assert err.startswith(f"maturity: error: {named}: this needs the optional dependency "
                          f"'{module}'")
    assert not Path(named).exists()


def test_a_missing_optional_dependency_has_its_own_code_under_json(
        capsys: pytest.CaptureFixture[str], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "openpyxl", None)
    code, out, _ = run(capsys, "form", "caict-devops-cd", "-o", tmp_path / "f.xlsx", "--json")
    assert code == 2
    [problem] = json.loads(out)["problems"]
    assert (problem["code"], problem["severity"], problem["path"], problem["file"]) == (
        "missing-extra", "error", "$", str(tmp_path / "f.xlsx"))


def test_an_assessment_of_another_model_is_one_mismatch_not_an_error_per_answer(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    team = tmp_path / "team.yaml"
    shutil.copy(standards.example_assessment_path("caict-devops-cd"), team)
    code, out, _ = run(capsys, "score", ROOT / "examples/team-basics/model.yaml", team,
                       "--json")
    assert code == 1
    found = [(p["code"], p["path"]) for p in json.loads(out)["problems"]]
    assert found == [("model-mismatch", "$.model"), ("model-mismatch", "$.model_version"),
                     ("unknown-practice", "$.answers")]
    answers = len(standards.example_assessment("caict-devops-cd").answers)
    assert json.loads(out)["problems"][2]["message"].startswith(
        f"{answers} answer(s) name practices model 'team-basics' lacks")


def test_an_output_that_cannot_be_written_is_named_in_the_json_file_field(
        capsys: pytest.CaptureFixture[str]) -> None:
    if not Path("/dev/full").exists():
        pytest.skip("needs /dev/full")
    team = standards.example_assessment_path("caict-devops-cd")
    code, out, err = run(capsys, "score", "caict-devops-cd", team, "--json", "-o", "/dev/full")
    assert code == 2
    assert err == "maturity: error: /dev/full: No space left on device\n"
    [problem] = json.loads(out)["problems"]
    assert (problem["code"], problem["file"], problem["message"]) == (
        "usage", "/dev/full", "No space left on device")


def test_a_report_whose_subject_is_not_in_the_history_says_so(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    team = standards.example_assessment_path("caict-devops-cd")
    history = ROOT / "examples/history"
    code, _, err = run(capsys, "report", "caict-devops-cd", team, "--history", history,
                       "-o", tmp_path / "r.html")
    assert code == 0
    assert err == (f"maturity: warning: {history}: no assessment of subject "
                   "'harbour-bank-payments' (subjects: harbour-payments); the report's "
                   "history section stays empty\n")
    newest = history / "harbour-payments/2024-11-15.yaml"
    code, _, err = run(capsys, "report", "caict-devops-cd", newest, "--history", history,
                       "-o", tmp_path / "r.html")
    assert (code, err) == (0, "")
