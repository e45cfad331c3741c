"""Crosswalks: typed, immutable sets of mappings from one model's nodes to another's.

A :class:`Crosswalk` says how the practices (or items, or domains) of a *source* model
relate to those of a *target* model. Each :class:`Mapping` has a relationship, as in NIST
OLIR and CISO Assistant:

=================  ===========================================================
``equal``          the source node says the same as the target node
``subset``         the source node is within the target node (says less)
``superset``       the source node covers the target node (says more)
``intersect``      they overlap; neither covers the other
``not_related``    recorded as looked at, and unrelated
=================  ===========================================================

an optional ``strength`` (0–10) and a ``rationale``.

>>> cw = Crosswalk(source_model="dsomm", target_model="samm",
...                mappings=[Mapping("build.1", "I-SB-A-1", "subset", strength=7)])
>>> cw.inverse().mappings[0]
Mapping(source='I-SB-A-1', target='build.1', relationship='superset', strength=7, rationale='')
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator
from typing import Final, Literal

import attrs

from maturity_model.errors import Problem, shown
from maturity_model.model import MaturityModel
from maturity_model.nodes import CapabilityItem, Domain, Practice

__all__ = [
    "CROSSWALK_FORMAT",
    "RELATIONSHIPS",
    "Crosswalk",
    "Mapping",
    "Relationship",
    "check",
]

CROSSWALK_FORMAT: Final = "maturity-crosswalk/1"

Relationship = Literal["equal", "subset", "superset", "intersect", "not_related"]

#: The relationships, in the order files and reports list them.
RELATIONSHIPS: Final[tuple[Relationship, ...]] = (
    "equal", "subset", "superset", "intersect", "not_related")

_INVERSE: Final[dict[str, Relationship]] = {
    "equal": "equal", "subset": "superset", "superset": "subset",
    "intersect": "intersect", "not_related": "not_related",
}


@attrs.frozen
class Mapping:
    """One relation from a source node to a target node.

    :param source: id of a practice, item or domain of the source model.
    :param target: id of a practice, item or domain of the target model.
    :param relationship: ``equal``, ``subset`` (source within target), ``superset``,
        ``intersect`` or ``not_related``.
    :param strength: how strong the relation is, 0–10 (``None``: not stated).
    :param rationale: why, in words.

    Values are not checked here (a file may hold anything);
    :func:`check` reports what is wrong.

    >>> Mapping("a.1", "b.1", "equal").inverse()
    Mapping(source='b.1', target='a.1', relationship='equal', strength=None, rationale='')
    """

    source: str
    target: str
    relationship: Relationship
    strength: int | None = None
    rationale: str = ""

    def inverse(self) -> Mapping:
        """The same relation seen from the target: ends swapped, subset ↔ superset."""
        return attrs.evolve(self, source=self.target, target=self.source,
                            relationship=_INVERSE.get(self.relationship, self.relationship))


def _mappings(values: Iterable[Mapping]) -> tuple[Mapping, ...]:
    return tuple(values)


@attrs.frozen(kw_only=True)
class Crosswalk:
    """A set of mappings from nodes of one model version to nodes of another.

    :param source_model: the source model id.
    :param source_version: the source model version (``None``: any).
    :param target_model: the target model id.
    :param target_version: the target model version (``None``: any).
    :param mappings: the mappings, in file order (duplicates are kept; ``check`` reports
        them).
    :param name: a display name.
    :param description: what the crosswalk is and where it comes from.

    >>> cw = Crosswalk(source_model="a", target_model="b",
    ...                mappings=[Mapping("a.1", "b.1", "equal")])
    >>> cw.targets_of("a.1"), cw.sources_of("b.1")
    (('b.1',), ('a.1',))
    """

    source_model: str
    source_version: str | None = None
    target_model: str
    target_version: str | None = None
    mappings: tuple[Mapping, ...] = attrs.field(default=(), converter=_mappings)
    name: str = ""
    description: str = ""

    def inverse(self) -> Crosswalk:
        """The crosswalk from target to source: every mapping inverted (subset ↔ superset).

        >>> Crosswalk(source_model="a", target_model="b").inverse().source_model
        'b'
        """
        return Crosswalk(
            source_model=self.target_model, source_version=self.target_version,
            target_model=self.source_model, target_version=self.source_version,
            mappings=[m.inverse() for m in self.mappings], name=self.name,
            description=self.description)

    @classmethod
    def from_refs(cls, source: MaturityModel, target: MaturityModel, scheme: str, *,
                  relationship: Relationship = "subset") -> Crosswalk:
        """The crosswalk that ``source``'s own references in ``scheme`` spell out.

        Every domain, item and practice of ``source`` whose ``refs[scheme]`` names ids
        maps to the node of ``target`` each id names: its ``id``, else its ``key``, else
        the node whose own ``refs[scheme]`` holds the id (how SAMM activities carry the
        code DSOMM cites them by). Ids that name nothing in ``target`` are left out, so
        the result passes :func:`check`; each mapping's rationale names the reference.

        :param relationship: what a reference claims. By default ``subset``: a node that
            cites a requirement of another standard addresses it, without claiming to
            cover all of it.

        >>> from maturity_model import CapabilityItem, Domain, MaturityModel, Practice
        >>> a = MaturityModel(id="a", domains=[Domain(id="d", items=[CapabilityItem(
        ...     id="i", practices=[Practice(id="a.1", level=1, refs={"b": ["B1", "B9"]})])])])
        >>> b = MaturityModel(id="b", domains=[Domain(id="e", items=[CapabilityItem(
        ...     id="j", practices=[Practice(id="b.1", level=1, key="B1")])])])
        >>> Crosswalk.from_refs(a, b, "b").mappings
        (Mapping(source='a.1', target='b.1', relationship='subset', strength=None, \
rationale='b reference B1'),)
        """
        lookup: dict[str, str] = {}
        # Later entries do not replace earlier ones: ids first, then keys, then refs.
        for thing in _things(target):
            lookup.setdefault(thing.id, thing.id)
        for thing in _things(target):
            if thing.key is not None:
                lookup.setdefault(thing.key, thing.id)
        for thing in _things(target):
            for ref in thing.refs.get(scheme, ()):
                lookup.setdefault(ref, thing.id)
        mappings: dict[tuple[str, str], Mapping] = {}
        for thing in _things(source):
            for ref in thing.refs.get(scheme, ()):
                found = lookup.get(ref)
                if found is not None:
                    mappings.setdefault((thing.id, found), Mapping(
                        thing.id, found, relationship, rationale=f"{scheme} reference {ref}"))
        return cls(source_model=source.id, source_version=source.version or None,
                   target_model=target.id, target_version=target.version or None,
                   mappings=mappings.values(),
                   name=f"{source.name} to {target.name} by {scheme} references")

    def targets_of(self, source: str) -> tuple[str, ...]:
        """The target ids mapped from ``source``, in file order, each once."""
        return tuple(dict.fromkeys(m.target for m in self.mappings if m.source == source))

    def sources_of(self, target: str) -> tuple[str, ...]:
        """The source ids mapped to ``target``, in file order, each once."""
        return tuple(dict.fromkeys(m.source for m in self.mappings if m.target == target))


def _things(model: MaturityModel) -> Iterator[Domain | CapabilityItem | Practice]:
    """Every domain, item and practice of ``model``, in document order."""
    yield from model.domains_preorder()
    for item in model.items():
        yield item
        yield from item.practices


def _end_problems(model: MaturityModel, node_id: object, where: str,
                  what: str) -> list[Problem]:
    if not isinstance(node_id, str) or not node_id:
        return [Problem.of("invalid-value", where,
                           f"a {what} must be a non-empty id, not {shown(node_id)}")]
    if node_id not in model:
        return [Problem.of("unresolved-reference", where,
                           f"the {what} model {shown(model.id)} has no node or practice "
                           f"{shown(node_id)}")]
    return []


def _model_problems(crosswalk: Crosswalk, model: MaturityModel, end: str) -> list[Problem]:
    model_id: str = getattr(crosswalk, f"{end}_model")
    version: str | None = getattr(crosswalk, f"{end}_version")
    if model_id != model.id:
        return [Problem.of("model-mismatch", f"$.{end}_model",
                           f"the crosswalk's {end} is {shown(model_id)}, the model given "
                           f"is {shown(model.id)}")]
    if version is not None and model.version and version != model.version:
        return [Problem.of("model-mismatch", f"$.{end}_version",
                           f"the crosswalk's {end} is version {shown(version)} of "
                           f"{shown(model_id)}, the model given is {shown(model.version)}")]
    return []


def check(crosswalk: Crosswalk, source: MaturityModel | None,
          target: MaturityModel) -> tuple[Problem, ...]:
    """Every problem of ``crosswalk`` as a bridge from ``source`` to ``target``.

    ``source`` may be ``None`` when only a profile of it is at hand: its ends and id are
    then not checked.

    - the crosswalk names another model id, or another version: ``model-mismatch``;
    - a mapping end that is no domain, item or practice of its model:
      ``unresolved-reference`` (at ``$.mappings[i].source`` or ``.target``);
    - a relationship that is not one of :data:`RELATIONSHIPS`, or a strength that is not
      an integer from 0 to 10: ``invalid-value``;
    - a (source, target) pair mapped again: ``duplicate-mapping`` (a warning; real
      mapping libraries repeat pairs, and :func:`maturity_model.project` takes the most
      restrictive of them).

    >>> from maturity_model import CapabilityItem, Domain, MaturityModel, Practice
    >>> a = MaturityModel(id="a", domains=[Domain(id="d", items=[CapabilityItem(
    ...     id="i", practices=[Practice(id="a.1", level=1)])])])
    >>> cw = Crosswalk(source_model="a", target_model="a", mappings=[
    ...     Mapping("a.1", "a.9", "equal"), Mapping("a.1", "i", "subset", strength=11),
    ...     Mapping("a.1", "i", "subset")])
    >>> [(p.code, p.path) for p in check(cw, a, a)]
    [('unresolved-reference', '$.mappings[0].target'), \
('invalid-value', '$.mappings[1].strength'), ('duplicate-mapping', '$.mappings[2]')]
    """
    problems = [] if source is None else _model_problems(crosswalk, source, "source")
    problems += _model_problems(crosswalk, target, "target")
    first: dict[tuple[object, object], int] = {}
    for i, mapping in enumerate(crosswalk.mappings):
        path = f"$.mappings[{i}]"
        if source is not None:
            problems += _end_problems(source, mapping.source, f"{path}.source", "source")
        problems += _end_problems(target, mapping.target, f"{path}.target", "target")
        if mapping.relationship not in RELATIONSHIPS:
            problems.append(Problem.of(
                "invalid-value", f"{path}.relationship",
                f"{shown(mapping.relationship)} is not a relationship; known: "
                f"{', '.join(RELATIONSHIPS)}"))
        strength: object = mapping.strength
        if strength is not None and (
                isinstance(strength, bool) or not isinstance(strength, int | float)
                or not math.isfinite(strength) or not 0 <= strength <= 10):
            problems.append(Problem.of("invalid-value", f"{path}.strength",
                                       f"a strength is 0 to 10, not {shown(strength)}"))
        pair = (mapping.source, mapping.target)
        if pair in first:
            earlier = crosswalk.mappings[first[pair]]
            same = (earlier.relationship, earlier.strength) == (
                mapping.relationship, mapping.strength)
            problems.append(Problem.of(
                "duplicate-mapping", path,
                f"{shown(mapping.source)} -> {shown(mapping.target)} is mapped already at "
                f"$.mappings[{first[pair]}]" + ("" if same else
                                                 ", with another relationship or strength")))
        else:
            first[pair] = i
    return tuple(problems)
