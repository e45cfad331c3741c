"""``maturity crosswalk`` and ``maturity schema crosswalk``: values, files and exit statuses."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from maturity_model.serialization import load_assessment
from tests.cli_run import run

CORPUS = Path(__file__).parent / "corpus" / "crosswalk"
REFERENCE = Path(__file__).resolve().parents[2] / "shared" / "reference"
DSOMM_MODEL = REFERENCE / "dsomm" / "DevSecOps-MaturityModel-data" / "generated" / "model.yaml"
SAMM_CORE = REFERENCE / "samm" / "core"


def _args(*more: str | Path) -> list[str | Path]:
    return ["crosswalk", CORPUS / "good.yaml", CORPUS / "team.yaml", "--source",
            CORPUS / "source.yaml", "--target", CORPUS / "target.yaml", *more]


def test_the_estimate_is_written_as_an_assessment_of_the_target(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = run(capsys, *_args("-o", tmp_path / "estimate.yaml"))
    assert (code, err) == (0, "")
    estimate = load_assessment(tmp_path / "estimate.yaml")
    assert (estimate.model, estimate.model_version, estimate.subject) == ("tgt", "2", "team-a")
    assert dict(estimate.answers) == {"t.1": 1.0, "t.2": 0.5}


def test_json_holds_provenance_coverage_and_the_profile(
        capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, *_args("--json", "--partial-cap", "0.25"))
    assert code == 0
    doc = json.loads(out)
    assert doc["coverage"] == {"tgt": 2 / 3, "delivery": 2 / 3, "delivery.pipeline": 2 / 3}
    assert doc["unmapped"] == ["t.3"]
    by_id = {p["practice"]: p for p in doc["practices"]}
    assert (by_id["t.2"]["answer"], by_id["t.2"]["rule"]) == (0.25, "capped")
    assert by_id["t.2"]["sources"] == [{
        "source": "ci.2", "mapping_source": "ci.2", "relationship": "subset",
        "strength": None, "status": "partial", "value": 0.5, "carried": 0.25}]
    assert by_id["t.3"] == {"practice": "t.3", "answer": None, "rule": "unmapped",
                            "sources": []}
    assert doc["problems"] == []
    assert doc["profile"]["format"] == "maturity-profile/1"


def test_a_profile_needs_no_source_model(capsys: pytest.CaptureFixture[str],
                                         tmp_path: Path) -> None:
    code, out, _ = run(capsys, "score", CORPUS / "source.yaml", CORPUS / "team.yaml", "--json")
    assert code == 0
    profile = tmp_path / "profile.json"
    document = json.loads(out)
    profile.write_text(json.dumps(document["profiles"][0] if "profiles" in document
                                  else document), encoding="utf-8")
    code, out, _ = run(capsys, "crosswalk", CORPUS / "good.yaml", profile,
                       "--target", CORPUS / "target.yaml", "--json")
    assert code == 0
    assert json.loads(out)["assessment"]["answers"] == {"t.1": 1.0, "t.2": 0.5}


def test_duplicate_pairs_are_warnings_listed_in_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "crosswalk", CORPUS / "duplicate.yaml", CORPUS / "team.yaml",
                         "--source", CORPUS / "source.yaml", "--target",
                         CORPUS / "target.yaml", "--json")
    assert code == 0
    assert [(p["code"], p["severity"], p["path"]) for p in json.loads(out)["problems"]] == [
        ("duplicate-mapping", "warning", "$.mappings[1]")]
    assert err.startswith("maturity: warning: ")


def test_unknown_ids_stop_the_projection(capsys: pytest.CaptureFixture[str],
                                         tmp_path: Path) -> None:
    code, out, _ = run(capsys, "crosswalk", CORPUS / "unknown-ids.yaml", CORPUS / "team.yaml",
                       "--source", CORPUS / "source.yaml", "--target", CORPUS / "target.yaml",
                       "--json", "-o", tmp_path / "estimate.yaml")
    assert code == 1
    assert [(p["code"], p["path"]) for p in json.loads(out)["problems"]] == [
        ("unresolved-reference", "$.mappings[0].source"),
        ("unresolved-reference", "$.mappings[1].target"),
        ("invalid-value", "$.mappings[1].strength")]
    assert not (tmp_path / "estimate.yaml").exists()


def test_schema_prints_the_crosswalk_schema(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "schema", "crosswalk")
    assert code == 0
    assert json.loads(out)["properties"]["format"] == {"const": "maturity-crosswalk/1"}


def test_dsomm_progress_projects_onto_samm_from_the_real_folders(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    import maturity_model as mm
    from maturity_model.formats import dsomm, samm

    source, target = dsomm.load_model(DSOMM_MODEL), samm.load_model(SAMM_CORE)
    crosswalk = tmp_path / "dsomm-samm.yaml"
    mm.dump_crosswalk(mm.Crosswalk.from_refs(source, target, "samm2"), crosswalk)
    team = tmp_path / "team.yaml"
    mm.dump_assessment(mm.Assessment(model=source.id, subject="team", answers={
        "f6f7737f-25a9-4317-8de2-09bf59f29b5b": True}), team)
    code, out, _ = run(capsys, "crosswalk", crosswalk, team, "--source", DSOMM_MODEL,
                       "--target", SAMM_CORE, "--json")
    assert code == 0
    doc = json.loads(out)
    assert len(doc["unmapped"]) == 40
    by_id = {p["practice"]: p for p in doc["practices"]}
    assert (by_id["I-SB-1-A"]["answer"], by_id["I-SB-1-A"]["rule"]) == (0.0, "minimum")
