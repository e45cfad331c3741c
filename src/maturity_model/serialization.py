"""Reading and writing models, assessments and profiles (YAML, JSON, TOML).

Everything goes through one private cattrs converter per set of rule kinds. Reading is
all-or-nothing: a document with problems raises one
:class:`~maturity_model.ValidationError` listing every problem with its path, and nothing
is half-loaded. YAML is read with a safe loader that follows YAML 1.2 for booleans, so an
unquoted ``no``, ``yes``, ``on`` or ``off`` stays the string it looks like (an answer, or a
label) instead of silently becoming a boolean; only ``true`` and ``false`` are booleans.
Nothing in a file is ever executed.
"""

from __future__ import annotations

import contextlib
import datetime
import json
import os
import re
import tempfile
import tomllib
from collections.abc import Callable, Iterator, Mapping
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import IO, Any, Final, Literal, TypeVar

import attrs
import cattrs
import yaml
from cattrs.errors import (
    ClassValidationError,
    ForbiddenExtraKeysError,
    IterableValidationError,
    IterableValidationNote,
)

from maturity_model._numbers import is_finite_number
from maturity_model.errors import (
    AssessmentValidationError,
    DependencyCycleError,
    ModelValidationError,
    Problem,
    ProfileValidationError,
    ValidationError,
)
from maturity_model.evidence import ASSESSMENT_FORMAT, Assessment, RawAnswer
from maturity_model.levels import Level, LevelScale
from maturity_model.model import (
    MODEL_FORMAT,
    AnswerOption,
    AnswerSet,
    MaturityModel,
)
from maturity_model.profile import PracticeResult, Profile, Result
from maturity_model.rules import AggregationRule, ItemRule, RuleRegistry, default_rule_registry

__all__ = [
    "DEFAULT_LIMITS",
    "FileFormat",
    "Limits",
    "assessment_from_dict",
    "assessment_to_dict",
    "check_limits",
    "dump_assessment",
    "dump_model",
    "dump_profile",
    "load_assessment",
    "load_model",
    "load_profile",
    "loads_assessment",
    "loads_model",
    "model_from_dict",
    "model_to_dict",
    "profile_from_dict",
    "profile_to_dict",
]

FileFormat = Literal["yaml", "json", "toml"]

#: Files larger than this are refused before parsing (bytes).
MAX_FILE_SIZE: Final = 64 * 1024 * 1024


@attrs.frozen(kw_only=True)
class Limits:
    """How much a document may hold before it is refused (with an ``invalid-value`` problem).

    The defaults take real models with room to spare; raise them for unusual files.

    :param max_bytes: the file's size.
    :param max_depth: nesting of mappings and lists (a domain level costs two).
    :param max_values: values in the document once YAML aliases are expanded; this is what
        stops an alias "bomb" within a second and with bounded memory.

    >>> Limits().max_depth
    64
    """

    max_bytes: int = MAX_FILE_SIZE
    max_depth: int = 64
    max_values: int = 5_000_000


DEFAULT_LIMITS: Final = Limits()


def _limit_problem(message: str) -> ValidationError:
    return ValidationError([Problem.error("invalid-value", "$", message)])


def check_limits(doc: Any, limits: Limits = DEFAULT_LIMITS) -> None:
    """Refuse a document that is too deep, too large or contains itself.

    "Too large" counts values once YAML aliases are expanded; "contains itself" is a
    recursive alias.

    Shared sub-documents (YAML aliases) are measured once and counted as often as they
    are used, so the check is linear in the parsed size.

    :raises ValidationError: with one ``invalid-value`` problem at ``$``.

    >>> check_limits({"a": [1, 2, {"b": 3}]})
    >>> check_limits([[[[1]]]], Limits(max_depth=3))
    Traceback (most recent call last):
    ...
    maturity_model.errors.ValidationError: 1 problem:
      $: the document is nested deeper than 3 levels [invalid-value]
    """
    sizes: dict[int, tuple[int, int]] = {}  # id -> (expanded values, depth)
    on_path: set[int] = set()
    stack: list[tuple[Any, bool]] = [(doc, False)]
    keep_alive: list[Any] = []
    while stack:
        node, done = stack.pop()
        if not isinstance(node, dict | list):
            continue
        key = id(node)
        if done:
            on_path.discard(key)
            children = node.values() if isinstance(node, dict) else node
            count, depth = 1, 1
            for child in children:
                if isinstance(child, dict | list):
                    c, d = sizes[id(child)]
                    count += c
                    depth = max(depth, d + 1)
                else:
                    count += 1
            if depth > limits.max_depth:
                raise _limit_problem(
                    f"the document is nested deeper than {limits.max_depth} levels")
            if count > limits.max_values:
                raise _limit_problem(
                    f"the document holds more than {limits.max_values} values once its "
                    f"aliases are expanded")
            sizes[key] = (count, depth)
            continue
        if key in sizes:
            continue
        if key in on_path:
            raise _limit_problem("the document contains itself (a recursive alias)")
        if len(on_path) >= limits.max_depth:
            raise _limit_problem(
                f"the document is nested deeper than {limits.max_depth} levels")
        on_path.add(key)
        keep_alive.append(node)
        stack.append((node, True))
        children = node.values() if isinstance(node, dict) else node
        stack.extend((child, False) for child in children if isinstance(child, dict | list))

_SUFFIXES: Final[dict[str, FileFormat]] = {
    ".yaml": "yaml", ".yml": "yaml", ".json": "json", ".toml": "toml"}

T = TypeVar("T")


# --------------------------------------------------------------------------- YAML


_BaseLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _SafeLoader(_BaseLoader):  # type: ignore[valid-type, misc]
    """A safe loader with YAML 1.2 booleans and an error for duplicate keys.

    It uses libyaml's parser when PyYAML was built with it, and PyYAML's safe constructor
    either way.
    """


_SafeLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_SafeLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
    list("tTfF"))


def _construct_mapping(loader: _SafeLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    loader.flatten_mapping(node)
    result: dict[Any, Any] = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        try:
            hash(key)
        except TypeError:
            raise yaml.constructor.ConstructorError(
                None, None, "a mapping key must be a plain value", key_node.start_mark
            ) from None
        if key in result:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark)
        result[key] = loader.construct_object(value_node, deep=True)
    return result


_SafeLoader.add_constructor("tag:yaml.org,2002:map", _construct_mapping)


def _yaml_load(text: str) -> Any:
    return yaml.load(text, Loader=_SafeLoader)


def _json_pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise ValueError(f"duplicate key {key!r}")
        result[key] = value
    return result


def _json_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def parse_text(text: str, file_format: FileFormat) -> Any:
    """Parse a document; a syntax error becomes one ``invalid-value`` problem at ``$``.

    :raises ValidationError: the text is not well-formed.
    """
    try:
        if file_format == "yaml":
            return _yaml_load(text)
        if file_format == "json":
            return json.loads(text, object_pairs_hook=_json_pairs,
                              parse_constant=_json_constant)
        return tomllib.loads(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        message = f"not valid YAML{where}: {problem}"
    except RecursionError:
        message = "the document is nested too deeply to read"
    except ValueError as exc:
        message = f"not valid {file_format.upper()}: {exc}"
    raise ValidationError([Problem.error("invalid-value", "$", message)])


def format_of(path: str | os.PathLike[str], explicit: FileFormat | None = None) -> FileFormat:
    """The file format from an explicit choice or the file's suffix (default YAML).

    >>> format_of("team.json"), format_of("model.yml"), format_of("x.txt", "toml")
    ('json', 'yaml', 'toml')
    """
    if explicit is not None:
        return explicit
    return _SUFFIXES.get(Path(path).suffix.lower(), "yaml")


def read_document(path: str | os.PathLike[str], file_format: FileFormat | None = None, *,
                  limits: Limits = DEFAULT_LIMITS) -> Any:
    """Read and parse a file.

    :raises OSError: the file cannot be read.
    :raises ValidationError: the file is too large, not UTF-8 or not well-formed.
    """
    p = Path(path)
    size = p.stat().st_size
    if size > limits.max_bytes:
        raise ValidationError([Problem.error(
            "invalid-value", "$", f"the file has {size} bytes, more than {limits.max_bytes}")])
    data = p.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValidationError([Problem.error(
            "invalid-value", "$", f"the file is not UTF-8 text ({exc.reason} at byte "
            f"{exc.start})")]) from None
    return parse_text(text, format_of(p, file_format))


# --------------------------------------------------------------------------- converter


class _ProblemsError(Exception):
    """Problems found inside a hook, with paths relative to the hooked value."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems))


def _type_name(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list | tuple):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


def _structure_str(value: Any, _: type) -> str:
    if not isinstance(value, str):
        hint = f' (write it quoted: "{value}")' if isinstance(value, int | float) else ""
        raise ValueError(f"must be a string, not {_type_name(value)}{hint}")
    return value


def _structure_int(value: Any, _: type) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"must be an integer, not {_type_name(value)} {value!r}")
    return value


def _structure_float(value: Any, _: type) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"must be a number, not {_type_name(value)} {value!r}")
    return value


def _structure_bool(value: Any, _: type) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"must be true or false, not {_type_name(value)} {value!r}")
    return value


def _structure_date(value: Any, _: type) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, str):
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            pass
    raise ValueError(f"must be a date (YYYY-MM-DD), not {value!r}")


def _mapping(value: Any) -> Mapping[Any, Any]:
    if not isinstance(value, Mapping):
        raise ValueError(f"must be a mapping, not {_type_name(value)}")
    return value


def _key_path(key: object) -> str:
    return f"[{key!r}]"


def _structure_str_map(value: Any, _: type) -> Mapping[str, str]:
    problems: list[Problem] = []
    result: dict[str, str] = {}
    for key, item in _mapping(value).items():
        if not isinstance(key, str) or not isinstance(item, str):
            problems.append(Problem.error("invalid-value", _key_path(key),
                                          "keys and values must be strings"))
        else:
            result[key] = item
    if problems:
        raise _ProblemsError(problems)
    return MappingProxyType(result)


def _structure_bounds(value: Any, _: type) -> Mapping[int, float]:
    problems: list[Problem] = []
    result: dict[int, float] = {}
    for key, bound in _mapping(value).items():
        level: int | None = None
        if isinstance(key, int) and not isinstance(key, bool):
            level = key
        elif isinstance(key, str) and re.fullmatch(r"-?\d+", key.strip()):
            level = int(key)
        if level is None:
            problems.append(Problem.error("invalid-value", _key_path(key),
                                          f"a bound's key must be a level, not {key!r}"))
            continue
        if not is_finite_number(bound):
            problems.append(Problem.error("invalid-value", _key_path(key),
                                          f"a bound must be a finite number, not {bound!r}"))
            continue
        if level in result:
            problems.append(Problem.error("duplicate-id", _key_path(key),
                                          f"level {level} has two bounds"))
        result[level] = bound
    if problems:
        raise _ProblemsError(problems)
    return MappingProxyType(dict(sorted(result.items())))


def _structure_answers(value: Any, _: type) -> Mapping[str, RawAnswer]:
    problems: list[Problem] = []
    result: dict[str, RawAnswer] = {}
    for key, answer in _mapping(value).items():
        if not isinstance(key, str):
            problems.append(Problem.error("invalid-value", _key_path(key),
                                          f"a practice id must be a string, not {key!r}"))
        elif answer is not None and not isinstance(answer, bool | int | float | str):
            problems.append(Problem.error(
                "invalid-value", _key_path(key),
                f"an answer must be true, false, a number, a label or n/a, not "
                f"{_type_name(answer)}"))
        else:
            result[key] = answer
    if problems:
        raise _ProblemsError(problems)
    return result


def _structure_observations(value: Any, _: type) -> Mapping[str, float]:
    problems: list[Problem] = []
    result: dict[str, float] = {}
    for key, observed in _mapping(value).items():
        if not isinstance(key, str):
            problems.append(Problem.error("invalid-value", _key_path(key),
                                          f"a metric name must be a string, not {key!r}"))
        elif not is_finite_number(observed):
            problems.append(Problem.error("invalid-value", _key_path(key),
                                          f"an observation must be a finite number, not "
                                          f"{observed!r}"))
        else:
            result[key] = observed
    if problems:
        raise _ProblemsError(problems)
    return result


def problems_from_exception(exc: BaseException, path: str = "$") -> list[Problem]:
    """Flatten a cattrs structuring error into problems with JSON paths."""
    if isinstance(exc, _ProblemsError):
        return [attrs.evolve(p, path=path + p.path) for p in exc.problems]
    if isinstance(exc, ForbiddenExtraKeysError):
        return [Problem.error("unknown-field", f"{path}.{key}", f"unknown field {key!r}")
                for key in sorted(exc.extra_fields)]
    if isinstance(exc, ClassValidationError):
        with_notes, without = exc.group_exceptions()
        found: list[Problem] = []
        for sub, note in with_notes:
            sub_path = f"{path}.{note.name}"
            if isinstance(sub, KeyError):
                found.append(Problem.error("invalid-value", sub_path,
                                           f"the required field {note.name!r} is missing"))
            else:
                found.extend(problems_from_exception(sub, sub_path))
        for sub in without:
            found.extend(problems_from_exception(sub, path))
        return found
    if isinstance(exc, IterableValidationError):
        with_index, without_index = exc.group_exceptions()
        items: list[Problem] = []
        for sub, index_note in with_index:
            items.extend(problems_from_exception(sub, f"{path}[{index_note.index}]"))
        for sub in without_index:
            items.extend(problems_from_exception(sub, path))
        return items
    if isinstance(exc, BaseExceptionGroup):
        return [p for sub in exc.exceptions for p in problems_from_exception(sub, path)]
    message = str(exc) or type(exc).__name__
    if isinstance(exc, TypeError) and "argument" in message:
        message = "this does not fit here"
    return [Problem.error("invalid-value", path, message)]


def _rule_hooks(converter: cattrs.Converter, registry: RuleRegistry) -> None:
    item_kinds = dict(registry.item_kinds)
    aggregation_kinds = dict(registry.aggregation_kinds)
    rule_classes = set(item_kinds.values()) | set(aggregation_kinds.values())

    def structure_rule(value: Any, kinds: Mapping[str, type[Any]], role: str) -> Any:
        mapping = _mapping(value)
        kind = mapping.get("kind")
        if not isinstance(kind, str) or kind not in kinds:
            known = ", ".join(sorted(kinds))
            raise _ProblemsError([Problem.error(
                "invalid-value", ".kind",
                f"{kind!r} is not an {role} rule kind; known kinds: {known}")])
        body = {k: v for k, v in mapping.items() if k != "kind"}
        return converter.structure(body, kinds[kind])

    converter.register_structure_hook_func(
        lambda t: t is ItemRule, lambda v, _: structure_rule(v, item_kinds, "item"))
    converter.register_structure_hook_func(
        lambda t: t is AggregationRule,
        lambda v, _: structure_rule(v, aggregation_kinds, "aggregation"))

    def unstructure_rule(rule: Any) -> dict[str, Any]:
        body: dict[str, Any] = {"kind": rule.kind}
        for field in attrs.fields(type(rule)):
            value = getattr(rule, field.name)
            default = field.default
            if isinstance(default, attrs.Factory):  # type: ignore[arg-type]
                default = default.factory()
            if default is not attrs.NOTHING and value == default:
                continue
            if isinstance(value, Mapping):
                value = {k: converter.unstructure(v) for k, v in value.items()}
            body[field.name] = converter.unstructure(value)
        return body

    converter.register_unstructure_hook_func(
        lambda t: t in (ItemRule, AggregationRule) or t in rule_classes, unstructure_rule)


def _unstructure_rule_dispatch(converter: cattrs.Converter) -> Callable[[Any], Any]:
    return lambda rule: None if rule is None else converter.unstructure(rule, type(rule))


@lru_cache(maxsize=16)
def _converter(signature: tuple[tuple[str, type[Any]], ...]) -> cattrs.Converter:
    registry = RuleRegistry([c for _, c in signature if hasattr(c, "evaluate_item")],
                            [c for _, c in signature if not hasattr(c, "evaluate_item")])
    converter = cattrs.Converter(forbid_extra_keys=True, omit_if_default=True)
    def structure_tuple(value: Any, cls: Any) -> tuple[Any, ...]:
        if not isinstance(value, list | tuple):
            raise ValueError(f"must be a list, not {_type_name(value)}")
        (inner, _) = cls.__args__
        items: list[Any] = []
        errors: list[Exception] = []
        for index, element in enumerate(value):
            try:
                items.append(converter.structure(element, inner))
            except Exception as exc:  # collected per index, reported with paths
                exc.__notes__ = [*getattr(exc, "__notes__", []), IterableValidationNote(
                    f"Structuring {cls} @ index {index}", index, inner)]
                errors.append(exc)
        if errors:
            raise IterableValidationError(f"While structuring {cls!r}", errors, cls)
        return tuple(items)

    converter.register_structure_hook_func(
        lambda t: getattr(t, "__origin__", None) is tuple and len(getattr(t, "__args__", ())) == 2
        and t.__args__[1] is Ellipsis, structure_tuple)
    converter.register_structure_hook(str, _structure_str)
    converter.register_structure_hook(int, _structure_int)
    converter.register_structure_hook(float, _structure_float)
    converter.register_structure_hook(bool, _structure_bool)
    converter.register_structure_hook(datetime.date, _structure_date)
    converter.register_unstructure_hook(datetime.date, lambda d: d.isoformat())
    converter.register_structure_hook_func(
        lambda t: t == Mapping[str, str], _structure_str_map)
    converter.register_structure_hook_func(
        lambda t: t == Mapping[int, float], _structure_bounds)
    converter.register_structure_hook_func(
        lambda t: t == Mapping[str, RawAnswer], _structure_answers)
    converter.register_structure_hook_func(
        lambda t: t == Mapping[str, float], _structure_observations)
    converter.register_unstructure_hook_func(
        lambda t: t in (Mapping[str, str], Mapping[str, float], Mapping[str, RawAnswer]),
        dict)
    converter.register_unstructure_hook_func(
        lambda t: t == Mapping[int, float], lambda m: {int(k): v for k, v in m.items()})

    def structure_scale(value: Any, _: type) -> LevelScale:
        if not isinstance(value, list):
            raise ValueError(f"must be a list of levels, not {_type_name(value)}")
        return LevelScale(converter.structure(value, tuple[Level, ...]))

    converter.register_structure_hook(LevelScale, structure_scale)
    converter.register_unstructure_hook(
        LevelScale, lambda s: [converter.unstructure(level) for level in s.levels])

    def structure_answer_sets(value: Any, _: type) -> tuple[AnswerSet, ...]:
        problems: list[Problem] = []
        result: list[AnswerSet] = []
        for key, options in _mapping(value).items():
            if not isinstance(key, str):
                problems.append(Problem.error("invalid-value", _key_path(key),
                                              "an answer set id must be a string"))
                continue
            try:
                result.append(AnswerSet(id=key, options=converter.structure(
                    options, tuple[AnswerOption, ...])))
            except Exception as exc:  # every failure becomes problems with paths
                problems.extend(problems_from_exception(exc, _key_path(key)))
        if problems:
            raise _ProblemsError(problems)
        return tuple(result)

    converter.register_structure_hook_func(
        lambda t: t == tuple[AnswerSet, ...], structure_answer_sets)
    converter.register_unstructure_hook_func(
        lambda t: t == tuple[AnswerSet, ...],
        lambda sets: {s.id: [converter.unstructure(o) for o in s.options] for s in sets})
    _rule_hooks(converter, registry)
    _profile_hooks(converter)
    return converter


def _structure_coverage(value: Any, _: type) -> Mapping[int, float | None]:
    result: dict[int, float | None] = {}
    for key, item in _mapping(value).items():
        if isinstance(key, bool) or not (isinstance(key, int) or (
                isinstance(key, str) and re.fullmatch(r"-?\d+", key))):
            raise ValueError(f"a coverage key must be a level, not {key!r}")
        if item is not None and (isinstance(item, bool) or not isinstance(item, int | float)):
            raise ValueError(f"a coverage value must be a number or null, not {item!r}")
        result[int(key)] = item
    return MappingProxyType(result)


def _profile_hooks(converter: cattrs.Converter) -> None:
    converter.register_structure_hook_func(
        lambda t: t == Mapping[int, float | None], _structure_coverage)
    converter.register_unstructure_hook_func(
        lambda t: t == Mapping[int, float | None],
        lambda m: {str(k): v for k, v in m.items()})

    def structure_results(value: Any, _: type) -> Mapping[str, Result]:
        if not isinstance(value, list):
            raise ValueError(f"must be a list of results, not {_type_name(value)}")
        results = converter.structure(value, tuple[Result, ...])
        return MappingProxyType({r.node_id: r for r in results})

    def structure_practices(value: Any, _: type) -> Mapping[str, PracticeResult]:
        if not isinstance(value, list):
            raise ValueError(f"must be a list of practices, not {_type_name(value)}")
        practices = converter.structure(value, tuple[PracticeResult, ...])
        return MappingProxyType({p.practice_id: p for p in practices})

    converter.register_structure_hook_func(
        lambda t: t == Mapping[str, Result], structure_results)
    converter.register_structure_hook_func(
        lambda t: t == Mapping[str, PracticeResult], structure_practices)
    converter.register_unstructure_hook_func(
        lambda t: t in (Mapping[str, Result], Mapping[str, PracticeResult]),
        lambda m: [converter.unstructure(v) for v in m.values()])


def converter_for(registry: RuleRegistry | None = None) -> cattrs.Converter:
    """The converter for a rule registry (the built-in rules when ``None``)."""
    return _converter((registry or _DEFAULT_REGISTRY).signature())


_DEFAULT_REGISTRY: Final = default_rule_registry()


def _structure(doc: Any, cls: type[T], converter: cattrs.Converter,
               error: type[ValidationError]) -> T:
    try:
        return converter.structure(doc, cls)
    except (ClassValidationError, _ProblemsError, ValueError, TypeError, KeyError) as exc:
        raise error(problems_from_exception(exc)) from None
    except RecursionError:
        raise error([Problem.error("invalid-value", "$",
                                   "the document is nested too deeply to read")]) from None


def _take_format(doc: Any, expected: str, error: type[ValidationError],
                 limits: Limits = DEFAULT_LIMITS) -> dict[str, Any]:
    try:
        check_limits(doc, limits)
    except ValidationError as exc:
        raise error(exc.problems) from None
    if not isinstance(doc, Mapping):
        raise error([Problem.error("invalid-value", "$",
                                   f"the document must be a mapping, not {_type_name(doc)}")])
    body = dict(doc)
    found = body.pop("format", expected)
    if found != expected:
        raise error([Problem.error("invalid-value", "$.format",
                                   f"expected format {expected!r}, not {found!r}")])
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

    body = _take_format(doc, MODEL_FORMAT, ModelValidationError, limits)
    model = _structure(body, MaturityModel, converter_for(registry), ModelValidationError)
    errors = tuple(p for p in check(model) if p.severity == "error")
    if errors:
        cycles = [p for p in errors if p.code == "dependency-cycle"]
        if cycles:
            cycle = cycles[0].message.split(": ", 1)[1].split(" → ")
            raise DependencyCycleError(cycle, errors)
        raise ModelValidationError(errors)
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
        raise ModelValidationError([Problem.error(
            "invalid-value", "$.domains", "the domain tree is nested too deeply to write",
        )]) from None
    body.pop("_cache", None)
    ordered = {"format": MODEL_FORMAT, "id": body.pop("id")}
    # A model always states its scale, so files stay readable without knowing defaults.
    ordered["scale"] = converter_for(registry).unstructure(model.scale)
    body.pop("scale", None)
    ordered.update(body)
    return ordered


def loads_model(text: str, file_format: FileFormat = "yaml", *,
                registry: RuleRegistry | None = None,
                limits: Limits = DEFAULT_LIMITS) -> MaturityModel:
    """Read a model from text.

    >>> loads_model('{"id": "m", "domains": []}', "json").id
    'm'
    """
    if len(text) > limits.max_bytes:
        raise ModelValidationError([Problem.error(
            "invalid-value", "$", f"the text is longer than {limits.max_bytes} characters")])
    try:
        doc = parse_text(text, file_format)
    except ValidationError as exc:
        raise ModelValidationError(exc.problems) from None
    return model_from_dict(doc, registry=registry, limits=limits)


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
    try:
        return model_from_dict(read_document(path, file_format, limits=limits),
                               registry=registry, limits=limits)
    except ModelValidationError:
        raise
    except ValidationError as exc:
        raise ModelValidationError(exc.problems) from None


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
    return yaml.safe_dump(dict(doc), sort_keys=False, allow_unicode=True, width=100)


def _copy_mode(tmp: str, target: Path) -> None:
    # mkstemp creates files readable by the owner only: keep the existing file's mode, or
    # use the usual 0o644 (reading the umask would change it for every thread).
    try:
        mode = target.stat().st_mode & 0o777
    except OSError:
        mode = 0o644
    os.chmod(tmp, mode)


def write_atomic(path: str | os.PathLike[str], text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file renamed into place.

    An error or interruption never leaves a truncated file, and an existing file survives
    a failed write.
    """
    target = Path(path)
    fd, tmp = tempfile.mkstemp(dir=target.parent or Path(), prefix=f".{target.name}.",
                               suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        _copy_mode(tmp, target)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@contextlib.contextmanager
def write_atomic_stream(path: str | os.PathLike[str]) -> Iterator[IO[str]]:
    """A text stream to a temporary file that replaces ``path`` only when the block succeeds.

    >>> import tempfile, pathlib
    >>> target = pathlib.Path(tempfile.mkdtemp()) / "out.txt"
    >>> with write_atomic_stream(target) as out:
    ...     _ = out.write("done")
    >>> target.read_text()
    'done'
    """
    target = Path(path)
    fd, tmp = tempfile.mkstemp(dir=target.parent or Path(), prefix=f".{target.name}.",
                               suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        _copy_mode(tmp, target)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


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
    body = _take_format(doc, ASSESSMENT_FORMAT, AssessmentValidationError, limits)
    return _structure(body, Assessment, converter_for(None), AssessmentValidationError)


def assessment_to_dict(assessment: Assessment) -> dict[str, Any]:
    """The document form of an assessment."""
    body = converter_for(None).unstructure(assessment)
    return {"format": ASSESSMENT_FORMAT, **body}


def loads_assessment(text: str, file_format: FileFormat = "yaml", *,
                     limits: Limits = DEFAULT_LIMITS) -> Assessment:
    r"""Read an assessment from text.

    >>> loads_assessment("model: m\nanswers: {p: no, q: n/a}").answers["p"]
    'no'
    """
    try:
        doc = parse_text(text, file_format)
    except ValidationError as exc:
        raise AssessmentValidationError(exc.problems) from None
    return assessment_from_dict(doc, limits=limits)


def load_assessment(path: str | os.PathLike[str], *,
                    file_format: FileFormat | None = None,
                    limits: Limits = DEFAULT_LIMITS) -> Assessment:
    """Read an assessment file (YAML, JSON or TOML).

    Whether its answers fit a model is checked when it is scored or by
    :func:`maturity_model.check`.

    :raises OSError: the file cannot be read.
    :raises AssessmentValidationError: the file is malformed (every problem listed).
    """
    try:
        return assessment_from_dict(read_document(path, file_format, limits=limits),
                                    limits=limits)
    except AssessmentValidationError:
        raise
    except ValidationError as exc:
        raise AssessmentValidationError(exc.problems) from None


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


# --------------------------------------------------------------------------- profiles

PROFILE_FORMAT: Final = "maturity-profile/1"


def profile_to_dict(profile: Profile) -> dict[str, Any]:
    """The document form of a profile (JSON-ready)."""
    body = converter_for(None).unstructure(profile)
    body["scale"] = converter_for(None).unstructure(profile.scale)
    return {"format": PROFILE_FORMAT, **body}


def profile_from_dict(doc: Any) -> Profile:
    """Build a profile from its document form.

    :raises ProfileValidationError: listing every problem.
    """
    body = _take_format(doc, PROFILE_FORMAT, ProfileValidationError)
    profile = _structure(body, Profile, converter_for(None), ProfileValidationError)
    if profile.model_id not in profile.results:
        raise ProfileValidationError([Problem.error(
            "invalid-value", "$.results", f"no result for the model root {profile.model_id!r}")])
    return profile


def dump_profile(profile: Profile, path: str | os.PathLike[str] | None = None) -> str:
    """Serialize a profile to JSON; write it to ``path`` (atomically) when given.

    The output is deterministic: the same profile always gives the same bytes.

    >>> import maturity_model as mm
    >>> m = mm.MaturityModel(id="m", domains=[mm.Domain(id="d", items=[
    ...     mm.CapabilityItem(id="i", practices=[mm.Practice(id="p", level=1)])])])
    >>> p = mm.score(m, mm.Assessment(model="m", answers={"p": True}))
    >>> load_profile_text(dump_profile(p)) == p
    True
    """
    text = json.dumps(profile_to_dict(profile), indent=2, ensure_ascii=False,
                      allow_nan=False) + "\n"
    if path is not None:
        write_atomic(path, text)
    return text


def load_profile_text(text: str) -> Profile:
    """Read a profile from JSON text."""
    try:
        return profile_from_dict(parse_text(text, "json"))
    except ProfileValidationError:
        raise
    except ValidationError as exc:
        raise ProfileValidationError(exc.problems) from None


def load_profile(path: str | os.PathLike[str]) -> Profile:
    """Read a profile written by :func:`dump_profile`.

    :raises OSError: the file cannot be read.
    :raises ProfileValidationError: the file is not a profile (every problem listed).
    """
    try:
        return profile_from_dict(read_document(path, "json"))
    except ProfileValidationError:
        raise
    except ValidationError as exc:
        raise ProfileValidationError(exc.problems) from None
