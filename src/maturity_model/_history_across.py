"""Histories across versions of one model: finding each version's model, aligning rows.

Private: :class:`maturity_model.History` calls these. A history of several versions of one
model speaks the newest version's node ids (the *target*). Rows of an older version are
aligned through :func:`~maturity_model.versions.diff_models` (old id → new id; a node the
older version lacks has no value there; a node the newest version dropped leaves the
history's columns). Assessments of an older version are migrated to the target before they
are scored (:func:`migrated`), so their rows are of the target version.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Literal

import numpy as np

from maturity_model._history_blocks import Block
from maturity_model._history_parts import PracticeChange
from maturity_model._history_versions import version_key
from maturity_model.errors import Problem

if TYPE_CHECKING:
    from maturity_model.comparison import ProfileDiff
    from maturity_model.evidence import Assessment
    from maturity_model.migration import Migration
    from maturity_model.model import MaturityModel
    from maturity_model.profile import PracticeResult, Profile
    from maturity_model.versions import ModelDiff

__all__ = ["Bridge", "ModelPool", "align_block", "align_blocks", "crossing", "migrated",
           "newest", "practice_results", "score_assessments", "score_groups",
           "translated_changes"]


def newest(versions: Iterable[str]) -> str:
    """The newest of some versions."""
    return max(versions, key=version_key)


class ModelPool:
    """The models a history may use: those given, then the standards registry."""

    def __init__(self, models: Iterable[MaturityModel]) -> None:
        self._given = {(m.id, m.version): m for m in models}

    def find(self, model_id: str, version: str | None) -> MaturityModel | None:
        """The model of ``model_id`` in ``version`` (the newest given one for ``None``)."""
        if version is None:
            given = [m for (i, _), m in self._given.items() if i == model_id]
            if given:
                return max(given, key=lambda m: version_key(m.version))
        elif (model_id, version) in self._given:
            return self._given[(model_id, version)]
        from maturity_model._history_blocks import standard

        return standard(model_id, version)

    def knows(self, model_id: str) -> bool:
        """Whether a model of this id was given."""
        return any(i == model_id for i, _ in self._given)

    def available(self, keys: Iterable[tuple[str, str]]) -> frozenset[tuple[str, str]]:
        """Those of ``keys`` whose model can be had."""
        return frozenset(k for k in keys if self.find(*k) is not None)


def align_block(block: Block, diff: ModelDiff, target_nodes: Mapping[str, int]) -> Block:
    """The block's columns renamed to the target version's node ids.

    A column the target has no node for is left out.
    """
    columns = []
    node_ids = []
    for column, node_id in enumerate(block.node_ids):
        new_id = diff.nodes.get(node_id)
        if new_id is None or new_id not in target_nodes or new_id in node_ids:
            continue
        columns.append(column)
        node_ids.append(new_id)
    return Block(node_ids=tuple(node_ids), info=tuple(block.info[c] for c in columns),
                 subjects=block.subjects, dates=block.dates, versions=block.versions,
                 scores=np.ascontiguousarray(block.scores[:, columns]),
                 levels=np.ascontiguousarray(block.levels[:, columns]),
                 sources=block.sources, make=block.make)


def migrated(assessments: Sequence[Assessment], old: MaturityModel,
             new: MaturityModel) -> list[Migration]:
    """Each assessment carried from ``old`` to ``new`` (:func:`~maturity_model.migrate`)."""
    from maturity_model.migration import migrate

    return [migrate(a, old, new) for a in assessments]


def practice_results(profile: Profile, diff: ModelDiff | None,
                     ) -> dict[str, tuple[str, PracticeResult]]:
    """Target practice id → (target item id, the practice's result) of a profile.

    ``diff`` runs from the profile's version to the target (``None``: it is the target).
    Practices the target lacks are left out.
    """
    out: dict[str, tuple[str, PracticeResult]] = {}
    for practice_id, result in profile.practices.items():
        if diff is None:
            out[practice_id] = (result.item_id, result)
            continue
        new_id = diff.practices.get(practice_id)
        item = diff.nodes.get(result.item_id)
        if new_id is not None and item is not None:
            out[new_id] = (item, result)
    return out


def translated_changes(start: Profile, end: Profile, start_diff: ModelDiff | None,
                       end_diff: ModelDiff | None) -> list[PracticeChange]:
    """The practices whose scored value moved, named by target ids, in ``end``'s order.

    Only practices both profiles have (through the pairing) are listed.
    """
    before = practice_results(start, start_diff)
    changed = []
    for pid, (item, after) in practice_results(end, end_diff).items():
        old = before.get(pid)
        if old is None or old[1].value == after.value:
            continue
        changed.append(PracticeChange(
            practice_id=pid, item_id=item, level=after.level, before=old[1].status,
            after=after.status, value_before=old[1].value, value_after=after.value))
    return changed


def crossing(before: Profile, after: Profile, before_model: MaturityModel,
             after_model: MaturityModel) -> ProfileDiff:
    """The comparison of two profiles of two versions, aligned through their model diff."""
    from maturity_model.comparison import compare
    from maturity_model.versions import diff_models

    return compare(before, after, diff=diff_models(before_model, after_model))


class Bridge:
    """The versions of one model in a history, each with its model and its diff to the target.

    :param models: version → model, the target's included.
    """

    def __init__(self, target: str, models: Mapping[str, MaturityModel]) -> None:
        from maturity_model.versions import diff_models

        self.target = target
        self.models = dict(models)
        self.diffs = {v: diff_models(m, self.models[target]) for v, m in self.models.items()
                      if v != target}

    def to_target(self, version: str) -> ModelDiff | None:
        """The diff from ``version`` to the target (``None`` for the target itself)."""
        return self.diffs.get(version)

    def notes(self, before: Profile, after: Profile) -> dict[str, str]:
        """Target node id → the model changes behind its result, for two versions' profiles.

        Empty when both profiles are of one version.
        """
        if before.model_version == after.model_version:
            return {}
        compared = crossing(before, after, self.models[before.model_version],
                            self.models[after.model_version])
        to_target = self.diffs.get(after.model_version)
        out: dict[str, str] = {}
        for node in compared:
            note = node.model_note(after.model_version)
            target_id = node.node_id if to_target is None else to_target.nodes.get(
                node.node_id)
            if note and target_id is not None:
                out[target_id] = note
        return out

    def cause(self, before: Profile, after: Profile, node_id: str,
              items: frozenset[str], notes: Mapping[str, str],
              ) -> tuple[Literal["answers", "model"], str]:
        """``(cause, note)`` of a node's fall between two profiles of two versions.

        ``items`` are the target ids of the items at or below the node. The cause is
        ``"model"`` when model changes concern the node or an item below it and no
        practice below it lost value; else ``"answers"``. The note is the node's own
        model note, or, for a domain, those of the items below it.
        """
        note = notes.get(node_id, "") or "; ".join(
            f"{item}: {notes[item]}" for item in sorted(items) if notes.get(item))
        old = practice_results(before, self.to_target(before.model_version))
        new = practice_results(after, self.to_target(after.model_version))
        fell = any((old[p][1].value or 0.0) > (result.value or 0.0) + 1e-9
                   for p, (item, result) in new.items() if item in items and p in old)
        return ("model" if note and not fell else "answers"), note


def align_blocks(blocks: Sequence[Block], bridge: Bridge) -> list[Block]:
    """The blocks in the target's node ids: the target version's first, then the others."""
    target = bridge.models[bridge.target]
    nodes = {node_id: k for k, node_id in enumerate((target.id, *target.node_ids()))}
    first = [b for b in blocks if b.versions[0][1] == bridge.target]
    rest = [align_block(b, bridge.diffs[b.versions[0][1]], nodes) for b in blocks
            if b.versions[0][1] != bridge.target]
    return first + rest


Group = tuple["MaturityModel", list[tuple["str | None", "Assessment"]]]


def score_groups(groups: Sequence[Group], strict: bool, pool: ModelPool,
                 seen: Iterable[tuple[str, str]] = (),
                 ) -> tuple[list[Block], list[tuple[str | None, Problem]], list[Migration]]:
    """Score groups of assessments, each with the model of its version.

    A group of an older version than the newest one of its model (among the groups and
    the ``seen`` (model id, version) of profiles) is migrated to the newest first, when
    that model can be had; otherwise it is scored as it is (and the history reports the
    versions it lacks).
    """
    from maturity_model._history_blocks import scored_block
    from maturity_model.evidence import check_assessment

    versions: dict[str, set[str]] = {}
    for model, _ in groups:
        versions.setdefault(model.id, set()).add(model.version)
    for model_id, version in seen:
        if model_id in versions:
            versions[model_id].add(version)
    targets = {m: pool.find(m, newest(v)) for m, v in versions.items()}
    blocks: list[Block] = []
    found: list[tuple[str | None, Problem]] = []
    migrations: list[Migration] = []
    for model, members in groups:
        target = targets[model.id]
        if target is None or target.version == model.version:
            block, problems = scored_block(model, [a for _, a in members],
                                           [s for s, _ in members], strict)
            blocks += block
            found += problems
            continue
        carried: list[tuple[str | None, Assessment]] = []
        for source, a in members:
            _, checked = check_assessment(model, a, strict=strict)
            errors = [p for p in checked if p.severity == "error"]
            if errors:
                found += [(source, p) for p in errors]
                continue
            moved = migrated([a], model, target)[0]
            migrations.append(moved)
            carried.append((source, moved.assessment))
        if carried:
            block, problems = scored_block(target, [a for _, a in carried],
                                           [s for s, _ in carried], strict)
            blocks += block
            found += problems
    return blocks, found, migrations


def score_assessments(model: MaturityModel, assessments: Sequence[Assessment],
                      sources: Sequence[str | None] | None, strict: bool, pool: ModelPool,
                      ) -> tuple[list[Block], list[tuple[str | None, Problem]],
                                 list[Migration]]:
    """Blocks of assessments of ``model``, each scored with the model of its version.

    An assessment of another model id, or of no version, is scored against ``model``.
    A version whose model ``pool`` lacks gives a block with no scores (the history reports
    it: ``mixed-versions``).
    """
    from maturity_model._history_blocks import unscored_block

    listed = list(sources) if sources is not None else [None] * len(assessments)
    groups: dict[str, list[tuple[str | None, Assessment]]] = {}
    for source, a in zip(listed, assessments, strict=True):
        version = a.model_version if a.model == model.id else None
        groups.setdefault(version or model.version, []).append((source, a))
    unscored: list[Block] = []
    scoring: list[Group] = []
    for version, members in sorted(groups.items()):
        chosen = pool.find(model.id, version)
        if chosen is None:
            unscored.append(unscored_block(members))
        else:
            scoring.append((chosen, members))
    missing = [(model.id, version) for version in groups
               if pool.find(model.id, version) is None]
    blocks, problems, migrations = score_groups(scoring, strict, pool, missing)
    return unscored + blocks, problems, migrations
