"""JSON Schemas of the native model and assessment files (draft 2020-12).

The rule part of the model schema is generated from a rule registry: every registered
``kind``, item and aggregation rules apart, with its fields read from the rule class. So a
model that uses your own rule validates against ``model_json_schema(registry)``, and the
schema can never name a kind the loader does not know.

>>> import maturity_model as mm
>>> sorted(mm.model_json_schema()["$defs"]["domain_rule"]["oneOf"][1]["properties"])
['kind']
"""

from __future__ import annotations

import types
import typing
from collections.abc import Mapping
from typing import Any, Final

import attrs

from maturity_model._portfolio_files import PORTFOLIO_FORMAT
from maturity_model.crosswalk import CROSSWALK_FORMAT, RELATIONSHIPS
from maturity_model.evidence import ASSESSMENT_FORMAT
from maturity_model.model import MODEL_FORMAT
from maturity_model.rules import RuleRegistry, default_rule_registry

__all__ = ["assessment_json_schema", "crosswalk_json_schema", "model_json_schema",
           "portfolio_json_schema",
           "rule_json_schema"]

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
#: A BCP 47 tag as the schema checks it (the loader checks the full grammar).
_TAG: Final = {"type": "string", "pattern": "^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$"}
#: A human text: a string, or a mapping from language tag to a non-empty string.
_TEXT: Final = {"anyOf": [_STRING, {"type": "object", "minProperties": 1,
                                    "propertyNames": _TAG,
                                    "additionalProperties": {"type": "string",
                                                             "pattern": "\\S"}}]}
#: ``key`` and ``replaces``, which domains, items and practices all may carry.
_IDENTITY: Final = {
    "key": _ID, "replaces": {"type": "array", "items": _ID, "uniqueItems": True},
    # references into other standards (scheme -> ids) and free labels
    "refs": {"type": "object", "propertyNames": {"minLength": 1}, "additionalProperties": {
        "type": "array", "items": _ID, "uniqueItems": True}},
    "tags": {"type": "array", "items": _ID, "uniqueItems": True},
}


#: Ranges the field types do not say (the checks of :func:`maturity_model.check` agree).
_REFINED: Final[Mapping[tuple[str, str], Mapping[str, Any]]] = {
    ("staircase", "threshold"): {"exclusiveMinimum": 0, "maximum": 1},
    ("quantile", "q"): {"minimum": 0, "maximum": 1},
    ("metric-bands", "metric"): {"minLength": 1},
    ("metric-bands", "bounds"): {"minProperties": 1},
}


def _type_schema(hint: Any) -> dict[str, Any]:
    """The JSON Schema of one field type of a rule class (``{}`` when it has no plain form)."""
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if origin is typing.Literal:
        return {"enum": list(args)}
    if origin in (typing.Union, types.UnionType):
        return {"anyOf": [_type_schema(a) for a in args]}
    if hint is type(None):
        return {"type": "null"}
    if hint is bool:
        return {"type": "boolean"}
    if hint is int:
        return {"type": "integer"}
    if hint is float:
        return {"type": "number"}
    if hint is str:
        return {"type": "string"}
    if origin is not None and isinstance(origin, type) and issubclass(origin, Mapping):
        key, value = args or (str, Any)
        schema: dict[str, Any] = {"type": "object",
                                  "additionalProperties": _type_schema(value)}
        if key is int:
            schema["propertyNames"] = {"pattern": "^-?[0-9]+$"}
        return schema
    if origin in (tuple, list) and args:
        return {"type": "array", "items": _type_schema(args[0])}
    return {}


def rule_json_schema(cls: type[Any]) -> dict[str, Any]:
    """The JSON Schema of one rule class as it is written in a model file.

    ``kind`` is the class's tag; every attrs field is a property, required when it has
    no default.

    >>> from maturity_model.rules import Quantile
    >>> rule_json_schema(Quantile)["properties"]["q"]
    {'type': 'number', 'minimum': 0, 'maximum': 1}
    """
    kind = cls.kind
    hints = typing.get_type_hints(cls)
    properties: dict[str, Any] = {"kind": {"const": kind}}
    required = ["kind"]
    for field in attrs.fields(cls):
        if field.name.startswith("_") or not field.init:
            continue
        properties[field.name] = {**_type_schema(hints.get(field.name, Any)),
                                  **_REFINED.get((kind, field.name), {})}
        if field.default is attrs.NOTHING:
            required.append(field.name)
    return _obj(properties, required)


def model_json_schema(registry: RuleRegistry | None = None) -> dict[str, Any]:
    """The JSON Schema of a native model file (``format: maturity-model/1``).

    :param registry: the rules a model may use (the built-in ones when omitted).

    >>> schema = model_json_schema()
    >>> schema["properties"]["format"]["const"]
    'maturity-model/1'
    """
    rules = default_rule_registry() if registry is None else registry
    better = {"enum": ["higher", "lower"]}
    item_rule = {"oneOf": [rule_json_schema(cls) for _, cls in sorted(
        rules.item_kinds.items())]}
    domain_rule = {"oneOf": [rule_json_schema(cls) for _, cls in sorted(
        rules.aggregation_kinds.items())]}
    practice = _obj({
        "id": _ID, "level": {"type": "integer"}, "text": _TEXT, "weight": _WEIGHT,
        "mandatory": {"type": "boolean"}, "answer_set": _ID,
        "requires": {"type": "array", "items": _ID},
        "metric": _obj({"name": _ID, "threshold": {"type": "number"}, "better": better,
                        "unit": _STRING}, ["name", "threshold"]),
        "effort": {"type": "number", "minimum": 0}, **_IDENTITY,
        "evidence": {"enum": ["required"]},
        "evidence_max_age_months": {"type": "integer", "minimum": 1},
    }, ["id", "level"])
    item = _obj({"id": _ID, "name": _TEXT, "description": _TEXT, "weight": _WEIGHT,
                 "rule": {"$ref": "#/$defs/item_rule"},
                 "practices": {"type": "array", "items": {"$ref": "#/$defs/practice"}},
                 **_IDENTITY}, ["id"])
    domain = _obj({"id": _ID, "name": _TEXT, "description": _TEXT, "weight": _WEIGHT,
                   "rule": {"$ref": "#/$defs/domain_rule"},
                   "domains": {"type": "array", "items": {"$ref": "#/$defs/domain"}},
                   "items": {"type": "array", "items": {"$ref": "#/$defs/item"}},
                   **_IDENTITY}, ["id"])
    level = _obj({"value": {"type": "integer", "minimum": 0}, "name": _TEXT,
                  "description": _TEXT}, ["value"])
    label = {"anyOf": [_ID, _TEXT["anyOf"][1]]}
    answer_option = _obj({"label": label, "value": _UNIT}, ["label", "value"])
    return {
        "$schema": _DRAFT,
        "$id": _ID_BASE + "maturity-model-1.json",
        "title": "maturity_model model file",
        **_obj({
            "format": {"const": MODEL_FORMAT},
            "id": _ID, "name": _TEXT, "version": _STRING, "description": _TEXT,
            "language": _TAG, "languages": {"type": "array", "items": _TAG},
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
    value = [{"type": "boolean"}, {"type": "number", "minimum": 0, "maximum": 1},
             {"type": "string", "minLength": 1}, {"type": "null"}]
    record = _obj({"title": _STRING, "url": {"type": "string", "format": "uri"},
                   "path": _ID, "date": {"type": "string", "format": "date"},
                   "reviewer": _STRING},
                  oneOf=[{"required": ["url"]}, {"required": ["path"]}])
    answer = {"oneOf": [*value, _obj({
        "value": {"oneOf": value}, "note": _STRING,
        "evidence": {"type": "array", "items": record}})]}
    return {
        "$schema": _DRAFT,
        "$id": _ID_BASE + "maturity-assessment-1.json",
        "title": "maturity_model assessment file",
        **_obj({
            "format": {"const": ASSESSMENT_FORMAT},
            "model": _ID, "model_version": _STRING, "subject": _STRING,
            "date": {"type": "string", "format": "date"},
            "tags": {"type": "object", "additionalProperties": _STRING},
            "answers": {"type": "object", "additionalProperties": answer},
            "observations": {"type": "object", "additionalProperties": {"type": "number"}},
        }, ["model"]),
    }


def portfolio_json_schema() -> dict[str, Any]:
    """The JSON Schema of a portfolio document (``format: maturity-portfolio/1``).

    The CSV form of a portfolio has the same fields as columns (tags as ``tags.NAME``, or
    any other column).

    >>> schema = portfolio_json_schema()
    >>> schema["required"], schema["$defs"]["certificate"]["required"]
    (['certificates'], ['subject', 'model', 'level', 'date', 'issuer'])
    """
    text = {"type": "string", "pattern": r"\S"}
    date = {"type": "string", "format": "date"}
    certificate = _obj({
        "subject": text, "project": text, "model": text, "model_version": _STRING,
        "level": {"type": "integer", "minimum": 0}, "grade": _STRING, "date": date,
        "issuer": text, "expires": date,
        "tags": {"type": "object", "propertyNames": text, "additionalProperties": _STRING},
    }, ["subject", "model", "level", "date", "issuer"])
    return {
        "$schema": _DRAFT,
        "$id": _ID_BASE + "maturity-portfolio-1.json",
        "title": "maturity_model portfolio file",
        **_obj({
            "format": {"const": PORTFOLIO_FORMAT},
            "certificates": {"type": "array", "items": {"$ref": "#/$defs/certificate"}},
        }, ["certificates"]),
        "$defs": {"certificate": certificate},
    }


def crosswalk_json_schema() -> dict[str, Any]:
    """The JSON Schema of a crosswalk file (``format: maturity-crosswalk/1``).

    >>> crosswalk_json_schema()["$defs"]["mapping"]["properties"]["relationship"]["enum"]
    ['equal', 'subset', 'superset', 'intersect', 'not_related']
    """
    mapping = _obj({
        "source": _ID, "target": _ID, "relationship": {"enum": list(RELATIONSHIPS)},
        "strength": {"type": "integer", "minimum": 0, "maximum": 10},
        "rationale": _STRING,
    }, ["source", "target", "relationship"])
    return {
        "$schema": _DRAFT,
        "$id": _ID_BASE + "maturity-crosswalk-1.json",
        "title": "maturity_model crosswalk file",
        **_obj({
            "format": {"const": CROSSWALK_FORMAT},
            "source_model": _ID, "source_version": _STRING,
            "target_model": _ID, "target_version": _STRING,
            "name": _STRING, "description": _STRING,
            "mappings": {"type": "array", "items": {"$ref": "#/$defs/mapping"}},
        }, ["source_model", "target_model"]),
        "$defs": {"mapping": mapping},
    }
