"""Bounded reading of the library's own files: bytes, values, depth, messages, profiles."""

from __future__ import annotations

import io
import math
import sys
from pathlib import Path
from typing import Any

import pytest

import maturity_model as mm
from maturity_model.errors import SHOWN_LENGTH, ProfileValidationError, shown
from maturity_model.serialization import (
    MAX_FILE_SIZE,
    Limits,
    check_limits,
    dump_profile,
    load_profile_text,
    loads_assessment,
    loads_model,
    parse_text,
    profile_from_dict,
    profile_to_dict,
    read_bounded,
    read_document,
)

DATA = Path(__file__).parent / "data"
NESTED_64 = "the document is nested deeper than 64 levels"


def problem(info: pytest.ExceptionInfo[mm.ValidationError]) -> tuple[str, str, str]:
    first = info.value.problems[0]
    return first.code, first.path, first.message


# --------------------------------------------------------------------------- bytes


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom"])
def test_a_device_without_a_size_is_refused_after_max_bytes(device: str) -> None:
    with pytest.raises(mm.ValidationError) as info:
        read_bounded(device, Limits(max_bytes=4096))
    assert problem(info) == ("invalid-value", "$", "the file has more than 4096 bytes")
    with pytest.raises(mm.ModelValidationError) as info:
        mm.load_model(device)
    assert problem(info) == ("invalid-value", "$",
                             f"the file has more than {MAX_FILE_SIZE} bytes")


def test_a_file_reporting_its_size_is_refused_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    path.write_bytes(b"#" * 5000)
    with pytest.raises(mm.ValidationError) as info:
        read_bounded(path, Limits(max_bytes=1000))
    assert problem(info) == ("invalid-value", "$", "the file has 5000 bytes, more than 1000")


def test_exactly_max_bytes_is_read(tmp_path: Path) -> None:
    path = tmp_path / "m.yaml"
    path.write_bytes(b"id: m\n" + b"#" * 994)
    assert len(read_bounded(path, Limits(max_bytes=1000))) == 1000


def test_dash_reads_standard_input_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(DATA.joinpath(
        "valid-model.yaml").read_bytes())))
    assert mm.load_model("-").id == "mini-cd"
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"x" * 2000)))
    with pytest.raises(mm.ValidationError) as info:
        read_bounded("-", Limits(max_bytes=1000))
    assert problem(info) == ("invalid-value", "$", "the file has more than 1000 bytes")


# --------------------------------------------------------------------------- values


def _bomb(kind: str) -> str:
    """Ten levels, each holding the one below nine times: 9**10 values once expanded."""
    def level(n: int, inner: str) -> str:
        keys = [f"k{i}" if kind != "pairs" else "k" for i in range(9)]
        if kind == "map":
            return "{" + ", ".join(f"{k}: {inner}" for k in keys) + "}"
        return f"!!{kind} [" + ", ".join(f"{k}: {inner}" for k in keys) + "]"

    return "\n".join([f"l0: &l0 {level(0, 'lol')}"]
                     + [f"l{n}: &l{n} {level(n, f'*l{n - 1}')}" for n in range(1, 10)])


@pytest.mark.parametrize("kind", ["map", "omap", "pairs"])
def test_an_alias_bomb_in_any_collection_is_refused_while_it_is_built(kind: str) -> None:
    with pytest.raises(mm.ValidationError) as info:
        parse_text(_bomb(kind), "yaml")
    assert problem(info) == ("invalid-value", "$", "the document holds more than 5000000 "
                             "values once its aliases are expanded")


def test_a_set_counts_its_members() -> None:
    text = "a: !!set {" + ", ".join(f"m{i}" for i in range(50)) + "}"
    assert len(parse_text(text, "yaml")["a"]) == 50
    with pytest.raises(mm.ValidationError) as info:
        parse_text(text, "yaml", limits=Limits(max_values=40))
    assert problem(info)[2].startswith("the document holds more than 40 values")


def test_merge_keys_that_repeat_a_mapping_at_every_level_stay_small() -> None:
    lines = ["l0: &l0 {a: 1, b: 2}"]
    lines += [f"l{n}: &l{n} {{<<: [*l{n - 1}, *l{n - 1}]}}" for n in range(1, 40)]
    # PyYAML 6.0.4 keeps one copy of each merged key; earlier releases copy them at every
    # level (2**39 pairs), which the value limit refuses while it builds the document.
    text = "\n".join(lines)
    limits = Limits(max_values=100_000)
    outcome = _parsed_or_refused(text, limits)
    if isinstance(outcome, mm.ValidationError):
        assert [(p.code, p.path) for p in outcome.problems] == [("invalid-value", "$")]
        assert "more than 100000 values" in outcome.problems[0].message
    else:
        assert outcome["l39"] == {"a": 1, "b": 2}


def _parsed_or_refused(text: str, limits: Limits) -> Any:
    try:
        return parse_text(text, "yaml", limits=limits)
    except mm.ValidationError as exc:
        return exc


def test_merged_values_count_against_the_limit() -> None:
    text = ("base: &b {" + ", ".join(f"k{i}: {i}" for i in range(30)) + "}\n"
            + "\n".join(f"m{n}: {{<<: *b, own: {n}}}" for n in range(30)))
    assert len(parse_text(text, "yaml")["m29"]) == 31
    with pytest.raises(mm.ValidationError) as info:
        parse_text(text, "yaml", limits=Limits(max_values=500))
    assert problem(info)[2].startswith("the document holds more than 500 values")


def test_check_limits_sees_tuples_and_sets() -> None:
    with pytest.raises(mm.ValidationError) as info:
        check_limits({"a": [("k", ("v", ("w",)))]}, Limits(max_depth=3))
    assert problem(info)[2] == "the document is nested deeper than 3 levels"
    with pytest.raises(mm.ValidationError):
        check_limits({"a": frozenset(range(20))}, Limits(max_values=10))


@pytest.mark.parametrize("tag", ["!!omap", "!!pairs"])
def test_depth_is_limited_inside_ordered_maps(tag: str) -> None:
    text = "a: " + f"{tag} [k: " * 70 + "1" + "]" * 70
    with pytest.raises(mm.ValidationError) as info:
        parse_text(text, "yaml")
    assert problem(info) == ("invalid-value", "$", NESTED_64)


@pytest.mark.parametrize("shape", ["mapping", "list"])
def test_a_two_megabyte_flat_yaml_file_is_read_or_refused_in_seconds(shape: str) -> None:
    if shape == "mapping":
        text = "{" + ", ".join(f"a{i}: 1" for i in range(200_000)) + "}"
    else:
        text = "id: m\ndomains: [" + ", ".join("1" for _ in range(700_000)) + "]"
    assert len(text) > 2_000_000
    if shape == "mapping":
        assert len(parse_text(text, "yaml")) == 200_000
        with pytest.raises(mm.ValidationError):
            parse_text(text, "yaml", limits=Limits(max_values=1000))
    else:
        with pytest.raises(mm.ModelValidationError) as info:
            loads_model(text)
        assert len(info.value.problems) == 101  # the first hundred, and how many more


def test_thousands_of_unknown_fields_list_the_first_hundred() -> None:
    doc = {"id": "m", **{f"x{i}": 1 for i in range(5000)}}
    with pytest.raises(mm.ModelValidationError) as info:
        mm.serialization.model_from_dict(doc)
    assert len(info.value.problems) == 101
    assert info.value.codes == ("unknown-field",) * 101


# --------------------------------------------------------------------------- nesting


@pytest.mark.parametrize("fmt", ["yaml", "json", "toml"])
def test_parser_nesting_limits_become_the_librarys_nesting_problem(fmt: str) -> None:
    depth = 5000
    text = {"yaml": "a: " + "[" * depth + "]" * depth,
            "json": '{"a": ' + "[" * depth + "]" * depth + "}",
            "toml": "a = " + "[" * depth + "]" * depth}[fmt]
    with pytest.raises(mm.ValidationError) as info:
        parse_text(text, fmt)  # type: ignore[arg-type]
    assert problem(info) == ("invalid-value", "$", NESTED_64)


def test_a_recursion_error_while_parsing_is_the_nesting_problem(
        monkeypatch: pytest.MonkeyPatch) -> None:
    def deep(*_: Any, **__: Any) -> Any:
        raise RecursionError

    monkeypatch.setattr("maturity_model._reading.tomllib.loads", deep)
    with pytest.raises(mm.ValidationError) as info:
        parse_text("a = 1", "toml")
    assert problem(info) == ("invalid-value", "$", NESTED_64)


# --------------------------------------------------------------------------- YAML details


def test_a_merge_key_overridden_by_an_explicit_key_is_accepted() -> None:
    text = ("id: m\nmetadata: &base {source: a, license: b}\n"
            "domains:\n  - &d {id: one, name: One}\n  - <<: *d\n    id: two\n")
    model = loads_model(text)
    assert [d.id for d in model.domains] == ["one", "two"]
    assert model.domains[1].name == "One"


def test_a_key_written_twice_is_still_refused() -> None:
    with pytest.raises(mm.ModelValidationError) as info:
        loads_model("id: m\nname: a\nname: b\n")
    code, path, message = problem(info)
    assert (code, path) == ("invalid-value", "$")
    assert "duplicate key 'name'" in message


# --------------------------------------------------------------------------- messages


def test_shown_cuts_values_to_a_fixed_length() -> None:
    assert shown("x" * 10_000).endswith("…")
    assert len(shown("x" * 10_000)) == SHOWN_LENGTH
    assert shown("short") == "'short'"


@pytest.mark.parametrize("doc", [
    {"id": "m", "x" * 100_000: 1},
    {"id": "m", "name": 7 ** 300},
    {"id": "m", "scale": [{"value": "v" * 100_000}]},
])
def test_messages_never_render_an_unbounded_value(doc: dict[str, Any]) -> None:
    with pytest.raises(mm.ModelValidationError) as info:
        mm.serialization.model_from_dict(doc)
    for p in info.value.problems:
        assert len(p.message) < 300 and len(p.path) < 300, p


def test_a_long_duplicate_key_is_cut_in_the_message() -> None:
    key = "k" * 50_000
    with pytest.raises(mm.ValidationError) as info:
        parse_text(f'{{"{key}": 1, "{key}": 2}}', "json")
    assert len(problem(info)[2]) < 300


def test_a_lone_surrogate_is_refused_at_its_path() -> None:
    with pytest.raises(mm.AssessmentValidationError) as info:
        loads_assessment('{"model": "m", "answers": {"p\\ud800": true, "q": "\\udfff"}}',
                         "json")
    assert sorted((p.code, p.path) for p in info.value.problems) == [
        ("invalid-value", "$.answers.q"), ("invalid-value", "$.answers['p\\ud800']")]


# --------------------------------------------------------------------------- profiles


def _profile_doc() -> dict[str, Any]:
    model = mm.load_model(DATA / "valid-model.yaml")
    return profile_to_dict(mm.score(model, mm.load_assessment(DATA / "valid-assessment.yaml")))


def test_a_written_profile_reads_back_without_problems() -> None:
    doc = _profile_doc()
    assert profile_to_dict(profile_from_dict(doc)) == doc
    assert load_profile_text(dump_profile(profile_from_dict(doc))) == profile_from_dict(doc)


def _set(doc: dict[str, Any], where: tuple[Any, ...], value: Any) -> dict[str, Any]:
    target: Any = doc
    for step in where[:-1]:
        target = target[step]
    target[where[-1]] = value
    return doc


BAD_PROFILES = [
    (("results", 0, "score"), math.nan, "invalid-value", "$.results[0].score"),
    (("results", 0, "score"), math.inf, "invalid-value", "$.results[0].score"),
    (("results", 1, "level"), 9, "level-off-scale", "$.results[1].level"),
    (("results", 1, "counts", "met"), -1, "invalid-value", "$.results[1].counts.met"),
    (("results", 2, "coverage", "1"), 2.5, "invalid-value", "$.results[2].coverage['1']"),
    (("results", 2, "coverage", "7"), 0.5, "level-off-scale", "$.results[2].coverage['7']"),
    (("results", 1, "parent"), "nowhere", "unresolved-reference", "$.results[1].parent"),
    (("results", 0, "parent"), "cm", "invalid-value", "$.results[0].parent"),
    (("practices", 0, "value"), 1.5, "invalid-value", "$.practices[0].value"),
    (("practices", 0, "level"), 42, "level-off-scale", "$.practices[0].level"),
    (("practices", 0, "item_id"), "gone", "unresolved-reference", "$.practices[0].item_id"),
]


@pytest.mark.parametrize(("where", "value", "code", "path"), BAD_PROFILES,
                         ids=[case[3] for case in BAD_PROFILES])
def test_a_bad_profile_is_refused_with_a_code_and_path(where: tuple[Any, ...], value: Any,
                                                       code: str, path: str) -> None:
    with pytest.raises(ProfileValidationError) as info:
        profile_from_dict(_set(_profile_doc(), where, value))
    assert (code, path) in [(p.code, p.path) for p in info.value.problems]


def test_a_repeated_node_id_is_a_duplicate() -> None:
    doc = _profile_doc()
    doc["results"].append(dict(doc["results"][1]))
    with pytest.raises(ProfileValidationError) as info:
        profile_from_dict(doc)
    assert [(p.code, p.path) for p in info.value.problems] == [
        ("duplicate-id", f"$.results[{len(doc['results']) - 1}].node_id")]


def test_parents_that_form_a_cycle_are_refused() -> None:
    doc = _profile_doc()
    first, second = doc["results"][1], doc["results"][2]
    first["parent"], second["parent"] = second["node_id"], first["node_id"]
    with pytest.raises(ProfileValidationError) as info:
        profile_from_dict(doc)
    cycles = [p for p in info.value.problems if "form a cycle" in p.message]
    assert len(cycles) == 1 and cycles[0].code == "invalid-value"


def test_a_bad_profile_through_the_cli_exits_1(tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    import json

    from maturity_model.cli import main

    path = tmp_path / "p.json"
    path.write_text(json.dumps(_set(_profile_doc(), ("results", 1, "level"), 9)))
    assert main(["validate", str(path), "--json"]) == 1
    assert json.loads(capsys.readouterr().out)["problems"][0]["code"] == "level-off-scale"
    assert read_document(path)["format"] == "maturity-profile/1"


def test_a_lone_surrogate_in_a_dict_is_refused_like_one_in_a_file() -> None:
    from maturity_model.serialization import assessment_from_dict

    with pytest.raises(mm.AssessmentValidationError) as info:
        assessment_from_dict({"model": "m", "subject": "\udfff", "answers": {}})
    assert [(p.code, p.path) for p in info.value.problems] == [("invalid-value", "$.subject")]


def test_a_raised_depth_limit_the_parser_cannot_reach_says_so() -> None:
    text = '{"a": ' + "[" * 5000 + "]" * 5000 + "}"
    with pytest.raises(mm.ValidationError) as info:
        parse_text(text, "json", limits=Limits(max_depth=10_000))
    assert problem(info) == ("invalid-value", "$", "the document is nested too deeply to "
                             "read (a depth limit of 10000 is more than the parser takes)")
