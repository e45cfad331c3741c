"""JSON Schemas of the native model and assessment files (draft 2020-12)."""

from __future__ import annotations

from typing import Any, Final

from maturity_model.evidence import ASSESSMENT_FORMAT
from maturity_model.model import MODEL_FORMAT

_DRAFT: Final = "https://json-schema.org/draft/2020-12/schema"
_ID_BASE: Final = "https://maturity-model.readthedocs.io/schema/"


def _obj(properties: dict[str, Any], required: list[str] | None = None,
         **extra: Any) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "object", "properties": properties,
                              "additionalProperties": False}
    if required:
        schema["required"] = required
    schema.update(extra)
    return schema


_STRING: Final = {"type": "string"}
_ID: Final = {"type": "string", "minLength": 1}
_WEIGHT: Final = {"type": "number", "exclusiveMinimum": 0}
_UNIT: Final = {"type": "number", "minimum": 0, "maximum": 1}


def _rule(kind: str, properties: dict[str, Any] | None = None,
          required: list[str] | None = None) -> dict[str, Any]:
    return _obj({"kind": {"const": kind}, **(properties or {})}, ["kind", *(required or [])])


def model_json_schema() -> dict[str, Any]:
    """The JSON Schema of a native model file (``format: maturity-model/1``).

    >>> schema = model_json_schema()
    >>> schema["properties"]["format"]["const"]
    'maturity-model/1'
    """
    better = {"enum": ["higher", "lower"]}
    item_rule = {"oneOf": [
        _rule("staircase", {"threshold": {"type": "number", "exclusiveMinimum": 0,
                                          "maximum": 1}}),
        _rule("level-sum"),
        _rule("metric-bands", {
            "metric": _ID, "better": better,
            "bounds": {"type": "object", "minProperties": 1,
                       "propertyNames": {"pattern": "^-?[0-9]+$"},
                       "additionalProperties": {"type": "number"}}}, ["metric", "bounds"]),
        _rule("iso33020"),
    ]}
    domain_rule = {"oneOf": [
        _rule("mean", {"level": {"enum": ["min", "floor"]}}),
        _rule("minimum"),
        _rule("quantile", {"q": _UNIT}),
        _rule("sum"),
    ]}
    practice = _obj({
        "id": _ID, "level": {"type": "integer"}, "text": _STRING, "weight": _WEIGHT,
        "mandatory": {"type": "boolean"}, "answer_set": _ID,
        "requires": {"type": "array", "items": _ID},
        "metric": _obj({"name": _ID, "threshold": {"type": "number"}, "better": better,
                        "unit": _STRING}, ["name", "threshold"]),
        "effort": {"type": "number", "minimum": 0},
    }, ["id", "level"])
    item = _obj({"id": _ID, "name": _STRING, "description": _STRING, "weight": _WEIGHT,
                 "rule": {"$ref": "#/$defs/item_rule"},
                 "practices": {"type": "array", "items": {"$ref": "#/$defs/practice"}}},
                ["id"])
    domain = _obj({"id": _ID, "name": _STRING, "description": _STRING, "weight": _WEIGHT,
                   "rule": {"$ref": "#/$defs/domain_rule"},
                   "domains": {"type": "array", "items": {"$ref": "#/$defs/domain"}},
                   "items": {"type": "array", "items": {"$ref": "#/$defs/item"}}}, ["id"])
    level = _obj({"value": {"type": "integer", "minimum": 0}, "name": _STRING,
                  "description": _STRING}, ["value"])
    answer_option = _obj({"label": _ID, "value": _UNIT}, ["label", "value"])
    return {
        "$schema": _DRAFT,
        "$id": _ID_BASE + "maturity-model-1.json",
        "title": "maturity_model model file",
        **_obj({
            "format": {"const": MODEL_FORMAT},
            "id": _ID, "name": _STRING, "version": _STRING, "description": _STRING,
            "scale": {"type": "array", "minItems": 1, "items": level},
            "rules": _obj({"item": {"$ref": "#/$defs/item_rule"},
                           "domain": {"$ref": "#/$defs/domain_rule"}}),
            "dependencies": {"enum": ["ignore", "report", "enforce"]},
            "answer_sets": {"type": "object", "additionalProperties": {
                "type": "array", "minItems": 1, "items": answer_option}},
            "domains": {"type": "array", "items": {"$ref": "#/$defs/domain"}},
            "metadata": {"type": "object", "additionalProperties": _STRING},
        }, ["id"]),
        "$defs": {"item_rule": item_rule, "domain_rule": domain_rule, "practice": practice,
                  "item": item, "domain": domain},
    }


def assessment_json_schema() -> dict[str, Any]:
    """The JSON Schema of a native assessment file (``format: maturity-assessment/1``).

    >>> sorted(assessment_json_schema()["required"])
    ['model']
    """
    answer = {"oneOf": [
        {"type": "boolean"}, {"type": "number", "minimum": 0, "maximum": 1},
        {"type": "string", "minLength": 1}, {"type": "null"}]}
    return {
        "$schema": _DRAFT,
        "$id": _ID_BASE + "maturity-assessment-1.json",
        "title": "maturity_model assessment file",
        **_obj({
            "format": {"const": ASSESSMENT_FORMAT},
            "model": _ID, "model_version": _STRING, "subject": _STRING,
            "date": {"type": "string", "format": "date"},
            "answers": {"type": "object", "additionalProperties": answer},
            "observations": {"type": "object", "additionalProperties": {"type": "number"}},
        }, ["model"]),
    }
