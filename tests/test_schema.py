"""The JSON Schema states the file format once: what the converter writes, it accepts."""

from __future__ import annotations

from typing import Any, ClassVar

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import maturity_model as mm
from maturity_model.serialization import assessment_to_dict, model_from_dict, model_to_dict
from tests.strategies import assessments, model_and_assessment, models

jsonschema = pytest.importorskip("jsonschema")
# draft 2020-12, with "format" checked (dates)
_CHECKER = jsonschema.Draft202012Validator.FORMAT_CHECKER


def _errors(doc: Any, schema: dict[str, Any]) -> list[str]:
    validator = jsonschema.Draft202012Validator(schema, format_checker=_CHECKER)
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(doc)]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(models())
def test_every_dumped_model_validates_against_the_schema(model: mm.MaturityModel) -> None:
    assert _errors(model_to_dict(model), mm.model_json_schema()) == []


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(model_and_assessment(), st.one_of(st.none(), st.dates()))
def test_every_dumped_assessment_validates_against_the_schema(
        pair: tuple[mm.MaturityModel, mm.Assessment], date: Any) -> None:
    _, assessment = pair
    assessment = attrs.evolve(assessment, date=date)
    assert _errors(assessment_to_dict(assessment), mm.assessment_json_schema()) == []


@settings(max_examples=20, deadline=None)
@given(models().flatmap(assessments))
def test_schema_refuses_an_unknown_field(assessment: mm.Assessment) -> None:
    doc = {**assessment_to_dict(assessment), "colour": "red"}
    assert _errors(doc, mm.assessment_json_schema())


def _kinds(schema: dict[str, Any], role: str) -> set[str]:
    return {rule["properties"]["kind"]["const"] for rule in schema["$defs"][role]["oneOf"]}


def test_schema_rule_kinds_are_the_registry_kinds() -> None:
    registry = mm.default_rule_registry()
    schema = mm.model_json_schema()
    assert _kinds(schema, "item_rule") == set(registry.item_kinds)
    assert _kinds(schema, "domain_rule") == set(registry.aggregation_kinds)


@attrs.frozen
class Best:
    """The best child's result (a custom aggregation rule)."""

    kind: ClassVar[str] = "best"
    margin: float = 0.0
    label: str = ""

    def aggregate(self, children: Any) -> mm.Outcome:
        top = max(children, key=lambda c: c.score)
        return mm.Outcome(score=top.score, level=top.level)


def test_a_custom_rule_gets_its_schema_from_the_registry() -> None:
    registry = mm.default_rule_registry()
    registry.register(Best)
    schema = mm.model_json_schema(registry)
    assert _kinds(schema, "domain_rule") == set(registry.aggregation_kinds)
    (best,) = [r for r in schema["$defs"]["domain_rule"]["oneOf"]
               if r["properties"]["kind"] == {"const": "best"}]
    assert best["properties"]["margin"] == {"type": "number"}
    assert best["required"] == ["kind"]
    doc = {"id": "m", "rules": {"domain": {"kind": "best", "margin": 0.5}}}
    assert _errors(doc, schema) == []
    assert _errors(doc, mm.model_json_schema())  # the built-in schema does not know it


@pytest.mark.parametrize("rule", [{"kind": "staircase", "threshold": 0},
                                  {"kind": "quantile", "q": 1.5},
                                  {"kind": "metric-bands", "metric": "x", "bounds": {}},
                                  {"kind": "mean", "level": "max"}])
def test_schema_refuses_rules_the_loader_refuses(rule: dict[str, Any]) -> None:
    role = "item" if rule["kind"] in ("staircase", "metric-bands") else "domain"
    doc = {"id": "m", "rules": {role: rule}}
    assert _errors(doc, mm.model_json_schema())
    with pytest.raises(mm.ModelValidationError):
        model_from_dict(doc)
