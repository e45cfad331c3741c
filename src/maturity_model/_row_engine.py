"""The object engine: one assessment through a plan compiled once per model (private).

:func:`maturity_model.score` runs here. The plan (kept on the model's index) holds what
does not change between assessments: each practice's column, level and weight, each
item's rule and practice span, the domains by height. Scoring one assessment is one pass
over its answers (to cells: a value, ``None`` for N/A, or ``UNKNOWN``), then each node's
``(score, level)``; the rules run through the same kernels the batch engine runs
(``evaluate_levels``, ``aggregate_columns``) on plain floats.

A built-in rule is a pure function of its inputs, so each node remembers up to
:data:`MEMO_LIMIT` outcomes: an item by its cells, a domain by its children's outcomes.
Small models answered yes/no see few distinct inputs per node, and a remembered node
costs one dictionary lookup, done for a whole height at once in C (``map``). The memo
holds exactly what the kernel returned for equal inputs, so results are bit-exact; rules
of your own are never remembered, nor are their parents. A small model whose nodes are
all remembered (:data:`ROW_KEY_LIMIT`) also remembers whole rows: every node's outcome
by all the row's cells, one lookup for a row seen before.

Results are built when read (:class:`~maturity_model._row_results.ScoredRow`): a result
gets its score and level on first access, its coverage, counts and why on the first read
of any of them.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping
from itertools import repeat
from operator import call, itemgetter
from types import MappingProxyType
from typing import Any

import attrs

from maturity_model._aggregation_rules import PY_OPS
from maturity_model._lazy import LazyResults
from maturity_model._numbers import is_finite_number
from maturity_model._row_results import (
    UNKNOWN,
    Cell,
    ScoredCells,
    ScoredRow,
    _dependencies,
    item_sums,
    status_of,
    value_of,
)
from maturity_model.errors import ModelValidationError, Problem
from maturity_model.evidence import (
    Assessment,
    _resolve_one,
    answer_path,
    evidence_required,
    resolve_answers,
)
from maturity_model.model import CapabilityItem, MaturityModel, Practice
from maturity_model.profile import Profile, Violation
from maturity_model.rules import (
    BUILTIN_AGGREGATION_RULES,
    BUILTIN_ITEM_RULES,
    ChildOutcome,
    ItemEvidence,
    LevelEvidence,
    PracticeEvidence,
)

#: How many distinct inputs one node remembers the outcome of.
MEMO_LIMIT = 512
#: The lowest domains are remembered by their items' cells when each has at most this
#: many practices below it (a flat key, cheaper to hash than the items' outcomes).
CELL_KEY_LIMIT = 8
#: A model whose nodes are all remembered, with at most this many practices, remembers
#: every node's outcome at once by all its cells: one lookup instead of one per node.
ROW_KEY_LIMIT = 64


@attrs.frozen(eq=False)
class ItemPlan:
    """One capability item: its rule and the span of its practices' columns."""

    item: CapabilityItem
    parent: str
    rule: Any
    by_levels: bool  # the rule has evaluate_levels (and reads no single practice)
    start: int
    stop: int
    level_index: tuple[int, ...]
    weights: tuple[float, ...]
    mandatory: tuple[tuple[int, int], ...]  # (column, level index)
    # A built-in rule over level means is a pure function of the item's cells: its
    # outcomes are remembered by them (None: the rule is not, or the item is empty).
    take: Callable[[list[Cell]], Any] | None
    memo: dict[Any, tuple[Any, Any]] = attrs.field(factory=dict)


@attrs.frozen(eq=False)
class NodePlan:
    """One domain or the root: its rule and its children (indices into the node list)."""

    node_id: str
    kind: str
    name: str
    parent: str | None
    rule: Any
    by_columns: bool  # the rule has aggregate_columns
    children: tuple[int, ...]
    weights: tuple[float, ...]
    all_valid: tuple[bool, ...]  # every child assessed
    # A built-in rule over children that are remembered too: outcomes by child outcomes,
    # or (``by_cells``) by the cells of its child items.
    take: Callable[[list[Any]], Any] | None
    by_cells: bool = False
    memo: dict[Any, tuple[Any, Any]] = attrs.field(factory=dict)


@attrs.frozen(eq=False)
class RowPlan:
    """What scoring reads of a model, computed once."""

    column: Mapping[str, int]
    practices: tuple[Practice, ...]
    item_of: tuple[int, ...]  # item index of each column
    items: tuple[ItemPlan, ...]
    nodes: tuple[NodePlan, ...]  # by height; node k is nodes[k - len(items)]
    # Each item's key function and memo; each height's nodes' (_no_key: not remembered).
    item_takes: tuple[Callable[[list[Cell]], Any], ...]
    item_memos: tuple[dict[Any, tuple[Any, Any]], ...]
    one_per_item: bool  # every item has one practice and is remembered: key = its cell
    # (and whether the keys read the cells rather than the outcomes).
    groups: tuple[tuple[tuple[Callable[[list[Any]], Any], ...],
                        tuple[dict[Any, tuple[Any, Any]], ...], bool], ...]
    # By node id in output order (root, then pre-order): the node's result fields that do
    # not depend on the assessment, and "_node": its index k (copied, never written).
    result_fields: Mapping[str, dict[str, Any]]
    scale_values: tuple[int, ...]
    metric_columns: tuple[int, ...]
    metric_names: tuple[str, ...]  # every metric the model reads, in document order
    dependencies: bool  # the policy is not "ignore" and some practice requires another
    evidence: bool  # some practice is marked ``evidence: required``
    # Every node's outcome by the row's cells (None: some node is not remembered, or the
    # model is larger than ROW_KEY_LIMIT practices).
    rows: dict[tuple[Cell, ...], tuple[tuple[Any, Any], ...]] | None

    def node_id(self, k: int) -> str:
        """The id of node ``k`` (items first, then domains children first, the root)."""
        n_items = len(self.items)
        return self.items[k].item.id if k < n_items else self.nodes[k - n_items].node_id


_NOTHING: Mapping[str, float] = MappingProxyType({})
_NO_VIOLATIONS: dict[str, list[Violation]] = {}  # shared: never written
_NOT_BLOCKED: dict[str, tuple[str, ...]] = {}
_NO_GAPS: Mapping[str, str] = MappingProxyType({})


def _no_key(values: object) -> None:
    """The key of a node whose outcomes are not remembered: found in no memo."""


def row_plan(model: MaturityModel) -> RowPlan:
    """The model's plan, compiled on first use; raises as :func:`score` does."""
    plan: RowPlan | None = model._index.row_plan
    if plan is not None:
        return plan
    from maturity_model.validation import model_errors

    errors = model_errors(model)
    if errors:
        raise ModelValidationError(errors)
    index = model._index
    scale_values = model.scale.values
    level_index = {v: k for k, v in enumerate(scale_values)}
    practices: list[Practice] = []
    item_of: list[int] = []
    items: list[ItemPlan] = []
    for i, item in enumerate(index.items):
        start = len(practices)
        practices.extend(item.practices)
        item_of.extend([i] * len(item.practices))
        rule = model.item_rule(item)
        by_levels = (hasattr(rule, "evaluate_levels")
                     and not getattr(type(rule), "reads_practices", False))
        items.append(ItemPlan(
            item=item, parent=index.parent_of[item.id], rule=rule, by_levels=by_levels,
            start=start, stop=len(practices),
            level_index=tuple(level_index[p.level] for p in item.practices),
            weights=tuple(p.weight for p in item.practices),
            mandatory=tuple((start + j, level_index[p.level])
                            for j, p in enumerate(item.practices) if p.mandatory),
            take=itemgetter(*range(start, len(practices)))
            if by_levels and type(rule) in BUILTIN_ITEM_RULES and item.practices else None))
    position = {item.id: k for k, item in enumerate(index.items)}
    nodes: list[NodePlan] = []

    def remembered(k: int) -> bool:
        return (items[k] if k < len(items) else nodes[k - len(items)]).take is not None

    def add(node_id: str, kind: str, name: str, parent: str | None, rule: Any,
            children: tuple[Any, ...]) -> None:
        kids = tuple(position[c.id] for c in children)
        by_columns = hasattr(rule, "aggregate_columns")
        nodes.append(NodePlan(
            node_id=node_id, kind=kind, name=name, parent=parent, rule=rule,
            by_columns=by_columns, children=kids,
            weights=tuple(c.weight for c in children), all_valid=(True,) * len(children),
            take=itemgetter(*kids) if by_columns and kids
            and type(rule) in BUILTIN_AGGREGATION_RULES and all(map(remembered, kids))
            else None))
        position[node_id] = len(items) + len(nodes) - 1

    # Domains by height (items are 0), children before parents: one height at a time
    # reads only heights below it, so scoring runs through a height in one sweep.
    height: dict[str, int] = {}
    for domain in reversed(index.domains):
        height[domain.id] = 1 + max((height.get(c.id, 0) for c in domain.children),
                                    default=0)
    for domain in sorted(index.domains, key=lambda d: height[d.id]):
        add(domain.id, "domain", domain.name, index.parent_of[domain.id],
            model.domain_rule(domain), domain.children)
    add(model.id, "model", model.name, None, model.domain_rule(None), model.domains)
    heights = [*(height[n.node_id] for n in nodes[:-1]), max(height.values(), default=0) + 1]
    groups = []
    for h in sorted(set(heights)):
        members = [n for n, nh in zip(nodes, heights, strict=True) if nh == h]
        # A height of domains whose children are remembered items with a few practices
        # each is remembered by their cells: a flat key, cheaper to hash.
        by_cells = h == 1 and all(
            n.take is not None and n.children and all(k < len(items) for k in n.children)
            and sum(items[k].stop - items[k].start for k in n.children) <= CELL_KEY_LIMIT
            for n in members)
        if by_cells:
            members = [attrs.evolve(n, by_cells=True, take=itemgetter(*(
                j for k in n.children for j in range(items[k].start, items[k].stop))))
                for n in members]
            start = heights.index(h)
            nodes[start:start + len(members)] = members
        groups.append((tuple(n.take or _no_key for n in members),
                       tuple(n.memo for n in members), by_cells))
    column = {p.id: j for j, p in enumerate(practices)}
    fields = [*({"node_id": it.item.id, "kind": "item", "name": it.item.name,
                 "parent": it.parent, "rule": it.rule.kind, "_node": k}
                for k, it in enumerate(items)),
              *({"node_id": n.node_id, "kind": n.kind, "name": n.name, "parent": n.parent,
                 "rule": n.rule.kind, "_node": len(items) + k} for k, n in enumerate(nodes))]
    plan = RowPlan(
        column=column, practices=tuple(practices), item_of=tuple(item_of),
        items=tuple(items), nodes=tuple(nodes),
        item_takes=tuple(it.take or _no_key for it in items),
        item_memos=tuple(it.memo for it in items), groups=tuple(groups),
        one_per_item=all(it.stop - it.start == 1 and it.take is not None for it in items),
        result_fields={nid: fields[position[nid]] for nid in (model.id, *index.nodes)},
        scale_values=scale_values,
        metric_columns=tuple(j for j, p in enumerate(practices) if p.metric is not None),
        metric_names=model.metric_names(),
        dependencies=model.dependencies != "ignore"
        and any(p.requires for p in practices),
        evidence=bool(evidence_required(model)),
        rows={} if len(practices) <= ROW_KEY_LIMIT and all(
            it.take is not None for it in items) and all(
            n.take is not None for n in nodes) else None)
    model._index.row_plan = plan
    return plan


def _resolve(plan: RowPlan, model: MaturityModel, assessment: Assessment, strict: bool,
             as_of: datetime.date | None = None) -> tuple[list[Cell], Mapping[str, str]]:
    """Each column's cell (its value, ``None`` for N/A, :data:`UNKNOWN`), and evidence gaps.

    Anything unusual goes the long way, which raises with every problem listed, and which
    counts an answer without the evidence its practice needs as unknown.
    """
    cells: list[Cell] = [UNKNOWN] * len(plan.practices)
    answers = assessment.answers
    fast = assessment.model == model.id and (
        assessment.model_version is None or assessment.model_version == model.version) and (
        not assessment.details and not plan.evidence)
    if fast:
        for observed in assessment.observations.values():
            if not is_finite_number(observed):
                fast = False
                break
    if fast:
        column = plan.column
        try:
            for pid, raw in answers.items():
                if raw is True:
                    cells[column[pid]] = 1.0
                elif raw is False:
                    cells[column[pid]] = 0.0
                elif isinstance(raw, float | int) and 0.0 <= raw <= 1.0:
                    cells[column[pid]] = float(raw)
                else:
                    j = column[pid]
                    answer = _resolve_one(model, plan.practices[j], raw, answer_path(pid))
                    if isinstance(answer, Problem):  # report them all, the long way
                        fast = False
                        break
                    cells[j] = UNKNOWN if answer.status == "unknown" else answer.value
        except KeyError:  # a practice the model lacks: the long way raises or drops it
            fast = False
    if not fast:
        resolved = resolve_answers(model, assessment, strict=strict, as_of=as_of)
        return ([UNKNOWN if (a := resolved[p.id]).status == "unknown" else a.value
                 for p in plan.practices],
                {pid: a.evidence_gap for pid, a in resolved.items() if a.evidence_gap})
    if plan.metric_columns:  # an explicit answer wins over an observation
        observations = assessment.observations
        for j in plan.metric_columns:
            practice = plan.practices[j]
            metric = practice.metric
            assert metric is not None
            if practice.id not in answers and metric.name in observations:
                cells[j] = 1.0 if metric.is_met(float(observations[metric.name])) else 0.0
    return cells, _NO_GAPS


def score_row(model: MaturityModel, assessment: Assessment, strict: bool,
              as_of: datetime.date | None = None) -> Profile:
    """:func:`maturity_model.score`, through the model's plan."""
    plan: RowPlan = model._index.row_plan or row_plan(model)
    answered, gaps = _resolve(plan, model, assessment, strict, as_of)
    cells = answered
    violations: dict[str, list[Violation]] = _NO_VIOLATIONS  # read only
    blocked: dict[str, tuple[str, ...]] = _NOT_BLOCKED
    if plan.dependencies:
        by_id = {p.id: 0.0 if c is UNKNOWN else c
                 for p, c in zip(plan.practices, answered, strict=True)}
        violations, blocked = _dependencies(model, by_id)  # type: ignore[arg-type]
        if blocked:
            cells = list(answered)
            for pid in blocked:  # never N/A; an unknown one stays unknown (it is 0)
                j = plan.column[pid]
                if cells[j] is not UNKNOWN:
                    cells[j] = 0.0
    observations = assessment.observations
    rows = plan.rows
    if rows is None:
        outcomes = _outcomes(plan, cells, answered, observations)
    else:  # every node's outcome is a function of the cells: one lookup for them all
        key = tuple(cells)
        found = rows.get(key)
        if found is None:
            found = _outcomes(plan, cells, answered, observations)
            if len(rows) < MEMO_LIMIT:
                rows[key] = found
        outcomes = found
    scored = ScoredCells(plan, answered, cells, outcomes, violations, blocked, observations,
                         assessment.details, gaps)
    return Profile._scored(
        model.id, model.version, assessment.subject, assessment.date, assessment.tags,
        model.dependencies,
        model.scale, ScoredRow(scored), LazyResults(plan.column, scored.practice),
        MappingProxyType({name: float(observations[name]) for name in plan.metric_names
                          if name in observations}) if plan.metric_names else _NOTHING)


def _outcomes(plan: RowPlan, cells: list[Cell], answered: list[Cell],
              observations: Mapping[str, float]) -> tuple[tuple[Any, Any], ...]:
    """Each node's ``(score, level)``: items, then one height of domains at a time.

    A node whose outcome for these inputs is remembered costs a lookup (in C, via map).
    """
    outcomes: list[Any] = list(map(dict.get, plan.item_memos, cells if plan.one_per_item
                                   else map(call, plan.item_takes, repeat(cells))))
    if None in outcomes:
        for i, it in enumerate(plan.items):
            if outcomes[i] is None:
                outcomes[i] = _item_outcome(plan, it, cells, answered, observations)
    for takes, memos, by_cells in plan.groups:
        found = list(map(dict.get, memos,
                         map(call, takes, repeat(cells if by_cells else outcomes))))
        if None in found:
            first = len(outcomes) - len(plan.items)
            for i, outcome in enumerate(found):
                if outcome is None:
                    found[i] = _node_outcome(plan, plan.nodes[first + i], outcomes, cells)
        outcomes += found
    return tuple(outcomes)


def _item_outcome(plan: RowPlan, it: ItemPlan, cells: list[Cell], answered: list[Cell],
                  observations: Mapping[str, float]) -> tuple[Any, Any]:
    """``(score, level)`` of an item that is not remembered for these cells."""
    if it.take is not None:
        outcome = _by_levels(plan, it, cells)
        if len(it.memo) < MEMO_LIMIT:
            it.memo[it.take(cells)] = outcome
        return outcome
    if it.by_levels:
        return _by_levels(plan, it, cells)
    return _by_evidence(plan, it, cells, answered, observations)


def _node_outcome(plan: RowPlan, node: NodePlan, outcomes: list[Any], cells: list[Cell],
                  ) -> tuple[Any, Any]:
    """``(score, level)`` of a domain or the root that is not remembered for these inputs."""
    outcome = _aggregate(plan, node, outcomes)
    if node.take is not None and len(node.memo) < MEMO_LIMIT:
        node.memo[node.take(cells if node.by_cells else outcomes)] = outcome
    return outcome


def _by_levels(plan: RowPlan, it: ItemPlan, cells: list[Cell]) -> tuple[Any, Any]:
    """``(score, level)`` of an item whose rule reads level means."""
    weighted, weights, assessed = item_sums(it, cells, len(plan.scale_values))
    if not assessed:
        return None, None
    n_levels = len(plan.scale_values)
    mandatory = [True] * n_levels
    for j, k in it.mandatory:
        v = cells[j]
        if v is not None and (v is UNKNOWN or v < 1.0):  # type: ignore[operator]
            mandatory[k] = False
    # 0 where vacuous (its sum is 0, divided by 1); then a 0 for "above the top".
    means = [weighted[k] / (weights[k] if weights[k] > 0 else 1.0) for k in range(n_levels)]
    means.append(0.0)
    score, level = it.rule.evaluate_levels(means, [w <= 0 for w in weights], mandatory,
                                           plan.scale_values[0] if n_levels else 0)
    return score, int(level)


def _aggregate(plan: RowPlan, node: NodePlan, outcomes: list[Any]) -> tuple[Any, Any]:
    """``(score, level)`` of a domain or the root from its children's."""
    child_scores = [outcomes[k][0] for k in node.children]
    if child_scores and None not in child_scores and node.by_columns:  # all assessed
        score, level = node.rule.aggregate_columns(
            child_scores, [outcomes[k][1] for k in node.children], node.weights,
            node.all_valid, PY_OPS)
        return score, int(level)
    kids = [(k, w) for k, w in zip(node.children, node.weights, strict=True)
            if outcomes[k][0] is not None]
    if not kids:
        return None, None
    if node.by_columns:
        score, level = node.rule.aggregate_columns(
            [outcomes[k][0] for k, _ in kids], [outcomes[k][1] for k, _ in kids],
            [w for _, w in kids], [True] * len(kids), PY_OPS)
        return score, int(level)
    outcome = node.rule.aggregate([
        ChildOutcome(node_id=plan.node_id(k), score=outcomes[k][0], level=outcomes[k][1],
                     weight=w)
        for k, w in kids])
    return outcome.score, outcome.level


def _by_evidence(plan: RowPlan, it: ItemPlan, cells: list[Cell], answered: list[Cell],
                 observations: Mapping[str, float]) -> tuple[Any, Any]:
    """``(score, level)`` of an item whose rule reads the item's evidence."""
    weighted, weights, assessed = item_sums(it, cells, len(plan.scale_values))
    mandatory = [True] * len(plan.scale_values)
    for j, k in it.mandatory:
        v = cells[j]
        if v is not None and (v is UNKNOWN or v < 1.0):  # type: ignore[operator]
            mandatory[k] = False
    reads = getattr(type(it.rule), "reads_practices", False)
    evidence = ItemEvidence(
        item_id=it.item.id, assessed=assessed, observations=observations,
        levels=tuple(LevelEvidence(level=lv, mean=weighted[k] / weights[k]
                                   if weights[k] > 0 else None, mandatory_met=mandatory[k])
                     for k, lv in enumerate(plan.scale_values)),
        practices=tuple(PracticeEvidence(practice_id=p.id, level=p.level,
                                         value=value_of(cells[j]),
                                         status=status_of(answered[j]))
                        for j, p in zip(range(it.start, it.stop), it.item.practices, strict=True))
        if reads else ())
    outcome = it.rule.evaluate_item(evidence)
    return (None, None) if outcome is None else (outcome.score, outcome.level)
