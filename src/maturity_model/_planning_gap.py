"""Gaps: per node, the unmet practices between a profile and a target (private).

See :mod:`maturity_model.planning`, which exports these names and documents the
definitions.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Final

import attrs

from maturity_model._display_registry import frame
from maturity_model._messages import translator
from maturity_model.errors import UnknownNodeError, ValidationError
from maturity_model.profile import NodeKind, PracticeResult, Profile
from maturity_model.target import Target

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["GAP_COLUMNS", "Gap", "GapEntry", "frozen_map", "gap", "is_unmet"]


def frozen_map(values: Mapping[Any, Any]) -> Mapping[Any, Any]:
    """A read-only copy of ``values``."""
    return MappingProxyType(dict(values))


def _percent(gap_sum: float, target_sum: float) -> float:
    return 100.0 if target_sum <= 0 else 100.0 * (1.0 - gap_sum / target_sum)


def is_unmet(result: PracticeResult | None) -> bool:
    """Unmet: not N/A and a value below 1 (a practice the profile lacks is unknown: 0)."""
    return result is None or (result.value is not None and result.value < 1.0)


@attrs.frozen(kw_only=True)
class GapEntry:
    """One node of a gap: its target, where it stands, and the practices left.

    :param target: the node's target level (``None`` for a domain no target names; its
        items have their own).
    :param gap: items: ``max(0, target - score)``; domains and the root: the sum over the
        assessed items below them; ``None`` when nothing below is assessed.
    :param percent_to_target: ``100 × (1 - Σ gap / Σ target)`` over the assessed items at
        or below the node that have a target; ``None`` when there is none.
    :param practices: the unmet practices at levels up to the target (for a domain: of
        every item below it in the gap), in document order.
    :param items: domains and the root: the items below them that are in the gap.
    """

    node_id: str
    kind: NodeKind
    name: str = ""
    target: int | None
    level: int | None
    score: float | None
    gap: float | None
    percent_to_target: float | None
    practices: tuple[str, ...] = ()
    items: tuple[str, ...] = ()

    @property
    def assessed(self) -> bool:
        """Whether the node has a score."""
        return self.score is not None

    def to_record(self) -> dict[str, Any]:
        """The entry as a plain dict (keys as in :meth:`Gap.to_records`)."""
        return {"node_id": self.node_id, "kind": self.kind, "name": self.name,
                "target": self.target, "level": self.level, "score": self.score,
                "gap": self.gap, "percent_to_target": self.percent_to_target,
                "practices": len(self.practices)}


GAP_COLUMNS: Final = ("node_id", "kind", "name", "target", "level", "score", "gap",
                      "percent_to_target", "practices")


@attrs.frozen(kw_only=True)
class Gap:
    """Every node below its target and the unmet practices in the way; see :func:`gap`.

    ``gap[node_id]`` gives a :class:`GapEntry`; iterating yields the entries in profile
    order (the root, then parents before children). Only nodes in the gap have an entry.
    """

    model_id: str
    subject: str = ""
    target: Target
    entries: Mapping[str, GapEntry] = attrs.field(
        converter=frozen_map, hash=False)
    percent_to_target: float
    unassessed: tuple[str, ...] = ()

    def __getitem__(self, node_id: str) -> GapEntry:
        try:
            return self.entries[node_id]
        except KeyError:
            raise UnknownNodeError(node_id, "node in the gap") from None

    def __contains__(self, node_id: object) -> bool:
        return node_id in self.entries

    def __iter__(self) -> Iterator[GapEntry]:
        return iter(self.entries.values())

    def __len__(self) -> int:
        return len(self.entries)

    def item_entries(self) -> tuple[GapEntry, ...]:
        """The entries of the items below their target, in document order."""
        return tuple(e for e in self.entries.values() if e.kind == "item")

    def items(self) -> tuple[GapEntry, ...]:
        """Deprecated name of :meth:`item_entries` (``items()`` reads like mapping pairs).

        :deprecated: call :meth:`item_entries`; this alias warns and will go.
        """
        import warnings

        warnings.warn("Gap.items() is deprecated: call Gap.item_entries()",
                      DeprecationWarning, stacklevel=2)
        return self.item_entries()

    @property
    def practices(self) -> tuple[str, ...]:
        """Every unmet practice of the items in the gap, in document order."""
        return tuple(p for e in self.item_entries() for p in e.practices)

    @property
    def closed(self) -> bool:
        """Whether every item is at its target (the gap is empty)."""
        return not self.entries

    def explain(self, lang: str | None = None) -> str:
        """A short text: the figure, then each item below target and what it lacks.

        :param lang: a BCP 47 tag for the words (English when omitted).
        """
        t = translator(lang)
        who = t.gettext(" for {subject}").format(subject=self.subject) if self.subject else ""
        lines = [t.gettext("Gap{who} to the target ({target}): {percent} % to target, "
                           "{items} items below target, {practices} practices unmet").format(
            who=who, target=self.target.describe(lang), percent=f"{self.percent_to_target:.0f}",
            items=len(self.item_entries()), practices=len(self.practices))]
        for entry in self.item_entries():
            now = t.gettext("not assessed") if entry.level is None else t.gettext(
                "level {level}, score {score}").format(level=entry.level,
                                                      score=f"{entry.score:.2f}")
            lines.append("  " + t.gettext("{id}: {now}, target {target}").format(
                id=entry.node_id, now=now, target=entry.target))
            lines.extend(f"    - {p}" for p in entry.practices)
        return "\n".join(lines)

    def to_records(self) -> list[dict[str, Any]]:
        """The gap as plain dicts, one per entry.

        Keys: ``node_id``, ``kind``, ``name``, ``target``, ``level``, ``score``, ``gap``,
        ``percent_to_target``, ``practices`` (how many).
        """
        return [e.to_record() for e in self.entries.values()]

    def to_frame(self) -> pd.DataFrame:
        """:meth:`to_records` as a pandas DataFrame.

        :raises maturity_model.errors.MissingExtraError: pandas is not installed.
        """
        return frame(self.to_records(), GAP_COLUMNS)


def _below_target(level: int | None, target: int,
                  practices: list[PracticeResult]) -> bool:
    if level is not None:
        return level < target
    return target > 0 and not (practices and all(p.status == "n/a" for p in practices))


def gap(profile: Profile, target: Target) -> Gap:
    """What stands between a profile and a target: per node, the unmet practices.

    Every item whose level is below its target gets an entry listing its unmet practices
    (not N/A, value below 1) at levels up to the target; every domain above such an item
    gets an entry summing them up. See the module docs for the exact definitions.

    :raises ValidationError: the target names nodes the profile lacks, levels above the
        scale, or another model.

    >>> import maturity_model as mm
    >>> model = mm.MaturityModel(id="m", domains=[mm.Domain(id="d", items=[
    ...     mm.CapabilityItem(id="ci", practices=[
    ...         mm.Practice(id="ci.1", level=1), mm.Practice(id="ci.2", level=2),
    ...         mm.Practice(id="ci.3", level=3), mm.Practice(id="ci.4", level=4)])])])
    >>> profile = mm.score(model, mm.Assessment(model="m", answers={"ci.1": True}))
    >>> g = gap(profile, Target.uniform(3))
    >>> g["ci"].practices, g["ci"].gap, round(g.percent_to_target, 1)
    (('ci.2', 'ci.3'), 2.0, 33.3)
    """
    problems = target.problems(profile)
    if problems:
        raise ValidationError(problems)
    results = profile.results
    by_item: dict[str, list[PracticeResult]] = {}
    for practice in profile.practices.values():
        by_item.setdefault(practice.item_id, []).append(practice)
    target_of = target.levels_for(profile)

    # Per inner node: gap and target sums over assessed targeted items, items in the gap.
    sums: dict[str, list[float]] = {}  # node id -> [Σ gap, Σ target]
    below: dict[str, list[str]] = {}
    item_entries: dict[str, GapEntry] = {}
    unassessed: list[str] = []
    for result in results.values():
        if result.kind != "item":
            continue
        wanted = target_of[result.node_id]
        if wanted is None:
            continue
        practices = by_item.get(result.node_id, [])
        item_gap = None if result.score is None else max(0.0, wanted - result.score)
        if result.score is None:
            unassessed.append(result.node_id)
        ancestors = _ancestors(result.node_id, results)
        if item_gap is not None:
            for node_id in ancestors:
                pair = sums.setdefault(node_id, [0.0, 0.0])
                pair[0] += item_gap
                pair[1] += wanted
        if not _below_target(result.level, wanted, practices):
            continue
        unmet = tuple(p.practice_id for p in practices
                      if p.level <= wanted and p.status != "n/a" and is_unmet(p))
        item_entries[result.node_id] = GapEntry(
            node_id=result.node_id, kind="item", name=result.name, target=wanted,
            level=result.level, score=result.score, gap=item_gap,
            percent_to_target=None if item_gap is None else _percent(item_gap, wanted),
            practices=unmet)
        for node_id in ancestors:
            below.setdefault(node_id, []).append(result.node_id)
    entries: dict[str, GapEntry] = {}
    for result in results.values():
        node_id = result.node_id
        if result.kind == "item":
            if node_id in item_entries:
                entries[node_id] = item_entries[node_id]
            continue
        wanted = target_of[node_id]
        items_below = tuple(below.get(node_id, ()))
        own_shortfall = (wanted is not None and result.level is not None
                         and result.level < wanted)
        if not items_below and not own_shortfall:
            continue
        node_sums = sums.get(node_id)
        entries[node_id] = GapEntry(
            node_id=node_id, kind=result.kind, name=result.name, target=wanted,
            level=result.level, score=result.score,
            gap=None if node_sums is None else node_sums[0],
            percent_to_target=None if node_sums is None else _percent(*node_sums),
            practices=tuple(p for i in items_below for p in item_entries[i].practices),
            items=items_below)
    root_sums = sums.get(profile.model_id, [0.0, 0.0])
    return Gap(model_id=profile.model_id, subject=profile.subject, target=target,
               entries=entries, percent_to_target=_percent(root_sums[0], root_sums[1]),
               unassessed=tuple(unassessed))


def _ancestors(node_id: str, results: Mapping[str, Any]) -> list[str]:
    found: list[str] = []
    parent = results[node_id].parent
    while parent is not None and parent in results and parent not in found:
        found.append(parent)
        parent = results[parent].parent
    return found


# --------------------------------------------------------------------------- roadmaps
