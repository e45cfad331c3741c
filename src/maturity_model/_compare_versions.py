"""Aligning the nodes of two profiles of different model versions (private; ``comparison``).

Without the models, a profile still knows its tree (every result's parent) and every
practice's item, level and weight: :func:`skeleton` rebuilds that much of the model, and
:func:`~maturity_model.versions.diff_models` of the two skeletons pairs nodes by id and
lists practices added, removed, re-levelled or moved. With the models, the caller passes
their diff, which pairs by key and ``replaces`` too.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from maturity_model.errors import IncompatibleProfilesError
from maturity_model.model import MaturityModel
from maturity_model.nodes import CapabilityItem, Domain, Practice
from maturity_model.profile import Profile
from maturity_model.versions import Change, ModelDiff, diff_models

__all__ = ["changes_by_node", "model_change_note", "skeleton", "version_diff"]

#: Practice changes that can move an item's score or level.
_SCORING_KINDS: Final = frozenset({
    "added", "removed", "relevelled", "moved", "weight", "mandatory", "answer-set",
    "metric", "requirements", "rules"})


def skeleton(profile: Profile) -> MaturityModel:
    """The model a profile was scored with, as far as the profile tells it.

    >>> import maturity_model as mm
    >>> model = mm.MaturityModel(id="m", version="1", domains=[mm.Domain(id="d", items=[
    ...     mm.CapabilityItem(id="ci", practices=[mm.Practice(id="ci.1", level=2)])])])
    >>> bones = skeleton(mm.score(model, mm.Assessment(model="m")))
    >>> bones.version, bones.practice("ci.1").level, bones.parent_of("ci")
    ('1', 2, 'd')
    """
    children: dict[str, list[str]] = {}
    for result in profile.results.values():
        if result.parent is not None:
            children.setdefault(result.parent, []).append(result.node_id)
    practices: dict[str, list[Practice]] = {}
    for p in profile.practices.values():
        practices.setdefault(p.item_id, []).append(
            Practice(id=p.practice_id, level=p.level, weight=p.weight))
    built: dict[str, Domain | CapabilityItem] = {}
    # Post-order without recursion: children are built before their parent.
    order: list[str] = []
    stack = [profile.model_id]
    while stack:
        node_id = stack.pop()
        order.append(node_id)
        stack.extend(children.get(node_id, ()))
    for node_id in reversed(order):
        if node_id == profile.model_id or node_id not in profile.results:
            continue
        result = profile.results[node_id]
        if result.kind == "item":
            built[node_id] = CapabilityItem(id=node_id, name=result.name or node_id,
                                            practices=practices.get(node_id, ()))
        else:
            kids = [built[k] for k in children.get(node_id, ()) if k in built]
            built[node_id] = Domain(
                id=node_id, name=result.name or node_id,
                domains=[k for k in kids if isinstance(k, Domain)],
                items=[k for k in kids if isinstance(k, CapabilityItem)])
    top = [built[k] for k in children.get(profile.model_id, ()) if isinstance(
        built.get(k), Domain)]
    return MaturityModel(id=profile.model_id, version=profile.model_version,
                         scale=profile.scale, domains=top)


def version_diff(before: Profile, after: Profile, diff: ModelDiff | None) -> ModelDiff | None:
    """The diff to align ``before`` and ``after`` with; ``None`` when there is nothing to align.

    :raises IncompatibleProfilesError: ``diff`` is not between the profiles' models.
    """
    if diff is not None:
        sides = ((diff.old_model, diff.old_version), (diff.new_model, diff.new_version))
        wanted = ((before.model_id, before.model_version),
                  (after.model_id, after.model_version))
        if sides == wanted:
            return diff
        if sides == wanted[::-1]:
            return diff.mirrored()
        raise IncompatibleProfilesError(
            f"the diff is from {diff.old_model} {diff.old_version!r} to {diff.new_model} "
            f"{diff.new_version!r}, but the profiles are of {before.model_id} "
            f"{before.model_version!r} and {after.model_id} {after.model_version!r}")
    if before.model_version == after.model_version:
        return None
    return diff_models(skeleton(before), skeleton(after))


def _symmetric_key(change: Change) -> tuple[str, ...]:
    # The same for a change and its mirror, so both comparisons list them alike.
    kind = "added/removed" if change.kind in ("added", "removed") else change.kind
    ids = sorted((change.old_id or "", change.new_id or ""))
    return (change.node, *ids, kind)


def changes_by_node(diff: ModelDiff, before: Profile, after: Profile
                    ) -> Mapping[str, tuple[Change, ...]]:
    """Node id in the comparison → the model changes that can move its result.

    A node is named by its id in ``after`` when it is there, else by its id in ``before``.
    An item gets its own changes and those of its practices (a practice that moved counts
    for both items); a domain its own changes; the root the model-wide ones.
    """
    found: dict[str, list[Change]] = {}

    def aligned(old_id: str | None) -> str | None:
        if old_id is None:
            return None
        new_id = diff.nodes.get(old_id)
        return new_id if new_id is not None and new_id in after.results else old_id

    def old_item(practice_id: str | None) -> str | None:
        result = before.practices.get(practice_id or "")
        return None if result is None else aligned(result.item_id)

    def new_item(practice_id: str | None) -> str | None:
        result = after.practices.get(practice_id or "")
        return None if result is None else result.item_id

    for change in diff.changes:
        owners: set[str | None] = set()
        if change.node == "model":
            owners.add(after.model_id)
        elif change.node == "practice" and change.kind in _SCORING_KINDS:
            # Both items, so a change to a practice that also moved is listed alike from
            # either side (for one that stayed, the two are the same node).
            owners.add(new_item(change.new_id))
            owners.add(old_item(change.old_id))
        elif change.node in ("domain", "item") and change.kind not in ("suggested",
                                                                        "reworded"):
            owners.add(change.new_id if change.new_id in after.results
                       else aligned(change.old_id))
        for owner in owners:
            if owner is not None:
                found.setdefault(owner, []).append(change)
    return {node: tuple(sorted(changes, key=_symmetric_key)) for node, changes in found.items()}


def model_change_note(change: Change, version: str) -> str:
    """A change as the explanation of a compared node says it.

    >>> c = Change(kind="added", node="practice", old_id=None, new_id="ci.3",
    ...            new_value=("ci", 2))
    >>> model_change_note(c, "4.0")
    'practice ci.3 added at level 2 in 4.0'
    """
    where = f" in {version}" if version else ""
    ident = change.new_id or change.old_id
    if change.node == "practice" and change.kind == "added":
        return f"practice {ident} added at level {change.new_value[1]}{where}"
    if change.node == "practice" and change.kind == "removed":
        return f"practice {ident} (level {change.old_value[1]}) removed{where}"
    if change.kind == "relevelled":
        return f"practice {ident} re-levelled {change.old_value} → {change.new_value}{where}"
    if change.kind == "moved":
        return (f"{change.node} {ident} moved from {change.old_value!r} to "
                f"{change.new_value!r}{where}")
    if change.kind in ("added", "removed"):
        return f"{change.node} {ident} {change.kind}{where}"
    return f"{change.node} {ident}: {change.detail}{where}"
