"""Profiles as documents (``maturity-profile/1``, JSON): to and from dicts, text and files.

A profile read from a file is checked like a model: scores and values are finite numbers,
levels lie on the profile's scale, counts are not negative, node and practice ids are
unique, and the results form one tree under the model root. Every problem is listed with
its path, and nothing is half-loaded.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from typing import Any, Final

import attrs

from maturity_model._converter import converter_for, structure
from maturity_model._documents import as_kind, parse_bounded, take_format
from maturity_model._numbers import is_finite_number
from maturity_model._reading import DEFAULT_LIMITS, Limits, read_document
from maturity_model._writing import write_atomic
from maturity_model.errors import Problem, ProfileValidationError, shown
from maturity_model.profile import Counts, Profile, Result

__all__ = [
    "PROFILE_FORMAT",
    "check_profile",
    "dump_profile",
    "load_profile",
    "load_profile_text",
    "profile_from_dict",
    "profile_to_dict",
]

PROFILE_FORMAT: Final = "maturity-profile/1"


#: Keys a profile document carries for people and tools to read; they are derived from the
#: rest (the scale names the levels), written by :func:`profile_to_dict` and set aside by
#: :func:`profile_from_dict`.
DERIVED_RESULT_KEYS: Final = ("level_name",)

#: Top-level keys of the same kind: ``model`` repeats ``model_id`` under the name every
#: table of results gives it (see :data:`~maturity_model.profile.IDENTITY_COLUMNS`).
DERIVED_KEYS: Final = ("model",)


def profile_to_dict(profile: Profile) -> dict[str, Any]:
    """The document form of a profile (JSON-ready); each result names its level.

    The document also says ``model`` (equal to ``model_id``), so a profile written by
    ``maturity score --json`` carries the same ``subject``, ``date``, ``model`` and
    ``model_version`` as every table of results; reading sets it aside.

    >>> import maturity_model as mm
    >>> m = mm.MaturityModel(id="m", scale=mm.LevelScale.of("Basic"), domains=[mm.Domain(
    ...     id="d", items=[mm.CapabilityItem(id="i", practices=[mm.Practice(id="p", level=1)])])])
    >>> doc = profile_to_dict(mm.score(m, mm.Assessment(model="m", answers={"p": True})))
    >>> [(r["node_id"], r["level"], r["level_name"]) for r in doc["results"]][-1]
    ('i', 1, 'Basic')
    """
    body = {"model": profile.model_id, **converter_for(None).unstructure(profile)}
    body["scale"] = converter_for(None).unstructure(profile.scale)
    for result in body.get("results", []):
        if isinstance(result, dict) and "level" in result:
            level = result["level"]
            result["level_name"] = None if level is None else profile.level_name(level)
    return {"format": PROFILE_FORMAT, **body}


def _duplicates(doc: Mapping[str, Any], field: str, key: str) -> list[Problem]:
    entries = doc.get(field)
    if not isinstance(entries, list):
        return []
    seen: dict[Any, int] = {}
    problems = []
    for index, entry in enumerate(entries):
        if not isinstance(entry, Mapping):
            continue
        value = entry.get(key)
        try:
            first = seen.setdefault(value, index)
        except TypeError:  # an unhashable id: reported when the entry is structured
            continue
        if first != index:
            problems.append(Problem.of(
                "duplicate-id", f"$.{field}[{index}].{key}",
                f"{shown(value)} is already used at $.{field}[{first}].{key}"))
    return problems


def _bad_number(value: float | None, low: float | None = None,
                high: float | None = None) -> bool:
    if value is None:
        return False
    if not is_finite_number(value):  # NaN, an infinity, an int too large for a float
        return True
    return (low is not None and value < low) or (high is not None and value > high)


def _result_problems(profile: Profile, index: int, result: Result) -> list[Problem]:
    at = f"$.results[{index}]"
    found: list[Problem] = []

    def add(where: str, message: str) -> None:
        found.append(Problem.of("invalid-value", at + where, message))

    if _bad_number(result.score):
        add(".score", f"a score must be a finite number or null, not {shown(result.score)}")
    if result.level is not None and result.level != 0 and result.level not in profile.scale \
            and not _floor_of_a_sum(profile, result):
        found.append(Problem.of("level-off-scale", f"{at}.level",
                                f"{result.level} is not on the profile's scale"))
    for level, value in result.coverage.items():
        if level not in profile.scale:
            found.append(Problem.of("level-off-scale", f"{at}.coverage['{level}']",
                                    f"{level} is not on the profile's scale"))
        if _bad_number(value, 0.0, 1.0):
            add(f".coverage['{level}']",
                f"a coverage must be a number from 0 to 1 or null, not {shown(value)}")
    for field in attrs.fields(Counts):
        count = getattr(result.counts, field.name)
        if count < 0:
            add(f".counts.{field.name}", f"a count must not be negative, not {count}")
    if result.node_id == profile.model_id:
        if result.parent is not None:
            add(".parent", "the model root has no parent")
    elif result.parent is None:
        add(".parent", "only the model root has no parent")
    elif result.parent not in profile.results:
        found.append(Problem.of("unresolved-reference", f"{at}.parent",
                                f"no result for the parent {shown(result.parent)}"))
    return found


def _cycle_problems(profile: Profile) -> list[Problem]:
    index = {node_id: n for n, node_id in enumerate(profile.results)}
    found = []
    settled: set[str] = {profile.model_id}  # nodes known to reach the root or reported
    for node_id in profile.results:
        path: list[str] = []
        on_path: set[str] = set()
        current: str | None = node_id
        while current is not None and current not in settled:
            if current in on_path:
                cycle = [*path[path.index(current):], current]
                found.append(Problem.of(
                    "invalid-value", f"$.results[{index[current]}].parent",
                    "the results' parents form a cycle: " + " → ".join(cycle)))
                settled.update(on_path)  # reported once
                break
            if current not in profile.results:
                break  # an unresolved parent, reported on its own
            on_path.add(current)
            path.append(current)
            current = profile.results[current].parent
        settled.update(on_path)
    return found


def _floor_of_a_sum(profile: Profile, result: Result) -> bool:
    """Whether a level above the scale is one that scoring gives to a domain.

    ``sum`` adds scores past the scale's top, a parent that takes ``floor(score)`` (``mean``
    with ``level: floor``) then has a level above it, and rules that take the weakest
    child's level pass it up: DESIGN §2 clamps none of these, so neither does reading. Such
    a level is never above the node's own score.
    """
    if not profile.scale.values:  # an empty scale is reported on its own
        return False
    top = max(profile.scale.values)
    return (result.kind != "item" and result.score is not None
            and isinstance(result.level, int) and top < result.level <= result.score)


def check_profile(profile: Profile) -> tuple[Problem, ...]:
    """Every problem of a profile: numbers, levels, counts and the tree of results.

    >>> import maturity_model as mm
    >>> p = mm.Profile(model_id="m", results={
    ...     "m": mm.Result(node_id="m", kind="model", level=9)})
    >>> [str(x) for x in check_profile(p)]
    ["$.results[0].level: 9 is not on the profile's scale [level-off-scale]"]
    """
    found: list[Problem] = []
    if not profile.scale.is_consecutive():
        found.append(Problem.of("invalid-value", "$.scale",
                                "the scale's values must be consecutive from 0 or 1"))
    if profile.model_id not in profile.results:
        found.append(Problem.of("invalid-value", "$.results",
                                f"no result for the model root {shown(profile.model_id)}"))
    for index, result in enumerate(profile.results.values()):
        found.extend(_result_problems(profile, index, result))
    found.extend(_cycle_problems(profile))
    for name, value in profile.observations.items():
        if not is_finite_number(value):
            found.append(Problem.of("invalid-value", f"$.observations[{shown(name)}]",
                                    f"an observation must be a finite number, not "
                                    f"{shown(value)}"))
    for index, practice in enumerate(profile.practices.values()):
        at = f"$.practices[{index}]"
        if _bad_number(practice.value, 0.0, 1.0):
            found.append(Problem.of(
                "invalid-value", f"{at}.value",
                f"a value must be a number from 0 to 1 or null, not {shown(practice.value)}"))
        if _bad_number(practice.weight, 0.0):
            found.append(Problem.of(
                "invalid-value", f"{at}.weight",
                f"a weight must be a finite number >= 0, not {shown(practice.weight)}"))
        if practice.level != 0 and practice.level not in profile.scale:
            found.append(Problem.of("level-off-scale", f"{at}.level",
                                    f"{practice.level} is not on the profile's scale"))
        if practice.item_id not in profile.results:
            found.append(Problem.of(
                "unresolved-reference", f"{at}.item_id",
                f"no result for the item {shown(practice.item_id)}"))
    return tuple(found)


def profile_from_dict(doc: Any, *, limits: Limits = DEFAULT_LIMITS) -> Profile:
    """Build and check a profile from its document form.

    :raises ProfileValidationError: listing every problem (see :func:`check_profile`).

    >>> profile_from_dict({"format": "maturity-profile/1", "model_id": "m", "results": [
    ...     {"node_id": "m", "kind": "model", "score": 1.5, "level": 1}]}).overall.level
    1
    """
    body = take_format(doc, PROFILE_FORMAT, ProfileValidationError, limits)
    if "model" in body:
        model = body.pop("model")
        if model != body.get("model_id"):
            raise ProfileValidationError([Problem.of(
                "invalid-value", "$.model",
                f"{shown(model)} is not the profile's model_id {shown(body.get('model_id'))}")])
    if isinstance(body.get("results"), list):
        body = {**body, "results": [
            {k: v for k, v in r.items() if k not in DERIVED_RESULT_KEYS}
            if isinstance(r, dict) else r for r in body["results"]]}
    duplicates = _duplicates(body, "results", "node_id") + _duplicates(
        body, "practices", "practice_id")
    if duplicates:
        raise ProfileValidationError(duplicates)
    profile = structure(body, Profile, converter_for(None), ProfileValidationError)
    problems = check_profile(profile)
    if problems:
        raise ProfileValidationError(problems)
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


def load_profile_text(text: str, *, limits: Limits = DEFAULT_LIMITS) -> Profile:
    """Read a profile from JSON text.

    :raises ProfileValidationError: the text is not a valid profile (every problem listed).
    """
    return as_kind(ProfileValidationError, lambda: profile_from_dict(
        parse_bounded(text, "json", limits), limits=limits))


def load_profile(path: str | os.PathLike[str], *,
                 limits: Limits = DEFAULT_LIMITS) -> Profile:
    """Read a profile written by :func:`dump_profile` (``-``: standard input).

    :raises OSError: the file cannot be read.
    :raises ProfileValidationError: the file is not a valid profile (every problem listed).
    """
    return as_kind(ProfileValidationError, lambda: profile_from_dict(
        read_document(path, "json", limits=limits), limits=limits))
