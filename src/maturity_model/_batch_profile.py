"""One row of a batch result as a :class:`~maturity_model.Profile` (private).

Scores, levels, coverage and counts come from the batch arrays; what explains them
(missing practices, the children that limit a domain, dependency violations and blocked
practices, the per-practice values) is read again from the row's input, with the same
functions the object engine uses, so a profile from the batch engine reads exactly like
one from :func:`maturity_model.score`.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

import attrs
import numpy as np

from maturity_model._batch_plan import FloatArray, Plan
from maturity_model._row_results import (
    UNKNOWN,
    _dependencies,
    _ratings,
    metric_reading,
    missing_practices,
)
from maturity_model.evidence import (
    Answer,
    Assessment,
    _status_of,
    check_assessment,
    evidence_required,
)
from maturity_model.model import CapabilityItem, MaturityModel
from maturity_model.profile import Blocked, Counts, PracticeResult, Profile, Result


def row_answers(plan: Plan, values: Any, na: Any) -> dict[str, Answer]:
    """The resolved answers of one row, as :func:`~maturity_model.evidence.resolve_answers`."""
    answers: dict[str, Answer] = {}
    unknown = Answer.unknown()
    not_applicable = Answer.na()
    for j, pid in enumerate(plan.practice_ids):
        if na is not None and na[j]:
            answers[pid] = not_applicable
            continue
        value = float(values[j])
        if math.isnan(value):
            answers[pid] = unknown
        else:
            answers[pid] = Answer(status=_status_of(value), value=value)
    return answers


def _coverage(plan: Plan, row: FloatArray) -> MappingProxyType[int, float | None]:
    return MappingProxyType({level: None if np.isnan(row[k]) else float(row[k])
                             for k, level in enumerate(plan.scale_values)})


def node_kinds(plan: Plan) -> tuple[tuple[str, str, str | None, str], ...]:
    """``(kind, name, parent, rule kind)`` per output column."""
    model = plan.model
    info: list[tuple[str, str, str | None, str]] = [
        ("model", model.name, None, model.domain_rule(None).kind)]
    for node_id in plan.node_ids[1:]:
        node = model.node(node_id)
        if isinstance(node, CapabilityItem):
            info.append(("item", node.name, model.parent_of(node_id),
                         model.item_rule(node).kind))
        else:
            info.append(("domain", node.name, model.parent_of(node_id),
                         model.domain_rule(node).kind))
    return tuple(info)


def build_profile(plan: Plan, info: tuple[tuple[str, str, str | None, str], ...],
                  values: Any, na: Any, scores: FloatArray, levels: Any,
                  coverage: FloatArray, counts: Any, *, subject: str,
                  date: datetime.date | None, observed: Mapping[str, float] | None = None,
                  tags: Mapping[str, str] | None = None) -> Profile:
    """The profile of one row: ``values``/``na`` its input, the rest its batch output."""
    model = plan.model
    answers = row_answers(plan, values, na)
    violations, blocked = _dependencies(model, {p: a.value for p, a in answers.items()})
    scored: dict[str, float | None] = {
        pid: (0.0 if pid in blocked else answer.value) for pid, answer in answers.items()}
    column = {node_id: k for k, node_id in enumerate(plan.node_ids)}
    results: dict[str, Result] = {}
    for k, node_id in enumerate(plan.node_ids):
        kind, name, parent, rule = info[k]
        assessed = not np.isnan(scores[k])
        level = int(levels[k]) if assessed else None
        extra: dict[str, Any] = {}
        if kind == "item":
            item = model.item(node_id)
            extra["observed"], extra["next_bound"] = metric_reading(
                model.item_rule(item), observed or {}, level)
            if level is not None and level + 1 in plan.scale_values:
                extra["missing"] = missing_practices(
                    model.item_rule(item), item.practices, level + 1,
                    [UNKNOWN if answers[p.id].status == "unknown" else scored[p.id]
                     for p in item.practices])
            if violations:
                extra["violations"] = tuple(v for p in item.practices
                                            for v in violations.get(p.id, ()))
            if blocked:
                extra["blocked"] = tuple(Blocked(practice=p.id, by=blocked[p.id])
                                         for p in item.practices if p.id in blocked)
        else:
            node = model if kind == "model" else model.domain(node_id)
            children = [column[c.id] for c in (node.domains if kind == "model"
                                               else node.children)]  # type: ignore[union-attr]
            child_levels = [int(levels[c]) for c in children if not np.isnan(scores[c])]
            if child_levels:
                lowest = min(child_levels)
                extra["limited_by"] = tuple(plan.node_ids[c] for c in children
                                            if not np.isnan(scores[c])
                                            and int(levels[c]) == lowest)
        c = counts[k]
        results[node_id] = Result(
            node_id=node_id, kind=kind, name=name, parent=parent,  # type: ignore[arg-type]
            rule=rule, score=float(scores[k]) if assessed else None, level=level,
            coverage=_coverage(plan, coverage[k]),
            counts=Counts(met=int(c[0]), partial=int(c[1]), not_met=int(c[2]), na=int(c[3]),
                          unknown=int(c[4])), **extra)
    item_of = {pid: plan.item_ids[i] for i, item in enumerate(model.items())
               for pid in (p.id for p in item.practices)}
    ratings = _ratings(model, answers, scored)
    practices = {
        p.id: PracticeResult(practice_id=p.id, item_id=item_of[p.id], level=p.level,
                             status=answers[p.id].status, value=scored[p.id],
                             weight=p.weight, blocked_by=blocked.get(p.id, ()),
                             rating=ratings.get(p.id), mandatory=p.mandatory)
        for p in model.practices()}
    return Profile(model_id=model.id, model_version=model.version, subject=subject,
                   date=date, tags=tags or {}, dependencies=model.dependencies,
                   scale=model.scale,
                   results=MappingProxyType(results), practices=MappingProxyType(practices),
                   observations=dict(observed or {}))


def with_answer_details(profile: Profile, model: MaturityModel,
                        assessment: Assessment) -> Profile:
    """``profile`` with the notes, evidence and evidence gaps of ``assessment``'s answers.

    The batch arrays hold values only; what the object engine puts on each
    :class:`~maturity_model.PracticeResult` besides is read again from the assessment.
    """
    if not assessment.details and not evidence_required(model):
        return profile
    answers, _ = check_assessment(model, assessment, strict=False)
    practices = dict(profile.practices)
    for pid, practice in practices.items():
        detail = assessment.details.get(pid)
        gap = answers[pid].evidence_gap if pid in answers else None
        if detail or gap:
            practices[pid] = attrs.evolve(practice, note=detail.note if detail else "",
                                          evidence=detail.evidence if detail else (),
                                          evidence_gap=gap)
    return attrs.evolve(profile, practices=practices)
