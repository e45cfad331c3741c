"""What changed between two versions of a model, and carrying assessments across.

:func:`diff_models` pairs the nodes of two models (domains with domains, items with
items, practices with practices) by ``id``, then ``key``, then ``replaces`` (read in either
direction), and lists every :class:`Change`. A pairing is made only when it is
unambiguous, so a split or a merge shows as removed and added nodes (a
:func:`migrate` mapping can pair them). Text similarity never pairs anything: it only
*suggests* (kind ``suggested``).

The kinds of change, each with the node's id and JSON path in both models:

=====================  ======================================================================
``added``              a node only the new model has (``removed``: only the old)
``renamed``            a paired node whose id changed (same key, or ``replaces``)
``moved``              a paired node under another parent (practices: another item)
``relevelled``         a practice at another level
``reworded``           a practice's text, or a domain's or item's name or description
``requirements``       a practice's ``requires`` (compared through the pairing)
``answer-set``         a practice's answer options (by label and value), or a model answer
                       set whose options changed
``mandatory``          a practice's ``mandatory`` flag
``metric``             a practice's metric criterion
``weight``             a node's weight
``rules``              a node's own rule, or the model's default item or domain rule
``scale``              the level scale (values or names)
``dependency-policy``  the model's ``dependencies`` policy
``suggested``          two unpaired nodes whose texts are alike (never applied)
=====================  ======================================================================

A model's ``effort`` and ``metadata`` are not compared: they change no score.
``diff_models(a, a)`` is empty, and ``diff_models(b, a)`` holds exactly the mirrors of
``diff_models(a, b)`` (:meth:`Change.mirrored`).
"""

from __future__ import annotations

import weakref
from collections.abc import Iterator, Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Final

import attrs

from maturity_model._display_registry import formatter, frame
from maturity_model._versions_changes import ChangeKind, NodeKind, describe, mirror_kind
from maturity_model._versions_changes import raw_changes as _raw_changes
from maturity_model.model import MaturityModel

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "KINDS",
    "Change",
    "ChangeKind",
    "ModelDiff",
    "NodeKind",
    "diff_models",
]

#: Every kind of change, in the order :meth:`ModelDiff.summary` lists them.
KINDS: Final[tuple[ChangeKind, ...]] = (
    "added", "removed", "renamed", "moved", "relevelled", "reworded", "requirements",
    "answer-set", "mandatory", "metric", "weight", "rules", "scale", "dependency-policy",
    "suggested")

#: The columns of :meth:`ModelDiff.to_records`.
RECORD_COLUMNS: Final = ("kind", "node", "old_id", "new_id", "old_path", "new_path",
                         "detail")


@attrs.frozen
class Change:
    """One change between two model versions.

    The first six fields are positional, in the order ``Change(kind, old_id, new_id,
    old_path, new_path, detail)``; the others are keywords.

    :param kind: one of :data:`KINDS`.
    :param old_id: the node's id in the old model (``None`` for ``added``).
    :param new_id: its id in the new model (``None`` for ``removed``).
    :param old_path: its JSON path in the old model document (``$.domains[0]...``).
    :param new_path: its path in the new model document.
    :param detail: the change in words (``"level 2 → 1"``).
    :param node: what changed: ``"model"``, ``"domain"``, ``"item"``, ``"practice"``
        (the default) or ``"answer-set"``.
    :param old_value: the old side's raw value (a level, a text, a tuple of requirements).
    :param new_value: the new side's.

    >>> c = Change(kind="relevelled", node="practice", old_id="ci.2", new_id="ci.2",
    ...            old_path="$.domains[0].items[0].practices[1]",
    ...            new_path="$.domains[0].items[0].practices[1]",
    ...            detail="level 2 → 1", old_value=2, new_value=1)
    >>> c.mirrored().detail
    'level 1 → 2'
    """

    kind: ChangeKind
    old_id: str | None
    new_id: str | None
    old_path: str | None = None
    new_path: str | None = None
    detail: str = ""
    node: NodeKind = "practice"
    old_value: Any = attrs.field(default=None, eq=True, hash=False)
    new_value: Any = attrs.field(default=None, eq=True, hash=False)

    def mirrored(self) -> Change:
        """The same change seen from the other model: sides swapped, added ↔ removed."""
        kind = mirror_kind(self.kind)
        return Change(kind=kind, node=self.node, old_id=self.new_id, new_id=self.old_id,
                      old_path=self.new_path, new_path=self.old_path,
                      detail=describe(kind, self.node, self.new_value, self.old_value),
                      old_value=self.new_value, new_value=self.old_value)

    def to_record(self) -> dict[str, Any]:
        """The change as a plain dict (the keys of :data:`RECORD_COLUMNS`)."""
        return {"kind": self.kind, "node": self.node, "old_id": self.old_id,
                "new_id": self.new_id, "old_path": self.old_path, "new_path": self.new_path,
                "detail": self.detail}

    def __str__(self) -> str:
        ids = self.old_id if self.old_id == self.new_id else (
            f"{self.old_id or '-'} → {self.new_id or '-'}")
        return f"{self.kind} {self.node} {ids}: {self.detail}"


def _frozen(values: Mapping[str, str]) -> Mapping[str, str]:
    return MappingProxyType(dict(values))


def _tuple(values: Any) -> tuple[Change, ...]:
    return tuple(values)


@attrs.frozen(kw_only=True)
class ModelDiff:
    """The changes between an old and a new version of a model (:func:`diff_models`).

    :param old_model: the old model's id (``new_model`` likewise).
    :param old_version: the old model's version (``new_version`` likewise).
    :param changes: every :class:`Change`: model-wide ones first, then the paired nodes in
        the old model's order, then removed, added and suggested nodes.
    :param nodes: old domain or item id → its new id, for every paired node; the old
        model id maps to the new one.
    :param practices: old practice id → its new id, for every paired practice.

    Iterating yields the changes; ``len`` counts them; an empty diff is false.
    """

    old_model: str
    new_model: str
    old_version: str = ""
    new_version: str = ""
    changes: tuple[Change, ...] = attrs.field(default=(), converter=_tuple)
    nodes: Mapping[str, str] = attrs.field(factory=dict, converter=_frozen, hash=False)
    practices: Mapping[str, str] = attrs.field(factory=dict, converter=_frozen, hash=False)

    def __iter__(self) -> Iterator[Change]:
        return iter(self.changes)

    def __len__(self) -> int:
        return len(self.changes)

    def summary(self) -> Mapping[ChangeKind, int]:
        """How many changes of each kind, in :data:`KINDS` order, kinds with none left out.

        >>> import maturity_model as mm
        >>> m = mm.MaturityModel(id="m", domains=[mm.Domain(id="d", items=[
        ...     mm.CapabilityItem(id="ci", practices=[mm.Practice(id="ci.1", level=1)])])])
        >>> dict(diff_models(m, m).summary())
        {}
        """
        counts = dict.fromkeys(KINDS, 0)
        for change in self.changes:
            counts[change.kind] += 1
        return MappingProxyType({k: n for k, n in counts.items() if n})

    def with_kind(self, *kinds: ChangeKind) -> tuple[Change, ...]:
        """The changes of any of these kinds, in order."""
        return tuple(c for c in self.changes if c.kind in kinds)

    def of_new(self, node_id: str) -> tuple[Change, ...]:
        """The changes that concern this node or practice id of the new model."""
        return tuple(c for c in self.changes if c.new_id == node_id and c.kind != "suggested")

    def of_old(self, node_id: str) -> tuple[Change, ...]:
        """The changes that concern this node or practice id of the old model."""
        return tuple(c for c in self.changes if c.old_id == node_id and c.kind != "suggested")

    def mirrored(self) -> ModelDiff:
        """The diff the other way round.

        Equal, change by change, to ``diff_models(new, old)`` up to the order of the changes.
        """
        return ModelDiff(old_model=self.new_model, new_model=self.old_model,
                         old_version=self.new_version, new_version=self.old_version,
                         changes=[c.mirrored() for c in self.changes],
                         nodes={n: o for o, n in self.nodes.items()},
                         practices={n: o for o, n in self.practices.items()})

    def explain(self) -> str:
        """A short text: the two versions, the counts, then one line per change."""
        counts = ", ".join(f"{n} {k}" for k, n in self.summary().items())
        lines = [f"{self.old_model} {self.old_version or '?'} → "
                 f"{self.new_model} {self.new_version or '?'}: {counts or 'no changes'}"]
        lines.extend(f"  {c}" for c in self.changes)
        return "\n".join(lines)

    def to_records(self) -> list[dict[str, Any]]:
        """One plain dict per change (keys: :data:`RECORD_COLUMNS`)."""
        return [c.to_record() for c in self.changes]

    def to_frame(self) -> pd.DataFrame:
        """:meth:`to_records` as a pandas DataFrame.

        :raises maturity_model.errors.MissingExtraError: pandas is not installed.
        """
        return frame(self.to_records(), RECORD_COLUMNS)

    def to_markdown(self) -> str:
        """The diff as a Markdown document: the counts, then a table of the changes."""
        return str(formatter("model_diff_markdown")(self))

    def _repr_html_(self) -> str:
        return str(formatter("model_diff_html")(self))

    def __repr__(self) -> str:
        counts = ", ".join(f"{k}={n}" for k, n in self.summary().items())
        return (f"ModelDiff({self.old_model!r} {self.old_version!r} → {self.new_model!r} "
                f"{self.new_version!r}, {counts or 'no changes'})")


_CACHE_KEY: Final = "model_diffs"


def diff_models(old: MaturityModel, new: MaturityModel) -> ModelDiff:
    """The changes from ``old`` to ``new`` (see the module docs for the kinds).

    The result is kept on ``old`` for as long as ``new`` lives, so calling it again for the
    same two model objects (as comparing many profiles does) costs a lookup.

    >>> import maturity_model as mm
    >>> old = mm.MaturityModel(id="m", version="1", domains=[mm.Domain(id="d", items=[
    ...     mm.CapabilityItem(id="ci", practices=[
    ...         mm.Practice(id="ci.1", level=1), mm.Practice(id="ci.2", level=2)])])])
    >>> new = mm.MaturityModel(id="m", version="2", domains=[mm.Domain(id="d", items=[
    ...     mm.CapabilityItem(id="ci", practices=[
    ...         mm.Practice(id="ci.1", level=1), mm.Practice(id="ci.2", level=1),
    ...         mm.Practice(id="ci.3", level=2)])])])
    >>> diff = diff_models(old, new)
    >>> for change in diff:
    ...     print(change)
    relevelled practice ci.2: level 2 → 1
    added practice - → ci.3: practice at level 2 of 'ci'

    >>> dict(diff.summary())
    {'added': 1, 'relevelled': 1}
    """
    cache: dict[int, tuple[weakref.ref[MaturityModel], ModelDiff]] = old._cache.setdefault(
        _CACHE_KEY, {})
    held = cache.get(id(new))
    if held is not None and held[0]() is new:
        return held[1]
    raw, nodes, practices = _raw_changes(old, new)
    changes = [Change(kind=kind, node=node, old_id=o_id, new_id=n_id, old_path=o_path,
                      new_path=n_path, detail=describe(kind, node, o_val, n_val),
                      old_value=o_val, new_value=n_val)
               for kind, node, o_id, n_id, o_path, n_path, o_val, n_val in raw]
    diff = ModelDiff(old_model=old.id, new_model=new.id, old_version=old.version,
                     new_version=new.version, changes=changes, nodes=nodes,
                     practices=practices)
    # Drop entries whose new model is gone before adding one, so the cache stays small.
    for key in [k for k, (ref, _) in cache.items() if ref() is None]:
        del cache[key]
    cache[id(new)] = (weakref.ref(new), diff)
    return diff
