"""``score(model, assessment) -> Profile``: DESIGN §2 applied to one assessment.

The layers are kept apart, as in OpenSSF Scorecard: answers are resolved to values
(:mod:`maturity_model.evidence`), the dependency policy is applied to the values, the
item rules turn each item's values into a result, and the aggregation rules roll results
up the tree to the model root. The function is pure: it reads the model and the
assessment and builds a new :class:`~maturity_model.Profile`.

Decisions where DESIGN §2 leaves room (also in the docs, "Scoring semantics"):

- ``enforce`` counts a practice as not met when any practice in its prerequisite closure
  (prerequisites of prerequisites, through N/A ones too) is neither met nor N/A; the
  result names its *direct* prerequisites that are unmet or blocked themselves.
- ``report`` and ``enforce`` list a violation per practice with a value above 0 and per
  requirement as written whose practices are not all met (values as answered).
- A domain's ``coverage`` is pooled over every practice below it.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING

from maturity_model.errors import ModelValidationError
from maturity_model.evidence import Answer, Assessment, resolve_answers
from maturity_model.model import CapabilityItem, MaturityModel, Practice
from maturity_model.profile import (
    Blocked,
    Counts,
    PracticeResult,
    Profile,
    Result,
    Violation,
)
from maturity_model.rules import (
    ChildOutcome,
    ItemEvidence,
    LevelEvidence,
    Outcome,
    PracticeEvidence,
)

if TYPE_CHECKING:
    from maturity_model.rules import AggregationRule

__all__ = ["score"]


def _is_met(answer: Answer) -> bool:
    """A prerequisite is met when its value is 1 or it is N/A."""
    return answer.value is None or answer.value >= 1.0


def _dependencies(model: MaturityModel, answers: Mapping[str, Answer]) -> tuple[
        dict[str, list[Violation]], dict[str, tuple[str, ...]]]:
    """Violations per practice, and (for ``enforce``) the blockers of blocked practices."""
    from maturity_model.graph import expanded_requirements, requirement_map, topological_order

    violations: dict[str, list[Violation]] = {}
    blocked: dict[str, tuple[str, ...]] = {}
    if model.dependencies == "ignore":
        return violations, blocked
    for practice_id, requirement, prerequisites in expanded_requirements(model):
        value = answers[practice_id].value
        if value is None or value <= 0.0:
            continue
        unmet = tuple(q for q in prerequisites if not _is_met(answers[q]))
        if unmet:
            violations.setdefault(practice_id, []).append(
                Violation(practice=practice_id, requirement=requirement, unmet=unmet))
    if model.dependencies == "enforce":
        requirements = requirement_map(model)
        closure_unmet: dict[str, bool] = {}
        for pid in topological_order(model):
            by = tuple(q for q in requirements[pid]
                       if not _is_met(answers[q]) or closure_unmet[q])
            closure_unmet[pid] = bool(by)
            if by and answers[pid].value is not None:
                blocked[pid] = by
    return violations, blocked


def _item_result(model: MaturityModel, item: CapabilityItem, parent: str,
                 answers: Mapping[str, Answer], values: Mapping[str, float | None],
                 observations: Mapping[str, float],
                 violations: Mapping[str, list[Violation]],
                 blocked: Mapping[str, tuple[str, ...]],
                 sums: dict[str, tuple[dict[int, float], dict[int, float]]]) -> Result:
    scale_values = model.scale.values
    weighted: dict[int, float] = dict.fromkeys(scale_values, 0.0)
    weights: dict[int, float] = dict.fromkeys(scale_values, 0.0)
    mandatory_ok: dict[int, bool] = dict.fromkeys(scale_values, True)
    met = partial = not_met = na = unknown = 0
    assessed = False
    for practice in item.practices:
        answer = answers[practice.id]
        value = values[practice.id]
        status = answer.status
        if status == "n/a":
            na += 1
            continue
        if status == "unknown":
            unknown += 1
        else:
            assessed = True
            if value is not None and value >= 1.0:
                met += 1
            elif value is not None and value > 0.0:
                partial += 1
            else:
                not_met += 1
        assert value is not None
        level = practice.level
        weighted[level] += practice.weight * value
        weights[level] += practice.weight
        if practice.mandatory and value < 1.0:
            mandatory_ok[level] = False
    coverage: dict[int, float | None] = {
        lv: (weighted[lv] / weights[lv] if weights[lv] > 0 else None) for lv in scale_values}
    frozen_coverage = MappingProxyType(coverage)
    rule = model.item_rule(item)
    evidence = ItemEvidence(
        item_id=item.id, assessed=assessed, observations=observations,
        levels=tuple(LevelEvidence(level=lv, mean=coverage[lv], mandatory_met=mandatory_ok[lv])
                     for lv in scale_values),
        practices=tuple(PracticeEvidence(practice_id=p.id, level=p.level, value=values[p.id],
                                         status=answers[p.id].status)
                        for p in item.practices)
        if getattr(type(rule), "reads_practices", False) else ())
    outcome: Outcome | None = rule.evaluate_item(evidence)
    missing: tuple[str, ...] = ()
    if outcome is not None and outcome.level + 1 in coverage:
        missing = _missing(item.practices, outcome.level + 1, values)
    sums[item.id] = (weighted, weights)
    return Result(
        node_id=item.id, kind="item", name=item.name, parent=parent, rule=rule.kind,
        score=None if outcome is None else outcome.score,
        level=None if outcome is None else outcome.level,
        coverage=frozen_coverage,
        counts=Counts(met=met, partial=partial, not_met=not_met, na=na, unknown=unknown),
        missing=missing,
        violations=tuple(v for p in item.practices for v in violations.get(p.id, ()))
        if violations else (),
        blocked=tuple(Blocked(practice=p.id, by=blocked[p.id])
                      for p in item.practices if p.id in blocked) if blocked else (),
    )


def _missing(practices: tuple[Practice, ...], level: int,
             values: Mapping[str, float | None]) -> tuple[str, ...]:
    return tuple(p.id for p in practices if p.level == level
                 and (value := values[p.id]) is not None and value < 1.0)


def _aggregate(node_id: str, kind: str, name: str, parent: str | None,
               rule: AggregationRule, children: list[tuple[Result, float]],
               scale_values: tuple[int, ...],
               sums: dict[str, tuple[dict[int, float], dict[int, float]]]) -> Result:
    weighted = dict.fromkeys(scale_values, 0.0)
    weights = dict.fromkeys(scale_values, 0.0)
    counts = Counts()
    assessed: list[ChildOutcome] = []
    for child, weight in children:
        child_weighted, child_weights = sums[child.node_id]
        for lv in scale_values:
            weighted[lv] += child_weighted[lv]
            weights[lv] += child_weights[lv]
        counts = counts + child.counts
        if child.score is not None and child.level is not None:
            assessed.append(ChildOutcome(node_id=child.node_id, score=child.score,
                                         level=child.level, weight=weight))
    sums[node_id] = (weighted, weights)
    outcome = rule.aggregate(assessed) if assessed else None
    limited_by: tuple[str, ...] = ()
    if assessed:
        lowest = min(c.level for c in assessed)
        limited_by = tuple(c.node_id for c in assessed if c.level == lowest)
    return Result(
        node_id=node_id, kind=kind,  # type: ignore[arg-type]
        name=name, parent=parent, rule=rule.kind,
        score=None if outcome is None else outcome.score,
        level=None if outcome is None else outcome.level,
        coverage=MappingProxyType({lv: (weighted[lv] / weights[lv] if weights[lv] > 0 else None)
                                   for lv in scale_values}),
        counts=counts, limited_by=limited_by,
    )


def _ratings(model: MaturityModel, answers: Mapping[str, Answer],
             values: Mapping[str, float | None]) -> dict[str, str]:
    """Per-practice ratings of the item rules that rate answers (``rate``), e.g. N/P/L/F."""
    ratings: dict[str, str] = {}
    for item in model.items():
        rate = getattr(model.item_rule(item), "rate", None)
        if rate is None:
            continue
        for p in item.practices:
            rated = rate(PracticeEvidence(practice_id=p.id, level=p.level, value=values[p.id],
                                          status=answers[p.id].status))
            if rated is not None:
                ratings[p.id] = rated
    return ratings


def score(model: MaturityModel, assessment: Assessment, *, strict: bool = True) -> Profile:
    """Score one assessment against a model.

    :param strict: when false, answers to practices the model lacks are dropped with a
        warning instead of being an error.
    :raises ModelValidationError: the model has error-level problems.
    :raises AssessmentValidationError: the assessment has problems (all listed): answers
        outside [0, 1], unknown labels, unknown practices, another model.

    >>> import maturity_model as mm
    >>> model = mm.MaturityModel(id="m", scale=mm.LevelScale.range(1, 5), domains=[
    ...     mm.Domain(id="d", items=[mm.CapabilityItem(id="vcs", practices=[
    ...         mm.Practice(id="vcs.1", level=1), mm.Practice(id="vcs.2", level=2),
    ...         *[mm.Practice(id=f"vcs.3.{i}", level=3) for i in range(5)]])])])
    >>> answers = {"vcs.1": True, "vcs.2": True, "vcs.3.0": True, "vcs.3.1": True,
    ...            "vcs.3.2": True, "vcs.3.3": False}
    >>> profile = mm.score(model, mm.Assessment(model="m", answers=answers))
    >>> profile["vcs"].level, profile["vcs"].score, profile["vcs"].missing
    (2, 2.6, ('vcs.3.3', 'vcs.3.4'))
    >>> profile["vcs"].counts
    Counts(met=5, partial=0, not_met=1, na=0, unknown=1)
    """
    from maturity_model.validation import model_errors

    errors = model_errors(model)
    if errors:
        raise ModelValidationError(errors)
    answers = resolve_answers(model, assessment, strict=strict)
    violations, blocked = _dependencies(model, answers)
    values: dict[str, float | None] = {
        pid: (0.0 if pid in blocked else answer.value) for pid, answer in answers.items()}
    observations = assessment.observations
    sums: dict[str, tuple[dict[int, float], dict[int, float]]] = {}
    results: dict[str, Result] = {}
    scale_values = model.scale.values
    index = model._index
    # Children before parents: items first, then domains deepest-first.
    for item in index.items:
        results[item.id] = _item_result(model, item, index.parent_of[item.id], answers,
                                        values, observations, violations, blocked, sums)
    for domain in reversed(index.domains):
        children = [(results[c.id], c.weight) for c in domain.children]
        results[domain.id] = _aggregate(domain.id, "domain", domain.name,
                                        index.parent_of[domain.id], model.domain_rule(domain),
                                        children, scale_values, sums)
    root = _aggregate(model.id, "model", model.name, None, model.domain_rule(None),
                      [(results[d.id], d.weight) for d in model.domains], scale_values, sums)
    ordered: dict[str, Result] = {model.id: root}
    for node_id in index.nodes:
        ordered[node_id] = results[node_id]
    ratings = _ratings(model, answers, values)
    practices = {
        p.id: PracticeResult(practice_id=p.id, item_id=index.item_of[p.id], level=p.level,
                             status=answers[p.id].status, value=values[p.id], weight=p.weight,
                             blocked_by=blocked.get(p.id, ()), rating=ratings.get(p.id))
        for p in model.practices()}
    return Profile(model_id=model.id, model_version=model.version,
                   subject=assessment.subject, date=assessment.date,
                   dependencies=model.dependencies, scale=model.scale,
                   results=MappingProxyType(ordered), practices=MappingProxyType(practices))
