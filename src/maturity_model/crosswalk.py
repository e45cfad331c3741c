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

from collections.abc import Iterable
from typing import Final, Literal

import attrs

__all__ = [
    "CROSSWALK_FORMAT",
    "RELATIONSHIPS",
    "Crosswalk",
    "Mapping",
    "Relationship",
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

    def targets_of(self, source: str) -> tuple[str, ...]:
        """The target ids mapped from ``source``, in file order, each once."""
        return tuple(dict.fromkeys(m.target for m in self.mappings if m.source == source))

    def sources_of(self, target: str) -> tuple[str, ...]:
        """The source ids mapped to ``target``, in file order, each once."""
        return tuple(dict.fromkeys(m.source for m in self.mappings if m.target == target))
