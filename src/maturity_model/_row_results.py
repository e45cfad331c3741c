"""What the object engine builds when read, and what both engines explain with (private).

A scored assessment (:class:`ScoredRow`) keeps its values, statuses, node scores and
levels; a :class:`~maturity_model.Profile` reads its results and practice results from
it on demand. The dependency findings (:func:`_dependencies`) and per-practice ratings
are shared with the batch engine's profiles.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from maturity_model.evidence import Answer, AnswerDetail
from maturity_model.model import MaturityModel, Practice
from maturity_model.profile import Blocked, Counts, PracticeResult, Result, Violation
from maturity_model.rules import MetricBands, PracticeEvidence

if TYPE_CHECKING:
    from maturity_model._row_engine import RowPlan


def _is_met(value: float | None) -> bool:
    """A prerequisite is met when its value is 1 or it is N/A."""
    return value is None or value >= 1.0


def _dependencies(model: MaturityModel, values: Mapping[str, float | None]) -> tuple[
        dict[str, list[Violation]], dict[str, tuple[str, ...]]]:
    """Violations per practice, and (for ``enforce``) the blockers of blocked practices.

    :param values: every practice's value as answered (``None`` for N/A).
    """
    from maturity_model.graph import expanded_requirements, requirement_map, topological_order

    violations: dict[str, list[Violation]] = {}
    blocked: dict[str, tuple[str, ...]] = {}
    if model.dependencies == "ignore":
        return violations, blocked
    for practice_id, requirement, prerequisites in expanded_requirements(model):
        value = values[practice_id]
        if value is None or value <= 0.0:
            continue
        unmet = tuple(q for q in prerequisites if not _is_met(values[q]))
        if unmet:
            violations.setdefault(practice_id, []).append(
                Violation(practice=practice_id, requirement=requirement, unmet=unmet))
    if model.dependencies == "enforce":
        requirements = requirement_map(model)
        closure_unmet: dict[str, bool] = {}
        for pid in topological_order(model):
            by = tuple(q for q in requirements[pid]
                       if not _is_met(values[q]) or closure_unmet[q])
            closure_unmet[pid] = bool(by)
            if by and values[pid] is not None:
                blocked[pid] = by
    return violations, blocked


def _missing(practices: tuple[Practice, ...], level: int,
             values: Mapping[str, float | None]) -> tuple[str, ...]:
    return tuple(p.id for p in practices if p.level == level
                 and (value := values[p.id]) is not None and value < 1.0)


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


def metric_reading(rule: Any, observations: Mapping[str, float], level: int | None,
                   ) -> tuple[float | None, float | None]:
    """A ``metric-bands`` item's observation and the bound of its next band up."""
    if not isinstance(rule, MetricBands) or rule.metric not in observations:
        return None, None
    return (float(observations[rule.metric]),
            None if level is None else rule.next_bound(level))


class ScoredRow:
    """One scored assessment; builds results and practice results when they are read."""

    observations: Mapping[str, float] = MappingProxyType({})
    details: Mapping[str, AnswerDetail] = MappingProxyType({})
    gaps: Mapping[str, str] = MappingProxyType({})

    def __init__(self, plan: RowPlan, values: list[float | None], statuses: list[str],
                 scores: list[float | None], levels: list[int | None],
                 sums: list[tuple[list[float], Sequence[float]]],
                 violations: dict[str, list[Violation]],
                 blocked: dict[str, tuple[str, ...]]) -> None:
        self.plan, self.values, self.statuses = plan, values, statuses
        self.scores, self.levels, self.sums = scores, levels, sums
        self.violations, self.blocked = violations, blocked
        self.counts: list[list[int]] | None = None
        self.pooled: list[tuple[Sequence[float], Sequence[float]]] | None = None

    def _counts(self, k: int) -> Counts:
        if self.counts is None:  # every node at once, children first: no recursion
            plan = self.plan
            counts: list[list[int]] = []
            for it in plan.items:
                tally = [0, 0, 0, 0, 0]  # met, partial, not met, n/a, unknown
                for j in range(it.start, it.stop):
                    status = self.statuses[j]
                    if status == "n/a":
                        tally[3] += 1
                    elif status == "unknown":
                        tally[4] += 1
                    else:  # by the value scored: enforcement may have zeroed it
                        v = self.values[j]
                        tally[0 if v is not None and v >= 1.0 else
                              1 if v is not None and v > 0.0 else 2] += 1
                counts.append(tally)
            for node in plan.nodes:
                total = [0, 0, 0, 0, 0]
                for child in node.children:
                    for slot, n in enumerate(counts[child]):
                        total[slot] += n
                counts.append(total)
            self.counts = counts
        met, partial, not_met, na, unknown = self.counts[k]
        return Counts(met=met, partial=partial, not_met=not_met, na=na, unknown=unknown)

    def _pooled(self, k: int) -> tuple[Sequence[float], Sequence[float]]:
        if self.pooled is None:  # every node at once, children first, child by child
            n_levels = len(self.plan.scale_values)
            pooled: list[tuple[Sequence[float], Sequence[float]]] = list(self.sums)
            for node in self.plan.nodes:
                weighted = [0.0] * n_levels
                weights = [0.0] * n_levels
                for child in node.children:
                    child_weighted, child_weights = pooled[child]
                    for lv in range(n_levels):
                        weighted[lv] += child_weighted[lv]
                        weights[lv] += child_weights[lv]
                pooled.append((weighted, weights))
            self.pooled = pooled
        return self.pooled[k]

    def result(self, node_id: str) -> Result:
        plan = self.plan
        k = plan.node_ids[node_id]
        weighted, weights = self._pooled(k)
        coverage = MappingProxyType({
            lv: (weighted[i] / weights[i] if weights[i] > 0 else None)
            for i, lv in enumerate(plan.scale_values)})
        score, level = self.scores[k], self.levels[k]
        if k < len(plan.items):
            it = plan.items[k]
            practices = it.item.practices
            missing: tuple[str, ...] = ()
            if level is not None and level + 1 in coverage:
                missing = tuple(
                    p.id for j, p in zip(range(it.start, it.stop), practices, strict=True)
                    if p.level == level + 1 and (v := self.values[j]) is not None and v < 1.0)
            observed, next_bound = metric_reading(it.rule, self.observations, level)
            return Result(
                node_id=node_id, kind="item", name=it.item.name, parent=it.parent,
                rule=it.rule.kind, score=score, level=level, coverage=coverage,
                counts=self._counts(k), missing=missing, observed=observed,
                next_bound=next_bound,
                violations=tuple(v for p in practices for v in self.violations.get(p.id, ()))
                if self.violations else (),
                blocked=tuple(Blocked(practice=p.id, by=self.blocked[p.id])
                              for p in practices if p.id in self.blocked)
                if self.blocked else ())
        node = plan.nodes[k - len(plan.items)]
        assessed = [c for c in node.children if self.levels[c] is not None]
        limited_by: tuple[str, ...] = ()
        if assessed:
            lowest = min(self.levels[c] for c in assessed)  # type: ignore[type-var]
            limited_by = tuple(plan.node_id(c) for c in assessed if self.levels[c] == lowest)
        return Result(
            node_id=node_id, kind=node.kind, name=node.name,  # type: ignore[arg-type]
            parent=node.parent, rule=node.rule.kind, score=score, level=level,
            coverage=coverage, counts=self._counts(k), limited_by=limited_by)

    def practice(self, practice_id: str) -> PracticeResult:
        plan = self.plan
        j = plan.column[practice_id]
        p = plan.practices[j]
        it = plan.items[plan.item_of[j]]
        rating = None
        rate = getattr(it.rule, "rate", None)
        if rate is not None:
            rating = rate(PracticeEvidence(practice_id=p.id, level=p.level,
                                           value=self.values[j], status=self.statuses[j]))
        detail = self.details.get(p.id)
        return PracticeResult(practice_id=p.id, item_id=it.item.id, level=p.level,
                              status=self.statuses[j],  # type: ignore[arg-type]
                              value=self.values[j], weight=p.weight,
                              blocked_by=self.blocked.get(p.id, ()), rating=rating,
                              mandatory=p.mandatory,
                              note=detail.note if detail else "",
                              evidence=detail.evidence if detail else (),
                              evidence_gap=self.gaps.get(p.id))  # type: ignore[arg-type]
