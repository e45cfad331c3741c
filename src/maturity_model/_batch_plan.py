"""The arrays :func:`maturity_model.batch.compile` builds once per model (private).

The layout is what makes the batch engine fast. Input columns stay in document order;
every capability item owns a contiguous run of columns (document order walks items).
Items are grouped by their number of practices ("width"): a run of consecutive items of
equal width is a zero-copy ``(items, width, rows)`` view of the (practice-major) answers,
and inside it the items whose practices lie at the same levels position by position form
a group, whose per-level sums are built by adding one position after another over all of
its items at once — the order the object engine adds in, so the sums are equal to the
bit. Items of a width that is scattered through the model are gathered first. Domains
are computed by height (leaves first), all domains of one height and one rule together,
from padded child-index tables.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import attrs
import numpy as np
from numpy.typing import NDArray

from maturity_model.errors import ModelValidationError
from maturity_model.model import CapabilityItem, Domain, MaturityModel
from maturity_model.rules import MetricBands

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.intp]
BoolArray = NDArray[np.bool_]



@attrs.frozen(eq=False)
class LevelGroup:
    """Items of one width class whose practices lie at the same levels, position by position.

    Their per-level sums are built by adding the positions one after another, in
    document order, exactly as the object engine adds them: equal to the bit.
    """

    slots: IntArray  # (m,) positions in the class, ascending
    first_slot: int  # the slots are first_slot .. first_slot + m - 1 when contiguous, else -1
    levels: tuple[int, ...]  # the level index of each practice position
    weights: FloatArray | None  # (m, width, 1) practice weights; None when all are 1


@attrs.frozen(eq=False)
class WidthClass:
    """Items with the same number of practices: one ``(items, width, rows)`` block."""

    width: int
    items: IntArray  # (n,) item indices, ascending
    first_item: int  # items are first_item .. first_item + n - 1 when contiguous, else -1
    first_column: int  # their columns start here when contiguous, else -1
    columns: IntArray  # (n * width,) input columns, item by item
    groups: tuple[LevelGroup, ...]
    ones: FloatArray  # (n, width, 1), for sums whose order does not matter (counts)


@attrs.frozen(eq=False)
class MandatoryPlan:
    """Mandatory practices and the (item, level) group each one gates."""

    columns: IntArray  # (m,) input columns
    ranks: tuple[tuple[IntArray, IntArray], ...]  # (positions into columns, flat groups)


@attrs.frozen(eq=False)
class Generation:
    """Practices whose prerequisites all lie in earlier generations."""

    members: IntArray  # (n,) compact index of the practices
    requirements: IntArray  # (n, k) compact indices of direct prerequisites, padded
    slots: IntArray  # (n,) position in DependencyPlan.blockable


@attrs.frozen(eq=False)
class DependencyPlan:
    """What ``enforce`` needs: the practices involved and their direct prerequisites."""

    columns: IntArray  # (d,) input column of each compact index
    blockable: IntArray  # (b,) input columns of practices that have prerequisites
    generations: tuple[Generation, ...]


@attrs.frozen(eq=False)
class BandsItem:
    """A capability item scored by ``metric-bands``."""

    item: int
    observation: int  # column in the observations array
    rule: Any  # its MetricBands: ``level_for`` runs on the observation column


@attrs.frozen(eq=False)
class LevelRuleGroup:
    """Items that share one rule with ``evaluate_levels`` (staircase, level-sum, ...)."""

    rule: Any
    items: IntArray  # (n,) item indices, ascending
    span: slice | None  # the same items as a slice when they are consecutive


@attrs.frozen(eq=False)
class DomainGroup:
    """Domains of one height that share one rule (or one domain with a custom rule)."""

    rule: Any
    builtin: bool
    nodes: IntArray  # (n,) output rows
    children: IntArray  # (n, k) output rows of the children, padded with a real child
    pooled_children: IntArray  # the same, padded with the zero row after the last node
    real: BoolArray  # (n, k) false for padding
    weights: FloatArray  # (n, k) child weights, 0 for padding
    child_counts: IntArray  # (n,)


@attrs.frozen(eq=False)
class Plan:
    """Everything the kernel reads; built once by :func:`build_plan`."""

    model: MaturityModel
    practice_ids: tuple[str, ...]
    node_ids: tuple[str, ...]
    metric_names: tuple[str, ...]
    scale_values: tuple[int, ...]
    first: int
    item_ids: tuple[str, ...]
    item_nodes: IntArray  # (items,) output column of each item
    item_widths: IntArray  # (items,)
    practice_levels: IntArray  # (practices,) level index of each input column
    full_weights: FloatArray  # (levels, items, 1): Σ weight per level with nothing N/A
    safe_weights: FloatArray  # (levels, items, 1): full_weights, 1 where a level is vacuous
    vacuous: BoolArray  # (levels, items, 1): no practice at the level
    classes: tuple[WidthClass, ...]
    level_rules: tuple[LevelRuleGroup, ...]
    bands: tuple[BandsItem, ...]
    custom_items: tuple[tuple[int, Any], ...]
    columnar_items: tuple[tuple[int, Any, IntArray], ...]  # item, rule, its input columns
    mandatory: MandatoryPlan | None
    dependencies: DependencyPlan | None
    groups: tuple[DomainGroup, ...]
    metric_practices: tuple[tuple[int, int, float, bool], ...]  # column, obs, threshold, lower

    @property
    def n_practices(self) -> int:
        """Input columns."""
        return len(self.practice_ids)

    @property
    def n_nodes(self) -> int:
        """Output columns (the pad column the kernel adds is not counted)."""
        return len(self.node_ids)

    @property
    def n_levels(self) -> int:
        """Scale levels: the last axis of coverage."""
        return len(self.scale_values)


def _metric_names(model: MaturityModel, extra: Iterable[str]) -> tuple[str, ...]:
    names: dict[str, None] = dict.fromkeys(model.metric_names())
    for name in extra:
        names.setdefault(name, None)
    return tuple(names)


def _width_classes(items: tuple[CapabilityItem, ...], starts: list[int],
                   weights: list[tuple[float, ...]], levels: list[tuple[int, ...]],
                   n_levels: int) -> tuple[WidthClass, ...]:
    by_width: dict[int, list[int]] = {}
    for index, item in enumerate(items):
        if item.practices:
            by_width.setdefault(len(item.practices), []).append(index)
    classes: list[WidthClass] = []
    for width, members in sorted(by_width.items()):
        # Split a width into runs of consecutive items: each run is a zero-copy view.
        runs: list[list[int]] = []
        for index in members:
            if runs and runs[-1][-1] == index - 1:
                runs[-1].append(index)
            else:
                runs.append([index])
        pieces = runs if len(runs) <= 4 else [members]
        for piece in pieces:
            n = len(piece)
            contiguous = piece == list(range(piece[0], piece[0] + n))
            columns = np.array([starts[i] + j for i in piece for j in range(width)],
                               dtype=np.intp)
            by_levels: dict[tuple[int, ...], list[int]] = {}
            for slot, i in enumerate(piece):
                by_levels.setdefault(levels[i], []).append(slot)
            groups = []
            for pattern, slots in by_levels.items():
                group_weights = np.array([weights[piece[slot]] for slot in slots])[:, :, None]
                groups.append(LevelGroup(
                    slots=np.array(slots, dtype=np.intp),
                    first_slot=slots[0] if slots == list(range(slots[0], slots[0] + len(slots)))
                    else -1,
                    levels=pattern,
                    weights=None if bool((group_weights == 1.0).all()) else group_weights))
            classes.append(WidthClass(
                width=width, items=np.array(piece, dtype=np.intp),
                first_item=piece[0] if contiguous else -1,
                first_column=starts[piece[0]] if contiguous else -1,
                columns=columns, groups=tuple(groups), ones=np.ones((n, width, 1))))
    return tuple(classes)


def _mandatory(model: MaturityModel, column: dict[str, int], item_of: dict[str, int],
               level_index: dict[int, int], n_levels: int) -> MandatoryPlan | None:
    entries = [(column[p.id], item_of[p.id] * n_levels + level_index[p.level])
               for p in model.practices() if p.mandatory]
    if not entries:
        return None
    seen: dict[int, int] = {}
    ranks: list[tuple[list[int], list[int]]] = []
    for position, (_, group) in enumerate(entries):
        rank = seen.get(group, 0)
        seen[group] = rank + 1
        if rank == len(ranks):
            ranks.append(([], []))
        ranks[rank][0].append(position)
        ranks[rank][1].append(group)
    return MandatoryPlan(
        columns=np.array([c for c, _ in entries], dtype=np.intp),
        ranks=tuple((np.array(pos, dtype=np.intp), np.array(grp, dtype=np.intp))
                    for pos, grp in ranks))


def _dependencies(model: MaturityModel, column: dict[str, int]) -> DependencyPlan | None:
    from maturity_model.graph import requirement_map, topological_order

    if model.dependencies != "enforce":
        return None
    requirements = requirement_map(model)
    with_requirements = [p for p in topological_order(model) if requirements[p]]
    if not with_requirements:
        return None
    compact: dict[str, int] = {}
    for pid in with_requirements:
        for q in requirements[pid]:
            compact.setdefault(q, len(compact))
        compact.setdefault(pid, len(compact))
    pad = len(compact)
    generation: dict[str, int] = {}
    by_generation: dict[int, list[str]] = {}
    for pid in with_requirements:  # topological: prerequisites come first
        g = 1 + max(generation.get(q, 0) for q in requirements[pid])
        generation[pid] = g
        by_generation.setdefault(g, []).append(pid)
    slot = {pid: k for k, pid in enumerate(with_requirements)}
    generations = []
    for g in sorted(by_generation):
        members = by_generation[g]
        width = max(len(requirements[p]) for p in members)
        table = np.full((len(members), width), pad, dtype=np.intp)
        for row, pid in enumerate(members):
            table[row, :len(requirements[pid])] = [compact[q] for q in requirements[pid]]
        generations.append(Generation(
            members=np.array([compact[p] for p in members], dtype=np.intp),
            requirements=table, slots=np.array([slot[p] for p in members], dtype=np.intp)))
    return DependencyPlan(
        columns=np.array([column[p] for p in compact], dtype=np.intp),
        blockable=np.array([column[p] for p in with_requirements], dtype=np.intp),
        generations=tuple(generations))


def _groups(model: MaturityModel, node_column: dict[str, int]) -> tuple[DomainGroup, ...]:
    pad = len(node_column)
    height: dict[str, int] = {item.id: 0 for item in model.items()}
    keyed: dict[tuple[int, Any], list[tuple[int, list[int], list[float]]]] = {}
    rules: dict[tuple[int, Any], Any] = {}

    def add(node_id: str, rule: Any, children: tuple[Domain | CapabilityItem, ...],
            h: int) -> None:
        builtin = hasattr(rule, "aggregate_columns")
        key = (h, rule if builtin else ("custom", node_id))
        rules[key] = rule
        keyed.setdefault(key, []).append(
            (node_column[node_id], [node_column[c.id] for c in children],
             [float(c.weight) for c in children]))

    for domain in reversed(model.domains_preorder()):
        h = 1 + max((height[c.id] for c in domain.children), default=0)
        height[domain.id] = h
        add(domain.id, model.domain_rule(domain), domain.children, h)
    root_height = 1 + max((height[d.id] for d in model.domains), default=0)
    add(model.id, model.domain_rule(None), model.domains, root_height)
    groups = []
    for key in sorted(keyed, key=lambda k: k[0]):
        entries = keyed[key]
        width = max(1, *(len(kids) for _, kids, _ in entries))
        children = np.zeros((len(entries), width), dtype=np.intp)
        pooled = np.full((len(entries), width), pad, dtype=np.intp)
        real = np.zeros((len(entries), width), dtype=np.bool_)
        weights = np.zeros((len(entries), width))
        for row, (_, kids, ws) in enumerate(entries):
            # Padding repeats a real child: harmless for min and max, masked elsewhere.
            children[row] = kids[0] if kids else 0
            children[row, :len(kids)] = kids
            pooled[row, :len(kids)] = kids
            real[row, :len(kids)] = True
            weights[row, :len(ws)] = ws
        rule = rules[key]
        groups.append(DomainGroup(
            rule=rule, builtin=hasattr(rule, "aggregate_columns"),
            nodes=np.array([node for node, _, _ in entries], dtype=np.intp),
            children=children, pooled_children=pooled, real=real, weights=weights,
            child_counts=np.array([len(kids) for _, kids, _ in entries], dtype=np.intp)))
    return tuple(groups)


def build_plan(model: MaturityModel, extra_metrics: Iterable[str] = ()) -> Plan:
    """Compile ``model``; raises :class:`ModelValidationError` as :func:`score` does."""
    from maturity_model.validation import model_errors

    errors = model_errors(model)
    if errors:
        raise ModelValidationError(errors)
    items = model.items()
    practices = [p for item in items for p in item.practices]
    practice_ids = tuple(p.id for p in practices)
    column = {pid: j for j, pid in enumerate(practice_ids)}
    scale_values = model.scale.values
    level_index = {v: k for k, v in enumerate(scale_values)}
    n_levels = len(scale_values)
    node_ids = (model.id, *model.node_ids())
    node_column = {nid: k for k, nid in enumerate(node_ids)}
    metric_names = _metric_names(model, extra_metrics)
    metric_column = {name: k for k, name in enumerate(metric_names)}

    item_of: dict[str, int] = {}
    starts: list[int] = []
    weights: list[tuple[float, ...]] = []
    levels: list[tuple[int, ...]] = []
    full_weights = np.zeros((len(items), n_levels))
    by_rule: dict[Any, list[int]] = {}
    bands: list[BandsItem] = []
    custom: list[tuple[int, Any]] = []
    columnar: list[tuple[int, Any, IntArray]] = []
    position = 0
    for index, item in enumerate(items):
        starts.append(position)
        position += len(item.practices)
        weights.append(tuple(float(p.weight) for p in item.practices))
        levels.append(tuple(level_index[p.level] for p in item.practices))
        for p in item.practices:
            item_of[p.id] = index
            full_weights[index, level_index[p.level]] += float(p.weight)
        rule = model.item_rule(item)
        if type(rule) is MetricBands:
            bands.append(BandsItem(item=index, observation=metric_column[rule.metric],
                                   rule=rule))
        elif hasattr(rule, "evaluate_levels"):
            by_rule.setdefault(rule, []).append(index)
        elif hasattr(rule, "evaluate_columns"):
            columnar.append((index, rule, np.arange(starts[index], position, dtype=np.intp)))
        else:
            custom.append((index, rule))
    vacuous = full_weights <= 0.0
    metric_practices = tuple(
        (column[p.id], metric_column[p.metric.name], float(p.metric.threshold),
         p.metric.better == "lower")
        for p in practices if p.metric is not None)
    return Plan(
        model=model, practice_ids=practice_ids, node_ids=node_ids,
        metric_names=metric_names, scale_values=scale_values,
        first=scale_values[0] if scale_values else 0,
        item_ids=tuple(item.id for item in items),
        item_nodes=np.array([node_column[item.id] for item in items], dtype=np.intp),
        item_widths=np.array([len(item.practices) for item in items], dtype=np.intp),
        practice_levels=np.array([level_index[p.level] for p in practices], dtype=np.intp),
        full_weights=np.ascontiguousarray(full_weights.T)[:, :, None],
        safe_weights=np.ascontiguousarray(np.where(vacuous, 1.0, full_weights).T)[:, :, None],
        vacuous=np.ascontiguousarray(vacuous.T)[:, :, None],
        classes=_width_classes(items, starts, weights, levels, n_levels),
        level_rules=tuple(
            LevelRuleGroup(rule=rule, items=np.array(members, dtype=np.intp),
                           span=slice(members[0], members[-1] + 1)
                           if members == list(range(members[0], members[-1] + 1)) else None)
            for rule, members in by_rule.items()),
        bands=tuple(bands),
        custom_items=tuple(custom), columnar_items=tuple(columnar),
        mandatory=_mandatory(model, column, item_of, level_index, n_levels),
        dependencies=_dependencies(model, column),
        groups=_groups(model, node_column),
        metric_practices=metric_practices)
