"""Compare two profiles of one model: ``compare(before, after) -> ProfileDiff``.

Per node, a :class:`NodeDiff` holds both results, the deltas and a status. The statuses
(DESIGN §2 "Comparing and planning" leaves their exact definition to this module):

``added``
    the node has a score in *after* but none in *before*: it is missing from the
    before profile (a newer model version added it) or was not assessed there.
``removed``
    the mirror: a score in *before*, none in *after*.
``improved`` / ``regressed``
    both scores exist and the score went up / down; when the scores are equal (within
    ``1e-9``, relative or absolute) the level decides. A higher score with a lower level
    (possible under ``level-sum``) is ``improved``: the score decides first.
``unchanged``
    both scores exist and neither score nor level changed, or the node is in both
    profiles and assessed in neither.

``compare(a, b)`` and ``compare(b, a)`` are exact mirrors: before and after swap, deltas
are negated bit for bit, ``improved`` ↔ ``regressed`` and ``added`` ↔ ``removed``.
Nodes are listed in the before profile's order, then the nodes only the after profile
has, in its order.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Final, Literal

import attrs

from maturity_model._compare_versions import changes_by_node, model_change_note, version_diff
from maturity_model._display_registry import formatter, frame
from maturity_model._messages import translator
from maturity_model._numbers import is_finite_number
from maturity_model.errors import IncompatibleProfilesError, UnknownNodeError
from maturity_model.profile import NodeKind, Profile, Result
from maturity_model.versions import Change, ModelDiff

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "STATUSES",
    "DiffStatus",
    "NodeDiff",
    "ProfileDiff",
    "compare",
]

DiffStatus = Literal["improved", "regressed", "unchanged", "added", "removed"]

#: Every status, in the order :attr:`ProfileDiff.summary` lists them.
STATUSES: Final[tuple[DiffStatus, ...]] = (
    "improved", "regressed", "unchanged", "added", "removed")

_MIRROR: Final[dict[DiffStatus, DiffStatus]] = {
    "improved": "regressed", "regressed": "improved", "unchanged": "unchanged",
    "added": "removed", "removed": "added"}


def _changes(values: Iterable[Change]) -> tuple[Change, ...]:
    return tuple(values)


def _frozen_map(values: Mapping[Any, Any]) -> Mapping[Any, Any]:
    return MappingProxyType(dict(values))


_TOLERANCE: Final = 1e-9

RECORD_COLUMNS: Final = ("node_id", "kind", "name", "status", "before_score", "after_score",
                         "delta_score", "before_level", "after_level", "delta_level")


def _status(before: Result | None, after: Result | None) -> DiffStatus:
    b = None if before is None else before.score
    a = None if after is None else after.score
    if b is None and a is None:
        if before is None:
            return "added"
        return "removed" if after is None else "unchanged"
    if b is None:
        return "added"
    if a is None:
        return "removed"
    if not math.isclose(a, b, rel_tol=_TOLERANCE, abs_tol=_TOLERANCE):
        return "improved" if a > b else "regressed"
    lb, la = before.level if before else None, after.level if after else None
    if la is not None and lb is not None and la != lb:
        return "improved" if la > lb else "regressed"
    return "unchanged"


@attrs.frozen(kw_only=True)
class NodeDiff:
    """One node of a comparison: both results, their deltas and a status.

    :param before: the node's result in the first profile; ``None`` when that profile
        does not have the node.
    :param after: the node's result in the second profile, likewise.
    :param status: ``"improved"``, ``"regressed"``, ``"unchanged"``, ``"added"`` or
        ``"removed"`` (see the module docs).

    >>> from maturity_model import Result
    >>> d = NodeDiff(node_id="ci", before=Result(node_id="ci", kind="item", score=1.8, level=1),
    ...              after=Result(node_id="ci", kind="item", score=3.0, level=3),
    ...              status="improved")
    >>> round(d.delta_score, 2), d.delta_level
    (1.2, 2)
    """

    node_id: str
    before: Result | None
    after: Result | None
    status: DiffStatus
    #: the node's id in the before profile, when a newer model version renamed it.
    before_id: str | None = None
    #: the model changes between the two versions that can move this node's result.
    changes: tuple[Change, ...] = attrs.field(default=(), converter=_changes)

    @property
    def kind(self) -> NodeKind:
        """``"model"``, ``"domain"`` or ``"item"`` (from whichever result exists)."""
        result = self.after if self.after is not None else self.before
        assert result is not None
        return result.kind

    @property
    def name(self) -> str:
        """The node's display name (from the after result when both exist)."""
        result = self.after if self.after is not None else self.before
        assert result is not None
        return result.name

    @property
    def before_score(self) -> float | None:
        """The score in the first profile; ``None`` when absent or not assessed."""
        return None if self.before is None else self.before.score

    @property
    def after_score(self) -> float | None:
        """The score in the second profile; ``None`` when absent or not assessed."""
        return None if self.after is None else self.after.score

    @property
    def before_level(self) -> int | None:
        """The level in the first profile; ``None`` when absent or not assessed."""
        return None if self.before is None else self.before.level

    @property
    def after_level(self) -> int | None:
        """The level in the second profile; ``None`` when absent or not assessed."""
        return None if self.after is None else self.after.level

    @property
    def delta_score(self) -> float | None:
        """``after - before``; ``None`` unless both sides are assessed with finite scores.

        A difference that is not a finite number (scores read from a hand-edited profile
        can overflow) is ``None`` too: there is no delta to report.
        """
        b, a = self.before_score, self.after_score
        if a is None or b is None:
            return None
        delta = a - b
        return delta if is_finite_number(delta) else None

    @property
    def delta_level(self) -> int | None:
        """``after - before`` of the levels; ``None`` unless both sides are assessed."""
        b, a = self.before_level, self.after_level
        return None if a is None or b is None else a - b

    @property
    def changed(self) -> bool:
        """Whether the status is anything but ``"unchanged"``."""
        return self.status != "unchanged"

    def mirrored(self) -> NodeDiff:
        """The same node seen from the other side: before and after swapped.

        >>> from maturity_model import Result
        >>> d = NodeDiff(node_id="x", before=None, after=Result(node_id="x", kind="item",
        ...              score=1.0, level=1), status="added")
        >>> d.mirrored().status
        'removed'
        """
        return NodeDiff(node_id=self.before_id or self.node_id, before=self.after,
                        after=self.before, status=_MIRROR[self.status],
                        before_id=self.node_id if self.before_id else None,
                        changes=[c.mirrored() for c in self.changes])

    def model_note(self, version: str = "") -> str:
        """The model changes behind this node's result, in words; ``""`` when none.

        With a level change it reads ``"level 2 → 1: practice X added at level 2 in 4.0"``.

        :param version: the version the changes came with (``"4.0"``), named in the text.
        """
        if not self.changes:
            return ""
        notes = "; ".join(model_change_note(c, version) for c in self.changes)
        b, a = self.before_level, self.after_level
        return f"level {b} → {a}: {notes}" if b is not None and a is not None and a != b \
            else notes

    def to_record(self) -> dict[str, Any]:
        """The node's row as a plain dict (keys as in :meth:`ProfileDiff.to_records`).

        Every number in it is finite: a score that is not (NaN, infinity) is ``None``, so
        the record is always valid JSON.

        >>> from maturity_model import Result
        >>> d = NodeDiff(node_id="x", before=Result(node_id="x", kind="item",
        ...              score=float("nan"), level=1), after=None, status="removed")
        >>> d.to_record()["before_score"], d.to_record()["delta_score"]
        (None, None)
        """
        return {"node_id": self.node_id, "kind": self.kind, "name": self.name,
                "status": self.status, "before_score": _finite(self.before_score),
                "after_score": _finite(self.after_score), "delta_score": self.delta_score,
                "before_level": self.before_level, "after_level": self.after_level,
                "delta_level": self.delta_level}

    def __str__(self) -> str:
        def side(score: float | None, level: int | None) -> str:
            return "-" if score is None else f"{score:.2f} (L{level})"

        text = (f"{self.node_id}: {self.status}, "
                f"{side(self.before_score, self.before_level)} → "
                f"{side(self.after_score, self.after_level)}")
        if self.delta_score is not None and self.changed:
            text += f", {self.delta_score:+.2f}"
        return text


def _finite(value: float | None) -> float | None:
    return value if is_finite_number(value) else None


def _sort_key(position: int, diff: NodeDiff, sign: int) -> tuple[float, int, int]:
    return (sign * (diff.delta_score or 0.0), sign * (diff.delta_level or 0), position)


@attrs.frozen(kw_only=True)
class ProfileDiff:
    """The comparison of two profiles of one model, node by node.

    ``diff[node_id]`` gives a :class:`NodeDiff`; iterating yields them, before-profile
    order first. Made by :func:`compare`.

    :param model_id: the model both profiles are of.
    :param before_subject: the first profile's subject (``after_subject`` likewise).
    :param before_version: the first profile's model version (``after_version`` likewise).
    :param nodes: node id → :class:`NodeDiff`.
    """

    model_id: str
    before_subject: str = ""
    after_subject: str = ""
    before_version: str = ""
    after_version: str = ""
    nodes: Mapping[str, NodeDiff] = attrs.field(
        converter=_frozen_map, hash=False)

    def __getitem__(self, node_id: str) -> NodeDiff:
        try:
            return self.nodes[node_id]
        except KeyError:
            raise UnknownNodeError(node_id, "node") from None

    def __contains__(self, node_id: object) -> bool:
        return node_id in self.nodes

    def __iter__(self) -> Iterator[NodeDiff]:
        return iter(self.nodes.values())

    def __len__(self) -> int:
        return len(self.nodes)

    @property
    def overall(self) -> NodeDiff:
        """The model root's diff."""
        return self.nodes[self.model_id]

    @property
    def summary(self) -> Mapping[DiffStatus, int]:
        """How many nodes have each status (every status present, zeros included).

        >>> import maturity_model as mm
        >>> p = mm.Profile(model_id="m", results={"m": mm.Result(node_id="m", kind="model")})
        >>> dict(compare(p, p).summary)
        {'improved': 0, 'regressed': 0, 'unchanged': 1, 'added': 0, 'removed': 0}
        """
        counts = dict.fromkeys(STATUSES, 0)
        for diff in self.nodes.values():
            counts[diff.status] += 1
        return MappingProxyType(counts)

    def with_status(self, *statuses: DiffStatus) -> tuple[NodeDiff, ...]:
        """The nodes with any of these statuses, in node order."""
        return tuple(d for d in self.nodes.values() if d.status in statuses)

    def gains(self, n: int | None = None) -> tuple[NodeDiff, ...]:
        """The improved nodes, largest score gain first (then level gain, then node order).

        :param n: at most this many; all when ``None``.
        """
        ranked = sorted((_sort_key(i, d, -1), d) for i, d in enumerate(self.nodes.values())
                        if d.status == "improved")
        return tuple(d for _, d in ranked[:n])

    def regressions(self, n: int | None = None) -> tuple[NodeDiff, ...]:
        """The regressed nodes, largest score loss first (then level loss, then node order).

        :param n: at most this many; all when ``None``.
        """
        ranked = sorted((_sort_key(i, d, 1), d) for i, d in enumerate(self.nodes.values())
                        if d.status == "regressed")
        return tuple(d for _, d in ranked[:n])

    def mirrored(self) -> ProfileDiff:
        """The comparison the other way round, equal to ``compare(after, before)``.

        Node order stays this diff's order.
        """
        mirrored = [d.mirrored() for d in self.nodes.values()]
        return ProfileDiff(model_id=self.model_id, before_subject=self.after_subject,
                           after_subject=self.before_subject,
                           before_version=self.after_version,
                           after_version=self.before_version,
                           nodes={d.node_id: d for d in mirrored})

    def explain(self, lang: str | None = None) -> str:
        """A short text: the summary, then every node that changed.

        Across model versions, a changed node's line is followed by the model changes
        that can explain it (:meth:`NodeDiff.model_note`).

        :param lang: a BCP 47 tag: the statuses in that language (``zh``: 提升, 下降 ...);
            English when omitted.
        """
        t = translator(lang)
        counts = t.gettext(", ").join(f"{n} {t.gettext(s)}"
                                      for s, n in self.summary.items() if n)
        who = ""
        if self.before_subject == self.after_subject:
            who = f" ({self.before_subject})" if self.before_subject else ""
        else:
            who = f" ({self.before_subject or '?'} → {self.after_subject or '?'})"
        lines = [f"{self.model_id}{who}: {counts or t.gettext('no nodes')}"]
        for d in self.nodes.values():
            if not d.changed:
                continue
            line = str(d)
            if lang is not None:  # the status word, the second field, in the language
                line = line.replace(f": {d.status}, ", f": {t.gettext(d.status)}, ", 1)
            lines.append(f"  {line}")
            note = d.model_note(self.after_version)
            if note:  # the result moved with the model, perhaps not with the answers
                lines.append(f"    {note}")
        return "\n".join(lines)

    def to_records(self) -> list[dict[str, Any]]:
        """The comparison as plain dicts, one per node.

        Keys: ``node_id``, ``kind``, ``name``, ``status``, ``before_score``,
        ``after_score``, ``delta_score``, ``before_level``, ``after_level``,
        ``delta_level``.
        """
        return [d.to_record() for d in self.nodes.values()]

    def to_frame(self) -> pd.DataFrame:
        """:meth:`to_records` as a pandas DataFrame.

        :raises maturity_model.errors.MissingExtraError: pandas is not installed
            (the ``pandas`` extra: ``pip install '.[pandas]'`` in a checkout).
        """
        return frame(self.to_records(), RECORD_COLUMNS)

    def _repr_html_(self) -> str:
        return str(formatter("diff_html")(self))

    def __repr__(self) -> str:
        return str(formatter("diff_repr")(self))

def compare(before: Profile, after: Profile, *, diff: ModelDiff | None = None) -> ProfileDiff:
    """Compare two profiles of one model, node by node.

    Profiles of two versions of one model are aligned through the model diff: a node the
    new version renamed is compared with its old self (``NodeDiff.before_id`` holds the
    old id), the nodes only one version has are ``added`` or ``removed``, and every
    node's ``changes`` lists the model changes that can move its result, which
    :meth:`ProfileDiff.explain` names ("level 2 → 1: practice X added at level 2 in 4.0").
    Without ``diff``, the diff is worked out from the profiles themselves (they hold the
    tree and every practice's item and level), which pairs nodes by id only; pass
    ``diff=diff_models(old_model, new_model)`` to pair by ``key`` and ``replaces`` too
    (:func:`~maturity_model.versions.diff_models` keeps its result for the pair of
    models, so comparing many profiles costs one diff).

    :param diff: the diff between the two profiles' models (either direction).
    :raises IncompatibleProfilesError: the profiles are of different model ids (and no
        ``diff`` joins them), or ``diff`` is between other models.

    >>> import maturity_model as mm
    >>> model = mm.MaturityModel(id="m", scale=mm.LevelScale.range(1, 2), domains=[
    ...     mm.Domain(id="d", items=[mm.CapabilityItem(id="ci", practices=[
    ...         mm.Practice(id="ci.1", level=1), mm.Practice(id="ci.2", level=2)])])])
    >>> a = mm.score(model, mm.Assessment(model="m", answers={"ci.1": True}))
    >>> b = mm.score(model, mm.Assessment(model="m", answers={"ci.1": True, "ci.2": True}))
    >>> diff = compare(a, b)
    >>> diff["ci"].status, diff["ci"].delta_level
    ('improved', 1)
    >>> compare(b, a)["ci"].status
    'regressed'

    Across versions, the explanation names the model change:

    >>> import attrs
    >>> v4 = attrs.evolve(model, version="4.0", domains=[mm.Domain(id="d", items=[
    ...     mm.CapabilityItem(id="ci", practices=[mm.Practice(id="ci.1", level=1),
    ...         mm.Practice(id="ci.2", level=2), mm.Practice(id="ci.3", level=2)])])])
    >>> c = mm.score(v4, mm.Assessment(model="m", answers={"ci.1": True, "ci.2": True}))
    >>> print(compare(b, c)["ci"].model_note("4.0"))
    level 2 → 1: practice ci.3 added at level 2 in 4.0
    >>> compare(b, c)["ci"].status, compare(b, c)["ci"].after_level
    ('regressed', 1)
    """
    if before.model_id != after.model_id and diff is None:
        raise IncompatibleProfilesError(
            f"cannot compare profiles of different models: {before.model_id!r} and "
            f"{after.model_id!r}")
    aligned = version_diff(before, after, diff)
    nodes: dict[str, NodeDiff] = {}
    b_results, a_results = before.results, after.results
    if aligned is None:
        for node_id, result in b_results.items():
            other = a_results.get(node_id)
            nodes[node_id] = NodeDiff(node_id=node_id, before=result, after=other,
                                      status=_status(result, other))
        for node_id, result in a_results.items():
            if node_id not in nodes:
                nodes[node_id] = NodeDiff(node_id=node_id, before=None, after=result,
                                          status=_status(None, result))
    else:
        pairs = dict(aligned.nodes)
        pairs[before.model_id] = after.model_id
        notes = changes_by_node(aligned, before, after)
        taken: set[str] = set()
        for node_id, result in b_results.items():
            partner = pairs.get(node_id)
            if partner is None or partner not in a_results or partner in taken:
                partner = node_id if node_id in a_results and node_id not in taken else None
            other = None if partner is None else a_results[partner]
            key = node_id if partner is None else partner
            taken.add(key)
            nodes[key] = NodeDiff(node_id=key, before=result, after=other,
                                  status=_status(result, other),
                                  before_id=node_id if key != node_id else None,
                                  changes=notes.get(key, ()))
        for node_id, result in a_results.items():
            if node_id not in taken:
                nodes[node_id] = NodeDiff(node_id=node_id, before=None, after=result,
                                          status=_status(None, result),
                                          changes=notes.get(node_id, ()))
    return ProfileDiff(model_id=before.model_id, before_subject=before.subject,
                       after_subject=after.subject, before_version=before.model_version,
                       after_version=after.model_version, nodes=nodes)
