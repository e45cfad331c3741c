"""The OWASP DSOMM importer: the generated model file and the app's team progress."""

from __future__ import annotations

import datetime
import shutil
import textwrap
from pathlib import Path
from typing import Any

import pytest
import yaml

import maturity_model as mm
from maturity_model import AssessmentValidationError, MaturityModel, ModelValidationError
from maturity_model.errors import DependencyCycleError, Problem
from maturity_model.formats import dsomm

REFERENCE = Path(__file__).resolve().parents[2] / "shared" / "reference" / "dsomm"
MODEL_FILE = REFERENCE / "DevSecOps-MaturityModel-data" / "generated" / "model.yaml"
APP_YAML = REFERENCE / "DevSecOps-MaturityModel" / "src" / "assets" / "YAML"

U1 = "00000000-0000-0000-0000-000000000001"
U2 = "00000000-0000-0000-0000-000000000002"
U3 = "00000000-0000-0000-0000-000000000003"
BUILD = "model.yaml:$['Build and Deployment'].Build"


@pytest.fixture(scope="module")
def reference_file() -> Path:
    if not MODEL_FILE.is_file():
        pytest.skip(f"the DSOMM reference data is not beside the checkout ({MODEL_FILE})")
    return MODEL_FILE


@pytest.fixture(scope="module")
def model(reference_file: Path) -> MaturityModel:
    return dsomm.load_model(reference_file)


@pytest.fixture(scope="module")
def activities(reference_file: Path) -> dict[str, dict[str, Any]]:
    """The reference file read plainly: uuid -> activity, with its name and place."""
    _, data = yaml.safe_load_all(reference_file.read_text(encoding="utf-8"))
    found: dict[str, dict[str, Any]] = {}
    for dimension, subs in data.items():
        for sub, acts in subs.items():
            for name, act in acts.items():
                found[act["uuid"]] = {**act, "name": name, "dimension": dimension,
                                      "sub": sub}
    return found


def _write(folder: Path, body: str, name: str = "model.yaml") -> Path:
    path = folder / name
    path.write_text(textwrap.dedent(body).lstrip("\n"), encoding="utf-8")
    return path


def _codes(problems: tuple[Problem, ...]) -> list[tuple[str, str, str]]:
    return [(p.code, p.severity, p.path) for p in problems]


SMALL = f"""
---
meta:
  version: 9.9.9
  released: "2026-01-01"
---
Build and Deployment:
  Build:
    Defined build process:
      uuid: {U1}
      level: 1
      difficultyOfImplementation: {{knowledge: 2, time: 3, resources: 1}}
      usefulness: 4
    Pinning of artifacts:
      uuid: {U2}
      level: 2
      dependsOn:
        - {U1}  # by uuid
Culture and Organization:
  Process:
    Defined deployment process:
      uuid: {U3}
      level: 1
      dependsOn: [Defined build process]  # by name, as older releases wrote it
"""


# --------------------------------------------------------------------------- reference


def test_reference_model_has_the_published_shape(model: MaturityModel,
                                                   reference_file: Path) -> None:
    edges = sum(len(p.requires) for p in model.practices())
    assert (len(model.domains), len(model.items()), len(list(model.practices())),
            edges) == (5, 19, 194, 123)
    assert dsomm.check_file(reference_file) == ()
    assert mm.check(model) == ()
    assert (model.id, model.version) == ("owasp-dsomm", "4.3.1")
    assert model.scale.values == (1, 2, 3, 4, 5)
    assert model.metadata["released"] == "2026-05-19"


def test_reference_activities_map_one_to_one(model: MaturityModel,
                                             activities: dict[str, dict[str, Any]]) -> None:
    assert {p.id for p in model.practices()} == set(activities)
    for practice in model.practices():
        activity = activities[practice.id]
        assert practice.text == activity["name"]
        assert practice.level == activity["level"]
        assert practice.requires == tuple(activity.get("dependsOn") or ())
        assert practice.weight == 1.0
        difficulty = activity["difficultyOfImplementation"]
        assert practice.effort == pytest.approx(
            (difficulty["knowledge"] + difficulty["time"] + difficulty["resources"]) / 3)
        item = model.item_of(practice.id)
        assert item.name == activity["sub"]
        assert model.node(model.parent_of(item.id)).name == activity["dimension"]


def test_ids_are_slugs_of_the_names(model: MaturityModel) -> None:
    assert [d.id for d in model.domains] == [
        "build-and-deployment", "culture-and-organization", "implementation",
        "information-gathering", "test-and-verification"]
    assert model.domains[0].items[0].id == "build-and-deployment.build"
    assert model.domain("test-and-verification").name == "Test and Verification"


def test_usefulness_as_weight(reference_file: Path,
                              activities: dict[str, dict[str, Any]]) -> None:
    weighted = dsomm.load_model(reference_file, weights="usefulness")
    assert {p.id: p.weight for p in weighted.practices()} == {
        uuid: float(a["usefulness"]) for uuid, a in activities.items()}


# --------------------------------------------------------------------------- small files


def test_small_model_resolves_uuids_and_names(tmp_path: Path) -> None:
    path = _write(tmp_path, SMALL)
    model = dsomm.load_model(path)
    assert dsomm.check_file(path) == ()
    assert model.version == "9.9.9"
    assert model.practice(U2).requires == (U1,)
    assert model.practice(U3).requires == (U1,)
    assert model.practice(U1).effort == 2.0
    assert [i.id for i in model.items()] == ["build-and-deployment.build",
                                            "culture-and-organization.process"]


def test_file_without_meta_document(tmp_path: Path) -> None:
    body = SMALL.split("---\n", 2)[2]
    model = dsomm.load_model(_write(tmp_path, body))
    assert model.version == ""
    assert len(list(model.practices())) == 3


def test_dependency_cycle(tmp_path: Path) -> None:
    path = _write(tmp_path, SMALL.replace(
        "      level: 1\n      difficultyOfImplementation",
        f"      level: 1\n      dependsOn: [{U2}]\n      difficultyOfImplementation"))
    with pytest.raises(DependencyCycleError) as info:
        dsomm.load_model(path)
    assert info.value.cycle == (U1, U2, U1)
    problems = dsomm.check_file(path)
    cycle = [p for p in problems if p.code == "dependency-cycle"]
    assert _codes(tuple(cycle)) == [
        ("dependency-cycle", "error", f"{BUILD}['Defined build process'].dependsOn")]
    # the cycle also has a level-1 activity needing a level-2 one
    assert ("level-inversion", "warning",
            f"{BUILD}['Defined build process'].dependsOn[0]") in _codes(problems)


def test_self_dependency_is_a_cycle(tmp_path: Path) -> None:
    path = _write(tmp_path, SMALL.replace(f"        - {U1}  # by uuid", f"        - {U2}"))
    assert _codes(dsomm.check_file(path)) == [
        ("dependency-cycle", "error", f"{BUILD}['Pinning of artifacts'].dependsOn")]


def test_reference_to_a_missing_activity(tmp_path: Path) -> None:
    path = _write(tmp_path, SMALL.replace("[Defined build process]",
                                          "[Defined build process, No such activity]"))
    with pytest.raises(ModelValidationError) as info:
        dsomm.load_model(path)
    assert _codes(info.value.problems) == [(
        "unresolved-reference", "error",
        "model.yaml:$['Culture and Organization'].Process['Defined deployment process']"
        ".dependsOn[1]")]
    assert "'No such activity'" in info.value.problems[0].message


def test_case_mismatched_name_is_resolved_with_a_warning(tmp_path: Path) -> None:
    path = _write(tmp_path, SMALL.replace("[Defined build process]",
                                          "[defined  Build Process]"))
    model = dsomm.load_model(path)  # a warning does not stop loading
    assert model.practice(U3).requires == (U1,)
    problems = dsomm.check_file(path)
    assert _codes(problems) == [(
        "unresolved-reference", "warning",
        "model.yaml:$['Culture and Organization'].Process['Defined deployment process']"
        ".dependsOn[0]")]
    assert "'Defined build process'" in problems[0].message


def test_duplicate_uuid(tmp_path: Path) -> None:
    path = _write(tmp_path, SMALL.replace(f"uuid: {U3}", f"uuid: {U1}"))
    with pytest.raises(ModelValidationError) as info:
        dsomm.load_model(path)
    assert _codes(info.value.problems) == [(
        "duplicate-id", "error",
        "model.yaml:$['Culture and Organization'].Process['Defined deployment process'].uuid")]
    assert f"{BUILD}['Defined build process'].uuid" in info.value.problems[0].message


def test_duplicate_activity_name(tmp_path: Path) -> None:
    path = _write(tmp_path, SMALL.replace("    Pinning of artifacts:",
                                          "    Defined build process:"))
    problems = dsomm.check_file(path)
    assert _codes(problems) == [("duplicate-id", "error", f"{BUILD}['Defined build process']")]
    assert "line 13" in problems[0].message


def test_level_inversion_is_a_warning(tmp_path: Path) -> None:
    path = _write(tmp_path, SMALL.replace("      dependsOn: [Defined build process]",
                                          "      dependsOn: [Pinning of artifacts]"))
    model = dsomm.load_model(path)
    assert model.practice(U3).requires == (U2,)
    assert _codes(dsomm.check_file(path)) == [(
        "level-inversion", "warning",
        "model.yaml:$['Culture and Organization'].Process['Defined deployment process']"
        ".dependsOn[0]")]


def test_levels_off_scale_or_not_numbers(tmp_path: Path) -> None:
    body = SMALL.replace("      level: 2", "      level: 7").replace(
        f"      uuid: {U3}\n      level: 1", f"      uuid: {U3}\n      level: two")
    assert _codes(dsomm.check_file(_write(tmp_path, body))) == [
        ("level-off-scale", "error", f"{BUILD}['Pinning of artifacts'].level"),
        ("invalid-value", "error",
         "model.yaml:$['Culture and Organization'].Process['Defined deployment process']"
         ".level")]


def test_bad_fields_are_reported_at_their_place(tmp_path: Path) -> None:
    body = (SMALL.replace("knowledge: 2", "knowledge: hard")
            .replace("usefulness: 4", "usefulness: -1")
            .replace(f"      uuid: {U2}\n", "")
            .replace("[Defined build process]", "Defined build process"))
    problems = dsomm.check_file(_write(tmp_path, body))
    assert _codes(problems) == [
        ("invalid-value", "error", f"{BUILD}['Pinning of artifacts'].uuid"),
        ("invalid-value", "error",
         f"{BUILD}['Defined build process'].difficultyOfImplementation.knowledge"),
        ("invalid-value", "error", f"{BUILD}['Defined build process'].usefulness"),
        ("invalid-value", "error",
         "model.yaml:$['Culture and Organization'].Process['Defined deployment process']"
         ".dependsOn")]


def test_empty_sub_dimension_is_a_warning(tmp_path: Path) -> None:
    path = _write(tmp_path, SMALL + "  Empty one:\n")
    assert _codes(dsomm.check_file(path)) == [(
        "empty-item", "warning", "model.yaml:$['Culture and Organization']['Empty one']")]
    dsomm.load_model(path)


@pytest.mark.parametrize(("body", "path"), [
    ("Build: [1, 2\n", "model.yaml:$"),
    ("- a list\n", "model.yaml:$"),
    ("a: 1\n---\nb: 2\n---\nc: 3\n", "model.yaml:$"),
    ("Build and Deployment: 3\n", "model.yaml:$['Build and Deployment']"),
    ("Build and Deployment:\n  Build: [x]\n", BUILD),
    ("Build and Deployment:\n  Build:\n    X: 1\n", f"{BUILD}.X"),
    ("Build and Deployment:\n  Build:\n    X: {uuid: a, level: 1, dependsOn: 3}\n",
     f"{BUILD}.X.dependsOn"),
    ("Build and Deployment:\n  Build:\n    X: {uuid: a, level: 1, dependsOn: [[1]]}\n",
     f"{BUILD}.X.dependsOn[0]"),
    ("? [a]\n: 1\n", "model.yaml:$"),
    ("a: &a [*a]\n", "model.yaml:$"),
])
def test_broken_files_never_crash(tmp_path: Path, body: str, path: str) -> None:
    file = _write(tmp_path, body)
    problems = dsomm.check_file(file)
    assert path in [p.path for p in problems]
    assert {p.code for p in problems} <= {"invalid-value", "empty-item"}
    with pytest.raises(ModelValidationError):
        dsomm.load_model(file)


def test_missing_file_and_folder(tmp_path: Path) -> None:
    assert _codes(dsomm.check_file(tmp_path / "nope.yaml")) == [
        ("invalid-value", "error", "nope.yaml:$")]
    assert dsomm.check_file(tmp_path)[0].message.startswith("is a folder")
    with pytest.raises(ModelValidationError):
        dsomm.load_model(tmp_path / "nope.yaml")


# --------------------------------------------------------------------------- progress


@pytest.fixture
def app(tmp_path: Path) -> Path:
    """A copy of the app's meta.yaml and teams.yaml, to put progress files beside."""
    if not (APP_YAML / "meta.yaml").is_file():
        pytest.skip(f"the DSOMM app files are not beside the checkout ({APP_YAML})")
    (tmp_path / "default").mkdir()
    shutil.copy(APP_YAML / "meta.yaml", tmp_path / "meta.yaml")
    shutil.copy(APP_YAML / "default" / "teams.yaml", tmp_path / "default" / "teams.yaml")
    return tmp_path


def _states() -> list[str]:
    """The app's progress states, from 0% to 100%."""
    meta = yaml.safe_load((APP_YAML / "meta.yaml").read_text(encoding="utf-8"))
    definition = meta["progressDefinition"]
    return sorted(definition, key=lambda t: float(str(definition[t]["score"]).rstrip("%")))


def test_empty_progress_template_gives_one_assessment_per_team(model: MaturityModel) -> None:
    if not (APP_YAML / "team-progress.yaml").is_file():
        pytest.skip("the DSOMM app files are not beside the checkout")
    teams = dsomm.load_progress(APP_YAML / "team-progress.yaml", model=model)
    declared = yaml.safe_load((APP_YAML / "default" / "teams.yaml").read_text())["teams"]
    assert list(teams) == declared
    assert all(dict(a.answers) == {} for a in teams.values())
    assert teams[declared[0]].model_version == "4.3.1"


def test_progress_states_become_answer_values(app: Path, model: MaturityModel) -> None:
    none, started, partly, fully = _states()
    uuid_started = "f6f7737f-25a9-4317-8de2-09bf59f29b5b"  # Defined build process
    pinning = "f3c4971e-9f4d-4e59-8ed0-f0bdb6262477"
    progress = _write(app, f"""
        progress:
          {uuid_started}:  # Defined build process
            'Team A':
              '{started}': 2026-01-10
              '{partly}': 2026-02-10
            'Team E':
              '{fully}': 2026-03-01
          {pinning}:
            'Team A':
              '{none}': 2026-01-01
          'building and testing of artifacts in VIRTUAL environments':
            'Team B':
              '{started}': 2025-12-24
        """, "team-progress.yaml")
    teams = dsomm.load_progress(progress, model=model)
    assert list(teams) == ["Team A", "Team B", "Team C", "Team D", "Team E"]
    assert dict(teams["Team A"].answers) == {uuid_started: 0.5, pinning: 0.0}
    assert teams["Team A"].date == datetime.date(2026, 2, 10)
    assert dict(teams["Team B"].answers) == {"a340f46b-6360-4cb8-847b-a0d3483d09d3": 0.2}
    assert dict(teams["Team E"].answers) == {uuid_started: 1.0}
    assert (teams["Team C"].date, dict(teams["Team C"].answers)) == (None, {})

    without_model = dsomm.load_progress(progress, meta=app / "meta.yaml")
    assert without_model["Team A"].model_version is None
    assert "building and testing of artifacts in VIRTUAL environments" in \
        without_model["Team B"].answers


def test_coverage_is_the_heat_map(app: Path, model: MaturityModel) -> None:
    fully, started = _states()[3], _states()[1]
    build = model.item("build-and-deployment.build")
    level_one = [p.id for p in build.practices if p.level == 1]
    level_two = [p.id for p in build.practices if p.level == 2]
    lines = ["progress:"]
    lines += [f"  {uuid}:\n    'Team A':\n      '{fully}': 2026-01-01" for uuid in level_one]
    lines += [f"  {level_two[0]}:\n    'Team A':\n      '{started}': 2026-01-01"]
    progress = _write(app, "\n".join(lines) + "\n", "team-progress.yaml")
    team = dsomm.load_progress(progress, model=model)["Team A"]
    result = mm.score(model, team)["build-and-deployment.build"]
    assert result.coverage[1] == 1.0
    assert result.coverage[2] == pytest.approx(0.2 / len(level_two))
    assert result.coverage[3] == 0.0
    assert result.level == 1
    assert result.score == pytest.approx(1 + 0.2 / len(level_two))
    everything = dsomm.load_progress(progress, model=model, unanswered="not-met")
    assert len(everything["Team A"].answers) == 194
    assert len(everything["Team D"].answers) == 194


def test_unknown_activities_and_states(app: Path, model: MaturityModel) -> None:
    fully = _states()[3]
    progress = _write(app, f"""
        progress:
          not-an-activity:
            'Team A':
              '{fully}': 2026-01-01
          f6f7737f-25a9-4317-8de2-09bf59f29b5b:
            'Team A':
              'Half done': 2026-01-01
        """, "team-progress.yaml")
    with pytest.raises(AssessmentValidationError) as info:
        dsomm.load_progress(progress, model=model)
    assert _codes(info.value.problems) == [
        ("unknown-practice", "error", "team-progress.yaml:$.progress['not-an-activity']"),
        ("invalid-value", "error",
         "team-progress.yaml:$.progress['f6f7737f-25a9-4317-8de2-09bf59f29b5b']"
         "['Team A']['Half done']")]
    with pytest.warns(UserWarning, match="not-an-activity"):
        teams = dsomm.load_progress(progress, model=model, strict=False)
    assert dict(teams["Team A"].answers) == {}


def test_progress_needs_its_meta(tmp_path: Path) -> None:
    progress = _write(tmp_path, "progress:\n", "team-progress.yaml")
    with pytest.raises(AssessmentValidationError, match=r"meta\.yaml"):
        dsomm.load_progress(progress)
    _write(tmp_path, "progressDefinition:\n  Nothing: {score: 0%}\n  Half: {score: 150%}\n",
           "meta.yaml")
    with pytest.raises(AssessmentValidationError) as info:
        dsomm.load_progress(progress)
    assert _codes(info.value.problems) == [
        ("invalid-value", "error", "meta.yaml:$.progressDefinition.Half.score"),
        ("invalid-value", "error", "meta.yaml:$.progressDefinition")]
    with pytest.raises(ValueError, match="needs the model"):
        dsomm.load_progress(progress, unanswered="not-met")


def test_progress_with_plain_numbers_and_inline_teams(tmp_path: Path) -> None:
    _write(tmp_path, "teams: [Red, Blue]\nprogressDefinition:\n  'no': {score: 0}\n"
                     "  'half': {score: 0.5}\n  'yes': {score: 1}\n", "meta.yaml")
    progress = _write(tmp_path, f"progress:\n  {U1}:\n    Blue:\n      half: 2026-05-01\n",
                      "team-progress.yaml")
    teams = dsomm.load_progress(progress)
    assert list(teams) == ["Red", "Blue"]
    assert dict(teams["Blue"].answers) == {U1: 0.5}
    assert teams["Blue"].model == "owasp-dsomm"
