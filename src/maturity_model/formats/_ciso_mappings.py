"""CISO Assistant mapping sets to crosswalks; see :mod:`maturity_model.formats.ciso_assistant`."""

from __future__ import annotations

from collections.abc import Mapping as MappingType
from typing import Any, Final, cast

import attrs

from maturity_model.crosswalk import RELATIONSHIPS, Crosswalk, Mapping, Relationship
from maturity_model.errors import Problem, UnknownNodeError
from maturity_model.formats._ciso_reading import urn_tail
from maturity_model.formats._sources import shown, type_name
from maturity_model.model import CapabilityItem, MaturityModel

__all__ = ["read_mapping_set"]

_STRENGTH: Final = range(11)


def _warn(problems: list[Problem], code: str, path: str, message: str) -> None:
    problems.append(Problem(code=code, severity="warning", path=path, message=message))


def _node(urn: object, where: str, ids: MappingType[str, str] | None,
          problems: list[Problem]) -> str | None:
    """The node id a requirement urn names: through its framework when it was read."""
    if not isinstance(urn, str) or not urn.strip():
        problems.append(Problem.of("invalid-value", where,
                                   f"must be a requirement urn, not {shown(urn)}"))
        return None
    if ids is None:
        return urn_tail(urn.strip())
    found = ids.get(urn.strip().casefold())
    if found is None:
        problems.append(Problem.of("unresolved-reference", where,
                                   f"{shown(urn)} is the urn of no requirement node of the "
                                   f"framework"))
    return found


def _scored_item(model: MaturityModel | None, node_id: str) -> CapabilityItem | None:
    """The item ``node_id`` names when its framework has a maturity scale."""
    if model is None or "score_offset" not in model.metadata:
        return None
    try:
        item = model.item(node_id)
    except UnknownNodeError:
        return None
    return item if item.practices else None


def _levelled(mapping: Mapping, source: MaturityModel | None,
              target: MaturityModel | None) -> list[Mapping]:
    """A requirement mapping with ends that say what a projection may carry.

    A mapping says two requirements overlap, not how mature either is: from a framework
    with a maturity scale it carries whether the requirement is in place (its first
    level's practice), never its level, unless both frameworks have the same scale,
    where each level maps to the same level (CISO Assistant copies scores only then).
    """
    item = _scored_item(source, mapping.source)
    if item is None:
        return [mapping]
    other = _scored_item(target, mapping.target)
    assert source is not None
    if other is not None and target is not None and source.scale == target.scale and \
            source.metadata["score_offset"] == target.metadata["score_offset"]:
        levels = {p.level: p.id for p in other.practices}
        return [attrs.evolve(mapping, source=p.id, target=levels[p.level])
                for p in item.practices if p.level in levels]
    return [attrs.evolve(mapping, source=item.practices[0].id)]


def read_mapping_set(data: object, where: str, frameworks: MappingType[str, Any],
                     problems: list[Problem]) -> Crosswalk | None:
    """One ``requirement_mapping_set`` as a :class:`~maturity_model.Crosswalk`.

    ``frameworks`` maps a lower-cased framework urn to ``(model, urn → id table)`` for
    the frameworks known; the requirement urns of the others become their last part.
    Duplicates are found among the requirement pairs, before a mapping from a framework
    with a maturity scale is given its levels (:func:`_levelled`).
    """
    if not isinstance(data, dict):
        problems.append(Problem.of("invalid-value", where,
                                   f"a mapping set must be a mapping, not {type_name(data)}"))
        return None
    ends: dict[str, tuple[str, str | None, MappingType[str, str] | None]] = {}
    models: dict[str, MaturityModel | None] = {}
    for end in ("source", "target"):
        urn = data.get(f"{end}_framework_urn")
        if not isinstance(urn, str) or not urn.strip():
            problems.append(Problem.of("invalid-value", f"{where}.{end}_framework_urn",
                                       f"a mapping set needs the {end} framework's urn"))
            return None
        known = frameworks.get(urn.strip().casefold())
        if known is None:
            ends[end] = (urn_tail(urn.strip()), None, None)
        else:
            ends[end] = (known[0].id, known[0].version, known[1])
        models[end] = None if known is None else known[0]
    listed = data.get("requirement_mappings")
    at = f"{where}.requirement_mappings"
    if not isinstance(listed, list):
        problems.append(Problem.of("invalid-value", at,
                                   f"must be a list of mappings, not {type_name(listed)}"))
        return None
    mappings: list[Mapping] = []
    seen: dict[tuple[str, str], tuple[int, Mapping]] = {}
    for k, entry in enumerate(listed):
        path = f"{at}[{k}]"
        if not isinstance(entry, dict):
            problems.append(Problem.of("invalid-value", path,
                                       f"a mapping must be a mapping, not {type_name(entry)}"))
            continue
        source = _node(entry.get("source_requirement_urn"),
                       f"{path}.source_requirement_urn", ends["source"][2], problems)
        target = _node(entry.get("target_requirement_urn"),
                       f"{path}.target_requirement_urn", ends["target"][2], problems)
        relationship = entry.get("relationship")
        if relationship not in RELATIONSHIPS:
            problems.append(Problem.of(
                "invalid-value", f"{path}.relationship",
                f"must be one of {', '.join(RELATIONSHIPS)}, not {shown(relationship)}"))
            continue
        strength = entry.get("strength_of_relationship")
        if strength is not None and (isinstance(strength, bool) or strength not in _STRENGTH):
            _warn(problems, "invalid-value", f"{path}.strength_of_relationship",
                  f"a strength is 0..10, not {shown(strength)}; it is left out")
            strength = None
        rationale = entry.get("rationale")
        if rationale is not None and not isinstance(rationale, str):
            problems.append(Problem.of("invalid-value", f"{path}.rationale",
                                       f"must be text, not {type_name(rationale)}"))
            rationale = None
        if source is None or target is None:
            continue
        mapping = Mapping(source, target, cast(Relationship, relationship),
                          strength=None if strength is None else int(strength),
                          rationale=(rationale or "").strip())
        first = seen.get((source, target))
        if first is not None:
            again = "again" if first[1] == mapping else "again with another relationship"
            _warn(problems, "duplicate-mapping", path,
                  f"maps {source} to {target} {again} (first at requirement_mappings"
                  f"[{first[0]}]); the first is kept")
            continue
        seen[(source, target)] = (k, mapping)
        mappings.extend(_levelled(mapping, models["source"], models["target"]))
    name = data.get("name")
    description = data.get("description")
    return Crosswalk(
        source_model=ends["source"][0], source_version=ends["source"][1],
        target_model=ends["target"][0], target_version=ends["target"][1],
        mappings=mappings, name=name.strip() if isinstance(name, str) else "",
        description=description.strip() if isinstance(description, str) else "")
