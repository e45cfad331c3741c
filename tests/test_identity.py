"""Stable identity: ``key`` and ``replaces`` on domains, items and practices.

In files and the JSON Schema, in ``check`` (duplicate keys, malformed ``replaces``), and
as the importers fill them from the real DSOMM and SAMM data.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

import maturity_model as mm
from maturity_model.serialization import dump_model, loads_model, model_from_dict

REFERENCE = Path(__file__).resolve().parents[2] / "shared" / "reference"
DSOMM_MODEL = REFERENCE / "dsomm" / "DevSecOps-MaturityModel-data" / "generated" / "model.yaml"
SAMM_CORE = REFERENCE / "samm" / "core" / "model"


def _doc(**practice: Any) -> dict[str, Any]:
    """A small model document; ``practice`` adds fields to its second practice."""
    return {
        "format": "maturity-model/1", "id": "m",
        "domains": [{"id": "d", "key": "urn:d", "items": [{
            "id": "ci", "key": "urn:ci", "replaces": ["build"],
            "practices": [{"id": "ci.1", "level": 1, "key": "urn:ci.1"},
                          {"id": "ci.2", "level": 2, **practice}]}]}],
    }


def _problems(doc: dict[str, Any]) -> list[tuple[str, str, str]]:
    """The problems of a document: loading refuses it with its errors, else ``check``."""
    try:
        problems = mm.check(model_from_dict(doc))
    except mm.ModelValidationError as error:
        problems = error.problems
    return [(p.code, p.severity, p.path) for p in problems]


P2 = "$.domains[0].items[0].practices[1]"


def test_keys_and_replaces_load_and_check_clean() -> None:
    model = model_from_dict(_doc(key="urn:ci.2", replaces=["ci.old", "urn:old"]))
    assert mm.check(model) == ()
    assert model.domains[0].key == "urn:d"
    assert model.domains[0].items[0].replaces == ("build",)
    practice = model.practice("ci.2")
    assert (practice.key, practice.replaces) == ("urn:ci.2", ("ci.old", "urn:old"))


def test_a_key_may_equal_an_id() -> None:
    assert _problems(_doc(key="ci.2")) == []


@pytest.mark.parametrize(("fields", "expected"), [
    ({"key": "urn:ci.1"}, [("duplicate-id", "error", f"{P2}.key")]),
    ({"key": "urn:d"}, [("duplicate-id", "error", f"{P2}.key")]),
    ({"key": "  "}, [("invalid-value", "error", f"{P2}.key")]),
    ({"replaces": ["a", "a"]}, [("invalid-value", "error", f"{P2}.replaces[1]")]),
    ({"replaces": ["a", ""]}, [("invalid-value", "error", f"{P2}.replaces[1]")]),
    ({"replaces": ["ci.2"]}, [("invalid-value", "error", f"{P2}.replaces[0]")]),
    ({"key": "k", "replaces": ["x", "k"]}, [("invalid-value", "error", f"{P2}.replaces[1]")]),
    # another node's id or key is fine: this model cannot tell what the older one held
    ({"replaces": ["ci.1", "urn:ci"]}, []),
])
def test_check_flags_bad_keys_and_replaces(fields: dict[str, Any],
                                           expected: list[tuple[str, str, str]]) -> None:
    assert _problems(_doc(**fields)) == expected


def test_the_duplicate_key_message_names_the_first_use() -> None:
    with pytest.raises(mm.ModelValidationError) as info:
        model_from_dict(_doc(key="urn:ci"))
    (problem,) = info.value.problems
    assert "$.domains[0].items[0].key" in problem.message


@pytest.mark.parametrize(("fields", "path"), [
    ({"key": 7}, f"{P2}.key"),
    ({"replaces": "ci.old"}, f"{P2}.replaces"),
    ({"replaces": [1]}, f"{P2}.replaces[0]"),
])
def test_wrong_types_are_refused_at_load(fields: dict[str, Any], path: str) -> None:
    with pytest.raises(mm.ModelValidationError) as info:
        model_from_dict(_doc(**fields))
    assert [(p.code, p.path) for p in info.value.problems] == [("invalid-value", path)]


def test_defaults_are_not_written_and_values_round_trip() -> None:
    plain = model_from_dict(_doc())
    text = dump_model(plain)
    assert text.count("key:") == 3 and text.count("replaces:") == 1
    assert "- id: ci.2\n      level: 2\n" in text  # no key, no replaces written
    assert "- id: ci\n    key: urn:ci\n    replaces:\n    - build\n" in text
    keyed = model_from_dict(_doc(key="urn:ci.2", replaces=["ci.old"]))
    again = loads_model(dump_model(keyed))
    assert again == keyed
    assert dump_model(again) == dump_model(keyed)


def test_schema_covers_key_and_replaces() -> None:
    jsonschema = pytest.importorskip("jsonschema")
    validator = jsonschema.Draft202012Validator(mm.model_json_schema())
    assert list(validator.iter_errors(_doc(key="k", replaces=["a", "b"]))) == []
    errors = list(validator.iter_errors(_doc(replaces=["a", "a"])))
    assert [list(e.absolute_path) for e in errors] == [
        ["domains", 0, "items", 0, "practices", 1, "replaces"]]
    assert list(validator.iter_errors(_doc(key="")))


# --------------------------------------------------------------------------- importers


def test_dsomm_keys_are_the_activity_uuids() -> None:
    if not DSOMM_MODEL.is_file():
        pytest.skip(f"the DSOMM reference data is not beside the checkout ({DSOMM_MODEL})")
    from maturity_model.formats import dsomm

    model = dsomm.load_model(DSOMM_MODEL)
    _, data = yaml.safe_load_all(DSOMM_MODEL.read_text(encoding="utf-8"))
    uuids = {act["uuid"] for subs in data.values() for acts in subs.values()
             for act in acts.values()}
    practices = list(model.practices())
    assert model.version == "4.3.1"
    assert len(practices) == len(uuids)
    assert {p.key for p in practices} == uuids
    assert all(p.key == p.id for p in practices)
    assert all(domain.key is None for domain in model.domains_preorder())
    assert all(item.key is None for item in model.items())


def _guid(path: Path) -> str:
    match = re.search(r"^id:\s*(\S+)", path.read_text(encoding="utf-8"), re.MULTILINE)
    assert match is not None
    return match.group(1)


def test_samm_keys_are_the_core_file_ids() -> None:
    if not SAMM_CORE.is_dir():
        pytest.skip(f"the SAMM reference data is not beside the checkout ({SAMM_CORE})")
    from maturity_model.formats import samm

    model = samm.load_model(SAMM_CORE.parent)
    practices = list(model.practices())
    assert len(practices) == 90
    for practice in practices:
        assert practice.key == _guid(SAMM_CORE / "activities" / f"{practice.id}.yml")
    for item in model.items():
        assert item.key == _guid(SAMM_CORE / "streams" / f"{item.id}.yml")

    def guids(folder: str) -> set[str]:
        return {_guid(path) for path in (SAMM_CORE / folder).glob("*.yml")}

    assert {d.key for d in model.domains} == guids("business_functions")
    assert {p.key for d in model.domains for p in d.domains} == guids("security_practices")
    assert mm.check(model) == ()


def test_validate_reports_a_duplicate_key_and_exits_1(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from maturity_model.cli import main

    path = tmp_path / "model.yaml"
    path.write_text(dump_model(mm.MaturityModel(id="m", domains=[mm.Domain(
        id="d", key="K", items=[mm.CapabilityItem(id="ci", practices=[
            mm.Practice(id="ci.1", level=1, key="K")])])])), encoding="utf-8")
    assert main(["validate", str(path)]) == 1
    captured = capsys.readouterr()
    lines = (captured.out + captured.err).splitlines()
    assert [line for line in lines if line.startswith("maturity:")] == [
        f"maturity: error: {path}: $.domains[0].items[0].practices[0].key: practice key 'K' "
        "is already used at $.domains[0].key [duplicate-id]"]
