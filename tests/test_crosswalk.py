"""References on nodes, and crosswalks: types, files, schema, ``check`` and ``from_refs``.

Real data: DSOMM's generated model (its activities cite SAMM 2 and ISO 27001) and SAMM's
core folder.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import maturity_model as mm
from maturity_model.crosswalk import RELATIONSHIPS, Crosswalk, Mapping, check
from maturity_model.errors import CrosswalkValidationError
from maturity_model.formats import dsomm, samm
from maturity_model.schema import crosswalk_json_schema, model_json_schema
from maturity_model.serialization import (
    crosswalk_from_dict,
    dump_crosswalk,
    dump_model,
    load_crosswalk,
    loads_crosswalk,
    loads_model,
    model_from_dict,
)

REFERENCE = Path(__file__).resolve().parents[2] / "shared" / "reference"
DSOMM_MODEL = REFERENCE / "dsomm" / "DevSecOps-MaturityModel-data" / "generated" / "model.yaml"
SAMM_CORE = REFERENCE / "samm" / "core"
#: DSOMM 4.3.1's "Defined build process" activity.
DEFINED_BUILD = "f6f7737f-25a9-4317-8de2-09bf59f29b5b"


@pytest.fixture(scope="module")
def dsomm_model() -> mm.MaturityModel:
    return dsomm.load_model(DSOMM_MODEL)


@pytest.fixture(scope="module")
def samm_model() -> mm.MaturityModel:
    return samm.load_model(SAMM_CORE)


def _model(model_id: str = "a", **practice: Any) -> mm.MaturityModel:
    return mm.MaturityModel(id=model_id, version="1", domains=[mm.Domain(id=f"{model_id}.d", items=[
        mm.CapabilityItem(id=f"{model_id}.i", practices=[
            mm.Practice(id=f"{model_id}.1", level=1, **practice),
            mm.Practice(id=f"{model_id}.2", level=2)])])])


def _doc(**practice: Any) -> dict[str, Any]:
    return {"format": "maturity-model/1", "id": "m", "domains": [{
        "id": "d", "refs": {"iso27001-2022": ["5.37"]}, "tags": ["governance"],
        "items": [{"id": "ci", "practices": [{"id": "ci.1", "level": 1, **practice}]}]}]}


# --------------------------------------------------------------------------- refs and tags


def test_refs_and_tags_round_trip_through_every_file_format() -> None:
    model = model_from_dict(_doc(refs={"samm2": ["I-SB-A-1"], "iso27001-2022": ["8.25"]},
                                 tags=["build", "ci"]))
    practice = model.practice("ci.1")
    assert dict(practice.refs) == {"samm2": ("I-SB-A-1",), "iso27001-2022": ("8.25",)}
    assert practice.tags == ("build", "ci")
    assert model.domain("d").tags == ("governance",)
    for fmt in ("yaml", "json", "toml"):
        again = loads_model(dump_model(model, file_format=fmt), fmt)
        assert again == model
        assert dict(again.domain("d").refs) == {"iso27001-2022": ("5.37",)}


def test_nodes_without_refs_write_no_refs_key() -> None:
    text = dump_model(model_from_dict(_doc()), file_format="json")
    practice = json.loads(text)["domains"][0]["items"][0]["practices"][0]
    assert "refs" not in practice and "tags" not in practice


@pytest.mark.parametrize(("practice", "code", "path"), [
    ({"refs": {"iso": [8.25]}}, "invalid-value", "$.domains[0].items[0].practices[0].refs.iso[0]"),
    ({"refs": {"iso": "8.25"}}, "invalid-value", "$.domains[0].items[0].practices[0].refs.iso"),
    ({"refs": ["iso"]}, "invalid-value", "$.domains[0].items[0].practices[0].refs"),
    ({"refs": {"iso": ["8.25", "8.25"]}}, "invalid-value",
     "$.domains[0].items[0].practices[0].refs.iso[1]"),
    ({"refs": {"iso": [""]}}, "invalid-value", "$.domains[0].items[0].practices[0].refs.iso[0]"),
    ({"refs": {"": ["x"]}}, "invalid-value", "$.domains[0].items[0].practices[0].refs['']"),
    ({"tags": ["a", "a"]}, "invalid-value", "$.domains[0].items[0].practices[0].tags[1]"),
    ({"tags": [3]}, "invalid-value", "$.domains[0].items[0].practices[0].tags[0]"),
    ({"tags": "a"}, "invalid-value", "$.domains[0].items[0].practices[0].tags"),
])
def test_malformed_refs_and_tags_are_problems_with_paths(practice: dict[str, Any], code: str,
                                                         path: str) -> None:
    with pytest.raises(mm.ModelValidationError) as caught:
        model_from_dict(_doc(**practice))
    assert [(p.code, p.path) for p in caught.value.problems] == [(code, path)]


def test_a_lone_string_in_code_is_one_reference_not_letters() -> None:
    practice = mm.Practice(id="p", level=1, refs={"samm2": "I-SB-A-1"})
    assert practice.refs["samm2"] == ("I-SB-A-1",)


def test_the_schema_takes_refs_and_tags_and_refuses_numbers() -> None:
    jsonschema = pytest.importorskip("jsonschema")
    validator = jsonschema.Draft202012Validator(model_json_schema())
    assert not list(validator.iter_errors(_doc(refs={"samm2": ["I-SB-A-1"]}, tags=["x"])))
    assert list(validator.iter_errors(_doc(refs={"samm2": [1]})))
    assert list(validator.iter_errors(_doc(tags=["x", "x"])))


def test_dsomm_keeps_its_samm_and_iso_references(dsomm_model: mm.MaturityModel) -> None:
    practice = dsomm_model.practice(DEFINED_BUILD)
    assert practice.refs["samm2"] == ("I-SB-A-1",)
    assert practice.refs["iso27001-2017"] == ("12.1.1", "14.2.2")
    # YAML reads 5.37 as a number; it comes back as the text DSOMM wrote
    assert practice.refs["iso27001-2022"] == ("5.37", "8.32")
    assert "none" not in practice.tags
    with_samm = [p for p in dsomm_model.practices() if "samm2" in p.refs]
    assert len(with_samm) == 189
    assert not [p for p in mm.check(dsomm_model) if p.severity == "error"]


def test_dsomm_keeps_tags_but_not_its_none_placeholder(
        dsomm_model: mm.MaturityModel) -> None:
    tags = {t for p in dsomm_model.practices() for t in p.tags}
    assert "patching" in tags
    assert "none" not in tags


def test_dsomm_reports_malformed_references_at_the_activity(tmp_path: Path) -> None:
    text = DSOMM_MODEL.read_text(encoding="utf-8").replace(
        "        samm2:\n        - I-SB-A-1\n", "        samm2:\n        - {a: 1}\n", 1)
    bad = tmp_path / "model.yaml"
    bad.write_text(text, encoding="utf-8")
    problems = [p for p in dsomm.check_file(bad) if p.severity == "error"]
    assert [p.code for p in problems] == ["invalid-value"]
    assert problems[0].path.endswith("['Defined build process'].references.samm2[0]")


def test_samm_activities_carry_the_code_others_cite_them_by(
        samm_model: mm.MaturityModel) -> None:
    assert samm_model.practice("I-SB-1-A").refs["samm2"] == ("I-SB-A-1",)
    assert samm_model.practice("G-SM-3-B").refs["samm2"] == ("G-SM-B-3",)


def test_refs_survive_the_round_trip_of_a_generated_model() -> None:
    """Invariant 3 with refs and tags drawn too (the shared model strategy draws them)."""
    from tests.strategies import models

    @given(models(max_items=4))
    def round_trip(model: mm.MaturityModel) -> None:
        assert loads_model(dump_model(model)) == model

    round_trip()


# --------------------------------------------------------------------------- types


def test_mapping_takes_positional_and_keyword_arguments() -> None:
    assert Mapping("a", "b", "subset", 7, "why") == Mapping(
        source="a", target="b", relationship="subset", strength=7, rationale="why")
    assert mm.Mapping is Mapping and mm.Crosswalk is Crosswalk


@given(st.lists(st.builds(Mapping, st.sampled_from(["a.1", "a.2", "a.i"]),
                          st.sampled_from(["b.1", "b.2"]), st.sampled_from(RELATIONSHIPS),
                          st.one_of(st.none(), st.integers(0, 10))), max_size=6))
def test_inverting_twice_is_the_identity(mappings: list[Mapping]) -> None:
    crosswalk = Crosswalk(source_model="a", source_version="1", target_model="b",
                          mappings=mappings)
    assert crosswalk.inverse().inverse() == crosswalk


def test_inverse_swaps_subset_and_superset_and_the_models() -> None:
    crosswalk = Crosswalk(source_model="a", source_version="1", target_model="b",
                          target_version="2", mappings=[
                              Mapping("a.1", "b.1", "subset"), Mapping("a.2", "b.1", "superset"),
                              Mapping("a.2", "b.2", "intersect")])
    inverse = crosswalk.inverse()
    assert (inverse.source_model, inverse.source_version) == ("b", "2")
    assert (inverse.target_model, inverse.target_version) == ("a", "1")
    assert [(m.source, m.target, m.relationship) for m in inverse.mappings] == [
        ("b.1", "a.1", "superset"), ("b.1", "a.2", "subset"), ("b.2", "a.2", "intersect")]


# --------------------------------------------------------------------------- files


_CROSSWALK = Crosswalk(source_model="a", source_version="1", target_model="b",
                       name="a to b", mappings=[
                           Mapping("a.1", "b.1", "equal", 10, "the same words"),
                           Mapping("a.i", "b.2", "intersect")])


@pytest.mark.parametrize("fmt", ["yaml", "json", "toml"])
def test_crosswalk_files_round_trip(fmt: str, tmp_path: Path) -> None:
    path = tmp_path / f"cw.{fmt}"
    dump_crosswalk(_CROSSWALK, path)
    assert load_crosswalk(path) == _CROSSWALK
    assert mm.load_crosswalk(path) == _CROSSWALK


def test_a_crosswalk_file_starts_with_its_format_and_models() -> None:
    lines = dump_crosswalk(_CROSSWALK).splitlines()
    assert lines[:4] == ["format: maturity-crosswalk/1", "source_model: a",
                         "source_version: '1'", "target_model: b"]


@pytest.mark.parametrize(("doc", "expected"), [
    ({"source_model": "a", "target_model": "b",
      "mappings": [{"source": "x", "target": "y", "relationship": "same"}]},
     [("invalid-value", "$.mappings[0].relationship")]),
    ({"source_model": "a", "target_model": "b",
      "mappings": [{"source": "x", "target": "y", "relationship": "equal", "strength": 2.5}]},
     [("invalid-value", "$.mappings[0].strength")]),
    ({"source_model": "a", "target_model": "b",
      "mappings": [{"source": 1, "target": "y", "relationship": "equal", "why": ""}]},
     [("invalid-value", "$.mappings[0].source"), ("unknown-field", "$.mappings[0].why")]),
    ({"source_model": "a"}, [("invalid-value", "$.target_model")]),
    ({"format": "maturity-model/1", "source_model": "a", "target_model": "b"},
     [("invalid-value", "$.format")]),
    ([], [("invalid-value", "$")]),
])
def test_malformed_crosswalk_documents_list_every_problem(doc: Any,
                                                          expected: list[tuple[str, str]]) -> None:
    with pytest.raises(CrosswalkValidationError) as caught:
        crosswalk_from_dict(doc)
    assert [(p.code, p.path) for p in caught.value.problems] == expected


def test_a_crosswalk_too_deep_for_the_limits_is_refused() -> None:
    text = "source_model: a\ntarget_model: b\nmappings: " + "[" * 200 + "]" * 200
    with pytest.raises(CrosswalkValidationError) as caught:
        loads_crosswalk(text)
    assert caught.value.codes == ("invalid-value",)


def test_crosswalk_files_validate_against_their_schema() -> None:
    jsonschema = pytest.importorskip("jsonschema")
    from maturity_model.serialization import crosswalk_to_dict

    validator = jsonschema.Draft202012Validator(crosswalk_json_schema())
    assert not list(validator.iter_errors(crosswalk_to_dict(_CROSSWALK)))
    bad = crosswalk_to_dict(_CROSSWALK)
    bad["mappings"][0]["strength"] = 11
    assert [e.validator for e in validator.iter_errors(bad)] == ["maximum"]


# --------------------------------------------------------------------------- check


def test_check_reports_unknown_ids_duplicates_and_strengths_with_paths() -> None:
    a, b = _model("a"), _model("b")
    crosswalk = Crosswalk(source_model="a", target_model="b", mappings=[
        Mapping("a.1", "b.1", "equal", 5),
        Mapping("a.9", "b.1", "equal"),
        Mapping("a.1", "b.9", "equal"),
        Mapping("a.2", "b.2", "equal", 11),
        Mapping("a.2", "b.2", "equal", -1),
        Mapping("a.1", "b.1", "equal", 5),
        Mapping("a.i", "b.d", "subset"),
    ])
    found = [(p.code, p.severity, p.path) for p in check(crosswalk, a, b)]
    assert found == [
        ("unresolved-reference", "error", "$.mappings[1].source"),
        ("unresolved-reference", "error", "$.mappings[2].target"),
        ("invalid-value", "error", "$.mappings[3].strength"),
        ("invalid-value", "error", "$.mappings[4].strength"),
        ("duplicate-mapping", "warning", "$.mappings[4]"),
        ("duplicate-mapping", "warning", "$.mappings[5]"),
    ]


def test_check_reports_a_crosswalk_for_other_models() -> None:
    crosswalk = Crosswalk(source_model="a", source_version="9", target_model="c")
    found = [(p.code, p.path) for p in check(crosswalk, _model("a"), _model("b"))]
    assert found == [("model-mismatch", "$.source_version"), ("model-mismatch", "$.target_model")]


def test_check_without_a_source_model_checks_the_target_side_only() -> None:
    crosswalk = Crosswalk(source_model="zzz", target_model="b",
                          mappings=[Mapping("nowhere", "b.9", "equal")])
    assert [(p.code, p.path) for p in check(crosswalk, None, _model("b"))] == [
        ("unresolved-reference", "$.mappings[0].target")]


def test_check_reports_a_relationship_made_in_code() -> None:
    crosswalk = Crosswalk(source_model="a", target_model="b",
                          mappings=[Mapping("a.1", "b.1", "same")])  # type: ignore[arg-type]
    assert [(p.code, p.path) for p in check(crosswalk, _model("a"), _model("b"))] == [
        ("invalid-value", "$.mappings[0].relationship")]


# --------------------------------------------------------------------------- from_refs


def test_from_refs_resolves_ids_then_keys_then_the_targets_own_refs() -> None:
    source = _model("a", refs={"b": ["b.2", "K", "OWN", "nothing"]})
    target = mm.MaturityModel(id="b", domains=[mm.Domain(id="b.d", items=[
        mm.CapabilityItem(id="b.i", practices=[
            mm.Practice(id="b.1", level=1, key="K"),
            mm.Practice(id="b.2", level=1, refs={"b": ["OWN"]})])])])
    crosswalk = Crosswalk.from_refs(source, target, "b", relationship="intersect")
    assert [(m.source, m.target, m.relationship, m.rationale) for m in crosswalk.mappings] == [
        ("a.1", "b.2", "intersect", "b reference b.2"),
        ("a.1", "b.1", "intersect", "b reference K"),
    ]
    assert (crosswalk.source_model, crosswalk.source_version) == ("a", "1")
    assert check(crosswalk, source, target) == ()


def test_dsomm_to_samm_from_dsomms_own_references(dsomm_model: mm.MaturityModel,
                                                  samm_model: mm.MaturityModel) -> None:
    crosswalk = Crosswalk.from_refs(dsomm_model, samm_model, "samm2")
    assert (crosswalk.source_model, crosswalk.source_version) == ("owasp-dsomm", "4.3.1")
    assert (crosswalk.target_model, crosswalk.target_version) == ("owasp-samm", "2.0")
    assert crosswalk.targets_of(DEFINED_BUILD) == ("I-SB-1-A",)
    assert {m.relationship for m in crosswalk.mappings} == {"subset"}
    assert len(crosswalk.mappings) == 220
    assert len({m.target for m in crosswalk.mappings}) == 50
    assert check(crosswalk, dsomm_model, samm_model) == ()


def test_an_empty_scheme_name_is_quoted_in_the_path() -> None:
    with pytest.raises(mm.ModelValidationError) as caught:
        model_from_dict(_doc(refs={"": "x"}))
    assert [p.path for p in caught.value.problems] == [
        "$.domains[0].items[0].practices[0].refs['']"]
