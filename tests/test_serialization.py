"""Reading and writing files: formats, YAML quirks, errors with paths, atomic writes."""

from __future__ import annotations

import datetime
import json
from collections.abc import Sequence
from pathlib import Path

import pytest

import maturity_model as mm
from maturity_model.rules import ChildOutcome, Outcome
from maturity_model.serialization import (
    dump_profile,
    load_profile,
    load_profile_text,
    loads_assessment,
    loads_model,
    model_to_dict,
)

DATA = Path(__file__).parent / "data"


def small_model() -> mm.MaturityModel:
    return mm.MaturityModel(
        id="tiny", name="Tiny", version="1", scale=mm.LevelScale.of("Basic", "Good"),
        rules=mm.ModelRules(item=mm.Staircase(threshold=0.8), domain=mm.Quantile(q=0.25)),
        dependencies="enforce",
        answer_sets=[mm.AnswerSet(id="yn", options=[mm.AnswerOption(label="No", value=0),
                                                    mm.AnswerOption(label="Yes", value=1)])],
        metadata={"source": "made up"},
        domains=[mm.Domain(id="d", items=[
            mm.CapabilityItem(id="i", weight=2, practices=[
                mm.Practice(id="p1", level=1, text="first", answer_set="yn", effort=3),
                mm.Practice(id="p2", level=2, mandatory=True, requires=["p1"],
                            metric=mm.MetricCriterion(name="cov", threshold=80, unit="%"))]),
            mm.CapabilityItem(id="lt", rule=mm.MetricBands(metric="lead", better="lower",
                                                           bounds={2: 24, 1: 168}))])])


@pytest.mark.parametrize("suffix", [".yaml", ".yml", ".json", ".toml"])
def test_a_model_written_in_python_survives_every_format(tmp_path: Path, suffix: str) -> None:
    model = small_model()
    path = tmp_path / f"model{suffix}"
    mm.dump_model(model, path)
    assert mm.load_model(path) == model


def test_dumped_yaml_reads_like_the_design() -> None:
    doc = model_to_dict(small_model())
    assert list(doc)[:3] == ["format", "id", "scale"]
    assert doc["rules"] == {"item": {"kind": "staircase", "threshold": 0.8},
                            "domain": {"kind": "quantile", "q": 0.25}}
    assert doc["answer_sets"] == {"yn": [{"label": "No", "value": 0}, {"label": "Yes", "value": 1}]}
    item = doc["domains"][0]["items"][1]
    assert item["rule"] == {"kind": "metric-bands", "metric": "lead", "better": "lower",
                            "bounds": {1: 168, 2: 24}}
    assert "weight" not in doc["domains"][0]  # defaults are left out


def test_defaults_apply_without_rules_and_dependencies() -> None:
    model = loads_model("id: m\ndomains: []\n")
    assert model.rules == mm.ModelRules(item=mm.Staircase(threshold=1.0), domain=mm.Mean())
    assert model.dependencies == "report"


def test_yaml_yes_no_and_na_stay_answers() -> None:
    assessment = loads_assessment(
        "model: m\nanswers: {a: yes, b: no, c: n/a, d: on, e: true, f: No}\n")
    assert dict(assessment.answers) == {"a": "yes", "b": "no", "c": "n/a", "d": "on",
                                        "e": True, "f": "No"}


def test_unquoted_no_label_in_a_model_stays_a_string() -> None:
    model = loads_model("id: m\nanswer_sets: {s: [{label: No, value: 0}, {label: Yes, value: 1}]}")
    assert model.answer_set("s").labels == ("No", "Yes")


def test_dates_read_from_yaml_json_and_toml() -> None:
    expected = datetime.date(2026, 11, 1)
    assert loads_assessment("model: m\ndate: 2026-11-01").date == expected
    assert loads_assessment('{"model": "m", "date": "2026-11-01"}', "json").date == expected
    assert loads_assessment('model = "m"\ndate = 2026-11-01', "toml").date == expected


@pytest.mark.parametrize(("text", "fmt", "message"), [
    ("id: m\nid: n\n", "yaml", "duplicate key 'id'"),
    ('{"id": "m", "id": "n"}', "json", "duplicate key 'id'"),
    ("id: [unclosed\n", "yaml", "not valid YAML at line"),
    ('{"id": NaN}', "json", "NaN is not a JSON number"),
    ("id = ", "toml", "not valid TOML"),
])
def test_malformed_text_is_one_problem_at_the_root(text: str, fmt: str, message: str) -> None:
    with pytest.raises(mm.ValidationError) as info:
        loads_model(text, fmt)  # type: ignore[arg-type]
    (problem,) = info.value.problems
    assert (problem.code, problem.path) == ("invalid-value", "$")
    assert message in problem.message


def test_wrong_types_are_listed_with_paths_and_nothing_is_half_loaded() -> None:
    text = """
format: maturity-model/1
id: m
version: 2021
scale: [{value: 1}, {value: "2"}]
rules: {item: {kind: stairs}}
domains:
  - id: d
    items:
      - {id: i, practices: [{id: p, level: 1, weight: heavy, requires: p2}]}
      - {name: nameless}
"""
    with pytest.raises(mm.ModelValidationError) as info:
        loads_model(text)
    assert [(p.code, p.path) for p in info.value.problems] == [
        ("invalid-value", "$.version"),
        ("invalid-value", "$.scale[1].value"),
        ("invalid-value", "$.rules.item.kind"),
        ("invalid-value", "$.domains[0].items[0].practices[0].weight"),
        ("invalid-value", "$.domains[0].items[0].practices[0].requires"),
        ("invalid-value", "$.domains[0].items[1].id"),
    ]
    assert 'write it quoted: "2021"' in info.value.problems[0].message


def test_wrong_format_tag_is_refused() -> None:
    with pytest.raises(mm.ModelValidationError) as info:
        loads_model("format: maturity-assessment/1\nid: m")
    assert info.value.problems[0].path == "$.format"


def test_document_that_is_not_a_mapping_is_refused() -> None:
    with pytest.raises(mm.ModelValidationError) as info:
        loads_model("- just\n- a list\n")
    assert info.value.problems[0].message == "the document must be a mapping, not a list"


def test_custom_rule_round_trips_through_a_registry(tmp_path: Path) -> None:
    import attrs

    @attrs.frozen
    class Best:
        kind = "best"

        def aggregate(self, children: Sequence[ChildOutcome]) -> Outcome:
            top = max(children, key=lambda c: c.score)
            return Outcome(score=top.score, level=top.level)

    registry = mm.default_rule_registry()
    registry.register(Best)
    text = "id: m\nrules: {domain: {kind: best}}\ndomains: [{id: d, items: [{id: i, practices: [{id: p, level: 1}]}]}]"
    with pytest.raises(mm.ModelValidationError):
        loads_model(text)
    model = loads_model(text, registry=registry)
    assert isinstance(model.rules.domain, Best)
    path = tmp_path / "m.yaml"
    mm.dump_model(model, path, registry=registry)
    assert mm.load_model(path, registry=registry) == model
    profile = mm.score(model, mm.Assessment(model="m", answers={"p": True}))
    assert profile.overall.level == 5


def test_profile_files_round_trip(tmp_path: Path) -> None:
    model = mm.load_model(DATA / "valid-model.yaml")
    profile = mm.score(model, mm.load_assessment(DATA / "valid-assessment.yaml"))
    path = tmp_path / "profile.json"
    dump_profile(profile, path)
    assert load_profile(path) == profile
    doc = json.loads(path.read_text())
    assert doc["format"] == "maturity-profile/1"
    assert doc["results"][0]["node_id"] == "mini-cd"
    assert doc["results"][2]["coverage"] == {"1": 1.0, "2": 1.0, "3": 0.5}


def test_failed_write_leaves_the_existing_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "model.yaml"
    path.write_text("precious\n")

    def broken(*_: object, **__: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr("os.replace", broken)
    with pytest.raises(OSError, match="disk full"):
        mm.dump_model(small_model(), path)
    assert path.read_text() == "precious\n"
    assert [p.name for p in tmp_path.iterdir()] == ["model.yaml"]


def test_file_that_is_not_utf8_is_a_problem(tmp_path: Path) -> None:
    path = tmp_path / "m.yaml"
    path.write_bytes(b"id: \xff\xfe\n")
    with pytest.raises(mm.ModelValidationError, match="not UTF-8"):
        mm.load_model(path)


def test_json_schema_accepts_the_example_files() -> None:
    jsonschema = pytest.importorskip("jsonschema")
    from maturity_model._schema import assessment_json_schema, model_json_schema
    from maturity_model.serialization import read_document

    jsonschema.validate(read_document(DATA / "valid-model.yaml"), model_json_schema())
    doc = read_document(DATA / "valid-assessment.yaml")
    doc["date"] = doc["date"].isoformat()
    jsonschema.validate(doc, assessment_json_schema())
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(read_document(DATA / "unknown-field.yaml"), model_json_schema())


def test_a_floor_level_above_the_scale_from_a_sum_reads_back() -> None:
    # sum adds scores past the scale's top; mean with level: floor takes floor(score)
    # unclamped (DESIGN §2), so a profile file must hold that level.
    model = mm.MaturityModel(
        id="m", scale=mm.LevelScale.range(0, 1),
        rules=mm.ModelRules(domain=mm.Mean(level="floor")),
        domains=[mm.Domain(id="d", rule=mm.Sum(), items=[
            mm.CapabilityItem(id=f"i{n}", practices=[mm.Practice(id=f"p{n}", level=1)])
            for n in (1, 2)])])
    profile = mm.score(model, mm.Assessment(model="m", answers={"p1": True, "p2": True}))
    assert (profile.overall.score, profile.overall.level) == (2.0, 2)
    assert load_profile_text(dump_profile(profile)) == profile
