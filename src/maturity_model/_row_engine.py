"""The object engine: one assessment through a plan compiled once per model (private).

:func:`maturity_model.score` runs here. The plan (kept on the model's index) holds what
does not change between assessments: each practice's column, level and weight, each
item's rule and practice span, the domains in children-first order. Scoring one
assessment is then one pass over its answers, one over the practices, one over the
nodes; the rules run through the same kernels the batch engine runs
(``evaluate_levels``, ``aggregate_columns``) on plain floats. Results, coverage, counts,
missing practices and practice results are built when read (:class:`LazyResults`).
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from typing import Any

import attrs

from maturity_model._aggregation_rules import PY_OPS
from maturity_model._numbers import is_finite_number
from maturity_model._row_results import ScoredRow, _dependencies
from maturity_model.errors import ModelValidationError, Problem
from maturity_model.evidence import (
    Assessment,
    _resolve_one,
    _status_of,
    answer_path,
    evidence_required,
    resolve_answers,
)
from maturity_model.model import CapabilityItem, MaturityModel, Practice
from maturity_model.profile import (
    LazyResults,
    Profile,
    Violation,
)
from maturity_model.rules import (
    ChildOutcome,
    ItemEvidence,
    LevelEvidence,
    PracticeEvidence,
)


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
    # With nothing N/A (summed in document order, as the loop would):
    full_weights: tuple[float, ...]  # Σ weight per level
    safe_weights: tuple[float, ...]  # the same, 1 where the level is vacuous
    vacuous: tuple[bool, ...]


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


@attrs.frozen(eq=False)
class RowPlan:
    """What scoring reads of a model, computed once."""

    column: Mapping[str, int]
    practices: tuple[Practice, ...]
    item_of: tuple[int, ...]  # item index of each column
    items: tuple[ItemPlan, ...]
    nodes: tuple[NodePlan, ...]  # children first; node k is nodes[k - len(items)]
    node_ids: Mapping[str, int]  # output order (root, then pre-order) → node index
    scale_values: tuple[int, ...]
    metric_columns: tuple[int, ...]
    metric_names: tuple[str, ...]  # every metric the model reads, in document order
    dependencies: bool  # the policy is not "ignore" and some practice requires another

    def node_id(self, k: int) -> str:
        """The id of node ``k`` (items first, then domains children first, the root)."""
        n_items = len(self.items)
        return self.items[k].item.id if k < n_items else self.nodes[k - n_items].node_id


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
        full = [0.0] * len(scale_values)
        for p in item.practices:
            full[level_index[p.level]] += p.weight
        items.append(ItemPlan(
            item=item, parent=index.parent_of[item.id], rule=rule,
            by_levels=hasattr(rule, "evaluate_levels")
            and not getattr(type(rule), "reads_practices", False),
            start=start, stop=len(practices),
            level_index=tuple(level_index[p.level] for p in item.practices),
            weights=tuple(p.weight for p in item.practices),
            mandatory=tuple((start + j, level_index[p.level])
                            for j, p in enumerate(item.practices) if p.mandatory),
            full_weights=tuple(full), safe_weights=tuple(w if w > 0 else 1.0 for w in full),
            vacuous=tuple(w <= 0 for w in full)))
    position = {item.id: k for k, item in enumerate(index.items)}
    nodes: list[NodePlan] = []

    def add(node_id: str, kind: str, name: str, parent: str | None, rule: Any,
            children: tuple[Any, ...]) -> None:
        nodes.append(NodePlan(
            node_id=node_id, kind=kind, name=name, parent=parent, rule=rule,
            by_columns=hasattr(rule, "aggregate_columns"),
            children=tuple(position[c.id] for c in children),
            weights=tuple(c.weight for c in children), all_valid=(True,) * len(children)))
        position[node_id] = len(items) + len(nodes) - 1

    for domain in reversed(index.domains):  # children before parents
        add(domain.id, "domain", domain.name, index.parent_of[domain.id],
            model.domain_rule(domain), domain.children)
    add(model.id, "model", model.name, None, model.domain_rule(None), model.domains)
    column = {p.id: j for j, p in enumerate(practices)}
    plan = RowPlan(
        column=column, practices=tuple(practices), item_of=tuple(item_of),
        items=tuple(items), nodes=tuple(nodes),
        node_ids={nid: position[nid] for nid in (model.id, *index.nodes)},
        scale_values=scale_values,
        metric_columns=tuple(j for j, p in enumerate(practices) if p.metric is not None),
        metric_names=model.metric_names(),
        dependencies=model.dependencies != "ignore"
        and any(p.requires for p in practices))
    model._index.row_plan = plan
    return plan


def _resolve(plan: RowPlan, model: MaturityModel, assessment: Assessment, strict: bool,
             as_of: datetime.date | None = None,
             ) -> tuple[list[float | None], list[str], dict[str, str]]:
    """Values, statuses by column and evidence gaps; anything unusual goes the long way."""
    n = len(plan.practices)
    values: list[float | None] = [0.0] * n
    statuses = ["unknown"] * n
    given = bytearray(n) if plan.metric_columns else None
    fast = assessment.model == model.id and (
        assessment.model_version is None or assessment.model_version == model.version) and (
        not assessment.details and not evidence_required(model))
    column = plan.column
    if fast:
        for observed in assessment.observations.values():
            if not is_finite_number(observed):
                fast = False
                break
    if fast:
        for pid, raw in assessment.answers.items():
            j = column.get(pid)
            if j is None:
                fast = False
                break
            if given is not None:
                given[j] = 1
            kind = type(raw)
            if kind is bool:
                values[j], statuses[j] = (1.0, "met") if raw else (0.0, "not-met")
            elif (kind is float or kind is int) and 0.0 <= raw <= 1.0:  # type: ignore[operator]
                values[j] = float(raw)  # type: ignore[arg-type]
                statuses[j] = _status_of(values[j])  # type: ignore[arg-type]
            else:
                answer = _resolve_one(model, plan.practices[j], raw, answer_path(pid))
                if isinstance(answer, Problem):  # report them all, the long way
                    fast = False
                    break
                values[j], statuses[j] = answer.value, answer.status
    if not fast:
        answers = resolve_answers(model, assessment, strict=strict, as_of=as_of)
        return ([answers[p.id].value for p in plan.practices],
                [answers[p.id].status for p in plan.practices],
                {pid: a.evidence_gap for pid, a in answers.items() if a.evidence_gap})
    if given is not None:
        observations = assessment.observations
        for j in plan.metric_columns:
            metric = plan.practices[j].metric
            assert metric is not None
            if not given[j] and metric.name in observations:
                met = metric.is_met(float(observations[metric.name]))
                values[j], statuses[j] = (1.0, "met") if met else (0.0, "not-met")
    return values, statuses, {}


def score_row(model: MaturityModel, assessment: Assessment, strict: bool,
              as_of: datetime.date | None = None) -> Profile:
    """:func:`maturity_model.score`, through the model's plan."""
    plan = row_plan(model)
    values, statuses, gaps = _resolve(plan, model, assessment, strict, as_of)
    violations: dict[str, list[Violation]] = {}
    blocked: dict[str, tuple[str, ...]] = {}
    if plan.dependencies:
        by_id = {p.id: values[j] for j, p in enumerate(plan.practices)}
        violations, blocked = _dependencies(model, by_id)
        for pid in blocked:
            values[plan.column[pid]] = 0.0  # an N/A practice is never blocked
    first = plan.scale_values[0] if plan.scale_values else 0
    n_levels = len(plan.scale_values)
    observations = assessment.observations
    scores: list[float | None] = []
    levels: list[int | None] = []
    sums: list[tuple[list[float], Sequence[float]]] = []
    all_met = [True] * n_levels  # read only
    for it in plan.items:
        weighted = [0.0] * n_levels
        assessed = na = False
        for j, k, w in zip(range(it.start, it.stop), it.level_index, it.weights, strict=True):
            v = values[j]
            if v is None:
                na = True
                continue
            weighted[k] += w * v
            if not assessed and statuses[j] != "unknown":
                assessed = True
        weights: Sequence[float]
        vacuous: Sequence[bool]
        safe: Sequence[float]
        if na:  # N/A leaves the denominators: sum the weights of this assessment
            weights = [0.0] * n_levels
            for j, k, w in zip(range(it.start, it.stop), it.level_index, it.weights,
                               strict=True):
                if values[j] is not None:
                    weights[k] += w
            vacuous = [w <= 0 for w in weights]
            safe = [1.0 if w <= 0 else w for w in weights]
        else:
            weights, vacuous, safe = it.full_weights, it.vacuous, it.safe_weights
        sums.append((weighted, weights))
        if it.by_levels:
            if not assessed:
                scores.append(None)
                levels.append(None)
                continue
            mandatory = all_met
            if it.mandatory:
                mandatory = [True] * n_levels
                for j, k in it.mandatory:
                    v = values[j]
                    if v is not None and v < 1.0:
                        mandatory[k] = False
            means = []  # 0 where vacuous (its sum is 0, its safe weight 1); then "above the top"
            for k in range(n_levels):
                means.append(weighted[k] / safe[k])
            means.append(0.0)
            score, level = it.rule.evaluate_levels(means, vacuous, mandatory, first)
            scores.append(score)
            levels.append(int(level))
            continue
        outcome = it.rule.evaluate_item(_evidence(plan, it, values, statuses, weighted,
                                                  weights, assessed, observations))
        scores.append(None if outcome is None else outcome.score)
        levels.append(None if outcome is None else outcome.level)
    for node in plan.nodes:
        child_scores = [scores[k] for k in node.children]
        if child_scores and None not in child_scores and node.by_columns:  # all assessed
            score, level = node.rule.aggregate_columns(
                child_scores, [levels[k] for k in node.children], node.weights,
                node.all_valid, PY_OPS)
            scores.append(score)
            levels.append(int(level))
            continue
        kids = [(k, w) for k, w in zip(node.children, node.weights, strict=True)
                if scores[k] is not None]
        if not kids:
            scores.append(None)
            levels.append(None)
        elif node.by_columns:
            score, level = node.rule.aggregate_columns(
                [scores[k] for k, _ in kids], [levels[k] for k, _ in kids],
                [w for _, w in kids], [True] * len(kids), PY_OPS)
            scores.append(score)
            levels.append(int(level))
        else:
            outcome = node.rule.aggregate([
                ChildOutcome(node_id=plan.node_id(k), score=scores[k],  # type: ignore[arg-type]
                             level=levels[k], weight=w)  # type: ignore[arg-type]
                for k, w in kids])
            scores.append(outcome.score)
            levels.append(outcome.level)
    state = ScoredRow(plan, values, statuses, scores, levels, sums, violations, blocked)
    state.observations = observations
    state.details, state.gaps = assessment.details, gaps
    return Profile(model_id=model.id, model_version=model.version,
                   subject=assessment.subject, date=assessment.date, tags=assessment.tags,
                   dependencies=model.dependencies, scale=model.scale,
                   results=LazyResults(plan.node_ids, state.result),
                   practices=LazyResults(plan.column, state.practice),
                   observations={name: float(observations[name]) for name in plan.metric_names
                                 if name in observations})


def _evidence(plan: RowPlan, it: ItemPlan, values: list[float | None], statuses: list[str],
              weighted: Sequence[float], weights: Sequence[float], assessed: bool,
              observations: Mapping[str, float]) -> ItemEvidence:
    mandatory = [True] * len(plan.scale_values)
    for j, k in it.mandatory:
        v = values[j]
        if v is not None and v < 1.0:
            mandatory[k] = False
    reads = getattr(type(it.rule), "reads_practices", False)
    return ItemEvidence(
        item_id=it.item.id, assessed=assessed, observations=observations,
        levels=tuple(LevelEvidence(level=lv, mean=weighted[k] / weights[k]
                                   if weights[k] > 0 else None, mandatory_met=mandatory[k])
                     for k, lv in enumerate(plan.scale_values)),
        practices=tuple(PracticeEvidence(practice_id=p.id, level=p.level, value=values[j],
                                         status=statuses[j])
                        for j, p in zip(range(it.start, it.stop), it.item.practices, strict=True))
        if reads else ())
