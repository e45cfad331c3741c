"""The ISO/IEC 33020 process-capability item rule, written once for both engines.

ISO/IEC 33020:2019 (process measurement framework for assessment of process capability)
rates each process attribute on the achievement of its outcomes: N (not achieved,
0–15 %), P (partially, >15–50 %), L (largely, >50–85 %), F (fully, >85–100 %). A process
is at capability level ``k`` when its level-``k`` attributes are rated L or F and every
attribute of a lower level is rated F. Here the item is the process, its practices at
level ``L`` are the process attributes of level ``L`` and each answer is the achievement
as a fraction.

:func:`capability_level` is the whole rule. It uses only ``>``, ``&``, ``|`` and ``+``, so
the object engine runs it on one assessment's floats and bools and the batch engine on
numpy arrays holding every assessment's values: one definition, equal results.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, ClassVar, Literal, TypeVar

import attrs

from maturity_model._rule_base import ItemEvidence, Outcome, PracticeColumns, PracticeEvidence

__all__ = ["Iso33020", "capability_level", "rating"]

Rating = Literal["N", "P", "L", "F"]

#: Upper bounds of the N, P and L achievement bands (fractions); above the last is F.
BANDS: tuple[tuple[float, Rating], ...] = ((0.15, "N"), (0.50, "P"), (0.85, "L"))

T = TypeVar("T")


def rating(achievement: float) -> Rating:
    """The N/P/L/F rating of one attribute's achievement (a fraction in [0, 1]).

    >>> [rating(x) for x in (0.0, 0.15, 0.16, 0.5, 0.51, 0.85, 0.86, 1.0)]
    ['N', 'N', 'P', 'P', 'L', 'L', 'F', 'F']
    """
    for bound, name in BANDS:
        if achievement <= bound:
            return name
    return "F"


def capability_level(levels: Sequence[int], attributes: Sequence[tuple[int, Any, Any, Any]],
                     ) -> Any:
    """The capability level from rated attributes; scalars or arrays alike.

    :param levels: the scale levels from 1 up, ascending: all of them, since a level with
        no attribute (or only N/A ones) is achieved when every attribute below it is F
        (attributes at level 0 included).
    :param attributes: ``(level, achievement, known, not_applicable)`` per attribute, the
        last three each a float / bool (one assessment) or an array (many). An unknown
        attribute is not rated and makes its level not achieved; an N/A one leaves it.
    :returns: how many levels from 1 up are achieved in a row (an int, or an int array).

    >>> capability_level([1, 2, 3], [(1, 1.0, True, False), (2, 0.7, True, False),
    ...                              (3, 1.0, True, False)])
    2
    """
    count: Any = 0
    climbing: Any = True
    for level in levels:
        achieved: Any = True
        for at, x, known, not_applicable in attributes:
            if at > level:
                continue
            # L or F at the level itself, F below it.
            rated = x > (BANDS[1][0] if at == level else BANDS[2][0])
            achieved = achieved & ((rated & known) | not_applicable)
        climbing = climbing & achieved
        count = count + climbing
    return count


@attrs.frozen(kw_only=True)
class Iso33020:
    """ISO/IEC 33020 process capability: levels from N/P/L/F-rated process attributes.

    The practices of an item at level ``L`` are its level-``L`` process attributes; each
    answer is the attribute's achievement in [0, 1]. Level ``L`` is achieved when every
    attribute at ``L`` is rated L or F (above 0.5) and every attribute below ``L`` is F
    (above 0.85); the level is the highest scale level ``L`` with every level ``1..L``
    achieved, and the score equals it. N/A attributes leave their level; an unknown
    attribute makes its level not achieved. A level without attributes is achieved when
    every attribute below it is F, as DESIGN §2 reads, so a process whose attributes all
    stop at level 3 and are all F reaches the top of the scale (give the process a scale
    that ends where its attributes end, as staircase items need too). The profile keeps
    each attribute's rating (``profile.practices[id].rating``).

    >>> from maturity_model.rules import LevelEvidence, PracticeEvidence
    >>> pa = [("PA1.1", 1, 0.9), ("PA2.1", 2, 0.6), ("PA2.2", 2, 0.9), ("PA3.1", 3, 0.9)]
    >>> ev = ItemEvidence(item_id="SWE.1", assessed=True, levels=tuple(
    ...     LevelEvidence(level=lv, mean=None) for lv in (1, 2, 3)), practices=tuple(
    ...     PracticeEvidence(practice_id=i, level=lv, value=x, status="partial")
    ...     for i, lv, x in pa))
    >>> Iso33020().evaluate_item(ev)
    Outcome(score=2.0, level=2)
    """

    kind: ClassVar[str] = "iso33020"
    #: The object engine fills :attr:`ItemEvidence.practices` for this rule.
    reads_practices: ClassVar[bool] = True

    def evaluate_item(self, evidence: ItemEvidence) -> Outcome | None:
        """Score one process from its attributes' achievements."""
        if not evidence.assessed:
            return None
        # An attribute at level 0 (a 0-based scale) is below every level from 1 up, so
        # each of those needs it rated F.
        attributes = [(p.level, 0.0 if p.value is None else p.value,
                       p.status != "unknown", p.value is None)
                      for p in evidence.practices]
        level = int(capability_level(_levels(lv.level for lv in evidence.levels), attributes))
        return Outcome(score=float(level), level=level)

    def evaluate_columns(self, columns: PracticeColumns) -> tuple[Any, Any]:
        """Score one process over many assessments: ``(scores, levels)`` arrays.

        The caller blanks the assessments where the item is not assessed.
        """
        attributes = list(zip(columns.levels, columns.values, columns.known,
                              columns.not_applicable, strict=True))
        level = capability_level(_levels(columns.scale), attributes)
        return level * 1.0, level

    def blocking(self, level: int, practices: Sequence[PracticeEvidence]) -> tuple[str, ...]:
        """The attributes that keep ``level`` from being achieved, in document order.

        Those at ``level`` rated N or P or unknown, and those below it rated less than F
        or unknown (N/A ones never): the same test as :func:`capability_level`.

        >>> pa = [("PA1.1", 1, 0.6), ("PA2.1", 2, 1.0), ("PA2.2", 2, 0.3)]
        >>> Iso33020().blocking(2, [PracticeEvidence(practice_id=i, level=lv, value=x,
        ...                                          status="partial") for i, lv, x in pa])
        ('PA1.1', 'PA2.2')
        """
        return tuple(p.practice_id for p in practices
                     if p.value is not None and p.level <= level
                     and (p.status == "unknown"
                          or not p.value > (BANDS[1][0] if p.level == level else BANDS[2][0])))

    def rate(self, practice: PracticeEvidence) -> Rating | None:
        """An attribute's rating in a profile; ``None`` when unknown or N/A."""
        if practice.value is None or practice.status == "unknown":
            return None
        return rating(practice.value)


def _levels(scale: Iterable[int]) -> list[int]:
    # Every scale level from 1 up, also those above the last attribute (DESIGN §2: "the
    # highest L such that every level 1..L is achieved").
    return sorted(level for level in scale if level >= 1)
