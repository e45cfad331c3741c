"""What a :class:`~maturity_model.History` answers with: series, journeys, regressions.

Private: :mod:`maturity_model.history` exports these classes.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Any, Final, Literal

import attrs

from maturity_model.errors import UnknownNodeError
from maturity_model.evidence import AnswerStatus
from maturity_model.profile import NodeKind, Profile

__all__ = ["Journey", "NodeJourney", "Point", "PracticeChange", "Regression", "Series"]

#: Days in an average Gregorian month: velocities are levels per this many days.
DAYS_PER_MONTH: Final = 365.2425 / 12


def _iso(day: datetime.date | None) -> str | None:
    return None if day is None else day.isoformat()


@attrs.frozen(kw_only=True)
class Point:
    """One dated result of one node: a step of a :class:`Series`."""

    date: datetime.date
    score: float | None
    level: int | None


@attrs.frozen(kw_only=True)
class Series:
    """A node's results for one subject, oldest first.

    ``dates``, ``scores`` and ``levels`` run in parallel; a score and level are ``None``
    where the node was not assessed. Iterating yields :class:`Point` values.

    >>> s = Series(subject="t", node_id="cm", dates=(datetime.date(2024, 1, 1),),
    ...            scores=(1.8,), levels=(1,))
    >>> [(p.date.isoformat(), p.score, p.level) for p in s]
    [('2024-01-01', 1.8, 1)]
    """

    subject: str
    node_id: str
    dates: tuple[datetime.date, ...]
    scores: tuple[float | None, ...]
    levels: tuple[int | None, ...]

    def __len__(self) -> int:
        return len(self.dates)

    def __iter__(self) -> Iterator[Point]:
        for day, score, level in zip(self.dates, self.scores, self.levels, strict=True):
            yield Point(date=day, score=score, level=level)

    def to_records(self) -> list[dict[str, Any]]:
        """One plain dict per date: subject, date (ISO 8601), node id, score and level."""
        return [{"subject": self.subject, "date": p.date.isoformat(), "node_id": self.node_id,
                 "score": p.score, "level": p.level} for p in self]


@attrs.frozen(kw_only=True)
class PracticeChange:
    """A practice whose scored value differs between the start and the end of a journey.

    :param before: the status at the start; ``after`` at the end.
    :param value_before: the value scored at the start (``None``: N/A); ``value_after``
        at the end.
    """

    practice_id: str
    item_id: str
    level: int
    before: AnswerStatus
    after: AnswerStatus
    value_before: float | None
    value_after: float | None

    @property
    def improved(self) -> bool:
        """Whether the end scores the practice higher than the start (N/A counts as 0)."""
        return (self.value_after or 0.0) > (self.value_before or 0.0)


@attrs.frozen(kw_only=True)
class NodeJourney:
    """One node from a subject's first profile to its last.

    :param practices: the practices at or below the node whose value changed.
    :param note: when the first and last profiles are of two model versions, the model
        changes that can move the node's result (``"level 2 → 1: practice X added at
        level 2 in 2.0"``, from :meth:`~maturity_model.comparison.NodeDiff.model_note`;
        a domain without changes of its own gathers those of the items below it, each
        after its item's id); ``""`` otherwise.
    """

    node_id: str
    kind: NodeKind
    name: str
    start_score: float | None
    end_score: float | None
    start_level: int | None
    end_level: int | None
    parent: str | None = None
    practices: tuple[str, ...] = ()
    note: str = ""

    @property
    def change(self) -> float | None:
        """``end_score - start_score``; ``None`` unless both are assessed."""
        if self.start_score is None or self.end_score is None:
            return None
        return self.end_score - self.start_score

    def __str__(self) -> str:
        def shown(score: float | None) -> str:
            return "not assessed" if score is None else f"{score:.2f}"

        return f"{self.node_id}: {shown(self.start_score)} → {shown(self.end_score)}"


@attrs.frozen(kw_only=True)
class Journey:
    """A subject from its first profile (``start``) to its last (``end``).

    ``journey[node_id]`` gives a :class:`NodeJourney`; ``journey.overall`` the model
    root's. ``practices`` lists every practice whose scored value changed, in model order.
    """

    subject: str
    start: datetime.date
    end: datetime.date
    assessments: int
    nodes: tuple[NodeJourney, ...]
    practices: tuple[PracticeChange, ...] = ()

    def __getitem__(self, node_id: str) -> NodeJourney:
        for node in self.nodes:
            if node.node_id == node_id:
                return node
        raise UnknownNodeError(node_id, "node")

    def __iter__(self) -> Iterator[NodeJourney]:
        return iter(self.nodes)

    @property
    def overall(self) -> NodeJourney:
        """The model root's journey."""
        return self.nodes[0]

    @property
    def months(self) -> float:
        """The journey's length in average months."""
        return (self.end - self.start).days / DAYS_PER_MONTH

    def to_records(self) -> list[dict[str, Any]]:
        """One plain dict per node: start and end, and how many practices changed below it."""
        return [{"subject": self.subject, "node_id": n.node_id, "kind": n.kind,
                 "name": n.name, "start": _iso(self.start), "end": _iso(self.end),
                 "start_score": n.start_score, "end_score": n.end_score,
                 "start_level": n.start_level, "end_level": n.end_level,
                 "practices_changed": len(n.practices), "note": n.note} for n in self.nodes]


@attrs.frozen(kw_only=True)
class Regression:
    """A node that fell between two consecutive profiles of one subject.

    It fell when its score is lower (by more than 1e-9) or its level is lower; a node
    that was not assessed on either date is never a regression.

    :param cause: ``"answers"`` (the team's evidence fell) or ``"model"``: the two
        profiles are of two model versions, model changes concern the node and no
        practice below it lost value — the model changed, not the team.
    :param note: across two model versions, the model changes behind the node's result
        (``""`` otherwise).
    """

    subject: str
    node_id: str
    before: datetime.date
    after: datetime.date
    score_before: float
    score_after: float
    level_before: int
    level_after: int
    cause: Literal["answers", "model"] = "answers"
    note: str = ""

    def to_record(self) -> dict[str, Any]:
        """The regression as a plain dict (dates in ISO 8601)."""
        return {"subject": self.subject, "node_id": self.node_id,
                "before": self.before.isoformat(), "after": self.after.isoformat(),
                "score_before": self.score_before, "score_after": self.score_after,
                "level_before": self.level_before, "level_after": self.level_after,
                "cause": self.cause, "note": self.note}


def changed_practices(start: Profile, end: Profile) -> list[PracticeChange]:
    """The practices whose scored value differs between two profiles, in ``end``'s order."""
    changed = []
    for practice_id, after in end.practices.items():
        before = start.practices.get(practice_id)
        if before is None or before.value == after.value:
            continue
        changed.append(PracticeChange(
            practice_id=practice_id, item_id=after.item_id, level=after.level,
            before=before.status, after=after.status, value_before=before.value,
            value_after=after.value))
    return changed
