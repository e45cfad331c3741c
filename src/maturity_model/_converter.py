"""The library's cattrs converter: typed structuring with problems that carry JSON paths.

One converter per set of rule kinds (cached). Its hooks are strict (``level: "2"`` is not
an integer) and turn every failure into :class:`~maturity_model.Problem` records; values
quoted in messages go through :func:`maturity_model.errors.shown`.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Mapping
from functools import lru_cache
from types import MappingProxyType
from typing import Any, Final, TypeVar, cast

import attrs
import cattrs
from cattrs.errors import (
    ClassValidationError,
    ForbiddenExtraKeysError,
    IterableValidationError,
    IterableValidationNote,
)

from maturity_model._converter_text import text_hooks, text_language
from maturity_model._numbers import is_finite_number
from maturity_model.crosswalk import RELATIONSHIPS, Relationship
from maturity_model.errors import Problem, ValidationError, shown
from maturity_model.evidence import RawAnswer
from maturity_model.levels import Level, LevelScale
from maturity_model.model import AnswerOption, AnswerSet
from maturity_model.profile import PracticeResult, Result
from maturity_model.rules import AggregationRule, ItemRule, RuleRegistry, default_rule_registry

__all__ = ["converter_for", "problems_from_exception", "structure", "text_language",
           "type_name"]

T = TypeVar("T")

#: Problems listed for one list or mapping; the rest are summed up in one more problem,
#: so a file with a million bad entries is refused in seconds with a readable report.
MAX_LISTED: Final = 100


def _more(count: int) -> str:
    return f"{count} more problems here are not listed (only the first {MAX_LISTED} are)"


class _ProblemsError(Exception):
    """Problems found inside a hook, with paths relative to the hooked value."""

    def __init__(self, problems: list[Problem]) -> None:
        if len(problems) > MAX_LISTED:
            problems = [*problems[:MAX_LISTED], Problem.of(
                "invalid-value", "", _more(len(problems) - MAX_LISTED))]
        self.problems = problems
        super().__init__(f"{len(problems)} problems")


def type_name(value: object) -> str:
    """How a value's type reads in a message.

    >>> type_name(None), type_name(True), type_name(3), type_name([1]), type_name({})
    ('null', 'a boolean', 'a number', 'a list', 'a mapping')
    """
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
        hint = f' (write it quoted: "{shown(value)}")' if isinstance(value, int | float) else ""
        raise ValueError(f"must be a string, not {type_name(value)}{hint}")
    return value


def _structure_int(value: Any, _: type) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"must be an integer, not {type_name(value)} {shown(value)}")
    return value


def _structure_float(value: Any, _: type) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"must be a number, not {type_name(value)} {shown(value)}")
    return value


def _structure_bool(value: Any, _: type) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"must be true or false, not {type_name(value)} {shown(value)}")
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
    raise ValueError(f"must be a date (YYYY-MM-DD), not {shown(value)}")


def _mapping(value: Any) -> Mapping[Any, Any]:
    if not isinstance(value, Mapping):
        raise ValueError(f"must be a mapping, not {type_name(value)}")
    return value


def _key_path(key: object) -> str:
    return f"[{shown(key)}]"


def _structure_str_map(value: Any, _: type) -> Mapping[str, str]:
    problems: list[Problem] = []
    result: dict[str, str] = {}
    for key, item in _mapping(value).items():
        if not isinstance(key, str) or not isinstance(item, str):
            problems.append(Problem.of("invalid-value", _key_path(key),
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
            problems.append(Problem.of("invalid-value", _key_path(key),
                                       f"a bound's key must be a level, not {shown(key)}"))
            continue
        if not is_finite_number(bound):
            problems.append(Problem.of("invalid-value", _key_path(key),
                                       f"a bound must be a finite number, not {shown(bound)}"))
            continue
        if level in result:
            problems.append(Problem.of("duplicate-id", _key_path(key),
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
            problems.append(Problem.of("invalid-value", _key_path(key),
                                       f"a practice id must be a string, not {shown(key)}"))
        elif answer is not None and not isinstance(answer, bool | int | float | str):
            problems.append(Problem.of(
                "invalid-value", _key_path(key),
                f"an answer must be true, false, a number, a label or n/a, not "
                f"{type_name(answer)}"))
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
            problems.append(Problem.of("invalid-value", _key_path(key),
                                       f"a metric name must be a string, not {shown(key)}"))
        elif not is_finite_number(observed):
            problems.append(Problem.of("invalid-value", _key_path(key),
                                       f"an observation must be a finite number, not "
                                       f"{shown(observed)}"))
        else:
            result[key] = observed
    if problems:
        raise _ProblemsError(problems)
    return result


def _structure_refs(value: Any, _: type) -> Mapping[str, tuple[str, ...]]:
    problems: list[Problem] = []
    result: dict[str, tuple[str, ...]] = {}
    for scheme, ids in _mapping(value).items():
        if not isinstance(scheme, str):
            problems.append(Problem.of("invalid-value", _key_path(scheme),
                                       f"a scheme name must be a string, not {shown(scheme)}"))
            continue
        where = _field_path("", scheme) if scheme else _key_path(scheme)
        if not isinstance(ids, list | tuple):
            problems.append(Problem.of(
                "invalid-value", where, f"must be a list of ids, not {type_name(ids)}"))
            continue
        for j, ref in enumerate(ids):
            if not isinstance(ref, str):
                hint = f' (write it quoted: "{shown(ref)}")' if isinstance(
                    ref, int | float) and not isinstance(ref, bool) else ""
                problems.append(Problem.of("invalid-value", f"{where}[{j}]",
                                           f"must be a string, not {type_name(ref)}{hint}"))
        result[scheme] = tuple(ids)
        if len(problems) > MAX_LISTED:
            break
    if problems:
        raise _ProblemsError(problems)
    return MappingProxyType(result)


def _structure_relationship(value: Any, _: type) -> Relationship:
    if value not in RELATIONSHIPS or not isinstance(value, str):
        raise ValueError(f"{shown(value)} is not a relationship; one of: "
                         f"{', '.join(RELATIONSHIPS)}")
    return cast(Relationship, value)


def _field_path(path: str, key: object) -> str:
    if isinstance(key, str) and len(key) <= 60 and key.isprintable():
        return f"{path}.{key}"
    return f"{path}[{shown(key)}]"


def problems_from_exception(exc: BaseException, path: str = "$") -> list[Problem]:
    """Flatten a cattrs structuring error into problems with JSON paths."""
    if isinstance(exc, _ProblemsError):
        return [attrs.evolve(p, path=path + p.path) for p in exc.problems]
    if isinstance(exc, ForbiddenExtraKeysError):
        extra = sorted(exc.extra_fields, key=str)
        unknown = [Problem.of("unknown-field", _field_path(path, key),
                              f"unknown field {shown(key)}") for key in extra[:MAX_LISTED]]
        if len(extra) > MAX_LISTED:
            unknown.append(Problem.of("unknown-field", path,
                                      _more(len(extra) - MAX_LISTED)))
        return unknown
    if isinstance(exc, ClassValidationError):
        with_notes, without = exc.group_exceptions()
        found: list[Problem] = []
        for sub, note in with_notes:
            sub_path = f"{path}.{note.name}"
            if isinstance(sub, KeyError):
                found.append(Problem.of("invalid-value", sub_path,
                                        f"the required field {shown(note.name)} is missing"))
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
    return [Problem.of("invalid-value", path, message)]


def _rule_hooks(converter: cattrs.Converter, registry: RuleRegistry) -> None:
    item_kinds = dict(registry.item_kinds)
    aggregation_kinds = dict(registry.aggregation_kinds)
    rule_classes = set(item_kinds.values()) | set(aggregation_kinds.values())

    def structure_rule(value: Any, kinds: Mapping[str, type[Any]], role: str) -> Any:
        mapping = _mapping(value)
        kind = mapping.get("kind")
        if not isinstance(kind, str) or kind not in kinds:
            known = ", ".join(sorted(kinds))
            raise _ProblemsError([Problem.of(
                "invalid-value", ".kind",
                f"{shown(kind)} is not an {role} rule kind; known kinds: {known}")])
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
            raise ValueError(f"must be a list, not {type_name(value)}")
        (inner, _) = cls.__args__
        items: list[Any] = []
        errors: list[Exception] = []
        for index, element in enumerate(value):
            try:
                items.append(converter.structure(element, inner))
            except Exception as exc:  # collected per index, reported with paths
                if len(errors) == MAX_LISTED:
                    errors.append(ValueError(
                        f"the list has more problems from index {index} on; only the "
                        f"first {MAX_LISTED} are listed"))
                    break
                exc.__notes__ = [*getattr(exc, "__notes__", []), IterableValidationNote(
                    f"Structuring {cls} @ index {index}", index, inner)]
                errors.append(exc)
        if errors:
            raise IterableValidationError(f"While structuring {shown(cls)}", errors, cls)
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
        lambda t: t == Relationship, _structure_relationship)
    converter.register_structure_hook_func(
        lambda t: t == Mapping[str, tuple[str, ...]], _structure_refs)
    converter.register_unstructure_hook_func(
        lambda t: t == Mapping[str, tuple[str, ...]],
        lambda m: {k: list(v) for k, v in m.items()})
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
            raise ValueError(f"must be a list of levels, not {type_name(value)}")
        return LevelScale(converter.structure(value, tuple[Level, ...]))

    converter.register_structure_hook(LevelScale, structure_scale)
    converter.register_unstructure_hook(
        LevelScale, lambda s: [converter.unstructure(level) for level in s.levels])

    def structure_answer_sets(value: Any, _: type) -> tuple[AnswerSet, ...]:
        problems: list[Problem] = []
        result: list[AnswerSet] = []
        for key, options in _mapping(value).items():
            if not isinstance(key, str):
                problems.append(Problem.of("invalid-value", _key_path(key),
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
    text_hooks(converter)
    return converter


def _structure_coverage(value: Any, _: type) -> Mapping[int, float | None]:
    result: dict[int, float | None] = {}
    for key, item in _mapping(value).items():
        if isinstance(key, bool) or not (isinstance(key, int) or (
                isinstance(key, str) and re.fullmatch(r"-?\d+", key))):
            raise ValueError(f"a coverage key must be a level, not {shown(key)}")
        if item is not None and (isinstance(item, bool) or not isinstance(item, int | float)):
            raise ValueError(f"a coverage value must be a number or null, not {shown(item)}")
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
            raise ValueError(f"must be a list of results, not {type_name(value)}")
        results = converter.structure(value, tuple[Result, ...])
        return MappingProxyType({r.node_id: r for r in results})

    def structure_practices(value: Any, _: type) -> Mapping[str, PracticeResult]:
        if not isinstance(value, list):
            raise ValueError(f"must be a list of practices, not {type_name(value)}")
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


def structure(doc: Any, cls: type[T], converter: cattrs.Converter,
              error: type[ValidationError]) -> T:
    """``doc`` as a ``cls``, or ``error`` listing every problem with its path."""
    try:
        return converter.structure(doc, cls)
    except (ClassValidationError, _ProblemsError, ValueError, TypeError, KeyError) as exc:
        raise error(problems_from_exception(exc)) from None
    except RecursionError:
        raise error([Problem.of("invalid-value", "$",
                                "the document is nested too deeply to read")]) from None

