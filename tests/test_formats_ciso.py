"""CISO Assistant libraries: frameworks as models, mapping sets as crosswalks, audits."""

from __future__ import annotations

import json
import random
import warnings
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import maturity_model as mm
from maturity_model import AssessmentValidationError, ModelValidationError
from maturity_model.crosswalk import check as check_crosswalk
from maturity_model.formats import ciso_assistant as ca
from maturity_model.serialization import dump_model, loads_model

REFERENCE = Path(__file__).resolve().parents[2] / "shared" / "reference" / "ciso-assistant"


@pytest.fixture(scope="module")
def ref() -> Path:
    if not (REFERENCE / "nist-csf-2.0.yaml").is_file():
        pytest.skip(f"the CISO Assistant reference data is not beside the checkout "
                    f"({REFERENCE})")
    return REFERENCE


@pytest.fixture(scope="module")
def csf(ref: Path) -> ca.Library:
    return ca.load_library(ref / "nist-csf-2.0.yaml")


@pytest.fixture(scope="module")
def iso(ref: Path) -> ca.Library:
    return ca.load_library(ref / "iso27001-2022.yaml")


def _library(tmp_path: Path, nodes: list[dict[str, Any]], *, name: str = "lib.yaml",
             **framework: Any) -> Path:
    doc = {"urn": "urn:test:risk:library:demo", "ref_id": "demo", "name": "Demo",
           "version": 1, "locale": "en",
           "objects": {"framework": {"urn": "urn:test:risk:framework:demo", "ref_id": "demo",
                                     "name": "Demo", **framework,
                                     "requirement_nodes": nodes}}}
    path = tmp_path / name
    path.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    return path


def _node(ref: str, parent: str | None = None, *, assessable: bool = True,
          **extra: Any) -> dict[str, Any]:
    node: dict[str, Any] = {"urn": f"urn:test:risk:req_node:demo:{ref.lower()}",
                            "assessable": assessable, "ref_id": ref}
    if parent is not None:
        node["parent_urn"] = f"urn:test:risk:req_node:demo:{parent.lower()}"
    return {**node, **extra}


_TIERS: dict[str, Any] = {"min_score": 1, "max_score": 4, "scores_definition": [
    {"score": s, "name": n} for s, n in ((1, "Partial"), (2, "Risk informed"),
                                         (3, "Repeatable"), (4, "Adaptive"))]}


def _codes(problems: tuple[mm.Problem, ...] | list[mm.Problem]) -> list[tuple[str, str, str]]:
    return [(p.code, p.severity, p.path) for p in problems]


# the shared reference libraries --------------------------------------------------------


def test_csf_framework_becomes_a_model_on_its_tier_scale(csf: ca.Library) -> None:
    model = csf.model()
    assert (model.id, model.version, csf.version, csf.locale) == ("nist-csf-2.0", "6", "6",
                                                                   "en")
    assert model.scale.values == (1, 2, 3, 4)
    assert [level.name for level in model.scale] == [
        "Partial", "Risk informed", "Repeatable", "Adaptive"]
    assert (len(model.items()), len(model.domains)) == (106, 6)
    item = model.item("gv.oc-01")
    assert item.key == "urn:intuitem:risk:req_node:nist-csf-2.0:gv.oc-01"
    assert item.refs["nist-csf-2.0"] == ("GV.OC-01",)
    assert item.name == "GV.OC-01"
    assert [(p.id, p.level) for p in item.practices] == [
        ("gv.oc-01#1", 1), ("gv.oc-01#2", 2), ("gv.oc-01#3", 3), ("gv.oc-01#4", 4)]
    assert model.parent_of("gv.oc-01") == "gv.oc" and model.parent_of("gv.oc") == "gv"
    assert csf.warnings == () and mm.check(model) == ()


def test_a_library_is_detected_and_its_only_model_read(ref: Path, csf: ca.Library) -> None:
    from maturity_model.formats import detect

    assert detect(ref / "nist-csf-2.0.yaml") == "ciso-library"
    assert detect(ref / "mapping-nist-csf-2.0-and-scf-2025.2.2.yaml") == "ciso-library"
    assert ca.only_model(ref / "nist-csf-2.0.yaml") == csf.model()


def test_iso_without_a_maturity_scale_scores_by_compliance(iso: ca.Library) -> None:
    model = iso.model()
    assert model.scale.values == (1,)
    assert [(o.label, o.value) for o in model.answer_set("compliance").options] == [
        ("non_compliant", 0.0), ("partially_compliant", 0.5), ("compliant", 1.0)]
    item = model.item("a.5.1")
    assert [(p.id, p.level, p.answer_set) for p in item.practices] == [
        ("a.5.1#1", 1, "compliance")]
    assert item.tags == ("SoA",) and model.item("4.1").tags == ("Clauses",)
    assert len(model.items()) == 123


def test_translations_are_kept_by_urn(iso: ca.Library) -> None:
    urn = "urn:intuitem:risk:req_node:iso27001-2022:4.2"
    kept = iso.translations[urn]
    assert set(kept) == {"fr", "cs", "sv", "es", "de", "zh"}
    assert kept["zh"]["name"] and kept["zh"]["name"] != iso.model().item("4.2").name
    assert "urn:intuitem:risk:library:iso27001-2022" in iso.translations


def test_annotations_are_kept_in_the_base_language(csf: ca.Library) -> None:
    kept = csf.translations["urn:intuitem:risk:req_node:nist-csf-2.0:gv.oc-02"]
    assert set(kept) == {"en", "fr", "es"}
    assert set(kept["en"]) == {"annotation"} and kept["en"]["annotation"].startswith("1st:")
    assert csf.model().metadata["dependencies"] == "urn:intuitem:risk:library:doc-pol"


def test_scf_scale_starts_at_zero_and_tiers_become_tags(ref: Path) -> None:
    model = ca.load_library(ref / "scf-2025.2.2.yaml").model()
    assert model.scale.values == (0, 1, 2, 3, 4, 5)
    assert model.scale[0].name == "Not Performed"
    assert [p.level for p in model.item("gov-01").practices] == [1, 2, 3, 4, 5]
    assert model.item("gov-01").tags == ("tier1", "tier2", "tier3")


def test_asvs_cumulative_levels_are_tags(ref: Path) -> None:
    model = ca.load_library(ref / "owasp-asvs-4.0.3.yaml").model()
    assert model.item("v1.1.2").tags == ("L2", "L3")
    assert model.scale.values == (1,)


def test_mapping_library_deduplicates_and_names_both_models(ref: Path, csf: ca.Library,
                                                            iso: ca.Library) -> None:
    library = ca.load_library(ref / "mapping-nist-csf-2.0-to-iso27001-2022.yaml",
                              frameworks=[csf.model(), iso.model()])
    forward, back = library.crosswalks
    assert (forward.source_model, forward.source_version, forward.target_model,
            forward.target_version) == ("nist-csf-2.0", "6", "iso27001-2022", "18")
    assert (back.source_model, back.target_model) == ("iso27001-2022", "nist-csf-2.0")
    assert (len(forward.mappings), len(back.mappings)) == (341, 341)
    assert {m.relationship for m in forward.mappings} == {"intersect"}
    # From tiers to compliance a mapping carries whether the outcome is in place.
    assert forward.mappings[0] == mm.Mapping("gv.oc-01#1", "4.1", "intersect")
    assert back.mappings[0] == mm.Mapping("4.1", "gv.oc-01", "intersect")
    duplicates = [(p.code, p.severity, p.path.rsplit(".", 2)[-2:]) for p in library.warnings]
    assert duplicates == [
        ("duplicate-mapping", "warning", ["requirement_mapping_sets[0]",
                                          "requirement_mappings[17]"]),
        ("duplicate-mapping", "warning", ["requirement_mapping_sets[0]",
                                          "requirement_mappings[21]"]),
        ("duplicate-mapping", "warning", ["requirement_mapping_sets[1]",
                                          "requirement_mappings[17]"]),
        ("duplicate-mapping", "warning", ["requirement_mapping_sets[1]",
                                          "requirement_mappings[21]"])]
    assert check_crosswalk(forward, csf.model(), iso.model()) == ()
    assert check_crosswalk(back, iso.model(), csf.model()) == ()


def test_mapping_library_alone_names_nodes_by_urn_tail(ref: Path, csf: ca.Library) -> None:
    alone = ca.load_library(ref / "mapping-nist-csf-2.0-to-iso27001-2022.yaml")
    forward = alone.crosswalks[0]
    assert forward.source_version is None
    assert forward.mappings[0] == mm.Mapping("gv.oc-01", "4.1", "intersect")
    assert check_crosswalk(forward, csf.model(), ca.load_library(
        ref / "iso27001-2022.yaml").model()) == ()


def test_csf_scf_mapping_keeps_all_four_relationships(ref: Path) -> None:
    library = ca.load_library(ref / "mapping-nist-csf-2.0-and-scf-2025.2.2.yaml")
    forward, back = library.crosswalks
    assert Counter(m.relationship for m in forward.mappings) == {
        "equal": 9, "subset": 152, "intersect": 308}
    assert Counter(m.relationship for m in back.mappings) == {
        "equal": 9, "superset": 152, "intersect": 308}
    assert library.warnings == ()


def test_imported_model_round_trips_through_its_native_file(csf: ca.Library) -> None:
    model = csf.model()
    assert loads_model(dump_model(model)) == model


# audits -----------------------------------------------------------------------------


def test_csv_scores_become_levels_on_a_tier_scale(csf: ca.Library, tmp_path: Path) -> None:
    audit = tmp_path / "audit.csv"
    audit.write_text("ref_id,name,result,score\nGV.OC-01,,compliant,3\n"
                     "GV.OC-02,,not_applicable,\nGV.OC-03,,non_compliant,\n"
                     "gv.oc-05,,compliant,\n", encoding="utf-8")
    assessment = ca.load_assessment(audit, csf.model())
    assert (assessment.model, assessment.model_version, assessment.subject) == (
        "nist-csf-2.0", "6", "audit")
    assert dict(assessment.answers) == {
        "gv.oc-01#1": True, "gv.oc-01#2": True, "gv.oc-01#3": True, "gv.oc-01#4": False,
        **{f"gv.oc-02#{n}": "n/a" for n in range(1, 5)},
        **{f"gv.oc-03#{n}": False for n in range(1, 5)}}
    profile = mm.score(csf.model(), assessment)
    assert (profile["gv.oc-01"].level, profile["gv.oc-01"].score) == (3, 3.0)
    assert profile["gv.oc-02"].score is None and profile["gv.oc-05"].score is None
    assert profile["gv.oc"].score == pytest.approx(1.5)


def test_a_score_off_the_scale_warns_and_is_clamped(csf: ca.Library, tmp_path: Path) -> None:
    audit = tmp_path / "audit.csv"
    audit.write_text("ref_id,score\nGV.OC-01,7\nGV.OC-02,0\n", encoding="utf-8")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assessment = ca.load_assessment(audit, csf.model())
    assert [str(w.message).split(" (see")[0].rsplit("[", 1)[1] for w in caught] == [
        "level-off-scale]", "level-off-scale]"]
    assert [str(w.message).split(":", 2)[1] for w in caught] == ["$[1].score", "$[2].score"]
    assert assessment.answers["gv.oc-01#4"] is True
    assert [assessment.answers[f"gv.oc-02#{n}"] for n in range(1, 5)] == [
        True, False, False, False]


def test_compliance_results_answer_a_framework_without_scale(iso: ca.Library,
                                                             tmp_path: Path) -> None:
    audit = tmp_path / "iso.csv"
    audit.write_text(
        "URN,Ref_ID,Compliance Result,Score\n"
        "urn:intuitem:risk:req_node:iso27001-2022:4.1,,compliant,80\n"
        ",4.2,partially_compliant,\n,A.5.1,non_compliant,\n,5.1,not_applicable,\n"
        ",5.2,not_assessed,\n", encoding="utf-8")
    assessment = ca.load_assessment(audit, iso.model())
    assert dict(assessment.answers) == {"4.1#1": "compliant", "4.2#1": "partially_compliant",
                                        "a.5.1#1": "non_compliant", "5.1#1": "n/a"}
    profile = mm.score(iso.model(), assessment)
    assert [profile[n].score for n in ("4.1", "4.2", "a.5.1", "5.1", "5.2")] == [
        1.0, 0.5, 0.0, None, None]


def test_export_reads_as_an_assessment(csf: ca.Library, tmp_path: Path) -> None:
    export = tmp_path / "export.yaml"
    export.write_text(yaml.safe_dump({"name": "payments", "requirement_assessments": [
        {"requirement": "urn:intuitem:risk:req_node:nist-csf-2.0:gv.oc-01",
         "result": "compliant", "score": 2},
        {"ref_id": "GV.OC-02", "result": "non_compliant", "score": None}]}),
        encoding="utf-8")
    assessment = ca.load_assessment(export, csf.model())
    assert assessment.subject == "payments"
    assert [assessment.answers[f"gv.oc-01#{n}"] for n in range(1, 5)] == [
        True, True, False, False]
    assert assessment.answers["gv.oc-02#1"] is False


def test_bad_audit_rows_are_coded_problems(csf: ca.Library, tmp_path: Path) -> None:
    audit = tmp_path / "bad.csv"
    audit.write_text("ref_id,result,score\nXX-99,compliant,1\nGV.OC-01,done,1\n"
                     "GV.OC-02,compliant,high\nGV.OC-03,compliant,1\nGV.OC-03,compliant,2\n",
                     encoding="utf-8")
    with pytest.raises(AssessmentValidationError) as caught:
        ca.load_assessment(audit, csf.model())
    assert _codes(caught.value.problems) == [
        ("unknown-practice", "error", "bad.csv:$[1]"),
        ("invalid-value", "error", "bad.csv:$[2].result"),
        ("invalid-value", "error", "bad.csv:$[3].score"),
        ("duplicate-id", "error", "bad.csv:$[5]")]


def test_assessable_false_rows_are_skipped(csf: ca.Library, tmp_path: Path) -> None:
    audit = tmp_path / "a.csv"
    audit.write_text("ref_id,assessable,result\nGV,false,compliant\nGV.OC-01,true,"
                     "non_compliant\n", encoding="utf-8")
    assert set(ca.load_assessment(audit, csf.model()).answers) == {
        f"gv.oc-01#{n}" for n in range(1, 5)}


# the format's rules, on small libraries ---------------------------------------------------


def test_tree_comes_from_parent_urn_case_insensitive_never_depth(tmp_path: Path) -> None:
    path = _library(tmp_path, [
        _node("A.1", "A", depth=1),  # the child comes first and claims depth 1
        {**_node("A", assessable=False), "urn": "URN:test:risk:req_node:demo:A"},
        _node("B.1", "b", depth=7), _node("B", assessable=False)])
    model = ca.load_library(path).model()
    assert [d.id for d in model.domains] == ["A", "b"]
    assert model.parent_of("a.1") == "A" and model.parent_of("b.1") == "b"


def test_ids_are_urn_tails_made_unique_and_free_of_marks(tmp_path: Path) -> None:
    path = _library(tmp_path, [
        _node("A"), {**_node("A"), "urn": "urn:other:risk:req_node:x:a"},
        {**_node("B"), "urn": "urn:test:risk:req_node:demo:b#1@2"}])
    model = ca.load_library(path).model()
    assert [(i.id, i.key) for i in model.items()] == [
        ("a", "urn:test:risk:req_node:demo:a"), ("a-2", "urn:other:risk:req_node:x:a"),
        ("b-1-2", "urn:test:risk:req_node:demo:b#1@2")]
    assert [p.id for p in model.item("b-1-2").practices] == ["b-1-2#1"]


def test_format_violations_are_errors_with_paths(tmp_path: Path) -> None:
    path = _library(tmp_path, [
        _node("A", assessable=False), _node("A.1", "A"), _node("A.1", "A"),
        _node("A.2", "nowhere"), {"urn": "urn:test:risk:req_node:demo:x", "ref_id": "x"},
        _node("L1", "L2"), _node("L2", "L1")])
    with pytest.raises(ModelValidationError) as caught:
        ca.load_library(path)
    base = "lib.yaml:$.objects.framework.requirement_nodes"
    assert _codes(caught.value.problems) == [
        ("duplicate-id", "error", f"{base}[2].urn"),
        ("invalid-value", "error", f"{base}[4].assessable"),
        ("unresolved-reference", "error", f"{base}[3].parent_urn"),
        ("invalid-value", "error", f"{base}[5].parent_urn"),
        ("invalid-value", "error", f"{base}[6].parent_urn")]
    assert [p.code for p in ca.check_file(path)] == [p.code for p in caught.value.problems]


def test_library_keys_the_format_requires(tmp_path: Path) -> None:
    path = tmp_path / "lib.yaml"
    path.write_text(yaml.safe_dump({"urn": "not-a-urn", "objects": {
        "framework": {"urn": "urn:x:risk:framework:f", "ref_id": "f",
                      "requirement_nodes": [_node("A")]},
        "frameworks": []}}), encoding="utf-8")
    assert _codes(ca.check_file(path)) == [
        ("invalid-value", "error", "lib.yaml:$.urn"),
        ("invalid-value", "error", "lib.yaml:$.ref_id"),
        ("invalid-value", "error", "lib.yaml:$.name"),
        ("invalid-value", "error", "lib.yaml:$.version"),
        ("invalid-value", "error", "lib.yaml:$.objects.frameworks")]


def test_what_real_files_do_is_a_warning(tmp_path: Path) -> None:
    path = _library(tmp_path, [_node("A", implementation_groups=["G1", "SIlver"])],
                    scores_definition=[{"score": 1, "name": "Low"}, {"score": 3, "name": "High"},
                                       {"score": 9, "name": "Beyond"}],
                    max_score=3, implementation_groups_definition=[{"ref_id": "G1"}])
    text = path.read_text(encoding="utf-8").replace("version: 1", "version: '1'")
    path.write_text(text, encoding="utf-8")
    library = ca.load_library(path)
    model = library.model()
    assert model.version == "1"
    assert [(lv.value, lv.name) for lv in model.scale] == [(1, "Low"), (2, ""), (3, "High")]
    assert model.item("a").tags == ("G1", "SIlver")
    framework = "lib.yaml:$.objects.framework"
    assert _codes(library.warnings) == [
        ("invalid-value", "warning", "lib.yaml:$.version"),
        ("level-off-scale", "warning", f"{framework}.scores_definition[2].score"),
        ("unresolved-reference", "warning",
         f"{framework}.requirement_nodes[0].implementation_groups[1]")]


def test_labels_without_min_and_max_take_the_labels_range(tmp_path: Path) -> None:
    path = _library(tmp_path, [_node("A")], scores_definition=[
        {"score": 0, "name": "None"}, {"score": 2, "name": "Some"}])
    library = ca.load_library(path)
    assert library.model().scale.values == (0, 1, 2)
    assert _codes(library.warnings) == [
        ("invalid-value", "warning", "lib.yaml:$.objects.framework")]


def test_an_inverted_scale_keeps_each_label_at_its_score(tmp_path: Path) -> None:
    path = _library(tmp_path, [_node("A")], min_score=1, max_score=3, scores_definition=[
        {"score": 3, "name": "Not implemented"}, {"score": 2, "name": "Partly"},
        {"score": 1, "name": "Fully implemented"}])
    scale = ca.load_library(path).model().scale
    assert [(lv.value, lv.name) for lv in scale] == [
        (1, "Fully implemented"), (2, "Partly"), (3, "Not implemented")]


def test_a_scale_above_one_is_shifted_and_audits_follow(tmp_path: Path) -> None:
    path = _library(tmp_path, [_node("A")], min_score=2, max_score=5, scores_definition=[
        {"score": s, "name": f"s{s}"} for s in range(2, 6)])
    model = ca.load_library(path).model()
    assert [(lv.value, lv.name) for lv in model.scale] == [
        (1, "s2"), (2, "s3"), (3, "s4"), (4, "s5")]
    audit = tmp_path / "a.csv"
    audit.write_text("ref_id,score\nA,3\n", encoding="utf-8")
    profile = mm.score(model, ca.load_assessment(audit, model))
    assert profile["a"].level == 2


def test_bad_scale_is_an_error(tmp_path: Path) -> None:
    path = _library(tmp_path, [_node("A")], min_score=3, max_score=3,
                    scores_definition=[{"score": 3, "name": "x"}])
    assert _codes(ca.check_file(path)) == [
        ("invalid-value", "error", "lib.yaml:$.objects.framework")]


def test_assessable_parent_counts_itself_and_loose_roots_get_a_domain(tmp_path: Path) -> None:
    path = _library(tmp_path, [_node("P"), _node("P.1", "P"), _node("Q")])
    model = ca.load_library(path).model()
    assert [(d.id, [i.id for i in d.items]) for d in model.domains] == [
        ("p", ["p/self", "p.1"]), ("demo-requirements", ["q"])]
    assert model.item("p/self").key == "urn:test:risk:req_node:demo:p"


def test_mapping_set_errors_and_warnings(tmp_path: Path) -> None:
    doc = {"urn": "urn:test:risk:library:map", "ref_id": "map", "name": "Map", "version": 1,
           "objects": {"requirement_mapping_set": {
               "urn": "urn:test:risk:req_mapping_set:m", "ref_id": "m",
               "source_framework_urn": "urn:test:risk:framework:a",
               "target_framework_urn": "urn:test:risk:framework:b",
               "requirement_mappings": [
                   {"source_requirement_urn": "urn:test:risk:req_node:a:1",
                    "target_requirement_urn": "urn:test:risk:req_node:b:1",
                    "relationship": "equal", "strength_of_relationship": 90},
                   {"source_requirement_urn": "urn:test:risk:req_node:a:1",
                    "target_requirement_urn": "urn:test:risk:req_node:b:2",
                    "relationship": "same"},
                   {"source_requirement_urn": "urn:test:risk:req_node:a:1",
                    "target_requirement_urn": "urn:test:risk:req_node:b:1",
                    "relationship": "subset", "rationale": "semantic"}]}}}
    path = tmp_path / "map.yaml"
    path.write_text(yaml.safe_dump(doc), encoding="utf-8")
    at = "map.yaml:$.objects.requirement_mapping_set.requirement_mappings"
    assert _codes(ca.check_file(path)) == [
        ("invalid-value", "warning", f"{at}[0].strength_of_relationship"),
        ("invalid-value", "error", f"{at}[1].relationship"),
        ("duplicate-mapping", "warning", f"{at}[2]")]


def _mapping_library(tmp_path: Path, pairs: list[tuple[str, str, str]], source: str,
                     target: str) -> Path:
    doc = {"urn": "urn:test:risk:library:map", "ref_id": "map", "name": "Map", "version": 1,
           "objects": {"requirement_mapping_set": {
               "source_framework_urn": f"urn:test:risk:framework:{source}",
               "target_framework_urn": f"urn:test:risk:framework:{target}",
               "requirement_mappings": [
                   {"source_requirement_urn": f"urn:test:risk:req_node:{source}:{a}",
                    "target_requirement_urn": f"urn:test:risk:req_node:{target}:{b}",
                    "relationship": r} for a, b, r in pairs]}}}
    path = tmp_path / "map.yaml"
    path.write_text(yaml.safe_dump(doc), encoding="utf-8")
    return path


def _framework(tmp_path: Path, name: str, refs: list[str], **scale: Any) -> mm.MaturityModel:
    path = _library(tmp_path, [_node(r) for r in refs], name=f"{name}.yaml", **scale)
    text = path.read_text(encoding="utf-8").replace(":demo", f":{name}")
    path.write_text(text, encoding="utf-8")
    return ca.load_library(path).model()


def test_same_scales_map_level_to_level(tmp_path: Path) -> None:
    a = _framework(tmp_path, "fa", ["X"], **_TIERS)
    b = _framework(tmp_path, "fb", ["Y"], **_TIERS)
    path = _mapping_library(tmp_path, [("x", "y", "equal")], "fa", "fb")
    crosswalk = ca.load_library(path, frameworks=[a, b]).crosswalks[0]
    assert crosswalk.mappings == tuple(
        mm.Mapping(f"x#{n}", f"y#{n}", "equal") for n in range(1, 5))
    audit = tmp_path / "a.csv"
    audit.write_text("ref_id,score\nX,3\n", encoding="utf-8")
    projected = mm.project(mm.score(a, ca.load_assessment(audit, a)), crosswalk, b)
    assert projected.profile["y"].level == 3


def test_other_scales_carry_whether_the_requirement_is_in_place(tmp_path: Path) -> None:
    a = _framework(tmp_path, "fa", ["X"], **_TIERS)
    b = _framework(tmp_path, "fb", ["Y"])
    c = _framework(tmp_path, "fc", ["Z"], min_score=0, max_score=2, scores_definition=[
        {"score": 0, "name": "no"}, {"score": 2, "name": "yes"}])
    for target, expected in ((b, "y"), (c, "z")):
        path = _mapping_library(tmp_path, [("x", expected, "equal")], "fa", target.id)
        crosswalk = ca.load_library(path, frameworks=[a, b, c]).crosswalks[0]
        assert crosswalk.mappings == (mm.Mapping("x#1", expected, "equal"),)
    audit = tmp_path / "a.csv"
    audit.write_text("ref_id,score\nX,2\n", encoding="utf-8")
    path = _mapping_library(tmp_path, [("x", "y", "equal")], "fa", "fb")
    crosswalk = ca.load_library(path, frameworks=[a, b]).crosswalks[0]
    projected = mm.project(mm.score(a, ca.load_assessment(audit, a)), crosswalk, b)
    assert dict(projected.assessment.answers) == {"y#1": 1.0}


def test_unknown_urn_against_a_known_framework_is_unresolved(tmp_path: Path) -> None:
    model = ca.load_library(_library(tmp_path, [_node("A")])).model()
    doc = {"urn": "urn:test:risk:library:map", "ref_id": "map", "name": "Map", "version": 1,
           "objects": {"requirement_mapping_sets": [{
               "source_framework_urn": "urn:test:risk:framework:demo",
               "target_framework_urn": "urn:test:risk:framework:demo",
               "requirement_mappings": [
                   {"source_requirement_urn": "urn:test:risk:req_node:demo:A",
                    "target_requirement_urn": "urn:test:risk:req_node:demo:zz",
                    "relationship": "equal"}]}]}}
    path = tmp_path / "map.yaml"
    path.write_text(yaml.safe_dump(doc), encoding="utf-8")
    assert _codes(ca.check_file(path, frameworks=[model])) == [
        ("unresolved-reference", "error", "map.yaml:$.objects.requirement_mapping_sets[0]"
         ".requirement_mappings[0].target_requirement_urn")]


def test_hostile_files_are_problems_not_crashes(tmp_path: Path) -> None:
    (tmp_path / "list.yaml").write_text("- 1\n- 2\n", encoding="utf-8")
    (tmp_path / "bin.yaml").write_bytes(b"\xff\xfe\x00bad")
    assert _codes(ca.check_file(tmp_path / "list.yaml")) == [
        ("invalid-value", "error", "list.yaml:$")]
    assert _codes(ca.check_file(tmp_path / "bin.yaml")) == [
        ("invalid-value", "error", "bin.yaml:$")]
    assert _codes(ca.check_file(tmp_path)) == [("invalid-value", "error", f"{tmp_path.name}:$")]


# properties ---------------------------------------------------------------------------


_TREE = [_node("A", assessable=False), _node("A.1", "A"), _node("A.2", "A"),
         _node("B", assessable=False), _node("B.1", "B", assessable=False),
         _node("B.1.1", "B.1"), _node("B.1.2", "B.1"), _node("C", assessable=False),
         _node("C.1", "C")]


@settings(max_examples=30, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.randoms(use_true_random=False), st.lists(st.integers(1, 12), max_size=9))
def test_the_tree_does_not_depend_on_node_order_or_depth(tmp_path: Path, shuffle: random.Random,
                                                         depths: list[int]) -> None:
    nodes = [dict(n) for n in _TREE]
    for node, depth in zip(nodes, depths, strict=False):
        node["depth"] = depth
    shuffle.shuffle(nodes)
    model = ca.load_library(_library(tmp_path, nodes, **_TIERS)).model()
    expected = ca.load_library(_library(tmp_path, _TREE, name="ref.yaml", **_TIERS)).model()
    assert {n: model.parent_of(n) for n in model.node_ids()} == {
        n: expected.parent_of(n) for n in expected.node_ids()}
    assert {i.id: i.practices for i in model.items()} == {
        i.id: i.practices for i in expected.items()}


_SCORES = st.dictionaries(st.sampled_from(["A.1", "A.2", "B.1.1", "B.1.2", "C.1"]),
                          st.integers(1, 4), min_size=1)


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(_SCORES, st.integers(0, 4))
def test_a_higher_audit_score_never_lowers_a_result(tmp_path: Path, scores: dict[str, int],
                                                    pick: int) -> None:
    # An assessed node's score goes up by one (a node not assessed joining a mean may
    # lower it, as DESIGN's "not assessed leaves every aggregation" says).
    model = ca.load_library(_library(tmp_path, _TREE, **_TIERS)).model()
    raised = sorted(scores)[pick % len(scores)]
    higher = {**scores, raised: min(4, scores[raised] + 1)}
    profiles = []
    for name, table in (("low.csv", scores), ("high.csv", higher)):
        audit = tmp_path / name
        audit.write_text("ref_id,score\n" + "".join(f"{r},{s}\n" for r, s in table.items()),
                         encoding="utf-8")
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            profiles.append(mm.score(model, ca.load_assessment(audit, model)))
    low, high = profiles
    for node in (model.id, *model.node_ids()):
        before, after = low[node].score, high[node].score
        if before is not None:
            assert after is not None and after >= before - 1e-12


# the how-to, end to end ----------------------------------------------------------------


def test_csf_audit_projects_onto_iso_as_the_how_to_says(ref: Path, csf: ca.Library,
                                                        iso: ca.Library,
                                                        tmp_path: Path) -> None:
    audit = tmp_path / "audit.csv"
    audit.write_text("ref_id,result,score\nGV.OC-01,compliant,3\nGV.OC-02,compliant,2\n"
                     "GV.RM-01,compliant,4\nPR.AA-02,non_compliant,\n"
                     "RS.MA-01,not_applicable,\n", encoding="utf-8")
    mapping = ca.load_library(ref / "mapping-nist-csf-2.0-to-iso27001-2022.yaml",
                              frameworks=[csf.model(), iso.model()])
    profile = mm.score(csf.model(), ca.load_assessment(audit, csf.model(), subject="payments"))
    assert profile["gv.oc-01"].level == 3
    projection = mm.project(profile, mapping.crosswalks[0], iso.model())
    assert projection.coverage["iso27001-2022"] == pytest.approx(90 / 123)
    unmapped = [i.id for i in iso.model().items()
                if projection.practices[f"{i.id}#1"].rule == "unmapped"]
    assert len(unmapped) == 33 and unmapped[:3] == ["4.3", "5.1", "6.2"]
    assert projection.profile["4.1"].score == 0.5
    assert projection.profile["4.3"].score is None  # unmapped stays unknown, never "no"
    assert [(c.source, c.carried) for c in projection.practices["4.1#1"].sources] == [
        ("gv.oc-01#1", 0.5), ("gv.oc-02#1", 0.5)]


def test_a_library_may_hold_several_frameworks(tmp_path: Path) -> None:
    one = {"urn": "urn:test:risk:framework:one", "ref_id": "one",
           "requirement_nodes": [_node("A", weight=3, importance="mandatory")]}
    two = {"urn": "urn:test:risk:framework:two", "ref_id": "two", **_TIERS,
           "requirement_nodes": [_node("B")]}
    path = tmp_path / "lib.yaml"
    path.write_text(yaml.safe_dump({"urn": "urn:test:risk:library:both", "ref_id": "both",
                                    "name": "Both", "version": 2, "locale": "fr",
                                    "objects": {"frameworks": [one, two]}}), encoding="utf-8")
    library = ca.load_library(path)
    assert ([m.id for m in library.models], library.locale) == (["one", "two"], "fr")
    item = library.model("one").item("a")
    assert (item.weight, item.tags) == (3.0, ("importance:mandatory",))
    assert library.model("two").scale.values == (1, 2, 3, 4)
    with pytest.raises(KeyError):
        library.model()


def test_library_translations_are_read_only(iso: ca.Library) -> None:
    kept = iso.translations["urn:intuitem:risk:req_node:iso27001-2022:4.2"]
    with pytest.raises(TypeError):
        kept["fr"]["name"] = "changed"  # type: ignore[index]


_SCALAR = (st.none() | st.booleans() | st.integers(-5, 200) | st.floats(allow_nan=True)
           | st.text(max_size=6))
_NESTED = st.lists(_SCALAR, max_size=3) | st.dictionaries(st.text(max_size=4), _SCALAR,
                                                           max_size=3)
_ANY = _SCALAR | _NESTED | st.lists(_NESTED, max_size=2) | st.dictionaries(
    st.text(max_size=4), _NESTED, max_size=2)
_FRAMEWORK_KEYS = ["urn", "ref_id", "name", "min_score", "max_score", "scores_definition",
                   "implementation_groups_definition", "requirement_nodes", "translations"]
_NODE_KEYS = ["urn", "parent_urn", "assessable", "ref_id", "name", "description", "weight",
              "implementation_groups", "reference_controls", "translations", "importance",
              "min_score"]


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.sampled_from(["library", "framework", "node", "mapping"]),
       st.sampled_from(sorted({*_FRAMEWORK_KEYS, *_NODE_KEYS, "version", "objects",
                               "relationship", "strength_of_relationship", "rationale",
                               "source_requirement_urn", "requirement_mappings"})),
       _ANY)
def test_any_value_anywhere_is_a_problem_never_a_crash(tmp_path: Path, where: str, key: str,
                                                       value: Any) -> None:
    doc: dict[str, Any] = {
        "urn": "urn:test:risk:library:demo", "ref_id": "demo", "name": "Demo", "version": 1,
        "objects": {"framework": {"urn": "urn:test:risk:framework:demo", "ref_id": "demo",
                                  **_TIERS, "requirement_nodes": [
                                      _node("A", assessable=False), _node("A.1", "A")]},
                    "requirement_mapping_set": {
                        "source_framework_urn": "urn:test:risk:framework:demo",
                        "target_framework_urn": "urn:test:risk:framework:demo",
                        "requirement_mappings": [{
                            "source_requirement_urn": "urn:test:risk:req_node:demo:a.1",
                            "target_requirement_urn": "urn:test:risk:req_node:demo:a.1",
                            "relationship": "equal"}]}}}
    target = {"library": doc, "framework": doc["objects"]["framework"],
              "node": doc["objects"]["framework"]["requirement_nodes"][1],
              "mapping": doc["objects"]["requirement_mapping_set"]["requirement_mappings"][0]
              }[where]
    target[key] = value
    path = tmp_path / "lib.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    problems = ca.check_file(path)
    assert all(p.code in mm.errors.PROBLEM_CODES for p in problems)
    assert all(p.path.startswith("lib.json:$") for p in problems)
    if not any(p.severity == "error" for p in problems):
        library = ca.load_library(path)
        for model in library.models:
            assert all(p.severity == "warning" for p in mm.check(model))


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.sampled_from(["ref_id", "urn", "requirement", "result", "compliance_result",
                        "score", "assessable", "name"]), _ANY, st.booleans())
def test_any_audit_value_is_a_problem_never_a_crash(tmp_path: Path, key: str, value: Any,
                                                    scored: bool) -> None:
    model = ca.load_library(_library(tmp_path, _TREE, **(_TIERS if scored else {}))).model()
    row: dict[str, Any] = {"ref_id": "A.1", "result": "compliant", "score": 2, key: value}
    export = tmp_path / "export.json"
    export.write_text(json.dumps({"requirement_assessments": [row]}), encoding="utf-8")
    problems: tuple[mm.Problem, ...] = ()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            mm.score(model, ca.load_assessment(export, model))
    except AssessmentValidationError as exc:
        problems = exc.problems
    assert all(p.code in mm.errors.PROBLEM_CODES and p.path.startswith("export.json:$")
               for p in problems)


def test_translations_land_in_localised_texts_and_survive_a_file(tmp_path: Path) -> None:
    model = ca.load_library(REFERENCE / "iso27001-2022.yaml").models[0]
    assert model.language == "en"
    assert {"zh", "fr", "de"} <= set(model.languages)
    clauses = model.domains[0]
    assert (model.text(clauses.id), model.text(clauses.id, lang="zh"),
            model.text(clauses.id, lang="de")) == ("Clauses", "条款", "Kapitel")
    assert model.text(clauses.id, lang="zh-Hans") == "条款"  # falls back to zh
    assert mm.check(model) == ()
    path = tmp_path / "iso.yaml"
    mm.dump_model(model, path)
    again = mm.load_model(path)
    assert again == model
    assert again.text(clauses.id, lang="zh") == "条款"
