"""``maturity import ciso-assistant`` and ``validate --format ciso-assistant``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

import maturity_model as mm
from maturity_model.crosswalk import check as check_crosswalk
from maturity_model.serialization import load_assessment, load_crosswalk
from tests.cli_run import run

REFERENCE = Path(__file__).resolve().parents[2] / "shared" / "reference" / "ciso-assistant"


@pytest.fixture(scope="module")
def ref() -> Path:
    if not (REFERENCE / "nist-csf-2.0.yaml").is_file():
        pytest.skip(f"the CISO Assistant reference data is not beside the checkout "
                    f"({REFERENCE})")
    return REFERENCE


def test_import_writes_models_crosswalks_and_audits_to_a_folder(
        ref: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    audit = tmp_path / "audit.csv"
    audit.write_text("ref_id,result,score\nGV.OC-01,compliant,3\nGV.OC-02,,9\n",
                     encoding="utf-8")
    out = tmp_path / "out"
    code, stdout, stderr = run(
        capsys, "import", "ciso-assistant", ref / "nist-csf-2.0.yaml",
        ref / "iso27001-2022.yaml", ref / "mapping-nist-csf-2.0-to-iso27001-2022.yaml",
        audit, "-o", out)
    assert code == 0, stderr
    assert sorted(p.name for p in out.iterdir()) == [
        "audit.assessment.yaml", "iso27001-2022-to-nist-csf-2.0.yaml", "iso27001-2022.yaml",
        "nist-csf-2.0-to-iso27001-2022.yaml", "nist-csf-2.0.yaml"]
    csf, iso = mm.load_model(out / "nist-csf-2.0.yaml"), mm.load_model(out / "iso27001-2022.yaml")
    crosswalk = load_crosswalk(out / "nist-csf-2.0-to-iso27001-2022.yaml")
    assert (crosswalk.source_version, crosswalk.target_version) == ("6", "18")
    assert len(crosswalk.mappings) == 341 and check_crosswalk(crosswalk, csf, iso) == ()
    assessment = load_assessment(out / "audit.assessment.yaml")
    assert mm.score(csf, assessment)["gv.oc-02"].level == 4
    lines = stderr.splitlines()
    assert sum("[duplicate-mapping]" in line for line in lines) == 4
    assert [line.split(" score ")[0] for line in lines if "[level-off-scale]" in line] == [
        f"maturity: warning: {audit}: audit.csv:$[2].score:"]
    assert stdout.count("wrote ") == 5


def test_import_one_library_prints_its_model(ref: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    code, stdout, _ = run(capsys, "import", "ciso-assistant", ref / "ict-minimal.yaml",
                          "--to", "json")
    assert code == 0
    doc = json.loads(stdout)
    assert (doc["id"], doc["version"], [lv["value"] for lv in doc["scale"]]) == (
        "ict-minimal", "1", [0, 1, 2, 3, 4])


def test_import_of_several_documents_needs_a_folder(ref: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    code, stdout, stderr = run(capsys, "import", "ciso-assistant",
                               ref / "mapping-nist-csf-2.0-to-iso27001-2022.yaml", "--json")
    assert code == 2
    assert stderr.startswith("maturity: error:") and "-o DIR" in stderr
    assert json.loads(stdout)["problems"][0]["code"] == "usage"


def test_import_json_summary(ref: Path, tmp_path: Path,
                             capsys: pytest.CaptureFixture[str]) -> None:
    code, stdout, _ = run(capsys, "import", "ciso-assistant", ref / "owasp-asvs-4.0.3.yaml",
                          "-o", tmp_path, "--json")
    assert code == 0
    doc = json.loads(stdout)
    assert (doc["valid"], doc["models"], doc["crosswalks"], doc["written"]) == (
        True, ["owasp-asvs-4.0.3"], [], [str(tmp_path / "owasp-asvs-4.0.3.yaml")])


def test_a_bad_library_exits_1_naming_the_file(tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump({"urn": "urn:a:risk:library:x", "ref_id": "x", "name": "x",
                                   "version": 1, "objects": {"framework": {
                                       "urn": "urn:a:risk:framework:x", "ref_id": "x",
                                       "requirement_nodes": [{"urn": "urn:a:b:c:d:n1"}]}}}),
                   encoding="utf-8")
    out = tmp_path / "out"
    code, _, stderr = run(capsys, "import", "ciso-assistant", bad, "-o", out)
    assert code == 1
    assert stderr.startswith(f"maturity: error: {bad}: bad.yaml:$.objects.framework."
                             f"requirement_nodes[0].assessable:")
    assert "[invalid-value]" in stderr and not out.exists()


def test_an_audit_without_its_framework_is_a_usage_error(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    audit = tmp_path / "audit.csv"
    audit.write_text("ref_id,score\nA,1\n", encoding="utf-8")
    code, _, stderr = run(capsys, "import", "ciso-assistant", audit)
    assert code == 2 and stderr.startswith(f"maturity: error: {audit}:")


def test_an_audit_that_fits_no_framework_lists_its_problems(
        ref: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    audit = tmp_path / "audit.csv"
    audit.write_text("ref_id,score\nNOPE,1\n", encoding="utf-8")
    code, _, stderr = run(capsys, "import", "ciso-assistant", ref / "ict-minimal.yaml", audit,
                          "-o", tmp_path / "out")
    assert code == 1
    assert stderr.startswith(f"maturity: error: {audit}: audit.csv:$[1]:")
    assert "[unknown-practice]" in stderr


def test_samm_and_dsomm_still_take_one_source(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, stderr = run(capsys, "import", "dsomm", "a.yaml", "b.yaml")
    assert code == 2 and "reads one source, not 2" in stderr


def test_validate_reports_a_library_as_json(ref: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    code, stdout, _ = run(capsys, "validate", "--format", "ciso-assistant",
                          ref / "mapping-nist-csf-2.0-and-scf-2025.2.2.yaml", "--json")
    assert code == 0 and json.loads(stdout) == {"valid": True, "problems": []}
    code, stdout, _ = run(capsys, "validate", "--format", "ciso-assistant",
                          ref / "mapping-nist-csf-2.0-to-iso27001-2022.yaml", "--json")
    doc = json.loads(stdout)
    assert code == 0 and doc["valid"] is True
    assert [p["code"] for p in doc["problems"]] == ["duplicate-mapping"] * 4


def test_a_library_of_one_framework_is_a_model_argument(
        ref: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    audit = tmp_path / "a.yaml"
    audit.write_text("format: maturity-assessment/1\nmodel: nist-csf-2.0\nsubject: t\n"
                     "answers: {'gv.oc-01#1': true, 'gv.oc-01#2': true}\n", encoding="utf-8")
    code, stdout, _ = run(capsys, "score", ref / "nist-csf-2.0.yaml", audit, "--json")
    assert code == 0
    results = {r["node_id"]: r for r in json.loads(stdout)["results"]}
    assert results["gv.oc-01"]["level"] == 2
    code, _, stderr = run(capsys, "score", ref / "mapping-nist-csf-2.0-to-iso27001-2022.yaml",
                          audit)
    assert code == 1
    assert "mapping-nist-csf-2.0-to-iso27001-2022.yaml:$.objects: holds no framework" in stderr


def test_output_names_from_urns_stay_inside_the_folder(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    library = tmp_path / "lib.yaml"
    library.write_text(yaml.safe_dump({
        "urn": "urn:a:risk:library:x", "ref_id": "x", "name": "x", "version": 1,
        "objects": {"framework": {"urn": "urn:a:risk:framework:../../evil", "ref_id": "x",
                                  "requirement_nodes": [{"urn": "urn:a:b:c:d:n1",
                                                         "assessable": True}]}}}),
        encoding="utf-8")
    out = tmp_path / "deep" / "out"
    code, _, stderr = run(capsys, "import", "ciso-assistant", library, "-o", out)
    assert code == 0, stderr
    assert [p.name for p in out.iterdir()] == ["evil.yaml"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["deep", "lib.yaml"]
