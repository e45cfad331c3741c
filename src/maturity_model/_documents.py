"""Models and assessments as documents: to and from dicts, text and files.

Reading is all-or-nothing: a document with problems raises one
:class:`~maturity_model.ValidationError` subclass listing every problem with its path,
and nothing is half-loaded. Writing goes through the package's one atomic writer.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

import attrs
import yaml

from maturity_model._converter import (
    converter_for,
    problems_from_exception,
    structure,
    text_language,
    type_name,
)
from maturity_model._reading import (
    DEFAULT_LIMITS,
    FileFormat,
    Limits,
    check_limits,
    format_of,
    parse_text,
    read_document,
)
from maturity_model._writing import write_atomic
from maturity_model._yaml import SafeDumper
from maturity_model.errors import (
    AssessmentValidationError,
    ModelValidationError,
    Problem,
    ValidationError,
    shown,
)
from maturity_model.evidence import ASSESSMENT_FORMAT, AnswerDetail, Assessment
from maturity_model.languages import DEFAULT_LANGUAGE
from maturity_model.model import MODEL_FORMAT, MaturityModel
from maturity_model.rules import RuleRegistry

T = TypeVar("T")

__all__ = [
    "assessment_from_dict",
    "assessment_to_dict",
    "dump_assessment",
    "dump_model",
    "dumps_document",
    "load_assessment",
    "load_model",
    "loads_assessment",
    "loads_model",
    "model_from_dict",
    "model_to_dict",
    "take_format",
]


def take_format(doc: Any, expected: str, error: type[ValidationError],
                limits: Limits = DEFAULT_LIMITS) -> dict[str, Any]:
    """The body of a document of format ``expected``, checked against ``limits``.

    :raises ValidationError: (of type ``error``) the document is too large, not a
        mapping, or of another format.
    """
    try:
        check_limits(doc, limits)
    except ValidationError as exc:
        raise error(exc.problems) from None
    if not isinstance(doc, Mapping):
        raise error([Problem.of("invalid-value", "$",
                                f"the document must be a mapping, not {type_name(doc)}")])
    body = dict(doc)
    found = body.pop("format", expected)
    if found != expected:
        raise error([Problem.of("invalid-value", "$.format",
                                f"expected format {shown(expected)}, not {shown(found)}")])
    return body


# --------------------------------------------------------------------------- models


def model_from_dict(doc: Any, *, registry: RuleRegistry | None = None,
                    limits: Limits = DEFAULT_LIMITS) -> MaturityModel:
    """Build and validate a model from a parsed document (a dict as in DESIGN §3).

    :raises ModelValidationError: listing every problem; :class:`DependencyCycleError`
        when one of them is a dependency cycle.

    >>> m = model_from_dict({"id": "m", "scale": [{"value": 1, "name": "Basic"}],
    ...     "domains": [{"id": "d", "items": [{"id": "i", "practices": [
    ...         {"id": "p", "level": 1}]}]}]})
    >>> m.practice("p").level
    1
    >>> model_from_dict({"id": "m", "colour": "red"})
    Traceback (most recent call last):
    ...
    maturity_model.errors.ModelValidationError: 1 problem:
      $.colour: unknown field 'colour' [unknown-field]
    """
    from maturity_model.validation import check

    body = take_format(doc, MODEL_FORMAT, ModelValidationError, limits)
    with text_language(body.get("language", DEFAULT_LANGUAGE)):
        model = structure(body, MaturityModel, converter_for(registry), ModelValidationError)
    errors = tuple(p for p in check(model) if p.severity == "error")
    if errors:
        from maturity_model.graph import cycle_error

        raise cycle_error(model, errors)
    model._index.errors = ()
    return model


def model_to_dict(model: MaturityModel, *, registry: RuleRegistry | None = None) -> dict[
        str, Any]:
    """The document form of a model (plain dicts, lists, strings and numbers).

    >>> from maturity_model import MaturityModel
    >>> model_to_dict(MaturityModel(id="m", version="1"))["format"]
    'maturity-model/1'
    """
    try:
        body = converter_for(registry).unstructure(model)
    except RecursionError:
        raise ModelValidationError([Problem.of(
            "invalid-value", "$.domains", "the domain tree is nested too deeply to write",
        )]) from None
    body.pop("_cache", None)
    ordered = {"format": MODEL_FORMAT, "id": body.pop("id")}
    # A model always states its scale, so files stay readable without knowing defaults.
    ordered["scale"] = converter_for(registry).unstructure(model.scale)
    body.pop("scale", None)
    ordered.update(body)
    return ordered


def as_kind(error: type[ValidationError], build: Callable[[], T]) -> T:
    """``build()``, its problems raised as ``error`` (a model's, an assessment's, ...).

    Reading and parsing raise the plain :class:`ValidationError`; each kind of document
    raises its own subclass, whatever stage found the problem.
    """
    try:
        return build()
    except error:
        raise
    except ValidationError as exc:
        raise error(exc.problems) from None


def parse_bounded(text: str, file_format: FileFormat, limits: Limits) -> Any:
    """Parse a document given as text, refusing text longer than ``limits.max_bytes``."""
    if len(text) > limits.max_bytes:
        raise ValidationError([Problem.of(
            "invalid-value", "$", f"the text is longer than {limits.max_bytes} characters")])
    return parse_text(text, file_format, limits=limits)


def loads_model(text: str, file_format: FileFormat = "yaml", *,
                registry: RuleRegistry | None = None,
                limits: Limits = DEFAULT_LIMITS) -> MaturityModel:
    """Read a model from text.

    >>> loads_model('{"id": "m", "domains": []}', "json").id
    'm'
    """
    return as_kind(ModelValidationError, lambda: model_from_dict(
        parse_bounded(text, file_format, limits), registry=registry, limits=limits))


def load_model(path: str | os.PathLike[str], *, file_format: FileFormat | None = None,
               registry: RuleRegistry | None = None,
               limits: Limits = DEFAULT_LIMITS) -> MaturityModel:
    """Read and validate a model file (YAML, JSON or TOML, by suffix or ``file_format``).

    :param registry: rule kinds beyond the built-in ones.
    :param limits: size limits (see :class:`Limits`).
    :raises OSError: the file cannot be read.
    :raises ModelValidationError: the file has error-level problems (all are listed);
        warnings are available from :func:`maturity_model.check`.
    """
    return as_kind(ModelValidationError, lambda: model_from_dict(
        read_document(path, file_format, limits=limits), registry=registry, limits=limits))


def _to_toml_ready(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _to_toml_ready(v) for k, v in value.items() if v is not None}
    if isinstance(value, list | tuple):
        return [_to_toml_ready(v) for v in value]
    return value


def dumps_document(doc: Mapping[str, Any], file_format: FileFormat) -> str:
    """Serialize a document to text in the given format."""
    if file_format == "json":
        return json.dumps(doc, indent=2, ensure_ascii=False, allow_nan=False) + "\n"
    if file_format == "toml":
        import tomli_w

        return tomli_w.dumps(_to_toml_ready(doc))
    return yaml.dump(dict(doc), Dumper=SafeDumper, sort_keys=False, allow_unicode=True,
                     width=100)


def dump_model(model: MaturityModel, path: str | os.PathLike[str] | None = None, *,
               file_format: FileFormat | None = None,
               registry: RuleRegistry | None = None) -> str:
    """Serialize a model; write it to ``path`` (atomically) when given. Returns the text.

    >>> from maturity_model import MaturityModel
    >>> print(dump_model(MaturityModel(id="m", version="1"), file_format="yaml"), end="")
    format: maturity-model/1
    id: m
    scale:
    - value: 1
    - value: 2
    - value: 3
    - value: 4
    - value: 5
    version: '1'
    """
    fmt = format_of(path, file_format) if path is not None else (file_format or "yaml")
    text = dumps_document(model_to_dict(model, registry=registry), fmt)
    if path is not None:
        write_atomic(path, text)
    return text


# --------------------------------------------------------------------------- assessments


def assessment_from_dict(doc: Any, *, limits: Limits = DEFAULT_LIMITS) -> Assessment:
    """Build an assessment from a parsed document (checked against a model when scored).

    >>> a = assessment_from_dict({"format": "maturity-assessment/1", "model": "m",
    ...                           "answers": {"p": "n/a", "q": True}})
    >>> dict(a.answers)
    {'p': 'n/a', 'q': True}
    """
    body = take_format(doc, ASSESSMENT_FORMAT, AssessmentValidationError, limits)
    problems: list[Problem] = []
    if "details" in body:  # the field's file form is inside each answer
        problems.append(Problem.of("unknown-field", "$.details", "unknown field 'details'"))
        del body["details"]
    details: dict[str, AnswerDetail] = {}
    answers = body.get("answers")
    if isinstance(answers, Mapping) and any(isinstance(v, Mapping) for v in answers.values()):
        converter = converter_for(None)
        values: dict[Any, Any] = {}
        for key, answer in answers.items():
            if not isinstance(answer, Mapping):
                values[key] = answer
                continue
            values[key] = answer.get("value")
            rest = {k: v for k, v in answer.items() if k != "value"}
            try:
                details[key] = converter.structure(rest, AnswerDetail)
            except Exception as exc:  # every failure becomes problems with paths
                problems.extend(problems_from_exception(exc, f"$.answers[{shown(key)}]"))
        body["answers"] = values
    try:
        assessment = structure(body, Assessment, converter_for(None),
                               AssessmentValidationError)
    except AssessmentValidationError as exc:
        problems.extend(exc.problems)
    if problems:
        raise AssessmentValidationError(problems)
    return attrs.evolve(assessment, details=details) if details else assessment


def assessment_to_dict(assessment: Assessment) -> dict[str, Any]:
    """The document form of an assessment; an answer with a note or evidence is a mapping.

    >>> from maturity_model.evidence import AnswerDetail, Assessment
    >>> assessment_to_dict(Assessment(model="m", answers={"p": True},
    ...                               details={"p": AnswerDetail(note="wiki")}))
    {'format': 'maturity-assessment/1', 'model': 'm', 'answers': {'p': {'value': True, \
'note': 'wiki'}}}
    """
    body = converter_for(None).unstructure(assessment)
    details = body.pop("details", None)
    if details:
        answers = body.setdefault("answers", {})
        for key, detail in details.items():
            value = answers.get(key)
            answers[key] = {**({} if value is None else {"value": value}), **detail}
    return {"format": ASSESSMENT_FORMAT, **body}


def loads_assessment(text: str, file_format: FileFormat = "yaml", *,
                     limits: Limits = DEFAULT_LIMITS) -> Assessment:
    r"""Read an assessment from text.

    >>> loads_assessment("model: m\nanswers: {p: no, q: n/a}").answers["p"]
    'no'
    """
    return as_kind(AssessmentValidationError, lambda: assessment_from_dict(
        parse_bounded(text, file_format, limits), limits=limits))


def load_assessment(path: str | os.PathLike[str], *,
                    file_format: FileFormat | None = None,
                    limits: Limits = DEFAULT_LIMITS) -> Assessment:
    """Read an assessment file (YAML, JSON or TOML).

    Whether its answers fit a model is checked when it is scored or by
    :func:`maturity_model.check`.

    :raises OSError: the file cannot be read.
    :raises AssessmentValidationError: the file is malformed (every problem listed).
    """
    return as_kind(AssessmentValidationError, lambda: assessment_from_dict(
        read_document(path, file_format, limits=limits), limits=limits))


def dump_assessment(assessment: Assessment, path: str | os.PathLike[str] | None = None, *,
                    file_format: FileFormat | None = None) -> str:
    """Serialize an assessment; write it to ``path`` (atomically) when given.

    >>> from maturity_model.evidence import Assessment
    >>> print(dump_assessment(Assessment(model="m", answers={"p": 0.5})), end="")
    format: maturity-assessment/1
    model: m
    answers:
      p: 0.5
    """
    fmt = format_of(path, file_format) if path is not None else (file_format or "yaml")
    text = dumps_document(assessment_to_dict(assessment), fmt)
    if path is not None:
        write_atomic(path, text)
    return text

