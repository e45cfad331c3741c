"""What a scoring rule is given and what it returns, and the two rule protocols (private).

:mod:`maturity_model.rules` re-exports every public name here; the built-in rules live
beside it, one class each, so both scoring engines run the same definition.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import Any, ClassVar, Literal, Protocol, runtime_checkable

import attrs

Better = Literal["higher", "lower"]


# --------------------------------------------------------------------------- inputs


@attrs.frozen(kw_only=True)
class LevelEvidence:
    """What an item rule knows about one scale level of one item.

    :param level: the scale level.
    :param mean: ``m(L)``, the weighted mean answer value of the item's practices at this
        level with N/A left out; ``None`` when the level is vacuous.
    :param mandatory_met: whether every mandatory practice at this level is fully met
        (N/A mandatory practices do not block).
    """

    level: int
    mean: float | None
    mandatory_met: bool = True


@attrs.frozen(kw_only=True)
class PracticeEvidence:
    """One practice of an item as a rule that reads single answers sees it.

    :param value: the scored value (after the dependency policy); ``None`` for N/A,
        0 for unknown.
    :param status: the answer's status (``"met"``, ``"partial"``, ``"not-met"``,
        ``"n/a"``, ``"unknown"``), so a rule can tell unknown from a 0 answer.
    """

    practice_id: str
    level: int
    value: float | None
    status: str


@attrs.frozen(kw_only=True)
class ItemEvidence:
    """Everything an item rule may look at for one item of one assessment.

    :param item_id: the item's id.
    :param levels: one :class:`LevelEvidence` per scale level, in ascending order.
    :param assessed: whether at least one practice has an answer other than N/A and
        unknown.
    :param observations: the assessment's metric observations.
    :param practices: the item's practices one by one, in document order; filled for
        rules whose class sets ``reads_practices = True`` (else empty).
    """

    item_id: str
    levels: tuple[LevelEvidence, ...]
    assessed: bool
    observations: Mapping[str, float] = attrs.field(factory=lambda: MappingProxyType({}))
    practices: tuple[PracticeEvidence, ...] = ()

    def mean(self, level: int) -> float | None:
        """``m(level)``, ``None`` when vacuous or not on the scale."""
        for lv in self.levels:
            if lv.level == level:
                return lv.mean
        return None


@attrs.frozen(kw_only=True, eq=False)
class PracticeColumns:
    """An item's practices over many assessments at once, for ``evaluate_columns``.

    The batch engine hands this to an item rule that has an ``evaluate_columns`` method.
    Each entry of ``values``, ``known`` and ``not_applicable`` is one practice's column,
    a numpy array over the assessments: the scored value (0 where unknown or N/A),
    whether an answer was given, whether it was N/A. A rule whose semantics are written
    with operators alone (``>``, ``&``, ``|``, ``+``) runs the same code on one
    assessment's scalars and on these columns. ``levels`` is each practice's level,
    ``scale`` the model's scale values in ascending order.
    """

    item_id: str
    levels: tuple[int, ...]
    values: tuple[Any, ...]
    known: tuple[Any, ...]
    not_applicable: tuple[Any, ...]
    scale: tuple[int, ...] = ()


@attrs.frozen(kw_only=True)
class Outcome:
    """A rule's verdict on one node: its score and level.

    >>> Outcome(score=2.6, level=2)
    Outcome(score=2.6, level=2)
    """

    score: float
    level: int


@attrs.frozen(kw_only=True)
class ChildOutcome:
    """An assessed child as an aggregation rule sees it."""

    node_id: str
    score: float
    level: int
    weight: float = 1.0


# --------------------------------------------------------------------------- protocols


@runtime_checkable
class ItemRule(Protocol):
    """A rule that turns the evidence of one item into a score and a level.

    ``evaluate_item`` returns ``None`` when the item is not assessed.
    """

    kind: ClassVar[str]

    def evaluate_item(self, evidence: ItemEvidence) -> Outcome | None:
        """Score one item."""


@runtime_checkable
class AggregationRule(Protocol):
    """A rule that turns the results of a node's assessed children into the node's result.

    It is only called with at least one child; children that are not assessed are
    already left out.
    """

    kind: ClassVar[str]

    def aggregate(self, children: Sequence[ChildOutcome]) -> Outcome:
        """Aggregate the assessed children of one node."""
