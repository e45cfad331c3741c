"""A subject's journey and the nodes that fell, read from a history's arrays.

Private: :meth:`maturity_model.History.journey` and :meth:`~maturity_model.History.regressions`
call these. Across model versions, both name the model changes behind a node's result
(:meth:`~maturity_model.comparison.NodeDiff.model_note`), and a fall that only the model
explains is a fall of cause ``"model"``.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Final

import attrs
import numpy as np

from maturity_model._history_blocks import as_date
from maturity_model._history_parts import (
    DAYS_PER_MONTH,
    Journey,
    NodeJourney,
    PracticeChange,
    Regression,
    changed_practices,
)

if TYPE_CHECKING:
    from maturity_model.history import History

__all__ = ["falls", "journey_of", "velocity_of"]

_TOLERANCE: Final = 1e-9


def _items_below(history: History, node_id: str) -> frozenset[str]:
    """The target ids of the items at or below a node."""
    children: dict[str | None, list[str]] = {}
    for n, (_, _, parent) in zip(history._node_ids, history._node_info, strict=True):
        children.setdefault(parent, []).append(n)
    items: set[str] = set()
    stack = [node_id]
    while stack:
        n = stack.pop()
        kind = history._node_info[history._column[n]][0]
        if kind == "item":
            items.add(n)
        stack.extend(children.get(n, ()))
    return frozenset(items)


def journey_of(history: History, subject: str) -> Journey:
    """The subject from its first profile to its last (see :meth:`History.journey`)."""
    rows = history._rows(subject)
    first, last = rows[0], rows[-1]
    start, end = history._profile(first), history._profile(last)
    bridge = history._bridge
    changed: list[PracticeChange] = []
    notes: dict[str, str] = {}
    if first != last and bridge is None:
        changed = changed_practices(start, end)
    elif first != last and bridge is not None:
        changed = translated_changes_of(history, first, last)
        notes = bridge.notes(start, end)
    below: dict[str, list[str]] = {}
    parent_of = {n: info[2] for n, info in zip(history._node_ids, history._node_info,
                                               strict=True)}
    for change in changed:
        node: str | None = change.item_id
        while node is not None:
            below.setdefault(node, []).append(change.practice_id)
            node = parent_of.get(node)
    gathered: dict[str, list[str]] = {}  # a domain's note: those of the items below it
    for item in sorted(notes):
        if item in history._column and history._node_info[history._column[item]][0] == "item":
            node = parent_of.get(item)
            while node is not None:
                gathered.setdefault(node, []).append(f"{item}: {notes[item]}")
                node = parent_of.get(node)
    nodes = []
    for column, (node_id, (kind, name, parent)) in enumerate(
            zip(history._node_ids, history._node_info, strict=True)):
        s_score, s_level = history._value(first, column)
        e_score, e_level = history._value(last, column)
        nodes.append(NodeJourney(node_id=node_id, kind=kind, name=name,
                                 start_score=s_score, end_score=e_score,
                                 start_level=s_level, end_level=e_level, parent=parent,
                                 practices=tuple(below.get(node_id, ())),
                                 note=notes.get(node_id, "")
                                 or "; ".join(gathered.get(node_id, ()))))
    return Journey(subject=subject, start=history._date(first), end=history._date(last),
                   assessments=len(rows), nodes=tuple(nodes), practices=tuple(changed))


def translated_changes_of(history: History, first: int, last: int) -> list[PracticeChange]:
    """The practices that changed between two rows, named by the newest version's ids."""
    from maturity_model._history_across import translated_changes

    bridge = history._bridge
    assert bridge is not None
    start, end = history._profile(first), history._profile(last)
    return translated_changes(start, end, bridge.to_target(start.model_version),
                              bridge.to_target(end.model_version))


def falls(history: History, subject: str | None, node_id: str | None,
          include_model: bool) -> tuple[Regression, ...]:
    """The nodes that fell (see :meth:`History.regressions`)."""
    span = range(len(history)) if subject is None else history._rows(subject)
    if len(span) < 2:
        return ()
    first = 0 if node_id is None else history._node(node_id)
    last = len(history._node_ids) if node_id is None else first + 1
    # consecutive rows as views: row r against row r + 1, of one subject only
    scores = history._scores[span.start:span.stop, first:last]
    levels = history._levels[span.start:span.stop, first:last]
    s0, s1, l0, l1 = scores[:-1], scores[1:], levels[:-1], levels[1:]
    codes = history._codes[span.start:span.stop]
    fell = (l0 >= 0) & (l1 >= 0) & ((s1 < s0 - _TOLERANCE) | (l1 < l0))
    fell &= (codes[1:] == codes[:-1])[:, None]
    found = np.nonzero(fell)
    values = [part[found].tolist() for part in (s0, s1, l0, l1)]
    before = found[0] + span.start
    columns = found[1] + first
    ordinals = history._ordinals
    day = {int(o): datetime.date.fromordinal(int(o)) for o in np.unique(ordinals)}
    out = [Regression(subject=history._names[code], node_id=history._node_ids[column],
                      before=day[b], after=day[a], score_before=sb, score_after=sa,
                      level_before=lb, level_after=la)
           for code, column, b, a, sb, sa, lb, la in zip(
               history._codes[before].tolist(), columns.tolist(),
               ordinals[before].tolist(), ordinals[before + 1].tolist(),
               *values, strict=True)]
    bridge = history._bridge
    if bridge is None:
        return tuple(out)
    crossing = (history._version_of[before] != history._version_of[before + 1]).tolist()
    notes: dict[int, dict[str, str]] = {}
    kept = []
    for k, found_fall, crosses in zip(before.tolist(), out, crossing, strict=True):
        fall = found_fall
        if crosses:
            b, a = history._profile(k), history._profile(k + 1)
            if k not in notes:
                notes[k] = bridge.notes(b, a)
            cause, note = bridge.cause(b, a, fall.node_id,
                                       _items_below(history, fall.node_id), notes[k])
            fall = attrs.evolve(fall, cause=cause, note=note)
        if include_model or fall.cause != "model":
            kept.append(fall)
    return tuple(kept)


def velocity_of(history: History, subject: str, start: datetime.date | str | None,
                end: datetime.date | str | None, node_id: str | None) -> float | None:
    """Levels per month of a node between two dates (see :meth:`History.velocity`)."""
    rows = history._rows(subject)
    column = history._node(node_id if node_id is not None else history._node_ids[0])
    first = history._date(rows[0]) if start is None else as_date(start)
    last = history._date(rows[-1]) if end is None else as_date(end)
    if last <= first:
        raise ValueError(f"the end {last.isoformat()} is not after the start "
                         f"{first.isoformat()}")

    ordinals = history._ordinals[rows.start:rows.stop]

    def score_on(day: datetime.date) -> float | None:
        taken = int(np.searchsorted(ordinals, day.toordinal(), side="right"))
        return history._value(rows.start + taken - 1, column)[0] if taken else None

    before, after = score_on(first), score_on(last)
    if before is None or after is None:
        return None
    return (after - before) / ((last - first).days / DAYS_PER_MONTH)
